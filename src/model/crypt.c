/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming encryption of model files at rest: libsodium secretstream (XChaCha20-Poly1305) in
 * fixed-size chunks, with the file key given, derived from a passphrase (Argon2id) or sealed to
 * several X25519 recipients. Output appears under its final name only when complete. */
#include "mscan.h"

#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* File layout (all integers little-endian):
 *   "PCLMENC1"                       8 bytes magic
 *   version (1), mode, 2 reserved    4 bytes
 *   chunk size                       4 bytes, plaintext bytes per chunk
 *   mode 2: salt[16], opslimit u64, memlimit u64
 *   mode 3: recipient count u16, then count sealed boxes of the file key (80 bytes each)
 *   secretstream header              24 bytes
 *   chunks: chunk size + 17 bytes each, the last one shorter or equal and tagged FINAL
 * Every chunk is authenticated with the whole header above as additional data. */

#define MAGIC         "PCLMENC1"
#define DEFAULT_CHUNK ((size_t)1 << 20)
#define MAX_CHUNK     ((size_t)64 << 20)
#define MAX_RCPT      1024u
#define SEALED        (crypto_box_SEALBYTES + PCL_MODEL_KEY_BYTES)
#define HDR_MAX                                                                                    \
    (16 + 32 + 2 + MAX_RCPT * SEALED + crypto_secretstream_xchacha20poly1305_HEADERBYTES)

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void
put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

enum pcl_rc
pcl_model_key_parse(const char *text, size_t len, uint8_t out[32], struct pcl_err *err)
{
    size_t n = len, got = 0;

    if (len == PCL_MODEL_KEY_BYTES) {
        memcpy(out, text, 32);
        return PCL_OK;
    }
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ')) {
        n--;
    }
    if (n == 64 && pcl_hex_decode(text, n, out, 32, &got, NULL) == PCL_OK && got == 32) {
        return PCL_OK;
    }
    if (pcl_base64_decode(text, n, PCL_B64_STD, out, 32, &got, NULL) == PCL_OK && got == 32) {
        return PCL_OK;
    }
    return pcl_err_set(err, PCL_EINVAL,
                       "key: expected 32 raw bytes, 64 hex characters or base64 of 32 bytes");
}

/* Temporary output next to path; *fd open for writing. */
static enum pcl_rc
tmp_open(const char *path, char *tmp, size_t cap, int *fd, struct pcl_err *err)
{
    int n = snprintf(tmp, cap, "%s.tmp-XXXXXX", path);

    if (n < 0 || (size_t)n >= cap) {
        return pcl_err_set(err, PCL_EINVAL, "%s: path too long", path);
    }
    *fd = mkstemp(tmp);
    if (*fd == -1) {
        return pcl_err_set(err, PCL_EIO, "%s: cannot create a temporary file: %s", path,
                           strerror(errno));
    }
    return PCL_OK;
}

static bool
write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w == -1) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Read up to n bytes (fewer only at end of file); *got receives the count. */
static bool
read_full(int fd, uint8_t *p, size_t n, size_t *got)
{
    *got = 0;
    while (*got < n) {
        ssize_t r = read(fd, p + *got, n - *got);

        if (r == -1) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        if (r == 0) {
            break;
        }
        *got += (size_t)r;
    }
    return true;
}

/* Output pipeline: the caller fills one of two buffers while a thread writes the other, so the
 * cipher (one core) and the copy into the page cache (another) overlap. */
struct pipe_out {
    int fd;
    pthread_t tid;
    bool started;
    pthread_mutex_t m;
    pthread_cond_t c;
    uint8_t *buf[2]; /* each of cap bytes */
    size_t len[2];
    bool full[2];
    bool done;
    int error;     /* errno of a failed write, 0 = none */
    unsigned next; /* the caller's next buffer */
};

