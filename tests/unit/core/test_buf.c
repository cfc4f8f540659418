/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/core/buf.c: appends, the hard maximum (PCL_ELIMIT), consume/steal/reset,
 * formatted appends and out-of-memory behaviour. */
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
test_pcl_buf_init_is_empty(void **state)
{
    struct pcl_buf b;
    (void)state;

    pcl_buf_init(&b, 0);
    assert_null(b.ptr);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, SIZE_MAX / 2);
    pcl_buf_init(&b, 10);
    assert_int_equal(b.max, 10);
    pcl_buf_fini(&b); /* fini of a never-used buffer is fine */
    pcl_buf_fini(&b); /* and idempotent */
}

static void
test_pcl_buf_append_variants(void **state)
{
    struct pcl_buf b;
    (void)state;

    pcl_buf_init(&b, 0);
    assert_int_equal(pcl_buf_append(&b, "ab", 2), PCL_OK);
    assert_int_equal(pcl_buf_appendc(&b, 'c'), PCL_OK);
    assert_int_equal(pcl_buf_appends(&b, "def"), PCL_OK);
    assert_int_equal(pcl_buf_append(&b, NULL, 0), PCL_OK);
    assert_int_equal(pcl_buf_appendf(&b, "-%d-%s-%zu", 42, "x", (size_t)7), PCL_OK);
    assert_int_equal(b.len, 13);
    assert_string_equal(b.ptr, "abcdef-42-x-7");
    assert_int_equal(b.ptr[b.len], '\0');
    assert_true(b.cap > b.len);
    pcl_buf_fini(&b);
    assert_null(b.ptr);
}

static void
test_pcl_buf_append_binary_with_nul(void **state)
{
    struct pcl_buf b;
    (void)state;

    pcl_buf_init(&b, 0);
    assert_int_equal(pcl_buf_append(&b, "a\0b", 3), PCL_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.ptr, "a\0b\0", 4);
    pcl_buf_fini(&b);
}

static void
test_pcl_buf_grows_large(void **state)
{
    struct pcl_buf b;
    char chunk[1000];
    (void)state;

    memset(chunk, 'z', sizeof(chunk));
    pcl_buf_init(&b, 0);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(pcl_buf_append(&b, chunk, sizeof(chunk)), PCL_OK);
    }
    assert_int_equal(b.len, 1000000);
    assert_int_equal(b.ptr[999999], 'z');
    assert_int_equal(b.ptr[1000000], '\0');
    pcl_buf_fini(&b);
}

/* Appends up to max succeed; one byte more is PCL_ELIMIT and leaves the buffer unchanged. */
static void
test_pcl_buf_max_limit(void **state)
{
    static const struct {
        size_t max;
        const char *first;
        const char *second;
        enum pcl_rc rc;
        const char *want;
    } cases[] = {
        {8, "12345678", "", PCL_OK, "12345678"},  {8, "12345678", "9", PCL_ELIMIT, "12345678"},
        {8, "1234", "56789", PCL_ELIMIT, "1234"}, {8, "1234", "5678", PCL_OK, "12345678"},
        {1, "1", "2", PCL_ELIMIT, "1"},           {100, "abc", "defghij", PCL_OK, "abcdefghij"},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_buf b;

        pcl_buf_init(&b, cases[i].max);
        assert_int_equal(pcl_buf_appends(&b, cases[i].first), PCL_OK);
        assert_int_equal(pcl_buf_appends(&b, cases[i].second), cases[i].rc);
        assert_string_equal(b.ptr, cases[i].want);
        assert_true(b.cap <= cases[i].max + 1);
        pcl_buf_fini(&b);
    }
}

/* A max of SIZE_MAX (as "no limit") is clamped, not wrapped: max + 1 used to be 0, the
 * buffer got 0 bytes of capacity and the next append wrote past it. */
static void
test_pcl_buf_max_size_max_is_clamped(void **state)
{
    struct pcl_buf b;

    (void)state;
    pcl_buf_init(&b, SIZE_MAX);
    assert_true(b.max == SIZE_MAX / 2);
    assert_int_equal(pcl_buf_appends(&b, "a long enough string to need a real allocation"), PCL_OK);
    assert_true(b.cap > b.len);
    assert_string_equal(b.ptr, "a long enough string to need a real allocation");
    pcl_buf_fini(&b);
}

static void
test_pcl_buf_max_limit_other_entry_points(void **state)
{
    struct pcl_buf b;
    (void)state;

    pcl_buf_init(&b, 4);
    assert_int_equal(pcl_buf_appendf(&b, "%s", "12345"), PCL_ELIMIT);
    assert_int_equal(b.len, 0);
    assert_int_equal(pcl_buf_appendf(&b, "%d", 1234), PCL_OK);
    assert_int_equal(pcl_buf_appendc(&b, 'x'), PCL_ELIMIT);
    assert_int_equal(pcl_buf_reserve(&b, 1), PCL_ELIMIT);
    assert_int_equal(pcl_buf_reserve(&b, 0), PCL_OK);
    assert_int_equal(pcl_buf_reserve(&b, SIZE_MAX), PCL_ELIMIT);
    assert_string_equal(b.ptr, "1234");
    pcl_buf_fini(&b);
}

