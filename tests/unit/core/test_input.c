/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for input sources, transparent gzip and format sniffing (src/core/input.c). */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include <ftw.h>

#include <portcullis/formats.h>

struct fixture {
    char dir[64];
};

static int
setup(void **state)
{
    struct fixture *f = pcl_calloc(1, sizeof(*f));

    if (f == NULL) {
        return -1;
    }
    (void)snprintf(f->dir, sizeof(f->dir), "/tmp/pcl_input_XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        pcl_free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    int rc = nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); /* NOLINT(concurrency-mt-unsafe) */

    pcl_free(f);
    return rc;
}

/* Append a gzip member holding data[0..len) to out. */
static void
gzip_append(struct pcl_buf *out, const void *data, size_t len)
{
    z_stream zs;
    unsigned char chunk[4096];
    int zrc;

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    do {
        zs.next_out = chunk;
        zs.avail_out = sizeof(chunk);
        zrc = deflate(&zs, Z_FINISH);
        assert_true(zrc == Z_OK || zrc == Z_STREAM_END);
        assert_int_equal(pcl_buf_append(out, chunk, sizeof(chunk) - zs.avail_out), PCL_OK);
    } while (zrc != Z_STREAM_END);
    (void)deflateEnd(&zs);
}

static void
write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Text that compresses but not trivially: numbered lines with an LCG-chosen word. */
static void
make_text(struct pcl_buf *b, size_t lines)
{
    static const char *words[] = {"alpha", "bravo", "charlie", "delta", "echo@example.com"};
    uint32_t x = 12345;

    for (size_t i = 0; i < lines; i++) {
        x = x * 1103515245u + 12345u;
        assert_int_equal(pcl_buf_appendf(b, "%zu,%s,%u\n", i, words[(x >> 16) % 5], x), PCL_OK);
    }
}

/* Read everything with reads of `chunk` bytes. */
static enum pcl_rc
read_all(struct pcl_input *in, size_t chunk, struct pcl_buf *out, struct pcl_err *err)
{
    char buf[70000];
    enum pcl_rc rc;

    for (;;) {
        size_t got = 0;

        rc = pcl_input_read(in, buf, chunk, &got, err);
        if (rc != PCL_OK) {
            return rc;
        }
        if (got == 0) {
            return PCL_OK;
        }
        assert_true(got <= chunk);
        assert_int_equal(pcl_buf_append(out, buf, got), PCL_OK);
    }
}

static const size_t chunk_sizes[] = {1, 7, 4096, 65536, 70000};

static void
test_pcl_input_read_plain_and_gzip_files(void **state)
{
    struct fixture *f = *state;
    struct pcl_buf text;
    struct pcl_buf gz;
    char plain_path[128];
    char gz_path[128];

    pcl_buf_init(&text, 0);
    pcl_buf_init(&gz, 0);
    make_text(&text, 40000); /* ~1 MB, more than the 64 KiB read-ahead */
    /* two members: gzip -c a b > c style */
    gzip_append(&gz, text.ptr, text.len / 3);
    gzip_append(&gz, text.ptr + text.len / 3, text.len - text.len / 3);
    (void)snprintf(plain_path, sizeof(plain_path), "%s/plain.csv", f->dir);
    (void)snprintf(gz_path, sizeof(gz_path), "%s/data.csv.gz", f->dir);
    write_file(plain_path, text.ptr, text.len);
    write_file(gz_path, gz.ptr, gz.len);

    for (size_t k = 0; k < sizeof(chunk_sizes) / sizeof(chunk_sizes[0]); k++) {
        const char *paths[] = {plain_path, gz_path};

        if (chunk_sizes[k] == 1) {
            continue; /* byte-by-byte over 1 MB is slow under ASan; covered by memory below */
        }
        for (size_t p = 0; p < 2; p++) {
            struct pcl_input *in = NULL;
            struct pcl_buf got;
            struct pcl_err err = {0};

            pcl_buf_init(&got, 0);
            assert_int_equal(pcl_input_open(paths[p], &in, &err), PCL_OK);
            assert_int_equal(read_all(in, chunk_sizes[k], &got, &err), PCL_OK);
            assert_int_equal(got.len, text.len);
            assert_memory_equal(got.ptr, text.ptr, text.len);
            assert_int_equal(pcl_input_is_gzip(in), p == 1);
            assert_int_equal(pcl_input_raw_offset(in), p == 1 ? gz.len : text.len);
            assert_string_equal(pcl_input_name(in), paths[p]);
            pcl_input_free(in);
            pcl_buf_fini(&got);
        }
    }
    pcl_buf_fini(&text);
    pcl_buf_fini(&gz);
}

/* A range is read as it is (a gzip file's bytes are not inflated), with every read size,
 * and ends at its end or at the file's. */
static void
test_pcl_input_open_range(void **state)
{
    struct fixture *f = *state;
    struct pcl_buf text;
    struct pcl_buf gz;
    char path[128];
    char gz_path[128];
    static const uint64_t ranges[][2] = {{0, 0},          {0, 1},         {1, 9},
                                         {12345, 100000}, {65536, 65536}, {500000, 1 << 20}};

    pcl_buf_init(&text, 0);
    pcl_buf_init(&gz, 0);
    make_text(&text, 40000);
    gzip_append(&gz, text.ptr, text.len);
    (void)snprintf(path, sizeof(path), "%s/plain.txt", f->dir);
    (void)snprintf(gz_path, sizeof(gz_path), "%s/data.gz", f->dir);
    write_file(path, text.ptr, text.len);
    write_file(gz_path, gz.ptr, gz.len);
    for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
        for (size_t k = 1; k < sizeof(chunk_sizes) / sizeof(chunk_sizes[0]); k++) {
            uint64_t off = ranges[r][0];
            size_t want = (size_t)(ranges[r][1] < text.len - off ? ranges[r][1] : text.len - off);
            struct pcl_input *in = NULL;
            struct pcl_buf got;
            struct pcl_err err = {0};

            pcl_buf_init(&got, 0);
            assert_int_equal(pcl_input_open_range(path, off, ranges[r][1], &in, &err), PCL_OK);
            assert_int_equal(read_all(in, chunk_sizes[k], &got, &err), PCL_OK);
            assert_int_equal(got.len, want);
            assert_memory_equal(got.ptr, text.ptr + off, want);
            pcl_input_free(in);
            pcl_buf_fini(&got);
        }
    }
    {
        struct pcl_input *in = NULL;
        struct pcl_buf got;
        struct pcl_err err = {0};

        pcl_buf_init(&got, 0);
        assert_int_equal(pcl_input_open_range(gz_path, 0, 100, &in, &err), PCL_OK);
        assert_int_equal(read_all(in, 4096, &got, &err), PCL_OK);
        assert_int_equal(got.len, 100);
        assert_memory_equal(got.ptr, gz.ptr, 100);
        assert_false(pcl_input_is_gzip(in));
        pcl_input_free(in);
        pcl_buf_fini(&got);
        assert_int_equal(pcl_input_open_range("-", 0, 10, &in, &err), PCL_EINVAL);
        assert_null(in);
        assert_non_null(strstr(err.msg, "<stdin>"));
    }
    pcl_buf_fini(&text);
    pcl_buf_fini(&gz);
}

