/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the secrets validators (checksums, structure, placeholder filters) and for
 * private-key blocks that span real newlines, scanned through the engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "validate_secrets.h"

struct vcase {
    const char *in;
    bool expect;
};

static void
run_cases(pcl_validate_fn *fn, const struct vcase *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool got = fn(c[i].in, strlen(c[i].in));

        if (got != c[i].expect) {
            print_error("case %zu: \"%s\": expected %d, got %d\n", i, c[i].in, c[i].expect, got);
        }
        assert_int_equal(got, c[i].expect);
    }
}

static void
test_pcl_validate_crc32_base62_known_values(void **state)
{
    /* crc32("") = 0 -> "000000"; crc32("abc") = 0x352441c2 -> base62 "0yKviM" */
    (void)state;
    assert_true(pcl_validate_crc32_base62("", 0, "000000"));
    assert_true(pcl_validate_crc32_base62("abc", 3, "0yKviM"));
    assert_false(pcl_validate_crc32_base62("abd", 3, "0yKviM"));
    assert_false(pcl_validate_crc32_base62("abc", 3, "0yKviN"));
}

static void
test_pcl_validate_github_token_checksum(void **state)
{
    /* valid tokens were generated with python3 zlib.crc32 + base62 (0-9A-Za-z) */
    static const struct vcase c[] = {
        {"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", true},
        {"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", true},
        {"ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8024xXh", false}, /* last char changed */
        {"ghp_v8jzPde0IgxLd6GncfBAepfJBd0Kh8024xXH", false}, /* body changed */
        {"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false},
        {"ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8024xX", false}, /* too short */
    };

    (void)state;
    run_cases(pcl_validate_github_token, c, PCL_ARRAY_LEN(c));
}

static void
test_pcl_validate_portcullis_key_checksum(void **state)
{
    static const struct vcase c[] = {
        {"pcl_mxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtH4QezbQ", true},
        {"pcl_live_F4vUCsMehGAkWvj7FAc9QeWJKY40uvSw1H8kTA", true},
        {"pcl_mxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtH4QezbR", false},
        {"pcl_live_F4vUCsMehGAkWvj7FAc9QeWJKY40uvSw1H8kT", false},
        /* the checksum covers the body only, so either prefix accepts it */
        {"pcl_F4vUCsMehGAkWvj7FAc9QeWJKY40uvSw1H8kTA", true},
        {"pcl_live_mxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtH4QezbQx", false}, /* too long */
    };

    (void)state;
    run_cases(pcl_validate_portcullis_key, c, PCL_ARRAY_LEN(c));
}

static void
test_pcl_validate_token_plausible_placeholders(void **state)
{
    static const struct vcase c[] = {
        {"glpat-Zk3v9QhT2mWx8LpR4nB1", true},
        {"npm_4fGh7Jk2Lm9Np3Qr6St8Uv1Wx5Yz0AbCdEfG", true},
        {"glpat-XXXXXXXXXXX-XXXXXXXX", false},
        {"AKIAIOSFODNN7EXAMPLE", false},
        {"sk_live_YOUR_SECRET_KEY_HERE", false},
        {"hvs.aaaaabbbbbccccc", false},
        {"short", false},
        {"abababababababababab", false}, /* entropy 1 bit per byte */
    };

    (void)state;
    run_cases(pcl_validate_token_plausible, c, PCL_ARRAY_LEN(c));
}

static bool
placeholder_fn(const char *s, size_t n)
{
    return pcl_validate_is_placeholder(s, n);
}

static void
test_pcl_validate_is_placeholder_templates(void **state)
{
    static const struct vcase c[] = {
        {"${DB_PASSWORD}", true},
        {"$PASSWORD", true},
        {"{{ .Values.pass }}", true},
        {"%(password)s", true},
        {"<password>", true},
        {"[PASSWORD]", true},
        {"{SumoAccessKey}", true},
        {"********", true},
        {"xxxxxxxx", true},
        {"changeme", true},
        {"password", true},
        {"your-token", true},
        {"pass", true},
        {"", true},
        {"hR7#kq9!Lm2", false},
        {"{ZqL5kVrX1n8tA2}", false},
        {"deadbeef", false},
        {"p@ss:w0rd", false},
    };

    (void)state;
    run_cases(placeholder_fn, c, PCL_ARRAY_LEN(c));
}

static void
test_pcl_validate_aws_cases(void **state)
{
    static const struct vcase ids[] = {
        {"AKIAZ7Q4M2XW5R3TY6PL", true},
        {"AKIAIOSFODNN7EXAMPLE", false},
        {"AKIAXXXXXXXXXXXXXXXX", false},
        {"AKIATESTTESTTESTTEST", false},
    };
    static const struct vcase secrets[] = {
        {"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", true},
        {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", false},
        {"da39a3ee5e6b4b0d3255bfef95601890afd80709", false}, /* sha1 hex */
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN", false},
        {"k3J9vQ2m/Xw8LpR4nB1+Zt6Hy0Uc5Ed7Fg2Ai9O", false}, /* 39 chars */
    };

    (void)state;
    run_cases(pcl_validate_aws_key_id, ids, PCL_ARRAY_LEN(ids));
    run_cases(pcl_validate_aws_secret, secrets, PCL_ARRAY_LEN(secrets));
}

static void
test_pcl_validate_jwt_header(void **state)
{
    static const struct vcase c[] = {
        /* {"alg":"HS256","typ":"JWT"} */
        {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl", true},
        /* alg none, empty signature */
        {"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", true},
        /* {"typ":"JWT"}: no alg */
        {"eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl", false},
        /* ["alg"]: not an object */
        {"WyJhbGciXQ.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl", false},
        /* random base64url that does not decode to text */
        {"eyJ8fj2kLq9Zx7Pw3Nm5Rt.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", false},
        {"eyJhbGciOiJIUzI1NiJ9", false}, /* no dot */
    };

    (void)state;
    run_cases(pcl_validate_jwt, c, PCL_ARRAY_LEN(c));
}

static void
test_pcl_validate_azure_cases(void **state)
{
    static const struct vcase keys[] = {
        /* base64 of bytes 0..63 and 100..131 */
        {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+"
         "Pw==",
         true},
        {"ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=", true},
        {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
         "",
         false},
        {"ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB", false}, /* 30 bytes */
    };
    static const struct vcase sigs[] = {
        {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8%3D", true},
        {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", true},
        {"da39a3ee5e6b4b0d3255bfef95601890afd80709", false},      /* hex: 30 bytes */
        {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8%3", false}, /* cut escape */
        {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8%ZZ", false},
    };

    (void)state;
    run_cases(pcl_validate_azure_key, keys, PCL_ARRAY_LEN(keys));
    run_cases(pcl_validate_azure_sas_sig, sigs, PCL_ARRAY_LEN(sigs));
}

static void
test_pcl_validate_private_key_body(void **state)
{
    static const struct vcase c[] = {
        {"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AW"
         "\\nKs14IReLcYgADhoXk56ZzXI=\\n-----END PRIVATE KEY-----",
         true},
        {"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AW"
         "\nKs14IReLcYgADhoXk56ZzXI=\n-----END PRIVATE KEY-----",
         true},
        {"-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----", false},
        {"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", false},
        {"-----BEGIN PRIVATE KEY-----\nyour key goes here, paste it as is please\n-----END "
         "PRIVATE KEY-----",
         false},
    };

    (void)state;
    run_cases(pcl_validate_private_key, c, PCL_ARRAY_LEN(c));
}

static void
test_pcl_validate_generic_secret_filters(void **state)
{
    static const struct vcase c[] = {
        {"hR7#kq9!Lm2", true},
        {"c4ed6c21-9dd5-4a05-8e3f-c56d1151cce8", true},
        {"s.ZC9Ecf4M5g9o34Q6RkzGsj0z", true},
        {"3fea6af1349166ea", true},
        {"changeme", false},
        {"${DB_PASSWORD}", false},
        {"********", false},
        {"/etc/app/secret.txt", false},
        {"https://vault.internal/v1", false},
        {"settings.API_KEY", false},
        {"os.environ", false},
        {"required", false},       /* one class */
        {"1234567890", false},     /* one class */
        {"Passw0rd123456", false}, /* ascending run */
        {"credentials.json", false},
        {"aaaaaa1A", false}, /* run of 6 */
    };

    (void)state;
    run_cases(pcl_validate_generic_secret, c, PCL_ARRAY_LEN(c));
}

static void
test_pcl_validate_curl_user_forms(void **state)
{
    static const struct vcase c[] = {
        {"elastic:P@ssw0rd$1", true},
        {":d2LkV78zLx!t", true},
        {"d2LkV78zLx!t:", true},
        {"\"{acd3c08b-74e8-4f44}\":\"{ZqL5kVrX1n8tA2}\"", true},
        {"kevin:'pRf7vG2h1L8nQkW9'", true},
        {"test:test", false},
        {"user:pass", false},
        {"$USER:$PASSWORD", false},
        {"neo4j:[PASSWORD]", false},
        {":", false},
        {"nocolon", false},
    };

    (void)state;
    run_cases(pcl_validate_curl_user, c, PCL_ARRAY_LEN(c));
}

static void
test_pcl_validate_url_and_auth(void **state)
{
    static const struct vcase url[] = {
        {"S3cr3tPa55", true}, {"deadbeef", true},    {"password", false},
        {"${PASS}", false},   {"<password>", false}, {"****", false},
    };
    static const struct vcase auth[] = {
        {"YnJvd3Nlcjo=", true},  {"5eb4223e-5008-46e5-be67-c7b8f2732305", true},
        {"XXXXXXXXXXXX", false}, {"abcdefghij", false},
        {"YOUR_TOKEN", false},
    };

    (void)state;
    run_cases(pcl_validate_url_password, url, PCL_ARRAY_LEN(url));
    run_cases(pcl_validate_http_auth, auth, PCL_ARRAY_LEN(auth));
}

static void
test_pcl_validate_shape_checks(void **state)
{
    static const struct vcase google[] = {
        {"AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0", true},
        {"AIzaSyabcdefghijklmnopqrstuvwxyz1234567", false},
        {"AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
    };
    static const struct vcase hf[] = {
        {"hf_kQzLmNpRtVwXyBcDfGhJkLmNpQrStVwXyZa", true},
        {"hf_abcdfeghijklmnopqrstuvwxyzabcdefgh", false}, /* one case */
        {"hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false},
    };
    static const struct vcase slack[] = {
        {"https://hooks.slack.com/services/T024TTTTT/BBB72BBL/AZAAA9u0pA4ad666eMgbi555", true},
        {"https://hooks.slack.com/services/T0/B0/XXXXXXXXXXXXXXXXXXXXXXXX", false},
    };

    (void)state;
    run_cases(pcl_validate_google_api_key, google, PCL_ARRAY_LEN(google));
    run_cases(pcl_validate_hf_token, hf, PCL_ARRAY_LEN(hf));
    run_cases(pcl_validate_slack_webhook, slack, PCL_ARRAY_LEN(slack));
}

struct found {
    struct pcl_finding f[64];
    size_t n;
};

static int
collect(void *ctx, const struct pcl_finding *f)
{
    struct found *fd = ctx;

    if (fd->n < PCL_ARRAY_LEN(fd->f)) {
        fd->f[fd->n++] = *f;
    }
    return 0;
}

/* A PEM block with real newlines (not expressible in the one-line golden files) is reported
 * as one finding covering BEGIN through END. */
static void
test_private_key_multiline_whole_block(void **state)
{
    static const char *const blocks[] = {
        "config:\n-----BEGIN RSA PRIVATE KEY-----\n"
        "MIIEpQIBAAKCAQEAn6/O8li+SX4m98LLYt/PKSzEmQ++ZBD7Loh9P13f4yQ92EF3\n"
        "yxR5MsXFu9PRsrYQA7/4UTPHiC4y2sAVCBg4C2yyBpUEtMQjyCESi6Y=\n"
        "-----END RSA PRIVATE KEY-----\ntrailer\n",
        "key = \"\"\"\r\n-----BEGIN OPENSSH PRIVATE KEY-----\r\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\r\n"
        "QyNTUxOQAAACDq3g1Zk8vJ5uW2oN7yQmPq4r9TfL0sXcVbHnJaKdEwMgAAAJg7c3R4\r\n"
        "-----END OPENSSH PRIVATE KEY-----\r\n\"\"\"\n",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n"
        "lQWGBGSVV4YBDAClvRnxezIRy2Yv7SFlzC0iFiRF/O/jePSw+XYhvcrTaqSYTGic\n"
        "=8xQN\n-----END PGP PRIVATE KEY BLOCK-----\n",
    };
    struct pcl_engine_opts o = {.cache_dir = PCL_BINARY_DIR "/cache"};
    struct pcl_engine *e = NULL;
    struct pcl_scratch *s = NULL;
    struct pcl_err err = {0};

    (void)state;
    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_OK);
    assert_int_equal(pcl_scratch_new(e, &s, &err), PCL_OK);
    for (size_t i = 0; i < PCL_ARRAY_LEN(blocks); i++) {
        const char *b = blocks[i];
        const char *begin = strstr(b, "-----BEGIN");
        const char *end = strstr(b, "-----END");
        struct found fd = {.n = 0};
        bool ok = false;

        assert_non_null(begin);
        assert_non_null(end);
        end = strstr(end + 8, "-----") + 5;
        assert_int_equal(pcl_engine_scan(e, s, b, strlen(b), collect, &fd, &err), PCL_OK);
        for (size_t k = 0; k < fd.n; k++) {
            const struct pcl_detector_info *d = pcl_engine_detector(e, fd.f[k].detector);

            if (strcmp(d->type, "PRIVATE_KEY") == 0 && fd.f[k].start == (uint64_t)(begin - b) &&
                fd.f[k].end == (uint64_t)(end - b)) {
                ok = true;
            }
        }
        if (!ok) {
            print_error("block %zu not found whole (%zu findings)\n", i, fd.n);
        }
        assert_true(ok);
    }
    pcl_scratch_free(s);
    pcl_engine_free(e);
}

/* Shapes that look random but are not credentials stay quiet with every default detector. */
static void
test_default_engine_hard_negatives_quiet(void **state)
{
    static const char *const lines[] = {
        "request id 203db13e-70c7-462b-9a3d-bf32640cb0be failed",
        "commit a2480a72004fc40d124495fd59f5b482034fbadd (HEAD -> main)",
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "digest: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "integrity: "
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/"
        "SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
        "The payload is aGVsbG8gd29ybGQsIHRoaXMgaXMgcGxhaW4gcHJvc2UgdGV4dA== in base64.",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "password: ${DB_PASSWORD}",
        "password = \"changeme\"",
        "api_key: <your-api-key>",
        "token = \"****************\"",
        "Authorization: Bearer <token>",
        "postgres://user:password@localhost:5432/app",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----",
        "token_count = 4096",
    };
    struct pcl_engine_opts o = {.cache_dir = PCL_BINARY_DIR "/cache"};
    struct pcl_engine *e = NULL;
    struct pcl_scratch *s = NULL;
    struct pcl_err err = {0};

    (void)state;
    assert_int_equal(pcl_engine_new(&o, &e, &err), PCL_OK);
    assert_int_equal(pcl_scratch_new(e, &s, &err), PCL_OK);
    for (size_t i = 0; i < PCL_ARRAY_LEN(lines); i++) {
        struct found fd = {.n = 0};

        assert_int_equal(pcl_engine_scan(e, s, lines[i], strlen(lines[i]), collect, &fd, &err),
                         PCL_OK);
        for (size_t k = 0; k < fd.n; k++) {
            const struct pcl_detector_info *d = pcl_engine_detector(e, fd.f[k].detector);

            if ((d->categories & PCL_CAT_CREDENTIAL) != 0) {
                print_error("line %zu: unexpected %s in: %s\n", i, d->type, lines[i]);
                fail();
            }
        }
    }
    pcl_scratch_free(s);
    pcl_engine_free(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcl_validate_crc32_base62_known_values),
        cmocka_unit_test(test_pcl_validate_github_token_checksum),
        cmocka_unit_test(test_pcl_validate_portcullis_key_checksum),
        cmocka_unit_test(test_pcl_validate_token_plausible_placeholders),
        cmocka_unit_test(test_pcl_validate_is_placeholder_templates),
        cmocka_unit_test(test_pcl_validate_aws_cases),
        cmocka_unit_test(test_pcl_validate_jwt_header),
        cmocka_unit_test(test_pcl_validate_azure_cases),
        cmocka_unit_test(test_pcl_validate_private_key_body),
        cmocka_unit_test(test_pcl_validate_generic_secret_filters),
        cmocka_unit_test(test_pcl_validate_curl_user_forms),
        cmocka_unit_test(test_pcl_validate_url_and_auth),
        cmocka_unit_test(test_pcl_validate_shape_checks),
        cmocka_unit_test(test_private_key_multiline_whole_block),
        cmocka_unit_test(test_default_engine_hard_negatives_quiet),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
