/* SPDX-License-Identifier: Apache-2.0 */
/* Digit-group shapes of numeric detectors ("3,2,4|4,6,5|1..3,1..3": the lengths of consecutive
 * digit groups a match may have), parsed once and checked against a cluster's groups, by a
 * walk over the alternatives or by a shift-and automaton. */
#ifndef PCL_DETECT_SHAPE_H
#define PCL_DETECT_SHAPE_H

#include "common.h"

/* A parsed shape as a shift-and automaton over the lengths of consecutive digit groups: bit j
 * stands for one group position of one alternative. */
struct pcl_shape_nfa {
    uint64_t start;      /* the first position of each alternative */
    uint64_t end;        /* the last position of each alternative */
    uint64_t by_len[64]; /* positions a group of this many digits fits */
    bool ok;             /* the shape fits in 64 positions and lengths under 63; else
                            pcl_shape_fits() */
};

static inline bool
pcl_shape_parse_uint8(const char **p, uint8_t *out)
{
    unsigned v = 0;
    const char *s = *p;

    if (!pcl_is_digit(*s)) {
        return false;
    }
    while (pcl_is_digit(*s)) {
        v = v * 10 + (unsigned)(*s - '0');
        if (v > 255) {
            return false;
        }
        s++;
    }
    *p = s;
    *out = (uint8_t)v;
    return true;
}

/* "3,2,4|4,6,5|1..3,1..3" into count-prefixed (lo, hi) pairs, 0-terminated. */
static inline enum pcl_rc
pcl_shape_parse(const char *shape, uint8_t *out, size_t cap)
{
    const char *p = shape;
    size_t k = 0;

    memset(out, 0, cap);
    if (shape == NULL) {
        return PCL_OK;
    }
    while (*p != '\0') {
        size_t count_at = k++;
        uint8_t count = 0;

        for (;;) {
            uint8_t lo, hi;

            if (k + 3 > cap || !pcl_shape_parse_uint8(&p, &lo)) {
                return PCL_EINVAL;
            }
            hi = lo;
            if (p[0] == '.' && p[1] == '.') {
                p += 2;
                if (!pcl_shape_parse_uint8(&p, &hi) || hi < lo) {
                    return PCL_EINVAL;
                }
            }
            out[k++] = lo;
            out[k++] = hi;
            count++;
            if (*p != ',') {
                break;
            }
            p++;
        }
        out[count_at] = count;
        if (*p == '|') {
            p++;
        } else if (*p != '\0') {
            return PCL_EINVAL;
        }
    }
    return PCL_OK;
}

/* True when some consecutive groups g[i..] fit one alternative of the shape. */
static inline bool
pcl_shape_fits(const uint8_t *shape, const uint32_t *g, size_t ng)
{
    for (const uint8_t *alt = shape; alt[0] != 0; alt += 1 + 2 * alt[0]) {
        size_t k = alt[0];

        for (size_t i = 0; i + k <= ng; i++) {
            size_t j = 0;

            while (j < k && g[i + j] >= alt[1 + 2 * j] && g[i + j] <= alt[2 + 2 * j]) {
                j++;
            }
            if (j == k) {
                return true;
            }
        }
    }
    return false;
}

/* A group length as one of 8 bits, for sets of the lengths a cluster's groups have: lengths
 * 1-7 their own bit, 8 or more digits bit 0. */
#define PCL_SHAPE_LENBIT(len) ((len) <= 7u ? (len) : 0u)

/* Whether groups whose set of lengths is lenset (bits PCL_SHAPE_LENBIT) may fit shape: some
 * alternative finds, at each of its positions, a length it takes. A necessary condition of
 * pcl_shape_fits(), cheap to tabulate over the 256 sets. */
static inline bool
pcl_shape_may_fit(const uint8_t *shape, unsigned lenset)
{
    for (const uint8_t *alt = shape; alt[0] != 0; alt += 1 + 2 * alt[0]) {
        unsigned j = 0;

        for (; j < alt[0]; j++) {
            unsigned lo = PCL_MAX(alt[1 + 2 * j], 1u), hi = alt[2 + 2 * j];
            unsigned bits = hi >= 8 ? 1u << PCL_SHAPE_LENBIT(8u) : 0;

            for (unsigned len = lo; len <= hi && len <= 7; len++) {
                bits |= 1u << PCL_SHAPE_LENBIT(len);
            }
            if ((bits & lenset) == 0) {
                break;
            }
        }
        if (j == alt[0]) {
            return true;
        }
    }
    return false;
}

/* Compile a parsed shape into nfa (nfa->ok false when it does not fit: then pcl_shape_fits()). */
static inline void
pcl_shape_compile(const uint8_t *shape, struct pcl_shape_nfa *nfa)
{
    unsigned j = 0;

    memset(nfa, 0, sizeof(*nfa));
    for (const uint8_t *alt = shape; alt[0] != 0; alt += 1 + 2 * alt[0]) {
        if (j + alt[0] > 64) {
            return;
        }
        nfa->start |= (uint64_t)1 << j;
        for (unsigned k = 0; k < alt[0]; k++, j++) {
            if (alt[2 + 2 * k] >= 63) {
                return;
            }
            for (unsigned len = alt[1 + 2 * k]; len <= alt[2 + 2 * k]; len++) {
                nfa->by_len[len] |= (uint64_t)1 << j;
            }
        }
        nfa->end |= (uint64_t)1 << (j - 1);
    }
    nfa->ok = true;
}

/* pcl_shape_fits() with the automaton, for groups of fewer than 64 digits each: every position
 * moves on by one group and alternatives restart at every group, without a branch per
 * alternative or position. */
static inline bool
pcl_shape_nfa_fits(const struct pcl_shape_nfa *nfa, const uint32_t *g, size_t ng)
{
    uint64_t d = 0, hit = 0;

    for (size_t i = 0; i < ng; i++) {
        d = ((d << 1) | nfa->start) & nfa->by_len[g[i]];
        hit |= d;
    }
    return (hit & nfa->end) != 0;
}

#endif
