/* SPDX-License-Identifier: Apache-2.0 */
/* The gateway's YAML configuration: parsing with line numbers, ${VAR} substitution,
 * validation, defaults, and compiling what the server needs (engine, TLS contexts). */
#include "gw.h"
#include "yamlx.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sodium.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

struct cfg {
    yaml_document_t doc;
    const char *path;
    struct pcl_err *err;
    struct pcl_gw_config *c;
};

static enum pcl_rc fail(struct cfg *y, const yaml_node_t *n, const char *fmt, ...) PCL_PRINTF(3, 4);

static enum pcl_rc
fail(struct cfg *y, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return pcl_err_set(y->err, PCL_EINVAL, "config: %s: line %zu: %s", y->path,
                       n != NULL ? (size_t)n->start_mark.line + 1 : (size_t)1, msg);
}

static yaml_node_t *
node(struct cfg *y, int id)
{
    return yaml_document_get_node(&y->doc, id);
}

static const char *
raw_scalar(const yaml_node_t *n)
{
    return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A scalar with ${VAR} and ${VAR:-default} expanded; heap string. */
static enum pcl_rc
str(struct cfg *y, yaml_node_t *n, const char *what, char **out)
{
    const char *s = raw_scalar(n);
    struct pcl_buf b;
    enum pcl_rc rc = PCL_OK;

    *out = NULL;
    if (s == NULL) {
        return fail(y, n, "%s: expected a string", what);
    }
    pcl_buf_init(&b, 1u << 20);
    while (rc == PCL_OK && *s != '\0') {
        const char *open = strstr(s, "${");
        const char *close, *dflt, *val;
        char name[128];
        size_t nlen;

        if (open == NULL) {
            rc = pcl_buf_appends(&b, s);
            break;
        }
        rc = pcl_buf_append(&b, s, (size_t)(open - s));
        close = strchr(open, '}');
        if (rc != PCL_OK || close == NULL) {
            if (rc == PCL_OK) {
                rc = fail(y, n, "%s: unterminated ${ in \"%s\"", what, raw_scalar(n));
            }
            break;
        }
        dflt = strstr(open, ":-");
        if (dflt != NULL && dflt > close) {
            dflt = NULL;
        }
        nlen = (size_t)((dflt != NULL ? dflt : close) - (open + 2));
        if (nlen == 0 || nlen >= sizeof(name)) {
            rc = fail(y, n, "%s: bad variable name in \"%s\"", what, raw_scalar(n));
            break;
        }
        memcpy(name, open + 2, nlen);
        name[nlen] = '\0';
        val = getenv(name);
        if (val == NULL || (val[0] == '\0' && dflt != NULL)) {
            if (dflt == NULL) {
                rc = fail(y, n,
                          "%s: environment variable %s is not set (write ${%s:-default}"
                          " for an optional one)",
                          what, name, name);
                break;
            }
            rc = pcl_buf_append(&b, dflt + 2, (size_t)(close - (dflt + 2)));
        } else {
            rc = pcl_buf_appends(&b, val);
        }
        s = close + 1;
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendc(&b, '\0');
        b.len--;
    }
    if (rc == PCL_ENOMEM) {
        rc = pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
    }
    if (rc != PCL_OK) {
        pcl_buf_fini(&b);
        return rc;
    }
    *out = pcl_buf_steal(&b, NULL);
    return PCL_OK;
}

static enum pcl_rc
opt_str(struct cfg *y, yaml_node_t *n, const char *what, char **out)
{
    char *s = NULL;
    enum pcl_rc rc = str(y, n, what, &s);

    if (rc != PCL_OK) {
        return rc;
    }
    pcl_free(*out);
    *out = NULL;
    if (s[0] == '\0') {
        pcl_free(s); /* an empty value (e.g. ${KEY:-}) means "not set" */
        return PCL_OK;
    }
    *out = s;
    return PCL_OK;
}

static enum pcl_rc
int_val(struct cfg *y, yaml_node_t *n, const char *what, int64_t lo, int64_t hi, int64_t *out)
{
    char *s = NULL, *end = NULL;
    long long v;
    enum pcl_rc rc = str(y, n, what, &s);

    if (rc != PCL_OK) {
        return rc;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
        rc = fail(y, n, "%s: expected an integer in %lld..%lld, got \"%s\"", what, (long long)lo,
                  (long long)hi, s);
    } else {
        *out = v;
    }
    pcl_free(s);
    return rc;
}

static enum pcl_rc
bool_val(struct cfg *y, yaml_node_t *n, const char *what, bool *out)
{
    char *s = NULL;
    enum pcl_rc rc = str(y, n, what, &s);

    if (rc != PCL_OK) {
        return rc;
    }
    if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "on") == 0) {
        *out = true;
    } else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "off") == 0) {
        *out = false;
    } else {
        rc = fail(y, n, "%s: expected true or false, got \"%s\"", what, s);
    }
    pcl_free(s);
    return rc;
}

/* "30s", "500ms", "2m", "1h" or a bare number of seconds, into milliseconds. */
static enum pcl_rc
duration_ms(struct cfg *y, yaml_node_t *n, const char *what, unsigned *out)
{
    char *s = NULL, *end = NULL;
    double v, mul = 1000;
    enum pcl_rc rc = str(y, n, what, &s);

    if (rc != PCL_OK) {
        return rc;
    }
    errno = 0;
    v = strtod(s, &end);
    if (strcmp(end, "ms") == 0) {
        mul = 1;
    } else if (strcmp(end, "m") == 0) {
        mul = 60000;
    } else if (strcmp(end, "h") == 0) {
        mul = 3600000;
    } else if (strcmp(end, "s") != 0 && *end != '\0') {
        mul = -1;
    }
    if (errno != 0 || end == s || mul < 0 || v < 0 || v * mul > 86400000.0) {
        rc = fail(y, n, "%s: expected a duration like 500ms, 30s, 5m (max 24h), got \"%s\"", what,
                  s);
    } else {
        *out = (unsigned)(v * mul + 0.5);
    }
    pcl_free(s);
    return rc;
}

/* "1MiB", "64KiB", "512", "2MB" into bytes. */
static enum pcl_rc
size_val(struct cfg *y, yaml_node_t *n, const char *what, size_t *out)
{
    static const struct {
        const char *sfx;
        double mul;
    } units[] = {{"", 1},          {"B", 1},        {"KiB", 1024},       {"KB", 1000},
                 {"MiB", 1048576}, {"MB", 1000000}, {"GiB", 1073741824}, {"GB", 1e9}};
    char *s = NULL, *end = NULL;
    double v;
    enum pcl_rc rc = str(y, n, what, &s);
    bool ok = false;

    if (rc != PCL_OK) {
        return rc;
    }
    errno = 0;
    v = strtod(s, &end);
    for (size_t i = 0; i < PCL_ARRAY_LEN(units) && errno == 0 && end != s && v >= 0; i++) {
        if (strcmp(end, units[i].sfx) == 0 && v * units[i].mul <= 4294967296.0) {
            *out = (size_t)(v * units[i].mul);
            ok = true;
        }
    }
    if (!ok) {
        rc =
            fail(y, n, "%s: expected a size like 512, 64KiB, 1MiB (max 4GiB), got \"%s\"", what, s);
    }
    pcl_free(s);
    return rc;
}

