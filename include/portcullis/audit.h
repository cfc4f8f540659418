/* SPDX-License-Identifier: Apache-2.0 */
/* The tamper-evident audit log: an RFC 6962 / RFC 9162 Merkle tree over SHA-256 persisted
 * through the store, C2SP signed-note checkpoints (Ed25519) with witness cosignatures, inclusion
 * and consistency proofs, offline receipts (C2SP tlog-proof), a batching background writer,
 * canonical JSON events, per-subject encrypted payloads with crypto-shredding, and full-log
 * verification. See docs/audit.md. */
#ifndef PORTCULLIS_AUDIT_H
#define PORTCULLIS_AUDIT_H

#include <portcullis/core.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PCL_MERKLE_HASH_SIZE 32
/* Longest proof any function here produces or accepts (a tree of 2^63 leaves needs 64). */
#define PCL_MERKLE_MAX_PROOF 128

/* ---- Merkle tree hashing (merkle.c) --------------------------------------------------- */

/* RFC 6962 leaf hash SHA-256(0x00 || data). */
void pcl_merkle_leaf_hash(const void *data, size_t len, uint8_t out[PCL_MERKLE_HASH_SIZE]);
/* RFC 6962 interior node hash SHA-256(0x01 || left || right). */
void pcl_merkle_node_hash(const uint8_t left[PCL_MERKLE_HASH_SIZE],
                          const uint8_t right[PCL_MERKLE_HASH_SIZE],
                          uint8_t out[PCL_MERKLE_HASH_SIZE]);
/* Root of the empty tree, SHA-256(""). */
void pcl_merkle_empty_root(uint8_t out[PCL_MERKLE_HASH_SIZE]);

/* The right edge of a tree (a compact range from 0): enough to append leaves and compute the
 * root in O(log n) memory. hash[l] is valid when bit l of size is set. */
struct pcl_merkle_frontier {
    uint64_t size;
    uint8_t hash[64][PCL_MERKLE_HASH_SIZE];
};

/* Called for each interior node completed by an append: level >= 1, index within the level. */
typedef enum pcl_rc pcl_merkle_node_fn(void *arg, unsigned level, uint64_t index,
                                       const uint8_t hash[PCL_MERKLE_HASH_SIZE],
                                       struct pcl_err *err);

/* Cannot fail: an empty tree. */
void pcl_merkle_frontier_init(struct pcl_merkle_frontier *f);
/* Append one leaf hash; emit (may be NULL) sees every completed interior node, bottom up. An
 * error from emit is returned and leaves f unchanged. */
enum pcl_rc pcl_merkle_frontier_push(struct pcl_merkle_frontier *f,
                                     const uint8_t leaf[PCL_MERKLE_HASH_SIZE],
                                     pcl_merkle_node_fn *emit, void *arg,
                                     struct pcl_err *err) PCL_WUR;
/* Root of the frontier's tree (the empty root for size 0). */
void pcl_merkle_frontier_root(const struct pcl_merkle_frontier *f,
                              uint8_t out[PCL_MERKLE_HASH_SIZE]);

/* Position of interior node (level >= 1, index) in completion order: the n-th interior node to
 * complete while leaves are appended gets n. A dense integer key for storage. */
uint64_t pcl_merkle_node_pos(unsigned level, uint64_t index);

/* Reads the hash of the complete subtree at (level, index), i.e. of leaves
 * [index << level, (index + 1) << level); level 0 is a leaf hash. PCL_ENOTFOUND if absent. */
typedef enum pcl_rc pcl_merkle_get_fn(void *arg, unsigned level, uint64_t index,
                                      uint8_t out[PCL_MERKLE_HASH_SIZE], struct pcl_err *err);

/* Hash of leaves [lo, hi) as a node of the RFC 6962 tree (hi - lo a power of two with lo
 * aligned, or a right-edge range [lo, size)); popcount(hi - lo) reads through get. */
enum pcl_rc pcl_merkle_range_hash(uint64_t lo, uint64_t hi, pcl_merkle_get_fn *get, void *arg,
                                  uint8_t out[PCL_MERKLE_HASH_SIZE], struct pcl_err *err) PCL_WUR;

/* RFC 9162 §2.1.3.1 PATH(index, D[size]) into proof[0..PCL_MERKLE_MAX_PROOF), bottom up;
 * *n receives its length. At most 2 * log2(size) reads through get. index >= size is
 * PCL_EINVAL. */