/* A short read that ends at the size the file had when opened is its end (no read() for the
 * 0); a file that grew after it was opened, or a /proc file whose size is 0, is still read to
 * its real end. */
static void
test_pcl_input_read_to_the_real_end(void **state)
{
    struct fixture *f = *state;
    char path[128];
    struct pcl_input *in = NULL;
    struct pcl_buf out;
    struct pcl_err err;
    FILE *fp;

    (void)snprintf(path, sizeof(path), "%s/grows.txt", f->dir);
    write_file(path, "0123456789", 10);
    for (size_t c = 0; c < sizeof(chunk_sizes) / sizeof(chunk_sizes[0]); c++) {
        pcl_buf_init(&out, 0);
        assert_int_equal(pcl_input_open(path, &in, &err), PCL_OK);
        if (c == 0) {
            fp = fopen(path, "ab"); /* grows between open() and the first read() */
            assert_non_null(fp);
            assert_int_equal(fwrite("abcde", 1, 5, fp), 5);
            assert_int_equal(fclose(fp), 0);
        }
        assert_int_equal(read_all(in, chunk_sizes[c], &out, &err), PCL_OK);
        assert_int_equal(out.len, 15);
        assert_memory_equal(out.ptr, "0123456789abcde", 15);
        pcl_input_free(in);
        pcl_buf_fini(&out);
    }
    pcl_buf_init(&out, 0);
    assert_int_equal(pcl_input_open("/proc/self/status", &in, &err), PCL_OK);
    assert_int_equal(read_all(in, 4096, &out, &err), PCL_OK);
    assert_non_null(strstr(out.ptr, "\nPid:"));
    assert_non_null(strstr(out.ptr, "\nThreads:")); /* past any first short read */
    pcl_input_free(in);
    pcl_buf_fini(&out);
}