static void *
pipe_writer(void *arg)
{
    struct pipe_out *w = arg;
    unsigned k = 0;

    for (;;) {
        bool ok;

        (void)pthread_mutex_lock(&w->m);
        while (!w->full[k] && !w->done) {
            (void)pthread_cond_wait(&w->c, &w->m);
        }
        if (!w->full[k]) {
            (void)pthread_mutex_unlock(&w->m);
            break;
        }
        (void)pthread_mutex_unlock(&w->m);
        ok = write_all(w->fd, w->buf[k], w->len[k]);
        (void)pthread_mutex_lock(&w->m);
        if (!ok && w->error == 0) {
            w->error = errno != 0 ? errno : EIO;
        }
        w->full[k] = false;
        (void)pthread_cond_broadcast(&w->c);
        (void)pthread_mutex_unlock(&w->m);
        k ^= 1u;
    }
    return NULL;
}

static bool
pipe_start(struct pipe_out *w, int fd, size_t cap)
{
    memset(w, 0, sizeof(*w));
    w->fd = fd;
    w->buf[0] = pcl_malloc(cap);
    w->buf[1] = pcl_malloc(cap);
    if (w->buf[0] == NULL || w->buf[1] == NULL) {
        return false;
    }
    if (pthread_mutex_init(&w->m, NULL) != 0) {
        return false;
    }
    if (pthread_cond_init(&w->c, NULL) != 0) {
        (void)pthread_mutex_destroy(&w->m);
        return false;
    }
    w->started = pthread_create(&w->tid, NULL, pipe_writer, w) == 0;
    if (!w->started) {
        (void)pthread_cond_destroy(&w->c);
        (void)pthread_mutex_destroy(&w->m);
    }
    return w->started;
}

/* The buffer to fill next (waits until the writer has emptied it); NULL after a write error. */
static uint8_t *
pipe_get(struct pipe_out *w)
{
    uint8_t *b;

    (void)pthread_mutex_lock(&w->m);
    while (w->full[w->next] && w->error == 0) {
        (void)pthread_cond_wait(&w->c, &w->m);
    }
    b = w->error == 0 ? w->buf[w->next] : NULL;
    (void)pthread_mutex_unlock(&w->m);
    return b;
}

static void
pipe_put(struct pipe_out *w, size_t len)
{
    (void)pthread_mutex_lock(&w->m);
    w->len[w->next] = len;
    w->full[w->next] = true;
    w->next ^= 1u;
    (void)pthread_cond_broadcast(&w->c);
    (void)pthread_mutex_unlock(&w->m);
}

/* Wait for the writer; returns 0 or the errno of a failed write. Wipes and frees the buffers. */
static int
pipe_stop(struct pipe_out *w, size_t cap)
{
    int e;

    if (w->started) {
        (void)pthread_mutex_lock(&w->m);
        w->done = true;
        (void)pthread_cond_broadcast(&w->c);
        (void)pthread_mutex_unlock(&w->m);
        (void)pthread_join(w->tid, NULL);
        (void)pthread_cond_destroy(&w->c);
        (void)pthread_mutex_destroy(&w->m);
    }
    e = w->error;
    for (int i = 0; i < 2; i++) {
        if (w->buf[i] != NULL) {
            sodium_memzero(w->buf[i], cap);
        }
        pcl_free(w->buf[i]);
    }
    memset(w, 0, sizeof(*w));
    return e;
}

static enum pcl_rc
finish(int fd, const char *tmp, const char *out, enum pcl_rc rc, struct pcl_err *err)
{
    if (fd != -1) {
        if (rc == PCL_OK && fsync(fd) == -1) {
            rc = pcl_err_set(err, PCL_EIO, "%s: %s", out, strerror(errno));
        }
        if (close(fd) == -1 && rc == PCL_OK) {
            rc = pcl_err_set(err, PCL_EIO, "%s: %s", out, strerror(errno));
        }
    }
    if (rc == PCL_OK && rename(tmp, out) == -1) {
        rc = pcl_err_set(err, PCL_EIO, "%s: %s", out, strerror(errno));
    }
    if (rc != PCL_OK && tmp[0] != '\0') {
        (void)unlink(tmp);
    }
    return rc;
}

