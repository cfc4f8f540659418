/* SPDX-License-Identifier: Apache-2.0 */
/* Byte-class bit masks over 64 input bytes at a time (SSE2, baseline on x86-64; scalar
 * elsewhere; AVX2 for all classes at once where the CPU has it), used by the engine's
 * candidate scanners to skip text without candidate bytes. */
#ifndef PCL_DETECT_SCANMASK_H
#define PCL_DETECT_SCANMASK_H

#include "common.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The classes a mask can hold; bit i of a mask is set when byte i of the block is in it. */
enum pcl_scanmask_class {
    PCL_SCANMASK_DIGIT,      /* 0-9 */
    PCL_SCANMASK_ALNUM,      /* 0-9 A-Z a-z */
    PCL_SCANMASK_HEXSEP,     /* ':' '-' '.' */
    PCL_SCANMASK_CLUSTERSEP, /* ' ' '(' ')' '-' '.' '/': join the digit groups of a cluster */
    PCL_SCANMASK_HEX,        /* 0-9 a-f A-F */
    PCL_SCANMASK_NCLASSES    /* count */
};

/* Every class, as a want bit set. */
#define PCL_SCANMASK_ALL ((1u << PCL_SCANMASK_NCLASSES) - 1)

/* Masks of one 64-byte block; classes not asked for are left 0. */
struct pcl_scanmask {
    uint64_t digit;
    uint64_t alnum;
    uint64_t hexsep;
    uint64_t clustersep;
    uint64_t hex;
};

#if defined(__SSE2__)
/* Bytes of v in [lo, hi] (unsigned), as 0xff lanes: shift the range to start at -128 and
 * compare signed. */
static inline __m128i
pcl_scanmask_range16(__m128i v, unsigned char lo, unsigned char hi)
{
    __m128i x = _mm_add_epi8(v, _mm_set1_epi8((char)(unsigned char)(0x80u - lo)));

    return _mm_cmplt_epi8(x, _mm_set1_epi8((char)(unsigned char)(0x80u + (unsigned)(hi - lo) + 1)));
}
#endif

/* Masks of p[0..64), which must all be readable; want is a bit set of (1u << class). */
static inline void
pcl_scanmask_block(const unsigned char *p, unsigned want, struct pcl_scanmask *m)
{
    m->digit = m->alnum = m->hexsep = m->clustersep = m->hex = 0;
#if defined(__SSE2__)
    for (unsigned k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        __m128i d = pcl_scanmask_range16(v, '0', '9');
        unsigned sh = 16 * k;

        if ((want & (1u << PCL_SCANMASK_DIGIT)) != 0) {
            m->digit |= (uint64_t)(uint16_t)_mm_movemask_epi8(d) << sh;
        }
        if ((want & (1u << PCL_SCANMASK_ALNUM)) != 0) {
            __m128i l = pcl_scanmask_range16(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');

            m->alnum |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(d, l)) << sh;
        }
        if ((want & (1u << PCL_SCANMASK_HEX)) != 0) {
            __m128i h = pcl_scanmask_range16(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'f');

            m->hex |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(d, h)) << sh;
        }
        if ((want & (1u << PCL_SCANMASK_HEXSEP)) != 0) {
            __m128i s = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')),
                                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('.')));

            m->hexsep |= (uint64_t)(uint16_t)_mm_movemask_epi8(s) << sh;
        }
        if ((want & (1u << PCL_SCANMASK_CLUSTERSEP)) != 0) {
            /* ' ', then '(' ')' and '-' '.' '/' as two ranges */
            __m128i s = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                                  pcl_scanmask_range16(v, '(', ')')),
                                     pcl_scanmask_range16(v, '-', '/'));

            m->clustersep |= (uint64_t)(uint16_t)_mm_movemask_epi8(s) << sh;
        }
    }
#else
    for (unsigned i = 0; i < 64; i++) {
        unsigned char c = p[i];
        uint64_t bit = (uint64_t)1 << i;

        if ((want & (1u << PCL_SCANMASK_DIGIT)) != 0 && pcl_is_digit((char)c)) {
            m->digit |= bit;
        }
        if ((want & (1u << PCL_SCANMASK_ALNUM)) != 0 && pcl_is_alnum((char)c)) {
            m->alnum |= bit;
        }
        if ((want & (1u << PCL_SCANMASK_HEXSEP)) != 0 && (c == ':' || c == '-' || c == '.')) {
            m->hexsep |= bit;
        }
        if ((want & (1u << PCL_SCANMASK_CLUSTERSEP)) != 0 &&
            (c == ' ' || c == '(' || c == ')' || c == '-' || c == '.' || c == '/')) {
            m->clustersep |= bit;
        }
        if ((want & (1u << PCL_SCANMASK_HEX)) != 0 &&
            (pcl_is_digit((char)c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))) {
            m->hex |= bit;
        }
    }
#endif
}

/* The 64 bytes of p[at..at+64) within p[0..n): p + at itself, or a copy in tail padded with
 * zero bytes (in no class) past n. */
