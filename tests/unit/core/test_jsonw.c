/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/core/jsonw.c: exact writer output, RFC 8259 escaping, U+FFFD
 * replacement, sticky errors and limits; random bytes are checked to always parse as JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common.h"
#include "pcl_test.h"

#include <float.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>

static void
test_pcl_json_escape_table(void **state)
{
    static const struct {
        const char *in;
        size_t n;
        const char *out;
    } cases[] = {
        {"", 0, "\"\""},
        {"plain text", 10, "\"plain text\""},
        {"a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\""},
        {"\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\""},
        {"\x01\x1f", 2, "\"\\u0001\\u001f\""},
        {"a\x00"
         "b",
         3, "\"a\\u0000b\""},
        {"\x7f", 1, "\"\x7f\""},                           /* DEL needs no escape */
        {"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80", 15, /* valid UTF-8 kept */
         "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\""},
        {"\xff", 1, "\"\xef\xbf\xbd\""}, /* invalid byte */
        {"a\xc0\x80"
         "b",
         4,
         "\"a\xef\xbf\xbd\xef\xbf\xbd"
         "b\""},                                                         /* overlong NUL */
        {"\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* surrogate */
        {"x\xe2\x82", 3, "\"x\xef\xbf\xbd\xef\xbf\xbd\""},               /* truncated at the end */
        {"\xe2\x82\n", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\\n\""},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_buf b;

        pcl_buf_init(&b, 0);
        assert_int_equal(pcl_buf_append(&b, "pre:", 4), PCL_OK);
        assert_int_equal(pcl_json_escape(&b, cases[i].in, cases[i].n), PCL_OK);
        assert_string_equal(b.ptr + 4, cases[i].out);
        assert_memory_equal(b.ptr, "pre:", 4);
        pcl_buf_fini(&b);
    }
}

/* One special byte at every offset of a 20-byte ASCII string, so it lands in each lane of the
 * 8-byte fast path and in the byte-wise tail. */
static void
test_pcl_json_escape_special_at_every_offset(void **state)
{
    static const struct {
        char c;
        const char *esc;
    } specials[] = {
        {'"', "\\\""},
        {'\\', "\\\\"},
        {'\n', "\\n"},
        {'\x1f', "\\u001f"},
        {'\0', "\\u0000"},
        {'\x7f', "\x7f"},
        {'\xff', "\xef\xbf\xbd"},
        {' ', " "},
    };
    static const char base[] = "abcdefghijklmnopqrst";
    (void)state;

    for (size_t k = 0; k < PCL_ARRAY_LEN(specials); k++) {
        for (size_t pos = 0; pos < sizeof(base) - 1; pos++) {
            char in[sizeof(base)];
            char want[64];
            struct pcl_buf b;

            memcpy(in, base, sizeof(base));
            in[pos] = specials[k].c;
            (void)snprintf(want, sizeof(want), "\"%.*s%s%s\"", (int)pos, base, specials[k].esc,
                           base + pos + 1);
            pcl_buf_init(&b, 0);
            assert_int_equal(pcl_json_escape(&b, in, sizeof(base) - 1), PCL_OK);
            assert_string_equal(b.ptr, want);
            pcl_buf_fini(&b);
        }
    }
}

static void
test_pcl_json_escape_limit_restores_buffer(void **state)
{
    struct pcl_buf b;
    (void)state;

    pcl_buf_init(&b, 12);
    assert_int_equal(pcl_buf_append(&b, "ab", 2), PCL_OK);
    /* "x\n" * 4 fits the raw reserve but not once escaped. */
    assert_int_equal(pcl_json_escape(&b, "x\nx\nx\nx\n", 8), PCL_ELIMIT);
    assert_int_equal(b.len, 2);
    assert_string_equal(b.ptr, "ab");
    assert_int_equal(pcl_json_escape(&b, "0123456789", 10), PCL_ELIMIT);
    assert_string_equal(b.ptr, "ab");
    assert_int_equal(pcl_json_escape(&b, "x\n", 2), PCL_OK);
    assert_string_equal(b.ptr, "ab\"x\\n\"");
    pcl_buf_fini(&b);
}

static void
test_pcl_jw_object_exact(void **state)
{
    struct pcl_buf b;
    struct pcl_jw w;
    (void)state;

    pcl_buf_init(&b, 0);
    pcl_jw_init(&w, &b);
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, "a");
    pcl_jw_int(&w, -5);
    pcl_jw_key(&w, "b");
    pcl_jw_uint(&w, UINT64_MAX);
    pcl_jw_key(&w, "c");
    pcl_jw_double(&w, 0.1);
    pcl_jw_key(&w, "d");
    pcl_jw_bool(&w, true);
    pcl_jw_key(&w, "e");
    pcl_jw_null(&w);
    pcl_jw_key(&w, "f");
    pcl_jw_arr_begin(&w);
    pcl_jw_cstr(&w, "x");
    pcl_jw_int(&w, 1);
    pcl_jw_arr_begin(&w);
    pcl_jw_arr_end(&w);
    pcl_jw_obj_begin(&w);
    pcl_jw_obj_end(&w);
    pcl_jw_bool(&w, false);
    pcl_jw_arr_end(&w);
    pcl_jw_key(&w, "g");
    pcl_jw_raw(&w, "{\"k\":1}", 7);
    pcl_jw_key(&w, "q\"uote\n");
    pcl_jw_str(&w, "v\x00", 2);
    pcl_jw_key(&w, "n");
    pcl_jw_cstr(&w, NULL);
    pcl_jw_obj_end(&w);
    assert_int_equal(pcl_jw_rc(&w), PCL_OK);
    assert_string_equal(b.ptr, "{\"a\":-5,\"b\":18446744073709551615,\"c\":0.1,\"d\":true,"
                               "\"e\":null,\"f\":[\"x\",1,[],{},false],\"g\":{\"k\":1},"
                               "\"q\\\"uote\\n\":\"v\\u0000\",\"n\":null}\n");
    pcl_buf_fini(&b);
}

