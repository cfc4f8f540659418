/* SPDX-License-Identifier: Apache-2.0 */
/* Latency of pcl_inject_scan on one core: every "text" of the JSONL files given, repeated,
 * reported as p50/p99 microseconds per prompt and per KB, plus the slowest prompts.
 * usage: bench_injection DATA_DIR ROUNDS FILE.jsonl... */
#include "common.h"

#include <jansson.h>
#include <time.h>

#include <portcullis/inject.h>

struct sample {
    double us;
    size_t len;
    size_t row;
};

static int
cmp_us(const void *a, const void *b)
{
    const struct sample *x = a, *y = b;

    return x->us < y->us ? -1 : (x->us > y->us ? 1 : 0);
}

static int
cmp_perkb(const void *a, const void *b)
{
    const struct sample *x = a, *y = b;
    double px = x->us * 1024.0 / (double)PCL_MAX(x->len, (size_t)1024);
    double py = y->us * 1024.0 / (double)PCL_MAX(y->len, (size_t)1024);

    return px < py ? -1 : (px > py ? 1 : 0);
}

static double
now_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int
main(int argc, char **argv)
{
    char sig[4096], model[4096];
    const char *paths[1] = {sig};
    struct pcl_inject_opts o;
    struct pcl_inject *det = NULL;
    struct pcl_inject_scratch *s = NULL;
    struct pcl_err err;
    char **texts = NULL;
    size_t *lens = NULL;
    size_t n = 0, cap = 0;
    struct sample *sm = NULL;
    long rounds;
    size_t ns = 0;
    size_t bytes = 0;
    double total = 0;

    if (argc < 4) {
        (void)fprintf(stderr, "usage: bench_injection DATA_DIR ROUNDS FILE.jsonl...\n");
        return 2;
    }
    rounds = strtol(argv[2], NULL, 10);
    if (rounds < 1) {
        rounds = 1;
    }
    (void)snprintf(sig, sizeof(sig), "%s/signatures", argv[1]);
    (void)snprintf(model, sizeof(model), "%s/model.txt", argv[1]);
    memset(&o, 0, sizeof(o));
    o.sig_paths = paths;
    o.nsig_paths = 1;
    o.model_path = model;
    if (pcl_inject_new(&o, &det, &err) != PCL_OK ||
        pcl_inject_scratch_new(det, &s, &err) != PCL_OK) {
        (void)fprintf(stderr, "bench_injection: %s\n", err.msg);
        return 1;
    }
    for (int a = 3; a < argc; a++) {
        FILE *f = fopen(argv[a], "r");
        char *line = NULL;
        size_t lcap = 0;
        ssize_t got;

        if (f == NULL) {
            (void)fprintf(stderr, "bench_injection: cannot open %s\n", argv[a]);
            return 1;
        }
        while ((got = getline(&line, &lcap, f)) > 0) {
            json_t *root = json_loadb(line, (size_t)got, 0, NULL);
            json_t *t = root != NULL ? json_object_get(root, "text") : NULL;

            if (json_is_string(t)) {
                if (n == cap) {
                    cap = cap != 0 ? cap * 2 : 1024;
                    texts = realloc(texts, cap * sizeof(*texts));
                    lens = realloc(lens, cap * sizeof(*lens));
                    if (texts == NULL || lens == NULL) {
                        return 1;
                    }
                }
                lens[n] = json_string_length(t);
                texts[n] = malloc(lens[n] + 1);
                if (texts[n] == NULL) {
                    return 1;
                }
                memcpy(texts[n], json_string_value(t), lens[n] + 1);
                n++;
            }
            json_decref(root);
        }
        free(line);
        (void)fclose(f);
    }
    sm = calloc(n * (size_t)rounds + 1, sizeof(*sm));
    if (sm == NULL) {
        return 1;
    }
    for (long r = 0; r < rounds; r++) {
        for (size_t i = 0; i < n; i++) {
            struct pcl_inject_verdict v;
            double t0 = now_us();

            if (pcl_inject_scan(det, s, texts[i], lens[i], NULL, &v, &err) != PCL_OK) {
                (void)fprintf(stderr, "bench_injection: row %zu: %s\n", i + 1, err.msg);
                return 1;
            }
            sm[ns].us = now_us() - t0;
            sm[ns].len = lens[i];
            sm[ns].row = i;
            total += sm[ns].us;
            bytes += lens[i];
            ns++;
        }
    }
    qsort(sm, ns, sizeof(*sm), cmp_us);
    (void)printf("prompts %zu x %ld rounds, mean %.0f bytes\n", n, rounds,
                 (double)bytes / (double)ns);
    (void)printf("per prompt: p50 %.1f us  p90 %.1f us  p99 %.1f us  max %.1f us\n", sm[ns / 2].us,
                 sm[ns * 9 / 10].us, sm[ns * 99 / 100].us, sm[ns - 1].us);
    (void)printf("throughput: %.1f MB/s (%.1f us per KB overall)\n", (double)bytes / total,
                 total * 1024.0 / (double)bytes);
    (void)printf("slowest: row %zu (%zu bytes) %.1f us\n", sm[ns - 1].row + 1, sm[ns - 1].len,
                 sm[ns - 1].us);
    qsort(sm, ns, sizeof(*sm), cmp_perkb);
    (void)printf("per KB (prompts under 1 KB count as 1 KB): p50 %.1f us  p99 %.1f us\n",
                 sm[ns / 2].us * 1024.0 / (double)PCL_MAX(sm[ns / 2].len, (size_t)1024),
                 sm[ns * 99 / 100].us * 1024.0 /
                     (double)PCL_MAX(sm[ns * 99 / 100].len, (size_t)1024));
    for (size_t i = ns > 5 ? ns - 5 : 0; i < ns; i++) {
        (void)printf("  costly per KB: row %zu (%zu bytes) %.1f us\n", sm[i].row + 1, sm[i].len,
                     sm[i].us);
    }
    for (size_t i = 0; i < n; i++) {
        free(texts[i]);
    }
    free(texts);
    free(lens);
    free(sm);
    pcl_inject_scratch_free(s);
    pcl_inject_free(det);
    return 0;
}
