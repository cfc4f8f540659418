/* SPDX-License-Identifier: Apache-2.0 */
/* The injection model: hashed word and character n-grams plus a few dense signals, scored by
 * logistic regression; weights are a text file; training is AdaGrad over JSONL examples. */
#include "inject_int.h"

#include <float.h>
#include <math.h>
#include <pthread.h>

#define MODEL_MAGIC    "portcullis-injection-model 1"
#define MODEL_MAX_LINE 256
#define MODEL_MAX_FILE ((size_t)64 << 20)
#define FEAT_MAX       ((size_t)1 << 20)

/* Words that carry instructions to a model rather than content (dense feature). Sorted. */
static const char *const trigger_words[] = {
    "bypass", "censored",   "command", "developer",   "disregard",    "filter",     "filters",
    "forget", "guidelines", "ignore",  "instruction", "instructions", "jailbreak",  "jailbroken",
    "mode",   "override",   "pretend", "previous",    "prompt",       "respond",    "restrictions",
    "reveal", "roleplay",   "rules",   "system",      "uncensored",   "unfiltered", "unrestricted",
};

static const char *const second_person[] = {"you", "your", "youre", "yourself", "yours"};

static const char *const imperatives[] = {
    "act",   "always", "answer",  "forget", "ignore", "never", "output", "pretend",
    "print", "repeat", "respond", "reveal", "say",    "stay",  "tell",   "write",
};

#define WORD_SEED 0x9E3779B9u

static uint32_t
fnv(uint32_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 16777619u;
    }
    return h;
}

/* Word lists as sorted hashes of their word feature (fnv with WORD_SEED), built once. */
struct hset {
    uint32_t h[32];
    size_t n;
};

static struct hset set_trigger, set_you, set_imp;
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

static int
u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : (x > y ? 1 : 0);
}

static void
hset_fill(struct hset *hs, const char *const *w, size_t n)
{
    hs->n = PCL_MIN(n, PCL_ARRAY_LEN(hs->h));
    for (size_t i = 0; i < hs->n; i++) {
        hs->h[i] = fnv(WORD_SEED, w[i], strlen(w[i]));
    }
    qsort(hs->h, hs->n, sizeof(hs->h[0]), u32_cmp);
}

static void
sets_init(void)
{
    hset_fill(&set_trigger, trigger_words, PCL_ARRAY_LEN(trigger_words));
    hset_fill(&set_you, second_person, PCL_ARRAY_LEN(second_person));
    hset_fill(&set_imp, imperatives, PCL_ARRAY_LEN(imperatives));
}

static bool
hset_has(const struct hset *hs, uint32_t h)
{
    size_t lo = 0, hi = hs->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (hs->h[mid] == h) {
            return true;
        }
        if (hs->h[mid] < h) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return false;
}

static enum pcl_rc
feat_push(struct pcl_feat *f, uint32_t h)
{
    if (f->n == f->cap) {
        size_t nc = f->cap != 0 ? f->cap * 2 : 1024;
        uint32_t *ni;

        if (nc > FEAT_MAX) {
            return PCL_ELIMIT;
        }
        ni = pcl_realloc(f->idx, nc * sizeof(*ni));
        if (ni == NULL) {
            return PCL_ENOMEM;
        }
        f->idx = ni;
        f->cap = nc;
    }
    f->idx[f->n++] = h & (uint32_t)(PCL_MODEL_DIM - 1);
    return PCL_OK;
}

uint32_t
pcl_model_concept_hash(const char *concept)
{
    return fnv(0xC2B2AE35u, concept, strlen(concept));
}

/* Concepts of the whole text, alone and in unordered pairs: word order differs between
 * languages, and a concept is the same feature in all of them. Each is counted CONCEPT_COUNT
 * times, since a few concept features among a thousand n-grams would weigh too little (model
 * AUC on languages left out of training: counted once 0.80, 3 times 0.90, 8 times 0.93;
 * docs/benchmarks.md, "Cross-lingual concepts"). */
