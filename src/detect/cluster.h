/* SPDX-License-Identifier: Apache-2.0 */
/* Digit clusters (digit groups joined by one to three of ' ' '(' ')' '-' '.' '/') found from
 * the digit, letter and separator masks of 64 input bytes at a time, for the engine's numeric
 * detectors: the cost is a few bit operations per block and per group, not per byte. */
#ifndef PCL_DETECT_CLUSTER_H
#define PCL_DETECT_CLUSTER_H

#include "scanmask.h"
#include "shape.h"

/* Groups a cluster records one by one; a cluster with more is still reported. */
#define PCL_CLUSTER_GROUPS 32

/* Letters counted around a cluster; a longer run before it counts as none (see lead). */
#define PCL_CLUSTER_LETTERS 8

/* One cluster: p[start..end) begins and ends with a digit; between two groups stand one to
 * three separator bytes. */
struct pcl_cluster {
    size_t start;
    size_t end;
    uint32_t digits;   /* digits in all groups */
    uint32_t groups;   /* number of groups (may exceed PCL_CLUSTER_GROUPS) */
    uint32_t longest;  /* digits in the longest group */
    uint32_t lenset;   /* the lengths of its groups, bit PCL_SHAPE_LENBIT(len) of each */
    uint32_t lead;     /* letters right before start (0-8), or 0 when they do not start a word:
                          a letter or digit before them, or more than 8 */
    uint32_t lead_gap; /* lead, or when it is 0 and one ' ' or '-' stands before start, the
                          letters before that byte, counted the same way */
    uint32_t trail;    /* letters right after end (0-8), or when none, after one ' ' or '-' */
    bool plus;         /* a '+' right before start */
    bool lead0;        /* some group of 3-6 digits starts with '0', a separator follows it, and
                          it is the first group or stands after '(', ')' or a ' ' that follows
                          no digit (a trunk "0" and an area code where a national number may
                          begin; a superset of what phone_de checks) */
    uint32_t glen[PCL_CLUSTER_GROUPS]; /* digits of the first min(groups, 32) groups */
    size_t gat[PCL_CLUSTER_GROUPS];    /* where each of them starts */
};

/* The classes the walk needs (and the engine's other scanners share). */
#define PCL_CLUSTER_WANT                                                                           \
    ((1u << PCL_SCANMASK_DIGIT) | (1u << PCL_SCANMASK_ALNUM) | (1u << PCL_SCANMASK_CLUSTERSEP) |   \
     (1u << PCL_SCANMASK_HEXSEP) | (1u << PCL_SCANMASK_HEX))
_Static_assert(PCL_CLUSTER_WANT == PCL_SCANMASK_ALL, "the walk takes every class at once");

/* Clusters the walk need not report, when it can tell from the masks of one block: those
 * whose first group has fewer than `lone` digits and that span fewer than `multi` bytes, or
 * with no letter right before them that may start a word (a letter run that begins the input
 * or follows a byte that is no letter or digit, or runs on from the block before), fewer
 * than lone_nolead and multi_nolead. Each is 1 to 64 (1: every cluster is reported). */
struct pcl_cluster_skip {
    uint32_t lone;
    uint32_t multi;
    uint32_t lone_nolead;
    uint32_t multi_nolead;
};

/* A forward walk over p[0..n), one cluster per pcl_cluster_next(). */
struct pcl_cluster_iter {
    const unsigned char *p; /* borrowed input p[0..n) */
    size_t n;
    size_t at; /* the current block is p[at..at+64); at is a multiple of 64 */
    bool avx2; /* masks from pcl_scanmask_block_avx2() (pcl_scanmask_avx2_usable()) */
    struct pcl_scanmask prev, cur, next; /* masks of the blocks at at - 64, at, at + 64 (zero
                                            outside p[0..n)) */
    uint64_t join;   /* current block: first bytes of separator runs that join two groups */
    uint64_t events; /* current block: group starts and ends not walked yet */
    uint64_t span;   /* current block: digits and the separators of joining gaps (a
                        cluster is a run of it) */
    size_t gstart;   /* start of the open group */
    bool in_group;   /* a group started and has not ended */
    bool in_cluster; /* a cluster started and has not been reported */
    struct pcl_cluster_skip skip; /* clusters not reported (pcl_cluster_drop_short()) */
    struct pcl_cluster cl;        /* the cluster being built; valid once pcl_cluster_next() or
                                     pcl_cluster_next_in_block() returned true */
};