enum pcl_rc pcl_merkle_prove_inclusion(uint64_t index, uint64_t size, pcl_merkle_get_fn *get,
                                       void *arg, uint8_t (*proof)[PCL_MERKLE_HASH_SIZE], size_t *n,
                                       struct pcl_err *err) PCL_WUR;
/* RFC 9162 §2.1.4.1 PROOF(size1, D[size2]). Requires 0 < size1 <= size2 (size1 == size2 gives
 * an empty proof; size1 == 0 is PCL_EINVAL, see pcl_merkle_verify_consistency). */
enum pcl_rc pcl_merkle_prove_consistency(uint64_t size1, uint64_t size2, pcl_merkle_get_fn *get,
                                         void *arg, uint8_t (*proof)[PCL_MERKLE_HASH_SIZE],
                                         size_t *n, struct pcl_err *err) PCL_WUR;

/* RFC 9162 §2.1.3.2: PCL_OK when proof[0..n) shows leaf hash `leaf` at `index` in the tree of
 * `size` leaves with root `root`; otherwise PCL_EINVAL with the reason (index out of range,
 * wrong proof length, root mismatch). */
enum pcl_rc pcl_merkle_verify_inclusion(uint64_t index, uint64_t size,
                                        const uint8_t leaf[PCL_MERKLE_HASH_SIZE],
                                        const uint8_t (*proof)[PCL_MERKLE_HASH_SIZE], size_t n,
                                        const uint8_t root[PCL_MERKLE_HASH_SIZE],
                                        struct pcl_err *err) PCL_WUR;
/* RFC 9162 §2.1.4.2, with these decisions for the cases the RFC leaves open:
 *   size1 > size2                 rejected (a log never shrinks);
 *   size1 == 0                    rejected, whatever the sizes, roots and proof: the RFC defines
 *                                 proofs only for 0 < size1, and every tree extends the empty
 *                                 one, so there is nothing to verify (callers skip the check);
 *   size1 == size2 > 0            accepted exactly when the proof is empty and root1 == root2.
 * PCL_OK when consistent, PCL_EINVAL with the reason otherwise. */
enum pcl_rc pcl_merkle_verify_consistency(uint64_t size1, uint64_t size2,
                                          const uint8_t (*proof)[PCL_MERKLE_HASH_SIZE], size_t n,
                                          const uint8_t root1[PCL_MERKLE_HASH_SIZE],
                                          const uint8_t root2[PCL_MERKLE_HASH_SIZE],
                                          struct pcl_err *err) PCL_WUR;

/* ---- tiles (tile.c): C2SP tlog-tiles paths, for serving the log as static files -------- */

/* Append the C2SP path of a tile: level -1 names an entry bundle (tile/entries/...), width
 * 1..256 where 256 is a full tile (no .p/ suffix). E.g. (0, 1234067, 5) ->
 * "tile/0/x001/x234/067.p/5". */
enum pcl_rc pcl_tile_path(int level, uint64_t index, unsigned width, struct pcl_buf *out) PCL_WUR;
/* Parse a C2SP tile path (no height element); the inverse of pcl_tile_path. */
enum pcl_rc pcl_tile_path_parse(const char *path, size_t len, int *level, uint64_t *index,
                                unsigned *width, struct pcl_err *err) PCL_WUR;
/* The index encoding alone: 1234067 -> "x001/x234/067". */
enum pcl_rc pcl_tile_index_encode(uint64_t index, struct pcl_buf *out) PCL_WUR;

/* ---- signed notes (note.c): c2sp.org/signed-note with Ed25519 ------------------------- */

#define PCL_NOTE_MAX_NAME 255
#define PCL_NOTE_MAX_SIGS 100 /* more signature lines than this make a note malformed */

enum pcl_note_key_type {
    PCL_NOTE_ED25519 = 0x01,     /* signed-note Ed25519 signature */
    PCL_NOTE_COSIGNATURE = 0x04, /* c2sp.org/tlog-cosignature cosignature/v1 (witnesses) */
};

struct pcl_note_signer;   /* a private key with its name and key ID */
struct pcl_note_verifier; /* a public key with its name and key ID */

