/* SPDX-License-Identifier: Apache-2.0 */
/* The redactor: picks an operator per finding, applies it, and reverses fpe and vault. */
#include "fpe.h"
#include "keys.h"
#include "ops.h"

#include <sodium.h>

#define DEFAULT_KEEP 4
#define MAX_FINDINGS (1u << 20) /* per unredact_buf call */

struct rule {
    char *type; /* owned; NULL for a category rule */
    uint32_t categories;
    enum pcl_op op;
};

struct pcl_redactor {
    struct rule *rules; /* array of nrules */
    size_t nrules;
    enum pcl_op default_op;
    unsigned keep;
    char mask_char;
    enum pcl_fpe_fallback fallback;
    struct pcl_vault *vault; /* borrowed */
    struct pcl_fpe *fpe;     /* NULL without a key */
    uint8_t k_hash[PCL_PROTECT_KEY_LEN];
    struct pcl_redact_stats stats;
};

void
pcl_redactor_free(struct pcl_redactor *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->nrules; i++) {
        pcl_free(r->rules[i].type);
    }
    pcl_free(r->rules);
    pcl_fpe_free(r->fpe);
    sodium_memzero(r->k_hash, sizeof(r->k_hash));
    pcl_free(r);
}

static enum pcl_rc
check_op(const struct pcl_redact_opts *o, enum pcl_op op, const char *what, struct pcl_err *err)
{
    if ((unsigned)op >= PCL_OP_COUNT) {
        return pcl_err_set(err, PCL_EINVAL, "redact: %s: unknown operator %d", what, (int)op);
    }
    if (pcl_op_needs_key(op) && o->key == NULL) {
        return pcl_err_set(err, PCL_EINVAL,
                           "redact: %s: operator %s needs a key and none was given", what,
                           pcl_op_name(op));
    }
    if (op == PCL_OP_VAULT && o->vault == NULL) {
        return pcl_err_set(err, PCL_EINVAL,
                           "redact: %s: operator vault needs a vault and none was given", what);
    }
    if (op == PCL_OP_FPE && o->fpe_fallback == PCL_FPE_FALLBACK_VAULT && o->vault == NULL) {
        return pcl_err_set(err, PCL_EINVAL,
                           "redact: %s: the fpe fallback is vault but no vault was given", what);
    }
    return PCL_OK;
}

static enum pcl_rc
check_opts(const struct pcl_redact_opts *o, struct pcl_err *err)
{
    enum pcl_rc rc;

    rc = check_op(o, o->default_op == PCL_OP_DEFAULT ? PCL_OP_TAG : o->default_op,
                  "default operator", err);
    for (size_t i = 0; i < o->nrules && rc == PCL_OK; i++) {
        const char *what = o->rules[i].type != NULL ? o->rules[i].type : "category rule";

        rc = check_op(o, o->rules[i].op, what, err);
    }
    if (rc == PCL_OK && o->mask_char != 0 &&
        (o->mask_char < 0x21 || o->mask_char > 0x7e || pcl_is_alnum(o->mask_char))) {
        rc = pcl_err_set(err, PCL_EINVAL,
                         "redact: mask character must be printable ASCII punctuation");
    }
    return rc;
}

static enum pcl_rc
copy_rules(struct pcl_redactor *r, const struct pcl_redact_opts *o, struct pcl_err *err)
{
    if (o->nrules == 0) {
        return PCL_OK;
    }
    r->rules = pcl_calloc(o->nrules, sizeof(*r->rules));
    if (r->rules == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "redact: out of memory");
    }
    for (size_t i = 0; i < o->nrules; i++) {
        const struct pcl_redact_rule *src = &o->rules[i];

        r->nrules = i + 1;
        if (src->type != NULL) {
            r->rules[i].type = pcl_strdup(src->type);
            if (r->rules[i].type == NULL) {
                return pcl_err_set(err, PCL_ENOMEM, "redact: out of memory");
            }
        }
        r->rules[i].categories = src->categories;
        r->rules[i].op = src->op == PCL_OP_DEFAULT ? PCL_OP_TAG : src->op;
    }
    return PCL_OK;
}