static inline const unsigned char *
pcl_scanmask_src(const unsigned char *p, size_t n, size_t at, unsigned char tail[64])
{
    if (at + 64 <= n) {
        return p + at;
    }
    memset(tail, 0, 64);
    if (at < n) {
        memcpy(tail, p + at, n - at);
    }
    return tail;
}

/* Masks of p[at..at+64) within p[0..n): bytes at or past n count as in no class. */
static inline void
pcl_scanmask_at(const unsigned char *p, size_t n, size_t at, unsigned want, struct pcl_scanmask *m)
{
    unsigned char tail[64];

    pcl_scanmask_block(pcl_scanmask_src(p, n, at, tail), want, m);
}

/* Whether pcl_scanmask_block_avx2() may run: the CPU has AVX2 and the environment variable
 * PCL_NO_AVX2 is unset, empty or "0" (set it to compare with the SSE2 path). Reads the
 * environment, so call it at set-up, not per scan. */
bool pcl_scanmask_avx2_usable(void);

/* pcl_scanmask_block(p, PCL_SCANMASK_ALL, m), bit for bit, with AVX2 instructions (a nibble
 * table lookup gives every class at once): call only where pcl_scanmask_avx2_usable() is true.
 * Elsewhere than x86-64 it is pcl_scanmask_block(). Out of line, in scanmask.c, the one
 * function built for AVX2. */
void pcl_scanmask_block_avx2(const unsigned char *p, struct pcl_scanmask *m);

/* Every class of p[at..at+64) within p[0..n), as pcl_scanmask_at(.., PCL_SCANMASK_ALL, ..)
 * gives them; with pcl_scanmask_block_avx2() when avx2 (pcl_scanmask_avx2_usable()). */
static inline void
pcl_scanmask_all_at(const unsigned char *p, size_t n, size_t at, bool avx2, struct pcl_scanmask *m)
{
    unsigned char tail[64];
    const unsigned char *b = pcl_scanmask_src(p, n, at, tail);

    if (avx2) {
        pcl_scanmask_block_avx2(b, m);
    } else {
        pcl_scanmask_block(b, PCL_SCANMASK_ALL, m);
    }
}

/* Mask of class cls (one enum value) of p[at..at+64) within p[0..n). */
static inline uint64_t
pcl_scanmask_get(const unsigned char *p, size_t n, size_t at, enum pcl_scanmask_class cls)
{
    struct pcl_scanmask m;

    pcl_scanmask_at(p, n, at, 1u << cls, &m);
    switch (cls) {
    case PCL_SCANMASK_DIGIT:
        return m.digit;
    case PCL_SCANMASK_ALNUM:
        return m.alnum;
    case PCL_SCANMASK_CLUSTERSEP:
        return m.clustersep;
    case PCL_SCANMASK_HEX:
        return m.hex;
    case PCL_SCANMASK_HEXSEP:
    case PCL_SCANMASK_NCLASSES:
        break;
    }
    return m.hexsep;
}

/* Set bits of x (the baseline x86-64 build has no POPCNT instruction). */
static inline uint32_t
pcl_scanmask_popcount(uint64_t x)
{
    x -= (x >> 1) & 0x5555555555555555u;
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
    return (uint32_t)((x * 0x0101010101010101u) >> 56);
}

/* Bits i of lo (the mask of one block; hi that of the next) where a run of at least k set
 * bits starts, 1 <= k <= 64: the run i..i+k-1 may go on into hi. Bits past hi count as
 * clear. */
static inline uint64_t
pcl_scanmask_runs_from(uint64_t lo, uint64_t hi, unsigned k)
{
    unsigned w = 1;

    /* lo:hi holds runs of at least w; each step doubles w (bit i and bit i + w) */
    while (2 * w <= k) {
        lo &= (lo >> w) | (hi << (64 - w));
        hi &= hi >> w;
        w *= 2;
    }
    if (k > w) {
        lo &= (lo >> (k - w)) | (hi << (64 - (k - w)));
    }
    return lo;
}

/* Offset of the first byte at or after at in p[0..n) that is in class cls, or n. */
static inline size_t
pcl_scanmask_next(const unsigned char *p, size_t n, size_t at, enum pcl_scanmask_class cls)
{
    while (at < n) {
        uint64_t m = pcl_scanmask_get(p, n, at, cls);

        if (m != 0) {
            return PCL_MIN(n, at + (size_t)__builtin_ctzll(m));
        }
        at += 64;
    }
    return n;
}

/* Length of the run of class cls starting at p[at] (0 when p[at] is not in it). */
static inline size_t
pcl_scanmask_run(const unsigned char *p, size_t n, size_t at, enum pcl_scanmask_class cls)
{
    size_t len = 0;

    while (at + len < n) {
        uint64_t m = ~pcl_scanmask_get(p, n, at + len, cls);

        if (m != 0) {
            return len + (size_t)__builtin_ctzll(m);
        }
        len += 64;
    }
    return len;
}

#endif
