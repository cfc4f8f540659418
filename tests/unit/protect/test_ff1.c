/* SPDX-License-Identifier: Apache-2.0 */
/* FF1 against the NIST SP 800-38G sample vectors, round trips and input checks. */
#include "ff1.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <sodium.h>

static const char k128[] = "2B7E151628AED2A6ABF7158809CF4F3C";
static const char k192[] = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F";
static const char k256[] = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94";
static const char tw2[] = "39383736353433323130";
static const char tw3[] = "3737373770717273373737";

/* FF1 samples 1-9 of the NIST "Samples for FF1" document. */
static const struct {
    const char *key, *tweak;
    unsigned radix;
    const char *pt, *ct;
} nist[] = {
    {k128, "", 10, "0123456789", "2433477484"},
    {k128, tw2, 10, "0123456789", "6124200773"},
    {k128, tw3, 36, "0123456789abcdefghi", "a9tv40mll9kdu509eum"},
    {k192, "", 10, "0123456789", "2830668132"},
    {k192, tw2, 10, "0123456789", "2496655549"},
    {k192, tw3, 36, "0123456789abcdefghi", "xbj3kv35jrawxv32ysr"},
    {k256, "", 10, "0123456789", "6657667009"},
    {k256, tw2, 10, "0123456789", "1001623463"},
    {k256, tw3, 36, "0123456789abcdefghi", "xs8a0azh2avyalyzuwd"},
};

static uint8_t
num_of(char c)
{
    return pcl_is_digit(c) ? (uint8_t)(c - '0') : (uint8_t)(c - 'a' + 10);
}

static char
char_of(uint8_t v)
{
    return v < 10 ? (char)('0' + v) : (char)('a' + v - 10);
}

static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t got = 0;

    assert_int_equal(pcl_hex_decode(hex, strlen(hex), out, cap, &got, NULL), PCL_OK);
    return got;
}

static void
test_pcl_ff1_encrypt_nist_samples(void **state)
{
    (void)state;
    for (size_t i = 0; i < PCL_ARRAY_LEN(nist); i++) {
        uint8_t key[32], tweak[16], x[32], y[32];
        size_t klen = unhex(nist[i].key, key, sizeof(key));
        size_t tlen = nist[i].tweak[0] != '\0' ? unhex(nist[i].tweak, tweak, sizeof(tweak)) : 0;
        size_t n = strlen(nist[i].pt);
        char got[32] = {0};
        struct pcl_ff1 *f = NULL;

        assert_int_equal(pcl_ff1_new(key, klen, &f, NULL), PCL_OK);
        for (size_t k = 0; k < n; k++) {
            x[k] = num_of(nist[i].pt[k]);
        }
        assert_int_equal(pcl_ff1_encrypt(f, nist[i].radix, tweak, tlen, x, n, y, NULL), PCL_OK);
        for (size_t k = 0; k < n; k++) {
            got[k] = char_of(y[k]);
        }
        if (strcmp(got, nist[i].ct) != 0) {
            fail_msg("sample %zu: got %s, want %s", i + 1, got, nist[i].ct);
        }
        assert_int_equal(pcl_ff1_decrypt(f, nist[i].radix, tweak, tlen, y, n, y, NULL), PCL_OK);
        assert_memory_equal(x, y, n);
        pcl_ff1_free(f);
    }
}

