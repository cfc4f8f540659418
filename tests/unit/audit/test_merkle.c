/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the Merkle tree against every proof vector in $PCL_EVAL_DIR/tlog (RFC 6962 8-leaf
 * tree, transparency-dev probes, the CT python tests, our generated 1,100-leaf tree, tile
 * paths), plus generation/verification round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <unistd.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <portcullis/audit.h>

#include "pcl_test.h"

#define HS PCL_MERKLE_HASH_SIZE

/* ---- an in-memory tree serving complete subtrees to the provers ----------------------- */

struct memtree {
    uint8_t (*leaves)[HS]; /* array of n */
    size_t n;
    unsigned long reads;
};

static enum pcl_rc
mem_get(void *arg, unsigned level, uint64_t index, uint8_t out[HS], struct pcl_err *err)
{
    struct memtree *t = arg;
    uint64_t lo = index << level, hi = (index + 1) << level;
    struct pcl_merkle_frontier *f;

    (void)err;
    t->reads++;
    if (hi > t->n) {
        return PCL_ENOTFOUND;
    }
    f = malloc(sizeof(*f));
    assert_non_null(f);
    pcl_merkle_frontier_init(f);
    for (uint64_t i = lo; i < hi; i++) {
        assert_int_equal(pcl_merkle_frontier_push(f, t->leaves[i], NULL, NULL, NULL), PCL_OK);
    }
    pcl_merkle_frontier_root(f, out);
    free(f);
    return PCL_OK;
}

static void
memtree_root(const struct memtree *t, uint64_t size, uint8_t out[HS])
{
    struct pcl_merkle_frontier f;

    pcl_merkle_frontier_init(&f);
    for (uint64_t i = 0; i < size; i++) {
        assert_int_equal(pcl_merkle_frontier_push(&f, t->leaves[i], NULL, NULL, NULL), PCL_OK);
    }
    pcl_merkle_frontier_root(&f, out);
}

/* ---- helpers reading the vectors ------------------------------------------------------ */

static const char *
eval_dir(void)
{
    return pcl_test_eval_dir("tlog");
}

static json_t *
load_json(const char *rel)
{
    char path[4096];
    json_error_t jerr;
    json_t *j;

    (void)snprintf(path, sizeof(path), "%s/tlog/%s", eval_dir(), rel);
    j = json_load_file(path, 0, &jerr);
    if (j == NULL) {
        fail_msg("%s: %s (line %d)", path, jerr.text, jerr.line);
    }
    return j;
}

#define SKIP_WITHOUT_EVAL() PCL_TEST_SKIP_WITHOUT_EVAL("tlog")

/* A hash from base64; false for "" (a missing hash, which our 32-byte API cannot express, so
 * the probe counts as rejected). The transparency-dev vectors also use short placeholder
 * strings ("don't care") where only equality matters; those are mapped injectively to 32 bytes
 * (SHA-256 with a domain prefix), which keeps equal-vs-different, the property they test. */
static bool
b64_hash(const char *s, uint8_t out[HS])
{
    uint8_t buf[256];
    size_t n = 0;

    assert_int_equal(pcl_base64_decode(s, strlen(s), PCL_B64_STD, buf, sizeof(buf), &n, NULL),
                     PCL_OK);
    if (n == 0) {
        return false;
    }
    if (n == HS) {
        memcpy(out, buf, HS);
        return true;
    }
    {
        uint8_t tmp[300];

        memcpy(tmp, "not-a-hash:", 11);
        memcpy(tmp + 11, buf, n);
        pcl_merkle_leaf_hash(tmp, 11 + n, out);
    }
    return true;
}

static void
hex_hash(const char *s, uint8_t out[HS])
{
    assert_int_equal(pcl_test_unhex(s, out, HS), HS);
}

/* proof array from a JSON array of base64 (or null) */
static size_t
b64_proof_m(json_t *arr, uint8_t (*proof)[HS], bool *missing)
{
    size_t i;
    json_t *v;

    if (!json_is_array(arr)) {
        return 0;
    }
    json_array_foreach (arr, i, v) {
        assert_true(i < PCL_MERKLE_MAX_PROOF);
        if (!b64_hash(json_string_value(v), proof[i])) {
            *missing = true;
        }
    }
    return json_array_size(arr);
}

