/* SPDX-License-Identifier: Apache-2.0 */
/* The model scanner's front: reports and findings, the content sniffer that dispatches every
 * blob (file, archive member, decompressed stream, nested pickle) to its parser, and file
 * mapping. */
#include "mscan.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_MAX_DECOMPRESSED ((uint64_t)4 << 30)
#define DEFAULT_MAX_RATIO        1000u
#define DEFAULT_MAX_DEPTH        8u
#define DEFAULT_MAX_FINDINGS     1000u
#define MAX_BLOBS                200000u

const char *
pcl_model_sev_str(enum pcl_model_sev s)
{
    switch (s) {
    case PCL_MODEL_SEV_INFO:
        return "info";
    case PCL_MODEL_SEV_SUSPICIOUS:
        return "suspicious";
    case PCL_MODEL_SEV_HIGH:
        return "high";
    case PCL_MODEL_SEV_CRITICAL:
        return "critical";
    }
    return "?";
}

const char *
pcl_model_outcome_str(enum pcl_model_outcome o)
{
    switch (o) {
    case PCL_MODEL_CLEAN:
        return "clean";
    case PCL_MODEL_SUSPICIOUS:
        return "suspicious";
    case PCL_MODEL_UNSCANNABLE:
        return "unscannable";
    case PCL_MODEL_MALICIOUS:
        return "malicious";
    }
    return "?";
}

enum pcl_model_outcome
pcl_model_report_outcome(const struct pcl_model_report *r)
{
    enum pcl_model_outcome o = PCL_MODEL_CLEAN;

    for (size_t i = 0; i < r->nfindings; i++) {
        const struct pcl_model_finding *f = &r->findings[i];

        if (f->sev >= PCL_MODEL_SEV_HIGH) {
            return PCL_MODEL_MALICIOUS;
        }
        if (f->unscannable) {
            o = PCL_MODEL_UNSCANNABLE;
        } else if (f->sev == PCL_MODEL_SEV_SUSPICIOUS && o < PCL_MODEL_SUSPICIOUS) {
            o = PCL_MODEL_SUSPICIOUS;
        }
    }
    if (r->truncated && o < PCL_MODEL_UNSCANNABLE) {
        o = PCL_MODEL_UNSCANNABLE;
    }
    return o;
}

void
pcl_model_report_free(struct pcl_model_report *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->nfindings; i++) {
        pcl_free(r->findings[i].member);
        pcl_free(r->findings[i].global);
        pcl_free(r->findings[i].why);
    }
    pcl_free(r->findings);
    pcl_free(r->path);
    pcl_free(r);
}

static enum pcl_rc add_v(struct mscan *s, enum pcl_model_sev sev, bool unscannable,
                         const char *rule, const char *ref, uint64_t offset, const char *global,
                         const char *fmt, va_list ap) PCL_PRINTF(8, 0);

/* FNV-1a over the merge key of a finding. */
static uint64_t
finding_hash(const char *rule, const char *member, const char *global)
{
    const char *parts[3] = {rule, member, global != NULL ? global : ""};
    uint64_t h = 0xcbf29ce484222325u;

    for (size_t i = 0; i < 3; i++) {
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p != '\0'; p++) {
            h = (h ^ *p) * 0x100000001b3u;
        }
        h = (h ^ 0xffu) * 0x100000001b3u; /* separator: ("ab","c") != ("a","bc") */
    }
    return h;
}

/* Record the newest finding in the index: at `slot` (the empty slot its lookup ended
 * on) or, when the table is missing or half full, in a rebuilt table twice the size. */
static enum pcl_rc
findings_index(struct mscan *s, size_t slot)
{
    struct pcl_model_report *r = s->r;

    if (r->nfindings * 2 > s->fidx_cap) {
        size_t ncap = s->fidx_cap == 0 ? 64 : s->fidx_cap * 2;
        uint32_t *nt = pcl_calloc(ncap, sizeof(*nt));

        if (nt == NULL) {
            return pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
        }
        for (size_t i = 0; i < r->nfindings; i++) {
            const struct pcl_model_finding *f = &r->findings[i];
            size_t j = finding_hash(f->rule, f->member, f->global) & (ncap - 1);

            while (nt[j] != 0) {
                j = (j + 1) & (ncap - 1);
            }
            nt[j] = (uint32_t)(i + 1);
        }
        pcl_free(s->fidx);
        s->fidx = nt;
        s->fidx_cap = ncap;
        return PCL_OK;
    }
    s->fidx[slot] = (uint32_t)r->nfindings;
    return PCL_OK;
}