static void
test_pcl_jw_json_lines(void **state)
{
    struct pcl_buf b;
    struct pcl_jw w;
    (void)state;

    pcl_buf_init(&b, 0);
    pcl_jw_init(&w, &b);
    for (int i = 0; i < 3; i++) {
        pcl_jw_obj_begin(&w);
        pcl_jw_key(&w, "i");
        pcl_jw_int(&w, i);
        pcl_jw_obj_end(&w);
    }
    pcl_jw_arr_begin(&w);
    pcl_jw_arr_end(&w);
    pcl_jw_cstr(&w, "top");
    pcl_jw_int(&w, 7);
    assert_int_equal(pcl_jw_rc(&w), PCL_OK);
    assert_string_equal(b.ptr, "{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n[]\n\"top\"\n7\n");
    pcl_buf_fini(&b);
}

/* xorshift64: deterministic test data without rand(). */
static uint64_t
next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void
test_pcl_jw_numbers_exact(void **state)
{
    static const struct {
        double v;
        const char *out;
    } doubles[] = {
        {0.0, "0\n"},
        {-0.0, "-0\n"},
        {1.0, "1\n"},
        {-2.5, "-2.5\n"},
        {0.1, "0.1\n"},
        {0.1 + 0.2, "0.30000000000000004\n"},
        {1.0 / 3.0, "0.3333333333333333\n"},
        {1e300, "1e+300\n"},
        {5e-324, "4.94065645841247e-324\n"}, /* 15 digits already round-trip */
        {DBL_MAX, "1.7976931348623157e+308\n"},
        {NAN, "null\n"},
        {INFINITY, "null\n"},
        {-INFINITY, "null\n"},
    };
    static const struct {
        int64_t v;
        const char *out;
    } ints[] = {
        {0, "0\n"},
        {-1, "-1\n"},
        {INT64_MAX, "9223372036854775807\n"},
        {INT64_MIN, "-9223372036854775808\n"},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(doubles); i++) {
        struct pcl_buf b;
        struct pcl_jw w;

        pcl_buf_init(&b, 0);
        pcl_jw_init(&w, &b);
        pcl_jw_double(&w, doubles[i].v);
        assert_int_equal(pcl_jw_rc(&w), PCL_OK);
        assert_string_equal(b.ptr, doubles[i].out);
        if (isfinite(doubles[i].v)) {
            assert_true(strtod(b.ptr, NULL) == doubles[i].v); /* round-trips exactly */
        }
        pcl_buf_fini(&b);
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(ints); i++) {
        struct pcl_buf b;
        struct pcl_jw w;

        pcl_buf_init(&b, 0);
        pcl_jw_init(&w, &b);
        pcl_jw_int(&w, ints[i].v);
        assert_string_equal(b.ptr, ints[i].out);
        pcl_buf_fini(&b);
    }
    /* the hand-written conversions against printf: powers of ten and their neighbours, and
     * a spread of random values, signed and unsigned */
    uint64_t x = 0x9e3779b97f4a7c15u;

    for (unsigned i = 0; i < 4000; i++) {
        uint64_t u;
        char want[48];
        struct pcl_buf b;
        struct pcl_jw w;

        (void)next_random(&x);
        if (i < 60) {
            u = 1;
            for (unsigned k = 0; k < i / 3; k++) {
                u *= 10;
            }
            u = u + (uint64_t)(i % 3) - 1; /* 10^k - 1, 10^k, 10^k + 1 */
        } else {
            u = x >> (x % 64);
        }
        pcl_buf_init(&b, 0);
        pcl_jw_init(&w, &b);
        pcl_jw_uint(&w, u);
        (void)snprintf(want, sizeof(want), "%" PRIu64 "\n", u);
        assert_string_equal(b.ptr, want);
        pcl_buf_reset(&b);
        pcl_jw_init(&w, &b);
        pcl_jw_int(&w, (int64_t)u);
        (void)snprintf(want, sizeof(want), "%" PRId64 "\n", (int64_t)u);
        assert_string_equal(b.ptr, want);
        pcl_buf_reset(&b);
        pcl_jw_init(&w, &b);
        pcl_jw_int(&w, -(int64_t)(u >> 1));
        (void)snprintf(want, sizeof(want), "%" PRId64 "\n", -(int64_t)(u >> 1));
        assert_string_equal(b.ptr, want);
        pcl_buf_fini(&b);
    }
}

