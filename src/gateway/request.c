/* SPDX-License-Identifier: Apache-2.0 */
/* The request schemas of the OpenAI-compatible APIs (what is allowed, what is stripped,
 * what is capped) and where the text lives in requests and responses. */
#include "inspect.h"

/* Fields each API accepts; anything else is stripped, rejected or passed per policy. */
static const char *const chat_fields[] = {"audio",
                                          "frequency_penalty",
                                          "function_call",
                                          "functions",
                                          "logit_bias",
                                          "logprobs",
                                          "max_completion_tokens",
                                          "max_tokens",
                                          "messages",
                                          "metadata",
                                          "modalities",
                                          "model",
                                          "n",
                                          "parallel_tool_calls",
                                          "prediction",
                                          "presence_penalty",
                                          "reasoning_effort",
                                          "response_format",
                                          "seed",
                                          "service_tier",
                                          "stop",
                                          "store",
                                          "stream",
                                          "stream_options",
                                          "temperature",
                                          "tool_choice",
                                          "tools",
                                          "top_logprobs",
                                          "top_p",
                                          "user",
                                          NULL};
static const char *const completion_fields[] = {"best_of",
                                                "echo",
                                                "frequency_penalty",
                                                "logit_bias",
                                                "logprobs",
                                                "max_tokens",
                                                "model",
                                                "n",
                                                "presence_penalty",
                                                "prompt",
                                                "seed",
                                                "stop",
                                                "stream",
                                                "stream_options",
                                                "suffix",
                                                "temperature",
                                                "top_p",
                                                "user",
                                                NULL};
static const char *const embedding_fields[] = {
    "dimensions", "encoding_format", "input", "model", "user", NULL};
static const char *const response_fields[] = {"background",
                                              "include",
                                              "input",
                                              "instructions",
                                              "max_output_tokens",
                                              "metadata",
                                              "model",
                                              "parallel_tool_calls",
                                              "previous_response_id",
                                              "reasoning",
                                              "service_tier",
                                              "store",
                                              "stream",
                                              "temperature",
                                              "text",
                                              "tool_choice",
                                              "tools",
                                              "top_p",
                                              "truncation",
                                              "user",
                                              NULL};

static const char *const roles[] = {"system", "developer", "user", "assistant",
                                    "tool",   "function",  NULL};

static bool
in_list(const char *const *list, const char *s)
{
    for (; *list != NULL; list++) {
        if (strcmp(*list, s) == 0) {
            return true;
        }
    }
    return false;
}

static enum pcl_rc bad(struct gw_reqinfo *info, const char *param, const char *fmt, ...)
    PCL_PRINTF(3, 4);

static enum pcl_rc
bad(struct gw_reqinfo *info, const char *param, const char *fmt, ...)
{
    va_list ap;

    info->code = "invalid_value";
    (void)snprintf(info->param, sizeof(info->param), "%s", param);
    va_start(ap, fmt);
    (void)vsnprintf(info->message, sizeof(info->message), fmt, ap);
    va_end(ap);
    return PCL_EINVAL;
}

static int64_t
tokens_of(size_t bytes)
{
    return (int64_t)((bytes + 3) / 4);
}

/* Text content: a string, or an array of parts ({type, text, ...}); null when allowed. */
static enum pcl_rc
check_content(json_t *c, const char *param, const struct gw_policy *p, bool allow_null,
              struct gw_reqinfo *info)
{
    size_t max_text = p->max_text > 0 ? p->max_text : (1u << 20);
    size_t i;
    json_t *part;

    if (c == NULL || json_is_null(c)) {
        return allow_null ? PCL_OK : bad(info, param, "%s is required", param);
    }
    if (json_is_string(c)) {
        if (json_string_length(c) > max_text) {
            return bad(info, param, "%s is %zu bytes, more than the limit of %zu", param,
                       json_string_length(c), max_text);
        }
        info->est_prompt += tokens_of(json_string_length(c));
        return PCL_OK;
    }
    if (!json_is_array(c)) {
        return bad(info, param, "%s must be a string or an array of content parts", param);
    }
    json_array_foreach (c, i, part) {
        json_t *type = json_object_get(part, "type");
        json_t *text = json_object_get(part, "text");
        char sub[96];

        (void)pcl_gw_path(sub, sizeof(sub), param, i, NULL);
        if (!json_is_object(part) || !json_is_string(type)) {
            return bad(info, sub, "%s must be an object with a string \"type\"", sub);
        }
        if (text != NULL && !json_is_string(text)) {
            return bad(info, sub, "%s.text must be a string", sub);
        }
        if (text != NULL) {
            if (json_string_length(text) > max_text) {
                return bad(info, sub, "%s.text is longer than the limit of %zu bytes", sub,
                           max_text);
            }
            info->est_prompt += tokens_of(json_string_length(text));
        }
    }
    return PCL_OK;
}

