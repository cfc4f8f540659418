/* SPDX-License-Identifier: Apache-2.0 */
/* The prompt-injection detector: signatures compiled into Vectorscan, matched over the token
 * view and the case-folded text of the input and of every decoded span, a linear model over
 * windows, and the tiered verdict with its evidence. */
#include "dbcache.h"
#include "inject_int.h"
#include "jitset.h"

#include <portcullis/formats.h>

#include <dirent.h>
#include <hs.h>
#include <math.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sanitize.h"

#define INJ_MAX_INPUT_DEFAULT ((size_t)1 << 20)
#define INJ_WINDOW_DEFAULT    512u
#define INJ_FLAG_DEFAULT      0.95
#define INJ_BLOCK_DEFAULT     0.999
#define INJ_MAX_HITS          1024u
#define INJ_MAX_EV            256u
#define INJ_MAX_FILE          ((size_t)16 << 20)
#define INJ_CONFIRM_BACK      4096u   /* bytes before a match end searched for its start */
#define INJ_MATCH_LIMIT       100000u /* PCRE2 steps per confirmation */

struct pcl_inject {
    struct pcl_sanitizer *san;
    struct pcl_inject_sig *sigs; /* array of nsigs */
    size_t nsigs;
    uint8_t *group;   /* per signature: model feature group (array of nsigs) */
    uint8_t *concept; /* per signature: 1 + its concept for feature tier, else 0 */
    uint32_t concept_hash[PCL_MODEL_CONCEPTS];    /* per concept: pcl_model_concept_hash() */
    const char *concept_name[PCL_MODEL_CONCEPTS]; /* per concept: its category (borrowed) */
    size_t nconcepts;
    hs_database_t *tok_db;     /* token patterns; NULL when none */
    hs_database_t *raw_db;     /* re: patterns; NULL when none */
    hs_database_t *concept_db; /* feature-tier patterns (over token views); NULL when none */
    pcre2_code **re;           /* per signature: the same regex, for the start of a match */
    struct pcl_jit_set *rejit; /* per signature: re's JIT copy, made by its first match */
    struct pcl_inject_model *model;
    double flag, block;
    size_t window;
    size_t max_input;
};

struct hit {
    unsigned sig;
    size_t from, to; /* in the scanned view */
};

struct pcl_inject_scratch {
    hs_scratch_t *hs;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    const struct pcl_inject *det;
    const char *view; /* text being scanned, view_len bytes */
    size_t view_len;
    bool tokview; /* view is a token view (words end at spaces) */
    struct pcl_san_scratch *san;
    struct pcl_buf tok; /* token view */
    size_t *tmap;       /* token view -> screen; array (capacity tcap) */
    size_t tcap;
    struct pcl_buf dscr;  /* screen of one decoded text */
    struct pcl_buf mview; /* model view: the screen with decoded spans in place */
    size_t *mmap;         /* mview -> input offsets; array (capacity mcap) */
    size_t mcap;
    struct hit *hits; /* matches of one scan call; array of nhits */
    size_t nhits;
    uint64_t concepts;              /* concepts one concept_db scan matched (bit k-1: concept k) */
    struct pcl_inject_evidence *ev; /* array of nev */
    size_t nev;
    struct pcl_feat feat;
    struct pcl_san_result san_res;
};

/* Model feature groups of signature categories (struct pcl_feat_ctx.sig_hits). */
static uint8_t
category_group(const char *c)
{
    static const char *const groups[] = {"override", "roleplay",     "extraction", "delimiter",
                                         "tool",     "exfiltration", "obfuscation"};

    for (size_t i = 0; i < PCL_ARRAY_LEN(groups); i++) {
        if (strcmp(c, groups[i]) == 0) {
            return (uint8_t)i;
        }
    }
    return 7;
}

static int
sig_id_cmp(const void *a, const void *b)
{
    const struct pcl_inject_sig *x = *(const struct pcl_inject_sig *const *)a;
    const struct pcl_inject_sig *y = *(const struct pcl_inject_sig *const *)b;
    int c = strcmp(x->id, y->id);

    return c != 0 ? c : (x < y ? -1 : (x > y ? 1 : 0));
}

/* Signature ids are unique across the files loaded; a duplicate names the first one. */
static enum pcl_rc
check_ids(const struct pcl_inject *d, struct pcl_err *err)
{
    const struct pcl_inject_sig **by_id;
    const struct pcl_inject_sig *dup = NULL, *first = NULL;

    if (d->nsigs < 2) {
        return PCL_OK;
    }
    by_id = pcl_calloc(d->nsigs, sizeof(*by_id));
    if (by_id == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
    }
    for (size_t i = 0; i < d->nsigs; i++) {
        by_id[i] = &d->sigs[i];
    }
    /* by id, then by position: the first of equal ids is the one loaded first */
    qsort(by_id, d->nsigs, sizeof(*by_id), sig_id_cmp);
    for (size_t i = 1, j = 0; i < d->nsigs; i++) {
        if (strcmp(by_id[i]->id, by_id[j]->id) != 0) {
            j = i;
        } else if (dup == NULL || by_id[i] < dup) {
            dup = by_id[i]; /* the duplicate loaded earliest is reported */
            first = by_id[j];
        }
    }
    pcl_free(by_id);
    if (dup == NULL) {
        return PCL_OK;
    }
    return pcl_err_set(err, PCL_EINVAL,
                       "%s: line %zu: duplicate signature id \"%s\" (first in %s line %zu)",
                       dup->file, dup->line, dup->id, first->file, first->line);
}