static void
test_pcl_input_read_gzip_memory_any_chunk(void **state)
{
    struct pcl_buf text;
    struct pcl_buf gz;

    (void)state;
    pcl_buf_init(&text, 0);
    pcl_buf_init(&gz, 0);
    make_text(&text, 50);
    gzip_append(&gz, text.ptr, 10);
    gzip_append(&gz, "", 0); /* an empty member in the middle */
    gzip_append(&gz, text.ptr + 10, text.len - 10);
    assert_int_equal(pcl_buf_append(&gz, "\0\0\0", 3), PCL_OK); /* zero padding */
    for (size_t chunk = 1; chunk < 40; chunk++) {
        struct pcl_input *in = NULL;
        struct pcl_buf got;
        struct pcl_err err = {0};

        pcl_buf_init(&got, 0);
        assert_int_equal(pcl_input_open_mem("body", gz.ptr, gz.len, &in, &err), PCL_OK);
        assert_int_equal(read_all(in, chunk, &got, &err), PCL_OK);
        assert_int_equal(got.len, text.len);
        assert_memory_equal(got.ptr, text.ptr, text.len);
        assert_true(pcl_input_is_gzip(in));
        pcl_input_free(in);
        pcl_buf_fini(&got);
    }
    pcl_buf_fini(&text);
    pcl_buf_fini(&gz);
}

enum corrupt_kind { TRUNCATE, FLIP, TRAILING };

static const struct {
    const char *name;
    enum corrupt_kind kind;
    const char *msg_part;
} corrupt_cases[] = {
    {"truncated", TRUNCATE, "body: corrupt gzip data at compressed offset "},
    {"flipped bytes", FLIP, "body: corrupt gzip data at compressed offset "},
    {"trailing garbage", TRAILING, "trailing garbage after gzip member"},
};

static void
test_pcl_input_read_corrupt_gzip(void **state)
{
    struct pcl_buf text;

    (void)state;
    pcl_buf_init(&text, 0);
    make_text(&text, 2000);
    for (size_t k = 0; k < sizeof(corrupt_cases) / sizeof(corrupt_cases[0]); k++) {
        struct pcl_buf gz;
        struct pcl_buf got;
        struct pcl_input *in = NULL;
        struct pcl_err err = {0};

        pcl_buf_init(&gz, 0);
        pcl_buf_init(&got, 0);
        gzip_append(&gz, text.ptr, text.len);
        if (corrupt_cases[k].kind == TRUNCATE) {
            gz.len /= 2;
        } else if (corrupt_cases[k].kind == FLIP) {
            for (size_t i = gz.len / 2; i < gz.len / 2 + 16; i++) {
                gz.ptr[i] = (char)~gz.ptr[i];
            }
        } else {
            assert_int_equal(pcl_buf_append(&gz, "garbage", 7), PCL_OK);
        }
        assert_int_equal(pcl_input_open_mem("body", gz.ptr, gz.len, &in, &err), PCL_OK);
        assert_int_equal(read_all(in, 4096, &got, &err), PCL_EIO);
        if (strstr(err.msg, corrupt_cases[k].msg_part) == NULL) {
            fail_msg("case %s: %s", corrupt_cases[k].name, err.msg);
        }
        pcl_input_free(in);
        pcl_buf_fini(&gz);
        pcl_buf_fini(&got);
    }
    pcl_buf_fini(&text);
}

/* Everything of in, with a peek first when peek is set: the peeked bytes are read again. */
static enum pcl_rc
read_all_ahead(struct pcl_input *in, bool ahead, bool peek, size_t chunk, struct pcl_buf *out,
               struct pcl_err *err)
{
    if (peek) {
        const char *head = NULL;
        size_t len = 0;

        assert_int_equal(pcl_input_peek(in, &head, &len, err), PCL_OK);
    }
    if (ahead) {
        assert_int_equal(pcl_input_readahead(in, err), PCL_OK);
    }
    return read_all(in, chunk, out, err);
}

