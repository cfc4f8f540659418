/* SPDX-License-Identifier: Apache-2.0 */
/* The redactor with the real engine: nothing detected survives redaction, fpe and vault
 * round trips through unredact, operator choice, key and vault requirements, fallbacks. */
#include <portcullis/protect.h>

#include "common.h"
#include "fpe.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <sodium.h>

struct fx {
    struct pcl_engine *e;
    struct pcl_scratch *s;
    struct pcl_protect_key *key;
    struct pcl_vault *vault;
};

static int
setup(void **state)
{
    struct pcl_engine_opts o = {0};
    struct fx *fx = calloc(1, sizeof(*fx)); /* NOLINT: test fixture */
    struct pcl_err err;

    if (fx == NULL || pcl_engine_new(&o, &fx->e, &err) != PCL_OK ||
        pcl_scratch_new(fx->e, &fx->s, &err) != PCL_OK ||
        pcl_protect_key_generate(&fx->key, &err) != PCL_OK ||
        pcl_vault_open(":memory:", fx->key, &fx->vault, &err) != PCL_OK) {
        return -1;
    }
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *fx = *state;

    pcl_vault_close(fx->vault);
    pcl_protect_key_free(fx->key);
    pcl_scratch_free(fx->s);
    pcl_engine_free(fx->e);
    free(fx); /* NOLINT: test fixture */
    return 0;
}

/* Findings of one scan, with their types. */
struct found {
    const struct pcl_engine *e;
    struct pcl_finding f[256];
    size_t n;
};

static int
found_cb(void *ctx, const struct pcl_finding *f)
{
    struct found *fd = ctx;

    if (fd->n < PCL_ARRAY_LEN(fd->f)) {
        fd->f[fd->n++] = *f;
    }
    return 0;
}

static void
scan(struct fx *fx, const char *buf, size_t len, struct found *out)
{
    enum pcl_rc rc;

    out->e = fx->e;
    out->n = 0;
    rc = pcl_engine_scan(fx->e, fx->s, buf, len, found_cb, out, NULL);
    assert_true(rc == PCL_OK || rc == PCL_ELIMIT);
}

static const char *
type_of(const struct found *fd, size_t i)
{
    return pcl_engine_detector(fd->e, fd->f[i].detector)->type;
}

static const char corpus[] =
    "Contact jane.doe@example.com or call (415) 555-2671 today.\n"
    "Card 4111 1111 1111 1111 and 5500-0000-0000-0004, SSN 536-22-1234.\n"
    "IBAN DE89 3704 0044 0532 0130 00; office +44 20 7946 0958; bob.smith@corp.example.org\n"
    "token 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 and 10.20.30.40 done\n";

static struct pcl_redactor *
new_redactor(struct fx *fx, enum pcl_op op, enum pcl_fpe_fallback fb)
{
    struct pcl_redact_opts o = {0};
    struct pcl_redactor *r = NULL;
    struct pcl_err err = {0};

    o.default_op = op;
    o.key = fx->key;
    o.vault = fx->vault;
    o.fpe_fallback = fb;
    if (pcl_redactor_new(&o, &r, &err) != PCL_OK) {
        fail_msg("redactor: %s", err.msg);
    }
    return r;
}

static void
redact(struct fx *fx, struct pcl_redactor *r, const char *in, size_t len, struct pcl_buf *out)
{
    struct found fd;
    struct pcl_err err = {0};
    bool changed = false;

    scan(fx, in, len, &fd);
    if (pcl_redact_buf(r, fx->e, in, len, fd.f, fd.n, out, &changed, &err) != PCL_OK) {
        fail_msg("redact: %s", err.msg);
    }
    assert_true(changed == (fd.n > 0));
}

