/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the JSON/JSONL walker and rewriter (src/core/jsonwalk.c): no crash,
 * offsets and offset maps inside each literal, and rewriting string literals (whole or in
 * part) keeps the document exactly as valid as it was; and the format sniffer
 * (src/core/input.c) on the same bytes: no read past them, JSON or JSONL only for a first
 * value starting with '{' or '['. JSONL bad lines are reported as whole lines, in order. */
#include "common.h"

#include <portcullis/formats.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EDITS 256

struct ctx {
    const char *in;
    size_t len;
    struct pcl_json_edit edits[MAX_EDITS];
    size_t nedits;
    bool collect;
    size_t nbad;    /* on_bad_line calls */
    size_t bad_end; /* end of the last bad line */
};

static bool
bom_end(const struct ctx *c, size_t at)
{
    return at == 3 && c->len >= 3 && memcmp(c->in, "\xef\xbb\xbf", 3) == 0;
}

/* JSONL: a bad line is a whole line of the input (after a byte order mark for the first),
 * after the previous one. */
static void
on_bad_line(void *arg, size_t start, size_t end)
{
    struct ctx *c = arg;

    if (start > end || end > c->len || start < c->bad_end ||
        (start > 0 && c->in[start - 1] != '\n' && !bom_end(c, start)) ||
        (end < c->len && c->in[end] != '\n') || memchr(c->in + start, '\n', end - start) != NULL) {
        abort();
    }
    c->bad_end = end;
    c->nbad++;
}

static enum pcl_rc
on_value(void *arg, const struct pcl_json_value *v, struct pcl_err *err)
{
    struct ctx *c = arg;

    (void)err;
    if (v->raw_start >= v->raw_end || v->raw_end > c->len || v->ptr[v->len] != '\0' ||
        v->path[v->path_len] != '\0') {
        abort();
    }
    for (size_t i = 0; i < v->len; i++) {
        uint64_t off = pcl_rawmap_offset(&v->map, i);

        if (off < v->raw_start || off >= v->raw_end ||
            (c->in[off] != v->ptr[i] && c->in[off] != '\\')) {
            abort();
        }
    }
    if (c->collect && v->kind != PCL_JSON_NUMBER && c->nedits < MAX_EDITS) {
        struct pcl_json_edit *e = &c->edits[c->nedits];

        if (c->nedits % 2 == 0) {
            e->raw_start = v->raw_start;
            e->raw_end = v->raw_end;
        } else {
            pcl_rawmap_span(&v->map, v->len / 3, v->len - v->len / 3, &e->raw_start, &e->raw_end);
            if (e->raw_start < v->raw_start + 1 || e->raw_end > v->raw_end - 1) {
                abort();
            }
        }
        e->repl = c->nedits % 3 == 0 ? "\"x\\\n\x01\xff" : "X";
        e->repl_len = strlen(e->repl);
        c->nedits++;
    }
    return PCL_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ctx c;
    struct pcl_json_walk_opts o;
    struct pcl_json_walk_stats st1, st2;
    struct pcl_buf out;
    enum pcl_rc rc1, rc2;

    if (size < 1) {
        return 0;
    }
    memset(&c, 0, sizeof(c));
    memset(&o, 0, sizeof(o));
    o.jsonl = (data[0] & 1) != 0;
    o.keys = (data[0] & 2) != 0;
    o.numbers = (data[0] & 4) != 0;
    o.max_depth = (data[0] & 8) != 0 ? 16 : 0;
    /* edits change key lengths, so the path limit may trip before or after a rewrite: compare
     * the two walks only when it cannot trip at all */
    o.max_path = (data[0] & 16) != 0 ? 64 : (size_t)1 << 30;
    o.on_value = on_value;
    o.on_bad_line = on_bad_line;
    o.arg = &c;
    c.in = (const char *)data + 1;
    c.len = size - 1;
    {
        enum pcl_format f = pcl_format_sniff(NULL, c.in, c.len);
        size_t k = 0;

        while (k < c.len &&
               (c.in[k] == ' ' || c.in[k] == '\t' || c.in[k] == '\r' || c.in[k] == '\n')) {
            k++;
        }
        if (f > PCL_FMT_BINARY ||
            ((f == PCL_FMT_JSON || f == PCL_FMT_JSONL) && c.in[k] != '{' && c.in[k] != '[')) {
            abort();
        }
    }
    c.collect = true;
    rc1 = pcl_json_walk(c.in, c.len, &o, &st1, NULL);
    if (c.nbad != st1.bad_lines) {
        abort();
    }
    pcl_buf_init(&out, 1u << 24);
    if (pcl_json_rewrite(c.in, c.len, c.edits, c.nedits, &out, NULL) != PCL_OK) {
        abort();
    }
    c.in = out.ptr != NULL ? out.ptr : "";
    c.len = out.len;
    c.collect = false;
    c.nbad = 0;
    c.bad_end = 0;
    rc2 = pcl_json_walk(c.in, c.len, &o, &st2, NULL);
    /* an edit in a line that fails later may only change where, not whether, it fails */
    if (o.max_path > 64 &&
        (rc1 != rc2 || st1.bad_lines != st2.bad_lines || st1.records != st2.records)) {
        abort();
    }
    pcl_buf_fini(&out);
    return 0;
}
