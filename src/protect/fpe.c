/* SPDX-License-Identifier: Apache-2.0 */
/* Format- and validity-preserving encryption of single values on top of FF1. */
#include "fpe.h"

#include "ff1.h"
#include "keys.h"

#include <sodium.h>

/* Cycle walking stops here; the expected walk is under 20 steps for every shape we build,
 * so hitting it means something is wrong rather than unlucky. */
#define MAX_WALK 10000
#define BN_BYTES 128 /* holds 26^128 and 10^182 */

struct pcl_fpe {
    struct pcl_ff1 *ff1;
};

enum kind {
    K_GENERIC = 0,
    K_CARD,
    K_EMAIL,
    K_IBAN,
    K_PHONE,
    K_SSN,
    K_IP,
};

static const struct {
    const char *type;
    enum kind kind;
} kinds[] = {
    {.type = "CREDIT_CARD", .kind = K_CARD},   {.type = "EMAIL_ADDRESS", .kind = K_EMAIL},
    {.type = "IBAN_CODE", .kind = K_IBAN},     {.type = "IP_ADDRESS", .kind = K_IP},
    {.type = "PHONE_NUMBER", .kind = K_PHONE}, {.type = "US_SSN", .kind = K_SSN},
};

/* The value being transformed and which of its characters FF1 may change. */
struct shape {
    char v[PCL_FPE_MAX_VALUE]; /* working copy of the value; becomes the output */
    size_t len;
    size_t pos[PCL_FPE_MAX_VAR];    /* indices into v of the variable units, ascending */
    uint8_t radix[PCL_FPE_MAX_VAR]; /* 10 or 26 per character; an IPv4 octet: 10, 90, 156 */
    char base[PCL_FPE_MAX_VAR];     /* '0', 'a' or 'A' */
    uint8_t width[PCL_FPE_MAX_VAR]; /* characters per unit: 1, or an octet's 1-3 digits */
    uint8_t low[PCL_FPE_MAX_VAR];   /* smallest value of a multi-digit unit: 10 or 100 */
    size_t nvar;
    enum kind kind;
    unsigned tier;       /* e-mail: 1 local part, 2 + domain labels, 3 + TLD */
    bool mixed;          /* radices differ: FF1 runs over NUM(value) written in
                            radix ff1_radix, cycle walking below the product */
    unsigned radix_all;  /* the radix when not mixed */
    unsigned ff1_radix;  /* radix FF1 runs in */
    size_t d;            /* FF1 numerals */
    uint8_t m[BN_BYTES]; /* mixed: product of the radices */
    size_t bnw;          /* mixed: bytes of big-number arithmetic needed */
};

enum pcl_rc
pcl_fpe_new(const struct pcl_protect_key *k, struct pcl_fpe **out, struct pcl_err *err)
{
    uint8_t sub[PCL_PROTECT_KEY_LEN];
    struct pcl_fpe *f;
    enum pcl_rc rc;

    *out = NULL;
    f = pcl_calloc(1, sizeof(*f));
    if (f == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "fpe: out of memory");
    }
    pcl_protect_key_derive(k, PCL_SUBKEY_FPE, sub);
    rc = pcl_ff1_new(sub, sizeof(sub), &f->ff1, err);
    sodium_memzero(sub, sizeof(sub));
    if (rc != PCL_OK) {
        pcl_free(f);
        return rc;
    }
    *out = f;
    return PCL_OK;
}

void
pcl_fpe_free(struct pcl_fpe *f)
{
    if (f == NULL) {
        return;
    }
    pcl_ff1_free(f->ff1);
    pcl_free(f);
}

