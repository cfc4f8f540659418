/* SPDX-License-Identifier: Apache-2.0 */
/* Engine tests: compile options, whole-buffer scans, overlap resolution, and the property that
 * a stream scan over any chunking finds exactly what a whole-buffer scan finds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <portcullis/detect.h>

struct list {
    struct pcl_finding f[4096];
    size_t n;
};

static int
collect(void *ctx, const struct pcl_finding *f)
{
    struct list *l = ctx;

    if (l->n < 4096) {
        l->f[l->n++] = *f;
    }
    return 0;
}

static struct pcl_engine *
engine_default(void)
{
    struct pcl_engine *e = NULL;
    struct pcl_err err = {0};
    struct pcl_engine_opts o = {.cache_dir = PCL_BINARY_DIR "/cache"};

    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_OK);
    return e;
}

static void
scan_whole(const struct pcl_engine *e, const char *buf, size_t len, struct list *l)
{
    struct pcl_scratch *s = NULL;
    struct pcl_err err = {0};

    assert_int_equal(pcl_scratch_new(e, &s, &err), PCL_OK);
    l->n = 0;
    assert_int_equal(pcl_engine_scan(e, s, buf, len, collect, l, &err), PCL_OK);
    pcl_scratch_free(s);
}

static void
assert_same(const struct pcl_finding *a, const struct pcl_finding *b)
{
    assert_int_equal(a->start, b->start);
    assert_int_equal(a->end, b->end);
    assert_int_equal(a->detector, b->detector);
    assert_true(a->score == b->score);
}

static const char *
type_of(const struct pcl_engine *e, const struct pcl_finding *f)
{
    return pcl_engine_detector(e, f->detector)->type;
}

static void
test_engine_scan_finds_email(void **state)
{
    struct pcl_engine *e = engine_default();
    static struct list l;
    const char *text = "contact: alice.smith@example.com today";

    (void)state;
    scan_whole(e, text, strlen(text), &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(type_of(e, &l.f[0]), "EMAIL_ADDRESS");
    assert_int_equal(l.f[0].start, 9);
    assert_int_equal(l.f[0].end, 32);
    pcl_engine_free(e);
}

/* Two Bitcoin addresses one byte apart are two findings with exact bounds, wherever the
 * token scanner's 64-byte blocks fall (the padding moves the pair across block edges). */
static void
test_engine_scan_adjacent_base58_addresses(void **state)
{
    static const char a[] = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"; /* 34 bytes */
    static const char b[] = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"; /* 34 bytes */
    static const char seps[] = {' ', ',', ';', '\n', '/', '|'};
    struct pcl_engine *e = engine_default();
    static struct list l;
    char text[256];

    (void)state;
    for (size_t pad = 0; pad < 70; pad++) {
        for (size_t k = 0; k < sizeof(seps); k++) {
            memset(text, ' ', pad);
            memcpy(text + pad, a, 34);
            text[pad + 34] = seps[k];
            memcpy(text + pad + 35, b, 34);
            scan_whole(e, text, pad + 69, &l);
            assert_int_equal(l.n, 2);
            assert_string_equal(type_of(e, &l.f[0]), "CRYPTO");
            assert_string_equal(type_of(e, &l.f[1]), "CRYPTO");
            assert_int_equal(l.f[0].start, pad);
            assert_int_equal(l.f[0].end, pad + 34);
            assert_int_equal(l.f[1].start, pad + 35);
            assert_int_equal(l.f[1].end, pad + 69);
        }
    }
    pcl_engine_free(e);
}

/* Numbers, hex runs and letter-digit tokens of every kind the engine's own scanners trigger
 * on, with short digit clusters and letters around them, are found the same wherever the 64-byte
 * blocks fall: each text moved right by 0..130 bytes, and cut right after the item or not. */
