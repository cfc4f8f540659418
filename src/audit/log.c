/* SPDX-License-Identifier: Apache-2.0 */
/* The audit log over the store: schema, a background writer thread with a bounded queue that
 * appends batches in one transaction each (acknowledging only committed entries) and signs
 * checkpoints, and the read side (entries, proofs, receipts) on a second connection. */
#include "audit.h"

#include <pthread.h>
#include <sodium.h>
#include <time.h>

#include "common.h"

#define HS        PCL_MERKLE_HASH_SIZE
#define MAX_EVENT ((size_t)1 << 20)
#define MAX_KIND  32
#define DEF_QUEUE 65536
#define DEF_BATCH 8192
#define DEF_CP_MS 1000
#define MAX_QUEUE ((size_t)1 << 24)

/* Schema of component "audit". Leaves and interior nodes are keyed by dense integers (index,
 * completion order) so appends go to the end of each b-tree and proofs are point reads.
 * Payload ciphertexts and subject keys live apart from the leaves: erasing or purging them
 * never touches a hash. */
static const char *const schema[] = {
    "CREATE TABLE audit_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);"
    "CREATE TABLE audit_leaf (idx INTEGER PRIMARY KEY, hash BLOB NOT NULL, entry BLOB NOT NULL);"
    "CREATE TABLE audit_node (pos INTEGER PRIMARY KEY, hash BLOB NOT NULL);"
    "CREATE TABLE audit_checkpoint (size INTEGER PRIMARY KEY, logged_ms INTEGER NOT NULL,"
    " note TEXT NOT NULL);"
    "CREATE TABLE audit_subject (subject TEXT PRIMARY KEY, ref TEXT NOT NULL, wrapped BLOB,"
    " created_ms INTEGER NOT NULL, erased_ms INTEGER);"
    "CREATE TABLE audit_payload (idx INTEGER PRIMARY KEY, subject TEXT, kind TEXT NOT NULL,"
    " logged_ms INTEGER NOT NULL, nonce BLOB, ct BLOB);"
    "CREATE INDEX audit_payload_subject ON audit_payload(subject);"
    "CREATE INDEX audit_payload_time ON audit_payload(logged_ms)",
};

static const uint64_t latency_bounds[PCL_AUDIT_LATENCY_BUCKETS] = {
    100,   250,   500,    1000,   2500,   5000,    10000,
    25000, 50000, 100000, 250000, 500000, 1000000, UINT64_MAX};

enum req_type { REQ_APPEND, REQ_CALL };

struct pcl_audit_log;
typedef enum pcl_rc req_call_fn(struct pcl_audit_log *log, void *arg, struct pcl_err *err);

/* One queued request. Sync requests live on the caller's stack; async ones on the heap. */
struct req {
    enum req_type type;
    char kind[MAX_KIND + 1];
    const char *event; /* borrowed (sync) or inside `owned` (async) */
    size_t len;
    struct pcl_audit_payload payload;
    bool has_payload;
    char *owned; /* async: heap block holding the event, subject and data */
    bool async;
    pcl_audit_done_fn *done;
    void *arg;
    req_call_fn *call;
    void *call_arg;
    uint64_t t_enq_us;
    /* result, written by the writer under log->mu */
    bool finished;
    enum pcl_rc rc;
    uint64_t index;
    struct pcl_err err;
};

/* Where stored hashes are read from: the reader's or the writer's statements. */
struct hash_src {
    struct pcl_stmt *leaf; /* SELECT hash FROM audit_leaf WHERE idx = ? */
    struct pcl_stmt *node; /* SELECT hash FROM audit_node WHERE pos = ? */
};

struct pcl_audit_log {
    const struct pcl_note_signer *signer; /* borrowed; NULL = read-only */
    char origin[PCL_NOTE_MAX_NAME + 1];
    struct pcl_audit_opts opts;
    uint8_t master[32];
    bool have_master;

    /* writer thread only (and open/free) */
    struct pcl_store *wdb;
    struct pcl_stmt *ins_leaf, *ins_node, *ins_cp;
    struct pcl_stmt *w_leaf, *w_node; /* hash reads inside the writer's transaction */
    struct pcl_merkle_frontier front;
    struct pcl_buf entry;
    struct pcl_buf note;
    struct pcl_buf member;
    uint64_t cp_size; /* latest checkpoint */
    int64_t cp_ms;
    uint64_t cp_signed; /* checkpoints committed since open */
    struct req **batch; /* array of opts.batch_max */

    /* read side, under rmu */
    pthread_mutex_t rmu;
    struct pcl_store *rdb;
    struct pcl_stmt *get_leaf, *get_node, *get_entry, *get_cp;
    struct hash_src rsrc; /* get_leaf and get_node */

    /* queue and counters, under mu */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_space, cv_done;
    struct req **q; /* ring of qcap */
    size_t qhead, qlen, qcap, inflight;
    bool stop, started;
    pthread_t thread;
    uint64_t size;
    struct pcl_audit_stats st;
    int64_t st_cp_ms;
    bool sync_init;
};

int64_t
pcl_audit_now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t
pcl_audit_mono_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

enum pcl_rc
pcl_audit_store_open(const char *url, struct pcl_store **out, struct pcl_err *err)
{
    enum pcl_rc rc = pcl_store_open(url, out, err);

    if (rc == PCL_OK) {
        rc = pcl_store_migrate(*out, "audit", schema, PCL_ARRAY_LEN(schema), err);
        if (rc != PCL_OK) {
            pcl_store_free(*out);
            *out = NULL;
        }
    }
    return rc;
}

void
pcl_audit_opts_init(struct pcl_audit_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->queue_max = DEF_QUEUE;
    o->batch_max = DEF_BATCH;
    o->on_full = PCL_AUDIT_BLOCK;
    o->checkpoint_ms = DEF_CP_MS;
}

/* ---- reads -------------------------------------------------------------------------------- */

