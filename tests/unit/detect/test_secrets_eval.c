/* SPDX-License-Identifier: Apache-2.0 */
/* Recall of the default engine on gitleaks' published rule test strings
 * ($PCL_EVAL_DIR/secrets/gitleaks/rule_cases.jsonl), per gitleaks rule mapped to our types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <portcullis/detect.h>

#define MIN_RECALL 0.98

/*
 * gitleaks rule id -> the entity types of ours that count as detecting it (space separated).
 * Rules missing here are "not covered": their cases are excluded from the recall and listed.
 * Notes on the wider mappings:
 * - curl-auth-header is "a credential in a curl header": our Authorization-header detector
 *   (HTTP_CREDENTIALS), the keyword detector for api-key/token headers (GENERIC_SECRET) and
 *   the provider detectors for tokens sent that way (JWT, OPENAI_API_KEY) all count.
 * - vault-service-token: hvs./hvb. tokens are VAULT_TOKEN; the legacy "s." shape has no
 *   prefix worth a detector and is found by the keyword detector (GENERIC_SECRET).
 * - sidekiq-sensitive-url is a credential in a URL's user info (URL_CREDENTIALS).
 */
static const struct {
    const char *rule;
    const char *types;
} rule_map[] = {
    {"1password-service-account-token", "ONEPASSWORD_TOKEN"},
    {"anthropic-admin-api-key", "ANTHROPIC_API_KEY"},
    {"anthropic-api-key", "ANTHROPIC_API_KEY"},
    {"aws-access-token", "AWS_ACCESS_KEY_ID"},
    {"azure-ad-client-secret", "AZURE_CLIENT_SECRET"},
    {"curl-auth-header", "HTTP_CREDENTIALS GENERIC_SECRET JWT OPENAI_API_KEY"},
    {"curl-auth-user", "HTTP_CREDENTIALS"},
    {"facebook-access-token", "FACEBOOK_TOKEN"},
    {"facebook-page-access-token", "FACEBOOK_TOKEN"},
    {"gcp-api-key", "GOOGLE_API_KEY"},
    {"gcp-service-account", "GCP_SERVICE_ACCOUNT"},
    {"github-app-token", "GITHUB_TOKEN"},
    {"github-fine-grained-pat", "GITHUB_TOKEN"},
    {"github-oauth", "GITHUB_TOKEN"},
    {"github-pat", "GITHUB_TOKEN"},
    {"github-refresh-token", "GITHUB_TOKEN"},
    {"gitlab-pat", "GITLAB_TOKEN"},
    {"gitlab-pat-routable", "GITLAB_TOKEN"},
    {"gitlab-ptt", "GITLAB_TOKEN"},
    {"gitlab-runner-authentication-token-routable", "GITLAB_TOKEN"},
    {"huggingface-access-token", "HUGGINGFACE_TOKEN"},
    {"huggingface-organization-api-token", "HUGGINGFACE_TOKEN"},
    {"intra42-client-secret", "INTRA42_CLIENT_SECRET"},
    {"notion-api-token", "NOTION_TOKEN"},
    {"private-key", "PRIVATE_KEY"},
    {"sidekiq-sensitive-url", "URL_CREDENTIALS"},
    {"slack-bot-token", "SLACK_TOKEN"},
    {"slack-config-access-token", "SLACK_TOKEN"},
    {"slack-legacy-bot-token", "SLACK_TOKEN"},
    {"slack-legacy-token", "SLACK_TOKEN"},
    {"slack-legacy-workspace-token", "SLACK_TOKEN"},
    {"slack-user-token", "SLACK_TOKEN"},
    {"slack-webhook-url", "SLACK_WEBHOOK_URL"},
    {"sourcegraph-access-token", "SOURCEGRAPH_TOKEN"},
    {"vault-service-token", "VAULT_TOKEN GENERIC_SECRET"},
};

#define MAX_RULES 256

struct rule_stat {
    char id[96];
    int map;        /* index into rule_map, -1 = not covered */
    unsigned match; /* match cases */
    unsigned hit;   /* ... detected with a mapped type */
    unsigned any;   /* ... detected with any credential type */
    unsigned nomatch;
    unsigned flagged; /* no_match cases reported with a mapped type */
};

struct scan_ctx {
    const struct pcl_engine *e;
    const char *types; /* mapped types or NULL */
    bool mapped;
    bool credential;
};

static bool
type_listed(const char *types, const char *type)
{
    size_t n = strlen(type);
    const char *p = types;

    while (p != NULL && *p != '\0') {
        const char *sp = strchr(p, ' ');
        size_t len = sp != NULL ? (size_t)(sp - p) : strlen(p);

        if (len == n && memcmp(p, type, n) == 0) {
            return true;
        }
        p = sp != NULL ? sp + 1 : NULL;
    }
    return false;
}

