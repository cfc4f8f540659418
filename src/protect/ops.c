/* SPDX-License-Identifier: Apache-2.0 */
/* Operator names and the irreversible operators: mask, tag and keyed hash pseudonyms. */
#include "ops.h"

#include <sodium.h>

static const char *const op_names[PCL_OP_COUNT] = {
    [PCL_OP_DEFAULT] = "default", [PCL_OP_KEEP] = "keep", [PCL_OP_MASK] = "mask",
    [PCL_OP_TAG] = "tag",         [PCL_OP_HASH] = "hash", [PCL_OP_FPE] = "fpe",
    [PCL_OP_VAULT] = "vault",
};

const char *
pcl_op_name(enum pcl_op op)
{
    if ((unsigned)op >= PCL_OP_COUNT) {
        return NULL;
    }
    return op_names[op];
}

int
pcl_op_parse(const char *s, size_t len)
{
    for (size_t i = 1; i < PCL_OP_COUNT; i++) {
        const char *n = op_names[i];
        size_t k = 0;

        while (k < len && n[k] != '\0' && pcl_lower(s[k]) == n[k]) {
            k++;
        }
        if (k == len && n[k] == '\0') {
            return (int)i;
        }
    }
    return -1;
}

bool
pcl_op_needs_key(enum pcl_op op)
{
    return op == PCL_OP_HASH || op == PCL_OP_FPE || op == PCL_OP_VAULT;
}

/* Length of the UTF-8 sequence at s (1 for a stray byte). */
static size_t
cp_len(const char *s, size_t n)
{
    uint32_t cp;
    size_t k = pcl_utf8_decode(s, n, &cp);

    return k == 0 ? 1 : k;
}

static bool
maskable(unsigned char c)
{
    return c >= 0x80 || pcl_is_alnum((char)c);
}

enum pcl_rc
pcl_protect_mask(const char *value, size_t len, unsigned keep, char mask_char, bool is_email,
                 struct pcl_buf *out)
{
    size_t total = 0;
    size_t seen = 0;
    size_t at = len;
    enum pcl_rc rc = PCL_OK;

    if (is_email) {
        for (size_t i = len; i-- > 0;) {
            if (value[i] == '@') {
                at = i;
                break;
            }
        }
    }
    if (at < len) {
        /* every local-part character goes, separators too: "a.b-@x" must not leave "-@x" */
        for (size_t i = 0; i < at && rc == PCL_OK; i += cp_len(value + i, at - i)) {
            rc = pcl_buf_appendc(out, mask_char);
        }
        return rc != PCL_OK ? rc : pcl_buf_append(out, value + at, len - at);
    }
    for (size_t i = 0; i < len; i += cp_len(value + i, len - i)) {
        total += maskable((unsigned char)value[i]) ? 1u : 0u;
    }
    keep = (unsigned)PCL_MIN((size_t)keep, total / 2);
    for (size_t i = 0; i < len && rc == PCL_OK;) {
        size_t k = cp_len(value + i, len - i);

        if (!maskable((unsigned char)value[i])) {
            rc = pcl_buf_appendc(out, value[i]);
        } else if (seen++ >= total - keep) {
            rc = pcl_buf_append(out, value + i, k);
        } else {
            rc = pcl_buf_appendc(out, mask_char);
        }
        i += k;
    }
    return rc;
}

enum pcl_rc
pcl_protect_tag(const char *type, struct pcl_buf *out)
{
    return pcl_buf_appendf(out, "<%s>", type);
}

static bool
type_is(const char *type, const char *name)
{
    return strcmp(type, name) == 0;
}

enum pcl_rc
pcl_protect_normalize(const char *type, const char *value, size_t len, struct pcl_buf *out)
{
    enum pcl_rc rc = PCL_OK;

    if (type_is(type, "EMAIL_ADDRESS")) {
        for (size_t i = 0; i < len && rc == PCL_OK; i++) {
            rc = pcl_buf_appendc(out, pcl_lower(value[i]));
        }
    } else if (type_is(type, "CREDIT_CARD") || type_is(type, "US_SSN") ||
               type_is(type, "PHONE_NUMBER")) {
        for (size_t i = 0; i < len && rc == PCL_OK; i++) {
            if (pcl_is_digit(value[i])) {
                rc = pcl_buf_appendc(out, value[i]);
            }
        }
    } else if (type_is(type, "IBAN_CODE")) {
        for (size_t i = 0; i < len && rc == PCL_OK; i++) {
            char c = value[i];

            if (pcl_is_alnum(c)) {
                rc = pcl_buf_appendc(out, (c >= 'a' && c <= 'z') ? (char)(c - 32) : c);
            }
        }
    } else {
        rc = pcl_buf_append(out, value, len);
    }
    return rc;
}

enum pcl_rc
pcl_protect_hash(const uint8_t *subkey, const char *type, const char *value, size_t len,
                 struct pcl_buf *out)
{
    crypto_auth_hmacsha256_state st;
    uint8_t mac[crypto_auth_hmacsha256_BYTES];
    struct pcl_buf norm;
    enum pcl_rc rc;
    static const uint8_t zero = 0;

    pcl_buf_init(&norm, 0);
    rc = pcl_protect_normalize(type, value, len, &norm);
    if (rc != PCL_OK) {
        goto out;
    }
    (void)crypto_auth_hmacsha256_init(&st, subkey, 32);
    (void)crypto_auth_hmacsha256_update(&st, (const uint8_t *)type, strlen(type));
    (void)crypto_auth_hmacsha256_update(&st, &zero, 1);
    if (norm.len > 0) {
        (void)crypto_auth_hmacsha256_update(&st, (const uint8_t *)norm.ptr, norm.len);
    }
    (void)crypto_auth_hmacsha256_final(&st, mac);
    rc = pcl_buf_appendf(out, "<%s:", type);
    if (rc == PCL_OK) {
        rc = pcl_hex_encode(out, mac, PCL_HASH_HEX / 2);
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendc(out, '>');
    }
out:
    sodium_memzero(&st, sizeof(st));
    sodium_memzero(mac, sizeof(mac));
    pcl_buf_fini_secure(&norm);
    return rc;
}
