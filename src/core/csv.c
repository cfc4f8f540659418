/* SPDX-License-Identifier: Apache-2.0 */
/* Incremental RFC 4180 CSV/TSV reader that reports decoded cells with raw offset maps and
 * recovers from broken quoting with warnings instead of losing data. */
#include "common.h"

#include <portcullis/formats.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define CSV_DEFAULT_CELL ((size_t)1 << 20)
#define CSV_DEFAULT_COLS 16384u

enum csv_state {
    CSV_FIELD_START, /* nothing of the current cell seen yet */
    CSV_UNQUOTED,
    CSV_QUOTED,
    CSV_QUOTE_SEEN, /* a quote inside a quoted cell: closing, or the first of a pair */
};

struct pcl_csv {
    struct pcl_csv_opts o;
    enum csv_state state;
    uint64_t off;  /* absolute offset of the byte being processed */
    uint64_t line; /* 1-based current line */
    bool prev_cr;  /* the previous byte was '\r' (for CRLF line counting) */
    bool skip_lf;  /* a record just ended on '\r': a following '\n' belongs to it */
    uint64_t row;
    size_t col;
    uint64_t rows;
    uint64_t warnings;
    /* the cell being built */
    uint64_t cell_start;
    uint64_t cell_line;
    uint64_t quote_at; /* offset of the last quote seen in CSV_QUOTE_SEEN */
    bool quoted;
    bool warned; /* one quoting warning per cell is enough */
    struct pcl_buf val;
    struct pcl_rawmap_esc *esc; /* array of nesc / esc_cap: doubled quotes of the cell */
    size_t nesc;
    size_t esc_cap;
    enum pcl_rc rc; /* sticky error */
    char msg[PCL_ERR_MSG_SIZE];
};

static enum pcl_rc csv_fail(struct pcl_csv *c, struct pcl_err *err, enum pcl_rc rc, const char *fmt,
                            ...) PCL_PRINTF(4, 5);

static enum pcl_rc
csv_fail(struct pcl_csv *c, struct pcl_err *err, enum pcl_rc rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
    va_end(ap);
    c->rc = rc;
    return pcl_err_set(err, rc, "%s", c->msg);
}

/* A quoting problem: a warning (counted) or, in strict mode, an error. */
static enum pcl_rc
csv_warn(struct pcl_csv *c, struct pcl_err *err, uint64_t line, uint64_t off, const char *what)
{
    char msg[PCL_ERR_MSG_SIZE];

    c->warnings++;
    if (c->o.strict) {
        return csv_fail(c, err, PCL_EINVAL, "%s: line %llu (offset %llu): %s", c->o.name,
                        (unsigned long long)line, (unsigned long long)off, what);
    }
    if (c->o.on_warn != NULL) {
        (void)snprintf(msg, sizeof(msg), "%s: line %llu (offset %llu): %s", c->o.name,
                       (unsigned long long)line, (unsigned long long)off, what);
        c->o.on_warn(c->o.arg, msg);
    }
    return PCL_OK;
}

enum pcl_rc
pcl_csv_new(const struct pcl_csv_opts *opts, struct pcl_csv **out, struct pcl_err *err)
{
    struct pcl_csv *c;

    *out = NULL;
    if (opts == NULL || opts->on_cell == NULL) {
        return pcl_err_set(err, PCL_EINVAL, "csv: a cell callback is required");
    }
    if (opts->delim == '"' || opts->delim == '\n' || opts->delim == '\r') {
        return pcl_err_set(err, PCL_EINVAL, "csv: invalid delimiter");
    }
    c = pcl_calloc(1, sizeof(*c));
    if (c == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "csv: out of memory");
    }
    c->o = *opts;
    if (c->o.delim == '\0') {
        c->o.delim = ',';
    }
    if (c->o.max_cell == 0) {
        c->o.max_cell = CSV_DEFAULT_CELL;
    }
    if (c->o.max_cols == 0) {
        c->o.max_cols = CSV_DEFAULT_COLS;
    }
    if (c->o.name == NULL) {
        c->o.name = "csv";
    }
    c->off = c->o.off0;
    c->line = c->o.line0 + 1;
    c->row = c->o.row0;
    c->state = CSV_FIELD_START;
    pcl_buf_init(&c->val, c->o.max_cell);
    *out = c;
    return PCL_OK;
}

void
pcl_csv_free(struct pcl_csv *c)
{
    if (c == NULL) {
        return;
    }
    pcl_buf_fini(&c->val);
    pcl_free(c->esc);
    pcl_free(c);
}

uint64_t
pcl_csv_rows(const struct pcl_csv *c)
{
    return c->rows;
}

bool
pcl_csv_at_record_start(const struct pcl_csv *c)
{
    return c->rc == PCL_OK && c->state == CSV_FIELD_START && c->col == 0 && !c->skip_lf;
}

