/* SPDX-License-Identifier: Apache-2.0 */
/* Output checks on model responses: data-carrying markdown/HTML images and links to hosts off
 * the allow list, active HTML outside code blocks, and echoes of the system prompt. */
#include "inject_int.h"

#include <strings.h>

#define ECHO_N       8  /* words per shingle */
#define ECHO_MIN_RUN 5  /* consecutive shingles (12 words) that make an echo */
#define DATA_SEGMENT 32 /* a path segment this long carries data */
#define MAX_URL      4096

struct out_ctx {
    const struct pcl_inject_output_opts *o;
    const char *t;
    size_t len;
    bool *code; /* per byte: inside a code span or fence; NULL when none in the text */
    struct pcl_inject_evidence *ev;
    size_t cap, n;
    enum pcl_inject_tier tier;
};

static void
emit(struct out_ctx *c, const char *id, const char *cat, enum pcl_inject_tier tier, size_t s,
     size_t e)
{
    if (tier > c->tier) {
        c->tier = tier;
    }
    if (c->n < c->cap) {
        c->ev[c->n++] = (struct pcl_inject_evidence){
            .kind = PCL_INJECT_EV_SIGNATURE,
            .id = id,
            .category = cat,
            .tier = tier,
            .score = tier == PCL_INJECT_BLOCK ? 1.0 : 0.6,
            .start = s,
            .end = e,
        };
    }
}

static bool
in_code(const struct out_ctx *c, size_t i)
{
    return c->code != NULL && c->code[i];
}

/* Mark ``` fences and `inline` spans: text shown literally, not rendered. */
static enum pcl_rc
mark_code(struct out_ctx *c)
{
    const char *t = c->t;
    size_t i = 0;

    if (memchr(t, '`', c->len) == NULL) {
        return PCL_OK;
    }
    c->code = pcl_calloc(c->len + 1, sizeof(bool));
    if (c->code == NULL) {
        return PCL_ENOMEM;
    }
    while (i < c->len) {
        size_t ticks = 0, e;

        if (t[i] != '`') {
            i++;
            continue;
        }
        while (i + ticks < c->len && t[i + ticks] == '`') {
            ticks++;
        }
        /* the closing run of the same length */
        e = i + ticks;
        for (;;) {
            const char *q = e < c->len ? memchr(t + e, '`', c->len - e) : NULL;
            size_t run = 0;

            if (q == NULL) {
                e = ticks >= 3 ? c->len : i + ticks; /* unclosed fence runs to the end */
                break;
            }
            e = (size_t)(q - t);
            while (e + run < c->len && t[e + run] == '`') {
                run++;
            }
            if (run == ticks) {
                e += run;
                break;
            }
            e += run;
        }
        for (size_t k = i; k < e; k++) {
            c->code[k] = true;
        }
        i = e > i + ticks ? e : i + ticks;
    }
    return PCL_OK;
}

static bool
host_allowed(const struct pcl_inject_output_opts *o, const char *h, size_t n)
{
    for (size_t i = 0; i < o->nallow_hosts; i++) {
        const char *a = o->allow_hosts[i];
        size_t al = strlen(a);
        bool eq = true;

        if (al > n) {
            continue;
        }
        for (size_t k = 0; k < al && eq; k++) {
            eq = pcl_lower(h[n - al + k]) == pcl_lower(a[k]);
        }
        if (eq && (al == n || h[n - al - 1] == '.')) {
            return true;
        }
    }
    return false;
}

/* An absolute http(s) URL at u[0..n): whether it goes off the allow list carrying data (a
 * query, a fragment with '=', or a long path segment). */
static bool
url_carries_data(const struct pcl_inject_output_opts *o, const char *u, size_t n, bool *offsite)
{
    size_t i = 0, hs, seg = 0;

    *offsite = false;
    if (n > 8 && strncasecmp(u, "https://", 8) == 0) {
        i = 8;
    } else if (n > 7 && strncasecmp(u, "http://", 7) == 0) {
        i = 7;
    } else if (n > 2 && u[0] == '/' && u[1] == '/') {
        i = 2;
    } else {
        return false; /* relative: same site */
    }
    hs = i;
    while (i < n && u[i] != '/' && u[i] != '?' && u[i] != '#' && u[i] != ':') {
        i++;
    }
    if (i == hs || host_allowed(o, u + hs, i - hs)) {
        return false;
    }
    *offsite = true;
    for (; i < n; i++) {
        if (u[i] == '?' || (u[i] == '#' && memchr(u + i, '=', n - i) != NULL)) {
            return i + 1 < n;
        }
        seg = u[i] == '/' ? 0 : seg + 1;
        if (seg >= DATA_SEGMENT) {
            return true;
        }
    }
    return false;
}

