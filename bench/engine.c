/* SPDX-License-Identifier: Apache-2.0 */
/* In-process engine throughput: scan a file held in memory with the default detectors, on one
 * thread and on T threads (one scratch each, slices cut at newlines), and count findings. */

#define _POSIX_C_SOURCE 200809L

#include "common.h"

#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <portcullis/detect.h>

#define MAX_THREADS 256
#define MAX_ITERS   1000
#define MB          1e6 /* throughput is reported in 10^6 bytes per second */

struct tally {
    uint64_t total;
    uint64_t *per_det; /* array of ndets, or NULL */
    size_t ndets;
};

/* What the workers share: a gate held by the main thread until every thread exists (or one
 * could not be created: then `abort` sends them home), and two barriers per iteration. */
struct pool {
    pthread_mutex_t gate;
    bool abort;
    pthread_barrier_t start;
    pthread_barrier_t done;
};

struct worker {
    const struct pcl_engine *e;
    struct pcl_scratch *s;
    const char *buf; /* borrowed slice of the corpus */
    size_t len;
    unsigned iters;
    struct pool *pool;
    struct tally tally; /* findings of the last iteration */
    double t_start;     /* this iteration's scan began (CLOCK_MONOTONIC seconds) */
    double t_end;
    enum pcl_rc rc;
    struct pcl_err err;
};

static double
now_sec(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
on_finding(void *ctx, const struct pcl_finding *f)
{
    struct tally *t = ctx;

    t->total++;
    if (t->per_det != NULL && f->detector < t->ndets) {
        t->per_det[f->detector]++;
    }
    return 0;
}

/* One scan; PCL_ELIMIT (a PCRE2 limit stopped one confirm) still counts as a finished scan. */
static enum pcl_rc
scan_once(const struct pcl_engine *e, struct pcl_scratch *s, const char *buf, size_t len,
          struct tally *t, struct pcl_err *err)
{
    enum pcl_rc rc;

    t->total = 0;
    if (t->per_det != NULL) {
        size_t i;

        for (i = 0; i < t->ndets; i++) {
            t->per_det[i] = 0;
        }
    }
    rc = pcl_engine_scan(e, s, buf, len, on_finding, t, err);
    if (rc == PCL_ELIMIT) {
        rc = PCL_OK;
    }
    return rc;
}

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    bool abort;
    unsigned i;

    (void)pthread_mutex_lock(&w->pool->gate);
    abort = w->pool->abort;
    (void)pthread_mutex_unlock(&w->pool->gate);
    if (abort) {
        return NULL;
    }
    for (i = 0; i < w->iters; i++) {
        (void)pthread_barrier_wait(&w->pool->start);
        /* each worker times itself: the main thread may not run right after the barrier */
        w->t_start = now_sec();
        if (w->rc == PCL_OK) {
            w->rc = scan_once(w->e, w->s, w->buf, w->len, &w->tally, &w->err);
        }
        w->t_end = now_sec();
        (void)pthread_barrier_wait(&w->pool->done);
    }
    return NULL;
}

/* Read the whole file into a heap buffer; caller frees with pcl_free(). */
static char *
load_file(const char *path, size_t *len)
{
    FILE *f = NULL;
    struct stat st;
    char *buf = NULL;
    char *ret = NULL;
    size_t got = 0;

    f = fopen(path, "rb");
    if (f == NULL) {
        (void)fprintf(stderr, "bench_engine: %s: %s\n", path,
                      strerror(errno)); /* NOLINT(concurrency-mt-unsafe): before any thread */
        goto out;
    }
    if (fstat(fileno(f), &st) == -1 || st.st_size <= 0) {
        (void)fprintf(stderr, "bench_engine: %s: empty or unreadable\n", path);
        goto out;
    }
    buf = pcl_malloc((size_t)st.st_size);
    if (buf == NULL) {
        (void)fprintf(stderr, "bench_engine: %s: out of memory\n", path);
        goto out;
    }
    got = fread(buf, 1, (size_t)st.st_size, f);
    if (got != (size_t)st.st_size) {
        (void)fprintf(stderr, "bench_engine: %s: short read\n", path);
        goto out;
    }
    *len = got;
    ret = buf;
    buf = NULL;
out:
    if (f != NULL) {
        (void)fclose(f);
    }
    pcl_free(buf);
    return ret;
}

/* Cut buf into n slices ending just after a newline (the last one ends at len). */
static void
split_slices(const char *buf, size_t len, struct worker *w, size_t n)
{
    size_t start = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        size_t end = (i + 1 == n) ? len : (len / n) * (i + 1);
        const char *nl;

        if (end < start) {
            end = start;
        }
        if (i + 1 < n && end < len) {
            nl = memchr(buf + end, '\n', len - end);
            end = (nl == NULL) ? len : (size_t)(nl - buf) + 1;
        }
        w[i].buf = buf + start;
        w[i].len = end - start;
        start = end;
    }
}