static int
on_finding(void *ctx, const struct pcl_finding *f)
{
    struct scan_ctx *c = ctx;
    const struct pcl_detector_info *d = pcl_engine_detector(c->e, f->detector);

    if ((d->categories & PCL_CAT_CREDENTIAL) != 0) {
        c->credential = true;
    }
    if (c->types != NULL && type_listed(c->types, d->type)) {
        c->mapped = true;
    }
    return 0;
}

static int
map_index(const char *rule)
{
    for (size_t i = 0; i < sizeof(rule_map) / sizeof(rule_map[0]); i++) {
        if (strcmp(rule_map[i].rule, rule) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static struct rule_stat *
stat_find(struct rule_stat *st, size_t *n, const char *rule)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(st[i].id, rule) == 0) {
            return &st[i];
        }
    }
    if (*n == MAX_RULES) {
        return NULL;
    }
    memset(&st[*n], 0, sizeof(st[*n]));
    (void)snprintf(st[*n].id, sizeof(st[*n].id), "%s", rule);
    st[*n].map = map_index(rule);
    return &st[(*n)++];
}

static void
test_secrets_eval_gitleaks_recall(void **state)
{
    static char line[1 << 17];
    static struct rule_stat st[MAX_RULES];
    const char *dir = getenv("PCL_EVAL_DIR");
    char path[1024];
    FILE *f;
    struct pcl_engine_opts o = {.cache_dir = PCL_BINARY_DIR "/cache"};
    struct pcl_engine *e = NULL;
    struct pcl_scratch *s = NULL;
    struct pcl_err err = {0};
    size_t nst = 0;
    unsigned match = 0, hit = 0, nomatch = 0, flagged = 0, unc_match = 0, unc_any = 0;
    double recall;

    (void)state;
    if (dir == NULL || dir[0] == '\0') {
        printf("skipped: PCL_EVAL_DIR is not set (expects secrets/gitleaks/rule_cases.jsonl)\n");
        skip();
    }
    (void)snprintf(path, sizeof(path), "%s/secrets/gitleaks/rule_cases.jsonl", dir);
    f = fopen(path, "r");
    if (f == NULL) {
        printf("skipped: %s is missing\n", path);
        skip();
    }
    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_OK);
    assert_int_equal(pcl_scratch_new(e, &s, &err), PCL_OK);
    while (fgets(line, sizeof(line), f) != NULL) {
        json_error_t jerr;
        json_t *root = json_loads(line, 0, &jerr);
        const char *rule, *expect, *text;
        struct rule_stat *r;
        struct scan_ctx c = {.e = e};

        assert_non_null(root);
        rule = json_string_value(json_object_get(root, "rule_id"));
        expect = json_string_value(json_object_get(root, "expect"));
        text = json_string_value(json_object_get(root, "text"));
        assert_non_null(rule);
        assert_non_null(expect);
        assert_non_null(text);
        r = stat_find(st, &nst, rule);
        assert_non_null(r);
        if (r == NULL) { /* unreachable; tells -Wnull-dereference what assert_non_null does */
            json_decref(root);
            break;
        }
        c.types = r->map >= 0 ? rule_map[r->map].types : NULL;
        assert_int_equal(pcl_engine_scan(e, s, text,
                                         json_string_length(json_object_get(root, "text")),
                                         on_finding, &c, &err),
                         PCL_OK);
        if (strcmp(expect, "match") == 0) {
            r->match++;
            r->hit += c.mapped ? 1u : 0u;
            r->any += c.credential ? 1u : 0u;
            if (r->map >= 0 && !c.mapped) {
                printf("  missed %s: %.100s\n", rule, text);
            }
        } else {
            r->nomatch++;
            r->flagged += c.mapped ? 1u : 0u;
        }
        json_decref(root);
    }
    (void)fclose(f);

    printf("%-45s %5s %5s %8s %8s\n", "covered gitleaks rule", "match", "hit", "no_match",
           "flagged");
    for (size_t i = 0; i < nst; i++) {
        if (st[i].map < 0) {
            continue;
        }
        printf("%-45s %5u %5u %8u %8u\n", st[i].id, st[i].match, st[i].hit, st[i].nomatch,
               st[i].flagged);
        match += st[i].match;
        hit += st[i].hit;
        nomatch += st[i].nomatch;
        flagged += st[i].flagged;
    }
    printf("not covered (excluded):");
    for (size_t i = 0; i < nst; i++) {
        if (st[i].map < 0) {
            printf(" %s", st[i].id);
            unc_match += st[i].match;
            unc_any += st[i].any;
        }
    }
    printf("\n");
    recall = match > 0 ? (double)hit / (double)match : 1.0;
    printf("recall on covered rules: %u/%u = %.3f; no_match strings flagged with the mapped "
           "type: %u/%u\n",
           hit, match, recall, flagged, nomatch);
    printf("uncovered rules: %u/%u match strings still reported as some credential\n", unc_any,
           unc_match);
    pcl_scratch_free(s);
    pcl_engine_free(e);
    assert_true(match > 0);
    assert_true(recall >= MIN_RECALL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secrets_eval_gitleaks_recall),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
