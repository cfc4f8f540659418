/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/core/encode.c against published vectors (RFC 4648, Bitcoin Core base58,
 * BIP-173, BIP-350) and their error paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common.h"
#include "pcl_test.h"

#include <sodium.h>

/* ---- decimal ------------------------------------------------------------------------ */

static void
test_pcl_parse_u64_accepts_digits_up_to_max(void **state)
{
    uint64_t v = 7;

    (void)state;
    assert_true(pcl_parse_u64("0", 10, &v));
    assert_int_equal(v, 0);
    assert_true(pcl_parse_u64("10", 10, &v));
    assert_int_equal(v, 10);
    assert_true(pcl_parse_u64("18446744073709551615", UINT64_MAX, &v));
    assert_true(v == UINT64_MAX);
}

static void
test_pcl_fmt_i64_matches_printf(void **state)
{
    static const int64_t vals[] = {0,   1,          -1,        9,         10,
                                   -10, 1234567890, INT64_MAX, INT64_MIN, INT64_MIN + 1};

    (void)state;
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        char got[PCL_I64_CHARS], want[32];
        size_t n = pcl_fmt_i64(got, vals[i]);

        (void)snprintf(want, sizeof(want), "%lld", (long long)vals[i]);
        assert_string_equal(got, want);
        assert_int_equal(n, strlen(want));
    }
}

static void
test_pcl_strjoin_cuts_like_snprintf(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(pcl_strjoin(out, sizeof(out), (const char *const[]){"ab", "", "cd", NULL}), 4);
    assert_string_equal(out, "abcd");
    assert_int_equal(pcl_strjoin(out, sizeof(out), (const char *const[]){"abcde", "fghij", NULL}),
                     7);
    assert_string_equal(out, "abcdefg");
    assert_int_equal(pcl_strjoin(out, sizeof(out), (const char *const[]){NULL}), 0);
    assert_string_equal(out, "");
    assert_int_equal(pcl_strjoin(out, 0, (const char *const[]){"x", NULL}), 0);
}

static void
test_pcl_parse_u64_rejects_bad_input(void **state)
{
    uint64_t v = 7;
    static const char *const bad[] = {
        "",
        "-1",
        "+1",
        " 1",
        "1 ",
        "0x10",
        "1e3",
        "12a",
        "18446744073709551616",
        "99999999999999999999999",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(pcl_parse_u64(bad[i], UINT64_MAX, &v));
    }
    assert_false(pcl_parse_u64(NULL, UINT64_MAX, &v));
    assert_false(pcl_parse_u64("11", 10, &v));
    assert_int_equal(v, 7); /* untouched on failure */
}

/* ---- hex ---------------------------------------------------------------------------- */

static void
test_pcl_hex_encode_vectors(void **state)
{
    static const struct {
        const char *bin; /* raw bytes, length given by n */
        size_t n;
        const char *hex;
    } cases[] = {
        {"", 0, ""},
        {"\x00", 1, "00"},
        {"\x01\xab\xff", 3, "01abff"},
        {"foobar", 6, "666f6f626172"},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_buf b;

        pcl_buf_init(&b, 0);
        assert_int_equal(pcl_hex_encode(&b, (const uint8_t *)cases[i].bin, cases[i].n), PCL_OK);
        assert_int_equal(b.len, strlen(cases[i].hex));
        if (b.len > 0) {
            assert_string_equal(b.ptr, cases[i].hex);
        }
        pcl_buf_fini(&b);
    }
}

static void
test_pcl_hex_decode_vectors(void **state)
{
    static const struct {
        const char *hex;
        const char *bin;
        size_t n;
    } cases[] = {
        {"", "", 0},
        {"00", "\x00", 1},
        {"01abff", "\x01\xab\xff", 3},
        {"01ABFF", "\x01\xab\xff", 3}, /* upper case accepted */
        {"666F6f626172", "foobar", 6},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        uint8_t out[16];
        size_t len = 99;

        assert_int_equal(
            pcl_hex_decode(cases[i].hex, strlen(cases[i].hex), out, sizeof(out), &len, NULL),
            PCL_OK);
        assert_int_equal(len, cases[i].n);
        assert_memory_equal(out, cases[i].bin, len);
    }
}

