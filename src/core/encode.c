/* SPDX-License-Identifier: Apache-2.0 */
/* Binary-to-text codecs: hex, base64 (std and url), base58/base58check and bech32/bech32m. */
#include "common.h"

#include <sodium.h>

/* Reverse alphabets indexed by ASCII code: the digit value, or -1 for a character outside the
 * alphabet. Bytes >= 0x80 are rejected before the lookup. */
/* clang-format off */
static const int8_t b64_std_rev[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
    -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
    -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
};
static const int8_t b64_url_rev[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
    -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, 63,
    -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
};
static const int8_t b58_rev[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, -1, -1, -1,
    -1, 9, 10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1,
    22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, -1, -1, -1, -1, -1,
    -1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44, 45, 46,
    47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1,
};
static const int8_t bech32_rev[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    15, -1, 10, 17, 21, 20, 26, 30, 7, 5, -1, -1, -1, -1, -1, -1,
    -1, 29, -1, 24, 13, 25, 9, 8, 23, -1, 18, 22, 31, 27, 19, -1,
    1, 0, 3, 16, 11, 28, 12, 14, 6, 4, 2, -1, -1, -1, -1, -1,
    -1, 29, -1, 24, 13, 25, 9, 8, 23, -1, 18, 22, 31, 27, 19, -1,
    1, 0, 3, 16, 11, 28, 12, 14, 6, 4, 2, -1, -1, -1, -1, -1,
};
/* clang-format on */

static const char hex_digits[] = "0123456789abcdef";
static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

#define BECH32_MAX_LEN  90
#define BECH32_CHECKSUM 6
#define BECH32_CONST    1u
#define BECH32M_CONST   0x2bc830a3u
#define B58CHECK_STACK  128 /* decoded Base58Check strings up to this size avoid the heap */

/* sodium_memzero that tolerates an empty (possibly NULL) buffer. */
static void
wipe(void *p, size_t n)
{
    if (n > 0) {
        sodium_memzero(p, n);
    }
}

static int
rev_lookup(const int8_t *table, unsigned char c)
{
    return c < 128 ? table[c] : -1;
}

/* ---- decimal ------------------------------------------------------------------------ */

size_t
pcl_fmt_i64(char *out, int64_t v)
{
    char t[PCL_I64_CHARS];
    size_t i = sizeof(t), n;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    do {
        t[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0) {
        t[--i] = '-';
    }
    n = sizeof(t) - i;
    memcpy(out, t + i, n);
    out[n] = '\0';
    return n;
}

size_t
pcl_strjoin(char *out, size_t cap, const char *const *parts)
{
    size_t n = 0;

    if (cap == 0) {
        return 0;
    }
    for (; *parts != NULL; parts++) {
        size_t l = PCL_MIN(strlen(*parts), cap - 1 - n);

        memcpy(out + n, *parts, l);
        n += l;
    }
    out[n] = '\0';
    return n;
}

bool
pcl_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (s == NULL || !pcl_is_digit(s[0])) {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (!pcl_is_digit(*s) || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10) {
            return false;
        }
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (v > max) {
        return false;
    }
    *out = v;
    return true;
}

/* ---- hex ---------------------------------------------------------------------------- */

enum pcl_rc
pcl_hex_encode(struct pcl_buf *out, const uint8_t *in, size_t n)
{
    enum pcl_rc rc;
    char *p;

    if (n > SIZE_MAX / 2) {
        return PCL_ELIMIT;
    }
    rc = pcl_buf_reserve(out, 2 * n);
    if (rc != PCL_OK) {
        return rc;
    }
    p = out->ptr + out->len;
    for (size_t i = 0; i < n; i++) {
        p[2 * i] = hex_digits[in[i] >> 4];
        p[2 * i + 1] = hex_digits[in[i] & 0x0f];
    }
    out->len += 2 * n;
    out->ptr[out->len] = '\0';
    return PCL_OK;
}

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

enum pcl_rc
pcl_hex_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen,
               struct pcl_err *err)
{
    size_t i;

