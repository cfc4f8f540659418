/* SPDX-License-Identifier: Apache-2.0 */
/* Non-recursive JSON/JSONL walker reporting scalars with normalised field paths and raw offset
 * maps, plus the literal rewriter that redaction uses and the shared raw offset map helpers. */
#include "common.h"

#include <portcullis/formats.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define JW_DEFAULT_DEPTH  512u
#define JW_DEFAULT_PATH   4096u
#define JW_DEFAULT_STRING ((size_t)64 << 20)

/* ---- raw offset maps ---------------------------------------------------------------- */

/* Index of the last entry with dec <= idx, or nesc when there is none. */
static size_t
rawmap_find(const struct pcl_rawmap *m, size_t idx)
{
    size_t lo = 0;
    size_t hi = m->nesc;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (m->esc[mid].dec <= idx) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo == 0 ? m->nesc : lo - 1;
}

uint64_t
pcl_rawmap_offset(const struct pcl_rawmap *m, size_t idx)
{
    size_t i = rawmap_find(m, idx);
    const struct pcl_rawmap_esc *e;

    if (i == m->nesc) {
        return m->base + idx;
    }
    e = &m->esc[i];
    if (idx < e->dec + e->dlen) {
        return m->base + e->raw;
    }
    return m->base + e->raw + e->rlen + (idx - (e->dec + e->dlen));
}

void
pcl_rawmap_span(const struct pcl_rawmap *m, size_t start, size_t end, uint64_t *raw_start,
                uint64_t *raw_end)
{
    size_t i;
    const struct pcl_rawmap_esc *e;

    *raw_start = pcl_rawmap_offset(m, start);
    if (end <= start) {
        *raw_end = *raw_start;
        return;
    }
    i = rawmap_find(m, end - 1);
    if (i != m->nesc) {
        e = &m->esc[i];
        if (end - 1 < e->dec + e->dlen) {
            *raw_end = m->base + e->raw + e->rlen;
            return;
        }
    }
    *raw_end = pcl_rawmap_offset(m, end - 1) + 1;
}

/* ---- walker state ------------------------------------------------------------------- */

enum jw_ctx { JW_ARR = 1, JW_OBJ = 2 };

struct jw_frame {
    size_t base; /* path length to restore when the container closes */
    int kind;    /* enum jw_ctx */
};

struct jw {
    const char *buf;
    size_t len; /* whole buffer */
    size_t end; /* end of the current record (JSONL line) */
    size_t pos;
    uint64_t line;
    size_t line_start;
    const struct pcl_json_walk_opts *o;
    const char *name;
    unsigned max_depth;
    size_t max_path;
    struct pcl_json_walk_stats st;
    struct jw_frame *stack; /* array of cap; depth used */
    size_t depth;
    size_t cap;
    struct pcl_buf path;
    struct pcl_buf str;         /* decoded string scratch */
    struct pcl_rawmap_esc *esc; /* array of nesc / esc_cap for the current string */
    size_t nesc;
    size_t esc_cap;
    bool cb_failed; /* the error came from on_value or memory, not from the input */
};

static enum pcl_rc
jw_syntax(struct jw *w, struct pcl_err *err, size_t at, enum pcl_rc rc, const char *what)
{
    uint64_t line = w->line;
    size_t ls = w->line_start;
    size_t col;

    /* line tracking stops at the position scanned; errors can be a little further on */
    for (size_t i = w->line_start; i < at && i < w->len; i++) {
        if (w->buf[i] == '\n') {
            line++;
            ls = i + 1;
        }
    }
    col = at - ls + 1;
    return pcl_err_set(err, rc, "%s: line %llu, column %llu (offset %llu): %s", w->name,
                       (unsigned long long)line, (unsigned long long)col,
                       (unsigned long long)(w->o->base_offset + at), what);
}

static enum pcl_rc
jw_nomem(struct jw *w, struct pcl_err *err)
{
    w->cb_failed = true;
    return pcl_err_set(err, PCL_ENOMEM, "%s: out of memory", w->name);
}

