/* SPDX-License-Identifier: Apache-2.0 */
/* The detection engine: compile enabled detectors into one prefilter database, scan buffers
 * or streams, and report findings as byte ranges with a type, category and score. */
#ifndef PORTCULLIS_DETECT_H
#define PORTCULLIS_DETECT_H

#include <portcullis/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Categories a detector maps to (bit mask; see pcl_category_primary()). */
enum pcl_category {
    PCL_CAT_CONTACT = 1u << 0,    /* contact PII: email, phone, address, IP, device ids */
    PCL_CAT_GOV_ID = 1u << 1,     /* government identifiers: SSN, passport, tax ids */
    PCL_CAT_FINANCIAL = 1u << 2,  /* financial / PCI: cards, bank accounts, crypto wallets */
    PCL_CAT_HEALTH = 1u << 3,     /* health / PHI: NHS number, MBI, NPI, DEA */
    PCL_CAT_SPECIAL = 1u << 4,    /* GDPR art. 9 special category data */
    PCL_CAT_CREDENTIAL = 1u << 5, /* secrets: keys, tokens, passwords, private keys */
};
#define PCL_CAT_ALL 0x3fu

/* Lower-case name of one category bit ("contact", "government_id", "financial", "health",
 * "special", "credential"); NULL for anything else. */
const char *pcl_category_name(uint32_t cat);
/* The category a finding is reported under when its detector has several: the most
 * sensitive, in the order credential, health, special, financial, government_id, contact.
 * 0 for an empty mask. */
uint32_t pcl_category_primary(uint32_t categories);
/* Parse a category name; 0 when unknown. */
uint32_t pcl_category_parse(const char *name, size_t len);

/* Sensitivity levels, ordered. */
enum pcl_sensitivity {
    PCL_SENS_PUBLIC = 0,
    PCL_SENS_INTERNAL = 1,
    PCL_SENS_CONFIDENTIAL = 2,
    PCL_SENS_RESTRICTED = 3,
};
const char *pcl_sensitivity_name(enum pcl_sensitivity s);
/* Returns -1 when unknown. */
int pcl_sensitivity_parse(const char *name, size_t len);

/* Static facts about one compiled detector. Borrowed from the engine. */
struct pcl_detector_info {
    const char *name;        /* unique id, e.g. "credit_card" */
    const char *type;        /* entity type, Presidio names where one exists: "CREDIT_CARD" */
    uint32_t categories;     /* PCL_CAT_* mask */
    const char *description; /* one line */
    const char *validator;   /* name of the validator ("luhn", ...) or NULL */
    double score;            /* base score of a validated match */
    bool default_on;
};

/* One finding. Offsets are bytes from the start of the scanned buffer (or of the stream). */
struct pcl_finding {
    uint64_t start;
    uint64_t end;      /* exclusive */
    double score;      /* 0..1 after context adjustment */
    uint32_t detector; /* index for pcl_engine_detector() */
};

/* A user-defined detector from configuration. Strings are borrowed during pcl_engine_new. */
struct pcl_custom_detector {
    const char *name;
    const char *type;
    uint32_t categories;
    const char *pattern; /* PCRE2 syntax; capture group 1, if any, gives the finding bounds */
    double score;
    const char *const *context; /* NULL-terminated list of words that raise the score, or NULL */
};

/* Engine options; zero-initialise, then set what you need. */
struct pcl_engine_opts {
    const char *const *enable;  /* detector names or types to enable in addition to defaults;
                                   "all" enables every detector; NULL-terminated or NULL */
    const char *const *disable; /* names or types to disable; NULL-terminated or NULL */
    bool only_enabled;          /* true: start from no detector, use only `enable` */
    uint32_t categories;        /* keep only detectors in these categories; 0 = all */
    double min_score;           /* drop findings under this score; 0 = default 0.5 */
    const struct pcl_custom_detector *custom; /* array of ncustom */
    size_t ncustom;
    unsigned long match_limit; /* PCRE2 match limit per confirm; 0 = default 100000 */
    const char *cache_dir;     /* if set, compiled prefilter databases are cached here (keyed
                                  by a hash of every pattern, flag and the Vectorscan
                                  version), so a second start skips compilation; created
                                  0700 when missing; any cache problem falls back to
                                  compiling. NULL = no cache */
};