/* Parse a signer key "PRIVATE+KEY+<name>+<hex id>+<base64(type || 32-byte seed)>" (the
 * golang.org/x/mod/sumdb/note format). Type 0x01 signs notes, 0x04 cosigns checkpoints.
 * Leading and trailing whitespace is ignored. Caller frees with pcl_note_signer_free(). */
enum pcl_rc pcl_note_signer_parse(const char *skey, size_t len, struct pcl_note_signer **out,
                                  struct pcl_err *err) PCL_WUR;
/* A fresh random key of the given type for `name` (no '+', no whitespace, not empty). */
enum pcl_rc pcl_note_signer_generate(const char *name, enum pcl_note_key_type type,
                                     struct pcl_note_signer **out, struct pcl_err *err) PCL_WUR;
/* Wipes the key. NULL is a no-op. */
void pcl_note_signer_free(struct pcl_note_signer *s);
/* A signing key from a file (at most 4 KiB) or, when path is NULL, from the environment
 * variable env (e.g. "PORTCULLIS_AUDIT_KEY"). PCL_ENOTFOUND when path is NULL and env is unset;
 * errors name the file or variable. The text read is wiped. */
enum pcl_rc pcl_note_signer_load(const char *path, const char *env, struct pcl_note_signer **out,
                                 struct pcl_err *err) PCL_WUR;
/* Append the private key string (a secret: keep it out of logs) or the verifier key string. */
enum pcl_rc pcl_note_signer_format(const struct pcl_note_signer *s, struct pcl_buf *out) PCL_WUR;
enum pcl_rc pcl_note_signer_vkey(const struct pcl_note_signer *s, struct pcl_buf *out) PCL_WUR;
/* Borrowed for the signer's lifetime. */
const char *pcl_note_signer_name(const struct pcl_note_signer *s);
uint32_t pcl_note_signer_id(const struct pcl_note_signer *s);

/* Parse a verifier key "<name>+<8 lower-case hex key id>+<base64(type || 32-byte key)>". The
 * key ID must equal SHA-256(name || "\n" || type || key)[:4]; upper-case hex, other types and
 * other key lengths are PCL_EINVAL naming the field. Caller frees with
 * pcl_note_verifier_free(). */
enum pcl_rc pcl_note_verifier_parse(const char *vkey, size_t len, struct pcl_note_verifier **out,
                                    struct pcl_err *err) PCL_WUR;
void pcl_note_verifier_free(struct pcl_note_verifier *v);
const char *pcl_note_verifier_name(const struct pcl_note_verifier *v);
uint32_t pcl_note_verifier_id(const struct pcl_note_verifier *v);
enum pcl_note_key_type pcl_note_verifier_type(const struct pcl_note_verifier *v);

/* Sign text (non-empty, valid UTF-8, no control characters but '\n', ending in '\n') with one
 * Ed25519 signer and append the whole note to out. Signatures are deterministic. */
enum pcl_rc pcl_note_sign(const char *text, size_t len, const struct pcl_note_signer *signer,
                          struct pcl_buf *out, struct pcl_err *err) PCL_WUR;
/* Append a witness's signature line (cosignature/v1 at unix time `t`) for checkpoint text to
 * out, e.g. to add to an existing note. The signer must be of type PCL_NOTE_COSIGNATURE. */
enum pcl_rc pcl_note_cosign_line(const char *text, size_t len, const struct pcl_note_signer *s,
                                 uint64_t t, struct pcl_buf *out, struct pcl_err *err) PCL_WUR;

/* One signature line of an opened note; name borrows from the note. */
struct pcl_note_sig {
    struct pcl_str name;
    uint32_t id;
    bool cosignature;     /* verified as cosignature/v1 */
    uint64_t cosign_time; /* its timestamp */
};

/* An opened note. All pointers borrow from msg, which the note owns. */
struct pcl_note {
    char *msg; /* heap copy of the whole note, NUL-terminated */
    size_t msg_len;
    struct pcl_str text;                         /* the signed text, ending in '\n' */
    struct pcl_note_sig sigs[PCL_NOTE_MAX_SIGS]; /* verified signatures, array of nsigs */
    size_t nsigs;
    struct pcl_note_sig unverified[PCL_NOTE_MAX_SIGS]; /* lines by unknown keys, deduplicated */
    size_t nunverified;
};