/* The reference for pcl_jw_double(): the shortest of %.15g/%.16g/%.17g that reads back. */
static void
ref_double(double v, char *out, size_t cap)
{
    for (int prec = 15; prec <= 17; prec++) {
        (void)snprintf(out, cap, "%.*g\n", prec, v);
        if (strtod(out, NULL) == v) {
            return;
        }
    }
}

/* Doubles with three decimals or fewer (written without printf) and others, against the
 * reference. */
static void
test_pcl_jw_double_fast_path(void **state)
{
    uint64_t x = 0x2545f4914f6cdd1du;
    (void)state;

    for (unsigned i = 0; i < 30000; i++) {
        double v;
        char want[64];
        struct pcl_buf b;
        struct pcl_jw w;

        (void)next_random(&x);
        switch (i % 4) {
        case 0:
            v = (double)(i / 4) / 1000.0; /* 0 to 7.499 by thousandths */
            break;
        case 1:
            v = (double)(x % 1000000000u) / 1000.0; /* three decimals up to 1e6 */
            break;
        case 2:
            v = (double)(x % 1000000u) / 997.0; /* most have more decimals */
            break;
        default:
            v = (double)(x >> 11) / 9007199254740992.0 * 2e6 - 5e5; /* either sign */
            break;
        }
        pcl_buf_init(&b, 0);
        pcl_jw_init(&w, &b);
        pcl_jw_double(&w, v);
        ref_double(v, want, sizeof(want));
        assert_string_equal(b.ptr, want);
        pcl_buf_fini(&b);
    }
}

/* Keys: plain ones (the fast path, up to its 61-byte limit and past it), and ones that need
 * escaping or hold UTF-8 (valid or not), are written as pcl_json_escape() writes them. */
static void
test_pcl_jw_keys_exact(void **state)
{
    static const char *const keys[] = {
        "",
        "a",
        "file",
        "with space",
        "q\"uote",
        "back\\slash",
        "tab\there",
        "ctl\x01",
        "caf\xc3\xa9",
        "bad\xff",
        "0123456789012345678901234567890123456789012345678901234567890",
        "01234567890123456789012345678901234567890123456789012345678901",
        "0123456789012345678901234567890123456789012345678901234567890123456789",
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(keys); i++) {
        struct pcl_buf got, want;
        struct pcl_jw w;

        pcl_buf_init(&got, 0);
        pcl_buf_init(&want, 0);
        pcl_jw_init(&w, &got);
        pcl_jw_obj_begin(&w);
        pcl_jw_key(&w, keys[i]);
        pcl_jw_int(&w, 1);
        pcl_jw_key(&w, keys[i]);
        pcl_jw_int(&w, 2);
        pcl_jw_obj_end(&w);
        assert_int_equal(pcl_jw_rc(&w), PCL_OK);
        for (int k = 1; k <= 2; k++) {
            assert_int_equal(pcl_buf_appends(&want, k == 1 ? "{" : ","), PCL_OK);
            assert_int_equal(pcl_json_escape(&want, keys[i], strlen(keys[i])), PCL_OK);
            assert_int_equal(pcl_buf_appendf(&want, ":%d", k), PCL_OK);
        }
        assert_int_equal(pcl_buf_appends(&want, "}\n"), PCL_OK);
        assert_string_equal(got.ptr, want.ptr);
        pcl_buf_fini(&got);
        pcl_buf_fini(&want);
    }
}

