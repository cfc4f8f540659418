/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis audit`: append to, checkpoint, read, prove, verify, export, erase and purge the
 * tamper-evident audit log, and make its keys. */
#include "cli.h"

#include <portcullis/audit.h>

#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD           "audit"
#define KEY_ENV       "PORTCULLIS_AUDIT_KEY"
#define VKEY_ENV      "PORTCULLIS_AUDIT_VKEY"
#define MASTER_ENV    "PORTCULLIS_AUDIT_MASTER_KEY"
#define DB_ENV        "PORTCULLIS_AUDIT_DB"
#define MAX_KEY_FILE  4096
#define MAX_LINE      ((size_t)1 << 20)
#define MAX_EXTRA_CPS 64
#define MAX_WITNESSES 16
#define HS            PCL_MERKLE_HASH_SIZE
#define EXIT_BAD      1 /* verification failed */

struct audit_opts {
    const char *db;
    const char *key_file;
    const char *key_env;
    const char *vkey_file;
    const char *vkey_env;
    const char *master_file;
    const char *master_env;
    const char *witness_files[MAX_WITNESSES];
    size_t nwitness;
    const char *checkpoint_files[MAX_EXTRA_CPS];
    size_t ncheckpoints;
    const char *kind;
    const char *subject;
    const char *payload_file;
    const char *actor;
    const char *older_than;
    const char *bundle;
    const char *receipt;
    const char *entry;
    const char *name;
    const char *output;
    uint64_t size;
    bool have_size;
    long count;
    long checkpoint_every;
    bool cosign;
    bool master;
    bool fail_on_full;
};

static void
usage(FILE *f)
{
    (void)fprintf(
        f,
        "usage: portcullis audit <command> [options]\n"
        "\n"
        "A tamper-evident log (RFC 6962 Merkle tree, C2SP signed checkpoints). The log lives in\n"
        "a store: --db URL (sqlite:///path/audit.db or a path; default $" DB_ENV ").\n"
        "\n"
        "commands:\n"
        "  keygen --name NAME -o FILE   new Ed25519 signing key in FILE (mode 0600); prints the\n"
        "                               verifier key (name+id+key). --cosign makes a witness\n"
        "                               key; --master -o FILE makes a 32-byte master key\n"
        "  append [FILE|-]              append JSON events, one object per line; prints each\n"
        "                               index once it is durable. --kind K (default \"event\");\n"
        "                               --subject ID --payload-file F stores F encrypted for\n"
        "                               the subject with the first event (needs a master key);\n"
        "                               --checkpoint-every N signs every N entries;\n"
        "                               --fail-on-full rejects instead of waiting\n"
        "  checkpoint                   sign a checkpoint of the current tree and print it\n"
        "  tail [-n N]                  print the last N entries (default 10)\n"
        "  show N                       print entry N\n"
        "  prove N [--size S]           print a c2sp.org/tlog-proof receipt for entry N against\n"
        "                               the latest checkpoint (signing one if needed and a key\n"
        "                               is given), or the inclusion proof in the tree of S\n"
        "  consistency A B              print the consistency proof between tree sizes A and B\n"
        "  cosign [NOTE]                act as a witness: check a checkpoint (file or stdin)\n"
        "                               under --vkey-file and print it with this key's\n"
        "                               cosignature/v1 line (--key-file of a --cosign key)\n"
        "  verify                       check every entry, hash, node and checkpoint against\n"
        "                               the verifier key; names the first bad index.\n"
        "                               --bundle FILE checks an export bundle instead;\n"
        "                               --checkpoint FILE adds checkpoints kept elsewhere\n"
        "                               (repeatable); --receipt R --entry E checks one receipt\n"
        "  export --bundle FILE         write every checkpoint and entry, a bundle that\n"
        "                               `verify --bundle FILE` checks offline (- = stdout)\n"
        "  export --subject ID          decrypt a data subject's payloads (JSON lines)\n"
        "  erase --subject ID           destroy the subject's data key (crypto-shredding);\n"
        "                               the erasure is logged\n"
        "  purge --older-than AGE       delete payload ciphertexts older than AGE (90d, 12h,\n"
        "                               30m, 45s) of --kind K (default all); the purge is logged\n"
        "\n"
        "keys (never on the command line):\n"
        "      --key-file FILE          signing key (PRIVATE+KEY+...), default $" KEY_ENV "\n"
        "      --key-env NAME           signing key from environment variable NAME\n"
        "      --vkey-file FILE         verifier key, default $" VKEY_ENV "\n"
        "      --witness-vkey-file FILE witness verifier key for cosignatures (repeatable)\n"
        "      --master-key-file FILE   payload master key (32 bytes raw, hex or base64),\n"
        "                               default $" MASTER_ENV "\n"
        "      --master-key-env NAME    master key from environment variable NAME\n"
        "\n"
        "other options: --db URL, --actor NAME (erase, purge), -o FILE\n"
        "\n"
        "exit codes: 0 ok, 1 verification failed, 2 usage or key error, 4 error\n");
}

/* ---- keys ---------------------------------------------------------------------------------- */

static bool
read_small_file(const char *path, char *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if (f == NULL) {
        pcl_cli_error(CMD, "%s: %s", path, strerror(errno));
        return false;
    }
    n = fread(buf, 1, cap - 1, f);
    if (ferror(f) != 0 || (n == cap - 1 && fgetc(f) != EOF)) {
        pcl_cli_error(CMD, "%s: unreadable or longer than %zu bytes", path, cap - 1);
        (void)fclose(f);
        return false;
    }
    (void)fclose(f);
    buf[n] = '\0';
    *len = n;
    return true;
}

/* Key text from a file or, failing that, an environment variable. */
static bool
key_text(const char *file, const char *env, const char *def_env, char *buf, size_t cap, size_t *len,
         const char *what)
{
    const char *name = env != NULL ? env : def_env;
    const char *v;

    if (file != NULL) {
        return read_small_file(file, buf, cap, len);
    }
    v = getenv(name);
    if (v == NULL || v[0] == '\0') {
        pcl_cli_error(CMD, "no %s: use %s or set %s", what,
                      strcmp(what, "signing key") == 0 ? "--key-file" : "--vkey-file", name);
        return false;
    }
    if (strlen(v) >= cap) {
        pcl_cli_error(CMD, "%s in $%s is too long", what, name);
        return false;
    }
    *len = strlen(v);
    memcpy(buf, v, *len + 1);
    return true;
}

static struct pcl_note_signer *
load_signer(const struct audit_opts *o, bool required)
{
    char buf[MAX_KEY_FILE];
    size_t len = 0;
    struct pcl_note_signer *s = NULL;
    struct pcl_err err;

    if (!required && o->key_file == NULL &&
        (getenv(o->key_env != NULL ? o->key_env : KEY_ENV) == NULL)) {
        return NULL;
    }
    if (!key_text(o->key_file, o->key_env, KEY_ENV, buf, sizeof(buf), &len, "signing key")) {
        return NULL;
    }
    if (pcl_note_signer_parse(buf, len, &s, &err) != PCL_OK) {
        pcl_cli_error(CMD, "%s: %s", o->key_file != NULL ? o->key_file : "signing key", err.msg);
    }
    sodium_memzero(buf, sizeof(buf));
    return s;
}

static struct pcl_note_verifier *
load_verifier(const char *file, const char *env)
{
    char buf[MAX_KEY_FILE];
    size_t len = 0;
    struct pcl_note_verifier *v = NULL;
    struct pcl_err err;

    if (!key_text(file, NULL, env, buf, sizeof(buf), &len, "verifier key")) {
        return NULL;
    }
    if (pcl_note_verifier_parse(buf, len, &v, &err) != PCL_OK) {
        pcl_cli_error(CMD, "%s: %s", file != NULL ? file : env, err.msg);
    }
    return v;
}

/* 32 bytes: raw, 64 hex characters, or base64. */
static bool
parse_master(const char *text, size_t len, uint8_t out[32])
{
    size_t got = 0;

    if (len == 32) {
        memcpy(out, text, 32);
        return true;
    }
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ')) {
        len--;
    }
    if (len == 64 && pcl_hex_decode(text, len, out, 32, &got, NULL) == PCL_OK && got == 32) {
        return true;
    }
    return pcl_base64_decode(text, len, PCL_B64_STD, out, 32, &got, NULL) == PCL_OK && got == 32;
}

static bool
load_master(const struct audit_opts *o, uint8_t out[32], bool *have)
{
    char buf[MAX_KEY_FILE];
    size_t len = 0;
    const char *env = getenv(o->master_env != NULL ? o->master_env : MASTER_ENV);
    bool ok;

    *have = false;
    if (o->master_file == NULL && (env == NULL || env[0] == '\0')) {
        return true;
    }
    if (o->master_file != NULL) {
        if (!read_small_file(o->master_file, buf, sizeof(buf), &len)) {
            return false;
        }
    } else {
        len = strlen(env);
        if (len >= sizeof(buf)) {
            pcl_cli_error(CMD, "master key in the environment is too long");
            return false;
        }
        memcpy(buf, env, len + 1);
    }
    ok = parse_master(buf, len, out);
    sodium_memzero(buf, sizeof(buf));
    if (!ok) {
        pcl_cli_error(CMD, "%s: master key must be 32 bytes (raw, 64 hex or base64)",
                      o->master_file != NULL ? o->master_file : "master key");
        return false;
    }
    *have = true;
    return true;
}

static const char *
db_url(const struct audit_opts *o)
{
    const char *db = o->db != NULL ? o->db : getenv(DB_ENV);

    if (db == NULL || db[0] == '\0') {
        pcl_cli_error(CMD, "no log: use --db URL or set %s", DB_ENV);
        return NULL;
    }
    return db;
}

enum signer_mode { NO_SIGNER, SIGNER_IF_GIVEN, SIGNER_REQUIRED };

/* Open the log with or without a signer (read-only). */
static int
open_log(const struct audit_opts *o, enum signer_mode mode, bool need_master,
         struct pcl_note_signer **signer, struct pcl_audit_log **log,
         const struct pcl_audit_opts *base)
{
    struct pcl_audit_opts lo;
    uint8_t master[32];
    bool have_master = false;
    const char *url = db_url(o);
    struct pcl_err err;

    *signer = NULL;
    *log = NULL;
    if (url == NULL) {
        return PCL_EXIT_USAGE;
    }
    if (mode == SIGNER_REQUIRED ||
        (mode == SIGNER_IF_GIVEN &&
         (o->key_file != NULL || o->key_env != NULL || getenv(KEY_ENV) != NULL))) {
        *signer = load_signer(o, true);
        if (*signer == NULL) {
            return PCL_EXIT_USAGE;
        }
    }
    if (!load_master(o, master, &have_master)) {
        pcl_note_signer_free(*signer);
        *signer = NULL;
        return PCL_EXIT_USAGE;
    }
    if (need_master && !have_master) {
        pcl_cli_error(CMD, "no master key: use --master-key-file or set %s", MASTER_ENV);
        pcl_note_signer_free(*signer);
        *signer = NULL;
        return PCL_EXIT_USAGE;
    }
    if (base != NULL) {
        lo = *base;
    } else {
        pcl_audit_opts_init(&lo);
    }
    lo.master_key = have_master ? master : NULL;
    if (pcl_audit_log_open(url, *signer, &lo, log, &err) != PCL_OK) {
        sodium_memzero(master, sizeof(master));
        pcl_cli_error(CMD, "%s: %s", url, err.msg);
        pcl_note_signer_free(*signer);
        *signer = NULL;
        return err.rc == PCL_EINVAL ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
    }
    sodium_memzero(master, sizeof(master));
    return PCL_EXIT_OK;
}

static void
close_log(struct pcl_note_signer *signer, struct pcl_audit_log *log)
{
    pcl_audit_log_free(log);
    pcl_note_signer_free(signer);
}

static FILE *
open_output(const struct audit_opts *o, bool secret)
{
    int fd;
    FILE *f;

    if (o->output == NULL || strcmp(o->output, "-") == 0) {
        return stdout;
    }
    fd = open(o->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644);
    if (fd == -1) {
        pcl_cli_error(CMD, "%s: %s", o->output, strerror(errno));
        return NULL;
    }
    f = fdopen(fd, "w");
    if (f == NULL) {
        (void)close(fd);
        pcl_cli_error(CMD, "%s: %s", o->output, strerror(errno));
    }
    return f;
}

static int
close_output(FILE *f, const struct audit_opts *o)
{
    if (f == stdout) {
        return fflush(f) == 0 ? PCL_EXIT_OK : PCL_EXIT_ERROR;
    }
    if (fclose(f) != 0) {
        pcl_cli_error(CMD, "%s: %s", o->output, strerror(errno));
        return PCL_EXIT_ERROR;
    }
    return PCL_EXIT_OK;
}

/* ---- keygen -------------------------------------------------------------------------------- */

static int
run_keygen(const struct audit_opts *o)
{
    struct pcl_note_signer *s = NULL;
    struct pcl_buf skey;
    struct pcl_buf vkey;
    struct pcl_err err;
    FILE *f;
    int ex;

    if (o->output == NULL || strcmp(o->output, "-") == 0) {
        pcl_cli_error(CMD, "keygen: give -o FILE for the secret key (it is never printed)");
        return PCL_EXIT_USAGE;
    }
    if (o->master) {
        uint8_t k[32];
        struct pcl_buf hex;

        randombytes_buf(k, sizeof(k));
        pcl_buf_init(&hex, 0);
        f = open_output(o, true);
        if (f == NULL || pcl_hex_encode(&hex, k, sizeof(k)) != PCL_OK) {
            sodium_memzero(k, sizeof(k));
            return PCL_EXIT_ERROR;
        }
        (void)fprintf(f, "%s\n", hex.ptr);
        sodium_memzero(k, sizeof(k));
        pcl_buf_fini_secure(&hex);
        return close_output(f, o);
    }
    if (o->name == NULL) {
        pcl_cli_error(CMD, "keygen: --name NAME is required (the log's origin, e.g. "
                           "example.com/audit)");
        return PCL_EXIT_USAGE;
    }
    if (pcl_note_signer_generate(o->name, o->cosign ? PCL_NOTE_COSIGNATURE : PCL_NOTE_ED25519, &s,
                                 &err) != PCL_OK) {
        pcl_cli_error(CMD, "keygen: %s", err.msg);
        return PCL_EXIT_USAGE;
    }
    pcl_buf_init(&skey, 0);
    pcl_buf_init(&vkey, 0);
    ex = PCL_EXIT_ERROR;
    if (pcl_note_signer_format(s, &skey) == PCL_OK && pcl_note_signer_vkey(s, &vkey) == PCL_OK) {
        f = open_output(o, true);
        if (f != NULL) {
            (void)fprintf(f, "%s\n", skey.ptr);
            ex = close_output(f, o);
        }
    }
    if (ex == PCL_EXIT_OK) {
        printf("%s\n", vkey.ptr);
    }
    pcl_buf_fini_secure(&skey);
    pcl_buf_fini(&vkey);
    pcl_note_signer_free(s);
    return ex;
}

/* Read one line (with its '\n' when there is one) into line; false at the end of input.
 * *toolong is set when the line is over the buffer's maximum (the rest of it is skipped). */
static bool
read_line(FILE *in, struct pcl_buf *line, bool *toolong)
{
    char stage[4096];
    size_t n = 0;
    bool any = false;
    int c;

    /* byte by byte (not fgets): a NUL inside a line must not end or merge lines */
    pcl_buf_reset(line);
    *toolong = false;
    while ((c = getc_unlocked(in)) != EOF) {
        any = true;
        stage[n++] = (char)c;
        if (n == sizeof(stage) || c == '\n') {
            if (!*toolong && pcl_buf_append(line, stage, n) != PCL_OK) {
                *toolong = true;
            }
            n = 0;
            if (c == '\n') {
                return true;
            }
        }
    }
    if (n > 0 && !*toolong && pcl_buf_append(line, stage, n) != PCL_OK) {
        *toolong = true;
    }
    return any;
}

/* ---- append -------------------------------------------------------------------------------- */

struct ack_ctx {
    pthread_mutex_t mu;
    uint64_t done, failed;
    struct pcl_err first;
};

static void
on_ack(void *arg, enum pcl_rc rc, uint64_t index, const struct pcl_err *err)
{
    struct ack_ctx *a = arg;

    (void)pthread_mutex_lock(&a->mu);
    if (rc == PCL_OK) {
        /* durable: only now may the caller count on it */
        (void)printf("%llu\n", (unsigned long long)index);
        (void)fflush(stdout);
        a->done++;
    } else {
        if (a->failed == 0 && err != NULL) {
            a->first = *err;
        }
        a->failed++;
    }
    (void)pthread_mutex_unlock(&a->mu);
}

static bool
read_payload(const char *path, struct pcl_buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (f == NULL) {
        pcl_cli_error(CMD, "%s: %s", path, strerror(errno));
        return false;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (pcl_buf_append(out, chunk, n) != PCL_OK) {
            pcl_cli_error(CMD, "%s: payload too large", path);
            (void)fclose(f);
            return false;
        }
    }
    (void)fclose(f);
    return true;
}

/* Append every non-empty line of in; the payload (if any) goes with the first event that is
 * accepted. An exit code. */
static int
append_lines(const struct audit_opts *o, struct pcl_audit_log *log, FILE *in, const char *name,
             const struct pcl_buf *payload, struct ack_ctx *ack)
{
    struct pcl_buf line;
    size_t lineno = 0;
    bool payload_used = o->subject == NULL;
    bool toolong = false;
    int ex = PCL_EXIT_OK;

    pcl_buf_init(&line, MAX_LINE);
    while (read_line(in, &line, &toolong)) {
        size_t len = line.len;
        struct pcl_audit_payload p = {.subject = o->subject,
                                      .data = payload->ptr != NULL ? payload->ptr : "",
                                      .len = payload->len};
        struct pcl_err err;
        enum pcl_rc rc;

        lineno++;
        while (len > 0 && (line.ptr[len - 1] == '\n' || line.ptr[len - 1] == '\r')) {
            len--;
        }
        if (toolong) {
            pcl_cli_error(CMD, "%s: line %zu: longer than %zu bytes, skipped", name, lineno,
                          MAX_LINE);
            ex = PCL_EXIT_PARTIAL;
            continue;
        }
        if (len == 0) {
            continue;
        }
        rc = pcl_audit_append_async(log, o->kind != NULL ? o->kind : "event", line.ptr, len,
                                    payload_used ? NULL : &p, on_ack, ack, &err);
        if (rc == PCL_OK) {
            payload_used = true;
            continue;
        }
        pcl_cli_error(CMD, "%s: line %zu: %s", name, lineno, err.msg);
        if (rc != PCL_EINVAL) {
            ex = PCL_EXIT_ERROR;
            break;
        }
        ex = PCL_EXIT_PARTIAL;
    }
    pcl_buf_fini(&line);
    return ex;
}

static int
run_append(const struct audit_opts *o, const char *input)
{
    struct pcl_note_signer *signer = NULL;
    struct pcl_audit_log *log = NULL;
    struct pcl_audit_opts lo;
    struct ack_ctx ack = {.mu = PTHREAD_MUTEX_INITIALIZER};
    struct pcl_buf payload;
    FILE *in = stdin;
    int ex;

    if ((o->subject != NULL) != (o->payload_file != NULL)) {
        pcl_cli_error(CMD, "append: --subject and --payload-file go together");
        return PCL_EXIT_USAGE;
    }
    pcl_buf_init(&payload, (size_t)1 << 20);
    if (o->payload_file != NULL && !read_payload(o->payload_file, &payload)) {
        return PCL_EXIT_USAGE;
    }
    pcl_audit_opts_init(&lo);
    if (o->checkpoint_every > 0) {
        lo.checkpoint_entries = (uint64_t)o->checkpoint_every;
    }
    lo.on_full = o->fail_on_full ? PCL_AUDIT_FAIL : PCL_AUDIT_BLOCK;
    ex = open_log(o, SIGNER_REQUIRED, o->subject != NULL, &signer, &log, &lo);
    if (ex == PCL_EXIT_OK && input != NULL && strcmp(input, "-") != 0) {
        in = fopen(input, "rb");
        if (in == NULL) {
            pcl_cli_error(CMD, "%s: %s", input, strerror(errno));
            ex = PCL_EXIT_USAGE;
        }
    }
    if (ex == PCL_EXIT_OK) {
        ex = append_lines(o, log, in, input != NULL ? input : "stdin", &payload, &ack);
    }
    if (in != NULL && in != stdin) {
        (void)fclose(in);
    }
    close_log(signer, log); /* drains the queue: every accepted event completes */
    pcl_buf_fini_secure(&payload);
    if (ack.failed > 0) {
        pcl_cli_error(CMD, "append: %llu events failed: %s", (unsigned long long)ack.failed,
                      ack.first.msg);
        return PCL_EXIT_ERROR;
    }
    return ex;
}

/* ---- reads --------------------------------------------------------------------------------- */

static int
run_checkpoint(const struct audit_opts *o)
{
    struct pcl_note_signer *signer = NULL;
    struct pcl_audit_log *log = NULL;
    struct pcl_buf note;
    struct pcl_err err;
    int ex = open_log(o, SIGNER_REQUIRED, false, &signer, &log, NULL);

    if (ex != PCL_EXIT_OK) {
        return ex;
    }
    pcl_buf_init(&note, 0);
    if (pcl_audit_checkpoint(log, &note, &err) != PCL_OK) {
        pcl_cli_error(CMD, "checkpoint: %s", err.msg);
        ex = PCL_EXIT_ERROR;
    } else {
        (void)fputs(note.ptr, stdout);
    }
    pcl_buf_fini(&note);
    close_log(signer, log);
    return ex;
}

static int
print_entry(struct pcl_audit_log *log, uint64_t i, bool with_index)
{
    struct pcl_buf e;
    struct pcl_err err;
    int ex = PCL_EXIT_OK;

    pcl_buf_init(&e, 0);
    if (pcl_audit_entry(log, i, &e, &err) != PCL_OK) {
        pcl_cli_error(CMD, "%s", err.msg);
        ex = err.rc == PCL_ENOTFOUND ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
    } else if (with_index) {
        printf("%llu\t%s\n", (unsigned long long)i, e.ptr);
    } else {
        printf("%s\n", e.ptr);
    }
    pcl_buf_fini(&e);
    return ex;
}

static int
run_tail(const struct audit_opts *o)
{
    struct pcl_note_signer *signer = NULL;
    struct pcl_audit_log *log = NULL;
    int ex = open_log(o, NO_SIGNER, false, &signer, &log, NULL);
    uint64_t size;
    uint64_t n = o->count > 0 ? (uint64_t)o->count : 10;

    if (ex != PCL_EXIT_OK) {
        return ex;
    }
    size = pcl_audit_size(log);
    for (uint64_t i = size > n ? size - n : 0; i < size && ex == PCL_EXIT_OK; i++) {
        ex = print_entry(log, i, true);
    }
    close_log(signer, log);
    return ex;
}

static int
run_show(const struct audit_opts *o, const char *arg)
{
    struct pcl_note_signer *signer = NULL;
    struct pcl_audit_log *log = NULL;
    uint64_t idx;
    int ex;

    if (!pcl_parse_u64(arg, UINT64_MAX, &idx)) {
        pcl_cli_error(CMD, "show: want an entry index, got \"%s\"", arg != NULL ? arg : "");
        return PCL_EXIT_USAGE;
    }
    ex = open_log(o, NO_SIGNER, false, &signer, &log, NULL);
    if (ex == PCL_EXIT_OK) {
        ex = print_entry(log, idx, false);
        close_log(signer, log);
    }
    return ex;
}

static void
print_hashes(const uint8_t (*h)[HS], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct pcl_buf b;

        pcl_buf_init(&b, 0);
        if (pcl_base64_encode(&b, h[i], HS, PCL_B64_STD) == PCL_OK) {
            printf("%s\n", b.ptr);
        }
        pcl_buf_fini(&b);
    }
}

static int
run_prove(const struct audit_opts *o, const char *arg)
{
    struct pcl_note_signer *signer = NULL;
    struct pcl_audit_log *log = NULL;
    uint8_t proof[PCL_MERKLE_MAX_PROOF][HS];
    uint8_t root[HS];
    struct pcl_buf out;
    struct pcl_err err;
    uint64_t idx;
    size_t n = 0;
    int ex;

    if (!pcl_parse_u64(arg, UINT64_MAX, &idx)) {
        pcl_cli_error(CMD, "prove: want an entry index, got \"%s\"", arg != NULL ? arg : "");
        return PCL_EXIT_USAGE;
    }
    ex = open_log(o, SIGNER_IF_GIVEN, false, &signer, &log, NULL);
    if (ex != PCL_EXIT_OK) {
        return ex;
    }
    pcl_buf_init(&out, 0);
    if (o->have_size) {
        if (pcl_audit_prove_inclusion(log, idx, o->size, proof, &n, &err) != PCL_OK ||
            pcl_audit_root(log, o->size, root, &err) != PCL_OK) {
            pcl_cli_error(CMD, "prove: %s", err.msg);
            ex = PCL_EXIT_USAGE;
        } else {
            printf("index %llu\nsize %llu\nroot ", (unsigned long long)idx,
                   (unsigned long long)o->size);
            print_hashes((const uint8_t(*)[HS])root, 1);
            print_hashes((const uint8_t(*)[HS])proof, n);
        }
    } else if (signer == NULL) {
        /* read-only: only an existing checkpoint can back the receipt */
        uint64_t size = 0;

        if (pcl_audit_latest_checkpoint(log, NULL, &size, &err) != PCL_OK || size <= idx) {
            pcl_cli_error(CMD,
                          "prove: no checkpoint covers entry %llu yet; give --key-file to sign "
                          "one, or wait for the writer's next checkpoint",
                          (unsigned long long)idx);
            ex = PCL_EXIT_USAGE;
        }
    }
    if (ex == PCL_EXIT_OK && !o->have_size) {
        if (pcl_audit_receipt(log, idx, &out, &err) != PCL_OK) {
            pcl_cli_error(CMD, "prove: %s", err.msg);
            ex = err.rc == PCL_ENOTFOUND ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
        } else {
            (void)fputs(out.ptr, stdout);
        }
    }
    pcl_buf_fini(&out);
    close_log(signer, log);
    return ex;
}

static int
run_consistency(const struct audit_opts *o, const char *a, const char *b)
{
    struct pcl_note_signer *signer = NULL;
    struct pcl_audit_log *log = NULL;
    uint8_t proof[PCL_MERKLE_MAX_PROOF][HS];
    uint8_t r1[HS];
    uint8_t r2[HS];
    struct pcl_err err;
    uint64_t s1;
    uint64_t s2;
    size_t n = 0;
    int ex;

    if (!pcl_parse_u64(a, UINT64_MAX, &s1) || !pcl_parse_u64(b, UINT64_MAX, &s2)) {
        pcl_cli_error(CMD, "consistency: want two tree sizes A B");
        return PCL_EXIT_USAGE;
    }
    ex = open_log(o, NO_SIGNER, false, &signer, &log, NULL);
    if (ex != PCL_EXIT_OK) {
        return ex;
    }
    if (pcl_audit_prove_consistency(log, s1, s2, proof, &n, &err) != PCL_OK ||
        pcl_audit_root(log, s1, r1, &err) != PCL_OK ||
        pcl_audit_root(log, s2, r2, &err) != PCL_OK) {
        pcl_cli_error(CMD, "consistency: %s", err.msg);
        ex = PCL_EXIT_USAGE;
    } else {
        printf("size1 %llu\nsize2 %llu\nroot1 ", (unsigned long long)s1, (unsigned long long)s2);
        print_hashes((const uint8_t(*)[HS])r1, 1);
        printf("root2 ");
        print_hashes((const uint8_t(*)[HS])r2, 1);
        print_hashes((const uint8_t(*)[HS])proof, n);
    }
    close_log(signer, log);
    return ex;
}

/* ---- verify -------------------------------------------------------------------------------- */

struct keys {
    struct pcl_note_verifier *log_key;
    struct pcl_note_verifier *wit[MAX_WITNESSES];
    size_t nwit;
};

static void
keys_free(struct keys *k)
{
    pcl_note_verifier_free(k->log_key);
    for (size_t i = 0; i < k->nwit; i++) {
        pcl_note_verifier_free(k->wit[i]);
    }
}

static bool
keys_load(const struct audit_opts *o, struct keys *k)
{
    memset(k, 0, sizeof(*k));
    k->log_key = load_verifier(o->vkey_file, o->vkey_env != NULL ? o->vkey_env : VKEY_ENV);
    if (k->log_key == NULL) {
        return false;
    }
    for (size_t i = 0; i < o->nwitness; i++) {
        k->wit[k->nwit] = load_verifier(o->witness_files[i], VKEY_ENV);
        if (k->wit[k->nwit] == NULL) {
            keys_free(k);
            return false;
        }
        k->nwit++;
    }
    return true;
}

static int
report(const struct pcl_audit_report *rep, const char *what)
{
    if (rep->ok) {
        printf("ok: %s: %llu entries, %llu checkpoints verified\n", what,
               (unsigned long long)rep->entries, (unsigned long long)rep->checkpoints);
        return PCL_EXIT_OK;
    }
    pcl_cli_error(CMD, "verify: %s: %s", what, rep->what);
    if (rep->bad_index == UINT64_MAX) {
        printf("FAILED: %s\n", rep->what);
    } else if (rep->bad_index_hi == rep->bad_index) {
        printf("FAILED: first bad index %llu\n", (unsigned long long)rep->bad_index);
    } else if (rep->bad_index_hi == UINT64_MAX) {
        printf("FAILED: first bad index %llu (entries from there on)\n",
               (unsigned long long)rep->bad_index);
    } else {
        printf("FAILED: first bad index in %llu..%llu\n", (unsigned long long)rep->bad_index,
               (unsigned long long)rep->bad_index_hi);
    }
    return EXIT_BAD;
}

/* Read a whole file (notes, receipts, entries); caller frees. */
static char *
slurp(const char *path, size_t max, size_t *len)
{
    struct pcl_buf b;
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (f == NULL) {
        pcl_cli_error(CMD, "%s: %s", path, strerror(errno));
        return NULL;
    }
    pcl_buf_init(&b, max);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (pcl_buf_append(&b, chunk, n) != PCL_OK) {
            pcl_cli_error(CMD, "%s: larger than %zu bytes", path, max);
            (void)fclose(f);
            pcl_buf_fini(&b);
            return NULL;
        }
    }
    (void)fclose(f);
    if (b.ptr == NULL && pcl_buf_appends(&b, "") != PCL_OK) {
        return NULL;
    }
    return pcl_buf_steal(&b, len);
}

static int
verify_receipt(const struct audit_opts *o, const struct keys *k)
{
    struct pcl_receipt r;
    struct pcl_checkpoint cp;
    struct pcl_err err;
    size_t rlen = 0;
    size_t elen = 0;
    char *rt = slurp(o->receipt, (size_t)1 << 20, &rlen);
    char *et = rt != NULL ? slurp(o->entry, (size_t)16 << 20, &elen) : NULL;
    int ex = PCL_EXIT_OK;

    if (rt == NULL || et == NULL) {
        pcl_free(rt);
        return PCL_EXIT_USAGE;
    }
    /* an entry file may end with the newline `show` prints */
    if (elen > 0 && et[elen - 1] == '\n') {
        elen--;
    }
    if (pcl_receipt_parse(rt, rlen, &r, &err) != PCL_OK) {
        pcl_cli_error(CMD, "verify: %s: %s", o->receipt, err.msg);
        ex = PCL_EXIT_USAGE;
    } else if (pcl_receipt_verify(&r, et, elen, k->log_key,
                                  (const struct pcl_note_verifier *const *)k->wit, k->nwit, &cp,
                                  &err) != PCL_OK) {
        pcl_cli_error(CMD, "verify: %s: %s", o->receipt, err.msg);
        printf("FAILED: receipt for index %llu: %s\n", (unsigned long long)r.index, err.msg);
        ex = EXIT_BAD;
    } else {
        printf("ok: entry %llu is in %s at tree size %llu\n", (unsigned long long)r.index,
               cp.origin, (unsigned long long)cp.size);
    }
    pcl_receipt_fini(&r);
    pcl_free(rt);
    pcl_free(et);
    return ex;
}

static const char *
jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Decode base64 member `key` of o into out (heap); false when absent or malformed. */
static bool
jb64(json_t *o, const char *key, struct pcl_buf *out)
{
    const char *s = jstr(o, key);
    size_t n;
    size_t got = 0;

    if (s == NULL) {
        return false;
    }
    n = strlen(s);
    pcl_buf_reset(out);
    if (pcl_buf_reserve(out, pcl_base64_decoded_max(n) + 1) != PCL_OK) {
        return false;
    }
    if (pcl_base64_decode(s, n, PCL_B64_STD, (uint8_t *)out->ptr, out->cap, &got, NULL) != PCL_OK) {
        return false;
    }
    out->len = got;
    return true;
}

/* Reading a bundle: the verifier, scratch buffers and counts. */
struct bundle_ctx {
    const char *name;
    struct pcl_audit_verifier *v;
    struct pcl_buf entry, leaf;
    uint64_t declared, seen;
};

/* One entry line {"index","entry","leaf"}; an exit code. */
static int
bundle_entry(struct bundle_ctx *b, json_t *j, size_t lineno)
{
    json_t *idx = json_object_get(j, "index");
    bool has_leaf = json_object_get(j, "leaf") != NULL;
    struct pcl_err err;

    if (!json_is_integer(idx) || json_integer_value(idx) < 0 || !jb64(j, "entry", &b->entry) ||
        (has_leaf && (!jb64(j, "leaf", &b->leaf) || b->leaf.len != HS))) {
        pcl_cli_error(CMD,
                      "%s: line %zu: want {\"index\", \"entry\" (base64), \"leaf\" (base64 of "
                      "32 bytes)}",
                      b->name, lineno);
        return PCL_EXIT_PARTIAL;
    }
    if (pcl_audit_verifier_entry(b->v, (uint64_t)json_integer_value(idx),
                                 b->entry.ptr != NULL ? b->entry.ptr : "", b->entry.len,
                                 has_leaf ? (const uint8_t *)b->leaf.ptr : NULL, &err) != PCL_OK) {
        pcl_cli_error(CMD, "%s: line %zu: %s", b->name, lineno, err.msg);
        return PCL_EXIT_PARTIAL;
    }
    b->seen++;
    return PCL_EXIT_OK;
}

/* One bundle line (with its newline): header, checkpoint or entry; an exit code. */
static int
bundle_line(struct bundle_ctx *b, const struct pcl_buf *line, size_t lineno)
{
    json_error_t jerr;
    json_t *j;
    struct pcl_err err;
    int ex = PCL_EXIT_OK;

    if (line->len == 0 || line->ptr[line->len - 1] != '\n') {
        pcl_cli_error(CMD, "%s: line %zu: truncated (no newline at the end)", b->name, lineno);
        return PCL_EXIT_PARTIAL;
    }
    j = json_loadb(line->ptr, line->len, 0, &jerr);
    if (!json_is_object(j)) {
        pcl_cli_error(CMD, "%s: line %zu: column %d: %s", b->name, lineno, jerr.column,
                      j == NULL ? jerr.text : "not a JSON object");
        json_decref(j);
        return PCL_EXIT_PARTIAL;
    }
    if (lineno == 1) {
        const char *fmt = jstr(j, "format");
        json_t *size = json_object_get(j, "size");

        if (fmt == NULL || strcmp(fmt, "portcullis-audit-bundle/1") != 0 ||
            !json_is_integer(size) || json_integer_value(size) < 0) {
            pcl_cli_error(CMD, "%s: line 1: not a portcullis-audit-bundle/1 header", b->name);
            ex = PCL_EXIT_USAGE;
        } else {
            b->declared = (uint64_t)json_integer_value(size);
        }
    } else if (jstr(j, "checkpoint") != NULL) {
        const char *note = jstr(j, "checkpoint");

        if (pcl_audit_verifier_checkpoint(b->v, note, strlen(note), 0, &err) != PCL_OK) {
            pcl_cli_error(CMD, "%s: line %zu: %s", b->name, lineno, err.msg);
            ex = PCL_EXIT_PARTIAL;
        }
    } else {
        ex = bundle_entry(b, j, lineno);
    }
    json_decref(j);
    return ex;
}

static int
verify_bundle(const struct audit_opts *o, const struct keys *k)
{
    struct bundle_ctx b = {.name = o->bundle};
    struct pcl_audit_report rep;
    struct pcl_err err;
    FILE *in = fopen(o->bundle, "rb");
    struct pcl_buf line;
    size_t lineno = 0;
    bool toolong = false;
    int ex = PCL_EXIT_OK;

    if (in == NULL) {
        pcl_cli_error(CMD, "%s: %s", o->bundle, strerror(errno));
        return PCL_EXIT_USAGE;
    }
    if (pcl_audit_verifier_new(k->log_key, (const struct pcl_note_verifier *const *)k->wit, k->nwit,
                               &b.v, &err) != PCL_OK) {
        (void)fclose(in);
        pcl_cli_error(CMD, "verify: %s", err.msg);
        return PCL_EXIT_ERROR;
    }
    pcl_buf_init(&b.entry, (size_t)16 << 20);
    pcl_buf_init(&b.leaf, 64);
    pcl_buf_init(&line, (size_t)32 << 20);
    while (ex == PCL_EXIT_OK && read_line(in, &line, &toolong)) {
        lineno++;
        if (toolong) {
            pcl_cli_error(CMD, "%s: line %zu: longer than 32 MiB", o->bundle, lineno);
            ex = PCL_EXIT_PARTIAL;
        } else {
            ex = bundle_line(&b, &line, lineno);
        }
    }
    pcl_buf_fini(&line);
    (void)fclose(in);
    if (ex == PCL_EXIT_OK && lineno == 0) {
        pcl_cli_error(CMD, "%s: empty bundle", o->bundle);
        ex = PCL_EXIT_USAGE;
    }
    if (ex == PCL_EXIT_OK) {
        pcl_audit_verifier_finish(b.v, &rep);
        if (rep.ok && b.seen != b.declared) {
            rep.ok = false;
            rep.bad_index = b.seen;
            rep.bad_index_hi = b.declared > 0 ? b.declared - 1 : 0;
            (void)snprintf(rep.what, sizeof(rep.what),
                           "bundle declares %llu entries but holds %llu (truncated)",
                           (unsigned long long)b.declared, (unsigned long long)b.seen);
        }
        ex = report(&rep, o->bundle);
    }
    pcl_buf_fini(&b.entry);
    pcl_buf_fini(&b.leaf);
    pcl_audit_verifier_free(b.v);
    return ex;
}

static int
run_verify(const struct audit_opts *o)
{
    struct keys k;
    struct pcl_str extra[MAX_EXTRA_CPS];
    char *texts[MAX_EXTRA_CPS] = {0};
    struct pcl_audit_report rep;
    struct pcl_err err;
    const char *url;
    int ex = PCL_EXIT_OK;

    if (!keys_load(o, &k)) {
        return PCL_EXIT_USAGE;
    }
    if (o->receipt != NULL || o->entry != NULL) {
        if (o->receipt == NULL || o->entry == NULL) {
            pcl_cli_error(CMD, "verify: --receipt and --entry go together");
            ex = PCL_EXIT_USAGE;
        } else {
            ex = verify_receipt(o, &k);
        }
        keys_free(&k);
        return ex;
    }
    if (o->bundle != NULL) {
        ex = verify_bundle(o, &k);
        keys_free(&k);
        return ex;
    }
    url = db_url(o);
    for (size_t i = 0; i < o->ncheckpoints && url != NULL; i++) {
        texts[i] = slurp(o->checkpoint_files[i], (size_t)1 << 20, &extra[i].len);
        if (texts[i] == NULL) {
            ex = PCL_EXIT_USAGE;
            break;
        }
        extra[i].ptr = texts[i];
    }
    if (url == NULL) {
        ex = PCL_EXIT_USAGE;
    } else if (ex == PCL_EXIT_OK) {
        if (pcl_audit_verify_store(url, k.log_key, (const struct pcl_note_verifier *const *)k.wit,
                                   k.nwit, extra, o->ncheckpoints, &rep, &err) != PCL_OK) {
            pcl_cli_error(CMD, "verify: %s: %s", url, err.msg);
            ex = err.rc == PCL_EINVAL ? PCL_EXIT_USAGE : PCL_EXIT_ERROR;
        } else {
            ex = report(&rep, url);
        }
    }
    for (size_t i = 0; i < o->ncheckpoints; i++) {
        pcl_free(texts[i]);
    }
    keys_free(&k);
    return ex;
}

/* ---- export, erase, purge ------------------------------------------------------------------ */

static enum pcl_rc
put_b64_member(FILE *f, const char *key, const void *p, size_t n, bool last)
{
    struct pcl_buf b;
    enum pcl_rc rc;

    pcl_buf_init(&b, 0);
    rc = pcl_base64_encode(&b, p, n, PCL_B64_STD);
    if (rc == PCL_OK) {
        (void)fprintf(f, "\"%s\":\"%s\"%s", key, b.ptr != NULL ? b.ptr : "", last ? "}\n" : ",");
    }
    pcl_buf_fini(&b);
    return rc;
}

static enum pcl_rc
put_checkpoint(void *arg, uint64_t size, const char *note, size_t len, struct pcl_err *err)
{
    struct pcl_buf b;
    enum pcl_rc rc;

    (void)size;
    pcl_buf_init(&b, 0);
    rc = pcl_json_escape(&b, note, len);
    if (rc == PCL_OK) {
        (void)fprintf(arg, "{\"checkpoint\":%s}\n", b.ptr);
    } else {
        rc = pcl_err_set(err, rc, "out of memory");
    }
    pcl_buf_fini(&b);
    return rc;
}

static int
export_bundle(const struct audit_opts *o, struct pcl_audit_log *log)
{
    struct audit_opts out = *o;
    FILE *f;
    struct pcl_buf e;
    struct pcl_buf origin;
    struct pcl_err err;
    uint64_t size = pcl_audit_size(log);
    int ex = PCL_EXIT_OK;

    out.output = o->bundle;
    o = &out;
    f = open_output(o, false);
    if (f == NULL) {
        return PCL_EXIT_USAGE;
    }
    pcl_buf_init(&e, 0);
    pcl_buf_init(&origin, 0);
    if (pcl_json_escape(&origin, pcl_audit_origin(log), strlen(pcl_audit_origin(log))) != PCL_OK) {
        ex = PCL_EXIT_ERROR;
    }
    if (ex == PCL_EXIT_OK) {
        (void)fprintf(f, "{\"format\":\"portcullis-audit-bundle/1\",\"origin\":%s,\"size\":%llu}\n",
                      origin.ptr, (unsigned long long)size);
        if (pcl_audit_checkpoints_each(log, put_checkpoint, f, &err) != PCL_OK) {
            pcl_cli_error(CMD, "export: %s", err.msg);
            ex = PCL_EXIT_ERROR;
        }
    }
    for (uint64_t i = 0; i < size && ex == PCL_EXIT_OK; i++) {
        uint8_t leaf[HS];

        pcl_buf_reset(&e);
        if (pcl_audit_entry(log, i, &e, &err) != PCL_OK ||
            pcl_audit_leaf_hash(log, i, leaf, &err) != PCL_OK) {
            pcl_cli_error(CMD, "export: %s", err.msg);
            ex = PCL_EXIT_ERROR;
            break;
        }
        (void)fprintf(f, "{\"index\":%llu,", (unsigned long long)i);
        if (put_b64_member(f, "entry", e.ptr, e.len, false) != PCL_OK ||
            put_b64_member(f, "leaf", leaf, HS, true) != PCL_OK) {
            ex = PCL_EXIT_ERROR;
        }
    }
    pcl_buf_fini(&e);
    pcl_buf_fini(&origin);
    if (close_output(f, o) != PCL_EXIT_OK && ex == PCL_EXIT_OK) {
        ex = PCL_EXIT_ERROR;
    }
    return ex;
}

static enum pcl_rc
put_record(void *arg, uint64_t index, const char *entry, size_t entry_len, const void *data,
           size_t len, struct pcl_err *err)
{
    FILE *f = arg;
    struct pcl_buf b;
    enum pcl_rc rc = PCL_OK;

    pcl_buf_init(&b, 0);
    (void)fprintf(f, "{\"entry\":%.*s,\"index\":%llu,", (int)entry_len, entry,
                  (unsigned long long)index);
    if (pcl_utf8_is_valid(data, len, NULL)) {
        rc = pcl_json_escape(&b, data, len);
        if (rc == PCL_OK) {
            (void)fprintf(f, "\"payload\":%s}\n", b.ptr);
        }
    } else {
        rc = put_b64_member(f, "payload_b64", data, len, true);
    }
    pcl_buf_fini_secure(&b);
    return rc != PCL_OK ? pcl_err_set(err, rc, "out of memory") : PCL_OK;
}

static int
run_export(const struct audit_opts *o)
{
    struct pcl_note_signer *signer = NULL;
    struct pcl_audit_log *log = NULL;
    struct pcl_err err;
    uint64_t records = 0;
    FILE *f;
    int ex;

    if ((o->subject == NULL) == (o->bundle == NULL)) {
        pcl_cli_error(CMD, "export: give --subject ID or --bundle");
        return PCL_EXIT_USAGE;
    }
    ex = open_log(o, NO_SIGNER, o->subject != NULL, &signer, &log, NULL);
    if (ex != PCL_EXIT_OK) {
        return ex;
    }
    if (o->bundle != NULL) {
        ex = export_bundle(o, log);
    } else {
        f = open_output(o, true);
        if (f == NULL) {
            ex = PCL_EXIT_USAGE;
        } else {
            if (pcl_audit_export_subject(log, o->subject, put_record, f, &records, &err) !=
                PCL_OK) {
                pcl_cli_error(CMD, "export: %s", err.msg);
                ex = err.rc == PCL_ENOTFOUND ? PCL_EXIT_FINDINGS : PCL_EXIT_ERROR;
            }
            if (close_output(f, o) != PCL_EXIT_OK && ex == PCL_EXIT_OK) {
                ex = PCL_EXIT_ERROR;
            }
            if (ex == PCL_EXIT_OK) {
                (void)fprintf(stderr, "portcullis: audit: exported %llu records\n",
                              (unsigned long long)records);
            }
        }
    }
    close_log(signer, log);
    return ex;
}

static int
run_erase(const struct audit_opts *o)
{
    struct pcl_note_signer *signer = NULL;
    struct pcl_audit_log *log = NULL;
    struct pcl_err err;
    uint64_t records = 0;
    uint64_t index = 0;
    int ex;

    if (o->subject == NULL) {
        pcl_cli_error(CMD, "erase: --subject ID is required");
        return PCL_EXIT_USAGE;
    }
    ex = open_log(o, SIGNER_REQUIRED, true, &signer, &log, NULL);
    if (ex != PCL_EXIT_OK) {
        return ex;
    }
    if (pcl_audit_erase_subject(log, o->subject, o->actor != NULL ? o->actor : "cli", &records,
                                &index, &err) != PCL_OK) {
        pcl_cli_error(CMD, "erase: %s", err.msg);
        ex = err.rc == PCL_ENOTFOUND ? PCL_EXIT_FINDINGS : PCL_EXIT_ERROR;
    } else {
        printf("erased: %llu payloads unrecoverable; erasure logged as entry %llu\n",
               (unsigned long long)records, (unsigned long long)index);
    }
    close_log(signer, log);
    return ex;
}

/* "90d", "12h", "30m", "45s" -> milliseconds. */
static bool
parse_age(const char *s, int64_t *ms)
{
    char *end = NULL;
    long long v;
    int64_t unit;

    if (s == NULL || !pcl_is_digit(s[0])) {
        return false;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end[0] == '\0' || end[1] != '\0') {
        return false;
    }
    switch (end[0]) {
    case 'd':
        unit = 86400000;
        break;
    case 'h':
        unit = 3600000;
        break;
    case 'm':
        unit = 60000;
        break;
    case 's':
        unit = 1000;
        break;
    default:
        return false;
    }
    if (v > INT64_MAX / unit) {
        return false;
    }
    *ms = (int64_t)v * unit;
    return true;
}

static int
run_purge(const struct audit_opts *o)
{
    struct pcl_note_signer *signer = NULL;
    struct pcl_audit_log *log = NULL;
    struct pcl_err err;
    uint64_t records = 0;
    uint64_t index = 0;
    int64_t age = 0;
    struct timespec ts;
    int ex;

    if (!parse_age(o->older_than, &age)) {
        pcl_cli_error(CMD, "purge: --older-than wants an age like 90d, 12h, 30m or 45s");
        return PCL_EXIT_USAGE;
    }
    ex = open_log(o, SIGNER_REQUIRED, false, &signer, &log, NULL);
    if (ex != PCL_EXIT_OK) {
        return ex;
    }
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    if (pcl_audit_purge(log, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - age, o->kind,
                        o->actor != NULL ? o->actor : "cli", &records, &index, &err) != PCL_OK) {
        pcl_cli_error(CMD, "purge: %s", err.msg);
        ex = PCL_EXIT_ERROR;
    } else {
        printf("purged: %llu payloads; purge logged as entry %llu\n", (unsigned long long)records,
               (unsigned long long)index);
    }
    close_log(signer, log);
    return ex;
}

/* ---- cosign (acting as a witness) ------------------------------------------------------------ */

/* Read a checkpoint note (FILE or stdin), check it under the log's verifier key, and print it
 * with this witness's cosignature/v1 line added. */
static int
run_cosign(const struct audit_opts *o, const char *input)
{
    struct pcl_note_signer *wit = load_signer(o, true);
    struct pcl_note_verifier *log_key = NULL;
    struct pcl_checkpoint cp;
    struct pcl_note *n = NULL;
    struct pcl_buf line;
    struct pcl_err err;
    char *note = NULL;
    size_t len = 0;
    struct timespec ts;
    int ex = PCL_EXIT_OK;

    pcl_buf_init(&line, 0);
    if (wit == NULL) {
        return PCL_EXIT_USAGE;
    }
    log_key = load_verifier(o->vkey_file, o->vkey_env != NULL ? o->vkey_env : VKEY_ENV);
    note =
        log_key != NULL ? slurp(input != NULL ? input : "/dev/stdin", (size_t)1 << 20, &len) : NULL;
    if (note == NULL) {
        ex = PCL_EXIT_USAGE;
    } else if (pcl_checkpoint_open(note, len, log_key, NULL, 0, NULL, &cp, NULL, &err) != PCL_OK) {
        pcl_cli_error(CMD, "cosign: %s", err.msg);
        ex = EXIT_BAD;
    } else if (pcl_note_open(note, len, (const struct pcl_note_verifier *const *)&log_key, 1, &n,
                             &err) != PCL_OK) {
        pcl_cli_error(CMD, "cosign: %s", err.msg);
        ex = EXIT_BAD;
    } else {
        (void)clock_gettime(CLOCK_REALTIME, &ts);
        if (pcl_note_cosign_line(n->text.ptr, n->text.len, wit, (uint64_t)ts.tv_sec, &line, &err) !=
            PCL_OK) {
            pcl_cli_error(CMD, "cosign: %s", err.msg);
            ex = PCL_EXIT_USAGE;
        } else {
            /* the note as it came, plus one signature line */
            (void)fwrite(note, 1, len, stdout);
            (void)fputs(line.ptr, stdout);
        }
    }
    pcl_note_free(n);
    pcl_free(note);
    pcl_buf_fini(&line);
    pcl_note_verifier_free(log_key);
    pcl_note_signer_free(wit);
    return ex;
}

/* ---- dispatch ------------------------------------------------------------------------------ */

/* A subcommand with its positional arguments args[0..nargs). */
typedef int audit_sub_fn(const struct audit_opts *o, char **args, int nargs);

static int
sub_keygen(const struct audit_opts *o, char **args, int nargs)
{
    (void)args;
    (void)nargs;
    return run_keygen(o);
}

static int
sub_append(const struct audit_opts *o, char **args, int nargs)
{
    return run_append(o, nargs == 1 ? args[0] : NULL);
}

static int
sub_checkpoint(const struct audit_opts *o, char **args, int nargs)
{
    (void)args;
    (void)nargs;
    return run_checkpoint(o);
}

static int
sub_tail(const struct audit_opts *o, char **args, int nargs)
{
    (void)args;
    (void)nargs;
    return run_tail(o);
}

static int
sub_show(const struct audit_opts *o, char **args, int nargs)
{
    (void)nargs;
    return run_show(o, args[0]);
}

static int
sub_prove(const struct audit_opts *o, char **args, int nargs)
{
    (void)nargs;
    return run_prove(o, args[0]);
}

static int
sub_cosign(const struct audit_opts *o, char **args, int nargs)
{
    return run_cosign(o, nargs == 1 ? args[0] : NULL);
}

static int
sub_consistency(const struct audit_opts *o, char **args, int nargs)
{
    (void)nargs;
    return run_consistency(o, args[0], args[1]);
}

static int
sub_verify(const struct audit_opts *o, char **args, int nargs)
{
    (void)args;
    (void)nargs;
    return run_verify(o);
}

static int
sub_export(const struct audit_opts *o, char **args, int nargs)
{
    (void)args;
    (void)nargs;
    return run_export(o);
}

static int
sub_erase(const struct audit_opts *o, char **args, int nargs)
{
    (void)args;
    (void)nargs;
    return run_erase(o);
}

static int
sub_purge(const struct audit_opts *o, char **args, int nargs)
{
    (void)args;
    (void)nargs;
    return run_purge(o);
}

/* Sorted by name. */
static const struct audit_sub {
    const char *name;
    int min_args, max_args;
    audit_sub_fn *run;
} subcommands[] = {
    {.name = "append", .min_args = 0, .max_args = 1, .run = sub_append},
    {.name = "checkpoint", .min_args = 0, .max_args = 0, .run = sub_checkpoint},
    {.name = "consistency", .min_args = 2, .max_args = 2, .run = sub_consistency},
    {.name = "cosign", .min_args = 0, .max_args = 1, .run = sub_cosign},
    {.name = "erase", .min_args = 0, .max_args = 0, .run = sub_erase},
    {.name = "export", .min_args = 0, .max_args = 0, .run = sub_export},
    {.name = "keygen", .min_args = 0, .max_args = 0, .run = sub_keygen},
    {.name = "prove", .min_args = 1, .max_args = 1, .run = sub_prove},
    {.name = "purge", .min_args = 0, .max_args = 0, .run = sub_purge},
    {.name = "show", .min_args = 1, .max_args = 1, .run = sub_show},
    {.name = "tail", .min_args = 0, .max_args = 0, .run = sub_tail},
    {.name = "verify", .min_args = 0, .max_args = 0, .run = sub_verify},
};

enum {
    OPT_DB = 256,
    OPT_KEY_FILE,
    OPT_KEY_ENV,
    OPT_VKEY_FILE,
    OPT_WITNESS,
    OPT_MASTER_FILE,
    OPT_MASTER_ENV,
    OPT_CHECKPOINT,
    OPT_KIND,
    OPT_SUBJECT,
    OPT_PAYLOAD,
    OPT_ACTOR,
    OPT_OLDER,
    OPT_BUNDLE,
    OPT_RECEIPT,
    OPT_ENTRY,
    OPT_NAME,
    OPT_SIZE,
    OPT_COSIGN,
    OPT_MASTER,
    OPT_EVERY,
    OPT_FAIL_FULL,
};

static const struct option long_opts[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"key-file", required_argument, NULL, OPT_KEY_FILE},
    {"key-env", required_argument, NULL, OPT_KEY_ENV},
    {"vkey-file", required_argument, NULL, OPT_VKEY_FILE},
    {"witness-vkey-file", required_argument, NULL, OPT_WITNESS},
    {"master-key-file", required_argument, NULL, OPT_MASTER_FILE},
    {"master-key-env", required_argument, NULL, OPT_MASTER_ENV},
    {"checkpoint", required_argument, NULL, OPT_CHECKPOINT},
    {"kind", required_argument, NULL, OPT_KIND},
    {"subject", required_argument, NULL, OPT_SUBJECT},
    {"payload-file", required_argument, NULL, OPT_PAYLOAD},
    {"actor", required_argument, NULL, OPT_ACTOR},
    {"older-than", required_argument, NULL, OPT_OLDER},
    {"bundle", required_argument, NULL, OPT_BUNDLE},
    {"receipt", required_argument, NULL, OPT_RECEIPT},
    {"entry", required_argument, NULL, OPT_ENTRY},
    {"name", required_argument, NULL, OPT_NAME},
    {"size", required_argument, NULL, OPT_SIZE},
    {"cosign", no_argument, NULL, OPT_COSIGN},
    {"master", no_argument, NULL, OPT_MASTER},
    {"checkpoint-every", required_argument, NULL, OPT_EVERY},
    {"fail-on-full", no_argument, NULL, OPT_FAIL_FULL},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static bool
parse_opt(struct audit_opts *o, int c, const char *arg)
{
    switch (c) {
    case OPT_DB:
        o->db = arg;
        break;
    case OPT_KEY_FILE:
        o->key_file = arg;
        break;
    case OPT_KEY_ENV:
        o->key_env = arg;
        break;
    case OPT_VKEY_FILE:
        o->vkey_file = arg;
        break;
    case OPT_WITNESS:
        if (o->nwitness == MAX_WITNESSES) {
            return false;
        }
        o->witness_files[o->nwitness++] = arg;
        break;
    case OPT_MASTER_FILE:
        o->master_file = arg;
        break;
    case OPT_MASTER_ENV:
        o->master_env = arg;
        break;
    case OPT_CHECKPOINT:
        if (o->ncheckpoints == MAX_EXTRA_CPS) {
            return false;
        }
        o->checkpoint_files[o->ncheckpoints++] = arg;
        break;
    case OPT_KIND:
        o->kind = arg;
        break;
    case OPT_SUBJECT:
        o->subject = arg;
        break;
    case OPT_PAYLOAD:
        o->payload_file = arg;
        break;
    case OPT_ACTOR:
        o->actor = arg;
        break;
    case OPT_OLDER:
        o->older_than = arg;
        break;
    case OPT_BUNDLE:
        o->bundle = arg;
        break;
    case OPT_RECEIPT:
        o->receipt = arg;
        break;
    case OPT_ENTRY:
        o->entry = arg;
        break;
    case OPT_NAME:
        o->name = arg;
        break;
    case OPT_SIZE:
        if (!pcl_parse_u64(arg, UINT64_MAX, &o->size)) {
            return false;
        }
        o->have_size = true;
        break;
    case OPT_COSIGN:
        o->cosign = true;
        break;
    case OPT_MASTER:
        o->master = true;
        break;
    case OPT_EVERY: {
        uint64_t v = 0;

        if (!pcl_parse_u64(arg, INT32_MAX, &v) || v == 0) {
            return false;
        }
        o->checkpoint_every = (long)v;
        break;
    }
    case OPT_FAIL_FULL:
        o->fail_on_full = true;
        break;
    case 'o':
        o->output = arg;
        break;
    case 'n': {
        uint64_t v = 0;

        if (!pcl_parse_u64(arg, INT32_MAX, &v)) {
            return false;
        }
        o->count = (long)v;
        break;
    }
    default:
        return false;
    }
    return true;
}

int
pcl_cmd_audit(int argc, char **argv)
{
    struct audit_opts o;
    const char *sub;
    int c;
    int nargs;
    char **args;

    memset(&o, 0, sizeof(o));
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? PCL_EXIT_USAGE : PCL_EXIT_OK;
    }
    sub = argv[1];
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "o:n:h", long_opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return PCL_EXIT_OK;
        }
        if (!parse_opt(&o, c, optarg)) {
            pcl_cli_error(CMD, "bad option or value (see portcullis audit --help)");
            return PCL_EXIT_USAGE;
        }
    }
    args = argv + 1 + optind;
    nargs = argc - 1 - optind;
    for (size_t i = 0; i < PCL_ARRAY_LEN(subcommands); i++) {
        const struct audit_sub *sc = &subcommands[i];

        if (strcmp(sc->name, sub) == 0 && nargs >= sc->min_args && nargs <= sc->max_args) {
            return sc->run(&o, args, nargs);
        }
    }
    pcl_cli_error(CMD, "unknown command or wrong arguments: %s (see portcullis audit --help)", sub);
    return PCL_EXIT_USAGE;
}
