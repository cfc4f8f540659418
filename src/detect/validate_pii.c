/* SPDX-License-Identifier: Apache-2.0 */
/* Checksum and structure validators for the PII, financial and national-id detectors. */
#include "validate_pii.h"

/* ---- small helpers ------------------------------------------------------------------ */

static unsigned
dv(char c)
{
    return (unsigned)(c - '0');
}

static bool
is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool
is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool
is_hex(char c)
{
    return pcl_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char
upper(char c)
{
    return is_lower(c) ? (char)(c - 32) : c;
}

/* c is one of the bytes of the NUL-terminated set (never the NUL itself). */
static bool
in_set(const char *set, char c)
{
    for (; *set != '\0'; set++) {
        if (*set == c) {
            return true;
        }
    }
    return false;
}

/* Every byte that is neither a letter nor a digit is the same separator. */
static bool
one_separator(const char *s, size_t n)
{
    char sep = 0;

    for (size_t i = 0; i < n; i++) {
        if (pcl_is_alnum(s[i])) {
            continue;
        }
        if (sep == 0) {
            sep = s[i];
        } else if (s[i] != sep) {
            return false;
        }
    }
    return true;
}

static bool
all_same(const char *d, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (d[i] != d[0]) {
            return false;
        }
    }
    return true;
}

/* Copy letters and digits of s[0..n) to out (upper-cased); returns the count, or 0 when
 * there are more than cap of them. */
static size_t
alnum_of(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (pcl_is_alnum(s[i])) {
            if (k == cap) {
                return 0;
            }
            out[k++] = upper(s[i]);
        }
    }
    return k;
}

/* Exactly `want` digits, one separator style; writes them to d (want + 1 bytes). */
static bool
digits_exact(const char *s, size_t n, char *d, size_t want)
{
    return pcl_validate_digits(s, n, d, want + 1) == want && one_separator(s, n) &&
           !all_same(d, want);
}

static bool
is_leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool
date_ok(unsigned y, unsigned m, unsigned d)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned max;

    if (m < 1 || m > 12 || d < 1) {
        return false;
    }
    max = days[m - 1];
    if (m == 2 && is_leap(y)) {
        max = 29;
    }
    return d <= max;
}

static unsigned
two(const char *d)
{
    return dv(d[0]) * 10 + dv(d[1]);
}

/* ---- contact and network ------------------------------------------------------------ */

static bool
eq_lower(const char *s, size_t n, const char *lit)
{
    size_t ln = strlen(lit);

    if (n != ln) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (pcl_lower(s[i]) != lit[i]) {
            return false;
        }
    }
    return true;
}

bool
pcl_validate_email(const char *s, size_t n)
{
    /* File names such as icon@2x.png look like addresses; no such TLD exists. */
    static const char *const exts[] = {"png", "jpg", "jpeg", "gif",  "svg",  "webp",
                                       "bmp", "ico", "tif",  "tiff", "avif", "heic"};
    const char *at = memchr(s, '@', n);
    size_t a;
    size_t start;
    size_t tld = 0;

    if (at == NULL) {
        return false;
    }
    a = (size_t)(at - s);
    if (a == 0 || a + 1 >= n || s[0] == '.' || s[a - 1] == '.') {
        return false;
    }
    for (size_t i = 0; i + 1 < a; i++) {
        if (s[i] == '.' && s[i + 1] == '.') {
            return false;
        }
    }
    start = a + 1;
    for (size_t i = a + 1; i <= n; i++) {
        if (i < n && s[i] != '.') {
            continue;
        }
        if (i == start || s[start] == '-' || s[i - 1] == '-') {
            return false;
        }
        tld = start;
        start = i + 1;
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(exts); i++) {
        if (eq_lower(s + tld, n - tld, exts[i])) {
            return false;
        }
    }
    return true;
}

/* Country calling codes by their first two digits: '2' = a two-digit code, '3' = the
 * prefix of three-digit codes, '0' = spare. Rows start at 20; 1x and 7x are one-digit. */
static const char cc_kind[8][11] = {
    "2333333203", /* 20-29 */
    "2222232332", /* 30-39 */
    "2232222222", /* 40-49 */
    "3222222223", /* 50-59 */
    "2222222333", /* 60-69 */
    "0000000000", /* 70-79: +7 */
    "3220232330", /* 80-89 */
    "2222223323", /* 90-99 */
};

/* Length of the country code at d, or 0 when unassigned. */
static size_t
cc_len(const char *d)
{
    char k;

    if (d[0] == '1' || d[0] == '7') {
        return 1;
    }
    if (d[0] < '2') {
        return 0;
    }
    k = cc_kind[d[0] - '2'][d[1] - '0'];
    return k == '0' ? 0 : (size_t)(k - '0');
}

static bool
nanp_ok(const char *a)
{
    /* a = 10 digits: area code, exchange, line */
    if (a[0] < '2' || a[1] == '9' || (a[1] == '1' && a[2] == '1')) {
        return false;
    }
    if (a[3] < '2' || (a[4] == '1' && a[5] == '1')) {
        return false;
    }
    return true;
}

/* Digits of an international number after its '+' (a "(0)" trunk prefix skipped) into d;
 * returns the count, or 0 for unbalanced or repeated parentheses or more than cap digits. */
static size_t
e164_digits(const char *s, size_t n, char *d, size_t cap)
{
    size_t k = 0;
    bool open = false;
    bool seen = false;

    for (size_t i = 1; i < n; i++) {
        char c = s[i];

        if (pcl_is_digit(c)) {
            if (k == cap) {
                return 0;
            }
            d[k++] = c;
        } else if (c == '(') {
            if (open || seen) {
                return 0;
            }
            seen = true;
            if (i + 2 < n && s[i + 1] == '0' && s[i + 2] == ')') {
                i += 2; /* "(0)": the national trunk prefix, not part of the number */
            } else {
                open = true;
            }
        } else if (c == ')') {
            if (!open) {
                return 0;
            }
            open = false;
        }
    }
    return open ? 0 : k;
}