static size_t
b64_proof(json_t *arr, uint8_t (*proof)[HS])
{
    bool missing = false;
    size_t n = b64_proof_m(arr, proof, &missing);

    assert_false(missing);
    return n;
}

static size_t
hex_proof(json_t *arr, uint8_t (*proof)[HS])
{
    size_t i;
    json_t *v;

    json_array_foreach (arr, i, v) {
        hex_hash(json_string_value(v), proof[i]);
    }
    return json_array_size(arr);
}

static uint64_t
jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    assert_true(json_is_integer(v));
    return (uint64_t)json_integer_value(v);
}

/* Integer field `key` of a one-object JSON text, read as uint64 (jansson stops at INT64_MAX and
 * the probes use 2^64 - 1). */
static uint64_t
raw_u64(const char *text, const char *key)
{
    char pat[64];
    const char *p;

    (void)snprintf(pat, sizeof(pat), "\"%s\":", key);
    p = strstr(text, pat);
    assert_non_null(p);
    return strtoull(p + strlen(pat), NULL, 10);
}

/* Field `key` of probe c, from the raw text when given (see raw_u64). */
static uint64_t
probe_u64(json_t *c, const char *text, const char *key)
{
    return text != NULL ? raw_u64(text, key) : jint(c, key);
}

/* Runs one transparency-dev style probe (text: its file, NULL inside an array); returns 1 when
 * it matched wantErr. */
static int
run_probe(json_t *c, const char *text, const char *where)
{
    uint8_t proof[PCL_MERKLE_MAX_PROOF][HS];
    uint8_t a[HS], b[HS];
    bool missing = false;
    size_t n = b64_proof_m(json_object_get(c, "proof"), proof, &missing);
    bool want_err = json_is_true(json_object_get(c, "wantErr"));
    struct pcl_err err = {0};
    enum pcl_rc rc;

    if (json_object_get(c, "leafIdx") != NULL) {
        missing |= !b64_hash(json_string_value(json_object_get(c, "leafHash")), a);
        missing |= !b64_hash(json_string_value(json_object_get(c, "root")), b);
        rc = pcl_merkle_verify_inclusion(probe_u64(c, text, "leafIdx"),
                                         probe_u64(c, text, "treeSize"), a,
                                         (const uint8_t(*)[HS])proof, n, b, &err);
    } else {
        missing |= !b64_hash(json_string_value(json_object_get(c, "root1")), a);
        missing |= !b64_hash(json_string_value(json_object_get(c, "root2")), b);
        rc = pcl_merkle_verify_consistency(probe_u64(c, text, "size1"), probe_u64(c, text, "size2"),
                                           (const uint8_t(*)[HS])proof, n, a, b, &err);
    }
    if (missing) {
        /* a missing hash cannot be passed to the API: it is a rejected input */
        assert_true(want_err);
        return 1;
    }
    if ((rc != PCL_OK) != want_err) {
        fail_msg("%s (%s): want %s, got %s: %s", where,
                 json_string_value(json_object_get(c, "desc")), want_err ? "error" : "ok",
                 pcl_rc_str(rc), err.msg);
    }
    if (rc != PCL_OK) {
        assert_int_equal(rc, PCL_EINVAL);
        assert_non_null(strstr(err.msg, "merkle: "));
    }
    return 1;
}

static int
walk_probes(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int count = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        json_error_t jerr;
        json_t *j;
        char *text;

        if (e->d_name[0] == '.') {
            continue;
        }
        (void)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR) {
            count += walk_probes(path);
            continue;
        }
        if (strstr(e->d_name, ".json") == NULL) {
            continue; /* LICENSE */
        }
        text = pcl_test_read_file(path, NULL);
        assert_non_null(text);
        j = json_loads(text, JSON_DECODE_INT_AS_REAL, &jerr);
        assert_non_null(j);
        count += run_probe(j, text, path);
        json_decref(j);
        free(text);
    }
    (void)closedir(d);
    return count;
}

/* ---- tests ---------------------------------------------------------------------------- */

