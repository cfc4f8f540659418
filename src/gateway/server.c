/* SPDX-License-Identifier: Apache-2.0 */
/* Process side of the gateway: listeners (one SO_REUSEPORT socket per worker), worker
 * threads, signals (SIGTERM/SIGINT drain, SIGHUP reload), the key cache and housekeeping. */
#include "server.h"
#include "jmem.h"

#include <event2/thread.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <portcullis/store.h>

/* ---- config swap -------------------------------------------------------------------- */

struct pcl_gw_config *
pcl_gw_current(struct pcl_gw *gw)
{
    struct pcl_gw_config *c;

    (void)pthread_mutex_lock(&gw->cfg_mu);
    c = pcl_gw_config_ref(gw->cfg);
    (void)pthread_mutex_unlock(&gw->cfg_mu);
    return c;
}

/* ---- logs --------------------------------------------------------------------------- */

void
pcl_gw_log_access(struct pcl_gw *gw, const char *line, size_t n)
{
    if (gw->access_log == NULL) {
        return;
    }
    (void)pthread_mutex_lock(&gw->log_mu);
    (void)fwrite(line, 1, n, gw->access_log);
    (void)fflush(gw->access_log);
    (void)pthread_mutex_unlock(&gw->log_mu);
}

void
pcl_gw_audit(struct pcl_gw *gw, const char *kind, const char *json, size_t n)
{
    char labels[64];

    (void)snprintf(labels, sizeof(labels), "kind=\"%s\"", kind);
    pcl_gw_metric_add(gw->metrics, "portcullis_audit_events_total", labels, 1);
    if (gw->opts.audit != NULL) {
        gw->opts.audit(gw->opts.audit_ctx, kind, json, n);
        return;
    }
    if (gw->audit == NULL) {
        return;
    }
    (void)pthread_mutex_lock(&gw->log_mu);
    (void)fwrite(json, 1, n, gw->audit);
    (void)fflush(gw->audit);
    (void)pthread_mutex_unlock(&gw->log_mu);
}

enum pcl_rc
pcl_gw_audit_log(struct pcl_gw *gw, const char *kind, const char *json, size_t n,
                 pcl_audit_done_fn *done, void *arg, struct pcl_err *err)
{
    char labels[96];
    enum pcl_rc rc;

    if (gw->alog == NULL) {
        return pcl_err_set(err, PCL_ENOTFOUND, "gateway: no audit log configured");
    }
    rc = pcl_audit_append_async(gw->alog, kind, json, n, NULL, done, arg, err);
    (void)snprintf(labels, sizeof(labels), "kind=\"%s\",result=\"%s\"", kind,
                   rc == PCL_OK       ? "queued"
                   : rc == PCL_ELIMIT ? "rejected"
                                      : "failed");
    pcl_gw_metric_add(gw->metrics, "portcullis_audit_log_appends_total", labels, 1);
    return rc;
}

static void
governance(struct pcl_gw *gw, const char *event, const char *detail)
{
    if (gw->alog != NULL) {
        struct pcl_audit_governance g = {.time_ms = (int64_t)time(NULL) * 1000,
                                         .action = event,
                                         .actor = "gateway",
                                         .target = gw->opts.config_path,
                                         .detail = detail};
        struct pcl_buf ev;
        struct pcl_err err;

        pcl_buf_init(&ev, 1u << 16);
        if (pcl_audit_governance_json(&g, &ev) != PCL_OK ||
            pcl_gw_audit_log(gw, "governance", ev.ptr, ev.len, NULL, NULL, &err) != PCL_OK) {
            (void)fprintf(stderr, "portcullis: serve: warning: audit log: %s event not logged\n",
                          event);
        }
        pcl_buf_fini(&ev);
    }
    struct pcl_buf b;
    struct pcl_jw w;

    pcl_buf_init(&b, 4096);
    pcl_jw_init(&w, &b);
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, "detail");
    pcl_jw_cstr(&w, detail);
    pcl_jw_key(&w, "event");
    pcl_jw_cstr(&w, event);
    pcl_jw_key(&w, "kind");
    pcl_jw_cstr(&w, "governance");
    pcl_jw_key(&w, "time");
    pcl_jw_int(&w, (int64_t)time(NULL));
    pcl_jw_obj_end(&w);
    if (pcl_jw_rc(&w) == PCL_OK) {
        pcl_gw_audit(gw, "governance", b.ptr, b.len);
    }
    pcl_buf_fini(&b);
}