/* Read-ahead gives the same bytes, the same end and the same errors (every byte decoded before
 * one comes first), for a gzip stream larger than its ring, with a peek before it or not, and
 * changes nothing for plain input; freeing the input mid-stream stops its thread. */
static void
test_pcl_input_readahead(void **state)
{
    struct pcl_buf text, gz;

    (void)state;
    pcl_buf_init(&text, 0);
    pcl_buf_init(&gz, 0);
    make_text(&text, 400000); /* about 10 MB: more than the 4 MiB ring */
    gzip_append(&gz, text.ptr, text.len / 3);
    gzip_append(&gz, text.ptr + text.len / 3, text.len - text.len / 3);
    for (int variant = 0; variant < 6; variant++) {
        bool plain = variant == 5;
        const char *src = plain ? text.ptr : gz.ptr;
        size_t len = plain ? text.len : gz.len;
        struct pcl_buf a, b;
        struct pcl_input *in = NULL;
        struct pcl_err ea = {0}, eb = {0};
        enum pcl_rc ra, rb;
        char *bad = pcl_malloc(len);

        assert_non_null(bad);
        memcpy(bad, src, len);
        if (variant == 3) {
            len = len * 2 / 3; /* truncated in the second member */
        } else if (variant == 4) {
            for (size_t i = len / 2; i < len / 2 + 16; i++) {
                bad[i] = (char)~bad[i];
            }
        }
        pcl_buf_init(&a, 0);
        pcl_buf_init(&b, 0);
        assert_int_equal(pcl_input_open_mem("body", bad, len, &in, &ea), PCL_OK);
        ra = read_all_ahead(in, false, variant % 2 == 1, 4096, &a, &ea);
        pcl_input_free(in);
        assert_int_equal(pcl_input_open_mem("body", bad, len, &in, &eb), PCL_OK);
        rb = read_all_ahead(in, true, variant % 2 == 1, variant == 2 ? 7 : 70000, &b, &eb);
        assert_int_equal(pcl_input_is_gzip(in), !plain);
        if (rb == PCL_OK) {
            assert_int_equal(pcl_input_raw_offset(in), len);
        }
        pcl_input_free(in);
        assert_int_equal(rb, ra);
        assert_string_equal(eb.msg, ea.msg);
        /* a read that meets an error drops what it decoded, so after an error the read-ahead
         * (which keeps it) may have given more, never other, bytes */
        assert_true(ra != PCL_OK ? b.len >= a.len : b.len == a.len);
        assert_memory_equal(b.ptr, a.ptr, a.len);
        if (variant >= 3 && variant <= 4) {
            assert_int_equal(rb, PCL_EIO);
        } else {
            assert_int_equal(rb, PCL_OK);
            assert_int_equal(b.len, text.len);
            assert_memory_equal(b.ptr, text.ptr, text.len);
        }
        pcl_buf_fini(&a);
        pcl_buf_fini(&b);
        pcl_free(bad);
    }
    /* freed after one read, while the thread waits on a full ring */
    for (int i = 0; i < 20; i++) {
        struct pcl_input *in = NULL;
        struct pcl_err err = {0};
        char buf[100];
        size_t got = 0;

        assert_int_equal(pcl_input_open_mem("body", gz.ptr, gz.len, &in, &err), PCL_OK);
        assert_int_equal(pcl_input_readahead(in, &err), PCL_OK);
        assert_int_equal(pcl_input_read(in, buf, sizeof(buf), &got, &err), PCL_OK);
        assert_int_equal(got, sizeof(buf));
        assert_memory_equal(buf, text.ptr, sizeof(buf));
        pcl_input_free(in);
    }
    pcl_buf_fini(&text);
    pcl_buf_fini(&gz);
}