static enum pcl_rc
want_map(struct cfg *y, yaml_node_t *n, const char *what)
{
    if (n == NULL || n->type != YAML_MAPPING_NODE) {
        return fail(y, n, "%s: expected a mapping", what);
    }
    return PCL_OK;
}

/* A list of strings (or one string) into a NULL-terminated heap array. */
static enum pcl_rc
str_list(struct cfg *y, yaml_node_t *n, const char *what, char ***out)
{
    size_t cnt = n->type == YAML_SEQUENCE_NODE
                     ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
                     : 1;
    char **v = pcl_calloc(cnt + 1, sizeof(*v));
    enum pcl_rc rc = PCL_OK;

    if (v == NULL) {
        return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
    }
    for (size_t i = 0; i < cnt && rc == PCL_OK; i++) {
        yaml_node_t *item =
            n->type == YAML_SEQUENCE_NODE ? node(y, n->data.sequence.items.start[i]) : n;

        rc = str(y, item, what, &v[i]);
    }
    if (rc != PCL_OK) {
        for (size_t i = 0; i < cnt; i++) {
            pcl_free(v[i]);
        }
        pcl_free(v);
        return rc;
    }
    *out = v;
    return PCL_OK;
}

static void
str_list_free(char **v)
{
    if (v == NULL) {
        return;
    }
    for (char **p = v; *p != NULL; p++) {
        pcl_free(*p);
    }
    pcl_free(v);
}

