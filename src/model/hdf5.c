/* SPDX-License-Identifier: Apache-2.0 */
/* Keras 2 HDF5 files: the root group's model_config and training_config attributes, read with
 * libhdf5 exactly as h5py (and so Keras) reads them. libhdf5 parses hostile files with a long
 * CVE record and is not thread-safe, so it runs in a forked child with CPU and memory limits
 * that hands the attribute strings back over a pipe; a crash or a limit hit in the child makes
 * the file unscannable, never clean, and never takes the scanner down. libhdf5 is loaded with
 * dlopen() the first time an HDF5 file is scanned (before the fork), not linked: linked, it and
 * the libraries it needs made every start of the CLI and the gateway ~13 ms slower. */
#include "mscan.h"

#include "dynlib.h"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ASan reserves terabytes of shadow mappings, which a heap limit would count */
#if defined(__SANITIZE_ADDRESS__)
#define H5_CHILD_HEAP_LIMIT 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define H5_CHILD_HEAP_LIMIT 0
#endif
#endif
#ifndef H5_CHILD_HEAP_LIMIT
#define H5_CHILD_HEAP_LIMIT 1
#endif

#define H5_CHILD_CPU_SECONDS  3 /* SIGXCPU; SIGKILL one second later */
#define H5_CHILD_WALL_SECONDS 8
#define H5_CHILD_HEAP         ((rlim_t)1 << 30)

static const char *const attr_names[] = {"model_config", "training_config"};

/* The libhdf5 (and high-level library) functions the reader calls. */
#define PCL_H5_FUNCS(X)                                                                            \
    X(H5open)                                                                                      \
    X(H5Eset_auto2)                                                                                \
    X(H5LTopen_file_image)                                                                         \
    X(H5Aexists)                                                                                   \
    X(H5Aopen)                                                                                     \
    X(H5Aget_type)                                                                                 \
    X(H5Aget_space)                                                                                \
    X(H5Aread)                                                                                     \
    X(H5Aclose)                                                                                    \
    X(H5Tget_class)                                                                                \
    X(H5Tis_variable_str)                                                                          \
    X(H5Tget_size)                                                                                 \
    X(H5Tget_cset)                                                                                 \
    X(H5Tcopy)                                                                                     \
    X(H5Tset_size)                                                                                 \
    X(H5Tset_cset)                                                                                 \
    X(H5Tclose)                                                                                    \
    X(H5Sget_simple_extent_npoints)                                                                \
    X(H5Sclose)                                                                                    \
    X(H5free_memory)

static struct h5_funcs {
#define PCL_H5_MEMBER(f) __typeof__(&f) f;
    PCL_H5_FUNCS(PCL_H5_MEMBER)
#undef PCL_H5_MEMBER
    const hid_t *c_s1; /* H5T_C_S1_g, what H5T_C_S1 reads after H5open() */
} h5;
static pthread_once_t h5_once = PTHREAD_ONCE_INIT;
static char h5_error[256]; /* empty once h5 is loaded */

/* The high-level library's symbols; dlsym() on its handle also searches libhdf5 itself. */
static const struct pcl_dl_sym h5_syms[] = {
#define PCL_H5_SYM(f) {#f, 0, offsetof(struct h5_funcs, f)},
    PCL_H5_FUNCS(PCL_H5_SYM)
#undef PCL_H5_SYM
        {"H5T_C_S1_g", 0, offsetof(struct h5_funcs, c_s1)},
};

/* The high-level library's SONAME as built against, or PCL_HDF5_LIBRARY (a file name or path)
 * where it is installed under another name. */
static void
h5_load(void)
{
    const char *name;
    void *lib =
        pcl_dl_open("PCL_HDF5_LIBRARY", PCL_HDF5_HL_SONAME, &name, h5_error, sizeof(h5_error));
    size_t missing;

    if (lib == NULL) {
        return; /* h5_error holds the loader's reason */
    }
    missing = pcl_dl_resolve(&lib, h5_syms, PCL_ARRAY_LEN(h5_syms), &h5);
    if (missing < PCL_ARRAY_LEN(h5_syms)) {
        (void)snprintf(h5_error, sizeof(h5_error), "%s: no symbol %s", name, h5_syms[missing].name);
    }
}

/* Record kinds written by the child: 'A' attribute string follows, 'N' attribute present but not
 * a string, 'X' libhdf5 could not open the file (message follows), 'E' end. */
static bool
put_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;

    while (n > 0) {
        ssize_t w = write(fd, b, n);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        b += w;
        n -= (size_t)w;
    }
    return true;
}

