/* SPDX-License-Identifier: Apache-2.0 */
/* Deterministic benchmark corpus: log, prose, CSV and JSON lines full of digit-bearing
 * negatives, with ~2% of lines carrying one planted PII item or secret. */

#include "common.h"

#include <zlib.h>

#define LINE_MAX_LEN  2048
#define OUT_BUF_SIZE  (1u << 20)
#define DEFAULT_SEED  0x5eedc0ffee15b00dULL
#define PLANT_PER_10K 200 /* default: 2% of lines carry one planted item */

/* ---- PRNG: xoshiro256** seeded with splitmix64 (public-domain algorithms) --------------- */

struct prng {
    uint64_t s[4];
};

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z;

    *x += 0x9e3779b97f4a7c15ULL;
    z = *x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void
prng_seed(struct prng *r, uint64_t seed)
{
    size_t i;

    for (i = 0; i < 4; i++) {
        r->s[i] = splitmix64(&seed);
    }
}

static uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t
prng_next(struct prng *r)
{
    uint64_t result = rotl(r->s[1] * 5, 7) * 9;
    uint64_t t = r->s[1] << 17;

    r->s[2] ^= r->s[0];
    r->s[3] ^= r->s[1];
    r->s[1] ^= r->s[2];
    r->s[0] ^= r->s[3];
    r->s[2] ^= t;
    r->s[3] = rotl(r->s[3], 45);
    return result;
}

/* Uniform in [0, n); n > 0. The modulo bias is irrelevant at these ranges. */
static uint32_t
rnd(struct prng *r, uint32_t n)
{
    return (uint32_t)((prng_next(r) >> 32) % n);
}

/* Uniform in [lo, hi]. */
static uint32_t
rnd_range(struct prng *r, uint32_t lo, uint32_t hi)
{
    return lo + rnd(r, hi - lo + 1);
}

#define PICK(r, arr) ((arr)[rnd((r), (uint32_t)PCL_ARRAY_LEN(arr))])

/* ---- line builder ------------------------------------------------------------------- */

struct line {
    char buf[LINE_MAX_LEN];
    size_t len;
};

