/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for loading ICU with dlopen(): when the library cannot be loaded, every entry point that
 * needs it fails with an error naming the library, and nothing calls through a NULL pointer.
 * Loading happens once per process, so this program only ever sees the failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icu.h"
#include "inject_int.h"

#define NO_ICU "libpcl-no-such-icuuc.so.0"

static void
test_icu_load_missing_library(void **state)
{
    struct pcl_err err = {0};

    (void)state;
    assert_int_equal(pcl_icu_load(&err), PCL_EINTERNAL);
    assert_int_equal(err.rc, PCL_EINTERNAL);
    assert_non_null(strstr(err.msg, "icu: cannot load " NO_ICU " ("));
    assert_null(pcl_icu.u_charType);
    assert_null(pcl_icu.uspoof_open);
    /* the outcome is kept: a second call reports it again without retrying */
    memset(&err, 0, sizeof(err));
    assert_int_equal(pcl_icu_load(&err), PCL_EINTERNAL);
    assert_non_null(strstr(err.msg, NO_ICU));
    assert_int_equal(pcl_icu_load(NULL), PCL_EINTERNAL);
}

static void
test_sanitizer_new_without_icu(void **state)
{
    struct pcl_sanitizer *san = (struct pcl_sanitizer *)&san; /* must be set to NULL */
    struct pcl_err err = {0};

    (void)state;
    assert_int_equal(pcl_sanitizer_new(NULL, &san, &err), PCL_EINTERNAL);
    assert_null(san);
    assert_non_null(strstr(err.msg, NO_ICU));
}

static void
test_inject_new_without_icu(void **state)
{
    struct pcl_inject_opts o = {0};
    struct pcl_inject *det = NULL;
    struct pcl_err err = {0};

    (void)state;
    assert_int_equal(pcl_inject_new(&o, &det, &err), PCL_EINTERNAL);
    assert_null(det);
    assert_non_null(strstr(err.msg, NO_ICU));
}

/* non-ASCII text would need ICU's character classes: an error, not a NULL call */
static void
test_inject_tokens_without_icu(void **state)
{
    static const char *const cases[] = {"ignore previous", "\xC3\xA9t\xC3\xA9", ""};
    struct pcl_buf out;
    size_t *map = NULL;
    size_t cap = 0;

    (void)state;
    pcl_buf_init(&out, 1 << 16);
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        assert_int_equal(pcl_inject_tokens(cases[i], strlen(cases[i]), &out, &map, &cap),
                         PCL_EINTERNAL);
    }
    pcl_buf_fini(&out);
    pcl_free(map);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icu_load_missing_library),
        cmocka_unit_test(test_sanitizer_new_without_icu),
        cmocka_unit_test(test_inject_new_without_icu),
        cmocka_unit_test(test_inject_tokens_without_icu),
    };

    /* before anything loads ICU */
    if (setenv("PCL_ICU_UC_LIBRARY", NO_ICU, 1) != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
