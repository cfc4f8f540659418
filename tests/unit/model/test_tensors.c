/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the tensor-format validators (src/model/tensors.c) and the ONNX walker
 * (src/model/onnx.c): safetensors, GGUF, .npy and chat templates built byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "model_test.h"

/* ---- builders ------------------------------------------------------------------------- */

struct bb {
    uint8_t p[8192];
    size_t n;
};

static void
put(struct bb *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof(b->p));
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void
put_u32(struct bb *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

    put(b, x, 4);
}

static void
put_u64(struct bb *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void
put_gstr(struct bb *b, const char *s)
{
    put_u64(b, strlen(s));
    put(b, s, strlen(s));
}

static enum pcl_model_outcome
outcome_of(const struct bb *b, const char *rule, bool *has_rule)
{
    struct pcl_model_report *r = NULL;
    enum pcl_model_outcome o;

    assert_int_equal(pcl_model_scan_mem("t", b->p, b->n, NULL, &r, NULL), PCL_OK);
    o = pcl_model_report_outcome(r);
    if (has_rule != NULL) {
        *has_rule = model_find(r, rule, NULL) != NULL;
    }
    if (getenv("PCL_TEST_VERBOSE") != NULL) {
        model_print(r);
    }
    pcl_model_report_free(r);
    return o;
}

/* safetensors: 8-byte little-endian header length, the JSON header, then data */
static void
make_st(struct bb *b, const char *header, size_t data_len)
{
    b->n = 0;
    put_u64(b, strlen(header));
    put(b, header, strlen(header));
    for (size_t i = 0; i < data_len; i++) {
        put(b, "\0", 1);
    }
}

static void
test_safetensors_table(void **state)
{
    static const struct {
        const char *what;
        const char *header;
        size_t data;
        enum pcl_model_outcome want;
    } cases[] = {
        {"one f32 2x2 tensor, exact tiling",
         "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16,
         PCL_MODEL_CLEAN},
        {"metadata strings and two tensors",
         "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"BF16\",\"shape\":[3],"
         "\"data_offsets\":[0,6]},\"b\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[6,7]}}",
         7, PCL_MODEL_CLEAN},
        {"unknown dtype", "{\"w\":{\"dtype\":\"F33\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16,
         PCL_MODEL_UNSCANNABLE},
        {"duplicate key",
         "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
         "\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}",
         1, PCL_MODEL_UNSCANNABLE},
        {"trailing unindexed bytes",
         "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 9,
         PCL_MODEL_UNSCANNABLE},
        {"gap before a tensor", "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}",
         2, PCL_MODEL_UNSCANNABLE},
        {"overlapping tensors",
         "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
         "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}}",
         3, PCL_MODEL_UNSCANNABLE},
        {"shape product overflows 64 bits",
         "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 0,
         PCL_MODEL_UNSCANNABLE},
        {"shape disagrees with range",
         "{\"w\":{\"dtype\":\"F32\",\"shape\":[1024],\"data_offsets\":[0,16]}}", 16,
         PCL_MODEL_UNSCANNABLE},
        {"offsets past the buffer",
         "{\"w\":{\"dtype\":\"U8\",\"shape\":[16],\"data_offsets\":[0,16]}}", 8,
         PCL_MODEL_UNSCANNABLE},
        {"metadata value not a string", "{\"__metadata__\":{\"n\":1}}", 0, PCL_MODEL_UNSCANNABLE},
        {"header is an array", "[1,2,3]", 0, PCL_MODEL_UNSCANNABLE},
    };
    struct bb b;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        make_st(&b, cases[i].header, cases[i].data);
        if (outcome_of(&b, "unscannable", NULL) != cases[i].want) {
            fail_msg("safetensors case failed: %s", cases[i].what);
        }
    }
    /* header length 2^63: far beyond the file */
    b.n = 0;
    put_u64(&b, (uint64_t)1 << 63);
    put(&b, "{\"a\":1}", 7);
    assert_int_equal(outcome_of(&b, "unscannable", NULL), PCL_MODEL_UNSCANNABLE);
}

/* GGUF v3: magic, version, tensor count, kv count, kvs, tensor infos, aligned data */
enum gguf_variant {
    G_OK,
    G_ALIGN_ZERO,
    G_BAD_KV_TYPE,
    G_STRING_LEN,
    G_NDIMS,
    G_BAD_TYPE,
    G_OFFSET_OOB,
    G_UNALIGNED,
    G_DIMS_OVERFLOW,
    G_TEMPLATE,
    G_ARRAY_OVERFLOW,
    G_VERSION,
};