char
pcl_fpe_luhn_digit(const char *d, size_t n)
{
    unsigned sum = 0;
    bool dbl = true; /* the digit left of the check digit is doubled */

    for (size_t i = n; i-- > 0;) {
        unsigned v = (unsigned)(d[i] - '0');

        if (dbl) {
            v *= 2;
            if (v > 9) {
                v -= 9;
            }
        }
        sum += v;
        dbl = !dbl;
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

static unsigned
mod97_add(unsigned rem, char c)
{
    if (pcl_is_digit(c)) {
        return (rem * 10 + (unsigned)(c - '0')) % 97;
    }
    return (rem * 100 + 10 + (unsigned)(pcl_lower(c) - 'a')) % 97;
}

/* Upper/lower letters and digits of an IBAN, spaces and other separators dropped. */
static size_t
iban_chars(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (pcl_is_alnum(s[i])) {
            if (k == cap) {
                return 0;
            }
            out[k++] = s[i];
        }
    }
    return k;
}

bool
pcl_fpe_iban_ok(const char *s, size_t n)
{
    char c[64];
    size_t k = iban_chars(s, n, c, sizeof(c));
    unsigned rem = 0;

    if (k < 5 || !pcl_is_alpha(c[0]) || !pcl_is_alpha(c[1]) || !pcl_is_digit(c[2]) ||
        !pcl_is_digit(c[3])) {
        return false;
    }
    /* ISO 13616 check digits are 02-98: "00", "01" and "99" pass mod 97 like 97, 98 and 02,
     * but the digits recomputed after encryption would not give them back */
    if ((c[2] == '0' && c[3] <= '1') || (c[2] == '9' && c[3] == '9')) {
        return false;
    }
    for (size_t i = 4; i < k; i++) {
        rem = mod97_add(rem, c[i]);
    }
    for (size_t i = 0; i < 4; i++) {
        rem = mod97_add(rem, c[i]);
    }
    return rem == 1;
}

static enum kind
kind_of(const char *type)
{
    for (size_t i = 0; i < PCL_ARRAY_LEN(kinds); i++) {
        if (strcmp(kinds[i].type, type) == 0) {
            return kinds[i].kind;
        }
    }
    return K_GENERIC;
}

static bool
add_var(struct shape *sh, size_t i)
{
    char c = sh->v[i];

    if (sh->nvar == PCL_FPE_MAX_VAR) {
        return false;
    }
    if (pcl_is_digit(c)) {
        sh->radix[sh->nvar] = 10;
        sh->base[sh->nvar] = '0';
    } else if (c >= 'a' && c <= 'z') {
        sh->radix[sh->nvar] = 26;
        sh->base[sh->nvar] = 'a';
    } else {
        sh->radix[sh->nvar] = 26;
        sh->base[sh->nvar] = 'A';
    }
    sh->width[sh->nvar] = 1;
    sh->low[sh->nvar] = 0;
    sh->pos[sh->nvar++] = i;
    return true;
}

/* Add every letter/digit of v[from, to) whose index among the digits (digits_only) or
 * letters and digits is at least skip and below stop. */
static bool
add_range(struct shape *sh, size_t from, size_t to, bool digits_only, size_t skip, size_t stop)
{
    size_t k = 0;

    for (size_t i = from; i < to; i++) {
        char c = sh->v[i];

        if (digits_only ? !pcl_is_digit(c) : !pcl_is_alnum(c)) {
            continue;
        }
        if (k >= skip && k < stop && !add_var(sh, i)) {
            return false;
        }
        k++;
    }
    return true;
}

/* Saturating product of the radices, compared with FF1's minimum domain. */
static bool
domain_ok(const struct shape *sh)
{
    uint64_t p = 1;

    for (size_t i = 0; i < sh->nvar; i++) {
        p *= sh->radix[i];
        if (p >= PCL_FF1_MIN_DOMAIN) {
            return true;
        }
    }
    return false;
}

static size_t
count_digits(const char *s, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        k += pcl_is_digit(s[i]) ? 1u : 0u;
    }
    return k;
}

/* Copy the digits of s[0..n) into out (cap bytes); 0 when there are more. */
static size_t
digits_of(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (pcl_is_digit(s[i])) {
            if (k == cap) {
                return 0;
            }
            out[k++] = s[i];
        }
    }
    return k;
}

/* Value of variable unit i (0 .. radix-1). */
static unsigned
unit_get(const struct shape *sh, size_t i)
{
    const char *p = sh->v + sh->pos[i];
    unsigned v = 0;

    if (sh->width[i] == 1 && sh->low[i] == 0) {
        return (unsigned)(p[0] - sh->base[i]);
    }
    for (size_t k = 0; k < sh->width[i]; k++) {
        v = v * 10 + (unsigned)(p[k] - '0');
    }
    return v - sh->low[i];
}

