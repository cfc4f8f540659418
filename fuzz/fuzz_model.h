/* SPDX-License-Identifier: Apache-2.0 */
/* Shared body of the model-scanner fuzz targets: each enters the scanner with a file name of
 * its format (the name only adds scrutiny; content decides), and any bytes must end in a report
 * (never a crash, hang or unbounded allocation) whose findings are well formed. */
#ifndef PCL_FUZZ_MODEL_H
#define PCL_FUZZ_MODEL_H

#include "common.h"

#include <portcullis/model.h>

static inline int
pcl_fuzz_model_scan(const char *name, const uint8_t *data, size_t size)
{
    struct pcl_model_opts o = {.max_decompressed = (uint64_t)64 << 20, .max_depth = 4};
    struct pcl_model_report *r = NULL;

    if (pcl_model_scan_mem(name, data, size, &o, &r, NULL) != PCL_OK) {
        abort();
    }
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct pcl_model_finding *f = &r->findings[i];

        if (f->rule == NULL || f->why == NULL || f->member == NULL || f->count == 0 ||
            f->sev > PCL_MODEL_SEV_CRITICAL) {
            abort();
        }
    }
    if (r->format == NULL || pcl_model_report_outcome(r) > PCL_MODEL_MALICIOUS) {
        abort();
    }
    pcl_model_report_free(r);
    return 0;
}

#endif