static void
test_pcl_redact_buf_nothing_detected_survives(void **state)
{
    static const enum pcl_op ops[] = {PCL_OP_MASK, PCL_OP_TAG, PCL_OP_HASH, PCL_OP_VAULT};
    struct fx *fx = *state;
    struct found before;

    scan(fx, corpus, sizeof(corpus) - 1, &before);
    assert_true(before.n >= 8); /* the corpus exercises the detectors it claims to */
    for (size_t i = 0; i < PCL_ARRAY_LEN(ops); i++) {
        struct pcl_redactor *r = new_redactor(fx, ops[i], PCL_FPE_FALLBACK_AUTO);
        struct pcl_buf out;
        struct found after;

        pcl_buf_init(&out, 0);
        redact(fx, r, corpus, sizeof(corpus) - 1, &out);
        scan(fx, out.ptr, out.len, &after);
        for (size_t k = 0; k < after.n; k++) {
            for (size_t j = 0; j < before.n; j++) {
                if (strcmp(type_of(&after, k), type_of(&before, j)) == 0) {
                    fail_msg("%s left a %s: \"%.*s\" in\n%s", pcl_op_name(ops[i]),
                             type_of(&after, k), (int)(after.f[k].end - after.f[k].start),
                             out.ptr + after.f[k].start, out.ptr);
                }
            }
        }
        /* and none of the original values appears verbatim */
        for (size_t j = 0; j < before.n; j++) {
            char v[128];
            size_t n = (size_t)(before.f[j].end - before.f[j].start);

            if (n >= sizeof(v) || ops[i] == PCL_OP_MASK) {
                continue; /* mask keeps the last characters by design */
            }
            memcpy(v, corpus + before.f[j].start, n);
            v[n] = '\0';
            assert_null(strstr(out.ptr, v));
        }
        pcl_buf_fini(&out);
        pcl_redactor_free(r);
    }
}

static void
test_pcl_unredact_buf_fpe_changes_and_round_trips(void **state)
{
    struct fx *fx = *state;
    struct pcl_redactor *r = new_redactor(fx, PCL_OP_FPE, PCL_FPE_FALLBACK_VAULT);
    struct pcl_buf out, back;
    struct found before, after;
    struct pcl_redact_stats st;
    bool changed = false;

    pcl_buf_init(&out, 0);
    pcl_buf_init(&back, 0);
    scan(fx, corpus, sizeof(corpus) - 1, &before);
    redact(fx, r, corpus, sizeof(corpus) - 1, &out);
    /* fpe keeps shapes and validity: the same types are found again, with new values */
    scan(fx, out.ptr, out.len, &after);
    for (size_t j = 0; j < before.n; j++) {
        size_t n = (size_t)(before.f[j].end - before.f[j].start);
        char v[128];

        assert_true(n < sizeof(v));
        memcpy(v, corpus + before.f[j].start, n);
        v[n] = '\0';
        if (strstr(out.ptr, v) != NULL) {
            fail_msg("fpe kept %s \"%s\"", type_of(&before, j), v);
        }
    }
    assert_int_equal(pcl_unredact_buf(r, fx->e, fx->s, out.ptr, out.len, &back, &changed, NULL),
                     PCL_OK);
    assert_true(changed);
    if (strcmp(back.ptr, corpus) != 0) {
        fail_msg("round trip:\n%s\n->\n%s\n->\n%s", corpus, out.ptr, back.ptr);
    }
    pcl_redactor_stats(r, &st);
    assert_true(st.by_op[PCL_OP_FPE] >= 6);
    assert_int_equal(st.restored_fpe + st.restored_vault, before.n);
    pcl_buf_fini(&out);
    pcl_buf_fini(&back);
    pcl_redactor_free(r);
}