bool
pcl_validate_phone_e164(const char *s, size_t n)
{
    char d[16];
    size_t k;

    if (n < 2 || s[0] != '+') {
        return false;
    }
    k = e164_digits(s, n, d, sizeof(d));
    if (k < 8 || k > 15 || cc_len(d) == 0) {
        return false;
    }
    if (d[0] == '1') {
        return k == 11 && nanp_ok(d + 1);
    }
    if (d[0] == '7') {
        return k == 11;
    }
    return true;
}

bool
pcl_validate_phone_us(const char *s, size_t n)
{
    char d[14];
    size_t k;
    const char *a = d;

    /* an extension ("x123", "ext. 123", "#123") is not part of the number */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 'x' || s[i] == 'X' || s[i] == 'e' || s[i] == '#') {
            n = i;
            break;
        }
    }
    while (n > 0 && s[n - 1] == ' ') {
        n--;
    }
    k = pcl_validate_digits(s, n, d, sizeof(d));
    if (k == 13) {
        if (memcmp(d, "001", 3) != 0) {
            return false;
        }
        a = d + 3;
    } else if (k == 11) {
        if (d[0] != '1') {
            return false;
        }
        a = d + 1;
    } else if (k != 10) {
        return false;
    }
    if (!nanp_ok(a)) {
        return false;
    }
    return memchr(s, '(', n) != NULL || one_separator(s, n);
}

bool
pcl_validate_phone_grouped(const char *s, size_t n)
{
    return one_separator(s, n);
}

bool
pcl_validate_phone_de(const char *s, size_t n)
{
    char d[16];
    size_t k = pcl_validate_digits(s, n, d, sizeof(d));

    return k >= 9 && k <= 12 && !all_same(d + 1, k - 1);
}

/* Parse exactly a dotted quad of decimal octets without leading zeros. */
static bool
parse_quad(const char *s, size_t n, unsigned q[4])
{
    size_t i = 0;

    for (unsigned part = 0; part < 4; part++) {
        unsigned v = 0;
        size_t len = 0;

        if (part > 0) {
            if (i >= n || s[i] != '.') {
                return false;
            }
            i++;
        }
        while (i < n && pcl_is_digit(s[i]) && len < 4) {
            v = v * 10 + dv(s[i]);
            i++;
            len++;
        }
        if (len == 0 || len > 3 || v > 255 || (len > 1 && s[i - len] == '0')) {
            return false;
        }
        q[part] = v;
    }
    return i == n;
}

bool
pcl_validate_ipv4(const char *s, size_t n)
{
    unsigned q[4];

    if (!parse_quad(s, n, q)) {
        return false;
    }
    if (q[0] == 0 || q[0] == 127 || q[0] == 255) {
        return false;
    }
    /* 1.2.3.4, 8.8.8.8: version numbers far more often than personal addresses. */
    return !(q[0] < 10 && q[1] < 10 && q[2] < 10 && q[3] < 10);
}

bool
pcl_validate_ipv4_reserved(const char *s, size_t n)
{
    unsigned q[4];

    if (!parse_quad(s, n, q)) {
        return false;
    }
    if (q[0] == 127) {
        return true;
    }
    return (q[0] | q[1] | q[2] | q[3]) == 0 || (q[0] & q[1] & q[2] & q[3]) == 255;
}

/* The shape of an IPv6 text form. */
struct v6_shape {
    size_t groups;    /* 16-bit groups written; a dotted-quad tail counts two */
    size_t first_len; /* hex digits in the first group */
    bool dbl;         /* "::" seen */
};

/* Consume the ":" or "::" after a group at *i; false on anything else or a second "::". */
static bool
v6_separator(const char *s, size_t n, size_t *i, struct v6_shape *v)
{
    if (s[*i] != ':' || *i + 1 == n) {
        return false;
    }
    (*i)++;
    if (s[*i] == ':') {
        if (v->dbl) {
            return false;
        }
        v->dbl = true;
        (*i)++;
    }
    return true;
}

static bool
v6_parse(const char *s, size_t n, struct v6_shape *v)
{
    size_t i = 0;
    unsigned q[4];

    if (s[0] == ':') {
        if (s[1] != ':') {
            return false;
        }
        v->dbl = true;
        i = 2;
    }
    while (i < n) {
        size_t j = i;

        while (j < n && is_hex(s[j]) && j - i < 5) {
            j++;
        }
        if (j < n && s[j] == '.') {
            v->groups += 2;
            return parse_quad(s + i, n - i, q);
        }
        if (j == i || j - i > 4) {
            return false;
        }
        if (v->groups == 0) {
            v->first_len = j - i;
        }
        v->groups++;
        i = j;
        if (i < n && !v6_separator(s, n, &i, v)) {
            return false;
        }
    }
    return true;
}

bool
pcl_validate_ipv6(const char *s, size_t n)
{
    struct v6_shape v = {0};

    if (n < 3 || !v6_parse(s, n, &v)) {
        return false;
    }
    if (v.dbl ? v.groups > 7 : v.groups != 8) {
        return false;
    }
    /* "abc::def" in C++ or Rust paths: ask for a third group or a full first group. */
    return !v.dbl || v.groups >= 3 || (v.groups == 2 && v.first_len == 4 && s[0] != ':');
}

