/* SPDX-License-Identifier: Apache-2.0 */
/* Validators for the secrets detector table: checksums, structure and placeholder filters. */
#include "validate_secrets.h"

#include <math.h>
#include <sodium.h>
#include <zlib.h>

static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Whether lit occurs in s[0..n); with fold, case-insensitively (lit then lower case). Jumps
 * between occurrences of lit's first byte with memchr(), one cursor per case: validators run
 * this for a dozen words over values as long as a JWT or a private key. */
static bool
lit_in(const char *s, size_t n, const char *lit, bool fold)
{
    size_t ln = strlen(lit);
    size_t span; /* candidate start positions */
    const char *lo = NULL, *up = NULL;
    char c0, c1;

    if (ln == 0 || ln > n) {
        return ln == 0;
    }
    span = n - ln + 1;
    c0 = lit[0];
    c1 = fold && c0 >= 'a' && c0 <= 'z' ? (char)(c0 - 32) : c0;
    for (size_t i = 0; i < span; i++) {
        const char *p;
        size_t k = 1;

        if (lo == NULL || lo < s + i) {
            lo = memchr(s + i, c0, span - i);
            lo = lo != NULL ? lo : s + span;
        }
        if (c1 != c0 && (up == NULL || up < s + i)) {
            up = memchr(s + i, c1, span - i);
            up = up != NULL ? up : s + span;
        }
        p = c1 != c0 && up < lo ? up : lo;
        if (p == s + span) {
            return false;
        }
        i = (size_t)(p - s);
        while (k < ln && (fold ? pcl_lower(s[i + k]) : s[i + k]) == lit[k]) {
            k++;
        }
        if (k == ln) {
            return true;
        }
    }
    return false;
}

static bool
contains(const char *s, size_t n, const char *lit)
{
    return lit_in(s, n, lit, false);
}

static bool
ci_contains(const char *s, size_t n, const char *word)
{
    return lit_in(s, n, word, true);
}

static bool
ci_equals(const char *s, size_t n, const char *word)
{
    size_t wn = strlen(word);

    if (wn != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (pcl_lower(s[i]) != word[i]) {
            return false;
        }
    }
    return true;
}

/* Longest run of one repeated byte. */
static size_t
longest_run(const char *s, size_t n)
{
    size_t best = 0;
    size_t run = 0;

    for (size_t i = 0; i < n; i++) {
        run = (i > 0 && s[i] == s[i - 1]) ? run + 1 : 1;
        best = PCL_MAX(best, run);
    }
    return best;
}

/* Longest run of consecutive ascending bytes: "abcdef", "123456". */
static size_t
longest_ascending(const char *s, size_t n)
{
    size_t best = 0;
    size_t run = 0;

    for (size_t i = 0; i < n; i++) {
        run = (i > 0 && (unsigned char)s[i] == (unsigned char)s[i - 1] + 1u) ? run + 1 : 1;
        best = PCL_MAX(best, run);
    }
    return best;
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

/* Character classes present: lower, upper, digit, and symbols other than the separators
 * '_', '-' and '.', which identifiers and slugs use as freely as letters. */
static unsigned
char_classes(const char *s, size_t n)
{
    bool lo = false;
    bool up = false;
    bool dg = false;
    bool sym = false;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (is_lower(c)) {
            lo = true;
        } else if (is_upper(c)) {
            up = true;
        } else if (pcl_is_digit(c)) {
            dg = true;
        } else if (c != '_' && c != '-' && c != '.') {
            sym = true;
        }
    }
    return (unsigned)lo + (unsigned)up + (unsigned)dg + (unsigned)sym;
}

/* Entropy floor for an n-byte value: random strings shorter than 16 bytes cannot reach
 * 3 bits per byte, so the floor follows log2(n). */
static double
entropy_floor(size_t n)
{
    return PCL_MIN(3.0, 0.7 * log2((double)n));
}

bool
pcl_validate_crc32_base62(const char *body, size_t n, const char *check)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    unsigned long v;
    char enc[6];

    crc = crc32(crc, (const Bytef *)body, (uInt)n);
    v = (unsigned long)(crc & 0xffffffffUL);
    for (size_t i = 6; i-- > 0;) {
        enc[i] = b62[v % 62u];
        v /= 62u;
    }
    return memcmp(enc, check, sizeof(enc)) == 0;
}

static const char *const token_placeholders[] = {
    "example", "sample", "dummy",   "placeholder", "redacted", "changeme",
    "your_",   "your-",  "insert_", "replace_",    NULL,
};

