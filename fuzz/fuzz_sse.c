/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the SSE parser (src/gateway/sse.c): no crash, and splitting the input at
 * any point yields the same events as feeding it whole. */
#include "sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct acc {
    uint64_t hash;
    size_t events;
};

static int
on_event(void *ctx, const char *event, size_t elen, const char *d, size_t dlen)
{
    struct acc *a = ctx;

    for (size_t i = 0; i < elen; i++) {
        a->hash = (a->hash ^ (uint8_t)event[i]) * 1099511628211ull;
    }
    a->hash = (a->hash ^ 0x100u) * 1099511628211ull;
    for (size_t i = 0; i < dlen; i++) {
        a->hash = (a->hash ^ (uint8_t)d[i]) * 1099511628211ull;
    }
    a->events++;
    return 0;
}

static enum pcl_rc
run(const uint8_t *data, size_t size, size_t split, struct acc *a)
{
    struct gw_sse p;
    struct pcl_err err;
    bool stopped;
    enum pcl_rc rc;

    pcl_gw_sse_init(&p, 4096);
    rc = pcl_gw_sse_feed(&p, (const char *)data, split, on_event, a, &stopped, &err);
    if (rc == PCL_OK) {
        rc = pcl_gw_sse_feed(&p, (const char *)data + split, size - split, on_event, a, &stopped,
                             &err);
    }
    pcl_gw_sse_fini(&p);
    return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acc whole = {.hash = 1469598103934665603ull};
    struct acc parts = {.hash = 1469598103934665603ull};
    size_t split = size > 0 ? data[0] % (size + 1) : 0;
    enum pcl_rc a = run(data, size, size, &whole);
    enum pcl_rc b = run(data, size, split, &parts);

    if (a == PCL_OK && b == PCL_OK && (whole.hash != parts.hash || whole.events != parts.events)) {
        abort();
    }
    return 0;
}
