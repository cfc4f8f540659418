/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the gateway's HTTP/1.1 server (src/gateway/http.c): request parsing split at
 * every byte, bad request lines and headers, limits, smuggling, chunked bodies, pipelining,
 * reply framing, and a server over a socket pair (keep-alive, HEAD, streaming, client gone). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gateway/evbuf_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"

/* What parsing a byte string gave: up to 4 requests, or a failure. */
struct parsed {
    int n;
    char target[4][64];
    char method[4][16];
    char body[4][256];
    bool keep_alive[4];
    int minor[4];
    char host[4][64];
    int status; /* 0 = no failure */
    char why[128];
};

/* Parse input fed as two pieces split at split (0 = in one piece). */
static void
parse_split(const char *in, size_t len, size_t split, size_t max_header, size_t max_body,
            struct parsed *out)
{
    struct gw_http_parser p;
    struct gw_http_req req;
    struct evbuffer *b = evbuffer_new();
    size_t fed = 0;

    assert_non_null(b);
    memset(out, 0, sizeof(*out));
    gw_http_parser_init(&p, max_header, max_body);
    gw_http_req_init(&req);
    while (out->n < 4 && out->status == 0) {
        enum gw_http_step st = gw_http_parse(&p, b, &req);

        if (st == GW_HTTP_HEADERS) {
            continue;
        }
        if (st == GW_HTTP_FAIL) {
            out->status = p.status;
            (void)snprintf(out->why, sizeof(out->why), "%s", p.why);
            break;
        }
        if (st == GW_HTTP_DONE) {
            size_t bl = req.body != NULL ? evbuffer_get_length(req.body) : 0;
            const char *host = gw_http_header(&req, "host");

            assert_true(bl < sizeof(out->body[0]));
            (void)snprintf(out->target[out->n], 64, "%s", req.target);
            (void)snprintf(out->method[out->n], 16, "%s", req.method_name);
            (void)snprintf(out->host[out->n], 64, "%s", host != NULL ? host : "-");
            if (bl > 0) {
                assert_int_equal(evbuffer_copyout(req.body, out->body[out->n], bl), (int)bl);
            }
            out->keep_alive[out->n] = req.keep_alive;
            out->minor[out->n] = req.minor;
            out->n++;
            gw_http_parser_reset(&p);
            gw_http_req_reset(&req);
            continue;
        }
        /* more bytes */
        if (fed == len) {
            break;
        }
        {
            size_t k = split > fed ? split - fed : len - fed;

            assert_int_equal(evbuffer_add(b, in + fed, k), 0);
            fed += k;
        }
    }
    gw_http_req_fini(&req);
    evbuffer_free(b);
}

static void
parse(const char *in, struct parsed *out)
{
    parse_split(in, strlen(in), 0, 8192, 1u << 20, out);
}

static void
test_gw_http_parse_split_at_every_byte(void **state)
{
    static const char *const msgs[] = {
        /* chunked with an extension and a trailer, then a pipelined GET */
        "POST /v1/x?y=1 HTTP/1.1\r\nHost: a.example\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n3;ext=1\r\n{\"a\r\n2\r\n\":\r\n0\r\nTrailer: x\r\n\r\n"
        "GET /b HTTP/1.1\r\nHost: b\r\n\r\n",
        /* Content-Length, bare LF line ends, then a pipelined HEAD */
        "POST /v1/x HTTP/1.1\nHost: a.example\nContent-Length: 5\n\n{\"a\":HEAD /b HTTP/1.1\n"
        "Host: b\n\n",
        /* empty lines before a request are ignored */
        "\r\n\r\nPOST /v1/x HTTP/1.0\r\nHost:a.example\r\nContent-Length:5\r\n\r\n{\"a\":"
        "GET /b HTTP/1.1\r\nHost:   b   \r\n\r\n",
    };

    (void)state;
    for (size_t m = 0; m < sizeof(msgs) / sizeof(msgs[0]); m++) {
        size_t len = strlen(msgs[m]);

        for (size_t k = 0; k <= len; k++) {
            struct parsed r;

            parse_split(msgs[m], len, k, 8192, 1u << 20, &r);
            assert_int_equal(r.status, 0);
            assert_int_equal(r.n, 2);
            assert_string_equal(r.method[0], "POST");
            assert_string_equal(r.target[0], m == 0 ? "/v1/x?y=1" : "/v1/x");
            assert_string_equal(r.host[0], "a.example");
            assert_string_equal(r.body[0], "{\"a\":");
            assert_string_equal(r.target[1], "/b");
            assert_string_equal(r.host[1], "b");
            assert_string_equal(r.body[1], "");
        }
    }
}