static void
put(struct line *l, const char *s)
{
    size_t n = strlen(s);

    if (n > LINE_MAX_LEN - 1 - l->len) {
        n = LINE_MAX_LEN - 1 - l->len;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void
putc_(struct line *l, char c)
{
    if (l->len < LINE_MAX_LEN - 1) {
        l->buf[l->len++] = c;
    }
}

static void putf(struct line *l, const char *fmt, ...) PCL_PRINTF(2, 3);

static void
putf(struct line *l, const char *fmt, ...)
{
    va_list ap;
    int n;
    size_t room = LINE_MAX_LEN - l->len;

    va_start(ap, fmt);
    n = vsnprintf(l->buf + l->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    l->len += ((size_t)n < room) ? (size_t)n : room - 1;
}

/* n random characters from alphabet. */
static void
put_rand_chars(struct line *l, struct prng *r, const char *alphabet, size_t n)
{
    size_t k = strlen(alphabet);
    size_t i;

    for (i = 0; i < n; i++) {
        putc_(l, alphabet[rnd(r, (uint32_t)k)]);
    }
}

static const char HEX[] = "0123456789abcdef";
static const char B62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char B64STD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64url without padding of in[0..n). */
static void
put_b64url(struct line *l, const uint8_t *in, size_t n)
{
    size_t i;

    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        putc_(l, B64URL[(v >> 18) & 63]);
        putc_(l, B64URL[(v >> 12) & 63]);
        putc_(l, B64URL[(v >> 6) & 63]);
        putc_(l, B64URL[v & 63]);
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        putc_(l, B64URL[(v >> 18) & 63]);
        putc_(l, B64URL[(v >> 12) & 63]);
    } else if (n - i == 2) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        putc_(l, B64URL[(v >> 18) & 63]);
        putc_(l, B64URL[(v >> 12) & 63]);
        putc_(l, B64URL[(v >> 6) & 63]);
    }
}

/* ---- vocabulary --------------------------------------------------------------------- */

static const char *const FIRST[] = {
    "james",  "mary",      "robert",  "patricia", "john",    "jennifer", "michael", "linda",
    "david",  "elizabeth", "william", "barbara",  "richard", "susan",    "joseph",  "jessica",
    "thomas", "sarah",     "charles", "karen",    "amelie",  "lukas",    "sofia",   "mateo",
    "priya",  "arjun",     "yuki",    "haruto",   "chloe",   "noah",     "emma",    "liam",
    "olivia", "lucas",     "mia",     "elena",    "ivan",
};
static const char *const LAST[] = {
    "smith",    "johnson",   "williams", "brown",     "jones",   "garcia",   "miller",
    "davis",    "rodriguez", "martinez", "hernandez", "lopez",   "gonzalez", "wilson",
    "anderson", "thomas",    "taylor",   "moore",     "jackson", "martin",   "lee",
    "muller",   "schmidt",   "dubois",   "rossi",     "sharma",  "tanaka",   "kowalski",
    "novak",    "silva",     "nielsen",  "okafor",    "chen",    "nguyen",   "kim",
};
static const char *const DOMAINS[] = {
    "example.com", "mail.example.org", "corp.acme.io", "gmail.com",         "outlook.com",
    "yahoo.co.uk", "web.de",           "orange.fr",    "uni-heidelberg.de", "company.co.jp",
    "startup.dev", "fastmail.fm",      "proton.me",    "hospital.nhs.uk",   "bank.example.net",
};
static const char *const LEVELS[] = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR", "TRACE"};
static const char *const SERVICES[] = {
    "billing",   "checkout", "inventory", "auth",   "search",   "gateway",
    "scheduler", "mailer",   "reports",   "ledger", "shipping", "catalog",
};
static const char *const VERBS[] = {
    "processed", "shipped",  "refunded",  "queued",  "retried",
    "cancelled", "archived", "validated", "indexed", "reconciled",
};
static const char *const WORDS[] = {
    "the",      "committee", "reviewed", "proposals", "during",         "quarter",  "and",
    "approved", "budget",    "for",      "new",       "infrastructure", "while",    "team",
    "migrated", "services",  "to",       "cluster",   "after",          "incident", "report",
    "showed",   "latency",   "improved", "by",        "roughly",        "percent",  "across",
    "regions",  "although",  "several",  "customers", "noted",          "delays",   "in",
    "delivery", "of",        "orders",   "café",      "naïve",          "über",     "résumé",
    "this",     "year",      "release",  "notes",     "mention",        "fixes",    "a",
    "with",     "of",        "on",       "was",       "were",           "is",
};
static const char *const CURRENCIES[] = {"USD", "EUR", "GBP", "JPY", "CHF", "CAD"};
static const char *const PATHS[] = {
    "/api/v1/orders",     "/api/v2/items", "/health",
    "/metrics",           "/login",        "/static/app.js",
    "/cart/checkout",     "/search",       "/reports/2023/q4.pdf",
    "/users/me/settings",
};
static const char *const METHODS[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"};

/* ---- digit-bearing negatives ---------------------------------------------------------- */

static void
put_timestamp(struct line *l, struct prng *r, int style)
{
    uint32_t y = rnd_range(r, 2015, 2025);
    uint32_t mo = rnd_range(r, 1, 12);
    uint32_t d = rnd_range(r, 1, 28);
    uint32_t h = rnd(r, 24);
    uint32_t mi = rnd(r, 60);
    uint32_t s = rnd(r, 60);
    uint32_t ms = rnd(r, 1000);

    switch (style) {
    case 0:
        putf(l, "%u-%02u-%02uT%02u:%02u:%02u.%03uZ", y, mo, d, h, mi, s, ms);
        break;
    case 1:
        putf(l, "%u-%02u-%02u %02u:%02u:%02u", y, mo, d, h, mi, s);
        break;
    case 2:
        putf(l, "%02u/%02u/%u %02u:%02u", mo, d, y, h, mi);
        break;
    default:
        /* epoch milliseconds: 13 digits, a classic card-number look-alike */
        putf(l, "%llu", (unsigned long long)(1420070400000ULL + (prng_next(r) % 315360000000ULL)));
        break;
    }
}

static void
put_uuid(struct line *l, struct prng *r)
{
    put_rand_chars(l, r, HEX, 8);
    putc_(l, '-');
    put_rand_chars(l, r, HEX, 4);
    put(l, "-4");
    put_rand_chars(l, r, HEX, 3);
    putc_(l, '-');
    putc_(l, "89ab"[rnd(r, 4)]);
    put_rand_chars(l, r, HEX, 3);
    putc_(l, '-');
    put_rand_chars(l, r, HEX, 12);
}

static void
put_version(struct line *l, struct prng *r)
{
    switch (rnd(r, 4)) {
    case 0:
        putf(l, "%u.%u.%u", rnd(r, 12), rnd(r, 40), rnd(r, 200));
        break;
    case 1:
        /* four-part build numbers look like dotted quads but are not IPv4 */
        putf(l, "10.0.%u.%u", rnd_range(r, 10240, 22631), rnd(r, 4000));
        break;
    case 2:
        putf(l, "%u.%u.%u-rc.%u", rnd(r, 5), rnd(r, 30), rnd(r, 30), rnd_range(r, 1, 9));
        break;
    default:
        putf(l, "%u.%u.%u.%u", rnd_range(r, 1, 9), rnd(r, 20), rnd_range(r, 256, 999),
             rnd_range(r, 1000, 9999));
        break;
    }
}

static void
put_price(struct line *l, struct prng *r)
{
    uint32_t whole = rnd(r, 5) == 0 ? rnd_range(r, 1000, 250000) : rnd(r, 1000);
    uint32_t cents = rnd(r, 100);

    switch (rnd(r, 3)) {
    case 0:
        if (whole >= 1000) {
            putf(l, "$%u,%03u.%02u", whole / 1000, whole % 1000, cents);
        } else {
            putf(l, "$%u.%02u", whole, cents);
        }
        break;
    case 1:
        putf(l, "%u.%02u %s", whole, cents, PICK(r, CURRENCIES));
        break;
    default:
        putf(l, "%u,%02u EUR", whole, cents);
        break;
    }
}

/* ISBN-13 with a valid check digit, hyphenated like the books print it. */
static void
put_isbn13(struct line *l, struct prng *r)
{
    int d[13];
    int sum = 0;
    int i;

    d[0] = 9;
    d[1] = 7;
    d[2] = rnd(r, 2) == 0 ? 8 : 9;
    for (i = 3; i < 12; i++) {
        d[i] = (int)rnd(r, 10);
    }
    for (i = 0; i < 12; i++) {
        sum += d[i] * ((i % 2 == 0) ? 1 : 3);
    }
    d[12] = (10 - sum % 10) % 10;
    putf(l, "ISBN %d%d%d-%d-%d%d%d-%d%d%d%d%d-%d", d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7],
         d[8], d[9], d[10], d[11], d[12]);
}

static void
put_duration(struct line *l, struct prng *r)
{
    switch (rnd(r, 4)) {
    case 0:
        putf(l, "%ums", rnd(r, 5000));
        break;
    case 1:
        putf(l, "%u.%03us", rnd(r, 60), rnd(r, 1000));
        break;
    case 2:
        putf(l, "%02u:%02u:%02u.%03u", rnd(r, 24), rnd(r, 60), rnd(r, 60), rnd(r, 1000));
        break;
    default:
        putf(l, "PT%uH%uM%uS", rnd(r, 10), rnd(r, 60), rnd(r, 60));
        break;
    }
}

static void
put_order(struct line *l, struct prng *r)
{
    switch (rnd(r, 4)) {
    case 0:
        putf(l, "ORD-%u-%06u", rnd_range(r, 2019, 2025), rnd(r, 1000000));
        break;
    case 1:
        putf(l, "#%u", rnd_range(r, 100000, 99999999));
        break;
    case 2:
        /* 10-12 digit invoice numbers starting with 0/1: not NANP phone numbers */
        putf(l, "INV%u%09u", rnd(r, 2), rnd(r, 1000000000));
        break;
    default:
        putf(l, "PO %u/%u", rnd_range(r, 1000, 9999), rnd_range(r, 10, 99));
        break;
    }
}

static void
put_words(struct line *l, struct prng *r, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        if (i > 0) {
            putc_(l, ' ');
        }
        put(l, PICK(r, WORDS));
    }
}

