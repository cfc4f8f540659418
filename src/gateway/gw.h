/* SPDX-License-Identifier: Apache-2.0 */
/* Shared types of the gateway module: the loaded configuration and the helpers the server,
 * the inspector and the limiter have in common. Nothing here depends on libevent. */
#ifndef PCL_GATEWAY_GW_H
#define PCL_GATEWAY_GW_H

#include <portcullis/detect.h>
#include <portcullis/gateway.h>
#include <portcullis/inject.h>
#include <portcullis/protect.h>

#include <stdatomic.h>

#include "common.h"

/* What a policy does with a finding. Ordered: the strongest action of all findings wins. */
enum gw_action {
    GW_ALLOW = 0,
    GW_ALERT = 1,  /* pass, but count and audit */
    GW_REDACT = 2, /* replace the value (request: before forwarding; response: before sending) */
    GW_BLOCK = 3,  /* refuse the request / stop the response */
};

/* The APIs a route speaks. */
enum gw_api {
    GW_API_CHAT = 0,
    GW_API_COMPLETIONS,
    GW_API_EMBEDDINGS,
    GW_API_RESPONSES,
    GW_API_MODELS,
    GW_API_JSON, /* generic JSON: the route names the text fields */
};
#define GW_API_COUNT 6

enum gw_unknown_fields {
    GW_UNKNOWN_STRIP = 0,
    GW_UNKNOWN_REJECT,
    GW_UNKNOWN_PASS,
};

/* A type-specific action overriding the category table. */
struct gw_type_action {
    char *type;
    enum gw_action action;
    size_t line; /* of its key in the config file, for the unknown-type check */
};

struct gw_direction {
    enum gw_action by_cat[6];     /* indexed by category bit position */
    struct gw_type_action *types; /* array of ntypes */
    size_t ntypes;
};

/* Prompt-injection screening of request text (src/detect/inject.c). */
enum gw_inject_mode {
    GW_INJECT_OFF = 0,
    GW_INJECT_FLAG,  /* count, log and audit; a block verdict is only flagged */
    GW_INJECT_BLOCK, /* block verdicts refuse the request; flag verdicts are flagged */
};

struct gw_policy {
    char *name;
    enum gw_inject_mode inject;
    double inject_flag, inject_block; /* model thresholds; 0 = the detector's */
    bool inject_document;             /* screen as a document/tool result, not a user turn */
    bool canary;                      /* add a canary to the system prompt, watch answers */
    struct gw_direction request, response;
    bool fail_open;        /* a detector error lets the text through (default: fail closed) */
    enum pcl_op redact_op; /* how redact replaces values (mask/tag/hash) */
    enum gw_unknown_fields unknown_fields;
    int64_t max_tokens;  /* cap on max_tokens (0 = none) */
    size_t max_messages; /* 0 = 2048 */
    size_t max_text;     /* bytes per text field; 0 = 1 MiB */
    char **models;       /* allowlist globs, NULL-terminated; NULL = any */
};

struct gw_upstream {
    char *name;
    char *url;
    bool tls;
    char *host;
    int port;
    char *base_path;   /* "" or "/prefix" without a trailing slash */
    char *api_key;     /* injected as Authorization: Bearer; NULL = none */
    char *auth_header; /* header name for the key; default "Authorization" (Bearer) */
    char *ca_file, *client_cert, *client_key;
    bool verify;
    unsigned read_ms, total_ms; /* read_ms also bounds connecting (libevent 2.1) */
    unsigned pool;              /* idle keep-alive connections kept per worker */
    void *ssl_ctx;              /* SSL_CTX *, when tls */
};

struct gw_route {
    char *path; /* may hold {param} segments */
    enum gw_api api;
    struct gw_upstream *up;   /* borrowed from the config */
    char *up_path;            /* path on the upstream; NULL = same as the request */
    struct gw_policy *policy; /* borrowed */
    char **req_fields;        /* generic JSON: paths to inspect, NULL-terminated */
    char **resp_fields;
};

struct gw_limit {
    int64_t rpm, tpm, concurrent;
};

struct pcl_gw_config {
    char *path;
    char *listen_host;
    int listen_port;
    unsigned workers;
    char *tls_cert, *tls_key;
    void *ssl_ctx; /* SSL_CTX * for termination */
    size_t max_body, max_header;
    unsigned read_timeout_ms, drain_ms;
    size_t holdback; /* bytes of streamed text held back for cross-chunk findings */
    char *store;
    char *access_log;             /* path, "-" = stderr, NULL = off */
    char *audit_path;             /* JSON lines; NULL = off */
    char *audit_log;              /* tamper-evident log (store URL); NULL = off */
    char *audit_key_file;         /* checkpoint signing key; NULL = $PORTCULLIS_AUDIT_KEY */
    bool audit_fail_closed;       /* a full audit queue refuses requests (503) */
    unsigned audit_checkpoint_ms; /* checkpoint period */
    bool metrics;                 /* serve /metrics */
    struct gw_limit per_ip, per_key;
    int64_t default_output_tokens; /* estimate when max_tokens is absent */
    struct gw_upstream *ups;       /* array of nups */
    size_t nups;
    struct gw_route *routes; /* array of nroutes, in match order */
    size_t nroutes;
    struct gw_policy *policies; /* array of npolicies */
    size_t npolicies;
    struct pcl_engine_opts *engine_opts;
    struct pcl_engine *engine;
    char *inject_data;         /* injection signatures + model directory */
    struct pcl_inject *inject; /* compiled when a policy screens for injection; NULL else */
    atomic_int refs;
};

/* Reference counting lets a reload swap the config while requests still use the old one. */
struct pcl_gw_config *pcl_gw_config_ref(struct pcl_gw_config *c);
void pcl_gw_config_unref(struct pcl_gw_config *c);
struct gw_policy *pcl_gw_policy_find(const struct pcl_gw_config *c, const char *name);

/* Glob match with '*' (any run) over s[0..n). */
bool pcl_gw_glob(const char *pat, const char *s, size_t n);
/* True when s matches any glob in a comma-separated list (NULL or "" = "*"). */
bool pcl_gw_glob_list(const char *list, const char *s, size_t n);

const char *pcl_gw_api_name(enum gw_api api);
const char *pcl_gw_action_name(enum gw_action a);

/* Action for a finding of (type, categories) in one direction. */
enum gw_action pcl_gw_direction_action(const struct gw_direction *d, const char *type,
                                       uint32_t categories);

/* The store behind a key store (the gateway persists usage next to the keys). Borrowed. */
struct pcl_store *pcl_keystore_store(struct pcl_keystore *ks);

/* Monotonic clock in microseconds. */
uint64_t pcl_gw_now_us(void);

#endif