static void
test_merkle_transparency_dev_probes(void **state)
{
    char dir[4096];
    int n;

    (void)state;
    SKIP_WITHOUT_EVAL();
    (void)snprintf(dir, sizeof(dir), "%s/tlog/transparency-dev-merkle", eval_dir());
    n = walk_probes(dir);
    assert_true(n >= 196);
}

static void
test_merkle_rfc6962_8leaf(void **state)
{
    json_t *j;
    json_t *v;
    size_t i;
    uint8_t leaves[8][HS];
    struct memtree t = {.leaves = leaves, .n = 8};

    (void)state;
    SKIP_WITHOUT_EVAL();
    j = load_json("rfc6962-8leaf.json");
    json_array_foreach (json_object_get(j, "leaf_inputs_hex"), i, v) {
        uint8_t data[64], want[HS];
        size_t n = pcl_test_unhex(json_string_value(v), data, sizeof(data));

        pcl_merkle_leaf_hash(data, n, leaves[i]);
        hex_hash(json_string_value(json_array_get(json_object_get(j, "leaf_hashes_hex"), i)), want);
        assert_memory_equal(leaves[i], want, HS);
    }
    /* every node by level */
    json_array_foreach (json_object_get(j, "node_hashes_hex_by_level"), i, v) {
        size_t k;
        json_t *h;

        json_array_foreach (v, k, h) {
            uint8_t got[HS], want[HS];

            hex_hash(json_string_value(h), want);
            assert_int_equal(mem_get(&t, (unsigned)i, k, got, NULL), PCL_OK);
            assert_memory_equal(got, want, HS);
        }
    }
    json_array_foreach (json_object_get(j, "roots_hex_by_size"), i, v) {
        uint8_t got[HS], want[HS];

        hex_hash(json_string_value(v), want);
        memtree_root(&t, i, got);
        assert_memory_equal(got, want, HS);
    }
    json_array_foreach (json_object_get(j, "inclusion_proofs"), i, v) {
        uint8_t want[PCL_MERKLE_MAX_PROOF][HS], got[PCL_MERKLE_MAX_PROOF][HS], root[HS];
        size_t nw = hex_proof(json_object_get(v, "proof_hex"), want), ng = 0;
        uint64_t idx = jint(v, "leaf_index"), size = jint(v, "tree_size");

        assert_int_equal(pcl_merkle_prove_inclusion(idx, size, mem_get, &t, got, &ng, NULL),
                         PCL_OK);
        assert_int_equal(ng, nw);
        assert_memory_equal(got, want, nw * HS);
        memtree_root(&t, size, root);
        assert_int_equal(pcl_merkle_verify_inclusion(idx, size, leaves[idx],
                                                     (const uint8_t(*)[HS])want, nw, root, NULL),
                         PCL_OK);
    }
    json_array_foreach (json_object_get(j, "consistency_proofs"), i, v) {
        uint8_t want[PCL_MERKLE_MAX_PROOF][HS], got[PCL_MERKLE_MAX_PROOF][HS], r1[HS], r2[HS];
        size_t nw = hex_proof(json_object_get(v, "proof_hex"), want), ng = 0;
        uint64_t s1 = jint(v, "size1"), s2 = jint(v, "size2");

        assert_int_equal(pcl_merkle_prove_consistency(s1, s2, mem_get, &t, got, &ng, NULL), PCL_OK);
        assert_int_equal(ng, nw);
        assert_memory_equal(got, want, nw * HS);
        memtree_root(&t, s1, r1);
        memtree_root(&t, s2, r2);
        assert_int_equal(
            pcl_merkle_verify_consistency(s1, s2, (const uint8_t(*)[HS])want, nw, r1, r2, NULL),
            PCL_OK);
    }
    json_decref(j);
}

