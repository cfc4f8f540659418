/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis redact` and `portcullis unredact`: rewrite text (streamed), CSV/TSV cells and
 * JSON/JSONL string values with the protect operators, or reverse fpe and vault. */
#include "cli.h"
#include "fieldbatch.h"

#include <portcullis/detect.h>
#include <portcullis/formats.h>
#include <portcullis/protect.h>

#include "pipeline.h"

#include <getopt.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <unistd.h>

#define READ_CHUNK     ((size_t)1 << 20)
#define OUT_HOLD       ((size_t)1 << 20) /* vault: output held until its tokens are committed */
#define MAX_JSON_DOC   ((size_t)1 << 30) /* a JSON document is walked in memory */
#define MAX_JSONL_LINE ((size_t)64 << 20)
#define MAX_FINDINGS   ((size_t)1 << 20) /* per CSV cell or JSON string */
#define MAX_RULES      256
#define PART_BYTES     ((size_t)4 << 20)  /* several threads: input bytes per job */
#define MAX_CSV_PART   (PART_BYTES * 4)   /* a CSV part with no cut by then: read on alone */
#define CSV_STEP       ((size_t)64 << 10) /* reading alone: look for a record start this often */

struct red_opts {
    bool unredact;
    const char *cmd;
    enum pcl_op default_op;
    struct pcl_redact_rule rules[MAX_RULES];
    char rule_types[MAX_RULES][PCL_VAULT_TYPE_MAX + 1]; /* rules[i].type points here */
    size_t nrules;
    int keep;
    char mask_char;
    enum pcl_fpe_fallback fallback;
    const char *key_file;
    const char *key_env;
    const char *vault_path;
    bool have_format;
    enum pcl_format format;
    const char *types;
    double min_score;
    const char *config;
    const char *output;
    const char *input;
    bool stats;
    bool no_cache;
    unsigned threads;
};

/* A JSONL line that is not JSON: [start, end) in the walked block; redacted as text. */
struct bad_line {
    size_t start, end;
};

/* Where a value is, for the message when it cannot be transformed (an fpe value too short,
 * a vault error): "NAME: line 7, column 3 (\"card\") (offset 812): fpe: ...". */
struct value_at {
    uint64_t line;     /* 1-based */
    uint64_t off;      /* file offset of the value (its first raw byte) */
    size_t col;        /* CSV: 1-based column; 0 for JSON and text */
    const char *label; /* CSV: column name, may be NULL; JSON: field path; text: NULL */
};

/* A CSV cell or JSON string waiting in the batch (redact only; unredact goes one by one). */
struct red_pend {
    struct value_at at; /* JSON: label is set from label_off when the batch is taken */
    size_t label_off;   /* JSON: the field path's offset in labels */
    uint64_t raw_start; /* CSV: absolute; JSON: in the walked block */
    uint64_t raw_end;
    bool quoted; /* CSV */
};

/* One part of the input for a worker (several threads). Text: in holds the file's bytes
 * [lo, lo + in.len): the part's own bytes [start, end) and up to a window's worth on each side,
 * so a finding is judged with the same context as in a whole-file scan; the findings that
 * start in [start, end) are the part's. JSONL: in holds whole lines, the first at offset lo.
 * CSV: in holds whole records, from start (a record start, when quoting is not broken) to
 * end. */
struct red_job {
    enum pcl_format fmt; /* PCL_FMT_TEXT, PCL_FMT_JSONL or PCL_FMT_CSV (CSV and TSV) */
    bool last;           /* CSV: the input's last part */
    struct pcl_buf in;
    uint64_t lo;
    uint64_t start, end; /* text */
    uint64_t line;       /* newlines before start (text) or before lo (JSONL) */
    uint64_t from;       /* text: output begins here (start, unless the part before took more) */
    /* results */
    struct pcl_buf out;
    uint64_t out_end;    /* text: where the output ends in the input (end, or past it when a
                            finding runs on into the next part) */
    uint64_t first;      /* text: start of the first finding replaced; UINT64_MAX when none */
    struct pcl_buf warn; /* warnings, each NUL-terminated */
    uint64_t nwarn;
    bool resync;  /* CSV: the part did not end at a record start (broken quoting fooled the
                     cut): the writer reads the input on from its start itself */
    bool limited; /* a match limit cut a confirmation short: limit is the message */
    struct pcl_err limit;
    enum pcl_rc rc;
    struct pcl_err err;
    size_t hw[3]; /* the most bytes in, out and warn held: all that job_free() must wipe */
};

/* One run: the engine, the redactor and where output goes. */
struct red_ctx {
    const struct red_opts *o;
    struct pcl_engine *e;
    struct pcl_scratch *s;
    struct pcl_redactor *r;
    FILE *out;
    bool hold; /* vault batch: output waits in held until the vault is synced */
    struct pcl_buf held;
    const char *name;      /* input name for messages */
    struct pcl_finding *f; /* findings of one value; array of nf (capacity capf) */
    size_t nf, capf;
    size_t *fseg; /* the value of each finding in a batch; capacity capf */
    struct field_batch batch;
    struct red_pend *bp; /* per value of the batch (capacity capbp) */
    size_t capbp;
    struct pcl_buf labels; /* JSON field paths of the batch's values, NUL-terminated */
    bool json;             /* the batch holds JSON strings (else CSV cells) */
    struct pcl_buf val;    /* one transformed value */
    struct pcl_buf pend;   /* raw input not yet written: bytes [pend_off, pend_off+len) */
    uint64_t pend_off;
    uint64_t pend_lines; /* newlines in the input before pend_off (for messages) */
    uint64_t flushed;    /* absolute offset up to which output is written */
    bool limit_warned;
    uint64_t warnings;
    enum pcl_rc rc; /* first error inside a callback */
    struct pcl_err err;
    /* CSV and JSON: the field name goes in front of a value as context, as in `scan` */
    struct pcl_buf ctxbuf; /* "name: value" */
    char **hdr;            /* CSV header cells; array of nhdr */
    size_t nhdr;
    bool csv_header; /* the first line names the columns (else they are #1, #2, ... as in scan) */
    /* CSV */
    char delim;
    uint64_t csv_safe; /* end of the last completed cell */
    struct pcl_csv *csv;
    bool hdr_given; /* hdr was set up front (a worker's copy): the header row adds nothing */
    /* JSON */
    struct pcl_json_edit *edits; /* array of nedits (capacity capedits) */
    size_t *repl_off;            /* per edit: offset of its replacement in repls, turned into
                                    edits[i].repl once repls stops moving */
    size_t nedits, capedits;
    struct pcl_buf repls;
    struct bad_line *bad; /* JSONL: lines of the block that are not JSON; array of nbad */
    size_t nbad, capbad;
    uint64_t json_lines; /* JSONL: newlines before the block being walked */
    uint64_t json_off;   /* JSONL: file offset of that block */
    /* owned resources of the run */
    struct pcl_protect_key *key;
    struct pcl_vault *vault;
    struct pcl_engine_opts *cfg;
    char **types;
    struct pcl_input *in;
    bool wrote_file;
    /* several threads (redact only): see "several threads" below */
    struct red_job *job;       /* a worker's: the job it runs; its output and warnings go there */
    pthread_mutex_t *vault_mu; /* the vault is shared: held around every call that may use it */
    uint64_t keep_hi;          /* text: findings starting here or later are the next part's */
    uint64_t base_off;         /* text: file offset of offset 0 (for messages) */
    uint64_t first;            /* text: start of the first finding replaced (UINT64_MAX: none) */
    struct red_par *par;       /* the main context's workers */
    const atomic_bool *stop;   /* a worker's: the parts in flight are not wanted any more */
};

/* ---- small helpers ------------------------------------------------------------------- */

static void
usage(FILE *f, bool unredact)
{
    if (unredact) {
        (void)fprintf(
            f, "usage: portcullis unredact [options] [FILE|-]\n"
               "\n"
               "Reverse `portcullis redact`: vault tokens (<TYPE#vlt_...>) are looked up in the\n"
               "vault, and fpe values are found by running the detection engine over the input\n"
               "and decrypted. Pass the same operator, key, vault and detection options that\n"
               "redact used: a value is decrypted only when its type maps to fpe. Mask, tag and\n"
               "hash cannot be reversed. A wrong key is reported when the vault is opened; fpe\n"
               "output carries no check value, so a wrong key there yields wrong values.\n"
               "\n"
               "options: the key, vault, operator, detection and format options of redact\n"
               "(see `portcullis redact --help`); -o FILE; -j, --threads N; --stats;\n"
               "--no-cache.\n"
               "\n"
               "exit codes: 0 ok, 2 usage, key or vault error, 3 vault tokens left unresolved,\n"
               "            4 fatal error\n");
        return;
    }
    (void)fprintf(
        f,
        "usage: portcullis redact [options] [FILE|-]\n"
        "\n"
        "Replace detected PII and secrets; output has the input's format. Text is streamed\n"
        "(constant memory); CSV/TSV cells are redacted one by one and re-quoted when changed;\n"
        "JSON/JSONL string values are redacted and the rest of the document is untouched.\n"
        "gzip input is read transparently (inflated on a second thread, ahead of the\n"
        "redaction); output is not compressed.\n"
        "\n"
        "operators:\n"
        "  keep   leave the value\n"
        "  mask   letters and digits become '*' except the last --keep (default 4, at most\n"
        "         half); punctuation and spaces stay: ***-**-6789; e-mail keeps its domain\n"
        "  tag    <EMAIL_ADDRESS> (the default)\n"
        "  hash   <EMAIL_ADDRESS:7f3a9c21d0e4>: keyed HMAC-SHA256, stable for one key\n"
        "  fpe    format-preserving encryption (FF1/AES-256, tweak = entity type): same\n"
        "         shape, cards stay Luhn-valid, IBANs keep valid check digits, e-mails\n"
        "         keep their domain (unless the local part is under 5 letters), IPv4\n"
        "         addresses stay valid; reversible with unredact.\n"
        "         Values too short for FF1 (under 10^6 possible values), cards failing\n"
        "         Luhn and credentials (secrets keep prefixes and checksums fpe would\n"
        "         break) take --fpe-fallback\n"
        "  vault  <EMAIL_ADDRESS#vlt_3kF9x2Qm7P>: random token, value stored encrypted in\n"
        "         the --vault SQLite file; one value keeps one token; reversible\n"
        "\n"
        "options:\n"
        "      --operator OP      operator for every type without an --op rule\n"
        "      --op TYPE=OP       operator for one entity type (EMAIL_ADDRESS=hash) or one\n"
        "                         category (credential=tag; contact, government_id,\n"
        "                         financial, health, special, credential); repeatable; a\n"
        "                         type rule beats a category rule\n"
        "      --keep N           mask: characters left visible (default 4; 0 = none)\n"
        "      --mask-char C      mask: the replacement character (default '*')\n"
        "      --fpe-fallback F   vault (default when --vault is given), tag, or error (the\n"
        "                         default without a vault)\n"
        "      --key-file FILE    master key: 32 raw bytes, 64 hex characters or base64\n"
        "      --key-env NAME     master key (hex or base64) from environment variable NAME\n"
        "                         (default PORTCULLIS_KEY); hash, fpe and vault need a key\n"
        "                         and there is no default key\n"
        "      --vault PATH       SQLite vault for the vault operator (created if missing)\n"
        "      --input-format F   text, csv, tsv, json or jsonl (default: from the file name\n"
        "                         and content)\n"
        "      --types LIST       only these detectors or entity types (comma-separated)\n"
        "      --min-score X      redact findings scoring at least X (0..1, default 0.5)\n"
        "  -c, --config FILE      YAML configuration for detection (section `detect:`)\n"
        "  -o, --output FILE      write to FILE instead of standard output\n"
        "  -j, --threads N        worker threads (default: number of CPUs, at most 8);\n"
        "                         the output is the same for any N\n"
        "      --stats            print what was replaced to standard error\n"
        "      --no-cache         do not use or write the compiled-detector cache\n"
        "\n"
        "exit codes: 0 ok, 2 usage, key or configuration error, 3 input partly unparsable\n"
        "            (bad CSV quoting or JSONL lines were copied as they were), 4 fatal error\n");
}

static bool
parse_int(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
        return false;
    }
    *out = v;
    return true;
}

static bool
parse_op(const char *s, enum pcl_op *op)
{
    int v = pcl_op_parse(s, strlen(s));

    if (v < 0 || v == PCL_OP_DEFAULT) {
        return false;
    }
    *op = (enum pcl_op)v;
    return true;
}

/* TYPE=OP or category=OP. */
static bool
add_rule(struct red_opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    struct pcl_redact_rule *ru;
    uint32_t cat;

    if (eq == NULL || eq == arg || o->nrules == MAX_RULES ||
        (size_t)(eq - arg) > PCL_VAULT_TYPE_MAX) {
        return false;
    }
    ru = &o->rules[o->nrules];
    if (!parse_op(eq + 1, &ru->op)) {
        return false;
    }
    cat = pcl_category_parse(arg, (size_t)(eq - arg));
    if (cat != 0) {
        ru->type = NULL;
        ru->categories = cat;
    } else {
        memcpy(o->rule_types[o->nrules], arg, (size_t)(eq - arg));
        o->rule_types[o->nrules][eq - arg] = '\0';
        ru->type = o->rule_types[o->nrules];
        ru->categories = 0;
    }
    o->nrules++;
    return true;
}

static bool
ops_need(const struct red_opts *o, bool (*pred)(enum pcl_op))
{
    if (pred(o->default_op)) {
        return true;
    }
    for (size_t i = 0; i < o->nrules; i++) {
        if (pred(o->rules[i].op)) {
            return true;
        }
    }
    return false;
}

static bool
is_fpe(enum pcl_op op)
{
    return op == PCL_OP_FPE;
}

static bool
is_vault(enum pcl_op op)
{
    return op == PCL_OP_VAULT;
}

static void
set_fail(struct red_ctx *c, enum pcl_rc rc, const struct pcl_err *err)
{
    if (c->rc == PCL_OK) {
        c->rc = rc;
        if (err != NULL && err != &c->err) {
            c->err = *err;
        }
    }
}

/* With several threads the vault handle is shared; one thread uses it at a time. */
static void
vault_lock(struct red_ctx *c)
{
    if (c->vault_mu != NULL) {
        (void)pthread_mutex_lock(c->vault_mu);
    }
}

static void
vault_unlock(struct red_ctx *c)
{
    if (c->vault_mu != NULL) {
        (void)pthread_mutex_unlock(c->vault_mu);
    }
}

/* Write the held output, after committing the vault tokens it names. */
static enum pcl_rc
out_release(struct red_ctx *c)
{
    struct pcl_err err = {0};
    enum pcl_rc rc;

    if (c->held.len == 0) {
        return PCL_OK;
    }
    vault_lock(c);
    rc = pcl_vault_sync(c->vault, &err);
    vault_unlock(c);
    if (rc != PCL_OK) {
        c->err = err;
        return rc;
    }
    if (fwrite(c->held.ptr, 1, c->held.len, c->out) != c->held.len) {
        return pcl_err_set(&c->err, PCL_EIO, "write error on the output");
    }
    pcl_buf_reset(&c->held);
    return PCL_OK;
}

static enum pcl_rc
emit(struct red_ctx *c, const char *p, size_t n)
{
    if (c->job != NULL) {
        if (pcl_buf_append(&c->job->out, p, n) != PCL_OK) {
            return pcl_err_set(&c->err, PCL_ENOMEM, "out of memory");
        }
        return PCL_OK;
    }
    if (c->hold) {
        if (pcl_buf_append(&c->held, p, n) != PCL_OK) {
            return pcl_err_set(&c->err, PCL_ENOMEM, "out of memory");
        }
        return c->held.len >= OUT_HOLD ? out_release(c) : PCL_OK;
    }
    if (n > 0 && fwrite(p, 1, n, c->out) != n) {
        return pcl_err_set(&c->err, PCL_EIO, "write error on the output");
    }
    return PCL_OK;
}

/* Raw pending bytes [from, to) (absolute offsets). */
static const char *
pend_at(const struct red_ctx *c, uint64_t off)
{
    if (c->pend.ptr == NULL) {
        return "";
    }
    return c->pend.ptr + (size_t)(off - c->pend_off);
}

/* Forget pending bytes before the flushed offset; text counts their lines for its messages
 * (CSV cells carry their own line). */
static void
pend_trim(struct red_ctx *c, bool count_lines)
{
    if (c->flushed > c->pend_off) {
        size_t n = (size_t)PCL_MIN(c->flushed - c->pend_off, (uint64_t)c->pend.len);
        size_t last;

        if (count_lines) {
            c->pend_lines += pcl_count_byte(c->pend.ptr, n, '\n', &last);
        }
        pcl_buf_consume(&c->pend, n);
        c->pend_off += n;
    }
}

/* Collect a finding of value seg (0 when scanning one value alone); a batch cannot reach
 * MAX_FINDINGS (its values are under 64 KiB together), a value alone can. */
static int
batch_cb(void *arg, size_t seg, const struct pcl_finding *f)
{
    struct red_ctx *c = arg;

    if (c->nf == c->capf) {
        size_t cap = c->capf == 0 ? 16 : c->capf * 2;
        struct pcl_finding *grown;
        size_t *seg_of;

        if (cap > MAX_FINDINGS) {
            set_fail(c,
                     pcl_err_set(&c->err, PCL_ELIMIT, "%s: more than %zu findings in one value",
                                 c->name, MAX_FINDINGS),
                     NULL);
            return 1;
        }
        grown = pcl_realloc(c->f, cap * sizeof(*grown));
        if (grown == NULL) {
            set_fail(c, pcl_err_set(&c->err, PCL_ENOMEM, "out of memory"), NULL);
            return 1;
        }
        c->f = grown;
        seg_of = pcl_realloc(c->fseg, cap * sizeof(*seg_of));
        if (seg_of == NULL) {
            set_fail(c, pcl_err_set(&c->err, PCL_ENOMEM, "out of memory"), NULL);
            return 1;
        }
        c->fseg = seg_of;
        c->capf = cap;
    }
    c->f[c->nf] = *f;
    c->fseg[c->nf++] = seg;
    return 0;
}

static int
collect_cb(void *arg, const struct pcl_finding *f)
{
    return batch_cb(arg, 0, f);
}

static void
limit_warning(struct red_ctx *c, const struct pcl_err *err)
{
    if (c->job != NULL) {
        if (!c->job->limited) {
            c->job->limited = true;
            c->job->limit = *err;
        }
        return;
    }
    if (!c->limit_warned) {
        pcl_cli_warn(c->o->cmd, "%s: %s", c->name, err->msg);
        c->limit_warned = true;
    }
}

/* What a scan call's rc means for the run: a callback's failure comes first, a match limit is
 * a warning (the other findings stand), anything else fails the run. */
static enum pcl_rc
scan_outcome(struct red_ctx *c, enum pcl_rc rc, const struct pcl_err *err)
{
    if (c->rc != PCL_OK) {
        return c->rc;
    }
    if (rc == PCL_ELIMIT) {
        limit_warning(c, err);
        return PCL_OK;
    }
    if (rc != PCL_OK) {
        set_fail(c, rc, err);
    }
    return rc;
}

static void
value_fail(struct red_ctx *c, enum pcl_rc rc, const struct pcl_err *err, const struct value_at *at)
{
    char where[160];

    if (c->rc != PCL_OK) {
        return;
    }
    if (at->col > 0) {
        (void)snprintf(where, sizeof(where), "line %llu, column %zu%s%.64s%s",
                       (unsigned long long)at->line, at->col, at->label != NULL ? " (\"" : "",
                       at->label != NULL ? at->label : "", at->label != NULL ? "\")" : "");
    } else if (at->label != NULL) {
        (void)snprintf(where, sizeof(where), "line %llu, field %.96s", (unsigned long long)at->line,
                       at->label[0] != '\0' ? at->label : "(top level)");
    } else {
        (void)snprintf(where, sizeof(where), "line %llu", (unsigned long long)at->line);
    }
    c->rc = rc;
    (void)pcl_err_set(&c->err, rc, "%s: %s (offset %llu): %s", c->name, where,
                      (unsigned long long)at->off, err->msg);
}

/* Where the pending text byte at absolute offset off is. */
static struct value_at
text_at(const struct red_ctx *c, uint64_t off)
{
    struct value_at at = {.off = c->base_off + off};
    size_t last;

    at.line = c->pend_lines +
              pcl_count_byte(pend_at(c, c->pend_off), (size_t)(off - c->pend_off), '\n', &last) + 1;
    return at;
}

/* Redact v[0..n) into c->val with its findings f[0..nf), whose offsets count from the start
 * of the value's context: prefix bytes of "name: " before v (a finding there lies in the
 * name, which is not part of the output, and is skipped). */
static enum pcl_rc
redact_found(struct red_ctx *c, const char *v, size_t n, size_t prefix, struct pcl_finding *f,
             size_t nf, const struct value_at *at, bool *changed)
{
    struct pcl_err err = {0};
    size_t k = 0;
    enum pcl_rc rc;

    for (size_t i = 0; i < nf; i++) {
        if (f[i].start >= prefix) {
            f[k] = f[i];
            f[k].start -= prefix;
            f[k].end -= prefix;
            k++;
        }
    }
    pcl_buf_reset(&c->val);
    vault_lock(c);
    rc = pcl_redact_buf(c->r, c->e, v, n, f, k, &c->val, changed, &err);
    vault_unlock(c);
    if (rc != PCL_OK) {
        value_fail(c, rc, &err, at);
    }
    return rc;
}

/* Redact or unredact one value (CSV cell, JSON string) into c->val, now. The value is scanned
 * as "name: value" (fieldbatch.h) so a column or key name counts as context, exactly as
 * `scan` does; name may be NULL. */
static enum pcl_rc
transform_value(struct red_ctx *c, const char *name, size_t name_len, const char *v, size_t n,
                const struct value_at *at, bool *changed)
{
    struct pcl_err err = {0};
    size_t prefix;
    const char *scan;
    enum pcl_rc rc;

    pcl_buf_reset(&c->val);
    rc = field_context(&c->ctxbuf, name, name_len, v, n, &scan, &prefix);
    if (rc != PCL_OK) {
        set_fail(c, pcl_err_set(&c->err, rc, "out of memory"), NULL);
        return rc;
    }
    if (c->o->unredact) {
        /* unredact re-detects fpe values, so it needs the same context */
        vault_lock(c);
        rc = pcl_unredact_buf(c->r, c->e, c->s, scan, prefix + n, &c->val, changed, &err);
        if (rc == PCL_OK && prefix > 0) {
            if (c->val.len >= prefix && memcmp(c->val.ptr, c->ctxbuf.ptr, prefix) == 0) {
                pcl_buf_consume(&c->val, prefix);
            } else {
                /* the name itself changed: restore the value alone instead */
                pcl_buf_reset(&c->val);
                rc = pcl_unredact_buf(c->r, c->e, c->s, v, n, &c->val, changed, &err);
            }
        }
        vault_unlock(c);
        if (rc != PCL_OK) {
            value_fail(c, rc, &err, at);
        }
        return rc;
    }
    c->nf = 0;
    rc = pcl_engine_scan(c->e, c->s, scan, prefix + n, collect_cb, c, &err);
    rc = scan_outcome(c, rc, &err);
    if (rc != PCL_OK) {
        return rc;
    }
    return redact_found(c, v, n, prefix, c->f, c->nf, at, changed);
}

/* ---- CSV cells and JSON strings, batched (redact) ------------------------------------- */

static enum pcl_rc apply_csv(struct red_ctx *c, const struct red_pend *p, bool changed);
static enum pcl_rc apply_json(struct red_ctx *c, const struct red_pend *p, bool changed);

/* Scan the batch in one engine pass, then redact and apply its values in order. */
static enum pcl_rc
flush_batch(struct red_ctx *c)
{
    struct pcl_err err = {0};
    size_t k = 0;
    enum pcl_rc rc;

    if (c->batch.n == 0) {
        return PCL_OK;
    }
    c->nf = 0;
    rc = field_batch_scan(&c->batch, c->e, c->s, batch_cb, c, &err);
    rc = scan_outcome(c, rc, &err);
    for (size_t i = 0; rc == PCL_OK && i < c->batch.n; i++) {
        struct red_pend *p = &c->bp[i];
        size_t from = k, n;
        const char *v = field_batch_value(&c->batch, i, &n);
        bool changed = false;

        while (k < c->nf && c->fseg[k] == i) {
            k++;
        }
        if (c->json) {
            p->at.label = c->labels.ptr + p->label_off;
        }
        if (k > from) {
            rc = redact_found(c, v, n, c->batch.prefix[i], c->f + from, k - from, &p->at, &changed);
        }
        if (rc == PCL_OK) {
            rc = c->json ? apply_json(c, p, changed) : apply_csv(c, p, changed);
        }
    }
    field_batch_reset(&c->batch);
    pcl_buf_reset(&c->labels);
    return rc;
}

/* The batch's next slot, zeroed, where a caller builds a value's place for queue_value(): a
 * place built on the stack and copied in made the copy's 16-byte loads wait on the stores
 * just before them (store forwarding fails). NULL when out of memory (c's error set). */
static struct red_pend *
pend_slot(struct red_ctx *c)
{
    if (c->batch.n == c->capbp) {
        size_t cap = c->capbp == 0 ? 256 : c->capbp * 2;
        struct red_pend *grown = pcl_realloc(c->bp, cap * sizeof(*grown));

        if (grown == NULL) {
            set_fail(c, pcl_err_set(&c->err, PCL_ENOMEM, "out of memory"), NULL);
            return NULL;
        }
        c->bp = grown;
        c->capbp = cap;
    }
    memset(&c->bp[c->batch.n], 0, sizeof(c->bp[0]));
    return &c->bp[c->batch.n];
}

/* Redact a CSV cell or JSON string: into the batch, or now when unredacting or when it is too
 * large to batch (after the batch, to keep the order). p, the batch's next slot (pend_slot()),
 * says where it goes; label (JSON, may be transient) is copied. */
static enum pcl_rc
queue_value(struct red_ctx *c, const char *name, size_t name_len, const char *v, size_t n,
            struct red_pend *p, const char *label, size_t label_len)
{
    enum pcl_rc rc;

    if (name_len == 0) {
        name = NULL;
    }
    if (c->o->unredact || field_prefix_len(name, name_len) + n >= FIELD_BATCH_BYTES) {
        bool changed = false;

        rc = flush_batch(c);
        if (rc == PCL_OK) {
            rc = transform_value(c, name, name_len, v, n, &p->at, &changed);
        }
        if (rc == PCL_OK) {
            rc = c->json ? apply_json(c, p, changed) : apply_csv(c, p, changed);
        }
        return rc;
    }
    if (label != NULL) {
        p->label_off = c->labels.len;
        rc = pcl_buf_append(&c->labels, label, label_len + 1);
        if (rc != PCL_OK) {
            set_fail(c, pcl_err_set(&c->err, rc, "out of memory"), NULL);
            return rc;
        }
    }
    rc = field_batch_add(&c->batch, name, name_len, v, n);
    if (rc != PCL_OK) {
        set_fail(c, pcl_err_set(&c->err, rc, "out of memory"), NULL);
        return rc;
    }
    return c->batch.buf.len >= FIELD_BATCH_BYTES ? flush_batch(c) : PCL_OK;
}

/* ---- text: streamed --------------------------------------------------------------------- */

/* Resolve the vault token at pending offset `at` (tlen bytes) into the output. */
static enum pcl_rc
text_token(struct red_ctx *c, uint64_t at, size_t tlen)
{
    struct pcl_err err = {0};
    enum pcl_rc rc;

    pcl_buf_reset(&c->val);
    vault_lock(c);
    rc = pcl_unredact_buf(c->r, NULL, NULL, pend_at(c, at), tlen, &c->val, NULL, &err);
    vault_unlock(c);
    if (rc != PCL_OK) {
        struct value_at where = text_at(c, at);

        value_fail(c, rc, &err, &where);
        return rc;
    }
    c->first = PCL_MIN(c->first, at);
    return emit(c, c->val.ptr, c->val.len);
}

/* With more input to come, stop before a '<' so close to the end of what we have that it
 * might start a token not yet complete. */
static uint64_t
hold_point(const struct red_ctx *c, uint64_t to)
{
    uint64_t avail = c->pend_off + c->pend.len;
    uint64_t from = avail > PCL_VAULT_TOKEN_MAX ? avail - PCL_VAULT_TOKEN_MAX : 0;

    for (uint64_t k = PCL_MAX(from, c->flushed); k < to; k++) {
        if (*pend_at(c, k) == '<') {
            return k;
        }
    }
    return to;
}

/* Copy pending bytes up to `to`; unredact resolves vault tokens on the way. A token may end
 * past `to` (its bytes are pending); with `hold`, see hold_point(). */
static enum pcl_rc
text_gap(struct red_ctx *c, uint64_t to, bool hold)
{
    uint64_t avail = c->pend_off + c->pend.len;
    enum pcl_rc rc = PCL_OK;

    while (rc == PCL_OK && c->flushed < to && c->o->unredact) {
        size_t span = (size_t)(PCL_MIN(avail, to + PCL_VAULT_TOKEN_MAX) - c->flushed);
        size_t tlen = 0;
        size_t tpos = pcl_vault_token_find(pend_at(c, c->flushed), span, &tlen);

        if (tlen == 0 || c->flushed + tpos >= to) {
            break;
        }
        rc = emit(c, pend_at(c, c->flushed), tpos);
        if (rc == PCL_OK) {
            rc = text_token(c, c->flushed + tpos, tlen);
        }
        c->flushed += tpos + tlen;
    }
    if (rc != PCL_OK || c->flushed >= to) {
        return rc;
    }
    if (hold && c->o->unredact) {
        to = hold_point(c, to);
    }
    rc = emit(c, pend_at(c, c->flushed), (size_t)(to - c->flushed));
    c->flushed = to;
    return rc;
}

static int
text_cb(void *arg, const struct pcl_finding *f)
{
    struct red_ctx *c = arg;
    const struct pcl_detector_info *d = pcl_engine_detector(c->e, f->detector);
    const char *v;
    size_t n = (size_t)(f->end - f->start);
    struct pcl_err err = {0};
    enum pcl_rc rc;

    if (c->rc != PCL_OK || f->start < c->flushed || f->start >= c->keep_hi || d == NULL) {
        return c->rc != PCL_OK;
    }
    if (c->o->unredact && ((d->categories & PCL_CAT_CREDENTIAL) != 0 ||
                           pcl_redactor_op(c->r, d->type, d->categories) != PCL_OP_FPE)) {
        return 0;
    }
    rc = text_gap(c, f->start, false);
    if (rc != PCL_OK) {
        set_fail(c, rc, NULL);
        return 1;
    }
    if (f->start < c->flushed) {
        return 0; /* inside a vault token just restored */
    }
    v = pend_at(c, f->start);
    pcl_buf_reset(&c->val);
    if (c->o->unredact) {
        rc = pcl_unredact_fpe_value(c->r, d->type, v, n, &c->val, &err);
        if (rc == PCL_EINVAL) {
            pcl_buf_reset(&c->val);
            rc = pcl_buf_append(&c->val, v, n); /* not an fpe output: leave it */
        }
    } else {
        vault_lock(c);
        rc = pcl_redact_value(c->r, d->type, d->categories, v, n, &c->val, &err);
        vault_unlock(c);
    }
    if (rc != PCL_OK) {
        struct value_at at = text_at(c, f->start);

        value_fail(c, rc, &err, &at);
        return 1;
    }
    rc = emit(c, c->val.ptr, c->val.len);
    if (rc != PCL_OK) {
        set_fail(c, rc, NULL);
        return 1;
    }
    c->first = PCL_MIN(c->first, f->start);
    c->flushed = f->end;
    return 0;
}

/* Hand one chunk to the stream and write out what it settled. */
static enum pcl_rc
text_feed(struct red_ctx *c, struct pcl_stream *st, const char *chunk, size_t got)
{
    struct pcl_err err = {0};
    enum pcl_rc rc;

    rc = pcl_buf_append(&c->pend, chunk, got);
    if (rc != PCL_OK) {
        return pcl_err_set(&c->err, rc, "%s: pending buffer: %s", c->name, pcl_rc_str(rc));
    }
    if (st == NULL) {
        rc = text_gap(c, c->pend_off + c->pend.len, true);
    } else {
        rc = scan_outcome(c, pcl_stream_feed(st, chunk, got, &err), &err);
        if (rc != PCL_OK) {
            return rc;
        }
        rc = text_gap(c, PCL_MAX(pcl_stream_settled(st), c->flushed), true);
    }
    pend_trim(c, true);
    return rc;
}

static enum pcl_rc
text_finish(struct red_ctx *c, struct pcl_stream *st)
{
    struct pcl_err err = {0};
    enum pcl_rc rc;

    if (st != NULL) {
        rc = scan_outcome(c, pcl_stream_finish(st, &err), &err);
        if (rc != PCL_OK) {
            return rc;
        }
    }
    rc = text_gap(c, c->pend_off + c->pend.len, false);
    pend_trim(c, true);
    return rc;
}

/* A stream over the text, or NULL when none is needed (unredact without fpe only looks
 * for vault tokens). */
static enum pcl_rc
text_stream(struct red_ctx *c, struct pcl_stream **st)
{
    struct pcl_err err = {0};
    enum pcl_rc rc = PCL_OK;

    *st = NULL;
    if (!c->o->unredact || ops_need(c->o, is_fpe)) {
        rc = pcl_stream_new(c->e, text_cb, c, st, &err);
        if (rc != PCL_OK) {
            c->err = err;
        }
    }
    return rc;
}

/* Redact buf[0..len), already in memory, as the whole input's text. */
static enum pcl_rc
text_buffer(struct red_ctx *c, const char *buf, size_t len)
{
    struct pcl_stream *st = NULL;
    enum pcl_rc rc = text_stream(c, &st);

    if (rc == PCL_OK) {
        rc = text_feed(c, st, buf, len);
    }
    if (rc == PCL_OK) {
        rc = text_finish(c, st);
    }
    pcl_stream_free(st);
    return rc;
}

/* Text is streamed: memory stays at one read chunk plus the engine's carry-over window. */
static enum pcl_rc
run_text(struct red_ctx *c, struct pcl_input *in)
{
    struct pcl_stream *st = NULL;
    char *chunk = NULL;
    struct pcl_err err = {0};
    enum pcl_rc rc = PCL_OK;

    chunk = pcl_malloc(READ_CHUNK);
    if (chunk == NULL) {
        return pcl_err_set(&c->err, PCL_ENOMEM, "out of memory");
    }
    rc = text_stream(c, &st);
    while (rc == PCL_OK) {
        size_t got = 0;

        rc = pcl_input_read(in, chunk, READ_CHUNK, &got, &err);
        if (rc != PCL_OK) {
            c->err = err;
            break;
        }
        if (got == 0) {
            rc = text_finish(c, st);
            break;
        }
        rc = text_feed(c, st, chunk, got);
    }
    pcl_stream_free(st);
    pcl_free(chunk);
    return rc;
}

/* ---- CSV / TSV: cell by cell ---------------------------------------------------------- */

static enum pcl_rc
emit_csv_cell(struct red_ctx *c, const char *v, size_t n, bool was_quoted)
{
    bool quote = was_quoted;
    enum pcl_rc rc = PCL_OK;

    for (size_t i = 0; i < n && !quote; i++) {
        quote = v[i] == c->delim || v[i] == '"' || v[i] == '\r' || v[i] == '\n';
    }
    if (!quote) {
        return emit(c, v, n);
    }
    rc = emit(c, "\"", 1);
    for (size_t i = 0; i < n && rc == PCL_OK;) {
        const char *q = memchr(v + i, '"', n - i);
        size_t upto = q != NULL ? (size_t)(q - v) + 1 : n;

        rc = emit(c, v + i, upto - i);
        if (rc == PCL_OK && q != NULL) {
            rc = emit(c, "\"", 1); /* double it */
        }
        i = upto;
    }
    return rc == PCL_OK ? emit(c, "\"", 1) : rc;
}

static enum pcl_rc
csv_cell(void *arg, const struct pcl_csv_cell *cell, struct pcl_err *err)
{
    struct red_ctx *c = arg;
    struct red_pend *p = pend_slot(c);
    enum pcl_rc rc;
    char colname[FIELD_COLNAME_MAX];
    const char *name = NULL;
    size_t name_len = 0;

    if (p == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "%s", c->err.msg);
    }
    if (cell->row == 0 && c->csv_header) {
        rc = c->hdr_given ? PCL_OK : field_header_add(&c->hdr, &c->nhdr, cell->ptr, cell->len, err);
        if (rc != PCL_OK) {
            return rc;
        }
    } else if (cell->col < c->nhdr && c->hdr[cell->col][0] != '\0') {
        name = c->hdr[cell->col];
        name_len = strlen(name);
        p->at.label = name;
    } else {
        /* named as scan names it; messages give only the column number */
        name_len = field_column_name(cell->col, colname);
        name = colname;
    }
    p->at.line = cell->line;
    p->at.off = cell->raw_start;
    p->at.col = cell->col + 1;
    p->raw_start = cell->raw_start;
    p->raw_end = cell->raw_end;
    p->quoted = cell->quoted;
    rc = queue_value(c, name, name_len, cell->ptr, cell->len, p, NULL, 0);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "%s", c->err.msg);
    }
    return PCL_OK;
}

/* A CSV cell is redacted: write what comes before it and the new cell, re-quoted. */
static enum pcl_rc
apply_csv(struct red_ctx *c, const struct red_pend *p, bool changed)
{
    enum pcl_rc rc = PCL_OK;

    if (changed) {
        rc = emit(c, pend_at(c, c->flushed), (size_t)(p->raw_start - c->flushed));
        if (rc == PCL_OK) {
            rc = emit_csv_cell(c, c->val.ptr, c->val.len, p->quoted);
        }
        if (rc != PCL_OK) {
            set_fail(c, rc, NULL);
            return rc;
        }
        c->flushed = p->raw_end;
    }
    c->csv_safe = p->raw_end;
    return PCL_OK;
}

static void
on_warn(void *arg, const char *msg)
{
    struct red_ctx *c = arg;

    c->warnings++;
    if (c->job != NULL) {
        /* the writer prints it in input order (out of memory: now, out of order) */
        c->job->nwarn++;
        if (pcl_buf_append(&c->job->warn, msg, strlen(msg) + 1) == PCL_OK) {
            return;
        }
    }
    pcl_cli_warn(c->o->cmd, "%s", msg);
}

/* Start reading CSV at file offset off0 (a record start: line0 lines and row0 records before
 * it) into c->csv. */
static enum pcl_rc
csv_open(struct red_ctx *c, uint64_t off0, uint64_t line0, uint64_t row0)
{
    struct pcl_csv_opts co = {0};
    struct pcl_err err = {0};
    enum pcl_rc rc;

    co.delim = c->delim;
    co.name = c->name;
    co.on_cell = csv_cell;
    co.on_warn = on_warn;
    co.arg = c;
    co.off0 = off0;
    co.line0 = line0;
    co.row0 = row0;
    pcl_buf_reset(&c->pend);
    c->pend_off = c->flushed = c->csv_safe = off0;
    c->json = false;
    rc = pcl_csv_new(&co, &c->csv, &err);
    if (rc != PCL_OK) {
        c->err = err;
    }
    return rc;
}

/* Read p[0..n) and write what it completes. */
static enum pcl_rc
csv_feed(struct red_ctx *c, const char *p, size_t n)
{
    struct pcl_err err = {0};
    enum pcl_rc rc;

    rc = pcl_buf_append(&c->pend, p, n);
    if (rc != PCL_OK) {
        return pcl_err_set(&c->err, rc, "%s: pending buffer: %s", c->name, pcl_rc_str(rc));
    }
    rc = pcl_csv_feed(c->csv, p, n, &err);
    if (rc != PCL_OK) {
        c->err = err;
        return rc;
    }
    /* everything before the end of the last complete cell is final */
    if (c->csv_safe > c->flushed) {
        rc = emit(c, pend_at(c, c->flushed), (size_t)(c->csv_safe - c->flushed));
        if (rc != PCL_OK) {
            return rc;
        }
        c->flushed = c->csv_safe;
    }
    pend_trim(c, false);
    return PCL_OK;
}

/* Write the rest: at the end of the input (the last record needs no newline), or at the end
 * of a part that ends at a record start. Frees the reader. */
static enum pcl_rc
csv_close(struct red_ctx *c, bool at_end)
{
    struct pcl_err err = {0};
    enum pcl_rc rc = PCL_OK;

    if (at_end) {
        rc = pcl_csv_finish(c->csv, &err);
        if (rc != PCL_OK) {
            c->err = err;
        }
    }
    if (rc == PCL_OK) {
        rc = flush_batch(c);
    }
    if (rc == PCL_OK) {
        rc = emit(c, pend_at(c, c->flushed), (size_t)(c->pend_off + c->pend.len - c->flushed));
        c->flushed = c->pend_off + c->pend.len;
        pend_trim(c, false);
    }
    pcl_csv_free(c->csv);
    c->csv = NULL;
    return rc;
}

static enum pcl_rc
run_csv(struct red_ctx *c, struct pcl_input *in)
{
    char *chunk = NULL;
    struct pcl_err err = {0};
    enum pcl_rc rc;

    rc = csv_open(c, 0, 0, 0);
    if (rc != PCL_OK) {
        return rc;
    }
    chunk = pcl_malloc(READ_CHUNK);
    if (chunk == NULL) {
        rc = pcl_err_set(&c->err, PCL_ENOMEM, "out of memory");
    }
    while (rc == PCL_OK) {
        size_t got = 0;

        rc = pcl_input_read(in, chunk, READ_CHUNK, &got, &err);
        if (rc != PCL_OK) {
            c->err = err;
            break;
        }
        if (got == 0) {
            pcl_free(chunk);
            return csv_close(c, true);
        }
        rc = csv_feed(c, chunk, got);
    }
    pcl_csv_free(c->csv);
    c->csv = NULL;
    pcl_free(chunk);
    return rc;
}

/* Whether the CSV input's first line names its columns, from its head, as `scan` decides. */
static enum pcl_rc
csv_sniff(struct red_ctx *c, struct pcl_input *in, char delim)
{
    const char *head = NULL;
    size_t headlen = 0;
    struct pcl_err err = {0};
    enum pcl_rc rc = pcl_input_peek(in, &head, &headlen, &err);

    c->delim = delim;
    if (rc != PCL_OK) {
        c->err = err;
        return rc;
    }
    c->csv_header = pcl_csv_looks_like_header(head, headlen, delim);
    return PCL_OK;
}

/* ---- JSON / JSONL: string values ------------------------------------------------------ */

static enum pcl_rc
json_value(void *arg, const struct pcl_json_value *v, struct pcl_err *err)
{
    struct red_ctx *c = arg;
    struct red_pend *p;
    enum pcl_rc rc;

    if (v->kind != PCL_JSON_STRING) {
        return PCL_OK;
    }
    p = pend_slot(c);
    if (p == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "%s", c->err.msg);
    }
    p->at.line = v->line;
    p->at.off = c->json_off + v->raw_start;
    p->at.label = v->path;
    p->raw_start = v->raw_start;
    p->raw_end = v->raw_end;
    rc = queue_value(c, v->path, v->path_len, v->ptr, v->len, p, v->path, v->path_len);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "%s", c->err.msg);
    }
    return PCL_OK;
}

/* A JSON string is redacted: note the edit; the block is rewritten once walked. */
static enum pcl_rc
apply_json(struct red_ctx *c, const struct red_pend *p, bool changed)
{
    size_t off;
    enum pcl_rc rc;

    if (!changed) {
        return PCL_OK;
    }
    if (c->nedits == c->capedits) {
        size_t cap = c->capedits == 0 ? 64 : c->capedits * 2;
        struct pcl_json_edit *grown = pcl_realloc(c->edits, cap * sizeof(*grown));
        size_t *offs;

        if (grown == NULL) {
            set_fail(c, pcl_err_set(&c->err, PCL_ENOMEM, "out of memory"), NULL);
            return PCL_ENOMEM;
        }
        c->edits = grown;
        offs = pcl_realloc(c->repl_off, cap * sizeof(*offs));
        if (offs == NULL) {
            set_fail(c, pcl_err_set(&c->err, PCL_ENOMEM, "out of memory"), NULL);
            return PCL_ENOMEM;
        }
        c->repl_off = offs;
        c->capedits = cap;
    }
    off = c->repls.len;
    rc = pcl_buf_append(&c->repls, c->val.ptr, c->val.len);
    if (rc != PCL_OK) {
        set_fail(c, pcl_err_set(&c->err, rc, "%s: replacements: %s", c->name, pcl_rc_str(rc)),
                 NULL);
        return rc;
    }
    /* replace the whole literal: the rewriter re-escapes the new value */
    c->edits[c->nedits].raw_start = (size_t)p->raw_start;
    c->edits[c->nedits].raw_end = (size_t)p->raw_end;
    c->edits[c->nedits].repl = NULL;
    c->edits[c->nedits].repl_len = c->val.len;
    c->repl_off[c->nedits] = off;
    c->nedits++;
    return PCL_OK;
}

static void
json_bad_line(void *arg, size_t start, size_t end)
{
    struct red_ctx *c = arg;

    if (c->rc != PCL_OK) {
        return;
    }
    if (c->nbad == c->capbad) {
        size_t cap = c->capbad == 0 ? 8 : c->capbad * 2;
        struct bad_line *grown = pcl_realloc(c->bad, cap * sizeof(*grown));

        if (grown == NULL) {
            set_fail(c, pcl_err_set(&c->err, PCL_ENOMEM, "out of memory"), NULL);
            return;
        }
        c->bad = grown;
        c->capbad = cap;
    }
    c->bad[c->nbad].start = start;
    c->bad[c->nbad].end = end;
    c->nbad++;
}

/* Append buf[from, to) to out with the edits [*k, ...) that lie in it applied. */
static enum pcl_rc
json_segment(struct red_ctx *c, const char *buf, size_t from, size_t to, size_t *k,
             struct pcl_buf *out, struct pcl_err *err)
{
    size_t first = *k;

    while (*k < c->nedits && c->edits[*k].raw_start < to) {
        c->edits[*k].raw_start -= from;
        c->edits[*k].raw_end -= from;
        (*k)++;
    }
    return pcl_json_rewrite(buf + from, to - from, c->edits + first, *k - first, out, err);
}

/* Walk buf[0..len), rewrite its changed strings and write the result. A JSONL line that is
 * not JSON is warned about and redacted as text, like `scan` scans it: never passed through. */
static enum pcl_rc
json_block(struct red_ctx *c, const char *buf, size_t len, bool jsonl)
{
    struct pcl_json_walk_opts wo = {0};
    struct pcl_json_walk_stats ws = {0};
    struct pcl_buf out;
    struct pcl_err err = {0};
    size_t k = 0, from = 0, kept = 0, last;
    enum pcl_rc rc;

    c->nedits = 0;
    c->nbad = 0;
    pcl_buf_reset(&c->repls);
    wo.jsonl = jsonl;
    wo.name = c->name;
    wo.first_line = c->json_lines + 1;
    wo.base_offset = c->json_off;
    wo.on_value = json_value;
    wo.on_warn = on_warn;
    wo.on_bad_line = json_bad_line;
    wo.arg = c;
    c->json = true;
    rc = pcl_json_walk(buf, len, &wo, &ws, &err);
    if (rc == PCL_OK) {
        rc = flush_batch(c);
        if (rc != PCL_OK) {
            return rc;
        }
    } else {
        /* values after the last flush were never transformed; the block fails as a whole */
        field_batch_reset(&c->batch);
        pcl_buf_reset(&c->labels);
    }
    if (rc != PCL_OK) {
        c->err = err;
        return rc;
    }
    if (c->rc != PCL_OK) {
        return c->rc;
    }
    if (c->nedits == 0 && c->nbad == 0) {
        return emit(c, buf, len);
    }
    /* a bad line's values reported before its error are redacted with the whole line */
    for (size_t i = 0, b = 0; i < c->nedits; i++) {
        while (b < c->nbad && c->bad[b].end <= c->edits[i].raw_start) {
            b++;
        }
        if (b == c->nbad || c->edits[i].raw_start < c->bad[b].start) {
            c->edits[kept] = c->edits[i];
            c->repl_off[kept] = c->repl_off[i];
            kept++;
        }
    }
    c->nedits = kept;
    for (size_t i = 0; i < c->nedits; i++) {
        c->edits[i].repl = c->repls.ptr + c->repl_off[i];
    }
    pcl_buf_init(&out, 0);
    for (size_t b = 0; rc == PCL_OK && b < c->nbad; b++) {
        const struct bad_line *bl = &c->bad[b];
        struct value_at at = {.off = c->json_off + bl->start};
        bool changed = false;

        rc = json_segment(c, buf, from, bl->start, &k, &out, &err);
        if (rc != PCL_OK) {
            c->err = err;
            break;
        }
        at.line = c->json_lines + pcl_count_byte(buf, bl->start, '\n', &last) + 1;
        rc = transform_value(c, NULL, 0, buf + bl->start, bl->end - bl->start, &at, &changed);
        if (rc == PCL_OK) {
            rc = changed ? pcl_buf_append(&out, c->val.ptr, c->val.len)
                         : pcl_buf_append(&out, buf + bl->start, bl->end - bl->start);
            if (rc != PCL_OK) {
                (void)pcl_err_set(&c->err, rc, "%s: output: %s", c->name, pcl_rc_str(rc));
            }
        }
        from = bl->end;
    }
    if (rc == PCL_OK) {
        rc = json_segment(c, buf, from, len, &k, &out, &err);
        if (rc != PCL_OK) {
            c->err = err;
        }
    }
    if (rc == PCL_OK) {
        rc = emit(c, out.ptr, out.len);
    }
    pcl_buf_fini(&out);
    return rc;
}

/* One block of whole JSONL lines (pcl_input_lines). */
static enum pcl_rc
jsonl_block(void *arg, const char *buf, size_t len, uint64_t line, uint64_t off,
            struct pcl_err *err)
{
    struct red_ctx *c = arg;

    (void)err; /* json_block leaves its error in c->err, not in the reader's */
    c->json_lines = line - 1;
    c->json_off = off;
    return json_block(c, buf, len, true);
}

static enum pcl_rc
run_json(struct red_ctx *c, struct pcl_input *in, bool jsonl)
{
    struct pcl_err err = {0};
    struct pcl_buf doc;
    enum pcl_rc rc;

    if (jsonl) {
        /* whole lines at a time, so memory stays bounded by the chunk and one line */
        rc = pcl_input_lines(in, READ_CHUNK, MAX_JSONL_LINE, jsonl_block, c, &err);
        if (rc != PCL_OK && err.rc != PCL_OK) {
            c->err = err; /* the reader's; a block's own error is in c->err already */
        }
        return rc;
    }
    /* a JSON document is walked whole */
    pcl_buf_init(&doc, MAX_JSON_DOC);
    rc = pcl_input_slurp(in, MAX_JSON_DOC, &doc, &err);
    if (rc != PCL_OK) {
        c->err = err;
    } else {
        rc = json_block(c, doc.ptr != NULL ? doc.ptr : "", doc.len, false);
        if (rc == PCL_EINVAL && c->rc == PCL_OK) {
            /* not JSON after all (a syntax error, not a value that failed): redact it as text,
             * as scan scans it, rather than refuse it; nothing was written yet */
            c->warnings++;
            pcl_cli_warn(c->o->cmd, "%s; %s as text instead", c->err.msg,
                         c->o->unredact ? "restored" : "redacted");
            c->err = (struct pcl_err){0};
            rc = text_buffer(c, doc.ptr != NULL ? doc.ptr : "", doc.len);
        }
    }
    pcl_buf_fini_secure(&doc);
    return rc;
}

/* ---- several threads (redact) ----------------------------------------------------------- */

/* Text, JSONL, CSV and TSV are cut into parts of about PART_BYTES that worker threads redact
 * side by side (pipeline.h); the main thread reads the parts, and writes their output in
 * input order. Each worker has its own context (scratch, redactor, buffers) over the shared
 * engine; a vault handle is shared under a mutex, and the output naming its tokens is written
 * only after they are committed, as with one thread. The output is byte for byte the one
 * thread's: a text part is scanned with a window of context on each side (as `scan` does)
 * and keeps the findings that start in it, JSONL parts are whole lines, and CSV parts whole
 * records, each reader told where its part starts and the header's names. */

struct red_worker {
    struct red_ctx c;
    struct pcl_stream *st; /* text */
};

struct red_par {
    struct red_worker *w; /* nw workers, then one the main thread redoes a text part with */
    unsigned nw, ninit;
    pthread_mutex_t vault_mu;
    struct pcl_pipe *pipe;
    struct red_job **pool; /* jobs to reuse; array of npool (capacity nw + 4: the nw + 2 in
                              flight and the two par_text() holds) */
    size_t npool;
    uint64_t out_end;  /* text: where the output written so far ends in the input */
    bool serial;       /* CSV: the main thread reads on alone (csv_resync()) */
    bool write_failed; /* a part failed (or could not be written): drop the parts after it */
    atomic_bool stop;  /* the output of the parts in flight will be dropped: workers stop early */
};

static void ctx_init(struct red_ctx *c, const struct red_opts *o);
static enum pcl_rc csv_resync(struct red_ctx *c, struct red_job *j);
static void ctx_fini(struct red_ctx *c);
static enum pcl_rc redactor_new(const struct red_ctx *c, struct pcl_redactor **r,
                                struct pcl_err *err);

/* Note how much of each buffer was used (they are reset by the next job_get()). */
static void
job_used(struct red_job *j)
{
    struct pcl_buf *b[3] = {&j->in, &j->out, &j->warn};

    for (int i = 0; i < 3; i++) {
        j->hw[i] = PCL_MAX(j->hw[i], b[i]->len + 1);
    }
}

/* Wipe what the buffers held, not their whole capacity (most of which a small input never
 * touches: wiping it would fault every page in), and free the job. */
static void
job_free(struct red_job *j)
{
    struct pcl_buf *b[3];

    if (j == NULL) {
        return;
    }
    job_used(j);
    b[0] = &j->in;
    b[1] = &j->out;
    b[2] = &j->warn;
    for (int i = 0; i < 3; i++) {
        if (b[i]->ptr != NULL) {
            sodium_memzero(b[i]->ptr, PCL_MIN(j->hw[i], b[i]->cap));
        }
        pcl_buf_fini(b[i]);
    }
    pcl_free(j);
}

static struct red_job *
job_get(struct red_par *p, enum pcl_format fmt)
{
    struct red_job *j;

    if (p->npool > 0) {
        j = p->pool[--p->npool];
    } else {
        j = pcl_calloc(1, sizeof(*j));
        if (j == NULL) {
            return NULL;
        }
        pcl_buf_init(&j->in, 0);
        pcl_buf_init(&j->out, 0);
        pcl_buf_init(&j->warn, 0);
    }
    pcl_buf_reset(&j->in);
    pcl_buf_reset(&j->out);
    pcl_buf_reset(&j->warn);
    j->fmt = fmt;
    j->last = j->resync = false;
    j->lo = j->start = j->end = j->line = j->from = j->out_end = 0;
    j->first = UINT64_MAX;
    j->nwarn = 0;
    j->limited = false;
    j->rc = PCL_OK;
    j->err = (struct pcl_err){0};
    return j;
}

/* Keep the job's memory for the next one (the pool holds every job there can be). */
static void
job_put(struct red_par *p, struct red_job *j)
{
    if (j != NULL) {
        job_used(j);
        p->pool[p->npool++] = j;
    }
}

/* Whether a worker may stop its part: its output will not be written. */
static bool
part_unwanted(const struct red_ctx *c)
{
    return c->stop != NULL && atomic_load_explicit(c->stop, memory_order_relaxed);
}

/* A text part: stream j->in through the worker's engine, replacing the findings that start
 * in [start, end) and copying the bytes from `from` up to end (or to the end of a finding
 * that runs past it). Offsets inside the context count from lo. */
static enum pcl_rc
text_part(struct red_worker *w, struct red_job *j)
{
    struct red_ctx *c = &w->c;
    struct pcl_buf own = c->pend;
    struct pcl_err err = {0};
    size_t last;
    enum pcl_rc rc = PCL_OK;

    c->pend = j->in; /* borrowed for the part: text_gap() copies from it */
    c->pend_off = 0;
    c->base_off = j->lo;
    c->flushed = j->from - j->lo;
    c->keep_hi = j->end - j->lo;
    c->first = UINT64_MAX;
    c->pend_lines = j->line - pcl_count_byte(j->in.ptr, (size_t)(j->start - j->lo), '\n', &last);
    if (w->st != NULL) { /* none when unredact only resolves vault tokens */
        pcl_stream_reset(w->st, text_cb, c);
        for (size_t off = 0, n; rc == PCL_OK && off < j->in.len && !part_unwanted(c); off += n) {
            n = PCL_MIN(READ_CHUNK, j->in.len - off);
            rc = scan_outcome(c, pcl_stream_feed(w->st, j->in.ptr + off, n, &err), &err);
        }
        if (rc == PCL_OK) {
            rc = scan_outcome(c, pcl_stream_finish(w->st, &err), &err);
        }
    }
    if (rc == PCL_OK) {
        rc = text_gap(c, PCL_MAX(c->keep_hi, c->flushed), false);
    }
    j->out_end = j->lo + c->flushed;
    j->first = c->first == UINT64_MAX ? UINT64_MAX : j->lo + c->first;
    c->pend = own;
    c->base_off = 0;
    c->keep_hi = UINT64_MAX;
    return rc;
}

/* A CSV part: whole records from start, read by a reader of its own that is told the lines
 * and records before it. A part that does not end at a record start (broken quoting fooled
 * the cut) writes nothing: the writer reads on from its start itself (csv_resync()). */
static enum pcl_rc
csv_part(struct red_ctx *c, struct red_job *j)
{
    enum pcl_rc rc = csv_open(c, j->start, j->line, j->start == 0 ? 0 : 1);

    for (size_t off = 0, n; rc == PCL_OK && off < j->in.len && !part_unwanted(c); off += n) {
        n = PCL_MIN(READ_CHUNK, j->in.len - off);
        rc = csv_feed(c, j->in.ptr + off, n);
    }
    if (rc == PCL_OK && (j->last || pcl_csv_at_record_start(c->csv))) {
        return csv_close(c, j->last);
    }
    /* an error, or a part that does not end at a record start: nothing more of it is used */
    j->resync = rc == PCL_OK;
    field_batch_reset(&c->batch);
    pcl_buf_reset(&c->labels);
    pcl_csv_free(c->csv);
    c->csv = NULL;
    return rc;
}

/* Run one job on a worker (pcl_pipe_fn). */
static void
part_run(void *worker, void *job)
{
    struct red_worker *w = worker;
    struct red_ctx *c = &w->c;
    struct red_job *j = job;
    enum pcl_rc rc;

    c->job = j;
    c->rc = PCL_OK;
    c->err = (struct pcl_err){0};
    if (j->fmt == PCL_FMT_JSONL) {
        c->json_lines = j->line;
        c->json_off = j->lo;
        rc = json_block(c, j->in.ptr != NULL ? j->in.ptr : "", j->in.len, true);
    } else if (j->fmt == PCL_FMT_CSV) {
        rc = csv_part(c, j);
    } else {
        rc = text_part(w, j);
    }
    if (rc == PCL_OK) {
        rc = c->rc;
    }
    j->rc = rc;
    if (rc != PCL_OK) {
        j->err = c->err;
        if (j->err.msg[0] == '\0') {
            (void)pcl_err_set(&j->err, rc, "%s: %s", c->name, pcl_rc_str(rc));
        }
    }
    c->job = NULL;
}

static void
worker_fini(struct red_worker *w)
{
    pcl_stream_free(w->st);
    w->c.e = NULL; /* borrowed */
    ctx_fini(&w->c);
}

static enum pcl_rc
worker_init(struct red_ctx *main, struct red_worker *w, enum pcl_format fmt, struct pcl_err *err)
{
    struct red_ctx *c = &w->c;
    enum pcl_rc rc;

    ctx_init(c, main->o);
    c->e = main->e;
    c->name = main->name;
    c->vault_mu = main->vault_mu;
    c->key = NULL;
    c->vault = NULL;
    c->delim = main->delim;
    c->csv_header = main->csv_header;
    c->stop = &main->par->stop;
    /* the redactor borrows the main context's key and vault */
    rc = redactor_new(main, &c->r, err);
    if (rc == PCL_OK && fmt != PCL_FMT_TEXT) {
        rc = pcl_scratch_new(c->e, &c->s, err);
    } else if (rc == PCL_OK) {
        rc = text_stream(c, &w->st);
        *err = c->err;
    }
    return rc;
}

static void
par_free(struct red_par *p)
{
    if (p == NULL) {
        return;
    }
    pcl_pipe_free(p->pipe); /* finishes the jobs in flight first */
    for (unsigned i = 0; i < p->ninit; i++) {
        worker_fini(&p->w[i]);
    }
    for (size_t i = 0; i < p->npool; i++) {
        job_free(p->pool[i]);
    }
    if (p->ninit > 0) {
        (void)pthread_mutex_destroy(&p->vault_mu);
    }
    pcl_free(p->pool);
    pcl_free(p->w);
    pcl_free(p);
}

/* Workers for c (threads from the options), and the spare context of the main thread. */
static enum pcl_rc
par_new(struct red_ctx *c, enum pcl_format fmt)
{
    struct red_par *p = pcl_calloc(1, sizeof(*p));
    void **args = NULL;
    struct pcl_err err = {0};
    enum pcl_rc rc = PCL_OK;

    if (p == NULL) {
        return pcl_err_set(&c->err, PCL_ENOMEM, "out of memory");
    }
    c->par = p;
    p->nw = c->o->threads;
    p->w = pcl_calloc(p->nw + 1, sizeof(*p->w));
    p->pool = pcl_calloc((size_t)p->nw + 4, sizeof(*p->pool));
    args = pcl_calloc(p->nw, sizeof(*args));
    if (p->w == NULL || p->pool == NULL || args == NULL) {
        pcl_free(args);
        return pcl_err_set(&c->err, PCL_ENOMEM, "out of memory");
    }
    (void)pthread_mutex_init(&p->vault_mu, NULL);
    if (c->vault != NULL) {
        c->vault_mu = &p->vault_mu;
    }
    for (unsigned i = 0; rc == PCL_OK && i <= p->nw; i++) {
        rc = worker_init(c, &p->w[i], fmt, &err);
        p->ninit++;
        if (i < p->nw) {
            args[i] = &p->w[i];
        }
    }
    if (rc == PCL_OK) {
        rc = pcl_pipe_new(p->nw, p->nw + 2, part_run, args, &p->pipe, &err);
    }
    pcl_free(args);
    if (rc != PCL_OK) {
        c->err = err;
    }
    return rc;
}

/* Write a finished job's output and warnings; its error, if it failed (after what it wrote
 * before the error, as with one thread). */
static enum pcl_rc
part_write(struct red_ctx *c, struct red_job *j)
{
    struct red_par *p = c->par;
    size_t skip = 0;
    enum pcl_rc rc;

    if (j->resync) {
        return csv_resync(c, j);
    }
    if (j->fmt == PCL_FMT_TEXT && p->out_end > j->from) {
        /* a finding of the part before ran on into this one: its bytes up to out_end are
         * copied as they were, unless a finding of this part starts there (the two parts'
         * judgements of the boundary disagree; match limits can do that), when the part is
         * redone from out_end */
        if (j->rc == PCL_OK && j->first < p->out_end) {
            j->from = p->out_end;
            job_used(j);
            pcl_buf_reset(&j->out);
            pcl_buf_reset(&j->warn);
            j->nwarn = 0;
            j->limited = false;
            part_run(&p->w[p->nw], j);
        }
        skip = (size_t)PCL_MIN(p->out_end - j->from, (uint64_t)j->out.len);
    }
    for (size_t off = 0; off < j->warn.len; off += strlen(j->warn.ptr + off) + 1) {
        pcl_cli_warn(c->o->cmd, "%s", j->warn.ptr + off);
    }
    c->warnings += j->nwarn;
    if (j->limited) {
        limit_warning(c, &j->limit);
    }
    rc = emit(c, j->out.ptr + skip, j->out.len - skip);
    if (j->fmt == PCL_FMT_TEXT) {
        p->out_end = PCL_MAX(p->out_end, j->out_end);
    }
    if (rc == PCL_OK && j->rc != PCL_OK) {
        c->err = j->err;
        rc = j->rc;
    }
    return rc;
}

/* Hand j to the workers, writing the oldest parts first while the pipeline is full. j is the
 * pipeline's (or, on an error, back in the pool). */
static enum pcl_rc
part_submit(struct red_ctx *c, struct red_job *j)
{
    struct red_par *p = c->par;
    enum pcl_rc rc = PCL_OK;

    while (rc == PCL_OK && pcl_pipe_full(p->pipe)) {
        struct red_job *done = pcl_pipe_take(p->pipe);

        rc = part_write(c, done);
        p->write_failed = rc != PCL_OK;
        job_put(p, done);
    }
    if (rc == PCL_OK && p->serial) {
        /* a CSV part before it did not end at a record start: the main thread reads on */
        rc = csv_feed(c, j->in.ptr != NULL ? j->in.ptr : "", j->in.len);
    }
    if (rc != PCL_OK || p->serial) {
        job_put(p, j);
        return rc;
    }
    pcl_pipe_submit(p->pipe, j);
    return PCL_OK;
}

/* Write the parts still in flight, in order, and return the first error in input order:
 * theirs, else rc (the main thread's, met reading after them; as with one thread, what comes
 * before an error is written). After a part that failed the rest are dropped. */
static enum pcl_rc
part_drain(struct red_ctx *c, enum pcl_rc rc)
{
    struct red_par *p = c->par;
    struct red_job *j;

    if (p->write_failed) {
        atomic_store(&p->stop, true);
    }
    while ((j = pcl_pipe_take(p->pipe)) != NULL) {
        if (!p->write_failed) {
            enum pcl_rc wrc = part_write(c, j);

            if (wrc != PCL_OK) {
                p->write_failed = true;
                atomic_store(&p->stop, true);
                rc = wrc;
            }
        }
        job_put(p, j);
    }
    return rc;
}

/* Append up to PART_BYTES more of the input to b; *got is how many (0 at its end). */
static enum pcl_rc
read_part(struct red_ctx *c, struct pcl_input *in, struct pcl_buf *b, size_t *got)
{
    struct pcl_err err = {0};
    enum pcl_rc rc;

    *got = 0;
    rc = pcl_buf_reserve(b, PART_BYTES);
    while (rc == PCL_OK && *got < PART_BYTES) {
        size_t n = 0;

        rc = pcl_input_read(in, b->ptr + b->len, PART_BYTES - *got, &n, &err);
        if (rc != PCL_OK) {
            c->err = err;
            return rc;
        }
        if (n == 0) {
            break;
        }
        b->len += n;
        b->ptr[b->len] = '\0';
        *got += n;
    }
    if (rc != PCL_OK && c->err.msg[0] == '\0') {
        (void)pcl_err_set(&c->err, rc, "%s: out of memory", c->name);
    }
    return rc;
}

/* Text on several threads: each part is read with the window of bytes before it (kept from
 * the part before) and after it (the first bytes of the next part, read before it is
 * handed on). */
static enum pcl_rc
par_text(struct red_ctx *c, struct pcl_input *in)
{
    struct red_par *p = c->par;
    uint64_t w = pcl_engine_window(c->e);
    struct red_job *j = job_get(p, PCL_FMT_TEXT), *next = NULL;
    size_t body = 0, nbody = 0, last;
    enum pcl_rc rc = j == NULL ? PCL_ENOMEM : PCL_OK;

    if (rc == PCL_OK) {
        rc = read_part(c, in, &j->in, &body);
    }
    while (rc == PCL_OK) {
        size_t keep;

        j->end = j->start + body;
        j->from = j->start;
        next = job_get(p, PCL_FMT_TEXT);
        if (next == NULL) {
            rc = PCL_ENOMEM;
            break;
        }
        keep = (size_t)PCL_MIN(w, j->end - j->lo); /* j->in is [lo, end) so far */
        next->lo = j->end - keep;
        next->start = j->end;
        next->line = j->line + pcl_count_byte(j->in.ptr + (j->start - j->lo), body, '\n', &last);
        rc = pcl_buf_append(&next->in, j->in.ptr + (j->in.len - keep), keep);
        if (rc == PCL_OK) {
            rc = read_part(c, in, &next->in, &nbody);
        }
        if (rc == PCL_OK) {
            rc = pcl_buf_append(&j->in, next->in.ptr + keep, (size_t)PCL_MIN(w, (uint64_t)nbody));
        }
        if (rc != PCL_OK) {
            break;
        }
        rc = part_submit(c, j);
        j = NULL;
        if (rc != PCL_OK || nbody == 0) {
            break;
        }
        j = next;
        next = NULL;
        body = nbody;
    }
    if (rc == PCL_ENOMEM && c->err.msg[0] == '\0') {
        (void)pcl_err_set(&c->err, rc, "%s: out of memory", c->name);
    }
    job_put(p, j);
    job_put(p, next);
    return part_drain(c, rc);
}

/* JSONL on several threads: blocks of whole lines gathered into parts (pcl_lines_fn). */
struct par_lines {
    struct red_ctx *c;
    struct red_job *j;
};

static enum pcl_rc
par_lines_block(void *arg, const char *buf, size_t len, uint64_t line, uint64_t off,
                struct pcl_err *err)
{
    struct par_lines *pl = arg;
    struct red_ctx *c = pl->c;
    enum pcl_rc rc;

    (void)err; /* errors go to c->err, as in jsonl_block() */
    if (pl->j == NULL) {
        pl->j = job_get(c->par, PCL_FMT_JSONL);
        if (pl->j == NULL) {
            return pcl_err_set(&c->err, PCL_ENOMEM, "%s: out of memory", c->name);
        }
        pl->j->line = line - 1;
        pl->j->lo = off;
    }
    rc = pcl_buf_append(&pl->j->in, buf, len);
    if (rc != PCL_OK) {
        return pcl_err_set(&c->err, rc, "%s: out of memory", c->name);
    }
    if (pl->j->in.len >= PART_BYTES) {
        rc = part_submit(c, pl->j);
        pl->j = NULL;
    }
    return rc;
}

static enum pcl_rc
par_jsonl(struct red_ctx *c, struct pcl_input *in)
{
    struct par_lines pl = {.c = c};
    struct pcl_err err = {0};
    enum pcl_rc rc;

    rc = pcl_input_lines(in, READ_CHUNK, MAX_JSONL_LINE, par_lines_block, &pl, &err);
    if (rc != PCL_OK && err.rc != PCL_OK) {
        c->err = err; /* the reader's; a block's own error is in c->err already */
    }
    /* the lines read before the end, or before a line the reader refused (too long), are
     * redacted and written as with one thread, the error after them */
    if ((rc == PCL_OK || err.rc != PCL_OK) && pl.j != NULL && !c->par->write_failed) {
        enum pcl_rc src = part_submit(c, pl.j);

        rc = src != PCL_OK ? src : rc;
        pl.j = NULL;
    }
    job_put(c->par, pl.j);
    return part_drain(c, rc);
}

/* CSV on several threads: parts of whole records, cut where pcl_csv_cut_find() says a record
 * starts. A part that turns out not to end at a record start hands the rest of the input to
 * the main thread, which reads it on alone from that part's start (csv_resync()): parts
 * before it were read exactly, and the reader's warnings name where the quoting broke. */

static void
hdr_free(struct red_ctx *c)
{
    for (size_t i = 0; i < c->nhdr; i++) {
        pcl_free(c->hdr[i]);
    }
    pcl_free(c->hdr);
    c->hdr = NULL;
    c->nhdr = 0;
}

/* The header's names (pcl_csv_cell_fn): row 0's cells, then stop at row 1. */
static enum pcl_rc
header_cell(void *arg, const struct pcl_csv_cell *cell, struct pcl_err *err)
{
    struct red_ctx *c = arg;

    if (cell->row > 0) {
        c->hdr_given = true;
        return PCL_ENOTFOUND; /* stops the reader: the header is complete */
    }
    return field_header_add(&c->hdr, &c->nhdr, cell->ptr, cell->len, err);
}

/* Give every worker that lacks them a copy of the header's names (when the first line names
 * the columns); from here on no reader adds them again. False when out of memory. */
static bool
csv_header_copy(struct red_ctx *c)
{
    struct red_par *p = c->par;
    struct pcl_err err = {0};

    if (!c->csv_header) {
        return true;
    }
    c->hdr_given = true;
    for (unsigned i = 0; i < p->ninit; i++) {
        struct red_ctx *w = &p->w[i].c;

        for (size_t k = 0; !w->hdr_given && k < c->nhdr; k++) {
            if (field_header_add(&w->hdr, &w->nhdr, c->hdr[k], strlen(c->hdr[k]), &err) != PCL_OK) {
                return false;
            }
        }
        w->hdr_given = true;
    }
    return true;
}

/* Read the header's names from the first part, buf[0..len), into c and give every worker a
 * copy; false when the header does not end inside the part (the main thread then reads
 * alone). */
static bool
csv_header_names(struct red_ctx *c, const char *buf, size_t len, bool last)
{
    struct pcl_csv_opts co = {.delim = c->delim, .name = c->name, .on_cell = header_cell, .arg = c};
    struct pcl_csv *csv = NULL;
    struct pcl_err err = {0};
    enum pcl_rc rc;

    if (!c->csv_header) {
        return true; /* columns are #1, #2, ... */
    }
    rc = pcl_csv_new(&co, &csv, &err);
    for (size_t off = 0, n; rc == PCL_OK && off < len; off += n) {
        n = PCL_MIN((size_t)PCL_INPUT_PEEK_MAX, len - off);
        rc = pcl_csv_feed(csv, buf + off, n, &err);
    }
    if (rc == PCL_OK && last) {
        rc = pcl_csv_finish(csv, &err);
        c->hdr_given = rc == PCL_OK;
    }
    pcl_csv_free(csv);
    if (!c->hdr_given) {
        hdr_free(c); /* the reader that reads on alone names the columns itself */
        return false;
    }
    return csv_header_copy(c);
}

/* From here on the main thread reads alone: from part j's start, the bytes of j and of every
 * part still in flight (their output is dropped), then the rest of the input. */
static enum pcl_rc
csv_resync(struct red_ctx *c, struct red_job *j)
{
    struct red_par *p = c->par;
    struct red_job *k;
    enum pcl_rc rc;

    p->serial = true;
    atomic_store(&p->stop, true);
    rc = csv_open(c, j->start, j->line, j->start == 0 ? 0 : 1);
    if (rc == PCL_OK) {
        rc = csv_feed(c, j->in.ptr != NULL ? j->in.ptr : "", j->in.len);
    }
    while ((k = pcl_pipe_take(p->pipe)) != NULL) {
        if (rc == PCL_OK) {
            rc = csv_feed(c, k->in.ptr != NULL ? k->in.ptr : "", k->in.len);
        }
        job_put(p, k);
    }
    return rc;
}

/* Read j->in on to a cut: at least PART_BYTES (but half of it may be the next part's), or
 * to the end of the input (j->last). t stands at the part's start; *cut is where the part
 * ends in j->in, and t stands there; 0 when MAX_CSV_PART bytes hold none (a quote left
 * open by broken quoting hides every newline after it: the main thread reads on alone). */
static enum pcl_rc
csv_read_part(struct red_ctx *c, struct pcl_input *in, struct red_job *j, struct pcl_csv_cutter *t,
              size_t *cut)
{
    size_t counted = 0;

    *cut = 0;
    while (j->in.len < MAX_CSV_PART) {
        size_t got = 0, half, at;
        enum pcl_rc rc = read_part(c, in, &j->in, &got);

        if (rc != PCL_OK) {
            return rc;
        }
        if (got < PART_BYTES) {
            j->last = true; /* read_part() reads short only at the end of the input */
            *cut = j->in.len;
            return PCL_OK;
        }
        half = PCL_MAX(counted, j->in.len / 2);
        pcl_csv_cut_count(t, j->in.ptr + counted, half - counted);
        at = half + pcl_csv_cut_find(t, j->in.ptr + half, j->in.len - half);
        if (at < j->in.len) {
            *cut = at + 1;
            pcl_csv_cut_count(t, j->in.ptr + half, *cut - half);
            return PCL_OK;
        }
        pcl_csv_cut_count(t, j->in.ptr + half, j->in.len - half); /* no cut yet: read more */
        counted = j->in.len;
    }
    return PCL_OK;
}

/* No cut in sight (csv_read_part()): write the parts in flight, then the main thread reads on
 * alone from j's start (or, when one of those parts already made it do so, it stands there
 * already, after them). */
static enum pcl_rc
csv_no_cut(struct red_ctx *c, struct red_job *j)
{
    struct red_par *p = c->par;
    struct red_job *k;
    enum pcl_rc rc = PCL_OK;

    while (rc == PCL_OK && !p->serial && (k = pcl_pipe_take(p->pipe)) != NULL) {
        rc = part_write(c, k);
        p->write_failed = rc != PCL_OK;
        job_put(p, k);
    }
    /* j's bytes are left for csv_serial(), which feeds them a step at a time */
    if (rc == PCL_OK && !p->serial) {
        p->serial = true;
        rc = csv_open(c, j->start, j->line, j->start == 0 ? 0 : 1);
    }
    return rc;
}

/* The main thread reads alone (p->serial): feed what j holds and more of the input, a step of
 * about CSV_STEP bytes to a newline at a time, until its reader stands at a record start;
 * then that is where parts start again (*start, with t counted up to it), and j keeps the
 * bytes after it. *eof when the input ended first. */
static enum pcl_rc
csv_serial(struct red_ctx *c, struct pcl_input *in, struct red_job *j, struct pcl_csv_cutter *t,
           uint64_t *start, bool *eof)
{
    struct red_par *p = c->par;
    enum pcl_rc rc = PCL_OK;
    size_t o = 0; /* j->in[0..o) is fed */

    while (rc == PCL_OK) {
        const char *nl;
        size_t got = 0, k;

        if (o == j->in.len) {
            job_used(j);
            pcl_buf_reset(&j->in);
            o = 0;
            rc = read_part(c, in, &j->in, &got);
            if (rc != PCL_OK || got == 0) {
                *eof = rc == PCL_OK;
                return rc;
            }
        }
        k = PCL_MIN(j->in.len, o + CSV_STEP);
        nl = memchr(j->in.ptr + k - 1, '\n', j->in.len - (k - 1));
        k = nl != NULL ? (size_t)(nl - j->in.ptr) + 1 : j->in.len;
        rc = csv_feed(c, j->in.ptr + o, k - o);
        o = k;
        if (rc == PCL_OK && nl != NULL && pcl_csv_at_record_start(c->csv)) {
            *t = pcl_csv_cutter_at(c->delim, pcl_csv_line(c->csv) - 1);
            *start = c->pend_off + c->pend.len;
            rc = csv_close(c, false);
            if (rc == PCL_OK && !csv_header_copy(c)) {
                rc = pcl_err_set(&c->err, PCL_ENOMEM, "%s: out of memory", c->name);
            }
            p->serial = false;
            atomic_store(&p->stop, false);
            job_used(j);
            pcl_buf_consume(&j->in, o);
            return rc;
        }
    }
    return rc;
}

static enum pcl_rc
par_csv(struct red_ctx *c, struct pcl_input *in)
{
    struct red_par *p = c->par;
    struct pcl_csv_cutter t = {.delim = c->delim};
    struct red_job *j = job_get(p, PCL_FMT_CSV), *next = NULL;
    uint64_t start = 0;
    bool done = false;
    enum pcl_rc rc = j == NULL ? PCL_ENOMEM : PCL_OK;

    while (rc == PCL_OK && !done) {
        struct pcl_csv_cutter t0;
        size_t cut = 0;

        if (p->serial) {
            /* broken quoting: one reader until a record start, then parts again */
            rc = csv_serial(c, in, j, &t, &start, &done);
            continue;
        }
        j->start = start;
        j->line = t.lines;
        j->last = false;
        t0 = t;
        rc = csv_read_part(c, in, j, &t, &cut);
        if (rc != PCL_OK) {
            break;
        }
        if (t.broken && start > 0 && !j->last) {
            /* the part can still end at the last cut before the broken quote; one reader
             * takes it from there */
            struct pcl_csv_cutter u = t0;

            cut = pcl_csv_cut_last_good(&u, j->in.ptr, j->in.len);
            if (cut > 0) {
                t = u;
                t.broken = true; /* (the reader goes on alone from the cut) */
            }
        }
        if ((cut == 0 || t.broken) && !j->last && (cut == 0 || start == 0)) {
            /* no cut, or one that broken quoting may have put inside a quoted cell */
            rc = csv_no_cut(c, j);
            continue;
        }
        if (start == 0 && !csv_header_names(c, j->in.ptr, cut, j->last)) {
            rc = csv_no_cut(c, j); /* a header longer than a part: read alone */
            continue;
        }
        next = job_get(p, PCL_FMT_CSV);
        if (next == NULL) {
            rc = PCL_ENOMEM;
            break;
        }
        /* what follows the cut is the next part's */
        rc = pcl_buf_append(&next->in, j->in.ptr + cut, j->in.len - cut);
        if (rc != PCL_OK) {
            break;
        }
        job_used(j);
        j->in.len = cut;
        if (j->in.ptr != NULL) {
            j->in.ptr[cut] = '\0';
        }
        j->end = start + cut;
        start = j->end;
        done = j->last;
        rc = part_submit(c, j); /* (when the main thread reads alone by now, it fed j) */
        j = next;
        next = NULL;
        if (rc == PCL_OK && t.broken && !done) {
            j->start = start;
            j->line = t.lines;
            rc = csv_no_cut(c, j);
        }
    }
    if (rc == PCL_ENOMEM && c->err.msg[0] == '\0') {
        (void)pcl_err_set(&c->err, rc, "%s: out of memory", c->name);
    }
    job_put(p, j);
    job_put(p, next);
    rc = part_drain(c, rc);
    if (rc == PCL_OK && c->csv != NULL) {
        rc = csv_close(c, true); /* the main thread read on alone to the end */
    }
    return rc;
}

/* Redact text, JSONL, CSV or TSV on several threads; false when this input stays on one. */
static bool
run_parallel(struct red_ctx *c, enum pcl_format fmt, enum pcl_rc *rc)
{
    /* unredact without fpe only looks up vault tokens, one at a time under the vault's lock:
     * threads would only take turns (0.54 s on one thread, 0.80 s on two in bench/redact.sh) */
    if (c->o->threads < 2 || fmt == PCL_FMT_JSON || (c->o->unredact && !ops_need(c->o, is_fpe))) {
        return false;
    }
    if (fmt == PCL_FMT_CSV || fmt == PCL_FMT_TSV) {
        *rc = csv_sniff(c, c->in, fmt == PCL_FMT_TSV ? '\t' : ',');
        if (*rc == PCL_OK) {
            *rc = par_new(c, PCL_FMT_CSV);
        }
        if (*rc == PCL_OK) {
            *rc = par_csv(c, c->in);
        }
        return true;
    }
    *rc = par_new(c, fmt == PCL_FMT_JSONL ? PCL_FMT_JSONL : PCL_FMT_TEXT);
    if (*rc == PCL_OK) {
        *rc = fmt == PCL_FMT_JSONL ? par_jsonl(c, c->in) : par_text(c, c->in);
    }
    return true;
}

/* ---- options and setup ---------------------------------------------------------------- */

enum {
    OPT_OPERATOR = 256,
    OPT_OP,
    OPT_KEEP,
    OPT_MASK_CHAR,
    OPT_FALLBACK,
    OPT_KEY_FILE,
    OPT_KEY_ENV,
    OPT_VAULT,
    OPT_INPUT_FORMAT,
    OPT_TYPES,
    OPT_MIN_SCORE,
    OPT_STATS,
    OPT_NO_CACHE,
};

static const struct option long_opts[] = {
    {"operator", required_argument, NULL, OPT_OPERATOR},
    {"op", required_argument, NULL, OPT_OP},
    {"keep", required_argument, NULL, OPT_KEEP},
    {"mask-char", required_argument, NULL, OPT_MASK_CHAR},
    {"fpe-fallback", required_argument, NULL, OPT_FALLBACK},
    {"key-file", required_argument, NULL, OPT_KEY_FILE},
    {"key-env", required_argument, NULL, OPT_KEY_ENV},
    {"vault", required_argument, NULL, OPT_VAULT},
    {"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
    {"types", required_argument, NULL, OPT_TYPES},
    {"min-score", required_argument, NULL, OPT_MIN_SCORE},
    {"config", required_argument, NULL, 'c'},
    {"output", required_argument, NULL, 'o'},
    {"stats", no_argument, NULL, OPT_STATS},
    {"threads", required_argument, NULL, 'j'},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define OPT_NOT_MINE (-2)

static bool
parse_fallback(const char *s, enum pcl_fpe_fallback *fb)
{
    if (strcmp(s, "vault") == 0) {
        *fb = PCL_FPE_FALLBACK_VAULT;
    } else if (strcmp(s, "tag") == 0) {
        *fb = PCL_FPE_FALLBACK_TAG;
    } else if (strcmp(s, "error") == 0) {
        *fb = PCL_FPE_FALLBACK_ERROR;
    } else {
        return false;
    }
    return true;
}

static bool
parse_score(const char *s, double *out)
{
    char *end = NULL;

    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && end != s && *end == '\0' && *out >= 0.0 && *out <= 1.0;
}

/* Operator options: -1 when applied, OPT_NOT_MINE, else an exit code. */
static int
opt_operator(struct red_opts *o, int ch, const char *arg)
{
    long v = 0;

    switch (ch) {
    case OPT_OPERATOR:
        if (parse_op(arg, &o->default_op)) {
            return -1;
        }
        pcl_cli_error(o->cmd,
                      "--operator: unknown operator \"%s\" (keep, mask, tag, hash, fpe, "
                      "vault)",
                      arg);
        return PCL_EXIT_USAGE;
    case OPT_OP:
        if (add_rule(o, arg)) {
            return -1;
        }
        pcl_cli_error(o->cmd,
                      "--op: expected TYPE=OP or CATEGORY=OP with OP one of keep, mask, "
                      "tag, hash, fpe, vault; got \"%s\"",
                      arg);
        return PCL_EXIT_USAGE;
    case OPT_KEEP:
        if (!parse_int(arg, 0, 64, &v)) {
            pcl_cli_error(o->cmd, "--keep: expected 0..64, got \"%s\"", arg);
            return PCL_EXIT_USAGE;
        }
        o->keep = v == 0 ? -1 : (int)v;
        return -1;
    case OPT_MASK_CHAR:
        if (strlen(arg) != 1 || arg[0] < 0x21 || arg[0] > 0x7e || pcl_is_alnum(arg[0])) {
            pcl_cli_error(o->cmd, "--mask-char: expected one ASCII punctuation character");
            return PCL_EXIT_USAGE;
        }
        o->mask_char = arg[0];
        return -1;
    case OPT_FALLBACK:
        if (parse_fallback(arg, &o->fallback)) {
            return -1;
        }
        pcl_cli_error(o->cmd, "--fpe-fallback: expected vault, tag or error");
        return PCL_EXIT_USAGE;
    default:
        return OPT_NOT_MINE;
    }
}

/* Detection and input options: -1 when applied, OPT_NOT_MINE, else an exit code. */
static int
opt_detect(struct red_opts *o, int ch, const char *arg)
{
    struct pcl_err err = {0};

    switch (ch) {
    case OPT_INPUT_FORMAT:
        if (pcl_format_parse(arg, &o->format, &err) != PCL_OK || o->format == PCL_FMT_BINARY) {
            pcl_cli_error(o->cmd, "--input-format: expected text, csv, tsv, json or jsonl");
            return PCL_EXIT_USAGE;
        }
        o->have_format = true;
        return -1;
    case OPT_TYPES:
        o->types = arg;
        return -1;
    case OPT_MIN_SCORE:
        if (parse_score(arg, &o->min_score)) {
            return -1;
        }
        pcl_cli_error(o->cmd, "--min-score: expected a number in [0, 1], got \"%s\"", arg);
        return PCL_EXIT_USAGE;
    case 'c':
        o->config = arg;
        return -1;
    case OPT_NO_CACHE:
        o->no_cache = true;
        return -1;
    default:
        return OPT_NOT_MINE;
    }
}

/* Key, vault and output options: -1 when applied, else an exit code. */
static int
opt_other(struct red_opts *o, int ch, const char *arg)
{
    switch (ch) {
    case OPT_KEY_FILE:
        o->key_file = arg;
        return -1;
    case OPT_KEY_ENV:
        o->key_env = arg;
        return -1;
    case OPT_VAULT:
        o->vault_path = arg;
        return -1;
    case 'o':
        o->output = arg;
        return -1;
    case OPT_STATS:
        o->stats = true;
        return -1;
    case 'j': {
        long v = 0;

        if (!parse_int(arg, 1, 256, &v)) {
            pcl_cli_error(o->cmd, "--threads: expected 1..256, got \"%s\"", arg);
            return PCL_EXIT_USAGE;
        }
        o->threads = (unsigned)v;
        return -1;
    }
    case 'h':
        usage(stdout, o->unredact);
        return PCL_EXIT_OK;
    default:
        usage(stderr, o->unredact);
        return PCL_EXIT_USAGE;
    }
}

/* Returns -1 to go on, else an exit code. */
static int
parse_args(struct red_opts *o, int argc, char **argv)
{
    int ch;

    optind = 1;
    for (;;) {
        int r;

        ch =
            getopt_long(argc, argv, "c:o:hj:", long_opts, NULL); /* NOLINT(concurrency-mt-unsafe) */
        if (ch == -1) {
            break;
        }
        r = opt_operator(o, ch, optarg);
        if (r == OPT_NOT_MINE) {
            r = opt_detect(o, ch, optarg);
        }
        if (r == OPT_NOT_MINE) {
            r = opt_other(o, ch, optarg);
        }
        if (r >= 0) {
            return r;
        }
    }
    if (argc - optind > 1) {
        pcl_cli_error(o->cmd, "one input at a time (got %d)", argc - optind);
        return PCL_EXIT_USAGE;
    }
    o->input = optind < argc ? argv[optind] : "-";
    if (o->key_file != NULL && o->key_env != NULL) {
        pcl_cli_error(o->cmd, "give --key-file or --key-env, not both");
        return PCL_EXIT_USAGE;
    }
    return -1;
}

/* Split "A,B" into a NULL-terminated array of heap strings. */
static char **
split_list(const char *csv)
{
    size_t n = 1;
    size_t k = 0;
    char **list;
    const char *p = csv;

    for (const char *q = csv; *q != '\0'; q++) {
        n += *q == ',' ? 1u : 0u;
    }
    list = pcl_calloc(n + 1, sizeof(*list));
    if (list == NULL) {
        return NULL;
    }
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

        if (len > 0) {
            list[k] = pcl_strndup(p, len);
            if (list[k] == NULL) {
                break;
            }
            k++;
        }
        p += len + (comma != NULL ? 1 : 0);
    }
    return list;
}

static void
list_free(char **list)
{
    if (list == NULL) {
        return;
    }
    for (size_t i = 0; list[i] != NULL; i++) {
        pcl_free(list[i]);
    }
    pcl_free(list);
}

/* The first operator asked for that needs a key (for messages); vault when only --vault. */
static enum pcl_op
first_keyed(const struct red_opts *o)
{
    if (pcl_op_needs_key(o->default_op)) {
        return o->default_op;
    }
    for (size_t i = 0; i < o->nrules; i++) {
        if (pcl_op_needs_key(o->rules[i].op)) {
            return o->rules[i].op;
        }
    }
    return PCL_OP_VAULT;
}

static int
load_key(const struct red_opts *o, bool needed, struct pcl_protect_key **key)
{
    struct pcl_err err = {0};
    enum pcl_rc rc;

    if (o->key_file != NULL) {
        rc = pcl_protect_key_load_file(o->key_file, key, &err);
    } else {
        rc = pcl_protect_key_load_env(o->key_env, key, &err);
        if (rc == PCL_ENOTFOUND && !needed && o->key_env == NULL) {
            return -1; /* no key and none needed */
        }
    }
    if (rc == PCL_ENOTFOUND && o->key_file == NULL) {
        pcl_cli_error(o->cmd,
                      "%s%s needs a key: pass --key-file FILE or set %s (there is no default "
                      "key; create one with: openssl rand -hex 32)",
                      o->unredact ? "unredact" : "operator ",
                      o->unredact ? "" : pcl_op_name(first_keyed(o)),
                      o->key_env != NULL ? o->key_env : PCL_PROTECT_KEY_ENV);
        return PCL_EXIT_USAGE;
    }
    if (rc != PCL_OK) {
        pcl_cli_error(o->cmd, "%s", err.msg);
        return rc == PCL_ENOMEM ? PCL_EXIT_ERROR : PCL_EXIT_USAGE;
    }
    return -1;
}

/* The redactor's counters, and its workers' when there were any. */
static void
run_stats(const struct red_ctx *c, struct pcl_redact_stats *st)
{
    pcl_redactor_stats(c->r, st);
    for (unsigned i = 0; c->par != NULL && i < c->par->ninit; i++) {
        struct pcl_redact_stats w;

        if (c->par->w[i].c.r == NULL) {
            continue;
        }
        pcl_redactor_stats(c->par->w[i].c.r, &w);
        for (int op = 0; op < PCL_OP_COUNT; op++) {
            st->by_op[op] += w.by_op[op];
        }
        st->fpe_fallbacks += w.fpe_fallbacks;
        st->restored_fpe += w.restored_fpe;
        st->restored_vault += w.restored_vault;
        st->unknown_tokens += w.unknown_tokens;
    }
}

static void
print_stats(const struct red_ctx *c)
{
    struct pcl_redact_stats st;

    run_stats(c, &st);
    if (c->o->unredact) {
        (void)fprintf(stderr,
                      "portcullis: unredact: restored %llu vault tokens and %llu fpe values; "
                      "%llu tokens unresolved\n",
                      (unsigned long long)st.restored_vault, (unsigned long long)st.restored_fpe,
                      (unsigned long long)st.unknown_tokens);
        return;
    }
    (void)fprintf(stderr, "portcullis: redact:");
    for (int op = PCL_OP_KEEP; op < PCL_OP_COUNT; op++) {
        (void)fprintf(stderr, " %s %llu", pcl_op_name((enum pcl_op)op),
                      (unsigned long long)st.by_op[op]);
    }
    (void)fprintf(stderr, "; fpe fallbacks %llu\n", (unsigned long long)st.fpe_fallbacks);
}

/* A redactor with the run's operator options, key and vault (c's). */
static enum pcl_rc
redactor_new(const struct red_ctx *c, struct pcl_redactor **r, struct pcl_err *err)
{
    const struct red_opts *o = c->o;
    struct pcl_redact_opts ro = {0};

    ro.default_op = o->default_op;
    ro.rules = o->rules;
    ro.nrules = o->nrules;
    ro.keep = o->keep;
    ro.mask_char = o->mask_char;
    ro.fpe_fallback = o->fallback;
    ro.key = c->key;
    ro.vault = c->vault;
    return pcl_redactor_new(&ro, r, err);
}

/* Key, vault and redactor; -1 to go on, else an exit code. Done before the engine so a
 * usage error does not wait for detectors to compile. */
static int
setup_protect(struct red_ctx *c)
{
    const struct red_opts *o = c->o;
    struct pcl_err err = {0};
    bool need_vault = ops_need(o, is_vault) || o->fallback == PCL_FPE_FALLBACK_VAULT;
    bool need_key = ops_need(o, pcl_op_needs_key) || o->unredact || o->vault_path != NULL;
    enum pcl_rc rc;
    int ex;

    if (o->unredact && o->vault_path == NULL && !ops_need(o, is_fpe)) {
        pcl_cli_error(o->cmd, "nothing to reverse: pass --vault PATH for vault tokens and/or "
                              "the fpe operators redact used (--operator fpe, --op TYPE=fpe)");
        return PCL_EXIT_USAGE;
    }
    if (need_vault && o->vault_path == NULL) {
        pcl_cli_error(o->cmd, "the vault operator needs --vault PATH");
        return PCL_EXIT_USAGE;
    }
    ex = load_key(o, need_key, &c->key);
    if (ex >= 0) {
        return ex;
    }
    if (o->vault_path != NULL) {
        rc = pcl_vault_open(o->vault_path, c->key, &c->vault, &err);
        /* one transaction per OUT_HOLD bytes of output instead of one per token (unredact:
         * one read transaction); output is held until the tokens in it are committed */
        if (rc == PCL_OK) {
            rc = pcl_vault_batch(c->vault, true, &err);
        }
        if (rc != PCL_OK) {
            pcl_cli_error(o->cmd, "%s", err.msg);
            return rc == PCL_EINVAL ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
        }
        c->hold = true;
    }
    rc = redactor_new(c, &c->r, &err);
    if (rc != PCL_OK) {
        pcl_cli_error(o->cmd, "%s", err.msg);
        return rc == PCL_ENOMEM ? PCL_EXIT_ERROR : PCL_EXIT_USAGE;
    }
    return -1;
}

/* Engine and scratch: the config file first, flags override. */
static int
setup_engine(struct red_ctx *c)
{
    const struct red_opts *o = c->o;
    struct pcl_engine_opts eo = {0};
    struct pcl_err err = {0};
    enum pcl_rc rc;

    if (o->config != NULL) {
        rc = pcl_engine_opts_load(o->config, &c->cfg, &err);
        if (rc != PCL_OK) {
            pcl_cli_error(o->cmd, "%s", err.msg);
            return PCL_EXIT_USAGE;
        }
        eo = *c->cfg;
    }
    if (o->types != NULL) {
        c->types = split_list(o->types);
        if (c->types == NULL) {
            pcl_cli_error(o->cmd, "out of memory");
            return PCL_EXIT_ERROR;
        }
        eo.enable = (const char *const *)c->types;
        eo.only_enabled = true;
    }
    if (o->min_score > 0) {
        eo.min_score = o->min_score;
    }
    eo.cache_dir = o->no_cache ? NULL : pcl_cli_cache_dir();
    rc = pcl_engine_new(&eo, &c->e, &err);
    if (rc == PCL_OK) {
        rc = pcl_scratch_new(c->e, &c->s, &err);
    }
    if (rc != PCL_OK) {
        pcl_cli_error(o->cmd, "%s", err.msg);
        return rc == PCL_EINVAL ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
    }
    return -1;
}

/* Input (and its format) and output. */
static int
open_io(struct red_ctx *c, enum pcl_format *fmt)
{
    const struct red_opts *o = c->o;
    const char *head = NULL;
    size_t headlen = 0;
    struct pcl_err err = {0};

    if (pcl_input_open(o->input, &c->in, &err) != PCL_OK) {
        pcl_cli_error(o->cmd, "%s", err.msg);
        return PCL_EXIT_USAGE;
    }
    c->name = pcl_input_name(c->in);
    *fmt = o->format;
    if (!o->have_format) {
        if (pcl_input_peek(c->in, &head, &headlen, &err) != PCL_OK) {
            pcl_cli_error(o->cmd, "%s", err.msg);
            return PCL_EXIT_ERROR;
        }
        *fmt = pcl_format_sniff(strcmp(o->input, "-") == 0 ? NULL : o->input, head, headlen);
        if (*fmt == PCL_FMT_BINARY) {
            pcl_cli_error(o->cmd, "%s: looks binary (NUL bytes); pass --input-format text to force",
                          c->name);
            return PCL_EXIT_USAGE;
        }
    }
    /* gzip input is inflated on a thread of its own, ahead of the redaction */
    if (pcl_input_readahead(c->in, &err) != PCL_OK) {
        pcl_cli_error(o->cmd, "%s", err.msg);
        return PCL_EXIT_ERROR;
    }
    c->out = stdout;
    if (o->output != NULL && strcmp(o->output, "-") != 0) {
        c->out = fopen(o->output, "wb");
        if (c->out == NULL) {
            pcl_cli_error(o->cmd, "%s: %s", o->output, strerror(errno)); /* NOLINT */
            return PCL_EXIT_USAGE;
        }
        c->wrote_file = true;
    }
    return -1;
}

static enum pcl_rc
dispatch(struct red_ctx *c, enum pcl_format fmt)
{
    enum pcl_rc rc = PCL_OK;

    if (!run_parallel(c, fmt, &rc)) {
        switch (fmt) {
        case PCL_FMT_CSV:
        case PCL_FMT_TSV:
            rc = csv_sniff(c, c->in, fmt == PCL_FMT_TSV ? '\t' : ',');
            if (rc == PCL_OK) {
                rc = run_csv(c, c->in);
            }
            break;
        case PCL_FMT_JSON:
            rc = run_json(c, c->in, false);
            break;
        case PCL_FMT_JSONL:
            rc = run_json(c, c->in, true);
            break;
        case PCL_FMT_TEXT:
        case PCL_FMT_BINARY:
        default:
            rc = run_text(c, c->in);
            break;
        }
    }
    if (rc == PCL_OK && c->rc != PCL_OK) {
        rc = c->rc;
    }
    /* what was written before an error is written, as without a vault */
    if (c->hold) {
        enum pcl_rc orc = out_release(c);

        rc = rc == PCL_OK ? orc : rc;
    }
    if (rc == PCL_OK && fflush(c->out) != 0) {
        rc = pcl_err_set(&c->err, PCL_EIO, "write error on the output");
    }
    return rc;
}

/* Exit code after processing: errors, then unresolved tokens and input warnings. */
static int
finish(struct red_ctx *c, enum pcl_rc rc)
{
    const struct red_opts *o = c->o;
    struct pcl_redact_stats st;
    int ex = PCL_EXIT_OK;

    if (rc != PCL_OK) {
        const char *hint = "";

        if (!o->unredact && strstr(c->err.msg, "fpe:") != NULL) {
            hint = " (pass --vault PATH or --fpe-fallback tag to handle such values)";
        }
        pcl_cli_error(o->cmd, "%s%s", c->err.msg[0] != '\0' ? c->err.msg : pcl_rc_str(rc), hint);
        return rc == PCL_EINVAL && hint[0] != '\0' ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
    }
    if (o->stats) {
        print_stats(c);
    }
    run_stats(c, &st);
    if (o->unredact && st.unknown_tokens > 0) {
        pcl_cli_warn(o->cmd, "%llu vault tokens were left as they were (%s)",
                     (unsigned long long)st.unknown_tokens,
                     c->vault != NULL ? "not in this vault" : "no --vault given");
        ex = PCL_EXIT_PARTIAL;
    }
    return c->warnings > 0 ? PCL_EXIT_PARTIAL : ex;
}

static int
close_out(struct red_ctx *c, int ex)
{
    if (c->out == NULL || c->out == stdout) {
        return ex;
    }
    if (fclose(c->out) != 0 && ex == PCL_EXIT_OK) {
        pcl_cli_error(c->o->cmd, "%s: write error", c->o->output);
        ex = PCL_EXIT_ERROR;
    }
    c->out = NULL;
    if (ex != PCL_EXIT_OK && ex != PCL_EXIT_PARTIAL && c->wrote_file) {
        (void)unlink(c->o->output); /* do not leave half-redacted output behind */
    }
    return ex;
}

static void
ctx_init(struct red_ctx *c, const struct red_opts *o)
{
    memset(c, 0, sizeof(*c));
    c->o = o;
    pcl_buf_init(&c->val, 0);
    pcl_buf_init(&c->pend, 0);
    pcl_buf_init(&c->repls, 0);
    pcl_buf_init(&c->ctxbuf, 0);
    pcl_buf_init(&c->labels, 0);
    field_batch_init(&c->batch);
    pcl_buf_init(&c->held, 0);
    c->keep_hi = UINT64_MAX;
    c->first = UINT64_MAX;
}

static void
ctx_fini(struct red_ctx *c)
{
    par_free(c->par);
    pcl_csv_free(c->csv);
    pcl_input_free(c->in);
    pcl_scratch_free(c->s);
    pcl_engine_free(c->e);
    pcl_engine_opts_free(c->cfg);
    list_free(c->types);
    pcl_redactor_free(c->r);
    pcl_vault_close(c->vault);
    pcl_protect_key_free(c->key);
    pcl_free(c->f);
    pcl_free(c->fseg);
    field_batch_fini(&c->batch);
    pcl_free(c->bp);
    pcl_buf_fini_secure(&c->labels);
    pcl_free(c->edits);
    pcl_free(c->bad);
    pcl_free(c->repl_off);
    pcl_buf_fini_secure(&c->val);
    pcl_buf_fini_secure(&c->pend);
    pcl_buf_fini_secure(&c->repls);
    pcl_buf_fini_secure(&c->ctxbuf);
    pcl_buf_fini_secure(&c->held);
    hdr_free(c);
}

/* An --op rule naming a type no detector reports would silently never apply. */
static int
check_rules(const struct red_ctx *c)
{
    const struct red_opts *o = c->o;

    for (size_t i = 0; i < o->nrules; i++) {
        const char *type = o->rules[i].type;
        char hint[PCL_TYPE_HINT_MAX];

        if (type != NULL && pcl_detect_type_unknown(c->e, type, hint, sizeof(hint))) {
            pcl_cli_error(o->cmd,
                          "--op: unknown entity type or category \"%s\"%s (`portcullis "
                          "detectors` lists them)",
                          type, hint);
            return PCL_EXIT_USAGE;
        }
    }
    return -1;
}

