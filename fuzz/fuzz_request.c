/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the request inspector (src/gateway/request.c, inspect.c): any body, for
 * every API, is validated, walked and inspected (redacting) without a crash or leak, and a
 * body that validates still serializes. */
#include "inspect.h"

#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pcl_gw_config *cfg;
static struct gw_inspector *insp;

static int
on_text(void *ctx, json_t *s, const char *path)
{
    const struct gw_policy *p = ctx;
    struct gw_verdict v = {0};
    struct pcl_buf out;
    struct pcl_err err;
    bool changed = false;

    pcl_buf_init(&out, 1u << 20);
    if (pcl_gw_inspect_text(insp, p, &p->request, path, json_string_value(s), json_string_length(s),
                            &out, &changed, &v, &err) == PCL_OK &&
        changed) {
        (void)json_string_setn(s, out.ptr != NULL ? out.ptr : "", out.len);
    }
    pcl_buf_fini(&out);
    return 0;
}

static void
init(void)
{
    static const char yaml[] = "upstreams: [{name: u, url: 'http://127.0.0.1:9'}]\n"
                               "routes:\n"
                               "  - {path: /j, api: json, inspect: {request: ['a[*].b', '*', "
                               "'x[0]']}}\n"
                               "policies: [{name: p, max_tokens: 100, unknown_fields: strip}]\n";
    char path[] = "/tmp/pcl-fuzz-request-XXXXXX";
    int fd = mkstemp(path);
    struct pcl_err err;

    if (fd < 0 || write(fd, yaml, sizeof(yaml) - 1) != (ssize_t)(sizeof(yaml) - 1)) {
        abort();
    }
    (void)close(fd);
    if (pcl_gw_config_load(path, NULL, &cfg, &err) != PCL_OK ||
        pcl_gw_inspector_new(cfg, &insp, &err) != PCL_OK) {
        (void)fprintf(stderr, "%s\n", err.msg);
        abort();
    }
    (void)unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *body;

    if (cfg == NULL) {
        init();
    }
    for (int api = 0; api < GW_API_COUNT; api++) {
        struct gw_reqinfo info;
        char *out;

        body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
        if (body == NULL) {
            return 0;
        }
        if (pcl_gw_request_check((enum gw_api)api, &cfg->policies[0], 0, NULL, body, &info) ==
            PCL_OK) {
            pcl_gw_texts((enum gw_api)api, false, cfg->routes[0].req_fields, body, on_text,
                         &cfg->policies[0]);
            out = json_dumps(body, JSON_COMPACT);
            if (out == NULL && json_is_object(body)) {
                abort();
            }
            free(out); /* NOLINT: jansson allocates with malloc */
        }
        pcl_gw_texts((enum gw_api)api, true, cfg->routes[0].req_fields, body, on_text,
                     &cfg->policies[0]);
        json_decref(body);
    }
    return 0;
}
