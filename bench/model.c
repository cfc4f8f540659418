/* SPDX-License-Identifier: Apache-2.0 */
/* Model benchmark: writes large safetensors, GGUF, PyTorch-zip and pickle files, then measures
 * scan throughput, model digest (signing hash) and encryption/decryption speed. */
#include "common.h"

#include <portcullis/model.h>

#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#define MB 1000000.0

static double
now(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
    (void)fprintf(stderr, "bench_model: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void
put(FILE *f, const void *p, size_t n)
{
    if (n > 0 && fwrite(p, 1, n, f) != n) {
        die("write");
    }
}

static void
put_u32(FILE *f, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

    put(f, b, 4);
}

static void
put_u64(FILE *f, uint64_t v)
{
    put_u32(f, (uint32_t)v);
    put_u32(f, (uint32_t)(v >> 32));
}

static void
put_zeros(FILE *f, size_t n)
{
    static uint8_t z[1 << 16];

    while (n > 0) {
        size_t k = PCL_MIN(n, sizeof(z));

        put(f, z, k);
        n -= k;
    }
}

/* safetensors: ntensors F32 tensors of `each` floats, exactly tiled */
static void
gen_safetensors(const char *path, size_t total)
{
    size_t nt = 256, each = total / nt / 4;
    struct pcl_buf h;
    FILE *f = fopen(path, "wb");

    if (f == NULL) {
        die(path);
    }
    pcl_buf_init(&h, 0);
    if (pcl_buf_appends(&h, "{\"__metadata__\":{\"format\":\"pt\"}") != PCL_OK) {
        die("oom");
    }
    for (size_t i = 0; i < nt; i++) {
        if (pcl_buf_appendf(&h,
                            ",\"layer.%zu.weight\":{\"dtype\":\"F32\",\"shape\":[%zu],"
                            "\"data_offsets\":[%zu,%zu]}",
                            i, each, i * each * 4, (i + 1) * each * 4) != PCL_OK) {
            die("oom");
        }
    }
    if (pcl_buf_appendc(&h, '}') != PCL_OK) {
        die("oom");
    }
    while (h.len % 8 != 0) {
        if (pcl_buf_appendc(&h, ' ') != PCL_OK) {
            die("oom");
        }
    }
    put_u64(f, h.len);
    put(f, h.ptr, h.len);
    put_zeros(f, nt * each * 4);
    pcl_buf_fini(&h);
    if (fclose(f) != 0) {
        die(path);
    }
}

static void
gguf_str(FILE *f, const char *s)
{
    put_u64(f, strlen(s));
    put(f, s, strlen(s));
}

static void
gen_gguf(const char *path, size_t total)
{
    size_t nt = 256, each = total / nt / 4 / 32 * 32;
    FILE *f = fopen(path, "wb");
    long pos;

    if (f == NULL) {
        die(path);
    }
    put(f, "GGUF", 4);
    put_u32(f, 3);
    put_u64(f, nt);
    put_u64(f, 2);
    gguf_str(f, "general.architecture");
    put_u32(f, 8);
    gguf_str(f, "llama");
    gguf_str(f, "tokenizer.chat_template");
    put_u32(f, 8);
    gguf_str(f, "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{% endfor %}");
    for (size_t i = 0; i < nt; i++) {
        char name[64];

        (void)snprintf(name, sizeof(name), "blk.%zu.ffn.weight", i);
        gguf_str(f, name);
        put_u32(f, 1);
        put_u64(f, each);
        put_u32(f, 0);
        put_u64(f, i * each * 4);
    }
    pos = ftell(f);
    put_zeros(f, (size_t)((32 - pos % 32) % 32));
    put_zeros(f, nt * each * 4);
    if (fclose(f) != 0) {
        die(path);
    }
}

/* A torch-like data.pkl: OrderedDict of n tensors rebuilt with _rebuild_tensor_v2 from
 * persistent ids, as torch.save writes it. */
static void
torch_pickle(struct pcl_buf *b, size_t n)
{
    static const char head[] = "\x80\x02"
                               "ccollections\nOrderedDict\nq\x00)Rq\x01(";
    /* device, storage size, end of the persistent id, offset, shape, stride, requires_grad,
     * backward hooks, end of the arguments, the call */
    static const char tail[] = "X\x03\0\0\0cpuJ\x00\x00\x01\x00tQK\x00M\x00\x01\x85K\x01\x85\x89"
                               "ccollections\nOrderedDict\n)Rtq\x04R";
    bool ok = pcl_buf_append(b, head, sizeof(head) - 1) == PCL_OK;

    for (size_t i = 0; i < n && ok; i++) {
        char key[32], id[16];
        int kl = snprintf(key, sizeof(key), "layer.%zu.weight", i);
        int il = snprintf(id, sizeof(id), "%zu", i);

        ok = pcl_buf_appendf(b, "X%c%c%c%c%s", kl, 0, 0, 0, key) == PCL_OK &&
             pcl_buf_appends(b, "ctorch._utils\n_rebuild_tensor_v2\nq\x02((X\x07") == PCL_OK &&
             pcl_buf_append(b, "\0\0\0storage", 10) == PCL_OK &&
             pcl_buf_appends(b, "ctorch\nFloatStorage\nq\x03X") == PCL_OK &&
             pcl_buf_appendf(b, "%c%c%c%c%s", il, 0, 0, 0, id) == PCL_OK &&
             pcl_buf_append(b, tail, sizeof(tail) - 1) == PCL_OK;
    }
    ok = ok && pcl_buf_appends(b, "u.") == PCL_OK;
    if (!ok) {
        die("oom");
    }
}

struct zent {
    char name[64];
    uint32_t crc, size, off;
};

static void
zip_member(FILE *f, struct zent *e, const void *data, size_t n, bool zeros)
{
    e->off = (uint32_t)ftell(f);
    e->size = (uint32_t)n;
    if (zeros) {
        static uint8_t z[1 << 16];
        uLong c = crc32(0, NULL, 0);

        for (size_t k = n; k > 0;) {
            size_t m = PCL_MIN(k, sizeof(z));

            c = crc32(c, z, (uInt)m);
            k -= m;
        }
        e->crc = (uint32_t)c;
    } else {
        e->crc = (uint32_t)crc32(0, data, (uInt)n);
    }
    put(f, "PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00", 14);
    put_u32(f, e->crc);
    put_u32(f, e->size);
    put_u32(f, e->size);
    put(f, (uint8_t[]){(uint8_t)strlen(e->name), 0, 0, 0}, 4);
    put(f, e->name, strlen(e->name));
    if (zeros) {
        put_zeros(f, n);
    } else {
        put(f, data, n);
    }
}

static void
gen_torch_zip(const char *path, size_t total)
{
    size_t nt = 64;
    struct zent e[65];
    struct pcl_buf pk;
    FILE *f = fopen(path, "wb");
    long cd;

    if (f == NULL) {
        die(path);
    }
    pcl_buf_init(&pk, 0);
    torch_pickle(&pk, nt);
    (void)snprintf(e[0].name, sizeof(e[0].name), "archive/data.pkl");
    zip_member(f, &e[0], pk.ptr, pk.len, false);
    for (size_t i = 0; i < nt; i++) {
        (void)snprintf(e[i + 1].name, sizeof(e[i + 1].name), "archive/data/%zu", i);
        zip_member(f, &e[i + 1], NULL, total / nt, true);
    }
    cd = ftell(f);
    for (size_t i = 0; i <= nt; i++) {
        put(f, "PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00", 16);
        put_u32(f, e[i].crc);
        put_u32(f, e[i].size);
        put_u32(f, e[i].size);
        put(f, (uint8_t[]){(uint8_t)strlen(e[i].name), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 14);
        put_u32(f, e[i].off);
        put(f, e[i].name, strlen(e[i].name));
    }
    {
        long end = ftell(f);

        put(f, "PK\x05\x06\x00\x00\x00\x00", 8);
        put(f, (uint8_t[]){(uint8_t)(nt + 1), 0, (uint8_t)(nt + 1), 0}, 4);
        put_u32(f, (uint32_t)(end - cd));
        put_u32(f, (uint32_t)cd);
        put(f, "\0\0", 2);
    }
    pcl_buf_fini(&pk);
    if (fclose(f) != 0) {
        die(path);
    }
}

/* A large plain pickle: protocol 4, framed, a dict of lists of floats, ints and strings with
 * memo entries, as a training script's state would look. */
static void
gen_pickle(const char *path, size_t total)
{
    struct pcl_buf b;
    FILE *f = fopen(path, "wb");
    size_t memo = 0;

    if (f == NULL) {
        die(path);
    }
    pcl_buf_init(&b, 0);
    if (pcl_buf_append(&b, "\x80\x04}\x94(", 5) != PCL_OK) {
        die("oom");
    }
    while (b.len < total) {
        char key[32];
        int kl = snprintf(key, sizeof(key), "metric_%zu", memo);
        bool ok = pcl_buf_appendf(&b, "\x8c%c%s\x94]\x94(", kl, key) == PCL_OK;

        memo += 2;
        for (int i = 0; i < 1000 && ok; i++) {
            ok = pcl_buf_append(&b, "G\x3f\xf0\x00\x00\x00\x00\x00\x00J\x01\x02\x03\x04", 14) ==
                     PCL_OK &&
                 pcl_buf_append(&b,
                                "\x8c\x05"
                                "hello\x86",
                                8) == PCL_OK;
        }
        ok = ok && pcl_buf_appends(&b, "e") == PCL_OK;
        if (!ok) {
            die("oom");
        }
    }
    if (pcl_buf_appends(&b, "u.") != PCL_OK) {
        die("oom");
    }
    put(f, b.ptr, b.len);
    pcl_buf_fini(&b);
    if (fclose(f) != 0) {
        die(path);
    }
}

static uint64_t
file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void
bench_scan(const char *label, const char *path, int runs)
{
    double best = 1e30;
    enum pcl_model_outcome o = PCL_MODEL_CLEAN;
    const char *fmt = "?";

    for (int r = 0; r < runs; r++) {
        struct pcl_model_report *rep = NULL;
        struct pcl_err err;
        double t0 = now(), dt;

        if (pcl_model_scan_file(path, NULL, &rep, &err) != PCL_OK) {
            (void)fprintf(stderr, "bench_model: %s\n", err.msg);
            exit(1);
        }
        dt = now() - t0;
        best = PCL_MIN(best, dt);
        o = pcl_model_report_outcome(rep);
        fmt = rep->format;
        pcl_model_report_free(rep);
    }
    printf("| scan %s | %s | %.1f | %.1f | %s |\n", label, fmt, (double)file_size(path) / MB,
           (double)file_size(path) / MB / best, pcl_model_outcome_str(o));
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/dev/shm/pcl-bench-model";
    size_t size = (argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 512) * 1000000;
    char p[4][512], enc[512], dec[512];
    struct pcl_model_crypt_opts co;
    struct pcl_err err;
    uint8_t d[32];
    size_t nf;
    uint64_t nb;
    double t0, best;

    if (sodium_init() < 0 || (mkdir(dir, 0700) == -1 && errno != EEXIST)) {
        die(dir);
    }
    (void)snprintf(p[0], sizeof(p[0]), "%s/big.safetensors", dir);
    (void)snprintf(p[1], sizeof(p[1]), "%s/big.gguf", dir);
    (void)snprintf(p[2], sizeof(p[2]), "%s/big.pt", dir);
    (void)snprintf(p[3], sizeof(p[3]), "%s/big.pkl", dir);
    gen_safetensors(p[0], size);
    gen_gguf(p[1], size);
    gen_torch_zip(p[2], size);
    gen_pickle(p[3], size / 4);
    printf("| what | format | MB | MB/s | outcome |\n|---|---|---:|---:|---|\n");
    bench_scan("safetensors", p[0], 3);
    bench_scan("gguf", p[1], 3);
    bench_scan("pytorch zip (stored)", p[2], 3);
    bench_scan("pickle (1.2M floats, ints, strings)", p[3], 3);
    best = 1e30;
    for (int r = 0; r < 3; r++) {
        t0 = now();
        if (pcl_model_digest(p[0], 0, d, &nf, &nb, &err) != PCL_OK) {
            (void)fprintf(stderr, "bench_model: %s\n", err.msg);
            return 1;
        }
        best = PCL_MIN(best, now() - t0);
    }
    printf("| sha256 manifest (signing hash), 1 file, 1 thread per file | - | %.1f | %.1f | - |\n",
           (double)nb / MB, (double)nb / MB / best);
    best = 1e30;
    for (int r = 0; r < 3; r++) {
        t0 = now();
        if (pcl_model_digest(dir, 0, d, &nf, &nb, &err) != PCL_OK) {
            (void)fprintf(stderr, "bench_model: %s\n", err.msg);
            return 1;
        }
        best = PCL_MIN(best, now() - t0);
    }
    printf("| sha256 manifest, %zu files in parallel | - | %.1f | %.1f | - |\n", nf,
           (double)nb / MB, (double)nb / MB / best);
    memset(&co, 0, sizeof(co));
    co.mode = PCL_MODEL_KEY_SYMMETRIC;
    randombytes_buf(co.key, sizeof(co.key));
    (void)snprintf(enc, sizeof(enc), "%s/big.enc", dir);
    (void)snprintf(dec, sizeof(dec), "%s/big.dec", dir);
    best = 1e30;
    for (int r = 0; r < 3; r++) {
        t0 = now();
        if (pcl_model_encrypt(p[0], enc, &co, &err) != PCL_OK) {
            (void)fprintf(stderr, "bench_model: %s\n", err.msg);
            return 1;
        }
        best = PCL_MIN(best, now() - t0);
    }
    printf("| encrypt (secretstream, 1 MiB chunks, tmpfs) | - | %.1f | %.1f | - |\n",
           (double)file_size(p[0]) / MB, (double)file_size(p[0]) / MB / best);
    best = 1e30;
    for (int r = 0; r < 3; r++) {
        t0 = now();
        if (pcl_model_decrypt(enc, dec, &co, &err) != PCL_OK) {
            (void)fprintf(stderr, "bench_model: %s\n", err.msg);
            return 1;
        }
        best = PCL_MIN(best, now() - t0);
    }
    printf("| decrypt | - | %.1f | %.1f | - |\n", (double)file_size(p[0]) / MB,
           (double)file_size(p[0]) / MB / best);
    (void)remove(enc);
    (void)remove(dec);
    return 0;
}