/* pcl_merkle_get_fn over a hash_src (its connection's lock held). */
static enum pcl_rc
src_get(void *arg, unsigned level, uint64_t index, uint8_t out[HS], struct pcl_err *err)
{
    const struct hash_src *src = arg;
    struct pcl_stmt *st = level == 0 ? src->leaf : src->node;
    uint64_t key = level == 0 ? index : pcl_merkle_node_pos(level, index);
    bool row = false;
    enum pcl_rc rc;

    rc = pcl_stmt_bind_int(st, 1, (int64_t)key, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK && !row) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "audit: %s %llu/%llu is missing from the store",
                         level == 0 ? "leaf" : "node", (unsigned long long)level,
                         (unsigned long long)index);
    } else if (rc == PCL_OK) {
        struct pcl_str h = pcl_stmt_blob(st, 0);

        if (h.len != HS) {
            rc = pcl_err_set(err, PCL_EIO, "audit: %s %llu/%llu: stored hash has %zu bytes",
                             level == 0 ? "leaf" : "node", (unsigned long long)level,
                             (unsigned long long)index, h.len);
        } else {
            memcpy(out, h.ptr, HS);
        }
    }
    pcl_stmt_reset(st);
    return rc;
}

uint64_t
pcl_audit_size(struct pcl_audit_log *log)
{
    uint64_t n;

    (void)pthread_mutex_lock(&log->mu);
    n = log->size;
    (void)pthread_mutex_unlock(&log->mu);
    return n;
}

const char *
pcl_audit_origin(const struct pcl_audit_log *log)
{
    return log->origin;
}

static enum pcl_rc
check_size(struct pcl_audit_log *log, uint64_t size, struct pcl_err *err)
{
    uint64_t have = pcl_audit_size(log);

    if (size > have) {
        return pcl_err_set(err, PCL_EINVAL,
                           "audit: tree size %llu is beyond the log's %llu entries",
                           (unsigned long long)size, (unsigned long long)have);
    }
    return PCL_OK;
}

enum pcl_rc
pcl_audit_entry(struct pcl_audit_log *log, uint64_t index, struct pcl_buf *out, struct pcl_err *err)
{
    bool row = false;
    enum pcl_rc rc;

    (void)pthread_mutex_lock(&log->rmu);
    rc = pcl_stmt_bind_int(log->get_entry, 1, (int64_t)index, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(log->get_entry, &row, err);
    }
    if (rc == PCL_OK && !row) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "audit: no entry %llu", (unsigned long long)index);
    } else if (rc == PCL_OK) {
        struct pcl_str e = pcl_stmt_blob(log->get_entry, 0);

        rc = pcl_buf_append(out, e.ptr, e.len);
        if (rc != PCL_OK) {
            rc = pcl_err_set(err, rc, "audit: out of memory");
        }
    }
    pcl_stmt_reset(log->get_entry);
    (void)pthread_mutex_unlock(&log->rmu);
    return rc;
}

enum pcl_rc
pcl_audit_leaf_hash(struct pcl_audit_log *log, uint64_t index, uint8_t out[HS], struct pcl_err *err)
{
    enum pcl_rc rc;

    (void)pthread_mutex_lock(&log->rmu);
    rc = src_get(&log->rsrc, 0, index, out, err);
    (void)pthread_mutex_unlock(&log->rmu);
    return rc;
}

enum pcl_rc
pcl_audit_checkpoints_each(struct pcl_audit_log *log, pcl_audit_note_fn *fn, void *arg,
                           struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    bool row = false;
    enum pcl_rc rc;

    (void)pthread_mutex_lock(&log->rmu);
    rc = pcl_stmt_new(log->rdb, "SELECT size, note FROM audit_checkpoint ORDER BY size", &st, err);
    while (rc == PCL_OK) {
        struct pcl_str note;

        rc = pcl_stmt_step(st, &row, err);
        if (rc != PCL_OK || !row) {
            break;
        }
        note = pcl_stmt_text(st, 1);
        rc = fn(arg, (uint64_t)pcl_stmt_int(st, 0), note.ptr, note.len, err);
    }
    pcl_stmt_free(st);
    (void)pthread_mutex_unlock(&log->rmu);
    return rc;
}

enum pcl_rc
pcl_audit_latest_checkpoint(struct pcl_audit_log *log, struct pcl_buf *out, uint64_t *size,
                            struct pcl_err *err)
{
    bool row = false;
    enum pcl_rc rc;

    (void)pthread_mutex_lock(&log->rmu);
    rc = pcl_stmt_step(log->get_cp, &row, err);
    if (rc == PCL_OK && !row) {
        rc = pcl_err_set(err, PCL_ENOTFOUND, "audit: no checkpoint yet");
    } else if (rc == PCL_OK) {
        struct pcl_str note = pcl_stmt_text(log->get_cp, 1);

        *size = (uint64_t)pcl_stmt_int(log->get_cp, 0);
        if (out != NULL) {
            rc = pcl_buf_append(out, note.ptr, note.len);
            if (rc != PCL_OK) {
                rc = pcl_err_set(err, rc, "audit: out of memory");
            }
        }
    }
    pcl_stmt_reset(log->get_cp);
    (void)pthread_mutex_unlock(&log->rmu);
    return rc;
}

enum pcl_rc
pcl_audit_prove_inclusion(struct pcl_audit_log *log, uint64_t index, uint64_t size,
                          uint8_t (*proof)[HS], size_t *n, struct pcl_err *err)
{
    enum pcl_rc rc = check_size(log, size, err);

    if (rc != PCL_OK) {
        return rc;
    }
    (void)pthread_mutex_lock(&log->rmu);
    rc = pcl_merkle_prove_inclusion(index, size, src_get, &log->rsrc, proof, n, err);
    (void)pthread_mutex_unlock(&log->rmu);
    return rc;
}

enum pcl_rc
pcl_audit_prove_consistency(struct pcl_audit_log *log, uint64_t size1, uint64_t size2,
                            uint8_t (*proof)[HS], size_t *n, struct pcl_err *err)
{
    enum pcl_rc rc = check_size(log, size2, err);

    if (rc != PCL_OK) {
        return rc;
    }
    (void)pthread_mutex_lock(&log->rmu);
    rc = pcl_merkle_prove_consistency(size1, size2, src_get, &log->rsrc, proof, n, err);
    (void)pthread_mutex_unlock(&log->rmu);
    return rc;
}

enum pcl_rc
pcl_audit_root(struct pcl_audit_log *log, uint64_t size, uint8_t out[HS], struct pcl_err *err)
{
    enum pcl_rc rc = check_size(log, size, err);

    if (rc != PCL_OK) {
        return rc;
    }
    if (size == 0) {
        pcl_merkle_empty_root(out);
        return PCL_OK;
    }
    (void)pthread_mutex_lock(&log->rmu);
    rc = pcl_merkle_range_hash(0, size, src_get, &log->rsrc, out, err);
    (void)pthread_mutex_unlock(&log->rmu);
    return rc;
}

