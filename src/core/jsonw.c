/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming compact JSON writer (one top-level value per line) and RFC 8259 string escaping. */
#include "common.h"

#include <inttypes.h>
#include <math.h>

#define JW_MAX_DEPTH 63u

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD in UTF-8 */

#define ONES 0x0101010101010101ull
#define HIGH 0x8080808080808080ull

/* True when none of the 8 bytes in x needs escaping or UTF-8 checking (SWAR: a byte below
 * 0x20, equal to '"' or '\\', or with the high bit set makes it false). */
static inline bool
word_is_plain(uint64_t x)
{
    uint64_t quote = x ^ (ONES * '"');
    uint64_t bslash = x ^ (ONES * '\\');
    uint64_t ctrl = (x - ONES * 0x20) & ~x;
    uint64_t has_quote = (quote - ONES) & ~quote;
    uint64_t has_bslash = (bslash - ONES) & ~bslash;

    return ((x | ctrl | has_quote | has_bslash) & HIGH) == 0;
}

/* True for bytes copied verbatim: printable ASCII other than '"' and '\\'. */
static inline bool
is_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static enum pcl_rc
escape_byte(struct pcl_buf *out, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0x0f]};

    switch (c) {
    case '"':
        return pcl_buf_append(out, "\\\"", 2);
    case '\\':
        return pcl_buf_append(out, "\\\\", 2);
    case '\b':
        return pcl_buf_append(out, "\\b", 2);
    case '\f':
        return pcl_buf_append(out, "\\f", 2);
    case '\n':
        return pcl_buf_append(out, "\\n", 2);
    case '\r':
        return pcl_buf_append(out, "\\r", 2);
    case '\t':
        return pcl_buf_append(out, "\\t", 2);
    default:
        return pcl_buf_append(out, esc, sizeof(esc));
    }
}

/* Append s[from..to) verbatim; s may be NULL when the range is empty. */
static enum pcl_rc
append_run(struct pcl_buf *out, const char *s, size_t from, size_t to)
{
    if (to == from) {
        return PCL_OK;
    }
    return pcl_buf_append(out, s + from, to - from);
}

/* The string contents without quotes. Runs of plain ASCII and well-formed multi-byte
 * sequences are appended in one copy; each byte that starts no well-formed sequence becomes
 * one U+FFFD. */
static enum pcl_rc
escape_body(struct pcl_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0; /* start of the pending verbatim run */
    size_t i = 0;
    enum pcl_rc rc = PCL_OK;

    while (i < n && rc == PCL_OK) {
        uint32_t cp;
        uint64_t word;
        size_t len = 1;

        if (n - i >= sizeof(word)) {
            memcpy(&word, p + i, sizeof(word));
            if (word_is_plain(word)) {
                i += sizeof(word);
                continue;
            }
        }
        if (!is_plain(p[i])) {
            len = p[i] < 0x80 ? 0 : pcl_utf8_decode(s + i, n - i, &cp);
        }
        if (len > 0) {
            i += len;
            continue;
        }
        rc = append_run(out, s, run, i);
        if (rc == PCL_OK) {
            rc = p[i] < 0x80 ? escape_byte(out, p[i])
                             : pcl_buf_append(out, replacement, sizeof(replacement) - 1);
        }
        i++;
        run = i;
    }
    if (rc == PCL_OK) {
        rc = append_run(out, s, run, n);
    }
    return rc;
}

/* On failure out is restored to its previous contents. */
enum pcl_rc
pcl_json_escape(struct pcl_buf *out, const char *s, size_t n)
{
    size_t start = out->len;
    enum pcl_rc rc;

    /* One reservation covers the common case of nothing to escape. */
    rc = pcl_buf_reserve(out, n > SIZE_MAX - 2 ? SIZE_MAX : n + 2);
    if (rc != PCL_OK) {
        goto out;
    }
    rc = pcl_buf_appendc(out, '"');
    if (rc != PCL_OK) {
        goto out;
    }
    rc = escape_body(out, s, n);
    if (rc != PCL_OK) {
        goto out;
    }
    rc = pcl_buf_appendc(out, '"');
out:
    if (rc != PCL_OK && out->ptr != NULL) {
        out->len = start;
        out->ptr[start] = '\0';
    }
    return rc;
}

/* ---- writer ------------------------------------------------------------------------- */

static void
jw_fail(struct pcl_jw *w, enum pcl_rc rc)
{
    if (w->rc == PCL_OK) {
        w->rc = rc;
    }
}

static void
jw_put(struct pcl_jw *w, const char *p, size_t n)
{
    if (w->rc == PCL_OK) {
        jw_fail(w, pcl_buf_append(w->out, p, n));
    }
}

/* Separator before a value: none after a key or at the top level, else ',' unless the value
 * is the first in its container. Returns false once the writer has failed. */
static bool
jw_begin_value(struct pcl_jw *w)
{
    uint64_t bit = 1ull << w->depth;

    if (w->rc != PCL_OK) {
        return false;
    }
    if (w->after_key) {
        w->after_key = false;
    } else if (w->depth > 0) {
        if ((w->first & bit) != 0) {
            w->first &= ~bit;
        } else {
            jw_put(w, ",", 1);
        }
    }
    return w->rc == PCL_OK;
}

/* A completed top-level value ends its line (JSON Lines). */
static void
jw_end_value(struct pcl_jw *w)
{
    if (w->depth == 0) {
        jw_put(w, "\n", 1);
    }
}

void
pcl_jw_init(struct pcl_jw *w, struct pcl_buf *out)
{
    w->out = out;
    w->first = 1;
    w->depth = 0;
    w->after_key = false;
    w->rc = PCL_OK;
}

