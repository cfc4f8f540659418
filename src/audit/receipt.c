/* SPDX-License-Identifier: Apache-2.0 */
/* Offline-verifiable receipts in the c2sp.org/tlog-proof@v1 text format. */
#include "audit.h"

#include "common.h"

#define HEADER    "c2sp.org/tlog-proof@v1\n"
#define MAX_EXTRA 4096

enum pcl_rc
pcl_receipt_format(uint64_t index, const uint8_t (*proof)[PCL_MERKLE_HASH_SIZE], size_t nproof,
                   const void *extra, size_t extra_len, const char *checkpoint,
                   size_t checkpoint_len, struct pcl_buf *out)
{
    enum pcl_rc rc = pcl_buf_appends(out, HEADER);

    if (rc == PCL_OK && extra != NULL) {
        rc = pcl_buf_appends(out, "extra ");
        if (rc == PCL_OK) {
            rc = pcl_base64_encode(out, extra, extra_len, PCL_B64_STD);
        }
        if (rc == PCL_OK) {
            rc = pcl_buf_appendc(out, '\n');
        }
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendf(out, "index %llu\n", (unsigned long long)index);
    }
    for (size_t i = 0; i < nproof && rc == PCL_OK; i++) {
        rc = pcl_base64_encode(out, proof[i], PCL_MERKLE_HASH_SIZE, PCL_B64_STD);
        if (rc == PCL_OK) {
            rc = pcl_buf_appendc(out, '\n');
        }
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendc(out, '\n');
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_append(out, checkpoint, checkpoint_len);
    }
    return rc;
}

void
pcl_receipt_fini(struct pcl_receipt *r)
{
    pcl_free(r->extra);
    r->extra = NULL;
    pcl_free(r->checkpoint);
    r->checkpoint = NULL;
}

static bool
parse_u64(const char *p, size_t n, uint64_t *v)
{
    uint64_t x = 0;

    if (n == 0 || (n > 1 && p[0] == '0')) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!pcl_is_digit(p[i]) || x > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10) {
            return false;
        }
        x = x * 10 + (uint64_t)(p[i] - '0');
    }
    *v = x;
    return true;
}

/* "extra <base64>": the opaque extra data. */
static enum pcl_rc
parse_extra(struct pcl_receipt *r, const char *b64, size_t n, struct pcl_err *err)
{
    size_t got = 0;
    size_t cap = pcl_base64_decoded_max(n) + 1;

    if (n > ((size_t)MAX_EXTRA / 3 + 1) * 4) {
        return pcl_err_set(err, PCL_ELIMIT, "receipt: line 2: extra data too long");
    }
    r->extra = pcl_malloc(cap);
    if (r->extra == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "receipt: out of memory");
    }
    if (n % 4 != 0 || pcl_base64_decode(b64, n, PCL_B64_STD, r->extra, cap, &got, NULL) != PCL_OK) {
        return pcl_err_set(err, PCL_EINVAL, "receipt: line 2: extra is not base64");
    }
    r->extra_len = got;
    return PCL_OK;
}

/* One proof hash line. */
static enum pcl_rc
parse_hash(struct pcl_receipt *r, const char *p, size_t n, size_t lineno, struct pcl_err *err)
{
    if (r->nproof == PCL_MERKLE_MAX_PROOF) {
        return pcl_err_set(err, PCL_ELIMIT, "receipt: more than %d proof hashes",
                           PCL_MERKLE_MAX_PROOF);
    }
    if (!pcl_audit_b64_exact(p, n, r->proof[r->nproof], PCL_MERKLE_HASH_SIZE)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "receipt: line %zu: proof hash is not base64 of 32 bytes", lineno);
    }
    r->nproof++;
    return PCL_OK;
}

enum pcl_rc
pcl_receipt_parse(const char *text, size_t len, struct pcl_receipt *r, struct pcl_err *err)
{
    const char *p = text;
    const char *end = text + len;
    size_t lineno = 1;
    bool have_index = false;
    enum pcl_rc rc = PCL_OK;

    memset(r, 0, sizeof(*r));
    if (len < sizeof(HEADER) - 1 || memcmp(text, HEADER, sizeof(HEADER) - 1) != 0) {
        return pcl_err_set(err, PCL_EINVAL, "receipt: line 1: not c2sp.org/tlog-proof@v1");
    }
    p += sizeof(HEADER) - 1;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n;

        lineno++;
        if (nl == NULL) {
            return pcl_err_set(err, PCL_EINVAL,
                               "receipt: line %zu: truncated (no blank line before the "
                               "checkpoint)",
                               lineno);
        }
        n = (size_t)(nl - p);
        if (n == 0) {
            p = nl + 1;
            break;
        }
        if (!have_index && lineno == 2 && n > 6 && memcmp(p, "extra ", 6) == 0) {
            rc = parse_extra(r, p + 6, n - 6, err);
        } else if (!have_index) {
            if (n < 7 || memcmp(p, "index ", 6) != 0 || !parse_u64(p + 6, n - 6, &r->index)) {
                return pcl_err_set(err, PCL_EINVAL, "receipt: line %zu: want \"index <decimal>\"",
                                   lineno);
            }
            have_index = true;
        } else {
            rc = parse_hash(r, p, n, lineno, err);
        }
        if (rc != PCL_OK) {
            return rc;
        }
        p = nl + 1;
    }
    if (!have_index) {
        return pcl_err_set(err, PCL_EINVAL, "receipt: no index line");
    }
    if (p == end) {
        return pcl_err_set(err, PCL_EINVAL, "receipt: truncated: no checkpoint");
    }
    r->checkpoint = pcl_strndup(p, (size_t)(end - p));
    if (r->checkpoint == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "receipt: out of memory");
    }
    r->checkpoint_len = (size_t)(end - p);
    return PCL_OK;
}

enum pcl_rc
pcl_receipt_verify(const struct pcl_receipt *r, const void *entry, size_t entry_len,
                   const struct pcl_note_verifier *log_key,
                   const struct pcl_note_verifier *const *witnesses, size_t nwit,
                   struct pcl_checkpoint *cp, struct pcl_err *err)
{
    struct pcl_checkpoint local;
    uint8_t leaf[PCL_MERKLE_HASH_SIZE];
    enum pcl_rc rc;

    if (cp == NULL) {
        cp = &local;
    }
    rc = pcl_checkpoint_open(r->checkpoint, r->checkpoint_len, log_key, witnesses, nwit, NULL, cp,
                             NULL, err);
    if (rc != PCL_OK) {
        return rc;
    }
    pcl_merkle_leaf_hash(entry, entry_len, leaf);
    return pcl_merkle_verify_inclusion(r->index, cp->size, leaf,
                                       (const uint8_t(*)[PCL_MERKLE_HASH_SIZE])r->proof, r->nproof,
                                       cp->root, err);
}
