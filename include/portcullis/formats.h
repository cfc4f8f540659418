/* SPDX-License-Identifier: Apache-2.0 */
/* Input formats: transparent gzip input, format sniffing, an incremental CSV/TSV reader, a
 * non-recursive JSON/JSONL walker with raw offset maps, a JSON rewriter for redaction, and a
 * deterministic directory walk with .gitignore-style excludes. */
#ifndef PORTCULLIS_FORMATS_H
#define PORTCULLIS_FORMATS_H

#include <portcullis/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Non-fatal problems (broken CSV quoting, a bad JSONL line, an unreadable directory) go to a
 * warning callback with a complete lower-case message that names the input, e.g.
 * "data.csv: line 3 (offset 57): quote inside unquoted field". msg is borrowed for the call. */
typedef void pcl_warn_fn(void *arg, const char *msg);

/* ---- raw offset maps ---------------------------------------------------------------- */

/* Decoded values (CSV cells, JSON strings) differ from their raw bytes where an escape was
 * decoded. One entry says: decoded bytes [dec, dec + dlen) came from raw bytes
 * [raw, raw + rlen), both relative to the value's first content byte. Outside entries the
 * mapping is 1:1. */
struct pcl_rawmap_esc {
    size_t dec;
    size_t raw;
    uint32_t dlen;
    uint32_t rlen;
};

struct pcl_rawmap {
    uint64_t base;                    /* absolute raw offset of the first content byte */
    const struct pcl_rawmap_esc *esc; /* array of nesc, sorted by dec; borrowed */
    size_t nesc;
};

/* Absolute raw offset of decoded byte idx: the first raw byte of the escape that produced
 * it, or base + (raw length) when idx == decoded length. */
uint64_t pcl_rawmap_offset(const struct pcl_rawmap *m, size_t idx);
/* Raw range [*raw_start, *raw_end) covering decoded bytes [start, end), widened to whole
 * escape sequences, so replacing exactly those raw bytes never splits an escape. start <= end. */
void pcl_rawmap_span(const struct pcl_rawmap *m, size_t start, size_t end, uint64_t *raw_start,
                     uint64_t *raw_end);

/* ---- input -------------------------------------------------------------------------- */

struct pcl_input;

/* Open a file, or standard input for "-" (not closed by pcl_input_free). gzip data (magic
 * 1f 8b) is inflated transparently, including multi-member streams. Errors name the file:
 * PCL_ENOTFOUND when it does not exist, PCL_EIO otherwise (directories are rejected).
 * Caller frees *out with pcl_input_free(). */
enum pcl_rc pcl_input_open(const char *path, struct pcl_input **out, struct pcl_err *err) PCL_WUR;
/* The bytes [off, off + len) of a regular file, as they are (no gzip decoding): a part of a
 * large file that threads read side by side. Offsets reported by the readers are relative to
 * off. A file shorter than off + len simply ends early. */
enum pcl_rc pcl_input_open_range(const char *path, uint64_t off, uint64_t len,
                                 struct pcl_input **out, struct pcl_err *err) PCL_WUR;
/* Same over memory: data[0..len) is borrowed until pcl_input_free(); name is copied and used
 * in messages (e.g. "request body"). */
enum pcl_rc pcl_input_open_mem(const char *name, const void *data, size_t len,
                               struct pcl_input **out, struct pcl_err *err) PCL_WUR;
/* Read up to cap decoded bytes; *got == 0 means end of input. A corrupt or truncated gzip
 * stream is PCL_EIO, "name: corrupt gzip data at compressed offset N: <zlib reason>". */
enum pcl_rc pcl_input_read(struct pcl_input *in, void *buf, size_t cap, size_t *got,
                           struct pcl_err *err) PCL_WUR;
/* Decoded bytes from the current position without consuming them (later reads return them
 * first): up to PCL_INPUT_PEEK_MAX bytes, fewer only at end of input. *head is borrowed until
 * the next call on in. For pcl_format_sniff(). */
#define PCL_INPUT_PEEK_MAX 8192
enum pcl_rc pcl_input_peek(struct pcl_input *in, const char **head, size_t *len,
                           struct pcl_err *err) PCL_WUR;