static int
run(struct red_opts *o)
{
    struct red_ctx c;
    enum pcl_format fmt = PCL_FMT_TEXT;
    int ex;

    ctx_init(&c, o);
    ex = setup_protect(&c);
    if (ex < 0) {
        ex = setup_engine(&c);
    }
    if (ex < 0) {
        ex = check_rules(&c);
    }
    if (ex < 0) {
        ex = open_io(&c, &fmt);
    }
    if (ex < 0) {
        ex = finish(&c, dispatch(&c, fmt));
    }
    ex = close_out(&c, ex);
    ctx_fini(&c);
    return ex;
}

static int
cmd_main(int argc, char **argv, bool unredact)
{
    struct red_opts *o;
    long ncpu;
    int ex;

    o = pcl_calloc(1, sizeof(*o));
    if (o == NULL) {
        pcl_cli_error(unredact ? "unredact" : "redact", "out of memory");
        return PCL_EXIT_ERROR;
    }
    o->unredact = unredact;
    o->cmd = unredact ? "unredact" : "redact";
    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    /* one main thread reads and writes for all of them: past about eight it is the limit,
     * and each thread in flight holds about 16 MiB */
    o->threads = ncpu > 0 ? (unsigned)PCL_MIN(ncpu, 8L) : 1;
    ex = parse_args(o, argc, argv);
    if (ex < 0) {
        ex = run(o);
    }
    pcl_free(o);
    return ex;
}

int
pcl_cmd_redact(int argc, char **argv)
{
    return cmd_main(argc, argv, false);
}

int
pcl_cmd_unredact(int argc, char **argv)
{
    return cmd_main(argc, argv, true);
}
