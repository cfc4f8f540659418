/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the detection engine (src/detect/engine.c): every default detector over
 * arbitrary bytes; findings must be in bounds, sorted, non-overlapping and above the
 * minimum score, and a second scan must give the same findings. The input's lines, scanned
 * as segments (pcl_engine_scan_segments), must each give what scanning the line alone gives. */
#include "common.h"

#include <portcullis/detect.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct list {
    struct pcl_finding f[4096];
    size_t n;
    size_t len;
};

static int
collect(void *arg, const struct pcl_finding *f)
{
    struct list *l = arg;

    if (f->start >= f->end || f->end > l->len || f->score < 0.5 || f->score > 1.0) {
        abort();
    }
    if (l->n > 0 && f->start < l->f[l->n - 1].end) {
        abort(); /* overlapping or out of order */
    }
    if (l->n < 4096) {
        l->f[l->n++] = *f;
    }
    return 0;
}

static struct pcl_engine *engine;
static struct pcl_scratch *scratch;

struct seg_list {
    struct pcl_finding f[4096];
    size_t seg[4096];
    size_t n;
};

static int
collect_seg(void *arg, size_t seg, const struct pcl_finding *f)
{
    struct seg_list *l = arg;

    if (l->n < 4096) {
        l->seg[l->n] = seg;
        l->f[l->n++] = *f;
    }
    return 0;
}

/* Every line of data as a segment, against each line scanned alone. */
static void
check_segments(const uint8_t *data, size_t size)
{
    static size_t ends[1024];
    static struct seg_list got;
    static struct list alone;
    struct pcl_err err = {0};
    size_t n = 0, k = 0;
    enum pcl_rc rc;

    for (size_t i = 0; i < size && n < 1023; i++) {
        if (data[i] == '\n') {
            ends[n++] = i;
        }
    }
    ends[n++] = size; /* the last line (past 1023 lines, with the rest in it) */
    got.n = 0;
    rc = pcl_engine_scan_segments(engine, scratch, (const char *)data, ends, n, NULL, collect_seg,
                                  &got, &err);
    if (rc != PCL_OK && rc != PCL_ELIMIT) {
        abort();
    }
    if (got.n >= 4096) {
        return;
    }
    for (size_t i = 0, lo = 0; i < n; lo = ends[i] + 1, i++) {
        alone.n = 0;
        alone.len = ends[i] - lo;
        rc = pcl_engine_scan(engine, scratch, (const char *)data + lo, ends[i] - lo, collect,
                             &alone, &err);
        if (rc != PCL_OK && rc != PCL_ELIMIT) {
            abort();
        }
        for (size_t j = 0; j < alone.n; j++, k++) {
            if (k >= got.n || got.seg[k] != i || got.f[k].start != alone.f[j].start ||
                got.f[k].end != alone.f[j].end || got.f[k].detector != alone.f[j].detector ||
                got.f[k].score != alone.f[j].score) {
                abort(); /* a neighbour changed what a segment finds */
            }
        }
    }
    if (k != got.n) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct list a, b;
    struct pcl_err err = {0};
    enum pcl_rc rc1, rc2;

    if (engine == NULL) {
        if (pcl_engine_new(NULL, &engine, &err) != PCL_OK ||
            pcl_scratch_new(engine, &scratch, &err) != PCL_OK) {
            abort();
        }
    }
    a.n = b.n = 0;
    a.len = b.len = size;
    rc1 = pcl_engine_scan(engine, scratch, (const char *)data, size, collect, &a, &err);
    rc2 = pcl_engine_scan(engine, scratch, (const char *)data, size, collect, &b, &err);
    if ((rc1 != PCL_OK && rc1 != PCL_ELIMIT) || rc1 != rc2 || a.n != b.n) {
        abort();
    }
    for (size_t i = 0; i < a.n; i++) {
        if (a.f[i].start != b.f[i].start || a.f[i].end != b.f[i].end ||
            a.f[i].detector != b.f[i].detector) {
            abort();
        }
    }
    check_segments(data, size);
    return 0;
}
