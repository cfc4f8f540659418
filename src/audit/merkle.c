/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 6962 / RFC 9162 Merkle tree: hashing, the right-edge frontier, proof generation over
 * stored complete subtrees, and proof verification. */
#include "audit.h"

/* SHA256_Init and friends are deprecated in OpenSSL 3 in favour of EVP, whose per-call
 * context setup costs more than hashing a 65-byte node; they still dispatch to the SHA
 * extensions, several times faster than libsodium's portable SHA-256 (which the log's
 * throughput and verification time hinge on). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sodium.h>

#include "common.h"

#define HS PCL_MERKLE_HASH_SIZE

/* The one-shot SHA256() of OpenSSL 3 fetches an EVP method under a lock on every call; the
 * context functions do not. */
void
pcl_audit_sha256(const void *data, size_t len, uint8_t out[32])
{
    SHA256_CTX st;

    (void)SHA256_Init(&st);
    (void)SHA256_Update(&st, data, len);
    (void)SHA256_Final(out, &st);
}

bool
pcl_audit_b64_exact(const char *s, size_t n, uint8_t *out, size_t want)
{
    uint8_t tmp[256];
    size_t got = 0;

    /* padding is required, so the length is fixed by `want` */
    if (want > sizeof(tmp) || n != (want + 2) / 3 * 4) {
        return false;
    }
    if (pcl_base64_decode(s, n, PCL_B64_STD, tmp, sizeof(tmp), &got, NULL) != PCL_OK ||
        got != want) {
        return false;
    }
    /* canonical only: unused bits of the last character must be zero, so one value has one
     * spelling */
    {
        static const char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t last = n - 1;
        const char *pos;
        unsigned v;

        while (last > 0 && s[last] == '=') {
            last--;
        }
        pos = strchr(alphabet, s[last]);
        if (pos == NULL) {
            return false;
        }
        v = (unsigned)(pos - alphabet);
        if ((want % 3 == 1 && (v & 0x0f) != 0) || (want % 3 == 2 && (v & 0x03) != 0)) {
            return false;
        }
    }
    memcpy(out, tmp, want);
    return true;
}

void
pcl_merkle_leaf_hash(const void *data, size_t len, uint8_t out[HS])
{
    SHA256_CTX st;
    static const uint8_t zero = 0x00;

    (void)SHA256_Init(&st);
    (void)SHA256_Update(&st, &zero, 1);
    (void)SHA256_Update(&st, data, len);
    (void)SHA256_Final(out, &st);
}

void
pcl_merkle_node_hash(const uint8_t left[HS], const uint8_t right[HS], uint8_t out[HS])
{
    uint8_t buf[1 + 2 * HS];

    buf[0] = 0x01;
    memcpy(buf + 1, left, HS);
    memcpy(buf + 1 + HS, right, HS);
    pcl_audit_sha256(buf, sizeof(buf), out);
}

void
pcl_merkle_empty_root(uint8_t out[HS])
{
    pcl_audit_sha256("", 0, out);
}

void
pcl_merkle_frontier_init(struct pcl_merkle_frontier *f)
{
    f->size = 0;
}

enum pcl_rc
pcl_merkle_frontier_push(struct pcl_merkle_frontier *f, const uint8_t leaf[HS],
                         pcl_merkle_node_fn *emit, void *arg, struct pcl_err *err)
{
    uint8_t cur[HS];
    uint64_t j = f->size;
    unsigned level = 0;

    if (f->size == UINT64_MAX >> 1) {
        return pcl_err_set(err, PCL_ELIMIT, "merkle: tree is full");
    }
    memcpy(cur, leaf, HS);
    while ((j & 1) != 0) {
        pcl_merkle_node_hash(f->hash[level], cur, cur);
        j >>= 1;
        level++;
        if (emit != NULL) {
            enum pcl_rc rc = emit(arg, level, j, cur, err);

            if (rc != PCL_OK) {
                return rc;
            }
        }
    }
    memcpy(f->hash[level], cur, HS);
    f->size++;
    return PCL_OK;
}

void
pcl_merkle_frontier_root(const struct pcl_merkle_frontier *f, uint8_t out[HS])
{
    bool have = false;

    for (unsigned l = 0; l < 64; l++) {
        if ((f->size >> l & 1) == 0) {
            continue;
        }
        if (!have) {
            memcpy(out, f->hash[l], HS);
            have = true;
        } else {
            pcl_merkle_node_hash(f->hash[l], out, out);
        }
    }
    if (!have) {
        pcl_merkle_empty_root(out);
    }
}

uint64_t
pcl_merkle_node_pos(unsigned level, uint64_t index)
{
    /* the node completes when leaf c - 1 is appended, c = (index + 1) << level; after t leaves
     * t - popcount(t) interior nodes exist, and one append completes levels 1.. in order */
    uint64_t t = ((index + 1) << level) - 1;

    return t - (uint64_t)__builtin_popcountll(t) + (level - 1);
}

