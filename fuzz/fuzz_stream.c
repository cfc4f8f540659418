/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the streaming scan (src/detect/stream.c): the first byte picks a chunk
 * size, the rest is fed in chunks of that size; the findings must equal a whole-buffer scan
 * of the same bytes, and settled() must never pass the bytes fed. */
#include "common.h"

#include <portcullis/detect.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct list {
    struct pcl_finding f[4096];
    size_t n;
};

static int
collect(void *arg, const struct pcl_finding *f)
{
    struct list *l = arg;

    if (l->n < 4096) {
        l->f[l->n++] = *f;
    }
    return 0;
}

static struct pcl_engine *engine;
static struct pcl_scratch *scratch;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct list whole, streamed;
    struct pcl_err err = {0};
    struct pcl_stream *st = NULL;
    const char *buf = (const char *)data + 1;
    size_t len, chunk, off = 0;

    if (size < 1) {
        return 0;
    }
    if (engine == NULL) {
        if (pcl_engine_new(NULL, &engine, &err) != PCL_OK ||
            pcl_scratch_new(engine, &scratch, &err) != PCL_OK) {
            abort();
        }
    }
    chunk = (size_t)data[0] + 1;
    len = size - 1;
    whole.n = streamed.n = 0;
    if (pcl_engine_scan(engine, scratch, buf, len, collect, &whole, &err) != PCL_OK) {
        return 0; /* a match limit makes the comparison meaningless */
    }
    if (pcl_stream_new(engine, collect, &streamed, &st, &err) != PCL_OK) {
        abort();
    }
    while (off < len) {
        size_t n = PCL_MIN(chunk, len - off);

        if (pcl_stream_feed(st, buf + off, n, &err) != PCL_OK) {
            pcl_stream_free(st);
            return 0;
        }
        off += n;
        if (pcl_stream_settled(st) > off) {
            abort();
        }
    }
    if (pcl_stream_finish(st, &err) != PCL_OK) {
        pcl_stream_free(st);
        return 0;
    }
    pcl_stream_free(st);
    if (whole.n != streamed.n) {
        abort();
    }
    for (size_t i = 0; i < whole.n; i++) {
        if (whole.f[i].start != streamed.f[i].start || whole.f[i].end != streamed.f[i].end ||
            whole.f[i].detector != streamed.f[i].detector) {
            abort();
        }
    }
    return 0;
}
