/* SPDX-License-Identifier: Apache-2.0 */
/* CSV cells and JSON values scanned many at a time (see fieldbatch.h). */
#include "fieldbatch.h"

#include "common.h"

void
field_batch_init(struct field_batch *b)
{
    memset(b, 0, sizeof(*b));
    pcl_buf_init(&b->buf, 0);
}

void
field_batch_fini(struct field_batch *b)
{
    pcl_buf_fini_secure(&b->buf); /* values may be secrets */
    pcl_free(b->ends);
    pcl_free(b->prefix);
    pcl_free(b->limited);
    memset(b, 0, sizeof(*b));
}

void
field_batch_reset(struct field_batch *b)
{
    pcl_buf_reset(&b->buf);
    b->n = 0;
}

enum pcl_rc
field_header_add(char ***names, size_t *n, const char *p, size_t len, struct pcl_err *err)
{
    char **grown = pcl_realloc(*names, (*n + 1) * sizeof(*grown));

    if (grown == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "out of memory");
    }
    *names = grown;
    grown[*n] = pcl_strndup(p, len);
    if (grown[*n] == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "out of memory");
    }
    (*n)++;
    return PCL_OK;
}

size_t
field_column_name(size_t col, char out[FIELD_COLNAME_MAX])
{
    char digits[FIELD_COLNAME_MAX];
    size_t n = 0, k = 0;

    col++;
    do { /* without snprintf: redact names every cell of a file without a header */
        digits[n++] = (char)('0' + col % 10);
        col /= 10;
    } while (col > 0);
    out[k++] = '#';
    while (n > 0) {
        out[k++] = digits[--n];
    }
    out[k] = '\0';
    return k;
}

size_t
field_prefix_len(const char *name, size_t name_len)
{
    return name == NULL ? 0 : PCL_MIN(name_len, FIELD_NAME_KEEP) + 2;
}

/* Append name's context and v to b, which has room for them. */
static void
put(struct pcl_buf *b, const char *name, size_t name_len, const char *v, size_t n)
{
    size_t keep = PCL_MIN(name_len, FIELD_NAME_KEEP);

    if (name != NULL) {
        memcpy(b->ptr + b->len, name + name_len - keep, keep);
        memcpy(b->ptr + b->len + keep, ": ", 2);
        b->len += keep + 2;
    }
    memcpy(b->ptr + b->len, v, n);
    b->len += n;
}

enum pcl_rc
field_context(struct pcl_buf *b, const char *name, size_t name_len, const char *v, size_t n,
              const char **scan, size_t *prefix)
{
    enum pcl_rc rc;

    *prefix = field_prefix_len(name, name_len);
    *scan = v;
    if (name == NULL) {
        return PCL_OK;
    }
    pcl_buf_reset(b);
    rc = pcl_buf_reserve(b, *prefix + n);
    if (rc != PCL_OK) {
        return rc;
    }
    put(b, name, name_len, v, n);
    b->ptr[b->len] = '\0';
    *scan = b->ptr;
    return PCL_OK;
}

static enum pcl_rc
grow(struct field_batch *b)
{
    size_t cap = b->cap == 0 ? 256 : b->cap * 2;
    size_t *ends = pcl_realloc(b->ends, cap * sizeof(*ends));
    size_t *prefix;
    bool *limited;

    if (ends == NULL) {
        return PCL_ENOMEM;
    }
    b->ends = ends;
    prefix = pcl_realloc(b->prefix, cap * sizeof(*prefix));
    if (prefix == NULL) {
        return PCL_ENOMEM;
    }
    b->prefix = prefix;
    limited = pcl_realloc(b->limited, cap * sizeof(*limited));
    if (limited == NULL) {
        return PCL_ENOMEM;
    }
    b->limited = limited;
    b->cap = cap;
    return PCL_OK;
}

enum pcl_rc
field_batch_add(struct field_batch *b, const char *name, size_t name_len, const char *v, size_t n)
{
    size_t prefix = field_prefix_len(name, name_len);
    enum pcl_rc rc;

    if (b->n == b->cap) {
        rc = grow(b);
        if (rc != PCL_OK) {
            return rc;
        }
    }
    rc = pcl_buf_reserve(&b->buf, prefix + n + 1);
    if (rc != PCL_OK) {
        return rc;
    }
    put(&b->buf, name, name_len, v, n);
    b->ends[b->n] = b->buf.len;
    b->prefix[b->n] = prefix;
    b->n++;
    b->buf.ptr[b->buf.len++] = PCL_SEGMENT_SEP;
    return PCL_OK;
}

const char *
field_batch_value(const struct field_batch *b, size_t i, size_t *len)
{
    size_t lo = (i == 0 ? 0 : b->ends[i - 1] + 1) + b->prefix[i];

    *len = b->ends[i] - lo;
    return b->buf.ptr + lo;
}

enum pcl_rc
field_batch_scan(struct field_batch *b, const struct pcl_engine *e, struct pcl_scratch *s,
                 pcl_segment_fn *cb, void *ctx, struct pcl_err *err)
{
    if (b->n == 0) {
        return PCL_OK;
    }
    memset(b->limited, 0, b->n * sizeof(*b->limited));
    return pcl_engine_scan_segments(e, s, b->buf.ptr, b->ends, b->n, b->limited, cb, ctx, err);
}
