/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the Unicode sanitizer and its decoders (base64, hex, URL, rot13, leetspeak,
 * reversed, spaced, tag and variation-selector payloads): no crash, findings and decoded spans
 * inside the input, the screen map monotonic and ending at the input length, decoded texts
 * valid UTF-8, and the forwarded text never longer than the input. */
#include "common.h"

#include <portcullis/inject.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pcl_sanitizer *san;
    static struct pcl_san_scratch *s;
    struct pcl_san_result r;
    struct pcl_err err;
    const char *in = (const char *)data;

    if (san == NULL && (pcl_sanitizer_new(NULL, &san, &err) != PCL_OK ||
                        pcl_san_scratch_new(1u << 20, &s, &err) != PCL_OK)) {
        abort();
    }
    if (pcl_sanitize(san, s, in, size, &r, &err) != PCL_OK) {
        if (size <= (1u << 20)) {
            abort();
        }
        return 0;
    }
    if (r.text.len > size || r.map[r.screen.len] != size) {
        abort();
    }
    for (size_t i = 1; i <= r.screen.len; i++) {
        if (r.map[i] < r.map[i - 1] || r.map[i] > size) {
            abort();
        }
    }
    for (size_t i = 0; i < r.nfindings; i++) {
        if (r.findings[i].start > r.findings[i].end || r.findings[i].end > size ||
            (i > 0 && r.findings[i].start < r.findings[i - 1].start)) {
            abort();
        }
    }
    for (size_t i = 0; i < r.ndecoded; i++) {
        if (r.decoded[i].end > size || r.decoded[i].start > r.decoded[i].end ||
            !pcl_utf8_is_valid(r.decoded[i].text.ptr, r.decoded[i].text.len, NULL)) {
            abort();
        }
    }
    return 0;
}
