/* SPDX-License-Identifier: Apache-2.0 */
/* The in-process limiter: token buckets for requests and tokens per minute, concurrency
 * counters and budget counters, in a hash table split into mutex-guarded shards. */
#include "ratelimit.h"

#include <pthread.h>
#include <time.h>

#define SHARDS 16

struct bucket {
    double level;
    uint64_t ts_us;
    bool init;
};

struct entry {
    struct entry *next;
    char *subject;
    uint64_t hash;
    struct bucket req, tok;
    int64_t inflight;
    uint64_t seen_us;
    /* budget (key subjects only) */
    int64_t period_start, used;
    bool dirty;
};

struct shard {
    pthread_mutex_t mu;
    struct entry **tab; /* array of nbuckets chains */
    size_t nbuckets, count;
};

struct mem_limiter {
    struct gw_limiter base; /* must stay first */
    struct shard shards[SHARDS];
};

static const char *const kind_names[] = {"none", "requests", "tokens", "concurrency", "budget"};

const char *
pcl_gw_limit_kind_name(enum gw_limit_kind k)
{
    return (unsigned)k < PCL_ARRAY_LEN(kind_names) ? kind_names[k] : "?";
}

/* Entry for subject, created when missing; NULL when out of memory. Shard lock held. */
static struct entry *
find(struct shard *sh, const char *subject, uint64_t h, bool create)
{
    struct entry *e;

    if (sh->nbuckets > 0) {
        for (e = sh->tab[h % sh->nbuckets]; e != NULL; e = e->next) {
            if (e->hash == h && strcmp(e->subject, subject) == 0) {
                return e;
            }
        }
    }
    if (!create) {
        return NULL;
    }
    if (sh->count >= sh->nbuckets) {
        size_t nb = sh->nbuckets > 0 ? sh->nbuckets * 2 : 64;
        struct entry **tab = pcl_calloc(nb, sizeof(*tab));

        if (tab == NULL) {
            return NULL;
        }
        for (size_t i = 0; i < sh->nbuckets; i++) {
            while (sh->tab[i] != NULL) {
                e = sh->tab[i];
                sh->tab[i] = e->next;
                e->next = tab[e->hash % nb];
                tab[e->hash % nb] = e;
            }
        }
        pcl_free(sh->tab);
        sh->tab = tab;
        sh->nbuckets = nb;
    }
    e = pcl_calloc(1, sizeof(*e));
    if (e == NULL) {
        return NULL;
    }
    e->subject = pcl_strdup(subject);
    if (e->subject == NULL) {
        pcl_free(e);
        return NULL;
    }
    e->hash = h;
    e->next = sh->tab[h % sh->nbuckets];
    sh->tab[h % sh->nbuckets] = e;
    sh->count++;
    return e;
}

/* Refill a bucket of `cap` per minute up to now. */
static void
refill(struct bucket *b, int64_t cap, uint64_t now)
{
    if (!b->init) {
        b->level = (double)cap;
        b->ts_us = now;
        b->init = true;
        return;
    }
    if (now > b->ts_us) {
        b->level += (double)(now - b->ts_us) * (double)cap / 60e6;
        if (b->level > (double)cap) {
            b->level = (double)cap;
        }
        b->ts_us = now;
    }
}

static double
seconds_until(const struct bucket *b, int64_t cap, double level)
{
    return level >= b->level ? (level - b->level) * 60.0 / (double)cap : 0;
}

static struct shard *
shard_of(struct gw_limiter *lim, uint64_t h)
{
    return &((struct mem_limiter *)lim)->shards[(h >> 32) % SHARDS];
}

