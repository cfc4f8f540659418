/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the model scanner entered through HDF5 input (Keras .h5; libhdf5 runs in a forked
 * child) (src/model/); the checks are in fuzz_model.h. */
#include "fuzz_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* libhdf5 runs in a forked child that may ask for absurd amounts of memory on hostile files
 * (H5C_protect); the child must then fail or die and the file end `unscannable`, which is what
 * this target checks. Under ASan's default that request aborts the child with a report, and
 * libFuzzer writes it out as a crash of the target although the scanner handled it. */
const char *
__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return pcl_fuzz_model_scan("fuzz.h5", data, size);
}