/* Append all remaining decoded bytes to out. More than max bytes (0 = out->max) is
 * PCL_ELIMIT, "name: larger than N bytes"; out keeps what was read. */
enum pcl_rc pcl_input_slurp(struct pcl_input *in, size_t max, struct pcl_buf *out,
                            struct pcl_err *err) PCL_WUR;
/* Read the rest of the input in blocks of whole lines (JSON Lines, logs), so memory stays
 * bounded by chunk plus the longest line. fn gets each block: buf[0..len) holds whole lines
 * with their newlines (only the input's last line may lack one), line is the number of its
 * first line (1-based, from where reading began) and off its offset. A line longer than
 * max_line is PCL_ELIMIT, "NAME: line N is longer than M bytes"; fn's error stops the reading. */
typedef enum pcl_rc pcl_lines_fn(void *arg, const char *buf, size_t len, uint64_t line,
                                 uint64_t off, struct pcl_err *err);
enum pcl_rc pcl_input_lines(struct pcl_input *in, size_t chunk, size_t max_line, pcl_lines_fn *fn,
                            void *arg, struct pcl_err *err) PCL_WUR;
/* Decode the rest of a gzip input on a thread of its own, a few 1 MiB chunks ahead of the
 * reads, so inflating and what the caller does with the bytes overlap (inflating runs at
 * about a third of the scanner's speed). The bytes, their order and the errors reads return
 * are the same (before an error, every byte decoded before it is returned, where a plain read
 * meeting the error drops what it decoded); pcl_input_raw_offset() then gives the compressed offset
 * at the end of the chunk being read. Not gzip (or no thread to spare): nothing changes.
 * pcl_input_free() stops the thread. */
enum pcl_rc pcl_input_readahead(struct pcl_input *in, struct pcl_err *err) PCL_WUR;
/* The name given to open ("<stdin>" for "-"); borrowed until pcl_input_free(). */
const char *pcl_input_name(const struct pcl_input *in);
/* True once the input was recognised as gzip (known after the first read or peek). */
bool pcl_input_is_gzip(const struct pcl_input *in);
/* Compressed (raw) bytes consumed so far. */
uint64_t pcl_input_raw_offset(const struct pcl_input *in);
void pcl_input_free(struct pcl_input *in);

/* ---- format sniffing ---------------------------------------------------------------- */

enum pcl_format {
    PCL_FMT_TEXT = 0,
    PCL_FMT_CSV,
    PCL_FMT_TSV,
    PCL_FMT_JSON,
    PCL_FMT_JSONL,
    PCL_FMT_BINARY,
};

/* Guess a format. A NUL byte in head[0..min(headlen, 8 KiB)) means PCL_FMT_BINARY; then the
 * extension of name after stripping ".gz" (.csv, .tsv/.tab, .json, .jsonl/.ndjson; name may
 * be NULL); then content, within the first 8 KiB: a first line holding one complete-looking
 * value ('{' or '[' ... '}' or ']') followed by another line starting with '{' or '[' is JSONL
 * when every other complete line also looks like a value (blank lines aside), TEXT when one
 * does not (JSON records mixed with plain log lines); such a first line followed by a line
 * that starts no value is TEXT too (a log that begins with a JSON record), and followed by
 * nothing JSON; otherwise a first byte '{' or '[' is JSON; else TEXT. A '{' or '[' opens a
 * value only when a key or '}' (after '{'), or a value or ']' (after '['), follows it: "[core]"
 * (an INI section) and "{a: 1}" open none, so such lines are TEXT. */
enum pcl_format pcl_format_sniff(const char *name, const char *head, size_t headlen);
/* Parse a --input-format value: "text", "csv", "tsv", "json", "jsonl" (or "ndjson"),
 * "binary", case-insensitive. PCL_EINVAL otherwise ("auto" is the caller's business). */
enum pcl_rc pcl_format_parse(const char *s, enum pcl_format *out, struct pcl_err *err) PCL_WUR;
/* Static lower-case name, e.g. "jsonl". */
const char *pcl_format_name(enum pcl_format f);

