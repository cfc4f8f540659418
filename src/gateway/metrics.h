/* SPDX-License-Identifier: Apache-2.0 */
/* Prometheus metrics of the gateway: counters, gauges and histograms by label set, rendered
 * in the text exposition format. Thread-safe. */
#ifndef PCL_GATEWAY_METRICS_H
#define PCL_GATEWAY_METRICS_H

#include "common.h"

struct gw_metrics;

struct gw_metrics *pcl_gw_metrics_new(void);
void pcl_gw_metrics_free(struct gw_metrics *m);
/* Add v to counter/gauge `name` with `labels` (`k="v",k2="v2"` or ""). The family must be
 * one of the documented ones (metrics.c); unknown names are ignored. Label values are
 * escaped by the caller with pcl_gw_metric_label(). */
void pcl_gw_metric_add(struct gw_metrics *m, const char *name, const char *labels, double v);
/* Set a gauge. */
void pcl_gw_metric_set(struct gw_metrics *m, const char *name, const char *labels, double v);
/* Record one observation (seconds) in histogram `name`. */
void pcl_gw_metric_observe(struct gw_metrics *m, const char *name, const char *labels,
                           double seconds);
/* Append the exposition text. */
enum pcl_rc pcl_gw_metrics_render(struct gw_metrics *m, struct pcl_buf *out) PCL_WUR;
/* Copy s into out (size cap) with \, " and newline escaped for a label value. */
void pcl_gw_metric_label(char *out, size_t cap, const char *s);

#endif
