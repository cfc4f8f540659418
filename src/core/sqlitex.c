/* SPDX-License-Identifier: Apache-2.0 */
/* SQLite helpers shared by the store and the token vault. */
#include "common.h"

#include "sqlitex.h"

int
pcl_sqlite_exec_busy(sqlite3 *db, const char *sql, int wait_ms)
{
    /* measured on the clock: a call may itself have waited in the busy handler */
    double until = pcl_mono_s() + wait_ms / 1000.0;
    int rc;

    for (;;) {
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || pcl_mono_s() >= until) {
            return rc;
        }
        (void)sqlite3_sleep(10);
    }
}
