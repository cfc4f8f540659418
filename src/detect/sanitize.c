/* SPDX-License-Identifier: Apache-2.0 */
/* Unicode sanitizer: finds hidden and look-alike characters and embedded encodings, strips
 * them from the forwarded text and builds the case-folded screening form (ICU4C). */
#include "sanitize.h"

#include "icu.h"

#include <pthread.h>

#define SAN_MAX_DEFAULT ((size_t)16 << 20)
#define SKEL_CACHE      256u
#define MIN_B64         16u
#define MIN_HEX         16u

struct pcl_sanitizer {
    struct pcl_san_opts opts;
    const UNormalizer2 *nfkc_cf; /* ICU-owned singleton */
    USpoofChecker *spoof;
};

/* Per code point of the input. */
enum cp_flag {
    CP_DROP = 1u << 0, /* hidden: not in the screening form */
    CP_FOLD = 1u << 1, /* homoglyph: screen as fold */
};

struct cpi {
    uint32_t cp;
    uint32_t off; /* byte offset in the input */
    uint8_t len;  /* bytes */
    uint8_t flags;
    uint8_t kind; /* enum pcl_san_kind when CP_DROP (which strip bit removes it) */
    char fold;    /* ASCII lower-case letter for CP_FOLD */
};

struct dec_ent {
    enum pcl_san_kind kind;
    size_t start, end;
    size_t off, len; /* in dec */
};

struct skel_ent {
    uint32_t cp;
    char c; /* 0 = no single-letter ASCII skeleton */
    bool set;
};

struct pcl_san_scratch {
    size_t max;
    struct cpi *cps; /* array of ncps (capacity capcps) */
    size_t ncps, capcps;
    struct pcl_buf text;
    struct pcl_buf screen;
    size_t *map; /* array of screen.len + 1 (capacity capmap) */
    size_t capmap;
    struct pcl_san_finding *fnd; /* array of nfnd (capacity capfnd) */
    size_t nfnd, capfnd;
    struct dec_ent *dents; /* array of ndec (capacity capdec) */
    size_t ndec, capdec;
    struct pcl_san_decoded *decs; /* array of ndec, built at the end */
    size_t capdecs;
    struct pcl_buf dec; /* decoded texts, back to back */
    struct pcl_buf tmp; /* one decoded text being built */
    UChar *u16;         /* NFKC segment in and out; capacity capu16 each */
    UChar *u16out;
    size_t capu16;
    struct skel_ent skel[SKEL_CACHE];
};

static const char *const kind_names[PCL_SAN_KIND_COUNT] = {
    [PCL_SAN_TAG] = "tag",
    [PCL_SAN_VARSEL] = "variation_selector",
    [PCL_SAN_INVISIBLE] = "invisible",
    [PCL_SAN_BIDI] = "bidi",
    [PCL_SAN_HOMOGLYPH] = "homoglyph",
    [PCL_SAN_FULLWIDTH] = "fullwidth",
    [PCL_SAN_BASE64] = "base64",
    [PCL_SAN_HEX] = "hex",
    [PCL_SAN_URL] = "url",
    [PCL_SAN_ROT13] = "rot13",
    [PCL_SAN_LEET] = "leetspeak",
    [PCL_SAN_REVERSED] = "reversed",
    [PCL_SAN_SPACED] = "spaced",
};

const char *
pcl_san_kind_name(enum pcl_san_kind k)
{
    if ((unsigned)k >= PCL_SAN_KIND_COUNT) {
        return "unknown";
    }
    return kind_names[k];
}

/* ---- common English words (rot13 / reversed scoring) --------------------------------- */

/* Frequent English words; those whose rot13 or reversal is also one of them are left out
 * (be/or, no/on), so a line and its transform cannot both score on them. */
static const char *const common_words[] = {
    "a",         "about",      "above",       "after",     "again",
    "against",   "all",        "also",        "always",    "am",
    "an",        "and",        "answer",      "any",       "are",
    "around",    "as",         "ask",         "at",        "away",
    "back",      "because",    "been",        "before",    "being",
    "below",     "best",       "between",     "both",      "but",
    "by",        "call",       "can",         "could",     "create",
    "data",      "day",        "describe",    "did",       "different",
    "do",        "does",       "doing",       "done",      "down",
    "during",    "each",       "easy",        "email",     "even",
    "every",     "everything", "example",     "explain",   "few",
    "find",      "first",      "following",   "for",       "forget",
    "from",      "full",       "game",        "get",       "give",
    "go",        "good",       "great",       "had",       "has",
    "have",      "he",         "help",        "her",       "here",
    "his",       "how",        "i",           "if",        "ignore",
    "important", "in",         "information", "instead",   "instructions",
    "into",      "is",         "it",          "its",       "just",
    "keep",      "know",       "language",    "large",     "last",
    "least",     "life",       "like",        "list",      "little",
    "long",      "look",       "make",        "many",      "may",
    "me",        "might",      "more",        "most",      "much",
    "must",      "my",         "name",        "need",      "never",
    "new",       "next",       "not",         "now",       "number",
    "of",        "off",        "often",       "old",       "one",
    "only",      "other",      "our",         "out",       "over",
    "own",       "part",       "password",    "people",    "person",
    "place",     "plan",       "please",      "point",     "possible",
    "previous",  "print",      "problem",     "prompt",    "provide",
    "question",  "read",       "really",      "reply",     "respond",
    "right",     "rules",      "same",        "say",       "secret",
    "see",       "should",     "show",        "simple",    "small",
    "so",        "some",       "something",   "step",      "still",
    "story",     "such",       "suggest",     "summarize", "system",
    "take",      "tell",       "text",        "than",      "that",
    "the",       "their",      "them",        "then",      "there",
    "these",     "they",       "thing",       "think",     "this",
    "those",     "through",    "time",        "to",        "today",
    "too",       "two",        "under",       "up",        "us",
    "use",       "user",       "very",        "want",      "was",
    "water",     "way",        "we",          "well",      "were",
    "what",      "when",       "where",       "which",     "while",
    "who",       "why",        "will",        "with",      "without",
    "word",      "words",      "work",        "world",     "would",
    "write",     "year",       "you",         "your",
};

/* The list as sorted FNV-1a hashes, built once: a lookup is a binary search over integers
 * (a collision only adds a word, which scoring tolerates). */
static uint32_t common_hash[PCL_ARRAY_LEN(common_words)];
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static uint32_t
word_hash(const char *p, size_t n)
{
    uint32_t h = 0x811C9DC5u;

    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 16777619u;
    }
    return h;
}

static int
u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : (x > y ? 1 : 0);
}

static void
common_init(void)
{
    for (size_t i = 0; i < PCL_ARRAY_LEN(common_words); i++) {
        common_hash[i] = word_hash(common_words[i], strlen(common_words[i]));
    }
    qsort(common_hash, PCL_ARRAY_LEN(common_hash), sizeof(common_hash[0]), u32_cmp);
}