static void
gen_applog(struct line *l, struct prng *r)
{
    put_timestamp(l, r, 0);
    putf(l, " %-5s [%s-worker-%u] %s: order ", PICK(r, LEVELS), PICK(r, SERVICES), rnd(r, 64),
         PICK(r, SERVICES));
    put_order(l, r);
    putf(l, " %s: %u items, total ", PICK(r, VERBS), rnd_range(r, 1, 12));
    put_price(l, r);
    put(l, ", took ");
    put_duration(l, r);
    put(l, " (v");
    put_version(l, r);
    putf(l, ", port %u)", rnd(r, 3) == 0 ? 8080u : rnd_range(r, 1024, 65535));
}

static void
gen_jsonlog(struct line *l, struct prng *r)
{
    put(l, "{\"ts\":\"");
    put_timestamp(l, r, 0);
    putf(l, "\",\"level\":\"%s\",\"svc\":\"%s\",\"req_id\":\"", PICK(r, LEVELS), PICK(r, SERVICES));
    put_uuid(l, r);
    putf(l, "\",\"method\":\"%s\",\"path\":\"%s\",\"status\":%u,\"bytes\":%u,\"latency_ms\":%u.%u,",
         PICK(r, METHODS), PICK(r, PATHS), rnd(r, 5) == 0 ? 404u : 200u, rnd(r, 2000000),
         rnd(r, 900), rnd(r, 10));
    if (rnd(r, 2) == 0) {
        put(l, "\"sha256\":\"");
        put_rand_chars(l, r, HEX, 64);
    } else {
        put(l, "\"etag\":\"");
        put_rand_chars(l, r, HEX, 32);
    }
    put(l, "\",\"ts_ms\":");
    put_timestamp(l, r, 3);
    put(l, ",\"version\":\"");
    put_version(l, r);
    put(l, "\"}");
}

static void
gen_csv(struct line *l, struct prng *r)
{
    putf(l, "%u,SKU-%05u-%c,%u,", rnd_range(r, 1000000, 9999999), rnd(r, 100000),
         (char)('A' + rnd(r, 26)), rnd_range(r, 1, 50));
    put_price(l, r);
    putc_(l, ',');
    put_timestamp(l, r, 1);
    putc_(l, ',');
    put_isbn13(l, r);
    putf(l, ",%s,%u.%u%%,", PICK(r, VERBS), rnd(r, 100), rnd(r, 10));
    put_rand_chars(l, r, HEX, 7); /* short git sha */
}

static void
gen_prose(struct line *l, struct prng *r)
{
    char first[32];

    (void)snprintf(first, sizeof(first), "%s", PICK(r, WORDS));
    if (first[0] >= 'a' && first[0] <= 'z') {
        first[0] = (char)(first[0] - 32);
    }
    put(l, first);
    putc_(l, ' ');
    put_words(l, r, rnd_range(r, 4, 10));
    putf(l, " in %u, with %u,%03u ", rnd_range(r, 1990, 2025), rnd_range(r, 1, 99), rnd(r, 1000));
    put_words(l, r, rnd_range(r, 3, 8));
    put(l, " at a cost of ");
    put_price(l, r);
    put(l, "; see ");
    if (rnd(r, 2) == 0) {
        put_isbn13(l, r);
    } else {
        putf(l, "chapter %u, pp. %u-%u", rnd_range(r, 1, 30), rnd_range(r, 1, 400),
             rnd_range(r, 401, 800));
    }
    put(l, ".");
}