    if (n % 2 != 0) {
        return pcl_err_set(err, PCL_EINVAL, "hex: odd length %zu", n);
    }
    if (n / 2 > cap) {
        return pcl_err_set(err, PCL_ELIMIT, "hex: output needs %zu bytes, capacity is %zu", n / 2,
                           cap);
    }
    for (i = 0; i < n; i += 2) {
        int hi = hex_value(in[i]);
        int lo = hex_value(in[i + 1]);

        if (hi < 0 || lo < 0) {
            size_t at = hi < 0 ? i : i + 1;

            wipe(out, i / 2);
            return pcl_err_set(err, PCL_EINVAL, "hex: invalid character 0x%02x at offset %zu",
                               (unsigned)(unsigned char)in[at], at);
        }
        out[i / 2] = (uint8_t)((hi << 4) | lo);
    }
    *outlen = n / 2;
    return PCL_OK;
}

/* ---- base64 ------------------------------------------------------------------------- */

enum pcl_rc
pcl_base64_encode(struct pcl_buf *out, const uint8_t *in, size_t n, enum pcl_b64_variant v)
{
    const char *alpha = v == PCL_B64_URL ? b64_url : b64_std;
    size_t full = n / 3;
    size_t rem = n % 3;
    size_t need;
    enum pcl_rc rc;
    char *p;

    if (full > (SIZE_MAX - 4) / 4) {
        return PCL_ELIMIT;
    }
    need = full * 4;
    if (rem != 0) {
        need += v == PCL_B64_URL ? rem + 1 : 4;
    }
    rc = pcl_buf_reserve(out, need);
    if (rc != PCL_OK) {
        return rc;
    }
    p = out->ptr + out->len;
    for (size_t i = 0; i < full; i++) {
        uint32_t x = (uint32_t)in[3 * i] << 16 | (uint32_t)in[3 * i + 1] << 8 | in[3 * i + 2];

        *p++ = alpha[(x >> 18) & 63];
        *p++ = alpha[(x >> 12) & 63];
        *p++ = alpha[(x >> 6) & 63];
        *p++ = alpha[x & 63];
    }
    if (rem != 0) {
        uint32_t x = (uint32_t)in[3 * full] << 16;

        if (rem == 2) {
            x |= (uint32_t)in[3 * full + 1] << 8;
        }
        *p++ = alpha[(x >> 18) & 63];
        *p++ = alpha[(x >> 12) & 63];
        if (rem == 2) {
            *p++ = alpha[(x >> 6) & 63];
        }
        if (v != PCL_B64_URL) {
            *p++ = '=';
            if (rem == 1) {
                *p++ = '=';
            }
        }
    }
    out->len += need;
    out->ptr[out->len] = '\0';
    return PCL_OK;
}

size_t
pcl_base64_decoded_max(size_t n)
{
    return n / 4 * 3 + (n % 4 * 3) / 4;
}

/* Report the first character of in[from..from+k) that is outside the alphabet. */
static enum pcl_rc
b64_bad_char(const char *in, size_t from, size_t k, const int8_t *table, struct pcl_err *err)
{
    for (size_t i = from; i < from + k; i++) {
        unsigned char c = (unsigned char)in[i];

        if (rev_lookup(table, c) < 0) {
            return pcl_err_set(err, PCL_EINVAL, "base64: invalid character 0x%02x at offset %zu",
                               (unsigned)c, i);
        }
    }
    return pcl_err_set(err, PCL_EINTERNAL, "base64: no invalid character found");
}

/* Padding is optional but, when present, must complete the last 4-character group. Bits left
 * over in the final character are ignored (RFC 4648 §3.5 allows either choice). */
