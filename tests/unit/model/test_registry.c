/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the model registry (src/model/registry.c) over an in-memory SQLite store:
 * registration rules, lineage, the production gate, multi-principal approval, the ML-BOM and
 * audit events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <portcullis/model.h>
#include <portcullis/store.h>

struct audit {
    char last[512];
    int n;
};

static void
on_audit(void *arg, const char *json, size_t len)
{
    struct audit *a = arg;

    (void)snprintf(a->last, sizeof(a->last), "%.*s", (int)len, json);
    a->n++;
}

static void
version(struct pcl_model_version *v, const char *ver, const char *parent, const char *scan,
        const char *sig)
{
    memset(v, 0, sizeof(*v));
    (void)snprintf(v->name, sizeof(v->name), "m");
    (void)snprintf(v->version, sizeof(v->version), "%s", ver);
    (void)snprintf(v->path, sizeof(v->path), "/models/m/%s", ver);
    (void)snprintf(v->digest, sizeof(v->digest), "%064d", 7);
    (void)snprintf(v->scan, sizeof(v->scan), "%s", scan);
    (void)snprintf(v->signature, sizeof(v->signature), "%s", sig);
    (void)snprintf(v->parent, sizeof(v->parent), "%s", parent);
    (void)snprintf(v->created_by, sizeof(v->created_by), "alice");
    v->files = 2;
    v->bytes = 10;
}

static void
test_registry_lifecycle(void **state)
{
    struct pcl_store *s = NULL;
    struct pcl_model_registry *r = NULL;
    struct pcl_model_version v, got;
    struct pcl_model_dataset ds = {.ref = "train.csv", .digest = ""};
    struct audit a = {0};
    struct pcl_err err;
    struct pcl_buf bom;
    bool promoted;
    unsigned have;

    (void)state;
    (void)snprintf(ds.digest, sizeof(ds.digest), "sha256:%064d", 1);
    assert_int_equal(pcl_store_open("sqlite::memory:", &s, &err), PCL_OK);
    assert_int_equal(pcl_model_registry_open(s, on_audit, &a, &r, &err), PCL_OK);
    version(&v, "1", "", "clean", "unsigned");
    assert_int_equal(pcl_model_registry_add(r, &v, &ds, 1, &err), PCL_OK);
    assert_int_equal(a.n, 1);
    assert_non_null(strstr(a.last, "\"event\":\"register\""));
    /* the same version twice, and a parent that does not exist, are refused */
    assert_int_equal(pcl_model_registry_add(r, &v, NULL, 0, &err), PCL_EINVAL);
    version(&v, "3", "9", "clean", "valid");
    assert_int_equal(pcl_model_registry_add(r, &v, NULL, 0, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "parent"));
    version(&v, "2", "1", "clean", "valid");
    assert_int_equal(pcl_model_registry_add(r, &v, &ds, 1, &err), PCL_OK);
    assert_int_equal(pcl_model_registry_get(r, "m", "2", &got, &err), PCL_OK);
    assert_string_equal(got.parent, "1");
    assert_string_equal(got.stage, "registered");
    assert_true(got.created[0] != '\0');
    assert_int_equal(pcl_model_registry_get(r, "m", "7", &got, &err), PCL_ENOTFOUND);
    /* production: unsigned is refused, then two principals are needed */
    assert_int_equal(
        pcl_model_registry_promote(r, "m", "1", "production", "alice", 1, &promoted, &have, &err),
        PCL_EINVAL);
    assert_non_null(strstr(err.msg, "signature is unsigned"));
    assert_int_equal(
        pcl_model_registry_promote(r, "m", "2", "production", "alice", 2, &promoted, &have, &err),
        PCL_OK);
    assert_false(promoted);
    assert_int_equal(have, 1);
    assert_int_equal(
        pcl_model_registry_promote(r, "m", "2", "production", "alice", 2, &promoted, &have, &err),
        PCL_OK);
    assert_false(promoted); /* the same principal again */
    assert_int_equal(
        pcl_model_registry_promote(r, "m", "2", "production", "bob", 2, &promoted, &have, &err),
        PCL_OK);
    assert_true(promoted);
    assert_int_equal(have, 2);
    assert_non_null(strstr(a.last, "\"event\":\"promote\""));
    assert_int_equal(pcl_model_registry_get(r, "m", "2", &got, &err), PCL_OK);
    assert_string_equal(got.stage, "production");
    assert_int_equal(
        pcl_model_registry_promote(r, "m", "2", "heaven", "bob", 1, &promoted, &have, &err),
        PCL_EINVAL);
    /* the BOM names the parent as ancestor and the dataset with its hash */
    pcl_buf_init(&bom, 0);
    assert_int_equal(pcl_model_registry_bom(r, "m", "2", &bom, &err), PCL_OK);
    assert_non_null(strstr(bom.ptr, "\"specVersion\":\"1.6\""));
    assert_non_null(strstr(bom.ptr, "\"type\":\"machine-learning-model\""));
    assert_non_null(strstr(bom.ptr, "\"ancestors\":[{\"type\":\"machine-learning-model\""));
    assert_non_null(strstr(bom.ptr, "\"bom-ref\":\"data:train.csv\""));
    pcl_buf_fini(&bom);
    pcl_model_registry_free(r);
    pcl_store_free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_lifecycle),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
