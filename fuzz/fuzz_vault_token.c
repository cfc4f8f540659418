/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the text parsers unredact runs on untrusted input: vault token parse/find, key text
 * parsing, and fpe shape parsing (every value fpe accepts must decrypt back to itself). */
#include "fpe.h"

#include <sodium.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = {"CREDIT_CARD",  "EMAIL_ADDRESS", "IBAN_CODE", "IP_ADDRESS",
                                    "PHONE_NUMBER", "US_SSN",        "GENERIC"};

static void
must(bool ok)
{
    if (!ok) {
        abort();
    }
}

static void
check_tokens(const char *s, size_t n)
{
    size_t pos = 0;

    while (pos < n) {
        size_t tlen = 0;
        size_t at = pcl_vault_token_find(s + pos, n - pos, &tlen);
        struct pcl_vault_token tok;

        if (at == n - pos) {
            must(tlen == 0);
            return;
        }
        must(tlen > 0 && at + tlen <= n - pos && tlen <= PCL_VAULT_TOKEN_MAX);
        must(pcl_vault_token_parse(s + pos + at, n - pos - at, &tok) == tlen);
        must(tok.id.len == PCL_VAULT_ID_LEN && tok.type.len > 0);
        pos += at + 1;
    }
}

static void
check_fpe(const char *s, size_t n)
{
    static struct pcl_fpe *fpe;
    struct pcl_buf enc;
    struct pcl_buf dec;
    const char *type;

    if (n < 1) {
        return;
    }
    if (fpe == NULL) {
        uint8_t raw[32];
        struct pcl_protect_key *k = NULL;

        memset(raw, 0x5a, sizeof(raw));
        if (sodium_init() < 0 || pcl_protect_key_from_bytes(raw, sizeof(raw), &k, NULL) != PCL_OK ||
            pcl_fpe_new(k, &fpe, NULL) != PCL_OK) {
            abort();
        }
        pcl_protect_key_free(k);
    }
    type = types[(unsigned char)s[0] % PCL_ARRAY_LEN(types)];
    pcl_buf_init(&enc, 0);
    pcl_buf_init(&dec, 0);
    if (pcl_fpe_encrypt(fpe, type, s + 1, n - 1, &enc, NULL) == PCL_OK) {
        PCL_ASSERT(enc.len == n - 1);
        PCL_ASSERT(pcl_fpe_decrypt(fpe, type, enc.ptr, enc.len, &dec, NULL) == PCL_OK);
        PCL_ASSERT(dec.len == n - 1 && memcmp(dec.ptr, s + 1, n - 1) == 0);
    }
    pcl_buf_fini(&enc);
    pcl_buf_fini(&dec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct pcl_protect_key *k = NULL;

    check_tokens(s, size);
    if (pcl_protect_key_parse(s, size, &k, NULL) == PCL_OK) {
        pcl_protect_key_free(k);
    }
    if (size <= PCL_FPE_MAX_VALUE + 1) {
        check_fpe(s, size);
    }
    return 0;
}
