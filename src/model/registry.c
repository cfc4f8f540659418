/* SPDX-License-Identifier: Apache-2.0 */
/* The model registry: versions with digests, scan and signature status, parent and datasets
 * (lineage), stages with multi-principal approval, CycloneDX ML-BOM export; stored through the
 * store interface, every change reported to the audit hook. */
#include "mscan.h"

#include <portcullis/store.h>

#include <sodium.h>
#include <time.h>

#define MAX_LINEAGE 1000

struct pcl_model_registry {
    struct pcl_store *s; /* borrowed */
    pcl_model_audit_fn *audit;
    void *arg;
};

static const char *const schema[] = {
    "CREATE TABLE model_versions("
    " name TEXT NOT NULL, version TEXT NOT NULL, path TEXT NOT NULL, digest TEXT NOT NULL,"
    " files INTEGER NOT NULL, bytes INTEGER NOT NULL, scan TEXT NOT NULL,"
    " findings INTEGER NOT NULL, signature TEXT NOT NULL, signer TEXT NOT NULL,"
    " parent TEXT NOT NULL, stage TEXT NOT NULL, created TEXT NOT NULL,"
    " created_by TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(name, version));"
    "CREATE TABLE model_datasets(name TEXT NOT NULL, version TEXT NOT NULL,"
    " ref TEXT NOT NULL, digest TEXT NOT NULL);"
    "CREATE TABLE model_approvals(name TEXT NOT NULL, version TEXT NOT NULL,"
    " stage TEXT NOT NULL, principal TEXT NOT NULL, at TEXT NOT NULL,"
    " PRIMARY KEY(name, version, stage, principal));"
    "CREATE TABLE model_events(id INTEGER PRIMARY KEY, at TEXT NOT NULL, name TEXT NOT NULL,"
    " version TEXT NOT NULL, event TEXT NOT NULL, principal TEXT NOT NULL,"
    " detail TEXT NOT NULL)",
};

static void
now_rfc3339(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        (void)snprintf(out, 32, "1970-01-01T00:00:00Z");
    }
}

enum pcl_rc
pcl_model_registry_open(struct pcl_store *s, pcl_model_audit_fn *audit, void *arg,
                        struct pcl_model_registry **out, struct pcl_err *err)
{
    struct pcl_model_registry *r;
    enum pcl_rc rc;

    *out = NULL;
    rc = pcl_store_migrate(s, "model_registry", schema, PCL_ARRAY_LEN(schema), err);
    if (rc != PCL_OK) {
        return rc;
    }
    r = pcl_calloc(1, sizeof(*r));
    if (r == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "model registry: out of memory");
    }
    r->s = s;
    r->audit = audit;
    r->arg = arg;
    *out = r;
    return PCL_OK;
}

void
pcl_model_registry_free(struct pcl_model_registry *r)
{
    pcl_free(r);
}

static enum pcl_rc
bind_texts(struct pcl_stmt *st, const char *const *v, size_t n, struct pcl_err *err)
{
    enum pcl_rc rc = PCL_OK;

    for (size_t i = 0; i < n && rc == PCL_OK; i++) {
        rc = pcl_stmt_bind_text(st, (int)i + 1, v[i], strlen(v[i]), err);
    }
    return rc;
}