bool
pcl_validate_mac(const char *s, size_t n)
{
    char h[12];
    size_t k = 0;
    bool letter = false;

    for (size_t i = 0; i < n; i++) {
        if (is_hex(s[i])) {
            if (k == sizeof(h)) {
                return false;
            }
            h[k++] = pcl_lower(s[i]);
            letter = letter || !pcl_is_digit(s[i]);
        }
    }
    /* all-zero, broadcast and placeholders such as 11:11:11:11:11:11 */
    if (k != 12 || all_same(h, k)) {
        return false;
    }
    /* Cisco dotted form: 1234.5678.9012 is more likely a number than an address. */
    if (n == 14 && s[4] == '.' && !letter) {
        return false;
    }
    return one_separator(s, n);
}

/* ---- financial ---------------------------------------------------------------------- */

#define LEN(x)       (1u << (x))
#define LENS(lo, hi) ((1u << ((hi) + 1)) - (1u << (lo)))

struct iin_range {
    unsigned lo; /* first `digits` digits, inclusive range */
    unsigned hi;
    unsigned digits;  /* 1-4 */
    uint32_t lengths; /* bit k set = length k allowed */
    bool amex;
    bool diners;
};

static const struct iin_range iin_ranges[] = {
    {.lo = 4, .hi = 4, .digits = 1, .lengths = LEN(13) | LEN(16) | LEN(19)}, /* Visa */
    {.lo = 51, .hi = 55, .digits = 2, .lengths = LEN(16)},                   /* Mastercard */
    {.lo = 2221, .hi = 2720, .digits = 4, .lengths = LEN(16)},      /* Mastercard 2-series */
    {.lo = 2200, .hi = 2204, .digits = 4, .lengths = LENS(16, 19)}, /* Mir */
    {.lo = 34, .hi = 34, .digits = 2, .lengths = LEN(15), .amex = true},
    {.lo = 37, .hi = 37, .digits = 2, .lengths = LEN(15), .amex = true},
    {.lo = 6011, .hi = 6011, .digits = 4, .lengths = LENS(16, 19)}, /* Discover */
    {.lo = 644, .hi = 649, .digits = 3, .lengths = LENS(16, 19)},
    {.lo = 65, .hi = 65, .digits = 2, .lengths = LENS(16, 19)},
    {.lo = 3500, .hi = 3599, .digits = 4, .lengths = LENS(16, 19)}, /* JCB */
    {.lo = 2131, .hi = 2131, .digits = 4, .lengths = LEN(15)},      /* JCB, 15 digits */
    {.lo = 1800, .hi = 1800, .digits = 4, .lengths = LEN(15)},
    {.lo = 300, .hi = 305, .digits = 3, .lengths = LENS(14, 19), .diners = true},
    {.lo = 3095, .hi = 3095, .digits = 4, .lengths = LENS(14, 19), .diners = true},
    {.lo = 36, .hi = 36, .digits = 2, .lengths = LENS(14, 19), .diners = true},
    {.lo = 38, .hi = 39, .digits = 2, .lengths = LENS(14, 19), .diners = true},
    {.lo = 62, .hi = 62, .digits = 2, .lengths = LENS(16, 19)}, /* UnionPay */
    {.lo = 50, .hi = 50, .digits = 2, .lengths = LENS(14, 19)}, /* Maestro */
    {.lo = 56, .hi = 58, .digits = 2, .lengths = LENS(14, 19)},
    {.lo = 6304, .hi = 6304, .digits = 4, .lengths = LENS(14, 19)},
    {.lo = 6759, .hi = 6759, .digits = 4, .lengths = LENS(14, 19)},
    {.lo = 6761, .hi = 6763, .digits = 4, .lengths = LENS(14, 19)},
    {.lo = 60, .hi = 60, .digits = 2, .lengths = LEN(16)}, /* RuPay */
    {.lo = 81, .hi = 82, .digits = 2, .lengths = LEN(16)},
};

bool
pcl_validate_credit_card(const char *s, size_t n)
{
    char d[20];
    size_t k = pcl_validate_digits(s, n, d, sizeof(d));
    size_t runs[8];
    size_t nruns = 0;
    size_t run = 0;
    bool amex = false, diners = false, known = false;
    unsigned prefix[5] = {0}; /* the values of the first 0-4 digits */

    if (k < 13 || k > 19 || !one_separator(s, n) || all_same(d, k)) {
        return false;
    }
    for (unsigned i = 1; i < PCL_ARRAY_LEN(prefix); i++) {
        prefix[i] = prefix[i - 1] * 10 + dv(d[i - 1]);
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(iin_ranges); i++) {
        const struct iin_range *r = &iin_ranges[i];
        unsigned v = prefix[PCL_MIN(r->digits, 4u)];

        if (v >= r->lo && v <= r->hi && (r->lengths & LEN(k)) != 0) {
            known = true;
            amex = r->amex;
            diners = r->diners;
            break;
        }
    }
    if (!known || !pcl_validate_luhn_digits(d, k)) {
        return false;
    }
    if (k == n) {
        return true;
    }
    for (size_t i = 0; i <= n; i++) {
        if (i < n && pcl_is_digit(s[i])) {
            run++;
            continue;
        }
        if (nruns == PCL_ARRAY_LEN(runs)) {
            return false;
        }
        runs[nruns++] = run;
        run = 0;
    }
    if (nruns == 4) {
        return runs[0] == 4 && runs[1] == 4 && runs[2] == 4 && runs[3] == 4;
    }
    if (nruns == 3 && runs[0] == 4 && runs[1] == 6) {
        return (runs[2] == 5 && amex) || (runs[2] == 4 && diners);
    }
    return false;
}

struct iban_country {
    char cc[3];
    unsigned char len;
};

