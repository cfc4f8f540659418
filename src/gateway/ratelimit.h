/* SPDX-License-Identifier: Apache-2.0 */
/* Rate limits, concurrency caps and token budgets. The limiter is an ops table so a shared
 * backend (Redis) can stand in for the in-process one without touching the server. */
#ifndef PCL_GATEWAY_RATELIMIT_H
#define PCL_GATEWAY_RATELIMIT_H

#include "gw.h"

/* Which limit said no. */
enum gw_limit_kind {
    GW_LIMIT_NONE = 0,
    GW_LIMIT_REQUESTS,
    GW_LIMIT_TOKENS,
    GW_LIMIT_CONCURRENCY,
    GW_LIMIT_BUDGET,
};
const char *pcl_gw_limit_kind_name(enum gw_limit_kind k);

/* State of the request and token buckets of one subject after an admission, for the
 * x-ratelimit-* headers. -1 = no such limit. */
struct gw_limit_view {
    int64_t req_limit, req_remaining;
    double req_reset_s;
    int64_t tok_limit, tok_remaining;
    double tok_reset_s;
    enum gw_limit_kind denied; /* GW_LIMIT_NONE when admitted */
    double retry_after_s;      /* when denied */
};

struct gw_limiter;

struct gw_limiter_ops {
    /* Admit one request for `subject` under l, reserving est_tokens from the token bucket and
     * one concurrency slot. All or nothing: a denial takes nothing. */
    bool (*admit)(struct gw_limiter *lim, const char *subject, const struct gw_limit *l,
                  int64_t est_tokens, uint64_t now_us, struct gw_limit_view *view);
    /* Correct the token bucket by delta (actual - estimate; may be negative = refund). */
    void (*settle)(struct gw_limiter *lim, const char *subject, const struct gw_limit *l,
                   int64_t delta, uint64_t now_us);
    /* Give back the concurrency slot taken by admit. */
    void (*release)(struct gw_limiter *lim, const char *subject);
    /* Budget of key `id` for the period starting at period_start (unix s): add `tokens`
     * (may be 0 to only read) and return the total used in the period. */
    int64_t (*budget_add)(struct gw_limiter *lim, const char *id, int64_t period_start,
                          int64_t tokens);
    /* Forget subjects idle since before `idle_before_us` with nothing in flight. */
    void (*sweep)(struct gw_limiter *lim, uint64_t idle_before_us);
    void (*free)(struct gw_limiter *lim);
};

struct gw_limiter {
    const struct gw_limiter_ops *ops;
};

/* The in-process limiter (sharded mutexes). NULL when out of memory. */
struct gw_limiter *pcl_gw_limiter_memory_new(void);

/* Dirty budget counters, for persisting: calls cb for every (id, period, total) changed since
 * the last call. In-process limiter only. */
typedef void gw_budget_fn(void *ctx, const char *id, int64_t period_start, int64_t total);
void pcl_gw_limiter_memory_flush(struct gw_limiter *lim, gw_budget_fn *cb, void *ctx);

/* Start (unix s, UTC) of the period ("day" or "month") holding `now`; 0 for no period. */
int64_t pcl_gw_period_start(const char *period, int64_t now);

#endif