/* Run one statement with text parameters and no result rows. */
static enum pcl_rc
exec_texts(struct pcl_model_registry *r, const char *sql, const char *const *v, size_t n,
           struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    bool row;
    enum pcl_rc rc = pcl_stmt_new(r->s, sql, &st, err);

    if (rc == PCL_OK) {
        rc = bind_texts(st, v, n, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    pcl_stmt_free(st);
    return rc;
}

/* Record an event in the store (inside the caller's transaction) and tell the audit hook. */
static enum pcl_rc
event(struct pcl_model_registry *r, const char *name, const char *version, const char *what,
      const char *principal, const char *detail, struct pcl_err *err)
{
    char at[32];
    const char *v[6];
    enum pcl_rc rc;

    now_rfc3339(at);
    v[0] = at;
    v[1] = name;
    v[2] = version;
    v[3] = what;
    v[4] = principal;
    v[5] = detail;
    rc = exec_texts(r,
                    "INSERT INTO model_events(at, name, version, event, principal, detail)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    v, 6, err);
    if (rc == PCL_OK && r->audit != NULL) {
        struct pcl_buf b;
        struct pcl_jw jw;

        pcl_buf_init(&b, 0);
        pcl_jw_init(&jw, &b);
        pcl_jw_obj_begin(&jw);
        pcl_jw_key(&jw, "at");
        pcl_jw_cstr(&jw, at);
        pcl_jw_key(&jw, "component");
        pcl_jw_cstr(&jw, "model_registry");
        pcl_jw_key(&jw, "event");
        pcl_jw_cstr(&jw, what);
        pcl_jw_key(&jw, "name");
        pcl_jw_cstr(&jw, name);
        pcl_jw_key(&jw, "version");
        pcl_jw_cstr(&jw, version);
        pcl_jw_key(&jw, "principal");
        pcl_jw_cstr(&jw, principal);
        pcl_jw_key(&jw, "detail");
        pcl_jw_cstr(&jw, detail);
        pcl_jw_obj_end(&jw);
        if (pcl_jw_rc(&jw) != PCL_OK) {
            rc = pcl_err_set(err, PCL_ENOMEM, "model registry: out of memory");
        } else {
            size_t n = b.len;

            while (n > 0 && b.ptr[n - 1] == '\n') {
                n--; /* the writer ends a top-level value with a newline */
            }
            r->audit(r->arg, b.ptr, n);
        }
        pcl_buf_fini(&b);
    }
    return rc;
}

static void
copy_col(struct pcl_stmt *st, int col, char *out, size_t cap)
{
    struct pcl_str t = pcl_stmt_text(st, col);

    (void)snprintf(out, cap, "%.*s", (int)PCL_MIN(t.len, cap - 1), t.ptr != NULL ? t.ptr : "");
}

#define VERSION_COLS                                                                               \
    "name, version, path, digest, files, bytes, scan, findings, signature, signer, parent,"        \
    " stage, created, created_by"

static void
row_version(struct pcl_stmt *st, struct pcl_model_version *v)
{
    memset(v, 0, sizeof(*v));
    copy_col(st, 0, v->name, sizeof(v->name));
    copy_col(st, 1, v->version, sizeof(v->version));
    copy_col(st, 2, v->path, sizeof(v->path));
    copy_col(st, 3, v->digest, sizeof(v->digest));
    v->files = (uint64_t)pcl_stmt_int(st, 4);
    v->bytes = (uint64_t)pcl_stmt_int(st, 5);
    copy_col(st, 6, v->scan, sizeof(v->scan));
    v->findings = (uint64_t)pcl_stmt_int(st, 7);
    copy_col(st, 8, v->signature, sizeof(v->signature));
    copy_col(st, 9, v->signer, sizeof(v->signer));
    copy_col(st, 10, v->parent, sizeof(v->parent));
    copy_col(st, 11, v->stage, sizeof(v->stage));
    copy_col(st, 12, v->created, sizeof(v->created));
    copy_col(st, 13, v->created_by, sizeof(v->created_by));
}

enum pcl_rc
pcl_model_registry_get(struct pcl_model_registry *r, const char *name, const char *version,
                       struct pcl_model_version *out, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    const char *v[2] = {name, version};
    bool row = false;
    enum pcl_rc rc;

    rc = pcl_stmt_new(r->s,
                      "SELECT " VERSION_COLS " FROM model_versions WHERE name = ? AND"
                      " version = ?",
                      &st, err);
    if (rc == PCL_OK) {
        rc = bind_texts(st, v, 2, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK && !row) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "model registry: %s version %s is not registered",
                         name, version);
    }
    if (rc == PCL_OK) {
        row_version(st, out);
    }
    pcl_stmt_free(st);
    return rc;
}

enum pcl_rc
pcl_model_registry_add(struct pcl_model_registry *r, const struct pcl_model_version *v,
                       const struct pcl_model_dataset *ds, size_t nds, struct pcl_err *err)
{
    struct pcl_model_version parent, cur = *v;
    struct pcl_stmt *st = NULL;
    bool row;
    char detail[512];
    enum pcl_rc rc;

    if (v->name[0] == '\0' || v->version[0] == '\0') {
        return pcl_err_set(err, PCL_EINVAL, "model registry: name and version are required");
    }
    if (cur.created[0] == '\0') {
        now_rfc3339(cur.created);
    }
    if (cur.stage[0] == '\0') {
        (void)snprintf(cur.stage, sizeof(cur.stage), "registered");
    }
    rc = pcl_store_begin(r->s, err);
    if (rc != PCL_OK) {
        return rc;
    }
    if (pcl_model_registry_get(r, v->name, v->version, &parent, NULL) == PCL_OK) {
        rc = pcl_err_set(err, PCL_EINVAL, "model registry: %s version %s is already registered",
                         v->name, v->version);
        goto out;
    }
    if (v->parent[0] != '\0' &&
        pcl_model_registry_get(r, v->name, v->parent, &parent, NULL) != PCL_OK) {
        rc = pcl_err_set(err, PCL_EINVAL, "model registry: parent %s version %s is not registered",
                         v->name, v->parent);
        goto out;
    }
    rc = pcl_stmt_new(r->s,
                      "INSERT INTO model_versions(" VERSION_COLS ", seq) VALUES (?, ?, ?, ?, ?,"
                      " ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                      " (SELECT COALESCE(MAX(seq), 0) + 1 FROM model_versions))",
                      &st, err);
    if (rc == PCL_OK) {
        const char *t[4] = {cur.name, cur.version, cur.path, cur.digest};

        rc = bind_texts(st, t, 4, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(st, 5, (int64_t)cur.files, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(st, 6, (int64_t)cur.bytes, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(st, 7, cur.scan, strlen(cur.scan), err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(st, 8, (int64_t)cur.findings, err);
    }
    {
        const char *t[6] = {cur.signature, cur.signer,  cur.parent,
                            cur.stage,     cur.created, cur.created_by};

        for (int i = 0; i < 6 && rc == PCL_OK; i++) {
            rc = pcl_stmt_bind_text(st, 9 + i, t[i], strlen(t[i]), err);
        }
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    pcl_stmt_free(st);
    for (size_t i = 0; i < nds && rc == PCL_OK; i++) {
        const char *t[4] = {cur.name, cur.version, ds[i].ref, ds[i].digest};

        rc = exec_texts(r, "INSERT INTO model_datasets VALUES (?, ?, ?, ?)", t, 4, err);
    }
    if (rc == PCL_OK) {
        (void)snprintf(detail, sizeof(detail),
                       "digest sha256:%s scan %s signature %s parent %s datasets %zu", cur.digest,
                       cur.scan, cur.signature, cur.parent[0] != '\0' ? cur.parent : "-", nds);
        rc = event(r, cur.name, cur.version, "register", cur.created_by, detail, err);
    }
out:
    if (rc == PCL_OK) {
        rc = pcl_store_commit(r->s, err);
    }
    if (rc != PCL_OK) {
        pcl_store_rollback(r->s);
    }
    return rc;
}

enum pcl_rc
pcl_model_registry_list(struct pcl_model_registry *r, const char *name, pcl_model_version_fn *fn,
                        void *arg, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    bool row = true;
    enum pcl_rc rc;

    rc = pcl_stmt_new(r->s,
                      name != NULL ? "SELECT " VERSION_COLS " FROM model_versions WHERE name = ?"
                                     " ORDER BY name, seq"
                                   : "SELECT " VERSION_COLS " FROM model_versions"
                                     " ORDER BY name, seq",
                      &st, err);
    if (rc == PCL_OK && name != NULL) {
        rc = pcl_stmt_bind_text(st, 1, name, strlen(name), err);
    }
    while (rc == PCL_OK) {
        struct pcl_model_version v;

        rc = pcl_stmt_step(st, &row, err);
        if (rc != PCL_OK || !row) {
            break;
        }
        row_version(st, &v);
        rc = fn(arg, &v);
    }
    pcl_stmt_free(st);
    return rc;
}

enum pcl_rc
pcl_model_registry_datasets(struct pcl_model_registry *r, const char *name, const char *version,
                            pcl_model_dataset_fn *fn, void *arg, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    const char *v[2] = {name, version};
    bool row = true;
    enum pcl_rc rc;

    rc = pcl_stmt_new(r->s,
                      "SELECT ref, digest FROM model_datasets WHERE name = ? AND version = ?"
                      " ORDER BY rowid",
                      &st, err);
    if (rc == PCL_OK) {
        rc = bind_texts(st, v, 2, err);
    }
    while (rc == PCL_OK) {
        struct pcl_model_dataset d;

        rc = pcl_stmt_step(st, &row, err);
        if (rc != PCL_OK || !row) {
            break;
        }
        copy_col(st, 0, d.ref, sizeof(d.ref));
        copy_col(st, 1, d.digest, sizeof(d.digest));
        rc = fn(arg, &d);
    }
    pcl_stmt_free(st);
    return rc;
}

static enum pcl_rc
count_approvals(struct pcl_model_registry *r, const char *name, const char *version,
                const char *stage, unsigned *n, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    const char *v[3] = {name, version, stage};
    bool row = false;
    enum pcl_rc rc;

    rc = pcl_stmt_new(r->s,
                      "SELECT COUNT(DISTINCT principal) FROM model_approvals WHERE name = ? AND"
                      " version = ? AND stage = ?",
                      &st, err);
    if (rc == PCL_OK) {
        rc = bind_texts(st, v, 3, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    *n = rc == PCL_OK && row ? (unsigned)pcl_stmt_int(st, 0) : 0;
    pcl_stmt_free(st);
    return rc;
}

enum pcl_rc
pcl_model_registry_promote(struct pcl_model_registry *r, const char *name, const char *version,
                           const char *stage, const char *principal, unsigned approvals,
                           bool *promoted, unsigned *have, struct pcl_err *err)
{
    static const char *const stages[] = {"registered", "staging", "production", "archived"};
    struct pcl_model_version v;
    char at[32], detail[256];
    bool known = false;
    enum pcl_rc rc;

    *promoted = false;
    *have = 0;
    for (size_t i = 0; i < PCL_ARRAY_LEN(stages); i++) {
        known = known || strcmp(stage, stages[i]) == 0;
    }
    if (!known || principal == NULL || principal[0] == '\0') {
        return pcl_err_set(err, PCL_EINVAL,
                           "model registry: stage must be registered, staging, production or"
                           " archived, and a principal is required");
    }
    rc = pcl_store_begin(r->s, err);
    if (rc != PCL_OK) {
        return rc;
    }
    rc = pcl_model_registry_get(r, name, version, &v, err);
    if (rc != PCL_OK) {
        goto out;
    }
    if (strcmp(stage, "production") == 0 &&
        (strcmp(v.scan, "clean") != 0 || strcmp(v.signature, "valid") != 0)) {
        rc = pcl_err_set(err, PCL_EINVAL,
                         "model registry: %s version %s cannot go to production: scan is %s and "
                         "signature is %s (needs a clean scan and a valid signature)",
                         name, version, v.scan, v.signature);
        goto out;
    }
    now_rfc3339(at);
    {
        const char *t[5] = {name, version, stage, principal, at};

        rc = exec_texts(r,
                        "INSERT INTO model_approvals VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        t, 5, err);
    }
    if (rc == PCL_OK) {
        rc = count_approvals(r, name, version, stage, have, err);
    }
    if (rc == PCL_OK && *have >= PCL_MAX(approvals, 1u) && strcmp(v.stage, stage) != 0) {
        const char *t[3] = {stage, name, version};

        rc = exec_texts(r, "UPDATE model_versions SET stage = ? WHERE name = ? AND version = ?", t,
                        3, err);
        *promoted = rc == PCL_OK;
    }
    if (rc == PCL_OK) {
        (void)snprintf(detail, sizeof(detail), "stage %s approvals %u of %u%s (was %s)", stage,
                       *have, PCL_MAX(approvals, 1u), *promoted ? " promoted" : "", v.stage);
        rc = event(r, name, version, *promoted ? "promote" : "approve", principal, detail, err);
    }
out:
    if (rc == PCL_OK) {
        rc = pcl_store_commit(r->s, err);
    }
    if (rc != PCL_OK) {
        pcl_store_rollback(r->s);
        *promoted = false;
    }
    return rc;
}

/* ---- CycloneDX ---------------------------------------------------------------------------- */

struct bom_ctx {
    struct pcl_jw *jw;
    const char *name;
    const char *version;
};

static void
bom_hash(struct pcl_jw *jw, const char *hex)
{
    pcl_jw_key(jw, "hashes");
    pcl_jw_arr_begin(jw);
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "alg");
    pcl_jw_cstr(jw, "SHA-256");
    pcl_jw_key(jw, "content");
    pcl_jw_cstr(jw, hex);
    pcl_jw_obj_end(jw);
    pcl_jw_arr_end(jw);
}

static void
bom_model(struct pcl_jw *jw, const struct pcl_model_version *v)
{
    char ref[256];

    (void)snprintf(ref, sizeof(ref), "model:%s@%s", v->name, v->version);
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "type");
    pcl_jw_cstr(jw, "machine-learning-model");
    pcl_jw_key(jw, "bom-ref");
    pcl_jw_cstr(jw, ref);
    pcl_jw_key(jw, "name");
    pcl_jw_cstr(jw, v->name);
    pcl_jw_key(jw, "version");
    pcl_jw_cstr(jw, v->version);
    bom_hash(jw, v->digest);
    pcl_jw_key(jw, "properties");
    pcl_jw_arr_begin(jw);
    {
        const char *props[][2] = {
            {"portcullis:scan", v->scan},       {"portcullis:signature", v->signature},
            {"portcullis:signer", v->signer},   {"portcullis:stage", v->stage},
            {"portcullis:created", v->created}, {"portcullis:createdBy", v->created_by},
            {"portcullis:path", v->path},
        };

        for (size_t i = 0; i < PCL_ARRAY_LEN(props); i++) {
            pcl_jw_obj_begin(jw);
            pcl_jw_key(jw, "name");
            pcl_jw_cstr(jw, props[i][0]);
            pcl_jw_key(jw, "value");
            pcl_jw_cstr(jw, props[i][1]);
            pcl_jw_obj_end(jw);
        }
    }
    pcl_jw_arr_end(jw);
}

static enum pcl_rc
bom_dataset(void *arg, const struct pcl_model_dataset *d)
{
    struct bom_ctx *c = arg;
    const char *hex = strncmp(d->digest, "sha256:", 7) == 0 ? d->digest + 7 : NULL;
    char ref[1200];

    (void)snprintf(ref, sizeof(ref), "data:%s", d->ref);
    pcl_jw_obj_begin(c->jw);
    pcl_jw_key(c->jw, "type");
    pcl_jw_cstr(c->jw, "data");
    pcl_jw_key(c->jw, "bom-ref");
    pcl_jw_cstr(c->jw, ref);
    pcl_jw_key(c->jw, "name");
    pcl_jw_cstr(c->jw, d->ref);
    if (hex != NULL && strlen(hex) == 64) {
        bom_hash(c->jw, hex);
    }
    pcl_jw_key(c->jw, "data");
    pcl_jw_arr_begin(c->jw);
    pcl_jw_obj_begin(c->jw);
    pcl_jw_key(c->jw, "type");
    pcl_jw_cstr(c->jw, "dataset");
    pcl_jw_key(c->jw, "name");
    pcl_jw_cstr(c->jw, d->ref);
    pcl_jw_obj_end(c->jw);
    pcl_jw_arr_end(c->jw);
    pcl_jw_obj_end(c->jw);
    return PCL_OK;
}

static enum pcl_rc
bom_dataset_ref(void *arg, const struct pcl_model_dataset *d)
{
    struct bom_ctx *c = arg;
    char ref[1200];

    (void)snprintf(ref, sizeof(ref), "data:%s", d->ref);
    pcl_jw_cstr(c->jw, ref);
    return PCL_OK;
}

enum pcl_rc
pcl_model_registry_bom(struct pcl_model_registry *r, const char *name, const char *version,
                       struct pcl_buf *out, struct pcl_err *err)
{
    struct pcl_model_version v, a;
    struct pcl_jw jw;
    struct bom_ctx c = {.jw = &jw, .name = name, .version = version};
    unsigned char rnd[16];
    char serial[64], now[32], ref[256];
    size_t depth = 0;
    enum pcl_rc rc;

    rc = pcl_model_registry_get(r, name, version, &v, err);
    if (rc != PCL_OK) {
        return rc;
    }
    randombytes_buf(rnd, sizeof(rnd));
    rnd[6] = (unsigned char)((rnd[6] & 0x0F) | 0x40);
    rnd[8] = (unsigned char)((rnd[8] & 0x3F) | 0x80);
    (void)snprintf(serial, sizeof(serial),
                   "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                   rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], rnd[8], rnd[9],
                   rnd[10], rnd[11], rnd[12], rnd[13], rnd[14], rnd[15]);
    now_rfc3339(now);
    pcl_jw_init(&jw, out);
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "bomFormat");
    pcl_jw_cstr(&jw, "CycloneDX");
    pcl_jw_key(&jw, "specVersion");
    pcl_jw_cstr(&jw, "1.6");
    pcl_jw_key(&jw, "serialNumber");
    pcl_jw_cstr(&jw, serial);
    pcl_jw_key(&jw, "version");
    pcl_jw_int(&jw, 1);
    pcl_jw_key(&jw, "metadata");
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "timestamp");
    pcl_jw_cstr(&jw, now);
    pcl_jw_key(&jw, "tools");
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "components");
    pcl_jw_arr_begin(&jw);
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "type");
    pcl_jw_cstr(&jw, "application");
    pcl_jw_key(&jw, "name");
    pcl_jw_cstr(&jw, "portcullis");
    pcl_jw_obj_end(&jw);
    pcl_jw_arr_end(&jw);
    pcl_jw_obj_end(&jw);
    pcl_jw_key(&jw, "component");
    bom_model(&jw, &v);
    /* ancestors: the parent chain, nearest first */
    pcl_jw_key(&jw, "pedigree");
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "ancestors");
    pcl_jw_arr_begin(&jw);
    a = v;
    while (rc == PCL_OK && a.parent[0] != '\0' && depth++ < MAX_LINEAGE) {
        char parent[64];

        (void)snprintf(parent, sizeof(parent), "%s", a.parent);
        rc = pcl_model_registry_get(r, name, parent, &a, err);
        if (rc == PCL_OK) {
            bom_model(&jw, &a);
            pcl_jw_obj_end(&jw);
        }
    }
    pcl_jw_arr_end(&jw);
    pcl_jw_obj_end(&jw);
    pcl_jw_obj_end(&jw); /* component */
    pcl_jw_obj_end(&jw); /* metadata */
    pcl_jw_key(&jw, "components");
    pcl_jw_arr_begin(&jw);
    if (rc == PCL_OK) {
        rc = pcl_model_registry_datasets(r, name, version, bom_dataset, &c, err);
    }
    pcl_jw_arr_end(&jw);
    pcl_jw_key(&jw, "dependencies");
    pcl_jw_arr_begin(&jw);
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "ref");
    (void)snprintf(ref, sizeof(ref), "model:%s@%s", name, version);
    pcl_jw_cstr(&jw, ref);
    pcl_jw_key(&jw, "dependsOn");
    pcl_jw_arr_begin(&jw);
    if (rc == PCL_OK) {
        rc = pcl_model_registry_datasets(r, name, version, bom_dataset_ref, &c, err);
    }
    pcl_jw_arr_end(&jw);
    pcl_jw_obj_end(&jw);
    pcl_jw_arr_end(&jw);
    pcl_jw_obj_end(&jw);
    if (rc == PCL_OK && pcl_jw_rc(&jw) != PCL_OK) {
        rc = pcl_err_set(err, pcl_jw_rc(&jw), "model registry: cannot write the BOM");
    }
    return rc;
}