enum pcl_rc
pcl_audit_receipt(struct pcl_audit_log *log, uint64_t index, struct pcl_buf *out,
                  struct pcl_err *err)
{
    uint8_t proof[PCL_MERKLE_MAX_PROOF][HS];
    struct pcl_buf note;
    uint64_t size = 0;
    size_t n = 0;
    enum pcl_rc rc;

    if (index >= pcl_audit_size(log)) {
        return pcl_err_set(err, PCL_ENOTFOUND, "audit: no entry %llu", (unsigned long long)index);
    }
    pcl_buf_init(&note, 0);
    rc = pcl_audit_latest_checkpoint(log, &note, &size, err);
    if ((rc == PCL_OK && size <= index) || rc == PCL_ENOTFOUND) {
        pcl_buf_reset(&note);
        rc = pcl_audit_checkpoint(log, &note, err);
        if (rc == PCL_OK) {
            rc = pcl_audit_latest_checkpoint(log, NULL, &size, err);
        }
    }
    if (rc == PCL_OK) {
        rc = pcl_audit_prove_inclusion(log, index, size, proof, &n, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_receipt_format(index, (const uint8_t(*)[HS])proof, n, NULL, 0, note.ptr, note.len,
                                out);
        if (rc != PCL_OK) {
            rc = pcl_err_set(err, rc, "audit: out of memory");
        }
    }
    pcl_buf_fini(&note);
    return rc;
}

static enum pcl_rc
query_u64(struct pcl_store *db, const char *sql, uint64_t *a, int64_t *b, bool *found,
          struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    bool row = false;
    enum pcl_rc rc = pcl_stmt_new(db, sql, &st, err);

    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK && row) {
        *a = (uint64_t)pcl_stmt_int(st, 0);
        if (b != NULL) {
            *b = pcl_stmt_int(st, 1);
        }
    }
    if (found != NULL) {
        *found = row && !pcl_stmt_is_null(st, 0);
    }
    pcl_stmt_free(st);
    return rc;
}

/* Rebuild the frontier of the stored tree from its complete subtrees (popcount(size) reads on
 * the writer's connection) and the latest checkpoint. */
static enum pcl_rc
recover(struct pcl_audit_log *log, uint64_t size, struct pcl_err *err)
{
    struct hash_src src = {.leaf = log->w_leaf, .node = log->w_node};
    uint64_t lo = 0;
    uint64_t cp_size = 0;
    int64_t cp_ms = 0;
    bool found = false;
    enum pcl_rc rc;

    pcl_merkle_frontier_init(&log->front);
    for (unsigned l = 64; l-- > 0;) {
        if ((size >> l & 1) == 0) {
            continue;
        }
        rc = src_get(&src, l, lo >> l, log->front.hash[l], err);
        if (rc == PCL_ENOTFOUND) {
            char what[PCL_ERR_MSG_SIZE];

            (void)snprintf(what, sizeof(what), "%s", err != NULL ? err->msg : "");
            return pcl_err_set(err, PCL_EIO,
                               "audit: store is damaged: %s (run `portcullis audit verify`)", what);
        }
        if (rc != PCL_OK) {
            return rc;
        }
        lo += (uint64_t)1 << l;
    }
    log->front.size = size;
    rc = query_u64(log->wdb,
                   "SELECT size, logged_ms FROM audit_checkpoint ORDER BY size DESC LIMIT 1",
                   &cp_size, &cp_ms, &found, err);
    if (rc != PCL_OK) {
        return rc;
    }
    if (found && cp_size > size) {
        return pcl_err_set(err, PCL_EIO,
                           "audit: a checkpoint covers %llu entries but the store has %llu "
                           "(entries were removed)",
                           (unsigned long long)cp_size, (unsigned long long)size);
    }
    log->cp_size = found ? cp_size : 0;
    log->cp_ms = found ? cp_ms : 0;
    return PCL_OK;
}

/* The stored tree size (the largest index + 1). */
static enum pcl_rc
stored_size(struct pcl_audit_log *log, uint64_t *size, struct pcl_err *err)
{
    bool found = false;
    enum pcl_rc rc =
        query_u64(log->wdb, "SELECT MAX(idx) + 1 FROM audit_leaf", size, NULL, &found, err);

    if (rc == PCL_OK && !found) {
        *size = 0;
    }
    return rc;
}

/* Inside the writer's transaction: another process (a CLI `erase` next to the gateway, a
 * second gateway) may have appended since our last batch; pick its tree up first. */
static enum pcl_rc
resync(struct pcl_audit_log *log, struct pcl_err *err)
{
    uint64_t size = 0;
    enum pcl_rc rc = stored_size(log, &size, err);

    if (rc == PCL_OK && size != log->front.size) {
        rc = recover(log, size, err);
    }
    return rc;
}

/* ---- the writer ------------------------------------------------------------------------- */