static void
test_pcl_hex_decode_invalid(void **state)
{
    static const struct {
        const char *hex;
        size_t cap;
        enum pcl_rc rc;
        const char *msg;
    } cases[] = {
        {"abc", 16, PCL_EINVAL, "hex: odd length 3"},
        {"zz", 16, PCL_EINVAL, "hex: invalid character 0x7a at offset 0"},
        {"00a g", 16, PCL_EINVAL, "hex: odd length 5"},
        {"00ag", 16, PCL_EINVAL, "hex: invalid character 0x67 at offset 3"},
        {"0 ", 16, PCL_EINVAL, "hex: invalid character 0x20 at offset 1"},
        {"001122", 2, PCL_ELIMIT, "hex: output needs 3 bytes, capacity is 2"},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_err err = {0};
        uint8_t out[16];
        size_t len = 0;

        assert_int_equal(
            pcl_hex_decode(cases[i].hex, strlen(cases[i].hex), out, cases[i].cap, &len, &err),
            cases[i].rc);
        assert_int_equal(err.rc, cases[i].rc);
        assert_string_equal(err.msg, cases[i].msg);
    }
}

/* ---- base64 ------------------------------------------------------------------------- */

/* RFC 4648 §10 test vectors. */
static const struct {
    const char *plain;
    const char *std;
    const char *url; /* unpadded */
} rfc4648[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

static void
test_pcl_base64_encode_rfc4648(void **state)
{
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(rfc4648); i++) {
        const uint8_t *in = (const uint8_t *)rfc4648[i].plain;
        size_t n = strlen(rfc4648[i].plain);
        struct pcl_buf b;

        pcl_buf_init(&b, 0);
        assert_int_equal(pcl_base64_encode(&b, in, n, PCL_B64_STD), PCL_OK);
        assert_int_equal(b.len, strlen(rfc4648[i].std));
        assert_memory_equal(b.ptr == NULL ? "" : b.ptr, rfc4648[i].std, b.len);
        pcl_buf_reset(&b);
        assert_int_equal(pcl_base64_encode(&b, in, n, PCL_B64_URL), PCL_OK);
        assert_int_equal(b.len, strlen(rfc4648[i].url));
        assert_memory_equal(b.ptr == NULL ? "" : b.ptr, rfc4648[i].url, b.len);
        pcl_buf_fini(&b);
    }
}

static void
test_pcl_base64_decode_rfc4648(void **state)
{
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(rfc4648); i++) {
        const char *forms[] = {rfc4648[i].std, rfc4648[i].url};

        for (size_t f = 0; f < PCL_ARRAY_LEN(forms); f++) {
            for (int v = PCL_B64_STD; v <= PCL_B64_URL; v++) {
                uint8_t out[16];
                size_t len = 99;

                /* Padding is optional on decode for both variants. */
                assert_int_equal(pcl_base64_decode(forms[f], strlen(forms[f]),
                                                   (enum pcl_b64_variant)v, out, sizeof(out), &len,
                                                   NULL),
                                 PCL_OK);
                assert_int_equal(len, strlen(rfc4648[i].plain));
                assert_memory_equal(out, rfc4648[i].plain, len);
            }
        }
    }
}

static void
test_pcl_base64_variant_alphabets(void **state)
{
    static const uint8_t bin[] = {0xfb, 0xff, 0xbf}; /* every 6-bit group is 62 or 63 */
    struct pcl_buf b;
    uint8_t out[8];
    size_t len = 0;
    (void)state;

    pcl_buf_init(&b, 0);
    assert_int_equal(pcl_base64_encode(&b, bin, sizeof(bin), PCL_B64_STD), PCL_OK);
    assert_string_equal(b.ptr, "+/+/");
    pcl_buf_reset(&b);
    assert_int_equal(pcl_base64_encode(&b, bin, sizeof(bin), PCL_B64_URL), PCL_OK);
    assert_string_equal(b.ptr, "-_-_");
    pcl_buf_fini(&b);

    assert_int_equal(pcl_base64_decode("-_-_", 4, PCL_B64_URL, out, sizeof(out), &len, NULL),
                     PCL_OK);
    assert_memory_equal(out, bin, sizeof(bin));
    assert_int_equal(pcl_base64_decode("-_-_", 4, PCL_B64_STD, out, sizeof(out), &len, NULL),
                     PCL_EINVAL);
    assert_int_equal(pcl_base64_decode("+/+/", 4, PCL_B64_URL, out, sizeof(out), &len, NULL),
                     PCL_EINVAL);
}

