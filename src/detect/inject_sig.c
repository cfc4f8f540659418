/* SPDX-License-Identifier: Apache-2.0 */
/* Injection signature files: the line format, token patterns with gap tolerance turned into
 * Vectorscan regexes, and the token view they are matched against. */
#include "inject_int.h"

#include "icu.h"

#define SIG_MAX_ID    64
#define SIG_MAX_FIELD 32
#define SIG_MAX_GAP   9
#define SIG_MAX_COUNT 100000u
/* bytes allowed between two atoms when one of them is in a script written without spaces */
#define NOSPACE_ADJ 12
#define NOSPACE_GAP 10

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Scripts written without spaces between words: atoms match as substrings. */
static bool
cp_is_nospace(uint32_t c)
{
    return (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) ||
           (c >= 0x1780 && c <= 0x17FF) || (c >= 0x3040 && c <= 0x30FF) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

static bool
bytes_nospace(const char *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint32_t cp;
        size_t l = pcl_utf8_decode(p + i, n - i, &cp);

        if (l == 0) {
            return false;
        }
        if (cp_is_nospace(cp)) {
            return true;
        }
        i += l;
    }
    return false;
}

/* One element of a token pattern: alternatives separated by '|', each may end in '*'. */
static enum pcl_rc
atom_regex(const char *p, size_t n, struct pcl_buf *out, bool *nospace, char *why, size_t whylen)
{
    size_t i = 0;
    enum pcl_rc rc;

    *nospace = bytes_nospace(p, n);
    rc = pcl_buf_appends(out, "(?:");
    while (rc == PCL_OK && i <= n) {
        size_t e = i;
        bool prefix = false;

        while (e < n && p[e] != '|') {
            e++;
        }
        if (e == i || (e == i + 1 && p[i] == '*')) {
            (void)snprintf(why, whylen, "empty alternative in \"%.*s\"", (int)PCL_MIN(n, 64), p);
            return PCL_EINVAL;
        }
        if (p[e - 1] == '*') {
            prefix = true;
        }
        if (i > 0) {
            rc = pcl_buf_appendc(out, '|');
        }
        for (size_t j = i; j < e - (prefix ? 1 : 0) && rc == PCL_OK; j++) {
            unsigned char c = (unsigned char)p[j];

            if (c < 0x80 && !pcl_is_alnum((char)c)) {
                (void)snprintf(why, whylen,
                               "\"%.*s\": only letters and digits match tokens (use re: for "
                               "punctuation)",
                               (int)PCL_MIN(e - i, 64), p + i);
                return PCL_EINVAL;
            }
            rc = pcl_buf_appendc(out, c < 0x80 ? pcl_lower((char)c) : (char)c);
        }
        if (rc == PCL_OK && prefix) {
            rc = pcl_buf_appends(out, *nospace ? "" : "[^ ]*");
        }
        i = e + 1;
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendc(out, ')');
    }
    return rc;
}

