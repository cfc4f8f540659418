/* SPDX-License-Identifier: Apache-2.0 */
/* The detector row: what each built-in detector declares, and the validators it may name. */
#ifndef PCL_DETECT_DETECTOR_H
#define PCL_DETECT_DETECTOR_H

#include "common.h"

#include <portcullis/detect.h>

/* Validate a candidate. s[0..n) is the finding (capture group 1 when the pattern has one,
 * else the whole match). Returns false to reject the candidate. Must not allocate. */
typedef bool pcl_validate_fn(const char *s, size_t n);

/* A run of hex digits joined by ':', '-' or '.' (each separator between two hex digits),
 * summarised for pcl_hexgate_fn. */
struct pcl_hexrun {
    uint32_t colons; /* separators of each kind */
    uint32_t dashes;
    uint32_t dots;
    uint32_t groups; /* hex digit groups */
    uint32_t min_group;
    uint32_t max_group;
    bool double_colon; /* "::" occurs */
    const char *text;  /* the run itself, text[0..len) (borrowed), or NULL when unknown */
    size_t len;
};

/* Whether a hex run can hold a match of the detector (IPv6, MAC): a cheap necessary
 * condition checked before PCRE2. */
typedef bool pcl_hexgate_fn(const struct pcl_hexrun *r);

/* A necessary condition for a hex run to pass a row's hexgate, cheap to test on the 64-byte
 * masks of a run: at least min_colons ':' (0: not this way), or a "::" (double_colon), or one
 * of the nseps separator layouts (a run of len bytes whose ':' '-' '.' stand exactly at the
 * set bits of at; runs of 64 bytes or more always qualify). When all are zero, every run may
 * pass. The engine skips the gate on runs that fail it; the unit tests hold each hexgate to
 * its condition. */
#define PCL_HEXPRE_SEPS 4
struct pcl_hexpre {
    uint32_t min_colons;
    bool double_colon;
    uint32_t nseps;
    struct {
        uint32_t len;
        uint64_t at;
    } seps[PCL_HEXPRE_SEPS]; /* array of nseps */
};

/* For formats whose pattern may run on into a following word (an IBAN's optional last group
 * eating "EUR"): return the length of the valid value that starts s[0..n), or 0 to reject.
 * Used instead of the validator when set. */
typedef size_t pcl_trim_fn(const char *s, size_t n);

/* A necessary condition on a digit cluster p[cs..ce) of the buffer p[0..n) for a numeric
 * detector (an IBAN's country code, a DNI's check letter), checked before PCRE2. May read
 * anywhere in p[0..n). */
typedef bool pcl_cluster_fn(const char *p, size_t n, size_t cs, size_t ce);

enum pcl_det_flags {
    PCL_DET_CASELESS = 1u << 0,      /* pattern is case-insensitive (both engines) */
    PCL_DET_OFF = 1u << 1,           /* not enabled by default */
    PCL_DET_NEEDS_CONTEXT = 1u << 2, /* score stays under the default threshold (0.5)
                                        unless a context word is near */
    PCL_DET_DOTALL = 1u << 3,        /* '.' matches newlines */
    PCL_DET_PLUS = 1u << 5,          /* numeric: a match starts with '+' right before a digit */
    PCL_DET_LEAD_GAP = 1u << 7,      /* numeric: lead_alpha letters may stand before one ' ' or
                                        '-' in front of the cluster ("AB 12 34 56 C") */
    PCL_DET_LEAD0 = 1u << 6,         /* numeric: a group of 3-6 digits starting with '0' and
                                        followed by a separator (trunk prefix + area code),
                                        where a match may begin (struct pcl_cluster lead0) */
    PCL_DET_ANCHOR_CASE = 1u << 9,   /* anchors match in the case written only (the pattern
                                        has them so): short anchors such as "2A" would
                                        otherwise fire on every hex digest */
    PCL_DET_TOKEN = 1u << 8,         /* every match starts where a run of letters and digits
                                        starts (no letter or digit before it), and that run
                                        has token_min..token_max bytes, a first byte in
                                        token_first and a second in token_second: the engine
                                        finds such runs itself (see PCL_DET_NUMERIC) */
    PCL_DET_NUMERIC = 1u << 4,       /* every match is digit groups joined by at most three
                                        bytes of " -./()" (and may start with '+' or '('), with at
                                        least min_digits digits: the engine finds such digit
                                        clusters itself instead of asking Vectorscan, which is
                                        slow on character-class shapes over digit-heavy text */
};

