/* SPDX-License-Identifier: Apache-2.0 */
/* The on-disk cache of compiled Vectorscan databases, shared by the detection engine and the
 * injection detector: keyed by a hash of every expression, flag and id and of the Vectorscan
 * version, written atomically, pruned to the most recent CACHE_KEEP files. */
#include "dbcache.h"

#include <dirent.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

void
pcl_dbcache_path(const char *dir, const char *kind, char *const *patterns, const unsigned *flags,
                 const unsigned *ids, size_t n, char *out, size_t cap)
{
    crypto_generichash_state st;
    unsigned char h[20];
    char hex[41];
    const char *ver = hs_version();

    (void)crypto_generichash_init(&st, NULL, 0, sizeof(h));
    (void)crypto_generichash_update(&st, (const unsigned char *)ver, strlen(ver) + 1);
    for (size_t i = 0; i < n; i++) {
        (void)crypto_generichash_update(&st, (const unsigned char *)patterns[i],
                                        strlen(patterns[i]) + 1);
        (void)crypto_generichash_update(&st, (const unsigned char *)&flags[i], sizeof(flags[i]));
        (void)crypto_generichash_update(&st, (const unsigned char *)&ids[i], sizeof(ids[i]));
    }
    (void)crypto_generichash_final(&st, h, sizeof(h));
    (void)sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    (void)snprintf(out, cap, "%s/%s-%s.hsdb", dir, kind, hex);
}

hs_database_t *
pcl_dbcache_load(const char *path)
{
    hs_database_t *db = NULL;
    struct stat st;
    char *bytes = NULL;
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        return NULL;
    }
    if (fstat(fileno(f), &st) == 0 && st.st_size > 0 && st.st_size < (off_t)1 << 30) {
        bytes = pcl_malloc((size_t)st.st_size);
        if (bytes != NULL && fread(bytes, 1, (size_t)st.st_size, f) == (size_t)st.st_size &&
            hs_deserialize_database(bytes, (size_t)st.st_size, &db) != HS_SUCCESS) {
            db = NULL;
        }
    }
    pcl_free(bytes);
    (void)fclose(f);
    return db;
}

#define CACHE_KEEP 32

/* Keep the cache from growing without bound (every distinct configuration adds a file):
 * past CACHE_KEEP databases, delete the least recently written ones. Best effort. */
struct cache_entry {
    char name[256];
    time_t mtime;
};

static int
cache_entry_cmp(const void *a, const void *b)
{
    const struct cache_entry *x = a, *y = b;

    return x->mtime < y->mtime ? -1 : (x->mtime > y->mtime ? 1 : 0);
}

static void
cache_prune(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    struct cache_entry *ents = NULL;
    size_t n = 0, cap = 0;

    if (d == NULL) {
        return;
    }
    while ((de = readdir(d)) != NULL) {
        char path[4400];
        struct stat st;
        size_t len = strlen(de->d_name);

        if (len < 5 || len >= 256 || strcmp(de->d_name + len - 5, ".hsdb") != 0) {
            continue;
        }
        (void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (strcmp(path, keep) == 0 || stat(path, &st) != 0) {
            continue; /* never the database just written */
        }
        if (n == cap) {
            size_t ncap = cap == 0 ? 64 : cap * 2;
            struct cache_entry *grown = pcl_realloc(ents, ncap * sizeof(*grown));

            if (grown == NULL) {
                break;
            }
            ents = grown;
            cap = ncap;
        }
        memcpy(ents[n].name, de->d_name, len + 1);
        ents[n].mtime = st.st_mtime;
        n++;
    }
    (void)closedir(d);
    if (n + 1 > CACHE_KEEP) {
        qsort(ents, n, sizeof(*ents), cache_entry_cmp);
        for (size_t i = 0; i < n + 1 - CACHE_KEEP; i++) { /* leaves CACHE_KEEP with keep */
            char path[4400];

            (void)snprintf(path, sizeof(path), "%s/%s", dir, ents[i].name);
            (void)unlink(path);
        }
    }
    pcl_free(ents);
}

void
pcl_dbcache_save(const char *dir, const char *path, const hs_database_t *db)
{
    char *bytes = NULL, tmp[4200];
    size_t len = 0;
    FILE *f;
    bool ok;

    if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
        /* create the parent too (e.g. ~/.cache on a fresh account), then retry */
        char parent[4096];
        char *slash;

        (void)snprintf(parent, sizeof(parent), "%s", dir);
        slash = strrchr(parent, '/');
        if (slash == NULL || slash == parent) {
            return;
        }
        *slash = '\0';
        if ((mkdir(parent, 0700) == -1 && errno != EEXIST) ||
            (mkdir(dir, 0700) == -1 && errno != EEXIST)) {
            return;
        }
    }
    if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) {
        return;
    }
    (void)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
    f = fopen(tmp, "wb");
    if (f != NULL) {
        ok = fwrite(bytes, 1, len, f) == len;
        ok = fclose(f) == 0 && ok;
        if (!ok || rename(tmp, path) == -1) {
            (void)unlink(tmp);
        }
    }
    free(bytes); /* allocated by Vectorscan's default allocator */
    cache_prune(dir, path);
}