/* Misuse puts the writer in a sticky error state; later calls write nothing. */
static void
test_pcl_jw_misuse_is_sticky(void **state)
{
    static const struct {
        const char *name;
        int steps[6]; /* 1 obj_begin, 2 obj_end, 3 arr_begin, 4 arr_end, 5 key, 6 int; 0 ends */
        const char *out;
    } cases[] = {
        {"end at top level", {2, 6, 0}, ""},
        {"key at top level", {5, 6, 0}, ""},
        {"key without value", {1, 5, 2, 6, 0}, "{\"k\":"},
        {"key after key", {1, 5, 5, 6, 0}, "{\"k\":"},
        {"array end at top", {4, 0}, ""},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_buf b;
        struct pcl_jw w;

        pcl_buf_init(&b, 0);
        pcl_jw_init(&w, &b);
        for (size_t s = 0; s < PCL_ARRAY_LEN(cases[i].steps) && cases[i].steps[s] != 0; s++) {
            switch (cases[i].steps[s]) {
            case 1:
                pcl_jw_obj_begin(&w);
                break;
            case 2:
                pcl_jw_obj_end(&w);
                break;
            case 3:
                pcl_jw_arr_begin(&w);
                break;
            case 4:
                pcl_jw_arr_end(&w);
                break;
            case 5:
                pcl_jw_key(&w, "k");
                break;
            default:
                pcl_jw_int(&w, 1);
                break;
            }
        }
        if (pcl_jw_rc(&w) != PCL_EINVAL) {
            fail_msg("%s: rc %d", cases[i].name, pcl_jw_rc(&w));
        }
        assert_string_equal(b.ptr == NULL ? "" : b.ptr, cases[i].out);
        pcl_buf_fini(&b);
    }
}

static void
test_pcl_jw_depth_limit(void **state)
{
    struct pcl_buf b;
    struct pcl_buf want;
    struct pcl_jw w;
    (void)state;

    pcl_buf_init(&b, 0);
    pcl_jw_init(&w, &b);
    for (int i = 0; i < 63; i++) {
        pcl_jw_arr_begin(&w);
        pcl_jw_int(&w, i);
    }
    assert_int_equal(pcl_jw_rc(&w), PCL_OK);
    for (int i = 0; i < 63; i++) {
        pcl_jw_arr_end(&w);
    }
    assert_int_equal(pcl_jw_rc(&w), PCL_OK);
    /* "[0,[1,[2,...[62]...]]]\n" */
    pcl_buf_init(&want, 0);
    for (int i = 0; i < 63; i++) {
        assert_int_equal(pcl_buf_appendf(&want, i < 62 ? "[%d," : "[%d", i), PCL_OK);
    }
    for (int i = 0; i < 63; i++) {
        assert_int_equal(pcl_buf_appendc(&want, ']'), PCL_OK);
    }
    assert_int_equal(pcl_buf_appendc(&want, '\n'), PCL_OK);
    assert_string_equal(b.ptr, want.ptr);
    pcl_buf_fini(&want);

    pcl_buf_reset(&b);
    pcl_jw_init(&w, &b);
    for (int i = 0; i < 64; i++) {
        pcl_jw_obj_begin(&w);
        if (i < 63) {
            pcl_jw_key(&w, "k");
        }
    }
    assert_int_equal(pcl_jw_rc(&w), PCL_ELIMIT);
    pcl_buf_fini(&b);
}

