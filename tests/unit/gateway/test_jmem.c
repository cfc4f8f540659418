/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for jansson's arena scopes (src/gateway/jmem.c): what lands in the arena, what stays
 * on the heap (outside scopes, big blocks, a full arena), and nesting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include "jmem.h"

static int
install(void **state)
{
    (void)state;
    pcl_gw_jmem_install();
    return 0;
}

static void
test_pcl_gw_jmem_enter_allocates_in_arena(void **state)
{
    struct pcl_arena *a = pcl_arena_new(4096, 1u << 20);
    struct pcl_arena *prev;
    json_t *j;

    (void)state;
    assert_non_null(a);
    prev = pcl_gw_jmem_enter(a);
    assert_null(prev);
    j = json_loads("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 0,
                   NULL);
    assert_non_null(j);
    assert_true(pcl_arena_owns(a, j));
    assert_true(pcl_arena_owns(a, json_string_value(json_object_get(j, "model"))));
    assert_true(pcl_arena_used(a) > 0);
    json_decref(j); /* arena parts: no-op */
    pcl_gw_jmem_leave(prev);
    pcl_arena_free(a);
}

static void
test_pcl_gw_jmem_outside_scope_uses_heap(void **state)
{
    struct pcl_arena *a = pcl_arena_new(4096, 1u << 20);
    struct pcl_arena *prev;
    json_t *j;

    (void)state;
    assert_non_null(a);
    prev = pcl_gw_jmem_enter(a);
    pcl_gw_jmem_leave(prev);
    j = json_pack("{s:s}", "k", "v");
    assert_non_null(j);
    assert_false(pcl_arena_owns(a, j));
    assert_int_equal(pcl_arena_used(a), 0);
    json_decref(j); /* heap: freed (the leak check would see it otherwise) */
    pcl_arena_free(a);
}

static void
test_pcl_gw_jmem_big_and_full_go_to_heap(void **state)
{
    static const struct {
        size_t arena_max; /* limit of the scope's arena */
        size_t text;      /* length of the string value */
        bool in_arena;    /* where the string's bytes land */
    } cases[] = {
        {1u << 20, 100, true},
        {1u << 20, PCL_GW_JMEM_BIG + 1, false}, /* big block: heap */
        {512, 2000, false},                     /* the arena is full: heap */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pcl_arena *a = pcl_arena_new(256, cases[i].arena_max);
        char *text = malloc(cases[i].text);
        struct pcl_arena *prev;
        json_t *j;

        assert_non_null(a);
        assert_non_null(text);
        memset(text, 'x', cases[i].text);
        prev = pcl_gw_jmem_enter(a);
        j = json_pack("{s:s%}", "content", text, cases[i].text);
        assert_non_null(j);
        assert_int_equal(json_string_length(json_object_get(j, "content")), cases[i].text);
        assert_true(pcl_arena_owns(a, json_string_value(json_object_get(j, "content"))) ==
                    cases[i].in_arena);
        json_decref(j); /* heap parts are freed in the scope */
        pcl_gw_jmem_leave(prev);
        pcl_arena_free(a);
        free(text);
    }
}

static void
test_pcl_gw_jmem_enter_nests(void **state)
{
    struct pcl_arena *a = pcl_arena_new(4096, 0), *b = pcl_arena_new(4096, 0);
    struct pcl_arena *pa, *pb;
    json_t *ja, *jb;

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    pa = pcl_gw_jmem_enter(a);
    pb = pcl_gw_jmem_enter(b);
    assert_ptr_equal(pb, a);
    jb = json_integer(1);
    assert_true(pcl_arena_owns(b, jb));
    pcl_gw_jmem_leave(pb);
    ja = json_integer(2);
    assert_true(pcl_arena_owns(a, ja));
    pcl_gw_jmem_leave(pa);
    pcl_arena_free(a);
    pcl_arena_free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_gw_jmem_enter_allocates_in_arena),
        cmocka_unit_test(test_pcl_gw_jmem_outside_scope_uses_heap),
        cmocka_unit_test(test_pcl_gw_jmem_big_and_full_go_to_heap),
        cmocka_unit_test(test_pcl_gw_jmem_enter_nests),
    };

    return cmocka_run_group_tests(tests, install, NULL);
}