static FILE *
open_log(const char *path, bool *own, struct pcl_err *err, const char *what)
{
    FILE *f;

    *own = false;
    if (path == NULL) {
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        return stderr;
    }
    f = fopen(path, "ae");
    if (f == NULL) {
        (void)pcl_err_set(err, PCL_EIO, "gateway: %s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    *own = true;
    return f;
}

/* ---- key cache ---------------------------------------------------------------------- */

struct key_load {
    struct gw_key *v;
    size_t n, cap;
    bool oom;
};

static int
key_collect(void *ctx, const struct pcl_key_info *k)
{
    struct key_load *l = ctx;
    struct gw_key *e;

    if (l->n == l->cap) {
        size_t cap = l->cap > 0 ? l->cap * 2 : 64;
        struct gw_key *v = pcl_realloc(l->v, cap * sizeof(*v));

        if (v == NULL) {
            l->oom = true;
            return 1;
        }
        l->v = v;
        l->cap = cap;
    }
    e = &l->v[l->n];
    memset(e, 0, sizeof(*e));
    memcpy(e->hash, k->hash, sizeof(e->hash));
    e->info = *k;
    /* take the strings: the list callback's record is finalised by the caller */
    e->info.name = k->name != NULL ? pcl_strdup(k->name) : NULL;
    e->info.routes = k->routes != NULL ? pcl_strdup(k->routes) : NULL;
    e->info.models = k->models != NULL ? pcl_strdup(k->models) : NULL;
    e->info.policy = k->policy != NULL ? pcl_strdup(k->policy) : NULL;
    e->info.period = k->period != NULL ? pcl_strdup(k->period) : NULL;
    e->info.rotated_from = NULL;
    l->n++;
    if ((k->name != NULL && e->info.name == NULL) ||
        (k->routes != NULL && e->info.routes == NULL) ||
        (k->models != NULL && e->info.models == NULL) ||
        (k->policy != NULL && e->info.policy == NULL) ||
        (k->period != NULL && e->info.period == NULL)) {
        l->oom = true;
        return 1;
    }
    return 0;
}

static int
key_cmp(const void *a, const void *b)
{
    return memcmp(((const struct gw_key *)a)->hash, ((const struct gw_key *)b)->hash, 32);
}

static void
keys_free(struct gw_key *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pcl_key_info_fini(&v[i].info);
    }
    pcl_free(v);
}

/* Reload the cache when the store's generation moved (or force). */
static enum pcl_rc
keys_refresh(struct pcl_gw *gw, bool force, struct pcl_err *err)
{
    struct key_load l = {0};
    int64_t gen = 0;
    enum pcl_rc rc;
    struct gw_key *old;
    size_t nold;

    rc = pcl_keystore_generation(gw->ks, &gen, err);
    if (rc != PCL_OK || (!force && gen == gw->keys.gen)) {
        return rc;
    }
    rc = pcl_keystore_list(gw->ks, false, key_collect, &l, err);
    if (rc == PCL_OK && l.oom) {
        rc = pcl_err_set(err, PCL_ENOMEM, "gateway: out of memory loading keys");
    }
    if (rc != PCL_OK) {
        keys_free(l.v, l.n);
        return rc;
    }
    qsort(l.v, l.n, sizeof(*l.v), key_cmp);
    (void)pthread_rwlock_wrlock(&gw->keys.lock);
    old = gw->keys.keys;
    nold = gw->keys.nkeys;
    gw->keys.keys = l.v;
    gw->keys.nkeys = l.n;
    gw->keys.gen = gen;
    (void)pthread_rwlock_unlock(&gw->keys.lock);
    keys_free(old, nold);
    return PCL_OK;
}

static char *
arena_copy(struct pcl_arena *a, const char *s)
{
    return s != NULL ? pcl_arena_strndup(a, s, strlen(s)) : NULL;
}

bool
pcl_gw_key_find(struct pcl_gw *gw, const char *key, size_t n, struct pcl_arena *a,
                struct gw_principal *out)
{
    struct gw_key probe;
    const struct gw_key *k;
    int64_t now = (int64_t)time(NULL);
    bool ok = false;

    if (!pcl_apikey_is_wellformed(key, n)) {
        return false;
    }
    (void)crypto_hash_sha256(probe.hash, (const unsigned char *)key, n);
    (void)pthread_rwlock_rdlock(&gw->keys.lock);
    k = gw->keys.nkeys > 0 ? bsearch(&probe, gw->keys.keys, gw->keys.nkeys, sizeof(probe), key_cmp)
                           : NULL;
    if (k != NULL && (k->info.revoked == 0 || k->info.revoked > now) &&
        (k->info.expires == 0 || k->info.expires > now)) {
        memset(out, 0, sizeof(*out));
        memcpy(out->id, k->info.id, sizeof(out->id));
        out->name = arena_copy(a, k->info.name);
        out->routes = arena_copy(a, k->info.routes);
        out->models = arena_copy(a, k->info.models);
        out->policy = arena_copy(a, k->info.policy);
        out->max_tokens = k->info.max_tokens;
        out->budget = k->info.budget;
        out->limit.rpm = k->info.rpm;
        out->limit.tpm = k->info.tpm;
        out->limit.concurrent = k->info.concurrent;
        (void)snprintf(out->period, sizeof(out->period), "%s",
                       k->info.period != NULL ? k->info.period : "");
        ok = true;
    }
    (void)pthread_rwlock_unlock(&gw->keys.lock);
    return ok;
}

/* ---- budgets: persisted by the housekeeping tick -------------------------------------- */

struct flush_ctx {
    struct pcl_gw *gw;
    struct pcl_stmt *st;
};

static void
budget_flush_one(void *ctx, const char *id, int64_t period_start, int64_t total)
{
    struct flush_ctx *f = ctx;
    struct pcl_err err;
    bool row;

    if (f->st == NULL) {
        return;
    }
    if (pcl_stmt_bind_text(f->st, 1, id, strlen(id), &err) != PCL_OK ||
        pcl_stmt_bind_int(f->st, 2, period_start, &err) != PCL_OK ||
        pcl_stmt_bind_int(f->st, 3, total, &err) != PCL_OK ||
        pcl_stmt_step(f->st, &row, &err) != PCL_OK) {
        (void)fprintf(stderr, "portcullis: serve: warning: saving usage: %s\n", err.msg);
    }
    pcl_stmt_reset(f->st);
}

/* Seed the limiter with usage saved by earlier runs, so a restart does not reset budgets. */
static void
budget_seed(struct pcl_gw *gw, struct pcl_store *store)
{
    struct pcl_stmt *st = NULL;
    struct pcl_err err;
    bool row = true;

    if (pcl_stmt_new(store,
                     "SELECT key_id, period_start, tokens FROM pcl_usage WHERE period_start >= ?",
                     &st, &err) != PCL_OK ||
        pcl_stmt_bind_int(st, 1, pcl_gw_period_start("month", (int64_t)time(NULL)), &err) !=
            PCL_OK) {
        pcl_stmt_free(st);
        return;
    }
    while (pcl_stmt_step(st, &row, &err) == PCL_OK && row) {
        struct pcl_str id = pcl_stmt_text(st, 0);

        (void)gw->lim->ops->budget_add(gw->lim, id.ptr, pcl_stmt_int(st, 1), pcl_stmt_int(st, 2));
    }
    pcl_stmt_free(st);
}

/* ---- listeners and workers ---------------------------------------------------------- */

static enum pcl_rc
listen_socket(const char *host, int port, evutil_socket_t *out, int *bound, struct pcl_err *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char ports[8];
    int fd = -1, one = 1, gai;
    struct sockaddr_storage ss;
    socklen_t slen = sizeof(ss);

    (void)snprintf(ports, sizeof(ports), "%d", port);
    gai = getaddrinfo(host[0] != '\0' ? host : NULL, ports, &hints, &res);
    if (gai != 0) {
        return pcl_err_set(err, PCL_EINVAL, "gateway: listen %s:%d: %s", host, port,
                           gai_strerror(gai));
    }
    fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) == -1 ||
        /* accepted sockets inherit it: a streamed event (or the end of a stream) must not
         * wait for the ACK of the previous write (Nagle), which with delayed ACKs stalls
         * streams for tens of milliseconds */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1 ||
        bind(fd, res->ai_addr, res->ai_addrlen) == -1 || listen(fd, 1024) == -1 ||
        getsockname(fd, (struct sockaddr *)&ss, &slen) == -1) {
        enum pcl_rc rc =
            pcl_err_set(err, PCL_EIO, "gateway: listen %s:%d: %s", host, port, strerror(errno));

        if (fd != -1) {
            (void)close(fd);
        }
        freeaddrinfo(res);
        return rc;
    }
    freeaddrinfo(res);
    *bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                            : ((struct sockaddr_in *)&ss)->sin_port);
    *out = fd;
    return PCL_OK;
}