static enum pcl_rc
check_messages(json_t *body, const struct gw_policy *p, struct gw_reqinfo *info)
{
    json_t *msgs = json_object_get(body, "messages");
    size_t max = p->max_messages > 0 ? p->max_messages : 2048;
    size_t i;
    json_t *m;

    if (!json_is_array(msgs) || json_array_size(msgs) == 0) {
        return bad(info, "messages", "messages must be a non-empty array");
    }
    if (json_array_size(msgs) > max) {
        return bad(info, "messages", "messages has %zu entries, more than the limit of %zu",
                   json_array_size(msgs), max);
    }
    json_array_foreach (msgs, i, m) {
        json_t *role = json_object_get(m, "role");
        char param[64];
        const char *r;
        enum pcl_rc rc;

        (void)pcl_gw_path(param, sizeof(param), "messages", i, NULL);
        if (!json_is_object(m)) {
            return bad(info, param, "%s must be an object", param);
        }
        (void)pcl_gw_path(param, sizeof(param), "messages", i, ".role");
        if (!json_is_string(role) || !in_list(roles, json_string_value(role))) {
            return bad(info, param,
                       "%s must be one of system, developer, user, assistant, tool, function",
                       param);
        }
        r = json_string_value(role);
        (void)pcl_gw_path(param, sizeof(param), "messages", i, ".content");
        rc = check_content(json_object_get(m, "content"), param, p,
                           strcmp(r, "assistant") == 0 &&
                               (json_object_get(m, "tool_calls") != NULL ||
                                json_object_get(m, "function_call") != NULL ||
                                json_object_get(m, "refusal") != NULL),
                           info);
        if (rc != PCL_OK) {
            return rc;
        }
        if (strcmp(r, "tool") == 0 && !json_is_string(json_object_get(m, "tool_call_id"))) {
            (void)pcl_gw_path(param, sizeof(param), "messages", i, ".tool_call_id");
            return bad(info, param, "%s is required for role tool", param);
        }
        info->est_prompt += 4;
    }
    return PCL_OK;
}

/* A string or an array of strings (or of token arrays, which carry no text to inspect). */
static enum pcl_rc
check_text_or_list(json_t *v, const char *param, const struct gw_policy *p, struct gw_reqinfo *info)
{
    size_t i;
    json_t *e;

    if (json_is_string(v)) {
        return check_content(v, param, p, false, info);
    }
    if (!json_is_array(v) || json_array_size(v) == 0) {
        return bad(info, param, "%s must be a string or a non-empty array", param);
    }
    json_array_foreach (v, i, e) {
        char sub[64];

        (void)pcl_gw_path(sub, sizeof(sub), param, i, NULL);
        if (json_is_string(e)) {
            enum pcl_rc rc = check_content(e, sub, p, false, info);

            if (rc != PCL_OK) {
                return rc;
            }
        } else if (json_is_integer(e) || json_is_array(e)) {
            info->est_prompt += json_is_array(e) ? (int64_t)json_array_size(e) : 1;
        } else {
            return bad(info, sub, "%s must be a string or tokens", sub);
        }
    }
    return PCL_OK;
}

static enum pcl_rc
check_responses_input(json_t *body, const struct gw_policy *p, struct gw_reqinfo *info)
{
    json_t *in = json_object_get(body, "input");
    json_t *ins = json_object_get(body, "instructions");
    size_t i;
    json_t *item;

    if (ins != NULL && !json_is_null(ins)) {
        enum pcl_rc rc = check_content(ins, "instructions", p, false, info);

        if (rc != PCL_OK) {
            return rc;
        }
    }
    if (in == NULL) {
        return json_object_get(body, "previous_response_id") != NULL
                   ? PCL_OK
                   : bad(info, "input", "input is required");
    }
    if (json_is_string(in)) {
        return check_content(in, "input", p, false, info);
    }
    if (!json_is_array(in)) {
        return bad(info, "input", "input must be a string or an array of items");
    }
    json_array_foreach (in, i, item) {
        char param[64];
        json_t *content = json_object_get(item, "content");

        (void)pcl_gw_path(param, sizeof(param), "input", i, NULL);
        if (!json_is_object(item)) {
            return bad(info, param, "%s must be an object", param);
        }
        if (content != NULL) {
            enum pcl_rc rc;

            (void)pcl_gw_path(param, sizeof(param), "input", i, ".content");
            rc = check_content(content, param, p, false, info);
            if (rc != PCL_OK) {
                return rc;
            }
        }
    }
    return PCL_OK;
}