static void
test_pcl_input_open_errors_name_the_file(void **state)
{
    struct fixture *f = *state;
    struct pcl_input *in = NULL;
    struct pcl_err err = {0};
    char path[128];
    char want[192];

    (void)snprintf(path, sizeof(path), "%s/missing.txt", f->dir);
    assert_int_equal(pcl_input_open(path, &in, &err), PCL_ENOTFOUND);
    assert_null(in);
    (void)snprintf(want, sizeof(want), "%s: no such file or directory", path);
    assert_string_equal(err.msg, want);
    assert_int_equal(pcl_input_open(f->dir, &in, &err), PCL_EIO);
    (void)snprintf(want, sizeof(want), "%s: is a directory", f->dir);
    assert_string_equal(err.msg, want);
}

static void
test_pcl_input_slurp_limit(void **state)
{
    struct pcl_input *in = NULL;
    struct pcl_buf out;
    struct pcl_err err = {0};
    const char data[] = "0123456789";

    (void)state;
    pcl_buf_init(&out, 0);
    assert_int_equal(pcl_input_open_mem("m", data, 10, &in, &err), PCL_OK);
    assert_int_equal(pcl_input_slurp(in, 10, &out, &err), PCL_OK);
    assert_string_equal(out.ptr, data);
    pcl_input_free(in);
    pcl_buf_reset(&out);
    assert_int_equal(pcl_input_open_mem("m", data, 10, &in, &err), PCL_OK);
    assert_int_equal(pcl_input_slurp(in, 9, &out, &err), PCL_ELIMIT);
    assert_string_equal(err.msg, "m: larger than 9 bytes");
    pcl_input_free(in);
    pcl_buf_fini(&out);
    /* the buffer's own max applies when max is 0 */
    pcl_buf_init(&out, 4);
    assert_int_equal(pcl_input_open_mem("m", data, 10, &in, &err), PCL_OK);
    assert_int_equal(pcl_input_slurp(in, 0, &out, &err), PCL_ELIMIT);
    pcl_input_free(in);
    pcl_buf_fini(&out);
}

/* pcl_input_lines: what each block saw */
struct lines_seen {
    char text[256]; /* the blocks, each followed by '|' */
    size_t len;
    uint64_t first[16]; /* each block's first line number and offset */
    uint64_t off[16];
    size_t n;
    size_t stop_at; /* fail on this block (0 = never) */
};

static enum pcl_rc
on_lines(void *arg, const char *buf, size_t len, uint64_t line, uint64_t off, struct pcl_err *err)
{
    struct lines_seen *ls = arg;

    assert_true(ls->n < 16 && ls->len + len + 1 < sizeof(ls->text));
    ls->first[ls->n] = line;
    ls->off[ls->n++] = off;
    memcpy(ls->text + ls->len, buf, len);
    ls->len += len;
    ls->text[ls->len++] = '|';
    if (ls->n == ls->stop_at) {
        return pcl_err_set(err, PCL_EINVAL, "block %zu refused", ls->n);
    }
    return PCL_OK;
}

static void
test_pcl_input_lines_blocks(void **state)
{
    struct pcl_input *in = NULL;
    struct pcl_err err = {0};
    struct lines_seen ls = {0};
    const char data[] = "ab\ncdefgh\n\nij\nk";

    (void)state;
    /* 4-byte reads: blocks end at the last newline read so far; the rest waits */
    assert_int_equal(pcl_input_open_mem("m", data, strlen(data), &in, &err), PCL_OK);
    assert_int_equal(pcl_input_lines(in, 4, 16, on_lines, &ls, &err), PCL_OK);
    pcl_input_free(in);
    ls.text[ls.len] = '\0';
    assert_string_equal(ls.text, "ab\n|cdefgh\n\n|ij\n|k|");
    assert_int_equal(ls.n, 4);
    assert_int_equal(ls.first[1], 2);
    assert_int_equal(ls.off[1], 3);
    assert_int_equal(ls.first[2], 4);
    assert_int_equal(ls.off[2], 11);
    assert_int_equal(ls.first[3], 5);
    assert_int_equal(ls.off[3], 14);
    /* a line over max_line is named; so far every earlier line was handed over */
    memset(&ls, 0, sizeof(ls));
    assert_int_equal(pcl_input_open_mem("m", data, strlen(data), &in, &err), PCL_OK);
    assert_int_equal(pcl_input_lines(in, 2, 4, on_lines, &ls, &err), PCL_ELIMIT);
    assert_string_equal(err.msg, "m: line 2 is longer than 4 bytes");
    assert_int_equal(ls.n, 1);
    pcl_input_free(in);
    /* the callback's error stops the reading */
    memset(&ls, 0, sizeof(ls));
    ls.stop_at = 2;
    assert_int_equal(pcl_input_open_mem("m", data, strlen(data), &in, &err), PCL_OK);
    assert_int_equal(pcl_input_lines(in, 64, 64, on_lines, &ls, &err), PCL_EINVAL);
    assert_string_equal(err.msg, "block 2 refused");
    pcl_input_free(in);
    /* one read: one block, the last line without its newline included */
    memset(&ls, 0, sizeof(ls));
    assert_int_equal(pcl_input_open_mem("m", data, strlen(data), &in, &err), PCL_OK);
    assert_int_equal(pcl_input_lines(in, 64, 64, on_lines, &ls, &err), PCL_OK);
    pcl_input_free(in);
    assert_int_equal(ls.n, 2);
    ls.text[ls.len] = '\0';
    assert_string_equal(ls.text, "ab\ncdefgh\n\nij\n|k|");
}

