/* SPDX-License-Identifier: Apache-2.0 */
/* C2SP signed notes with Ed25519 keys: key strings, signing, opening and verifying notes, and
 * tlog-cosignature (cosignature/v1) lines for witnesses. */
#include "audit.h"

#include <sodium.h>

#include "common.h"

#define MAX_NOTE       ((size_t)1 << 20)
#define SIG_PREFIX     "\xe2\x80\x94 " /* em dash U+2014 and a space */
#define SIG_PREFIX_LEN 4

struct pcl_note_signer {
    char name[PCL_NOTE_MAX_NAME + 1];
    uint32_t id;
    uint8_t type;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    uint8_t sk[crypto_sign_SECRETKEYBYTES]; /* seed || pk, libsodium layout */
};

struct pcl_note_verifier {
    char name[PCL_NOTE_MAX_NAME + 1];
    uint32_t id;
    uint8_t type;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
};

/* Unicode White_Space as Go's unicode.IsSpace sees it. */
static bool
is_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
           c == 0x205f || c == 0x3000;
}

/* A key name: not empty, valid UTF-8, no white space, no '+'. */
static bool
valid_name(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0 || n > PCL_NOTE_MAX_NAME) {
        return false;
    }
    while (i < n) {
        uint32_t c;
        size_t l = pcl_utf8_decode(s + i, n - i, &c);

        if (l == 0 || is_space(c) || c == '+') {
            return false;
        }
        i += l;
    }
    return true;
}

static uint32_t
key_id(const char *name, size_t nlen, uint8_t type, const uint8_t pk[32])
{
    crypto_hash_sha256_state st;
    uint8_t h[32];
    uint8_t nl = '\n';

    (void)crypto_hash_sha256_init(&st);
    (void)crypto_hash_sha256_update(&st, (const uint8_t *)name, nlen);
    (void)crypto_hash_sha256_update(&st, &nl, 1);
    (void)crypto_hash_sha256_update(&st, &type, 1);
    (void)crypto_hash_sha256_update(&st, pk, 32);
    (void)crypto_hash_sha256_final(&st, h);
    return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

/* Exactly 8 lower-case hex digits. */
static bool
parse_id(const char *s, size_t n, uint32_t *id)
{
    uint32_t v = 0;

    if (n != 8) {
        return false;
    }
    for (size_t i = 0; i < 8; i++) {
        char c = s[i];

        if (c >= '0' && c <= '9') {
            v = v << 4 | (uint32_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v = v << 4 | (uint32_t)(c - 'a' + 10);
        } else {
            return false;
        }
    }
    *id = v;
    return true;
}

static void
trim(const char **s, size_t *n)
{
    while (*n > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t' || (*s)[0] == '\n' || (*s)[0] == '\r')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\n' ||
                      (*s)[*n - 1] == '\r')) {
        (*n)--;
    }
}

/* Split "name+hexid+base64" into its parts; the name ends at the last-but-one '+' would be
 * ambiguous, but names never contain '+'. */
static bool
split3(const char *s, size_t n, struct pcl_str part[3])
{
    const char *p1 = memchr(s, '+', n);
    const char *p2;

    if (p1 == NULL) {
        return false;
    }
    p2 = memchr(p1 + 1, '+', n - (size_t)(p1 + 1 - s));
    if (p2 == NULL) {
        return false;
    }
    part[0] = (struct pcl_str){s, (size_t)(p1 - s)};
    part[1] = (struct pcl_str){p1 + 1, (size_t)(p2 - p1 - 1)};
    part[2] = (struct pcl_str){p2 + 1, n - (size_t)(p2 + 1 - s)};
    return true;
}

enum pcl_rc
pcl_note_verifier_parse(const char *vkey, size_t len, struct pcl_note_verifier **out,
                        struct pcl_err *err)
{
    struct pcl_note_verifier *v;
    struct pcl_str part[3];
    uint8_t key[33];
    uint32_t id;

    *out = NULL;
    trim(&vkey, &len);
    if (!split3(vkey, len, part)) {
        return pcl_err_set(err, PCL_EINVAL, "note: verifier key: want <name>+<key id>+<key>");
    }
    if (!valid_name(part[0].ptr, part[0].len)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: verifier key: bad name (empty, white space, '+' or not UTF-8)");
    }
    if (!parse_id(part[1].ptr, part[1].len, &id)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: verifier key %.*s: key id must be 8 lower-case hex digits",
                           (int)part[0].len, part[0].ptr);
    }
    if (!pcl_audit_b64_exact(part[2].ptr, part[2].len, key, sizeof(key))) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: verifier key %.*s: key must be base64 of 33 bytes (type and "
                           "Ed25519 key)",
                           (int)part[0].len, part[0].ptr);
    }
    if (key[0] != PCL_NOTE_ED25519 && key[0] != PCL_NOTE_COSIGNATURE) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: verifier key %.*s: unknown key type 0x%02x (want 0x01 Ed25519 "
                           "or 0x04 cosignature/v1)",
                           (int)part[0].len, part[0].ptr, key[0]);
    }
    if (key_id(part[0].ptr, part[0].len, key[0], key + 1) != id) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: verifier key %.*s: key id %.8s does not match the key",
                           (int)part[0].len, part[0].ptr, part[1].ptr);
    }
    v = pcl_calloc(1, sizeof(*v));
    if (v == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "note: out of memory");
    }
    memcpy(v->name, part[0].ptr, part[0].len);
    v->id = id;
    v->type = key[0];
    memcpy(v->pk, key + 1, 32);
    *out = v;
    return PCL_OK;
}

