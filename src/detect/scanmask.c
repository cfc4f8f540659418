/* SPDX-License-Identifier: Apache-2.0 */
/* The AVX2 byte-class masks, compiled for AVX2 in this function only and chosen at run time,
 * so the rest of the build stays on baseline x86-64. */
#include "scanmask.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define PCL_SCANMASK_X86 1
#else
#define PCL_SCANMASK_X86 0
#endif

bool
pcl_scanmask_avx2_usable(void)
{
#if PCL_SCANMASK_X86
    const char *off = getenv("PCL_NO_AVX2"); /* NOLINT(concurrency-mt-unsafe): read-only */

    if (off != NULL && off[0] != '\0' && strcmp(off, "0") != 0) {
        return false;
    }
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
#else
    return false;
#endif
}

#if PCL_SCANMASK_X86
/* Bits of the nibble tables: a byte is in a class when the entries of its low and its high
 * nibble share one of the class's bits. */
#define T_DIGIT 0x80u /* 0x30-0x39; bit 7, so movemask gives the digit mask as is */
#define T_AO    0x02u /* 0x41-0x4f, 0x61-0x6f: A-O a-o */
#define T_PZ    0x04u /* 0x50-0x5a, 0x70-0x7a: P-Z p-z */
#define T_HEXL  0x08u /* 0x41-0x46, 0x61-0x66: A-F a-f */
#define T_COLON 0x10u /* 0x3a */
#define T_DASH  0x20u /* 0x2d 0x2e: '-' '.' (hexsep and clustersep) */
#define T_CSEP  0x40u /* 0x20 0x28 0x29 0x2f: ' ' '(' ')' '/' */

/* Bytes of t that share a bit with cls, as bit 7 (t & cls is at most 0x80 + 0x7f). */
__attribute__((target("avx2"))) static inline __m256i
in_class(__m256i t, unsigned char cls)
{
    return _mm256_adds_epu8(_mm256_and_si256(t, _mm256_set1_epi8((char)cls)),
                            _mm256_set1_epi8(0x7f));
}

/* The table bits of each byte of v. */
__attribute__((target("avx2"))) static inline __m256i
classify(__m256i v)
{
    /* by low nibble 0..f */
    const __m256i lo_tab = _mm256_setr_epi8(
        (char)(T_DIGIT | T_PZ | T_CSEP), (char)(T_DIGIT | T_AO | T_PZ | T_HEXL),
        (char)(T_DIGIT | T_AO | T_PZ | T_HEXL), (char)(T_DIGIT | T_AO | T_PZ | T_HEXL),
        (char)(T_DIGIT | T_AO | T_PZ | T_HEXL), (char)(T_DIGIT | T_AO | T_PZ | T_HEXL),
        (char)(T_DIGIT | T_AO | T_PZ | T_HEXL), (char)(T_DIGIT | T_AO | T_PZ),
        (char)(T_DIGIT | T_AO | T_PZ | T_CSEP), (char)(T_DIGIT | T_AO | T_PZ | T_CSEP),
        (char)(T_AO | T_PZ | T_COLON), (char)T_AO, (char)T_AO, (char)(T_AO | T_DASH),
        (char)(T_AO | T_DASH), (char)(T_AO | T_CSEP), (char)(T_DIGIT | T_PZ | T_CSEP),
        (char)(T_DIGIT | T_AO | T_PZ | T_HEXL), (char)(T_DIGIT | T_AO | T_PZ | T_HEXL),
        (char)(T_DIGIT | T_AO | T_PZ | T_HEXL), (char)(T_DIGIT | T_AO | T_PZ | T_HEXL),
        (char)(T_DIGIT | T_AO | T_PZ | T_HEXL), (char)(T_DIGIT | T_AO | T_PZ | T_HEXL),
        (char)(T_DIGIT | T_AO | T_PZ), (char)(T_DIGIT | T_AO | T_PZ | T_CSEP),
        (char)(T_DIGIT | T_AO | T_PZ | T_CSEP), (char)(T_AO | T_PZ | T_COLON), (char)T_AO,
        (char)T_AO, (char)(T_AO | T_DASH), (char)(T_AO | T_DASH), (char)(T_AO | T_CSEP));
    /* by high nibble 0..f: 0x8-0xf (bytes >= 0x80) are in no class */
    const __m256i hi_tab = _mm256_setr_epi8(
        0, 0, (char)(T_DASH | T_CSEP), (char)(T_DIGIT | T_COLON), (char)(T_AO | T_HEXL), (char)T_PZ,
        (char)(T_AO | T_HEXL), (char)T_PZ, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (char)(T_DASH | T_CSEP),
        (char)(T_DIGIT | T_COLON), (char)(T_AO | T_HEXL), (char)T_PZ, (char)(T_AO | T_HEXL),
        (char)T_PZ, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nib = _mm256_set1_epi8(0x0f);
    __m256i lo = _mm256_shuffle_epi8(lo_tab, _mm256_and_si256(v, nib));
    __m256i hi = _mm256_shuffle_epi8(hi_tab, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib));

    return _mm256_and_si256(lo, hi);
}

/* The five masks of one 32-byte half, as 32-bit words. */
__attribute__((target("avx2"))) static inline void
half_masks(const unsigned char *p, uint32_t out[PCL_SCANMASK_NCLASSES])
{
    __m256i t = classify(_mm256_loadu_si256((const __m256i *)(const void *)p));

    out[PCL_SCANMASK_DIGIT] = (uint32_t)_mm256_movemask_epi8(t);
    out[PCL_SCANMASK_ALNUM] =
        (uint32_t)_mm256_movemask_epi8(in_class(t, (unsigned char)(T_DIGIT | T_AO | T_PZ)));
    out[PCL_SCANMASK_HEXSEP] =
        (uint32_t)_mm256_movemask_epi8(in_class(t, (unsigned char)(T_COLON | T_DASH)));
    out[PCL_SCANMASK_CLUSTERSEP] =
        (uint32_t)_mm256_movemask_epi8(in_class(t, (unsigned char)(T_DASH | T_CSEP)));
    out[PCL_SCANMASK_HEX] =
        (uint32_t)_mm256_movemask_epi8(in_class(t, (unsigned char)(T_DIGIT | T_HEXL)));
}

__attribute__((target("avx2"))) void
pcl_scanmask_block_avx2(const unsigned char *p, struct pcl_scanmask *m)
{
    uint32_t lo[PCL_SCANMASK_NCLASSES];
    uint32_t hi[PCL_SCANMASK_NCLASSES];

    half_masks(p, lo);
    half_masks(p + 32, hi);
    m->digit = lo[PCL_SCANMASK_DIGIT] | (uint64_t)hi[PCL_SCANMASK_DIGIT] << 32;
    m->alnum = lo[PCL_SCANMASK_ALNUM] | (uint64_t)hi[PCL_SCANMASK_ALNUM] << 32;
    m->hexsep = lo[PCL_SCANMASK_HEXSEP] | (uint64_t)hi[PCL_SCANMASK_HEXSEP] << 32;
    m->clustersep = lo[PCL_SCANMASK_CLUSTERSEP] | (uint64_t)hi[PCL_SCANMASK_CLUSTERSEP] << 32;
    m->hex = lo[PCL_SCANMASK_HEX] | (uint64_t)hi[PCL_SCANMASK_HEX] << 32;
}
#else
void
pcl_scanmask_block_avx2(const unsigned char *p, struct pcl_scanmask *m)
{
    pcl_scanmask_block(p, PCL_SCANMASK_ALL, m);
}
#endif
