/* SPDX-License-Identifier: Apache-2.0 */
/* Server-Sent Events parsing: lines end in CRLF, LF or CR; "field: value"; a blank line
 * dispatches; comments start with ':'. */
#include "sse.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void
pcl_gw_sse_init(struct gw_sse *p, size_t max)
{
    memset(p, 0, sizeof(*p));
    pcl_buf_init(&p->line, max);
    pcl_buf_init(&p->data, max);
    pcl_buf_init(&p->event, 256);
}

void
pcl_gw_sse_fini(struct gw_sse *p)
{
    pcl_buf_fini(&p->line);
    pcl_buf_fini(&p->data);
    pcl_buf_fini(&p->event);
}

bool
pcl_gw_sse_pending(const struct gw_sse *p)
{
    return p->line.len > 0 || p->has_data;
}

/* The first CR or LF of s[0..e), or e: 16 bytes at a time where SSE2 is there. */
static inline const char *
line_end(const char *s, const char *e)
{
#if defined(__SSE2__)
    while (e - s >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));

        if (bits != 0) {
            return s + __builtin_ctz(bits);
        }
        s += 16;
    }
#endif
    while (s < e && *s != '\n' && *s != '\r') {
        s++;
    }
    return s;
}

/* The data of the event being read, in p->data (the lone data line may still be borrowed
 * from the caller's buffer: p->dref). */
static enum pcl_rc
data_own(struct gw_sse *p)
{
    enum pcl_rc rc = PCL_OK;

    if (p->dref != NULL) {
        rc = pcl_buf_append(&p->data, p->dref, p->dlen);
        p->dref = NULL;
    }
    return rc;
}

/* Process one complete line l[0..n) (in the caller's buffer or in p->line); may dispatch. */
static enum pcl_rc
line_done(struct gw_sse *p, const char *l, size_t n, gw_sse_fn *cb, void *ctx, bool *stopped,
          struct pcl_err *err)
{
    size_t flen;
    const char *colon, *val;
    size_t vlen;
    enum pcl_rc rc = PCL_OK;

    if (n == 0) {
        if (p->has_data) {
            const char *d = p->dref != NULL ? p->dref : p->data.ptr != NULL ? p->data.ptr : "";
            size_t dlen = p->dref != NULL ? p->dlen : p->data.len;
            const char *e = p->event.ptr != NULL ? p->event.ptr : "";

            if (cb(ctx, e, p->event.len, d, dlen) != 0) {
                *stopped = true;
            }
        }
        pcl_buf_reset(&p->data);
        pcl_buf_reset(&p->event);
        p->dref = NULL;
        p->has_data = false;
        return PCL_OK;
    }
    if (l[0] == ':') {
        return PCL_OK; /* comment (keep-alive pings) */
    }
    colon = memchr(l, ':', n);
    flen = colon != NULL ? (size_t)(colon - l) : n;
    val = colon != NULL ? colon + 1 : l + n;
    vlen = colon != NULL ? n - flen - 1 : 0;
    if (vlen > 0 && val[0] == ' ') {
        val++;
        vlen--;
    }
    if (flen == 4 && memcmp(l, "data", 4) == 0) {
        if (!p->has_data && l != p->line.ptr) {
            /* the first data line, in the caller's buffer: borrowed until the event ends or
             * the feed returns (within the data limit: the line was within the same limit) */
            p->dref = val;
            p->dlen = vlen;
        } else {
            rc = data_own(p);
            if (rc == PCL_OK && p->has_data) {
                rc = pcl_buf_appendc(&p->data, '\n');
            }
            if (rc == PCL_OK) {
                rc = pcl_buf_append(&p->data, val, vlen);
            }
        }
        p->has_data = true;
    } else if (flen == 5 && memcmp(l, "event", 5) == 0) {
        pcl_buf_reset(&p->event);
        rc = pcl_buf_append(&p->event, val, vlen);
    }
    /* id and retry are accepted and ignored; unknown fields are ignored per the spec. */
    if (rc == PCL_ELIMIT) {
        return pcl_err_set(err, rc, "sse: offset %llu: event larger than the limit",
                           (unsigned long long)p->offset);
    }
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "sse: out of memory");
    }
    return PCL_OK;
}

enum pcl_rc
pcl_gw_sse_feed(struct gw_sse *p, const char *buf, size_t n, gw_sse_fn *cb, void *ctx,
                bool *stopped, struct pcl_err *err)
{
    size_t i = 0;
    enum pcl_rc rc = PCL_OK;

    *stopped = false;
    /* A UTF-8 BOM may open the stream, possibly split across feeds. (A partial BOM followed
     * by anything else is invalid UTF-8 and dropped.) */
    while (p->bom_seen < 3 && i < n) {
        if ((unsigned char)buf[i] != (unsigned char)"\xEF\xBB\xBF"[p->bom_seen]) {
            p->bom_seen = 3;
            break;
        }
        p->bom_seen++;
        i++;
    }
    while (i < n && !*stopped) {
        const char *nl;
        size_t run;

        if (p->after_cr && buf[i] == '\n') {
            p->after_cr = false;
            i++;
            p->offset++;
            continue;
        }
        p->after_cr = false;
        nl = line_end(buf + i, buf + n);
        run = (size_t)(nl - (buf + i));
        if (nl == buf + n || p->line.len > 0) {
            /* a line split across feeds is put together in p->line */
            rc = pcl_buf_append(&p->line, buf + i, run);
        } else if (run > p->line.max) {
            rc = PCL_ELIMIT;
        }
        if (rc != PCL_OK) {
            p->dref = NULL;
            return pcl_err_set(err, rc, "sse: offset %llu: %s", (unsigned long long)p->offset,
                               rc == PCL_ELIMIT ? "line longer than the limit" : "out of memory");
        }
        i += run;
        p->offset += run;
        if (nl == buf + n) {
            break;
        }
        p->after_cr = *nl == '\r';
        i++;
        p->offset++;
        if (p->line.len > 0) {
            rc = line_done(p, p->line.ptr, p->line.len, cb, ctx, stopped, err);
            pcl_buf_reset(&p->line);
        } else {
            rc = line_done(p, buf + i - run - 1, run, cb, ctx, stopped, err);
        }
        if (rc != PCL_OK) {
            p->dref = NULL;
            return rc;
        }
    }
    /* nothing borrowed from buf outlives this call */
    rc = data_own(p);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "sse: out of memory");
    }
    return PCL_OK;
}
