/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for signed notes, checkpoints and receipts: every vector of
 * $PCL_EVAL_DIR/tlog/signed-notes.json and generated/checkpoints.json, plus round trips and
 * malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <portcullis/audit.h>
#include <sodium.h>

#include "pcl_test.h"

#define HS PCL_MERKLE_HASH_SIZE

static const char *
eval_dir(void)
{
    return pcl_test_eval_dir("tlog");
}

#define SKIP_WITHOUT_EVAL() PCL_TEST_SKIP_WITHOUT_EVAL("tlog")

static json_t *
load_json(const char *rel)
{
    char path[4096];
    json_error_t jerr;
    json_t *j;

    (void)snprintf(path, sizeof(path), "%s/tlog/%s", eval_dir(), rel);
    j = json_load_file(path, 0, &jerr);
    if (j == NULL) {
        fail_msg("%s: %s", path, jerr.text);
    }
    return j;
}

static const char *
jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The note bytes of a case: note_b64 is authoritative. Caller frees. */
static char *
case_note(json_t *c, size_t *len)
{
    const char *b64 = jstr(c, "note_b64");
    char *out;

    if (b64 == NULL) {
        const char *t = jstr(c, "note");

        assert_non_null(t);
        *len = strlen(t);
        return strdup(t);
    }
    out = malloc(strlen(b64) + 1);
    assert_non_null(out);
    assert_int_equal(
        pcl_base64_decode(b64, strlen(b64), PCL_B64_STD, (uint8_t *)out, strlen(b64), len, NULL),
        PCL_OK);
    out[*len] = '\0';
    return out;
}

struct keyset {
    struct pcl_note_verifier *v[8];
    size_t n;
};

static void
keyset_load(struct keyset *ks, json_t *arr)
{
    size_t i;
    json_t *k;

    ks->n = 0;
    json_array_foreach (arr, i, k) {
        const char *s = json_string_value(k);
        struct pcl_err err;

        if (pcl_note_verifier_parse(s, strlen(s), &ks->v[ks->n], &err) != PCL_OK) {
            fail_msg("%s: %s", s, err.msg);
        }
        ks->n++;
    }
}

static void
keyset_free(struct keyset *ks)
{
    for (size_t i = 0; i < ks->n; i++) {
        pcl_note_verifier_free(ks->v[i]);
    }
}

static bool
has_name(const struct pcl_note_sig *sigs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (sigs[i].name.len == strlen(name) &&
            memcmp(sigs[i].name.ptr, name, sigs[i].name.len) == 0) {
            return true;
        }
    }
    return false;
}

static void
check_checkpoint(json_t *want, const struct pcl_checkpoint *cp)
{
    uint8_t root[HS];
    size_t i;
    json_t *e;
    const char *b64 = jstr(want, "root_b64");

    assert_string_equal(cp->origin, jstr(want, "origin"));
    assert_int_equal(cp->size, json_integer_value(json_object_get(want, "size")));
    assert_int_equal(pcl_base64_decode(b64, strlen(b64), PCL_B64_STD, root, sizeof(root), &i, NULL),
                     PCL_OK);
    assert_memory_equal(cp->root, root, HS);
    if (json_object_get(want, "extensions") != NULL) {
        assert_int_equal(cp->next, json_array_size(json_object_get(want, "extensions")));
        json_array_foreach (json_object_get(want, "extensions"), i, e) {
            assert_string_equal(cp->ext[i], json_string_value(e));
        }
    }
}