/* A request the HTTP layer refused (http.h), counted like the handler's own refusals. */
static void
http_refused(const char *kind, void *arg)
{
    struct gw_worker *w = arg;
    char labels[64];

    (void)pcl_strjoin(labels, sizeof(labels), (const char *const[]){"reason=\"", kind, "\"", NULL});
    pcl_gw_metric_add(w->gw->metrics, "portcullis_bad_requests_total", labels, 1);
}

static enum pcl_rc
worker_init(struct pcl_gw *gw, struct gw_worker *w, const struct pcl_gw_config *c,
            struct pcl_err *err)
{
    struct gw_http_opts ho = {.max_header = c->max_header,
                              .max_body = c->max_body,
                              .timeout_ms = c->read_timeout_ms,
                              .ssl_ctx = c->ssl_ctx,
                              .handler = pcl_gw_handle,
                              .refused = http_refused,
                              .arg = w};
    enum pcl_rc rc;
    int bound = 0;

    w->gw = gw;
    w->fd = -1;
    {
        /* Batch epoll_ctl changes per loop iteration: evhttp (upstream side) adds and removes
         * write interest around every request, which would otherwise cost two syscalls. */
        struct event_config *ec = event_config_new();

        if (ec != NULL) {
            (void)event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
            w->base = event_base_new_with_config(ec);
            event_config_free(ec);
        }
    }
    if (w->base == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "gateway: cannot create an event loop");
    }
    w->dns = evdns_base_new(w->base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
    rc = listen_socket(c->listen_host, gw->port != 0 ? gw->port : c->listen_port, &w->fd, &bound,
                       err);
    if (rc != PCL_OK) {
        return rc;
    }
    gw->port = bound;
    w->http = gw_http_server_new(w->base, w->fd, &ho);
    w->fd = -1; /* the server owns it now */
    if (w->http == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "gateway: cannot create an HTTP server");
    }
    return PCL_OK;
}