void
pcl_note_verifier_free(struct pcl_note_verifier *v)
{
    pcl_free(v);
}

const char *
pcl_note_verifier_name(const struct pcl_note_verifier *v)
{
    return v->name;
}

uint32_t
pcl_note_verifier_id(const struct pcl_note_verifier *v)
{
    return v->id;
}

enum pcl_note_key_type
pcl_note_verifier_type(const struct pcl_note_verifier *v)
{
    return (enum pcl_note_key_type)v->type;
}

static enum pcl_rc
signer_from_seed(const char *name, size_t nlen, uint8_t type, const uint8_t seed[32],
                 struct pcl_note_signer **out, struct pcl_err *err)
{
    struct pcl_note_signer *s = pcl_calloc(1, sizeof(*s));

    if (s == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "note: out of memory");
    }
    memcpy(s->name, name, nlen);
    s->type = type;
    (void)crypto_sign_seed_keypair(s->pk, s->sk, seed);
    s->id = key_id(name, nlen, type, s->pk);
    *out = s;
    return PCL_OK;
}

enum pcl_rc
pcl_note_signer_parse(const char *skey, size_t len, struct pcl_note_signer **out,
                      struct pcl_err *err)
{
    static const char prefix[] = "PRIVATE+KEY+";
    struct pcl_note_signer *s = NULL;
    struct pcl_str part[3];
    uint8_t key[33];
    uint32_t id;
    enum pcl_rc rc;

    *out = NULL;
    trim(&skey, &len);
    if (len < sizeof(prefix) - 1 || memcmp(skey, prefix, sizeof(prefix) - 1) != 0 ||
        !split3(skey + sizeof(prefix) - 1, len - (sizeof(prefix) - 1), part)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: signer key: want PRIVATE+KEY+<name>+<key id>+<key>");
    }
    if (!valid_name(part[0].ptr, part[0].len)) {
        return pcl_err_set(err, PCL_EINVAL, "note: signer key: bad name");
    }
    if (!parse_id(part[1].ptr, part[1].len, &id)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: signer key: key id must be 8 lower-case hex digits");
    }
    if (!pcl_audit_b64_exact(part[2].ptr, part[2].len, key, sizeof(key))) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: signer key: key must be base64 of 33 bytes (type and seed)");
    }
    if (key[0] != PCL_NOTE_ED25519 && key[0] != PCL_NOTE_COSIGNATURE) {
        uint8_t type = key[0];

        sodium_memzero(key, sizeof(key));
        return pcl_err_set(err, PCL_EINVAL, "note: signer key: unknown key type 0x%02x", type);
    }
    rc = signer_from_seed(part[0].ptr, part[0].len, key[0], key + 1, &s, err);
    sodium_memzero(key, sizeof(key));
    if (rc != PCL_OK || s == NULL) {
        return rc;
    }
    if (s->id != id) {
        pcl_note_signer_free(s);
        return pcl_err_set(err, PCL_EINVAL, "note: signer key: key id does not match the key");
    }
    *out = s;
    return PCL_OK;
}

