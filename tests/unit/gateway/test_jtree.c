/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the gateway's JSON reader and writer (src/gateway/jtree.c): the same trees and the
 * same refusals as jansson, errors that say where, the writer's bytes equal to jansson's, and
 * the field paths of src/gateway/request.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include "inspect.h"
#include "jtree.h"

static json_t *
both(const char *text, size_t len, size_t flags)
{
    json_error_t je, ge;
    json_t *want = json_loadb(text, len, flags, &je);
    json_t *got = pcl_gw_json_parse(text, len, flags, &ge);

    if (want == NULL) {
        if (got != NULL) {
            fail_msg("jansson refuses %s (%s) but the reader accepts it", text, je.text);
        }
        json_decref(got);
        return NULL;
    }
    if (got == NULL) {
        fail_msg("jansson accepts %s but the reader refuses it: %s", text, ge.text);
    }
    assert_true(json_equal(want, got));
    json_decref(want);
    return got;
}

static void
test_reader_accepts_what_jansson_accepts(void **state)
{
    static const char *const docs[] = {
        "{}",
        "[]",
        " \t\r\n{ \"a\" : [ 1 , -2 , 3.5 , -0 , 1e3 , 1E-2 , 0.0 ] } \n",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":1}",
        "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00\"]",
        "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"]",
        "[true,false,null,{\"\":{}}]",
        "[9223372036854775807,-9223372036854775808]",
        "[1.7976931348623157e308,4.9e-324,1e-400]",
        "{\"a\":1,\"a\":2}",
        "{\"k\\u00e9y\":{\"nested\":[[[[]]]]}}",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        json_t *j = both(docs[i], strlen(docs[i]), 0);

        assert_non_null(j);
        json_decref(j);
    }
    /* a later duplicate replaces the earlier one */
    {
        json_t *j = pcl_gw_json_parse("{\"a\":1,\"a\":2}", 13, 0, NULL);

        assert_int_equal(json_integer_value(json_object_get(j, "a")), 2);
        assert_int_equal(json_object_size(j), 1);
        json_decref(j);
    }
}

static void
test_reader_refuses_what_jansson_refuses(void **state)
{
    static const char *const docs[] = {
        "",
        "   ",
        "1",
        "\"top-level string\"",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{1:2}",
        "[01]",
        "[1.]",
        "[.5]",
        "[-]",
        "[1e]",
        "[+1]",
        "[9223372036854775808]",
        "[-9223372036854775809]",
        "[1e400]",
        "[truex]",
        "[nul]",
        "[\"\\x\"]",
        "[\"\\u12\"]",
        "[\"\\u0000\"]",
        "[\"\\ud800\"]",
        "[\"\\udc00\"]",
        "[\"\\ud800\\u0041\"]",
        "[\"a\x01\"]",
        "[\"\xed\xa0\x80\"]",
        "[\"\xc0\xaf\"]",
        "[\"\xf4\x90\x80\x80\"]",
        "[\"\xe2\x82\"]",
        "[\"unterminated",
        "[1] [2]",
        "[1]x",
        "{\"a\":[1,2}",
        "\xef\xbb\xbf[1]",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        assert_null(both(docs[i], strlen(docs[i]), 0));
    }
}

static void
test_reader_flags(void **state)
{
    json_t *j;
    json_error_t e;

    (void)state;
    j = both("\"s\"", 3, JSON_DECODE_ANY);
    assert_string_equal(json_string_value(j), "s");
    json_decref(j);
    j = both(" 42 ", 4, JSON_DECODE_ANY);
    assert_int_equal(json_integer_value(j), 42);
    json_decref(j);
    assert_null(both("{\"a\":1,\"b\":{\"a\":2},\"a\":3}", 25, JSON_REJECT_DUPLICATES));
    assert_null(pcl_gw_json_parse("{\"a\":1,\"a\":2}", 13, JSON_REJECT_DUPLICATES, &e));
    assert_string_equal(e.text, "duplicate object key");
    j = both("{\"a\":1,\"b\":{\"a\":2}}", 19, JSON_REJECT_DUPLICATES);
    assert_non_null(j);
    json_decref(j);
}

/* A NUL byte outside a string is refused; jansson drops one after a number or a literal. */
static void
test_reader_refuses_nul_outside_strings(void **state)
{
    json_error_t e;

    (void)state;
    assert_null(pcl_gw_json_parse("[1\0]", 4, 0, &e));
    assert_int_equal(e.position, 2);
    assert_null(pcl_gw_json_parse("[true\0]", 7, 0, NULL));
    assert_null(pcl_gw_json_parse("[\"a\0\"]", 6, 0, NULL));
}

