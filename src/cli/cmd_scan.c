/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis scan`: walk inputs, scan text, CSV/TSV and JSON/JSONL with worker threads, and
 * report findings, per-column/per-field profiles and a classification per file. */
#include "scan.h"

#include "fieldbatch.h"
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEGMENT_MIN       ((uint64_t)8 << 20)
#define READ_CHUNK        ((size_t)1 << 20)
#define STREAM_PART       ((size_t)4 << 20) /* bytes of a streamed text input per worker job */
#define REPORT_BATCH      ((size_t)32)      /* jobs the reporting thread lets finish per wake-up */
#define JSONL_WARN_LINES  10 /* JSONL lines that are not JSON named one by one per file */
#define MAX_STRUCTURED    ((size_t)1 << 30)  /* JSON documents are walked in memory */
#define MAX_JSONL_LINE    ((size_t)64 << 20) /* JSONL is streamed a block of lines at a time */
#define MAX_HITS_PER_FILE 10000000u
#define MAX_PROFILES      100000u /* distinct CSV columns or JSON field paths per file */

struct scan_opts {
    enum scan_out out;
    unsigned threads;
    bool show_values;
    bool progress;
    bool quiet;
    bool have_input_format;
    enum pcl_format input_format;
    int fail_on; /* -2 never, -1 any finding, else a sensitivity level */
};

struct job {
    struct scan_file *file;
    size_t file_idx;
    bool segment; /* a text segment of a file: [seg_start, seg_end) of file_len bytes */
    bool is_part; /* a part of a JSONL, CSV or TSV file: [seg_start, seg_end), whose first
                     line is seg_line (the last part ends at file_len); results in part,
                     merged by the main thread */
    uint64_t seg_start;
    uint64_t seg_end;
    uint64_t file_len;
    uint64_t seg_line;
    struct scan_file part; /* is_part: hits, profiles and counts (path borrowed) */
    bool fallback;         /* is_part: a reader error that makes the whole file be scanned
                              as text (run_file_job() does that for a file it reads whole);
                              error says why */
    bool resync;           /* CSV part: it did not end at a record start (a quote the planning
                              pass took for an opening one was not), so the file is read again
                              by one reader */
    uint64_t rows;         /* CSV part: the records it read, the header left out (its hits
                              count rows from 1: the main thread adds the rows before it) */
    struct scan_hit *hits; /* segment jobs: their hits, merged by the main thread */
    size_t nhits;
    size_t caphits;
    uint64_t newlines; /* newlines in [seg_start, seg_end) */
    uint64_t tail_cp;  /* code points after the last newline of the segment */
    struct pcl_buf warnings;
    /* JSONL: where the warnings about lines that are not JSON start in warnings (the first
     * JSONL_WARN_LINES of the job), and how many more there were. The main thread names the
     * first JSONL_WARN_LINES of the file and counts the rest. */
    size_t bad_warn[JSONL_WARN_LINES];
    size_t nbad_warn;
    uint64_t bad_more;
    char *error;
    struct pcl_arena *arena; /* previews of this job's hits: segments of one file run on
                                several threads at once, so they cannot share the file's */
    bool failed;             /* the job failed; error says why unless even that could not be
                                allocated */
    atomic_bool done;
};

struct scan_ctx {
    const struct scan_opts *o;
    const struct pcl_engine *e;
    struct job *jobs; /* array of njobs */
    size_t njobs;
    size_t capjobs;
    struct scan_file *files; /* array of nfiles */
    size_t nfiles;
    size_t capfiles;
    atomic_size_t next;
    atomic_size_t ndone; /* jobs finished */
    /* what the reporting thread waits for (SIZE_MAX: nothing): a job, and a number of
     * finished jobs (the wake-up rule is in worker()) */
    atomic_size_t wait_job;
    atomic_size_t wait_count;
    atomic_uint_fast64_t bytes_done;
    uint64_t bytes_total;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct pcl_buf walk_warnings;
};

/* ---- small helpers ------------------------------------------------------------------ */

static void
warn_append(struct pcl_buf *b, const char *msg)
{
    if (pcl_buf_append(b, msg, strlen(msg)) != PCL_OK || pcl_buf_appendc(b, '\n') != PCL_OK) {
        return; /* out of room: the warning count still shows in the exit code */
    }
}

static uint64_t
count_cp(const char *p, size_t n)
{
    uint64_t c = 0;

    for (size_t i = 0; i < n; i++) {
        c += ((unsigned char)p[i] & 0xc0) != 0x80;
    }
    return c;
}

/* Masked preview: credentials keep a short prefix (the token kind), PII keeps its edges. */
static const char *
make_preview(struct pcl_arena *a, const char *v, size_t n, uint32_t cats, bool show)
{
    char out[64];
    size_t keep_head, keep_tail, stars, k = 0;

    if (show) {
        return pcl_arena_strndup(a, v, n);
    }
    if ((cats & PCL_CAT_CREDENTIAL) != 0) {
        keep_head = n >= 16 ? 4 : 0;
        keep_tail = 0;
    } else {
        keep_head = n >= 8 ? 2 : (n >= 4 ? 1 : 0);
        keep_tail = n >= 8 ? 2 : 0;
    }
    /* never cut a UTF-8 sequence */
    while (keep_head > 0 && ((unsigned char)v[keep_head] & 0xc0) == 0x80) {
        keep_head--;
    }
    while (keep_tail > 0 && ((unsigned char)v[n - keep_tail] & 0xc0) == 0x80) {
        keep_tail--;
    }
    stars = PCL_MIN(n - keep_head - keep_tail, (size_t)12);
    if (stars == 0) {
        stars = 1;
    }
    memcpy(out, v, keep_head);
    k = keep_head;
    memset(out + k, '*', stars);
    k += stars;
    memcpy(out + k, v + n - keep_tail, keep_tail);
    k += keep_tail;
    return pcl_arena_strndup(a, out, k);
}

static enum pcl_rc
push_hit(struct scan_hit **hits, size_t *n, size_t *cap, const struct scan_hit *h)
{
    if (*n == *cap) {
        size_t c = *cap == 0 ? 16 : *cap * 2;
        struct scan_hit *p;

        if (c > MAX_HITS_PER_FILE) {
            return PCL_ELIMIT;
        }
        p = pcl_realloc(*hits, c * sizeof(*p));
        if (p == NULL) {
            return PCL_ENOMEM;
        }
        *hits = p;
        *cap = c;
    }
    (*hits)[(*n)++] = *h;
    return PCL_OK;
}

/* Add a hit to a file's; when it cannot be (too many, or out of memory), the file's error
 * says its output is truncated, and false is returned. */
static bool
file_add_hit(struct scan_file *f, const struct scan_hit *h)
{
    if (push_hit(&f->hits, &f->nhits, &f->caphits, h) == PCL_OK) {
        return true;
    }
    if (f->error == NULL) {
        f->failed = true;
        f->error = pcl_strdup("too many findings; output truncated");
    }
    return false;
}

/* ---- line and column tracking ------------------------------------------------------- */

struct lc {
    uint64_t pos;  /* absolute offset counted up to */
    uint64_t line; /* newlines before pos */
    uint64_t cp;   /* code points between the last newline and pos */
};

/* Advance over data[0..n), which holds the bytes at [t->pos, t->pos + n). */
static void
lc_advance(struct lc *t, const char *data, size_t n)
{
    size_t last;
    size_t lines = pcl_count_byte(data, n, '\n', &last);

    if (lines > 0) {
        t->line += lines;
        t->cp = count_cp(data + last + 1, n - last - 1);
    } else {
        t->cp += count_cp(data, n);
    }
    t->pos += n;
}

/* ---- text ---------------------------------------------------------------------------- */

struct text_scan {
    struct scan_ctx *c;
    struct job *j;
    struct scan_file *f;
    const char *data; /* bytes at absolute offset data_off */
    uint64_t data_off;
    uint64_t keep_lo; /* segment bounds: report findings starting in [keep_lo, keep_hi) */
    uint64_t keep_hi;
    uint64_t base; /* added to finding offsets (a segment scan starts at its region) */
    struct lc t;
    enum pcl_rc rc;
};

static int
on_text_finding(void *arg, const struct pcl_finding *fd)
{
    struct text_scan *ts = arg;
    const struct pcl_detector_info *d = pcl_engine_detector(ts->c->e, fd->detector);
    struct scan_hit h = {0};
    uint64_t start = fd->start + ts->base, end = fd->end + ts->base;
    enum pcl_rc rc;

    if (start < ts->keep_lo || start >= ts->keep_hi) {
        return 0;
    }
    lc_advance(&ts->t, ts->data + (ts->t.pos - ts->data_off), (size_t)(start - ts->t.pos));
    h.start = start;
    h.end = end;
    h.line = ts->t.line; /* relative to keep_lo; fixed up when merged */
    h.col = ts->t.cp;
    h.score = fd->score;
    h.det = fd->detector;
    h.preview = make_preview(ts->j->arena, ts->data + (start - ts->data_off), (size_t)(end - start),
                             d->categories, ts->c->o->show_values);
    if (h.preview == NULL) {
        ts->rc = PCL_ENOMEM;
        return 1;
    }
    rc = push_hit(&ts->j->hits, &ts->j->nhits, &ts->j->caphits, &h);
    if (rc != PCL_OK) {
        ts->rc = rc;
        return 1;
    }
    return 0;
}

struct stream_scan {
    struct text_scan ts;
    struct pcl_buf *hold; /* the bytes fed from ts.data_off on (the worker's buffer) */
};

/* What a worker keeps from one job to the next, so that a file costs no allocation of scratch
 * space or buffers (a tree of small files would otherwise spend more time in mmap() and
 * munmap() than in scanning). */
struct worker_mem {
    struct pcl_scratch *s; /* CSV and JSON scans */
    struct pcl_stream *st; /* text scans; made by the first one */
    struct pcl_buf hold;   /* text scans' read buffer (struct stream_scan's hold) */
};

/* Start a text scan of ss with w's stream and read buffer. */
static enum pcl_rc
stream_text_begin(struct scan_ctx *c, struct stream_scan *ss, struct worker_mem *w,
                  struct pcl_err *err)
{
    ss->hold = &w->hold;
    pcl_buf_reset(ss->hold);
    if (w->st != NULL) {
        pcl_stream_reset(w->st, on_text_finding, &ss->ts);
        return PCL_OK;
    }
    return pcl_stream_new(c->e, on_text_finding, &ss->ts, &w->st, err);
}

/* Room for READ_CHUNK more bytes at the end of ss->hold, where the caller reads the next
 * chunk (one copy fewer than reading elsewhere and appending). */
static char *
stream_text_room(struct stream_scan *ss, struct pcl_err *err)
{
    if (pcl_buf_reserve(ss->hold, READ_CHUNK) != PCL_OK) {
        (void)pcl_err_set(err, PCL_ENOMEM, "out of memory");
        return NULL;
    }
    return ss->hold->ptr + ss->hold->len;
}

/* Feed chunk[0..n), the stream's bytes after those fed before, to st; findings go to ts.
 * Lines are then counted up to where later findings start (and no further than keep_hi),
 * over ts->data, which holds the bytes from ts->data_off on. */
static enum pcl_rc
stream_text_feed(struct text_scan *ts, struct pcl_stream *st, struct job *j, const char *chunk,
                 size_t n, struct pcl_err *err)
{
    enum pcl_rc rc = pcl_stream_feed(st, chunk, n, err);
    uint64_t settled;

    if (rc == PCL_ELIMIT) {
        warn_append(&j->warnings, err->msg);
        rc = PCL_OK;
    }
    if (ts->rc != PCL_OK) {
        return pcl_err_set(err, ts->rc, "%s", pcl_rc_str(ts->rc));
    }
    if (rc != PCL_OK) {
        return rc;
    }
    settled = PCL_MIN(ts->base + pcl_stream_settled(st), ts->keep_hi);
    if (settled > ts->t.pos) {
        lc_advance(&ts->t, ts->data + (ts->t.pos - ts->data_off), (size_t)(settled - ts->t.pos));
    }
    return PCL_OK;
}

/* Feed the n bytes just read into stream_text_room() (stream_text_feed()), then drop from
 * ss->hold the bytes before where lines are counted to. */
static enum pcl_rc
stream_text_chunk(struct stream_scan *ss, struct pcl_stream *st, struct job *j, size_t n,
                  struct pcl_err *err)
{
    struct text_scan *ts = &ss->ts;
    const char *chunk = ss->hold->ptr + ss->hold->len;
    enum pcl_rc rc;
    size_t drop;

    ss->hold->len += n;
    ts->data = ss->hold->ptr;
    rc = stream_text_feed(ts, st, j, chunk, n, err);
    if (rc != PCL_OK) {
        return rc;
    }
    drop = (size_t)PCL_MIN(ts->t.pos - ts->data_off, (uint64_t)ss->hold->len);
    pcl_buf_consume(ss->hold, drop);
    ts->data_off += drop;
    ts->data = ss->hold->ptr;
    return PCL_OK;
}

static enum pcl_rc
stream_text_finish(struct stream_scan *ss, struct pcl_stream *st, struct job *j,
                   struct pcl_err *err)
{
    enum pcl_rc rc = pcl_stream_finish(st, err);

    if (rc == PCL_ELIMIT) {
        warn_append(&j->warnings, err->msg);
        rc = PCL_OK;
    }
    if (ss->ts.rc != PCL_OK) {
        rc = pcl_err_set(err, ss->ts.rc, "%s", pcl_rc_str(ss->ts.rc));
    }
    return rc;
}

/* A text segment of a file: scan [seg_start - window, seg_end + window) and keep the findings
 * that start inside the segment; the window makes the result identical to a whole-file scan.
 * The bytes are read with pread() into one reused buffer and streamed: on virtual machines
 * the first touch of a large mapping (or of fresh memory) costs more than the scan of it.
 * With mem, the bytes of that range are mem's (a part of a streamed input), not the file's. */
static enum pcl_rc
scan_segment(struct scan_ctx *c, struct job *j, struct worker_mem *wm, const char *mem,
             struct pcl_err *err)
{
    uint64_t w = pcl_engine_window(c->e);
    uint64_t lo = j->seg_start > w ? j->seg_start - w : 0;
    uint64_t hi = PCL_MIN(j->file_len, j->seg_end + w), off = lo;
    struct stream_scan ss = {.ts = {.c = c,
                                    .j = j,
                                    .f = j->file,
                                    .data_off = lo,
                                    .keep_lo = j->seg_start,
                                    .keep_hi = j->seg_end,
                                    .base = lo,
                                    .t = {.pos = j->seg_start}}};
    struct pcl_stream *st;
    enum pcl_rc rc;
    int fd = -1;

    if (mem == NULL) {
        fd = open(j->file->path, O_RDONLY | O_CLOEXEC);
        if (fd == -1) {
            return pcl_err_set(err, PCL_EIO, "cannot open: %s", strerror(errno));
        }
    }
    rc = stream_text_begin(c, &ss, wm, err);
    st = wm->st;
    if (mem != NULL) { /* all there already: fed from where it is, a piece at a time */
        ss.ts.data = mem;
        for (size_t n; rc == PCL_OK && off < hi; off += n) {
            n = (size_t)PCL_MIN((uint64_t)READ_CHUNK, hi - off);
            rc = stream_text_feed(&ss.ts, st, j, mem + (off - lo), n, err);
        }
    }
    while (rc == PCL_OK && off < hi) {
        char *chunk = stream_text_room(&ss, err);
        ssize_t got;

        if (chunk == NULL) {
            rc = PCL_ENOMEM;
            break;
        }
        got = pread(fd, chunk, (size_t)PCL_MIN((uint64_t)READ_CHUNK, hi - off), (off_t)off);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            rc = pcl_err_set(err, PCL_EIO, "offset %llu: %s", (unsigned long long)off,
                             got < 0 ? strerror(errno) : "the file shrank while it was scanned");
            break;
        }
        off += (uint64_t)got;
        rc = stream_text_chunk(&ss, st, j, (size_t)got, err);
    }
    if (rc == PCL_OK) {
        rc = stream_text_finish(&ss, st, j, err);
    }
    if (rc == PCL_OK) {
        /* count the rest of the segment for the line fix-ups of later segments */
        lc_advance(&ss.ts.t, ss.ts.data + (ss.ts.t.pos - ss.ts.data_off),
                   (size_t)(j->seg_end - ss.ts.t.pos));
        j->newlines = ss.ts.t.line;
        j->tail_cp = ss.ts.t.cp;
    }
    if (fd != -1) {
        (void)close(fd);
    }
    return rc;
}

/* Progress: what a reader of in has read counts against the file's size on disk, so a gzip
 * file counts its compressed bytes, not the decoded ones. *seen is what it counted so far. */
static void
progress_add(struct scan_ctx *c, struct pcl_input *in, uint64_t decoded, uint64_t *seen)
{
    uint64_t now = pcl_input_is_gzip(in) ? pcl_input_raw_offset(in) : *seen + decoded;

    if (now > *seen) {
        atomic_fetch_add(&c->bytes_done, now - *seen);
        *seen = now;
    }
}

/* ---- streamed text on several threads ------------------------------------------------ */

/* A part of a streamed text input: the segment job seg, scanned from data, the bytes
 * [lo, lo + data.len) of the stream (the engine's window on each side of the segment). */
struct stream_part {
    struct job seg;
    struct pcl_buf data;
    uint64_t lo;
    enum pcl_rc rc;
    struct pcl_err err;
};

struct stream_worker {
    struct scan_ctx *c;
    struct worker_mem wm;
};

static void
stream_part_run(void *worker, void *job)
{
    struct stream_worker *sw = worker;
    struct stream_part *p = job;

    p->rc = scan_segment(sw->c, &p->seg, &sw->wm, p->data.ptr, &p->err);
}

/* Where the parts merged so far end: lines before, and code points after the last newline. */
struct stream_at {
    uint64_t line;
    uint64_t cp;
};

/* Part p's hits and warnings into the stream's job j, in stream order: lines and columns
 * become the stream's (0-based, as one reader's), previews move to j's arena. The part is
 * then empty, ready for reuse. */
static enum pcl_rc
stream_part_merge(struct job *j, struct stream_part *p, struct stream_at *at, struct pcl_err *err)
{
    enum pcl_rc rc = p->rc;

    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "%s", p->err.msg);
    }
    for (size_t i = 0; i < p->seg.nhits && rc == PCL_OK; i++) {
        struct scan_hit h = p->seg.hits[i];

        h.col = h.line == 0 ? at->cp + h.col : h.col;
        h.line += at->line;
        h.preview = pcl_arena_strndup(j->arena, h.preview, strlen(h.preview));
        rc = h.preview == NULL ? PCL_ENOMEM : push_hit(&j->hits, &j->nhits, &j->caphits, &h);
    }
    if (rc == PCL_OK && p->seg.warnings.len > 0) {
        rc = pcl_buf_append(&j->warnings, p->seg.warnings.ptr, p->seg.warnings.len);
    }
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "out of memory");
    }
    at->cp = p->seg.newlines > 0 ? p->seg.tail_cp : at->cp + p->seg.tail_cp;
    at->line += p->seg.newlines;
    p->seg.nhits = 0;
    pcl_buf_reset(&p->seg.warnings);
    pcl_arena_reset(p->seg.arena);
    return PCL_OK;
}

static void
stream_parts_free(struct stream_part *parts, size_t n)
{
    for (size_t i = 0; parts != NULL && i < n; i++) {
        pcl_free(parts[i].seg.hits);
        pcl_buf_fini(&parts[i].seg.warnings);
        pcl_arena_free(parts[i].seg.arena);
        pcl_buf_fini(&parts[i].data);
    }
    pcl_free(parts);
}

/* A streamed text input (standard input, a pipe, a gzip file) on nw threads: the reading
 * thread cuts it into parts of STREAM_PART bytes, each scanned by a worker as a segment of a
 * file is (with the engine's window on each side, so the findings are those of one reader),
 * and merges them back in order. On a read error the findings are those of the parts read
 * whole before it. */
static enum pcl_rc
par_text_stream(struct scan_ctx *c, struct job *j, struct pcl_input *in, unsigned nw,
                struct pcl_err *err)
{
    uint64_t w = pcl_engine_window(c->e), seen = 0, next = 0, acc_lo = 0;
    unsigned depth = nw + 2;
    size_t nparts = (size_t)depth + 1, nfree = 0;
    struct stream_part *parts = pcl_calloc(nparts, sizeof(*parts));
    struct stream_part **free_parts = pcl_calloc(nparts, sizeof(*free_parts));
    struct stream_worker *ws = pcl_calloc(nw, sizeof(*ws));
    void **wargs = pcl_calloc(nw, sizeof(*wargs));
    struct stream_at at = {0};
    struct pcl_buf acc; /* the bytes [acc_lo, acc_lo + acc.len) of the stream */
    struct pcl_pipe *pipe = NULL;
    enum pcl_rc rc = PCL_OK, read_rc = PCL_OK;
    struct pcl_err read_err = {0};
    bool eof = false;

    pcl_buf_init(&acc, 0);
    if (parts == NULL || free_parts == NULL || ws == NULL || wargs == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nparts && rc == PCL_OK; i++) {
        pcl_buf_init(&parts[i].data, 0);
        pcl_buf_init(&parts[i].seg.warnings, 1 << 20);
        parts[i].seg.file = j->file;
        parts[i].seg.segment = true;
        parts[i].seg.arena = pcl_arena_new(16384, 0);
        if (parts[i].seg.arena == NULL) {
            rc = pcl_err_set(err, PCL_ENOMEM, "out of memory");
        }
        free_parts[nfree++] = &parts[i];
    }
    for (unsigned i = 0; i < nw; i++) {
        ws[i].c = c;
        pcl_buf_init(&ws[i].wm.hold, 0);
        wargs[i] = &ws[i];
    }
    if (rc == PCL_OK) {
        rc = pcl_pipe_new(nw, depth, stream_part_run, wargs, &pipe, err);
    }
    while (rc == PCL_OK && read_rc == PCL_OK && !(eof && next >= acc_lo + acc.len)) {
        struct stream_part *p;
        uint64_t end, hi;

        /* read until a part and the window after it are there, or to the end */
        while (rc == PCL_OK && read_rc == PCL_OK && !eof &&
               acc_lo + acc.len < next + STREAM_PART + w) {
            size_t got = 0;

            rc = pcl_buf_reserve(&acc, READ_CHUNK);
            if (rc != PCL_OK) {
                rc = pcl_err_set(err, rc, "out of memory");
                break;
            }
            read_rc = pcl_input_read(in, acc.ptr + acc.len, READ_CHUNK, &got, &read_err);
            if (read_rc != PCL_OK) {
                break; /* the parts read whole are still merged */
            }
            eof = got == 0;
            acc.len += got;
            j->file->bytes += got;
            progress_add(c, in, got, &seen);
        }
        if (rc != PCL_OK || read_rc != PCL_OK || (eof && next >= acc_lo + acc.len)) {
            break;
        }
        if (pcl_pipe_full(pipe)) {
            p = pcl_pipe_take(pipe);
            rc = stream_part_merge(j, p, &at, err);
            free_parts[nfree++] = p;
            if (rc != PCL_OK) {
                break;
            }
        }
        p = free_parts[--nfree];
        end = eof ? acc_lo + acc.len : next + STREAM_PART;
        hi = PCL_MIN(end + w, acc_lo + acc.len);
        p->lo = next > w ? next - w : 0;
        p->seg.seg_start = next;
        p->seg.seg_end = end;
        p->seg.file_len = hi;
        p->rc = PCL_OK;
        memset(&p->err, 0, sizeof(p->err));
        pcl_buf_reset(&p->data);
        rc = pcl_buf_append(&p->data, acc.ptr + (p->lo - acc_lo), (size_t)(hi - p->lo));
        if (rc != PCL_OK) {
            free_parts[nfree++] = p;
            rc = pcl_err_set(err, rc, "out of memory");
            break;
        }
        pcl_pipe_submit(pipe, p);
        next = end;
        /* keep the window before the next part */
        if (next > acc_lo + w) {
            size_t drop = (size_t)(next - w - acc_lo);

            pcl_buf_consume(&acc, drop);
            acc_lo += drop;
        }
    }
    /* the parts in flight, in order; after an error they are only collected */
    while (pipe != NULL && pcl_pipe_pending(pipe) > 0) {
        struct stream_part *p = pcl_pipe_take(pipe);

        if (rc == PCL_OK) {
            rc = stream_part_merge(j, p, &at, err);
        }
    }
    if (rc == PCL_OK && read_rc != PCL_OK) {
        rc = read_rc;
        *err = read_err;
    }
out:
    pcl_pipe_free(pipe);
    for (unsigned i = 0; ws != NULL && i < nw; i++) {
        pcl_stream_free(ws[i].wm.st);
        pcl_buf_fini(&ws[i].wm.hold);
    }
    stream_parts_free(parts, nparts);
    pcl_free(free_parts);
    pcl_free(ws);
    pcl_free(wargs);
    pcl_buf_fini(&acc);
    return rc;
}

static enum pcl_rc
scan_text_stream(struct scan_ctx *c, struct job *j, struct pcl_input *in, struct worker_mem *w,
                 struct pcl_err *err)
{
    uint64_t seen = 0;
    struct stream_scan ss = {.ts = {.c = c, .j = j, .f = j->file, .keep_hi = UINT64_MAX}};
    struct pcl_stream *st;
    unsigned nw = c->o->threads;
    enum pcl_rc rc;

    if (c->njobs == 1 && nw >= 2) { /* the only job: the other threads are idle */
        return par_text_stream(c, j, in, nw, err);
    }
    rc = stream_text_begin(c, &ss, w, err);
    st = w->st;
    while (rc == PCL_OK) {
        char *chunk = stream_text_room(&ss, err);
        size_t got = 0;

        if (chunk == NULL) {
            rc = PCL_ENOMEM;
            break;
        }
        rc = pcl_input_read(in, chunk, READ_CHUNK, &got, err);
        if (rc != PCL_OK || got == 0) {
            break;
        }
        j->file->bytes += got;
        progress_add(c, in, got, &seen);
        rc = stream_text_chunk(&ss, st, j, got, err);
    }
    if (rc == PCL_OK) {
        rc = stream_text_finish(&ss, st, j, err);
    }
    return rc;
}

/* ---- structured: CSV and JSON -------------------------------------------------------- */

/* Profiles by name: open addressing over their index + 1 (0 = free), at most half full. A
 * file may have up to MAX_PROFILES fields (JSON keyed by ids), so no linear search. */
struct profile_index {
    size_t *slot; /* array of cap, a power of two */
    size_t cap;
};

/* The slot of name: its profile's (of the array p), or the free one where it would go. */
static size_t *
pindex_slot(const struct profile_index *x, const struct scan_profile *p, const char *name,
            size_t len)
{
    size_t mask = x->cap - 1;

    for (size_t i = (size_t)pcl_fnv1a(name, len) & mask;; i = (i + 1) & mask) {
        size_t k = x->slot[i];

        if (k == 0 || (p[k - 1].name_len == len && memcmp(p[k - 1].name, name, len) == 0)) {
            return &x->slot[i];
        }
    }
}

/* Room for want profiles; the index then holds p[0..n). */
static enum pcl_rc
pindex_reserve(struct profile_index *x, const struct scan_profile *p, size_t n, size_t want)
{
    size_t cap = 64;
    size_t *old = x->slot;

    if (want * 2 <= x->cap) {
        return PCL_OK;
    }
    while (cap < want * 2) {
        cap *= 2;
    }
    x->slot = pcl_calloc(cap, sizeof(*x->slot));
    if (x->slot == NULL) {
        x->slot = old;
        return PCL_ENOMEM;
    }
    x->cap = cap;
    for (size_t k = 0; k < n; k++) {
        *pindex_slot(x, p, p[k].name, p[k].name_len) = k + 1;
    }
    pcl_free(old);
    return PCL_OK;
}

static void
pindex_clear(struct profile_index *x)
{
    if (x->slot != NULL) {
        memset(x->slot, 0, x->cap * sizeof(*x->slot));
    }
}

/* Where a value came from: kept while it waits in the batch (fieldbatch.h), and for the
 * value whose findings are being taken. */
struct value_place {
    size_t profile;
    uint64_t line;           /* the value's first line */
    uint64_t row;            /* CSV data row or JSONL line */
    uint64_t line_start_raw; /* CSV: raw offset of its record's first cell */
    uint64_t raw_base;       /* JSONL: offset of its line in the document */
    uint64_t map_base;       /* batch only: its raw offset map, escapes in pend_esc */
    size_t esc;
    size_t nesc;
};

struct field_scan {
    struct scan_ctx *c;
    struct job *j;
    struct scan_file *f;
    struct pcl_scratch *s;
    const char *raw;  /* JSON: the document or JSONL block, for line/column; NULL for CSV */
    uint64_t raw_off; /* the file offset of raw[0] */
    struct lc t;
    /* the value whose findings are being taken */
    struct value_place taken;
    struct pcl_rawmap map;
    const char *value;
    size_t prefix; /* bytes of context before the value */
    uint32_t value_cats;
    uint32_t *det_seen; /* per detector: the stamp of the last value it was found in */
    uint32_t stamp;     /* the current value's */
    char **header;      /* CSV column names; array of nheader */
    size_t nheader;
    struct profile_index pidx; /* f's profiles */
    size_t *succ;              /* per profile: the one asked for after it last time (a guess:
                                  records repeat their fields in order); array of cap_succ */
    size_t cap_succ;
    size_t last;         /* the profile asked for last; SIZE_MAX before the first */
    size_t *col_profile; /* CSV: profile of each column, SIZE_MAX until known; array of ncol */
    size_t ncol;
    bool csv_header;
    bool header_done; /* csv_part_header(): the header record was read */
    /* where the reader is: the place of the values it hands over */
    uint64_t row;
    uint64_t line_start_raw;
    uint64_t raw_base;
    struct pcl_buf ctx; /* a value too large to batch as "field name: value" */
    struct field_batch batch;
    struct value_place *pend; /* per value of the batch (capacity cap_pend) */
    size_t cap_pend;
    struct pcl_rawmap_esc *pend_esc; /* array of npend_esc (capacity cap_esc) */
    size_t npend_esc;
    size_t cap_esc;
    size_t cur; /* the batch's value whose findings are being taken; SIZE_MAX before the first */
    enum pcl_rc rc;
};

static void
field_scan_fini(struct field_scan *fs)
{
    pcl_free(fs->det_seen);
    pcl_buf_fini(&fs->ctx);
    field_batch_fini(&fs->batch);
    pcl_free(fs->pend);
    pcl_free(fs->pend_esc);
    pcl_free(fs->col_profile);
    pcl_free(fs->pidx.slot);
    pcl_free(fs->succ);
    for (size_t i = 0; i < fs->nheader; i++) {
        pcl_free(fs->header[i]);
    }
    pcl_free(fs->header);
}

/* Room for one more profile in f (grown by half: a file may have many fields). */
static enum pcl_rc
profiles_reserve(struct scan_file *f)
{
    if (f->nprofiles == f->capprofiles) {
        size_t cap = f->capprofiles + f->capprofiles / 2 + 8;
        struct scan_profile *p = pcl_realloc(f->profiles, cap * sizeof(*p));

        if (p == NULL) {
            return PCL_ENOMEM;
        }
        f->profiles = p;
        f->capprofiles = cap;
    }
    return PCL_OK;
}

static size_t
profile_find(struct field_scan *fs, const char *name, size_t len, enum pcl_rc *rc)
{
    struct scan_file *f = fs->f;
    struct scan_profile *p;
    size_t nd = pcl_engine_detector_count(fs->c->e);
    size_t *slot, guess = fs->last < f->nprofiles ? fs->succ[fs->last] : SIZE_MAX;

    if (guess < f->nprofiles && f->profiles[guess].name_len == len &&
        memcmp(f->profiles[guess].name, name, len) == 0) {
        return guess;
    }
    if (pindex_reserve(&fs->pidx, f->profiles, f->nprofiles, f->nprofiles + 1) != PCL_OK) {
        *rc = PCL_ENOMEM;
        return SIZE_MAX;
    }
    slot = pindex_slot(&fs->pidx, f->profiles, name, len);
    if (*slot != 0) {
        return *slot - 1;
    }
    if (f->nprofiles == fs->cap_succ) {
        size_t cap = fs->cap_succ * 2 + 16;
        size_t *sp = pcl_realloc(fs->succ, cap * sizeof(*sp));

        if (sp == NULL) {
            *rc = PCL_ENOMEM;
            return SIZE_MAX;
        }
        fs->succ = sp;
        fs->cap_succ = cap;
    }
    if (f->nprofiles >= MAX_PROFILES) {
        *rc = PCL_ELIMIT;
        return SIZE_MAX;
    }
    if (profiles_reserve(f) != PCL_OK) {
        *rc = PCL_ENOMEM;
        return SIZE_MAX;
    }
    p = &f->profiles[f->nprofiles];
    memset(p, 0, sizeof(*p));
    p->name = pcl_strndup(name, len);
    p->name_len = len;
    p->cells_by_det = pcl_calloc(nd + 1, sizeof(*p->cells_by_det));
    if (p->name == NULL || p->cells_by_det == NULL) {
        pcl_free(p->name);
        pcl_free(p->cells_by_det);
        *rc = PCL_ENOMEM;
        return SIZE_MAX;
    }
    *slot = f->nprofiles + 1;
    fs->succ[f->nprofiles] = SIZE_MAX;
    return f->nprofiles++;
}

/* The profile of field name, made on its first value. */
static enum pcl_rc
field_profile(struct field_scan *fs, const char *name, size_t len, size_t *out, struct pcl_err *err)
{
    enum pcl_rc rc = PCL_OK;

    *out = profile_find(fs, name, len, &rc);
    if (rc == PCL_OK) {
        if (fs->last < fs->f->nprofiles) {
            fs->succ[fs->last] = *out;
        }
        fs->last = *out;
    }
    if (rc != PCL_OK) {
        return rc == PCL_ELIMIT ? pcl_err_set(err, rc, "%s: more than %u distinct fields",
                                              fs->f->path, MAX_PROFILES)
                                : pcl_err_set(err, rc, "%s: out of memory", fs->f->path);
    }
    return PCL_OK;
}

static int
on_field_finding(void *arg, const struct pcl_finding *found)
{
    struct field_scan *fs = arg;
    struct pcl_finding adj = *found;
    const struct pcl_finding *fd = &adj;
    const struct pcl_detector_info *d = pcl_engine_detector(fs->c->e, fd->detector);
    const struct value_place *at = &fs->taken;
    struct scan_profile *p = &fs->f->profiles[at->profile];
    struct scan_hit h = {0};
    enum pcl_rc rc;

    if (adj.start < fs->prefix) {
        return 0; /* in the field name we put in front as context */
    }
    adj.start -= fs->prefix;
    adj.end -= fs->prefix;
    pcl_rawmap_span(&fs->map, (size_t)fd->start, (size_t)fd->end, &h.start, &h.end);
    h.start += at->raw_base;
    h.end += at->raw_base;
    if (fs->raw != NULL) {
        lc_advance(&fs->t, fs->raw + (fs->t.pos - fs->raw_off), (size_t)(h.start - fs->t.pos));
        h.line = fs->t.line + 1;
        h.col = fs->t.cp + 1;
    } else {
        h.line = at->line;
        h.col = h.start - at->line_start_raw + 1;
        for (size_t i = 0; i < fd->start; i++) {
            if (fs->value[i] == '\n') {
                h.line++;
            }
        }
    }
    h.row = at->row;
    h.score = fd->score;
    h.det = fd->detector;
    h.field = p->name;
    h.profile = at->profile;
    h.preview = make_preview(fs->j->arena, fs->value + fd->start, (size_t)(fd->end - fd->start),
                             d->categories, fs->c->o->show_values);
    if (h.preview == NULL) {
        fs->rc = PCL_ENOMEM;
        return 1;
    }
    rc = push_hit(&fs->f->hits, &fs->f->nhits, &fs->f->caphits, &h);
    if (rc != PCL_OK) {
        fs->rc = rc;
        return 1;
    }
    if (fs->det_seen[fd->detector] != fs->stamp) {
        fs->det_seen[fd->detector] = fs->stamp;
        p->cells_by_det[fd->detector]++;
    }
    fs->value_cats |= d->categories;
    pcl_class_counts_add(&p->counts, d->categories);
    pcl_class_counts_add(&fs->f->counts, d->categories);
    return 0;
}

/* Where the reader is, for a value of profile starting at line. */
static struct value_place
place_here(const struct field_scan *fs, size_t profile, uint64_t line)
{
    return (struct value_place){.profile = profile,
                                .line = line,
                                .row = fs->row,
                                .line_start_raw = fs->line_start_raw,
                                .raw_base = fs->raw_base};
}

/* Start taking the findings of a value: its place and map, and a new stamp for det_seen. */
static void
value_begin(struct field_scan *fs, const struct value_place *at, size_t prefix, const char *v,
            const struct pcl_rawmap *map)
{
    fs->taken = *at;
    fs->prefix = prefix;
    fs->value = v;
    fs->map = *map;
    fs->value_cats = 0;
    if (++fs->stamp == 0) { /* wrapped: no stale stamp may equal a new one */
        memset(fs->det_seen, 0, pcl_engine_detector_count(fs->c->e) * sizeof(*fs->det_seen));
        fs->stamp = 1;
    }
}

/* The value's findings are all taken: count it per category. */
static void
value_end(struct field_scan *fs)
{
    struct scan_profile *p = &fs->f->profiles[fs->taken.profile];

    for (unsigned i = 0; i < 6; i++) {
        if ((fs->value_cats & (1u << i)) != 0) {
            p->counts.cells_hit[i]++;
        }
    }
}

static int
on_batch_finding(void *arg, size_t seg, const struct pcl_finding *f)
{
    struct field_scan *fs = arg;

    if (seg != fs->cur) {
        const struct value_place *at = &fs->pend[seg];
        struct pcl_rawmap map = {
            .base = at->map_base, .esc = fs->pend_esc + at->esc, .nesc = at->nesc};
        size_t n;
        const char *v = field_batch_value(&fs->batch, seg, &n);

        if (fs->cur != SIZE_MAX) {
            value_end(fs);
        }
        fs->cur = seg;
        value_begin(fs, at, fs->batch.prefix[seg], v, &map);
    }
    return on_field_finding(fs, f);
}

/* Scan the batch's values in one engine pass and take their findings, in order. */
static enum pcl_rc
flush_values(struct field_scan *fs, struct pcl_err *err)
{
    enum pcl_rc rc;

    if (fs->batch.n == 0) {
        return PCL_OK;
    }
    fs->cur = SIZE_MAX;
    rc = field_batch_scan(&fs->batch, fs->c->e, fs->s, on_batch_finding, fs, err);
    if (fs->cur != SIZE_MAX) {
        value_end(fs);
    }
    if (fs->rc != PCL_OK) {
        return pcl_err_set(err, fs->rc, "%s", pcl_rc_str(fs->rc));
    }
    if (rc == PCL_ELIMIT) {
        for (size_t i = 0; i < fs->batch.n; i++) {
            if (fs->batch.limited[i]) {
                warn_append(&fs->j->warnings, err->msg);
            }
        }
        rc = PCL_OK;
    }
    field_batch_reset(&fs->batch);
    fs->npend_esc = 0;
    return rc;
}

/* Put a value into the batch; its findings are taken at the next flush. */
static enum pcl_rc
batch_value(struct field_scan *fs, size_t profile, const char *name, size_t name_len, const char *v,
            size_t n, const struct pcl_rawmap *map, uint64_t line, struct pcl_err *err)
{
    size_t i = fs->batch.n;
    struct value_place *pv;
    enum pcl_rc rc = PCL_OK;

    if (i == fs->cap_pend) {
        size_t cap = fs->cap_pend == 0 ? 256 : fs->cap_pend * 2;
        struct value_place *np = pcl_realloc(fs->pend, cap * sizeof(*np));

        if (np == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "out of memory");
        }
        fs->pend = np;
        fs->cap_pend = cap;
    }
    if (fs->npend_esc + map->nesc > fs->cap_esc) {
        size_t cap = PCL_MAX(fs->cap_esc * 2, fs->npend_esc + map->nesc);
        struct pcl_rawmap_esc *e = pcl_realloc(fs->pend_esc, cap * sizeof(*e));

        if (e == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "out of memory");
        }
        fs->pend_esc = e;
        fs->cap_esc = cap;
    }
    rc = field_batch_add(&fs->batch, name, name_len, v, n);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "%s", pcl_rc_str(rc));
    }
    /* field by field: a struct built on the stack and copied whole made the copy's 16-byte
     * loads wait on the 8-byte stores before them (store forwarding fails), a sixth of the
     * time of a CSV scan's cell loop */
    pv = &fs->pend[i];
    pv->profile = profile;
    pv->line = line;
    pv->row = fs->row;
    pv->line_start_raw = fs->line_start_raw;
    pv->raw_base = fs->raw_base;
    pv->map_base = map->base;
    pv->esc = fs->npend_esc;
    pv->nesc = map->nesc;
    if (map->nesc > 0) {
        memcpy(fs->pend_esc + fs->npend_esc, map->esc, map->nesc * sizeof(*map->esc));
        fs->npend_esc += map->nesc;
    }
    return fs->batch.buf.len >= FIELD_BATCH_BYTES ? flush_values(fs, err) : PCL_OK;
}

/* A value too large to batch, scanned now (after the batch, to keep the order). */
static enum pcl_rc
scan_value_now(struct field_scan *fs, size_t profile, const char *name, size_t name_len,
               const char *v, size_t n, const struct pcl_rawmap *map, uint64_t line,
               struct pcl_err *err)
{
    struct value_place at = place_here(fs, profile, line);
    const char *scan;
    size_t prefix;
    enum pcl_rc rc = flush_values(fs, err);

    if (rc != PCL_OK) {
        return rc;
    }
    rc = field_context(&fs->ctx, name, name_len, v, n, &scan, &prefix);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "%s", pcl_rc_str(rc));
    }
    value_begin(fs, &at, prefix, v, map);
    rc = pcl_engine_scan(fs->c->e, fs->s, scan, prefix + n, on_field_finding, fs, err);
    if (fs->rc != PCL_OK) {
        return pcl_err_set(err, fs->rc, "%s", pcl_rc_str(fs->rc));
    }
    if (rc == PCL_ELIMIT) {
        warn_append(&fs->j->warnings, err->msg);
        rc = PCL_OK;
    }
    value_end(fs);
    return rc;
}

/* Scan one CSV cell or JSON value of field `name`, whose profile is `profile`. The value is
 * scanned as "name: value" (fieldbatch.h): a column or key named ssn, password or iban is the
 * best context a value can have. Values are batched; their findings arrive in order at the
 * next flush. */
static enum pcl_rc
scan_value(struct field_scan *fs, const char *name, size_t name_len, size_t profile, const char *v,
           size_t n, const struct pcl_rawmap *map, uint64_t line, struct pcl_err *err)
{
    struct scan_profile *p = &fs->f->profiles[profile];

    p->cells++;
    p->counts.cells++;
    if (name_len == 10 && memcmp(name, "(unparsed)", 10) == 0) {
        name = NULL; /* a line or document scanned as text: no field, no context */
    }
    if (field_prefix_len(name, name_len) + n >= FIELD_BATCH_BYTES) {
        return scan_value_now(fs, profile, name, name_len, v, n, map, line, err);
    }
    return batch_value(fs, profile, name, name_len, v, n, map, line, err);
}

static void
on_format_warning(void *arg, const char *msg)
{
    struct field_scan *fs = arg;
    struct pcl_err err = {0};

    /* the batch's own warnings (match limits) come first, as they did */
    if (flush_values(fs, &err) != PCL_OK && fs->rc == PCL_OK) {
        fs->rc = err.rc;
    }
    warn_append(&fs->j->warnings, msg);
}

static enum pcl_rc
on_csv_cell(void *arg, const struct pcl_csv_cell *cell, struct pcl_err *err)
{
    struct field_scan *fs = arg;
    char colname[FIELD_COLNAME_MAX];
    const char *name;
    size_t name_len, pi;
    enum pcl_rc rc;

    if (cell->col == 0) {
        fs->line_start_raw = cell->raw_start;
    }
    fs->row = cell->row + (fs->csv_header ? 0 : 1);
    if (cell->row == 0 && fs->csv_header) {
        return field_header_add(&fs->header, &fs->nheader, cell->ptr, cell->len,
                                err); /* pcl_csv_looks_like_header(): names are context */
    }
    pi = cell->col < fs->ncol ? fs->col_profile[cell->col] : SIZE_MAX;
    if (pi == SIZE_MAX) {
        if (cell->col < fs->nheader && fs->header[cell->col][0] != '\0') {
            name = fs->header[cell->col];
            name_len = strlen(name);
        } else {
            name_len = field_column_name(cell->col, colname);
            name = colname;
        }
        rc = field_profile(fs, name, name_len, &pi, err);
        if (rc != PCL_OK) {
            return rc;
        }
        if (cell->col < 4096) { /* remember the column's profile */
            if (cell->col >= fs->ncol) {
                size_t n = cell->col + 1;
                size_t *cp = pcl_realloc(fs->col_profile, n * sizeof(*cp));

                if (cp == NULL) {
                    return pcl_err_set(err, PCL_ENOMEM, "out of memory");
                }
                for (size_t i = fs->ncol; i < n; i++) {
                    cp[i] = SIZE_MAX;
                }
                fs->col_profile = cp;
                fs->ncol = n;
            }
            fs->col_profile[cell->col] = pi;
        }
    }
    return scan_value(fs, fs->f->profiles[pi].name, fs->f->profiles[pi].name_len, pi, cell->ptr,
                      cell->len, &cell->map, cell->line, err);
}

/* A part that starts after a CSV file's first record: the header's cells only. */
static enum pcl_rc
on_header_cell(void *arg, const struct pcl_csv_cell *cell, struct pcl_err *err)
{
    struct field_scan *fs = arg;

    if (cell->row != 0 || fs->header_done) {
        return PCL_OK;
    }
    fs->header_done = cell->last;
    return field_header_add(&fs->header, &fs->nheader, cell->ptr, cell->len, err);
}

/* For a part that starts after the first record of its file: whether the file has a header,
 * from the file's head as a scan of the whole file decides it, and if so its column names. */
static enum pcl_rc
csv_part_header(struct field_scan *fs, const char *path, char delim, struct pcl_err *err)
{
    struct pcl_csv_opts co = {.delim = delim, .name = path, .on_cell = on_header_cell, .arg = fs};
    struct pcl_input *in = NULL;
    struct pcl_csv *csv = NULL;
    const char *head = NULL;
    size_t headlen = 0;
    char chunk[PCL_INPUT_PEEK_MAX]; /* a header is short: read no more of the file than it */
    enum pcl_rc rc = pcl_input_open(path, &in, err);

    if (rc == PCL_OK) {
        rc = pcl_input_peek(in, &head, &headlen, err);
    }
    if (rc != PCL_OK) {
        goto out;
    }
    fs->csv_header = pcl_csv_looks_like_header(head, headlen, delim);
    if (!fs->csv_header) {
        goto out;
    }
    rc = pcl_csv_new(&co, &csv, err);
    while (rc == PCL_OK && !fs->header_done) {
        size_t got = 0;

        rc = pcl_input_read(in, chunk, sizeof(chunk), &got, err);
        if (rc != PCL_OK || got == 0) {
            break;
        }
        rc = pcl_csv_feed(csv, chunk, got, err);
    }
out:
    pcl_csv_free(csv);
    pcl_input_free(in);
    return rc;
}

/* A CSV or TSV file, or a part of one (j->is_part: its results go to j->part). */
static enum pcl_rc
scan_csv(struct scan_ctx *c, struct job *j, struct pcl_scratch *s, struct pcl_input *in, char delim,
         struct pcl_err *err)
{
    struct field_scan fs = {
        .c = c, .j = j, .f = j->is_part ? &j->part : j->file, .s = s, .last = SIZE_MAX};
    struct pcl_csv_opts co = {.delim = delim,
                              .name = j->file->path,
                              .on_cell = on_csv_cell,
                              .on_warn = on_format_warning,
                              .arg = &fs,
                              .off0 = j->is_part ? j->seg_start : 0,
                              .line0 = j->is_part ? j->seg_line - 1 : 0};
    bool after_first = j->is_part && j->seg_start > 0;
    uint64_t seen = 0;
    struct pcl_csv *csv = NULL;
    char *chunk = NULL;
    const char *head = NULL;
    size_t headlen = 0;
    enum pcl_rc rc;

    pcl_buf_init(&fs.ctx, 0);
    field_batch_init(&fs.batch);
    fs.det_seen = pcl_calloc(pcl_engine_detector_count(c->e) + 1, sizeof(*fs.det_seen));
    chunk = pcl_malloc(READ_CHUNK);
    if (fs.det_seen == NULL || chunk == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "out of memory");
        goto out;
    }
    if (after_first) {
        rc = csv_part_header(&fs, j->file->path, delim, err);
        co.row0 = fs.csv_header ? 1 : 0; /* no row of this part is the header */
    } else {
        rc = pcl_input_peek(in, &head, &headlen, err);
        fs.csv_header = rc == PCL_OK && pcl_csv_looks_like_header(head, headlen, delim);
    }
    if (rc == PCL_OK) {
        rc = pcl_csv_new(&co, &csv, err);
    }
    while (rc == PCL_OK) {
        size_t got = 0;

        rc = pcl_input_read(in, chunk, READ_CHUNK, &got, err);
        if (rc != PCL_OK || got == 0) {
            break;
        }
        fs.f->bytes += got;
        progress_add(c, in, got, &seen);
        rc = pcl_csv_feed(csv, chunk, got, err);
    }
    if (rc == PCL_OK && (!j->is_part || j->seg_end == j->file_len)) {
        rc = pcl_csv_finish(csv, err);
    } else if (rc == PCL_OK) {
        j->resync = !pcl_csv_at_record_start(csv);
    }
    if (rc == PCL_OK) {
        uint64_t rows = pcl_csv_rows(csv);

        j->rows = rows - (fs.csv_header && !after_first && rows > 0 ? 1 : 0);
        rc = flush_values(&fs, err);
    }
out:
    pcl_csv_free(csv);
    pcl_free(chunk);
    field_scan_fini(&fs);
    return rc;
}

static enum pcl_rc
on_json_value(void *arg, const struct pcl_json_value *v, struct pcl_err *err)
{
    struct field_scan *fs = arg;
    size_t pi;
    enum pcl_rc rc = field_profile(fs, v->path, v->path_len, &pi, err);

    if (rc != PCL_OK) {
        return rc;
    }
    return scan_value(fs, v->path, v->path_len, pi, v->ptr, v->len, &v->map, v->line, err);
}

/* A JSONL record that is not valid JSON is still scanned, as text, so nothing is skipped. */
static enum pcl_rc
scan_json_text_fallback(struct field_scan *fs, const char *p, size_t n, uint64_t off, uint64_t line,
                        struct pcl_err *err)
{
    struct pcl_rawmap map = {.base = 0};
    size_t pi;
    enum pcl_rc rc = field_profile(fs, "(unparsed)", 10, &pi, err);

    if (rc != PCL_OK) {
        return rc;
    }
    fs->raw_base = off;
    return scan_value(fs, "(unparsed)", 10, pi, p, n, &map, line, err);
}

/* JSONL streamed a block of whole lines at a time (pcl_input_lines). */
struct jsonl_scan {
    struct field_scan *fs;
    struct pcl_json_walk_opts *wo;
    uint64_t line0;   /* lines before the first one read (a part of the file starts later) */
    uint64_t off0;    /* and its offset */
    size_t bad_lines; /* the first JSONL_WARN_LINES are named, the rest counted */
    struct pcl_input *in;
    uint64_t seen; /* progress_add() */
};

/* A warning about a JSONL line that is not JSON; the job keeps where it starts (see
 * job.bad_warn). */
static void
warn_bad_line(struct job *j, const char *msg)
{
    size_t at = j->warnings.len;

    warn_append(&j->warnings, msg);
    if (j->warnings.len > at && j->nbad_warn < JSONL_WARN_LINES) {
        j->bad_warn[j->nbad_warn++] = at;
    }
}

/* One block: buf[0..len), at file offset base, its first line numbered line. One walk per
 * line, so a bad line is scanned as text instead of dropped. The block's findings are all
 * taken before it returns (the block's memory is the reader's). */
static enum pcl_rc
scan_jsonl_block(void *arg, const char *buf, size_t len, uint64_t line, uint64_t base,
                 struct pcl_err *err)
{
    struct jsonl_scan *js = arg;
    struct field_scan *fs = js->fs;
    struct pcl_json_walk_opts *wo = js->wo;
    struct job *j = fs->j;
    enum pcl_rc rc = PCL_OK;

    line += js->line0;
    base += js->off0;
    fs->f->bytes += len;
    progress_add(fs->c, js->in, len, &js->seen);
    fs->raw = buf;
    fs->raw_off = base;
    /* a block starts a line; the tracker runs on over its lines (findings come in order) */
    fs->t = (struct lc){.pos = base, .line = line - 1};
    for (size_t off = 0; rc == PCL_OK && off < len; line++) {
        const char *nl = memchr(buf + off, '\n', len - off);
        size_t end = nl != NULL ? (size_t)(nl - buf) : len;
        struct pcl_err lerr = {0};
        size_t k = off;

        while (k < end && (buf[k] == ' ' || buf[k] == '\t' || buf[k] == '\r')) {
            k++;
        }
        if (k == end) {
            off = end + 1; /* blank line */
            continue;
        }
        fs->raw_base = base + off;
        fs->row = line;
        wo->first_line = line;
        wo->base_offset = base + off;
        rc = pcl_json_walk(buf + off, end - off, wo, NULL, &lerr);
        if (rc == PCL_EINVAL) {
            char msg[PCL_ERR_MSG_SIZE + 64];

            rc = flush_values(fs, err);
            if (rc != PCL_OK) {
                break;
            }
            if (++js->bad_lines <= JSONL_WARN_LINES) {
                (void)snprintf(msg, sizeof(msg), "%s; the line was scanned as text", lerr.msg);
                warn_bad_line(j, msg);
            }
            /* drop the hits of the line's values; rescan it whole */
            while (fs->f->nhits > 0 && fs->f->hits[fs->f->nhits - 1].row == line) {
                fs->f->nhits--;
            }
            fs->t = (struct lc){.pos = base + off, .line = line - 1};
            rc = scan_json_text_fallback(fs, buf + off, end - off, base + off, line, err);
        } else if (rc != PCL_OK) {
            *err = lerr;
        }
        off = end + 1;
    }
    return rc == PCL_OK ? flush_values(fs, err) : rc;
}

/* JSONL, streamed: memory stays bounded by the read size and the longest line, whatever the
 * file's size. in is the whole file, or the job's part of it. */
static enum pcl_rc
scan_jsonl(struct field_scan *fs, struct pcl_json_walk_opts *wo, struct pcl_input *in,
           struct pcl_err *err)
{
    struct job *j = fs->j;
    struct jsonl_scan js = {.fs = fs,
                            .wo = wo,
                            .line0 = j->is_part ? j->seg_line - 1 : 0,
                            .off0 = j->is_part ? j->seg_start : 0,
                            .in = in};
    enum pcl_rc rc = pcl_input_lines(in, READ_CHUNK, MAX_JSONL_LINE, scan_jsonl_block, &js, err);

    if (rc == PCL_OK && js.bad_lines > JSONL_WARN_LINES) {
        j->bad_more = js.bad_lines - JSONL_WARN_LINES; /* named by merge_job() */
    }
    return rc;
}

static enum pcl_rc
scan_json(struct scan_ctx *c, struct job *j, struct pcl_scratch *s, struct pcl_input *in,
          bool jsonl, struct pcl_err *err)
{
    struct field_scan fs = {
        .c = c, .j = j, .f = j->is_part ? &j->part : j->file, .s = s, .last = SIZE_MAX};
    struct pcl_json_walk_opts wo = {.jsonl = false,
                                    .name = j->file->path,
                                    .on_value = on_json_value,
                                    .on_warn = on_format_warning,
                                    .arg = &fs};
    struct pcl_buf doc;
    enum pcl_rc rc;

    pcl_buf_init(&doc, MAX_STRUCTURED);
    pcl_buf_init(&fs.ctx, 0);
    field_batch_init(&fs.batch);
    fs.det_seen = pcl_calloc(pcl_engine_detector_count(c->e) + 1, sizeof(*fs.det_seen));
    if (fs.det_seen == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "out of memory");
        goto out;
    }
    if (jsonl) {
        rc = scan_jsonl(&fs, &wo, in, err);
        goto out;
    }
    /* a JSON document is walked whole */
    rc = pcl_input_slurp(in, MAX_STRUCTURED, &doc, err);
    if (rc != PCL_OK) {
        goto out;
    }
    j->file->bytes = doc.len;
    progress_add(c, in, doc.len, &(uint64_t){0});
    fs.raw = doc.ptr;
    rc = pcl_json_walk(doc.ptr, doc.len, &wo, NULL, err);
    if (rc == PCL_EINVAL) {
        struct pcl_err werr = *err;

        /* Not valid JSON after all: say so and scan it as text rather than skip it. */
        rc = flush_values(&fs, err);
        if (rc != PCL_OK) {
            goto out;
        }
        warn_append(&j->warnings, werr.msg);
        fs.t = (struct lc){0};
        rc = scan_json_text_fallback(&fs, doc.ptr, doc.len, 0, 1, err);
    }
    if (rc == PCL_OK) {
        rc = flush_values(&fs, err);
    }
out:
    pcl_buf_fini(&doc);
    field_scan_fini(&fs);
    return rc;
}

/* ---- jobs ----------------------------------------------------------------------------- */

/* Forget what a structured scan found: before the file is scanned again as text, and first
 * when a part or a file is freed. The hits array stays (nhits is 0). */
static void
discard_structured(struct scan_file *f)
{
    for (size_t i = 0; i < f->nprofiles; i++) {
        pcl_free(f->profiles[i].name);
        pcl_free(f->profiles[i].cells_by_det);
    }
    pcl_free(f->profiles);
    f->profiles = NULL;
    f->nprofiles = 0;
    f->capprofiles = 0;
    f->nhits = 0;
    memset(&f->counts, 0, sizeof(f->counts));
}

/* A CSV cell or JSON document over its limit, or a reader error (why, which names the file):
 * the whole file is scanned as text instead of skipped, and the warning says so. */
static enum pcl_rc
rescan_as_text(struct scan_ctx *c, struct job *j, struct worker_mem *w, const char *why,
               struct pcl_err *err)
{
    struct scan_file *f = j->file;
    struct pcl_input *in = NULL;
    char msg[PCL_ERR_MSG_SIZE + 64];
    enum pcl_rc rc;

    (void)snprintf(msg, sizeof(msg), "%s; scanned as text instead", why);
    warn_append(&j->warnings, msg);
    discard_structured(f);
    rc = pcl_input_open(f->path, &in, err);
    if (rc == PCL_OK) {
        f->bytes = 0;
        f->fmt = PCL_FMT_TEXT;
        rc = scan_text_stream(c, j, in, w, err);
    }
    pcl_input_free(in);
    return rc;
}

static enum pcl_rc
run_file_job(struct scan_ctx *c, struct job *j, struct worker_mem *w, struct pcl_err *err)
{
    struct pcl_scratch *s = w->s;
    struct scan_file *f = j->file;
    struct pcl_input *in = NULL;
    const char *head = NULL;
    size_t headlen = 0;
    enum pcl_rc rc;

    rc = pcl_input_open(f->path, &in, err);
    if (rc != PCL_OK) {
        return rc;
    }
    rc = pcl_input_peek(in, &head, &headlen, err);
    if (rc != PCL_OK) {
        goto out;
    }
    f->gzip = pcl_input_is_gzip(in);
    f->fmt =
        c->o->have_input_format ? c->o->input_format : pcl_format_sniff(f->path, head, headlen);
    if (f->gzip && c->o->threads >= 2 && f->fmt != PCL_FMT_BINARY &&
        !(f->fmt == PCL_FMT_TEXT && c->njobs == 1)) {
        /* inflating takes about a third of the scanner's time: a thread of its own, except
         * for text that is the only input, which par_text_stream() cuts into parts for the
         * other threads while it inflates */
        rc = pcl_input_readahead(in, err);
        if (rc != PCL_OK) {
            goto out;
        }
    }
    switch (f->fmt) {
    case PCL_FMT_BINARY:
        f->skipped = true;
        break;
    case PCL_FMT_CSV:
        rc = scan_csv(c, j, s, in, ',', err);
        break;
    case PCL_FMT_TSV:
        rc = scan_csv(c, j, s, in, '\t', err);
        break;
    case PCL_FMT_JSON:
        rc = scan_json(c, j, s, in, false, err);
        break;
    case PCL_FMT_JSONL:
        rc = scan_json(c, j, s, in, true, err);
        break;
    case PCL_FMT_TEXT:
        rc = scan_text_stream(c, j, in, w, err);
        break;
    }
    if ((rc == PCL_EINVAL || rc == PCL_ELIMIT) && f->fmt != PCL_FMT_TEXT &&
        f->fmt != PCL_FMT_BINARY) {
        pcl_input_free(in);
        in = NULL;
        rc = rescan_as_text(c, j, w, err->msg, err);
    }
out:
    pcl_input_free(in);
    return rc;
}

/* A part of a JSONL, CSV or TSV file (plan_parts()). A reader error that would make a file
 * read by one job be scanned as text is kept for the main thread, which does that
 * (merge_end()). */
static enum pcl_rc
scan_part(struct scan_ctx *c, struct job *j, struct worker_mem *w, struct pcl_err *err)
{
    enum pcl_format fmt = j->file->fmt;
    struct pcl_input *in = NULL;
    enum pcl_rc rc;

    j->part.path = j->file->path;
    rc = pcl_input_open_range(j->file->path, j->seg_start, j->seg_end - j->seg_start, &in, err);
    if (rc == PCL_OK) {
        rc = fmt == PCL_FMT_JSONL ? scan_json(c, j, w->s, in, true, err)
                                  : scan_csv(c, j, w->s, in, fmt == PCL_FMT_TSV ? '\t' : ',', err);
    }
    pcl_input_free(in);
    if (rc == PCL_EINVAL || rc == PCL_ELIMIT) {
        j->fallback = true;
        j->error = pcl_strdup(err->msg);
        rc = j->error != NULL ? PCL_OK : pcl_err_set(err, PCL_ENOMEM, "out of memory");
    }
    return rc;
}

/* The job failed with rc; err says why, when it says anything. */
static void
job_fail(struct job *j, enum pcl_rc rc, const struct pcl_err *err)
{
    j->failed = true;
    j->error = pcl_strdup(err->msg[0] != '\0' ? err->msg : pcl_rc_str(rc));
}

static void
run_job(struct scan_ctx *c, struct job *j, struct worker_mem *w)
{
    struct pcl_err err = {0};
    enum pcl_rc rc;

    j->arena = pcl_arena_new(16384, 0);
    if (j->arena == NULL) {
        j->failed = true;
        j->error = pcl_strdup("out of memory");
        return;
    }
    if (j->segment) {
        rc = scan_segment(c, j, w, NULL, &err);
        atomic_fetch_add(&c->bytes_done, j->seg_end - j->seg_start);
    } else if (j->is_part) {
        rc = scan_part(c, j, w, &err);
    } else {
        rc = run_file_job(c, j, w, &err);
    }
    if (rc != PCL_OK) {
        job_fail(j, rc, &err);
    }
}

static void *
worker(void *arg)
{
    struct scan_ctx *c = arg;
    struct worker_mem w = {0};
    struct pcl_err err = {0};

    pcl_buf_init(&w.hold, 0);
    if (pcl_scratch_new(c->e, &w.s, &err) != PCL_OK) {
        w.s = NULL;
    }
    for (;;) {
        size_t i = atomic_fetch_add(&c->next, 1), n;

        if (i >= c->njobs) {
            break;
        }
        if (w.s == NULL) {
            c->jobs[i].failed = true;
            c->jobs[i].error = pcl_strdup("out of memory (scratch)");
        } else {
            run_job(c, &c->jobs[i], &w);
        }
        atomic_store(&c->jobs[i].done, true);
        n = atomic_fetch_add(&c->ndone, 1) + 1;
        /* Wake the reporting thread only when it waits for this job or for this many: a
         * wake-up per job would cost two context switches per small file. (It sets what it
         * waits for before it looks at done and ndone, and this thread looks after setting
         * them, so one of the two sees the other.) */
        if (i == atomic_load(&c->wait_job) || n == atomic_load(&c->wait_count)) {
            (void)pthread_mutex_lock(&c->mu);
            (void)pthread_cond_broadcast(&c->cv);
            (void)pthread_mutex_unlock(&c->mu);
        }
    }
    pcl_scratch_free(w.s);
    pcl_stream_free(w.st);
    pcl_buf_fini(&w.hold);
    return NULL;
}

/* ---- enumeration ---------------------------------------------------------------------- */

static struct job *
add_job(struct scan_ctx *c)
{
    struct job *j;

    if (c->njobs == c->capjobs) {
        size_t cap = c->capjobs == 0 ? 64 : c->capjobs * 2;
        struct job *p = pcl_realloc(c->jobs, cap * sizeof(*p));

        if (p == NULL) {
            return NULL;
        }
        c->jobs = p;
        c->capjobs = cap;
    }
    j = &c->jobs[c->njobs++];
    memset(j, 0, sizeof(*j));
    pcl_buf_init(&j->warnings, 1 << 20);
    return j;
}

static size_t
add_file(struct scan_ctx *c, const char *path)
{
    struct scan_file *f;

    if (c->nfiles == c->capfiles) {
        size_t cap = c->capfiles == 0 ? 64 : c->capfiles * 2;
        struct scan_file *p = pcl_realloc(c->files, cap * sizeof(*p));

        if (p == NULL) {
            return SIZE_MAX;
        }
        c->files = p;
        c->capfiles = cap;
    }
    f = &c->files[c->nfiles];
    memset(f, 0, sizeof(*f));
    f->path = pcl_strdup(path);
    pcl_buf_init(&f->warnings, 1 << 20);
    if (f->path == NULL) {
        return SIZE_MAX;
    }
    return c->nfiles++;
}

/* Count the lines of p[0..n), at file offset at: *line is the number of the line at p, and
 * *line_start where it started. False when a line that ends here is MAX_JSONL_LINE / 2 bytes
 * or longer. */
static bool
count_lines(const char *p, size_t n, uint64_t at, uint64_t *line, uint64_t *line_start)
{
    size_t last;
    size_t k = pcl_count_byte(p, n, '\n', &last);

    if (k > 0) {
        const char *first = memchr(p, '\n', n);

        if (at + (uint64_t)(first - p) - *line_start >= MAX_JSONL_LINE / 2) {
            return false;
        }
        *line += k;
        *line_start = at + last + 1;
    }
    return true;
}

/* What the planning pass has counted before where it stands. */
struct cutter {
    enum pcl_format fmt;
    uint64_t line;             /* JSONL: the number of the line there */
    uint64_t line_start;       /* JSONL: where that line started */
    struct pcl_csv_cutter csv; /* CSV/TSV */
};

/* The number of the line where the cutter stands. */
static uint64_t
cut_line(const struct cutter *t)
{
    return t->fmt == PCL_FMT_JSONL ? t->line : t->csv.lines + 1;
}

/* Count p[0..n), at file offset at, into t. False when a JSONL line that ends here is
 * MAX_JSONL_LINE / 2 bytes or longer. */
static bool
cut_count(struct cutter *t, const char *p, size_t n, uint64_t at)
{
    if (t->fmt == PCL_FMT_JSONL) {
        return n == 0 || count_lines(p, n, at, &t->line, &t->line_start);
    }
    pcl_csv_cut_count(&t->csv, p, n);
    return true;
}

/* Where in p[0..n) (t counted up to p) the first '\n' stands after which a part may start, or
 * n. JSONL: any. CSV/TSV: pcl_csv_cut_find() (when a part does not end at a record start
 * after all, one reader reads the file again from that part's start: merge_end()). */
static size_t
cut_find(const struct cutter *t, const char *p, size_t n)
{
    const char *nl;

    if (t->fmt != PCL_FMT_JSONL) {
        return pcl_csv_cut_find(&t->csv, p, n);
    }
    nl = memchr(p, '\n', n);
    return nl != NULL ? (size_t)(nl - p) : n;
}

static enum pcl_rc
resync_cell(void *arg, const struct pcl_csv_cell *cell, struct pcl_err *err)
{
    (void)arg;
    (void)cell;
    (void)err;
    return PCL_OK;
}

/* Broken quoting after `from`, a record start on line `line` of a CSV/TSV file: read from
 * there (into buf, READ_CHUNK bytes) with a reader, as a part's reader will, until it stands
 * at a record start after a newline past `past`. *at is that place and *lines the newlines
 * before it. False when it never does before the end, or the reader fails (a cell over its
 * limit): the rest of the file is then one part. */
static bool
csv_resync(int fd, char *buf, char delim, uint64_t from, uint64_t line, uint64_t past, uint64_t *at,
           uint64_t *lines)
{
    struct pcl_csv_opts o = {
        .delim = delim, .on_cell = resync_cell, .off0 = from, .line0 = line - 1};
    struct pcl_csv *r = NULL;
    struct pcl_err err = {0};
    uint64_t off = from;
    bool found = false;

    if (pcl_csv_new(&o, &r, &err) != PCL_OK) {
        return false;
    }
    while (!found) {
        ssize_t got = pread(fd, buf, READ_CHUNK, (off_t)off);
        size_t k = 0;

        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        while (k < (size_t)got && !found) {
            const char *nl = memchr(buf + k, '\n', (size_t)got - k);
            size_t e = nl != NULL ? (size_t)(nl - buf) + 1 : (size_t)got;

            if (pcl_csv_feed(r, buf + k, e - k, &err) != PCL_OK) {
                goto out;
            }
            k = e;
            if (nl != NULL && off + k > past && pcl_csv_at_record_start(r)) {
                *at = off + k;
                *lines = pcl_csv_line(r) - 1;
                found = true;
            }
        }
        off += (uint64_t)got;
    }
out:
    pcl_csv_free(r);
    return found;
}

/* A JSONL, CSV or TSV file is, with several threads, split into parts of whole lines (CSV:
 * of whole records) that the workers scan side by side (scan_part()). A part must know the
 * number of its first line (the warnings name lines), so the file is read once here to count
 * them, at memory speed. A JSONL file with a line of MAX_JSONL_LINE / 2 bytes or more is left
 * to one job, which reports it (the line cut in two would be another result). */
static bool
plan_parts(struct scan_ctx *c, size_t fi, int fd, uint64_t size, enum pcl_format fmt)
{
    uint64_t seg = PCL_MAX(SEGMENT_MIN, size / ((uint64_t)c->o->threads * 4) + 1);
    uint64_t pos = 0, part = 0, part_line = 1;
    struct cutter t = {.fmt = fmt, .line = 1, .csv.delim = fmt == PCL_FMT_TSV ? '\t' : ','};
    uint64_t(*cuts)[2] = NULL; /* each part's start and first line */
    size_t ncuts = 0, cap = 0;
    char *buf = NULL;
    bool ok = false, resync = fmt != PCL_FMT_JSONL;
    /* CSV/TSV: the last place known to be a record start, and its line: where a reader
     * starts to find where the quoting is right again after it broke */
    uint64_t rs = 0, rs_line = 1;

    if (c->o->threads < 2 || size < 2 * seg) {
        return false;
    }
    buf = pcl_malloc(READ_CHUNK);
    if (buf == NULL) {
        return false;
    }
    for (;;) {
        ssize_t got = pread(fd, buf, READ_CHUNK, (off_t)pos);
        size_t k = 0;
        bool jumped = false;

        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            ok = got == 0 && (fmt != PCL_FMT_JSONL || pos - t.line_start < MAX_JSONL_LINE / 2);
            break;
        }
        while (k < (size_t)got) {
            struct pcl_csv_cutter t0 = t.csv; /* as it stood at k */
            size_t k0 = k;
            uint64_t target = part + seg;
            size_t from = target > pos + k ? (size_t)PCL_MIN(target - pos, (uint64_t)got) : k;
            size_t at, to;

            if (!cut_count(&t, buf + k, from - k, pos + k)) {
                goto out;
            }
            at = from + cut_find(&t, buf + from, (size_t)got - from);
            to = at < (size_t)got ? at + 1 : (size_t)got;
            if (!cut_count(&t, buf + from, to - from, pos + from)) {
                goto out;
            }
            k = to;
            /* once the quoting is broken, a cut may fall inside a quoted cell: the rest of
             * the file is one part */
            if (at < (size_t)got && pos + k < size && (fmt == PCL_FMT_JSONL || !t.csv.broken)) {
                if (ncuts == cap) {
                    uint64_t(*p)[2] = pcl_realloc(cuts, (cap = cap * 2 + 16) * sizeof(*cuts));

                    if (p == NULL) {
                        goto out;
                    }
                    cuts = p;
                }
                cuts[ncuts][0] = part;
                cuts[ncuts++][1] = part_line;
                part = pos + k;
                part_line = cut_line(&t);
                rs = part;
                rs_line = part_line;
            }
            /* broken quoting: a reader from the last record start finds where records start
             * again, and a new cutter goes on from there (the part goes on too: its reader
             * reads through the break as this one did) */
            if (fmt != PCL_FMT_JSONL && t.csv.broken && resync) {
                uint64_t again = 0, lines = 0;

                /* start the reader at the last record start before the break */
                size_t good = t0.broken ? 0 : pcl_csv_cut_last_good(&t0, buf + k0, k - k0);

                if (good > 0 && pos + k0 + good > rs) {
                    rs = pos + k0 + good;
                    rs_line = t0.lines + 1;
                }
                /* (buf's chunk is read again from there) */
                resync = csv_resync(fd, buf, t.csv.delim, rs, rs_line, pos + k, &again, &lines);
                if (resync) {
                    t.csv = pcl_csv_cutter_at(t.csv.delim, lines);
                    rs = again;
                    rs_line = lines + 1;
                    pos = again; /* read on from there */
                    jumped = true;
                    break;
                }
            }
        }
        if (!jumped) {
            pos += (uint64_t)got;
        }
    }
    /* no cut at all (a long line, or quoting broken early): the file is one job, streamed */
    ok = ok && ncuts > 0;
    if (ok) {
        size_t first = c->njobs;

        size = pos; /* what there is to read now */
        for (size_t i = 0; i <= ncuts; i++) {
            struct job *j = add_job(c);

            if (j == NULL) {
                c->njobs = first; /* the caller reports out of memory */
                ok = false;
                goto out;
            }
            j->file_idx = fi;
            j->is_part = true;
            j->file_len = size;
            j->seg_start = i < ncuts ? cuts[i][0] : part;
            j->seg_end = i + 1 < ncuts ? cuts[i + 1][0] : i < ncuts ? part : size;
            j->seg_line = i < ncuts ? cuts[i][1] : part_line;
        }
        c->files[fi].fmt = fmt;
        c->files[fi].bytes = size;
    }
out:
    pcl_free(buf);
    pcl_free(cuts);
    return ok;
}

/* A plain-text file of 1 MiB or more is, with several threads, split at line ends into
 * segments that the workers scan in parallel (scan_segment()); with one thread it is one
 * segment. JSONL, CSV and TSV files are split by plan_parts(). Returns false when the file is
 * not eligible (small, gzip, not text, JSONL, CSV or TSV, unreadable): it is streamed by
 * run_file_job() instead. */
static bool
plan_segments(struct scan_ctx *c, size_t fi, const char *path, uint64_t size)
{
    static char look[65536]; /* where a segment ends: the planning thread only */
    unsigned char head[PCL_INPUT_PEEK_MAX];
    enum pcl_format fmt;
    int fd;
    ssize_t n;
    size_t first;
    uint64_t seg, pos = 0;

    if (size < ((uint64_t)1 << 20) || size > (uint64_t)SIZE_MAX / 2) {
        return false;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        return false;
    }
    n = read(fd, head, sizeof(head));
    fmt = n <= 0 || (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) ? PCL_FMT_BINARY
          : c->o->have_input_format                                ? c->o->input_format
                                    : pcl_format_sniff(path, (const char *)head, (size_t)n);
    if (fmt == PCL_FMT_JSONL || fmt == PCL_FMT_CSV || fmt == PCL_FMT_TSV) {
        bool ok = plan_parts(c, fi, fd, size, fmt);

        (void)close(fd);
        return ok;
    }
    if (fmt != PCL_FMT_TEXT) {
        (void)close(fd);
        return false;
    }
    first = c->njobs;
    c->files[fi].fmt = PCL_FMT_TEXT;
    c->files[fi].bytes = size;
    seg = c->o->threads < 2 ? size : PCL_MAX(SEGMENT_MIN, size / ((uint64_t)c->o->threads * 4) + 1);
    while (pos < size) {
        uint64_t end = PCL_MIN(size, pos + seg);
        const char *nl;
        struct job *j;

        if (end < size) {
            ssize_t got =
                pread(fd, look, (size_t)PCL_MIN(size - end, (uint64_t)sizeof(look)), (off_t)end);

            nl = got > 0 ? memchr(look, '\n', (size_t)got) : NULL;
            if (nl != NULL) {
                end += (uint64_t)(nl - look) + 1;
            }
        }
        j = add_job(c);
        if (j == NULL) {
            (void)close(fd);
            c->njobs = first;
            return false; /* the caller reports out of memory */
        }
        j->file_idx = fi;
        j->segment = true;
        j->file_len = size;
        j->seg_start = pos;
        j->seg_end = end;
        pos = end;
    }
    (void)close(fd);
    return true;
}

static enum pcl_rc
on_walk_file(void *arg, const struct pcl_walk_entry *we, struct pcl_err *err)
{
    struct scan_ctx *c = arg;
    size_t fi = add_file(c, we->path);
    struct job *j;

    if (fi == SIZE_MAX) {
        return pcl_err_set(err, PCL_ENOMEM, "out of memory");
    }
    c->bytes_total += we->size;
    if (strcmp(we->path, "-") != 0 && plan_segments(c, fi, we->path, we->size)) {
        return PCL_OK;
    }
    j = add_job(c);
    if (j == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "out of memory");
    }
    j->file_idx = fi;
    return PCL_OK;
}

static void
on_walk_warning(void *arg, const char *msg)
{
    struct scan_ctx *c = arg;

    warn_append(&c->walk_warnings, msg);
}

/* ---- merge and report ----------------------------------------------------------------- */

/* What the main thread carries from one job of a file to the next. */
struct file_merge {
    uint64_t line_base; /* text segments: the lines before the job */
    uint64_t cp_carry;  /* and the code points of the last one */
    size_t bad_named;   /* JSONL lines that are not JSON: named so far */
    uint64_t bad_more;  /* and counted after the first JSONL_WARN_LINES */
    uint64_t row_base;  /* CSV parts: the records before the job, the header left out */
    char *fallback;     /* a part's reader error: the file is scanned again as text */
    bool reread;        /* a CSV part did not end at a record start: one reader reads the
                           file from that part's start (reread_at, line reread_line) on */
    uint64_t reread_at;
    uint64_t reread_line;
    size_t *pmap; /* a part's profile -> the file's; array of cap_pmap */
    size_t cap_pmap;
    struct profile_index index; /* the file's profiles */
};

/* Ready for the next file (the buffers stay). */
static void
file_merge_reset(struct file_merge *m)
{
    m->line_base = 0;
    m->cp_carry = 0;
    m->bad_named = 0;
    m->bad_more = 0;
    m->row_base = 0;
    m->reread = false;
    pindex_clear(&m->index);
}

static void
file_merge_fini(struct file_merge *m)
{
    pcl_free(m->fallback);
    pcl_free(m->pmap);
    pcl_free(m->index.slot);
    memset(m, 0, sizeof(*m));
}

static void
counts_add(struct pcl_class_counts *to, const struct pcl_class_counts *from)
{
    for (size_t i = 0; i < 6; i++) {
        to->by_category[i] += from->by_category[i];
        to->cells_hit[i] += from->cells_hit[i];
    }
    to->cells += from->cells;
}

/* A part's profiles, hits and counts, into its file's. Parts are merged in order, so the
 * file's profiles are in the order a scan of the whole file makes them. PCL_ELIMIT when the
 * file has too many distinct fields or columns. */
static enum pcl_rc
merge_part(size_t ndets, struct scan_file *f, struct job *j, struct file_merge *m)
{
    struct scan_file *p = &j->part;

    if (p->nprofiles > m->cap_pmap) {
        size_t *pm = pcl_realloc(m->pmap, p->nprofiles * sizeof(*pm));

        if (pm == NULL) {
            return PCL_ENOMEM;
        }
        m->pmap = pm;
        m->cap_pmap = p->nprofiles;
    }
    if (pindex_reserve(&m->index, f->profiles, f->nprofiles, f->nprofiles + p->nprofiles) !=
        PCL_OK) {
        return PCL_ENOMEM;
    }
    for (size_t i = 0; i < p->nprofiles; i++) {
        struct scan_profile *q = &p->profiles[i];
        size_t *slot = pindex_slot(&m->index, f->profiles, q->name, q->name_len);

        if (*slot == 0) {
            if (f->nprofiles >= MAX_PROFILES) {
                return PCL_ELIMIT;
            }
            if (profiles_reserve(f) != PCL_OK) {
                return PCL_ENOMEM;
            }
            f->profiles[f->nprofiles] = *q; /* the name and counts move */
            q->name = NULL;
            q->cells_by_det = NULL;
            *slot = ++f->nprofiles;
        } else {
            struct scan_profile *to = &f->profiles[*slot - 1];

            to->cells += q->cells;
            counts_add(&to->counts, &q->counts);
            for (size_t d = 0; d < ndets; d++) {
                to->cells_by_det[d] += q->cells_by_det[d];
            }
        }
        m->pmap[i] = *slot - 1;
    }
    for (size_t i = 0; i < p->nhits; i++) {
        struct scan_hit h = p->hits[i];

        h.profile = m->pmap[h.profile];
        h.field = f->profiles[h.profile].name;
        h.row += m->row_base; /* CSV: the rows before the part (JSONL rows are lines: 0) */
        if (!file_add_hit(f, &h)) {
            break;
        }
    }
    counts_add(&f->counts, &p->counts);
    return PCL_OK;
}

/* A job's warnings into its file's. Of the warnings about JSONL lines that are not JSON, the
 * first JSONL_WARN_LINES of the file are kept and the rest counted (m->bad_more). */
static void
merge_warnings(struct scan_file *f, const struct job *j, struct file_merge *m)
{
    const char *w = j->warnings.ptr;
    size_t at = 0, len = j->warnings.len;
    bool ok = true;

    for (size_t i = 0; ok && i < j->nbad_warn; i++) {
        const char *nl = memchr(w + j->bad_warn[i], '\n', len - j->bad_warn[i]);
        size_t end = nl != NULL ? (size_t)(nl - w) + 1 : len;

        if (m->bad_named < JSONL_WARN_LINES) {
            m->bad_named++;
            continue; /* kept: appended with what comes before the next one */
        }
        m->bad_more++;
        ok = pcl_buf_append(&f->warnings, w + at, j->bad_warn[i] - at) == PCL_OK;
        at = end;
    }
    m->bad_more += j->bad_more;
    if (ok && at < len) {
        ok = pcl_buf_append(&f->warnings, w + at, len - at) == PCL_OK;
    }
    if (!ok) {
        warn_append(&f->warnings, "(more warnings dropped)");
    }
}

/* Free what a part kept that merge_part() did not move. */
static void
part_free(struct scan_file *p)
{
    discard_structured(p);
    pcl_free(p->hits);
    memset(p, 0, sizeof(*p));
}

static void
merge_job(const struct scan_ctx *c, struct scan_file *f, struct job *j, struct file_merge *m)
{
    if (m->fallback != NULL || m->reread) {
        goto done; /* a part before met an error (a scan of the whole file would stop there),
                      or the parts after a CSV part that ended in a record are not right */
    }
    if (j->resync) { /* read again from its start, by merge_end() */
        m->reread = true;
        m->reread_at = j->seg_start;
        m->reread_line = j->seg_line;
        goto done;
    }
    if (j->is_part) {
        enum pcl_rc rc = merge_part(pcl_engine_detector_count(c->e), f, j, m);

        if (rc == PCL_ELIMIT) {
            char msg[PCL_ERR_MSG_SIZE];

            (void)snprintf(msg, sizeof(msg), "%s: more than %u distinct %s", f->path, MAX_PROFILES,
                           f->fmt == PCL_FMT_JSONL ? "fields" : "columns");
            m->fallback = pcl_strdup(msg);
            f->failed |= m->fallback == NULL;
        } else if (rc != PCL_OK) {
            f->failed = true;
        }
        m->row_base += j->rows;
    }
    for (size_t i = 0; i < j->nhits; i++) {
        struct scan_hit h = j->hits[i];

        if (j->segment || f->fmt == PCL_FMT_TEXT) {
            h.col = (h.line == 0 ? m->cp_carry + h.col : h.col) + 1;
            h.line = m->line_base + h.line + 1;
        }
        if (!file_add_hit(f, &h)) {
            break;
        }
    }
    if (j->segment) {
        m->line_base += j->newlines;
        m->cp_carry = j->newlines > 0 ? j->tail_cp : m->cp_carry + j->tail_cp;
    }
    merge_warnings(f, j, m);
    f->failed |= j->failed;
    if (j->fallback) { /* not the file's error: the file is scanned again */
        if (m->fallback == NULL) {
            m->fallback = j->error;
        } else {
            pcl_free(j->error);
        }
        j->error = NULL;
    }
    if (j->error != NULL && f->error == NULL) {
        f->error = j->error;
        j->error = NULL;
    }
done:
    part_free(&j->part);
    pcl_free(j->hits);
    j->hits = NULL;
    pcl_free(j->error);
    j->error = NULL;
    pcl_buf_fini(&j->warnings);
}

/* A job the main thread runs itself in merge_end(): ready for run_job()'s work. */
static enum pcl_rc
main_job_begin(struct scan_ctx *c, struct job *j, struct worker_mem *w, struct pcl_err *err)
{
    pcl_buf_init(&j->warnings, 1 << 20);
    j->arena = pcl_arena_new(16384, 0);
    if (j->arena == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "out of memory");
    }
    if (w->s == NULL) { /* the main thread's first structured scan */
        return pcl_scratch_new(c->e, &w->s, err);
    }
    return PCL_OK;
}

/* After the last job of a file. When a CSV part did not end at a record start, one reader
 * reads the file from that part's start to its end. Then, when a part (or that reader) met a
 * reader error, the whole file is scanned as text (run_file_job() does the same for a file
 * it reads whole); or else the JSONL lines not named are counted. The previews of what the
 * main thread found live in *arena. */
static void
merge_end(struct scan_ctx *c, struct scan_file *f, size_t fi, struct file_merge *m,
          struct worker_mem *w, struct pcl_arena **arena)
{
    struct pcl_err err = {0};
    enum pcl_rc rc;

    if (m->reread) {
        struct job t = {.file = f,
                        .file_idx = fi,
                        .is_part = true,
                        .seg_start = m->reread_at,
                        .seg_line = m->reread_line,
                        .seg_end = f->bytes,
                        .file_len = f->bytes};

        rc = main_job_begin(c, &t, w, &err);
        if (rc == PCL_OK) {
            rc = scan_part(c, &t, w, &err);
        }
        if (rc != PCL_OK) {
            job_fail(&t, rc, &err);
        }
        m->reread = false;
        merge_job(c, f, &t, m);
        *arena = t.arena;
    }
    if (m->fallback == NULL) {
        if (m->bad_more > 0) {
            char msg[96];

            (void)snprintf(msg, sizeof(msg),
                           "%llu more lines are not JSON and were scanned as text",
                           (unsigned long long)m->bad_more);
            warn_append(&f->warnings, msg);
        }
        return;
    }
    {
        struct job j = {.file = f, .file_idx = fi};

        rc = main_job_begin(c, &j, w, &err);
        if (rc == PCL_OK) {
            rc = rescan_as_text(c, &j, w, m->fallback, &err);
        }
        if (rc != PCL_OK) {
            job_fail(&j, rc, &err);
        }
        pcl_free(m->fallback);
        m->fallback = NULL;
        file_merge_reset(m);
        merge_job(c, f, &j, m);
        pcl_arena_free(*arena); /* what a reader found before is gone */
        *arena = j.arena;
    }
}

static void
classify_file(const struct pcl_engine *e, struct scan_file *f)
{
    if (f->fmt == PCL_FMT_TEXT || f->nprofiles == 0) {
        memset(&f->counts, 0, sizeof(f->counts));
        for (size_t i = 0; i < f->nhits; i++) {
            pcl_class_counts_add(&f->counts, pcl_engine_detector(e, f->hits[i].det)->categories);
        }
    }
    f->level = pcl_classify(NULL, &f->counts);
}

static void
file_free(struct scan_file *f)
{
    pcl_free(f->path);
    pcl_free(f->error);
    pcl_buf_fini(&f->warnings);
    discard_structured(f);
    pcl_free(f->hits);
    memset(f, 0, sizeof(*f));
}

static void
progress(struct scan_ctx *c, double t0, bool final)
{
    uint64_t done = atomic_load(&c->bytes_done);
    double now = pcl_mono_s(), pct;

    pct = c->bytes_total > 0 ? 100.0 * (double)done / (double)c->bytes_total : 100.0;
    (void)fprintf(stderr, "\r\033[Kscan: %5.1f%%  %.1f / %.1f MB  %.0f MB/s", PCL_MIN(pct, 100.0),
                  (double)done / 1e6, (double)c->bytes_total / 1e6,
                  now > t0 ? (double)done / 1e6 / (now - t0) : 0.0);
    if (final) {
        (void)fprintf(stderr, "\r\033[K");
    }
}

/* ---- options ------------------------------------------------------------------------- */

static void
scan_usage(FILE *f)
{
    (void)fprintf(
        f,
        "usage: portcullis scan [options] PATH... | -\n"
        "\n"
        "Scan files, directories (recursively) or standard input for PII and secrets.\n"
        "Text, CSV/TSV (per-column profile), JSON/JSONL (per-field profile) and gzip input.\n"
        "\n"
        "options:\n"
        "  -f, --format FMT       text (default), json, jsonl (one finding per line), sarif\n"
        "  -o, --output FILE      write the report to FILE instead of standard output\n"
        "  -c, --config FILE      YAML configuration (section `detect:`)\n"
        "      --min-score X      report findings scoring at least X (0..1, default 0.5)\n"
        "      --types LIST       only these detectors or entity types (comma-separated)\n"
        "      --enable LIST      also enable these (e.g. default-off detectors, or `all`)\n"
        "      --disable LIST     disable these detectors or entity types\n"
        "      --categories LIST  only detectors in these categories: contact, government_id,\n"
        "                         financial, health, special, credential\n"
        "      --fail-on LEVEL    exit 1 when a finding (any, the default) or a file classified\n"
        "                         at LEVEL or above (internal, confidential, restricted) exists;\n"
        "                         `never` always exits 0 on success\n"
        "  -j, --threads N        worker threads (default: number of CPUs); files are scanned\n"
        "                         side by side, and a large text, JSONL, CSV or TSV file\n"
        "                         in parts, and gzip is inflated on a thread of its own\n"
        "                         (the output is the same as with one thread)\n"
        "      --input-format F   treat every input as text, csv, tsv, json or jsonl\n"
        "      --exclude GLOB     .gitignore-style exclude pattern (repeatable)\n"
        "      --no-gitignore     do not honour .gitignore files in scanned directories\n"
        "      --follow           follow symbolic links inside directories\n"
        "      --show-values      print matched values instead of masked previews\n"
        "      --progress         force a progress bar (default: on a TTY for large inputs)\n"
        "      --no-progress      never show a progress bar\n"
        "  -q, --quiet            no summary table\n"
        "      --no-cache         do not use or write the compiled-detector cache\n"
        "                         ($PORTCULLIS_CACHE_DIR, default ~/.cache/portcullis)\n"
        "\n"
        "exit codes: 0 nothing at --fail-on, 1 findings at --fail-on, 2 usage or config error,\n"
        "            3 some inputs could not be read (the rest were scanned), 4 fatal error\n");
}

/* Split a comma-separated list into a NULL-terminated array appended to *list. */
static bool
list_add(char ***list, size_t *n, const char *csv)
{
    const char *p = csv;

    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        char **grown;

        if (len > 0) {
            grown = pcl_realloc(*list, (*n + 2) * sizeof(*grown));
            if (grown == NULL) {
                return false;
            }
            *list = grown;
            (*list)[*n] = pcl_strndup(p, len);
            if ((*list)[*n] == NULL) {
                return false;
            }
            (*n)++;
            (*list)[*n] = NULL;
        }
        p += len + (comma != NULL ? 1 : 0);
    }
    return true;
}

static void
list_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pcl_free(list[i]);
    }
    pcl_free(list);
}

static bool
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    uint64_t v = 0;

    if (!pcl_parse_u64(s, max, &v)) {
        return false;
    }
    *out = (unsigned long)v;
    return true;
}

enum {
    OPT_MIN_SCORE = 256,
    OPT_TYPES,
    OPT_ENABLE,
    OPT_DISABLE,
    OPT_CATEGORIES,
    OPT_FAIL_ON,
    OPT_INPUT_FORMAT,
    OPT_EXCLUDE,
    OPT_NO_GITIGNORE,
    OPT_FOLLOW,
    OPT_SHOW_VALUES,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
    OPT_NO_CACHE,
};

static const struct option long_opts[] = {
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"config", required_argument, NULL, 'c'},
    {"threads", required_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"min-score", required_argument, NULL, OPT_MIN_SCORE},
    {"types", required_argument, NULL, OPT_TYPES},
    {"enable", required_argument, NULL, OPT_ENABLE},
    {"disable", required_argument, NULL, OPT_DISABLE},
    {"categories", required_argument, NULL, OPT_CATEGORIES},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"no-gitignore", no_argument, NULL, OPT_NO_GITIGNORE},
    {"follow", no_argument, NULL, OPT_FOLLOW},
    {"show-values", no_argument, NULL, OPT_SHOW_VALUES},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {NULL, 0, NULL, 0},
};

struct cli_lists {
    char **types, **enable, **disable, **excludes;
    size_t ntypes, nenable, ndisable, nexcludes;
};

static void
cli_lists_free(struct cli_lists *l)
{
    list_free(l->types, l->ntypes);
    list_free(l->enable, l->nenable);
    list_free(l->disable, l->ndisable);
    list_free(l->excludes, l->nexcludes);
}

int
pcl_cmd_scan(int argc, char **argv)
{
    struct scan_opts o = {.out = SCAN_OUT_TEXT, .fail_on = -1};
    struct cli_lists l = {0};
    struct pcl_engine_opts *cfg = NULL;
    struct pcl_engine_opts eo = {0};
    struct pcl_engine *e = NULL;
    struct pcl_walk_opts wo = {.gitignore = true};
    struct scan_ctx c = {0};
    struct scan_writer w = {0};
    struct scan_summary sum = {0};
    struct file_merge fm = {0};
    struct worker_mem rw = {0}; /* the main thread's: a file scanned again (merge_end()) */
    struct pcl_err err = {0};
    const char *config = NULL, *output = NULL;
    double min_score = 0, t0;
    uint32_t categories = 0;
    pthread_t *threads = NULL;
    unsigned nthreads = 0;
    int progress_mode = 0, ch, rc = PCL_EXIT_OK;
    bool any_fail = false, no_cache = false;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    o.threads = ncpu > 0 ? (unsigned)PCL_MIN(ncpu, 256L) : 1;
    pcl_buf_init(&rw.hold, 0);
    optind = 1;
    while ((ch = getopt_long(argc, argv, "f:o:c:j:qh", long_opts, NULL)) != -1) {
        unsigned long v;
        char *end = NULL;
        bool ok = true;

        switch (ch) {
        case 'f':
            if (strcmp(optarg, "text") == 0) {
                o.out = SCAN_OUT_TEXT;
            } else if (strcmp(optarg, "json") == 0) {
                o.out = SCAN_OUT_JSON;
            } else if (strcmp(optarg, "jsonl") == 0) {
                o.out = SCAN_OUT_JSONL;
            } else if (strcmp(optarg, "sarif") == 0) {
                o.out = SCAN_OUT_SARIF;
            } else {
                pcl_cli_error("scan",
                              "--format: unknown format \"%s\" (text, json, jsonl, "
                              "sarif)",
                              optarg);
                rc = PCL_EXIT_USAGE;
                goto out;
            }
            break;
        case 'o':
            output = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'j':
            if (!parse_uint(optarg, 256, &v) || v == 0) {
                pcl_cli_error("scan", "--threads: expected 1..256, got \"%s\"", optarg);
                rc = PCL_EXIT_USAGE;
                goto out;
            }
            o.threads = (unsigned)v;
            break;
        case 'q':
            o.quiet = true;
            break;
        case 'h':
            scan_usage(stdout);
            goto out;
        case OPT_MIN_SCORE:
            errno = 0;
            min_score = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0' || min_score < 0 || min_score > 1) {
                pcl_cli_error("scan", "--min-score: expected a number in [0, 1], got \"%s\"",
                              optarg);
                rc = PCL_EXIT_USAGE;
                goto out;
            }
            if (min_score == 0) {
                min_score = 1e-9; /* 0 means "default" to the engine */
            }
            break;
        case OPT_TYPES:
            ok = list_add(&l.types, &l.ntypes, optarg);
            break;
        case OPT_ENABLE:
            ok = list_add(&l.enable, &l.nenable, optarg);
            break;
        case OPT_DISABLE:
            ok = list_add(&l.disable, &l.ndisable, optarg);
            break;
        case OPT_EXCLUDE:
            ok = list_add(&l.excludes, &l.nexcludes, optarg);
            break;
        case OPT_CATEGORIES: {
            const char *p = optarg;

            while (*p != '\0') {
                size_t len = strcspn(p, ",");
                uint32_t cat = pcl_category_parse(p, len);

                if (cat == 0) {
                    pcl_cli_error("scan",
                                  "--categories: unknown category \"%.*s\" (contact, "
                                  "government_id, financial, health, special, credential)",
                                  (int)len, p);
                    rc = PCL_EXIT_USAGE;
                    goto out;
                }
                categories |= cat;
                p += len + (p[len] == ',' ? 1 : 0);
            }
            break;
        }
        case OPT_FAIL_ON:
            if (strcmp(optarg, "any") == 0) {
                o.fail_on = -1;
            } else if (strcmp(optarg, "never") == 0) {
                o.fail_on = -2;
            } else {
                o.fail_on = pcl_sensitivity_parse(optarg, strlen(optarg));
                if (o.fail_on < 0) {
                    pcl_cli_error("scan",
                                  "--fail-on: expected any, never, internal, "
                                  "confidential or restricted, got \"%s\"",
                                  optarg);
                    rc = PCL_EXIT_USAGE;
                    goto out;
                }
            }
            break;
        case OPT_INPUT_FORMAT:
            if (pcl_format_parse(optarg, &o.input_format, &err) != PCL_OK) {
                pcl_cli_error("scan", "--input-format: %s", err.msg);
                rc = PCL_EXIT_USAGE;
                goto out;
            }
            o.have_input_format = true;
            break;
        case OPT_NO_GITIGNORE:
            wo.gitignore = false;
            break;
        case OPT_FOLLOW:
            wo.follow_symlinks = true;
            break;
        case OPT_SHOW_VALUES:
            o.show_values = true;
            break;
        case OPT_PROGRESS:
            progress_mode = 1;
            break;
        case OPT_NO_CACHE:
            no_cache = true;
            break;
        case OPT_NO_PROGRESS:
            progress_mode = -1;
            break;
        default:
            scan_usage(stderr);
            rc = PCL_EXIT_USAGE;
            goto out;
        }
        if (!ok) {
            pcl_cli_error("scan", "out of memory");
            rc = PCL_EXIT_ERROR;
            goto out;
        }
    }
    if (optind >= argc) {
        pcl_cli_error("scan", "no input: give files, directories or - for standard input");
        scan_usage(stderr);
        rc = PCL_EXIT_USAGE;
        goto out;
    }

    /* engine: config file first, flags override */
    if (config != NULL) {
        if (pcl_engine_opts_load(config, &cfg, &err) != PCL_OK) {
            pcl_cli_error("scan", "%s", err.msg);
            rc = PCL_EXIT_USAGE;
            goto out;
        }
        eo = *cfg;
    }
    if (l.ntypes > 0) {
        eo.enable = (const char *const *)l.types;
        eo.only_enabled = true;
    } else if (l.nenable > 0) {
        eo.enable = (const char *const *)l.enable;
    }
    if (l.ndisable > 0) {
        eo.disable = (const char *const *)l.disable;
    }
    if (categories != 0) {
        eo.categories = categories;
    }
    if (min_score > 0) {
        eo.min_score = min_score;
    }
    eo.cache_dir = no_cache ? NULL : pcl_cli_cache_dir();
    if (pcl_engine_new(&eo, &e, &err) != PCL_OK) {
        pcl_cli_error("scan", "%s", err.msg);
        rc = err.rc == PCL_ENOMEM ? PCL_EXIT_ERROR : PCL_EXIT_USAGE;
        goto out;
    }

    /* inputs */
    c.o = &o;
    c.e = e;
    pcl_buf_init(&c.walk_warnings, 1 << 24);
    (void)pthread_mutex_init(&c.mu, NULL);
    (void)pthread_cond_init(&c.cv, NULL);
    atomic_init(&c.wait_job, SIZE_MAX);
    atomic_init(&c.wait_count, SIZE_MAX);
    wo.excludes = (const char *const *)l.excludes;
    wo.nexcludes = l.nexcludes;
    wo.on_file = on_walk_file;
    wo.on_warn = on_walk_warning;
    wo.arg = &c;
    if (pcl_walk((const char *const *)(argv + optind), (size_t)(argc - optind), &wo, NULL, &err) !=
        PCL_OK) {
        pcl_cli_error("scan", "%s", err.msg);
        rc = PCL_EXIT_ERROR;
        goto out_ctx;
    }
    if (c.walk_warnings.len > 0) {
        (void)fprintf(stderr, "%s", c.walk_warnings.ptr);
        any_fail = true;
    }
    for (size_t i = 0; i < c.njobs; i++) {
        c.jobs[i].file = &c.files[c.jobs[i].file_idx];
    }

    /* output */
    w.kind = o.out;
    w.e = e;
    w.out = stdout;
    if (output != NULL) {
        w.out = fopen(output, "w");
        if (w.out == NULL) {
            pcl_cli_error("scan", "%s: %s", output, strerror(errno));
            rc = PCL_EXIT_USAGE;
            goto out_ctx;
        }
    }
    sum.by_det = pcl_calloc(pcl_engine_detector_count(e) + 1, sizeof(*sum.by_det));
    threads = pcl_calloc(o.threads, sizeof(*threads));
    if (sum.by_det == NULL || threads == NULL) {
        pcl_cli_error("scan", "out of memory");
        rc = PCL_EXIT_ERROR;
        goto out_ctx;
    }
    if (progress_mode == 0) {
        progress_mode = isatty(STDERR_FILENO) && c.bytes_total >= ((uint64_t)64 << 20) ? 1 : -1;
    }
    scan_writer_begin(&w);
    t0 = pcl_mono_s();
    for (unsigned i = 0; i < o.threads && i < PCL_MAX(c.njobs, (size_t)1); i++) {
        if (pthread_create(&threads[i], NULL, worker, &c) != 0) {
            break;
        }
        nthreads++;
    }
    if (nthreads == 0) {
        pcl_cli_error("scan", "cannot start worker threads");
        rc = PCL_EXIT_ERROR;
        goto out_ctx;
    }

    /* report files in order as their jobs finish */
    for (size_t ji = 0, fi = 0; fi < c.nfiles; fi++) {
        struct scan_file *f = &c.files[fi];
        struct pcl_arena *text_arena = NULL; /* what merge_end() found */

        for (; ji < c.njobs && c.jobs[ji].file_idx == fi; ji++) {
            size_t batch = PCL_MIN(ji + REPORT_BATCH, c.njobs);

            /* a job not done yet: wait for it and for a batch of jobs after it, so small files
             * are reported in batches, one wake-up per REPORT_BATCH jobs rather than per job */
            if (atomic_load(&c.jobs[ji].done)) {
                merge_job(&c, f, &c.jobs[ji], &fm);
                continue;
            }
            (void)pthread_mutex_lock(&c.mu);
            atomic_store(&c.wait_count, batch);
            atomic_store(&c.wait_job, ji);
            while (!atomic_load(&c.jobs[ji].done) || atomic_load(&c.ndone) < batch) {
                if (progress_mode > 0) {
                    struct timespec until;

                    (void)clock_gettime(CLOCK_REALTIME, &until);
                    until.tv_nsec += 200000000L;
                    if (until.tv_nsec >= 1000000000L) {
                        until.tv_sec++;
                        until.tv_nsec -= 1000000000L;
                    }
                    (void)pthread_cond_timedwait(&c.cv, &c.mu, &until);
                    progress(&c, t0, false);
                } else {
                    (void)pthread_cond_wait(&c.cv, &c.mu);
                }
            }
            atomic_store(&c.wait_job, SIZE_MAX);
            atomic_store(&c.wait_count, SIZE_MAX);
            (void)pthread_mutex_unlock(&c.mu);
            merge_job(&c, f, &c.jobs[ji], &fm);
        }
        merge_end(&c, f, fi, &fm, &rw, &text_arena);
        file_merge_reset(&fm);
        classify_file(e, f);
        if (progress_mode > 0) {
            progress(&c, t0, true);
        }
        if (f->warnings.len > 0) {
            (void)fprintf(stderr, "%s", f->warnings.ptr);
        }
        if (f->failed || f->error != NULL) {
            const char *why = f->error != NULL ? f->error : "out of memory";
            size_t plen = strlen(f->path);

            /* an input error already names the file ("F: corrupt gzip data at ...") */
            if (strncmp(why, f->path, plen) == 0 && strncmp(why + plen, ": ", 2) == 0) {
                pcl_cli_error("scan", "%s", why);
            } else {
                pcl_cli_error("scan", "%s: %s", f->path, why);
            }
            sum.failed++;
            any_fail = true;
        } else if (f->skipped) {
            sum.skipped++;
        } else {
            sum.files++;
        }
        sum.bytes += f->bytes;
        sum.findings += f->nhits;
        for (size_t i = 0; i < f->nhits; i++) {
            sum.by_det[f->hits[i].det]++;
        }
        if (f->nhits > 0) {
            sum.by_level[f->level]++;
            if (o.fail_on == -1 || (o.fail_on >= 0 && (int)f->level >= o.fail_on)) {
                rc = PCL_EXIT_FINDINGS;
            }
        }
        scan_writer_file(&w, f);
        file_free(f);
        pcl_arena_free(text_arena);
        for (size_t k = ji; k-- > 0 && c.jobs[k].file_idx == fi;) {
            pcl_arena_free(c.jobs[k].arena);
            c.jobs[k].arena = NULL;
        }
    }
    for (unsigned i = 0; i < nthreads; i++) {
        (void)pthread_join(threads[i], NULL);
    }
    sum.seconds = pcl_mono_s() - t0;
    scan_writer_end(&w, &sum, !o.quiet);
    if (rc == PCL_EXIT_OK && any_fail) {
        rc = PCL_EXIT_PARTIAL;
    }
    if (w.out != stdout && fclose(w.out) != 0) {
        pcl_cli_error("scan", "%s: %s", output, strerror(errno));
        rc = PCL_EXIT_ERROR;
    }
    w.out = stdout;
out_ctx:
    if (w.out != NULL && w.out != stdout) {
        (void)fclose(w.out);
    }
    pcl_buf_fini(&w.buf);
    for (size_t i = 0; i < c.nfiles; i++) {
        file_free(&c.files[i]);
    }
    file_merge_fini(&fm);
    pcl_stream_free(rw.st);
    pcl_scratch_free(rw.s);
    pcl_buf_fini(&rw.hold);
    for (size_t i = 0; i < c.njobs; i++) {
        part_free(&c.jobs[i].part);
        pcl_free(c.jobs[i].hits);
        pcl_free(c.jobs[i].error);
        pcl_buf_fini(&c.jobs[i].warnings);
        pcl_arena_free(c.jobs[i].arena);
    }
    pcl_free(c.jobs);
    pcl_free(c.files);
    pcl_buf_fini(&c.walk_warnings);
    pcl_free(threads);
    pcl_free(sum.by_det);
    (void)pthread_mutex_destroy(&c.mu);
    (void)pthread_cond_destroy(&c.cv);
out:
    pcl_engine_free(e);
    pcl_engine_opts_free(cfg);
    cli_lists_free(&l);
    return rc;
}
