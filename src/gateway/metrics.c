/* SPDX-License-Identifier: Apache-2.0 */
/* Metric families, series storage (one mutex, open hashing) and exposition. */
#include "metrics.h"

#include <pthread.h>

enum kind { COUNTER, GAUGE, HISTOGRAM };

static const struct family {
    const char *name;
    enum kind kind;
    const char *help;
} families[] = {
    {"portcullis_audit_events_total", COUNTER, "Audit events written, by kind and result."},
    {"portcullis_audit_log_appends_total", COUNTER,
     "Events queued to the tamper-evident log, by kind and result (queued, rejected, failed)."},
    {"portcullis_bad_requests_total", COUNTER, "Requests refused before routing, by reason."},
    {"portcullis_config_reloads_total", COUNTER, "Configuration reloads, by result."},
    {"portcullis_findings_total", COUNTER,
     "Detector findings, by entity type, direction and action."},
    {"portcullis_gateway_seconds", HISTOGRAM,
     "Time spent in the gateway itself (total minus upstream), by route."},
    {"portcullis_inflight_requests", GAUGE, "Requests being served."},
    {"portcullis_injection_total", COUNTER,
     "Requests screened as prompt injection, by verdict tier and action taken."},
    {"portcullis_limit_hits_total", COUNTER, "Requests refused by a limit, by limit and scope."},
    {"portcullis_request_seconds", HISTOGRAM, "Total request latency, by route."},
    {"portcullis_requests_total", COUNTER, "Requests served, by route, status and decision."},
    {"portcullis_streams_stopped_total", COUNTER, "Streamed responses ended early, by reason."},
    {"portcullis_tokens_total", COUNTER, "Tokens used, by route and kind (prompt, completion)."},
    {"portcullis_upstream_errors_total", COUNTER, "Upstream failures, by upstream and reason."},
    {"portcullis_upstream_seconds", HISTOGRAM,
     "Upstream latency to the complete response, by route."},
};

static const double bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5,
                                5,      10,      30,     60,    120};
#define NB (sizeof(bounds) / sizeof(bounds[0]))

struct series {
    struct series *next;
    size_t family;
    char *labels;
    double value; /* counters, gauges; histogram sum */
    uint64_t count;
    uint64_t buckets[NB];
};

#define TABLE 1024

struct gw_metrics {
    pthread_mutex_t mu;
    struct series *tab[TABLE];
    size_t nseries;
};

struct gw_metrics *
pcl_gw_metrics_new(void)
{
    struct gw_metrics *m = pcl_calloc(1, sizeof(*m));

    if (m != NULL) {
        (void)pthread_mutex_init(&m->mu, NULL);
    }
    return m;
}

void
pcl_gw_metrics_free(struct gw_metrics *m)
{
    if (m == NULL) {
        return;
    }
    for (size_t i = 0; i < TABLE; i++) {
        while (m->tab[i] != NULL) {
            struct series *s = m->tab[i];

            m->tab[i] = s->next;
            pcl_free(s->labels);
            pcl_free(s);
        }
    }
    (void)pthread_mutex_destroy(&m->mu);
    pcl_free(m);
}

