/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the proof verifiers (src/audit/merkle.c). The input picks a tree (up to 300
 * leaves), an index and two sizes; proofs generated for them must verify, and the input's
 * remaining bytes, applied as a mutation of the proof (bit flips, truncation, extension, other
 * sizes), must never make a wrong statement verify. Arbitrary proofs are also fed straight to
 * the verifiers. */
#include <portcullis/audit.h>

#include "common.h"

#define HS  PCL_MERKLE_HASH_SIZE
#define MAX 300

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tree {
    uint8_t leaves[MAX][HS];
    size_t n;
};

static enum pcl_rc
get(void *arg, unsigned level, uint64_t index, uint8_t out[HS], struct pcl_err *err)
{
    const struct tree *t = arg;
    struct pcl_merkle_frontier f;
    uint64_t lo = index << level, hi = (index + 1) << level;

    (void)err;
    if (hi > t->n) {
        return PCL_ENOTFOUND;
    }
    pcl_merkle_frontier_init(&f);
    for (uint64_t i = lo; i < hi; i++) {
        if (pcl_merkle_frontier_push(&f, t->leaves[i], NULL, NULL, NULL) != PCL_OK) {
            abort();
        }
    }
    pcl_merkle_frontier_root(&f, out);
    return PCL_OK;
}

static uint64_t
rd64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tree t;
    uint8_t proof[PCL_MERKLE_MAX_PROOF][HS], r1[HS], r2[HS];
    size_t n = 0;
    uint64_t s1, s2, idx;

    if (size < 4) {
        return 0;
    }
    /* raw: whatever the bytes say, straight into both verifiers */
    if (size >= 24 + HS * 2) {
        size_t np = PCL_MIN((size - 24 - 2 * HS) / HS, (size_t)PCL_MERKLE_MAX_PROOF);

        memcpy(proof, data + 24 + 2 * HS, np * HS);
        struct pcl_err err;

        /* the statement is arbitrary: only the shape of a failure is checked */
        if (pcl_merkle_verify_inclusion(rd64(data), rd64(data + 8), data + 24,
                                        (const uint8_t(*)[HS])proof, np, data + 24 + HS,
                                        &err) != PCL_OK &&
            strncmp(err.msg, "merkle: ", 8) != 0) {
            abort();
        }
        if (pcl_merkle_verify_consistency(rd64(data + 8), rd64(data + 16),
                                          (const uint8_t(*)[HS])proof, np, data + 24,
                                          data + 24 + HS, &err) != PCL_OK &&
            strncmp(err.msg, "merkle: ", 8) != 0) {
            abort();
        }
    }
    /* generated: a tree of data[0..1] leaves */
    t.n = 1 + ((size_t)data[0] << 8 | data[1]) % MAX;
    for (size_t i = 0; i < t.n; i++) {
        uint8_t d[2] = {(uint8_t)i, (uint8_t)(i >> 8)};

        pcl_merkle_leaf_hash(d, sizeof(d), t.leaves[i]);
    }
    s2 = 1 + data[2] % t.n;
    s1 = 1 + data[3] % s2;
    idx = size > 4 ? data[4] % s2 : 0;
    if (pcl_merkle_range_hash(0, s1, get, &t, r1, NULL) != PCL_OK ||
        pcl_merkle_range_hash(0, s2, get, &t, r2, NULL) != PCL_OK) {
        abort();
    }
    if (pcl_merkle_prove_inclusion(idx, s2, get, &t, proof, &n, NULL) != PCL_OK ||
        pcl_merkle_verify_inclusion(idx, s2, t.leaves[idx], (const uint8_t(*)[HS])proof, n, r2,
                                    NULL) != PCL_OK) {
        abort();
    }
    if (size > 6 && n > 0) {
        /* one flipped bit anywhere in the proof must fail */
        size_t pos = ((size_t)data[5] << 8 | data[6]) % (n * HS * 8);

        proof[pos / (HS * 8)][pos / 8 % HS] ^= (uint8_t)(1u << (pos % 8));
        if (pcl_merkle_verify_inclusion(idx, s2, t.leaves[idx], (const uint8_t(*)[HS])proof, n, r2,
                                        NULL) == PCL_OK) {
            abort();
        }
    }
    if (pcl_merkle_prove_consistency(s1, s2, get, &t, proof, &n, NULL) != PCL_OK ||
        pcl_merkle_verify_consistency(s1, s2, (const uint8_t(*)[HS])proof, n, r1, r2, NULL) !=
            PCL_OK) {
        abort();
    }
    if (size > 7 && n > 0) {
        /* a proof with one hash dropped or for other sizes must fail */
        uint64_t other = 1 + data[7] % s2;

        if (pcl_merkle_verify_consistency(s1, s2, (const uint8_t(*)[HS])proof, n - 1, r1, r2,
                                          NULL) == PCL_OK) {
            abort();
        }
        if (other != s1) {
            uint8_t ro[HS];

            if (pcl_merkle_range_hash(0, other, get, &t, ro, NULL) != PCL_OK) {
                abort();
            }
            if (memcmp(ro, r1, HS) != 0 &&
                pcl_merkle_verify_consistency(other, s2, (const uint8_t(*)[HS])proof, n, ro, r2,
                                              NULL) == PCL_OK) {
                abort();
            }
        }
    }
    return 0;
}
