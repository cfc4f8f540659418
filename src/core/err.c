/* SPDX-License-Identifier: Apache-2.0 */
/* The error record and assertion failure path. */
#include "common.h"

enum pcl_rc
pcl_err_set(struct pcl_err *err, enum pcl_rc rc, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL) {
        return rc;
    }
    err->rc = rc;
    va_start(ap, fmt);
    (void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return rc;
}

const char *
pcl_rc_str(enum pcl_rc rc)
{
    switch (rc) {
    case PCL_OK:
        return "ok";
    case PCL_ENOMEM:
        return "out of memory";
    case PCL_EINVAL:
        return "invalid input";
    case PCL_ELIMIT:
        return "limit exceeded";
    case PCL_EIO:
        return "i/o error";
    case PCL_ENOTFOUND:
        return "not found";
    case PCL_EINTERNAL:
        return "internal error";
    }
    return "unknown error";
}

_Noreturn void
pcl_assert_fail(const char *expr, const char *file, int line)
{
    (void)fprintf(stderr, "portcullis: assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
