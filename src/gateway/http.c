/* SPDX-License-Identifier: Apache-2.0 */
/* The gateway's HTTP/1.1 server on libevent bufferevents: request parsing, reply framing,
 * keep-alive and pipelining, timeouts, drain, and replies written straight to the socket. */
#include "http.h"

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event_struct.h>
#include <event2/listener.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum phase {
    PH_HEAD = 0,
    PH_BODY,       /* Content-Length bytes */
    PH_CHUNK_SIZE, /* a chunk-size line */
    PH_CHUNK_DATA,
    PH_CHUNK_CRLF, /* the line end after a chunk's data */
    PH_TRAILER,    /* trailer lines up to the empty one */
    PH_DONE,
};

/* tchar of RFC 9110: ! # $ % & ' * + - . ^ _ ` | ~ DIGIT ALPHA (one byte per value) */
static const unsigned char tchar[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static bool
is_tchar(unsigned char c)
{
    return tchar[c] != 0;
}

static enum gw_http_step
fail(struct gw_http_parser *p, int status, const char *kind, const char *why)
{
    p->status = status;
    p->kind = kind;
    p->why = why;
    return GW_HTTP_FAIL;
}

void
gw_http_parser_init(struct gw_http_parser *p, size_t max_header, size_t max_body)
{
    memset(p, 0, sizeof(*p));
    p->max_header = max_header;
    p->max_body = max_body;
}

void
gw_http_parser_reset(struct gw_http_parser *p)
{
    gw_http_parser_init(p, p->max_header, p->max_body);
}

void
gw_http_req_init(struct gw_http_req *req)
{
    memset(req, 0, sizeof(*req));
    req->minor = 1;
    pcl_buf_init(&req->rhdrs, 4u << 20);
}

void
gw_http_req_reset(struct gw_http_req *req)
{
    struct gw_http_conn *conn = req->conn;
    struct evbuffer *body = req->body;
    char *head = req->head;
    size_t cap = req->head_cap;
    struct pcl_buf rh = req->rhdrs;

    if (body != NULL) {
        (void)evbuffer_drain(body, evbuffer_get_length(body));
    }
    pcl_buf_reset(&rh);
    /* the header table is not cleared: nhdrs says what is valid */
    req->conn = conn;
    req->method = 0;
    req->method_name = NULL;
    req->target = NULL;
    req->target_len = 0;
    req->minor = 1;
    req->nhdrs = 0;
    req->keep_alive = false;
    req->expect_continue = false;
    req->chunked = false;
    req->content_length = 0;
    req->body = body;
    req->head = head;
    req->head_cap = cap;
    req->rhdrs = rh;
    req->close_after = false;
    req->has_ctype = false;
    req->started = false;
    req->active = false;
    req->gone = NULL;
    req->gone_arg = NULL;
}

void
gw_http_req_fini(struct gw_http_req *req)
{
    if (req->body != NULL) {
        evbuffer_free(req->body);
        req->body = NULL;
    }
    pcl_free(req->head);
    req->head = NULL;
    req->head_cap = 0;
    pcl_buf_fini(&req->rhdrs);
}

const char *
gw_http_header(const struct gw_http_req *req, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < req->nhdrs; i++) {
        if (req->hdrs[i].nlen == n && strncasecmp(req->hdrs[i].name, name, n) == 0) {
            return req->hdrs[i].value;
        }
    }
    return NULL;
}

size_t
gw_http_header_count(const struct gw_http_req *req, const char *name)
{
    size_t n = strlen(name), k = 0;

    for (size_t i = 0; i < req->nhdrs; i++) {
        if (req->hdrs[i].nlen == n && strncasecmp(req->hdrs[i].name, name, n) == 0) {
            k++;
        }
    }
    return k;
}

/* ---- the head ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    size_t len;
    enum gw_http_method m;
} methods[] = {
    {"GET", 3, GW_HTTP_GET},     {"POST", 4, GW_HTTP_POST},     {"HEAD", 4, GW_HTTP_HEAD},
    {"PUT", 3, GW_HTTP_PUT},     {"DELETE", 6, GW_HTTP_DELETE}, {"OPTIONS", 7, GW_HTTP_OPTIONS},
    {"PATCH", 5, GW_HTTP_PATCH},
};

/* The request line, NUL-terminating method and target in place. line excludes the line end. */
static enum gw_http_step
parse_request_line(struct gw_http_parser *p, char *line, size_t n, struct gw_http_req *req)
{
    size_t i = 0, m, t0;

    while (i < n && is_tchar((unsigned char)line[i])) {
        i++;
    }
    if (i == 0 || i == n || line[i] != ' ') {
        return fail(p, 400, "request_line", "malformed request line (method)");
    }
    m = i;
    t0 = ++i;
    while (i < n && (unsigned char)line[i] > 0x20 && (unsigned char)line[i] < 0x7f) {
        i++;
    }
    if (i == t0) {
        return fail(p, 400, "request_line", "malformed request line (no target)");
    }
    if (i == n || line[i] != ' ') {
        return fail(p, 400, "request_line",
                    i < n ? "invalid character in the request target"
                          : "malformed request line (no HTTP version)");
    }
    req->target = line + t0;
    req->target_len = i - t0;
    line[i++] = '\0';
    if (n - i != 8 || memcmp(line + i, "HTTP/", 5) != 0 || line[i + 5] < '0' || line[i + 5] > '9' ||
        line[i + 6] != '.' || line[i + 7] < '0' || line[i + 7] > '9') {
        return fail(p, 400, "request_line", "malformed request line (HTTP version)");
    }
    if (line[i + 5] != '1') {
        return fail(p, 400, "version", "unsupported HTTP version (only HTTP/1.x)");
    }
    req->minor = line[i + 7] == '0' ? 0 : 1;
    line[m] = '\0';
    req->method_name = line;
    for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
        if (methods[k].len == m && memcmp(methods[k].name, line, m) == 0) {
            req->method = methods[k].m;
            return GW_HTTP_HEADERS;
        }
    }
    return fail(p, 501, "method", "method not implemented");
}