static void
test_note_vkeys(void **state)
{
    json_t *j, *v;
    size_t i;

    (void)state;
    SKIP_WITHOUT_EVAL();
    j = load_json("signed-notes.json");
    json_array_foreach (json_object_get(json_object_get(j, "vkeys"), "valid"), i, v) {
        const char *s = json_string_value(v);
        struct pcl_note_verifier *ver = NULL;
        struct pcl_err err;

        if (pcl_note_verifier_parse(s, strlen(s), &ver, &err) != PCL_OK) {
            fail_msg("%s: %s", s, err.msg);
        }
        assert_int_equal(pcl_note_verifier_type(ver), PCL_NOTE_ED25519);
        assert_true(strncmp(s, pcl_note_verifier_name(ver), strlen(pcl_note_verifier_name(ver))) ==
                    0);
        pcl_note_verifier_free(ver);
    }
    /* all invalid, including upper-case hex (x/mod accepts it; C2SP says lower-case hex) */
    json_array_foreach (json_object_get(json_object_get(j, "vkeys"), "invalid"), i, v) {
        const char *s = jstr(v, "vkey");
        struct pcl_note_verifier *ver = NULL;
        struct pcl_err err;

        assert_int_equal(pcl_note_verifier_parse(s, strlen(s), &ver, &err), PCL_EINVAL);
        assert_null(ver);
        assert_non_null(strstr(err.msg, "note: verifier key"));
    }
    json_decref(j);
}

static void
test_note_signing_is_deterministic(void **state)
{
    json_t *j, *c;
    size_t i;

    (void)state;
    SKIP_WITHOUT_EVAL();
    j = load_json("signed-notes.json");
    json_array_foreach (json_object_get(j, "signing"), i, c) {
        const char *skey = jstr(c, "skey");
        const char *text = jstr(c, "text");
        struct pcl_note_signer *s = NULL;
        struct pcl_buf out, back;
        struct pcl_err err;

        pcl_buf_init(&out, 0);
        pcl_buf_init(&back, 0);
        if (pcl_note_signer_parse(skey, strlen(skey), &s, &err) != PCL_OK) {
            fail_msg("%s", err.msg);
        }
        assert_int_equal(pcl_note_sign(text, strlen(text), s, &out, &err), PCL_OK);
        if (jstr(c, "expect_note") != NULL) {
            assert_string_equal(out.ptr, jstr(c, "expect_note"));
        } else {
            assert_string_equal(out.ptr + strlen(text) + 1, jstr(c, "expect_sig_line"));
        }
        /* the key string round-trips */
        assert_int_equal(pcl_note_signer_format(s, &back), PCL_OK);
        assert_string_equal(back.ptr, skey);
        pcl_buf_fini_secure(&back);
        pcl_buf_fini(&out);
        pcl_note_signer_free(s);
    }
    json_decref(j);
}

/* Runs the "open" cases of a vector file; checkpoints via pcl_checkpoint_open when the case
 * says "checkpoint": true. */
