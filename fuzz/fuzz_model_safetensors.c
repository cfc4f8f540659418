/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the model scanner entered through safetensors input (src/model/): any bytes end
 * in a report (never a crash, hang or unbounded allocation) whose findings are well formed. The
 * name only adds scrutiny (files named like the format are validated as it); content decides. */
#include "common.h"

#include <portcullis/model.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pcl_model_opts o = {.max_decompressed = (uint64_t)64 << 20, .max_depth = 4};
    struct pcl_model_report *r = NULL;

    if (pcl_model_scan_mem("fuzz.safetensors", data, size, &o, &r, NULL) != PCL_OK) {
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