static void
test_pcl_ff1_encrypt_round_trips(void **state)
{
    static const struct {
        unsigned radix;
        size_t minlen, maxlen;
    } cases[] = {{10, 6, 40}, {26, 5, 40}, {36, 4, 60}, {62, 4, 60}, {2, 20, 64}, {256, 3, 100}};
    uint8_t key[32];
    struct pcl_ff1 *f = NULL;

    (void)state;
    randombytes_buf(key, sizeof(key));
    assert_int_equal(pcl_ff1_new(key, sizeof(key), &f, NULL), PCL_OK);
    for (size_t c = 0; c < PCL_ARRAY_LEN(cases); c++) {
        for (size_t n = cases[c].minlen; n <= cases[c].maxlen; n++) {
            uint8_t x[128], y[128], z[128], tweak[8];

            randombytes_buf(tweak, sizeof(tweak));
            for (size_t k = 0; k < n; k++) {
                x[k] = (uint8_t)randombytes_uniform(cases[c].radix);
            }
            assert_int_equal(pcl_ff1_encrypt(f, cases[c].radix, tweak, n % 9, x, n, y, NULL),
                             PCL_OK);
            for (size_t k = 0; k < n; k++) {
                assert_true(y[k] < cases[c].radix);
            }
            assert_int_equal(pcl_ff1_decrypt(f, cases[c].radix, tweak, n % 9, y, n, z, NULL),
                             PCL_OK);
            assert_memory_equal(x, z, n);
        }
    }
    pcl_ff1_free(f);
}

static void
test_pcl_ff1_encrypt_rejects_bad_input(void **state)
{
    static const struct {
        unsigned radix;
        size_t n;
        uint8_t bad; /* numeral written at position 0 */
    } cases[] = {
        {10, 5, 0},   /* 10^5 < 1,000,000 */
        {26, 4, 0},   /* 26^4 = 456,976 */
        {2, 19, 0},   /* 2^19 = 524,288 */
        {10, 1, 0},   /* too short */
        {10, 300, 0}, /* over PCL_FF1_MAX_LEN */
        {1, 10, 0},   /* radix */
        {10, 8, 10},  /* numeral not below radix */
    };
    uint8_t key[16] = {1}, x[400] = {0}, y[400];
    struct pcl_ff1 *f = NULL;
    struct pcl_err err;

    (void)state;
    assert_int_equal(pcl_ff1_new(key, 15, &f, &err), PCL_EINVAL);
    assert_null(f);
    assert_int_equal(pcl_ff1_new(key, sizeof(key), &f, NULL), PCL_OK);
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        x[0] = cases[i].bad;
        assert_int_equal(pcl_ff1_encrypt(f, cases[i].radix, NULL, 0, x, cases[i].n, y, &err),
                         PCL_EINVAL);
        assert_non_null(strstr(err.msg, "ff1: "));
    }
    assert_int_equal(pcl_ff1_encrypt(f, 10, x, 300, x + 300, 8, y, &err), PCL_EINVAL);
    assert_true(pcl_ff1_domain_ok(10, 6));
    assert_true(pcl_ff1_domain_ok(26, 5));
    assert_false(pcl_ff1_domain_ok(36, 3));
    assert_true(pcl_ff1_domain_ok(36, 4));
    pcl_ff1_free(f);
    pcl_ff1_free(NULL);
}

static void
test_pcl_bn_divmod_inverts_muladd(void **state)
{
    uint8_t x[16] = {0};

    (void)state;
    for (unsigned i = 0; i < 30; i++) {
        assert_int_equal(pcl_bn_muladd(x, sizeof(x), 10, i % 10), 0);
    }
    for (unsigned i = 30; i-- > 0;) {
        assert_int_equal(pcl_bn_divmod(x, sizeof(x), 10), i % 10);
    }
    for (size_t i = 0; i < sizeof(x); i++) {
        assert_int_equal(x[i], 0);
    }
    x[0] = 0x80;
    assert_int_equal(pcl_bn_muladd(x, sizeof(x), 2, 0), 1); /* overflow reported */
    {
        uint8_t a[2] = {1, 2}, b[2] = {1, 3};

        assert_true(pcl_bn_cmp(a, b, 2) < 0);
        assert_true(pcl_bn_cmp(b, a, 2) > 0);
        assert_int_equal(pcl_bn_cmp(a, a, 2), 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_ff1_encrypt_nist_samples),
        cmocka_unit_test(test_pcl_ff1_encrypt_round_trips),
        cmocka_unit_test(test_pcl_ff1_encrypt_rejects_bad_input),
        cmocka_unit_test(test_pcl_bn_divmod_inverts_muladd),
    };

    if (sodium_init() < 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
