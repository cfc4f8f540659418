/* SPDX-License-Identifier: Apache-2.0 */
/* Judging pickle globals: the allowlist decides (what PyTorch's weights_only loader, NumPy and
 * joblib reconstruction need), known-dangerous callables get a named finding with an advisory
 * reference, and everything else is suspicious. */
#include "mscan.h"

#define FULL_MAX 512

/* Module aliases an unpickler resolves to the same object (Python 2 names kept by
 * fix_imports, C accelerator modules, the platform os module). */
static const struct {
    const char *from;
    const char *to;
} aliases[] = {
    {"__builtin__", "builtins"},
    {"_codecs", "codecs"},
    {"_io", "io"},
    {"_operator", "operator"},
    {"_pickle", "pickle"},
    {"cPickle", "pickle"},
    {"copy_reg", "copyreg"},
    {"httplib", "http.client"},
    {"nt", "os"},
    {"posix", "os"},
    {"urllib2", "urllib.request"},
    {"numpy._core", "numpy.core"},
    {"_functools", "functools"},
    {"_thread", "threading"},
    {"_posixsubprocess", "subprocess"},
    {"_socket", "socket"},
    {"_ssl", "ssl"},
};

/* Known-dangerous prefixes: a global matches when its normalised "module.name" equals the
 * entry or continues it with a '.', so submodules (asyncio.unix_events) and dotted attribute
 * names (builtins.eval.__call__) are caught. */
struct danger {
    const char *prefix;
    const char *ref; /* advisory, or NULL */
};

static const struct danger dangers[] = {
    {"_aix_support._read_cmd_output", "GHSA-g38g-8gr9-h9xp"},
    {"_osx_support._read_output", "GHSA-g38g-8gr9-h9xp"},
    {"_pyrepl", "GHSA-g38g-8gr9-h9xp"},
    {"aiohttp", NULL},
    {"antigravity", NULL},
    {"asyncio", "GHSA-jgw4-cr84-mqxg"},
    {"bdb", NULL},
    {"builtins.__import__", NULL},
    {"builtins.apply", NULL},
    {"builtins.breakpoint", NULL},
    {"builtins.compile", NULL},
    {"builtins.delattr", NULL},
    {"builtins.eval", NULL},
    {"builtins.exec", NULL},
    {"builtins.execfile", NULL},
    {"builtins.file", NULL},
    {"builtins.getattr", NULL},
    {"builtins.globals", NULL},
    {"builtins.input", NULL},
    {"builtins.locals", NULL},
    {"builtins.memoryview", NULL},
    {"builtins.open", NULL},
    {"builtins.reload", NULL},
    {"builtins.setattr", NULL},
    {"builtins.type", NULL},
    {"builtins.vars", NULL},
    {"cProfile", "GHSA-49gj-c84q-6qm9"},
    {"cloudpickle", "GHSA-9m3x-qqw2-h32h"},
    {"code", "GHSA-cj3c-v495-4xqh"},
    {"codeop", NULL},
    {"commands", NULL},
    {"ctypes", "GHSA-4675-36f9-wf6r"},
    {"_ctypes", "GHSA-4675-36f9-wf6r"},
    {"dill", NULL},
    {"distutils", "GHSA-m273-6v24-x4m4"},
    {"doctest", "GHSA-fqq6-7vqf-w3fg"},
    {"ensurepip", "GHSA-xp4f-hrf8-rxw7"},
    {"fileinput", NULL},
    {"ftplib", NULL},
    {"functools.partial", NULL},
    {"functools.reduce", NULL},
    {"gc", NULL},
    {"glob", NULL},
    {"http", NULL},
    {"idlelib", "GHSA-3gf5-cxq9-w223"},
    {"imaplib", "GHSA-g38g-8gr9-h9xp"},
    {"imp", NULL},
    {"importlib", NULL},
    {"inspect", NULL},
    {"io.FileIO", "GHSA-9726-w42j-3qjr"},
    {"io.open", NULL},
    {"io.open_code", NULL},
    {"joblib.load", NULL},
    {"keras", NULL},
    {"lib2to3", "GHSA-f54q-57x4-jg88"},
    {"linecache", NULL},
    {"logging.FileHandler", "GHSA-m7j5-r2p5-c39r"},
    {"logging.config", NULL},
    {"logging.handlers", NULL},
    {"marshal", NULL},
    {"multiprocessing", NULL},
    {"nntplib", NULL},
    {"numpy.ctypeslib", NULL},
    {"numpy.distutils", NULL},
    {"numpy.f2py", "GHSA-r8g5-cgf2-4m4m"},
    {"numpy.load", NULL},
    {"numpy.testing", NULL},
    {"operator.attrgetter", "GHSA-46h3-79wf-xr6c"},
    {"operator.itemgetter", NULL},
    {"operator.methodcaller", "GHSA-955r-x9j8-7rhh"},
    {"os", NULL},
    {"pandas.read_pickle", NULL},
    {"pathlib", NULL},
    {"pdb", NULL},
    {"pickle", NULL},
    {"pip", "CVE-2025-1716"},
    {"pkgutil", "GHSA-vvpj-8cmc-gx39"},
    {"platform", NULL},
    {"poplib", NULL},
    {"profile", "GHSA-7wx9-6375-f5wh"},
    {"pty", "GHSA-vqmv-47xg-9wpr"},
    {"pydoc", "GHSA-84r2-jw7c-4r5q"},
    {"requests", NULL},
    {"runpy", NULL},
    {"sched", NULL},
    {"setuptools", NULL},
    {"shelve", NULL},
    {"shutil", NULL},
    {"signal", NULL},
    {"site", NULL},
    {"smtplib", NULL},
    {"socket", NULL},
    {"socketserver", NULL},
    {"ssl", NULL},
    {"subprocess", NULL},
    {"sys", NULL},
    {"tarfile", NULL},
    {"telnetlib", NULL},
    {"tempfile", NULL},
    {"tensorflow", NULL},
    {"test", "GHSA-g38g-8gr9-h9xp"},
    {"threading", NULL},
    {"timeit", NULL},
    {"torch._dynamo", "GHSA-86cj-95qr-2p4f"},
    {"torch._inductor", NULL},
    {"torch.fx", "GHSA-f4x7-rfwp-v3xw"},
    {"torch.hub", NULL},
    {"torch.jit", "GHSA-vr7h-p6mm-wpmh"},
    {"torch.load", NULL},
    {"torch.ops", NULL},
    {"torch.serialization.load", NULL},
    {"torch.utils._config_module", "GHSA-vv6j-3g6g-2pvj"},
    {"torch.utils.bottleneck", "GHSA-4r9r-ch6f-vxmx"},
    {"torch.utils.collect_env", "GHSA-f745-w6jp-hpxx"},
    {"torch.utils.data.datapipes", "GHSA-h3qp-7fh3-f8h4"},
    {"trace", "GHSA-5qwp-399c-mjwf"},
    {"types", NULL},
    {"urllib", "GHSA-9726-w42j-3qjr"},
    {"uuid._get_command_stdout", "GHSA-g38g-8gr9-h9xp"},
    {"venv", NULL},
    {"webbrowser", NULL},
    {"xmlrpc", NULL},
    {"zipimport", NULL},
};

