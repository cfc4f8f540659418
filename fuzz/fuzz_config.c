/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the YAML configuration loader (src/detect/config.c): arbitrary bytes as a
 * config file must load or fail with a message, never crash or leak. */
#include "common.h"

#include <portcullis/detect.h>

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/pcl-fuzz-config-XXXXXX";
    struct pcl_engine_opts *o = NULL;
    struct pcl_err err = {0};
    int fd = mkstemp(path);
    enum pcl_rc rc;

    if (fd == -1) {
        abort();
    }
    if (write(fd, data, size) != (ssize_t)size) {
        (void)close(fd);
        (void)unlink(path);
        abort();
    }
    (void)close(fd);
    rc = pcl_engine_opts_load(path, &o, &err);
    (void)unlink(path);
    if (rc == PCL_OK) {
        if (o == NULL) {
            abort();
        }
        pcl_engine_opts_free(o);
    } else if (o != NULL || err.msg[0] == '\0') {
        abort();
    }
    return 0;
}