static void
test_merkle_ct_python(void **state)
{
    json_t *j, *inc, *h;
    size_t i;
    json_t *v;
    uint8_t data[8192], leaf[HS], root[HS], proof[PCL_MERKLE_MAX_PROOF][HS], want[HS];
    size_t n, np;

    (void)state;
    SKIP_WITHOUT_EVAL();
    j = load_json("ct-python-merkle-test.json");
    h = json_object_get(j, "hasher");
    hex_hash(json_string_value(json_object_get(h, "empty_hex")), want);
    pcl_merkle_empty_root(root);
    assert_memory_equal(root, want, HS);
    json_array_foreach (json_object_get(h, "leaves"), i, v) {
        n = pcl_test_unhex(json_string_value(json_object_get(v, "data_hex")), data, sizeof(data));
        pcl_merkle_leaf_hash(data, n, leaf);
        hex_hash(json_string_value(json_object_get(v, "hash_hex")), want);
        assert_memory_equal(leaf, want, HS);
    }
    json_array_foreach (json_object_get(h, "nodes"), i, v) {
        uint8_t l[HS], r[HS];

        hex_hash(json_string_value(json_object_get(v, "left_hex")), l);
        hex_hash(json_string_value(json_object_get(v, "right_hex")), r);
        hex_hash(json_string_value(json_object_get(v, "hash_hex")), want);
        pcl_merkle_node_hash(l, r, leaf);
        assert_memory_equal(leaf, want, HS);
    }
    inc = json_object_get(j, "inclusion");
    n = pcl_test_unhex(json_string_value(json_object_get(inc, "leaf_input_hex")), data,
                       sizeof(data));
    pcl_merkle_leaf_hash(data, n, leaf);
    np = 0;
    json_array_foreach (json_object_get(inc, "audit_path_hex"), i, v) {
        hex_hash(json_string_value(v), proof[np++]);
    }
    assert_int_equal(np, 22);
    hex_hash(json_string_value(json_object_get(inc, "root_hex")), root);
    assert_int_equal(pcl_merkle_verify_inclusion(jint(inc, "leaf_index"), jint(inc, "tree_size"),
                                                 leaf, (const uint8_t(*)[HS])proof, np, root, NULL),
                     PCL_OK);
    /* one flipped bit anywhere fails */
    proof[7][3] ^= 1;
    assert_int_equal(pcl_merkle_verify_inclusion(jint(inc, "leaf_index"), jint(inc, "tree_size"),
                                                 leaf, (const uint8_t(*)[HS])proof, np, root, NULL),
                     PCL_EINVAL);
    json_decref(j);
}

/* The 1,100-leaf tree: every root 0..1100, the generated proofs (ours must equal them byte for
 * byte) and their negative variants. */
static void
test_merkle_generated_1100(void **state)
{
    char path[4096];
    char *text;
    uint8_t(*leaves)[HS] = NULL;
    struct memtree t = {.n = 0};
    json_t *roots, *proofs, *v;
    size_t i;
    struct pcl_merkle_frontier f;
    const char *p;

    (void)state;
    SKIP_WITHOUT_EVAL();
    leaves = calloc(1100, HS);
    t.leaves = leaves;
    assert_non_null(leaves);
    (void)snprintf(path, sizeof(path), "%s/tlog/generated/leaves.txt", eval_dir());
    text = pcl_test_read_file(path, NULL);
    if (text == NULL || leaves == NULL) {
        fail_msg("%s: unreadable", path);
        free(text);
        free(leaves);
        return;
    }
    for (p = text; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

        if (n > 0) {
            pcl_merkle_leaf_hash(p, n, leaves[t.n++]);
        }
        p += n + (nl != NULL);
    }
    free(text);
    assert_int_equal(t.n, 1100);

    roots = load_json("generated/roots.json");
    pcl_merkle_frontier_init(&f);
    json_array_foreach (json_object_get(roots, "roots"), i, v) {
        uint8_t got[HS], want[HS];

        assert_int_equal(jint(v, "size"), i);
        if (i > 0) {
            assert_int_equal(pcl_merkle_frontier_push(&f, leaves[i - 1], NULL, NULL, NULL), PCL_OK);
        }
        pcl_merkle_frontier_root(&f, got);
        hex_hash(json_string_value(json_object_get(v, "hex")), want);
        assert_memory_equal(got, want, HS);
    }
    assert_int_equal(json_array_size(json_object_get(roots, "roots")), 1101);
    json_decref(roots);

    proofs = load_json("generated/proofs.json");
    json_array_foreach (json_object_get(proofs, "inclusion"), i, v) {
        run_probe(v, NULL, "generated/proofs.json inclusion");
        if (json_is_false(json_object_get(v, "wantErr"))) {
            uint8_t want[PCL_MERKLE_MAX_PROOF][HS], got[PCL_MERKLE_MAX_PROOF][HS];
            size_t nw = b64_proof(json_object_get(v, "proof"), want), ng = 0;

            assert_int_equal(pcl_merkle_prove_inclusion(jint(v, "leafIdx"), jint(v, "treeSize"),
                                                        mem_get, &t, got, &ng, NULL),
                             PCL_OK);
            assert_int_equal(ng, nw);
            assert_memory_equal(got, want, nw * HS);
        }
    }
    json_array_foreach (json_object_get(proofs, "consistency"), i, v) {
        run_probe(v, NULL, "generated/proofs.json consistency");
        if (json_is_false(json_object_get(v, "wantErr"))) {
            uint8_t want[PCL_MERKLE_MAX_PROOF][HS], got[PCL_MERKLE_MAX_PROOF][HS];
            size_t nw = b64_proof(json_object_get(v, "proof"), want), ng = 0;

            assert_int_equal(pcl_merkle_prove_consistency(jint(v, "size1"), jint(v, "size2"),
                                                          mem_get, &t, got, &ng, NULL),
                             PCL_OK);
            assert_int_equal(ng, nw);
            assert_memory_equal(got, want, nw * HS);
        }
    }
    json_decref(proofs);
    free(leaves);
}

