/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the in-process limiter: exact request counts, token reservation and settlement,
 * concurrency, budgets and periods. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ratelimit.h"

static void
test_limit_requests_exact(void **state)
{
    struct gw_limiter *lim = pcl_gw_limiter_memory_new();
    struct gw_limit l = {.rpm = 5};
    struct gw_limit_view v;
    uint64_t t = 1000000;

    (void)state;
    for (int i = 0; i < 5; i++) {
        assert_true(lim->ops->admit(lim, "k", &l, 0, t, &v));
        assert_int_equal(v.req_remaining, 4 - i);
        lim->ops->release(lim, "k");
    }
    assert_false(lim->ops->admit(lim, "k", &l, 0, t, &v));
    assert_int_equal(v.denied, GW_LIMIT_REQUESTS);
    assert_true(v.retry_after_s > 11.9 && v.retry_after_s < 12.1); /* one per 12 s */
    /* other subjects are independent */
    assert_true(lim->ops->admit(lim, "other", &l, 0, t, &v));
    /* 12 s later one request is back */
    assert_true(lim->ops->admit(lim, "k", &l, 0, t + 12000000, &v));
    assert_false(lim->ops->admit(lim, "k", &l, 0, t + 12000000, &v));
    lim->ops->free(lim);
}

static void
test_limit_tokens_settle(void **state)
{
    struct gw_limiter *lim = pcl_gw_limiter_memory_new();
    struct gw_limit l = {.tpm = 1000};
    struct gw_limit_view v;

    (void)state;
    assert_true(lim->ops->admit(lim, "k", &l, 600, 1, &v));
    assert_int_equal(v.tok_remaining, 400);
    assert_false(lim->ops->admit(lim, "k", &l, 600, 1, &v));
    assert_int_equal(v.denied, GW_LIMIT_TOKENS);
    /* actual use was 100: 500 come back */
    lim->ops->settle(lim, "k", &l, 100 - 600, 1);
    assert_true(lim->ops->admit(lim, "k", &l, 600, 1, &v));
    assert_int_equal(v.tok_remaining, 300);
    /* actual use beyond the estimate goes into debt */
    lim->ops->settle(lim, "k", &l, 900, 1);
    assert_false(lim->ops->admit(lim, "k", &l, 1, 1, &v));
    lim->ops->free(lim);
}

static void
test_limit_concurrency(void **state)
{
    struct gw_limiter *lim = pcl_gw_limiter_memory_new();
    struct gw_limit l = {.concurrent = 2};
    struct gw_limit_view v;

    (void)state;
    assert_true(lim->ops->admit(lim, "k", &l, 0, 1, &v));
    assert_true(lim->ops->admit(lim, "k", &l, 0, 1, &v));
    assert_false(lim->ops->admit(lim, "k", &l, 0, 1, &v));
    assert_int_equal(v.denied, GW_LIMIT_CONCURRENCY);
    lim->ops->release(lim, "k");
    assert_true(lim->ops->admit(lim, "k", &l, 0, 1, &v));
    /* sweeping never forgets a subject with requests in flight */
    lim->ops->sweep(lim, UINT64_MAX);
    assert_false(lim->ops->admit(lim, "k", &l, 0, 1, &v));
    lim->ops->free(lim);
}

struct flushed {
    int calls;
    int64_t total;
};

static void
on_flush(void *ctx, const char *id, int64_t period, int64_t total)
{
    struct flushed *f = ctx;

    assert_string_equal(id, "abc");
    assert_int_equal(period, 86400);
    f->calls++;
    f->total = total;
}

static void
test_limit_budget_periods(void **state)
{
    struct gw_limiter *lim = pcl_gw_limiter_memory_new();
    struct flushed f = {0};

    (void)state;
    assert_int_equal(lim->ops->budget_add(lim, "abc", 86400, 10), 10);
    assert_int_equal(lim->ops->budget_add(lim, "abc", 86400, 5), 15);
    pcl_gw_limiter_memory_flush(lim, on_flush, &f);
    pcl_gw_limiter_memory_flush(lim, on_flush, &f); /* nothing new */
    assert_int_equal(f.calls, 1);
    assert_int_equal(f.total, 15);
    /* a new period starts at zero; an old one does not reset the new */
    assert_int_equal(lim->ops->budget_add(lim, "abc", 2 * 86400, 1), 1);
    assert_int_equal(lim->ops->budget_add(lim, "abc", 86400, 0), 1);
    lim->ops->free(lim);
    assert_int_equal(pcl_gw_period_start("day", 86400 * 3 + 5), 86400 * 3);
    assert_int_equal(pcl_gw_period_start("month", 1764201600 /* 2025-11-27 */), 1761955200);
    assert_int_equal(pcl_gw_period_start(NULL, 5), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_requests_exact),
        cmocka_unit_test(test_limit_tokens_settle),
        cmocka_unit_test(test_limit_concurrency),
        cmocka_unit_test(test_limit_budget_periods),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