static bool
is_pow2(uint64_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

static unsigned
log2_floor(uint64_t x)
{
    return 63u - (unsigned)__builtin_clzll(x);
}

/* Largest power of two strictly below n (n >= 2). */
static uint64_t
split_point(uint64_t n)
{
    return (uint64_t)1 << log2_floor(n - 1);
}

enum pcl_rc
pcl_merkle_range_hash(uint64_t lo, uint64_t hi, pcl_merkle_get_fn *get, void *arg, uint8_t out[HS],
                      struct pcl_err *err)
{
    uint8_t parts[64][HS];
    unsigned np = 0;
    enum pcl_rc rc;

    if (hi <= lo) {
        return pcl_err_set(err, PCL_EINVAL, "merkle: empty range [%llu, %llu)",
                           (unsigned long long)lo, (unsigned long long)hi);
    }
    /* left to right: the largest aligned power-of-two subtrees, as the RFC splits them */
    while (lo < hi) {
        uint64_t n = hi - lo;
        uint64_t k = is_pow2(n) ? n : split_point(n);
        unsigned level = log2_floor(k);

        if ((lo & (k - 1)) != 0 || np == PCL_ARRAY_LEN(parts)) {
            return pcl_err_set(err, PCL_EINVAL, "merkle: range [%llu, %llu) is not a tree node",
                               (unsigned long long)lo, (unsigned long long)hi);
        }
        rc = get(arg, level, lo >> level, parts[np], err);
        if (rc != PCL_OK) {
            return rc;
        }
        np++;
        lo += k;
    }
    if (np == 0) {
        return pcl_err_set(err, PCL_EINTERNAL, "merkle: empty decomposition");
    }
    memcpy(out, parts[np - 1], HS);
    for (unsigned i = np - 1; i-- > 0;) {
        pcl_merkle_node_hash(parts[i], out, out);
    }
    return PCL_OK;
}

enum pcl_rc
pcl_merkle_prove_inclusion(uint64_t index, uint64_t size, pcl_merkle_get_fn *get, void *arg,
                           uint8_t (*proof)[HS], size_t *n, struct pcl_err *err)
{
    uint64_t lo = 0;
    uint64_t hi = size;
    size_t np = 0;
    enum pcl_rc rc;

    *n = 0;
    if (index >= size) {
        return pcl_err_set(err, PCL_EINVAL, "merkle: index %llu is not in a tree of size %llu",
                           (unsigned long long)index, (unsigned long long)size);
    }
    /* top down; the proof lists siblings bottom up, so reverse at the end */
    while (hi - lo > 1) {
        uint64_t k = split_point(hi - lo);

        if (index < lo + k) {
            rc = pcl_merkle_range_hash(lo + k, hi, get, arg, proof[np], err);
            hi = lo + k;
        } else {
            rc = pcl_merkle_range_hash(lo, lo + k, get, arg, proof[np], err);
            lo += k;
        }
        if (rc != PCL_OK) {
            return rc;
        }
        np++;
    }
    for (size_t i = 0; i < np / 2; i++) {
        uint8_t t[HS];

        memcpy(t, proof[i], HS);
        memcpy(proof[i], proof[np - 1 - i], HS);
        memcpy(proof[np - 1 - i], t, HS);
    }
    *n = np;
    return PCL_OK;
}

enum pcl_rc
pcl_merkle_prove_consistency(uint64_t size1, uint64_t size2, pcl_merkle_get_fn *get, void *arg,
                             uint8_t (*proof)[HS], size_t *n, struct pcl_err *err)
{
    uint8_t sib[PCL_MERKLE_MAX_PROOF][HS];
    size_t nsib = 0;
    size_t np = 0;
    uint64_t lo = 0;
    uint64_t hi = size2;
    uint64_t m = size1;
    bool whole = true; /* RFC 9162 SUBPROOF's b: the node is still a prefix of the old tree */
    enum pcl_rc rc;

    *n = 0;
    if (size1 == 0 || size1 > size2) {
        return pcl_err_set(err, PCL_EINVAL, "merkle: no consistency proof from size %llu to %llu",
                           (unsigned long long)size1, (unsigned long long)size2);
    }
    for (;;) {
        uint64_t len = hi - lo;
        uint64_t k;

        if (m == len) {
            if (!whole) {
                rc = pcl_merkle_range_hash(lo, hi, get, arg, proof[np], err);
                if (rc != PCL_OK) {
                    return rc;
                }
                np++;
            }
            break;
        }
        k = split_point(len);
        if (m <= k) {
            rc = pcl_merkle_range_hash(lo + k, hi, get, arg, sib[nsib], err);
            hi = lo + k;
        } else {
            rc = pcl_merkle_range_hash(lo, lo + k, get, arg, sib[nsib], err);
            lo += k;
            m -= k;
            whole = false;
        }
        if (rc != PCL_OK) {
            return rc;
        }
        nsib++;
    }
    while (nsib > 0) {
        memcpy(proof[np++], sib[--nsib], HS);
    }
    *n = np;
    return PCL_OK;
}

static enum pcl_rc
mismatch(struct pcl_err *err, const char *what)
{
    return pcl_err_set(err, PCL_EINVAL, "merkle: %s", what);
}

enum pcl_rc
pcl_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[HS],
                            const uint8_t (*proof)[HS], size_t n, const uint8_t root[HS],
                            struct pcl_err *err)
{
    uint64_t fn = index;
    uint64_t sn;
    uint8_t r[HS];

