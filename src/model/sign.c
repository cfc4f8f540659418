/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSF Model Signing v1.0: a manifest of SHA-256 digests (per file or per shard, hashed in
 * parallel over mmapped ranges) in an in-toto Statement, signed as a DSSE envelope inside a
 * Sigstore bundle v0.3 with an ECDSA key or certificate, and verified with a public key or a
 * certificate chain, reporting every added, removed or modified file. */
#include "mscan.h"
#include "rekor.h"

#include <portcullis/formats.h>

#include <fcntl.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEDIA_TYPE    "application/vnd.dev.sigstore.bundle.v0.3+json"
#define PAYLOAD_TYPE  "application/vnd.in-toto+json"
#define STATEMENT     "https://in-toto.io/Statement/v1"
#define PREDICATE_V1  "https://model_signing/signature/v1.0"
#define PREDICATE_V01 "https://model_signing/Digests/v0.1"
#define DEFAULT_SHARD 1000000000ull
#define MAX_BUNDLE    ((size_t)64 << 20)
#define MAX_THREADS   64u

struct mfile {
    char *rel; /* name in the manifest ("." for a single-file model) */
    char *abs;
    uint64_t size;
};

struct item {
    size_t file;
    uint64_t start, end;
    char *name; /* heap */
    uint8_t digest[32];
};

struct manifest {
    struct mfile *files; /* array of nfiles */
    size_t nfiles, capfiles;
    struct item *items; /* array of nitems, sorted by name */
    size_t nitems;
};

struct collect {
    struct manifest *m;
    const struct pcl_model_sign_opts *o;
    const char *const *extra_ignore; /* from the signed predicate; array of nextra */
    size_t nextra;
    const char *sig_rel; /* signature file relative to the model, or NULL */
};

static void
manifest_fini(struct manifest *m)
{
    for (size_t i = 0; i < m->nfiles; i++) {
        pcl_free(m->files[i].rel);
        pcl_free(m->files[i].abs);
    }
    for (size_t i = 0; i < m->nitems; i++) {
        pcl_free(m->items[i].name);
    }
    pcl_free(m->files);
    pcl_free(m->items);
    memset(m, 0, sizeof(*m));
}

static bool
path_under(const char *rel, const char *ign)
{
    size_t l = strlen(ign);

    while (l > 0 && ign[l - 1] == '/') {
        l--;
    }
    while (ign[0] == '.' && ign[1] == '/') {
        ign += 2;
        l -= 2;
    }
    return l > 0 && strncmp(rel, ign, l) == 0 && (rel[l] == '\0' || rel[l] == '/');
}

static enum pcl_rc
add_file(struct manifest *m, const char *rel, const char *abs, uint64_t size, struct pcl_err *err)
{
    struct mfile *f;

    if (m->nfiles == m->capfiles) {
        size_t ncap = m->capfiles == 0 ? 64 : m->capfiles * 2;
        struct mfile *nf = pcl_realloc(m->files, ncap * sizeof(*nf));

        if (nf == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "model sign: out of memory");
        }
        m->files = nf;
        m->capfiles = ncap;
    }
    f = &m->files[m->nfiles];
    f->rel = pcl_strdup(rel);
    f->abs = pcl_strdup(abs);
    f->size = size;
    if (f->rel == NULL || f->abs == NULL) {
        pcl_free(f->rel);
        pcl_free(f->abs);
        return pcl_err_set(err, PCL_ENOMEM, "model sign: out of memory");
    }
    m->nfiles++;
    return PCL_OK;
}

static enum pcl_rc
on_file(void *arg, const struct pcl_walk_entry *e, struct pcl_err *err)
{
    struct collect *c = arg;

    for (size_t i = 0; i < c->o->nignore; i++) {
        if (path_under(e->rel, c->o->ignore[i])) {
            return PCL_OK;
        }
    }
    for (size_t i = 0; i < c->nextra; i++) {
        if (path_under(e->rel, c->extra_ignore[i])) {
            return PCL_OK;
        }
    }
    if (c->sig_rel != NULL && strcmp(e->rel, c->sig_rel) == 0) {
        return PCL_OK;
    }
    return add_file(c->m, e->rel, e->path, e->size, err);
}

static void
on_warn(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static int
item_cmp(const void *a, const void *b)
{
    return strcmp(((const struct item *)a)->name, ((const struct item *)b)->name);
}

/* ---- hashing ------------------------------------------------------------------------------ */

struct hasher {
    struct manifest *m;
    size_t next; /* atomic */
    enum pcl_rc rc;
    struct pcl_err err;
    pthread_mutex_t lock;
};

static enum pcl_rc
hash_item(const struct manifest *m, struct item *it, struct pcl_err *err)
{
    const struct mfile *f = &m->files[it->file];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned dlen = 0;
    enum pcl_rc rc = PCL_OK;
    int fd = -1;

    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return pcl_err_set(err, PCL_ENOMEM, "model sign: out of memory");
    }
    if (it->end > it->start) {
        long page = sysconf(_SC_PAGESIZE);
        uint64_t off = it->start - it->start % (uint64_t)(page > 0 ? page : 4096);
        size_t maplen = (size_t)(it->end - off);
        void *map;

        fd = open(f->abs, O_RDONLY | O_CLOEXEC);
        if (fd == -1) {
            rc = pcl_err_set(err, PCL_EIO, "%s: %s", f->abs, strerror(errno));
            goto out;
        }
        map = mmap(NULL, maplen, PROT_READ, MAP_PRIVATE, fd, (off_t)off);
        if (map == MAP_FAILED) {
            rc = pcl_err_set(err, PCL_EIO, "%s: mmap: %s", f->abs, strerror(errno));
            goto out;
        }
        (void)madvise(map, maplen, MADV_SEQUENTIAL);
        if (EVP_DigestUpdate(ctx, (const uint8_t *)map + (it->start - off),
                             (size_t)(it->end - it->start)) != 1) {
            rc = pcl_err_set(err, PCL_EINTERNAL, "model sign: sha256 failed");
        }
        (void)munmap(map, maplen);
        if (rc != PCL_OK) {
            goto out;
        }
    }
    if (EVP_DigestFinal_ex(ctx, it->digest, &dlen) != 1 || dlen != 32) {
        rc = pcl_err_set(err, PCL_EINTERNAL, "model sign: sha256 failed");
    }
out:
    if (fd != -1) {
        (void)close(fd);
    }
    EVP_MD_CTX_free(ctx);
    return rc;
}