enum pcl_rc
pcl_redactor_new(const struct pcl_redact_opts *o, struct pcl_redactor **out, struct pcl_err *err)
{
    struct pcl_redactor *r = NULL;
    enum pcl_rc rc;

    *out = NULL;
    rc = check_opts(o, err);
    if (rc != PCL_OK) {
        return rc;
    }
    r = pcl_calloc(1, sizeof(*r));
    if (r == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "redact: out of memory");
    }
    rc = copy_rules(r, o, err);
    if (rc != PCL_OK) {
        goto out;
    }
    r->default_op = o->default_op == PCL_OP_DEFAULT ? PCL_OP_TAG : o->default_op;
    r->keep = o->keep == 0 ? DEFAULT_KEEP : (o->keep < 0 ? 0u : (unsigned)o->keep);
    r->mask_char = o->mask_char == 0 ? '*' : o->mask_char;
    r->fallback = o->fpe_fallback;
    r->vault = o->vault;
    if (o->key != NULL) {
        pcl_protect_key_derive(o->key, PCL_SUBKEY_HASH, r->k_hash);
        rc = pcl_fpe_new(o->key, &r->fpe, err);
        if (rc != PCL_OK) {
            goto out;
        }
    }
    *out = r;
    r = NULL;
out:
    pcl_redactor_free(r);
    return rc;
}

enum pcl_op
pcl_redactor_op(const struct pcl_redactor *r, const char *type, uint32_t categories)
{
    enum pcl_op by_type = PCL_OP_DEFAULT;
    enum pcl_op by_cat = PCL_OP_DEFAULT;
    enum pcl_op op;

    for (size_t i = 0; i < r->nrules; i++) {
        const struct rule *ru = &r->rules[i];

        if (ru->type != NULL) {
            if (type != NULL && strcmp(ru->type, type) == 0) {
                by_type = ru->op;
            }
        } else if ((ru->categories & categories) != 0) {
            by_cat = ru->op;
        }
    }
    op = by_type != PCL_OP_DEFAULT ? by_type : (by_cat != PCL_OP_DEFAULT ? by_cat : r->default_op);
    if (op == PCL_OP_FPE && (categories & PCL_CAT_CREDENTIAL) != 0) {
        /* Secrets carry prefixes and checksums fpe would break: they take the fallback. */
        enum pcl_fpe_fallback fb = r->fallback;

        if (fb == PCL_FPE_FALLBACK_AUTO) {
            fb = r->vault != NULL ? PCL_FPE_FALLBACK_VAULT : PCL_FPE_FALLBACK_ERROR;
        }
        if (fb == PCL_FPE_FALLBACK_VAULT) {
            return PCL_OP_VAULT;
        }
        if (fb == PCL_FPE_FALLBACK_TAG) {
            return PCL_OP_TAG;
        }
    }
    return op;
}

static enum pcl_rc
buf_fail(struct pcl_err *err, enum pcl_rc rc)
{
    return pcl_err_set(err, rc, "redact: output buffer: %s", pcl_rc_str(rc));
}

static enum pcl_rc
fpe_fallback(struct pcl_redactor *r, const char *type, const char *value, size_t len,
             struct pcl_buf *out, enum pcl_op *applied, struct pcl_err *err)
{
    enum pcl_fpe_fallback fb = r->fallback;
    enum pcl_rc rc;

    if (fb == PCL_FPE_FALLBACK_AUTO) {
        fb = r->vault != NULL ? PCL_FPE_FALLBACK_VAULT : PCL_FPE_FALLBACK_ERROR;
    }
    switch (fb) {
    case PCL_FPE_FALLBACK_VAULT:
        r->stats.fpe_fallbacks++;
        *applied = PCL_OP_VAULT;
        return pcl_vault_tokenize(r->vault, type, value, len, out, err);
    case PCL_FPE_FALLBACK_TAG:
        r->stats.fpe_fallbacks++;
        *applied = PCL_OP_TAG;
        rc = pcl_protect_tag(type, out);
        return rc == PCL_OK ? PCL_OK : buf_fail(err, rc);
    case PCL_FPE_FALLBACK_AUTO:
    case PCL_FPE_FALLBACK_ERROR:
        break;
    }
    /* err already says why the value could not be encrypted */
    return PCL_EINVAL;
}

enum pcl_rc
pcl_redact_value(struct pcl_redactor *r, const char *type, uint32_t categories, const char *value,
                 size_t len, struct pcl_buf *out, struct pcl_err *err)
{
    enum pcl_op op = pcl_redactor_op(r, type, categories);
    enum pcl_op applied = op;
    enum pcl_rc rc;

    switch (op) {
    case PCL_OP_KEEP:
        rc = pcl_buf_append(out, value, len);
        break;
    case PCL_OP_MASK:
        rc = pcl_protect_mask(value, len, r->keep, r->mask_char, strcmp(type, "EMAIL_ADDRESS") == 0,
                              out);
        break;
    case PCL_OP_HASH:
        rc = pcl_protect_hash(r->k_hash, type, value, len, out);
        break;
    case PCL_OP_FPE:
        if ((categories & PCL_CAT_CREDENTIAL) != 0) {
            rc = pcl_err_set(err, PCL_EINVAL,
                             "fpe: %s is a credential; credentials are not format-preserving "
                             "encrypted",
                             type);
        } else {
            rc = pcl_fpe_encrypt(r->fpe, type, value, len, out, err);
        }
        if (rc == PCL_EINVAL) {
            rc = fpe_fallback(r, type, value, len, out, &applied, err);
        }
        if (rc != PCL_OK) {
            return rc;
        }
        break;
    case PCL_OP_VAULT:
        rc = pcl_vault_tokenize(r->vault, type, value, len, out, err);
        if (rc != PCL_OK) {
            return rc;
        }
        break;
    case PCL_OP_DEFAULT:
    case PCL_OP_TAG:
    default:
        applied = PCL_OP_TAG;
        rc = pcl_protect_tag(type, out);
        break;
    }
    if (rc != PCL_OK) {
        return buf_fail(err, rc);
    }
    r->stats.by_op[applied]++;
    return PCL_OK;
}

