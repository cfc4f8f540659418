/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the store-backed log: appends (sync, async, threads), checkpoints, proofs and
 * receipts, reopening, queue-full policies, full verification with tampering, erasure, purge,
 * export and the canonical event builders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <portcullis/audit.h>
#include <portcullis/store.h>
#include <sodium.h>

#include "audit.h" /* private: the JSON syntax check */
#include "pcl_test.h"

#define HS PCL_MERKLE_HASH_SIZE

struct fixture {
    char dir[64];
    char url[128];
    struct pcl_note_signer *signer;
    struct pcl_note_verifier *vkey;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct pcl_buf vk;

    assert_non_null(f);
    (void)snprintf(f->dir, sizeof(f->dir), "/tmp/pcl-audit-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    (void)snprintf(f->url, sizeof(f->url), "sqlite://%s/audit.db", f->dir);
    assert_int_equal(pcl_note_signer_generate("audit.test/log", PCL_NOTE_ED25519, &f->signer, NULL),
                     PCL_OK);
    pcl_buf_init(&vk, 0);
    assert_int_equal(pcl_note_signer_vkey(f->signer, &vk), PCL_OK);
    assert_int_equal(pcl_note_verifier_parse(vk.ptr, vk.len, &f->vkey, NULL), PCL_OK);
    pcl_buf_fini(&vk);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    pcl_note_signer_free(f->signer);
    pcl_note_verifier_free(f->vkey);
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) {
        return -1;
    }
    free(f);
    return 0;
}

static struct pcl_audit_log *
open_log(struct fixture *f, const struct pcl_audit_opts *o)
{
    struct pcl_audit_log *log = NULL;
    struct pcl_err err;

    if (pcl_audit_log_open(f->url, f->signer, o, &log, &err) != PCL_OK) {
        fail_msg("%s", err.msg);
    }
    return log;
}

static uint64_t
append_n(struct pcl_audit_log *log, int n)
{
    uint64_t idx = 0;

    for (int i = 0; i < n; i++) {
        char ev[64];
        struct pcl_err err;
        int len = snprintf(ev, sizeof(ev), "{\"n\":%d}", i);

        if (pcl_audit_append(log, "test", ev, (size_t)len, NULL, &idx, &err) != PCL_OK) {
            fail_msg("%s", err.msg);
        }
    }
    return idx;
}

static void
run_sql(struct fixture *f, const char *sql)
{
    struct pcl_store *s = NULL;
    struct pcl_err err;

    assert_int_equal(pcl_store_open(f->url, &s, &err), PCL_OK);
    if (pcl_store_exec(s, sql, &err) != PCL_OK) {
        fail_msg("%s: %s", sql, err.msg);
    }
    pcl_store_free(s);
}

static void
verify(struct fixture *f, struct pcl_audit_report *rep)
{
    struct pcl_err err;

    if (pcl_audit_verify_store(f->url, f->vkey, NULL, 0, NULL, 0, rep, &err) != PCL_OK) {
        fail_msg("%s", err.msg);
    }
}

