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
