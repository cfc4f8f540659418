/* SPDX-License-Identifier: Apache-2.0 */
/* Input sources (files, stdin, memory) with transparent multi-member gzip inflation, plus
 * format sniffing and --input-format parsing. */
#define _POSIX_C_SOURCE 200809L

#include "common.h"

#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <portcullis/formats.h>

#define IN_RAW_SIZE   65536u
#define IN_SNIFF_SCAN 8192u
#define RA_SLOTS      4u
#define RA_CHUNK      ((size_t)1 << 20)

/* pcl_input_readahead(): a thread decodes into a ring of RA_SLOTS chunks, the reader takes
 * them in order. The thread owns the input's decoding state from then on. */
struct readahead {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned char *buf[RA_SLOTS];
    size_t len[RA_SLOTS];
    uint64_t raw_end[RA_SLOTS]; /* the compressed offset after each slot's bytes */
    uint64_t raw_taken;         /* raw_end of the slot the reader took from last */
    size_t head;                /* the slot the reader takes from */
    size_t count;               /* filled slots */
    size_t pos;                 /* the reader's position in the head slot */
    bool done;                  /* the thread stopped: end of input, or rc */
    bool stop;                  /* pcl_input_free() asks the thread to stop */
    enum pcl_rc rc;
    struct pcl_err err;
};

struct pcl_input {
    char *name;
    int fd; /* -1 for memory inputs */
    bool own_fd;
    const unsigned char *mem; /* memory input, mem_len bytes, borrowed */
    size_t mem_len;
    unsigned char *rbuf;      /* file inputs: IN_RAW_SIZE bytes of read-ahead */
    const unsigned char *raw; /* current raw window: rbuf or mem */
    size_t raw_len;
    size_t raw_pos;
    bool raw_eof;     /* no more raw bytes beyond raw_len */
    uint64_t raw_off; /* raw bytes consumed */
    uint64_t fd_read; /* bytes read from fd */
    uint64_t st_size; /* a regular file's size when opened; 0 = not a regular file or empty */
    bool ranged;      /* pcl_input_open_range(): fd is read from range_off, up to st_size bytes */
    uint64_t range_off;
    bool sniffed;
    bool gzip;
    bool member_done;            /* the last gzip member ended; another may follow */
    struct inflate_state *inflr; /* ISA-L's inflater (gzip only) */
    char *peek;                  /* PCL_INPUT_PEEK_MAX bytes of decoded look-ahead */
    size_t peek_len;
    size_t peek_pos;
    struct readahead *ra; /* pcl_input_readahead(), or NULL */
};

/* strerror() is not thread-safe; these are the cases users meet. */
static const char *
errno_str(int e)
{
    switch (e) {
    case ENOENT:
        return "no such file or directory";
    case EACCES:
    case EPERM:
        return "permission denied";
    case EISDIR:
        return "is a directory";
    case ENOTDIR:
        return "not a directory";
    case ELOOP:
        return "too many levels of symbolic links";
    case ENAMETOOLONG:
        return "file name too long";
    case EMFILE:
    case ENFILE:
        return "too many open files";
    case EIO:
        return "input/output error";
    default:
        return "cannot read";
    }
}

static enum pcl_rc
in_alloc(const char *name, struct pcl_input **out, struct pcl_err *err)
{
    struct pcl_input *in = pcl_calloc(1, sizeof(*in));

    if (in == NULL) {
        (void)pcl_err_set(err, PCL_ENOMEM, "%s: out of memory", name);
        return PCL_ENOMEM;
    }
    in->fd = -1;
    in->name = pcl_strdup(name);
    if (in->name == NULL) {
        pcl_free(in);
        (void)pcl_err_set(err, PCL_ENOMEM, "%s: out of memory", name);
        return PCL_ENOMEM;
    }
    *out = in;
    return PCL_OK;
}

