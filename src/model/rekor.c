/* SPDX-License-Identifier: Apache-2.0 */
/* Offline verification of the Rekor transparency-log entry in a Sigstore bundle: the entry is
 * bound to this envelope (payload hash, signature, signing certificate), its inclusion proof
 * leads to the root of a checkpoint signed by a log the trusted root names, and the log's signed
 * entry timestamp vouches for the integration time at which the certificate chain is checked. */
#include "rekor.h"

#include "common.h"

#include <portcullis/audit.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define MAX_PROOF 64u /* RFC 9162 proofs of a 2^64-leaf tree are at most 64 hashes */

struct tlog_key {
    uint8_t id[32]; /* SHA-256 of the DER SubjectPublicKeyInfo, Rekor's log ID */
    EVP_PKEY *key;
};

static PCL_PRINTF(3, 4) bool fail(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return false;
}

/* Standard base64 of a JSON string into out[0..cap); false when absent, invalid or too long. */
static bool
b64_field(json_t *s, uint8_t *out, size_t cap, size_t *n)
{
    const char *in = json_string_value(s);

    *n = 0;
    return in != NULL &&
           pcl_base64_decode(in, json_string_length(s), PCL_B64_STD, out, cap, n, NULL) == PCL_OK;
}

/* Heap copy of a base64 JSON string; NULL when absent or invalid. */
static uint8_t *
b64_dup(json_t *s, size_t *n)
{
    size_t cap = pcl_base64_decoded_max(json_string_length(s)) + 1;
    uint8_t *out = json_is_string(s) ? pcl_malloc(cap) : NULL;

    if (out != NULL && !b64_field(s, out, cap, n)) {
        pcl_free(out);
        out = NULL;
    }
    return out;
}

/* Decimal JSON string or non-negative integer; false when neither. */
static bool
json_u64(json_t *j, uint64_t *out)
{
    if (json_is_integer(j) && json_integer_value(j) >= 0) {
        *out = (uint64_t)json_integer_value(j);
        return true;
    }
    return pcl_parse_u64(json_string_value(j), UINT64_MAX, out);
}

/* The tlog key of the trusted root (or a ClientTrustConfig wrapping one) whose log ID is id. */
static EVP_PKEY *
find_log_key(const char *trust_root_path, const uint8_t id[32])
{
    json_error_t jerr;
    json_t *root = json_load_file(trust_root_path, 0, &jerr);
    json_t *tr = json_object_get(root, "trustedRoot");
    json_t *tl;
    EVP_PKEY *key = NULL;
    size_t i;

    json_array_foreach (json_object_get(json_is_object(tr) ? tr : root, "tlogs"), i, tl) {
        size_t n = 0;
        uint8_t *der = b64_dup(json_object_get(json_object_get(tl, "publicKey"), "rawBytes"), &n);
        uint8_t h[32];
        const unsigned char *p = der;

        if (der != NULL && EVP_Digest(der, n, h, NULL, EVP_sha256(), NULL) == 1 &&
            memcmp(h, id, 32) == 0) {
            key = d2i_PUBKEY(NULL, &p, (long)n);
        }
        pcl_free(der);
        if (key != NULL) {
            break;
        }
    }
    json_decref(root);
    return key;
}

static bool
ecdsa_sha256_ok(EVP_PKEY *key, const void *msg, size_t n, const uint8_t *sig, size_t slen)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
              EVP_DigestVerify(ctx, sig, slen, msg, n) == 1;

    EVP_MD_CTX_free(ctx);
    return ok;
}

/* The Rekor "dsse" v0.0.1 body names this envelope: the payload's SHA-256, the signature and
 * the PEM of the certificate that made it. */