/* Parse and verify a signed note against known keys, following golang.org/x/mod/sumdb/note:
 * lines by unknown (name, key ID) pairs are kept as unverified, repeated lines by one known key
 * count once, a known key whose signature does not verify fails the whole note. Returns
 * PCL_EINVAL for a malformed note or a bad signature (err names which and where),
 * PCL_ENOTFOUND when no signature verifies. Caller frees *out with pcl_note_free(). */
enum pcl_rc pcl_note_open(const char *msg, size_t len, const struct pcl_note_verifier *const *known,
                          size_t nknown, struct pcl_note **out, struct pcl_err *err) PCL_WUR;
void pcl_note_free(struct pcl_note *n);

/* ---- checkpoints (checkpoint.c): c2sp.org/tlog-checkpoint ------------------------------ */

#define PCL_CHECKPOINT_MAX_EXT 16

struct pcl_checkpoint {
    char origin[PCL_NOTE_MAX_NAME + 1];
    uint64_t size;
    uint8_t root[PCL_MERKLE_HASH_SIZE];
    size_t next; /* extension lines, each without its '\n' */
    char ext[PCL_CHECKPOINT_MAX_EXT][PCL_NOTE_MAX_NAME + 1];
};

/* Parse a checkpoint body: origin line, decimal size without leading zeros, base64 32-byte
 * root, then up to PCL_CHECKPOINT_MAX_EXT non-empty extension lines; every line ends in '\n'.
 * PCL_EINVAL names the line and what is wrong. */
enum pcl_rc pcl_checkpoint_parse(const char *text, size_t len, struct pcl_checkpoint *cp,
                                 struct pcl_err *err) PCL_WUR;
/* Append the body "origin\nsize\nbase64(root)\n". */
enum pcl_rc pcl_checkpoint_format(const char *origin, uint64_t size,
                                  const uint8_t root[PCL_MERKLE_HASH_SIZE],
                                  struct pcl_buf *out) PCL_WUR;
/* Open a signed checkpoint: the note must carry a valid signature by log_key (required; its
 * name must equal the origin, and expected_origin if not NULL), and every cosignature by one
 * of the witnesses must verify; *nwitnessed (if not NULL) counts those that did. Signatures by
 * other keys are ignored. The tree size always comes from here, never from a proof. */
enum pcl_rc pcl_checkpoint_open(const char *note, size_t len,
                                const struct pcl_note_verifier *log_key,
                                const struct pcl_note_verifier *const *witnesses, size_t nwit,
                                const char *expected_origin, struct pcl_checkpoint *cp,
                                size_t *nwitnessed, struct pcl_err *err) PCL_WUR;

/* ---- receipts (receipt.c): c2sp.org/tlog-proof ------------------------------------------ */

struct pcl_receipt {
    uint64_t index;
    uint8_t proof[PCL_MERKLE_MAX_PROOF][PCL_MERKLE_HASH_SIZE]; /* array of nproof */
    size_t nproof;
    uint8_t *extra; /* heap, extra_len bytes; NULL when absent */
    size_t extra_len;
    char *checkpoint; /* heap, the signed checkpoint note, NUL-terminated */
    size_t checkpoint_len;
};

/* Append "c2sp.org/tlog-proof@v1\n[extra <b64>\n]index <n>\n<hashes>\n\n<checkpoint note>". */
enum pcl_rc pcl_receipt_format(uint64_t index, const uint8_t (*proof)[PCL_MERKLE_HASH_SIZE],
                               size_t nproof, const void *extra, size_t extra_len,
                               const char *checkpoint, size_t checkpoint_len,
                               struct pcl_buf *out) PCL_WUR;
/* Parse a receipt; r is filled (free its heap parts with pcl_receipt_fini even on failure). */
enum pcl_rc pcl_receipt_parse(const char *text, size_t len, struct pcl_receipt *r,
                              struct pcl_err *err) PCL_WUR;
void pcl_receipt_fini(struct pcl_receipt *r);
/* Verify offline that entry bytes are in the log: the checkpoint opens under log_key (and
 * witnesses, see pcl_checkpoint_open) and the proof leads from the entry's leaf hash at
 * r->index to its root. cp (if not NULL) receives the checkpoint. */
