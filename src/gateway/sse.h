/* SPDX-License-Identifier: Apache-2.0 */
/* An incremental parser for Server-Sent Events (WHATWG HTML §9.2): feed bytes as they come,
 * get one callback per complete event. */
#ifndef PCL_GATEWAY_SSE_H
#define PCL_GATEWAY_SSE_H

#include "common.h"

/* One dispatched event: `event` is the event type ("" when the stream set none), `data` the
 * data lines joined by '\n'. Both borrowed until the callback returns. Return non-zero to
 * stop parsing (pcl_gw_sse_feed then returns PCL_OK with *stopped set). */
typedef int gw_sse_fn(void *ctx, const char *event, size_t elen, const char *data, size_t dlen);

struct gw_sse {
    struct pcl_buf line;  /* the line being read */
    struct pcl_buf data;  /* data of the event being read */
    struct pcl_buf event; /* event type of the event being read */
    const char *dref;     /* inside a feed: the event's one data line, still in the caller's */
    size_t dlen;          /* buffer (data is empty meanwhile) */
    bool has_data;
    bool after_cr;     /* last byte was CR: a following LF belongs to the same line end */
    unsigned bom_seen; /* bytes of a leading BOM consumed (3 = done) */
    uint64_t offset;   /* bytes consumed, for error messages */
};

/* max bounds one line and one event's data (PCL_ELIMIT past it). Cannot fail. */
void pcl_gw_sse_init(struct gw_sse *p, size_t max);
void pcl_gw_sse_fini(struct gw_sse *p);
enum pcl_rc pcl_gw_sse_feed(struct gw_sse *p, const char *buf, size_t n, gw_sse_fn *cb, void *ctx,
                            bool *stopped, struct pcl_err *err) PCL_WUR;
/* True when bytes of an unfinished event are pending (a stream that ends here was cut). */
bool pcl_gw_sse_pending(const struct gw_sse *p);

#endif
