/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for OpenSSF Model Signing (src/model/sign.c): sign and verify round trips with keys of
 * each curve, files and shards serialization, ignore paths, and every kind of change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <portcullis/model.h>

static char dir[] = "/tmp/pcl-test-sign-XXXXXX";
static char model[300], key[300], pub[300], sig[300];

static void
write_text(const char *p, const char *text)
{
    FILE *f = fopen(p, "wb");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void
make_key(const char *curve)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
    FILE *f;

    assert_non_null(k);
    f = fopen(key, "wb");
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
    (void)fclose(f);
    f = fopen(pub, "wb");
    assert_non_null(f);
    assert_int_equal(PEM_write_PUBKEY(f, k), 1);
    (void)fclose(f);
    EVP_PKEY_free(k);
}

static void
sign_to(const struct pcl_model_sign_opts *o)
{
    char *bundle = NULL;
    size_t len = 0;
    struct pcl_err err;
    FILE *f;

    assert_int_equal(pcl_model_sign(model, o, &bundle, &len, &err), PCL_OK);
    f = fopen(sig, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bundle, 1, len, f), len);
    (void)fclose(f);
    pcl_free(bundle);
}

static struct pcl_model_verify *
verify(const struct pcl_model_sign_opts *o)
{
    struct pcl_model_verify *v = NULL;
    struct pcl_err err;

    assert_int_equal(pcl_model_verify(model, o, &v, &err), PCL_OK);
    return v;
}

static void
test_sign_round_trip_curves(void **state)
{
    static const char *const curves[] = {"P-256", "P-384", "P-521"};
    struct pcl_model_sign_opts o = {0};

    (void)state;
    o.key_path = key;
    o.pubkey_path = pub;
    o.sig_path = sig;
    for (size_t i = 0; i < 3; i++) {
        struct pcl_model_verify *v;

        make_key(curves[i]);
        sign_to(&o);
        v = verify(&o);
        assert_true(pcl_model_verify_is_valid(v));
        assert_int_equal(v->nresources, 3);
        pcl_model_verify_free(v);
    }
}

static void
test_sign_reports_each_change(void **state)
{
    struct pcl_model_sign_opts o = {0};
    struct pcl_model_verify *v;
    char p[400];
    int seen = 0;

    (void)state;
    make_key("P-256");
    o.key_path = key;
    o.pubkey_path = pub;
    o.sig_path = sig;
    sign_to(&o);
    (void)snprintf(p, sizeof(p), "%s/a.bin", model);
    write_text(p, "changed");
    (void)snprintf(p, sizeof(p), "%s/sub/c.bin", model);
    assert_int_equal(unlink(p), 0);
    (void)snprintf(p, sizeof(p), "%s/new.txt", model);
    write_text(p, "new");
    v = verify(&o);
    assert_true(v->signature_ok);
    assert_false(pcl_model_verify_is_valid(v));
    assert_int_equal(v->ndiffs, 3);
    for (size_t i = 0; i < v->ndiffs; i++) {
        const struct pcl_model_diff *d = &v->diffs[i];

        seen |= (d->kind == PCL_MODEL_DIFF_MODIFIED && strcmp(d->name, "a.bin") == 0) ? 1 : 0;
        seen |= (d->kind == PCL_MODEL_DIFF_REMOVED && strcmp(d->name, "sub/c.bin") == 0) ? 2 : 0;
        seen |= (d->kind == PCL_MODEL_DIFF_ADDED && strcmp(d->name, "new.txt") == 0) ? 4 : 0;
    }
    assert_int_equal(seen, 7);
    pcl_model_verify_free(v);
    /* ignoring the new file leaves two changes */
    {
        const char *ign[] = {"new.txt"};

        o.ignore = ign;
        o.nignore = 1;
        v = verify(&o);
        assert_int_equal(v->ndiffs, 2);
        pcl_model_verify_free(v);
    }
}

static void
test_sign_shards_and_bad_signature(void **state)
{
    struct pcl_model_sign_opts o = {0};
    struct pcl_model_verify *v;
    char p[400];
    FILE *f;
    long n;
    char *buf;

    (void)state;
    make_key("P-384");
    o.key_path = key;
    o.pubkey_path = pub;
    o.sig_path = sig;
    o.serial = PCL_MODEL_SERIAL_SHARDS;
    o.shard_size = 3;
    (void)snprintf(p, sizeof(p), "%s/a.bin", model);
    write_text(p, "0123456789"); /* 4 shards */
    sign_to(&o);
    o.serial = PCL_MODEL_SERIAL_FILES; /* the verifier follows the signed serialization */
    v = verify(&o);
    assert_true(pcl_model_verify_is_valid(v));
    assert_true(v->nresources >= 4);
    pcl_model_verify_free(v);
    /* a byte of the signature changed: the envelope no longer verifies */
    f = fopen(sig, "rb+");
    assert_non_null(f);
    (void)fseek(f, 0, SEEK_END);
    n = ftell(f);
    buf = malloc((size_t)n);
    assert_non_null(buf);
    (void)fseek(f, 0, SEEK_SET);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    {
        char *s = strstr(buf, "\"sig\":\"");

        assert_non_null(s);
        s[8] = s[8] == 'A' ? 'B' : 'A';
    }
    (void)fseek(f, 0, SEEK_SET);
    assert_int_equal(fwrite(buf, 1, (size_t)n, f), (size_t)n);
    (void)fclose(f);
    free(buf);
    v = verify(&o);
    assert_false(v->signature_ok);
    pcl_model_verify_free(v);
}

static int
setup(void **state)
{
    char p[400];

    (void)state;
    (void)snprintf(dir, sizeof(dir), "/tmp/pcl-test-sign-XXXXXX"); /* a fresh template each time */
    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    (void)snprintf(model, sizeof(model), "%s/model", dir);
    (void)snprintf(key, sizeof(key), "%s/key.pem", dir);
    (void)snprintf(pub, sizeof(pub), "%s/pub.pem", dir);
    (void)snprintf(sig, sizeof(sig), "%s/model.sig", dir);
    if (mkdir(model, 0700) == -1) {
        return -1;
    }
    (void)snprintf(p, sizeof(p), "%s/sub", model);
    if (mkdir(p, 0700) == -1) {
        return -1;
    }
    (void)snprintf(p, sizeof(p), "%s/a.bin", model);
    write_text(p, "weights");
    (void)snprintf(p, sizeof(p), "%s/b.json", model);
    write_text(p, "{}");
    (void)snprintf(p, sizeof(p), "%s/sub/c.bin", model);
    write_text(p, "");
    return 0;
}

static int
teardown(void **state)
{
    char cmd[400];

    (void)state;
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sign_round_trip_curves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_reports_each_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_shards_and_bad_signature, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