#define CONCEPT_COUNT 8

static enum pcl_rc
concept_features(const struct pcl_feat_ctx *ctx, struct pcl_feat *f)
{
    enum pcl_rc rc = PCL_OK;

    for (uint64_t a = ctx->concepts; a != 0 && rc == PCL_OK; a &= a - 1) {
        uint32_t hi = ctx->concept_hash[__builtin_ctzll(a)];

        for (int k = 0; k < CONCEPT_COUNT && rc == PCL_OK; k++) {
            rc = feat_push(f, hi);
        }
        for (uint64_t b = a & (a - 1); b != 0 && rc == PCL_OK; b &= b - 1) {
            uint32_t hj = ctx->concept_hash[__builtin_ctzll(b)];
            uint32_t h = (PCL_MIN(hi, hj) ^ 0x27D4EB2Fu) * 0x165667B1u + PCL_MAX(hi, hj);

            for (int k = 0; k < CONCEPT_COUNT && rc == PCL_OK; k++) {
                rc = feat_push(f, h);
            }
        }
    }
    return rc;
}

void
pcl_feat_fini(struct pcl_feat *f)
{
    pcl_free(f->idx);
    memset(f, 0, sizeof(*f));
}

enum pcl_rc
pcl_feat_extract(const char *t, size_t n, const struct pcl_feat_ctx *ctx, struct pcl_feat *f)
{
    size_t i = 0;
    size_t ntok = 0, trig = 0, you = 0, imp = 0, odd = 0, high = 0;
    const char *prev = NULL;
    size_t prevlen = 0;
    enum pcl_rc rc = PCL_OK;

    (void)pthread_once(&sets_once, sets_init);
    f->n = 0;
    memset(f->dense, 0, sizeof(f->dense));
    /* character 3- and 5-grams over the token view (spaces included: word edges) */
    for (size_t k = 0; k + 3 <= n && rc == PCL_OK; k++) {
        if (((unsigned char)t[k] & 0xC0) == 0x80) {
            continue; /* start n-grams on character boundaries */
        }
        uint32_t h3 = fnv(0x811C9DC5u, t + k, 3);

        rc = feat_push(f, h3);
        if (rc == PCL_OK && k + 5 <= n) {
            rc = feat_push(f, fnv(h3, t + k + 3, 2) ^ 0x5BD1E995u); /* the 5-gram extends it */
        }
        high += (unsigned char)t[k] >= 0x80 ? 1 : 0;
    }
    /* words and word bigrams */
    while (i < n && rc == PCL_OK) {
        size_t e;
        uint32_t wh;
        bool digit = false, alpha = false;

        while (i < n && t[i] == ' ') {
            i++;
        }
        if (i == n) {
            break;
        }
        e = i;
        while (e < n && t[e] != ' ') {
            digit |= pcl_is_digit(t[e]);
            alpha |= pcl_is_alpha(t[e]);
            e++;
        }
        ntok++;
        wh = fnv(WORD_SEED, t + i, e - i);
        rc = feat_push(f, wh);
        if (rc == PCL_OK && prev != NULL) {
            uint32_t h = fnv(0x85EBCA6Bu, prev, prevlen);

            h = fnv(h ^ 0x20u, t + i, e - i);
            rc = feat_push(f, h);
        }
        trig += hset_has(&set_trigger, wh) ? 1 : 0;
        you += hset_has(&set_you, wh) ? 1 : 0;
        imp += hset_has(&set_imp, wh) ? 1 : 0;
        /* adversarial suffixes: long tokens, letters glued to digits */
        odd += (e - i > 14 || (digit && alpha)) ? 1 : 0;
        prev = t + i;
        prevlen = e - i;
        i = e;
    }
    if (rc == PCL_OK && ntok > 0) {
        rc = concept_features(ctx, f);
    }
    if (rc != PCL_OK) {
        return rc;
    }
    if (ntok > 0) {
        double nt = (double)ntok;

        for (size_t g = 0; g < 4; g++) {
            f->dense[g] = (float)log1p((double)ctx->sig_hits[g]);
        }
        f->dense[3] = (float)log1p(
            (double)(ctx->sig_hits[3] + ctx->sig_hits[4] + ctx->sig_hits[5] + ctx->sig_hits[6]));
        f->dense[4] = (float)(10.0 * (double)trig / nt);
        f->dense[5] = (float)(10.0 * (double)you / nt);
        f->dense[6] = (float)(10.0 * (double)imp / nt);
        f->dense[7] = (float)PCL_MIN(1.0, 10.0 * ctx->hidden_ratio);
        f->dense[8] = ctx->decoded ? 1.0f : 0.0f;
        f->dense[9] = (float)(5.0 * (double)odd / nt);
        f->dense[10] = (float)(log1p(nt) / 8.0);
        f->dense[11] = (float)((double)high / (double)PCL_MAX(n, (size_t)1));
    }
    return PCL_OK;
}

