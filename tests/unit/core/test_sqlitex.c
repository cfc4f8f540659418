/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the SQLite helpers (src/core/sqlitex.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pcl_test.h"
#include "sqlitex.h"

/* A statement another connection keeps locked out: tried until wait_ms have passed on the
 * clock, the time each try spends in the busy handler included, then SQLITE_BUSY; and once
 * the lock is gone it runs. (Counting 10 ms per try, as the first version did, waited 250 ms
 * busy timeouts 50 times over: more than 12 s.) */
static void
test_pcl_sqlite_exec_busy_waits_on_the_clock(void **state)
{
    char path[64];
    sqlite3 *a = NULL, *b = NULL;
    double t0, took;

    (void)state;
    (void)snprintf(path, sizeof(path), "/tmp/pcl_sqlitex_%d.db", (int)getpid());
    pcl_test_remove_db(path);
    assert_int_equal(sqlite3_open(path, &a), SQLITE_OK);
    assert_int_equal(sqlite3_open(path, &b), SQLITE_OK);
    assert_int_equal(sqlite3_exec(a, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    (void)sqlite3_busy_timeout(b, 250);
    assert_int_equal(sqlite3_exec(a, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    t0 = pcl_mono_s();
    assert_int_equal(pcl_sqlite_exec_busy(b, "INSERT INTO t VALUES (1)", 500), SQLITE_BUSY);
    took = pcl_mono_s() - t0;
    assert_true(took >= 0.5);
    assert_true(took < 3.0);
    assert_int_equal(sqlite3_exec(a, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(pcl_sqlite_exec_busy(b, "INSERT INTO t VALUES (2)", 500), SQLITE_OK);
    assert_int_equal(sqlite3_close(a), SQLITE_OK);
    assert_int_equal(sqlite3_close(b), SQLITE_OK);
    pcl_test_remove_db(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_sqlite_exec_busy_waits_on_the_clock),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