/* Inline, with a byte above ' ' ending it at once: most calls skip nothing or one space. */
static inline void
jw_skip_ws(struct jw *w)
{
    while (w->pos < w->end && (unsigned char)w->buf[w->pos] <= ' ') {
        char c = w->buf[w->pos];

        if (c == '\n') {
            w->line++;
            w->line_start = w->pos + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        w->pos++;
    }
}

static enum pcl_rc
jw_esc_add(struct jw *w, size_t dec, size_t raw, uint32_t dlen, uint32_t rlen, struct pcl_err *err)
{
    if (w->nesc == w->esc_cap) {
        size_t ncap = w->esc_cap == 0 ? 16 : w->esc_cap * 2;
        struct pcl_rawmap_esc *n;

        if (ncap > SIZE_MAX / sizeof(*n)) {
            return jw_nomem(w, err);
        }
        n = pcl_realloc(w->esc, ncap * sizeof(*n));
        if (n == NULL) {
            return jw_nomem(w, err);
        }
        w->esc = n;
        w->esc_cap = ncap;
    }
    w->esc[w->nesc].dec = dec;
    w->esc[w->nesc].raw = raw;
    w->esc[w->nesc].dlen = dlen;
    w->esc[w->nesc].rlen = rlen;
    w->nesc++;
    return PCL_OK;
}

static enum pcl_rc
jw_str_append(struct jw *w, const char *p, size_t n, struct pcl_err *err)
{
    enum pcl_rc rc = pcl_buf_append(&w->str, p, n);

    if (rc == PCL_ELIMIT) {
        return jw_syntax(w, err, w->pos, PCL_ELIMIT, "string longer than the limit");
    }
    if (rc != PCL_OK) {
        return jw_nomem(w, err);
    }
    return PCL_OK;
}

/* Decode one \u escape (and its low surrogate) at w->pos (on the backslash). */
static enum pcl_rc
jw_unicode(struct jw *w, size_t content, struct pcl_err *err)
{
    size_t at = w->pos;
    long hi = pcl_json_hex4(w->buf + at + 2, w->end - at - 2);
    uint32_t cp;
    uint32_t rlen = 6;
    char tmp[4];
    size_t n;
    size_t dec = w->str.len;
    enum pcl_rc rc;

    if (hi < 0) {
        return jw_syntax(w, err, at, PCL_EINVAL, "invalid \\u escape");
    }
    cp = (uint32_t)hi;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        long lo = -1;

        if (w->end - at >= 12 && w->buf[at + 6] == '\\' && w->buf[at + 7] == 'u') {
            lo = pcl_json_hex4(w->buf + at + 8, w->end - at - 8);
        }
        if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
            rlen = 12;
        } else {
            cp = 0xfffd; /* lone high surrogate */
        }
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
        cp = 0xfffd; /* lone low surrogate */
    }
    n = pcl_utf8_encode(tmp, cp);
    rc = jw_str_append(w, tmp, n, err);
    if (rc != PCL_OK) {
        return rc;
    }
    w->pos += rlen;
    return jw_esc_add(w, dec, at - content, (uint32_t)n, rlen, err);
}

/* Decode the escape at w->pos (on the backslash) of the literal whose content starts at
 * content. */
static enum pcl_rc
jw_escape(struct jw *w, size_t open, size_t content, struct pcl_err *err)
{
    char d;
    enum pcl_rc rc;

    if (w->pos + 1 >= w->end) {
        return jw_syntax(w, err, open, PCL_EINVAL, "unterminated string");
    }
    switch (w->buf[w->pos + 1]) {
    case '"':
    case '\\':
    case '/':
        d = w->buf[w->pos + 1];
        break;
    case 'b':
        d = '\b';
        break;
    case 'f':
        d = '\f';
        break;
    case 'n':
        d = '\n';
        break;
    case 'r':
        d = '\r';
        break;
    case 't':
        d = '\t';
        break;
    case 'u':
        return jw_unicode(w, content, err);
    default:
        return jw_syntax(w, err, w->pos, PCL_EINVAL, "invalid escape in string");
    }
    rc = jw_esc_add(w, w->str.len, w->pos - content, 1, 2, err);
    if (rc != PCL_OK) {
        return rc;
    }
    w->pos += 2;
    return jw_str_append(w, &d, 1, err);
}