/* ---- CSV / TSV ---------------------------------------------------------------------- */

struct pcl_csv;

/* One cell, borrowed for the duration of the callback. */
struct pcl_csv_cell {
    uint64_t row;    /* 0-based record number (blank lines are not records); row 0 may be
                        the header, which is the caller's business */
    size_t col;      /* 0-based */
    const char *ptr; /* decoded value ("" unescaped), NUL-terminated, len bytes */
    size_t len;
    uint64_t raw_start; /* absolute offset of the cell's first raw byte (its quote if quoted) */
    uint64_t raw_end;   /* exclusive; excludes the delimiter and line ending */
    uint64_t line;      /* 1-based line where the cell starts */
    bool quoted;
    bool last;             /* last cell of its record */
    struct pcl_rawmap map; /* decoded index -> raw offset; see pcl_csv_cell_raw_offset() */
};

/* Return PCL_OK to continue; anything else stops the reader and is returned by
 * pcl_csv_feed/finish (set err to say why; a generic message is used otherwise). */
typedef enum pcl_rc pcl_csv_cell_fn(void *arg, const struct pcl_csv_cell *cell,
                                    struct pcl_err *err);

struct pcl_csv_opts {
    char delim;               /* 0 = ','; '\t' for TSV */
    bool strict;              /* broken quoting is PCL_EINVAL instead of a warning */
    size_t max_cell;          /* decoded bytes per cell; 0 = 1 MiB */
    size_t max_cols;          /* cells per record; 0 = 16384 */
    const char *name;         /* used in messages; NULL = "csv"; borrowed until pcl_csv_free */
    pcl_csv_cell_fn *on_cell; /* required */
    pcl_warn_fn *on_warn;     /* NULL drops warnings (they are still counted) */
    void *arg;                /* passed to both callbacks */
    /* Where the first byte fed stands, to read a file from a record start on (a part of it;
     * see pcl_csv_at_record_start()): its offset, the lines and the records before it. The
     * first cell reported is then row row0, on line line0 + 1, at offset off0. */
    uint64_t off0;
    uint64_t line0;
    uint64_t row0;
};

/* New incremental RFC 4180 reader: quoted fields, doubled quotes, CRLF, LF or CR line ends,
 * newlines inside quotes. Broken quoting is recovered from without losing bytes: a quote
 * inside an unquoted field and bytes after a closing quote are kept literally in the value,
 * and an unterminated quote runs to the end of input; each gives a warning naming line and
 * offset. Caller frees with pcl_csv_free(). opts is copied. */
enum pcl_rc pcl_csv_new(const struct pcl_csv_opts *opts, struct pcl_csv **out,
                        struct pcl_err *err) PCL_WUR;
/* Feed the next chunk (any size, cells may span chunks); calls on_cell for every completed
 * cell. A cell over max_cell or a record over max_cols is PCL_ELIMIT naming line and offset;
 * after any error the reader is stuck and returns the same rc. */
enum pcl_rc pcl_csv_feed(struct pcl_csv *c, const char *data, size_t len,
                         struct pcl_err *err) PCL_WUR;
/* End of input: flushes the last record (no newline needed). */
enum pcl_rc pcl_csv_finish(struct pcl_csv *c, struct pcl_err *err) PCL_WUR;
/* Whether the input fed so far ends a record (or a blank line) and nothing of the next one is
 * held: a reader given the rest of the input, with off0, line0 and row0 as this one counts
 * them at this point, reads it exactly as this one would (a '\r' fed last may still swallow
 * a '\n', so it is false then). Splitting a file at such points lets several readers take
 * its parts side by side. */
bool pcl_csv_at_record_start(const struct pcl_csv *c);
/* Where a CSV/TSV byte stream may be cut into parts for several readers, found at memory
 * speed without parsing: count the bytes before a point into a cutter (zero-initialised at
 * the start of the input), then look for a cut after it. */