static void
run_open_cases(const char *file)
{
    json_t *j, *c;
    size_t i;

    j = load_json(file);
    json_array_foreach (json_object_get(j, "open"), i, c) {
        const char *name = jstr(c, "name");
        struct keyset ks;
        size_t len = 0;
        char *msg = case_note(c, &len);
        bool want_ok = json_is_true(json_object_get(c, "expect_ok"));
        struct pcl_err err = {0};
        enum pcl_rc rc;

        keyset_load(&ks, json_object_get(c, "vkeys"));
        if (json_is_true(json_object_get(c, "checkpoint"))) {
            const struct pcl_note_verifier *log_key = NULL;
            const struct pcl_note_verifier *wit[8];
            size_t nwit = 0, nwitnessed = 0;
            struct pcl_checkpoint cp;

            for (size_t k = 0; k < ks.n; k++) {
                if (pcl_note_verifier_type(ks.v[k]) == PCL_NOTE_ED25519 && log_key == NULL) {
                    log_key = ks.v[k];
                } else {
                    wit[nwit++] = ks.v[k];
                }
            }
            if (log_key == NULL) {
                rc = PCL_EINVAL; /* nothing can open a checkpoint without a log key */
            } else {
                rc = pcl_checkpoint_open(msg, len, log_key, wit, nwit, jstr(c, "origin"), &cp,
                                         &nwitnessed, &err);
            }
            if ((rc == PCL_OK) != want_ok) {
                fail_msg("%s: %s: want %s, got %s: %s", file, name, want_ok ? "ok" : "error",
                         pcl_rc_str(rc), err.msg);
            }
            if (rc == PCL_OK) {
                check_checkpoint(json_object_get(c, "expect_checkpoint"), &cp);
                assert_int_equal(nwitnessed + 1,
                                 json_array_size(json_object_get(c, "expect_verified")));
            }
        } else {
            struct pcl_note *n = NULL;

            rc = pcl_note_open(msg, len, (const struct pcl_note_verifier *const *)ks.v, ks.n, &n,
                               &err);
            if ((rc == PCL_OK) != want_ok) {
                fail_msg("%s: %s: want %s, got %s: %s", file, name, want_ok ? "ok" : "error",
                         pcl_rc_str(rc), err.msg);
            }
            if (rc == PCL_OK) {
                size_t k;
                json_t *nm;

                assert_int_equal(n->nsigs, json_array_size(json_object_get(c, "expect_verified")));
                json_array_foreach (json_object_get(c, "expect_verified"), k, nm) {
                    assert_true(has_name(n->sigs, n->nsigs, json_string_value(nm)));
                }
                json_array_foreach (json_object_get(c, "expect_unverified"), k, nm) {
                    assert_true(has_name(n->unverified, n->nunverified, json_string_value(nm)));
                }
                if (json_object_get(c, "expect_checkpoint") != NULL) {
                    struct pcl_checkpoint cp;

                    assert_int_equal(pcl_checkpoint_parse(n->text.ptr, n->text.len, &cp, NULL),
                                     PCL_OK);
                    check_checkpoint(json_object_get(c, "expect_checkpoint"), &cp);
                }
            } else {
                assert_true(rc == PCL_EINVAL || rc == PCL_ENOTFOUND);
                assert_non_null(strstr(err.msg, "note: "));
            }
            pcl_note_free(n);
        }
        keyset_free(&ks);
        free(msg);
    }
    json_decref(j);
}

static void
test_note_open_vectors(void **state)
{
    (void)state;
    SKIP_WITHOUT_EVAL();
    run_open_cases("signed-notes.json");
}

static void
test_checkpoint_open_vectors(void **state)
{
    json_t *j, *keys;
    struct pcl_note_signer *s = NULL;
    struct pcl_buf vk;
    const char *skey;

    (void)state;
    SKIP_WITHOUT_EVAL();
    run_open_cases("generated/checkpoints.json");
    /* the documented test key reproduces the documented verifier key */
    j = load_json("generated/checkpoints.json");
    keys = json_object_get(j, "keys");
    skey = jstr(keys, "log_skey");
    assert_int_equal(pcl_note_signer_parse(skey, strlen(skey), &s, NULL), PCL_OK);
    pcl_buf_init(&vk, 0);
    assert_int_equal(pcl_note_signer_vkey(s, &vk), PCL_OK);
    assert_string_equal(vk.ptr, jstr(keys, "log_vkey"));
    pcl_buf_fini(&vk);
    pcl_note_signer_free(s);
    json_decref(j);
}