enum pcl_rc
pcl_base64_decode(const char *in, size_t n, enum pcl_b64_variant v, uint8_t *out, size_t cap,
                  size_t *outlen, struct pcl_err *err)
{
    const int8_t *table = v == PCL_B64_URL ? b64_url_rev : b64_std_rev;
    size_t end = n;
    size_t pad = 0;
    size_t rem;
    size_t need;
    size_t i;
    size_t o = 0;
    enum pcl_rc rc = PCL_OK;

    while (end > 0 && pad < 2 && in[end - 1] == '=') {
        end--;
        pad++;
    }
    if (pad > 0 && n % 4 != 0) {
        return pcl_err_set(err, PCL_EINVAL,
                           "base64: padding at offset %zu does not complete a 4-character group",
                           end);
    }
    rem = end % 4;
    if (rem == 1) {
        return pcl_err_set(err, PCL_EINVAL, "base64: truncated input at offset %zu", end - 1);
    }
    need = pcl_base64_decoded_max(end);
    if (need > cap) {
        return pcl_err_set(err, PCL_ELIMIT, "base64: output needs %zu bytes, capacity is %zu", need,
                           cap);
    }
    for (i = 0; i + 4 <= end; i += 4) {
        int a = rev_lookup(table, (unsigned char)in[i]);
        int b = rev_lookup(table, (unsigned char)in[i + 1]);
        int c = rev_lookup(table, (unsigned char)in[i + 2]);
        int d = rev_lookup(table, (unsigned char)in[i + 3]);
        uint32_t x;

        if ((a | b | c | d) < 0) {
            rc = b64_bad_char(in, i, 4, table, err);
            goto out;
        }
        x = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        out[o++] = (uint8_t)(x >> 16);
        out[o++] = (uint8_t)(x >> 8);
        out[o++] = (uint8_t)x;
    }
    if (rem != 0) {
        int a = rev_lookup(table, (unsigned char)in[i]);
        int b = rev_lookup(table, (unsigned char)in[i + 1]);
        int c = rem == 3 ? rev_lookup(table, (unsigned char)in[i + 2]) : 0;
        uint32_t x;

        if ((a | b | c) < 0) {
            rc = b64_bad_char(in, i, rem, table, err);
            goto out;
        }
        x = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6;
        out[o++] = (uint8_t)(x >> 16);
        if (rem == 3) {
            out[o++] = (uint8_t)(x >> 8);
        }
    }
    *outlen = o;
out:
    if (rc != PCL_OK) {
        wipe(out, o);
    }
    return rc;
}

/* ---- base58 ------------------------------------------------------------------------- */

/* Quadratic in n like every base58 codec; meant for keys and addresses, not bulk data. */
enum pcl_rc
pcl_base58_encode(struct pcl_buf *out, const uint8_t *in, size_t n)
{
    size_t zeros = 0;
    size_t size;
    size_t used = 0;
    uint8_t *digits; /* base-58 digits, big-endian, in the tail of [0, size) */
    enum pcl_rc rc;
    char *p;

    while (zeros < n && in[zeros] == 0) {
        zeros++;
    }
    if (n - zeros > SIZE_MAX / 138) {
        return PCL_ELIMIT;
    }
    /* log(256) / log(58) < 1.38 */
    size = (n - zeros) * 138 / 100 + 1;
    rc = pcl_buf_reserve(out, zeros + size);
    if (rc != PCL_OK) {
        return rc;
    }
    p = out->ptr + out->len;
    digits = (uint8_t *)p + zeros;
    for (size_t i = zeros; i < n; i++) {
        unsigned carry = in[i];
        size_t j;

        for (j = 0; j < used; j++) {
            carry += 256u * digits[size - 1 - j];
            digits[size - 1 - j] = (uint8_t)(carry % 58);
            carry /= 58;
        }
        while (carry != 0) {
            PCL_ASSERT(used < size);
            digits[size - 1 - used] = (uint8_t)(carry % 58);
            used++;
            carry /= 58;
        }
    }
    memset(p, '1', zeros);
    memmove(p + zeros, digits + size - used, used);
    for (size_t i = zeros; i < zeros + used; i++) {
        p[i] = b58_alphabet[(uint8_t)p[i]];
    }
    out->len += zeros + used;
    out->ptr[out->len] = '\0';
    return PCL_OK;
}

enum pcl_rc
pcl_base58_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen,
                  struct pcl_err *err)
{
    size_t zeros = 0;
    size_t used = 0; /* the number grows big-endian in out[cap - used, cap) */
    enum pcl_rc rc = PCL_OK;

    for (size_t i = 0; i < n; i++) {
        if (rev_lookup(b58_rev, (unsigned char)in[i]) < 0) {
            return pcl_err_set(err, PCL_EINVAL, "base58: invalid character 0x%02x at offset %zu",
                               (unsigned)(unsigned char)in[i], i);
        }
    }
    while (zeros < n && in[zeros] == '1') {
        zeros++;
    }
    for (size_t i = zeros; i < n; i++) {
        unsigned carry = (unsigned)b58_rev[(unsigned char)in[i]];

        for (size_t j = 0; j < used; j++) {
            carry += 58u * out[cap - 1 - j];
            out[cap - 1 - j] = (uint8_t)(carry & 0xff);
            carry >>= 8;
        }
        while (carry != 0) {
            if (used == cap) {
                rc = pcl_err_set(err, PCL_ELIMIT, "base58: output exceeds capacity %zu", cap);
                goto out;
            }
            out[cap - 1 - used] = (uint8_t)(carry & 0xff);
            used++;
            carry >>= 8;
        }
    }
    if (zeros > cap - used) {
        rc = pcl_err_set(err, PCL_ELIMIT, "base58: output exceeds capacity %zu", cap);
        goto out;
    }
    if (used > 0) {
        memmove(out + zeros, out + cap - used, used);
    }
    if (zeros > 0) {
        memset(out, 0, zeros);
    }
    *outlen = zeros + used;
out:
    if (rc != PCL_OK) {
        /* Base58 carries private keys (WIF); leave no partial number behind. */
        if (used > 0) {
            sodium_memzero(out + cap - used, used);
        }
    }
    return rc;
}