enum pcl_rc
pcl_input_open(const char *path, struct pcl_input **out, struct pcl_err *err)
{
    struct pcl_input *in = NULL;
    struct stat st;
    bool is_stdin = strcmp(path, "-") == 0;
    enum pcl_rc rc;

    *out = NULL;
    rc = in_alloc(is_stdin ? "<stdin>" : path, &in, err);
    if (rc != PCL_OK) {
        goto out;
    }
    in->rbuf = pcl_malloc(IN_RAW_SIZE);
    if (in->rbuf == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "%s: out of memory", in->name);
        goto out;
    }
    in->raw = in->rbuf;
    if (is_stdin) {
        in->fd = STDIN_FILENO;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (in->fd == -1) {
            rc = pcl_err_set(err, errno == ENOENT ? PCL_ENOTFOUND : PCL_EIO, "%s: %s", path,
                             errno_str(errno));
            goto out;
        }
        in->own_fd = true;
        if (fstat(in->fd, &st) == -1) {
            rc = pcl_err_set(err, PCL_EIO, "%s: %s", path, errno_str(errno));
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = pcl_err_set(err, PCL_EIO, "%s: is a directory", path);
            goto out;
        }
        if (S_ISREG(st.st_mode) && st.st_size > 0) {
            in->st_size = (uint64_t)st.st_size;
        }
    }
    *out = in;
    in = NULL;
out:
    pcl_input_free(in);
    return rc;
}

enum pcl_rc
pcl_input_open_range(const char *path, uint64_t off, uint64_t len, struct pcl_input **out,
                     struct pcl_err *err)
{
    enum pcl_rc rc;

    if (strcmp(path, "-") == 0) {
        *out = NULL;
        return pcl_err_set(err, PCL_EINVAL, "<stdin>: a range of it cannot be read");
    }
    rc = pcl_input_open(path, out, err);
    if (rc != PCL_OK) {
        return rc;
    }
    (*out)->ranged = true;
    (*out)->range_off = off;
    (*out)->st_size = len;
    (*out)->sniffed = true; /* the bytes as they are: a range is never gzip */
    return PCL_OK;
}

enum pcl_rc
pcl_input_open_mem(const char *name, const void *data, size_t len, struct pcl_input **out,
                   struct pcl_err *err)
{
    struct pcl_input *in = NULL;
    enum pcl_rc rc;

    *out = NULL;
    rc = in_alloc(name != NULL ? name : "<memory>", &in, err);
    if (rc != PCL_OK) {
        return rc;
    }
    in->mem = data;
    in->mem_len = data != NULL ? len : 0;
    in->raw = in->mem;
    in->raw_len = in->mem_len;
    in->raw_eof = true;
    *out = in;
    return PCL_OK;
}

static void ra_stop(struct pcl_input *in);

void
pcl_input_free(struct pcl_input *in)
{
    if (in == NULL) {
        return;
    }
    ra_stop(in);
    if (in->own_fd && in->fd != -1) {
        (void)close(in->fd);
    }
    pcl_free(in->inflr);
    pcl_free(in->rbuf);
    pcl_free(in->peek);
    pcl_free(in->name);
    pcl_free(in);
}

const char *
pcl_input_name(const struct pcl_input *in)
{
    return in->name;
}

bool
pcl_input_is_gzip(const struct pcl_input *in)
{
    return in->gzip;
}

uint64_t
pcl_input_raw_offset(const struct pcl_input *in)
{
    uint64_t off;

    if (in->ra == NULL) {
        return in->raw_off;
    }
    (void)pthread_mutex_lock(&in->ra->mu);
    off = in->ra->raw_taken;
    (void)pthread_mutex_unlock(&in->ra->mu);
    return off;
}

/* After a read of n bytes out of `asked`: a short read that ends exactly at the size the file
 * had when opened is its end, so the read() that would return 0 is saved (one system call in
 * six for a small file). A file of another size (grown, shrunk, or a /proc or /sys file whose
 * size says nothing) is read until read() returns 0, as before. */
static void
note_read(struct pcl_input *in, size_t n, size_t asked)
{
    in->fd_read += n;
    if (n == 0 || (n < asked && in->st_size != 0 && in->fd_read == in->st_size)) {
        in->raw_eof = true;
    }
}

/* One read() of at most cap bytes into buf, retried on EINTR; a range input reads with
 * pread() and stops at its end. Returns what read() returns. */