/* Bytes of p[0..n) before the first '"', '\\' or control byte: a string's plain run, 16
 * bytes at a time where SSE2 is there. */
static size_t
plain_run(const char *p, size_t n)
{
    size_t i = 0;

#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i ctl = _mm_set1_epi8(0x1f);

    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        /* v <= 0x1f (unsigned) exactly when min(v, 0x1f) == v */
        __m128i stop =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                         _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        unsigned m = (unsigned)_mm_movemask_epi8(stop);

        if (m != 0) {
            return i + (size_t)__builtin_ctz(m);
        }
    }
#endif
    for (; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c == '"' || c == '\\' || c < 0x20) {
            break;
        }
    }
    return i;
}

/* Decode the string literal at w->pos (on its quote) into w->str and w->esc. */
static enum pcl_rc
jw_string(struct jw *w, struct pcl_err *err)
{
    size_t open = w->pos;
    size_t content = open + 1;
    enum pcl_rc rc = PCL_OK;

    pcl_buf_reset(&w->str);
    w->nesc = 0;
    w->pos = content;
    while (rc == PCL_OK) {
        size_t run = w->pos;
        unsigned char c = 0;

        w->pos += plain_run(w->buf + w->pos, w->end - w->pos);
        if (w->pos < w->end) {
            c = (unsigned char)w->buf[w->pos];
        }
        /* an empty append still allocates, so ptr is never NULL for an empty string */
        rc = jw_str_append(w, w->buf + run, w->pos - run, err);
        if (rc != PCL_OK) {
            return rc;
        }
        if (w->pos >= w->end) {
            return jw_syntax(w, err, open, PCL_EINVAL, "unterminated string");
        }
        if (c == '"') {
            w->pos++;
            return PCL_OK;
        }
        if (c < 0x20) {
            return jw_syntax(w, err, w->pos, PCL_EINVAL, "control character in string");
        }
        rc = jw_escape(w, open, content, err);
    }
    return rc;
}

static enum pcl_rc
jw_emit(struct jw *w, enum pcl_json_kind kind, size_t start, const char *ptr, size_t len,
        size_t content, struct pcl_err *err)
{
    struct pcl_json_value v;
    struct pcl_err cb;
    enum pcl_rc rc;

    memset(&v, 0, sizeof(v));
    v.kind = kind;
    v.path = w->path.ptr != NULL ? w->path.ptr : "";
    v.path_len = w->path.len;
    v.ptr = ptr;
    v.len = len;
    v.raw_start = start;
    v.raw_end = w->pos;
    v.line = w->line;
    v.map.base = content;
    if (kind != PCL_JSON_NUMBER) {
        v.map.esc = w->esc;
        v.map.nesc = w->nesc;
    }
    cb.rc = PCL_OK;
    cb.msg[0] = '\0';
    w->st.values++;
    rc = w->o->on_value(w->o->arg, &v, &cb);
    if (rc != PCL_OK) {
        w->cb_failed = true;
        if (cb.rc != PCL_OK) {
            return pcl_err_set(err, rc, "%s", cb.msg);
        }
        return pcl_err_set(err, rc, "%s: line %llu: stopped by the value callback", w->name,
                           (unsigned long long)w->line);
    }
    return PCL_OK;
}

static bool
key_needs_quotes(const char *k, size_t n)
{
    if (n == 0) {
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];

        if (c == '.' || c == '[' || c == ']' || c == '"' || c == '\\' || c < 0x20) {
            return true;
        }
    }
    return false;
}

