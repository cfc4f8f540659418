/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/core/arena.c: alignment, accounting, the max_bytes limit, deferred
 * cleanups (order, reset, free) and out-of-memory behaviour. */
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
test_pcl_arena_alloc_alignment_and_used(void **state)
{
    static const struct {
        size_t n;
        size_t charged; /* bytes added to pcl_arena_used() */
    } cases[] = {{0, 16}, {1, 16}, {15, 16}, {16, 16}, {17, 32}, {100, 112}, {1000, 1008}};
    struct pcl_arena *a = pcl_arena_new(256, 0);
    size_t used = 0;
    (void)state;

    assert_non_null(a);
    assert_int_equal(pcl_arena_used(a), 0);
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        unsigned char *p = pcl_arena_alloc(a, cases[i].n);

        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xa5, cases[i].n); /* writable over its whole size (ASan checks) */
        used += cases[i].charged;
        assert_int_equal(pcl_arena_used(a), used);
    }
    pcl_arena_free(a);
}

static void
test_pcl_arena_alloc_distinct_across_chunks(void **state)
{
    struct pcl_arena *a = pcl_arena_new(256, 0);
    unsigned char *p[100];
    (void)state;

    assert_non_null(a);
    for (size_t i = 0; i < PCL_ARRAY_LEN(p); i++) {
        p[i] = pcl_arena_alloc(a, 40);
        assert_non_null(p[i]);
        memset(p[i], (int)i, 40);
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(p); i++) {
        for (size_t k = 0; k < 40; k++) {
            assert_int_equal(p[i][k], (unsigned char)i);
        }
    }
    pcl_arena_free(a);
}

static void
test_pcl_arena_max_bytes_limit(void **state)
{
    static const struct {
        size_t max;
        size_t sizes[4]; /* 0 ends */
        bool ok[4];
    } cases[] = {
        {64, {64, 1, 0}, {true, false}},
        {64, {48, 16, 1, 0}, {true, true, false}},
        {64, {65, 64, 0}, {false, true}},
        {100, {96, 1, 0}, {true, false}}, /* 1 rounds up to 16, 96 + 16 > 100 */
        {0, {4096, 100000, 1, 0}, {true, true, true}},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_arena *a = pcl_arena_new(256, cases[i].max);

        assert_non_null(a);
        for (size_t k = 0; k < 4 && cases[i].sizes[k] != 0; k++) {
            void *p = pcl_arena_alloc(a, cases[i].sizes[k]);

            if ((p != NULL) != cases[i].ok[k]) {
                fail_msg("case %zu, allocation %zu of %zu bytes: %s", i, k, cases[i].sizes[k],
                         p != NULL ? "succeeded" : "failed");
            }
        }
        if (cases[i].max != 0) {
            assert_true(pcl_arena_used(a) <= cases[i].max);
        }
        /* After a reset the whole budget is available again. */
        pcl_arena_reset(a);
        assert_int_equal(pcl_arena_used(a), 0);
        if (cases[i].max != 0) {
            assert_non_null(pcl_arena_alloc(a, cases[i].max - cases[i].max % 16));
        }
        pcl_arena_free(a);
    }
}

static void
test_pcl_arena_alloc_huge_fails(void **state)
{
    struct pcl_arena *a = pcl_arena_new(256, 0);
    (void)state;

    assert_non_null(a);
    assert_null(pcl_arena_alloc(a, SIZE_MAX));
    assert_null(pcl_arena_alloc(a, SIZE_MAX - 8));
    assert_int_equal(pcl_arena_used(a), 0);
    pcl_arena_free(a);
}

static void
test_pcl_arena_strndup_copies(void **state)
{
    struct pcl_arena *a = pcl_arena_new(0, 0);
    char *p;
    char *q;
    (void)state;

    assert_non_null(a);
    p = pcl_arena_strndup(a, "request-id: 42 and more", 14);
    q = pcl_arena_strndup(a, "", 0);
    assert_non_null(p);
    assert_non_null(q);
    assert_string_equal(p, "request-id: 42");
    assert_string_equal(q, "");
    assert_null(pcl_arena_strndup(a, "x", SIZE_MAX));
    pcl_arena_free(a);
}

struct trace {
    char log[32];
    size_t n;
};