static ssize_t
fd_read(struct pcl_input *in, void *buf, size_t cap)
{
    ssize_t n;

    cap = PCL_MIN(cap, (size_t)SSIZE_MAX);
    if (in->ranged) {
        cap = (size_t)PCL_MIN((uint64_t)cap, in->st_size - in->fd_read);
        if (cap == 0) {
            return 0;
        }
    }
    do {
        n = in->ranged ? pread(in->fd, buf, cap, (off_t)(in->range_off + in->fd_read))
                       : read(in->fd, buf, cap);
    } while (n == -1 && errno == EINTR);
    return n;
}

/* Make more raw bytes available (keeping unconsumed ones); sets raw_eof at end of file. */
static enum pcl_rc
raw_fill(struct pcl_input *in, struct pcl_err *err)
{
    size_t keep;
    ssize_t n;

    if (in->raw_eof) {
        return PCL_OK;
    }
    keep = in->raw_len - in->raw_pos;
    if (keep > 0 && in->raw_pos > 0) {
        memmove(in->rbuf, in->rbuf + in->raw_pos, keep);
    }
    in->raw_pos = 0;
    in->raw_len = keep;
    n = fd_read(in, in->rbuf + keep, IN_RAW_SIZE - keep);
    if (n == -1) {
        return pcl_err_set(err, PCL_EIO, "%s: %s", in->name, errno_str(errno));
    }
    note_read(in, (size_t)n, IN_RAW_SIZE - keep);
    in->raw_len = keep + (size_t)n;
    return PCL_OK;
}

/* Ensure at least want raw bytes are buffered, or the end of input was reached. */
static enum pcl_rc
raw_need(struct pcl_input *in, size_t want, struct pcl_err *err)
{
    while (in->raw_len - in->raw_pos < want && !in->raw_eof) {
        enum pcl_rc rc = raw_fill(in, err);

        if (rc != PCL_OK) {
            return rc;
        }
    }
    return PCL_OK;
}

static enum pcl_rc
gz_error(struct pcl_input *in, struct pcl_err *err, const char *why)
{
    return pcl_err_set(err, PCL_EIO, "%s: corrupt gzip data at compressed offset %llu: %s",
                       in->name, (unsigned long long)in->raw_off, why);
}

static enum pcl_rc
sniff(struct pcl_input *in, struct pcl_err *err)
{
    enum pcl_rc rc = raw_need(in, 2, err);

    if (rc != PCL_OK) {
        return rc;
    }
    in->sniffed = true;
    if (in->raw_len - in->raw_pos >= 2 && in->raw[in->raw_pos] == 0x1f &&
        in->raw[in->raw_pos + 1] == 0x8b) {
        in->gzip = true;
        in->inflr = pcl_malloc(sizeof(*in->inflr));
        if (in->inflr == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "%s: cannot start gzip decoder", in->name);
        }
        isal_inflate_init(in->inflr);
        in->inflr->crc_flag = ISAL_GZIP; /* header parsed, CRC-32 and length checked */
    }
    return PCL_OK;
}

/* After a member ended: find the next one, skip zero padding, or reach the end. *done is set
 * when the input is over. */
static enum pcl_rc
gz_next_member(struct pcl_input *in, bool *done, struct pcl_err *err)
{
    enum pcl_rc rc;

    *done = false;
    for (;;) {
        rc = raw_need(in, 2, err);
        if (rc != PCL_OK) {
            return rc;
        }
        while (in->raw_pos < in->raw_len && in->raw[in->raw_pos] == 0) {
            in->raw_pos++; /* trailing zero padding, as gzip(1) tolerates */
            in->raw_off++;
        }
        if (in->raw_pos < in->raw_len || in->raw_eof) {
            break;
        }
    }
    if (in->raw_pos == in->raw_len) {
        *done = true;
        return PCL_OK;
    }
    rc = raw_need(in, 2, err);
    if (rc != PCL_OK) {
        return rc;
    }
    if (in->raw_len - in->raw_pos < 2 || in->raw[in->raw_pos] != 0x1f ||
        in->raw[in->raw_pos + 1] != 0x8b) {
        return gz_error(in, err, "trailing garbage after gzip member");
    }
    isal_inflate_reset(in->inflr);
    in->inflr->crc_flag = ISAL_GZIP;
    in->member_done = false;
    return PCL_OK;
}

