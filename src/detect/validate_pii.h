/* SPDX-License-Identifier: Apache-2.0 */
/* Validators for the PII, financial and national-id detectors (detectors_pii.c). */
#ifndef PCL_DETECT_VALIDATE_PII_H
#define PCL_DETECT_VALIDATE_PII_H

#include "validate.h"

/* Every validator below has the pcl_validate_fn shape: it takes the candidate s[0..n) as the
 * detector's pattern matched it (separators included), returns true when the value is
 * plausible, never allocates and never reads outside s[0..n). */

/* ---- contact and network ------------------------------------------------------------ */

/* Local part without leading, trailing or doubled dots; domain labels without edge hyphens;
 * rejects image-style names such as icon@2x.png. */
bool pcl_validate_email(const char *s, size_t n);
/* +<country code> number: an assigned ITU country code, 8..15 digits (a "(0)" trunk prefix
 * is not counted), balanced parentheses; +1 numbers must follow the NANP rules. */
bool pcl_validate_phone_e164(const char *s, size_t n);
/* NANP number, optionally with a 1 or 001 prefix and an extension (x123, ext. 123, #123):
 * area code and exchange start with 2-9, the area code is not N9X or N11, the exchange is not
 * N11, and the separators agree unless the area code is in parentheses. */
bool pcl_validate_phone_us(const char *s, size_t n);
/* National numbers whose separators must all be the same character (UK, FR, IN). */
bool pcl_validate_phone_grouped(const char *s, size_t n);
/* German national number: 9..12 digits including the trunk 0. */
bool pcl_validate_phone_de(const char *s, size_t n);
/* Dotted quad (optionally the pattern already bounded it): rejects 0/8, 127/8, 255/8 (those
 * belong to pcl_validate_ipv4_reserved) and all-single-digit quads such as version 1.2.3.4. */
bool pcl_validate_ipv4(const char *s, size_t n);
/* 0.0.0.0, 127.0.0.0/8 and 255.255.255.255 only. */
bool pcl_validate_ipv4_reserved(const char *s, size_t n);
/* RFC 4291 text form: 8 groups, or fewer with exactly one "::", optional dotted-quad tail;
 * compressed forms need 2 explicit groups of which the first has 4 digits, or 3 groups. */
bool pcl_validate_ipv6(const char *s, size_t n);
/* 48-bit MAC: rejects one repeated digit (all-zero, broadcast, 11:11:...) and all-decimal
 * dotted forms. */
bool pcl_validate_mac(const char *s, size_t n);

/* ---- financial ---------------------------------------------------------------------- */

/* Payment card: Luhn, a known IIN range whose lengths include this one, and (when grouped)
 * one separator character and the grouping of its brand (4-4-4-4, Amex 4-6-5, Diners 4-6-4). */
bool pcl_validate_credit_card(const char *s, size_t n);
/* IBAN (either case): country length table, check digits 02..98, ISO 7064 mod 97-10; spaces
 * only between groups of four. */
/* The two letters right before the cluster are an IBAN country code (any case). */
bool pcl_cluster_iban(const char *p, size_t n, size_t cs, size_t ce);
bool pcl_validate_iban(const char *s, size_t n);
/* Length of the IBAN at the start of s[0..n) (the country's length, cut at a group boundary),
 * 0 when that prefix is not a valid IBAN: a match may have swallowed a following word. */
size_t pcl_trim_iban(const char *s, size_t n);
/* Hex-run gates: can this run of hex groups and separators hold an IPv6 / MAC address? The
 * IPv6 gate passes only runs with six ':' or a "::"; the MAC gate, given the run's text, only
 * runs in one of its notations (PCL_MAC_HEXPRE). */
bool pcl_hexgate_ipv6(const struct pcl_hexrun *r);
bool pcl_hexgate_mac(const struct pcl_hexrun *r);
/* Separators every 3 bytes (17 bytes, or 18 with a '.' after), or every 5 (14, or 15). */
#define PCL_MAC_SEPS3 ((uint64_t)0x4924) /* bits 2, 5, 8, 11, 14 */
#define PCL_MAC_SEPS5 (((uint64_t)1 << 4) | ((uint64_t)1 << 9))
#define PCL_MAC_HEXPRE                                                                             \
    {                                                                                              \
        .nseps = 4, .seps = {                                                                      \
            {17, PCL_MAC_SEPS3},                                                                   \
            {18, PCL_MAC_SEPS3 | ((uint64_t)1 << 17)},                                             \
            {14, PCL_MAC_SEPS5},                                                                   \
            {15, PCL_MAC_SEPS5 | ((uint64_t)1 << 14)},                                             \
        }                                                                                          \
    }

/* ABA routing number: Federal Reserve prefix and the 3-7-1 weighted checksum. */
bool pcl_validate_aba(const char *s, size_t n);
/* BIC: ISO 3166 country code at positions 5-6, location code not "0"-prefixed test codes. */
bool pcl_validate_swift(const char *s, size_t n);
/* Bitcoin Base58Check P2PKH (version 0x00) or P2SH (0x05) with a 20-byte hash. */
bool pcl_validate_btc_base58(const char *s, size_t n);
/* Bitcoin segwit address (BIP-173/BIP-350): hrp "bc", v0 programs of 20 or 32 bytes with a
 * bech32 checksum, v1..v16 programs of 2..40 bytes with a bech32m checksum. */
