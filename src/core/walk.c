/* SPDX-License-Identifier: Apache-2.0 */
/* Deterministic, non-recursive directory walk with symlink-loop detection and a
 * .gitignore-style pattern matcher (also used for --exclude). */
#define _POSIX_C_SOURCE 200809L

#include "common.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <portcullis/formats.h>

#define IG_MAX_PATTERNS    65536u
#define IG_MAX_LINE        4096u
#define WALK_MAX_DEPTH     256u
#define WALK_MAX_PATH      4096u
#define WALK_MAX_NAMES     (1u << 22)
#define WALK_GITIGNORE_MAX ((size_t)1 << 20)

/* ---- pattern matcher ---------------------------------------------------------------- */

struct ig_seg {
    size_t off; /* into ig_pat.text */
    size_t len;
    bool starstar; /* the whole segment is "**" */
};

struct ig_pat {
    char *text;         /* pattern body, backslash escapes kept; heap */
    struct ig_seg *seg; /* array of nseg; heap */
    size_t nseg;
    bool negate;
    bool dir_only;
    bool anchored; /* had a '/' other than a trailing one: match the whole path */
};

struct pcl_ignore {
    struct ig_pat *pat; /* array of n / cap */
    size_t n;
    size_t cap;
};

struct pcl_ignore *
pcl_ignore_new(void)
{
    return pcl_calloc(1, sizeof(struct pcl_ignore));
}

void
pcl_ignore_free(struct pcl_ignore *ig)
{
    if (ig == NULL) {
        return;
    }
    for (size_t i = 0; i < ig->n; i++) {
        pcl_free(ig->pat[i].text);
        pcl_free(ig->pat[i].seg);
    }
    pcl_free(ig->pat);
    pcl_free(ig);
}

size_t
pcl_ignore_count(const struct pcl_ignore *ig)
{
    return ig->n;
}

/* Match class "[...]" starting at p[*i] (on the '['); returns 1/0 for match, -1 when the
 * class is malformed. Advances *i past the ']'. */
static int
glob_class(const char *p, size_t plen, size_t *i, char c)
{
    size_t k = *i + 1;
    bool neg = false;
    bool hit = false;
    bool first = true;

    if (k < plen && (p[k] == '!' || p[k] == '^')) {
        neg = true;
        k++;
    }
    while (k < plen && (p[k] != ']' || first)) {
        char lo = p[k];
        char hi;

        first = false;
        if (lo == '\\' && k + 1 < plen) {
            lo = p[++k];
        }
        hi = lo;
        if (k + 2 < plen && p[k + 1] == '-' && p[k + 2] != ']') {
            hi = p[k + 2];
            k += 2;
            if (hi == '\\' && k + 1 < plen) {
                hi = p[++k];
            }
        }
        if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi) {
            hit = true;
        }
        k++;
    }
    if (k >= plen) {
        return -1;
    }
    *i = k + 1;
    return hit != neg ? 1 : 0;
}

/* One pattern unit at p[*pi] against c; advances *pi. 1 match, 0 no, -1 malformed. */
static int
glob_unit(const char *p, size_t plen, size_t *pi, char c)
{
    char want = p[*pi];

    if (want == '[') {
        return glob_class(p, plen, pi, c);
    }
    if (want == '?') {
        (*pi)++;
        return 1;
    }
    if (want == '\\') {
        if (*pi + 1 >= plen) {
            return -1;
        }
        (*pi)++;
        want = p[*pi];
    }
    (*pi)++;
    return want == c ? 1 : 0;
}

/* Glob within one path segment (no '/'): '*' any run, '?' one byte, classes, escapes.
 * Iterative with one backtrack point, which is exact for patterns whose only variable-length
 * unit is '*'. */
