/* SPDX-License-Identifier: Apache-2.0 */
/* Jansson's allocations in per-request arena scopes (thread-local), heap elsewhere. */
#include "jmem.h"

/* The arena of the scope open on this thread; NULL = heap. */
static _Thread_local struct pcl_arena *scope;

static void *
jmem_malloc(size_t n)
{
    void *p;

    if (scope != NULL && n <= PCL_GW_JMEM_BIG) {
        p = pcl_arena_alloc(scope, n);
        if (p != NULL) {
            return p;
        }
    }
    return pcl_malloc(n);
}

static void
jmem_free(void *p)
{
    if (p == NULL || pcl_arena_owns(scope, p)) {
        return; /* arena memory goes with the arena */
    }
    pcl_free(p);
}

void
pcl_gw_jmem_install(void)
{
    json_set_alloc_funcs(jmem_malloc, jmem_free);
}

struct pcl_arena *
pcl_gw_jmem_enter(struct pcl_arena *a)
{
    struct pcl_arena *prev = scope;

    scope = a;
    return prev;
}

void
pcl_gw_jmem_leave(struct pcl_arena *prev)
{
    scope = prev;
}

struct dump {
    struct pcl_arena *a;
    char *buf; /* array of cap bytes, len used */
    size_t len, cap;
    bool failed;
};

static int
dump_put(const char *s, size_t n, void *ctx)
{
    struct dump *d = ctx;

    if (d->cap - d->len <= n) { /* keep one byte for the NUL */
        size_t cap = d->cap > 0 ? d->cap : 256;
        char *buf;

        while (cap - d->len <= n) {
            if (cap > SIZE_MAX / 2) {
                d->failed = true;
                return -1;
            }
            cap *= 2;
        }
        buf = pcl_arena_alloc(d->a, cap);
        if (buf == NULL) {
            d->failed = true;
            return -1;
        }
        if (d->len > 0) {
            memcpy(buf, d->buf, d->len);
        }
        d->buf = buf;
        d->cap = cap;
    }
    memcpy(d->buf + d->len, s, n);
    d->len += n;
    return 0;
}

char *
pcl_gw_json_dump(const json_t *j, struct pcl_arena *a, size_t *len)
{
    struct dump d = {.a = a};

    *len = 0;
    if (j == NULL || json_dump_callback(j, dump_put, &d, JSON_COMPACT) != 0 || d.failed) {
        return NULL;
    }
    if (d.buf == NULL && dump_put("", 0, &d) != 0) {
        return NULL;
    }
    d.buf[d.len] = '\0';
    *len = d.len;
    return d.buf;
}