static void
test_log_append_prove_receipt(void **state)
{
    struct fixture *f = *state;
    struct pcl_audit_opts o;
    struct pcl_audit_log *log;
    struct pcl_buf note, entry, rcpt;
    struct pcl_checkpoint cp;
    struct pcl_receipt r;
    struct pcl_err err;
    uint8_t proof[PCL_MERKLE_MAX_PROOF][HS], r1[HS], r2[HS];
    size_t n = 0;
    uint64_t idx, size = 0;

    pcl_audit_opts_init(&o);
    o.checkpoint_ms = 0; /* explicit checkpoints only */
    log = open_log(f, &o);
    assert_int_equal(pcl_audit_size(log), 0);
    idx = append_n(log, 37);
    assert_int_equal(idx, 36);
    assert_int_equal(pcl_audit_size(log), 37);

    /* the entry is canonical JSON carrying its index */
    pcl_buf_init(&entry, 0);
    assert_int_equal(pcl_audit_entry(log, 5, &entry, &err), PCL_OK);
    assert_non_null(strstr(entry.ptr, "{\"event\":{\"n\":5},\"index\":5,\"kind\":\"test\","));

    /* checkpoint, then receipts verify offline */
    pcl_buf_init(&note, 0);
    assert_int_equal(pcl_audit_checkpoint(log, &note, &err), PCL_OK);
    assert_int_equal(
        pcl_checkpoint_open(note.ptr, note.len, f->vkey, NULL, 0, NULL, &cp, NULL, &err), PCL_OK);
    assert_int_equal(cp.size, 37);
    pcl_buf_init(&rcpt, 0);
    assert_int_equal(pcl_audit_receipt(log, 5, &rcpt, &err), PCL_OK);
    assert_int_equal(pcl_receipt_parse(rcpt.ptr, rcpt.len, &r, &err), PCL_OK);
    assert_int_equal(pcl_receipt_verify(&r, entry.ptr, entry.len, f->vkey, NULL, 0, NULL, &err),
                     PCL_OK);
    /* another entry's bytes fail */
    assert_int_equal(pcl_receipt_verify(&r, "{}", 2, f->vkey, NULL, 0, NULL, &err), PCL_EINVAL);
    pcl_receipt_fini(&r);

    /* a receipt for an entry past the latest checkpoint signs a new one */
    append_n(log, 3);
    pcl_buf_reset(&rcpt);
    assert_int_equal(pcl_audit_receipt(log, 39, &rcpt, &err), PCL_OK);
    assert_int_equal(pcl_audit_latest_checkpoint(log, NULL, &size, &err), PCL_OK);
    assert_int_equal(size, 40);

    /* consistency between the two tree sizes */
    assert_int_equal(pcl_audit_root(log, 37, r1, &err), PCL_OK);
    assert_int_equal(pcl_audit_root(log, 40, r2, &err), PCL_OK);
    assert_memory_equal(r1, cp.root, HS);
    assert_int_equal(pcl_audit_prove_consistency(log, 37, 40, proof, &n, &err), PCL_OK);
    assert_int_equal(
        pcl_merkle_verify_consistency(37, 40, (const uint8_t(*)[HS])proof, n, r1, r2, &err),
        PCL_OK);
    assert_int_equal(pcl_audit_prove_inclusion(log, 0, 41, proof, &n, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "beyond"));

    /* bad input */
    assert_int_equal(pcl_audit_append(log, "Bad Kind", "{}", 2, NULL, NULL, &err), PCL_EINVAL);
    assert_int_equal(pcl_audit_append(log, "t", "{\"a\":}", 6, NULL, NULL, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "offset 5"));
    assert_int_equal(pcl_audit_append(log, "t", "[1]", 3, NULL, NULL, &err), PCL_EINVAL);
    pcl_audit_log_free(log);

    /* reopen: the tree continues where it stopped */
    log = open_log(f, &o);
    assert_int_equal(pcl_audit_size(log), 40);
    idx = append_n(log, 1);
    assert_int_equal(idx, 40);
    assert_int_equal(pcl_audit_root(log, 40, r1, &err), PCL_OK);
    assert_memory_equal(r1, r2, HS);
    pcl_audit_log_free(log);

    pcl_buf_fini(&rcpt);
    pcl_buf_fini(&note);
    pcl_buf_fini(&entry);
    {
        struct pcl_audit_report rep;

        verify(f, &rep);
        assert_true(rep.ok);
        assert_int_equal(rep.entries, 41);
        assert_true(rep.checkpoints >= 3);
    }
}

struct async_ctx {
    pthread_mutex_t mu;
    uint64_t done, failed;
};

static void
on_done(void *arg, enum pcl_rc rc, uint64_t index, const struct pcl_err *err)
{
    struct async_ctx *c = arg;

    (void)index;
    (void)err;
    (void)pthread_mutex_lock(&c->mu);
    if (rc == PCL_OK) {
        c->done++;
    } else {
        c->failed++;
    }
    (void)pthread_mutex_unlock(&c->mu);
}

struct thread_arg {
    struct pcl_audit_log *log;
    int n;
};

static void *
appender(void *p)
{
    struct thread_arg *a = p;

    append_n(a->log, a->n);
    return NULL;
}

