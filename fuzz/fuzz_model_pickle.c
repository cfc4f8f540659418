/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the model scanner entered through pickle input (src/model/); the checks are
 * in fuzz_model.h. */
#include "fuzz_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return pcl_fuzz_model_scan("fuzz.pkl", data, size);
}
