/* SPDX-License-Identifier: Apache-2.0 */
/* Checksum and structure validators used by detector rows. Each takes the candidate bytes
 * (separators included as matched) and returns true when the value is plausible. */
#ifndef PCL_DETECT_VALIDATE_H
#define PCL_DETECT_VALIDATE_H

#include "detector.h"

/* Copy the decimal digits of s[0..n) to out (cap bytes); returns the count, or 0 when more
 * than cap digits. */
size_t pcl_validate_digits(const char *s, size_t n, char *out, size_t cap);
/* Luhn (mod 10) over a digit string. */
bool pcl_validate_luhn_digits(const char *d, size_t n);
/* Shannon entropy in bits per byte. */
double pcl_validate_entropy(const char *s, size_t n);

#endif
