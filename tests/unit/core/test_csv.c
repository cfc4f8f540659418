/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the incremental CSV/TSV reader (src/core/csv.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <portcullis/formats.h>

/* Collects cells as "row:col:q:last [start,end) value|" so runs can be compared. */
struct collect {
    const char *input; /* the whole input, to check raw offsets against */
    size_t input_len;
    struct pcl_buf out;
    struct pcl_buf warn; /* warning messages, one per line */
    size_t stop_after;   /* fail the callback on this cell (1-based); 0 = never */
    size_t ncells;
    bool quiet; /* record nothing (allocation failure runs) */
};

static enum pcl_rc
on_cell(void *arg, const struct pcl_csv_cell *cell, struct pcl_err *err)
{
    struct collect *c = arg;

    c->ncells++;
    if (c->stop_after != 0 && c->ncells == c->stop_after) {
        return pcl_err_set(err, PCL_EINVAL, "test: stop at cell %zu", c->ncells);
    }
    if (c->quiet) {
        return PCL_OK;
    }
    assert_true(cell->raw_start <= cell->raw_end);
    assert_true(cell->raw_end <= c->input_len);
    assert_int_equal(cell->ptr[cell->len], '\0');
    /* every decoded byte maps back onto the same raw byte (a doubled quote onto its first) */
    for (size_t i = 0; i < cell->len; i++) {
        uint64_t off = pcl_csv_cell_raw_offset(cell, i);

        assert_true(off >= cell->raw_start && off < cell->raw_end);
        assert_int_equal(c->input[off], cell->ptr[i]);
    }
    assert_true(pcl_csv_cell_raw_offset(cell, cell->len) <= cell->raw_end);
    assert_int_equal(pcl_buf_appendf(&c->out, "%llu:%zu:%d:%d [%llu,%llu) ",
                                     (unsigned long long)cell->row, cell->col, cell->quoted,
                                     cell->last, (unsigned long long)cell->raw_start,
                                     (unsigned long long)cell->raw_end),
                     PCL_OK);
    assert_int_equal(pcl_buf_append(&c->out, cell->ptr, cell->len), PCL_OK);
    assert_int_equal(pcl_buf_appendc(&c->out, '|'), PCL_OK);
    return PCL_OK;
}

static void
on_warn(void *arg, const char *msg)
{
    struct collect *c = arg;

    if (c->quiet) {
        return;
    }
    assert_int_equal(pcl_buf_appends(&c->warn, msg), PCL_OK);
    assert_int_equal(pcl_buf_appendc(&c->warn, '\n'), PCL_OK);
}

static void
collect_init(struct collect *c, const char *input, size_t len)
{
    memset(c, 0, sizeof(*c));
    c->input = input;
    c->input_len = len;
    pcl_buf_init(&c->out, 0);
    pcl_buf_init(&c->warn, 0);
}

static void
collect_fini(struct collect *c)
{
    pcl_buf_fini(&c->out);
    pcl_buf_fini(&c->warn);
}

/* Run the reader over input in chunks of `chunk` bytes (0 = all at once). */
static enum pcl_rc
run(struct collect *c, const char *input, size_t len, char delim, size_t chunk, struct pcl_err *err)
{
    struct pcl_csv_opts o = {
        .delim = delim, .name = "t.csv", .on_cell = on_cell, .on_warn = on_warn, .arg = c};
    struct pcl_csv *csv = NULL;
    enum pcl_rc rc;
    size_t i = 0;

    rc = pcl_csv_new(&o, &csv, err);
    if (rc != PCL_OK) {
        return rc;
    }
    if (chunk == 0) {
        chunk = len > 0 ? len : 1;
    }
    while (i < len && rc == PCL_OK) {
        size_t n = len - i < chunk ? len - i : chunk;

        rc = pcl_csv_feed(csv, input + i, n, err);
        i += n;
    }
    if (rc == PCL_OK) {
        rc = pcl_csv_finish(csv, err);
    }
    pcl_csv_free(csv);
    return rc;
}

static const struct {
    const char *name;
    const char *input;
    char delim;
    const char *cells;
    size_t warnings;
} cases[] = {
    {"simple", "a,b\n1,2\n", ',',
     "0:0:0:0 [0,1) a|0:1:0:1 [2,3) b|1:0:0:0 [4,5) 1|1:1:0:1 [6,7) 2|", 0},
    {"crlf", "a,b\r\nc\r\n", ',', "0:0:0:0 [0,1) a|0:1:0:1 [2,3) b|1:0:0:1 [5,6) c|", 0},
    {"bare cr", "a\rb\r", ',', "0:0:0:1 [0,1) a|1:0:0:1 [2,3) b|", 0},
    {"quoted delimiter", "\"x,y\",z\n", ',', "0:0:1:0 [0,5) x,y|0:1:0:1 [6,7) z|", 0},
    {"doubled quotes", "\"he said \"\"hi\"\"\"\n", ',', "0:0:1:1 [0,16) he said \"hi\"|", 0},
    {"embedded newline", "\"l1\nl2\",z\nw\n", ',',
     "0:0:1:0 [0,7) l1\nl2|0:1:0:1 [8,9) z|1:0:0:1 [10,11) w|", 0},
    {"embedded crlf", "\"l1\r\nl2\"\r\n", ',', "0:0:1:1 [0,8) l1\r\nl2|", 0},
    {"empty fields", ",,\n", ',', "0:0:0:0 [0,0) |0:1:0:0 [1,1) |0:2:0:1 [2,2) |", 0},
    {"trailing delimiter at eof", "a,", ',', "0:0:0:0 [0,1) a|0:1:0:1 [2,2) |", 0},
    {"no final newline", "a,b", ',', "0:0:0:0 [0,1) a|0:1:0:1 [2,3) b|", 0},
    {"blank lines skipped", "a\n\n\r\n\nb\n", ',', "0:0:0:1 [0,1) a|1:0:0:1 [6,7) b|", 0},
    {"empty quoted", "\"\",x\n", ',', "0:0:1:0 [0,2) |0:1:0:1 [3,4) x|", 0},
    {"only quotes", "\"\"\"\"\n", ',', "0:0:1:1 [0,4) \"|", 0},
    {"tsv", "a b\tc,d\n", '\t', "0:0:0:0 [0,3) a b|0:1:0:1 [4,7) c,d|", 0},
    {"quote inside unquoted", "ab\"c,d\n", ',', "0:0:0:0 [0,4) ab\"c|0:1:0:1 [5,6) d|", 1},
    {"garbage after closing quote", "\"ab\"x,d\n", ',', "0:0:1:0 [0,5) ab\"x|0:1:0:1 [6,7) d|", 1},
    {"unterminated quote", "a,\"bc\nd", ',', "0:0:0:0 [0,1) a|0:1:1:1 [2,7) bc\nd|", 1},
    {"utf8 bytes", "\xc3\xa9t\xc3\xa9,x\n", ',', "0:0:0:0 [0,5) \xc3\xa9t\xc3\xa9|0:1:0:1 [6,7) x|",
     0},
    {"empty input", "", ',', "", 0},
};

static void
test_pcl_csv_feed_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct collect c;
        struct pcl_err err = {0};
        size_t len = strlen(cases[k].input);

        collect_init(&c, cases[k].input, len);
        assert_int_equal(run(&c, cases[k].input, len, cases[k].delim, 0, &err), PCL_OK);
        if (strcmp(c.out.ptr != NULL ? c.out.ptr : "", cases[k].cells) != 0) {
            fail_msg("case %s: got \"%s\"", cases[k].name, c.out.ptr);
        }
        if (cases[k].warnings == 0) {
            assert_int_equal(c.warn.len, 0);
        } else {
            assert_non_null(c.warn.ptr);
            assert_non_null(strstr(c.warn.ptr, "t.csv: line "));
        }
        collect_fini(&c);
    }
}

