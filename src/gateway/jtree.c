/* SPDX-License-Identifier: Apache-2.0 */
/* One-pass JSON reader and writer for jansson trees (jtree.h). The reader is iterative: an
 * explicit stack of open containers, each value attached to its parent as soon as it starts,
 * so an error anywhere only has to release the root. */
#include "jtree.h"

#include <portcullis/formats.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- reader ------------------------------------------------------------------------- */

/* Byte classes inside a string: 0 = copied as is (printable ASCII but '"' and '\\'). */
enum { C_PLAIN = 0, C_QUOTE, C_ESC, C_CTRL, C_HIGH };

#define X16(c) c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c
static const unsigned char str_class[256] = {
    X16(C_CTRL), X16(C_CTRL), /* 0x00-0x1f */
    0,           0,           C_QUOTE,     0,           0,     0, 0, 0,
    0,           0,           0,           0,           0,     0, 0, 0, /* 0x20-0x2f: '"' */
    X16(0),      X16(0),                                                /* 0x30-0x4f */
    0,           0,           0,           0,           0,     0, 0, 0,
    0,           0,           0,           0,           C_ESC, 0, 0, 0, /* 0x50-0x5f: '\\' */
    X16(0),      X16(0),                                                /* 0x60-0x7f */
    X16(C_HIGH), X16(C_HIGH), X16(C_HIGH), X16(C_HIGH),                 /* 0x80-0xbf */
    X16(C_HIGH), X16(C_HIGH), X16(C_HIGH), X16(C_HIGH),                 /* 0xc0-0xff */
};
#undef X16

#define STACK_INLINE 64
#define TOK_DEPTH    64 /* token output: deeper documents go to the tree */

/* An open container: its jansson value (tree output) or its token (token output). */
struct frame {
    json_t *j;
    uint32_t tok;
    bool array;
};

/* One reader, two outputs: a jansson tree (t == NULL) or flat tokens. */
struct reader {
    const char *buf;
    const char *p;
    const char *end;
    json_error_t *err;
    size_t flags;
    json_t *root;          /* tree output */
    struct pcl_gw_jtok *t; /* token output: t[0..n), at most cap */
    size_t cap, n;
    bool full;           /* more tokens or nesting than the token output allows */
    struct frame *stack; /* open containers, innermost last */
    size_t depth;
    size_t scap;
    struct frame *inline_stack; /* run()'s, on its stack: left uninitialised, not zeroed */
    struct pcl_buf key;         /* the pending key of the innermost object (decoded) */
    struct pcl_buf str;         /* a decoded string value with escapes */
    const char *kptr;           /* the pending key: kptr[0..klen) (in buf or in key) */
    size_t klen;
};

static void fail(struct reader *r, const char *at, const char *fmt, ...) PCL_PRINTF(3, 4);

static void
fail(struct reader *r, const char *at, const char *fmt, ...)
{
    va_list ap;
    size_t line = 1, col = 1;

    if (r->err == NULL) {
        return;
    }
    for (const char *q = r->buf; q < at; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    va_start(ap, fmt);
    (void)vsnprintf(r->err->text, sizeof(r->err->text), fmt, ap);
    va_end(ap);
    (void)snprintf(r->err->source, sizeof(r->err->source), "<buffer>");
    r->err->line = line > INT_MAX ? -1 : (int)line;
    r->err->column = col > INT_MAX ? -1 : (int)col;
    r->err->position = (size_t)(at - r->buf) > INT_MAX ? -1 : (int)(at - r->buf);
}

static inline void
skip_ws(struct reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t')) {
        r->p++;
    }
}