static void
test_log_async_threads_stats(void **state)
{
    struct fixture *f = *state;
    struct pcl_audit_opts o;
    struct pcl_audit_log *log;
    struct async_ctx c = {.mu = PTHREAD_MUTEX_INITIALIZER};
    struct pcl_audit_stats st;
    struct pcl_audit_report rep;
    pthread_t th[4];
    struct thread_arg ta = {0};
    struct pcl_err err;

    pcl_audit_opts_init(&o);
    o.checkpoint_entries = 500;
    log = open_log(f, &o);
    for (int i = 0; i < 2000; i++) {
        assert_int_equal(
            pcl_audit_append_async(log, "async", "{\"a\":1}", 7, NULL, on_done, &c, &err), PCL_OK);
    }
    ta.log = log;
    ta.n = 250;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, appender, &ta), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
    }
    assert_int_equal(pcl_audit_flush(log, &err), PCL_OK);
    assert_int_equal(c.done, 2000);
    assert_int_equal(c.failed, 0);
    pcl_audit_stats_get(log, &st);
    assert_int_equal(st.tree_size, 3000);
    assert_int_equal(st.appended, 3000);
    assert_int_equal(st.queue_depth, 0);
    assert_int_equal(st.rejected, 0);
    assert_true(st.checkpoints >= 1);
    assert_true(st.batches >= 1 && st.batches <= 3000);
    assert_int_equal(st.latency_count[PCL_AUDIT_LATENCY_BUCKETS - 1], 3000);
    assert_true(st.latency_le_us[PCL_AUDIT_LATENCY_BUCKETS - 1] == UINT64_MAX);
    assert_true(st.checkpoint_age_s >= 0);
    {
        struct pcl_buf prom;

        pcl_buf_init(&prom, 0);
        assert_int_equal(pcl_audit_stats_prometheus(&st, &prom), PCL_OK);
        assert_non_null(strstr(prom.ptr, "\nportcullis_audit_appends_total 3000\n"));
        assert_non_null(strstr(prom.ptr, "# TYPE portcullis_audit_append_latency_seconds "
                                         "histogram\n"));
        assert_non_null(
            strstr(prom.ptr, "portcullis_audit_append_latency_seconds_bucket{le=\"+Inf\"} 3000\n"));
        assert_non_null(
            strstr(prom.ptr, "portcullis_audit_append_latency_seconds_bucket{le=\"0.0001\"} "));
        assert_non_null(strstr(prom.ptr, "\nportcullis_audit_append_latency_seconds_count 3000\n"));
        pcl_buf_fini(&prom);
    }
    pcl_audit_log_free(log);
    verify(f, &rep);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 3000);
}

static void
slow_done(void *arg, enum pcl_rc rc, uint64_t index, const struct pcl_err *err)
{
    (void)arg;
    (void)rc;
    (void)index;
    (void)err;
    usleep(2000);
}

static void
test_log_queue_full_fails_closed(void **state)
{
    struct fixture *f = *state;
    struct pcl_audit_opts o;
    struct pcl_audit_log *log;
    struct pcl_audit_stats st;
    struct pcl_err err;
    int rejected = 0, accepted = 0;

    pcl_audit_opts_init(&o);
    o.queue_max = 4;
    o.batch_max = 1;
    o.on_full = PCL_AUDIT_FAIL;
    log = open_log(f, &o);
    /* a slow completion keeps the writer busy while the queue fills */
    for (int i = 0; i < 200; i++) {
        enum pcl_rc rc = pcl_audit_append_async(log, "t", "{}", 2, NULL, slow_done, NULL, &err);

        if (rc == PCL_ELIMIT) {
            rejected++;
            assert_non_null(strstr(err.msg, "queue full"));
        } else {
            assert_int_equal(rc, PCL_OK);
            accepted++;
        }
    }
    assert_true(rejected > 0);
    assert_int_equal(pcl_audit_flush(log, &err), PCL_OK);
    pcl_audit_stats_get(log, &st);
    assert_int_equal(st.rejected, (uint64_t)rejected);
    assert_int_equal(st.tree_size, (uint64_t)accepted); /* nothing accepted was dropped */
    pcl_audit_log_free(log);
}

/* Tampering with the store is caught at the exact entry. */
static void
test_log_verify_names_the_bad_index(void **state)
{
    struct fixture *f = *state;
    struct pcl_audit_opts o;
    struct pcl_audit_log *log;
    struct pcl_audit_report rep;
    char bak[256], cmd[600];

    pcl_audit_opts_init(&o);
    o.checkpoint_entries = 10;
    log = open_log(f, &o);
    append_n(log, 100);
    pcl_audit_log_free(log);
    verify(f, &rep);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 100);
    (void)snprintf(bak, sizeof(bak), "%s/clean.db", f->dir);
    (void)snprintf(cmd, sizeof(cmd), "cp '%s/audit.db' '%s'", f->dir, bak);
    assert_int_equal(system(cmd), 0);