static enum pcl_rc
emit_node(void *arg, unsigned level, uint64_t index, const uint8_t hash[HS], struct pcl_err *err)
{
    struct pcl_audit_log *log = arg;
    struct pcl_stmt *st = log->ins_node;
    bool row;
    enum pcl_rc rc;

    rc = pcl_stmt_bind_int(st, 1, (int64_t)pcl_merkle_node_pos(level, index), err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_blob(st, 2, hash, HS, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    pcl_stmt_reset(st);
    return rc;
}

/* Build entry `index` (the leaf's bytes) for request r into log->entry. */
static enum pcl_rc
build_entry(struct pcl_audit_log *log, const struct req *r, uint64_t index, int64_t now,
            struct pcl_err *err)
{
    struct pcl_buf *b = &log->entry;
    enum pcl_rc rc;

    pcl_buf_reset(b);
    pcl_buf_reset(&log->member);
    if (r->has_payload) {
        rc = pcl_audit_payload_seal(log->wdb, log->master, index, r->kind, now, &r->payload,
                                    &log->member, err);
        if (rc != PCL_OK) {
            return rc;
        }
    }
    /* keys in byte order: event, index, kind, logged_ms, payload */
    rc = pcl_buf_appends(b, "{\"event\":");
    if (rc == PCL_OK) {
        rc = pcl_buf_append(b, r->event, r->len);
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendf(b, ",\"index\":%llu,\"kind\":\"%s\",\"logged_ms\":%lld",
                             (unsigned long long)index, r->kind, (long long)now);
    }
    if (rc == PCL_OK && r->has_payload) {
        rc = pcl_buf_appends(b, ",\"payload\":");
        if (rc == PCL_OK) {
            rc = pcl_buf_append(b, log->member.ptr, log->member.len);
        }
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendc(b, '}');
    }
    return rc != PCL_OK ? pcl_err_set(err, rc, "audit: out of memory") : PCL_OK;
}

static enum pcl_rc
append_one(struct pcl_audit_log *log, struct req *r, int64_t now, struct pcl_err *err)
{
    uint64_t index = log->front.size;
    uint8_t leaf[HS];
    bool row;
    enum pcl_rc rc;

    rc = build_entry(log, r, index, now, err);
    if (rc != PCL_OK) {
        return rc;
    }
    pcl_merkle_leaf_hash(log->entry.ptr, log->entry.len, leaf);
    rc = pcl_stmt_bind_int(log->ins_leaf, 1, (int64_t)index, err);
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_blob(log->ins_leaf, 2, leaf, HS, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_blob(log->ins_leaf, 3, log->entry.ptr, log->entry.len, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(log->ins_leaf, &row, err);
    }
    pcl_stmt_reset(log->ins_leaf);
    if (rc == PCL_OK) {
        rc = pcl_merkle_frontier_push(&log->front, leaf, emit_node, log, err);
    }
    r->index = index;
    return rc;
}

static enum pcl_rc
write_checkpoint(struct pcl_audit_log *log, int64_t now, struct pcl_err *err)
{
    uint8_t root[HS];
    struct pcl_buf body;
    bool row;
    enum pcl_rc rc;

    pcl_merkle_frontier_root(&log->front, root);
    pcl_buf_init(&body, 0);
    pcl_buf_reset(&log->note);
    rc = pcl_checkpoint_format(log->origin, log->front.size, root, &body);
    if (rc != PCL_OK) {
        rc = pcl_err_set(err, rc, "audit: out of memory");
    } else {
        rc = pcl_note_sign(body.ptr, body.len, log->signer, &log->note, err);
    }
    pcl_buf_fini(&body);
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(log->ins_cp, 1, (int64_t)log->front.size, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_int(log->ins_cp, 2, now, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_bind_text(log->ins_cp, 3, log->note.ptr, log->note.len, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_step(log->ins_cp, &row, err);
    }
    pcl_stmt_reset(log->ins_cp);
    return rc;
}

static bool
checkpoint_due(const struct pcl_audit_log *log, int64_t now, bool force)
{
    uint64_t grown = log->front.size - log->cp_size;

    if (log->signer == NULL || (grown == 0 && (log->cp_ms != 0 || log->front.size != 0))) {
        /* nothing new to sign (the empty tree gets one checkpoint when forced) */
        return force && log->cp_ms == 0 && log->front.size == 0 && log->signer != NULL;
    }
    return force || (log->opts.checkpoint_ms != 0 && now - log->cp_ms >= log->opts.checkpoint_ms) ||
           (log->opts.checkpoint_entries != 0 && grown >= log->opts.checkpoint_entries);
}

/* Append n requests in one transaction, signing checkpoints as they fall due (every
 * checkpoint_entries inside the batch, and at its end on the timer or when forced). On failure
 * nothing of the batch stays: the transaction rolls back and the frontier is restored. */
static enum pcl_rc
write_batch(struct pcl_audit_log *log, struct req **b, size_t n, bool force_cp, struct pcl_err *err)
{
    struct pcl_merkle_frontier *saved = NULL;
    int64_t now = pcl_audit_now_ms();
    uint64_t cp_size = log->cp_size;
    int64_t cp_ms = log->cp_ms;
    uint64_t nsigned = 0;
    enum pcl_rc rc;

    if (n == 0 && !checkpoint_due(log, now, force_cp)) {
        return PCL_OK;
    }
    saved = pcl_malloc(sizeof(*saved));
    if (saved == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "audit: out of memory");
    }
    memcpy(saved, &log->front, sizeof(*saved));
    rc = pcl_store_begin(log->wdb, err);
    if (rc == PCL_OK) {
        rc = resync(log, err);
    }
    for (size_t i = 0; i < n && rc == PCL_OK; i++) {
        rc = append_one(log, b[i], now, err);
        if (rc == PCL_OK && i + 1 < n && log->opts.checkpoint_entries != 0 &&
            log->front.size - log->cp_size >= log->opts.checkpoint_entries) {
            rc = write_checkpoint(log, now, err);
            log->cp_size = log->front.size;
            log->cp_ms = now;
            nsigned++;
        }
    }
    if (rc == PCL_OK && checkpoint_due(log, now, force_cp)) {
        rc = write_checkpoint(log, now, err);
        log->cp_size = log->front.size;
        log->cp_ms = now;
        nsigned++;
    }
    if (rc == PCL_OK) {
        rc = pcl_store_commit(log->wdb, err);
    }
    if (rc != PCL_OK) {
        pcl_store_rollback(log->wdb);
        memcpy(&log->front, saved, sizeof(*saved));
        log->cp_size = cp_size;
        log->cp_ms = cp_ms;
    } else {
        log->cp_signed += nsigned;
    }
    pcl_free(saved);
    return rc;
}

static void
record_latency(struct pcl_audit_stats *st, uint64_t us)
{
    for (size_t i = 0; i < PCL_AUDIT_LATENCY_BUCKETS; i++) {
        if (us <= latency_bounds[i]) {
            st->latency_count[i]++;
        }
    }
    st->latency_sum_us += us;
}

static void
finish_async(struct req *r)
{
    if (r->done != NULL) {
        r->done(r->arg, r->rc, r->index, &r->err);
    }
    pcl_free(r->owned);
    pcl_free(r);
}

/* Sleep (mu held) until work arrives, the log stops, or a timed checkpoint falls due; true
 * when the timer woke us. */
static bool
wait_for_work(struct pcl_audit_log *log)
{
    while (log->qlen == 0 && !log->stop) {
        if (log->signer != NULL && log->opts.checkpoint_ms != 0 && log->front.size > log->cp_size) {
            int64_t due = log->cp_ms + (int64_t)log->opts.checkpoint_ms;
            struct timespec ts = {.tv_sec = (time_t)(due / 1000),
                                  .tv_nsec = (long)(due % 1000) * 1000000};

            if (pthread_cond_timedwait(&log->cv_work, &log->mu, &ts) != 0) {
                return true;
            }
        } else {
            (void)pthread_cond_wait(&log->cv_work, &log->mu);
        }
    }
    return false;
}

/* Move the next batch (up to batch_max appends, or one call alone) out of the queue (mu
 * held); *call tells which. */
static size_t
take_batch(struct pcl_audit_log *log, bool *call)
{
    size_t n = 0;

    *call = log->qlen > 0 && log->q[log->qhead]->type == REQ_CALL;
    while (log->qlen > 0 && n < (*call ? 1 : log->opts.batch_max) &&
           (log->q[log->qhead]->type == REQ_CALL) == *call) {
        log->batch[n++] = log->q[log->qhead];
        log->qhead = (log->qhead + 1) % log->qcap;
        log->qlen--;
    }
    log->inflight = n;
    return n;
}

/* Record the outcome of a batch (mu held) and wake its waiters. */
static void
publish(struct pcl_audit_log *log, size_t n, bool call, enum pcl_rc rc, const struct pcl_err *err)
{
    uint64_t now_us = pcl_audit_mono_us();

    log->size = log->front.size;
    log->inflight = 0;
    if (rc == PCL_OK && !call && n > 0) {
        log->st.batches++;
    }
    for (size_t i = 0; i < n; i++) {
        struct req *r = log->batch[i];

        r->rc = rc;
        r->err = *err;
        if (r->type == REQ_APPEND && rc == PCL_OK) {
            log->st.appended++;
            record_latency(&log->st, now_us - r->t_enq_us);
        } else if (r->type == REQ_APPEND) {
            log->st.failed++;
        }
        r->finished = true;
    }
    log->st.checkpoints = log->cp_signed;
    log->st.checkpoint_size = log->cp_size;
    log->st_cp_ms = log->cp_ms;
    (void)pthread_cond_broadcast(&log->cv_done);
}

/* Run async completions without the lock (mu held on entry and exit); those requests are the
 * writer's to free. */
static void
complete_async(struct pcl_audit_log *log, size_t n)
{
    bool any = false;

    for (size_t i = 0; i < n; i++) {
        any = any || log->batch[i]->async;
    }
    if (!any) {
        return;
    }
    (void)pthread_mutex_unlock(&log->mu);
    for (size_t i = 0; i < n; i++) {
        if (log->batch[i]->async) {
            finish_async(log->batch[i]);
        }
    }
    (void)pthread_mutex_lock(&log->mu);
}

/* The writer thread: take what is queued, run it outside the lock, publish the results;
 * sleeps until work arrives or a checkpoint falls due. */
static void *
writer_main(void *arg)
{
    struct pcl_audit_log *log = arg;

    (void)pthread_mutex_lock(&log->mu);
    for (;;) {
        struct pcl_err err = {0};
        bool tick = wait_for_work(log);
        bool call = false;
        size_t n;
        enum pcl_rc rc;

        if (log->qlen == 0 && !tick) {
            break; /* stopping and drained */
        }
        n = take_batch(log, &call);
        (void)pthread_cond_broadcast(&log->cv_space);
        (void)pthread_mutex_unlock(&log->mu);
        rc = call ? log->batch[0]->call(log, log->batch[0]->call_arg, &err)
                  : write_batch(log, log->batch, n, false, &err);
        (void)pthread_mutex_lock(&log->mu);
        publish(log, n, call, rc, &err);
        complete_async(log, n);
    }
    /* closing: sign what is not signed yet */
    if (log->signer != NULL && log->front.size > log->cp_size) {
        struct pcl_err err;

        (void)pthread_mutex_unlock(&log->mu);
        if (write_batch(log, NULL, 0, true, &err) == PCL_OK) {
            (void)pthread_mutex_lock(&log->mu);
            publish(log, 0, true, PCL_OK, &err);
        } else {
            (void)pthread_mutex_lock(&log->mu);
        }
    }
    (void)pthread_mutex_unlock(&log->mu);
    return NULL;
}

/* Queue r and, unless async, wait for it. Once an async r is queued it belongs to the writer
 * thread, which may complete and free it at any moment: r is not touched after that. */
static enum pcl_rc
submit(struct pcl_audit_log *log, struct req *r, struct pcl_err *err)
{
    bool waited = false;
    const bool async = r->async;

    r->t_enq_us = pcl_audit_mono_us();
    (void)pthread_mutex_lock(&log->mu);
    if (!log->started || log->stop) {
        (void)pthread_mutex_unlock(&log->mu);
        return pcl_err_set(err, PCL_EINVAL,
                           log->started ? "audit: log is closing"
                                        : "audit: log is read-only (opened without a signer)");
    }
    while (log->qlen == log->qcap) {
        if (log->opts.on_full == PCL_AUDIT_FAIL && r->type == REQ_APPEND) {
            log->st.rejected++;
            (void)pthread_mutex_unlock(&log->mu);
            return pcl_err_set(err, PCL_ELIMIT, "audit: queue full (%zu entries waiting)",
                               log->qcap);
        }
        if (!waited && r->type == REQ_APPEND) {
            log->st.blocked++;
            waited = true;
        }
        (void)pthread_cond_wait(&log->cv_space, &log->mu);
        if (log->stop) {
            /* closed while we waited: the writer may already be gone */
            (void)pthread_mutex_unlock(&log->mu);
            return pcl_err_set(err, PCL_EINVAL, "audit: log is closing");
        }
    }
    log->q[(log->qhead + log->qlen) % log->qcap] = r;
    log->qlen++;
    (void)pthread_cond_signal(&log->cv_work);
    if (async) {
        (void)pthread_mutex_unlock(&log->mu);
        return PCL_OK;
    }
    while (!r->finished) {
        (void)pthread_cond_wait(&log->cv_done, &log->mu);
    }
    (void)pthread_mutex_unlock(&log->mu);
    if (r->rc != PCL_OK) {
        if (err != NULL) {
            *err = r->err;
        }
        return r->rc;
    }
    return PCL_OK;
}

static enum pcl_rc
check_event(struct pcl_audit_log *log, const char *kind, const char *event, size_t len,
            const struct pcl_audit_payload *payload, struct req *r, struct pcl_err *err)
{
    size_t klen = kind != NULL ? strlen(kind) : 0;
    size_t bad = 0;

    if (klen == 0 || klen > MAX_KIND) {
        return pcl_err_set(err, PCL_EINVAL, "audit: event kind must have 1 to %d characters",
                           MAX_KIND);
    }
    for (size_t i = 0; i < klen; i++) {
        char c = kind[i];

        if (!((c >= 'a' && c <= 'z') || pcl_is_digit(c) || c == '.' || c == '_' || c == '-')) {
            return pcl_err_set(err, PCL_EINVAL,
                               "audit: event kind \"%.32s\": only a-z 0-9 . _ - are allowed", kind);
        }
    }
    if (len > MAX_EVENT) {
        return pcl_err_set(err, PCL_ELIMIT, "audit: event of %zu bytes is over the %zu limit", len,
                           MAX_EVENT);
    }
    if (!pcl_audit_json_object_is_valid(event, len, &bad)) {
        return pcl_err_set(err, PCL_EINVAL, "audit: event is not a JSON object (offset %zu)", bad);
    }
    if (payload != NULL) {
        if (!log->have_master) {
            return pcl_err_set(err, PCL_EINVAL,
                               "audit: payloads need a master key (none configured)");
        }
        if (payload->subject == NULL || payload->subject[0] == '\0' ||
            strlen(payload->subject) > 256 || payload->len > MAX_EVENT) {
            return pcl_err_set(err, PCL_EINVAL,
                               "audit: payload needs a subject of 1 to 256 bytes and at most "
                               "%zu bytes of data",
                               MAX_EVENT);
        }
    }
    memset(r, 0, sizeof(*r));
    r->type = REQ_APPEND;
    memcpy(r->kind, kind, klen);
    r->event = event;
    r->len = len;
    if (payload != NULL) {
        r->payload = *payload;
        r->has_payload = true;
    }
    return PCL_OK;
}

enum pcl_rc
pcl_audit_append(struct pcl_audit_log *log, const char *kind, const char *event, size_t len,
                 const struct pcl_audit_payload *payload, uint64_t *index, struct pcl_err *err)
{
    struct req r;
    enum pcl_rc rc = check_event(log, kind, event, len, payload, &r, err);

    if (rc == PCL_OK) {
        rc = submit(log, &r, err);
    }
    if (rc == PCL_OK && index != NULL) {
        *index = r.index;
    }
    return rc;
}

enum pcl_rc
pcl_audit_append_async(struct pcl_audit_log *log, const char *kind, const char *event, size_t len,
                       const struct pcl_audit_payload *payload, pcl_audit_done_fn *done, void *arg,
                       struct pcl_err *err)
{
    struct req tmp;
    struct req *r = NULL;
    size_t slen = 0;
    size_t dlen = 0;
    enum pcl_rc rc = check_event(log, kind, event, len, payload, &tmp, err);

    if (rc != PCL_OK) {
        return rc;
    }
    if (payload != NULL) {
        slen = strlen(payload->subject) + 1;
        dlen = payload->len;
    }
    r = pcl_malloc(sizeof(*r));
    if (r != NULL) {
        *r = tmp;
        r->owned = pcl_malloc(len + slen + dlen + 1);
    }
    if (r == NULL || r->owned == NULL) {
        pcl_free(r);
        return pcl_err_set(err, PCL_ENOMEM, "audit: out of memory");
    }
    memcpy(r->owned, event, len);
    r->event = r->owned;
    if (payload != NULL) {
        memcpy(r->owned + len, payload->subject, slen);
        if (dlen > 0) {
            memcpy(r->owned + len + slen, payload->data, dlen);
        }
        r->payload.subject = r->owned + len;
        r->payload.data = r->owned + len + slen;
    }
    r->async = true;
    r->done = done;
    r->arg = arg;
    rc = submit(log, r, err);
    if (rc != PCL_OK) {
        pcl_free(r->owned);
        pcl_free(r);
    }
    return rc;
}

/* Run fn on the writer thread, after everything queued before it, and wait. */
static enum pcl_rc
run_on_writer(struct pcl_audit_log *log, req_call_fn *fn, void *arg, struct pcl_err *err)
{
    struct req r;

    memset(&r, 0, sizeof(r));
    r.type = REQ_CALL;
    r.call = fn;
    r.call_arg = arg;
    return submit(log, &r, err);
}

static enum pcl_rc
call_nothing(struct pcl_audit_log *log, void *arg, struct pcl_err *err)
{
    (void)log;
    (void)arg;
    (void)err;
    return PCL_OK;
}

static enum pcl_rc
call_checkpoint(struct pcl_audit_log *log, void *arg, struct pcl_err *err)
{
    (void)arg;
    return write_batch(log, NULL, 0, true, err);
}

enum pcl_rc
pcl_audit_flush(struct pcl_audit_log *log, struct pcl_err *err)
{
    return run_on_writer(log, call_nothing, NULL, err);
}

enum pcl_rc
pcl_audit_checkpoint(struct pcl_audit_log *log, struct pcl_buf *note, struct pcl_err *err)
{
    uint64_t size = 0;
    enum pcl_rc rc = run_on_writer(log, call_checkpoint, NULL, err);

    if (rc == PCL_OK && note != NULL) {
        rc = pcl_audit_latest_checkpoint(log, note, &size, err);
    }
    return rc;
}

/* ---- governance operations on the writer -------------------------------------------------- */

struct gov_call {
    bool erase; /* else purge */
    const char *subject;
    const char *pkind;
    int64_t cutoff_ms;
    const char *actor;
    uint64_t records;
    uint64_t index;
};

static enum pcl_rc
call_governance(struct pcl_audit_log *log, void *arg, struct pcl_err *err)
{
    struct gov_call *g = arg;
    struct pcl_merkle_frontier *saved = NULL;
    struct pcl_audit_governance ev = {0};
    struct pcl_buf json;
    struct req r;
    char target[80];
    char detail[96];
    int64_t now = pcl_audit_now_ms();
    enum pcl_rc rc;

    saved = pcl_malloc(sizeof(*saved));
    if (saved == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "audit: out of memory");
    }
    memcpy(saved, &log->front, sizeof(*saved));
    pcl_buf_init(&json, 0);
    rc = pcl_store_begin(log->wdb, err);
    if (rc == PCL_OK) {
        rc = resync(log, err);
    }
    if (rc == PCL_OK) {
        rc = g->erase ? pcl_audit_subject_forget(log->wdb, g->subject, now, &g->records, err)
                      : pcl_audit_payload_purge(log->wdb, g->cutoff_ms, g->pkind, &g->records, err);
    }
    if (rc == PCL_OK) {
        char ref[33];

        if (g->erase) {
            pcl_audit_subject_ref(log->master, g->subject, ref);
            (void)snprintf(target, sizeof(target), "subject:%s", ref);
            (void)snprintf(detail, sizeof(detail), "%llu payloads made unrecoverable",
                           (unsigned long long)g->records);
        } else {
            (void)snprintf(target, sizeof(target), "kind:%.32s", g->pkind != NULL ? g->pkind : "*");
            (void)snprintf(detail, sizeof(detail), "%llu payloads logged before %lld deleted",
                           (unsigned long long)g->records, (long long)g->cutoff_ms);
        }
        ev.time_ms = now;
        ev.action = g->erase ? "audit.erasure" : "audit.purge";
        ev.actor = g->actor != NULL ? g->actor : "system";
        ev.target = target;
        ev.detail = detail;
        rc = pcl_audit_governance_json(&ev, &json);
        if (rc != PCL_OK) {
            rc = pcl_err_set(err, rc, "audit: out of memory");
        }
    }
    if (rc == PCL_OK) {
        memset(&r, 0, sizeof(r));
        r.type = REQ_APPEND;
        memcpy(r.kind, "governance", 11);
        r.event = json.ptr;
        r.len = json.len;
        rc = append_one(log, &r, now, err);
        g->index = r.index;
    }
    if (rc == PCL_OK) {
        rc = pcl_store_commit(log->wdb, err);
    }
    if (rc != PCL_OK) {
        pcl_store_rollback(log->wdb);
        memcpy(&log->front, saved, sizeof(*saved));
    } else if (g->erase) {
        /* keep no copy of the destroyed key in free pages or the WAL */
        enum pcl_rc ck = pcl_store_exec(log->wdb, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);

        (void)ck; /* best effort: a busy reader only delays it to the next checkpoint */
    }
    pcl_buf_fini(&json);
    pcl_free(saved);
    return rc;
}

enum pcl_rc
pcl_audit_erase_subject(struct pcl_audit_log *log, const char *subject, const char *actor,
                        uint64_t *records, uint64_t *index, struct pcl_err *err)
{
    struct gov_call g = {.erase = true, .subject = subject, .actor = actor};
    enum pcl_rc rc;

    if (!log->have_master) {
        return pcl_err_set(err, PCL_EINVAL, "audit: erasure needs the master key");
    }
    if (subject == NULL || subject[0] == '\0') {
        return pcl_err_set(err, PCL_EINVAL, "audit: empty subject");
    }
    rc = run_on_writer(log, call_governance, &g, err);
    if (rc == PCL_OK) {
        *records = g.records;
        *index = g.index;
    }
    return rc;
}

enum pcl_rc
pcl_audit_purge(struct pcl_audit_log *log, int64_t cutoff_ms, const char *kind, const char *actor,
                uint64_t *records, uint64_t *index, struct pcl_err *err)
{
    struct gov_call g = {.erase = false, .pkind = kind, .cutoff_ms = cutoff_ms, .actor = actor};
    enum pcl_rc rc = run_on_writer(log, call_governance, &g, err);

    if (rc == PCL_OK) {
        *records = g.records;
        *index = g.index;
    }
    return rc;
}

enum pcl_rc
pcl_audit_export_subject(struct pcl_audit_log *log, const char *subject, pcl_audit_export_fn *fn,
                         void *arg, uint64_t *records, struct pcl_err *err)
{
    enum pcl_rc rc;

    if (!log->have_master) {
        return pcl_err_set(err, PCL_EINVAL, "audit: export needs the master key");
    }
    (void)pthread_mutex_lock(&log->rmu);
    rc = pcl_audit_payload_export(log->rdb, log->master, subject, fn, arg, records, err);
    (void)pthread_mutex_unlock(&log->rmu);
    return rc;
}

void
pcl_audit_stats_get(struct pcl_audit_log *log, struct pcl_audit_stats *out)
{
    (void)pthread_mutex_lock(&log->mu);
    *out = log->st;
    out->tree_size = log->size;
    out->queue_depth = log->qlen + log->inflight;
    out->queue_max = log->qcap;
    out->checkpoint_age_s =
        log->st_cp_ms != 0 ? (double)(pcl_audit_now_ms() - log->st_cp_ms) / 1000.0 : -1.0;
    (void)pthread_mutex_unlock(&log->mu);
    memcpy(out->latency_le_us, latency_bounds, sizeof(latency_bounds));
}

/* ---- open and close --------------------------------------------------------------------- */

/* The origin recorded in the store; the first signer fixes it. */
static enum pcl_rc
bind_origin(struct pcl_audit_log *log, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    bool row = false;
    enum pcl_rc rc =
        pcl_stmt_new(log->wdb, "SELECT v FROM audit_meta WHERE k = 'origin'", &st, err);

    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    if (rc == PCL_OK && row) {
        struct pcl_str v = pcl_stmt_text(st, 0);

        if (v.len > PCL_NOTE_MAX_NAME) {
            rc = pcl_err_set(err, PCL_EIO, "audit: stored origin is too long");
        } else if (log->signer != NULL &&
                   (strlen(pcl_note_signer_name(log->signer)) != v.len ||
                    memcmp(v.ptr, pcl_note_signer_name(log->signer), v.len) != 0)) {
            rc = pcl_err_set(err, PCL_EINVAL,
                             "audit: this log's origin is \"%.*s\" but the key is named \"%s\"",
                             (int)v.len, v.ptr, pcl_note_signer_name(log->signer));
        } else {
            memcpy(log->origin, v.ptr, v.len);
        }
    }
    pcl_stmt_free(st);
    st = NULL;
    if (rc == PCL_OK && !row) {
        if (log->signer == NULL) {
            /* a read-only open of a log no signer has written to yet */
            return PCL_OK;
        }
        (void)snprintf(log->origin, sizeof(log->origin), "%s", pcl_note_signer_name(log->signer));
        rc = pcl_stmt_new(log->wdb, "INSERT INTO audit_meta(k, v) VALUES ('origin', ?)", &st, err);
        if (rc == PCL_OK) {
            rc = pcl_stmt_bind_text(st, 1, log->origin, strlen(log->origin), err);
        }
        if (rc == PCL_OK) {
            rc = pcl_stmt_step(st, &row, err);
        }
        pcl_stmt_free(st);
    }
    return rc;
}

static enum pcl_rc
prepare(struct pcl_audit_log *log, struct pcl_err *err)
{
    enum pcl_rc rc = PCL_OK;
    const struct {
        struct pcl_store *db;
        struct pcl_stmt **st;
        const char *sql;
    } stmts[] = {
        {log->wdb, &log->ins_leaf, "INSERT INTO audit_leaf(idx, hash, entry) VALUES (?, ?, ?)"},
        {log->wdb, &log->ins_node, "INSERT INTO audit_node(pos, hash) VALUES (?, ?)"},
        {log->wdb, &log->ins_cp,
         "INSERT OR REPLACE INTO audit_checkpoint(size, logged_ms, note) VALUES (?, ?, ?)"},
        {log->wdb, &log->w_leaf, "SELECT hash FROM audit_leaf WHERE idx = ?"},
        {log->wdb, &log->w_node, "SELECT hash FROM audit_node WHERE pos = ?"},
        {log->rdb, &log->get_leaf, "SELECT hash FROM audit_leaf WHERE idx = ?"},
        {log->rdb, &log->get_node, "SELECT hash FROM audit_node WHERE pos = ?"},
        {log->rdb, &log->get_entry, "SELECT entry FROM audit_leaf WHERE idx = ?"},
        {log->rdb, &log->get_cp,
         "SELECT size, note FROM audit_checkpoint ORDER BY size DESC LIMIT 1"},
    };

    for (size_t i = 0; i < PCL_ARRAY_LEN(stmts) && rc == PCL_OK; i++) {
        rc = pcl_stmt_new(stmts[i].db, stmts[i].sql, stmts[i].st, err);
    }
    log->rsrc = (struct hash_src){.leaf = log->get_leaf, .node = log->get_node};
    return rc;
}

enum pcl_rc
pcl_audit_log_open(const char *url, const struct pcl_note_signer *signer,
                   const struct pcl_audit_opts *opts, struct pcl_audit_log **out,
                   struct pcl_err *err)
{
    struct pcl_audit_log *log = NULL;
    enum pcl_rc rc;

    *out = NULL;
    if (strstr(url, ":memory:") != NULL) {
        return pcl_err_set(err, PCL_EINVAL, "audit: the log needs a database file, not :memory:");
    }
    log = pcl_calloc(1, sizeof(*log));
    if (log == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "audit: out of memory");
    }
    if (opts != NULL) {
        log->opts = *opts;
    } else {
        pcl_audit_opts_init(&log->opts);
    }
    if (log->opts.queue_max == 0 || log->opts.queue_max > MAX_QUEUE) {
        log->opts.queue_max = log->opts.queue_max == 0 ? DEF_QUEUE : MAX_QUEUE;
    }
    if (log->opts.batch_max == 0) {
        log->opts.batch_max = DEF_BATCH;
    }
    if (log->opts.master_key != NULL) {
        memcpy(log->master, log->opts.master_key, 32);
        log->have_master = true;
        log->opts.master_key = NULL;
    }
    log->signer = signer;
    pcl_buf_init(&log->entry, 0);
    pcl_buf_init(&log->note, 0);
    pcl_buf_init(&log->member, 0);
    (void)pthread_mutex_init(&log->mu, NULL);
    (void)pthread_mutex_init(&log->rmu, NULL);
    (void)pthread_cond_init(&log->cv_work, NULL);
    (void)pthread_cond_init(&log->cv_space, NULL);
    (void)pthread_cond_init(&log->cv_done, NULL);
    log->sync_init = true;
    log->qcap = log->opts.queue_max;
    /* arrays of request pointers */
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): arrays of pointers */
    log->q = pcl_calloc(log->qcap, sizeof(struct req *));
    /* NOLINTNEXTLINE(bugprone-sizeof-expression) */
    log->batch = pcl_calloc(log->opts.batch_max, sizeof(struct req *));
    if (log->q == NULL || log->batch == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "audit: out of memory");
        goto out;
    }
    rc = pcl_audit_store_open(url, &log->wdb, err);
    if (rc == PCL_OK) {
        /* deleted key material is overwritten, not left in free pages; a batch of 8192 entries
         * is ~5 MB of pages, so let the WAL grow to 64 MB before folding it into the database
         * (the default 4 MB would checkpoint, and fsync the database, on every commit) */
        rc = pcl_store_exec(log->wdb,
                            "PRAGMA secure_delete=ON; PRAGMA wal_autocheckpoint=16384;"
                            " PRAGMA cache_size=-65536",
                            err);
    }
    if (rc == PCL_OK) {
        rc = pcl_store_open(url, &log->rdb, err);
    }
    if (rc == PCL_OK) {
        rc = bind_origin(log, err);
    }
    if (rc == PCL_OK) {
        rc = prepare(log, err);
    }
    if (rc == PCL_OK) {
        uint64_t size = 0;

        rc = stored_size(log, &size, err);
        if (rc == PCL_OK) {
            rc = recover(log, size, err);
        }
        log->size = log->front.size;
        log->st.checkpoint_size = log->cp_size;
        log->st_cp_ms = log->cp_ms;
    }
    if (rc != PCL_OK) {
        goto out;
    }
    if (signer != NULL) {
        if (pthread_create(&log->thread, NULL, writer_main, log) != 0) {
            rc = pcl_err_set(err, PCL_EINTERNAL, "audit: cannot start the writer thread");
            goto out;
        }
        log->started = true;
    }
    *out = log;
    log = NULL;
out:
    pcl_audit_log_free(log);
    return rc;
}