double
pcl_model_score(const struct pcl_inject_model *m, const struct pcl_feat *f)
{
    double z = m->bias;
    double scale = f->n > 0 ? 1.0 / sqrt((double)f->n) : 0.0;
    double sparse = 0.0;

    for (size_t i = 0; i < f->n; i++) {
        sparse += m->w[f->idx[i]];
    }
    z += sparse * scale;
    for (size_t j = 0; j < PCL_MODEL_DENSE; j++) {
        z += (double)m->w[PCL_MODEL_DIM + j] * (double)f->dense[j];
    }
    return 1.0 / (1.0 + exp(-z));
}

static enum pcl_rc
model_new(struct pcl_inject_model **out)
{
    struct pcl_inject_model *m = pcl_calloc(1, sizeof(*m));

    *out = NULL;
    if (m == NULL) {
        return PCL_ENOMEM;
    }
    m->w = pcl_calloc(PCL_MODEL_DIM + PCL_MODEL_DENSE, sizeof(*m->w));
    if (m->w == NULL) {
        pcl_free(m);
        return PCL_ENOMEM;
    }
    *out = m;
    return PCL_OK;
}

void
pcl_inject_model_free(struct pcl_inject_model *m)
{
    if (m == NULL) {
        return;
    }
    pcl_free(m->w);
    pcl_free(m);
}

/* ---- file format ------------------------------------------------------------------------ */

enum pcl_rc
pcl_inject_model_save(const struct pcl_inject_model *m, const char *path, struct pcl_err *err)
{
    FILE *f = fopen(path, "w");
    int bad = 0;

    if (f == NULL) {
        return pcl_err_set(err, PCL_EIO, "injection: cannot write %s", path);
    }
    bad |= fprintf(f, "%s\nbits %d\ndense %d\nbias %.9g\n", MODEL_MAGIC, PCL_MODEL_BITS,
                   PCL_MODEL_DENSE, (double)m->bias) < 0;
    for (size_t i = 0; i < PCL_MODEL_DIM + PCL_MODEL_DENSE && !bad; i++) {
        /* tiny weights change no decision and would only bloat the file */
        if (fabsf(m->w[i]) >= 1e-4f) {
            bad |= fprintf(f, "%zu %.5g\n", i, (double)m->w[i]) < 0;
        }
    }
    bad |= fclose(f) != 0;
    if (bad) {
        return pcl_err_set(err, PCL_EIO, "injection: cannot write %s", path);
    }
    return PCL_OK;
}

/* 10^0 .. 10^22: every one is exactly a double */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A decimal number ending the line (at '\0' or '\n'). Weights are written with "%.5g", so
 * almost all are [-]digits[.digits] with at most 15 significant digits: then the integer
 * mantissa is exact in a double and one division by an exact power of ten rounds correctly,
 * giving strtod()'s value without its cost (it was a third of `injection check`'s CPU time).
 * Anything else goes to strtod(). */
