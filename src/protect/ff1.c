/* SPDX-License-Identifier: Apache-2.0 */
/* FF1 (NIST SP 800-38G, section 6.2) with AES-ECB from OpenSSL EVP as the block cipher. */
#include "ff1.h"

#include <openssl/evp.h>
#include <sodium.h>

struct pcl_ff1 {
    EVP_CIPHER_CTX *ctx; /* AES-ECB, no padding, encrypt direction */
};

unsigned
pcl_bn_muladd(uint8_t *x, size_t n, unsigned mul, unsigned add)
{
    unsigned long carry = add;

    for (size_t i = n; i-- > 0;) {
        unsigned long v = (unsigned long)x[i] * mul + carry;

        x[i] = (uint8_t)(v & 0xffu);
        carry = v >> 8;
    }
    return (unsigned)carry;
}

unsigned
pcl_bn_divmod(uint8_t *x, size_t n, unsigned div)
{
    unsigned long rem = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned long cur = (rem << 8) | x[i];

        x[i] = (uint8_t)(cur / div);
        rem = cur % div;
    }
    return (unsigned)rem;
}

int
pcl_bn_cmp(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return a[i] < b[i] ? -1 : 1;
        }
    }
    return 0;
}

bool
pcl_ff1_domain_ok(unsigned radix, size_t n)
{
    uint64_t v = 1;

    if (radix < 2) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        v *= radix;
        if (v >= PCL_FF1_MIN_DOMAIN) {
            return true;
        }
    }
    return false;
}

enum pcl_rc
pcl_ff1_new(const uint8_t *key, size_t keylen, struct pcl_ff1 **out, struct pcl_err *err)
{
    struct pcl_ff1 *f = NULL;
    const EVP_CIPHER *cipher;
    enum pcl_rc rc = PCL_OK;

    *out = NULL;
    switch (keylen) {
    case 16:
        cipher = EVP_aes_128_ecb();
        break;
    case 24:
        cipher = EVP_aes_192_ecb();
        break;
    case 32:
        cipher = EVP_aes_256_ecb();
        break;
    default:
        return pcl_err_set(err, PCL_EINVAL, "ff1: key must be 16, 24 or 32 bytes, not %zu", keylen);
    }
    f = pcl_calloc(1, sizeof(*f));
    if (f == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "ff1: out of memory");
        goto out;
    }
    f->ctx = EVP_CIPHER_CTX_new();
    if (f->ctx == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "ff1: out of memory for the cipher context");
        goto out;
    }
    if (EVP_EncryptInit_ex(f->ctx, cipher, NULL, key, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(f->ctx, 0) != 1) {
        rc = pcl_err_set(err, PCL_EINTERNAL, "ff1: openssl refused the aes key");
        goto out;
    }
    *out = f;
    f = NULL;
out:
    pcl_ff1_free(f);
    return rc;
}

void
pcl_ff1_free(struct pcl_ff1 *f)
{
    if (f == NULL) {
        return;
    }
    EVP_CIPHER_CTX_free(f->ctx); /* also cleanses the expanded key */
    pcl_free(f);
}

static bool
aes_block(struct pcl_ff1 *f, const uint8_t in[16], uint8_t out[16])
{
    int outl = 0;

    return EVP_EncryptUpdate(f->ctx, out, &outl, in, 16) == 1 && outl == 16;
}

/* NUM_radix(x[0..n)) as a big-endian number in out[0..b). */
static void
num_radix(const uint8_t *x, size_t n, unsigned radix, uint8_t *out, size_t b)
{
    memset(out, 0, b);
    for (size_t i = 0; i < n; i++) {
        (void)pcl_bn_muladd(out, b, radix, x[i]);
    }
}

/* Bytes needed for radix^v - 1: ceil(ceil(v * log2(radix)) / 8), computed exactly. The
 * value fits in v bytes since radix <= 256. */
static size_t
bytes_for(unsigned radix, size_t v)
{
    uint8_t big[PCL_FF1_MAX_LEN + 1];
    size_t w = v + 1;
    size_t i = 0;

    memset(big, 0, w);
    big[w - 1] = 1;
    for (size_t k = 0; k < v; k++) {
        (void)pcl_bn_muladd(big, w, radix, 0);
    }
    /* radix^v - 1 */
    for (size_t k = w; k-- > 0;) {
        if (big[k] != 0) {
            big[k]--;
            break;
        }
        big[k] = 0xff;
    }
    while (i < w && big[i] == 0) {
        i++;
    }
    return i == w ? 1 : w - i;
}

