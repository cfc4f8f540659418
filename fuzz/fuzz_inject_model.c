/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the injection model's weights file parser: no crash, and on failure no model
 * and a message naming the file. */
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
    }
    pcl_inject_model_free(m);
    return 0;
}