/* Number signature i's concept when it is a feature (the same category, the same number). */
static enum pcl_rc
add_concept(struct pcl_inject *d, size_t i, struct pcl_err *err)
{
    const struct pcl_inject_sig *sig = &d->sigs[i];
    size_t k;

    if (!sig->feature) {
        return PCL_OK;
    }
    for (k = 0; k < d->nconcepts; k++) {
        if (strcmp(d->concept_name[k], sig->category) == 0) {
            d->concept[i] = (uint8_t)(k + 1);
            return PCL_OK;
        }
    }
    if (d->nconcepts == PCL_MODEL_CONCEPTS) {
        return pcl_err_set(err, PCL_ELIMIT,
                           "%s: line %zu: concept \"%s\" is one more than the %d that feature "
                           "signatures may name",
                           sig->file, sig->line, sig->category, PCL_MODEL_CONCEPTS);
    }
    d->concept_name[d->nconcepts] = sig->category;
    d->concept_hash[d->nconcepts] = pcl_model_concept_hash(sig->category);
    d->concept[i] = (uint8_t)++d->nconcepts;
    return PCL_OK;
}

const char *
pcl_inject_tier_name(enum pcl_inject_tier t)
{
    switch (t) {
    case PCL_INJECT_ALLOW:
        return "allow";
    case PCL_INJECT_UNVERIFIED:
        return "unverified";
    case PCL_INJECT_FLAG:
        return "flag";
    case PCL_INJECT_BLOCK:
        return "block";
    }
    return "unknown";
}

/* ---- loading ------------------------------------------------------------------------- */

enum pcl_rc
pcl_inject_read_file(const char *path, struct pcl_buf *out, struct pcl_err *err)
{
    struct pcl_input *in = NULL;
    /* a path, never standard input */
    enum pcl_rc rc = strcmp(path, "-") == 0 ? PCL_EIO : pcl_input_open(path, &in, err);

    if (rc == PCL_ENOMEM) {
        return rc;
    }
    if (rc != PCL_OK) {
        return pcl_err_set(err, PCL_EIO, "injection: cannot open %s", path);
    }
    pcl_buf_reset(out);
    rc = pcl_input_slurp(in, 0, out, err);
    pcl_input_free(in);
    return rc;
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum pcl_rc
load_sig_file(struct pcl_inject *d, const char *path, struct pcl_err *err)
{
    struct pcl_buf b;
    enum pcl_rc rc;

    pcl_buf_init(&b, INJ_MAX_FILE);
    rc = pcl_inject_read_file(path, &b, err);
    if (rc == PCL_OK) {
        rc =
            pcl_inject_sig_parse(path, b.ptr != NULL ? b.ptr : "", b.len, &d->sigs, &d->nsigs, err);
    }
    pcl_buf_fini(&b);
    return rc;
}

/* A directory contributes its *.sig files in name order. */
static enum pcl_rc
load_sig_path(struct pcl_inject *d, const char *path, struct pcl_err *err)
{
    struct stat st;
    DIR *dir = NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    enum pcl_rc rc = PCL_OK;

    if (stat(path, &st) == -1) {
        return pcl_err_set(err, PCL_EIO, "injection: cannot open %s", path);
    }
    if (!S_ISDIR(st.st_mode)) {
        return load_sig_file(d, path, err);
    }
    dir = opendir(path);
    if (dir == NULL) {
        return pcl_err_set(err, PCL_EIO, "injection: cannot open directory %s", path);
    }
    for (;;) {
        struct dirent *de = readdir(dir); /* NOLINT(concurrency-mt-unsafe): private DIR */
        size_t l;
        char full[4096];
        int w;

        if (de == NULL) {
            break;
        }
        l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".sig") != 0 || de->d_name[0] == '.') {
            continue;
        }
        w = snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
        if (w < 0 || (size_t)w >= sizeof(full)) {
            rc = pcl_err_set(err, PCL_EINVAL, "injection: path too long in %s", path);
            break;
        }
        if (n == cap) {
            size_t nc = cap != 0 ? cap * 2 : 16;
            char **nn = pcl_realloc(names, nc * sizeof(*names));

            if (nn == NULL) {
                rc = pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
                break;
            }
            names = nn;
            cap = nc;
        }
        names[n] = pcl_strdup(full);
        if (names[n] == NULL) {
            rc = pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
            break;
        }
        n++;
    }
    (void)closedir(dir);
    if (rc == PCL_OK && n > 1) {
        qsort(names, n, sizeof(*names), name_cmp);
    }
    for (size_t i = 0; i < n && rc == PCL_OK; i++) {
        rc = load_sig_file(d, names[i], err);
    }
    for (size_t i = 0; i < n; i++) {
        pcl_free(names[i]);
    }
    pcl_free(names);
    return rc;
}

/* Compiled databases are cached by dbcache.c (kinds inject-v2-raw, inject-v2-tok and
 * inject-v2-concept). */

/* Which signatures a database holds: token patterns, re: patterns (both of the verdict tiers),
 * or the feature tier's (both kinds, matched over the token view). */
enum sig_db { DB_TOK, DB_RAW, DB_CONCEPT };

