/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis injection`: scan (check) text for prompt injection, train the model from
 * JSONL, evaluate on labeled JSONL, and mint or watch canary tokens. */
#include "cli.h"

#include <portcullis/formats.h>
#include <portcullis/inject.h>

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CMD           "injection"
#define MAX_DOC       ((size_t)256 << 20)
#define MAX_SIG_PATHS 32
#define MAX_SOURCES   64

struct inj_opts {
    const char *data;                     /* directory with signatures/ and model.txt */
    const char *sig_paths[MAX_SIG_PATHS]; /* --signatures, in order */
    size_t nsig;
    const char *model;
    bool no_model;
    bool json;
    bool jsonl;
    double flag, block;
    enum pcl_inject_source source;
    enum pcl_inject_tier fail_on;
    const char *sources[MAX_SOURCES]; /* --sources: only rows from these */
    size_t nsources;
    const char *exclude[MAX_SOURCES]; /* --exclude-sources */
    size_t nexclude;
    const char *out;
    unsigned epochs;
    uint64_t seed;
    double l2, lr;          /* train: 0 = library default */
    unsigned train_windows; /* train: --train-windows, 0 = library default */
    bool balance;           /* train: --balance-sources */
    const char *field;
    size_t window;
    bool no_cache;
};

enum {
    OPT_DATA = 256,
    OPT_SIGS,
    OPT_MODEL,
    OPT_NO_MODEL,
    OPT_FORMAT,
    OPT_JSONL,
    OPT_FLAG,
    OPT_BLOCK,
    OPT_SOURCE,
    OPT_FAIL_ON,
    OPT_SOURCES,
    OPT_EXCLUDE,
    OPT_EPOCHS,
    OPT_SEED,
    OPT_FIELD,
    OPT_WINDOW,
    OPT_NO_CACHE,
    OPT_BALANCE,
    OPT_L2,
    OPT_LR,
    OPT_TRAIN_WINDOWS,
};

static const struct option long_opts[] = {
    {"data", required_argument, NULL, OPT_DATA},
    {"signatures", required_argument, NULL, OPT_SIGS},
    {"model", required_argument, NULL, OPT_MODEL},
    {"no-model", no_argument, NULL, OPT_NO_MODEL},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"jsonl", no_argument, NULL, OPT_JSONL},
    {"field", required_argument, NULL, OPT_FIELD},
    {"flag", required_argument, NULL, OPT_FLAG},
    {"block", required_argument, NULL, OPT_BLOCK},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"sources", required_argument, NULL, OPT_SOURCES},
    {"exclude-sources", required_argument, NULL, OPT_EXCLUDE},
    {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"balance-sources", no_argument, NULL, OPT_BALANCE},
    {"l2", required_argument, NULL, OPT_L2},
    {"lr", required_argument, NULL, OPT_LR},
    {"train-windows", required_argument, NULL, OPT_TRAIN_WINDOWS},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void
usage(FILE *f)
{
    (void)fprintf(
        f,
        "usage: portcullis injection scan [options] [TEXT|-|FILE...]\n"
        "       portcullis injection check ...        (same as scan)\n"
        "       portcullis injection eval [options] DATA.jsonl...\n"
        "       portcullis injection train [options] -o MODEL DATA.jsonl...\n"
        "       portcullis injection canary [--watch CANARY] [FILE|-]\n"
        "       portcullis injection output [--allow-host H]... [--system-prompt FILE] "
        "[TEXT|-|FILE]\n"
        "\n"
        "scan: screen text for prompt injection; prints the verdict (allow, unverified, flag,\n"
        "block), the score and the evidence. TEXT is screened as given; \"-\" reads stdin; with\n"
        "--jsonl every line of the inputs is a JSON object whose \"text\" (--field) is screened.\n"
        "\n"
        "options:\n"
        "  --data DIR            data directory (signatures/ and model.txt); default: the\n"
        "                        installed share/portcullis/injection\n"
        "  --signatures PATH     signature file or directory (repeatable; replaces "
        "DIR/signatures)\n"
        "  --model FILE          model weights (default DIR/model.txt)\n"
        "  --no-model            signatures and sanitizer only\n"
        "  --format text|json    output format (default text; json is one object per input)\n"
        "  --jsonl               inputs are JSON lines (scan)\n"
        "  --field NAME          JSON field holding the text (default \"text\")\n"
        "  --flag P --block P    model probability thresholds (default 0.95 and 0.999)\n"
        "  --source user|document  judge as typed by the user or as inserted content\n"
        "  --window BYTES        model window (default 512)\n"
        "  --no-cache            compile the signatures even when a cached database matches\n"
        "  --fail-on T           exit 1 when a verdict is at least T: flag, block, never\n"
        "                        (default block)\n"
        "  --sources LIST        eval/train: only rows whose source is listed (comma-separated\n"
        "                        owner/repo for a repository, owner/repo:path for one file)\n"
        "  --exclude-sources LIST  eval/train: skip rows from these sources\n"
        "  -o, --output FILE     train: where to write the weights\n"
        "  --epochs N --seed N   train: passes over the data (default 6), shuffle seed\n"
        "  --balance-sources     train: weigh each source about equally (sqrt of its size)\n"
        "  --l2 X --lr X         train: L2 penalty (default 1e-6), AdaGrad rate (default 0.2)\n"
        "  --train-windows N     train: learn from up to N windows per example (default 1)\n"
        "  --watch CANARY        canary: watch the input for CANARY (chunked as read)\n"
        "  --allow-host H        output: links and images may carry data to H (repeatable)\n"
        "  --system-prompt FILE  output: flag responses that repeat this system prompt\n"
        "  -h, --help            this help\n"
        "\n"
        "exit: 0 below --fail-on, 1 at or above it, 2 usage, 4 error\n");
}

/* ---- helpers -------------------------------------------------------------------------- */

static bool
dir_exists(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --data, else $PORTCULLIS_DATA_DIR/injection, else the install prefix, else next to the
 * binary (installed tree or build tree). */
static const char *
data_dir(const struct inj_opts *o)
{
    static char buf[4096];
    char exe[2048];
    const char *env = getenv("PORTCULLIS_DATA_DIR");
    ssize_t n;

    if (o->data != NULL) {
        return o->data;
    }
    if (env != NULL && env[0] != '\0') {
        (void)snprintf(buf, sizeof(buf), "%s/injection", env);
        return buf;
    }
#ifdef PCL_DATADIR
    if (dir_exists(PCL_DATADIR "/injection")) {
        return PCL_DATADIR "/injection";
    }
#endif
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        char *slash;

        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            (void)snprintf(buf, sizeof(buf), "%s/../share/portcullis/injection", exe);
            if (dir_exists(buf)) {
                return buf;
            }
            (void)snprintf(buf, sizeof(buf), "%s/../../data/injection", exe);
            if (dir_exists(buf)) {
                return buf;
            }
        }
    }
    return NULL;
}

/* A decimal number in (0, max]. */
static bool
parse_positive(const char *s, double max, double *out)
{
    char *end = NULL;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v > 0.0) || v > max) {
        return false;
    }
    *out = v;
    return true;
}

static size_t
split_list(char *s, const char **out, size_t max)
{
    size_t n = 0;
    char *p = s;

    while (p != NULL && *p != '\0' && n < max) {
        char *c = strchr(p, ',');

        if (c != NULL) {
            *c = '\0';
        }
        if (*p != '\0') {
            out[n++] = p;
        }
        p = c != NULL ? c + 1 : NULL;
    }
    return n;
}

static int
parse_opts(struct inj_opts *o, int argc, char **argv)
{
    int ch;

    memset(o, 0, sizeof(*o));
    o->fail_on = PCL_INJECT_BLOCK;
    o->field = "text";
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:h", long_opts, NULL)) != -1) { /* NOLINT */
        switch (ch) {
        case OPT_DATA:
            o->data = optarg;
            break;
        case OPT_SIGS:
            if (o->nsig == MAX_SIG_PATHS) {
                pcl_cli_error(CMD, "--signatures: at most %d paths", MAX_SIG_PATHS);
                return PCL_EXIT_USAGE;
            }
            o->sig_paths[o->nsig++] = optarg;
            break;
        case OPT_MODEL:
            o->model = optarg;
            break;
        case OPT_NO_MODEL:
            o->no_model = true;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                pcl_cli_error(CMD, "--format: expected text or json, got \"%s\"", optarg);
                return PCL_EXIT_USAGE;
            }
            o->json = strcmp(optarg, "json") == 0;
            break;
        case OPT_JSONL:
            o->jsonl = true;
            break;
        case OPT_NO_CACHE:
            o->no_cache = true;
            break;
        case OPT_FIELD:
            o->field = optarg;
            break;
        case OPT_FLAG:
        case OPT_BLOCK:
            if (!parse_positive(optarg, 1.01, ch == OPT_FLAG ? &o->flag : &o->block)) {
                pcl_cli_error(CMD, "--%s: expected a probability in (0, 1], got \"%s\"",
                              ch == OPT_FLAG ? "flag" : "block", optarg);
                return PCL_EXIT_USAGE;
            }
            break;
        case OPT_SOURCE:
            if (strcmp(optarg, "user") == 0) {
                o->source = PCL_INJECT_SRC_USER;
            } else if (strcmp(optarg, "document") == 0) {
                o->source = PCL_INJECT_SRC_DOCUMENT;
            } else {
                pcl_cli_error(CMD, "--source: expected user or document, got \"%s\"", optarg);
                return PCL_EXIT_USAGE;
            }
            break;
        case OPT_FAIL_ON:
            if (strcmp(optarg, "flag") == 0) {
                o->fail_on = PCL_INJECT_FLAG;
            } else if (strcmp(optarg, "block") == 0) {
                o->fail_on = PCL_INJECT_BLOCK;
            } else if (strcmp(optarg, "never") == 0) {
                o->fail_on = (enum pcl_inject_tier)(PCL_INJECT_BLOCK + 1);
            } else {
                pcl_cli_error(CMD, "--fail-on: expected flag, block or never, got \"%s\"", optarg);
                return PCL_EXIT_USAGE;
            }
            break;
        case OPT_SOURCES:
            o->nsources = split_list(optarg, o->sources, MAX_SOURCES);
            break;
        case OPT_EXCLUDE:
            o->nexclude = split_list(optarg, o->exclude, MAX_SOURCES);
            break;
        case OPT_BALANCE:
            o->balance = true;
            break;
        case OPT_L2:
        case OPT_LR: {
            double v = 0;

            if (!parse_positive(optarg, 10.0, &v)) {
                pcl_cli_error(CMD, "--%s: expected a number in (0, 10], got \"%s\"",
                              ch == OPT_L2 ? "l2" : "lr", optarg);
                return PCL_EXIT_USAGE;
            }
            if (ch == OPT_L2) {
                o->l2 = v;
            } else {
                o->lr = v;
            }
            break;
        }
        case OPT_EPOCHS:
        case OPT_SEED:
        case OPT_TRAIN_WINDOWS:
        case OPT_WINDOW: {
            uint64_t v = 0;

            if (!pcl_parse_u64(optarg, UINT64_MAX, &v) ||
                (ch == OPT_EPOCHS && (v == 0 || v > 1000)) ||
                (ch == OPT_TRAIN_WINDOWS && (v == 0 || v > 256)) ||
                (ch == OPT_WINDOW && (v < 64 || v > (1u << 24)))) {
                pcl_cli_error(CMD, "--%s: bad number \"%s\"",
                              ch == OPT_EPOCHS   ? "epochs"
                              : ch == OPT_SEED   ? "seed"
                              : ch == OPT_WINDOW ? "window"
                                                 : "train-windows",
                              optarg);
                return PCL_EXIT_USAGE;
            }
            if (ch == OPT_EPOCHS) {
                o->epochs = (unsigned)v;
            } else if (ch == OPT_SEED) {
                o->seed = v;
            } else if (ch == OPT_TRAIN_WINDOWS) {
                o->train_windows = (unsigned)v;
            } else {
                o->window = (size_t)v;
            }
            break;
        }
        case 'o':
            o->out = optarg;
            break;
        case 'h':
            usage(stdout);
            return PCL_EXIT_OK;
        default:
            usage(stderr);
            return PCL_EXIT_USAGE;
        }
    }
    return -1;
}

/* The detector the options ask for (with the model, when want_model and one is found);
 * *with_model (may be NULL) says whether one was loaded. -1, or the exit code after an
 * error it reported. */
static int
open_detector(const struct inj_opts *o, bool want_model, struct pcl_inject **det, bool *with_model)
{
    struct pcl_inject_opts io;
    char sigdir[4200];
    char model[4200];
    const char *dir = data_dir(o);
    const char *defsig[1];
    struct pcl_err err;

    memset(&io, 0, sizeof(io));
    io.flag = o->flag;
    io.block = o->block;
    io.window = o->window;
    io.max_input = MAX_DOC / 4;
    io.cache_dir = o->no_cache ? NULL : pcl_cli_cache_dir();
    if (o->nsig > 0) {
        io.sig_paths = o->sig_paths;
        io.nsig_paths = o->nsig;
    } else {
        if (dir == NULL) {
            pcl_cli_error(CMD, "no data directory found: use --data DIR or --signatures PATH");
            return PCL_EXIT_USAGE;
        }
        (void)snprintf(sigdir, sizeof(sigdir), "%s/signatures", dir);
        defsig[0] = sigdir;
        io.sig_paths = defsig;
        io.nsig_paths = 1;
    }
    if (want_model && !o->no_model) {
        if (o->model != NULL) {
            io.model_path = o->model;
        } else if (dir != NULL) {
            (void)snprintf(model, sizeof(model), "%s/model.txt", dir);
            if (access(model, R_OK) == 0) {
                io.model_path = model;
            }
        }
    }
    if (pcl_inject_new(&io, det, &err) != PCL_OK) {
        pcl_cli_error(CMD, "%s", err.msg);
        return err.rc == PCL_EINVAL || err.rc == PCL_EIO ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
    }
    if (with_model != NULL) {
        *with_model = io.model_path != NULL;
    }
    return -1;
}

static void
write_verdict(struct pcl_jw *w, const struct pcl_inject_verdict *v)
{
    pcl_jw_key(w, "verdict");
    pcl_jw_cstr(w, pcl_inject_tier_name(v->tier));
    pcl_jw_key(w, "score");
    pcl_jw_double(w, round(v->score * 10000.0) / 10000.0);
    pcl_jw_key(w, "model");
    pcl_jw_double(w, round(v->model * 10000.0) / 10000.0);
    pcl_jw_key(w, "evidence");
    pcl_jw_arr_begin(w);
    for (size_t i = 0; i < v->nev; i++) {
        const struct pcl_inject_evidence *e = &v->ev[i];
        static const char *const kinds[] = {"signature", "model", "sanitizer"};

        pcl_jw_obj_begin(w);
        pcl_jw_key(w, "kind");
        pcl_jw_cstr(w, kinds[e->kind]);
        pcl_jw_key(w, "id");
        pcl_jw_cstr(w, e->id);
        pcl_jw_key(w, "category");
        pcl_jw_cstr(w, e->category);
        pcl_jw_key(w, "tier");
        pcl_jw_cstr(w, pcl_inject_tier_name(e->tier));
        pcl_jw_key(w, "score");
        pcl_jw_double(w, round(e->score * 10000.0) / 10000.0);
        pcl_jw_key(w, "start");
        pcl_jw_uint(w, e->start);
        pcl_jw_key(w, "end");
        pcl_jw_uint(w, e->end);
        if (e->via != NULL) {
            pcl_jw_key(w, "via");
            pcl_jw_cstr(w, e->via);
        }
        pcl_jw_obj_end(w);
    }
    pcl_jw_arr_end(w);
}

static void
print_text(const char *name, const char *text, size_t len, const struct pcl_inject_verdict *v)
{
    (void)printf("%s: %s (score %.3f, model %.3f)\n", name, pcl_inject_tier_name(v->tier), v->score,
                 v->model);
    for (size_t i = 0; i < v->nev; i++) {
        const struct pcl_inject_evidence *e = &v->ev[i];
        size_t n = e->end > e->start ? PCL_MIN(e->end - e->start, (size_t)80) : 0;
        char snip[256];
        size_t k = 0;

        for (size_t j = 0; j < n && e->start + j < len && k + 1 < sizeof(snip); j++) {
            unsigned char c = (unsigned char)text[e->start + j];

            snip[k++] = c < 0x20 ? ' ' : (char)c;
        }
        snip[k] = '\0';
        (void)printf("  %-5s %-9s %-28s %-12s [%zu,%zu)%s%s \"%s%s\"\n",
                     pcl_inject_tier_name(e->tier),
                     e->kind == PCL_INJECT_EV_SIGNATURE
                         ? "signature"
                         : (e->kind == PCL_INJECT_EV_MODEL ? "model" : "sanitizer"),
                     e->id, e->category, e->start, e->end, e->via != NULL ? " via " : "",
                     e->via != NULL ? e->via : "", snip, n < e->end - e->start ? "..." : "");
    }
}

/* ---- scan ----------------------------------------------------------------------------- */

struct scan_ctx {
    const struct inj_opts *o;
    const struct pcl_inject *det;
    struct pcl_inject_scratch *s;
    struct pcl_inject_policy pol;
    enum pcl_inject_tier worst;
    struct pcl_buf out;
    bool failed;
};

static int
scan_one(struct scan_ctx *c, const char *name, size_t line, const char *text, size_t len)
{
    struct pcl_inject_verdict v;
    struct pcl_err err;

    if (pcl_inject_scan(c->det, c->s, text, len, &c->pol, &v, &err) != PCL_OK) {
        pcl_cli_error(CMD, "%s%s%zu: %s", name, line > 0 ? ": line " : "", line, err.msg);
        c->failed = true;
        return err.rc == PCL_ENOMEM || err.rc == PCL_EINTERNAL ? PCL_EXIT_ERROR : -1;
    }
    if (v.tier > c->worst) {
        c->worst = v.tier;
    }
    if (c->o->json) {
        struct pcl_jw w;

        pcl_buf_reset(&c->out);
        pcl_jw_init(&w, &c->out);
        pcl_jw_obj_begin(&w);
        pcl_jw_key(&w, "input");
        pcl_jw_cstr(&w, name);
        if (line > 0) {
            pcl_jw_key(&w, "line");
            pcl_jw_uint(&w, line);
        }
        pcl_jw_key(&w, "bytes");
        pcl_jw_uint(&w, len);
        write_verdict(&w, &v);
        pcl_jw_obj_end(&w);
        if (pcl_jw_rc(&w) != PCL_OK) {
            pcl_cli_error(CMD, "out of memory");
            return PCL_EXIT_ERROR;
        }
        (void)fwrite(c->out.ptr, 1, c->out.len, stdout); /* the writer ends the line */
    } else {
        char label[600];

        if (line > 0) {
            (void)snprintf(label, sizeof(label), "%s:%zu", name, line);
        } else {
            (void)snprintf(label, sizeof(label), "%s", name);
        }
        print_text(label, text, len, &v);
    }
    return -1;
}

static int
scan_jsonl(struct scan_ctx *c, const char *name, const char *doc, size_t len)
{
    size_t i = 0, line = 0;

    while (i < len) {
        const char *nl = memchr(doc + i, '\n', len - i);
        size_t e = nl != NULL ? (size_t)(nl - doc) : len;
        json_error_t jerr;
        json_t *root;
        json_t *t;
        int rc = -1;

        line++;
        if (e > i && !(e == i + 1 && doc[i] == '\r')) {
            root = json_loadb(doc + i, e - i, 0, &jerr);
            if (root == NULL) {
                pcl_cli_error(CMD, "%s: line %zu: column %d: %s", name, line, jerr.column,
                              jerr.text);
                c->failed = true;
            } else {
                t = json_object_get(root, c->o->field);
                if (!json_is_string(t)) {
                    pcl_cli_error(CMD, "%s: line %zu: no string field \"%s\"", name, line,
                                  c->o->field);
                    c->failed = true;
                } else {
                    rc = scan_one(c, name, line, json_string_value(t), json_string_length(t));
                }
                json_decref(root);
            }
        }
        if (rc >= 0) {
            return rc;
        }
        i = e + 1;
    }
    return -1;
}

static int
slurp(const char *path, struct pcl_buf *b)
{
    struct pcl_input *in = NULL;
    struct pcl_err err;

    pcl_buf_reset(b);
    if (pcl_input_open(path, &in, &err) != PCL_OK ||
        pcl_input_slurp(in, MAX_DOC, b, &err) != PCL_OK) {
        pcl_cli_error(CMD, "%s", err.msg);
        pcl_input_free(in);
        return PCL_EXIT_PARTIAL;
    }
    pcl_input_free(in);
    return -1;
}

static int
cmd_scan(int argc, char **argv)
{
    struct inj_opts o;
    struct scan_ctx c;
    struct pcl_inject *det = NULL;
    struct pcl_buf doc;
    struct pcl_err err;
    int rc = parse_opts(&o, argc, argv);

    if (rc >= 0) {
        return rc;
    }
    memset(&c, 0, sizeof(c));
    pcl_buf_init(&doc, MAX_DOC);
    pcl_buf_init(&c.out, 0);
    rc = open_detector(&o, true, &det, NULL);
    if (rc >= 0) {
        goto out;
    }
    if (pcl_inject_scratch_new(det, &c.s, &err) != PCL_OK) {
        pcl_cli_error(CMD, "%s", err.msg);
        rc = PCL_EXIT_ERROR;
        goto out;
    }
    c.o = &o;
    c.det = det;
    c.pol = (struct pcl_inject_policy){.flag = o.flag, .block = o.block, .source = o.source};
    if (optind >= argc) {
        if (isatty(STDIN_FILENO)) {
            usage(stderr);
            rc = PCL_EXIT_USAGE;
            goto out;
        }
    }
    for (int i = optind; i < argc || (optind >= argc && i == optind); i++) {
        const char *arg = i < argc ? argv[i] : "-";
        bool file = strcmp(arg, "-") == 0 || access(arg, R_OK) == 0;

        if (!file && !o.jsonl) {
            rc = scan_one(&c, "<arg>", 0, arg, strlen(arg));
        } else {
            if (slurp(arg, &doc) >= 0) {
                c.failed = true; /* reported; go on with the other inputs */
                continue;
            }
            if (o.jsonl) {
                rc = scan_jsonl(&c, strcmp(arg, "-") == 0 ? "<stdin>" : arg,
                                doc.ptr != NULL ? doc.ptr : "", doc.len);
            } else {
                rc = scan_one(&c, strcmp(arg, "-") == 0 ? "<stdin>" : arg, 0,
                              doc.ptr != NULL ? doc.ptr : "", doc.len);
            }
        }
        if (rc >= 0) {
            goto out;
        }
    }
    rc = c.worst >= o.fail_on ? PCL_EXIT_FINDINGS : (c.failed ? PCL_EXIT_PARTIAL : PCL_EXIT_OK);
out:
    pcl_inject_scratch_free(c.s);
    pcl_inject_free(det);
    pcl_buf_fini(&doc);
    pcl_buf_fini(&c.out);
    return rc;
}

/* ---- labeled data (eval, train) --------------------------------------------------------- */

struct row {
    char *text;
    size_t len;
    int label;
    char *category;
    char *lang;
    char *obfuscation;
    char *source;
};

struct rows {
    struct row *r; /* array of n (capacity cap) */
    size_t n, cap;
};

static void
rows_fini(struct rows *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        pcl_free(rs->r[i].text);
        pcl_free(rs->r[i].category);
        pcl_free(rs->r[i].lang);
        pcl_free(rs->r[i].obfuscation);
        pcl_free(rs->r[i].source);
    }
    pcl_free(rs->r);
    memset(rs, 0, sizeof(*rs));
}

static char *
dup_field(json_t *root, const char *key)
{
    json_t *v = json_object_get(root, key);

    return json_is_string(v) ? pcl_strndup(json_string_value(v), json_string_length(v)) : NULL;
}

static int
load_rows(const struct inj_opts *o, const char *path, struct rows *rs)
{
    struct pcl_buf doc;
    size_t i = 0, line = 0;
    int rc;

    pcl_buf_init(&doc, MAX_DOC);
    rc = slurp(path, &doc);
    while (rc < 0 && i < doc.len) {
        const char *nl = memchr(doc.ptr + i, '\n', doc.len - i);
        size_t e = nl != NULL ? (size_t)(nl - doc.ptr) : doc.len;
        json_error_t jerr;
        json_t *root;
        json_t *t, *l, *src;

        line++;
        if (e == i) {
            i = e + 1;
            continue;
        }
        root = json_loadb(doc.ptr + i, e - i, 0, &jerr);
        i = e + 1;
        if (root == NULL) {
            pcl_cli_error(CMD, "%s: line %zu: column %d: %s", path, line, jerr.column, jerr.text);
            rc = PCL_EXIT_USAGE;
            break;
        }
        t = json_object_get(root, o->field);
        l = json_object_get(root, "label");
        src = json_object_get(root, "source");
        if (!json_is_string(t) || !json_is_integer(l) ||
            (json_integer_value(l) != 0 && json_integer_value(l) != 1)) {
            pcl_cli_error(CMD, "%s: line %zu: need string \"%s\" and label 0 or 1", path, line,
                          o->field);
            json_decref(root);
            rc = PCL_EXIT_USAGE;
            break;
        }
        if (o->nsources > 0 || o->nexclude > 0) {
            const char *sv = json_is_string(src) ? json_string_value(src) : NULL;

            if ((o->nsources > 0 && !pcl_inject_source_listed(sv, o->sources, o->nsources)) ||
                pcl_inject_source_listed(sv, o->exclude, o->nexclude)) {
                json_decref(root);
                continue;
            }
        }
        if (rs->n == rs->cap) {
            size_t nc = rs->cap != 0 ? rs->cap * 2 : 1024;
            struct row *nr = pcl_realloc(rs->r, nc * sizeof(*nr));

            if (nr == NULL) {
                json_decref(root);
                pcl_cli_error(CMD, "out of memory");
                rc = PCL_EXIT_ERROR;
                break;
            }
            rs->r = nr;
            rs->cap = nc;
        }
        memset(&rs->r[rs->n], 0, sizeof(rs->r[0]));
        rs->r[rs->n].text = pcl_strndup(json_string_value(t), json_string_length(t));
        rs->r[rs->n].len = json_string_length(t);
        rs->r[rs->n].label = (int)json_integer_value(l);
        rs->r[rs->n].category = dup_field(root, "category");
        rs->r[rs->n].lang = dup_field(root, "lang");
        rs->r[rs->n].obfuscation = dup_field(root, "obfuscation");
        rs->r[rs->n].source = dup_field(root, "source");
        json_decref(root);
        if (rs->r[rs->n].text == NULL) {
            pcl_cli_error(CMD, "out of memory");
            rc = PCL_EXIT_ERROR;
            break;
        }
        rs->n++;
    }
    pcl_buf_fini(&doc);
    return rc;
}

/* ---- train ---------------------------------------------------------------------------- */

static int
cmd_train(int argc, char **argv)
{
    struct inj_opts o;
    struct pcl_inject *det = NULL;
    struct pcl_inject_model *m = NULL;
    struct pcl_inject_example *ex = NULL;
    struct rows rs = {0};
    struct pcl_err err;
    struct pcl_inject_train_opts to;
    size_t pos = 0;
    int rc = parse_opts(&o, argc, argv);

    if (rc >= 0) {
        return rc;
    }
    if (o.out == NULL || optind >= argc) {
        pcl_cli_error(CMD, "train: need -o MODEL and at least one DATA.jsonl");
        return PCL_EXIT_USAGE;
    }
    for (int i = optind; i < argc && rc < 0; i++) {
        rc = load_rows(&o, argv[i], &rs);
    }
    if (rc >= 0) {
        goto out;
    }
    rc = open_detector(&o, false, &det, NULL);
    if (rc >= 0) {
        goto out;
    }
    ex = pcl_calloc(rs.n + 1, sizeof(*ex));
    if (ex == NULL) {
        pcl_cli_error(CMD, "out of memory");
        rc = PCL_EXIT_ERROR;
        goto out;
    }
    for (size_t i = 0; i < rs.n; i++) {
        ex[i].text = (struct pcl_str){rs.r[i].text, rs.r[i].len};
        ex[i].label = rs.r[i].label;
        ex[i].source = rs.r[i].source;
        pos += (size_t)rs.r[i].label;
    }
    to = (struct pcl_inject_train_opts){.epochs = o.epochs,
                                        .seed = o.seed,
                                        .l2 = o.l2,
                                        .lr = o.lr,
                                        .balance_sources = o.balance,
                                        .windows = o.train_windows};
    if (pcl_inject_model_train(det, ex, rs.n, &to, &m, &err) != PCL_OK ||
        pcl_inject_model_save(m, o.out, &err) != PCL_OK) {
        pcl_cli_error(CMD, "train: %s", err.msg);
        rc = err.rc == PCL_EINVAL || err.rc == PCL_EIO ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
        goto out;
    }
    (void)fprintf(stderr,
                  "portcullis: injection: trained on %zu examples (%zu injection, %zu "
                  "benign); weights in %s\n",
                  rs.n, pos, rs.n - pos, o.out);
    rc = PCL_EXIT_OK;
out:
    pcl_inject_model_free(m);
    pcl_free(ex);
    rows_fini(&rs);
    pcl_inject_free(det);
    return rc;
}

/* ---- eval ----------------------------------------------------------------------------- */

/* A counter keyed by name (categories, languages, obfuscation kinds). */
struct tally {
    char name[64];
    size_t pos, pos_hit, neg, neg_hit, san, san_hit;
};

struct tallies {
    struct tally t[256];
    size_t n;
};

static struct tally *
tally_get(struct tallies *ts, const char *name)
{
    for (size_t i = 0; i < ts->n; i++) {
        if (strcmp(ts->t[i].name, name) == 0) {
            return &ts->t[i];
        }
    }
    if (ts->n == PCL_ARRAY_LEN(ts->t)) {
        return NULL;
    }
    memset(&ts->t[ts->n], 0, sizeof(ts->t[0]));
    (void)snprintf(ts->t[ts->n].name, sizeof(ts->t[0].name), "%s", name);
    return &ts->t[ts->n++];
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : (x > y ? 1 : 0);
}

/* The sanitizer kind an obfuscation of obfuscated_synthetic.jsonl should produce; -1 for the
 * legitimate look-alikes (nothing should be found), -2 when unknown. */
static int
expected_kind(const char *ob)
{
    static const struct {
        const char *name;
        int kind;
    } map[] = {
        {"base64", PCL_SAN_BASE64},
        {"hex", PCL_SAN_HEX},
        {"rot13", PCL_SAN_ROT13},
        {"reversed", PCL_SAN_REVERSED},
        {"leetspeak", PCL_SAN_LEET},
        {"zero_width", PCL_SAN_INVISIBLE},
        {"soft_hyphen", PCL_SAN_INVISIBLE},
        {"homoglyph", PCL_SAN_HOMOGLYPH},
        {"fullwidth", PCL_SAN_FULLWIDTH},
        {"spaced_letters", PCL_SAN_SPACED},
        {"bidi_rlo", PCL_SAN_BIDI},
        {"unicode_tags", PCL_SAN_TAG},
        {"variation_selectors", PCL_SAN_VARSEL},
        {"unicode_tags_legit_flag", -1},
        {"zwj_legit_emoji", -1},
    };

    for (size_t i = 0; i < PCL_ARRAY_LEN(map); i++) {
        if (strcmp(ob, map[i].name) == 0) {
            return map[i].kind;
        }
    }
    return -2;
}

static double
now_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double
pct(size_t a, size_t b)
{
    return b > 0 ? 100.0 * (double)a / (double)b : 0.0;
}

static double
tpr_at_fpr(const double *neg, size_t nneg, const double *posv, size_t npos, double fpr)
{
    size_t k;
    double thr;
    size_t hit = 0;

    if (nneg == 0 || npos == 0) {
        return 0.0;
    }
    /* threshold: the smallest score with at most fpr of benign rows strictly above it */
    k = (size_t)floor((double)nneg * (1.0 - fpr));
    thr = neg[k >= nneg ? nneg - 1 : k];
    for (size_t i = 0; i < npos; i++) {
        hit += posv[i] > thr ? 1 : 0;
    }
    return (double)hit / (double)npos;
}

/* How many of neg[0..nneg) (ascending) are below v (or_equal: at or below v). */
static size_t
count_below(const double *neg, size_t nneg, double v, bool or_equal)
{
    size_t lo = 0, hi = nneg;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (neg[mid] < v || (or_equal && neg[mid] == v)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Area under the ROC curve of scores posv against neg (ascending): the chance that an
 * injection scores above a benign row, ties counting half. */
static double
roc_auc(const double *neg, size_t nneg, const double *posv, size_t npos)
{
    double sum = 0.0;

    if (nneg == 0 || npos == 0) {
        return 0.0;
    }
    for (size_t i = 0; i < npos; i++) {
        size_t below = count_below(neg, nneg, posv[i], false);
        size_t upto = count_below(neg, nneg, posv[i], true);

        sum += (double)below + 0.5 * (double)(upto - below);
    }
    return sum / ((double)nneg * (double)npos);
}

static void
print_tallies(const char *title, const struct tallies *ts, bool san)
{
    if (ts->n == 0) {
        return;
    }
    (void)printf("\n%s\n", title);
    (void)printf("  %-44s %6s %8s %6s %8s%s\n", "name", "attack", "TPR%", "benign", "FPR%",
                 san ? "  sanitizer-caught%" : "");
    for (size_t i = 0; i < ts->n; i++) {
        const struct tally *t = &ts->t[i];

        (void)printf("  %-44s %6zu %8.1f %6zu %8.1f", t->name, t->pos, pct(t->pos_hit, t->pos),
                     t->neg, pct(t->neg_hit, t->neg));
        if (san) {
            (void)printf("  %7.1f (%zu/%zu)", pct(t->san_hit, t->san), t->san_hit, t->san);
        }
        (void)printf("\n");
    }
}

static int
cmd_eval(int argc, char **argv)
{
    struct inj_opts o;
    struct pcl_inject *det = NULL;
    struct pcl_inject_scratch *s = NULL;
    struct rows rs = {0};
    struct pcl_err err;
    double *negs = NULL, *poss = NULL, *lat = NULL, *latkb = NULL;
    double *mnegs = NULL, *mposs = NULL; /* the model's probabilities alone */
    bool with_model = false;
    size_t nneg = 0, npos = 0, tp = 0, fp = 0, blocked_pos = 0, blocked_neg = 0;
    size_t unverified = 0;
    struct tallies *cats = NULL, *langs = NULL, *obs = NULL;
    struct pcl_inject_policy pol;
    int rc = parse_opts(&o, argc, argv);

    if (rc >= 0) {
        return rc;
    }
    if (optind >= argc) {
        pcl_cli_error(CMD, "eval: need at least one DATA.jsonl");
        return PCL_EXIT_USAGE;
    }
    for (int i = optind; i < argc && rc < 0; i++) {
        rc = load_rows(&o, argv[i], &rs);
    }
    if (rc >= 0) {
        goto out;
    }
    rc = open_detector(&o, true, &det, &with_model);
    if (rc >= 0) {
        goto out;
    }
    if (pcl_inject_scratch_new(det, &s, &err) != PCL_OK) {
        pcl_cli_error(CMD, "%s", err.msg);
        rc = PCL_EXIT_ERROR;
        goto out;
    }
    negs = pcl_calloc(rs.n + 1, sizeof(double));
    poss = pcl_calloc(rs.n + 1, sizeof(double));
    lat = pcl_calloc(rs.n + 1, sizeof(double));
    latkb = pcl_calloc(rs.n + 1, sizeof(double));
    mnegs = pcl_calloc(rs.n + 1, sizeof(double));
    mposs = pcl_calloc(rs.n + 1, sizeof(double));
    cats = pcl_calloc(1, sizeof(*cats));
    langs = pcl_calloc(1, sizeof(*langs));
    obs = pcl_calloc(1, sizeof(*obs));
    if (negs == NULL || poss == NULL || lat == NULL || latkb == NULL || mnegs == NULL ||
        mposs == NULL || cats == NULL || langs == NULL || obs == NULL) {
        pcl_cli_error(CMD, "out of memory");
        rc = PCL_EXIT_ERROR;
        goto out;
    }
    pol = (struct pcl_inject_policy){.flag = o.flag, .block = o.block, .source = o.source};
    for (size_t i = 0; i < rs.n; i++) {
        const struct row *r = &rs.r[i];
        struct pcl_inject_verdict v;
        double t0 = now_us(), dt;
        bool hit;
        double rank;
        struct tally *t;

        if (pcl_inject_scan(det, s, r->text, r->len, &pol, &v, &err) != PCL_OK) {
            pcl_cli_error(CMD, "row %zu: %s", i + 1, err.msg);
            rc = PCL_EXIT_ERROR;
            goto out;
        }
        dt = now_us() - t0;
        lat[i] = dt;
        latkb[i] = dt * 1024.0 / (double)PCL_MAX(r->len, (size_t)1024);
        hit = v.tier >= PCL_INJECT_FLAG;
        unverified += v.tier == PCL_INJECT_UNVERIFIED ? 1 : 0;
        rank = (double)v.tier + v.score;
        if (r->label == 1) {
            mposs[npos] = v.model;
            poss[npos++] = rank;
            tp += hit ? 1 : 0;
            blocked_pos += v.tier == PCL_INJECT_BLOCK ? 1 : 0;
        } else {
            mnegs[nneg] = v.model;
            negs[nneg++] = rank;
            fp += hit ? 1 : 0;
            blocked_neg += v.tier == PCL_INJECT_BLOCK ? 1 : 0;
        }
        for (int k = 0; k < 2; k++) {
            const char *key = k == 0 ? r->category : r->lang;

            t = key != NULL ? tally_get(k == 0 ? cats : langs, key) : NULL;
            if (t != NULL) {
                t->pos += r->label == 1 ? 1 : 0;
                t->pos_hit += r->label == 1 && hit ? 1 : 0;
                t->neg += r->label == 0 ? 1 : 0;
                t->neg_hit += r->label == 0 && hit ? 1 : 0;
            }
        }
        if (r->obfuscation != NULL) {
            int want = expected_kind(r->obfuscation);

            t = tally_get(obs, r->obfuscation);
            if (t != NULL) {
                bool got;

                t->pos += r->label == 1 ? 1 : 0;
                t->pos_hit += r->label == 1 && hit ? 1 : 0;
                t->neg += r->label == 0 ? 1 : 0;
                t->neg_hit += r->label == 0 && hit ? 1 : 0;
                if (want >= 0) {
                    got = (v.san->kinds & PCL_SAN_BIT(want)) != 0;
                } else {
                    /* legitimate look-alikes: caught means "left alone": nothing reported */
                    got = v.san->nfindings == 0;
                }
                t->san++;
                t->san_hit += got ? 1 : 0;
            }
        }
    }
    qsort(negs, nneg, sizeof(double), cmp_double);
    qsort(mnegs, nneg, sizeof(double), cmp_double);
    qsort(lat, rs.n, sizeof(double), cmp_double);
    qsort(latkb, rs.n, sizeof(double), cmp_double);
    {
        double tpr = npos > 0 ? (double)tp / (double)npos : 0.0;
        double fpr = nneg > 0 ? (double)fp / (double)nneg : 0.0;
        double prec = tp + fp > 0 ? (double)tp / (double)(tp + fp) : 0.0;
        double f1 = prec + tpr > 0 ? 2 * prec * tpr / (prec + tpr) : 0.0;
        size_t n = rs.n;

        (void)printf("rows %zu (%zu injection, %zu benign); positive = flag or block\n", n, npos,
                     nneg);
        (void)printf("balanced accuracy %.4f\n", (tpr + 1.0 - fpr) / 2.0);
        (void)printf("precision %.4f  recall (TPR) %.4f  F1 %.4f  FPR %.4f\n", prec, tpr, f1, fpr);
        (void)printf("block: %.1f%% of injections, %.2f%% of benign; unverified: %zu rows\n",
                     pct(blocked_pos, npos), pct(blocked_neg, nneg), unverified);
        (void)printf("TPR at FPR 0.1%% %.4f  1%% %.4f  5%% %.4f\n",
                     tpr_at_fpr(negs, nneg, poss, npos, 0.001),
                     tpr_at_fpr(negs, nneg, poss, npos, 0.01),
                     tpr_at_fpr(negs, nneg, poss, npos, 0.05));
        if (with_model) {
            (void)printf("model alone: AUC %.4f  TPR at FPR 0.1%% %.4f  1%% %.4f  5%% %.4f\n",
                         roc_auc(mnegs, nneg, mposs, npos),
                         tpr_at_fpr(mnegs, nneg, mposs, npos, 0.001),
                         tpr_at_fpr(mnegs, nneg, mposs, npos, 0.01),
                         tpr_at_fpr(mnegs, nneg, mposs, npos, 0.05));
        }
        if (n > 0) {
            (void)printf("latency per prompt: p50 %.1f us  p99 %.1f us; per KB (prompts under 1 KB "
                         "count as 1 KB): p50 %.1f us  p99 %.1f us\n",
                         lat[n / 2], lat[(size_t)((double)(n - 1) * 0.99)], latkb[n / 2],
                         latkb[(size_t)((double)(n - 1) * 0.99)]);
        }
    }
    print_tallies("per category", cats, false);
    print_tallies("per language", langs, false);
    print_tallies("per obfuscation (sanitizer-caught: expected kind found; legit look-alikes: "
                  "sanitizer reports nothing)",
                  obs, true);
    rc = PCL_EXIT_OK;
out:
    pcl_free(negs);
    pcl_free(poss);
    pcl_free(lat);
    pcl_free(latkb);
    pcl_free(mnegs);
    pcl_free(mposs);
    pcl_free(cats);
    pcl_free(langs);
    pcl_free(obs);
    rows_fini(&rs);
    pcl_inject_scratch_free(s);
    pcl_inject_free(det);
    return rc;
}

/* ---- canary ---------------------------------------------------------------------------- */

static int
cmd_canary(int argc, char **argv)
{
    const char *watch = NULL;
    const char *path = "-";
    struct pcl_canary_watch *w = NULL;
    struct pcl_input *in = NULL;
    struct pcl_err err;
    char buf[4096];
    uint64_t at = 0;
    bool seen = false;
    int rc = PCL_EXIT_OK;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--watch") == 0 && i + 1 < argc) {
            watch = argv[++i];
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return PCL_EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            pcl_cli_error(CMD, "canary: unknown option %s", argv[i]);
            return PCL_EXIT_USAGE;
        } else {
            path = argv[i];
        }
    }
    if (watch == NULL) {
        char c[PCL_CANARY_MAX];

        (void)pcl_canary_mint(c);
        (void)printf("%s\n", c);
        return PCL_EXIT_OK;
    }
    if (pcl_canary_watch_new(watch, strlen(watch), &w, &err) != PCL_OK) {
        pcl_cli_error(CMD, "canary: %s", err.msg);
        return PCL_EXIT_USAGE;
    }
    if (pcl_input_open(path, &in, &err) != PCL_OK) {
        pcl_cli_error(CMD, "canary: %s", err.msg);
        pcl_canary_watch_free(w);
        return PCL_EXIT_USAGE;
    }
    for (;;) {
        size_t got = 0;

        if (pcl_input_read(in, buf, sizeof(buf), &got, &err) != PCL_OK) {
            pcl_cli_error(CMD, "canary: %s", err.msg);
            rc = PCL_EXIT_PARTIAL;
            break;
        }
        if (got == 0) {
            break;
        }
        if (pcl_canary_watch_feed(w, buf, got, &at)) {
            seen = true;
            break;
        }
    }
    if (seen) {
        (void)printf("canary seen at byte %llu\n", (unsigned long long)at);
        rc = PCL_EXIT_FINDINGS;
    } else if (rc == PCL_EXIT_OK) {
        (void)printf("canary not seen\n");
    }
    pcl_input_free(in);
    pcl_canary_watch_free(w);
    return rc;
}

/* ---- output ---------------------------------------------------------------------------- */

static int
cmd_output(int argc, char **argv)
{
    const char *hosts[MAX_SOURCES];
    size_t nhosts = 0;
    const char *sp_path = NULL;
    const char *arg = "-";
    struct pcl_buf doc, sp;
    struct pcl_inject_output_opts oo;
    struct pcl_inject_evidence ev[64];
    size_t nev = 0;
    enum pcl_inject_tier tier = PCL_INJECT_ALLOW;
    bool json = false;
    struct pcl_err err;
    int rc = -1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--allow-host") == 0 && i + 1 < argc && nhosts < MAX_SOURCES) {
            hosts[nhosts++] = argv[++i];
        } else if (strcmp(argv[i], "--system-prompt") == 0 && i + 1 < argc) {
            sp_path = argv[++i];
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "json") == 0 || strcmp(argv[i + 1], "text") == 0)) {
            json = strcmp(argv[++i], "json") == 0;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return PCL_EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            pcl_cli_error(CMD, "output: unknown or incomplete option %s", argv[i]);
            return PCL_EXIT_USAGE;
        } else {
            arg = argv[i];
        }
    }
    pcl_buf_init(&doc, MAX_DOC);
    pcl_buf_init(&sp, MAX_DOC);
    if (strcmp(arg, "-") == 0 || access(arg, R_OK) == 0) {
        rc = slurp(arg, &doc);
    } else if (pcl_buf_appends(&doc, arg) != PCL_OK) {
        rc = PCL_EXIT_ERROR;
    }
    if (rc < 0 && sp_path != NULL) {
        rc = slurp(sp_path, &sp);
    }
    if (rc >= 0) {
        goto out;
    }
    oo = (struct pcl_inject_output_opts){.allow_hosts = hosts,
                                         .nallow_hosts = nhosts,
                                         .system_prompt = {sp.ptr != NULL ? sp.ptr : "", sp.len}};
    if (pcl_inject_output_check(&oo, doc.ptr != NULL ? doc.ptr : "", doc.len, ev, PCL_ARRAY_LEN(ev),
                                &nev, &tier, &err) != PCL_OK) {
        pcl_cli_error(CMD, "%s", err.msg);
        rc = PCL_EXIT_ERROR;
        goto out;
    }
    {
        struct pcl_inject_verdict v = {
            .tier = tier, .score = tier >= PCL_INJECT_FLAG ? 1.0 : 0.0, .ev = ev, .nev = nev};

        for (size_t i = 0; i < nev; i++) {
            if (ev[i].score > v.score || i == 0) {
                v.score = ev[i].score;
            }
        }
        if (json) {
            struct pcl_buf out;
            struct pcl_jw w;

            pcl_buf_init(&out, 0);
            pcl_jw_init(&w, &out);
            pcl_jw_obj_begin(&w);
            write_verdict(&w, &v);
            pcl_jw_obj_end(&w);
            if (pcl_jw_rc(&w) == PCL_OK) {
                (void)fwrite(out.ptr, 1, out.len, stdout);
            }
            pcl_buf_fini(&out);
        } else {
            print_text(strcmp(arg, "-") == 0 ? "<stdin>" : "<response>",
                       doc.ptr != NULL ? doc.ptr : "", doc.len, &v);
        }
    }
    rc = tier >= PCL_INJECT_FLAG ? PCL_EXIT_FINDINGS : PCL_EXIT_OK;
out:
    pcl_buf_fini(&doc);
    pcl_buf_fini(&sp);
    return rc;
}

int
pcl_cmd_injection(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : NULL;

    if (sub == NULL || strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        usage(sub == NULL ? stderr : stdout);
        return sub == NULL ? PCL_EXIT_USAGE : PCL_EXIT_OK;
    }
    if (strcmp(sub, "scan") == 0 || strcmp(sub, "check") == 0) {
        return cmd_scan(argc - 1, argv + 1);
    }
    if (strcmp(sub, "eval") == 0) {
        return cmd_eval(argc - 1, argv + 1);
    }
    if (strcmp(sub, "train") == 0) {
        return cmd_train(argc - 1, argv + 1);
    }
    if (strcmp(sub, "canary") == 0) {
        return cmd_canary(argc - 1, argv + 1);
    }
    if (strcmp(sub, "output") == 0) {
        return cmd_output(argc - 1, argv + 1);
    }
    pcl_cli_error(CMD, "unknown subcommand \"%s\" (scan, check, eval, train, canary, output)", sub);
    return PCL_EXIT_USAGE;
}
