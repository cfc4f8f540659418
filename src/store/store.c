/* SPDX-License-Identifier: Apache-2.0 */
/* The storage front end: URL parsing, the backend table, transactions and migrations. */
#include "store.h"

#include "common.h"

struct pcl_store {
    const struct pcl_store_ops *ops;
    void *db; /* backend handle */
};

struct pcl_stmt {
    struct pcl_store *store; /* borrowed */
    void *st;                /* backend statement */
};

/* Sorted by scheme. */
static const struct {
    const char *scheme;
    const struct pcl_store_ops *ops;
} backends[] = {
    {.scheme = "sqlite", .ops = &pcl_store_sqlite_ops},
};

/* Split "scheme://target?opts" into backend, target path and options. */
static enum pcl_rc
parse_url(const char *url, const struct pcl_store_ops **ops, char **target, bool *sync_full,
          struct pcl_err *err)
{
    const char *sep = strstr(url, "://");
    const char *rest = url;
    const char *q;
    size_t slen;

    *ops = NULL;
    *sync_full = true;
    if (strncmp(url, "sqlite::memory:", 15) == 0) {
        *ops = &pcl_store_sqlite_ops;
        rest = ":memory:";
    } else if (sep != NULL) {
        slen = (size_t)(sep - url);
        for (size_t i = 0; i < PCL_ARRAY_LEN(backends); i++) {
            if (strlen(backends[i].scheme) == slen && strncmp(backends[i].scheme, url, slen) == 0) {
                *ops = backends[i].ops;
            }
        }
        if (*ops == NULL) {
            return pcl_err_set(err, PCL_EINVAL,
                               "store: %.*s: unsupported backend (this build has: sqlite)",
                               (int)PCL_MIN(slen, 32), url);
        }
        rest = sep + 3;
    } else {
        *ops = &pcl_store_sqlite_ops;
    }
    q = strchr(rest, '?');
    if (q != NULL) {
        if (strcmp(q, "?sync=full") == 0) {
            *sync_full = true;
        } else if (strcmp(q, "?sync=normal") == 0) {
            *sync_full = false;
        } else {
            return pcl_err_set(err, PCL_EINVAL,
                               "store: %s: unknown option (expected ?sync=full or ?sync=normal)",
                               q);
        }
    }
    if (q == rest || rest[0] == '\0') {
        return pcl_err_set(err, PCL_EINVAL, "store: %s: no database path", url);
    }
    *target = pcl_strndup(rest, q != NULL ? (size_t)(q - rest) : strlen(rest));
    if (*target == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "store: out of memory");
    }
    return PCL_OK;
}

enum pcl_rc
pcl_store_open(const char *url, struct pcl_store **out, struct pcl_err *err)
{
    const struct pcl_store_ops *ops = NULL;
    struct pcl_store *s = NULL;
    char *target = NULL;
    bool sync_full;
    enum pcl_rc rc;

    *out = NULL;
    rc = parse_url(url, &ops, &target, &sync_full, err);
    if (rc != PCL_OK) {
        goto out;
    }
    s = pcl_calloc(1, sizeof(*s));
    if (s == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "store: out of memory");
        goto out;
    }
    s->ops = ops;
    rc = s->ops->open(target, sync_full, &s->db, err);
    if (rc != PCL_OK) {
        goto out;
    }
    *out = s;
    s = NULL;
out:
    pcl_free(target);
    pcl_store_free(s);
    return rc;
}

void
pcl_store_free(struct pcl_store *s)
{
    if (s == NULL) {
        return;
    }
    if (s->db != NULL) {
        s->ops->close(s->db);
    }
    pcl_free(s);
}

const char *
pcl_store_backend(const struct pcl_store *s)
{
    return s->ops->name;
}

enum pcl_rc
pcl_store_exec(struct pcl_store *s, const char *sql, struct pcl_err *err)
{
    return s->ops->exec(s->db, sql, err);
}

enum pcl_rc
pcl_store_begin(struct pcl_store *s, struct pcl_err *err)
{
    return s->ops->exec(s->db, "BEGIN IMMEDIATE", err);
}

enum pcl_rc
pcl_store_commit(struct pcl_store *s, struct pcl_err *err)
{
    return s->ops->exec(s->db, "COMMIT", err);
}

void
pcl_store_rollback(struct pcl_store *s)
{
    (void)s->ops->exec(s->db, "ROLLBACK", NULL);
}

int64_t
pcl_store_changes(const struct pcl_store *s)
{
    return s->ops->changes(s->db);
}

int64_t
pcl_store_last_id(const struct pcl_store *s)
{
    return s->ops->last_id(s->db);
}

enum pcl_rc
pcl_stmt_new(struct pcl_store *s, const char *sql, struct pcl_stmt **out, struct pcl_err *err)
{
    struct pcl_stmt *st;
    enum pcl_rc rc;

    *out = NULL;
    st = pcl_calloc(1, sizeof(*st));
    if (st == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "store: out of memory");
    }
    st->store = s;
    rc = s->ops->prepare(s->db, sql, &st->st, err);
    if (rc != PCL_OK) {
        pcl_free(st);
        return rc;
    }
    *out = st;
    return PCL_OK;
}

void
pcl_stmt_free(struct pcl_stmt *st)
{
    if (st == NULL) {
        return;
    }
    st->store->ops->finalize(st->st);
    pcl_free(st);
}

