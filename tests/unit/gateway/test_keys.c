/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for API keys: format and checksum, storage as hashes only, revoke and rotate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <portcullis/detect.h>
#include <portcullis/gateway.h>
#include <portcullis/store.h>

static int
count(void *ctx, const struct pcl_key_info *k)
{
    (void)k;
    (*(int *)ctx)++;
    return 0;
}

static void
test_keys_lifecycle(void **state)
{
    struct pcl_keystore *ks = NULL;
    struct pcl_key_spec spec = {
        .name = "svc", .routes = "/v1/*", .rpm = 10, .budget = 1000, .period = "day"};
    struct pcl_key_info info, got;
    struct pcl_err err;
    char key[PCL_APIKEY_LEN + 1], key2[PCL_APIKEY_LEN + 1];
    int n = 0;

    (void)state;
    assert_int_equal(pcl_keystore_open("sqlite::memory:", &ks, &err), PCL_OK);
    assert_int_equal(pcl_keystore_create(ks, &spec, key, &info, &err), PCL_OK);
    assert_int_equal(strlen(key), PCL_APIKEY_LEN);
    assert_true(pcl_apikey_is_wellformed(key, strlen(key)));
    assert_memory_equal(info.id, key + 4, PCL_APIKEY_ID_LEN);
    assert_string_equal(info.routes, "/v1/*");
    assert_int_equal(info.rpm, 10);
    /* a single changed character breaks the checksum */
    key[10] = key[10] == 'a' ? 'b' : 'a';
    assert_false(pcl_apikey_is_wellformed(key, strlen(key)));
    assert_int_equal(pcl_keystore_lookup(ks, key, strlen(key), &got, &err), PCL_ENOTFOUND);
    key[10] = info.id[6];
    key[10] = key[4 + 6];
    pcl_key_info_fini(&info);
    assert_int_equal(pcl_keystore_show(ks, "nosuchid", &got, &err), PCL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "nosuchid"));
    /* rotate: a new key, the old one revoked (grace 0) */
    assert_int_equal(pcl_keystore_list(ks, false, count, &n, &err), PCL_OK);
    assert_int_equal(n, 1);
    {
        char id[PCL_APIKEY_ID_LEN + 1];

        memcpy(id, key + 4, PCL_APIKEY_ID_LEN);
        id[PCL_APIKEY_ID_LEN] = '\0';
        assert_int_equal(pcl_keystore_rotate(ks, id, 0, key2, &info, &err), PCL_OK);
        assert_string_equal(info.rotated_from, id);
        assert_int_equal(info.budget, 1000);
        pcl_key_info_fini(&info);
        assert_int_equal(pcl_keystore_lookup(ks, key2, strlen(key2), &got, &err), PCL_OK);
        pcl_key_info_fini(&got);
        n = 0;
        assert_int_equal(pcl_keystore_list(ks, false, count, &n, &err), PCL_OK);
        assert_int_equal(n, 1);
        n = 0;
        assert_int_equal(pcl_keystore_list(ks, true, count, &n, &err), PCL_OK);
        assert_int_equal(n, 2);
        assert_int_equal(pcl_keystore_rotate(ks, id, 0, key2, &info, &err), PCL_EINVAL);
    }
    /* bad specs name the field */
    spec = (struct pcl_key_spec){.name = "x", .budget = 5};
    assert_int_equal(pcl_keystore_create(ks, &spec, key, NULL, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "period"));
    spec = (struct pcl_key_spec){.name = "x", .rpm = -1};
    assert_int_equal(pcl_keystore_create(ks, &spec, key, NULL, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "rpm"));
    pcl_keystore_free(ks);
}

/* The engine's detector for leaked keys accepts exactly the keys the gateway issues. */
static int
found(void *ctx, const struct pcl_finding *f)
{
    (void)f;
    (*(int *)ctx)++;
    return 0;
}

static void
test_keys_detected_when_leaked(void **state)
{
    struct pcl_keystore *ks = NULL;
    struct pcl_key_spec spec = {.name = "leak"};
    struct pcl_engine *e = NULL;
    struct pcl_scratch *s = NULL;
    struct pcl_engine_opts o = {0};
    struct pcl_err err;
    char key[PCL_APIKEY_LEN + 1], text[128];
    int hits = 0;

    (void)state;
    assert_int_equal(pcl_keystore_open("sqlite::memory:", &ks, &err), PCL_OK);
    assert_int_equal(pcl_keystore_create(ks, &spec, key, NULL, &err), PCL_OK);
    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_OK);
    assert_int_equal(pcl_scratch_new(e, &s, &err), PCL_OK);
    (void)snprintf(text, sizeof(text), "export PCL_KEY=%s\n", key);
    assert_int_equal(pcl_engine_scan(e, s, text, strlen(text), found, &hits, &err), PCL_OK);
    assert_int_equal(hits, 1);
    text[20] = text[20] == 'Q' ? 'R' : 'Q'; /* broken checksum: not a key */
    hits = 0;
    assert_int_equal(pcl_engine_scan(e, s, text, strlen(text), found, &hits, &err), PCL_OK);
    assert_int_equal(hits, 0);
    pcl_scratch_free(s);
    pcl_engine_free(e);
    pcl_keystore_free(ks);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_lifecycle),
        cmocka_unit_test(test_keys_detected_when_leaked),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