/* Masks of p[at..at+64) within it->p[0..n); zero past n. */
static inline void
pcl_cluster_masks(const struct pcl_cluster_iter *it, size_t at, struct pcl_scanmask *m)
{
    if (at >= it->n) {
        memset(m, 0, sizeof(*m));
        return;
    }
    pcl_scanmask_all_at(it->p, it->n, at, it->avx2, m);
}

/* Bits of m filled forward from the bits of from, within the runs of m that hold them, at
 * least reach bits on from each (reach < 64). */
static inline uint64_t
pcl_cluster_fill(uint64_t from, uint64_t m, unsigned reach)
{
    from &= m;
    for (unsigned w = 1; w <= reach; w *= 2) {
        from |= (from << w) & m;
        m &= m << w;
    }
    return from;
}

/* Drop from the events, for the whole block at once, the clusters that are too short (see
 * struct pcl_cluster_skip): most clusters in digit-dense text. Clusters that may go on from
 * the block before (starting at bits 0-2: a gap may be carried in) or into the next one
 * (their span reaches bit 63) are left to the walk. */
static inline void
pcl_cluster_drop_short(struct pcl_cluster_iter *it)
{
    uint64_t span = it->span, starts = span & ~(span << 1) & ~(uint64_t)7;
    uint64_t alpha, palpha, word, alpha_before, d, keep, keep_nolead, drop;

    if (starts == 0) {
        return; /* no cluster to drop (most blocks of prose) */
    }
    alpha = it->cur.alnum & ~it->cur.digit;
    palpha = it->prev.alnum & ~it->prev.digit;
    /* letters that start a word, or may (a run carried in from the block before), and the
     * letters after them: lead may be more than 0 only right after those */
    word = alpha & (~((it->cur.alnum << 1) | (it->prev.alnum >> 63)) | (palpha >> 63));
    alpha_before = pcl_cluster_fill(word, alpha, PCL_CLUSTER_LETTERS - 1) << 1;
    /* a first group of lone digits or more, or a span of multi bytes or more */
    d = it->cur.digit;
    keep = pcl_scanmask_runs_from(d, 0, it->skip.lone) |
           pcl_scanmask_runs_from(span, 0, it->skip.multi);
    keep_nolead = pcl_scanmask_runs_from(d, 0, it->skip.lone_nolead) |
                  pcl_scanmask_runs_from(span, 0, it->skip.multi_nolead);

    drop = starts & ~((alpha_before & keep) | (~alpha_before & keep_nolead));
    if ((span >> 63) != 0) {
        drop &= ~((uint64_t)1 << (63 - __builtin_clzll(starts))); /* the last run may go on */
    }
    if (drop != 0) {
        /* a dropped cluster spans fewer than multi_nolead bytes */
        uint64_t fill = pcl_cluster_fill(drop, span, it->skip.multi_nolead - 1);

        /* a cluster's events: its group starts and ends, the last one right after it */
        it->events &= ~(fill | (fill << 1));
    }
}

/* Derive join and events of the current block. */
static inline void
pcl_cluster_derive(struct pcl_cluster_iter *it)
{
    uint64_t d = it->cur.digit, x = it->cur.clustersep;
    uint64_t nd = it->next.digit, nx = it->next.clustersep;
    uint64_t before = (d << 1) | (it->prev.digit >> 63); /* bit i: byte i - 1 is a digit */
    uint64_t d1 = (d >> 1) | (nd << 63), d2 = (d >> 2) | (nd << 62), d3 = (d >> 3) | (nd << 61);
    uint64_t x1 = (x >> 1) | (nx << 63), x2 = (x >> 2) | (nx << 62);

    /* A separator right after a digit begins a gap; the gap joins when a digit follows
     * after one, two or three separators. */
    it->join = x & before & (d1 | (x1 & (d2 | (x2 & d3))));
    /* a group starts where a digit follows a non-digit, and ends where the reverse holds */
    it->events = d ^ before;
    if (it->skip.lone_nolead > 1 || it->skip.multi_nolead > 1) {
        /* the separators after a join byte up to the digit it joins (at most two more);
         * gaps carried in from the block before belong to a cluster already open */
        uint64_t g2 = (it->join << 1) & x, g3 = (g2 << 1) & x;

        it->span = d | it->join | g2 | g3;
        pcl_cluster_drop_short(it);
    }
}

