/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the pickle emulator (src/model/pickle.c): crafted opcode streams, each with the
 * outcome and rule a loader-faithful emulation must produce. Nothing is ever unpickled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include "model_test.h"
#include "pcl_test.h"

static const struct model_case cases[] = {
    /* PROTO 2, EMPTY_LIST, BINPUT 0, MARK, BININT1 1, BININT1 2, APPENDS, STOP: [1, 2] */
    MC("protocol 2 list",
       "\x80\x02]q\x00(K\x01K\x02"
       "e.",
       PCL_MODEL_CLEAN, NULL, NULL),
    /* protocol 0 dict {'a': 1} written by hand: MARK, DICT... */
    MC("protocol 0 dict", "(dp0\nVa\np1\nI1\ns.", PCL_MODEL_CLEAN, NULL, NULL),
    /* GLOBAL os system, MARK, STRING 'id', TUPLE, REDUCE, STOP */
    MC("protocol 0 os.system", "cos\nsystem\n(S'id'\ntR.", PCL_MODEL_MALICIOUS,
       "pickle.dangerous-global", "os.system"),
    /* posix is how CPython on Linux pickles os.system */
    MC("posix alias",
       "\x80\x02"
       "cposix\nsystem\nq\x00X\x02\x00\x00\x00id\x85R.",
       PCL_MODEL_MALICIOUS, "pickle.dangerous-global", "posix.system"),
    /* PROTO 4, SHORT_BINUNICODE 'os', MEMOIZE, SHORT_BINUNICODE 'system', MEMOIZE, then
     * decoys and BINGET 0, BINGET 1 feeding STACK_GLOBAL from the memo */
    MC("stack global from memo",
       "\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x8c\x04"
       "json\x8c\x05"
       "dumps"
       "00h\x00h\x01\x93)R.",
       PCL_MODEL_MALICIOUS, "pickle.dangerous-global", "os.system"),
    /* STACK_GLOBAL whose module operand is an int (BININT1 1): decided at load time */
    MC("stack global non-string operand", "\x80\x04K\x01\x8c\x01x\x93.", PCL_MODEL_MALICIOUS,
       "pickle.stack-global-operand", NULL),
    /* STACK_GLOBAL operands from BINUNICODE8 (8-byte lengths) */
    MC("binunicode8 operands",
       "\x80\x04\x8d\x02\x00\x00\x00\x00\x00\x00\x00os\x8d\x06\x00\x00\x00\x00\x00\x00\x00system"
       "\x93.",
       PCL_MODEL_MALICIOUS, "pickle.dangerous-global", "os.system"),
    /* INST opcode: MARK, STRING 'id', INST os system, STOP */
    MC("inst opcode", "(S'id'\nios\nsystem\n.", PCL_MODEL_MALICIOUS, "pickle.dangerous-global",
       "os.system"),
    /* OBJ opcode: MARK, GLOBAL os system, STRING, OBJ, POP, NONE, STOP */
    MC("obj opcode then pop", "(cos\nsystem\nS'id'\no0N.", PCL_MODEL_MALICIOUS,
       "pickle.dangerous-global", "os.system"),
    /* dotted name with a dunder component: builtins.eval.__call__ */
    MC("dotted dunder",
       "\x80\x04\x8c\x08"
       "builtins\x8c\x0d"
       "eval.__call__\x93.",
       PCL_MODEL_MALICIOUS, "pickle.dangerous-global", "builtins.eval.__call__"),
    /* submodule of a blocked package */
    MC("submodule of blocked package", "casyncio.subprocess\ncreate_subprocess_shell\n.",
       PCL_MODEL_MALICIOUS, "pickle.dangerous-global", NULL),
    /* allowlisted: collections.OrderedDict() */
    MC("ordereddict",
       "\x80\x02"
       "ccollections\nOrderedDict\nq\x00)Rq\x01.",
       PCL_MODEL_CLEAN, NULL, NULL),
    /* builtins.set([1, 2]) as protocol 2 writes it (__builtin__ alias) */
    MC("builtins set",
       "\x80\x02"
       "c__builtin__\nset\n]q\x00(K\x01K\x02"
       "e\x85R.",
       PCL_MODEL_CLEAN, NULL, NULL),
    /* a global outside the allowlist is suspicious, not malicious */
    MC("unknown global",
       "\x80\x02"
       "cmypkg.models\nNet\n)R.",
       PCL_MODEL_SUSPICIOUS, "pickle.unknown-global", "mypkg.models.Net"),
    /* REDUCE whose callable is the result of a call */
    MC("computed call",
       "\x80\x02"
       "ccollections\nOrderedDict\n)R)R.",
       PCL_MODEL_MALICIOUS, "pickle.computed-call", NULL),
    /* BUILD on an imported function (attribute overwrite) */
    MC("build on global",
       "\x80\x02"
       "cnumpy\nsize\n}b.",
       PCL_MODEL_MALICIOUS, "pickle.build-on-global", "numpy.size"),
    /* SETITEM on an imported object (e.g. sys.modules-style mutation) */
    MC("setitem on global",
       "\x80\x02"
       "cmypkg\nREGISTRY\nVk\nVv\ns.",
       PCL_MODEL_MALICIOUS, "pickle.mutate-global", "mypkg.REGISTRY"),
    /* EXT1 code 1: imports from the copyreg extension registry */
    MC("ext1", "\x80\x02\x82\x01.", PCL_MODEL_MALICIOUS, "pickle.ext-opcode", NULL),
    /* pickle.loads(SHORT_BINBYTES <protocol 0 os.system pickle>): the payload is scanned */
    MC("nested loads",
       "\x80\x02"
       "cpickle\nloads\nC\x0f"
       "cos\nsystem\n(tR.\x85R.",
       PCL_MODEL_MALICIOUS, "pickle.dangerous-global", "os.system"),
    /* the same with the bytes spelt _codecs.encode(UNICODE, 'latin1') as protocol 0 does */
    MC("nested loads via codecs",
       "cpickle\nloads\n(c_codecs\nencode\n(Vcos\\u000asystem\\u000a(tR.\n"
       "Vlatin1\ntRtR.",
       PCL_MODEL_MALICIOUS, "pickle.dangerous-global", "os.system"),
    /* no STOP: the loader raises at the end, after running everything before */
    MC("missing stop", "\x80\x02]q\x00", PCL_MODEL_UNSCANNABLE, "unscannable", NULL),
    /* payload before an invalid opcode (0xff) */
    MC("payload before invalid opcode", "cos\nsystem\n(S'id'\ntR\xff", PCL_MODEL_MALICIOUS,
       "pickle.dangerous-global", "os.system"),
    /* BINGET of a memo key never stored */
    MC("missing memo key", "\x80\x02h\x05.", PCL_MODEL_UNSCANNABLE, "unscannable", NULL),
    /* LONG_BINPUT / LONG_BINGET with key 65536 */
    MC("long memo keys", "\x80\x02Nr\x00\x00\x01\x00j\x00\x00\x01\x00.", PCL_MODEL_CLEAN, NULL,
       NULL),
    /* FRAME longer than the data */
    MC("frame past end", "\x80\x04\x95\xff\x00\x00\x00\x00\x00\x00\x00N.", PCL_MODEL_UNSCANNABLE,
       "unscannable", NULL),
    /* BINSTRING with a negative length */
    MC("negative binstring", "\x80\x02T\xff\xff\xff\xff", PCL_MODEL_UNSCANNABLE, "unscannable",
       NULL),
    /* BINUNICODE8 length 2^63: overflow probe */
    MC("huge binunicode8", "\x80\x04\x8d\x00\x00\x00\x00\x00\x00\x00\x80", PCL_MODEL_UNSCANNABLE,
       "unscannable", NULL),
    /* two pickles back to back: both run under repeated load() */
    MC("stacked pickles", "N.cos\nsystem\n.", PCL_MODEL_MALICIOUS, "pickle.stacked", NULL),
    /* bytes after STOP that are not a pickle */
    MC("trailing data", "\x80\x02N.\x00\x01\x02", PCL_MODEL_SUSPICIOUS, "pickle.trailing-data",
       NULL),
    /* GLOBAL with invalid UTF-8: the loader raises before importing; not a pickle at all */
    MC("not a pickle", "c\xf8\xf9\n\xfa\n.", PCL_MODEL_CLEAN, NULL, NULL),
    /* text whose first lines read like GLOBAL operands but which calls nothing */
    MC("text starting like GLOBAL", "copyright\nblah blah\nThis file explains\n", PCL_MODEL_CLEAN,
       NULL, NULL),
    /* plain text is not a pickle */
    MC("text", "hello world\n", PCL_MODEL_CLEAN, NULL, NULL),
    /* POP_MARK, DUP, PERSID, BINPERSID, NEWTRUE, FLOAT, LONG1: benign opcodes */
    MC("misc opcodes",
       "\x80\x02(N1K\x01"
       "2\x88G\x00\x00\x00\x00\x00\x00\x00\x00\x8a\x01\x05Pid\nQ\x86\x86.",
       PCL_MODEL_CLEAN, NULL, NULL),
    /* NEWOBJ_EX of a dangerous class */
    MC("newobj_ex", "\x80\x04\x8c\x0asubprocess\x8c\x05Popen\x93)}\x92.", PCL_MODEL_MALICIOUS,
       "pickle.dangerous-global", "subprocess.Popen"),
};

