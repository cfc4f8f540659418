/* SPDX-License-Identifier: Apache-2.0 */
/* Governance events of CLI commands (keys created/revoked/rotated, model registry changes)
 * appended to the tamper-evident audit log, when one is configured. */
#include "cli.h"

#include <portcullis/audit.h>
#include <time.h>

enum pcl_rc
pcl_cli_audit_open(const char *url, const char *key_file, struct pcl_cli_audit *a,
                   struct pcl_err *err)
{
    const char *db = url != NULL ? url : getenv("PORTCULLIS_AUDIT_DB"); /* NOLINT */
    struct pcl_audit_opts o;
    enum pcl_rc rc;

    memset(a, 0, sizeof(*a));
    if (db == NULL || db[0] == '\0') {
        return PCL_OK; /* no audit log: nothing to do */
    }
    rc = pcl_note_signer_load(key_file, "PORTCULLIS_AUDIT_KEY", &a->signer, err);
    if (rc == PCL_ENOTFOUND) {
        return pcl_err_set(err, PCL_EINVAL,
                           "audit log %s needs its signing key: set PORTCULLIS_AUDIT_KEY or the "
                           "config's audit.signer_key_file",
                           db);
    }
    if (rc != PCL_OK) {
        return rc;
    }
    pcl_audit_opts_init(&o);
    rc = pcl_audit_log_open(db, a->signer, &o, &a->log, err);
    if (rc != PCL_OK) {
        pcl_cli_audit_close(a);
    }
    return rc;
}

void
pcl_cli_audit_close(struct pcl_cli_audit *a)
{
    pcl_audit_log_free(a->log);
    pcl_note_signer_free(a->signer);
    memset(a, 0, sizeof(*a));
}

enum pcl_rc
pcl_cli_audit_event(struct pcl_cli_audit *a, const char *kind, const char *json, size_t len,
                    struct pcl_err *err)
{
    uint64_t index;

    if (a->log == NULL) {
        return PCL_OK;
    }
    return pcl_audit_append(a->log, kind, json, len, NULL, &index, err);
}

enum pcl_rc
pcl_cli_audit_governance(struct pcl_cli_audit *a, const char *action, const char *target,
                         const char *detail, struct pcl_err *err)
{
    struct pcl_audit_governance g = {.time_ms = (int64_t)time(NULL) * 1000,
                                     .action = action,
                                     .actor = "cli",
                                     .target = target,
                                     .detail = detail};
    struct pcl_buf ev;
    enum pcl_rc rc;

    if (a->log == NULL) {
        return PCL_OK;
    }
    pcl_buf_init(&ev, 1u << 16);
    rc = pcl_audit_governance_json(&g, &ev);
    if (rc == PCL_OK) {
        rc = pcl_cli_audit_event(a, "governance", ev.ptr, ev.len, err);
    } else {
        (void)pcl_err_set(err, rc, "audit: cannot encode the %s event", action);
    }
    pcl_buf_fini(&ev);
    return rc;
}