static enum pcl_rc
check_int(json_t *body, const char *key, int64_t lo, int64_t hi, int64_t *out,
          struct gw_reqinfo *info)
{
    json_t *v = json_object_get(body, key);

    if (v == NULL || json_is_null(v)) {
        return PCL_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        return bad(info, key, "%s must be an integer from %lld to %lld", key, (long long)lo,
                   (long long)hi);
    }
    *out = json_integer_value(v);
    return PCL_OK;
}

static enum pcl_rc
check_number(json_t *body, const char *key, double lo, double hi, struct gw_reqinfo *info)
{
    json_t *v = json_object_get(body, key);

    if (v == NULL || json_is_null(v)) {
        return PCL_OK;
    }
    if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi) {
        return bad(info, key, "%s must be a number from %g to %g", key, lo, hi);
    }
    return PCL_OK;
}

static const char *const *
fields_of(enum gw_api api)
{
    switch (api) {
    case GW_API_CHAT:
        return chat_fields;
    case GW_API_COMPLETIONS:
        return completion_fields;
    case GW_API_EMBEDDINGS:
        return embedding_fields;
    case GW_API_RESPONSES:
        return response_fields;
    case GW_API_MODELS:
    case GW_API_JSON:
        break;
    }
    return NULL;
}

static enum pcl_rc
minimise(enum gw_api api, const struct gw_policy *p, json_t *body, struct gw_reqinfo *info)
{
    const char *const *known = fields_of(api);
    const char *key;
    json_t *v;
    void *tmp;

    if (known == NULL || p->unknown_fields == GW_UNKNOWN_PASS) {
        return PCL_OK;
    }
    json_object_foreach_safe(body, tmp, key, v)
    {
        if (in_list(known, key)) {
            continue;
        }
        if (p->unknown_fields == GW_UNKNOWN_REJECT) {
            return bad(info, key,
                       "unknown field %s (this route accepts only the documented "
                       "fields)",
                       key);
        }
        (void)json_object_del(body, key);
        info->stripped++;
        info->modified = true;
    }
    return PCL_OK;
}

static int64_t
cap_of(int64_t a, int64_t b)
{
    if (a > 0 && b > 0) {
        return PCL_MIN(a, b);
    }
    return a > 0 ? a : b;
}