static void *
hash_worker(void *arg)
{
    struct hasher *h = arg;

    for (;;) {
        size_t i = __atomic_fetch_add(&h->next, 1, __ATOMIC_RELAXED);
        struct pcl_err e;
        enum pcl_rc rc;

        if (i >= h->m->nitems) {
            break;
        }
        rc = hash_item(h->m, &h->m->items[i], &e);
        if (rc != PCL_OK) {
            (void)pthread_mutex_lock(&h->lock);
            if (h->rc == PCL_OK) {
                h->rc = rc;
                h->err = e;
            }
            (void)pthread_mutex_unlock(&h->lock);
            break;
        }
    }
    return NULL;
}

static enum pcl_rc
hash_all(struct manifest *m, unsigned threads, struct pcl_err *err)
{
    struct hasher h;
    pthread_t tid[MAX_THREADS];
    unsigned n = threads, started = 0;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    memset(&h, 0, sizeof(h));
    h.m = m;
    if (n == 0) {
        n = cpus > 0 ? (unsigned)cpus : 1;
    }
    n = (unsigned)PCL_MIN((size_t)PCL_MIN(n, MAX_THREADS), PCL_MAX(m->nitems, (size_t)1));
    if (pthread_mutex_init(&h.lock, NULL) != 0) {
        return pcl_err_set(err, PCL_EINTERNAL, "model sign: mutex");
    }
    for (unsigned i = 1; i < n; i++) {
        if (pthread_create(&tid[started], NULL, hash_worker, &h) != 0) {
            break;
        }
        started++;
    }
    (void)hash_worker(&h);
    for (unsigned i = 0; i < started; i++) {
        (void)pthread_join(tid[i], NULL);
    }
    (void)pthread_mutex_destroy(&h.lock);
    if (h.rc != PCL_OK) {
        if (err != NULL) {
            *err = h.err;
        }
        return h.rc;
    }
    return PCL_OK;
}

/* Files of the model (sorted), cut into items, hashed. */
static enum pcl_rc
manifest_build(const char *path, const struct pcl_model_sign_opts *o, enum pcl_model_serial ser,
               uint64_t shard, const char *const *extra, size_t nextra, const char *sig_rel,
               struct manifest *m, struct pcl_err *err)
{
    struct stat st;
    struct pcl_walk_opts wo;
    struct pcl_walk_stats ws;
    struct collect c = {
        .m = m, .o = o, .extra_ignore = extra, .nextra = nextra, .sig_rel = sig_rel};
    const char *roots[1] = {path};
    size_t nitems = 0, k = 0;
    enum pcl_rc rc;

    memset(m, 0, sizeof(*m));
    if (stat(path, &st) == -1) {
        return pcl_err_set(err, errno == ENOENT ? PCL_ENOTFOUND : PCL_EIO, "%s: %s", path,
                           strerror(errno));
    }
    if (S_ISREG(st.st_mode)) {
        rc = add_file(m, ".", path, (uint64_t)st.st_size, err);
    } else {
        memset(&wo, 0, sizeof(wo));
        memset(&ws, 0, sizeof(ws));
        wo.follow_symlinks = o->allow_symlinks;
        wo.no_default_excludes = true;
        wo.on_file = on_file;
        wo.on_warn = on_warn;
        wo.arg = &c;
        rc = pcl_walk(roots, 1, &wo, &ws, err);
        if (rc == PCL_OK && (ws.skipped > 0 || ws.warnings > 0)) {
            rc = pcl_err_set(err, PCL_EINVAL,
                             "%s: %llu symlinks or unreadable entries (symlinks need "
                             "--allow-symlinks)",
                             path, (unsigned long long)(ws.skipped + ws.warnings));
        }
    }
    if (rc != PCL_OK) {
        manifest_fini(m);
        return rc;
    }
    for (size_t i = 0; i < m->nfiles; i++) {
        uint64_t parts = ser == PCL_MODEL_SERIAL_SHARDS
                             ? PCL_MAX((m->files[i].size + shard - 1) / shard, (uint64_t)1)
                             : 1;

        nitems += (size_t)parts;
    }
    m->items = pcl_calloc(PCL_MAX(nitems, (size_t)1), sizeof(*m->items));
    if (m->items == NULL) {
        manifest_fini(m);
        return pcl_err_set(err, PCL_ENOMEM, "model sign: out of memory");
    }
    for (size_t i = 0; i < m->nfiles; i++) {
        uint64_t size = m->files[i].size, start = 0;

        do {
            struct item *it = &m->items[k++];
            char buf[4200];

            it->file = i;
            it->start = start;
            it->end = ser == PCL_MODEL_SERIAL_SHARDS ? PCL_MIN(size, start + shard) : size;
            if (ser == PCL_MODEL_SERIAL_SHARDS) {
                (void)snprintf(buf, sizeof(buf), "%s:%llu:%llu", m->files[i].rel,
                               (unsigned long long)it->start, (unsigned long long)it->end);
                it->name = pcl_strdup(buf);
            } else {
                it->name = pcl_strdup(m->files[i].rel);
            }
            m->nitems = k;
            if (it->name == NULL) {
                manifest_fini(m);
                return pcl_err_set(err, PCL_ENOMEM, "model sign: out of memory");
            }
            start = it->end;
        } while (start < size);
    }
    qsort(m->items, m->nitems, sizeof(*m->items), item_cmp);
    rc = hash_all(m, o->threads, err);
    if (rc != PCL_OK) {
        manifest_fini(m);
    }
    return rc;
}

/* ---- keys ---------------------------------------------------------------------------------- */

static const EVP_MD *
ec_md(EVP_PKEY *k, const char **details)
{
    char curve[64] = "";
    size_t len = 0;

    if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve), &len) !=
        1) {
        return NULL;
    }
    if (strcmp(curve, "prime256v1") == 0 || strcmp(curve, "P-256") == 0) {
        *details = "PKIX_ECDSA_P256_SHA_256";
        return EVP_sha256();
    }
    if (strcmp(curve, "secp384r1") == 0 || strcmp(curve, "P-384") == 0) {
        *details = "PKIX_ECDSA_P384_SHA_384";
        return EVP_sha384();
    }
    if (strcmp(curve, "secp521r1") == 0 || strcmp(curve, "P-521") == 0) {
        *details = "PKIX_ECDSA_P521_SHA_512";
        return EVP_sha512();
    }
    return NULL;
}

static EVP_PKEY *
load_key(const char *path, bool private_key, struct pcl_err *err)
{
    BIO *b = BIO_new_file(path, "r");
    EVP_PKEY *k;

    if (b == NULL) {
        (void)pcl_err_set(err, PCL_EIO, "%s: cannot open", path);
        return NULL;
    }
    k = private_key ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)
                    : PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
    BIO_free(b);
    if (k == NULL) {
        (void)pcl_err_set(err, PCL_EINVAL, "%s: not a PEM %s key", path,
                          private_key ? "private" : "public");
    }
    return k;
}

