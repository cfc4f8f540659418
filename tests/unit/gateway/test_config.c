/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the gateway configuration: defaults, ${VAR} substitution, and errors that name
 * the file, line and field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "gw.h"

static enum pcl_rc
load(const char *yaml, struct pcl_gw_config **c, struct pcl_err *err)
{
    char path[] = "/tmp/pcl-gwcfg-XXXXXX";
    int fd = mkstemp(path);
    enum pcl_rc rc;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
    (void)close(fd);
    rc = pcl_gw_config_load(path, NULL, c, err);
    (void)unlink(path);
    return rc;
}

static void
test_config_defaults_and_env(void **state)
{
    struct pcl_gw_config *c = NULL;
    struct pcl_err err;

    (void)state;
    (void)setenv("PCL_TEST_UP", "https://api.example.com:8443/base/", 1);
    (void)unsetenv("PCL_TEST_NOPE");
    assert_int_equal(load("upstreams:\n"
                          "  - name: a\n"
                          "    url: ${PCL_TEST_UP}\n"
                          "    api_key: ${PCL_TEST_NOPE:-}\n"
                          "server: {listen: '[::1]:0', read_timeout: 250ms, max_body: 2MiB}\n",
                          &c, &err),
                     PCL_OK);
    assert_string_equal(c->ups[0].host, "api.example.com");
    assert_int_equal(c->ups[0].port, 8443);
    assert_true(c->ups[0].tls);
    assert_string_equal(c->ups[0].base_path, "/base");
    assert_null(c->ups[0].api_key); /* empty means unset */
    assert_string_equal(c->listen_host, "::1");
    assert_int_equal(c->read_timeout_ms, 250);
    assert_int_equal(c->max_body, 2u << 20);
    assert_int_equal(c->nroutes, 5); /* the OpenAI routes by default */
    assert_string_equal(c->routes[0].policy->name, "default");
    assert_int_equal(c->routes[0].policy->request.by_cat[5], GW_BLOCK); /* credential */
    pcl_gw_config_free(c);
}

/* "policies: []" is the same as no policies: one default policy (and under the fuzzer's leak
 * check, the empty list's array is freed) */
static void
test_config_empty_policies(void **state)
{
    struct pcl_gw_config *c = NULL;
    struct pcl_err err;

    (void)state;
    assert_int_equal(load("upstreams: [{name: a, url: 'http://x'}]\npolicies: []\n", &c, &err),
                     PCL_OK);
    assert_int_equal(c->npolicies, 1);
    assert_string_equal(c->policies[0].name, "default");
    assert_ptr_equal(c->routes[0].policy, &c->policies[0]);
    pcl_gw_config_free(c);
}

static void
test_config_errors_name_line_and_field(void **state)
{
    static const struct {
        const char *yaml;
        const char *want;
    } cases[] = {
        {"upstreams: [{name: a, url: 'http://x'}]\nserver:\n  lisen: 1\n", "line 3"},
        {"upstreams: [{name: a, url: 'http://x'}]\nserver:\n  lisen: 1\n", "unknown key \"lisen\""},
        {"upstreams: [{name: a, url: 'ftp://x'}]\n", "url: expected http"},
        {"upstreams: [{name: a, url: 'http://x'}]\nroutes: [{path: /v1/x, api: chat, upstream: "
         "b}]\n",
         "no upstream named \"b\""},
        {"upstreams: [{name: a, url: 'http://x', api_key: '${PCL_TEST_UNSET_VAR}'}]\n",
         "PCL_TEST_UNSET_VAR is not set"},
        {"upstreams: [{name: a, url: 'http://x'}]\npolicies: [{name: p, request: {contact: "
         "shred}}]\n",
         "expected allow, alert, redact or block"},
        {"upstreams: [{name: a, url: 'http://x'}]\nroutes: [{path: /v2/infer, api: json}]\n",
         "names the fields to inspect"},
        {"upstreams: [{name: a, url: 'http://x'}]\nserver: {stream_holdback: 10}\n", "at least 64"},
        {"routes: []\n", "no upstreams"},
        {"upstreams: [{name: a, url: 'http://x'}]\nroutes: []\n", "line 2: routes: empty list"},
        {"upstreams: [{name: a, url: 'http://x'}]\nstore: a\nstore: b\n", "line 3: duplicate key"},
        {"server: [1\n", "line 2, column 1"},
        /* a type rule for a type no detector reports would never apply */
        {"upstreams: [{name: a, url: 'http://x'}]\npolicies:\n  - name: p\n    request:\n"
         "      types: {EMAIL_ADDRESS: alert,\n              CREDIT_CARD_NUMBER: block}\n",
         "line 6: policies.p.request.types: unknown entity type \"CREDIT_CARD_NUMBER\"; did "
         "you mean CREDIT_CARD?"},
        {"upstreams: [{name: a, url: 'http://x'}]\npolicies: [{name: q, response: {types: "
         "{ssn: redact}}}]\n",
         "policies.q.response.types: unknown entity type \"ssn\" (`portcullis"},
    };

    (void)state;
    (void)unsetenv("PCL_TEST_UNSET_VAR");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pcl_gw_config *c = NULL;
        struct pcl_err err;

        if (load(cases[i].yaml, &c, &err) == PCL_OK) {
            fail_msg("case %zu loaded", i);
        }
        assert_null(c);
        if (strstr(err.msg, cases[i].want) == NULL) {
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
        }
    }
}

static void
test_config_globs(void **state)
{
    (void)state;
    assert_true(pcl_gw_glob("gpt-*", "gpt-4o", 6));
    assert_false(pcl_gw_glob("gpt-*", "claude", 6));
    assert_true(pcl_gw_glob("*mini*", "gpt-4o-mini-x", 13));
    assert_true(pcl_gw_glob_list(NULL, "x", 1));
    assert_true(pcl_gw_glob_list("a, /v1/*", "/v1/chat", 8));
    assert_false(pcl_gw_glob_list("a,b", "c", 1));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_defaults_and_env),
        cmocka_unit_test(test_config_empty_policies),
        cmocka_unit_test(test_config_errors_name_line_and_field),
        cmocka_unit_test(test_config_globs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
