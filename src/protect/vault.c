/* SPDX-License-Identifier: Apache-2.0 */
/* The token vault: values encrypted with XChaCha20-Poly1305 in SQLite, found again through a
 * keyed HMAC index so one value keeps one token. */
#include "keys.h"
#include "sqlitex.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#define VAULT_VALUE_MAX  (1u << 20)
#define VAULT_PREFIX     "#vlt_"
#define VAULT_PREFIX_LEN 5
#define VAULT_FORMAT     "1"
#define VAULT_CHECK_MSG  "portcullis vault key check v1"
#define VAULT_AD_TAG     "pcl-vault-v1"
#define VAULT_RETRIES    8
#define VAULT_BUSY_MS    5000 /* how long a connection waits for another's lock */

static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

struct pcl_vault {
    sqlite3 *db;
    sqlite3_stmt *by_lookup; /* id for a lookup HMAC */
    sqlite3_stmt *by_id;     /* type, nonce, box for an id */
    sqlite3_stmt *insert;
    bool batch; /* pcl_vault_batch(): new tokens wait for pcl_vault_sync() */
    int tx;     /* batch transaction open: 0 none, 1 read (BEGIN), 2 write (BEGIN IMMEDIATE) */
    uint8_t k_index[PCL_PROTECT_KEY_LEN];
    uint8_t k_box[PCL_PROTECT_KEY_LEN];
    char *path;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS pcl_vault_meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS pcl_vault_tokens ("
    " id TEXT PRIMARY KEY, type TEXT NOT NULL, lookup BLOB NOT NULL UNIQUE,"
    " nonce BLOB NOT NULL, box BLOB NOT NULL, created INTEGER NOT NULL);";

static bool
type_char(char c)
{
    return (c >= 'A' && c <= 'Z') || pcl_is_digit(c) || c == '_';
}

size_t
pcl_vault_token_parse(const char *s, size_t n, struct pcl_vault_token *tok)
{
    size_t i = 1;
    size_t tstart;
    size_t tlen;
    size_t idstart;

    if (n < 1 || s[0] != '<') {
        return 0;
    }
    tstart = i;
    while (i < n && i - tstart < PCL_VAULT_TYPE_MAX && type_char(s[i])) {
        i++;
    }
    tlen = i - tstart;
    if (tlen == 0 || n - i < VAULT_PREFIX_LEN + PCL_VAULT_ID_LEN + 1 ||
        memcmp(s + i, VAULT_PREFIX, VAULT_PREFIX_LEN) != 0) {
        return 0;
    }
    i += VAULT_PREFIX_LEN;
    idstart = i;
    for (; i < idstart + PCL_VAULT_ID_LEN; i++) {
        if (!pcl_is_alnum(s[i])) {
            return 0;
        }
    }
    if (s[i] != '>') {
        return 0;
    }
    if (tok != NULL) {
        tok->type.ptr = s + tstart;
        tok->type.len = tlen;
        tok->id.ptr = s + idstart;
        tok->id.len = PCL_VAULT_ID_LEN;
    }
    return i + 1;
}

size_t
pcl_vault_token_find(const char *s, size_t n, size_t *tlen)
{
    const char *p = s;

    *tlen = 0;
    while (p < s + n) {
        const char *lt = memchr(p, '<', (size_t)(s + n - p));
        size_t k;

        if (lt == NULL) {
            break;
        }
        k = pcl_vault_token_parse(lt, (size_t)(s + n - lt), NULL);
        if (k > 0) {
            *tlen = k;
            return (size_t)(lt - s);
        }
        p = lt + 1;
    }
    return n;
}

static enum pcl_rc
db_fail(struct pcl_vault *v, struct pcl_err *err, const char *what)
{
    return pcl_err_set(err, PCL_EIO, "vault: %s: %s: %s", v->path, what,
                       v->db != NULL ? sqlite3_errmsg(v->db) : "cannot open");
}

void
pcl_vault_close(struct pcl_vault *v)
{
    if (v == NULL) {
        return;
    }
    if (v->tx != 0) {
        /* tokens nobody was given yet are harmless to keep */
        (void)sqlite3_exec(v->db, "COMMIT", NULL, NULL, NULL);
    }
    (void)sqlite3_finalize(v->by_lookup);
    (void)sqlite3_finalize(v->by_id);
    (void)sqlite3_finalize(v->insert);
    (void)sqlite3_close(v->db);
    sodium_memzero(v->k_index, sizeof(v->k_index));
    sodium_memzero(v->k_box, sizeof(v->k_box));
    pcl_free(v->path);
    pcl_free(v);
}

enum pcl_rc
pcl_vault_batch(struct pcl_vault *v, bool on, struct pcl_err *err)
{
    v->batch = on;
    /* off: the open batch is committed, or later tokens would run inside it uncommitted */
    return on ? PCL_OK : pcl_vault_sync(v, err);
}

enum pcl_rc
pcl_vault_sync(struct pcl_vault *v, struct pcl_err *err)
{
    if (v->tx == 0) {
        return PCL_OK;
    }
    v->tx = 0;
    if (sqlite3_exec(v->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        enum pcl_rc rc = db_fail(v, err, "commit");

        (void)sqlite3_exec(v->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return PCL_OK;
}

/* In batch mode, open the batch's transaction: kind 1 to read, 2 to write. A write takes the
 * write lock at once (IMMEDIATE), so it never has to upgrade a read snapshot another writer
 * made stale; a read batch that must write is committed first (it changed nothing). */
static enum pcl_rc
batch_begin(struct pcl_vault *v, int kind, struct pcl_err *err)
{
    if (!v->batch || v->tx >= kind) {
        return PCL_OK;
    }
    if (v->tx != 0) {
        enum pcl_rc rc = pcl_vault_sync(v, err);

        if (rc != PCL_OK) {
            return rc;
        }
    }
    if (sqlite3_exec(v->db, kind == 2 ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL) !=
        SQLITE_OK) {
        return db_fail(v, err, "begin");
    }
    v->tx = kind;
    return PCL_OK;
}

/* A new vault file is created 0600 before SQLite opens it. */
static void
precreate(const char *path)
{
    int fd;

    if (strcmp(path, ":memory:") == 0 || path[0] == '\0') {
        return;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd != -1) {
        (void)close(fd);
    }
}

/* Compare the stored key check with ours, storing ours in a new vault. */
static enum pcl_rc
check_key(struct pcl_vault *v, const struct pcl_protect_key *key, struct pcl_err *err)
{
    uint8_t sub[PCL_PROTECT_KEY_LEN];
    uint8_t mac[crypto_auth_hmacsha256_BYTES];
    sqlite3_stmt *st = NULL;
    enum pcl_rc rc = PCL_OK;
    int src;

    pcl_protect_key_derive(key, PCL_SUBKEY_VAULT_CHECK, sub);
    (void)crypto_auth_hmacsha256(mac, (const uint8_t *)VAULT_CHECK_MSG, sizeof(VAULT_CHECK_MSG) - 1,
                                 sub);
    if (sqlite3_prepare_v2(v->db,
                           "INSERT OR IGNORE INTO pcl_vault_meta(name, value) VALUES "
                           "('format', '" VAULT_FORMAT "'), ('key_check', ?1)",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_blob(st, 1, mac, sizeof(mac), SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE) {
        rc = db_fail(v, err, "storing the key check");
        goto out;
    }
    (void)sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(v->db, "SELECT value FROM pcl_vault_meta WHERE name = 'key_check'", -1,
                           &st, NULL) != SQLITE_OK) {
        rc = db_fail(v, err, "reading the key check");
        goto out;
    }
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = db_fail(v, err, "reading the key check");
        goto out;
    }
    if (sqlite3_column_bytes(st, 0) != (int)sizeof(mac) ||
        sodium_memcmp(sqlite3_column_blob(st, 0), mac, sizeof(mac)) != 0) {
        rc = pcl_err_set(err, PCL_EINVAL, "vault: %s: key does not match this vault (wrong key?)",
                         v->path);
        goto out;
    }
out:
    (void)sqlite3_finalize(st);
    sodium_memzero(sub, sizeof(sub));
    sodium_memzero(mac, sizeof(mac));
    return rc;
}

enum pcl_rc
pcl_vault_open(const char *path, const struct pcl_protect_key *key, struct pcl_vault **out,
               struct pcl_err *err)
{
    struct pcl_vault *v = NULL;
    enum pcl_rc rc = PCL_OK;
    bool mem = strcmp(path, ":memory:") == 0;

    *out = NULL;
    if (key == NULL) {
        return pcl_err_set(err, PCL_EINVAL, "vault: %s: a key is required", path);
    }
    v = pcl_calloc(1, sizeof(*v));
    if (v == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "vault: out of memory");
    }
    v->path = pcl_strdup(path);
    if (v->path == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "vault: out of memory");
        goto out;
    }
    precreate(path);
    if (sqlite3_open_v2(path, &v->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = db_fail(v, err, "open");
        goto out;
    }
    (void)sqlite3_busy_timeout(v->db, VAULT_BUSY_MS);
    /* WAL with synchronous=NORMAL: each token (or batch, pcl_vault_batch()) commits before
     * anyone is given it, so a crash never leaves output naming a token the vault lost,
     * without an fsync per commit; only power loss can drop the last transactions. The
     * lookup and id indexes are keyed by random values, so inserts touch random pages: a
     * 64 MiB page cache (allocated as used) instead of 2 MiB keeps them in memory. */
    if (!mem) {
        int src = pcl_sqlite_exec_busy(v->db,
                                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                       "PRAGMA cache_size=-65536",
                                       VAULT_BUSY_MS);

        if (src != SQLITE_OK) {
            rc = db_fail(v, err,
                         src == SQLITE_BUSY || src == SQLITE_LOCKED ? "opening"
                                                                    : "not a vault database");
            goto out;
        }
    }
    if (pcl_sqlite_exec_busy(v->db, schema, VAULT_BUSY_MS) != SQLITE_OK) {
        rc = db_fail(v, err, "creating tables");
        goto out;
    }
    rc = check_key(v, key, err);
    if (rc != PCL_OK) {
        goto out;
    }
    if (sqlite3_prepare_v2(v->db, "SELECT id, type FROM pcl_vault_tokens WHERE lookup = ?1", -1,
                           &v->by_lookup, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(v->db, "SELECT type, nonce, box FROM pcl_vault_tokens WHERE id = ?1", -1,
                           &v->by_id, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(v->db,
                           "INSERT INTO pcl_vault_tokens(id, type, lookup, nonce, box, created)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, strftime('%s','now'))",
                           -1, &v->insert, NULL) != SQLITE_OK) {
        rc = db_fail(v, err, "preparing statements");
        goto out;
    }
    pcl_protect_key_derive(key, PCL_SUBKEY_VAULT_INDEX, v->k_index);
    pcl_protect_key_derive(key, PCL_SUBKEY_VAULT_BOX, v->k_box);
    *out = v;
    v = NULL;
out:
    pcl_vault_close(v);
    return rc;
}

static enum pcl_rc
check_type(const char *type, size_t tlen, struct pcl_err *err)
{
    if (tlen == 0 || tlen > PCL_VAULT_TYPE_MAX) {
        return pcl_err_set(err, PCL_EINVAL, "vault: entity type must be 1 to %d characters",
                           PCL_VAULT_TYPE_MAX);
    }
    for (size_t i = 0; i < tlen; i++) {
        if (!type_char(type[i])) {
            return pcl_err_set(err, PCL_EINVAL, "vault: entity type \"%.*s\" is not [A-Z0-9_]",
                               (int)tlen, type);
        }
    }
    return PCL_OK;
}

/* A random token id (uniform base62) and nonce from one randombytes_buf() call: libsodium
 * makes a getrandom() system call per call, and randombytes_uniform() per character made
 * eleven of them per token. A byte is kept when below 248 (4 * 62), so b % 62 is uniform. */
static void
random_id_nonce(char id[PCL_VAULT_ID_LEN + 1],
                uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES])
{
    uint8_t rnd[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + 40];
    size_t k = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    size_t n = 0;

    randombytes_buf(rnd, sizeof(rnd));
    memcpy(nonce, rnd, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    while (n < PCL_VAULT_ID_LEN) {
        if (k == sizeof(rnd)) { /* 31 rejections in 40 bytes: below 1e-38 */
            randombytes_buf(rnd, sizeof(rnd));
            k = 0;
        }
        if (rnd[k] < 248) {
            id[n++] = base62[rnd[k] % 62];
        }
        k++;
    }
    id[PCL_VAULT_ID_LEN] = '\0';
    sodium_memzero(rnd, sizeof(rnd));
}

/* Associated data binding a ciphertext to its type and token id. */
static size_t
make_ad(uint8_t *ad, const char *type, size_t tlen, const char *id)
{
    size_t n = 0;

    memcpy(ad, VAULT_AD_TAG, sizeof(VAULT_AD_TAG) - 1);
    n += sizeof(VAULT_AD_TAG) - 1;
    memcpy(ad + n, type, tlen);
    n += tlen;
    ad[n++] = 0;
    memcpy(ad + n, id, PCL_VAULT_ID_LEN);
    return n + PCL_VAULT_ID_LEN;
}

static enum pcl_rc
append_token(struct pcl_buf *out, const char *type, size_t tlen, const char *id, size_t idlen)
{
    return pcl_buf_appendf(out, "<%.*s" VAULT_PREFIX "%.*s>", (int)tlen, type, (int)idlen, id);
}

/* Existing token for a lookup HMAC: appends it and sets *found. */
static enum pcl_rc
find_existing(struct pcl_vault *v, const uint8_t *lookup, struct pcl_buf *out, bool *found,
              struct pcl_err *err)
{
    enum pcl_rc rc = PCL_OK;
    int src;

    *found = false;
    (void)sqlite3_reset(v->by_lookup);
    if (sqlite3_bind_blob(v->by_lookup, 1, lookup, crypto_auth_hmacsha256_BYTES, SQLITE_STATIC) !=
        SQLITE_OK) {
        return db_fail(v, err, "lookup");
    }
    src = sqlite3_step(v->by_lookup);
    if (src == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(v->by_lookup, 0);
        const char *type = (const char *)sqlite3_column_text(v->by_lookup, 1);

        if (id == NULL || type == NULL) {
            rc = pcl_err_set(err, PCL_EINVAL, "vault: %s: corrupt token row", v->path);
        } else {
            rc = append_token(out, type, strlen(type), id, strlen(id));
            *found = rc == PCL_OK;
        }
    } else if (src != SQLITE_DONE) {
        rc = db_fail(v, err, "lookup");
    }
    (void)sqlite3_reset(v->by_lookup);
    (void)sqlite3_clear_bindings(v->by_lookup);
    return rc;
}

enum pcl_rc
pcl_vault_tokenize(struct pcl_vault *v, const char *type, const char *value, size_t len,
                   struct pcl_buf *out, struct pcl_err *err)
{
    crypto_auth_hmacsha256_state hs;
    uint8_t lookup[crypto_auth_hmacsha256_BYTES];
    uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    uint8_t ad[sizeof(VAULT_AD_TAG) + PCL_VAULT_TYPE_MAX + 1 + PCL_VAULT_ID_LEN];
    uint8_t *box = NULL;
    unsigned long long boxlen = 0;
    size_t tlen = strlen(type);
    size_t adlen;
    char id[PCL_VAULT_ID_LEN + 1];
    static const uint8_t zero = 0;
    bool found = false;
    enum pcl_rc rc;

    rc = check_type(type, tlen, err);
    if (rc != PCL_OK) {
        return rc;
    }
    if (len > VAULT_VALUE_MAX) {
        return pcl_err_set(err, PCL_ELIMIT, "vault: %s value longer than %u bytes", type,
                           VAULT_VALUE_MAX);
    }
    (void)crypto_auth_hmacsha256_init(&hs, v->k_index, sizeof(v->k_index));
    (void)crypto_auth_hmacsha256_update(&hs, (const uint8_t *)type, tlen);
    (void)crypto_auth_hmacsha256_update(&hs, &zero, 1);
    if (len > 0) {
        (void)crypto_auth_hmacsha256_update(&hs, (const uint8_t *)value, len);
    }
    (void)crypto_auth_hmacsha256_final(&hs, lookup);
    sodium_memzero(&hs, sizeof(hs));

    rc = batch_begin(v, 2, err);
    if (rc != PCL_OK) {
        goto out;
    }
    rc = find_existing(v, lookup, out, &found, err);
    if (rc != PCL_OK || found) {
        goto out;
    }
    box = pcl_malloc(len + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    if (box == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "vault: out of memory");
        goto out;
    }
    for (unsigned attempt = 0; attempt < VAULT_RETRIES; attempt++) {
        int src;

        random_id_nonce(id, nonce);
        adlen = make_ad(ad, type, tlen, id);
        (void)crypto_aead_xchacha20poly1305_ietf_encrypt(box, &boxlen, (const uint8_t *)value, len,
                                                         ad, adlen, NULL, nonce, v->k_box);
        (void)sqlite3_reset(v->insert);
        if (sqlite3_bind_text(v->insert, 1, id, PCL_VAULT_ID_LEN, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(v->insert, 2, type, (int)tlen, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_blob(v->insert, 3, lookup, sizeof(lookup), SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_blob(v->insert, 4, nonce, sizeof(nonce), SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_blob(v->insert, 5, box, (int)boxlen, SQLITE_STATIC) != SQLITE_OK) {
            rc = db_fail(v, err, "insert");
            break;
        }
        src = sqlite3_step(v->insert);
        (void)sqlite3_reset(v->insert);
        (void)sqlite3_clear_bindings(v->insert);
        if (src == SQLITE_DONE) {
            rc = append_token(out, type, tlen, id, PCL_VAULT_ID_LEN);
            break;
        }
        if ((src & 0xff) != SQLITE_CONSTRAINT) {
            rc = db_fail(v, err, "insert");
            break;
        }
        /* Another writer stored this value meanwhile, or the random id collided. */
        rc = find_existing(v, lookup, out, &found, err);
        if (rc != PCL_OK || found) {
            break;
        }
        rc = pcl_err_set(err, PCL_EINTERNAL, "vault: %s: no free token id after %d attempts",
                         v->path, VAULT_RETRIES);
    }
out:
    sodium_memzero(lookup, sizeof(lookup));
    if (box != NULL) {
        sodium_memzero(box, len + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    }
    pcl_free(box);
    return rc;
}

enum pcl_rc
pcl_vault_detokenize(struct pcl_vault *v, const char *token, size_t len, struct pcl_buf *out,
                     struct pcl_err *err)
{
    struct pcl_vault_token tok = {.type = {NULL, 0}, .id = {NULL, 0}};
    uint8_t ad[sizeof(VAULT_AD_TAG) + PCL_VAULT_TYPE_MAX + 1 + PCL_VAULT_ID_LEN];
    uint8_t *plain = NULL;
    unsigned long long plen = 0;
    const void *nonce;
    const void *box;
    const char *stype;
    size_t adlen;
    int src;
    int boxlen;
    enum pcl_rc rc = PCL_OK;

    if (len == 0 || pcl_vault_token_parse(token, len, &tok) != len) {
        return pcl_err_set(err, PCL_EINVAL, "vault: malformed token");
    }
    rc = batch_begin(v, 1, err);
    if (rc != PCL_OK) {
        return rc;
    }
    (void)sqlite3_reset(v->by_id);
    if (sqlite3_bind_text(v->by_id, 1, tok.id.ptr, (int)tok.id.len, SQLITE_STATIC) != SQLITE_OK) {
        return db_fail(v, err, "lookup");
    }
    src = sqlite3_step(v->by_id);
    if (src == SQLITE_DONE) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "vault: %s: no token %.*s", v->path, (int)tok.id.len,
                         tok.id.ptr);
        goto out;
    }
    if (src != SQLITE_ROW) {
        rc = db_fail(v, err, "lookup");
        goto out;
    }
    stype = (const char *)sqlite3_column_text(v->by_id, 0);
    nonce = sqlite3_column_blob(v->by_id, 1);
    box = sqlite3_column_blob(v->by_id, 2);
    boxlen = sqlite3_column_bytes(v->by_id, 2);
    if (stype == NULL || nonce == NULL ||
        sqlite3_column_bytes(v->by_id, 1) != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
        boxlen < (int)crypto_aead_xchacha20poly1305_ietf_ABYTES || box == NULL) {
        rc = pcl_err_set(err, PCL_EINVAL, "vault: %s: corrupt row for token %.*s", v->path,
                         (int)tok.id.len, tok.id.ptr);
        goto out;
    }
    if (strlen(stype) != tok.type.len || memcmp(stype, tok.type.ptr, tok.type.len) != 0) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "vault: %s: token %.*s is not of type %.*s", v->path,
                         (int)tok.id.len, tok.id.ptr, (int)tok.type.len, tok.type.ptr);
        goto out;
    }
    plain = pcl_malloc((size_t)boxlen);
    if (plain == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "vault: out of memory");
        goto out;
    }
    adlen = make_ad(ad, tok.type.ptr, tok.type.len, tok.id.ptr);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            plain, &plen, NULL, box, (unsigned long long)boxlen, ad, adlen, nonce, v->k_box) != 0) {
        rc = pcl_err_set(err, PCL_EINVAL,
                         "vault: %s: token %.*s failed authentication (wrong key or tampered "
                         "vault)",
                         v->path, (int)tok.id.len, tok.id.ptr);
        goto out;
    }
    rc = pcl_buf_append(out, plain, (size_t)plen);
out:
    if (plain != NULL) {
        sodium_memzero(plain, (size_t)boxlen);
    }
    pcl_free(plain);
    (void)sqlite3_reset(v->by_id);
    (void)sqlite3_clear_bindings(v->by_id);
    return rc;
}

enum pcl_rc
pcl_vault_count(struct pcl_vault *v, uint64_t *count, struct pcl_err *err)
{
    sqlite3_stmt *st = NULL;
    enum pcl_rc rc = PCL_OK;

    *count = 0;
    if (sqlite3_prepare_v2(v->db, "SELECT count(*) FROM pcl_vault_tokens", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_fail(v, err, "count");
    } else {
        *count = (uint64_t)sqlite3_column_int64(st, 0);
    }
    (void)sqlite3_finalize(st);
    return rc;
}
