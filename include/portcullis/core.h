/* SPDX-License-Identifier: Apache-2.0 */
/* Core services shared by every module: errors, allocation, arenas, buffers, encodings,
 * UTF-8 validation and a streaming JSON writer. */
#ifndef PORTCULLIS_CORE_H
#define PORTCULLIS_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PCL_WUR          __attribute__((warn_unused_result))
#define PCL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PCL_WUR
#define PCL_PRINTF(a, b)
#endif

/* ---- errors ------------------------------------------------------------------------- */

enum pcl_rc {
    PCL_OK = 0,
    PCL_ENOMEM = -1,
    PCL_EINVAL = -2,
    PCL_ELIMIT = -3,
    PCL_EIO = -4,
    PCL_ENOTFOUND = -5,
    PCL_EINTERNAL = -6,
};

#define PCL_ERR_MSG_SIZE 256

/* A fixed-size error record; filling it never allocates. */
struct pcl_err {
    enum pcl_rc rc;
    char msg[PCL_ERR_MSG_SIZE];
};

/* Sets err (if not NULL) and returns rc, so callers can `return pcl_err_set(...)`. */
enum pcl_rc pcl_err_set(struct pcl_err *err, enum pcl_rc rc, const char *fmt, ...) PCL_PRINTF(3, 4);

/* Static name of a return code, e.g. "out of memory". */
const char *pcl_rc_str(enum pcl_rc rc);

/* ---- allocation --------------------------------------------------------------------- */

/* All heap memory in the library goes through these, so tests can fail the Nth allocation.
 * pcl_free(NULL) is a no-op. */
void *pcl_malloc(size_t n) PCL_WUR;
void *pcl_calloc(size_t count, size_t size) PCL_WUR;
void *pcl_realloc(void *p, size_t n) PCL_WUR;
void pcl_free(void *p);
/* Copy of s[0..len) plus a NUL; caller frees with pcl_free(). */
char *pcl_strndup(const char *s, size_t len) PCL_WUR;
char *pcl_strdup(const char *s) PCL_WUR;

/* Test hook: make the nth allocation from now fail (1 = the next one), and every one after it
 * when `sticky`; n == 0 disables. Returns the number of allocations made since the last call. */
unsigned long pcl_alloc_fail_at(unsigned long n, bool sticky);

/* ---- arena -------------------------------------------------------------------------- */

struct pcl_arena;
typedef void pcl_defer_fn(void *arg);

/* New arena growing in chunks of `chunk` bytes, holding at most `max_bytes` in total
 * (0 = unlimited). Caller frees with pcl_arena_free(). NULL when out of memory. */
struct pcl_arena *pcl_arena_new(size_t chunk, size_t max_bytes) PCL_WUR;
/* Aligned (16) memory valid until reset/free; NULL past max_bytes or out of memory. */
void *pcl_arena_alloc(struct pcl_arena *a, size_t n) PCL_WUR;
/* Copy of s[0..len) + NUL in the arena. */
char *pcl_arena_strndup(struct pcl_arena *a, const char *s, size_t len) PCL_WUR;
/* Run fn(arg) at the next reset or free (last registered runs first). */
enum pcl_rc pcl_arena_defer(struct pcl_arena *a, pcl_defer_fn *fn, void *arg) PCL_WUR;
/* Run deferred cleanups and forget every allocation. Keeps one chunk: when the allocations
 * spilled over several, one of their combined size if that is at most PCL_ARENA_KEEP_MAX (so
 * a run of similar uses stops calling malloc), else the first. */
#define PCL_ARENA_KEEP_MAX (64u << 10)
void pcl_arena_reset(struct pcl_arena *a);
void pcl_arena_free(struct pcl_arena *a);
/* Bytes handed out since the last reset. */
size_t pcl_arena_used(const struct pcl_arena *a);
/* True when p points into memory of one of a's chunks (handed out or not): lets an allocator
 * that serves some requests from an arena tell its pointers from heap ones. Costs one
 * comparison per chunk; NULL a or p = false. */
bool pcl_arena_owns(const struct pcl_arena *a, const void *p);

/* ---- strings and buffers ------------------------------------------------------------ */

/* Borrowed bytes with their length; not NUL-terminated. */
struct pcl_str {
    const char *ptr;
    size_t len;
};

