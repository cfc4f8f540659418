/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the text decoders of src/core/encode.c (base64 std/url, and hex and
 * base58/base58check on the same input): no crash, and every successful decode re-encodes
 * and decodes back to the same bytes. */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_base64(const char *in, size_t n, enum pcl_b64_variant v, uint8_t *out, uint8_t *again,
             size_t cap)
{
    struct pcl_buf enc;
    size_t len = 0;
    size_t len2 = 0;

    if (pcl_base64_decode(in, n, v, out, cap, &len, NULL) != PCL_OK) {
        return;
    }
    if (len > cap) {
        abort();
    }
    pcl_buf_init(&enc, 0);
    if (pcl_base64_encode(&enc, out, len, v) != PCL_OK) {
        abort();
    }
    if (pcl_base64_decode(enc.ptr, enc.len, v, again, cap, &len2, NULL) != PCL_OK || len2 != len ||
        (len > 0 && memcmp(out, again, len) != 0)) {
        abort();
    }
    pcl_buf_fini(&enc);
}

static void
check_base58(const char *in, size_t n, uint8_t *out, uint8_t *again, size_t cap)
{
    struct pcl_buf enc;
    size_t len = 0;
    size_t len2 = 0;

    if (pcl_base58check_decode(in, n, out, cap, &len, NULL) == PCL_OK && len + 4 > n) {
        abort(); /* payload + checksum never outgrow the string */
    }
    if (pcl_base58_decode(in, n, out, cap, &len, NULL) != PCL_OK) {
        return;
    }
    pcl_buf_init(&enc, 0);
    if (pcl_base58_encode(&enc, out, len) != PCL_OK) {
        abort();
    }
    /* Base58 is canonical: the re-encoding is the input itself. */
    if (enc.len != n || (n > 0 && memcmp(enc.ptr, in, n) != 0)) {
        abort();
    }
    if (pcl_base58_decode(enc.ptr, enc.len, again, cap, &len2, NULL) != PCL_OK || len2 != len ||
        (len > 0 && memcmp(out, again, len) != 0)) {
        abort();
    }
    pcl_buf_fini(&enc);
}

static void
check_hex(const char *in, size_t n, uint8_t *out, size_t cap)
{
    struct pcl_buf enc;
    size_t len = 0;

    if (pcl_hex_decode(in, n, out, cap, &len, NULL) != PCL_OK) {
        return;
    }
    pcl_buf_init(&enc, 0);
    if (pcl_hex_encode(&enc, out, len) != PCL_OK || enc.len != n) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        if (enc.ptr[i] != pcl_lower(in[i])) {
            abort();
        }
    }
    pcl_buf_fini(&enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    size_t cap = size + 1; /* at least every decoder's need; +1 keeps it non-zero */
    uint8_t *out = pcl_malloc(cap);
    uint8_t *again = pcl_malloc(cap);

    if (out == NULL || again == NULL) {
        abort();
    }
    check_base64(in, size, PCL_B64_STD, out, again, cap);
    check_base64(in, size, PCL_B64_URL, out, again, cap);
    /* A decode into too small an output must fail cleanly, never overrun. */
    if (size > 0) {
        size_t small = pcl_base64_decoded_max(size) / 2;
        size_t len = 0;

        if (pcl_base64_decode(in, size, PCL_B64_STD, out, small, &len, NULL) == PCL_OK &&
            len > small) {
            abort();
        }
    }
    check_hex(in, size, out, cap);
    check_base58(in, size, out, again, cap);
    pcl_free(out);
    pcl_free(again);
    return 0;
}