static void
test_reader_errors_say_where(void **state)
{
    json_error_t e;

    (void)state;
    assert_null(pcl_gw_json_parse("{\n  \"a\": 1,\n  \"b\" 2\n}", 21, 0, &e));
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 7);
    assert_int_equal(e.position, 18);
    assert_string_equal(e.text, "':' expected");
    assert_null(pcl_gw_json_parse("[\"ok\", \"bad \x01\"]", 14, 0, &e));
    assert_string_equal(e.text, "control character 0x1 in a string");
    assert_int_equal(e.position, 12);
    assert_null(pcl_gw_json_parse("[1,2", 4, 0, &e));
    assert_string_equal(e.text, "premature end of input (',' or ']' expected)");
    assert_null(pcl_gw_json_parse("[\"\xff\"]", 4, 0, &e));
    assert_string_equal(e.text, "unable to decode byte 0xff (not UTF-8)");
}

static void
test_reader_depth_limit(void **state)
{
    size_t n = PCL_GW_JTREE_MAX_DEPTH + 1;
    char *deep = malloc(2 * n);
    json_error_t e;
    json_t *j;

    (void)state;
    assert_non_null(deep);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    assert_null(pcl_gw_json_parse(deep, 2 * n, 0, &e));
    assert_string_equal(e.text, "maximum parsing depth reached (2048)");
    assert_null(json_loadb(deep, 2 * n, 0, NULL));
    /* one level less is fine, for both */
    j = both(deep + 1, 2 * n - 2, 0);
    assert_non_null(j);
    json_decref(j);
    free(deep);
}

static int
collect(const char *s, size_t n, void *data)
{
    return pcl_buf_append(data, s, n) == PCL_OK ? 0 : -1;
}

static void
check_dump(json_t *j)
{
    char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    struct pcl_buf out;

    assert_non_null(want);
    pcl_buf_init(&out, 0);
    assert_int_equal(pcl_gw_json_dump(j, collect, &out), 0);
    assert_int_equal(out.len, strlen(want));
    assert_memory_equal(out.ptr, want, out.len);
    pcl_buf_fini(&out);
    free(want);
}

static void
test_writer_matches_jansson(void **state)
{
    static const char *const docs[] = {
        "{\"b\":1,\"a\":[true,false,null],\"c\":{\"d\":\"e\"},\"\":[]}",
        "[\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f \xc3\xa9\xf0\x9f\x98\x80\"]",
        "[0.7,1.0,-0.0,1e300,1.5e-7,123456789.125,0.1,3.14159]",
        "[-9223372036854775808,9223372036854775807,0,-1]",
    };
    json_t *big;
    char *s = malloc(10000);

    (void)state;
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        json_t *j = pcl_gw_json_parse(docs[i], strlen(docs[i]), 0, NULL);

        assert_non_null(j);
        check_dump(j);
        json_decref(j);
    }
    /* a string longer than the writer's buffer, with escapes across its edge */
    assert_non_null(s);
    for (size_t i = 0; i < 9999; i++) {
        s[i] = i % 97 == 0 ? '\n' : (char)('a' + i % 26);
    }
    s[9999] = '\0';
    big = json_pack("{s:s,s:[s,i]}", "text", s, "more", s, 7);
    assert_non_null(big);
    check_dump(big);
    json_decref(big);
    free(s);
}

static void
test_writer_refuses_invalid_utf8(void **state)
{
    json_t *j = json_stringn_nocheck("\xff", 1);
    struct pcl_buf out;

    (void)state;
    pcl_buf_init(&out, 0);
    assert_int_equal(pcl_gw_json_dump(j, collect, &out), -1);
    pcl_buf_fini(&out);
    json_decref(j);
}

static void
test_pcl_gw_path(void **state)
{
    char out[16];

    (void)state;
    assert_int_equal(pcl_gw_path(out, sizeof(out), "messages", 3, ".role"), 15);
    assert_string_equal(out, "messages[3].rol");
    assert_int_equal(pcl_gw_path(out, sizeof(out), "input", PCL_GW_NO_INDEX, NULL), 5);
    assert_string_equal(out, "input");
    assert_int_equal(pcl_gw_path(out, sizeof(out), "a", 1234567, NULL), 10);
    assert_string_equal(out, "a[1234567]");
    assert_int_equal(pcl_gw_path(out, 1, "abc", 1, "x"), 0);
    assert_string_equal(out, "");
}

static int
collect_splice(const char *s, size_t n, void *data)
{
    return pcl_buf_append(data, s, n) == PCL_OK ? 0 : -1;
}