static void
make_gguf(struct bb *b, enum gguf_variant v)
{
    b->n = 0;
    put(b, "GGUF", 4);
    put_u32(b, v == G_VERSION ? 1 : 3);
    put_u64(b, 1); /* tensors */
    put_u64(b, 3); /* kvs */
    put_gstr(b, "general.architecture");
    put_u32(b, 8); /* string */
    if (v == G_STRING_LEN) {
        put_u64(b, UINT64_MAX);
    } else {
        put_gstr(b, "llama");
    }
    put_gstr(b, "general.alignment");
    put_u32(b, v == G_BAD_KV_TYPE ? 99 : 4); /* u32 */
    put_u32(b, v == G_ALIGN_ZERO ? 0 : 32);
    if (v == G_ARRAY_OVERFLOW) {
        put_gstr(b, "tokenizer.ggml.tokens");
        put_u32(b, 9); /* array */
        put_u32(b, 8); /* of strings */
        put_u64(b, (uint64_t)1 << 61);
    } else {
        put_gstr(b, "tokenizer.chat_template");
        put_u32(b, 8);
        put_gstr(b, v == G_TEMPLATE ? "{{ ''.__class__.__mro__[1].__subclasses__() }}"
                                    : "{% for m in messages %}{{ m['content'] }}{% endfor %}");
    }
    put_gstr(b, "w");
    put_u32(b, v == G_NDIMS ? 9 : 1);
    if (v == G_DIMS_OVERFLOW) {
        b->p[b->n - 4] = 2;
        put_u64(b, (uint64_t)1 << 40);
        put_u64(b, (uint64_t)1 << 40);
    } else {
        put_u64(b, 4);
    }
    for (int i = 1; v == G_NDIMS && i < 9; i++) {
        put_u64(b, 1);
    }
    put_u32(b, v == G_BAD_TYPE ? 4 : 0); /* F32; 4 is a removed type */
    put_u64(b, v == G_OFFSET_OOB ? 1u << 20 : v == G_UNALIGNED ? 4 : 0);
    while (b->n % 32 != 0) {
        put(b, "\0", 1);
    }
    for (int i = 0; i < 16 + (v == G_UNALIGNED ? 4 : 0); i++) {
        put(b, "\0", 1);
    }
}

static void
test_gguf_variants(void **state)
{
    static const struct {
        enum gguf_variant v;
        enum pcl_model_outcome want;
        const char *rule;
    } cases[] = {
        {G_OK, PCL_MODEL_CLEAN, NULL},
        {G_ALIGN_ZERO, PCL_MODEL_UNSCANNABLE, "unscannable"},
        {G_BAD_KV_TYPE, PCL_MODEL_UNSCANNABLE, "unscannable"},
        {G_STRING_LEN, PCL_MODEL_UNSCANNABLE, "unscannable"},
        {G_NDIMS, PCL_MODEL_UNSCANNABLE, "unscannable"},
        {G_BAD_TYPE, PCL_MODEL_UNSCANNABLE, "unscannable"},
        {G_OFFSET_OOB, PCL_MODEL_UNSCANNABLE, "unscannable"},
        {G_UNALIGNED, PCL_MODEL_UNSCANNABLE, "unscannable"},
        {G_DIMS_OVERFLOW, PCL_MODEL_UNSCANNABLE, "unscannable"},
        {G_TEMPLATE, PCL_MODEL_MALICIOUS, "template.code-execution"},
        {G_ARRAY_OVERFLOW, PCL_MODEL_UNSCANNABLE, "unscannable"},
        {G_VERSION, PCL_MODEL_UNSCANNABLE, "unscannable"},
    };
    struct bb b;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool has = true;

        make_gguf(&b, cases[i].v);
        if (outcome_of(&b, cases[i].rule != NULL ? cases[i].rule : "x", &has) != cases[i].want ||
            (cases[i].rule != NULL && !has)) {
            fail_msg("gguf variant %d failed", (int)cases[i].v);
        }
    }
    /* every truncation of a valid file is rejected, never read past the end */
    make_gguf(&b, G_OK);
    for (size_t cut = 4; cut < b.n; cut++) {
        struct bb t = b;

        t.n = cut;
        assert_int_equal(outcome_of(&t, "unscannable", NULL), PCL_MODEL_UNSCANNABLE);
    }
}