static unsigned long
parse_ulong(const char *s, const char *flag)
{
    char *end = NULL;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0') {
        (void)fprintf(stderr, "bench_engine: bad %s \"%s\"\n", flag, s);
        return 0;
    }
    return v;
}

static void
usage(void)
{
    (void)fprintf(stderr, "usage: bench_engine [--iters N] [--threads T] [--each] FILE\n"
                          "  scans FILE in memory N times (default 3) on 1 and T threads\n"
                          "  (default: online CPUs); prints MB/s (10^6 bytes/s), best of N\n"
                          "  --each: instead, time every default detector alone (one engine\n"
                          "  per detector, one scan), slowest first\n");
}

/* Single-thread pass: best-of-iters seconds, and the per-detector tally of the last pass. */
static enum pcl_rc
run_single(const struct pcl_engine *e, const char *buf, size_t len, unsigned iters, struct tally *t,
           double *best, struct pcl_err *err)
{
    struct pcl_scratch *s = NULL;
    enum pcl_rc rc;
    unsigned i;

    rc = pcl_scratch_new(e, &s, err);
    if (rc != PCL_OK) {
        goto out;
    }
    *best = 0.0;
    for (i = 0; i < iters; i++) {
        double t0 = now_sec();
        double dt;

        rc = scan_once(e, s, buf, len, t, err);
        if (rc != PCL_OK) {
            goto out;
        }
        dt = now_sec() - t0;
        if (i == 0 || dt < *best) {
            *best = dt;
        }
    }
out:
    pcl_scratch_free(s);
    return rc;
}

/* Start one thread per worker behind the pool gate; on failure the started ones are sent
 * home and joined. Returns the number of threads started, nthreads on success. */
static size_t
pool_start(struct pool *pool, struct worker *w, pthread_t *tid, size_t nthreads)
{
    size_t started = 0;
    size_t i;

    (void)pthread_mutex_lock(&pool->gate);
    for (i = 0; i < nthreads; i++) {
        if (pthread_create(&tid[i], NULL, worker_main, &w[i]) != 0) {
            (void)fprintf(stderr, "bench_engine: pthread_create failed\n");
            break;
        }
        started++;
    }
    pool->abort = started < nthreads;
    (void)pthread_mutex_unlock(&pool->gate);
    if (pool->abort) {
        for (i = 0; i < started; i++) {
            (void)pthread_join(tid[i], NULL);
        }
    }
    return started;
}

/* Release the workers `iters` times; best wall time from first worker start to last end. */
static double
pool_time(struct pool *pool, const struct worker *w, size_t nthreads, unsigned iters)
{
    double best = 0.0;
    unsigned it;
    size_t i;

    for (it = 0; it < iters; it++) {
        double t0;
        double t1;

        (void)pthread_barrier_wait(&pool->start);
        (void)pthread_barrier_wait(&pool->done);
        t0 = w[0].t_start;
        t1 = w[0].t_end;
        for (i = 1; i < nthreads; i++) {
            t0 = PCL_MIN(t0, w[i].t_start);
            t1 = PCL_MAX(t1, w[i].t_end);
        }
        if (it == 0 || t1 - t0 < best) {
            best = t1 - t0;
        }
    }
    return best;
}

/* T-thread pass: every iteration starts all workers at a barrier and ends when the last one
 * is done; returns the best wall time (first worker start to last worker end) and the total
 * findings of the last iteration. */