static enum pcl_rc
jw_path_key(struct jw *w, const char *k, size_t n, struct pcl_err *err)
{
    enum pcl_rc rc = PCL_OK;

    if (!key_needs_quotes(k, n)) {
        if (w->path.len > 0) {
            rc = pcl_buf_appendc(&w->path, '.');
        }
        if (rc == PCL_OK) {
            rc = pcl_buf_append(&w->path, k, n);
        }
    } else {
        rc = pcl_buf_append(&w->path, "[\"", 2);
        for (size_t i = 0; i < n && rc == PCL_OK; i++) {
            unsigned char c = (unsigned char)k[i];

            if (c == '"' || c == '\\') {
                char two[2] = {'\\', (char)c};

                rc = pcl_buf_append(&w->path, two, 2);
            } else if (c < 0x20) {
                rc = pcl_buf_appendf(&w->path, "\\u%04x", (unsigned)c);
            } else {
                rc = pcl_buf_appendc(&w->path, (char)c);
            }
        }
        if (rc == PCL_OK) {
            rc = pcl_buf_append(&w->path, "\"]", 2);
        }
    }
    if (rc == PCL_ELIMIT) {
        return jw_syntax(w, err, w->pos, PCL_ELIMIT, "field path longer than the limit");
    }
    if (rc != PCL_OK) {
        return jw_nomem(w, err);
    }
    return PCL_OK;
}

static void
jw_path_truncate(struct jw *w, size_t len)
{
    w->path.len = len;
    if (w->path.ptr != NULL) {
        w->path.ptr[len] = '\0';
    }
}

static enum pcl_rc
jw_push(struct jw *w, int kind, struct pcl_err *err)
{
    if (w->depth >= w->max_depth) {
        char what[64];

        (void)snprintf(what, sizeof(what), "nesting deeper than %u", w->max_depth);
        return jw_syntax(w, err, w->pos, PCL_ELIMIT, what);
    }
    if (w->depth == w->cap) {
        size_t ncap = w->cap == 0 ? 32 : w->cap * 2;
        struct jw_frame *n;

        n = pcl_realloc(w->stack, ncap * sizeof(*n));
        if (n == NULL) {
            return jw_nomem(w, err);
        }
        w->stack = n;
        w->cap = ncap;
    }
    w->stack[w->depth].base = w->path.len;
    w->stack[w->depth].kind = kind;
    w->depth++;
    if (kind == JW_ARR) {
        enum pcl_rc rc = pcl_buf_append(&w->path, "[]", 2);

        if (rc == PCL_ELIMIT) {
            return jw_syntax(w, err, w->pos, PCL_ELIMIT, "field path longer than the limit");
        }
        if (rc != PCL_OK) {
            return jw_nomem(w, err);
        }
    }
    return PCL_OK;
}

static size_t
skip_digits(const char *b, size_t p, size_t end)
{
    while (p < end && pcl_is_digit(b[p])) {
        p++;
    }
    return p;
}

/* End of the RFC 8259 number at start, or SIZE_MAX with *bad at the offending offset. */
static size_t
number_end(const char *b, size_t start, size_t end, size_t *bad)
{
    size_t p = start;

    if (p < end && b[p] == '-') {
        p++;
    }
    if (p >= end || !pcl_is_digit(b[p])) {
        *bad = start;
        return SIZE_MAX;
    }
    p = b[p] == '0' ? p + 1 : skip_digits(b, p, end);
    if (p < end && b[p] == '.') {
        p++;
        if (p >= end || !pcl_is_digit(b[p])) {
            *bad = p;
            return SIZE_MAX;
        }
        p = skip_digits(b, p, end);
    }
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
        p++;
        if (p < end && (b[p] == '+' || b[p] == '-')) {
            p++;
        }
        if (p >= end || !pcl_is_digit(b[p])) {
            *bad = p;
            return SIZE_MAX;
        }
        p = skip_digits(b, p, end);
    }
    return p;
}