/* Iterate the pairs of mapping m; the body sees `k` (key text) and `v` (value node). */
#define FOR_PAIRS(y, m, k, v)                                                                      \
    for (yaml_node_pair_t *pair_##k = (m)->data.mapping.pairs.start;                               \
         pair_##k < (m)->data.mapping.pairs.top; pair_##k++)                                       \
        for (const char *k = raw_scalar(node((y), pair_##k->key)); k != NULL; k = NULL)            \
            for (yaml_node_t *v = node((y), pair_##k->value); v != NULL; v = NULL)

static enum pcl_rc
unknown(struct cfg *y, yaml_node_t *v, const char *section, const char *k, const char *known)
{
    return fail(y, v, "%s: unknown key \"%s\" (known: %s)", section, k, known);
}

/* ---- sections ----------------------------------------------------------------------- */

static enum pcl_rc
parse_listen(struct cfg *y, yaml_node_t *v)
{
    struct pcl_gw_config *c = y->c;
    char *s = NULL, *colon, *end = NULL;
    long port;
    enum pcl_rc rc = str(y, v, "server.listen", &s);

    if (rc != PCL_OK) {
        return rc;
    }
    colon = strrchr(s, ':');
    if (colon == NULL || colon == s) {
        rc = fail(y, v, "server.listen: expected HOST:PORT, got \"%s\"", s);
        goto out;
    }
    port = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end != '\0' || port < 0 || port > 65535) {
        rc = fail(y, v, "server.listen: bad port in \"%s\"", s);
        goto out;
    }
    *colon = '\0';
    pcl_free(c->listen_host);
    c->listen_host = pcl_strdup(s[0] == '[' ? s + 1 : s);
    if (c->listen_host == NULL) {
        rc = pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
        goto out;
    }
    if (c->listen_host[0] != '\0' && c->listen_host[strlen(c->listen_host) - 1] == ']') {
        c->listen_host[strlen(c->listen_host) - 1] = '\0';
    }
    c->listen_port = (int)port;
out:
    pcl_free(s);
    return rc;
}

static enum pcl_rc
parse_server(struct cfg *y, yaml_node_t *m)
{
    struct pcl_gw_config *c = y->c;
    enum pcl_rc rc = want_map(y, m, "server");
    int64_t iv;

    FOR_PAIRS(y, m, k, v)
    {
        if (rc != PCL_OK) {
            return rc;
        }
        if (strcmp(k, "listen") == 0) {
            rc = parse_listen(y, v);
        } else if (strcmp(k, "workers") == 0) {
            rc = int_val(y, v, "server.workers", 0, 256, &iv);
            c->workers = (unsigned)iv;
        } else if (strcmp(k, "tls") == 0) {
            rc = want_map(y, v, "server.tls");
            FOR_PAIRS(y, v, tk, tv)
            {
                if (rc != PCL_OK) {
                    break;
                }
                if (strcmp(tk, "cert") == 0) {
                    rc = opt_str(y, tv, "server.tls.cert", &c->tls_cert);
                } else if (strcmp(tk, "key") == 0) {
                    rc = opt_str(y, tv, "server.tls.key", &c->tls_key);
                } else {
                    rc = unknown(y, tv, "server.tls", tk, "cert, key");
                }
            }
        } else if (strcmp(k, "max_body") == 0) {
            rc = size_val(y, v, "server.max_body", &c->max_body);
        } else if (strcmp(k, "max_header") == 0) {
            rc = size_val(y, v, "server.max_header", &c->max_header);
        } else if (strcmp(k, "read_timeout") == 0) {
            rc = duration_ms(y, v, "server.read_timeout", &c->read_timeout_ms);
        } else if (strcmp(k, "drain") == 0) {
            rc = duration_ms(y, v, "server.drain", &c->drain_ms);
        } else if (strcmp(k, "metrics") == 0) {
            rc = bool_val(y, v, "server.metrics", &c->metrics);
        } else if (strcmp(k, "stream_holdback") == 0) {
            rc = size_val(y, v, "server.stream_holdback", &c->holdback);
            if (rc == PCL_OK && c->holdback < 64) {
                rc = fail(y, v,
                          "server.stream_holdback: at least 64 bytes (a grouped card or "
                          "IBAN must fit)");
            }
        } else {
            rc = unknown(y, v, "server", k,
                         "listen, workers, tls, max_body, max_header, read_timeout, drain, "
                         "metrics, stream_holdback");
        }
    }
    return rc;
}

static enum pcl_rc
parse_limit(struct cfg *y, yaml_node_t *m, const char *what, struct gw_limit *l)
{
    enum pcl_rc rc = want_map(y, m, what);
    char field[64];

    FOR_PAIRS(y, m, k, v)
    {
        if (rc != PCL_OK) {
            return rc;
        }
        (void)snprintf(field, sizeof(field), "%s.%s", what, k);
        if (strcmp(k, "rpm") == 0) {
            rc = int_val(y, v, field, 0, INT64_C(1) << 40, &l->rpm);
        } else if (strcmp(k, "tpm") == 0 && l == &y->c->per_ip) {
            rc = fail(y, v, "%s: tokens are counted per key, not per client address", field);
        } else if (strcmp(k, "tpm") == 0) {
            rc = int_val(y, v, field, 0, INT64_C(1) << 50, &l->tpm);
        } else if (strcmp(k, "concurrent") == 0) {
            rc = int_val(y, v, field, 0, 1 << 20, &l->concurrent);
        } else {
            rc = unknown(y, v, what, k, "rpm, tpm, concurrent");
        }
    }
    return rc;
}

static enum pcl_rc
parse_limits(struct cfg *y, yaml_node_t *m)
{
    enum pcl_rc rc = want_map(y, m, "limits");

    FOR_PAIRS(y, m, k, v)
    {
        if (rc != PCL_OK) {
            return rc;
        }
        if (strcmp(k, "per_ip") == 0) {
            rc = parse_limit(y, v, "limits.per_ip", &y->c->per_ip);
        } else if (strcmp(k, "per_key") == 0) {
            rc = parse_limit(y, v, "limits.per_key", &y->c->per_key);
        } else if (strcmp(k, "default_output_tokens") == 0) {
            rc = int_val(y, v, "limits.default_output_tokens", 0, 1 << 24,
                         &y->c->default_output_tokens);
        } else {
            rc = unknown(y, v, "limits", k, "per_ip, per_key, default_output_tokens");
        }
    }
    return rc;
}

/* Split an upstream URL into scheme, host, port and base path. */
static enum pcl_rc
parse_url(struct cfg *y, yaml_node_t *v, struct gw_upstream *u)
{
    const char *p = u->url, *host, *hend, *path;
    char *end = NULL;
    long port;

    if (strncmp(p, "http://", 7) == 0) {
        u->tls = false;
        host = p + 7;
    } else if (strncmp(p, "https://", 8) == 0) {
        u->tls = true;
        host = p + 8;
    } else {
        return fail(y, v, "upstreams[%s].url: expected http:// or https://, got \"%s\"", u->name,
                    p);
    }
    path = strchr(host, '/');
    if (path == NULL) {
        path = host + strlen(host);
    }
    if (host[0] == '[') {
        hend = memchr(host, ']', (size_t)(path - host));
        if (hend == NULL) {
            return fail(y, v, "upstreams[%s].url: unterminated [ in \"%s\"", u->name, p);
        }
        u->host = pcl_strndup(host + 1, (size_t)(hend - host - 1));
        hend++;
    } else {
        hend = memchr(host, ':', (size_t)(path - host));
        if (hend == NULL) {
            hend = path;
        }
        u->host = pcl_strndup(host, (size_t)(hend - host));
    }
    if (u->host == NULL) {
        return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
    }
    if (u->host[0] == '\0') {
        return fail(y, v, "upstreams[%s].url: no host in \"%s\"", u->name, p);
    }
    port = u->tls ? 443 : 80;
    if (hend < path && *hend == ':') {
        port = strtol(hend + 1, &end, 10);
        if (end != path || port <= 0 || port > 65535) {
            return fail(y, v, "upstreams[%s].url: bad port in \"%s\"", u->name, p);
        }
    }
    u->port = (int)port;
    u->base_path = pcl_strdup(path);
    if (u->base_path == NULL) {
        return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
    }
    if (u->base_path[0] != '\0' && u->base_path[strlen(u->base_path) - 1] == '/') {
        u->base_path[strlen(u->base_path) - 1] = '\0';
    }
    return PCL_OK;
}

static enum pcl_rc
parse_upstream(struct cfg *y, yaml_node_t *m, struct gw_upstream *u, size_t idx)
{
    enum pcl_rc rc = want_map(y, m, "upstreams[]");
    yaml_node_t *url_node = NULL;
    char what[96];
    int64_t iv;

    u->verify = true;
    u->read_ms = 120000;
    u->total_ms = 600000;
    u->pool = 64;
    FOR_PAIRS(y, m, k, v)
    {
        if (rc != PCL_OK) {
            return rc;
        }
        (void)snprintf(what, sizeof(what), "upstreams[%zu].%s", idx, k);
        if (strcmp(k, "name") == 0) {
            rc = str(y, v, what, &u->name);
        } else if (strcmp(k, "url") == 0) {
            rc = str(y, v, what, &u->url);
            url_node = v;
        } else if (strcmp(k, "api_key") == 0) {
            rc = opt_str(y, v, what, &u->api_key);
        } else if (strcmp(k, "auth_header") == 0) {
            rc = opt_str(y, v, what, &u->auth_header);
        } else if (strcmp(k, "ca_file") == 0) {
            rc = opt_str(y, v, what, &u->ca_file);
        } else if (strcmp(k, "client_cert") == 0) {
            rc = opt_str(y, v, what, &u->client_cert);
        } else if (strcmp(k, "client_key") == 0) {
            rc = opt_str(y, v, what, &u->client_key);
        } else if (strcmp(k, "verify") == 0) {
            rc = bool_val(y, v, what, &u->verify);
        } else if (strcmp(k, "read_timeout") == 0) {
            rc = duration_ms(y, v, what, &u->read_ms);
        } else if (strcmp(k, "total_timeout") == 0) {
            rc = duration_ms(y, v, what, &u->total_ms);
        } else if (strcmp(k, "pool") == 0) {
            rc = int_val(y, v, what, 0, 4096, &iv);
            u->pool = (unsigned)iv;
        } else {
            rc = unknown(y, v, "upstreams[]", k,
                         "name, url, api_key, auth_header, ca_file, client_cert, client_key, "
                         "verify, read_timeout, total_timeout, pool");
        }
    }
    if (rc != PCL_OK) {
        return rc;
    }
    if (u->name == NULL) {
        return fail(y, m, "upstreams[%zu]: name is required", idx);
    }
    if (u->url == NULL) {
        return fail(y, m, "upstreams[%s]: url is required", u->name);
    }
    if ((u->client_cert == NULL) != (u->client_key == NULL)) {
        return fail(y, m, "upstreams[%s]: client_cert and client_key go together", u->name);
    }
    return parse_url(y, url_node, u);
}

static enum pcl_rc
parse_seq(struct cfg *y, yaml_node_t *n, const char *what, size_t elem, void **arr, size_t *cnt)
{
    size_t k;

    if (n->type != YAML_SEQUENCE_NODE) {
        return fail(y, n, "%s: expected a list", what);
    }
    k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    *arr = pcl_calloc(k > 0 ? k : 1, elem);
    if (*arr == NULL) {
        return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
    }
    *cnt = k;
    return PCL_OK;
}

static const char *const action_names[] = {"allow", "alert", "redact", "block"};

static enum pcl_rc
action_val(struct cfg *y, yaml_node_t *v, const char *what, enum gw_action *out)
{
    const char *s = raw_scalar(v);

    for (size_t i = 0; s != NULL && i < PCL_ARRAY_LEN(action_names); i++) {
        if (strcmp(s, action_names[i]) == 0) {
            *out = (enum gw_action)i;
            return PCL_OK;
        }
    }
    return fail(y, v, "%s: expected allow, alert, redact or block, got \"%s\"", what,
                s != NULL ? s : "(not a string)");
}

static enum pcl_rc
parse_direction(struct cfg *y, yaml_node_t *m, const char *what, struct gw_direction *d)
{
    enum pcl_rc rc = want_map(y, m, what);
    char field[96];

    FOR_PAIRS(y, m, k, v)
    {
        uint32_t cat;

        if (rc != PCL_OK) {
            return rc;
        }
        (void)snprintf(field, sizeof(field), "%s.%s", what, k);
        cat = pcl_category_parse(k, strlen(k));
        if (strcmp(k, "default") == 0) {
            enum gw_action a = GW_ALLOW;

            rc = action_val(y, v, field, &a);
            for (size_t i = 0; i < 6; i++) {
                d->by_cat[i] = a;
            }
        } else if (cat != 0) {
            rc = action_val(y, v, field, &d->by_cat[__builtin_ctz(cat)]);
        } else if (strcmp(k, "types") == 0) {
            size_t i = 0;

            rc = want_map(y, v, field);
            if (rc != PCL_OK) {
                return rc;
            }
            d->ntypes = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
            d->types = pcl_calloc(d->ntypes + 1, sizeof(*d->types));
            if (d->types == NULL) {
                return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
            }
            FOR_PAIRS(y, v, tk, tv)
            {
                if (rc != PCL_OK) {
                    break;
                }
                d->types[i].type = pcl_strdup(tk);
                if (d->types[i].type == NULL) {
                    return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
                }
                d->types[i].line = (size_t)node(y, pair_tk->key)->start_mark.line + 1;
                rc = action_val(y, tv, field, &d->types[i].action);
                i++;
            }
        } else {
            rc = unknown(y, v, what, k,
                         "default, contact, government_id, financial, health, special, "
                         "credential, types");
        }
    }
    return rc;
}

static void
policy_defaults(struct gw_policy *p)
{
    static const enum gw_action req[6] = {GW_REDACT, GW_REDACT, GW_REDACT,
                                          GW_REDACT, GW_ALERT,  GW_BLOCK};
    static const enum gw_action resp[6] = {GW_ALERT,  GW_REDACT, GW_REDACT,
                                           GW_REDACT, GW_ALERT,  GW_REDACT};

    memcpy(p->request.by_cat, req, sizeof(req));
    memcpy(p->response.by_cat, resp, sizeof(resp));
    p->redact_op = PCL_OP_TAG;
}

static enum pcl_rc
parse_injection(struct cfg *y, yaml_node_t *m, const char *what, struct gw_policy *p)
{
    enum pcl_rc rc = want_map(y, m, what);
    char field[128];

    p->inject = GW_INJECT_BLOCK;
    FOR_PAIRS(y, m, k, v)
    {
        const char *s = raw_scalar(v);

        if (rc != PCL_OK) {
            return rc;
        }
        (void)snprintf(field, sizeof(field), "%s.%s", what, k);
        if (strcmp(k, "action") == 0) {
            if (s != NULL && strcmp(s, "off") == 0) {
                p->inject = GW_INJECT_OFF;
            } else if (s != NULL && strcmp(s, "flag") == 0) {
                p->inject = GW_INJECT_FLAG;
            } else if (s != NULL && strcmp(s, "block") == 0) {
                p->inject = GW_INJECT_BLOCK;
            } else {
                rc = fail(y, v, "%s: expected off, flag or block", field);
            }
        } else if (strcmp(k, "source") == 0) {
            if (s != NULL && (strcmp(s, "user") == 0 || strcmp(s, "document") == 0)) {
                p->inject_document = strcmp(s, "document") == 0;
            } else {
                rc = fail(y, v, "%s: expected user or document", field);
            }
        } else if (strcmp(k, "flag") == 0 || strcmp(k, "block") == 0) {
            char *end = NULL;
            double d = s != NULL ? strtod(s, &end) : -1;

            if (s == NULL || end == s || *end != '\0' || d <= 0 || d > 1.5) {
                rc = fail(y, v, "%s: expected a probability in (0, 1] (above 1 = never)", field);
            } else if (strcmp(k, "flag") == 0) {
                p->inject_flag = d;
            } else {
                p->inject_block = d;
            }
        } else {
            rc = unknown(y, v, what, k, "action, source, flag, block");
        }
    }
    return rc;
}

static enum pcl_rc
parse_policy(struct cfg *y, yaml_node_t *m, struct gw_policy *p, size_t idx)
{
    enum pcl_rc rc = want_map(y, m, "policies[]");
    char what[96];
    int64_t iv;

    policy_defaults(p);
    FOR_PAIRS(y, m, k, v)
    {
        if (rc != PCL_OK) {
            return rc;
        }
        (void)snprintf(what, sizeof(what), "policies[%zu].%s", idx, k);
        if (strcmp(k, "name") == 0) {
            rc = str(y, v, what, &p->name);
        } else if (strcmp(k, "request") == 0) {
            rc = parse_direction(y, v, what, &p->request);
        } else if (strcmp(k, "response") == 0) {
            rc = parse_direction(y, v, what, &p->response);
        } else if (strcmp(k, "on_detector_error") == 0) {
            const char *s = raw_scalar(v);

            if (s != NULL && strcmp(s, "block") == 0) {
                p->fail_open = false;
            } else if (s != NULL && strcmp(s, "allow") == 0) {
                p->fail_open = true;
            } else {
                rc = fail(y, v, "%s: expected block or allow", what);
            }
        } else if (strcmp(k, "redact_with") == 0) {
            const char *s = raw_scalar(v);
            int op = s != NULL ? pcl_op_parse(s, strlen(s)) : -1;

            if (op != PCL_OP_MASK && op != PCL_OP_TAG && op != PCL_OP_HASH) {
                rc = fail(y, v, "%s: expected mask, tag or hash", what);
            } else {
                p->redact_op = (enum pcl_op)op;
            }
        } else if (strcmp(k, "unknown_fields") == 0) {
            const char *s = raw_scalar(v);

            if (s != NULL && strcmp(s, "strip") == 0) {
                p->unknown_fields = GW_UNKNOWN_STRIP;
            } else if (s != NULL && strcmp(s, "reject") == 0) {
                p->unknown_fields = GW_UNKNOWN_REJECT;
            } else if (s != NULL && strcmp(s, "pass") == 0) {
                p->unknown_fields = GW_UNKNOWN_PASS;
            } else {
                rc = fail(y, v, "%s: expected strip, reject or pass", what);
            }
        } else if (strcmp(k, "max_tokens") == 0) {
            rc = int_val(y, v, what, 0, INT64_C(1) << 32, &p->max_tokens);
        } else if (strcmp(k, "max_messages") == 0) {
            rc = int_val(y, v, what, 1, 1 << 20, &iv);
            p->max_messages = (size_t)iv;
        } else if (strcmp(k, "max_text") == 0) {
            rc = size_val(y, v, what, &p->max_text);
        } else if (strcmp(k, "models") == 0) {
            rc = str_list(y, v, what, &p->models);
        } else if (strcmp(k, "canary") == 0) {
            rc = bool_val(y, v, what, &p->canary);
        } else if (strcmp(k, "injection") == 0) {
            rc = parse_injection(y, v, what, p);
        } else {
            rc = unknown(y, v, "policies[]", k,
                         "name, request, response, on_detector_error, redact_with, "
                         "unknown_fields, max_tokens, max_messages, max_text, models, "
                         "injection, canary");
        }
    }
    if (rc == PCL_OK && p->name == NULL) {
        rc = fail(y, m, "policies[%zu]: name is required", idx);
    }
    return rc;
}

static const char *const api_names[GW_API_COUNT] = {"chat",      "completions", "embeddings",
                                                    "responses", "models",      "json"};

const char *
pcl_gw_api_name(enum gw_api api)
{
    return (unsigned)api < GW_API_COUNT ? api_names[api] : "?";
}

const char *
pcl_gw_action_name(enum gw_action a)
{
    return (unsigned)a < PCL_ARRAY_LEN(action_names) ? action_names[a] : "?";
}

static enum pcl_rc
parse_route(struct cfg *y, yaml_node_t *m, struct gw_route *r, size_t idx)
{
    struct pcl_gw_config *c = y->c;
    enum pcl_rc rc = want_map(y, m, "routes[]");
    char what[96];
    char *s = NULL;
    bool api_set = false;

    FOR_PAIRS(y, m, k, v)
    {
        if (rc != PCL_OK) {
            return rc;
        }
        (void)snprintf(what, sizeof(what), "routes[%zu].%s", idx, k);
        if (strcmp(k, "path") == 0) {
            rc = str(y, v, what, &r->path);
            if (rc == PCL_OK && r->path[0] != '/') {
                rc = fail(y, v, "%s: must start with /", what);
            }
        } else if (strcmp(k, "api") == 0) {
            const char *a = raw_scalar(v);

            rc = fail(y, v, "%s: expected chat, completions, embeddings, responses, models or json",
                      what);
            for (size_t i = 0; a != NULL && i < GW_API_COUNT; i++) {
                if (strcmp(a, api_names[i]) == 0) {
                    r->api = (enum gw_api)i;
                    api_set = true;
                    rc = PCL_OK;
                }
            }
        } else if (strcmp(k, "upstream") == 0) {
            rc = str(y, v, what, &s);
            for (size_t i = 0; rc == PCL_OK && i < c->nups; i++) {
                if (strcmp(c->ups[i].name, s) == 0) {
                    r->up = &c->ups[i];
                }
            }
            if (rc == PCL_OK && r->up == NULL) {
                rc = fail(y, v, "%s: no upstream named \"%s\"", what, s);
            }
            pcl_free(s);
            s = NULL;
        } else if (strcmp(k, "upstream_path") == 0) {
            rc = opt_str(y, v, what, &r->up_path);
        } else if (strcmp(k, "policy") == 0) {
            rc = str(y, v, what, &s);
            if (rc == PCL_OK) {
                r->policy = pcl_gw_policy_find(c, s);
                if (r->policy == NULL) {
                    rc = fail(y, v, "%s: no policy named \"%s\"", what, s);
                }
            }
            pcl_free(s);
            s = NULL;
        } else if (strcmp(k, "inspect") == 0) {
            rc = want_map(y, v, what);
            FOR_PAIRS(y, v, ik, iv)
            {
                if (rc != PCL_OK) {
                    break;
                }
                if (strcmp(ik, "request") == 0) {
                    rc = str_list(y, iv, what, &r->req_fields);
                } else if (strcmp(ik, "response") == 0) {
                    rc = str_list(y, iv, what, &r->resp_fields);
                } else {
                    rc = unknown(y, iv, what, ik, "request, response");
                }
            }
        } else {
            rc =
                unknown(y, v, "routes[]", k, "path, api, upstream, upstream_path, policy, inspect");
        }
    }
    if (rc != PCL_OK) {
        return rc;
    }
    if (r->path == NULL || !api_set) {
        return fail(y, m, "routes[%zu]: path and api are required", idx);
    }
    if (r->up == NULL) {
        if (c->nups == 0) {
            return fail(y, m, "routes[%zu]: no upstream configured", idx);
        }
        r->up = &c->ups[0];
    }
    if (r->policy == NULL) {
        r->policy = &c->policies[0];
    }
    if (r->api == GW_API_JSON && r->req_fields == NULL && r->resp_fields == NULL) {
        return fail(y, m,
                    "routes[%zu]: a json route names the fields to inspect "
                    "(inspect: {request: [...], response: [...]})",
                    idx);
    }
    return PCL_OK;
}

/* The OpenAI routes, used when the config lists none. */
static enum pcl_rc
default_routes(struct cfg *y)
{
    static const struct {
        const char *path;
        enum gw_api api;
    } defs[] = {
        {"/v1/chat/completions", GW_API_CHAT}, {"/v1/completions", GW_API_COMPLETIONS},
        {"/v1/embeddings", GW_API_EMBEDDINGS}, {"/v1/responses", GW_API_RESPONSES},
        {"/v1/models", GW_API_MODELS},
    };
    struct pcl_gw_config *c = y->c;

    if (c->nups == 0) {
        return pcl_err_set(y->err, PCL_EINVAL,
                           "config: %s: no upstreams: add one, e.g. upstreams: [{name: openai, "
                           "url: https://api.openai.com, api_key: ${OPENAI_API_KEY}}]",
                           y->path);
    }
    c->routes = pcl_calloc(PCL_ARRAY_LEN(defs), sizeof(*c->routes));
    if (c->routes == NULL) {
        return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(defs); i++) {
        c->routes[i].path = pcl_strdup(defs[i].path);
        if (c->routes[i].path == NULL) {
            return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
        }
        c->routes[i].api = defs[i].api;
        c->routes[i].up = &c->ups[0];
        c->routes[i].policy = &c->policies[0];
        c->nroutes++;
    }
    return PCL_OK;
}

struct gw_policy *
pcl_gw_policy_find(const struct pcl_gw_config *c, const char *name)
{
    for (size_t i = 0; i < c->npolicies; i++) {
        if (strcmp(c->policies[i].name, name) == 0) {
            return &c->policies[i];
        }
    }
    return NULL;
}

/* ---- TLS ---------------------------------------------------------------------------- */

static enum pcl_rc
ssl_fail(struct pcl_err *err, const char *what, const char *file)
{
    char buf[160];
    unsigned long e = ERR_get_error();

    ERR_error_string_n(e, buf, sizeof(buf));
    ERR_clear_error();
    return pcl_err_set(err, PCL_EINVAL, "config: %s %s: %s", what, file != NULL ? file : "",
                       e != 0 ? buf : "failed");
}

static enum pcl_rc
tls_server(struct pcl_gw_config *c, struct pcl_err *err)
{
    SSL_CTX *ctx;

    if (c->tls_cert == NULL && c->tls_key == NULL) {
        return PCL_OK;
    }
    if (c->tls_cert == NULL || c->tls_key == NULL) {
        return pcl_err_set(err, PCL_EINVAL, "config: %s: server.tls needs both cert and key",
                           c->path);
    }
    ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        return ssl_fail(err, "server.tls:", NULL);
    }
    c->ssl_ctx = ctx;
    (void)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, c->tls_cert) != 1) {
        return ssl_fail(err, "server.tls.cert", c->tls_cert);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, c->tls_key, SSL_FILETYPE_PEM) != 1) {
        return ssl_fail(err, "server.tls.key", c->tls_key);
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        return ssl_fail(err, "server.tls.key does not match the cert", c->tls_key);
    }
    return PCL_OK;
}

static enum pcl_rc
tls_upstream(struct gw_upstream *u, struct pcl_err *err)
{
    SSL_CTX *ctx;

    if (!u->tls) {
        return PCL_OK;
    }
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        return ssl_fail(err, "upstream TLS:", u->name);
    }
    u->ssl_ctx = ctx;
    (void)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, u->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
    if (u->ca_file != NULL) {
        if (SSL_CTX_load_verify_locations(ctx, u->ca_file, NULL) != 1) {
            return ssl_fail(err, "upstreams[].ca_file", u->ca_file);
        }
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        return ssl_fail(err, "upstream TLS: default CA paths for", u->name);
    }
    if (u->client_cert != NULL) {
        if (SSL_CTX_use_certificate_chain_file(ctx, u->client_cert) != 1) {
            return ssl_fail(err, "upstreams[].client_cert", u->client_cert);
        }
        if (SSL_CTX_use_PrivateKey_file(ctx, u->client_key, SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(ctx) != 1) {
            return ssl_fail(err, "upstreams[].client_key", u->client_key);
        }
    }
    return PCL_OK;
}

/* ---- injection detector ------------------------------------------------------------- */

/* The data directory: injection.data (relative to the config file's directory), else
 * $PORTCULLIS_DATA_DIR/injection, else ../data/injection next to the config (source tree). */
static enum pcl_rc
inject_dir(const struct pcl_gw_config *c, char *out, size_t cap, struct pcl_err *err)
{
    const char *env = getenv("PORTCULLIS_DATA_DIR"); /* NOLINT(concurrency-mt-unsafe) */
    const char *slash = strrchr(c->path, '/');
    int cfgdir = slash != NULL ? (int)(slash - c->path) : 1;
    const char *base = slash != NULL ? c->path : ".";
    int n;

    if (c->inject_data != NULL && c->inject_data[0] == '/') {
        n = snprintf(out, cap, "%s", c->inject_data);
    } else if (c->inject_data != NULL) {
        n = snprintf(out, cap, "%.*s/%s", cfgdir, base, c->inject_data);
    } else if (env != NULL && env[0] != '\0') {
        n = snprintf(out, cap, "%s/injection", env);
    } else {
        n = snprintf(out, cap, "%.*s/../data/injection", cfgdir, base);
    }
    if (n < 0 || (size_t)n >= cap) {
        return pcl_err_set(err, PCL_EINVAL, "config: %s: injection.data: path too long", c->path);
    }
    return PCL_OK;
}

/* A policy's `types:` entry for a type no detector reports would never apply: a typo such
 * as CREDIT_CARD_NUMBER: block would leave cards to the category's action. */
static enum pcl_rc
check_types(const struct pcl_gw_config *c, struct pcl_err *err)
{
    for (size_t i = 0; i < c->npolicies; i++) {
        const struct gw_policy *p = &c->policies[i];

        for (int dir = 0; dir < 2; dir++) {
            const struct gw_direction *d = dir == 0 ? &p->request : &p->response;

            for (size_t k = 0; k < d->ntypes; k++) {
                const char *t = d->types[k].type;
                char hint[PCL_TYPE_HINT_MAX];

                if (pcl_detect_type_unknown(c->engine, t, hint, sizeof(hint))) {
                    return pcl_err_set(err, PCL_EINVAL,
                                       "config: %s: line %zu: policies.%s.%s.types: unknown "
                                       "entity type \"%s\"%s (`portcullis detectors` lists them)",
                                       c->path, d->types[k].line, p->name,
                                       dir == 0 ? "request" : "response", t, hint);
                }
            }
        }
    }
    return PCL_OK;
}

static enum pcl_rc
inject_compile(struct pcl_gw_config *c, struct pcl_err *err)
{
    struct pcl_inject_opts o;
    char dir[2048], sigs[2100], model[2100];
    const char *paths[1] = {sigs};
    bool needed = false;
    FILE *f;
    enum pcl_rc rc;

    for (size_t i = 0; i < c->npolicies; i++) {
        needed = needed || c->policies[i].inject != GW_INJECT_OFF;
    }
    if (!needed) {
        return PCL_OK;
    }
    rc = inject_dir(c, dir, sizeof(dir), err);
    if (rc != PCL_OK) {
        return rc;
    }
    (void)snprintf(sigs, sizeof(sigs), "%s/signatures", dir);
    (void)snprintf(model, sizeof(model), "%s/model.txt", dir);
    memset(&o, 0, sizeof(o));
    o.sig_paths = paths;
    o.nsig_paths = 1;
    f = fopen(model, "rb");
    if (f != NULL) {
        (void)fclose(f);
        o.model_path = model;
    }
    o.cache_dir = c->engine_opts != NULL ? c->engine_opts->cache_dir : NULL;
    rc = pcl_inject_new(&o, &c->inject, err);
    if (rc == PCL_OK) {
        pcl_inject_warm(c->inject);
    }
    if (rc != PCL_OK) {
        char msg[PCL_ERR_MSG_SIZE];

        (void)snprintf(msg, sizeof(msg), "%s", err != NULL ? err->msg : "");
        return pcl_err_set(err, rc,
                           "config: %s: a policy screens for injection but its data in %s cannot "
                           "be loaded (set injection.data or PORTCULLIS_DATA_DIR): %s",
                           c->path, dir, msg);
    }
    return PCL_OK;
}

/* ---- load --------------------------------------------------------------------------- */

static enum pcl_rc
load_doc(struct cfg *y)
{
    yaml_parser_t parser;
    FILE *f = fopen(y->path, "rb");
    enum pcl_rc rc = PCL_OK;

    if (f == NULL) {
        return pcl_err_set(y->err, PCL_EIO, "config: %s: %s", y->path, strerror(errno));
    }
    if (!yaml_parser_initialize(&parser)) {
        (void)fclose(f);
        return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
    }
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &y->doc)) {
        rc = pcl_err_set(y->err, PCL_EINVAL, "config: %s: line %zu, column %zu: %s", y->path,
                         (size_t)parser.problem_mark.line + 1,
                         (size_t)parser.problem_mark.column + 1,
                         parser.problem != NULL ? parser.problem : "syntax error");
    }
    yaml_parser_delete(&parser);
    (void)fclose(f);
    return rc;
}