static bool
glob_seg(const char *p, size_t plen, const char *s, size_t slen)
{
    size_t pi = 0;
    size_t si = 0;
    size_t star_p = SIZE_MAX;
    size_t star_s = 0;

    while (si < slen) {
        if (pi < plen && p[pi] == '*') {
            while (pi < plen && p[pi] == '*') {
                pi++;
            }
            star_p = pi;
            star_s = si;
            continue;
        }
        if (pi < plen) {
            size_t next = pi;
            int m = glob_unit(p, plen, &next, s[si]);

            if (m < 0) {
                return false;
            }
            if (m == 1) {
                pi = next;
                si++;
                continue;
            }
        }
        if (star_p == SIZE_MAX) {
            return false;
        }
        pi = star_p;
        si = ++star_s;
    }
    while (pi < plen && p[pi] == '*') {
        pi++;
    }
    return pi == plen;
}

/* End of the path segment starting at i. */
static size_t
seg_end(const char *s, size_t len, size_t i)
{
    const char *slash = memchr(s + i, '/', len - i);

    return slash != NULL ? (size_t)(slash - s) : len;
}

/* Segment-level glob: "**" segments match any number of path segments, others one. The same
 * single-backtrack scheme as glob_seg, over segments. */
static bool
glob_path(const struct ig_pat *pat, const char *s, size_t len)
{
    size_t j = 0;
    size_t i = 0;
    size_t star_j = SIZE_MAX;
    size_t star_i = 0;

    while (i < len) {
        size_t e = seg_end(s, len, i);

        if (j < pat->nseg && pat->seg[j].starstar) {
            star_j = ++j;
            star_i = i;
            continue;
        }
        if (j < pat->nseg && glob_seg(pat->text + pat->seg[j].off, pat->seg[j].len, s + i, e - i)) {
            j++;
            i = e < len ? e + 1 : len;
            continue;
        }
        if (star_j == SIZE_MAX) {
            return false;
        }
        j = star_j;
        star_i = seg_end(s, len, star_i);
        star_i = star_i < len ? star_i + 1 : len;
        i = star_i;
    }
    while (j < pat->nseg && pat->seg[j].starstar) {
        j++;
    }
    return j == pat->nseg;
}

static bool
ig_pat_match(const struct ig_pat *pat, const char *path, size_t len, bool is_dir)
{
    size_t base = len;

    if (pat->dir_only && !is_dir) {
        return false;
    }
    if (pat->anchored) {
        return glob_path(pat, path, len);
    }
    while (base > 0 && path[base - 1] != '/') {
        base--;
    }
    return glob_seg(pat->text, pat->seg[0].len, path + base, len - base);
}

enum pcl_ignore_result
pcl_ignore_match(const struct pcl_ignore *ig, const char *path, size_t len, bool is_dir)
{
    while (len > 0 && path[len - 1] == '/') {
        len--;
    }
    for (size_t i = ig->n; i > 0; i--) {
        const struct ig_pat *pat = &ig->pat[i - 1];

        if (ig_pat_match(pat, path, len, is_dir)) {
            return pat->negate ? PCL_IGNORE_INCLUDE : PCL_IGNORE_EXCLUDE;
        }
    }
    return PCL_IGNORE_NONE;
}

/* Split text[0..len) on '/' into segments. A trailing double-star segment after other
 * segments gets a "*" segment before it, so "dir/" plus a double star matches what is inside
 * dir but not dir itself, as in git. */
static enum pcl_rc
ig_split(struct ig_pat *pat, size_t len)
{
    size_t n = 2;
    size_t i = 0;
    size_t k = 0;

    for (size_t j = 0; j < len; j++) {
        n += pat->text[j] == '/' ? 1u : 0u;
    }
    pat->seg = pcl_calloc(n, sizeof(*pat->seg));
    if (pat->seg == NULL) {
        return PCL_ENOMEM;
    }
    while (i < len) {
        size_t e = seg_end(pat->text, len, i);

        if (e > i) {
            pat->seg[k].off = i;
            pat->seg[k].len = e - i;
            pat->seg[k].starstar = e - i == 2 && pat->text[i] == '*' && pat->text[i + 1] == '*';
            k++;
        }
        i = e + 1;
    }
    if (k > 1 && pat->seg[k - 1].starstar) {
        pat->seg[k] = pat->seg[k - 1];
        pat->seg[k - 1].len = 1; /* "*" */
        pat->seg[k - 1].starstar = false;
        k++;
    }
    pat->nseg = k;
    return PCL_OK;
}

