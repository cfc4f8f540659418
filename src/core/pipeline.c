/* SPDX-License-Identifier: Apache-2.0 */
/* The ordered pipeline of pipeline.h: a ring of depth slots under one mutex. Slots between
 * `head` and `taken` are running or done, between `taken` and `tail` queued; the submitter
 * takes them back from `head`. */
#include "pipeline.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

struct slot {
    void *job;
    bool done;
};

struct pcl_pipe {
    pthread_mutex_t mu;
    pthread_cond_t work; /* a job was queued, or stop */
    pthread_cond_t done; /* a job finished */
    pcl_pipe_fn *fn;
    struct slot *ring; /* depth slots; positions count up and wrap modulo depth */
    unsigned depth;
    uint64_t head;  /* oldest job not taken back */
    uint64_t taken; /* next job a worker picks up */
    uint64_t tail;  /* next free position */
    bool stop;
    pthread_t *th;
    void **workers;
    unsigned nworkers; /* threads running */
    unsigned next_worker;
};

static void *
pipe_worker(void *arg)
{
    struct pcl_pipe *p = arg;
    void *w;

    (void)pthread_mutex_lock(&p->mu);
    w = p->workers[p->next_worker++];
    for (;;) {
        struct slot *s;

        while (!p->stop && p->taken == p->tail) {
            (void)pthread_cond_wait(&p->work, &p->mu);
        }
        if (p->taken == p->tail) {
            break; /* stopping, nothing left */
        }
        s = &p->ring[p->taken++ % p->depth];
        (void)pthread_mutex_unlock(&p->mu);
        p->fn(w, s->job);
        (void)pthread_mutex_lock(&p->mu);
        s->done = true;
        (void)pthread_cond_broadcast(&p->done);
    }
    (void)pthread_mutex_unlock(&p->mu);
    return NULL;
}

enum pcl_rc
pcl_pipe_new(unsigned nworkers, unsigned depth, pcl_pipe_fn *fn, void **workers,
             struct pcl_pipe **out, struct pcl_err *err)
{
    struct pcl_pipe *p;

    *out = NULL;
    PCL_ASSERT(nworkers >= 1 && nworkers <= 256 && depth >= nworkers);
    p = pcl_calloc(1, sizeof(*p));
    if (p == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "out of memory");
    }
    p->ring = pcl_calloc(depth, sizeof(*p->ring));
    p->th = pcl_calloc(nworkers, sizeof(*p->th));
    p->workers = pcl_calloc(nworkers, sizeof(*p->workers));
    if (p->ring == NULL || p->th == NULL || p->workers == NULL) {
        pcl_free(p->ring);
        pcl_free(p->th);
        pcl_free(p->workers);
        pcl_free(p);
        return pcl_err_set(err, PCL_ENOMEM, "out of memory");
    }
    memcpy(p->workers, workers, nworkers * sizeof(*workers));
    p->fn = fn;
    p->depth = depth;
    (void)pthread_mutex_init(&p->mu, NULL);
    (void)pthread_cond_init(&p->work, NULL);
    (void)pthread_cond_init(&p->done, NULL);
    for (unsigned i = 0; i < nworkers; i++) {
        int e = pthread_create(&p->th[i], NULL, pipe_worker, p);

        if (e != 0) {
            pcl_pipe_free(p);
            return pcl_err_set(err, PCL_EIO, "cannot start a worker thread: %s", strerror(e));
        }
        p->nworkers++;
    }
    *out = p;
    return PCL_OK;
}

bool
pcl_pipe_full(const struct pcl_pipe *p)
{
    return p->tail - p->head >= p->depth;
}

unsigned
pcl_pipe_pending(const struct pcl_pipe *p)
{
    return (unsigned)(p->tail - p->head);
}

void
pcl_pipe_submit(struct pcl_pipe *p, void *job)
{
    struct slot *s;

    PCL_ASSERT(!pcl_pipe_full(p));
    (void)pthread_mutex_lock(&p->mu);
    s = &p->ring[p->tail % p->depth];
    s->job = job;
    s->done = false;
    p->tail++;
    (void)pthread_cond_signal(&p->work);
    (void)pthread_mutex_unlock(&p->mu);
}

void *
pcl_pipe_take(struct pcl_pipe *p)
{
    struct slot *s;
    void *job;

    if (p->head == p->tail) {
        return NULL;
    }
    s = &p->ring[p->head % p->depth];
    (void)pthread_mutex_lock(&p->mu);
    while (!s->done) {
        (void)pthread_cond_wait(&p->done, &p->mu);
    }
    job = s->job;
    p->head++;
    (void)pthread_mutex_unlock(&p->mu);
    return job;
}

void
pcl_pipe_free(struct pcl_pipe *p)
{
    if (p == NULL) {
        return;
    }
    (void)pthread_mutex_lock(&p->mu);
    p->stop = true;
    (void)pthread_cond_broadcast(&p->work);
    (void)pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nworkers; i++) {
        (void)pthread_join(p->th[i], NULL);
    }
    (void)pthread_cond_destroy(&p->work);
    (void)pthread_cond_destroy(&p->done);
    (void)pthread_mutex_destroy(&p->mu);
    pcl_free(p->ring);
    pcl_free(p->th);
    pcl_free(p->workers);
    pcl_free(p);
}
