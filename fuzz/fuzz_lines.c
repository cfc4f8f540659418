/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the block-of-lines reader (pcl_input_lines(), src/core/input.c), which
 * JSONL scanning and redaction read through: no crash; blocks hold whole lines, numbered and
 * placed where they are in the input; together they are the input; and PCL_ELIMIT comes
 * exactly when a line is too long (longer than max_line means it may, longer than
 * max_line + chunk means it must). The first byte picks the read size and the limit. */
#include "common.h"

#include <portcullis/core.h>
#include <portcullis/formats.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    const char *in;
    size_t len;
    uint64_t off;  /* bytes delivered so far */
    uint64_t line; /* the next block's first line */
    bool ended;    /* a block without a final newline came: nothing may follow */
};

static enum pcl_rc
on_block(void *arg, const char *buf, size_t len, uint64_t line, uint64_t off, struct pcl_err *err)
{
    struct seen *s = arg;
    size_t last = 0;
    size_t lines;

    (void)err;
    if (len == 0 || s->ended || off != s->off || line != s->line || off + len > s->len ||
        memcmp(buf, s->in + off, len) != 0) {
        abort();
    }
    lines = pcl_count_byte(buf, len, '\n', &last);
    if (buf[len - 1] != '\n') {
        s->ended = true;
    }
    s->off += len;
    s->line += lines;
    return PCL_OK;
}

/* The longest line of in[0..len), newline excluded. */
static size_t
longest_line(const char *in, size_t len)
{
    size_t best = 0, start = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i == len || in[i] == '\n') {
            best = i - start > best ? i - start : best;
            start = i + 1;
        }
    }
    return best;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pcl_input *in = NULL;
    struct pcl_err err = {0};
    struct seen s = {.line = 1};
    size_t chunk, max_line, longest;
    enum pcl_rc rc;

    if (size < 1) {
        return 0;
    }
    chunk = (size_t)(data[0] & 0x0f) + 1;      /* 1..16 */
    max_line = (size_t)(data[0] >> 4) * 4 + 1; /* 1..61 */
    data++;
    size--;
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
        return 0; /* gzip input has fuzz_gzip */
    }
    s.in = (const char *)data;
    s.len = size;
    if (pcl_input_open_mem("fuzz", data, size, &in, &err) != PCL_OK) {
        return 0;
    }
    rc = pcl_input_lines(in, chunk, max_line, on_block, &s, &err);
    pcl_input_free(in);
    longest = longest_line(s.in, s.len);
    if (rc == PCL_OK) {
        if (s.off != size || longest > max_line + chunk) {
            abort();
        }
    } else if (rc == PCL_ELIMIT) {
        if (longest <= max_line || strstr(err.msg, "fuzz: line ") == NULL) {
            abort();
        }
    } else if (rc != PCL_ENOMEM) {
        abort();
    }
    return 0;
}