static size_t
family_of(const char *name)
{
    size_t lo = 0, hi = PCL_ARRAY_LEN(families);

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(families[mid].name, name);

        if (c == 0) {
            return mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return SIZE_MAX;
}

/* Series for (family, labels), created when missing; NULL when unknown or out of memory.
 * Lock held. Series are capped so label explosions cannot grow memory without bound. */
static struct series *
series_get(struct gw_metrics *m, size_t fam, const char *labels)
{
    uint64_t h = 1469598103934665603ull ^ fam;
    struct series *s;

    for (const char *p = labels; *p != '\0'; p++) {
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    }
    for (s = m->tab[h % TABLE]; s != NULL; s = s->next) {
        if (s->family == fam && strcmp(s->labels, labels) == 0) {
            return s;
        }
    }
    if (m->nseries >= 20000) {
        return NULL;
    }
    s = pcl_calloc(1, sizeof(*s));
    if (s == NULL) {
        return NULL;
    }
    s->labels = pcl_strdup(labels);
    if (s->labels == NULL) {
        pcl_free(s);
        return NULL;
    }
    s->family = fam;
    s->next = m->tab[h % TABLE];
    m->tab[h % TABLE] = s;
    m->nseries++;
    return s;
}

static void
update(struct gw_metrics *m, const char *name, const char *labels, double v, int op)
{
    size_t fam = family_of(name);
    struct series *s;

    if (m == NULL || fam == SIZE_MAX) {
        return;
    }
    (void)pthread_mutex_lock(&m->mu);
    s = series_get(m, fam, labels);
    if (s != NULL) {
        if (op == 0) {
            s->value += v;
        } else if (op == 1) {
            s->value = v;
        } else {
            s->value += v;
            s->count++;
            for (size_t i = 0; i < NB; i++) {
                if (v <= bounds[i]) {
                    s->buckets[i]++;
                }
            }
        }
    }
    (void)pthread_mutex_unlock(&m->mu);
}

void
pcl_gw_metric_add(struct gw_metrics *m, const char *name, const char *labels, double v)
{
    update(m, name, labels, v, 0);
}

void
pcl_gw_metric_set(struct gw_metrics *m, const char *name, const char *labels, double v)
{
    update(m, name, labels, v, 1);
}

void
pcl_gw_metric_observe(struct gw_metrics *m, const char *name, const char *labels, double seconds)
{
    update(m, name, labels, seconds, 2);
}

static enum pcl_rc
series_line(struct pcl_buf *out, const char *name, const char *sfx, const char *labels,
            const char *extra, double v)
{
    bool any = labels[0] != '\0' || extra[0] != '\0';

    return pcl_buf_appendf(out, "%s%s%s%s%s%s%s %.17g\n", name, sfx, any ? "{" : "", labels,
                           labels[0] != '\0' && extra[0] != '\0' ? "," : "", extra, any ? "}" : "",
                           v);
}

enum pcl_rc
pcl_gw_metrics_render(struct gw_metrics *m, struct pcl_buf *out)
{
    static const char *const types[] = {"counter", "gauge", "histogram"};
    enum pcl_rc rc = PCL_OK;

    (void)pthread_mutex_lock(&m->mu);
    for (size_t f = 0; f < PCL_ARRAY_LEN(families) && rc == PCL_OK; f++) {
        const struct family *fam = &families[f];

        rc = pcl_buf_appendf(out, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help, fam->name,
                             types[fam->kind]);
        for (size_t i = 0; i < TABLE && rc == PCL_OK; i++) {
            for (struct series *s = m->tab[i]; s != NULL && rc == PCL_OK; s = s->next) {
                if (s->family != f) {
                    continue;
                }
                if (fam->kind != HISTOGRAM) {
                    rc = series_line(out, fam->name, "", s->labels, "", s->value);
                    continue;
                }
                for (size_t b = 0; b < NB && rc == PCL_OK; b++) {
                    char le[32];

                    (void)snprintf(le, sizeof(le), "le=\"%g\"", bounds[b]);
                    rc = series_line(out, fam->name, "_bucket", s->labels, le,
                                     (double)s->buckets[b]);
                }
                if (rc == PCL_OK) {
                    rc = series_line(out, fam->name, "_bucket", s->labels, "le=\"+Inf\"",
                                     (double)s->count);
                }
                if (rc == PCL_OK) {
                    rc = series_line(out, fam->name, "_sum", s->labels, "", s->value);
                }
                if (rc == PCL_OK) {
                    rc = series_line(out, fam->name, "_count", s->labels, "", (double)s->count);
                }
            }
        }
    }
    (void)pthread_mutex_unlock(&m->mu);
    return rc;
}

void
pcl_gw_metric_label(char *out, size_t cap, const char *s)
{
    size_t o = 0;

    for (; *s != '\0' && o + 3 < cap; s++) {
        if (*s == '\\' || *s == '"') {
            out[o++] = '\\';
            out[o++] = *s;
        } else if (*s == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else {
            out[o++] = *s;
        }
    }
    out[o] = '\0';
}