static enum pcl_rc
parse_root(struct cfg *y, yaml_node_t *root)
{
    struct pcl_gw_config *c = y->c;
    yaml_node_t *ups = NULL, *routes = NULL, *pols = NULL;
    enum pcl_rc rc = PCL_OK;

    if (root == NULL) {
        return pcl_err_set(y->err, PCL_EINVAL, "config: %s: empty file", y->path);
    }
    rc = want_map(y, root, "top level");
    /* A key given twice is a mistake YAML parsers silently resolve; refuse it. */
    if (rc == PCL_OK) {
        yaml_node_t *dup = pcl_yaml_duplicate_key(&y->doc);

        if (dup != NULL) {
            rc = fail(y, dup, "duplicate key \"%s\"", raw_scalar(dup));
        }
    }
    /* Upstreams and policies first: routes refer to them by name. */
    FOR_PAIRS(y, root, k, v)
    {
        if (rc != PCL_OK) {
            return rc;
        }
        if (strcmp(k, "server") == 0) {
            rc = parse_server(y, v);
        } else if (strcmp(k, "store") == 0) {
            pcl_free(c->store);
            c->store = NULL;
            rc = str(y, v, "store", &c->store);
        } else if (strcmp(k, "access_log") == 0) {
            rc = opt_str(y, v, "access_log", &c->access_log);
        } else if (strcmp(k, "audit") == 0) {
            rc = want_map(y, v, "audit");
            FOR_PAIRS(y, v, ak, av)
            {
                if (rc != PCL_OK) {
                    break;
                }
                if (strcmp(ak, "path") == 0) {
                    rc = opt_str(y, av, "audit.path", &c->audit_path);
                } else if (strcmp(ak, "log") == 0) {
                    rc = opt_str(y, av, "audit.log", &c->audit_log);
                } else if (strcmp(ak, "signer_key_file") == 0) {
                    rc = opt_str(y, av, "audit.signer_key_file", &c->audit_key_file);
                } else if (strcmp(ak, "checkpoint_every") == 0) {
                    rc = duration_ms(y, av, "audit.checkpoint_every", &c->audit_checkpoint_ms);
                } else if (strcmp(ak, "on_full") == 0) {
                    const char *s = raw_scalar(av);

                    if (s != NULL && (strcmp(s, "block") == 0 || strcmp(s, "fail") == 0)) {
                        c->audit_fail_closed = strcmp(s, "fail") == 0;
                    } else {
                        rc = fail(y, av, "audit.on_full: expected block or fail");
                    }
                } else {
                    rc = unknown(y, av, "audit", ak,
                                 "path, log, signer_key_file, checkpoint_every, on_full");
                }
            }
        } else if (strcmp(k, "limits") == 0) {
            rc = parse_limits(y, v);
        } else if (strcmp(k, "upstreams") == 0) {
            ups = v;
        } else if (strcmp(k, "routes") == 0) {
            routes = v;
        } else if (strcmp(k, "policies") == 0) {
            pols = v;
        } else if (strcmp(k, "injection") == 0) {
            rc = want_map(y, v, "injection");
            FOR_PAIRS(y, v, ik, iv)
            {
                if (rc != PCL_OK) {
                    break;
                }
                if (strcmp(ik, "data") == 0) {
                    rc = opt_str(y, iv, "injection.data", &c->inject_data);
                } else {
                    rc = unknown(y, iv, "injection", ik, "data");
                }
            }
        } else if (strcmp(k, "detect") != 0 && strcmp(k, "classify") != 0 &&
                   strcmp(k, "redact") != 0) {
            rc = unknown(y, v, "top level", k,
                         "server, store, access_log, audit, limits, upstreams, routes, "
                         "policies, injection, detect, classify, redact");
        }
    }
    if (rc == PCL_OK && ups != NULL) {
        rc = parse_seq(y, ups, "upstreams", sizeof(*c->ups), (void **)&c->ups, &c->nups);
        for (size_t i = 0; rc == PCL_OK && i < c->nups; i++) {
            rc = parse_upstream(y, node(y, ups->data.sequence.items.start[i]), &c->ups[i], i);
            for (size_t j = 0; rc == PCL_OK && j < i; j++) {
                if (strcmp(c->ups[j].name, c->ups[i].name) == 0) {
                    rc = fail(y, node(y, ups->data.sequence.items.start[i]),
                              "upstreams: duplicate name \"%s\"", c->ups[i].name);
                }
            }
        }
    }
    if (rc == PCL_OK && pols != NULL) {
        rc = parse_seq(y, pols, "policies", sizeof(*c->policies), (void **)&c->policies,
                       &c->npolicies);
        for (size_t i = 0; rc == PCL_OK && i < c->npolicies; i++) {
            rc = parse_policy(y, node(y, pols->data.sequence.items.start[i]), &c->policies[i], i);
            for (size_t j = 0; rc == PCL_OK && j < i; j++) {
                if (strcmp(c->policies[j].name, c->policies[i].name) == 0) {
                    rc = fail(y, node(y, pols->data.sequence.items.start[i]),
                              "policies: duplicate name \"%s\"", c->policies[i].name);
                }
            }
        }
    }
    if (rc == PCL_OK && c->npolicies == 0) {
        /* none given ("policies: []" leaves an empty array): one default policy */
        pcl_free(c->policies);
        c->policies = pcl_calloc(1, sizeof(*c->policies));
        if (c->policies == NULL) {
            return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
        }
        c->npolicies = 1;
        policy_defaults(&c->policies[0]);
        c->policies[0].name = pcl_strdup("default");
        if (c->policies[0].name == NULL) {
            return pcl_err_set(y->err, PCL_ENOMEM, "config: out of memory");
        }
    }
    if (rc == PCL_OK && c->nups == 0) {
        return pcl_err_set(y->err, PCL_EINVAL,
                           "config: %s: no upstreams: add one, e.g. upstreams: [{name: openai, "
                           "url: https://api.openai.com, api_key: ${OPENAI_API_KEY}}]",
                           y->path);
    }
    if (rc == PCL_OK && routes != NULL) {
        rc = parse_seq(y, routes, "routes", sizeof(*c->routes), (void **)&c->routes, &c->nroutes);
        if (rc == PCL_OK && c->nroutes == 0) {
            /* a gateway that routes nothing would answer 404 to every request */
            rc = fail(y, routes,
                      "routes: empty list: list at least one route, or leave routes out for "
                      "the OpenAI routes to the first upstream");
        }
        for (size_t i = 0; rc == PCL_OK && i < c->nroutes; i++) {
            rc = parse_route(y, node(y, routes->data.sequence.items.start[i]), &c->routes[i], i);
        }
    } else if (rc == PCL_OK) {
        rc = default_routes(y);
    }
    return rc;
}