/* Exact names that pass: PyTorch's weights_only set, NumPy array reconstruction, joblib's
 * array wrapper, plain containers and value types. */
static const char *const allowed[] = {
    "builtins.bool",
    "builtins.bytearray",
    "builtins.bytes",
    "builtins.complex",
    "builtins.dict",
    "builtins.float",
    "builtins.frozenset",
    "builtins.int",
    "builtins.list",
    "builtins.object",
    "builtins.range",
    "builtins.set",
    "builtins.slice",
    "builtins.str",
    "builtins.tuple",
    "codecs.encode",
    "collections.OrderedDict",
    "copyreg._reconstructor",
    "datetime.date",
    "datetime.datetime",
    "datetime.time",
    "datetime.timedelta",
    "datetime.timezone",
    "decimal.Decimal",
    "fractions.Fraction",
    "joblib.numpy_pickle.NumpyArrayWrapper",
    "numpy.core.multiarray._reconstruct",
    "numpy.core.multiarray.scalar",
    "numpy.core.numeric._frombuffer",
    "numpy.dtype",
    "numpy.ndarray",
    "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
    "torch.BFloat16Storage",
    "torch.BoolStorage",
    "torch.ByteStorage",
    "torch.CharStorage",
    "torch.ComplexDoubleStorage",
    "torch.ComplexFloatStorage",
    "torch.DoubleStorage",
    "torch.FloatStorage",
    "torch.HalfStorage",
    "torch.IntStorage",
    "torch.LongStorage",
    "torch.QInt32Storage",
    "torch.QInt8Storage",
    "torch.QUInt2x4Storage",
    "torch.QUInt4x2Storage",
    "torch.QUInt8Storage",
    "torch.ShortStorage",
    "torch.Size",
    "torch.Tensor",
    "torch._tensor._rebuild_from_type_v2",
    "torch._utils._rebuild_device_tensor_from_numpy",
    "torch._utils._rebuild_meta_tensor_no_storage",
    "torch._utils._rebuild_nested_tensor",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_qtensor",
    "torch._utils._rebuild_sparse_csr_tensor",
    "torch._utils._rebuild_sparse_tensor",
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_wrapper_subclass",
    "torch.bfloat16",
    "torch.bool",
    "torch.channels_last",
    "torch.complex128",
    "torch.complex64",
    "torch.contiguous_format",
    "torch.device",
    "torch.double",
    "torch.float",
    "torch.float16",
    "torch.float32",
    "torch.float64",
    "torch.half",
    "torch.int",
    "torch.int16",
    "torch.int32",
    "torch.int64",
    "torch.int8",
    "torch.long",
    "torch.nn.parameter.Parameter",
    "torch.preserve_format",
    "torch.serialization._get_layout",
    "torch.sparse_coo",
    "torch.sparse_csr",
    "torch.storage.UntypedStorage",
    "torch.storage.TypedStorage",
    "torch.strided",
    "torch.uint8",
};