/* One header line (without its line end): name and trimmed value, NUL-terminated in place. */
static enum gw_http_step
parse_header(struct gw_http_parser *p, char *line, size_t n, struct gw_http_req *req)
{
    size_t i = 0, v0, v1;
    struct gw_http_hdr *h;

    if (line[0] == ' ' || line[0] == '\t') {
        return fail(p, 400, "header", "obsolete line folding in the headers");
    }
    while (i < n && is_tchar((unsigned char)line[i])) {
        i++;
    }
    if (i == n || line[i] != ':') {
        return fail(p, 400, "header",
                    memchr(line + i, ':', n - i) == NULL ? "header line without a colon"
                    : line[i] == ' ' || line[i] == '\t'
                        ? "whitespace between a header name and its colon"
                        : "invalid character in a header name");
    }
    if (i == 0) {
        return fail(p, 400, "header", "empty header name");
    }
    if (req->nhdrs == GW_HTTP_MAX_HEADERS) {
        return fail(p, 431, "header", "too many header fields");
    }
    h = &req->hdrs[req->nhdrs++];
    h->name = line;
    h->nlen = i;
    line[i++] = '\0';
    while (i < n && (line[i] == ' ' || line[i] == '\t')) {
        i++;
    }
    v0 = i;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)line[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return fail(p, 400, "header", "invalid character in a header value");
        }
    }
    v1 = n;
    while (v1 > v0 && (line[v1 - 1] == ' ' || line[v1 - 1] == '\t')) {
        v1--;
    }
    h->value = line + v0;
    h->vlen = v1 - v0;
    line[v1] = '\0'; /* the line end or trailing whitespace */
    return GW_HTTP_HEADERS;
}

/* Does a comma-separated list value hold token tok (case-insensitive)? */
static bool
list_has(const char *v, size_t n, const char *tok)
{
    size_t tl = strlen(tok), i = 0;

    while (i < n) {
        size_t s, e;

        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) {
            i++;
        }
        s = i;
        while (i < n && v[i] != ',') {
            i++;
        }
        e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t')) {
            e--;
        }
        if (e - s == tl && strncasecmp(v + s, tok, tl) == 0) {
            return true;
        }
    }
    return false;
}

/* The framing headers (each at most once) and the connection's keep-alive and Expect. */
static enum gw_http_step
scan_headers(struct gw_http_parser *p, struct gw_http_req *req, const struct gw_http_hdr **cl,
             const struct gw_http_hdr **te)
{
    bool close = false;
    bool keep = false;

    for (size_t i = 0; i < req->nhdrs; i++) {
        const struct gw_http_hdr *h = &req->hdrs[i];

        if (h->nlen == 14 && strncasecmp(h->name, "content-length", 14) == 0) {
            if (*cl != NULL) {
                return fail(p, 400, "smuggling", "more than one Content-Length header");
            }
            *cl = h;
        } else if (h->nlen == 17 && strncasecmp(h->name, "transfer-encoding", 17) == 0) {
            if (*te != NULL) {
                return fail(p, 400, "smuggling", "more than one Transfer-Encoding header");
            }
            *te = h;
        } else if (h->nlen == 10 && strncasecmp(h->name, "connection", 10) == 0) {
            close = close || list_has(h->value, h->vlen, "close");
            keep = keep || list_has(h->value, h->vlen, "keep-alive");
        } else if (h->nlen == 6 && strncasecmp(h->name, "expect", 6) == 0) {
            req->expect_continue = h->vlen == 12 && strncasecmp(h->value, "100-continue", 12) == 0;
        }
    }
    req->keep_alive = !close && (req->minor == 1 || keep);
    return GW_HTTP_HEADERS;
}

/* Message framing and connection semantics from the parsed headers. */
static enum gw_http_step
head_semantics(struct gw_http_parser *p, struct gw_http_req *req)
{
    const struct gw_http_hdr *cl = NULL;
    const struct gw_http_hdr *te = NULL;
    uint64_t v;

    if (scan_headers(p, req, &cl, &te) != GW_HTTP_HEADERS) {
        return GW_HTTP_FAIL;
    }
    if (cl != NULL && te != NULL) {
        return fail(p, 400, "smuggling",
                    "both Content-Length and Transfer-Encoding (refused as request smuggling)");
    }
    if (te != NULL) {
        if (req->minor == 0) {
            return fail(p, 400, "smuggling", "Transfer-Encoding in an HTTP/1.0 request");
        }
        if (te->vlen != 7 || strncasecmp(te->value, "chunked", 7) != 0) {
            return fail(p, 501, "transfer_encoding", "transfer coding other than chunked");
        }
        req->chunked = true;
        p->phase = PH_CHUNK_SIZE;
        return GW_HTTP_HEADERS;
    }
    if (cl == NULL) {
        p->phase = PH_DONE;
        return GW_HTTP_HEADERS;
    }
    if (cl->vlen == 0 || cl->vlen > 19 || !pcl_parse_u64(cl->value, UINT64_MAX, &v)) {
        return fail(p, 400, "content_length", "invalid Content-Length");
    }
    if (v > p->max_body) {
        return fail(p, 413, "body", "request body larger than server.max_body");
    }
    req->content_length = v;
    p->left = v;
    p->phase = v > 0 ? PH_BODY : PH_DONE;
    return GW_HTTP_HEADERS;
}