enum pcl_rc
pcl_gw_request_check(enum gw_api api, const struct gw_policy *p, int64_t key_max,
                     const char *key_models, json_t *body, struct gw_reqinfo *info)
{
    const char *out_key = api == GW_API_RESPONSES ? "max_output_tokens" : "max_tokens";
    int64_t out = 0, n = 1, cap = cap_of(p->max_tokens, key_max);
    json_t *model, *stream;
    enum pcl_rc rc;

    memset(info, 0, sizeof(*info));
    if (!json_is_object(body)) {
        return bad(info, "", "the request body must be a JSON object");
    }
    if (api == GW_API_JSON) {
        return PCL_OK;
    }
    model = json_object_get(body, "model");
    if (!json_is_string(model) || json_string_length(model) == 0 ||
        json_string_length(model) > 256) {
        return bad(info, "model", "model must be a non-empty string");
    }
    info->model = json_string_value(model);
    if (p->models != NULL) {
        bool ok = false;

        for (char **g = p->models; *g != NULL && !ok; g++) {
            ok = pcl_gw_glob(*g, info->model, strlen(info->model));
        }
        if (!ok) {
            (void)bad(info, "model", "model %s is not allowed on this route", info->model);
            info->code = "model_not_allowed";
            return PCL_EINVAL;
        }
    }
    if (!pcl_gw_glob_list(key_models, info->model, strlen(info->model))) {
        (void)bad(info, "model", "model %s is not allowed for this key", info->model);
        info->code = "model_not_allowed";
        return PCL_EINVAL;
    }
    rc = minimise(api, p, body, info);
    if (rc != PCL_OK) {
        return rc;
    }
    stream = json_object_get(body, "stream");
    if (stream != NULL && !json_is_boolean(stream) && !json_is_null(stream)) {
        return bad(info, "stream", "stream must be true or false");
    }
    info->stream = json_is_true(stream);
    switch (api) {
    case GW_API_CHAT:
        rc = check_messages(body, p, info);
        if (rc == PCL_OK) {
            rc = check_int(body, "max_completion_tokens", 1, INT64_C(1) << 32, &out, info);
        }
        if (rc == PCL_OK && out > 0) {
            out_key = "max_completion_tokens";
        }
        break;
    case GW_API_COMPLETIONS:
        rc = check_text_or_list(json_object_get(body, "prompt"), "prompt", p, info);
        break;
    case GW_API_EMBEDDINGS:
        rc = check_text_or_list(json_object_get(body, "input"), "input", p, info);
        out_key = NULL;
        break;
    case GW_API_RESPONSES:
        rc = check_responses_input(body, p, info);
        break;
    case GW_API_MODELS:
    case GW_API_JSON:
        break;
    }
    if (rc == PCL_OK && out_key != NULL && out == 0) {
        rc = check_int(body, out_key, 1, INT64_C(1) << 32, &out, info);
    }
    if (rc == PCL_OK) {
        rc = check_int(body, "n", 1, 128, &n, info);
    }
    if (rc == PCL_OK) {
        rc = check_number(body, "temperature", 0, 2, info);
    }
    if (rc == PCL_OK) {
        rc = check_number(body, "top_p", 0, 1, info);
    }
    if (rc != PCL_OK) {
        return rc;
    }
    if (out_key != NULL && cap > 0) {
        if (out > cap) {
            return bad(info, out_key, "%s is %lld, more than the cap of %lld for this key/route",
                       out_key, (long long)out, (long long)cap);
        }
        if (out == 0) {
            out = cap;
            (void)json_object_set_new(body, out_key, json_integer(cap));
            info->modified = true;
        }
    }
    info->max_output = out * n;
    if (info->stream && (api == GW_API_CHAT || api == GW_API_COMPLETIONS)) {
        json_t *so = json_object_get(body, "stream_options");

        if (so != NULL && !json_is_object(so) && !json_is_null(so)) {
            return bad(info, "stream_options", "stream_options must be an object");
        }
        info->client_usage = json_is_true(json_object_get(so, "include_usage"));
        if (!json_is_object(so)) {
            so = json_object();
            if (so == NULL || json_object_set_new(body, "stream_options", so) != 0) {
                return PCL_ENOMEM;
            }
        }
        info->modified = info->modified || !info->client_usage;
        /* Ask for usage so tokens settle from the upstream's count, not an estimate. */
        if (json_object_set_new(so, "include_usage", json_true()) != 0) {
            return PCL_ENOMEM;
        }
    }
    return PCL_OK;
}

/* ---- text fields -------------------------------------------------------------------- */

size_t
pcl_gw_path(char *out, size_t cap, const char *pre, size_t idx, const char *post)
{
    char num[PCL_I64_CHARS];

    if (idx == PCL_GW_NO_INDEX) {
        return pcl_strjoin(out, cap, (const char *const[]){pre, post != NULL ? post : "", NULL});
    }
    (void)pcl_fmt_i64(num, (int64_t)idx);
    return pcl_strjoin(out, cap,
                       (const char *const[]){pre, "[", num, "]", post != NULL ? post : "", NULL});
}

struct walk {
    gw_text_fn *fn;
    void *ctx;
    bool stop;
    char path[160];
};

/* The path is built only for a string: most probed members are absent. */
static void
visit(struct walk *w, json_t *s, const char *pre, size_t idx, const char *post)
{
    if (w->stop || !json_is_string(s)) {
        return;
    }
    (void)pcl_gw_path(w->path, sizeof(w->path), pre, idx, post);
    w->stop = w->fn(w->ctx, s, w->path) != 0;
}

/* A content value: string, or parts with "text". */
static void
visit_content(struct walk *w, json_t *c, const char *prefix)
{
    size_t i;
    json_t *part;

    if (json_is_string(c)) {
        visit(w, c, prefix, PCL_GW_NO_INDEX, NULL);
        return;
    }
    json_array_foreach (c, i, part) {
        visit(w, json_object_get(part, "text"), prefix, i, ".text");
        visit(w, json_object_get(part, "refusal"), prefix, i, ".refusal");
    }
}

