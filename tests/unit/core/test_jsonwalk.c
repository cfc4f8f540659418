/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the JSON/JSONL walker, raw offset maps and the rewriter (src/core/jsonwalk.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <portcullis/formats.h>

struct collect {
    const char *input;
    size_t input_len;
    struct pcl_buf out;  /* "K path=value|" per callback; K is S, K(ey) or N */
    struct pcl_buf warn; /* warnings, one per line */
    size_t stop_after;   /* fail on this callback (1-based); 0 = never */
    size_t n;
    bool quiet;
};

static enum pcl_rc
on_value(void *arg, const struct pcl_json_value *v, struct pcl_err *err)
{
    struct collect *c = arg;
    static const char kinds[] = {'S', 'K', 'N'};

    c->n++;
    if (c->stop_after != 0 && c->n == c->stop_after) {
        return pcl_err_set(err, PCL_EINVAL, "test: stop at value %zu", c->n);
    }
    if (c->quiet) {
        return PCL_OK;
    }
    assert_true(v->raw_start < v->raw_end && v->raw_end <= c->input_len);
    assert_int_equal(v->ptr[v->len], '\0');
    assert_int_equal(v->path[v->path_len], '\0');
    if (v->kind != PCL_JSON_NUMBER) {
        assert_int_equal(c->input[v->raw_start], '"');
        assert_int_equal(c->input[v->raw_end - 1], '"');
        assert_int_equal(v->map.base, v->raw_start + 1);
    }
    /* each decoded byte maps onto itself or onto the backslash of its escape */
    for (size_t i = 0; i < v->len; i++) {
        uint64_t off = pcl_rawmap_offset(&v->map, i);

        assert_true(off >= v->raw_start && off < v->raw_end);
        assert_true(c->input[off] == v->ptr[i] || c->input[off] == '\\');
    }
    assert_int_equal(pcl_rawmap_offset(&v->map, v->len),
                     v->kind == PCL_JSON_NUMBER ? v->raw_end : v->raw_end - 1);
    assert_int_equal(pcl_buf_appendf(&c->out, "%c %s=", kinds[v->kind], v->path), PCL_OK);
    assert_int_equal(pcl_buf_append(&c->out, v->ptr, v->len), PCL_OK);
    assert_int_equal(pcl_buf_appendc(&c->out, '|'), PCL_OK);
    return PCL_OK;
}

static void
on_warn(void *arg, const char *msg)
{
    struct collect *c = arg;

    if (c->quiet) {
        return;
    }
    assert_int_equal(pcl_buf_appends(&c->warn, msg), PCL_OK);
    assert_int_equal(pcl_buf_appendc(&c->warn, '\n'), PCL_OK);
}

static void
collect_init(struct collect *c, const char *input, size_t len)
{
    memset(c, 0, sizeof(*c));
    c->input = input;
    c->input_len = len;
    pcl_buf_init(&c->out, 0);
    pcl_buf_init(&c->warn, 0);
}

static void
collect_fini(struct collect *c)
{
    pcl_buf_fini(&c->out);
    pcl_buf_fini(&c->warn);
}

static const char *
str(const struct pcl_buf *b)
{
    return b->ptr != NULL ? b->ptr : "";
}

static const struct {
    const char *name;
    const char *input;
    bool keys_numbers;
    const char *values;
} cases[] = {
    {"nested", "{\"users\":[{\"email\":\"a@b.c\",\"n\":1},{\"email\":\"d@e.f\"}]}", false,
     "S users[].email=a@b.c|S users[].email=d@e.f|"},
    {"escapes", "{\"s\":\"a\\nb\\\"c\\\\d\\/e\\t\"}", false, "S s=a\nb\"c\\d/e\t|"},
    {"unicode", "[\"caf\\u00e9\",\"\\ud83d\\ude00\",\"x\\ud800y\"]", false,
     "S []=caf\xc3\xa9|S []=\xf0\x9f\x98\x80|S []=x\xef\xbf\xbdy|"},
    {"raw utf8 passes through", "[\"\xc3\xa9t\xc3\xa9\"]", false, "S []=\xc3\xa9t\xc3\xa9|"},
    {"dotted key", "{\"a.b\":{\"c\":\"x\"}}", false, "S [\"a.b\"].c=x|"},
    {"bracket key", "{\"x\":{\"a[0]\":\"v\",\"q\\\"k\":\"w\"}}", false,
     "S x[\"a[0]\"]=v|S x[\"q\\\"k\"]=w|"},
    {"empty key", "{\"\":\"v\"}", false, "S [\"\"]=v|"},
    {"root string", "  \"hi\"  ", false, "S =hi|"},
    {"nested arrays", "[[\"a\"],[[\"b\"]]]", false, "S [][]=a|S [][][]=b|"},
    {"path restored after close", "{\"a\":{\"b\":[1,{\"c\":\"x\"}]},\"d\":\"y\"}", false,
     "S a.b[].c=x|S d=y|"},
    {"keys and numbers", "{\"k\":-12.5e+3,\"t\":true,\"z\":null,\"o\":{\"i\":0}}", true,
     "K k=k|N k=-12.5e+3|K t=t|K z=z|K o=o|K o.i=i|N o.i=0|"},
    {"empty containers", "{\"a\":[],\"b\":{},\"c\":\"x\"}", false, "S c=x|"},
    {"bom", "\xef\xbb\xbf[\"x\"]", false, "S []=x|"},
    {"empty input", " \n ", false, ""},
};

static void
test_pcl_json_walk_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct collect c;
        struct pcl_json_walk_opts o = {.keys = cases[k].keys_numbers,
                                       .numbers = cases[k].keys_numbers,
                                       .on_value = on_value,
                                       .arg = &c};
        struct pcl_err err = {0};
        size_t len = strlen(cases[k].input);

        collect_init(&c, cases[k].input, len);
        if (pcl_json_walk(cases[k].input, len, &o, NULL, &err) != PCL_OK) {
            fail_msg("case %s: %s", cases[k].name, err.msg);
        }
        if (strcmp(str(&c.out), cases[k].values) != 0) {
            fail_msg("case %s: got \"%s\"", cases[k].name, str(&c.out));
        }
        collect_fini(&c);
    }
}