/* Compile the signatures of one kind into one database; ids are indices. */
static enum pcl_rc
compile_db(struct pcl_inject *d, enum sig_db kind, struct pcl_buf *norm, const char *cache_dir,
           hs_database_t **db, struct pcl_err *err)
{
    static const char *const cache_kind[] = {"inject-v2-tok", "inject-v2-raw", "inject-v2-concept"};
    char cpath[4200];
    char **exprs = NULL;
    unsigned *flags = NULL;
    unsigned *ids = NULL;
    size_t n = 0;
    hs_compile_error_t *cerr = NULL;
    enum pcl_rc rc = PCL_OK;

    exprs = pcl_calloc(d->nsigs + 1, sizeof(*exprs));
    flags = pcl_calloc(d->nsigs + 1, sizeof(*flags));
    ids = pcl_calloc(d->nsigs + 1, sizeof(*ids));
    if (exprs == NULL || flags == NULL || ids == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
        goto out;
    }
    for (size_t i = 0; i < d->nsigs; i++) {
        struct pcl_inject_sig *s = &d->sigs[i];
        bool raw = s->raw;

        if (s->feature ? kind != DB_CONCEPT : kind != (raw ? DB_RAW : DB_TOK)) {
            continue;
        }
        if (!raw) {
            char why[160];

            /* non-ASCII words are matched in their NFKC case-folded form, like the input */
            pcl_buf_reset(norm);
            rc = pcl_sanitize_screen_append(d->san, s->pattern, strlen(s->pattern), norm);
            if (rc == PCL_OK) {
                struct pcl_buf rx;

                pcl_buf_init(&rx, PCL_SIG_MAX_PATTERN * 8);
                rc = pcl_inject_sig_regex(norm->ptr, norm->len, &rx, why, sizeof(why));
                if (rc == PCL_OK) {
                    char *r = pcl_strndup(rx.ptr, rx.len);

                    if (r == NULL) {
                        rc = PCL_ENOMEM;
                    } else {
                        pcl_free(s->regex);
                        s->regex = r;
                    }
                }
                pcl_buf_fini(&rx);
            }
            if (rc != PCL_OK) {
                rc = pcl_err_set(err, rc, "%s: line %zu: %s", s->file, s->line,
                                 rc == PCL_EINVAL ? why : pcl_rc_str(rc));
                goto out;
            }
        }
        if (!s->feature) { /* a feature's start is never needed (on_match()) */
            int ec = 0;
            PCRE2_SIZE eoff = 0;

            d->re[i] = pcre2_compile((PCRE2_SPTR)s->regex, PCRE2_ZERO_TERMINATED,
                                     raw ? PCRE2_UTF | PCRE2_NO_UTF_CHECK : 0, &ec, &eoff, NULL);
            if (d->re[i] == NULL) {
                PCRE2_UCHAR msg[120];

                (void)pcre2_get_error_message(ec, msg, sizeof(msg));
                rc = pcl_err_set(err, PCL_EINVAL, "%s: line %zu: signature \"%s\": %s at %zu",
                                 s->file, s->line, s->id, (const char *)msg, (size_t)eoff);
                goto out;
            }
        }
        exprs[n] = s->regex;
        flags[n] = HS_FLAG_SINGLEMATCH | (raw ? HS_FLAG_UTF8 : 0u);
        ids[n] = (unsigned)i;
        n++;
    }
    if (n == 0) {
        goto out;
    }
    if (cache_dir != NULL) {
        pcl_dbcache_path(cache_dir, cache_kind[kind], exprs, flags, ids, n, cpath, sizeof(cpath));
        *db = pcl_dbcache_load(cpath);
        if (*db != NULL) {
            goto out;
        }
    }
    if (hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL,
                         db, &cerr) != HS_SUCCESS) {
        if (cerr->expression >= 0 && (size_t)cerr->expression < n) {
            const struct pcl_inject_sig *s = &d->sigs[ids[cerr->expression]];

            rc = pcl_err_set(err, PCL_EINVAL, "%s: line %zu: signature \"%s\": %s", s->file,
                             s->line, s->id, cerr->message);
        } else {
            rc = pcl_err_set(err, PCL_EINTERNAL, "injection: vectorscan: %s", cerr->message);
        }
        (void)hs_free_compile_error(cerr);
        *db = NULL;
    } else if (cache_dir != NULL) {
        pcl_dbcache_save(cache_dir, cpath, *db);
    }
out:
    pcl_free(exprs);
    pcl_free(flags);
    pcl_free(ids);
    return rc;
}

