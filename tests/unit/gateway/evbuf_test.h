/* SPDX-License-Identifier: Apache-2.0 */
/* Header-only helper shared by the gateway's cmocka tests that write into evbuffers. Include
 * it after <cmocka.h> and its prerequisites (stdarg.h, stddef.h, stdint.h, setjmp.h). */
#ifndef PCL_EVBUF_TEST_H
#define PCL_EVBUF_TEST_H

#include <stdlib.h>

#include <event2/buffer.h>

/* Take the buffer's bytes out as a NUL-terminated heap string (free()); the buffer is left
 * empty, so the next call returns only what was written after this one. */
static inline char *
evbuf_take(struct evbuffer *b)
{
    size_t n = evbuffer_get_length(b);
    char *s = malloc(n + 1);

    assert_non_null(s);
    assert_int_equal(evbuffer_remove(b, s, n), (int)n);
    s[n] = '\0';
    return s;
}

#endif