static enum pcl_rc
jw_number(struct jw *w, struct pcl_err *err)
{
    size_t start = w->pos;
    size_t bad = 0;
    size_t p = number_end(w->buf, start, w->end, &bad);
    enum pcl_rc rc;

    if (p == SIZE_MAX) {
        return jw_syntax(w, err, bad, PCL_EINVAL, "invalid number");
    }
    w->pos = p;
    if (!w->o->numbers) {
        return PCL_OK;
    }
    /* numbers are reported from a NUL-terminated copy so callers may use strtod */
    pcl_buf_reset(&w->str);
    rc = jw_str_append(w, w->buf + start, p - start, err);
    if (rc != PCL_OK) {
        return rc;
    }
    w->nesc = 0;
    return jw_emit(w, PCL_JSON_NUMBER, start, w->str.ptr, w->str.len, start, err);
}

static bool
jw_literal(struct jw *w, const char *lit, size_t n)
{
    if (w->end - w->pos >= n && memcmp(w->buf + w->pos, lit, n) == 0) {
        w->pos += n;
        return true;
    }
    return false;
}

/* Parse one scalar or open a container at w->pos (after whitespace). *opened tells the
 * caller a container was pushed. */
static enum pcl_rc
jw_value(struct jw *w, bool *opened, struct pcl_err *err)
{
    char c;
    size_t start = w->pos;
    enum pcl_rc rc;

    *opened = false;
    if (w->pos >= w->end) {
        return jw_syntax(w, err, w->pos, PCL_EINVAL, "unexpected end of input, expected value");
    }
    c = w->buf[w->pos];
    switch (c) {
    case '{':
    case '[':
        rc = jw_push(w, c == '{' ? JW_OBJ : JW_ARR, err);
        if (rc != PCL_OK) {
            return rc;
        }
        w->pos++;
        *opened = true;
        return PCL_OK;
    case '"':
        rc = jw_string(w, err);
        if (rc != PCL_OK) {
            return rc;
        }
        return jw_emit(w, PCL_JSON_STRING, start, w->str.ptr, w->str.len, start + 1, err);
    case 't':
    case 'f':
    case 'n':
        if (jw_literal(w, "true", 4) || jw_literal(w, "false", 5) || jw_literal(w, "null", 4)) {
            return PCL_OK;
        }
        return jw_syntax(w, err, start, PCL_EINVAL, "invalid literal");
    default:
        if (c == '-' || pcl_is_digit(c)) {
            return jw_number(w, err);
        }
        return jw_syntax(w, err, start, PCL_EINVAL, "expected value");
    }
}

/* Parse an object key and its ':' at w->pos (on the quote); leaves the key in the path. */
static enum pcl_rc
jw_key(struct jw *w, struct pcl_err *err)
{
    size_t start = w->pos;
    struct jw_frame *f = &w->stack[w->depth - 1];
    enum pcl_rc rc;

    rc = jw_string(w, err);
    if (rc != PCL_OK) {
        return rc;
    }
    jw_path_truncate(w, f->base);
    rc = jw_path_key(w, w->str.ptr, w->str.len, err);
    if (rc != PCL_OK) {
        return rc;
    }
    if (w->o->keys) {
        rc = jw_emit(w, PCL_JSON_KEY, start, w->str.ptr, w->str.len, start + 1, err);
        if (rc != PCL_OK) {
            return rc;
        }
    }
    jw_skip_ws(w);
    if (w->pos >= w->end || w->buf[w->pos] != ':') {
        return jw_syntax(w, err, w->pos, PCL_EINVAL, "expected ':'");
    }
    w->pos++;
    return PCL_OK;
}

enum jw_state { ST_VALUE, ST_FIRST_KEY, ST_KEY, ST_FIRST_ELEM, ST_AFTER, ST_CLOSE, ST_DONE };

/* After a value: at the top only whitespace may follow; inside a container ',' continues and
 * the closing bracket closes. */
static enum pcl_rc
jw_after(struct jw *w, enum jw_state *st, struct pcl_err *err)
{
    bool arr;
    char c = w->pos < w->end ? w->buf[w->pos] : '\0';

    if (w->depth == 0) {
        *st = ST_DONE;
        return w->pos < w->end
                   ? jw_syntax(w, err, w->pos, PCL_EINVAL, "unexpected data after value")
                   : PCL_OK;
    }
    arr = w->stack[w->depth - 1].kind == JW_ARR;

    if (c == ',') {
        w->pos++;
        *st = arr ? ST_VALUE : ST_KEY;
        return PCL_OK;
    }
    if (c == (arr ? ']' : '}')) {
        *st = ST_CLOSE;
        return PCL_OK;
    }
    return jw_syntax(w, err, w->pos, PCL_EINVAL,
                     arr ? "expected ',' or ']'" : "expected ',' or '}'");
}

