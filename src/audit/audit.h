/* SPDX-License-Identifier: Apache-2.0 */
/* Private declarations shared by the audit log's sources. */
#ifndef PCL_AUDIT_AUDIT_H
#define PCL_AUDIT_AUDIT_H

#include <portcullis/audit.h>
#include <portcullis/store.h>

/* SHA-256 of data (libsodium). */
void pcl_audit_sha256(const void *data, size_t len, uint8_t out[32]);

/* Strict standard base64 (padding required) of exactly `want` bytes; false otherwise. */
bool pcl_audit_b64_exact(const char *s, size_t n, uint8_t *out, size_t want);

/* The log's schema steps (component "audit"). */
extern const char *const pcl_audit_schema[];
extern const size_t pcl_audit_schema_len;

#endif
