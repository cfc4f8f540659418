/* SPDX-License-Identifier: Apache-2.0 */
/* Transforms on findings: mask, tag, keyed pseudonyms, format-preserving encryption (FF1)
 * and a token vault, with keys and the reverse (unredact) path. */
#ifndef PORTCULLIS_PROTECT_H
#define PORTCULLIS_PROTECT_H

#include <portcullis/core.h>
#include <portcullis/detect.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- operators ---------------------------------------------------------------------- *
 *
 * keep   leave the value as it is.
 * mask   replace every letter, digit and non-ASCII character with the mask character ('*'),
 *        leaving the last `keep` of them visible (default 4, but never more than half of
 *        them); ASCII punctuation and spaces stay in place ("***-**-6789",
 *        "**** **** **** 1111"). E-mail addresses keep their domain and lose the whole
 *        local part ("********@example.com").
 * tag    replace with the entity type: "<EMAIL_ADDRESS>".
 * hash   keyed pseudonym, stable for one key: "<EMAIL_ADDRESS:7f3a9c21d0e4>" = the first 48
 *        bits of HMAC-SHA256(hash subkey, type || 0x00 || normalised value) in hex. The value
 *        is normalised first so spellings of one value agree: e-mail lower-cased; card, SSN
 *        and phone numbers reduced to their digits; IBAN upper-cased without spaces.
 * fpe    format-preserving encryption, FF1 (NIST SP 800-38G) over AES-256 with a tweak bound
 *        to the entity type. Digits stay digits, lower/upper-case letters stay lower/upper-
 *        case letters, everything else stays in place. Validity is kept for known types:
 *        CREDIT_CARD keeps its first 6 digits (the IIN) and a recomputed Luhn check digit;
 *        IBAN_CODE keeps its country and recomputes its check digits; US_SSN stays a valid
 *        SSN; PHONE_NUMBER keeps a leading '+' and 2 country digits, a trunk '0' or '1', and
 *        NANP validity; EMAIL_ADDRESS keeps '@' and its domain (the domain labels and then
 *        the TLD are encrypted too only when the local part alone is too short);
 *        IP_ADDRESS (dotted IPv4) stays a valid address with the same digits per octet. Values
 *        whose variable part has fewer than 1,000,000 possible values (FF1's minimum
 *        domain), cards failing Luhn and IBANs failing mod 97 are not encrypted: they take
 *        the fpe fallback (vault, tag or error, see pcl_redact_opts), and so do credentials
 *        (category credential), whose prefixes and checksums fpe would break. Other types
 *        keep only their character classes, which their detector may not accept again.
 *        Output carries no marker: unredact finds fpe values by running the engine again.
 * vault  random token "<EMAIL_ADDRESS#vlt_3kF9x2Qm7P>" (10 base62 characters); the value is
 *        stored encrypted (XChaCha20-Poly1305) in a SQLite vault, indexed by a keyed HMAC of
 *        type and value, so one value always gets the same token. */
enum pcl_op {
    PCL_OP_DEFAULT = 0, /* in options: the built-in default (tag) */
    PCL_OP_KEEP,
    PCL_OP_MASK,
    PCL_OP_TAG,
    PCL_OP_HASH,
    PCL_OP_FPE,
    PCL_OP_VAULT,
};
#define PCL_OP_COUNT 7

/* Static lower-case name ("mask"), NULL for an unknown value. */
const char *pcl_op_name(enum pcl_op op);
/* Parse an operator name (case-insensitive); -1 when unknown. */
int pcl_op_parse(const char *s, size_t len);
/* True for operators that need a key (hash, fpe, vault). */
bool pcl_op_needs_key(enum pcl_op op);

/* ---- keys --------------------------------------------------------------------------- */

#define PCL_PROTECT_KEY_LEN 32
#define PCL_PROTECT_KEY_ENV "PORTCULLIS_KEY"

/* A 32-byte master key. Per-operator subkeys are derived from it with
 * crypto_kdf_derive_from_key (context "pclprot1"), so hash, fpe and vault never share key
 * bytes. There is no default key anywhere. */
struct pcl_protect_key;

/* Key from text: 64 hex characters or standard/URL base64 of exactly 32 bytes (padding
 * optional), surrounding whitespace ignored. An all-zero key is rejected. Caller frees with
 * pcl_protect_key_free(). */
enum pcl_rc pcl_protect_key_parse(const char *text, size_t len, struct pcl_protect_key **out,
                                  struct pcl_err *err) PCL_WUR;
/* Key from exactly 32 raw bytes. */
enum pcl_rc pcl_protect_key_from_bytes(const uint8_t *bytes, size_t len,
                                       struct pcl_protect_key **out, struct pcl_err *err) PCL_WUR;
/* Key from a file holding 32 raw bytes, or the text forms of pcl_protect_key_parse
 * (file at most 4 KiB). Errors name the file. */
