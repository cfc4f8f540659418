/* SPDX-License-Identifier: Apache-2.0 */
/* API keys: generation with a CRC-32 checksum, SHA-256-only storage through the store, and
 * the create/list/show/revoke/rotate operations behind `portcullis keys`. */
#include "gw.h"

#include <portcullis/store.h>

#include <sodium.h>
#include <time.h>
#include <zlib.h>

static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

#define BODY_LEN 32

static void
crc_b62(const char *body, size_t n, char out[6])
{
    unsigned long v = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)body, (uInt)n) & 0xffffffffUL;

    for (size_t i = 6; i-- > 0;) {
        out[i] = b62[v % 62u];
        v /= 62u;
    }
}

bool
pcl_apikey_is_wellformed(const char *s, size_t n)
{
    char check[6];

    if (n != PCL_APIKEY_LEN || memcmp(s, "pcl_", 4) != 0) {
        return false;
    }
    for (size_t i = 4; i < n; i++) {
        if (!pcl_is_alnum(s[i])) {
            return false;
        }
    }
    crc_b62(s + 4, BODY_LEN, check);
    return memcmp(check, s + 4 + BODY_LEN, 6) == 0;
}

static void
key_generate(char key[PCL_APIKEY_LEN + 1])
{
    memcpy(key, "pcl_", 4);
    for (size_t i = 0; i < BODY_LEN; i++) {
        key[4 + i] = b62[randombytes_uniform(62)];
    }
    crc_b62(key + 4, BODY_LEN, key + 4 + BODY_LEN);
    key[PCL_APIKEY_LEN] = '\0';
}

static void
key_hash(const char *key, size_t n, uint8_t out[crypto_hash_sha256_BYTES])
{
    (void)crypto_hash_sha256(out, (const unsigned char *)key, n);
}

struct pcl_keystore {
    struct pcl_store *store;
};

static const char *const schema[] = {
    "CREATE TABLE pcl_keys ("
    " id TEXT PRIMARY KEY, hash BLOB NOT NULL UNIQUE, name TEXT NOT NULL,"
    " routes TEXT, models TEXT, policy TEXT, max_tokens INTEGER NOT NULL DEFAULT 0,"
    " rpm INTEGER NOT NULL DEFAULT 0, tpm INTEGER NOT NULL DEFAULT 0,"
    " concurrent INTEGER NOT NULL DEFAULT 0, budget INTEGER NOT NULL DEFAULT 0, period TEXT,"
    " created INTEGER NOT NULL, expires INTEGER NOT NULL DEFAULT 0,"
    " revoked INTEGER NOT NULL DEFAULT 0, rotated_from TEXT);"
    "CREATE TABLE pcl_keys_gen (one INTEGER PRIMARY KEY CHECK (one = 1), gen INTEGER NOT NULL);"
    "INSERT INTO pcl_keys_gen VALUES (1, 0);"
    "CREATE TABLE pcl_usage (key_id TEXT NOT NULL, period_start INTEGER NOT NULL,"
    " tokens INTEGER NOT NULL, PRIMARY KEY (key_id, period_start))",
};

enum pcl_rc
pcl_keystore_open(const char *url, struct pcl_keystore **out, struct pcl_err *err)
{
    struct pcl_keystore *ks;
    enum pcl_rc rc;

    *out = NULL;
    ks = pcl_calloc(1, sizeof(*ks));
    if (ks == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "keys: out of memory");
    }
    rc = pcl_store_open(url, &ks->store, err);
    if (rc == PCL_OK) {
        rc = pcl_store_migrate(ks->store, "keys", schema, PCL_ARRAY_LEN(schema), err);
    }
    if (rc != PCL_OK) {
        pcl_keystore_free(ks);
        return rc;
    }
    *out = ks;
    return PCL_OK;
}

struct pcl_store *
pcl_keystore_store(struct pcl_keystore *ks)
{
    return ks->store;
}

void
pcl_keystore_free(struct pcl_keystore *ks)
{
    if (ks == NULL) {
        return;
    }
    pcl_store_free(ks->store);
    pcl_free(ks);
}

void
pcl_key_info_fini(struct pcl_key_info *k)
{
    pcl_free(k->name);
    pcl_free(k->routes);
    pcl_free(k->models);
    pcl_free(k->policy);
    pcl_free(k->period);
    pcl_free(k->rotated_from);
    memset(k, 0, sizeof(*k));
}

#define KEY_COLS                                                                                   \
    "id, name, routes, models, policy, max_tokens, rpm, tpm, concurrent, budget, period, "         \
    "created, expires, revoked, rotated_from, hash"

static char *
col_dup(struct pcl_stmt *st, int col, bool *oom)
{
    struct pcl_str s;
    char *p;

    if (pcl_stmt_is_null(st, col)) {
        return NULL;
    }
    s = pcl_stmt_text(st, col);
    p = pcl_strndup(s.ptr, s.len);
    if (p == NULL) {
        *oom = true;
    }
    return p;
}