static void
test_pcl_base64_decode_invalid(void **state)
{
    static const struct {
        const char *in;
        size_t cap;
        enum pcl_rc rc;
        const char *msg;
    } cases[] = {
        {"Zm9v!mFy", 16, PCL_EINVAL, "base64: invalid character 0x21 at offset 4"},
        {"Zm9vYm F", 16, PCL_EINVAL, "base64: invalid character 0x20 at offset 6"},
        {"Zm\xc3\xa9", 16, PCL_EINVAL, "base64: invalid character 0xc3 at offset 2"},
        {"Zm9vY", 16, PCL_EINVAL, "base64: truncated input at offset 4"},
        {"Zg=", 16, PCL_EINVAL,
         "base64: padding at offset 2 does not complete a 4-character group"},
        {"Zg===", 16, PCL_EINVAL,
         "base64: padding at offset 3 does not complete a 4-character group"},
        {"Z===", 16, PCL_EINVAL, "base64: invalid character 0x3d at offset 1"},
        {"Zg==Zg==", 16, PCL_EINVAL, "base64: invalid character 0x3d at offset 2"},
        {"====", 16, PCL_EINVAL, "base64: invalid character 0x3d at offset 0"},
        {"Zm9vYmFy", 5, PCL_ELIMIT, "base64: output needs 6 bytes, capacity is 5"},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_err err = {0};
        uint8_t out[16];
        size_t len = 0;

        assert_int_equal(pcl_base64_decode(cases[i].in, strlen(cases[i].in), PCL_B64_STD, out,
                                           cases[i].cap, &len, &err),
                         cases[i].rc);
        assert_string_equal(err.msg, cases[i].msg);
    }
}

static void
test_pcl_base64_decoded_max_bounds(void **state)
{
    static const struct {
        size_t n;
        size_t max;
    } cases[] = {{0, 0}, {1, 0}, {2, 1}, {3, 2}, {4, 3}, {8, 6}, {10, 7}, {11, 8}};
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        assert_int_equal(pcl_base64_decoded_max(cases[i].n), cases[i].max);
    }
}

static void
test_pcl_base64_roundtrip_all_lengths(void **state)
{
    uint8_t in[64];
    uint8_t out[64];
    (void)state;

    for (size_t i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)(i * 37 + 11);
    }
    for (size_t n = 0; n <= sizeof(in); n++) {
        for (int v = PCL_B64_STD; v <= PCL_B64_URL; v++) {
            struct pcl_buf b;
            size_t len = 0;

            pcl_buf_init(&b, 0);
            assert_int_equal(pcl_base64_encode(&b, in, n, (enum pcl_b64_variant)v), PCL_OK);
            assert_true(pcl_base64_decoded_max(b.len) >= n);
            assert_int_equal(
                pcl_base64_decode(b.ptr, b.len, (enum pcl_b64_variant)v, out, n, &len, NULL),
                PCL_OK);
            assert_int_equal(len, n);
            assert_memory_equal(out, in, n);
            pcl_buf_fini(&b);
        }
    }
}

static void
test_pcl_base64_encode_limit(void **state)
{
    struct pcl_buf b;
    (void)state;

    pcl_buf_init(&b, 7);
    assert_int_equal(pcl_base64_encode(&b, (const uint8_t *)"foobar", 6, PCL_B64_STD), PCL_ELIMIT);
    assert_int_equal(b.len, 0);
    assert_int_equal(pcl_base64_encode(&b, (const uint8_t *)"foob", 4, PCL_B64_URL), PCL_OK);
    assert_string_equal(b.ptr, "Zm9vYg");
    pcl_buf_fini(&b);
}

/* ---- base58 ------------------------------------------------------------------------- */