enum pcl_rc pcl_receipt_verify(const struct pcl_receipt *r, const void *entry, size_t entry_len,
                               const struct pcl_note_verifier *log_key,
                               const struct pcl_note_verifier *const *witnesses, size_t nwit,
                               struct pcl_checkpoint *cp, struct pcl_err *err) PCL_WUR;

/* ---- events (event.c): canonical JSON ------------------------------------------------- */

#define PCL_AUDIT_MAX_FINDING_TYPES 64

struct pcl_audit_finding_count {
    const char *type; /* entity type, e.g. "EMAIL_ADDRESS" */
    uint64_t count;
};

/* An AI interaction as the gateway saw it. Strings are borrowed, NUL-terminated, NULL = absent
 * (the key is left out); digests are "sha256:<hex>" of the bodies, never the bodies. */
struct pcl_audit_interaction {
    int64_t time_ms;                                /* unix time of the request, milliseconds */
    const char *request_id;                         /* gateway request id */
    const char *principal;                          /* API key's principal */
    const char *route;                              /* e.g. "/v1/chat/completions" */
    const char *model;                              /* model requested */
    const char *upstream;                           /* upstream that served it */
    const char *decision;                           /* allow | redact | block | alert */
    const char *policy;                             /* policy (rule) that decided */
    int status;                                     /* HTTP status returned; 0 = absent */
    const struct pcl_audit_finding_count *findings; /* array of nfindings, any order */
    size_t nfindings;
    int64_t prompt_tokens; /* -1 = unknown */
    int64_t completion_tokens;
    int64_t latency_ms;          /* total, -1 = unknown */
    int64_t upstream_latency_ms; /* -1 = unknown */
    const char *request_digest;  /* "sha256:..." */
    const char *response_digest;
    bool streamed;
};

/* Governance event kinds: key created/revoked, policy loaded, config reload, erasure, purge,
 * model registered. */
struct pcl_audit_governance {
    int64_t time_ms;
    const char *action; /* "key.created", "key.revoked", "policy.loaded", "config.reloaded",
                           "audit.erasure", "audit.purge", "model.registered", ... */
    const char *actor;  /* who did it (principal, "cli", "system") */
    const char *target; /* what it applies to (key id, policy path, model name, subject ref) */
    const char *detail; /* free text, optional */
    const char *digest; /* "sha256:..." of the artefact (policy file, model), optional */
};

/* Initialise with every optional field absent (-1 / NULL / 0). Cannot fail. */
void pcl_audit_interaction_init(struct pcl_audit_interaction *ev);
/* Append the canonical JSON (keys sorted by byte value, no whitespace, integers only, strings
 * escaped per RFC 8259, findings sorted by type with equal types summed) of an event. The
 * same struct always gives the same bytes. */
enum pcl_rc pcl_audit_interaction_json(const struct pcl_audit_interaction *ev,
                                       struct pcl_buf *out) PCL_WUR;
enum pcl_rc pcl_audit_governance_json(const struct pcl_audit_governance *ev,
                                      struct pcl_buf *out) PCL_WUR;
/* Append "sha256:<hex>" of data (for request/response digests). */
enum pcl_rc pcl_audit_digest(const void *data, size_t len, struct pcl_buf *out) PCL_WUR;

/* ---- the log (log.c, writer.c) -------------------------------------------------------- */

struct pcl_audit_log;

enum pcl_audit_full_policy {
    PCL_AUDIT_BLOCK = 0, /* a full queue makes append wait for space (default) */
    PCL_AUDIT_FAIL = 1,  /* a full queue makes append return PCL_ELIMIT at once (fail closed) */
};

struct pcl_audit_opts {
    const char *origin; /* checkpoint origin; NULL = the signer's key name */
    size_t queue_max;   /* bounded queue length (default 65536) */
    size_t batch_max;   /* entries per transaction at most (default 8192) */
    enum pcl_audit_full_policy on_full;
    uint32_t checkpoint_ms;      /* sign a checkpoint this often when the tree grew (default
                                    1000; 0 = never on a timer) */
    uint64_t checkpoint_entries; /* and after this many new entries (default 0 = off) */
    const uint8_t *master_key;   /* 32 bytes wrapping per-subject data keys; NULL = encrypted
                                    payloads disabled. Copied. */
};

/* Cannot fail: the defaults above. */
void pcl_audit_opts_init(struct pcl_audit_opts *o);