static void
jw_open(struct pcl_jw *w, char c)
{
    if (w->rc == PCL_OK && w->depth >= JW_MAX_DEPTH) {
        jw_fail(w, PCL_ELIMIT);
        return;
    }
    if (!jw_begin_value(w)) {
        return;
    }
    jw_put(w, &c, 1);
    w->depth++;
    w->first |= 1ull << w->depth;
}

static void
jw_close(struct pcl_jw *w, char c)
{
    if (w->rc != PCL_OK) {
        return;
    }
    if (w->depth == 0 || w->after_key) {
        jw_fail(w, PCL_EINVAL); /* unbalanced, or a key without its value */
        return;
    }
    jw_put(w, &c, 1);
    w->depth--;
    jw_end_value(w);
}

void
pcl_jw_obj_begin(struct pcl_jw *w)
{
    jw_open(w, '{');
}

void
pcl_jw_obj_end(struct pcl_jw *w)
{
    jw_close(w, '}');
}

void
pcl_jw_arr_begin(struct pcl_jw *w)
{
    jw_open(w, '[');
}

void
pcl_jw_arr_end(struct pcl_jw *w)
{
    jw_close(w, ']');
}

void
pcl_jw_key(struct pcl_jw *w, const char *key)
{
    size_t n, i = 0;
    char tmp[64];

    if (w->rc != PCL_OK) {
        return;
    }
    if (key == NULL || w->depth == 0 || w->after_key) {
        jw_fail(w, PCL_EINVAL);
        return;
    }
    if (!jw_begin_value(w)) {
        return;
    }
    w->after_key = true;
    /* keys are short names, most of them plain ASCII: written in one append */
    n = strlen(key);
    while (n + 3 <= sizeof(tmp) && i < n && is_plain((unsigned char)key[i])) {
        i++;
    }
    if (n + 3 <= sizeof(tmp) && i == n) {
        tmp[0] = '"';
        memcpy(tmp + 1, key, n);
        tmp[n + 1] = '"';
        tmp[n + 2] = ':';
        jw_put(w, tmp, n + 3);
        return;
    }
    jw_fail(w, pcl_json_escape(w->out, key, n));
    jw_put(w, ":", 1);
}

void
pcl_jw_str(struct pcl_jw *w, const char *s, size_t n)
{
    if (s == NULL) {
        pcl_jw_null(w);
        return;
    }
    if (!jw_begin_value(w)) {
        return;
    }
    jw_fail(w, pcl_json_escape(w->out, s, n));
    jw_end_value(w);
}

void
pcl_jw_cstr(struct pcl_jw *w, const char *s)
{
    pcl_jw_str(w, s, s == NULL ? 0 : strlen(s));
}

static void
jw_scalar(struct pcl_jw *w, const char *text, size_t n)
{
    if (!jw_begin_value(w)) {
        return;
    }
    jw_put(w, text, n);
    jw_end_value(w);
}

/* The decimal digits of v, ending at end (no NUL); returns where they start. */
static char *
u64_digits(uint64_t v, char *end)
{
    char *p = end;

    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return p;
}

void
pcl_jw_int(struct pcl_jw *w, int64_t v)
{
    char tmp[24], *end = tmp + sizeof(tmp);
    /* the magnitude without overflow, INT64_MIN included */
    char *p = u64_digits(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, end);

    if (v < 0) {
        *--p = '-';
    }
    jw_scalar(w, p, (size_t)(end - p));
}

void
pcl_jw_uint(struct pcl_jw *w, uint64_t v)
{
    char tmp[24], *end = tmp + sizeof(tmp);
    char *p = u64_digits(v, end);

    jw_scalar(w, p, (size_t)(end - p));
}

/* The shortest of %.15g/%.16g/%.17g that reads back as the same double, so 0.1 stays "0.1". */
void
pcl_jw_double(struct pcl_jw *w, double v)
{
    char tmp[40];
    int len = 0;

    if (!isfinite(v)) {
        pcl_jw_null(w);
        return;
    }
    if (v >= 0.0 && v < 1e6 && !signbit(v)) {
        /* Scores, ratios and seconds mostly have three decimals or fewer: the double nearest
         * k / 1000 prints as that number under %.15g, so write it without printf. */
        double s = v * 1000.0;
        uint64_t k = (uint64_t)s;

        if ((double)k == s && (double)k / 1000.0 == v) {
            char *end = tmp + sizeof(tmp), *p = end;
            unsigned frac = (unsigned)(k % 1000);
            int digits = 3;

            while (frac != 0 && frac % 10 == 0) {
                frac /= 10;
                digits--;
            }
            if (frac != 0) {
                for (int i = 0; i < digits; i++, frac /= 10) {
                    *--p = (char)('0' + frac % 10);
                }
                *--p = '.';
            }
            p = u64_digits(k / 1000, p);
            jw_scalar(w, p, (size_t)(end - p));
            return;
        }
    }
    for (int prec = 15; prec <= 17; prec++) {
        len = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
        if (strtod(tmp, NULL) == v) {
            break;
        }
    }
    /* A locale with a decimal comma must not leak into JSON. */
    for (int i = 0; i < len; i++) {
        if (tmp[i] == ',') {
            tmp[i] = '.';
        }
    }
    jw_scalar(w, tmp, (size_t)len);
}

void
pcl_jw_bool(struct pcl_jw *w, bool v)
{
    if (v) {
        jw_scalar(w, "true", 4);
    } else {
        jw_scalar(w, "false", 5);
    }
}

void
pcl_jw_null(struct pcl_jw *w)
{
    jw_scalar(w, "null", 4);
}

void
pcl_jw_raw(struct pcl_jw *w, const char *json, size_t n)
{
    jw_scalar(w, json, n);
}

enum pcl_rc
pcl_jw_rc(const struct pcl_jw *w)
{
    return w->rc;
}