/* "DSSEv1 <len> <type> <len> <body>" (DSSE v1.0 pre-authentication encoding). */
static enum pcl_rc
pae(struct pcl_buf *out, const uint8_t *payload, size_t n)
{
    enum pcl_rc rc =
        pcl_buf_appendf(out, "DSSEv1 %zu %s %zu ", strlen(PAYLOAD_TYPE), PAYLOAD_TYPE, n);

    return rc != PCL_OK ? rc : pcl_buf_append(out, payload, n);
}

/* The v0.2 library's encoding: the body went through Python's bytes repr (b'...'). */
static enum pcl_rc
pae_compat(struct pcl_buf *out, const uint8_t *p, size_t n)
{
    bool sq = memchr(p, '\'', n) != NULL, dq = memchr(p, '"', n) != NULL;
    char q = sq && !dq ? '"' : '\'';
    enum pcl_rc rc =
        pcl_buf_appendf(out, "DSSEV1 %zu %s %zu b%c", strlen(PAYLOAD_TYPE), PAYLOAD_TYPE, n, q);

    for (size_t i = 0; i < n && rc == PCL_OK; i++) {
        uint8_t c = p[i];

        if (c == '\\' || c == (uint8_t)q) {
            rc = pcl_buf_appendf(out, "\\%c", c);
        } else if (c == '\n') {
            rc = pcl_buf_appends(out, "\\n");
        } else if (c == '\r') {
            rc = pcl_buf_appends(out, "\\r");
        } else if (c == '\t') {
            rc = pcl_buf_appends(out, "\\t");
        } else if (c < 0x20 || c >= 0x7f) {
            rc = pcl_buf_appendf(out, "\\x%02x", c);
        } else {
            rc = pcl_buf_appendc(out, (char)c);
        }
    }
    return rc != PCL_OK ? rc : pcl_buf_appendc(out, q);
}

/* ---- statement ----------------------------------------------------------------------------- */

static void
jw_hex(struct pcl_jw *jw, const uint8_t *d, size_t n)
{
    char hex[2 * 64 + 1];

    for (size_t i = 0; i < n; i++) {
        (void)snprintf(hex + 2 * i, 3, "%02x", d[i]);
    }
    pcl_jw_str(jw, hex, 2 * n);
}

static bool
subject_digest(const struct manifest *m, uint8_t out[32])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned len = 0;
    bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;

    for (size_t i = 0; ok && i < m->nitems; i++) {
        ok = EVP_DigestUpdate(ctx, m->items[i].digest, 32) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == 32;
    EVP_MD_CTX_free(ctx);
    return ok;
}

static const char *
base_name(const char *path, char *buf, size_t cap)
{
    size_t l = strlen(path);
    const char *b;

    while (l > 1 && path[l - 1] == '/') {
        l--;
    }
    (void)snprintf(buf, cap, "%.*s", (int)l, path);
    b = strrchr(buf, '/');
    return b != NULL && b[1] != '\0' ? b + 1 : buf;
}

static enum pcl_rc
statement(const char *path, const struct pcl_model_sign_opts *o, const struct manifest *m,
          uint64_t shard, struct pcl_buf *out)
{
    struct pcl_jw jw;
    uint8_t sd[32];
    char nb[4096], alg[48];

    if (!subject_digest(m, sd)) {
        return PCL_EINTERNAL;
    }
    (void)snprintf(alg, sizeof(alg), "sha256-sharded-%llu", (unsigned long long)shard);
    pcl_jw_init(&jw, out);
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "_type");
    pcl_jw_cstr(&jw, STATEMENT);
    pcl_jw_key(&jw, "subject");
    pcl_jw_arr_begin(&jw);
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "name");
    pcl_jw_cstr(&jw, base_name(path, nb, sizeof(nb)));
    pcl_jw_key(&jw, "digest");
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "sha256");
    jw_hex(&jw, sd, 32);
    pcl_jw_obj_end(&jw);
    pcl_jw_obj_end(&jw);
    pcl_jw_arr_end(&jw);
    pcl_jw_key(&jw, "predicateType");
    pcl_jw_cstr(&jw, PREDICATE_V1);
    pcl_jw_key(&jw, "predicate");
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "serialization");
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "method");
    pcl_jw_cstr(&jw, o->serial == PCL_MODEL_SERIAL_SHARDS ? "shards" : "files");
    pcl_jw_key(&jw, "hash_type");
    pcl_jw_cstr(&jw, "sha256");
    pcl_jw_key(&jw, "allow_symlinks");
    pcl_jw_bool(&jw, o->allow_symlinks);
    if (o->serial == PCL_MODEL_SERIAL_SHARDS) {
        pcl_jw_key(&jw, "shard_size");
        pcl_jw_uint(&jw, shard);
    }
    pcl_jw_key(&jw, "ignore_paths");
    pcl_jw_arr_begin(&jw);
    for (size_t i = 0; i < o->nignore; i++) {
        pcl_jw_cstr(&jw, o->ignore[i]);
    }
    pcl_jw_arr_end(&jw);
    pcl_jw_obj_end(&jw);
    pcl_jw_key(&jw, "resources");
    pcl_jw_arr_begin(&jw);
    for (size_t i = 0; i < m->nitems; i++) {
        pcl_jw_obj_begin(&jw);
        pcl_jw_key(&jw, "name");
        pcl_jw_cstr(&jw, m->items[i].name);
        pcl_jw_key(&jw, "digest");
        jw_hex(&jw, m->items[i].digest, 32);
        pcl_jw_key(&jw, "algorithm");
        pcl_jw_cstr(&jw, o->serial == PCL_MODEL_SERIAL_SHARDS ? alg : "sha256");
        pcl_jw_obj_end(&jw);
    }
    pcl_jw_arr_end(&jw);
    pcl_jw_obj_end(&jw);
    pcl_jw_obj_end(&jw);
    return pcl_jw_rc(&jw);
}

/* Signature file relative to a directory model, when it lies inside it. */
static const char *
sig_rel_of(const char *path, const char *sig, char *buf, size_t cap)
{
    size_t l = strlen(path);

    while (l > 1 && path[l - 1] == '/') {
        l--;
    }
    if (sig == NULL) {
        return "model.sig";
    }
    if (strncmp(sig, path, l) == 0 && sig[l] == '/') {
        (void)snprintf(buf, cap, "%s", sig + l + 1);
        return buf;
    }
    return NULL;
}

static enum pcl_rc
b64(struct pcl_jw *jw, const uint8_t *p, size_t n)
{
    struct pcl_buf t;
    enum pcl_rc rc;

    pcl_buf_init(&t, 0);
    rc = pcl_base64_encode(&t, p, n, PCL_B64_STD);
    if (rc == PCL_OK) {
        pcl_jw_str(jw, t.ptr != NULL ? t.ptr : "", t.len);
    }
    pcl_buf_fini(&t);
    return rc;
}

