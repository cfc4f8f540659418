/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for how pickle globals are judged (src/model/globals.c): aliases, dotted components,
 * dunders, the allowlist and advisory references. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include <portcullis/model.h>

static void
test_global_judge_table(void **state)
{
    static const struct {
        const char *module;
        const char *name;
        enum pcl_model_sev want;
    } cases[] = {
        {"os", "system", PCL_MODEL_SEV_CRITICAL},
        {"posix", "system", PCL_MODEL_SEV_CRITICAL}, /* os on Linux */
        {"nt", "system", PCL_MODEL_SEV_CRITICAL},    /* os on Windows */
        {"os.path", "join", PCL_MODEL_SEV_CRITICAL}, /* submodule of a blocked module */
        {"osmodule", "x", PCL_MODEL_SEV_SUSPICIOUS}, /* a prefix only on a dot boundary */
        {"__builtin__", "eval", PCL_MODEL_SEV_CRITICAL},
        {"builtins", "eval.__call__", PCL_MODEL_SEV_CRITICAL},
        {"builtins", "getattr", PCL_MODEL_SEV_CRITICAL},
        {"builtins", "set", PCL_MODEL_SEV_INFO},
        {"__builtin__", "set", PCL_MODEL_SEV_INFO},
        {"builtins", "print", PCL_MODEL_SEV_SUSPICIOUS},
        {"numpy", "__builtins__", PCL_MODEL_SEV_CRITICAL}, /* dunder component */
        {"numpy", "size", PCL_MODEL_SEV_SUSPICIOUS},
        {"numpy.core.multiarray", "_reconstruct", PCL_MODEL_SEV_INFO},
        {"numpy._core.multiarray", "_reconstruct", PCL_MODEL_SEV_INFO},
        {"numpy.dtypes", "Float64DType", PCL_MODEL_SEV_INFO},
        {"numpy.dtypes", "Float64DType.mro", PCL_MODEL_SEV_SUSPICIOUS},
        {"numpy.testing._private.utils", "runstring", PCL_MODEL_SEV_CRITICAL},
        {"torch._utils", "_rebuild_tensor_v2", PCL_MODEL_SEV_INFO},
        {"torch", "FloatStorage", PCL_MODEL_SEV_INFO},
        {"torch", "load", PCL_MODEL_SEV_CRITICAL},
        {"torch.serialization", "load", PCL_MODEL_SEV_CRITICAL},
        {"torch.nn.modules.linear", "Linear", PCL_MODEL_SEV_SUSPICIOUS},
        {"collections", "OrderedDict", PCL_MODEL_SEV_INFO},
        {"_codecs", "encode", PCL_MODEL_SEV_INFO},
        {"_pickle", "loads", PCL_MODEL_SEV_CRITICAL},
        {"cPickle", "loads", PCL_MODEL_SEV_CRITICAL},
        {"httplib", "HTTPSConnection", PCL_MODEL_SEV_CRITICAL},
        {"asyncio.unix_events", "_UnixSubprocessTransport._start", PCL_MODEL_SEV_CRITICAL},
        {"joblib.numpy_pickle", "NumpyArrayWrapper", PCL_MODEL_SEV_INFO},
        {"", "x", PCL_MODEL_SEV_CRITICAL},     /* cannot be imported: never guessed clean */
        {"a..b", "x", PCL_MODEL_SEV_CRITICAL}, /* empty component */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum pcl_model_sev got = pcl_model_global_judge(cases[i].module, strlen(cases[i].module),
                                                        cases[i].name, strlen(cases[i].name), NULL);

        if (got != cases[i].want) {
            fail_msg("%s.%s: got %s, want %s", cases[i].module, cases[i].name,
                     pcl_model_sev_str(got), pcl_model_sev_str(cases[i].want));
        }
    }
}

static void
test_global_judge_refs(void **state)
{
    const char *ref = NULL;

    (void)state;
    assert_int_equal(pcl_model_global_judge("pip", 3, "main", 4, &ref), PCL_MODEL_SEV_CRITICAL);
    assert_string_equal(ref, "CVE-2025-1716");
    assert_int_equal(pcl_model_global_judge("os", 2, "system", 6, &ref), PCL_MODEL_SEV_CRITICAL);
    assert_null(ref);
    /* operands need not be NUL-terminated */
    assert_int_equal(pcl_model_global_judge("osXX", 2, "systemYY", 6, &ref),
                     PCL_MODEL_SEV_CRITICAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_global_judge_table),
        cmocka_unit_test(test_global_judge_refs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