#define RESTORE()                                                                                  \
    do {                                                                                           \
        (void)snprintf(cmd, sizeof(cmd), "cp '%s' '%s/audit.db' && rm -f '%s/audit.db-wal'", bak,  \
                       f->dir, f->dir);                                                            \
        assert_int_equal(system(cmd), 0);                                                          \
    } while (0)

    /* change: one byte of entry 42 */
    run_sql(f, "UPDATE audit_leaf SET entry = replace(entry, '{\"n\":42}', '{\"n\":43}')"
               " WHERE idx = 42");
    verify(f, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.bad_index, 42);
    assert_int_equal(rep.bad_index_hi, 42);
    RESTORE();
    /* drop: entry 17 */
    run_sql(f, "DELETE FROM audit_leaf WHERE idx = 17");
    verify(f, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.bad_index, 17);
    RESTORE();
    /* reorder: entries 60 and 61 swap places (hashes and all) */
    run_sql(f, "UPDATE audit_leaf SET idx = -1 WHERE idx = 60;"
               "UPDATE audit_leaf SET idx = 60 WHERE idx = 61;"
               "UPDATE audit_leaf SET idx = 61 WHERE idx = -1");
    verify(f, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.bad_index, 60);
    assert_int_equal(rep.bad_index_hi, 60);
    RESTORE();
    /* a rewrite that recomputes the leaf hash too is still pinned by the stored nodes */
    run_sql(f, "UPDATE audit_leaf SET entry = replace(entry, '{\"n\":77}', '{\"n\":78}'),"
               " hash = X'00' WHERE idx = 77");
    verify(f, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.bad_index, 77);
    RESTORE();
    /* entries dropped from the end: the checkpoints still cover them */
    run_sql(f, "DELETE FROM audit_leaf WHERE idx >= 95; DELETE FROM audit_node WHERE pos >= 90");
    verify(f, &rep);
    assert_false(rep.ok);
    assert_int_equal(rep.bad_index, 95);
    RESTORE();
#undef RESTORE
}

static enum pcl_rc
collect(void *arg, uint64_t index, const char *entry, size_t entry_len, const void *data,
        size_t len, struct pcl_err *err)
{
    struct pcl_buf *b = arg;

    (void)entry;
    (void)entry_len;
    (void)err;
    if (pcl_buf_appendf(b, "%llu:", (unsigned long long)index) != PCL_OK ||
        pcl_buf_append(b, data, len) != PCL_OK || pcl_buf_appendc(b, ';') != PCL_OK) {
        return PCL_ENOMEM;
    }
    return PCL_OK;
}

static void
test_log_payload_erase_export_purge(void **state)
{
    struct fixture *f = *state;
    struct pcl_audit_opts o;
    struct pcl_audit_log *log;
    struct pcl_audit_report rep;
    struct pcl_buf got, entry;
    struct pcl_err err;
    uint8_t master[32];
    uint64_t idx = 0, records = 0, ev = 0;
    struct pcl_audit_payload alice = {.subject = "alice@example.com", .data = "hello", .len = 5};
    struct pcl_audit_payload bob = {.subject = "bob", .data = "secret", .len = 6};

    randombytes_buf(master, sizeof(master));
    pcl_audit_opts_init(&o);
    o.master_key = master;
    log = open_log(f, &o);
    assert_int_equal(pcl_audit_append(log, "interaction", "{}", 2, &alice, &idx, &err), PCL_OK);
    assert_int_equal(pcl_audit_append(log, "interaction", "{}", 2, &bob, &idx, &err), PCL_OK);
    assert_int_equal(pcl_audit_append(log, "interaction", "{}", 2, &alice, &idx, &err), PCL_OK);
    /* the leaf has a commitment, never the plaintext or the subject */
    pcl_buf_init(&entry, 0);
    assert_int_equal(pcl_audit_entry(log, 0, &entry, &err), PCL_OK);
    assert_null(strstr(entry.ptr, "hello"));
    assert_null(strstr(entry.ptr, "alice"));
    assert_non_null(strstr(entry.ptr, "\"payload\":{\"commit\":\""));

    pcl_buf_init(&got, 0);
    assert_int_equal(
        pcl_audit_export_subject(log, "alice@example.com", collect, &got, &records, &err), PCL_OK);
    assert_int_equal(records, 2);
    assert_string_equal(got.ptr, "0:hello;2:hello;");

    assert_int_equal(pcl_audit_erase_subject(log, "alice@example.com", "test", &records, &ev, &err),
                     PCL_OK);
    assert_int_equal(records, 2);
    assert_int_equal(ev, 3);
    pcl_buf_reset(&entry);
    assert_int_equal(pcl_audit_entry(log, ev, &entry, &err), PCL_OK);
    assert_non_null(strstr(entry.ptr, "\"action\":\"audit.erasure\""));
    assert_null(strstr(entry.ptr, "alice"));
    assert_int_equal(
        pcl_audit_export_subject(log, "alice@example.com", collect, &got, &records, &err),
        PCL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "erased"));
    assert_int_equal(pcl_audit_erase_subject(log, "alice@example.com", "test", &records, &ev, &err),
                     PCL_ENOTFOUND);

    /* purge everything older than the future: bob's ciphertext goes */
    assert_int_equal(pcl_audit_purge(log, INT64_MAX, "interaction", "test", &records, &ev, &err),
                     PCL_OK);
    assert_int_equal(records, 1);
    pcl_buf_reset(&got);
    assert_int_equal(pcl_audit_export_subject(log, "bob", collect, &got, &records, &err), PCL_OK);
    assert_int_equal(records, 0);

    /* without the master key, no payloads */
    pcl_audit_log_free(log);
    log = open_log(f, NULL);
    assert_int_equal(pcl_audit_append(log, "interaction", "{}", 2, &bob, &idx, &err), PCL_EINVAL);
    pcl_audit_log_free(log);
    /* the tree still verifies after erasure and purge */
    verify(f, &rep);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 5);
    pcl_buf_fini(&got);
    pcl_buf_fini(&entry);
}