/* Parse the head in req->head (len bytes, ending with its empty line). */
static enum gw_http_step
parse_head(struct gw_http_parser *p, struct gw_http_req *req, size_t len)
{
    char *h = req->head;
    size_t i = 0;
    bool first = true;

    while (i < len) {
        char *nl = memchr(h + i, '\n', len - i);
        size_t end, n;
        enum gw_http_step st;

        if (nl == NULL) {
            return fail(p, 400, "header", "truncated head"); /* cannot happen: head_end saw it */
        }
        end = (size_t)(nl - h);
        n = end - i;
        if (n > 0 && h[end - 1] == '\r') {
            n--;
        }
        if (n == 0) {
            break; /* the empty line */
        }
        if (memchr(h + i, '\r', n) != NULL) {
            return fail(p, 400, first ? "request_line" : "header", "bare CR in the request head");
        }
        st = first ? parse_request_line(p, h + i, n, req) : parse_header(p, h + i, n, req);
        if (st != GW_HTTP_HEADERS) {
            return st;
        }
        first = false;
        i = end + 1;
    }
    if (first) {
        return fail(p, 400, "request_line", "no request line");
    }
    return head_semantics(p, req);
}

/* Find the end of the head in in (after its empty line); 0 = not yet. */
static size_t
head_end(struct gw_http_parser *p, const char *b, size_t n)
{
    size_t i = p->scanned;

    while (i < n) {
        const char *nl = memchr(b + i, '\n', n - i);
        size_t at;

        if (nl == NULL) {
            p->scanned = n;
            return 0;
        }
        at = (size_t)(nl - b);
        if (at + 1 < n && b[at + 1] == '\n') {
            return at + 2;
        }
        if (at + 2 < n && b[at + 1] == '\r' && b[at + 2] == '\n') {
            return at + 3;
        }
        if (at + 1 == n || (at + 2 == n && b[at + 1] == '\r')) {
            p->scanned = at; /* look at this line end again with more bytes */
            return 0;
        }
        i = at + 1;
    }
    p->scanned = n;
    return 0;
}

static enum gw_http_step
read_head(struct gw_http_parser *p, struct evbuffer *in, struct gw_http_req *req)
{
    size_t avail = evbuffer_get_length(in), n, end;
    const char *b;

    /* empty lines before a request line are ignored (RFC 9112, 2.2) */
    while (p->scanned == 0 && avail > 0) {
        char c;

        if (evbuffer_copyout(in, &c, 1) != 1 || (c != '\r' && c != '\n')) {
            break;
        }
        (void)evbuffer_drain(in, 1);
        avail--;
    }
    n = PCL_MIN(avail, p->max_header);
    if (n == 0) {
        return GW_HTTP_MORE;
    }
    b = (const char *)evbuffer_pullup(in, (ev_ssize_t)n);
    if (b == NULL) {
        return fail(p, 503, "memory", "out of memory");
    }
    end = head_end(p, b, n);
    if (end == 0) {
        return avail >= p->max_header
                   ? fail(p, 431, "header", "request head larger than server.max_header")
                   : GW_HTTP_MORE;
    }
    if (req->head_cap < end + 1) {
        char *h = pcl_realloc(req->head, end + 1);

        if (h == NULL) {
            return fail(p, 503, "memory", "out of memory");
        }
        req->head = h;
        req->head_cap = end + 1;
    }
    memcpy(req->head, b, end);
    req->head[end] = '\0';
    (void)evbuffer_drain(in, end);
    p->scanned = 0;
    return parse_head(p, req, end);
}

/* ---- the body ------------------------------------------------------------------------ */

static enum gw_http_step
move_body(struct gw_http_parser *p, struct evbuffer *in, struct gw_http_req *req, size_t *moved)
{
    size_t n = (size_t)PCL_MIN((uint64_t)evbuffer_get_length(in), p->left);

    *moved = 0;
    if (n == 0) {
        return GW_HTTP_MORE;
    }
    if (req->body == NULL) {
        req->body = evbuffer_new();
        if (req->body == NULL) {
            return fail(p, 503, "memory", "out of memory");
        }
    }
    if (evbuffer_remove_buffer(in, req->body, n) != (int)n) {
        return fail(p, 503, "memory", "out of memory");
    }
    p->left -= n;
    *moved = n;
    return GW_HTTP_HEADERS;
}

/* A line of at most max bytes at the start of in: its length without the line end in *n and
 * with it in *total; 0 = not yet, -1 = too long. */
static int
peek_line(struct evbuffer *in, size_t max, const char **line, size_t *n, size_t *total)
{
    size_t avail = evbuffer_get_length(in), k = PCL_MIN(avail, max);
    const char *b, *nl;

    if (k == 0) {
        return 0;
    }
    b = (const char *)evbuffer_pullup(in, (ev_ssize_t)k);
    if (b == NULL) {
        return -1;
    }
    nl = memchr(b, '\n', k);
    if (nl == NULL) {
        return avail >= max ? -1 : 0;
    }
    *line = b;
    *total = (size_t)(nl - b) + 1;
    *n = *total - 1;
    if (*n > 0 && b[*n - 1] == '\r') {
        (*n)--;
    }
    return 1;
}