static void
set_defaults(struct pcl_gw_config *c)
{
    c->listen_port = 8080;
    c->workers = 0;
    c->max_body = 4u << 20;
    c->max_header = 16u << 10;
    c->read_timeout_ms = 30000;
    c->drain_ms = 10000;
    c->holdback = 128;
    c->metrics = true;
    c->per_ip.rpm = 0;
    c->default_output_tokens = 256;
    c->audit_checkpoint_ms = 1000;
}

enum pcl_rc
pcl_gw_config_load(const char *path, const char *cache_dir, struct pcl_gw_config **out,
                   struct pcl_err *err)
{
    struct cfg y = {.path = path, .err = err};
    struct pcl_gw_config *c;
    enum pcl_rc rc;

    *out = NULL;
    c = pcl_calloc(1, sizeof(*c));
    if (c == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "config: out of memory");
    }
    atomic_init(&c->refs, 1);
    set_defaults(c);
    y.c = c;
    c->path = pcl_strdup(path);
    c->listen_host = pcl_strdup("127.0.0.1");
    c->store = pcl_strdup("sqlite://portcullis.db");
    if (c->path == NULL || c->listen_host == NULL || c->store == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "config: out of memory");
        goto out;
    }
    rc = load_doc(&y);
    if (rc != PCL_OK) {
        goto out;
    }
    rc = parse_root(&y, yaml_document_get_root_node(&y.doc));
    if (rc != PCL_OK) {
        goto out;
    }
    if (c->workers == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);

        c->workers = n > 0 && n < 64 ? (unsigned)n : 2;
    }
    rc = pcl_engine_opts_load(path, &c->engine_opts, err);
    if (rc == PCL_OK && c->engine_opts->cache_dir == NULL) {
        c->engine_opts->cache_dir = cache_dir;
    }
    if (rc == PCL_OK) {
        rc = pcl_engine_new(c->engine_opts, &c->engine, err);
    }
    if (rc == PCL_OK) {
        rc = check_types(c, err);
    }
    if (rc == PCL_OK) {
        pcl_engine_warm(c->engine); /* no request pays for a JIT compilation */
        rc = inject_compile(c, err);
    }
    if (rc == PCL_OK) {
        rc = tls_server(c, err);
    }
    for (size_t i = 0; rc == PCL_OK && i < c->nups; i++) {
        rc = tls_upstream(&c->ups[i], err);
    }
    if (rc != PCL_OK) {
        goto out;
    }
    *out = c;
    c = NULL;