static enum pcl_rc
append_certs(struct pcl_jw *jw, const char *path, struct pcl_err *err)
{
    BIO *b = BIO_new_file(path, "r");
    X509 *x;
    size_t n = 0;
    enum pcl_rc rc = PCL_OK;

    if (b == NULL) {
        return pcl_err_set(err, PCL_EIO, "%s: cannot open", path);
    }
    while (rc == PCL_OK && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        unsigned char *der = NULL;
        int dl = i2d_X509(x, &der);

        if (dl > 0) {
            pcl_jw_obj_begin(jw);
            pcl_jw_key(jw, "rawBytes");
            rc = b64(jw, der, (size_t)dl);
            pcl_jw_obj_end(jw);
            n++;
        }
        OPENSSL_free(der);
        X509_free(x);
    }
    BIO_free(b);
    if (rc == PCL_OK && n == 0) {
        rc = pcl_err_set(err, PCL_EINVAL, "%s: no PEM certificate", path);
    }
    return rc;
}

enum pcl_rc
pcl_model_sign(const char *path, const struct pcl_model_sign_opts *o, char **bundle, size_t *len,
               struct pcl_err *err)
{
    struct manifest m;
    struct pcl_buf stmt, pe, out;
    struct pcl_jw jw;
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *ctx = NULL;
    const EVP_MD *md;
    const char *details = NULL;
    uint8_t *sig = NULL;
    size_t siglen = 0;
    char relbuf[4096];
    uint64_t shard = o->shard_size != 0 ? o->shard_size : DEFAULT_SHARD;
    enum pcl_rc rc;

    *bundle = NULL;
    pcl_buf_init(&stmt, 0);
    pcl_buf_init(&pe, 0);
    pcl_buf_init(&out, 0);
    memset(&m, 0, sizeof(m));
    key = load_key(o->key_path, true, err);
    if (key == NULL) {
        rc = err != NULL ? err->rc : PCL_EINVAL;
        goto out;
    }
    md = ec_md(key, &details);
    if (md == NULL) {
        rc = pcl_err_set(err, PCL_EINVAL, "%s: key must be ECDSA P-256, P-384 or P-521",
                         o->key_path);
        goto out;
    }
    rc = manifest_build(path, o, o->serial, shard, NULL, 0,
                        sig_rel_of(path, o->sig_path, relbuf, sizeof(relbuf)), &m, err);
    if (rc != PCL_OK) {
        goto out;
    }
    rc = statement(path, o, &m, shard, &stmt);
    if (rc == PCL_OK) {
        rc = pae(&pe, (const uint8_t *)stmt.ptr, stmt.len);
    }
    if (rc != PCL_OK) {
        rc = pcl_err_set(err, rc, "model sign: cannot build the statement");
        goto out;
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, md, NULL, key) != 1 ||
        EVP_DigestSign(ctx, NULL, &siglen, (const uint8_t *)pe.ptr, pe.len) != 1 ||
        (sig = pcl_malloc(siglen)) == NULL ||
        EVP_DigestSign(ctx, sig, &siglen, (const uint8_t *)pe.ptr, pe.len) != 1) {
        rc = pcl_err_set(err, PCL_EINTERNAL, "model sign: ECDSA signing failed");
        goto out;
    }
    pcl_jw_init(&jw, &out);
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "mediaType");
    pcl_jw_cstr(&jw, MEDIA_TYPE);
    pcl_jw_key(&jw, "verificationMaterial");
    pcl_jw_obj_begin(&jw);
    if (o->cert_path != NULL) {
        pcl_jw_key(&jw, "x509CertificateChain");
        pcl_jw_obj_begin(&jw);
        pcl_jw_key(&jw, "certificates");
        pcl_jw_arr_begin(&jw);
        rc = append_certs(&jw, o->cert_path, err);
        for (size_t i = 0; rc == PCL_OK && i < o->nchain; i++) {
            rc = append_certs(&jw, o->chain_paths[i], err);
        }
        pcl_jw_arr_end(&jw);
        pcl_jw_obj_end(&jw);
    } else {
        BIO *b = BIO_new(BIO_s_mem());
        char *pem = NULL;
        long pl;

        if (b == NULL || PEM_write_bio_PUBKEY(b, key) != 1) {
            BIO_free(b);
            rc = pcl_err_set(err, PCL_EINTERNAL, "model sign: cannot encode the public key");
            goto out;
        }
        pl = BIO_get_mem_data(b, &pem);
        pcl_jw_key(&jw, "publicKey");
        pcl_jw_obj_begin(&jw);
        pcl_jw_key(&jw, "rawBytes");
        rc = b64(&jw, (const uint8_t *)pem, (size_t)PCL_MAX(pl, 0L));
        pcl_jw_key(&jw, "keyDetails");
        pcl_jw_cstr(&jw, details);
        pcl_jw_obj_end(&jw);
        BIO_free(b);
    }
    if (rc != PCL_OK) {
        goto out;
    }
    pcl_jw_obj_end(&jw);
    pcl_jw_key(&jw, "dsseEnvelope");
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "payload");
    rc = b64(&jw, (const uint8_t *)stmt.ptr, stmt.len);
    pcl_jw_key(&jw, "payloadType");
    pcl_jw_cstr(&jw, PAYLOAD_TYPE);
    pcl_jw_key(&jw, "signatures");
    pcl_jw_arr_begin(&jw);
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "sig");
    if (rc == PCL_OK) {
        rc = b64(&jw, sig, siglen);
    }
    pcl_jw_obj_end(&jw);
    pcl_jw_arr_end(&jw);
    pcl_jw_obj_end(&jw);
    pcl_jw_obj_end(&jw);
    if (rc == PCL_OK) {
        rc = pcl_jw_rc(&jw);
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendc(&out, '\n');
    }
    if (rc != PCL_OK) {
        rc = pcl_err_set(err, rc, "model sign: cannot write the bundle");
        goto out;
    }
    *bundle = pcl_buf_steal(&out, len);
out:
    pcl_free(sig);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    manifest_fini(&m);
    pcl_buf_fini(&stmt);
    pcl_buf_fini(&pe);
    pcl_buf_fini(&out);
    return rc;
}

/* ---- verification -------------------------------------------------------------------------- */

void
pcl_model_verify_free(struct pcl_model_verify *v)
{
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < v->ndiffs; i++) {
        pcl_free(v->diffs[i].name);
    }
    pcl_free(v->diffs);
    pcl_free(v);
}