static const struct {
    const char *input;
    enum pcl_rc rc;
    const char *msg;
} error_cases[] = {
    {"{\n  \"a\": 1\n  \"b\": 2\n}", PCL_EINVAL,
     "in.json: line 3, column 3 (offset 13): expected ',' or '}'"},
    {"{\"a\":1,}", PCL_EINVAL, "in.json: line 1, column 8 (offset 7): expected '\"'"},
    {"[1,]", PCL_EINVAL, "in.json: line 1, column 4 (offset 3): expected value"},
    {"[1 2]", PCL_EINVAL, "in.json: line 1, column 4 (offset 3): expected ',' or ']'"},
    {"{\"a\" 1}", PCL_EINVAL, "in.json: line 1, column 6 (offset 5): expected ':'"},
    {"{1:2}", PCL_EINVAL, "in.json: line 1, column 2 (offset 1): expected '\"' or '}'"},
    {"[\"a\\x\"]", PCL_EINVAL, "in.json: line 1, column 4 (offset 3): invalid escape in string"},
    {"[\"\\u12g4\"]", PCL_EINVAL, "in.json: line 1, column 3 (offset 2): invalid \\u escape"},
    {"[\"a\tb\"]", PCL_EINVAL, "in.json: line 1, column 4 (offset 3): control character in string"},
    {"\n[\"abc", PCL_EINVAL, "in.json: line 2, column 2 (offset 2): unterminated string"},
    {"1 2", PCL_EINVAL, "in.json: line 1, column 3 (offset 2): unexpected data after value"},
    {"01", PCL_EINVAL, "in.json: line 1, column 2 (offset 1): unexpected data after value"},
    {"[-]", PCL_EINVAL, "in.json: line 1, column 2 (offset 1): invalid number"},
    {"[1.]", PCL_EINVAL, "in.json: line 1, column 4 (offset 3): invalid number"},
    {"[tru]", PCL_EINVAL, "in.json: line 1, column 2 (offset 1): invalid literal"},
    {"[", PCL_EINVAL,
     "in.json: line 1, column 2 (offset 1): unexpected end of input, expected value"},
    {"{\"a\":[}", PCL_EINVAL, "in.json: line 1, column 7 (offset 6): expected value"},
};

static void
test_pcl_json_walk_syntax_errors(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(error_cases) / sizeof(error_cases[0]); k++) {
        struct collect c;
        struct pcl_json_walk_opts o = {.name = "in.json", .on_value = on_value, .arg = &c};
        struct pcl_err err = {0};
        const char *in = error_cases[k].input;

        collect_init(&c, in, strlen(in));
        assert_int_equal(pcl_json_walk(in, strlen(in), &o, NULL, &err), error_cases[k].rc);
        assert_string_equal(err.msg, error_cases[k].msg);
        collect_fini(&c);
    }
}