static void
test_pickle_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        model_check(&cases[i]);
    }
}

static void
test_pickle_nested_member_named(void **state)
{
    /* pickle.loads(SHORT_BINBYTES payload): the finding's member says where the payload was */
    static const char data[] = "\x80\x02"
                               "cpickle\nloads\nC\x0f"
                               "cos\nsystem\n(tR.\x85R.";
    struct pcl_model_report *r = NULL;
    const struct pcl_model_finding *f;

    (void)state;
    assert_int_equal(pcl_model_scan_mem("n.pkl", data, sizeof(data) - 1, NULL, &r, NULL), PCL_OK);
    f = model_find(r, "pickle.dangerous-global", "os.system");
    if (f == NULL) {
        fail_msg("no os.system finding in the nested payload");
        return; /* not reached; tells the compiler f is set below */
    }
    assert_non_null(strstr(f->member, "<argument of pickle.loads"));
    pcl_model_report_free(r);
}

static void
test_pickle_repeats_merge(void **state)
{
    /* the same unknown global imported three times is one finding with count 3 */
    static const char data[] = "\x80\x02(cm\nC\ncm\nC\ncm\nC\nt.";
    struct pcl_model_report *r = NULL;

    (void)state;
    assert_int_equal(pcl_model_scan_mem("r.pkl", data, sizeof(data) - 1, NULL, &r, NULL), PCL_OK);
    assert_int_equal(r->nfindings, 1);
    assert_int_equal(r->findings[0].count, 3);
    pcl_model_report_free(r);
}

static enum pcl_rc
oom_run(void *ctx)
{
    static const char data[] = "\x80\x02"
                               "cpickle\nloads\nC\x0f"
                               "cos\nsystem\n(tR.\x85R.";
    struct pcl_model_report *r = NULL;
    enum pcl_rc rc;

    (void)ctx;
    rc = pcl_model_scan_mem("o.pkl", data, sizeof(data) - 1, NULL, &r, NULL);
    pcl_model_report_free(r);
    return rc;
}

static void
test_pickle_out_of_memory(void **state)
{
    (void)state;
    (void)pcl_test_oom(oom_run, NULL, false);
    (void)pcl_test_oom(oom_run, NULL, true);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pickle_cases),
        cmocka_unit_test(test_pickle_nested_member_named),
        cmocka_unit_test(test_pickle_repeats_merge),
        cmocka_unit_test(test_pickle_out_of_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