static bool
body_matches(const uint8_t *body, size_t blen, const struct pcl_rekor_bundle *b, char *why,
             size_t whylen)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)body, blen, 0, &jerr);
    json_t *spec = json_object_get(j, "spec");
    json_t *s0 = json_array_get(json_object_get(spec, "signatures"), 0);
    const char *kind = json_string_value(json_object_get(j, "kind"));
    const char *ph =
        json_string_value(json_object_get(json_object_get(spec, "payloadHash"), "value"));
    uint8_t want[32], got[32], sig[512];
    size_t n = 0, pemlen = 0;
    uint8_t *pem = NULL;
    X509 *x = NULL;
    BIO *bio = NULL;
    unsigned char *der = NULL;
    int dlen;
    bool ok = false;

    if (j == NULL || kind == NULL || strcmp(kind, "dsse") != 0 ||
        json_array_size(json_object_get(spec, "signatures")) != 1) {
        ok = fail(why, whylen, "log entry is not a Rekor dsse entry with one signature");
        goto out;
    }
    if (ph == NULL || strlen(ph) != 64 ||
        pcl_hex_decode(ph, 64, want, sizeof(want), &n, NULL) != PCL_OK ||
        EVP_Digest(b->payload, b->plen, got, NULL, EVP_sha256(), NULL) != 1 ||
        memcmp(want, got, 32) != 0) {
        ok = fail(why, whylen, "log entry's payload hash is not this envelope's payload");
        goto out;
    }
    if (!b64_field(json_object_get(s0, "signature"), sig, sizeof(sig), &n) || n != b->slen ||
        memcmp(sig, b->sig, n) != 0) {
        ok = fail(why, whylen, "log entry's signature is not this envelope's signature");
        goto out;
    }
    pem = b64_dup(json_object_get(s0, "verifier"), &pemlen);
    bio = pem != NULL ? BIO_new_mem_buf(pem, (int)PCL_MIN(pemlen, (size_t)INT_MAX)) : NULL;
    x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    dlen = x != NULL ? i2d_X509(x, &der) : -1;
    if (dlen <= 0 || (size_t)dlen != b->cert_len || memcmp(der, b->cert, b->cert_len) != 0) {
        ok = fail(why, whylen, "log entry's verifier is not this bundle's certificate");
        goto out;
    }
    ok = true;
out:
    OPENSSL_free(der);
    X509_free(x);
    BIO_free(bio);
    pcl_free(pem);
    json_decref(j);
    return ok;
}

/* The checkpoint (a C2SP signed note) commits to (size, root) and carries a signature by the
 * log's key: key hint = first 4 bytes of the log ID, then an ASN.1 ECDSA signature over the
 * note text. */
static bool
checkpoint_ok(const char *note, size_t len, EVP_PKEY *key, const uint8_t logid[32], uint64_t size,
              const uint8_t root[32], char *why, size_t whylen)
{
    struct pcl_checkpoint cp;
    struct pcl_err err;
    const char *split = NULL;
    const char *p, *end = note + len;

    memset(&err, 0, sizeof(err));
    for (size_t i = len; i-- > 1 && split == NULL;) {
        if (note[i] == '\n' && note[i - 1] == '\n') {
            split = note + i; /* the blank line: text is note[0..split) */
        }
    }
    if (split == NULL || end[-1] != '\n') {
        return fail(why, whylen, "checkpoint is not a signed note");
    }
    if (pcl_checkpoint_parse(note, (size_t)(split - note), &cp, &err) != PCL_OK) {
        return fail(why, whylen, "checkpoint: %s", err.msg);
    }
    if (cp.size != size || memcmp(cp.root, root, 32) != 0) {
        return fail(why, whylen, "checkpoint is for another tree than the inclusion proof");
    }
    /* signature lines "— name base64(key hint || signature)\n" follow the blank line */
    for (p = split + 1; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *sp = nl;
        uint8_t sig[4 + 256];
        size_t slen = 0;

        while (sp > p && sp[-1] != ' ') {
            sp--;
        }
        sp--; /* the space before the base64, or p - 1 when there is none */
        if (sp >= p &&
            pcl_base64_decode(sp + 1, (size_t)(nl - sp - 1), PCL_B64_STD, sig, sizeof(sig), &slen,
                              NULL) == PCL_OK &&
            slen > 4 && memcmp(sig, logid, 4) == 0) {
            return ecdsa_sha256_ok(key, note, (size_t)(split - note), sig + 4, slen - 4) ||
                   fail(why, whylen, "checkpoint signature by the log does not verify");
        }
        p = nl + 1;
    }
    return fail(why, whylen, "checkpoint carries no signature by the log");
}

/* The signed entry timestamp: the log's signature over the canonical JSON of body, integrated
 * time, log ID (hex) and index, which authenticates the integration time. */
