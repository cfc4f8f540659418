/* SPDX-License-Identifier: Apache-2.0 */
/* Operator names, mask, tag, hash pseudonyms and their normalisation. */
#include "ops.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <sodium.h>

static void
test_pcl_op_parse_names(void **state)
{
    static const struct {
        const char *name;
        int want;
    } cases[] = {
        {"keep", PCL_OP_KEEP}, {"MASK", PCL_OP_MASK},
        {"tag", PCL_OP_TAG},   {"Hash", PCL_OP_HASH},
        {"fpe", PCL_OP_FPE},   {"vault", PCL_OP_VAULT},
        {"default", -1},       {"", -1},
        {"vaults", -1},        {"fp", -1},
    };

    (void)state;
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        assert_int_equal(pcl_op_parse(cases[i].name, strlen(cases[i].name)), cases[i].want);
        if (cases[i].want > 0) {
            assert_non_null(pcl_op_name((enum pcl_op)cases[i].want));
        }
    }
    assert_null(pcl_op_name((enum pcl_op)99));
    assert_true(pcl_op_needs_key(PCL_OP_FPE));
    assert_false(pcl_op_needs_key(PCL_OP_MASK));
}

static void
test_pcl_protect_mask_table(void **state)
{
    static const struct {
        const char *in;
        unsigned keep;
        bool email;
        const char *want;
    } cases[] = {
        {"4111 1111 1111 1111", 4, false, "**** **** **** 1111"},
        {"536-22-1234", 4, false, "***-**-1234"},
        {"(415) 555-2671", 4, false, "(***) ***-2671"},
        {"(415) 555-2671", 0, false, "(***) ***-****"},
        {"1234", 4, false, "**34"}, /* never more than half visible */
        {"abc", 4, false, "**c"},
        {"x", 4, false, "*"},
        {"jane.doe@example.com", 4, true, "********@example.com"},
        {"a-@b.io", 4, true, "**@b.io"},             /* no "-@b.io" left to match */
        {"J\xc3\xbcrgen 12", 4, false, "****en 12"}, /* one mask per code point */
        {"AKIAIOSFODNN7EXAMPLE", 4, false, "****************MPLE"},
    };

    (void)state;
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_buf out;

        pcl_buf_init(&out, 0);
        assert_int_equal(pcl_protect_mask(cases[i].in, strlen(cases[i].in), cases[i].keep, '*',
                                          cases[i].email, &out),
                         PCL_OK);
        if (strcmp(out.ptr, cases[i].want) != 0) {
            fail_msg("mask(\"%s\", %u) = \"%s\", want \"%s\"", cases[i].in, cases[i].keep, out.ptr,
                     cases[i].want);
        }
        pcl_buf_fini(&out);
    }
}

static void
test_pcl_protect_hash_stable_normalised_and_keyed(void **state)
{
    uint8_t k1[32], k2[32];
    struct pcl_buf a, b, c, d;

    (void)state;
    randombytes_buf(k1, sizeof(k1));
    randombytes_buf(k2, sizeof(k2));
    pcl_buf_init(&a, 0);
    pcl_buf_init(&b, 0);
    pcl_buf_init(&c, 0);
    pcl_buf_init(&d, 0);
    assert_int_equal(pcl_protect_hash(k1, "CREDIT_CARD", "4111 1111 1111 1111", 19, &a), PCL_OK);
    assert_int_equal(pcl_protect_hash(k1, "CREDIT_CARD", "4111-1111-1111-1111", 19, &b), PCL_OK);
    assert_string_equal(a.ptr, b.ptr); /* normalised to digits */
    assert_int_equal(a.len, strlen("<CREDIT_CARD:>") + PCL_HASH_HEX);
    assert_memory_equal(a.ptr, "<CREDIT_CARD:", 13);
    assert_int_equal(pcl_protect_hash(k2, "CREDIT_CARD", "4111 1111 1111 1111", 19, &c), PCL_OK);
    assert_string_not_equal(a.ptr + 13, c.ptr + 13); /* another key */
    assert_int_equal(pcl_protect_hash(k1, "US_BANK", "4111 1111 1111 1111", 19, &d), PCL_OK);
    assert_string_not_equal(a.ptr + 13, d.ptr + 9); /* type is in the MAC */
    pcl_buf_reset(&a);
    pcl_buf_reset(&b);
    assert_int_equal(pcl_protect_hash(k1, "EMAIL_ADDRESS", "Jane@Example.COM", 16, &a), PCL_OK);
    assert_int_equal(pcl_protect_hash(k1, "EMAIL_ADDRESS", "jane@example.com", 16, &b), PCL_OK);
    assert_string_equal(a.ptr, b.ptr);
    pcl_buf_fini(&a);
    pcl_buf_fini(&b);
    pcl_buf_fini(&c);
    pcl_buf_fini(&d);
}

static void
test_pcl_protect_normalize_table(void **state)
{
    static const struct {
        const char *type, *in, *want;
    } cases[] = {
        {"EMAIL_ADDRESS", "A.B@X.ORG", "a.b@x.org"},
        {"PHONE_NUMBER", "+1 (415) 555-2671", "14155552671"},
        {"US_SSN", "536-22-1234", "536221234"},
        {"IBAN_CODE", "de89 3704 0044", "DE8937040044"},
        {"OTHER", "Keep Me", "Keep Me"},
    };

    (void)state;
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_buf out;

        pcl_buf_init(&out, 0);
        assert_int_equal(
            pcl_protect_normalize(cases[i].type, cases[i].in, strlen(cases[i].in), &out), PCL_OK);
        assert_string_equal(out.ptr, cases[i].want);
        pcl_buf_fini(&out);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_op_parse_names),
        cmocka_unit_test(test_pcl_protect_mask_table),
        cmocka_unit_test(test_pcl_protect_hash_stable_normalised_and_keyed),
        cmocka_unit_test(test_pcl_protect_normalize_table),
    };

    if (sodium_init() < 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