/* Length of line without its line ending and unescaped trailing spaces. */
static size_t
ig_trim(const char *line, size_t len)
{
    while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n')) {
        len--;
    }
    while (len > 0 && line[len - 1] == ' ') {
        size_t bs = 0;

        /* an odd number of backslashes before the space escapes it */
        while (bs + 1 < len && line[len - 2 - bs] == '\\') {
            bs++;
        }
        if (bs % 2 == 1) {
            break;
        }
        len--;
    }
    return len;
}

/* Store the pattern body line[start..len) in ig (takes nothing on failure). */
static enum pcl_rc
ig_store(struct pcl_ignore *ig, struct ig_pat *pat, const char *body, size_t len,
         struct pcl_err *err)
{
    enum pcl_rc rc;

    if (ig->n >= IG_MAX_PATTERNS) {
        return pcl_err_set(err, PCL_ELIMIT, "ignore: more than %u patterns", IG_MAX_PATTERNS);
    }
    if (ig->n == ig->cap) {
        size_t ncap = ig->cap == 0 ? 8 : ig->cap * 2;
        struct ig_pat *np = pcl_realloc(ig->pat, ncap * sizeof(*np));

        if (np == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "ignore: out of memory");
        }
        ig->pat = np;
        ig->cap = ncap;
    }
    pat->text = pcl_strndup(body, len);
    if (pat->text == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "ignore: out of memory");
    }
    rc = ig_split(pat, len);
    if (rc != PCL_OK || pat->nseg == 0) {
        pcl_free(pat->text);
        pcl_free(pat->seg);
        return rc == PCL_OK ? PCL_OK : pcl_err_set(err, rc, "ignore: out of memory");
    }
    ig->pat[ig->n++] = *pat;
    return PCL_OK;
}

enum pcl_rc
pcl_ignore_add_line(struct pcl_ignore *ig, const char *line, size_t len, struct pcl_err *err)
{
    struct ig_pat pat;
    size_t start = 0;

    memset(&pat, 0, sizeof(pat));
    if (len > IG_MAX_LINE) {
        return pcl_err_set(err, PCL_ELIMIT, "ignore: pattern longer than %u bytes", IG_MAX_LINE);
    }
    len = ig_trim(line, len);
    if (len == 0 || line[0] == '#') {
        return PCL_OK;
    }
    if (line[0] == '!') {
        pat.negate = true;
        start = 1;
    }
    if (len > start && line[len - 1] == '/') {
        pat.dir_only = true;
        while (len > start && line[len - 1] == '/') {
            len--;
        }
    }
    if (len > start && memchr(line + start, '/', len - start) != NULL) {
        pat.anchored = true;
        while (start < len && line[start] == '/') {
            start++;
        }
    }
    if (len <= start) {
        return PCL_OK;
    }
    return ig_store(ig, &pat, line + start, len - start, err);
}

enum pcl_rc
pcl_ignore_add_text(struct pcl_ignore *ig, const char *text, size_t len, struct pcl_err *err)
{
    size_t i = 0;

    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl != NULL ? (size_t)(nl - text) : len;
        enum pcl_rc rc = PCL_OK;

        if (e - i <= IG_MAX_LINE) {
            rc = pcl_ignore_add_line(ig, text + i, e - i, err);
        }
        if (rc != PCL_OK) {
            return rc;
        }
        i = e + 1;
    }
    return PCL_OK;
}

/* ---- walk --------------------------------------------------------------------------- */

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
    case ENOTDIR:
        return "not a directory";
    case ELOOP:
        return "too many levels of symbolic links";
    case ENAMETOOLONG:
        return "file name too long";
    case EMFILE:
    case ENFILE:
        return "too many open files";
    default:
        return "cannot read";
    }
}

struct wdir {
    char *names;   /* NUL-separated entry names; heap */
    char **sorted; /* array of n pointers into names, byte-sorted; heap */
    size_t n;
    size_t next;
    size_t path_len;       /* length of this directory's path in walk.path */
    size_t rel_len;        /* length of its path relative to the root */
    struct pcl_ignore *gi; /* its .gitignore, or NULL */
    dev_t dev;
    ino_t ino;
};

