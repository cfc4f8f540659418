/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for transparent gzip input (pcl_input_read() over pcl_input_open_mem(), and
 * pcl_input_readahead()): no crash or hang; plain input comes out as it went in; and reading
 * ahead on a thread gives the same result as reading in place: the same bytes and end, or
 * the same error after the same bytes and maybe more (a read that meets an error drops what
 * it decoded, the read-ahead keeps it). The first byte picks the read size. */
#include "common.h"

#include <portcullis/core.h>
#include <portcullis/formats.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum pcl_rc
read_all(const uint8_t *data, size_t size, size_t chunk, bool ahead, struct pcl_buf *out,
         struct pcl_err *err)
{
    struct pcl_input *in = NULL;
    char buf[4096];
    enum pcl_rc rc = pcl_input_open_mem("fuzz", data, size, &in, err);

    if (rc == PCL_OK && ahead) {
        rc = pcl_input_readahead(in, err);
    }
    while (rc == PCL_OK) {
        size_t got = 0;

        rc = pcl_input_read(in, buf, chunk, &got, err);
        if (rc != PCL_OK || got == 0) {
            break;
        }
        if (got > chunk || pcl_buf_append(out, buf, got) != PCL_OK) {
            abort();
        }
    }
    pcl_input_free(in);
    return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pcl_buf a, b;
    struct pcl_err ea = {0}, eb = {0};
    enum pcl_rc ra, rb;
    size_t chunk;
    bool gzip;

    if (size < 1) {
        return 0;
    }
    chunk = (size_t)data[0] * 16 + 1; /* 1..4081 */
    data++;
    size--;
    gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    pcl_buf_init(&a, (size_t)64 << 20);
    pcl_buf_init(&b, (size_t)64 << 20);
    ra = read_all(data, size, chunk, false, &a, &ea);
    rb = read_all(data, size, 4096, true, &b, &eb);
    if (ra != rb || strcmp(ea.msg, eb.msg) != 0 || b.len < a.len ||
        (a.len > 0 && memcmp(a.ptr, b.ptr, a.len) != 0) || (ra == PCL_OK && a.len != b.len) ||
        (!gzip &&
         (ra != PCL_OK || a.len != size || (size > 0 && memcmp(a.ptr, data, size) != 0)))) {
        abort();
    }
    pcl_buf_fini(&a);
    pcl_buf_fini(&b);
    return 0;
}