static enum pcl_rc
diff_add(struct pcl_model_verify *v, enum pcl_model_diff_kind kind, const char *name, size_t *cap,
         struct pcl_err *err)
{
    if (v->ndiffs == *cap) {
        size_t ncap = *cap == 0 ? 8 : *cap * 2;
        struct pcl_model_diff *nd = pcl_realloc(v->diffs, ncap * sizeof(*nd));

        if (nd == NULL) {
            return pcl_err_set(err, PCL_ENOMEM, "model verify: out of memory");
        }
        v->diffs = nd;
        *cap = ncap;
    }
    v->diffs[v->ndiffs].name = pcl_strdup(name);
    if (v->diffs[v->ndiffs].name == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "model verify: out of memory");
    }
    v->diffs[v->ndiffs++].kind = kind;
    return PCL_OK;
}

/* Decode standard base64 from a JSON string into a heap buffer. */
static uint8_t *
b64_decode(json_t *s, size_t *outlen)
{
    const char *in = json_string_value(s);
    size_t n = json_string_length(s), cap;
    uint8_t *out;

    if (in == NULL) {
        return NULL;
    }
    cap = pcl_base64_decoded_max(n) + 1;
    out = pcl_malloc(cap);
    if (out == NULL) {
        return NULL;
    }
    if (pcl_base64_decode(in, n, PCL_B64_STD, out, cap, outlen, NULL) != PCL_OK) {
        pcl_free(out);
        return NULL;
    }
    return out;
}

static X509 *
der_cert(json_t *entry)
{
    size_t n = 0;
    uint8_t *der = b64_decode(json_object_get(entry, "rawBytes"), &n);
    const unsigned char *p = der;
    X509 *x = der != NULL ? d2i_X509(NULL, &p, (long)n) : NULL;

    pcl_free(der);
    return x;
}

/* Certificate authorities of a Sigstore trusted root (or a ClientTrustConfig wrapping one). */
static bool
load_trust_root(X509_STORE *store, const char *path, struct pcl_err *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    json_t *tr, *cas, *ca;
    size_t i, n = 0;

    if (root == NULL) {
        (void)pcl_err_set(err, PCL_EINVAL, "%s: line %d: %s", path, jerr.line, jerr.text);
        return false;
    }
    tr = json_object_get(root, "trustedRoot");
    cas = json_object_get(json_is_object(tr) ? tr : root, "certificateAuthorities");
    json_array_foreach (cas, i, ca) {
        size_t k;
        json_t *c;

        json_array_foreach (json_object_get(json_object_get(ca, "certChain"), "certificates"), k,
                            c) {
            X509 *x = der_cert(c);

            if (x != NULL) {
                (void)X509_STORE_add_cert(store, x);
                X509_free(x);
                n++;
            }
        }
    }
    json_decref(root);
    if (n == 0) {
        (void)pcl_err_set(err, PCL_EINVAL, "%s: no certificate authorities", path);
        return false;
    }
    return true;
}

static bool
san_is(X509 *leaf, const char *want)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    bool found = false;

    for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        const ASN1_IA5STRING *s = g->type == GEN_EMAIL ? g->d.rfc822Name
                                  : g->type == GEN_URI ? g->d.uniformResourceIdentifier
                                                       : NULL;

        if (s != NULL && (size_t)ASN1_STRING_length(s) == strlen(want) &&
            memcmp(ASN1_STRING_get0_data(s), want, strlen(want)) == 0) {
            found = true;
        }
    }
    GENERAL_NAMES_free(names);
    return found;
}

static void
signer_from_san(X509 *leaf, struct pcl_model_verify *v)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    const GENERAL_NAME *g =
        names != NULL && sk_GENERAL_NAME_num(names) > 0 ? sk_GENERAL_NAME_value(names, 0) : NULL;

    if (g != NULL && (g->type == GEN_EMAIL || g->type == GEN_URI)) {
        const ASN1_IA5STRING *s =
            g->type == GEN_EMAIL ? g->d.rfc822Name : g->d.uniformResourceIdentifier;

        (void)snprintf(v->signer, sizeof(v->signer), "%.*s", ASN1_STRING_length(s),
                       (const char *)ASN1_STRING_get0_data(s));
    }
    GENERAL_NAMES_free(names);
}

/* The OIDC issuer Fulcio recorded: v2 extension 1.3.6.1.4.1.57264.1.8 (DER UTF8String) or v1
 * 1.3.6.1.4.1.57264.1.1 (raw bytes). */
static bool
issuer_is(X509 *leaf, const char *want)
{
    static const char *const oids[] = {"1.3.6.1.4.1.57264.1.8", "1.3.6.1.4.1.57264.1.1"};
    size_t wl = strlen(want);
    bool found = false;

    for (size_t k = 0; k < PCL_ARRAY_LEN(oids) && !found; k++) {
        ASN1_OBJECT *obj = OBJ_txt2obj(oids[k], 1);
        int idx = obj != NULL ? X509_get_ext_by_OBJ(leaf, obj, -1) : -1;
        ASN1_OCTET_STRING *os = idx >= 0 ? X509_EXTENSION_get_data(X509_get_ext(leaf, idx)) : NULL;

        if (os != NULL) {
            const unsigned char *p = ASN1_STRING_get0_data(os);
            long len = ASN1_STRING_length(os);

            if (k == 0 && len >= 2 && p[0] == 0x0c && p[1] < 0x80 && p[1] + 2 == len) {
                p += 2; /* DER UTF8String, short form */
                len -= 2;
            }
            found = (size_t)len == wl && memcmp(p, want, wl) == 0;
        }
        ASN1_OBJECT_free(obj);
    }
    return found;
}

static bool
identity_ok(X509 *leaf, const struct pcl_model_sign_opts *o, struct pcl_model_verify *v)
{
    if (o->identity != NULL && !san_is(leaf, o->identity)) {
        (void)snprintf(v->why, sizeof(v->why), "certificate identity is not %.100s", o->identity);
        return false;
    }
    if (o->identity_provider != NULL && !issuer_is(leaf, o->identity_provider)) {
        (void)snprintf(v->why, sizeof(v->why), "certificate issuer is not %.100s",
                       o->identity_provider);
        return false;
    }
    return true;
}

static bool
load_roots(X509_STORE *store, const struct pcl_model_sign_opts *o, struct pcl_err *err)
{
    if (o->trust_root_path != NULL && !load_trust_root(store, o->trust_root_path, err)) {
        return false;
    }

    for (size_t i = 0; i < o->nchain; i++) {
        BIO *b = BIO_new_file(o->chain_paths[i], "r");
        X509 *x;
        size_t n = 0;

        if (b == NULL) {
            (void)pcl_err_set(err, PCL_EIO, "%s: cannot open", o->chain_paths[i]);
            return false;
        }
        while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
            (void)X509_STORE_add_cert(store, x);
            X509_free(x);
            n++;
        }
        BIO_free(b);
        if (n == 0) {
            (void)pcl_err_set(err, PCL_EINVAL, "%s: no PEM certificate", o->chain_paths[i]);
            return false;
        }
    }
    return true;
}