static enum pcl_rc
row_info(struct pcl_stmt *st, struct pcl_key_info *k, struct pcl_err *err)
{
    struct pcl_str id = pcl_stmt_text(st, 0);
    bool oom = false;

    memset(k, 0, sizeof(*k));
    memcpy(k->id, id.ptr, PCL_MIN(id.len, (size_t)PCL_APIKEY_ID_LEN));
    k->name = col_dup(st, 1, &oom);
    k->routes = col_dup(st, 2, &oom);
    k->models = col_dup(st, 3, &oom);
    k->policy = col_dup(st, 4, &oom);
    k->max_tokens = pcl_stmt_int(st, 5);
    k->rpm = pcl_stmt_int(st, 6);
    k->tpm = pcl_stmt_int(st, 7);
    k->concurrent = pcl_stmt_int(st, 8);
    k->budget = pcl_stmt_int(st, 9);
    k->period = col_dup(st, 10, &oom);
    k->created = pcl_stmt_int(st, 11);
    k->expires = pcl_stmt_int(st, 12);
    k->revoked = pcl_stmt_int(st, 13);
    k->rotated_from = col_dup(st, 14, &oom);
    {
        struct pcl_str h = pcl_stmt_blob(st, 15);

        memcpy(k->hash, h.ptr, PCL_MIN(h.len, sizeof(k->hash)));
    }
    if (oom) {
        pcl_key_info_fini(k);
        return pcl_err_set(err, PCL_ENOMEM, "keys: out of memory");
    }
    return PCL_OK;
}

static enum pcl_rc
bump_gen(struct pcl_keystore *ks, struct pcl_err *err)
{
    return pcl_store_exec(ks->store, "UPDATE pcl_keys_gen SET gen = gen + 1", err);
}

/* End a key change started with pcl_store_begin: on success bump the generation (so running
 * gateways reload) and commit; on any failure roll back. Returns the first error. */