#define PCL_STR(lit) ((struct pcl_str){(lit), sizeof(lit) - 1})

/* A growable byte buffer with a hard maximum; always NUL-terminated after a successful
 * append (the NUL is not counted in len). */
struct pcl_buf {
    char *ptr; /* heap, owned; NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* appends that would exceed this return PCL_ELIMIT */
};

/* Cannot fail. max == 0 (or above SIZE_MAX / 2) means SIZE_MAX / 2. */
void pcl_buf_init(struct pcl_buf *b, size_t max);
void pcl_buf_fini(struct pcl_buf *b);
/* Wipes the contents (sodium_memzero) before freeing; for buffers that held secrets. */
void pcl_buf_fini_secure(struct pcl_buf *b);
void pcl_buf_reset(struct pcl_buf *b);
enum pcl_rc pcl_buf_reserve(struct pcl_buf *b, size_t extra) PCL_WUR;
enum pcl_rc pcl_buf_append(struct pcl_buf *b, const void *p, size_t n) PCL_WUR;
enum pcl_rc pcl_buf_appendc(struct pcl_buf *b, char c) PCL_WUR;
enum pcl_rc pcl_buf_appends(struct pcl_buf *b, const char *s) PCL_WUR;
enum pcl_rc pcl_buf_appendf(struct pcl_buf *b, const char *fmt, ...) PCL_PRINTF(2, 3) PCL_WUR;
enum pcl_rc pcl_buf_appendv(struct pcl_buf *b, const char *fmt, va_list ap)
    PCL_PRINTF(2, 0) PCL_WUR;
/* Drop the first n bytes (memmove). */
void pcl_buf_consume(struct pcl_buf *b, size_t n);
/* Hand the heap pointer to the caller (caller frees with pcl_free) and reset b. */
char *pcl_buf_steal(struct pcl_buf *b, size_t *len);

/* ---- encodings ---------------------------------------------------------------------- */
/* Decimal digits only (no sign, space or prefix) with a value <= max; false otherwise. */
bool pcl_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* v in decimal into out (PCL_I64_CHARS bytes or more), NUL-terminated; returns the length.
 * For hot paths, where snprintf's ~1,000 instructions per call show. */
#define PCL_I64_CHARS 21
size_t pcl_fmt_i64(char *out, int64_t v);

/* The NULL-terminated parts joined into out, cut to cap - 1 bytes and NUL-terminated as
 * snprintf would; returns the length written. */
size_t pcl_strjoin(char *out, size_t cap, const char *const *parts);

/* Decoders write at most `cap` bytes to out, set *outlen, and return PCL_EINVAL on a bad
 * character or length (err says which offset) and PCL_ELIMIT when cap is too small. */

/* Lower-case hex; appends 2n bytes. */
enum pcl_rc pcl_hex_encode(struct pcl_buf *out, const uint8_t *in, size_t n) PCL_WUR;
enum pcl_rc pcl_hex_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen,
                           struct pcl_err *err) PCL_WUR;

enum pcl_b64_variant {
    PCL_B64_STD, /* RFC 4648 §4, '=' padding required on encode, optional on decode */
    PCL_B64_URL, /* RFC 4648 §5, no padding on encode, optional on decode */
};
enum pcl_rc pcl_base64_encode(struct pcl_buf *out, const uint8_t *in, size_t n,
                              enum pcl_b64_variant v) PCL_WUR;
enum pcl_rc pcl_base64_decode(const char *in, size_t n, enum pcl_b64_variant v, uint8_t *out,
                              size_t cap, size_t *outlen, struct pcl_err *err) PCL_WUR;
/* Exact decoded size bound for n input characters. */
size_t pcl_base64_decoded_max(size_t n);

/* Bitcoin alphabet. */
enum pcl_rc pcl_base58_encode(struct pcl_buf *out, const uint8_t *in, size_t n) PCL_WUR;
enum pcl_rc pcl_base58_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen,
                              struct pcl_err *err) PCL_WUR;
/* Base58Check: decodes and verifies the 4-byte double-SHA256 checksum; out receives the
 * payload without the checksum. */
enum pcl_rc pcl_base58check_decode(const char *in, size_t n, uint8_t *out, size_t cap,
                                   size_t *outlen, struct pcl_err *err) PCL_WUR;