struct bad_case {
    const char *in;
    int status;
    const char *why; /* substring of the message */
};

static void
run_bad(const struct bad_case *cases, size_t n, size_t max_header, size_t max_body)
{
    for (size_t i = 0; i < n; i++) {
        struct parsed r;

        parse_split(cases[i].in, strlen(cases[i].in), 0, max_header, max_body, &r);
        if (r.status != cases[i].status || strstr(r.why, cases[i].why) == NULL) {
            fail_msg("case %zu (%s): got %d \"%s\"", i, cases[i].in, r.status, r.why);
        }
    }
}

static void
test_gw_http_parse_bad_request_lines(void **state)
{
    static const struct bad_case cases[] = {
        {"GET\r\n\r\n", 400, "method"},
        {" GET / HTTP/1.1\r\n\r\n", 400, "method"},
        {"GET  / HTTP/1.1\r\n\r\n", 400, "no target"},
        {"GET / HTTP/1.1 \r\n\r\n", 400, "HTTP version"},
        {"GET /\r\n\r\n", 400, "no HTTP version"},
        {"GET /a b HTTP/1.1\r\n\r\n", 400, "HTTP version"},
        {"GET /\x01 HTTP/1.1\r\n\r\n", 400, "request target"},
        {"GET /\xc3\xa9 HTTP/1.1\r\n\r\n", 400, "request target"},
        {"GET / HTTP/2.0\r\n\r\n", 400, "unsupported HTTP version"},
        {"GET / HTTP/1.1x\r\n\r\n", 400, "HTTP version"},
        {"GET / http/1.1\r\n\r\n", 400, "HTTP version"},
        {"GET / HTTP/1.1\rX\r\n\r\n", 400, "bare CR"},
        {"TRACE / HTTP/1.1\r\n\r\n", 501, "method not implemented"},
        {"BREW / HTTP/1.1\r\n\r\n", 501, "method not implemented"},
        {"G(T / HTTP/1.1\r\n\r\n", 400, "method"},
    };

    (void)state;
    run_bad(cases, sizeof(cases) / sizeof(cases[0]), 8192, 1u << 20);
}