static bool
put_rec(int fd, char kind, uint8_t idx, const void *p, size_t n)
{
    uint8_t head[10] = {(uint8_t)kind, idx};

    for (unsigned i = 0; i < 8; i++) {
        head[2 + i] = (uint8_t)((uint64_t)n >> (8 * i));
    }
    return put_all(fd, head, sizeof(head)) && (n == 0 || put_all(fd, p, n));
}

/* Read one scalar string attribute (fixed or variable length) and send it. */
static bool
send_attr(int fd, hid_t file, uint8_t idx)
{
    hid_t a = h5.H5Aopen(file, attr_names[idx], H5P_DEFAULT);
    hid_t t = a >= 0 ? h5.H5Aget_type(a) : -1;
    hid_t sp = a >= 0 ? h5.H5Aget_space(a) : -1;
    hid_t mt = -1;
    bool ok;

    if (t < 0 || sp < 0 || h5.H5Tget_class(t) != H5T_STRING ||
        h5.H5Sget_simple_extent_npoints(sp) != 1) {
        ok = put_rec(fd, 'N', idx, NULL, 0);
    } else if (h5.H5Tis_variable_str(t) > 0) {
        char *str = NULL;

        mt = h5.H5Tcopy(*h5.c_s1);
        ok = mt >= 0 && h5.H5Tset_size(mt, H5T_VARIABLE) >= 0 &&
             h5.H5Tset_cset(mt, h5.H5Tget_cset(t)) >= 0 && h5.H5Aread(a, mt, &str) >= 0 &&
             str != NULL;
        ok = ok ? put_rec(fd, 'A', idx, str, strlen(str)) : put_rec(fd, 'N', idx, NULL, 0);
        h5.H5free_memory(str);
    } else {
        size_t n = h5.H5Tget_size(t);
        char *buf = n > 0 && n < ((size_t)512 << 20) ? pcl_malloc(n + 1) : NULL;

        mt = h5.H5Tcopy(*h5.c_s1);
        /* one more byte than the file type: the NUL-terminated memory type keeps all n */
        ok = buf != NULL && mt >= 0 && h5.H5Tset_size(mt, n + 1) >= 0 &&
             h5.H5Tset_cset(mt, h5.H5Tget_cset(t)) >= 0 && h5.H5Aread(a, mt, buf) >= 0;
        ok = ok ? put_rec(fd, 'A', idx, buf, strnlen(buf, n + 1)) : put_rec(fd, 'N', idx, NULL, 0);
        pcl_free(buf);
    }
    if (mt >= 0) {
        (void)h5.H5Tclose(mt);
    }
    if (sp >= 0) {
        (void)h5.H5Sclose(sp);
    }
    if (t >= 0) {
        (void)h5.H5Tclose(t);
    }
    if (a >= 0) {
        (void)h5.H5Aclose(a);
    }
    return ok;
}

static _Noreturn void
child(int fd, const uint8_t *d, size_t n)
{
    struct rlimit cpu = {H5_CHILD_CPU_SECONDS, H5_CHILD_CPU_SECONDS + 1};
    struct rlimit heap = {H5_CHILD_HEAP, H5_CHILD_HEAP};
    struct rlimit nofile = {0, 0};
    hid_t f;
    bool ok = true;

    (void)alarm(H5_CHILD_WALL_SECONDS); /* SIGALRM ends a child that blocks instead of spinning */
    (void)setrlimit(RLIMIT_CPU, &cpu);
    if (H5_CHILD_HEAP_LIMIT) {
        (void)setrlimit(RLIMIT_DATA, &heap);
    }
    (void)setrlimit(RLIMIT_NOFILE, &nofile); /* the pipe is open already; nothing else is */
    (void)h5.H5open();                       /* sets H5T_C_S1_g */
    (void)h5.H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* the image is read in place: no copy, never written or freed by libhdf5 */
    f = h5.H5LTopen_file_image((void *)(uintptr_t)d, n,
                               H5LT_FILE_IMAGE_DONT_COPY | H5LT_FILE_IMAGE_DONT_RELEASE);
    if (f < 0) {
        static const char msg[] = "libhdf5 cannot open it as an HDF5 file";

        _exit(put_rec(fd, 'X', 0, msg, sizeof(msg) - 1) ? 0 : 3);
    }
    for (uint8_t i = 0; i < PCL_ARRAY_LEN(attr_names) && ok; i++) {
        if (h5.H5Aexists(f, attr_names[i]) > 0) {
            ok = send_attr(fd, f, i);
        }
    }
    ok = ok && put_rec(fd, 'E', 0, NULL, 0);
    _exit(ok ? 0 : 3);
}

