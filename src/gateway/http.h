/* SPDX-License-Identifier: Apache-2.0 */
/* The gateway's client-facing HTTP/1.1 server: accepts connections on a listening socket,
 * parses requests (head copied into the connection's own buffer, headers as slices, body in
 * an evbuffer) and frames replies (fixed length or chunked) with plain evbuffer_add calls.
 * One request per connection is handled at a time; pipelined requests wait in the input. */
#ifndef PCL_GATEWAY_HTTP_H
#define PCL_GATEWAY_HTTP_H

#include <event2/buffer.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "common.h"

#define GW_HTTP_MAX_HEADERS 100  /* more header lines than this: 431 */
#define GW_HTTP_MAX_LINE    4096 /* chunk-size line (with extensions) */

enum gw_http_method {
    GW_HTTP_GET = 1,
    GW_HTTP_POST,
    GW_HTTP_HEAD,
    GW_HTTP_PUT,
    GW_HTTP_DELETE,
    GW_HTTP_OPTIONS,
    GW_HTTP_PATCH,
};

/* One header of a request: NUL-terminated slices of the request's head buffer. */
struct gw_http_hdr {
    const char *name;
    size_t nlen;
    const char *value; /* optional whitespace trimmed on both sides */
    size_t vlen;
};

struct gw_http_conn;
struct gw_http_req;

/* Called when the client connection closes (or fails) while the request is not yet answered.
 * The request stays valid until the handler ends it (gw_http_send / gw_http_end), which it
 * must still do; what it writes is dropped. */
typedef void gw_http_gone_fn(struct gw_http_req *req, void *arg);

struct gw_http_req {
    struct gw_http_conn *conn; /* NULL for a request parsed outside a server (tests, fuzzing) */
    enum gw_http_method method;
    const char *method_name; /* NUL-terminated, in head */
    const char *target;      /* NUL-terminated, in head */
    size_t target_len;
    int minor;                                    /* HTTP/1.<minor>: 0 or 1 */
    struct gw_http_hdr hdrs[GW_HTTP_MAX_HEADERS]; /* nhdrs of them, in arrival order */
    size_t nhdrs;
    bool keep_alive;      /* by version and Connection header */
    bool expect_continue; /* Expect: 100-continue */
    bool chunked;         /* Transfer-Encoding: chunked */
    uint64_t content_length;
    struct evbuffer *body; /* the whole body once parsed; the handler may move it out */
    char *head;            /* owned: the request line and headers, parsed in place */
    size_t head_cap;
    /* the reply */
    struct pcl_buf rhdrs; /* "name: value\r\n" lines added by the handler */
    bool close_after;     /* Connection: close on the reply */
    bool has_ctype;       /* the handler set Content-Type */
    bool started;         /* gw_http_start sent the head */
    bool active;          /* handed to the handler, not yet ended */
    gw_http_gone_fn *gone;
    void *gone_arg;
};

/* ---- parsing (no event loop; also used by the tests and the fuzz target) --------------- */

enum gw_http_step {
    GW_HTTP_MORE = 0, /* need more bytes */
    GW_HTTP_HEADERS,  /* the head is parsed; the body follows (call again) */
    GW_HTTP_DONE,     /* the request is complete */
    GW_HTTP_FAIL,     /* bad request: status and why say what */
};

struct gw_http_parser {
    size_t max_header, max_body;
    int phase;        /* where in the message (http.c) */
    size_t scanned;   /* head bytes already searched for its end */
    uint64_t left;    /* body bytes left (Content-Length or current chunk) */
    uint64_t total;   /* body bytes so far */
    size_t trailer;   /* trailer bytes so far */
    int status;       /* on GW_HTTP_FAIL: 400, 413, 431, 501 */
    const char *why;  /* on GW_HTTP_FAIL: static text naming the problem */
    const char *kind; /* on GW_HTTP_FAIL: a metric label ("smuggling", "header", "body", ...) */
};

/* Cannot fail. */
void gw_http_parser_init(struct gw_http_parser *p, size_t max_header, size_t max_body);
/* Ready for the next message on the same connection. */
void gw_http_parser_reset(struct gw_http_parser *p);

/* Cannot fail; the body buffer and head are allocated on first use. */
void gw_http_req_init(struct gw_http_req *req);
/* Forget the previous request (keeps the buffers). */
void gw_http_req_reset(struct gw_http_req *req);
void gw_http_req_fini(struct gw_http_req *req);

