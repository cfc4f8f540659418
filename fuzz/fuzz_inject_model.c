/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the injection model's weights file parser: no crash; on failure no model
 * and a message naming the file; on success a finite bias and finite weights. */
#include "common.h"

#include "inject_int.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pcl_inject_model *m = NULL;
    struct pcl_err err;
    enum pcl_rc rc = pcl_model_parse("fuzz.model", (const char *)data, size, &m, &err);

    if (rc != PCL_OK) {
        if (m != NULL || strncmp(err.msg, "fuzz.model", 10) != 0) {
            abort();
        }
    } else if (m == NULL || !isfinite(m->bias)) {
        abort();
    } else {
        for (size_t i = 0; i < PCL_MODEL_DIM + PCL_MODEL_DENSE; i++) {
            if (!isfinite(m->w[i])) {
                abort(); /* a weight the scorer would turn into inf or NaN */
            }
        }
    }
    pcl_inject_model_free(m);
    return 0;
}