enum pcl_bech32_variant {
    PCL_BECH32 = 1,  /* BIP-173 */
    PCL_BECH32M = 2, /* BIP-350 */
};
/* Decode a bech32/bech32m string (mixed case rejected, max 90 chars). hrp receives the
 * lower-cased human-readable part (NUL-terminated, hrp_cap >= 84), data the 5-bit groups
 * without the checksum. Sets *variant to the checksum that matched. */
enum pcl_rc pcl_bech32_decode(const char *in, size_t n, char *hrp, size_t hrp_cap, uint8_t *data,
                              size_t data_cap, size_t *data_len, enum pcl_bech32_variant *variant,
                              struct pcl_err *err) PCL_WUR;
/* Regroup bits (e.g. 5 -> 8 for segwit programs); pad as in BIP-173 convertbits. */
enum pcl_rc pcl_bits_convert(const uint8_t *in, size_t n, unsigned from, unsigned to, bool pad,
                             uint8_t *out, size_t cap, size_t *outlen) PCL_WUR;

/* ---- UTF-8 -------------------------------------------------------------------------- */

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). On false,
 * *bad (if not NULL) is the offset of the first invalid byte. */
bool pcl_utf8_is_valid(const char *s, size_t n, size_t *bad);
/* Decode one code point at s[0..n); returns its length (1..4), or 0 when invalid/empty. */
size_t pcl_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Number of code points in a valid UTF-8 string (invalid bytes count as one each). */
size_t pcl_utf8_count(const char *s, size_t n);
/* UTF-8 of code point cp (a Unicode scalar value, at most U+10FFFF) into out[0..4); returns
 * its length, 1 to 4. */
size_t pcl_utf8_encode(char *out, uint32_t cp);
/* Number of bytes equal to c in s[0..n), 16 bytes per step (line counting over whole files);
 * *last is the offset of the last of them, or n when there is none. */
size_t pcl_count_byte(const char *s, size_t n, char c, size_t *last);
/* 64-bit FNV-1a of p[0..n): a fast hash for in-memory tables (not for untrusted keys an
 * attacker can collide to slow a table down without bound). */
uint64_t pcl_fnv1a(const void *p, size_t n);
/* Seconds on the monotonic clock (CLOCK_MONOTONIC): for timings and deadlines, not dates. */
double pcl_mono_s(void);

/* ---- JSON writer -------------------------------------------------------------------- */

/* A streaming JSON writer into a pcl_buf (compact, one value per line for JSON Lines).
 * It tracks commas itself; strings are escaped per RFC 8259 and invalid UTF-8 bytes are
 * written as U+FFFD so the output is always valid JSON. Errors stick: once an append fails
 * every later call is a no-op and pcl_jw_rc() returns the first error. */
struct pcl_jw {
    struct pcl_buf *out; /* borrowed */
    uint64_t first;      /* bit d set = no element written yet at depth d */
    unsigned depth;      /* max 63 */
    bool after_key;
    enum pcl_rc rc;
};

void pcl_jw_init(struct pcl_jw *w, struct pcl_buf *out);
void pcl_jw_obj_begin(struct pcl_jw *w);
void pcl_jw_obj_end(struct pcl_jw *w);
void pcl_jw_arr_begin(struct pcl_jw *w);
void pcl_jw_arr_end(struct pcl_jw *w);
void pcl_jw_key(struct pcl_jw *w, const char *key);
void pcl_jw_str(struct pcl_jw *w, const char *s, size_t n);
void pcl_jw_cstr(struct pcl_jw *w, const char *s); /* NULL writes null */
void pcl_jw_int(struct pcl_jw *w, int64_t v);
void pcl_jw_uint(struct pcl_jw *w, uint64_t v);
void pcl_jw_double(struct pcl_jw *w, double v); /* shortest round-trip-ish %.17g, NaN -> null */
void pcl_jw_bool(struct pcl_jw *w, bool v);
void pcl_jw_null(struct pcl_jw *w);
/* Append already-encoded JSON as a value. */
void pcl_jw_raw(struct pcl_jw *w, const char *json, size_t n);
enum pcl_rc pcl_jw_rc(const struct pcl_jw *w);

/* Append s[0..n) to out as a JSON string literal with quotes. */
enum pcl_rc pcl_json_escape(struct pcl_buf *out, const char *s, size_t n) PCL_WUR;

#ifdef __cplusplus
}
#endif
#endif