static void
test_pcl_input_peek_then_read(void **state)
{
    struct pcl_buf text;
    struct pcl_buf gz;
    struct pcl_buf got;
    struct pcl_input *in = NULL;
    struct pcl_err err = {0};
    const char *head;
    size_t hlen;

    (void)state;
    pcl_buf_init(&text, 0);
    pcl_buf_init(&gz, 0);
    pcl_buf_init(&got, 0);
    make_text(&text, 3000);
    gzip_append(&gz, text.ptr, text.len);
    assert_int_equal(pcl_input_open_mem("p.csv.gz", gz.ptr, gz.len, &in, &err), PCL_OK);
    assert_int_equal(pcl_input_peek(in, &head, &hlen, &err), PCL_OK);
    assert_int_equal(hlen, PCL_INPUT_PEEK_MAX);
    assert_memory_equal(head, text.ptr, hlen);
    assert_int_equal(pcl_format_sniff(pcl_input_name(in), head, hlen), PCL_FMT_CSV);
    assert_int_equal(read_all(in, 1000, &got, &err), PCL_OK);
    assert_int_equal(got.len, text.len);
    assert_memory_equal(got.ptr, text.ptr, text.len);
    pcl_input_free(in);
    /* short input: peek returns all of it */
    assert_int_equal(pcl_input_open_mem("s", "abc", 3, &in, &err), PCL_OK);
    assert_int_equal(pcl_input_peek(in, &head, &hlen, &err), PCL_OK);
    assert_int_equal(hlen, 3);
    pcl_buf_reset(&got);
    assert_int_equal(pcl_input_slurp(in, 0, &got, &err), PCL_OK);
    assert_string_equal(got.ptr, "abc");
    pcl_input_free(in);
    pcl_buf_fini(&text);
    pcl_buf_fini(&gz);
    pcl_buf_fini(&got);
}

static void
test_pcl_input_open_stdin(void **state)
{
    int fds[2];
    int saved;
    struct pcl_input *in = NULL;
    struct pcl_buf got;
    struct pcl_buf gz;
    struct pcl_err err = {0};

    (void)state;
    pcl_buf_init(&got, 0);
    pcl_buf_init(&gz, 0);
    gzip_append(&gz, "from stdin\n", 11);
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], gz.ptr, gz.len), (ssize_t)gz.len);
    assert_int_equal(close(fds[1]), 0);
    saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    assert_int_equal(close(fds[0]), 0);
    assert_int_equal(pcl_input_open("-", &in, &err), PCL_OK);
    assert_string_equal(pcl_input_name(in), "<stdin>");
    assert_int_equal(pcl_input_slurp(in, 1024, &got, &err), PCL_OK);
    assert_string_equal(got.ptr, "from stdin\n");
    assert_true(pcl_input_is_gzip(in));
    pcl_input_free(in);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    assert_int_equal(close(saved), 0);
    pcl_buf_fini(&got);
    pcl_buf_fini(&gz);
}