/* Decode the escapes of raw[0..n) (already checked for UTF-8 and control bytes) into out. */
static int
unescape(struct reader *r, const char *raw, size_t n, struct pcl_buf *out)
{
    const char *s = raw, *e = raw + n;

    out->len = 0;
    while (s < e) {
        const char *bs = memchr(s, '\\', (size_t)(e - s));
        char tmp[8];
        size_t tl = 1;
        long u, lo;

        if (bs == NULL) {
            bs = e;
        }
        if (bs > s && pcl_buf_append(out, s, (size_t)(bs - s)) != PCL_OK) {
            fail(r, s, "out of memory");
            return -1;
        }
        if (bs == e) {
            break;
        }
        /* the scan guaranteed a character after every backslash */
        switch (bs[1]) {
        case '"':
        case '\\':
        case '/':
            tmp[0] = bs[1];
            break;
        case 'b':
            tmp[0] = '\b';
            break;
        case 'f':
            tmp[0] = '\f';
            break;
        case 'n':
            tmp[0] = '\n';
            break;
        case 'r':
            tmp[0] = '\r';
            break;
        case 't':
            tmp[0] = '\t';
            break;
        case 'u':
            if ((u = pcl_json_hex4(bs + 2, (size_t)(e - bs - 2))) < 0) {
                fail(r, bs, "invalid escape");
                return -1;
            }
            if (u == 0) {
                fail(r, bs, "\\u0000 is not allowed in a string");
                return -1;
            }
            if (u >= 0xdc00 && u <= 0xdfff) {
                fail(r, bs, "invalid Unicode '\\u%04lX' (a low surrogate alone)", u);
                return -1;
            }
            if (u >= 0xd800 && u <= 0xdbff) {
                lo = e - bs >= 12 && bs[6] == '\\' && bs[7] == 'u'
                         ? pcl_json_hex4(bs + 8, (size_t)(e - bs - 8))
                         : -1;
                if (lo < 0xdc00 || lo > 0xdfff) {
                    fail(r, bs, "invalid Unicode '\\u%04lX' (a high surrogate without its pair)",
                         u);
                    return -1;
                }
                tl = pcl_utf8_encode(tmp,
                                     (uint32_t)(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00)));
                s = bs + 12;
                if (pcl_buf_append(out, tmp, tl) != PCL_OK) {
                    fail(r, bs, "out of memory");
                    return -1;
                }
                continue;
            }
            tl = pcl_utf8_encode(tmp, (uint32_t)u);
            s = bs + 6;
            if (pcl_buf_append(out, tmp, tl) != PCL_OK) {
                fail(r, bs, "out of memory");
                return -1;
            }
            continue;
        default:
            fail(r, bs, "invalid escape '\\%c'", bs[1] >= 0x20 && bs[1] < 0x7f ? bs[1] : '?');
            return -1;
        }
        s = bs + 2;
        if (pcl_buf_append(out, tmp, tl) != PCL_OK) {
            fail(r, bs, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* The first byte of s[0..e) that is not copied as is ('"', '\\', a control byte or a byte of
 * a multi-byte UTF-8 sequence), or e: 16 bytes at a time where SSE2 is there. */
static inline const unsigned char *
plain_end(const unsigned char *s, const unsigned char *e)
{
#if defined(__SSE2__)
    while (e - s >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
        /* signed compare: below 0x20 is a control byte, below 0 a byte from 0x80 up */
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                              _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                 _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);

        if (bits != 0) {
            return s + __builtin_ctz(bits);
        }
        s += 16;
    }
#endif
    while (s < e && str_class[*s] == C_PLAIN) {
        s++;
    }
    return s;
}

/* The string literal at r->p (its opening quote): its decoded value in *ptr and *len (pointing
 * into buf when it has no escapes, into scratch otherwise; *escaped says which); r->p moves
 * past it. */
static int
read_string(struct reader *r, struct pcl_buf *scratch, const char **ptr, size_t *len, bool *escaped)
{
    const unsigned char *s = (const unsigned char *)r->p + 1;
    const unsigned char *e = (const unsigned char *)r->end;
    const unsigned char *start = s;
    bool escapes = false;

    for (;;) {
        unsigned char cls;

        s = plain_end(s, e);
        if (s == e) {
            fail(r, (const char *)start - 1, "premature end of input in a string");
            return -1;
        }
        cls = str_class[*s];
        if (cls == C_QUOTE) {
            break;
        }
        if (cls == C_ESC) {
            if (s + 1 == e) {
                fail(r, (const char *)s, "premature end of input in a string");
                return -1;
            }
            escapes = true;
            s += 2; /* the escaped byte is checked when decoding; a control byte is caught
                       here first only if it is not escaped, as in jansson */
            if (s[-1] < 0x20 || s[-1] >= 0x80) {
                fail(r, (const char *)s - 2, "invalid escape");
                return -1;
            }
            continue;
        }
        if (cls == C_CTRL) {
            fail(r, (const char *)s, "control character 0x%x in a string", *s);
            return -1;
        }
        {
            uint32_t cp;
            size_t n = pcl_utf8_decode((const char *)s, (size_t)(e - s), &cp);

            if (n == 0) {
                fail(r, (const char *)s, "unable to decode byte 0x%x (not UTF-8)", *s);
                return -1;
            }
            s += n;
        }
    }
    r->p = (const char *)s + 1;
    *escaped = escapes;
    if (!escapes) {
        *ptr = (const char *)start;
        *len = (size_t)(s - start);
        return 0;
    }
    if (unescape(r, (const char *)start, (size_t)(s - start), scratch) != 0) {
        return -1;
    }
    *ptr = scratch->ptr != NULL ? scratch->ptr : "";
    *len = scratch->len;
    return 0;
}

/* The number at r->p, checked as jansson does: *real says which kind, *iv or *dv its value;
 * r->p moves past it. */
static int
scan_number(struct reader *r, bool *real, json_int_t *iv, double *dv)
{
    const char *s = r->p, *q = r->p, *e = r->end;

    *real = false;
    if (q < e && *q == '-') {
        q++;
    }
    if (q < e && *q == '0') {
        q++;
        if (q < e && *q >= '0' && *q <= '9') {
            fail(r, s, "invalid token (a number with a leading zero)");
            return -1;
        }
    } else if (q < e && *q >= '1' && *q <= '9') {
        while (q < e && *q >= '0' && *q <= '9') {
            q++;
        }
    } else {
        fail(r, s, "invalid token");
        return -1;
    }
    if (q < e && *q == '.') {
        *real = true;
        q++;
        if (q == e || *q < '0' || *q > '9') {
            fail(r, s, "invalid token (a number without digits after its '.')");
            return -1;
        }
        while (q < e && *q >= '0' && *q <= '9') {
            q++;
        }
    }
    if (q < e && (*q == 'e' || *q == 'E')) {
        *real = true;
        q++;
        if (q < e && (*q == '+' || *q == '-')) {
            q++;
        }
        if (q == e || *q < '0' || *q > '9') {
            fail(r, s, "invalid token (a number without exponent digits)");
            return -1;
        }
        while (q < e && *q >= '0' && *q <= '9') {
            q++;
        }
    }
    r->p = q;
    if (!*real) {
        bool neg = *s == '-';
        uint64_t v = 0;
        uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;

        for (const char *d = s + neg; d < q; d++) {
            unsigned dig = (unsigned)(*d - '0');

            if (v > (lim - dig) / 10) {
                fail(r, s, neg ? "too big negative integer" : "too big integer");
                return -1;
            }
            v = v * 10 + dig;
        }
        /* -(2^63) is the one value whose magnitude is not an int64_t */
        *iv = neg ? (json_int_t)(0 - v) : (json_int_t)v;
        return 0;
    }
    {
        char local[64];
        char *t = local;
        size_t n = (size_t)(q - s);

        if (n >= sizeof(local)) {
            t = pcl_malloc(n + 1);
            if (t == NULL) {
                fail(r, s, "out of memory");
                return -1;
            }
        }
        memcpy(t, s, n);
        t[n] = '\0';
        errno = 0;
        *dv = strtod(t, NULL);
        if (t != local) {
            pcl_free(t);
        }
        if (errno == ERANGE && (*dv == HUGE_VAL || *dv == -HUGE_VAL)) {
            fail(r, s, "real number overflow");
            return -1;
        }
    }
    return 0;
}

/* Link a new tree value to the innermost container (or make it the root). Steals v. */
static int
attach(struct reader *r, json_t *v, const char *at)
{
    json_t *top;

    if (v == NULL) {
        fail(r, at, "out of memory");
        return -1;
    }
    if (r->depth == 0) {
        r->root = v;
        return 0;
    }
    top = r->stack[r->depth - 1].j;
    if ((r->flags & JSON_REJECT_DUPLICATES) && json_is_object(top) &&
        json_object_getn(top, r->kptr, r->klen) != NULL) {
        json_decref(v);
        fail(r, at, "duplicate object key");
        return -1;
    }
    if (json_is_array(top) ? json_array_append_new(top, v) != 0
                           : json_object_setn_new_nocheck(top, r->kptr, r->klen, v) != 0) {
        fail(r, at, "out of memory");
        return -1;
    }
    return 0;
}

/* A token starting at `at` (its end is set by the caller); counted as a member or element of
 * the innermost container unless it is a key. */
static long
tok_new(struct reader *r, json_type type, const char *at, bool key)
{
    struct pcl_gw_jtok *t;

    if (r->n == r->cap) {
        r->full = true;
        return -1;
    }
    if (!key && r->depth > 0) {
        r->t[r->stack[r->depth - 1].tok].count++;
    }
    t = &r->t[r->n];
    *t = (struct pcl_gw_jtok){.type = type,
                              .start = (uint32_t)(at - r->buf),
                              .end = (uint32_t)(r->p - r->buf),
                              .skip = (uint32_t)r->n + 1};
    return (long)r->n++;
}

/* A value that starts at `at` and ends at r->p: made and linked (tree) or recorded
 * (tokens). s/n is a string's decoded text, iv/dv a number's value. Containers are opened. */
static int
produce(struct reader *r, json_type type, const char *at, const char *s, size_t n, json_int_t iv,
        double dv)
{
    struct frame f = {.array = type == JSON_ARRAY};
    bool container = type == JSON_OBJECT || type == JSON_ARRAY;

    if (r->t != NULL) {
        long i = tok_new(r, type, at, false);

        if (i < 0) {
            return -1;
        }
        f.tok = (uint32_t)i;
    } else {
        json_t *v = NULL;

        switch (type) {
        case JSON_OBJECT:
            v = json_object();
            break;
        case JSON_ARRAY:
            v = json_array();
            break;
        case JSON_STRING:
            v = json_stringn_nocheck(s, n);
            break;
        case JSON_INTEGER:
            v = json_integer(iv);
            break;
        case JSON_REAL:
            v = json_real(dv);
            break;
        case JSON_TRUE:
            v = json_true();
            break;
        case JSON_FALSE:
            v = json_false();
            break;
        case JSON_NULL:
            v = json_null();
            break;
        }
        if (attach(r, v, at) != 0) {
            return -1;
        }
        f.j = v;
    }
    if (!container) {
        return 0;
    }
    if (r->depth == (r->t != NULL ? TOK_DEPTH : PCL_GW_JTREE_MAX_DEPTH)) {
        if (r->t != NULL) {
            r->full = true;
        } else {
            fail(r, at, "maximum parsing depth reached (%d)", PCL_GW_JTREE_MAX_DEPTH);
        }
        return -1;
    }
    if (r->depth == r->scap) {
        size_t ncap = PCL_MIN(r->scap * 4, (size_t)PCL_GW_JTREE_MAX_DEPTH);
        struct frame *ns = pcl_malloc(ncap * sizeof(*ns));

        if (ns == NULL) {
            fail(r, at, "out of memory");
            return -1;
        }
        memcpy(ns, r->stack, r->depth * sizeof(*ns));
        if (r->stack != r->inline_stack) {
            pcl_free(r->stack);
        }
        r->stack = ns;
        r->scap = ncap;
    }
    r->stack[r->depth++] = f;
    return 0;
}

/* The innermost container ends at r->p. */
static void
close_container(struct reader *r)
{
    struct frame *f = &r->stack[--r->depth];

    if (r->t != NULL) {
        r->t[f->tok].end = (uint32_t)(r->p - r->buf);
        r->t[f->tok].skip = (uint32_t)r->n;
    }
}

/* The key of the next member at r->p, then its ':'. */
static int
read_key(struct reader *r)
{
    const char *at;
    bool escaped;

    skip_ws(r);
    at = r->p;
    if (at == r->end || *at != '"') {
        fail(r, at,
             at == r->end ? "premature end of input (a key or '}' expected)"
                          : "string or '}' expected");
        return -1;
    }
    if (read_string(r, &r->key, &r->kptr, &r->klen, &escaped) != 0) {
        return -1;
    }
    /* a raw NUL is refused as a control byte; only an escape can make one */
    if (escaped && memchr(r->kptr, '\0', r->klen) != NULL) {
        fail(r, at, "NUL byte in object key not supported");
        return -1;
    }
    if (r->t != NULL) {
        if (tok_new(r, JSON_STRING, at, true) < 0) {
            return -1;
        }
        r->t[r->n - 1].count = escaped;
    }
    skip_ws(r);
    if (r->p == r->end || *r->p != ':') {
        fail(r, r->p, "':' expected");
        return -1;
    }
    r->p++;
    return 0;
}

static int
parse(struct reader *r)
{
    skip_ws(r);
    if (!(r->flags & JSON_DECODE_ANY) && (r->p == r->end || (*r->p != '{' && *r->p != '['))) {
        fail(r, r->p, "'[' or '{' expected");
        return -1;
    }
    for (;;) {
        const char *at;

        /* a value */
        skip_ws(r);
        at = r->p;
        if (at == r->end) {
            fail(r, at, "premature end of input (a value expected)");
            return -1;
        }
        if (*at == '{' || *at == '[') {
            char close = *at == '{' ? '}' : ']';

            r->p++;
            if (produce(r, close == '}' ? JSON_OBJECT : JSON_ARRAY, at, NULL, 0, 0, 0) != 0) {
                return -1;
            }
            skip_ws(r);
            if (r->p < r->end && *r->p == close) {
                r->p++;
                close_container(r);
            } else {
                if (close == '}' && read_key(r) != 0) {
                    return -1;
                }
                continue;
            }
        } else if (*at == '"') {
            const char *str;
            size_t n;
            bool escaped;

            if (read_string(r, &r->str, &str, &n, &escaped) != 0 ||
                produce(r, JSON_STRING, at, str, n, 0, 0) != 0) {
                return -1;
            }
            if (r->t != NULL) {
                r->t[r->n - 1].count = escaped;
            }
        } else if (*at == 't' || *at == 'f' || *at == 'n') {
            static const char *const words[] = {"true", "false", "null"};
            static const json_type types[] = {JSON_TRUE, JSON_FALSE, JSON_NULL};
            size_t w = *at == 't' ? 0 : *at == 'f' ? 1 : 2;
            size_t wl = strlen(words[w]);

            if ((size_t)(r->end - at) < wl || memcmp(at, words[w], wl) != 0) {
                fail(r, at, "invalid token");
                return -1;
            }
            r->p += wl;
            if (produce(r, types[w], at, NULL, 0, 0, 0) != 0) {
                return -1;
            }
        } else if (*at == '-' || (*at >= '0' && *at <= '9')) {
            bool real;
            json_int_t iv = 0;
            double dv = 0;

            if (scan_number(r, &real, &iv, &dv) != 0 ||
                produce(r, real ? JSON_REAL : JSON_INTEGER, at, NULL, 0, iv, dv) != 0) {
                return -1;
            }
        } else {
            fail(r, at, "invalid token");
            return -1;
        }
        /* after a value: close containers, or go on to the next member or element */
        for (;;) {
            char close;

            if (r->depth == 0) {
                skip_ws(r);
                if (r->p != r->end) {
                    fail(r, r->p, "end of file expected");
                    return -1;
                }
                return 0;
            }
            close = r->stack[r->depth - 1].array ? ']' : '}';
            skip_ws(r);
            if (r->p == r->end) {
                fail(r, r->p, "premature end of input (',' or '%c' expected)", close);
                return -1;
            }
            if (*r->p == ',') {
                r->p++;
                if (close == '}' && read_key(r) != 0) {
                    return -1;
                }
                break;
            }
            if (*r->p != close) {
                fail(r, r->p, "',' or '%c' expected", close);
                return -1;
            }
            r->p++;
            close_container(r);
        }
    }
}

/* Run the reader over buf[0..len) into r's output (set by the caller). */
static int
run(struct reader *r, const char *buf, size_t len)
{
    struct frame inline_stack[STACK_INLINE];
    int rc;

    r->buf = r->p = buf;
    r->end = buf + len;
    r->stack = r->inline_stack = inline_stack;
    r->scap = STACK_INLINE;
    pcl_buf_init(&r->key, 0);
    pcl_buf_init(&r->str, 0);
    rc = parse(r);
    if (r->stack != r->inline_stack) {
        pcl_free(r->stack);
    }
    pcl_buf_fini(&r->key);
    pcl_buf_fini(&r->str);
    return rc;
}

json_t *
pcl_gw_json_parse(const char *buf, size_t len, size_t flags, json_error_t *err)
{
    struct reader r = {.err = err, .flags = flags};

    if (run(&r, buf != NULL ? buf : "", buf != NULL ? len : 0) != 0) {
        json_decref(r.root);
        return NULL;
    }
    return r.root;
}

/* ---- flat tokens ------------------------------------------------------------------- */

/* Whitespace at p, or p itself; NULL at a byte below 0x20 that is not whitespace (invalid
 * outside a string). */
static inline const char *
tok_ws(const char *p, const char *end)
{
    while (p < end && (unsigned char)*p <= ' ') {
        if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') {
            return NULL;
        }
        p++;
    }
    return p;
}

/* The string literal at p, without its value: where it ends, or NULL when it is not valid.
 * Plain runs are skipped inline; escapes and multi-byte UTF-8 go through read_string.
 * *escaped: it had escapes. */
static inline const char *
tok_string(struct reader *r, const char *p, bool *escaped)
{
    const unsigned char *s = plain_end((const unsigned char *)p + 1, (const unsigned char *)r->end);
    const char *str;
    size_t n;

    *escaped = false;
    if (s < (const unsigned char *)r->end && *s == '"') {
        return (const char *)s + 1;
    }
    r->p = p;
    /* no NUL check as read_key makes: unescape refuses \u0000, and a raw NUL is a control
     * byte */
    if (read_string(r, &r->str, &str, &n, escaped) != 0) {
        return NULL;
    }
    return r->p;
}

/* The token output in one tight loop, for the documents the gateway meets per SSE event.
 * Whatever it accepts parse() accepts with the same tokens; anything else (invalid JSON,
 * more than cap tokens, more than TOK_DEPTH levels) returns 1 without a word, and the
 * caller runs parse() for the verdict and the error's place. 0 with r->n tokens. */
static int
tok_fast(struct reader *r)
{
    const char *const buf = r->buf, *const end = r->end;
    const char *p = tok_ws(buf, end);
    struct pcl_gw_jtok *const t = r->t;
    uint32_t stk[TOK_DEPTH];
    uint64_t arrays = 0; /* bit d: the container at depth d is an array */
    size_t depth = 0, n = 0;
    bool esc = false;

    if (p == NULL || p == end || (*p != '{' && *p != '[')) {
        return 1;
    }
    for (;;) {
        const char *at = p;
        json_type type;

        /* a value at p (whitespace skipped) */
        if (p == end || n == r->cap) {
            return 1;
        }
        switch (*p) {
        case '"':
            if ((p = tok_string(r, p, &esc)) == NULL) {
                return 1;
            }
            type = JSON_STRING;
            break;
        case '{':
        case '[':
            if (depth == TOK_DEPTH) {
                return 1;
            }
            if (depth > 0) {
                t[stk[depth - 1]].count++;
            }
            t[n] = (struct pcl_gw_jtok){.type = *p == '{' ? JSON_OBJECT : JSON_ARRAY,
                                        .start = (uint32_t)(p - buf)};
            arrays = *p == '[' ? arrays | (1ull << depth) : arrays & ~(1ull << depth);
            stk[depth++] = (uint32_t)n++;
            if ((p = tok_ws(p + 1, end)) == NULL || p == end) {
                return 1;
            }
            if (*p == ((arrays >> (depth - 1)) & 1 ? ']' : '}')) {
                goto close; /* empty */
            }
            if ((arrays >> (depth - 1)) & 1) {
                continue; /* the first element */
            }
            goto key;
        case 't':
        case 'n':
            if (end - p < 4 || memcmp(p, *p == 't' ? "true" : "null", 4) != 0) {
                return 1;
            }
            type = *p == 't' ? JSON_TRUE : JSON_NULL;
            p += 4;
            break;
        case 'f':
            if (end - p < 5 || memcmp(p, "false", 5) != 0) {
                return 1;
            }
            type = JSON_FALSE;
            p += 5;
            break;
        default: {
            const char *d = p + (*p == '-'), *q = d;
            bool real;
            json_int_t iv;
            double dv;

            if (*p != '-' && (*p < '0' || *p > '9')) {
                return 1;
            }
            while (q < end && *q >= '0' && *q <= '9') {
                q++;
            }
            /* an integer of 1 to 18 digits, no leading zero: valid, and no overflow */
            if (q > d && q - d <= 18 && (*d != '0' || q - d == 1) &&
                (q == end || (*q != '.' && *q != 'e' && *q != 'E'))) {
                p = q;
                type = JSON_INTEGER;
                break;
            }
            r->p = p;
            if (scan_number(r, &real, &iv, &dv) != 0) {
                return 1;
            }
            p = r->p;
            type = real ? JSON_REAL : JSON_INTEGER;
            break;
        }
        }
        /* depth > 0 here: the root is a container */
        t[stk[depth - 1]].count++;
        t[n] = (struct pcl_gw_jtok){.type = type,
                                    .start = (uint32_t)(at - buf),
                                    .end = (uint32_t)(p - buf),
                                    .skip = (uint32_t)n + 1,
                                    .count = type == JSON_STRING && esc};
        n++;
        /* after a value: close containers, or go on to the next member or element */
        for (;;) {
            if ((p = tok_ws(p, end)) == NULL || p == end) {
                return 1;
            }
            if (*p == ',') {
                p++;
                if ((arrays >> (depth - 1)) & 1) {
                    if ((p = tok_ws(p, end)) == NULL) {
                        return 1;
                    }
                    break;
                }
                goto key;
            }
            if (*p != ((arrays >> (depth - 1)) & 1 ? ']' : '}')) {
                return 1;
            }
        close:
            p++;
            t[stk[depth - 1]].end = (uint32_t)(p - buf);
            t[stk[depth - 1]].skip = (uint32_t)n;
            if (--depth == 0) {
                if ((p = tok_ws(p, end)) == NULL || p != end) {
                    return 1;
                }
                r->n = n;
                return 0;
            }
        }
        continue;
    key:
        /* a member's key at p (whitespace before it not yet skipped), then its ':' */
        if ((p = tok_ws(p, end)) == NULL || p == end || *p != '"' || n == r->cap) {
            return 1;
        }
        at = p;
        if ((p = tok_string(r, p, &esc)) == NULL) {
            return 1;
        }
        t[n] = (struct pcl_gw_jtok){.type = JSON_STRING,
                                    .start = (uint32_t)(at - buf),
                                    .end = (uint32_t)(p - buf),
                                    .skip = (uint32_t)n + 1,
                                    .count = esc};
        n++;
        if ((p = tok_ws(p, end)) == NULL || p == end || *p != ':') {
            return 1;
        }
        if ((p = tok_ws(p + 1, end)) == NULL) {
            return 1;
        }
    }
}

int
pcl_gw_jtok_parse(const char *buf, size_t len, struct pcl_gw_jtok *t, size_t cap, size_t *n,
                  json_error_t *err)
{
    struct reader r = {.err = NULL, .t = t, .cap = cap, .buf = buf, .end = buf + len};
    int rc;

    *n = 0;
    if (buf == NULL || len >= UINT32_MAX) {
        return 1;
    }
    pcl_buf_init(&r.key, 0);
    pcl_buf_init(&r.str, 0);
    rc = tok_fast(&r);
    pcl_buf_fini(&r.key);
    pcl_buf_fini(&r.str);
    if (rc == 0) {
        *n = r.n;
        return 0;
    }
    return pcl_gw_jtok_parse_ref(buf, len, t, cap, n, err);
}

int
pcl_gw_jtok_parse_ref(const char *buf, size_t len, struct pcl_gw_jtok *t, size_t cap, size_t *n,
                      json_error_t *err)
{
    struct reader r = {.err = err, .t = t, .cap = cap};

    *n = 0;
    if (buf == NULL || len >= UINT32_MAX) {
        return 1;
    }
    if (run(&r, buf, len) != 0) {
        return r.full ? 1 : -1;
    }
    *n = r.n;
    return 0;
}

int
pcl_gw_jtok_str(const char *buf, const struct pcl_gw_jtok *t, struct pcl_buf *scratch,
                const char **ptr, size_t *len)
{
    const char *raw = buf + t->start + 1;
    size_t n = t->end - t->start - 2;
    struct reader r = {.buf = buf, .p = raw, .end = raw + n};

    if (t->count == 0) { /* no escapes */
        *ptr = raw;
        *len = n;
        return 0;
    }
    if (unescape(&r, raw, n, scratch) != 0) {
        return -1;
    }
    *ptr = scratch->ptr != NULL ? scratch->ptr : "";
    *len = scratch->len;
    return 0;
}

/* Raw key bytes p[0..pl) (which hold no NUL) equal to the C string k. */
static inline bool
key_is(const char *p, size_t pl, const char *k)
{
    for (size_t i = 0; i < pl; i++) {
        if (k[i] != p[i]) {
            return false; /* also where k ends first */
        }
    }
    return k[pl] == '\0';
}

/* Member t[i]'s key written with escapes: which of keys it decodes to, as a bit set. */
static unsigned
key_match_escaped(const char *buf, const struct pcl_gw_jtok *t, const char *const *keys,
                  size_t nkeys)
{
    struct pcl_buf sc;
    const char *p;
    size_t pl;
    unsigned hit = 0;

    pcl_buf_init(&sc, 0);
    if (pcl_gw_jtok_str(buf, t, &sc, &p, &pl) == 0) { /* decoded keys hold no NUL */
        for (size_t k = 0; k < nkeys; k++) {
            hit |= key_is(p, pl, keys[k]) ? 1u << k : 0;
        }
    }
    pcl_buf_fini(&sc);
    return hit;
}

size_t
pcl_gw_jtok_getv(const char *buf, const struct pcl_gw_jtok *t, size_t obj, const char *const *keys,
                 size_t *out, size_t nkeys)
{
    size_t i = obj + 1, matched = 0;

    if (nkeys > 8) {
        return (size_t)-1;
    }
    for (size_t k = 0; k < nkeys; k++) {
        out[k] = 0;
    }
    if (t[obj].type != JSON_OBJECT) {
        return 0;
    }
    for (uint32_t m = 0; m < t[obj].count; m++) {
        const char *p = buf + t[i].start + 1;
        size_t pl = t[i].end - t[i].start - 2;
        unsigned hit = 0;

        if (t[i].count != 0) {
            hit = key_match_escaped(buf, &t[i], keys, nkeys);
        } else {
            for (size_t k = 0; k < nkeys; k++) {
                hit |= key_is(p, pl, keys[k]) ? 1u << k : 0;
            }
        }
        for (size_t k = 0; hit != 0; k++, hit >>= 1) {
            if (hit & 1) {
                out[k] = i + 1; /* a later repeat replaces it, as in jansson */
                matched++;
            }
        }
        i = t[i + 1].skip;
    }
    return matched;
}

size_t
pcl_gw_jtok_get(const char *buf, const struct pcl_gw_jtok *t, size_t obj, const char *key)
{
    size_t v;

    (void)pcl_gw_jtok_getv(buf, t, obj, &key, &v, 1);
    return v;
}

json_int_t
pcl_gw_jtok_int(const char *buf, const struct pcl_gw_jtok *t)
{
    uint64_t v = 0;
    const char *d = buf + t->start, *e = buf + t->end;
    bool neg = d < e && *d == '-';

    for (d += neg; d < e; d++) {
        v = v * 10 + (uint64_t)(*d - '0');
    }
    return neg ? (json_int_t)(0 - v) : (json_int_t)v;
}

int
pcl_gw_jtok_splice(const char *buf, size_t len, struct pcl_gw_jedit *e, size_t n,
                   json_dump_callback_t put, void *data)
{
    size_t at = 0;

    /* insertion sort by start (a handful of edits); an insertion sorts before a
     * replacement that starts at the same byte */
    for (size_t i = 1; i < n; i++) {
        struct pcl_gw_jedit x = e[i];
        size_t j = i;

        while (j > 0 &&
               (e[j - 1].start > x.start || (e[j - 1].start == x.start && e[j - 1].end > x.end))) {
            e[j] = e[j - 1];
            j--;
        }
        e[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        if (e[i].start < at || e[i].end < e[i].start || e[i].end > len) {
            return -1;
        }
        if ((e[i].start > at && put(buf + at, e[i].start - at, data) != 0) ||
            (e[i].len > 0 && put(e[i].repl, e[i].len, data) != 0)) {
            return -1;
        }
        at = e[i].end;
    }
    return len > at && put(buf + at, len - at, data) != 0 ? -1 : 0;
}

/* ---- writer ------------------------------------------------------------------------- */

#define OUT_BUF 4096

struct writer {
    json_dump_callback_t put;
    void *data;
    size_t n;
    bool failed;
    char buf[OUT_BUF];
};

static void
flush(struct writer *w)
{
    if (w->n > 0 && !w->failed && w->put(w->buf, w->n, w->data) != 0) {
        w->failed = true;
    }
    w->n = 0;
}

static void
emit(struct writer *w, const char *s, size_t n)
{
    if (w->failed) {
        return;
    }
    if (n > OUT_BUF - w->n) {
        flush(w);
        if (n >= OUT_BUF) {
            if (!w->failed && w->put(s, n, w->data) != 0) {
                w->failed = true;
            }
            return;
        }
    }
    memcpy(w->buf + w->n, s, n);
    w->n += n;
}

static inline void
emit_char(struct writer *w, char c)
{
    if (w->n == OUT_BUF) {
        flush(w);
    }
    w->buf[w->n++] = c;
}

/* jansson's dump_string without flags: '"', '\\' and control bytes escaped (\b \f \n \r \t,
 * others as \u00XX in upper-case hex), everything else as is; invalid UTF-8 fails. */
static void
emit_string(struct writer *w, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str, *e = s + len;

    emit_char(w, '"');
    while (s < e && !w->failed) {
        const unsigned char *run = s;
        unsigned char c;
        char esc[8];
        size_t el = 2;

        while (s < e && str_class[*s] == C_PLAIN) {
            s++;
        }
        if (s > run) {
            emit(w, (const char *)run, (size_t)(s - run));
        }
        if (s == e) {
            break;
        }
        c = *s;
        if (str_class[c] == C_HIGH) {
            uint32_t cp;
            size_t n = pcl_utf8_decode((const char *)s, (size_t)(e - s), &cp);

            if (n == 0) {
                w->failed = true;
                return;
            }
            emit(w, (const char *)s, n);
            s += n;
            continue;
        }
        esc[0] = '\\';
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = "0123456789ABCDEF"[c >> 4];
            esc[5] = "0123456789ABCDEF"[c & 15];
            el = 6;
            break;
        }
        emit(w, esc, el);
        s++;
    }
    emit_char(w, '"');
}

static void
emit_integer(struct writer *w, json_int_t v)
{
    char t[PCL_I64_CHARS];

    emit(w, t, pcl_fmt_i64(t, (int64_t)v));
}

static int
writer_put_cb(const char *s, size_t n, void *data)
{
    emit(data, s, n);
    return ((struct writer *)data)->failed ? -1 : 0;
}

static void
emit_value(struct writer *w, const json_t *j, size_t depth)
{
    if (w->failed) {
        return;
    }
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        /* jansson's iterator takes a mutable object but only reads it */
        json_t *o = (json_t *)(uintptr_t)j;
        bool first = true;

        if (depth >= PCL_GW_JTREE_MAX_DEPTH) {
            w->failed = true;
            return;
        }
        emit_char(w, '{');
        for (void *it = json_object_iter(o); it != NULL && !w->failed;
             it = json_object_iter_next(o, it)) {
            if (!first) {
                emit_char(w, ',');
            }
            first = false;
            emit_string(w, json_object_iter_key(it), json_object_iter_key_len(it));
            emit_char(w, ':');
            emit_value(w, json_object_iter_value(it), depth + 1);
        }
        emit_char(w, '}');
        break;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(j);

        if (depth >= PCL_GW_JTREE_MAX_DEPTH) {
            w->failed = true;
            return;
        }
        emit_char(w, '[');
        for (size_t i = 0; i < n && !w->failed; i++) {
            if (i > 0) {
                emit_char(w, ',');
            }
            emit_value(w, json_array_get(j, i), depth + 1);
        }
        emit_char(w, ']');
        break;
    }
    case JSON_STRING:
        emit_string(w, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        emit_integer(w, json_integer_value(j));
        break;
    case JSON_REAL:
        /* jansson's shortest round-trip form of a double: its own code, for the same bytes */
        if (json_dump_callback(j, writer_put_cb, w, JSON_COMPACT | JSON_ENCODE_ANY) != 0) {
            w->failed = true;
        }
        break;
    case JSON_TRUE:
        emit(w, "true", 4);
        break;
    case JSON_FALSE:
        emit(w, "false", 5);
        break;
    case JSON_NULL:
        emit(w, "null", 4);
        break;
    }
}

int
pcl_gw_json_dump(const json_t *j, json_dump_callback_t put, void *data)
{
    struct writer w = {.put = put, .data = data};

    if (j == NULL) {
        return -1;
    }
    emit_value(&w, j, 0);
    flush(&w);
    return w.failed ? -1 : 0;
}