static void *
worker_main(void *arg)
{
    struct gw_worker *w = arg;

    (void)event_base_dispatch(w->base);
    return NULL;
}

/* ---- housekeeping and signals (main thread) ---------------------------------------- */

static void
housekeeping(evutil_socket_t fd, short what, void *arg)
{
    struct pcl_gw *gw = arg;
    struct pcl_err err;
    struct flush_ctx f = {.gw = gw};

    (void)fd;
    (void)what;
    if (keys_refresh(gw, false, &err) != PCL_OK) {
        (void)fprintf(stderr, "portcullis: serve: warning: reloading keys: %s\n", err.msg);
    }
    if (pcl_stmt_new(pcl_keystore_store(gw->ks),
                     "INSERT INTO pcl_usage(key_id, period_start, tokens) VALUES (?, ?, ?)"
                     " ON CONFLICT(key_id, period_start) DO UPDATE SET tokens = excluded.tokens",
                     &f.st, &err) == PCL_OK) {
        pcl_gw_limiter_memory_flush(gw->lim, budget_flush_one, &f);
        pcl_stmt_free(f.st);
    }
    gw->lim->ops->sweep(gw->lim, pcl_gw_now_us() - 120000000u);
    pcl_gw_metric_set(gw->metrics, "portcullis_inflight_requests", "",
                      (double)atomic_load(&gw->inflight));
}