enum pcl_rc
pcl_stmt_bind_int(struct pcl_stmt *st, int i, int64_t v, struct pcl_err *err)
{
    return st->store->ops->bind_int(st->st, i, v, err);
}

enum pcl_rc
pcl_stmt_bind_double(struct pcl_stmt *st, int i, double v, struct pcl_err *err)
{
    return st->store->ops->bind_double(st->st, i, v, err);
}

enum pcl_rc
pcl_stmt_bind_text(struct pcl_stmt *st, int i, const char *p, size_t n, struct pcl_err *err)
{
    return st->store->ops->bind_text(st->st, i, p, n, err);
}

enum pcl_rc
pcl_stmt_bind_blob(struct pcl_stmt *st, int i, const void *p, size_t n, struct pcl_err *err)
{
    return st->store->ops->bind_blob(st->st, i, p, n, err);
}

enum pcl_rc
pcl_stmt_bind_null(struct pcl_stmt *st, int i, struct pcl_err *err)
{
    return st->store->ops->bind_null(st->st, i, err);
}

enum pcl_rc
pcl_stmt_step(struct pcl_stmt *st, bool *row, struct pcl_err *err)
{
    return st->store->ops->step(st->st, row, err);
}

void
pcl_stmt_reset(struct pcl_stmt *st)
{
    st->store->ops->reset(st->st);
}

bool
pcl_stmt_is_null(struct pcl_stmt *st, int col)
{
    return st->store->ops->is_null(st->st, col);
}

int64_t
pcl_stmt_int(struct pcl_stmt *st, int col)
{
    return st->store->ops->col_int(st->st, col);
}

double
pcl_stmt_double(struct pcl_stmt *st, int col)
{
    return st->store->ops->col_double(st->st, col);
}

struct pcl_str
pcl_stmt_text(struct pcl_stmt *st, int col)
{
    return st->store->ops->col_text(st->st, col);
}

struct pcl_str
pcl_stmt_blob(struct pcl_stmt *st, int col)
{
    return st->store->ops->col_blob(st->st, col);
}

/* The schema version of component (0 before its first step), read with get; PCL_EINVAL when
 * it is beyond the n steps this build knows. */
static enum pcl_rc
schema_version(struct pcl_stmt *get, const char *component, size_t n, int64_t *have,
               struct pcl_err *err)
{
    bool row = false;
    enum pcl_rc rc = pcl_stmt_bind_text(get, 1, component, strlen(component), err);

    if (rc == PCL_OK) {
        rc = pcl_stmt_step(get, &row, err);
    }
    *have = rc == PCL_OK && row ? pcl_stmt_int(get, 0) : 0;
    pcl_stmt_reset(get);
    if (rc == PCL_OK && (*have < 0 || (uint64_t)*have > n)) {
        rc = pcl_err_set(err, PCL_EINVAL,
                         "store: %s schema is version %lld, this build knows up to %zu"
                         " (written by a newer portcullis?)",
                         component, (long long)*have, n);
    }
    return rc;
}

enum pcl_rc
pcl_store_migrate(struct pcl_store *s, const char *component, const char *const *steps, size_t n,
                  struct pcl_err *err)
{
    struct pcl_stmt *get = NULL;
    struct pcl_stmt *put = NULL;
    int64_t have = 0;
    bool row = false;
    enum pcl_rc rc;

    rc = pcl_store_exec(s,
                        "CREATE TABLE IF NOT EXISTS pcl_schema ("
                        " component TEXT PRIMARY KEY, version INTEGER NOT NULL)",
                        err);
    if (rc != PCL_OK) {
        goto out;
    }
    rc = pcl_stmt_new(s, "SELECT version FROM pcl_schema WHERE component = ?", &get, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_new(s,
                          "INSERT INTO pcl_schema(component, version) VALUES (?, ?)"
                          " ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                          &put, err);
    }
    if (rc != PCL_OK) {
        goto out;
    }
    /* Up to date, as nearly every open finds it: no write lock taken. */
    rc = schema_version(get, component, n, &have, err);
    if (rc != PCL_OK || (size_t)have == n) {
        goto out;
    }
    /* One step per immediate transaction, the version read again inside it: another process
     * may migrate the same database at the same time, and then this one finds its steps done. */
    for (;;) {
        rc = pcl_store_begin(s, err);
        if (rc != PCL_OK) {
            goto out;
        }
        rc = schema_version(get, component, n, &have, err);
        if (rc == PCL_OK && (size_t)have == n) {
            rc = pcl_store_commit(s, err);
            if (rc != PCL_OK) {
                pcl_store_rollback(s);
            }
            break;
        }
        if (rc == PCL_OK) {
            rc = pcl_store_exec(s, steps[have], err);
        }
        if (rc == PCL_OK) {
            rc = pcl_stmt_bind_text(put, 1, component, strlen(component), err);
        }
        if (rc == PCL_OK) {
            rc = pcl_stmt_bind_int(put, 2, have + 1, err);
        }
        if (rc == PCL_OK) {
            rc = pcl_stmt_step(put, &row, err);
        }
        pcl_stmt_reset(put);
        if (rc == PCL_OK) {
            rc = pcl_store_commit(s, err);
        }
        if (rc != PCL_OK) {
            pcl_store_rollback(s);
            goto out;
        }
    }
out:
    pcl_stmt_free(get);
    pcl_stmt_free(put);
    return rc;
}