struct pcl_detector {
    const char *name;              /* unique snake_case id */
    const char *type;              /* entity type (Presidio's name where one exists) */
    uint32_t categories;           /* PCL_CAT_* mask */
    const char *pattern;           /* PCRE2 pattern; compiled into Vectorscan with HS_FLAG_PREFILTER
                                      too, so it must be byte-oriented (no UTF mode) */
    uint32_t max_len;              /* upper bound on a whole match length, in bytes */
    uint32_t min_digits;           /* PCL_DET_NUMERIC: fewest digits a match holds, */
    uint8_t min_groups;            /* ... fewest digit runs (groups), */
    uint8_t min_run;               /* ... shortest possible longest run, */
    uint8_t max_run;               /* ... longest possible run (0 = no limit): a cluster is
                                      confirmed only when it can hold a match by these counts */
    uint8_t lead_alpha;            /* ... and a run of at least this many letters right before
                                      the cluster (an IBAN's country, a PAN's five letters; see
                                      LEAD_GAP), with no letter or digit before the run, */
    uint8_t lead_max;              /* ... and at most this many (0 = lead_alpha), */
    uint8_t trail_alpha;           /* ... and this many letters right after it, or after one
                                      ' ' or '-' (the check letter of an NIE, NIF or NRIC), */
    uint8_t trail_max;             /* ... and at most this many (0 = no limit), */
    const char *shape;             /* ... and, if set, only when some consecutive digit groups of
                                      the cluster have these lengths: alternatives separated by
                                      "|", each a comma list of lengths or ranges: "3,2,4",
                                      "4,4,4,4|4,6,5", "1..3,1..3,1..3,1..3" */
    uint8_t token_min;             /* PCL_DET_TOKEN: shortest and longest run of letters and */
    uint8_t token_max;             /* ... digits a match starts, */
    const char *token_first;       /* ... the bytes its first byte may be (as anchor_run), */
    const char *token_second;      /* ... and its second (NULL = any letter or digit) */
    pcl_validate_fn *group_check;  /* PCL_DET_NUMERIC with a shape: a necessary condition on
                                    one digit group whose length fits a one-group alternative
                                    of the shape (the card number itself, a HETU's date); a
                                    cluster none of whose such groups passes is not confirmed.
                                    Gets the group's digits only */
    pcl_cluster_fn *cluster_check; /* PCL_DET_NUMERIC: see pcl_cluster_fn; NULL = none */
    pcl_validate_fn *validate;     /* NULL = pattern alone decides */
    pcl_trim_fn *trim;             /* NULL = no trimming; else replaces validate */
    pcl_hexgate_fn *hexgate;       /* set: triggered by hex runs that pass it (every match is
                                      such a run, or part of one), not by Vectorscan */
    struct pcl_hexpre hexpre;      /* with hexgate: what a run it passes must show */
    const char *validator;         /* validator's name for docs ("luhn"), NULL with validate */
    const char *const *context;    /* NULL-terminated lower-case words/phrases, or NULL */
    const char *const *anchors;    /* NULL-terminated literals, one of which every match contains
                                      (compared without case), or NULL. Vectorscan then looks for
                                      these literals instead of the pattern: much faster, and
                                      literal reports are not subject to the dropped-report
                                      problem described in engine.h */
    uint32_t anchor_back;          /* how far before an anchor's first byte a match can begin;
                                      0 = max_len */
    const char *anchor_run;        /* if set, a match begins exactly where the run of these bytes
                                      that ends at the anchor begins (within anchor_back), e.g.
                                      "A-Za-z0-9._%+-" before an e-mail's "@"; ranges, bytes */
    double score;                  /* score of a validated match without context */
    double context_score;          /* score when a context word is within reach; 0 = score */
    unsigned flags;                /* enum pcl_det_flags */
    const char *description;       /* one line, shown by `portcullis detectors` */
};

/* The built-in tables, one per file (detectors_pii.c, detectors_secrets.c). */
extern const struct pcl_detector pcl_detectors_pii[];
extern const size_t pcl_detectors_pii_count;
extern const struct pcl_detector pcl_detectors_secrets[];
extern const size_t pcl_detectors_secrets_count;

/* Bytes before and after a finding searched for context words. */
#define PCL_CONTEXT_BEFORE 64
#define PCL_CONTEXT_AFTER  32

#endif
