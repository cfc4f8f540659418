/* SPDX-License-Identifier: Apache-2.0 */
/* Per-subject encrypted payloads: data keys wrapped by the master key, XChaCha20-Poly1305
 * records, salted commitments for the leaf, crypto-shredding, retention purge and DSAR
 * export. */
#include "audit.h"

#include <jansson.h>
#include <sodium.h>

#include "common.h"

#define NONCE   crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG     crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEY     32
#define SALT    32
#define WRAPPED (NONCE + KEY + TAG)

static const char dk_ad[] = "pcl-audit-dk";
static const char rec_ad[] = "pcl-audit-payload";
static const char commit_tag[] = "pcl-audit-commit";

void
pcl_audit_subject_ref(const uint8_t master[32], const char *subject, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    crypto_auth_hmacsha256_state st;
    uint8_t mac[32];

    (void)crypto_auth_hmacsha256_init(&st, master, 32);
    (void)crypto_auth_hmacsha256_update(&st, (const uint8_t *)"subject:", 8);
    (void)crypto_auth_hmacsha256_update(&st, (const uint8_t *)subject, strlen(subject));
    (void)crypto_auth_hmacsha256_final(&st, mac);
    for (size_t i = 0; i < 16; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[32] = '\0';
}

/* Associated data binding a wrapped key to its subject: tag || 0 || subject. */
static void
dk_ad_make(const char *subject, uint8_t *ad, size_t *n)
{
    size_t sl = strlen(subject);

    memcpy(ad, dk_ad, sizeof(dk_ad)); /* includes the NUL separator */
    /* NOLINTNEXTLINE(bugprone-not-null-terminated-result): associated data, not a string */
    memcpy(ad + sizeof(dk_ad), subject, sl);
    *n = sizeof(dk_ad) + sl;
}

/* Associated data binding a record to its index. */
static void
rec_ad_make(uint64_t index, uint8_t ad[sizeof(rec_ad) + 8])
{
    memcpy(ad, rec_ad, sizeof(rec_ad));
    for (size_t i = 0; i < 8; i++) {
        ad[sizeof(rec_ad) + i] = (uint8_t)(index >> (56 - 8 * i));
    }
}

/* The subject's data key: unwrapped from the store, or created (also after an erasure, so new
 * records never reuse a destroyed key). */
static enum pcl_rc
data_key(struct pcl_store *db, const uint8_t master[32], const char *subject, int64_t now,
         uint8_t dk[KEY], struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    uint8_t ad[16 + 257];
    uint8_t wrapped[WRAPPED];
    size_t adn = 0;
    bool row = false, have = false;
    char ref[33];
    enum pcl_rc rc;

    dk_ad_make(subject, ad, &adn);
    rc = pcl_stmt_new(db, "SELECT wrapped FROM audit_subject WHERE subject = ?", &st, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 1, subject, strlen(subject), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK && row && !pcl_stmt_is_null(st, 0)) {
        struct pcl_str w = pcl_stmt_blob(st, 0);

        if (w.len != WRAPPED || crypto_aead_xchacha20poly1305_ietf_decrypt(
                                    dk, NULL, NULL, (const uint8_t *)w.ptr + NONCE, WRAPPED - NONCE,
                                    ad, adn, (const uint8_t *)w.ptr, master) != 0) {
            rc = pcl_err_set(err, PCL_EINVAL,
                             "audit: the data key of a subject does not open with this master "
                             "key (wrong key?)");
        }
        have = true;
    }
    pcl_stmt_free(st);
    st = NULL;
    if (rc != PCL_OK || have) {
        return rc;
    }
    randombytes_buf(dk, KEY);
    randombytes_buf(wrapped, NONCE);
    (void)crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped + NONCE, NULL, dk, KEY, ad, adn, NULL,
                                                     wrapped, master);
    pcl_audit_subject_ref(master, subject, ref);
    rc = pcl_stmt_new(db,
                      "INSERT INTO audit_subject(subject, ref, wrapped, created_ms) VALUES"
                      " (?, ?, ?, ?) ON CONFLICT(subject) DO UPDATE SET"
                      " wrapped = excluded.wrapped, created_ms = excluded.created_ms,"
                      " erased_ms = NULL",
                      &st, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 1, subject, strlen(subject), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 2, ref, 32, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_blob(st, 3, wrapped, WRAPPED, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(st, 4, now, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    pcl_stmt_free(st);
    return rc;
}

static void
commitment(const uint8_t *salt, const void *data, size_t len, uint8_t out[32])
{
    crypto_hash_sha256_state st;

    (void)crypto_hash_sha256_init(&st);
    (void)crypto_hash_sha256_update(&st, (const uint8_t *)commit_tag, sizeof(commit_tag));
    (void)crypto_hash_sha256_update(&st, salt, SALT);
    (void)crypto_hash_sha256_update(&st, data, len);
    (void)crypto_hash_sha256_final(&st, out);
}

static void
ct_digest(const uint8_t *nonce, const uint8_t *ct, size_t n, uint8_t out[32])
{
    crypto_hash_sha256_state st;

    (void)crypto_hash_sha256_init(&st);
    (void)crypto_hash_sha256_update(&st, nonce, NONCE);
    (void)crypto_hash_sha256_update(&st, ct, n);
    (void)crypto_hash_sha256_final(&st, out);
}

static enum pcl_rc
member_json(struct pcl_buf *member, const uint8_t commit[32], const uint8_t ctd[32])
{
    enum pcl_rc rc = pcl_buf_appends(member, "{\"commit\":\"");

    if (rc == PCL_OK) {
        rc = pcl_base64_encode(member, commit, 32, PCL_B64_STD);
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appends(member, "\",\"ct\":\"");
    }
    if (rc == PCL_OK) {
        rc = pcl_base64_encode(member, ctd, 32, PCL_B64_STD);
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appends(member, "\"}");
    }
    return rc;
}

enum pcl_rc
pcl_audit_payload_seal(struct pcl_store *db, const uint8_t master[32], uint64_t index,
                       const char *kind, int64_t logged_ms, const struct pcl_audit_payload *p,
                       struct pcl_buf *member, struct pcl_err *err)
{
    uint8_t dk[KEY];
    uint8_t nonce[NONCE];
    uint8_t commit[32];
    uint8_t ctd[32];
    uint8_t ad[sizeof(rec_ad) + 8];
    uint8_t *plain = NULL;
    uint8_t *ct = NULL;
    struct pcl_stmt *st = NULL;
    size_t n = SALT + p->len;
    bool row;
    enum pcl_rc rc;

    rc = data_key(db, master, p->subject, logged_ms, dk, err);
    if (rc != PCL_OK) {
        goto out;
    }
    plain = pcl_malloc(n);
    ct = pcl_malloc(n + TAG);
    if (plain == NULL || ct == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "audit: out of memory");
        goto out;
    }
    /* the salt travels inside the ciphertext: once the key is gone, the commitment hides the
     * plaintext even from someone who can guess it */
    randombytes_buf(plain, SALT);
    if (p->len > 0) {
        memcpy(plain + SALT, p->data, p->len);
    }
    randombytes_buf(nonce, NONCE);
    rec_ad_make(index, ad);
    (void)crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, plain, n, ad, sizeof(ad), NULL,
                                                     nonce, dk);
    commitment(plain, p->data, p->len, commit);
    ct_digest(nonce, ct, n + TAG, ctd);
    rc = pcl_stmt_new(db,
                      "INSERT INTO audit_payload(idx, subject, kind, logged_ms, nonce, ct)"
                      " VALUES (?, ?, ?, ?, ?, ?)",
                      &st, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(st, 1, (int64_t)index, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 2, p->subject, strlen(p->subject), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 3, kind, strlen(kind), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(st, 4, logged_ms, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_blob(st, 5, nonce, NONCE, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_blob(st, 6, ct, n + TAG, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK && member_json(member, commit, ctd) != PCL_OK) {
        rc = pcl_err_set(err, PCL_ENOMEM, "audit: out of memory");
    }
out:
    pcl_stmt_free(st);
    sodium_memzero(dk, sizeof(dk));
    if (plain != NULL) {
        sodium_memzero(plain, n);
    }
    pcl_free(plain);
    pcl_free(ct);
    return rc;
}

enum pcl_rc
pcl_audit_subject_forget(struct pcl_store *db, const char *subject, int64_t now, uint64_t *records,
                         struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    bool row = false;
    enum pcl_rc rc;

    *records = 0;
    rc = pcl_stmt_new(db,
                      "UPDATE audit_subject SET wrapped = NULL, erased_ms = ?"
                      " WHERE subject = ? AND wrapped IS NOT NULL",
                      &st, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(st, 1, now, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 2, subject, strlen(subject), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK && pcl_store_changes(db) == 0) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "audit: no live data key for this subject");
    }
    pcl_stmt_free(st);
    st = NULL;
    if (rc != PCL_OK) {
        return rc;
    }
    /* the ciphertexts cannot be opened any more; drop them and the subject link too */
    rc = pcl_stmt_new(db, "DELETE FROM audit_payload WHERE subject = ?", &st, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 1, subject, strlen(subject), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK) {
        *records = (uint64_t)pcl_store_changes(db);
    }
    pcl_stmt_free(st);
    return rc;
}

enum pcl_rc
pcl_audit_payload_purge(struct pcl_store *db, int64_t cutoff_ms, const char *kind,
                        uint64_t *records, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    bool row = false;
    enum pcl_rc rc;

    *records = 0;
    rc = pcl_stmt_new(db,
                      kind != NULL ? "DELETE FROM audit_payload WHERE logged_ms < ? AND kind = ?"
                                   : "DELETE FROM audit_payload WHERE logged_ms < ?",
                      &st, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(st, 1, cutoff_ms, err);
    }
    if (rc == PCL_OK && kind != NULL) {
        rc = pcl_stmt_bind_text(st, 2, kind, strlen(kind), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK) {
        *records = (uint64_t)pcl_store_changes(db);
    }
    pcl_stmt_free(st);
    return rc;
}

/* The payload member of an entry: its commit and ct digests, base64. */
static bool
entry_digests(const char *entry, size_t len, char commit[64], char ct[64])
{
    json_t *j = json_loadb(entry, len, 0, NULL);
    json_t *p = json_object_get(j, "payload");
    const char *c = json_string_value(json_object_get(p, "commit"));
    const char *t = json_string_value(json_object_get(p, "ct"));
    bool ok = c != NULL && t != NULL && strlen(c) < 64 && strlen(t) < 64;

    if (ok) {
        (void)snprintf(commit, 64, "%s", c);
        (void)snprintf(ct, 64, "%s", t);
    }
    json_decref(j);
    return ok;
}

static bool
b64_equal(const uint8_t h[32], const char *b64)
{
    uint8_t got[32];

    return pcl_audit_b64_exact(b64, strlen(b64), got, 32) && sodium_memcmp(got, h, 32) == 0;
}

/* PCL_OK when the subject has a live data key; PCL_ENOTFOUND (saying which) otherwise. */
static enum pcl_rc
subject_live(struct pcl_store *db, const char *subject, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    bool row = false;
    enum pcl_rc rc =
        pcl_stmt_new(db, "SELECT wrapped FROM audit_subject WHERE subject = ?", &st, err);

    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 1, subject, strlen(subject), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK && !row) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "audit: no records for this subject");
    } else if (rc == PCL_OK && pcl_stmt_is_null(st, 0)) {
        rc = pcl_err_set(err, PCL_ENOTFOUND,
                         "audit: this subject was erased; its records cannot be decrypted");
    }
    pcl_stmt_free(st);
    return rc;
}

/* Decrypt record idx into plain (ct.len - TAG bytes) and check it against the leaf's
 * ciphertext digest and salted commitment. */
static enum pcl_rc
open_record(const uint8_t dk[KEY], uint64_t idx, struct pcl_str nonce, struct pcl_str ct,
            struct pcl_str entry, uint8_t *plain, struct pcl_err *err)
{
    uint8_t ad[sizeof(rec_ad) + 8];
    uint8_t h[32];
    char want_commit[64];
    char want_ct[64];

    rec_ad_make(idx, ad);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL, NULL, (const uint8_t *)ct.ptr,
                                                   ct.len, ad, sizeof(ad),
                                                   (const uint8_t *)nonce.ptr, dk) != 0) {
        return pcl_err_set(err, PCL_EIO, "audit: entry %llu: payload does not decrypt",
                           (unsigned long long)idx);
    }
    /* the leaf commits to both: prove the decrypted record is the logged one */
    if (!entry_digests(entry.ptr, entry.len, want_commit, want_ct)) {
        return pcl_err_set(err, PCL_EIO, "audit: entry %llu has no payload commitment",
                           (unsigned long long)idx);
    }
    ct_digest((const uint8_t *)nonce.ptr, (const uint8_t *)ct.ptr, ct.len, h);
    if (!b64_equal(h, want_ct)) {
        return pcl_err_set(err, PCL_EIO, "audit: entry %llu: ciphertext does not match the leaf",
                           (unsigned long long)idx);
    }
    commitment(plain, plain + SALT, ct.len - TAG - SALT, h);
    if (!b64_equal(h, want_commit)) {
        return pcl_err_set(err, PCL_EIO,
                           "audit: entry %llu: plaintext does not match the leaf commitment",
                           (unsigned long long)idx);
    }
    return PCL_OK;
}

