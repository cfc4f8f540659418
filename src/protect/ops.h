/* SPDX-License-Identifier: Apache-2.0 */
/* The irreversible operators (mask, tag, hash) on one value. */
#ifndef PCL_PROTECT_OPS_H
#define PCL_PROTECT_OPS_H

#include "common.h"

#include <portcullis/protect.h>

/* Hex characters of a hash pseudonym (48 bits). */
#define PCL_HASH_HEX 12

/* Append value with letters, digits and non-ASCII code points replaced by mask_char except
 * the last `keep` of them (at most half are ever kept); an e-mail (is_email) keeps '@' and
 * its domain and loses its whole local part. */
enum pcl_rc pcl_protect_mask(const char *value, size_t len, unsigned keep, char mask_char,
                             bool is_email, struct pcl_buf *out) PCL_WUR;
/* Append "<TYPE>". */
enum pcl_rc pcl_protect_tag(const char *type, struct pcl_buf *out) PCL_WUR;
/* Append "<TYPE:hhhhhhhhhhhh>" keyed by the 32-byte hash subkey. */
enum pcl_rc pcl_protect_hash(const uint8_t *subkey, const char *type, const char *value, size_t len,
                             struct pcl_buf *out) PCL_WUR;
/* Normalised form of value used by hash (see protect.h); appends to out. */
enum pcl_rc pcl_protect_normalize(const char *type, const char *value, size_t len,
                                  struct pcl_buf *out) PCL_WUR;

#endif