enum pcl_rc
pcl_inject_new(const struct pcl_inject_opts *opts, struct pcl_inject **out, struct pcl_err *err)
{
    struct pcl_inject *d = NULL;
    struct pcl_buf norm;
    enum pcl_rc rc;

    *out = NULL;
    pcl_buf_init(&norm, PCL_SIG_MAX_PATTERN * 20);
    d = pcl_calloc(1, sizeof(*d));
    if (d == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
    }
    d->flag = opts->flag > 0 ? opts->flag : INJ_FLAG_DEFAULT;
    d->block = opts->block > 0 ? opts->block : INJ_BLOCK_DEFAULT;
    d->window = opts->window > 0 ? opts->window : INJ_WINDOW_DEFAULT;
    d->max_input = opts->max_input > 0 ? opts->max_input : INJ_MAX_INPUT_DEFAULT;
    if (d->window < 64) {
        rc = pcl_err_set(err, PCL_EINVAL, "injection: window of %zu bytes is below 64", d->window);
        goto out;
    }
    rc = pcl_sanitizer_new(opts->san.strip != 0 || opts->san.decode ? &opts->san : NULL, &d->san,
                           err);
    for (size_t i = 0; i < opts->nsig_paths && rc == PCL_OK; i++) {
        rc = load_sig_path(d, opts->sig_paths[i], err);
    }
    if (rc == PCL_OK) {
        rc = check_ids(d, err);
    }
    if (rc == PCL_OK) {
        d->group = pcl_calloc(d->nsigs + 1, 1);
        d->concept = pcl_calloc(d->nsigs + 1, 1);
        d->re = pcl_calloc(d->nsigs + 1, sizeof(*d->re));
        d->rejit = pcl_jit_set_new(d->nsigs);
        if (d->group == NULL || d->concept == NULL || d->re == NULL || d->rejit == NULL) {
            rc = pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
        }
    }
    for (size_t i = 0; i < d->nsigs && rc == PCL_OK; i++) {
        d->group[i] = category_group(d->sigs[i].category);
        rc = add_concept(d, i, err);
    }
    if (rc == PCL_OK) {
        rc = compile_db(d, DB_TOK, &norm, opts->cache_dir, &d->tok_db, err);
    }
    if (rc == PCL_OK) {
        rc = compile_db(d, DB_RAW, &norm, opts->cache_dir, &d->raw_db, err);
    }
    if (rc == PCL_OK) {
        rc = compile_db(d, DB_CONCEPT, &norm, opts->cache_dir, &d->concept_db, err);
    }
    if (rc == PCL_OK && opts->model_path != NULL) {
        rc = pcl_model_load(opts->model_path, &d->model, err);
    }
    if (rc == PCL_OK) {
        *out = d;
        d = NULL;
    }
out:
    pcl_buf_fini(&norm);
    pcl_inject_free(d);
    return rc;
}

void
pcl_inject_warm(const struct pcl_inject *d)
{
    for (size_t i = 0; i < d->nsigs; i++) {
        if (d->re[i] != NULL) {
            (void)pcl_jit_get(d->rejit, i, d->re[i], NULL);
        }
    }
}

void
pcl_inject_free(struct pcl_inject *d)
{
    if (d == NULL) {
        return;
    }
    pcl_sanitizer_free(d->san);
    for (size_t i = 0; d->re != NULL && i < d->nsigs; i++) {
        pcre2_code_free(d->re[i]);
    }
    pcl_free(d->re);
    pcl_jit_set_free(d->rejit);
    pcl_inject_sig_free(d->sigs, d->nsigs);
    pcl_free(d->group);
    pcl_free(d->concept);
    if (d->tok_db != NULL) {
        (void)hs_free_database(d->tok_db);
    }
    if (d->concept_db != NULL) {
        (void)hs_free_database(d->concept_db);
    }
    if (d->raw_db != NULL) {
        (void)hs_free_database(d->raw_db);
    }
    pcl_inject_model_free(d->model);
    pcl_free(d);
}

size_t
pcl_inject_signature_count(const struct pcl_inject *d)
{
    return d->nsigs;
}

void
pcl_inject_model_set(struct pcl_inject *d, struct pcl_inject_model *m)
{
    pcl_inject_model_free(d->model);
    d->model = m;
}

enum pcl_rc
pcl_inject_scratch_new(const struct pcl_inject *d, struct pcl_inject_scratch **out,
                       struct pcl_err *err)
{
    struct pcl_inject_scratch *s = NULL;
    enum pcl_rc rc = PCL_OK;

    *out = NULL;
    s = pcl_calloc(1, sizeof(*s));
    if (s == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
    }
    pcl_buf_init(&s->tok, d->max_input * 4 + 64);
    pcl_buf_init(&s->dscr, d->max_input * 8 + 64);
    pcl_buf_init(&s->mview, d->max_input * 12 + 64);
    s->hits = pcl_calloc(INJ_MAX_HITS, sizeof(*s->hits));
    s->ev = pcl_calloc(INJ_MAX_EV, sizeof(*s->ev));
    if (s->hits == NULL || s->ev == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
        goto out;
    }
    if ((d->tok_db != NULL && hs_alloc_scratch(d->tok_db, &s->hs) != HS_SUCCESS) ||
        (d->raw_db != NULL && hs_alloc_scratch(d->raw_db, &s->hs) != HS_SUCCESS) ||
        (d->concept_db != NULL && hs_alloc_scratch(d->concept_db, &s->hs) != HS_SUCCESS)) {
        rc = pcl_err_set(err, PCL_ENOMEM, "injection: vectorscan scratch");
        goto out;
    }
    s->det = d;
    s->md = pcre2_match_data_create(1, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    if (s->md == NULL || s->mctx == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
        goto out;
    }
    (void)pcre2_set_match_limit(s->mctx, INJ_MATCH_LIMIT);
    rc = pcl_san_scratch_new(d->max_input, &s->san, err);
    if (rc == PCL_OK) {
        *out = s;
        s = NULL;
    }
out:
    pcl_inject_scratch_free(s);
    return rc;
}

void
pcl_inject_scratch_free(struct pcl_inject_scratch *s)
{
    if (s == NULL) {
        return;
    }
    if (s->hs != NULL) {
        (void)hs_free_scratch(s->hs);
    }
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcl_san_scratch_free(s->san);
    pcl_buf_fini(&s->tok);
    pcl_free(s->tmap);
    pcl_buf_fini(&s->dscr);
    pcl_buf_fini(&s->mview);
    pcl_free(s->mmap);
    pcl_free(s->hits);
    pcl_free(s->ev);
    pcl_feat_fini(&s->feat);
    pcl_free(s);
}

/* ---- matching ------------------------------------------------------------------------ */

static int
on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    struct pcl_inject_scratch *s = ctx;