struct ff1_call {
    struct pcl_ff1 *f;
    unsigned radix;
    size_t n, u, v, b, d;
    const uint8_t *tweak;
    size_t tlen;
    uint8_t p_mac[16]; /* CIPH(P): the CBC-MAC state after the fixed first block */
};

/* Round function: digits (LSB first, m of them) of NUM(S) mod radix^m, where S is derived
 * from PRF(P || Q) with Q = T || 0^pad || i || NUM_radix(x). */
static bool
ff1_round(struct ff1_call *c, unsigned i, const uint8_t *x, size_t xlen, size_t m, uint8_t *ydig)
{
    uint8_t q[PCL_FF1_MAX_TWEAK + 16 + 1 + PCL_FF1_MAX_LEN];
    uint8_t s[PCL_FF1_MAX_LEN / 2 + 32];
    uint8_t y[16];
    uint8_t blk[16];
    size_t pad = (16 - ((c->tlen + c->b + 1) % 16)) % 16;
    size_t qlen = c->tlen + pad + 1 + c->b;
    size_t nblk = (c->d + 15) / 16;
    bool ok = true;

    if (c->tlen > 0) {
        memcpy(q, c->tweak, c->tlen);
    }
    memset(q + c->tlen, 0, pad);
    q[c->tlen + pad] = (uint8_t)i;
    num_radix(x, xlen, c->radix, q + c->tlen + pad + 1, c->b);

    memcpy(y, c->p_mac, 16);
    for (size_t off = 0; off < qlen && ok; off += 16) {
        for (size_t k = 0; k < 16; k++) {
            blk[k] = (uint8_t)(y[k] ^ q[off + k]);
        }
        ok = aes_block(c->f, blk, y);
    }
    /* S = R || CIPH(R xor [1]^16) || CIPH(R xor [2]^16) ... truncated to d bytes. */
    memcpy(s, y, 16);
    for (size_t j = 1; j < nblk && ok; j++) {
        memcpy(blk, y, 16);
        blk[15] ^= (uint8_t)(j & 0xffu);
        blk[14] ^= (uint8_t)((j >> 8) & 0xffu);
        ok = aes_block(c->f, blk, s + 16 * j);
    }
    for (size_t k = 0; k < m; k++) {
        ydig[k] = (uint8_t)pcl_bn_divmod(s, c->d, c->radix);
    }
    sodium_memzero(q, sizeof(q));
    sodium_memzero(s, sizeof(s));
    sodium_memzero(y, sizeof(y));
    sodium_memzero(blk, sizeof(blk));
    return ok;
}

static enum pcl_rc
ff1_setup(struct ff1_call *c, struct pcl_ff1 *f, unsigned radix, const uint8_t *tweak, size_t tlen,
          const uint8_t *in, size_t n, struct pcl_err *err)
{
    uint8_t p[16];

    if (radix < 2 || radix > 256) {
        return pcl_err_set(err, PCL_EINVAL, "ff1: radix %u outside 2..256", radix);
    }
    if (n < 2 || n > PCL_FF1_MAX_LEN) {
        return pcl_err_set(err, PCL_EINVAL, "ff1: length %zu outside 2..%d", n, PCL_FF1_MAX_LEN);
    }
    if (!pcl_ff1_domain_ok(radix, n)) {
        return pcl_err_set(err, PCL_EINVAL, "ff1: domain %u^%zu is under the minimum of 1,000,000",
                           radix, n);
    }
    if (tlen > PCL_FF1_MAX_TWEAK) {
        return pcl_err_set(err, PCL_EINVAL, "ff1: tweak of %zu bytes is over %d", tlen,
                           PCL_FF1_MAX_TWEAK);
    }
    for (size_t i = 0; i < n; i++) {
        if (in[i] >= radix) {
            return pcl_err_set(err, PCL_EINVAL, "ff1: numeral %u at %zu is not below radix %u",
                               in[i], i, radix);
        }
    }
    c->f = f;
    c->radix = radix;
    c->n = n;
    c->u = n / 2;
    c->v = n - c->u;
    c->b = bytes_for(radix, c->v);
    c->d = 4 * ((c->b + 3) / 4) + 4;
    c->tweak = tweak;
    c->tlen = tlen;
    p[0] = 1;
    p[1] = 2;
    p[2] = 1;
    p[3] = (uint8_t)((radix >> 16) & 0xffu);
    p[4] = (uint8_t)((radix >> 8) & 0xffu);
    p[5] = (uint8_t)(radix & 0xffu);
    p[6] = 10;
    p[7] = (uint8_t)(c->u & 0xffu);
    p[8] = (uint8_t)((n >> 24) & 0xffu);
    p[9] = (uint8_t)((n >> 16) & 0xffu);
    p[10] = (uint8_t)((n >> 8) & 0xffu);
    p[11] = (uint8_t)(n & 0xffu);
    p[12] = (uint8_t)((tlen >> 24) & 0xffu);
    p[13] = (uint8_t)((tlen >> 16) & 0xffu);
    p[14] = (uint8_t)((tlen >> 8) & 0xffu);
    p[15] = (uint8_t)(tlen & 0xffu);
    if (!aes_block(f, p, c->p_mac)) {
        return pcl_err_set(err, PCL_EINTERNAL, "ff1: aes block encryption failed");
    }
    return PCL_OK;
}