enum pcl_rc
pcl_note_signer_generate(const char *name, enum pcl_note_key_type type,
                         struct pcl_note_signer **out, struct pcl_err *err)
{
    uint8_t seed[32];
    enum pcl_rc rc;

    *out = NULL;
    if (!valid_name(name, strlen(name))) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: key name \"%.64s\" is empty or has white space or '+'", name);
    }
    if (type != PCL_NOTE_ED25519 && type != PCL_NOTE_COSIGNATURE) {
        return pcl_err_set(err, PCL_EINVAL, "note: unknown key type");
    }
    randombytes_buf(seed, sizeof(seed));
    rc = signer_from_seed(name, strlen(name), (uint8_t)type, seed, out, err);
    sodium_memzero(seed, sizeof(seed));
    return rc;
}

void
pcl_note_signer_free(struct pcl_note_signer *s)
{
    if (s == NULL) {
        return;
    }
    sodium_memzero(s, sizeof(*s));
    pcl_free(s);
}

enum pcl_rc
pcl_note_signer_format(const struct pcl_note_signer *s, struct pcl_buf *out)
{
    uint8_t key[33];
    enum pcl_rc rc;

    key[0] = s->type;
    memcpy(key + 1, s->sk, 32); /* the seed */
    rc = pcl_buf_appendf(out, "PRIVATE+KEY+%s+%08x+", s->name, s->id);
    if (rc == PCL_OK) {
        rc = pcl_base64_encode(out, key, sizeof(key), PCL_B64_STD);
    }
    sodium_memzero(key, sizeof(key));
    return rc;
}

enum pcl_rc
pcl_note_signer_vkey(const struct pcl_note_signer *s, struct pcl_buf *out)
{
    uint8_t key[33];
    enum pcl_rc rc;

    key[0] = s->type;
    memcpy(key + 1, s->pk, 32);
    rc = pcl_buf_appendf(out, "%s+%08x+", s->name, s->id);
    if (rc == PCL_OK) {
        rc = pcl_base64_encode(out, key, sizeof(key), PCL_B64_STD);
    }
    return rc;
}

const char *
pcl_note_signer_name(const struct pcl_note_signer *s)
{
    return s->name;
}

uint32_t
pcl_note_signer_id(const struct pcl_note_signer *s)
{
    return s->id;
}

/* Valid UTF-8 without control characters other than '\n'; *bad gets the offending offset. */
static bool
clean_text(const char *s, size_t n, size_t *bad)
{
    size_t i = 0;

    while (i < n) {
        uint32_t c;
        size_t l = pcl_utf8_decode(s + i, n - i, &c);

        if (l == 0 || (c < 0x20 && c != '\n')) {
            *bad = i;
            return false;
        }
        i += l;
    }
    return true;
}

static enum pcl_rc
check_text(const char *text, size_t len, struct pcl_err *err)
{
    size_t bad = 0;

    if (len == 0 || text[len - 1] != '\n') {
        return pcl_err_set(err, PCL_EINVAL, "note: text must be non-empty and end with a newline");
    }
    if (len > MAX_NOTE) {
        return pcl_err_set(err, PCL_ELIMIT, "note: text longer than %zu bytes", MAX_NOTE);
    }
    if (!clean_text(text, len, &bad)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: text offset %zu: invalid UTF-8 or a control character", bad);
    }
    return PCL_OK;
}