/* Open (creating the schema via pcl_store_migrate if needed) the log in the store at url
 * (use ?sync=full, the default, for durable acknowledgements) and start its writer thread.
 * signer (borrowed; must outlive the log) signs checkpoints; NULL opens the log read-only
 * (proofs, entries, verification). An existing log whose origin differs from this one is
 * PCL_EINVAL. Caller frees with pcl_audit_log_free(). */
enum pcl_rc pcl_audit_log_open(const char *url, const struct pcl_note_signer *signer,
                               const struct pcl_audit_opts *opts, struct pcl_audit_log **out,
                               struct pcl_err *err) PCL_WUR;
/* Drain the queue (every accepted append completes), sign a final checkpoint if the tree grew,
 * stop the writer and close the store. NULL is a no-op. */
void pcl_audit_log_free(struct pcl_audit_log *log);

/* An optional payload stored encrypted under the subject's data key (needs opts.master_key):
 * the leaf commits to the ciphertext digest and to a salted commitment of the plaintext, never
 * to the plaintext or the subject. */
struct pcl_audit_payload {
    const char *subject; /* data subject id, NUL-terminated, not empty */
    const void *data;    /* plaintext, len bytes (e.g. the prompt and response as JSON) */
    size_t len;
};

/* Append one event: kind is [a-z0-9._-]{1,32} (e.g. "interaction", "governance"), event is a
 * JSON object (validated; canonical form is the caller's job, see pcl_audit_*_json). Blocks
 * until the entry is durable (committed with the store's sync setting) and returns its index.
 * Thread-safe, but it waits for a commit: from an event-loop thread use
 * pcl_audit_append_async. Queue full: waits (PCL_AUDIT_BLOCK) or PCL_ELIMIT (PCL_AUDIT_FAIL,
 * counted as rejected). A store failure fails every append of its batch with the store's
 * error (PCL_EIO for I/O); nothing of that batch is stored. */
enum pcl_rc pcl_audit_append(struct pcl_audit_log *log, const char *kind, const char *event,
                             size_t len, const struct pcl_audit_payload *payload, uint64_t *index,
                             struct pcl_err *err) PCL_WUR;

/* Completion of an asynchronous append, called on the writer thread once the entry is durable
 * (rc PCL_OK) or has failed; must not block or call back into the log. */
typedef void pcl_audit_done_fn(void *arg, enum pcl_rc rc, uint64_t index,
                               const struct pcl_err *err);
/* As pcl_audit_append without waiting: the event and payload are copied; done (may be NULL)
 * is called exactly once when PCL_OK is returned, never when an error is returned. */
enum pcl_rc pcl_audit_append_async(struct pcl_audit_log *log, const char *kind, const char *event,
                                   size_t len, const struct pcl_audit_payload *payload,
                                   pcl_audit_done_fn *done, void *arg, struct pcl_err *err) PCL_WUR;
/* Wait until everything accepted before the call is durable. */
enum pcl_rc pcl_audit_flush(struct pcl_audit_log *log, struct pcl_err *err) PCL_WUR;
/* Sign a checkpoint of the current tree now (through the writer) unless the latest one
 * already covers it; append the signed note to note (may be NULL). */
enum pcl_rc pcl_audit_checkpoint(struct pcl_audit_log *log, struct pcl_buf *note,
                                 struct pcl_err *err) PCL_WUR;

#define PCL_AUDIT_LATENCY_BUCKETS 14

/* Counters for metrics; a consistent snapshot. */
struct pcl_audit_stats {
    uint64_t tree_size;   /* durable entries */
    uint64_t queue_depth; /* accepted, not yet durable */
    uint64_t queue_max;
    uint64_t appended;        /* durable appends since open */
    uint64_t failed;          /* appends that failed in the store */
    uint64_t rejected;        /* PCL_ELIMIT under PCL_AUDIT_FAIL */
    uint64_t blocked;         /* appends that had to wait for space under PCL_AUDIT_BLOCK */
    uint64_t batches;         /* transactions committed */
    uint64_t checkpoints;     /* checkpoints signed since open */
    uint64_t checkpoint_size; /* size of the latest checkpoint */
    double checkpoint_age_s;  /* seconds since the latest checkpoint (-1: none yet) */
    /* append latency (enqueue to durable), as a Prometheus histogram: bucket i counts appends
     * at or under latency_le_us[i]; the last bound is UINT64_MAX (+Inf). */
    uint64_t latency_le_us[PCL_AUDIT_LATENCY_BUCKETS];
    uint64_t latency_count[PCL_AUDIT_LATENCY_BUCKETS]; /* cumulative */
    uint64_t latency_sum_us;
};

