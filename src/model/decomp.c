/* SPDX-License-Identifier: Apache-2.0 */
/* Decompression of wrapped models (gzip, zlib as joblib writes it, bzip2, xz, lz4 frames) and
 * of deflated zip members, with a total-size budget and a ratio limit per stream so bombs end
 * as `unscannable` instead of exhausting memory. */
#include "mscan.h"

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

enum ckind {
    CK_NONE = 0,
    CK_GZIP = 1,
    CK_ZLIB = 2,
    CK_BZ2 = 3,
    CK_XZ = 4,
    CK_LZ4 = 5,
    CK_RAW = 6, /* raw deflate (zip members) */
};

#define CHUNK    ((size_t)1 << 20)
#define SPILL_AT ((size_t)16 << 20) /* larger output goes to a temporary file */

int
mscan_compressed_sniff(const uint8_t *d, size_t n)
{
    if (n >= 3 && d[0] == 0x1F && d[1] == 0x8B && d[2] == 8) {
        return CK_GZIP;
    }
    if (n >= 4 && d[0] == 'B' && d[1] == 'Z' && d[2] == 'h' && d[3] >= '1' && d[3] <= '9') {
        return CK_BZ2;
    }
    if (n >= 6 && memcmp(d,
                         "\xFD"
                         "7zXZ\x00",
                         6) == 0) {
        return CK_XZ;
    }
    if (n >= 4 && memcmp(d, "\x04\x22\x4D\x18", 4) == 0) {
        return CK_LZ4;
    }
    /* zlib: CM 8, window <= 32K, header checksum, no preset dictionary */
    if (n >= 2 && (d[0] & 0x0F) == 8 && (d[0] >> 4) <= 7 && (d[1] & 0x20) == 0 &&
        ((unsigned)d[0] * 256u + d[1]) % 31u == 0) {
        return CK_ZLIB;
    }
    return CK_NONE;
}

bool
mscan_compressed_is_weak(int kind)
{
    return kind == CK_ZLIB;
}

const char *
mscan_compressed_name(int kind)
{
    switch (kind) {
    case CK_GZIP:
        return "gzip";
    case CK_ZLIB:
        return "zlib";
    case CK_BZ2:
        return "bzip2";
    case CK_XZ:
        return "xz";
    case CK_LZ4:
        return "lz4";
    default:
        return "deflate";
    }
}

/* Decompressed output: a heap window that grows to SPILL_AT, then is written out to an
 * unlinked temporary file each time it fills, so memory stays constant however large the
 * stream; the finished file is memory-mapped for the parsers. The decompressors write at
 * p + len with cap - len bytes of room; cap never lets the total pass max. */
struct out {
    uint8_t *p;
    size_t len, cap, alloc;
    uint64_t max;
    uint64_t spilled; /* bytes already written to fd */
    int fd;           /* -1 until the first spill */
    int io_errno;     /* set when spilling failed */
};

static uint64_t
out_total(const struct out *o)
{
    return o->spilled + o->len;
}

static int
spill_open(void)
{
    const char *dir = getenv("TMPDIR"); /* NOLINT(concurrency-mt-unsafe) */
    char path[4096];
    int fd;

    (void)snprintf(path, sizeof(path), "%s/portcullis-inflate-XXXXXX",
                   dir != NULL && dir[0] != '\0' ? dir : "/tmp");
    fd = mkstemp(path);
    if (fd >= 0) {
        (void)unlink(path);
    }
    return fd;
}

static bool
out_spill(struct out *o)
{
    size_t off = 0;

    if (o->fd < 0) {
        o->fd = spill_open();
        if (o->fd < 0) {
            o->io_errno = errno;
            return false;
        }
    }
    while (off < o->len) {
        ssize_t w = write(o->fd, o->p + off, o->len - off);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            o->io_errno = w < 0 ? errno : ENOSPC;
            return false;
        }
        off += (size_t)w;
    }
    o->spilled += o->len;
    o->len = 0;
    return true;
}

/* Room for at least one more chunk; false when the limit is reached, or out of memory (sets
 * *nomem), or the spill file cannot be written (sets o->io_errno). */
static bool
out_grow(struct out *o, bool *nomem)
{
    if (o->cap - o->len >= 4096) {
        return true;
    }
    if (out_total(o) >= o->max) {
        return false;
    }
    if (o->alloc >= SPILL_AT && o->alloc - o->len < 4096) {
        if (!out_spill(o)) {
            return false;
        }
    } else if (o->alloc - o->len < 4096) {
        size_t ncap = o->alloc == 0 ? CHUNK : PCL_MIN(o->alloc * 2, SPILL_AT);
        uint8_t *np = pcl_realloc(o->p, ncap);

        if (np == NULL) {
            *nomem = true;
            return false;
        }
        o->p = np;
        o->alloc = ncap;
    }
    o->cap = (size_t)PCL_MIN((uint64_t)o->alloc, o->len + (o->max - out_total(o)));
    return o->cap > o->len;
}

