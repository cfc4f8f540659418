/* SPDX-License-Identifier: Apache-2.0 */
/* The monotonic clock, for timings and deadlines. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime() */

#include "common.h"

#include <time.h>

double
pcl_mono_s(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