enum pcl_rc pcl_protect_key_load_file(const char *path, struct pcl_protect_key **out,
                                      struct pcl_err *err) PCL_WUR;
/* Key from an environment variable holding a text form (NULL name = PORTCULLIS_KEY).
 * PCL_ENOTFOUND when the variable is unset or empty. */
enum pcl_rc pcl_protect_key_load_env(const char *name, struct pcl_protect_key **out,
                                     struct pcl_err *err) PCL_WUR;
/* A fresh random key (for tests and `keygen`). */
enum pcl_rc pcl_protect_key_generate(struct pcl_protect_key **out, struct pcl_err *err) PCL_WUR;
/* Wipes the key (sodium_memzero) and frees it; NULL is a no-op. */
void pcl_protect_key_free(struct pcl_protect_key *k);

/* ---- vault -------------------------------------------------------------------------- */

/* Longest token pcl_vault_token_parse accepts: '<' + 64-byte type + "#vlt_" + 10 + '>'. */
#define PCL_VAULT_TYPE_MAX  64
#define PCL_VAULT_ID_LEN    10
#define PCL_VAULT_TOKEN_MAX (1 + PCL_VAULT_TYPE_MAX + 5 + PCL_VAULT_ID_LEN + 1)

struct pcl_vault;

/* Open (creating when missing) a SQLite vault at path (":memory:" for a private in-memory
 * one). A new vault records a key check value; opening an existing vault with another key
 * is PCL_EINVAL "vault: PATH: key does not match this vault". The key is borrowed and must
 * outlive the vault. One vault handle is not thread-safe; several processes may share the
 * file (WAL, busy timeout). Caller closes with pcl_vault_close(). */
enum pcl_rc pcl_vault_open(const char *path, const struct pcl_protect_key *key,
                           struct pcl_vault **out, struct pcl_err *err) PCL_WUR;
void pcl_vault_close(struct pcl_vault *v);

/* Append the token for (type, value) to out, creating and storing it when the vault has none
 * yet: the same type and value always yield the same token. type must be 1..64 characters
 * of [A-Z0-9_]. */
enum pcl_rc pcl_vault_tokenize(struct pcl_vault *v, const char *type, const char *value, size_t len,
                               struct pcl_buf *out, struct pcl_err *err) PCL_WUR;
/* Append the value behind a token (the whole "<TYPE#vlt_...>" text) to out. PCL_ENOTFOUND
 * when this vault has no such token; PCL_EINVAL when the token is malformed or its stored
 * ciphertext fails authentication. */
enum pcl_rc pcl_vault_detokenize(struct pcl_vault *v, const char *token, size_t len,
                                 struct pcl_buf *out, struct pcl_err *err) PCL_WUR;
/* Batch mode (off by default, when every new token is committed before tokenize returns and
 * every statement is its own transaction): tokenize and detokenize calls share one
 * transaction (a write transaction once a token is created), ended by pcl_vault_sync() or
 * pcl_vault_close(). A caller turning it on must sync before any token it was given leaves
 * the process (the CLI syncs before each write of output), or a crash could leave output
 * naming tokens the vault never stored. While a write batch is open, other writers of the
 * file wait (busy timeout), so sync often. It saves the file locking and change checks
 * SQLite does per transaction (three system calls per lookup) and a commit per token.
 * Turning it off commits the open batch (pcl_vault_sync()'s result). */
enum pcl_rc pcl_vault_batch(struct pcl_vault *v, bool on, struct pcl_err *err) PCL_WUR;
/* Commit the open batch, if any. PCL_EIO when the commit fails (the batch is then rolled
 * back: the tokens it handed out are not stored). */
enum pcl_rc pcl_vault_sync(struct pcl_vault *v, struct pcl_err *err) PCL_WUR;
/* Number of tokens stored. */
enum pcl_rc pcl_vault_count(struct pcl_vault *v, uint64_t *count, struct pcl_err *err) PCL_WUR;

/* A token found in text: borrowed pointers into the parsed text. */
struct pcl_vault_token {
    struct pcl_str type; /* "EMAIL_ADDRESS" */
    struct pcl_str id;   /* the 10 base62 characters */
};
/* If s[0..n) starts with a well-formed token, fill tok (may be NULL) and return its length;
 * else return 0. Never reads past n. */
size_t pcl_vault_token_parse(const char *s, size_t n, struct pcl_vault_token *tok);
/* Offset of the first well-formed token in s[0..n), or n when none; *tlen gets its length. */
size_t pcl_vault_token_find(const char *s, size_t n, size_t *tlen);

/* ---- redactor ----------------------------------------------------------------------- */

/* One operator choice: by entity type, or (type NULL) by category. */
struct pcl_redact_rule {
    const char *type;    /* entity type, e.g. "EMAIL_ADDRESS"; NULL = use categories */
    uint32_t categories; /* PCL_CAT_* mask; matches when a finding has any of them */
    enum pcl_op op;
};