static enum pcl_rc
change_end(struct pcl_keystore *ks, enum pcl_rc rc, struct pcl_err *err)
{
    if (rc == PCL_OK) {
        rc = bump_gen(ks, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_store_commit(ks->store, err);
    }
    if (rc != PCL_OK) {
        pcl_store_rollback(ks->store);
    }
    return rc;
}

static enum pcl_rc
bind_opt(struct pcl_stmt *st, int i, const char *s, struct pcl_err *err)
{
    if (s == NULL || s[0] == '\0') {
        return pcl_stmt_bind_null(st, i, err);
    }
    return pcl_stmt_bind_text(st, i, s, strlen(s), err);
}

static enum pcl_rc
spec_check(const struct pcl_key_spec *spec, struct pcl_err *err)
{
    const struct {
        const char *name;
        int64_t v;
    } nums[] = {
        {"max_tokens", spec->max_tokens}, {"rpm", spec->rpm},       {"tpm", spec->tpm},
        {"concurrent", spec->concurrent}, {"budget", spec->budget}, {"expires", spec->expires}};

    if (spec->name == NULL || spec->name[0] == '\0') {
        return pcl_err_set(err, PCL_EINVAL, "keys: a name is required");
    }
    if (strlen(spec->name) > 200) {
        return pcl_err_set(err, PCL_EINVAL, "keys: name: longer than 200 bytes");
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(nums); i++) {
        if (nums[i].v < 0) {
            return pcl_err_set(err, PCL_EINVAL, "keys: %s: must not be negative", nums[i].name);
        }
    }
    if (spec->period != NULL && strcmp(spec->period, "day") != 0 &&
        strcmp(spec->period, "month") != 0 && strcmp(spec->period, "none") != 0) {
        return pcl_err_set(err, PCL_EINVAL, "keys: period: expected day, month or none, got \"%s\"",
                           spec->period);
    }
    if (spec->budget > 0 && (spec->period == NULL || strcmp(spec->period, "none") == 0)) {
        return pcl_err_set(err, PCL_EINVAL, "keys: budget: needs a period (day or month)");
    }
    return PCL_OK;
}

static enum pcl_rc
insert_key(struct pcl_keystore *ks, const struct pcl_key_spec *spec, const char *rotated_from,
           char key[PCL_APIKEY_LEN + 1], struct pcl_err *err)
{
    static const char sql[] =
        "INSERT INTO pcl_keys(id, hash, name, routes, models, policy, max_tokens, rpm, tpm,"
        " concurrent, budget, period, created, expires, rotated_from)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    uint8_t hash[crypto_hash_sha256_BYTES];
    struct pcl_stmt *st = NULL;
    enum pcl_rc rc;
    bool row;

    key_generate(key);
    key_hash(key, PCL_APIKEY_LEN, hash);
    rc = pcl_stmt_new(ks->store, sql, &st, err);
    if (rc != PCL_OK) {
        return rc;
    }
    rc = PCL_OK;
    rc = rc == PCL_OK ? pcl_stmt_bind_text(st, 1, key + 4, PCL_APIKEY_ID_LEN, err) : rc;
    rc = rc == PCL_OK ? pcl_stmt_bind_blob(st, 2, hash, sizeof(hash), err) : rc;
    rc = rc == PCL_OK ? pcl_stmt_bind_text(st, 3, spec->name, strlen(spec->name), err) : rc;
    rc = rc == PCL_OK ? bind_opt(st, 4, spec->routes, err) : rc;
    rc = rc == PCL_OK ? bind_opt(st, 5, spec->models, err) : rc;
    rc = rc == PCL_OK ? bind_opt(st, 6, spec->policy, err) : rc;
    rc = rc == PCL_OK ? pcl_stmt_bind_int(st, 7, spec->max_tokens, err) : rc;
    rc = rc == PCL_OK ? pcl_stmt_bind_int(st, 8, spec->rpm, err) : rc;
    rc = rc == PCL_OK ? pcl_stmt_bind_int(st, 9, spec->tpm, err) : rc;
    rc = rc == PCL_OK ? pcl_stmt_bind_int(st, 10, spec->concurrent, err) : rc;
    rc = rc == PCL_OK ? pcl_stmt_bind_int(st, 11, spec->budget, err) : rc;
    rc = rc == PCL_OK ? bind_opt(st, 12, spec->period, err) : rc;
    rc = rc == PCL_OK ? pcl_stmt_bind_int(st, 13, (int64_t)time(NULL), err) : rc;
    rc = rc == PCL_OK ? pcl_stmt_bind_int(st, 14, spec->expires, err) : rc;
    rc = rc == PCL_OK ? bind_opt(st, 15, rotated_from, err) : rc;
    rc = rc == PCL_OK ? pcl_stmt_step(st, &row, err) : rc;

    pcl_stmt_free(st);
    return rc;
}

enum pcl_rc
pcl_keystore_create(struct pcl_keystore *ks, const struct pcl_key_spec *spec,
                    char key[PCL_APIKEY_LEN + 1], struct pcl_key_info *info, struct pcl_err *err)
{
    enum pcl_rc rc = spec_check(spec, err);

    if (rc != PCL_OK) {
        return rc;
    }
    rc = pcl_store_begin(ks->store, err);
    if (rc != PCL_OK) {
        return rc;
    }
    rc = change_end(ks, insert_key(ks, spec, NULL, key, err), err);
    if (rc != PCL_OK) {
        sodium_memzero(key, PCL_APIKEY_LEN + 1);
        return rc;
    }
    return info != NULL ? pcl_keystore_show(ks, key + 4, info, err) : PCL_OK;
}

static enum pcl_rc
one_row(struct pcl_keystore *ks, const char *sql, const void *arg, size_t n, bool blob,
        bool with_now, struct pcl_key_info *info, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    enum pcl_rc rc;
    bool row = false;

    rc = pcl_stmt_new(ks->store, sql, &st, err);
    if (rc == PCL_OK) {
        rc = blob ? pcl_stmt_bind_blob(st, 1, arg, n, err) : pcl_stmt_bind_text(st, 1, arg, n, err);
    }
    if (rc == PCL_OK && with_now) {
        rc = pcl_stmt_bind_int(st, 2, (int64_t)time(NULL), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK && !row) {
        rc = PCL_ENOTFOUND;
    }
    if (rc == PCL_OK) {
        rc = row_info(st, info, err);
    }
    pcl_stmt_free(st);
    return rc;
}

enum pcl_rc
pcl_keystore_show(struct pcl_keystore *ks, const char *id, struct pcl_key_info *info,
                  struct pcl_err *err)
{
    enum pcl_rc rc;

    rc = one_row(ks, "SELECT " KEY_COLS " FROM pcl_keys WHERE id = ?", id,
                 PCL_MIN(strlen(id), (size_t)PCL_APIKEY_ID_LEN), false, false, info, err);
    if (rc == PCL_ENOTFOUND) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "keys: no key with id \"%.16s\"", id);
    }
    return rc;
}

enum pcl_rc
pcl_keystore_lookup(struct pcl_keystore *ks, const char *key, size_t n, struct pcl_key_info *info,
                    struct pcl_err *err)
{
    uint8_t hash[crypto_hash_sha256_BYTES];
    enum pcl_rc rc;