/* Every chunk size from 1 to the input length yields the same cells, offsets and warnings. */
static void
test_pcl_csv_feed_any_chunk_size(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        size_t len = strlen(cases[k].input);

        for (size_t chunk = 1; chunk <= len; chunk++) {
            struct collect c;
            struct pcl_err err = {0};

            collect_init(&c, cases[k].input, len);
            assert_int_equal(run(&c, cases[k].input, len, cases[k].delim, chunk, &err), PCL_OK);
            if (strcmp(c.out.ptr != NULL ? c.out.ptr : "", cases[k].cells) != 0) {
                fail_msg("case %s chunk %zu: got \"%s\"", cases[k].name, chunk, c.out.ptr);
            }
            assert_int_equal(c.warn.len > 0, cases[k].warnings > 0);
            collect_fini(&c);
        }
    }
}

static const struct {
    const char *input;
    const char *warning;
} warn_cases[] = {
    {"x\nab\"c\n", "t.csv: line 2 (offset 4): quote inside unquoted field\n"},
    {"\"a\"b\n", "t.csv: line 1 (offset 3): unexpected character after closing quote\n"},
    {"x\n\"open\nmore",
     "t.csv: line 2 (offset 2): unterminated quoted field runs to the end of input\n"},
};

static void
test_pcl_csv_feed_warning_names_line_and_offset(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(warn_cases) / sizeof(warn_cases[0]); k++) {
        struct collect c;
        struct pcl_err err = {0};
        size_t len = strlen(warn_cases[k].input);

        collect_init(&c, warn_cases[k].input, len);
        assert_int_equal(run(&c, warn_cases[k].input, len, ',', 0, &err), PCL_OK);
        assert_string_equal(c.warn.ptr, warn_cases[k].warning);
        collect_fini(&c);
    }
}