static enum gw_http_step
chunk_size(struct gw_http_parser *p, struct evbuffer *in)
{
    const char *b = NULL;
    size_t n = 0, total = 0, i = 0;
    uint64_t v = 0;
    int got = peek_line(in, GW_HTTP_MAX_LINE, &b, &n, &total);

    if (got == 0) {
        return GW_HTTP_MORE;
    }
    if (got < 0) {
        return fail(p, 400, "chunked", "chunk-size line too long");
    }
    for (; i < n; i++) {
        char c = pcl_lower(b[i]);
        unsigned d;

        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else {
            break;
        }
        if (v > (UINT64_MAX >> 4)) {
            return fail(p, 400, "chunked", "chunk size out of range");
        }
        v = (v << 4) | d;
    }
    if (i == 0) {
        return fail(p, 400, "chunked", "malformed chunk size");
    }
    while (i < n && (b[i] == ' ' || b[i] == '\t')) {
        i++;
    }
    if (i < n && b[i] != ';') {
        return fail(p, 400, "chunked", "malformed chunk size");
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)b[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return fail(p, 400, "chunked", "invalid character in a chunk extension");
        }
    }
    if (v > p->max_body || p->total > p->max_body - v) {
        return fail(p, 413, "body", "request body larger than server.max_body");
    }
    (void)evbuffer_drain(in, total);
    p->total += v;
    p->left = v;
    p->phase = v == 0 ? PH_TRAILER : PH_CHUNK_DATA;
    return GW_HTTP_HEADERS;
}

static enum gw_http_step
chunk_crlf(struct gw_http_parser *p, struct evbuffer *in)
{
    char c[2];
    ev_ssize_t k = evbuffer_copyout(in, c, 2);

    if (k < 1) {
        return GW_HTTP_MORE;
    }
    if (c[0] == '\n') {
        (void)evbuffer_drain(in, 1);
    } else if (c[0] == '\r' && k == 1) {
        return GW_HTTP_MORE;
    } else if (c[0] == '\r' && c[1] == '\n') {
        (void)evbuffer_drain(in, 2);
    } else {
        return fail(p, 400, "chunked", "missing CRLF after chunk data");
    }
    p->phase = PH_CHUNK_SIZE;
    return GW_HTTP_HEADERS;
}

static enum gw_http_step
trailer(struct gw_http_parser *p, struct evbuffer *in)
{
    const char *b = NULL;
    size_t n = 0, total = 0;
    int got = peek_line(in, p->max_header, &b, &n, &total);

    if (got == 0) {
        return GW_HTTP_MORE;
    }
    if (got < 0 || p->trailer + total > p->max_header) {
        return fail(p, 431, "header", "chunked trailer larger than server.max_header");
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return fail(p, 400, "header", "invalid character in a trailer field");
        }
    }
    (void)evbuffer_drain(in, total);
    p->trailer += total;
    if (n == 0) {
        p->phase = PH_DONE;
    }
    return GW_HTTP_HEADERS;
}

/* One step of a body: GW_HTTP_HEADERS to go on, or what to return. */
static enum gw_http_step
body_step(struct gw_http_parser *p, struct evbuffer *in, struct gw_http_req *req)
{
    enum gw_http_step st;
    size_t moved;

    switch (p->phase) {
    case PH_BODY:
        st = move_body(p, in, req, &moved);
        if (st == GW_HTTP_HEADERS && p->left == 0) {
            p->phase = PH_DONE;
            return GW_HTTP_DONE;
        }
        return st;
    case PH_CHUNK_SIZE:
        return chunk_size(p, in);
    case PH_CHUNK_DATA:
        st = move_body(p, in, req, &moved);
        if (st == GW_HTTP_HEADERS && p->left == 0) {
            p->phase = PH_CHUNK_CRLF;
        }
        return st;
    case PH_CHUNK_CRLF:
        return chunk_crlf(p, in);
    case PH_TRAILER:
        st = trailer(p, in);
        return st == GW_HTTP_HEADERS && p->phase == PH_DONE ? GW_HTTP_DONE : st;
    default:
        return GW_HTTP_DONE;
    }
}

enum gw_http_step
gw_http_parse(struct gw_http_parser *p, struct evbuffer *in, struct gw_http_req *req)
{
    enum gw_http_step st;

    if (p->phase == PH_HEAD) {
        st = read_head(p, in, req);
        if (st != GW_HTTP_HEADERS) {
            return st;
        }
        if (p->phase == PH_DONE) {
            return GW_HTTP_DONE;
        }
        if (req->body == NULL) {
            req->body = evbuffer_new();
            if (req->body == NULL) {
                return fail(p, 503, "memory", "out of memory");
            }
        }
        return GW_HTTP_HEADERS; /* the caller may answer Expect: 100-continue first */
    }
    do {
        st = body_step(p, in, req);
    } while (st == GW_HTTP_HEADERS);
    return st;
}

/* ---- reply framing ------------------------------------------------------------------- */

static size_t
put(char *out, size_t o, const char *s, size_t n)
{
    memcpy(out + o, s, n);
    return o + n;
}

