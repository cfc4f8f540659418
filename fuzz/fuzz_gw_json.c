/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the gateway's JSON reader and writer (src/gateway/jtree.c), differential
 * against jansson: for every input and every flag set the gateway uses, both parsers must
 * accept or both refuse (but for jansson's NUL-byte quirk, below), accepted documents must give
 * equal trees, and the writer must give jansson's bytes for them. */
#include "jtree.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
collect(const char *s, size_t n, void *data)
{
    return pcl_buf_append(data, s, n) == PCL_OK ? 0 : -1;
}

static void
one(const uint8_t *data, size_t size, size_t flags)
{
    json_error_t jerr, gerr;
    json_t *want = json_loadb((const char *)data, size, flags, &jerr);
    json_t *got = pcl_gw_json_parse((const char *)data, size, flags, &gerr);

    /* jansson loses a NUL byte that follows a number or a literal ("[1\0]" loads as [1]);
     * the reader refuses every NUL outside a string, so with one only "we accept => jansson
     * accepts" holds */
    if (got != NULL ? want == NULL : want != NULL && memchr(data, '\0', size) == NULL) {
        abort();
    }
    if (got == NULL && want != NULL) {
        json_decref(want);
        want = NULL;
    }
    if (got != NULL) {
        char *ref = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
        struct pcl_buf out;

        if (!json_equal(want, got) || ref == NULL) {
            abort();
        }
        pcl_buf_init(&out, 0);
        if (pcl_gw_json_dump(got, collect, &out) != 0 || out.len != strlen(ref) ||
            memcmp(out.ptr, ref, out.len) != 0) {
            abort();
        }
        pcl_buf_fini(&out);
        free(ref);
    } else if (gerr.text[0] == '\0' || gerr.position < 0 || (size_t)gerr.position > size) {
        abort(); /* a refusal says what and where */
    }
    json_decref(want);
    json_decref(got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) {
        return 0;
    }
    one(data, size, 0);
    one(data, size, JSON_DECODE_ANY);
    one(data, size, JSON_REJECT_DUPLICATES);
    return 0;
}
