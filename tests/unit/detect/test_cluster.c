/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the block-wise digit-cluster walk: table cases, then every cluster field against a
 * byte-by-byte reference walk with clusters placed across 64-byte block edges, at the start
 * and end of the input, with separators on block edges and very long digit runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cluster.h"

/* Whether the walks take their masks from pcl_scanmask_block_avx2(): main() runs every test
 * without, then with it where the CPU has AVX2. */
static bool use_avx2;

static bool
ref_sep(unsigned char c)
{
    return c == ' ' || c == '(' || c == ')' || c == '-' || c == '.' || c == '/';
}

static bool
ref_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool
ref_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Letters right before p[at] (up to 8), 0 unless they start a word. */
static uint32_t
ref_letters_before(const unsigned char *p, size_t at)
{
    uint32_t k = 0;

    while (k < 9 && k < at && ref_alpha(p[at - 1 - k])) {
        k++;
    }
    if (k > 8 || (k < at && (ref_alpha(p[at - 1 - k]) || ref_digit(p[at - 1 - k])))) {
        return 0;
    }
    return k;
}

static uint32_t
ref_letters_after(const unsigned char *p, size_t n, size_t at)
{
    uint32_t k = 0;

    while (k < 8 && at + k < n && ref_alpha(p[at + k])) {
        k++;
    }
    return k;
}

/* The reference walk: from i, the next cluster into *cl; false when there is none. */
static bool
ref_next(const unsigned char *p, size_t n, size_t *i, struct pcl_cluster *cl)
{
    size_t j = *i, cs;

    while (j < n && !ref_digit(p[j])) {
        j++;
    }
    if (j >= n) {
        *i = n;
        return false;
    }
    memset(cl, 0, sizeof(*cl));
    cs = j;
    cl->start = cs;
    cl->plus = cs > 0 && p[cs - 1] == '+';
    for (;;) {
        size_t r = j, g;
        uint32_t len;

        while (j < n && ref_digit(p[j])) {
            j++;
        }
        len = (uint32_t)(j - r);
        cl->digits += len;
        if (p[r] == '0' && len >= 3 && len <= 6 && j < n && ref_sep(p[j]) &&
            (cl->groups == 0 || p[r - 1] == '(' || p[r - 1] == ')' ||
             (p[r - 1] == ' ' && !ref_digit(p[r - 2])))) {
            cl->lead0 = true;
        }
        if (cl->groups < PCL_CLUSTER_GROUPS) {
            cl->glen[cl->groups] = len;
            cl->gat[cl->groups] = r;
        }
        cl->groups++;
        cl->longest = PCL_MAX(cl->longest, len);
        cl->end = j;
        g = j;
        while (g < n && g - j < 3 && ref_sep(p[g])) {
            g++;
        }
        if (g == j || g >= n || !ref_digit(p[g])) {
            break;
        }
        j = g;
    }
    cl->lead = ref_letters_before(p, cs);
    cl->lead_gap = cl->lead;
    if (cl->lead == 0 && cs >= 2 && (p[cs - 1] == ' ' || p[cs - 1] == '-')) {
        cl->lead_gap = ref_letters_before(p, cs - 1);
    }
    cl->trail = ref_letters_after(p, n, cl->end);
    if (cl->trail == 0 && cl->end + 1 < n && (p[cl->end] == ' ' || p[cl->end] == '-')) {
        cl->trail = ref_letters_after(p, n, cl->end + 1);
    }
    *i = cl->end;
    return true;
}

static void
assert_same_cluster(const struct pcl_cluster *a, const struct pcl_cluster *b)
{
    assert_int_equal(a->start, b->start);
    assert_int_equal(a->end, b->end);
    assert_int_equal(a->digits, b->digits);
    assert_int_equal(a->groups, b->groups);
    assert_int_equal(a->longest, b->longest);
    assert_int_equal(a->lead, b->lead);
    assert_int_equal(a->lead_gap, b->lead_gap);
    assert_int_equal(a->trail, b->trail);
    assert_int_equal(a->plus, b->plus);
    assert_int_equal(a->lead0, b->lead0);
    for (uint32_t g = 0; g < a->groups && g < PCL_CLUSTER_GROUPS; g++) {
        assert_int_equal(a->glen[g], b->glen[g]);
        assert_int_equal(a->gat[g], b->gat[g]);
    }
}

