/* SPDX-License-Identifier: Apache-2.0 */
/* Validators of the tensor formats that carry no code: NumPy .npy (object arrays hand their
 * embedded pickle to the emulator), safetensors (header JSON, dtypes, shapes, exact tiling of
 * the byte buffer) and GGUF v2/v3 (metadata types, lengths, tensor bounds and alignment, and
 * chat templates that try to escape the Jinja sandbox). Every size is overflow-checked. */
#include "mscan.h"

#include <jansson.h>

#define ST_MAX_HEADER ((uint64_t)100 << 20) /* safetensors' own limit */
#define GGUF_MAX_DIMS 4

/* ---- npy ---------------------------------------------------------------------------------- */

/* Value after 'key': in a Python dict literal; returns pointer to it or NULL. */
static const char *
npy_find(const char *h, size_t n, const char *key)
{
    size_t k = strlen(key);

    for (size_t i = 0; i + k + 2 < n; i++) {
        if ((h[i] == '\'' || h[i] == '"') && memcmp(h + i + 1, key, k) == 0 &&
            h[i + 1 + k] == h[i]) {
            const char *p = h + i + k + 2;

            while (p < h + n && (*p == ' ' || *p == ':')) {
                p++;
            }
            return p < h + n ? p : NULL;
        }
    }
    return NULL;
}

static long
npy_itemsize(const char *p, const char *end)
{
    char q;
    char kind;
    long v = 0;

    if (p >= end || (*p != '\'' && *p != '"')) {
        return -1;
    }
    q = *p++;
    if (p < end && (*p == '<' || *p == '>' || *p == '|' || *p == '=')) {
        p++;
    }
    if (p >= end) {
        return -1;
    }
    kind = *p++;
    if (kind == 'O') {
        return 0;
    }
    if (kind == '?') {
        return 1;
    }
    if (strchr("biufcSUVMm", kind) == NULL) {
        return -1;
    }
    while (p < end && pcl_is_digit(*p) && v < (1L << 24)) {
        v = v * 10 + (*p++ - '0');
    }
    if (p >= end || (*p != q && *p != '[') || v <= 0) {
        return -1;
    }
    return kind == 'U' ? v * 4 : v;
}

/* Item size of the array whose header is at d[0..n) (0 = object dtype, -1 = not
 * understood), or -2 when the header is not complete in n bytes. */
static long
npy_item(const uint8_t *d, size_t n)
{
    size_t hoff = n >= 7 && d[6] == 1 ? 10 : 12, hlen;
    const char *h, *descr;

    if (n < hoff || d[6] < 1 || d[6] > 3) {
        return -2;
    }
    hlen = d[6] == 1 ? mscan_le16(d + 8) : mscan_le32(d + 8);
    if (hlen > n - hoff) {
        return -2;
    }
    h = (const char *)d + hoff;
    descr = npy_find(h, hlen, "descr");
    return descr == NULL || *descr == '[' ? -1 : npy_itemsize(descr, h + hlen);
}

bool
mscan_npy_streamable(const uint8_t *d, size_t avail)
{
    return avail >= 6 && memcmp(d, "\x93NUMPY", 6) == 0 && npy_item(d, avail) > 0;
}

enum pcl_rc
mscan_npy(struct mscan *s, const uint8_t *d, size_t n)
{
    return mscan_npy_sized(s, d, n, n);
}

