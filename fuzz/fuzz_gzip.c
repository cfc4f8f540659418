/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for transparent gzip input (pcl_input_read() over pcl_input_open_mem(), and
 * pcl_input_readahead()): no crash or hang; plain input comes out as it went in; and reading
 * ahead on a thread gives the same result as reading in place: the same bytes and end, or
 * the same error after the same bytes and maybe more (a read that meets an error drops what
 * it decoded, the read-ahead keeps it); and the input inflates (with ISA-L) to what zlib
 * inflates it to, member by member, whenever zlib takes it. The first byte picks the read
 * size. */
#include "common.h"

#include <portcullis/core.h>
#include <portcullis/formats.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

/* data[0..size) inflated by zlib as the reader treats gzip: members one after another, zero
 * bytes between or after them skipped. False when zlib refuses it (or it is not gzip). */
static bool
zlib_inflate_all(const uint8_t *data, size_t size, struct pcl_buf *out)
{
    z_stream zs;
    size_t at = 0;
    bool ok = true;

    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 15 + 16) != Z_OK) {
        abort();
    }
    while (ok) {
        unsigned char buf[4096];
        int zrc;

        while (at < size && data[at] == 0) {
            at++;
        }
        if (at == size) {
            break;
        }
        if (size - at < 2 || data[at] != 0x1f || data[at + 1] != 0x8b) {
            ok = false;
            break;
        }
        (void)inflateReset(&zs);
        do {
            zs.next_in = (Bytef *)(uintptr_t)(data + at);
            zs.avail_in = (uInt)(size - at);
            zs.next_out = buf;
            zs.avail_out = sizeof(buf);
            zrc = inflate(&zs, Z_NO_FLUSH);
            at = size - zs.avail_in;
            if (pcl_buf_append(out, buf, sizeof(buf) - zs.avail_out) != PCL_OK) {
                ok = false;
            }
        } while (ok && zrc == Z_OK);
        ok = ok && zrc == Z_STREAM_END;
    }
    (void)inflateEnd(&zs);
    return ok;
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
    if (gzip) {
        struct pcl_buf z;

        pcl_buf_init(&z, (size_t)64 << 20);
        if (zlib_inflate_all(data, size, &z) &&
            (ra != PCL_OK || a.len != z.len || (z.len > 0 && memcmp(a.ptr, z.ptr, z.len) != 0))) {
            abort(); /* zlib takes it: the same bytes, no error */
        }
        pcl_buf_fini(&z);
    }
    pcl_buf_fini(&a);
    pcl_buf_fini(&b);
    return 0;
}
