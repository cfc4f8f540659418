/* SPDX-License-Identifier: Apache-2.0 */
/* Private interfaces of the injection detector: signature compilation, token view, model. */
#ifndef PCL_DETECT_INJECT_INT_H
#define PCL_DETECT_INJECT_INT_H

#include "common.h"

#include <portcullis/inject.h>

/* Longest pattern line and regex generated from it. */
#define PCL_SIG_MAX_PATTERN 2048

/* Translate a token pattern (docs/injection.md) into a Vectorscan regex over the token view
 * (" tok tok tok ", lower-case, one space between tokens). On a bad pattern returns
 * PCL_EINVAL and writes the reason into why[0..whylen). */
enum pcl_rc pcl_inject_sig_regex(const char *pat, size_t len, struct pcl_buf *out, char *why,
                                 size_t whylen) PCL_WUR;

/* Token view of screen[0..n): every run of non-word characters becomes one space, apostrophes
 * vanish, and the result starts and ends with a space. map[i] (array of out->len + 1, grown
 * with pcl_realloc into *map / *cap) is the screen offset of out->ptr[i]. Loads ICU on the first
 * call (pcl_icu_load()); PCL_EINTERNAL when it cannot be loaded. */
enum pcl_rc pcl_inject_tokens(const char *screen, size_t n, struct pcl_buf *out, size_t **map,
                              size_t *cap) PCL_WUR;

/* ---- model ---- */

#define PCL_MODEL_BITS  16
#define PCL_MODEL_DIM   ((size_t)1 << PCL_MODEL_BITS)
#define PCL_MODEL_DENSE 12 /* dense features after the hashed ones */

struct pcl_inject_model {
    float *w; /* array of PCL_MODEL_DIM + PCL_MODEL_DENSE */
    float bias;
};

/* One window's features: hashed indices (with repeats: counts) and dense values. */
struct pcl_feat {
    uint32_t *idx; /* array of n (capacity cap) */
    size_t n, cap;
    float dense[PCL_MODEL_DENSE];
};

/* Most concepts (categories of feature-tier signatures) a detector may have. */
#define PCL_MODEL_CONCEPTS 64

/* Dense signals measured by the caller for a window. */
struct pcl_feat_ctx {
    size_t sig_hits[8]; /* signature hits per category group (see inject.c) */
    /* concepts of the feature-tier signatures that matched anywhere in the text (bit k:
     * concept_hash[k]) */
    uint64_t concepts;
    const uint32_t *concept_hash; /* hashed feature of each concept, or NULL when none */
    double hidden_ratio;          /* hidden + look-alike characters / characters */
    bool decoded;                 /* the text came out of a decoder */
};

/* The hashed feature of a concept (the category of feature-tier signatures). */
uint32_t pcl_model_concept_hash(const char *concept);

/* Features of one token-view window t[0..n). */
enum pcl_rc pcl_feat_extract(const char *t, size_t n, const struct pcl_feat_ctx *ctx,
                             struct pcl_feat *f) PCL_WUR;
void pcl_feat_fini(struct pcl_feat *f);
/* Probability that the features are an injection. */
double pcl_model_score(const struct pcl_inject_model *m, const struct pcl_feat *f);
/* Load weights written by pcl_inject_model_save(). */
enum pcl_rc pcl_model_load(const char *path, struct pcl_inject_model **out,
                           struct pcl_err *err) PCL_WUR;
/* The same from the file's bytes buf[0..len); errors name `name` and the line. */
enum pcl_rc pcl_model_parse(const char *name, const char *buf, size_t len,
                            struct pcl_inject_model **out, struct pcl_err *err) PCL_WUR;
/* The whole file at path into out (reset first; out's limit applies; gzip is inflated), with
 * pcl_input_slurp(). Errors name the path; one that cannot be opened is PCL_EIO. */
enum pcl_rc pcl_inject_read_file(const char *path, struct pcl_buf *out,
                                 struct pcl_err *err) PCL_WUR;

/* Called with the features of one window; f is reused for the next window. */
typedef enum pcl_rc pcl_window_fn(void *arg, const struct pcl_feat *f);

/* Features of a text as the detector scans it (decoded texts merged, signature hits of the
 * whole text), one call of fn per model window in order, at most max_windows (>= 1) calls (the
 * first ones); a text with no tokens gives one empty window. f is the caller's buffer. For
 * training. */
enum pcl_rc pcl_inject_window_features(const struct pcl_inject *det, struct pcl_inject_scratch *s,
                                       const char *text, size_t len, size_t max_windows,
                                       pcl_window_fn *fn, void *arg, struct pcl_feat *f,
                                       struct pcl_err *err) PCL_WUR;

#endif
