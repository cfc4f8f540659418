/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis model`: model supply-chain commands. `model scan` sniffs and scans model files,
 * directories and Hugging Face repository folders and reports in text, JSON or SARIF. */
#include "cli.h"

#include <portcullis/formats.h>
#include <portcullis/model.h>
#include <portcullis/store.h>

#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

enum mout {
    MOUT_TEXT,
    MOUT_JSON,
    MOUT_SARIF,
};

struct mscan_ctx {
    enum mout out;
    bool strict;
    bool quiet;
    FILE *f;
    struct pcl_buf buf;
    struct pcl_jw jw;
    size_t files;
    size_t counts[4]; /* by enum pcl_model_outcome */
    size_t errors;    /* files that could not be read */
    bool first_result;
};

static void
scan_usage(FILE *f)
{
    (void)fprintf(
        f, "usage: portcullis model scan [options] PATH...\n"
           "\n"
           "Scan model files by content (the extension is never trusted): pickle (protocols\n"
           "0-5, emulated, never loaded), PyTorch zip and legacy checkpoints, NumPy .npy/.npz,\n"
           "joblib, gzip/bzip2/xz/lz4/zlib-wrapped pickles, zip and tar containers (nested),\n"
           "7z (always unscannable), safetensors, GGUF, ONNX, Keras .keras/.h5 and Hugging\n"
           "Face config files. Directories are walked recursively (.git excluded).\n"
           "\n"
           "options:\n"
           "  -f, --format FMT   text (default), json or sarif\n"
           "      --strict       suspicious findings (globals outside the allowlist, custom\n"
           "                     code, stacked pickles) fail the scan too\n"
           "  -o, --output FILE  write the report to FILE\n"
           "  -q, --quiet        text: print only files that are not clean\n"
           "  -h, --help         this help\n"
           "\n"
           "outcomes: clean, suspicious, unscannable (malformed, encrypted, unsupported or over\n"
           "a limit: never clean), malicious (a high or critical finding).\n"
           "\n"
           "exit codes: 0 clean (suspicious allowed without --strict), 1 malicious findings (or\n"
           "            suspicious with --strict), 2 usage, 3 something was unscannable or\n"
           "            unreadable and nothing was malicious, 4 fatal error\n");
}

static void
model_usage(FILE *f)
{
    (void)fprintf(f, "usage: portcullis model <subcommand> [options]\n"
                     "\n"
                     "subcommands:\n"
                     "  scan     scan model files for code execution and malformed structure\n"
                     "  sign     sign a model file or directory (OpenSSF Model Signing v1.0)\n"
                     "  verify   verify a model signature and report changed files\n"
                     "  encrypt  encrypt a model file (streaming XChaCha20-Poly1305)\n"
                     "  decrypt  decrypt a model file\n"
                     "  keygen   make a symmetric key or an X25519 identity\n"
                     "  register record a version (digest, scan, signature, parent, datasets)\n"
                     "  list     list registered versions\n"
                     "  show     one version as JSON\n"
                     "  lineage  a version's parent chain and datasets\n"
                     "  promote  approve or promote a version (production needs a clean scan\n"
                     "           and a valid signature)\n"
                     "  bom      CycloneDX 1.6 ML-BOM of a version\n"
                     "\n"
                     "run `portcullis model <subcommand> --help` for its options\n");
}

static const char *
sarif_level(const struct pcl_model_finding *f)
{
    if (f->sev >= PCL_MODEL_SEV_HIGH) {
        return "error";
    }
    if (f->sev == PCL_MODEL_SEV_SUSPICIOUS || f->unscannable) {
        return "warning";
    }
    return "note";
}

static void
jw_finding(struct pcl_jw *jw, const struct pcl_model_finding *f)
{
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "severity");
    pcl_jw_cstr(jw, pcl_model_sev_str(f->sev));
    pcl_jw_key(jw, "rule");
    pcl_jw_cstr(jw, f->rule);
    pcl_jw_key(jw, "unscannable");
    pcl_jw_bool(jw, f->unscannable);
    pcl_jw_key(jw, "member");
    pcl_jw_cstr(jw, f->member);
    pcl_jw_key(jw, "offset");
    if (f->offset == UINT64_MAX) {
        pcl_jw_null(jw);
    } else {
        pcl_jw_uint(jw, f->offset);
    }
    pcl_jw_key(jw, "global");
    pcl_jw_cstr(jw, f->global);
    pcl_jw_key(jw, "message");
    pcl_jw_cstr(jw, f->why);
    pcl_jw_key(jw, "ref");
    pcl_jw_cstr(jw, f->ref);
    pcl_jw_key(jw, "count");
    pcl_jw_uint(jw, f->count);
    pcl_jw_obj_end(jw);
}

static void
sarif_result(struct pcl_jw *jw, const char *path, const struct pcl_model_finding *f)
{
    char msg[600];

    (void)snprintf(msg, sizeof(msg), "%s%s%s%s", f->why, f->member[0] != '\0' ? " (member " : "",
                   f->member, f->member[0] != '\0' ? ")" : "");
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "ruleId");
    pcl_jw_cstr(jw, f->rule);
    pcl_jw_key(jw, "level");
    pcl_jw_cstr(jw, sarif_level(f));
    pcl_cli_sarif_location_begin(jw, msg, path);
    if (f->member[0] == '\0' && f->offset != UINT64_MAX) {
        pcl_jw_key(jw, "region");
        pcl_jw_obj_begin(jw);
        pcl_jw_key(jw, "byteOffset");
        pcl_jw_uint(jw, f->offset);
        pcl_jw_obj_end(jw);
    }
    pcl_jw_obj_end(jw);
    if (f->member[0] != '\0') {
        pcl_jw_key(jw, "logicalLocations");
        pcl_jw_arr_begin(jw);
        pcl_jw_obj_begin(jw);
        pcl_jw_key(jw, "fullyQualifiedName");
        pcl_jw_cstr(jw, f->member);
        pcl_jw_key(jw, "kind");
        pcl_jw_cstr(jw, "member");
        pcl_jw_obj_end(jw);
        pcl_jw_arr_end(jw);
    }
    pcl_jw_obj_end(jw);
    pcl_jw_arr_end(jw);
    pcl_jw_key(jw, "properties");
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "severity");
    pcl_jw_cstr(jw, pcl_model_sev_str(f->sev));
    pcl_jw_key(jw, "unscannable");
    pcl_jw_bool(jw, f->unscannable);
    if (f->member[0] != '\0' && f->offset != UINT64_MAX) {
        pcl_jw_key(jw, "memberOffset");
        pcl_jw_uint(jw, f->offset);
    }
    if (f->global != NULL) {
        pcl_jw_key(jw, "global");
        pcl_jw_cstr(jw, f->global);
    }
    if (f->ref != NULL) {
        pcl_jw_key(jw, "advisory");
        pcl_jw_cstr(jw, f->ref);
    }
    pcl_jw_key(jw, "security-severity");
    pcl_jw_cstr(jw, f->sev == PCL_MODEL_SEV_CRITICAL     ? "9.8"
                    : f->sev == PCL_MODEL_SEV_HIGH       ? "8.0"
                    : f->sev == PCL_MODEL_SEV_SUSPICIOUS ? "5.0"
                                                         : "2.0");
    pcl_jw_obj_end(jw);
    pcl_jw_obj_end(jw);
}

static bool
flush_buf(struct mscan_ctx *c)
{
    if (c->buf.len > 0 && fwrite(c->buf.ptr, 1, c->buf.len, c->f) != c->buf.len) {
        return false;
    }
    pcl_buf_reset(&c->buf);
    return true;
}

static void
text_report(struct mscan_ctx *c, const struct pcl_model_report *r, enum pcl_model_outcome o)
{
    if (c->quiet && o == PCL_MODEL_CLEAN) {
        return;
    }
    (void)fprintf(c->f, "%s: %s (%s)\n", r->path, pcl_model_outcome_str(o), r->format);
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct pcl_model_finding *f = &r->findings[i];

        (void)fprintf(c->f, "  [%s] %s%s",
                      f->unscannable ? "unscannable" : pcl_model_sev_str(f->sev), f->member,
                      f->member[0] != '\0' ? " " : "");
        if (f->offset != UINT64_MAX) {
            (void)fprintf(c->f, "@%llu ", (unsigned long long)f->offset);
        }
        (void)fprintf(c->f, "%s: %s", f->rule, f->why);
        if (f->ref != NULL) {
            (void)fprintf(c->f, " [%s]", f->ref);
        }
        if (f->count > 1) {
            (void)fprintf(c->f, " (x%u)", f->count);
        }
        (void)fputc('\n', c->f);
    }
    if (r->truncated) {
        (void)fprintf(c->f, "  [unscannable] too many findings; the rest were dropped\n");
    }
}

static void
json_report(struct mscan_ctx *c, const struct pcl_model_report *r, enum pcl_model_outcome o)
{
    struct pcl_jw *jw = &c->jw;

    if (c->out == MOUT_SARIF) {
        for (size_t i = 0; i < r->nfindings; i++) {
            sarif_result(jw, r->path, &r->findings[i]);
        }
        return;
    }
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "path");
    pcl_jw_cstr(jw, r->path);
    pcl_jw_key(jw, "format");
    pcl_jw_cstr(jw, r->format);
    pcl_jw_key(jw, "outcome");
    pcl_jw_cstr(jw, pcl_model_outcome_str(o));
    pcl_jw_key(jw, "bytes");
    pcl_jw_uint(jw, r->bytes);
    pcl_jw_key(jw, "truncated");
    pcl_jw_bool(jw, r->truncated);
    pcl_jw_key(jw, "findings");
    pcl_jw_arr_begin(jw);
    for (size_t i = 0; i < r->nfindings; i++) {
        jw_finding(jw, &r->findings[i]);
    }
    pcl_jw_arr_end(jw);
    pcl_jw_obj_end(jw);
}

static enum pcl_rc
on_file(void *arg, const struct pcl_walk_entry *e, struct pcl_err *err)
{
    struct mscan_ctx *c = arg;
    struct pcl_model_report *r = NULL;
    struct pcl_err serr = {0};
    enum pcl_model_outcome o;
    enum pcl_rc rc;

    (void)err;
    if (strcmp(e->path, "-") == 0) {
        pcl_cli_error("model scan", "standard input is not supported; pass a file");
        c->errors++;
        return PCL_OK;
    }
    rc = pcl_model_scan_file(e->path, NULL, &r, &serr);
    if (rc == PCL_ENOMEM) {
        return pcl_err_set(err, rc, "%s", serr.msg);
    }
    if (rc != PCL_OK) {
        pcl_cli_error("model scan", "%s", serr.msg);
        c->errors++;
        return PCL_OK;
    }
    o = pcl_model_report_outcome(r);
    c->files++;
    c->counts[o]++;
    if (c->out == MOUT_TEXT) {
        text_report(c, r, o);
    } else {
        json_report(c, r, o);
        if (!flush_buf(c)) {
            pcl_model_report_free(r);
            return pcl_err_set(err, PCL_EIO, "write failed: %s", strerror(errno));
        }
    }
    pcl_model_report_free(r);
    return PCL_OK;
}

static void
on_warn(void *arg, const char *msg)
{
    struct mscan_ctx *c = arg;

    pcl_cli_warn("model scan", "%s", msg);
    c->errors++;
}

static void
sarif_begin(struct pcl_jw *jw)
{
    static const struct {
        const char *id;
        const char *text;
    } rules[] = {
        {"pickle.dangerous-global", "pickle imports a known-dangerous callable"},
        {"pickle.unknown-global", "pickle imports a global outside the allowlist"},
        {"pickle.computed-call", "pickle calls an object it built itself"},
        {"pickle.call-modified", "pickle calls a global after changing its attributes"},
        {"pickle.build-on-global", "BUILD changes a module, class or function"},
        {"pickle.mutate-global", "item assignment or append on a module, class or function"},
        {"pickle.stack-global-operand", "STACK_GLOBAL operand is not a string literal"},
        {"pickle.ext-opcode", "EXT opcode imports from the copyreg extension registry"},
        {"pickle.stacked", "several pickles in one stream"},
        {"pickle.trailing-data", "bytes after the last STOP"},
        {"zip.name-mismatch", "local header and central directory names differ"},
        {"zip.unlisted-member", "local header missing from the central directory"},
        {"zip.duplicate-name", "two members with the same name"},
        {"zip.flag-bits", "member marked encrypted but stored in the clear"},
        {"container.polyglot", "a pickle and a zip archive in the same bytes"},
        {"keras.lambda", "Keras Lambda layer with marshalled bytecode"},
        {"keras.module-ref", "Keras config imports from outside Keras"},
        {"hf.auto-map", "Hugging Face auto_map custom code"},
        {"hf.custom-code", "python source shipped with the model"},
        {"onnx.external-absolute", "ONNX external data at an absolute path"},
        {"onnx.external-traversal", "ONNX external data path climbs out with .."},
        {"onnx.custom-domain", "ONNX operator from a non-standard domain"},
        {"template.code-execution", "chat template with Jinja sandbox-escape constructs"},
        {"unscannable", "content could not be analysed (malformed, encrypted, over a limit)"},
    };

    pcl_cli_sarif_open(jw);
    for (size_t i = 0; i < PCL_ARRAY_LEN(rules); i++) {
        pcl_jw_obj_begin(jw);
        pcl_jw_key(jw, "id");
        pcl_jw_cstr(jw, rules[i].id);
        pcl_jw_key(jw, "shortDescription");
        pcl_jw_obj_begin(jw);
        pcl_jw_key(jw, "text");
        pcl_jw_cstr(jw, rules[i].text);
        pcl_jw_obj_end(jw);
        pcl_jw_obj_end(jw);
    }
    pcl_cli_sarif_rules_end(jw);
    pcl_jw_key(jw, "results");
    pcl_jw_arr_begin(jw);
}

static int
cmd_model_scan(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"strict", no_argument, NULL, 'S'},       {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    struct mscan_ctx c = {.out = MOUT_TEXT};
    struct pcl_walk_opts wo = {0};
    struct pcl_err err = {0};
    const char *output = NULL;
    int ch, rc = PCL_EXIT_OK;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "f:o:qh", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'f':
            if (strcmp(optarg, "text") == 0) {
                c.out = MOUT_TEXT;
            } else if (strcmp(optarg, "json") == 0) {
                c.out = MOUT_JSON;
            } else if (strcmp(optarg, "sarif") == 0) {
                c.out = MOUT_SARIF;
            } else {
                pcl_cli_error("model scan", "--format: unknown format \"%s\" (text, json, sarif)",
                              optarg);
                return PCL_EXIT_USAGE;
            }
            break;
        case 'o':
            output = optarg;
            break;
        case 'S':
            c.strict = true;
            break;
        case 'q':
            c.quiet = true;
            break;
        case 'h':
            scan_usage(stdout);
            return PCL_EXIT_OK;
        default:
            scan_usage(stderr);
            return PCL_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        pcl_cli_error("model scan", "no PATH given");
        scan_usage(stderr);
        return PCL_EXIT_USAGE;
    }
    c.f = stdout;
    if (output != NULL) {
        c.f = fopen(output, "w");
        if (c.f == NULL) {
            pcl_cli_error("model scan", "%s: %s", output, strerror(errno));
            return PCL_EXIT_ERROR;
        }
    }
    pcl_buf_init(&c.buf, 0);
    pcl_jw_init(&c.jw, &c.buf);
    if (c.out == MOUT_SARIF) {
        sarif_begin(&c.jw);
    } else if (c.out == MOUT_JSON) {
        pcl_jw_obj_begin(&c.jw);
        pcl_jw_key(&c.jw, "tool");
        pcl_jw_cstr(&c.jw, "portcullis");
        pcl_jw_key(&c.jw, "version");
        pcl_jw_cstr(&c.jw, PCL_VERSION);
        pcl_jw_key(&c.jw, "files");
        pcl_jw_arr_begin(&c.jw);
    }
    wo.on_file = on_file;
    wo.on_warn = on_warn;
    wo.arg = &c;
    if (pcl_walk((const char *const *)argv + optind, (size_t)(argc - optind), &wo, NULL, &err) !=
        PCL_OK) {
        pcl_cli_error("model scan", "%s", err.msg);
        rc = PCL_EXIT_ERROR;
        goto out;
    }
    if (c.out == MOUT_SARIF) {
        pcl_jw_arr_end(&c.jw);
        pcl_jw_obj_end(&c.jw);
        pcl_jw_arr_end(&c.jw);
        pcl_jw_obj_end(&c.jw);
    } else if (c.out == MOUT_JSON) {
        pcl_jw_arr_end(&c.jw);
        pcl_jw_key(&c.jw, "summary");
        pcl_jw_obj_begin(&c.jw);
        pcl_jw_key(&c.jw, "files");
        pcl_jw_uint(&c.jw, c.files);
        for (int o = PCL_MODEL_CLEAN; o <= PCL_MODEL_MALICIOUS; o++) {
            pcl_jw_key(&c.jw, pcl_model_outcome_str((enum pcl_model_outcome)o));
            pcl_jw_uint(&c.jw, c.counts[o]);
        }
        pcl_jw_key(&c.jw, "errors");
        pcl_jw_uint(&c.jw, c.errors);
        pcl_jw_obj_end(&c.jw);
        pcl_jw_obj_end(&c.jw);
    }
    if (c.out != MOUT_TEXT) {
        if (pcl_jw_rc(&c.jw) != PCL_OK || pcl_buf_appendc(&c.buf, '\n') != PCL_OK) {
            pcl_cli_error("model scan", "out of memory");
            rc = PCL_EXIT_ERROR;
            goto out;
        }
        if (!flush_buf(&c)) {
            pcl_cli_error("model scan", "write failed: %s", strerror(errno));
            rc = PCL_EXIT_ERROR;
            goto out;
        }
    }
    if (c.counts[PCL_MODEL_MALICIOUS] > 0 || (c.strict && c.counts[PCL_MODEL_SUSPICIOUS] > 0)) {
        rc = PCL_EXIT_FINDINGS;
    } else if (c.counts[PCL_MODEL_UNSCANNABLE] > 0 || c.errors > 0) {
        rc = PCL_EXIT_PARTIAL;
    }
out:
    pcl_buf_fini(&c.buf);
    if (c.f != stdout && c.f != NULL && fclose(c.f) != 0 && rc != PCL_EXIT_ERROR) {
        pcl_cli_error("model scan", "%s: %s", output, strerror(errno));
        rc = PCL_EXIT_ERROR;
    }
    if (c.f == stdout && fflush(stdout) != 0) {
        rc = PCL_EXIT_ERROR;
    }
    return rc;
}

/* ---- sign / verify ---------------------------------------------------------------------- */

#define MAX_LIST 64

static void
sign_usage(FILE *f, bool verify)
{
    if (verify) {
        (void)fprintf(
            f,
            "usage: portcullis model verify (--public-key PEM | --certificate-chain PEM...)\n"
            "                               [options] PATH\n"
            "\n"
            "Verify an OpenSSF Model Signing signature (Sigstore bundle, DSSE, in-toto) of the\n"
            "model file or directory PATH: the signature, the statement, and every file. Each\n"
            "added, removed or modified file is listed. v0.2 signatures are accepted.\n"
            "\n"
            "options:\n"
            "      --signature FILE        the bundle (default PATH/model.sig, or PATH.sig for a\n"
            "                              file)\n"
            "      --public-key PEM        verify a key-signed bundle with this public key\n"
            "      --certificate-chain PEM trusted root (and intermediate) certificates for a\n"
            "                              certificate bundle; repeatable. The chain is checked\n"
            "                              at the signing certificate's notBefore\n"
            "      --trust-root JSON       Sigstore trusted root (or ClientTrustConfig) whose\n"
            "                              Fulcio CAs anchor a Sigstore bundle's certificate,\n"
            "                              checked at the log's integration time; the\n"
            "                              transparency-log proof itself is NOT verified\n"
            "      --identity ID           Sigstore: required certificate e-mail or URI\n"
            "      --identity-provider URL Sigstore: required OIDC issuer\n"
            "      --ignore-paths PATH     skip PATH (relative to the model); repeatable; paths\n"
            "                              recorded in the signature are skipped too\n"
            "      --allow-symlinks        follow symlinks\n"
            "  -f, --format FMT            text (default) or json\n"
            "\n"
            "exit codes: 0 valid, 1 invalid (signature or files), 2 usage, 4 error\n");
        return;
    }
    (void)fprintf(
        f, "usage: portcullis model sign --key PEM [options] PATH\n"
           "\n"
           "Sign the model file or directory PATH in the OpenSSF Model Signing v1.0 format: a\n"
           "Sigstore bundle v0.3 whose DSSE envelope holds an in-toto Statement listing the\n"
           "SHA-256 of every file (or shard). Files are hashed in parallel.\n"
           "\n"
           "options:\n"
           "      --key PEM              ECDSA private key (P-256, P-384 or P-521)\n"
           "      --cert PEM             signing certificate: the bundle carries the chain\n"
           "                             instead of the public key\n"
           "      --chain PEM            intermediate certificates to embed; repeatable\n"
           "      --shards               serialize per shard instead of per file\n"
           "      --shard-size N         shard size in bytes (default 1000000000)\n"
           "      --ignore-paths PATH    leave PATH out (relative to the model); repeatable\n"
           "      --allow-symlinks       follow symlinks (default: a symlink is an error)\n"
           "  -j, --threads N            hashing threads (default: all CPUs)\n"
           "  -o, --output FILE          where the bundle goes (default PATH/model.sig, or\n"
           "                             PATH.sig for a file)\n"
           "\n"
           "exit codes: 0 signed, 2 usage, 4 error\n");
}

static int
cmd_model_sign_verify(int argc, char **argv, bool verify)
{
    enum {
        OPT_KEY = 256,
        OPT_CERT,
        OPT_CHAIN,
        OPT_SHARDS,
        OPT_SHARD_SIZE,
        OPT_IGNORE,
        OPT_SYMLINKS,
        OPT_SIG,
        OPT_PUB,
        OPT_TRUST,
        OPT_IDENTITY,
        OPT_PROVIDER,
    };
    static const struct option long_opts[] = {
        {"key", required_argument, NULL, OPT_KEY},
        {"cert", required_argument, NULL, OPT_CERT},
        {"chain", required_argument, NULL, OPT_CHAIN},
        {"certificate-chain", required_argument, NULL, OPT_CHAIN},
        {"shards", no_argument, NULL, OPT_SHARDS},
        {"shard-size", required_argument, NULL, OPT_SHARD_SIZE},
        {"ignore-paths", required_argument, NULL, OPT_IGNORE},
        {"allow-symlinks", no_argument, NULL, OPT_SYMLINKS},
        {"signature", required_argument, NULL, OPT_SIG},
        {"public-key", required_argument, NULL, OPT_PUB},
        {"trust-root", required_argument, NULL, OPT_TRUST},
        {"identity", required_argument, NULL, OPT_IDENTITY},
        {"identity-provider", required_argument, NULL, OPT_PROVIDER},
        {"threads", required_argument, NULL, 'j'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = verify ? "model verify" : "model sign";
    const char *ignore[MAX_LIST], *chain[MAX_LIST];
    struct pcl_model_sign_opts o = {0};
    struct pcl_model_verify *v = NULL;
    struct pcl_err err = {0};
    const char *output = NULL;
    bool json = false;
    char *bundle = NULL;
    size_t blen = 0;
    int ch, rc = PCL_EXIT_OK;
    uint64_t u;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "j:o:f:h", long_opts, NULL)) != -1) {
        switch (ch) {
        case OPT_KEY:
            o.key_path = optarg;
            break;
        case OPT_CERT:
            o.cert_path = optarg;
            break;
        case OPT_CHAIN:
            if (o.nchain == MAX_LIST) {
                pcl_cli_error(cmd, "more than %d certificate files", MAX_LIST);
                return PCL_EXIT_USAGE;
            }
            chain[o.nchain++] = optarg;
            break;
        case OPT_SHARDS:
            o.serial = PCL_MODEL_SERIAL_SHARDS;
            break;
        case OPT_SHARD_SIZE:
            if (!pcl_parse_u64(optarg, UINT64_MAX, &u) || u == 0) {
                pcl_cli_error(cmd, "--shard-size: expected a positive integer, got \"%s\"", optarg);
                return PCL_EXIT_USAGE;
            }
            o.shard_size = u;
            break;
        case OPT_IGNORE:
            if (o.nignore == MAX_LIST) {
                pcl_cli_error(cmd, "more than %d --ignore-paths", MAX_LIST);
                return PCL_EXIT_USAGE;
            }
            ignore[o.nignore++] = optarg;
            break;
        case OPT_SYMLINKS:
            o.allow_symlinks = true;
            break;
        case OPT_SIG:
            o.sig_path = optarg;
            break;
        case OPT_PUB:
            o.pubkey_path = optarg;
            break;
        case OPT_TRUST:
            o.trust_root_path = optarg;
            break;
        case OPT_IDENTITY:
            o.identity = optarg;
            break;
        case OPT_PROVIDER:
            o.identity_provider = optarg;
            break;
        case 'j':
            if (!pcl_parse_u64(optarg, 64, &u) || u == 0) {
                pcl_cli_error(cmd, "--threads: expected 1..64, got \"%s\"", optarg);
                return PCL_EXIT_USAGE;
            }
            o.threads = (unsigned)u;
            break;
        case 'o':
            output = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                pcl_cli_error(cmd, "--format: unknown format \"%s\" (text, json)", optarg);
                return PCL_EXIT_USAGE;
            }
            json = strcmp(optarg, "json") == 0;
            break;
        case 'h':
            sign_usage(stdout, verify);
            return PCL_EXIT_OK;
        default:
            sign_usage(stderr, verify);
            return PCL_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        pcl_cli_error(cmd, "expected exactly one PATH");
        sign_usage(stderr, verify);
        return PCL_EXIT_USAGE;
    }
    o.ignore = ignore;
    o.chain_paths = chain;
    if (!verify) {
        char def[4200];
        struct stat st;
        FILE *f;

        if (o.key_path == NULL) {
            pcl_cli_error(cmd, "--key is required");
            return PCL_EXIT_USAGE;
        }
        if (output == NULL) {
            bool dir = stat(argv[optind], &st) == 0 && S_ISDIR(st.st_mode);

            (void)snprintf(def, sizeof(def), dir ? "%s/model.sig" : "%s.sig", argv[optind]);
            output = def;
        }
        o.sig_path = output;
        if (pcl_model_sign(argv[optind], &o, &bundle, &blen, &err) != PCL_OK) {
            pcl_cli_error(cmd, "%s", err.msg);
            return PCL_EXIT_ERROR;
        }
        f = fopen(output, "w");
        if (f == NULL || fwrite(bundle, 1, blen, f) != blen || fclose(f) != 0) {
            pcl_cli_error(cmd, "%s: %s", output, strerror(errno));
            pcl_free(bundle);
            return PCL_EXIT_ERROR;
        }
        pcl_free(bundle);
        (void)fprintf(stderr, "signed %s -> %s\n", argv[optind], output);
        return PCL_EXIT_OK;
    }
    if (pcl_model_verify(argv[optind], &o, &v, &err) != PCL_OK) {
        pcl_cli_error(cmd, "%s", err.msg);
        return PCL_EXIT_ERROR;
    }
    rc = pcl_model_verify_is_valid(v) ? PCL_EXIT_OK : PCL_EXIT_FINDINGS;
    if (json) {
        struct pcl_buf b;
        struct pcl_jw jw;
        static const char *const kinds[] = {"added", "removed", "modified"};

        pcl_buf_init(&b, 0);
        pcl_jw_init(&jw, &b);
        pcl_jw_obj_begin(&jw);
        pcl_jw_key(&jw, "path");
        pcl_jw_cstr(&jw, argv[optind]);
        pcl_jw_key(&jw, "valid");
        pcl_jw_bool(&jw, rc == PCL_EXIT_OK);
        pcl_jw_key(&jw, "signature_ok");
        pcl_jw_bool(&jw, v->signature_ok);
        pcl_jw_key(&jw, "statement_ok");
        pcl_jw_bool(&jw, v->statement_ok);
        pcl_jw_key(&jw, "tlog_verified");
        pcl_jw_bool(&jw, v->tlog_verified);
        pcl_jw_key(&jw, "legacy_v0_2");
        pcl_jw_bool(&jw, v->legacy);
        pcl_jw_key(&jw, "signer");
        pcl_jw_cstr(&jw, v->signer);
        pcl_jw_key(&jw, "reason");
        pcl_jw_cstr(&jw, v->why[0] != '\0' ? v->why : NULL);
        pcl_jw_key(&jw, "resources");
        pcl_jw_uint(&jw, v->nresources);
        pcl_jw_key(&jw, "changes");
        pcl_jw_arr_begin(&jw);
        for (size_t i = 0; i < v->ndiffs; i++) {
            pcl_jw_obj_begin(&jw);
            pcl_jw_key(&jw, "kind");
            pcl_jw_cstr(&jw, kinds[v->diffs[i].kind]);
            pcl_jw_key(&jw, "name");
            pcl_jw_cstr(&jw, v->diffs[i].name);
            pcl_jw_obj_end(&jw);
        }
        pcl_jw_arr_end(&jw);
        pcl_jw_obj_end(&jw);
        if (pcl_jw_rc(&jw) != PCL_OK) {
            rc = PCL_EXIT_ERROR;
        } else {
            printf("%s\n", b.ptr);
        }
        pcl_buf_fini(&b);
    } else {
        static const char *const kinds[] = {"added", "removed", "modified"};

        printf("%s: %s\n", argv[optind], rc == PCL_EXIT_OK ? "valid" : "INVALID");
        printf("  signature: %s%s%s\n", v->signature_ok ? "ok" : "bad",
               v->signer[0] != '\0' ? " by " : "", v->signer);
        if (v->legacy) {
            printf("  note: v0.2 signature (legacy PAE encoding)\n");
        }
        if (v->tlog_verified) {
            printf("  transparency log: entry, inclusion proof, checkpoint and entry timestamp "
                   "verified\n");
        }
        if (v->tlog_unchecked) {
            printf("  note: Sigstore transparency-log entry not verified (offline check of "
                   "certificate chain, identity and signature only)\n");
        }
        if (v->why[0] != '\0') {
            printf("  reason: %s\n", v->why);
        }
        printf("  resources: %zu signed, %zu changed\n", v->nresources, v->ndiffs);
        for (size_t i = 0; i < v->ndiffs; i++) {
            printf("  %s: %s\n", kinds[v->diffs[i].kind], v->diffs[i].name);
        }
    }
    pcl_model_verify_free(v);
    return rc;
}

static int
cmd_model_sign(int argc, char **argv)
{
    return cmd_model_sign_verify(argc, argv, false);
}

static int
cmd_model_verify(int argc, char **argv)
{
    return cmd_model_sign_verify(argc, argv, true);
}

/* ---- encrypt / decrypt / keygen --------------------------------------------------------- */

#define MAX_SECRET_FILE 4096

static void
crypt_usage(FILE *f, bool decrypt)
{
    (void)fprintf(
        f,
        "usage: portcullis model %s KEY-OPTION -o OUTPUT INPUT\n"
        "\n"
        "%s a model file with libsodium secretstream (XChaCha20-Poly1305) in 1 MiB chunks:\n"
        "constant memory, every chunk authenticated, the last one tagged final. Output is\n"
        "written to a temporary file and renamed only when complete%s.\n"
        "\n"
        "key options (exactly one):\n"
        "      --key-file FILE         32-byte key: raw, 64 hex characters or base64\n"
        "      --key-env NAME          key (hex or base64) from environment variable NAME\n"
        "      --passphrase-file FILE  passphrase (first line), stretched with Argon2id\n"
        "      --passphrase-env NAME   passphrase from environment variable NAME\n"
        "%s"
        "  -o, --output FILE           where the %s goes (required)\n"
        "\n"
        "`portcullis model keygen -o NAME` writes NAME.key (64 hex characters); with --x25519\n"
        "it writes an X25519 identity NAME.key and its public key NAME.pub.\n"
        "\n"
        "exit codes: 0 done, 1 authentication failed (wrong key, tampering, truncation),\n"
        "            2 usage, 4 error\n",
        decrypt ? "decrypt" : "encrypt", decrypt ? "Decrypt" : "Encrypt",
        decrypt ? "; damaged or truncated input leaves no output" : "",
        decrypt ? "      --identity FILE         X25519 identity (NAME.key from keygen --x25519)\n"
                : "      --recipient FILE        X25519 public key (NAME.pub); repeatable: each\n"
                  "                              recipient can decrypt with its identity\n",
        decrypt ? "plaintext" : "ciphertext");
}

static bool
read_secret(const char *path, char *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        return false;
    }
    *len = fread(buf, 1, cap - 1, f);
    (void)fclose(f);
    buf[*len] = '\0';
    return true;
}

static int
cmd_model_crypt(int argc, char **argv, bool decrypt)
{
    enum {
        OPT_KEY_FILE = 256,
        OPT_KEY_ENV,
        OPT_PASS_FILE,
        OPT_PASS_ENV,
        OPT_RECIPIENT,
        OPT_IDENTITY,
    };
    static const struct option long_opts[] = {
        {"key-file", required_argument, NULL, OPT_KEY_FILE},
        {"key-env", required_argument, NULL, OPT_KEY_ENV},
        {"passphrase-file", required_argument, NULL, OPT_PASS_FILE},
        {"passphrase-env", required_argument, NULL, OPT_PASS_ENV},
        {"recipient", required_argument, NULL, OPT_RECIPIENT},
        {"identity", required_argument, NULL, OPT_IDENTITY},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = decrypt ? "model decrypt" : "model encrypt";
    struct pcl_model_crypt_opts o = {0};
    uint8_t(*rcpt)[32] = NULL;
    char secret[MAX_SECRET_FILE];
    const char *output = NULL;
    struct pcl_err err = {0};
    size_t nrcpt = 0, len = 0;
    int ch, rc = PCL_EXIT_OK, modes = 0;

    rcpt = pcl_calloc(MAX_LIST, sizeof(*rcpt));
    if (rcpt == NULL) {
        pcl_cli_error(cmd, "out of memory");
        return PCL_EXIT_ERROR;
    }
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:h", long_opts, NULL)) != -1) {
        const char *val = NULL;

        switch (ch) {
        case OPT_KEY_FILE:
        case OPT_KEY_ENV:
            modes++;
            if (ch == OPT_KEY_FILE && !read_secret(optarg, secret, sizeof(secret), &len)) {
                pcl_cli_error(cmd, "%s: %s", optarg, strerror(errno));
                rc = PCL_EXIT_USAGE;
                goto out;
            }
            if (ch == OPT_KEY_ENV) {
                val = getenv(optarg);
                if (val == NULL) {
                    pcl_cli_error(cmd, "environment variable %s is not set", optarg);
                    rc = PCL_EXIT_USAGE;
                    goto out;
                }
                len = strlen(val);
            }
            if (pcl_model_key_parse(val != NULL ? val : secret, len, o.key, &err) != PCL_OK) {
                pcl_cli_error(cmd, "%s: %s", optarg, err.msg);
                rc = PCL_EXIT_USAGE;
                goto out;
            }
            o.mode = PCL_MODEL_KEY_SYMMETRIC;
            break;
        case OPT_PASS_FILE:
        case OPT_PASS_ENV:
            modes++;
            if (ch == OPT_PASS_FILE) {
                if (!read_secret(optarg, secret, sizeof(secret), &len)) {
                    pcl_cli_error(cmd, "%s: %s", optarg, strerror(errno));
                    rc = PCL_EXIT_USAGE;
                    goto out;
                }
                secret[strcspn(secret, "\r\n")] = '\0';
                o.passphrase = secret;
            } else {
                o.passphrase = getenv(optarg);
            }
            if (o.passphrase == NULL || o.passphrase[0] == '\0') {
                pcl_cli_error(cmd, "empty or missing passphrase (%s)", optarg);
                rc = PCL_EXIT_USAGE;
                goto out;
            }
            o.mode = PCL_MODEL_KEY_PASSPHRASE;
            break;
        case OPT_RECIPIENT:
        case OPT_IDENTITY:
            if (ch == OPT_RECIPIENT && nrcpt == MAX_LIST) {
                pcl_cli_error(cmd, "more than %d recipients", MAX_LIST);
                rc = PCL_EXIT_USAGE;
                goto out;
            }
            if (!read_secret(optarg, secret, sizeof(secret), &len) ||
                pcl_model_key_parse(secret, len, ch == OPT_RECIPIENT ? rcpt[nrcpt] : o.identity_sk,
                                    &err) != PCL_OK) {
                pcl_cli_error(cmd, "%s: not an X25519 key file (%s)", optarg,
                              err.msg[0] != '\0' ? err.msg : strerror(errno));
                rc = PCL_EXIT_USAGE;
                goto out;
            }
            if (ch == OPT_RECIPIENT) {
                if (nrcpt == 0) {
                    modes++;
                }
                nrcpt++;
            } else {
                modes++;
                (void)crypto_scalarmult_base(o.identity_pk, o.identity_sk);
            }
            o.mode = PCL_MODEL_KEY_RECIPIENTS;
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            crypt_usage(stdout, decrypt);
            goto out;
        default:
            crypt_usage(stderr, decrypt);
            rc = PCL_EXIT_USAGE;
            goto out;
        }
    }
    if (modes != 1 || output == NULL || optind != argc - 1 || (decrypt && nrcpt > 0)) {
        pcl_cli_error(cmd, "need exactly one key option, -o OUTPUT and one INPUT");
        crypt_usage(stderr, decrypt);
        rc = PCL_EXIT_USAGE;
        goto out;
    }
    o.recipients = (const uint8_t(*)[32])rcpt;
    o.nrecipients = nrcpt;
    if ((decrypt ? pcl_model_decrypt(argv[optind], output, &o, &err)
                 : pcl_model_encrypt(argv[optind], output, &o, &err)) != PCL_OK) {
        pcl_cli_error(cmd, "%s", err.msg);
        rc = err.rc == PCL_EINVAL ? PCL_EXIT_FINDINGS : PCL_EXIT_ERROR;
    }
out:
    sodium_memzero(secret, sizeof(secret));
    sodium_memzero(&o, sizeof(o));
    pcl_free(rcpt);
    return rc;
}

static int
cmd_model_encrypt(int argc, char **argv)
{
    return cmd_model_crypt(argc, argv, false);
}

static int
cmd_model_decrypt(int argc, char **argv)
{
    return cmd_model_crypt(argc, argv, true);
}

static int
write_hex_file(const char *path, const uint8_t *p, size_t n, mode_t mode)
{
    char hex[2 * 32 + 2];
    int fd;
    bool ok;

    for (size_t i = 0; i < n; i++) {
        (void)snprintf(hex + 2 * i, 3, "%02x", p[i]);
    }
    hex[2 * n] = '\n';
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd == -1) {
        return -1;
    }
    ok = write(fd, hex, 2 * n + 1) == (ssize_t)(2 * n + 1);
    sodium_memzero(hex, sizeof(hex));
    return close(fd) == 0 && ok ? 0 : -1;
}

static int
cmd_model_keygen(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"x25519", no_argument, NULL, 'x'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint8_t sk[32], pk[32];
    char path[4096];
    const char *name = NULL;
    bool x25519 = false;
    int ch;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:h", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'x':
            x25519 = true;
            break;
        case 'o':
            name = optarg;
            break;
        case 'h':
            crypt_usage(stdout, false);
            return PCL_EXIT_OK;
        default:
            return PCL_EXIT_USAGE;
        }
    }
    if (name == NULL || optind != argc) {
        pcl_cli_error("model keygen", "usage: portcullis model keygen [--x25519] -o NAME");
        return PCL_EXIT_USAGE;
    }
    randombytes_buf(sk, sizeof(sk));
    (void)snprintf(path, sizeof(path), "%s.key", name);
    if (write_hex_file(path, sk, sizeof(sk), 0600) != 0) {
        pcl_cli_error("model keygen", "%s: %s", path, strerror(errno));
        sodium_memzero(sk, sizeof(sk));
        return PCL_EXIT_ERROR;
    }
    if (x25519) {
        (void)crypto_scalarmult_base(pk, sk);
        (void)snprintf(path, sizeof(path), "%s.pub", name);
        if (write_hex_file(path, pk, sizeof(pk), 0644) != 0) {
            pcl_cli_error("model keygen", "%s: %s", path, strerror(errno));
            sodium_memzero(sk, sizeof(sk));
            return PCL_EXIT_ERROR;
        }
    }
    sodium_memzero(sk, sizeof(sk));
    return PCL_EXIT_OK;
}

/* ---- registry ------------------------------------------------------------------------------ */

static void
registry_usage(FILE *f)
{
    (void)fprintf(
        f,
        "usage: portcullis model register NAME VERSION PATH [options]\n"
        "       portcullis model list [NAME] [--format text|json]\n"
        "       portcullis model show NAME VERSION\n"
        "       portcullis model lineage NAME VERSION\n"
        "       portcullis model promote NAME VERSION STAGE [--approvals N]\n"
        "       portcullis model bom NAME VERSION [-o FILE]\n"
        "\n"
        "A registry of model versions in the store: digest (SHA-256 manifest of the files),\n"
        "scan outcome, signature status and signer, parent version, datasets, stage, who\n"
        "and when. Every change is recorded as an event (and appended to --audit-log).\n"
        "STAGE is registered, staging, production or archived; production needs a clean\n"
        "scan and a valid signature, and --approvals N distinct principals (default 1).\n"
        "`bom` writes a CycloneDX 1.6 ML-BOM with the parent chain as pedigree.\n"
        "\n"
        "options:\n"
        "      --store URL            registry store (default $PORTCULLIS_STORE, else\n"
        "                             sqlite://portcullis-registry.db)\n"
        "      --by PRINCIPAL         who acts (default $USER)\n"
        "      --audit-log FILE       append each event as a JSON line\n"
        "                             (and with $PORTCULLIS_AUDIT_DB + $PORTCULLIS_AUDIT_KEY set,\n"
        "                             each event is also an entry of that tamper-evident log)\n"
        "      --parent VERSION       register: the version this one derives from\n"
        "      --dataset PATH|DIGEST  register: training data (a file or directory is hashed;\n"
        "                             or sha256:<hex>); repeatable\n"
        "      --signature FILE       register: signature to verify (default PATH/model.sig or\n"
        "                             PATH.sig when present), with --public-key,\n"
        "                             --certificate-chain or --trust-root as in `verify`\n"
        "      --approvals N          promote: distinct principals needed (default 1)\n"
        "  -f, --format FMT           list/show: text (default) or json\n"
        "  -o, --output FILE          bom: write to FILE\n"
        "\n"
        "exit codes: 0 done, 1 promotion refused or pending approval, 2 usage, 3 not found,\n"
        "            4 error\n");
}

struct reg_opts {
    const char *store;
    const char *by;
    const char *audit_log;
    const char *parent;
    const char *datasets[MAX_LIST];
    size_t ndatasets;
    const char *output;
    unsigned approvals;
    bool json;
    struct pcl_model_sign_opts so;
    const char *chain[MAX_LIST];
};

/* Registry events: a JSON line in --audit-log, and an entry in the tamper-evident log when one
 * is configured ($PORTCULLIS_AUDIT_DB with $PORTCULLIS_AUDIT_KEY). */
struct audit_sinks {
    const char *path;
    struct pcl_cli_audit log;
    bool failed;
};

static void audit_line(void *arg, const char *json, size_t len);

static void
audit_both(void *arg, const char *json, size_t len)
{
    struct audit_sinks *a = arg;
    struct pcl_err err;

    if (a->path != NULL) {
        audit_line((void *)(uintptr_t)a->path, json, len);
    }
    if (pcl_cli_audit_event(&a->log, "model", json, len, &err) != PCL_OK) {
        pcl_cli_error("model", "registry event not recorded in the audit log: %s", err.msg);
        a->failed = true;
    }
}

static void
audit_line(void *arg, const char *json, size_t len)
{
    const char *path = arg;
    FILE *f = fopen(path, "a");

    if (f == NULL) {
        pcl_cli_warn("model", "%s: %s", path, strerror(errno));
        return;
    }
    (void)fwrite(json, 1, len, f);
    (void)fputc('\n', f);
    if (fclose(f) != 0) {
        pcl_cli_warn("model", "%s: %s", path, strerror(errno));
    }
}

static void
hexstr(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        (void)snprintf(out + 2 * i, 3, "%02x", d[i]);
    }
}

struct scan_sum {
    enum pcl_model_outcome worst;
    uint64_t findings;
    size_t errors;
};

static enum pcl_rc
sum_file(void *arg, const struct pcl_walk_entry *e, struct pcl_err *err)
{
    struct scan_sum *s = arg;
    struct pcl_model_report *r = NULL;
    enum pcl_model_outcome o;
    enum pcl_rc rc;

    if (strcmp(e->rel, "model.sig") == 0) {
        return PCL_OK;
    }
    rc = pcl_model_scan_file(e->path, NULL, &r, err);
    if (rc == PCL_ENOMEM) {
        return rc;
    }
    if (rc != PCL_OK) {
        s->errors++;
        s->worst = PCL_MAX(s->worst, PCL_MODEL_UNSCANNABLE);
        return PCL_OK;
    }
    o = pcl_model_report_outcome(r);
    s->worst = PCL_MAX(s->worst, o);
    for (size_t i = 0; i < r->nfindings; i++) {
        s->findings += r->findings[i].sev > PCL_MODEL_SEV_INFO || r->findings[i].unscannable;
    }
    pcl_model_report_free(r);
    return PCL_OK;
}

static int
do_register(struct pcl_model_registry *reg, struct reg_opts *ro, char **pos, int npos)
{
    struct pcl_model_version v;
    struct pcl_model_dataset ds[MAX_LIST];
    struct scan_sum sum = {PCL_MODEL_CLEAN, 0, 0};
    struct pcl_walk_opts wo = {0};
    const char *roots[1];
    struct pcl_err err = {0};
    uint8_t d[32];
    size_t nfiles = 0;
    char sigdef[4200];
    struct stat st;

    if (npos != 3) {
        pcl_cli_error("model register", "expected NAME VERSION PATH");
        return PCL_EXIT_USAGE;
    }
    memset(&v, 0, sizeof(v));
    if (strlen(pos[0]) >= sizeof(v.name) || strlen(pos[1]) >= sizeof(v.version) ||
        (ro->parent != NULL && strlen(ro->parent) >= sizeof(v.parent))) {
        pcl_cli_error("model register", "name or version too long");
        return PCL_EXIT_USAGE;
    }
    (void)snprintf(v.name, sizeof(v.name), "%s", pos[0]);
    (void)snprintf(v.version, sizeof(v.version), "%s", pos[1]);
    (void)snprintf(v.path, sizeof(v.path), "%s", pos[2]);
    (void)snprintf(v.parent, sizeof(v.parent), "%s", ro->parent != NULL ? ro->parent : "");
    (void)snprintf(v.created_by, sizeof(v.created_by), "%s", ro->by);
    if (pcl_model_digest(pos[2], 0, d, &nfiles, &v.bytes, &err) != PCL_OK) {
        pcl_cli_error("model register", "%s", err.msg);
        return err.rc == PCL_ENOTFOUND ? PCL_EXIT_PARTIAL : PCL_EXIT_ERROR;
    }
    v.files = nfiles;
    hexstr(d, 32, v.digest);
    wo.on_file = sum_file;
    wo.arg = &sum;
    wo.no_default_excludes = true;
    roots[0] = pos[2];
    if (pcl_walk(roots, 1, &wo, NULL, &err) != PCL_OK) {
        pcl_cli_error("model register", "%s", err.msg);
        return PCL_EXIT_ERROR;
    }
    (void)snprintf(v.scan, sizeof(v.scan), "%s", pcl_model_outcome_str(sum.worst));
    v.findings = sum.findings;
    if (ro->so.sig_path == NULL) {
        bool dir = stat(pos[2], &st) == 0 && S_ISDIR(st.st_mode);

        (void)snprintf(sigdef, sizeof(sigdef), dir ? "%s/model.sig" : "%s.sig", pos[2]);
        if (stat(sigdef, &st) == 0) {
            ro->so.sig_path = sigdef;
        }
    }
    if (ro->so.sig_path == NULL) {
        (void)snprintf(v.signature, sizeof(v.signature), "unsigned");
    } else if (ro->so.pubkey_path == NULL && ro->so.nchain == 0 && ro->so.trust_root_path == NULL) {
        pcl_cli_error("model register", "a signature needs --public-key, --certificate-chain or "
                                        "--trust-root to be checked");
        return PCL_EXIT_USAGE;
    } else {
        struct pcl_model_verify *ver = NULL;

        if (pcl_model_verify(pos[2], &ro->so, &ver, &err) != PCL_OK) {
            pcl_cli_error("model register", "%s", err.msg);
            return PCL_EXIT_ERROR;
        }
        (void)snprintf(v.signature, sizeof(v.signature), "%s",
                       pcl_model_verify_is_valid(ver) ? "valid" : "invalid");
        (void)snprintf(v.signer, sizeof(v.signer), "%s", ver->signer);
        pcl_model_verify_free(ver);
    }
    for (size_t i = 0; i < ro->ndatasets; i++) {
        const char *x = ro->datasets[i];
        size_t nf;
        uint64_t nb;

        (void)snprintf(ds[i].ref, sizeof(ds[i].ref), "%s", x);
        if (stat(x, &st) == 0) {
            char hex[65];

            if (pcl_model_digest(x, 0, d, &nf, &nb, &err) != PCL_OK) {
                pcl_cli_error("model register", "%s", err.msg);
                return PCL_EXIT_ERROR;
            }
            hexstr(d, 32, hex);
            (void)snprintf(ds[i].digest, sizeof(ds[i].digest), "sha256:%s", hex);
        } else if (strncmp(x, "sha256:", 7) == 0 && strlen(x) == 71 &&
                   strspn(x + 7, "0123456789abcdef") == 64) {
            (void)snprintf(ds[i].digest, sizeof(ds[i].digest), "%s", x);
        } else {
            pcl_cli_error("model register", "--dataset %s: neither a file nor sha256:<hex>", x);
            return PCL_EXIT_USAGE;
        }
    }
    if (pcl_model_registry_add(reg, &v, ds, ro->ndatasets, &err) != PCL_OK) {
        pcl_cli_error("model register", "%s", err.msg);
        return err.rc == PCL_EINVAL ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
    }
    printf("registered %s %s: sha256:%s, %llu files, scan %s, signature %s\n", v.name, v.version,
           v.digest, (unsigned long long)v.files, v.scan, v.signature);
    return PCL_EXIT_OK;
}

static void
jw_version(struct pcl_jw *jw, const struct pcl_model_version *v)
{
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "name");
    pcl_jw_cstr(jw, v->name);
    pcl_jw_key(jw, "version");
    pcl_jw_cstr(jw, v->version);
    pcl_jw_key(jw, "path");
    pcl_jw_cstr(jw, v->path);
    pcl_jw_key(jw, "digest");
    pcl_jw_cstr(jw, v->digest);
    pcl_jw_key(jw, "files");
    pcl_jw_uint(jw, v->files);
    pcl_jw_key(jw, "bytes");
    pcl_jw_uint(jw, v->bytes);
    pcl_jw_key(jw, "scan");
    pcl_jw_cstr(jw, v->scan);
    pcl_jw_key(jw, "findings");
    pcl_jw_uint(jw, v->findings);
    pcl_jw_key(jw, "signature");
    pcl_jw_cstr(jw, v->signature);
    pcl_jw_key(jw, "signer");
    pcl_jw_cstr(jw, v->signer);
    pcl_jw_key(jw, "parent");
    pcl_jw_cstr(jw, v->parent[0] != '\0' ? v->parent : NULL);
    pcl_jw_key(jw, "stage");
    pcl_jw_cstr(jw, v->stage);
    pcl_jw_key(jw, "created");
    pcl_jw_cstr(jw, v->created);
    pcl_jw_key(jw, "created_by");
    pcl_jw_cstr(jw, v->created_by);
    pcl_jw_obj_end(jw);
}

struct list_ctx {
    struct pcl_jw jw;
    struct pcl_buf buf;
    bool json;
};

static enum pcl_rc
list_one(void *arg, const struct pcl_model_version *v)
{
    struct list_ctx *c = arg;

    if (c->json) {
        jw_version(&c->jw, v);
    } else {
        printf("%-24s %-12s %-11s %-11s %-9s %s\n", v->name, v->version, v->stage, v->scan,
               v->signature, v->created);
    }
    return PCL_OK;
}

static enum pcl_rc
print_dataset(void *arg, const struct pcl_model_dataset *d)
{
    (void)arg;
    printf("    dataset %s (%s)\n", d->ref, d->digest);
    return PCL_OK;
}

static int
do_query(struct pcl_model_registry *reg, struct reg_opts *ro, const char *what, char **pos,
         int npos)
{
    struct pcl_err err = {0};
    struct pcl_model_version v;
    int rc = PCL_EXIT_OK;

    if (strcmp(what, "list") == 0) {
        struct list_ctx c = {.json = ro->json};

        if (npos > 1) {
            pcl_cli_error("model list", "expected at most one NAME");
            return PCL_EXIT_USAGE;
        }
        pcl_buf_init(&c.buf, 0);
        pcl_jw_init(&c.jw, &c.buf);
        pcl_jw_arr_begin(&c.jw);
        if (pcl_model_registry_list(reg, npos == 1 ? pos[0] : NULL, list_one, &c, &err) != PCL_OK) {
            pcl_cli_error("model list", "%s", err.msg);
            rc = PCL_EXIT_ERROR;
        }
        pcl_jw_arr_end(&c.jw);
        if (rc == PCL_EXIT_OK && ro->json) {
            printf("%s\n", pcl_jw_rc(&c.jw) == PCL_OK && c.buf.ptr != NULL ? c.buf.ptr : "[]");
        }
        pcl_buf_fini(&c.buf);
        return rc;
    }
    if (npos != 2) {
        pcl_cli_error(what, "expected NAME VERSION");
        return PCL_EXIT_USAGE;
    }
    if (pcl_model_registry_get(reg, pos[0], pos[1], &v, &err) != PCL_OK) {
        pcl_cli_error(what, "%s", err.msg);
        return err.rc == PCL_ENOTFOUND ? PCL_EXIT_PARTIAL : PCL_EXIT_ERROR;
    }
    if (strcmp(what, "show") == 0) {
        struct list_ctx c = {.json = true};

        pcl_buf_init(&c.buf, 0);
        pcl_jw_init(&c.jw, &c.buf);
        jw_version(&c.jw, &v);
        printf("%s\n", pcl_jw_rc(&c.jw) == PCL_OK ? c.buf.ptr : "{}");
        pcl_buf_fini(&c.buf);
        return PCL_EXIT_OK;
    }
    if (strcmp(what, "lineage") == 0) {
        for (int depth = 0; depth < 1000; depth++) {
            char parent[64];

            printf("%s%s %s  sha256:%s  scan %s  signature %s  stage %s  %s by %s\n",
                   depth == 0 ? "" : "<- ", v.name, v.version, v.digest, v.scan, v.signature,
                   v.stage, v.created, v.created_by);
            if (pcl_model_registry_datasets(reg, v.name, v.version, print_dataset, NULL, &err) !=
                PCL_OK) {
                pcl_cli_error(what, "%s", err.msg);
                return PCL_EXIT_ERROR;
            }
            if (v.parent[0] == '\0') {
                break;
            }
            (void)snprintf(parent, sizeof(parent), "%s", v.parent);
            if (pcl_model_registry_get(reg, v.name, parent, &v, &err) != PCL_OK) {
                pcl_cli_error(what, "%s", err.msg);
                return PCL_EXIT_ERROR;
            }
        }
        return PCL_EXIT_OK;
    }
    /* bom */
    {
        struct pcl_buf b;
        FILE *f = stdout;

        pcl_buf_init(&b, 0);
        if (pcl_model_registry_bom(reg, pos[0], pos[1], &b, &err) != PCL_OK ||
            pcl_buf_appendc(&b, '\n') != PCL_OK) {
            pcl_cli_error("model bom", "%s", err.msg);
            pcl_buf_fini(&b);
            return PCL_EXIT_ERROR;
        }
        if (ro->output != NULL) {
            f = fopen(ro->output, "w");
        }
        if (f == NULL || fwrite(b.ptr, 1, b.len, f) != b.len || (f != stdout && fclose(f) != 0)) {
            pcl_cli_error("model bom", "%s: %s", ro->output != NULL ? ro->output : "stdout",
                          strerror(errno));
            rc = PCL_EXIT_ERROR;
        }
        pcl_buf_fini(&b);
        return rc;
    }
}

static int
cmd_model_registry(int argc, char **argv)
{
    enum {
        OPT_STORE = 256,
        OPT_BY,
        OPT_AUDIT,
        OPT_PARENT,
        OPT_DATASET,
        OPT_SIG,
        OPT_PUB,
        OPT_CHAIN,
        OPT_TRUST,
        OPT_APPROVALS,
    };
    static const struct option long_opts[] = {
        {"store", required_argument, NULL, OPT_STORE},
        {"by", required_argument, NULL, OPT_BY},
        {"audit-log", required_argument, NULL, OPT_AUDIT},
        {"parent", required_argument, NULL, OPT_PARENT},
        {"dataset", required_argument, NULL, OPT_DATASET},
        {"signature", required_argument, NULL, OPT_SIG},
        {"public-key", required_argument, NULL, OPT_PUB},
        {"certificate-chain", required_argument, NULL, OPT_CHAIN},
        {"trust-root", required_argument, NULL, OPT_TRUST},
        {"approvals", required_argument, NULL, OPT_APPROVALS},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *what = argv[0];
    struct reg_opts ro;
    struct pcl_store *st = NULL;
    struct pcl_model_registry *reg = NULL;
    struct pcl_err err = {0};
    char url[4200];
    struct audit_sinks sinks = {0};
    int ch, rc;
    uint64_t u;

    memset(&ro, 0, sizeof(ro));
    ro.store = getenv("PORTCULLIS_STORE");
    ro.by = getenv("USER") != NULL ? getenv("USER") : "unknown";
    ro.approvals = 1;
    ro.so.chain_paths = ro.chain;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "f:o:h", long_opts, NULL)) != -1) {
        switch (ch) {
        case OPT_STORE:
            ro.store = optarg;
            break;
        case OPT_BY:
            ro.by = optarg;
            break;
        case OPT_AUDIT:
            ro.audit_log = optarg;
            break;
        case OPT_PARENT:
            ro.parent = optarg;
            break;
        case OPT_DATASET:
            if (ro.ndatasets == MAX_LIST) {
                pcl_cli_error(what, "more than %d datasets", MAX_LIST);
                return PCL_EXIT_USAGE;
            }
            ro.datasets[ro.ndatasets++] = optarg;
            break;
        case OPT_SIG:
            ro.so.sig_path = optarg;
            break;
        case OPT_PUB:
            ro.so.pubkey_path = optarg;
            break;
        case OPT_CHAIN:
            if (ro.so.nchain == MAX_LIST) {
                pcl_cli_error(what, "more than %d certificate files", MAX_LIST);
                return PCL_EXIT_USAGE;
            }
            ro.chain[ro.so.nchain++] = optarg;
            break;
        case OPT_TRUST:
            ro.so.trust_root_path = optarg;
            break;
        case OPT_APPROVALS:
            if (!pcl_parse_u64(optarg, 100, &u) || u == 0) {
                pcl_cli_error(what, "--approvals: expected 1..100, got \"%s\"", optarg);
                return PCL_EXIT_USAGE;
            }
            ro.approvals = (unsigned)u;
            break;
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                pcl_cli_error(what, "--format: unknown format \"%s\" (text, json)", optarg);
                return PCL_EXIT_USAGE;
            }
            ro.json = strcmp(optarg, "json") == 0;
            break;
        case 'o':
            ro.output = optarg;
            break;
        case 'h':
            registry_usage(stdout);
            return PCL_EXIT_OK;
        default:
            registry_usage(stderr);
            return PCL_EXIT_USAGE;
        }
    }
    (void)snprintf(url, sizeof(url), "%s",
                   ro.store != NULL ? ro.store : "sqlite://portcullis-registry.db");
    sinks.path = ro.audit_log;
    if (pcl_cli_audit_open(NULL, NULL, &sinks.log, &err) != PCL_OK ||
        pcl_store_open(url, &st, &err) != PCL_OK ||
        pcl_model_registry_open(st,
                                ro.audit_log != NULL || sinks.log.log != NULL ? audit_both : NULL,
                                &sinks, &reg, &err) != PCL_OK) {
        pcl_cli_error(what, "%s", err.msg);
        pcl_store_free(st);
        pcl_cli_audit_close(&sinks.log);
        return PCL_EXIT_ERROR;
    }
    if (strcmp(what, "register") == 0) {
        rc = do_register(reg, &ro, argv + optind, argc - optind);
    } else if (strcmp(what, "promote") == 0) {
        bool promoted = false;
        unsigned have = 0;

        if (argc - optind != 3) {
            pcl_cli_error(what, "expected NAME VERSION STAGE");
            rc = PCL_EXIT_USAGE;
        } else if (pcl_model_registry_promote(reg, argv[optind], argv[optind + 1], argv[optind + 2],
                                              ro.by, ro.approvals, &promoted, &have,
                                              &err) != PCL_OK) {
            pcl_cli_error(what, "%s", err.msg);
            rc = err.rc == PCL_ENOTFOUND ? PCL_EXIT_PARTIAL
                 : err.rc == PCL_EINVAL  ? PCL_EXIT_FINDINGS
                                         : PCL_EXIT_ERROR;
        } else if (promoted) {
            printf("%s %s is now %s (%u approval%s)\n", argv[optind], argv[optind + 1],
                   argv[optind + 2], have, have == 1 ? "" : "s");
            rc = PCL_EXIT_OK;
        } else {
            printf("%s %s: approval by %s recorded for %s (%u of %u)\n", argv[optind],
                   argv[optind + 1], ro.by, argv[optind + 2], have, ro.approvals);
            rc = have >= ro.approvals ? PCL_EXIT_OK : PCL_EXIT_FINDINGS;
        }
    } else {
        rc = do_query(reg, &ro, what, argv + optind, argc - optind);
    }
    pcl_model_registry_free(reg);
    pcl_store_free(st);
    pcl_cli_audit_close(&sinks.log);
    if (sinks.failed && rc == PCL_EXIT_OK) {
        rc = PCL_EXIT_ERROR;
    }
    return rc;
}

static const struct pcl_cmd subcommands[] = {
    {.name = "bom", .summary = "CycloneDX ML-BOM of a version", .run = cmd_model_registry},
    {.name = "decrypt", .summary = "decrypt a model file", .run = cmd_model_decrypt},
    {.name = "encrypt", .summary = "encrypt a model file", .run = cmd_model_encrypt},
    {.name = "keygen", .summary = "make a key or an X25519 identity", .run = cmd_model_keygen},
    {.name = "lineage", .summary = "parents and datasets of a version", .run = cmd_model_registry},
    {.name = "list", .summary = "list registered versions", .run = cmd_model_registry},
    {.name = "promote", .summary = "approve or promote a version", .run = cmd_model_registry},
    {.name = "register", .summary = "register a model version", .run = cmd_model_registry},
    {.name = "scan", .summary = "scan model files", .run = cmd_model_scan},
    {.name = "show", .summary = "show one version", .run = cmd_model_registry},
    {.name = "sign", .summary = "sign a model (OpenSSF Model Signing)", .run = cmd_model_sign},
    {.name = "verify", .summary = "verify a model signature", .run = cmd_model_verify},
};

int
pcl_cmd_model(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        model_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? PCL_EXIT_USAGE : PCL_EXIT_OK;
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(subcommands); i++) {
        if (strcmp(subcommands[i].name, argv[1]) == 0) {
            return subcommands[i].run(argc - 1, argv + 1);
        }
    }
    pcl_cli_error("model", "unknown subcommand \"%s\"", argv[1]);
    model_usage(stderr);
    return PCL_EXIT_USAGE;
}