/* Read everything the child writes, up to cap bytes. */
static enum pcl_rc
drain(int fd, struct pcl_buf *out, size_t cap, bool *over)
{
    uint8_t tmp[65536];

    *over = false;
    for (;;) {
        ssize_t r = read(fd, tmp, sizeof(tmp));

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return PCL_OK;
        }
        if (out->len + (size_t)r > cap) {
            *over = true;
            continue; /* keep draining so the child can finish */
        }
        if (pcl_buf_append(out, tmp, (size_t)r) != PCL_OK) {
            return PCL_ENOMEM;
        }
    }
}

static enum pcl_rc
check_records(struct mscan *s, const uint8_t *p, size_t n, size_t max_json)
{
    size_t off = 0;
    enum pcl_rc rc = PCL_OK;

    while (rc == PCL_OK && off + 10 <= n) {
        char kind = (char)p[off];
        uint8_t idx = p[off + 1];
        uint64_t len = 0;
        const char *name;

        for (size_t i = 8; i-- > 0;) {
            len = len << 8 | p[off + 2 + i];
        }
        off += 10;
        if (len > n - off || idx >= PCL_ARRAY_LEN(attr_names)) {
            return mscan_unscannable(s, 0, "hdf5: the libhdf5 reader's answer is truncated");
        }
        name = attr_names[idx];
        switch (kind) {
        case 'E':
            return PCL_OK;
        case 'X':
            return mscan_unscannable(s, 0, "hdf5: %.*s", (int)PCL_MIN(len, 200),
                                     (const char *)p + off);
        case 'N':
            rc = mscan_unscannable(s, 0, "hdf5: the %s attribute is not a scalar string", name);
            break;
        case 'A':
            if (len > max_json) {
                rc = mscan_unscannable(s, 0, "hdf5: the %s attribute is larger than %zu bytes",
                                       name, max_json);
            } else {
                rc = mscan_hdf5_config(s, p + off, (size_t)len, name);
            }
            break;
        default:
            return mscan_unscannable(s, 0, "hdf5: the libhdf5 reader's answer is malformed");
        }
        off += (size_t)len;
    }
    return rc == PCL_OK ? mscan_unscannable(s, 0, "hdf5: the libhdf5 reader stopped early") : rc;
}

enum pcl_rc
mscan_hdf5_attrs(struct mscan *s, const uint8_t *d, size_t n, size_t max_json)
{
    int fds[2];
    pid_t pid;
    int status = 0;
    bool over = false;
    struct pcl_buf out;
    enum pcl_rc rc;

    (void)pthread_once(&h5_once, h5_load);
    if (h5_error[0] != '\0') {
        return mscan_unscannable(s, 0, "hdf5: libhdf5 cannot be loaded (%s)", h5_error);
    }
    if (pipe(fds) != 0) {
        return mscan_unscannable(s, 0, "hdf5: cannot start the libhdf5 reader: %s",
                                 strerror(errno));
    }
    pid = fork();
    if (pid < 0) {
        int e = errno;

        (void)close(fds[0]);
        (void)close(fds[1]);
        return mscan_unscannable(s, 0, "hdf5: cannot start the libhdf5 reader: %s", strerror(e));
    }
    if (pid == 0) {
        (void)close(fds[0]);
        child(fds[1], d, n);
    }
    (void)close(fds[1]);
    pcl_buf_init(&out, 0);
    rc = drain(fds[0], &out, PCL_ARRAY_LEN(attr_names) * (max_json + 10) + 1024, &over);
    (void)close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (rc != PCL_OK) {
        rc = pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
    } else if (WIFSIGNALED(status)) {
        rc = mscan_unscannable(
            s, 0,
            "hdf5: the libhdf5 reader was stopped by signal %d (%s): malformed or hostile file",
            WTERMSIG(status),
            WTERMSIG(status) == SIGXCPU   ? "CPU limit"
            : WTERMSIG(status) == SIGALRM ? "time limit"
            : WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS ||
                    WTERMSIG(status) == SIGABRT
                ? "crash"
                : "killed, e.g. at the CPU or memory limit");
    } else if (over) {
        rc = mscan_unscannable(s, 0, "hdf5: the config attributes are larger than %zu bytes",
                               max_json);
    } else {
        rc = check_records(s, (const uint8_t *)out.ptr, out.len, max_json);
    }
    pcl_buf_fini(&out);
    return rc;
}
