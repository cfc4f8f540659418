/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the injection signature file parser and the token-pattern translation: no
 * crash, and a failure always leaves the array as it was with a message naming the file. */
#include "common.h"

#include <portcullis/inject.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pcl_inject_sig *sigs = NULL;
    size_t n = 0;
    struct pcl_err err;
    enum pcl_rc rc;

    rc = pcl_inject_sig_parse("fuzz.sig", (const char *)data, size, &sigs, &n, &err);
    if (rc != PCL_OK) {
        if (n != 0 || strncmp(err.msg, "fuzz.sig", 8) != 0) {
            abort();
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            if (sigs[i].id == NULL || sigs[i].regex == NULL || sigs[i].line == 0 ||
                sigs[i].regex[0] == '\0') {
                abort();
            }
        }
    }
    pcl_inject_sig_free(sigs, n);
    return 0;
}
