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

/* True when s[0..n) is one JSON object (RFC 8259, nesting up to 64); *bad = error offset. */
bool pcl_audit_json_object_is_valid(const char *s, size_t n, size_t *bad);

/* Milliseconds since the epoch (CLOCK_REALTIME) and a monotonic microsecond clock. */
int64_t pcl_audit_now_ms(void);
uint64_t pcl_audit_mono_us(void);

/* Open the store at url with the audit schema migrated. */
enum pcl_rc pcl_audit_store_open(const char *url, struct pcl_store **out, struct pcl_err *err);

/* Per-subject payload sealing (payload.c), on the writer's connection inside its transaction.
 * Appends the leaf's "payload" member value ({"commit":..,"ct":..}) to member. */
enum pcl_rc pcl_audit_payload_seal(struct pcl_store *db, const uint8_t master[32], uint64_t index,
                                   const char *kind, int64_t logged_ms,
                                   const struct pcl_audit_payload *p, struct pcl_buf *member,
                                   struct pcl_err *err);
/* Destroy a subject's key and drop its ciphertexts; PCL_ENOTFOUND without a live key. */
enum pcl_rc pcl_audit_subject_forget(struct pcl_store *db, const char *subject, int64_t now,
                                     uint64_t *records, struct pcl_err *err);
/* Delete ciphertexts logged before cutoff_ms (of one kind, or all when kind is NULL). */
enum pcl_rc pcl_audit_payload_purge(struct pcl_store *db, int64_t cutoff_ms, const char *kind,
                                    uint64_t *records, struct pcl_err *err);
/* Decrypt and check a subject's payloads (see pcl_audit_export_subject). */
enum pcl_rc pcl_audit_payload_export(struct pcl_store *db, const uint8_t master[32],
                                     const char *subject, pcl_audit_export_fn *fn, void *arg,
                                     uint64_t *records, struct pcl_err *err);
/* Reference to a subject that does not reveal it: hex of HMAC-SHA256(master, subject)[:16]. */
void pcl_audit_subject_ref(const uint8_t master[32], const char *subject, char out[33]);

#endif
