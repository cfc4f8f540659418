/* SPDX-License-Identifier: Apache-2.0 */
/* Model artifacts: content sniffing, format validation and malicious-content scanning of model
 * files (pickle by emulating the unpickler, PyTorch zip and legacy formats, NumPy, joblib,
 * compressed and nested containers, safetensors, GGUF, ONNX, Keras, Hugging Face configs). */
#ifndef PORTCULLIS_MODEL_H
#define PORTCULLIS_MODEL_H

#include <portcullis/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Severity of one finding, ordered. */
enum pcl_model_sev {
    PCL_MODEL_SEV_INFO = 0,       /* worth knowing, never fails a scan */
    PCL_MODEL_SEV_SUSPICIOUS = 1, /* not on the allowlist; fails only under --strict */
    PCL_MODEL_SEV_HIGH = 2,       /* a construct that runs code or breaks loaders */
    PCL_MODEL_SEV_CRITICAL = 3,   /* a known-dangerous callable */
};

/* Outcome of a scan, ordered by precedence (the report's outcome is the worst it saw). */
enum pcl_model_outcome {
    PCL_MODEL_CLEAN = 0,       /* nothing or only info */
    PCL_MODEL_SUSPICIOUS = 1,  /* suspicious findings only */
    PCL_MODEL_UNSCANNABLE = 2, /* some content could not be analysed (never reported clean) */
    PCL_MODEL_MALICIOUS = 3,   /* at least one high or critical finding */
};

struct pcl_model_finding {
    enum pcl_model_sev sev;
    bool unscannable; /* this entry explains why (part of) the input could not be scanned */
    const char *rule; /* static rule id, e.g. "pickle.dangerous-global" */
    const char *ref;  /* static advisory reference (GHSA/CVE) or NULL */
    char *member;     /* heap: member path inside containers ("archive/data.pkl"), "" at top */
    uint64_t offset;  /* byte offset inside the member (decompressed), or UINT64_MAX */
    char *global;     /* heap: "module.name" involved, or NULL */
    char *why;        /* heap: one lower-case sentence */
    uint32_t count;   /* how many times the same rule/global/member was seen */
};

struct pcl_model_report {
    char *path;                         /* heap: the scanned file (or name given to scan_mem) */
    const char *format;                 /* static: detected top-level format, e.g. "pytorch-zip" */
    struct pcl_model_finding *findings; /* heap array of nfindings */
    size_t nfindings;
    size_t capfindings;
    bool truncated; /* more findings than the limit; later ones dropped */
    uint64_t bytes; /* bytes analysed, including decompressed data */
};

struct pcl_model_opts {
    uint64_t max_decompressed; /* total inflated bytes per file; 0 = 4 GiB */
    uint32_t max_ratio;        /* decompression ratio limit per stream; 0 = 1000 */
    unsigned max_depth;        /* container nesting; 0 = 8 */
    size_t max_findings;       /* 0 = 1000 */
};

/* Scan one file by content (the extension is never trusted). Large files are mmapped. The
 * scan only fails (PCL_ENOMEM, PCL_EIO naming the file, PCL_ENOTFOUND) when nothing could be
 * analysed; a malformed or unsupported model is a report with unscannable entries. opts may be
 * NULL. Caller frees *out with pcl_model_report_free(). */
enum pcl_rc pcl_model_scan_file(const char *path, const struct pcl_model_opts *opts,
                                struct pcl_model_report **out, struct pcl_err *err) PCL_WUR;
/* Same over memory; data[0..len) is borrowed for the call, name is copied. */
enum pcl_rc pcl_model_scan_mem(const char *name, const void *data, size_t len,
                               const struct pcl_model_opts *opts, struct pcl_model_report **out,
                               struct pcl_err *err) PCL_WUR;
void pcl_model_report_free(struct pcl_model_report *r);

/* The worst outcome in r. */
enum pcl_model_outcome pcl_model_report_outcome(const struct pcl_model_report *r);
/* Static names: "info", "suspicious", "high", "critical" / "clean", "suspicious",
 * "unscannable", "malicious". */
const char *pcl_model_sev_str(enum pcl_model_sev s);
const char *pcl_model_outcome_str(enum pcl_model_outcome o);

/* How the global module.name is judged: PCL_MODEL_SEV_INFO = allowlisted,
 * PCL_MODEL_SEV_SUSPICIOUS = unknown, PCL_MODEL_SEV_CRITICAL = known dangerous (every dotted
 * component of module and name is matched, aliases such as posix/nt/__builtin__ included).
 * *ref (if not NULL) receives an advisory reference or NULL. Strings need not be
 * NUL-terminated. */
enum pcl_model_sev pcl_model_global_judge(const char *module, size_t mlen, const char *name,
                                          size_t nlen, const char **ref);

#ifdef __cplusplus
}
#endif
#endif