    size_t end = (size_t)to;
    size_t lo = end > INJ_CONFIRM_BACK ? end - INJ_CONFIRM_BACK : 0;
    size_t start = end > 64 ? end - 64 : 0;
    const struct pcl_jit_slot *jit;
    int m;

    (void)flags;
    (void)from;
    if (s->det->concept[id] != 0) {
        /* a feature-tier signature: only whether it matched counts */
        s->concepts |= (uint64_t)1 << (s->det->concept[id] - 1);
        return 0;
    }
    if (s->nhits == INJ_MAX_HITS) {
        return 1; /* each signature reports once per view: only past 1024 signatures */
    }
    /* Vectorscan gives the end; the leftmost start comes from PCRE2 over what precedes it */
    jit = pcl_jit_get(s->det->rejit, id, s->det->re[id], NULL);
    m = pcre2_match(jit->code != NULL ? jit->code : s->det->re[id], (PCRE2_SPTR)s->view, end, lo,
                    PCRE2_NO_UTF_CHECK, s->md, s->mctx);
    if (m >= 0) {
        start = (size_t)pcre2_get_ovector_pointer(s->md)[0];
    }
    /* a word* at the end matched its shortest form: report the whole word */
    while (s->tokview && end > 0 && end < s->view_len && s->view[end - 1] != ' ' &&
           s->view[end] != ' ') {
        end++;
    }
    s->hits[s->nhits++] = (struct hit){id, start, end};
    return 0;
}

static enum pcl_rc
run_db(const hs_database_t *db, struct pcl_inject_scratch *s, const char *p, size_t n,
       struct pcl_err *err)
{
    hs_error_t h;

    if (db == NULL || n == 0) {
        return PCL_OK;
    }
    s->view = p;
    s->view_len = n;
    s->tokview = db == s->det->tok_db;
    h = hs_scan(db, p, (unsigned)n, 0, s->hs, on_match, s);
    if (h != HS_SUCCESS && h != HS_SCAN_TERMINATED) {
        return pcl_err_set(err, PCL_EINTERNAL, "injection: vectorscan scan failed (%d)", (int)h);
    }
    return PCL_OK;
}

static void
add_ev(struct pcl_inject_scratch *s, const struct pcl_inject_evidence *e)
{
    if (s->nev < INJ_MAX_EV) {
        s->ev[s->nev++] = *e;
    }
}

/* Where the current view's offsets land in the input. */
struct view {
    const size_t *tmap; /* token view -> screen (NULL for a screen scan) */
    const char *tok;    /* the token view tmap belongs to */
    const size_t *smap; /* screen -> input (NULL for decoded texts) */
    size_t slen;        /* screen length */
    size_t start, end;  /* decoded span, when smap is NULL */
    const char *via;
};

static void
view_span(const struct view *v, size_t from, size_t to, size_t *start, size_t *end)
{
    if (v->smap == NULL) {
        *start = v->start;
        *end = v->end;
        return;
    }
    if (v->tmap != NULL) {
        /* token patterns start and usually end with a separator space: the match proper is
         * inside; a separator maps to the first non-word character after its word */
        size_t f = from + 1 <= to ? from + 1 : from;

        to = to > f && v->tok[to - 1] == ' ' ? v->tmap[to - 1] : v->tmap[to];
        from = v->tmap[f];
    }
    *start = v->smap[PCL_MIN(from, v->slen)];
    *end = v->smap[PCL_MIN(to, v->slen)];
    if (*end < *start) {
        *end = *start;
    }
}

/* Turn hits into evidence (allowlist entries suppress the signatures they cover) and count
 * them into ctx's model signals. */
static void
hits_to_evidence(const struct pcl_inject *d, struct pcl_inject_scratch *s, const struct view *v,
                 struct pcl_feat_ctx *ctx)
{
    size_t nallow = 0;
    size_t aspan[32][2];

    for (size_t i = 0; i < s->nhits && nallow < PCL_ARRAY_LEN(aspan); i++) {
        if (d->sigs[s->hits[i].sig].tier == PCL_INJECT_ALLOW) {
            aspan[nallow][0] = s->hits[i].from;
            aspan[nallow][1] = s->hits[i].to;
            nallow++;
        }
    }
    for (size_t i = 0; i < s->nhits; i++) {
        const struct pcl_inject_sig *sig = &d->sigs[s->hits[i].sig];
        struct pcl_inject_evidence e;
        bool allowed = false;

        if (sig->tier == PCL_INJECT_ALLOW) {
            continue;
        }
        for (size_t a = 0; a < nallow && !allowed; a++) {
            allowed = s->hits[i].from < aspan[a][1] && s->hits[i].to > aspan[a][0];
        }
        if (allowed) {
            continue;
        }
        memset(&e, 0, sizeof(e));
        e.kind = PCL_INJECT_EV_SIGNATURE;
        e.id = sig->id;
        e.category = sig->category;
        e.tier = sig->tier;
        e.score = sig->weight;
        e.via = v->via;
        view_span(v, s->hits[i].from, s->hits[i].to, &e.start, &e.end);
        add_ev(s, &e);
        ctx->sig_hits[d->group[s->hits[i].sig]]++;
    }
    s->nhits = 0;
}