struct visited {
    dev_t dev;
    ino_t ino;
    bool used;
};

struct walk {
    const struct pcl_walk_opts *o;
    struct pcl_walk_stats st;
    struct pcl_ignore *excl; /* --exclude patterns */
    struct pcl_ignore *defs; /* default excludes */
    struct wdir *stack;      /* array of depth / cap */
    size_t depth;
    size_t cap;
    unsigned max_depth;
    struct visited *seen; /* open-addressing set of nseen / seen_cap directories */
    size_t nseen;
    size_t seen_cap;
    char path[WALK_MAX_PATH + 1];
    size_t root_len; /* walk.path prefix that is the root (plus a '/') */
};

static void walk_warn(struct walk *w, const char *fmt, ...) PCL_PRINTF(2, 3);

static void
walk_warn(struct walk *w, const char *fmt, ...)
{
    char msg[PCL_ERR_MSG_SIZE];
    va_list ap;

    w->st.warnings++;
    if (w->o->on_warn == NULL) {
        return;
    }
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    w->o->on_warn(w->o->arg, msg);
}

static size_t
seen_hash(dev_t dev, ino_t ino, size_t cap)
{
    uint64_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)ino * 0xff51afd7ed558ccdull);

    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* Add (dev, ino); *dup says it was already there. */
static enum pcl_rc
seen_add(struct walk *w, dev_t dev, ino_t ino, bool *dup)
{
    size_t i;

    *dup = false;
    if ((w->nseen + 1) * 2 > w->seen_cap) {
        size_t ncap = w->seen_cap == 0 ? 64 : w->seen_cap * 2;
        struct visited *n = pcl_calloc(ncap, sizeof(*n));

        if (n == NULL) {
            return PCL_ENOMEM;
        }
        for (size_t k = 0; k < w->seen_cap; k++) {
            if (w->seen[k].used) {
                size_t j = seen_hash(w->seen[k].dev, w->seen[k].ino, ncap);

                while (n[j].used) {
                    j = (j + 1) & (ncap - 1);
                }
                n[j] = w->seen[k];
            }
        }
        pcl_free(w->seen);
        w->seen = n;
        w->seen_cap = ncap;
    }
    i = seen_hash(dev, ino, w->seen_cap);
    while (w->seen[i].used) {
        if (w->seen[i].dev == dev && w->seen[i].ino == ino) {
            *dup = true;
            return PCL_OK;
        }
        i = (i + 1) & (w->seen_cap - 1);
    }
    w->seen[i].dev = dev;
    w->seen[i].ino = ino;
    w->seen[i].used = true;
    w->nseen++;
    return PCL_OK;
}

static int
name_cmp(const void *a, const void *b)
{
    const char *const *x = a;
    const char *const *y = b;

    return strcmp(*x, *y);
}

static void
wdir_fini(struct wdir *d)
{
    pcl_free(d->names);
    pcl_free(d->sorted);
    pcl_ignore_free(d->gi);
    memset(d, 0, sizeof(*d));
}