struct trace_arg {
    struct trace *t;
    char tag;
};

static void
record(void *arg)
{
    struct trace_arg *ta = arg;

    ta->t->log[ta->t->n++] = ta->tag;
    ta->t->log[ta->t->n] = '\0';
}

static void
test_pcl_arena_defer_order_reset_and_free(void **state)
{
    struct trace t = {"", 0};
    struct trace_arg args[] = {{&t, 'a'}, {&t, 'b'}, {&t, 'c'}, {&t, 'd'}, {&t, 'e'}};
    struct pcl_arena *a = pcl_arena_new(256, 0);
    (void)state;

    assert_non_null(a);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(pcl_arena_defer(a, record, &args[i]), PCL_OK);
    }
    assert_string_equal(t.log, ""); /* nothing runs until reset */
    pcl_arena_reset(a);
    assert_string_equal(t.log, "cba"); /* last registered runs first */
    pcl_arena_reset(a);
    assert_string_equal(t.log, "cba"); /* each runs once */

    assert_int_equal(pcl_arena_defer(a, record, &args[3]), PCL_OK);
    assert_int_equal(pcl_arena_defer(a, record, &args[4]), PCL_OK);
    pcl_arena_free(a);
    assert_string_equal(t.log, "cbaed");
}

static void
free_heap(void *arg)
{
    pcl_free(arg);
}

static void
test_pcl_arena_defer_frees_heap(void **state)
{
    struct pcl_arena *a = pcl_arena_new(256, 0);
    char *heap = pcl_strdup("owned by the arena");
    (void)state;

    assert_non_null(a);
    assert_non_null(heap);
    assert_int_equal(pcl_arena_defer(a, free_heap, heap), PCL_OK);
    pcl_arena_free(a); /* LSan would report heap if the cleanup did not run */
}

static void
test_pcl_arena_defer_over_limit_fails(void **state)
{
    struct trace t = {"", 0};
    struct trace_arg arg = {&t, 'x'};
    struct pcl_arena *a = pcl_arena_new(256, 32);
    (void)state;

    assert_non_null(a);
    assert_non_null(pcl_arena_alloc(a, 32));
    assert_int_equal(pcl_arena_defer(a, record, &arg), PCL_ENOMEM);
    pcl_arena_free(a);
    assert_string_equal(t.log, "");
}

static void
test_pcl_arena_reset_reuses_memory(void **state)
{
    struct pcl_arena *a = pcl_arena_new(1024, 0);
    void *first;
    void *again;
    (void)state;

    assert_non_null(a);
    first = pcl_arena_alloc(a, 64);
    assert_non_null(first);
    pcl_arena_reset(a);
    assert_int_equal(pcl_arena_used(a), 0);
    /* One chunk: it is kept, so the next allocation lands where the first one did. */
    (void)pcl_alloc_fail_at(1, true);
    again = pcl_arena_alloc(a, 64);
    assert_int_equal(pcl_alloc_fail_at(0, false), 0);
    assert_ptr_equal(again, first);
    for (int i = 0; i < 100; i++) {
        assert_non_null(pcl_arena_alloc(a, 500)); /* spill into more chunks */
    }
    pcl_arena_reset(a);
    assert_int_equal(pcl_arena_used(a), 0);
    /* Spilled: one chunk of the combined size replaces them, so the same use again needs
     * no allocation at all. */
    (void)pcl_alloc_fail_at(1, true);
    assert_non_null(pcl_arena_alloc(a, 64));
    for (int i = 0; i < 100; i++) {
        assert_non_null(pcl_arena_alloc(a, 500));
    }
    assert_int_equal(pcl_alloc_fail_at(0, false), 0);
    /* The combined chunk cannot be had: the oldest chunk is kept instead. */
    pcl_arena_free(a);
    a = pcl_arena_new(1024, 0);
    assert_non_null(a);
    first = pcl_arena_alloc(a, 64);
    for (int i = 0; i < 10; i++) {
        assert_non_null(pcl_arena_alloc(a, 500));
    }
    (void)pcl_alloc_fail_at(1, false);
    pcl_arena_reset(a);
    assert_int_equal(pcl_alloc_fail_at(0, false), 1);
    (void)pcl_alloc_fail_at(1, true);
    again = pcl_arena_alloc(a, 64);
    assert_int_equal(pcl_alloc_fail_at(0, false), 0);
    assert_ptr_equal(again, first);
    /* More than PCL_ARENA_KEEP_MAX in all: the oldest chunk again, the memory goes back. */
    for (int i = 0; i < 200; i++) {
        assert_non_null(pcl_arena_alloc(a, 500));
    }
    pcl_arena_reset(a);
    (void)pcl_alloc_fail_at(1, true);
    again = pcl_arena_alloc(a, 64);
    assert_int_equal(pcl_alloc_fail_at(0, false), 0);
    assert_ptr_equal(again, first);
    pcl_arena_reset(NULL);
    pcl_arena_free(a);
    pcl_arena_free(NULL);
}

