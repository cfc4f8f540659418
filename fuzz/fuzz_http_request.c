/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the gateway's HTTP/1.1 request parser (src/gateway/http.c): the input is
 * a byte stream of pipelined requests, fed in two pieces (split chosen by the first byte).
 * Parsing must end in a request, a need for more bytes or a refusal with a status and a
 * reason — never a crash, a leak, a body over max_body or a header that is not a slice of
 * the head; a request parsed from one piece must equal the same request parsed from two. */
#include "http.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HEADER 2048
#define MAX_BODY   4096

/* A digest of what was parsed: status codes, targets, header and body lengths. */
static uint64_t
run(const uint8_t *data, size_t size, size_t split)
{
    struct gw_http_parser p;
    struct gw_http_req req;
    struct evbuffer *in = evbuffer_new();
    uint64_t h = 1469598103934665603u;
    size_t fed = 0;

    if (in == NULL) {
        abort();
    }
    gw_http_parser_init(&p, MAX_HEADER, MAX_BODY);
    gw_http_req_init(&req);
    for (int guard = 0; guard < 10000; guard++) {
        enum gw_http_step st = gw_http_parse(&p, in, &req);

        if (st == GW_HTTP_HEADERS) {
            continue;
        }
        if (st == GW_HTTP_FAIL) {
            if (p.why == NULL || p.kind == NULL || p.status < 400 || p.status > 599) {
                abort();
            }
            h = (h ^ (uint64_t)p.status) * 1099511628211u;
            break;
        }
        if (st == GW_HTTP_DONE) {
            size_t bl = req.body != NULL ? evbuffer_get_length(req.body) : 0;

            if (bl > MAX_BODY || req.target == NULL || strlen(req.target) != req.target_len ||
                req.method_name == NULL || req.nhdrs > GW_HTTP_MAX_HEADERS) {
                abort();
            }
            for (size_t i = 0; i < req.nhdrs; i++) {
                const struct gw_http_hdr *x = &req.hdrs[i];

                if (strlen(x->name) != x->nlen || strlen(x->value) != x->vlen || x->nlen == 0 ||
                    x->name < req.head || x->value + x->vlen >= req.head + req.head_cap ||
                    gw_http_header(&req, x->name) == NULL) {
                    abort();
                }
                h = (h ^ x->vlen) * 1099511628211u;
            }
            h = (h ^ bl ^ req.target_len ^ (uint64_t)req.keep_alive << 40) * 1099511628211u;
            {
                struct evbuffer *out = evbuffer_new();

                if (out == NULL) {
                    abort();
                }
                gw_http_add_header(&req, "x-test", req.target);
                gw_http_write_head(out, &req, 200, "OK", req.chunked ? -1 : (int64_t)bl,
                                   "Thu, 01 Jan 1970 00:00:00 GMT");
                if (req.body != NULL) {
                    gw_http_write_chunk(out, req.body);
                }
                evbuffer_free(out);
            }
            gw_http_parser_reset(&p);
            gw_http_req_reset(&req);
            continue;
        }
        if (fed == size) {
            h = (h ^ 0xffu) * 1099511628211u;
            break;
        }
        {
            size_t k = split > fed ? split - fed : size - fed;

            if (evbuffer_add(in, data + fed, k) != 0) {
                abort();
            }
            fed += k;
        }
    }
    gw_http_req_fini(&req);
    evbuffer_free(in);
    return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t split;

    if (size < 1) {
        return 0;
    }
    split = size > 1 ? data[0] % size : 0;
    data++;
    size--;
    if (run(data, size, 0) != run(data, size, split)) {
        abort();
    }
    return 0;
}