static enum pcl_rc
sig_line(struct pcl_buf *out, const char *name, const uint8_t *payload, size_t n)
{
    enum pcl_rc rc = pcl_buf_appendf(out, SIG_PREFIX "%s ", name);

    if (rc == PCL_OK) {
        rc = pcl_base64_encode(out, payload, n, PCL_B64_STD);
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendc(out, '\n');
    }
    return rc;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

enum pcl_rc
pcl_note_sign(const char *text, size_t len, const struct pcl_note_signer *signer,
              struct pcl_buf *out, struct pcl_err *err)
{
    uint8_t payload[4 + crypto_sign_BYTES];
    enum pcl_rc rc;

    if (signer->type != PCL_NOTE_ED25519) {
        return pcl_err_set(err, PCL_EINVAL, "note: key %s is a cosignature key, not a log key",
                           signer->name);
    }
    rc = check_text(text, len, err);
    if (rc != PCL_OK) {
        return rc;
    }
    put_be32(payload, signer->id);
    (void)crypto_sign_detached(payload + 4, NULL, (const uint8_t *)text, len, signer->sk);
    rc = pcl_buf_append(out, text, len);
    if (rc == PCL_OK) {
        rc = pcl_buf_appendc(out, '\n');
    }
    if (rc == PCL_OK) {
        rc = sig_line(out, signer->name, payload, sizeof(payload));
    }
    return rc != PCL_OK ? pcl_err_set(err, rc, "note: out of memory") : PCL_OK;
}

/* The message a cosignature/v1 signs: header lines, then the checkpoint text. */
static enum pcl_rc
cosign_message(const char *text, size_t len, uint64_t t, struct pcl_buf *msg)
{
    enum pcl_rc rc = pcl_buf_appendf(msg, "cosignature/v1\ntime %llu\n", (unsigned long long)t);

    if (rc == PCL_OK) {
        rc = pcl_buf_append(msg, text, len);
    }
    return rc;
}

enum pcl_rc
pcl_note_cosign_line(const char *text, size_t len, const struct pcl_note_signer *s, uint64_t t,
                     struct pcl_buf *out, struct pcl_err *err)
{
    uint8_t payload[4 + 8 + crypto_sign_BYTES];
    struct pcl_buf msg;
    enum pcl_rc rc;

    if (s->type != PCL_NOTE_COSIGNATURE) {
        return pcl_err_set(err, PCL_EINVAL, "note: key %s is not a cosignature key", s->name);
    }
    rc = check_text(text, len, err);
    if (rc != PCL_OK) {
        return rc;
    }
    pcl_buf_init(&msg, 0);
    rc = cosign_message(text, len, t, &msg);
    if (rc == PCL_OK) {
        put_be32(payload, s->id);
        put_be32(payload + 4, (uint32_t)(t >> 32));
        put_be32(payload + 8, (uint32_t)t);
        (void)crypto_sign_detached(payload + 12, NULL, (const uint8_t *)msg.ptr, msg.len, s->sk);
        rc = sig_line(out, s->name, payload, sizeof(payload));
    }
    pcl_buf_fini(&msg);
    return rc != PCL_OK ? pcl_err_set(err, rc, "note: out of memory") : PCL_OK;
}

static const struct pcl_note_verifier *
find_key(const struct pcl_note_verifier *const *known, size_t nknown, struct pcl_str name,
         uint32_t id)
{
    for (size_t i = 0; i < nknown; i++) {
        if (known[i]->id == id && strlen(known[i]->name) == name.len &&
            memcmp(known[i]->name, name.ptr, name.len) == 0) {
            return known[i];
        }
    }
    return NULL;
}

/* PCL_OK when sig verifies, PCL_EINVAL when it does not, PCL_ENOMEM. */
static enum pcl_rc
verify_sig(const struct pcl_note_verifier *v, struct pcl_str text, const uint8_t *sig, size_t n,
           uint64_t *t)
{
    struct pcl_buf msg;
    enum pcl_rc rc;

    if (v->type == PCL_NOTE_ED25519) {
        return n == crypto_sign_BYTES && crypto_sign_verify_detached(sig, (const uint8_t *)text.ptr,
                                                                     text.len, v->pk) == 0
                   ? PCL_OK
                   : PCL_EINVAL;
    }
    if (n != 8 + crypto_sign_BYTES) {
        return PCL_EINVAL;
    }
    *t = 0;
    for (size_t i = 0; i < 8; i++) {
        *t = *t << 8 | sig[i];
    }
    pcl_buf_init(&msg, 0);
    rc = cosign_message(text.ptr, text.len, *t, &msg);
    if (rc == PCL_OK &&
        crypto_sign_verify_detached(sig + 8, (const uint8_t *)msg.ptr, msg.len, v->pk) != 0) {
        rc = PCL_EINVAL;
    }
    pcl_buf_fini(&msg);
    return rc;
}

static bool
seen_sig(const struct pcl_note_sig *sigs, size_t n, struct pcl_str name, uint32_t id)
{
    for (size_t i = 0; i < n; i++) {
        if (sigs[i].id == id && sigs[i].name.len == name.len &&
            memcmp(sigs[i].name.ptr, name.ptr, name.len) == 0) {
            return true;
        }
    }
    return false;
}

/* Parse one signature line (without its '\n') and verify it if its key is known. */
static enum pcl_rc
open_line(struct pcl_note *note, const char *line, size_t n, size_t off,
          const struct pcl_note_verifier *const *known, size_t nknown, struct pcl_err *err)
{
    uint8_t sig[4 + 8 + crypto_sign_BYTES + 64];
    const char *sp;
    struct pcl_str name;
    struct pcl_str b64;
    size_t siglen = 0;
    uint32_t id;
    const struct pcl_note_verifier *v;
    uint64_t t = 0;

    if (n < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: offset %zu: signature line does not start with an em dash", off);
    }
    line += SIG_PREFIX_LEN;
    n -= SIG_PREFIX_LEN;
    sp = memchr(line, ' ', n);
    if (sp == NULL) {
        return pcl_err_set(err, PCL_EINVAL, "note: offset %zu: signature line has no signature",
                           off);
    }
    name = (struct pcl_str){line, (size_t)(sp - line)};
    b64 = (struct pcl_str){sp + 1, n - name.len - 1};
    if (!valid_name(name.ptr, name.len)) {
        return pcl_err_set(err, PCL_EINVAL, "note: offset %zu: bad key name in signature line",
                           off);
    }
    if (b64.len == 0 || b64.len % 4 != 0 || b64.len > (sizeof(sig) / 3) * 4 ||
        pcl_base64_decode(b64.ptr, b64.len, PCL_B64_STD, sig, sizeof(sig), &siglen, NULL) !=
            PCL_OK ||
        siglen < 5) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: offset %zu: signature of %.*s is not base64 of a key id and a "
                           "signature",
                           off, (int)PCL_MIN(name.len, 64), name.ptr);
    }
    id = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
    v = find_key(known, nknown, name, id);
    if (v == NULL) {
        for (size_t i = 0; i < note->nunverified; i++) {
            const struct pcl_note_sig *u = &note->unverified[i];

            /* repeated identical lines count once; keep them apart by key id and name */
            if (u->id == id && u->name.len == name.len &&
                memcmp(u->name.ptr, name.ptr, name.len) == 0) {
                return PCL_OK;
            }
        }
        note->unverified[note->nunverified++] = (struct pcl_note_sig){.name = name, .id = id};
        return PCL_OK;
    }
    if (seen_sig(note->sigs, note->nsigs, name, id)) {
        return PCL_OK; /* a key's repeated signature counts once, as in x/mod */
    }
    switch (verify_sig(v, note->text, sig + 4, siglen - 4, &t)) {
    case PCL_OK:
        break;
    case PCL_ENOMEM:
        return pcl_err_set(err, PCL_ENOMEM, "note: out of memory");
    default:
        return pcl_err_set(err, PCL_EINVAL, "note: offset %zu: invalid signature by key %s+%08x",
                           off, v->name, v->id);
    }
    note->sigs[note->nsigs++] = (struct pcl_note_sig){
        .name = name, .id = id, .cosignature = v->type == PCL_NOTE_COSIGNATURE, .cosign_time = t};
    return PCL_OK;
}