static bool
parse_double(const char *s, double *v)
{
    const char *p = s;
    uint64_t m = 0;
    unsigned digits = 0, frac = 0;
    bool neg = *p == '-';
    char *end = NULL;

    p += neg;
    for (; pcl_is_digit(*p) && digits < 16; p++, digits++) {
        m = m * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        for (p++; pcl_is_digit(*p) && digits < 16; p++, digits++, frac++) {
            m = m * 10 + (uint64_t)(*p - '0');
        }
    }
    if (digits > 0 && digits <= 15 && (*p == '\0' || *p == '\n') && p[-1] != '.') {
        *v = (double)m / pow10_exact[frac];
        *v = neg ? -*v : *v;
        return true;
    }
    errno = 0;
    *v = strtod(s, &end);
    /* weights are floats: a value that rounds past FLT_MAX (from FLT_MAX plus half a float ulp
     * there, 2^103, on) would become infinite */
    return errno == 0 && end != s && (*end == '\0' || *end == '\n') &&
           fabs(*v) < (double)FLT_MAX + 0x1p103;
}

/* An index: decimal digits up to a space, below limit. */
static bool
parse_index(const char *s, const char *sp, size_t limit, size_t *idx)
{
    size_t v = 0;

    if (s == sp || sp - s > 9) {
        return false;
    }
    for (; s < sp; s++) {
        if (!pcl_is_digit(*s)) {
            return false;
        }
        v = v * 10 + (size_t)(*s - '0');
    }
    *idx = v;
    return v < limit;
}

/* One line (NUL-terminated, without its newline) into m. */
static enum pcl_rc
model_line(struct pcl_inject_model *m, const char *name, size_t lineno, const char *line,
           struct pcl_err *err)
{
    const char *sp;
    double v;
    size_t idx;

    if (lineno == 1) {
        if (strncmp(line, MODEL_MAGIC, strlen(MODEL_MAGIC)) != 0) {
            return pcl_err_set(err, PCL_EINVAL, "%s: line 1: not a portcullis injection model",
                               name);
        }
        return PCL_OK;
    }
    if (strncmp(line, "bits ", 5) == 0 || strncmp(line, "dense ", 6) == 0) {
        long want = line[0] == 'b' ? PCL_MODEL_BITS : PCL_MODEL_DENSE;
        const char *val = strchr(line, ' ') + 1;
        char *end = NULL;
        long got = strtol(val, &end, 10);

        if (got != want || end == val || *end != '\0') {
            return pcl_err_set(err, PCL_EINVAL, "%s: line %zu: expected %.*s %ld", name, lineno,
                               (int)(val - 1 - line), line, want);
        }
        return PCL_OK;
    }
    if (strncmp(line, "bias ", 5) == 0) {
        if (!parse_double(line + 5, &v)) {
            return pcl_err_set(err, PCL_EINVAL, "%s: line %zu: bad bias", name, lineno);
        }
        m->bias = (float)v;
        return PCL_OK;
    }
    sp = strchr(line, ' ');
    if (sp == NULL || !pcl_is_digit(line[0])) {
        return pcl_err_set(err, PCL_EINVAL, "%s: line %zu: expected INDEX WEIGHT", name, lineno);
    }
    if (!parse_index(line, sp, PCL_MODEL_DIM + PCL_MODEL_DENSE, &idx)) {
        return pcl_err_set(err, PCL_EINVAL, "%s: line %zu: index out of range", name, lineno);
    }
    if (!parse_double(sp + 1, &v)) {
        return pcl_err_set(err, PCL_EINVAL, "%s: line %zu: bad weight", name, lineno);
    }
    m->w[idx] = (float)v;
    return PCL_OK;
}

enum pcl_rc
pcl_model_parse(const char *name, const char *buf, size_t len, struct pcl_inject_model **out,
                struct pcl_err *err)
{
    struct pcl_inject_model *m = NULL;
    size_t lineno = 0, off = 0;
    enum pcl_rc rc = PCL_OK;

