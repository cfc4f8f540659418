/* SPDX-License-Identifier: Apache-2.0 */
/* Offline check of a Sigstore bundle's Rekor transparency-log entry (rekor.c). */
#ifndef PCL_MODEL_REKOR_H
#define PCL_MODEL_REKOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the log entry must name: the DSSE payload and signature, and the DER signing
 * certificate. */
struct pcl_rekor_bundle {
    const uint8_t *payload;
    size_t plen;
    const uint8_t *sig;
    size_t slen;
    const uint8_t *cert;
    size_t cert_len;
};

/* Verify the transparency-log entry te (a bundle's verificationMaterial.tlogEntries[0]) against
 * the tlog keys of the Sigstore trusted root (or ClientTrustConfig) at trust_root_path:
 *  - the log ID names a log of the trusted root;
 *  - the canonicalized body is a Rekor "dsse" entry naming this payload's SHA-256, this
 *    signature and this certificate;
 *  - the signed entry timestamp (inclusion promise) verifies with the log's key;
 *  - the RFC 9162 inclusion proof of SHA-256(0x00 || body) leads to the proof's root, and the
 *    checkpoint (C2SP signed note) for that size and root carries a valid signature by the log.
 * True with *integrated = the authenticated integration time (Unix seconds) when all hold;
 * otherwise false with the first failure in why. */
bool pcl_rekor_verify(json_t *te, const char *trust_root_path, const struct pcl_rekor_bundle *b,
                      int64_t *integrated, char *why, size_t whylen);

#endif
