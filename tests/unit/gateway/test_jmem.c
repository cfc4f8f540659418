/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for jansson's arena scopes (src/gateway/jmem.c): what lands in the arena, what stays
 * on the heap (outside scopes, big blocks, a full arena), nesting, and the arena dump. */
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

static void
test_pcl_gw_json_dump_matches_jansson(void **state)
{
    static const char *const docs[] = {
        "{}",
        "[]",
        "{\"a\":1,\"b\":[true,false,null],\"c\":\"\\u00e9\\n\\\"\"}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Paris \"}}]}",
        "\"just a string\"", /* not a document: NULL, as from json_dumps */
    };
    struct pcl_arena *a = pcl_arena_new(256, 1u << 20);

    (void)state;
    assert_non_null(a);
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        json_t *j = json_loads(docs[i], JSON_DECODE_ANY, NULL);
        char *want, *got;
        size_t len;

        assert_non_null(j);
        want = json_dumps(j, JSON_COMPACT);
        got = pcl_gw_json_dump(j, a, &len);
        if (want == NULL) {
            assert_null(got);
            json_decref(j);
            continue;
        }
        assert_non_null(got);
        assert_int_equal(len, strlen(want));
        assert_string_equal(got, want);
        assert_true(pcl_arena_owns(a, got));
        free(want);
        json_decref(j);
    }
    pcl_arena_free(a);
}

static void
test_pcl_gw_json_dump_past_limit_fails(void **state)
{
    struct pcl_arena *a = pcl_arena_new(256, 300);
    char text[1000];
    json_t *j;
    size_t len = 1;

    (void)state;
    assert_non_null(a);
    memset(text, 'y', sizeof(text));
    j = json_stringn(text, sizeof(text));
    assert_non_null(j);
    assert_null(pcl_gw_json_dump(j, a, &len));
    assert_int_equal(len, 0);
    json_decref(j);
    pcl_arena_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_gw_jmem_enter_allocates_in_arena),
        cmocka_unit_test(test_pcl_gw_jmem_outside_scope_uses_heap),
        cmocka_unit_test(test_pcl_gw_jmem_big_and_full_go_to_heap),
        cmocka_unit_test(test_pcl_gw_jmem_enter_nests),
        cmocka_unit_test(test_pcl_gw_json_dump_matches_jansson),
        cmocka_unit_test(test_pcl_gw_json_dump_past_limit_fails),
    };

    return cmocka_run_group_tests(tests, install, NULL);
}
