/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the 64-byte byte-class masks: every byte value, block tails and random buffers
 * against a byte-by-byte reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scanmask.h"

static bool
ref_in(unsigned char c, enum pcl_scanmask_class cls)
{
    switch (cls) {
    case PCL_SCANMASK_DIGIT:
        return c >= '0' && c <= '9';
    case PCL_SCANMASK_ALNUM:
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    case PCL_SCANMASK_HEXSEP:
        return c == ':' || c == '-' || c == '.';
    case PCL_SCANMASK_CLUSTERSEP:
        return c == ' ' || c == '(' || c == ')' || c == '-' || c == '.' || c == '/';
    case PCL_SCANMASK_HEX:
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    case PCL_SCANMASK_NCLASSES:
        break;
    }
    return false;
}

static uint64_t
ref_mask(const unsigned char *p, size_t n, size_t at, enum pcl_scanmask_class cls)
{
    uint64_t m = 0;

    for (size_t i = 0; i < 64 && at + i < n; i++) {
        if (ref_in(p[at + i], cls)) {
            m |= (uint64_t)1 << i;
        }
    }
    return m;
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

/* Every byte value 0..255 in four blocks: each class bit matches the reference. */
static void
test_pcl_scanmask_block_every_byte(void **state)
{
    unsigned char buf[256];

    (void)state;
    for (unsigned i = 0; i < 256; i++) {
        buf[i] = (unsigned char)i;
    }
    for (size_t at = 0; at < 256; at += 64) {
        struct pcl_scanmask m;

        pcl_scanmask_block(buf + at, ~0u, &m);
        assert_true(m.digit == ref_mask(buf, 256, at, PCL_SCANMASK_DIGIT));
        assert_true(m.alnum == ref_mask(buf, 256, at, PCL_SCANMASK_ALNUM));
        assert_true(m.hexsep == ref_mask(buf, 256, at, PCL_SCANMASK_HEXSEP));
        assert_true(m.clustersep == ref_mask(buf, 256, at, PCL_SCANMASK_CLUSTERSEP));
        assert_true(m.hex == ref_mask(buf, 256, at, PCL_SCANMASK_HEX));
    }
}

/* The masks of p[at..at+64) within p[0..n) a want bit set asks for, from the reference. */
static void
ref_masks(const unsigned char *p, size_t n, size_t at, unsigned want, struct pcl_scanmask *m)
{
    uint64_t *out[PCL_SCANMASK_NCLASSES] = {&m->digit, &m->alnum, &m->hexsep, &m->clustersep,
                                            &m->hex};

    for (int c = 0; c < PCL_SCANMASK_NCLASSES; c++) {
        *out[c] = (want & (1u << c)) != 0 ? ref_mask(p, n, at, (enum pcl_scanmask_class)c) : 0;
    }
}

static void
assert_same_masks(const struct pcl_scanmask *got, const struct pcl_scanmask *want)
{
    assert_true(got->digit == want->digit);
    assert_true(got->alnum == want->alnum);
    assert_true(got->hexsep == want->hexsep);
    assert_true(got->clustersep == want->clustersep);
    assert_true(got->hex == want->hex);
}

/* Every byte value at every position of a block (256 rotations of 0..255), and every want
 * bit set (the engine asks for one class, or all of them): the SSE2 masks (scalar where there
 * is no SSE2) match the reference. */
static void
test_pcl_scanmask_block_every_byte_every_want(void **state)
{
    unsigned char buf[256 + 64];

    (void)state;
    for (unsigned shift = 0; shift < 256; shift++) {
        for (unsigned i = 0; i < sizeof(buf); i++) {
            buf[i] = (unsigned char)(i + shift);
        }
        for (unsigned want = 0; want <= PCL_SCANMASK_ALL; want++) {
            struct pcl_scanmask m;
            struct pcl_scanmask r;

            pcl_scanmask_block(buf, want, &m);
            ref_masks(buf, sizeof(buf), 0, want, &r);
            assert_same_masks(&m, &r);
        }
    }
}

/* The same bytes through pcl_scanmask_block_avx2(), which gives every class: the reference's
 * masks, and bit for bit those of pcl_scanmask_block(). */
static void
test_pcl_scanmask_block_avx2_every_byte(void **state)
{
    unsigned char buf[256 + 64];

    (void)state;
    if (!pcl_scanmask_avx2_usable()) {
        print_message("[  SKIPPED ] no AVX2 on this CPU (or PCL_NO_AVX2 set)\n");
        skip();
    }
    for (unsigned shift = 0; shift < 256; shift++) {
        for (unsigned i = 0; i < sizeof(buf); i++) {
            buf[i] = (unsigned char)(i + shift);
        }
        for (size_t at = 0; at + 64 <= sizeof(buf); at += 64) {
            struct pcl_scanmask m;
            struct pcl_scanmask s;
            struct pcl_scanmask r;

            pcl_scanmask_block_avx2(buf + at, &m);
            pcl_scanmask_block(buf + at, PCL_SCANMASK_ALL, &s);
            ref_masks(buf, sizeof(buf), at, PCL_SCANMASK_ALL, &r);
            assert_same_masks(&m, &r);
            assert_same_masks(&m, &s);
        }
    }
}

/* pcl_scanmask_all_at() with and without AVX2 and pcl_scanmask_at() with every want, on
 * random buffers (any byte, or mostly bytes near the class edges) at every offset and length,
 * tails included: all match the reference. */
static void
test_pcl_scanmask_all_at_random(void **state)
{
    /* the class members and their neighbours: '/' ':' '@' '[' '`' '{' ',' '\x1f' '\x7f' ... */
    static const char edges[] = "0123456789/:@AFGZ[`afgz{ ()-./,'*+;\x1f\x7f\x80\xb0\xba\xff";
    unsigned char buf[300];
    uint64_t x = 0x853c49e6748fea9bu;
    bool avx2 = pcl_scanmask_avx2_usable();

    (void)state;
    if (!avx2) {
        print_message("[  SKIPPED ] the AVX2 half: no AVX2 on this CPU (or PCL_NO_AVX2 set)\n");
    }
    for (int round = 0; round < 100; round++) {
        size_t n = (size_t)(next_rand(&x) % (sizeof(buf) + 1));

        for (size_t i = 0; i < n; i++) {
            uint64_t r = next_rand(&x);

            buf[i] = round % 2 == 0 ? (unsigned char)(r >> 24)
                                    : (unsigned char)edges[(r >> 8) % (sizeof(edges) - 1)];
        }
        for (size_t at = 0; at <= n; at++) {
            struct pcl_scanmask m;
            struct pcl_scanmask r;

            ref_masks(buf, n, at, PCL_SCANMASK_ALL, &r);
            pcl_scanmask_all_at(buf, n, at, false, &m);
            assert_same_masks(&m, &r);
            if (avx2) {
                pcl_scanmask_all_at(buf, n, at, true, &m);
                assert_same_masks(&m, &r);
            }
            for (unsigned want = 0; want <= PCL_SCANMASK_ALL; want++) {
                struct pcl_scanmask w;

                ref_masks(buf, n, at, want, &w);
                pcl_scanmask_at(buf, n, at, want, &m);
                assert_same_masks(&m, &w);
            }
        }
    }
}

/* Bytes past the end count as in no class, whatever the memory after them holds. */
static void
test_pcl_scanmask_at_tail(void **state)
{
    static const char text[] = "12ab:-.9Z"; /* 9 bytes, then the terminator */

    (void)state;
    for (size_t n = 0; n <= 9; n++) {
        for (size_t at = 0; at <= n; at++) {
            const unsigned char *p = (const unsigned char *)text;

            assert_true(pcl_scanmask_get(p, n, at, PCL_SCANMASK_DIGIT) ==
                        ref_mask(p, n, at, PCL_SCANMASK_DIGIT));
            assert_true(pcl_scanmask_get(p, n, at, PCL_SCANMASK_ALNUM) ==
                        ref_mask(p, n, at, PCL_SCANMASK_ALNUM));
            assert_true(pcl_scanmask_get(p, n, at, PCL_SCANMASK_HEXSEP) ==
                        ref_mask(p, n, at, PCL_SCANMASK_HEXSEP));
            assert_true(pcl_scanmask_get(p, n, at, PCL_SCANMASK_CLUSTERSEP) ==
                        ref_mask(p, n, at, PCL_SCANMASK_CLUSTERSEP));
            assert_true(pcl_scanmask_get(p, n, at, PCL_SCANMASK_HEX) ==
                        ref_mask(p, n, at, PCL_SCANMASK_HEX));
        }
    }
}

/* next() and run() against a linear search, at every offset of random buffers. */
static void
test_pcl_scanmask_next_and_run_random(void **state)
{
    static const char alphabet[] = "0123456789abcXYZ:-. /()\n\x80\xff";
    unsigned char buf[300];
    uint64_t x = 0x9e3779b97f4a7c15u;

    (void)state;
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(next_rand(&x) % sizeof(buf));
        /* sparse or dense classes, so long runs and long gaps both occur */
        unsigned dense = (unsigned)(next_rand(&x) % 4);

        for (size_t i = 0; i < n; i++) {
            uint64_t r = next_rand(&x);

            buf[i] = dense == 0 && r % 8 != 0
                         ? (unsigned char)' '
                         : (unsigned char)alphabet[(r >> 8) % (sizeof(alphabet) - 1)];
        }
        for (size_t at = 0; at <= n; at++) {
            for (int c = 0; c < PCL_SCANMASK_NCLASSES; c++) {
                enum pcl_scanmask_class cls = (enum pcl_scanmask_class)c;
                size_t want = at, run = 0;

                while (want < n && !ref_in(buf[want], cls)) {
                    want++;
                }
                while (at + run < n && ref_in(buf[at + run], cls)) {
                    run++;
                }
                assert_int_equal(pcl_scanmask_next(buf, n, at, cls), want);
                assert_int_equal(pcl_scanmask_run(buf, n, at, cls), run);
            }
        }
    }
}

