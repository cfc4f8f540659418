/* SPDX-License-Identifier: Apache-2.0 */
#include "dynlib.h"

#include "common.h"

#include <dlfcn.h>

void *
pcl_dl_open(const char *env, const char *soname, const char **name, char *why, size_t cap)
{
    const char *over = getenv(env); /* NOLINT(concurrency-mt-unsafe): once, at set-up */
    void *lib;

    *name = over != NULL && over[0] != '\0' ? over : soname;
    lib = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *e = dlerror(); /* NOLINT(concurrency-mt-unsafe): once, at set-up */

        (void)snprintf(why, cap, "%s", e != NULL ? e : "unknown reason");
    }
    return lib;
}

size_t
pcl_dl_resolve(void *const *libs, const struct pcl_dl_sym *syms, size_t n, void *table)
{
    for (size_t k = 0; k < n; k++) {
        void *f = dlsym(libs[syms[k].lib], syms[k].name);

        if (f == NULL) {
            return k;
        }
        /* POSIX: a function pointer and dlsym()'s void * have the same representation */
        memcpy((char *)table + syms[k].off, &f, sizeof(f));
    }
    return n;
}
