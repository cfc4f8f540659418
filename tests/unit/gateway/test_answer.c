/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for serialising answers into evbuffers (src/gateway/answer.c): the bytes equal
 * jansson's own compact dump, across reserve boundaries, with and without an event type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gateway/evbuf_test.h"

#include <stdlib.h>

#include "answer.h"

static void
test_pcl_gw_answer_json_matches_jansson(void **state)
{
    static const size_t sizes[] = {0, 1, 4000, 4096, 9000, 70000}; /* around RESERVE_MIN */

    (void)state;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char *text = malloc(sizes[i] + 1);
        json_t *j;
        struct evbuffer *b = evbuffer_new();
        char *want, *got;

        assert_non_null(text);
        assert_non_null(b);
        for (size_t k = 0; k < sizes[i]; k++) {
            text[k] = "ab\"\\\n\x01"[k % 6]; /* escapes grow the text */
        }
        j = json_pack("{s:s%,s:[i,b,n]}", "content", text, sizes[i], "x", 7, 1);
        assert_non_null(j);
        assert_int_equal(evbuffer_add(b, "prefix|", 7), 0); /* appends, keeps what is there */
        assert_int_equal(pcl_gw_answer_json(b, j), PCL_OK);
        want = json_dumps(j, JSON_COMPACT);
        got = evbuf_take(b);
        assert_non_null(want);
        assert_memory_equal(got, "prefix|", 7);
        assert_string_equal(got + 7, want);
        free(want);
        free(got);
        json_decref(j);
        evbuffer_free(b);
        free(text);
    }
}

static void
test_pcl_gw_answer_event_lines(void **state)
{
    static const struct {
        const char *type; /* NULL = no event line */
        const char *expect;
    } cases[] = {
        {NULL, "data: {\"a\":\"b\"}\n\n"},
        {"", "data: {\"a\":\"b\"}\n\n"},
        {"response.output_text.delta",
         "event: response.output_text.delta\ndata: {\"a\":\"b\"}\n\n"},
    };
    json_t *j = json_pack("{s:s}", "a", "b");

    (void)state;
    assert_non_null(j);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct evbuffer *b = evbuffer_new();
        char *got;

        assert_non_null(b);
        assert_int_equal(pcl_gw_answer_event(b, cases[i].type,
                                             cases[i].type != NULL ? strlen(cases[i].type) : 0, j),
                         PCL_OK);
        got = evbuf_take(b);
        assert_string_equal(got, cases[i].expect);
        free(got);
        evbuffer_free(b);
    }
    json_decref(j);
}

static void
test_pcl_gw_answer_json_null_fails(void **state)
{
    struct evbuffer *b = evbuffer_new();

    (void)state;
    assert_non_null(b);
    assert_int_equal(pcl_gw_answer_json(b, NULL), PCL_ENOMEM);
    evbuffer_free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_gw_answer_json_matches_jansson),
        cmocka_unit_test(test_pcl_gw_answer_event_lines),
        cmocka_unit_test(test_pcl_gw_answer_json_null_fails),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