    *out = NULL;
    if (model_new(&m) != PCL_OK) {
        return pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
    }
    while (rc == PCL_OK && off < len) {
        const char *nl = memchr(buf + off, '\n', len - off);
        size_t n = (nl != NULL ? (size_t)(nl - buf) : len) - off;
        char line[MODEL_MAX_LINE];

        lineno++;
        if (n >= sizeof(line) - 1) {
            rc = pcl_err_set(err, PCL_EINVAL, "%s: line %zu: too long", name, lineno);
            break;
        }
        if (memchr(buf + off, '\0', n) != NULL) {
            rc = pcl_err_set(err, PCL_EINVAL, "%s: line %zu: NUL byte", name, lineno);
            break;
        }
        memcpy(line, buf + off, n);
        line[n] = '\0';
        off += n + (nl != NULL);
        rc = model_line(m, name, lineno, line, err);
    }
    if (rc == PCL_OK && lineno == 0) {
        rc = pcl_err_set(err, PCL_EINVAL, "%s: empty model file", name);
    }
    if (rc != PCL_OK) {
        pcl_inject_model_free(m);
        return rc;
    }
    *out = m;
    return PCL_OK;
}

enum pcl_rc
pcl_model_load(const char *path, struct pcl_inject_model **out, struct pcl_err *err)
{
    struct pcl_buf b;
    enum pcl_rc rc;

    *out = NULL;
    pcl_buf_init(&b, MODEL_MAX_FILE);
    rc = pcl_inject_read_file(path, &b, err);
    if (rc == PCL_EIO) {
        rc = pcl_err_set(err, PCL_EIO, "injection: cannot open model %s", path);
    }
    if (rc == PCL_OK) {
        rc = pcl_model_parse(path, b.ptr != NULL ? b.ptr : "", b.len, out, err);
    }
    pcl_buf_fini(&b);
    return rc;
}

/* ---- training ------------------------------------------------------------------------ */

bool
pcl_inject_source_listed(const char *source, const char *const *list, size_t nlist)
{
    const char *c;
    size_t rn;

    if (source == NULL) {
        return false;
    }
    if (strncmp(source, "synthetic:", 10) == 0) {
        source += 10;
    }
    c = strchr(source, ':');
    rn = c != NULL ? (size_t)(c - source) : strlen(source);
    for (size_t i = 0; i < nlist; i++) {
        if (strchr(list[i], ':') != NULL) {
            if (strcmp(list[i], source) == 0) {
                return true;
            }
        } else if (strlen(list[i]) == rn && strncmp(list[i], source, rn) == 0) {
            return true;
        }
    }
    return false;
}

struct grp_key {
    const char *src; /* borrowed from the example, "" for NULL */
    int label;
    size_t i; /* example index */
};

static int
grp_cmp(const void *a, const void *b)
{
    const struct grp_key *x = a, *y = b;
    int c = strcmp(x->src, y->src);

    if (c != 0) {
        return c;
    }
    if (x->label != y->label) {
        return x->label < y->label ? -1 : 1;
    }
    return x->i < y->i ? -1 : (x->i > y->i ? 1 : 0);
}

/* Weights per (source, label) group: sqrt(mean group size / group size), then each label is
 * renormalized to its row count. Returns false when out of memory. */
static bool
source_weights(const struct pcl_inject_example *ex, size_t n, double *w)
{
    struct grp_key *k = pcl_calloc(n, sizeof(*k));
    size_t ngrp[2] = {0, 0}, nrow[2] = {0, 0};
    double sum[2] = {0, 0};

    if (k == NULL) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        k[i] = (struct grp_key){
            .src = ex[i].source != NULL ? ex[i].source : "", .label = ex[i].label != 0, .i = i};
        nrow[k[i].label]++;
    }
    qsort(k, n, sizeof(*k), grp_cmp);
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;

        while (b < n && k[b].label == k[a].label && strcmp(k[b].src, k[a].src) == 0) {
            b++;
        }
        ngrp[k[a].label]++;
        a = b;
    }
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        int l = k[a].label;
        double mean, wt;

        while (b < n && k[b].label == l && strcmp(k[b].src, k[a].src) == 0) {
            b++;
        }
        mean = (double)nrow[l] / (double)ngrp[l];
        wt = sqrt(mean / (double)(b - a));
        for (size_t j = a; j < b; j++) {
            w[k[j].i] = wt;
            sum[l] += wt;
        }
        a = b;
    }
    for (size_t i = 0; i < n; i++) {
        int l = ex[i].label != 0;

        w[i] *= (double)nrow[l] / sum[l];
    }
    pcl_free(k);
    return true;
}

