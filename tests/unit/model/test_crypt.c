/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for model encryption (src/model/crypt.c): round trips for every key mode and chunk
 * boundary, and that damage of any kind fails without leaving output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <portcullis/model.h>

static char dir[] = "/tmp/pcl-test-crypt-XXXXXX";

static void
path(char *out, size_t cap, const char *name)
{
    (void)snprintf(out, cap, "%s/%s", dir, name);
}

static void
write_file(const char *p, const uint8_t *d, size_t n)
{
    FILE *f = fopen(p, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(d, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static uint8_t *
read_file(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    uint8_t *d = malloc(1 << 20);

    assert_non_null(f);
    assert_non_null(d);
    *n = fread(d, 1, 1 << 20, f);
    (void)fclose(f);
    return d;
}

static void
test_crypt_round_trips(void **state)
{
    /* sizes around the 4096-byte test chunk: empty, short, exactly one chunk, one and a bit */
    static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 12288, 20000};
    uint8_t *plain = malloc(20000);
    struct pcl_model_crypt_opts o;
    char in[256], enc[256], out[256];
    struct pcl_err err;

    (void)state;
    assert_non_null(plain);
    randombytes_buf(plain, 20000);
    path(in, sizeof(in), "plain");
    path(enc, sizeof(enc), "enc");
    path(out, sizeof(out), "out");
    for (int mode = PCL_MODEL_KEY_SYMMETRIC; mode <= PCL_MODEL_KEY_RECIPIENTS; mode++) {
        uint8_t pk[2][32], sk[2][32];

        memset(&o, 0, sizeof(o));
        o.mode = (enum pcl_model_key_mode)mode;
        o.chunk = 4096;
        randombytes_buf(o.key, sizeof(o.key));
        o.passphrase = "correct horse";
        for (int i = 0; i < 2; i++) {
            (void)crypto_box_keypair(pk[i], sk[i]);
        }
        o.recipients = (const uint8_t(*)[32])pk;
        o.nrecipients = 2;
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            uint8_t *back;
            size_t n;

            write_file(in, plain, sizes[k]);
            assert_int_equal(pcl_model_encrypt(in, enc, &o, &err), PCL_OK);
            memcpy(o.identity_pk, pk[1], 32); /* the second recipient reads it */
            memcpy(o.identity_sk, sk[1], 32);
            assert_int_equal(pcl_model_decrypt(enc, out, &o, &err), PCL_OK);
            back = read_file(out, &n);
            assert_int_equal(n, sizes[k]);
            assert_memory_equal(back, plain, n);
            free(back);
        }
    }
    free(plain);
}

static void
test_crypt_damage_leaves_nothing(void **state)
{
    uint8_t plain[10000];
    struct pcl_model_crypt_opts o;
    char in[256], enc[256], bad[256], out[256];
    struct pcl_err err;
    uint8_t *c;
    size_t n;

    (void)state;
    randombytes_buf(plain, sizeof(plain));
    memset(&o, 0, sizeof(o));
    o.mode = PCL_MODEL_KEY_SYMMETRIC;
    o.chunk = 4096;
    randombytes_buf(o.key, sizeof(o.key));
    path(in, sizeof(in), "plain2");
    path(enc, sizeof(enc), "enc2");
    path(bad, sizeof(bad), "bad2");
    path(out, sizeof(out), "out2");
    write_file(in, plain, sizeof(plain));
    assert_int_equal(pcl_model_encrypt(in, enc, &o, &err), PCL_OK);
    c = read_file(enc, &n);
    /* header: 16 bytes + 24 secretstream; chunks of 4096 + 17 */
    for (size_t cut = 0; cut < n; cut += 997) {
        write_file(bad, c, cut); /* truncated anywhere */
        assert_int_equal(pcl_model_decrypt(bad, out, &o, &err), PCL_EINVAL);
        assert_int_equal(access(out, F_OK), -1);
    }
    for (size_t at = 0; at < n; at += 1499) {
        c[at] ^= 0x20; /* one flipped bit anywhere, header included */
        write_file(bad, c, n);
        assert_int_not_equal(pcl_model_decrypt(bad, out, &o, &err), PCL_OK);
        assert_int_equal(access(out, F_OK), -1);
        c[at] ^= 0x20;
    }
    /* a second chunk swapped with the first */
    {
        size_t h = 40, cl = 4096 + 17;
        uint8_t *sw = malloc(n);

        assert_non_null(sw);
        memcpy(sw, c, n);
        memcpy(sw + h, c + h + cl, cl);
        memcpy(sw + h + cl, c + h, cl);
        write_file(bad, sw, n);
        assert_int_equal(pcl_model_decrypt(bad, out, &o, &err), PCL_EINVAL);
        free(sw);
    }
    o.key[0] ^= 1; /* wrong key */
    assert_int_equal(pcl_model_decrypt(enc, out, &o, &err), PCL_EINVAL);
    assert_int_equal(access(out, F_OK), -1);
    free(c);
}

static void
test_crypt_key_parse(void **state)
{
    uint8_t k[32];

    (void)state;
    assert_int_equal(pcl_model_key_parse("000102030405060708090a0b0c0d0e0f"
                                         "101112131415161718191a1b1c1d1e1f\n",
                                         65, k, NULL),
                     PCL_OK);
    assert_int_equal(k[31], 0x1f);
    assert_int_equal(
        pcl_model_key_parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", 44, k, NULL), PCL_OK);
    assert_int_equal(k[1], 1);
    assert_int_equal(pcl_model_key_parse("short", 5, k, NULL), PCL_EINVAL);
}

static int
setup(void **state)
{
    (void)state;
    return sodium_init() < 0 || mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    static const char *const names[] = {"plain", "enc", "out", "plain2", "enc2", "bad2", "out2"};
    char p[256];

    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        path(p, sizeof(p), names[i]);
        (void)unlink(p);
    }
    return rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crypt_round_trips),
        cmocka_unit_test(test_crypt_damage_leaves_nothing),
        cmocka_unit_test(test_crypt_key_parse),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