static void
test_tokens_shape_and_lookup(void **state)
{
    static const char doc[] =
        "{\"id\":\"c1\", \"choices\":[{\"index\":3,\"delta\":{\"content\":\"a\\\"b\\u00e9\"}}],"
        "\"n\":-9223372036854775808,\"x\":[1.5,true,null],\"k\\u0065y\":1,\"id\":\"c2\"}";
    struct pcl_gw_jtok t[64];
    struct pcl_buf sc;
    size_t n, ch, c0, d, x, idx;
    const char *p;
    size_t len;

    (void)state;
    assert_int_equal(pcl_gw_jtok_parse(doc, strlen(doc), t, 64, &n, NULL), 0);
    assert_int_equal(t[0].type, JSON_OBJECT);
    assert_int_equal(t[0].count, 6);
    assert_int_equal(t[0].skip, n);
    assert_int_equal(t[0].end, strlen(doc));
    ch = pcl_gw_jtok_get(doc, t, 0, "choices");
    assert_int_equal(t[ch].type, JSON_ARRAY);
    assert_int_equal(t[ch].count, 1);
    c0 = ch + 1;
    idx = pcl_gw_jtok_get(doc, t, c0, "index");
    assert_int_equal(pcl_gw_jtok_int(doc, &t[idx]), 3);
    d = pcl_gw_jtok_get(doc, t, c0, "delta");
    x = pcl_gw_jtok_get(doc, t, d, "content");
    assert_int_equal(t[x].type, JSON_STRING);
    pcl_buf_init(&sc, 0);
    assert_int_equal(pcl_gw_jtok_str(doc, &t[x], &sc, &p, &len), 0);
    assert_int_equal(len, 5);
    assert_memory_equal(p, "a\"b\xc3\xa9", 5);
    /* the later of two equal keys, as jansson keeps; an escaped key matches its text */
    assert_int_equal(pcl_gw_jtok_str(doc, &t[pcl_gw_jtok_get(doc, t, 0, "id")], &sc, &p, &len), 0);
    assert_memory_equal(p, "c2", 2);
    assert_int_not_equal(pcl_gw_jtok_get(doc, t, 0, "key"), 0);
    assert_int_equal(pcl_gw_jtok_int(doc, &t[pcl_gw_jtok_get(doc, t, 0, "n")]), INT64_MIN);
    assert_int_equal(t[pcl_gw_jtok_get(doc, t, 0, "x") + 1].type, JSON_REAL);
    assert_int_equal(pcl_gw_jtok_get(doc, t, 0, "absent"), 0);
    {
        static const char *const keys[] = {"id", "choices", "absent"};
        size_t v[3];

        /* "id" twice, "choices" once; each found at its last occurrence */
        assert_int_equal(pcl_gw_jtok_getv(doc, t, 0, keys, v, 3), 3);
        assert_int_equal(v[0], pcl_gw_jtok_get(doc, t, 0, "id"));
        assert_int_equal(v[1], ch);
        assert_int_equal(v[2], 0);
    }
    assert_int_equal(pcl_gw_jtok_get(doc, t, ch, "index"), 0); /* not an object */
    pcl_buf_fini(&sc);
}

static void
test_tokens_refuse_and_overflow(void **state)
{
    struct pcl_gw_jtok t[8];
    json_error_t e;
    size_t n;
    char deep[200];

    (void)state;
    assert_int_equal(pcl_gw_jtok_parse("{\"a\":[1,]}", 10, t, 8, &n, &e), -1);
    assert_int_equal(e.position, 8);
    assert_int_equal(pcl_gw_jtok_parse("[\"\\ud800\"]", 10, t, 8, &n, NULL), -1);
    assert_int_equal(pcl_gw_jtok_parse("\"s\"", 3, t, 8, &n, NULL), -1);
    assert_int_equal(pcl_gw_jtok_parse("[1,2,3,4,5,6,7,8]", 17, t, 8, &n, NULL), 1);
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    assert_int_equal(pcl_gw_jtok_parse(deep, 200, t, 8, &n, NULL), 1);
}

/* The tokenizer's fast loop gives the general loop's tokens and verdicts, at every capacity
 * from too small to enough. */