static void
test_pcl_json_walk_depth_limit(void **state)
{
    char deep[1100];
    struct collect c;
    struct pcl_json_walk_opts o = {.on_value = on_value, .arg = &c};
    struct pcl_err err = {0};

    (void)state;
    /* 512 levels are fine */
    memset(deep, '[', 512);
    memset(deep + 512, ']', 512);
    collect_init(&c, deep, 1024);
    assert_int_equal(pcl_json_walk(deep, 1024, &o, NULL, &err), PCL_OK);
    /* 513 are not */
    memset(deep, '[', 513);
    memset(deep + 513, ']', 513);
    c.input_len = 1026;
    assert_int_equal(pcl_json_walk(deep, 1026, &o, NULL, &err), PCL_ELIMIT);
    assert_string_equal(err.msg, "json: line 1, column 513 (offset 512): nesting deeper than 512");
    /* and a configured limit */
    o.max_depth = 3;
    assert_int_equal(pcl_json_walk("[[[[1]]]]", 9, &o, NULL, &err), PCL_ELIMIT);
    collect_fini(&c);
}

static void
test_pcl_json_walk_jsonl_bad_line_continues(void **state)
{
    const char *in = "{\"a\":\"x\"}\n{bad}\n\n  \r\n{\"a\":[\"y\"]}\r\n[\"z\"] junk\n\"w\"";
    struct collect c;
    struct pcl_json_walk_opts o = {
        .jsonl = true, .on_value = on_value, .on_warn = on_warn, .arg = &c};
    struct pcl_json_walk_stats st;
    struct pcl_err err = {0};

    (void)state;
    collect_init(&c, in, strlen(in));
    assert_int_equal(pcl_json_walk(in, strlen(in), &o, &st, &err), PCL_OK);
    assert_string_equal(str(&c.out), "S a=x|S a[]=y|S []=z|S =w|");
    assert_string_equal(str(&c.warn),
                        "json: line 2, column 2 (offset 11): expected '\"' or '}'\n"
                        "json: line 6, column 7 (offset 40): unexpected data after value\n");
    assert_int_equal(st.records, 5);
    assert_int_equal(st.bad_lines, 2);
    assert_int_equal(st.values, 4);
    collect_fini(&c);
}

static void
on_bad_line(void *arg, size_t start, size_t end)
{
    struct collect *c = arg;

    assert_int_equal(pcl_buf_appendf(&c->out, "bad %zu-%zu|", start, end), PCL_OK);
}

/* A block cut from a larger file: messages and values count lines and offsets from where the
 * block starts, and each bad line is handed back as a range of the block. */
static void
test_pcl_json_walk_jsonl_block_of_a_file(void **state)
{
    const char *in = "{\"a\":\"x\"}\n{bad}\r\n[\"z\"] junk";
    struct collect c;
    struct pcl_json_walk_opts o = {.jsonl = true,
                                   .first_line = 1001,
                                   .base_offset = 50000,
                                   .on_value = on_value,
                                   .on_warn = on_warn,
                                   .on_bad_line = on_bad_line,
                                   .arg = &c};
    struct pcl_json_walk_stats st;
    struct pcl_err err = {0};

    (void)state;
    collect_init(&c, in, strlen(in));
    assert_int_equal(pcl_json_walk(in, strlen(in), &o, &st, &err), PCL_OK);
    /* the third line's value comes before its error; a range keeps a "\r" but not the "\n" */
    assert_string_equal(str(&c.out), "S a=x|bad 10-16|S []=z|bad 17-27|");
    assert_string_equal(str(&c.warn),
                        "json: line 1002, column 2 (offset 50011): expected '\"' or '}'\n"
                        "json: line 1003, column 7 (offset 50023): unexpected data after value\n");
    assert_int_equal(st.bad_lines, 2);
    collect_fini(&c);
}

static void
test_pcl_json_walk_callback_error_stops_jsonl(void **state)
{
    const char *in = "[\"a\"]\n[\"b\"]\n[\"c\"]\n";
    struct collect c;
    struct pcl_json_walk_opts o = {.jsonl = true, .on_value = on_value, .arg = &c};
    struct pcl_err err = {0};

    (void)state;
    collect_init(&c, in, strlen(in));
    c.stop_after = 2;
    assert_int_equal(pcl_json_walk(in, strlen(in), &o, NULL, &err), PCL_EINVAL);
    assert_string_equal(err.msg, "test: stop at value 2");
    assert_int_equal(c.n, 2);
    collect_fini(&c);
}

