/* SPDX-License-Identifier: Apache-2.0 */
/* Loads ICU4C with dlopen() the first time the sanitizer or the token view needs it
 * (src/core/dynlib.c, as src/model/hdf5.c loads libhdf5). */
#include "icu.h"

#include "dynlib.h"

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

/* Every function: its exported (versioned) name, library and slot in struct pcl_icu_funcs. */
static const struct pcl_dl_sym icu_funcs[] = {
#define PCL_ICU_ENTRY(l, f) {PCL_ICU_STR(f), ICU_LIB_##l, offsetof(struct pcl_icu_funcs, f)},
    PCL_ICU_FUNCS(PCL_ICU_ENTRY)
#undef PCL_ICU_ENTRY
};

struct pcl_icu_funcs pcl_icu;

static pthread_once_t icu_once = PTHREAD_ONCE_INIT;
static char icu_error[200]; /* empty once pcl_icu is filled */

/* Open both libraries and resolve every function into a local table, which is copied into
 * pcl_icu only when all of them resolved: pcl_icu is either complete or all NULL. */
static void
icu_load(void)
{
    struct pcl_icu_funcs t;
    void *lib[ICU_LIB_COUNT];
    const char *name[ICU_LIB_COUNT];
    char why[160];
    size_t missing;

    for (size_t i = 0; i < ICU_LIB_COUNT; i++) {
        lib[i] = pcl_dl_open(icu_libs[i].env, icu_libs[i].soname, &name[i], why, sizeof(why));
        if (lib[i] == NULL) {
            (void)snprintf(icu_error, sizeof(icu_error), "icu: cannot load %s (%s)", name[i], why);
            return;
        }
    }
    missing = pcl_dl_resolve(lib, icu_funcs, PCL_ARRAY_LEN(icu_funcs), &t);
    if (missing < PCL_ARRAY_LEN(icu_funcs)) {
        (void)snprintf(icu_error, sizeof(icu_error), "icu: cannot load %s (no symbol %s)",
                       name[icu_funcs[missing].lib], icu_funcs[missing].name);
        return;
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