static bool
is_common(uint32_t h)
{
    size_t lo = 0, hi = PCL_ARRAY_LEN(common_hash);

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (common_hash[mid] == h) {
            return true;
        }
        if (common_hash[mid] < h) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return false;
}

/* Common words among the ASCII words of s[0..n) read plainly, through rot13, or backwards. */
enum read_as { READ_PLAIN, READ_ROT13, READ_REVERSED };

/* Counts distinct common words (a line repeating "vs", rot13 "if", scores once). */
static void
english_score(const char *s, size_t n, enum read_as how, size_t *hits, size_t *words)
{
    uint32_t h = 0x811C9DC5u;
    uint32_t seen[16];
    size_t nseen = 0;
    size_t wl = 0;

    (void)pthread_once(&common_once, common_init);
    *hits = 0;
    *words = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = ' ';

        if (i < n) {
            c = pcl_lower(s[how == READ_REVERSED ? n - 1 - i : i]);
            if (how == READ_ROT13 && c >= 'a' && c <= 'z') {
                c = (char)('a' + (c - 'a' + 13) % 26);
            }
        }
        if (c >= 'a' && c <= 'z') {
            h ^= (unsigned char)c;
            h *= 16777619u;
            wl++;
            continue;
        }
        if (c == '\'' && wl > 0) {
            continue; /* don't, i'm: keep the stem */
        }
        if (wl > 0) {
            (*words)++;
            if (wl < 16 && is_common(h)) {
                bool dup = false;

                for (size_t k = 0; k < nseen && !dup; k++) {
                    dup = seen[k] == h;
                }
                if (!dup) {
                    (*hits)++;
                    if (nseen < PCL_ARRAY_LEN(seen)) {
                        seen[nseen++] = h;
                    }
                }
            }
            wl = 0;
            h = 0x811C9DC5u;
        }
    }
}

void
pcl_sanitize_english_score(const char *s, size_t n, size_t *hits, size_t *words)
{
    english_score(s, n, READ_PLAIN, hits, words);
}

/* ---- lifecycle ----------------------------------------------------------------------- */

enum pcl_rc
pcl_sanitizer_new(const struct pcl_san_opts *opts, struct pcl_sanitizer **out, struct pcl_err *err)
{
    struct pcl_sanitizer *s = NULL;
    UErrorCode st = U_ZERO_ERROR;
    enum pcl_rc rc = PCL_OK;

    *out = NULL;
    rc = pcl_icu_load(err);
    if (rc != PCL_OK) {
        return rc;
    }
    s = pcl_calloc(1, sizeof(*s));
    if (s == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "sanitizer: out of memory");
    }
    if (opts != NULL) {
        s->opts = *opts;
    } else {
        s->opts.strip = PCL_SAN_STRIP_DEFAULT;
        s->opts.decode = true;
    }
    s->nfkc_cf = pcl_icu.unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st)) {
        rc = pcl_err_set(err, PCL_EINTERNAL, "sanitizer: ICU NFKC_Casefold: %s",
                         pcl_icu.u_errorName(st));
        goto out;
    }
    s->spoof = pcl_icu.uspoof_open(&st);
    if (U_FAILURE(st)) {
        rc = pcl_err_set(err, PCL_EINTERNAL, "sanitizer: ICU spoof checker: %s",
                         pcl_icu.u_errorName(st));
        goto out;
    }
    *out = s;
    s = NULL;
out:
    pcl_sanitizer_free(s);
    return rc;
}

void
pcl_sanitizer_free(struct pcl_sanitizer *s)
{
    if (s == NULL) {
        return;
    }
    if (s->spoof != NULL) {
        pcl_icu.uspoof_close(s->spoof);
    }
    pcl_free(s);
}

enum pcl_rc
pcl_san_scratch_new(size_t max_input, struct pcl_san_scratch **out, struct pcl_err *err)
{
    struct pcl_san_scratch *s = pcl_calloc(1, sizeof(*s));

    *out = NULL;
    if (s == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "sanitizer: out of memory");
    }
    s->max = max_input != 0 ? max_input : SAN_MAX_DEFAULT;
    /* outputs can outgrow the input (NFKC expands, decoded texts): 4x plus slack */
    pcl_buf_init(&s->text, s->max + 16);
    pcl_buf_init(&s->screen, s->max * 4 + 64);
    pcl_buf_init(&s->dec, s->max * 2 + 64);
    pcl_buf_init(&s->tmp, s->max * 2 + 64);
    *out = s;
    return PCL_OK;
}

void
pcl_san_scratch_free(struct pcl_san_scratch *s)
{
    if (s == NULL) {
        return;
    }
    pcl_free(s->cps);
    pcl_buf_fini(&s->text);
    pcl_buf_fini(&s->screen);
    pcl_free(s->map);
    pcl_free(s->fnd);
    pcl_free(s->dents);
    pcl_free(s->decs);
    pcl_buf_fini(&s->dec);
    pcl_buf_fini(&s->tmp);
    pcl_free(s->u16);
    pcl_free(s->u16out);
    pcl_free(s);
}

/* Make room for need elements of size elem in *p (capacity *cap). */
static enum pcl_rc
grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *np;

    if (need <= *cap) {
        return PCL_OK;
    }
    ncap = *cap != 0 ? *cap : 16;
    while (ncap < need) {
        ncap *= 2;
    }
    np = pcl_realloc(*p, ncap * elem);
    if (np == NULL) {
        return PCL_ENOMEM;
    }
    *p = np;
    *cap = ncap;
    return PCL_OK;
}

/* ---- character classes --------------------------------------------------------------- */

static bool
is_tag(uint32_t c)
{
    return c >= 0xE0000 && c <= 0xE007F;
}

