/* SPDX-License-Identifier: Apache-2.0 */
/* Full verification of a log or an export bundle: recompute every leaf hash and the tree,
 * check stored hashes and interior nodes, and check every signed checkpoint's root, naming the
 * first bad entry. */
#include "audit.h"

#include "common.h"

#define HS PCL_MERKLE_HASH_SIZE

struct cp_item {
    uint64_t size;
    uint8_t root[HS];
    unsigned source;
};

#define MAX_SOURCES 8

/* Compares a recomputed interior node with what the store holds (verify_store). */
typedef bool node_check_fn(void *arg, uint64_t pos, const uint8_t hash[HS], char *why,
                           size_t whylen);

struct pcl_audit_verifier {
    const struct pcl_note_verifier *log_key; /* borrowed */
    const struct pcl_note_verifier *const *witnesses;
    size_t nwit;
    struct cp_item *cps; /* sorted by size once entries start; array of ncp (capacity capcp) */
    size_t ncp, capcp, next_cp;
    bool started;
    struct pcl_merkle_frontier front;
    uint64_t good_size[MAX_SOURCES]; /* per source: size of its last checkpoint that matched */
    node_check_fn *node_check;
    void *node_arg;
    struct pcl_audit_report rep;
    bool failed;
};

static void fail_at(struct pcl_audit_verifier *v, uint64_t lo, uint64_t hi, const char *fmt, ...)
    PCL_PRINTF(4, 5);

static void
fail_at(struct pcl_audit_verifier *v, uint64_t lo, uint64_t hi, const char *fmt, ...)
{
    va_list ap;

    if (v->failed) {
        return;
    }
    v->failed = true;
    v->rep.ok = false;
    v->rep.bad_index = lo;
    v->rep.bad_index_hi = hi;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is just above */
    (void)vsnprintf(v->rep.what, sizeof(v->rep.what), fmt, ap);
    va_end(ap);
}

enum pcl_rc
pcl_audit_verifier_new(const struct pcl_note_verifier *log_key,
                       const struct pcl_note_verifier *const *witnesses, size_t nwit,
                       struct pcl_audit_verifier **out, struct pcl_err *err)
{
    struct pcl_audit_verifier *v;

    *out = NULL;
    if (log_key == NULL) {
        return pcl_err_set(err, PCL_EINVAL, "audit: verification needs the log's verifier key");
    }
    v = pcl_calloc(1, sizeof(*v));
    if (v == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "audit: out of memory");
    }
    v->log_key = log_key;
    v->witnesses = witnesses;
    v->nwit = nwit;
    v->rep.ok = true;
    v->rep.bad_index = UINT64_MAX;
    v->rep.bad_index_hi = UINT64_MAX;
    pcl_merkle_frontier_init(&v->front);
    *out = v;
    return PCL_OK;
}

void
pcl_audit_verifier_free(struct pcl_audit_verifier *v)
{
    if (v == NULL) {
        return;
    }
    pcl_free(v->cps);
    pcl_free(v);
}

enum pcl_rc
pcl_audit_verifier_checkpoint(struct pcl_audit_verifier *v, const char *note, size_t len,
                              unsigned source, struct pcl_err *err)
{
    struct pcl_checkpoint cp;
    struct pcl_err cerr;
    enum pcl_rc rc;

    if (v->failed) {
        return PCL_OK;
    }
    if (source >= MAX_SOURCES) {
        return pcl_err_set(err, PCL_EINVAL, "audit: checkpoint source %u is over %d", source,
                           MAX_SOURCES - 1);
    }
    rc = pcl_checkpoint_open(note, len, v->log_key, v->witnesses, v->nwit, NULL, &cp, NULL, &cerr);
    if (rc == PCL_ENOMEM) {
        return pcl_err_set(err, rc, "audit: out of memory");
    }
    if (rc != PCL_OK) {
        fail_at(v, UINT64_MAX, UINT64_MAX, "checkpoint %zu: %s", v->ncp + 1, cerr.msg);
        return PCL_OK;
    }
    if (v->started && cp.size <= v->front.size) {
        return pcl_err_set(err, PCL_EINVAL,
                           "audit: checkpoint of size %llu given after entries past it",
                           (unsigned long long)cp.size);
    }
    if (v->ncp == v->capcp) {
        size_t cap = v->capcp == 0 ? 64 : v->capcp * 2;
        struct cp_item *p = pcl_realloc(v->cps, cap * sizeof(*p));

        if (p == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "audit: out of memory");
        }
        v->cps = p;
        v->capcp = cap;
    }
    v->cps[v->ncp].size = cp.size;
    v->cps[v->ncp].source = source;
    memcpy(v->cps[v->ncp].root, cp.root, HS);
    v->ncp++;
    v->rep.checkpoints++;
    return PCL_OK;
}

