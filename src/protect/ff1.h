/* SPDX-License-Identifier: Apache-2.0 */
/* FF1 format-preserving encryption (NIST SP 800-38G) over AES via OpenSSL, plus the small
 * big-number helpers it and the mixed-radix shapes need. */
#ifndef PCL_PROTECT_FF1_H
#define PCL_PROTECT_FF1_H

#include "common.h"

/* Longest numeral string and tweak we accept; values are single findings, not documents. */
#define PCL_FF1_MAX_LEN   256
#define PCL_FF1_MAX_TWEAK 256
/* FF1's minimum domain: radix^n >= 1,000,000. */
#define PCL_FF1_MIN_DOMAIN 1000000u

struct pcl_ff1;

/* AES-128/192/256 by key length (16, 24 or 32 bytes). The key schedule is copied into the
 * OpenSSL context; the caller wipes its own copy. Caller frees with pcl_ff1_free(). */
enum pcl_rc pcl_ff1_new(const uint8_t *key, size_t keylen, struct pcl_ff1 **out,
                        struct pcl_err *err) PCL_WUR;
void pcl_ff1_free(struct pcl_ff1 *f);

/* Encrypt/decrypt n numerals (each < radix, 2 <= radix <= 256) into out (n numerals; may
 * alias in). PCL_EINVAL when radix^n < 1,000,000, n > PCL_FF1_MAX_LEN, a numeral is out of
 * range or the tweak is longer than PCL_FF1_MAX_TWEAK. */
enum pcl_rc pcl_ff1_encrypt(struct pcl_ff1 *f, unsigned radix, const uint8_t *tweak, size_t tlen,
                            const uint8_t *in, size_t n, uint8_t *out, struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_ff1_decrypt(struct pcl_ff1 *f, unsigned radix, const uint8_t *tweak, size_t tlen,
                            const uint8_t *in, size_t n, uint8_t *out, struct pcl_err *err) PCL_WUR;

/* True when radix^n >= 1,000,000 (no overflow). */
bool pcl_ff1_domain_ok(unsigned radix, size_t n);

/* Big-endian unsigned byte strings. x = x * mul + add over x[0..n); returns the carry out
 * (non-zero means the result did not fit). */
unsigned pcl_bn_muladd(uint8_t *x, size_t n, unsigned mul, unsigned add);
/* x = x / div; returns x mod div. */
unsigned pcl_bn_divmod(uint8_t *x, size_t n, unsigned div);
/* -1, 0, 1 comparing two n-byte numbers. */
int pcl_bn_cmp(const uint8_t *a, const uint8_t *b, size_t n);

#endif