static void
test_engine_scan_block_edges(void **state)
{
    static const struct {
        const char *item, *type;
    } items[] = {
        {"card 4111 1111 1111 1111", "CREDIT_CARD"},
        {"mac 00:1A:2B:3C:4D:5E", "MAC_ADDRESS"},
        {"mac 001a.2b3c.4d5e.", "MAC_ADDRESS"},
        {"ip 192.168.1.20", "IP_ADDRESS"},
        {"v6 2001:db8::8a2e:370:7334", "IP_ADDRESS"},
        {"iban DE89 3704 0044 0532 0130 00", "IBAN_CODE"},
        {"tel +44 20 7946 0958", "PHONE_NUMBER"},
        {"nino JG 10 37 23 A", "UK_NINO"},
        {"fi 131052-308T", "FI_PERSONAL_IDENTITY_CODE"},
        {"dni 12345678Z", "ES_NIF"},
        {"nie X1234567L", "ES_NIE"},
        {"pan ABCPE1234F", "IN_PAN"},
        {"ssn 536-22-1234", "US_SSN"},
        {"dea AB1234563", "MEDICAL_LICENSE"},
        {"btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "CRYPTO"},
        {"mbi 1EG4-TE5-MK73", "US_MBI"},
        {"mbi 5KX2MJ8NP21", "US_MBI"},
    };
    static const char *const tails[] = {"", ", 7 8.9 b4 12:30:45 1-2"};
    static struct list first, l;
    struct pcl_engine *e = engine_default();
    char text[256];

    (void)state;
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
            for (size_t pad = 0; pad <= 130; pad++) {
                int len;
                bool typed = false;

                memset(text, ' ', pad);
                len = snprintf(text + pad, sizeof(text) - pad, "a1 2 x3 %s%s", items[i].item,
                               tails[t]);
                assert_true(len > 0 && (size_t)len < sizeof(text) - pad);
                scan_whole(e, text, pad + (size_t)len, pad == 0 ? &first : &l);
                if (pad == 0) {
                    for (size_t k = 0; k < first.n; k++) {
                        typed = typed || strcmp(type_of(e, &first.f[k]), items[i].type) == 0;
                    }
                    assert_true(typed);
                    continue;
                }
                assert_int_equal(l.n, first.n);
                for (size_t k = 0; k < l.n; k++) {
                    l.f[k].start -= pad;
                    l.f[k].end -= pad;
                    assert_same(&l.f[k], &first.f[k]);
                }
            }
        }
    }
    pcl_engine_free(e);
}

static void
test_engine_new_rejects_unknown_name(void **state)
{
    struct pcl_engine *e = NULL;
    struct pcl_err err = {0};
    const char *const dis[] = {"no_such_detector", NULL};
    const char *dis2[] = {NULL, NULL};
    struct pcl_engine_opts o = {.disable = dis};

    (void)state;
    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_EINVAL);
    assert_null(e);
    assert_non_null(strstr(err.msg, "no_such_detector"));
    assert_null(strstr(err.msg, "did you mean"));
    /* a near type is suggested */
    dis2[0] = "CREDIT_CARD_NUMBER";
    o.disable = dis2;
    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "\"CREDIT_CARD_NUMBER\"; did you mean CREDIT_CARD?"));
}

static void
test_engine_new_custom_detector(void **state)
{
    struct pcl_engine *e = NULL;
    struct pcl_err err = {0};
    static struct list l;
    const char *const ctx[] = {"employee", NULL};
    struct pcl_custom_detector c = {.name = "emp",
                                    .type = "EMPLOYEE_ID",
                                    .categories = PCL_CAT_GOV_ID,
                                    .pattern = "EMP-([0-9]{6})",
                                    .score = 0.6,
                                    .context = ctx};
    struct pcl_engine_opts o = {.custom = &c, .ncustom = 1};
    const char *text = "employee EMP-123456 and then a long stretch of unrelated words, far away "
                       "from anything: EMP-654321";

    (void)state;
    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_OK);
    scan_whole(e, text, strlen(text), &l);
    assert_int_equal(l.n, 2);
    assert_string_equal(type_of(e, &l.f[0]), "EMPLOYEE_ID");
    assert_int_equal(l.f[0].start, 13); /* capture group 1 gives the bounds */
    assert_int_equal(l.f[0].end, 19);
    assert_true(l.f[0].score > l.f[1].score); /* context word only near the first */
    /* the custom type is known through the engine, the built-in ones without one */
    assert_string_equal(pcl_detect_type_find(e, "EMPLOYEE_ID", false), "EMPLOYEE_ID");
    assert_null(pcl_detect_type_find(NULL, "EMPLOYEE_ID", false));
    assert_string_equal(pcl_detect_type_find(NULL, "US_SSN", false), "US_SSN");
    assert_null(pcl_detect_type_find(NULL, "us_ssn", false));
    /* "did you mean": a type the name begins, or (4+ characters) one that begins the name */
    assert_string_equal(pcl_detect_type_find(NULL, "us_ssn", true), "US_SSN");
    assert_string_equal(pcl_detect_type_find(NULL, "email", true), "EMAIL_ADDRESS");
    assert_string_equal(pcl_detect_type_find(NULL, "CREDIT_CARD_NUMBER", true), "CREDIT_CARD");
    assert_string_equal(pcl_detect_type_find(e, "employee", true), "EMPLOYEE_ID");
    assert_null(pcl_detect_type_find(NULL, "ssn", true));
    assert_null(pcl_detect_type_find(NULL, "", true));
    pcl_engine_free(e);
}