uint64_t
pcl_csv_line(const struct pcl_csv *c)
{
    return c->line;
}

uint64_t
pcl_csv_warnings(const struct pcl_csv *c)
{
    return c->warnings;
}

uint64_t
pcl_csv_cell_raw_offset(const struct pcl_csv_cell *cell, size_t idx)
{
    return pcl_rawmap_offset(&cell->map, idx);
}

bool
pcl_csv_looks_like_header(const char *head, size_t n, char delim)
{
    for (size_t i = 0; i < n && head[i] != '\n'; i++) {
        if (pcl_is_digit(head[i]) || head[i] == '@') {
            return false;
        }
    }
    return memchr(head, delim, n) != NULL;
}

static enum pcl_rc
csv_append(struct pcl_csv *c, const char *p, size_t n, struct pcl_err *err)
{
    enum pcl_rc rc = pcl_buf_append(&c->val, p, n);

    if (rc == PCL_ELIMIT) {
        return csv_fail(c, err, PCL_ELIMIT,
                        "%s: line %llu (offset %llu): cell larger than %zu bytes", c->o.name,
                        (unsigned long long)c->cell_line, (unsigned long long)c->cell_start,
                        c->o.max_cell);
    }
    if (rc != PCL_OK) {
        return csv_fail(c, err, rc, "%s: out of memory", c->o.name);
    }
    return PCL_OK;
}

static enum pcl_rc
csv_esc_add(struct pcl_csv *c, struct pcl_err *err)
{
    if (c->nesc == c->esc_cap) {
        size_t ncap = c->esc_cap == 0 ? 8 : c->esc_cap * 2;
        struct pcl_rawmap_esc *n = pcl_realloc(c->esc, ncap * sizeof(*n));

        if (n == NULL) {
            return csv_fail(c, err, PCL_ENOMEM, "%s: out of memory", c->o.name);
        }
        c->esc = n;
        c->esc_cap = ncap;
    }
    c->esc[c->nesc].dec = c->val.len;
    c->esc[c->nesc].raw = (size_t)(c->quote_at - (c->cell_start + 1));
    c->esc[c->nesc].dlen = 1;
    c->esc[c->nesc].rlen = 2;
    c->nesc++;
    return csv_append(c, "\"", 1, err);
}

static void
csv_cell_begin(struct pcl_csv *c, bool quoted)
{
    c->cell_start = c->off;
    c->cell_line = c->line;
    c->quoted = quoted;
    c->warned = false;
    c->nesc = 0;
    pcl_buf_reset(&c->val);
}

/* Report the current cell, which ends before c->off. */
static enum pcl_rc
csv_emit(struct pcl_csv *c, bool last, struct pcl_err *err)
{
    struct pcl_csv_cell cell;
    struct pcl_err cb;
    enum pcl_rc rc;

    if (c->col >= c->o.max_cols) {
        return csv_fail(c, err, PCL_ELIMIT, "%s: line %llu (offset %llu): more than %zu columns",
                        c->o.name, (unsigned long long)c->cell_line,
                        (unsigned long long)c->cell_start, c->o.max_cols);
    }
    memset(&cell, 0, sizeof(cell));
    cell.row = c->row;
    cell.col = c->col;
    cell.ptr = c->val.ptr != NULL ? c->val.ptr : "";
    cell.len = c->val.len;
    cell.raw_start = c->cell_start;
    cell.raw_end = c->off;
    cell.line = c->cell_line;
    cell.quoted = c->quoted;
    cell.last = last;
    cell.map.base = c->quoted ? c->cell_start + 1 : c->cell_start;
    cell.map.esc = c->esc;
    cell.map.nesc = c->nesc;
    cb.rc = PCL_OK;
    cb.msg[0] = '\0';
    rc = c->o.on_cell(c->o.arg, &cell, &cb);
    if (rc != PCL_OK) {
        if (cb.rc != PCL_OK) {
            return csv_fail(c, err, rc, "%s", cb.msg);
        }
        return csv_fail(c, err, rc, "%s: line %llu: stopped by the cell callback", c->o.name,
                        (unsigned long long)c->cell_line);
    }
    c->col++;
    if (last) {
        c->row++;
        c->rows++;
        c->col = 0;
    }
    c->state = CSV_FIELD_START;
    return PCL_OK;
}

static bool
csv_is_eol(char ch)
{
    return ch == '\n' || ch == '\r';
}

