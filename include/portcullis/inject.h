/* SPDX-License-Identifier: Apache-2.0 */
/* Prompt-injection defense: a Unicode sanitizer (smuggled and obfuscated text), a layered
 * detector (signature files compiled into Vectorscan + a small linear model) with tiered,
 * explained verdicts, and canary tokens for prompt-leak detection in streamed responses. */
#ifndef PORTCULLIS_INJECT_H
#define PORTCULLIS_INJECT_H

#include <portcullis/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- sanitizer ---------------------------------------------------------------------- */

/* What the sanitizer found. The first block is hidden or look-alike characters, the second
 * embedded encodings whose decoded text is screened as well. */
enum pcl_san_kind {
    PCL_SAN_TAG,       /* Unicode tag characters (U+E0000 block) outside an emoji flag */
    PCL_SAN_VARSEL,    /* variation selectors beyond one after a base (byte smuggling) */
    PCL_SAN_INVISIBLE, /* zero-width / default-ignorable characters inside or between words */
    PCL_SAN_BIDI,      /* bidi embedding, override and isolate controls */
    PCL_SAN_HOMOGLYPH, /* word mixing Latin with Cyrillic/Greek/... look-alikes */
    PCL_SAN_FULLWIDTH, /* full-width or other compatibility forms of ASCII */
    PCL_SAN_BASE64,
    PCL_SAN_HEX,
    PCL_SAN_URL,      /* percent-encoding */
    PCL_SAN_ROT13,    /* text that reads as English after rot13 */
    PCL_SAN_LEET,     /* leetspeak digits and symbols inside words */
    PCL_SAN_REVERSED, /* text that reads as English backwards (or inside an RLO override) */
    PCL_SAN_SPACED,   /* l e t t e r s   s e p a r a t e d   b y   s p a c e s */
    PCL_SAN_KIND_COUNT,
};

/* Bit for kind k in the masks below. */
#define PCL_SAN_BIT(k) (1u << (unsigned)(k))
/* Hidden characters removed from pcl_san_result.text by default. */
#define PCL_SAN_STRIP_DEFAULT                                                                      \
    (PCL_SAN_BIT(PCL_SAN_TAG) | PCL_SAN_BIT(PCL_SAN_VARSEL) | PCL_SAN_BIT(PCL_SAN_INVISIBLE) |     \
     PCL_SAN_BIT(PCL_SAN_BIDI))

/* Stable lower-case name of a kind ("tag", "base64", ...); "unknown" when out of range. */
const char *pcl_san_kind_name(enum pcl_san_kind k);

/* One finding: bytes [start, end) of the input. */
struct pcl_san_finding {
    enum pcl_san_kind kind;
    size_t start;
    size_t end;
    size_t count; /* characters of this kind in the span (encodings: 1) */
};

/* Decoded text that was hidden in the input (tag or variation-selector payload, base64, hex,
 * URL, rot13, leetspeak, reversed or spaced text), to be screened like the input. */
struct pcl_san_decoded {
    enum pcl_san_kind kind;
    size_t start; /* the encoded span in the input */
    size_t end;
    struct pcl_str text; /* UTF-8 (invalid bytes replaced by U+FFFD) */
};

struct pcl_san_result {
    /* The input with the kinds in opts.strip removed (other bytes untouched): what a gateway
     * forwards. Equal to the input when nothing was stripped. */
    struct pcl_str text;
    /* The screening form: NFKC case-folded, hidden characters removed, homoglyphs of words in
     * mixed-script folded to Latin. map[i] = input offset of screen.ptr[i]. */
    struct pcl_str screen;
    const size_t *map;                      /* array of screen.len + 1 (last = input length) */
    const struct pcl_san_finding *findings; /* array of nfindings, by start */
    size_t nfindings;
    const struct pcl_san_decoded *decoded; /* array of ndecoded */
    size_t ndecoded;
    uint32_t kinds; /* PCL_SAN_BIT of every kind found */
    size_t letters; /* letters in the input, and of these: */
    size_t covered; /* letters in a script the detector covers (see docs/injection.md) */
};

struct pcl_san_opts {
    uint32_t strip; /* kinds whose characters are removed from result.text */
    bool decode;    /* look for embedded encodings (off: only hidden and look-alike chars) */
};

/* Immutable after pcl_sanitizer_new(): one per process, shared by every thread. */
struct pcl_sanitizer;
/* Per-thread working memory of a sanitizer; results point into it. */
struct pcl_san_scratch;