static void
unit_set(struct shape *sh, size_t i, unsigned v)
{
    char *p = sh->v + sh->pos[i];

    if (sh->width[i] == 1 && sh->low[i] == 0) {
        p[0] = (char)(sh->base[i] + (char)v);
        return;
    }
    v += sh->low[i];
    for (size_t k = sh->width[i]; k-- > 0;) {
        p[k] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* A dotted IPv4 address: each octet is one unit whose range keeps its digit count and the
 * no-leading-zero, at-most-255 rules, so the output is a valid address of the same shape. */
static enum pcl_rc
shape_ip(struct shape *sh, const char *type, struct pcl_err *err)
{
    size_t i = 0;

    for (int oct = 0; oct < 4; oct++) {
        size_t start = i;
        unsigned val = 0;

        while (i < sh->len && pcl_is_digit(sh->v[i]) && i - start < 3) {
            val = val * 10 + (unsigned)(sh->v[i] - '0');
            i++;
        }
        if (i == start || val > 255 || (i - start > 1 && sh->v[start] == '0') ||
            (oct < 3 && (i >= sh->len || sh->v[i] != '.'))) {
            return pcl_err_set(err, PCL_EINVAL, "fpe: %s value is not a dotted IPv4 address", type);
        }
        sh->pos[sh->nvar] = start;
        sh->width[sh->nvar] = (uint8_t)(i - start);
        sh->base[sh->nvar] = '0';
        sh->radix[sh->nvar] = i - start == 1 ? 10 : (i - start == 2 ? 90 : 156);
        sh->low[sh->nvar] = i - start == 1 ? 0 : (i - start == 2 ? 10 : 100);
        sh->nvar++;
        if (oct < 3) {
            i++; /* the dot */
        }
    }
    if (i != sh->len) {
        return pcl_err_set(err, PCL_EINVAL, "fpe: %s value is not a dotted IPv4 address", type);
    }
    return PCL_OK;
}

static enum pcl_rc
shape_email(struct shape *sh, struct pcl_err *err)
{
    const char *at = NULL;
    size_t a;
    size_t dot;

    for (size_t i = sh->len; i-- > 0;) {
        if (sh->v[i] == '@') {
            at = sh->v + i;
            break;
        }
    }
    if (at == NULL) {
        return add_range(sh, 0, sh->len, false, 0, SIZE_MAX)
                   ? PCL_OK
                   : pcl_err_set(err, PCL_EINVAL, "fpe: value too long");
    }
    a = (size_t)(at - sh->v);
    dot = sh->len;
    for (size_t i = sh->len; i-- > a;) {
        if (sh->v[i] == '.') {
            dot = i;
            break;
        }
    }
    /* Widen only as far as FF1 needs: the tier is a function of the shape, which encryption
     * keeps, so decryption picks the same one. */
    sh->tier = 1;
    if (!add_range(sh, 0, a, false, 0, SIZE_MAX)) {
        return pcl_err_set(err, PCL_EINVAL, "fpe: value too long");
    }
    if (!domain_ok(sh)) {
        sh->tier = 2;
        if (!add_range(sh, a + 1, dot, false, 0, SIZE_MAX)) {
            return pcl_err_set(err, PCL_EINVAL, "fpe: value too long");
        }
    }
    if (!domain_ok(sh)) {
        sh->tier = 3;
        if (!add_range(sh, dot, sh->len, false, 0, SIZE_MAX)) {
            return pcl_err_set(err, PCL_EINVAL, "fpe: value too long");
        }
    }
    return PCL_OK;
}

/* Leading digits of a phone number that stay: they carry the country code, trunk prefix or
 * range detectors key on. '+' keeps two, a trunk '0' two, anything else its first digit;
 * these digits never change, so decryption makes the same choice. */
static size_t
phone_keep(const char *value, size_t len)
{
    size_t first = 0;

    while (first < len && !pcl_is_digit(value[first])) {
        first++;
    }
    if (memchr(value, '+', first) != NULL || (first < len && value[first] == '0')) {
        return 2;
    }
    return 1;
}

static enum pcl_rc
too_long(const char *type, struct pcl_err *err)
{
    return pcl_err_set(err, PCL_EINVAL, "fpe: %s value has more than %d letters and digits", type,
                       PCL_FPE_MAX_VAR);
}

/* Choose the variable characters of sh->v by kind. PCL_EINVAL when the value is not one
 * this kind can encrypt. */
static enum pcl_rc
select_vars(struct shape *sh, const char *type, struct pcl_err *err)
{
    const char *value = sh->v;
    size_t len = sh->len;
    char d[32];
    size_t k;

    switch (sh->kind) {
    case K_CARD:
        k = digits_of(value, len, d, sizeof(d));
        if (k < 12 || k > 19 || pcl_fpe_luhn_digit(d, k - 1) != d[k - 1]) {
            return pcl_err_set(err, PCL_EINVAL,
                               "fpe: %s value is not a Luhn-valid 12 to 19 digit number", type);
        }
        /* keep the 6-digit IIN and the check digit, which is recomputed afterwards */
        return add_range(sh, 0, len, true, 6, k - 1) ? PCL_OK : too_long(type, err);
    case K_IBAN:
        if (!pcl_fpe_iban_ok(value, len)) {
            return pcl_err_set(err, PCL_EINVAL,
                               "fpe: %s value fails the IBAN check (mod 97, check digits 02-98)",
                               type);
        }
        return add_range(sh, 0, len, false, 4, SIZE_MAX) ? PCL_OK : too_long(type, err);
    case K_SSN:
        if (count_digits(value, len) != 9) {
            return pcl_err_set(err, PCL_EINVAL, "fpe: %s value does not have 9 digits", type);
        }
        return add_range(sh, 0, len, true, 0, SIZE_MAX) ? PCL_OK : too_long(type, err);
    case K_PHONE:
        return add_range(sh, 0, len, true, phone_keep(value, len), SIZE_MAX) ? PCL_OK
                                                                             : too_long(type, err);
    case K_EMAIL:
        return shape_email(sh, err);
    case K_IP:
        return shape_ip(sh, type, err);
    case K_GENERIC:
        break;
    }
    return add_range(sh, 0, len, false, 0, SIZE_MAX) ? PCL_OK : too_long(type, err);
}

/* How FF1 runs over the variable units: directly in their common radix, or (mixed radices)
 * over NUM(value) with cycle walking below the product of the radices. */
static void
plan_ff1(struct shape *sh)
{
    uint8_t p[BN_BYTES];
    size_t lead = 0;

    sh->mixed = false;
    sh->radix_all = sh->radix[0];
    for (size_t i = 1; i < sh->nvar; i++) {
        if (sh->radix[i] != sh->radix_all) {
            sh->mixed = true;
        }
    }
    if (!sh->mixed) {
        sh->d = sh->nvar;
        sh->ff1_radix = sh->radix_all;
        return;
    }
    memset(sh->m, 0, sizeof(sh->m));
    sh->m[BN_BYTES - 1] = 1;
    for (size_t i = 0; i < sh->nvar; i++) {
        (void)pcl_bn_muladd(sh->m, BN_BYTES, sh->radix[i], 0);
    }
    while (lead < BN_BYTES - 1 && sh->m[lead] == 0) {
        lead++;
    }
    PCL_ASSERT(lead > 0); /* 26^PCL_FPE_MAX_VAR needs 76 of the 128 bytes */
    sh->bnw = BN_BYTES - lead + 1;
    /* Radix 2 keeps the walk short (the FF1 domain is under twice the value domain); values
     * too long for that many numerals use radix 10. */
    sh->ff1_radix = (BN_BYTES - lead) * 8 <= PCL_FF1_MAX_LEN ? 2u : 10u;
    memset(p, 0, sizeof(p));
    p[BN_BYTES - 1] = 1;
    sh->d = 0;
    while (pcl_bn_cmp(p + lead - 1, sh->m + lead - 1, sh->bnw) < 0) {
        (void)pcl_bn_muladd(p + lead - 1, sh->bnw, sh->ff1_radix, 0);
        sh->d++;
    }
}

static enum pcl_rc
shape_build(struct shape *sh, const char *type, const char *value, size_t len, struct pcl_err *err)
{
    enum pcl_rc rc;

    memset(sh, 0, sizeof(*sh));
    if (len > PCL_FPE_MAX_VALUE) {
        return pcl_err_set(err, PCL_EINVAL, "fpe: %s value longer than %d bytes", type,
                           PCL_FPE_MAX_VALUE);
    }
    memcpy(sh->v, value, len);
    sh->len = len;
    sh->kind = kind_of(type);
    rc = select_vars(sh, type, err);
    if (rc != PCL_OK) {
        return rc;
    }
    if (!domain_ok(sh)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "fpe: %s value too short for format-preserving encryption (fewer "
                           "than 1,000,000 possible values)",
                           type);
    }
    plan_ff1(sh);
    return PCL_OK;
}

/* SSNs detectors reject although their ranges are valid (advertising, placeholders). */
static const char *const ssn_reserved[] = {"078051120", "219099999", "457555462", "123456789"};

/* A small class every output must share with its input, so validity survives: cycle
 * walking within a class is still a permutation. */
static unsigned
shape_class(const struct shape *sh)
{
    char d[32];
    size_t k;

    switch (sh->kind) {
    case K_SSN: {
        unsigned area;
        unsigned group;
        unsigned serial;

        k = digits_of(sh->v, sh->len, d, sizeof(d));
        if (k != 9) {
            return 0;
        }
        area = (unsigned)(d[0] - '0') * 100 + (unsigned)(d[1] - '0') * 10 + (unsigned)(d[2] - '0');
        group = (unsigned)(d[3] - '0') * 10 + (unsigned)(d[4] - '0');
        serial = (unsigned)(d[5] - '0') * 1000 + (unsigned)(d[6] - '0') * 100 +
                 (unsigned)(d[7] - '0') * 10 + (unsigned)(d[8] - '0');
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return 0;
        }
        for (size_t i = 0; i < PCL_ARRAY_LEN(ssn_reserved); i++) {
            if (memcmp(d, ssn_reserved[i], 9) == 0) {
                return 0;
            }
        }
        return 1;
    }
    case K_PHONE: {
        const char *nat = NULL;

        k = digits_of(sh->v, sh->len, d, sizeof(d));
        if (k == 10) {
            nat = d;
        } else if (k == 11 && d[0] == '1') {
            nat = d + 1;
        }
        /* NANP: area code and exchange start 2-9, no N11, area code's middle digit not 9 */
        return (nat != NULL && nat[0] >= '2' && nat[1] != '9' &&
                !(nat[1] == '1' && nat[2] == '1') && nat[3] >= '2' &&
                !(nat[4] == '1' && nat[5] == '1'))
                   ? 1u
                   : 0u;
    }
    case K_IP: {
        /* detectors skip 0/8, loopback and broadcast first octets */
        unsigned q0 = unit_get(sh, 0) + sh->low[0];

        return (q0 != 0 && q0 != 127 && q0 != 255) ? 1u : 0u;
    }
    case K_GENERIC:
    case K_CARD:
    case K_EMAIL:
    case K_IBAN:
        break;
    }
    return 0;
}

