/* SPDX-License-Identifier: Apache-2.0 */
/* Internal interface of the model scanner: one scan context shared by the format parsers,
 * which report findings through it and hand nested content back to the dispatcher. */
#ifndef PCL_MODEL_MSCAN_H
#define PCL_MODEL_MSCAN_H

#include "common.h"

#include <portcullis/model.h>

#define MSCAN_MEMBER_MAX 1024

/* One scan of one file. The parsers never fail the scan for bad input: they add an
 * unscannable finding and return PCL_OK. Only PCL_ENOMEM travels up. */
struct mscan {
    struct pcl_model_report *r;
    struct pcl_model_opts o;       /* with defaults filled in */
    char member[MSCAN_MEMBER_MAX]; /* current member path, NUL-terminated */
    size_t member_len;
    unsigned depth;
    uint64_t inflated;     /* decompressed bytes so far (against o.max_decompressed) */
    uint64_t blobs;        /* blobs dispatched (files, members, streams, payloads) */
    uint64_t analysed_max; /* bound on bytes dispatched: overlapping or nested members */
    const char *dir;       /* directory of the scanned file (ONNX external data); may be NULL */
    struct pcl_err *err;
    /* open-addressing index over r->findings by (rule, member, global): repeats merge in O(1)
     * even when a hostile file raises the same finding for every one of 200000 members */
    uint32_t *fidx;  /* slot = finding index + 1, 0 = empty */
    size_t fidx_cap; /* power of two, or 0 before the first finding */
};

/* Add a finding at offset in the current member; merges repeats of the same rule, global and
 * member into one entry with a count. global may be NULL. Returns PCL_ENOMEM only. */
enum pcl_rc mscan_add(struct mscan *s, enum pcl_model_sev sev, const char *rule, const char *ref,
                      uint64_t offset, const char *global, const char *fmt, ...)
    PCL_PRINTF(7, 8) PCL_WUR;
/* Same, marked unscannable (severity info unless the caller says otherwise). */
enum pcl_rc mscan_unscannable(struct mscan *s, uint64_t offset, const char *fmt, ...)
    PCL_PRINTF(3, 4) PCL_WUR;

/* Push "/name" (or "name" at the top) onto the member path; returns the old length for
 * mscan_member_pop(). Truncates very long paths. */
size_t mscan_member_push(struct mscan *s, const char *name, size_t len);
void mscan_member_pop(struct mscan *s, size_t old_len);

/* Sniff data[0..len) and scan it with the right parser; `hint` is the member or file name (used
 * only for JSON configs and messages, never to decide the format). Nested containers recurse
 * here, bounded by o.max_depth. Sets the report format when at depth 0. */
enum pcl_rc mscan_blob(struct mscan *s, const uint8_t *data, size_t len, const char *hint) PCL_WUR;

/* Parsers (each file's entry point). */
/* Pickle stream(s) starting at data[0]: every pickle in the stream is emulated. */
enum pcl_rc mscan_pickle(struct mscan *s, const uint8_t *data, size_t len) PCL_WUR;
/* True when data looks like a pickle (0x80 PROTO, or a protocol-0/1 prefix that an unpickler
 * would run without error until a global import, a STOP or the end of the prefix). */
enum pcl_rc mscan_pickle_sniff(struct mscan *s, const uint8_t *data, size_t len, bool *yes) PCL_WUR;
/* Emulate one pickle from data[0..len) as a nested load (joblib object arrays, pickle.loads
 * payloads); *used receives the bytes the pickle occupied (len when it never stopped). */
enum pcl_rc mscan_pickle_one(struct mscan *s, const uint8_t *data, size_t len, uint64_t base,
                             size_t *used) PCL_WUR;

enum pcl_rc mscan_zip(struct mscan *s, const uint8_t *data, size_t len) PCL_WUR;
bool mscan_zip_sniff(const uint8_t *data, size_t len, bool *at_start);
enum pcl_rc mscan_tar(struct mscan *s, const uint8_t *data, size_t len) PCL_WUR;
bool mscan_tar_sniff(const uint8_t *data, size_t len);