/* What an ISA-L inflate error means, in zlib's words where zlib has them. */
static const char *
isal_why(int rc)
{
    switch (rc) {
    case ISAL_INVALID_BLOCK:
        return "invalid block";
    case ISAL_INVALID_SYMBOL:
        return "invalid code";
    case ISAL_INVALID_LOOKBACK:
        return "invalid distance too far back";
    case ISAL_INVALID_WRAPPER:
        return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD:
        return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM:
        return "incorrect data check";
    default:
        return "invalid data";
    }
}

/* One inflate call into buf; sets *got (possibly 0 when more input is needed). ISA-L
 * (igzip) inflates about four times as fast as zlib on this project's machines. */
static enum pcl_rc
gz_step(struct pcl_input *in, unsigned char *buf, size_t cap, size_t *got, struct pcl_err *err)
{
    struct inflate_state *st = in->inflr;
    uint32_t avail_in = (uint32_t)PCL_MIN(in->raw_len - in->raw_pos, (size_t)UINT32_MAX);
    uint32_t avail_out = (uint32_t)PCL_MIN(cap, (size_t)UINT32_MAX);
    int rc;

    /* next_in is not const-qualified but ISA-L never writes through it */
    st->next_in = (uint8_t *)(uintptr_t)(in->raw + in->raw_pos);
    st->avail_in = avail_in;
    st->next_out = buf;
    st->avail_out = avail_out;
    rc = isal_inflate(st);
    in->raw_pos += avail_in - st->avail_in;
    in->raw_off += avail_in - st->avail_in;
    *got = avail_out - st->avail_out;
    if (rc != ISAL_DECOMP_OK && rc != ISAL_END_INPUT && rc != ISAL_OUT_OVERFLOW) {
        return gz_error(in, err, isal_why(rc)); /* corrupt, or a dictionary asked for */
    }
    if (st->block_state == ISAL_BLOCK_FINISH) {
        in->member_done = true; /* the trailer read and checked; next_in is past it */
        return PCL_OK;
    }
    if (*got == 0 && in->raw_pos == in->raw_len && in->raw_eof) {
        return gz_error(in, err, "truncated gzip data");
    }
    return PCL_OK;
}

static enum pcl_rc
gz_read(struct pcl_input *in, unsigned char *buf, size_t cap, size_t *got, struct pcl_err *err)
{
    enum pcl_rc rc = PCL_OK;

    *got = 0;
    while (*got == 0 && rc == PCL_OK) {
        if (in->member_done) {
            bool done;

            rc = gz_next_member(in, &done, err);
            if (rc != PCL_OK || done) {
                return rc;
            }
        }
        if (in->raw_pos == in->raw_len) {
            rc = raw_fill(in, err);
            if (rc != PCL_OK) {
                return rc;
            }
        }
        rc = gz_step(in, buf, cap, got, err);
    }
    return rc;
}

/* Decoded bytes, ignoring the peek buffer. */
static enum pcl_rc
in_read_decoded(struct pcl_input *in, void *buf, size_t cap, size_t *got, struct pcl_err *err)
{
    size_t n;
    enum pcl_rc rc;

    *got = 0;
    if (cap == 0) {
        return PCL_OK;
    }
    if (!in->sniffed) {
        rc = sniff(in, err);
        if (rc != PCL_OK) {
            return rc;
        }
    }
    if (in->gzip) {
        return gz_read(in, buf, cap, got, err);
    }
    if (in->raw_pos == in->raw_len) {
        if (in->mem == NULL && !in->raw_eof && cap >= IN_RAW_SIZE) {
            /* large reads bypass the read-ahead buffer */
            ssize_t r = fd_read(in, buf, cap);

            if (r == -1) {
                return pcl_err_set(err, PCL_EIO, "%s: %s", in->name, errno_str(errno));
            }
            note_read(in, (size_t)r, cap > (size_t)SSIZE_MAX ? (size_t)SSIZE_MAX : cap);
            in->raw_off += (uint64_t)r;
            *got = (size_t)r;
            return PCL_OK;
        }
        rc = raw_fill(in, err);
        if (rc != PCL_OK) {
            return rc;
        }
    }
    n = PCL_MIN(cap, in->raw_len - in->raw_pos);
    if (n > 0) {
        memcpy(buf, in->raw + in->raw_pos, n);
    }
    in->raw_pos += n;
    in->raw_off += n;
    *got = n;
    return PCL_OK;
}