static void
shape_fix(struct shape *sh)
{
    if (sh->kind == K_CARD) {
        char d[32];
        size_t k = digits_of(sh->v, sh->len, d, sizeof(d));

        for (size_t i = sh->len; i-- > 0;) {
            if (pcl_is_digit(sh->v[i])) {
                sh->v[i] = pcl_fpe_luhn_digit(d, k - 1);
                break;
            }
        }
    } else if (sh->kind == K_IBAN) {
        char c[64];
        size_t k = iban_chars(sh->v, sh->len, c, sizeof(c));
        unsigned rem = 0;
        unsigned check;
        size_t seen = 0;

        if (k < 5) {
            return; /* shape_build checked the IBAN; keeps the analyser informed */
        }
        for (size_t i = 4; i < k; i++) {
            rem = mod97_add(rem, c[i]);
        }
        rem = mod97_add(rem, c[0]);
        rem = mod97_add(rem, c[1]);
        rem = mod97_add(rem, '0');
        rem = mod97_add(rem, '0');
        check = 98 - rem;
        for (size_t i = 0; i < sh->len; i++) {
            if (!pcl_is_alnum(sh->v[i])) {
                continue;
            }
            if (seen == 2) {
                sh->v[i] = (char)('0' + check / 10);
            } else if (seen == 3) {
                sh->v[i] = (char)('0' + check % 10);
                break;
            }
            seen++;
        }
    }
}

