/* SPDX-License-Identifier: Apache-2.0 */
/* Heap allocation wrappers with a fail-the-Nth-allocation hook for out-of-memory tests. */
#include "common.h"

#include <stdatomic.h>

static atomic_ulong alloc_count; /* allocations since the last pcl_alloc_fail_at() */
static atomic_ulong fail_at;     /* 0 = never fail */
static atomic_bool fail_sticky;

unsigned long
pcl_alloc_fail_at(unsigned long n, bool sticky)
{
    unsigned long made = atomic_exchange(&alloc_count, 0);

    atomic_store(&fail_at, n);
    atomic_store(&fail_sticky, sticky);
    return made;
}

static bool
should_fail(void)
{
    unsigned long n = atomic_fetch_add(&alloc_count, 1) + 1;
    unsigned long at = atomic_load(&fail_at);

    if (at == 0) {
        return false;
    }
    return n == at || (n > at && atomic_load(&fail_sticky));
}

void *
pcl_malloc(size_t n)
{
    if (should_fail()) {
        return NULL;
    }
    return malloc(n == 0 ? 1 : n);
}

void *
pcl_calloc(size_t count, size_t size)
{
    if (should_fail()) {
        return NULL;
    }
    if (count == 0 || size == 0) {
        count = 1;
        size = 1;
    }
    return calloc(count, size);
}

void *
pcl_realloc(void *p, size_t n)
{
    if (should_fail()) {
        return NULL;
    }
    return realloc(p, n == 0 ? 1 : n);
}

void
pcl_free(void *p)
{
    free(p);
}

char *
pcl_strndup(const char *s, size_t len)
{
    char *p;

    if (len == SIZE_MAX) {
        return NULL;
    }
    p = pcl_malloc(len + 1);
    if (p == NULL) {
        return NULL;
    }
    if (len > 0) {
        memcpy(p, s, len);
    }
    p[len] = '\0';
    return p;
}

char *
pcl_strdup(const char *s)
{
    return pcl_strndup(s, strlen(s));
}