static int
run_multi(const struct pcl_engine *e, const char *buf, size_t len, unsigned iters, size_t nthreads,
          uint64_t *findings, double *best)
{
    struct pool pool;
    struct worker *w = NULL;
    pthread_t *tid = NULL;
    size_t i;
    int ret = 1;
    int sync = 0; /* 1: mutex initialised, 2: barriers too */

    w = pcl_calloc(nthreads, sizeof(*w));
    tid = pcl_calloc(nthreads, sizeof(*tid));
    if (w == NULL || tid == NULL) {
        (void)fprintf(stderr, "bench_engine: out of memory\n");
        goto out;
    }
    split_slices(buf, len, w, nthreads);
    for (i = 0; i < nthreads; i++) {
        w[i].e = e;
        w[i].iters = iters;
        w[i].pool = &pool;
        if (pcl_scratch_new(e, &w[i].s, &w[i].err) != PCL_OK) {
            (void)fprintf(stderr, "bench_engine: scratch: %s\n", w[i].err.msg);
            goto out;
        }
    }
    pool.abort = false;
    if (pthread_mutex_init(&pool.gate, NULL) != 0) {
        (void)fprintf(stderr, "bench_engine: pthread_mutex_init failed\n");
        goto out;
    }
    sync = 1;
    if (pthread_barrier_init(&pool.start, NULL, (unsigned)nthreads + 1) != 0) {
        (void)fprintf(stderr, "bench_engine: pthread_barrier_init failed\n");
        goto out;
    }
    if (pthread_barrier_init(&pool.done, NULL, (unsigned)nthreads + 1) != 0) {
        (void)pthread_barrier_destroy(&pool.start);
        (void)fprintf(stderr, "bench_engine: pthread_barrier_init failed\n");
        goto out;
    }
    sync = 2;
    if (pool_start(&pool, w, tid, nthreads) < nthreads) {
        goto out;
    }
    *best = pool_time(&pool, w, nthreads, iters);
    *findings = 0;
    for (i = 0; i < nthreads; i++) {
        (void)pthread_join(tid[i], NULL);
    }
    for (i = 0; i < nthreads; i++) {
        if (w[i].rc != PCL_OK) {
            (void)fprintf(stderr, "bench_engine: thread %zu: %s\n", i, w[i].err.msg);
            goto out;
        }
        *findings += w[i].tally.total;
    }
    ret = 0;
out:
    if (sync == 2) {
        (void)pthread_barrier_destroy(&pool.start);
        (void)pthread_barrier_destroy(&pool.done);
    }
    if (sync >= 1) {
        (void)pthread_mutex_destroy(&pool.gate);
    }
    if (w != NULL) {
        for (i = 0; i < nthreads; i++) {
            pcl_scratch_free(w[i].s);
        }
    }
    pcl_free(w);
    pcl_free(tid);
    return ret;
}

struct det_time {
    const char *name; /* borrowed from the full engine */
    const char *type;
    double seconds;
    double compile_ms;
    uint64_t findings;
};

static int
det_time_cmp(const void *a, const void *b)
{
    const struct det_time *x = a;
    const struct det_time *y = b;

    return (x->seconds < y->seconds) - (x->seconds > y->seconds);
}

/* Time one detector alone: an engine with only `name` enabled, one scan of the buffer. */
static enum pcl_rc
time_detector(const char *name, const char *buf, size_t len, struct det_time *out,
              struct pcl_err *err)
{
    const char *only[2] = {name, NULL};
    struct pcl_engine_opts opts = {0};
    struct pcl_engine *e = NULL;
    struct tally t = {0};
    enum pcl_rc rc;
    double t0;

    opts.enable = only;
    opts.only_enabled = true;
    t0 = now_sec();
    rc = pcl_engine_new(&opts, &e, err);
    if (rc != PCL_OK) {
        goto out;
    }
    out->compile_ms = (now_sec() - t0) * 1e3;
    rc = run_single(e, buf, len, 1, &t, &out->seconds, err);
    out->findings = t.total;
out:
    pcl_engine_free(e);
    return rc;
}

/* --each: per-detector scan cost, to find the detectors that dominate the full scan. */
static int
run_each(const struct pcl_engine *all, const char *buf, size_t len)
{
    size_t n = pcl_engine_detector_count(all);
    struct det_time *dt = NULL;
    struct pcl_err err = {0};
    double sum = 0.0;
    size_t i;
    int ret = 1;

    dt = pcl_calloc(n > 0 ? n : 1, sizeof(*dt));
    if (dt == NULL) {
        (void)fprintf(stderr, "bench_engine: out of memory\n");
        goto out;
    }
    for (i = 0; i < n; i++) {
        const struct pcl_detector_info *di = pcl_engine_detector(all, i);

        dt[i].name = di->name;
        dt[i].type = di->type;
        if (time_detector(di->name, buf, len, &dt[i], &err) != PCL_OK) {
            (void)fprintf(stderr, "bench_engine: %s: %s\n", di->name, err.msg);
            goto out;
        }
        sum += dt[i].seconds;
    }
    qsort(dt, n, sizeof(*dt), det_time_cmp);
    (void)printf("%-28s %-24s %10s %9s %8s %10s\n", "detector", "type", "scan s", "MB/s", "share",
                 "findings");
    for (i = 0; i < n; i++) {
        (void)printf("%-28s %-24s %10.3f %9.1f %7.1f%% %10llu\n", dt[i].name, dt[i].type,
                     dt[i].seconds, (double)len / MB / dt[i].seconds,
                     sum > 0 ? 100.0 * dt[i].seconds / sum : 0.0,
                     (unsigned long long)dt[i].findings);
    }
    (void)printf("sum of single-detector scans: %.3f s\n", sum);
    ret = 0;
out:
    pcl_free(dt);
    return ret;
}