static void
reload(struct pcl_gw *gw)
{
    struct pcl_gw_config *c = NULL, *old;
    struct pcl_err err;

    if (pcl_gw_config_load(gw->opts.config_path, gw->opts.cache_dir, &c, &err) != PCL_OK) {
        (void)fprintf(stderr, "portcullis: serve: reload failed, keeping the running config: %s\n",
                      err.msg);
        pcl_gw_metric_add(gw->metrics, "portcullis_config_reloads_total", "result=\"error\"", 1);
        governance(gw, "config_reload_failed", err.msg);
        return;
    }
    if (strcmp(c->listen_host, gw->cfg->listen_host) != 0 ||
        (c->listen_port != gw->cfg->listen_port && c->listen_port != 0)) {
        (void)fprintf(stderr, "portcullis: serve: warning: a new listen address takes a restart; "
                              "still on the old one\n");
    }
    (void)pthread_mutex_lock(&gw->cfg_mu);
    old = gw->cfg;
    gw->cfg = c;
    (void)pthread_mutex_unlock(&gw->cfg_mu);
    atomic_fetch_add(&gw->gen, 1);
    pcl_gw_config_unref(old);
    if (keys_refresh(gw, true, &err) != PCL_OK) {
        (void)fprintf(stderr, "portcullis: serve: warning: reloading keys: %s\n", err.msg);
    }
    (void)fprintf(stderr, "portcullis: serve: configuration reloaded from %s\n",
                  gw->opts.config_path);
    pcl_gw_metric_add(gw->metrics, "portcullis_config_reloads_total", "result=\"ok\"", 1);
    governance(gw, "config_reload", gw->opts.config_path);
}

static void
stop_accepting(evutil_socket_t fd, short what, void *arg)
{
    struct gw_worker *w = arg;

    (void)fd;
    (void)what;
    /* Closing the listener stops new connections; open ones finish their requests, idle
     * keep-alive connections close now. */
    gw_http_server_drain(w->http);
}

struct drain {
    struct pcl_gw *gw;
    uint64_t deadline;
    struct event *ev;
};

