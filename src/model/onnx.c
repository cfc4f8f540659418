/* SPDX-License-Identifier: Apache-2.0 */
/* ONNX models through a minimal protobuf wire walker (no generated code): every length is
 * checked against its parent, nesting is an explicit stack, and the fields that matter for
 * safety are read: external-data locations (absolute paths and `..` escape the model
 * directory) and operator domains (a custom domain needs a native custom-op library). */
#include "mscan.h"

#define PB_MAX_DEPTH 64

enum pb_msg {
    M_SKIP,   /* walked for structure only */
    M_MODEL,  /* ModelProto */
    M_GRAPH,  /* GraphProto */
    M_NODE,   /* NodeProto */
    M_ATTR,   /* AttributeProto */
    M_TENSOR, /* TensorProto */
    M_ENTRY,  /* StringStringEntryProto in TensorProto.external_data */
    M_OPSET,  /* OperatorSetIdProto */
    M_FUNC,   /* FunctionProto */
};

/* Child message type of field `f` in a message of type m (M_SKIP for scalars and others). */
static enum pb_msg
pb_child(enum pb_msg m, uint64_t f)
{
    switch (m) {
    case M_MODEL:
        return f == 7 ? M_GRAPH : f == 8 ? M_OPSET : f == 25 ? M_FUNC : M_SKIP;
    case M_GRAPH:
        return f == 1 ? M_NODE : f == 5 ? M_TENSOR : M_SKIP;
    case M_NODE:
        return f == 5 ? M_ATTR : M_SKIP;
    case M_ATTR:
        return f == 5 || f == 10 ? M_TENSOR : f == 6 || f == 11 ? M_GRAPH : M_SKIP;
    case M_TENSOR:
        return f == 13 ? M_ENTRY : M_SKIP;
    case M_FUNC:
        return f == 7 ? M_NODE : f == 9 ? M_OPSET : M_SKIP;
    default:
        return M_SKIP;
    }
}

static bool
pb_varint(const uint8_t *d, size_t end, size_t *pos, uint64_t *v)
{
    uint64_t r = 0;

    for (unsigned shift = 0; shift < 64; shift += 7) {
        uint8_t b;

        if (*pos >= end) {
            return false;
        }
        b = d[(*pos)++];
        r |= (uint64_t)(b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
            *v = r;
            return true;
        }
    }
    return false;
}

static bool
known_domain(const uint8_t *p, size_t n)
{
    static const char *const ok[] = {"",
                                     "ai.onnx",
                                     "ai.onnx.ml",
                                     "ai.onnx.training",
                                     "ai.onnx.preview.training",
                                     "com.microsoft",
                                     "com.microsoft.nchwc",
                                     "com.microsoft.experimental",
                                     "com.ms.internal.nhwc",
                                     "ai.onnx.contrib"};

    for (size_t i = 0; i < PCL_ARRAY_LEN(ok); i++) {
        if (strlen(ok[i]) == n && memcmp(ok[i], p, n) == 0) {
            return true;
        }
    }
    return false;
}

static bool
path_escapes(const uint8_t *p, size_t n, bool *absolute)
{
    *absolute = n > 0 && (p[0] == '/' || p[0] == '\\' ||
                          (n >= 2 && p[1] == ':' && pcl_is_alpha((char)p[0])));
    for (size_t i = 0; i < n;) {
        size_t j = i;

        while (j < n && p[j] != '/' && p[j] != '\\') {
            j++;
        }
        if (j - i == 2 && p[i] == '.' && p[i + 1] == '.') {
            return true;
        }
        i = j + 1;
    }
    return false;
}

struct pb_frame {
    enum pb_msg m;
    size_t end;
    const uint8_t *key; /* M_ENTRY: key seen so far */
    size_t klen;
};

