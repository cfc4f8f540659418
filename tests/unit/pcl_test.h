/* SPDX-License-Identifier: Apache-2.0 */
/* Header-only helpers shared by the cmocka unit tests: reading fixture files and running a
 * callback while failing each allocation in turn (out-of-memory torture). Include it after
 * <cmocka.h> and its prerequisites (stdarg.h, stddef.h, stdint.h, setjmp.h). */
#ifndef PCL_TEST_H
#define PCL_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <portcullis/core.h>

#ifndef PCL_SOURCE_DIR
#define PCL_SOURCE_DIR "."
#endif

/* Upper bound on torture iterations, so a callback that never stops allocating fails the test
 * instead of hanging it. */
#define PCL_TEST_OOM_MAX_RUNS 100000ul

/* A unit of work for pcl_test_oom(): must free everything it allocated before returning, and
 * return PCL_ENOMEM whenever one of its allocations failed. */
typedef enum pcl_rc pcl_test_fn(void *ctx);

/* Whole file at path as a NUL-terminated string; *len (if not NULL) excludes the NUL. Returns
 * NULL when the file cannot be read. Caller frees with free() (libc, not pcl_free, so the
 * pcl_alloc_fail_at hook never fails it). */
static inline char *
pcl_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0, used = 0;

    if (f == NULL) {
        return NULL;
    }
    for (;;) {
        size_t got;

        if (cap - used < 4096) {
            char *p = realloc(data, cap == 0 ? 8192 : cap * 2);

            if (p == NULL) {
                free(data);
                (void)fclose(f);
                return NULL;
            }
            data = p;
            cap = cap == 0 ? 8192 : cap * 2;
        }
        got = fread(data + used, 1, cap - used - 1, f);
        used += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f) != 0) {
        free(data);
        (void)fclose(f);
        return NULL;
    }
    (void)fclose(f);
    data[used] = '\0';
    if (len != NULL) {
        *len = used;
    }
    return data;
}

/* Run fn(ctx) with the 1st, 2nd, ... allocation failing (only that one, or it and every later
 * one when sticky) until a run makes no failing allocation. Asserts that every run which hit
 * a failed allocation returned PCL_ENOMEM and that the final run returned PCL_OK. Returns the
 * number of allocations the successful run made. */
static inline unsigned long
pcl_test_oom(pcl_test_fn *fn, void *ctx, bool sticky)
{
    for (unsigned long n = 1; n <= PCL_TEST_OOM_MAX_RUNS; n++) {
        enum pcl_rc rc;
        unsigned long made;

        (void)pcl_alloc_fail_at(n, sticky);
        rc = fn(ctx);
        made = pcl_alloc_fail_at(0, false);
        if (made < n) {
            if (rc != PCL_OK) {
                fail_msg("oom: run without a failed allocation returned %s", pcl_rc_str(rc));
            }
            return made;
        }
        if (rc != PCL_ENOMEM) {
            fail_msg("oom: failing allocation %lu of %lu returned %s, want out of memory", n, made,
                     pcl_rc_str(rc));
        }
    }
    fail_msg("oom: still allocating after %lu runs", PCL_TEST_OOM_MAX_RUNS);
    return 0;
}

/* Decode the hex literal `hex` (independently of pcl_hex_decode, so tests of it can use this
 * too) into out[0..cap); returns the byte count, and fails the test on bad hex or overflow. */
static inline size_t
pcl_test_unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;

    for (; hex[0] != '\0'; hex += 2) {
        unsigned int byte = 0; /* fail_msg() is not known to return */

        if (hex[1] == '\0' || n == cap || sscanf(hex, "%2x", &byte) != 1) {
            fail_msg("unhex: bad literal or capacity %zu too small", cap);
        }
        out[n++] = (uint8_t)byte;
    }
    return n;
}

/* Path of a file under the source tree, e.g. PCL_TEST_PATH("tests/data/x.json"). */
#define PCL_TEST_PATH(rel) PCL_SOURCE_DIR "/" rel

/* $PCL_EVAL_DIR when its subdirectory `sub` (e.g. "tlog") is readable, else NULL: tests of
 * the shared eval data skip on checkouts without ../shared/eval next to them. */
static inline const char *
pcl_test_eval_dir(const char *sub)
{
    const char *d = getenv("PCL_EVAL_DIR");
    char path[4096];

    if (d == NULL || d[0] == '\0') {
        return NULL;
    }
    (void)snprintf(path, sizeof(path), "%s/%s", d, sub);
    return access(path, R_OK) == 0 ? d : NULL;
}

/* Skip the current cmocka test when pcl_test_eval_dir(sub) is NULL, saying why. */
#define PCL_TEST_SKIP_WITHOUT_EVAL(sub)                                                            \
    do {                                                                                           \
        if (pcl_test_eval_dir(sub) == NULL) {                                                      \
            printf("skipped: no %s/ under $PCL_EVAL_DIR (../shared/eval)\n", sub);                 \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

/* Remove an SQLite database file and its WAL files (-wal, -shm), whichever exist. */
static inline void
pcl_test_remove_db(const char *path)
{
    char side[4096];

    (void)unlink(path);
    (void)snprintf(side, sizeof(side), "%s-wal", path);
    (void)unlink(side);
    (void)snprintf(side, sizeof(side), "%s-shm", path);
    (void)unlink(side);
}

#endif