/* SWIFT IBAN registry: total IBAN length per country. */
static const struct iban_country iban_countries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27},
    {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
    {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
    {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24}, {"PL", 28},
    {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28},
    {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

static unsigned
iban_length(const char *cc)
{
    for (size_t i = 0; i < PCL_ARRAY_LEN(iban_countries); i++) {
        if (iban_countries[i].cc[0] == cc[0] && iban_countries[i].cc[1] == cc[1]) {
            return iban_countries[i].len;
        }
    }
    return 0;
}

static unsigned
mod97_step(unsigned rem, char c)
{
    if (pcl_is_digit(c)) {
        return (rem * 10 + dv(c)) % 97;
    }
    return (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
}

size_t
pcl_trim_iban(const char *s, size_t n)
{
    char cc[3] = {0};
    size_t k = 0, want;

    if (n < 4) {
        return 0;
    }
    cc[0] = upper(s[0]);
    cc[1] = upper(s[1]);
    want = iban_length(cc);
    if (want == 0) {
        return 0;
    }
    /* the prefix holding exactly `want` characters, cut only at a group boundary */
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ') {
            k++;
        }
        if (k == want) {
            if (i + 1 < n && s[i + 1] != ' ') {
                return 0;
            }
            return pcl_validate_iban(s, i + 1) ? i + 1 : 0;
        }
    }
    return 0;
}

bool
pcl_cluster_iban(const char *p, size_t n, size_t cs, size_t ce)
{
    char cc[3] = {0};

    (void)n;
    (void)ce;
    if (cs < 2) {
        return false;
    }
    cc[0] = upper(p[cs - 2]);
    cc[1] = upper(p[cs - 1]);
    return iban_length(cc) != 0;
}

bool
pcl_validate_iban(const char *s, size_t n)
{
    char b[34];
    size_t k = 0;
    size_t spaces = 0;
    unsigned rem = 0;
    unsigned check;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ') {
            /* spaces only between groups of four */
            if (k == 0 || k % 4 != 0 || s[i - 1] == ' ') {
                return false;
            }
            spaces++;
        } else if (pcl_is_alnum(s[i])) {
            if (k == sizeof(b)) {
                return false;
            }
            b[k++] = upper(s[i]);
        } else {
            return false;
        }
    }
    if (k < 15 || !is_upper(b[0]) || !is_upper(b[1]) || !pcl_is_digit(b[2]) ||
        !pcl_is_digit(b[3])) {
        return false;
    }
    if (spaces != 0 && spaces != (k - 1) / 4) {
        return false;
    }
    if (iban_length(b) != k) {
        return false;
    }
    check = two(b + 2);
    if (check < 2 || check > 98) {
        return false;
    }
    for (size_t i = 4; i < k; i++) {
        rem = mod97_step(rem, b[i]);
    }
    for (size_t i = 0; i < 4; i++) {
        rem = mod97_step(rem, b[i]);
    }
    return rem == 1;
}

bool
pcl_validate_aba(const char *s, size_t n)
{
    char d[10];
    unsigned p;
    unsigned sum;

    if (!digits_exact(s, n, d, 9)) {
        return false;
    }
    p = two(d);
    if (!(p <= 12 || (p >= 21 && p <= 32) || (p >= 61 && p <= 72) || p == 80)) {
        return false;
    }
    sum = 3 * (dv(d[0]) + dv(d[3]) + dv(d[6])) + 7 * (dv(d[1]) + dv(d[4]) + dv(d[7])) + dv(d[2]) +
          dv(d[5]) + dv(d[8]);
    return sum % 10 == 0;
}

