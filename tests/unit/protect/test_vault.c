/* SPDX-License-Identifier: Apache-2.0 */
/* The token vault: stable tokens, round trips, wrong keys, token parsing, persistence. */
#include <portcullis/protect.h>

#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <sodium.h>
#include <unistd.h>

#include "pcl_test.h"

static void
temp_path(char *path, size_t cap)
{
    (void)snprintf(path, cap, "/tmp/pcl_test_vault_%u_%u.db", (unsigned)getpid(),
                   randombytes_random());
}

static void
test_pcl_vault_tokenize_round_trips_and_is_stable(void **state)
{
    struct pcl_protect_key *k = NULL;
    struct pcl_vault *v = NULL;
    uint64_t count = 0;

    (void)state;
    assert_int_equal(pcl_protect_key_generate(&k, NULL), PCL_OK);
    assert_int_equal(pcl_vault_open(":memory:", k, &v, NULL), PCL_OK);
    for (int i = 0; i < 300; i++) {
        char value[64];
        struct pcl_buf t1, t2, back;
        struct pcl_vault_token tok;
        const char *type = i % 2 ? "EMAIL_ADDRESS" : "US_SSN";

        (void)snprintf(value, sizeof(value), "value-%d-%u", i / 2, randombytes_uniform(1000));
        pcl_buf_init(&t1, 0);
        pcl_buf_init(&t2, 0);
        pcl_buf_init(&back, 0);
        assert_int_equal(pcl_vault_tokenize(v, type, value, strlen(value), &t1, NULL), PCL_OK);
        assert_int_equal(pcl_vault_tokenize(v, type, value, strlen(value), &t2, NULL), PCL_OK);
        assert_string_equal(t1.ptr, t2.ptr);
        assert_int_equal(pcl_vault_token_parse(t1.ptr, t1.len, &tok), t1.len);
        assert_int_equal(tok.type.len, strlen(type));
        assert_memory_equal(tok.type.ptr, type, tok.type.len);
        assert_int_equal(pcl_vault_detokenize(v, t1.ptr, t1.len, &back, NULL), PCL_OK);
        assert_string_equal(back.ptr, value);
        pcl_buf_fini(&t1);
        pcl_buf_fini(&t2);
        pcl_buf_fini(&back);
    }
    assert_int_equal(pcl_vault_count(v, &count, NULL), PCL_OK);
    assert_true(count > 0 && count <= 300);
    pcl_vault_close(v);
    pcl_protect_key_free(k);
}

static void
test_pcl_vault_tokenize_separates_types(void **state)
{
    struct pcl_protect_key *k = NULL;
    struct pcl_vault *v = NULL;
    struct pcl_buf a, b, back;
    struct pcl_err err;
    char forged[128];

    (void)state;
    pcl_buf_init(&a, 0);
    pcl_buf_init(&b, 0);
    pcl_buf_init(&back, 0);
    assert_int_equal(pcl_protect_key_generate(&k, NULL), PCL_OK);
    assert_int_equal(pcl_vault_open(":memory:", k, &v, NULL), PCL_OK);
    assert_int_equal(pcl_vault_tokenize(v, "PHONE_NUMBER", "123456789", 9, &a, NULL), PCL_OK);
    assert_int_equal(pcl_vault_tokenize(v, "US_SSN", "123456789", 9, &b, NULL), PCL_OK);
    assert_string_not_equal(a.ptr, b.ptr);
    /* the same id under another type does not resolve */
    (void)snprintf(forged, sizeof(forged), "<US_SSN%s", strchr(a.ptr, '#'));
    assert_int_equal(pcl_vault_detokenize(v, forged, strlen(forged), &back, &err), PCL_ENOTFOUND);
    assert_int_equal(pcl_vault_detokenize(v, "<US_SSN#vlt_0000000000>", 23, &back, &err),
                     PCL_ENOTFOUND);
    assert_int_equal(pcl_vault_detokenize(v, "<US_SSN#vlt_000>", 16, &back, &err), PCL_EINVAL);
    assert_int_equal(pcl_vault_tokenize(v, "bad-type", "x", 1, &back, &err), PCL_EINVAL);
    assert_int_equal(back.len, 0);
    pcl_vault_close(v);
    pcl_protect_key_free(k);
    pcl_buf_fini(&a);
    pcl_buf_fini(&b);
    pcl_buf_fini(&back);
}

