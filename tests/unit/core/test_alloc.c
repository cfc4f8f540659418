/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/core/alloc.c and src/core/err.c: the allocation wrappers, the
 * fail-the-Nth-allocation hook, and the error record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common.h"
#include "pcl_test.h"

static int
reset_hook(void **state)
{
    (void)state;
    (void)pcl_alloc_fail_at(0, false);
    return 0;
}

static void
test_pcl_malloc_zero_size_returns_pointer(void **state)
{
    void *p = pcl_malloc(0);
    void *q = pcl_calloc(0, 8);
    void *r = pcl_calloc(8, 0);
    (void)state;

    assert_non_null(p);
    assert_non_null(q);
    assert_non_null(r);
    pcl_free(p);
    pcl_free(q);
    pcl_free(r);
    pcl_free(NULL); /* no-op */
}

static void
test_pcl_calloc_zeroes(void **state)
{
    unsigned char *p = pcl_calloc(16, 4);
    (void)state;

    assert_non_null(p);
    for (size_t i = 0; i < 64; i++) {
        assert_int_equal(p[i], 0);
    }
    pcl_free(p);
}

static void
test_pcl_realloc_preserves_contents(void **state)
{
    char *p = pcl_malloc(5);
    char *q;
    (void)state;

    assert_non_null(p);
    memcpy(p, "abcd", 5);
    q = pcl_realloc(p, 4096);
    assert_non_null(q);
    assert_string_equal(q, "abcd");
    p = pcl_realloc(q, 0); /* shrinking to 0 keeps a valid pointer */
    assert_non_null(p);
    pcl_free(p);
}

static void
test_pcl_realloc_failure_keeps_block(void **state)
{
    char *p = pcl_malloc(8);
    char *q;
    (void)state;

    assert_non_null(p);
    memcpy(p, "keep", 5);
    (void)pcl_alloc_fail_at(1, false);
    q = pcl_realloc(p, 1 << 20);
    (void)pcl_alloc_fail_at(0, false);
    assert_null(q);
    assert_string_equal(p, "keep");
    pcl_free(p);
}

static void
test_pcl_strndup_cases(void **state)
{
    static const struct {
        const char *s;
        size_t len;
        const char *want;
    } cases[] = {
        {"", 0, ""},
        {"abc", 3, "abc"},
        {"abcdef", 3, "abc"},
        {"a\0b", 3, "a"}, /* copies all 3 bytes; the string view stops at the NUL */
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        char *p = pcl_strndup(cases[i].s, cases[i].len);

        assert_non_null(p);
        assert_string_equal(p, cases[i].want);
        assert_memory_equal(p, cases[i].s, cases[i].len);
        assert_int_equal(p[cases[i].len], '\0');
        pcl_free(p);
    }
    assert_null(pcl_strndup("x", SIZE_MAX));
}

static void
test_pcl_strdup_copies(void **state)
{
    char *p = pcl_strdup("portcullis");
    (void)state;

    assert_non_null(p);
    assert_string_equal(p, "portcullis");
    pcl_free(p);
}

/* Which of 5 allocations fail for a given (n, sticky). */
static void
test_pcl_alloc_fail_at_table(void **state)
{
    static const struct {
        unsigned long n;
        bool sticky;
        bool fails[5];
    } cases[] = {
        {0, false, {false, false, false, false, false}},
        {0, true, {false, false, false, false, false}},
        {1, false, {true, false, false, false, false}},
        {3, false, {false, false, true, false, false}},
        {3, true, {false, false, true, true, true}},
        {5, false, {false, false, false, false, true}},
        {6, false, {false, false, false, false, false}},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        void *p[5];

        (void)pcl_alloc_fail_at(cases[i].n, cases[i].sticky);
        /* Every allocator entry point counts. */
        p[0] = pcl_malloc(8);
        p[1] = pcl_calloc(2, 8);
        p[2] = pcl_strdup("x");
        p[3] = pcl_realloc(NULL, 8);
        p[4] = pcl_strndup("yz", 2);
        assert_int_equal(pcl_alloc_fail_at(0, false), 5);
        for (size_t k = 0; k < 5; k++) {
            if ((p[k] == NULL) != cases[i].fails[k]) {
                fail_msg("case %zu: allocation %zu %s", i, k + 1,
                         p[k] == NULL ? "failed" : "succeeded");
            }
            pcl_free(p[k]);
        }
    }
}

