/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for containers (src/model/zip.c, src/model/decomp.c, src/model/scan.c): zip archives
 * built byte by byte with the disagreements loaders and scanners trip on, tar, polyglots, 7z and
 * compressed wrappers including a decompression bomb. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include <zlib.h>

#include "model_test.h"
#include "pcl_test.h"

#define EVIL "cos\nsystem\n(S'id'\ntR." /* protocol 0 pickle calling os.system */
#define GOOD "\x80\x02]q\x00."          /* protocol 2 empty list */

struct zb {
    uint8_t p[1 << 16];
    size_t n;
};

struct zmember {
    const char *name;   /* local header name */
    const char *cdname; /* central directory name (NULL = same) */
    const char *data;
    size_t len;
    uint16_t flags;
    bool unlisted; /* local header only */
};

static void
zput(struct zb *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof(b->p));
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void
z16(struct zb *b, uint32_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

    zput(b, x, 2);
}

static void
z32(struct zb *b, uint32_t v)
{
    z16(b, v & 0xFFFF);
    z16(b, v >> 16);
}

/* Stored members, central directory and end record, after `prefix` bytes (polyglots). */
static void
zip_build(struct zb *b, const char *prefix, size_t plen, const struct zmember *m, size_t nm)
{
    uint32_t offs[8];
    size_t cd, listed = 0;

    b->n = 0;
    zput(b, prefix, plen);
    for (size_t i = 0; i < nm; i++) {
        offs[i] = (uint32_t)(b->n - plen);
        zput(b, "PK\x03\x04", 4);
        z16(b, 20);
        z16(b, m[i].flags);
        z16(b, 0); /* stored */
        z32(b, 0); /* time, date */
        z32(b, (uint32_t)crc32(0, (const Bytef *)m[i].data, (uInt)m[i].len));
        z32(b, (uint32_t)m[i].len);
        z32(b, (uint32_t)m[i].len);
        z16(b, (uint32_t)strlen(m[i].name));
        z16(b, 0);
        zput(b, m[i].name, strlen(m[i].name));
        zput(b, m[i].data, m[i].len);
    }
    cd = b->n;
    for (size_t i = 0; i < nm; i++) {
        const char *cn = m[i].cdname != NULL ? m[i].cdname : m[i].name;

        if (m[i].unlisted) {
            continue;
        }
        listed++;
        zput(b, "PK\x01\x02", 4);
        z16(b, 20);
        z16(b, 20);
        z16(b, m[i].flags);
        z16(b, 0);
        z32(b, 0);
        z32(b, (uint32_t)crc32(0, (const Bytef *)m[i].data, (uInt)m[i].len));
        z32(b, (uint32_t)m[i].len);
        z32(b, (uint32_t)m[i].len);
        z16(b, (uint32_t)strlen(cn));
        z16(b, 0);
        z16(b, 0);
        z16(b, 0);
        z16(b, 0);
        z32(b, 0);
        z32(b, offs[i]);
        zput(b, cn, strlen(cn));
    }
    {
        uint32_t cdsize = (uint32_t)(b->n - cd);

        zput(b, "PK\x05\x06", 4);
        z16(b, 0);
        z16(b, 0);
        z16(b, (uint32_t)listed);
        z16(b, (uint32_t)listed);
        z32(b, cdsize);
    }
    z32(b, (uint32_t)(cd - plen));
    z16(b, 0);
}

static enum pcl_model_outcome
scan_zb(const struct zb *b, const char *rule, bool *has, const char **member)
{
    struct pcl_model_report *r = NULL;
    const struct pcl_model_finding *f;
    enum pcl_model_outcome o;
    static char mem[256];

    assert_int_equal(pcl_model_scan_mem("z", b->p, b->n, NULL, &r, NULL), PCL_OK);
    o = pcl_model_report_outcome(r);
    f = rule != NULL ? model_find(r, rule, NULL) : NULL;
    if (has != NULL) {
        *has = f != NULL;
    }
    if (member != NULL && f != NULL) {
        (void)snprintf(mem, sizeof(mem), "%s", f->member);
        *member = mem;
    }
    if (getenv("PCL_TEST_VERBOSE") != NULL) {
        model_print(r);
    }
    pcl_model_report_free(r);
    return o;
}

