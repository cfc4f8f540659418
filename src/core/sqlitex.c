/* SPDX-License-Identifier: Apache-2.0 */
/* SQLite helpers shared by the store and the token vault. */
#include "common.h"

#include "sqlitex.h"

int
pcl_sqlite_exec_busy(sqlite3 *db, const char *sql, int wait_ms)
{
    int rc;

    for (int waited = 0;; waited += 10) {
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= wait_ms) {
            return rc;
        }
        (void)sqlite3_sleep(10);
    }
}
