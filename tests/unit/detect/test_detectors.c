/* SPDX-License-Identifier: Apache-2.0 */
/* Golden tests for every built-in detector: tests/data/detect/<name>/{hit,miss}.txt run through
 * the real engine. In hit.txt the expected finding is marked with ⟦ and ⟧. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <portcullis/detect.h>

#define OPEN  "\xe2\x9f\xa6" /* U+27E6 */
#define CLOSE "\xe2\x9f\xa7" /* U+27E7 */

struct hits {
    struct pcl_finding f[256];
    size_t n;
};

static int
collect(void *ctx, const struct pcl_finding *f)
{
    struct hits *h = ctx;

    if (h->n < 256) {
        h->f[h->n++] = *f;
    }
    return 0;
}

struct run {
    struct pcl_engine *e;
    struct pcl_scratch *s;
    unsigned failures;
    unsigned cases;
};

static const struct pcl_detector_info *
builtin_by_name(const char *name)
{
    for (size_t i = 0; i < pcl_detectors_builtin_count(); i++) {
        if (strcmp(pcl_detectors_builtin(i)->name, name) == 0) {
            return pcl_detectors_builtin(i);
        }
    }
    return NULL;
}

static void
check_line(struct run *r, const struct pcl_detector_info *info, const char *file, int lineno,
           char *line, bool hit)
{
    static struct hits h;
    struct pcl_err err = {0};
    size_t exp_start = 0, exp_end = 0;
    char *o, *c;
    bool found = false;
    size_t len;

    if (hit) {
        o = strstr(line, OPEN);
        c = o != NULL ? strstr(o, CLOSE) : NULL;
        if (o == NULL || c == NULL) {
            printf("  %s:%d: no %s...%s markers\n", file, lineno, OPEN, CLOSE);
            r->failures++;
            return;
        }
        exp_start = (size_t)(o - line);
        exp_end = (size_t)(c - line) - 3;
        memmove(c, c + 3, strlen(c + 3) + 1);
        memmove(o, o + 3, strlen(o + 3) + 1);
    }
    len = strlen(line);
    h.n = 0;
    r->cases++;
    if (pcl_engine_scan(r->e, r->s, line, len, collect, &h, &err) != PCL_OK) {
        printf("  %s:%d: scan failed: %s\n", file, lineno, err.msg);
        r->failures++;
        return;
    }
    for (size_t i = 0; i < h.n; i++) {
        const struct pcl_detector_info *d = pcl_engine_detector(r->e, h.f[i].detector);

        if (strcmp(d->type, info->type) != 0) {
            continue;
        }
        if (!hit || (h.f[i].start == exp_start && h.f[i].end == exp_end)) {
            found = true;
        }
    }
    if (hit && !found) {
        printf("  %s:%d: expected %s at [%zu,%zu) in: %s\n", file, lineno, info->type, exp_start,
               exp_end, line);
        for (size_t i = 0; i < h.n; i++) {
            printf("      got %s [%llu,%llu) score %.2f\n",
                   pcl_engine_detector(r->e, h.f[i].detector)->type,
                   (unsigned long long)h.f[i].start, (unsigned long long)h.f[i].end, h.f[i].score);
        }
        r->failures++;
    } else if (!hit && found) {
        printf("  %s:%d: unexpected %s in: %s\n", file, lineno, info->type, line);
        r->failures++;
    }
}

static unsigned
run_file(struct run *r, const struct pcl_detector_info *info, const char *path, bool hit)
{
    FILE *f = fopen(path, "r");
    char line[16384];
    int lineno = 0;
    unsigned cases = 0;

    if (f == NULL) {
        return 0;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t n = strlen(line);

        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        if (n == 0 || line[0] == '#') {
            continue;
        }
        check_line(r, info, path, lineno, line, hit);
        cases++;
    }
    (void)fclose(f);
    return cases;
}

static void
test_detectors_golden(void **state)
{
    const char *root = PCL_SOURCE_DIR "/tests/data/detect";
    struct run r = {0};
    struct pcl_err err = {0};
    const char *all[] = {"all", NULL};
    struct pcl_engine_opts o = {.enable = all};
    unsigned without_data = 0;

    (void)state;
    /* Every detector on, so default-off ones are tested too and misses are checked against
     * the full set. */
    assert_int_equal(pcl_engine_new(&o, &r.e, &err), PCL_OK);
    assert_int_equal(pcl_scratch_new(r.e, &r.s, &err), PCL_OK);
    for (size_t i = 0; i < pcl_detectors_builtin_count(); i++) {
        const struct pcl_detector_info *info = pcl_detectors_builtin(i);
        char path[1024];
        unsigned nh, nm;

        (void)snprintf(path, sizeof(path), "%s/%s/hit.txt", root, info->name);
        nh = run_file(&r, info, path, true);
        (void)snprintf(path, sizeof(path), "%s/%s/miss.txt", root, info->name);
        nm = run_file(&r, info, path, false);
        if (nh < 3 || nm < 3) {
            printf("  %s: only %u hit and %u miss cases (want >= 3 each)\n", info->name, nh, nm);
            without_data++;
        }
    }
    /* Directories must name real detectors (a renamed detector leaves stale data behind). */
    {
        DIR *d = opendir(root);
        struct dirent *de;

        while (d != NULL && (de = readdir(d)) != NULL) {
            if (de->d_name[0] != '.' && builtin_by_name(de->d_name) == NULL) {
                printf("  tests/data/detect/%s: no such detector\n", de->d_name);
                r.failures++;
            }
        }
        if (d != NULL) {
            (void)closedir(d);
        }
    }
    printf("detectors: %zu, cases: %u, failures: %u, detectors without enough data: %u\n",
           pcl_detectors_builtin_count(), r.cases, r.failures, without_data);
    pcl_scratch_free(r.s);
    pcl_engine_free(r.e);
    assert_int_equal(r.failures, 0);
    assert_int_equal(without_data, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detectors_golden),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