static bool
is_varsel(uint32_t c)
{
    return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

/* Embeddings, overrides and isolates; LRM/RLM/ALM are ordinary in right-to-left text. */
static bool
is_bidi(uint32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static bool
is_pictographic(uint32_t c)
{
    return c >= 0x80 && (pcl_icu.u_hasBinaryProperty((UChar32)c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
                         pcl_icu.u_hasBinaryProperty((UChar32)c, UCHAR_EMOJI_COMPONENT));
}

static bool
is_letter(uint32_t c)
{
    if (c < 0x80) {
        return pcl_is_alpha((char)c);
    }
    return pcl_icu.u_isalpha((UChar32)c) ||
           (pcl_icu_gc_mask(c) & (U_GC_MN_MASK | U_GC_MC_MASK)) != 0;
}

/* Scripts the shipped signatures and model cover (docs/injection.md). */
static bool
script_covered(UScriptCode sc)
{
    switch (sc) {
    case USCRIPT_LATIN:
    case USCRIPT_CYRILLIC:
    case USCRIPT_GREEK:
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_HANGUL:
    case USCRIPT_ARABIC:
    case USCRIPT_DEVANAGARI:
    case USCRIPT_THAI:
    case USCRIPT_COMMON:
    case USCRIPT_INHERITED:
        return true;
    default:
        return false;
    }
}

static UScriptCode
script_of(uint32_t c)
{
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc;

    if (c < 0x80) {
        return pcl_is_alpha((char)c) ? USCRIPT_LATIN : USCRIPT_COMMON;
    }
    sc = pcl_icu.uscript_getScript((UChar32)c, &st);
    return U_FAILURE(st) ? USCRIPT_UNKNOWN : sc;
}

/* The single ASCII lower-case letter c looks like (ICU confusable skeleton), or 0. */
static char
skeleton_letter(const struct pcl_sanitizer *san, struct pcl_san_scratch *s, uint32_t c)
{
    struct skel_ent *e = &s->skel[c % SKEL_CACHE];
    UChar in[2];
    UChar sk[8];
    int32_t n = 0;
    int32_t len;
    UErrorCode st = U_ZERO_ERROR;
    char r = 0;

    if (e->set && e->cp == c) {
        return e->c;
    }
    U16_APPEND_UNSAFE(in, n, (UChar32)c);
    len = pcl_icu.uspoof_getSkeleton(san->spoof, 0, in, n, sk, (int32_t)PCL_ARRAY_LEN(sk), &st);
    if (U_SUCCESS(st) && len == 1 && sk[0] < 0x80 && pcl_is_alpha((char)sk[0])) {
        r = pcl_lower((char)sk[0]);
    }
    e->cp = c;
    e->c = r;
    e->set = true;
    return r;
}

/* ---- findings and decoded texts ------------------------------------------------------ */

static enum pcl_rc
add_finding(struct pcl_san_scratch *s, enum pcl_san_kind kind, size_t start, size_t end,
            size_t count)
{
    struct pcl_san_finding *last = s->nfnd > 0 ? &s->fnd[s->nfnd - 1] : NULL;

    /* consecutive characters of one kind (possibly with others between) make one finding */
    if (last != NULL && last->kind == kind && kind <= PCL_SAN_FULLWIDTH && start >= last->end &&
        start - last->end <= 16) {
        last->end = end;
        last->count += count;
        return PCL_OK;
    }
    if (grow((void **)&s->fnd, &s->capfnd, s->nfnd + 1, sizeof(*s->fnd)) != PCL_OK) {
        return PCL_ENOMEM;
    }
    s->fnd[s->nfnd++] = (struct pcl_san_finding){kind, start, end, count};
    return PCL_OK;
}

/* Append tmp as a decoded text of kind for input bytes [start, end), with a finding. Invalid
 * UTF-8 becomes U+FFFD so every consumer may assume valid text. */
static enum pcl_rc
add_decoded(struct pcl_san_scratch *s, enum pcl_san_kind kind, size_t start, size_t end)
{
    size_t off = s->dec.len;
    size_t i = 0;
    enum pcl_rc rc;

    rc = add_finding(s, kind, start, end, 1);
    if (rc != PCL_OK) {
        return rc;
    }
    while (i < s->tmp.len) {
        uint32_t cp;
        size_t n = pcl_utf8_decode(s->tmp.ptr + i, s->tmp.len - i, &cp);

        if (n == 0) {
            rc = pcl_buf_append(&s->dec, "\xEF\xBF\xBD", 3);
            n = 1;
        } else {
            rc = pcl_buf_append(&s->dec, s->tmp.ptr + i, n);
        }
        if (rc != PCL_OK) {
            return rc;
        }
        i += n;
    }
    if (grow((void **)&s->dents, &s->capdec, s->ndec + 1, sizeof(*s->dents)) != PCL_OK) {
        return PCL_ENOMEM;
    }
    s->dents[s->ndec++] = (struct dec_ent){kind, start, end, off, s->dec.len - off};
    return PCL_OK;
}

/* ---- pass 1: code points --------------------------------------------------------------- */

static enum pcl_rc
decode_cps(struct pcl_san_scratch *s, const char *text, size_t len)
{
    size_t i = 0;

    if (grow((void **)&s->cps, &s->capcps, len + 1, sizeof(*s->cps)) != PCL_OK) {
        return PCL_ENOMEM;
    }
    s->ncps = 0;
    while (i < len) {
        struct cpi *c = &s->cps[s->ncps++];
        unsigned char b = (unsigned char)text[i];
        size_t n;

        memset(c, 0, sizeof(*c));
        c->off = (uint32_t)i;
        if (b < 0x80) {
            c->cp = b;
            c->len = 1;
            i++;
            continue;
        }
        n = pcl_utf8_decode(text + i, len - i, &c->cp);
        if (n == 0) {
            c->cp = 0xFFFD;
            n = 1;
        }
        c->len = (uint8_t)n;
        i += n;
    }
    return PCL_OK;
}

static size_t
cp_end(const struct pcl_san_scratch *s, size_t k)
{
    return (size_t)s->cps[k].off + s->cps[k].len;
}

/* Previous code point that is not a variation selector, ZWJ or emoji modifier; or NULL. */
static const struct cpi *
visible_before(const struct pcl_san_scratch *s, size_t k)
{
    while (k > 0) {
        const struct cpi *c = &s->cps[--k];

        if (!is_varsel(c->cp) && c->cp != 0x200D && !(c->cp >= 0x1F3FB && c->cp <= 0x1F3FF)) {
            return c;
        }
    }
    return NULL;
}

/* A tag run [k, e) is a legitimate emoji subdivision flag: after U+1F3F4, 2..7 tag letters or
 * digits, closed by CANCEL TAG. */
static bool
tag_run_is_flag(const struct pcl_san_scratch *s, size_t k, size_t e)
{
    const struct cpi *base = k > 0 ? &s->cps[k - 1] : NULL;

    if (base != NULL && is_varsel(base->cp) && k > 1) {
        base = &s->cps[k - 2];
    }
    if (base == NULL || base->cp != 0x1F3F4 || e - k < 3 || e - k > 8 ||
        s->cps[e - 1].cp != 0xE007F) {
        return false;
    }
    for (size_t i = k; i + 1 < e; i++) {
        uint32_t c = s->cps[i].cp;

        if (!((c >= 0xE0061 && c <= 0xE007A) || (c >= 0xE0030 && c <= 0xE0039))) {
            return false;
        }
    }
    return true;
}

static enum pcl_rc
mark_drop(struct pcl_san_scratch *s, size_t k, size_t e, enum pcl_san_kind kind)
{
    for (size_t i = k; i < e; i++) {
        s->cps[i].flags |= CP_DROP;
        s->cps[i].kind = (uint8_t)kind;
    }
    return add_finding(s, kind, s->cps[k].off, cp_end(s, e - 1), e - k);
}

/* Tag characters: a legitimate flag stays; any other run is hidden ASCII, decoded. */
static enum pcl_rc
scan_tags(struct pcl_san_scratch *s, size_t k, size_t *next)
{
    size_t e = k;
    enum pcl_rc rc;

    while (e < s->ncps && is_tag(s->cps[e].cp)) {
        e++;
    }
    *next = e;
    if (tag_run_is_flag(s, k, e)) {
        return PCL_OK;
    }
    rc = mark_drop(s, k, e, PCL_SAN_TAG);
    if (rc != PCL_OK) {
        return rc;
    }
    pcl_buf_reset(&s->tmp);
    for (size_t i = k; i < e; i++) {
        uint32_t c = s->cps[i].cp;

        if (c >= 0xE0020 && c <= 0xE007E) {
            rc = pcl_buf_appendc(&s->tmp, (char)(c - 0xE0000));
            if (rc != PCL_OK) {
                return rc;
            }
        }
    }
    if (s->tmp.len == 0) {
        return PCL_OK;
    }
    return add_decoded(s, PCL_SAN_TAG, s->cps[k].off, cp_end(s, e - 1));
}

/* Variation selectors: one after a base is ordinary (emoji or text presentation, CJK
 * ideographic variants); a run of two or more carries bytes (U+FE00.. = 0..15,
 * U+E0100.. = 16..255). */
static enum pcl_rc
scan_varsel(struct pcl_san_scratch *s, size_t k, size_t *next)
{
    size_t e = k;
    size_t first = k;
    enum pcl_rc rc;

    while (e < s->ncps && is_varsel(s->cps[e].cp)) {
        e++;
    }
    *next = e;
    if (e - k == 1 && k > 0) {
        return PCL_OK;
    }
    /* FE0F right after an emoji base is presentation, the payload follows */
    if (k > 0 && (s->cps[k].cp == 0xFE0F || s->cps[k].cp == 0xFE0E)) {
        first = k + 1;
    }
    rc = mark_drop(s, first, e, PCL_SAN_VARSEL);
    if (rc != PCL_OK) {
        return rc;
    }
    pcl_buf_reset(&s->tmp);
    for (size_t i = first; i < e; i++) {
        uint32_t c = s->cps[i].cp;
        unsigned v = c <= 0xFE0F ? (unsigned)(c - 0xFE00) : (unsigned)(c - 0xE0100 + 16);

        rc = pcl_buf_appendc(&s->tmp, (char)(unsigned char)v);
        if (rc != PCL_OK) {
            return rc;
        }
    }
    return add_decoded(s, PCL_SAN_VARSEL, s->cps[first].off, cp_end(s, e - 1));
}

/* Zero-width and other default-ignorable characters; ZWJ inside an emoji sequence and
 * ZWJ/ZWNJ between letters of a script that uses them (Arabic, Indic, ...) are ordinary. */
static bool
ignorable_is_legit(const struct pcl_san_scratch *s, size_t k)
{
    uint32_t c = s->cps[k].cp;
    const struct cpi *prev = visible_before(s, k);
    const struct cpi *next = k + 1 < s->ncps ? &s->cps[k + 1] : NULL;

    if (c == 0x200E || c == 0x200F || c == 0x061C) {
        return true; /* directional marks */
    }
    if (c != 0x200D && c != 0x200C) {
        return false;
    }
    if (prev == NULL || next == NULL) {
        return false;
    }
    if (c == 0x200D && is_pictographic(prev->cp) && is_pictographic(next->cp)) {
        return true;
    }
    if (prev->cp >= 0x80 && next->cp >= 0x80) {
        UScriptCode a = script_of(prev->cp);
        UScriptCode b = script_of(next->cp);

        return a == b && a != USCRIPT_LATIN && a != USCRIPT_COMMON && a != USCRIPT_INHERITED;
    }
    return false;
}
/* RLO ... PDF (or end of line): the logical order is the reverse of what is displayed. */
static enum pcl_rc
decode_rlo(struct pcl_san_scratch *s, size_t k)
{
    size_t e = k + 1;
    enum pcl_rc rc;

    while (e < s->ncps && s->cps[e].cp != 0x202C && s->cps[e].cp != '\n') {
        e++;
    }
    if (e == k + 1) {
        return PCL_OK;
    }
    pcl_buf_reset(&s->tmp);
    for (size_t i = e; i-- > k + 1;) {
        char u[4];
        uint32_t c = s->cps[i].cp;

        if (is_bidi(c) || (s->cps[i].flags & CP_DROP) != 0) {
            continue;
        }
        rc = pcl_buf_append(&s->tmp, u, pcl_utf8_encode(u, c));
        if (rc != PCL_OK) {
            return rc;
        }
    }
    return add_decoded(s, PCL_SAN_REVERSED, s->cps[k].off, cp_end(s, e - 1));
}

static enum pcl_rc
scan_hidden(struct pcl_san_scratch *s)
{
    size_t k = 0;
    enum pcl_rc rc = PCL_OK;

    while (k < s->ncps && rc == PCL_OK) {
        uint32_t c = s->cps[k].cp;
        size_t next = k + 1;

        if (c < 0x80) {
            k++;
            continue;
        }
        if (is_tag(c)) {
            rc = scan_tags(s, k, &next);
        } else if (is_varsel(c)) {
            rc = scan_varsel(s, k, &next);
        } else if (is_bidi(c)) {
            rc = mark_drop(s, k, k + 1, PCL_SAN_BIDI);
            if (rc == PCL_OK && c == 0x202E) {
                rc = decode_rlo(s, k);
            }
        } else if (pcl_icu.u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
            if (ignorable_is_legit(s, k)) {
                s->cps[k].flags |= CP_DROP; /* kept in text, not screened */
                s->cps[k].kind = PCL_SAN_KIND_COUNT;
            } else {
                rc = mark_drop(s, k, k + 1, PCL_SAN_INVISIBLE);
            }
        }
        k = next;
    }
    return rc;
}

/* ---- homoglyphs and full-width forms -------------------------------------------------- */

/* Words mixing Latin letters with look-alikes from other scripts are folded to Latin; so are
 * words made only of look-alikes when most letters of the text are Latin. */
static enum pcl_rc
scan_homoglyphs(const struct pcl_sanitizer *san, struct pcl_san_scratch *s, size_t latin,
                size_t letters)
{
    size_t k = 0;
    bool latin_text = letters > 0 && latin * 10 >= letters * 6;
    enum pcl_rc rc = PCL_OK;

    while (k < s->ncps) {
        size_t e = k;
        size_t nlat = 0, nconf = 0, nlet = 0;
        bool any_high = false;

        while (e < s->ncps && (is_letter(s->cps[e].cp) || (s->cps[e].flags & CP_DROP) != 0)) {
            any_high |= s->cps[e].cp >= 0x80;
            e++;
        }
        if (e == k) {
            k++;
            continue;
        }
        if (!any_high) {
            k = e;
            continue;
        }
        for (size_t i = k; i < e; i++) {
            uint32_t c = s->cps[i].cp;

            if ((s->cps[i].flags & CP_DROP) != 0 ||
                (c >= 0x80 && (pcl_icu_gc_mask(c) & U_GC_M_MASK) != 0)) {
                continue;
            }
            nlet++;
            if (script_of(c) == USCRIPT_LATIN) {
                nlat++;
            } else if (skeleton_letter(san, s, c) != 0) {
                nconf++;
            }
        }
        if (nconf > 0 && ((nlat > 0 && nlat + nconf == nlet) || (latin_text && nconf == nlet))) {
            size_t cnt = 0;

            for (size_t i = k; i < e; i++) {
                uint32_t c = s->cps[i].cp;

                if ((s->cps[i].flags & CP_DROP) == 0 && c >= 0x80 &&
                    script_of(c) != USCRIPT_LATIN) {
                    s->cps[i].flags |= CP_FOLD;
                    s->cps[i].fold = skeleton_letter(san, s, c);
                    cnt++;
                }
            }
            rc = add_finding(s, PCL_SAN_HOMOGLYPH, s->cps[k].off, cp_end(s, e - 1), cnt);
            if (rc != PCL_OK) {
                return rc;
            }
        }
        k = e;
    }
    return PCL_OK;
}

static bool
is_fullwidth_letter(uint32_t c)
{
    return (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A) ||
           (c >= 0x1D400 && c <= 0x1D6A3) || (c >= 0x24B6 && c <= 0x24E9) ||
           (c >= 0x1F130 && c <= 0x1F189);
}

/* Runs of full-width / mathematical / enclosed Latin letters (two or more: one is common in
 * CJK text, e.g. a company initial). */
static enum pcl_rc
scan_fullwidth(struct pcl_san_scratch *s)
{
    size_t k = 0;

    while (k < s->ncps) {
        size_t e = k, n = 0;

        while (e < s->ncps && (is_fullwidth_letter(s->cps[e].cp) ||
                               (n > 0 && (s->cps[e].cp == 0x3000 ||
                                          (s->cps[e].cp >= 0xFF01 && s->cps[e].cp <= 0xFF5E))))) {
            n += is_fullwidth_letter(s->cps[e].cp) ? 1 : 0;
            e++;
        }
        if (n >= 2) {
            enum pcl_rc rc = add_finding(s, PCL_SAN_FULLWIDTH, s->cps[k].off, cp_end(s, e - 1), n);

            if (rc != PCL_OK) {
                return rc;
            }
        }
        k = e > k ? e : k + 1;
    }
    return PCL_OK;
}

/* ---- outputs -------------------------------------------------------------------------- */

static enum pcl_rc
build_text(const struct pcl_sanitizer *san, struct pcl_san_scratch *s, const char *text, size_t len)
{
    size_t from = 0;
    enum pcl_rc rc;

    pcl_buf_reset(&s->text);
    for (size_t k = 0; k < s->ncps; k++) {
        const struct cpi *c = &s->cps[k];

        if ((c->flags & CP_DROP) != 0 && c->kind < PCL_SAN_KIND_COUNT &&
            (san->opts.strip & PCL_SAN_BIT(c->kind)) != 0) {
            rc = pcl_buf_append(&s->text, text + from, c->off - from);
            if (rc != PCL_OK) {
                return rc;
            }
            from = cp_end(s, k);
        }
    }
    rc = pcl_buf_append(&s->text, text + from, len - from);
    return rc;
}

static enum pcl_rc
screen_put(struct pcl_san_scratch *s, const char *p, size_t n, size_t src)
{
    if (grow((void **)&s->map, &s->capmap, s->screen.len + n + 1, sizeof(*s->map)) != PCL_OK) {
        return PCL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        s->map[s->screen.len + i] = src;
    }
    return pcl_buf_append(&s->screen, p, n);
}

/* NFKC_Casefold of cps [k, e) appended to the screen, every byte mapped to src. */
static enum pcl_rc
screen_segment(const struct pcl_sanitizer *san, struct pcl_san_scratch *s, size_t k, size_t e,
               size_t src)
{
    int32_t n = 0;
    int32_t outn;
    int32_t u8n = 0;
    UErrorCode st = U_ZERO_ERROR;
    char *u8;
    size_t need = (e - k) * 2 + 8;

    if (need * 18 > s->capu16) {
        size_t cap = need * 18; /* NFKC_Casefold expands by at most 18x (U+FDFA) */
        UChar *a = pcl_realloc(s->u16, cap * sizeof(UChar));

        if (a == NULL) {
            return PCL_ENOMEM;
        }
        s->u16 = a;
        a = pcl_realloc(s->u16out, cap * sizeof(UChar));
        if (a == NULL) {
            return PCL_ENOMEM;
        }
        s->u16out = a;
        s->capu16 = cap;
    }
    for (size_t i = k; i < e; i++) {
        U16_APPEND_UNSAFE(s->u16, n, (UChar32)s->cps[i].cp);
    }
    outn = pcl_icu.unorm2_normalize(san->nfkc_cf, s->u16, n, s->u16out, (int32_t)s->capu16, &st);
    if (U_FAILURE(st)) {
        return PCL_EINTERNAL;
    }
    /* UTF-8 needs at most 3 bytes per UTF-16 unit; borrow the tail of u16 as bytes */
    u8 = (char *)s->u16;
    if ((size_t)outn * 3 + 4 > s->capu16 * sizeof(UChar)) {
        return PCL_EINTERNAL;
    }
    pcl_icu.u_strToUTF8(u8, (int32_t)(s->capu16 * sizeof(UChar)), &u8n, s->u16out, outn, &st);
    if (U_FAILURE(st)) {
        return PCL_EINTERNAL;
    }
    return screen_put(s, u8, (size_t)u8n, src);
}

static enum pcl_rc
build_screen(const struct pcl_sanitizer *san, struct pcl_san_scratch *s, size_t len)
{
    size_t k = 0;
    enum pcl_rc rc = PCL_OK;

    pcl_buf_reset(&s->screen);
    while (k < s->ncps && rc == PCL_OK) {
        const struct cpi *c = &s->cps[k];

        if ((c->flags & CP_DROP) != 0) {
            k++;
        } else if (c->cp < 0x80) {
            /* a run of ASCII: lower-cased in place, one map entry per byte */
            size_t e = k;
            size_t at = s->screen.len;

            while (e < s->ncps && s->cps[e].cp < 0x80 && (s->cps[e].flags & CP_DROP) == 0) {
                e++;
            }
            if (grow((void **)&s->map, &s->capmap, at + (e - k) + 1, sizeof(*s->map)) != PCL_OK ||
                pcl_buf_reserve(&s->screen, e - k + 1) != PCL_OK) {
                return PCL_ENOMEM;
            }
            for (size_t i = k; i < e; i++) {
                s->screen.ptr[at] = pcl_lower((char)s->cps[i].cp);
                s->map[at] = s->cps[i].off;
                at++;
            }
            s->screen.len = at;
            s->screen.ptr[at] = '\0';
            k = e;
        } else if ((c->flags & CP_FOLD) != 0) {
            rc = screen_put(s, &c->fold, 1, c->off);
            k++;
        } else {
            size_t e = k + 1;

            while (e < s->ncps && s->cps[e].cp >= 0x80 && (s->cps[e].flags & CP_DROP) == 0 &&
                   (s->cps[e].flags & CP_FOLD) == 0 &&
                   !pcl_icu.unorm2_hasBoundaryBefore(san->nfkc_cf, (UChar32)s->cps[e].cp)) {
                e++;
            }
            rc = screen_segment(san, s, k, e, c->off);
            k = e;
        }
    }
    if (rc != PCL_OK) {
        return rc;
    }
    if (grow((void **)&s->map, &s->capmap, s->screen.len + 1, sizeof(*s->map)) != PCL_OK) {
        return PCL_ENOMEM;
    }
    s->map[s->screen.len] = len;
    return pcl_buf_reserve(&s->screen, 1); /* NUL-terminated even when empty */
}

/* ---- embedded encodings --------------------------------------------------------------- */

/* Decoded bytes read as text: valid UTF-8, mostly printable, some letters. */
static bool
looks_like_text(const char *p, size_t n)
{
    size_t bad = 0, letters = 0;

    if (n < 6 || !pcl_utf8_is_valid(p, n, NULL)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
            bad++;
        }
        letters += pcl_is_alpha((char)c) || c >= 0x80 ? 1 : 0;
    }
    return bad * 20 <= n && letters * 2 >= n;
}

static bool
is_b64_char(char c)
{
    return pcl_is_alnum(c) || c == '+' || c == '/' || c == '-' || c == '_';
}

static bool
is_hex_char(char c)
{
    return pcl_is_digit(c) || (pcl_lower(c) >= 'a' && pcl_lower(c) <= 'f');
}

static enum pcl_rc
try_base64(struct pcl_san_scratch *s, const char *text, size_t i, size_t e)
{
    bool upper = false, lower = false;
    size_t n = e - i;
    size_t got = 0;
    enum pcl_rc rc;

    for (size_t j = i; j < e; j++) {
        upper |= text[j] >= 'A' && text[j] <= 'Z';
        lower |= text[j] >= 'a' && text[j] <= 'z';
    }
    if (!upper || !lower) {
        return PCL_OK;
    }
    while (n % 4 == 1) {
        n--; /* a stray trailing character cannot be base64 */
    }
    pcl_buf_reset(&s->tmp);
    rc = pcl_buf_reserve(&s->tmp, pcl_base64_decoded_max(n) + 1);
    if (rc != PCL_OK) {
        return rc;
    }
    if (pcl_base64_decode(text + i, n, PCL_B64_STD, (uint8_t *)s->tmp.ptr, s->tmp.cap, &got,
                          NULL) != PCL_OK &&
        pcl_base64_decode(text + i, n, PCL_B64_URL, (uint8_t *)s->tmp.ptr, s->tmp.cap, &got,
                          NULL) != PCL_OK) {
        return PCL_OK;
    }
    s->tmp.len = got;
    if (!looks_like_text(s->tmp.ptr, got)) {
        return PCL_OK;
    }
    return add_decoded(s, PCL_SAN_BASE64, i, e);
}

static enum pcl_rc
try_hex(struct pcl_san_scratch *s, const char *text, size_t i, size_t e)
{
    size_t got = 0;
    enum pcl_rc rc;

    pcl_buf_reset(&s->tmp);
    rc = pcl_buf_reserve(&s->tmp, (e - i) / 2 + 1);
    if (rc != PCL_OK) {
        return rc;
    }
    /* hex digits with optional single spaces between byte pairs */
    for (size_t j = i; j < e;) {
        unsigned hi, lo;

        if (text[j] == ' ') {
            j++;
            continue;
        }
        if (j + 1 >= e || !is_hex_char(text[j + 1])) {
            return PCL_OK;
        }
        hi = pcl_is_digit(text[j]) ? (unsigned)(text[j] - '0')
                                   : (unsigned)(pcl_lower(text[j]) - 'a' + 10);
        lo = pcl_is_digit(text[j + 1]) ? (unsigned)(text[j + 1] - '0')
                                       : (unsigned)(pcl_lower(text[j + 1]) - 'a' + 10);
        s->tmp.ptr[got++] = (char)(hi << 4 | lo);
        j += 2;
    }
    s->tmp.len = got;
    if (!looks_like_text(s->tmp.ptr, got)) {
        return PCL_OK;
    }
    return add_decoded(s, PCL_SAN_HEX, i, e);
}

static enum pcl_rc
try_url(struct pcl_san_scratch *s, const char *text, size_t i, size_t e)
{
    size_t pct = 0;
    enum pcl_rc rc;

    pcl_buf_reset(&s->tmp);
    for (size_t j = i; j < e; j++) {
        char c = text[j];

        if (c == '%' && j + 2 < e && is_hex_char(text[j + 1]) && is_hex_char(text[j + 2])) {
            unsigned hi = pcl_is_digit(text[j + 1]) ? (unsigned)(text[j + 1] - '0')
                                                    : (unsigned)(pcl_lower(text[j + 1]) - 'a' + 10);
            unsigned lo = pcl_is_digit(text[j + 2]) ? (unsigned)(text[j + 2] - '0')
                                                    : (unsigned)(pcl_lower(text[j + 2]) - 'a' + 10);

            c = (char)(hi << 4 | lo);
            j += 2;
            pct++;
        } else if (c == '+') {
            c = ' ';
        }
        rc = pcl_buf_appendc(&s->tmp, c);
        if (rc != PCL_OK) {
            return rc;
        }
    }
    if (pct < 3 || !looks_like_text(s->tmp.ptr, s->tmp.len)) {
        return PCL_OK;
    }
    return add_decoded(s, PCL_SAN_URL, i, e);
}

/* Base64, hex and percent-encoded runs of the input. */
static enum pcl_rc
scan_encodings(struct pcl_san_scratch *s, const char *text, size_t len)
{
    size_t i = 0;
    enum pcl_rc rc = PCL_OK;

    while (i < len && rc == PCL_OK) {
        size_t e = i;

        if (!is_b64_char(text[i]) && text[i] != '%') {
            i++;
            continue;
        }
        /* run of non-space characters */
        while (e < len && (is_b64_char(text[e]) || text[e] == '%' || text[e] == '=' ||
                           text[e] == '.' || text[e] == '&')) {
            e++;
        }
        if (memchr(text + i, '%', e - i) != NULL) {
            rc = try_url(s, text, i, e);
        } else {
            size_t b = e;

            while (b > i && (text[b - 1] == '=' || text[b - 1] == '.')) {
                b--;
            }
            if (b - i >= MIN_B64 && memchr(text + i, '.', b - i) == NULL) {
                bool hex = true;

                for (size_t j = i; j < b && hex; j++) {
                    hex = is_hex_char(text[j]);
                }
                if (hex && (b - i) % 2 == 0) {
                    rc = try_hex(s, text, i, b);
                } else {
                    rc = try_base64(s, text, i, b);
                }
            }
        }
        i = e > i ? e : i + 1;
    }
    if (rc != PCL_OK) {
        return rc;
    }
    /* space-separated byte pairs: "49 67 6e 6f 72 65" */
    i = 0;
    while (i + 2 <= len) {
        size_t e = i, pairs = 0;

        while (e + 2 <= len && is_hex_char(text[e]) && is_hex_char(text[e + 1]) &&
               (e + 2 == len || text[e + 2] == ' ' || text[e + 2] == '\n') &&
               (e == i || text[e - 1] == ' ')) {
            pairs++;
            e += 3;
        }
        if (pairs >= 8) {
            rc = try_hex(s, text, i, PCL_MIN(e - 1, len));
            if (rc != PCL_OK) {
                return rc;
            }
            i = e;
        } else {
            const char *sp = memchr(text + i + 1, ' ', len - i - 1);

            i = sp != NULL ? (size_t)(sp - text) + 1 : len;
        }
    }
    return PCL_OK;
}

static char
leet_letter(char c)
{
    switch (c) {
    case '0':
        return 'o';
    case '1':
    case '!':
    case '|':
        return 'i';
    case '3':
        return 'e';
    case '4':
    case '@':
        return 'a';
    case '5':
    case '$':
        return 's';
    case '7':
        return 't';
    case '8':
        return 'b';
    case '9':
        return 'g';
    default:
        return 0;
    }
}

static size_t
map_of(const struct pcl_san_scratch *s, size_t i)
{
    return s->map[PCL_MIN(i, s->screen.len)];
}

/* Map an end offset in the screen (exclusive) to the input. */
static size_t
map_end(const struct pcl_san_scratch *s, size_t e, size_t len)
{
    return e < s->screen.len ? s->map[e] : len;
}

/* Transforms of one line of the screening form: spaced letters, leetspeak, rot13, reversed. */
static enum pcl_rc
scan_line(struct pcl_san_scratch *s, size_t a, size_t b, size_t len)
{
    const char *p = s->screen.ptr;
    size_t singles = 0, words = 0, leet = 0;
    size_t hits, nw, rhits, rnw;
    enum pcl_rc rc;

    /* spaced letters: most tokens are single characters */
    for (size_t i = a; i < b; i++) {
        bool start = i == a || p[i - 1] == ' ';

        if (p[i] != ' ' && start) {
            size_t e = i;
            bool alpha = false, dig = false, lt = true;

            while (e < b && p[e] != ' ') {
                alpha |= pcl_is_alpha(p[e]);
                dig |= leet_letter(p[e]) != 0;
                lt &= pcl_is_alpha(p[e]) || leet_letter(p[e]) != 0 || p[e] == '\'' || p[e] == ',' ||
                      p[e] == '.' || p[e] == '?';
                e++;
            }
            words++;
            singles += e - i == 1 ? 1 : 0;
            leet += alpha && dig && lt && e - i >= 2 ? 1 : 0;
        }
    }
    if (words >= 8 && singles * 10 >= words * 8) {
        pcl_buf_reset(&s->tmp);
        for (size_t i = a; i < b; i++) {
            if (p[i] != ' ') {
                rc = pcl_buf_appendc(&s->tmp, p[i]);
            } else if (i + 1 < b && p[i + 1] == ' ' && (i == a || p[i - 1] != ' ')) {
                rc = pcl_buf_appendc(&s->tmp, ' ');
            } else {
                rc = PCL_OK;
            }
            if (rc != PCL_OK) {
                return rc;
            }
        }
        return add_decoded(s, PCL_SAN_SPACED, map_of(s, a), map_end(s, b, len));
    }
    english_score(p + a, b - a, READ_PLAIN, &hits, &nw);
    if (leet >= 2 && leet * 5 >= words) {
        pcl_buf_reset(&s->tmp);
        for (size_t i = a; i < b;) {
            size_t e = i;
            bool alpha = false;

            while (e < b && p[e] != ' ') {
                alpha |= pcl_is_alpha(p[e]);
                e++;
            }
            for (size_t j = i; j < e; j++) {
                char c = leet_letter(p[j]);
                bool punct = (p[j] == '!' || p[j] == '|') && j + 1 == e;

                rc = pcl_buf_appendc(&s->tmp, c != 0 && alpha && !punct ? c : p[j]);
                if (rc != PCL_OK) {
                    return rc;
                }
            }
            if (e < b) {
                rc = pcl_buf_appendc(&s->tmp, ' ');
                if (rc != PCL_OK) {
                    return rc;
                }
            }
            i = e + 1;
        }
        english_score(s->tmp.ptr, s->tmp.len, READ_PLAIN, &rhits, &rnw);
        if (rhits > hits) {
            rc = add_decoded(s, PCL_SAN_LEET, map_of(s, a), map_end(s, b, len));
            if (rc != PCL_OK) {
                return rc;
            }
        }
    }
    if (nw < 3 || hits * 4 >= nw) {
        return PCL_OK; /* too short, or already reads as English */
    }
    english_score(p + a, b - a, READ_ROT13, &rhits, &rnw);
    if (rhits >= 3 && rhits * 4 >= rnw && rhits > hits) {
        pcl_buf_reset(&s->tmp);
        for (size_t i = a; i < b; i++) {
            char c = p[i];

            if (c >= 'a' && c <= 'z') {
                c = (char)('a' + (c - 'a' + 13) % 26);
            }
            rc = pcl_buf_appendc(&s->tmp, c);
            if (rc != PCL_OK) {
                return rc;
            }
        }
        return add_decoded(s, PCL_SAN_ROT13, map_of(s, a), map_end(s, b, len));
    }
    english_score(p + a, b - a, READ_REVERSED, &rhits, &rnw);
    if (rhits >= 3 && rhits * 4 >= rnw && rhits > hits) {
        /* reversed by characters: multi-byte sequences keep their byte order */
        pcl_buf_reset(&s->tmp);
        for (size_t i = b; i > a;) {
            size_t st = i - 1;

            while (st > a && ((unsigned char)p[st] & 0xC0) == 0x80) {
                st--;
            }
            rc = pcl_buf_append(&s->tmp, p + st, i - st);
            if (rc != PCL_OK) {
                return rc;
            }
            i = st;
        }
        return add_decoded(s, PCL_SAN_REVERSED, map_of(s, a), map_end(s, b, len));
    }
    return PCL_OK;
}

static enum pcl_rc
scan_lines(struct pcl_san_scratch *s, size_t len)
{
    size_t a = 0;
    const char *p = s->screen.ptr;

    for (size_t i = 0; i <= s->screen.len; i++) {
        if (i == s->screen.len || p[i] == '\n' || p[i] == ':') {
            if (i > a) {
                enum pcl_rc rc = scan_line(s, a, i, len);

                if (rc != PCL_OK) {
                    return rc;
                }
            }
            a = i + 1;
        }
    }
    return PCL_OK;
}

/* ---- driver --------------------------------------------------------------------------- */

static int
finding_cmp(const void *a, const void *b)
{
    const struct pcl_san_finding *x = a;
    const struct pcl_san_finding *y = b;

    if (x->start != y->start) {
        return x->start < y->start ? -1 : 1;
    }
    return (int)x->kind - (int)y->kind;
}

enum pcl_rc
pcl_sanitize(const struct pcl_sanitizer *san, struct pcl_san_scratch *s, const char *text,
             size_t len, struct pcl_san_result *res, struct pcl_err *err)
{
    size_t latin = 0;
    enum pcl_rc rc;

    memset(res, 0, sizeof(*res));
    if (len > s->max) {
        return pcl_err_set(err, PCL_ELIMIT, "sanitizer: input of %zu bytes is over the %zu limit",
                           len, s->max);
    }
    if (len > UINT32_MAX) {
        return pcl_err_set(err, PCL_ELIMIT, "sanitizer: input over 4 GiB");
    }
    s->nfnd = 0;
    s->ndec = 0;
    pcl_buf_reset(&s->dec);
    rc = decode_cps(s, text, len);
    if (rc == PCL_OK) {
        rc = scan_hidden(s);
    }
    for (size_t k = 0; k < s->ncps && rc == PCL_OK; k++) {
        uint32_t c = s->cps[k].cp;

        if ((s->cps[k].flags & CP_DROP) == 0 && is_letter(c) &&
            (c < 0x80 || (pcl_icu_gc_mask(c) & U_GC_M_MASK) == 0)) {
            UScriptCode sc = script_of(c);

            res->letters++;
            latin += sc == USCRIPT_LATIN ? 1 : 0;
            res->covered += script_covered(sc) ? 1 : 0;
        }
    }
    if (rc == PCL_OK && res->letters > latin) {
        rc = scan_homoglyphs(san, s, latin, res->letters);
    }
    if (rc == PCL_OK && len > 0) {
        rc = scan_fullwidth(s);
    }
    if (rc == PCL_OK) {
        rc = build_text(san, s, text, len);
    }
    if (rc == PCL_OK) {
        rc = build_screen(san, s, len);
    }
    if (rc == PCL_OK && san->opts.decode) {
        rc = scan_encodings(s, text, len);
        if (rc == PCL_OK) {
            rc = scan_lines(s, len);
        }
    }
    if (rc == PCL_OK &&
        grow((void **)&s->decs, &s->capdecs, s->ndec + 1, sizeof(*s->decs)) != PCL_OK) {
        rc = PCL_ENOMEM;
    }
    if (rc != PCL_OK) {
        if (rc == PCL_ELIMIT) {
            return pcl_err_set(err, rc, "sanitizer: output over the limit for %zu input bytes",
                               len);
        }
        return pcl_err_set(err, rc, "sanitizer: %s", pcl_rc_str(rc));
    }
    for (size_t i = 0; i < s->ndec; i++) {
        s->decs[i] = (struct pcl_san_decoded){
            .kind = s->dents[i].kind,
            .start = s->dents[i].start,
            .end = s->dents[i].end,
            .text = {s->dec.ptr + s->dents[i].off, s->dents[i].len},
        };
    }
    if (s->nfnd > 1) {
        qsort(s->fnd, s->nfnd, sizeof(*s->fnd), finding_cmp);
    }
    for (size_t i = 0; i < s->nfnd; i++) {
        res->kinds |= PCL_SAN_BIT(s->fnd[i].kind);
    }
    res->text = (struct pcl_str){s->text.ptr != NULL ? s->text.ptr : "", s->text.len};
    res->screen = (struct pcl_str){s->screen.ptr != NULL ? s->screen.ptr : "", s->screen.len};
    res->map = s->map;
    res->findings = s->fnd;
    res->nfindings = s->nfnd;
    res->decoded = s->decs;
    res->ndecoded = s->ndec;
    return PCL_OK;
}

enum pcl_rc
pcl_sanitize_screen_append(const struct pcl_sanitizer *san, const char *text, size_t len,
                           struct pcl_buf *out)
{
    UChar stackin[64];
    UChar stackout[1024];
    size_t i = 0;
    enum pcl_rc rc = PCL_OK;

    /* chunks of about 40 UTF-16 units, cut where NFKC has a boundary (18x expansion max) */
    while (i < len && rc == PCL_OK) {
        int32_t n = 0;
        int32_t outn;
        int32_t u8n = 0;
        char u8[sizeof(stackout) / sizeof(UChar) * 3];
        UErrorCode st = U_ZERO_ERROR;

        while (i < len && n < 48) {
            uint32_t cp;
            size_t l = pcl_utf8_decode(text + i, len - i, &cp);

            if (l == 0) {
                cp = 0xFFFD;
                l = 1;
            }
            if (n > 40 &&
                (cp < 0x80 || pcl_icu.unorm2_hasBoundaryBefore(san->nfkc_cf, (UChar32)cp))) {
                break;
            }
            if (!(is_tag(cp) || is_varsel(cp) || is_bidi(cp))) {
                U16_APPEND_UNSAFE(stackin, n, (UChar32)cp);
            }
            i += l;
        }
        outn = pcl_icu.unorm2_normalize(san->nfkc_cf, stackin, n, stackout,
                                        (int32_t)PCL_ARRAY_LEN(stackout), &st);
        if (U_FAILURE(st)) {
            return PCL_EINTERNAL;
        }
        pcl_icu.u_strToUTF8(u8, (int32_t)sizeof(u8), &u8n, stackout, outn, &st);
        if (U_FAILURE(st)) {
            return PCL_EINTERNAL;
        }
        rc = pcl_buf_append(out, u8, (size_t)u8n);
    }
    return rc;
}