static void
test_engine_new_bad_custom_pattern(void **state)
{
    struct pcl_engine *e = NULL;
    struct pcl_err err = {0};
    struct pcl_custom_detector c = {.name = "bad", .type = "BAD", .pattern = "EMP-([0-9]"};
    struct pcl_engine_opts o = {.custom = &c, .ncustom = 1};

    (void)state;
    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_EINVAL);
    assert_non_null(strstr(err.msg, "\"bad\""));
}

static void
test_engine_scan_nul_and_invalid_utf8(void **state)
{
    struct pcl_engine *e = engine_default();
    static struct list l;
    const char text[] = "\xff\xfe\0bob@example.org\0\xc0\x80";

    (void)state;
    scan_whole(e, text, sizeof(text) - 1, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.f[0].start, 3);
    pcl_engine_free(e);
}

/* xorshift, deterministic */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t
rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *const pieces[] = {
    "hello world ",
    "mail me: carol@example.net ",
    "order 4111 1111 1111 1112 ",
    "card 4111 1111 1111 1111 ",
    "AKIAIOSFODNN7EXAMPL2 ",
    "\n",
    "v1.2.3.4 ",
    "2024-05-01 ",
    "ssn 123-45-6789 ",
    "x@y ",
    "ip 192.168.10.20 ",
    "iban DE89 3704 0044 0532 0130 00 ",
    "token ghp_000000000000000000000000000000000000 ",
    "\xe2\x82\xac ",
    "dave@example.com",
    /* numbers whose tail, cut off at a window start, looks like a phone number or address */
    "ISBN 978-4-095-87809-6 ",
    "2019-11-19 21:42:03,",
    "030 12345678 ",
    "mail x.y@example.com ssn ",
};

static void
test_stream_matches_whole_buffer(void **state)
{
    struct pcl_engine *e = engine_default();
    static struct list whole, streamed;
    static char buf[1 << 15];
    size_t len = 0;
    struct pcl_err err = {0};
    struct pcl_stream *st = NULL;

    (void)state;
    while (len < sizeof(buf) - 64) {
        const char *p = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
        size_t n = strlen(p);

        if (len + n >= sizeof(buf)) {
            break;
        }
        memcpy(buf + len, p, n);
        len += n;
    }
    scan_whole(e, buf, len, &whole);
    assert_true(whole.n > 10);
    /* one stream for every round, reset in between (rounds 30 and up: also in the middle of
     * a first, abandoned pass over the buffer) */
    assert_int_equal(pcl_stream_new(e, collect, &streamed, &st, &err), PCL_OK);
    for (int round = 0; round < 40; round++) {
        size_t off = 0;
        size_t maxchunk = round < 10 ? (size_t)round + 1 : (size_t)(rng() % 5000) + 1;

        if (round >= 30) {
            size_t part = (size_t)(rng() % len);

            pcl_stream_reset(st, collect, &streamed);
            assert_int_equal(pcl_stream_feed(st, buf + len - part, part, &err), PCL_OK);
        }
        streamed.n = 0;
        pcl_stream_reset(st, collect, &streamed);
        while (off < len) {
            size_t n = (size_t)(rng() % maxchunk) + 1;

            if (n > len - off) {
                n = len - off;
            }
            assert_int_equal(pcl_stream_feed(st, buf + off, n, &err), PCL_OK);
            assert_true(pcl_stream_settled(st) <= off + n);
            off += n;
            if (round < 10 && off > 1500) {
                break; /* tiny chunks are slow: a prefix is enough */
            }
        }
        assert_int_equal(pcl_stream_finish(st, &err), PCL_OK);
        if (off == len) {
            assert_int_equal(streamed.n, whole.n);
            for (size_t k = 0; k < whole.n; k++) {
                assert_same(&streamed.f[k], &whole.f[k]);
            }
        } else {
            /* compare only findings settled well before the cut */
            size_t k = 0;

            while (k < whole.n && whole.f[k].end + pcl_engine_window(e) < off) {
                assert_true(k < streamed.n);
                assert_same(&streamed.f[k], &whole.f[k]);
                k++;
            }
        }
    }
    pcl_stream_free(st);
    pcl_engine_free(e);
}

