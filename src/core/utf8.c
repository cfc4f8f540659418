/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 validation, decoding and counting per RFC 3629 / Unicode Table 3-7, with a fast path
 * for ASCII runs because it runs over every scanned byte. */
#include "common.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define HIGH_BITS 0x8080808080808080ull
#define BLOCK     16 /* bytes checked per ASCII fast-path step */

/* True when p[0..BLOCK) is all ASCII; memcpy keeps the loads alignment-safe. */
static inline bool
block_is_ascii(const unsigned char *p)
{
    uint64_t a;
    uint64_t b;

    memcpy(&a, p, sizeof(a));
    memcpy(&b, p + sizeof(a), sizeof(b));
    return ((a | b) & HIGH_BITS) == 0;
}

static inline bool
is_cont(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

/* Length (1..4) of the well-formed sequence at p[0..n), storing its code point, or 0 when the
 * sequence is ill-formed or truncated. The second-byte ranges exclude overlongs (E0 80..9F,
 * F0 80..8F), surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..BF). */
static inline size_t
seq_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned c = p[0];
    unsigned lo = 0x80;
    unsigned hi = 0xbf;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xc2) {
        return 0; /* continuation byte, or C0/C1 which only start overlongs */
    }
    if (c < 0xe0) {
        if (n < 2 || !is_cont(p[1])) {
            return 0;
        }
        *cp = (uint32_t)(c & 0x1f) << 6 | (uint32_t)(p[1] & 0x3f);
        return 2;
    }
    if (c < 0xf0) {
        if (c == 0xe0) {
            lo = 0xa0;
        } else if (c == 0xed) {
            hi = 0x9f;
        }
        if (n < 3 || p[1] < lo || p[1] > hi || !is_cont(p[2])) {
            return 0;
        }
        *cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (uint32_t)(p[2] & 0x3f);
        return 3;
    }
    if (c < 0xf5) {
        if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;
        }
        if (n < 4 || p[1] < lo || p[1] > hi || !is_cont(p[2]) || !is_cont(p[3])) {
            return 0;
        }
        *cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
              (uint32_t)(p[2] & 0x3f) << 6 | (uint32_t)(p[3] & 0x3f);
        return 4;
    }
    return 0;
}

/* On false, *bad is where the offending sequence starts: s[0..*bad) is the longest valid
 * prefix. */
bool
pcl_utf8_is_valid(const char *s, size_t n, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t end;

        if (n - i >= BLOCK && block_is_ascii(p + i)) {
            i += BLOCK;
            continue;
        }
        /* Walk this block byte by byte before trying the fast path again, so mixed text does
         * not pay for a failed block test at every character. */
        end = PCL_MIN(n, i + BLOCK);
        while (i < end) {
            uint32_t cp;
            size_t len;

            if (p[i] < 0x80) {
                i++;
                continue;
            }
            len = seq_decode(p + i, n - i, &cp);
            if (len == 0) {
                if (bad != NULL) {
                    *bad = i;
                }
                return false;
            }
            i += len;
        }
    }
    return true;
}

/* On failure *cp is U+FFFD, the replacement character. */
size_t
pcl_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    size_t len;

    if (s == NULL || n == 0) {
        *cp = 0xfffd;
        return 0;
    }
    len = seq_decode((const unsigned char *)s, n, cp);
    if (len == 0) {
        *cp = 0xfffd;
    }
    return len;
}

size_t
pcl_utf8_count(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    size_t count = 0;

    while (i < n) {
        size_t end;

        if (n - i >= BLOCK && block_is_ascii(p + i)) {
            i += BLOCK;
            count += BLOCK;
            continue;
        }
        end = PCL_MIN(n, i + BLOCK);
        while (i < end) {
            uint32_t cp;
            size_t len = p[i] < 0x80 ? 1 : seq_decode(p + i, n - i, &cp);

            i += len == 0 ? 1 : len; /* an invalid byte counts as one */
            count++;
        }
    }
    return count;
}

size_t
pcl_utf8_encode(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t
pcl_count_byte(const char *s, size_t n, char c, size_t *last)
{
    size_t i = 0, count = 0;

    *last = n;
#if defined(__SSE2__)
    /* Per 16 bytes a compare and a subtract (a match is -1), summed every 255 blocks: no
     * branch per block, no popcount (not in baseline x86-64). */
    const __m128i want = _mm_set1_epi8(c), zero = _mm_setzero_si128();

    while (n - i >= 16) {
        size_t blocks = PCL_MIN((n - i) / 16, (size_t)255);
        __m128i acc = zero, sum;

        for (size_t k = 0; k < blocks; k++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));

            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, want));
        }
        sum = _mm_sad_epu8(acc, zero);
        count += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_extract_epi16(sum, 4);
    }
#endif
    for (size_t k = i; k < n; k++) {
        if (s[k] == c) {
            count++;
            *last = k;
        }
    }
#if defined(__SSE2__)
    /* the last match is in the blocks: look for it from the end */
    for (size_t k = i; *last == n && count > 0 && k >= 16; k -= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + k - 16));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, want));

        if (m != 0) {
            *last = k - 16 + 31 - (size_t)__builtin_clz(m);
        }
    }
#endif
    return count;
}

uint64_t
pcl_fnv1a(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 14695981039346656037u;

    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 1099511628211u;
    }
    return h;
}