/* Signatures over one screen (token view, concepts over the token view, raw), evidence through
 * v and model signals into ctx. */
static enum pcl_rc
match_screen(const struct pcl_inject *d, struct pcl_inject_scratch *s, const char *scr, size_t n,
             struct view *v, struct pcl_feat_ctx *ctx, struct pcl_err *err)
{
    struct view tv;
    enum pcl_rc rc;

    s->nhits = 0;
    rc = pcl_inject_tokens(scr, n, &s->tok, &s->tmap, &s->tcap);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "injection: token view: %s", pcl_rc_str(rc));
    }
    rc = run_db(d->tok_db, s, s->tok.ptr, s->tok.len, err);
    if (rc != PCL_OK) {
        return rc;
    }
    tv = *v;
    tv.tmap = s->tmap;
    tv.tok = s->tok.ptr;
    hits_to_evidence(d, s, &tv, ctx);
    s->concepts = 0;
    rc = run_db(d->concept_db, s, s->tok.ptr, s->tok.len, err);
    if (rc != PCL_OK) {
        return rc;
    }
    ctx->concepts |= s->concepts;
    rc = run_db(d->raw_db, s, scr, n, err);
    if (rc != PCL_OK) {
        return rc;
    }
    hits_to_evidence(d, s, v, ctx);
    return PCL_OK;
}

/* ---- model ----------------------------------------------------------------------------- */

static double
hidden_ratio(const struct pcl_san_result *r, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < r->nfindings; i++) {
        if (r->findings[i].kind <= PCL_SAN_FULLWIDTH) {
            n += r->findings[i].count;
        }
    }
    return len > 0 ? (double)n / (double)len : 0.0;
}

/* The model window after [*a, *b) of the token view t[0..n) (first call: *a = *b = 0): windows
 * of `window` bytes overlapping by a quarter, cut at token boundaries. Returns false when the
 * previous window was the last. Scanning and training both walk windows with it. */
static bool
next_window(const char *t, size_t n, size_t window, size_t *a, size_t *b)
{
    size_t na = *a, nb;

    if (n == 0) {
        return false;
    }
    if (*b != 0) {
        if (*b >= n) {
            return false;
        }
        na += window * 3 / 4;
        while (na < n && t[na] != ' ') {
            na++;
        }
        if (na + 2 >= n) {
            return false;
        }
    }
    nb = PCL_MIN(na + window, n);
    while (nb < n && nb > na + 1 && t[nb - 1] != ' ') {
        nb--;
    }
    *a = na;
    *b = nb;
    return true;
}

/* Score windows of the token view s->tok (rebuilt by the caller); evidence for the best. */
static enum pcl_rc
score_windows(const struct pcl_inject *d, struct pcl_inject_scratch *s,
              const struct pcl_feat_ctx *ctx, const struct view *v, double *best,
              struct pcl_err *err)
{
    size_t n = s->tok.len;
    size_t a = 0, b = 0;
    size_t bs = 0, be = 0;
    double top = -1.0;

    if (d->model == NULL || n <= 2) {
        return PCL_OK;
    }
    while (next_window(s->tok.ptr, n, d->window, &a, &b)) {
        double p;
        enum pcl_rc rc = pcl_feat_extract(s->tok.ptr + a, b - a, ctx, &s->feat);

        if (rc != PCL_OK) {
            return pcl_err_set(err, rc, "injection: features: %s", pcl_rc_str(rc));
        }
        p = pcl_model_score(d->model, &s->feat);
        if (p > top) {
            top = p;
            bs = a;
            be = b;
        }
    }
    if (top > *best) {
        *best = top;
    }
    if (top >= 0.0) { /* kept or dropped by the caller, whose policy sets the threshold */
        struct pcl_inject_evidence e;
        struct view tv = *v;

        memset(&e, 0, sizeof(e));
        e.kind = PCL_INJECT_EV_MODEL;
        e.id = "model";
        e.category = "model";
        e.tier = PCL_INJECT_FLAG;
        e.score = top;
        e.via = v->via;
        tv.tmap = s->tmap;
        tv.tok = s->tok.ptr;
        view_span(&tv, bs, be, &e.start, &e.end);
        add_ev(s, &e);
    }
    return PCL_OK;
}

static int
ev_cmp(const void *a, const void *b)
{
    const struct pcl_inject_evidence *x = a;
    const struct pcl_inject_evidence *y = b;

    if (x->start != y->start) {
        return x->start < y->start ? -1 : 1;
    }
    return (int)y->tier - (int)x->tier;
}

/* Sanitizer findings as evidence: hidden payloads are flagged on their own; other kinds are
 * reported (tier allow) and their decoded text is screened. In documents every hidden kind is
 * flagged. */
static void
san_evidence(struct pcl_inject_scratch *s, const struct pcl_san_result *r,
             enum pcl_inject_source src)
{
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct pcl_san_finding *f = &r->findings[i];
        struct pcl_inject_evidence e;
        bool hidden_payload = f->kind == PCL_SAN_TAG || f->kind == PCL_SAN_VARSEL;
        bool hidden = f->kind <= PCL_SAN_BIDI;

        memset(&e, 0, sizeof(e));
        e.kind = PCL_INJECT_EV_SANITIZER;
        e.id = pcl_san_kind_name(f->kind);
        e.category = f->kind <= PCL_SAN_FULLWIDTH ? "smuggling" : "obfuscation";
        e.tier = hidden_payload || (hidden && src == PCL_INJECT_SRC_DOCUMENT) ? PCL_INJECT_FLAG
                                                                              : PCL_INJECT_ALLOW;
        e.score = 1.0;
        e.start = f->start;
        e.end = f->end;
        add_ev(s, &e);
    }
}

