/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis scan` internals: per-file results and the output writers. */
#ifndef PCL_CLI_SCAN_H
#define PCL_CLI_SCAN_H

#include "cli.h"

#include <portcullis/detect.h>
#include <portcullis/formats.h>

enum scan_out {
    SCAN_OUT_TEXT,
    SCAN_OUT_JSON,
    SCAN_OUT_JSONL,
    SCAN_OUT_SARIF,
};

struct scan_hit {
    uint64_t start; /* byte offsets from the start of the (decompressed) file */
    uint64_t end;
    uint64_t line; /* 1-based */
    uint64_t col;  /* 1-based, in code points */
    uint64_t row;  /* CSV data row (1-based) or JSONL record line; 0 = none */
    double score;
    uint32_t det;
    const char *field;   /* CSV column name or JSON field path; NULL for text */
    size_t profile;      /* with field: the index of its profile */
    const char *preview; /* masked value (or the value with --show-values) */
};

/* Per-column (CSV) or per-field-path (JSON) profile. */
struct scan_profile {
    char *name;
    size_t name_len;
    uint64_t cells;
    uint64_t *cells_by_det; /* cells with a finding, per detector; array of ndets */
    struct pcl_class_counts counts;
};

struct scan_file {
    char *path;
    enum pcl_format fmt;
    uint64_t bytes;
    bool gzip;
    bool skipped;            /* binary: not scanned */
    char *error;             /* the file could not be scanned (heap) */
    bool failed;             /* set with error, and alone when even the message could not be
                                allocated (out of memory) */
    struct pcl_buf warnings; /* newline-separated warning lines */
    struct scan_hit *hits;   /* array of nhits */
    size_t nhits;
    size_t caphits;
    struct scan_profile *profiles; /* array of nprofiles: CSV columns or JSON fields */
    size_t nprofiles;
    size_t capprofiles;
    struct pcl_class_counts counts;
    enum pcl_sensitivity level;
};

struct scan_summary {
    uint64_t files;
    uint64_t skipped;
    uint64_t failed;
    uint64_t bytes;
    uint64_t findings;
    uint64_t *by_det; /* array of ndets */
    uint64_t by_level[4];
    double seconds;
};

struct jsonl_cache;

struct scan_writer {
    enum scan_out kind;
    FILE *out;
    const struct pcl_engine *e;
    struct pcl_buf buf;
    struct pcl_jw jw;
    bool started;
    bool any_file;
    struct jsonl_cache *jc; /* JSONL: pre-rendered parts of finding lines; NULL until used */
};

void scan_writer_begin(struct scan_writer *w);
void scan_writer_file(struct scan_writer *w, const struct scan_file *f);
void scan_writer_end(struct scan_writer *w, const struct scan_summary *s, bool summary_table);

#endif
