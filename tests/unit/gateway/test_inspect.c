/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for request validation, text-field walking and policy application, including the
 * streamed-text hold-back: any chunking gives the same text as redacting the whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <unistd.h>

#include "inspect.h"

static struct pcl_gw_config *cfg;
static struct gw_inspector *insp;

static int
setup(void **state)
{
    char path[] = "/tmp/pcl-gw-XXXXXX";
    int fd = mkstemp(path);
    static const char yaml[] =
        "upstreams: [{name: u, url: 'http://127.0.0.1:9'}]\n"
        "policies:\n"
        "  - name: p\n"
        "    request: {credential: block, contact: redact, financial: redact}\n"
        "    response: {credential: redact, contact: redact, financial: redact, "
        "government_id: block}\n"
        "    max_tokens: 100\n"
        "    models: ['gpt-*']\n";
    struct pcl_err err;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, yaml, sizeof(yaml) - 1), (ssize_t)(sizeof(yaml) - 1));
    (void)close(fd);
    if (pcl_gw_config_load(path, NULL, &cfg, &err) != PCL_OK) {
        fail_msg("%s", err.msg);
    }
    (void)unlink(path);
    assert_int_equal(pcl_gw_inspector_new(cfg, &insp, &err), PCL_OK);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    pcl_gw_inspector_free(insp);
    pcl_gw_config_free(cfg);
    return 0;
}

static void
test_request_check_table(void **state)
{
    static const struct {
        enum gw_api api;
        const char *body;
        enum pcl_rc rc;
        const char *param; /* on error */
    } cases[] = {
        {GW_API_CHAT,
         "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", PCL_OK,
         NULL},
        {GW_API_CHAT, "[]", PCL_EINVAL, ""},
        {GW_API_CHAT, "{\"messages\":[]}", PCL_EINVAL, "model"},
        {GW_API_CHAT, "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}",
         PCL_EINVAL, "model"},
        {GW_API_CHAT, "{\"model\":\"gpt-4o\",\"messages\":[]}", PCL_EINVAL, "messages"},
        {GW_API_CHAT, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"root\",\"content\":\"a\"}]}",
         PCL_EINVAL, "messages[0].role"},
        {GW_API_CHAT, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":5}]}",
         PCL_EINVAL, "messages[0].content"},
        {GW_API_CHAT,
         "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"a\"}]}]}",
         PCL_EINVAL, "messages[0].content[0]"},
        {GW_API_CHAT, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"tool\",\"content\":\"a\"}]}",
         PCL_EINVAL, "messages[0].tool_call_id"},
        {GW_API_CHAT,
         "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"assistant\",\"content\":null,"
         "\"tool_calls\":[]}]}",
         PCL_OK, NULL},
        {GW_API_CHAT,
         "{\"model\":\"gpt-4o\",\"max_tokens\":101,\"messages\":[{\"role\":\"user\",\"content\":"
         "\"a\"}]}",
         PCL_EINVAL, "max_tokens"},
        {GW_API_CHAT,
         "{\"model\":\"gpt-4o\",\"n\":0,\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}",
         PCL_EINVAL, "n"},
        {GW_API_CHAT,
         "{\"model\":\"gpt-4o\",\"temperature\":3,\"messages\":[{\"role\":\"user\",\"content\":"
         "\"a\"}]}",
         PCL_EINVAL, "temperature"},
        {GW_API_CHAT,
         "{\"model\":\"gpt-4o\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":"
         "\"a\"}]}",
         PCL_EINVAL, "stream"},
        {GW_API_EMBEDDINGS, "{\"model\":\"gpt-e\",\"input\":[\"a\",[1,2]]}", PCL_OK, NULL},
        {GW_API_EMBEDDINGS, "{\"model\":\"gpt-e\",\"input\":[{}]}", PCL_EINVAL, "input[0]"},
        {GW_API_COMPLETIONS, "{\"model\":\"gpt-3\",\"prompt\":\"x\"}", PCL_OK, NULL},
        {GW_API_RESPONSES, "{\"model\":\"gpt-5\",\"input\":[{\"role\":\"user\",\"content\":7}]}",
         PCL_EINVAL, "input[0].content"},
    };
    const struct gw_policy *p = pcl_gw_policy_find(cfg, "p");

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *body = json_loads(cases[i].body, 0, NULL);
        struct gw_reqinfo info;

        assert_non_null(body);
        if (pcl_gw_request_check(cases[i].api, p, 0, NULL, body, &info) != cases[i].rc) {
            fail_msg("case %zu: %s", i, info.message);
        }
        if (cases[i].param != NULL) {
            assert_string_equal(info.param, cases[i].param);
            assert_true(info.message[0] != '\0' || cases[i].param[0] == '\0');
        }
        json_decref(body);
    }
}