/* Consume bytes of one request from in: the head (GW_HTTP_HEADERS once it is complete), then
 * the body into req->body (Content-Length or chunked; trailers are read and dropped).
 * GW_HTTP_FAIL leaves in unspecified; the connection must be closed. Out of memory is a
 * GW_HTTP_FAIL with status 503. */
enum gw_http_step gw_http_parse(struct gw_http_parser *p, struct evbuffer *in,
                                struct gw_http_req *req) PCL_WUR;

/* The value of the first header called name (case-insensitive), NUL-terminated; NULL if
 * absent. Borrowed until the request ends. */
const char *gw_http_header(const struct gw_http_req *req, const char *name);
/* How many headers are called name. */
size_t gw_http_header_count(const struct gw_http_req *req, const char *name);

/* ---- reply framing (evbuffers only) --------------------------------------------------- */

/* Append a reply head to out: status line, req->rhdrs, Date (date: a 29-byte IMF-fixdate),
 * Content-Length (len >= 0) or Transfer-Encoding: chunked (len == -1 and HTTP/1.1) or
 * neither (len == -1 and HTTP/1.0: the body ends when the connection closes), and
 * Connection: close / keep-alive as needed. */
void gw_http_write_head(struct evbuffer *out, const struct gw_http_req *req, int status,
                        const char *reason, int64_t len, const char *date);
/* Append body as one chunk ("<hex>\r\n<bytes>\r\n"); moves body's bytes. Nothing for an
 * empty body (an empty chunk would end the message). */
void gw_http_write_chunk(struct evbuffer *out, struct evbuffer *body);

/* ---- the server ---------------------------------------------------------------------- */

typedef void gw_http_handler_fn(struct gw_http_req *req, void *arg);
/* Counts a request refused by the HTTP layer (reason: "smuggling", "header", "body", ...). */
typedef void gw_http_refused_fn(const char *reason, void *arg);

struct gw_http_opts {
    size_t max_header, max_body;
    unsigned timeout_ms; /* read (idle, or mid-request) and write timeout; 0 = none */
    SSL_CTX *ssl_ctx;    /* NULL: plain TCP; borrowed for the server's lifetime */
    gw_http_handler_fn *handler;
    gw_http_refused_fn *refused; /* may be NULL */
    void *arg;
};

struct gw_http_server;

/* A server accepting on fd (a listening, non-blocking socket it takes, even on failure).
 * NULL when out of memory. */
struct gw_http_server *gw_http_server_new(struct event_base *base, evutil_socket_t fd,
                                          const struct gw_http_opts *o);
/* Stop accepting (closes the listening socket) and close connections with nothing in flight;
 * the others close once their request is answered. */
void gw_http_server_drain(struct gw_http_server *s);
/* Close everything; requests still in flight get their gone callback first. NULL is a no-op. */
void gw_http_server_free(struct gw_http_server *s);
/* Adopt an accepted, connected socket (as the listener does); false when out of memory (the
 * socket is then closed). For tests. */
bool gw_http_server_adopt(struct gw_http_server *s, evutil_socket_t fd, const char *peer);

/* ---- a request inside a server ------------------------------------------------------- */

/* The client's address as text ("unknown" if not known). */
const char *gw_http_peer(const struct gw_http_req *req);
void gw_http_set_gone_cb(struct gw_http_req *req, gw_http_gone_fn *fn, void *arg);
/* Add a reply header (before gw_http_send or gw_http_start). "Connection: close" only marks
 * the connection to close after the reply. A value with CR or LF is dropped. */
void gw_http_add_header(struct gw_http_req *req, const char *name, const char *value);
/* Send a whole reply and end the request; moves body's bytes (NULL = empty). HEAD gets the
 * head only. Written to the socket at once when it takes them. */
void gw_http_send(struct gw_http_req *req, int status, const char *reason, struct evbuffer *body);
/* Start a streamed reply (chunked for HTTP/1.1, close-delimited for HTTP/1.0). */
void gw_http_start(struct gw_http_req *req, int status, const char *reason);
/* Send one piece of a started reply (moves body's bytes); written when the current loop pass
 * ends (with the end of the reply, when that comes in the same pass). */
void gw_http_chunk(struct gw_http_req *req, struct evbuffer *body);
/* End a started reply and the request. */
void gw_http_end(struct gw_http_req *req);

#endif
