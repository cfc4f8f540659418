/* SPDX-License-Identifier: Apache-2.0 */
/* One storage interface for everything that persists (API keys, usage, audit log, model
 * registry): a small SQL layer over a backend chosen by URL. SQLite (WAL) is the embedded
 * default; a PostgreSQL backend plugs in behind the same calls, so callers write portable SQL
 * with `?` placeholders and never see the backend's own types. */
#ifndef PORTCULLIS_STORE_H
#define PORTCULLIS_STORE_H

#include <portcullis/core.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pcl_store;
struct pcl_stmt;

/* Open a store by URL:
 *   sqlite:///abs/path.db   sqlite://rel/path.db   sqlite::memory:   /path/or/rel.db (bare)
 * Query options: `?sync=full` (default: every commit reaches the disk before it returns) or
 * `?sync=normal` (WAL, survives a process crash, may lose the last commits on power loss).
 * The file and its directory must exist or be creatable. A store handle is used by one thread
 * at a time; open one per thread. Unknown schemes are PCL_EINVAL naming the scheme. Caller
 * frees with pcl_store_free(). */
enum pcl_rc pcl_store_open(const char *url, struct pcl_store **out, struct pcl_err *err) PCL_WUR;
void pcl_store_free(struct pcl_store *s);
/* Backend name: "sqlite". */
const char *pcl_store_backend(const struct pcl_store *s);

/* Run a script of `;`-separated statements without results (schema, pragmas). */
enum pcl_rc pcl_store_exec(struct pcl_store *s, const char *sql, struct pcl_err *err) PCL_WUR;

/* Bring `component`'s schema to version n by running steps[v] for each version v in
 * [current, n), each in its own transaction, recording the version in table pcl_schema.
 * A store whose recorded version is newer than n is PCL_EINVAL (written by a newer build). */
enum pcl_rc pcl_store_migrate(struct pcl_store *s, const char *component, const char *const *steps,
                              size_t n, struct pcl_err *err) PCL_WUR;

/* Transactions. begin takes the write lock immediately (no upgrade deadlocks). */
enum pcl_rc pcl_store_begin(struct pcl_store *s, struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_store_commit(struct pcl_store *s, struct pcl_err *err) PCL_WUR;
/* Cannot fail in a way the caller can act on; safe to call when no transaction is open. */
void pcl_store_rollback(struct pcl_store *s);

/* Rows changed by the last INSERT/UPDATE/DELETE. */
int64_t pcl_store_changes(const struct pcl_store *s);
/* Rowid of the last INSERT into a table with an integer primary key. */
int64_t pcl_store_last_id(const struct pcl_store *s);

/* Compile one statement with `?` placeholders. The statement borrows s and must be freed
 * before it. Caller frees with pcl_stmt_free(). */
enum pcl_rc pcl_stmt_new(struct pcl_store *s, const char *sql, struct pcl_stmt **out,
                         struct pcl_err *err) PCL_WUR;
void pcl_stmt_free(struct pcl_stmt *st);

/* Bind parameter i (1-based). Text and blobs are copied. */
enum pcl_rc pcl_stmt_bind_int(struct pcl_stmt *st, int i, int64_t v, struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_stmt_bind_double(struct pcl_stmt *st, int i, double v, struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_stmt_bind_text(struct pcl_stmt *st, int i, const char *p, size_t n,
                               struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_stmt_bind_blob(struct pcl_stmt *st, int i, const void *p, size_t n,
                               struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_stmt_bind_null(struct pcl_stmt *st, int i, struct pcl_err *err) PCL_WUR;

/* Advance: *row is true when a result row is available, false when the statement is done.
 * A constraint violation (e.g. duplicate key) is PCL_EINVAL; a busy database past the
 * timeout is PCL_EIO. */
enum pcl_rc pcl_stmt_step(struct pcl_stmt *st, bool *row, struct pcl_err *err) PCL_WUR;
/* Make the statement runnable again and clear its bindings. */
void pcl_stmt_reset(struct pcl_stmt *st);

/* Column values of the current row (0-based). Text and blob bytes are borrowed until the next
 * step, reset or free; text is NUL-terminated. A NULL column reads as 0 / empty. */
bool pcl_stmt_is_null(struct pcl_stmt *st, int col);
int64_t pcl_stmt_int(struct pcl_stmt *st, int col);
double pcl_stmt_double(struct pcl_stmt *st, int col);
struct pcl_str pcl_stmt_text(struct pcl_stmt *st, int col);
struct pcl_str pcl_stmt_blob(struct pcl_stmt *st, int col);

#ifdef __cplusplus
}
#endif
#endif
