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

/* ---- signing: OpenSSF Model Signing v1.0 ----------------------------------------------- */
/* A signature is a Sigstore bundle v0.3 (JSON) holding a DSSE envelope around an in-toto
 * Statement v1 with predicate type https://model_signing/signature/v1.0: one resource per file
 * (serialization "files") or per shard of shard_size bytes ("shards"), each a SHA-256 digest;
 * the subject digest is SHA-256 over the concatenated resource digests. */

enum pcl_model_serial {
    PCL_MODEL_SERIAL_FILES = 0,
    PCL_MODEL_SERIAL_SHARDS = 1,
};

struct pcl_model_sign_opts {
    enum pcl_model_serial serial;
    uint64_t shard_size;       /* shards: 0 = 1 GB (1000000000, as upstream) */
    const char *const *ignore; /* paths relative to the model, a path and everything under
                                  it; borrowed; array of nignore */
    size_t nignore;
    bool allow_symlinks;            /* follow symlinks; otherwise a symlink is an error */
    unsigned threads;               /* hashing threads; 0 = online CPUs */
    const char *key_path;           /* sign: PEM EC private key (P-256/384/521) */
    const char *cert_path;          /* sign: PEM signing certificate (NULL = key-only bundle) */
    const char *const *chain_paths; /* sign: PEM intermediates to embed; verify: trusted roots
                                       (and intermediates); array of nchain; borrowed */
    size_t nchain;
    const char *pubkey_path;       /* verify: PEM public key (key bundles) */
    const char *trust_root_path;   /* verify: Sigstore trusted root or ClientTrustConfig JSON whose
                                      certificate authorities anchor Sigstore (Fulcio) bundles */
    const char *identity;          /* verify: required certificate identity (SAN e-mail or URI) */
    const char *identity_provider; /* verify: required OIDC issuer (Fulcio extension) */
    const char *sig_path;          /* the signature file; ignored when hashing; default
                                      "<model>/model.sig" for a directory, "<model>.sig" for a file */
};

/* Sign the model at path (file or directory). On success *bundle (heap, caller frees with
 * pcl_free) holds the bundle JSON (*len bytes). Errors name the file or key. */
enum pcl_rc pcl_model_sign(const char *path, const struct pcl_model_sign_opts *o, char **bundle,
                           size_t *len, struct pcl_err *err) PCL_WUR;

enum pcl_model_diff_kind {
    PCL_MODEL_DIFF_ADDED = 0,    /* on disk, not in the signature */
    PCL_MODEL_DIFF_REMOVED = 1,  /* in the signature, not on disk */
    PCL_MODEL_DIFF_MODIFIED = 2, /* digest differs */
};

struct pcl_model_diff {
    enum pcl_model_diff_kind kind;
    char *name; /* heap: resource name (file, or "file:start:end" for shards) */
};

struct pcl_model_verify {
    bool signature_ok;          /* DSSE signature valid with the given key or certificate chain */
    bool statement_ok;          /* predicate understood and subject digest consistent */
    bool legacy;                /* a v0.2 signature (Digests/v0.1 predicate, legacy PAE) */
    char signer[256];           /* certificate subject or "public key" */
    char why[PCL_ERR_MSG_SIZE]; /* first reason the signature or statement failed, or "" */
    bool tlog_unchecked;        /* a Sigstore bundle: its transparency-log entry was not verified */
    bool tlog_verified; /* a Sigstore bundle: its Rekor entry, inclusion proof, checkpoint and
                         * signed entry timestamp verified against the trusted root */
    size_t nresources;  /* resources in the signature */
    struct pcl_model_diff *diffs; /* heap array of ndiffs */
    size_t ndiffs;
};