static void
test_gw_http_parse_header_rules(void **state)
{
    static const struct bad_case cases[] = {
        {"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "obsolete line folding"},
        {"GET / HTTP/1.1\r\nHost: a\r\n\tfolded\r\n\r\n", 400, "obsolete line folding"},
        {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "whitespace between a header name"},
        {"GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", 400, "invalid character in a header name"},
        {"GET / HTTP/1.1\r\n: a\r\n\r\n", 400, "empty header name"},
        {"GET / HTTP/1.1\r\nHost a\r\n\r\n", 400, "without a colon"},
        {"GET / HTTP/1.1\r\nHost: a\x01"
         "b\r\n\r\n",
         400, "invalid character in a header value"},
        {"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400, "bare CR"},
        {"GET / HTTP/1.1\r\nX: \x7f\r\n\r\n", 400, "invalid character in a header value"},
    };
    struct parsed r;

    (void)state;
    run_bad(cases, sizeof(cases) / sizeof(cases[0]), 8192, 1u << 20);
    /* whitespace around values is trimmed, inside kept; tabs and obs-text are allowed */
    parse("GET / HTTP/1.1\r\nHost: \t a b \t\r\nX-Y: caf\xc3\xa9\r\n\r\n", &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.host[0], "a b");
    /* a NUL byte in a value */
    {
        static const char in[] = "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n";

        parse_split(in, sizeof(in) - 1, 0, 8192, 1024, &r);
        assert_int_equal(r.status, 400);
    }
}

static void
test_gw_http_parse_limits(void **state)
{
    char big[600], many[4096];
    size_t o;
    struct parsed r;
    static const struct bad_case cases[] = {
        {"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 413, "max_body"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n", 413, "max_body"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n"
         "01234567890123456789012345678901234567890123456789012345678901234567890123456789\r\n"
         "15\r\n",
         413, "max_body"},
    };

    (void)state;
    run_bad(cases, sizeof(cases) / sizeof(cases[0]), 512, 100);
    /* a head over max_header (512), complete or not */
    o = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nX: ");
    memset(big + o, 'a', sizeof(big) - o - 1);
    big[sizeof(big) - 1] = '\0';
    parse_split(big, strlen(big), 0, 512, 100, &r);
    assert_int_equal(r.status, 431);
    /* exactly at the limit is fine */
    o = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nX: ");
    memset(big + o, 'a', 512 - o - 4);
    memcpy(big + 512 - 4, "\r\n\r\n", 5);
    parse_split(big, 512, 0, 512, 100, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.n, 1);
    /* more header lines than GW_HTTP_MAX_HEADERS */
    o = (size_t)snprintf(many, sizeof(many), "GET / HTTP/1.1\r\n");
    for (int i = 0; i <= GW_HTTP_MAX_HEADERS; i++) {
        o += (size_t)snprintf(many + o, sizeof(many) - o, "X%d: 1\r\n", i);
    }
    o += (size_t)snprintf(many + o, sizeof(many) - o, "\r\n");
    parse_split(many, o, 0, sizeof(many), 100, &r);
    assert_int_equal(r.status, 431);
    assert_non_null(strstr(r.why, "too many"));
}

static void
test_gw_http_parse_smuggling_refused(void **state)
{
    static const struct bad_case cases[] = {
        {"POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
         "smuggling"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n", 400,
         "smuggling"},
        {"POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\n", 400,
         "more than one Content-Length"},
        {"POST / HTTP/1.1\r\nContent-Length: 4\r\ncontent-length: 5\r\n\r\n", 400,
         "more than one Content-Length"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
         "more than one Transfer-Encoding"},
        {"POST / HTTP/1.1\r\nContent-Length: 4, 4\r\n\r\n", 400, "invalid Content-Length"},
        {"POST / HTTP/1.1\r\nContent-Length: +4\r\n\r\n", 400, "invalid Content-Length"},
        {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "invalid Content-Length"},
        {"POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400, "invalid Content-Length"},
        {"POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 400, "invalid Content-Length"},
        {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400,
         "invalid Content-Length"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "transfer coding"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n", 501, "transfer coding"},
        {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "HTTP/1.0"},
    };

    (void)state;
    run_bad(cases, sizeof(cases) / sizeof(cases[0]), 8192, 1u << 20);
}

static void
test_gw_http_parse_chunked(void **state)
{
    static const struct bad_case cases[] = {
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 400,
         "out of range"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n", 413,
         "max_body"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "chunk size"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400, "chunk size"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", 400, "chunk size"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\n", 400, "chunk size"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", 400, "missing CRLF"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2;a=\x01\r\n", 400, "extension"},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: \x01\r\n\r\n", 400,
         "trailer"},
    };
    struct parsed r;

    (void)state;
    run_bad(cases, sizeof(cases) / sizeof(cases[0]), 8192, 1u << 20);
    /* upper-case hex, whitespace before an extension, leading zeros */
    parse("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n000A ;x\r\n0123456789\r\n"
          "0\r\n\r\n",
          &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.body[0], "0123456789");
}

static void
test_gw_http_parse_pipelining_and_keep_alive(void **state)
{
    struct parsed r;

    (void)state;
    parse("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\nConnection: close\r\n\r\n"
          "GET /3 HTTP/1.0\r\n\r\nGET /4 HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
          &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.n, 4);
    assert_string_equal(r.target[0], "/1");
    assert_string_equal(r.target[1], "/2");
    assert_string_equal(r.target[2], "/3");
    assert_string_equal(r.target[3], "/4");
    assert_true(r.keep_alive[0]);
    assert_false(r.keep_alive[1]);
    assert_false(r.keep_alive[2]);
    assert_true(r.keep_alive[3]);
    assert_int_equal(r.minor[2], 0);
    parse("GET / HTTP/1.1\r\nConnection: upgrade, close\r\n\r\n", &r);
    assert_false(r.keep_alive[0]);
    /* HTTP/1.2 is treated as 1.1 */
    parse("GET / HTTP/1.2\r\n\r\n", &r);
    assert_int_equal(r.minor[0], 1);
}

static void
test_gw_http_header_lookup(void **state)
{
    struct gw_http_parser p;
    struct gw_http_req req;
    struct evbuffer *b = evbuffer_new();
    static const char in[] =
        "GET / HTTP/1.1\r\nX-A: 1\r\nx-a: 2\r\nAUTHORIZATION: Bearer k\r\n\r\n";

    (void)state;
    gw_http_parser_init(&p, 8192, 100);
    gw_http_req_init(&req);
    assert_int_equal(evbuffer_add(b, in, sizeof(in) - 1), 0);
    assert_int_equal(gw_http_parse(&p, b, &req), GW_HTTP_DONE);
    assert_string_equal(gw_http_header(&req, "authorization"), "Bearer k");
    assert_string_equal(gw_http_header(&req, "X-a"), "1");
    assert_int_equal(gw_http_header_count(&req, "x-A"), 2);
    assert_null(gw_http_header(&req, "x-ab"));
    assert_null(gw_http_header(&req, "x-"));
    gw_http_req_fini(&req);
    evbuffer_free(b);
}

/* ---- reply framing ------------------------------------------------------------------ */

static void
test_gw_http_write_head_framing(void **state)
{
    static const char date[] = "Fri, 27 Nov 2026 09:00:00 GMT";
    struct gw_http_req req;
    struct evbuffer *b = evbuffer_new();
    char *s;

    (void)state;
    gw_http_req_init(&req);
    gw_http_add_header(&req, "Content-Type", "text/plain");
    gw_http_add_header(&req, "x-bad", "a\r\nInjected: 1");
    gw_http_write_head(b, &req, 200, "OK", 5, date);
    s = evbuf_take(b);
    assert_string_equal(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                           "Date: Fri, 27 Nov 2026 09:00:00 GMT\r\nContent-Length: 5\r\n\r\n");
    free(s);
    gw_http_req_reset(&req);
    /* default content type, chunked, Connection: close asked for by the handler */
    gw_http_add_header(&req, "Connection", "close");
    gw_http_write_head(b, &req, 503, "Service Unavailable", -1, date);
    s = evbuf_take(b);
    assert_string_equal(s, "HTTP/1.1 503 Service Unavailable\r\n"
                           "Content-Type: application/json\r\n"
                           "Date: Fri, 27 Nov 2026 09:00:00 GMT\r\n"
                           "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    free(s);
    /* HTTP/1.0: a stream ends with the connection; keep-alive is said */
    gw_http_req_reset(&req);
    req.minor = 0;
    gw_http_write_head(b, &req, 200, "OK", -1, date);
    s = evbuf_take(b);
    assert_non_null(strstr(s, "Connection: close\r\n"));
    assert_null(strstr(s, "Transfer-Encoding"));
    free(s);
    gw_http_write_head(b, &req, 200, "OK", 0, date);
    s = evbuf_take(b);
    assert_non_null(strstr(s, "Content-Length: 0\r\nConnection: keep-alive\r\n\r\n"));
    free(s);
    gw_http_req_fini(&req);
    evbuffer_free(b);
}

static void
test_gw_http_write_chunk_framing(void **state)
{
    struct evbuffer *b = evbuffer_new(), *body = evbuffer_new();
    char big[300];
    char *s;

    (void)state;
    gw_http_write_chunk(b, body); /* empty: nothing, it would end the message */
    assert_int_equal(evbuffer_get_length(b), 0);
    assert_int_equal(evbuffer_add(body, "hello", 5), 0);
    gw_http_write_chunk(b, body);
    assert_int_equal(evbuffer_get_length(body), 0);
    s = evbuf_take(b);
    assert_string_equal(s, "5\r\nhello\r\n");
    free(s);
    memset(big, 'x', sizeof(big));
    assert_int_equal(evbuffer_add(body, big, sizeof(big)), 0);
    gw_http_write_chunk(b, body);
    s = evbuf_take(b);
    assert_memory_equal(s, "12c\r\nxxx", 8);
    assert_string_equal(s + 5 + sizeof(big), "\r\n");
    free(s);
    evbuffer_free(b);
    evbuffer_free(body);
}

/* ---- a server over a socket pair ---------------------------------------------------- */

struct srv_state {
    struct gw_http_req *held; /* a request left unanswered (/hold) */
    int gone;                 /* gone callbacks seen */
    int handled;
};

static void
on_gone(struct gw_http_req *req, void *arg)
{
    struct srv_state *st = arg;

    st->gone++;
    assert_ptr_equal(req, st->held);
    st->held = NULL;
    gw_http_send(req, 500, "Internal Server Error", NULL); /* releases it; nothing is sent */
}

static void
handler(struct gw_http_req *req, void *arg)
{
    struct srv_state *st = arg;
    struct evbuffer *b = evbuffer_new();

    assert_non_null(b);
    st->handled++;
    if (strcmp(req->target, "/hold") == 0) {
        st->held = req;
        gw_http_set_gone_cb(req, on_gone, st);
    } else if (strcmp(req->target, "/stream") == 0) {
        gw_http_add_header(req, "Content-Type", "text/event-stream");
        gw_http_start(req, 200, "OK");
        assert_int_equal(evbuffer_add(b, "ab", 2), 0);
        gw_http_chunk(req, b);
        assert_int_equal(evbuffer_add(b, "cde", 3), 0);
        gw_http_chunk(req, b);
        gw_http_end(req);
    } else {
        size_t n = req->body != NULL ? evbuffer_get_length(req->body) : 0;
        char num[32];

        (void)snprintf(num, sizeof(num), "%zu", n);
        gw_http_add_header(req, "x-body-bytes", num);
        assert_int_equal(evbuffer_add(b, "hello", 5), 0);
        gw_http_send(req, 200, "OK", b);
    }
    evbuffer_free(b);
}

/* Send in (if any), run the loop, and collect what the server sent (until want appears or
 * the connection closes); returns the bytes (free()) and sets *closed. */
static char *
exchange(struct event_base *base, int fd, const char *in, const char *want, bool *closed)
{
    char *got = calloc(1, 65536);
    size_t n = 0;

    assert_non_null(got);
    *closed = false;
    if (in != NULL) {
        assert_int_equal(write(fd, in, strlen(in)), (ssize_t)strlen(in));
    }
    for (int i = 0; i < 200; i++) {
        ssize_t k;

        (void)event_base_loop(base, EVLOOP_NONBLOCK);
        k = read(fd, got + n, 65535 - n);
        if (k == 0) {
            *closed = true;
            break;
        }
        if (k > 0) {
            n += (size_t)k;
        } else if (errno != EAGAIN) {
            *closed = true;
            break;
        }
        if (want != NULL && strstr(got, want) != NULL) {
            break;
        }
        if (k < 0) {
            usleep(1000);
        }
    }
    return got;
}

static void
test_gw_http_server_keep_alive_pipelining_head_stream(void **state)
{
    struct event_base *base = event_base_new();
    struct srv_state st = {0};
    struct gw_http_opts o = {
        .max_header = 4096, .max_body = 1024, .timeout_ms = 5000, .handler = handler, .arg = &st};
    struct gw_http_server *s;
    int sv[2];
    bool closed;
    char *got;

    (void)state;
    assert_non_null(base);
    s = gw_http_server_new(base, -1, &o);
    assert_non_null(s);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    assert_true(gw_http_server_adopt(s, sv[0], "10.0.0.1"));
    /* two pipelined requests, a chunked body, in one write */
    got = exchange(base, sv[1],
                   "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                   "GET /b HTTP/1.1\r\n\r\n",
                   "x-body-bytes: 0", &closed);
    assert_false(closed);
    assert_non_null(strstr(got, "x-body-bytes: 3\r\n"));
    assert_true(strstr(got, "x-body-bytes: 3") < strstr(got, "x-body-bytes: 0"));
    assert_int_equal(st.handled, 2);
    free(got);
    /* HEAD: the head with the length, no body */
    got = exchange(base, sv[1], "HEAD /c HTTP/1.1\r\n\r\n", "\r\n\r\n", &closed);
    assert_non_null(strstr(got, "Content-Length: 5\r\n"));
    assert_null(strstr(got, "hello"));
    free(got);
    /* a stream, chunked */
    got = exchange(base, sv[1], "GET /stream HTTP/1.1\r\n\r\n", "0\r\n\r\n", &closed);
    assert_non_null(
        strstr(got, "Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n"));
    free(got);
    /* Connection: close: answered, then closed */
    got = exchange(base, sv[1], "GET /d HTTP/1.1\r\nConnection: close\r\n\r\n", NULL, &closed);
    assert_true(closed);
    assert_non_null(strstr(got, "Connection: close\r\n"));
    free(got);
    (void)close(sv[1]);
    gw_http_server_free(s);
    event_base_free(base);
}

static void
test_gw_http_server_client_gone_and_bad_request(void **state)
{
    struct event_base *base = event_base_new();
    struct srv_state st = {0};
    struct gw_http_opts o = {
        .max_header = 4096, .max_body = 1024, .timeout_ms = 5000, .handler = handler, .arg = &st};
    struct gw_http_server *s;
    int sv[2];
    bool closed;
    char *got;

    (void)state;
    s = gw_http_server_new(base, -1, &o);
    assert_non_null(s);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    assert_true(gw_http_server_adopt(s, sv[0], "10.0.0.2"));
    got = exchange(base, sv[1], "GET /hold HTTP/1.1\r\n\r\n", NULL, &closed);
    assert_non_null(st.held);
    assert_string_equal(gw_http_peer(st.held), "10.0.0.2");
    free(got);
    (void)close(sv[1]);
    for (int i = 0; i < 50 && st.gone == 0; i++) {
        (void)event_base_loop(base, EVLOOP_NONBLOCK);
    }
    assert_int_equal(st.gone, 1);
    /* a bad request: 400 naming the problem, then the connection closes */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    assert_true(gw_http_server_adopt(s, sv[0], "10.0.0.3"));
    got = exchange(base, sv[1],
                   "POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                   NULL, &closed);
    assert_true(closed);
    assert_non_null(strstr(got, "HTTP/1.1 400 Bad Request\r\n"));
    assert_non_null(strstr(got, "smuggling"));
    free(got);
    (void)close(sv[1]);
    /* draining closes an idle keep-alive connection */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    assert_true(gw_http_server_adopt(s, sv[0], "10.0.0.4"));
    got = exchange(base, sv[1], "GET /e HTTP/1.1\r\n\r\n", "hello", &closed);
    free(got);
    gw_http_server_drain(s);
    got = exchange(base, sv[1], NULL, NULL, &closed);
    assert_true(closed);
    free(got);
    (void)close(sv[1]);
    gw_http_server_free(s);
    event_base_free(base);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gw_http_parse_split_at_every_byte),
        cmocka_unit_test(test_gw_http_parse_bad_request_lines),
        cmocka_unit_test(test_gw_http_parse_header_rules),
        cmocka_unit_test(test_gw_http_parse_limits),
        cmocka_unit_test(test_gw_http_parse_smuggling_refused),
        cmocka_unit_test(test_gw_http_parse_chunked),
        cmocka_unit_test(test_gw_http_parse_pipelining_and_keep_alive),
        cmocka_unit_test(test_gw_http_header_lookup),
        cmocka_unit_test(test_gw_http_write_head_framing),
        cmocka_unit_test(test_gw_http_write_chunk_framing),
        cmocka_unit_test(test_gw_http_server_keep_alive_pipelining_head_stream),
        cmocka_unit_test(test_gw_http_server_client_gone_and_bad_request),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
