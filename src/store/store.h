/* SPDX-License-Identifier: Apache-2.0 */
/* Backend table behind include/portcullis/store.h: each backend fills one ops record. */
#ifndef PCL_STORE_STORE_H
#define PCL_STORE_STORE_H

#include <portcullis/store.h>

struct pcl_store_ops {
    const char *name;
    enum pcl_rc (*open)(const char *target, bool sync_full, void **db, struct pcl_err *err);
    void (*close)(void *db);
    enum pcl_rc (*exec)(void *db, const char *sql, struct pcl_err *err);
    int64_t (*changes)(void *db);
    int64_t (*last_id)(void *db);
    enum pcl_rc (*prepare)(void *db, const char *sql, void **st, struct pcl_err *err);
    void (*finalize)(void *st);
    enum pcl_rc (*bind_int)(void *st, int i, int64_t v, struct pcl_err *err);
    enum pcl_rc (*bind_double)(void *st, int i, double v, struct pcl_err *err);
    enum pcl_rc (*bind_text)(void *st, int i, const char *p, size_t n, struct pcl_err *err);
    enum pcl_rc (*bind_blob)(void *st, int i, const void *p, size_t n, struct pcl_err *err);
    enum pcl_rc (*bind_null)(void *st, int i, struct pcl_err *err);
    enum pcl_rc (*step)(void *st, bool *row, struct pcl_err *err);
    void (*reset)(void *st);
    bool (*is_null)(void *st, int col);
    int64_t (*col_int)(void *st, int col);
    double (*col_double)(void *st, int col);
    struct pcl_str (*col_text)(void *st, int col);
    struct pcl_str (*col_blob)(void *st, int col);
};

extern const struct pcl_store_ops pcl_store_sqlite_ops;

#endif