/* Random valid values embedded in sentences, fpe and back, many times. */
static void
test_pcl_unredact_buf_fpe_random_round_trips(void **state)
{
    struct fx *fx = *state;
    struct pcl_redactor *r = new_redactor(fx, PCL_OP_FPE, PCL_FPE_FALLBACK_VAULT);
    unsigned cards_seen = 0;

    for (int i = 0; i < 300; i++) {
        char text[512], card[20], d[20];
        unsigned area;
        struct pcl_buf out, back;
        struct found fo;

        /* Visa 16 digits with a valid check digit */
        card[0] = '4';
        for (int k = 1; k < 15; k++) {
            card[k] = (char)('0' + randombytes_uniform(10));
        }
        card[15] = pcl_fpe_luhn_digit(card, 15);
        card[16] = '\0';
        memcpy(d, card, 17);
        do {
            area = 1 + randombytes_uniform(899);
        } while (area == 666);
        (void)snprintf(text, sizeof(text),
                       "Customer user%u.x%u@mail.example.com paid with card %s, SSN "
                       "%03u-%02u-%04u, phone (%03u) %03u-%04u, from %u.%u.%u.%u.\n",
                       randombytes_uniform(100000), i, card, area, 1 + randombytes_uniform(99),
                       1 + randombytes_uniform(9999), 200 + randombytes_uniform(700),
                       200 + randombytes_uniform(700), randombytes_uniform(10000),
                       100 + randombytes_uniform(156), randombytes_uniform(256),
                       randombytes_uniform(256), 10 + randombytes_uniform(246));
        pcl_buf_init(&out, 0);
        pcl_buf_init(&back, 0);
        redact(fx, r, text, strlen(text), &out);
        assert_null(strstr(out.ptr, d));
        scan(fx, out.ptr, out.len, &fo);
        for (size_t k = 0; k < fo.n; k++) {
            if (strcmp(type_of(&fo, k), "CREDIT_CARD") == 0) {
                cards_seen++; /* still Luhn- and IIN-valid, so found again */
            }
        }
        assert_int_equal(pcl_unredact_buf(r, fx->e, fx->s, out.ptr, out.len, &back, NULL, NULL),
                         PCL_OK);
        if (strcmp(back.ptr, text) != 0) {
            fail_msg("round trip:\n%s->\n%s->\n%s", text, out.ptr, back.ptr);
        }
        pcl_buf_fini(&out);
        pcl_buf_fini(&back);
    }
    assert_int_equal(cards_seen, 300);
    pcl_redactor_free(r);
}

static void
test_pcl_unredact_buf_vault_round_trip_and_unknown_tokens(void **state)
{
    struct fx *fx = *state;
    struct pcl_redactor *r = new_redactor(fx, PCL_OP_VAULT, PCL_FPE_FALLBACK_AUTO);
    struct pcl_buf out, back, again;
    struct pcl_redact_stats st;
    static const char extra[] = " <EMAIL_ADDRESS#vlt_AAAAAAAAAA> <X#vlt_short>";

    pcl_buf_init(&out, 0);
    pcl_buf_init(&back, 0);
    pcl_buf_init(&again, 0);
    redact(fx, r, corpus, sizeof(corpus) - 1, &out);
    redact(fx, r, corpus, sizeof(corpus) - 1, &again);
    assert_string_equal(out.ptr, again.ptr); /* same value, same token */
    assert_int_equal(pcl_buf_append(&out, extra, sizeof(extra) - 1), PCL_OK);
    assert_int_equal(pcl_unredact_buf(r, NULL, NULL, out.ptr, out.len, &back, NULL, NULL), PCL_OK);
    assert_int_equal(back.len, sizeof(corpus) - 1 + sizeof(extra) - 1);
    assert_memory_equal(back.ptr, corpus, sizeof(corpus) - 1);
    assert_string_equal(back.ptr + sizeof(corpus) - 1, extra);
    pcl_redactor_stats(r, &st);
    assert_int_equal(st.unknown_tokens, 1);
    pcl_buf_fini(&out);
    pcl_buf_fini(&back);
    pcl_buf_fini(&again);
    pcl_redactor_free(r);
}

