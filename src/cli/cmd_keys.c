/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis keys create|list|show|revoke|rotate`: API keys for the gateway. */
#include "cli.h"

#include <portcullis/gateway.h>

#include <getopt.h>
#include <sodium.h>
#include <time.h>

static const char keys_usage[] =
    "usage: portcullis keys [--store URL | --config FILE] COMMAND ...\n"
    "\n"
    "  create --name NAME [--routes GLOBS] [--models GLOBS] [--policy NAME]\n"
    "         [--max-tokens N] [--rpm N] [--tpm N] [--concurrent N]\n"
    "         [--budget N --period day|month] [--expires-in DAYS]\n"
    "                         print a new key (shown once; only its hash is stored)\n"
    "  list [--all] [--json]  keys (with --all also revoked ones)\n"
    "  show ID [--json]       one key's scopes and limits\n"
    "  revoke ID              revoke now (the gateway notices within 1 s)\n"
    "  rotate ID [--grace SECONDS]\n"
    "                         new key with the same scopes; the old one stops after the grace\n"
    "\n"
    "The store is --store, else the config's `store:` (--config, default portcullis.yaml\n"
    "when present), else sqlite://portcullis.db. Globs are comma-separated, '*' = any.\n";

static void
when(int64_t t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
        (void)snprintf(out, cap, "-");
        return;
    }
    (void)strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
print_json(const struct pcl_key_info *k, const char *secret)
{
    struct pcl_buf b;
    struct pcl_jw w;
    int64_t now = (int64_t)time(NULL);

    pcl_buf_init(&b, 0);
    pcl_jw_init(&w, &b);
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, "id");
    pcl_jw_cstr(&w, k->id);
    if (secret != NULL) {
        pcl_jw_key(&w, "key");
        pcl_jw_cstr(&w, secret);
    }
    pcl_jw_key(&w, "name");
    pcl_jw_cstr(&w, k->name);
    pcl_jw_key(&w, "routes");
    pcl_jw_cstr(&w, k->routes != NULL ? k->routes : "*");
    pcl_jw_key(&w, "models");
    pcl_jw_cstr(&w, k->models != NULL ? k->models : "*");
    pcl_jw_key(&w, "policy");
    pcl_jw_cstr(&w, k->policy);
    pcl_jw_key(&w, "max_tokens");
    pcl_jw_int(&w, k->max_tokens);
    pcl_jw_key(&w, "rpm");
    pcl_jw_int(&w, k->rpm);
    pcl_jw_key(&w, "tpm");
    pcl_jw_int(&w, k->tpm);
    pcl_jw_key(&w, "concurrent");
    pcl_jw_int(&w, k->concurrent);
    pcl_jw_key(&w, "budget");
    pcl_jw_int(&w, k->budget);
    pcl_jw_key(&w, "period");
    pcl_jw_cstr(&w, k->period);
    pcl_jw_key(&w, "created");
    pcl_jw_int(&w, k->created);
    pcl_jw_key(&w, "expires");
    pcl_jw_int(&w, k->expires);
    pcl_jw_key(&w, "revoked");
    pcl_jw_int(&w, k->revoked);
    pcl_jw_key(&w, "active");
    pcl_jw_bool(&w, (k->revoked == 0 || k->revoked > now) && (k->expires == 0 || k->expires > now));
    pcl_jw_key(&w, "rotated_from");
    pcl_jw_cstr(&w, k->rotated_from);
    pcl_jw_obj_end(&w);
    if (pcl_jw_rc(&w) == PCL_OK) {
        (void)fwrite(b.ptr, 1, b.len, stdout);
    }
    pcl_buf_fini(&b);
}

static void
print_text(const struct pcl_key_info *k)
{
    char c[32], e[32], r[32];

    when(k->created, c, sizeof(c));
    when(k->expires, e, sizeof(e));
    when(k->revoked, r, sizeof(r));
    printf("id          %s\nname        %s\nroutes      %s\nmodels      %s\npolicy      %s\n"
           "max_tokens  %lld\nrpm         %lld\ntpm         %lld\nconcurrent  %lld\n"
           "budget      %lld%s%s\ncreated     %s\nexpires     %s\nrevoked     %s\n",
           k->id, k->name, k->routes != NULL ? k->routes : "*", k->models != NULL ? k->models : "*",
           k->policy != NULL ? k->policy : "(route's)", (long long)k->max_tokens, (long long)k->rpm,
           (long long)k->tpm, (long long)k->concurrent, (long long)k->budget,
           k->period != NULL ? " per " : "", k->period != NULL ? k->period : "", c, e, r);
    if (k->rotated_from != NULL) {
        printf("rotated     from %s\n", k->rotated_from);
    }
}

struct list_ctx {
    bool json;
};

static int
list_one(void *ctx, const struct pcl_key_info *k)
{
    struct list_ctx *l = ctx;
    char c[32];

    if (l->json) {
        print_json(k, NULL);
        return 0;
    }
    when(k->created, c, sizeof(c));
    printf("%-9s %-24s %-20s %-8s %s\n", k->id, k->name, c,
           k->revoked != 0 && k->revoked <= (int64_t)time(NULL) ? "revoked" : "active",
           k->routes != NULL ? k->routes : "*");
    return 0;
}

static bool
num_arg(const char *s, int64_t *out)
{
    char *end = NULL;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0) {
        return false;
    }
    *out = v;
    return true;
}

/* Record a key change in the audit log (when one is configured). */
static int
audit_key(struct pcl_cli_audit *audit, const char *action, const char *id, const char *detail)
{
    struct pcl_err err;

    if (pcl_cli_audit_governance(audit, action, id, detail, &err) != PCL_OK) {
        pcl_cli_error("keys", "%s %s done, but not recorded in the audit log: %s", action, id,
                      err.msg);
        return PCL_EXIT_ERROR;
    }
    return PCL_EXIT_OK;
}

static int
keys_create(struct pcl_keystore *ks, struct pcl_cli_audit *audit, int argc, char **argv)
{
    static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
                                         {"routes", required_argument, NULL, 'r'},
                                         {"models", required_argument, NULL, 'm'},
                                         {"policy", required_argument, NULL, 'p'},
                                         {"max-tokens", required_argument, NULL, 'x'},
                                         {"rpm", required_argument, NULL, 'R'},
                                         {"tpm", required_argument, NULL, 'T'},
                                         {"concurrent", required_argument, NULL, 'C'},
                                         {"budget", required_argument, NULL, 'b'},
                                         {"period", required_argument, NULL, 'P'},
                                         {"expires-in", required_argument, NULL, 'e'},
                                         {"json", no_argument, NULL, 'j'},
                                         {NULL, 0, NULL, 0}};
    struct pcl_key_spec spec = {0};
    struct pcl_key_info info;
    struct pcl_err err;
    char key[PCL_APIKEY_LEN + 1];
    int64_t days = 0;
    bool json = false;
    int ch;

    optind = 1;
    for (;;) {
        int64_t *num = NULL;

        ch = getopt_long(argc, argv, "", opts, NULL); /* NOLINT(concurrency-mt-unsafe) */
        if (ch == -1) {
            break;
        }
        switch (ch) {
        case 'n':
            spec.name = optarg;
            break;
        case 'r':
            spec.routes = optarg;
            break;
        case 'm':
            spec.models = optarg;
            break;
        case 'p':
            spec.policy = optarg;
            break;
        case 'P':
            spec.period = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'x':
            num = &spec.max_tokens;
            break;
        case 'R':
            num = &spec.rpm;
            break;
        case 'T':
            num = &spec.tpm;
            break;
        case 'C':
            num = &spec.concurrent;
            break;
        case 'b':
            num = &spec.budget;
            break;
        case 'e':
            num = &days;
            break;
        default:
            (void)fprintf(stderr, "%s", keys_usage);
            return PCL_EXIT_USAGE;
        }
        if (num != NULL && !num_arg(optarg, num)) {
            pcl_cli_error("keys", "%s: expected a non-negative integer, got \"%s\"",
                          argv[optind - 1], optarg);
            return PCL_EXIT_USAGE;
        }
    }
    if (days > 0) {
        spec.expires = (int64_t)time(NULL) + days * 86400;
    }
    if (pcl_keystore_create(ks, &spec, key, &info, &err) != PCL_OK) {
        pcl_cli_error("keys", "%s", err.msg);
        return err.rc == PCL_EINVAL ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
    }
    if (json) {
        print_json(&info, key);
    } else {
        printf("%s\n", key);
        (void)fprintf(stderr,
                      "portcullis: keys: created %s (\"%s\"); the key above is shown only once\n",
                      info.id, info.name);
    }
    sodium_memzero(key, sizeof(key));
    {
        int rc = audit_key(audit, "key.created", info.id, info.name);

        pcl_key_info_fini(&info);
        return rc;
    }
}

static const char *
store_url(const char *store, const char *config, struct pcl_gw_config **cfg, struct pcl_err *err,
          bool *bad)
{
    FILE *f;

    *bad = false;
    if (store != NULL) {
        return store;
    }
    if (config == NULL) {
        f = fopen("portcullis.yaml", "rb");
        if (f == NULL) {
            return "sqlite://portcullis.db";
        }
        (void)fclose(f);
        config = "portcullis.yaml";
    }
    if (pcl_gw_config_load(config, NULL, cfg, err) != PCL_OK) {
        *bad = true;
        return NULL;
    }
    return pcl_gw_config_store(*cfg);
}

int
pcl_cmd_keys(int argc, char **argv)
{
    const char *store = NULL, *config = NULL, *url, *cmd;
    struct pcl_gw_config *cfg = NULL;
    struct pcl_keystore *ks = NULL;
    struct pcl_cli_audit audit = {0};
    struct pcl_key_info info;
    struct pcl_err err;
    int i = 1, rc = PCL_EXIT_OK;
    bool bad, json = false, all = false;

    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("%s", keys_usage);
            return PCL_EXIT_OK;
        }
        if (i + 1 < argc && strcmp(argv[i], "--store") == 0) {
            store = argv[i + 1];
        } else if (i + 1 < argc &&
                   (strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "-c") == 0)) {
            config = argv[i + 1];
        } else {
            pcl_cli_error("keys", "unknown option \"%s\"", argv[i]);
            return PCL_EXIT_USAGE;
        }
        i += 2;
    }
    if (i >= argc) {
        (void)fprintf(stderr, "%s", keys_usage);
        return PCL_EXIT_USAGE;
    }
    cmd = argv[i];
    for (int k = i + 1; k < argc; k++) {
        json = json || strcmp(argv[k], "--json") == 0;
        all = all || strcmp(argv[k], "--all") == 0;
    }
    url = store_url(store, config, &cfg, &err, &bad);
    if (bad) {
        pcl_cli_error("keys", "%s", err.msg);
        return PCL_EXIT_USAGE;
    }
    if (pcl_keystore_open(url, &ks, &err) != PCL_OK ||
        pcl_cli_audit_open(cfg != NULL ? pcl_gw_config_audit_log(cfg) : NULL,
                           cfg != NULL ? pcl_gw_config_audit_key_file(cfg) : NULL, &audit,
                           &err) != PCL_OK) {
        pcl_cli_error("keys", "%s", err.msg);
        pcl_keystore_free(ks);
        pcl_gw_config_free(cfg);
        return PCL_EXIT_ERROR;
    }
    if (strcmp(cmd, "create") == 0) {
        rc = keys_create(ks, &audit, argc - i, argv + i);
    } else if (strcmp(cmd, "list") == 0) {
        struct list_ctx l = {.json = json};

        if (!json) {
            printf("%-9s %-24s %-20s %-8s %s\n", "ID", "NAME", "CREATED", "STATE", "ROUTES");
        }
        if (pcl_keystore_list(ks, all, list_one, &l, &err) != PCL_OK) {
            pcl_cli_error("keys", "%s", err.msg);
            rc = PCL_EXIT_ERROR;
        }
    } else if ((strcmp(cmd, "show") == 0 || strcmp(cmd, "revoke") == 0 ||
                strcmp(cmd, "rotate") == 0) &&
               i + 1 < argc) {
        const char *id = argv[i + 1];
        enum pcl_rc prc;

        if (strcmp(cmd, "show") == 0) {
            prc = pcl_keystore_show(ks, id, &info, &err);
            if (prc == PCL_OK) {
                if (json) {
                    print_json(&info, NULL);
                } else {
                    print_text(&info);
                }
                pcl_key_info_fini(&info);
            }
        } else if (strcmp(cmd, "revoke") == 0) {
            prc = pcl_keystore_revoke(ks, id, &err);
            if (prc == PCL_OK) {
                (void)fprintf(stderr, "portcullis: keys: revoked %s\n", id);
                rc = audit_key(&audit, "key.revoked", id, NULL);
            }
        } else {
            char key[PCL_APIKEY_LEN + 1];
            int64_t grace = 0;

            prc = PCL_OK;
            for (int k = i + 2; k + 1 < argc; k++) {
                if (strcmp(argv[k], "--grace") == 0 && !num_arg(argv[k + 1], &grace)) {
                    prc = pcl_err_set(&err, PCL_EINVAL, "keys: --grace: expected seconds");
                }
            }
            if (prc == PCL_OK) {
                prc = pcl_keystore_rotate(ks, id, grace, key, &info, &err);
            }
            if (prc == PCL_OK) {
                if (json) {
                    print_json(&info, key);
                } else {
                    printf("%s\n", key);
                    (void)fprintf(stderr,
                                  "portcullis: keys: %s replaces %s (which stops in %lld s); "
                                  "the key above is shown only once\n",
                                  info.id, id, (long long)grace);
                }
                sodium_memzero(key, sizeof(key));
                {
                    char detail[64];

                    (void)snprintf(detail, sizeof(detail), "replaces %.16s", id);
                    rc = audit_key(&audit, "key.rotated", info.id, detail);
                }
                pcl_key_info_fini(&info);
            }
        }
        if (prc != PCL_OK) {
            pcl_cli_error("keys", "%s", err.msg);
            rc = prc == PCL_ENOTFOUND ? PCL_EXIT_FINDINGS
                 : prc == PCL_EINVAL  ? PCL_EXIT_USAGE
                                      : PCL_EXIT_ERROR;
        }
    } else {
        pcl_cli_error("keys", "unknown command \"%s\" (or missing key id)", cmd);
        (void)fprintf(stderr, "%s", keys_usage);
        rc = PCL_EXIT_USAGE;
    }
    pcl_cli_audit_close(&audit);
    pcl_keystore_free(ks);
    pcl_gw_config_free(cfg);
    return rc;
}
