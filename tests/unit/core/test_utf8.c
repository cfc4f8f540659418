/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/core/utf8.c: Unicode Table 3-7 edge cases, the ASCII fast path at block
 * boundaries, and an exhaustive cross-check against a bit-pattern reference decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common.h"
#include "pcl_test.h"

/* Each string carries its byte length explicitly: several contain NUL. */
static const struct {
    const char *s;
    size_t n;
    bool valid;
    size_t bad; /* offset of the first invalid sequence when !valid */
} validity[] = {
    {"", 0, true, 0},
    {"hello", 5, true, 0},
    {"\x00", 1, true, 0},                      /* U+0000 */
    {"\x7f", 1, true, 0},                      /* U+007F */
    {"\xc2\x80", 2, true, 0},                  /* U+0080 */
    {"\xdf\xbf", 2, true, 0},                  /* U+07FF */
    {"\xe0\xa0\x80", 3, true, 0},              /* U+0800 */
    {"\xe2\x82\xac", 3, true, 0},              /* U+20AC euro sign */
    {"\xed\x9f\xbf", 3, true, 0},              /* U+D7FF, last before the surrogates */
    {"\xee\x80\x80", 3, true, 0},              /* U+E000, first after the surrogates */
    {"\xef\xbf\xbf", 3, true, 0},              /* U+FFFF */
    {"\xf0\x90\x80\x80", 4, true, 0},          /* U+10000 */
    {"\xf0\x9f\x98\x80", 4, true, 0},          /* U+1F600 emoji */
    {"\xf4\x8f\xbf\xbf", 4, true, 0},          /* U+10FFFF, the last code point */
    {"\xc0\x80", 2, false, 0},                 /* overlong U+0000 */
    {"\xc1\xbf", 2, false, 0},                 /* overlong U+007F */
    {"\xe0\x80\x80", 3, false, 0},             /* overlong U+0000 */
    {"\xe0\x9f\xbf", 3, false, 0},             /* overlong U+07FF */
    {"\xf0\x80\x80\x80", 4, false, 0},         /* overlong U+0000 */
    {"\xf0\x8f\xbf\xbf", 4, false, 0},         /* overlong U+FFFF */
    {"\xed\xa0\x80", 3, false, 0},             /* U+D800 high surrogate */
    {"\xed\xbf\xbf", 3, false, 0},             /* U+DFFF low surrogate */
    {"\xed\xa0\xbd\xed\xb8\x80", 6, false, 0}, /* CESU-8 surrogate pair */
    {"\xf4\x90\x80\x80", 4, false, 0},         /* U+110000 */
    {"\xf5\x80\x80\x80", 4, false, 0},         /* lead byte past F4 */
    {"\xf8\x88\x80\x80\x80", 5, false, 0},     /* old 5-byte form */
    {"\xfe", 1, false, 0},
    {"\xff", 1, false, 0},
    {"\x80", 1, false, 0}, /* lone continuation */
    {"\xbf\x80", 2, false, 0},
    {"\xc2", 1, false, 0},         /* truncated 2-byte */
    {"ab\xe2\x82", 4, false, 2},   /* truncated 3-byte at the end */
    {"ab\xe2\x82z", 5, false, 2},  /* 3-byte cut short by ASCII */
    {"\xf0\x9f\x98", 3, false, 0}, /* truncated 4-byte */
    {"\xc2\x41", 2, false, 0},     /* continuation missing */
    {"a\xc3\xa9\xc3", 4, false, 3},
    /* 20 ASCII bytes take the 16-byte fast path first. */
    {"abcdefghijklmnopqrst\xc0\x80", 22, false, 20},
    {"abcdefghijklmnopqrst\xc3\xa9", 22, true, 0},
    /* A sequence straddling the 16-byte block boundary, then a surrogate further on. */
    {"abcdefghijklmn\xe2\x82\xac"
     "abcdefghijklmnopqrs\xed\xa0\x80",
     39, false, 36},
    {"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\xf4\x8f\xbf\xbf", 66, true, 0},
    {"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\xf4\x8f\xbf", 65, false, 62},
};

static void
test_pcl_utf8_is_valid_table(void **state)
{
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(validity); i++) {
        size_t bad = 12345;
        bool ok = pcl_utf8_is_valid(validity[i].s, validity[i].n, &bad);

        if (ok != validity[i].valid) {
            fail_msg("case %zu: valid %d, want %d", i, ok, validity[i].valid);
        }
        if (!ok) {
            assert_int_equal(bad, validity[i].bad);
        } else {
            assert_int_equal(bad, 12345); /* untouched on success */
        }
        /* NULL bad pointer is allowed. */
        assert_int_equal(pcl_utf8_is_valid(validity[i].s, validity[i].n, NULL), ok);
    }
}

