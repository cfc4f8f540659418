/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming scan: a carry-over window so findings split across chunks are found exactly as
 * in a whole-buffer scan, with memory bounded by the window plus one chunk. */
#include "engine.h"

struct pcl_stream {
    const struct pcl_engine *e;
    struct pcl_scratch *s;
    pcl_finding_fn *cb;
    void *ctx;
    struct pcl_buf win; /* bytes [win_off, win_off + win.len) of the stream */
    uint64_t win_off;
    uint64_t emitted_end; /* end of the last reported finding */
    uint64_t settled;
    bool finished;
    bool stopped; /* the callback asked to stop */
};

enum pcl_rc
pcl_stream_new(const struct pcl_engine *e, pcl_finding_fn *cb, void *ctx, struct pcl_stream **out,
               struct pcl_err *err)
{
    struct pcl_stream *st = pcl_calloc(1, sizeof(*st));
    enum pcl_rc rc;

    *out = NULL;
    if (st == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "detect: out of memory");
    }
    rc = pcl_scratch_new(e, &st->s, err);
    if (rc != PCL_OK) {
        pcl_free(st);
        return rc;
    }
    st->e = e;
    st->cb = cb;
    st->ctx = ctx;
    pcl_buf_init(&st->win, 0);
    *out = st;
    return PCL_OK;
}

void
pcl_stream_reset(struct pcl_stream *st, pcl_finding_fn *cb, void *ctx)
{
    st->cb = cb;
    st->ctx = ctx;
    pcl_buf_reset(&st->win);
    st->win_off = 0;
    st->emitted_end = 0;
    st->settled = 0;
    st->finished = false;
    st->stopped = false;
}

void
pcl_stream_free(struct pcl_stream *st)
{
    if (st == NULL) {
        return;
    }
    pcl_scratch_free(st->s);
    pcl_buf_fini(&st->win);
    pcl_free(st);
}

/* Scan the window and report every finding no later byte can change: those ending at least
 * one window before the end of what we have (or all of them at the end of input). */
static enum pcl_rc
process(struct pcl_stream *st, bool final, struct pcl_err *err)
{
    const uint64_t k = st->e->window;
    const uint64_t win_end = st->win_off + st->win.len;
    uint64_t limit = final ? UINT64_MAX : (win_end > k ? win_end - k : 0);
    uint64_t settled = final ? win_end : limit;
    uint64_t keep_from, prev_settled = st->settled;
    enum pcl_rc rc;

    if (!final && limit <= prev_settled) {
        /* nothing can settle yet (a finding reported now would have to lie between
         * prev_settled and limit): the pass that can will scan these bytes. An input shorter
         * than the window is then scanned once, at the end, not twice. */
        return PCL_OK;
    }
    rc = pcl_engine_collect(st->e, st->s, st->win.ptr, st->win.len, st->win_off, err);
    if (rc != PCL_OK) {
        return rc;
    }
    for (size_t i = 0; i < st->s->nfound; i++) {
        const struct pcl_finding *f = &st->s->found[i];

        if (f->start < st->emitted_end || f->start < prev_settled) {
            /* Decided by an earlier pass, which saw all of its context. Near the window start
             * the context is cut short ("^" and lookbehinds see the cut, not the text before
             * it), so what a later pass finds there must not be reported. */
            continue;
        }
        if (f->end > limit) {
            settled = PCL_MIN(settled, f->start);
            break;
        }
        st->emitted_end = f->end;
        if (!st->stopped && st->cb(st->ctx, f) != 0) {
            st->stopped = true;
        }
    }
    st->settled = PCL_MAX(st->settled, settled);
    /* Keep one window of history before the settled point: lookbehind, context words and the
     * start of any finding still pending. */
    keep_from = st->settled > k ? st->settled - k : 0;
    if (keep_from > st->win_off) {
        pcl_buf_consume(&st->win, (size_t)(keep_from - st->win_off));
        st->win_off = keep_from;
    }
    return st->s->limit_hit ? pcl_err_set(err, PCL_ELIMIT,
                                          "detect: a pattern match limit "
                                          "stopped a confirmation; some findings may be missing")
                            : PCL_OK;
}

enum pcl_rc
pcl_stream_feed(struct pcl_stream *st, const char *chunk, size_t len, struct pcl_err *err)
{
    enum pcl_rc rc;

    if (st->finished) {
        return pcl_err_set(err, PCL_EINVAL, "detect: stream fed after finish");
    }
    if (len == 0) {
        return PCL_OK;
    }
    rc = pcl_buf_append(&st->win, chunk, len);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "detect: stream window: %s", pcl_rc_str(rc));
    }
    /* Once some of it can settle, every feed rescans the carried window plus the chunk, so
     * settled() advances with each chunk; callers with tiny chunks pay the window per chunk. */
    return process(st, false, err);
}

enum pcl_rc
pcl_stream_finish(struct pcl_stream *st, struct pcl_err *err)
{
    enum pcl_rc rc;

    if (st->finished) {
        return PCL_OK;
    }
    st->finished = true;
    rc = process(st, true, err);
    return rc;
}

uint64_t
pcl_stream_settled(const struct pcl_stream *st)
{
    return st->settled;
}