static bool
mem_admit(struct gw_limiter *lim, const char *subject, const struct gw_limit *l, int64_t est,
          uint64_t now, struct gw_limit_view *v)
{
    uint64_t h = pcl_fnv1a(subject, strlen(subject));
    struct shard *sh = shard_of(lim, h);
    struct entry *e;
    bool ok = true;

    memset(v, 0, sizeof(*v));
    v->req_limit = v->tok_limit = -1;
    if (l->rpm <= 0 && l->tpm <= 0 && l->concurrent <= 0) {
        return true;
    }
    (void)pthread_mutex_lock(&sh->mu);
    e = find(sh, subject, h, true);
    if (e == NULL) {
        /* Out of memory: fail closed rather than forget the limit. */
        (void)pthread_mutex_unlock(&sh->mu);
        v->denied = GW_LIMIT_CONCURRENCY;
        v->retry_after_s = 1;
        return false;
    }
    e->seen_us = now;
    if (l->rpm > 0) {
        refill(&e->req, l->rpm, now);
        if (e->req.level < 1.0) {
            ok = false;
            v->denied = GW_LIMIT_REQUESTS;
            v->retry_after_s = seconds_until(&e->req, l->rpm, 1.0);
        }
    }
    if (ok && l->tpm > 0) {
        refill(&e->tok, l->tpm, now);
        /* A request bigger than the whole bucket can never pass: it waits for a full one. */
        if (e->tok.level < (double)PCL_MIN(est, l->tpm)) {
            ok = false;
            v->denied = GW_LIMIT_TOKENS;
            v->retry_after_s = seconds_until(&e->tok, l->tpm, (double)PCL_MIN(est, l->tpm));
        }
    }
    if (ok && l->concurrent > 0 && e->inflight >= l->concurrent) {
        ok = false;
        v->denied = GW_LIMIT_CONCURRENCY;
        v->retry_after_s = 1;
    }
    if (ok) {
        if (l->rpm > 0) {
            e->req.level -= 1.0;
        }
        if (l->tpm > 0) {
            e->tok.level -= (double)est;
        }
        e->inflight++;
    }
    if (l->rpm > 0) {
        v->req_limit = l->rpm;
        v->req_remaining = e->req.level > 0 ? (int64_t)e->req.level : 0;
        v->req_reset_s = seconds_until(&e->req, l->rpm, (double)l->rpm);
    }
    if (l->tpm > 0) {
        v->tok_limit = l->tpm;
        v->tok_remaining = e->tok.level > 0 ? (int64_t)e->tok.level : 0;
        v->tok_reset_s = seconds_until(&e->tok, l->tpm, (double)l->tpm);
    }
    (void)pthread_mutex_unlock(&sh->mu);
    return ok;
}

static void
mem_settle(struct gw_limiter *lim, const char *subject, const struct gw_limit *l, int64_t delta,
           uint64_t now)
{
    uint64_t h = pcl_fnv1a(subject, strlen(subject));
    struct shard *sh = shard_of(lim, h);
    struct entry *e;

    if (l->tpm <= 0 || delta == 0) {
        return;
    }
    (void)pthread_mutex_lock(&sh->mu);
    e = find(sh, subject, h, false);
    if (e != NULL) {
        refill(&e->tok, l->tpm, now);
        /* The bucket may go negative: usage beyond the estimate is debt paid by waiting. */
        e->tok.level -= (double)delta;
        if (e->tok.level > (double)l->tpm) {
            e->tok.level = (double)l->tpm;
        }
    }
    (void)pthread_mutex_unlock(&sh->mu);
}

static void
mem_release(struct gw_limiter *lim, const char *subject)
{
    uint64_t h = pcl_fnv1a(subject, strlen(subject));
    struct shard *sh = shard_of(lim, h);
    struct entry *e;

    (void)pthread_mutex_lock(&sh->mu);
    e = find(sh, subject, h, false);
    if (e != NULL && e->inflight > 0) {
        e->inflight--;
    }
    (void)pthread_mutex_unlock(&sh->mu);
}