/* Every (index, size) and (size1, size2) pair up to 70 leaves: generate, verify, and check
 * that proofs use O(log n) reads. */
static void
test_merkle_prove_verify_exhaustive(void **state)
{
    enum { N = 70 };
    uint8_t leaves[N][HS];
    uint8_t roots[N + 1][HS];
    struct memtree t = {.leaves = leaves, .n = N};

    (void)state;
    for (int i = 0; i < N; i++) {
        char d[16];

        (void)snprintf(d, sizeof(d), "e%d", i);
        pcl_merkle_leaf_hash(d, strlen(d), leaves[i]);
    }
    for (int s = 0; s <= N; s++) {
        memtree_root(&t, (uint64_t)s, roots[s]);
    }
    for (uint64_t size = 1; size <= N; size++) {
        for (uint64_t idx = 0; idx < size; idx++) {
            uint8_t proof[PCL_MERKLE_MAX_PROOF][HS];
            size_t n = 0;

            t.reads = 0;
            assert_int_equal(pcl_merkle_prove_inclusion(idx, size, mem_get, &t, proof, &n, NULL),
                             PCL_OK);
            assert_true(t.reads <= 2 * 7);
            assert_int_equal(pcl_merkle_verify_inclusion(idx, size, leaves[idx],
                                                         (const uint8_t(*)[HS])proof, n,
                                                         roots[size], NULL),
                             PCL_OK);
            if (n > 0) {
                /* a wrong index with the same proof fails */
                assert_int_not_equal(pcl_merkle_verify_inclusion(idx ^ 1, size, leaves[idx],
                                                                 (const uint8_t(*)[HS])proof, n,
                                                                 roots[size], NULL),
                                     PCL_OK);
            }
        }
        for (uint64_t s1 = 1; s1 <= size; s1++) {
            uint8_t proof[PCL_MERKLE_MAX_PROOF][HS];
            size_t n = 0;

            t.reads = 0;
            assert_int_equal(pcl_merkle_prove_consistency(s1, size, mem_get, &t, proof, &n, NULL),
                             PCL_OK);
            assert_true(t.reads <= 2 * 7 + 1);
            assert_int_equal(pcl_merkle_verify_consistency(s1, size, (const uint8_t(*)[HS])proof, n,
                                                           roots[s1], roots[size], NULL),
                             PCL_OK);
            if (s1 < size) {
                assert_int_not_equal(
                    pcl_merkle_verify_consistency(s1, size, (const uint8_t(*)[HS])proof, n,
                                                  roots[s1 - 1], roots[size], NULL),
                    PCL_OK);
            }
        }
    }
}