static bool
is_dunder(const char *p, size_t n)
{
    return n > 4 && p[0] == '_' && p[1] == '_' && p[n - 1] == '_' && p[n - 2] == '_';
}

/* Normalise module (apply the longest alias on a dotted-prefix boundary) and append ".name"
 * into full[]; returns false when it does not fit. */
static bool
build_full(const char *module, size_t mlen, const char *name, size_t nlen, char *full, size_t cap)
{
    const char *m = module;
    size_t ml = mlen, best = 0;
    const char *to = NULL;
    int n;

    for (size_t i = 0; i < PCL_ARRAY_LEN(aliases); i++) {
        size_t fl = strlen(aliases[i].from);

        if (fl <= mlen && memcmp(module, aliases[i].from, fl) == 0 &&
            (fl == mlen || module[fl] == '.') && fl > best) {
            best = fl;
            to = aliases[i].to;
        }
    }
    if (to != NULL) {
        m = module + best;
        ml = mlen - best;
        n = snprintf(full, cap, "%s%.*s.%.*s", to, (int)ml, m, (int)nlen, name);
    } else {
        n = snprintf(full, cap, "%.*s.%.*s", (int)ml, m, (int)nlen, name);
    }
    return n > 0 && (size_t)n < cap;
}

static bool
has_prefix_component(const char *full, const char *prefix)
{
    size_t pl = strlen(prefix);

    return strncmp(full, prefix, pl) == 0 && (full[pl] == '\0' || full[pl] == '.');
}

static bool
is_allowed(const char *full)
{
    for (size_t i = 0; i < PCL_ARRAY_LEN(allowed); i++) {
        if (strcmp(full, allowed[i]) == 0) {
            return true;
        }
    }
    /* numpy >= 1.25 pickles dtypes by class: numpy.dtypes.Float64DType and friends */
    if (strncmp(full, "numpy.dtypes.", 13) == 0) {
        const char *n = full + 13;
        size_t l = strlen(n);

        return l > 5 && strchr(n, '.') == NULL && strcmp(n + l - 5, "DType") == 0;
    }
    return false;
}

enum pcl_model_sev
pcl_model_global_judge(const char *module, size_t mlen, const char *name, size_t nlen,
                       const char **ref)
{
    char full[FULL_MAX];
    size_t start = 0;

    if (ref != NULL) {
        *ref = NULL;
    }
    if (mlen == 0 || nlen == 0 || !build_full(module, mlen, name, nlen, full, sizeof(full))) {
        return PCL_MODEL_SEV_CRITICAL; /* an unpickler cannot import it; a scanner must not guess */
    }
    /* every dotted component: dunder attributes reach interpreter internals (__builtins__,
     * __globals__, __call__ chains); empty components are never produced by real code */
    for (size_t i = 0;; i++) {
        if (full[i] == '.' || full[i] == '\0') {
            if (i == start || is_dunder(full + start, i - start)) {
                return PCL_MODEL_SEV_CRITICAL;
            }
            if (full[i] == '\0') {
                break;
            }
            start = i + 1;
        }
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(dangers); i++) {
        if (has_prefix_component(full, dangers[i].prefix)) {
            if (ref != NULL) {
                *ref = dangers[i].ref;
            }
            return PCL_MODEL_SEV_CRITICAL;
        }
    }
    return is_allowed(full) ? PCL_MODEL_SEV_INFO : PCL_MODEL_SEV_SUSPICIOUS;
}
