/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the gateway's JSON reader and writer (src/gateway/jtree.c), differential
 * against jansson: for every input and every flag set the gateway uses, both parsers must
 * accept or both refuse (but for jansson's NUL-byte quirk, below), accepted documents must give
 * equal trees, and the writer must give jansson's bytes for them. */
#include "jtree.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
collect(const char *s, size_t n, void *data)
{
    return pcl_buf_append(data, s, n) == PCL_OK ? 0 : -1;
}

static void
one(const uint8_t *data, size_t size, size_t flags)
{
    json_error_t jerr, gerr;
    json_t *want = json_loadb((const char *)data, size, flags, &jerr);
    json_t *got = pcl_gw_json_parse((const char *)data, size, flags, &gerr);

    /* jansson loses a NUL byte that follows a number or a literal ("[1\0]" loads as [1]);
     * the reader refuses every NUL outside a string, so with one only "we accept => jansson
     * accepts" holds */
    if (got != NULL ? want == NULL : want != NULL && memchr(data, '\0', size) == NULL) {
        abort();
    }
    if (got == NULL && want != NULL) {
        json_decref(want);
        want = NULL;
    }
    if (got != NULL) {
        char *ref = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
        struct pcl_buf out;

        if (!json_equal(want, got) || ref == NULL) {
            abort();
        }
        pcl_buf_init(&out, 0);
        if (pcl_gw_json_dump(got, collect, &out) != 0 || out.len != strlen(ref) ||
            memcmp(out.ptr, ref, out.len) != 0) {
            abort();
        }
        pcl_buf_fini(&out);
        free(ref);
    } else if (gerr.text[0] == '\0' || gerr.position < 0 || (size_t)gerr.position > size) {
        abort(); /* a refusal says what and where */
    }
    json_decref(want);
    json_decref(got);
}

/* The tokenizer accepts what the reader accepts, and its fast loop gives the tokens of the
 * reader's general loop (at two capacities, so that running out of tokens is exercised);
 * rewriting string tokens with their own decoded text, escaped again, through the splicer
 * gives back the same tree. */
static void
tokens(const uint8_t *data, size_t size)
{
    static struct pcl_gw_jtok t[4096], ref[4096];
    const char *buf = (const char *)data;
    struct pcl_gw_jedit ed[16];
    struct pcl_buf repl[16], sc, out;
    size_t n, nref, ned = 0;
    int rc = pcl_gw_jtok_parse(buf, size, t, 4096, &n, NULL);
    int rcref = pcl_gw_jtok_parse_ref(buf, size, ref, 4096, &nref, NULL);
    json_t *tree = pcl_gw_json_parse(buf, size, 0, NULL);

    if ((rc == 0 && tree == NULL) || (rc == -1 && tree != NULL)) {
        abort();
    }
    if (rc != rcref || n != nref || memcmp(t, ref, n * sizeof(*t)) != 0) {
        abort();
    }
    rc = pcl_gw_jtok_parse(buf, size, t, 8, &n, NULL);
    rcref = pcl_gw_jtok_parse_ref(buf, size, ref, 8, &nref, NULL);
    if (rc != rcref || n != nref || memcmp(t, ref, n * sizeof(*t)) != 0) {
        abort();
    }
    rc = pcl_gw_jtok_parse(buf, size, t, 4096, &n, NULL);
    if (rc != 0) {
        json_decref(tree);
        return;
    }
    if (t[0].skip != n || t[0].start > t[0].end || t[0].end > size) {
        abort();
    }
    pcl_buf_init(&sc, 0);
    pcl_buf_init(&out, 0);
    for (size_t i = 0; i < 16; i++) {
        pcl_buf_init(&repl[i], 0);
    }
    for (size_t i = 0; i < n && ned < 16; i++) {
        const char *p;
        size_t len;

        if (t[i].skip <= i || t[i].skip > n || t[i].end > size) {
            abort();
        }
        if (t[i].type != JSON_STRING) {
            continue;
        }
        /* a string's count says whether it was written with escapes */
        if ((t[i].count != 0) != (memchr(buf + t[i].start, '\\', t[i].end - t[i].start) != NULL)) {
            abort();
        }
        if (pcl_gw_jtok_str(buf, &t[i], &sc, &p, &len) != 0 ||
            pcl_json_escape(&repl[ned], p, len) != PCL_OK) {
            abort();
        }
        ed[ned] = (struct pcl_gw_jedit){t[i].start, t[i].end, repl[ned].ptr, repl[ned].len};
        ned++;
    }
    if (pcl_gw_jtok_splice(buf, size, ed, ned, collect, &out) != 0) {
        abort();
    }
    {
        json_t *back = pcl_gw_json_parse(out.ptr != NULL ? out.ptr : "", out.len, 0, NULL);

        if (back == NULL || !json_equal(back, tree)) {
            abort();
        }
        json_decref(back);
    }
    for (size_t i = 0; i < 16; i++) {
        pcl_buf_fini(&repl[i]);
    }
    pcl_buf_fini(&sc);
    pcl_buf_fini(&out);
    json_decref(tree);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) {
        return 0;
    }
    one(data, size, 0);
    one(data, size, JSON_DECODE_ANY);
    one(data, size, JSON_REJECT_DUPLICATES);
    tokens(data, size);
    return 0;
}