enum pcl_rc
mscan_npy_sized(struct mscan *s, const uint8_t *d, size_t n, uint64_t total)
{
    size_t hlen, hoff;
    const char *h, *end, *descr, *shape;
    long item;
    uint64_t count = 1, bytes;

    if (n < 10 || d[6] < 1 || d[6] > 3) {
        return mscan_unscannable(s, 6, "npy: unsupported version");
    }
    if (d[6] == 1) {
        hlen = mscan_le16(d + 8);
        hoff = 10;
    } else {
        if (n < 12) {
            return mscan_unscannable(s, 8, "npy: truncated header");
        }
        hlen = mscan_le32(d + 8);
        hoff = 12;
    }
    if (hlen > n - hoff) {
        return mscan_unscannable(s, 8, "npy: header of %zu bytes runs past the end", hlen);
    }
    h = (const char *)d + hoff;
    end = h + hlen;
    descr = npy_find(h, hlen, "descr");
    shape = npy_find(h, hlen, "shape");
    if (descr == NULL || shape == NULL || *shape != '(') {
        return mscan_unscannable(s, hoff, "npy: header lacks descr or shape");
    }
    if (*descr == '[') {
        /* structured dtype: any object field makes the payload a pickle */
        const char *q = descr;

        item = -1;
        for (; q + 2 < end && *q != ']'; q++) {
            if ((q[0] == '\'' || q[0] == '"') && (q[1] == 'O' || (q[1] == '|' && q[2] == 'O'))) {
                item = 0;
            }
        }
    } else {
        item = npy_itemsize(descr, end);
    }
    if (item == 0 && total != n) {
        return mscan_unscannable(s, hoff, "npy: object array seen only in part");
    }
    if (item == 0) {
        size_t old = mscan_member_push(s, "<npy object array>", 18);
        enum pcl_rc rc = mscan_pickle(s, d + hoff + hlen, n - hoff - hlen);

        mscan_member_pop(s, old);
        return rc;
    }
    if (item < 0) {
        return mscan_unscannable(s, hoff, "npy: structured or unknown dtype not validated");
    }
    for (const char *p = shape + 1; p < end && *p != ')';) {
        uint64_t v = 0;

        while (p < end && (*p == ' ' || *p == ',')) {
            p++;
        }
        if (p >= end || *p == ')') {
            break;
        }
        if (!pcl_is_digit(*p)) {
            return mscan_unscannable(s, hoff, "npy: shape is not a tuple of integers");
        }
        while (p < end && pcl_is_digit(*p)) {
            if (v > (UINT64_MAX - 9) / 10) {
                return mscan_unscannable(s, hoff, "npy: shape dimension overflows 64 bits");
            }
            v = v * 10 + (uint64_t)(*p++ - '0');
        }
        if (p < end && *p == 'L') {
            p++;
        }
        if (__builtin_mul_overflow(count, v, &count)) {
            return mscan_unscannable(s, hoff, "npy: element count overflows 64 bits");
        }
    }
    if (__builtin_mul_overflow(count, (uint64_t)item, &bytes) || bytes != total - hoff - hlen) {
        return mscan_unscannable(
            s, hoff, "npy: shape and dtype give %llu bytes but the file holds %llu",
            (unsigned long long)bytes, (unsigned long long)(total - hoff - hlen));
    }
    return PCL_OK;
}

/* ---- safetensors -------------------------------------------------------------------------- */

bool
mscan_safetensors_sniff(const uint8_t *d, size_t n)
{
    if (n < 10) {
        return false;
    }
    if (d[8] == '{') {
        return d[9] == '"' || d[9] == '}' || d[9] == ' ' || d[9] == '\n';
    }
    /* a header that is JSON but not an object: recognised only when its length fits */
    return (d[8] == '[' || d[8] == '"') && mscan_le64(d) <= n - 8;
}

struct st_range {
    uint64_t begin, end;
    const char *name;
};

static int
st_cmp(const void *a, const void *b)
{
    const struct st_range *x = a, *y = b;

    return x->begin < y->begin   ? -1
           : x->begin > y->begin ? 1
                                 : (x->end > y->end) - (x->end < y->end);
}

/* Bits per element, 0 when unknown. */
static unsigned
st_dtype_bits(const char *t)
{
    static const struct {
        const char *name;
        unsigned bits;
    } types[] = {
        {"BOOL", 8},    {"U8", 8},   {"I8", 8},   {"F8_E5M2", 8}, {"F8_E4M3", 8},
        {"F8_E8M0", 8}, {"I16", 16}, {"U16", 16}, {"F16", 16},    {"BF16", 16},
        {"I32", 32},    {"U32", 32}, {"F32", 32}, {"F64", 64},    {"I64", 64},
        {"U64", 64},    {"C64", 64}, {"F4", 4},   {"F6_E2M3", 6}, {"F6_E3M2", 6},
    };

    for (size_t i = 0; i < PCL_ARRAY_LEN(types); i++) {
        if (strcmp(t, types[i].name) == 0) {
            return types[i].bits;
        }
    }
    return 0;
}

