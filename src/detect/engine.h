/* SPDX-License-Identifier: Apache-2.0 */
/* Engine internals shared by engine.c, stream.c and config.c. */
#ifndef PCL_DETECT_ENGINE_H
#define PCL_DETECT_ENGINE_H

#include "detector.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

/* A compiled detector. */
struct pcl_det_rt {
    struct pcl_detector_info info;
    pcre2_code *code;
    pcl_validate_fn *validate;
    const char *const *context; /* NULL-terminated, lower-case; borrowed or engine-owned */
    double context_score;
    uint32_t max_len;
    unsigned flags;
    bool has_group;
};

struct pcl_engine {
    struct pcl_det_rt *dets; /* array of ndets */
    size_t ndets;
    hs_database_t *db;
    double min_score;
    uint32_t match_limit;
    size_t window;        /* carry-over a stream keeps */
    uint32_t max_groups;  /* largest capture count + 1 */
    char **owned;         /* strings owned by the engine (custom detectors); array of nowned */
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
    uint64_t *cursor;            /* per detector: confirmed up to this offset; array of ndets */
    struct pcl_finding *found;   /* array of nfound (capacity capfound) */
    size_t nfound;
    size_t capfound;
    /* the scan in progress */
    const char *buf;
    size_t len;
    uint64_t base;               /* absolute offset of buf[0] */
    enum pcl_rc rc;
    bool limit_hit;
};

/* Scan buf[0..len) into s->found: confirmed, scored, filtered, sorted by start and with
 * overlaps resolved. Offsets are absolute (base + index). */
enum pcl_rc pcl_engine_collect(const struct pcl_engine *e, struct pcl_scratch *s,
                               const char *buf, size_t len, uint64_t base, struct pcl_err *err);

#endif