static enum pcl_rc
arena_work(void *ctx)
{
    struct pcl_arena *a;
    enum pcl_rc rc = PCL_ENOMEM;
    char *keep = NULL;
    (void)ctx;

    a = pcl_arena_new(256, 0);
    if (a == NULL) {
        return PCL_ENOMEM;
    }
    for (int i = 0; i < 10; i++) {
        if (pcl_arena_alloc(a, 200) == NULL) {
            goto out;
        }
    }
    keep = pcl_strdup("deferred");
    if (keep == NULL) {
        goto out;
    }
    rc = pcl_arena_defer(a, free_heap, keep);
    if (rc != PCL_OK) {
        pcl_free(keep);
        goto out;
    }
    if (pcl_arena_strndup(a, "tail", 4) == NULL) {
        rc = PCL_ENOMEM;
        goto out;
    }
    rc = PCL_OK;
out:
    pcl_arena_free(a);
    return rc;
}

static void
test_pcl_arena_out_of_memory(void **state)
{
    (void)state;

    assert_int_equal(pcl_test_oom(arena_work, NULL, false), 12); /* arena, 10 chunks, strdup */
    assert_int_equal(pcl_test_oom(arena_work, NULL, true), 12);
}

static void
test_pcl_arena_owns_chunks_only(void **state)
{
    struct pcl_arena *a = pcl_arena_new(256, 0);
    char *p, *q, *big;
    char local = 0;
    void *heap = pcl_malloc(16);

    (void)state;
    assert_non_null(a);
    assert_non_null(heap);
    assert_false(pcl_arena_owns(a, NULL));
    assert_false(pcl_arena_owns(NULL, heap));
    p = pcl_arena_alloc(a, 10);
    big = pcl_arena_alloc(a, 1000); /* a chunk of its own */
    q = pcl_arena_alloc(a, 10);
    assert_non_null(p);
    assert_non_null(big);
    assert_non_null(q);
    assert_true(pcl_arena_owns(a, p));
    assert_true(pcl_arena_owns(a, p + 9));
    assert_true(pcl_arena_owns(a, big + 999));
    assert_true(pcl_arena_owns(a, q));
    assert_false(pcl_arena_owns(a, heap));
    assert_false(pcl_arena_owns(a, &local));
    pcl_arena_reset(a); /* spilled: one new chunk of the combined size replaces them */
    assert_false(pcl_arena_owns(a, p));
    assert_false(pcl_arena_owns(a, big));
    q = pcl_arena_alloc(a, 1200);
    assert_non_null(q);
    assert_true(pcl_arena_owns(a, q));
    pcl_arena_free(a);
    pcl_free(heap);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_arena_alloc_alignment_and_used),
        cmocka_unit_test(test_pcl_arena_alloc_distinct_across_chunks),
        cmocka_unit_test(test_pcl_arena_max_bytes_limit),
        cmocka_unit_test(test_pcl_arena_alloc_huge_fails),
        cmocka_unit_test(test_pcl_arena_strndup_copies),
        cmocka_unit_test(test_pcl_arena_owns_chunks_only),
        cmocka_unit_test(test_pcl_arena_defer_order_reset_and_free),
        cmocka_unit_test(test_pcl_arena_defer_frees_heap),
        cmocka_unit_test(test_pcl_arena_defer_over_limit_fails),
        cmocka_unit_test_teardown(test_pcl_arena_reset_reuses_memory, reset_hook),
        cmocka_unit_test_teardown(test_pcl_arena_out_of_memory, reset_hook),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
