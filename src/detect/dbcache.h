/* SPDX-License-Identifier: Apache-2.0 */
/* The compiled-database cache (dbcache.c). Every failure is silent: a cache that cannot be
 * read or written only costs a compile. */
#ifndef PCL_DETECT_DBCACHE_H
#define PCL_DETECT_DBCACHE_H

#include <hs.h>
#include <stddef.h>

/* "<dir>/<kind>-<hash>.hsdb" for the database compiled from patterns[0..n) with their flags
 * and ids under this Vectorscan version. */
void pcl_dbcache_path(const char *dir, const char *kind, char *const *patterns,
                      const unsigned *flags, const unsigned *ids, size_t n, char *out, size_t cap);
/* The database at path, or NULL (missing, unreadable, or from another Vectorscan). Caller frees
 * with hs_free_database(). */
hs_database_t *pcl_dbcache_load(const char *path);
/* Write db to path (creating dir, 0700), then delete the oldest databases in dir past 32. */
void pcl_dbcache_save(const char *dir, const char *path, const hs_database_t *db);

#endif