/* Verify the bundle's chain (leaf first) against the trusted roots at the leaf's notBefore, as
 * the upstream verifier does; returns the leaf public key or NULL with v->why set. */
static EVP_PKEY *
chain_key(json_t *certs, int64_t when, const struct pcl_model_sign_opts *o,
          struct pcl_model_verify *v, struct pcl_err *err, bool *fatal)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509 *leaf = NULL;
    EVP_PKEY *key = NULL;
    size_t i;
    json_t *c;

    *fatal = false;
    if (store == NULL || ctx == NULL || untrusted == NULL) {
        *fatal = true;
        (void)pcl_err_set(err, PCL_ENOMEM, "model verify: out of memory");
        goto out;
    }
    if (!load_roots(store, o, err)) {
        *fatal = true;
        goto out;
    }
    json_array_foreach (certs, i, c) {
        X509 *x = der_cert(c);

        if (x == NULL) {
            (void)snprintf(v->why, sizeof(v->why), "certificate %zu in the bundle is not DER", i);
            goto out;
        }
        if (i == 0) {
            leaf = x;
        } else if (sk_X509_push(untrusted, x) == 0) {
            X509_free(x);
        }
    }
    if (leaf == NULL) {
        (void)snprintf(v->why, sizeof(v->why), "the bundle has no certificate");
        goto out;
    }
    if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1) {
        goto out;
    }
    if (when > 0) {
        X509_STORE_CTX_set_time(ctx, 0, (time_t)when); /* the log's integration time */
    } else {
        const ASN1_TIME *nb = X509_get0_notBefore(leaf);
        struct tm tm;

        if (ASN1_TIME_to_tm(nb, &tm) == 1) {
            X509_STORE_CTX_set_time(ctx, 0, timegm(&tm));
        }
    }
    if (X509_verify_cert(ctx) != 1) {
        (void)snprintf(v->why, sizeof(v->why), "certificate chain: %s",
                       X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
        goto out;
    }
    if ((X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE) == 0 &&
        (X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN) == 0) {
        (void)snprintf(v->why, sizeof(v->why), "signing certificate cannot be used for signing");
        goto out;
    }
    if (!identity_ok(leaf, o, v)) {
        goto out;
    }
    (void)X509_NAME_oneline(X509_get_subject_name(leaf), v->signer, (int)sizeof(v->signer));
    if (v->signer[0] == '\0' || strcmp(v->signer, "/") == 0) {
        signer_from_san(leaf, v);
    }
    key = X509_get_pubkey(leaf);
out:
    X509_free(leaf);
    sk_X509_pop_free(untrusted, X509_free);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return key;
}

static bool
verify_sig(EVP_PKEY *key, const EVP_MD *md, const struct pcl_buf *msg, const uint8_t *sig,
           size_t siglen)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
              EVP_DigestVerify(ctx, sig, siglen, (const uint8_t *)msg->ptr, msg->len) == 1;

    EVP_MD_CTX_free(ctx);
    return ok;
}

static bool
hex32(const char *s, uint8_t out[32])
{
    size_t n = 0;

    return s != NULL && strlen(s) == 64 && pcl_hex_decode(s, 64, out, 32, &n, NULL) == PCL_OK &&
           n == 32;
}

/* Expected resources from the statement, sorted by name. */
struct expect {
    char *name;
    uint8_t digest[32];
};

static int
expect_cmp(const void *a, const void *b)
{
    return strcmp(((const struct expect *)a)->name, ((const struct expect *)b)->name);
}

static enum pcl_rc
compare(struct pcl_model_verify *v, struct expect *ex, size_t nex, const struct manifest *m,
        struct pcl_err *err)
{
    size_t i = 0, j = 0, cap = 0;
    enum pcl_rc rc = PCL_OK;

    qsort(ex, nex, sizeof(*ex), expect_cmp);
    while (rc == PCL_OK && (i < nex || j < m->nitems)) {
        int c = i == nex ? 1 : j == m->nitems ? -1 : strcmp(ex[i].name, m->items[j].name);

        if (c < 0) {
            rc = diff_add(v, PCL_MODEL_DIFF_REMOVED, ex[i++].name, &cap, err);
        } else if (c > 0) {
            rc = diff_add(v, PCL_MODEL_DIFF_ADDED, m->items[j++].name, &cap, err);
        } else {
            if (memcmp(ex[i].digest, m->items[j].digest, 32) != 0) {
                rc = diff_add(v, PCL_MODEL_DIFF_MODIFIED, ex[i].name, &cap, err);
            }
            i++;
            j++;
        }
    }
    return rc;
}

static enum pcl_rc
read_small(const char *path, struct pcl_buf *out, struct pcl_err *err)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t got;
    enum pcl_rc rc = PCL_OK;

    if (f == NULL) {
        return pcl_err_set(err, errno == ENOENT ? PCL_ENOTFOUND : PCL_EIO, "%s: %s", path,
                           strerror(errno));
    }
    while (rc == PCL_OK && (got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        rc = pcl_buf_append(out, chunk, got);
    }
    (void)fclose(f);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "%s: larger than %zu bytes", path, out->max);
    }
    return PCL_OK;
}

/* Parse the statement into expected resources and serialization parameters; sets
 * v->statement_ok or v->why. */