    if (index >= size) {
        return pcl_err_set(err, PCL_EINVAL, "merkle: index %llu is not in a tree of size %llu",
                           (unsigned long long)index, (unsigned long long)size);
    }
    if (n > PCL_MERKLE_MAX_PROOF) {
        return mismatch(err, "inclusion proof too long");
    }
    sn = size - 1;
    memcpy(r, leaf, HS);
    for (size_t i = 0; i < n; i++) {
        if (sn == 0) {
            return pcl_err_set(err, PCL_EINVAL,
                               "merkle: inclusion proof has %zu hashes, more than the tree "
                               "of size %llu needs at index %llu",
                               n, (unsigned long long)size, (unsigned long long)index);
        }
        if ((fn & 1) != 0 || fn == sn) {
            pcl_merkle_node_hash(proof[i], r, r);
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            pcl_merkle_node_hash(r, proof[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) {
        return pcl_err_set(err, PCL_EINVAL,
                           "merkle: inclusion proof has %zu hashes, fewer than the tree of "
                           "size %llu needs at index %llu",
                           n, (unsigned long long)size, (unsigned long long)index);
    }
    if (sodium_memcmp(r, root, HS) != 0) {
        return mismatch(err, "inclusion proof does not lead to the root");
    }
    return PCL_OK;
}

/* The cases before the RFC 9162 walk: documented decisions for size 0 and equal sizes, and
 * proofs of impossible length. */
static enum pcl_rc
consistency_edge(uint64_t size1, uint64_t size2, size_t n, const uint8_t root1[HS],
                 const uint8_t root2[HS], struct pcl_err *err)
{
    if (size1 > size2) {
        return pcl_err_set(err, PCL_EINVAL, "merkle: size1 %llu is larger than size2 %llu",
                           (unsigned long long)size1, (unsigned long long)size2);
    }
    if (size1 == 0) {
        return mismatch(err, "no consistency proof from the empty tree (size1 is 0)");
    }
    if (size1 == size2) {
        if (n != 0) {
            return mismatch(err, "sizes are equal but the consistency proof is not empty");
        }
        if (sodium_memcmp(root1, root2, HS) != 0) {
            return mismatch(err, "sizes are equal but the roots differ");
        }
        return PCL_OK;
    }
    return mismatch(err, n == 0 ? "consistency proof is empty" : "consistency proof too long");
}

enum pcl_rc
pcl_merkle_verify_consistency(uint64_t size1, uint64_t size2, const uint8_t (*proof)[HS], size_t n,
                              const uint8_t root1[HS], const uint8_t root2[HS], struct pcl_err *err)
{
    uint64_t fn;
    uint64_t sn;
    uint8_t fr[HS];
    uint8_t sr[HS];
    size_t i = 0;

    if (size1 == 0 || size1 >= size2 || n == 0 || n > PCL_MERKLE_MAX_PROOF) {
        return consistency_edge(size1, size2, n, root1, root2, err);
    }
    fn = size1 - 1;
    sn = size2 - 1;
    if (is_pow2(size1)) {
        /* the old root is itself the first node: the proof omits it */
        memcpy(fr, root1, HS);
    } else {
        memcpy(fr, proof[i++], HS);
    }
    memcpy(sr, fr, HS);
    while ((fn & 1) != 0) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < n; i++) {
        if (sn == 0) {
            return pcl_err_set(err, PCL_EINVAL,
                               "merkle: consistency proof has %zu hashes, more than sizes %llu "
                               "and %llu need",
                               n, (unsigned long long)size1, (unsigned long long)size2);
        }
        if ((fn & 1) != 0 || fn == sn) {
            pcl_merkle_node_hash(proof[i], fr, fr);
            pcl_merkle_node_hash(proof[i], sr, sr);
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            pcl_merkle_node_hash(sr, proof[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) {
        return pcl_err_set(err, PCL_EINVAL,
                           "merkle: consistency proof has %zu hashes, fewer than sizes %llu and "
                           "%llu need",
                           n, (unsigned long long)size1, (unsigned long long)size2);
    }
    if (sodium_memcmp(fr, root1, HS) != 0) {
        return mismatch(err, "consistency proof does not lead to the old root");
    }
    if (sodium_memcmp(sr, root2, HS) != 0) {
        return mismatch(err, "consistency proof does not lead to the new root");
    }
    return PCL_OK;
}