static enum pcl_rc
csv_field_start(struct pcl_csv *c, char ch, struct pcl_err *err)
{
    if (ch == '\n' && c->skip_lf) {
        return PCL_OK;
    }
    if (ch == '"') {
        csv_cell_begin(c, true);
        c->state = CSV_QUOTED;
        return PCL_OK;
    }
    csv_cell_begin(c, false);
    if (ch == c->o.delim) {
        return csv_emit(c, false, err);
    }
    if (csv_is_eol(ch)) {
        /* a blank line is not a record; a line ending after a delimiter ends one */
        return c->col == 0 ? PCL_OK : csv_emit(c, true, err);
    }
    c->state = CSV_UNQUOTED;
    return csv_append(c, &ch, 1, err);
}

static enum pcl_rc
csv_unquoted(struct pcl_csv *c, char ch, struct pcl_err *err)
{
    if (ch == c->o.delim) {
        return csv_emit(c, false, err);
    }
    if (csv_is_eol(ch)) {
        return csv_emit(c, true, err);
    }
    if (ch == '"' && !c->warned) {
        enum pcl_rc rc = csv_warn(c, err, c->line, c->off, "quote inside unquoted field");

        c->warned = true;
        if (rc != PCL_OK) {
            return rc;
        }
    }
    return csv_append(c, &ch, 1, err);
}

static enum pcl_rc
csv_quote_seen(struct pcl_csv *c, char ch, struct pcl_err *err)
{
    /* keeping a stray closing quote and what follows literally keeps raw and decoded 1:1 */
    char two[2] = {'"', ch};
    enum pcl_rc rc;

    if (ch == '"') {
        c->state = CSV_QUOTED;
        return csv_esc_add(c, err);
    }
    if (ch == c->o.delim) {
        return csv_emit(c, false, err);
    }
    if (csv_is_eol(ch)) {
        return csv_emit(c, true, err);
    }
    rc = csv_warn(c, err, c->line, c->off, "unexpected character after closing quote");
    c->warned = true;
    c->state = CSV_UNQUOTED;
    if (rc != PCL_OK) {
        return rc;
    }
    return csv_append(c, two, 2, err);
}

/* Handle one byte that is not part of a plain run (see csv_run). */
static enum pcl_rc
csv_byte(struct pcl_csv *c, char ch, struct pcl_err *err)
{
    switch (c->state) {
    case CSV_FIELD_START:
        return csv_field_start(c, ch, err);
    case CSV_UNQUOTED:
        return csv_unquoted(c, ch, err);
    case CSV_QUOTED:
        if (ch == '"') {
            c->quote_at = c->off;
            c->state = CSV_QUOTE_SEEN;
            return PCL_OK;
        }
        return csv_append(c, &ch, 1, err);
    case CSV_QUOTE_SEEN:
        return csv_quote_seen(c, ch, err);
    }
    return PCL_OK;
}

/* Length of the run of ordinary bytes at p that the current state appends as they are. */
static size_t
csv_run(const struct pcl_csv *c, const char *p, size_t n)
{
    size_t i = 0;
    char d = c->o.delim;

    if (c->state != CSV_UNQUOTED && c->state != CSV_QUOTED) {
        return 0;
    }
#if defined(__SSE2__)
    {
        /* 16 bytes at a time; a quoted cell stops at no delimiter: look for a quote there */
        const __m128i q = _mm_set1_epi8('"'), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
        const __m128i dl = _mm_set1_epi8(c->state == CSV_UNQUOTED ? d : '"');

        for (; n - i >= 16; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, dl)),
                                        _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
            unsigned m = (unsigned)_mm_movemask_epi8(stop);

            if (m != 0) {
                return i + (size_t)__builtin_ctz(m);
            }
        }
    }
#endif
    if (c->state == CSV_UNQUOTED) {
        while (i < n && p[i] != d && p[i] != '"' && p[i] != '\n' && p[i] != '\r') {
            i++;
        }
    } else if (c->state == CSV_QUOTED) {
        while (i < n && p[i] != '"' && p[i] != '\n' && p[i] != '\r') {
            i++;
        }
    }
    return i;
}

enum pcl_rc
pcl_csv_feed(struct pcl_csv *c, const char *data, size_t len, struct pcl_err *err)
{
    size_t i = 0;
    enum pcl_rc rc;

    if (c->rc != PCL_OK) {
        return pcl_err_set(err, c->rc, "%s", c->msg);
    }
    while (i < len) {
        size_t run = csv_run(c, data + i, len - i);
        char ch;

        if (run > 0) {
            rc = csv_append(c, data + i, run, err);
            if (rc != PCL_OK) {
                return rc;
            }
            i += run;
            c->off += run;
            c->prev_cr = false;
            c->skip_lf = false;
            continue;
        }
        ch = data[i];
        rc = csv_byte(c, ch, err);
        if (rc != PCL_OK) {
            return rc;
        }
        /* a record ended by '\r' swallows a directly following '\n' */
        c->skip_lf = ch == '\r' && c->state == CSV_FIELD_START && c->col == 0;
        if (ch == '\n') {
            c->line += c->prev_cr ? 0u : 1u;
        } else if (ch == '\r') {
            c->line++;
        }
        c->prev_cr = ch == '\r';
        c->off++;
        i++;
    }
    return PCL_OK;
}