static void
test_pcl_buf_consume_cases(void **state)
{
    static const struct {
        const char *in;
        size_t n;
        const char *want;
    } cases[] = {
        {"abcdef", 0, "abcdef"},
        {"abcdef", 2, "cdef"},
        {"abcdef", 6, ""},
        {"abcdef", 100, ""},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_buf b;

        pcl_buf_init(&b, 0);
        assert_int_equal(pcl_buf_appends(&b, cases[i].in), PCL_OK);
        pcl_buf_consume(&b, cases[i].n);
        assert_int_equal(b.len, strlen(cases[i].want));
        assert_string_equal(b.ptr, cases[i].want);
        pcl_buf_fini(&b);
    }
}

static void
test_pcl_buf_reset_keeps_capacity(void **state)
{
    struct pcl_buf b;
    size_t cap;
    (void)state;

    pcl_buf_init(&b, 0);
    pcl_buf_reset(&b); /* before any append */
    assert_int_equal(pcl_buf_appends(&b, "hello"), PCL_OK);
    cap = b.cap;
    pcl_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    assert_int_equal(b.cap, cap);
    pcl_buf_fini(&b);
}

static void
test_pcl_buf_steal_transfers_ownership(void **state)
{
    struct pcl_buf b;
    size_t len = 0;
    char *p;
    (void)state;

    pcl_buf_init(&b, 0);
    assert_int_equal(pcl_buf_appends(&b, "stolen"), PCL_OK);
    p = pcl_buf_steal(&b, &len);
    assert_int_equal(len, 6);
    assert_string_equal(p, "stolen");
    assert_null(b.ptr);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(pcl_buf_appends(&b, "again"), PCL_OK); /* still usable */
    assert_string_equal(b.ptr, "again");
    pcl_free(p);
    pcl_buf_fini(&b);
    assert_null(pcl_buf_steal(&b, NULL));
}

static void
test_pcl_buf_fini_secure_releases(void **state)
{
    struct pcl_buf b;
    (void)state;

    pcl_buf_init(&b, 0);
    pcl_buf_fini_secure(&b); /* never allocated */
    assert_int_equal(pcl_buf_appends(&b, "sk_live_secret"), PCL_OK);
    pcl_buf_fini_secure(&b);
    assert_null(b.ptr);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void
test_pcl_buf_oom_leaves_buffer_intact(void **state)
{
    struct pcl_buf b;
    char big[512];
    (void)state;

    memset(big, 'q', sizeof(big));
    pcl_buf_init(&b, 0);
    assert_int_equal(pcl_buf_appends(&b, "keep"), PCL_OK);
    (void)pcl_alloc_fail_at(1, false);
    assert_int_equal(pcl_buf_append(&b, big, sizeof(big)), PCL_ENOMEM);
    (void)pcl_alloc_fail_at(0, false);
    assert_string_equal(b.ptr, "keep");
    assert_int_equal(b.len, 4);
    pcl_buf_fini(&b);
}

static enum pcl_rc
build_buffer(void *ctx)
{
    struct pcl_buf b;
    enum pcl_rc rc = PCL_OK;
    (void)ctx;

    pcl_buf_init(&b, 0);
    for (int i = 0; i < 200 && rc == PCL_OK; i++) {
        rc = pcl_buf_appendf(&b, "line %d of the report\n", i);
    }
    pcl_buf_fini(&b);
    return rc;
}

static void
test_pcl_buf_out_of_memory(void **state)
{
    (void)state;

    assert_true(pcl_test_oom(build_buffer, NULL, false) >= 7); /* 64 B doubling to ~5 KB */
    assert_true(pcl_test_oom(build_buffer, NULL, true) >= 7);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_buf_init_is_empty),
        cmocka_unit_test(test_pcl_buf_append_variants),
        cmocka_unit_test(test_pcl_buf_append_binary_with_nul),
        cmocka_unit_test(test_pcl_buf_grows_large),
        cmocka_unit_test(test_pcl_buf_max_limit),
        cmocka_unit_test(test_pcl_buf_max_size_max_is_clamped),
        cmocka_unit_test(test_pcl_buf_max_limit_other_entry_points),
        cmocka_unit_test(test_pcl_buf_consume_cases),
        cmocka_unit_test(test_pcl_buf_reset_keeps_capacity),
        cmocka_unit_test(test_pcl_buf_steal_transfers_ownership),
        cmocka_unit_test(test_pcl_buf_fini_secure_releases),
        cmocka_unit_test_teardown(test_pcl_buf_oom_leaves_buffer_intact, reset_hook),
        cmocka_unit_test_teardown(test_pcl_buf_out_of_memory, reset_hook),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