/* Validate one tensor entry; an unscannable finding explains a rejection. */
static enum pcl_rc
st_check(struct mscan *s, const char *name, json_t *t, uint64_t data_len, struct st_range *r)
{
    json_t *dtype = json_object_get(t, "dtype");
    json_t *shape = json_object_get(t, "shape");
    json_t *offs = json_object_get(t, "data_offsets");
    uint64_t count = 1, bits, bytes;
    unsigned b;
    size_t i;
    json_t *dim;

    if (!json_is_object(t) || !json_is_string(dtype) || !json_is_array(shape) ||
        !json_is_array(offs) || json_array_size(offs) != 2 || json_object_size(t) != 3) {
        return mscan_unscannable(s, 8,
                                 "safetensors: tensor \"%.64s\" needs exactly dtype, "
                                 "shape and data_offsets",
                                 name);
    }
    b = st_dtype_bits(json_string_value(dtype));
    if (b == 0) {
        return mscan_unscannable(s, 8, "safetensors: tensor \"%.64s\" has unknown dtype \"%.32s\"",
                                 name, json_string_value(dtype));
    }
    json_array_foreach (shape, i, dim) {
        if (!json_is_integer(dim) || json_integer_value(dim) < 0 ||
            __builtin_mul_overflow(count, (uint64_t)json_integer_value(dim), &count)) {
            return mscan_unscannable(s, 8,
                                     "safetensors: tensor \"%.64s\" shape is not small "
                                     "non-negative integers (or overflows)",
                                     name);
        }
    }
    if (__builtin_mul_overflow(count, (uint64_t)b, &bits) || bits % 8 != 0) {
        return mscan_unscannable(s, 8, "safetensors: tensor \"%.64s\" size overflows", name);
    }
    bytes = bits / 8;
    for (i = 0; i < 2; i++) {
        json_t *o = json_array_get(offs, i);

        if (!json_is_integer(o) || json_integer_value(o) < 0) {
            return mscan_unscannable(s, 8,
                                     "safetensors: tensor \"%.64s\" data_offsets are not "
                                     "non-negative integers",
                                     name);
        }
    }
    r->begin = (uint64_t)json_integer_value(json_array_get(offs, 0));
    r->end = (uint64_t)json_integer_value(json_array_get(offs, 1));
    r->name = name;
    if (r->end < r->begin || r->end > data_len) {
        return mscan_unscannable(s, 8,
                                 "safetensors: tensor \"%.64s\" range [%llu, %llu) is "
                                 "outside the %llu-byte buffer",
                                 name, (unsigned long long)r->begin, (unsigned long long)r->end,
                                 (unsigned long long)data_len);
    }
    if (r->end - r->begin != bytes) {
        return mscan_unscannable(s, 8,
                                 "safetensors: tensor \"%.64s\" shape x dtype is %llu "
                                 "bytes but its range holds %llu",
                                 name, (unsigned long long)bytes,
                                 (unsigned long long)(r->end - r->begin));
    }
    return PCL_OK;
}