struct pcl_csv_cutter {
    char delim;     /* set before counting; 0 = ',' */
    uint64_t lines; /* lines ended so far, as the reader counts them ('\r', '\n' and "\r\n"
                       each end one): the line0 of a reader starting here */
    bool odd;       /* an odd number of quotes so far */
    bool broken;    /* a quote stood where RFC 4180 has none (one inside an unquoted field,
                       or a closing quote followed by something else than a delimiter, a
                       quote or a line end): from there on, cuts may fall inside a quoted
                       cell. Sticky. */
    /* internal */
    bool started; /* something was counted */
    char last;    /* the last byte counted */
    bool in;      /* inside a quoted cell */
    bool qpend;   /* inside, the last byte counted is a quote: the next byte says which */
};
void pcl_csv_cut_count(struct pcl_csv_cutter *t, const char *p, size_t n);
/* The first '\n' in p[0..n) (t counted up to p) with an even number of quotes before it in
 * the input, or n: right after it, a file quoted as RFC 4180 says starts a record. Where the
 * quoting is broken (t->broken once counted up to the cut) that may not hold;
 * pcl_csv_at_record_start() on the reader of the part before the cut tells. */
size_t pcl_csv_cut_find(const struct pcl_csv_cutter *t, const char *p, size_t n);
/* A cutter standing at a record start (right after a '\n'), lines lines into the input: where
 * cutting starts again once a reader has found a record start after broken quoting. */
struct pcl_csv_cutter pcl_csv_cutter_at(char delim, uint64_t lines);
/* The last cut in p[0..n) (t counted up to p) before the quoting breaks there: the offset just
 * past its '\n', a record start, or 0 when there is none. *t is then counted up to that cut
 * (unchanged when 0). Where to start a reader again after t->broken was found in p. */
size_t pcl_csv_cut_last_good(struct pcl_csv_cutter *t, const char *p, size_t n);
/* The line the reader stands on (1-based: line0 + 1 before anything is fed). */
uint64_t pcl_csv_line(const struct pcl_csv *c);
/* Counters: records seen, warnings raised. */
uint64_t pcl_csv_rows(const struct pcl_csv *c);
uint64_t pcl_csv_warnings(const struct pcl_csv *c);
void pcl_csv_free(struct pcl_csv *c);

/* Absolute raw offset of decoded byte idx of cell (idx == len: end of the content, before a
 * closing quote). A doubled quote maps to its first quote. */
uint64_t pcl_csv_cell_raw_offset(const struct pcl_csv_cell *cell, size_t idx);
/* Whether the first line of head[0..n) names columns: it holds no digit or '@' (a line of
 * values has numbers or addresses) and head holds a delimiter (on any line). scan and redact
 * name the columns of a file without one "#1", "#2", ... */
bool pcl_csv_looks_like_header(const char *head, size_t n, char delim);

/* ---- JSON / JSONL walker ------------------------------------------------------------ */

enum pcl_json_kind {
    PCL_JSON_STRING = 0, /* a string value */
    PCL_JSON_KEY,        /* an object key (opts.keys) */
    PCL_JSON_NUMBER,     /* a number (opts.numbers); ptr is its text */
};

/* One scalar, borrowed for the duration of the callback. */
struct pcl_json_value {
    enum pcl_json_kind kind;
    const char *path; /* normalised field path, NUL-terminated, path_len bytes: keys joined
                         by '.', array indices as "[]", e.g. "users[].email"; a key that is
                         empty or holds . [ ] " \ or a control byte is written ["k\"ey"];
                         the root value has path "". A key's path ends with itself. */
    size_t path_len;
    const char *ptr; /* decoded (escapes and \uXXXX pairs decoded to UTF-8, a lone surrogate
                        to U+FFFD; other bytes passed through unchecked), NUL-terminated;
                        may contain NUL bytes from \u0000 */
    size_t len;
    uint64_t raw_start;    /* absolute offset of the literal in the buffer (its opening quote) */
    uint64_t raw_end;      /* exclusive (after the closing quote) */
    uint64_t line;         /* 1-based line of the literal (for JSONL, the record's line) */
    struct pcl_rawmap map; /* decoded index -> raw offset */
};