/* The value "a\u00e9\nb" -> decoded a C3 A9 0A 62; raw content a \u00e9 \n b. */
static const struct {
    size_t start, end; /* decoded span */
    uint64_t raw_start, raw_end;
} span_cases[] = {
    {0, 1, 2, 3},   /* "a" */
    {1, 3, 3, 9},   /* both bytes of the e-acute: the whole \u00e9 */
    {2, 3, 3, 9},   /* half of it still widens to the whole escape */
    {3, 4, 9, 11},  /* the newline: \n */
    {4, 5, 11, 12}, /* "b" */
    {0, 5, 2, 12},  /* everything */
    {5, 5, 12, 12}, /* empty span at the end */
};

static enum pcl_rc
check_spans(void *arg, const struct pcl_json_value *v, struct pcl_err *err)
{
    (void)arg;
    (void)err;
    assert_int_equal(v->len, 5);
    assert_memory_equal(v->ptr, "a\xc3\xa9\nb", 5);
    assert_int_equal(v->raw_start, 1);
    assert_int_equal(v->raw_end, 13);
    for (size_t k = 0; k < sizeof(span_cases) / sizeof(span_cases[0]); k++) {
        uint64_t rs;
        uint64_t re;

        pcl_rawmap_span(&v->map, span_cases[k].start, span_cases[k].end, &rs, &re);
        assert_int_equal(rs, span_cases[k].raw_start);
        assert_int_equal(re, span_cases[k].raw_end);
    }
    return PCL_OK;
}

static void
test_pcl_rawmap_span_widens_to_escapes(void **state)
{
    const char *in = "[\"a\\u00e9\\nb\"]";
    struct pcl_json_walk_opts o = {.on_value = check_spans};
    struct pcl_err err = {0};

    (void)state;
    assert_int_equal(pcl_json_walk(in, strlen(in), &o, NULL, &err), PCL_OK);
}

static const struct {
    const char *name;
    const char *input;
    struct pcl_json_edit edits[3];
    size_t nedits;
    const char *output;
} rewrite_cases[] = {
    {"whole literal",
     "{ \"e\" : \"bob@x.com\",\n  \"n\": 1 }\n",
     {{8, 19, "[EMAIL]", 7}},
     1,
     "{ \"e\" : \"[EMAIL]\",\n  \"n\": 1 }\n"},
    {"content range", "[\"mail bob@x.com now\"]", {{7, 16, "<E>", 3}}, 1, "[\"mail <E> now\"]"},
    {"replacement is escaped",
     "[\"x\", \"y\"]",
     {{1, 4, "say \"hi\"\n", 9}, {6, 9, "\\", 1}},
     2,
     "[\"say \\\"hi\\\"\\n\", \"\\\\\"]"},
    {"jsonl keeps lines",
     "{\"a\":\"1\"}\r\n{\"a\":\"2\"}\n",
     {{5, 8, "", 0}, {16, 19, "z", 1}},
     2,
     "{\"a\":\"\"}\r\n{\"a\":\"z\"}\n"},
    {"no edits", "[1, 2]", {{0, 0, NULL, 0}}, 0, "[1, 2]"},
};

static void
test_pcl_json_rewrite_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(rewrite_cases) / sizeof(rewrite_cases[0]); k++) {
        struct pcl_buf out;
        struct pcl_err err = {0};
        const char *in = rewrite_cases[k].input;

        pcl_buf_init(&out, 0);
        if (pcl_json_rewrite(in, strlen(in), rewrite_cases[k].edits, rewrite_cases[k].nedits, &out,
                             &err) != PCL_OK) {
            fail_msg("case %s: %s", rewrite_cases[k].name, err.msg);
        }
        if (strcmp(str(&out), rewrite_cases[k].output) != 0) {
            fail_msg("case %s: got \"%s\"", rewrite_cases[k].name, str(&out));
        }
        pcl_buf_fini(&out);
    }
}

static void
test_pcl_json_rewrite_rejects_bad_edits(void **state)
{
    const char *in = "[\"ab\", \"cd\"]";
    const struct pcl_json_edit unsorted[] = {{7, 11, "x", 1}, {1, 5, "y", 1}};
    const struct pcl_json_edit outside[] = {{7, 99, "x", 1}};
    const struct pcl_json_edit half[] = {{1, 4, "x", 1}};
    struct pcl_buf out;
    struct pcl_err err = {0};

    (void)state;
    pcl_buf_init(&out, 0);
    assert_int_equal(pcl_json_rewrite(in, strlen(in), unsorted, 2, &out, &err), PCL_EINVAL);
    assert_int_equal(pcl_json_rewrite(in, strlen(in), outside, 1, &out, &err), PCL_EINVAL);
    assert_int_equal(pcl_json_rewrite(in, strlen(in), half, 1, &out, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "not a whole string literal"));
    pcl_buf_fini(&out);
    pcl_buf_init(&out, 8);
    assert_int_equal(pcl_json_rewrite(in, strlen(in), NULL, 0, &out, &err), PCL_ELIMIT);
    pcl_buf_fini(&out);
}