/* Read and sort the entries of w->path. PCL_EIO means "warned, skip it". */
static enum pcl_rc
read_names(struct walk *w, struct wdir *d, struct pcl_err *err)
{
    struct pcl_buf names;
    DIR *dir;
    struct dirent *de;
    enum pcl_rc rc = PCL_OK;
    size_t n = 0;
    char *p;

    pcl_buf_init(&names, (size_t)1 << 28);
    dir = opendir(w->path);
    if (dir == NULL) {
        walk_warn(w, "%s: %s", w->path, errno_str(errno));
        return PCL_EIO;
    }
    for (;;) {
        errno = 0;
        de = readdir(dir); /* NOLINT(concurrency-mt-unsafe): one DIR stream per thread */
        if (de == NULL) {
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        if (n >= WALK_MAX_NAMES) {
            rc = PCL_ELIMIT;
            break;
        }
        rc = pcl_buf_append(&names, de->d_name, strlen(de->d_name) + 1);
        if (rc != PCL_OK) {
            break;
        }
        n++;
    }
    if (de == NULL && errno != 0) {
        walk_warn(w, "%s: %s", w->path, errno_str(errno));
    }
    (void)closedir(dir);
    if (rc == PCL_ELIMIT) {
        walk_warn(w, "%s: too many entries, directory skipped", w->path);
        pcl_buf_fini(&names);
        return PCL_EIO;
    }
    if (rc != PCL_OK) {
        pcl_buf_fini(&names);
        return pcl_err_set(err, rc, "walk: %s: out of memory", w->path);
    }
    d->sorted = pcl_calloc(n > 0 ? n : 1, sizeof(char *));
    if (d->sorted == NULL) {
        pcl_buf_fini(&names);
        return pcl_err_set(err, PCL_ENOMEM, "walk: %s: out of memory", w->path);
    }
    p = names.ptr;
    for (size_t i = 0; i < n; i++) {
        d->sorted[i] = p;
        p += strlen(p) + 1;
    }
    qsort(d->sorted, n, sizeof(char *), name_cmp);
    d->names = names.ptr;
    d->n = n;
    return PCL_OK;
}

/* Read the open file fd (w->path) into text; read errors are warnings. */
static enum pcl_rc
read_small(struct walk *w, int fd, struct pcl_buf *text)
{
    char buf[8192];

    for (;;) {
        ssize_t r = read(fd, buf, sizeof(buf));
        enum pcl_rc rc;

        if (r == -1 && errno == EINTR) {
            continue;
        }
        if (r == -1) {
            walk_warn(w, "%s: %s", w->path, errno_str(errno));
        }
        if (r <= 0) {
            return PCL_OK;
        }
        rc = pcl_buf_append(text, buf, (size_t)r);
        if (rc != PCL_OK) {
            return rc;
        }
    }
}

/* Load w->path + "/.gitignore" into d->gi when it is a regular file. */
static enum pcl_rc
load_gitignore(struct walk *w, struct wdir *d, struct pcl_err *err)
{
    size_t plen = strlen(w->path);
    struct stat st;
    struct pcl_buf text;
    int fd;
    enum pcl_rc rc = PCL_OK;

    pcl_buf_init(&text, WALK_GITIGNORE_MAX);
    if (plen + sizeof("/.gitignore") > sizeof(w->path)) {
        return PCL_OK;
    }
    memcpy(w->path + plen, "/.gitignore", sizeof("/.gitignore"));
    if (lstat(w->path, &st) == -1 || !S_ISREG(st.st_mode)) {
        goto out;
    }
    fd = open(w->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd == -1) {
        walk_warn(w, "%s: %s", w->path, errno_str(errno));
        goto out;
    }
    rc = read_small(w, fd, &text);
    (void)close(fd);
    if (rc == PCL_OK && text.len > 0) {
        d->gi = pcl_ignore_new();
        rc = d->gi == NULL ? PCL_ENOMEM : pcl_ignore_add_text(d->gi, text.ptr, text.len, err);
    }
    if (rc == PCL_ELIMIT) {
        walk_warn(w, "%s: larger than %zu bytes or too many patterns, ignored", w->path,
                  WALK_GITIGNORE_MAX);
        pcl_ignore_free(d->gi);
        d->gi = NULL;
        rc = PCL_OK;
    } else if (rc != PCL_OK) {
        rc = pcl_err_set(err, rc, "walk: %s: out of memory", w->path);
    }
out:
    pcl_buf_fini(&text);
    w->path[plen] = '\0';
    return rc;
}

/* Enter the directory at w->path (already stat'ed). */
static enum pcl_rc
push_dir(struct walk *w, const struct stat *st, size_t rel_len, struct pcl_err *err)
{
    struct wdir d;
    bool dup;
    enum pcl_rc rc;

    memset(&d, 0, sizeof(d));
    if (w->depth >= w->max_depth) {
        walk_warn(w, "%s: deeper than %u directories, skipped", w->path, w->max_depth);
        return PCL_OK;
    }
    for (size_t i = 0; i < w->depth; i++) {
        if (w->stack[i].dev == st->st_dev && w->stack[i].ino == st->st_ino) {
            walk_warn(w, "%s: symlink loop, skipped", w->path);
            w->st.skipped++;
            return PCL_OK;
        }
    }
    rc = seen_add(w, st->st_dev, st->st_ino, &dup);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "walk: out of memory");
    }
    if (dup) {
        w->st.skipped++;
        return PCL_OK;
    }
    if (w->depth == w->cap) {
        size_t ncap = w->cap == 0 ? 16 : w->cap * 2;
        struct wdir *n = pcl_realloc(w->stack, ncap * sizeof(*n));

        if (n == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "walk: out of memory");
        }
        w->stack = n;
        w->cap = ncap;
    }
    rc = read_names(w, &d, err);
    if (rc == PCL_EIO) {
        return PCL_OK;
    }
    if (rc == PCL_OK && w->o->gitignore) {
        rc = load_gitignore(w, &d, err);
    }
    if (rc != PCL_OK) {
        wdir_fini(&d);
        return rc;
    }
    w->st.dirs++;
    d.path_len = strlen(w->path);
    d.rel_len = rel_len;
    d.dev = st->st_dev;
    d.ino = st->st_ino;
    w->stack[w->depth++] = d;
    return PCL_OK;
}

