/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the detection engine (src/detect/engine.c): every default detector over
 * arbitrary bytes; findings must be in bounds, sorted, non-overlapping and above the
 * minimum score, and a second scan must give the same findings. */
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
    return 0;
}