static void
test_tokens_fast_loop_matches_reference(void **state)
{
    static const char *const docs[] = {
        "{}",
        "[]",
        " \t\r\n{ \"a\" : [ 1 , -2 , 3.5 , -0 , 1e3 , 1E-2 , 0.0 ] } \n",
        "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
        "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Paris \"},\"logprobs\":null,"
        "\"finish_reason\":null}]}",
        "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00\"]",
        "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"]",
        "[\"a string longer than sixteen bytes, with \\\" an escape past them\"]",
        "[true,false,null,{\"\":{}},[[]],{\"a\":[]}]",
        "[9223372036854775807,-9223372036854775808,123456789012345678,1234567890123456789]",
        "[0,-0,10,-10,0.5,-0.5e-3,1E+2]",
        "[1.7976931348623157e308,4.9e-324,1e-400]",
        "{\"a\":1,\"a\":2}",
        "{\"k\\u00e9y\":{\"nested\":[[[[]]]]}}",
        /* refused */
        "",
        "1",
        "\"s\"",
        "[01]",
        "[-]",
        "[1.]",
        "[1e]",
        "[9223372036854775808]",
        "[-9223372036854775809]",
        "[1e400]",
        "[tru]",
        "[nul]",
        "[falsey]",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "[1,]",
        "[1 2]",
        "{\"a\":1]",
        "[\"\x01\"]",
        "[\"\xff\"]",
        "[\"\\u0000\"]",
        "[\"\\ud800\"]",
        "[\"\\x\"]",
        "[\"open",
        "[1]\x01",
        "[1] x",
        "[\x0b1]",
        "{\"a\":1",
    };
    struct pcl_gw_jtok t[64], ref[64];
    json_error_t e, eref;

    (void)state;
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        for (size_t cap = 1; cap <= 64; cap++) {
            size_t n = 99, nref = 99;
            int rc = pcl_gw_jtok_parse(docs[i], strlen(docs[i]), t, cap, &n, &e);
            int rcref = pcl_gw_jtok_parse_ref(docs[i], strlen(docs[i]), ref, cap, &nref, &eref);

            if (rc != rcref || n != nref) {
                fail_msg("%s at capacity %zu: %d with %zu tokens, the reference %d with %zu",
                         docs[i], cap, rc, n, rcref, nref);
            }
            assert_memory_equal(t, ref, n * sizeof(*t));
            if (rc == -1) {
                assert_int_equal(e.position, eref.position);
                assert_string_equal(e.text, eref.text);
            }
        }
    }
    /* every refused document above is refused, every other one taken at capacity 64 */
    {
        size_t n;

        assert_int_equal(pcl_gw_jtok_parse(docs[3], strlen(docs[3]), t, 64, &n, NULL), 0);
        assert_int_equal(n, 20);
        assert_int_equal(pcl_gw_jtok_parse("[01]", 4, t, 64, &n, NULL), -1);
        assert_int_equal(pcl_gw_jtok_parse("[1234567890123456789]", 21, t, 64, &n, NULL), 0);
        assert_int_equal(pcl_gw_jtok_int("[1234567890123456789]", &t[1]), 1234567890123456789LL);
    }
}

static void
test_splice_edits(void **state)
{
    static const char doc[] = "{\"a\":\"x\",\"usage\":{\"p\":1},\"b\":[]}";
    struct pcl_gw_jedit e[3] = {
        {.start = 30, .end = 30, .repl = "1", .len = 1}, /* insert into "b" */
        {.start = 5, .end = 8, .repl = "\"yy\"", .len = 4},
        {.start = 8, .end = 24}, /* ",\"usage\":{...}" */
    };
    struct pcl_buf out;

    (void)state;
    pcl_buf_init(&out, 0);
    assert_int_equal(pcl_gw_jtok_splice(doc, strlen(doc), e, 3, collect_splice, &out), 0);
    assert_string_equal(out.ptr, "{\"a\":\"yy\",\"b\":[1]}");
    out.len = 0;
    e[0] = (struct pcl_gw_jedit){.start = 4, .end = 9};
    e[1] = (struct pcl_gw_jedit){.start = 8, .end = 10}; /* overlaps */
    assert_int_equal(pcl_gw_jtok_splice(doc, strlen(doc), e, 2, collect_splice, &out), -1);
    e[0] = (struct pcl_gw_jedit){.start = 4, .end = 99}; /* past the end */
    assert_int_equal(pcl_gw_jtok_splice(doc, strlen(doc), e, 1, collect_splice, &out), -1);
    pcl_buf_fini(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_accepts_what_jansson_accepts),
        cmocka_unit_test(test_reader_refuses_what_jansson_refuses),
        cmocka_unit_test(test_reader_flags),
        cmocka_unit_test(test_reader_refuses_nul_outside_strings),
        cmocka_unit_test(test_reader_errors_say_where),
        cmocka_unit_test(test_reader_depth_limit),
        cmocka_unit_test(test_writer_matches_jansson),
        cmocka_unit_test(test_writer_refuses_invalid_utf8),
        cmocka_unit_test(test_pcl_gw_path),
        cmocka_unit_test(test_tokens_shape_and_lookup),
        cmocka_unit_test(test_tokens_refuse_and_overflow),
        cmocka_unit_test(test_tokens_fast_loop_matches_reference),
        cmocka_unit_test(test_splice_edits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