/* At a key position: a key, or (first only) the closing brace. */
static enum pcl_rc
jw_key_state(struct jw *w, bool first, enum jw_state *st, struct pcl_err *err)
{
    char c = w->pos < w->end ? w->buf[w->pos] : '\0';

    if (first && c == '}') {
        *st = ST_CLOSE;
        return PCL_OK;
    }
    if (c != '"') {
        return jw_syntax(w, err, w->pos, PCL_EINVAL,
                         first ? "expected '\"' or '}'" : "expected '\"'");
    }
    *st = ST_VALUE;
    return jw_key(w, err);
}

/* Walk one value in [w->pos, w->end), then require only whitespace up to w->end. The state
 * machine with an explicit stack replaces recursion (untrusted nesting must not grow the C
 * stack). */
static enum pcl_rc
jw_document(struct jw *w, struct pcl_err *err)
{
    enum jw_state st = ST_VALUE;
    enum pcl_rc rc = PCL_OK;
    bool opened;

    w->depth = 0;
    jw_path_truncate(w, 0);
    while (rc == PCL_OK && st != ST_DONE) {
        jw_skip_ws(w);
        switch (st) {
        case ST_FIRST_ELEM:
            st = w->pos < w->end && w->buf[w->pos] == ']' ? ST_CLOSE : ST_VALUE;
            break;
        case ST_VALUE:
            rc = jw_value(w, &opened, err);
            if (rc == PCL_OK) {
                st =
                    !opened ? ST_AFTER : (w->buf[w->pos - 1] == '{' ? ST_FIRST_KEY : ST_FIRST_ELEM);
            }
            break;
        case ST_FIRST_KEY:
        case ST_KEY:
            rc = jw_key_state(w, st == ST_FIRST_KEY, &st, err);
            break;
        case ST_AFTER:
            rc = jw_after(w, &st, err);
            break;
        case ST_CLOSE:
            w->pos++;
            w->depth--;
            jw_path_truncate(w, w->stack[w->depth].base);
            st = ST_AFTER;
            break;
        case ST_DONE:
            break;
        }
    }
    return rc;
}

static void
jw_fini(struct jw *w)
{
    pcl_free(w->stack);
    pcl_free(w->esc);
    pcl_buf_fini(&w->path);
    pcl_buf_fini(&w->str);
}

static bool
blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') {
            return false;
        }
    }
    return true;
}

static enum pcl_rc
jw_lines(struct jw *w, struct pcl_err *err)
{
    size_t ls = w->pos;
    enum pcl_rc rc = PCL_OK;

    while (ls < w->len) {
        const char *nl = memchr(w->buf + ls, '\n', w->len - ls);
        size_t le = nl != NULL ? (size_t)(nl - w->buf) : w->len;
        struct pcl_err lerr;

        if (!blank(w->buf + ls, le - ls)) {
            w->pos = ls;
            w->end = le;
            w->line_start = ls;
            w->st.records++;
            lerr.rc = PCL_OK;
            lerr.msg[0] = '\0';
            rc = jw_document(w, &lerr);
            if (rc != PCL_OK) {
                if (w->cb_failed) {
                    (void)pcl_err_set(err, rc, "%s", lerr.msg);
                    return rc;
                }
                w->st.bad_lines++;
                if (w->o->on_warn != NULL) {
                    w->o->on_warn(w->o->arg, lerr.msg);
                }
                if (w->o->on_bad_line != NULL) {
                    w->o->on_bad_line(w->o->arg, ls, le);
                }
                rc = PCL_OK;
            }
        }
        ls = le + 1;
        w->line++;
        w->line_start = ls;
    }
    return rc;
}