static void
visit_tool_calls(struct walk *w, json_t *calls, const char *prefix)
{
    size_t i;
    json_t *c;
    char pre[128];

    if (json_array_size(calls) == 0) {
        return;
    }
    (void)pcl_gw_path(pre, sizeof(pre), prefix, PCL_GW_NO_INDEX, ".tool_calls");
    json_array_foreach (calls, i, c) {
        visit(w, json_object_get(json_object_get(c, "function"), "arguments"), pre, i,
              ".function.arguments");
    }
}

static void
visit_list(struct walk *w, json_t *v, const char *name)
{
    size_t i;
    json_t *e;

    if (json_is_string(v)) {
        visit(w, v, name, PCL_GW_NO_INDEX, NULL);
    }
    json_array_foreach (v, i, e) {
        visit(w, e, name, i, NULL);
    }
}

/* Configured path: keys separated by '.', "[*]" or "*" for every element/member,
 * "[N]" for one element. Iterative over a bounded frontier of nodes. */
#define PATH_FRONTIER 4096
static void
visit_path(struct walk *w, json_t *root, const char *path)
{
    json_t **cur = pcl_calloc(PATH_FRONTIER, sizeof(*cur));
    json_t **next = pcl_calloc(PATH_FRONTIER, sizeof(*next));
    size_t ncur = 1;
    const char *p = path;

    if (cur == NULL || next == NULL) {
        goto out;
    }
    cur[0] = root;
    while (*p != '\0' && ncur > 0) {
        char seg[128];
        size_t len = 0, nnext = 0;

        if (*p == '.') {
            p++;
        }
        if (*p == '[') {
            while (*p != '\0' && *p != ']' && len + 1 < sizeof(seg)) {
                seg[len++] = *p++;
            }
            if (*p == ']') {
                seg[len++] = *p++;
            }
        } else {
            while (*p != '\0' && *p != '.' && *p != '[' && len + 1 < sizeof(seg)) {
                seg[len++] = *p++;
            }
        }
        seg[len] = '\0';
        for (size_t i = 0; i < ncur; i++) {
            json_t *n = cur[i];

            if (strcmp(seg, "[*]") == 0 || strcmp(seg, "*") == 0) {
                size_t k;
                json_t *e;
                const char *key;

                json_array_foreach (n, k, e) {
                    if (nnext < PATH_FRONTIER) {
                        next[nnext++] = e;
                    }
                }
                if (json_is_object(n)) {
                    json_object_foreach (n, key, e) {
                        if (nnext < PATH_FRONTIER) {
                            next[nnext++] = e;
                        }
                    }
                }
            } else if (seg[0] == '[') {
                json_t *e = json_array_get(n, strtoul(seg + 1, NULL, 10));

                if (e != NULL && nnext < PATH_FRONTIER) {
                    next[nnext++] = e;
                }
            } else {
                json_t *e = json_object_get(n, seg);

                if (e != NULL && nnext < PATH_FRONTIER) {
                    next[nnext++] = e;
                }
            }
        }
        {
            json_t **t = cur;

            cur = next;
            next = t;
            ncur = nnext;
        }
    }
    for (size_t i = 0; i < ncur; i++) {
        visit(w, cur[i], path, PCL_GW_NO_INDEX, NULL);
    }
out:
    pcl_free(cur);
    pcl_free(next);
}

