/* SPDX-License-Identifier: Apache-2.0 */
/* Request validation and minimisation, text-field walking, and policy application on text
 * (whole and streamed). */
#include "inspect.h"

#include <portcullis/protect.h>

struct findings {
    struct pcl_finding *v; /* array of n */
    size_t n, cap;
    bool oom;
};

struct gw_inspector {
    const struct pcl_engine *engine; /* borrowed from the config */
    struct pcl_scratch *scratch;
    struct pcl_redactor *redactors[PCL_OP_COUNT]; /* mask, tag, hash (when keyed) */
    struct pcl_protect_key *key;
    struct findings f;
    struct pcl_finding *sel;         /* findings selected for redaction; array of f.cap */
    struct pcl_buf region;           /* history + pending of a text stream */
    char fail_policy[128];           /* debug builds: scans under these policies fail (tests) */
    unsigned refs;                   /* one thread only: the worker and its requests */
    const struct pcl_inject *inject; /* borrowed from the config; NULL when unused */
    struct pcl_inject_scratch *iscr;
};

enum pcl_rc
pcl_gw_inspector_new(const struct pcl_gw_config *c, struct gw_inspector **out, struct pcl_err *err)
{
    static const enum pcl_op ops[] = {PCL_OP_MASK, PCL_OP_TAG, PCL_OP_HASH};
    struct gw_inspector *in;
    bool need_key = false;
    enum pcl_rc rc;

    *out = NULL;
    in = pcl_calloc(1, sizeof(*in));
    if (in == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "gateway: out of memory");
    }
    in->engine = c->engine;
    in->refs = 1;
    pcl_buf_init(&in->region, 64u << 20);
#ifndef NDEBUG
    /* Test hook (debug builds only): PCL_TEST_FAIL_INSPECT=<policy>[,<policy>...] makes every
     * scan under those policies fail, so tests can prove the fail-closed / fail-open paths. */
    {
        const char *f = getenv("PCL_TEST_FAIL_INSPECT"); /* NOLINT(concurrency-mt-unsafe) */

        if (f != NULL) {
            (void)snprintf(in->fail_policy, sizeof(in->fail_policy), "%s", f);
        }
    }
#endif
    rc = pcl_scratch_new(c->engine, &in->scratch, err);
    in->inject = c->inject;
    if (rc == PCL_OK && c->inject != NULL) {
        rc = pcl_inject_scratch_new(c->inject, &in->iscr, err);
    }
    for (size_t i = 0; i < c->npolicies; i++) {
        need_key = need_key || c->policies[i].redact_op == PCL_OP_HASH;
    }
    if (rc == PCL_OK && need_key) {
        rc = pcl_protect_key_load_env(NULL, &in->key, err);
        if (rc == PCL_ENOTFOUND) {
            rc = pcl_err_set(err, PCL_EINVAL,
                             "gateway: a policy redacts with hash: set %s to a 32-byte key "
                             "(portcullis keygen)",
                             PCL_PROTECT_KEY_ENV);
        }
    }
    for (size_t i = 0; rc == PCL_OK && i < PCL_ARRAY_LEN(ops); i++) {
        struct pcl_redact_opts o = {.default_op = ops[i], .key = in->key};

        if (ops[i] == PCL_OP_HASH && in->key == NULL) {
            continue;
        }
        rc = pcl_redactor_new(&o, &in->redactors[ops[i]], err);
    }
    if (rc != PCL_OK) {
        pcl_gw_inspector_free(in);
        return rc;
    }
    *out = in;
    return PCL_OK;
}

struct gw_inspector *
pcl_gw_inspector_ref(struct gw_inspector *in)
{
    in->refs++;
    return in;
}

void
pcl_gw_inspector_free(struct gw_inspector *in)
{
    if (in == NULL || --in->refs > 0) {
        return;
    }
    pcl_scratch_free(in->scratch);
    pcl_inject_scratch_free(in->iscr);
    for (size_t i = 0; i < PCL_OP_COUNT; i++) {
        pcl_redactor_free(in->redactors[i]);
    }
    pcl_protect_key_free(in->key);
    pcl_free(in->f.v);
    pcl_free(in->sel);
    pcl_buf_fini(&in->region);
    pcl_free(in);
}

static int
collect(void *ctx, const struct pcl_finding *f)
{
    struct findings *fs = ctx;

    if (fs->n == fs->cap) {
        size_t cap = fs->cap > 0 ? fs->cap * 2 : 32;
        struct pcl_finding *v = pcl_realloc(fs->v, cap * sizeof(*v));

        if (v == NULL) {
            fs->oom = true;
            return 1;
        }
        fs->v = v;
        fs->cap = cap;
    }
    fs->v[fs->n++] = *f;
    return 0;
}