/* runs_from() against a bit-by-bit count on random and run-heavy mask pairs, every k. */
static void
test_pcl_scanmask_runs_from_random(void **state)
{
    uint64_t x = 0xda942042e4dd58b5u;

    (void)state;
    for (int round = 0; round < 2000; round++) {
        uint64_t lo = next_rand(&x), hi = next_rand(&x);

        if (round % 3 == 1) { /* long runs: few clear bits */
            lo |= next_rand(&x) | next_rand(&x);
            hi |= next_rand(&x) | next_rand(&x);
        } else if (round % 3 == 2) {
            lo = round % 2 == 0 ? ~(uint64_t)0 : lo | (lo << 1) | (lo << 2);
            hi = hi | (hi >> 1);
        }
        for (unsigned k = 1; k <= 64; k++) {
            uint64_t want = 0;

            for (unsigned i = 0; i < 64; i++) {
                unsigned j = 0;

                while (j < k && i + j < 128 &&
                       (((i + j < 64 ? lo >> (i + j) : hi >> (i + j - 64)) & 1) != 0)) {
                    j++;
                }
                if (j == k) {
                    want |= (uint64_t)1 << i;
                }
            }
            assert_true(pcl_scanmask_runs_from(lo, hi, k) == want);
        }
    }
}

/* popcount() against a bit loop on random words of every density. */
static void
test_pcl_scanmask_popcount_random(void **state)
{
    uint64_t x = 0x2545f4914f6cdd1du;

    (void)state;
    assert_int_equal(pcl_scanmask_popcount(0), 0);
    assert_int_equal(pcl_scanmask_popcount(~(uint64_t)0), 64);
    for (int round = 0; round < 10000; round++) {
        uint64_t v = next_rand(&x);
        uint32_t want = 0;

        if (round % 3 == 1) {
            v &= next_rand(&x) & next_rand(&x);
        } else if (round % 3 == 2) {
            v |= next_rand(&x) | next_rand(&x);
        }
        for (unsigned i = 0; i < 64; i++) {
            want += (uint32_t)((v >> i) & 1);
        }
        assert_int_equal(pcl_scanmask_popcount(v), want);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_scanmask_block_every_byte),
        cmocka_unit_test(test_pcl_scanmask_block_every_byte_every_want),
        cmocka_unit_test(test_pcl_scanmask_block_avx2_every_byte),
        cmocka_unit_test(test_pcl_scanmask_all_at_random),
        cmocka_unit_test(test_pcl_scanmask_at_tail),
        cmocka_unit_test(test_pcl_scanmask_next_and_run_random),
        cmocka_unit_test(test_pcl_scanmask_runs_from_random),
        cmocka_unit_test(test_pcl_scanmask_popcount_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
