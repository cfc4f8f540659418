/* SPDX-License-Identifier: Apache-2.0 */
/* What the gateway does to bodies: validate and minimise requests of the known APIs, find
 * their text fields, scan text with the detection engine and apply the policy (allow,
 * alert, redact, block), including streamed text with a hold-back window. No libevent. */
#ifndef PCL_GATEWAY_INSPECT_H
#define PCL_GATEWAY_INSPECT_H

#include <jansson.h>

#include "gw.h"

/* Findings summary of one interaction: counts per detector (first GW_MAX_TYPES distinct
 * detectors; the rest are counted in `other`). Never holds the values found. */
#define GW_MAX_TYPES 16
struct gw_verdict {
    enum gw_action action; /* strongest action applied */
    struct {
        uint32_t detector;
        uint32_t count;
        enum gw_action action;
    } types[GW_MAX_TYPES];
    size_t ntypes;
    uint32_t other;
    uint32_t redacted; /* values replaced */
    bool error;        /* a scan failed (fail-closed policy blocks) */
    char where[96];    /* field path of the first blocking finding */
    /* prompt injection (requests): strongest tier seen, its score, first evidence */
    enum pcl_inject_tier inject_tier;
    double inject_score;
    char inject_what[64]; /* "category:signature-id" of the strongest evidence */
    char inject_where[96];
    bool canary_leak; /* the answer carried the request's canary */
};

/* Per-worker inspection state for one config: engine scratch and redactors. */
struct gw_inspector;
enum pcl_rc pcl_gw_inspector_new(const struct pcl_gw_config *c, struct gw_inspector **out,
                                 struct pcl_err *err) PCL_WUR;
/* Take another reference (a request keeps the inspector of the config it started with while a
 * reload gives the worker a new one). Not thread-safe: one worker thread owns an inspector.
 * pcl_gw_inspector_free drops a reference and frees with the last. */
struct gw_inspector *pcl_gw_inspector_ref(struct gw_inspector *in);
void pcl_gw_inspector_free(struct gw_inspector *in);

/* Scan s[0..n) and apply direction d: findings are counted into v; when any finding's action
 * is redact, the redacted text goes to out and *changed is set. A block finding sets
 * v->action = GW_BLOCK (with `where` = path). A scan error sets v->error and, unless
 * fail_open, v->action = GW_BLOCK. */
enum pcl_rc pcl_gw_inspect_text(struct gw_inspector *in, const struct gw_policy *p,
                                const struct gw_direction *d, const char *path, const char *s,
                                size_t n, struct pcl_buf *out, bool *changed, struct gw_verdict *v,
                                struct pcl_err *err) PCL_WUR;

/* Screen s (a request text field) for prompt injection under p: the strongest tier and its
 * evidence go into v; when the sanitizer stripped hidden characters, the stripped text goes
 * to out and *changed is set (forward that). A failed scan sets v->error (and blocks unless
 * fail_open), like pcl_gw_inspect_text. */
enum pcl_rc pcl_gw_inspect_injection(struct gw_inspector *in, const struct gw_policy *p,
                                     const char *path, const char *s, size_t n, struct pcl_buf *out,
                                     bool *changed, struct gw_verdict *v,
                                     struct pcl_err *err) PCL_WUR;

/* Validation result for a request body. On a 400, `param` names the field and `message`
 * says what is wrong. */
struct gw_reqinfo {
    const char *model; /* borrowed from the JSON */
    bool stream;
    bool client_usage;  /* client asked for stream usage itself */
    int64_t max_output; /* requested output tokens x n (after capping) */
    int64_t est_prompt; /* estimated prompt tokens */
    size_t stripped;    /* unknown fields removed */
    bool modified;      /* the body differs from what the client sent */
    char param[96];
    char message[200];
    const char *code; /* OpenAI error code of a 400: "invalid_value", "model_not_allowed" */
};

/* Validate body (parsed JSON) for api under policy p and per-key cap key_max (0 = none);
 * strips unknown fields per policy, sets a missing max-tokens field to the cap, and adds
 * stream_options.include_usage to streamed chat/completions. PCL_EINVAL = a 400 for the
 * client (info->param/message say why). */
enum pcl_rc pcl_gw_request_check(enum gw_api api, const struct gw_policy *p, int64_t key_max,
                                 const char *key_models, json_t *body,
                                 struct gw_reqinfo *info) PCL_WUR;

/* pre, then "[idx]" unless idx is PCL_GW_NO_INDEX, then post (NULL = none) into out, cut to
 * cap - 1 bytes and NUL-terminated as snprintf would; returns the length written. The field
 * paths of every request are made this way, without printf. */
#define PCL_GW_NO_INDEX SIZE_MAX
size_t pcl_gw_path(char *out, size_t cap, const char *pre, size_t idx, const char *post);

/* Call fn on every text field of a request (response = false) or response body of api;
 * `fields` are the route's configured paths for GW_API_JSON. fn may replace the string's
 * value with json_string_setn. Return non-zero from fn to stop. */
typedef int gw_text_fn(void *ctx, json_t *str, const char *path);
void pcl_gw_texts(enum gw_api api, bool response, char *const *fields, json_t *body, gw_text_fn *fn,
                  void *ctx);

/* Call fn on every string member named text, delta, arguments, refusal or output_text at any
 * depth of root. Returns false when root nests deeper than the walk follows (64 levels). */
bool pcl_gw_texts_named(json_t *root, gw_text_fn *fn, void *ctx);

/* Streamed text of one output channel (one choice), released with a hold-back so a value
 * split across chunks is found whole. */
struct gw_textstream {
    struct pcl_buf pending; /* received, not yet released */
    struct pcl_buf history; /* tail of what was released: context for the next scans */
    struct pcl_buf out;     /* text released by the last feed/finish (after redaction) */
    size_t holdback;
};
void pcl_gw_textstream_init(struct gw_textstream *t, size_t holdback);
void pcl_gw_textstream_fini(struct gw_textstream *t);
/* Add text; afterwards t->out holds what may be sent now (possibly empty). A block finding
 * sets v->action = GW_BLOCK and releases nothing. finish = end of the channel: release all. */
enum pcl_rc pcl_gw_textstream_feed(struct gw_textstream *t, struct gw_inspector *in,
                                   const struct gw_policy *p, const char *path, const char *s,
                                   size_t n, bool finish, struct gw_verdict *v,
                                   struct pcl_err *err) PCL_WUR;

/* Merge b's findings into a. */
void pcl_gw_verdict_merge(struct gw_verdict *a, const struct gw_verdict *b);

#endif