static void
verdict_add(struct gw_verdict *v, uint32_t detector, uint32_t count, enum gw_action a)
{
    for (size_t i = 0; i < v->ntypes; i++) {
        if (v->types[i].detector == detector) {
            v->types[i].count += count;
            if (a > v->types[i].action) {
                v->types[i].action = a;
            }
            return;
        }
    }
    if (v->ntypes < GW_MAX_TYPES) {
        v->types[v->ntypes].detector = detector;
        v->types[v->ntypes].count = count;
        v->types[v->ntypes].action = a;
        v->ntypes++;
    } else {
        v->other += count;
    }
}

void
pcl_gw_verdict_merge(struct gw_verdict *a, const struct gw_verdict *b)
{
    for (size_t i = 0; i < b->ntypes; i++) {
        verdict_add(a, b->types[i].detector, b->types[i].count, b->types[i].action);
    }
    a->other += b->other;
    a->redacted += b->redacted;
    a->error = a->error || b->error;
    if (b->action > a->action) {
        a->action = b->action;
    }
    if (a->where[0] == '\0') {
        memcpy(a->where, b->where, sizeof(a->where));
    }
}

static void
set_where(struct gw_verdict *v, const char *path)
{
    if (v->where[0] == '\0') {
        (void)snprintf(v->where, sizeof(v->where), "%s", path);
    }
}

/* Scan s and decide; fills in->f and the selection of findings to redact (count in *nsel). */
static enum pcl_rc
scan_decide(struct gw_inspector *in, const struct gw_policy *p, const struct gw_direction *d,
            const char *path, const char *s, size_t n, uint64_t from, size_t *nsel,
            struct gw_verdict *v, struct pcl_err *err)
{
    enum pcl_rc rc;

    *nsel = 0;
    in->f.n = 0;
    in->f.oom = false;
    if (in->fail_policy[0] != '\0' && pcl_gw_glob_list(in->fail_policy, p->name, strlen(p->name))) {
        rc = pcl_err_set(err, PCL_EINTERNAL, "inspect: failure injected for policy %s", p->name);
    } else {
        rc = pcl_engine_scan(in->engine, in->scratch, s, n, collect, &in->f, err);
    }
    if (rc == PCL_OK && in->f.oom) {
        rc = pcl_err_set(err, PCL_ENOMEM, "gateway: out of memory");
    }
    if (rc != PCL_OK) {
        v->error = true;
        if (!p->fail_open) {
            v->action = GW_BLOCK;
            set_where(v, path);
        }
        return rc;
    }
    if (in->f.n > 0 && in->sel == NULL) {
        in->sel = pcl_calloc(in->f.cap, sizeof(*in->sel));
    } else if (in->sel != NULL && in->f.cap > 0) {
        struct pcl_finding *sel = pcl_realloc(in->sel, in->f.cap * sizeof(*sel));

        in->sel = sel != NULL ? sel : in->sel;
        if (sel == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "gateway: out of memory");
        }
    }
    if (in->f.n > 0 && in->sel == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "gateway: out of memory");
    }
    for (size_t i = 0; i < in->f.n; i++) {
        const struct pcl_finding *f = &in->f.v[i];
        const struct pcl_detector_info *di = pcl_engine_detector(in->engine, f->detector);
        enum gw_action a = pcl_gw_direction_action(d, di->type, di->categories);

        if (f->end <= from) {
            continue; /* decided when it was released */
        }
        verdict_add(v, f->detector, 1, a);
        if (a > v->action) {
            v->action = a;
        }
        if (a == GW_BLOCK) {
            set_where(v, path);
        } else if (a == GW_REDACT) {
            in->sel[(*nsel)++] = *f;
        }
    }
    return PCL_OK;
}

enum pcl_rc
pcl_gw_inspect_text(struct gw_inspector *in, const struct gw_policy *p,
                    const struct gw_direction *d, const char *path, const char *s, size_t n,
                    struct pcl_buf *out, bool *changed, struct gw_verdict *v, struct pcl_err *err)
{
    size_t nsel = 0;
    enum pcl_rc rc;

    *changed = false;
    rc = scan_decide(in, p, d, path, s, n, 0, &nsel, v, err);
    if (rc != PCL_OK || v->action == GW_BLOCK || nsel == 0) {
        return rc;
    }
    v->redacted += (uint32_t)nsel;
    return pcl_redact_buf(in->redactors[p->redact_op], in->engine, s, n, in->sel, nsel, out,
                          changed, err);
}

enum pcl_rc
pcl_gw_inspect_injection(struct gw_inspector *in, const struct gw_policy *p, const char *path,
                         const char *s, size_t n, struct pcl_buf *out, bool *changed,
                         struct gw_verdict *v, struct pcl_err *err)
{
    struct pcl_inject_policy ip = {
        .flag = p->inject_flag,
        .block = p->inject_block,
        .source = p->inject_document ? PCL_INJECT_SRC_DOCUMENT : PCL_INJECT_SRC_USER,
    };
    struct pcl_inject_verdict iv;
    enum pcl_rc rc;

