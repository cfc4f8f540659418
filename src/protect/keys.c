/* SPDX-License-Identifier: Apache-2.0 */
/* Master key loading (file, environment, text, bytes) and subkey derivation. */
#include "keys.h"

#include <sodium.h>

#define KEY_FILE_MAX 4096
#define KDF_CONTEXT  "pclprot1"

void
pcl_protect_key_derive(const struct pcl_protect_key *k, enum pcl_subkey id,
                       uint8_t out[PCL_PROTECT_KEY_LEN])
{
    /* crypto_kdf_KEYBYTES == 32 and the subkey length is within its bounds, so it can't fail */
    (void)crypto_kdf_derive_from_key(out, PCL_PROTECT_KEY_LEN, (uint64_t)id, KDF_CONTEXT, k->k);
}

enum pcl_rc
pcl_protect_key_from_bytes(const uint8_t *bytes, size_t len, struct pcl_protect_key **out,
                           struct pcl_err *err)
{
    struct pcl_protect_key *k;

    *out = NULL;
    if (len != PCL_PROTECT_KEY_LEN) {
        return pcl_err_set(err, PCL_EINVAL, "key: expected %d bytes, got %zu", PCL_PROTECT_KEY_LEN,
                           len);
    }
    if (sodium_is_zero(bytes, len) == 1) {
        return pcl_err_set(err, PCL_EINVAL, "key: all %d bytes are zero", PCL_PROTECT_KEY_LEN);
    }
    k = pcl_malloc(sizeof(*k));
    if (k == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "key: out of memory");
    }
    (void)sodium_mlock(k, sizeof(*k)); /* best effort: keep it out of swap */
    memcpy(k->k, bytes, PCL_PROTECT_KEY_LEN);
    *out = k;
    return PCL_OK;
}

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = pcl_lower(s[i]);

        if (!pcl_is_digit(c) && !(c >= 'a' && c <= 'f')) {
            return false;
        }
    }
    return true;
}

enum pcl_rc
pcl_protect_key_parse(const char *text, size_t len, struct pcl_protect_key **out,
                      struct pcl_err *err)
{
    uint8_t raw[64];
    size_t got = 0;
    enum pcl_rc rc;
    struct pcl_err tmp;

    *out = NULL;
    while (len > 0 && is_space(text[0])) {
        text++;
        len--;
    }
    while (len > 0 && is_space(text[len - 1])) {
        len--;
    }
    if (len == 0) {
        return pcl_err_set(err, PCL_EINVAL, "key: empty");
    }
    if (len == (size_t)2 * PCL_PROTECT_KEY_LEN && all_hex(text, len)) {
        rc = pcl_hex_decode(text, len, raw, sizeof(raw), &got, &tmp);
    } else if (len >= 43 && len <= 44) {
        bool url = memchr(text, '-', len) != NULL || memchr(text, '_', len) != NULL;

        rc = pcl_base64_decode(text, len, url ? PCL_B64_URL : PCL_B64_STD, raw, sizeof(raw), &got,
                               &tmp);
    } else {
        rc = PCL_EINVAL;
    }
    if (rc != PCL_OK || got != PCL_PROTECT_KEY_LEN) {
        sodium_memzero(raw, sizeof(raw));
        return pcl_err_set(err, PCL_EINVAL,
                           "key: expected 64 hex characters or base64 of %d bytes (%zu "
                           "characters given)",
                           PCL_PROTECT_KEY_LEN, len);
    }
    rc = pcl_protect_key_from_bytes(raw, got, out, err);
    sodium_memzero(raw, sizeof(raw));
    return rc;
}

enum pcl_rc
pcl_protect_key_load_file(const char *path, struct pcl_protect_key **out, struct pcl_err *err)
{
    char buf[KEY_FILE_MAX + 1];
    size_t n = 0;
    FILE *f = NULL;
    enum pcl_rc rc;

    *out = NULL;
    f = fopen(path, "rb");
    if (f == NULL) {
        return pcl_err_set(err, errno == ENOENT ? PCL_ENOTFOUND : PCL_EIO, "key file: %s: %s", path,
                           strerror(errno)); /* NOLINT(concurrency-mt-unsafe) */
    }
    n = fread(buf, 1, sizeof(buf), f);
    if (ferror(f) != 0) {
        rc = pcl_err_set(err, PCL_EIO, "key file: %s: read error", path);
        goto out;
    }
    if (n > KEY_FILE_MAX) {
        rc = pcl_err_set(err, PCL_EINVAL, "key file: %s: larger than %d bytes", path, KEY_FILE_MAX);
        goto out;
    }
    if (n == PCL_PROTECT_KEY_LEN) {
        rc = pcl_protect_key_from_bytes((const uint8_t *)buf, n, out, err);
    } else {
        rc = pcl_protect_key_parse(buf, n, out, err);
    }
    if (rc != PCL_OK) {
        char msg[PCL_ERR_MSG_SIZE];

        (void)snprintf(msg, sizeof(msg), "%s", err != NULL ? err->msg : "");
        rc = pcl_err_set(err, rc, "key file: %s: %s (or exactly %d raw bytes)", path, msg,
                         PCL_PROTECT_KEY_LEN);
    }
out:
    sodium_memzero(buf, sizeof(buf));
    (void)fclose(f);
    return rc;
}

enum pcl_rc
pcl_protect_key_load_env(const char *name, struct pcl_protect_key **out, struct pcl_err *err)
{
    const char *v;
    enum pcl_rc rc;

    *out = NULL;
    if (name == NULL) {
        name = PCL_PROTECT_KEY_ENV;
    }
    v = getenv(name); /* NOLINT(concurrency-mt-unsafe): read once at start-up */
    if (v == NULL || v[0] == '\0') {
        return pcl_err_set(err, PCL_ENOTFOUND, "key: environment variable %s is not set", name);
    }
    rc = pcl_protect_key_parse(v, strlen(v), out, err);
    if (rc != PCL_OK) {
        char msg[PCL_ERR_MSG_SIZE];

        (void)snprintf(msg, sizeof(msg), "%s", err != NULL ? err->msg : "");
        rc = pcl_err_set(err, rc, "key: environment variable %s: %s", name, msg);
    }
    return rc;
}

enum pcl_rc
pcl_protect_key_generate(struct pcl_protect_key **out, struct pcl_err *err)
{
    uint8_t raw[PCL_PROTECT_KEY_LEN];
    enum pcl_rc rc;

    randombytes_buf(raw, sizeof(raw));
    rc = pcl_protect_key_from_bytes(raw, sizeof(raw), out, err);
    sodium_memzero(raw, sizeof(raw));
    return rc;
}

void
pcl_protect_key_free(struct pcl_protect_key *k)
{
    if (k == NULL) {
        return;
    }
    sodium_memzero(k, sizeof(*k));
    (void)sodium_munlock(k, sizeof(*k));
    pcl_free(k);
}
