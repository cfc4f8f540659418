/* SPDX-License-Identifier: Apache-2.0 */
/* LD_PRELOAD shim for tests/integration/test_scan.sh: makes a file shrink while it is read.
 * The first pread() at a non-zero offset of a file whose path ends with $PCL_SHRINK_NAME
 * truncates that file to the offset first, as another process could, so the read returns 0
 * and `portcullis scan` meets a file that is shorter than when it was planned. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef ssize_t pread_fn(int, void *, size_t, off_t);

/* The next definition of `name`; POSIX: a function pointer and dlsym()'s void * have the same
 * representation. */
static pread_fn *
next_pread(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    pread_fn *fn;

    memcpy(&fn, &f, sizeof(fn));
    return fn;
}

static void
maybe_shrink(int fd, off_t off)
{
    static int done;
    const char *name = getenv("PCL_SHRINK_NAME");
    char link[64], path[PATH_MAX];
    ssize_t n;
    size_t nl, pl;

    if (done || name == NULL || off <= 0) {
        return;
    }
    (void)snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, path, sizeof(path) - 1);
    if (n <= 0) {
        return;
    }
    path[n] = '\0';
    nl = strlen(name);
    pl = (size_t)n;
    if (pl >= nl && strcmp(path + pl - nl, name) == 0 && truncate(path, off) == 0) {
        done = 1;
    }
}

ssize_t
pread(int fd, void *buf, size_t count, off_t off)
{
    pread_fn *real = next_pread("pread");

    maybe_shrink(fd, off);
    return real(fd, buf, count, off);
}

ssize_t
pread64(int fd, void *buf, size_t count, off_t off)
{
    pread_fn *real = next_pread("pread64");

    maybe_shrink(fd, off);
    return real(fd, buf, count, off);
}
