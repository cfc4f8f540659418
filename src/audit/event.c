/* SPDX-License-Identifier: Apache-2.0 */
/* Audit events as canonical JSON (sorted keys, no whitespace, integers only), and a fast
 * allocation-free JSON syntax check for events handed to the log. */
#include "audit.h"

#include "common.h"

#define MAX_DEPTH 64

/* ---- syntax check ----------------------------------------------------------------------- */

static size_t
skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
        i++;
    }
    return i;
}

static bool
is_hex(char c)
{
    return pcl_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* s[i] == '"'; returns the offset after the closing quote, or 0 on error. */
static size_t
scan_string(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"') {
            return i + 1;
        }
        if (c < 0x20) {
            return 0;
        }
        if (c == '\\') {
            if (++i == n) {
                return 0;
            }
            if (s[i] == 'u') {
                if (n - i < 5 || !is_hex(s[i + 1]) || !is_hex(s[i + 2]) || !is_hex(s[i + 3]) ||
                    !is_hex(s[i + 4])) {
                    return 0;
                }
                i += 4;
            } else if (strchr("\"\\/bfnrt", s[i]) == NULL || s[i] == '\0') {
                return 0;
            }
        }
    }
    return 0;
}

static size_t
scan_digits(const char *s, size_t n, size_t i)
{
    size_t start = i;

    while (i < n && pcl_is_digit(s[i])) {
        i++;
    }
    return i > start ? i : 0;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; returns the end offset or 0. */
static size_t
scan_number(const char *s, size_t n, size_t i)
{
    if (s[i] == '-') {
        i++;
    }
    if (i < n && s[i] == '0') {
        i++;
    } else {
        i = scan_digits(s, n, i);
        if (i == 0) {
            return 0;
        }
    }
    if (i < n && s[i] == '.') {
        i = scan_digits(s, n, i + 1);
        if (i == 0) {
            return 0;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        i = scan_digits(s, n, i);
    }
    return i;
}

static size_t
scan_word(const char *s, size_t n, size_t i)
{
    static const char *const words[] = {"true", "false", "null"};

    for (size_t w = 0; w < PCL_ARRAY_LEN(words); w++) {
        size_t l = strlen(words[w]);

        if (n - i >= l && memcmp(s + i, words[w], l) == 0) {
            return i + l;
        }
    }
    return 0;
}

enum json_state { S_VALUE, S_FIRST_VAL, S_KEY, S_FIRST_KEY, S_AFTER };

/* The syntax check's state: a stack of container kinds as bits. */
struct json_scan {
    const char *s;
    size_t n;
    uint64_t is_obj; /* bit d set: the container at depth d is an object */
    unsigned depth;
    enum json_state st;
};

static bool
in_object(const struct json_scan *j)
{
    return (j->is_obj >> (j->depth - 1) & 1) != 0;
}

/* After a value: ',' or the container's closing bracket. Returns the next offset or 0. */
static size_t
after_value(struct json_scan *j, size_t i)
{
    char c = j->s[i];

    if (c == ',') {
        j->st = in_object(j) ? S_KEY : S_VALUE;
        return i + 1;
    }
    if ((c == '}' && in_object(j)) || (c == ']' && !in_object(j))) {
        j->depth--;
        return i + 1;
    }
    return 0;
}

/* In an object: a key string and ':' (or '}' right after '{'). */
static size_t
object_key(struct json_scan *j, size_t i)
{
    size_t next;

    if (j->s[i] == '}' && j->st == S_FIRST_KEY) {
        j->depth--;
        j->st = S_AFTER;
        return i + 1;
    }
    if (j->s[i] != '"') {
        return 0;
    }
    next = scan_string(j->s, j->n, i);
    if (next == 0) {
        return 0;
    }
    next = skip_ws(j->s, j->n, next);
    j->st = S_VALUE;
    return next < j->n && j->s[next] == ':' ? next + 1 : 0;
}

/* A value: a container opens, or a scalar is scanned (or ']' right after '['). */
static size_t
value(struct json_scan *j, size_t i)
{
    char c = j->s[i];

    if (c == ']' && j->st == S_FIRST_VAL) {
        j->depth--;
        j->st = S_AFTER;
        return i + 1;
    }
    if (c == '{' || c == '[') {
        if (j->depth == MAX_DEPTH) {
            return 0;
        }
        j->is_obj =
            c == '{' ? j->is_obj | (uint64_t)1 << j->depth : j->is_obj & ~((uint64_t)1 << j->depth);
        j->depth++;
        j->st = c == '{' ? S_FIRST_KEY : S_FIRST_VAL;
        return i + 1;
    }
    j->st = S_AFTER;
    if (c == '"') {
        return scan_string(j->s, j->n, i);
    }
    if (c == '-' || pcl_is_digit(c)) {
        return scan_number(j->s, j->n, i);
    }
    return scan_word(j->s, j->n, i);
}

bool
pcl_audit_json_object_is_valid(const char *s, size_t n, size_t *bad)
{
    struct json_scan j = {.s = s, .n = n, .st = S_VALUE};
    size_t i = skip_ws(s, n, 0);

    *bad = 0;
    if (!pcl_utf8_is_valid(s, n, bad)) {
        return false;
    }
    if (i == n || s[i] != '{') {
        *bad = i;
        return false;
    }
    while (i < n && !(j.st == S_AFTER && j.depth == 0)) {
        size_t next;

        if (j.st == S_AFTER) {
            next = after_value(&j, i);
        } else if (j.st == S_KEY || j.st == S_FIRST_KEY) {
            next = object_key(&j, i);
        } else {
            next = value(&j, i);
        }
        if (next == 0) {
            *bad = i;
            return false;
        }
        i = skip_ws(s, n, next);
    }
    if (j.depth != 0 || j.st != S_AFTER || i != n) {
        *bad = i;
        return false;
    }
    return true;
}

/* ---- canonical events ------------------------------------------------------------------- */

/* The JSON writer ends a top-level value with a newline (JSON Lines); an event has none. */
static enum pcl_rc
jw_done(struct pcl_jw *w, struct pcl_buf *out, size_t start)
{
    enum pcl_rc rc = pcl_jw_rc(w);

    if (rc == PCL_OK && out->len > start && out->ptr[out->len - 1] == '\n') {
        out->ptr[--out->len] = '\0';
    }
    return rc;
}

void
pcl_audit_interaction_init(struct pcl_audit_interaction *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->prompt_tokens = -1;
    ev->completion_tokens = -1;
    ev->latency_ms = -1;
    ev->upstream_latency_ms = -1;
}

static void
opt_str(struct pcl_jw *w, const char *key, const char *v)
{
    if (v != NULL) {
        pcl_jw_key(w, key);
        pcl_jw_cstr(w, v);
    }
}

static void
opt_int(struct pcl_jw *w, const char *key, int64_t v)
{
    if (v >= 0) {
        pcl_jw_key(w, key);
        pcl_jw_int(w, v);
    }
}

static int
cmp_finding(const void *a, const void *b)
{
    const struct pcl_audit_finding_count *x = a;
    const struct pcl_audit_finding_count *y = b;

    return strcmp(x->type, y->type);
}

enum pcl_rc
pcl_audit_interaction_json(const struct pcl_audit_interaction *ev, struct pcl_buf *out)
{
    struct pcl_audit_finding_count f[PCL_AUDIT_MAX_FINDING_TYPES];
    size_t nf = 0;
    size_t start;
    struct pcl_jw w;

    if (ev->nfindings > PCL_AUDIT_MAX_FINDING_TYPES) {
        return PCL_ELIMIT;
    }
    for (size_t i = 0; i < ev->nfindings; i++) {
        if (ev->findings[i].type == NULL) {
            return PCL_EINVAL;
        }
        f[nf++] = ev->findings[i];
    }
    qsort(f, nf, sizeof(f[0]), cmp_finding);
    start = out->len;
    pcl_jw_init(&w, out);
    /* keys in byte order: the same event always gives the same bytes */
    pcl_jw_obj_begin(&w);
    opt_int(&w, "completion_tokens", ev->completion_tokens);
    opt_str(&w, "decision", ev->decision);
    pcl_jw_key(&w, "findings");
    pcl_jw_obj_begin(&w);
    for (size_t i = 0; i < nf;) {
        uint64_t sum = 0;
        size_t j = i;

        while (j < nf && strcmp(f[j].type, f[i].type) == 0) {
            sum += f[j].count;
            j++;
        }
        pcl_jw_key(&w, f[i].type);
        pcl_jw_uint(&w, sum);
        i = j;
    }
    pcl_jw_obj_end(&w);
    opt_int(&w, "latency_ms", ev->latency_ms);
    opt_str(&w, "model", ev->model);
    opt_str(&w, "policy", ev->policy);
    opt_str(&w, "principal", ev->principal);
    opt_int(&w, "prompt_tokens", ev->prompt_tokens);
    opt_str(&w, "request_digest", ev->request_digest);
    opt_str(&w, "request_id", ev->request_id);
    opt_str(&w, "response_digest", ev->response_digest);
    opt_str(&w, "route", ev->route);
    if (ev->status != 0) {
        pcl_jw_key(&w, "status");
        pcl_jw_int(&w, ev->status);
    }
    pcl_jw_key(&w, "streamed");
    pcl_jw_bool(&w, ev->streamed);
    pcl_jw_key(&w, "time_ms");
    pcl_jw_int(&w, ev->time_ms);
    pcl_jw_key(&w, "type");
    pcl_jw_cstr(&w, "interaction");
    opt_str(&w, "upstream", ev->upstream);
    opt_int(&w, "upstream_latency_ms", ev->upstream_latency_ms);
    pcl_jw_obj_end(&w);
    return jw_done(&w, out, start);
}

enum pcl_rc
pcl_audit_governance_json(const struct pcl_audit_governance *ev, struct pcl_buf *out)
{
    struct pcl_jw w;
    size_t start = out->len;

    if (ev->action == NULL) {
        return PCL_EINVAL;
    }
    pcl_jw_init(&w, out);
    pcl_jw_obj_begin(&w);
    opt_str(&w, "action", ev->action);
    opt_str(&w, "actor", ev->actor);
    opt_str(&w, "detail", ev->detail);
    opt_str(&w, "digest", ev->digest);
    opt_str(&w, "target", ev->target);
    pcl_jw_key(&w, "time_ms");
    pcl_jw_int(&w, ev->time_ms);
    pcl_jw_key(&w, "type");
    pcl_jw_cstr(&w, "governance");
    pcl_jw_obj_end(&w);
    return jw_done(&w, out, start);
}

enum pcl_rc
pcl_audit_digest(const void *data, size_t len, struct pcl_buf *out)
{
    uint8_t h[32];
    enum pcl_rc rc;

    pcl_audit_sha256(data, len, h);
    rc = pcl_buf_appends(out, "sha256:");
    if (rc == PCL_OK) {
        rc = pcl_hex_encode(out, h, sizeof(h));
    }
    return rc;
}