void
pcl_audit_log_free(struct pcl_audit_log *log)
{
    if (log == NULL) {
        return;
    }
    if (log->started) {
        (void)pthread_mutex_lock(&log->mu);
        log->stop = true;
        (void)pthread_cond_broadcast(&log->cv_work);
        (void)pthread_cond_broadcast(&log->cv_space);
        (void)pthread_mutex_unlock(&log->mu);
        (void)pthread_join(log->thread, NULL);
    }
    pcl_stmt_free(log->ins_leaf);
    pcl_stmt_free(log->ins_node);
    pcl_stmt_free(log->ins_cp);
    pcl_stmt_free(log->w_leaf);
    pcl_stmt_free(log->w_node);
    pcl_stmt_free(log->get_leaf);
    pcl_stmt_free(log->get_node);
    pcl_stmt_free(log->get_entry);
    pcl_stmt_free(log->get_cp);
    pcl_store_free(log->wdb);
    pcl_store_free(log->rdb);
    if (log->sync_init) {
        (void)pthread_mutex_destroy(&log->mu);
        (void)pthread_mutex_destroy(&log->rmu);
        (void)pthread_cond_destroy(&log->cv_work);
        (void)pthread_cond_destroy(&log->cv_space);
        (void)pthread_cond_destroy(&log->cv_done);
    }
    pcl_free(log->q);
    pcl_free(log->batch);
    pcl_buf_fini(&log->entry);
    pcl_buf_fini(&log->note);
    pcl_buf_fini_secure(&log->member);
    sodium_memzero(log->master, sizeof(log->master));
    pcl_free(log);
}