/* Screening form of a decoded text into s->dscr (ASCII folded like the sanitizer's). */
static enum pcl_rc
screen_decoded(const struct pcl_inject *d, struct pcl_inject_scratch *s,
               const struct pcl_san_decoded *dec)
{
    enum pcl_rc rc;

    pcl_buf_reset(&s->dscr);
    rc = pcl_sanitize_screen_append(d->san, dec->text.ptr, dec->text.len, &s->dscr);
    for (size_t k = 0; rc == PCL_OK && k < s->dscr.len; k++) {
        s->dscr.ptr[k] = pcl_lower(s->dscr.ptr[k]);
    }
    return rc;
}

static enum pcl_rc
mview_put(struct pcl_inject_scratch *s, const char *p, size_t n, const size_t *src, size_t one)
{
    if (s->mcap < s->mview.len + n + 1) {
        size_t nc = PCL_MAX(s->mcap * 2, s->mview.len + n + 1);
        size_t *m = pcl_realloc(s->mmap, nc * sizeof(*m));

        if (m == NULL) {
            return PCL_ENOMEM;
        }
        s->mmap = m;
        s->mcap = nc;
    }
    for (size_t i = 0; i < n; i++) {
        s->mmap[s->mview.len + i] = src != NULL ? src[i] : one;
    }
    return pcl_buf_append(&s->mview, p, n);
}

/* The text the model reads: the screen with every decoded span (the first of overlapping
 * ones) replaced by its decoded text, so gibberish that decodes to a question reads as the
 * question. Fills s->mview and s->mmap (input offsets, one past the end at mview.len). */
static enum pcl_rc
build_model_view(const struct pcl_inject *d, struct pcl_inject_scratch *s,
                 const struct pcl_san_result *r, size_t len)
{
    size_t i = 0;
    size_t done = 0; /* input offset up to which decoded spans are placed */
    enum pcl_rc rc = PCL_OK;

    pcl_buf_reset(&s->mview);
    while (i < r->screen.len && rc == PCL_OK) {
        const struct pcl_san_decoded *pick = NULL;
        size_t from = i;

        /* copy the run of screen bytes outside every decoded span in one go */
        for (; i < r->screen.len; i++) {
            size_t src = r->map[i];

            for (size_t k = 0; k < r->ndecoded; k++) {
                const struct pcl_san_decoded *dec = &r->decoded[k];

                if (dec->start <= src && src < dec->end && dec->start >= done &&
                    (pick == NULL || dec->start < pick->start)) {
                    pick = dec;
                }
            }
            if (pick != NULL) {
                break;
            }
        }
        if (i > from) {
            rc = mview_put(s, r->screen.ptr + from, i - from, r->map + from, 0);
        }
        if (pick == NULL || rc != PCL_OK) {
            continue;
        }
        rc = screen_decoded(d, s, pick);
        if (rc == PCL_OK) {
            rc = mview_put(s, " ", 1, NULL, pick->start);
        }
        if (rc == PCL_OK) {
            rc = mview_put(s, s->dscr.ptr != NULL ? s->dscr.ptr : "", s->dscr.len, NULL,
                           pick->start);
        }
        if (rc == PCL_OK) {
            rc = mview_put(s, " ", 1, NULL, pick->start);
        }
        while (i < r->screen.len && r->map[i] < pick->end) {
            i++;
        }
        done = pick->end;
    }
    if (rc == PCL_OK) {
        rc = mview_put(s, "", 0, NULL, 0);
    }
    if (rc == PCL_OK) {
        s->mmap[s->mview.len] = len;
        rc = pcl_buf_reserve(&s->mview, 1);
    }
    return rc;
}

enum pcl_rc
pcl_inject_scan(const struct pcl_inject *d, struct pcl_inject_scratch *s, const char *text,
                size_t len, const struct pcl_inject_policy *policy, struct pcl_inject_verdict *v,
                struct pcl_err *err)
{
    struct pcl_san_result *r = &s->san_res;
    struct pcl_feat_ctx ctx;
    struct view view;
    double flag = d->flag, block = d->block;
    enum pcl_inject_source src = PCL_INJECT_SRC_USER;
    double best = 0.0;
    enum pcl_rc rc;