/* A witness key from the documented seed cosigns exactly like the vector. */
static void
test_note_cosign_reproduces_vector(void **state)
{
    json_t *j, *keys, *c;
    uint8_t seed[32], key[33];
    struct pcl_buf skey, line;
    struct pcl_note_signer *w = NULL;
    size_t i, len = 0;
    char *msg;

    (void)state;
    SKIP_WITHOUT_EVAL();
    j = load_json("generated/checkpoints.json");
    keys = json_object_get(j, "keys");
    assert_int_equal(pcl_test_unhex(jstr(keys, "witness_seed_hex"), seed, 32), 32);
    key[0] = PCL_NOTE_COSIGNATURE;
    memcpy(key + 1, seed, 32);
    pcl_buf_init(&skey, 0);
    pcl_buf_init(&line, 0);
    {
        /* the key id comes from the verifier key */
        const char *vk = jstr(keys, "witness_vkey");
        const char *p1 = strchr(vk, '+');

        assert_int_equal(
            pcl_buf_appendf(&skey, "PRIVATE+KEY+%.*s+%.8s+", (int)(p1 - vk), vk, p1 + 1), PCL_OK);
    }
    assert_int_equal(pcl_base64_encode(&skey, key, sizeof(key), PCL_B64_STD), PCL_OK);
    assert_int_equal(pcl_note_signer_parse(skey.ptr, skey.len, &w, NULL), PCL_OK);
    json_array_foreach (json_object_get(j, "open"), i, c) {
        const char *text_end;

        if (strcmp(jstr(c, "name"), "log+witness-cosigned") != 0) {
            continue;
        }
        msg = case_note(c, &len);
        text_end = strstr(msg, "\n\n");
        assert_non_null(text_end);
        assert_int_equal(pcl_note_cosign_line(msg, (size_t)(text_end + 1 - msg), w,
                                              (uint64_t)json_integer_value(
                                                  json_object_get(keys, "cosignature_time")),
                                              &line, NULL),
                         PCL_OK);
        assert_non_null(strstr(msg, line.ptr));
        free(msg);
    }
    assert_true(line.len > 0);
    pcl_note_signer_free(w);
    pcl_buf_fini_secure(&skey);
    pcl_buf_fini(&line);
    json_decref(j);
}

/* Generated keys: sign, open, tamper, wrong key; malformed input named precisely. */
static void
test_note_roundtrip_and_errors(void **state)
{
    static const char text[] = "example.org/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    struct pcl_note_signer *s = NULL, *other = NULL;
    struct pcl_note_verifier *v = NULL, *ov = NULL;
    struct pcl_buf note, vk, ovk;
    struct pcl_note *n = NULL;
    struct pcl_checkpoint cp;
    struct pcl_err err;

    (void)state;
    pcl_buf_init(&note, 0);
    pcl_buf_init(&vk, 0);
    pcl_buf_init(&ovk, 0);
    assert_int_equal(pcl_note_signer_generate("example.org/log", PCL_NOTE_ED25519, &s, &err),
                     PCL_OK);
    assert_int_equal(pcl_note_signer_generate("example.org/log", PCL_NOTE_ED25519, &other, &err),
                     PCL_OK);
    assert_int_equal(pcl_note_signer_vkey(s, &vk), PCL_OK);
    assert_int_equal(pcl_note_signer_vkey(other, &ovk), PCL_OK);
    assert_int_equal(pcl_note_verifier_parse(vk.ptr, vk.len, &v, &err), PCL_OK);
    assert_int_equal(pcl_note_verifier_parse(ovk.ptr, ovk.len, &ov, &err), PCL_OK);
    assert_int_equal(pcl_note_sign(text, strlen(text), s, &note, &err), PCL_OK);
    assert_int_equal(pcl_checkpoint_open(note.ptr, note.len, v, NULL, 0, NULL, &cp, NULL, &err),
                     PCL_OK);
    assert_int_equal(cp.size, 3);
    /* the other key (same name) cannot open it */
    assert_int_equal(pcl_checkpoint_open(note.ptr, note.len, ov, NULL, 0, NULL, &cp, NULL, &err),
                     PCL_EINVAL);
    assert_non_null(strstr(err.msg, "not signed by the log key"));
    /* a flipped size is caught by the signature */
    note.ptr[strlen("example.org/log\n")] = '4';
    assert_int_equal(pcl_checkpoint_open(note.ptr, note.len, v, NULL, 0, NULL, &cp, NULL, &err),
                     PCL_EINVAL);
    assert_non_null(strstr(err.msg, "invalid signature"));
    /* malformed */
    assert_int_equal(pcl_note_open("no signature\n", 13,
                                   (const struct pcl_note_verifier *const *)&v, 1, &n, &err),
                     PCL_EINVAL);
    assert_non_null(strstr(err.msg, "blank line"));
    assert_int_equal(pcl_note_open("t\n\n\xe2\x80\x94 k !!!!\n", 14,
                                   (const struct pcl_note_verifier *const *)&v, 1, &n, &err),
                     PCL_EINVAL);
    assert_non_null(strstr(err.msg, "offset 3"));
    /* bad signer input */
    {
        struct pcl_note_signer *bad = NULL;

        assert_int_equal(pcl_note_signer_generate("bad name", PCL_NOTE_ED25519, &bad, &err),
                         PCL_EINVAL);
        assert_null(bad);
    }
    assert_int_equal(pcl_note_sign("no newline", 10, other, &note, &err), PCL_EINVAL);
    pcl_note_signer_free(other);
    pcl_note_signer_free(s);
    pcl_note_verifier_free(v);
    pcl_note_verifier_free(ov);
    pcl_buf_fini(&note);
    pcl_buf_fini(&vk);
    pcl_buf_fini(&ovk);
}