/* Verify the bundle at o->sig_path against the model at path: the DSSE signature (with
 * o->pubkey_path, or the bundle's certificate chain checked against o->chain_paths at the
 * leaf's notBefore, key usage digitalSignature or code signing), the statement, and every file:
 * each added, removed or modified resource is listed. Valid when signature_ok, statement_ok
 * and ndiffs == 0. Returns an error only when nothing could be checked (unreadable bundle or
 * key). Caller frees *out with pcl_model_verify_free(). */
enum pcl_rc pcl_model_verify(const char *path, const struct pcl_model_sign_opts *o,
                             struct pcl_model_verify **out, struct pcl_err *err) PCL_WUR;
void pcl_model_verify_free(struct pcl_model_verify *v);
static inline bool
pcl_model_verify_is_valid(const struct pcl_model_verify *v)
{
    return v->signature_ok && v->statement_ok && v->ndiffs == 0;
}

/* ---- encryption at rest --------------------------------------------------------------- */
/* A model is encrypted as a stream of chunks with libsodium's secretstream
 * (XChaCha20-Poly1305): constant memory, every chunk authenticated together with the file
 * header, the last chunk tagged final, so tampering, reordering and truncation are detected.
 * The 32-byte file key is the given key, derived from a passphrase (Argon2id), or random and
 * sealed to each X25519 recipient (crypto_box_seal), so several readers can decrypt. */

#define PCL_MODEL_KEY_BYTES 32

enum pcl_model_key_mode {
    PCL_MODEL_KEY_SYMMETRIC = 1,  /* key[] */
    PCL_MODEL_KEY_PASSPHRASE = 2, /* passphrase */
    PCL_MODEL_KEY_RECIPIENTS = 3, /* encrypt: recipients; decrypt: identity keypair */
};

struct pcl_model_crypt_opts {
    enum pcl_model_key_mode mode;
    uint8_t key[PCL_MODEL_KEY_BYTES]; /* SYMMETRIC */
    const char *passphrase;           /* PASSPHRASE; borrowed, NUL-terminated */
    const uint8_t (*recipients)[32];  /* RECIPIENTS (encrypt): X25519 public keys; nrecipients */
    size_t nrecipients;
    uint8_t identity_pk[32]; /* RECIPIENTS (decrypt): the reader's keypair */
    uint8_t identity_sk[32];
    size_t chunk; /* plaintext bytes per chunk; 0 = 1 MiB */
};

/* Encrypt in_path to out_path. The output is written to a temporary file next to out_path and
 * renamed only when complete. Errors name the file. */
enum pcl_rc pcl_model_encrypt(const char *in_path, const char *out_path,
                              const struct pcl_model_crypt_opts *o, struct pcl_err *err) PCL_WUR;
/* Decrypt in_path to out_path; any damage, wrong key or truncation is PCL_EINVAL naming the
 * chunk, and no output file is left behind (plaintext is never presented as complete unless
 * the final tag was authenticated). */
enum pcl_rc pcl_model_decrypt(const char *in_path, const char *out_path,
                              const struct pcl_model_crypt_opts *o, struct pcl_err *err) PCL_WUR;
/* Parse a 32-byte key given as 32 raw bytes, 64 hex characters or base64 (trailing
 * whitespace ignored). */
enum pcl_rc pcl_model_key_parse(const char *text, size_t len, uint8_t out[32],
                                struct pcl_err *err) PCL_WUR;

/* SHA-256 digest of a model as signing computes it with "files" serialization: SHA-256 over
 * the per-file SHA-256 digests sorted by path (a file hashes as itself under the name ".");
 * model.sig is left out. *nfiles and *bytes receive the counts. */
enum pcl_rc pcl_model_digest(const char *path, unsigned threads, uint8_t out[32], size_t *nfiles,
                             uint64_t *bytes, struct pcl_err *err) PCL_WUR;

/* ---- registry with lineage ---------------------------------------------------------------- */
/* Model versions live in the store (schema component "model_registry"): digests, scan outcome,
 * signature status and signer, parent version, datasets, stage, who and when. Every change is
 * an event handed to the audit hook. */

