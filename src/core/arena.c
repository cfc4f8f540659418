/* SPDX-License-Identifier: Apache-2.0 */
/* Arena allocator: per-request memory released all at once, with deferred cleanups. */
#include "common.h"

#define ARENA_ALIGN 16u

struct chunk {
    struct chunk *next;
    size_t size; /* usable bytes in data */
    size_t used;
    _Alignas(16) unsigned char data[];
};

struct deferred {
    struct deferred *next;
    pcl_defer_fn *fn;
    void *arg;
};

struct pcl_arena {
    struct chunk *head; /* current chunk; older ones follow */
    struct deferred *defers;
    size_t chunk_size;
    size_t max_bytes; /* 0 = unlimited */
    size_t used;      /* bytes handed out (including alignment) */
};

struct pcl_arena *
pcl_arena_new(size_t chunk, size_t max_bytes)
{
    struct pcl_arena *a = pcl_calloc(1, sizeof(*a));

    if (a == NULL) {
        return NULL;
    }
    a->chunk_size = chunk < 256 ? 256 : chunk;
    a->max_bytes = max_bytes;
    return a;
}

static struct chunk *
chunk_new(size_t size)
{
    struct chunk *c;

    if (size > SIZE_MAX - sizeof(*c)) {
        return NULL;
    }
    c = pcl_malloc(sizeof(*c) + size);
    if (c == NULL) {
        return NULL;
    }
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

void *
pcl_arena_alloc(struct pcl_arena *a, size_t n)
{
    struct chunk *c;
    size_t need;

    if (n == 0) {
        n = 1;
    }
    if (n > SIZE_MAX - ARENA_ALIGN) {
        return NULL;
    }
    need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (a->max_bytes != 0 && (need > a->max_bytes || a->used > a->max_bytes - need)) {
        return NULL;
    }
    c = a->head;
    if (c == NULL || c->size - c->used < need) {
        c = chunk_new(need > a->chunk_size ? need : a->chunk_size);
        if (c == NULL) {
            return NULL;
        }
        c->next = a->head;
        a->head = c;
    }
    c->used += need;
    a->used += need;
    return c->data + c->used - need;
}

char *
pcl_arena_strndup(struct pcl_arena *a, const char *s, size_t len)
{
    char *p;

    if (len == SIZE_MAX) {
        return NULL;
    }
    p = pcl_arena_alloc(a, len + 1);
    if (p == NULL) {
        return NULL;
    }
    if (len > 0) {
        memcpy(p, s, len);
    }
    p[len] = '\0';
    return p;
}

enum pcl_rc
pcl_arena_defer(struct pcl_arena *a, pcl_defer_fn *fn, void *arg)
{
    struct deferred *d = pcl_arena_alloc(a, sizeof(*d));

    if (d == NULL) {
        return PCL_ENOMEM;
    }
    d->fn = fn;
    d->arg = arg;
    d->next = a->defers;
    a->defers = d;
    return PCL_OK;
}

static void
run_defers(struct pcl_arena *a)
{
    struct deferred *d = a->defers;

    a->defers = NULL;
    while (d != NULL) {
        struct deferred *next = d->next;

        d->fn(d->arg);
        d = next;
    }
}

void
pcl_arena_reset(struct pcl_arena *a)
{
    struct chunk *c, *keep = NULL;
    size_t total = 0;

    if (a == NULL) {
        return;
    }
    run_defers(a);
    for (c = a->head; c != NULL; c = c->next) {
        total += c->size;
    }
    /* A use that spilled over several chunks will likely do so again: one chunk of their
     * combined size (bounded) serves the next one without a malloc. Otherwise, or when
     * that chunk cannot be had, the oldest chunk (the last in the list) is kept. */
    if (a->head != NULL && a->head->next != NULL && total <= PCL_ARENA_KEEP_MAX) {
        keep = chunk_new(total);
    }
    c = a->head;
    while (c != NULL && (keep != NULL || c->next != NULL)) {
        struct chunk *next = c->next;

        pcl_free(c);
        c = next;
    }
    a->head = keep != NULL ? keep : c;
    if (a->head != NULL) {
        a->head->used = 0;
    }
    a->used = 0;
}

void
pcl_arena_free(struct pcl_arena *a)
{
    struct chunk *c;

    if (a == NULL) {
        return;
    }
    run_defers(a);
    c = a->head;
    while (c != NULL) {
        struct chunk *next = c->next;

        pcl_free(c);
        c = next;
    }
    pcl_free(a);
}

size_t
pcl_arena_used(const struct pcl_arena *a)
{
    return a->used;
}

bool
pcl_arena_owns(const struct pcl_arena *a, const void *p)
{
    uintptr_t u = (uintptr_t)p;

    if (a == NULL || p == NULL) {
        return false;
    }
    for (const struct chunk *c = a->head; c != NULL; c = c->next) {
        uintptr_t lo = (uintptr_t)c->data;

        if (u >= lo && u - lo < c->size) {
            return true;
        }
    }
    return false;
}