static const char *
find_last_blank(const char *s, size_t n)
{
    for (size_t i = n; i-- > 1;) {
        if (s[i] == '\n' && s[i - 1] == '\n') {
            return s + i - 1;
        }
    }
    return NULL;
}

enum pcl_rc
pcl_note_open(const char *msg, size_t len, const struct pcl_note_verifier *const *known,
              size_t nknown, struct pcl_note **out, struct pcl_err *err)
{
    struct pcl_note *note = NULL;
    const char *split;
    const char *p;
    const char *end;
    size_t bad = 0;
    size_t nlines = 0;
    enum pcl_rc rc = PCL_OK;

    *out = NULL;
    if (len > MAX_NOTE) {
        return pcl_err_set(err, PCL_ELIMIT, "note: longer than %zu bytes", MAX_NOTE);
    }
    if (!clean_text(msg, len, &bad)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "note: offset %zu: invalid UTF-8 or a control character", bad);
    }
    note = pcl_calloc(1, sizeof(*note));
    if (note == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "note: out of memory");
    }
    note->msg = pcl_strndup(msg, len);
    if (note->msg == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "note: out of memory");
        goto out;
    }
    note->msg_len = len;
    split = find_last_blank(note->msg, len);
    if (split == NULL) {
        rc = pcl_err_set(err, PCL_EINVAL,
                         "note: no blank line before a signature block (not a signed note)");
        goto out;
    }
    note->text = (struct pcl_str){note->msg, (size_t)(split + 1 - note->msg)};
    p = split + 2;
    end = note->msg + len;
    if (p == end || end[-1] != '\n') {
        rc = pcl_err_set(err, PCL_EINVAL,
                         p == end ? "note: empty signature block"
                                  : "note: signature block does not end with a newline");
        goto out;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));

        if (++nlines > PCL_NOTE_MAX_SIGS) {
            rc = pcl_err_set(err, PCL_EINVAL, "note: more than %d signatures", PCL_NOTE_MAX_SIGS);
            goto out;
        }
        rc = open_line(note, p, (size_t)(nl - p), (size_t)(p - note->msg), known, nknown, err);
        if (rc != PCL_OK) {
            goto out;
        }
        p = nl + 1;
    }
    if (note->nsigs == 0) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "note: no signature by a known key");
        goto out;
    }
    *out = note;
    note = NULL;