static void
test_zip_table(void **state)
{
    const struct {
        const char *what;
        struct zmember m[3];
        size_t nm;
        const char *prefix;
        enum pcl_model_outcome want;
        const char *rule;
    } cases[] = {
        {"torch-like archive, benign pickle",
         {{"archive/data.pkl", NULL, GOOD, sizeof(GOOD) - 1, 0, false},
          {"archive/data/0", NULL, "\0\0\x80?", 4, 0, false}},
         2,
         NULL,
         PCL_MODEL_CLEAN,
         NULL},
        {"any folder name, malicious pickle",
         {{"weird_name/data.pkl", NULL, EVIL, sizeof(EVIL) - 1, 0, false}},
         1,
         NULL,
         PCL_MODEL_MALICIOUS,
         "pickle.dangerous-global"},
        {"pickle under a non-pickle name",
         {{"data.txt", NULL, EVIL, sizeof(EVIL) - 1, 0, false}},
         1,
         NULL,
         PCL_MODEL_MALICIOUS,
         "pickle.dangerous-global"},
        {"local and central names differ",
         {{"data.pkl", "datap.kl", EVIL, sizeof(EVIL) - 1, 0, false}},
         1,
         NULL,
         PCL_MODEL_MALICIOUS,
         "zip.name-mismatch"},
        {"member missing from the central directory",
         {{"a.pkl", NULL, GOOD, sizeof(GOOD) - 1, 0, false},
          {"b.pkl", NULL, EVIL, sizeof(EVIL) - 1, 0, true}},
         2,
         NULL,
         PCL_MODEL_MALICIOUS,
         "zip.unlisted-member"},
        {"duplicate names, malicious second",
         {{"archive/data.pkl", NULL, GOOD, sizeof(GOOD) - 1, 0, false},
          {"archive/data.pkl", NULL, EVIL, sizeof(EVIL) - 1, 0, false}},
         2,
         NULL,
         PCL_MODEL_MALICIOUS,
         "pickle.dangerous-global"},
        {"encryption flag on a clear pickle (PyTorch reads it)",
         {{"data.pkl", NULL, EVIL, sizeof(EVIL) - 1, 1, false}},
         1,
         NULL,
         PCL_MODEL_MALICIOUS,
         "pickle.dangerous-global"},
        {"really encrypted member",
         {{"test.txt", NULL, "\x9b\x11\xe7\x02\xaa\x5c\x01\x77\xf0", 9, 1, false}},
         1,
         NULL,
         PCL_MODEL_UNSCANNABLE,
         "unscannable"},
        {"polyglot: malicious pickle, then a benign zip",
         {{"data.pkl", NULL, GOOD, sizeof(GOOD) - 1, 0, false}},
         1,
         EVIL,
         PCL_MODEL_MALICIOUS,
         "pickle.dangerous-global"},
    };
    struct zb *b = malloc(sizeof(*b));

    (void)state;
    assert_non_null(b);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool has = true;
        const char *pre = cases[i].prefix != NULL ? cases[i].prefix : "";

        zip_build(b, pre, strlen(pre), cases[i].m, cases[i].nm);
        if (scan_zb(b, cases[i].rule, &has, NULL) != cases[i].want ||
            (cases[i].rule != NULL && !has)) {
            free(b);
            fail_msg("zip case failed: %s", cases[i].what);
        }
    }
    free(b);
}

static void
test_zip_nested_member_path(void **state)
{
    struct zmember inner = {"archive/data.pkl", NULL, EVIL, sizeof(EVIL) - 1, 0, false};
    struct zb *in = malloc(sizeof(*in));
    struct zb *out = malloc(sizeof(*out));
    struct zmember outer;
    const char *member = NULL;
    bool has = false;

    (void)state;
    assert_non_null(in);
    assert_non_null(out);
    zip_build(in, "", 0, &inner, 1);
    outer = (struct zmember){"model.zip", NULL, (const char *)in->p, in->n, 0, false};
    zip_build(out, "", 0, &outer, 1);
    assert_int_equal(scan_zb(out, "pickle.dangerous-global", &has, &member), PCL_MODEL_MALICIOUS);
    assert_true(has);
    assert_string_equal(member, "model.zip/archive/data.pkl");
    /* damage: truncate the archive inside its central directory */
    out->n -= 30;
    assert_int_not_equal(scan_zb(out, NULL, NULL, NULL), PCL_MODEL_CLEAN);
    free(in);
    free(out);
}