/* Verdict for the entry whose relative path is rel[0..len). */
static bool
excluded(const struct walk *w, const char *rel, size_t len, bool is_dir)
{
    enum pcl_ignore_result r = PCL_IGNORE_NONE;

    if (w->excl != NULL) {
        r = pcl_ignore_match(w->excl, rel, len, is_dir);
    }
    for (size_t i = w->depth; i > 0 && r == PCL_IGNORE_NONE; i--) {
        const struct wdir *d = &w->stack[i - 1];
        size_t skip = d->rel_len > 0 ? d->rel_len + 1 : 0;

        if (d->gi != NULL) {
            r = pcl_ignore_match(d->gi, rel + skip, len - skip, is_dir);
        }
    }
    if (r == PCL_IGNORE_NONE && w->defs != NULL) {
        r = pcl_ignore_match(w->defs, rel, len, is_dir);
    }
    return r == PCL_IGNORE_EXCLUDE;
}

static enum pcl_rc
report_file(struct walk *w, const char *rel, const struct stat *st, struct pcl_err *err)
{
    struct pcl_walk_entry e;
    struct pcl_err cb;
    enum pcl_rc rc;

    e.path = w->path;
    e.rel = rel;
    e.size = st != NULL && st->st_size > 0 ? (uint64_t)st->st_size : 0;
    cb.rc = PCL_OK;
    cb.msg[0] = '\0';
    w->st.files++;
    rc = w->o->on_file(w->o->arg, &e, &cb);
    if (rc != PCL_OK) {
        if (cb.rc != PCL_OK) {
            return pcl_err_set(err, rc, "%s", cb.msg);
        }
        return pcl_err_set(err, rc, "walk: %s: stopped by the file callback", w->path);
    }
    return PCL_OK;
}

/* Handle the next entry of the top directory. */
static enum pcl_rc
walk_entry(struct walk *w, struct pcl_err *err)
{
    struct wdir *d = &w->stack[w->depth - 1];
    const char *name = d->sorted[d->next++];
    size_t nlen = strlen(name);
    size_t at = d->path_len;
    size_t rel_len;
    struct stat st;
    bool is_dir;

    if (at > 0 && w->path[at - 1] != '/') {
        w->path[at++] = '/';
    }
    if (at + nlen > WALK_MAX_PATH) {
        w->path[d->path_len] = '\0';
        walk_warn(w, "%s/%s: path too long, skipped", w->path, name);
        return PCL_OK;
    }
    memcpy(w->path + at, name, nlen + 1);
    rel_len = at + nlen - w->root_len;
    if (lstat(w->path, &st) == -1) {
        walk_warn(w, "%s: %s", w->path, errno_str(errno));
        return PCL_OK;
    }
    if (S_ISLNK(st.st_mode)) {
        if (!w->o->follow_symlinks || stat(w->path, &st) == -1) {
            w->st.skipped++; /* not followed, or dangling */
            return PCL_OK;
        }
    }
    is_dir = S_ISDIR(st.st_mode);
    if (!is_dir && !S_ISREG(st.st_mode)) {
        w->st.skipped++;
        return PCL_OK;
    }
    if (excluded(w, w->path + w->root_len, rel_len, is_dir)) {
        w->st.excluded++;
        return PCL_OK;
    }
    if (is_dir) {
        return push_dir(w, &st, rel_len, err);
    }
    return report_file(w, w->path + w->root_len, &st, err);
}