enum pcl_rc
pcl_redact_buf(struct pcl_redactor *r, const struct pcl_engine *e, const char *buf, size_t len,
               const struct pcl_finding *findings, size_t nfindings, struct pcl_buf *out,
               bool *changed, struct pcl_err *err)
{
    uint64_t pos = 0;
    bool diff = false;
    enum pcl_rc rc;

    if (changed != NULL) {
        *changed = false;
    }
    for (size_t i = 0; i < nfindings; i++) {
        const struct pcl_finding *f = &findings[i];
        const struct pcl_detector_info *info = pcl_engine_detector(e, f->detector);
        size_t before;

        if (f->start < pos || f->end < f->start || f->end > len) {
            return pcl_err_set(err, PCL_EINVAL,
                               "redact: finding %zu [%llu, %llu) is out of order or outside "
                               "the %zu-byte buffer",
                               i, (unsigned long long)f->start, (unsigned long long)f->end, len);
        }
        if (info == NULL) {
            return pcl_err_set(err, PCL_EINVAL, "redact: finding %zu names no detector", i);
        }
        rc = pcl_buf_append(out, buf + pos, (size_t)(f->start - pos));
        if (rc != PCL_OK) {
            return buf_fail(err, rc);
        }
        before = out->len;
        rc = pcl_redact_value(r, info->type, info->categories, buf + f->start,
                              (size_t)(f->end - f->start), out, err);
        if (rc != PCL_OK) {
            return rc;
        }
        if (out->len - before != f->end - f->start ||
            memcmp(out->ptr + before, buf + f->start, out->len - before) != 0) {
            diff = true;
        }
        pos = f->end;
    }
    rc = pcl_buf_append(out, buf + pos, (size_t)(len - pos));
    if (rc != PCL_OK) {
        return buf_fail(err, rc);
    }
    if (changed != NULL) {
        *changed = diff;
    }
    return PCL_OK;
}

enum pcl_rc
pcl_unredact_fpe_value(struct pcl_redactor *r, const char *type, const char *value, size_t len,
                       struct pcl_buf *out, struct pcl_err *err)
{
    enum pcl_rc rc;

    if (r->fpe == NULL) {
        return pcl_err_set(err, PCL_EINVAL, "unredact: fpe needs a key and none was given");
    }
    rc = pcl_fpe_decrypt(r->fpe, type, value, len, out, err);
    if (rc == PCL_OK) {
        r->stats.restored_fpe++;
    }
    return rc;
}

/* Findings of the scan, kept when their type maps to fpe. */
struct collect {
    const struct pcl_redactor *r;
    const struct pcl_engine *e;
    struct pcl_finding *f; /* array of n (capacity cap) */
    size_t n, cap;
    enum pcl_rc rc;
};

static int
collect_cb(void *ctx, const struct pcl_finding *f)
{
    struct collect *c = ctx;
    const struct pcl_detector_info *info = pcl_engine_detector(c->e, f->detector);

    if (info == NULL || (info->categories & PCL_CAT_CREDENTIAL) != 0 ||
        pcl_redactor_op(c->r, info->type, info->categories) != PCL_OP_FPE) {
        return 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap == 0 ? 16 : c->cap * 2;
        struct pcl_finding *grown;

        if (cap > MAX_FINDINGS) {
            c->rc = PCL_ELIMIT;
            return 1;
        }
        grown = pcl_realloc(c->f, cap * sizeof(*grown));
        if (grown == NULL) {
            c->rc = PCL_ENOMEM;
            return 1;
        }
        c->f = grown;
        c->cap = cap;
    }
    c->f[c->n++] = *f;
    return 0;
}

static bool
has_fpe_rule(const struct pcl_redactor *r)
{
    if (r->default_op == PCL_OP_FPE) {
        return true;
    }
    for (size_t i = 0; i < r->nrules; i++) {
        if (r->rules[i].op == PCL_OP_FPE) {
            return true;
        }
    }
    return false;
}