/* ---- read-ahead ------------------------------------------------------------------- */

static void *
ra_main(void *arg)
{
    struct pcl_input *in = arg;
    struct readahead *ra = in->ra;
    size_t slot = 0;

    for (;;) {
        struct pcl_err err = {0};
        size_t got = 0;
        enum pcl_rc rc;

        (void)pthread_mutex_lock(&ra->mu);
        while (ra->count == RA_SLOTS && !ra->stop) {
            (void)pthread_cond_wait(&ra->cv, &ra->mu);
        }
        if (ra->stop) {
            ra->done = true;
            (void)pthread_mutex_unlock(&ra->mu);
            return NULL;
        }
        slot = (ra->head + ra->count) % RA_SLOTS; /* free, and only this thread fills it */
        (void)pthread_mutex_unlock(&ra->mu);
        rc = in_read_decoded(in, ra->buf[slot], RA_CHUNK, &got, &err);
        (void)pthread_mutex_lock(&ra->mu);
        if (got > 0) { /* what was decoded before an error is read before it */
            ra->len[slot] = got;
            ra->raw_end[slot] = in->raw_off;
            ra->count++;
        }
        if (rc != PCL_OK || got == 0) {
            ra->rc = rc;
            ra->err = err;
            ra->done = true;
        }
        (void)pthread_cond_broadcast(&ra->cv);
        (void)pthread_mutex_unlock(&ra->mu);
        if (rc != PCL_OK || got == 0) {
            return NULL;
        }
    }
}

/* The next decoded bytes from the ring: in order, then the thread's end (0 bytes) or error. */
static enum pcl_rc
ra_read(struct readahead *ra, void *buf, size_t cap, size_t *got, struct pcl_err *err)
{
    enum pcl_rc rc = PCL_OK;

    *got = 0;
    if (cap == 0) {
        return PCL_OK;
    }
    (void)pthread_mutex_lock(&ra->mu);
    while (ra->count == 0 && !ra->done) {
        (void)pthread_cond_wait(&ra->cv, &ra->mu);
    }
    if (ra->count > 0) {
        size_t n = PCL_MIN(cap, ra->len[ra->head] - ra->pos);

        memcpy(buf, ra->buf[ra->head] + ra->pos, n);
        ra->raw_taken = ra->raw_end[ra->head];
        ra->pos += n;
        *got = n;
        if (ra->pos == ra->len[ra->head]) {
            ra->pos = 0;
            ra->head = (ra->head + 1) % RA_SLOTS;
            ra->count--;
            (void)pthread_cond_broadcast(&ra->cv);
        }
    } else if (ra->rc != PCL_OK) {
        rc = ra->rc;
        if (err != NULL) {
            *err = ra->err;
        }
    }
    (void)pthread_mutex_unlock(&ra->mu);
    return rc;
}

static void
ra_free(struct readahead *ra)
{
    for (size_t i = 0; i < RA_SLOTS; i++) {
        pcl_free(ra->buf[i]);
    }
    pcl_free(ra);
}

/* Stop and join the thread, free the ring. */
static void
ra_stop(struct pcl_input *in)
{
    struct readahead *ra = in->ra;

    if (ra == NULL) {
        return;
    }
    (void)pthread_mutex_lock(&ra->mu);
    ra->stop = true;
    (void)pthread_cond_broadcast(&ra->cv);
    (void)pthread_mutex_unlock(&ra->mu);
    (void)pthread_join(ra->th, NULL);
    (void)pthread_mutex_destroy(&ra->mu);
    (void)pthread_cond_destroy(&ra->cv);
    ra_free(ra);
    in->ra = NULL;
}

