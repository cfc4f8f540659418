/* SPDX-License-Identifier: Apache-2.0 */
/* The SQLite backend of the store: WAL journal, immediate transactions, busy timeout. */
#include "store.h"

#include <sqlite3.h>

#include "common.h"
#include "sqlitex.h"

#define SQ_BUSY_MS 10000 /* how long a connection waits for another's lock */

static enum pcl_rc
fail(sqlite3 *db, int src, const char *what, struct pcl_err *err)
{
    enum pcl_rc rc = PCL_EIO;

    if (src == SQLITE_NOMEM) {
        rc = PCL_ENOMEM;
    } else if ((src & 0xff) == SQLITE_CONSTRAINT || src == SQLITE_MISMATCH ||
               src == SQLITE_TOOBIG || src == SQLITE_RANGE) {
        rc = PCL_EINVAL;
    }
    return pcl_err_set(err, rc, "store: sqlite: %s: %s", what,
                       db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(src));
}

static void
sq_close(void *db)
{
    (void)sqlite3_close_v2(db);
}

static enum pcl_rc
sq_open(const char *target, bool sync_full, void **out, struct pcl_err *err)
{
    sqlite3 *db = NULL;
    bool mem = strcmp(target, ":memory:") == 0;
    char pragmas[160];
    int src;

    *out = NULL;
    src = sqlite3_open_v2(target, &db,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src != SQLITE_OK) {
        enum pcl_rc rc =
            pcl_err_set(err, src == SQLITE_NOMEM ? PCL_ENOMEM : PCL_EIO, "store: %s: %s", target,
                        db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(src));
        sq_close(db);
        return rc;
    }
    (void)sqlite3_busy_timeout(db, SQ_BUSY_MS);
    (void)snprintf(pragmas, sizeof(pragmas), "%s PRAGMA synchronous=%s; PRAGMA foreign_keys=ON",
                   mem ? "" : "PRAGMA journal_mode=WAL;", sync_full ? "FULL" : "NORMAL");
    src = pcl_sqlite_exec_busy(db, pragmas, SQ_BUSY_MS); /* two processes may create it at once */
    if (src != SQLITE_OK) {
        enum pcl_rc rc = pcl_err_set(err, PCL_EIO, "store: %s: not a usable SQLite database: %s",
                                     target, sqlite3_errmsg(db));
        sq_close(db);
        return rc;
    }
    *out = db;
    return PCL_OK;
}

static enum pcl_rc
sq_exec(void *db, const char *sql, struct pcl_err *err)
{
    int src = sqlite3_exec(db, sql, NULL, NULL, NULL);

    return src == SQLITE_OK ? PCL_OK : fail(db, src, "exec", err);
}

static int64_t
sq_changes(void *db)
{
    return sqlite3_changes64(db);
}

static int64_t
sq_last_id(void *db)
{
    return sqlite3_last_insert_rowid(db);
}

static enum pcl_rc
sq_prepare(void *db, const char *sql, void **st, struct pcl_err *err)
{
    sqlite3_stmt *s = NULL;
    int src = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);

    if (src != SQLITE_OK) {
        return fail(db, src, "prepare", err);
    }
    *st = s;
    return PCL_OK;
}

static void
sq_finalize(void *st)
{
    (void)sqlite3_finalize(st);
}

static enum pcl_rc
bound(void *st, int src, struct pcl_err *err)
{
    return src == SQLITE_OK ? PCL_OK : fail(sqlite3_db_handle(st), src, "bind", err);
}

static enum pcl_rc
sq_bind_int(void *st, int i, int64_t v, struct pcl_err *err)
{
    return bound(st, sqlite3_bind_int64(st, i, v), err);
}

static enum pcl_rc
sq_bind_double(void *st, int i, double v, struct pcl_err *err)
{
    return bound(st, sqlite3_bind_double(st, i, v), err);
}

static enum pcl_rc
sq_bind_text(void *st, int i, const char *p, size_t n, struct pcl_err *err)
{
    return bound(st, sqlite3_bind_text64(st, i, p, n, SQLITE_TRANSIENT, SQLITE_UTF8), err);
}

static enum pcl_rc
sq_bind_blob(void *st, int i, const void *p, size_t n, struct pcl_err *err)
{
    /* sqlite3 treats a NULL blob pointer as SQL NULL; an empty blob must stay a blob. */
    return bound(st, sqlite3_bind_blob64(st, i, n > 0 ? p : "", n, SQLITE_TRANSIENT), err);
}

static enum pcl_rc
sq_bind_null(void *st, int i, struct pcl_err *err)
{
    return bound(st, sqlite3_bind_null(st, i), err);
}

static enum pcl_rc
sq_step(void *st, bool *row, struct pcl_err *err)
{
    int src = sqlite3_step(st);

    *row = src == SQLITE_ROW;
    if (src == SQLITE_ROW || src == SQLITE_DONE) {
        return PCL_OK;
    }
    return fail(sqlite3_db_handle(st), src, "step", err);
}

static void
sq_reset(void *st)
{
    (void)sqlite3_reset(st);
    (void)sqlite3_clear_bindings(st);
}

static bool
sq_is_null(void *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL;
}

static int64_t
sq_col_int(void *st, int col)
{
    return sqlite3_column_int64(st, col);
}

static double
sq_col_double(void *st, int col)
{
    return sqlite3_column_double(st, col);
}

static struct pcl_str
sq_col_text(void *st, int col)
{
    const unsigned char *p = sqlite3_column_text(st, col);
    int n = sqlite3_column_bytes(st, col);

    return (struct pcl_str){p != NULL ? (const char *)p : "", p != NULL ? (size_t)n : 0};
}

static struct pcl_str
sq_col_blob(void *st, int col)
{
    const void *p = sqlite3_column_blob(st, col);
    int n = sqlite3_column_bytes(st, col);

    return (struct pcl_str){p != NULL ? p : "", p != NULL ? (size_t)n : 0};
}

const struct pcl_store_ops pcl_store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .changes = sq_changes,
    .last_id = sq_last_id,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .reset = sq_reset,
    .is_null = sq_is_null,
    .col_int = sq_col_int,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
};
