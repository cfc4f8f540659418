/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the incremental CSV reader (src/core/csv.c): no crash, offsets inside the
 * input, every decoded byte maps back onto the same raw byte, feeding in small chunks yields
 * exactly the cells of a single feed, and so does a second reader taking over where the first
 * stands at a record start (pcl_csv_at_record_start(), as `scan` and `redact` read a file in
 * parts), told its line by the cutter (pcl_csv_cut_count()); and a cut the cutter picks
 * (pcl_csv_cut_find()) is a record start whenever the reader has warned of nothing so far or
 * the cutter has not found the quoting broken; so is the last cut before a break
 * (pcl_csv_cut_last_good()), where pcl_csv_cutter_at() counts on as the cutter does. */
#include "common.h"

#include <portcullis/formats.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
    const char *in;
    size_t len;
    uint64_t hash; /* FNV-1a over row, col, offsets and values */
    uint64_t cells;
};

static void
mix(struct run *r, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++) {
        r->hash = (r->hash ^ b[i]) * 0x100000001b3ull;
    }
}

static enum pcl_rc
on_cell(void *arg, const struct pcl_csv_cell *cell, struct pcl_err *err)
{
    struct run *r = arg;

    (void)err;
    if (cell->raw_start > cell->raw_end || cell->raw_end > r->len || cell->ptr[cell->len] != 0) {
        abort();
    }
    for (size_t i = 0; i < cell->len; i++) {
        uint64_t off = pcl_csv_cell_raw_offset(cell, i);

        if (off < cell->raw_start || off >= cell->raw_end || r->in[off] != cell->ptr[i]) {
            abort();
        }
    }
    r->cells++;
    mix(r, &cell->row, sizeof(cell->row));
    mix(r, &cell->col, sizeof(cell->col));
    mix(r, &cell->line, sizeof(cell->line));
    mix(r, &cell->raw_start, sizeof(cell->raw_start));
    mix(r, &cell->raw_end, sizeof(cell->raw_end));
    mix(r, cell->ptr, cell->len);
    return PCL_OK;
}

static enum pcl_rc
run_csv(const char *in, size_t len, char delim, size_t chunk, struct run *r)
{
    struct pcl_csv_opts o = {
        .delim = delim, .max_cell = 4096, .max_cols = 256, .on_cell = on_cell, .arg = r};
    struct pcl_csv *csv = NULL;
    enum pcl_rc rc;
    size_t i = 0;

    r->in = in;
    r->len = len;
    r->hash = 0xcbf29ce484222325ull;
    r->cells = 0;
    rc = pcl_csv_new(&o, &csv, NULL);
    if (rc != PCL_OK) {
        return rc;
    }
    while (i < len && rc == PCL_OK) {
        size_t n = PCL_MIN(chunk, len - i);

        rc = pcl_csv_feed(csv, in + i, n, NULL);
        i += n;
    }
    if (rc == PCL_OK) {
        rc = pcl_csv_finish(csv, NULL);
    }
    pcl_csv_free(csv);
    return rc;
}

/* The input cut at `cut`: when the first reader stands at a record start there, a second one
 * told where reads the rest. False when it does not stand at one (nothing to compare). */
static bool
run_split(const char *in, size_t len, char delim, size_t cut, struct run *r, enum pcl_rc *rc)
{
    struct pcl_csv_opts o = {
        .delim = delim, .max_cell = 4096, .max_cols = 256, .on_cell = on_cell, .arg = r};
    struct pcl_csv *a = NULL, *b = NULL;
    bool split = false;

    r->in = in;
    r->len = len;
    r->hash = 0xcbf29ce484222325ull;
    r->cells = 0;
    *rc = pcl_csv_new(&o, &a, NULL);
    if (*rc != PCL_OK) {
        return false;
    }
    *rc = pcl_csv_feed(a, in, cut, NULL);
    if (*rc == PCL_OK && pcl_csv_at_record_start(a)) {
        struct pcl_csv_cutter t = {0};

        /* the cutter counts lines as the reader does, in two steps */
        pcl_csv_cut_count(&t, in, cut / 2);
        pcl_csv_cut_count(&t, in + cut / 2, cut - cut / 2);
        split = true;
        o.off0 = cut;
        o.line0 = t.lines;
        o.row0 = pcl_csv_rows(a);
        *rc = pcl_csv_new(&o, &b, NULL);
        if (*rc == PCL_OK) {
            *rc = pcl_csv_feed(b, in + cut, len - cut, NULL);
        }
        if (*rc == PCL_OK) {
            *rc = pcl_csv_finish(b, NULL);
        }
    }
    pcl_csv_free(a);
    pcl_csv_free(b);
    return split;
}