static void
test_pcl_csv_feed_strict_rejects_broken_quotes(void **state)
{
    struct collect c;
    struct pcl_csv_opts o = {.strict = true, .name = "s.csv", .on_cell = on_cell, .arg = &c};
    struct pcl_csv *csv = NULL;
    struct pcl_err err = {0};
    const char *in = "a,b\"c\n";

    (void)state;
    collect_init(&c, in, strlen(in));
    assert_int_equal(pcl_csv_new(&o, &csv, &err), PCL_OK);
    assert_int_equal(pcl_csv_feed(csv, in, strlen(in), &err), PCL_EINVAL);
    assert_string_equal(err.msg, "s.csv: line 1 (offset 3): quote inside unquoted field");
    /* sticky */
    assert_int_equal(pcl_csv_feed(csv, "x", 1, &err), PCL_EINVAL);
    assert_int_equal(pcl_csv_finish(csv, &err), PCL_EINVAL);
    pcl_csv_free(csv);
    collect_fini(&c);
}

static const struct {
    const char *input;
    size_t max_cell;
    size_t max_cols;
    const char *msg;
} limit_cases[] = {
    {"ab,cdef\n", 3, 0, "t.csv: line 1 (offset 3): cell larger than 3 bytes"},
    {"\"ab\"\"\"\n", 2, 0, "t.csv: line 1 (offset 0): cell larger than 2 bytes"},
    {"a,b\nc,d,e\n", 0, 2, "t.csv: line 2 (offset 8): more than 2 columns"},
};

static void
test_pcl_csv_feed_limits(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(limit_cases) / sizeof(limit_cases[0]); k++) {
        struct collect c;
        struct pcl_csv_opts o = {.name = "t.csv",
                                 .on_cell = on_cell,
                                 .arg = &c,
                                 .max_cell = limit_cases[k].max_cell,
                                 .max_cols = limit_cases[k].max_cols};
        struct pcl_csv *csv = NULL;
        struct pcl_err err = {0};
        const char *in = limit_cases[k].input;
        enum pcl_rc rc;

        collect_init(&c, in, strlen(in));
        assert_int_equal(pcl_csv_new(&o, &csv, &err), PCL_OK);
        rc = pcl_csv_feed(csv, in, strlen(in), &err);
        if (rc == PCL_OK) {
            rc = pcl_csv_finish(csv, &err);
        }
        assert_int_equal(rc, PCL_ELIMIT);
        assert_string_equal(err.msg, limit_cases[k].msg);
        pcl_csv_free(csv);
        collect_fini(&c);
    }
}