static void
test_pcl_alloc_fail_at_counts_since_last_call(void **state)
{
    (void)state;

    (void)pcl_alloc_fail_at(0, false);
    assert_int_equal(pcl_alloc_fail_at(0, false), 0);
    pcl_free(pcl_malloc(1));
    pcl_free(pcl_malloc(1));
    assert_int_equal(pcl_alloc_fail_at(0, false), 2);
    pcl_free(NULL); /* frees are not counted */
    assert_int_equal(pcl_alloc_fail_at(0, false), 0);
}

struct three {
    char *a, *b, *c;
};

static enum pcl_rc
alloc_three(void *ctx)
{
    struct three *t = ctx;
    enum pcl_rc rc = PCL_ENOMEM;

    t->a = pcl_strdup("a");
    if (t->a == NULL) {
        goto out;
    }
    t->b = pcl_malloc(32);
    if (t->b == NULL) {
        goto out;
    }
    t->c = pcl_calloc(4, 4);
    if (t->c == NULL) {
        goto out;
    }
    rc = PCL_OK;
out:
    pcl_free(t->a);
    pcl_free(t->b);
    pcl_free(t->c);
    t->a = t->b = t->c = NULL;
    return rc;
}

static void
test_pcl_test_oom_helper_counts_allocations(void **state)
{
    struct three t = {NULL, NULL, NULL};
    (void)state;

    assert_int_equal(pcl_test_oom(alloc_three, &t, false), 3);
    assert_int_equal(pcl_test_oom(alloc_three, &t, true), 3);
}

static void
test_pcl_err_set_formats(void **state)
{
    struct pcl_err err = {PCL_OK, ""};
    char longer[400];
    (void)state;

    assert_int_equal(
        pcl_err_set(&err, PCL_EINVAL, "config: line %d: unknown key \"%s\"", 12, "mode"),
        PCL_EINVAL);
    assert_int_equal(err.rc, PCL_EINVAL);
    assert_string_equal(err.msg, "config: line 12: unknown key \"mode\"");
    assert_int_equal(pcl_err_set(NULL, PCL_EIO, "ignored %d", 1), PCL_EIO);

    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_int_equal(pcl_err_set(&err, PCL_ELIMIT, "%s", longer), PCL_ELIMIT);
    assert_int_equal(strlen(err.msg), PCL_ERR_MSG_SIZE - 1); /* truncated, still terminated */
}

static void
test_pcl_rc_str_names(void **state)
{
    static const struct {
        enum pcl_rc rc;
        const char *name;
    } cases[] = {
        {PCL_OK, "ok"},
        {PCL_ENOMEM, "out of memory"},
        {PCL_EINVAL, "invalid input"},
        {PCL_ELIMIT, "limit exceeded"},
        {PCL_EIO, "i/o error"},
        {PCL_ENOTFOUND, "not found"},
        {PCL_EINTERNAL, "internal error"},
        {(enum pcl_rc)42, "unknown error"},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        assert_string_equal(pcl_rc_str(cases[i].rc), cases[i].name);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_malloc_zero_size_returns_pointer),
        cmocka_unit_test(test_pcl_calloc_zeroes),
        cmocka_unit_test(test_pcl_realloc_preserves_contents),
        cmocka_unit_test_teardown(test_pcl_realloc_failure_keeps_block, reset_hook),
        cmocka_unit_test(test_pcl_strndup_cases),
        cmocka_unit_test(test_pcl_strdup_copies),
        cmocka_unit_test_teardown(test_pcl_alloc_fail_at_table, reset_hook),
        cmocka_unit_test(test_pcl_alloc_fail_at_counts_since_last_call),
        cmocka_unit_test_teardown(test_pcl_test_oom_helper_counts_allocations, reset_hook),
        cmocka_unit_test(test_pcl_err_set_formats),
        cmocka_unit_test(test_pcl_rc_str_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