static const struct {
    const char *name;
    const char *head;
    size_t len; /* 0 = strlen */
    enum pcl_format want;
} sniff_cases[] = {
    {"a.csv", "x,y\n", 0, PCL_FMT_CSV},
    {"A.CSV.GZ", "x,y\n", 0, PCL_FMT_CSV},
    {"a.tsv", "x\ty\n", 0, PCL_FMT_TSV},
    {"a.tab", "x\ty\n", 0, PCL_FMT_TSV},
    {"a.json", "{}", 0, PCL_FMT_JSON},
    {"a.jsonl", "{}\n{}\n", 0, PCL_FMT_JSONL},
    {"a.ndjson.gz", "{}\n", 0, PCL_FMT_JSONL},
    {"a.csv", "x\0y", 3, PCL_FMT_BINARY}, /* a NUL wins over the extension */
    {"blob",
     "\x7f"
     "ELF\x02\x01\x01\0",
     8, PCL_FMT_BINARY},
    {"notes.txt", "hello", 0, PCL_FMT_TEXT},
    {NULL, "  {\"a\": 1}", 0, PCL_FMT_JSON},
    {NULL, "{\"a\":1}\n{\"a\":2}\n", 0, PCL_FMT_JSONL},
    {NULL, "[1]\r\n\r\n[2]", 0, PCL_FMT_JSONL},
    {NULL, "[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n", 0, PCL_FMT_JSON}, /* pretty-printed */
    {NULL, "{\"a\": [\n1]}\n", 0, PCL_FMT_JSON},
    {NULL, "{\"a\":1}\n", 0, PCL_FMT_JSON},
    {NULL, "{\"a\":1}\n \r\n", 0, PCL_FMT_JSON},
    /* a log whose first line is a JSON record */
    {NULL, "{\"a\":1}\nplain\n", 0, PCL_FMT_TEXT},
    {NULL, "[1]\n2026-11-27 GET /x 200\n", 0, PCL_FMT_TEXT},
    /* JSON records mixed with plain log lines: text */
    {NULL, "{\"a\":1}\n{\"b\":2}\n2026-11-27 GET /x 200\n{\"c\":3}\n", 0, PCL_FMT_TEXT},
    {NULL, "{\"a\":1}\n{\"b\":2}\n{\"c\": 3, \"d\": [1,\n", 0, PCL_FMT_TEXT},
    /* a last line cut off by the head does not count; blank lines do not either */
    {NULL, "{\"a\":1}\n{\"b\":2}\n\n  [3]  \r\n{\"c\": 3, \"d\": [1,", 0, PCL_FMT_JSONL},
    /* brackets that open no JSON value: INI sections, JavaScript objects */
    {NULL, "[core]\n[remote \"origin\"]\n", 0, PCL_FMT_TEXT},
    {NULL, "[core]", 0, PCL_FMT_TEXT},
    {NULL, "{a: 1}\n{b: 2}\n", 0, PCL_FMT_TEXT},
    {NULL, "[1]\n[core]\n", 0, PCL_FMT_TEXT},
    {NULL, "[1]\n[2]\n[nothing]\n", 0, PCL_FMT_TEXT},
    {NULL, "[true]\n[null, 1]\n[ false ]\n[-1]\n[[]]\n[]\n", 0, PCL_FMT_JSONL},
    {NULL, "[truex]\n[1]\n", 0, PCL_FMT_TEXT},
    {NULL, "[\n  \"a\"\n]\n", 0, PCL_FMT_JSON},
    {NULL, "[tr", 0, PCL_FMT_JSON}, /* the head ends first */
    {NULL, "[fa", 0, PCL_FMT_JSON},
    {NULL, "[fx", 0, PCL_FMT_TEXT},
    {NULL, "{ }\n{\"a\":1}\n", 0, PCL_FMT_JSONL},
    {NULL, "", 0, PCL_FMT_TEXT},
    {"stdin", "name,email\n", 0, PCL_FMT_TEXT},
};

static void
test_pcl_format_sniff_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(sniff_cases) / sizeof(sniff_cases[0]); k++) {
        size_t len = sniff_cases[k].len != 0 ? sniff_cases[k].len : strlen(sniff_cases[k].head);
        enum pcl_format got = pcl_format_sniff(sniff_cases[k].name, sniff_cases[k].head, len);

        if (got != sniff_cases[k].want) {
            fail_msg("case %zu (%s): got %s, want %s", k,
                     sniff_cases[k].name != NULL ? sniff_cases[k].name : "-", pcl_format_name(got),
                     pcl_format_name(sniff_cases[k].want));
        }
    }
    /* a NUL after the first 8 KiB does not make it binary */
    {
        static char big[9000];

        memset(big, 'a', sizeof(big));
        big[8500] = '\0';
        assert_int_equal(pcl_format_sniff(NULL, big, sizeof(big)), PCL_FMT_TEXT);
    }
}