enum pcl_rc
pcl_inject_train_weights(const struct pcl_inject_example *ex, size_t n, bool balance_sources,
                         double *w)
{
    size_t pos = 0;
    double pw;

    for (size_t i = 0; i < n; i++) {
        w[i] = 1.0;
        pos += ex[i].label != 0 ? 1 : 0;
    }
    if (balance_sources && !source_weights(ex, n, w)) {
        return PCL_ENOMEM;
    }
    pw = pos > 0 && pos < n ? (double)(n - pos) / (double)pos : 1.0;
    for (size_t i = 0; i < n; i++) {
        w[i] *= ex[i].label != 0 ? pw : 1.0;
    }
    return PCL_OK;
}

struct win_feat {
    uint32_t *idx; /* array of n */
    size_t n;
    float dense[PCL_MODEL_DENSE];
};

struct example_feat {
    struct win_feat *w; /* array of nw: the example's first model windows */
    size_t nw;
    int label;
    double weight; /* loss weight (class and source balance) */
};

/* pcl_window_fn collecting windows into an example (its w has room for the maximum). */
static enum pcl_rc
collect_window(void *arg, const struct pcl_feat *f)
{
    struct example_feat *e = arg;
    struct win_feat *w = &e->w[e->nw];

    w->idx = pcl_malloc((f->n + 1) * sizeof(*w->idx));
    if (w->idx == NULL) {
        return PCL_ENOMEM;
    }
    if (f->n > 0) {
        memcpy(w->idx, f->idx, f->n * sizeof(*f->idx));
    }
    w->n = f->n;
    memcpy(w->dense, f->dense, sizeof(f->dense));
    e->nw++;
    return PCL_OK;
}

static double
win_score(const struct pcl_inject_model *m, const struct win_feat *w)
{
    struct pcl_feat view = {.idx = w->idx, .n = w->n};

    memcpy(view.dense, w->dense, sizeof(view.dense));
    return pcl_model_score(m, &view);
}

enum pcl_rc
pcl_inject_model_train(const struct pcl_inject *det, const struct pcl_inject_example *ex, size_t n,
                       const struct pcl_inject_train_opts *opts, struct pcl_inject_model **out,
                       struct pcl_err *err)
{
    struct pcl_inject_train_opts o = {.epochs = 6, .l2 = 1e-6, .lr = 0.2, .seed = 1, .windows = 1};
    struct example_feat *fx = NULL;
    struct pcl_inject_scratch *s = NULL;
    struct pcl_inject_model *m = NULL;
    struct pcl_feat f;
    float *g2 = NULL; /* AdaGrad accumulators, array of DIM + DENSE + 1 (bias last) */
    size_t *order = NULL;
    double *wt = NULL; /* array of n: loss weights */
    uint64_t rng;
    enum pcl_rc rc;