bool
pcl_validate_token_plausible(const char *s, size_t n)
{
    if (n < 8 || longest_run(s, n) >= 5) {
        return false;
    }
    if (pcl_validate_entropy(s, n) < entropy_floor(n)) {
        return false;
    }
    for (size_t i = 0; token_placeholders[i] != NULL; i++) {
        if (ci_contains(s, n, token_placeholders[i])) {
            return false;
        }
    }
    return true;
}

/* Words that mark a value as a template, not a secret: `password = "TODO"` or
 * `api_key: your_key_here` are placeholders people commit, and must not be reported. */
static const char *const value_placeholders[] = {
    "xxx",      "***",    "..",          "changeme", "change_me", "change-me",
    "password", "passwd", "secret",      "token",    "example",   "placeholder",
    "redacted", "dummy",  "your",        "todo",     "fixme",     "undefined",
    "environ",  "getenv", "process.env", NULL,
};

static const char *const value_words[] = {
    "pass",   "pwd",      "null",     "nil",    "none", "true",     "false", "empty",
    "string", "required", "optional", "hidden", "user", "username", "test",  NULL,
};

static bool
is_wrapper(char open, char close)
{
    return (open == '{' && close == '}') || (open == '[' && close == ']') ||
           (open == '(' && close == ')') || (open == '<' && close == '>');
}

/* Only letters, spaces and separators: a name such as {password} or <API KEY>. */
static bool
is_name_like(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!pcl_is_alpha(c) && c != '_' && c != '-' && c != ' ' && c != '.') {
            return false;
        }
    }
    return true;
}

bool
pcl_validate_is_placeholder(const char *s, size_t n)
{
    if (n == 0 || s[0] == '$' || s[0] == '%') {
        return true;
    }
    if (contains(s, n, "{{") || contains(s, n, "${") || contains(s, n, "$(") ||
        contains(s, n, "<") || contains(s, n, ">")) {
        return true;
    }
    if (n >= 2 && is_wrapper(s[0], s[n - 1]) && is_name_like(s + 1, n - 2)) {
        return true;
    }
    if (longest_run(s, n) == n) {
        return true;
    }
    for (size_t i = 0; value_placeholders[i] != NULL; i++) {
        if (ci_contains(s, n, value_placeholders[i])) {
            return true;
        }
    }
    for (size_t i = 0; value_words[i] != NULL; i++) {
        if (ci_equals(s, n, value_words[i])) {
            return true;
        }
    }
    return false;
}

bool
pcl_validate_aws_key_id(const char *s, size_t n)
{
    /* AWS documents AKIAIOSFODNN7EXAMPLE; every key containing EXAMPLE is rejected outright
     * (the plausibility check covers it) rather than scored low, so docs stay quiet. */
    return n == 20 && pcl_validate_token_plausible(s, n);
}

bool
pcl_validate_aws_secret(const char *s, size_t n)
{
    bool up = false;
    bool lo = false;
    bool dg = false;

    if (n != 40) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        up = up || is_upper(s[i]);
        lo = lo || is_lower(s[i]);
        dg = dg || pcl_is_digit(s[i]);
    }
    /* 40 random base64 characters lack one of the classes with probability ~1e-3; hex
     * digests and words lack them always. */
    return up && lo && dg && pcl_validate_token_plausible(s, n);
}

bool
pcl_validate_github_token(const char *s, size_t n)
{
    /* ghp_ + 30-char random body + 6-char base62 CRC-32 of the body. A token whose checksum
     * fails is rejected, not scored low: GitHub has issued checksummed tokens only since
     * 2021, and a random 36-char string passes by chance with probability 2^-32, so a
     * failing candidate is a made-up or mistyped value, never a live credential. */
    if (n != 40 || s[3] != '_') {
        return false;
    }
    return pcl_validate_crc32_base62(s + 4, 30, s + 34);
}

bool
pcl_validate_portcullis_key(const char *s, size_t n)
{
    size_t off = (n >= 9 && memcmp(s, "pcl_live_", 9) == 0) ? 9 : 4;

    /* Same scheme as GitHub: 32-char base62 body + 6-char base62 CRC-32 of the body. */
    if (n != off + 38) {
        return false;
    }
    return pcl_validate_crc32_base62(s + off, 32, s + off + 32);
}

bool
pcl_validate_token(const char *s, size_t n)
{
    return pcl_validate_token_plausible(s, n);
}

bool
pcl_validate_slack_webhook(const char *s, size_t n)
{
    size_t i = n;

    /* only the last path segment is random; T024TTTTT-style ids may repeat letters */
    while (i > 0 && s[i - 1] != '/') {
        i--;
    }
    return pcl_validate_token_plausible(s + i, n - i);
}

