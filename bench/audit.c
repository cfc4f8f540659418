/* SPDX-License-Identifier: Apache-2.0 */
/* Audit log benchmark: sustained durable appends with a checkpoint per second, proof latency
 * in a large tree, and full verification time.
 *
 *   bench_audit [--dir DIR] [--seconds S] [--producers P] [--verify-leaves N]
 *               [--proof-leaves N] [--sync full|normal]
 *
 * Every append is acknowledged only once committed (sync=full by default). */
#include <portcullis/audit.h>

#include <pthread.h>
#include <sodium.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define HS PCL_MERKLE_HASH_SIZE

struct cfg {
    const char *dir;
    double seconds;
    int producers;
    uint64_t verify_leaves;
    uint64_t proof_leaves;
    const char *sync;
};

static double
now_s(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
    struct rusage ru;

    (void)getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* A realistic interaction event (~330 bytes of canonical JSON). */
static void
make_event(uint64_t i, struct pcl_buf *out)
{
    static const struct pcl_audit_finding_count f[] = {{"EMAIL_ADDRESS", 2}, {"API_KEY", 1}};
    struct pcl_audit_interaction ev;
    char rid[32];

    pcl_audit_interaction_init(&ev);
    (void)snprintf(rid, sizeof(rid), "req-%016llx", (unsigned long long)i);
    ev.time_ms = 1764160000000 + (int64_t)i;
    ev.request_id = rid;
    ev.principal = "team-analytics";
    ev.route = "/v1/chat/completions";
    ev.model = "gpt-4o-mini";
    ev.upstream = "openai";
    ev.decision = "redact";
    ev.policy = "default";
    ev.status = 200;
    ev.findings = f;
    ev.nfindings = 2;
    ev.prompt_tokens = 812;
    ev.completion_tokens = 164;
    ev.latency_ms = 930;
    ev.upstream_latency_ms = 901;
    ev.request_digest = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";
    ev.response_digest = "sha256:b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c";
    pcl_buf_reset(out);
    if (pcl_audit_interaction_json(&ev, out) != PCL_OK) {
        abort();
    }
}

struct producer {
    struct pcl_audit_log *log;
    volatile int *stop;
    uint64_t base;
    uint64_t sent;
};

static void *
produce(void *arg)
{
    struct producer *p = arg;
    struct pcl_buf ev;
    struct pcl_err err;

    pcl_buf_init(&ev, 0);
    while (!*p->stop) {
        make_event(p->base + p->sent, &ev);
        if (pcl_audit_append_async(p->log, "interaction", ev.ptr, ev.len, NULL, NULL, NULL, &err) !=
            PCL_OK) {
            (void)fprintf(stderr, "append: %s\n", err.msg);
            abort();
        }
        p->sent++;
    }
    pcl_buf_fini(&ev);
    return NULL;
}

static struct pcl_note_signer *
signer(void)
{
    struct pcl_note_signer *s = NULL;

    if (pcl_note_signer_generate("bench.example/audit", PCL_NOTE_ED25519, &s, NULL) != PCL_OK) {
        abort();
    }
    return s;
}

static void
url_for(const struct cfg *c, const char *name, char *url, size_t cap)
{
    char path[512];

    (void)snprintf(path, sizeof(path), "%s/%s", c->dir, name);
    (void)unlink(path);
    (void)snprintf(url, cap, "sqlite://%s.db?sync=%s", path, c->sync);
    (void)snprintf(path, sizeof(path), "%s/%s.db", c->dir, name);
    (void)unlink(path);
}

/* The histogram bucket holding quantile q, as text ("<= 250 us", "> 1 s"). */
static const char *quantile_text(const struct pcl_audit_stats *st, double q, char *buf, size_t cap);

static uint64_t
hist_quantile(const struct pcl_audit_stats *st, double q)
{
    uint64_t total = st->latency_count[PCL_AUDIT_LATENCY_BUCKETS - 1];

    for (size_t i = 0; i < PCL_AUDIT_LATENCY_BUCKETS; i++) {
        if ((double)st->latency_count[i] >= q * (double)total) {
            return st->latency_le_us[i];
        }
    }
    return UINT64_MAX;
}

static const char *
quantile_text(const struct pcl_audit_stats *st, double q, char *buf, size_t cap)
{
    uint64_t b = hist_quantile(st, q);

    if (b == UINT64_MAX) {
        (void)snprintf(buf, cap, "> 1 s");
    } else {
        (void)snprintf(buf, cap, "<= %llu us", (unsigned long long)b);
    }
    return buf;
}

static void
bench_appends(const struct cfg *c)
{
    struct pcl_note_signer *s = signer();
    struct pcl_audit_opts o;
    struct pcl_audit_log *log = NULL;
    struct pcl_audit_stats st0, st;
    struct producer p[8];
    pthread_t th[8];
    volatile int stop = 0;
    struct pcl_err err;
    char url[600], q50[32], q99[32];
    double t0, t1, c0, c1;

    url_for(c, "appends", url, sizeof(url));
    pcl_audit_opts_init(&o);
    o.checkpoint_ms = 1000;
    if (pcl_audit_log_open(url, s, &o, &log, &err) != PCL_OK) {
        (void)fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    /* warm up half a second, then measure durable appends between two snapshots */
    for (int i = 0; i < c->producers; i++) {
        p[i] = (struct producer){.log = log, .stop = &stop, .base = (uint64_t)i << 40};
        if (pthread_create(&th[i], NULL, produce, &p[i]) != 0) {
            abort();
        }
    }
    usleep(500000);
    pcl_audit_stats_get(log, &st0);
    t0 = now_s();
    c0 = cpu_s();
    usleep((useconds_t)(c->seconds * 1e6));
    pcl_audit_stats_get(log, &st);
    t1 = now_s();
    c1 = cpu_s();
    stop = 1;
    for (int i = 0; i < c->producers; i++) {
        (void)pthread_join(th[i], NULL);
    }
    if (pcl_audit_flush(log, &err) != PCL_OK) {
        abort();
    }
    printf("appends: %.0f entries/s durable (sync=%s, %d producer thread%s, %.1f s), "
           "%llu batches (%.0f entries/batch), %llu checkpoints, queue-saturated latency p50 %s, "
           "p99 %s, process CPU %.2f cores = %.0f entries per CPU-second (producers included)\n",
           (double)(st.appended - st0.appended) / (t1 - t0), c->sync, c->producers,
           c->producers > 1 ? "s" : "", t1 - t0, (unsigned long long)(st.batches - st0.batches),
           (double)(st.appended - st0.appended) / (double)PCL_MAX(st.batches - st0.batches, 1),
           (unsigned long long)(st.checkpoints - st0.checkpoints),
           quantile_text(&st, 0.5, q50, sizeof(q50)), quantile_text(&st, 0.99, q99, sizeof(q99)),
           (c1 - c0) / (t1 - t0), (double)(st.appended - st0.appended) / (c1 - c0));
    pcl_audit_log_free(log);
    pcl_note_signer_free(s);
}

struct syncer {
    struct pcl_audit_log *log;
    volatile int *stop;
    uint64_t n;
};

static void *
sync_append(void *arg)
{
    struct syncer *y = arg;
    struct pcl_buf ev;
    struct pcl_err err;

    pcl_buf_init(&ev, 0);
    while (!*y->stop) {
        make_event(y->n, &ev);
        if (pcl_audit_append(y->log, "interaction", ev.ptr, ev.len, NULL, NULL, &err) != PCL_OK) {
            abort();
        }
        y->n++;
    }
    pcl_buf_fini(&ev);
    return NULL;
}

/* Latency as a gateway sees it: threads each waiting for their own append to be durable. */
static void
bench_latency(const struct cfg *c, int threads)
{
    struct pcl_note_signer *s = signer();
    struct pcl_audit_opts o;
    struct pcl_audit_log *log = NULL;
    struct pcl_audit_stats st;
    struct syncer y[64];
    pthread_t th[64];
    volatile int stop = 0;
    struct pcl_err err;
    char url[600], q50[32], q99[32];
    double t0, t1;

    url_for(c, "latency", url, sizeof(url));
    pcl_audit_opts_init(&o);
    if (pcl_audit_log_open(url, s, &o, &log, &err) != PCL_OK) {
        (void)fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    t0 = now_s();
    for (int i = 0; i < threads; i++) {
        y[i] = (struct syncer){.log = log, .stop = &stop};
        if (pthread_create(&th[i], NULL, sync_append, &y[i]) != 0) {
            abort();
        }
    }
    usleep(3000000);
    stop = 1;
    for (int i = 0; i < threads; i++) {
        (void)pthread_join(th[i], NULL);
    }
    t1 = now_s();
    pcl_audit_stats_get(log, &st);
    printf("latency: %d threads each waiting for durability (sync=%s): %.0f entries/s, "
           "%.0f entries/batch, p50 %s, p99 %s, mean %.0f us\n",
           threads, c->sync, (double)st.appended / (t1 - t0),
           (double)st.appended / (double)PCL_MAX(st.batches, 1),
           quantile_text(&st, 0.5, q50, sizeof(q50)), quantile_text(&st, 0.99, q99, sizeof(q99)),
           (double)st.latency_sum_us / (double)PCL_MAX(st.appended, 1));
    pcl_audit_log_free(log);
    pcl_note_signer_free(s);
}

/* Fill a log with n entries as fast as the writer takes them. */
static void
fill(struct pcl_audit_log *log, uint64_t n, bool small)
{
    struct pcl_buf ev;
    struct pcl_err err;
    double t0 = now_s();

    pcl_buf_init(&ev, 0);
    for (uint64_t i = 0; i < n; i++) {
        if (small) {
            pcl_buf_reset(&ev);
            if (pcl_buf_appendf(&ev, "{\"i\":%llu}", (unsigned long long)i) != PCL_OK) {
                abort();
            }
        } else {
            make_event(i, &ev);
        }
        if (pcl_audit_append_async(log, "interaction", ev.ptr, ev.len, NULL, NULL, NULL, &err) !=
            PCL_OK) {
            (void)fprintf(stderr, "%s\n", err.msg);
            abort();
        }
        if (i % 1000000 == 999999) {
            (void)fprintf(stderr, "  filled %llu (%.0f/s)\n", (unsigned long long)i + 1,
                          (double)(i + 1) / (now_s() - t0));
        }
    }
    if (pcl_audit_flush(log, &err) != PCL_OK) {
        abort();
    }
    pcl_buf_fini(&ev);
}

static void
bench_verify(const struct cfg *c)
{
    struct pcl_note_signer *s = signer();
    struct pcl_note_verifier *v = NULL;
    struct pcl_audit_opts o;
    struct pcl_audit_log *log = NULL;
    struct pcl_audit_report rep;
    struct pcl_buf vk;
    struct pcl_err err;
    char url[600];
    double t0, t1;

    url_for(c, "verify", url, sizeof(url));
    pcl_audit_opts_init(&o);
    if (pcl_audit_log_open(url, s, &o, &log, &err) != PCL_OK) {
        (void)fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    t0 = now_s();
    fill(log, c->verify_leaves, false);
    t1 = now_s();
    pcl_audit_log_free(log);
    printf("fill: %llu interaction entries in %.2f s (%.0f/s)\n",
           (unsigned long long)c->verify_leaves, t1 - t0, (double)c->verify_leaves / (t1 - t0));
    pcl_buf_init(&vk, 0);
    if (pcl_note_signer_vkey(s, &vk) != PCL_OK ||
        pcl_note_verifier_parse(vk.ptr, vk.len, &v, NULL) != PCL_OK) {
        abort();
    }
    for (int run = 0; run < 3; run++) {
        t0 = now_s();
        if (pcl_audit_verify_store(url, v, NULL, 0, NULL, 0, &rep, &err) != PCL_OK || !rep.ok) {
            (void)fprintf(stderr, "verify: %s %s\n", err.msg, rep.what);
            exit(1);
        }
        t1 = now_s();
        printf("verify: %llu entries, %llu checkpoints, every leaf hash, node and root "
               "recomputed: %.3f s (run %d)\n",
               (unsigned long long)rep.entries, (unsigned long long)rep.checkpoints, t1 - t0,
               run + 1);
    }
    pcl_buf_fini(&vk);
    pcl_note_verifier_free(v);
    pcl_note_signer_free(s);
}

static uint64_t
rnd(uint64_t n)
{
    uint64_t x;

    randombytes_buf(&x, sizeof(x));
    return x % n;
}

static void
bench_proofs(const struct cfg *c)
{
    struct pcl_note_signer *s = signer();
    struct pcl_audit_opts o;
    struct pcl_audit_log *log = NULL;
    struct pcl_err err;
    uint8_t proof[PCL_MERKLE_MAX_PROOF][HS], root[HS], r1[HS], leaf[HS];
    char url[600];
    double t0, t1, tinc = 0, tcon = 0, trec = 0;
    uint64_t n = c->proof_leaves;
    size_t np = 0;
    struct pcl_buf rcpt;
    const int iters = 1000;

    url_for(c, "proofs", url, sizeof(url));
    pcl_audit_opts_init(&o);
    o.checkpoint_ms = 0;
    if (pcl_audit_log_open(url, s, &o, &log, &err) != PCL_OK) {
        (void)fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    t0 = now_s();
    fill(log, n, true);
    t1 = now_s();
    printf("fill: %llu small entries in %.1f s (%.0f/s)\n", (unsigned long long)n, t1 - t0,
           (double)n / (t1 - t0));
    if (pcl_audit_root(log, n, root, &err) != PCL_OK) {
        abort();
    }
    pcl_buf_init(&rcpt, 0);
    for (int i = 0; i < iters; i++) {
        uint64_t idx = rnd(n), s1 = 1 + rnd(n - 1);

        t0 = now_s();
        if (pcl_audit_prove_inclusion(log, idx, n, proof, &np, &err) != PCL_OK) {
            abort();
        }
        t1 = now_s();
        tinc += t1 - t0;
        if (pcl_audit_leaf_hash(log, idx, leaf, &err) != PCL_OK ||
            pcl_merkle_verify_inclusion(idx, n, leaf, (const uint8_t(*)[HS])proof, np, root,
                                        &err) != PCL_OK) {
            abort();
        }
        t0 = now_s();
        if (pcl_audit_prove_consistency(log, s1, n, proof, &np, &err) != PCL_OK) {
            abort();
        }
        t1 = now_s();
        tcon += t1 - t0;
        if (pcl_audit_root(log, s1, r1, &err) != PCL_OK ||
            pcl_merkle_verify_consistency(s1, n, (const uint8_t(*)[HS])proof, np, r1, root, &err) !=
                PCL_OK) {
            abort();
        }
        pcl_buf_reset(&rcpt);
        t0 = now_s();
        if (pcl_audit_receipt(log, idx, &rcpt, &err) != PCL_OK) {
            abort();
        }
        trec += now_s() - t0;
    }
    printf("proofs at %llu leaves (mean of %d random, read from the store): inclusion %.1f us, "
           "consistency %.1f us, full receipt (proof + checkpoint) %.1f us\n",
           (unsigned long long)n, iters, tinc / iters * 1e6, tcon / iters * 1e6,
           trec / iters * 1e6);
    pcl_buf_fini(&rcpt);
    pcl_audit_log_free(log);
    pcl_note_signer_free(s);
}

static void
usage(void)
{
    (void)fprintf(stderr, "usage: bench_audit [--dir DIR] [--seconds S] [--producers P]\n"
                          "       [--verify-leaves N] [--proof-leaves N] [--sync full|normal]\n"
                          "       (a count of 0 skips that part)\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    struct cfg c = {.dir = "/tmp",
                    .seconds = 10,
                    .producers = 1,
                    .verify_leaves = 1000000,
                    .proof_leaves = 1000000,
                    .sync = "full"};

    if (sodium_init() < 0) {
        return 1;
    }
    for (int i = 1; i < argc; i += 2) { /* options come in "--name value" pairs */
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (v == NULL) {
            usage();
        }
        if (strcmp(a, "--dir") == 0) {
            c.dir = v;
        } else if (strcmp(a, "--seconds") == 0) {
            c.seconds = strtod(v, NULL);
        } else if (strcmp(a, "--producers") == 0) {
            c.producers = (int)PCL_MAX(1, PCL_MIN(8, strtol(v, NULL, 10)));
        } else if (strcmp(a, "--verify-leaves") == 0) {
            c.verify_leaves = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--proof-leaves") == 0) {
            c.proof_leaves = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--sync") == 0) {
            c.sync = v;
        } else {
            usage();
        }
    }
    if (c.seconds > 0) {
        bench_appends(&c);
        bench_latency(&c, 1);
        bench_latency(&c, 64);
    }
    if (c.verify_leaves > 0) {
        bench_verify(&c);
    }
    if (c.proof_leaves > 1) {
        bench_proofs(&c);
    }
    return 0;
}
