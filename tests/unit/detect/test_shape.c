/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for digit-group shapes: parsing, table cases, and the shift-and automaton against the
 * walk over the alternatives on random shapes and group lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "shape.h"

/* xorshift64: deterministic test data */
static uint64_t
next_rand(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static size_t lenset_rejects; /* group lists pcl_shape_may_fit() ruled out */

/* Both checks, which must agree, on groups g[0..ng) (each under 64); and the length-set test,
 * which must pass every list that fits. */
static bool
fits_both(const uint8_t *shape, const uint32_t *g, size_t ng)
{
    struct pcl_shape_nfa nfa;
    bool walk = pcl_shape_fits(shape, g, ng);
    unsigned lenset = 0;

    pcl_shape_compile(shape, &nfa);
    assert_true(nfa.ok);
    assert_int_equal(pcl_shape_nfa_fits(&nfa, g, ng), walk);
    for (size_t i = 0; i < ng; i++) {
        lenset |= 1u << PCL_SHAPE_LENBIT(g[i]);
    }
    if (!pcl_shape_may_fit(shape, lenset)) {
        assert_false(walk);
        lenset_rejects++;
    }
    return walk;
}

static void
test_pcl_shape_parse_cases(void **state)
{
    static const struct {
        const char *spec;
        enum pcl_rc rc;
    } cases[] = {
        {"3,2,4", PCL_OK},
        {"4,4,4,4|4,6,5|4,6,4", PCL_OK},
        {"1..3,1..3,1..3,1..3", PCL_OK},
        {"13..19", PCL_OK},
        {"", PCL_OK},
        {"3,", PCL_EINVAL},
        {"3..2", PCL_EINVAL},
        {"a", PCL_EINVAL},
        {"256", PCL_EINVAL},
        {"3;4", PCL_EINVAL},
    };
    uint8_t out[96];

    (void)state;
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        assert_int_equal(pcl_shape_parse(cases[i].spec, out, sizeof(out)), cases[i].rc);
    }
    /* too many alternatives for the buffer */
    assert_int_equal(pcl_shape_parse("1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|18|19|20|21|22|23|"
                                     "24|25|26|27|28|29|30|31|32|33",
                                     out, sizeof(out)),
                     PCL_EINVAL);
}

/* Readable cases: the groups of an SSN, a card, an IPv4 address and a UK phone number. */
static void
test_pcl_shape_fits_cases(void **state)
{
    static const struct {
        const char *spec;
        uint32_t g[8];
        size_t ng;
        bool fits;
    } cases[] = {
        {"3,2,4", {3, 2, 4}, 3, true},
        {"3,2,4", {1, 3, 2, 4, 7}, 5, true}, /* consecutive groups anywhere in the cluster */
        {"3,2,4", {3, 2, 5}, 3, false},
        {"3,2,4", {3, 2}, 2, false},
        {"4,4,4,4|4,6,5|4,6,4", {4, 6, 5}, 3, true},
        {"4,4,4,4|4,6,5|4,6,4", {4, 4, 4}, 3, false},
        {"1..3,1..3,1..3,1..3", {3, 1, 2, 3}, 4, true},
        {"1..3,1..3,1..3,1..3", {3, 1, 4, 3, 1}, 5, false},
        {"3,4,4|4,3,4|5,5..6|5,3,3|3,3,4", {5, 6}, 2, true},
        {"3,4,4|4,3,4|5,5..6|5,3,3|3,3,4", {5, 7}, 2, false},
        {"13..19", {2, 16}, 2, true},
        {"13..19", {20}, 1, false},
        {"6", {0}, 0, false},
    };
    uint8_t shape[96];

    (void)state;
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        assert_int_equal(pcl_shape_parse(cases[i].spec, shape, sizeof(shape)), PCL_OK);
        assert_int_equal(fits_both(shape, cases[i].g, cases[i].ng), cases[i].fits);
    }
}

