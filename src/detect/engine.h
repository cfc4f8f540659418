/* SPDX-License-Identifier: Apache-2.0 */
/* Engine internals shared by engine.c, stream.c and config.c. */
#ifndef PCL_DETECT_ENGINE_H
#define PCL_DETECT_ENGINE_H

#include "cluster.h"
#include "detector.h"
#include "jitset.h"
#include "shape.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

/* A compiled detector. */
struct pcl_det_rt {
    struct pcl_detector_info info;
    pcre2_code *code;    /* without JIT code; its JIT programs are the engine's jits slot */
    const char *pattern; /* its source (a table row's, or engine-owned), for the slot */
    pcl_validate_fn *validate;
    pcl_trim_fn *trim;
    pcl_hexgate_fn *hexgate;
    const char *const *context; /* NULL-terminated, lower-case; borrowed or engine-owned */
    const char *const *anchors; /* NULL-terminated literals in every match, or NULL */
    uint32_t anchor_back;       /* a match starts at most this far before its anchor */
    uint8_t anchor_run[32];     /* bitset of the bytes of row anchor_run; all zero = none */
    bool has_run;
    double context_score;
    uint32_t max_len;
    const struct pcl_detector *row; /* the table row; NULL for a custom detector */
    uint8_t token_first[32];        /* PCL_DET_TOKEN: bitsets of the first and second bytes */
    uint8_t token_second[32];
    uint8_t shape[96]; /* parsed row shape: per alternative a count k, then k (lo, hi)
                          pairs; a 0 count ends the list; empty = no shape gate */
    unsigned flags;
    bool has_group;
};

/* Cap on the counts that index the numeric dispatch tables (digits, groups, run lengths). */
#define PCL_NUM_CAP 63
/* Most letters counted before or after a digit cluster (PCL_CLUSTER_LETTERS). */
#define PCL_NUM_LETTERS 8

/* A numeric detector's cluster gate, packed so the dispatch loop stays in a few cache lines. */
struct pcl_numgate {
    uint32_t id; /* detector index */
    uint16_t min_digits;
    uint8_t min_groups;
    uint8_t min_run;
    uint8_t max_run;
    uint8_t lead_alpha;
    uint8_t lead_max;
    uint8_t trail_alpha;
    uint8_t trail_max;
    uint8_t plus;
    uint8_t lead_gap;
    uint8_t lead0;
    uint8_t has_shape;
    pcl_validate_fn *group_check;  /* the row's group_check, or NULL */
    pcl_cluster_fn *cluster_check; /* the row's cluster_check, or NULL */
};

/* What the masks show of every run a token detector takes (a superset of its row's bounds):
 * a run of at least 1 << level letters and digits (level 0-3, the largest such power of two
 * not over token_min and 8), whose first byte is in class first, and second in second. */
struct pcl_tokmask {
    uint8_t level;
    uint8_t first;  /* PCL_TOKCLS_* */
    uint8_t second; /* the same; PCL_TOKCLS_ALNUM when token_min < 2 */
};

enum {
    PCL_TOKCLS_ALNUM = 0, /* any letter or digit: no condition */
    PCL_TOKCLS_DIGIT = 1,
    PCL_TOKCLS_ALPHA = 2,
};

/* What a Vectorscan expression id stands for. */
struct pcl_trigger {
    uint32_t det;   /* detector index */
    uint32_t kwlen; /* 0: the detector's own pattern; else the length of the literal */
    bool anchor;    /* the literal is an anchor (inside every match), not a context word */
};