enum pcl_rc
mscan_safetensors(struct mscan *s, const uint8_t *d, size_t n)
{
    uint64_t hlen, data_len, expect = 0;
    json_t *root = NULL, *val;
    json_error_t jerr;
    struct st_range *ranges = NULL;
    size_t nr = 0, bad = 0;
    const char *key;
    enum pcl_rc rc = PCL_OK;

    if (n < 8) {
        return mscan_unscannable(s, 0, "safetensors: shorter than its length prefix");
    }
    hlen = mscan_le64(d);
    if (hlen > ST_MAX_HEADER || hlen > n - 8) {
        return mscan_unscannable(s, 0,
                                 "safetensors: header length %llu exceeds the file or the "
                                 "100 MiB limit",
                                 (unsigned long long)hlen);
    }
    if (hlen == 0 || d[8] != '{') {
        return mscan_unscannable(s, 8, "safetensors: header is not a JSON object");
    }
    if (!pcl_utf8_is_valid((const char *)d + 8, (size_t)hlen, &bad)) {
        return mscan_unscannable(s, 8 + bad, "safetensors: header is not valid UTF-8");
    }
    root = json_loadb((const char *)d + 8, (size_t)hlen, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL || !json_is_object(root)) {
        rc = mscan_unscannable(s, 8, "safetensors: header JSON: %s",
                               root == NULL ? jerr.text : "not an object");
        goto out;
    }
    data_len = n - 8 - hlen;
    ranges = pcl_calloc(json_object_size(root) + 1, sizeof(*ranges));
    if (ranges == NULL) {
        rc = pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
        goto out;
    }
    json_object_foreach (root, key, val) {
        if (strcmp(key, "__metadata__") == 0) {
            const char *mk;
            json_t *mv;

            if (!json_is_object(val)) {
                rc = mscan_unscannable(s, 8, "safetensors: __metadata__ is not an object");
                goto out;
            }
            json_object_foreach (val, mk, mv) {
                if (!json_is_string(mv)) {
                    rc = mscan_unscannable(s, 8,
                                           "safetensors: __metadata__ value \"%.64s\" is "
                                           "not a string",
                                           mk);
                    goto out;
                }
            }
            continue;
        }
        {
            size_t before = s->r->nfindings;
            uint32_t seen = before > 0 ? s->r->findings[before - 1].count : 0;

            rc = st_check(s, key, val, data_len, &ranges[nr]);
            /* the first structural error is enough: the loader rejects the file */
            if (rc != PCL_OK || s->r->nfindings != before ||
                (before > 0 && s->r->findings[before - 1].count != seen)) {
                goto out;
            }
        }
        nr++;
    }
    qsort(ranges, nr, sizeof(*ranges), st_cmp);
    for (size_t i = 0; i < nr; i++) {
        if (ranges[i].begin != expect) {
            rc = mscan_unscannable(s, 8 + hlen + PCL_MIN(ranges[i].begin, expect),
                                   ranges[i].begin < expect
                                       ? "safetensors: tensor \"%.64s\" overlaps the previous one"
                                       : "safetensors: unindexed gap before tensor \"%.64s\"",
                                   ranges[i].name);
            goto out;
        }
        expect = ranges[i].end;
    }
    if (expect != data_len) {
        rc = mscan_unscannable(s, 8 + hlen + expect,
                               "safetensors: %llu bytes after the last tensor are not indexed "
                               "(hidden data)",
                               (unsigned long long)(data_len - expect));
    }
out:
    pcl_free(ranges);
    json_decref(root);
    return rc;
}

/* ---- GGUF --------------------------------------------------------------------------------- */

enum gguf_t {
    GT_U8 = 0,
    GT_I8,
    GT_U16,
    GT_I16,
    GT_U32,
    GT_I32,
    GT_F32,
    GT_BOOL,
    GT_STRING,
    GT_ARRAY,
    GT_U64,
    GT_I64,
    GT_F64,
    GT_COUNT
};

static const uint8_t gguf_size[GT_COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};

/* ggml types: elements per block and bytes per block (0 = removed or unknown). */
static const struct {
    uint16_t blck;
    uint16_t size;
} ggml_types[] = {
    [0] = {1, 4},      [1] = {1, 2},      [2] = {32, 18},    [3] = {32, 20},    [6] = {32, 22},
    [7] = {32, 24},    [8] = {32, 34},    [9] = {32, 36},    [10] = {256, 84},  [11] = {256, 110},
    [12] = {256, 144}, [13] = {256, 176}, [14] = {256, 210}, [15] = {256, 292}, [16] = {256, 66},
    [17] = {256, 74},  [18] = {256, 98},  [19] = {256, 50},  [20] = {32, 18},   [21] = {256, 110},
    [22] = {256, 82},  [23] = {256, 136}, [24] = {1, 1},     [25] = {1, 2},     [26] = {1, 4},
    [27] = {1, 8},     [28] = {1, 8},     [29] = {256, 56},  [30] = {1, 2},     [34] = {256, 54},
    [35] = {256, 66},  [39] = {32, 17},
};