/* What fpe does with a value it cannot encrypt (too short, failed checksum). */
enum pcl_fpe_fallback {
    PCL_FPE_FALLBACK_AUTO = 0, /* vault when a vault is set, else error */
    PCL_FPE_FALLBACK_VAULT,
    PCL_FPE_FALLBACK_TAG,
    PCL_FPE_FALLBACK_ERROR, /* PCL_EINVAL naming the type */
};

/* Redactor options; zero-initialise, then set what you need. Strings are copied. */
struct pcl_redact_opts {
    enum pcl_op default_op;              /* for findings no rule matches; 0 = tag */
    const struct pcl_redact_rule *rules; /* array of nrules; a type rule beats a category
                                            rule, and among equals the last one wins */
    size_t nrules;
    int keep;       /* mask: characters left visible; 0 = 4, < 0 = 0 */
    char mask_char; /* mask: 0 = '*'; must be printable ASCII and not a
                       letter or digit */
    enum pcl_fpe_fallback fpe_fallback;
    const struct pcl_protect_key *key; /* borrowed; required when any rule or the default
                                          is hash, fpe or vault */
    struct pcl_vault *vault;           /* borrowed; required for vault (and for the vault
                                          fpe fallback) */
};

/* Counters since the redactor was created. */
struct pcl_redact_stats {
    uint64_t by_op[PCL_OP_COUNT]; /* values replaced, per operator actually applied */
    uint64_t fpe_fallbacks;       /* fpe values that took the fallback */
    uint64_t restored_fpe;        /* unredact: fpe values decrypted */
    uint64_t restored_vault;      /* unredact: vault tokens resolved */
    uint64_t unknown_tokens;      /* unredact: well-formed tokens the vault does not know */
};

struct pcl_redactor;

/* Validate options and derive subkeys. A missing key for hash/fpe/vault, a missing vault for
 * vault, or a bad mask character is PCL_EINVAL with a message saying what to pass. Not
 * thread-safe: use one redactor per thread (a vault handle too). Caller frees with
 * pcl_redactor_free(), which wipes the subkeys. */
enum pcl_rc pcl_redactor_new(const struct pcl_redact_opts *opts, struct pcl_redactor **out,
                             struct pcl_err *err) PCL_WUR;
void pcl_redactor_free(struct pcl_redactor *r);

/* Operator applied to a finding of this type and categories (never PCL_OP_DEFAULT); fpe on a
 * credential gives the fallback's operator (vault or tag) when it is known up front. */
enum pcl_op pcl_redactor_op(const struct pcl_redactor *r, const char *type, uint32_t categories);

/* Append to out the replacement for one value found as `type` (with `categories`).
 * PCL_OP_KEEP appends the value itself. */
enum pcl_rc pcl_redact_value(struct pcl_redactor *r, const char *type, uint32_t categories,
                             const char *value, size_t len, struct pcl_buf *out,
                             struct pcl_err *err) PCL_WUR;

/* Append buf[0..len) to out with each finding replaced. findings (array of nfindings) come
 * from the engine e scanning exactly this buffer: sorted by start, not overlapping, offsets
 * relative to buf. *changed (may be NULL) says whether any byte differs. The gateway's
 * "redact into a buffer". */
enum pcl_rc pcl_redact_buf(struct pcl_redactor *r, const struct pcl_engine *e, const char *buf,
                           size_t len, const struct pcl_finding *findings, size_t nfindings,
                           struct pcl_buf *out, bool *changed, struct pcl_err *err) PCL_WUR;

/* Reverse one fpe value of `type` (as found by the engine in redacted text): appends the
 * plaintext. PCL_EINVAL when the value cannot be an fpe output (wrong shape, too short). */
enum pcl_rc pcl_unredact_fpe_value(struct pcl_redactor *r, const char *type, const char *value,
                                   size_t len, struct pcl_buf *out, struct pcl_err *err) PCL_WUR;

/* Append buf[0..len) to out with vault tokens resolved (needs the vault) and, when e and s are
 * given, fpe values decrypted: every finding whose type the redactor maps to fpe (so pass the
 * operator options redact used). Tokens the vault does not know stay as they are and are
 * counted in stats.unknown_tokens. A wrong key is caught when the vault is opened; for fpe
 * alone it cannot be detected (the output carries no check value). */
enum pcl_rc pcl_unredact_buf(struct pcl_redactor *r, const struct pcl_engine *e,
                             struct pcl_scratch *s, const char *buf, size_t len,
                             struct pcl_buf *out, bool *changed, struct pcl_err *err) PCL_WUR;

void pcl_redactor_stats(const struct pcl_redactor *r, struct pcl_redact_stats *out);

#ifdef __cplusplus
}
#endif
#endif
