/* SPDX-License-Identifier: Apache-2.0 */
/* SQLite helpers shared by the store and the token vault (private to libportcullis). */
#ifndef PCL_SQLITEX_H
#define PCL_SQLITEX_H

#include <sqlite3.h>

/* sqlite3_exec(db, sql) tried again, every 10 ms until wait_ms have passed, while it fails with
 * SQLITE_BUSY or SQLITE_LOCKED; returns the last result. The busy handler waits for most
 * locks, but where two connections each hold what the other needs (two processes setting up
 * one new database file at once, switching it to WAL), SQLite fails one of them at once. */
int pcl_sqlite_exec_busy(sqlite3 *db, const char *sql, int wait_ms);

#endif