enum pcl_rc
pcl_input_readahead(struct pcl_input *in, struct pcl_err *err)
{
    struct readahead *ra;

    if (in->ra != NULL) {
        return PCL_OK;
    }
    if (!in->sniffed) {
        enum pcl_rc rc = sniff(in, err);

        if (rc != PCL_OK) {
            return rc;
        }
    }
    if (!in->gzip) {
        return PCL_OK; /* reading is already as fast as copying */
    }
    ra = pcl_calloc(1, sizeof(*ra));
    if (ra == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "%s: out of memory", in->name);
    }
    for (size_t i = 0; i < RA_SLOTS; i++) {
        ra->buf[i] = pcl_malloc(RA_CHUNK);
        if (ra->buf[i] == NULL) {
            ra_free(ra);
            return pcl_err_set(err, PCL_ENOMEM, "%s: out of memory", in->name);
        }
    }
    if (pthread_mutex_init(&ra->mu, NULL) != 0 || pthread_cond_init(&ra->cv, NULL) != 0) {
        ra_free(ra);
        return pcl_err_set(err, PCL_EINTERNAL, "%s: cannot start the read-ahead", in->name);
    }
    in->ra = ra;
    if (pthread_create(&ra->th, NULL, ra_main, in) != 0) {
        in->ra = NULL;
        (void)pthread_mutex_destroy(&ra->mu);
        (void)pthread_cond_destroy(&ra->cv);
        ra_free(ra);
        return PCL_OK; /* no thread to spare: read as before */
    }
    return PCL_OK;
}

/* Decoded bytes past the peek buffer: from the read-ahead ring when there is one. */
static enum pcl_rc
in_next(struct pcl_input *in, void *buf, size_t cap, size_t *got, struct pcl_err *err)
{
    if (in->ra != NULL) {
        return ra_read(in->ra, buf, cap, got, err);
    }
    return in_read_decoded(in, buf, cap, got, err);
}

enum pcl_rc
pcl_input_read(struct pcl_input *in, void *buf, size_t cap, size_t *got, struct pcl_err *err)
{
    if (in->peek_pos < in->peek_len) {
        size_t n = PCL_MIN(cap, in->peek_len - in->peek_pos);

        memcpy(buf, in->peek + in->peek_pos, n);
        in->peek_pos += n;
        *got = n;
        return PCL_OK;
    }
    return in_next(in, buf, cap, got, err);
}

enum pcl_rc
pcl_input_peek(struct pcl_input *in, const char **head, size_t *len, struct pcl_err *err)
{
    enum pcl_rc rc;

    if (in->peek == NULL) {
        in->peek = pcl_malloc(PCL_INPUT_PEEK_MAX);
        if (in->peek == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "%s: out of memory", in->name);
        }
    }
    if (in->peek_pos > 0) {
        memmove(in->peek, in->peek + in->peek_pos, in->peek_len - in->peek_pos);
        in->peek_len -= in->peek_pos;
        in->peek_pos = 0;
    }
    while (in->peek_len < PCL_INPUT_PEEK_MAX) {
        size_t got;

        rc = in_next(in, in->peek + in->peek_len, PCL_INPUT_PEEK_MAX - in->peek_len, &got, err);
        if (rc != PCL_OK) {
            return rc;
        }
        if (got == 0) {
            break;
        }
        in->peek_len += got;
    }
    *head = in->peek;
    *len = in->peek_len;
    return PCL_OK;
}

enum pcl_rc
pcl_input_slurp(struct pcl_input *in, size_t max, struct pcl_buf *out, struct pcl_err *err)
{
    char tmp[16384];
    size_t total = 0;
    size_t limit = max != 0 ? max : out->max;
    enum pcl_rc rc;

    for (;;) {
        size_t got;

        rc = pcl_input_read(in, tmp, sizeof(tmp), &got, err);
        if (rc != PCL_OK) {
            return rc;
        }
        if (got == 0) {
            return PCL_OK;
        }
        if (got > limit - total) {
            return pcl_err_set(err, PCL_ELIMIT, "%s: larger than %zu bytes", in->name, limit);
        }
        rc = pcl_buf_append(out, tmp, got);
        if (rc == PCL_ELIMIT) {
            return pcl_err_set(err, PCL_ELIMIT, "%s: larger than %zu bytes", in->name, out->max);
        }
        if (rc != PCL_OK) {
            return pcl_err_set(err, rc, "%s: out of memory", in->name);
        }
        total += got;
    }
}

enum pcl_rc
pcl_input_lines(struct pcl_input *in, size_t chunk, size_t max_line, pcl_lines_fn *fn, void *arg,
                struct pcl_err *err)
{
    struct pcl_buf pend; /* a block being read: whole lines, then a line's start */
    uint64_t line = 1, off = 0;
    enum pcl_rc rc = PCL_OK;