struct seg_list {
    struct pcl_finding f[4096];
    size_t seg[4096];
    size_t n;
};

static int
collect_seg(void *ctx, size_t seg, const struct pcl_finding *f)
{
    struct seg_list *l = ctx;

    if (l->n < 4096) {
        l->seg[l->n] = seg;
        l->f[l->n++] = *f;
    }
    return 0;
}

/* Segment scans find, segment by segment, exactly what scanning each segment alone finds:
 * neither a context word nor a digit, letter or quote of a neighbour changes a verdict. */
static void
check_segments(const struct pcl_engine *e, size_t rounds)
{
    static const char *const names[] = {
        "", "ssn: ", "phone: ", "password: ", "email: ", "iban: ", "card number: ", "note: "};
    static char buf[1 << 14];
    static size_t ends[1024];
    static struct seg_list got;
    static struct list alone;
    struct pcl_scratch *s = NULL;
    struct pcl_err err = {0};
    size_t total = 0;

    assert_int_equal(pcl_scratch_new(e, &s, &err), PCL_OK);
    for (size_t round = 0; round < rounds; round++) {
        size_t len = 0, n = 0, k = 0;

        while (n < 1024 && len < sizeof(buf) - 256) {
            const char *name = names[rng() % (sizeof(names) / sizeof(names[0]))];
            size_t parts = (size_t)(rng() % 3);

            memcpy(buf + len, name, strlen(name));
            len += strlen(name);
            for (size_t i = 0; i < parts; i++) {
                const char *p = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
                size_t pn = strlen(p), from = 0, to = pn;

                if (rng() % 3 == 0) { /* a piece cut short on either side */
                    from = (size_t)(rng() % (pn + 1));
                    to = from + (size_t)(rng() % (pn - from + 1));
                }
                memcpy(buf + len, p + from, to - from);
                len += to - from;
            }
            ends[n++] = len;
            buf[len++] = PCL_SEGMENT_SEP;
        }
        got.n = 0;
        assert_int_equal(
            pcl_engine_scan_segments(e, s, buf, ends, n, NULL, collect_seg, &got, &err), PCL_OK);
        for (size_t i = 0, lo = 0; i < n; lo = ends[i] + 1, i++) {
            alone.n = 0;
            assert_int_equal(pcl_engine_scan(e, s, buf + lo, ends[i] - lo, collect, &alone, &err),
                             PCL_OK);
            for (size_t j = 0; j < alone.n; j++, k++) {
                assert_true(k < got.n);
                assert_int_equal(got.seg[k], i);
                assert_same(&got.f[k], &alone.f[j]);
            }
        }
        assert_int_equal(got.n, k);
        total += k;
    }
    assert_true(total > rounds * 20);
    pcl_scratch_free(s);
}

static void
test_segments_match_alone(void **state)
{
    struct pcl_engine *e = engine_default();
    struct pcl_engine *all = NULL, *custom = NULL;
    struct pcl_err err = {0};
    const char *const every[] = {"all", NULL};
    struct pcl_engine_opts o = {.enable = every, .cache_dir = PCL_BINARY_DIR "/cache"};
    /* a pattern trigger (no anchor, no context word): segments are scanned one by one */
    struct pcl_custom_detector cd = {.name = "order_ref",
                                     .type = "ORDER_REF",
                                     .categories = PCL_CAT_FINANCIAL,
                                     .pattern = "[0-9]{4} [0-9]{4} [0-9]{4}",
                                     .score = 0.9};
    struct pcl_engine_opts oc = {.custom = &cd, .ncustom = 1};
    static const size_t bad_ends[] = {3, 7};
    struct pcl_scratch *s = NULL;

    (void)state;
    check_segments(e, 8);
    assert_int_equal(pcl_engine_new(&o, &all, &err), PCL_OK);
    check_segments(all, 8);
    assert_int_equal(pcl_engine_new(&oc, &custom, &err), PCL_OK);
    check_segments(custom, 2);
    /* the separator is checked */
    assert_int_equal(pcl_scratch_new(e, &s, &err), PCL_OK);
    assert_int_equal(
        pcl_engine_scan_segments(e, s, "abc;defg", bad_ends, 2, NULL, collect_seg, NULL, &err),
        PCL_EINVAL);
    assert_non_null(strstr(err.msg, "segment 0"));
    pcl_scratch_free(s);
    pcl_engine_free(custom);
    pcl_engine_free(all);
    pcl_engine_free(e);
}

