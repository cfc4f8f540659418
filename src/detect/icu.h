/* SPDX-License-Identifier: Apache-2.0 */
/* ICU4C for the Unicode sanitizer and the token view: the functions they call, loaded with
 * dlopen() on first use instead of linked (linked, libicuuc, libicui18n and libicudata made
 * every start of the CLI ~4 ms slower, though most commands never touch ICU). */
#ifndef PCL_DETECT_ICU_H
#define PCL_DETECT_ICU_H

#include "common.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>

/* X(library, function) for every ICU function called; library is UC (libicuuc) or I18N
 * (libicui18n). The names are ICU's macros, which expand to the versioned exported names
 * (u_charType -> u_charType_72), so neither the table nor dlsym() hard-codes a version. */
#define PCL_ICU_FUNCS(X)                                                                           \
    X(UC, u_charType)                                                                              \
    X(UC, u_errorName)                                                                             \
    X(UC, u_hasBinaryProperty)                                                                     \
    X(UC, u_isalnum)                                                                               \
    X(UC, u_isalpha)                                                                               \
    X(UC, u_strToUTF8)                                                                             \
    X(UC, unorm2_getNFKCCasefoldInstance)                                                          \
    X(UC, unorm2_hasBoundaryBefore)                                                                \
    X(UC, unorm2_normalize)                                                                        \
    X(UC, uscript_getScript)                                                                       \
    X(I18N, uspoof_close)                                                                          \
    X(I18N, uspoof_getSkeleton)                                                                    \
    X(I18N, uspoof_open)

/* One pointer per function, named like the function: pcl_icu.u_isalnum(c). */
struct pcl_icu_funcs {
#define PCL_ICU_MEMBER(lib, f) __typeof__(&f) f;
    PCL_ICU_FUNCS(PCL_ICU_MEMBER)
#undef PCL_ICU_MEMBER
};

/* Filled once by the first pcl_icu_load() that succeeds and never written again. Calling
 * through it is only allowed after pcl_icu_load() returned PCL_OK (a struct pcl_sanitizer
 * exists only then); before, every pointer is NULL. */
extern struct pcl_icu_funcs pcl_icu;

/* Load libicuuc and libicui18n (once per process, thread-safe; later calls only report the
 * outcome): by the SONAMEs built against, or the files named by PCL_ICU_UC_LIBRARY and
 * PCL_ICU_I18N_LIBRARY. PCL_EINTERNAL naming the library and the loader's reason when a
 * library or one of its functions is missing. */
enum pcl_rc pcl_icu_load(struct pcl_err *err) PCL_WUR;

/* U_GET_GC_MASK(c) through the table: the general-category bit of c (U_GC_*_MASK). */
static inline uint32_t
pcl_icu_gc_mask(uint32_t c)
{
    return U_MASK(pcl_icu.u_charType((UChar32)c));
}

#endif