    memset(v, 0, sizeof(*v));
    memset(&ctx, 0, sizeof(ctx));
    ctx.concept_hash = d->concept_hash;
    if (policy != NULL) {
        flag = policy->flag > 0 ? policy->flag : flag;
        block = policy->block > 0 ? policy->block : block;
        src = policy->source;
    }
    s->nev = 0;
    rc = pcl_sanitize(d->san, s->san, text, len, r, err);
    if (rc != PCL_OK) {
        return rc;
    }
    san_evidence(s, r, src);
    view = (struct view){.smap = r->map, .slen = r->screen.len};
    rc = match_screen(d, s, r->screen.ptr, r->screen.len, &view, &ctx, err);
    if (rc != PCL_OK) {
        return rc;
    }
    for (size_t i = 0; i < r->ndecoded && rc == PCL_OK; i++) {
        const struct pcl_san_decoded *dec = &r->decoded[i];
        struct view dv = {
            .start = dec->start, .end = dec->end, .via = pcl_san_kind_name(dec->kind)};

        rc = screen_decoded(d, s, dec);
        if (rc != PCL_OK) {
            return pcl_err_set(err, rc, "injection: decoded text: %s", pcl_rc_str(rc));
        }
        rc =
            match_screen(d, s, s->dscr.ptr != NULL ? s->dscr.ptr : "", s->dscr.len, &dv, &ctx, err);
        ctx.decoded = true;
    }
    if (rc != PCL_OK) {
        return rc;
    }
    ctx.hidden_ratio = hidden_ratio(r, pcl_utf8_count(text, len));
    if (d->model != NULL && r->ndecoded > 0) {
        rc = build_model_view(d, s, r, len);
        if (rc == PCL_OK) {
            rc = pcl_inject_tokens(s->mview.ptr != NULL ? s->mview.ptr : "", s->mview.len, &s->tok,
                                   &s->tmap, &s->tcap);
        }
        if (rc != PCL_OK) {
            return pcl_err_set(err, rc, "injection: model view: %s", pcl_rc_str(rc));
        }
        view = (struct view){.smap = s->mmap, .slen = s->mview.len};
        rc = score_windows(d, s, &ctx, &view, &best, err);
    } else if (d->model != NULL) {
        /* nothing decoded: the token view of the screen is still in s->tok */
        rc = score_windows(d, s, &ctx, &view, &best, err);
    }
    if (rc != PCL_OK) {
        return rc;
    }
    /* decide */
    v->tier = PCL_INJECT_ALLOW;
    v->model = best;
    v->score = best;
    for (size_t i = 0; i < s->nev; i++) {
        struct pcl_inject_evidence *e = &s->ev[i];

        if (e->kind == PCL_INJECT_EV_MODEL) {
            e->tier = e->score >= block ? PCL_INJECT_BLOCK
                                        : (e->score >= flag ? PCL_INJECT_FLAG : PCL_INJECT_ALLOW);
        }
        if (e->kind == PCL_INJECT_EV_SIGNATURE && e->score > v->score) {
            v->score = e->score;
        }
        if (e->tier > v->tier) {
            v->tier = e->tier;
        }
    }
    if (v->tier == PCL_INJECT_ALLOW && r->letters > 0 && r->covered * 2 < r->letters) {
        v->tier = PCL_INJECT_UNVERIFIED;
    }
    /* drop model evidence that turned out below this call's threshold */
    {
        size_t w = 0;

        for (size_t i = 0; i < s->nev; i++) {
            if (s->ev[i].kind != PCL_INJECT_EV_MODEL || s->ev[i].tier != PCL_INJECT_ALLOW) {
                s->ev[w++] = s->ev[i];
            }
        }
        s->nev = w;
    }
    if (s->nev > 1) {
        qsort(s->ev, s->nev, sizeof(*s->ev), ev_cmp);
    }
    v->ev = s->ev;
    v->nev = s->nev;
    v->san = r;
    return PCL_OK;
}

enum pcl_rc
pcl_inject_window_features(const struct pcl_inject *d, struct pcl_inject_scratch *s,
                           const char *text, size_t len, size_t max_windows, pcl_window_fn *fn,
                           void *arg, struct pcl_feat *f, struct pcl_err *err)
{
    struct pcl_san_result *r = &s->san_res;
    struct pcl_feat_ctx ctx;
    struct view view;
    enum pcl_rc rc;
    size_t a = 0, b = 0, k = 0;
    bool more;

    memset(&ctx, 0, sizeof(ctx));
    ctx.concept_hash = d->concept_hash;
    s->nev = 0;
    rc = pcl_sanitize(d->san, s->san, text, len, r, err);
    if (rc != PCL_OK) {
        return rc;
    }
    view = (struct view){.start = 0, .end = len};
    rc = match_screen(d, s, r->screen.ptr, r->screen.len, &view, &ctx, err);
    for (size_t i = 0; i < r->ndecoded && rc == PCL_OK; i++) {
        rc = screen_decoded(d, s, &r->decoded[i]);
        if (rc == PCL_OK) {
            rc = match_screen(d, s, s->dscr.ptr != NULL ? s->dscr.ptr : "", s->dscr.len, &view,
                              &ctx, err);
        }
        ctx.decoded = true;
    }
    if (rc == PCL_OK) {
        rc = build_model_view(d, s, r, len);
    }
    if (rc == PCL_OK) {
        rc = pcl_inject_tokens(s->mview.ptr != NULL ? s->mview.ptr : "", s->mview.len, &s->tok,
                               &s->tmap, &s->tcap);
    }
    s->nev = 0;
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "injection: features: %s", pcl_rc_str(rc));
    }
    ctx.hidden_ratio = hidden_ratio(r, pcl_utf8_count(text, len));
    /* an empty token view still gives one (empty) window, as a scan scores nothing */
    more = next_window(s->tok.ptr, s->tok.len, d->window, &a, &b);
    do {
        rc = pcl_feat_extract(more ? s->tok.ptr + a : "", more ? b - a : 0, &ctx, f);
        if (rc == PCL_OK) {
            rc = fn(arg, f);
        }
        if (rc != PCL_OK) {
            return pcl_err_set(err, rc, "injection: features: %s", pcl_rc_str(rc));
        }
    } while (++k < max_windows && more &&
             (more = next_window(s->tok.ptr, s->tok.len, d->window, &a, &b)));
    return PCL_OK;
}