/* Two writers on one store (a gateway and a CLI `erase`, or two gateways): each picks up the
 * other's entries inside its transaction, so indexes never collide and the tree stays one. */
static void
test_log_two_writers(void **state)
{
    struct fixture *f = *state;
    struct pcl_audit_opts o;
    struct pcl_audit_log *a, *b;
    struct pcl_audit_report rep;
    struct pcl_err err;
    uint8_t ra[HS], rb[HS];
    uint64_t ia = 0, ib = 0;

    pcl_audit_opts_init(&o);
    o.checkpoint_entries = 3;
    a = open_log(f, &o);
    b = open_log(f, &o);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(pcl_audit_append(a, "a", "{\"w\":\"a\"}", 9, NULL, &ia, &err), PCL_OK);
        assert_int_equal(pcl_audit_append(b, "b", "{\"w\":\"b\"}", 9, NULL, &ib, &err), PCL_OK);
        assert_int_equal(ib, ia + 1);
    }
    assert_int_equal(pcl_audit_checkpoint(a, NULL, &err), PCL_OK);
    assert_int_equal(pcl_audit_checkpoint(b, NULL, &err), PCL_OK);
    assert_int_equal(pcl_audit_root(a, 40, ra, &err), PCL_OK);
    assert_int_equal(pcl_audit_root(b, 40, rb, &err), PCL_OK);
    assert_memory_equal(ra, rb, HS);
    pcl_audit_log_free(a);
    pcl_audit_log_free(b);
    verify(f, &rep);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 40);
}

static void
test_log_damaged_store(void **state)
{
    struct fixture *f = *state;
    struct pcl_audit_log *log = open_log(f, NULL);
    struct pcl_err err;

    append_n(log, 12);
    pcl_audit_log_free(log);
    /* the right edge of a 12-entry tree is nodes 3/0 and 2/2 */
    run_sql(f, "DELETE FROM audit_node WHERE pos = 6");
    assert_int_equal(pcl_audit_log_open(f->url, f->signer, NULL, &log, &err), PCL_EIO);
    assert_non_null(strstr(err.msg, "store is damaged"));
    assert_non_null(strstr(err.msg, "node 3/0"));
}