    if (!pcl_apikey_is_wellformed(key, n)) {
        return pcl_err_set(err, PCL_ENOTFOUND, "keys: not a valid key");
    }
    key_hash(key, n, hash);
    rc = one_row(ks,
                 "SELECT " KEY_COLS " FROM pcl_keys WHERE hash = ?"
                 " AND (revoked = 0 OR revoked > ?2) AND (expires = 0 OR expires > ?2)",
                 hash, sizeof(hash), true, true, info, err);
    if (rc == PCL_ENOTFOUND) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "keys: unknown, revoked or expired key");
    }
    return rc;
}

enum pcl_rc
pcl_keystore_list(struct pcl_keystore *ks, bool include_revoked, pcl_key_fn *cb, void *ctx,
                  struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    struct pcl_key_info k;
    enum pcl_rc rc;
    bool row = true;

    rc = pcl_stmt_new(ks->store,
                      include_revoked ? "SELECT " KEY_COLS " FROM pcl_keys ORDER BY created, id"
                                      : "SELECT " KEY_COLS
                                        " FROM pcl_keys WHERE revoked = 0 OR revoked > ?"
                                        " ORDER BY created, id",
                      &st, err);
    if (rc == PCL_OK && !include_revoked) {
        rc = pcl_stmt_bind_int(st, 1, (int64_t)time(NULL), err);
    }
    while (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
        if (rc != PCL_OK || !row) {
            break;
        }
        rc = row_info(st, &k, err);
        if (rc == PCL_OK) {
            int stop = cb(ctx, &k);

            pcl_key_info_fini(&k);
            if (stop != 0) {
                break;
            }
        }
    }
    pcl_stmt_free(st);
    return rc;
}

static enum pcl_rc
set_revoked(struct pcl_keystore *ks, const char *id, int64_t when, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    enum pcl_rc rc;
    bool row;

    rc = pcl_stmt_new(
        ks->store, "UPDATE pcl_keys SET revoked = ? WHERE id = ? AND (revoked = 0 OR revoked > ?)",
        &st, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(st, 1, when, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 2, id, strlen(id), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(st, 3, when, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    pcl_stmt_free(st);
    return rc;
}

enum pcl_rc
pcl_keystore_revoke(struct pcl_keystore *ks, const char *id, struct pcl_err *err)
{
    struct pcl_key_info k;
    enum pcl_rc rc = pcl_keystore_show(ks, id, &k, err);

    if (rc != PCL_OK) {
        return rc;
    }
    pcl_key_info_fini(&k);
    rc = pcl_store_begin(ks->store, err);
    if (rc != PCL_OK) {
        return rc;
    }
    return change_end(ks, set_revoked(ks, id, (int64_t)time(NULL), err), err);
}

enum pcl_rc
pcl_keystore_rotate(struct pcl_keystore *ks, const char *id, int64_t grace,
                    char key[PCL_APIKEY_LEN + 1], struct pcl_key_info *info, struct pcl_err *err)
{
    struct pcl_key_info old;
    struct pcl_key_spec spec;
    enum pcl_rc rc;

    if (grace < 0) {
        return pcl_err_set(err, PCL_EINVAL, "keys: grace: must not be negative");
    }
    rc = pcl_keystore_show(ks, id, &old, err);
    if (rc != PCL_OK) {
        return rc;
    }
    if (old.revoked != 0 && old.revoked <= (int64_t)time(NULL)) {
        pcl_key_info_fini(&old);
        return pcl_err_set(err, PCL_EINVAL, "keys: %s is revoked; create a new key instead", id);
    }
    spec = (struct pcl_key_spec){.name = old.name,
                                 .routes = old.routes,
                                 .models = old.models,
                                 .policy = old.policy,
                                 .max_tokens = old.max_tokens,
                                 .rpm = old.rpm,
                                 .tpm = old.tpm,
                                 .concurrent = old.concurrent,
                                 .budget = old.budget,
                                 .period = old.period,
                                 .expires = old.expires};
    rc = pcl_store_begin(ks->store, err);
    if (rc == PCL_OK) {
        rc = insert_key(ks, &spec, old.id, key, err);
        if (rc == PCL_OK) {
            rc = set_revoked(ks, old.id, (int64_t)time(NULL) + grace, err);
        }
        rc = change_end(ks, rc, err);
    }
    pcl_key_info_fini(&old);
    if (rc != PCL_OK) {
        sodium_memzero(key, PCL_APIKEY_LEN + 1);
        return rc;
    }
    return info != NULL ? pcl_keystore_show(ks, key + 4, info, err) : PCL_OK;
}

enum pcl_rc
pcl_keystore_generation(struct pcl_keystore *ks, int64_t *gen, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    enum pcl_rc rc;
    bool row = false;

    rc = pcl_stmt_new(ks->store, "SELECT gen FROM pcl_keys_gen", &st, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    *gen = row ? pcl_stmt_int(st, 0) : 0;
    pcl_stmt_free(st);
    return rc;
}
