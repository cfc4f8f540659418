/* SPDX-License-Identifier: Apache-2.0 */
/* The command table and helpers shared by every subcommand. */
#ifndef PCL_CLI_CLI_H
#define PCL_CLI_CLI_H

#include "common.h"

/* Exit codes shared by every subcommand (documented in README "Exit codes"). */
enum pcl_exit {
    PCL_EXIT_OK = 0,       /* ran, nothing at or above --fail-on */
    PCL_EXIT_FINDINGS = 1, /* findings at or above --fail-on */
    PCL_EXIT_USAGE = 2,    /* bad flags or configuration */
    PCL_EXIT_PARTIAL = 3,  /* some inputs could not be read or parsed (others were) */
    PCL_EXIT_ERROR = 4,    /* nothing could be done: internal error, out of memory */
};

/* A subcommand: argv[0] is the subcommand name. Returns an enum pcl_exit. */
typedef int pcl_cmd_fn(int argc, char **argv);

struct pcl_cmd {
    const char *name;
    const char *summary;
    pcl_cmd_fn *run;
};

/* The table, sorted by name (main.c). */
extern const struct pcl_cmd pcl_cli_commands[];
extern const size_t pcl_cli_commands_count;

int pcl_cmd_audit(int argc, char **argv);
int pcl_cmd_config(int argc, char **argv);
int pcl_cmd_detectors(int argc, char **argv);
int pcl_cmd_injection(int argc, char **argv);
int pcl_cmd_keys(int argc, char **argv);
int pcl_cmd_mock_upstream(int argc, char **argv);
int pcl_cmd_model(int argc, char **argv);
int pcl_cmd_redact(int argc, char **argv);
int pcl_cmd_scan(int argc, char **argv);
int pcl_cmd_serve(int argc, char **argv);
int pcl_cmd_unredact(int argc, char **argv);

/* Directory for caches (compiled detector databases): $PORTCULLIS_CACHE_DIR, else
 * $XDG_CACHE_HOME/portcullis, else $HOME/.cache/portcullis; NULL when none can be named or
 * PORTCULLIS_CACHE_DIR is set to the empty string. Borrowed (static storage). */
const char *pcl_cli_cache_dir(void);

/* The tamper-evident log for a command's governance events (audit_sink.c). */
struct pcl_audit_log;
struct pcl_note_signer;
struct pcl_cli_audit {
    struct pcl_audit_log *log; /* NULL: no audit log configured, events are not written */
    struct pcl_note_signer *signer;
};
/* Open the log at url (else $PORTCULLIS_AUDIT_DB; neither = none, PCL_OK) with the signing key
 * in key_file (else $PORTCULLIS_AUDIT_KEY). */
enum pcl_rc pcl_cli_audit_open(const char *url, const char *key_file, struct pcl_cli_audit *a,
                               struct pcl_err *err);
void pcl_cli_audit_close(struct pcl_cli_audit *a);
/* Append one event and wait until it is durable (no-op without a log). */
enum pcl_rc pcl_cli_audit_event(struct pcl_cli_audit *a, const char *kind, const char *json,
                                size_t len, struct pcl_err *err);
enum pcl_rc pcl_cli_audit_governance(struct pcl_cli_audit *a, const char *action,
                                     const char *target, const char *detail, struct pcl_err *err);

/* SARIF 2.1.0 log framing shared by `scan` and `model scan` (scan_out.c): open writes the log,
 * one run and its tool driver up to an open "rules" array; rules_end closes the rules, the
 * driver and the tool, leaving the run open for "results". */
void pcl_cli_sarif_open(struct pcl_jw *jw);
void pcl_cli_sarif_rules_end(struct pcl_jw *jw);
/* In a result: "message" with msg and the first location's physicalLocation with its
 * artifactLocation; physicalLocation, the location and "locations" stay open for a region. */
void pcl_cli_sarif_location_begin(struct pcl_jw *jw, const char *msg, const char *path);
/* A file path as a relative SARIF artifact URI: "./" stripped, everything but unreserved
 * characters and '/' percent-encoded (scan_out.c). */
void pcl_cli_sarif_uri(struct pcl_jw *jw, const char *path);

/* Print "portcullis: <cmd>: <message>" to stderr. */
void pcl_cli_error(const char *cmd, const char *fmt, ...) PCL_PRINTF(2, 3);
void pcl_cli_warn(const char *cmd, const char *fmt, ...) PCL_PRINTF(2, 3);

#endif