static void
test_pcl_vault_open_persists_and_rejects_wrong_key(void **state)
{
    char path[256];
    struct pcl_protect_key *k = NULL, *k2 = NULL;
    struct pcl_vault *v = NULL;
    struct pcl_buf tok, back;
    struct pcl_err err;

    (void)state;
    temp_path(path, sizeof(path));
    pcl_buf_init(&tok, 0);
    pcl_buf_init(&back, 0);
    assert_int_equal(pcl_protect_key_generate(&k, NULL), PCL_OK);
    assert_int_equal(pcl_protect_key_generate(&k2, NULL), PCL_OK);
    assert_int_equal(pcl_vault_open(path, k, &v, &err), PCL_OK);
    assert_int_equal(pcl_vault_tokenize(v, "EMAIL_ADDRESS", "jane@example.com", 16, &tok, NULL),
                     PCL_OK);
    pcl_vault_close(v);
    v = NULL;

    assert_int_equal(pcl_vault_open(path, k2, &v, &err), PCL_EINVAL);
    assert_null(v);
    assert_non_null(strstr(err.msg, "key does not match"));

    assert_int_equal(pcl_vault_open(path, k, &v, &err), PCL_OK);
    assert_int_equal(pcl_vault_detokenize(v, tok.ptr, tok.len, &back, NULL), PCL_OK);
    assert_string_equal(back.ptr, "jane@example.com");
    pcl_vault_close(v);
    pcl_test_remove_db(path);
    pcl_protect_key_free(k);
    pcl_protect_key_free(k2);
    pcl_buf_fini(&tok);
    pcl_buf_fini(&back);
}

/* tok = "<TYPE#vlt_ID>": the value it gives back through v, or "" when v does not know it. */
static const char *
lookup(struct pcl_vault *v, const struct pcl_buf *tok, struct pcl_buf *back)
{
    pcl_buf_reset(back);
    if (pcl_vault_detokenize(v, tok->ptr, tok->len, back, NULL) != PCL_OK) {
        return "";
    }
    return back->ptr;
}

/* Batch mode: tokens are invisible to another handle on the file until pcl_vault_sync() or
 * close commits them; a read batch that has to create a token upgrades; ids stay uniform
 * base62 (every character turns up, no other does). */
