/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the store interface over the SQLite backend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <portcullis/store.h>

#include "pcl_test.h"

/* The one integer a query returns. */
static int64_t
query_int(struct pcl_store *s, const char *sql)
{
    struct pcl_stmt *st = NULL;
    struct pcl_err err;
    bool row = false;
    int64_t v;

    assert_int_equal(pcl_stmt_new(s, sql, &st, &err), PCL_OK);
    assert_int_equal(pcl_stmt_step(st, &row, &err), PCL_OK);
    assert_true(row);
    v = pcl_stmt_int(st, 0);
    pcl_stmt_free(st);
    return v;
}

static void
test_store_open_rejects_bad_urls(void **state)
{
    static const char *bad[] = {"postgres://localhost/db", "sqlite://", "sqlite:///tmp/x.db?x=1",
                                "mysql://h/db"};
    struct pcl_store *s = NULL;
    struct pcl_err err;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(pcl_store_open(bad[i], &s, &err), PCL_EINVAL);
        assert_null(s);
        assert_non_null(strstr(err.msg, "store: "));
    }
}

static void
test_store_roundtrip_values(void **state)
{
    struct pcl_store *s = NULL;
    struct pcl_stmt *ins = NULL;
    struct pcl_stmt *sel = NULL;
    struct pcl_err err;
    bool row;
    struct pcl_str t;

    (void)state;
    assert_int_equal(pcl_store_open("sqlite::memory:", &s, &err), PCL_OK);
    assert_string_equal(pcl_store_backend(s), "sqlite");
    assert_int_equal(pcl_store_exec(s,
                                    "CREATE TABLE t(k TEXT PRIMARY KEY, i INTEGER, d REAL,"
                                    " b BLOB, n TEXT)",
                                    &err),
                     PCL_OK);
    assert_int_equal(pcl_stmt_new(s, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", &ins, &err), PCL_OK);
    assert_int_equal(pcl_stmt_bind_text(ins, 1, "key\0x", 5, &err), PCL_OK);
    assert_int_equal(pcl_stmt_bind_int(ins, 2, INT64_MIN, &err), PCL_OK);
    assert_int_equal(pcl_stmt_bind_double(ins, 3, 2.5, &err), PCL_OK);
    assert_int_equal(pcl_stmt_bind_blob(ins, 4, "", 0, &err), PCL_OK);
    assert_int_equal(pcl_stmt_bind_null(ins, 5, &err), PCL_OK);
    assert_int_equal(pcl_stmt_step(ins, &row, &err), PCL_OK);
    assert_false(row);
    assert_int_equal(pcl_store_changes(s), 1);
    pcl_stmt_reset(ins);
    /* the same key again violates the primary key: PCL_EINVAL */
    assert_int_equal(pcl_stmt_bind_text(ins, 1, "key\0x", 5, &err), PCL_OK);
    assert_int_equal(pcl_stmt_step(ins, &row, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "UNIQUE"));

    assert_int_equal(pcl_stmt_new(s, "SELECT k, i, d, b, n FROM t", &sel, &err), PCL_OK);
    assert_int_equal(pcl_stmt_step(sel, &row, &err), PCL_OK);
    assert_true(row);
    t = pcl_stmt_text(sel, 0);
    assert_int_equal(t.len, 5);
    assert_memory_equal(t.ptr, "key\0x", 5);
    assert_true(pcl_stmt_int(sel, 1) == INT64_MIN);
    assert_true(pcl_stmt_double(sel, 2) == 2.5);
    assert_false(pcl_stmt_is_null(sel, 3));
    assert_int_equal(pcl_stmt_blob(sel, 3).len, 0);
    assert_true(pcl_stmt_is_null(sel, 4));
    assert_int_equal(pcl_stmt_text(sel, 4).len, 0);
    assert_int_equal(pcl_stmt_step(sel, &row, &err), PCL_OK);
    assert_false(row);
    pcl_stmt_free(sel);
    pcl_stmt_free(ins);
    pcl_store_free(s);
}

static void
test_store_migrate_runs_each_step_once(void **state)
{
    static const char *const v1[] = {"CREATE TABLE a(x INTEGER)"};
    static const char *const v2[] = {"CREATE TABLE a(x INTEGER)",
                                     "ALTER TABLE a ADD COLUMN y TEXT"};
    char path[] = "/tmp/pcl-store-XXXXXX";
    char url[64];
    struct pcl_store *s = NULL;
    struct pcl_err err;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    (void)close(fd);
    (void)snprintf(url, sizeof(url), "sqlite://%s?sync=normal", path);
    assert_int_equal(pcl_store_open(url, &s, &err), PCL_OK);
    assert_int_equal(pcl_store_migrate(s, "t", v1, 1, &err), PCL_OK);
    assert_int_equal(pcl_store_migrate(s, "t", v1, 1, &err), PCL_OK);
    assert_int_equal(pcl_store_migrate(s, "t", v2, 2, &err), PCL_OK);
    assert_int_equal(pcl_store_exec(s, "INSERT INTO a(x, y) VALUES (1, 'z')", &err), PCL_OK);
    /* an older build must refuse a newer schema */
    assert_int_equal(pcl_store_migrate(s, "t", v1, 1, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "version 2"));
    /* a failing step rolls back and leaves the version alone */
    {
        static const char *const bad[] = {"", "", "CREATE TABLE a(x)"};

        assert_int_equal(pcl_store_migrate(s, "t", bad, 3, &err), PCL_EIO);
        assert_non_null(strstr(err.msg, "already exists"));
        assert_int_equal(pcl_store_migrate(s, "t", v2, 2, &err), PCL_OK);
    }
    pcl_store_free(s);
    pcl_test_remove_db(path);
}

static void
test_store_transactions_roll_back(void **state)
{
    struct pcl_store *s = NULL;
    struct pcl_err err;

    (void)state;
    assert_int_equal(pcl_store_open("sqlite::memory:", &s, &err), PCL_OK);
    assert_int_equal(pcl_store_exec(s, "CREATE TABLE t(x INTEGER PRIMARY KEY)", &err), PCL_OK);
    assert_int_equal(pcl_store_begin(s, &err), PCL_OK);
    assert_int_equal(pcl_store_exec(s, "INSERT INTO t VALUES (7)", &err), PCL_OK);
    assert_int_equal(pcl_store_last_id(s), 7);
    pcl_store_rollback(s);
    pcl_store_rollback(s); /* harmless without a transaction */
    assert_int_equal(query_int(s, "SELECT count(*) FROM t"), 0);
    pcl_store_free(s);
}

struct opener {
    const char *url;
    enum pcl_rc rc;
    struct pcl_err err;
};

/* Open the store, migrate it and add a row, as a process starting on it would. */
static void *
open_and_migrate(void *arg)
{
    static const char *const steps[] = {"CREATE TABLE a(x INTEGER)",
                                        "ALTER TABLE a ADD COLUMN y TEXT"};
    struct opener *o = arg;
    struct pcl_store *s = NULL;

    o->rc = pcl_store_open(o->url, &s, &o->err);
    if (o->rc == PCL_OK) {
        o->rc = pcl_store_migrate(s, "t", steps, 2, &o->err);
    }
    if (o->rc == PCL_OK) {
        o->rc = pcl_store_exec(s, "INSERT INTO a(x, y) VALUES (1, 'z')", &o->err);
    }
    pcl_store_free(s);
    return NULL;
}

/* Two connections opening one new file at the same moment both get a migrated store: the WAL
 * switch is tried again when SQLite fails one of them at once, and each migration step reads
 * the version inside its transaction (before, one of the two failed most rounds, with
 * "database is locked" or "table a already exists"). */
static void
test_store_two_openers_of_a_new_file(void **state)
{
    char dir[] = "/tmp/pcl-store2-XXXXXX";

    (void)state;
    assert_non_null(mkdtemp(dir));
    for (int round = 0; round < 20; round++) {
        char path[64], url[96];
        struct opener o[2];
        pthread_t th[2];
        struct pcl_store *s = NULL;
        struct pcl_err err;

        (void)snprintf(path, sizeof(path), "%s/s%d.db", dir, round);
        (void)snprintf(url, sizeof(url), "sqlite://%s?sync=normal", path);
        for (int i = 0; i < 2; i++) {
            memset(&o[i], 0, sizeof(o[i]));
            o[i].url = url;
            assert_int_equal(pthread_create(&th[i], NULL, open_and_migrate, &o[i]), 0);
        }
        for (int i = 0; i < 2; i++) {
            assert_int_equal(pthread_join(th[i], NULL), 0);
            if (o[i].rc != PCL_OK) {
                fail_msg("round %d, opener %d: %s", round, i, o[i].err.msg);
            }
        }
        assert_int_equal(pcl_store_open(url, &s, &err), PCL_OK);
        assert_int_equal(query_int(s, "SELECT count(*) FROM a"), 2);
        pcl_store_free(s);
        pcl_test_remove_db(path);
    }
    assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_open_rejects_bad_urls),
        cmocka_unit_test(test_store_roundtrip_values),
        cmocka_unit_test(test_store_migrate_runs_each_step_once),
        cmocka_unit_test(test_store_two_openers_of_a_new_file),
        cmocka_unit_test(test_store_transactions_roll_back),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
