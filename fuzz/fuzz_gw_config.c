/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the gateway's YAML configuration (src/gateway/config.c): arbitrary bytes as
 * a config file must load or fail with a message naming the file, never crash or leak; a config
 * that loads must describe itself. Compiled detector databases come from a cache directory so
 * inputs that parse do not pay a full compile each. */
#include "gw.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/pcl-fuzz-gwconfig-XXXXXX";
    struct pcl_gw_config *c = NULL;
    struct pcl_err err = {0};
    struct pcl_buf out;
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
    rc = pcl_gw_config_load(path, "/tmp/pcl-fuzz-gwconfig-cache", &c, &err);
    (void)unlink(path);
    if (rc != PCL_OK) {
        if (c != NULL || err.msg[0] == '\0') {
            abort();
        }
        return 0;
    }
    pcl_buf_init(&out, 1u << 20);
    if (c == NULL || c->nups == 0 || c->nroutes == 0 || c->npolicies == 0 ||
        pcl_gw_config_describe(c, &out) != PCL_OK) {
        abort();
    }
    pcl_buf_fini(&out);
    pcl_gw_config_free(c);
    return 0;
}