out:
    yaml_document_delete(&y.doc);
    pcl_gw_config_free(c);
    return rc;
}

static void
direction_fini(struct gw_direction *d)
{
    for (size_t i = 0; i < d->ntypes; i++) {
        pcl_free(d->types[i].type);
    }
    pcl_free(d->types);
}

void
pcl_gw_config_free(struct pcl_gw_config *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->nups; i++) {
        struct gw_upstream *u = &c->ups[i];

        pcl_free(u->name);
        pcl_free(u->url);
        pcl_free(u->host);
        pcl_free(u->base_path);
        if (u->api_key != NULL) {
            sodium_memzero(u->api_key, strlen(u->api_key));
        }
        pcl_free(u->api_key);
        pcl_free(u->auth_header);
        pcl_free(u->ca_file);
        pcl_free(u->client_cert);
        pcl_free(u->client_key);
        SSL_CTX_free(u->ssl_ctx);
    }
    pcl_free(c->ups);
    for (size_t i = 0; i < c->nroutes; i++) {
        pcl_free(c->routes[i].path);
        pcl_free(c->routes[i].up_path);
        str_list_free(c->routes[i].req_fields);
        str_list_free(c->routes[i].resp_fields);
    }
    pcl_free(c->routes);
    for (size_t i = 0; i < c->npolicies; i++) {
        pcl_free(c->policies[i].name);
        direction_fini(&c->policies[i].request);
        direction_fini(&c->policies[i].response);
        str_list_free(c->policies[i].models);
    }
    pcl_free(c->policies);
    pcl_engine_free(c->engine);
    pcl_engine_opts_free(c->engine_opts);
    pcl_inject_free(c->inject);
    pcl_free(c->inject_data);
    SSL_CTX_free(c->ssl_ctx);
    pcl_free(c->path);
    pcl_free(c->listen_host);
    pcl_free(c->tls_cert);
    pcl_free(c->tls_key);
    pcl_free(c->store);
    pcl_free(c->access_log);
    pcl_free(c->audit_path);
    pcl_free(c->audit_log);
    pcl_free(c->audit_key_file);
    pcl_free(c);
}

