/* SPDX-License-Identifier: Apache-2.0 */
/* Entry point of the `portcullis` binary: finds the subcommand in one sorted table. */
#include "cli.h"

#include <sodium.h>

const struct pcl_cmd pcl_cli_commands[] = {
    {.name = "audit",
     .summary = "tamper-evident audit log: append, prove, verify",
     .run = pcl_cmd_audit},
    {.name = "config", .summary = "check a gateway configuration", .run = pcl_cmd_config},
    {.name = "detectors", .summary = "list the built-in detectors", .run = pcl_cmd_detectors},
    {.name = "injection",
     .summary = "screen prompts for injection; train, evaluate; canary tokens",
     .run = pcl_cmd_injection},
    {.name = "keys", .summary = "create, list, revoke and rotate API keys", .run = pcl_cmd_keys},
    {.name = "mock-upstream",
     .summary = "OpenAI-compatible test upstream (testing only)",
     .run = pcl_cmd_mock_upstream},
    {.name = "model",
     .summary = "scan, sign, verify, encrypt and register model files",
     .run = pcl_cmd_model},
    {.name = "redact", .summary = "redact, mask or pseudonymize findings", .run = pcl_cmd_redact},
    {.name = "scan",
     .summary = "scan files, directories or stdin for PII and secrets",
     .run = pcl_cmd_scan},
    {.name = "serve", .summary = "run the gateway", .run = pcl_cmd_serve},
    {.name = "unredact", .summary = "reverse fpe and vault tokens", .run = pcl_cmd_unredact},
};
const size_t pcl_cli_commands_count = PCL_ARRAY_LEN(pcl_cli_commands);

static void vmsg(const char *kind, const char *cmd, const char *fmt, va_list ap) PCL_PRINTF(3, 0);

/* "portcullis: CMD: KIND MESSAGE". A message that begins with the command's own name (a
 * library error of the subsystem the command is named after, "injection: cannot open X")
 * does not repeat it. */
static void
vmsg(const char *kind, const char *cmd, const char *fmt, va_list ap)
{
    char small[1024], *msg = small;
    va_list again;
    int n;

    va_copy(again, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n >= (int)sizeof(small)) {
        msg = pcl_malloc((size_t)n + 1);
        if (msg != NULL) {
            (void)vsnprintf(msg, (size_t)n + 1, fmt, again);
        } else {
            msg = small; /* cut short rather than lost */
        }
    }
    va_end(again);
    if (n < 0) {
        (void)snprintf(small, sizeof(small), "%s", fmt);
    }
    if (cmd != NULL) {
        size_t cl = strlen(cmd);
        const char *m = msg;

        if (strncmp(m, cmd, cl) == 0 && m[cl] == ':' && m[cl + 1] == ' ') {
            m += cl + 2;
        }
        (void)fprintf(stderr, "portcullis: %s: %s%s\n", cmd, kind, m);
    } else {
        (void)fprintf(stderr, "portcullis: %s%s\n", kind, msg);
    }
    if (msg != small) {
        pcl_free(msg);
    }
}

void
pcl_cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("", cmd, fmt, ap);
    va_end(ap);
}

void
pcl_cli_warn(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("warning: ", cmd, fmt, ap);
    va_end(ap);
}

const char *
pcl_cli_cache_dir(void)
{
    static char dir[4096];
    const char *env = getenv("PORTCULLIS_CACHE_DIR");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;

    if (env != NULL) {
        return env[0] != '\0' ? env : NULL;
    }
    if (xdg != NULL && xdg[0] == '/') {
        n = snprintf(dir, sizeof(dir), "%s/portcullis", xdg);
    } else if (home != NULL && home[0] == '/') {
        n = snprintf(dir, sizeof(dir), "%s/.cache/portcullis", home);
    } else {
        return NULL;
    }
    return n > 0 && (size_t)n < sizeof(dir) ? dir : NULL;
}

static void
usage(FILE *f)
{
    int width = 0;

    for (size_t i = 0; i < pcl_cli_commands_count; i++) {
        width = PCL_MAX(width, (int)strlen(pcl_cli_commands[i].name));
    }
    (void)fprintf(f, "usage: portcullis <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < pcl_cli_commands_count; i++) {
        (void)fprintf(f, "  %-*s  %s\n", width, pcl_cli_commands[i].name,
                      pcl_cli_commands[i].summary);
    }
    (void)fprintf(f, "\nrun `portcullis <command> --help` for a command's options\n");
}

int
main(int argc, char **argv)
{
    const char *name;

#ifndef NDEBUG
    /* Test hook (debug builds only): PCL_FAIL_ALLOC=N makes the Nth allocation and every one
     * after it fail, so tests/integration/test_oom.sh can check that running out of memory
     * anywhere ends in a clean error, never a crash or a leak. */
    {
        const char *fail = getenv("PCL_FAIL_ALLOC");

        if (fail != NULL) {
            (void)pcl_alloc_fail_at(strtoul(fail, NULL, 10), true);
        }
    }
#endif
    if (sodium_init() < 0) {
        pcl_cli_error(NULL, "libsodium failed to initialise");
        return PCL_EXIT_ERROR;
    }
    if (argc < 2) {
        usage(stderr);
        return PCL_EXIT_USAGE;
    }
    name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return PCL_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("portcullis %s\n", PCL_VERSION);
        return PCL_EXIT_OK;
    }
    for (size_t i = 0; i < pcl_cli_commands_count; i++) {
        if (strcmp(pcl_cli_commands[i].name, name) == 0) {
            return pcl_cli_commands[i].run(argc - 1, argv + 1);
        }
    }
    pcl_cli_error(NULL, "unknown command \"%s\"", name);
    usage(stderr);
    return PCL_EXIT_USAGE;
}