static void
drain_tick(evutil_socket_t fd, short what, void *arg)
{
    struct drain *d = arg;

    (void)fd;
    (void)what;
    if (atomic_load(&d->gw->inflight) > 0 && pcl_gw_now_us() < d->deadline) {
        return;
    }
    if (atomic_load(&d->gw->inflight) > 0) {
        (void)fprintf(stderr, "portcullis: serve: drain timeout with %ld requests in flight\n",
                      (long)atomic_load(&d->gw->inflight));
    }
    for (unsigned i = 0; i < d->gw->nworkers; i++) {
        (void)event_base_loopexit(d->gw->workers[i].base, NULL);
    }
    (void)event_base_loopexit(d->gw->base, NULL);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct pcl_gw *gw = arg;
    static struct drain d;
    struct timeval zero = {0, 0}, tick = {0, 50000};

    (void)what;
    if (sig == SIGHUP) {
        reload(gw);
        return;
    }
    if (atomic_exchange(&gw->draining, true)) {
        return;
    }
    (void)fprintf(stderr, "portcullis: serve: draining (%ld in flight)\n",
                  (long)atomic_load(&gw->inflight));
    governance(gw, "shutdown", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    for (unsigned i = 0; i < gw->nworkers; i++) {
        (void)event_base_once(gw->workers[i].base, -1, EV_TIMEOUT, stop_accepting, &gw->workers[i],
                              &zero);
    }
    d.gw = gw;
    d.deadline = pcl_gw_now_us() + (uint64_t)gw->cfg->drain_ms * 1000u;
    d.ev = event_new(gw->base, -1, EV_PERSIST, drain_tick, &d);
    if (d.ev != NULL) {
        (void)event_add(d.ev, &tick);
    }
}

/* ---- the tamper-evident log ---------------------------------------------------------- */

static enum pcl_rc
audit_open(struct pcl_gw *gw, const struct pcl_gw_config *cfg, struct pcl_err *err)
{
    struct pcl_audit_opts o;
    enum pcl_rc rc;

    if (cfg->audit_log == NULL) {
        return PCL_OK;
    }
    rc = pcl_note_signer_load(cfg->audit_key_file, "PORTCULLIS_AUDIT_KEY", &gw->signer, err);
    if (rc == PCL_ENOTFOUND) {
        return pcl_err_set(err, PCL_EINVAL,
                           "gateway: audit.log needs a signing key: audit.signer_key_file or "
                           "PORTCULLIS_AUDIT_KEY (portcullis audit keygen)");
    }
    if (rc != PCL_OK) {
        return rc;
    }
    pcl_audit_opts_init(&o);
    o.on_full = cfg->audit_fail_closed ? PCL_AUDIT_FAIL : PCL_AUDIT_BLOCK;
    o.checkpoint_ms = cfg->audit_checkpoint_ms;
    gw->audit_fail_closed = cfg->audit_fail_closed;
    return pcl_audit_log_open(cfg->audit_log, gw->signer, &o, &gw->alog, err);
}

/* ---- lifecycle ---------------------------------------------------------------------- */

enum pcl_rc
pcl_gw_new(const struct pcl_gw_opts *opts, struct pcl_gw_config *cfg, struct pcl_gw **out,
           struct pcl_err *err)
{
    struct pcl_gw *gw;
    enum pcl_rc rc = PCL_OK;

    *out = NULL;
    /* request JSON in request arenas (jmem.h); the heap everywhere else */
    pcl_gw_jmem_install();
    gw = pcl_calloc(1, sizeof(*gw));
    if (gw == NULL) {
        pcl_gw_config_unref(cfg);
        return pcl_err_set(err, PCL_ENOMEM, "gateway: out of memory");
    }
    gw->opts = *opts;
    gw->cfg = cfg;
    (void)pthread_mutex_init(&gw->cfg_mu, NULL);
    (void)pthread_mutex_init(&gw->log_mu, NULL);
    (void)pthread_rwlock_init(&gw->keys.lock, NULL);
    gw->keys.gen = -1;
    atomic_init(&gw->gen, 1);
    atomic_init(&gw->inflight, 0);
    atomic_init(&gw->draining, false);
    if (evthread_use_pthreads() != 0) {
        rc = pcl_err_set(err, PCL_EINTERNAL, "gateway: libevent without thread support");
        goto out;
    }
    gw->metrics = pcl_gw_metrics_new();
    gw->lim = pcl_gw_limiter_memory_new();
    gw->base = event_base_new();
    if (gw->metrics == NULL || gw->lim == NULL || gw->base == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "gateway: out of memory");
        goto out;
    }
    rc = pcl_keystore_open(cfg->store, &gw->ks, err);
    if (rc == PCL_OK) {
        rc = keys_refresh(gw, true, err);
    }
    if (rc != PCL_OK) {
        goto out;
    }
    budget_seed(gw, pcl_keystore_store(gw->ks));
    gw->access_log = open_log(cfg->access_log, &gw->own_access_log, err, "access_log");
    if (cfg->access_log != NULL && gw->access_log == NULL) {
        rc = PCL_EIO;
        goto out;
    }
    gw->audit = open_log(cfg->audit_path, &gw->own_audit, err, "audit.path");
    if (cfg->audit_path != NULL && gw->audit == NULL) {
        rc = PCL_EIO;
        goto out;
    }
    rc = audit_open(gw, cfg, err);
    if (rc != PCL_OK) {
        goto out;
    }
    gw->workers = pcl_calloc(cfg->workers, sizeof(*gw->workers));
    if (gw->workers == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "gateway: out of memory");
        goto out;
    }
    for (unsigned i = 0; i < cfg->workers && rc == PCL_OK; i++) {
        gw->workers[i].idx = i;
        gw->nworkers++;
        rc = worker_init(gw, &gw->workers[i], cfg, err);
    }
    if (rc == PCL_OK && opts->port_file != NULL) {
        FILE *f = fopen(opts->port_file, "we");

        if (f == NULL || fprintf(f, "%d\n", gw->port) < 0 || fclose(f) != 0) {
            rc = pcl_err_set(err, PCL_EIO, "gateway: %s: cannot write the port", opts->port_file);
        }
    }