out:
    pcl_note_free(note);
    return rc;
}

void
pcl_note_free(struct pcl_note *n)
{
    if (n == NULL) {
        return;
    }
    pcl_free(n->msg);
    pcl_free(n);
}

enum pcl_rc
pcl_note_signer_load(const char *path, const char *env, struct pcl_note_signer **out,
                     struct pcl_err *err)
{
    char buf[4097];
    size_t len = 0;
    enum pcl_rc rc;

    *out = NULL;
    if (path != NULL) {
        FILE *f = fopen(path, "rb");

        if (f == NULL) {
            return pcl_err_set(err, PCL_EIO, "note: signing key %s: %s", path, strerror(errno));
        }
        len = fread(buf, 1, sizeof(buf), f);
        (void)fclose(f);
        if (len == sizeof(buf)) {
            sodium_memzero(buf, sizeof(buf));
            return pcl_err_set(err, PCL_EINVAL, "note: signing key %s: larger than 4 KiB", path);
        }
    } else {
        const char *v = env != NULL ? getenv(env) : NULL; /* NOLINT(concurrency-mt-unsafe) */

        if (v == NULL || v[0] == '\0') {
            return pcl_err_set(err, PCL_ENOTFOUND, "note: no signing key (%s is not set)",
                               env != NULL ? env : "no variable");
        }
        len = strlen(v);
        if (len >= sizeof(buf)) {
            return pcl_err_set(err, PCL_EINVAL, "note: %s: longer than 4 KiB", env);
        }
        memcpy(buf, v, len);
    }
    rc = pcl_note_signer_parse(buf, len, out, err);
    sodium_memzero(buf, sizeof(buf));
    return rc;
}