enum pcl_rc
pcl_csv_finish(struct pcl_csv *c, struct pcl_err *err)
{
    enum pcl_rc rc = PCL_OK;

    if (c->rc != PCL_OK) {
        return pcl_err_set(err, c->rc, "%s", c->msg);
    }
    switch (c->state) {
    case CSV_FIELD_START:
        if (c->col > 0) {
            /* "a,b," at end of input: the record ends with an empty cell */
            csv_cell_begin(c, false);
            rc = csv_emit(c, true, err);
        }
        break;
    case CSV_QUOTED:
        rc = csv_warn(c, err, c->cell_line, c->cell_start,
                      "unterminated quoted field runs to the end of input");
        if (rc == PCL_OK) {
            rc = csv_emit(c, true, err);
        }
        break;
    case CSV_UNQUOTED:
    case CSV_QUOTE_SEEN:
        rc = csv_emit(c, true, err);
        break;
    }
    return rc;
}

/* ---- cutting a stream into parts ------------------------------------------------------- */

/* Follow the quotes of p[0..n) as the reader reads them, until one stands where RFC 4180 has
 * none (t->broken). Only the quotes are visited. */
static void
cut_quotes(struct pcl_csv_cutter *t, const char *p, size_t n)
{
    char d = t->delim != 0 ? t->delim : ',';
    size_t i = 0;

    if (t->qpend) {
        /* a quote inside a quoted cell ended the last count: p[0] says which it was */
        t->qpend = false;
        if (p[0] == '"') {
            i = 1; /* an escaped quote */
        } else {
            t->in = false;
            t->broken = p[0] != d && p[0] != '\n' && p[0] != '\r';
        }
    }
    while (!t->broken && i < n) {
        const char *q = memchr(p + i, '"', n - i);
        size_t k;

        if (q == NULL) {
            return;
        }
        k = (size_t)(q - p);
        if (!t->in) {
            /* an opening quote starts a cell */
            char prev = k > 0 ? p[k - 1] : t->last;

            t->broken = (k > 0 || t->started) && prev != d && prev != '\n' && prev != '\r';
            t->in = true;
            i = k + 1;
        } else if (k + 1 == n) {
            t->qpend = true;
            return;
        } else if (p[k + 1] == '"') {
            i = k + 2; /* an escaped quote */
        } else {
            t->in = false;
            t->broken = p[k + 1] != d && p[k + 1] != '\n' && p[k + 1] != '\r';
            i = k + 1;
        }
    }
}

void
pcl_csv_cut_count(struct pcl_csv_cutter *t, const char *p, size_t n)
{
    size_t last;
    uint64_t cr = 0, crlf;

    if (n == 0) {
        return;
    }
    if (!t->broken) {
        cut_quotes(t, p, n);
    }
    /* the reader ends a line at '\r', and at '\n' unless it follows a '\r' */
    crlf = t->started && t->last == '\r' && p[0] == '\n';
    for (const char *r = memchr(p, '\r', n); r != NULL;
         r = memchr(r + 1, '\r', n - (size_t)(r + 1 - p))) {
        cr++;
        crlf += r + 1 < p + n && r[1] == '\n';
    }
    t->lines += pcl_count_byte(p, n, '\n', &last) + cr - crlf;
    t->odd ^= (pcl_count_byte(p, n, '"', &last) & 1) != 0;
    t->last = p[n - 1];
    t->started = true;
}

size_t
pcl_csv_cut_find(const struct pcl_csv_cutter *t, const char *p, size_t n)
{
    bool odd = t->odd;
    size_t i = 0, last;

    while (i < n) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl != NULL ? (size_t)(nl - p) : n;

        if (nl == NULL) {
            return n;
        }
        odd ^= (pcl_count_byte(p + i, e - i, '"', &last) & 1) != 0;
        if (!odd) {
            return e;
        }
        i = e + 1;
    }
    return n;
}

struct pcl_csv_cutter
pcl_csv_cutter_at(char delim, uint64_t lines)
{
    return (struct pcl_csv_cutter){.delim = delim, .lines = lines, .started = true, .last = '\n'};
}

size_t
pcl_csv_cut_last_good(struct pcl_csv_cutter *t, const char *p, size_t n)
{
    struct pcl_csv_cutter u = *t;
    size_t i = 0, good = 0;

    while (i < n) {
        size_t c = i + pcl_csv_cut_find(&u, p + i, n - i);

        if (c >= n) {
            break;
        }
        pcl_csv_cut_count(&u, p + i, c + 1 - i);
        if (u.broken) {
            break;
        }
        i = good = c + 1;
        *t = u;
    }
    return good;
}