struct gg {
    struct mscan *s;
    const uint8_t *d;
    size_t n, pos;
    bool bad;
    enum pcl_rc rc; /* PCL_ENOMEM once a finding could not be added */
    uint64_t alignment;
};

static bool gg_fail(struct gg *g, const char *fmt, ...) PCL_PRINTF(2, 3);

static bool
gg_fail(struct gg *g, const char *fmt, ...)
{
    char msg[PCL_ERR_MSG_SIZE];
    va_list ap;

    if (!g->bad) {
        va_start(ap, fmt);
        (void)vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        g->bad = true;
        g->rc = mscan_unscannable(g->s, g->pos, "gguf: %s", msg);
    }
    return false;
}

static bool
gg_u32(struct gg *g, uint32_t *v)
{
    if (g->n - g->pos < 4) {
        return gg_fail(g, "truncated at offset %zu", g->pos);
    }
    *v = mscan_le32(g->d + g->pos);
    g->pos += 4;
    return true;
}

static bool
gg_u64(struct gg *g, uint64_t *v)
{
    if (g->n - g->pos < 8) {
        return gg_fail(g, "truncated at offset %zu", g->pos);
    }
    *v = mscan_le64(g->d + g->pos);
    g->pos += 8;
    return true;
}

static bool
gg_str(struct gg *g, const uint8_t **p, uint64_t *len)
{
    if (!gg_u64(g, len)) {
        return false;
    }
    if (*len > g->n - g->pos) {
        g->pos -= 8;
        return gg_fail(g, "string length %llu runs past the end of the file",
                       (unsigned long long)*len);
    }
    *p = g->d + g->pos;
    g->pos += (size_t)*len;
    return true;
}

static bool
gg_key_is(const uint8_t *k, uint64_t kl, const char *s)
{
    return kl == strlen(s) && memcmp(k, s, (size_t)kl) == 0;
}

static bool
gg_value(struct gg *g, uint32_t type, const uint8_t *key, uint64_t kl)
{
    const uint8_t *p;
    uint64_t len, count;
    uint32_t et;

    if (type >= GT_COUNT) {
        return gg_fail(g, "metadata \"%.*s\" has unknown type %u", (int)PCL_MIN(kl, 64),
                       (const char *)key, type);
    }
    if (type == GT_STRING) {
        size_t at = g->pos;

        if (!gg_str(g, &p, &len)) {
            return false;
        }
        if (kl >= 23 && memcmp(key, "tokenizer.chat_template", 23) == 0) {
            g->rc = mscan_jinja(g->s, (const char *)p, (size_t)len, at);
            return g->rc == PCL_OK;
        }
        return true;
    }
    if (type == GT_ARRAY) {
        if (!gg_u32(g, &et) || !gg_u64(g, &count)) {
            return false;
        }
        if (et >= GT_COUNT || et == GT_ARRAY) {
            return gg_fail(g, "array \"%.*s\" has element type %u", (int)PCL_MIN(kl, 64),
                           (const char *)key, et);
        }
        if (et == GT_STRING) {
            if (count > (g->n - g->pos) / 8) {
                return gg_fail(g, "array \"%.*s\" claims %llu strings, more than the file holds",
                               (int)PCL_MIN(kl, 64), (const char *)key, (unsigned long long)count);
            }
            for (uint64_t i = 0; i < count; i++) {
                if (!gg_str(g, &p, &len)) {
                    return false;
                }
            }
            return true;
        }
        if (__builtin_mul_overflow(count, (uint64_t)gguf_size[et], &len) || len > g->n - g->pos) {
            return gg_fail(g, "array \"%.*s\" of %llu elements runs past the end of the file",
                           (int)PCL_MIN(kl, 64), (const char *)key, (unsigned long long)count);
        }
        g->pos += (size_t)len;
        return true;
    }
    if (g->n - g->pos < gguf_size[type]) {
        return gg_fail(g, "truncated value of \"%.*s\"", (int)PCL_MIN(kl, 64), (const char *)key);
    }
    if (type == GT_BOOL && g->d[g->pos] > 1) {
        return gg_fail(g, "bool \"%.*s\" is %u", (int)PCL_MIN(kl, 64), (const char *)key,
                       g->d[g->pos]);
    }
    if (gg_key_is(key, kl, "general.alignment")) {
        uint64_t a = type == GT_U32 ? mscan_le32(g->d + g->pos) : 0;

        if (type != GT_U32 || a == 0 || (a & (a - 1)) != 0) {
            return gg_fail(g, "general.alignment must be a non-zero power of two (u32)");
        }
        g->alignment = a;
    }
    g->pos += gguf_size[type];
    return true;
}