void
pcl_gw_texts(enum gw_api api, bool response, char *const *fields, json_t *body, gw_text_fn *fn,
             void *ctx)
{
    struct walk w = {.fn = fn, .ctx = ctx};
    size_t i;
    json_t *e;
    char prefix[64];

    switch (api) {
    case GW_API_CHAT:
        if (!response) {
            json_array_foreach (json_object_get(body, "messages"), i, e) {
                (void)pcl_gw_path(prefix, sizeof(prefix), "messages", i, ".content");
                visit_content(&w, json_object_get(e, "content"), prefix);
                (void)pcl_gw_path(prefix, sizeof(prefix), "messages", i, NULL);
                visit_tool_calls(&w, json_object_get(e, "tool_calls"), prefix);
            }
            break;
        }
        json_array_foreach (json_object_get(body, "choices"), i, e) {
            json_t *m = json_object_get(e, "message");

            (void)pcl_gw_path(prefix, sizeof(prefix), "choices", i, ".message.content");
            visit_content(&w, json_object_get(m, "content"), prefix);
            visit(&w, json_object_get(m, "refusal"), "choices", i, ".message.refusal");
            (void)pcl_gw_path(prefix, sizeof(prefix), "choices", i, ".message");
            visit_tool_calls(&w, json_object_get(m, "tool_calls"), prefix);
        }
        break;
    case GW_API_COMPLETIONS:
        if (!response) {
            visit_list(&w, json_object_get(body, "prompt"), "prompt");
            visit(&w, json_object_get(body, "suffix"), "suffix", PCL_GW_NO_INDEX, NULL);
            break;
        }
        json_array_foreach (json_object_get(body, "choices"), i, e) {
            visit(&w, json_object_get(e, "text"), "choices", i, ".text");
        }
        break;
    case GW_API_EMBEDDINGS:
        if (!response) {
            visit_list(&w, json_object_get(body, "input"), "input");
        }
        break;
    case GW_API_RESPONSES:
        if (!response) {
            visit(&w, json_object_get(body, "instructions"), "instructions", PCL_GW_NO_INDEX, NULL);
            visit(&w, json_object_get(body, "input"), "input", PCL_GW_NO_INDEX, NULL);
            json_array_foreach (json_object_get(body, "input"), i, e) {
                (void)pcl_gw_path(prefix, sizeof(prefix), "input", i, ".content");
                visit_content(&w, json_object_get(e, "content"), prefix);
                visit(&w, json_object_get(e, "output"), "input", i, ".output");
                visit(&w, json_object_get(e, "arguments"), "input", i, ".arguments");
            }
            break;
        }
        json_array_foreach (json_object_get(body, "output"), i, e) {
            (void)pcl_gw_path(prefix, sizeof(prefix), "output", i, ".content");
            visit_content(&w, json_object_get(e, "content"), prefix);
            visit(&w, json_object_get(e, "arguments"), "output", i, ".arguments");
        }
        visit(&w, json_object_get(body, "output_text"), "output_text", PCL_GW_NO_INDEX, NULL);
        break;
    case GW_API_MODELS:
        break;
    case GW_API_JSON:
        for (char *const *f = fields; f != NULL && *f != NULL && !w.stop; f++) {
            visit_path(&w, body, *f);
        }
        break;
    }
}

/* Every string under a member named text, delta, arguments, refusal or output_text, at any
 * depth (the responses API repeats the text in several event shapes). Iterative; false when
 * the document nests deeper than the walker follows (the caller fails closed). */
#define NAMED_DEPTH 64
bool
pcl_gw_texts_named(json_t *root, gw_text_fn *fn, void *ctx)
{
    static const char *const names[] = {"text",    "delta",       "arguments",
                                        "refusal", "output_text", NULL};
    struct {
        json_t *node;
        void *iter;  /* objects */
        size_t next; /* arrays */
    } stack[NAMED_DEPTH];
    size_t depth = 0;
    bool complete = true;

    stack[0].node = root;
    stack[0].iter = json_is_object(root) ? json_object_iter(root) : NULL;
    stack[0].next = 0;
    depth = json_is_object(root) || json_is_array(root) ? 1 : 0;
    while (depth > 0) {
        json_t *n = stack[depth - 1].node;
        json_t *child = NULL;
        const char *key = NULL;

        if (json_is_object(n) && stack[depth - 1].iter != NULL) {
            key = json_object_iter_key(stack[depth - 1].iter);
            child = json_object_iter_value(stack[depth - 1].iter);
            stack[depth - 1].iter = json_object_iter_next(n, stack[depth - 1].iter);
        } else if (json_is_array(n) && stack[depth - 1].next < json_array_size(n)) {
            child = json_array_get(n, stack[depth - 1].next++);
        } else {
            depth--;
            continue;
        }
        if (json_is_string(child) && key != NULL && in_list(names, key)) {
            if (fn(ctx, child, key) != 0) {
                return complete;
            }
        } else if (json_is_object(child) || json_is_array(child)) {
            if (depth == NAMED_DEPTH) {
                complete = false;
                continue;
            }
            stack[depth].node = child;
            stack[depth].iter = json_is_object(child) ? json_object_iter(child) : NULL;
            stack[depth].next = 0;
            depth++;
        }
    }
    return complete;
}