static void
gen_metrics(struct line *l, struct prng *r)
{
    put_timestamp(l, r, 1);
    putf(l, " host=node-%02u cpu=%u.%u%% mem=%uMiB gc_pause=", rnd(r, 40), rnd(r, 100), rnd(r, 10),
         rnd_range(r, 64, 65536));
    put_duration(l, r);
    putf(l, " uptime=%ud%02uh%02um build=", rnd(r, 400), rnd(r, 24), rnd(r, 60));
    put_version(l, r);
    put(l, " commit=");
    put_rand_chars(l, r, HEX, 40);
    putf(l, " listen=:%u conns=%u", rnd_range(r, 1024, 65535), rnd(r, 10000));
}

static void
gen_access(struct line *l, struct prng *r)
{
    /* hostnames rather than client IPs: an IPv4 on every access line would swamp the 2% */
    putf(l, "lb-%02u.internal - - [", rnd(r, 30));
    put_timestamp(l, r, 2);
    putf(l,
         " +0000] \"%s %s?page=%u&id=%u HTTP/1.1\" %u %u \"-\" \"Mozilla/5.0 (X11; Linux "
         "x86_64) Chrome/%u.0.%u.%u\" rt=",
         PICK(r, METHODS), PICK(r, PATHS), rnd(r, 50), rnd(r, 10000000),
         rnd(r, 8) == 0 ? 302u : 200u, rnd(r, 500000), rnd_range(r, 90, 125), rnd(r, 7000),
         rnd(r, 300));
    put_duration(l, r);
}

/* ---- planted positives ---------------------------------------------------------------- */

enum plant {
    P_EMAIL,
    P_PHONE,
    P_CARD,
    P_IBAN,
    P_SSN,
    P_IPV4,
    P_AWS,
    P_GITHUB,
    P_JWT,
    P_PRIVKEY,
    P_COUNT,
};

static const char *const PLANT_TYPES[P_COUNT] = {
    [P_EMAIL] = "EMAIL_ADDRESS",   [P_PHONE] = "PHONE_NUMBER",  [P_CARD] = "CREDIT_CARD",
    [P_IBAN] = "IBAN_CODE",        [P_SSN] = "US_SSN",          [P_IPV4] = "IP_ADDRESS",
    [P_AWS] = "AWS_ACCESS_KEY_ID", [P_GITHUB] = "GITHUB_TOKEN", [P_JWT] = "JWT",
    [P_PRIVKEY] = "PRIVATE_KEY",
};

/* Relative frequency of each planted type. */
static const unsigned PLANT_WEIGHT[P_COUNT] = {
    [P_EMAIL] = 20, [P_PHONE] = 18, [P_CARD] = 12,  [P_IBAN] = 8, [P_SSN] = 8,
    [P_IPV4] = 14,  [P_AWS] = 5,    [P_GITHUB] = 5, [P_JWT] = 6,  [P_PRIVKEY] = 4,
};

#define PHONE_FMTS 6
static const char *const PHONE_FMT_NAMES[PHONE_FMTS] = {"us", "uk", "de", "fr", "in", "jp"};

struct counts {
    uint64_t plant[P_COUNT];
    uint64_t phone_fmt[PHONE_FMTS];
    uint64_t lines;         /* newline characters written */
    uint64_t records;       /* generated records (a private key block spans several lines) */
    uint64_t planted_lines; /* records carrying a planted item */
    uint64_t bytes;
};

static void
put_email(struct line *l, struct prng *r)
{
    switch (rnd(r, 4)) {
    case 0:
        putf(l, "%s.%s@%s", PICK(r, FIRST), PICK(r, LAST), PICK(r, DOMAINS));
        break;
    case 1:
        putf(l, "%c%s%u@%s", PICK(r, FIRST)[0], PICK(r, LAST), rnd(r, 100), PICK(r, DOMAINS));
        break;
    case 2:
        putf(l, "%s+%s@%s", PICK(r, FIRST), PICK(r, SERVICES), PICK(r, DOMAINS));
        break;
    default:
        putf(l, "%s_%s@%s", PICK(r, LAST), PICK(r, FIRST), PICK(r, DOMAINS));
        break;
    }
}

