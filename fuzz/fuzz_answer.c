/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the answer path (src/gateway/jmem.c, src/gateway/answer.c): an upstream
 * body parsed in an arena scope, its strings rewritten the way redaction does, then
 * serialised into an evbuffer and as an SSE event — both must equal jansson's own dump, which
 * parses back to the same value; nothing may leak or touch freed
 * memory whether nodes land in the arena or (full arena, big blocks) on the heap. */
#include "answer.h"
#include "jmem.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rewrite every string of j (depth-bounded): the first byte is masked, as a redaction would. */
static void
rewrite(json_t *j, int depth)
{
    const char *k;
    json_t *v;
    size_t i;

    if (depth > 32) {
        return;
    }
    if (json_is_string(j) && json_string_length(j) > 0) {
        size_t n = json_string_length(j);
        char *s = malloc(n);

        if (s != NULL) {
            memcpy(s, json_string_value(j), n);
            s[0] = '*';
            (void)json_string_setn(j, s, n);
            free(s);
        }
    } else if (json_is_object(j)) {
        json_object_foreach (j, k, v) {
            rewrite(v, depth + 1);
        }
    } else if (json_is_array(j)) {
        json_array_foreach (j, i, v) {
            rewrite(v, depth + 1);
        }
    }
}

static void
check_same(const char *got, size_t n, const char *want)
{
    if (n != strlen(want) || memcmp(got, want, n) != 0) {
        abort();
    }
}

static void
run(const uint8_t *data, size_t size, size_t arena_max)
{
    struct pcl_arena *a = pcl_arena_new(256, arena_max);
    struct pcl_arena *prev;
    struct evbuffer *b = evbuffer_new();
    json_t *j;

    if (a == NULL || b == NULL) {
        goto out;
    }
    prev = pcl_gw_jmem_enter(a);
    j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (j != NULL) {
        char *want;
        json_t *back;
        size_t n;

        rewrite(j, 0);
        want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        if (want != NULL && (json_is_object(j) || json_is_array(j))) {
            if (pcl_gw_answer_json(b, j) == PCL_OK) {
                n = evbuffer_get_length(b);
                check_same(n > 0 ? (const char *)evbuffer_pullup(b, -1) : "", n, want);
                (void)evbuffer_drain(b, n);
            }
            if (pcl_gw_answer_event(b, "e", 1, j) == PCL_OK) {
                n = evbuffer_get_length(b);
                if (n != strlen(want) + 17 ||
                    memcmp(evbuffer_pullup(b, -1), "event: e\ndata: ", 15) != 0) {
                    abort();
                }
            }
            back = json_loads(want, 0, NULL);
            if (back == NULL || !json_equal(back, j)) {
                abort();
            }
            json_decref(back);
        }
        json_decref(j);
        if (want != NULL) {
            /* json_dumps took its memory from jansson's allocator (this scope's): give it back
             * the same way */
            json_malloc_t m;
            json_free_t fr;

            json_get_alloc_funcs(&m, &fr);
            fr(want);
        }
    }
    pcl_gw_jmem_leave(prev);
out:
    if (b != NULL) {
        evbuffer_free(b);
    }
    pcl_arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool installed;

    if (!installed) {
        pcl_gw_jmem_install();
        installed = true;
    }
    if (size > (1u << 20)) {
        return 0;
    }
    run(data, size, 1u << 20); /* the request arena's size: nodes in the arena */
    run(data, size, 600);      /* a tiny arena: most nodes fall back to the heap */
    return 0;
}