static bool
set_ok(json_t *te, EVP_PKEY *key, const uint8_t logid[32], char *why, size_t whylen)
{
    uint64_t index = 0, t = 0;
    uint8_t sig[256];
    size_t slen = 0;
    struct pcl_buf hex;
    json_t *canon = NULL;
    char *text = NULL;
    bool ok;

    if (!json_u64(json_object_get(te, "logIndex"), &index) ||
        !json_u64(json_object_get(te, "integratedTime"), &t) || index > INT64_MAX ||
        t > INT64_MAX) {
        return fail(why, whylen, "log entry lacks logIndex or integratedTime");
    }
    if (!b64_field(json_object_get(json_object_get(te, "inclusionPromise"), "signedEntryTimestamp"),
                   sig, sizeof(sig), &slen) ||
        slen == 0) {
        return fail(why, whylen, "log entry lacks its signed entry timestamp");
    }
    pcl_buf_init(&hex, 0);
    if (pcl_hex_encode(&hex, logid, 32) == PCL_OK) {
        canon = json_pack("{s:O, s:I, s:s, s:I}", "body", json_object_get(te, "canonicalizedBody"),
                          "integratedTime", (json_int_t)t, "logID", hex.ptr, "logIndex",
                          (json_int_t)index);
    }
    pcl_buf_fini(&hex);
    text = canon != NULL ? json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    ok = text != NULL && ecdsa_sha256_ok(key, text, strlen(text), sig, slen);
    free(text); /* jansson's allocator */
    json_decref(canon);
    return ok || fail(why, whylen, "signed entry timestamp does not verify");
}

bool
pcl_rekor_verify(json_t *te, const char *trust_root_path, const struct pcl_rekor_bundle *b,
                 int64_t *integrated, char *why, size_t whylen)
{
    json_t *ip = json_object_get(te, "inclusionProof");
    json_t *hashes = json_object_get(ip, "hashes");
    const char *note =
        json_string_value(json_object_get(json_object_get(ip, "checkpoint"), "envelope"));
    uint8_t logid[32], root[32], leaf[32];
    uint8_t(*proof)[32] = NULL;
    uint64_t index = 0, size = 0, t = 0;
    size_t n = 0, body_len = 0;
    uint8_t *body = NULL;
    EVP_PKEY *key = NULL;
    struct pcl_err err;
    json_t *h;
    bool ok = false;

    if (!json_is_object(te)) {
        return fail(why, whylen, "bundle has no transparency-log entry");
    }
    if (!b64_field(json_object_get(json_object_get(te, "logId"), "keyId"), logid, sizeof(logid),
                   &n) ||
        n != 32) {
        return fail(why, whylen, "log entry has no 32-byte logId.keyId");
    }
    key = find_log_key(trust_root_path, logid);
    if (key == NULL) {
        return fail(why, whylen, "log entry is from a log the trusted root does not name");
    }
    body = b64_dup(json_object_get(te, "canonicalizedBody"), &body_len);
    if (body == NULL || !body_matches(body, body_len, b, why, whylen)) {
        if (body == NULL) {
            (void)fail(why, whylen, "log entry lacks its canonicalized body");
        }
        goto out;
    }
    if (!set_ok(te, key, logid, why, whylen)) {
        goto out;
    }
    if (!json_is_object(ip) || !json_u64(json_object_get(ip, "logIndex"), &index) ||
        !json_u64(json_object_get(ip, "treeSize"), &size) ||
        !b64_field(json_object_get(ip, "rootHash"), root, sizeof(root), &n) || n != 32 ||
        !json_is_array(hashes) || json_array_size(hashes) > MAX_PROOF || note == NULL) {
        ok = fail(why, whylen, "log entry lacks a complete inclusion proof with a checkpoint");
        goto out;
    }
    proof = pcl_calloc(json_array_size(hashes) + 1, sizeof(*proof));
    if (proof == NULL) {
        ok = fail(why, whylen, "out of memory");
        goto out;
    }
    json_array_foreach (hashes, n, h) {
        size_t hl = 0;

        if (!b64_field(h, proof[n], sizeof(proof[n]), &hl) || hl != 32) {
            ok = fail(why, whylen, "inclusion proof hash %zu is not base64 of 32 bytes", n);
            goto out;
        }
    }
    pcl_merkle_leaf_hash(body, body_len, leaf);
    memset(&err, 0, sizeof(err));
    if (pcl_merkle_verify_inclusion(index, size, leaf, (const uint8_t(*)[32])proof,
                                    json_array_size(hashes), root, &err) != PCL_OK) {
        ok = fail(why, whylen, "inclusion proof: %s", err.msg);
        goto out;
    }
    if (!checkpoint_ok(note, strlen(note), key, logid, size, root, why, whylen)) {
        goto out;
    }
    (void)json_u64(json_object_get(te, "integratedTime"), &t); /* checked by set_ok */
    *integrated = (int64_t)t;
    ok = true;
out:
    pcl_free(proof);
    pcl_free(body);
    EVP_PKEY_free(key);
    return ok;
}