/* Numerals of the current variable characters (not mixed) or NUM(value) in the FF1 radix. */
static void
to_numerals(const struct shape *sh, uint8_t *x)
{
    uint8_t bn[BN_BYTES + 1];

    if (!sh->mixed) {
        for (size_t i = 0; i < sh->nvar; i++) {
            x[i] = (uint8_t)unit_get(sh, i);
        }
        return;
    }
    memset(bn, 0, sh->bnw);
    for (size_t i = 0; i < sh->nvar; i++) {
        (void)pcl_bn_muladd(bn, sh->bnw, sh->radix[i], unit_get(sh, i));
    }
    for (size_t k = sh->d; k-- > 0;) {
        x[k] = (uint8_t)pcl_bn_divmod(bn, sh->bnw, sh->ff1_radix);
    }
    sodium_memzero(bn, sizeof(bn));
}

/* Write numerals back into the variable characters; false when x is outside the mixed
 * domain (cycle walking continues). */
static bool
from_numerals(struct shape *sh, const uint8_t *x)
{
    uint8_t bn[BN_BYTES + 1];
    bool in_range;

    if (!sh->mixed) {
        for (size_t i = 0; i < sh->nvar; i++) {
            unit_set(sh, i, x[i]);
        }
        return true;
    }
    memset(bn, 0, sh->bnw);
    for (size_t k = 0; k < sh->d; k++) {
        (void)pcl_bn_muladd(bn, sh->bnw, sh->ff1_radix, x[k]);
    }
    in_range = pcl_bn_cmp(bn, sh->m + (BN_BYTES - sh->bnw), sh->bnw) < 0;
    if (in_range) {
        for (size_t i = sh->nvar; i-- > 0;) {
            unit_set(sh, i, pcl_bn_divmod(bn, sh->bnw, sh->radix[i]));
        }
    }
    sodium_memzero(bn, sizeof(bn));
    return in_range;
}