/* A window start that falls inside a number must not make its tail a finding: "^" and
 * lookbehinds see the cut, not the digits before it. The number is placed exactly where the
 * second pass's window begins. */
static void
test_stream_window_start_inside_number(void **state)
{
    struct pcl_engine *e = engine_default();
    static struct list whole, streamed;
    static char buf[1 << 17];
    const char *isbn = " ISBN 978-4-095-87809-6 and more text";
    size_t k = pcl_engine_window(e), first = 3 * k, cut, len;
    struct pcl_stream *st = NULL;
    struct pcl_err err = {0};

    (void)state;
    assert_true(4 * k + 64 < sizeof(buf));
    memset(buf, 'x', sizeof(buf));
    for (size_t i = 80; i < sizeof(buf); i += 80) {
        buf[i] = '\n';
    }
    /* after feeding `first` bytes: settled = first - k, the next window starts at
     * settled - k = first - 2k; put "095-87809-6" there */
    cut = first - 2 * k;
    memcpy(buf + cut - 12, isbn, strlen(isbn));
    len = 4 * k;
    scan_whole(e, buf, len, &whole);
    streamed.n = 0;
    assert_int_equal(pcl_stream_new(e, collect, &streamed, &st, &err), PCL_OK);
    assert_int_equal(pcl_stream_feed(st, buf, first, &err), PCL_OK);
    assert_int_equal(pcl_stream_settled(st), first - k);
    assert_int_equal(pcl_stream_feed(st, buf + first, len - first, &err), PCL_OK);
    assert_int_equal(pcl_stream_finish(st, &err), PCL_OK);
    pcl_stream_free(st);
    assert_int_equal(streamed.n, whole.n);
    for (size_t i = 0; i < whole.n; i++) {
        assert_same(&streamed.f[i], &whole.f[i]);
    }
    pcl_engine_free(e);
}

/* The compiled-database cache stays bounded: old entries go when a new one is written, and
 * a second engine with the same configuration loads it. */
/* JIT programs are made by the first confirmation that needs them: threads that scan with a
 * fresh engine at the same time race to make them, and must find exactly what a scan with a
 * warmed engine finds. */
struct jit_job {
    const struct pcl_engine *e;
    const char *buf;
    size_t len;
    struct list out;
};

static void *
jit_scan_thread(void *arg)
{
    struct jit_job *j = arg;
    struct pcl_scratch *s = NULL;
    struct pcl_err err = {0};

    if (pcl_scratch_new(j->e, &s, &err) != PCL_OK) {
        return NULL;
    }
    j->out.n = 0;
    if (pcl_engine_scan(j->e, s, j->buf, j->len, collect, &j->out, &err) != PCL_OK) {
        j->out.n = (size_t)-1;
    }
    pcl_scratch_free(s);
    return NULL;
}

static void
test_engine_lazy_jit_threads(void **state)
{
    static char buf[1 << 14];
    static struct list ref;
    static struct jit_job jobs[4];
    struct pcl_engine *warm = engine_default();
    size_t len = 0;

    (void)state;
    for (size_t k = 0; len + 64 < sizeof(buf); k++) {
        const char *p = pieces[(k * 7) % (sizeof(pieces) / sizeof(pieces[0]))];
        size_t n = strlen(p);

        memcpy(buf + len, p, n);
        len += n;
    }
    pcl_engine_warm(warm);
    pcl_engine_warm(warm); /* a second call changes nothing */
    scan_whole(warm, buf, len, &ref);
    assert_true(ref.n > 100);
    for (int round = 0; round < 3; round++) {
        struct pcl_engine *e = engine_default();
        pthread_t th[4];

        for (int i = 0; i < 4; i++) {
            jobs[i] = (struct jit_job){.e = e, .buf = buf, .len = len};
            assert_int_equal(pthread_create(&th[i], NULL, jit_scan_thread, &jobs[i]), 0);
        }
        for (int i = 0; i < 4; i++) {
            assert_int_equal(pthread_join(th[i], NULL), 0);
            assert_int_equal(jobs[i].out.n, ref.n);
            for (size_t k = 0; k < ref.n; k++) {
                assert_same(&jobs[i].out.f[k], &ref.f[k]);
            }
        }
        pcl_engine_free(e);
    }
    pcl_engine_free(warm);
}