static void
test_log_origin_is_bound(void **state)
{
    struct fixture *f = *state;
    struct pcl_audit_log *log = open_log(f, NULL);
    struct pcl_note_signer *other = NULL;
    struct pcl_err err;

    append_n(log, 1);
    pcl_audit_log_free(log);
    assert_int_equal(pcl_note_signer_generate("other/log", PCL_NOTE_ED25519, &other, NULL), PCL_OK);
    assert_int_equal(pcl_audit_log_open(f->url, other, NULL, &log, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "origin"));
    /* read-only opens work and refuse appends */
    assert_int_equal(pcl_audit_log_open(f->url, NULL, NULL, &log, &err), PCL_OK);
    assert_string_equal(pcl_audit_origin(log), "audit.test/log");
    assert_int_equal(pcl_audit_append(log, "t", "{}", 2, NULL, NULL, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "read-only"));
    pcl_audit_log_free(log);
    pcl_note_signer_free(other);
    assert_int_equal(pcl_audit_log_open("sqlite::memory:", f->signer, NULL, &log, &err),
                     PCL_EINVAL);
}

static void
test_event_canonical_json(void **state)
{
    struct pcl_audit_interaction ev;
    struct pcl_audit_governance g = {0};
    struct pcl_audit_finding_count fc[] = {
        {"US_SSN", 1}, {"EMAIL_ADDRESS", 2}, {"US_SSN", 2}, {"API_KEY", 1}};
    struct pcl_buf b;
    size_t bad;

    (void)state;
    pcl_buf_init(&b, 0);
    pcl_audit_interaction_init(&ev);
    ev.time_ms = 1700000000123;
    ev.principal = "team-a";
    ev.route = "/v1/chat/completions";
    ev.model = "gpt-4o";
    ev.decision = "redact";
    ev.findings = fc;
    ev.nfindings = 4;
    ev.prompt_tokens = 12;
    ev.completion_tokens = 30;
    ev.latency_ms = 250;
    ev.status = 200;
    ev.request_digest = "sha256:00";
    assert_int_equal(pcl_audit_interaction_json(&ev, &b), PCL_OK);
    assert_string_equal(b.ptr,
                        "{\"completion_tokens\":30,\"decision\":\"redact\",\"findings\":{"
                        "\"API_KEY\":1,\"EMAIL_ADDRESS\":2,\"US_SSN\":3},\"latency_ms\":250,"
                        "\"model\":\"gpt-4o\",\"principal\":\"team-a\",\"prompt_tokens\":12,"
                        "\"request_digest\":\"sha256:00\",\"route\":\"/v1/chat/completions\","
                        "\"status\":200,\"streamed\":false,\"time_ms\":1700000000123,"
                        "\"type\":\"interaction\"}");
    assert_true(pcl_audit_json_object_is_valid(b.ptr, b.len, &bad));
    pcl_buf_reset(&b);
    g.time_ms = 5;
    g.action = "key.created";
    g.actor = "cli";
    g.target = "key\"1";
    assert_int_equal(pcl_audit_governance_json(&g, &b), PCL_OK);
    assert_string_equal(b.ptr, "{\"action\":\"key.created\",\"actor\":\"cli\","
                               "\"target\":\"key\\\"1\",\"time_ms\":5,\"type\":\"governance\"}");
    pcl_buf_reset(&b);
    assert_int_equal(pcl_audit_digest("abc", 3, &b), PCL_OK);
    assert_string_equal(b.ptr,
                        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    pcl_buf_fini(&b);
}

static void
test_event_json_syntax(void **state)
{
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        {"{}", true},
        {" {\"a\" : [1, -2.5e3, true, false, null, \"x\\u00e9\\n\", {}]} ", true},
        {"{\"a\":{\"b\":{\"c\":[[]]}}}", true},
        {"", false},
        {"[]", false},
        {"{", false},
        {"{\"a\"}", false},
        {"{\"a\":1,}", false},
        {"{\"a\":01}", false},
        {"{\"a\":1}x", false},
        {"{\"a\":\"\x01\"}", false},
        {"{\"a\":\"\\q\"}", false},
        {"{\"a\":tru}", false},
        {"{\"a\":[1 2]}", false},
        {"{\"a\":1]", false},
        {"{\"a\":\"\xff\"}", false},
    };
    size_t bad;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (pcl_audit_json_object_is_valid(cases[i].s, strlen(cases[i].s), &bad) != cases[i].ok) {
            fail_msg("case %zu: %s", i, cases[i].s);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_log_append_prove_receipt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_async_threads_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_queue_full_fails_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_verify_names_the_bad_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_payload_erase_export_purge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_origin_is_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_two_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_damaged_store, setup, teardown),
        cmocka_unit_test(test_event_canonical_json),
        cmocka_unit_test(test_event_json_syntax),
    };

    if (sodium_init() < 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