struct pcl_engine;
struct pcl_scratch;

/* Compile an engine: every enabled detector's pattern goes into one Vectorscan database and
 * is compiled by PCRE2 for confirmation. Caller frees with pcl_engine_free(). On error err
 * names the detector and the pattern offset. A pattern's PCRE2 JIT program is made by its
 * first confirmation (thread-safe), so a short scan pays only for the detectors it needs. */
enum pcl_rc pcl_engine_new(const struct pcl_engine_opts *opts, struct pcl_engine **out,
                           struct pcl_err *err) PCL_WUR;
void pcl_engine_free(struct pcl_engine *e);
/* Make every detector's JIT program now (a few milliseconds): a server calls this once at
 * start-up so that no request pays for it. Results never depend on it. */
void pcl_engine_warm(const struct pcl_engine *e);

/* Load engine options from a YAML file (see docs/configuration.md, section `detect`).
 * The returned options own their strings; free with pcl_engine_opts_free(). Errors name the
 * file and line. */
enum pcl_rc pcl_engine_opts_load(const char *path, struct pcl_engine_opts **out,
                                 struct pcl_err *err) PCL_WUR;
void pcl_engine_opts_free(struct pcl_engine_opts *o);

/* Number of compiled detectors, and their facts (idx < count). */
size_t pcl_engine_detector_count(const struct pcl_engine *e);
const struct pcl_detector_info *pcl_engine_detector(const struct pcl_engine *e, size_t idx);
/* Longest possible finding plus context reach: the carry-over a stream keeps. */
size_t pcl_engine_window(const struct pcl_engine *e);

/* Every built-in detector, compiled or not (for `portcullis detectors`). */
size_t pcl_detectors_builtin_count(void);
const struct pcl_detector_info *pcl_detectors_builtin(size_t idx);
/* Whether some detector reports entity type `type`: a built-in one or one of e's (a config's
 * own; e may be NULL). Returns the type's name, or NULL. With `like`, when none reports it
 * exactly, the first type that starts with `type` or (4 characters or more) begins it,
 * ignoring case ("email" finds EMAIL_ADDRESS, CREDIT_CARD_NUMBER finds CREDIT_CARD), for a
 * "did you mean" in a message about a rule that would never apply. */
const char *pcl_detect_type_find(const struct pcl_engine *e, const char *type, bool like);
/* For a rule naming an entity type: true when no detector reports `type` (as
 * pcl_detect_type_find(e, type, false)), with hint set to "; did you mean X?" for the near type
 * pcl_detect_type_find(e, type, true) finds, or "" (cut to cap - 1 bytes, NUL-terminated); false
 * when the type is known. One wording for every message about a rule that would never apply. */
#define PCL_TYPE_HINT_MAX 96
bool pcl_detect_type_unknown(const struct pcl_engine *e, const char *type, char *hint, size_t cap);

/* Per-thread scan state; one scratch must not be used by two threads at once.
 * Caller frees with pcl_scratch_free(). */
enum pcl_rc pcl_scratch_new(const struct pcl_engine *e, struct pcl_scratch **out,
                            struct pcl_err *err) PCL_WUR;
void pcl_scratch_free(struct pcl_scratch *s);

/* Called once per finding, in order of start offset; overlapping findings are already
 * resolved (the higher score wins). Return non-zero to stop the scan. */
typedef int pcl_finding_fn(void *ctx, const struct pcl_finding *f);

/* Scan buf[0..len) with every enabled detector. Findings are reported after the whole buffer
 * is scanned. Returns PCL_ELIMIT if a PCRE2 limit stopped a confirmation (other findings are
 * still reported), PCL_ENOMEM, or PCL_EINTERNAL on a Vectorscan error. */
enum pcl_rc pcl_engine_scan(const struct pcl_engine *e, struct pcl_scratch *s, const char *buf,
                            size_t len, pcl_finding_fn *cb, void *ctx, struct pcl_err *err) PCL_WUR;