static void
test_pcl_vault_batch_commits_on_sync_and_close(void **state)
{
    char path[256];
    struct pcl_protect_key *k = NULL;
    struct pcl_vault *v1 = NULL, *v2 = NULL;
    struct pcl_buf a, b, c, back;
    unsigned seen[256] = {0};

    (void)state;
    temp_path(path, sizeof(path));
    pcl_buf_init(&a, 0);
    pcl_buf_init(&b, 0);
    pcl_buf_init(&c, 0);
    pcl_buf_init(&back, 0);
    assert_int_equal(pcl_protect_key_generate(&k, NULL), PCL_OK);
    assert_int_equal(pcl_vault_open(path, k, &v1, NULL), PCL_OK);
    assert_int_equal(pcl_vault_open(path, k, &v2, NULL), PCL_OK);
    assert_int_equal(pcl_vault_batch(v1, true, NULL), PCL_OK);
    assert_int_equal(pcl_vault_tokenize(v1, "EMAIL_ADDRESS", "ann@example.com", 15, &a, NULL),
                     PCL_OK);
    assert_string_equal(lookup(v1, &a, &back), "ann@example.com");
    assert_string_equal(lookup(v2, &a, &back), ""); /* not committed yet */
    assert_int_equal(pcl_vault_sync(v1, NULL), PCL_OK);
    assert_string_equal(lookup(v2, &a, &back), "ann@example.com");
    assert_int_equal(pcl_vault_sync(v1, NULL), PCL_OK); /* nothing open: a no-op */

    /* a read batch, then a new token in the same batch */
    assert_string_equal(lookup(v1, &a, &back), "ann@example.com");
    assert_int_equal(pcl_vault_tokenize(v1, "US_SSN", "536-22-1234", 11, &b, NULL), PCL_OK);
    assert_string_equal(lookup(v2, &b, &back), "");
    assert_int_equal(pcl_vault_sync(v1, NULL), PCL_OK);
    assert_string_equal(lookup(v2, &b, &back), "536-22-1234");

    /* turning batches off commits the open one, and the next token commits on its own */
    pcl_buf_reset(&c);
    assert_int_equal(pcl_vault_tokenize(v1, "US_SSN", "078-05-1121", 11, &c, NULL), PCL_OK);
    assert_string_equal(lookup(v2, &c, &back), "");
    assert_int_equal(pcl_vault_batch(v1, false, NULL), PCL_OK);
    assert_string_equal(lookup(v2, &c, &back), "078-05-1121");
    pcl_buf_reset(&c);
    assert_int_equal(pcl_vault_tokenize(v1, "US_SSN", "078-05-1122", 11, &c, NULL), PCL_OK);
    assert_string_equal(lookup(v2, &c, &back), "078-05-1122");
    assert_int_equal(pcl_vault_batch(v1, true, NULL), PCL_OK);

    /* close commits what is open */
    for (int i = 0; i < 3000; i++) {
        char value[32];
        size_t at;

        (void)snprintf(value, sizeof(value), "value-%d", i);
        pcl_buf_reset(&c);
        assert_int_equal(pcl_vault_tokenize(v1, "US_SSN", value, strlen(value), &c, NULL), PCL_OK);
        at = (size_t)(strchr(c.ptr, '#') - c.ptr) + 5;
        for (size_t j = at; j < c.len - 1; j++) {
            seen[(unsigned char)c.ptr[j]]++;
        }
    }
    pcl_vault_close(v1);
    assert_string_equal(lookup(v2, &c, &back), "value-2999");
    for (unsigned ch = 0; ch < 256; ch++) {
        bool b62 = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');

        /* 30,000 characters: about 484 each */
        assert_true(b62 ? seen[ch] > 300 : seen[ch] == 0);
    }
    pcl_vault_close(v2);
    pcl_test_remove_db(path);
    pcl_protect_key_free(k);
    pcl_buf_fini(&a);
    pcl_buf_fini(&b);
    pcl_buf_fini(&c);
    pcl_buf_fini(&back);
}

static void
test_pcl_vault_token_parse_table(void **state)
{
    static const struct {
        const char *text;
        size_t want; /* length parsed */
    } cases[] = {
        {"<EMAIL_ADDRESS#vlt_3kF9x2Qm7P>", 30},
        {"<EMAIL_ADDRESS#vlt_3kF9x2Qm7P> trailing", 30},
        {"<A#vlt_0123456789>", 18},
        {"<#vlt_0123456789>", 0},      /* empty type */
        {"<email#vlt_0123456789>", 0}, /* lower case type */
        {"<A#vlt_012345678>", 0},      /* 9 id characters */
        {"<A#vlt_01234567890>", 0},    /* 11 */
        {"<A#vlt_01234-6789>", 0},
        {"<A#vlt_0123456789", 0}, /* truncated */
        {"<A#VLT_0123456789>", 0},
        {"A#vlt_0123456789>", 0},
        {"", 0},
    };

    (void)state;
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        size_t got = pcl_vault_token_parse(cases[i].text, strlen(cases[i].text), NULL);

        if (got != cases[i].want) {
            fail_msg("\"%s\": parsed %zu, want %zu", cases[i].text, got, cases[i].want);
        }
    }
    {
        const char *s = "x <no> <A#vlt_012> <B#vlt_ABCDEFGHIJ> y";
        size_t tlen = 0, at = pcl_vault_token_find(s, strlen(s), &tlen);

        assert_int_equal(at, 19);
        assert_int_equal(tlen, 18);
        assert_int_equal(pcl_vault_token_find(s, 18, &tlen), 18);
        assert_int_equal(tlen, 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_vault_tokenize_round_trips_and_is_stable),
        cmocka_unit_test(test_pcl_vault_tokenize_separates_types),
        cmocka_unit_test(test_pcl_vault_open_persists_and_rejects_wrong_key),
        cmocka_unit_test(test_pcl_vault_batch_commits_on_sync_and_close),
        cmocka_unit_test(test_pcl_vault_token_parse_table),
    };

    if (sodium_init() < 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