static enum pcl_rc
add_v(struct mscan *s, enum pcl_model_sev sev, bool unscannable, const char *rule, const char *ref,
      uint64_t offset, const char *global, const char *fmt, va_list ap)
{
    struct pcl_model_report *r = s->r;
    struct pcl_model_finding *f;
    char msg[PCL_ERR_MSG_SIZE];

    uint64_t h = finding_hash(rule, s->member, global);
    size_t slot = 0;

    if (s->fidx_cap > 0) {
        for (slot = h & (s->fidx_cap - 1); s->fidx[slot] != 0;
             slot = (slot + 1) & (s->fidx_cap - 1)) {
            f = &r->findings[s->fidx[slot] - 1];
            if (strcmp(f->rule, rule) == 0 && strcmp(f->member, s->member) == 0 &&
                ((f->global == NULL && global == NULL) ||
                 (f->global != NULL && global != NULL && strcmp(f->global, global) == 0))) {
                if (f->count < UINT32_MAX) {
                    f->count++;
                }
                return PCL_OK;
            }
        }
    }
    /* past the limit, reasons for being unscannable are still kept (a few) */
    if (r->nfindings >= s->o.max_findings + (unscannable ? 64u : 0u)) {
        r->truncated = true;
        return PCL_OK;
    }
    if (r->nfindings == r->capfindings) {
        size_t ncap = r->capfindings == 0 ? 8 : r->capfindings * 2;
        struct pcl_model_finding *nf = pcl_realloc(r->findings, ncap * sizeof(*nf));

        if (nf == NULL) {
            return pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
        }
        r->findings = nf;
        r->capfindings = ncap;
    }
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    f = &r->findings[r->nfindings];
    memset(f, 0, sizeof(*f));
    f->member = pcl_strdup(s->member);
    f->why = pcl_strdup(msg);
    f->global = global != NULL ? pcl_strdup(global) : NULL;
    if (f->member == NULL || f->why == NULL || (global != NULL && f->global == NULL)) {
        pcl_free(f->member);
        pcl_free(f->why);
        pcl_free(f->global);
        return pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
    }
    f->sev = sev;
    f->unscannable = unscannable;
    f->rule = rule;
    f->ref = ref;
    f->offset = offset;
    f->count = 1;
    r->nfindings++;
    return findings_index(s, slot);
}

enum pcl_rc
mscan_add(struct mscan *s, enum pcl_model_sev sev, const char *rule, const char *ref,
          uint64_t offset, const char *global, const char *fmt, ...)
{
    va_list ap;
    enum pcl_rc rc;

    va_start(ap, fmt);
    rc = add_v(s, sev, false, rule, ref, offset, global, fmt, ap);
    va_end(ap);
    return rc;
}

enum pcl_rc
mscan_unscannable(struct mscan *s, uint64_t offset, const char *fmt, ...)
{
    va_list ap;
    enum pcl_rc rc;

    /* repeats in one member merge (rule "unscannable"); the first reason is the one kept */
    va_start(ap, fmt);
    rc = add_v(s, PCL_MODEL_SEV_INFO, true, "unscannable", NULL, offset, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

size_t
mscan_member_push(struct mscan *s, const char *name, size_t len)
{
    size_t old = s->member_len;
    size_t room = sizeof(s->member) - 1 - s->member_len;

    if (s->member_len > 0 && room > 0) {
        s->member[s->member_len++] = '/';
        room--;
    }
    len = PCL_MIN(len, room);
    memcpy(s->member + s->member_len, name, len);
    s->member_len += len;
    s->member[s->member_len] = '\0';
    return old;
}

void
mscan_member_pop(struct mscan *s, size_t old_len)
{
    s->member_len = old_len;
    s->member[old_len] = '\0';
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t l = strlen(s), k = strlen(suffix);

    return l >= k && strcmp(s + l - k, suffix) == 0;
}

/* Names whose loaders read a pickle (torch.load, pickle.load, joblib.load): content that is
 * none of the formats here cannot be called clean. (".bin" is left out: ONNX external data
 * and other raw weights use it too.) */
static bool
pickle_name(const char *name)
{
    static const char *const exts[] = {".pkl",  ".pickle", ".pt",  ".pth",
                                       ".ckpt", ".joblib", ".dill"};
    size_t l = strlen(name);

    for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
        size_t k = strlen(exts[i]);

        if (l >= k && strcasecmp(name + l - k, exts[i]) == 0) {
            return true;
        }
    }
    return false;
}

static void
set_format(struct mscan *s, const char *fmt)
{
    if (s->depth == 1 && s->r->format == NULL) {
        s->r->format = fmt;
    }
}

static bool
looks_json_object(const uint8_t *d, size_t n)
{
    size_t i = 0;

    if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        i = 3;
    }
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n')) {
        i++;
    }
    return i < n && d[i] == '{';
}