static void
test_pcl_jw_buffer_limit_is_sticky(void **state)
{
    struct pcl_buf b;
    struct pcl_jw w;
    (void)state;

    pcl_buf_init(&b, 16);
    pcl_jw_init(&w, &b);
    pcl_jw_arr_begin(&w);
    pcl_jw_cstr(&w, "0123456789");
    assert_int_equal(pcl_jw_rc(&w), PCL_OK);
    pcl_jw_cstr(&w, "0123456789"); /* does not fit */
    assert_int_equal(pcl_jw_rc(&w), PCL_ELIMIT);
    assert_string_equal(b.ptr, "[\"0123456789\",");
    pcl_jw_int(&w, 1); /* would fit, but the writer has failed */
    pcl_jw_arr_end(&w);
    assert_int_equal(pcl_jw_rc(&w), PCL_ELIMIT);
    assert_string_equal(b.ptr, "[\"0123456789\",");
    pcl_buf_fini(&b);
}

static enum pcl_rc
write_record(void *ctx)
{
    struct pcl_buf b;
    struct pcl_jw w;
    enum pcl_rc rc;
    (void)ctx;

    pcl_buf_init(&b, 0);
    pcl_jw_init(&w, &b);
    pcl_jw_obj_begin(&w);
    for (int i = 0; i < 40; i++) {
        pcl_jw_key(&w, "detector");
        pcl_jw_cstr(&w, "aws_access_key \xff with some padding text");
    }
    pcl_jw_obj_end(&w);
    rc = pcl_jw_rc(&w);
    pcl_buf_fini(&b);
    return rc;
}

static void
test_pcl_jw_out_of_memory(void **state)
{
    (void)state;

    assert_true(pcl_test_oom(write_record, NULL, false) > 1);
    assert_true(pcl_test_oom(write_record, NULL, true) > 1);
}

static void
test_pcl_json_escape_random_bytes_parse(void **state)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    (void)state;

    for (int round = 0; round < 2000; round++) {
        char in[200];
        size_t n = (size_t)(next_random(&seed) % sizeof(in));
        unsigned mix = (unsigned)(next_random(&seed) % 3);
        struct pcl_buf b;
        json_error_t jerr;
        json_t *j;

        for (size_t i = 0; i < n; i++) {
            /* Mostly printable ASCII (the 8-byte fast path) sprinkled with quotes, backslashes,
             * control characters and arbitrary bytes, in proportions that vary per round. */
            uint64_t r = next_random(&seed);
            unsigned pick = (unsigned)(r % 16);
            unsigned v = (unsigned)(r >> 8);

            if (pick < 10 - 4 * mix) {
                in[i] = (char)(0x20 + v % 0x5f);
            } else if (pick < 12 - 3 * mix) {
                in[i] = "\"\\"[v % 2];
            } else if (pick < 14 - 2 * mix) {
                in[i] = (char)(v % 0x20);
            } else {
                in[i] = (char)(v & 0xff);
            }
        }
        pcl_buf_init(&b, 0);
        assert_int_equal(pcl_json_escape(&b, in, n), PCL_OK);
        assert_true(pcl_utf8_is_valid(b.ptr, b.len, NULL));
        j = json_loadb(b.ptr, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (j == NULL) {
            fail_msg("round %d: jansson rejected %s: %s", round, b.ptr, jerr.text);
        }
        assert_true(json_is_string(j));
        /* Valid input must come back byte for byte. */
        if (pcl_utf8_is_valid(in, n, NULL)) {
            assert_int_equal(json_string_length(j), n);
            assert_memory_equal(json_string_value(j), in, n);
        }
        json_decref(j);
        pcl_buf_fini(&b);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_json_escape_table),
        cmocka_unit_test(test_pcl_json_escape_special_at_every_offset),
        cmocka_unit_test(test_pcl_json_escape_limit_restores_buffer),
        cmocka_unit_test(test_pcl_jw_object_exact),
        cmocka_unit_test(test_pcl_jw_json_lines),
        cmocka_unit_test(test_pcl_jw_numbers_exact),
        cmocka_unit_test(test_pcl_jw_keys_exact),
        cmocka_unit_test(test_pcl_jw_double_fast_path),
        cmocka_unit_test(test_pcl_jw_misuse_is_sticky),
        cmocka_unit_test(test_pcl_jw_depth_limit),
        cmocka_unit_test(test_pcl_jw_buffer_limit_is_sticky),
        cmocka_unit_test(test_pcl_jw_out_of_memory),
        cmocka_unit_test(test_pcl_json_escape_random_bytes_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