/* Markdown [text](url) and ![alt](url). */
static void
check_markdown(struct out_ctx *c)
{
    const char *t = c->t;

    for (size_t i = 0; i + 1 < c->len; i++) {
        size_t open, u, e;
        bool image, offsite;

        if (t[i] != ']' || t[i + 1] != '(' || in_code(c, i)) {
            continue;
        }
        /* find the '[' on the same line */
        open = i;
        while (open > 0 && t[open - 1] != '[' && t[open - 1] != '\n' && i - open < 1000) {
            open--;
        }
        if (open == 0 || t[open - 1] != '[') {
            continue;
        }
        open--;
        image = open > 0 && t[open - 1] == '!';
        u = i + 2;
        while (u < c->len && (t[u] == ' ' || t[u] == '<')) {
            u++;
        }
        e = u;
        while (e < c->len && e - u < MAX_URL && t[e] != ')' && t[e] != ' ' && t[e] != '\n' &&
               t[e] != '>') {
            e++;
        }
        if (url_carries_data(c->o, t + u, e - u, &offsite)) {
            emit(c, image ? "output.md_image" : "output.md_link", "exfiltration",
                 image ? PCL_INJECT_BLOCK : PCL_INJECT_FLAG, image ? open - 1 : open,
                 e < c->len ? e + 1 : e);
        }
    }
}

static bool
at_ci(const char *t, size_t len, size_t i, const char *word)
{
    size_t n = strlen(word);

    return i + n <= len && strncasecmp(t + i, word, n) == 0;
}

/* Active HTML outside code: script, iframe/object/embed, on*= handlers, javascript: URLs,
 * and <img src> off the allow list with data. */
static void
check_html(struct out_ctx *c)
{
    const char *t = c->t;

    for (size_t i = 0; i + 11 <= c->len; i++) {
        if (!in_code(c, i) && (t[i] == 'j' || t[i] == 'J') && at_ci(t, c->len, i, "javascript:")) {
            emit(c, "output.js_url", "html", PCL_INJECT_FLAG, i, i + 11);
        }
    }
    for (size_t i = 0; i < c->len; i++) {
        size_t e;

        if (in_code(c, i) || t[i] != '<') {
            continue;
        }
        e = i + 1;
        while (e < c->len && t[e] != '>' && e - i < MAX_URL) {
            e++;
        }
        if (at_ci(t, c->len, i, "<script")) {
            emit(c, "output.script", "html", PCL_INJECT_BLOCK, i, PCL_MIN(e + 1, c->len));
        } else if (at_ci(t, c->len, i, "<iframe") || at_ci(t, c->len, i, "<object") ||
                   at_ci(t, c->len, i, "<embed")) {
            emit(c, "output.iframe", "html", PCL_INJECT_FLAG, i, PCL_MIN(e + 1, c->len));
        } else if (pcl_is_alpha(i + 1 < c->len ? t[i + 1] : ' ')) {
            /* an event handler attribute inside this tag: ' on' + letters + '=' */
            for (size_t k = i + 1; k + 4 < e; k++) {
                if ((t[k] == ' ' || t[k] == '/' || t[k] == '"' || t[k] == '\'') &&
                    pcl_lower(t[k + 1]) == 'o' && pcl_lower(t[k + 2]) == 'n' &&
                    pcl_is_alpha(t[k + 3])) {
                    size_t m = k + 3;

                    while (m < e && pcl_is_alpha(t[m])) {
                        m++;
                    }
                    while (m < e && t[m] == ' ') {
                        m++;
                    }
                    if (m < e && t[m] == '=') {
                        emit(c, "output.event_handler", "html", PCL_INJECT_BLOCK, i,
                             PCL_MIN(e + 1, c->len));
                        break;
                    }
                }
            }
            if (at_ci(t, c->len, i, "<img")) {
                for (size_t k = i; k + 5 < e; k++) {
                    if (at_ci(t, e, k, "src=")) {
                        size_t u = k + 4, ue;
                        bool offsite;

                        if (u < e && (t[u] == '"' || t[u] == '\'')) {
                            u++;
                        }
                        ue = u;
                        while (ue < e && t[ue] != '"' && t[ue] != '\'' && t[ue] != ' ') {
                            ue++;
                        }
                        if (url_carries_data(c->o, t + u, ue - u, &offsite)) {
                            emit(c, "output.html_image", "exfiltration", PCL_INJECT_BLOCK, i,
                                 PCL_MIN(e + 1, c->len));
                        }
                        break;
                    }
                }
            }
        }
        i = e > i ? e - 1 : i;
    }
}