static enum pcl_rc
parse_statement(json_t *st, struct pcl_model_verify *v, struct expect **exout, size_t *nexout,
                enum pcl_model_serial *ser, uint64_t *shard, bool *symlinks, json_t **ignores,
                const char **subject_name)
{
    const char *ptype = json_string_value(json_object_get(st, "predicateType"));
    json_t *subj = json_object_get(st, "subject");
    json_t *res, *pred = json_object_get(st, "predicate");
    struct expect *ex;
    size_t i, n;
    json_t *e;

    *exout = NULL;
    *nexout = 0;
    *ignores = NULL;
    if (!json_is_object(st) || json_is_string(json_object_get(st, "_type")) == 0 ||
        strcmp(json_string_value(json_object_get(st, "_type")), STATEMENT) != 0 ||
        !json_is_array(subj) || json_array_size(subj) == 0 || ptype == NULL) {
        (void)snprintf(v->why, sizeof(v->why), "payload is not an in-toto Statement v1");
        return PCL_OK;
    }
    *subject_name = json_string_value(json_object_get(json_array_get(subj, 0), "name"));
    if (strcmp(ptype, PREDICATE_V01) == 0) {
        v->legacy = true;
        res = subj;
        *ser = PCL_MODEL_SERIAL_FILES;
    } else if (strcmp(ptype, PREDICATE_V1) == 0) {
        json_t *s = json_object_get(pred, "serialization");
        const char *method = json_string_value(json_object_get(s, "method"));
        const char *ht = json_string_value(json_object_get(s, "hash_type"));
        json_t *ss = json_object_get(s, "shard_size");

        res = json_object_get(pred, "resources");
        if (method == NULL || ht == NULL || strcmp(ht, "sha256") != 0 ||
            (strcmp(method, "files") != 0 && strcmp(method, "shards") != 0)) {
            (void)snprintf(v->why, sizeof(v->why), "unsupported serialization (method %s, hash %s)",
                           method != NULL ? method : "?", ht != NULL ? ht : "?");
            return PCL_OK;
        }
        *ser = strcmp(method, "shards") == 0 ? PCL_MODEL_SERIAL_SHARDS : PCL_MODEL_SERIAL_FILES;
        if (*ser == PCL_MODEL_SERIAL_SHARDS) {
            double d = json_is_number(ss) ? json_number_value(ss) : 0;

            if (d < 1 || d > 1e18) {
                (void)snprintf(v->why, sizeof(v->why), "shard_size missing or out of range");
                return PCL_OK;
            }
            *shard = (uint64_t)d;
        }
        *symlinks = json_is_true(json_object_get(s, "allow_symlinks"));
        *ignores = json_object_get(s, "ignore_paths");
    } else {
        (void)snprintf(v->why, sizeof(v->why), "unknown predicate type %.100s", ptype);
        return PCL_OK;
    }
    if (!json_is_array(res)) {
        (void)snprintf(v->why, sizeof(v->why), "statement has no resources");
        return PCL_OK;
    }
    n = json_array_size(res);
    ex = pcl_calloc(PCL_MAX(n, (size_t)1), sizeof(*ex));
    if (ex == NULL) {
        return PCL_ENOMEM;
    }
    json_array_foreach (res, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        json_t *dg = json_object_get(e, "digest");
        const char *hex =
            v->legacy ? json_string_value(json_object_get(dg, "sha256")) : json_string_value(dg);

        if (name == NULL || !hex32(hex, ex[i].digest)) {
            (void)snprintf(v->why, sizeof(v->why), "resource %zu has no name or sha256 digest", i);
            for (size_t k = 0; k < i; k++) {
                pcl_free(ex[k].name);
            }
            pcl_free(ex);
            return PCL_OK;
        }
        ex[i].name = pcl_strdup(name);
        if (ex[i].name == NULL) {
            for (size_t k = 0; k < i; k++) {
                pcl_free(ex[k].name);
            }
            pcl_free(ex);
            return PCL_ENOMEM;
        }
    }
    v->nresources = n;
    if (!v->legacy) {
        /* subject digest: SHA-256 over the raw resource digests in listed order */
        const char *want = json_string_value(
            json_object_get(json_object_get(json_array_get(subj, 0), "digest"), "sha256"));
        uint8_t w[32], got[32];
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        unsigned len = 0;
        bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;

        for (i = 0; ok && i < n; i++) {
            ok = EVP_DigestUpdate(ctx, ex[i].digest, 32) == 1;
        }
        ok = ok && EVP_DigestFinal_ex(ctx, got, &len) == 1;
        EVP_MD_CTX_free(ctx);
        if (!ok || !hex32(want, w) || memcmp(w, got, 32) != 0) {
            (void)snprintf(v->why, sizeof(v->why), "subject digest does not match the resources");
            *exout = ex;
            *nexout = n;
            return PCL_OK;
        }
    }
    v->statement_ok = true;
    *exout = ex;
    *nexout = n;
    return PCL_OK;
}

enum pcl_rc
pcl_model_verify(const char *path, const struct pcl_model_sign_opts *o,
                 struct pcl_model_verify **out, struct pcl_err *err)
{
    struct pcl_model_verify *v = NULL;
    struct pcl_buf raw, msg;
    json_t *root = NULL, *env, *vm, *st = NULL, *ignores = NULL;
    json_error_t jerr;
    uint8_t *payload = NULL, *sig = NULL, *cert = NULL;
    size_t plen = 0, slen = 0, nex = 0, cert_len = 0;
    bool tlog_ok = true;
    char tlog_why[PCL_ERR_MSG_SIZE] = "";
    struct expect *ex = NULL;
    EVP_PKEY *key = NULL;
    const EVP_MD *md;
    const char *details = NULL, *subject = NULL;
    struct manifest m;
    enum pcl_model_serial ser = PCL_MODEL_SERIAL_FILES;
    uint64_t shard = DEFAULT_SHARD;
    bool symlinks = o->allow_symlinks;
    char sigpath[4200], relbuf[4096], single[4200];
    const char *target = path;
    enum pcl_rc rc;