struct pcl_gw_config *
pcl_gw_config_ref(struct pcl_gw_config *c)
{
    atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
    return c;
}

void
pcl_gw_config_unref(struct pcl_gw_config *c)
{
    if (c != NULL && atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) == 1) {
        pcl_gw_config_free(c);
    }
}

const char *
pcl_gw_config_store(const struct pcl_gw_config *c)
{
    return c->store;
}

const char *
pcl_gw_config_audit_log(const struct pcl_gw_config *c)
{
    return c->audit_log;
}

const char *
pcl_gw_config_audit_key_file(const struct pcl_gw_config *c)
{
    return c->audit_key_file;
}

enum pcl_rc
pcl_gw_config_describe(const struct pcl_gw_config *c, struct pcl_buf *out)
{
    enum pcl_rc rc;

    rc = pcl_buf_appendf(out,
                         "listen     %s%s:%d (%u workers, max body %zu bytes, max header %zu)\n"
                         "store      %s\n"
                         "detectors  %zu compiled\n",
                         c->ssl_ctx != NULL ? "https://" : "http://", c->listen_host,
                         c->listen_port, c->workers, c->max_body, c->max_header, c->store,
                         pcl_engine_detector_count(c->engine));
    for (size_t i = 0; rc == PCL_OK && i < c->nups; i++) {
        const struct gw_upstream *u = &c->ups[i];

        rc = pcl_buf_appendf(out, "upstream   %-10s %s (credential %s%s)\n", u->name, u->url,
                             u->api_key != NULL ? "injected" : "none",
                             u->client_cert != NULL ? ", mTLS" : "");
    }
    for (size_t i = 0; rc == PCL_OK && i < c->nroutes; i++) {
        const struct gw_route *r = &c->routes[i];

        rc = pcl_buf_appendf(out, "route      %-28s %-11s -> %s (policy %s)\n", r->path,
                             pcl_gw_api_name(r->api), r->up->name, r->policy->name);
    }
    for (size_t i = 0; rc == PCL_OK && i < c->npolicies; i++) {
        const struct gw_policy *p = &c->policies[i];

        rc = pcl_buf_appendf(out, "policy     %-10s request:", p->name);
        for (unsigned b = 0; rc == PCL_OK && b < 6; b++) {
            rc = pcl_buf_appendf(out, " %s=%s", pcl_category_name(1u << b),
                                 pcl_gw_action_name(p->request.by_cat[b]));
        }
        rc = rc == PCL_OK ? pcl_buf_appends(out, "\n                      response:") : rc;
        for (unsigned b = 0; rc == PCL_OK && b < 6; b++) {
            rc = pcl_buf_appendf(out, " %s=%s", pcl_category_name(1u << b),
                                 pcl_gw_action_name(p->response.by_cat[b]));
        }
        rc = rc == PCL_OK ? pcl_buf_appendf(out, "\n                      on detector error: %s\n",
                                            p->fail_open ? "allow" : "block")
                          : rc;
        rc = rc == PCL_OK ? pcl_buf_appendf(out, "                      injection: %s%s\n",
                                            p->inject == GW_INJECT_OFF    ? "off"
                                            : p->inject == GW_INJECT_FLAG ? "flag"
                                                                          : "block",
                                            p->canary ? ", canary on" : "")
                          : rc;
    }
    return rc;
}