/* Decompress gzip, bzip2, xz, lz4 frame or zlib data and scan the result. */
enum pcl_rc mscan_compressed(struct mscan *s, const uint8_t *data, size_t len, int kind) PCL_WUR;
/* 0 when not compressed, else the kind for mscan_compressed(). */
int mscan_compressed_sniff(const uint8_t *data, size_t len);
const char *mscan_compressed_name(int kind);
/* True for kinds recognised by a weak header (zlib): tried after the other formats, and data
 * that does not inflate at all is then not compressed. */
bool mscan_compressed_is_weak(int kind);
/* Decompressed bytes: on the heap when small, else memory-mapped from an unlinked temporary
 * file that was written in 16 MiB steps, so the heap stays constant whatever the size. */
struct mscan_bytes {
    uint8_t *p;
    size_t len;
    bool mapped;
};
void mscan_bytes_free(struct mscan_bytes *b);
/* Inflate a raw deflate stream (zip member) into *out (free with mscan_bytes_free) with the
 * scan's size and ratio limits; on a limit or corrupt data adds an unscannable finding, leaves
 * out->p NULL and returns PCL_OK. */
enum pcl_rc mscan_inflate_raw(struct mscan *s, const uint8_t *data, size_t len,
                              struct mscan_bytes *out) PCL_WUR;

enum pcl_rc mscan_npy(struct mscan *s, const uint8_t *data, size_t len) PCL_WUR;
/* True when data[0..avail) holds a complete .npy header of a fixed-size (non-object) dtype:
 * the array bytes then only need counting. */
bool mscan_npy_streamable(const uint8_t *data, size_t avail);
/* Validate an .npy whose first avail bytes are at data and whose full size is total. */
enum pcl_rc mscan_npy_sized(struct mscan *s, const uint8_t *data, size_t avail,
                            uint64_t total) PCL_WUR;
/* Inflate a raw deflate stream without keeping it: the first headcap bytes go to head
 * (*headlen), *total receives the inflated size. Corrupt data or more than the counting limit
 * add an unscannable finding and set *total to UINT64_MAX. */
enum pcl_rc mscan_inflate_count(struct mscan *s, const uint8_t *data, size_t len, uint8_t *head,
                                size_t headcap, size_t *headlen, uint64_t *total) PCL_WUR;
enum pcl_rc mscan_safetensors(struct mscan *s, const uint8_t *data, size_t len) PCL_WUR;
bool mscan_safetensors_sniff(const uint8_t *data, size_t len);
enum pcl_rc mscan_gguf(struct mscan *s, const uint8_t *data, size_t len) PCL_WUR;
enum pcl_rc mscan_onnx(struct mscan *s, const uint8_t *data, size_t len) PCL_WUR;
bool mscan_onnx_sniff(const uint8_t *data, size_t len);
/* JSON configs: Keras (Lambda layers, module/function references) and Hugging Face
 * (auto_map custom code). */
enum pcl_rc mscan_json_config(struct mscan *s, const uint8_t *data, size_t len) PCL_WUR;
/* HDF5 (Keras .h5): the root group's model_config and training_config attributes. */
enum pcl_rc mscan_hdf5(struct mscan *s, const uint8_t *data, size_t len) PCL_WUR;
/* Read those attributes with libhdf5 in a forked, CPU- and memory-limited child and check each
 * with mscan_hdf5_config(); a child that fails, crashes or hits a limit, or an attribute that
 * is not a scalar string or is over max_json bytes, is an unscannable finding. */
enum pcl_rc mscan_hdf5_attrs(struct mscan *s, const uint8_t *data, size_t len,
                             size_t max_json) PCL_WUR;
/* Check one config attribute's JSON (unscannable when it is not JSON). */
enum pcl_rc mscan_hdf5_config(struct mscan *s, const uint8_t *data, size_t len,
                              const char *attr) PCL_WUR;
/* Jinja chat template: flags code-execution constructs. */
enum pcl_rc mscan_jinja(struct mscan *s, const char *tpl, size_t len, uint64_t offset) PCL_WUR;

static inline uint16_t
mscan_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t
mscan_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t
mscan_le64(const uint8_t *p)
{
    return (uint64_t)mscan_le32(p) | ((uint64_t)mscan_le32(p + 4) << 32);
}

#endif
