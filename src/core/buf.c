/* SPDX-License-Identifier: Apache-2.0 */
/* Growable byte buffers with a hard maximum. */
#include "common.h"

#include <sodium.h>

void
pcl_buf_init(struct pcl_buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max == 0 || max > SIZE_MAX / 2 ? SIZE_MAX / 2 : max; /* max + 1 must not wrap */
}

void
pcl_buf_fini(struct pcl_buf *b)
{
    pcl_free(b->ptr);
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
}

void
pcl_buf_fini_secure(struct pcl_buf *b)
{
    if (b->ptr != NULL) {
        sodium_memzero(b->ptr, b->cap);
    }
    pcl_buf_fini(b);
}

void
pcl_buf_reset(struct pcl_buf *b)
{
    b->len = 0;
    if (b->ptr != NULL) {
        b->ptr[0] = '\0';
    }
}

enum pcl_rc
pcl_buf_reserve(struct pcl_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > b->max || b->len > b->max - extra) {
        return PCL_ELIMIT;
    }
    need = b->len + extra + 1; /* room for the NUL */
    if (need <= b->cap) {
        return PCL_OK;
    }
    cap = b->cap == 0 ? 64 : b->cap;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    if (cap > b->max + 1) {
        cap = b->max + 1;
    }
    p = pcl_realloc(b->ptr, cap);
    if (p == NULL) {
        return PCL_ENOMEM;
    }
    b->ptr = p;
    b->cap = cap;
    return PCL_OK;
}

enum pcl_rc
pcl_buf_append(struct pcl_buf *b, const void *p, size_t n)
{
    /* With room already there (cap never exceeds max + 1, so the limit holds), no reserve
     * call: appends of a few bytes are most calls (JSON paths, report lines). */
    if (b->len >= b->cap || n >= b->cap - b->len) {
        enum pcl_rc rc = pcl_buf_reserve(b, n);

        if (rc != PCL_OK) {
            return rc;
        }
    }
    if (n > 0) {
        memcpy(b->ptr + b->len, p, n);
    }
    b->len += n;
    b->ptr[b->len] = '\0';
    return PCL_OK;
}

enum pcl_rc
pcl_buf_appendc(struct pcl_buf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->ptr[b->len++] = c;
        b->ptr[b->len] = '\0';
        return PCL_OK;
    }
    return pcl_buf_append(b, &c, 1);
}

enum pcl_rc
pcl_buf_appends(struct pcl_buf *b, const char *s)
{
    return pcl_buf_append(b, s, strlen(s));
}

enum pcl_rc
pcl_buf_appendv(struct pcl_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    enum pcl_rc rc;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return PCL_EINVAL;
    }
    rc = pcl_buf_reserve(b, (size_t)n);
    if (rc != PCL_OK) {
        return rc;
    }
    (void)vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return PCL_OK;
}

enum pcl_rc
pcl_buf_appendf(struct pcl_buf *b, const char *fmt, ...)
{
    va_list ap;
    enum pcl_rc rc;

    va_start(ap, fmt);
    rc = pcl_buf_appendv(b, fmt, ap);
    va_end(ap);
    return rc;
}

void
pcl_buf_consume(struct pcl_buf *b, size_t n)
{
    if (n >= b->len) {
        pcl_buf_reset(b);
        return;
    }
    memmove(b->ptr, b->ptr + n, b->len - n);
    b->len -= n;
    b->ptr[b->len] = '\0';
}

char *
pcl_buf_steal(struct pcl_buf *b, size_t *len)
{
    char *p = b->ptr;

    if (len != NULL) {
        *len = b->len;
    }
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