static void
test_pcl_csv_feed_callback_error_stops(void **state)
{
    struct collect c;
    struct pcl_err err = {0};
    const char *in = "a,b,c\n";

    (void)state;
    collect_init(&c, in, strlen(in));
    c.stop_after = 2;
    assert_int_equal(run(&c, in, strlen(in), ',', 0, &err), PCL_EINVAL);
    assert_string_equal(err.msg, "test: stop at cell 2");
    assert_int_equal(c.ncells, 2);
    collect_fini(&c);
}

static void
test_pcl_csv_new_rejects_bad_options(void **state)
{
    struct pcl_csv_opts o = {.delim = '"', .on_cell = on_cell};
    struct pcl_csv *csv = NULL;
    struct pcl_err err = {0};

    (void)state;
    assert_int_equal(pcl_csv_new(&o, &csv, &err), PCL_EINVAL);
    assert_null(csv);
    o.delim = ',';
    o.on_cell = NULL;
    assert_int_equal(pcl_csv_new(&o, &csv, &err), PCL_EINVAL);
}

static void
test_pcl_csv_rows_counts_records(void **state)
{
    struct collect c;
    struct pcl_csv_opts o = {.on_cell = on_cell, .arg = &c};
    struct pcl_csv *csv = NULL;
    struct pcl_err err = {0};
    const char *in = "h1,h2\n\"a\"x,b\nc,d";

    (void)state;
    collect_init(&c, in, strlen(in));
    assert_int_equal(pcl_csv_new(&o, &csv, &err), PCL_OK);
    assert_int_equal(pcl_csv_feed(csv, in, strlen(in), &err), PCL_OK);
    assert_int_equal(pcl_csv_finish(csv, &err), PCL_OK);
    assert_int_equal(pcl_csv_rows(csv), 3);
    assert_int_equal(pcl_csv_warnings(csv), 1);
    pcl_csv_free(csv);
    collect_fini(&c);
}

/* Failing each allocation in turn returns PCL_ENOMEM cleanly (LSan checks for leaks). */
static void
test_pcl_csv_feed_out_of_memory(void **state)
{
    const char *in = "\"a\"\"b\",c\nlonger cell value here,\"x\"\n";

    (void)state;
    for (unsigned long n = 1; n < 64; n++) {
        struct collect c;
        struct pcl_err err = {0};
        enum pcl_rc rc;

        collect_init(&c, in, strlen(in));
        c.quiet = true;
        (void)pcl_alloc_fail_at(n, false);
        rc = run(&c, in, strlen(in), ',', 3, &err);
        (void)pcl_alloc_fail_at(0, false);
        assert_true(rc == PCL_OK || rc == PCL_ENOMEM);
        collect_fini(&c);
    }
}