/* Redaction round trip: walk, replace every email-looking value, walk the output again. */
struct redact_ctx {
    struct pcl_json_edit edits[8];
    size_t n;
};

static enum pcl_rc
collect_edit(void *arg, const struct pcl_json_value *v, struct pcl_err *err)
{
    struct redact_ctx *r = arg;
    const char *at = memchr(v->ptr, '@', v->len);

    (void)err;
    if (at != NULL && r->n < 8) {
        r->edits[r->n].raw_start = v->raw_start;
        r->edits[r->n].raw_end = v->raw_end;
        r->edits[r->n].repl = "<EMAIL>";
        r->edits[r->n].repl_len = 7;
        r->n++;
    }
    return PCL_OK;
}

static void
test_pcl_json_rewrite_round_trip(void **state)
{
    const char *in = "{\"to\":\"a\\u0040b.c\",\"cc\":[\"x\",\"y@z\"]}\n{\"to\":\"q\"}\n";
    struct redact_ctx r;
    struct pcl_json_walk_opts o = {.jsonl = true, .on_value = collect_edit, .arg = &r};
    struct pcl_buf out;
    struct pcl_err err = {0};

    (void)state;
    memset(&r, 0, sizeof(r));
    pcl_buf_init(&out, 0);
    assert_int_equal(pcl_json_walk(in, strlen(in), &o, NULL, &err), PCL_OK);
    assert_int_equal(r.n, 2);
    assert_int_equal(pcl_json_rewrite(in, strlen(in), r.edits, r.n, &out, &err), PCL_OK);
    assert_string_equal(out.ptr,
                        "{\"to\":\"<EMAIL>\",\"cc\":[\"x\",\"<EMAIL>\"]}\n{\"to\":\"q\"}\n");
    memset(&r, 0, sizeof(r));
    assert_int_equal(pcl_json_walk(out.ptr, out.len, &o, NULL, &err), PCL_OK);
    assert_int_equal(r.n, 0);
    pcl_buf_fini(&out);
}

static void
test_pcl_json_walk_out_of_memory(void **state)
{
    const char *in = "{\"a\":[{\"b\\n\":\"x\\u00e9\\n\"}],\"c.d\":[[[\"y\"]]]}\n[1\n";

    (void)state;
    for (unsigned long n = 1; n < 64; n++) {
        struct collect c;
        struct pcl_json_walk_opts o = {
            .jsonl = true, .keys = true, .on_value = on_value, .on_warn = on_warn, .arg = &c};
        struct pcl_err err = {0};
        enum pcl_rc rc;

        collect_init(&c, in, strlen(in));
        c.quiet = true;
        (void)pcl_alloc_fail_at(n, false);
        rc = pcl_json_walk(in, strlen(in), &o, NULL, &err);
        (void)pcl_alloc_fail_at(0, false);
        assert_true(rc == PCL_OK || rc == PCL_ENOMEM);
        collect_fini(&c);
    }
}

static void
test_pcl_json_hex4(void **state)
{
    (void)state;
    assert_int_equal(pcl_json_hex4("00e9", 4), 0xe9);
    assert_int_equal(pcl_json_hex4("FFFFx", 5), 0xffff);
    assert_int_equal(pcl_json_hex4("D83d", 4), 0xd83d);
    assert_int_equal(pcl_json_hex4("12", 2), -1);   /* too short */
    assert_int_equal(pcl_json_hex4("12g4", 4), -1); /* not hex */
    assert_int_equal(pcl_json_hex4("-123", 4), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_json_hex4),
        cmocka_unit_test(test_pcl_json_walk_table),
        cmocka_unit_test(test_pcl_json_walk_syntax_errors),
        cmocka_unit_test(test_pcl_json_walk_depth_limit),
        cmocka_unit_test(test_pcl_json_walk_jsonl_bad_line_continues),
        cmocka_unit_test(test_pcl_json_walk_jsonl_block_of_a_file),
        cmocka_unit_test(test_pcl_json_walk_callback_error_stops_jsonl),
        cmocka_unit_test(test_pcl_rawmap_span_widens_to_escapes),
        cmocka_unit_test(test_pcl_json_rewrite_table),
        cmocka_unit_test(test_pcl_json_rewrite_rejects_bad_edits),
        cmocka_unit_test(test_pcl_json_rewrite_round_trip),
        cmocka_unit_test(test_pcl_json_walk_out_of_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
