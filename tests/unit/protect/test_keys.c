/* SPDX-License-Identifier: Apache-2.0 */
/* Key loading from text, files and the environment; subkey separation. */
#include "keys.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

/* 32 bytes 00 01 02 ... 1f */
static const char hex_key[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static const char b64_key[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

static void
test_pcl_protect_key_parse_text_forms(void **state)
{
    static const struct {
        const char *text;
        enum pcl_rc rc;
    } cases[] = {
        {hex_key, PCL_OK},
        {"  000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\n", PCL_OK},
        {b64_key, PCL_OK},
        {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", PCL_OK}, /* unpadded */
        {"000102", PCL_EINVAL},
        {"", PCL_EINVAL},
        {"zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", PCL_EINVAL},
        {"0000000000000000000000000000000000000000000000000000000000000000", PCL_EINVAL},
        {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8fHw==", PCL_EINVAL}, /* 34 bytes */
    };

    (void)state;
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_protect_key *k = NULL;
        struct pcl_err err = {0};
        enum pcl_rc rc = pcl_protect_key_parse(cases[i].text, strlen(cases[i].text), &k, &err);

        if (rc != cases[i].rc) {
            fail_msg("case %zu: rc %d (%s)", i, rc, err.msg);
        }
        if (rc == PCL_OK) {
            for (uint8_t b = 0; b < 32; b++) {
                assert_int_equal(k->k[b], b);
            }
        } else {
            assert_null(k);
            assert_non_null(strstr(err.msg, "key"));
        }
        pcl_protect_key_free(k);
    }
}

static void
test_pcl_protect_key_load_file_raw_hex_and_missing(void **state)
{
    char path[] = "/tmp/pcl_test_key_XXXXXX";
    uint8_t raw[32];
    struct pcl_protect_key *k = NULL;
    struct pcl_err err;
    int fd;

    (void)state;
    for (uint8_t b = 0; b < 32; b++) {
        raw[b] = b;
    }
    fd = mkstemp(path);
    assert_true(fd != -1);
    assert_int_equal(write(fd, raw, sizeof(raw)), 32);
    assert_int_equal(close(fd), 0);
    assert_int_equal(pcl_protect_key_load_file(path, &k, &err), PCL_OK);
    assert_memory_equal(k->k, raw, 32);
    pcl_protect_key_free(k);

    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd != -1);
    assert_int_equal(write(fd, hex_key, strlen(hex_key)), (ssize_t)strlen(hex_key));
    assert_int_equal(write(fd, "\n", 1), 1);
    assert_int_equal(close(fd), 0);
    assert_int_equal(pcl_protect_key_load_file(path, &k, &err), PCL_OK);
    assert_memory_equal(k->k, raw, 32);
    pcl_protect_key_free(k);

    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd != -1);
    assert_int_equal(write(fd, "short\n", 6), 6);
    assert_int_equal(close(fd), 0);
    assert_int_equal(pcl_protect_key_load_file(path, &k, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, path));
    assert_int_equal(unlink(path), 0);

    assert_int_equal(pcl_protect_key_load_file(path, &k, &err), PCL_ENOTFOUND);
    assert_null(k);
    assert_non_null(strstr(err.msg, path));
}

static void
test_pcl_protect_key_load_env_set_and_unset(void **state)
{
    struct pcl_protect_key *k = NULL;
    struct pcl_err err;

    (void)state;
    assert_int_equal(unsetenv("PCL_TEST_KEY_ENV"), 0);
    assert_int_equal(pcl_protect_key_load_env("PCL_TEST_KEY_ENV", &k, &err), PCL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "PCL_TEST_KEY_ENV"));
    assert_int_equal(setenv("PCL_TEST_KEY_ENV", b64_key, 1), 0);
    assert_int_equal(pcl_protect_key_load_env("PCL_TEST_KEY_ENV", &k, &err), PCL_OK);
    assert_int_equal(k->k[31], 31);
    pcl_protect_key_free(k);
    assert_int_equal(setenv("PCL_TEST_KEY_ENV", "nope", 1), 0);
    assert_int_equal(pcl_protect_key_load_env("PCL_TEST_KEY_ENV", &k, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "PCL_TEST_KEY_ENV"));
    assert_int_equal(unsetenv("PCL_TEST_KEY_ENV"), 0);
}

static void
test_pcl_protect_key_derive_separates_subkeys(void **state)
{
    static const enum pcl_subkey ids[] = {PCL_SUBKEY_HASH, PCL_SUBKEY_FPE, PCL_SUBKEY_VAULT_INDEX,
                                          PCL_SUBKEY_VAULT_BOX, PCL_SUBKEY_VAULT_CHECK};
    uint8_t sub[PCL_ARRAY_LEN(ids)][32], again[32];
    struct pcl_protect_key *k = NULL;

    (void)state;
    assert_int_equal(pcl_protect_key_parse(hex_key, strlen(hex_key), &k, NULL), PCL_OK);
    for (size_t i = 0; i < PCL_ARRAY_LEN(ids); i++) {
        pcl_protect_key_derive(k, ids[i], sub[i]);
        assert_memory_not_equal(sub[i], k->k, 32);
        for (size_t j = 0; j < i; j++) {
            assert_memory_not_equal(sub[i], sub[j], 32);
        }
    }
    pcl_protect_key_derive(k, PCL_SUBKEY_FPE, again);
    assert_memory_equal(again, sub[1], 32);
    pcl_protect_key_free(k);
    pcl_protect_key_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_protect_key_parse_text_forms),
        cmocka_unit_test(test_pcl_protect_key_load_file_raw_hex_and_missing),
        cmocka_unit_test(test_pcl_protect_key_load_env_set_and_unset),
        cmocka_unit_test(test_pcl_protect_key_derive_separates_subkeys),
    };

    if (sodium_init() < 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
