/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the Rekor transparency-log entry check of Sigstore bundles
 * (src/model/rekor.c): any bytes as the entry must end in a verdict, never a crash, and never
 * "verified" (the harness holds no log key that signed anything). The entry's log ID is set to
 * the trusted root's so the input reaches the body, timestamp, proof and checkpoint parsers. */
#include "rekor.h"

#include "common.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root_path[64];
static char key_id[64];

static void
setup(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    unsigned char *der = NULL;
    int n = k != NULL ? i2d_PUBKEY(k, &der) : -1;
    uint8_t h[32];
    struct pcl_buf b64, raw;
    int fd;
    FILE *f;

    pcl_buf_init(&b64, 0);
    pcl_buf_init(&raw, 0);
    (void)snprintf(root_path, sizeof(root_path), "/tmp/pcl-fuzz-rekor-XXXXXX");
    fd = mkstemp(root_path);
    f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (n <= 0 || f == NULL || EVP_Digest(der, (size_t)n, h, NULL, EVP_sha256(), NULL) != 1 ||
        pcl_base64_encode(&raw, der, (size_t)n, PCL_B64_STD) != PCL_OK ||
        pcl_base64_encode(&b64, h, sizeof(h), PCL_B64_STD) != PCL_OK) {
        abort();
    }
    (void)snprintf(key_id, sizeof(key_id), "%s", b64.ptr);
    fprintf(f, "{\"tlogs\":[{\"publicKey\":{\"rawBytes\":\"%s\"},\"logId\":{\"keyId\":\"%s\"}}]}",
            raw.ptr, key_id);
    (void)fclose(f);
    OPENSSL_free(der);
    EVP_PKEY_free(k);
    pcl_buf_fini(&b64);
    pcl_buf_fini(&raw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t payload[] = "{}", sig[] = "sig", cert[] = "cert";
    struct pcl_rekor_bundle b = {payload, 2, sig, 3, cert, 4};
    json_error_t jerr;
    json_t *te = json_loadb((const char *)data, size, 0, &jerr);
    char why[256] = "";
    int64_t t = 0;

    if (root_path[0] == '\0') {
        setup();
    }
    if (json_is_object(te) && json_is_object(json_object_get(te, "logId"))) {
        (void)json_object_set_new(json_object_get(te, "logId"), "keyId", json_string(key_id));
    }
    if (pcl_rekor_verify(te, root_path, &b, &t, why, sizeof(why)) || why[0] == '\0') {
        abort();
    }
    json_decref(te);
    return 0;
}