/* Returns 0 on success, 1 on corrupt data (why set), 2 on limit, -1 out of memory. */
static int
run_zlib(const uint8_t *d, size_t n, int wbits, struct out *o, const char **why)
{
    z_stream z;
    int zr = Z_OK;
    bool nomem = false;
    size_t in_off = 0;

    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, wbits) != Z_OK) {
        return -1;
    }
    while (in_off < n || zr != Z_STREAM_END) {
        if (!out_grow(o, &nomem)) {
            (void)inflateEnd(&z);
            return nomem ? -1 : 2;
        }
        z.next_in = (Bytef *)(uintptr_t)(d + in_off);
        z.avail_in = (uInt)PCL_MIN(n - in_off, (size_t)UINT32_MAX);
        z.next_out = o->p + o->len;
        z.avail_out = (uInt)PCL_MIN(o->cap - o->len, (size_t)UINT32_MAX);
        {
            uInt before_in = z.avail_in, before_out = z.avail_out;

            zr = inflate(&z, Z_NO_FLUSH);
            in_off += before_in - z.avail_in;
            o->len += before_out - z.avail_out;
            if (zr == Z_STREAM_END) {
                /* gzip: another member may follow (concatenated streams) */
                if (wbits > MAX_WBITS && in_off + 2 <= n && d[in_off] == 0x1F &&
                    d[in_off + 1] == 0x8B) {
                    (void)inflateReset(&z);
                    zr = Z_OK;
                    continue;
                }
                break;
            }
            if (zr == Z_BUF_ERROR && before_in == z.avail_in && before_out == z.avail_out) {
                *why = "truncated stream";
                (void)inflateEnd(&z);
                return 1;
            }
            if (zr != Z_OK && zr != Z_BUF_ERROR) {
                *why = z.msg != NULL ? z.msg : "corrupt data";
                (void)inflateEnd(&z);
                return zr == Z_MEM_ERROR ? -1 : 1;
            }
            if (in_off == n && z.avail_out != 0) {
                *why = "truncated stream";
                (void)inflateEnd(&z);
                return 1;
            }
        }
    }
    (void)inflateEnd(&z);
    return 0;
}

static int
run_bz2(const uint8_t *d, size_t n, struct out *o, const char **why)
{
    bz_stream b;
    int br = BZ_OK;
    bool nomem = false;
    size_t in_off = 0;

    memset(&b, 0, sizeof(b));
    if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) {
        return -1;
    }
    for (;;) {
        unsigned before_in, before_out;

        if (!out_grow(o, &nomem)) {
            (void)BZ2_bzDecompressEnd(&b);
            return nomem ? -1 : 2;
        }
        b.next_in = (char *)(uintptr_t)(d + in_off);
        b.avail_in = (unsigned)PCL_MIN(n - in_off, (size_t)UINT32_MAX);
        b.next_out = (char *)(o->p + o->len);
        b.avail_out = (unsigned)PCL_MIN(o->cap - o->len, (size_t)UINT32_MAX);
        before_in = b.avail_in;
        before_out = b.avail_out;
        br = BZ2_bzDecompress(&b);
        in_off += before_in - b.avail_in;
        o->len += before_out - b.avail_out;
        if (br == BZ_STREAM_END) {
            if (in_off + 4 <= n && memcmp(d + in_off, "BZh", 3) == 0) {
                (void)BZ2_bzDecompressEnd(&b);
                memset(&b, 0, sizeof(b));
                if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) {
                    return -1;
                }
                continue;
            }
            break;
        }
        if (br != BZ_OK) {
            *why = "corrupt bzip2 data";
            (void)BZ2_bzDecompressEnd(&b);
            return br == BZ_MEM_ERROR ? -1 : 1;
        }
        if (in_off == n && before_in == b.avail_in && before_out == b.avail_out) {
            *why = "truncated stream";
            (void)BZ2_bzDecompressEnd(&b);
            return 1;
        }
    }
    (void)BZ2_bzDecompressEnd(&b);
    return 0;
}