static enum pcl_rc
dispatch(struct mscan *s, const uint8_t *d, size_t n, const char *hint)
{
    static const uint8_t sevenz[] = {'7', 'z', 0xBC, 0xAF, 0x27, 0x1C};
    static const uint8_t hdf5[] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1A, '\n'};
    bool zip_at_start = false, pickle = false;
    enum pcl_rc rc;
    int ck;

    if (n == 0) {
        set_format(s, "empty");
        return PCL_OK;
    }
    if (mscan_zip_sniff(d, n, &zip_at_start)) {
        if (!zip_at_start) {
            rc = mscan_pickle_sniff(s, d, n, &pickle);
            if (rc != PCL_OK) {
                return rc;
            }
        }
        if (pickle) {
            /* polyglot: pickle.load runs the leading pickle, zip readers find the end record */
            set_format(s, "pickle+zip polyglot");
            rc = mscan_add(s, PCL_MODEL_SEV_SUSPICIOUS, "container.polyglot", NULL, 0, NULL,
                           "a pickle at offset 0 and a zip archive in the same bytes; both "
                           "are scanned");
            if (rc == PCL_OK) {
                rc = mscan_pickle(s, d, n);
            }
            if (rc != PCL_OK) {
                return rc;
            }
        }
        set_format(s, "zip");
        return mscan_zip(s, d, n);
    }
    if (n >= sizeof(sevenz) && memcmp(d, sevenz, sizeof(sevenz)) == 0) {
        set_format(s, "7z");
        return mscan_unscannable(s, 0,
                                 "7z archive: its members cannot be inspected "
                                 "(never reported clean)");
    }
    ck = mscan_compressed_sniff(d, n);
    if (ck != 0 && !mscan_compressed_is_weak(ck)) {
        set_format(s, mscan_compressed_name(ck));
        return mscan_compressed(s, d, n, ck);
    }
    if (n >= 6 && memcmp(d, "\x93NUMPY", 6) == 0) {
        set_format(s, "npy");
        return mscan_npy(s, d, n);
    }
    if (n >= 4 && memcmp(d, "GGUF", 4) == 0) {
        set_format(s, "gguf");
        return mscan_gguf(s, d, n);
    }
    if (n >= sizeof(hdf5) && memcmp(d, hdf5, sizeof(hdf5)) == 0) {
        set_format(s, "hdf5");
        return mscan_hdf5(s, d, n);
    }
    if (mscan_tar_sniff(d, n)) {
        set_format(s, "tar");
        return mscan_tar(s, d, n);
    }
    if (mscan_safetensors_sniff(d, n) || (hint != NULL && ends_with(hint, ".safetensors"))) {
        set_format(s, "safetensors");
        return mscan_safetensors(s, d, n);
    }
    rc = mscan_pickle_sniff(s, d, n, &pickle);
    if (rc != PCL_OK) {
        return rc;
    }
    if (pickle) {
        set_format(s, "pickle");
        return mscan_pickle(s, d, n);
    }
    if (looks_json_object(d, n)) {
        set_format(s, "json");
        return mscan_json_config(s, d, n);
    }
    if (mscan_onnx_sniff(d, n) || (hint != NULL && ends_with(hint, ".onnx"))) {
        set_format(s, "onnx");
        return mscan_onnx(s, d, n);
    }
    if (ck != 0) {
        /* zlib has only a two-byte header: tried after every other format */
        set_format(s, mscan_compressed_name(ck));
        return mscan_compressed(s, d, n, ck);
    }
    if (hint != NULL && ends_with(hint, ".py")) {
        set_format(s, "python");
        return mscan_add(s, PCL_MODEL_SEV_SUSPICIOUS, "hf.custom-code", NULL, 0, NULL,
                         "python source shipped with the model runs when it is loaded with "
                         "trust_remote_code=True");
    }
    set_format(s, "unknown");
    if (hint != NULL && pickle_name(hint)) {
        /* a loader would read it as a pickle or a PyTorch checkpoint: not clean unread */
        return mscan_unscannable(s, 0,
                                 "named like a pickle or PyTorch file, but its content is "
                                 "neither (nor any other format this scanner reads)");
    }
    return PCL_OK;
}