void
gw_http_write_head(struct evbuffer *out, const struct gw_http_req *req, int status,
                   const char *reason, int64_t len, const char *date)
{
    char line[256], tail[192], num[PCL_I64_CHARS];
    size_t o = 0, rl = strlen(reason), nl;

    if (rl > 160) {
        rl = 160;
    }
    o = put(line, o, "HTTP/1.1 ", 9);
    line[o++] = (char)('0' + status / 100 % 10);
    line[o++] = (char)('0' + status / 10 % 10);
    line[o++] = (char)('0' + status % 10);
    line[o++] = ' ';
    o = put(line, o, reason, rl);
    o = put(line, o, "\r\n", 2);
    (void)evbuffer_add(out, line, o);
    if (req->rhdrs.len > 0) {
        (void)evbuffer_add(out, req->rhdrs.ptr, req->rhdrs.len);
    }
    o = 0;
    if (!req->has_ctype) {
        o = put(tail, o, "Content-Type: application/json\r\n", 32);
    }
    o = put(tail, o, "Date: ", 6);
    o = put(tail, o, date, 29);
    o = put(tail, o, "\r\n", 2);
    if (len >= 0) {
        nl = pcl_fmt_i64(num, len);
        o = put(tail, o, "Content-Length: ", 16);
        o = put(tail, o, num, nl);
        o = put(tail, o, "\r\n", 2);
    } else if (req->minor == 1) {
        o = put(tail, o, "Transfer-Encoding: chunked\r\n", 28);
    }
    if (req->close_after || (len < 0 && req->minor == 0)) {
        o = put(tail, o, "Connection: close\r\n", 19);
    } else if (req->minor == 0) {
        o = put(tail, o, "Connection: keep-alive\r\n", 24);
    }
    o = put(tail, o, "\r\n", 2);
    (void)evbuffer_add(out, tail, o);
}

void
gw_http_write_chunk(struct evbuffer *out, struct evbuffer *body)
{
    size_t n = evbuffer_get_length(body);
    char hex[20];
    int k = 18;

    if (n == 0) {
        return;
    }
    hex[19] = '\n';
    hex[18] = '\r';
    do {
        hex[--k] = "0123456789abcdef"[n & 15];
        n >>= 4;
    } while (n > 0);
    (void)evbuffer_add(out, hex + k, (size_t)(20 - k));
    (void)evbuffer_add_buffer(out, body);
    (void)evbuffer_add(out, "\r\n", 2);
}

/* ---- connections and the server ------------------------------------------------------ */

struct gw_http_conn {
    struct gw_http_server *srv;
    TAILQ_ENTRY(gw_http_conn) link;
    struct bufferevent *bev;
    evutil_socket_t fd;
    bool tls;
    struct gw_http_parser p;
    struct gw_http_req req;
    struct evbuffer *stage; /* plain TCP: reply bytes not yet handed to the socket */
    struct event later;     /* deferred flush and next pipelined request */
    int depth;              /* nesting of our callbacks: free only at 0 */
    bool gone;              /* the client closed or failed */
    bool closing;           /* close once the output is written */
    bool linger;            /* after a refused request: shut down writing, discard input */
    bool dead;              /* to be freed when depth returns to 0 */
    size_t discarded;
    char peer[64];
};

struct gw_http_server {
    struct event_base *base;
    struct evconnlistener *lis;
    struct gw_http_opts o;
    struct timeval tv;
    bool draining;
    TAILQ_HEAD(conn_list, gw_http_conn) conns;
    time_t date_at;
    char date[32];
};

static void conn_process(struct gw_http_conn *c);

/* now as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT": 29 bytes), made once a second
 * and without the locale */