/* Cannot fail; thread-safe. */
void pcl_audit_stats_get(struct pcl_audit_log *log, struct pcl_audit_stats *out);
/* Append the counters in the Prometheus text exposition format (portcullis_audit_* gauges and
 * counters, and the portcullis_audit_append_latency_seconds histogram). */
enum pcl_rc pcl_audit_stats_prometheus(const struct pcl_audit_stats *st,
                                       struct pcl_buf *out) PCL_WUR;

/* Reads (thread-safe, served on the log's own reader connection). */

/* Durable tree size. */
uint64_t pcl_audit_size(struct pcl_audit_log *log);
/* The origin line of this log's checkpoints. Borrowed for the log's lifetime. */
const char *pcl_audit_origin(const struct pcl_audit_log *log);
/* Append entry index's leaf bytes (the canonical JSON the leaf hash covers) to out. */
enum pcl_rc pcl_audit_entry(struct pcl_audit_log *log, uint64_t index, struct pcl_buf *out,
                            struct pcl_err *err) PCL_WUR;
/* The leaf hash the log stored for entry index. */
enum pcl_rc pcl_audit_leaf_hash(struct pcl_audit_log *log, uint64_t index,
                                uint8_t out[PCL_MERKLE_HASH_SIZE], struct pcl_err *err) PCL_WUR;
/* Called for each stored checkpoint in size order; note is borrowed for the call. */
typedef enum pcl_rc pcl_audit_note_fn(void *arg, uint64_t size, const char *note, size_t len,
                                      struct pcl_err *err);
enum pcl_rc pcl_audit_checkpoints_each(struct pcl_audit_log *log, pcl_audit_note_fn *fn, void *arg,
                                       struct pcl_err *err) PCL_WUR;
/* Latest signed checkpoint note (appended to out) and its size; PCL_ENOTFOUND if none. */
enum pcl_rc pcl_audit_latest_checkpoint(struct pcl_audit_log *log, struct pcl_buf *out,
                                        uint64_t *size, struct pcl_err *err) PCL_WUR;