enum pcl_rc
pcl_json_walk(const char *buf, size_t len, const struct pcl_json_walk_opts *opts,
              struct pcl_json_walk_stats *stats, struct pcl_err *err)
{
    struct jw w;
    enum pcl_rc rc;

    memset(&w, 0, sizeof(w));
    w.name = opts->name != NULL ? opts->name : "json";
    if (opts->on_value == NULL || (buf == NULL && len > 0)) {
        return pcl_err_set(err, PCL_EINVAL, "%s: walker needs a buffer and a value callback",
                           w.name);
    }
    w.buf = buf;
    w.len = len;
    w.end = len;
    w.o = opts;
    w.line = opts->first_line != 0 ? opts->first_line : 1;
    w.max_depth = opts->max_depth != 0 ? opts->max_depth : JW_DEFAULT_DEPTH;
    w.max_path = opts->max_path != 0 ? opts->max_path : JW_DEFAULT_PATH;
    pcl_buf_init(&w.path, w.max_path);
    pcl_buf_init(&w.str, opts->max_string != 0 ? opts->max_string : JW_DEFAULT_STRING);
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
        w.pos = 3; /* UTF-8 byte order mark */
    }
    if (opts->jsonl) {
        rc = jw_lines(&w, err);
    } else {
        jw_skip_ws(&w);
        rc = PCL_OK;
        if (w.pos < w.end) {
            w.st.records = 1;
            rc = jw_document(&w, err);
        }
    }
    if (stats != NULL) {
        *stats = w.st;
    }
    jw_fini(&w);
    return rc;
}

/* ---- rewriting ---------------------------------------------------------------------- */

enum pcl_rc
pcl_json_rewrite(const char *buf, size_t len, const struct pcl_json_edit *edits, size_t nedits,
                 struct pcl_buf *out, struct pcl_err *err)
{
    size_t pos = 0;
    enum pcl_rc rc = PCL_OK;

    for (size_t i = 0; i < nedits; i++) {
        const struct pcl_json_edit *e = &edits[i];
        size_t rs;
        size_t re;
        size_t at;
        bool whole;

        if (e->raw_start > e->raw_end || e->raw_end > len || e->raw_start < pos ||
            (e->repl == NULL && e->repl_len > 0)) {
            return pcl_err_set(err, PCL_EINVAL,
                               "json rewrite: edit %zu [%llu, %llu) is out of order or "
                               "outside the input",
                               i, (unsigned long long)e->raw_start, (unsigned long long)e->raw_end);
        }
        rs = (size_t)e->raw_start;
        re = (size_t)e->raw_end;
        whole = re > rs && buf[rs] == '"';
        if (whole && (re - rs < 2 || buf[re - 1] != '"')) {
            return pcl_err_set(err, PCL_EINVAL,
                               "json rewrite: edit %zu [%zu, %zu) is not a whole string literal", i,
                               rs, re);
        }
        rc = pcl_buf_append(out, buf + pos, rs - pos);
        if (rc != PCL_OK) {
            goto out;
        }
        at = out->len;
        rc = pcl_json_escape(out, e->repl != NULL ? e->repl : "", e->repl_len);
        if (rc != PCL_OK) {
            goto out;
        }
        if (!whole) {
            /* content only: drop the quotes pcl_json_escape added */
            memmove(out->ptr + at, out->ptr + at + 1, out->len - at - 2);
            out->len -= 2;
            out->ptr[out->len] = '\0';
        }
        pos = re;
    }
    rc = pcl_buf_append(out, buf + pos, len - pos);
out:
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "json rewrite: %s",
                           rc == PCL_ELIMIT ? "output larger than the limit" : "out of memory");
    }
    return PCL_OK;
}

long
pcl_json_hex4(const char *p, size_t avail)
{
    long v = 0;

    if (avail < 4) {
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        char c = pcl_lower(p[i]);

        if (c >= '0' && c <= '9') {
            v = v * 16 + (c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v = v * 16 + (c - 'a' + 10);
        } else {
            return -1;
        }
    }
    return v;
}
