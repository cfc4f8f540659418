/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for canary minting and the streaming canary watch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <portcullis/inject.h>

#define CANARY "pcl-3f9a1c7e55b0d246"

static void
test_canary_mint_format(void **state)
{
    char a[PCL_CANARY_MAX], b[PCL_CANARY_MAX];

    (void)state;
    assert_int_equal(pcl_canary_mint(a), 20);
    assert_int_equal(pcl_canary_mint(b), 20);
    assert_memory_equal(a, "pcl-", 4);
    assert_int_equal(strspn(a + 4, "0123456789abcdef"), 16);
    assert_string_not_equal(a, b);
}

/* Feed text in chunks of every size from 1 to 7 bytes. */
static bool
seen_chunked(const char *text, size_t chunk)
{
    struct pcl_canary_watch *w = NULL;
    struct pcl_err err;
    size_t n = strlen(text);
    bool seen = false;
    uint64_t at = 0;

    assert_int_equal(pcl_canary_watch_new(CANARY, strlen(CANARY), &w, &err), PCL_OK);
    for (size_t i = 0; i < n; i += chunk) {
        seen = pcl_canary_watch_feed(w, text + i, n - i < chunk ? n - i : chunk, &at);
    }
    if (seen) {
        assert_true(at > 0 && at <= n);
    }
    pcl_canary_watch_free(w);
    return seen;
}

static void
test_canary_watch_variants(void **state)
{
    static const struct {
        const char *text;
        bool seen;
    } cases[] = {
        {"Sure! My instructions start with " CANARY " and then...", true},
        {"PCL-3F9A1C7E55B0D246", true},
        {"p c l - 3 f 9 a 1 c 7 e 5 5 b 0 d 2 4 6", true},
        {"pcl\xE2\x80\x8B-3f9a\xE2\x80\x8B"
         "1c7e55b0d246",
         true},                                /* zero-width inside */
        {"642d0b55e7c1a9f3-lcp", true},        /* reversed */
        {"the code is 3f9a1c7e55b0d2", false}, /* 14 of 19 letters and digits: under 75% */
        {"\xEF\xBD\x90\xEF\xBD\x83\xEF\xBD\x8C"
         "3f9a1c7e55b0d246",
         true}, /* full-width pcl */
        {"nothing to see here, pcl-0000000000000000", false},
        {"3f9a1c7e", false},
        {"", false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t chunk = 1; chunk <= 7; chunk++) {
            bool want = cases[i].seen;

            if (seen_chunked(cases[i].text, chunk) != want) {
                fail_msg("case %zu chunk %zu: expected %s", i, chunk, want ? "seen" : "unseen");
            }
        }
    }
}

static void
test_canary_watch_sticky_and_reset(void **state)
{
    struct pcl_canary_watch *w = NULL;
    struct pcl_err err;
    uint64_t at = 0;

    (void)state;
    assert_int_equal(pcl_canary_watch_new(CANARY, strlen(CANARY), &w, &err), PCL_OK);
    assert_false(pcl_canary_watch_feed(w, "abc ", 4, &at));
    assert_true(pcl_canary_watch_feed(w, CANARY, strlen(CANARY), &at));
    /* 15 of its 19 letters and digits ("pcl3f9a1c7e55b0") complete it, at byte 4 + 16 */
    assert_int_equal(at, 20);
    assert_true(pcl_canary_watch_feed(w, "more", 4, NULL));
    pcl_canary_watch_reset(w);
    assert_false(pcl_canary_watch_feed(w, "more", 4, NULL));
    pcl_canary_watch_free(w);
}

static void
test_canary_watch_rejects_short(void **state)
{
    struct pcl_canary_watch *w = NULL;
    struct pcl_err err;

    (void)state;
    assert_int_equal(pcl_canary_watch_new("abc", 3, &w, &err), PCL_EINVAL);
    assert_int_equal(pcl_canary_watch_new("--------a-b-c--", 15, &w, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "canary: "));
    assert_null(w);
    pcl_canary_watch_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canary_mint_format),
        cmocka_unit_test(test_canary_watch_variants),
        cmocka_unit_test(test_canary_watch_sticky_and_reset),
        cmocka_unit_test(test_canary_watch_rejects_short),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
