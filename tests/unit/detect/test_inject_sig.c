/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the injection signature file format and token-pattern translation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject_int.h"

static void
test_inject_sig_regex_table(void **state)
{
    static const struct {
        const char *pat;
        const char *regex; /* NULL = rejected */
    } cases[] = {
        {"ignore previous", " (?:ignore) (?:previous) "},
        {"ignore ~3 previous", " (?:ignore) (?:[^ ]+ ){0,3}(?:previous) "},
        {"Ignore|forget instruction*", " (?:ignore|forget) (?:instruction[^ ]*)"},
        {"dan", " (?:dan) "},
        /* a word in a script written without spaces matches inside longer runs */
        {"\xE5\xBF\xBD\xE7\x95\xA5 ~2 \xE6\x8C\x87\xE4\xBB\xA4",
         "(?:\xE5\xBF\xBD\xE7\x95\xA5)[^\\n]{0,20}(?:\xE6\x8C\x87\xE4\xBB\xA4)"},
        {"", NULL},
        {"~2 ignore", NULL},
        {"ignore ~2", NULL},
        {"ignore ~0 x", NULL},
        {"ignore ~2 ~3 x", NULL},
        {"ignore a||b", NULL},
        {"<|im_start|>", NULL}, /* punctuation needs re: */
        {"ignore *", NULL},
    };
    struct pcl_buf out;
    char why[160];

    (void)state;
    pcl_buf_init(&out, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum pcl_rc rc =
            pcl_inject_sig_regex(cases[i].pat, strlen(cases[i].pat), &out, why, sizeof(why));

        if (cases[i].regex == NULL) {
            if (rc != PCL_EINVAL) {
                fail_msg("case %zu (\"%s\"): accepted as \"%s\"", i, cases[i].pat, out.ptr);
            }
            assert_true(why[0] != '\0');
        } else {
            assert_int_equal(rc, PCL_OK);
            assert_string_equal(out.ptr, cases[i].regex);
        }
    }
    pcl_buf_fini(&out);
}

static void
test_inject_sig_parse_lines(void **state)
{
    static const char text[] = "# comment\n"
                               "\n"
                               "a.one override block en ignore ~2 previous instruction*\n"
                               "  b.two   delimiter flag * re:<\\|im_start\\|>  \n"
                               "c.three defensive allow en never ~3 reveal\n"
                               "d.four password feature * password*\n";
    struct pcl_inject_sig *sigs = NULL;
    size_t n = 0;
    struct pcl_err err;

    (void)state;
    assert_int_equal(pcl_inject_sig_parse("t.sig", text, sizeof(text) - 1, &sigs, &n, &err),
                     PCL_OK);
    assert_int_equal(n, 4);
    assert_string_equal(sigs[0].id, "a.one");
    assert_string_equal(sigs[0].category, "override");
    assert_int_equal(sigs[0].tier, PCL_INJECT_BLOCK);
    assert_false(sigs[0].raw);
    assert_int_equal(sigs[0].line, 3);
    assert_string_equal(sigs[1].id, "b.two");
    assert_true(sigs[1].raw);
    assert_string_equal(sigs[1].regex, "<\\|im_start\\|>");
    assert_string_equal(sigs[1].lang, "*");
    assert_int_equal(sigs[2].tier, PCL_INJECT_ALLOW);
    assert_false(sigs[2].feature);
    assert_string_equal(sigs[2].file, "t.sig");
    /* a feature asks for nothing: tier allow, weight 0, and the flag set */
    assert_true(sigs[3].feature);
    assert_int_equal(sigs[3].tier, PCL_INJECT_ALLOW);
    assert_true(sigs[3].weight == 0.0);
    assert_string_equal(sigs[3].category, "password");
    pcl_inject_sig_free(sigs, n);
}

static void
test_inject_sig_parse_errors(void **state)
{
    static const struct {
        const char *text;
        const char *msg; /* substring of the error */
    } cases[] = {
        {"x override block\n", "t.sig: line 1: expected ID CATEGORY TIER LANG PATTERN"},
        {"x override block en\n", "t.sig: line 1: missing pattern"},
        {"\n\nx override maybe en ignore\n",
         "t.sig: line 3: tier \"maybe\" must be block, flag, allow or feature"},
        {"X! override block en ignore\n", "line 1: id \"X!\""},
        {"x Over block en ignore\n", "line 1: category \"Over\""},
        {"x override block english! ignore\n", "line 1: lang"},
        {"x override block en re:\n", "line 1: empty regex"},
        {"x override block en ignore ~ y\n", "line 1: gap"},
        {"x override block en a\xff\n", "invalid UTF-8 at byte 21"},
        {"# ok\nx override block en re:a\0b\n", "t.sig: line 2: NUL byte"},
    };
    struct pcl_err err;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pcl_inject_sig *sigs = NULL;
        size_t n = 0;
        size_t len = strlen(cases[i].text);

        if (strstr(cases[i].msg, "NUL") != NULL) {
            len += 1 + strlen(cases[i].text + len + 1); /* the text goes on past its NUL */
        }
        assert_int_equal(pcl_inject_sig_parse("t.sig", cases[i].text, len, &sigs, &n, &err),
                         PCL_EINVAL);
        if (strstr(err.msg, cases[i].msg) == NULL) {
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].msg);
        }
        assert_int_equal(n, 0);
        pcl_inject_sig_free(sigs, n);
    }
}

static void
test_inject_tokens_view(void **state)
{
    struct pcl_buf out;
    size_t *map = NULL;
    size_t cap = 0;
    const char *in = "don't IGNORE--the rules!";

    (void)state;
    pcl_buf_init(&out, 0);
    assert_int_equal(pcl_inject_tokens(in, strlen(in), &out, &map, &cap), PCL_OK);
    assert_string_equal(out.ptr, " dont IGNORE the rules ");
    assert_int_equal(map[1], 0);   /* d */
    assert_int_equal(map[6], 6);   /* I */
    assert_int_equal(map[12], 12); /* the run "--" becomes one space */
    assert_int_equal(map[out.len], strlen(in));
    pcl_free(map);
    pcl_buf_fini(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inject_sig_regex_table),
        cmocka_unit_test(test_inject_sig_parse_lines),
        cmocka_unit_test(test_inject_sig_parse_errors),
        cmocka_unit_test(test_inject_tokens_view),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
