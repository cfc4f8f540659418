/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the response checks (markdown, HTML, code spans, echo): no crash, evidence
 * spans inside the input, the tier the highest of the evidence. The first 64 bytes double as
 * the system prompt. */
#include "common.h"

#include <portcullis/inject.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const hosts[] = {"example.com", "a"};
    const char *t = (const char *)data;
    struct pcl_inject_output_opts o = {
        .allow_hosts = hosts, .nallow_hosts = 2, .system_prompt = {t, size < 64 ? size : 64}};
    struct pcl_inject_evidence ev[16];
    size_t n = 0;
    enum pcl_inject_tier tier, top = PCL_INJECT_ALLOW;
    struct pcl_err err;

    if (pcl_inject_output_check(&o, t, size, ev, 16, &n, &tier, &err) != PCL_OK) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        if (ev[i].start > ev[i].end || ev[i].end > size) {
            abort();
        }
        top = ev[i].tier > top ? ev[i].tier : top;
    }
    if (n < 16 && top != tier) {
        abort();
    }
    return 0;
}