enum pcl_rc
pcl_base58check_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen,
                       struct pcl_err *err)
{
    uint8_t stack[B58CHECK_STACK];
    uint8_t hash[crypto_hash_sha256_BYTES];
    uint8_t *tmp = stack;
    size_t tmpcap;
    size_t len = 0;
    enum pcl_rc rc;

    /* A base58 string never decodes to more bytes than it has characters. */
    tmpcap = cap > SIZE_MAX - 4 ? SIZE_MAX : cap + 4;
    tmpcap = PCL_MIN(tmpcap, n);
    if (tmpcap > sizeof(stack)) {
        tmp = pcl_malloc(tmpcap);
        if (tmp == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "base58check: out of memory");
        }
    }
    rc = pcl_base58_decode(in, n, tmp, tmpcap, &len, err);
    if (rc == PCL_ELIMIT) {
        rc = pcl_err_set(err, PCL_ELIMIT, "base58check: payload exceeds capacity %zu", cap);
    }
    if (rc != PCL_OK) {
        len = 0;
        goto out;
    }
    if (len < 4) {
        rc = pcl_err_set(err, PCL_EINVAL, "base58check: %zu bytes is shorter than the checksum",
                         len);
        goto out;
    }
    crypto_hash_sha256(hash, tmp, len - 4);
    crypto_hash_sha256(hash, hash, sizeof(hash));
    if (memcmp(hash, tmp + len - 4, 4) != 0) {
        rc = pcl_err_set(err, PCL_EINVAL, "base58check: checksum mismatch");
        goto out;
    }
    if (len - 4 > cap) {
        rc = pcl_err_set(err, PCL_ELIMIT, "base58check: payload of %zu bytes exceeds capacity %zu",
                         len - 4, cap);
        goto out;
    }
    if (len > 4) {
        memcpy(out, tmp, len - 4);
    }
    *outlen = len - 4;
out:
    wipe(tmp, len);
    sodium_memzero(hash, sizeof(hash));
    if (tmp != stack) {
        pcl_free(tmp);
    }
    return rc;
}

/* ---- bech32 ------------------------------------------------------------------------- */

static uint32_t
bech32_polymod_step(uint32_t chk, uint32_t v)
{
    static const uint32_t gen[5] = {0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu,
                                    0x2a1462b3u};
    uint32_t top = chk >> 25;

    chk = (chk & 0x1ffffffu) << 5 ^ v;
    for (unsigned i = 0; i < 5; i++) {
        if ((top >> i) & 1u) {
            chk ^= gen[i];
        }
    }
    return chk;
}

/* Check length, characters and case, and find the separator: the last '1', so the
 * human-readable part may itself contain '1's (BIP-173). */
static enum pcl_rc
bech32_split(const char *in, size_t n, size_t *sep, struct pcl_err *err)
{
    bool lower = false;
    bool upper = false;
    size_t pos = 0; /* 1-based so that 0 means "none" */

    if (n > BECH32_MAX_LEN) {
        return pcl_err_set(err, PCL_EINVAL, "bech32: length %zu exceeds %d characters", n,
                           BECH32_MAX_LEN);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];

        if (c < 33 || c > 126) {
            return pcl_err_set(err, PCL_EINVAL, "bech32: invalid character 0x%02x at offset %zu",
                               (unsigned)c, i);
        }
        lower = lower || (c >= 'a' && c <= 'z');
        upper = upper || (c >= 'A' && c <= 'Z');
        if (c == '1') {
            pos = i + 1;
        }
    }
    if (lower && upper) {
        return pcl_err_set(err, PCL_EINVAL, "bech32: mixed case");
    }
    if (pos == 0) {
        return pcl_err_set(err, PCL_EINVAL, "bech32: no separator '1'");
    }
    if (pos == 1) {
        return pcl_err_set(err, PCL_EINVAL, "bech32: empty human-readable part");
    }
    if (n - pos < BECH32_CHECKSUM) {
        return pcl_err_set(err, PCL_EINVAL, "bech32: checksum shorter than %d characters",
                           BECH32_CHECKSUM);
    }
    *sep = pos - 1;
    return PCL_OK;
}