static int
cmp_cp(const void *a, const void *b)
{
    const struct cp_item *x = a;
    const struct cp_item *y = b;

    if (x->size != y->size) {
        return x->size < y->size ? -1 : 1;
    }
    return x->source < y->source ? -1 : x->source > y->source;
}

/* Check every checkpoint of the current size against the recomputed root. */
static void
check_cps(struct pcl_audit_verifier *v)
{
    uint8_t root[HS];
    bool have = false;

    while (!v->failed && v->next_cp < v->ncp && v->cps[v->next_cp].size == v->front.size) {
        const struct cp_item *c = &v->cps[v->next_cp];
        /* a failing checkpoint pins the change to after the last size the same source of
         * checkpoints vouched for: checkpoints from elsewhere (another copy of a forked log)
         * prove nothing about this one's history */
        uint64_t lo = v->good_size[c->source];

        if (!have) {
            pcl_merkle_frontier_root(&v->front, root);
            have = true;
        }
        if (memcmp(root, c->root, HS) != 0) {
            fail_at(v, lo, v->front.size - 1,
                    "the signed checkpoint of size %llu%s does not match entries 0..%llu: an "
                    "entry in %llu..%llu was changed, removed, reordered or forked",
                    (unsigned long long)v->front.size, c->source != 0 ? " (given)" : "",
                    (unsigned long long)v->front.size - 1, (unsigned long long)lo,
                    (unsigned long long)v->front.size - 1);
            return;
        }
        v->good_size[c->source] = v->front.size;
        v->next_cp++;
    }
}

static enum pcl_rc
emit(void *arg, unsigned level, uint64_t index, const uint8_t hash[HS], struct pcl_err *err)
{
    struct pcl_audit_verifier *v = arg;
    char why[128];

    (void)err;
    if (v->node_check != NULL &&
        !v->node_check(v->node_arg, pcl_merkle_node_pos(level, index), hash, why, sizeof(why))) {
        uint64_t lo = index << level;
        uint64_t hi = ((index + 1) << level) - 1;

        fail_at(v, lo, hi, "stored node %u/%llu (entries %llu..%llu) %s", level,
                (unsigned long long)index, (unsigned long long)lo, (unsigned long long)hi, why);
    }
    return PCL_OK;
}

/* The value of the entry's own "index" member: the last `,"index":` is ours, since only
 * members we write follow the event. */
static bool
entry_index(const char *e, size_t n, uint64_t *out)
{
    static const char key[] = ",\"index\":";
    size_t kl = sizeof(key) - 1;
    uint64_t x = 0;
    size_t i;
    bool found = false;

    for (i = n >= kl ? n - kl + 1 : 0; i > 0 && !found; i--) {
        found = memcmp(e + i - 1, key, kl) == 0;
    }
    if (!found) {
        return false;
    }
    i += kl; /* the loop's last decrement left i at the match */
    if (i >= n || !pcl_is_digit(e[i])) {
        return false;
    }
    while (i < n && pcl_is_digit(e[i])) {
        if (x > (UINT64_MAX - 9) / 10) {
            return false;
        }
        x = x * 10 + (uint64_t)(e[i++] - '0');
    }
    *out = x;
    return true;
}

