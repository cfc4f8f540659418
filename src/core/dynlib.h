/* SPDX-License-Identifier: Apache-2.0 */
/* Libraries loaded with dlopen() on first use instead of linked (private to libportcullis):
 * libhdf5 for .h5 models (src/model/hdf5.c) and ICU for the injection sanitizer
 * (src/detect/icu.c). Every linked library costs every process start, and most commands never
 * touch these. A caller keeps a table of function pointers, lists its symbols with their
 * slots, and fills the table once (pthread_once). */
#ifndef PCL_DYNLIB_H
#define PCL_DYNLIB_H

#include <stddef.h>

/* One symbol: its exported name, the library it comes from (an index into the caller's
 * handles) and the offset of its pointer-sized slot in the caller's table. */
struct pcl_dl_sym {
    const char *name;
    unsigned lib;
    size_t off;
};

/* dlopen() (RTLD_NOW | RTLD_LOCAL) the file named by the environment variable env when it is
 * set and not empty, else soname (the name built against, read at configure time); *name is
 * the one tried. On failure NULL, with the loader's reason in why[0..cap). The handle stays
 * open for the life of the process. Reads the environment: call it once, at set-up. */
void *pcl_dl_open(const char *env, const char *soname, const char **name, char *why, size_t cap);

/* Resolve syms[0..n) from libs[syms[k].lib] into the slots of table. Returns n when every
 * symbol resolved, else the index of the first missing one (the table is then partly written:
 * resolve into a copy when the table must stay all NULL). */
size_t pcl_dl_resolve(void *const *libs, const struct pcl_dl_sym *syms, size_t n, void *table);

#endif