static void
test_pcl_utf8_decode_table(void **state)
{
    static const struct {
        const char *s;
        size_t n;
        size_t len;
        uint32_t cp;
    } cases[] = {
        {"A", 1, 1, 0x41},
        {"\x00", 1, 1, 0},
        {"\xc3\xa9xyz", 5, 2, 0xe9},
        {"\xe2\x82\xac", 3, 3, 0x20ac},
        {"\xf0\x9f\x98\x80", 4, 4, 0x1f600},
        {"\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff},
        {"", 0, 0, 0xfffd},
        {"\xc0\x80", 2, 0, 0xfffd},
        {"\xed\xa0\x80", 3, 0, 0xfffd},
        {"\xf4\x90\x80\x80", 4, 0, 0xfffd},
        {"\xe2\x82\xac", 2, 0, 0xfffd}, /* n cuts the sequence */
        {"\x80", 1, 0, 0xfffd},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        uint32_t cp = 0x12345678;

        assert_int_equal(pcl_utf8_decode(cases[i].s, cases[i].n, &cp), cases[i].len);
        assert_int_equal(cp, cases[i].cp);
    }
}

static void
test_pcl_utf8_count_table(void **state)
{
    static const struct {
        const char *s;
        size_t n;
        size_t count;
    } cases[] = {
        {"", 0, 0},
        {"hello", 5, 5},
        {"h\xc3\xa9llo", 6, 5},
        {"\xe2\x82\xac\xf0\x9f\x98\x80", 7, 2},
        {"a\xff"
         "b",
         3, 3},
        {"ab\xe2\x82z", 5, 5}, /* each byte of the broken sequence counts once */
        {"\xed\xa0\x80", 3, 3},
        {"abcdefghijklmnopqrstuvwxyz0123456789\xc3\xa9", 38, 37},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        assert_int_equal(pcl_utf8_count(cases[i].s, cases[i].n), cases[i].count);
    }
}

static void
test_pcl_utf8_count_long_mixed(void **state)
{
    static const char two_and_four[6] = "\xc3\xa9\xf0\x9f\x98\x80"; /* U+00E9 U+1F600 */
    char buf[3000];
    size_t n = 0;
    size_t want = 0;
    (void)state;

    /* Runs of ASCII of every length 0..40 separated by a 2-byte and a 4-byte character. */
    for (size_t run = 0; run <= 40; run++) {
        for (size_t k = 0; k < run; k++) {
            buf[n++] = (char)('a' + k % 26);
            want++;
        }
        memcpy(buf + n, two_and_four, sizeof(two_and_four));
        n += sizeof(two_and_four);
        want += 2;
    }
    assert_true(n <= sizeof(buf));
    assert_int_equal(pcl_utf8_count(buf, n), want);
    assert_true(pcl_utf8_is_valid(buf, n, NULL));
}

/* Reference: decode by bit pattern without range tables, then reject what RFC 3629 forbids
 * (non-shortest forms, surrogates, > U+10FFFF). Returns the length or 0. */
static size_t
ref_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len;
    uint32_t v;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    } else if ((p[0] & 0xe0) == 0xc0) {
        len = 2;
        v = p[0] & 0x1fu;
    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3;
        v = p[0] & 0x0fu;
    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4;
        v = p[0] & 0x07u;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        v = v << 6 | (p[i] & 0x3fu);
    }
    if (v < min_cp[len] || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) {
        return 0;
    }
    *cp = v;
    return len;
}

static bool
ref_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint32_t cp;
        size_t len = ref_decode(p + i, n - i, &cp);

        if (len == 0) {
            return false;
        }
        i += len;
    }
    return true;
}

static void
check_against_ref(const uint8_t *p, size_t n)
{
    uint32_t cp = 0;
    uint32_t ref_cp = 0;
    size_t want = ref_decode(p, n, &ref_cp);
    size_t got = pcl_utf8_decode((const char *)p, n, &cp);
    bool valid = ref_valid(p, n);

    if (got != want || (got > 0 && cp != ref_cp) ||
        pcl_utf8_is_valid((const char *)p, n, NULL) != valid) {
        fail_msg("mismatch on %02x %02x %02x %02x (n %zu): len %zu want %zu", p[0],
                 n > 1 ? p[1] : 0, n > 2 ? p[2] : 0, n > 3 ? p[3] : 0, n, got, want);
    }
}

