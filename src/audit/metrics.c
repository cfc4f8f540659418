/* SPDX-License-Identifier: Apache-2.0 */
/* The log's counters in the Prometheus text exposition format, for the gateway's /metrics. */
#include "audit.h"

#include "common.h"

static enum pcl_rc
metric(struct pcl_buf *out, const char *name, const char *type, const char *help, double v)
{
    return pcl_buf_appendf(out, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type,
                           name, v);
}

enum pcl_rc
pcl_audit_stats_prometheus(const struct pcl_audit_stats *st, struct pcl_buf *out)
{
    static const char lat[] = "portcullis_audit_append_latency_seconds";
    const struct {
        const char *name, *type, *help;
        double v;
    } rows[] = {
        {"portcullis_audit_tree_size", "gauge", "Durable entries in the audit log.",
         (double)st->tree_size},
        {"portcullis_audit_queue_depth", "gauge", "Appends accepted and not yet durable.",
         (double)st->queue_depth},
        {"portcullis_audit_queue_capacity", "gauge", "Bound of the append queue.",
         (double)st->queue_max},
        {"portcullis_audit_appends_total", "counter", "Appends made durable.",
         (double)st->appended},
        {"portcullis_audit_append_failures_total", "counter", "Appends that failed in the store.",
         (double)st->failed},
        {"portcullis_audit_appends_rejected_total", "counter",
         "Appends refused because the queue was full (fail policy).", (double)st->rejected},
        {"portcullis_audit_appends_blocked_total", "counter",
         "Appends that waited for queue space (block policy).", (double)st->blocked},
        {"portcullis_audit_batches_total", "counter", "Transactions committed.",
         (double)st->batches},
        {"portcullis_audit_checkpoints_total", "counter", "Checkpoints signed.",
         (double)st->checkpoints},
        {"portcullis_audit_checkpoint_size", "gauge", "Tree size of the latest checkpoint.",
         (double)st->checkpoint_size},
        {"portcullis_audit_checkpoint_age_seconds", "gauge",
         "Seconds since the latest checkpoint (-1: none yet).", st->checkpoint_age_s},
    };
    enum pcl_rc rc = PCL_OK;

    for (size_t i = 0; i < PCL_ARRAY_LEN(rows) && rc == PCL_OK; i++) {
        rc = metric(out, rows[i].name, rows[i].type, rows[i].help, rows[i].v);
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendf(out,
                             "# HELP %s Time from enqueue to durable commit.\n# TYPE %s "
                             "histogram\n",
                             lat, lat);
    }
    for (size_t i = 0; i < PCL_AUDIT_LATENCY_BUCKETS && rc == PCL_OK; i++) {
        if (st->latency_le_us[i] == UINT64_MAX) {
            rc = pcl_buf_appendf(out, "%s_bucket{le=\"+Inf\"} %llu\n", lat,
                                 (unsigned long long)st->latency_count[i]);
        } else {
            rc = pcl_buf_appendf(out, "%s_bucket{le=\"%g\"} %llu\n", lat,
                                 (double)st->latency_le_us[i] / 1e6,
                                 (unsigned long long)st->latency_count[i]);
        }
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendf(out, "%s_sum %.17g\n%s_count %llu\n", lat,
                             (double)st->latency_sum_us / 1e6, lat,
                             (unsigned long long)st->latency_count[PCL_AUDIT_LATENCY_BUCKETS - 1]);
    }
    return rc;
}