struct gg_tensor {
    uint64_t off, bytes;
};

static int
gg_cmp(const void *a, const void *b)
{
    const struct gg_tensor *x = a, *y = b;

    return (x->off > y->off) - (x->off < y->off);
}

static bool
gg_tensor_info(struct gg *g, struct gg_tensor *t)
{
    const uint8_t *name;
    uint64_t nl, ne = 1, dim, nbytes;
    uint32_t nd, type;

    if (!gg_str(g, &name, &nl) || !gg_u32(g, &nd)) {
        return false;
    }
    if (nd == 0 || nd > GGUF_MAX_DIMS) {
        return gg_fail(g, "tensor \"%.*s\" has %u dimensions (1 to %d allowed)",
                       (int)PCL_MIN(nl, 64), (const char *)name, nd, GGUF_MAX_DIMS);
    }
    for (uint32_t i = 0; i < nd; i++) {
        if (!gg_u64(g, &dim)) {
            return false;
        }
        if (dim > INT64_MAX || __builtin_mul_overflow(ne, dim, &ne) || ne > INT64_MAX) {
            return gg_fail(g, "tensor \"%.*s\" element count overflows int64", (int)PCL_MIN(nl, 64),
                           (const char *)name);
        }
        if (i == 0) {
            t->bytes = dim; /* ne[0], checked against the block size below */
        }
    }
    if (!gg_u32(g, &type) || !gg_u64(g, &t->off)) {
        return false;
    }
    if (type >= PCL_ARRAY_LEN(ggml_types) || ggml_types[type].blck == 0) {
        return gg_fail(g, "tensor \"%.*s\" has invalid ggml type %u", (int)PCL_MIN(nl, 64),
                       (const char *)name, type);
    }
    if (t->bytes % ggml_types[type].blck != 0) {
        return gg_fail(g, "tensor \"%.*s\" row is not a whole number of blocks",
                       (int)PCL_MIN(nl, 64), (const char *)name);
    }
    if (__builtin_mul_overflow(ne / ggml_types[type].blck, (uint64_t)ggml_types[type].size,
                               &nbytes)) {
        return gg_fail(g, "tensor \"%.*s\" byte size overflows", (int)PCL_MIN(nl, 64),
                       (const char *)name);
    }
    t->bytes = nbytes;
    return true;
}

