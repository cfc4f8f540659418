/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the PII validators: published examples, generated valid values and near
 * misses (one changed check digit, wrong ranges, wrong separators). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "detector.h"
#include "validate_pii.h"

struct vcase {
    pcl_validate_fn *fn;
    const char *name;
    const char *in;
    bool expect;
};

#define V(fn, in, expect)                                                                          \
    {                                                                                              \
        pcl_validate_##fn, #fn, in, expect                                                         \
    }

static void
run_cases(const struct vcase *c, size_t n)
{
    unsigned bad = 0;

    for (size_t i = 0; i < n; i++) {
        bool got = c[i].fn(c[i].in, strlen(c[i].in));

        if (got != c[i].expect) {
            print_error("%s(\"%s\") = %d, want %d\n", c[i].name, c[i].in, got, c[i].expect);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void
test_validate_contact_cases(void **state)
{
    static const struct vcase cases[] = {
        V(email, "john.doe@example.com", true),
        V(email, "a+tag@mail.sub.example.co.uk", true),
        V(email, ".john@example.com", false), /* leading dot */
        V(email, "john.@example.com", false), /* trailing dot */
        V(email, "john..doe@example.com", false),
        V(email, "icon@2x.png", false), /* retina asset name */
        V(email, "logo@3x.JPEG", false),
        V(email, "x@-bad.com", false), /* label starts with '-' */
        V(email, "x@bad-.com", false),
        V(phone_e164, "+1 415 555 2671", true),
        V(phone_e164, "+14155552671", true),
        V(phone_e164, "+1 (415) 555-2671", true),
        V(phone_e164, "+44 20 7946 0958", true),
        V(phone_e164, "+44 (0)20 7946 0958", true),
        V(phone_e164, "+49 30 12345678", true),
        V(phone_e164, "+91 98765 43210", true),
        V(phone_e164, "+33 1 23 45 67 89", true),
        V(phone_e164, "+7 912 345-67-89", true),
        V(phone_e164, "+353 1 234 5678", true),
        V(phone_e164, "+1 123 555 2671", false), /* NANP area code starts with 1 */
        V(phone_e164, "+1 415 555 267", false),  /* 10 digits with +1 */
        V(phone_e164, "+28 1234 5678", false),   /* spare country code */
        V(phone_e164, "+83 1234 5678", false),
        V(phone_e164, "+44 (20 7946 0958", false), /* unbalanced */
        V(phone_e164, "+44 20) 7946 0958", false),
        V(phone_e164, "+4420794", false), /* 7 digits */
        V(phone_us, "(415) 555-2671", true),
        V(phone_us, "415-555-2671", true),
        V(phone_us, "415.555.2671", true),
        V(phone_us, "1-800-555-0199", true),
        V(phone_us, "415.555-2671", false), /* mixed separators */
        V(phone_us, "123-555-2671", false), /* area code 1xx */
        V(phone_us, "415-155-2671", false), /* exchange 1xx */
        V(phone_us, "911-555-1234", false), /* N11 */
        V(phone_us, "495-555-1234", false), /* N9X reserved */
        V(phone_us, "415-411-1234", false), /* N11 exchange */
        V(phone_us, "2-415-555-2671", false),
        V(phone_us, "345-899-3560x4587", true),
        V(phone_us, "(415) 555-2671 ext. 12", true),
        V(phone_us, "001-415-555-2671", true),
        V(phone_us, "002-415-555-2671", false),
        V(phone_us, "415-555-2671 #12345", true),
        V(phone_grouped, "020 7946 0958", true),
        V(phone_grouped, "020-7946 0958", false),
        V(phone_de, "030 12345678", true),
        V(phone_de, "(0221) 1234-567", true),
        V(phone_de, "089 1234", false),       /* 7 digits */
        V(phone_de, "030 0000000000", false), /* too long */
        V(ipv4, "192.168.1.10", true),
        V(ipv4, "10.0.0.1", true),
        V(ipv4, "203.0.113.7", true),
        V(ipv4, "1.2.3.4", false), /* version-like */
        V(ipv4, "8.8.8.8", false),
        V(ipv4, "0.0.0.0", false),
        V(ipv4, "127.0.0.1", false),
        V(ipv4, "255.255.255.0", false),
        V(ipv4, "256.1.1.1", false),
        V(ipv4, "01.2.3.40", false), /* leading zero */
        V(ipv4, "10.0.0", false),
        V(ipv4, "10.0.0.1.5", false),
        V(ipv4_reserved, "0.0.0.0", true),
        V(ipv4_reserved, "127.0.0.1", true),
        V(ipv4_reserved, "255.255.255.255", true),
        V(ipv4_reserved, "192.168.0.1", false),
        V(ipv6, "2001:0db8:85a3:0000:0000:8a2e:0370:7334", true),
        V(ipv6, "2001:db8::1", true),
        V(ipv6, "2001:db8:0:0:0:0:2:1", true),
        V(ipv6, "fe80::1", true),
        V(ipv6, "::ffff:192.0.2.128", true),
        V(ipv6, "2001:db8::", true),
        V(ipv6, "::1", false),
        V(ipv6, "::", false),
        V(ipv6, "abc::def", false), /* short groups: code, not an address */
        V(ipv6, "1:2:3:4:5:6:7", false),
        V(ipv6, "1:2:3:4:5:6:7:8:9", false),
        V(ipv6, "1::2::3", false),
        V(ipv6, "12:34:56", false),
        V(ipv6, "00:1A:2B:3C:4D:5E", false),
        V(ipv6, "2001:db8::2:1:", false),
        V(ipv6, "2001:db8::12345", false),
        V(ipv6, "::ffff:192.0.2.256", false),
        V(mac, "00:1A:2B:3C:4D:5E", true),
        V(mac, "00-1a-2b-3c-4d-5e", true),
        V(mac, "0050.56c0.0008", true),
        V(mac, "1234.5678.9012", false), /* all decimal: a number */
        V(mac, "00:00:00:00:00:00", false),
        V(mac, "ff:ff:ff:ff:ff:ff", false),
        V(mac, "FF:ff:FF:ff:FF:ff", false),
        V(mac, "11:11:11:11:11:11", false), /* placeholder */
        V(mac, "00:1A-2B:3C:4D:5E", false),
    };

    (void)state;
    run_cases(cases, PCL_ARRAY_LEN(cases));
}

static void
test_validate_financial_cases(void **state)
{
    static const struct vcase cases[] = {
        V(credit_card, "4111111111111111", true),
        V(credit_card, "4111 1111 1111 1111", true),
        V(credit_card, "4111-1111-1111-1111", true),
        V(credit_card, "5555555555554444", true),
        V(credit_card, "2223003122003222", true), /* Mastercard 2-series */
        V(credit_card, "378282246310005", true),  /* Amex */
        V(credit_card, "3782 822463 10005", true),
        V(credit_card, "6011111111111117", true), /* Discover */
        V(credit_card, "3530111333300000", true), /* JCB */
        V(credit_card, "30569309025904", true),   /* Diners 14 */
        V(credit_card, "3056 930902 5904", true),
        V(credit_card, "6200000000000005", true),     /* UnionPay */
        V(credit_card, "4111111111111111110", true),  /* Visa, 19 digits */
        V(credit_card, "4111 1111-1111 1111", false), /* mixed separators */
        V(credit_card, "4111111111111112", false),    /* Luhn */
        V(credit_card, "3782 8224 6310 005", false),  /* Amex in 4-4-4-3 */
        V(credit_card, "4111 111111 111111", false),
        V(credit_card, "5105 105105 105100", false), /* 16 digits in 4-6-6 */
        V(credit_card, "371449635398431", true),
        V(credit_card, "341111111111111", true),
        V(credit_card, "4222222222222", true),     /* 13-digit Visa */
        V(credit_card, "213176828496175", true),   /* JCB 2131, 15 digits */
        V(credit_card, "180000000000002", true),   /* JCB 1800, 15 digits */
        V(credit_card, "1800000000000002", false), /* JCB 1800 with 16 digits */
        V(credit_card, "5105105105105", false),    /* Mastercard with 13 digits */
        V(credit_card, "1234567812345670", false), /* no issuer */
        V(credit_card, "9111111111111111", false),
        V(credit_card, "5500000000000004", true),
        V(credit_card, "5600000000000000", false), /* Luhn */
        V(credit_card, "3400000000000000", false), /* Amex with 16 digits */
        V(iban, "DE89370400440532013000", true),
        V(iban, "DE89 3704 0044 0532 0130 00", true),
        V(iban, "GB82WEST12345698765432", true),
        V(iban, "GB82 WEST 1234 5698 7654 32", true),
        V(iban, "FR1420041010050500013M02606", true),
        V(iban, "NO9386011117947", true),
        V(iban, "NL91ABNA0417164300", true),
        V(iban, "IT60X0542811101000000123456", true),
        V(iban, "gb82west12345698765432", true),  /* lower case */
        V(iban, "DE89370400440532013001", false), /* mod 97 */
        V(iban, "DE8937040044053201300", false),  /* DE is 22 long */
        V(iban, "XX89370400440532013000", false), /* no such country */
        V(iban, "DE89 37040044 0532 0130 00", false),
        V(iban, "DE89  3704 0044 0532 0130 00", false),
        V(iban, "DE00370400440532013000", false), /* check digits 00 */
        V(aba, "011000015", true),
        V(aba, "021000021", true),
        V(aba, "116442206", true),
        V(aba, "011000016", false),
        V(aba, "131000000", false), /* prefix 13 unused */
        V(aba, "000000000", false),
        V(swift, "DEUTDEFF", true),
        V(swift, "DEUTDEFF500", true),
        V(swift, "BOFAUS3N", true),
        V(swift, "NEDSZAJJXXX", true),
        V(swift, "ABCDXX12", false), /* XX is not a country */
        V(swift, "DEUTDEF0", false), /* test BIC */
        V(swift, "DEUTDEFFXAB", false),
        V(btc_base58, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", true),
        V(btc_base58, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", true),
        V(btc_base58, "16L5yRNPTuciSgXGHqYwn9N6NeoKqopAu", true),
        V(btc_base58, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", false),
        V(btc_base58, "3BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", false),
        V(btc_base58, "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ", false),
        V(btc_bech32, "BC1Q94C3VS4HY6CYGQTZ0J5LHTPJ7HY9XRA3SW6XR7", true),
        V(btc_bech32, "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", true),
        V(btc_bech32, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", true),
        V(btc_bech32, "bc1q94c3vs4hy6cygqtz0j5lhtpj7hy9xra3sw6xr7", true),
        V(btc_bech32, "bc1z587wgd3c2nlc3r8lfw88sawkqqy3x7m5", true),        /* v2, 16 bytes */
        V(btc_bech32, "bc1q94c3vs4hy6cygqtz0j5lhtpj7hy9xra39j22xu", false), /* v0 + bech32m */
        V(btc_bech32, "bc1p587wgd3c2nlc3r8lfw88sawkqrpxsgusgy4geaumxlgtzy2gkraqz8hsuk",
          false),                                                                   /* v1+bech32 */
        V(btc_bech32, "tb1q94c3vs4hy6cygqtz0j5lhtpj7hy9xra36gp4cd", false),         /* testnet */
        V(btc_bech32, "bc1qt989rxhynycjk22r8d7a32tl7p5dal96ja2md4wssykzn0", false), /* v0, 25 B */
        V(btc_bech32, "bc1q94c3vs4hy6cygqtz0j5lhtpj7hy9xra3sw6xr8", false),
        V(eth_checksum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", true),
        V(eth_checksum, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", true),
        V(eth_checksum, "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", true),
        V(eth_checksum, "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", true),
        V(eth_checksum, "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", false), /* one case flip */
        V(eth_checksum, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", false), /* no case info */
        V(eth_checksum, "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", false),
        V(eth_plain, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", true),
        V(eth_plain, "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", true),
        V(eth_plain, "0x0000000000000000000000000000000000000000", false),
        V(eth_plain, "0x000000000000000000000000000000000000dead", false),
    };

    (void)state;
    run_cases(cases, PCL_ARRAY_LEN(cases));
}

static void
test_validate_national_id_cases(void **state)
{
    static const struct vcase cases[] = {
        V(us_ssn, "536-22-8726", true),
        V(us_ssn, "104-44-4945", true),
        V(us_ssn, "536 22 8726", true),
        V(us_ssn, "536228726", true),
        V(us_ssn, "000-12-3456", false),
        V(us_ssn, "666-12-3456", false),
        V(us_ssn, "912-34-5678", false),
        V(us_ssn, "123-00-4567", false),
        V(us_ssn, "123-45-0000", false),
        V(us_ssn, "078-05-1120", false), /* Woolworth */
        V(us_ssn, "123-45-6789", false), /* placeholder */
        V(us_ssn, "111-11-1111", false),
        V(us_ssn, "536-22 8726", false),
        V(us_itin, "912-70-1234", true),
        V(us_itin, "981-81-7982", true),
        V(us_itin, "940-97-2854", true),
        V(us_itin, "912-93-1234", false),
        V(us_itin, "912-66-1234", false),
        V(us_itin, "812-70-1234", false),
        V(uk_nino, "AB123456C", true),
        V(uk_nino, "AB 12 34 56 C", true),
        V(uk_nino, "DA123456C", false), /* D never first */
        V(uk_nino, "AO123456C", false), /* O never second */
        V(uk_nino, "GB123456A", false), /* unallocated pair */
        V(uk_nino, "AB123456E", false),
        V(uk_nhs, "9434765919", true),
        V(uk_nhs, "943 476 5919", true),
        V(uk_nhs, "2940196559", true),
        V(uk_nhs, "9434765918", false),
        V(uk_nhs, "0000000000", false),
        V(ca_sin, "123 456 782", true),
        V(ca_sin, "204332183", true),
        V(ca_sin, "123 456 789", false),
        V(ca_sin, "046 454 286", false), /* Luhn-valid, but 0 is never issued */
        V(in_aadhaar, "8088 3561 5956", true),
        V(in_aadhaar, "348465648230", true),
        V(in_aadhaar, "348465648231", false),
        V(in_aadhaar, "1234 5678 9012", false), /* first digit 1 */
        V(es_nif, "12345678Z", true),
        V(es_nif, "71070189-M", true),
        V(es_nif, "12345678A", false),
        V(es_nie, "X1234567L", true),
        V(es_nie, "Y1234567X", true),
        V(es_nie, "Z1234567R", true),
        V(es_nie, "X1234567T", false),
        V(it_fiscal_code, "MRTMTT25D09F205Z", true),
        V(it_fiscal_code, "RSSMRA85T10A562S", true),
        V(it_fiscal_code, "mrtmtt25d09f205z", true),
        V(it_fiscal_code, "MRTMTT25D09F2L5K", true), /* omocodia */
        V(it_fiscal_code, "MRTMTT25D09F205A", false),
        V(it_fiscal_code, "MRTMTT25D39F205Z", false), /* day 39 */
        V(pl_pesel, "44051401359", true),
        V(pl_pesel, "02270811229", true), /* born 2002 */
        V(pl_pesel, "00222911133", true), /* 29 Feb 2000 */
        V(pl_pesel, "44051401358", false),
        V(pl_pesel, "01023012347", false), /* 30 Feb */
        V(sg_nric_fin, "S1234567D", true),
        V(sg_nric_fin, "T0916998E", true),
        V(sg_nric_fin, "F5435346N", true),
        V(sg_nric_fin, "G2475107X", true),
        V(sg_nric_fin, "M1234567K", true),
        V(sg_nric_fin, "S1234567A", false),
        V(sg_nric_fin, "M1234567L", false),
        V(au_tfn, "123 456 782", true),
        V(au_tfn, "483503056", true),
        V(au_tfn, "123 456 783", false),
        V(au_medicare, "2123 45670 1", true),
        V(au_medicare, "4133387297", true),
        V(au_medicare, "2123 45671 1", false),
        V(au_medicare, "7123456701", false),
        V(au_abn, "51 824 753 556", true),
        V(au_abn, "85655125674", true),
        V(au_abn, "51 824 753 557", false),
        V(au_acn, "004 085 616", true),
        V(au_acn, "000 000 019", true),
        V(au_acn, "004 085 617", false),
        V(us_npi, "1234567893", true),
        V(us_npi, "2360260642", true),
        V(us_npi, "1234567890", false),
        V(us_npi, "3234567893", false),
        V(us_dea, "AB1234563", true),
        V(us_dea, "F94278493", true),
        V(us_dea, "AB1234564", false),
        V(us_dea, "IB1234563", false), /* I is not a registrant type */
        V(us_mbi, "1EG4-TE5-MK73", true),
        V(us_mbi, "1EG4TE5MK73", true),
        V(us_mbi, "1EG4-TE5MK73", false),
        V(vin, "1M8GDM9AXKP042788", true),
        V(vin, "1HGCM82633A004352", true),
        V(vin, "WVWZZZ1J6YW121035", true),
        V(vin, "1M8GDM9A1KP042788", false), /* check digit */
        V(vin, "11111111111111111", false),
        V(vin, "1M8GDM9AXUP042788", false), /* model year U */
        V(de_id_card, "T220001293", true),
        V(de_id_card, "LH60JNP2L6", true),
        V(de_id_card, "T220001294", false),
        V(de_tax_id, "87352916443", true),
        V(de_tax_id, "18 357 826 493", true),
        V(de_tax_id, "87352916444", false),
        V(de_tax_id, "12345678903", false), /* no repeated digit */
        V(de_tax_id, "11112345678", false), /* a digit four times */
        V(fr_nir, "1 84 12 76 451 089 46", true),
        V(fr_nir, "184127645108946", true),
        V(fr_nir, "2 55 08 2A 123 456 46", true), /* Corsica */
        V(fr_nir, "1 84 12 76 451 089 47", false),
        V(fr_nir, "1 84 13 76 451 089 46", false), /* month 13 */
        V(fi_hetu, "131052-308T", true),
        V(fi_hetu, "010105A123P", true),
        V(fi_hetu, "290200A2457", true),
        V(fi_hetu, "131052-308U", false),
        V(fi_hetu, "290201A2457", false), /* 29 Feb 2001 */
        V(fi_hetu, "131052-999T", false), /* serial over 899 */
        V(nl_bsn, "111222333", true),
        V(nl_bsn, "303654144", true),
        V(nl_bsn, "111222334", false),
    };

    (void)state;
    run_cases(cases, PCL_ARRAY_LEN(cases));
}

static void
hex_of(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static void
test_validate_keccak256_vectors(void **state)
{
    static const struct {
        char fill;
        size_t len;
        const char *hex;
    } cases[] = {
        {0, 0, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
        /* rate boundary: 135 bytes pad in one block, 136 need a second, 300 is three blocks */
        {'c', 135, "c05b1ba4c8f046ae743faa70cbe7d4f3f75081d584c7f1bf675dd6e7cc1fc7e8"},
        {'b', 136, "121b76d0b19f3c2c7632310b92c54cddd59d16a6b5aafe84696426f10e5733bf"},
        {'a', 300, "5b7e0e47a96f32a88b4f14ca177982790807c40e1a105742ba0fc1babe1ef826"},
    };
    uint8_t in[300], out[32];
    char hex[65];

    (void)state;
    pcl_validate_keccak256((const uint8_t *)"abc", 3, out);
    hex_of(out, sizeof(out), hex);
    assert_string_equal(hex, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    for (size_t i = 0; i < PCL_ARRAY_LEN(cases); i++) {
        memset(in, cases[i].fill, sizeof(in));
        pcl_validate_keccak256(in, cases[i].len, out);
        hex_of(out, sizeof(out), hex);
        assert_string_equal(hex, cases[i].hex);
    }
}

/* Every validator rejects the empty string and stays inside its input (ASan checks reads). */
static void
test_validate_pii_empty_and_short(void **state)
{
    static pcl_validate_fn *const all[] = {
        pcl_validate_email,          pcl_validate_phone_e164,  pcl_validate_phone_us,
        pcl_validate_phone_de,       pcl_validate_ipv4,        pcl_validate_ipv4_reserved,
        pcl_validate_ipv6,           pcl_validate_mac,         pcl_validate_credit_card,
        pcl_validate_iban,           pcl_validate_aba,         pcl_validate_swift,
        pcl_validate_btc_base58,     pcl_validate_btc_bech32,  pcl_validate_eth_checksum,
        pcl_validate_eth_plain,      pcl_validate_us_ssn,      pcl_validate_us_itin,
        pcl_validate_uk_nino,        pcl_validate_uk_nhs,      pcl_validate_ca_sin,
        pcl_validate_in_aadhaar,     pcl_validate_es_nif,      pcl_validate_es_nie,
        pcl_validate_it_fiscal_code, pcl_validate_pl_pesel,    pcl_validate_sg_nric_fin,
        pcl_validate_au_tfn,         pcl_validate_au_medicare, pcl_validate_au_abn,
        pcl_validate_au_acn,         pcl_validate_us_npi,      pcl_validate_us_dea,
        pcl_validate_us_mbi,         pcl_validate_vin,         pcl_validate_de_id_card,
        pcl_validate_de_tax_id,      pcl_validate_fr_nir,      pcl_validate_fi_hetu,
        pcl_validate_nl_bsn,
    };
    static const char *const junk[] = {"",
                                       "1",
                                       ":",
                                       "::",
                                       "+",
                                       "@",
                                       "0x",
                                       "bc1",
                                       "a.b",
                                       "---------",
                                       "1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1"};

    (void)state;
    for (size_t i = 0; i < PCL_ARRAY_LEN(all); i++) {
        for (size_t j = 0; j < PCL_ARRAY_LEN(junk); j++) {
            size_t len = strlen(junk[j]);
            /* exact-size heap copy without NUL, so an over-read trips ASan */
            char *copy = pcl_malloc(len > 0 ? len : 1);

            assert_non_null(copy);
            memcpy(copy, junk[j], len);
            assert_false(all[i](copy, len));
            pcl_free(copy);
        }
    }
}

/* The cheap checks the engine runs on a digit cluster before PCRE2: each must pass every
 * real value (they are necessary conditions), and should reject common look-alikes. */
static void
test_cluster_checks_cases(void **state)
{
    static const struct {
        const char *text; /* the cluster is text[cs, ce) */
        size_t cs;
        size_t ce;
        bool iban;
        bool nif;
    } cases[] = {
        {"DE89 3704 0044 0532 0130 00", 2, 27, true, false},
        {"de89370400440532013000", 2, 22, true, false}, /* lower-case IBANs are taken */
        {"QQ89 3704", 2, 9, false, false},              /* no such country */
        {"PT30", 2, 4, true, false},                    /* country only: PCRE2 decides */
        {"12345678Z", 0, 8, false, true},
        {"12345678-Z", 0, 8, false, true},
        {"12345678A", 0, 8, false, false},         /* wrong check letter */
        {"id 2024 12345678Z", 3, 16, false, true}, /* the 8-digit run is not the first */
        {"12345678", 0, 8, false, false},          /* no letter */
    };
    static const struct {
        const char *digits;
        bool ok;
    } dates[] = {
        {"131052", true},  {"010100", true},  {"311299", true},  {"001052", false},
        {"321052", false}, {"131352", false}, {"130052", false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].text);

        assert_int_equal(pcl_cluster_iban(cases[i].text, n, cases[i].cs, cases[i].ce),
                         cases[i].iban);
        assert_int_equal(pcl_cluster_es_nif(cases[i].text, n, cases[i].cs, cases[i].ce),
                         cases[i].nif);
    }
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
        assert_int_equal(pcl_check_fi_hetu_date(dates[i].digits, 6), dates[i].ok);
    }
    assert_false(pcl_check_fi_hetu_date("13105", 5));
}

/* An IBAN match may run on into the next word; trimming keeps exactly the country's length,
 * cut at a group boundary, or rejects. */
static void
test_trim_iban_cases(void **state)
{
    static const struct {
        const char *in;
        size_t want;
    } cases[] = {
        {"ES91 2100 0418 4502 0005 1332", 29},
        {"ES91 2100 0418 4502 0005 1332 EUR", 29},
        {"ES91 2100 0418 4502 0005 1332 y", 29},
        {"DE89370400440532013000", 22},
        {"DE893704004405320130001", 0},     /* one digit too many, no boundary to cut at */
        {"DE89 3704 0044 0532 0130 01", 0}, /* mod 97 fails */
        {"QQ89 3704 0044 0532 0130 00", 0}, /* no such country */
        {"DE8", 0},
        {"", 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(pcl_trim_iban(cases[i].in, strlen(cases[i].in)), cases[i].want);
    }
}

static void
test_hexgate_cases(void **state)
{
    static const struct {
        struct pcl_hexrun run;
        bool ipv6;
        bool mac;
    } cases[] = {
        /* 2001:db8::1 */
        {{.colons = 3, .groups = 3, .min_group = 1, .max_group = 4, .double_colon = true},
         true,
         false},
        /* full form, 7 colons: also worth a MAC confirmation (gates are necessary
         * conditions; PCRE2 decides) */
        {{.colons = 7, .groups = 8, .min_group = 4, .max_group = 4}, true, true},
        /* 12:34:56 (a time) */
        {{.colons = 2, .groups = 3, .min_group = 2, .max_group = 2}, false, false},
        /* 00:1a:2b:3c:4d:5e */
        {{.colons = 5, .groups = 6, .min_group = 2, .max_group = 2}, false, true},
        /* 0123.4567.89ab */
        {{.dots = 2, .groups = 3, .min_group = 4, .max_group = 4}, false, true},
        /* 2024-01-01 */
        {{.dashes = 2, .groups = 3, .min_group = 2, .max_group = 4}, false, false},
        /* a 40-hex digest between colons is no IPv6 group */
        {{.colons = 7, .groups = 8, .min_group = 4, .max_group = 40}, false, true},
    };

    /* with the run's text, the MAC gate is exact: the whole run in one notation */
    static const struct {
        const char *text;
        bool mac;
    } texts[] = {
        {"00:1a:2b:3c:4d:5e", true},  {"00-1A-2B-3C-4D-5E", true},
        {"0123.4567.89ab", true},     {"00:1a:2b:3c:4d:5e.", true},
        {"0123.4567.89ab.", true},    {"00:1a:2b:3c:4d:5e:", false},
        {"00:1a-2b:3c:4d:5e", false}, {"00:1a:2b:3c:4d:5e:6f", false},
        {"10.0.0.1", false},          {"1.2.3", false},
        {"12:34:56", false},          {"2001:db8::1", false},
        {"0123.4567.89ab.cd", false}, {"000:1a:2b:3c:4d:5e", false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(pcl_hexgate_ipv6(&cases[i].run), cases[i].ipv6);
        assert_int_equal(pcl_hexgate_mac(&cases[i].run), cases[i].mac);
    }
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct pcl_hexrun r = {.text = texts[i].text, .len = strlen(texts[i].text)};

        assert_int_equal(pcl_hexgate_mac(&r), texts[i].mac);
    }
}

/* xorshift64: deterministic test data */
static uint64_t
next_rand(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* The run as the engine's hex_run() summarises it: text[0..n) is hex digits and ':' '-' '.'. */
static struct pcl_hexrun
hexrun_of(const char *text, size_t n)
{
    struct pcl_hexrun r = {.min_group = UINT32_MAX, .text = text, .len = n};
    uint32_t g = 0;

    for (size_t j = 0; j <= n; j++) {
        char c = j < n ? text[j] : ' ';

        if (c != ':' && c != '-' && c != '.' && c != ' ') {
            g++;
            continue;
        }
        if (g > 0) {
            r.groups++;
            r.min_group = g < r.min_group ? g : r.min_group;
            r.max_group = g > r.max_group ? g : r.max_group;
            g = 0;
        }
        r.colons += c == ':';
        r.dashes += c == '-';
        r.dots += c == '.';
        r.double_colon |= c == ':' && j > 0 && text[j - 1] == ':';
    }
    return r;
}

/* Whether the run r of text shows the cheap condition pre (struct pcl_hexpre). */
static bool
hexpre_holds(const struct pcl_hexpre *pre, const struct pcl_hexrun *r)
{
    uint64_t seps = 0;

    if (pre->min_colons == 0 && !pre->double_colon && pre->nseps == 0) {
        return true;
    }
    if (r->len >= 64) {
        return true;
    }
    for (size_t j = 0; j < r->len; j++) {
        if (r->text[j] == ':' || r->text[j] == '-' || r->text[j] == '.') {
            seps |= (uint64_t)1 << j;
        }
    }
    for (size_t k = 0; k < pre->nseps; k++) {
        if (r->len == pre->seps[k].len && seps == pre->seps[k].at) {
            return true;
        }
    }
    return (pre->min_colons != 0 && r->colons >= pre->min_colons) ||
           (pre->double_colon && r->double_colon);
}

/* Each hex-run row's gate passes only runs that show its row's hexpre condition (the engine
 * skips the others from its masks): address-shaped and random runs, the gates passing many. */
static void
test_hexgate_conditions(void **state)
{
    static const char *const passing[] = {
        "2001:db8::1",
        "::1",
        "fe80::1ff:fe23:4567:890a",
        "1:2:3:4:5:6:7:8",
        "::ffff:10.0.0.1",
        "00:1a:2b:3c:4d:5e",
        "00-1A-2B-3C-4D-5E",
        "0123.4567.89ab",
        "00:1a:2b:3c:4d:5e.",
        "0123.4567.89ab.",
    };
    static const char hexdigits[] = "0123456789abcdefABCDEF";
    static const char *const seps[] = {":", "-", ".", "::", ":", "."};
    uint64_t x = 0x853c49e6748fea9bu;
    char buf[128];
    size_t passed = 0;

    (void)state;
    for (int round = 0; round < 200000; round++) {
        size_t n = 0;

        if (round < (int)(sizeof(passing) / sizeof(passing[0]))) {
            n = strlen(passing[round]);
            memcpy(buf, passing[round], n);
        } else {
            unsigned groups = 1 + (unsigned)(next_rand(&x) % 9);
            unsigned glen = 1 + (unsigned)(next_rand(&x) % 4);
            const char *sep = seps[next_rand(&x) % 6];

            for (unsigned g = 0; g < groups && n + 8 < sizeof(buf); g++) {
                unsigned len = next_rand(&x) % 4 == 0 ? 1 + (unsigned)(next_rand(&x) % 5) : glen;

                for (unsigned k = 0; k < len; k++) {
                    buf[n++] = hexdigits[next_rand(&x) % (sizeof(hexdigits) - 1)];
                }
                if (g + 1 < groups || next_rand(&x) % 8 == 0) {
                    const char *sp = next_rand(&x) % 6 == 0 ? seps[next_rand(&x) % 6] : sep;

                    memcpy(buf + n, sp, strlen(sp));
                    n += strlen(sp);
                }
            }
        }
        for (size_t i = 0; i < pcl_detectors_pii_count; i++) {
            const struct pcl_detector *row = &pcl_detectors_pii[i];
            struct pcl_hexrun r = hexrun_of(buf, n);

            if (row->hexgate != NULL && row->hexgate(&r)) {
                passed++;
                assert_true(hexpre_holds(&row->hexpre, &r));
            }
        }
    }
    assert_true(passed > 10000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_contact_cases),
        cmocka_unit_test(test_validate_financial_cases),
        cmocka_unit_test(test_validate_national_id_cases),
        cmocka_unit_test(test_validate_keccak256_vectors),
        cmocka_unit_test(test_validate_pii_empty_and_short),
        cmocka_unit_test(test_trim_iban_cases),
        cmocka_unit_test(test_hexgate_cases),
        cmocka_unit_test(test_hexgate_conditions),
        cmocka_unit_test(test_cluster_checks_cases),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