enum pcl_rc
pcl_model_encrypt(const char *in_path, const char *out_path, const struct pcl_model_crypt_opts *o,
                  struct pcl_err *err)
{
    crypto_secretstream_xchacha20poly1305_state st;
    uint8_t *hdr = NULL, *in = NULL, *out = NULL;
    uint8_t fkey[PCL_MODEL_KEY_BYTES];
    size_t chunk = o->chunk != 0 ? o->chunk : DEFAULT_CHUNK, hl = 0, maplen = 0;
    char tmp[4200] = "";
    int ifd = -1, ofd = -1;
    void *map = NULL;
    struct stat ist;
    struct pipe_out pipe;
    enum pcl_rc rc = PCL_OK;

    if (chunk > MAX_CHUNK || (o->mode == PCL_MODEL_KEY_RECIPIENTS &&
                              (o->nrecipients == 0 || o->nrecipients > MAX_RCPT))) {
        return pcl_err_set(err, PCL_EINVAL, "encrypt: chunk size or recipient count out of range");
    }
    memset(&pipe, 0, sizeof(pipe));
    hdr = pcl_malloc(HDR_MAX);
    in = pcl_malloc(chunk);
    if (hdr == NULL || in == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "encrypt: out of memory");
        goto out;
    }
    memcpy(hdr, MAGIC, 8);
    hdr[8] = 1;
    hdr[9] = (uint8_t)o->mode;
    hdr[10] = hdr[11] = 0;
    put32(hdr + 12, (uint32_t)chunk);
    hl = 16;
    switch (o->mode) {
    case PCL_MODEL_KEY_SYMMETRIC:
        memcpy(fkey, o->key, sizeof(fkey));
        break;
    case PCL_MODEL_KEY_PASSPHRASE: {
        uint64_t ops = crypto_pwhash_OPSLIMIT_INTERACTIVE, mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

        randombytes_buf(hdr + hl, crypto_pwhash_SALTBYTES);
        if (o->passphrase == NULL ||
            crypto_pwhash(fkey, sizeof(fkey), o->passphrase, strlen(o->passphrase), hdr + hl, ops,
                          (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
            rc = pcl_err_set(err, PCL_ENOMEM, "encrypt: Argon2id key derivation failed");
            goto out;
        }
        hl += crypto_pwhash_SALTBYTES;
        put64(hdr + hl, ops);
        put64(hdr + hl + 8, mem);
        hl += 16;
        break;
    }
    case PCL_MODEL_KEY_RECIPIENTS:
        crypto_secretstream_xchacha20poly1305_keygen(fkey);
        hdr[hl] = (uint8_t)o->nrecipients;
        hdr[hl + 1] = (uint8_t)(o->nrecipients >> 8);
        hl += 2;
        for (size_t i = 0; i < o->nrecipients; i++) {
            if (crypto_box_seal(hdr + hl, fkey, sizeof(fkey), o->recipients[i]) != 0) {
                rc = pcl_err_set(err, PCL_EINVAL,
                                 "encrypt: recipient %zu is not a valid X25519 "
                                 "public key",
                                 i + 1);
                goto out;
            }
            hl += SEALED;
        }
        break;
    default:
        rc = pcl_err_set(err, PCL_EINVAL, "encrypt: no key mode");
        goto out;
    }
    if (crypto_secretstream_xchacha20poly1305_init_push(&st, hdr + hl, fkey) != 0) {
        rc = pcl_err_set(err, PCL_EINTERNAL, "encrypt: secretstream init failed");
        goto out;
    }
    hl += crypto_secretstream_xchacha20poly1305_HEADERBYTES;
    ifd = open(in_path, O_RDONLY | O_CLOEXEC);
    if (ifd == -1) {
        rc = pcl_err_set(err, errno == ENOENT ? PCL_ENOTFOUND : PCL_EIO, "%s: %s", in_path,
                         strerror(errno));
        goto out;
    }
    rc = tmp_open(out_path, tmp, sizeof(tmp), &ofd, err);
    if (rc != PCL_OK) {
        goto out;
    }
    if (!write_all(ofd, hdr, hl)) {
        rc = pcl_err_set(err, PCL_EIO, "%s: %s", out_path, strerror(errno));
        goto out;
    }
    (void)posix_fadvise(ifd, 0, 0, POSIX_FADV_SEQUENTIAL);
    /* a regular file is mapped (one copy less per chunk); anything else is read */
    if (fstat(ifd, &ist) == 0 && S_ISREG(ist.st_mode) && ist.st_size > 0 &&
        (uint64_t)ist.st_size <= SIZE_MAX) {
        map = mmap(NULL, (size_t)ist.st_size, PROT_READ, MAP_PRIVATE, ifd, 0);
        if (map == MAP_FAILED) {
            map = NULL;
        } else {
            maplen = (size_t)ist.st_size;
            (void)madvise(map, maplen, MADV_SEQUENTIAL);
        }
    }
    if (!pipe_start(&pipe, ofd, chunk + crypto_secretstream_xchacha20poly1305_ABYTES)) {
        (void)pipe_stop(&pipe, chunk + crypto_secretstream_xchacha20poly1305_ABYTES);
        rc = pcl_err_set(err, PCL_ENOMEM, "encrypt: cannot start the writer");
        goto out;
    }
    for (size_t off = 0;; off += chunk) {
        size_t got = 0;
        unsigned long long clen = 0;
        const uint8_t *src = in;
        uint8_t tag;

        if (map != NULL) {
            got = off < maplen ? PCL_MIN(chunk, maplen - off) : 0;
            src = (const uint8_t *)map + PCL_MIN(off, maplen);
        } else if (!read_full(ifd, in, chunk, &got)) {
            rc = pcl_err_set(err, PCL_EIO, "%s: %s", in_path, strerror(errno));
            goto out;
        }
        /* a full chunk may be the last one: peek by reading the next one lazily is avoided by
         * tagging FINAL on a short (or empty) chunk; a file of whole chunks ends with an empty
         * FINAL chunk */
        tag = got < chunk ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
        out = pipe_get(&pipe);
        if (out == NULL) {
            break; /* the writer failed; reported below */
        }
        (void)crypto_secretstream_xchacha20poly1305_push(&st, out, &clen, src, got, hdr, hl, tag);
        pipe_put(&pipe, (size_t)clen);
        if (tag != 0) {
            break;
        }
    }
out : {
    int we = pipe_stop(&pipe, chunk + crypto_secretstream_xchacha20poly1305_ABYTES);

    if (we != 0 && rc == PCL_OK) {
        rc = pcl_err_set(err, PCL_EIO, "%s: %s", out_path, strerror(we));
    }
}
    out = NULL; /* was a pipeline buffer */
    sodium_memzero(fkey, sizeof(fkey));
    sodium_memzero(&st, sizeof(st));
    if (in != NULL) {
        sodium_memzero(in, chunk);
    }
    if (map != NULL) {
        (void)munmap(map, maplen);
    }
    if (ifd != -1) {
        (void)close(ifd);
    }
    rc = finish(ofd, tmp, out_path, rc, err);
    pcl_free(hdr);
    pcl_free(in);
    pcl_free(out);
    return rc;
}

static enum pcl_rc
read_header(int fd, const char *path, const struct pcl_model_crypt_opts *o, uint8_t *hdr,
            size_t *hl, size_t *chunk, uint8_t fkey[32], struct pcl_err *err)
{
    size_t got = 0;
    uint32_t c;

    if (!read_full(fd, hdr, 16, &got) || got != 16 || memcmp(hdr, MAGIC, 8) != 0 || hdr[8] != 1) {
        return pcl_err_set(err, PCL_EINVAL, "%s: not a portcullis encrypted model (version 1)",
                           path);
    }
    c = mscan_le32(hdr + 12);
    if (c == 0 || c > MAX_CHUNK) {
        return pcl_err_set(err, PCL_EINVAL, "%s: header: chunk size %u out of range", path, c);
    }
    *chunk = c;
    *hl = 16;
    if (hdr[9] != (uint8_t)o->mode) {
        static const char *const names[] = {"?", "a key", "a passphrase", "recipients"};

        return pcl_err_set(err, PCL_EINVAL, "%s: encrypted with %s, not %s", path,
                           names[hdr[9] <= 3 ? hdr[9] : 0], names[(unsigned)o->mode & 3]);
    }
    switch (o->mode) {
    case PCL_MODEL_KEY_SYMMETRIC:
        memcpy(fkey, o->key, 32);
        break;
    case PCL_MODEL_KEY_PASSPHRASE: {
        uint64_t ops, mem;

        if (!read_full(fd, hdr + 16, 32, &got) || got != 32) {
            return pcl_err_set(err, PCL_EINVAL, "%s: truncated header", path);
        }
        ops = mscan_le64(hdr + 32);
        mem = mscan_le64(hdr + 40);
        if (ops > 64 || mem > ((uint64_t)4 << 30) || o->passphrase == NULL) {
            return pcl_err_set(err, PCL_EINVAL, "%s: header: Argon2id limits out of range", path);
        }
        if (crypto_pwhash(fkey, 32, o->passphrase, strlen(o->passphrase), hdr + 16, ops,
                          (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
            return pcl_err_set(err, PCL_ENOMEM, "%s: Argon2id key derivation failed", path);
        }
        *hl = 48;
        break;
    }
    case PCL_MODEL_KEY_RECIPIENTS: {
        size_t n;
        bool opened = false;

        if (!read_full(fd, hdr + 16, 2, &got) || got != 2) {
            return pcl_err_set(err, PCL_EINVAL, "%s: truncated header", path);
        }
        n = mscan_le16(hdr + 16);
        if (n == 0 || n > MAX_RCPT || !read_full(fd, hdr + 18, n * SEALED, &got) ||
            got != n * SEALED) {
            return pcl_err_set(err, PCL_EINVAL, "%s: truncated recipient list", path);
        }
        for (size_t i = 0; i < n && !opened; i++) {
            opened = crypto_box_seal_open(fkey, hdr + 18 + i * SEALED, SEALED, o->identity_pk,
                                          o->identity_sk) == 0;
        }
        if (!opened) {
            return pcl_err_set(err, PCL_EINVAL, "%s: none of the %zu recipients is this identity",
                               path, n);
        }
        *hl = 18 + n * SEALED;
        break;
    }
    default:
        return pcl_err_set(err, PCL_EINVAL, "decrypt: no key mode");
    }
    if (!read_full(fd, hdr + *hl, crypto_secretstream_xchacha20poly1305_HEADERBYTES, &got) ||
        got != crypto_secretstream_xchacha20poly1305_HEADERBYTES) {
        return pcl_err_set(err, PCL_EINVAL, "%s: truncated header", path);
    }
    *hl += crypto_secretstream_xchacha20poly1305_HEADERBYTES;
    return PCL_OK;
}

enum pcl_rc
pcl_model_decrypt(const char *in_path, const char *out_path, const struct pcl_model_crypt_opts *o,
                  struct pcl_err *err)
{
    crypto_secretstream_xchacha20poly1305_state st;
    uint8_t *hdr = NULL, *in = NULL, *out = NULL;
    uint8_t fkey[PCL_MODEL_KEY_BYTES];
    size_t chunk = 0, hl = 0;
    uint64_t index = 0;
    char tmp[4200] = "";
    int ifd = -1, ofd = -1;
    struct pipe_out pipe;
    enum pcl_rc rc;

    memset(&pipe, 0, sizeof(pipe));
    hdr = pcl_malloc(HDR_MAX);
    if (hdr == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "decrypt: out of memory");
    }
    ifd = open(in_path, O_RDONLY | O_CLOEXEC);
    if (ifd == -1) {
        rc = pcl_err_set(err, errno == ENOENT ? PCL_ENOTFOUND : PCL_EIO, "%s: %s", in_path,
                         strerror(errno));
        goto out;
    }
    rc = read_header(ifd, in_path, o, hdr, &hl, &chunk, fkey, err);
    if (rc != PCL_OK) {
        goto out;
    }
    if (crypto_secretstream_xchacha20poly1305_init_pull(
            &st, hdr + hl - crypto_secretstream_xchacha20poly1305_HEADERBYTES, fkey) != 0) {
        rc = pcl_err_set(err, PCL_EINVAL, "%s: bad secretstream header", in_path);
        goto out;
    }
    in = pcl_malloc(chunk + crypto_secretstream_xchacha20poly1305_ABYTES);
    if (in == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "decrypt: out of memory");
        goto out;
    }
    rc = tmp_open(out_path, tmp, sizeof(tmp), &ofd, err);
    if (rc != PCL_OK) {
        goto out;
    }
    if (!pipe_start(&pipe, ofd, chunk)) {
        rc = pcl_err_set(err, PCL_ENOMEM, "decrypt: cannot start the writer");
        goto out;
    }
    (void)posix_fadvise(ifd, 0, 0, POSIX_FADV_SEQUENTIAL);
    for (;; index++) {
        size_t got = 0;
        unsigned long long mlen = 0;
        uint8_t tag = 0, extra;

        if (!read_full(ifd, in, chunk + crypto_secretstream_xchacha20poly1305_ABYTES, &got)) {
            rc = pcl_err_set(err, PCL_EIO, "%s: %s", in_path, strerror(errno));
            goto out;
        }
        if (got < crypto_secretstream_xchacha20poly1305_ABYTES) {
            rc = pcl_err_set(err, PCL_EINVAL,
                             "%s: truncated: chunk %llu is missing (no final "
                             "tag)",
                             in_path, (unsigned long long)index);
            goto out;
        }
        out = pipe_get(&pipe);
        if (out == NULL) {
            break; /* the writer failed; reported below */
        }
        if (crypto_secretstream_xchacha20poly1305_pull(&st, out, &mlen, &tag, in, got, hdr, hl) !=
            0) {
            rc = pcl_err_set(err, PCL_EINVAL,
                             "%s: chunk %llu fails authentication (wrong key, "
                             "tampering or truncation)",
                             in_path, (unsigned long long)index);
            goto out;
        }
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
            size_t more = 0;

            if (!read_full(ifd, &extra, 1, &more) || more != 0) {
                rc = pcl_err_set(err, PCL_EINVAL, "%s: data after the final chunk", in_path);
                goto out;
            }
        } else if (got != chunk + crypto_secretstream_xchacha20poly1305_ABYTES) {
            rc = pcl_err_set(err, PCL_EINVAL, "%s: truncated in chunk %llu", in_path,
                             (unsigned long long)index);
            goto out;
        }
        /* only authenticated plaintext reaches the (temporary) output */
        pipe_put(&pipe, (size_t)mlen);
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
            break;
        }
    }
out : {
    int we = pipe_stop(&pipe, chunk);

    if (we != 0 && rc == PCL_OK) {
        rc = pcl_err_set(err, PCL_EIO, "%s: %s", out_path, strerror(we));
    }
}
    out = NULL; /* was a pipeline buffer */
    sodium_memzero(fkey, sizeof(fkey));
    sodium_memzero(&st, sizeof(st));
    if (out != NULL) {
        sodium_memzero(out, chunk);
    }
    if (ifd != -1) {
        (void)close(ifd);
    }
    rc = finish(ofd, tmp, out_path, rc, err);
    pcl_free(hdr);
    pcl_free(in);
    pcl_free(out);
    return rc;
}