    *out = NULL;
    memset(&m, 0, sizeof(m));
    pcl_buf_init(&raw, MAX_BUNDLE);
    pcl_buf_init(&msg, 0);
    if (o->sig_path == NULL) {
        struct stat sst;
        bool dir = stat(path, &sst) == 0 && S_ISDIR(sst.st_mode);

        (void)snprintf(sigpath, sizeof(sigpath), dir ? "%s/model.sig" : "%s.sig", path);
    } else {
        (void)snprintf(sigpath, sizeof(sigpath), "%s", o->sig_path);
    }
    rc = read_small(sigpath, &raw, err);
    if (rc != PCL_OK) {
        goto out;
    }
    root = json_loadb(raw.ptr != NULL ? raw.ptr : "", raw.len, JSON_REJECT_DUPLICATES, &jerr);
    env = json_object_get(root, "dsseEnvelope");
    vm = json_object_get(root, "verificationMaterial");
    if (root == NULL || !json_is_object(env) || !json_is_object(vm)) {
        rc = pcl_err_set(err, PCL_EINVAL, "%s: not a Sigstore bundle with a DSSE envelope%s%s",
                         sigpath, root == NULL ? ": " : "", root == NULL ? jerr.text : "");
        goto out;
    }
    if (!json_is_string(json_object_get(root, "mediaType")) ||
        strcmp(json_string_value(json_object_get(root, "mediaType")), MEDIA_TYPE) != 0) {
        rc = pcl_err_set(err, PCL_EINVAL, "%s: media type is not %s", sigpath, MEDIA_TYPE);
        goto out;
    }
    v = pcl_calloc(1, sizeof(*v));
    if (v == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "model verify: out of memory");
        goto out;
    }
    payload = b64_decode(json_object_get(env, "payload"), &plen);
    sig = b64_decode(json_object_get(json_array_get(json_object_get(env, "signatures"), 0), "sig"),
                     &slen);
    if (payload == NULL || sig == NULL || !json_is_string(json_object_get(env, "payloadType")) ||
        strcmp(json_string_value(json_object_get(env, "payloadType")), PAYLOAD_TYPE) != 0) {
        rc = pcl_err_set(err, PCL_EINVAL, "%s: envelope lacks payload, in-toto type or signature",
                         sigpath);
        goto out;
    }
    if (o->pubkey_path != NULL) {
        key = load_key(o->pubkey_path, false, err);
        if (key == NULL) {
            rc = err != NULL ? err->rc : PCL_EINVAL;
            goto out;
        }
        (void)snprintf(v->signer, sizeof(v->signer), "public key %s", o->pubkey_path);
    } else {
        json_t *chain =
            json_object_get(json_object_get(vm, "x509CertificateChain"), "certificates");
        json_t *one = json_object_get(vm, "certificate");
        json_t *tmp = NULL;
        bool fatal = false;

        int64_t when = 0;

        if ((o->nchain == 0 && o->trust_root_path == NULL) ||
            (!json_is_array(chain) && !json_is_object(one))) {
            rc = pcl_err_set(err, PCL_EINVAL,
                             "%s: verification needs --public-key (key bundles),"
                             " --certificate-chain (certificate bundles) or --trust-root"
                             " (Sigstore bundles)",
                             sigpath);
            goto out;
        }
        if (!json_is_array(chain)) {
            json_t *te = json_array_get(json_object_get(vm, "tlogEntries"), 0);
            const char *it = json_string_value(json_object_get(te, "integratedTime"));

            tmp = json_array();
            if (tmp == NULL || json_array_append(tmp, one) != 0) {
                json_decref(tmp);
                rc = pcl_err_set(err, PCL_ENOMEM, "model verify: out of memory");
                goto out;
            }
            chain = tmp;
            if (o->trust_root_path != NULL) {
                /* keyless: the log entry authenticates the time the short-lived certificate
                 * is checked at, and proves the signature was published */
                struct pcl_rekor_bundle rb = {payload, plen, sig, slen, NULL, 0};

                cert = b64_decode(json_object_get(one, "rawBytes"), &cert_len);
                rb.cert = cert;
                rb.cert_len = cert_len;
                tlog_ok = cert != NULL && pcl_rekor_verify(te, o->trust_root_path, &rb, &when,
                                                           tlog_why, sizeof(tlog_why));
            } else {
                v->tlog_unchecked = true;
                if (it != NULL) {
                    when = strtoll(it, NULL, 10);
                }
            }
        }
        key = chain_key(chain, when, o, v, err, &fatal);
        json_decref(tmp);
        if (fatal) {
            rc = err != NULL ? err->rc : PCL_EINVAL;
            goto out;
        }
    }
    if (key != NULL) {
        md = ec_md(key, &details);
        if (md == NULL) {
            (void)snprintf(v->why, sizeof(v->why), "signing key is not ECDSA P-256/384/521");
        } else {
            rc = pae(&msg, payload, plen);
            if (rc != PCL_OK) {
                goto out;
            }
            v->signature_ok = verify_sig(key, md, &msg, sig, slen);
            if (!v->signature_ok) {
                /* v0.2 signatures: the body was PAE-encoded through its Python repr, and
                 * hashed with SHA-256 whatever the curve */
                pcl_buf_reset(&msg);
                rc = pae_compat(&msg, payload, plen);
                if (rc != PCL_OK) {
                    goto out;
                }
                v->signature_ok = verify_sig(key, EVP_sha256(), &msg, sig, slen);
                v->legacy = v->signature_ok;
            }
            if (!v->signature_ok) {
                (void)snprintf(v->why, sizeof(v->why), "DSSE signature does not verify");
            }
        }
    }
    v->tlog_verified = v->signature_ok && tlog_ok && cert != NULL;
    if (v->signature_ok && !tlog_ok) {
        v->signature_ok = false;
        (void)snprintf(v->why, sizeof(v->why), "transparency log: %.200s",
                       tlog_why[0] != '\0' ? tlog_why : "the signing certificate is not DER");
    }
    st = json_loadb((const char *)payload, plen, 0, &jerr);
    rc = parse_statement(st, v, &ex, &nex, &ser, &shard, &symlinks, &ignores, &subject);
    if (rc != PCL_OK) {
        rc = pcl_err_set(err, rc, "model verify: out of memory");
        goto out;
    }
    if (ex != NULL) {
        const char *extra[64];
        size_t nextra = 0;
        struct pcl_model_sign_opts lo = *o;
        struct stat tst;
        size_t i;
        json_t *ig;

        json_array_foreach (ignores, i, ig) {
            if (json_is_string(ig) && nextra < PCL_ARRAY_LEN(extra)) {
                extra[nextra++] = json_string_value(ig);
            }
        }
        lo.allow_symlinks = symlinks || o->allow_symlinks;
        /* a single-file model signed as "." verified through its directory */
        if (nex == 1 && strcmp(ex[0].name, ".") == 0 && subject != NULL && stat(path, &tst) == 0 &&
            S_ISDIR(tst.st_mode) && strchr(subject, '/') == NULL) {
            (void)snprintf(single, sizeof(single), "%s/%s", path, subject);
            target = single;
        }
        rc = manifest_build(target, &lo, ser, shard, extra, nextra,
                            sig_rel_of(target, sigpath, relbuf, sizeof(relbuf)), &m, err);
        if (rc != PCL_OK) {
            goto out;
        }
        rc = compare(v, ex, nex, &m, err);
        if (rc != PCL_OK) {
            goto out;
        }
    }
    *out = v;
    v = NULL;
out:
    for (size_t i = 0; i < nex; i++) {
        pcl_free(ex[i].name);
    }
    pcl_free(ex);
    manifest_fini(&m);
    EVP_PKEY_free(key);
    pcl_free(payload);
    pcl_free(sig);
    pcl_free(cert);
    json_decref(st);
    json_decref(root);
    pcl_buf_fini(&raw);
    pcl_buf_fini(&msg);
    pcl_model_verify_free(v);
    return rc;
}

enum pcl_rc
pcl_model_digest(const char *path, unsigned threads, uint8_t out[32], size_t *nfiles,
                 uint64_t *bytes, struct pcl_err *err)
{
    struct pcl_model_sign_opts o;
    struct manifest m;
    enum pcl_rc rc;

    memset(&o, 0, sizeof(o));
    o.threads = threads;
    rc = manifest_build(path, &o, PCL_MODEL_SERIAL_FILES, DEFAULT_SHARD, NULL, 0, "model.sig", &m,
                        err);
    if (rc != PCL_OK) {
        return rc;
    }
    *nfiles = m.nfiles;
    *bytes = 0;
    for (size_t i = 0; i < m.nfiles; i++) {
        *bytes += m.files[i].size;
    }
    if (!subject_digest(&m, out)) {
        rc = pcl_err_set(err, PCL_EINTERNAL, "model: sha256 failed");
    }
    manifest_fini(&m);
    return rc;
}