    *changed = false;
    if (p->inject == GW_INJECT_OFF || in->inject == NULL) {
        return PCL_OK;
    }
    rc = pcl_inject_scan(in->inject, in->iscr, s, n,
                         p->inject_flag > 0 || p->inject_block > 0 ? &ip : NULL, &iv, err);
    if (rc != PCL_OK) {
        v->error = true;
        if (!p->fail_open) {
            v->action = GW_BLOCK;
            set_where(v, path);
        }
        return rc;
    }
    if (iv.tier > v->inject_tier || (iv.tier == v->inject_tier && iv.score > v->inject_score)) {
        const struct pcl_inject_evidence *best = NULL;

        for (size_t i = 0; i < iv.nev; i++) {
            if (best == NULL || iv.ev[i].tier > best->tier ||
                (iv.ev[i].tier == best->tier && iv.ev[i].score > best->score)) {
                best = &iv.ev[i];
            }
        }
        v->inject_tier = iv.tier;
        v->inject_score = iv.score;
        (void)snprintf(v->inject_what, sizeof(v->inject_what), "%s:%s",
                       best != NULL ? best->category : "none", best != NULL ? best->id : "none");
        (void)snprintf(v->inject_where, sizeof(v->inject_where), "%s", path);
    }
    /* forward the text without smuggled hidden characters */
    if (iv.san != NULL && (iv.san->text.len != n || memcmp(iv.san->text.ptr, s, n) != 0)) {
        rc = pcl_buf_append(out, iv.san->text.ptr, iv.san->text.len);
        *changed = rc == PCL_OK;
    }
    return rc;
}

/* ---- streamed text ------------------------------------------------------------------ */

#define HISTORY_KEEP 256
/* Smallest release of a stream that is not ending. */
#define RELEASE_MIN 16
/* A PEM/PGP block is held back whole (up to this size) so its body never leaks early. */
#define BLOCK_HOLD_MAX (64u << 10)

void
pcl_gw_textstream_init(struct gw_textstream *t, size_t holdback)
{
    pcl_buf_init(&t->pending, 16u << 20);
    pcl_buf_init(&t->history, HISTORY_KEEP * 2);
    pcl_buf_init(&t->out, 16u << 20);
    t->holdback = holdback;
}

void
pcl_gw_textstream_fini(struct gw_textstream *t)
{
    pcl_buf_fini(&t->pending);
    pcl_buf_fini(&t->history);
    pcl_buf_fini(&t->out);
}

static bool
is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Start of an unterminated "-----BEGIN" armour block in s[0..n), or n. */
static size_t
open_block(const char *s, size_t n)
{
    size_t at = n;

    for (size_t i = 0; i + 10 <= n; i++) {
        if (s[i] == '-' && memcmp(s + i, "-----BEGIN", 10) == 0) {
            at = i;
        } else if (at < n && s[i] == '-' && memcmp(s + i, "-----END", PCL_MIN(8, n - i)) == 0 &&
                   n - i >= 8) {
            at = n;
        }
    }
    return at;
}

/* True when s[..end) ends in a short group of digits and capitals with at least one digit
 * ("4111", "+44", "DE89"): a piece of a grouped number that must not be released alone. */
static bool
digit_group_before(const char *s, size_t end)
{
    size_t i = end, digits = 0;

    while (i > 0 && end - i < 6 &&
           (pcl_is_digit(s[i - 1]) || (s[i - 1] >= 'A' && s[i - 1] <= 'Z') || s[i - 1] == '+' ||
            s[i - 1] == '(' || s[i - 1] == ')')) {
        digits += pcl_is_digit(s[i - 1]) ? 1u : 0u;
        i--;
    }
    return digits > 0 && i < end && (i == 0 || !pcl_is_alnum(s[i - 1]));
}

/* Where to cut pending text: everything before the cut is final. */
static size_t
cut_point(const struct gw_textstream *t, size_t plen)
{
    const char *s = t->pending.ptr;
    size_t cut = plen > t->holdback ? plen - t->holdback : 0;
    size_t run = plen, blk;

    if (cut < RELEASE_MIN) {
        return cut; /* the steps below only move the cut back: nothing is released yet */
    }

    /* never cut inside a word/token: hold back the trailing non-space run, and digit groups
     * before it ("4111 1111 1111 11", "+44 20 79"), bounded */
    for (;;) {
        while (run > 0 && !is_space(s[run - 1]) && plen - run < 1024) {
            run--;
        }
        if (run >= 2 && (s[run - 1] == ' ' || s[run - 1] == '-' || s[run - 1] == '.') &&
            digit_group_before(s, run - 1) && plen - run < 1024) {
            run--;
            continue;
        }
        break;
    }
    if (run < cut) {
        cut = run;
    }
    blk = open_block(s, plen);
    if (blk < cut && plen - blk < BLOCK_HOLD_MAX) {
        cut = blk;
    }
    /* keep a UTF-8 sequence whole */
    while (cut > 0 && cut < plen && ((unsigned char)s[cut] & 0xC0) == 0x80) {
        cut--;
    }
    return cut;
}