/* Start walking p[0..n), leaving out the clusters skip (may be NULL: none) lets it; avx2:
 * take the masks from pcl_scanmask_block_avx2() (only where pcl_scanmask_avx2_usable()). */
static inline void
pcl_cluster_iter_init(struct pcl_cluster_iter *it, const unsigned char *p, size_t n,
                      const struct pcl_cluster_skip *skip, bool avx2)
{
    memset(it, 0, sizeof(*it));
    it->p = p;
    it->n = n;
    it->avx2 = avx2;
    it->skip = skip != NULL ? *skip : (struct pcl_cluster_skip){1, 1, 1, 1};
    it->skip.lone = PCL_MIN(PCL_MAX(it->skip.lone, 1u), 64u);
    it->skip.multi = PCL_MIN(PCL_MAX(it->skip.multi, 1u), 64u);
    /* a letter before a cluster only widens the gates it may pass */
    it->skip.lone_nolead = PCL_MIN(PCL_MAX(it->skip.lone_nolead, it->skip.lone), 64u);
    it->skip.multi_nolead = PCL_MIN(PCL_MAX(it->skip.multi_nolead, it->skip.multi), 64u);
    pcl_cluster_masks(it, 0, &it->cur);
    pcl_cluster_masks(it, 64, &it->next);
    pcl_cluster_derive(it);
}

/* Move to the next block; false when none is left to walk. A group still open at the end of
 * the input closes in the (all zero) block after it. Its masks are then it->cur. */
static inline bool
pcl_cluster_advance(struct pcl_cluster_iter *it)
{
    if (it->at + 64 >= it->n && !it->in_group) {
        return false;
    }
    it->at += 64;
    it->prev = it->cur;
    it->cur = it->next;
    pcl_cluster_masks(it, it->at + 64, &it->next);
    pcl_cluster_derive(it);
    return true;
}

/* Letters ending right before a position, from the letter and letter-or-digit bits of the 64
 * bytes before it (bit 63 = the byte right before). */
static inline uint32_t
pcl_cluster_letters_before(uint64_t alpha, uint64_t alnum)
{
    uint32_t k;

    if (~alpha == 0) {
        return 0;
    }
    k = (uint32_t)__builtin_clzll(~alpha);
    if (k > PCL_CLUSTER_LETTERS || ((alnum >> (63 - k)) & 1) != 0) {
        return 0;
    }
    return k;
}

/* Letters starting at a position (at most 8), from the letter bits from there on. */
static inline uint32_t
pcl_cluster_letters_after(uint64_t alpha)
{
    return ~alpha == 0 ? PCL_CLUSTER_LETTERS
                       : PCL_MIN(PCL_CLUSTER_LETTERS, (uint32_t)__builtin_ctzll(~alpha));
}

/* A cluster starts at bit q of the current block. Letters are counted from the masks only
 * when one stands right before the cluster, or before one ' ' or '-' there. */