static int64_t
mem_budget_add(struct gw_limiter *lim, const char *id, int64_t period_start, int64_t tokens)
{
    char subject[64];
    uint64_t h;
    struct shard *sh;
    struct entry *e;
    int64_t used;

    (void)snprintf(subject, sizeof(subject), "budget:%s", id);
    h = pcl_fnv1a(subject, strlen(subject));
    sh = shard_of(lim, h);
    (void)pthread_mutex_lock(&sh->mu);
    e = find(sh, subject, h, true);
    if (e == NULL) {
        (void)pthread_mutex_unlock(&sh->mu);
        return INT64_MAX; /* fail closed */
    }
    if (e->period_start != period_start) {
        /* A new period starts from zero; an older one is ignored. */
        if (period_start < e->period_start) {
            used = e->used;
            (void)pthread_mutex_unlock(&sh->mu);
            return used;
        }
        e->period_start = period_start;
        e->used = 0;
    }
    if (tokens != 0) {
        e->used += tokens;
        e->dirty = true;
    }
    used = e->used;
    (void)pthread_mutex_unlock(&sh->mu);
    return used;
}

void
pcl_gw_limiter_memory_flush(struct gw_limiter *lim, gw_budget_fn *cb, void *ctx)
{
    struct mem_limiter *m = (struct mem_limiter *)lim;

    for (size_t s = 0; s < SHARDS; s++) {
        struct shard *sh = &m->shards[s];

        (void)pthread_mutex_lock(&sh->mu);
        for (size_t i = 0; i < sh->nbuckets; i++) {
            for (struct entry *e = sh->tab[i]; e != NULL; e = e->next) {
                if (e->dirty) {
                    e->dirty = false;
                    cb(ctx, e->subject + 7, e->period_start, e->used);
                }
            }
        }
        (void)pthread_mutex_unlock(&sh->mu);
    }
}

static void
mem_sweep(struct gw_limiter *lim, uint64_t idle_before)
{
    struct mem_limiter *m = (struct mem_limiter *)lim;

    for (size_t s = 0; s < SHARDS; s++) {
        struct shard *sh = &m->shards[s];

        (void)pthread_mutex_lock(&sh->mu);
        for (size_t i = 0; i < sh->nbuckets; i++) {
            struct entry **pp = &sh->tab[i];

            while (*pp != NULL) {
                struct entry *e = *pp;

                /* Budget entries stay: they are the period's running total. */
                if (e->inflight == 0 && e->seen_us < idle_before && e->period_start == 0) {
                    *pp = e->next;
                    pcl_free(e->subject);
                    pcl_free(e);
                    sh->count--;
                } else {
                    pp = &e->next;
                }
            }
        }
        (void)pthread_mutex_unlock(&sh->mu);
    }
}

static void
mem_free(struct gw_limiter *lim)
{
    struct mem_limiter *m = (struct mem_limiter *)lim;

    if (m == NULL) {
        return;
    }
    for (size_t s = 0; s < SHARDS; s++) {
        struct shard *sh = &m->shards[s];

        for (size_t i = 0; i < sh->nbuckets; i++) {
            while (sh->tab[i] != NULL) {
                struct entry *e = sh->tab[i];

                sh->tab[i] = e->next;
                pcl_free(e->subject);
                pcl_free(e);
            }
        }
        pcl_free(sh->tab);
        (void)pthread_mutex_destroy(&sh->mu);
    }
    pcl_free(m);
}

static const struct gw_limiter_ops mem_ops = {
    .admit = mem_admit,
    .settle = mem_settle,
    .release = mem_release,
    .budget_add = mem_budget_add,
    .sweep = mem_sweep,
    .free = mem_free,
};

struct gw_limiter *
pcl_gw_limiter_memory_new(void)
{
    struct mem_limiter *m = pcl_calloc(1, sizeof(*m));

    if (m == NULL) {
        return NULL;
    }
    m->base.ops = &mem_ops;
    for (size_t s = 0; s < SHARDS; s++) {
        (void)pthread_mutex_init(&m->shards[s].mu, NULL);
    }
    return &m->base;
}

int64_t
pcl_gw_period_start(const char *period, int64_t now)
{
    time_t t = (time_t)now;
    struct tm tm;

    if (period == NULL || (strcmp(period, "day") != 0 && strcmp(period, "month") != 0)) {
        return 0;
    }
    if (gmtime_r(&t, &tm) == NULL) {
        return 0;
    }
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    if (strcmp(period, "month") == 0) {
        tm.tm_mday = 1;
    }
    return (int64_t)timegm(&tm);
}