    pcl_buf_init(&pend, max_line + chunk);
    for (;;) {
        size_t got = 0, last, lines;

        rc = pcl_buf_reserve(&pend, chunk);
        if (rc == PCL_ELIMIT) {
            rc = pcl_err_set(err, rc, "%s: line %llu is longer than %zu bytes", in->name,
                             (unsigned long long)line, max_line);
        } else if (rc != PCL_OK) {
            rc = pcl_err_set(err, rc, "%s: out of memory", in->name);
        }
        if (rc == PCL_OK) {
            rc = pcl_input_read(in, pend.ptr + pend.len, chunk, &got, err);
        }
        if (rc != PCL_OK || got == 0) {
            break;
        }
        pend.len += got;
        /* only the new bytes can hold a newline: what was carried is one line's start */
        lines = pcl_count_byte(pend.ptr + pend.len - got, got, '\n', &last);
        if (lines > 0) {
            size_t cut = pend.len - got + last + 1;

            rc = fn(arg, pend.ptr, cut, line, off, err);
            if (rc != PCL_OK) {
                break;
            }
            line += lines;
            off += cut;
            pcl_buf_consume(&pend, cut);
        }
    }
    if (rc == PCL_OK && pend.len > 0) {
        rc = fn(arg, pend.ptr, pend.len, line, off, err);
    }
    pcl_buf_fini(&pend);
    return rc;
}

/* ---- format sniffing ---------------------------------------------------------------- */

static const struct {
    const char *name;
    enum pcl_format fmt;
} format_names[] = {
    {.name = "binary", .fmt = PCL_FMT_BINARY}, {.name = "csv", .fmt = PCL_FMT_CSV},
    {.name = "json", .fmt = PCL_FMT_JSON},     {.name = "jsonl", .fmt = PCL_FMT_JSONL},
    {.name = "ndjson", .fmt = PCL_FMT_JSONL},  {.name = "text", .fmt = PCL_FMT_TEXT},
    {.name = "tsv", .fmt = PCL_FMT_TSV},
};

static const struct {
    const char *ext;
    enum pcl_format fmt;
} format_exts[] = {
    {.ext = ".csv", .fmt = PCL_FMT_CSV},     {.ext = ".json", .fmt = PCL_FMT_JSON},
    {.ext = ".jsonl", .fmt = PCL_FMT_JSONL}, {.ext = ".ndjson", .fmt = PCL_FMT_JSONL},
    {.ext = ".tab", .fmt = PCL_FMT_TSV},     {.ext = ".tsv", .fmt = PCL_FMT_TSV},
};

static bool
ends_with_ci(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    if (n < k) {
        return false;
    }
    for (size_t i = 0; i < k; i++) {
        if (pcl_lower(s[n - k + i]) != suffix[i]) {
            return false;
        }
    }
    return true;
}

static bool
is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* First non-blank byte at or after *i within [0, n), or -1. */
static int
next_nonblank(const char *s, size_t n, size_t *i)
{
    while (*i < n && is_ws(s[*i])) {
        (*i)++;
    }
    return *i < n ? (unsigned char)s[*i] : -1;
}

/* Whether the '{' or '[' at s[i] may open a JSON value, from the byte after it (blanks skipped,
 * within [0, n)): a key or '}' after '{'; a value or ']' after '[' ("[core]", an INI section,
 * opens none). True when the head ends first. */
static bool
opens_value(const char *s, size_t n, size_t i)
{
    static const char *const words[] = {"true", "false", "null"};
    size_t k = i + 1;
    int c = next_nonblank(s, n, &k);

    if (c == -1) {
        return true;
    }
    if (s[i] == '{') {
        return c == '"' || c == '}';
    }
    if (c == '"' || c == '{' || c == '[' || c == ']' || c == '-' || pcl_is_digit((char)c)) {
        return true;
    }
    for (size_t w = 0; w < PCL_ARRAY_LEN(words); w++) {
        size_t len = strlen(words[w]);

        if (n - k < len) {
            if (strncmp(s + k, words[w], n - k) == 0) {
                return true;
            }
            continue;
        }
        if (memcmp(s + k, words[w], len) == 0 && (n - k == len || !pcl_is_alnum(s[k + len]))) {
            return true;
        }
    }
    return false;
}