/* Print findings per entity type (several detectors may share one type). */
static void
print_types(const struct pcl_engine *e, const struct tally *t)
{
    size_t i;
    size_t j;

    (void)printf("findings by type (single-thread pass):\n");
    for (i = 0; i < t->ndets; i++) {
        const struct pcl_detector_info *di = pcl_engine_detector(e, i);
        uint64_t n = t->per_det[i];
        bool seen = false;

        for (j = 0; j < i; j++) {
            if (strcmp(pcl_engine_detector(e, j)->type, di->type) == 0) {
                seen = true;
                break;
            }
        }
        if (seen) {
            continue;
        }
        for (j = i + 1; j < t->ndets; j++) {
            if (strcmp(pcl_engine_detector(e, j)->type, di->type) == 0) {
                n += t->per_det[j];
            }
        }
        if (n > 0) {
            (void)printf("  type\t%-24s\t%llu\n", di->type, (unsigned long long)n);
        }
    }
}

int
main(int argc, char **argv)
{
    struct pcl_engine_opts opts = {0};
    struct pcl_engine *e = NULL;
    struct pcl_err err = {0};
    struct tally t = {0};
    const char *path = NULL;
    char *buf = NULL;
    size_t len = 0;
    unsigned long iters = 3;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned long nthreads = ncpu > 0 ? (unsigned long)ncpu : 1;
    double t0;
    double compile_s;
    double single_s = 0.0;
    double multi_s = 0.0;
    uint64_t multi_findings = 0;
    int rc = 1;
    int i;
    bool each = false;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--each") == 0) {
            each = true;
        } else if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc) {
            iters = parse_ulong(argv[++i], "--iters");
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            nthreads = parse_ulong(argv[++i], "--threads");
        } else if (argv[i][0] != '-' && path == NULL) {
            path = argv[i];
        } else {
            usage();
            return 2;
        }
    }
    if (path == NULL || iters == 0 || iters > MAX_ITERS || nthreads == 0 ||
        nthreads > MAX_THREADS) {
        usage();
        return 2;
    }
    buf = load_file(path, &len);
    if (buf == NULL) {
        goto out;
    }
    t0 = now_sec();
    if (pcl_engine_new(&opts, &e, &err) != PCL_OK) {
        (void)fprintf(stderr, "bench_engine: engine: %s\n", err.msg);
        goto out;
    }
    compile_s = now_sec() - t0;
    t.ndets = pcl_engine_detector_count(e);
    t.per_det = pcl_calloc(t.ndets > 0 ? t.ndets : 1, sizeof(*t.per_det));
    if (t.per_det == NULL) {
        (void)fprintf(stderr, "bench_engine: out of memory\n");
        goto out;
    }
    (void)printf("file %s: %zu bytes (%.1f MB); %zu detectors compiled in %.1f ms\n", path, len,
                 (double)len / MB, t.ndets, compile_s * 1e3);
    if (each) {
        rc = run_each(e, buf, len);
        goto out;
    }
    if (run_single(e, buf, len, (unsigned)iters, &t, &single_s, &err) != PCL_OK) {
        (void)fprintf(stderr, "bench_engine: scan: %s\n", err.msg);
        goto out;
    }
    (void)printf("single thread: best of %lu: %.3f s, %.1f MB/s, %llu findings\n", iters, single_s,
                 (double)len / MB / single_s, (unsigned long long)t.total);
    if (run_multi(e, buf, len, (unsigned)iters, (size_t)nthreads, &multi_findings, &multi_s) != 0) {
        goto out;
    }
    (void)printf("%lu threads: best of %lu: %.3f s, %.1f MB/s, %llu findings\n", nthreads, iters,
                 multi_s, (double)len / MB / multi_s, (unsigned long long)multi_findings);
    print_types(e, &t);
    /* one machine-readable line for bench/scan.sh */
    (void)printf("RESULT bytes=%zu detectors=%zu compile_ms=%.1f single_mbps=%.1f threads=%lu "
                 "multi_mbps=%.1f findings=%llu multi_findings=%llu\n",
                 len, t.ndets, compile_s * 1e3, (double)len / MB / single_s, nthreads,
                 (double)len / MB / multi_s, (unsigned long long)t.total,
                 (unsigned long long)multi_findings);
    rc = 0;
out:
    pcl_free(t.per_det);
    pcl_engine_free(e);
    pcl_free(buf);
    return rc;
}
