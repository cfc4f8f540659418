/* SPDX-License-Identifier: Apache-2.0 */
#include "jitset.h"

#include <portcullis/core.h>

struct pcl_jit_set *
pcl_jit_set_new(size_t n)
{
    struct pcl_jit_set *s = pcl_calloc(1, sizeof(*s) + n * sizeof(s->slot[0]));

    if (s == NULL) {
        return NULL;
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        pcl_free(s);
        return NULL;
    }
    s->n = n;
    return s;
}

void
pcl_jit_set_free(struct pcl_jit_set *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        pcre2_code_free(s->slot[i].code);
        pcre2_code_free(s->slot[i].anchored);
    }
    (void)pthread_mutex_destroy(&s->lock);
    pcl_free(s);
}

void
pcl_jit_slot_make(struct pcl_jit_set *s, size_t i, const pcre2_code *src, const char *pattern)
{
    struct pcl_jit_slot *j = &s->slot[i];

    (void)pthread_mutex_lock(&s->lock);
    if (atomic_load_explicit(&j->ready, memory_order_relaxed) == 0) {
        pcre2_code *code = pcre2_code_copy(src), *anchored = NULL;

        if (code != NULL && pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) {
            pcre2_code_free(code);
            code = NULL;
        }
        if (code != NULL && pattern != NULL) {
            int errcode = 0;
            PCRE2_SIZE erroff = 0;
            uint32_t opts = 0;

            (void)pcre2_pattern_info(src, PCRE2_INFO_ARGOPTIONS, &opts);

            anchored = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                     opts | PCRE2_ANCHORED, &errcode, &erroff, NULL);
            if (anchored != NULL && pcre2_jit_compile(anchored, PCRE2_JIT_COMPLETE) != 0) {
                pcre2_code_free(anchored);
                anchored = NULL;
            }
        }
        j->code = code;
        j->anchored = anchored;
        atomic_store_explicit(&j->ready, 1, memory_order_release);
    }
    (void)pthread_mutex_unlock(&s->lock);
}
