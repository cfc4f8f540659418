/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the model scanner entered through HDF5 input (Keras .h5; libhdf5 runs in a forked
 * child) (src/model/); the checks are in fuzz_model.h. */
#include "fuzz_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return pcl_fuzz_model_scan("fuzz.h5", data, size);
}
