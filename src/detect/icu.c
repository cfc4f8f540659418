/* SPDX-License-Identifier: Apache-2.0 */
/* Loads ICU4C with dlopen() the first time the sanitizer or the token view needs it, the way
 * src/model/hdf5.c loads libhdf5. */
#include "icu.h"

#include <dlfcn.h>
#include <pthread.h>

#define PCL_ICU_STR_(x) #x
/* the string of x after macro expansion: "u_charType_72" for u_charType */
#define PCL_ICU_STR(x) PCL_ICU_STR_(x)

enum icu_lib { ICU_LIB_UC, ICU_LIB_I18N, ICU_LIB_COUNT };

static const struct {
    const char *env;    /* file name or path that replaces soname */
    const char *soname; /* as built against, read at configure time */
} icu_libs[ICU_LIB_COUNT] = {
    [ICU_LIB_UC] = {.env = "PCL_ICU_UC_LIBRARY", .soname = PCL_ICU_UC_SONAME},
    [ICU_LIB_I18N] = {.env = "PCL_ICU_I18N_LIBRARY", .soname = PCL_ICU_I18N_SONAME},
};

/* Every function: its library, exported (versioned) name and slot in struct pcl_icu_funcs. */
static const struct {
    enum icu_lib lib;
    const char *name;
    size_t off;
} icu_funcs[] = {
#define PCL_ICU_ENTRY(l, f) {ICU_LIB_##l, PCL_ICU_STR(f), offsetof(struct pcl_icu_funcs, f)},
    PCL_ICU_FUNCS(PCL_ICU_ENTRY)
#undef PCL_ICU_ENTRY
};

struct pcl_icu_funcs pcl_icu;

static pthread_once_t icu_once = PTHREAD_ONCE_INIT;
static char icu_error[200]; /* empty once pcl_icu is filled */

/* Open both libraries (the handles stay open for the life of the process) and resolve every
 * function into a local table, which is copied into pcl_icu only when all of them resolved:
 * pcl_icu is either complete or all NULL. */
static void
icu_load(void)
{
    struct pcl_icu_funcs t;
    void *lib[ICU_LIB_COUNT];
    const char *name[ICU_LIB_COUNT];

    for (size_t i = 0; i < ICU_LIB_COUNT; i++) {
        const char *env = getenv(icu_libs[i].env); /* NOLINT(concurrency-mt-unsafe): once */

        name[i] = env != NULL && env[0] != '\0' ? env : icu_libs[i].soname;
        lib[i] = dlopen(name[i], RTLD_NOW | RTLD_LOCAL);
        if (lib[i] == NULL) {
            const char *why = dlerror(); /* NOLINT(concurrency-mt-unsafe): once */

            (void)snprintf(icu_error, sizeof(icu_error), "icu: cannot load %s (%s)", name[i],
                           why != NULL ? why : "unknown reason");
            return;
        }
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(icu_funcs); i++) {
        void *f = dlsym(lib[icu_funcs[i].lib], icu_funcs[i].name);

        if (f == NULL) {
            (void)snprintf(icu_error, sizeof(icu_error), "icu: cannot load %s (no symbol %s)",
                           name[icu_funcs[i].lib], icu_funcs[i].name);
            return;
        }
        /* POSIX: a function pointer and dlsym()'s void * have the same representation */
        memcpy((char *)&t + icu_funcs[i].off, &f, sizeof(f));
    }
    pcl_icu = t;
}

enum pcl_rc
pcl_icu_load(struct pcl_err *err)
{
    (void)pthread_once(&icu_once, icu_load);
    if (icu_error[0] != '\0') {
        return pcl_err_set(err, PCL_EINTERNAL, "%s", icu_error);
    }
    return PCL_OK;
}