static void
test_pcl_redactor_new_requires_key_and_vault(void **state)
{
    struct fx *fx = *state;
    static const struct pcl_redact_rule fpe_rule[] = {{.type = "US_SSN", .op = PCL_OP_FPE}};
    static const struct pcl_redact_rule vault_rule[] = {
        {.categories = PCL_CAT_CREDENTIAL, .op = PCL_OP_VAULT}};
    const struct {
        enum pcl_op def;
        const struct pcl_redact_rule *rules;
        size_t nrules;
        bool key, vault;
        char mask_char;
        enum pcl_fpe_fallback fb;
        enum pcl_rc rc;
        const char *msg;
    } cases[] = {
        {PCL_OP_TAG, NULL, 0, false, false, 0, PCL_FPE_FALLBACK_AUTO, PCL_OK, NULL},
        {PCL_OP_MASK, NULL, 0, false, false, 0, PCL_FPE_FALLBACK_AUTO, PCL_OK, NULL},
        {PCL_OP_HASH, NULL, 0, false, false, 0, PCL_FPE_FALLBACK_AUTO, PCL_EINVAL, "needs a key"},
        {PCL_OP_FPE, NULL, 0, false, false, 0, PCL_FPE_FALLBACK_AUTO, PCL_EINVAL, "needs a key"},
        {PCL_OP_TAG, fpe_rule, 1, false, false, 0, PCL_FPE_FALLBACK_AUTO, PCL_EINVAL, "US_SSN"},
        {PCL_OP_VAULT, NULL, 0, true, false, 0, PCL_FPE_FALLBACK_AUTO, PCL_EINVAL, "vault"},
        {PCL_OP_TAG, vault_rule, 1, true, false, 0, PCL_FPE_FALLBACK_AUTO, PCL_EINVAL, "vault"},
        {PCL_OP_FPE, NULL, 0, true, false, 0, PCL_FPE_FALLBACK_VAULT, PCL_EINVAL, "fallback"},
        {PCL_OP_FPE, NULL, 0, true, false, 0, PCL_FPE_FALLBACK_AUTO, PCL_OK, NULL},
        {PCL_OP_MASK, NULL, 0, false, false, 'x', PCL_FPE_FALLBACK_AUTO, PCL_EINVAL, "mask"},
        {PCL_OP_MASK, NULL, 0, false, false, '#', PCL_FPE_FALLBACK_AUTO, PCL_OK, NULL},
    };

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_redact_opts o = {0};
        struct pcl_redactor *r = NULL;
        struct pcl_err err = {0};
        enum pcl_rc rc;

        o.default_op = cases[i].def;
        o.rules = cases[i].rules;
        o.nrules = cases[i].nrules;
        o.key = cases[i].key ? fx->key : NULL;
        o.vault = cases[i].vault ? fx->vault : NULL;
        o.mask_char = cases[i].mask_char;
        o.fpe_fallback = cases[i].fb;
        rc = pcl_redactor_new(&o, &r, &err);
        if (rc != cases[i].rc) {
            fail_msg("case %zu: rc %d (%s)", i, rc, err.msg);
        }
        if (cases[i].msg != NULL && strstr(err.msg, cases[i].msg) == NULL) {
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].msg);
        }
        assert_true((rc == PCL_OK) == (r != NULL));
        pcl_redactor_free(r);
    }
}

static void
test_pcl_redactor_op_type_beats_category_beats_default(void **state)
{
    struct fx *fx = *state;
    static const struct pcl_redact_rule rules[] = {
        {.categories = PCL_CAT_CONTACT, .op = PCL_OP_MASK},
        {.type = "EMAIL_ADDRESS", .op = PCL_OP_HASH},
        {.categories = PCL_CAT_CONTACT, .op = PCL_OP_KEEP}, /* later category rule wins */
        {.type = "US_SSN", .op = PCL_OP_FPE},
    };
    struct pcl_redact_opts o = {.default_op = PCL_OP_TAG, .rules = rules, .nrules = 4};
    struct pcl_redactor *r = NULL;

    o.key = fx->key;
    assert_int_equal(pcl_redactor_new(&o, &r, NULL), PCL_OK);
    assert_int_equal(pcl_redactor_op(r, "EMAIL_ADDRESS", PCL_CAT_CONTACT), PCL_OP_HASH);
    assert_int_equal(pcl_redactor_op(r, "PHONE_NUMBER", PCL_CAT_CONTACT), PCL_OP_KEEP);
    assert_int_equal(pcl_redactor_op(r, "US_SSN", PCL_CAT_GOV_ID), PCL_OP_FPE);
    assert_int_equal(pcl_redactor_op(r, "CREDIT_CARD", PCL_CAT_FINANCIAL), PCL_OP_TAG);
    pcl_redactor_free(r);
}