/* ---- echo of the system prompt --------------------------------------------------------- */

struct word {
    uint32_t h;
    size_t start, end;
};

static enum pcl_rc
words_of(const char *t, size_t n, struct word **out, size_t *nw)
{
    size_t cap = 0;
    size_t i = 0;

    *out = NULL;
    *nw = 0;
    while (i < n) {
        size_t s;
        uint32_t h = 0x811C9DC5u;

        while (i < n && !pcl_is_alnum(t[i]) && (unsigned char)t[i] < 0x80) {
            i++;
        }
        s = i;
        while (i < n && (pcl_is_alnum(t[i]) || (unsigned char)t[i] >= 0x80)) {
            h ^= (unsigned char)pcl_lower(t[i]);
            h *= 16777619u;
            i++;
        }
        if (i == s) {
            continue;
        }
        if (*nw == cap) {
            size_t nc = cap != 0 ? cap * 2 : 256;
            struct word *w = pcl_realloc(*out, nc * sizeof(*w));

            if (w == NULL) {
                pcl_free(*out);
                *out = NULL;
                return PCL_ENOMEM;
            }
            *out = w;
            cap = nc;
        }
        (*out)[(*nw)++] = (struct word){h, s, i};
    }
    return PCL_OK;
}

static uint64_t
shingle(const struct word *w)
{
    uint64_t h = 1469598103934665603ull;

    for (size_t k = 0; k < ECHO_N; k++) {
        h = (h ^ w[k].h) * 1099511628211ull;
    }
    return h;
}

static int
u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : (x > y ? 1 : 0);
}

static enum pcl_rc
check_echo(struct out_ctx *c)
{
    const struct pcl_str *sp = &c->o->system_prompt;
    struct word *pw = NULL, *rw = NULL;
    uint64_t *set = NULL;
    size_t npw = 0, nrw = 0, nset = 0, matched = 0, run = 0, run_start = 0;
    size_t first = SIZE_MAX, last = 0;
    enum pcl_rc rc;

    rc = words_of(sp->ptr, sp->len, &pw, &npw);
    if (rc == PCL_OK) {
        rc = words_of(c->t, c->len, &rw, &nrw);
    }
    if (rc != PCL_OK || npw < ECHO_N || nrw < ECHO_N) {
        goto out;
    }
    nset = npw - ECHO_N + 1;
    set = pcl_malloc(nset * sizeof(*set));
    if (set == NULL) {
        rc = PCL_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < nset; i++) {
        set[i] = shingle(pw + i);
    }
    qsort(set, nset, sizeof(*set), u64_cmp);
    for (size_t i = 0; i + ECHO_N <= nrw; i++) {
        uint64_t h = shingle(rw + i);

        if (bsearch(&h, set, nset, sizeof(*set), u64_cmp) != NULL) {
            if (run == 0) {
                run_start = i;
            }
            run++;
            matched++;
            if (run >= ECHO_MIN_RUN) {
                first = PCL_MIN(first, rw[run_start].start);
                last = PCL_MAX(last, rw[i + ECHO_N - 1].end);
            }
        } else {
            run = 0;
        }
    }
    if (first != SIZE_MAX) {
        emit(c, "output.echo", "extraction",
             matched * 2 >= nset ? PCL_INJECT_BLOCK : PCL_INJECT_FLAG, first, last);
    }
out:
    pcl_free(pw);
    pcl_free(rw);
    pcl_free(set);
    return rc;
}

enum pcl_rc
pcl_inject_output_check(const struct pcl_inject_output_opts *opts, const char *text, size_t len,
                        struct pcl_inject_evidence *ev, size_t cap, size_t *nev,
                        enum pcl_inject_tier *tier, struct pcl_err *err)
{
    static const struct pcl_inject_output_opts none = {0};
    struct out_ctx c = {
        .o = opts != NULL ? opts : &none, .t = text, .len = len, .ev = ev, .cap = cap};
    enum pcl_rc rc;

    *nev = 0;
    *tier = PCL_INJECT_ALLOW;
    rc = mark_code(&c);
    if (rc == PCL_OK) {
        check_markdown(&c);
        check_html(&c);
        if (c.o->system_prompt.len > 0) {
            rc = check_echo(&c);
        }
    }
    pcl_free(c.code);
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "output check: %s", pcl_rc_str(rc));
    }
    *nev = c.n;
    *tier = c.tier;
    return PCL_OK;
}