/* opts may be NULL (strip PCL_SAN_STRIP_DEFAULT, decode on). Loads ICU4C with dlopen() on the
 * first call (libicuuc and libicui18n by the SONAMEs built against, or the files named by the
 * PCL_ICU_UC_LIBRARY and PCL_ICU_I18N_LIBRARY environment variables) and opens its NFKC_Casefold
 * normalizer and confusable data; PCL_EINTERNAL, naming the library, when ICU or its data is
 * missing. Caller frees with pcl_sanitizer_free(). */
enum pcl_rc pcl_sanitizer_new(const struct pcl_san_opts *opts, struct pcl_sanitizer **out,
                              struct pcl_err *err) PCL_WUR;
void pcl_sanitizer_free(struct pcl_sanitizer *s);
/* max_input: longest input accepted (0 = 16 MiB); longer inputs are PCL_ELIMIT. Caller frees
 * with pcl_san_scratch_free(). */
enum pcl_rc pcl_san_scratch_new(size_t max_input, struct pcl_san_scratch **out,
                                struct pcl_err *err) PCL_WUR;
void pcl_san_scratch_free(struct pcl_san_scratch *s);
/* Sanitize text[0..len) (any bytes; invalid UTF-8 passes through and is treated as U+FFFD).
 * *res points into scratch and stays valid until the next call with it. */
enum pcl_rc pcl_sanitize(const struct pcl_sanitizer *san, struct pcl_san_scratch *scratch,
                         const char *text, size_t len, struct pcl_san_result *res,
                         struct pcl_err *err) PCL_WUR;

/* ---- detector ----------------------------------------------------------------------- */

/* Verdict tiers, weakest first. UNVERIFIED: nothing found, but most letters are in a script
 * neither the signatures nor the model cover, so "safe" would be a guess. */
enum pcl_inject_tier {
    PCL_INJECT_ALLOW,
    PCL_INJECT_UNVERIFIED,
    PCL_INJECT_FLAG,
    PCL_INJECT_BLOCK,
};
const char *pcl_inject_tier_name(enum pcl_inject_tier t); /* "allow", "unverified", ... */

/* Evidence kinds. */
enum pcl_inject_ev_kind {
    PCL_INJECT_EV_SIGNATURE, /* a signature matched; id and category name it */
    PCL_INJECT_EV_MODEL,     /* the model scored a window at or above the flag threshold */
    PCL_INJECT_EV_SANITIZER, /* hidden or obfuscated text (category = pcl_san_kind_name) */
};

struct pcl_inject_evidence {
    enum pcl_inject_ev_kind kind;
    const char *id;            /* signature id, "model" or the sanitizer kind; borrowed from det */
    const char *category;      /* override, roleplay, extraction, delimiter, tool, exfiltration,
                                  obfuscation, smuggling, model */
    enum pcl_inject_tier tier; /* what this evidence alone asks for */
    double score;              /* signature weight, model probability or 1 */
    size_t start, end;         /* bytes of the input */
    /* Where the match was made: NULL = the input itself, else the sanitizer kind name of the
     * decoded span it was found in ("base64", "tag", ...). */
    const char *via;
};

struct pcl_inject_verdict {
    enum pcl_inject_tier tier;
    double score; /* max(model probability over windows and decoded texts, signature weight) */
    double model; /* max model probability alone */
    const struct pcl_inject_evidence *ev; /* array of nev, by start; borrowed from scratch */
    size_t nev;
    const struct pcl_san_result *san; /* the sanitizer's view of the input; borrowed */
};

/* Where text comes from: a route's policy judges content the app inserts (documents, tool
 * results, web pages) for indirect injection differently from what the user typed. */
enum pcl_inject_source {
    PCL_INJECT_SRC_USER,
    PCL_INJECT_SRC_DOCUMENT,
};

/* Per-call thresholds (per route in the gateway). Zero fields take the detector's
 * defaults. */
struct pcl_inject_policy {
    double flag;  /* model probability at or above which the verdict is at least flag */
    double block; /* model probability at or above which it is block (> 1 = never) */
    enum pcl_inject_source source;
};

struct pcl_inject_opts {
    /* Signature files (*.sig) are read from every directory or file listed, in order;
     * array of nsig_paths. */
    const char *const *sig_paths;
    size_t nsig_paths;
    const char *model_path; /* weights file; NULL = signatures only */
    double flag;            /* default 0.95 */
    double block;           /* default 0.999 */
    size_t window;          /* model window in bytes of the token view (default 512) */
    size_t max_input;       /* longest input (default 1 MiB); longer is PCL_ELIMIT */
    struct pcl_san_opts san;
    /* Directory for compiled signature databases (created if missing; NULL = compile every
     * time). A database is reused when the signatures and the Vectorscan version match. */
    const char *cache_dir;
};