/* Whether the letter right before p[at] may start a word as pcl_cluster_drop_short() sees
 * it: the letters before at reach back to a byte that is not a letter or digit (or to the
 * start of the input), or run on from the block before at's, and at most 8 of them lie in
 * at's block (a cluster after more has lead 0). */
static bool
ref_word_before(const unsigned char *p, size_t at)
{
    size_t block = at / 64 * 64, j = at - 1;

    if (at == 0 || !ref_alpha(p[at - 1])) {
        return false;
    }
    while (j > block && ref_alpha(p[j - 1])) {
        j--;
    }
    return (j == 0 || !(ref_alpha(p[j - 1]) || ref_digit(p[j - 1])) ||
            (j == block && ref_alpha(p[j - 1]))) &&
           at - j <= PCL_CLUSTER_LETTERS;
}

/* The block walk and the reference walk report the same clusters in p[0..n), leaving out
 * those that start at byte 3 or later of a block, end in it, and that the thresholds let it
 * leave out. Returns how many are reported. */
static size_t
check_walk_skip(const unsigned char *p, size_t n, uint32_t lone, uint32_t multi,
                uint32_t lone_nolead, uint32_t multi_nolead)
{
    struct pcl_cluster_skip skip = {lone, multi, lone_nolead, multi_nolead};
    struct pcl_cluster_iter it;
    struct pcl_cluster want;
    size_t i = 0, count = 0;

    pcl_cluster_iter_init(&it, p, n, &skip, use_avx2);
    while (ref_next(p, n, &i, &want)) {
        size_t span = want.end - want.start;
        bool word = ref_word_before(p, want.start);
        uint32_t l = word ? lone : PCL_MAX(lone_nolead, lone);
        uint32_t m = word ? multi : PCL_MAX(multi_nolead, multi);

        if (want.start % 64 >= 3 && want.start / 64 == want.end / 64 && want.glen[0] < l &&
            span < m) {
            continue;
        }
        assert_true(pcl_cluster_next(&it));
        assert_same_cluster(&it.cl, &want);
        count++;
    }
    assert_false(pcl_cluster_next(&it));
    assert_false(pcl_cluster_next(&it)); /* stays at the end */
    return count;
}

/* check_walk_skip() reporting every cluster, and also with short clusters left out. */
static size_t
check_walk(const unsigned char *p, size_t n)
{
    size_t count = check_walk_skip(p, n, 1, 1, 1, 1), all = 0;
    struct pcl_cluster_iter it;

    pcl_cluster_iter_init(&it, p, n, NULL, use_avx2);
    while (pcl_cluster_next(&it)) {
        all++;
    }
    assert_int_equal(all, count); /* no thresholds: every cluster */
    (void)check_walk_skip(p, n, 2, 2, 6, 7);
    (void)check_walk_skip(p, n, 4, 4, 4, 4);
    (void)check_walk_skip(p, n, 64, 3, 64, 9);
    (void)check_walk_skip(p, n, 3, 64, 8, 64);
    (void)check_walk_skip(p, n, 13, 16, 64, 64);
    (void)check_walk_skip(p, n, 64, 64, 64, 64);
    return count;
}