typedef enum pcl_rc pcl_json_value_fn(void *arg, const struct pcl_json_value *v,
                                      struct pcl_err *err);

struct pcl_json_walk_opts {
    bool jsonl;                  /* one value per line; blank lines skipped */
    bool keys;                   /* also call back for object keys */
    bool numbers;                /* also call back for numbers */
    unsigned max_depth;          /* nesting of arrays/objects; 0 = 512 */
    size_t max_path;             /* bytes of path; 0 = 4096 (deeper keys: PCL_ELIMIT / bad line) */
    size_t max_string;           /* decoded bytes per string; 0 = 64 MiB */
    const char *name;            /* used in messages; NULL = "json" */
    uint64_t first_line;         /* line number of buf[0] (a JSONL block cut from a larger
                                    file): messages and pcl_json_value.line count from it;
                                    0 = 1 */
    uint64_t base_offset;        /* file offset of buf[0], added to offsets in messages (not
                                    to raw_start/raw_end, which stay relative to buf) */
    pcl_json_value_fn *on_value; /* required */
    pcl_warn_fn *on_warn;        /* JSONL bad lines; NULL drops them (still counted) */
    /* JSONL: after on_warn, the bad line's [start, end) in buf (without its line end), so a
     * caller can still handle its bytes (values reported before the error included); NULL
     * = not needed */
    void (*on_bad_line)(void *arg, size_t start, size_t end);
    void *arg;
};

struct pcl_json_walk_stats {
    uint64_t records;   /* documents walked (JSONL: non-blank lines) */
    uint64_t bad_lines; /* JSONL lines skipped after an error */
    uint64_t values;    /* callbacks made */
};

/* Walk buf[0..len) without recursion. A syntax error is PCL_EINVAL with
 * "name: line 3, column 14 (offset 57): expected ',' or '}'"; an invalid escape or a control
 * byte in a string is an error too; an empty or all-blank buffer is zero records; nesting
 * deeper than max_depth is PCL_ELIMIT. With
 * opts.jsonl such errors become warnings (on_warn, same message) and the walk resumes at the
 * next line; values already reported from a bad line stay reported. Errors from on_value
 * always stop the walk. stats may be NULL. Allocates a little scratch; never recurses. */
enum pcl_rc pcl_json_walk(const char *buf, size_t len, const struct pcl_json_walk_opts *opts,
                          struct pcl_json_walk_stats *stats, struct pcl_err *err) PCL_WUR;

/* The four hex digits of a \uXXXX escape at p[0..avail): their value, or -1 when there are
 * fewer than four or one is not a hex digit. */
long pcl_json_hex4(const char *p, size_t avail);

/* One replacement for pcl_json_rewrite. [raw_start, raw_end) is either a whole string literal
 * with its quotes (pcl_json_value raw_start/raw_end) and the output is a quoted JSON string,
 * or a range inside a literal's content (from pcl_rawmap_span) and the output is escaped
 * content without quotes. repl is plain UTF-8 (invalid bytes become U+FFFD). */
struct pcl_json_edit {
    uint64_t raw_start;
    uint64_t raw_end;
    const char *repl; /* repl_len bytes, borrowed */
    size_t repl_len;
};

/* Append buf with each edit applied, every other byte (whitespace, formatting, line ends)
 * copied unchanged. edits must be sorted by raw_start and not overlap (PCL_EINVAL otherwise,
 * also when a range is outside buf or a whole-literal range does not end with '"'). The
 * result is bounded by out->max (PCL_ELIMIT). */
enum pcl_rc pcl_json_rewrite(const char *buf, size_t len, const struct pcl_json_edit *edits,
                             size_t nedits, struct pcl_buf *out, struct pcl_err *err) PCL_WUR;

/* ---- .gitignore-style matcher ------------------------------------------------------- */

struct pcl_ignore;

enum pcl_ignore_result {
    PCL_IGNORE_NONE = 0, /* no pattern matched */
    PCL_IGNORE_EXCLUDE,  /* the last matching pattern excludes */
    PCL_IGNORE_INCLUDE,  /* the last matching pattern is a negation ("!pat") */
};