enum pcl_rc
pcl_inject_sig_regex(const char *pat, size_t len, struct pcl_buf *out, char *why, size_t whylen)
{
    size_t i = 0;
    size_t atoms = 0;
    unsigned gap = 0;
    bool have_gap = false;
    bool prev_nospace = false;
    bool last_prefix = false;
    enum pcl_rc rc = PCL_OK;

    pcl_buf_reset(out);
    while (i < len && rc == PCL_OK) {
        size_t e;

        while (i < len && is_space(pat[i])) {
            i++;
        }
        if (i == len) {
            break;
        }
        e = i;
        while (e < len && !is_space(pat[e])) {
            e++;
        }
        if (pat[i] == '~') {
            if (e - i != 2 || !pcl_is_digit(pat[i + 1]) || pat[i + 1] == '0') {
                (void)snprintf(why, whylen, "gap \"%.*s\" must be ~1 .. ~%d",
                               (int)PCL_MIN(e - i, 16), pat + i, SIG_MAX_GAP);
                return PCL_EINVAL;
            }
            if (atoms == 0 || have_gap) {
                (void)snprintf(why, whylen, "a gap must sit between two words");
                return PCL_EINVAL;
            }
            gap = (unsigned)(pat[i + 1] - '0');
            have_gap = true;
        } else {
            struct pcl_buf atom;
            bool nospace = false;

            pcl_buf_init(&atom, PCL_SIG_MAX_PATTERN);
            rc = atom_regex(pat + i, e - i, &atom, &nospace, why, whylen);
            if (rc == PCL_OK) {
                if (atoms == 0) {
                    rc = pcl_buf_appends(out, nospace ? "" : " ");
                } else if (!nospace && !prev_nospace) {
                    rc = have_gap ? pcl_buf_appendf(out, " (?:[^ ]+ ){0,%u}", gap)
                                  : pcl_buf_appendc(out, ' ');
                } else {
                    rc = pcl_buf_appendf(out, "[^\\n]{0,%u}",
                                         have_gap ? gap * NOSPACE_GAP : NOSPACE_ADJ);
                }
            }
            if (rc == PCL_OK) {
                rc = pcl_buf_append(out, atom.ptr, atom.len);
            }
            last_prefix = nospace || pat[e - 1] == '*';
            prev_nospace = nospace;
            pcl_buf_fini(&atom);
            atoms++;
            have_gap = false;
        }
        i = e;
    }
    if (rc == PCL_ELIMIT) {
        (void)snprintf(why, whylen, "pattern too long");
        return PCL_EINVAL;
    }
    if (rc != PCL_OK) {
        return rc;
    }
    if (atoms == 0 || have_gap) {
        (void)snprintf(why, whylen, atoms == 0 ? "empty pattern" : "a gap cannot end a pattern");
        return PCL_EINVAL;
    }
    if (!last_prefix) {
        rc = pcl_buf_appendc(out, ' ');
    }
    return rc;
}

/* ---- file format ------------------------------------------------------------------------ */

static bool
field_ok(const char *p, size_t n, size_t max, bool dots)
{
    if (n == 0 || n > max) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = p[i];

        if (!(c >= 'a' && c <= 'z') && !pcl_is_digit(c) && c != '_' &&
            !(dots && (c == '.' || c == '-'))) {
            return false;
        }
    }
    return true;
}

/* Split the next whitespace-separated field off [*i, n). */
static bool
next_field(const char *p, size_t n, size_t *i, const char **f, size_t *flen)
{
    while (*i < n && is_space(p[*i])) {
        (*i)++;
    }
    if (*i == n) {
        return false;
    }
    *f = p + *i;
    while (*i < n && !is_space(p[*i])) {
        (*i)++;
    }
    *flen = (size_t)(p + *i - *f);
    return true;
}

static void
sig_fini(struct pcl_inject_sig *s)
{
    pcl_free(s->id);
    pcl_free(s->category);
    pcl_free(s->lang);
    pcl_free(s->pattern);
    pcl_free(s->regex);
    pcl_free(s->file);
    memset(s, 0, sizeof(*s));
}

void
pcl_inject_sig_free(struct pcl_inject_sig *sigs, size_t nsigs)
{
    if (sigs == NULL) {
        return;
    }
    for (size_t i = 0; i < nsigs; i++) {
        sig_fini(&sigs[i]);
    }
    pcl_free(sigs);
}

static enum pcl_rc
parse_line(const char *name, size_t lineno, const char *p, size_t n, struct pcl_inject_sig *s,
           struct pcl_buf *rx, struct pcl_err *err)
{
    const char *f[4];
    size_t fl[4];
    size_t i = 0;
    char why[160];
    enum pcl_rc rc;