static void
test_engine_cache_is_pruned(void **state)
{
    char dir[] = "/tmp/pcl-cache-test-XXXXXX";
    struct pcl_engine *e = NULL;
    struct pcl_err err = {0};
    const char *const only[] = {"email", "credit_card", NULL};
    struct pcl_engine_opts o = {.enable = only, .only_enabled = true};
    static struct list l;
    unsigned count = 0, new_db = 0;
    DIR *d;
    struct dirent *de;

    (void)state;
    assert_non_null(mkdtemp(dir));
    for (int i = 0; i < 40; i++) {
        char path[128];
        FILE *f;

        (void)snprintf(path, sizeof(path), "%s/prefilter-old%02d.hsdb", dir, i);
        f = fopen(path, "w");
        assert_non_null(f);
        (void)fputs("not a database", f);
        (void)fclose(f);
    }
    o.cache_dir = dir;
    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_OK);
    pcl_engine_free(e);
    d = opendir(dir);
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        count++;
        new_db += strncmp(de->d_name, "prefilter-old", 13) != 0;
    }
    (void)closedir(d);
    assert_true(count <= 32);
    assert_true(new_db >= 1); /* the database just written survived the pruning */
    /* the engine loaded from the cache works */
    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_OK);
    scan_whole(e, "mail a.b@example.com", 20, &l);
    assert_int_equal(l.n, 1);
    pcl_engine_free(e);
    d = opendir(dir);
    while (d != NULL && (de = readdir(d)) != NULL) {
        char path[300];

        if (de->d_name[0] != '.') {
            (void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
            (void)unlink(path);
        }
    }
    if (d != NULL) {
        (void)closedir(d);
    }
    (void)rmdir(dir);
}

static void
test_engine_detectors_have_unique_names(void **state)
{
    size_t n = pcl_detectors_builtin_count();

    (void)state;
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++) {
        const struct pcl_detector_info *a = pcl_detectors_builtin(i);

        assert_non_null(a->name);
        assert_non_null(a->type);
        assert_non_null(a->description);
        assert_true(a->categories != 0);
        assert_true(a->score > 0 && a->score <= 1.0);
        for (size_t j = i + 1; j < n; j++) {
            assert_string_not_equal(a->name, pcl_detectors_builtin(j)->name);
        }
        if ((a->categories & PCL_CAT_CREDENTIAL) == 0) {
            continue;
        }
        assert_true(a->categories == PCL_CAT_CREDENTIAL);
    }
}

static void
test_engine_new_out_of_memory(void **state)
{
    const char *const only[] = {"email", NULL};
    struct pcl_engine_opts o = {.enable = only, .only_enabled = true};

    (void)state;
    for (unsigned long n = 1; n < 100000; n++) {
        struct pcl_engine *e = NULL;
        struct pcl_err err = {0};
        enum pcl_rc rc;

        (void)pcl_alloc_fail_at(n, true);
        rc = pcl_engine_new(&o, &e, &err);
        (void)pcl_alloc_fail_at(0, false);
        if (rc == PCL_OK) {
            pcl_engine_free(e);
            return;
        }
        assert_int_equal(rc, PCL_ENOMEM);
        assert_null(e);
    }
    fail_msg("engine never compiled");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_scan_finds_email),
        cmocka_unit_test(test_engine_scan_adjacent_base58_addresses),
        cmocka_unit_test(test_engine_scan_block_edges),
        cmocka_unit_test(test_engine_new_rejects_unknown_name),
        cmocka_unit_test(test_engine_new_custom_detector),
        cmocka_unit_test(test_engine_new_bad_custom_pattern),
        cmocka_unit_test(test_engine_scan_nul_and_invalid_utf8),
        cmocka_unit_test(test_stream_matches_whole_buffer),
        cmocka_unit_test(test_segments_match_alone),
        cmocka_unit_test(test_stream_window_start_inside_number),
        cmocka_unit_test(test_engine_lazy_jit_threads),
        cmocka_unit_test(test_engine_cache_is_pruned),
        cmocka_unit_test(test_engine_detectors_have_unique_names),
        cmocka_unit_test(test_engine_new_out_of_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