out:
    if (rc != PCL_OK) {
        pcl_gw_free(gw);
        return rc;
    }
    *out = gw;
    return PCL_OK;
}

enum pcl_rc
pcl_gw_run(struct pcl_gw *gw, struct pcl_err *err)
{
    struct event *sigs[3] = {NULL, NULL, NULL};
    static const int signos[3] = {SIGTERM, SIGINT, SIGHUP};
    struct event *tick;
    struct timeval one = {1, 0};
    sigset_t block, prev;
    enum pcl_rc rc = PCL_OK;
    unsigned started = 0;

    (void)signal(SIGPIPE, SIG_IGN);
    /* Workers never see the signals: the main loop handles them. */
    (void)sigemptyset(&block);
    for (size_t i = 0; i < 3; i++) {
        (void)sigaddset(&block, signos[i]);
    }
    (void)pthread_sigmask(SIG_BLOCK, &block, &prev);
    for (unsigned i = 0; i < gw->nworkers; i++) {
        if (pthread_create(&gw->workers[i].thread, NULL, worker_main, &gw->workers[i]) != 0) {
            rc = pcl_err_set(err, PCL_EIO, "gateway: cannot start worker threads");
            break;
        }
        started++;
    }
    (void)pthread_sigmask(SIG_SETMASK, &prev, NULL);
    for (size_t i = 0; i < 3; i++) {
        sigs[i] = evsignal_new(gw->base, signos[i], on_signal, gw);
        if (sigs[i] != NULL) {
            (void)event_add(sigs[i], NULL);
        }
    }
    tick = event_new(gw->base, -1, EV_PERSIST, housekeeping, gw);
    if (tick != NULL) {
        (void)event_add(tick, &one);
    }
    governance(gw, "start", gw->opts.config_path);
    if (rc == PCL_OK) {
        (void)event_base_dispatch(gw->base);
    } else {
        for (unsigned i = 0; i < started; i++) {
            (void)event_base_loopexit(gw->workers[i].base, NULL);
        }
    }
    for (unsigned i = 0; i < started; i++) {
        (void)pthread_join(gw->workers[i].thread, NULL);
    }
    housekeeping(-1, 0, gw); /* last budget flush */
    for (size_t i = 0; i < 3; i++) {
        if (sigs[i] != NULL) {
            event_free(sigs[i]);
        }
    }
    if (tick != NULL) {
        event_free(tick);
    }
    return rc;
}

void
pcl_gw_free(struct pcl_gw *gw)
{
    if (gw == NULL) {
        return;
    }
    for (unsigned i = 0; i < gw->nworkers; i++) {
        struct gw_worker *w = &gw->workers[i];

        /* requests still in flight (drain timeout) are told their client is gone while the
         * worker's pools still exist */
        gw_http_server_free(w->http);
        w->http = NULL;
        pcl_gw_worker_drop(w);
        if (w->dns != NULL) {
            evdns_base_free(w->dns, 0);
        }
        if (w->base != NULL) {
            event_base_free(w->base);
        }
        pcl_gw_worker_spares_free(w);
    }
    pcl_free(gw->workers);
    pcl_gw_config_unref(gw->cfg);
    keys_free(gw->keys.keys, gw->keys.nkeys);
    pcl_keystore_free(gw->ks);
    if (gw->lim != NULL) {
        gw->lim->ops->free(gw->lim);
    }
    pcl_audit_log_free(gw->alog); /* drains the queue, signs a last checkpoint */
    pcl_note_signer_free(gw->signer);
    pcl_gw_metrics_free(gw->metrics);
    if (gw->own_access_log) {
        (void)fclose(gw->access_log);
    }
    if (gw->own_audit) {
        (void)fclose(gw->audit);
    }
    if (gw->base != NULL) {
        event_base_free(gw->base);
    }
    (void)pthread_mutex_destroy(&gw->cfg_mu);
    (void)pthread_mutex_destroy(&gw->log_mu);
    (void)pthread_rwlock_destroy(&gw->keys.lock);
    pcl_free(gw);
}
