/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the checkpoint parser and the tlog-proof receipt parser
 * (src/audit/checkpoint.c, receipt.c): a parsed body re-formats to the same bytes when it has
 * no extension lines, and a parsed receipt re-formats and parses back equal. */
#include <portcullis/audit.h>

#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char log_vkey[] =
    "fuzz.example/log+61c1c9e7+AbplT8B759TABA986/iYngvV6nPSODwM5AS7Dpzc613w";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct pcl_checkpoint cp;
    struct pcl_receipt r, r2;
    struct pcl_note_verifier *key = NULL;
    struct pcl_buf b;

    pcl_buf_init(&b, 0);
    if (pcl_checkpoint_parse(text, size, &cp, NULL) == PCL_OK && cp.next == 0) {
        if (pcl_checkpoint_format(cp.origin, cp.size, cp.root, &b) != PCL_OK || b.len != size ||
            memcmp(b.ptr, text, size) != 0) {
            abort();
        }
    }
    pcl_buf_reset(&b);
    if (pcl_note_verifier_parse(log_vkey, strlen(log_vkey), &key, NULL) != PCL_OK) {
        abort();
    }
    if (pcl_checkpoint_open(text, size, key, NULL, 0, NULL, &cp, NULL, NULL) == PCL_OK &&
        cp.origin[0] == '\0') {
        abort(); /* a checkpoint always has an origin */
    }
    if (pcl_receipt_parse(text, size, &r, NULL) == PCL_OK) {
        if (pcl_receipt_format(r.index, (const uint8_t(*)[PCL_MERKLE_HASH_SIZE])r.proof, r.nproof,
                               r.extra, r.extra_len, r.checkpoint, r.checkpoint_len,
                               &b) != PCL_OK ||
            pcl_receipt_parse(b.ptr, b.len, &r2, NULL) != PCL_OK || r2.index != r.index ||
            r2.nproof != r.nproof ||
            memcmp(r2.proof, r.proof, r.nproof * PCL_MERKLE_HASH_SIZE) != 0 ||
            r2.checkpoint_len != r.checkpoint_len) {
            abort();
        }
        if (pcl_receipt_verify(&r, text, size, key, NULL, 0, NULL, NULL) == PCL_OK &&
            r.checkpoint_len == 0) {
            abort();
        }
        pcl_receipt_fini(&r2);
    }
    pcl_receipt_fini(&r);
    pcl_note_verifier_free(key);
    pcl_buf_fini(&b);
    return 0;
}