    for (int k = 0; k < 4; k++) {
        if (!next_field(p, n, &i, &f[k], &fl[k])) {
            return pcl_err_set(err, PCL_EINVAL,
                               "%s: line %zu: expected ID CATEGORY TIER LANG PATTERN", name,
                               lineno);
        }
    }
    while (i < n && is_space(p[i])) {
        i++;
    }
    while (n > i && is_space(p[n - 1])) {
        n--;
    }
    if (i == n) {
        return pcl_err_set(err, PCL_EINVAL, "%s: line %zu: missing pattern", name, lineno);
    }
    if (n - i > PCL_SIG_MAX_PATTERN) {
        return pcl_err_set(err, PCL_EINVAL, "%s: line %zu: pattern over %d bytes", name, lineno,
                           PCL_SIG_MAX_PATTERN);
    }
    if (!field_ok(f[0], fl[0], SIG_MAX_ID, true)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "%s: line %zu: id \"%.*s\" must be 1-%d of a-z 0-9 . _ -", name, lineno,
                           (int)PCL_MIN(fl[0], 80), f[0], SIG_MAX_ID);
    }
    if (!field_ok(f[1], fl[1], SIG_MAX_FIELD, false)) {
        return pcl_err_set(err, PCL_EINVAL, "%s: line %zu: category \"%.*s\" must be a-z 0-9 _",
                           name, lineno, (int)PCL_MIN(fl[1], 80), f[1]);
    }
    if (fl[2] == 5 && memcmp(f[2], "block", 5) == 0) {
        s->tier = PCL_INJECT_BLOCK;
        s->weight = 1.0;
    } else if (fl[2] == 4 && memcmp(f[2], "flag", 4) == 0) {
        s->tier = PCL_INJECT_FLAG;
        s->weight = 0.6;
    } else if (fl[2] == 5 && memcmp(f[2], "allow", 5) == 0) {
        s->tier = PCL_INJECT_ALLOW;
        s->weight = 0.0;
    } else if (fl[2] == 7 && memcmp(f[2], "feature", 7) == 0) {
        s->tier = PCL_INJECT_ALLOW;
        s->weight = 0.0;
        s->feature = true;
    } else {
        return pcl_err_set(err, PCL_EINVAL,
                           "%s: line %zu: tier \"%.*s\" must be block, flag, allow or feature",
                           name, lineno, (int)PCL_MIN(fl[2], 80), f[2]);
    }
    if (!(fl[3] == 1 && f[3][0] == '*') && !field_ok(f[3], fl[3], 8, false)) {
        return pcl_err_set(err, PCL_EINVAL, "%s: line %zu: lang \"%.*s\" must be a code or *", name,
                           lineno, (int)PCL_MIN(fl[3], 80), f[3]);
    }
    if (n - i >= 3 && memcmp(p + i, "re:", 3) == 0) {
        s->raw = true;
        pcl_buf_reset(rx);
        rc = pcl_buf_append(rx, p + i + 3, n - i - 3);
        if (rc == PCL_OK && rx->len == 0) {
            return pcl_err_set(err, PCL_EINVAL, "%s: line %zu: empty regex", name, lineno);
        }
    } else {
        rc = pcl_inject_sig_regex(p + i, n - i, rx, why, sizeof(why));
        if (rc == PCL_EINVAL) {
            return pcl_err_set(err, rc, "%s: line %zu: %s", name, lineno, why);
        }
    }
    if (rc != PCL_OK) {
        return pcl_err_set(err, rc, "%s: line %zu: %s", name, lineno, pcl_rc_str(rc));
    }
    s->line = lineno;
    s->id = pcl_strndup(f[0], fl[0]);
    s->category = pcl_strndup(f[1], fl[1]);
    s->lang = pcl_strndup(f[3], fl[3]);
    s->pattern = pcl_strndup(p + i, n - i);
    s->regex = pcl_strndup(rx->ptr, rx->len);
    s->file = pcl_strdup(name);
    if (s->id == NULL || s->category == NULL || s->lang == NULL || s->pattern == NULL ||
        s->regex == NULL || s->file == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "%s: out of memory", name);
    }
    return PCL_OK;
}