bool pcl_validate_btc_bech32(const char *s, size_t n);
/* 0x + 40 hex digits in mixed case whose case pattern matches EIP-55. */
bool pcl_validate_eth_checksum(const char *s, size_t n);
/* 0x + 40 hex digits in one case; rejects runs such as the zero address. */
bool pcl_validate_eth_plain(const char *s, size_t n);
/* Keccak-256 (the original Keccak padding used by Ethereum, not SHA3-256) of in[0..n). */
void pcl_validate_keccak256(const uint8_t *in, size_t n, uint8_t out[32]);

/* ---- national and health identifiers ------------------------------------------------ */

/* US SSN: area not 000, 666 or 9xx, group not 00, serial not 0000, not a known advertising
 * or placeholder number; separators (if any) are the same character. */
bool pcl_validate_us_ssn(const char *s, size_t n);
/* US ITIN: 9xx, group 50-65, 70-88, 90-92 or 94-99. */
bool pcl_validate_us_itin(const char *s, size_t n);
/* UK NINO: allowed prefix letters and not an unallocated pair (BG, GB, KN, NK, NT, TN, ZZ). */
bool pcl_validate_uk_nino(const char *s, size_t n);
/* NHS number: mod 11 check digit over 10 digits. */
bool pcl_validate_uk_nhs(const char *s, size_t n);
/* Canadian SIN: 9 digits, Luhn, first digit not 0 or 8. */
bool pcl_validate_ca_sin(const char *s, size_t n);
/* Aadhaar: 12 digits, first 2-9, Verhoeff check digit, not a palindrome. */
bool pcl_validate_in_aadhaar(const char *s, size_t n);
/* Spanish DNI/NIF: 8 digits and the mod 23 letter. */
/* Some 8-digit run of the cluster is followed by its DNI check letter (or '-' and it). */
bool pcl_cluster_es_nif(const char *p, size_t n, size_t cs, size_t ce);
bool pcl_validate_es_nif(const char *s, size_t n);
/* Spanish NIE: X/Y/Z mapped to 0/1/2, then the mod 23 letter. */
bool pcl_validate_es_nie(const char *s, size_t n);
/* Italian codice fiscale: the check character over the odd/even tables (omocodia allowed). */
bool pcl_validate_it_fiscal_code(const char *s, size_t n);
/* Polish PESEL: weighted checksum and a real birth date (century coded in the month). */
bool pcl_validate_pl_pesel(const char *s, size_t n);
/* Singapore NRIC/FIN: S/T/F/G/M prefix and the weighted check letter. */
bool pcl_validate_sg_nric_fin(const char *s, size_t n);
/* Australian TFN: 8 or 9 digits, weighted sum divisible by 11. */
bool pcl_validate_au_tfn(const char *s, size_t n);
/* Australian Medicare card number: first digit 2-6, weighted check digit (10 or 11 digits). */
bool pcl_validate_au_medicare(const char *s, size_t n);
/* Australian Business Number: 11 digits, modulus 89. */
bool pcl_validate_au_abn(const char *s, size_t n);
/* Australian Company Number: 9 digits, complement-of-mod-10 check digit. */
bool pcl_validate_au_acn(const char *s, size_t n);
/* US NPI: 10 digits starting 1 or 2, Luhn over the 80840 prefix. */
bool pcl_validate_us_npi(const char *s, size_t n);
/* DEA registration number: registrant letter, name letter or 9, and the DEA check digit. */
bool pcl_validate_us_dea(const char *s, size_t n);
/* Medicare Beneficiary Identifier: per-position classes; dashes at both places or none. */
bool pcl_validate_us_mbi(const char *s, size_t n);
/* Vehicle identification number: ISO 3779 check digit at position 9, valid model year. */
bool pcl_validate_vin(const char *s, size_t n);
/* German identity card number: 7-3-1 check digit over the 9 document characters. */
bool pcl_validate_de_id_card(const char *s, size_t n);
/* German tax id (Steuer-IdNr): 11 digits, first not 0, one digit repeated 2 or 3 times in the
 * first 10, ISO 7064 MOD 11,10 check digit. */
bool pcl_validate_de_tax_id(const char *s, size_t n);
/* French NIR (INSEE number): sex digit (1-4, 7, 8), month, department (2A/2B for Corsica) and the
 * 97-key. */
bool pcl_validate_fr_nir(const char *s, size_t n);
/* Finnish personal identity code: real date, individual number 002-899, mod 31 check. */
/* The first six digits of a HETU are a plausible DDMM date (a cheap group gate). */
bool pcl_check_fi_hetu_date(const char *s, size_t n);
bool pcl_validate_fi_hetu(const char *s, size_t n);
/* Dutch BSN: 9 digits, the "11-proef". */
bool pcl_validate_nl_bsn(const char *s, size_t n);

#endif
