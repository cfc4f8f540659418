/* SPDX-License-Identifier: Apache-2.0 */
/* PCRE2 JIT programs made on first use and shared by threads (engine.c, inject.c).
 *
 * JIT-compiling every pattern up front took most of the CPU time of a short `portcullis scan`
 * or `injection check`, and most patterns never reach a confirmation there. A set holds, per
 * program, a JIT-compiled copy made by the first caller that needs it; the copy is made under
 * the set's lock and published by `ready` (release), and never changes afterwards, so readers
 * take no lock. The interpreted original is never modified, so a thread matching with it
 * meanwhile is unaffected. JIT failure (no JIT support, no memory) is not an error: the slot
 * stays empty and callers use the interpreted program, which gives the same answers. */
#ifndef PCL_DETECT_JITSET_H
#define PCL_DETECT_JITSET_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct pcl_jit_slot {
    _Atomic int ready;
    pcre2_code *code;     /* JIT-compiled copy of the program; NULL: interpret */
    pcre2_code *anchored; /* the pattern compiled with PCRE2_ANCHORED, with JIT code (PCRE2's
                             JIT does not take PCRE2_ANCHORED at match time: the interpreter
                             would run); NULL: not asked for, or no JIT */
};

struct pcl_jit_set {
    pthread_mutex_t lock;
    size_t n;
    struct pcl_jit_slot slot[];
};

/* A set of n empty slots (pcl_calloc: the allocation test hook applies), or NULL. */
struct pcl_jit_set *pcl_jit_set_new(size_t n);
void pcl_jit_set_free(struct pcl_jit_set *s);

/* pcl_jit_get()'s slow path: fills slot i under the lock unless another thread did. */
void pcl_jit_slot_make(struct pcl_jit_set *s, size_t i, const pcre2_code *src, const char *pattern);

/* Slot i, filled on the first call: a JIT copy of src and, when pattern is not NULL, pattern
 * (src's source) compiled with src's options and PCRE2_ANCHORED. */
static inline const struct pcl_jit_slot *
pcl_jit_get(struct pcl_jit_set *s, size_t i, const pcre2_code *src, const char *pattern)
{
    if (atomic_load_explicit(&s->slot[i].ready, memory_order_acquire) == 0) {
        pcl_jit_slot_make(s, i, src, pattern);
    }
    return &s->slot[i];
}

#endif