/* Immutable after pcl_inject_new(): share one per process across threads. */
struct pcl_inject;
/* Per-thread scratch (Vectorscan scratch, buffers, results). */
struct pcl_inject_scratch;

/* Load signatures (compiled into two Vectorscan databases, one over word tokens with gap
 * tolerance and one over the case-folded text) and the model. Errors name the file and line.
 * Caller frees with pcl_inject_free(). */
enum pcl_rc pcl_inject_new(const struct pcl_inject_opts *opts, struct pcl_inject **out,
                           struct pcl_err *err) PCL_WUR;
void pcl_inject_free(struct pcl_inject *det);
/* A signature's PCRE2 JIT program is made by its first match (thread-safe); this makes them
 * all now, for a server at start-up. Results never depend on it. */
void pcl_inject_warm(const struct pcl_inject *det);
/* Number of signatures loaded. */
size_t pcl_inject_signature_count(const struct pcl_inject *det);
enum pcl_rc pcl_inject_scratch_new(const struct pcl_inject *det, struct pcl_inject_scratch **out,
                                   struct pcl_err *err) PCL_WUR;
void pcl_inject_scratch_free(struct pcl_inject_scratch *s);
/* Screen text[0..len): sanitize, match signatures over the text and every decoded span, score
 * windows with the model, and decide. policy may be NULL. *v points into scratch until the next
 * call with it. Thread-safe when each thread uses its own scratch. */
enum pcl_rc pcl_inject_scan(const struct pcl_inject *det, struct pcl_inject_scratch *scratch,
                            const char *text, size_t len, const struct pcl_inject_policy *policy,
                            struct pcl_inject_verdict *v, struct pcl_err *err) PCL_WUR;

/* ---- signature files ---------------------------------------------------------------- */

/* A parsed signature line; see docs/injection.md for the format. */
struct pcl_inject_sig {
    char *id;
    char *category;
    enum pcl_inject_tier tier; /* FLAG or BLOCK; ALLOW marks an allowlist entry */
    bool raw;                  /* pattern is a regex over the case-folded text */
    /* tier "feature": a model feature only (tier is ALLOW, weight 0); it never asks for a
     * verdict, never allowlists, and its CATEGORY names the concept the model learns */
    bool feature;
    char *lang;
    char *pattern; /* as written */
    char *regex;   /* the compiled form handed to Vectorscan */
    double weight;
    char *file; /* file name given to the parser, for messages */
    size_t line;
};

/* Parse one signature file's text (name is for messages). Appends to *sigs (array of *nsigs,
 * grown with pcl_realloc). Errors: "NAME: line N: ..." and PCL_EINVAL. */
enum pcl_rc pcl_inject_sig_parse(const char *name, const char *text, size_t len,
                                 struct pcl_inject_sig **sigs, size_t *nsigs,
                                 struct pcl_err *err) PCL_WUR;
/* Free an array of nsigs parsed signatures. */
void pcl_inject_sig_free(struct pcl_inject_sig *sigs, size_t nsigs);

/* ---- model -------------------------------------------------------------------------- */

struct pcl_inject_model;

/* A labeled example for training. */
struct pcl_inject_example {
    struct pcl_str text;
    int label;          /* 1 = injection, 0 = benign */
    const char *source; /* borrowed; where the row comes from (any string), or NULL */
};

struct pcl_inject_train_opts {
    unsigned epochs;      /* default 6 */
    double l2;            /* default 1e-6 */
    double lr;            /* AdaGrad base rate, default 0.2 */
    uint64_t seed;        /* shuffle order */
    bool balance_sources; /* weigh rows so that large sources do not drown small ones */
    unsigned windows;     /* model windows per example learned from (default 1: the first);
                             with more, each step learns on the highest-scoring one, as a
                             scan takes the highest (max pooling) */
};

/* Per-example loss weights used by training, into w[0..n). Positives are weighted by the
 * class ratio (benign rows / injection rows) so both classes weigh the same. With
 * balance_sources, a row of a group (source, label) of size k is further weighted by
 * sqrt(mean group size of its label / k), renormalized so each label keeps its total weight:
 * a source ten times larger than average counts about three times, not ten. Rows with a NULL
 * source form one group. Returns PCL_ENOMEM (w undefined) when out of memory. */