/* Polymod over the expanded hrp (high bits, 0, low bits) and the data with its checksum. */
static uint32_t
bech32_checksum(const char *hrp, size_t hrp_len, const uint8_t *vals, size_t nvals)
{
    uint32_t chk = 1;

    for (size_t i = 0; i < hrp_len; i++) {
        chk = bech32_polymod_step(chk, (uint32_t)(unsigned char)pcl_lower(hrp[i]) >> 5);
    }
    chk = bech32_polymod_step(chk, 0);
    for (size_t i = 0; i < hrp_len; i++) {
        chk = bech32_polymod_step(chk, (uint32_t)(unsigned char)pcl_lower(hrp[i]) & 31u);
    }
    for (size_t i = 0; i < nvals; i++) {
        chk = bech32_polymod_step(chk, vals[i]);
    }
    return chk;
}

enum pcl_rc
pcl_bech32_decode(const char *in, size_t n, char *hrp, size_t hrp_cap, uint8_t *data,
                  size_t data_cap, size_t *data_len, enum pcl_bech32_variant *variant,
                  struct pcl_err *err)
{
    uint8_t vals[BECH32_MAX_LEN];
    size_t sep = 0;
    size_t nvals;
    size_t ndata;
    uint32_t chk;
    enum pcl_rc rc = bech32_split(in, n, &sep, err);

    if (rc != PCL_OK) {
        return rc;
    }
    nvals = n - sep - 1;
    for (size_t i = 0; i < nvals; i++) {
        int v = rev_lookup(bech32_rev, (unsigned char)in[sep + 1 + i]);

        if (v < 0) {
            return pcl_err_set(err, PCL_EINVAL,
                               "bech32: invalid data character 0x%02x at offset %zu",
                               (unsigned)(unsigned char)in[sep + 1 + i], sep + 1 + i);
        }
        vals[i] = (uint8_t)v;
    }
    chk = bech32_checksum(in, sep, vals, nvals);
    if (chk != BECH32_CONST && chk != BECH32M_CONST) {
        return pcl_err_set(err, PCL_EINVAL, "bech32: checksum mismatch");
    }
    ndata = nvals - BECH32_CHECKSUM;
    if (sep >= hrp_cap) {
        return pcl_err_set(err, PCL_ELIMIT,
                           "bech32: human-readable part of %zu bytes exceeds capacity %zu", sep,
                           hrp_cap);
    }
    if (ndata > data_cap) {
        return pcl_err_set(err, PCL_ELIMIT, "bech32: %zu data groups exceed capacity %zu", ndata,
                           data_cap);
    }
    for (size_t i = 0; i < sep; i++) {
        hrp[i] = pcl_lower(in[i]);
    }
    hrp[sep] = '\0';
    if (ndata > 0) {
        memcpy(data, vals, ndata);
    }
    *data_len = ndata;
    *variant = chk == BECH32_CONST ? PCL_BECH32 : PCL_BECH32M;
    return PCL_OK;
}

enum pcl_rc
pcl_bits_convert(const uint8_t *in, size_t n, unsigned from, unsigned to, bool pad, uint8_t *out,
                 size_t cap, size_t *outlen)
{
    uint32_t acc = 0;
    uint32_t maxv;
    uint32_t max_acc;
    unsigned bits = 0;
    size_t o = 0;

    if (from < 1 || from > 8 || to < 1 || to > 8) {
        return PCL_EINVAL;
    }
    maxv = (1u << to) - 1;
    max_acc = (1u << (from + to - 1)) - 1;
    for (size_t i = 0; i < n; i++) {
        if ((in[i] >> from) != 0) {
            return PCL_EINVAL;
        }
        acc = ((acc << from) | in[i]) & max_acc;
        bits += from;
        while (bits >= to) {
            bits -= to;
            if (o == cap) {
                return PCL_ELIMIT;
            }
            out[o++] = (uint8_t)((acc >> bits) & maxv);
        }
    }
    if (pad) {
        if (bits > 0) {
            if (o == cap) {
                return PCL_ELIMIT;
            }
            out[o++] = (uint8_t)((acc << (to - bits)) & maxv);
        }
    } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
        return PCL_EINVAL;
    }
    *outlen = o;
    return PCL_OK;
}
