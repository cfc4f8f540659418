/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the ordered pipeline (src/core/pipeline.c): jobs come back in the order they
 * were submitted whatever order the workers finish them in, each worker keeps its own
 * argument, and at most `depth` jobs are ever in flight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "pcl_test.h"
#include "pipeline.h"

#define NJOBS 300

struct worker {
    pthread_t self; /* the thread that first ran a job with this argument */
    bool seen;
    bool moved; /* it ran on another thread too (checked on the main thread: cmocka's
                   assertions must not fail on a worker) */
    unsigned ran;
};

struct job {
    unsigned id;
    unsigned delay_us; /* work, so later jobs often finish first */
    unsigned runs;
    struct worker *by;
};

static atomic_uint running;
static atomic_uint most_running;

static void
run_job(void *worker, void *job)
{
    struct worker *w = worker;
    struct job *j = job;
    unsigned now = atomic_fetch_add(&running, 1) + 1, most = atomic_load(&most_running);
    struct timespec ts = {0, (long)j->delay_us * 1000};

    while (now > most && !atomic_compare_exchange_weak(&most_running, &most, now)) {
    }
    if (!w->seen) {
        w->self = pthread_self();
        w->seen = true;
    }
    w->moved |= !pthread_equal(w->self, pthread_self());
    w->ran++;
    j->runs++;
    j->by = w;
    (void)nanosleep(&ts, NULL);
    atomic_fetch_sub(&running, 1);
}

static void
run_order(unsigned nworkers, unsigned depth)
{
    static struct job jobs[NJOBS];
    struct worker ws[8] = {0};
    void *args[8];
    struct pcl_pipe *p = NULL;
    struct pcl_err err = {0};
    unsigned next_take = 0, total = 0;

    assert_true(nworkers <= 8);
    atomic_store(&running, 0);
    atomic_store(&most_running, 0);
    for (unsigned i = 0; i < nworkers; i++) {
        args[i] = &ws[i];
    }
    for (unsigned i = 0; i < NJOBS; i++) {
        jobs[i] = (struct job){.id = i, .delay_us = (i * 7919u) % 5u * 150u};
    }
    assert_int_equal(pcl_pipe_new(nworkers, depth, run_job, args, &p, &err), PCL_OK);
    assert_null(pcl_pipe_take(p)); /* nothing in flight */
    for (unsigned i = 0; i < NJOBS; i++) {
        while (pcl_pipe_full(p)) {
            struct job *j = pcl_pipe_take(p);

            assert_non_null(j);
            assert_int_equal(j->id, next_take++);
            assert_int_equal(j->runs, 1);
        }
        assert_true(pcl_pipe_pending(p) < depth);
        pcl_pipe_submit(p, &jobs[i]);
    }
    for (struct job *j; (j = pcl_pipe_take(p)) != NULL;) {
        assert_int_equal(j->id, next_take++);
        assert_int_equal(j->runs, 1);
    }
    assert_int_equal(next_take, NJOBS);
    assert_int_equal(pcl_pipe_pending(p), 0);
    pcl_pipe_free(p);
    for (unsigned i = 0; i < nworkers; i++) {
        total += ws[i].ran;
        assert_false(ws[i].moved);
    }
    assert_int_equal(total, NJOBS);
    assert_true(atomic_load(&most_running) <= nworkers);
    if (nworkers > 1) {
        assert_true(atomic_load(&most_running) > 1); /* they did run side by side */
    }
}

static void
test_pipe_order_one_worker(void **state)
{
    (void)state;
    run_order(1, 1);
}

static void
test_pipe_order_many_workers(void **state)
{
    (void)state;
    run_order(4, 6);
    run_order(3, 3);
}

/* Freeing the pipeline finishes the jobs still queued or running (their owner may free them
 * only after) even when they were never taken back. */
static void
test_pipe_free_finishes_jobs_in_flight(void **state)
{
    struct job jobs[6] = {0};
    struct worker ws[2] = {0};
    void *args[2] = {&ws[0], &ws[1]};
    struct pcl_pipe *p = NULL;
    struct pcl_err err = {0};

    (void)state;
    for (unsigned i = 0; i < 6; i++) {
        jobs[i].id = i;
        jobs[i].delay_us = 2000;
    }
    assert_int_equal(pcl_pipe_new(2, 6, run_job, args, &p, &err), PCL_OK);
    for (unsigned i = 0; i < 6; i++) {
        pcl_pipe_submit(p, &jobs[i]);
    }
    assert_true(pcl_pipe_full(p));
    pcl_pipe_free(p);
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(jobs[i].runs, 1);
    }
    pcl_pipe_free(NULL);
}

/* Out of memory while setting up: an error, nothing leaked (the allocation hook counts). */
static enum pcl_rc
new_and_free(void *ctx)
{
    struct worker ws[2] = {0};
    void *args[2] = {&ws[0], &ws[1]};
    struct pcl_pipe *p = NULL;
    struct pcl_err err = {0};
    enum pcl_rc rc = pcl_pipe_new(2, 3, run_job, args, &p, &err);

    (void)ctx;
    if (rc == PCL_OK) {
        pcl_pipe_free(p);
    } else {
        assert_null(p);
        assert_string_equal(err.msg, "out of memory");
    }
    return rc;
}

static void
test_pipe_new_out_of_memory(void **state)
{
    (void)state;
    pcl_test_oom(new_and_free, NULL, false);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipe_order_one_worker),
        cmocka_unit_test(test_pipe_order_many_workers),
        cmocka_unit_test(test_pipe_free_finishes_jobs_in_flight),
        cmocka_unit_test(test_pipe_new_out_of_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