/* Bitcoin Core src/test/data/base58_encode_decode.json. */
static const struct {
    const char *hex;
    const char *b58;
} b58_vectors[] = {
    {"", ""},
    {"61", "2g"},
    {"626262", "a3gV"},
    {"636363", "aPEr"},
    {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
    {"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
    {"516b6fcd0f", "ABnLTmg"},
    {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
    {"572e4794", "3EFU7m"},
    {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
    {"10c8511e", "Rt5zm"},
    {"00000000000000000000", "1111111111"},
};

static void
test_pcl_base58_encode_vectors(void **state)
{
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(b58_vectors); i++) {
        uint8_t bin[64];
        size_t n = pcl_test_unhex(b58_vectors[i].hex, bin, sizeof(bin));
        struct pcl_buf b;

        pcl_buf_init(&b, 0);
        assert_int_equal(pcl_base58_encode(&b, bin, n), PCL_OK);
        assert_int_equal(b.len, strlen(b58_vectors[i].b58));
        assert_memory_equal(b.ptr == NULL ? "" : b.ptr, b58_vectors[i].b58, b.len);
        pcl_buf_fini(&b);
    }
}

static void
test_pcl_base58_decode_vectors(void **state)
{
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(b58_vectors); i++) {
        uint8_t want[64];
        uint8_t out[64];
        size_t n = pcl_test_unhex(b58_vectors[i].hex, want, sizeof(want));
        size_t len = 99;

        assert_int_equal(pcl_base58_decode(b58_vectors[i].b58, strlen(b58_vectors[i].b58), out,
                                           sizeof(out), &len, NULL),
                         PCL_OK);
        assert_int_equal(len, n);
        assert_memory_equal(out, want, n);
        /* An exactly sized output is enough. */
        assert_int_equal(
            pcl_base58_decode(b58_vectors[i].b58, strlen(b58_vectors[i].b58), out, n, &len, NULL),
            PCL_OK);
        assert_int_equal(len, n);
        assert_memory_equal(out, want, n);
    }
}

static void
test_pcl_base58_decode_invalid(void **state)
{
    static const struct {
        const char *in;
        size_t cap;
        enum pcl_rc rc;
        const char *msg;
    } cases[] = {
        {"3SEo0LW", 16, PCL_EINVAL, "base58: invalid character 0x30 at offset 4"}, /* '0' */
        {"O", 16, PCL_EINVAL, "base58: invalid character 0x4f at offset 0"},
        {"abI", 16, PCL_EINVAL, "base58: invalid character 0x49 at offset 2"},
        {"abl", 16, PCL_EINVAL, "base58: invalid character 0x6c at offset 2"},
        {"ab+", 16, PCL_EINVAL, "base58: invalid character 0x2b at offset 2"},
        {" ab", 16, PCL_EINVAL, "base58: invalid character 0x20 at offset 0"},
        {"EJDM8drfXA6uyA", 9, PCL_ELIMIT, "base58: output exceeds capacity 9"},
        {"1111", 3, PCL_ELIMIT, "base58: output exceeds capacity 3"},
        {"11Rt5zm", 5, PCL_ELIMIT, "base58: output exceeds capacity 5"},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_err err = {0};
        uint8_t out[16];
        size_t len = 0;

        assert_int_equal(
            pcl_base58_decode(cases[i].in, strlen(cases[i].in), out, cases[i].cap, &len, &err),
            cases[i].rc);
        assert_string_equal(err.msg, cases[i].msg);
    }
}

/* Well-known mainnet strings: the genesis coinbase address, the P2SH and P2PKH examples of
 * the Bitcoin wiki, and the wiki's uncompressed WIF private key. */
static const struct {
    const char *b58;
    const char *payload_hex;
} b58check_vectors[] = {
    {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "0062e907b15cbf27d5425399ebf6f0fb50ebb88f18"},
    {"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "05b472a266d0bd89c13706a4132ccfb16f7c3b9fcb"},
    {"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "0077bff20c60e522dfaa3350c39b030a5d004e839a"},
    {"5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ",
     "800c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d"},
};

static void
test_pcl_base58check_decode_addresses(void **state)
{
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(b58check_vectors); i++) {
        uint8_t want[64];
        uint8_t out[64];
        size_t n = pcl_test_unhex(b58check_vectors[i].payload_hex, want, sizeof(want));
        size_t len = 0;
        const char *s = b58check_vectors[i].b58;

        assert_int_equal(pcl_base58check_decode(s, strlen(s), out, sizeof(out), &len, NULL),
                         PCL_OK);
        assert_int_equal(len, n);
        assert_memory_equal(out, want, n);
        /* The payload alone fits: the checksum needs no room in out. */
        assert_int_equal(pcl_base58check_decode(s, strlen(s), out, n, &len, NULL), PCL_OK);
        assert_int_equal(len, n);
        assert_memory_equal(out, want, n);
    }
}

static void
test_pcl_base58check_decode_flipped_char(void **state)
{
    static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(b58check_vectors); i++) {
        const char *s = b58check_vectors[i].b58;
        size_t n = strlen(s);

        /* Replace every position in turn with the next alphabet character. */
        for (size_t pos = 1; pos < n; pos++) {
            char copy[64];
            uint8_t out[64];
            size_t len = 0;
            struct pcl_err err = {0};
            const char *at = strchr(alphabet, s[pos]);

            assert_non_null(at);
            memcpy(copy, s, n + 1);
            copy[pos] = at[1] != '\0' ? at[1] : alphabet[0];
            assert_int_equal(pcl_base58check_decode(copy, n, out, sizeof(out), &len, &err),
                             PCL_EINVAL);
            assert_string_equal(err.msg, "base58check: checksum mismatch");
        }
    }
}

static void
test_pcl_base58check_decode_invalid(void **state)
{
    static const struct {
        const char *in;
        size_t cap;
        enum pcl_rc rc;
        const char *msg;
    } cases[] = {
        {"", 16, PCL_EINVAL, "base58check: 0 bytes is shorter than the checksum"},
        {"3EFU7m", 16, PCL_EINVAL, "base58check: checksum mismatch"}, /* 4 bytes, no payload */
        {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0", 32, PCL_EINVAL,
         "base58: invalid character 0x30 at offset 33"},
        {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 20, PCL_ELIMIT,
         "base58check: payload exceeds capacity 20"},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        struct pcl_err err = {0};
        uint8_t out[32];
        size_t len = 0;

        assert_int_equal(
            pcl_base58check_decode(cases[i].in, strlen(cases[i].in), out, cases[i].cap, &len, &err),
            cases[i].rc);
        assert_string_equal(err.msg, cases[i].msg);
    }
}

/* A payload longer than the decoder's on-stack scratch takes the heap path. */
static void
test_pcl_base58check_decode_long_payload(void **state)
{
    uint8_t payload[204];
    uint8_t hash[crypto_hash_sha256_BYTES];
    uint8_t out[200];
    struct pcl_buf b;
    size_t len = 0;
    (void)state;

    for (size_t i = 0; i < 200; i++) {
        payload[i] = (uint8_t)(i + 1);
    }
    crypto_hash_sha256(hash, payload, 200);
    crypto_hash_sha256(hash, hash, sizeof(hash));
    memcpy(payload + 200, hash, 4);
    pcl_buf_init(&b, 0);
    assert_int_equal(pcl_base58_encode(&b, payload, sizeof(payload)), PCL_OK);
    assert_int_equal(pcl_base58check_decode(b.ptr, b.len, out, sizeof(out), &len, NULL), PCL_OK);
    assert_int_equal(len, 200);
    assert_memory_equal(out, payload, 200);

    (void)pcl_alloc_fail_at(1, false);
    assert_int_equal(pcl_base58check_decode(b.ptr, b.len, out, sizeof(out), &len, NULL),
                     PCL_ENOMEM);
    (void)pcl_alloc_fail_at(0, false);
    pcl_buf_fini(&b);
}

/* ---- bech32 ------------------------------------------------------------------------- */

/* BIP-173 and BIP-350 valid test vectors. */
static const struct {
    const char *s;
    const char *hrp;
    size_t ndata;
    enum pcl_bech32_variant variant;
    uint8_t first; /* data[0], when ndata > 0 */
} bech32_valid[] = {
    {"A12UEL5L", "a", 0, PCL_BECH32, 0},
    {"a12uel5l", "a", 0, PCL_BECH32, 0},
    {"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
     "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio", 0,
     PCL_BECH32, 0},
    {"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "abcdef", 32, PCL_BECH32, 0},
    {"11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
     "1", 82, PCL_BECH32, 0},
    {"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "split", 48, PCL_BECH32, 24},
    {"?1ezyfcl", "?", 0, PCL_BECH32, 0},
    {"A1LQFN3A", "a", 0, PCL_BECH32M, 0},
    {"a1lqfn3a", "a", 0, PCL_BECH32M, 0},
    {"an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
     "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber1", 0,
     PCL_BECH32M, 0},
    {"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", "abcdef", 32, PCL_BECH32M, 31},
    {"11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
     "1", 82, PCL_BECH32M, 31},
    {"split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "split", 48, PCL_BECH32M, 24},
    {"?1v759aa", "?", 0, PCL_BECH32M, 0},
};

static void
test_pcl_bech32_decode_valid_vectors(void **state)
{
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(bech32_valid); i++) {
        char hrp[84];
        uint8_t data[90];
        size_t len = 999;
        enum pcl_bech32_variant variant = 0;
        struct pcl_err err = {0};

        assert_int_equal(pcl_bech32_decode(bech32_valid[i].s, strlen(bech32_valid[i].s), hrp,
                                           sizeof(hrp), data, sizeof(data), &len, &variant, &err),
                         PCL_OK);
        assert_int_equal(variant, bech32_valid[i].variant);
        assert_string_equal(hrp, bech32_valid[i].hrp);
        assert_int_equal(len, bech32_valid[i].ndata);
        if (len > 0) {
            assert_int_equal(data[0], bech32_valid[i].first);
        }
    }
}

static void
test_pcl_bech32_decode_data_groups(void **state)
{
    char hrp[84];
    uint8_t data[90];
    size_t len = 0;
    enum pcl_bech32_variant variant = 0;
    (void)state;

    /* "qpzry9x8gf2tvdw0s3jn54khce6mua7l" is the charset in value order: data is 0..31. */
    assert_int_equal(pcl_bech32_decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", 45, hrp,
                                       sizeof(hrp), data, sizeof(data), &len, &variant, NULL),
                     PCL_OK);
    assert_int_equal(len, 32);
    for (size_t i = 0; i < len; i++) {
        assert_int_equal(data[i], i);
    }
    /* ...and reversed for the BIP-350 counterpart. */
    assert_int_equal(pcl_bech32_decode("abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", 45, hrp,
                                       sizeof(hrp), data, sizeof(data), &len, &variant, NULL),
                     PCL_OK);
    assert_int_equal(len, 32);
    for (size_t i = 0; i < len; i++) {
        assert_int_equal(data[i], 31 - i);
    }
}

/* BIP-173 and BIP-350 invalid test vectors, plus capacity errors. */
static const struct {
    const char *s; /* may hold bytes outside ASCII */
    const char *msg;
} bech32_invalid[] = {
    /* BIP-173 */
    {"\x20"
     "1nwldj5",
     "bech32: invalid character 0x20 at offset 0"},
    {"\x7f"
     "1axkwrx",
     "bech32: invalid character 0x7f at offset 0"},
    {"\x80"
     "1eym55h",
     "bech32: invalid character 0x80 at offset 0"},
    {"an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
     "bech32: length 91 exceeds 90 characters"},
    {"pzry9x0s0muk", "bech32: no separator '1'"},
    {"1pzry9x0s0muk", "bech32: empty human-readable part"},
    {"x1b4n0q5v", "bech32: invalid data character 0x62 at offset 2"},
    {"li1dgmt3", "bech32: checksum shorter than 6 characters"},
    {"de1lg7wt\xff", "bech32: invalid character 0xff at offset 8"},
    {"A1G7SGD8", "bech32: checksum mismatch"}, /* checksum over the upper-case hrp */
    {"10a06t8", "bech32: empty human-readable part"},
    {"1qzzfhee", "bech32: empty human-readable part"},
    /* BIP-350 */
    {"\x20"
     "1xj0phk",
     "bech32: invalid character 0x20 at offset 0"},
    {"\x7f"
     "1g6xzxy",
     "bech32: invalid character 0x7f at offset 0"},
    {"\x80"
     "1vctc34",
     "bech32: invalid character 0x80 at offset 0"},
    {"an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
     "bech32: length 91 exceeds 90 characters"},
    {"qyrz8wqd2c9m", "bech32: no separator '1'"},
    {"1qyrz8wqd2c9m", "bech32: empty human-readable part"},
    {"y1b0jsk6g", "bech32: invalid data character 0x62 at offset 2"},
    {"lt1igcx5c0", "bech32: invalid data character 0x69 at offset 3"},
    {"in1muywd", "bech32: checksum shorter than 6 characters"},
    {"mm1crxm3i", "bech32: invalid data character 0x69 at offset 8"},
    {"au1s5cgom", "bech32: invalid data character 0x6f at offset 7"},
    {"M1VUXWEZ", "bech32: checksum mismatch"},
    {"16plkw9", "bech32: empty human-readable part"},
    {"1p2gdwpf", "bech32: empty human-readable part"},
    /* BIP-173 segwit vectors that fail at the bech32 layer */
    {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", "bech32: mixed case"},
    {"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "bech32: checksum mismatch"},
    {"a1lqfn3A", "bech32: mixed case"},
};

static void
test_pcl_bech32_decode_invalid_vectors(void **state)
{
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(bech32_invalid); i++) {
        char hrp[84];
        uint8_t data[90];
        size_t len = 0;
        enum pcl_bech32_variant variant = 0;
        struct pcl_err err = {0};

        assert_int_equal(pcl_bech32_decode(bech32_invalid[i].s, strlen(bech32_invalid[i].s), hrp,
                                           sizeof(hrp), data, sizeof(data), &len, &variant, &err),
                         PCL_EINVAL);
        assert_string_equal(err.msg, bech32_invalid[i].msg);
        assert_int_equal(variant, 0);
    }
}

static void
test_pcl_bech32_decode_capacity(void **state)
{
    const char *s = "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w";
    char hrp[84];
    uint8_t data[90];
    size_t len = 0;
    enum pcl_bech32_variant variant = 0;
    struct pcl_err err = {0};
    (void)state;

    assert_int_equal(
        pcl_bech32_decode(s, strlen(s), hrp, 5, data, sizeof(data), &len, &variant, &err),
        PCL_ELIMIT);
    assert_string_equal(err.msg, "bech32: human-readable part of 5 bytes exceeds capacity 5");
    assert_int_equal(pcl_bech32_decode(s, strlen(s), hrp, 6, data, 47, &len, &variant, &err),
                     PCL_ELIMIT);
    assert_string_equal(err.msg, "bech32: 48 data groups exceed capacity 47");
    assert_int_equal(pcl_bech32_decode(s, strlen(s), hrp, 6, data, 48, &len, &variant, &err),
                     PCL_OK);
    assert_string_equal(hrp, "split");
    assert_int_equal(len, 48);
}

/* BIP-173/BIP-350 segwit addresses: witness version, then the 5-to-8 regrouped program. */
static void
test_pcl_bits_convert_segwit_addresses(void **state)
{
    static const struct {
        const char *addr;
        const char *hrp;
        enum pcl_bech32_variant variant;
        uint8_t version;
        enum pcl_rc rc; /* of the 5 -> 8 regrouping without padding */
        const char *program_hex;
    } cases[] = {
        {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bc", PCL_BECH32, 0, PCL_OK,
         "751e76e8199196d454941c45d1b3a323f1433bd6"},
        {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "tb", PCL_BECH32, 0,
         PCL_OK, "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
        {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "bc", PCL_BECH32M, 1,
         PCL_OK, "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
        /* zero padding of more than 4 bits */
        {"bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "bc", PCL_BECH32, 2, PCL_EINVAL, ""},
        /* non-zero padding in 8-to-5 conversion */
        {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv", "tb", PCL_BECH32, 0,
         PCL_EINVAL, ""},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        char hrp[84];
        uint8_t data[90];
        uint8_t prog[64];
        uint8_t want[64];
        size_t len = 0;
        size_t plen = 0;
        enum pcl_bech32_variant variant = 0;
        size_t wlen = pcl_test_unhex(cases[i].program_hex, want, sizeof(want));

        assert_int_equal(pcl_bech32_decode(cases[i].addr, strlen(cases[i].addr), hrp, sizeof(hrp),
                                           data, sizeof(data), &len, &variant, NULL),
                         PCL_OK);
        assert_string_equal(hrp, cases[i].hrp);
        assert_int_equal(variant, cases[i].variant);
        assert_true(len >= 1);
        assert_int_equal(data[0], cases[i].version);
        assert_int_equal(
            pcl_bits_convert(data + 1, len - 1, 5, 8, false, prog, sizeof(prog), &plen),
            cases[i].rc);
        if (cases[i].rc == PCL_OK) {
            assert_int_equal(plen, wlen);
            assert_memory_equal(prog, want, wlen);
        }
    }
}

static void
test_pcl_bits_convert_cases(void **state)
{
    static const struct {
        uint8_t in[8];
        size_t n;
        unsigned from, to;
        bool pad;
        enum pcl_rc rc;
        uint8_t out[16];
        size_t outlen;
    } cases[] = {
        /* 0xff -> 11111 111(00) */
        {{0xff}, 1, 8, 5, true, PCL_OK, {31, 28}, 2},
        {{0xff}, 1, 8, 5, false, PCL_EINVAL, {0}, 0},         /* leftover bits need padding */
        {{0x00, 0x00}, 2, 8, 5, false, PCL_OK, {0, 0, 0}, 3}, /* 1 zero bit left: fine */
        {{0, 0, 0}, 3, 5, 8, false, PCL_EINVAL, {0}, 0},      /* 7 padding bits > 4 */
        {{31, 28}, 2, 5, 8, false, PCL_OK, {0xff}, 1},
        {{31, 29}, 2, 5, 8, false, PCL_EINVAL, {0}, 0}, /* non-zero padding */
        {{32}, 1, 5, 8, true, PCL_EINVAL, {0}, 0},      /* value wider than 5 bits */
        {{1, 2, 3}, 3, 8, 8, false, PCL_OK, {1, 2, 3}, 3},
        {{0xa5}, 1, 8, 1, false, PCL_OK, {1, 0, 1, 0, 0, 1, 0, 1}, 8},
        {{0xff, 0xff}, 2, 8, 5, true, PCL_OK, {31, 31, 31, 16}, 4},
        {{0xff}, 1, 0, 5, true, PCL_EINVAL, {0}, 0},
        {{0xff}, 1, 8, 9, true, PCL_EINVAL, {0}, 0},
        {{0}, 0, 8, 5, false, PCL_OK, {0}, 0},
    };
    (void)state;

    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        uint8_t out[16];
        size_t outlen = 0;

        assert_int_equal(pcl_bits_convert(cases[i].in, cases[i].n, cases[i].from, cases[i].to,
                                          cases[i].pad, out, 16, &outlen),
                         cases[i].rc);
        if (cases[i].rc == PCL_OK) {
            assert_int_equal(outlen, cases[i].outlen);
            assert_memory_equal(out, cases[i].out, outlen);
            if (cases[i].outlen > 0) {
                assert_int_equal(pcl_bits_convert(cases[i].in, cases[i].n, cases[i].from,
                                                  cases[i].to, cases[i].pad, out,
                                                  cases[i].outlen - 1, &outlen),
                                 PCL_ELIMIT);
            }
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_parse_u64_accepts_digits_up_to_max),
        cmocka_unit_test(test_pcl_parse_u64_rejects_bad_input),
        cmocka_unit_test(test_pcl_fmt_i64_matches_printf),
        cmocka_unit_test(test_pcl_strjoin_cuts_like_snprintf),
        cmocka_unit_test(test_pcl_hex_encode_vectors),
        cmocka_unit_test(test_pcl_hex_decode_vectors),
        cmocka_unit_test(test_pcl_hex_decode_invalid),
        cmocka_unit_test(test_pcl_base64_encode_rfc4648),
        cmocka_unit_test(test_pcl_base64_decode_rfc4648),
        cmocka_unit_test(test_pcl_base64_variant_alphabets),
        cmocka_unit_test(test_pcl_base64_decode_invalid),
        cmocka_unit_test(test_pcl_base64_decoded_max_bounds),
        cmocka_unit_test(test_pcl_base64_roundtrip_all_lengths),
        cmocka_unit_test(test_pcl_base64_encode_limit),
        cmocka_unit_test(test_pcl_base58_encode_vectors),
        cmocka_unit_test(test_pcl_base58_decode_vectors),
        cmocka_unit_test(test_pcl_base58_decode_invalid),
        cmocka_unit_test(test_pcl_base58check_decode_addresses),
        cmocka_unit_test(test_pcl_base58check_decode_flipped_char),
        cmocka_unit_test(test_pcl_base58check_decode_invalid),
        cmocka_unit_test(test_pcl_base58check_decode_long_payload),
        cmocka_unit_test(test_pcl_bech32_decode_valid_vectors),
        cmocka_unit_test(test_pcl_bech32_decode_data_groups),
        cmocka_unit_test(test_pcl_bech32_decode_invalid_vectors),
        cmocka_unit_test(test_pcl_bech32_decode_capacity),
        cmocka_unit_test(test_pcl_bits_convert_segwit_addresses),
        cmocka_unit_test(test_pcl_bits_convert_cases),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