enum pcl_rc pcl_inject_train_weights(const struct pcl_inject_example *ex, size_t n,
                                     bool balance_sources, double *w) PCL_WUR;

/* Whether a row's source ("owner/repo:path", optionally prefixed "synthetic:") is selected
 * by list[0..nlist): an entry without ':' names a whole repository ("owner/repo"), an entry
 * with ':' one file ("owner/repo:path", exact). */
bool pcl_inject_source_listed(const char *source, const char *const *list, size_t nlist);

/* Learn weights from n examples (features are extracted with det's sanitizer and signatures,
 * so a model trained with one signature set should be shipped with it). Caller frees *out
 * with pcl_inject_model_free(). */
enum pcl_rc pcl_inject_model_train(const struct pcl_inject *det,
                                   const struct pcl_inject_example *ex, size_t n,
                                   const struct pcl_inject_train_opts *opts,
                                   struct pcl_inject_model **out, struct pcl_err *err) PCL_WUR;
/* Write weights as text (format in docs/injection.md) to path. */
enum pcl_rc pcl_inject_model_save(const struct pcl_inject_model *m, const char *path,
                                  struct pcl_err *err) PCL_WUR;
void pcl_inject_model_free(struct pcl_inject_model *m);
/* Use m for later scans (takes ownership of m; the previous model is freed). Not thread-safe:
 * call before sharing det. */
void pcl_inject_model_set(struct pcl_inject *det, struct pcl_inject_model *m);

/* ---- output checks ------------------------------------------------------------------ */

/* What a model response must not do: render markdown images or links (or HTML images) that
 * carry data to hosts not on the allow list, contain active HTML (script, iframe, event
 * handlers, javascript: URLs) outside code blocks, or echo the system prompt. */
struct pcl_inject_output_opts {
    const char *const *allow_hosts; /* host names allowed in URLs (also their subdomains);
                                       array of nallow_hosts */
    size_t nallow_hosts;
    struct pcl_str system_prompt; /* when non-empty: flag responses repeating 12+ of its words
                                     in a row, block at half of it */
};

/* Check a (complete or accumulated) response text[0..len). Writes at most cap pieces of
 * evidence (ids "output.md_image", "output.md_link", "output.html_image", "output.script",
 * "output.iframe", "output.event_handler", "output.js_url", "output.echo"; category
 * "exfiltration", "html" or "extraction"; via NULL) into ev and sets *nev; returns the highest
 * tier found (PCL_INJECT_ALLOW when none). Allocates only for the echo check (PCL_ENOMEM). */
enum pcl_rc pcl_inject_output_check(const struct pcl_inject_output_opts *opts, const char *text,
                                    size_t len, struct pcl_inject_evidence *ev, size_t cap,
                                    size_t *nev, enum pcl_inject_tier *tier,
                                    struct pcl_err *err) PCL_WUR;

/* ---- canary tokens ------------------------------------------------------------------ */

#define PCL_CANARY_MAX 64

/* Mint a fresh random canary "pcl-" + 16 lower-case hex into out (NUL-terminated, at least
 * PCL_CANARY_MAX bytes); returns its length. Uses the OS CSPRNG (libsodium). */
size_t pcl_canary_mint(char *out);

/* Watches a response stream for one canary, chunk by chunk. Finds it verbatim, with case
 * changes, with separators or invisible characters between its characters, reversed, or a run
 * of at least 75% of its hex part. Only a few dozen bytes of state are carried between chunks. */
struct pcl_canary_watch;

/* canary[0..len): 8..PCL_CANARY_MAX bytes. Caller frees with pcl_canary_watch_free(). */
enum pcl_rc pcl_canary_watch_new(const char *canary, size_t len, struct pcl_canary_watch **out,
                                 struct pcl_err *err) PCL_WUR;
void pcl_canary_watch_free(struct pcl_canary_watch *w);
/* Feed the next chunk. Returns true once the canary (or a near variant) has been seen; *at
 * (if not NULL) is then the stream offset just past the byte that completed it. Sticky: later
 * calls keep returning true. */
bool pcl_canary_watch_feed(struct pcl_canary_watch *w, const char *chunk, size_t len, uint64_t *at);
/* Forget everything (new response, same canary). */
void pcl_canary_watch_reset(struct pcl_canary_watch *w);

#ifdef __cplusplus
}
#endif

#endif