enum pcl_rc
pcl_gw_textstream_feed(struct gw_textstream *t, struct gw_inspector *in, const struct gw_policy *p,
                       const char *path, const char *s, size_t n, bool finish, struct gw_verdict *v,
                       struct pcl_err *err)
{
    size_t hlen = t->history.len, plen, cut, nsel = 0, emit_sel = 0;
    enum pcl_rc rc;
    bool changed = false;

    pcl_buf_reset(&t->out);
    rc = pcl_buf_append(&t->pending, s, n);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "gateway: %s: streamed text held back beyond the limit", path);
    }
    plen = t->pending.len;
    if (plen == 0) {
        return PCL_OK;
    }
    cut = finish ? plen : cut_point(t, plen);
    if (!finish && cut < RELEASE_MIN) {
        /* too little to release: wait for more text rather than scan the window for a few
         * bytes (streams then move in steps of at least RELEASE_MIN bytes, ~4 tokens) */
        return PCL_OK;
    }
    pcl_buf_reset(&in->region);
    rc = pcl_buf_append(&in->region, t->history.ptr != NULL ? t->history.ptr : "", hlen);
    if (rc == PCL_OK) {
        rc = pcl_buf_append(&in->region, t->pending.ptr, plen);
    }
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "gateway: out of memory");
    }
    {
        struct gw_verdict probe = {0};

        /* Decide on what is final only: findings reaching past the cut wait (and pull the cut
         * back to their start, so a value is never released half). */
        rc = scan_decide(in, p, &p->response, path, in->region.ptr, in->region.len, hlen, &nsel,
                         &probe, err);
        if (rc != PCL_OK) {
            pcl_gw_verdict_merge(v, &probe);
            return p->fail_open ? PCL_OK : rc;
        }
        for (size_t i = 0; i < in->f.n; i++) {
            const struct pcl_finding *f = &in->f.v[i];

            if (f->end > hlen + cut && f->start < hlen + cut) {
                cut = f->start > hlen ? (size_t)f->start - hlen : 0;
            }
        }
        /* Count and act only on findings that end within the released part. */
        probe = (struct gw_verdict){0};
        for (size_t i = 0; i < in->f.n; i++) {
            const struct pcl_finding *f = &in->f.v[i];
            const struct pcl_detector_info *di = pcl_engine_detector(in->engine, f->detector);
            enum gw_action a = pcl_gw_direction_action(&p->response, di->type, di->categories);

            if (f->end <= hlen || f->end > hlen + cut) {
                continue;
            }
            verdict_add(&probe, f->detector, 1, a);
            if (a > probe.action) {
                probe.action = a;
            }
            if (a == GW_BLOCK) {
                set_where(&probe, path);
            } else if (a == GW_REDACT) {
                struct pcl_finding g = *f;

                /* offsets relative to the pending text; a finding reaching back into
                 * released text is redacted from the cut of what was released */
                g.start = g.start > hlen ? g.start - hlen : 0;
                g.end -= hlen;
                in->sel[emit_sel++] = g;
            }
        }
        pcl_gw_verdict_merge(v, &probe);
        if (probe.action == GW_BLOCK) {
            return PCL_OK;
        }
    }
    if (emit_sel > 0) {
        v->redacted += (uint32_t)emit_sel;
        rc = pcl_redact_buf(in->redactors[p->redact_op], in->engine, t->pending.ptr, cut, in->sel,
                            emit_sel, &t->out, &changed, err);
    } else {
        rc = pcl_buf_append(&t->out, t->pending.ptr, cut);
    }
    if (rc != PCL_OK) {
        return rc;
    }
    /* released text becomes history (raw, so context words keep working) */
    rc = pcl_buf_append(&t->history, t->pending.ptr, PCL_MIN(cut, (size_t)HISTORY_KEEP));
    if (cut > HISTORY_KEEP) {
        pcl_buf_reset(&t->history);
        rc = pcl_buf_append(&t->history, t->pending.ptr + cut - HISTORY_KEEP, HISTORY_KEEP);
    } else if (rc == PCL_OK && t->history.len > HISTORY_KEEP) {
        pcl_buf_consume(&t->history, t->history.len - HISTORY_KEEP);
    }
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "gateway: out of memory");
    }
    pcl_buf_consume(&t->pending, cut);
    return PCL_OK;
}
