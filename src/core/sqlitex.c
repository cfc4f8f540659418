/* SPDX-License-Identifier: Apache-2.0 */
/* SQLite helpers shared by the store and the token vault. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime() */

#include "common.h"

#include <time.h>

#include "sqlitex.h"

static int64_t
now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
pcl_sqlite_exec_busy(sqlite3 *db, const char *sql, int wait_ms)
{
    /* measured on the clock: a call may itself have waited in the busy handler */
    int64_t until = now_ms() + wait_ms;
    int rc;

    for (;;) {
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || now_ms() >= until) {
            return rc;
        }
        (void)sqlite3_sleep(10);
    }
}