/* x[0..m) (MSB first) = (x + y) mod radix^m, or (x - y) with sub; y is LSB first. */
static void
add_mod(uint8_t *x, const uint8_t *y, size_t m, unsigned radix, bool sub)
{
    int carry = 0;

    for (size_t j = 0; j < m; j++) {
        size_t pos = m - 1 - j;
        int v = sub ? (int)x[pos] - (int)y[j] - carry : (int)x[pos] + (int)y[j] + carry;

        if (sub) {
            carry = v < 0 ? 1 : 0;
            v = v < 0 ? v + (int)radix : v;
        } else {
            carry = v >= (int)radix ? 1 : 0;
            v = v >= (int)radix ? v - (int)radix : v;
        }
        x[pos] = (uint8_t)v;
    }
}

static void
rotate(uint8_t *keep, size_t *keeplen, uint8_t *other, size_t *otherlen, size_t m)
{
    uint8_t tmp[PCL_FF1_MAX_LEN];

    /* keep holds C (m numerals): keep <- other, other <- C */
    memcpy(tmp, keep, m);
    memcpy(keep, other, *otherlen);
    *keeplen = *otherlen;
    memcpy(other, tmp, m);
    *otherlen = m;
    sodium_memzero(tmp, sizeof(tmp));
}

/* Both directions share the Feistel loop; `dec` runs it backwards. a and b hold the halves
 * (u and v numerals to start with), each buffer PCL_FF1_MAX_LEN long. */
static enum pcl_rc
ff1_run(struct pcl_ff1 *f, unsigned radix, const uint8_t *tweak, size_t tlen, const uint8_t *in,
        size_t n, uint8_t *out, bool dec, struct pcl_err *err)
{
    struct ff1_call c = {0};
    uint8_t a[PCL_FF1_MAX_LEN];
    uint8_t b[PCL_FF1_MAX_LEN];
    uint8_t ydig[PCL_FF1_MAX_LEN];
    size_t alen;
    size_t blen;
    enum pcl_rc rc;

    rc = ff1_setup(&c, f, radix, tweak, tlen, in, n, err);
    if (rc != PCL_OK) {
        return rc;
    }
    alen = c.u;
    blen = c.v;
    memcpy(a, in, alen);
    memcpy(b, in + alen, blen);
    for (unsigned k = 0; k < 10; k++) {
        unsigned i = dec ? 9 - k : k;
        size_t m = (i % 2 == 0) ? c.u : c.v;

        /* encryption: C = A + y, A <- B, B <- C; decryption: C = B - y, B <- A, A <- C */
        if (!ff1_round(&c, i, dec ? a : b, dec ? alen : blen, m, ydig)) {
            rc = pcl_err_set(err, PCL_EINTERNAL, "ff1: aes block encryption failed");
            goto out;
        }
        if (dec) {
            add_mod(b, ydig, m, radix, true);
            rotate(b, &blen, a, &alen, m);
        } else {
            add_mod(a, ydig, m, radix, false);
            rotate(a, &alen, b, &blen, m);
        }
    }
    memcpy(out, a, alen);
    memcpy(out + alen, b, blen);
out:
    sodium_memzero(a, sizeof(a));
    sodium_memzero(b, sizeof(b));
    sodium_memzero(ydig, sizeof(ydig));
    sodium_memzero(&c, sizeof(c));
    return rc;
}

enum pcl_rc
pcl_ff1_encrypt(struct pcl_ff1 *f, unsigned radix, const uint8_t *tweak, size_t tlen,
                const uint8_t *in, size_t n, uint8_t *out, struct pcl_err *err)
{
    return ff1_run(f, radix, tweak, tlen, in, n, out, false, err);
}

enum pcl_rc
pcl_ff1_decrypt(struct pcl_ff1 *f, unsigned radix, const uint8_t *tweak, size_t tlen,
                const uint8_t *in, size_t n, uint8_t *out, struct pcl_err *err)
{
    return ff1_run(f, radix, tweak, tlen, in, n, out, true, err);
}
