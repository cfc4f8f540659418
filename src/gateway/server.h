/* SPDX-License-Identifier: Apache-2.0 */
/* The running gateway: process-wide state (config swap, key cache, limiter, metrics, logs)
 * and the per-worker event loops. */
#ifndef PCL_GATEWAY_SERVER_H
#define PCL_GATEWAY_SERVER_H

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <pthread.h>

#include <portcullis/audit.h>

#include "gw.h"
#include "http.h"
#include "inspect.h"
#include "metrics.h"
#include "ratelimit.h"

/* A key as the server sees it: the stored facts plus the hash it is found by. */
struct gw_key {
    uint8_t hash[32];
    struct pcl_key_info info;
};

struct gw_keycache {
    pthread_rwlock_t lock;
    struct gw_key *keys; /* array of nkeys, sorted by hash */
    size_t nkeys;
    int64_t gen;
};

/* Idle keep-alive connections to one upstream. */
struct gw_pool {
    struct evhttp_connection **idle; /* array of nidle, capacity cap */
    size_t nidle, cap;
};

struct gw_req;

/* Finished request states a worker keeps for the next requests (with their arenas' first
 * chunks), so a request costs no large calloc. */
#define GW_SPARE_REQS 64

struct gw_worker {
    struct pcl_gw *gw;
    unsigned idx;
    pthread_t thread;
    struct event_base *base;
    struct gw_http_server *http; /* the client-facing server (http.h) */
    struct evdns_base *dns;
    evutil_socket_t fd;
    uint64_t gen;                     /* config generation in use */
    uint64_t rid_prefix, rid_counter; /* request ids: random prefix + counter */
    struct pcl_gw_config *cfg;        /* ref held */
    struct gw_inspector *in;          /* for cfg */
    struct gw_pool *pools;            /* one per cfg->ups */
    size_t npools;
    struct gw_req *spare[GW_SPARE_REQS]; /* recycled request states, nspare of them (proxy.c) */
    size_t nspare;
    struct pcl_buf splice[3]; /* SSE splice scratch (proxy.c), kept between events */
    bool splice_ready;
};

struct pcl_gw {
    struct pcl_gw_opts opts;
    pthread_mutex_t cfg_mu;
    struct pcl_gw_config *cfg; /* current (ref held); guarded by cfg_mu */
    atomic_uint_fast64_t gen;
    struct gw_worker *workers; /* array of nworkers */
    unsigned nworkers;
    struct event_base *base; /* main thread: signals, housekeeping */
    struct pcl_keystore *ks;
    struct gw_keycache keys;
    struct gw_limiter *lim;
    struct gw_metrics *metrics;
    pthread_mutex_t log_mu;
    FILE *access_log, *audit;
    bool own_access_log, own_audit;
    struct pcl_audit_log *alog;     /* tamper-evident log; NULL = off */
    struct pcl_note_signer *signer; /* its checkpoint key */
    bool audit_fail_closed;
    atomic_bool draining;
    atomic_long inflight;
    int port;
};

/* Take a reference to the current config (for reloads racing with requests). */
struct pcl_gw_config *pcl_gw_current(struct pcl_gw *gw);
/* The caller behind a key, copied for one request. */
struct gw_principal {
    char id[PCL_APIKEY_ID_LEN + 1];
    char *name, *routes, *models, *policy; /* arena copies; NULL = not set */
    int64_t max_tokens, budget;
    struct gw_limit limit;
    char period[8];
};
/* Find the key for a presented secret (checksum, then hash lookup in the cache); false when
 * unknown, revoked or expired. Strings are copied into arena a. */
bool pcl_gw_key_find(struct pcl_gw *gw, const char *key, size_t n, struct pcl_arena *a,
                     struct gw_principal *out);

/* The request handler (proxy.c). */
void pcl_gw_handle(struct gw_http_req *req, void *arg);
/* Bring the worker's per-config state up to date (inspector, pools). */
enum pcl_rc pcl_gw_worker_sync(struct gw_worker *w, struct pcl_err *err);
void pcl_gw_worker_drop(struct gw_worker *w);
/* Free the worker's recycled request states; after its loop and HTTP server are gone. */
void pcl_gw_worker_spares_free(struct gw_worker *w); /* and the splice scratch */

/* Write one line to the access log / audit sink. */
void pcl_gw_log_access(struct pcl_gw *gw, const char *line, size_t n);
void pcl_gw_audit(struct pcl_gw *gw, const char *kind, const char *json, size_t n);
/* Queue a canonical event in the tamper-evident log (when configured), counting the result in
 * portcullis_audit_events_total. done (may be NULL) runs on the log's writer thread once the
 * entry is durable. Returns PCL_ELIMIT when the queue is full under on_full: fail. */
enum pcl_rc pcl_gw_audit_log(struct pcl_gw *gw, const char *kind, const char *json, size_t n,
                             pcl_audit_done_fn *done, void *arg, struct pcl_err *err);

#endif
