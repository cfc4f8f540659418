/* SPDX-License-Identifier: Apache-2.0 */
/* Shape-preserving encryption of one value: picks the variable characters of a value by
 * entity type, encrypts them with FF1 (mixed radix through cycle walking) and repairs
 * check digits, so the output keeps the value's format and validity. */
#ifndef PCL_PROTECT_FPE_H
#define PCL_PROTECT_FPE_H

#include "common.h"

#include <portcullis/protect.h>

/* Longest value fpe handles, and most variable characters in one value. */
#define PCL_FPE_MAX_VALUE 512
#define PCL_FPE_MAX_VAR   128

struct pcl_fpe;

/* Derives the FF1 subkey from k. Caller frees with pcl_fpe_free(). */
enum pcl_rc pcl_fpe_new(const struct pcl_protect_key *k, struct pcl_fpe **out,
                        struct pcl_err *err) PCL_WUR;
void pcl_fpe_free(struct pcl_fpe *f);

/* Append the encryption (or decryption) of value[0..len) of entity type `type` to out.
 * PCL_EINVAL means this value cannot be (or cannot be the result of) format-preserving
 * encryption: too short for FF1's minimum domain, too long, a card failing Luhn, an IBAN
 * failing mod 97; err says which. Other codes are real failures. */
enum pcl_rc pcl_fpe_encrypt(struct pcl_fpe *f, const char *type, const char *value, size_t len,
                            struct pcl_buf *out, struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_fpe_decrypt(struct pcl_fpe *f, const char *type, const char *value, size_t len,
                            struct pcl_buf *out, struct pcl_err *err) PCL_WUR;

/* Luhn check digit ('0'..'9') that completes digits d[0..n). */
char pcl_fpe_luhn_digit(const char *d, size_t n);
/* True when the IBAN's letters and digits (spaces ignored, any case) pass ISO 13616 mod 97
 * with check digits 02-98. */
bool pcl_fpe_iban_ok(const char *s, size_t n);

#endif