/* Many short independent values (CSV cells, JSON fields) in one pass. The values are written
 * one after the other into buf, each but the last followed by one PCL_SEGMENT_SEP byte:
 * segment i is buf[start_i, ends[i]) with start_0 = 0 and start_i = ends[i - 1] + 1. Each
 * segment is scanned exactly as pcl_engine_scan() scans it alone (context, boundaries and
 * matches never reach into a neighbour), but the per-call costs are paid once for all. */
#define PCL_SEGMENT_SEP '\n'

/* One finding of segment seg, with offsets from the segment's start. Called in order of
 * segment, then of start offset. Return non-zero to stop the scan. */
typedef int pcl_segment_fn(void *ctx, size_t seg, const struct pcl_finding *f);

/* Scan the n segments of buf (see PCL_SEGMENT_SEP). Returns PCL_ELIMIT if a PCRE2 limit
 * stopped a confirmation (other findings are still reported; limited, when not NULL, has n
 * entries and limited[i] is set true for each segment where it happened), PCL_ENOMEM,
 * PCL_EINVAL when a separator is missing, or PCL_EINTERNAL on a Vectorscan or PCRE2 error. */
enum pcl_rc pcl_engine_scan_segments(const struct pcl_engine *e, struct pcl_scratch *s,
                                     const char *buf, const size_t *ends, size_t n, bool *limited,
                                     pcl_segment_fn *cb, void *ctx, struct pcl_err *err) PCL_WUR;

/* Streaming scan with a carry-over window: feed chunks of any size; findings are reported
 * (with offsets from the start of the stream) once no later byte can change them, so a secret
 * split across two chunks is found exactly as in a whole-buffer scan. Memory stays bounded by
 * the window plus the largest chunk. */
struct pcl_stream;
enum pcl_rc pcl_stream_new(const struct pcl_engine *e, pcl_finding_fn *cb, void *ctx,
                           struct pcl_stream **out, struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_stream_feed(struct pcl_stream *st, const char *chunk, size_t len,
                            struct pcl_err *err) PCL_WUR;
/* End of input: report what is left. The stream can't be fed afterwards. */
enum pcl_rc pcl_stream_finish(struct pcl_stream *st, struct pcl_err *err) PCL_WUR;
/* Offset before which no finding can start any more: bytes before it may be released. */
uint64_t pcl_stream_settled(const struct pcl_stream *st);
/* Start a new stream on st (finished or not), reporting to cb: offsets count from 0 again.
 * The scratch space and the window's memory are kept, so scanning many short inputs (files,
 * requests) with one stream costs no allocation per input. */
void pcl_stream_reset(struct pcl_stream *st, pcl_finding_fn *cb, void *ctx);
void pcl_stream_free(struct pcl_stream *st);

/* ---- classification ----------------------------------------------------------------- */

/* How findings in one container (a file, a CSV column, a JSON field path) map to a
 * sensitivity level: the highest rule that matches wins. Defaults (docs/classification.md):
 *   credential, health, special, government_id -> restricted
 *   financial -> restricted when >= 1 finding (PCI)
 *   contact -> confidential
 *   no finding -> internal (public only when a rule says so). */
struct pcl_class_rule {
    uint32_t categories; /* match when a finding has any of these categories */
    uint64_t min_count;  /* ... and at least this many findings of them */
    double min_share;    /* ... and at least this share of cells (columns only) */
    enum pcl_sensitivity level;
};

struct pcl_classifier {
    const struct pcl_class_rule *rules; /* array of nrules; NULL = built-in defaults */
    size_t nrules;
    enum pcl_sensitivity baseline; /* level with no matching rule; default internal */
};

/* Per-container tallies gathered while scanning. */
struct pcl_class_counts {
    uint64_t by_category[6]; /* findings per category bit (index = bit position) */
    uint64_t cells;          /* cells/values seen (columns and fields); 0 for files */
    uint64_t cells_hit[6];   /* cells with at least one finding of that category */
};

void pcl_class_counts_add(struct pcl_class_counts *c, uint32_t categories);
enum pcl_sensitivity pcl_classify(const struct pcl_classifier *cl,
                                  const struct pcl_class_counts *c);

#ifdef __cplusplus
}
#endif
#endif