/* The cut the cutter finds from `from` on: right after a '\n' outside quotes. A reader fed up
 * to there that has warned of nothing (no broken quoting) stands at a record start. Returns
 * the cut, or len when there is none. */
static size_t
cutter_cut(const char *in, size_t len, char delim, size_t from)
{
    struct pcl_csv_opts o = {
        .delim = delim, .max_cell = 4096, .max_cols = 256, .on_cell = on_cell, .arg = NULL};
    struct pcl_csv_cutter t = {.delim = delim};
    struct run r = {.in = in, .len = len};
    struct pcl_csv *a = NULL;
    size_t at;

    pcl_csv_cut_count(&t, in, from / 2);
    pcl_csv_cut_count(&t, in + from / 2, from - from / 2);
    at = from + pcl_csv_cut_find(&t, in + from, len - from);
    if (at >= len) {
        return len;
    }
    if (in[at] != '\n') {
        abort();
    }
    pcl_csv_cut_count(&t, in + from, at + 1 - from);
    o.arg = &r;
    if (pcl_csv_new(&o, &a, NULL) == PCL_OK && pcl_csv_feed(a, in, at + 1, NULL) == PCL_OK &&
        (pcl_csv_warnings(a) == 0 || !t.broken) && !pcl_csv_at_record_start(a)) {
        abort();
    }
    pcl_csv_free(a);
    return at + 1;
}

/* The last cut before the quoting breaks (pcl_csv_cut_last_good()): right after a '\n', a
 * record start for a reader, the cutter left there counted as a cutter counting up to it, and
 * pcl_csv_cutter_at() there counting on as it does. Returns the cut, or 0. */
static size_t
last_good_cut(const char *in, size_t len, char delim)
{
    struct pcl_csv_opts o = {
        .delim = delim, .max_cell = 4096, .max_cols = 256, .on_cell = on_cell, .arg = NULL};
    struct pcl_csv_cutter u = {.delim = delim}, t = {.delim = delim}, at;
    struct run r = {.in = in, .len = len};
    struct pcl_csv *a = NULL;
    size_t g = pcl_csv_cut_last_good(&u, in, len);

    if (g == 0) {
        return 0;
    }
    pcl_csv_cut_count(&t, in, g);
    if (g > len || in[g - 1] != '\n' || u.broken || t.broken || u.lines != t.lines ||
        u.odd != t.odd) {
        abort();
    }
    o.arg = &r;
    if (pcl_csv_new(&o, &a, NULL) == PCL_OK && pcl_csv_feed(a, in, g, NULL) == PCL_OK &&
        !pcl_csv_at_record_start(a)) {
        abort();
    }
    pcl_csv_free(a);
    at = pcl_csv_cutter_at(delim, u.lines);
    pcl_csv_cut_count(&u, in + g, len - g);
    pcl_csv_cut_count(&at, in + g, len - g);
    if (at.lines != u.lines || at.odd != u.odd || at.broken != u.broken) {
        abort();
    }
    return g;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[] = {',', '\t', ';', '|'};
    struct run whole, chunked, split;
    enum pcl_rc rc1, rc2, rc3;
    char delim;
    size_t chunk, cut;

    if (size < 1) {
        return 0;
    }
    delim = delims[data[0] & 3];
    chunk = (size_t)(data[0] >> 2) % 7 + 1;
    rc1 = run_csv((const char *)data + 1, size - 1, delim, size, &whole);
    rc2 = run_csv((const char *)data + 1, size - 1, delim, chunk, &chunked);
    if (rc1 != rc2 || whole.cells != chunked.cells || whole.hash != chunked.hash) {
        abort();
    }
    /* a reader error stops a part where it would stop the whole: compare only clean runs */
    cut = (size - 1) * data[0] / 256;
    if (rc1 == PCL_OK && run_split((const char *)data + 1, size - 1, delim, cut, &split, &rc3) &&
        (rc3 != PCL_OK || split.cells != whole.cells || split.hash != whole.hash)) {
        abort();
    }
    cut = cutter_cut((const char *)data + 1, size - 1, delim, cut);
    if (rc1 == PCL_OK && run_split((const char *)data + 1, size - 1, delim, cut, &split, &rc3) &&
        (rc3 != PCL_OK || split.cells != whole.cells || split.hash != whole.hash)) {
        abort();
    }
    cut = last_good_cut((const char *)data + 1, size - 1, delim);
    if (rc1 == PCL_OK && cut > 0 &&
        run_split((const char *)data + 1, size - 1, delim, cut, &split, &rc3) &&
        (rc3 != PCL_OK || split.cells != whole.cells || split.hash != whole.hash)) {
        abort();
    }
    return 0;
}