static void
test_tar_member(void **state)
{
    struct zb *b = calloc(1, sizeof(*b));
    unsigned sum = 0;

    (void)state;
    assert_non_null(b);
    /* one ustar header (name "pickle", size 22 octal 26), the data, two zero blocks */
    memcpy(b->p, "pickle", 6);
    memcpy(b->p + 100, "0000644", 7);
    memcpy(b->p + 124, "00000000026", 11);
    b->p[156] = '0';
    memcpy(b->p + 257,
           "ustar\0"
           "00",
           8);
    memset(b->p + 148, ' ', 8);
    for (int i = 0; i < 512; i++) {
        sum += b->p[i];
    }
    (void)snprintf((char *)b->p + 148, 8, "%06o", sum);
    memcpy(b->p + 512, EVIL, sizeof(EVIL) - 1);
    b->n = 512 * 4;
    assert_int_equal(scan_zb(b, NULL, NULL, NULL), PCL_MODEL_MALICIOUS);
    free(b);
}

static void
test_compressed_wrappers(void **state)
{
    static uint8_t big[1 << 20];
    uint8_t *out = malloc(1 << 21);
    uLongf olen = 1 << 21;
    struct zb *b = malloc(sizeof(*b));
    struct pcl_model_opts o = {.max_ratio = 10};
    struct pcl_model_report *r = NULL;

    (void)state;
    assert_non_null(out);
    assert_non_null(b);
    /* zlib-wrapped malicious pickle (joblib compress=True writes this) */
    assert_int_equal(compress2(out, &olen, (const Bytef *)EVIL, sizeof(EVIL) - 1, 9), Z_OK);
    memcpy(b->p, out, olen);
    b->n = olen;
    assert_int_equal(scan_zb(b, NULL, NULL, NULL), PCL_MODEL_MALICIOUS);
    /* 1 MiB of zeros in ~1 KiB: over a ratio limit of 10 it is a bomb, never clean */
    olen = 1 << 21;
    assert_int_equal(compress2(out, &olen, big, sizeof(big), 9), Z_OK);
    assert_int_equal(pcl_model_scan_mem("bomb", out, olen, &o, &r, NULL), PCL_OK);
    assert_int_equal(pcl_model_report_outcome(r), PCL_MODEL_UNSCANNABLE);
    pcl_model_report_free(r);
    /* truncated zlib stream: what was inflated is still scanned */
    olen = 1 << 21;
    assert_int_equal(compress2(out, &olen, (const Bytef *)EVIL, sizeof(EVIL) - 1, 9), Z_OK);
    memcpy(b->p, out, olen - 6);
    b->n = olen - 6;
    assert_int_not_equal(scan_zb(b, NULL, NULL, NULL), PCL_MODEL_CLEAN);
    /* 7z is never clean */
    memcpy(b->p, "7z\xbc\xaf\x27\x1c\x00\x04", 8);
    b->n = 8;
    assert_int_equal(scan_zb(b, NULL, NULL, NULL), PCL_MODEL_UNSCANNABLE);
    free(out);
    free(b);
}

static void
test_zip_overlap_bomb_bounded(void **state)
{
    /* fuzz/corpus/model_zip/overlap_bomb: 5 levels of 64 central-directory entries over one
     * local header each (64^5 member visits if unbounded), 16 KB on disk */
    size_t len = 0;
    char *data = pcl_test_read_file(PCL_TEST_PATH("fuzz/corpus/model_zip/overlap_bomb"), &len);
    struct pcl_model_report *r = NULL;

    (void)state;
    assert_non_null(data);
    assert_int_equal(pcl_model_scan_mem("bomb.zip", data, len, NULL, &r, NULL), PCL_OK);
    assert_non_null(model_find(r, "unscannable", NULL));
    assert_int_not_equal(pcl_model_report_outcome(r), PCL_MODEL_CLEAN);
    pcl_model_report_free(r);
    free(data);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zip_table),
        cmocka_unit_test(test_zip_nested_member_path),
        cmocka_unit_test(test_tar_member),
        cmocka_unit_test(test_compressed_wrappers),
        cmocka_unit_test(test_zip_overlap_bomb_bounded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
