/* SPDX-License-Identifier: Apache-2.0 */
/* The gateway: configuration, API keys, and the server loop of `portcullis serve`. */
#ifndef PORTCULLIS_GATEWAY_H
#define PORTCULLIS_GATEWAY_H

#include <portcullis/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- configuration ------------------------------------------------------------------ */

struct pcl_gw_config;

/* Load and validate a gateway configuration (docs/gateway.md): `${VAR}` and `${VAR:-default}`
 * in scalars are replaced from the environment; every error names the file and line
 * ("config: gw.yaml: line 12: routes[1].upstream: no upstream named \"x\""). Compiles the
 * detection engine, the injection detector (when a policy uses it) and TLS contexts, so a
 * config that loads will serve. cache_dir (may be NULL) caches compiled pattern databases.
 * Caller frees with pcl_gw_config_free(). */
enum pcl_rc pcl_gw_config_load(const char *path, const char *cache_dir, struct pcl_gw_config **out,
                               struct pcl_err *err) PCL_WUR;
void pcl_gw_config_free(struct pcl_gw_config *c);
/* A human summary of a loaded config (listen address, routes, upstreams, policies) for
 * `portcullis config check`; appended to out. */
enum pcl_rc pcl_gw_config_describe(const struct pcl_gw_config *c, struct pcl_buf *out) PCL_WUR;
/* The store URL the config names (borrowed). */
const char *pcl_gw_config_store(const struct pcl_gw_config *c);
/* The tamper-evident log the config names (audit.log) and its signing-key file
 * (audit.signer_key_file); NULL when not set. Borrowed. */
const char *pcl_gw_config_audit_log(const struct pcl_gw_config *c);
const char *pcl_gw_config_audit_key_file(const struct pcl_gw_config *c);

/* ---- API keys ----------------------------------------------------------------------- */

/* Keys look like pcl_<32 base62><6 base62 CRC-32 of the 32>; the first 8 body characters are
 * the public key id. Only a SHA-256 of the whole key is stored. */
#define PCL_APIKEY_LEN    42
#define PCL_APIKEY_ID_LEN 8

/* True when s[0..n) has the key shape and a valid checksum (no store access). */
bool pcl_apikey_is_wellformed(const char *s, size_t n);

/* What a key may do. Lists are comma-separated globs ("*" = any; route paths or model
 * names); 0 for a number means "no limit of its own" (the config's defaults apply). */
struct pcl_key_spec {
    const char *name;   /* label, required */
    const char *routes; /* NULL = "*" */
    const char *models; /* NULL = "*" */
    const char *policy; /* policy name; NULL = the route's */
    int64_t max_tokens; /* cap on max_tokens per request */
    int64_t rpm;        /* requests per minute */
    int64_t tpm;        /* tokens per minute */
    int64_t concurrent; /* requests in flight */
    int64_t budget;     /* tokens per budget period */
    const char *period; /* "day", "month" or NULL/"none" */
    int64_t expires;    /* unix seconds; 0 = never */
};

/* A stored key's facts (never the key itself). Strings owned by the record. */
struct pcl_key_info {
    char id[PCL_APIKEY_ID_LEN + 1];
    char *name, *routes, *models, *policy, *period, *rotated_from;
    int64_t max_tokens, rpm, tpm, concurrent, budget;
    int64_t created, expires, revoked; /* unix seconds; 0 = not set */
    uint8_t hash[32];                  /* SHA-256 of the key: what the gateway looks up */
};
void pcl_key_info_fini(struct pcl_key_info *k);

struct pcl_keystore;
/* Open the key tables in the store at url (created or migrated as needed). */
enum pcl_rc pcl_keystore_open(const char *url, struct pcl_keystore **out,
                              struct pcl_err *err) PCL_WUR;
void pcl_keystore_free(struct pcl_keystore *ks);
/* Create a key; the only copy of the secret is written to key (PCL_APIKEY_LEN + 1 bytes).
 * Invalid specs (empty name, bad period, negative numbers) are PCL_EINVAL naming the field. */
enum pcl_rc pcl_keystore_create(struct pcl_keystore *ks, const struct pcl_key_spec *spec,
                                char key[PCL_APIKEY_LEN + 1], struct pcl_key_info *info,
                                struct pcl_err *err) PCL_WUR;
/* Look up by key id. PCL_ENOTFOUND when there is none. */
enum pcl_rc pcl_keystore_show(struct pcl_keystore *ks, const char *id, struct pcl_key_info *info,
                              struct pcl_err *err) PCL_WUR;
/* Look up by the full key (hash); revoked and expired keys are PCL_ENOTFOUND. */
enum pcl_rc pcl_keystore_lookup(struct pcl_keystore *ks, const char *key, size_t n,
                                struct pcl_key_info *info, struct pcl_err *err) PCL_WUR;
/* Every key, oldest first; cb returns non-zero to stop. */
typedef int pcl_key_fn(void *ctx, const struct pcl_key_info *k);
enum pcl_rc pcl_keystore_list(struct pcl_keystore *ks, bool include_revoked, pcl_key_fn *cb,
                              void *ctx, struct pcl_err *err) PCL_WUR;
/* Revoke now. PCL_ENOTFOUND for an unknown id; revoking twice is fine. */
enum pcl_rc pcl_keystore_revoke(struct pcl_keystore *ks, const char *id,
                                struct pcl_err *err) PCL_WUR;
/* New key with the same scopes and limits; the old one is revoked after `grace` seconds
 * (0 = now). */
enum pcl_rc pcl_keystore_rotate(struct pcl_keystore *ks, const char *id, int64_t grace,
                                char key[PCL_APIKEY_LEN + 1], struct pcl_key_info *info,
                                struct pcl_err *err) PCL_WUR;
/* A number that changes whenever a key is created, revoked or rotated (the gateway polls it
 * to reload its key cache). */
enum pcl_rc pcl_keystore_generation(struct pcl_keystore *ks, int64_t *gen,
                                    struct pcl_err *err) PCL_WUR;

/* ---- the server --------------------------------------------------------------------- */

struct pcl_gw;

/* One audit event per interaction / governance action: canonical JSON, no raw PII. */
typedef void pcl_gw_audit_fn(void *ctx, const char *kind, const char *json, size_t len);

struct pcl_gw_opts {
    const char *config_path; /* re-read on reload */
    pcl_gw_audit_fn *audit;  /* NULL = JSON lines to the config's audit.path (if any) */
    void *audit_ctx;
    const char *port_file; /* if set, the bound port is written here once listening */
    const char *cache_dir; /* compiled-database cache for reloads (NULL = none) */
};

/* Build a gateway from a loaded config (takes cfg, even on failure): binds the listeners,
 * opens the key store. Caller frees with pcl_gw_free(). */
enum pcl_rc pcl_gw_new(const struct pcl_gw_opts *opts, struct pcl_gw_config *cfg,
                       struct pcl_gw **out, struct pcl_err *err) PCL_WUR;
/* Serve until SIGTERM/SIGINT (drain in-flight requests, then return) ; SIGHUP reloads the
 * config (an invalid new config is reported and the old one kept). */
enum pcl_rc pcl_gw_run(struct pcl_gw *gw, struct pcl_err *err) PCL_WUR;
void pcl_gw_free(struct pcl_gw *gw);

#ifdef __cplusplus
}
#endif
#endif