static void
test_pcl_utf8_exhaustive_up_to_3_bytes(void **state)
{
    uint8_t p[3];
    (void)state;

    for (unsigned a = 0; a < 256; a++) {
        p[0] = (uint8_t)a;
        check_against_ref(p, 1);
        for (unsigned b = 0; b < 256; b++) {
            p[1] = (uint8_t)b;
            check_against_ref(p, 2);
            for (unsigned c = 0; c < 256; c++) {
                p[2] = (uint8_t)c;
                check_against_ref(p, 3);
            }
        }
    }
}

static void
test_pcl_utf8_4_byte_edges(void **state)
{
    static const uint8_t edges[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f,
                                    0xa0, 0xbf, 0xc0, 0xc2, 0xe0, 0xf0, 0xff};
    uint8_t p[4];
    (void)state;

    for (unsigned a = 0xc0; a < 256; a++) {
        p[0] = (uint8_t)a;
        for (size_t b = 0; b < sizeof(edges); b++) {
            p[1] = edges[b];
            for (size_t c = 0; c < sizeof(edges); c++) {
                p[2] = edges[c];
                for (size_t d = 0; d < sizeof(edges); d++) {
                    p[3] = edges[d];
                    check_against_ref(p, 4);
                }
            }
        }
    }
}

static void
test_pcl_utf8_encode_round_trips(void **state)
{
    static const uint32_t cps[] = {0,      0x41,   0x7f,    0x80,    0x7ff,
                                   0x800,  0xe9,   0x20ac,  0xd7ff,  0xe000,
                                   0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff};

    (void)state;
    for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        char out[4];
        uint32_t back = 0;
        size_t n = pcl_utf8_encode(out, cps[i]);

        assert_int_equal(n, cps[i] < 0x80 ? 1 : cps[i] < 0x800 ? 2 : cps[i] < 0x10000 ? 3 : 4);
        assert_int_equal(pcl_utf8_decode(out, n, &back), n);
        assert_int_equal(back, cps[i]);
    }
}

/* pcl_count_byte against a byte loop: every length and start offset up to 70 over buffers
 * dense and sparse in the counted byte (including 0x80+ bytes, which movemask sees as sign
 * bits). */
static void
test_pcl_count_byte_matches_loop(void **state)
{
    static char buf[256];
    uint32_t x = 12345;

    (void)state;
    for (int density = 1; density <= 64; density *= 4) {
        for (size_t k = 0; k < sizeof(buf); k++) {
            x = x * 1103515245u + 12345u;
            buf[k] = (x >> 16) % (unsigned)density == 0 ? '\n' : (char)(0x80 | (x >> 24));
        }
        for (size_t off = 0; off < 20; off++) {
            for (size_t n = 0; n <= 70; n++) {
                size_t want = 0, want_last = n, last = 12345;

                for (size_t k = 0; k < n; k++) {
                    if (buf[off + k] == '\n') {
                        want++;
                        want_last = k;
                    }
                }
                assert_int_equal(pcl_count_byte(buf + off, n, '\n', &last), want);
                assert_int_equal(last, want_last);
            }
        }
    }
}

/* The published FNV-1a 64 test vectors. */
static void
test_pcl_fnv1a_vectors(void **state)
{
    (void)state;
    assert_true(pcl_fnv1a("", 0) == 0xcbf29ce484222325u);
    assert_true(pcl_fnv1a("a", 1) == 0xaf63dc4c8601ec8cu);
    assert_true(pcl_fnv1a("foobar", 6) == 0x85944171f73967e8u);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_utf8_encode_round_trips),
        cmocka_unit_test(test_pcl_utf8_is_valid_table),
        cmocka_unit_test(test_pcl_utf8_decode_table),
        cmocka_unit_test(test_pcl_utf8_count_table),
        cmocka_unit_test(test_pcl_utf8_count_long_mixed),
        cmocka_unit_test(test_pcl_utf8_exhaustive_up_to_3_bytes),
        cmocka_unit_test(test_pcl_utf8_4_byte_edges),
        cmocka_unit_test(test_pcl_count_byte_matches_loop),
        cmocka_unit_test(test_pcl_fnv1a_vectors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