static const char *
server_date(struct gw_http_server *s)
{
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    time_t now = time(NULL);
    struct tm tm;
    char *d = s->date;

    if (now == s->date_at) {
        return d;
    }
    if (gmtime_r(&now, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
        memcpy(d, "Thu, 01 Jan 1970 00:00:00 GMT", 30);
        return d;
    }
    memcpy(d, days + 3 * (size_t)tm.tm_wday, 3);
    d[3] = ',';
    d[4] = ' ';
    d[5] = (char)('0' + tm.tm_mday / 10);
    d[6] = (char)('0' + tm.tm_mday % 10);
    d[7] = ' ';
    memcpy(d + 8, months + 3 * (size_t)tm.tm_mon, 3);
    d[11] = ' ';
    d[12] = (char)('0' + (tm.tm_year + 1900) / 1000);
    d[13] = (char)('0' + (tm.tm_year + 1900) / 100 % 10);
    d[14] = (char)('0' + (tm.tm_year + 1900) / 10 % 10);
    d[15] = (char)('0' + (tm.tm_year + 1900) % 10);
    d[16] = ' ';
    d[17] = (char)('0' + tm.tm_hour / 10);
    d[18] = (char)('0' + tm.tm_hour % 10);
    d[19] = ':';
    d[20] = (char)('0' + tm.tm_min / 10);
    d[21] = (char)('0' + tm.tm_min % 10);
    d[22] = ':';
    d[23] = (char)('0' + tm.tm_sec / 10);
    d[24] = (char)('0' + tm.tm_sec % 10);
    memcpy(d + 25, " GMT", 5);
    s->date_at = now;
    return d;
}

static void
conn_free(struct gw_http_conn *c)
{
    TAILQ_REMOVE(&c->srv->conns, c, link);
    (void)event_del(&c->later);
    if (c->bev != NULL) {
        bufferevent_free(c->bev);
    }
    if (c->stage != NULL) {
        evbuffer_free(c->stage);
    }
    gw_http_req_fini(&c->req);
    pcl_free(c);
}

/* Close now, or once our callbacks on the stack have returned. */
static void
conn_close(struct gw_http_conn *c)
{
    if (c->depth > 0) {
        c->dead = true;
        if (c->bev != NULL) {
            (void)bufferevent_disable(c->bev, EV_READ | EV_WRITE);
        }
        return;
    }
    conn_free(c);
}

/* Leave one of our callbacks: the connection may go now. */
static void
conn_leave(struct gw_http_conn *c)
{
    if (--c->depth == 0 && c->dead) {
        conn_free(c);
    }
}

static struct evbuffer *
conn_out(struct gw_http_conn *c)
{
    return c->tls ? bufferevent_get_output(c->bev) : c->stage;
}

/* Plain TCP: write the staged bytes now when nothing is queued before them; what the socket
 * does not take goes to the bufferevent, which writes it when the socket is writable. */
static void
conn_flush(struct gw_http_conn *c)
{
    struct evbuffer *out;

    if (c->tls || evbuffer_get_length(c->stage) == 0) {
        return;
    }
    out = bufferevent_get_output(c->bev);
    if (evbuffer_get_length(out) == 0) {
        int n = evbuffer_write(c->stage, c->fd);

        if (n >= 0 && evbuffer_get_length(c->stage) == 0) {
            return;
        }
    }
    /* also on a write error: libevent's own write then reports it as an event */
    (void)evbuffer_add_buffer(out, c->stage);
}

static bool
conn_flushed(struct gw_http_conn *c)
{
    return evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 &&
           (c->tls || evbuffer_get_length(c->stage) == 0);
}

/* A connection marked closing goes once its output is out; lingering ones first shut down
 * writing and read what the client still sends (so it sees the reply, not a reset). */
static void
conn_check_close(struct gw_http_conn *c)
{
    if (!c->closing || c->dead || !conn_flushed(c)) {
        return;
    }
    if (c->linger && !c->gone) {
        if (shutdown(c->fd, SHUT_WR) == 0) {
            c->linger = false;
            c->gone = true; /* from now on: discard input until EOF or the timeout */
            return;
        }
    }
    conn_close(c);
}

static void
conn_later(struct gw_http_conn *c)
{
    event_active(&c->later, EV_TIMEOUT, 0);
}

/* The handler is done with the request. */
static void
req_done(struct gw_http_conn *c)
{
    c->req.active = false;
    c->req.gone = NULL;
    if (c->gone && !c->closing) {
        conn_close(c);
        return;
    }
    if (c->req.close_after || c->srv->draining) {
        c->closing = true;
        conn_check_close(c);
        return;
    }
    gw_http_parser_reset(&c->p);
    gw_http_req_reset(&c->req);
    if (c->depth == 0 && evbuffer_get_length(bufferevent_get_input(c->bev)) > 0) {
        conn_later(c); /* a pipelined request: handled from the loop, not inside the caller */
    }
}

static void
refuse(struct gw_http_conn *c)
{
    static const char mid[] = "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"";
    struct gw_http_req *req = &c->req;
    struct evbuffer *out = conn_out(c);
    const char *code = c->p.status == 413   ? "request_too_large"
                       : c->p.status == 431 ? "request_header_fields_too_large"
                       : c->p.status == 501 ? "not_implemented"
                       : c->p.status == 503 ? "out_of_memory"
                                            : "bad_request";
    const char *reason = c->p.status == 413   ? "Payload Too Large"
                         : c->p.status == 431 ? "Request Header Fields Too Large"
                         : c->p.status == 501 ? "Not Implemented"
                         : c->p.status == 503 ? "Service Unavailable"
                                              : "Bad Request";
    char body[512];
    size_t n;

    if (c->srv->o.refused != NULL) {
        c->srv->o.refused(c->p.kind, c->srv->o.arg);
    }
    n = pcl_strjoin(
        body, sizeof(body),
        (const char *const[]){"{\"error\":{\"message\":\"", c->p.why, mid, code, "\"}}\n", NULL});
    pcl_buf_reset(&req->rhdrs);
    req->has_ctype = false;
    req->close_after = true;
    if (req->minor != 0) {
        req->minor = 1;
    }
    gw_http_write_head(out, req, c->p.status, reason, (int64_t)n, server_date(c->srv));
    (void)evbuffer_add(out, body, n);
    c->closing = true;
    c->linger = !c->tls;
    conn_flush(c);
    conn_check_close(c);
}

static void
dispatch(struct gw_http_conn *c)
{
    c->req.active = true;
    c->req.close_after = !c->req.keep_alive || c->srv->draining;
    c->srv->o.handler(&c->req, c->srv->o.arg);
}

/* Parse and hand over requests while the connection is free for one. */
static void
conn_process(struct gw_http_conn *c)
{
    struct evbuffer *in = bufferevent_get_input(c->bev);

    while (!c->req.active && !c->closing && !c->gone && !c->dead) {
        enum gw_http_step st = gw_http_parse(&c->p, in, &c->req);

        if (st == GW_HTTP_MORE) {
            return;
        }
        if (st == GW_HTTP_FAIL) {
            refuse(c);
            return;
        }
        if (st == GW_HTTP_HEADERS) {
            if (c->req.expect_continue && c->req.minor == 1 && evbuffer_get_length(in) == 0) {
                (void)evbuffer_add(conn_out(c), "HTTP/1.1 100 Continue\r\n\r\n", 25);
                conn_flush(c);
            }
            continue;
        }
        dispatch(c);
    }
}

static void
on_read(struct bufferevent *bev, void *arg)
{
    struct gw_http_conn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);

    c->depth++;
    if (c->gone || c->closing) {
        /* lingering after a refusal, or a reply still going out: the rest is not read */
        c->discarded += evbuffer_get_length(in);
        (void)evbuffer_drain(in, evbuffer_get_length(in));
        if (c->discarded > c->p.max_body + (1u << 20)) {
            conn_close(c);
        }
    } else if (!c->req.active) {
        conn_process(c);
    } else if (evbuffer_get_length(in) > c->p.max_header + c->p.max_body) {
        /* pipelined bytes pile up behind a slow request: stop reading until it is done */
        (void)bufferevent_disable(bev, EV_READ);
    }
    conn_leave(c);
}