static void
test_checkpoint_parse_errors(void **state)
{
    static const struct {
        const char *text;
        const char *msg;
    } cases[] = {
        {"", "line 1"},
        {"o\n", "line 2"},
        {"o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "leading zero"},
        {"o\n1x\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "line 2"},
        {"o\n18446744073709551616\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "line 2"},
        {"o\n1\nAAAA\n", "line 3"},
        {"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "line 3"},
        {"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n", "line 4"},
        {"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next", "newline"},
    };
    struct pcl_checkpoint cp;
    struct pcl_err err;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum pcl_rc rc = pcl_checkpoint_parse(cases[i].text, strlen(cases[i].text), &cp, &err);

        assert_int_not_equal(rc, PCL_OK);
        if (strstr(err.msg, cases[i].msg) == NULL) {
            fail_msg("case %zu: %s", i, err.msg);
        }
    }
    assert_int_equal(pcl_checkpoint_parse("o\n18446744073709551615\n"
                                          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nx y\n",
                                          72, &cp, &err),
                     PCL_OK);
    assert_true(cp.size == UINT64_MAX);
    assert_string_equal(cp.ext[0], "x y");
}

static void
test_receipt_roundtrip(void **state)
{
    static const char cpt[] =
        "o\n2\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\xe2\x80\x94 o AAAA\n";
    uint8_t proof[2][HS];
    struct pcl_buf b;
    struct pcl_receipt r;
    struct pcl_err err;

    (void)state;
    memset(proof[0], 1, HS);
    memset(proof[1], 2, HS);
    pcl_buf_init(&b, 0);
    assert_int_equal(
        pcl_receipt_format(7, (const uint8_t(*)[HS])proof, 2, "xy", 2, cpt, strlen(cpt), &b),
        PCL_OK);
    assert_int_equal(pcl_receipt_parse(b.ptr, b.len, &r, &err), PCL_OK);
    assert_int_equal(r.index, 7);
    assert_int_equal(r.nproof, 2);
    assert_memory_equal(r.proof[1], proof[1], HS);
    assert_int_equal(r.extra_len, 2);
    assert_memory_equal(r.extra, "xy", 2);
    assert_string_equal(r.checkpoint, cpt);
    pcl_receipt_fini(&r);
    /* truncated: no checkpoint */
    assert_int_equal(pcl_receipt_parse(b.ptr, 40, &r, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "receipt: "));
    pcl_receipt_fini(&r);
    pcl_buf_fini(&b);
}

/* Out of memory anywhere in opening a cosigned note and a receipt ends in PCL_ENOMEM. */
struct oom_ctx {
    struct pcl_note_signer *log, *wit;
    struct pcl_note_verifier *vlog, *vwit;
    struct pcl_buf note, receipt;
};

static enum pcl_rc
oom_open(void *arg)
{
    struct oom_ctx *c = arg;
    const struct pcl_note_verifier *keys[2] = {c->vlog, c->vwit};
    struct pcl_note *n = NULL;
    struct pcl_checkpoint cp;
    struct pcl_receipt r;
    size_t nw = 0;
    enum pcl_rc rc;

    rc = pcl_note_open(c->note.ptr, c->note.len, keys, 2, &n, NULL);
    pcl_note_free(n);
    if (rc == PCL_OK) {
        rc = pcl_checkpoint_open(c->note.ptr, c->note.len, c->vlog, &keys[1], 1, NULL, &cp, &nw,
                                 NULL);
    }
    if (rc == PCL_OK) {
        rc = pcl_receipt_parse(c->receipt.ptr, c->receipt.len, &r, NULL);
        if (rc == PCL_OK) {
            rc = pcl_receipt_verify(&r, "e", 1, c->vlog, &keys[1], 1, NULL, NULL);
        }
        pcl_receipt_fini(&r);
    }
    return rc;
}

static void
test_note_out_of_memory(void **state)
{
    static const char body[] = "oom.example/log\n1\n";
    struct oom_ctx c;
    struct pcl_buf vk, text;
    uint8_t leaf[HS];

    (void)state;
    memset(&c, 0, sizeof(c));
    pcl_buf_init(&vk, 0);
    pcl_buf_init(&text, 0);
    pcl_buf_init(&c.note, 0);
    pcl_buf_init(&c.receipt, 0);
    assert_int_equal(pcl_note_signer_generate("oom.example/log", PCL_NOTE_ED25519, &c.log, NULL),
                     PCL_OK);
    assert_int_equal(
        pcl_note_signer_generate("oom.example/witness", PCL_NOTE_COSIGNATURE, &c.wit, NULL),
        PCL_OK);
    assert_int_equal(pcl_note_signer_vkey(c.log, &vk), PCL_OK);
    assert_int_equal(pcl_note_verifier_parse(vk.ptr, vk.len, &c.vlog, NULL), PCL_OK);
    pcl_buf_reset(&vk);
    assert_int_equal(pcl_note_signer_vkey(c.wit, &vk), PCL_OK);
    assert_int_equal(pcl_note_verifier_parse(vk.ptr, vk.len, &c.vwit, NULL), PCL_OK);
    /* a one-entry tree: the root is the entry's leaf hash */
    pcl_merkle_leaf_hash("e", 1, leaf);
    assert_int_equal(pcl_buf_appends(&text, body), PCL_OK);
    assert_int_equal(pcl_base64_encode(&text, leaf, HS, PCL_B64_STD), PCL_OK);
    assert_int_equal(pcl_buf_appendc(&text, '\n'), PCL_OK);
    assert_int_equal(pcl_note_sign(text.ptr, text.len, c.log, &c.note, NULL), PCL_OK);
    assert_int_equal(pcl_note_cosign_line(text.ptr, text.len, c.wit, 1700000000, &c.note, NULL),
                     PCL_OK);
    assert_int_equal(pcl_receipt_format(0, NULL, 0, NULL, 0, c.note.ptr, c.note.len, &c.receipt),
                     PCL_OK);
    assert_true(pcl_test_oom(oom_open, &c, false) > 0);
    assert_true(pcl_test_oom(oom_open, &c, true) > 0);
    pcl_note_signer_free(c.log);
    pcl_note_signer_free(c.wit);
    pcl_note_verifier_free(c.vlog);
    pcl_note_verifier_free(c.vwit);
    pcl_buf_fini(&vk);
    pcl_buf_fini(&text);
    pcl_buf_fini(&c.note);
    pcl_buf_fini(&c.receipt);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_note_vkeys),
        cmocka_unit_test(test_note_signing_is_deterministic),
        cmocka_unit_test(test_note_open_vectors),
        cmocka_unit_test(test_checkpoint_open_vectors),
        cmocka_unit_test(test_note_cosign_reproduces_vector),
        cmocka_unit_test(test_note_roundtrip_and_errors),
        cmocka_unit_test(test_checkpoint_parse_errors),
        cmocka_unit_test(test_receipt_roundtrip),
        cmocka_unit_test(test_note_out_of_memory),
    };

    if (sodium_init() < 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