static enum pcl_rc
walk_root(struct walk *w, const char *root, struct pcl_err *err)
{
    size_t len = strlen(root);
    struct stat st;
    enum pcl_rc rc = PCL_OK;

    if (len > WALK_MAX_PATH) {
        walk_warn(w, "%.64s...: path too long, skipped", root);
        return PCL_OK;
    }
    memcpy(w->path, root, len + 1);
    w->root_len = len;
    if (strcmp(root, "-") == 0) {
        return report_file(w, "", NULL, err);
    }
    if (stat(root, &st) == -1) {
        walk_warn(w, "%s: %s", root, errno_str(errno));
        return PCL_OK;
    }
    if (S_ISREG(st.st_mode)) {
        return report_file(w, "", &st, err);
    }
    if (!S_ISDIR(st.st_mode)) {
        walk_warn(w, "%s: not a regular file or directory, skipped", root);
        return PCL_OK;
    }
    if (len > 0 && root[len - 1] != '/') {
        w->root_len++; /* the '/' walk_entry adds */
    }
    rc = push_dir(w, &st, 0, err);
    while (rc == PCL_OK && w->depth > 0) {
        struct wdir *d = &w->stack[w->depth - 1];

        if (d->next == d->n) {
            wdir_fini(d);
            w->depth--;
            continue;
        }
        rc = walk_entry(w, err);
    }
    while (w->depth > 0) {
        wdir_fini(&w->stack[--w->depth]);
    }
    return rc;
}

static enum pcl_rc
walk_patterns(struct walk *w, struct pcl_err *err)
{
    enum pcl_rc rc;

    if (w->o->nexcludes > 0) {
        w->excl = pcl_ignore_new();
        if (w->excl == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "walk: out of memory");
        }
        for (size_t i = 0; i < w->o->nexcludes; i++) {
            const char *p = w->o->excludes[i];

            rc = pcl_ignore_add_line(w->excl, p, strlen(p), err);
            if (rc != PCL_OK) {
                return rc;
            }
        }
    }
    if (!w->o->no_default_excludes) {
        w->defs = pcl_ignore_new();
        if (w->defs == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "walk: out of memory");
        }
        rc = pcl_ignore_add_line(w->defs, ".git/", 5, err);
        if (rc != PCL_OK) {
            return rc;
        }
    }
    return PCL_OK;
}

enum pcl_rc
pcl_walk(const char *const *paths, size_t npaths, const struct pcl_walk_opts *opts,
         struct pcl_walk_stats *stats, struct pcl_err *err)
{
    struct walk w;
    enum pcl_rc rc;

    memset(&w, 0, sizeof(w));
    if (opts == NULL || opts->on_file == NULL) {
        return pcl_err_set(err, PCL_EINVAL, "walk: a file callback is required");
    }
    w.o = opts;
    w.max_depth = opts->max_depth != 0 ? opts->max_depth : WALK_MAX_DEPTH;
    rc = walk_patterns(&w, err);
    for (size_t i = 0; i < npaths && rc == PCL_OK; i++) {
        rc = walk_root(&w, paths[i], err);
    }
    if (stats != NULL) {
        *stats = w.st;
    }
    pcl_ignore_free(w.excl);
    pcl_ignore_free(w.defs);
    pcl_free(w.stack);
    pcl_free(w.seen);
    return rc;
}