/* ISO 3166-1 alpha-2 codes plus XK (Kosovo, used by SWIFT). */
static const char iso3166[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCH"
    "CICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGN"
    "GPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLI"
    "LKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOM"
    "PAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTD"
    "TFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSXKYEYTZAZMZW";

static bool
country_ok(const char *cc)
{
    for (size_t i = 0; i + 1 < sizeof(iso3166); i += 2) {
        if (iso3166[i] == cc[0] && iso3166[i + 1] == cc[1]) {
            return true;
        }
    }
    return false;
}

bool
pcl_validate_swift(const char *s, size_t n)
{
    if (n != 8 && n != 11) {
        return false;
    }
    for (size_t i = 0; i < 6; i++) {
        if (!is_upper(s[i])) {
            return false;
        }
    }
    if (!country_ok(s + 4)) {
        return false;
    }
    /* location code: a second character '0' marks a test BIC */
    if (s[7] == '0') {
        return false;
    }
    /* branch codes starting with X other than XXX are not issued */
    return n == 8 || s[8] != 'X' || (s[9] == 'X' && s[10] == 'X');
}

bool
pcl_validate_btc_base58(const char *s, size_t n)
{
    uint8_t out[25];
    size_t len = 0;

    if (n < 26 || n > 35) {
        return false;
    }
    if (pcl_base58check_decode(s, n, out, sizeof(out), &len, NULL) != PCL_OK || len != 21) {
        return false;
    }
    return (s[0] == '1' && out[0] == 0x00) || (s[0] == '3' && out[0] == 0x05);
}

bool
pcl_validate_btc_bech32(const char *s, size_t n)
{
    char hrp[84];
    uint8_t data[90];
    uint8_t prog[64];
    size_t dlen = 0;
    size_t plen = 0;
    enum pcl_bech32_variant v = PCL_BECH32;

    if (n < 14 || n > 90) {
        return false;
    }
    if (pcl_bech32_decode(s, n, hrp, sizeof(hrp), data, sizeof(data), &dlen, &v, NULL) != PCL_OK) {
        return false;
    }
    if (strcmp(hrp, "bc") != 0 || dlen < 1 || data[0] > 16) {
        return false;
    }
    if (pcl_bits_convert(data + 1, dlen - 1, 5, 8, false, prog, sizeof(prog), &plen) != PCL_OK) {
        return false;
    }
    if (plen < 2 || plen > 40) {
        return false;
    }
    if (data[0] == 0) {
        return v == PCL_BECH32 && (plen == 20 || plen == 32);
    }
    return v == PCL_BECH32M;
}

/* Keccak-f[1600] (FIPS 202 permutation; Ethereum keeps the pre-standard padding). */
static const uint64_t keccak_rc[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull,
};
/* rho offsets and pi lane order, walking the lanes in pi order starting from lane 1 */
static const unsigned char keccak_rho[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                             27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
static const unsigned char keccak_pi[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                            15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

static uint64_t
rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

static void
keccak_f(uint64_t st[25])
{
    uint64_t bc[5];
    uint64_t t;

    for (size_t round = 0; round < 24; round++) {
        for (size_t i = 0; i < 5; i++) {
            bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
        }
        for (size_t i = 0; i < 5; i++) {
            t = bc[(i + 4) % 5] ^ rotl64(bc[(i + 1) % 5], 1);
            for (size_t j = 0; j < 25; j += 5) {
                st[j + i] ^= t;
            }
        }
        t = st[1];
        for (size_t i = 0; i < 24; i++) {
            size_t j = keccak_pi[i];
            uint64_t next = st[j];

            st[j] = rotl64(t, keccak_rho[i]);
            t = next;
        }
        for (size_t j = 0; j < 25; j += 5) {
            for (size_t i = 0; i < 5; i++) {
                bc[i] = st[j + i];
            }
            for (size_t i = 0; i < 5; i++) {
                st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
            }
        }
        st[0] ^= keccak_rc[round];
    }
}

#define KECCAK256_RATE 136

static void
keccak_absorb(uint64_t st[25], const uint8_t *block)
{
    for (size_t i = 0; i < KECCAK256_RATE / 8; i++) {
        uint64_t lane = 0;

        for (size_t b = 0; b < 8; b++) {
            lane |= (uint64_t)block[i * 8 + b] << (8 * b);
        }
        st[i] ^= lane;
    }
    keccak_f(st);
}

void
pcl_validate_keccak256(const uint8_t *in, size_t n, uint8_t out[32])
{
    uint64_t st[25] = {0};
    uint8_t last[KECCAK256_RATE];

    while (n >= KECCAK256_RATE) {
        keccak_absorb(st, in);
        in += KECCAK256_RATE;
        n -= KECCAK256_RATE;
    }
    memset(last, 0, sizeof(last));
    if (n > 0) {
        memcpy(last, in, n);
    }
    last[n] ^= 0x01; /* Keccak padding; SHA3-256 would use 0x06 */
    last[KECCAK256_RATE - 1] ^= 0x80;
    keccak_absorb(st, last);
    for (size_t i = 0; i < 32; i++) {
        out[i] = (uint8_t)(st[i / 8] >> (8 * (i % 8)));
    }
}

bool
pcl_validate_eth_checksum(const char *s, size_t n)
{
    char lower[40];
    uint8_t h[32];
    bool up = false, low = false;

    if (n != 42 || s[0] != '0' || s[1] != 'x') {
        return false;
    }
    for (size_t i = 0; i < 40; i++) {
        char c = s[i + 2];

        if (!is_hex(c)) {
            return false;
        }
        up = up || is_upper(c);
        low = low || is_lower(c);
        lower[i] = pcl_lower(c);
    }
    if (!up || !low) {
        return false;
    }
    pcl_validate_keccak256((const uint8_t *)lower, sizeof(lower), h);
    for (size_t i = 0; i < 40; i++) {
        char c = s[i + 2];
        unsigned nib = (i % 2 == 0) ? (unsigned)(h[i / 2] >> 4) : (unsigned)(h[i / 2] & 15u);

        if (pcl_is_digit(c)) {
            continue;
        }
        if ((nib >= 8) != is_upper(c)) {
            return false;
        }
    }
    return true;
}

bool
pcl_validate_eth_plain(const char *s, size_t n)
{
    unsigned counts[16] = {0};

    if (n != 42) {
        return false;
    }
    for (size_t i = 2; i < n; i++) {
        char c = pcl_lower(s[i]);
        unsigned v;

        if (!is_hex(c)) {
            return false;
        }
        v = pcl_is_digit(c) ? dv(c) : (unsigned)(c - 'a' + 10);
        /* zero address, burn addresses and other placeholder runs */
        if (++counts[v] > 20) {
            return false;
        }
    }
    return true;
}

/* ---- national and health identifiers ------------------------------------------------ */

bool
pcl_validate_us_ssn(const char *s, size_t n)
{
    static const char *const reserved[] = {
        "078051120", /* Woolworth wallet card */
        "219099999", /* Social Security Board pamphlet */
        "457555462", /* published in advertising */
        "123456789", /* placeholder */
    };
    char d[10];

    if (!digits_exact(s, n, d, 9)) {
        return false;
    }
    if (memcmp(d, "000", 3) == 0 || memcmp(d, "666", 3) == 0 || d[0] == '9') {
        return false;
    }
    if (memcmp(d + 3, "00", 2) == 0 || memcmp(d + 5, "0000", 4) == 0) {
        return false;
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(reserved); i++) {
        if (memcmp(d, reserved[i], 9) == 0) {
            return false;
        }
    }
    return true;
}

bool
pcl_validate_us_itin(const char *s, size_t n)
{
    char d[10];
    unsigned g;

    if (!digits_exact(s, n, d, 9) || d[0] != '9') {
        return false;
    }
    g = two(d + 3);
    return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || g >= 94;
}

bool
pcl_validate_uk_nino(const char *s, size_t n)
{
    static const char *const bad[] = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"};
    char a[9];

    if (alnum_of(s, n, a, sizeof(a)) != 9) {
        return false;
    }
    if (in_set("DFIQUV", a[0]) || in_set("DFIOQUV", a[1])) {
        return false;
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(bad); i++) {
        if (a[0] == bad[i][0] && a[1] == bad[i][1]) {
            return false;
        }
    }
    return a[8] >= 'A' && a[8] <= 'D' && one_separator(s, n);
}

bool
pcl_validate_uk_nhs(const char *s, size_t n)
{
    char d[11];
    unsigned sum = 0;
    unsigned check;

    if (!digits_exact(s, n, d, 10)) {
        return false;
    }
    for (size_t i = 0; i < 9; i++) {
        sum += dv(d[i]) * (unsigned)(10 - i);
    }
    check = 11 - sum % 11;
    if (check == 11) {
        check = 0;
    }
    return check != 10 && check == dv(d[9]);
}

bool
pcl_validate_ca_sin(const char *s, size_t n)
{
    char d[10];

    if (!digits_exact(s, n, d, 9) || d[0] == '0' || d[0] == '8') {
        return false;
    }
    return pcl_validate_luhn_digits(d, 9);
}

static const unsigned char verhoeff_d[10][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
    {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
};
static const unsigned char verhoeff_p[8][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
    {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
};

bool
pcl_validate_in_aadhaar(const char *s, size_t n)
{
    char d[13];
    unsigned c = 0;
    bool palindrome = true;

    if (!digits_exact(s, n, d, 12) || d[0] < '2') {
        return false;
    }
    for (size_t i = 0; i < 6; i++) {
        palindrome = palindrome && d[i] == d[11 - i];
    }
    if (palindrome) {
        return false;
    }
    for (size_t i = 0; i < 12; i++) {
        c = verhoeff_d[c][verhoeff_p[i % 8][dv(d[11 - i])]];
    }
    return c == 0;
}

static const char dni_letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";

static bool
dni_ok(unsigned long num, char letter)
{
    return upper(letter) == dni_letters[num % 23];
}

bool
pcl_validate_es_nif(const char *s, size_t n)
{
    char a[9];
    unsigned long num = 0;

    if (alnum_of(s, n, a, sizeof(a)) != 9) {
        return false;
    }
    for (size_t i = 0; i < 8; i++) {
        if (!pcl_is_digit(a[i])) {
            return false;
        }
        num = num * 10 + dv(a[i]);
    }
    return !all_same(a, 8) && dni_ok(num, a[8]);
}

bool
pcl_cluster_es_nif(const char *p, size_t n, size_t cs, size_t ce)
{
    /* some run of exactly 8 digits followed by its check letter, or '-' and the letter */
    for (size_t i = cs; i < ce;) {
        size_t r = i;

        while (i < ce && pcl_is_digit(p[i])) {
            i++;
        }
        if (i - r == 8) {
            size_t end = i < n && p[i] == '-' ? i + 2 : i + 1;

            if (end <= n && pcl_validate_es_nif(p + r, end - r)) {
                return true;
            }
        }
        while (i < ce && !pcl_is_digit(p[i])) {
            i++;
        }
    }
    return false;
}

bool
pcl_validate_es_nie(const char *s, size_t n)
{
    char a[9];
    unsigned long num;

    if (alnum_of(s, n, a, sizeof(a)) != 9 || a[0] < 'X') {
        return false;
    }
    num = (unsigned long)(a[0] - 'X'); /* X, Y, Z = 0, 1, 2 */
    for (size_t i = 1; i < 8; i++) {
        if (!pcl_is_digit(a[i])) {
            return false;
        }
        num = num * 10 + dv(a[i]);
    }
    return dni_ok(num, a[8]);
}

/* Odd-position values of 0-9 then A-Z in the codice fiscale check. */
static const unsigned char cf_odd[36] = {1,  0, 5, 7,  9,  13, 15, 17, 19, 21, 1,  0,
                                         5,  7, 9, 13, 15, 17, 19, 21, 2,  4,  18, 20,
                                         11, 3, 6, 8,  12, 14, 16, 10, 22, 25, 24, 23};

/* A digit, or its omocodia letter (LMNPQRSTUV = 0-9); returns 10 when neither. */
static unsigned
cf_digit(char c)
{
    static const char omocodia[] = "LMNPQRSTUV";

    if (pcl_is_digit(c)) {
        return dv(c);
    }
    for (unsigned i = 0; omocodia[i] != '\0'; i++) {
        if (omocodia[i] == c) {
            return i;
        }
    }
    return 10;
}

bool
pcl_validate_it_fiscal_code(const char *s, size_t n)
{
    char a[16];
    unsigned sum = 0;
    unsigned day;

    if (n != 16 || alnum_of(s, n, a, sizeof(a)) != 16) {
        return false;
    }
    day = cf_digit(a[9]) * 10 + cf_digit(a[10]);
    if (cf_digit(a[9]) > 9 || cf_digit(a[10]) > 9 ||
        !((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) {
        return false;
    }
    for (size_t i = 0; i < 15; i++) {
        unsigned v = pcl_is_digit(a[i]) ? dv(a[i]) : (unsigned)(a[i] - 'A');

        if (i % 2 == 0) {
            sum += cf_odd[pcl_is_digit(a[i]) ? v : v + 10];
        } else {
            sum += v;
        }
    }
    return a[15] == (char)('A' + sum % 26);
}

bool
pcl_validate_pl_pesel(const char *s, size_t n)
{
    static const unsigned char w[10] = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
    char d[12];
    unsigned sum = 0;
    unsigned yy;
    unsigned mm;
    unsigned dd;
    unsigned year;
    unsigned month;

    if (!digits_exact(s, n, d, 11)) {
        return false;
    }
    for (size_t i = 0; i < 10; i++) {
        sum += dv(d[i]) * w[i];
    }
    if ((10 - sum % 10) % 10 != dv(d[10])) {
        return false;
    }
    yy = two(d);
    mm = two(d + 2);
    dd = two(d + 4);
    month = mm % 20;
    switch (mm / 20) {
    case 0:
        year = 1900 + yy;
        break;
    case 1:
        year = 2000 + yy;
        break;
    case 2:
        year = 2100 + yy;
        break;
    case 3:
        year = 2200 + yy;
        break;
    default:
        year = 1800 + yy;
        break;
    }
    return date_ok(year, month, dd);
}

bool
pcl_validate_sg_nric_fin(const char *s, size_t n)
{
    static const unsigned char w[7] = {2, 7, 6, 5, 4, 3, 2};
    const char *table;
    unsigned sum = 0;

    if (n != 9) {
        return false;
    }
    for (size_t i = 1; i < 8; i++) {
        if (!pcl_is_digit(s[i])) {
            return false;
        }
        sum += dv(s[i]) * w[i - 1];
    }
    switch (s[0]) {
    case 'S':
        table = "JZIHGFEDCBA";
        break;
    case 'T':
        table = "JZIHGFEDCBA";
        sum += 4;
        break;
    case 'F':
        table = "XWUTRQPNMLK";
        break;
    case 'G':
        table = "XWUTRQPNMLK";
        sum += 4;
        break;
    case 'M':
        table = "XWUTRQPNJLK";
        sum += 3;
        break;
    default:
        return false;
    }
    return s[8] == table[sum % 11];
}

static unsigned
weighted(const char *d, const unsigned char *w, size_t n)
{
    unsigned sum = 0;

    for (size_t i = 0; i < n; i++) {
        sum += dv(d[i]) * w[i];
    }
    return sum;
}

bool
pcl_validate_au_tfn(const char *s, size_t n)
{
    static const unsigned char w9[9] = {1, 4, 3, 7, 5, 8, 6, 9, 10};
    static const unsigned char w8[8] = {10, 7, 8, 4, 6, 3, 5, 1};
    char d[10];
    size_t k = pcl_validate_digits(s, n, d, sizeof(d));

    if (!one_separator(s, n) || (k != 8 && k != 9) || all_same(d, k)) {
        return false;
    }
    return weighted(d, k == 9 ? w9 : w8, k) % 11 == 0;
}

bool
pcl_validate_au_medicare(const char *s, size_t n)
{
    static const unsigned char w[8] = {1, 3, 7, 9, 1, 3, 7, 9};
    char d[11];

    if (!digits_exact(s, n, d, 10) || d[0] < '2' || d[0] > '6') {
        return false;
    }
    return weighted(d, w, 8) % 10 == dv(d[8]);
}

bool
pcl_validate_au_abn(const char *s, size_t n)
{
    static const unsigned char w[11] = {10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19};
    char d[12];

    if (!digits_exact(s, n, d, 11) || d[0] == '0') {
        return false;
    }
    d[0] = (char)(d[0] - 1);
    return weighted(d, w, 11) % 89 == 0;
}

bool
pcl_validate_au_acn(const char *s, size_t n)
{
    static const unsigned char w[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    char d[10];

    if (!digits_exact(s, n, d, 9)) {
        return false;
    }
    return (10 - weighted(d, w, 8) % 10) % 10 == dv(d[8]);
}

bool
pcl_validate_us_npi(const char *s, size_t n)
{
    char d[16];

    if (pcl_validate_digits(s, n, d + 5, 11) != 10 || !one_separator(s, n) ||
        (d[5] != '1' && d[5] != '2')) {
        return false;
    }
    /* the card issuer prefix 80840 (ISO 7812 health) */
    d[0] = '8';
    d[1] = '0';
    d[2] = '8';
    d[3] = '4';
    d[4] = '0';
    return pcl_validate_luhn_digits(d, 15);
}

bool
pcl_validate_us_dea(const char *s, size_t n)
{
    const char *d = s + 2;
    unsigned sum;

    if (n != 9 || !in_set("ABCDEFGHJKLMPRSTUX", s[0]) || !(is_upper(s[1]) || s[1] == '9')) {
        return false;
    }
    for (size_t i = 0; i < 7; i++) {
        if (!pcl_is_digit(d[i])) {
            return false;
        }
    }
    if (all_same(d, 7)) {
        return false;
    }
    sum = dv(d[0]) + dv(d[2]) + dv(d[4]) + 2 * (dv(d[1]) + dv(d[3]) + dv(d[5]));
    return sum % 10 == dv(d[6]);
}

bool
pcl_validate_us_mbi(const char *s, size_t n)
{
    if (n == 13) {
        return s[4] == '-' && s[8] == '-';
    }
    return n == 11;
}

/* ISO 3779 transliteration of A-Z (0 = not allowed: I, O, Q). */
static const unsigned char vin_value[26] = {1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4,
                                            5, 0, 7, 0, 9, 2, 3, 4, 5, 6, 7, 8, 9};

bool
pcl_validate_vin(const char *s, size_t n)
{
    static const unsigned char w[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    unsigned sum = 0;
    unsigned r;
    bool wmi_letter = false;

    if (n != 17) {
        return false;
    }
    for (size_t i = 0; i < 17; i++) {
        unsigned v;

        if (pcl_is_digit(s[i])) {
            v = dv(s[i]);
        } else if (is_upper(s[i]) && vin_value[s[i] - 'A'] != 0) {
            v = vin_value[s[i] - 'A'];
            wmi_letter = wmi_letter || i < 3;
        } else {
            return false;
        }
        sum += v * w[i];
    }
    /* model year code: never 0, U or Z; serial tail: four digits */
    if (!wmi_letter || s[9] == '0' || s[9] == 'U' || s[9] == 'Z') {
        return false;
    }
    for (size_t i = 13; i < 17; i++) {
        if (!pcl_is_digit(s[i])) {
            return false;
        }
    }
    r = sum % 11;
    return s[8] == (r == 10 ? 'X' : (char)('0' + r));
}

bool
pcl_validate_de_id_card(const char *s, size_t n)
{
    static const unsigned char w[3] = {7, 3, 1};
    unsigned sum = 0;

    if (n != 10 || !pcl_is_digit(s[9])) {
        return false;
    }
    for (size_t i = 0; i < 9; i++) {
        unsigned v;

        if (pcl_is_digit(s[i])) {
            v = dv(s[i]);
        } else if (is_upper(s[i])) {
            v = (unsigned)(s[i] - 'A') + 10;
        } else {
            return false;
        }
        sum += v * w[i % 3];
    }
    return sum % 10 == dv(s[9]);
}

bool
pcl_validate_de_tax_id(const char *s, size_t n)
{
    char d[12];
    unsigned counts[10] = {0};
    unsigned product = 10;
    unsigned repeated = 0;
    unsigned check;

    if (!digits_exact(s, n, d, 11) || d[0] == '0') {
        return false;
    }
    for (size_t i = 0; i < 10; i++) {
        counts[dv(d[i])]++;
    }
    for (size_t i = 0; i < 10; i++) {
        if (counts[i] > 3) {
            return false;
        }
        if (counts[i] >= 2) {
            repeated++;
        }
    }
    if (repeated != 1) {
        return false;
    }
    for (size_t i = 0; i < 10; i++) {
        unsigned sum = (dv(d[i]) + product) % 10;

        if (sum == 0) {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    check = 11 - product;
    if (check == 10) {
        check = 0;
    }
    return check == dv(d[10]);
}

bool
pcl_validate_fr_nir(const char *s, size_t n)
{
    char a[15];
    uint64_t num = 0;
    unsigned month;
    unsigned key;

    if (alnum_of(s, n, a, sizeof(a)) != 15 || !one_separator(s, n) || !in_set("123478", a[0])) {
        return false;
    }
    month = two(a + 3);
    if (!((month >= 1 && month <= 12) || month == 20 || (month >= 30 && month <= 42) ||
          month >= 50)) {
        return false;
    }
    for (size_t i = 0; i < 13; i++) {
        unsigned v;

        if (i == 6 && a[5] == '2' && (a[6] == 'A' || a[6] == 'B')) {
            /* Corsica: 2A and 2B count as 19 and 18 */
            num = num / 10 * 10 + 1;
            v = a[6] == 'A' ? 9 : 8;
        } else if (pcl_is_digit(a[i])) {
            v = dv(a[i]);
        } else {
            return false;
        }
        num = num * 10 + v;
    }
    if (!pcl_is_digit(a[13]) || !pcl_is_digit(a[14])) {
        return false;
    }
    key = two(a + 13);
    return key >= 1 && key <= 97 && key == 97 - (unsigned)(num % 97);
}

bool
pcl_check_fi_hetu_date(const char *s, size_t n)
{
    unsigned dd, mm;

    if (n != 6) {
        return false;
    }
    dd = two(s);
    mm = two(s + 2);
    return dd >= 1 && dd <= 31 && mm >= 1 && mm <= 12;
}

bool
pcl_validate_fi_hetu(const char *s, size_t n)
{
    static const char checks[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";
    unsigned long num = 0;
    unsigned dd;
    unsigned mm;
    unsigned yy;
    unsigned serial;
    unsigned year;
    char sign;

    if (n != 11) {
        return false;
    }
    for (size_t i = 0; i < 10; i++) {
        if (i == 6) {
            continue;
        }
        if (!pcl_is_digit(s[i])) {
            return false;
        }
        num = num * 10 + dv(s[i]);
    }
    dd = two(s);
    mm = two(s + 2);
    yy = two(s + 4);
    sign = s[6];
    if (sign == '+') {
        year = 1800 + yy;
    } else if (sign == '-' || (sign >= 'U' && sign <= 'Y')) {
        year = 1900 + yy;
    } else if (sign >= 'A' && sign <= 'F') {
        year = 2000 + yy;
    } else {
        return false;
    }
    serial = dv(s[7]) * 100 + two(s + 8);
    if (serial < 2 || serial > 899 || !date_ok(year, mm, dd)) {
        return false;
    }
    return s[10] == checks[num % 31];
}

bool
pcl_validate_nl_bsn(const char *s, size_t n)
{
    char d[10];
    unsigned sum = 0;

    if (!digits_exact(s, n, d, 9)) {
        return false;
    }
    for (size_t i = 0; i < 8; i++) {
        sum += dv(d[i]) * (unsigned)(9 - i);
    }
    return sum % 11 == dv(d[8]) % 11;
}

bool
pcl_hexgate_ipv6(const struct pcl_hexrun *r)
{
    /* full form has 7 colons (6 and three dots with an IPv4 tail); compressed forms "::" */
    return r->colons >= 2 && r->max_group <= 4 &&
           (r->double_colon || r->colons >= 7 || (r->colons >= 6 && r->dots >= 3));
}

/* Whether s[0..n) is exactly a MAC in one of the pattern's three notations, or one with a
 * '.' after it (a sentence end). */
static bool
mac_shape(const char *s, size_t n)
{
    if ((n == 18 && s[17] == '.') || (n == 15 && s[14] == '.')) {
        n--;
    }
    if (n == 17 && (s[2] == ':' || s[2] == '-')) {
        for (size_t i = 0; i < 17; i++) {
            if (i % 3 == 2 ? s[i] != s[2] : !is_hex(s[i])) {
                return false;
            }
        }
        return true;
    }
    if (n == 14) {
        for (size_t i = 0; i < 14; i++) {
            if (i % 5 == 4 ? s[i] != '.' : !is_hex(s[i])) {
                return false;
            }
        }
        return true;
    }
    return false;
}

bool
pcl_hexgate_mac(const struct pcl_hexrun *r)
{
    /* The pattern allows no hex digit or separator on either side of a MAC, so a whole run
     * is a MAC or holds none. */
    if (r->text != NULL) {
        return mac_shape(r->text, r->len);
    }
    return (r->colons >= 5 || r->dashes >= 5 || r->dots >= 2) && r->min_group <= 4 &&
           r->groups >= 3;
}