static void
test_npy_table(void **state)
{
    static const struct model_case cases[] = {
        /* v1 header, <f4 shape (2,), 8 data bytes */
        MC("npy f32",
           "\x93NUMPY\x01\x00\x3a\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n"
           "\0\0\0\0\0\0\0\0",
           PCL_MODEL_CLEAN, NULL, NULL),
        /* data shorter than shape x dtype */
        MC("npy short data",
           "\x93NUMPY\x01\x00\x3a\x00{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n"
           "\0\0\0\0",
           PCL_MODEL_UNSCANNABLE, "unscannable", NULL),
        /* shape with 2^64 elements */
        MC("npy huge shape",
           "\x93NUMPY\x01\x00\x4e\x00{'descr': '<f4', 'fortran_order': False, "
           "'shape': (4294967296, 4294967296), }\n",
           PCL_MODEL_UNSCANNABLE, "unscannable", NULL),
        /* object dtype: the payload is a pickle calling os.system */
        MC("npy object",
           "\x93NUMPY\x01\x00\x39\x00{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n"
           "cos\nsystem\n(S'id'\ntR.",
           PCL_MODEL_MALICIOUS, "pickle.dangerous-global", "os.system"),
        /* header length beyond the file */
        MC("npy header past end", "\x93NUMPY\x01\x00\xff\x00{'descr'", PCL_MODEL_UNSCANNABLE,
           "unscannable", NULL),
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        model_check(&cases[i]);
    }
}

static void
test_json_configs(void **state)
{
    static const struct model_case cases[] = {
        MC("keras dense",
           "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": "
           "{\"layers\": [{\"module\": \"keras.layers\", \"class_name\": \"Dense\"}]}}",
           PCL_MODEL_CLEAN, NULL, NULL),
        MC("keras lambda",
           "{\"class_name\": \"Sequential\", \"config\": {\"layers\": "
           "[{\"class_name\": \"Lambda\", \"config\": {\"function\": [\"eA==\"]}}]}}",
           PCL_MODEL_MALICIOUS, "keras.lambda", NULL),
        MC("keras module ref",
           "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": "
           "{\"fn\": {\"module\": \"os\", \"class_name\": \"function\", "
           "\"config\": \"system\"}}}",
           PCL_MODEL_MALICIOUS, "keras.module-ref", "os.system"),
        MC("hf auto_map",
           "{\"model_type\": \"x\", \"auto_map\": {\"AutoModel\": "
           "\"modeling_x.XModel\"}}",
           PCL_MODEL_SUSPICIOUS, "hf.auto-map", NULL),
        MC("hf chat template ok",
           "{\"chat_template\": \"{% for m in messages %}{{ m.content }}"
           "{% endfor %}\"}",
           PCL_MODEL_CLEAN, NULL, NULL),
        MC("hf chat template ssti", "{\"chat_template\": \"{{ cycler.__init__.__globals__.os }}\"}",
           PCL_MODEL_MALICIOUS, "template.code-execution", NULL),
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        model_check(&cases[i]);
    }
}

static void
test_onnx_table(void **state)
{
    /* ModelProto: ir_version=8 (08 08), graph (3a) { initializer (2a) { name (42) "w",
     * external_data (6a) { key (0a) "location", value (12) PATH } } } */
    static const struct {
        const char *path;
        enum pcl_model_outcome want;
    } cases[] = {
        {"weights.bin", PCL_MODEL_CLEAN},     {"../../etc/passwd", PCL_MODEL_MALICIOUS},
        {"/etc/passwd", PCL_MODEL_MALICIOUS}, {"sub/../../x", PCL_MODEL_MALICIOUS},
        {"C:\\x", PCL_MODEL_MALICIOUS},
    };
    struct bb b;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t pl = strlen(cases[i].path);
        uint8_t entry_len = (uint8_t)(2 + 8 + 2 + pl);
        uint8_t init_len = (uint8_t)(3 + 2 + entry_len);
        uint8_t graph_len = (uint8_t)(2 + init_len);

        b.n = 0;
        put(&b, "\x08\x08\x3a", 3);
        put(&b, &graph_len, 1);
        put(&b, "\x2a", 1);
        put(&b, &init_len, 1);
        put(&b, "\x42\x01w\x6a", 4);
        put(&b, &entry_len, 1);
        put(&b, "\x0a\x08location\x12", 11);
        b.p[b.n++] = (uint8_t)pl;
        put(&b, cases[i].path, pl);
        if (outcome_of(&b, "x", NULL) != cases[i].want) {
            fail_msg("onnx case failed: %s", cases[i].path);
        }
        /* a length running past its parent is rejected */
        b.p[3] = (uint8_t)(graph_len + 1);
        assert_int_equal(outcome_of(&b, "x", NULL), PCL_MODEL_UNSCANNABLE);
    }
    /* custom operator domain in opset_import (42) { domain (0a) "evil.ops" version (10) 1 } */
    b.n = 0;
    put(&b,
        "\x08\x08\x42\x0c\x0a\x08"
        "evil.ops\x10\x01",
        16);
    {
        bool has = false;

        assert_int_equal(outcome_of(&b, "onnx.custom-domain", &has), PCL_MODEL_SUSPICIOUS);
        assert_true(has);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_safetensors_table), cmocka_unit_test(test_gguf_variants),
        cmocka_unit_test(test_npy_table),         cmocka_unit_test(test_json_configs),
        cmocka_unit_test(test_onnx_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