static void
test_pcl_redact_value_fpe_fallbacks(void **state)
{
    struct fx *fx = *state;
    static const struct {
        enum pcl_fpe_fallback fb;
        enum pcl_rc rc;
        const char *prefix; /* of the output */
    } cases[] = {
        {PCL_FPE_FALLBACK_TAG, PCL_OK, "<SHORT_ID>"},
        {PCL_FPE_FALLBACK_VAULT, PCL_OK, "<SHORT_ID#vlt_"},
        {PCL_FPE_FALLBACK_AUTO, PCL_OK, "<SHORT_ID#vlt_"}, /* a vault is set */
        {PCL_FPE_FALLBACK_ERROR, PCL_EINVAL, ""},
    };

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_redactor *r = new_redactor(fx, PCL_OP_FPE, cases[i].fb);
        struct pcl_buf out;
        struct pcl_err err = {0};
        struct pcl_redact_stats st;

        pcl_buf_init(&out, 0);
        assert_int_equal(pcl_redact_value(r, "SHORT_ID", 0, "12345", 5, &out, &err), cases[i].rc);
        if (cases[i].rc == PCL_OK) {
            assert_memory_equal(out.ptr, cases[i].prefix, strlen(cases[i].prefix));
            pcl_redactor_stats(r, &st);
            assert_int_equal(st.fpe_fallbacks, 1);
        } else {
            assert_non_null(strstr(err.msg, "too short"));
        }
        pcl_buf_fini(&out);
        pcl_redactor_free(r);
    }
}

static void
test_pcl_redact_buf_rejects_bad_findings(void **state)
{
    struct fx *fx = *state;
    struct pcl_redactor *r = new_redactor(fx, PCL_OP_TAG, PCL_FPE_FALLBACK_AUTO);
    struct pcl_finding f[2] = {{.start = 4, .end = 8}, {.start = 2, .end = 3}};
    struct pcl_buf out;
    struct pcl_err err;

    pcl_buf_init(&out, 0);
    assert_int_equal(pcl_redact_buf(r, fx->e, "0123456789", 10, f, 2, &out, NULL, &err),
                     PCL_EINVAL);
    f[1].start = 8;
    f[1].end = 11;
    pcl_buf_reset(&out);
    assert_int_equal(pcl_redact_buf(r, fx->e, "0123456789", 10, f, 2, &out, NULL, &err),
                     PCL_EINVAL);
    pcl_buf_fini(&out);
    pcl_redactor_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_redact_buf_nothing_detected_survives),
        cmocka_unit_test(test_pcl_unredact_buf_fpe_changes_and_round_trips),
        cmocka_unit_test(test_pcl_unredact_buf_fpe_random_round_trips),
        cmocka_unit_test(test_pcl_unredact_buf_vault_round_trip_and_unknown_tokens),
        cmocka_unit_test(test_pcl_redactor_new_requires_key_and_vault),
        cmocka_unit_test(test_pcl_redactor_op_type_beats_category_beats_default),
        cmocka_unit_test(test_pcl_redact_value_fpe_fallbacks),
        cmocka_unit_test(test_pcl_redact_buf_rejects_bad_findings),
    };

    if (sodium_init() < 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
