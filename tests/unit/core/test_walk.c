/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the directory walk and the .gitignore-style matcher (src/core/walk.c). */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <ftw.h>

#include <portcullis/formats.h>

/* ---- matcher ------------------------------------------------------------------------ */

static const struct {
    const char *patterns; /* .gitignore text */
    const char *path;
    bool is_dir;
    enum pcl_ignore_result want;
} match_cases[] = {
    {"*.log", "a/b/c.log", false, PCL_IGNORE_EXCLUDE},
    {"*.log", "a/b/c.logx", false, PCL_IGNORE_NONE},
    {"*.log\n!keep.log", "keep.log", false, PCL_IGNORE_INCLUDE},
    {"*.log\n!keep.log", "x/keep.log", false, PCL_IGNORE_INCLUDE},
    {"!keep.log\n*.log", "keep.log", false, PCL_IGNORE_EXCLUDE}, /* last match wins */
    {"/top", "top", false, PCL_IGNORE_EXCLUDE},
    {"/top", "a/top", false, PCL_IGNORE_NONE},
    {"build/", "build", false, PCL_IGNORE_NONE},
    {"build/", "build", true, PCL_IGNORE_EXCLUDE},
    {"build/", "x/build", true, PCL_IGNORE_EXCLUDE},
    {"doc/frotz", "doc/frotz", true, PCL_IGNORE_EXCLUDE},
    {"doc/frotz/", "a/doc/frotz", true, PCL_IGNORE_NONE}, /* middle slash anchors */
    {"**/foo", "foo", false, PCL_IGNORE_EXCLUDE},
    {"**/foo", "a/b/foo", false, PCL_IGNORE_EXCLUDE},
    {"**/foo/bar", "x/foo/bar", false, PCL_IGNORE_EXCLUDE},
    {"**/foo/bar", "x/foo/baz", false, PCL_IGNORE_NONE},
    {"abc/**", "abc", true, PCL_IGNORE_NONE}, /* inside abc, not abc itself */
    {"abc/**", "abc/x", false, PCL_IGNORE_EXCLUDE},
    {"abc/**", "abc/x/y", false, PCL_IGNORE_EXCLUDE},
    {"a/**/b", "a/b", false, PCL_IGNORE_EXCLUDE},
    {"a/**/b", "a/x/y/b", false, PCL_IGNORE_EXCLUDE},
    {"a/**/b", "a/x/c", false, PCL_IGNORE_NONE},
    {"a/**/b/**/c", "a/1/b/2/3/c", false, PCL_IGNORE_EXCLUDE},
    {"?.txt", "a.txt", false, PCL_IGNORE_EXCLUDE},
    {"?.txt", "ab.txt", false, PCL_IGNORE_NONE},
    {"[abc].c", "b.c", false, PCL_IGNORE_EXCLUDE},
    {"[abc].c", "d.c", false, PCL_IGNORE_NONE},
    {"[!abc].c", "d.c", false, PCL_IGNORE_EXCLUDE},
    {"[^abc].c", "a.c", false, PCL_IGNORE_NONE},
    {"[a-c]x", "bx", false, PCL_IGNORE_EXCLUDE},
    {"[]]x", "]x", false, PCL_IGNORE_EXCLUDE},
    {"*", "any/deep/name", false, PCL_IGNORE_EXCLUDE},
    {"/a*b", "a/b", false, PCL_IGNORE_NONE}, /* '*' never matches '/' */
    {"/a*b", "axxb", false, PCL_IGNORE_EXCLUDE},
    {"a*b*c", "aXbYbZc", false, PCL_IGNORE_EXCLUDE},
    {"a*b*c", "aXbYbZ", false, PCL_IGNORE_NONE},
    {"foo/*", "foo/bar", false, PCL_IGNORE_EXCLUDE},
    {"foo/*", "foo/bar/baz", false, PCL_IGNORE_NONE},
    {"\\#hash", "#hash", false, PCL_IGNORE_EXCLUDE},
    {"#hash", "#hash", false, PCL_IGNORE_NONE}, /* a comment */
    {"\\!bang", "!bang", false, PCL_IGNORE_EXCLUDE},
    {"trail\\ ", "trail ", false, PCL_IGNORE_EXCLUDE},
    {"sp   ", "sp", false, PCL_IGNORE_EXCLUDE},
    {"x.tmp\r\n", "x.tmp", false, PCL_IGNORE_EXCLUDE},
    {"[abc", "[abc", false, PCL_IGNORE_NONE}, /* malformed never matches */
    {"a\\", "a", false, PCL_IGNORE_NONE},
    {"\n\n# only comments\n", "x", false, PCL_IGNORE_NONE},
    {".git/", ".git", true, PCL_IGNORE_EXCLUDE},
    {"/", "x", true, PCL_IGNORE_NONE},
};