    memset(&f, 0, sizeof(f));
    *out = NULL;
    if (opts != NULL) {
        o.epochs = opts->epochs != 0 ? opts->epochs : o.epochs;
        o.l2 = opts->l2 > 0 ? opts->l2 : o.l2;
        o.lr = opts->lr > 0 ? opts->lr : o.lr;
        o.seed = opts->seed;
        o.balance_sources = opts->balance_sources;
        o.windows = opts->windows != 0 ? opts->windows : o.windows;
    }
    if (n == 0) {
        return pcl_err_set(err, PCL_EINVAL, "injection: no training examples");
    }
    rc = pcl_inject_scratch_new(det, &s, err);
    if (rc != PCL_OK) {
        return rc;
    }
    fx = pcl_calloc(n, sizeof(*fx));
    order = pcl_calloc(n, sizeof(*order));
    g2 = pcl_calloc(PCL_MODEL_DIM + PCL_MODEL_DENSE + 1, sizeof(*g2));
    wt = pcl_calloc(n, sizeof(*wt));
    if (fx == NULL || order == NULL || g2 == NULL || wt == NULL || model_new(&m) != PCL_OK) {
        rc = pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (ex[i].label != 0 && ex[i].label != 1) {
            rc = pcl_err_set(err, PCL_EINVAL, "injection: example %zu: label must be 0 or 1", i);
            goto out;
        }
        fx[i].w = pcl_calloc(o.windows, sizeof(*fx[i].w));
        if (fx[i].w == NULL) {
            rc = pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
            goto out;
        }
        rc = pcl_inject_window_features(det, s, ex[i].text.ptr,
                                        PCL_MIN(ex[i].text.len, (size_t)1 << 19), o.windows,
                                        collect_window, &fx[i], &f, err);
        if (rc != PCL_OK) {
            goto out;
        }
        fx[i].label = ex[i].label;
        order[i] = i;
    }
    if (pcl_inject_train_weights(ex, n, o.balance_sources, wt) != PCL_OK) {
        rc = pcl_err_set(err, PCL_ENOMEM, "injection: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        fx[i].weight = wt[i];
    }
    rng = o.seed * 6364136223846793005ull + 1442695040888963407ull;
    for (unsigned ep = 0; ep < o.epochs; ep++) {
        for (size_t i = n; i > 1; i--) {
            size_t j;
            size_t t;

            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            j = (size_t)((rng >> 33) % i);
            t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        for (size_t k = 0; k < n; k++) {
            const struct example_feat *ef = &fx[order[k]];
            const struct win_feat *e = &ef->w[0];
            double p = win_score(m, e), g, scale;

            /* a scan takes the highest window, so learn on it (max pooling): an injection
             * needs one window that scores high, benign text needs every window low */
            for (size_t j = 1; j < ef->nw; j++) {
                double q = win_score(m, &ef->w[j]);

                if (q > p) {
                    p = q;
                    e = &ef->w[j];
                }
            }
            g = (p - (double)ef->label) * ef->weight;
            scale = e->n > 0 ? 1.0 / sqrt((double)e->n) : 0.0;
            for (size_t i = 0; i < e->n; i++) {
                uint32_t ix = e->idx[i];
                double gi = g * scale + o.l2 * (double)m->w[ix];

                g2[ix] += (float)(gi * gi);
                m->w[ix] -= (float)(o.lr * gi / (sqrt((double)g2[ix]) + 1e-8));
            }
            for (size_t j = 0; j < PCL_MODEL_DENSE; j++) {
                size_t ix = PCL_MODEL_DIM + j;
                double gi = g * (double)e->dense[j] + o.l2 * (double)m->w[ix];

                g2[ix] += (float)(gi * gi);
                m->w[ix] -= (float)(o.lr * gi / (sqrt((double)g2[ix]) + 1e-8));
            }
            g2[PCL_MODEL_DIM + PCL_MODEL_DENSE] += (float)(g * g);
            m->bias -=
                (float)(o.lr * g / (sqrt((double)g2[PCL_MODEL_DIM + PCL_MODEL_DENSE]) + 1e-8));
        }
    }
    *out = m;
    m = NULL;
out:
    if (fx != NULL) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < fx[i].nw; j++) {
                pcl_free(fx[i].w[j].idx);
            }
            pcl_free(fx[i].w);
        }
    }
    pcl_free(fx);
    pcl_free(order);
    pcl_free(g2);
    pcl_free(wt);
    pcl_feat_fini(&f);
    pcl_inject_model_free(m);
    pcl_inject_scratch_free(s);
    return rc;
}