bool
pcl_validate_google_api_key(const char *s, size_t n)
{
    return pcl_validate_token_plausible(s, n) && longest_ascending(s, n) < 6;
}

bool
pcl_validate_hf_token(const char *s, size_t n)
{
    bool up = false;
    bool lo = false;

    /* the random body is the last 34 letters; real tokens mix both cases */
    if (n < 34) {
        return false;
    }
    for (size_t i = n - 34; i < n; i++) {
        up = up || is_upper(s[i]);
        lo = lo || is_lower(s[i]);
    }
    return up && lo && pcl_validate_token_plausible(s, n);
}

bool
pcl_validate_notion_token(const char *s, size_t n)
{
    bool alpha = false;

    for (size_t i = 4; i < n; i++) {
        alpha = alpha || pcl_is_alpha(s[i]);
    }
    return alpha && pcl_validate_token_plausible(s, n) && longest_ascending(s, n) < 6;
}

bool
pcl_validate_azure_key(const char *s, size_t n)
{
    uint8_t raw[96];
    size_t len = 0;
    bool ok;

    if (pcl_base64_decode(s, n, PCL_B64_STD, raw, sizeof(raw), &len, NULL) != PCL_OK) {
        return false;
    }
    ok = (len == 32 || len == 64) && longest_run(s, n) < 5 && pcl_validate_entropy(s, n) >= 4.0;
    sodium_memzero(raw, sizeof(raw));
    return ok;
}

static int
hex_val(char c)
{
    if (pcl_is_digit(c)) {
        return c - '0';
    }
    c = pcl_lower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

bool
pcl_validate_azure_sas_sig(const char *s, size_t n)
{
    char dec[128];
    uint8_t raw[96];
    size_t k = 0;
    size_t len = 0;
    bool ok = false;

    /* the signature is base64(HMAC-SHA256), usually percent-encoded in the URL */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (k == sizeof(dec)) {
            goto out;
        }
        if (c == '%') {
            int hi = i + 2 < n ? hex_val(s[i + 1]) : -1;
            int lo = i + 2 < n ? hex_val(s[i + 2]) : -1;

            if (hi < 0 || lo < 0) {
                goto out;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        dec[k++] = c;
    }
    if (pcl_base64_decode(dec, k, PCL_B64_STD, raw, sizeof(raw), &len, NULL) != PCL_OK) {
        goto out;
    }
    ok = len == 32 && longest_run(dec, k) < 5;
out:
    sodium_memzero(dec, sizeof(dec));
    sodium_memzero(raw, sizeof(raw));
    return ok;
}

bool
pcl_validate_jwt(const char *s, size_t n)
{
    uint8_t hdr[768];
    size_t dot = 0;
    size_t len = 0;
    size_t a = 0;
    size_t b;
    bool ok = false;

    while (dot < n && s[dot] != '.') {
        dot++;
    }
    if (dot == n) {
        return false;
    }
    if (pcl_base64_decode(s, dot, PCL_B64_URL, hdr, sizeof(hdr), &len, NULL) != PCL_OK) {
        return false;
    }
    /* a minimal JSON-object check: printable text in braces naming "alg" */
    for (size_t i = 0; i < len; i++) {
        if ((hdr[i] < 0x20 || hdr[i] > 0x7e) && hdr[i] != '\t' && hdr[i] != '\r' &&
            hdr[i] != '\n') {
            goto out;
        }
    }
    b = len;
    while (a < b && (hdr[a] == ' ' || hdr[a] == '\t' || hdr[a] == '\r' || hdr[a] == '\n')) {
        a++;
    }
    while (b > a &&
           (hdr[b - 1] == ' ' || hdr[b - 1] == '\t' || hdr[b - 1] == '\r' || hdr[b - 1] == '\n')) {
        b--;
    }
    if (b - a < 2 || hdr[a] != '{' || hdr[b - 1] != '}') {
        goto out;
    }
    ok = contains((const char *)hdr + a, b - a, "\"alg\"");
out:
    sodium_memzero(hdr, sizeof(hdr));
    return ok;
}

static bool
is_b64_char(char c)
{
    return pcl_is_alnum(c) || c == '+' || c == '/' || c == '=';
}

bool
pcl_validate_private_key(const char *s, size_t n)
{
    char body[1024];
    size_t i = 10;
    size_t k = 0;
    size_t count = 0;
    bool ok;

    /* skip "-----BEGIN ... -----" */
    while (i + 5 <= n && memcmp(s + i, "-----", 5) != 0) {
        i++;
    }
    i += 5;
    for (; i < n; i++) {
        char c = s[i];

        if (c == '-' && i + 8 <= n && memcmp(s + i, "-----END", 8) == 0) {
            break;
        }
        if (c == '\\') {
            i++; /* an escaped newline (\n, \r) or slash inside a JSON/env string */
            continue;
        }
        if (is_b64_char(c)) {
            count++;
            if (k < sizeof(body)) {
                body[k++] = c;
            }
        }
    }
    /* Real keys carry hundreds of high-entropy base64 characters; "...", "<key>" or a
     * lone "MIIE..." stub in documentation do not. */
    ok = count >= 40 && pcl_validate_entropy(body, k) >= 4.0;
    sodium_memzero(body, sizeof(body));
    return ok;
}

bool
pcl_validate_url_password(const char *s, size_t n)
{
    return !pcl_validate_is_placeholder(s, n);
}

static const char *const file_suffixes[] = {
    ".json", ".yaml", ".yml",        ".txt", ".pem", ".key", ".crt",  ".env", ".xml", ".cfg",
    ".conf", ".ini",  ".properties", ".p12", ".pfx", ".jks", ".html", ".js",  ".py",  NULL,
};

/* a.b or a.b.c where every part is an identifier of two or more characters:
 * settings.DB_PASS, self.apiKey, os.environ */
static bool
is_attribute_chain(const char *s, size_t n)
{
    size_t seg = 0;
    size_t dots = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == '.') {
            if (seg < 2) {
                return false;
            }
            dots++;
            seg = 0;
        } else if (pcl_is_alnum(c) || c == '_') {
            if (seg == 0 && pcl_is_digit(c)) {
                return false;
            }
            seg++;
        } else {
            return false;
        }
    }
    return dots > 0 && seg >= 2;
}