static void
test_pcl_ignore_match_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(match_cases) / sizeof(match_cases[0]); k++) {
        struct pcl_ignore *ig = pcl_ignore_new();
        struct pcl_err err = {0};
        enum pcl_ignore_result got;

        assert_non_null(ig);
        assert_int_equal(
            pcl_ignore_add_text(ig, match_cases[k].patterns, strlen(match_cases[k].patterns), &err),
            PCL_OK);
        got = pcl_ignore_match(ig, match_cases[k].path, strlen(match_cases[k].path),
                               match_cases[k].is_dir);
        if (got != match_cases[k].want) {
            fail_msg("case %zu: \"%s\" vs \"%s\": got %d, want %d", k, match_cases[k].patterns,
                     match_cases[k].path, (int)got, (int)match_cases[k].want);
        }
        pcl_ignore_free(ig);
    }
}

static void
test_pcl_ignore_add_line_limits(void **state)
{
    struct pcl_ignore *ig = pcl_ignore_new();
    struct pcl_err err = {0};
    static char longline[5000];

    (void)state;
    assert_non_null(ig);
    memset(longline, 'a', sizeof(longline));
    assert_int_equal(pcl_ignore_add_line(ig, longline, sizeof(longline), &err), PCL_ELIMIT);
    assert_string_equal(err.msg, "ignore: pattern longer than 4096 bytes");
    assert_int_equal(pcl_ignore_add_line(ig, "# c", 3, &err), PCL_OK);
    assert_int_equal(pcl_ignore_add_line(ig, "x", 1, &err), PCL_OK);
    assert_int_equal(pcl_ignore_count(ig), 1);
    pcl_ignore_free(ig);
    pcl_ignore_free(NULL);
}

/* ---- walk --------------------------------------------------------------------------- */

struct fixture {
    char dir[64];
};

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP || flag == FTW_D || flag == FTW_DNR) {
        (void)chmod(path, 0700);
        return rmdir(path);
    }
    return unlink(path);
}