enum pcl_rc
mscan_blob(struct mscan *s, const uint8_t *data, size_t len, const char *hint)
{
    enum pcl_rc rc;

    /* overlapping members (many central-directory entries over one local header) nested in
     * each other multiply the work without any decompression: bound members (those too deep
     * to open included) and bytes */
    if (s->blobs > MAX_BLOBS) {
        return PCL_OK; /* already reported once */
    }
    if (++s->blobs > MAX_BLOBS || len > s->analysed_max - PCL_MIN(s->r->bytes, s->analysed_max)) {
        s->blobs = (uint64_t)MAX_BLOBS + 1;
        return mscan_unscannable(s, 0,
                                 "more than %u members or %llu bytes of content in one "
                                 "file (overlapping or nested members)",
                                 MAX_BLOBS, (unsigned long long)s->analysed_max);
    }
    if (s->depth >= s->o.max_depth) {
        return mscan_unscannable(s, 0, "containers nested deeper than %u levels", s->o.max_depth);
    }
    s->depth++;
    s->r->bytes += len;
    rc = dispatch(s, data, len, hint);
    s->depth--;
    return rc;
}

static enum pcl_rc
report_new(const char *name, struct pcl_model_report **out, struct pcl_err *err)
{
    struct pcl_model_report *r = pcl_calloc(1, sizeof(*r));

    if (r == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "model: out of memory");
    }
    r->path = pcl_strdup(name);
    if (r->path == NULL) {
        pcl_free(r);
        return pcl_err_set(err, PCL_ENOMEM, "model: out of memory");
    }
    *out = r;
    return PCL_OK;
}

static void
scan_init(struct mscan *s, struct pcl_model_report *r, const struct pcl_model_opts *opts,
          struct pcl_err *err)
{
    memset(s, 0, sizeof(*s));
    s->r = r;
    if (opts != NULL) {
        s->o = *opts;
    }
    if (s->o.max_decompressed == 0) {
        s->o.max_decompressed = DEFAULT_MAX_DECOMPRESSED;
    }
    if (s->o.max_ratio == 0) {
        s->o.max_ratio = DEFAULT_MAX_RATIO;
    }
    if (s->o.max_depth == 0) {
        s->o.max_depth = DEFAULT_MAX_DEPTH;
    }
    if (s->o.max_findings == 0) {
        s->o.max_findings = DEFAULT_MAX_FINDINGS;
    }
    s->err = err;
}

static enum pcl_rc
scan_run(const char *name, const char *dir, const void *data, size_t len,
         const struct pcl_model_opts *opts, struct pcl_model_report **out, struct pcl_err *err)
{
    struct pcl_model_report *r = NULL;
    struct mscan s;
    const char *base = strrchr(name, '/');
    enum pcl_rc rc;

    rc = report_new(name, &r, err);
    if (rc != PCL_OK) {
        return rc;
    }
    scan_init(&s, r, opts, err);
    s.dir = dir;
    /* legitimate nesting sees each byte a few times (a member, then its own members) */
    s.analysed_max = (uint64_t)len * 4 + s.o.max_decompressed * 2;
    rc = mscan_blob(&s, data, len, base != NULL ? base + 1 : name);
    pcl_free(s.fidx);
    if (rc != PCL_OK) {
        pcl_model_report_free(r);
        return rc;
    }
    if (r->format == NULL) {
        r->format = "unknown";
    }
    *out = r;
    return PCL_OK;
}

enum pcl_rc
pcl_model_scan_mem(const char *name, const void *data, size_t len,
                   const struct pcl_model_opts *opts, struct pcl_model_report **out,
                   struct pcl_err *err)
{
    *out = NULL;
    return scan_run(name, NULL, len > 0 ? data : "", len, opts, out, err);
}

enum pcl_rc
pcl_model_scan_file(const char *path, const struct pcl_model_opts *opts,
                    struct pcl_model_report **out, struct pcl_err *err)
{
    struct stat st;
    void *map = NULL;
    char dir[4096];
    const char *slash = strrchr(path, '/');
    enum pcl_rc rc;
    int fd;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        return pcl_err_set(err, errno == ENOENT ? PCL_ENOTFOUND : PCL_EIO, "%s: %s", path,
                           strerror(errno));
    }
    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        (void)close(fd);
        return pcl_err_set(err, PCL_EIO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > SIZE_MAX) {
        (void)close(fd);
        return pcl_err_set(err, PCL_ELIMIT, "%s: too large to map", path);
    }
    if (st.st_size > 0) {
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            rc = pcl_err_set(err, PCL_EIO, "%s: mmap: %s", path, strerror(errno));
            (void)close(fd);
            return rc;
        }
        (void)madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
    }
    (void)close(fd);
    if (slash != NULL && (size_t)(slash - path) < sizeof(dir)) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
        if (dir[0] == '\0') {
            dir[0] = '/';
            dir[1] = '\0';
        }
    } else {
        dir[0] = '.';
        dir[1] = '\0';
    }
    rc = scan_run(path, dir, map != NULL ? map : "", (size_t)st.st_size, opts, out, err);
    if (map != NULL) {
        (void)munmap(map, (size_t)st.st_size);
    }
    return rc;
}