/* Empty pattern list. Caller frees with pcl_ignore_free(). NULL when out of memory. */
struct pcl_ignore *pcl_ignore_new(void) PCL_WUR;
/* Add one line of .gitignore syntax: blank lines and "#" comments ignored, "!" negates,
 * "\" escapes, unescaped trailing spaces dropped, trailing "/" = directories only, a "/"
 * at the start or middle anchors to the matcher's root (otherwise the pattern matches the
 * name at any depth), "*" "?" "[a-z]" "[!a]" never match "/", "**" as a whole segment
 * matches any number of directories. A malformed pattern (e.g. unclosed "[") is added as a
 * pattern that never matches, as git does. PCL_ELIMIT past 65536 patterns or a line over
 * 4096 bytes; PCL_ENOMEM. */
enum pcl_rc pcl_ignore_add_line(struct pcl_ignore *ig, const char *line, size_t len,
                                struct pcl_err *err) PCL_WUR;
/* Add every line of a .gitignore buffer (LF or CRLF). */
enum pcl_rc pcl_ignore_add_text(struct pcl_ignore *ig, const char *text, size_t len,
                                struct pcl_err *err) PCL_WUR;
/* Match a path relative to the matcher's root: '/'-separated, no leading "/" or "./".
 * Returns the verdict of the last matching pattern. Does not check parent directories:
 * callers walking a tree stop descending into excluded directories, as git does. */
enum pcl_ignore_result pcl_ignore_match(const struct pcl_ignore *ig, const char *path, size_t len,
                                        bool is_dir);
size_t pcl_ignore_count(const struct pcl_ignore *ig);
void pcl_ignore_free(struct pcl_ignore *ig);

/* ---- directory walk ----------------------------------------------------------------- */

/* One regular file, borrowed for the duration of the callback. */
struct pcl_walk_entry {
    const char *path; /* root joined with the relative path, e.g. "src/a/b.txt"; "-" for stdin */
    const char *rel;  /* relative to its root ("" when the root itself is the file) */
    uint64_t size;
};

typedef enum pcl_rc pcl_walk_file_fn(void *arg, const struct pcl_walk_entry *e,
                                     struct pcl_err *err);

struct pcl_walk_opts {
    bool follow_symlinks;        /* follow symlinks found inside directories (roots always are) */
    bool gitignore;              /* honour .gitignore files found in the tree, each for its own
                                    subtree */
    bool no_default_excludes;    /* the default set is ".git/" */
    const char *const *excludes; /* nexcludes .gitignore-style patterns (--exclude), matched
                                    relative to each root; borrowed */
    size_t nexcludes;
    unsigned max_depth;        /* directory depth; 0 = 256 */
    pcl_walk_file_fn *on_file; /* required */
    pcl_warn_fn *on_warn;      /* NULL drops warnings (still counted) */
    void *arg;
};

struct pcl_walk_stats {
    uint64_t files;    /* on_file calls */
    uint64_t dirs;     /* directories read */
    uint64_t excluded; /* entries skipped by a pattern */
    uint64_t skipped;  /* symlinks not followed, special files, already visited directories */
    uint64_t warnings; /* unreadable entries, symlink loops, missing roots, too deep */
};

/* Walk each path in order: "-" and regular files (symlinks followed) are reported as they are,
 * directories are walked without recursion in byte-sorted name order, calling on_file for
 * every regular file not excluded. Patterns are checked --exclude first, then .gitignore files
 * from the deepest directory up, then the defaults; the first verdict wins. Excludes do not
 * apply to the roots themselves. A directory already visited (dev/inode) is skipped, with a
 * "symlink loop" warning when it is an ancestor. Unreadable or missing entries are warnings
 * and the walk goes on. Returns PCL_OK unless on_file failed (its rc), a pattern is invalid
 * beyond recovery, or memory ran out. stats may be NULL. */
enum pcl_rc pcl_walk(const char *const *paths, size_t npaths, const struct pcl_walk_opts *opts,
                     struct pcl_walk_stats *stats, struct pcl_err *err) PCL_WUR;

#ifdef __cplusplus
}
#endif
#endif