static void
mk_file(const char *root, const char *rel, const char *content)
{
    char path[256];
    FILE *fp;

    (void)snprintf(path, sizeof(path), "%s/%s", root, rel);
    fp = fopen(path, "w");
    assert_non_null(fp);
    assert_true(fputs(content, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

static void
mk_dir(const char *root, const char *rel)
{
    char path[256];

    (void)snprintf(path, sizeof(path), "%s/%s", root, rel);
    assert_int_equal(mkdir(path, 0700), 0);
}

static void
mk_link(const char *root, const char *target, const char *rel)
{
    char path[256];

    (void)snprintf(path, sizeof(path), "%s/%s", root, rel);
    assert_int_equal(symlink(target, path), 0);
}

static int
setup(void **state)
{
    struct fixture *f = pcl_calloc(1, sizeof(*f));
    char path[256];

    if (f == NULL) {
        return -1;
    }
    (void)snprintf(f->dir, sizeof(f->dir), "/tmp/pcl_walk_XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        pcl_free(f);
        return -1;
    }
    mk_file(f->dir, "a.txt", "a");
    mk_file(f->dir, "b.log", "b");
    mk_file(f->dir, "keep.log", "k");
    mk_file(f->dir, "top.tmp", "t");
    mk_file(f->dir, ".gitignore", "# root rules\n*.log\n!keep.log\nbuild/\n/top.tmp\n");
    mk_dir(f->dir, ".git");
    mk_file(f->dir, ".git/config", "[core]");
    mk_dir(f->dir, "sub");
    mk_file(f->dir, "sub/.gitignore", "secret.txt\n");
    mk_file(f->dir, "sub/top.tmp", "t");
    mk_file(f->dir, "sub/x.log", "x");
    mk_file(f->dir, "sub/secret.txt", "s");
    mk_dir(f->dir, "sub/deep");
    mk_file(f->dir, "sub/deep/secret.txt", "s");
    mk_file(f->dir, "sub/deep/c.txt", "cc");
    mk_dir(f->dir, "sub/build");
    mk_file(f->dir, "sub/build/out.txt", "o");
    mk_dir(f->dir, "other");
    mk_file(f->dir, "other/secret.txt", "s");
    mk_link(f->dir, "..", "sub/up");      /* a loop when followed */
    mk_link(f->dir, "a.txt", "link.txt"); /* a file symlink */
    mk_link(f->dir, "nowhere", "dangling");
    (void)snprintf(path, sizeof(path), "%s/fifo", f->dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    int rc = nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); /* NOLINT(concurrency-mt-unsafe) */

    pcl_free(f);
    return rc;
}

struct seen {
    struct pcl_buf files; /* "rel|" per file */
    struct pcl_buf warn;  /* one warning per line */
    size_t stop_after;
    size_t n;
    bool quiet; /* record nothing (allocation failure runs) */
};

static enum pcl_rc
on_file(void *arg, const struct pcl_walk_entry *e, struct pcl_err *err)
{
    struct seen *s = arg;

    s->n++;
    if (s->stop_after != 0 && s->n == s->stop_after) {
        return pcl_err_set(err, PCL_EINVAL, "test: stop at %s", e->rel);
    }
    if (s->quiet) {
        return PCL_OK;
    }
    assert_non_null(strstr(e->path, e->rel));
    assert_int_equal(pcl_buf_appends(&s->files, e->rel[0] != '\0' ? e->rel : e->path), PCL_OK);
    assert_int_equal(pcl_buf_appendc(&s->files, '|'), PCL_OK);
    return PCL_OK;
}

static void
on_warn(void *arg, const char *msg)
{
    struct seen *s = arg;

    assert_int_equal(pcl_buf_appends(&s->warn, msg), PCL_OK);
    assert_int_equal(pcl_buf_appendc(&s->warn, '\n'), PCL_OK);
}

static const char *const no_txt[] = {"*.txt", "sub/"};

static const struct {
    const char *name;
    bool gitignore;
    bool follow;
    bool no_defaults;
    const char *const *excludes;
    size_t nexcludes;
    const char *files;
    const char *warning; /* a substring of the warnings, or NULL for none */
} walk_cases[] = {
    {"gitignore", true, false, false, NULL, 0,
     ".gitignore|a.txt|keep.log|other/secret.txt|sub/.gitignore|sub/deep/c.txt|sub/top.tmp|", NULL},
    {"no gitignore", false, false, false, NULL, 0,
     ".gitignore|a.txt|b.log|keep.log|other/secret.txt|sub/.gitignore|sub/build/out.txt|"
     "sub/deep/c.txt|sub/deep/secret.txt|sub/secret.txt|sub/top.tmp|sub/x.log|top.tmp|",
     NULL},
    {"no default excludes", true, false, true, NULL, 0,
     ".git/config|.gitignore|a.txt|keep.log|other/secret.txt|sub/.gitignore|sub/deep/c.txt|"
     "sub/top.tmp|",
     NULL},
    {"follow symlinks", true, true, false, NULL, 0,
     ".gitignore|a.txt|keep.log|link.txt|other/secret.txt|sub/.gitignore|sub/deep/c.txt|"
     "sub/top.tmp|",
     "/sub/up: symlink loop, skipped"},
    {"excludes", true, false, false, no_txt, 2, ".gitignore|keep.log|", NULL},
};

static void
test_pcl_walk_table(void **state)
{
    struct fixture *f = *state;
    const char *roots[] = {f->dir};

    for (size_t k = 0; k < sizeof(walk_cases) / sizeof(walk_cases[0]); k++) {
        struct seen s;
        struct pcl_walk_opts o = {.gitignore = walk_cases[k].gitignore,
                                  .follow_symlinks = walk_cases[k].follow,
                                  .no_default_excludes = walk_cases[k].no_defaults,
                                  .excludes = walk_cases[k].excludes,
                                  .nexcludes = walk_cases[k].nexcludes,
                                  .on_file = on_file,
                                  .on_warn = on_warn,
                                  .arg = &s};
        struct pcl_walk_stats st;
        struct pcl_err err = {0};

        memset(&s, 0, sizeof(s));
        pcl_buf_init(&s.files, 0);
        pcl_buf_init(&s.warn, 0);
        assert_int_equal(pcl_walk(roots, 1, &o, &st, &err), PCL_OK);
        if (strcmp(s.files.ptr != NULL ? s.files.ptr : "", walk_cases[k].files) != 0) {
            fail_msg("case %s: got %s", walk_cases[k].name, s.files.ptr);
        }
        if (walk_cases[k].warning == NULL) {
            assert_int_equal(s.warn.len, 0);
            assert_int_equal(st.warnings, 0);
        } else if (s.warn.ptr == NULL || strstr(s.warn.ptr, walk_cases[k].warning) == NULL) {
            fail_msg("case %s: warnings %s", walk_cases[k].name, s.warn.ptr);
        }
        assert_int_equal(st.files, s.n);
        assert_true(st.skipped >= 1); /* the fifo at least */
        pcl_buf_fini(&s.files);
        pcl_buf_fini(&s.warn);
    }
}

static void
test_pcl_walk_roots_files_stdin_and_missing(void **state)
{
    struct fixture *f = *state;
    char link[128];
    char missing[128];
    char sub[128];
    const char *roots[4];
    struct seen s;
    struct pcl_walk_opts o = {
        .on_file = on_file, .on_warn = on_warn, .arg = &s, .excludes = no_txt, .nexcludes = 1};
    struct pcl_walk_stats st;
    struct pcl_err err = {0};
    char want[512];

    (void)snprintf(link, sizeof(link), "%s/link.txt", f->dir);
    (void)snprintf(missing, sizeof(missing), "%s/missing", f->dir);
    (void)snprintf(sub, sizeof(sub), "%s/sub/deep/", f->dir); /* trailing slash */
    roots[0] = link; /* an explicit symlink is followed, and excludes do not apply to roots */
    roots[1] = "-";
    roots[2] = missing;
    roots[3] = sub;
    memset(&s, 0, sizeof(s));
    pcl_buf_init(&s.files, 0);
    pcl_buf_init(&s.warn, 0);
    assert_int_equal(pcl_walk(roots, 4, &o, &st, &err), PCL_OK);
    /* sub/deep/ holds only *.txt files, excluded below the root */
    (void)snprintf(want, sizeof(want), "%s|-|", link);
    assert_string_equal(s.files.ptr, want);
    (void)snprintf(want, sizeof(want), "%s: no such file or directory\n", missing);
    assert_string_equal(s.warn.ptr, want);
    assert_int_equal(st.warnings, 1);
    assert_int_equal(st.files, 2);
    assert_int_equal(st.excluded, 2);
    pcl_buf_fini(&s.files);
    pcl_buf_fini(&s.warn);
}

static void
test_pcl_walk_unreadable_dir_warns_and_continues(void **state)
{
    struct fixture *f = *state;
    char locked[128];
    const char *roots[] = {f->dir};
    struct seen s;
    struct pcl_walk_opts o = {.gitignore = true, .on_file = on_file, .on_warn = on_warn, .arg = &s};
    struct pcl_walk_stats st;
    struct pcl_err err = {0};

    if (geteuid() == 0) {
        skip(); /* root reads any directory */
    }
    (void)snprintf(locked, sizeof(locked), "%s/locked", f->dir);
    assert_int_equal(mkdir(locked, 0700), 0);
    mk_file(f->dir, "locked/hidden.txt", "h");
    assert_int_equal(chmod(locked, 0), 0);
    memset(&s, 0, sizeof(s));
    pcl_buf_init(&s.files, 0);
    pcl_buf_init(&s.warn, 0);
    assert_int_equal(pcl_walk(roots, 1, &o, &st, &err), PCL_OK);
    assert_non_null(strstr(s.warn.ptr, "/locked: permission denied"));
    assert_non_null(strstr(s.files.ptr, "sub/top.tmp|")); /* entries after it still walked */
    assert_int_equal(chmod(locked, 0700), 0);
    pcl_buf_fini(&s.files);
    pcl_buf_fini(&s.warn);
}

static void
test_pcl_walk_depth_limit_and_callback_error(void **state)
{
    struct fixture *f = *state;
    const char *roots[] = {f->dir};
    struct seen s;
    struct pcl_walk_opts o = {.max_depth = 1, .on_file = on_file, .on_warn = on_warn, .arg = &s};
    struct pcl_walk_stats st;
    struct pcl_err err = {0};

    memset(&s, 0, sizeof(s));
    pcl_buf_init(&s.files, 0);
    pcl_buf_init(&s.warn, 0);
    assert_int_equal(pcl_walk(roots, 1, &o, &st, &err), PCL_OK);
    assert_string_equal(s.files.ptr, ".gitignore|a.txt|b.log|keep.log|top.tmp|");
    assert_non_null(strstr(s.warn.ptr, "/sub: deeper than 1 directories, skipped"));
    pcl_buf_reset(&s.files);
    o.max_depth = 0;
    s.n = 0;
    s.stop_after = 3;
    assert_int_equal(pcl_walk(roots, 1, &o, &st, &err), PCL_EINVAL);
    assert_string_equal(err.msg, "test: stop at b.log");
    pcl_buf_fini(&s.files);
    pcl_buf_fini(&s.warn);
}

static void
test_pcl_walk_out_of_memory(void **state)
{
    struct fixture *f = *state;
    const char *roots[] = {f->dir};

    for (unsigned long n = 1; n < 80; n++) {
        struct seen s;
        struct pcl_walk_opts o = {
            .gitignore = true, .excludes = no_txt, .nexcludes = 1, .on_file = on_file, .arg = &s};
        struct pcl_err err = {0};
        enum pcl_rc rc;

        memset(&s, 0, sizeof(s));
        pcl_buf_init(&s.files, 0);
        s.quiet = true;
        (void)pcl_alloc_fail_at(n, false);
        rc = pcl_walk(roots, 1, &o, NULL, &err);
        (void)pcl_alloc_fail_at(0, false);
        assert_true(rc == PCL_OK || rc == PCL_ENOMEM);
        pcl_buf_fini(&s.files);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_ignore_match_table),
        cmocka_unit_test(test_pcl_ignore_add_line_limits),
        cmocka_unit_test_setup_teardown(test_pcl_walk_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pcl_walk_roots_files_stdin_and_missing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pcl_walk_unreadable_dir_warns_and_continues, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pcl_walk_depth_limit_and_callback_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pcl_walk_out_of_memory, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