static enum pcl_format
sniff_json(const char *head, size_t n)
{
    size_t i = 0;
    size_t j;
    int c = next_nonblank(head, n, &i);
    const char *nl;
    char last = '\0';

    if ((c != '{' && c != '[') || !opens_value(head, n, i)) {
        return PCL_FMT_TEXT;
    }
    nl = memchr(head + i, '\n', n - i);
    if (nl == NULL) {
        return PCL_FMT_JSON;
    }
    /* JSONL when the first line holds a complete-looking value and the next does too */
    for (j = i; head + j < nl; j++) {
        if (!is_ws(head[j])) {
            last = head[j];
        }
    }
    if (j - i < 2 || (last != '}' && last != ']')) {
        return PCL_FMT_JSON;
    }
    j = (size_t)(nl - head);
    c = next_nonblank(head, n, &j);
    if (c == -1) {
        return PCL_FMT_JSON; /* one value, then nothing */
    }
    if ((c != '{' && c != '[') || !opens_value(head, n, j)) {
        return PCL_FMT_TEXT; /* a log whose first line is a JSON record */
    }
    /* JSON Lines only when every other complete line of the head looks like a value too: a
     * log that mixes JSON records with plain lines is text (one walk per line would warn on
     * most of its lines) */
    for (size_t at = (size_t)(nl - head) + 1; at < n;) {
        const char *end = memchr(head + at, '\n', n - at);
        size_t k = at, e;

        if (end == NULL) {
            break; /* the last line may be cut off by the head */
        }
        e = (size_t)(end - head);
        while (k < e && is_ws(head[k])) {
            k++;
        }
        while (e > k && is_ws(head[e - 1])) {
            e--;
        }
        if (k < e && ((head[k] != '{' && head[k] != '[') ||
                      (head[e - 1] != '}' && head[e - 1] != ']') || !opens_value(head, e, k))) {
            return PCL_FMT_TEXT;
        }
        at = (size_t)(end - head) + 1;
    }
    return PCL_FMT_JSONL;
}

enum pcl_format
pcl_format_sniff(const char *name, const char *head, size_t headlen)
{
    size_t scan = PCL_MIN(headlen, (size_t)IN_SNIFF_SCAN);

    if (head != NULL && scan > 0 && memchr(head, '\0', scan) != NULL) {
        return PCL_FMT_BINARY;
    }
    if (name != NULL) {
        size_t n = strlen(name);

        if (ends_with_ci(name, n, ".gz")) {
            n -= 3;
        }
        for (size_t i = 0; i < PCL_ARRAY_LEN(format_exts); i++) {
            if (ends_with_ci(name, n, format_exts[i].ext)) {
                return format_exts[i].fmt;
            }
        }
    }
    if (head == NULL) {
        return PCL_FMT_TEXT;
    }
    return sniff_json(head, scan);
}

enum pcl_rc
pcl_format_parse(const char *s, enum pcl_format *out, struct pcl_err *err)
{
    for (size_t i = 0; i < PCL_ARRAY_LEN(format_names); i++) {
        const char *a = format_names[i].name;
        size_t k = 0;

        while (a[k] != '\0' && pcl_lower(s[k]) == a[k]) {
            k++;
        }
        if (a[k] == '\0' && s[k] == '\0') {
            *out = format_names[i].fmt;
            return PCL_OK;
        }
    }
    return pcl_err_set(err, PCL_EINVAL,
                       "input format: unknown format \"%.64s\" (expected text, csv, tsv, json, "
                       "jsonl or binary)",
                       s);
}

const char *
pcl_format_name(enum pcl_format f)
{
    switch (f) {
    case PCL_FMT_TEXT:
        return "text";
    case PCL_FMT_CSV:
        return "csv";
    case PCL_FMT_TSV:
        return "tsv";
    case PCL_FMT_JSON:
        return "json";
    case PCL_FMT_JSONL:
        return "jsonl";
    case PCL_FMT_BINARY:
        return "binary";
    }
    return "unknown";
}