enum pcl_rc
pcl_inject_sig_parse(const char *name, const char *text, size_t len, struct pcl_inject_sig **sigs,
                     size_t *nsigs, struct pcl_err *err)
{
    struct pcl_buf rx;
    size_t lineno = 0;
    size_t i = 0;
    size_t first = *nsigs;
    enum pcl_rc rc = PCL_OK;

    if (!pcl_utf8_is_valid(text, len, &i)) {
        return pcl_err_set(err, PCL_EINVAL, "%s: invalid UTF-8 at byte %zu", name, i);
    }
    i = 0;
    pcl_buf_init(&rx, PCL_SIG_MAX_PATTERN * 8);
    while (i < len && rc == PCL_OK) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl != NULL ? (size_t)(nl - text) : len;
        size_t b = i;
        struct pcl_inject_sig *grown;

        lineno++;
        while (b < e && is_space(text[b])) {
            b++;
        }
        if (memchr(text + i, '\0', e - i) != NULL) {
            rc = pcl_err_set(err, PCL_EINVAL, "%s: line %zu: NUL byte", name, lineno);
            break;
        }
        if (b == e || text[b] == '#') {
            i = e + 1;
            continue;
        }
        if (*nsigs >= SIG_MAX_COUNT) {
            rc = pcl_err_set(err, PCL_ELIMIT, "%s: line %zu: more than %u signatures", name, lineno,
                             SIG_MAX_COUNT);
            break;
        }
        grown = pcl_realloc(*sigs, (*nsigs + 1) * sizeof(**sigs));
        if (grown == NULL) {
            rc = pcl_err_set(err, PCL_ENOMEM, "%s: out of memory", name);
            break;
        }
        *sigs = grown;
        memset(&grown[*nsigs], 0, sizeof(grown[0]));
        rc = parse_line(name, lineno, text + b, e - b, &grown[*nsigs], &rx, err);
        if (rc != PCL_OK) {
            sig_fini(&grown[*nsigs]);
            break;
        }
        (*nsigs)++;
        i = e + 1;
    }
    pcl_buf_fini(&rx);
    if (rc != PCL_OK) {
        /* leave the array as it was before this file */
        for (size_t k = first; k < *nsigs; k++) {
            sig_fini(&(*sigs)[k]);
        }
        *nsigs = first;
    }
    return rc;
}

/* ---- token view -------------------------------------------------------------------------- */

static bool
cp_is_word(uint32_t c)
{
    if (c < 0x80) {
        return pcl_is_alnum((char)c);
    }
    return pcl_icu.u_isalnum((UChar32)c) ||
           (pcl_icu_gc_mask(c) & (U_GC_MN_MASK | U_GC_MC_MASK)) != 0;
}

enum pcl_rc
pcl_inject_tokens(const char *screen, size_t n, struct pcl_buf *out, size_t **map, size_t *cap)
{
    size_t i = 0;
    enum pcl_rc rc;

    /* cp_is_word() calls ICU; a detector has loaded it already (its sanitizer did) */
    rc = pcl_icu_load(NULL);
    if (rc != PCL_OK) {
        return rc;
    }
    pcl_buf_reset(out);
    rc = pcl_buf_reserve(out, n + 3);
    if (rc != PCL_OK) {
        return rc;
    }
    if (*cap < n + 3) {
        size_t *m = pcl_realloc(*map, (n + 3) * sizeof(**map));

        if (m == NULL) {
            return PCL_ENOMEM;
        }
        *map = m;
        *cap = n + 3;
    }
    (*map)[0] = 0;
    out->ptr[out->len++] = ' ';
    while (i < n) {
        uint32_t cp;
        size_t l;
        unsigned char b = (unsigned char)screen[i];

        if (b < 0x80) {
            if (pcl_is_alnum((char)b)) {
                (*map)[out->len] = i;
                out->ptr[out->len++] = (char)b;
            } else if (b != '\'' && out->ptr[out->len - 1] != ' ') {
                (*map)[out->len] = i;
                out->ptr[out->len++] = ' ';
            }
            i++;
            continue;
        }
        l = pcl_utf8_decode(screen + i, n - i, &cp);

        if (l == 0) {
            cp = 0xFFFD;
            l = 1;
        }
        if (cp == '\'' || cp == 0x2019) {
            i += l; /* don't -> dont */
            continue;
        }
        if (cp_is_word(cp)) {
            for (size_t k = 0; k < l; k++) {
                (*map)[out->len] = i;
                out->ptr[out->len++] = screen[i + k];
            }
        } else if (out->ptr[out->len - 1] != ' ') {
            (*map)[out->len] = i;
            out->ptr[out->len++] = ' ';
        }
        i += l;
    }
    if (out->ptr[out->len - 1] != ' ') {
        (*map)[out->len] = n;
        out->ptr[out->len++] = ' ';
    }
    (*map)[out->len] = n;
    out->ptr[out->len] = '\0';
    return PCL_OK;
}