enum pcl_rc
pcl_audit_verifier_entry(struct pcl_audit_verifier *v, uint64_t index, const void *entry,
                         size_t len, const uint8_t *stored_hash, struct pcl_err *err)
{
    uint8_t leaf[HS];
    uint64_t self = 0;

    if (v->failed) {
        return PCL_OK;
    }
    if (!v->started) {
        v->started = true;
        qsort(v->cps, v->ncp, sizeof(*v->cps), cmp_cp);
        v->next_cp = 0;
        check_cps(v); /* a checkpoint of the empty tree */
        if (v->failed) {
            return PCL_OK;
        }
    }
    if (index != v->front.size) {
        if (index > v->front.size) {
            fail_at(v, v->front.size, index - 1, "entries %llu..%llu are missing",
                    (unsigned long long)v->front.size, (unsigned long long)index - 1);
        } else {
            fail_at(v, index, index, "entry %llu appears twice or out of order",
                    (unsigned long long)index);
        }
        return PCL_OK;
    }
    if (!entry_index(entry, len, &self) || self != index) {
        fail_at(v, index, index, "entry %llu: its own index member says %s%llu (moved or replaced)",
                (unsigned long long)index, self == 0 && index != 0 ? "nothing or " : "",
                (unsigned long long)self);
        return PCL_OK;
    }
    pcl_merkle_leaf_hash(entry, len, leaf);
    if (stored_hash != NULL && memcmp(stored_hash, leaf, HS) != 0) {
        fail_at(v, index, index, "entry %llu: content does not match its stored leaf hash",
                (unsigned long long)index);
        return PCL_OK;
    }
    if (pcl_merkle_frontier_push(&v->front, leaf, emit, v, err) != PCL_OK) {
        return err != NULL ? err->rc : PCL_EINTERNAL;
    }
    v->rep.entries++;
    check_cps(v);
    return PCL_OK;
}

void
pcl_audit_verifier_finish(struct pcl_audit_verifier *v, struct pcl_audit_report *rep)
{
    if (!v->started) {
        qsort(v->cps, v->ncp, sizeof(*v->cps), cmp_cp);
        v->started = true;
        check_cps(v);
    }
    if (!v->failed && v->next_cp < v->ncp) {
        fail_at(v, v->front.size, v->cps[v->ncp - 1].size - 1,
                "a signed checkpoint covers %llu entries but only %llu are present: entries "
                "%llu..%llu were removed",
                (unsigned long long)v->cps[v->ncp - 1].size, (unsigned long long)v->front.size,
                (unsigned long long)v->front.size, (unsigned long long)v->cps[v->ncp - 1].size - 1);
    }
    *rep = v->rep;
}

/* ---- a whole store ------------------------------------------------------------------------ */

struct node_cursor {
    struct pcl_stmt *st;
    bool row;
    enum pcl_rc rc;
    struct pcl_err err;
};

static void
cursor_next(struct node_cursor *c)
{
    if (c->rc == PCL_OK) {
        c->rc = pcl_stmt_step(c->st, &c->row, &c->err);
    }
    if (c->rc != PCL_OK) {
        c->row = false;
    }
}

static bool
node_check(void *arg, uint64_t pos, const uint8_t hash[HS], char *why, size_t whylen)
{
    struct node_cursor *c = arg;
    struct pcl_str h;

    if (!c->row || (uint64_t)pcl_stmt_int(c->st, 0) != pos) {
        (void)snprintf(why, whylen, "is missing from the store");
        return false;
    }
    h = pcl_stmt_blob(c->st, 1);
    if (h.len != HS || memcmp(h.ptr, hash, HS) != 0) {
        (void)snprintf(why, whylen, "does not match the entries under it");
        return false;
    }
    cursor_next(c);
    return true;
}

static enum pcl_rc
is_audit_store(struct pcl_store *db, struct pcl_err *err)
{
    struct pcl_stmt *st = NULL;
    bool row = false;
    enum pcl_rc rc =
        pcl_stmt_new(db, "SELECT version FROM pcl_schema WHERE component = 'audit'", &st, err);

    if (rc == PCL_OK) {
        rc = pcl_stmt_step(st, &row, err);
    }
    pcl_stmt_free(st);
    if (rc != PCL_OK || !row) {
        return pcl_err_set(err, PCL_EINVAL, "audit: the store holds no audit log");
    }
    return PCL_OK;
}