static void
buf_truncate(struct pcl_buf *b, size_t len)
{
    if (b->ptr != NULL && len < b->len) {
        b->len = len;
        b->ptr[len] = '\0';
    }
}

/* Resolve one token at buf[0..tlen) into out (or copy it when unknown). */
static enum pcl_rc
restore_token(struct pcl_redactor *r, const char *tok, size_t tlen, struct pcl_buf *out, bool *diff,
              struct pcl_err *err)
{
    enum pcl_rc rc;
    size_t before = out->len;

    if (r->vault == NULL) {
        r->stats.unknown_tokens++;
        rc = pcl_buf_append(out, tok, tlen);
        return rc == PCL_OK ? PCL_OK : buf_fail(err, rc);
    }
    rc = pcl_vault_detokenize(r->vault, tok, tlen, out, err);
    if (rc == PCL_ENOTFOUND) {
        buf_truncate(out, before);
        r->stats.unknown_tokens++;
        rc = pcl_buf_append(out, tok, tlen);
        return rc == PCL_OK ? PCL_OK : buf_fail(err, rc);
    }
    if (rc == PCL_OK) {
        r->stats.restored_vault++;
        *diff = true;
    }
    return rc;
}

/* Findings in buf whose type maps to fpe, when an engine is given and fpe is in use. */
static enum pcl_rc
collect_fpe(struct collect *c, struct pcl_scratch *s, const char *buf, size_t len,
            struct pcl_err *err)
{
    enum pcl_rc rc;

    if (c->e == NULL || s == NULL || c->r->fpe == NULL || !has_fpe_rule(c->r)) {
        return PCL_OK;
    }
    rc = pcl_engine_scan(c->e, s, buf, len, collect_cb, c, err);
    if (c->rc != PCL_OK) {
        return pcl_err_set(err, c->rc, "unredact: too many findings in one buffer");
    }
    /* a match limit only means some findings may be missing: restore the others */
    return rc == PCL_ELIMIT ? PCL_OK : rc;
}

/* Decrypt one fpe value into out, or copy it when fpe cannot have produced it. */
static enum pcl_rc
restore_fpe(struct pcl_redactor *r, const char *type, const char *v, size_t n, struct pcl_buf *out,
            bool *diff, struct pcl_err *err)
{
    struct pcl_err tmp = {0};
    enum pcl_rc rc = pcl_fpe_decrypt(r->fpe, type, v, n, out, &tmp);

    if (rc == PCL_EINVAL) {
        rc = pcl_buf_append(out, v, n);
        return rc == PCL_OK ? PCL_OK : buf_fail(err, rc);
    }
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "%s", tmp.msg);
    }
    r->stats.restored_fpe++;
    *diff = true;
    return PCL_OK;
}

enum pcl_rc
pcl_unredact_buf(struct pcl_redactor *r, const struct pcl_engine *e, struct pcl_scratch *s,
                 const char *buf, size_t len, struct pcl_buf *out, bool *changed,
                 struct pcl_err *err)
{
    struct collect c = {.r = r, .e = e};
    size_t pos = 0;
    size_t fi = 0;
    bool diff = false;
    enum pcl_rc rc;

    if (changed != NULL) {
        *changed = false;
    }
    rc = collect_fpe(&c, s, buf, len, err);
    while (rc == PCL_OK && pos < len) {
        size_t tlen = 0;
        size_t tpos = pos + pcl_vault_token_find(buf + pos, len - pos, &tlen);
        size_t next;

        while (fi < c.n && c.f[fi].start < pos) {
            fi++; /* inside a token already restored */
        }
        next = fi < c.n ? PCL_MIN(tpos, (size_t)c.f[fi].start) : tpos;
        rc = pcl_buf_append(out, buf + pos, next - pos);
        if (rc != PCL_OK) {
            rc = buf_fail(err, rc);
            break;
        }
        pos = next;
        if (pos >= len) {
            break;
        }
        if (pos == tpos && tlen > 0) {
            rc = restore_token(r, buf + pos, tlen, out, &diff, err);
            pos += tlen;
        } else if (fi < c.n) {
            const struct pcl_finding *f = &c.f[fi++];
            size_t flen = (size_t)(f->end - f->start);

            rc = restore_fpe(r, pcl_engine_detector(e, f->detector)->type, buf + pos, flen, out,
                             &diff, err);
            pos += flen;
        } else {
            rc = pcl_err_set(err, PCL_EINTERNAL, "unredact: lost track of findings");
        }
    }
    if (rc == PCL_OK && changed != NULL) {
        *changed = diff;
    }
    pcl_free(c.f);
    return rc;
}

void
pcl_redactor_stats(const struct pcl_redactor *r, struct pcl_redact_stats *out)
{
    *out = r->stats;
}