static inline void
pcl_cluster_open(struct pcl_cluster_iter *it, unsigned q)
{
    struct pcl_cluster *cl = &it->cl;
    size_t pos = it->at + q;
    unsigned char c = pos > 0 ? it->p[pos - 1] : 0;

    cl->start = pos;
    cl->plus = c == '+';
    cl->digits = cl->groups = cl->longest = cl->lenset = 0;
    cl->lead0 = false;
    cl->lead = cl->lead_gap = 0;
    if (pcl_is_alpha((char)c) ||
        ((c == ' ' || c == '-') && pos >= 2 && pcl_is_alpha((char)it->p[pos - 2]))) {
        /* the 64 bytes before pos, bit 63 the nearest (two shifts: q may be 0) */
        uint64_t an = ((it->cur.alnum << (63 - q)) << 1) | (it->prev.alnum >> q);
        uint64_t a = an & ~(((it->cur.digit << (63 - q)) << 1) | (it->prev.digit >> q));

        if (pcl_is_alpha((char)c)) {
            cl->lead = cl->lead_gap = pcl_cluster_letters_before(a, an);
        } else {
            cl->lead_gap = pcl_cluster_letters_before(a << 1, an << 1);
        }
    }
    it->in_cluster = true;
}

/* The cluster ends at bit q of the current block. */
static inline void
pcl_cluster_close(struct pcl_cluster_iter *it, unsigned q)
{
    struct pcl_cluster *cl = &it->cl;
    size_t pos = it->at + q;
    unsigned char c = pos < it->n ? it->p[pos] : 0;

    cl->end = pos;
    cl->trail = 0;
    if (pcl_is_alpha((char)c) ||
        ((c == ' ' || c == '-') && pos + 1 < it->n && pcl_is_alpha((char)it->p[pos + 1]))) {
        /* the 64 bytes from pos on, bit 0 first */
        uint64_t a = ((it->cur.alnum & ~it->cur.digit) >> q) |
                     (((it->next.alnum & ~it->next.digit) << (63 - q)) << 1);

        cl->trail = pcl_cluster_letters_after(pcl_is_alpha((char)c) ? a : a >> 1);
    }
    it->in_cluster = false;
}

/* Find the next cluster that ends in the current block into it->cl; false when none is left
 * there (then pcl_cluster_advance() moves on). */
static inline bool
pcl_cluster_next_in_block(struct pcl_cluster_iter *it)
{
    struct pcl_cluster *cl = &it->cl;

    while (it->events != 0) {
        unsigned q;
        uint32_t len;

        q = (unsigned)__builtin_ctzll(it->events);
        it->events &= it->events - 1;
        if (((it->cur.digit >> q) & 1) != 0) {
            /* a group starts; events alternate, so the next one (if any) is its end */
            if (!it->in_cluster) {
                pcl_cluster_open(it, q);
            }
            it->gstart = it->at + q;
            if (it->events == 0) {
                it->in_group = true;
                continue;
            }
            q = (unsigned)__builtin_ctzll(it->events);
            it->events &= it->events - 1;
        }
        /* a group ends at bit q */
        len = (uint32_t)(it->at + q - it->gstart);
        it->in_group = false;
        cl->digits += len;
        if (cl->groups < PCL_CLUSTER_GROUPS) {
            cl->glen[cl->groups] = len;
            cl->gat[cl->groups] = it->gstart;
        }
        cl->groups++;
        cl->longest = PCL_MAX(cl->longest, len);
        cl->lenset |= 1u << PCL_SHAPE_LENBIT(len);
        /* without branches: which groups start with '0' follows no pattern. A number may
         * begin at the first group or after '(', ')' or a space that follows no digit (a
         * later group has a separator and a digit or separator before it). */
        {
            unsigned trunk = (len - 3u <= 3u) & (unsigned)((it->cur.clustersep >> q) & 1) &
                             (it->p[it->gstart] == '0');

            if (cl->groups == 1) {
                cl->lead0 |= trunk;
            } else {
                unsigned char b = it->p[it->gstart - 1];

                cl->lead0 |= trunk & ((b == '(') | (b == ')') |
                                      ((b == ' ') & !pcl_is_digit((char)it->p[it->gstart - 2])));
            }
        }
        if (((it->join >> q) & 1) == 0) {
            pcl_cluster_close(it, q);
            return true;
        }
    }
    return false;
}

/* Find the next cluster into it->cl; false at the end of the input. */
static inline bool
pcl_cluster_next(struct pcl_cluster_iter *it)
{
    while (!pcl_cluster_next_in_block(it)) {
        if (!pcl_cluster_advance(it)) {
            return false;
        }
    }
    return true;
}

#endif