/* xorshift64: deterministic test data */
static uint64_t
next_rand(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Readable cases: the clusters of each text, as start, end, digits and groups. */
static void
test_pcl_cluster_next_table(void **state)
{
    static const struct {
        const char *text;
        size_t nclusters;
        struct {
            size_t start, end;
            uint32_t digits, groups;
        } want[3];
    } cases[] = {
        {"", 0, {{0}}},
        {"no digits here", 0, {{0}}},
        {"7", 1, {{0, 1, 1, 1}}},
        {"123-45-6789", 1, {{0, 11, 9, 3}}},
        /* one to three separators join; four do not */
        {"1 2  3   4    5", 2, {{0, 10, 4, 4}, {14, 15, 1, 1}}},
        /* a letter breaks a gap; a separator run then a letter is no join */
        {"12 a34 -x5", 3, {{0, 2, 2, 1}, {4, 6, 2, 1}, {9, 10, 1, 1}}},
        /* every separator byte joins, ':' does not */
        {"1(2)3-4.5/6 7:8", 2, {{0, 13, 7, 7}, {14, 15, 1, 1}}},
        /* separators at the end of the input join nothing */
        {"+44 20 7946 0958 - ", 1, {{1, 16, 12, 4}}},
    };

    (void)state;
    for (size_t c = 0; c < PCL_ARRAY_LEN(cases); c++) {
        const unsigned char *p = (const unsigned char *)cases[c].text;
        size_t n = strlen(cases[c].text), k = 0;
        struct pcl_cluster_iter it;

        pcl_cluster_iter_init(&it, p, n, NULL, use_avx2);
        while (pcl_cluster_next(&it)) {
            assert_true(k < cases[c].nclusters);
            assert_int_equal(it.cl.start, cases[c].want[k].start);
            assert_int_equal(it.cl.end, cases[c].want[k].end);
            assert_int_equal(it.cl.digits, cases[c].want[k].digits);
            assert_int_equal(it.cl.groups, cases[c].want[k].groups);
            k++;
        }
        assert_int_equal(k, cases[c].nclusters);
        assert_int_equal(check_walk(p, n), cases[c].nclusters);
    }
}

/* Short clusters are skipped unless a word's letter stands right before them. */
static void
test_pcl_cluster_next_skip(void **state)
{
    static const char text[] = "    12, x34, 5.6, 789012, ab12, 9, 3fa12, 1-2-3-4, 4.5, 99a1";
    static const struct pcl_cluster_skip skip = {2, 2, 6, 6};
    static const size_t want[] = {9, 18, 28, 42};
    struct pcl_cluster_iter it;
    size_t starts[8], k = 0;

    (void)state;
    pcl_cluster_iter_init(&it, (const unsigned char *)text, strlen(text), &skip, use_avx2);
    while (pcl_cluster_next(&it)) {
        assert_true(k < PCL_ARRAY_LEN(starts));
        starts[k++] = it.cl.start;
    }
    /* "x34" and "ab12" (a word's letters before), "789012" and "1-2-3-4" (long enough); not
     * "12", "5.6", "9" (one digit), "3fa12" or "99a1" (letters inside a word), "4.5" */
    assert_int_equal(k, PCL_ARRAY_LEN(want));
    for (size_t i = 0; i < k; i++) {
        assert_int_equal(starts[i], want[i]);
    }
}

/* Letters, '+' and the trunk-zero flag around the last cluster of each text. */
static void
test_pcl_cluster_next_letters(void **state)
{
    static const struct {
        const char *text;
        uint32_t lead, lead_gap, trail;
        bool plus, lead0;
    } cases[] = {
        {"DE89 3704", 2, 2, 0, false, false},
        {"AB 123456 C", 0, 2, 1, false, false},
        {"X-1234567-L", 0, 1, 1, false, false},
        {"abcdefghi12", 0, 0, 0, false, false},   /* 9 letters: no word start */
        {"abcdefgh12", 8, 8, 0, false, false},    /* 8 letters */
        {"9abc12", 0, 0, 0, false, false},        /* a digit before the letters */
        {"12abcdefghijk", 0, 0, 8, false, false}, /* trail stops at 8 */
        {"+49 (030) 1234567", 0, 0, 0, true, true},
        {"+49 030 1234567", 0, 0, 0, true, false},         /* " 030" follows a digit */
        {"12.  030 123456", 0, 0, 0, false, true},         /* " 030" follows a separator */
        {"ORD-2023-026458 queued", 0, 3, 6, false, false}, /* "026458" follows a "-" */
        {"0301 23", 0, 0, 0, false, true},
        {"0301", 0, 0, 0, false, false}, /* no separator after the group */
    };

    (void)state;
    for (size_t c = 0; c < PCL_ARRAY_LEN(cases); c++) {
        const unsigned char *p = (const unsigned char *)cases[c].text;
        size_t n = strlen(cases[c].text);
        struct pcl_cluster_iter it;

        struct pcl_cluster last;

        pcl_cluster_iter_init(&it, p, n, NULL, use_avx2);
        assert_true(pcl_cluster_next(&it));
        do {
            last = it.cl;
        } while (pcl_cluster_next(&it));
        it.cl = last;
        assert_int_equal(it.cl.lead, cases[c].lead);
        assert_int_equal(it.cl.lead_gap, cases[c].lead_gap);
        assert_int_equal(it.cl.trail, cases[c].trail);
        assert_int_equal(it.cl.plus, cases[c].plus);
        assert_int_equal(it.cl.lead0, cases[c].lead0);
        (void)check_walk(p, n);
    }
}

/* One cluster moved across the first block edges: every placement of "AB+0123-45 6789 CD"
 * (and of its separators) relative to offsets 0..130, in inputs cut right after it or not. */
static void
test_pcl_cluster_next_block_edges(void **state)
{
    static const char *const pieces[] = {
        "AB+0123-45 6789 CD", "12-(34)", "1 - 2", "5---6", "99 ", " -88", "7", "x1.2.3.4y",
    };
    unsigned char buf[260];

    (void)state;
    for (size_t k = 0; k < PCL_ARRAY_LEN(pieces); k++) {
        size_t len = strlen(pieces[k]);

        for (size_t off = 0; off <= 130; off++) {
            memset(buf, 'z', sizeof(buf));
            memcpy(buf + off, pieces[k], len);
            assert_true(check_walk(buf, off + len) >= 1); /* the input ends with the piece */
            (void)check_walk(buf, off + len + 5);
            /* the byte before the piece a digit, a separator or a letter */
            if (off > 0) {
                buf[off - 1] = '3';
                (void)check_walk(buf, off + len + 1);
                buf[off - 1] = ' ';
                (void)check_walk(buf, off + len + 1);
            }
        }
    }
}

/* Digit runs longer than a block, starting and ending anywhere, and more than 32 groups. */
static void
test_pcl_cluster_next_long_runs(void **state)
{
    unsigned char buf[400];

    (void)state;
    for (size_t start = 0; start < 70; start++) {
        for (size_t len = 60; len <= 200; len += 7) {
            memset(buf, ' ', sizeof(buf));
            memset(buf + start, '5', len);
            assert_int_equal(check_walk(buf, start + len), 1);
            assert_int_equal(check_walk(buf, PCL_MIN(sizeof(buf), start + len + 9)), 1);
        }
    }
    /* 100 groups "12 " in a row: one cluster of 100 groups */
    for (size_t i = 0; i < 300; i += 3) {
        memcpy(buf + i, "12 ", 3);
    }
    assert_int_equal(check_walk(buf, 299), 1);
    {
        struct pcl_cluster_iter it;

        pcl_cluster_iter_init(&it, buf, 299, NULL, use_avx2);
        assert_true(pcl_cluster_next(&it));
        assert_int_equal(it.cl.groups, 100);
        assert_int_equal(it.cl.digits, 200);
    }
}

/* Random buffers rich in digits, separators and letters, at every length up to 300. */
static void
test_pcl_cluster_next_random(void **state)
{
    static const char alphabet[] = "0123456789012345678901234567890 -./()  ---+abZ:,\n";
    unsigned char buf[300];
    uint64_t x = 0x2545f4914f6cdd1du;

    (void)state;
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(next_rand(&x) % (sizeof(buf) + 1));
        unsigned mode = (unsigned)(next_rand(&x) % 3);

        for (size_t i = 0; i < n; i++) {
            uint64_t r = next_rand(&x);

            if (mode == 0) {
                buf[i] = (unsigned char)alphabet[r % (sizeof(alphabet) - 1)];
            } else if (mode == 1) { /* mostly digits: long clusters */
                buf[i] = r % 6 == 0 ? (unsigned char)" -.a"[(r >> 8) % 4]
                                    : (unsigned char)('0' + (r >> 16) % 10);
            } else { /* sparse: letters with the odd digit */
                buf[i] = r % 5 == 0 ? (unsigned char)('0' + (r >> 8) % 10)
                                    : (unsigned char)"abcXY -"[(r >> 16) % 7];
            }
        }
        (void)check_walk(buf, n);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_cluster_next_table),
        cmocka_unit_test(test_pcl_cluster_next_letters),
        cmocka_unit_test(test_pcl_cluster_next_skip),
        cmocka_unit_test(test_pcl_cluster_next_block_edges),
        cmocka_unit_test(test_pcl_cluster_next_long_runs),
        cmocka_unit_test(test_pcl_cluster_next_random),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    if (!pcl_scanmask_avx2_usable()) {
        print_message("[  SKIPPED ] the AVX2 masks: no AVX2 on this CPU (or PCL_NO_AVX2 set)\n");
        return failed;
    }
    use_avx2 = true;
    return failed + cmocka_run_group_tests(tests, NULL, NULL);
}