static int
run_xz(const uint8_t *d, size_t n, struct out *o, const char **why)
{
    lzma_stream x = LZMA_STREAM_INIT;
    lzma_ret xr;
    bool nomem = false;

    if (lzma_stream_decoder(&x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
        return -1;
    }
    x.next_in = d;
    x.avail_in = n;
    for (;;) {
        size_t before_out;

        if (!out_grow(o, &nomem)) {
            lzma_end(&x);
            return nomem ? -1 : 2;
        }
        x.next_out = o->p + o->len;
        x.avail_out = o->cap - o->len;
        before_out = x.avail_out;
        xr = lzma_code(&x, x.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
        o->len += before_out - x.avail_out;
        if (xr == LZMA_STREAM_END) {
            break;
        }
        if (xr != LZMA_OK) {
            *why = xr == LZMA_BUF_ERROR ? "truncated stream" : "corrupt xz data";
            lzma_end(&x);
            return xr == LZMA_MEM_ERROR ? -1 : 1;
        }
    }
    lzma_end(&x);
    return 0;
}

static int
run_lz4(const uint8_t *d, size_t n, struct out *o, const char **why)
{
    LZ4F_dctx *ctx = NULL;
    size_t in_off = 0, hint = 1;
    bool nomem = false;

    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) {
        return -1;
    }
    while (in_off < n && hint != 0) {
        size_t src = n - in_off, dst;

        if (!out_grow(o, &nomem)) {
            (void)LZ4F_freeDecompressionContext(ctx);
            return nomem ? -1 : 2;
        }
        dst = o->cap - o->len;
        hint = LZ4F_decompress(ctx, o->p + o->len, &dst, d + in_off, &src, NULL);
        if (LZ4F_isError(hint)) {
            *why = LZ4F_getErrorName(hint);
            (void)LZ4F_freeDecompressionContext(ctx);
            return 1;
        }
        in_off += src;
        o->len += dst;
        if (src == 0 && dst == 0) {
            break;
        }
    }
    (void)LZ4F_freeDecompressionContext(ctx);
    if (hint != 0) {
        *why = "truncated stream";
        return 1;
    }
    return 0;
}

static void
out_fini(struct out *o)
{
    pcl_free(o->p);
    if (o->fd >= 0) {
        (void)close(o->fd);
    }
}

/* Hand the output over as res: the heap window when nothing was spilled, else the spill file
 * (with the window's tail written out) mapped read-only. */
static enum pcl_rc
out_finish(struct mscan *s, struct out *o, struct mscan_bytes *res)
{
    void *map;

    if (o->fd < 0) {
        *res = (struct mscan_bytes){.p = o->p, .len = o->len, .mapped = false};
        o->p = NULL;
        return PCL_OK;
    }
    if (o->len > 0 && !out_spill(o)) {
        return mscan_unscannable(s, 0, "cannot write decompressed data to a temporary file: %s",
                                 strerror(o->io_errno));
    }
    map = mmap(NULL, (size_t)o->spilled, PROT_READ, MAP_PRIVATE, o->fd, 0);
    if (map == MAP_FAILED) {
        return mscan_unscannable(s, 0, "cannot map %llu bytes of decompressed data: %s",
                                 (unsigned long long)o->spilled, strerror(errno));
    }
    (void)madvise(map, (size_t)o->spilled, MADV_SEQUENTIAL);
    *res = (struct mscan_bytes){.p = map, .len = (size_t)o->spilled, .mapped = true};
    return PCL_OK;
}

void
mscan_bytes_free(struct mscan_bytes *b)
{
    if (b->mapped) {
        (void)munmap(b->p, b->len);
    } else {
        pcl_free(b->p);
    }
    *b = (struct mscan_bytes){0};
}

/* Decompress into res (empty when an unscannable finding was added instead). */
static enum pcl_rc
decompress(struct mscan *s, const uint8_t *d, size_t n, int kind, struct mscan_bytes *res)
{
    struct out o;
    const char *why = "corrupt data";
    uint64_t budget = s->o.max_decompressed - PCL_MIN(s->inflated, s->o.max_decompressed);
    uint64_t ratio_cap = PCL_MAX((uint64_t)n * s->o.max_ratio, (uint64_t)64 << 10);
    enum pcl_rc rc = PCL_OK;
    int r;

    *res = (struct mscan_bytes){0};
    memset(&o, 0, sizeof(o));
    o.fd = -1;
    o.max = PCL_MIN(PCL_MIN(budget, ratio_cap), (uint64_t)SIZE_MAX / 2);
    switch (kind) {
    case CK_GZIP:
        r = run_zlib(d, n, MAX_WBITS + 16, &o, &why);
        break;
    case CK_ZLIB:
        r = run_zlib(d, n, MAX_WBITS, &o, &why);
        break;
    case CK_RAW:
        r = run_zlib(d, n, -MAX_WBITS, &o, &why);
        break;
    case CK_BZ2:
        r = run_bz2(d, n, &o, &why);
        break;
    case CK_XZ:
        r = run_xz(d, n, &o, &why);
        break;
    default:
        r = run_lz4(d, n, &o, &why);
        break;
    }
    if (r == -1) {
        rc = pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
    } else if (r == 2 && o.io_errno != 0) {
        rc = mscan_unscannable(s, 0, "cannot write decompressed data to a temporary file: %s",
                               strerror(o.io_errno));
    } else if (r == 2) {
        rc = mscan_unscannable(
            s, 0, "%s data expands past %s (%llu bytes): decompression bomb or oversized model",
            mscan_compressed_name(kind),
            o.max == budget ? "the size budget" : "the compression ratio limit",
            (unsigned long long)o.max);
    } else if (r == 1 && kind == CK_ZLIB && out_total(&o) == 0) {
        rc = PCL_OK; /* a two-byte coincidence, not zlib */
    } else {
        if (r == 1) {
            /* what was inflated before the damage is still scanned: a loader would run it */
            rc = mscan_unscannable(s, 0, "%s data is damaged after %llu bytes: %s",
                                   mscan_compressed_name(kind), (unsigned long long)out_total(&o),
                                   why);
        }
        if (rc == PCL_OK && out_total(&o) > 0) {
            s->inflated += out_total(&o);
            rc = out_finish(s, &o, res);
        }
    }
    out_fini(&o);
    return rc;
}

enum pcl_rc
mscan_inflate_raw(struct mscan *s, const uint8_t *data, size_t len, struct mscan_bytes *out)
{
    return decompress(s, data, len, CK_RAW, out);
}

enum pcl_rc
mscan_compressed(struct mscan *s, const uint8_t *data, size_t len, int kind)
{
    struct mscan_bytes b;
    size_t old;
    enum pcl_rc rc;
    char label[32];
    int n;

    rc = decompress(s, data, len, kind, &b);
    if (rc != PCL_OK || b.p == NULL) {
        return rc;
    }
    n = snprintf(label, sizeof(label), "<%s>", mscan_compressed_name(kind));
    old = mscan_member_push(s, label, n > 0 ? (size_t)n : 0);
    rc = mscan_blob(s, b.p, b.len, label);
    mscan_member_pop(s, old);
    mscan_bytes_free(&b);
    return rc;
}

/* Counting is bounded by CPU time, not memory: up to 16 times the storage budget. */
enum pcl_rc
mscan_inflate_count(struct mscan *s, const uint8_t *data, size_t len, uint8_t *head, size_t headcap,
                    size_t *headlen, uint64_t *total)
{
    z_stream z;
    uint8_t *scratch;
    uint64_t limit = s->o.max_decompressed * 16;
    int zr = Z_OK;
    size_t in_off = 0;
    enum pcl_rc rc = PCL_OK;

    *headlen = 0;
    *total = 0;
    scratch = pcl_malloc(CHUNK);
    if (scratch == NULL) {
        return pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
    }
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
        pcl_free(scratch);
        return pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
    }
    while (zr != Z_STREAM_END) {
        uInt before_in, before_out;
        size_t got;

        z.next_in = (Bytef *)(uintptr_t)(data + in_off);
        z.avail_in = (uInt)PCL_MIN(len - in_off, (size_t)UINT32_MAX);
        z.next_out = scratch;
        z.avail_out = (uInt)CHUNK;
        before_in = z.avail_in;
        before_out = z.avail_out;
        zr = inflate(&z, Z_NO_FLUSH);
        in_off += before_in - z.avail_in;
        got = before_out - z.avail_out;
        if (*headlen < headcap) {
            size_t k = PCL_MIN(got, headcap - *headlen);

            memcpy(head + *headlen, scratch, k);
            *headlen += k;
        }
        *total += got;
        if (zr == Z_STREAM_END) {
            break;
        }
        if ((zr != Z_OK && zr != Z_BUF_ERROR) || (before_in == z.avail_in && got == 0)) {
            rc = mscan_unscannable(s, 0, "deflate data is damaged after %llu bytes",
                                   (unsigned long long)*total);
            *total = UINT64_MAX;
            break;
        }
        if (*total > limit) {
            rc = mscan_unscannable(s, 0, "deflate data expands past %llu bytes",
                                   (unsigned long long)limit);
            *total = UINT64_MAX;
            break;
        }
    }
    (void)inflateEnd(&z);
    pcl_free(scratch);
    return rc;
}