static void
test_merkle_edge_cases_documented(void **state)
{
    uint8_t e[HS], a[HS];
    struct pcl_err err;

    (void)state;
    pcl_merkle_empty_root(e);
    pcl_merkle_leaf_hash("x", 1, a);
    /* from the empty tree: always rejected */
    assert_int_equal(pcl_merkle_verify_consistency(0, 0, NULL, 0, e, e, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "empty tree"));
    assert_int_equal(pcl_merkle_verify_consistency(0, 1, NULL, 0, e, a, &err), PCL_EINVAL);
    /* equal sizes: empty proof and equal roots */
    assert_int_equal(pcl_merkle_verify_consistency(1, 1, NULL, 0, a, a, &err), PCL_OK);
    assert_int_equal(pcl_merkle_verify_consistency(1, 1, NULL, 0, a, e, &err), PCL_EINVAL);
    assert_int_equal(pcl_merkle_verify_consistency(2, 1, NULL, 0, a, a, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "larger"));
    /* inclusion in the empty tree */
    assert_int_equal(pcl_merkle_verify_inclusion(0, 0, a, NULL, 0, e, &err), PCL_EINVAL);
}

static void
test_tile_paths(void **state)
{
    json_t *j, *v;
    size_t i;

    (void)state;
    SKIP_WITHOUT_EVAL();
    j = load_json("tile-paths.json");
    json_array_foreach (json_object_get(j, "c2sp_index_encoding"), i, v) {
        struct pcl_buf b;

        pcl_buf_init(&b, 0);
        assert_int_equal(pcl_tile_index_encode(jint(v, "index"), &b), PCL_OK);
        assert_string_equal(b.ptr, json_string_value(json_object_get(v, "path")));
        pcl_buf_fini(&b);
    }
    json_array_foreach (json_object_get(j, "c2sp_paths"), i, v) {
        struct pcl_buf b;
        const char *want = json_string_value(json_object_get(v, "path"));
        int level = 0;
        uint64_t index = 0;
        unsigned width = 0;

        pcl_buf_init(&b, 0);
        assert_int_equal(pcl_tile_path((int)json_integer_value(json_object_get(v, "level")),
                                       jint(v, "index"), (unsigned)jint(v, "width"), &b),
                         PCL_OK);
        assert_string_equal(b.ptr, want);
        pcl_buf_fini(&b);
        assert_int_equal(pcl_tile_path_parse(want, strlen(want), &level, &index, &width, NULL),
                         PCL_OK);
        assert_int_equal(level, json_integer_value(json_object_get(v, "level")));
        assert_int_equal(index, jint(v, "index"));
        assert_int_equal(width, jint(v, "width"));
    }
    /* Go sumdb paths carry a height element; C2SP has none, so strip "tile/<H>/" and map data
     * to entries before parsing, and reject the invalid ones either way */
    json_array_foreach (json_object_get(j, "go_sumdb_paths"), i, v) {
        const char *path = json_string_value(json_object_get(v, "path"));
        const char *rest = strchr(path + 5, '/');
        char c2sp[256];
        int level = 0;
        uint64_t index = 0;
        unsigned width = 0;
        enum pcl_rc rc;

        assert_non_null(rest);
        if (strncmp(rest + 1, "data/", 5) == 0) {
            (void)snprintf(c2sp, sizeof(c2sp), "tile/entries/%s", rest + 6);
        } else {
            (void)snprintf(c2sp, sizeof(c2sp), "tile%s", rest);
        }
        rc = pcl_tile_path_parse(c2sp, strlen(c2sp), &level, &index, &width, NULL);
        if (json_is_true(json_object_get(v, "invalid"))) {
            assert_int_equal(rc, PCL_EINVAL);
            continue;
        }
        assert_int_equal(rc, PCL_OK);
        assert_int_equal(level, json_integer_value(json_object_get(v, "L")));
        assert_int_equal(index, jint(v, "N"));
        /* a full Go tile of height H has width 2^H; C2SP's full width is 256 */
        if (jint(v, "W") == (1u << jint(v, "H"))) {
            assert_int_equal(width, 256);
        } else {
            assert_int_equal(width, jint(v, "W"));
        }
    }
    json_decref(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merkle_transparency_dev_probes),
        cmocka_unit_test(test_merkle_rfc6962_8leaf),
        cmocka_unit_test(test_merkle_ct_python),
        cmocka_unit_test(test_merkle_generated_1100),
        cmocka_unit_test(test_merkle_prove_verify_exhaustive),
        cmocka_unit_test(test_merkle_edge_cases_documented),
        cmocka_unit_test(test_tile_paths),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