/* Lines a reader has counted before offset k of p: '\r', '\n' and "\r\n" each end one. */
static uint64_t
lines_before(const char *p, size_t k)
{
    uint64_t n = 0;

    for (size_t i = 0; i < k; i++) {
        n += p[i] == '\r' || (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'));
    }
    return n;
}

/* A file cut where the first reader stands at a record start, and read on by a second reader
 * told the offset, lines and rows before the cut, gives exactly the cells and warnings of one
 * reader over the whole file; inside a quoted cell, between '\r' and '\n' or in a record it
 * is no record start. */
static void
test_pcl_csv_at_record_start_splits_exactly(void **state)
{
    static const char in[] =
        "a,b\r\n\"l1\nl2\",x\n\n5\" tv,\"q\"z\r\n\r\n\"un\nterm,\"\"y\n,\nlast";
    size_t len = sizeof(in) - 1, starts = 0;
    struct collect whole;
    struct pcl_err err = {0};

    (void)state;
    collect_init(&whole, in, len);
    assert_int_equal(run(&whole, in, len, ',', 0, &err), PCL_OK);
    assert_true(whole.warn.len > 0); /* the stray quotes warn: their lines must stay right */
    for (size_t k = 0; k <= len; k++) {
        struct collect c;
        struct pcl_csv_opts o = {
            .delim = ',', .name = "t.csv", .on_cell = on_cell, .on_warn = on_warn, .arg = &c};
        struct pcl_csv *a = NULL, *b = NULL;

        collect_init(&c, in, len);
        assert_int_equal(pcl_csv_new(&o, &a, &err), PCL_OK);
        assert_int_equal(pcl_csv_feed(a, in, k, &err), PCL_OK);
        if (!pcl_csv_at_record_start(a)) {
            pcl_csv_free(a);
            collect_fini(&c);
            continue;
        }
        starts++;
        o.off0 = k;
        o.line0 = lines_before(in, k);
        o.row0 = pcl_csv_rows(a);
        assert_int_equal(pcl_csv_new(&o, &b, &err), PCL_OK);
        assert_int_equal(pcl_csv_feed(b, in + k, len - k, &err), PCL_OK);
        assert_int_equal(pcl_csv_finish(b, &err), PCL_OK);
        assert_int_equal(c.out.len, whole.out.len);
        assert_memory_equal(c.out.ptr, whole.out.ptr, whole.out.len);
        assert_int_equal(c.warn.len, whole.warn.len);
        assert_memory_equal(c.warn.ptr, whole.warn.ptr, whole.warn.len);
        assert_int_equal(pcl_csv_rows(a) + pcl_csv_rows(b), 4);
        pcl_csv_free(a);
        pcl_csv_free(b);
        collect_fini(&c);
    }
    /* 0, after the first record's "\r\n", the quoted cell's record, the blank line, the
     * stray-quote record and the blank "\r\n"; the unterminated quote runs to the end */
    assert_int_equal(starts, 6);
    collect_fini(&whole);
}

static void
test_pcl_csv_looks_like_header(void **state)
{
    const char *hdr = "name,email\nBob,536221234\n";

    (void)state;
    assert_true(pcl_csv_looks_like_header(hdr, strlen(hdr), ','));    /* digits after line 1 */
    assert_false(pcl_csv_looks_like_header("1,ssn\n", 6, ','));       /* a digit: data */
    assert_false(pcl_csv_looks_like_header("a@b,c\n", 6, ','));       /* an address: data */
    assert_false(pcl_csv_looks_like_header("name email\n", 11, ',')); /* no delimiter */
    assert_true(pcl_csv_looks_like_header("name\temail", 10, '\t'));  /* no newline at all */
}

/* The cutter counts lines as the reader does ('\r', '\n' and "\r\n" each end one, also when
 * "\r\n" is split between two counts) and cuts only after a '\n' outside quotes. */
/* The last record start before the quoting breaks, and the cutter counted up to it. */
static void
test_pcl_csv_cut_last_good(void **state)
{
    const char *in = "a,b\n\"x\ny\",z\nc,5\" tv\nd,e\n";
    struct pcl_csv_cutter t = {0}, t0 = {0};
    size_t n = strlen(in), good;

    (void)state;
    pcl_csv_cut_count(&t0, in, n);
    assert_true(t0.broken);
    memset(&t0, 0, sizeof(t0));
    good = pcl_csv_cut_last_good(&t, in, n);
    /* after "x\ny",z (the quoted newline is no cut); not after the broken line */
    assert_int_equal(good, (size_t)(strstr(in, "c,5") - in));
    assert_int_equal(t.lines, 3);
    assert_false(t.broken);
    /* counted up to a record start, it is the cutter pcl_csv_cutter_at() makes there */
    {
        struct pcl_csv_cutter at = pcl_csv_cutter_at(0, 3);

        assert_int_equal(t.delim, at.delim);
        assert_int_equal(t.odd, at.odd);
        assert_int_equal(t.started, at.started);
        assert_int_equal(t.last, at.last);
        assert_int_equal(t.in, at.in);
        assert_int_equal(t.qpend, at.qpend);
        /* and counts on from there as it does */
        pcl_csv_cut_count(&t, "d,\"e\n", 6);
        pcl_csv_cut_count(&at, "d,\"e\n", 6);
        assert_int_equal(t.lines, at.lines);
        assert_int_equal(t.odd, at.odd);
    }
    /* a break in the first record: none, the cutter unchanged */
    t = t0;
    assert_int_equal(pcl_csv_cut_last_good(&t, "x,y\"z\na,b\n", 10), 0);
    assert_int_equal(t.lines, 0);
    assert_false(t.started);
    /* no break: the last cut of all */
    t = t0;
    assert_int_equal(pcl_csv_cut_last_good(&t, "a,b\nc,\"d\ne\"\nf", 13), 12);
    assert_int_equal(t.lines, 3);
}

static void
test_pcl_csv_cutter(void **state)
{
    const char *in = "a,b\r\n\"x\ny\",z\rc,\"q\"\"\"\nd,e\n";
    struct pcl_csv_cutter t = {0}, u = {0};
    size_t n = strlen(in), at;

    (void)state;
    pcl_csv_cut_count(&t, in, n);
    assert_int_equal(t.lines, 5); /* "\r\n", quoted "\n", "\r", "\n", "\n" */
    assert_false(t.odd);
    /* the same in two counts, cut between '\r' and '\n' */
    pcl_csv_cut_count(&u, in, 4);
    assert_int_equal(u.last, '\r');
    pcl_csv_cut_count(&u, in + 4, n - 4);
    assert_int_equal(u.lines, t.lines);
    /* from the start: the "\r\n" of the header */
    memset(&u, 0, sizeof(u));
    assert_int_equal(pcl_csv_cut_find(&u, in, n), 4);
    /* from inside the first record: not the quoted newline, but the one after "q""" */
    pcl_csv_cut_count(&u, in, 5);
    at = 5 + pcl_csv_cut_find(&u, in + 5, n - 5);
    assert_int_equal(at, (size_t)(strstr(in, "\"\"\"\n") - in) + 3);
    /* no '\n' outside quotes left: n */
    memset(&u, 0, sizeof(u));
    assert_int_equal(pcl_csv_cut_find(&u, "\"a\nb", 4), 4);
    assert_false(t.broken); /* every quote above is where RFC 4180 allows one */
    /* a stray quote in an unquoted cell, and text after a closing quote, break it (sticky);
     * for TSV a quote after a tab is an opening one */
    memset(&u, 0, sizeof(u));
    pcl_csv_cut_count(&u, "a,b\"c\nd\n", 8);
    assert_true(u.broken);
    u = (struct pcl_csv_cutter){0};
    pcl_csv_cut_count(&u, "a,\"b\"", 6);
    pcl_csv_cut_count(&u, "x\n", 2); /* the closing quote's next byte comes in the next count */
    assert_true(u.broken);
    u = (struct pcl_csv_cutter){.delim = '\t'};
    pcl_csv_cut_count(&u, "a\t\"b\tc\"\td\n", 10);
    assert_false(u.broken);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_csv_feed_table),
        cmocka_unit_test(test_pcl_csv_feed_any_chunk_size),
        cmocka_unit_test(test_pcl_csv_feed_warning_names_line_and_offset),
        cmocka_unit_test(test_pcl_csv_feed_strict_rejects_broken_quotes),
        cmocka_unit_test(test_pcl_csv_feed_limits),
        cmocka_unit_test(test_pcl_csv_feed_callback_error_stops),
        cmocka_unit_test(test_pcl_csv_new_rejects_bad_options),
        cmocka_unit_test(test_pcl_csv_rows_counts_records),
        cmocka_unit_test(test_pcl_csv_feed_out_of_memory),
        cmocka_unit_test(test_pcl_csv_looks_like_header),
        cmocka_unit_test(test_pcl_csv_at_record_start_splits_exactly),
        cmocka_unit_test(test_pcl_csv_cutter),
        cmocka_unit_test(test_pcl_csv_cut_last_good),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