enum pcl_rc
pcl_audit_payload_export(struct pcl_store *db, const uint8_t master[32], const char *subject,
                         pcl_audit_export_fn *fn, void *arg, uint64_t *records, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    uint8_t dk[KEY];
    uint8_t *plain = NULL;
    size_t cap = 0;
    bool row = false;
    enum pcl_rc rc;

    *records = 0;
    /* the key must exist: an erased subject has nothing to export */
    rc = subject_live(db, subject, err);
    if (rc != PCL_OK) {
        return rc;
    }
    /* data_key only reads here: the key exists */
    rc = data_key(db, master, subject, 0, dk, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_new(db,
                          "SELECT p.idx, p.nonce, p.ct, l.entry FROM audit_payload p"
                          " JOIN audit_leaf l ON l.idx = p.idx WHERE p.subject = ?"
                          " ORDER BY p.idx",
                          &st, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 1, subject, strlen(subject), err);
    }
    while (rc == PCL_OK) {
        uint64_t idx;
        struct pcl_str nonce;
        struct pcl_str ct;
        struct pcl_str entry;
        rc = pcl_stmt_step(st, &row, err);
        if (rc != PCL_OK || !row) {
            break;
        }
        idx = (uint64_t)pcl_stmt_int(st, 0);
        nonce = pcl_stmt_blob(st, 1);
        ct = pcl_stmt_blob(st, 2);
        entry = pcl_stmt_blob(st, 3);
        if (nonce.len == 0 && ct.len == 0) {
            continue; /* purged */
        }
        if (nonce.len != NONCE || ct.len < TAG + SALT) {
            rc = pcl_err_set(err, PCL_EIO, "audit: entry %llu: payload row is damaged",
                             (unsigned long long)idx);
            break;
        }
        if (ct.len - TAG > cap) {
            pcl_free(plain);
            cap = ct.len - TAG;
            plain = pcl_malloc(cap);
            if (plain == NULL) {
                rc = pcl_err_set(err, PCL_ENOMEM, "audit: out of memory");
                break;
            }
        }
        rc = open_record(dk, idx, nonce, ct, entry, plain, err);
        if (rc != PCL_OK) {
            break;
        }
        rc = fn(arg, idx, entry.ptr, entry.len, plain + SALT, ct.len - TAG - SALT, err);
        sodium_memzero(plain, ct.len - TAG);
        (*records)++;
    }
    pcl_stmt_free(st);
    if (plain != NULL) {
        sodium_memzero(plain, cap);
    }
    pcl_free(plain);
    sodium_memzero(dk, sizeof(dk));
    return rc;
}
