/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the signed-note parser (src/audit/note.c): notes opened against a log key
 * and a witness key, and the same bytes as verifier and signer key strings. No crash, no
 * leak, and an opened note's parts lie inside it. */
#include <portcullis/audit.h>

#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* TEST KEYS ONLY: the public halves of keys made for this corpus. */
static const char log_vkey[] =
    "fuzz.example/log+61c1c9e7+AbplT8B759TABA986/iYngvV6nPSODwM5AS7Dpzc613w";
static const char wit_vkey[] =
    "fuzz.example/witness+2e4016bc+BGsX85NPfaPwc4gQTIvZYm0qMiDRo/bm/Lr06kM3LDZk";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pcl_note_verifier *keys[2] = {NULL, NULL};
    struct pcl_note_verifier *v = NULL;
    struct pcl_note_signer *s = NULL;
    struct pcl_note *n = NULL;
    const char *msg = (const char *)data;

    if (pcl_note_verifier_parse(log_vkey, strlen(log_vkey), &keys[0], NULL) != PCL_OK ||
        pcl_note_verifier_parse(wit_vkey, strlen(wit_vkey), &keys[1], NULL) != PCL_OK) {
        abort();
    }
    if (pcl_note_open(msg, size, (const struct pcl_note_verifier *const *)keys, 2, &n, NULL) ==
        PCL_OK) {
        if (n->nsigs == 0 || n->text.len == 0 || n->text.ptr != n->msg ||
            n->text.ptr[n->text.len - 1] != '\n') {
            abort();
        }
        for (size_t i = 0; i < n->nsigs; i++) {
            if (n->sigs[i].name.ptr < n->msg || n->sigs[i].name.ptr >= n->msg + n->msg_len) {
                abort();
            }
        }
        pcl_note_free(n);
    }
    if (pcl_note_verifier_parse(msg, size, &v, NULL) == PCL_OK) {
        pcl_note_verifier_free(v);
    }
    if (pcl_note_signer_parse(msg, size, &s, NULL) == PCL_OK) {
        pcl_note_signer_free(s);
    }
    pcl_note_verifier_free(keys[0]);
    pcl_note_verifier_free(keys[1]);
    return 0;
}