static const struct {
    const char *in;
    enum pcl_rc rc;
    enum pcl_format want;
} parse_cases[] = {
    {"csv", PCL_OK, PCL_FMT_CSV},       {"TSV", PCL_OK, PCL_FMT_TSV},
    {"json", PCL_OK, PCL_FMT_JSON},     {"jsonl", PCL_OK, PCL_FMT_JSONL},
    {"ndjson", PCL_OK, PCL_FMT_JSONL},  {"text", PCL_OK, PCL_FMT_TEXT},
    {"binary", PCL_OK, PCL_FMT_BINARY}, {"auto", PCL_EINVAL, PCL_FMT_TEXT},
    {"js", PCL_EINVAL, PCL_FMT_TEXT},   {"csvx", PCL_EINVAL, PCL_FMT_TEXT},
    {"", PCL_EINVAL, PCL_FMT_TEXT},
};

static void
test_pcl_format_parse_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(parse_cases) / sizeof(parse_cases[0]); k++) {
        enum pcl_format f = PCL_FMT_TEXT;
        struct pcl_err err = {0};

        assert_int_equal(pcl_format_parse(parse_cases[k].in, &f, &err), parse_cases[k].rc);
        if (parse_cases[k].rc == PCL_OK) {
            assert_int_equal(f, parse_cases[k].want);
            assert_string_equal(pcl_format_name(f), parse_cases[k].want == PCL_FMT_JSONL ? "jsonl"
                                                    : parse_cases[k].in[0] == 'T'
                                                        ? "tsv"
                                                        : parse_cases[k].in);
        } else {
            assert_non_null(strstr(err.msg, "unknown format"));
        }
    }
}

static void
test_pcl_input_read_out_of_memory(void **state)
{
    struct pcl_buf gz;

    (void)state;
    pcl_buf_init(&gz, 0);
    gzip_append(&gz, "hello hello hello", 17);
    /* the second round reads ahead on a thread (its ring is allocated too) */
    for (unsigned long n = 1; n < 32; n++) {
        struct pcl_input *in = NULL;
        struct pcl_buf out;
        struct pcl_err err = {0};
        enum pcl_rc rc;

        pcl_buf_init(&out, 0);
        (void)pcl_alloc_fail_at(n % 16 + 1, false);
        rc = pcl_input_open_mem("m", gz.ptr, gz.len, &in, &err);
        if (rc == PCL_OK && n >= 16) {
            rc = pcl_input_readahead(in, &err);
        }
        if (rc == PCL_OK) {
            rc = pcl_input_slurp(in, 0, &out, &err);
        }
        (void)pcl_alloc_fail_at(0, false);
        assert_true(rc == PCL_OK || rc == PCL_ENOMEM);
        if (rc == PCL_OK) {
            assert_int_equal(out.len, 17);
        }
        pcl_input_free(in);
        pcl_buf_fini(&out);
    }
    pcl_buf_fini(&gz);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pcl_input_read_plain_and_gzip_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pcl_input_read_to_the_real_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pcl_input_open_range, setup, teardown),
        cmocka_unit_test(test_pcl_input_read_gzip_memory_any_chunk),
        cmocka_unit_test(test_pcl_input_read_corrupt_gzip),
        cmocka_unit_test(test_pcl_input_readahead),
        cmocka_unit_test_setup_teardown(test_pcl_input_open_errors_name_the_file, setup, teardown),
        cmocka_unit_test(test_pcl_input_slurp_limit),
        cmocka_unit_test(test_pcl_input_lines_blocks),
        cmocka_unit_test(test_pcl_input_peek_then_read),
        cmocka_unit_test(test_pcl_input_open_stdin),
        cmocka_unit_test(test_pcl_format_sniff_table),
        cmocka_unit_test(test_pcl_format_parse_table),
        cmocka_unit_test(test_pcl_input_read_out_of_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