struct pcl_engine {
    struct pcl_det_rt *dets; /* array of ndets */
    size_t ndets;
    struct pcl_trigger *trig; /* per Vectorscan expression id; array of ntrig */
    size_t ntrig;
    struct pcl_numgate *gates; /* numeric detectors' gates by min_digits; array of nnumeric */
    struct pcl_shape_nfa *gate_shape; /* gates[k]'s shape (shape.h); array of nnumeric */
    size_t nnumeric;
    /* Which gates (bit k = gates[k]; at most 64) a cluster can pass, by its counts: */
    uint64_t num_by_digits[PCL_NUM_CAP + 1];  /* min_digits <= digits (capped) */
    uint64_t num_by_groups[PCL_NUM_CAP + 1];  /* min_groups <= groups (capped) */
    uint64_t num_by_longest[PCL_NUM_CAP + 1]; /* min_run <= longest run (capped) */
    uint64_t num_single[PCL_NUM_CAP + 1];     /* one group of this length: max_run allows it */
    uint64_t num_plus;                        /* gates that need a '+' before the cluster */
    uint64_t num_lead0;                       /* gates that need a trunk '0' group */
    uint64_t num_by_lenset[256];      /* by the cluster's group lengths (struct pcl_cluster lenset):
                                         each position of some alternative of the gate's shape finds
                                         a length it takes, or the gate has no shape */
    struct pcl_cluster_skip num_skip; /* clusters too short for any gate (cluster.h) */
    bool avx2; /* the block pass takes its masks from pcl_scanmask_block_avx2() */
    /* by the letters around the cluster (struct pcl_cluster lead, lead_gap, trail; 0-8): */
    uint64_t num_by_lead[PCL_NUM_LETTERS + 1];     /* lead_alpha..lead_max, or no lead needed */
    uint64_t num_by_lead_gap[PCL_NUM_LETTERS + 1]; /* the same for PCL_DET_LEAD_GAP gates */
    uint64_t num_by_trail[PCL_NUM_LETTERS + 1];    /* trail_alpha <= trail <= trail_max */
    uint32_t *hex;                                 /* indexes of hex-run detectors; array of nhex */
    size_t nhex;
    /* the union of the hex-run detectors' cheap conditions (struct pcl_hexpre): */
    bool hexpre_all;        /* every run (some detector declares none) */
    uint32_t hexpre_colons; /* the fewest min_colons of the rows that bound it (0: none) */
    bool hexpre_dcolon;     /* some row takes a run with "::" */
    struct {
        uint32_t len;
        uint64_t at;
    } hexseps[16]; /* every row's separator layouts; array of nhexseps */
    size_t nhexseps;
    uint64_t hexsep_lens;     /* bit k: some layout is k bytes long */
    uint32_t *tok;            /* indexes of token detectors (PCL_DET_TOKEN); array of ntok */
    struct pcl_tokmask *tokm; /* what tok[k]'s runs show in the masks; array of ntok */
    size_t ntok;
    uint8_t tok_first[32];    /* union of the token detectors' first bytes */
    uint32_t tok_min;         /* shortest run any token detector accepts */
    struct pcl_jit_set *jits; /* per detector: JIT programs, made by its first confirmation */
    hs_database_t *db;        /* patterns: expressions [0, npattern) */
    hs_database_t *kwdb;      /* literals (anchors and context words): expressions
                                 [npattern, ntrig). Kept apart because Vectorscan 5.4 drops some
                                 reports of a pattern when a literal of another expression starts
                                 right after it in the same database (seen with the e-mail
                                 pattern followed by " ssn" or " token") */
    size_t npattern;
    double min_score;
    uint32_t match_limit;
    size_t window;       /* carry-over a stream keeps */
    uint32_t max_groups; /* largest capture count + 1 */
    char **owned;        /* strings owned by the engine (custom detectors); array of nowned */
    size_t nowned;
    const char ***owned_ctx; /* context arrays owned by the engine; array of nowned_ctx */
    size_t nowned_ctx;
};

struct pcl_scratch {
    const struct pcl_engine *e;
    hs_scratch_t *hs;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    uint64_t *cursor;          /* per detector: confirmed up to this offset; array of ndets */
    struct pcl_finding *found; /* array of nfound (capacity capfound) */
    size_t nfound;
    size_t capfound;
    /* the scan in progress */
    const char *buf;
    size_t len;
    uint64_t base; /* absolute offset of buf[0] */
    enum pcl_rc rc;
    bool limit_hit;
    /* The segment holding the candidate at hand: buf[seg_lo, seg_hi). Confirmations, context
     * and boundaries stay inside it. The whole buffer, unless pcl_engine_scan_segments()
     * joined several: then seg_end[i] ends segment i (array of nseg), seg is the current one
     * and seg_limited (NULL or nseg entries) records where a PCRE2 limit was hit. */
    size_t seg_lo;
    size_t seg_hi;
    const size_t *seg_end;
    size_t nseg;
    size_t seg;
    bool *seg_limited;
};

/* Scan buf[0..len) into s->found: confirmed, scored, filtered, sorted by start and with
 * overlaps resolved. Offsets are absolute (base + index). */
enum pcl_rc pcl_engine_collect(const struct pcl_engine *e, struct pcl_scratch *s, const char *buf,
                               size_t len, uint64_t base, struct pcl_err *err);

#endif