static enum pcl_rc
transform(struct pcl_fpe *f, const char *type, const char *value, size_t len, bool dec,
          struct pcl_buf *out, struct pcl_err *err)
{
    struct shape *sh = NULL;
    uint8_t x[PCL_FF1_MAX_LEN] = {0};
    uint8_t tweak[PCL_VAULT_TYPE_MAX + 2];
    size_t tlen = strlen(type);
    unsigned cls;
    enum pcl_rc rc;
    bool done = false;

    if (tlen > PCL_VAULT_TYPE_MAX) {
        return pcl_err_set(err, PCL_EINVAL, "fpe: entity type longer than %d bytes",
                           PCL_VAULT_TYPE_MAX);
    }
    sh = pcl_malloc(sizeof(*sh));
    if (sh == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "fpe: out of memory");
    }
    rc = shape_build(sh, type, value, len, err);
    if (rc != PCL_OK) {
        goto out;
    }
    /* The tweak binds the entity type (and the e-mail tier): the same digits as a phone
     * number and as an SSN encrypt differently. */
    memcpy(tweak, type, tlen);
    tweak[tlen] = 0;
    tweak[tlen + 1] = (uint8_t)sh->tier;
    cls = shape_class(sh);
    to_numerals(sh, x);
    for (unsigned i = 0; i < MAX_WALK && !done; i++) {
        unsigned radix = sh->ff1_radix;

        rc = dec ? pcl_ff1_decrypt(f->ff1, radix, tweak, tlen + 2, x, sh->d, x, err)
                 : pcl_ff1_encrypt(f->ff1, radix, tweak, tlen + 2, x, sh->d, x, err);
        if (rc != PCL_OK) {
            if (rc == PCL_EINVAL) {
                rc = PCL_EINTERNAL; /* the shape was checked: this is a bug, not the input */
            }
            goto out;
        }
        done = from_numerals(sh, x) && shape_class(sh) == cls;
    }
    if (!done) {
        /* Encrypting: treat as unfit (the fallback applies). Decrypting a value encryption
         * produced always converges in the same number of steps. */
        rc = pcl_err_set(err, dec ? PCL_EINTERNAL : PCL_EINVAL,
                         "fpe: %s value: cycle walk did not converge", type);
        goto out;
    }
    shape_fix(sh);
    rc = pcl_buf_append(out, sh->v, sh->len);
    if (rc != PCL_OK) {
        rc = pcl_err_set(err, rc, "fpe: output: %s", pcl_rc_str(rc));
    }
out:
    sodium_memzero(x, sizeof(x));
    if (sh != NULL) {
        sodium_memzero(sh, sizeof(*sh));
    }
    pcl_free(sh);
    return rc;
}

enum pcl_rc
pcl_fpe_encrypt(struct pcl_fpe *f, const char *type, const char *value, size_t len,
                struct pcl_buf *out, struct pcl_err *err)
{
    return transform(f, type, value, len, false, out, err);
}

enum pcl_rc
pcl_fpe_decrypt(struct pcl_fpe *f, const char *type, const char *value, size_t len,
                struct pcl_buf *out, struct pcl_err *err)
{
    return transform(f, type, value, len, true, out, err);
}