static void
put_phone(struct line *l, struct prng *r, struct counts *c)
{
    uint32_t fmt = rnd(r, 10);
    /* NANP: area code NXX with X != 9 in the middle, exchange NXX, neither an N11 code */
    uint32_t area = rnd_range(r, 2, 9) * 100 + rnd(r, 9) * 10 + rnd(r, 10);
    uint32_t exch = rnd_range(r, 200, 999);
    uint32_t sub = rnd(r, 10000);

    if (area % 100 == 11) {
        area--;
    }
    if (exch % 100 == 11) {
        exch--;
    }
    if (fmt < 5) {
        c->phone_fmt[0]++;
        switch (fmt) {
        case 0:
            putf(l, "(%03u) %03u-%04u", area, exch, sub);
            break;
        case 1:
            putf(l, "%03u-%03u-%04u", area, exch, sub);
            break;
        case 2:
            putf(l, "+1 %03u %03u %04u", area, exch, sub);
            break;
        case 3:
            putf(l, "%03u.%03u.%04u", area, exch, sub);
            break;
        default:
            putf(l, "+1-%03u-%03u-%04u", area, exch, sub);
            break;
        }
        return;
    }
    switch (fmt) {
    case 5:
        c->phone_fmt[1]++;
        if (rnd(r, 2) == 0) {
            putf(l, "+44 20 %04u %04u", rnd_range(r, 7000, 8999), rnd(r, 10000));
        } else {
            putf(l, "+44 7%03u %06u", rnd_range(r, 400, 999), rnd(r, 1000000));
        }
        break;
    case 6:
        c->phone_fmt[2]++;
        if (rnd(r, 2) == 0) {
            putf(l, "+49 30 %08u", rnd_range(r, 10000000, 99999999));
        } else {
            putf(l, "+49 (0)89 %07u", rnd_range(r, 1000000, 9999999));
        }
        break;
    case 7:
        c->phone_fmt[3]++;
        putf(l, "+33 %u %02u %02u %02u %02u", rnd_range(r, 1, 9), rnd(r, 100), rnd(r, 100),
             rnd(r, 100), rnd(r, 100));
        break;
    case 8:
        c->phone_fmt[4]++;
        putf(l, "+91 %05u %05u", rnd_range(r, 70000, 99999), rnd(r, 100000));
        break;
    default:
        c->phone_fmt[5]++;
        putf(l, "+81 3-%04u-%04u", rnd_range(r, 1000, 9999), rnd(r, 10000));
        break;
    }
}

/* Luhn check digit for d[0..n). */
static int
luhn_check_digit(const int *d, size_t n)
{
    int sum = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        /* positions counted from the right, the check digit being position 1 */
        int v = d[n - 1 - i];
        if (i % 2 == 0) {
            v *= 2;
            if (v > 9) {
                v -= 9;
            }
        }
        sum += v;
    }
    return (10 - sum % 10) % 10;
}

static void
put_card(struct line *l, struct prng *r)
{
    int d[19];
    size_t n = 16;
    size_t pre = 0;
    size_t i;
    uint32_t brand = rnd(r, 5);
    uint32_t style = rnd(r, 3);

    switch (brand) {
    case 0: /* Visa */
    case 1:
        d[pre++] = 4;
        break;
    case 2: { /* Mastercard 51-55 */
        d[pre++] = 5;
        d[pre++] = (int)rnd_range(r, 1, 5);
        break;
    }
    case 3: /* Amex 34/37, 15 digits */
        d[pre++] = 3;
        d[pre++] = rnd(r, 2) == 0 ? 4 : 7;
        n = 15;
        break;
    default: /* Discover 6011 */
        d[pre++] = 6;
        d[pre++] = 0;
        d[pre++] = 1;
        d[pre++] = 1;
        break;
    }
    for (i = pre; i < n - 1; i++) {
        d[i] = (int)rnd(r, 10);
    }
    d[n - 1] = luhn_check_digit(d, n - 1);
    for (i = 0; i < n; i++) {
        if (style != 0 && i > 0) {
            bool gap = (n == 15) ? (i == 4 || i == 10) : (i % 4 == 0);
            if (gap) {
                putc_(l, style == 1 ? ' ' : '-');
            }
        }
        putc_(l, (char)('0' + d[i]));
    }
}

/* ISO 13616 check digits: 98 - (BBAN + country digits + "00") mod 97. */
static unsigned
iban_check(const char *country, const char *bban)
{
    unsigned rem = 0;
    char tail[5];
    const char *parts[2];
    size_t p;
    const char *s;

    tail[0] = country[0];
    tail[1] = country[1];
    tail[2] = '0';
    tail[3] = '0';
    tail[4] = '\0';
    parts[0] = bban;
    parts[1] = tail;
    for (p = 0; p < 2; p++) {
        for (s = parts[p]; *s != '\0'; s++) {
            if (*s >= '0' && *s <= '9') {
                rem = (rem * 10 + (unsigned)(*s - '0')) % 97;
            } else {
                unsigned v = (unsigned)(*s - 'A') + 10;
                rem = (rem * 100 + v) % 97;
            }
        }
    }
    return 98 - rem;
}