static void
test_request_check_minimises(void **state)
{
    const struct gw_policy *p = pcl_gw_policy_find(cfg, "p");
    json_t *body = json_loads("{\"model\":\"gpt-4o\",\"stream\":true,\"evil\":1,\"x\":{},"
                              "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}",
                              0, NULL);
    struct gw_reqinfo info;

    (void)state;
    assert_int_equal(pcl_gw_request_check(GW_API_CHAT, p, 50, "gpt-4*", body, &info), PCL_OK);
    assert_int_equal(info.stripped, 2);
    assert_null(json_object_get(body, "evil"));
    /* the key's cap (50) is tighter than the policy's (100) and fills in max_tokens */
    assert_int_equal(json_integer_value(json_object_get(body, "max_tokens")), 50);
    assert_true(
        json_is_true(json_object_get(json_object_get(body, "stream_options"), "include_usage")));
    assert_false(info.client_usage);
    assert_true(info.stream);
    assert_int_equal(info.max_output, 50);
    json_decref(body);
    /* the key's model scope applies too */
    body = json_loads(
        "{\"model\":\"gpt-3.5\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}", 0, NULL);
    assert_int_equal(pcl_gw_request_check(GW_API_CHAT, p, 0, "gpt-4*", body, &info), PCL_EINVAL);
    assert_string_equal(info.param, "model");
    json_decref(body);
}

struct seen {
    char paths[8][96];
    size_t n;
};

static int
on_text(void *ctx, json_t *s, const char *path)
{
    struct seen *sn = ctx;

    (void)s;
    if (sn->n < 8) {
        (void)snprintf(sn->paths[sn->n++], 96, "%s", path);
    }
    return 0;
}

static void
test_texts_paths(void **state)
{
    json_t *chat = json_loads(
        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":"
        "[{\"type\":\"text\",\"text\":\"b\"},{\"type\":\"image_url\",\"image_url\":{}}]},"
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"function\":{\"arguments\":"
        "\"{}\"}}]}]}",
        0, NULL);
    json_t *kserve = json_loads("{\"inputs\":[{\"data\":[\"x\",\"y\"]},{\"data\":[1]}]}", 0, NULL);
    char field[] = "inputs[*].data[*]";
    char *fields[] = {field, NULL};
    struct seen s = {0};

    (void)state;
    pcl_gw_texts(GW_API_CHAT, false, NULL, chat, on_text, &s);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.paths[0], "messages[0].content");
    assert_string_equal(s.paths[1], "messages[1].content[0].text");
    assert_string_equal(s.paths[2], "messages[2].tool_calls[0].function.arguments");
    memset(&s, 0, sizeof(s));
    pcl_gw_texts(GW_API_JSON, false, fields, kserve, on_text, &s);
    assert_int_equal(s.n, 2); /* the number is not text */
    json_decref(chat);
    json_decref(kserve);
}

static void
test_inspect_text_actions(void **state)
{
    const struct gw_policy *p = pcl_gw_policy_find(cfg, "p");
    struct gw_verdict v = {0};
    struct pcl_buf out;
    struct pcl_err err;
    bool changed;
    static const char mail[] = "write to jane.doe@example.com today";
    static const char key[] = "key AKIAZ3MHQXLP7RW2NDVC here";

    (void)state;
    pcl_buf_init(&out, 0);
    assert_int_equal(pcl_gw_inspect_text(insp, p, &p->request, "m", mail, sizeof(mail) - 1, &out,
                                         &changed, &v, &err),
                     PCL_OK);
    assert_true(changed);
    assert_string_equal(out.ptr, "write to <EMAIL_ADDRESS> today");
    assert_int_equal(v.action, GW_REDACT);
    assert_int_equal(v.redacted, 1);
    memset(&v, 0, sizeof(v));
    pcl_buf_reset(&out);
    assert_int_equal(pcl_gw_inspect_text(insp, p, &p->request, "messages[3].content", key,
                                         sizeof(key) - 1, &out, &changed, &v, &err),
                     PCL_OK);
    assert_int_equal(v.action, GW_BLOCK);
    assert_string_equal(v.where, "messages[3].content");
    assert_false(changed);
    pcl_buf_fini(&out);
}

/* Feed text in chunks of `step`, return everything released. */
static void
stream_all(const char *text, size_t step, size_t holdback, struct pcl_buf *got,
           struct gw_verdict *v)
{
    const struct gw_policy *p = pcl_gw_policy_find(cfg, "p");
    struct gw_textstream ts;
    struct pcl_err err;
    size_t n = strlen(text);

