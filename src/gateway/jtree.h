/* SPDX-License-Identifier: Apache-2.0 */
/* JSON text to jansson trees and back, fast. Jansson reads and writes a byte at a time through
 * a function call each (~150 instructions per byte of a chat request, a third of the
 * gateway's own work per request); these do the same job in one pass over whole runs of
 * bytes, and build and walk the same jansson values, so every other caller of jansson keeps
 * working on the trees unchanged. */
#ifndef PCL_GATEWAY_JTREE_H
#define PCL_GATEWAY_JTREE_H

#include <jansson.h>

#include "common.h"

/* Nesting limit of both directions: jansson's own parser limit, so the same documents pass. */
#define PCL_GW_JTREE_MAX_DEPTH JSON_PARSER_MAX_DEPTH

/* Parse buf[0..len) like json_loadb(buf, len, flags, err) with flags made of JSON_DECODE_ANY
 * (any value at the top; without it an object or an array) and JSON_REJECT_DUPLICATES (a
 * repeated key is an error; without it the later one replaces the earlier): RFC 8259 with
 * jansson's choices — strictly valid UTF-8, no \u0000 and no lone surrogate escape, integers
 * that fit json_int_t (else an error), reals that do not overflow, nesting up to
 * PCL_GW_JTREE_MAX_DEPTH — and the same tree. One difference: a NUL byte outside a string is
 * an error (jansson drops one that follows a number or a literal, loading "[1\0]" as [1]). Values
 * are made by jansson's allocator, so a jmem scope applies. On error NULL, and err (may be NULL)
 * has a message naming what was expected, with the line, column and byte position where it went
 * wrong. */
json_t *pcl_gw_json_parse(const char *buf, size_t len, size_t flags, json_error_t *err);

/* Serialise j as json_dump_callback(j, put, data, JSON_COMPACT | JSON_ENCODE_ANY) does, byte
 * for byte (insertion order of keys, jansson's escapes and real formatting), handing put
 * pieces of up to a few KiB. -1 when put fails, when a string is not valid UTF-8 or when j
 * nests deeper than PCL_GW_JTREE_MAX_DEPTH; 0 otherwise. */
int pcl_gw_json_dump(const json_t *j, json_dump_callback_t put, void *data);

/* ---- flat tokens: reading a small document, and splicing edits into its bytes, without a
 * tree (the SSE events of a stream, one per token) ---- */

struct pcl_gw_jtok {
    json_type type; /* JSON_OBJECT ... JSON_NULL; a key is a JSON_STRING */
    uint32_t start; /* raw bytes [start, end): a string with its quotes, a container with */
    uint32_t end;   /* its brackets, a number or literal as written */
    uint32_t skip;  /* index of the first token after this value (and all it contains) */
    uint32_t count; /* containers: members or elements; strings: 1 when written with escapes */
};

/* Tokens of buf[0..len) in document order; an object is followed by its members, each a key
 * token then its value's tokens. Accepts what pcl_gw_json_parse(buf, len, 0, ...) accepts.
 * 0 with *n tokens (t[0] is the root); -1 on invalid JSON (err, may be NULL, says what and
 * where); 1 when the document needs more than cap tokens, nests deeper than 64 levels or is
 * 4 GiB or more (the caller takes the tree path instead). */
int pcl_gw_jtok_parse(const char *buf, size_t len, struct pcl_gw_jtok *t, size_t cap, size_t *n,
                      json_error_t *err);

/* The same through the tree reader's general loop only. pcl_gw_jtok_parse runs a tighter loop
 * first and falls back to this one for anything it does not take (errors included); tests and
 * the fuzz target check that both give the same tokens. */
int pcl_gw_jtok_parse_ref(const char *buf, size_t len, struct pcl_gw_jtok *t, size_t cap, size_t *n,
                          json_error_t *err);

/* Index of the value of member key of object t[obj] (the last one when the key repeats, the
 * one jansson keeps); 0 when absent or t[obj] is not an object. */
size_t pcl_gw_jtok_get(const char *buf, const struct pcl_gw_jtok *t, size_t obj, const char *key);

/* The same for nkeys (at most 8) keys in one pass over the members: out[k] for keys[k].
 * Returns how many members matched one of the keys, repeats included (a repeated key counts
 * each time); (size_t)-1 for more than 8 keys. */
size_t pcl_gw_jtok_getv(const char *buf, const struct pcl_gw_jtok *t, size_t obj,
                        const char *const *keys, size_t *out, size_t nkeys);

/* The decoded text of string token t (made by pcl_gw_jtok_parse): *ptr points into buf when it
 * has no escapes, else into scratch. -1 only when out of memory. */
int pcl_gw_jtok_str(const char *buf, const struct pcl_gw_jtok *t, struct pcl_buf *scratch,
                    const char **ptr, size_t *len);

/* The value of a JSON_INTEGER token. */
json_int_t pcl_gw_jtok_int(const char *buf, const struct pcl_gw_jtok *t);

/* One edit of a document's bytes: [start, end) becomes repl[0..len) (start == end inserts). */
struct pcl_gw_jedit {
    uint32_t start, end;
    const char *repl;
    size_t len;
};

/* Hand buf[0..len) with the edits applied to put, in pieces. Sorts e; -1 when edits overlap
 * or fall outside buf, or put fails. */
int pcl_gw_jtok_splice(const char *buf, size_t len, struct pcl_gw_jedit *e, size_t n,
                       json_dump_callback_t put, void *data);

#endif