struct pcl_store;
struct pcl_model_registry;

/* A registry event as one JSON object (borrowed for the call), e.g.
 * {"event":"register","name":"m","version":"2","principal":"alice",...}. */
typedef void pcl_model_audit_fn(void *arg, const char *json, size_t len);

struct pcl_model_version {
    char name[128];
    char version[64];
    char path[1024];
    char digest[65]; /* hex SHA-256 (pcl_model_digest) */
    uint64_t files;
    uint64_t bytes;
    char scan[16];      /* outcome name: clean, suspicious, unscannable, malicious */
    uint64_t findings;  /* findings above info */
    char signature[16]; /* "valid", "invalid" or "unsigned" */
    char signer[256];
    char parent[64];  /* version of the same model, or "" */
    char stage[32];   /* "registered", "staging", "production", "archived" */
    char created[32]; /* RFC 3339 UTC */
    char created_by[128];
};

struct pcl_model_dataset {
    char ref[1024];  /* path or name as given */
    char digest[72]; /* "sha256:<hex>" of the file or directory, or the digest given */
};

/* Open the registry in s (borrowed; must outlive the registry), migrating its schema. audit
 * may be NULL. Caller frees with pcl_model_registry_free(). */
enum pcl_rc pcl_model_registry_open(struct pcl_store *s, pcl_model_audit_fn *audit, void *arg,
                                    struct pcl_model_registry **out, struct pcl_err *err) PCL_WUR;
void pcl_model_registry_free(struct pcl_model_registry *r);

/* Record v (created is filled in when empty) and its datasets. A duplicate NAME VERSION, or a
 * parent that is not a registered version of the same model, is PCL_EINVAL. */
enum pcl_rc pcl_model_registry_add(struct pcl_model_registry *r, const struct pcl_model_version *v,
                                   const struct pcl_model_dataset *ds, size_t nds,
                                   struct pcl_err *err) PCL_WUR;
/* PCL_ENOTFOUND when absent. */
enum pcl_rc pcl_model_registry_get(struct pcl_model_registry *r, const char *name,
                                   const char *version, struct pcl_model_version *out,
                                   struct pcl_err *err) PCL_WUR;

typedef enum pcl_rc pcl_model_version_fn(void *arg, const struct pcl_model_version *v);
typedef enum pcl_rc pcl_model_dataset_fn(void *arg, const struct pcl_model_dataset *d);
/* Every version (of name, or of every model when name is NULL), by name then creation. */
enum pcl_rc pcl_model_registry_list(struct pcl_model_registry *r, const char *name,
                                    pcl_model_version_fn *fn, void *arg,
                                    struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_model_registry_datasets(struct pcl_model_registry *r, const char *name,
                                        const char *version, pcl_model_dataset_fn *fn, void *arg,
                                        struct pcl_err *err) PCL_WUR;

/* Approve NAME VERSION for stage by principal. The stage changes once `approvals` distinct
 * principals approved it (at least 1). Production requires a clean scan and a valid
 * signature (PCL_EINVAL saying which is missing). *promoted tells whether the stage changed;
 * *have receives the number of distinct approvals so far. */
enum pcl_rc pcl_model_registry_promote(struct pcl_model_registry *r, const char *name,
                                       const char *version, const char *stage,
                                       const char *principal, unsigned approvals, bool *promoted,
                                       unsigned *have, struct pcl_err *err) PCL_WUR;

/* CycloneDX 1.6 ML-BOM (JSON) of NAME VERSION: the model component with its hash, its
 * ancestors (pedigree) and datasets (data components with hashes), appended to out. */
enum pcl_rc pcl_model_registry_bom(struct pcl_model_registry *r, const char *name,
                                   const char *version, struct pcl_buf *out,
                                   struct pcl_err *err) PCL_WUR;

#ifdef __cplusplus
}
#endif
#endif