static void
on_write(struct bufferevent *bev, void *arg)
{
    struct gw_http_conn *c = arg;

    (void)bev;
    c->depth++;
    conn_check_close(c);
    conn_leave(c);
}

/* The client went away (or failed) with a request in the handler's hands. */
static void
conn_gone(struct gw_http_conn *c)
{
    gw_http_gone_fn *fn = c->req.gone;

    c->gone = true;
    (void)bufferevent_disable(c->bev, EV_READ);
    c->req.gone = NULL;
    if (fn != NULL) {
        fn(&c->req, c->req.gone_arg);
    }
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
    struct gw_http_conn *c = arg;

    c->depth++;
    if ((what & BEV_EVENT_TIMEOUT) != 0 && (what & BEV_EVENT_READING) != 0 && c->req.active &&
        !c->gone) {
        /* a client waiting for its answer sends nothing: that is no timeout */
        (void)bufferevent_enable(bev, EV_READ);
    } else if ((what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) != 0) {
        if (c->req.active && !c->gone) {
            conn_gone(c);
        } else {
            c->gone = true;
        }
        if (!c->req.active) {
            conn_close(c);
        }
    }
    conn_leave(c);
}

static void
on_later(evutil_socket_t fd, short what, void *arg)
{
    struct gw_http_conn *c = arg;

    (void)fd;
    (void)what;
    c->depth++;
    conn_flush(c);
    conn_check_close(c);
    if (!c->req.active && !c->dead) {
        (void)bufferevent_enable(c->bev, EV_READ);
        conn_process(c);
    }
    conn_leave(c);
}

bool
gw_http_server_adopt(struct gw_http_server *s, evutil_socket_t fd, const char *peer)
{
    struct gw_http_conn *c = pcl_calloc(1, sizeof(*c));
    struct timeval *tv = s->o.timeout_ms > 0 ? &s->tv : NULL;

    if (c == NULL) {
        (void)close(fd);
        return false;
    }
    c->srv = s;
    c->fd = fd;
    gw_http_parser_init(&c->p, s->o.max_header, s->o.max_body);
    gw_http_req_init(&c->req);
    c->req.conn = c;
    (void)pcl_strjoin(c->peer, sizeof(c->peer), (const char *const[]){peer, NULL});
    TAILQ_INSERT_TAIL(&s->conns, c, link);
    if (s->o.ssl_ctx != NULL) {
        SSL *ssl = SSL_new(s->o.ssl_ctx);

        c->tls = true;
        if (ssl != NULL) {
            c->bev = bufferevent_openssl_socket_new(s->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                                    BEV_OPT_CLOSE_ON_FREE);
            if (c->bev == NULL) {
                SSL_free(ssl);
            }
        }
    } else {
        c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
        c->stage = evbuffer_new();
    }
    if (c->bev == NULL || (!c->tls && c->stage == NULL)) {
        if (c->bev == NULL) {
            (void)close(fd);
        }
        conn_free(c);
        return false;
    }
    (void)event_assign(&c->later, s->base, -1, 0, on_later, c);
    bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
    (void)bufferevent_set_timeouts(c->bev, tv, tv);
    (void)bufferevent_enable(c->bev, EV_READ);
    return true;
}

static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
    char peer[64] = "unknown";

    (void)l;
    (void)len;
    if (sa->sa_family == AF_INET) {
        (void)evutil_inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, peer, sizeof(peer));
    } else if (sa->sa_family == AF_INET6) {
        (void)evutil_inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, peer,
                               sizeof(peer));
    }
    (void)gw_http_server_adopt(arg, fd, peer);
}