enum pcl_rc
mscan_gguf(struct mscan *s, const uint8_t *d, size_t n)
{
    struct gg g = {.s = s, .d = d, .n = n, .pos = 4, .alignment = 32};
    uint32_t version;
    uint64_t ntensors, nkv, data_start, data_len;
    struct gg_tensor *ts = NULL;
    enum pcl_rc rc = PCL_OK;

    if (!gg_u32(&g, &version) || !gg_u64(&g, &ntensors) || !gg_u64(&g, &nkv)) {
        goto out;
    }
    if (version != 2 && version != 3) {
        g.pos = 4;
        gg_fail(&g, "version %u is not supported (2 and 3 are)", version);
        goto out;
    }
    /* each KV takes at least 13 bytes and each tensor info at least 32 */
    if (nkv > (n - g.pos) / 13 || ntensors > (n - g.pos) / 32) {
        gg_fail(&g, "%llu tensors and %llu metadata entries cannot fit in %zu bytes",
                (unsigned long long)ntensors, (unsigned long long)nkv, n);
        goto out;
    }
    for (uint64_t i = 0; i < nkv && !g.bad; i++) {
        const uint8_t *key;
        uint64_t kl;
        uint32_t type;

        if (!gg_str(&g, &key, &kl) || !gg_u32(&g, &type) || !gg_value(&g, type, key, kl)) {
            break;
        }
    }
    if (g.bad || g.rc != PCL_OK) {
        goto out;
    }
    ts = pcl_calloc((size_t)ntensors + 1, sizeof(*ts));
    if (ts == NULL) {
        rc = pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
        goto out;
    }
    for (uint64_t i = 0; i < ntensors; i++) {
        if (!gg_tensor_info(&g, &ts[i])) {
            goto out;
        }
    }
    data_start = (g.pos + g.alignment - 1) / g.alignment * g.alignment;
    if (data_start > n) {
        gg_fail(&g, "tensor data section starts past the end of the file");
        goto out;
    }
    data_len = n - data_start;
    for (uint64_t i = 0; i < ntensors; i++) {
        if (ts[i].off % g.alignment != 0) {
            gg_fail(&g, "tensor %llu offset %llu is not aligned to %llu", (unsigned long long)i,
                    (unsigned long long)ts[i].off, (unsigned long long)g.alignment);
            goto out;
        }
        if (ts[i].off > data_len || ts[i].bytes > data_len - ts[i].off) {
            gg_fail(&g, "tensor %llu data [%llu, +%llu) runs past the end of the file",
                    (unsigned long long)i, (unsigned long long)ts[i].off,
                    (unsigned long long)ts[i].bytes);
            goto out;
        }
    }
    qsort(ts, (size_t)ntensors, sizeof(*ts), gg_cmp);
    for (uint64_t i = 1; i < ntensors; i++) {
        if (ts[i - 1].off + ts[i - 1].bytes > ts[i].off) {
            gg_fail(&g, "tensors at offsets %llu and %llu overlap",
                    (unsigned long long)ts[i - 1].off, (unsigned long long)ts[i].off);
            goto out;
        }
    }
out:
    pcl_free(ts);
    return rc != PCL_OK ? rc : g.rc;
}

/* ---- Jinja chat templates ----------------------------------------------------------------- */

enum pcl_rc
mscan_jinja(struct mscan *s, const char *tpl, size_t len, uint64_t offset)
{
    /* Chat templates format messages; none of these has a place in one. Each reaches Python
     * objects behind the sandbox (CVE-2024-34359 class) or runs code outside it. */
    static const char *const bad[] = {
        "__class__",  "__mro__",    "__subclasses__", "__globals__", "__builtins__",
        "__import__", "__init__",   "__base__",       "__bases__",   "__getattribute__",
        "__dict__",   "__code__",   "__reduce",       "\\x5f\\x5f",  "\\u005f",
        "popen",      "subprocess", "os.system",      "eval(",       "exec(",
        "lipsum",     "cycler",     "joiner",         "self._",      "request.",
        "config.__",  "import ",
    };
    bool in_code = false;

    for (size_t i = 0; i + 1 < len; i++) {
        if (tpl[i] == '{' && (tpl[i + 1] == '{' || tpl[i + 1] == '%')) {
            in_code = true;
        } else if ((tpl[i] == '}' || tpl[i] == '%') && tpl[i + 1] == '}') {
            in_code = false;
        }
        if (!in_code) {
            continue;
        }
        for (size_t k = 0; k < PCL_ARRAY_LEN(bad); k++) {
            size_t bl = strlen(bad[k]);

            if (bl <= len - i && memcmp(tpl + i, bad[k], bl) == 0) {
                return mscan_add(s, PCL_MODEL_SEV_HIGH, "template.code-execution", "CVE-2024-34359",
                                 offset, bad[k],
                                 "chat template uses \"%s\" inside a Jinja expression: a sandbox "
                                 "escape that runs code when the template is rendered",
                                 bad[k]);
            }
        }
    }
    return PCL_OK;
}