bool
pcl_validate_generic_secret(const char *s, size_t n)
{
    if (n < 8 || pcl_validate_is_placeholder(s, n)) {
        return false;
    }
    if (s[0] == '/' || s[0] == '.' || s[0] == '~' || contains(s, n, "://")) {
        return false; /* paths and URLs name where a secret lives, not the secret */
    }
    for (size_t i = 0; file_suffixes[i] != NULL; i++) {
        size_t sl = strlen(file_suffixes[i]);

        if (n > sl && ci_equals(s + n - sl, sl, file_suffixes[i])) {
            return false;
        }
    }
    if (is_attribute_chain(s, n) || char_classes(s, n) < 2 || longest_run(s, n) >= 5) {
        return false;
    }
    if (longest_ascending(s, n) >= 6) {
        return false; /* 123456, abcdef: typed by hand as a stand-in */
    }
    return pcl_validate_entropy(s, n) >= entropy_floor(n);
}

bool
pcl_validate_http_auth(const char *s, size_t n)
{
    if (n < 8 || pcl_validate_is_placeholder(s, n) || longest_run(s, n) >= 5) {
        return false;
    }
    if (char_classes(s, n) < 2 || is_attribute_chain(s, n)) {
        return false;
    }
    return pcl_validate_entropy(s, n) >= entropy_floor(n);
}

/* Strip one pair of matching quotes. */
static void
unquote(const char **p, size_t *n)
{
    if (*n >= 2 && ((*p)[0] == '"' || (*p)[0] == '\'') && (*p)[*n - 1] == (*p)[0]) {
        (*p)++;
        *n -= 2;
    }
}

bool
pcl_validate_curl_user(const char *s, size_t n)
{
    const char *user = s;
    const char *pass;
    size_t un = 0;
    size_t pn;

    /* user part: "quoted", 'quoted' or up to the first colon */
    if (n > 0 && (s[0] == '"' || s[0] == '\'')) {
        un = 1;
        while (un < n && s[un] != s[0]) {
            un++;
        }
        un++;
    } else {
        while (un < n && s[un] != ':') {
            un++;
        }
    }
    if (un >= n || s[un] != ':') {
        return false;
    }
    pass = s + un + 1;
    pn = n - un - 1;
    unquote(&user, &un);
    unquote(&pass, &pn);
    if (un == pn && un > 0 && memcmp(user, pass, un) == 0) {
        return false; /* test:test, admin:admin */
    }
    if (pn == 0) {
        /* -u "key:" sends an API key as the user name */
        pass = user;
        pn = un;
    }
    return pn >= 4 && !pcl_validate_is_placeholder(pass, pn);
}