/* Inclusion proof of index in the tree of `size` leaves (size <= tree size) and the root. */
enum pcl_rc pcl_audit_prove_inclusion(struct pcl_audit_log *log, uint64_t index, uint64_t size,
                                      uint8_t (*proof)[PCL_MERKLE_HASH_SIZE], size_t *n,
                                      struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_audit_prove_consistency(struct pcl_audit_log *log, uint64_t size1, uint64_t size2,
                                        uint8_t (*proof)[PCL_MERKLE_HASH_SIZE], size_t *n,
                                        struct pcl_err *err) PCL_WUR;
enum pcl_rc pcl_audit_root(struct pcl_audit_log *log, uint64_t size,
                           uint8_t out[PCL_MERKLE_HASH_SIZE], struct pcl_err *err) PCL_WUR;
/* Append a C2SP tlog-proof receipt for entry index against the latest checkpoint, signing one
 * first (through the writer) when none covers index yet. For a response header, base64 it. */
enum pcl_rc pcl_audit_receipt(struct pcl_audit_log *log, uint64_t index, struct pcl_buf *out,
                              struct pcl_err *err) PCL_WUR;

/* ---- subjects: erasure, retention, export (payload.c, log.c) ------------------------- */

/* Crypto-shredding: destroy the subject's data key so every payload of theirs becomes
 * unrecoverable (the ciphertexts are dropped too), and log a governance event
 * "audit.erasure" whose target is the subject's keyed reference (never the subject id) in
 * the same transaction. The tree and every proof still verify. *records = payloads made
 * unreadable, *index = the erasure event's index. PCL_ENOTFOUND when the subject has no live
 * key. Needs a signer and a master key. */
enum pcl_rc pcl_audit_erase_subject(struct pcl_audit_log *log, const char *subject,
                                    const char *actor, uint64_t *records, uint64_t *index,
                                    struct pcl_err *err) PCL_WUR;
/* Retention: delete payload ciphertexts logged before cutoff_ms (unix ms) of event kind `kind`
 * (NULL = every kind), leaving leaves and hashes alone, and log "audit.purge". */
enum pcl_rc pcl_audit_purge(struct pcl_audit_log *log, int64_t cutoff_ms, const char *kind,
                            const char *actor, uint64_t *records, uint64_t *index,
                            struct pcl_err *err) PCL_WUR;
/* Called per exported record with the entry (leaf bytes) and the decrypted payload; both are
 * borrowed for the call (the payload is wiped after it). */
typedef enum pcl_rc pcl_audit_export_fn(void *arg, uint64_t index, const char *entry,
                                        size_t entry_len, const void *data, size_t len,
                                        struct pcl_err *err);
/* DSAR export: decrypt each payload of the subject, check it against the leaf's ciphertext
 * digest and salted commitment, and hand it to fn in index order. An erased subject is
 * PCL_ENOTFOUND. Needs the master key (a read-only log is enough). */
enum pcl_rc pcl_audit_export_subject(struct pcl_audit_log *log, const char *subject,
                                     pcl_audit_export_fn *fn, void *arg, uint64_t *records,
                                     struct pcl_err *err) PCL_WUR;

/* ---- verification (verify.c) ---------------------------------------------------------- */

/* Outcome of a full verification. */
struct pcl_audit_report {
    bool ok;
    uint64_t entries;            /* entries read */
    uint64_t checkpoints;        /* checkpoints verified (signature and root) */
    uint64_t bad_index;          /* first bad entry index when !ok (UINT64_MAX: not an entry) */
    uint64_t bad_index_hi;       /* the bad entry lies in [bad_index, bad_index_hi]; equal when
                                    the index is exact */
    char what[PCL_ERR_MSG_SIZE]; /* what failed, e.g. "entry 17: leaf hash does not match" */
};

struct pcl_audit_verifier;

/* A streaming verifier: feed checkpoints (signed notes) first, then every entry in index
 * order; it recomputes each leaf hash and the tree and checks every checkpoint root. The
 * first problem is recorded in the report (later input is ignored). Caller frees with
 * pcl_audit_verifier_free(). log_key and witnesses are borrowed. */
enum pcl_rc pcl_audit_verifier_new(const struct pcl_note_verifier *log_key,
                                   const struct pcl_note_verifier *const *witnesses, size_t nwit,
                                   struct pcl_audit_verifier **out, struct pcl_err *err) PCL_WUR;
void pcl_audit_verifier_free(struct pcl_audit_verifier *v);
/* Add a signed checkpoint. A checkpoint whose signature fails is itself a verification
 * failure (not an error). source (0..7) groups checkpoints by where they came from (0 = the
 * log itself, 1 = kept by an auditor, ...): when a checkpoint fails, the bad entry is placed
 * after the last size a checkpoint of the same source confirmed. */
enum pcl_rc pcl_audit_verifier_checkpoint(struct pcl_audit_verifier *v, const char *note,
                                          size_t len, unsigned source, struct pcl_err *err) PCL_WUR;
/* Entry `index` with its bytes; stored_hash (may be NULL) is the leaf hash the log recorded
 * for it, compared with the recomputed one so a change is pinned to its exact index. */
enum pcl_rc pcl_audit_verifier_entry(struct pcl_audit_verifier *v, uint64_t index,
                                     const void *entry, size_t len, const uint8_t *stored_hash,
                                     struct pcl_err *err) PCL_WUR;
/* Finish: checkpoints beyond the last entry fail (entries were dropped from the end). */
void pcl_audit_verifier_finish(struct pcl_audit_verifier *v, struct pcl_audit_report *rep);

/* Verify a whole log in a store: every entry, stored hash, stored node and checkpoint, plus
 * the extra checkpoint notes given (e.g. ones saved by auditors, to detect forks). Returns
 * PCL_OK when verification ran (the verdict is in rep), an error when it could not run. */
enum pcl_rc pcl_audit_verify_store(const char *url, const struct pcl_note_verifier *log_key,
                                   const struct pcl_note_verifier *const *witnesses, size_t nwit,
                                   const struct pcl_str *extra, size_t nextra,
                                   struct pcl_audit_report *rep, struct pcl_err *err) PCL_WUR;

#ifdef __cplusplus
}
#endif
#endif