static void
put_iban(struct line *l, struct prng *r)
{
    static const char UPPER[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static const char DIGITS[] = "0123456789";
    static const char ALNUM[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    struct line bb;
    const char *cc;
    char iban[40];
    size_t i;
    size_t n;

    bb.len = 0;
    switch (rnd(r, 6)) {
    case 0:
        cc = "DE";
        put_rand_chars(&bb, r, DIGITS, 18);
        break;
    case 1:
        cc = "GB";
        put_rand_chars(&bb, r, UPPER, 4);
        put_rand_chars(&bb, r, DIGITS, 14);
        break;
    case 2:
        cc = "FR";
        put_rand_chars(&bb, r, DIGITS, 10);
        put_rand_chars(&bb, r, ALNUM, 11);
        put_rand_chars(&bb, r, DIGITS, 2);
        break;
    case 3:
        cc = "NL";
        put_rand_chars(&bb, r, UPPER, 4);
        put_rand_chars(&bb, r, DIGITS, 10);
        break;
    case 4:
        cc = "ES";
        put_rand_chars(&bb, r, DIGITS, 20);
        break;
    default:
        cc = "IT";
        put_rand_chars(&bb, r, UPPER, 1);
        put_rand_chars(&bb, r, DIGITS, 10);
        put_rand_chars(&bb, r, ALNUM, 12);
        break;
    }
    bb.buf[bb.len] = '\0';
    (void)snprintf(iban, sizeof(iban), "%.2s%02u%.30s", cc, iban_check(cc, bb.buf), bb.buf);
    n = strlen(iban);
    if (rnd(r, 2) == 0) {
        put(l, iban);
        return;
    }
    /* print format: groups of four separated by spaces */
    for (i = 0; i < n; i++) {
        if (i > 0 && i % 4 == 0) {
            putc_(l, ' ');
        }
        putc_(l, iban[i]);
    }
}

static void
put_ssn(struct line *l, struct prng *r)
{
    uint32_t area = rnd_range(r, 1, 899);

    if (area == 666) {
        area = 667;
    }
    putf(l, "%03u-%02u-%04u", area, rnd_range(r, 1, 99), rnd_range(r, 1, 9999));
}

static void
put_ipv4(struct line *l, struct prng *r)
{
    uint32_t a = rnd_range(r, 1, 223);

    if (a == 10 || a == 127) {
        a++;
    }
    putf(l, "%u.%u.%u.%u", a, rnd(r, 256), rnd(r, 256), rnd_range(r, 1, 254));
}

static void
put_aws(struct line *l, struct prng *r)
{
    put(l, rnd(r, 4) == 0 ? "ASIA" : "AKIA");
    put_rand_chars(l, r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
}

/* GitHub token: prefix, 30 base62 chars, then CRC32 of those 30 in base62 padded to 6. */
static void
put_github(struct line *l, struct prng *r)
{
    static const char *const PREFIXES[] = {"ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
    char entropy[31];
    char sum[7];
    unsigned long crc;
    size_t i;

    for (i = 0; i < 30; i++) {
        entropy[i] = B62[rnd(r, 62)];
    }
    entropy[30] = '\0';
    crc = crc32(0L, (const Bytef *)entropy, 30);
    for (i = 0; i < 6; i++) {
        sum[5 - i] = B62[crc % 62];
        crc /= 62;
    }
    sum[6] = '\0';
    put(l, PICK(r, PREFIXES));
    put(l, entropy);
    put(l, sum);
}

static void
put_jwt(struct line *l, struct prng *r)
{
    static const char *const HEADERS[] = {
        "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
        "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
        "{\"typ\":\"JWT\",\"alg\":\"ES256\"}",
    };
    static const size_t SIGLEN[] = {32, 256, 64}; /* HMAC-SHA256, RSA-2048, P-256 r||s */
    char payload[256] = {0};
    uint8_t sig[256] = {0};
    uint32_t k = rnd(r, (uint32_t)PCL_ARRAY_LEN(HEADERS));
    size_t i;
    int n;

    n = snprintf(payload, sizeof(payload),
                 "{\"sub\":\"%u\",\"name\":\"%s %s\",\"role\":\"%s\",\"iat\":%u,\"exp\":%u}",
                 rnd(r, 10000000), PICK(r, FIRST), PICK(r, LAST), PICK(r, SERVICES),
                 rnd_range(r, 1600000000, 1750000000), rnd_range(r, 1750000000, 1800000000));
    if (n < 0 || (size_t)n >= sizeof(payload)) {
        n = 0;
    }
    for (i = 0; i < SIGLEN[k]; i++) {
        sig[i] = (uint8_t)rnd(r, 256);
    }
    put_b64url(l, (const uint8_t *)HEADERS[k], strlen(HEADERS[k]));
    putc_(l, '.');
    put_b64url(l, (const uint8_t *)payload, (size_t)n);
    putc_(l, '.');
    put_b64url(l, sig, SIGLEN[k]);
}

static void
put_privkey(struct line *l, struct prng *r)
{
    static const char *const KINDS[] = {"RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY",
                                        "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"};
    const char *k = PICK(r, KINDS);
    uint32_t lines = rnd_range(r, 2, 5);
    uint32_t i;

    putf(l, "-----BEGIN %s-----\n", k);
    for (i = 0; i < lines; i++) {
        put_rand_chars(l, r, B64STD, i + 1 == lines ? rnd_range(r, 8, 60) : 64);
        putc_(l, '\n');
    }
    putf(l, "-----END %s-----", k);
}

static enum plant
pick_plant(struct prng *r)
{
    unsigned total = 0;
    unsigned x;
    size_t i;

    for (i = 0; i < P_COUNT; i++) {
        total += PLANT_WEIGHT[i];
    }
    x = rnd(r, total);
    for (i = 0; i < P_COUNT; i++) {
        if (x < PLANT_WEIGHT[i]) {
            return (enum plant)i;
        }
        x -= PLANT_WEIGHT[i];
    }
    return P_EMAIL;
}

static void
put_plant(struct line *l, struct prng *r, enum plant p, struct counts *c)
{
    switch (p) {
    case P_EMAIL:
        put_email(l, r);
        break;
    case P_PHONE:
        put_phone(l, r, c);
        break;
    case P_CARD:
        put_card(l, r);
        break;
    case P_IBAN:
        put_iban(l, r);
        break;
    case P_SSN:
        put_ssn(l, r);
        break;
    case P_IPV4:
        put_ipv4(l, r);
        break;
    case P_AWS:
        put_aws(l, r);
        break;
    case P_GITHUB:
        put_github(l, r);
        break;
    case P_JWT:
        put_jwt(l, r);
        break;
    default:
        put_privkey(l, r);
        break;
    }
    c->plant[p]++;
}

/* A context phrase for the planted item, the way it shows up in real text. */
static const char *
plant_label(struct prng *r, enum plant p)
{
    static const char *const EMAIL[] = {"email=", "contact ", "From: ", "reply-to: ", "user "};
    static const char *const PHONE[] = {"phone: ", "tel ", "call ", "mobile=", "callback "};
    static const char *const CARD[] = {"card ", "cc=", "payment card ", "pan: ", "charged "};
    static const char *const IBAN[] = {"IBAN ", "iban=", "account ", "transfer to "};
    static const char *const SSN[] = {"SSN ", "ssn=", "social security number ", "SSN: "};
    static const char *const IP[] = {"client ", "src=", "remote_addr=", "from "};
    static const char *const AWS[] = {"aws_access_key_id = ", "AWS_ACCESS_KEY_ID=", "key "};
    static const char *const GH[] = {"GITHUB_TOKEN=", "token: ", "Authorization: token "};
    static const char *const JWT[] = {"Authorization: Bearer ", "jwt=", "id_token: "};

    switch (p) {
    case P_EMAIL:
        return PICK(r, EMAIL);
    case P_PHONE:
        return PICK(r, PHONE);
    case P_CARD:
        return PICK(r, CARD);
    case P_IBAN:
        return PICK(r, IBAN);
    case P_SSN:
        return PICK(r, SSN);
    case P_IPV4:
        return PICK(r, IP);
    case P_AWS:
        return PICK(r, AWS);
    case P_GITHUB:
        return PICK(r, GH);
    case P_JWT:
        return PICK(r, JWT);
    default:
        return "";
    }
}

static void
gen_planted(struct line *l, struct prng *r, struct counts *c)
{
    enum plant p = pick_plant(r);

    if (p == P_PRIVKEY) {
        put_timestamp(l, r, 0);
        put(l, " DEBUG dumping config file id_rsa:\n");
        put_plant(l, r, p, c);
        return;
    }
    switch (rnd(r, 3)) {
    case 0:
        put_timestamp(l, r, 0);
        putf(l, " %-5s [%s-worker-%u] request ", PICK(r, LEVELS), PICK(r, SERVICES), rnd(r, 64));
        put_order(l, r);
        putf(l, " %s ", PICK(r, VERBS));
        put(l, plant_label(r, p));
        put_plant(l, r, p, c);
        put(l, " took ");
        put_duration(l, r);
        break;
    case 1:
        put(l, "{\"ts\":\"");
        put_timestamp(l, r, 0);
        putf(l, "\",\"svc\":\"%s\",\"note\":\"", PICK(r, SERVICES));
        put(l, plant_label(r, p));
        put_plant(l, r, p, c);
        put(l, "\",\"req_id\":\"");
        put_uuid(l, r);
        put(l, "\"}");
        break;
    default:
        putf(l, "%u,%s,%s,", rnd_range(r, 1000000, 9999999), PICK(r, FIRST), PICK(r, LAST));
        put_plant(l, r, p, c);
        putc_(l, ',');
        put_timestamp(l, r, 1);
        putc_(l, ',');
        put_price(l, r);
        break;
    }
}

static void
gen_line(struct line *l, struct prng *r, struct counts *c, unsigned plant_per_10k)
{
    size_t i;

    l->len = 0;
    if (rnd(r, 10000) < plant_per_10k) {
        c->planted_lines++;
        gen_planted(l, r, c);
    } else {
        switch (rnd(r, 12)) {
        case 0:
        case 1:
        case 2:
            gen_applog(l, r);
            break;
        case 3:
        case 4:
        case 5:
            gen_jsonlog(l, r);
            break;
        case 6:
        case 7:
            gen_csv(l, r);
            break;
        case 8:
        case 9:
            gen_prose(l, r);
            break;
        case 10:
            gen_metrics(l, r);
            break;
        default:
            gen_access(l, r);
            break;
        }
    }
    l->buf[l->len++] = '\n';
    c->records++;
    for (i = 0; i < l->len; i++) {
        c->lines += l->buf[i] == '\n' ? 1u : 0u;
    }
}

/* ---- driver ------------------------------------------------------------------------- */

/* "128M", "1G", "500K", "1000" (binary units). Returns 0 on error. */
static uint64_t
parse_size(const char *s)
{
    char *end = NULL;
    unsigned long long v;
    uint64_t mul = 1;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s) {
        return 0;
    }
    if (*end == 'K' || *end == 'k') {
        mul = 1ULL << 10;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        mul = 1ULL << 20;
        end++;
    } else if (*end == 'G' || *end == 'g') {
        mul = 1ULL << 30;
        end++;
    }
    if (*end == 'B' || *end == 'b') {
        end++;
    }
    if (*end != '\0' || v > UINT64_MAX / mul) {
        return 0;
    }
    return (uint64_t)v * mul;
}

static void
usage(void)
{
    (void)fprintf(stderr,
                  "usage: bench_gen_corpus --size SIZE[K|M|G] --out FILE [--seed N] [--planted N]\n"
                  "  writes a deterministic corpus; planted item counts go to stderr\n"
                  "  --planted N: lines in 10,000 that carry a planted item (default %d; the\n"
                  "  redaction benchmark uses a denser corpus)\n",
                  PLANT_PER_10K);
}

struct args {
    uint64_t size;
    uint64_t seed;
    const char *out;
    unsigned planted; /* per 10,000 lines */
};

/* Returns 0, or 2 (usage error, already reported). */
static int
parse_args(int argc, char **argv, struct args *a)
{
    int i;

    a->size = 0;
    a->seed = DEFAULT_SEED;
    a->out = NULL;
    a->planted = PLANT_PER_10K;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            a->size = parse_size(argv[++i]);
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            a->out = argv[++i];
        } else if (strcmp(argv[i], "--planted") == 0 && i + 1 < argc) {
            char *end = NULL;
            unsigned long v;

            errno = 0;
            v = strtoul(argv[++i], &end, 10);
            if (errno != 0 || end == NULL || *end != '\0' || end == argv[i] || v > 10000) {
                (void)fprintf(stderr, "bench_gen_corpus: --planted wants 0 to 10000, got \"%s\"\n",
                              argv[i]);
                return 2;
            }
            a->planted = (unsigned)v;
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            char *end = NULL;

            errno = 0;
            a->seed = (uint64_t)strtoull(argv[++i], &end, 0);
            if (errno != 0 || end == NULL || *end != '\0') {
                (void)fprintf(stderr, "bench_gen_corpus: bad --seed \"%s\"\n", argv[i]);
                return 2;
            }
        } else {
            usage();
            return 2;
        }
    }
    if (a->size == 0 || a->out == NULL) {
        usage();
        return 2;
    }
    return 0;
}

/* Generate lines until `size` bytes are written to f through a 1 MiB buffer. */
static int
write_corpus(FILE *f, const struct args *a, struct counts *c)
{
    struct prng r;
    struct line l;
    char *obuf = NULL;
    size_t olen = 0;
    int rc = 1;

    obuf = pcl_malloc(OUT_BUF_SIZE);
    if (obuf == NULL) {
        (void)fprintf(stderr, "bench_gen_corpus: out of memory\n");
        goto out;
    }
    prng_seed(&r, a->seed);
    while (c->bytes < a->size) {
        gen_line(&l, &r, c, a->planted);
        if (olen + l.len > OUT_BUF_SIZE) {
            if (fwrite(obuf, 1, olen, f) != olen) {
                (void)fprintf(stderr, "bench_gen_corpus: %s: write failed\n", a->out);
                goto out;
            }
            olen = 0;
        }
        memcpy(obuf + olen, l.buf, l.len);
        olen += l.len;
        c->bytes += l.len;
    }
    if (olen > 0 && fwrite(obuf, 1, olen, f) != olen) {
        (void)fprintf(stderr, "bench_gen_corpus: %s: write failed\n", a->out);
        goto out;
    }
    rc = 0;
out:
    pcl_free(obuf);
    return rc;
}

static void
print_counts(const struct args *a, const struct counts *c)
{
    size_t p;

    (void)fprintf(stderr,
                  "corpus %s: %llu bytes, %llu lines (%llu records), %llu planted records "
                  "(%.2f%%), seed 0x%llx\n",
                  a->out, (unsigned long long)c->bytes, (unsigned long long)c->lines,
                  (unsigned long long)c->records, (unsigned long long)c->planted_lines,
                  c->records > 0 ? 100.0 * (double)c->planted_lines / (double)c->records : 0.0,
                  (unsigned long long)a->seed);
    (void)fprintf(stderr, "planted\t%-18s\t%s\n", "type", "count");
    for (p = 0; p < P_COUNT; p++) {
        (void)fprintf(stderr, "planted\t%-18s\t%llu\n", PLANT_TYPES[p],
                      (unsigned long long)c->plant[p]);
    }
    (void)fprintf(stderr, "planted phone formats:");
    for (p = 0; p < PHONE_FMTS; p++) {
        (void)fprintf(stderr, " %s=%llu", PHONE_FMT_NAMES[p], (unsigned long long)c->phone_fmt[p]);
    }
    (void)fprintf(stderr, "\n");
}

int
main(int argc, char **argv)
{
    struct args a;
    struct counts c = {0};
    FILE *f = NULL;
    int rc;

    rc = parse_args(argc, argv, &a);
    if (rc != 0) {
        return rc;
    }
    f = fopen(a.out, "wb");
    if (f == NULL) {
        (void)fprintf(stderr, "bench_gen_corpus: %s: %s\n", a.out,
                      strerror(errno)); /* NOLINT(concurrency-mt-unsafe): one thread */
        return 1;
    }
    rc = write_corpus(f, &a, &c);
    if (fclose(f) != 0 && rc == 0) {
        (void)fprintf(stderr, "bench_gen_corpus: %s: close failed\n", a.out);
        rc = 1;
    }
    if (rc == 0) {
        print_counts(&a, &c);
    }
    return rc;
}
