/* SPDX-License-Identifier: Apache-2.0 */
/* CSV cells and JSON values of `scan` and `redact`, scanned many at a time. Each value is
 * written as "name: value" so a column or key name counts as context (only the name's last
 * FIELD_NAME_KEEP bytes: context reaches 64 back), and the batch is scanned in one engine pass
 * with pcl_engine_scan_segments(), which judges every value exactly as alone. The caller keeps
 * what else it needs per value in its own arrays, indexed like the batch's values. */
#ifndef PCL_CLI_FIELDBATCH_H
#define PCL_CLI_FIELDBATCH_H

#include <portcullis/detect.h>

#define FIELD_NAME_KEEP   ((size_t)48)
#define FIELD_BATCH_BYTES ((size_t)64 << 10) /* flush when the batch holds this much */

struct field_batch {
    struct pcl_buf buf; /* the values, each followed by PCL_SEGMENT_SEP */
    size_t *ends;       /* where each value ends in buf; array of n */
    size_t *prefix;     /* bytes of "name: " before each value; array of n */
    bool *limited;      /* per value: a match limit cut its scan short; array of n */
    size_t n;
    size_t cap; /* capacity of the arrays */
};

void field_batch_init(struct field_batch *b);
void field_batch_fini(struct field_batch *b);
/* Forget the values (memory is kept). */
void field_batch_reset(struct field_batch *b);
/* The name of CSV column col (0-based) when the file has no header name for it: "#1", "#2",
 * ... written to out (NUL-terminated); returns its length. */
#define FIELD_COLNAME_MAX 24
size_t field_column_name(size_t col, char out[FIELD_COLNAME_MAX]);
/* Keep a copy of the name in p[0..len) as the next of the *n column names in *names (an
 * array the caller frees, names and all). PCL_ENOMEM, set in err. */
enum pcl_rc field_header_add(char ***names, size_t *n, const char *p, size_t len,
                             struct pcl_err *err);
/* Bytes of context written before a value of field `name` (NULL: none). */
size_t field_prefix_len(const char *name, size_t name_len);
/* One value to scan alone: *scan is what to scan, prefix + n bytes: v itself when name is NULL,
 * else "name: v" written to b (emptied first). PCL_ENOMEM or PCL_ELIMIT from b. */
enum pcl_rc field_context(struct pcl_buf *b, const char *name, size_t name_len, const char *v,
                          size_t n, const char **scan, size_t *prefix) PCL_WUR;
/* Add a value of field name (NULL: no context) as the batch's value b->n. */
enum pcl_rc field_batch_add(struct field_batch *b, const char *name, size_t name_len, const char *v,
                            size_t n) PCL_WUR;
/* The value i (after its context) and its length. */
const char *field_batch_value(const struct field_batch *b, size_t i, size_t *len);
/* Scan every value; findings arrive per value, in order, with offsets from the value's
 * context start (subtract b->prefix[i] for the value's own; a finding starting inside the
 * context is in the name). PCL_ELIMIT as pcl_engine_scan_segments(), with b->limited set. */
enum pcl_rc field_batch_scan(struct field_batch *b, const struct pcl_engine *e,
                             struct pcl_scratch *s, pcl_segment_fn *cb, void *ctx,
                             struct pcl_err *err) PCL_WUR;

#endif
