/* SPDX-License-Identifier: Apache-2.0 */
/* Internal header every library source includes: system headers, the public core API,
 * small helpers, and (last) the banned-function list. */
#ifndef PCL_CORE_COMMON_H
#define PCL_CORE_COMMON_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <portcullis/core.h>

#define PCL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PCL_MIN(a, b)    ((a) < (b) ? (a) : (b))
#define PCL_MAX(a, b)    ((a) > (b) ? (a) : (b))

/* Invariants only, never input validation. */
#define PCL_ASSERT(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            pcl_assert_fail(#cond, __FILE__, __LINE__);                                            \
        }                                                                                          \
    } while (0)

_Noreturn void pcl_assert_fail(const char *expr, const char *file, int line);

static inline char
pcl_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static inline bool
pcl_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool
pcl_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
pcl_is_alnum(char c)
{
    return pcl_is_digit(c) || pcl_is_alpha(c);
}

#include "banned.h"

#endif