static enum pcl_rc
pb_string(struct mscan *s, const struct pb_frame *fr, uint64_t f, const uint8_t *p, size_t n,
          size_t at, struct pb_frame *entry)
{
    bool absolute = false;

    if ((fr->m == M_OPSET && f == 1) || (fr->m == M_NODE && f == 7) ||
        (fr->m == M_FUNC && f == 10)) {
        if (!known_domain(p, n)) {
            return mscan_add(s, PCL_MODEL_SEV_SUSPICIOUS, "onnx.custom-domain", NULL, at, NULL,
                             "operator domain \"%.*s\" is not a standard one: running the model "
                             "needs a native custom-op library",
                             (int)PCL_MIN(n, (size_t)64), (const char *)p);
        }
        return PCL_OK;
    }
    if (fr->m == M_ENTRY && f == 1) {
        entry->key = p;
        entry->klen = n;
        return PCL_OK;
    }
    if (fr->m == M_ENTRY && f == 2 && entry->klen == 8 && memcmp(entry->key, "location", 8) == 0) {
        bool escapes = path_escapes(p, n, &absolute);

        if (absolute || escapes) {
            return mscan_add(s, PCL_MODEL_SEV_HIGH,
                             absolute ? "onnx.external-absolute" : "onnx.external-traversal",
                             "CVE-2024-27318", at, NULL,
                             "external data location \"%.*s\" %s: loading reads (or with "
                             "save, writes) files outside the model directory",
                             (int)PCL_MIN(n, (size_t)96), (const char *)p,
                             absolute ? "is an absolute path" : "climbs out with ..");
        }
    }
    return PCL_OK;
}

static enum pcl_rc
pb_walk(struct mscan *s, const uint8_t *d, size_t n, bool report)
{
    struct pb_frame st[PB_MAX_DEPTH];
    size_t depth = 0, pos = 0;
    enum pcl_rc rc = PCL_OK;

    st[0].m = M_MODEL;
    st[0].end = n;
    st[0].key = NULL;
    st[0].klen = 0;
    while (rc == PCL_OK) {
        uint64_t tag, f, v;
        unsigned wt;

        while (depth > 0 && pos == st[depth].end) {
            depth--;
        }
        if (pos == st[depth].end) {
            break;
        }
        if (!pb_varint(d, st[depth].end, &pos, &tag)) {
            return report ? mscan_unscannable(s, pos, "onnx: bad field tag") : PCL_EINVAL;
        }
        f = tag >> 3;
        wt = (unsigned)(tag & 7);
        if (f == 0) {
            return report ? mscan_unscannable(s, pos, "onnx: field number 0") : PCL_EINVAL;
        }
        switch (wt) {
        case 0:
            if (!pb_varint(d, st[depth].end, &pos, &v)) {
                return report ? mscan_unscannable(s, pos, "onnx: bad varint") : PCL_EINVAL;
            }
            break;
        case 1:
        case 5:
            if (st[depth].end - pos < (wt == 1 ? 8u : 4u)) {
                return report ? mscan_unscannable(s, pos, "onnx: truncated fixed field")
                              : PCL_EINVAL;
            }
            pos += wt == 1 ? 8 : 4;
            break;
        case 2: {
            enum pb_msg child;

            if (!pb_varint(d, st[depth].end, &pos, &v) || v > st[depth].end - pos) {
                return report ? mscan_unscannable(s, pos,
                                                  "onnx: length-delimited field runs "
                                                  "past its message")
                              : PCL_EINVAL;
            }
            child = pb_child(st[depth].m, f);
            if (child != M_SKIP) {
                if (depth + 1 >= PB_MAX_DEPTH) {
                    return report ? mscan_unscannable(s, pos, "onnx: nested deeper than %d",
                                                      PB_MAX_DEPTH)
                                  : PCL_EINVAL;
                }
                depth++;
                st[depth].m = child;
                st[depth].end = pos + (size_t)v;
                st[depth].key = NULL;
                st[depth].klen = 0;
                continue;
            }
            if (report) {
                rc = pb_string(s, &st[depth], f, d + pos, (size_t)v, pos, &st[depth]);
            }
            pos += (size_t)v;
            break;
        }
        default:
            return report ? mscan_unscannable(s, pos, "onnx: wire type %u is not valid", wt)
                          : PCL_EINVAL;
        }
    }
    return rc;
}

bool
mscan_onnx_sniff(const uint8_t *data, size_t len)
{
    /* ModelProto starts with ir_version (field 1, varint) in every writer, followed by another
     * ModelProto field: producer strings, domain, model_version, doc, graph or opset_import.
     * Damaged files that start like this are then reported by the full walk. */
    static const uint8_t next[] = {0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72};

    if (len < 4 || data[0] != 0x08 || data[1] < 1 || data[1] > 30) {
        return false;
    }
    return memchr(next, data[2], sizeof(next)) != NULL || pb_walk(NULL, data, len, false) == PCL_OK;
}

enum pcl_rc
mscan_onnx(struct mscan *s, const uint8_t *data, size_t len)
{
    return pb_walk(s, data, len, true);
}