    pcl_gw_textstream_init(&ts, holdback);
    for (size_t i = 0; i <= n; i += step) {
        bool fin = i + step > n;

        assert_int_equal(
            pcl_gw_textstream_feed(&ts, insp, p, "s", text + i, fin ? n - i : step, fin, v, &err),
            PCL_OK);
        assert_int_equal(pcl_buf_append(got, ts.out.ptr != NULL ? ts.out.ptr : "", ts.out.len),
                         PCL_OK);
        if (v->action == GW_BLOCK) {
            break;
        }
    }
    pcl_gw_textstream_fini(&ts);
}

static void
test_textstream_equals_whole(void **state)
{
    static const char *const texts[] = {
        "Sure. Mail jane.doe@example.com or call. Card 4111 1111 1111 1111 expires soon; the "
        "key is AKIAZ3MHQXLP7RW2NDVC and nothing else. Thanks!",
        "no findings here at all, just a plain sentence that goes on for a while to pass the "
        "hold-back window more than once, and once more, and once more again.",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAvRk3oT0sMBmWcqZ4fNr5mQbsKs7h+H7Y1xN9Gv"
        "Q6n2Q0jv8sD1uQKq3NhyjhDEmv8LtKx7D6bKzh8c0o0o2Yh2cK1OZ4l9m5qG7rL3JrZk0sQ+1z1Dk8sO8k3\n"
        "-----END RSA PRIVATE KEY-----\n",
    };
    const struct gw_policy *p = pcl_gw_policy_find(cfg, "p");

    (void)state;
    for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        struct pcl_buf whole, got;
        struct gw_verdict v0 = {0};
        struct pcl_err err;
        bool changed;

        pcl_buf_init(&whole, 0);
        assert_int_equal(pcl_gw_inspect_text(insp, p, &p->response, "s", texts[t], strlen(texts[t]),
                                             &whole, &changed, &v0, &err),
                         PCL_OK);
        if (!changed) {
            assert_int_equal(pcl_buf_append(&whole, texts[t], strlen(texts[t])), PCL_OK);
        }
        for (size_t step = 1; step <= 17; step++) {
            for (size_t hb = 64; hb <= 128; hb += 64) {
                struct gw_verdict v = {0};

                pcl_buf_init(&got, 0);
                stream_all(texts[t], step, hb, &got, &v);
                if (got.len != whole.len || memcmp(got.ptr, whole.ptr, got.len) != 0) {
                    fail_msg("text %zu step %zu holdback %zu:\n got [%.*s]\nwant [%.*s]", t, step,
                             hb, (int)got.len, got.ptr, (int)whole.len, whole.ptr);
                }
                assert_int_equal(v.redacted, v0.redacted);
                pcl_buf_fini(&got);
            }
        }
        pcl_buf_fini(&whole);
    }
}

static void
test_textstream_releases_early_and_blocks(void **state)
{
    const struct gw_policy *p = pcl_gw_policy_find(cfg, "p");
    struct gw_textstream ts;
    struct gw_verdict v = {0};
    struct pcl_err err;
    char chunk[64];

    (void)state;
    /* with a 64-byte hold-back, plain text flows with at most 64 bytes (+ the last word) held */
    pcl_gw_textstream_init(&ts, 64);
    for (int i = 0; i < 20; i++) {
        (void)snprintf(chunk, sizeof(chunk), "word%02d ", i);
        assert_int_equal(
            pcl_gw_textstream_feed(&ts, insp, p, "s", chunk, strlen(chunk), false, &v, &err),
            PCL_OK);
        assert_true(ts.pending.len <= 64 + 7 + 16); /* hold-back + last word + release step */
    }
    pcl_gw_textstream_fini(&ts);
    /* a blocked type (US SSN is government_id -> block in responses) releases nothing more */
    memset(&v, 0, sizeof(v));
    pcl_gw_textstream_init(&ts, 64);
    assert_int_equal(
        pcl_gw_textstream_feed(&ts, insp, p, "s", "SSN 536-22-8726 ok", 18, true, &v, &err),
        PCL_OK);
    assert_int_equal(v.action, GW_BLOCK);
    assert_int_equal(ts.out.len, 0);
    pcl_gw_textstream_fini(&ts);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_check_table),
        cmocka_unit_test(test_request_check_minimises),
        cmocka_unit_test(test_texts_paths),
        cmocka_unit_test(test_inspect_text_actions),
        cmocka_unit_test(test_textstream_equals_whole),
        cmocka_unit_test(test_textstream_releases_early_and_blocks),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
