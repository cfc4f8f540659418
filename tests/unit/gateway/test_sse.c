/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the incremental SSE parser: line endings, multi-line data, comments, splits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sse.h"

struct got {
    char text[4096];
    size_t len;
    int events;
    int stop_after;
};

static int
on_event(void *ctx, const char *event, size_t elen, const char *data, size_t dlen)
{
    struct got *g = ctx;
    int n = snprintf(g->text + g->len, sizeof(g->text) - g->len, "[%.*s|%.*s]", (int)elen, event,
                     (int)dlen, data);

    g->len += (size_t)n;
    g->events++;
    return g->stop_after > 0 && g->events >= g->stop_after;
}

static void
parse_split(const char *in, size_t step, struct got *g)
{
    struct gw_sse p;
    struct pcl_err err;
    size_t n = strlen(in);
    bool stopped = false;

    pcl_gw_sse_init(&p, 1024);
    for (size_t i = 0; i < n && !stopped; i += step) {
        assert_int_equal(
            pcl_gw_sse_feed(&p, in + i, PCL_MIN(step, n - i), on_event, g, &stopped, &err), PCL_OK);
    }
    pcl_gw_sse_fini(&p);
}

static void
test_sse_events_any_split(void **state)
{
    static const struct {
        const char *in;
        const char *expect;
    } cases[] = {
        /* LF, CRLF and CR line ends; the space after the colon is dropped once */
        {"data: a\n\ndata: b\r\n\r\ndata:  c\r\r", "[|a][|b][| c]"},
        /* several data lines join with \n; event type; comments and ids ignored */
        {": ping\nid: 7\nevent: delta\ndata: x\ndata: y\n\n", "[delta|x\ny]"},
        /* the event type resets after each dispatch; empty data still dispatches */
        {"event: e\ndata: 1\n\ndata\n\n", "[e|1][|]"},
        /* a block without data dispatches nothing */
        {"event: lonely\n\ndata: [DONE]\n\n", "[|[DONE]]"},
        /* a leading BOM is skipped */
        {"\xEF\xBB\xBF"
         "data: z\n\n",
         "[|z]"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t step = 1; step <= strlen(cases[i].in); step++) {
            struct got g = {0};

            parse_split(cases[i].in, step, &g);
            assert_string_equal(g.text, cases[i].expect);
        }
    }
}

static void
test_sse_limits_and_pending(void **state)
{
    struct gw_sse p;
    struct pcl_err err;
    struct got g = {0};
    char big[2048];
    bool stopped;

    (void)state;
    memset(big, 'a', sizeof(big));
    pcl_gw_sse_init(&p, 1024);
    assert_int_equal(pcl_gw_sse_feed(&p, "data: ", 6, on_event, &g, &stopped, &err), PCL_OK);
    assert_true(pcl_gw_sse_pending(&p));
    assert_int_equal(pcl_gw_sse_feed(&p, big, sizeof(big), on_event, &g, &stopped, &err),
                     PCL_ELIMIT);
    assert_non_null(strstr(err.msg, "offset"));
    pcl_gw_sse_fini(&p);
}

static void
test_sse_stop_from_callback(void **state)
{
    struct got g = {.stop_after = 1};

    (void)state;
    parse_split("data: 1\n\ndata: 2\n\n", 100, &g);
    assert_int_equal(g.events, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sse_events_any_split),
        cmocka_unit_test(test_sse_limits_and_pending),
        cmocka_unit_test(test_sse_stop_from_callback),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