/* Shapes the automaton cannot hold: more than 64 positions, or a length range reaching 63. */
static void
test_pcl_shape_compile_limits(void **state)
{
    uint8_t shape[200];
    struct pcl_shape_nfa nfa;

    (void)state;
    assert_int_equal(pcl_shape_parse("60..70", shape, sizeof(shape)), PCL_OK);
    pcl_shape_compile(shape, &nfa);
    assert_false(nfa.ok);
    assert_int_equal(pcl_shape_parse("1..62", shape, sizeof(shape)), PCL_OK);
    pcl_shape_compile(shape, &nfa);
    assert_true(nfa.ok);
    /* 13 alternatives of 5 positions: 65 */
    assert_int_equal(pcl_shape_parse("1,2,3,4,5|1,2,3,4,5|1,2,3,4,5|1,2,3,4,5|1,2,3,4,5|1,2,3,4,5|"
                                     "1,2,3,4,5|1,2,3,4,5|1,2,3,4,5|1,2,3,4,5|1,2,3,4,5|1,2,3,4,5|"
                                     "1,2,3,4,5",
                                     shape, sizeof(shape)),
                     PCL_OK);
    pcl_shape_compile(shape, &nfa);
    assert_false(nfa.ok);
}

/* Random shapes (1-5 alternatives of 1-6 positions, narrow or wide ranges) against random
 * group lists of 0-40 groups, biased to lengths the shapes use. */
static void
test_pcl_shape_nfa_random(void **state)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    size_t fitting = 0;

    (void)state;
    for (int round = 0; round < 5000; round++) {
        char spec[200];
        size_t len = 0;
        unsigned nalt = 1 + (unsigned)(next_rand(&x) % 5);
        uint8_t shape[96];
        uint32_t g[40];

        for (unsigned a = 0; a < nalt; a++) {
            unsigned npos = 1 + (unsigned)(next_rand(&x) % 6);

            for (unsigned k = 0; k < npos; k++) {
                unsigned lo = 1 + (unsigned)(next_rand(&x) % 8);
                unsigned hi = lo + (next_rand(&x) % 3 == 0 ? (unsigned)(next_rand(&x) % 5) : 0);
                int w = snprintf(spec + len, sizeof(spec) - len, "%s%u..%u",
                                 k > 0 ? "," : (a > 0 ? "|" : ""), lo, hi);

                assert_true(w > 0 && (size_t)w < sizeof(spec) - len);
                len += (size_t)w;
            }
        }
        assert_int_equal(pcl_shape_parse(spec, shape, sizeof(shape)), PCL_OK);
        for (int t = 0; t < 20; t++) {
            size_t ng = (size_t)(next_rand(&x) % 41);

            for (size_t i = 0; i < ng; i++) {
                uint64_t r = next_rand(&x);

                g[i] = r % 16 == 0 ? (uint32_t)((r >> 8) % 64) : 1 + (uint32_t)((r >> 8) % 10);
            }
            fitting += fits_both(shape, g, ng);
        }
    }
    assert_true(fitting > 1000);
    assert_true(lenset_rejects > 1000);
}

/* The length-set test on the built-in kinds of shape */
static void
test_pcl_shape_may_fit_cases(void **state)
{
    static const struct {
        const char *shape;
        unsigned lengths[4]; /* 0-terminated */
        bool want;
    } cases[] = {
        {"3,2,4", {3, 2, 4}, true},
        {"3,2,4", {4, 2, 2}, false}, /* a date: no group of 3 */
        {"3,2,4|9", {9}, true},
        {"3,2,4|9", {12}, true}, /* 8 or more share a bit */
        {"13..19", {16}, true},
        {"13..19", {4, 4, 4}, false},
        {"1..3,1..3,1..3,1..3", {4, 4}, false},
        {"1..3,1..3,1..3,1..3", {1, 4}, true},
        {"7..8", {8}, true},
        {"7..8", {6}, false},
    };

    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        uint8_t shape[64];
        unsigned lenset = 0;

        assert_int_equal(pcl_shape_parse(cases[k].shape, shape, sizeof(shape)), PCL_OK);
        for (size_t i = 0; i < 4 && cases[k].lengths[i] != 0; i++) {
            lenset |= 1u << PCL_SHAPE_LENBIT(cases[k].lengths[i]);
        }
        if (pcl_shape_may_fit(shape, lenset) != cases[k].want) {
            fail_msg("case %zu (%s)", k, cases[k].shape);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_shape_parse_cases),
        cmocka_unit_test(test_pcl_shape_fits_cases),
        cmocka_unit_test(test_pcl_shape_compile_limits),
        cmocka_unit_test(test_pcl_shape_nfa_random),
        cmocka_unit_test(test_pcl_shape_may_fit_cases),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