struct gw_http_server *
gw_http_server_new(struct event_base *base, evutil_socket_t fd, const struct gw_http_opts *o)
{
    struct gw_http_server *s = pcl_calloc(1, sizeof(*s));

    if (s == NULL) {
        if (fd != -1) {
            (void)close(fd);
        }
        return NULL;
    }
    s->base = base;
    s->o = *o;
    s->tv.tv_sec = o->timeout_ms / 1000;
    s->tv.tv_usec = (suseconds_t)(o->timeout_ms % 1000) * 1000;
    TAILQ_INIT(&s->conns);
    if (fd != -1) {
        s->lis = evconnlistener_new(base, on_accept, s,
                                    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
        if (s->lis == NULL) {
            (void)close(fd);
            pcl_free(s);
            return NULL;
        }
    }
    return s;
}

void
gw_http_server_drain(struct gw_http_server *s)
{
    struct gw_http_conn *c, *next;

    s->draining = true;
    if (s->lis != NULL) {
        evconnlistener_free(s->lis);
        s->lis = NULL;
    }
    for (c = TAILQ_FIRST(&s->conns); c != NULL; c = next) {
        next = TAILQ_NEXT(c, link);
        /* idle keep-alive connections: nothing in flight, nothing of a next request read */
        if (!c->req.active && c->p.phase == PH_HEAD && c->p.scanned == 0 &&
            evbuffer_get_length(bufferevent_get_input(c->bev)) == 0) {
            c->closing = true;
            conn_check_close(c);
        }
    }
}

void
gw_http_server_free(struct gw_http_server *s)
{
    if (s == NULL) {
        return;
    }
    if (s->lis != NULL) {
        evconnlistener_free(s->lis);
    }
    while (!TAILQ_EMPTY(&s->conns)) {
        struct gw_http_conn *c = TAILQ_FIRST(&s->conns);

        c->depth++;
        if (c->req.active && !c->gone) {
            conn_gone(c);
        }
        c->depth = 0;
        conn_free(c);
    }
    pcl_free(s);
}

/* ---- requests inside a server -------------------------------------------------------- */

const char *
gw_http_peer(const struct gw_http_req *req)
{
    return req->conn != NULL && req->conn->peer[0] != '\0' ? req->conn->peer : "unknown";
}

void
gw_http_set_gone_cb(struct gw_http_req *req, gw_http_gone_fn *fn, void *arg)
{
    req->gone = fn;
    req->gone_arg = arg;
}

void
gw_http_add_header(struct gw_http_req *req, const char *name, const char *value)
{
    size_t nl = strlen(name), vl = strlen(value);

    if (memchr(value, '\r', vl) != NULL || memchr(value, '\n', vl) != NULL) {
        return;
    }
    if (nl == 10 && strncasecmp(name, "connection", 10) == 0) {
        req->close_after = req->close_after || list_has(value, vl, "close");
        return;
    }
    if (nl == 12 && strncasecmp(name, "content-type", 12) == 0) {
        req->has_ctype = true;
    }
    if (pcl_buf_reserve(&req->rhdrs, nl + vl + 4) != PCL_OK) {
        return;
    }
    memcpy(req->rhdrs.ptr + req->rhdrs.len, name, nl);
    req->rhdrs.len += nl;
    memcpy(req->rhdrs.ptr + req->rhdrs.len, ": ", 2);
    req->rhdrs.len += 2;
    memcpy(req->rhdrs.ptr + req->rhdrs.len, value, vl);
    req->rhdrs.len += vl;
    memcpy(req->rhdrs.ptr + req->rhdrs.len, "\r\n", 2);
    req->rhdrs.len += 2;
    req->rhdrs.ptr[req->rhdrs.len] = '\0';
}

static bool
req_writable(const struct gw_http_req *req)
{
    return req->conn != NULL && !req->conn->gone && !req->conn->dead;
}

void
gw_http_send(struct gw_http_req *req, int status, const char *reason, struct evbuffer *body)
{
    struct gw_http_conn *c = req->conn;
    size_t n = body != NULL ? evbuffer_get_length(body) : 0;

    if (c == NULL) {
        return;
    }
    if (req_writable(req)) {
        struct evbuffer *out = conn_out(c);

        req->close_after = req->close_after || c->srv->draining;
        gw_http_write_head(out, req, status, reason, (int64_t)n, server_date(c->srv));
        if (n > 0 && req->method != GW_HTTP_HEAD) {
            (void)evbuffer_add_buffer(out, body);
        }
        conn_flush(c);
    }
    if (body != NULL) {
        (void)evbuffer_drain(body, evbuffer_get_length(body));
    }
    req_done(c);
}

void
gw_http_start(struct gw_http_req *req, int status, const char *reason)
{
    struct gw_http_conn *c = req->conn;

    req->started = true;
    if (!req_writable(req)) {
        return;
    }
    req->close_after = req->close_after || c->srv->draining || req->minor == 0;
    gw_http_write_head(conn_out(c), req, status, reason, -1, server_date(c->srv));
    /* the head leaves with the first piece when that comes in this loop pass, or alone */
    conn_later(c);
}

void
gw_http_chunk(struct gw_http_req *req, struct evbuffer *body)
{
    struct gw_http_conn *c = req->conn;

    if (!req_writable(req) || req->method == GW_HTTP_HEAD) {
        (void)evbuffer_drain(body, evbuffer_get_length(body));
        return;
    }
    if (req->minor == 1) {
        gw_http_write_chunk(conn_out(c), body);
    } else {
        (void)evbuffer_add_buffer(conn_out(c), body);
    }
    /* written at the end of this loop pass: when the stream's end (or more of it) comes in
     * the same pass, it leaves in the same write */
    conn_later(c);
}

void
gw_http_end(struct gw_http_req *req)
{
    struct gw_http_conn *c = req->conn;

    if (c == NULL) {
        return;
    }
    if (req_writable(req) && req->method != GW_HTTP_HEAD && req->minor == 1) {
        (void)evbuffer_add(conn_out(c), "0\r\n\r\n", 5);
    }
    if (req_writable(req)) {
        conn_flush(c);
    }
    req_done(c);
}