/* The store's own checkpoints (source 0), then the extra ones (source 1). */
static enum pcl_rc
load_checkpoints(struct pcl_store *db, struct pcl_audit_verifier *v, const struct pcl_str *extra,
                 size_t nextra, struct pcl_err *err)
{
    struct pcl_stmt *cps = NULL;
    bool row = false;
    enum pcl_rc rc = pcl_stmt_new(db, "SELECT note FROM audit_checkpoint ORDER BY size", &cps, err);

    while (rc == PCL_OK) {
        struct pcl_str note;

        rc = pcl_stmt_step(cps, &row, err);
        if (rc != PCL_OK || !row) {
            break;
        }
        note = pcl_stmt_text(cps, 0);
        rc = pcl_audit_verifier_checkpoint(v, note.ptr, note.len, 0, err);
    }
    pcl_stmt_free(cps);
    for (size_t i = 0; i < nextra && rc == PCL_OK; i++) {
        rc = pcl_audit_verifier_checkpoint(v, extra[i].ptr, extra[i].len, 1, err);
    }
    return rc;
}

enum pcl_rc
pcl_audit_verify_store(const char *url, const struct pcl_note_verifier *log_key,
                       const struct pcl_note_verifier *const *witnesses, size_t nwit,
                       const struct pcl_str *extra, size_t nextra, struct pcl_audit_report *rep,
                       struct pcl_err *err)
{
    struct pcl_store *db = NULL;
    struct pcl_stmt *leaves = NULL;
    struct pcl_audit_verifier *v = NULL;
    struct node_cursor nc = {0};
    bool row = false;
    enum pcl_rc rc;

    memset(rep, 0, sizeof(*rep));
    rc = pcl_store_open(url, &db, err);
    if (rc == PCL_OK) {
        rc = is_audit_store(db, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_audit_verifier_new(log_key, witnesses, nwit, &v, err);
    }
    if (rc == PCL_OK && v != NULL) {
        rc = load_checkpoints(db, v, extra, nextra, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_new(db, "SELECT pos, hash FROM audit_node ORDER BY pos", &nc.st, err);
    }
    if (rc == PCL_OK) {
        rc = pcl_stmt_new(db, "SELECT idx, hash, entry FROM audit_leaf ORDER BY idx", &leaves, err);
    }
    if (rc != PCL_OK || v == NULL) {
        goto out;
    }
    cursor_next(&nc);
    v->node_check = node_check;
    v->node_arg = &nc;
    while (rc == PCL_OK && !v->failed) {
        struct pcl_str h;
        struct pcl_str e;

        rc = pcl_stmt_step(leaves, &row, err);
        if (rc != PCL_OK || !row) {
            break;
        }
        h = pcl_stmt_blob(leaves, 1);
        e = pcl_stmt_blob(leaves, 2);
        if (h.len != HS) {
            uint64_t idx = (uint64_t)pcl_stmt_int(leaves, 0);

            fail_at(v, idx, idx, "entry %llu: stored leaf hash has %zu bytes",
                    (unsigned long long)idx, h.len);
            break;
        }
        rc = pcl_audit_verifier_entry(v, (uint64_t)pcl_stmt_int(leaves, 0), e.ptr, e.len,
                                      (const uint8_t *)h.ptr, err);
    }
    if (rc == PCL_OK && nc.rc != PCL_OK) {
        rc = nc.rc;
        if (err != NULL) {
            *err = nc.err;
        }
    }
    if (rc == PCL_OK && !v->failed && nc.row) {
        fail_at(v, v->front.size, UINT64_MAX,
                "the store has interior nodes beyond its %llu entries (entries removed from the "
                "end)",
                (unsigned long long)v->front.size);
    }
    if (rc == PCL_OK) {
        pcl_audit_verifier_finish(v, rep);
    }
out:
    pcl_stmt_free(leaves);
    pcl_stmt_free(nc.st);
    pcl_audit_verifier_free(v);
    pcl_store_free(db);
    return rc;
}
