/* SPDX-License-Identifier: Apache-2.0 */
/* Private helpers of the Unicode sanitizer shared with the injection detector. */
#ifndef PCL_DETECT_SANITIZE_H
#define PCL_DETECT_SANITIZE_H

#include "common.h"

#include <portcullis/inject.h>

/* Screening form of an arbitrary UTF-8 string (decoded payloads): NFKC case-folded with
 * hidden characters removed, appended to out. No findings, no map. */
enum pcl_rc pcl_sanitize_screen_append(const struct pcl_sanitizer *san, const char *text,
                                       size_t len, struct pcl_buf *out) PCL_WUR;

/* Number of common English words among the ASCII words of s[0..n) and the number of words. */
void pcl_sanitize_english_score(const char *s, size_t n, size_t *hits, size_t *words);

#endif