/* ---- small shared helpers ----------------------------------------------------------- */

bool
pcl_gw_glob(const char *pat, const char *s, size_t n)
{
    const char *star = NULL;
    size_t i = 0, mark = 0;

    while (i < n) {
        if (*pat == '*') {
            star = pat++;
            mark = i;
        } else if (*pat != '\0' && *pat == s[i]) {
            pat++;
            i++;
        } else if (star != NULL) {
            pat = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (*pat == '*') {
        pat++;
    }
    return *pat == '\0';
}

bool
pcl_gw_glob_list(const char *list, const char *s, size_t n)
{
    char one[256];

    if (list == NULL || list[0] == '\0') {
        return true;
    }
    while (*list != '\0') {
        const char *comma = strchr(list, ',');
        size_t len = comma != NULL ? (size_t)(comma - list) : strlen(list);

        while (len > 0 && *list == ' ') {
            list++;
            len--;
        }
        if (len < sizeof(one)) {
            memcpy(one, list, len);
            one[len] = '\0';
            if (pcl_gw_glob(one, s, n)) {
                return true;
            }
        }
        list += len;
        if (*list == ',') {
            list++;
        }
    }
    return false;
}

enum gw_action
pcl_gw_direction_action(const struct gw_direction *d, const char *type, uint32_t categories)
{
    enum gw_action a = GW_ALLOW;

    for (size_t i = 0; i < d->ntypes; i++) {
        if (strcmp(d->types[i].type, type) == 0) {
            return d->types[i].action;
        }
    }
    for (unsigned b = 0; b < 6; b++) {
        if ((categories & (1u << b)) != 0 && d->by_cat[b] > a) {
            a = d->by_cat[b];
        }
    }
    return a;
}

uint64_t
pcl_gw_now_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
