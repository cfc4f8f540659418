/* SPDX-License-Identifier: Apache-2.0 */
/* The detection engine: Vectorscan literal pass and the engine's own digit-cluster, hex-run
 * and token scanners, PCRE2 JIT confirmation of each trigger, validation, context scoring and
 * overlap resolution. */
#include "engine.h"
#include "cluster.h"
#include "dbcache.h"
#include "scanmask.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MIN_SCORE   0.5
#define DEFAULT_MATCH_LIMIT 100000u
#define DEFAULT_DEPTH_LIMIT 10000u
#define MAX_SCAN_BLOCK      ((size_t)1 << 30) /* hs_scan takes an unsigned int length */
#define MAX_FINDINGS        (1u << 24)

/* ---- detector tables ---------------------------------------------------------------- */

/* Row idx of the concatenated tables; idx < pcl_detectors_builtin_count(). */
static const struct pcl_detector *
builtin_row(size_t idx)
{
    if (idx < pcl_detectors_pii_count) {
        return &pcl_detectors_pii[idx];
    }
    PCL_ASSERT(idx - pcl_detectors_pii_count < pcl_detectors_secrets_count);
    return &pcl_detectors_secrets[idx - pcl_detectors_pii_count];
}

size_t
pcl_detectors_builtin_count(void)
{
    return pcl_detectors_pii_count + pcl_detectors_secrets_count;
}

static void
row_info(const struct pcl_detector *row, struct pcl_detector_info *info)
{
    info->name = row->name;
    info->type = row->type;
    info->categories = row->categories;
    info->description = row->description;
    info->validator = row->validator;
    info->score = row->score;
    info->default_on = (row->flags & PCL_DET_OFF) == 0;
}

static struct pcl_detector_info builtin_infos[512];
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void
builtin_infos_init(void)
{
    for (size_t i = 0; i < pcl_detectors_builtin_count() && i < PCL_ARRAY_LEN(builtin_infos); i++) {
        row_info(builtin_row(i), &builtin_infos[i]);
    }
}

const struct pcl_detector_info *
pcl_detectors_builtin(size_t idx)
{
    if (idx >= pcl_detectors_builtin_count() || idx >= PCL_ARRAY_LEN(builtin_infos)) {
        return NULL;
    }
    (void)pthread_once(&builtin_once, builtin_infos_init);
    return &builtin_infos[idx];
}

/* The type of built-in detector i, then of e's detector i - builtin count. */
static const char *
type_at(const struct pcl_engine *e, size_t i)
{
    size_t nb = pcl_detectors_builtin_count();

    return i < nb ? pcl_detectors_builtin(i)->type : pcl_engine_detector(e, i - nb)->type;
}

const char *
pcl_detect_type_find(const struct pcl_engine *e, const char *type, bool like)
{
    size_t n = strlen(type);
    size_t total = pcl_detectors_builtin_count() + (e != NULL ? pcl_engine_detector_count(e) : 0);

    for (size_t i = 0; i < total; i++) {
        if (strcmp(type_at(e, i), type) == 0) {
            return type_at(e, i);
        }
    }
    for (size_t i = 0; like && n > 0 && i < total; i++) {
        const char *t = type_at(e, i);
        size_t k = 0;

        while (k < n && t[k] != '\0' && pcl_lower(t[k]) == pcl_lower(type[k])) {
            k++;
        }
        if (k == n || (t[k] == '\0' && k >= 4)) { /* EMAIL, CREDIT_CARD_NUMBER */
            return t;
        }
    }
    return NULL;
}

bool
pcl_detect_type_unknown(const struct pcl_engine *e, const char *type, char *hint, size_t cap)
{
    const char *like;

    if (pcl_detect_type_find(e, type, false) != NULL) {
        return false;
    }
    like = pcl_detect_type_find(e, type, true);
    if (cap > 0) {
        (void)snprintf(hint, cap, "%s%s%s", like != NULL ? "; did you mean " : "",
                       like != NULL ? like : "", like != NULL ? "?" : "");
    }
    return true;
}

/* ---- options ------------------------------------------------------------------------ */

static bool
list_has(const char *const *list, const struct pcl_detector *row)
{
    if (list == NULL) {
        return false;
    }
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], "all") == 0 || strcmp(list[i], row->name) == 0 ||
            strcmp(list[i], row->type) == 0) {
            return true;
        }
    }
    return false;
}

static bool
row_enabled(const struct pcl_engine_opts *o, const struct pcl_detector *row)
{
    bool on;

    if (o->only_enabled) {
        on = list_has(o->enable, row);
    } else {
        on = (row->flags & PCL_DET_OFF) == 0 || list_has(o->enable, row);
    }
    if (list_has(o->disable, row)) {
        on = false;
    }
    if (o->categories != 0 && (row->categories & o->categories) == 0) {
        on = false;
    }
    return on;
}

/* Every name in enable/disable must exist, so a typo is an error instead of a silent no-op. */
static enum pcl_rc
check_names(const struct pcl_engine_opts *o, const char *const *list, const char *what,
            struct pcl_err *err)
{
    if (list == NULL) {
        return PCL_OK;
    }
    for (size_t i = 0; list[i] != NULL; i++) {
        bool found = strcmp(list[i], "all") == 0;

        for (size_t j = 0; !found && j < pcl_detectors_builtin_count(); j++) {
            const struct pcl_detector *row = builtin_row(j);

            found = strcmp(list[i], row->name) == 0 || strcmp(list[i], row->type) == 0;
        }
        for (size_t j = 0; !found && j < o->ncustom; j++) {
            found =
                strcmp(list[i], o->custom[j].name) == 0 || strcmp(list[i], o->custom[j].type) == 0;
        }
        if (!found) {
            char hint[PCL_TYPE_HINT_MAX] = "";

            (void)pcl_detect_type_unknown(NULL, list[i], hint, sizeof(hint));
            return pcl_err_set(err, PCL_EINVAL,
                               "detect: %s: unknown detector or type \"%s\"%s (`portcullis "
                               "detectors` lists them)",
                               what, list[i], hint);
        }
    }
    return PCL_OK;
}

/* ---- compile ------------------------------------------------------------------------ */

static enum pcl_rc
compile_pcre(struct pcl_det_rt *d, const char *pattern, struct pcl_err *err)
{
    uint32_t opts = 0, groups = 0;
    int errcode = 0;
    PCRE2_SIZE erroff = 0;
    PCRE2_UCHAR msg[160];

    if ((d->flags & PCL_DET_CASELESS) != 0) {
        opts |= PCRE2_CASELESS;
    }
    if ((d->flags & PCL_DET_DOTALL) != 0) {
        opts |= PCRE2_DOTALL;
    }
    d->code =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff, NULL);
    if (d->code == NULL) {
        (void)pcre2_get_error_message(errcode, msg, sizeof(msg));
        return pcl_err_set(err, PCL_EINVAL, "detect: detector \"%s\": pattern offset %zu: %s",
                           d->info.name, (size_t)erroff, (const char *)msg);
    }
    d->pattern = pattern;
    if (pcre2_pattern_info(d->code, PCRE2_INFO_CAPTURECOUNT, &groups) != 0) {
        groups = 0;
    }
    d->has_group = groups >= 1;
    return PCL_OK;
}

/* Detector id's JIT programs (jitset.h), made by the first caller that needs them. */
static inline const struct pcl_jit_slot *
det_jit(const struct pcl_engine *e, size_t id)
{
    const struct pcl_det_rt *d = &e->dets[id];

    return pcl_jit_get(e->jits, id, d->code, d->pattern);
}

void
pcl_engine_warm(const struct pcl_engine *e)
{
    for (size_t i = 0; i < e->ndets; i++) {
        (void)det_jit(e, i);
    }
}

static enum pcl_rc
add_owned(struct pcl_engine *e, const char *s, const char **out)
{
    char *copy;
    char **grown;

    if (s == NULL) {
        *out = NULL;
        return PCL_OK;
    }
    copy = pcl_strdup(s);
    if (copy == NULL) {
        return PCL_ENOMEM;
    }
    grown = pcl_realloc(e->owned, (e->nowned + 1) * sizeof(*grown));
    if (grown == NULL) {
        pcl_free(copy);
        return PCL_ENOMEM;
    }
    e->owned = grown;
    e->owned[e->nowned++] = copy;
    *out = copy;
    return PCL_OK;
}

static enum pcl_rc
add_custom(struct pcl_engine *e, const struct pcl_custom_detector *c, struct pcl_det_rt *d,
           const char **pattern)
{
    enum pcl_rc rc = PCL_OK;
    const char **ctx = NULL;
    const char ***grown;
    size_t n = 0;

    if (c->name == NULL || c->type == NULL || c->pattern == NULL) {
        return PCL_EINVAL;
    }
    rc = add_owned(e, c->name, &d->info.name);
    if (rc == PCL_OK) {
        rc = add_owned(e, c->type, &d->info.type);
    }
    if (rc == PCL_OK) {
        rc = add_owned(e, c->pattern, pattern);
    }
    if (rc != PCL_OK) {
        return rc;
    }
    d->info.categories = c->categories != 0 ? c->categories : PCL_CAT_CONTACT;
    d->info.description = "custom detector from configuration";
    d->info.score = c->score > 0 ? c->score : 0.8;
    d->info.default_on = true;
    d->max_len = 1024;
    if (c->context != NULL) {
        while (c->context[n] != NULL) {
            n++;
        }
        ctx = pcl_calloc(n + 1, sizeof(*ctx));
        if (ctx == NULL) {
            return PCL_ENOMEM;
        }
        grown = pcl_realloc(e->owned_ctx, (e->nowned_ctx + 1) * sizeof(*grown));
        if (grown == NULL) {
            pcl_free(ctx);
            return PCL_ENOMEM;
        }
        e->owned_ctx = grown;
        e->owned_ctx[e->nowned_ctx++] = ctx;
        for (size_t i = 0; i < n; i++) {
            rc = add_owned(e, c->context[i], &ctx[i]);
            if (rc != PCL_OK) {
                return rc;
            }
        }
        d->context = ctx;
        d->context_score = PCL_MIN(1.0, d->info.score + 0.15);
    }
    return PCL_OK;
}

/* "A-Za-z0-9._%+-" into a 256-bit set: ranges a-b and single bytes ("-" last is literal). */
static void
parse_byteset(const char *spec, uint8_t set[32])
{
    memset(set, 0, 32);
    for (const char *p = spec; *p != '\0'; p++) {
        unsigned lo = (unsigned char)p[0], hi = lo;

        if (p[1] == '-' && p[2] != '\0') {
            hi = (unsigned char)p[2];
            p += 2;
        }
        for (unsigned c = lo; c <= hi; c++) {
            set[c >> 3] = (uint8_t)(set[c >> 3] | (1u << (c & 7)));
        }
    }
}

static inline bool
in_byteset(const uint8_t set[32], unsigned char c)
{
    return (set[c >> 3] & (1u << (c & 7))) != 0;
}

/* ---- digit-group shapes ------------------------------------------------------------ */

/* Whether some group g[i] (starting at p + at[i]) fits a one-group alternative of the shape
 * and passes check. */
static bool
group_passes(const uint8_t *shape, pcl_validate_fn *check, const unsigned char *p, const size_t *at,
             const uint32_t *g, size_t ng)
{
    for (const uint8_t *alt = shape; alt[0] != 0; alt += 1 + 2 * alt[0]) {
        if (alt[0] != 1) {
            continue;
        }
        for (size_t i = 0; i < ng; i++) {
            if (g[i] >= alt[1] && g[i] <= alt[2] && check((const char *)p + at[i], g[i])) {
                return true;
            }
        }
    }
    return false;
}

/* Add the cluster gate of numeric detector id (a table row), keeping gates sorted by fewest
 * digits so a cluster's dispatch stops at the first one it cannot satisfy. */
static void
add_gate(struct pcl_engine *e, uint32_t id)
{
    const struct pcl_det_rt *d = &e->dets[id];
    const struct pcl_detector *row = d->row;
    struct pcl_numgate g = {
        .id = id,
        .min_digits = (uint16_t)PCL_MIN(row->min_digits, UINT16_MAX),
        .min_groups = row->min_groups,
        .min_run = row->min_run,
        .max_run = row->max_run,
        .lead_alpha = row->lead_alpha,
        .lead_max = PCL_MAX(row->lead_max, row->lead_alpha),
        .trail_alpha = row->trail_alpha,
        .trail_max = row->trail_max,
        .plus = (d->flags & PCL_DET_PLUS) != 0,
        .lead_gap = (d->flags & PCL_DET_LEAD_GAP) != 0,
        .lead0 = (d->flags & PCL_DET_LEAD0) != 0,
        .has_shape = d->shape[0] != 0,
        .group_check = d->shape[0] != 0 ? row->group_check : NULL,
        .cluster_check = row->cluster_check,
    };
    size_t k = e->nnumeric++;

    while (k > 0 && e->gates[k - 1].min_digits > g.min_digits) {
        e->gates[k] = e->gates[k - 1];
        k--;
    }
    e->gates[k] = g;
}

/* The smallest of the classes digit, letter, letter-or-digit that holds byteset set. */
static uint8_t
token_class(const uint8_t set[32])
{
    bool digit = true, alpha = true;

    for (unsigned c = 0; c < 256; c++) {
        if (in_byteset(set, (unsigned char)c)) {
            digit = digit && pcl_is_digit((char)c);
            alpha = alpha && pcl_is_alpha((char)c);
        }
    }
    return digit ? PCL_TOKCLS_DIGIT : alpha ? PCL_TOKCLS_ALPHA : PCL_TOKCLS_ALNUM;
}

/* Add token detector id (a table row with PCL_DET_TOKEN). */
static void
add_token(struct pcl_engine *e, uint32_t id)
{
    const struct pcl_det_rt *d = &e->dets[id];
    unsigned level = 0;

    while (level < 3 && (2u << level) <= d->row->token_min) {
        level++;
    }
    e->tokm[e->ntok] = (struct pcl_tokmask){
        .level = (uint8_t)level,
        .first = token_class(d->token_first),
        .second = d->row->token_min >= 2 ? token_class(d->token_second) : PCL_TOKCLS_ALNUM,
    };
    e->tok[e->ntok++] = id;
    for (unsigned c = 0; c < 256; c++) {
        if (in_byteset(d->token_first, (unsigned char)c)) {
            e->tok_first[c >> 3] = (uint8_t)(e->tok_first[c >> 3] | (1u << (c & 7)));
        }
    }
    e->tok_min = PCL_MIN(e->tok_min, (uint32_t)d->row->token_min);
}

/* The numeric dispatch tables: for each count a cluster can have, the gates it may pass, so a
 * cluster ANDs four words instead of walking every gate. */
static void
build_num_dispatch(struct pcl_engine *e)
{
    /* the built-in tables hold 23 numeric rows; custom detectors are never numeric */
    PCL_ASSERT(e->nnumeric <= 64);
    e->num_skip = (struct pcl_cluster_skip){64, 64, 64, 64};
    for (size_t k = 0; k < e->nnumeric; k++) {
        const struct pcl_numgate *g = &e->gates[k];
        uint64_t bit = (uint64_t)1 << k;
        uint32_t lone, multi, g2 = PCL_MAX((uint32_t)g->min_groups, 2u);

        pcl_shape_compile(e->dets[g->id].shape, &e->gate_shape[k]);
        for (unsigned ls = 0; ls < PCL_ARRAY_LEN(e->num_by_lenset); ls++) {
            if (!g->has_shape || pcl_shape_may_fit(e->dets[g->id].shape, ls)) {
                e->num_by_lenset[ls] |= bit;
            }
        }
        for (unsigned v = 0; v <= PCL_NUM_CAP; v++) {
            if (g->min_digits <= v) {
                e->num_by_digits[v] |= bit;
            }
            if (g->min_groups <= v) {
                e->num_by_groups[v] |= bit;
            }
            if (g->min_run <= v) {
                e->num_by_longest[v] |= bit;
            }
            /* a capped length stands for every longer one: only max_run 0 admits it */
            if (g->max_run == 0 || (v < PCL_NUM_CAP && v <= g->max_run)) {
                e->num_single[v] |= bit;
            }
        }
        /* the fewest digits of one group this gate takes, and the fewest bytes a cluster of
         * g2 >= 2 groups spans: digits (at least min_run in the longest group and one in each
         * other) plus g2 - 1 separators */
        lone = g->min_groups <= 1 ? PCL_MAX(PCL_MAX((uint32_t)g->min_digits, g->min_run), 1u)
                                  : UINT32_MAX;
        multi = PCL_MAX((uint32_t)g->min_digits, (uint32_t)g->min_run + g2 - 1) + g2 - 1;
        e->num_skip.lone = PCL_MIN(e->num_skip.lone, lone);
        e->num_skip.multi = PCL_MIN(e->num_skip.multi, multi);
        /* with no letter right before a cluster, lead is 0: only these gates remain */
        if (g->lead_alpha == 0 || g->lead_gap) {
            e->num_skip.lone_nolead = PCL_MIN(e->num_skip.lone_nolead, lone);
            e->num_skip.multi_nolead = PCL_MIN(e->num_skip.multi_nolead, multi);
        }
        if (g->plus) {
            e->num_plus |= bit;
        }
        if (g->lead0) {
            e->num_lead0 |= bit;
        }
        for (unsigned v = 0; v <= PCL_NUM_LETTERS; v++) {
            /* a gate with lead_alpha looks at lead, or with lead_gap at lead_gap only */
            bool in = g->lead_alpha == 0 || (v >= g->lead_alpha && v <= g->lead_max);

            if (in || g->lead_gap) {
                e->num_by_lead[v] |= bit;
            }
            if (in || !g->lead_gap) {
                e->num_by_lead_gap[v] |= bit;
            }
            if (v >= g->trail_alpha && (g->trail_max == 0 || v <= g->trail_max)) {
                e->num_by_trail[v] |= bit;
            }
        }
    }
}

/* The union of the hex-run detectors' cheap conditions (struct pcl_hexpre). */
static void
build_hexpre(struct pcl_engine *e)
{
    for (size_t k = 0; k < e->nhex; k++) {
        const struct pcl_hexpre *pre = &e->dets[e->hex[k]].row->hexpre;

        if ((pre->min_colons == 0 && !pre->double_colon && pre->nseps == 0) ||
            e->nhexseps + pre->nseps > PCL_ARRAY_LEN(e->hexseps)) {
            e->hexpre_all = true;
        }
        if (pre->min_colons > 0 && (e->hexpre_colons == 0 || pre->min_colons < e->hexpre_colons)) {
            e->hexpre_colons = pre->min_colons;
        }
        e->hexpre_dcolon = e->hexpre_dcolon || pre->double_colon;
        for (size_t j = 0; j < pre->nseps && e->nhexseps < PCL_ARRAY_LEN(e->hexseps); j++) {
            e->hexseps[e->nhexseps].len = pre->seps[j].len;
            e->hexseps[e->nhexseps].at = pre->seps[j].at;
            e->hexsep_lens |= pre->seps[j].len < 64 ? (uint64_t)1 << pre->seps[j].len : 0;
            e->nhexseps++;
        }
    }
}

/* A context word as a Vectorscan literal: every byte but [A-Za-z0-9] as \\xHH. */
static char *
literal_expr(const char *word)
{
    size_t n = strlen(word);
    char *out = pcl_malloc(n * 4 + 1);
    size_t k = 0;

    if (out == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (pcl_is_alnum(word[i])) {
            out[k++] = word[i];
        } else {
            (void)snprintf(out + k, 5, "\\x%02x", (unsigned char)word[i]);
            k += 4;
        }
    }
    out[k] = '\0';
    return out;
}

/* The Vectorscan expressions. A detector whose base score is under the minimum can only
 * report a finding with a context word nearby, so its context words (plain caseless literals,
 * which Vectorscan finds at memory speed) stand in for its pattern (character-class shapes,
 * which are slow on digit-heavy text); the confirmation then searches around the word. */
static enum pcl_rc
build_triggers(struct pcl_engine *e, const char **patterns, char ***exprs_out, unsigned **flags_out,
               unsigned **ids_out, size_t *n_out, struct pcl_err *err)
{
    size_t cap = 0, n = 0;
    char **exprs;
    unsigned *flags, *ids;

    for (size_t i = 0; i < e->ndets; i++) {
        const struct pcl_det_rt *d = &e->dets[i];

        cap++;
        for (size_t w = 0; d->context != NULL && d->context[w] != NULL; w++) {
            cap++;
        }
        for (size_t w = 0; d->anchors != NULL && d->anchors[w] != NULL; w++) {
            cap++;
        }
    }
    exprs = pcl_calloc(cap + 1, sizeof(*exprs));
    flags = pcl_calloc(cap + 1, sizeof(*flags));
    ids = pcl_calloc(cap + 1, sizeof(*ids));
    e->trig = pcl_calloc(cap + 1, sizeof(*e->trig));
    e->hex = pcl_calloc(e->ndets + 1, sizeof(*e->hex));
    e->gates = pcl_calloc(e->ndets + 1, sizeof(*e->gates));
    e->gate_shape = pcl_calloc(e->ndets + 1, sizeof(*e->gate_shape));
    e->tok = pcl_calloc(e->ndets + 1, sizeof(*e->tok));
    e->tokm = pcl_calloc(e->ndets + 1, sizeof(*e->tokm));
    e->tok_min = UINT32_MAX;
    *exprs_out = exprs;
    *flags_out = flags;
    *ids_out = ids;
    if (exprs == NULL || flags == NULL || ids == NULL || e->trig == NULL || e->hex == NULL ||
        e->gates == NULL || e->gate_shape == NULL || e->tok == NULL || e->tokm == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "detect: out of memory");
    }
    /* Patterns first, then context words: they go into two databases (see e->kwdb). */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < e->ndets; i++) {
            const struct pcl_det_rt *d = &e->dets[i];
            /* Cheapest exact trigger first: anchors, digit clusters, context words; the
             * pattern itself (prefilter mode) only when nothing else applies. */
            bool anchored = d->anchors != NULL && d->anchors[0] != NULL;
            bool numeric = !anchored && (d->flags & PCL_DET_NUMERIC) != 0;
            bool by_context = !anchored && !numeric && d->context != NULL &&
                              d->context[0] != NULL && d->info.score + 1e-9 < e->min_score;

            if (pass == 0 && numeric) {
                add_gate(e, (uint32_t)i);
                continue;
            }
            if (!anchored && !numeric && (d->flags & PCL_DET_TOKEN) != 0) {
                if (pass == 0) {
                    add_token(e, (uint32_t)i);
                }
                continue;
            }
            if (!anchored && !numeric && d->hexgate != NULL) {
                if (pass == 0) {
                    e->hex[e->nhex++] = (uint32_t)i;
                }
                continue;
            }
            if (pass == 0 && !by_context && !anchored) {
                exprs[n] = pcl_strdup(patterns[i]);
                flags[n] = HS_FLAG_PREFILTER;
                if ((d->flags & PCL_DET_CASELESS) != 0) {
                    flags[n] |= HS_FLAG_CASELESS;
                }
                if ((d->flags & PCL_DET_DOTALL) != 0) {
                    flags[n] |= HS_FLAG_DOTALL;
                }
                e->trig[n] = (struct pcl_trigger){.det = (uint32_t)i, .kwlen = 0};
                ids[n] = (unsigned)n;
                n++;
                *n_out = n;
                if (exprs[n - 1] == NULL) {
                    return pcl_err_set(err, PCL_ENOMEM, "detect: out of memory");
                }
                continue;
            }
            if (pass == 0) {
                continue;
            }
            if (!anchored && !by_context) {
                continue;
            }
            for (size_t w = 0; anchored ? d->anchors[w] != NULL : d->context[w] != NULL; w++) {
                const char *lit = anchored ? d->anchors[w] : d->context[w];
                size_t wl = strlen(lit);

                if (wl == 0) {
                    continue;
                }
                exprs[n] = literal_expr(lit);
                flags[n] = anchored && (d->flags & PCL_DET_ANCHOR_CASE) != 0 ? 0 : HS_FLAG_CASELESS;
                e->trig[n] = (struct pcl_trigger){
                    .det = (uint32_t)i, .kwlen = (uint32_t)wl, .anchor = anchored};
                ids[n] = (unsigned)n;
                n++;
                *n_out = n;
                if (exprs[n - 1] == NULL) {
                    return pcl_err_set(err, PCL_ENOMEM, "detect: out of memory");
                }
            }
        }
        if (pass == 0) {
            e->npattern = n;
        }
    }
    e->ntrig = n;
    return PCL_OK;
}

/* Compile expressions [from, to) into *db, through the cache when there is one. */
static enum pcl_rc
compile_db(const struct pcl_engine *e, char **exprs, const unsigned *flags, const unsigned *ids,
           size_t from, size_t to, const char *cache_dir, hs_database_t **db, struct pcl_err *err)
{
    hs_compile_error_t *cerr = NULL;
    char cpath[4096] = "";
    size_t n = to - from;

    if (n == 0) {
        return PCL_OK;
    }
    if (cache_dir != NULL) {
        pcl_dbcache_path(cache_dir, "prefilter-v2", exprs + from, flags + from, ids + from, n,
                         cpath, sizeof(cpath));
        *db = pcl_dbcache_load(cpath);
        if (*db != NULL) {
            return PCL_OK;
        }
    }
    if (hs_compile_multi((const char *const *)(exprs + from), flags + from, ids + from, (unsigned)n,
                         HS_MODE_BLOCK, NULL, db, &cerr) != HS_SUCCESS) {
        enum pcl_rc rc;

        if (cerr->expression >= 0 && (size_t)cerr->expression < n) {
            rc = pcl_err_set(err, PCL_EINVAL, "detect: detector \"%s\": %s",
                             e->dets[e->trig[from + (size_t)cerr->expression].det].info.name,
                             cerr->message);
        } else {
            rc = pcl_err_set(err, PCL_EINTERNAL, "detect: vectorscan: %s", cerr->message);
        }
        (void)hs_free_compile_error(cerr);
        *db = NULL;
        return rc;
    }
    if (cache_dir != NULL) {
        pcl_dbcache_save(cache_dir, cpath, *db);
    }
    return PCL_OK;
}

enum pcl_rc
pcl_engine_new(const struct pcl_engine_opts *opts, struct pcl_engine **out, struct pcl_err *err)
{
    static const struct pcl_engine_opts defaults = {0};
    struct pcl_engine *e = NULL;
    const char **patterns = NULL;
    unsigned *flags = NULL, *ids = NULL;
    size_t nmax, maxlen = 0;
    enum pcl_rc rc = PCL_OK;
    char **exprs = NULL;
    size_t nexpr = 0;

    *out = NULL;
    if (opts == NULL) {
        opts = &defaults;
    }
    rc = check_names(opts, opts->enable, "enable", err);
    if (rc == PCL_OK) {
        rc = check_names(opts, opts->disable, "disable", err);
    }
    if (rc != PCL_OK) {
        goto out;
    }
    nmax = pcl_detectors_builtin_count() + opts->ncustom;
    e = pcl_calloc(1, sizeof(*e));
    patterns = pcl_calloc(nmax, sizeof(*patterns));
    if (e == NULL || patterns == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "detect: out of memory");
        goto out;
    }
    e->dets = pcl_calloc(nmax, sizeof(*e->dets));
    if (e->dets == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "detect: out of memory");
        goto out;
    }
    e->min_score = opts->min_score > 0 ? opts->min_score : DEFAULT_MIN_SCORE;
    e->match_limit = opts->match_limit > 0 ? (uint32_t)PCL_MIN(opts->match_limit, UINT32_MAX)
                                           : DEFAULT_MATCH_LIMIT;
    e->max_groups = 1;
    e->avx2 = pcl_scanmask_avx2_usable();

    for (size_t i = 0; i < pcl_detectors_builtin_count(); i++) {
        const struct pcl_detector *row = builtin_row(i);
        struct pcl_det_rt *d = &e->dets[e->ndets];

        if (!row_enabled(opts, row)) {
            continue;
        }
        row_info(row, &d->info);
        d->validate = row->validate;
        d->trim = row->trim;
        d->hexgate = row->hexgate;
        d->context = row->context;
        d->context_score = row->context_score > 0 ? row->context_score : row->score;
        d->max_len = row->max_len > 0 ? row->max_len : 256;
        d->flags = row->flags;
        d->row = row;
        rc = pcl_shape_parse(row->shape, d->shape, sizeof(d->shape));
        if (rc != PCL_OK) {
            rc = pcl_err_set(err, rc, "detect: detector \"%s\": bad shape \"%s\"", row->name,
                             row->shape);
            goto out;
        }
        d->anchors = row->anchors;
        d->anchor_back = row->anchor_back > 0 ? row->anchor_back : row->max_len;
        if (row->anchor_run != NULL) {
            parse_byteset(row->anchor_run, d->anchor_run);
            d->has_run = true;
        }
        if ((row->flags & PCL_DET_TOKEN) != 0) {
            parse_byteset(row->token_first != NULL ? row->token_first : "A-Za-z0-9",
                          d->token_first);
            parse_byteset(row->token_second != NULL ? row->token_second : "A-Za-z0-9",
                          d->token_second);
        }
        patterns[e->ndets] = row->pattern;
        e->ndets++;
        rc = compile_pcre(d, row->pattern, err);
        if (rc != PCL_OK) {
            goto out;
        }
    }
    for (size_t i = 0; i < opts->ncustom; i++) {
        const struct pcl_custom_detector *c = &opts->custom[i];
        struct pcl_det_rt *d = &e->dets[e->ndets];
        const char *pattern = NULL;

        memset(d, 0, sizeof(*d));
        if (opts->categories != 0 && c->categories != 0 &&
            (c->categories & opts->categories) == 0) {
            continue;
        }
        rc = add_custom(e, c, d, &pattern);
        if (rc == PCL_EINVAL) {
            rc = pcl_err_set(err, rc,
                             "detect: custom detector %zu: name, type and pattern are "
                             "required",
                             i + 1);
            goto out;
        }
        if (rc != PCL_OK) {
            rc = pcl_err_set(err, rc, "detect: out of memory");
            goto out;
        }
        if (list_has(opts->disable,
                     &(struct pcl_detector){.name = d->info.name, .type = d->info.type})) {
            continue; /* strings stay owned by the engine; the slot is reused */
        }
        patterns[e->ndets] = pattern;
        e->ndets++;
        rc = compile_pcre(d, pattern, err);
        if (rc != PCL_OK) {
            goto out;
        }
    }
    e->jits = pcl_jit_set_new(e->ndets);
    if (e->jits == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "detect: out of memory");
        goto out;
    }
    rc = build_triggers(e, patterns, &exprs, &flags, &ids, &nexpr, err);
    if (rc != PCL_OK) {
        goto out;
    }
    build_num_dispatch(e);
    build_hexpre(e);
    for (size_t i = 0; i < e->ndets; i++) {
        struct pcl_det_rt *d = &e->dets[i];
        uint32_t groups = 0;

        maxlen = PCL_MAX(maxlen, (size_t)d->max_len);
        (void)pcre2_pattern_info(d->code, PCRE2_INFO_CAPTURECOUNT, &groups);
        e->max_groups = PCL_MAX(e->max_groups, groups + 1);
    }
    e->window = maxlen + PCL_CONTEXT_BEFORE + PCL_CONTEXT_AFTER + 16;
    rc = compile_db(e, exprs, flags, ids, 0, e->npattern, opts->cache_dir, &e->db, err);
    if (rc == PCL_OK) {
        rc = compile_db(e, exprs, flags, ids, e->npattern, nexpr, opts->cache_dir, &e->kwdb, err);
    }
    if (rc != PCL_OK) {
        goto out;
    }
    *out = e;
    e = NULL;
out:
    for (size_t i = 0; i < nexpr; i++) {
        pcl_free(exprs[i]);
    }
    pcl_free(exprs);
    pcl_free(patterns);
    pcl_free(flags);
    pcl_free(ids);
    pcl_engine_free(e);
    return rc;
}

void
pcl_engine_free(struct pcl_engine *e)
{
    if (e == NULL) {
        return;
    }
    for (size_t i = 0; i < e->ndets; i++) {
        pcre2_code_free(e->dets[i].code);
    }
    pcl_jit_set_free(e->jits);
    for (size_t i = 0; i < e->nowned; i++) {
        pcl_free(e->owned[i]);
    }
    for (size_t i = 0; i < e->nowned_ctx; i++) {
        pcl_free((void *)e->owned_ctx[i]);
    }
    pcl_free(e->owned);
    pcl_free(e->owned_ctx);
    pcl_free(e->dets);
    pcl_free(e->trig);
    pcl_free(e->hex);
    pcl_free(e->tok);
    pcl_free(e->tokm);
    pcl_free(e->gates);
    pcl_free(e->gate_shape);
    hs_free_database(e->db);
    hs_free_database(e->kwdb);
    pcl_free(e);
}

size_t
pcl_engine_detector_count(const struct pcl_engine *e)
{
    return e->ndets;
}

const struct pcl_detector_info *
pcl_engine_detector(const struct pcl_engine *e, size_t idx)
{
    return idx < e->ndets ? &e->dets[idx].info : NULL;
}

size_t
pcl_engine_window(const struct pcl_engine *e)
{
    return e->window;
}

/* ---- scratch ------------------------------------------------------------------------ */

enum pcl_rc
pcl_scratch_new(const struct pcl_engine *e, struct pcl_scratch **out, struct pcl_err *err)
{
    struct pcl_scratch *s = pcl_calloc(1, sizeof(*s));
    enum pcl_rc rc = PCL_OK;

    *out = NULL;
    if (s == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "detect: out of memory");
    }
    s->e = e;
    /* one scratch serves both databases */
    if ((e->db != NULL && hs_alloc_scratch(e->db, &s->hs) != HS_SUCCESS) ||
        (e->kwdb != NULL && hs_alloc_scratch(e->kwdb, &s->hs) != HS_SUCCESS)) {
        rc = pcl_err_set(err, PCL_ENOMEM, "detect: cannot allocate vectorscan scratch");
        goto out;
    }
    s->md = pcre2_match_data_create(e->max_groups, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    s->jit = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
    s->cursor = pcl_calloc(e->ndets + 1, sizeof(*s->cursor));
    if (s->md == NULL || s->mctx == NULL || s->jit == NULL || s->cursor == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "detect: out of memory");
        goto out;
    }
    (void)pcre2_set_match_limit(s->mctx, e->match_limit);
    (void)pcre2_set_depth_limit(s->mctx, DEFAULT_DEPTH_LIMIT);
    pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
    *out = s;
    s = NULL;
out:
    pcl_scratch_free(s);
    return rc;
}

void
pcl_scratch_free(struct pcl_scratch *s)
{
    if (s == NULL) {
        return;
    }
    hs_free_scratch(s->hs);
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcre2_jit_stack_free(s->jit);
    pcl_free(s->cursor);
    pcl_free(s->found);
    pcl_free(s);
}

/* ---- confirm, validate, score ------------------------------------------------------- */

/* Whether p[i, i + wn) stands as a whole word in p[0, len): no letter joins it on a side
 * where it begins or ends with a letter. The trigger filter in on_hit() and has_context()
 * must agree on this, so both use it. */
static bool
is_whole_word(const char *p, size_t len, size_t i, size_t wn)
{
    if (i > 0 && pcl_is_alpha(p[i]) && pcl_is_alpha(p[i - 1])) {
        return false;
    }
    if (i + wn < len && pcl_is_alpha(p[i + wn - 1]) && pcl_is_alpha(p[i + wn])) {
        return false;
    }
    return true;
}

/* Whether `word` occurs as a whole word in p[from, to), given lower, the lower-cased copy
 * of that range; boundaries are judged on the whole buffer p[0, len). */
static bool
word_in(const char *p, size_t len, size_t from, size_t to, const char *lower, const char *word,
        size_t wn)
{
    size_t n = to - from;
    const char *q = lower, *end = lower + n;

    while ((size_t)(end - q) >= wn) {
        const char *hit = memchr(q, word[0], (size_t)(end - q) - wn + 1);
        size_t i;

        if (hit == NULL) {
            return false;
        }
        i = from + (size_t)(hit - lower);
        if (memcmp(hit, word, wn) == 0 && is_whole_word(p, len, i, wn)) {
            return true;
        }
        q = hit + 1;
    }
    return false;
}

/* Make the segment holding buf[pos] current (a separator belongs to the segment before it).
 * Candidates come in nearly increasing order, so this walks a step or two at most. */
static inline void
seg_at(struct pcl_scratch *s, size_t pos)
{
    size_t i = s->seg;

    if (s->nseg == 0) {
        return;
    }
    while (i + 1 < s->nseg && pos > s->seg_end[i]) {
        i++;
    }
    while (i > 0 && pos <= s->seg_end[i - 1]) {
        i--;
    }
    s->seg = i;
    s->seg_lo = i == 0 ? 0 : s->seg_end[i - 1] + 1;
    s->seg_hi = s->seg_end[i];
}

/* Whether one of the detector's context words stands within PCL_CONTEXT_BEFORE bytes before
 * the finding or PCL_CONTEXT_AFTER after it (not overlapping it), inside the segment. */
static bool
has_context(const struct pcl_scratch *s, const struct pcl_det_rt *d, size_t start, size_t end)
{
    const char *p = s->buf + s->seg_lo;
    size_t n = s->seg_hi - s->seg_lo;
    size_t lo, hi;
    char before[PCL_CONTEXT_BEFORE], after[PCL_CONTEXT_AFTER];

    start -= s->seg_lo;
    end -= s->seg_lo;
    lo = start > PCL_CONTEXT_BEFORE ? start - PCL_CONTEXT_BEFORE : 0;
    hi = PCL_MIN(n, end + PCL_CONTEXT_AFTER);
    for (size_t i = lo; i < start; i++) {
        before[i - lo] = pcl_lower(p[i]);
    }
    for (size_t i = end; i < hi; i++) {
        after[i - end] = pcl_lower(p[i]);
    }
    for (size_t w = 0; d->context[w] != NULL; w++) {
        const char *word = d->context[w];
        size_t wn = strlen(word);

        if (wn == 0) {
            continue;
        }
        if (word_in(p, n, lo, start, before, word, wn) || word_in(p, n, end, hi, after, word, wn)) {
            return true;
        }
    }
    return false;
}

static enum pcl_rc
push_finding(struct pcl_scratch *s, uint64_t start, uint64_t end, double score, uint32_t det)
{
    if (s->nfound == s->capfound) {
        size_t cap = s->capfound == 0 ? 64 : s->capfound * 2;
        struct pcl_finding *f;

        if (cap > MAX_FINDINGS) {
            return PCL_ELIMIT;
        }
        f = pcl_realloc(s->found, cap * sizeof(*f));
        if (f == NULL) {
            return PCL_ENOMEM;
        }
        s->found = f;
        s->capfound = cap;
    }
    s->found[s->nfound++] =
        (struct pcl_finding){.start = start, .end = end, .score = score, .detector = det};
    return PCL_OK;
}

static void
consider(struct pcl_scratch *s, uint32_t id, size_t vs, size_t ve)
{
    const struct pcl_det_rt *d = &s->e->dets[id];
    double score = d->info.score;
    enum pcl_rc rc;

    if (ve <= vs) {
        return;
    }
    if (d->trim != NULL) {
        size_t n = d->trim(s->buf + vs, ve - vs);

        if (n == 0 || n > ve - vs) {
            return;
        }
        ve = vs + n;
    } else if (d->validate != NULL && !d->validate(s->buf + vs, ve - vs)) {
        return;
    }
    if (d->context != NULL && d->context_score != score && has_context(s, d, vs, ve)) {
        score = d->context_score;
    }
    if (score + 1e-9 < s->e->min_score) {
        return;
    }
    rc = push_finding(s, s->base + vs, s->base + ve, score, id);
    if (rc != PCL_OK && s->rc == PCL_OK) {
        s->rc = rc;
    }
}

/* Confirm detector id: run PCRE2 from max(lo, cursor) and take every match that starts
 * before the limit: bound, or with `reach` bound + max_len (the subject ends max_len after
 * the limit, so no match taken is cut short). Reaching past the trigger is for pattern
 * reports: Vectorscan 5.4 (multi-pattern, prefilter mode) sometimes leaves out the report of
 * a match that closely follows another one, and which one depends on where the scanned buffer
 * starts, so a stream window and a whole buffer would disagree. Literal reports and digit
 * clusters are exact and need no reach. Afterwards every match starting before the cursor has
 * been taken. */
static void
confirm_range(struct pcl_scratch *s, uint32_t id, size_t lo, size_t bound, bool reach)
{
    const struct pcl_det_rt *d = &s->e->dets[id];
    size_t pos, hi, limit = reach ? bound + d->max_len : bound;
    bool complete = true, anchored;
    PCRE2_SPTR subject;
    const struct pcl_jit_slot *jit;

    /* Every trigger extends the searched range to its own limit, even when an earlier one
     * already covered its bound: coverage then never depends on every hit being reported. */
    if (limit <= s->cursor[id]) {
        return;
    }
    jit = det_jit(s->e, id);
    pos = PCL_MAX(PCL_MAX(lo, s->seg_lo), (size_t)s->cursor[id]);
    /* 8 spare bytes so a lookahead after the longest match still sees real input; the subject
     * is the segment, so nothing outside it is seen */
    hi = PCL_MIN(s->seg_hi, limit + d->max_len + 8);
    subject = (PCRE2_SPTR)s->buf + s->seg_lo;
    /* When only a few start positions are possible (an anchor at the start of a token), try
     * each anchored: an unanchored search would walk the whole window when nothing matches.
     * Trying starts in order finds the same leftmost matches. */
    anchored = pos < limit && limit - pos <= 8;
    while (pos < hi) {
        int rc;
        PCRE2_SIZE *ov;
        size_t ms, me, vs, ve;

        if (anchored && pos >= limit) {
            /* after a match that ended at or past the limit: a try here would see a subject
             * cut short, so pos stays undecided for the next trigger (two tokens one byte
             * apart) */
            break;
        }
        if (anchored && jit->anchored != NULL) {
            rc = pcre2_match(jit->anchored, subject, hi - s->seg_lo, pos - s->seg_lo, 0, s->md,
                             s->mctx);
        } else {
            rc = pcre2_match(jit->code != NULL ? jit->code : d->code, subject, hi - s->seg_lo,
                             pos - s->seg_lo, anchored ? PCRE2_ANCHORED : 0, s->md, s->mctx);
        }

        if (rc == PCRE2_ERROR_NOMATCH && anchored) {
            pos++;
            if (pos >= limit) {
                break;
            }
            continue;
        }
        if (rc == PCRE2_ERROR_NOMATCH) {
            break;
        }
        if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
            rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_HEAPLIMIT) {
            s->limit_hit = true;
            if (s->seg_limited != NULL) {
                s->seg_limited[s->seg] = true;
            }
            complete = false;
            break;
        }
        if (rc < 0) {
            if (s->rc == PCL_OK) {
                s->rc = PCL_EINTERNAL;
            }
            complete = false;
            break;
        }
        ov = pcre2_get_ovector_pointer(s->md);
        ms = s->seg_lo + ov[0];
        me = s->seg_lo + ov[1];
        if (ms >= limit) {
            break;
        }
        vs = ms;
        ve = me;
        if (d->has_group && rc >= 2 && ov[2] != PCRE2_UNSET) {
            vs = s->seg_lo + ov[2];
            ve = s->seg_lo + ov[3];
        }
        consider(s, id, vs, ve);
        pos = me > ms ? me : ms + 1;
    }
    /* no match starts at or past the segment's end: a neighbour's range stays open */
    s->cursor[id] =
        PCL_MAX((size_t)s->cursor[id], PCL_MIN(complete ? PCL_MAX(pos, limit) : pos, s->seg_hi));
}

static int
on_hit(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
       void *ctx)
{
    struct pcl_scratch *s = ctx;
    const struct pcl_trigger *t = &s->e->trig[id];
    const struct pcl_det_rt *d = &s->e->dets[t->det];
    size_t end = (size_t)to;

    (void)from;
    (void)flags;
    if (t->kwlen == 0) {
        /* the detector's own pattern ended here: the match lies within max_len before */
        confirm_range(s, t->det, end > d->max_len ? end - d->max_len : 0, end, true);
    } else if (t->anchor) {
        /* an anchor at [end - kwlen, end) lies inside the match: it starts at most
         * anchor_back before the anchor, and at the latest where the anchor starts */
        size_t as = end - t->kwlen;

        seg_at(s, as);
        if (end > s->seg_hi) {
            return 0; /* across a segment separator: no segment holds it */
        }
        if (d->has_run) {
            /* the match starts where the run before the anchor starts: one anchored try */
            size_t rs = as;

            while (rs > s->seg_lo && as - rs < d->anchor_back &&
                   in_byteset(d->anchor_run, (unsigned char)s->buf[rs - 1])) {
                rs--;
            }
            if (rs > s->seg_lo && in_byteset(d->anchor_run, (unsigned char)s->buf[rs - 1])) {
                return 0; /* the run is longer than any match may reach back */
            }
            confirm_range(s, t->det, rs, rs + 1, false);
        } else {
            confirm_range(s, t->det, as > d->anchor_back ? as - d->anchor_back : 0, as + 1, false);
        }
    } else {
        /* a context word at [end - kwlen, end): a finding it can lift starts at most
         * PCL_CONTEXT_BEFORE after the word and ends at least PCL_CONTEXT_AFTER before it */
        size_t kstart = end - t->kwlen;

        seg_at(s, kstart);
        /* Vectorscan matched the word anywhere ("sin" in "using"); has_context() only counts
         * whole words, so a word inside another one cannot lift any finding. */
        if (end > s->seg_hi || !is_whole_word(s->buf + s->seg_lo, s->seg_hi - s->seg_lo,
                                              kstart - s->seg_lo, t->kwlen)) {
            return 0;
        }
        size_t back = (size_t)PCL_CONTEXT_AFTER + d->max_len;

        confirm_range(s, t->det, kstart > back ? kstart - back : 0, end + PCL_CONTEXT_BEFORE + 1,
                      false);
    }
    return s->rc == PCL_OK ? 0 : 1;
}

/* ---- digit clusters ----------------------------------------------------------------- */

_Static_assert(PCL_NUM_LETTERS == PCL_CLUSTER_LETTERS, "letter tables cover every count");

/* Byte classes of the hex-run scanner (digit clusters use the masks of cluster.h). */
enum {
    CLS_HEX = 1u << 0,    /* 0-9 a-f A-F */
    CLS_HEXSEP = 1u << 1, /* ':' '-' '.': joins hex groups */
};

#define CLS_HEX_RANGE(c) [c] = CLS_HEX

static const uint8_t byte_class[256] = {
    CLS_HEX_RANGE('0'), CLS_HEX_RANGE('1'), CLS_HEX_RANGE('2'), CLS_HEX_RANGE('3'),
    CLS_HEX_RANGE('4'), CLS_HEX_RANGE('5'), CLS_HEX_RANGE('6'), CLS_HEX_RANGE('7'),
    CLS_HEX_RANGE('8'), CLS_HEX_RANGE('9'), CLS_HEX_RANGE('a'), CLS_HEX_RANGE('b'),
    CLS_HEX_RANGE('c'), CLS_HEX_RANGE('d'), CLS_HEX_RANGE('e'), CLS_HEX_RANGE('f'),
    CLS_HEX_RANGE('A'), CLS_HEX_RANGE('B'), CLS_HEX_RANGE('C'), CLS_HEX_RANGE('D'),
    CLS_HEX_RANGE('E'), CLS_HEX_RANGE('F'), [':'] = CLS_HEXSEP, ['-'] = CLS_HEXSEP,
    ['.'] = CLS_HEXSEP,
};

static inline bool
in_class(unsigned char c, unsigned cls)
{
    return (byte_class[c] & cls) != 0;
}

/* Confirm, around cluster cl, every numeric detector whose gate the cluster passes. */
static void
cluster_dispatch(struct pcl_scratch *s, const struct pcl_cluster *cl)
{
    const struct pcl_engine *e = s->e;
    const unsigned char *p = (const unsigned char *)s->buf;
    size_t cs = cl->start, ce = cl->end;
    uint32_t groups = cl->groups, longest = cl->longest;
    uint64_t cand;

    /* no early exit for too few digits: num_by_digits is 0 there, and a branch on the
     * digit count would follow no pattern */
    cand = e->num_by_digits[PCL_MIN(cl->digits, PCL_NUM_CAP)] &
           e->num_by_groups[PCL_MIN(groups, PCL_NUM_CAP)] &
           e->num_by_longest[PCL_MIN(longest, PCL_NUM_CAP)] & e->num_by_lead[cl->lead] &
           e->num_by_lead_gap[cl->lead_gap] & e->num_by_trail[cl->trail];
    /* max_run only rules a cluster out when all its runs are too long: a long run elsewhere
     * may sit beside a match */
    cand &= groups == 1 ? e->num_single[PCL_MIN(longest, PCL_NUM_CAP)] : ~(uint64_t)0;
    /* the shape test below only applies to clusters whose groups were all recorded (0xff
     * passes every shape) */
    cand &= e->num_by_lenset[groups <= PCL_CLUSTER_GROUPS ? cl->lenset & 0xffu : 0xffu];
    cand &= cl->plus ? ~(uint64_t)0 : ~e->num_plus;
    cand &= cl->lead0 ? ~(uint64_t)0 : ~e->num_lead0;
    if (cand != 0) {
        seg_at(s, cs);
    }
    while (cand != 0) {
        unsigned k = (unsigned)__builtin_ctzll(cand);
        const struct pcl_numgate *gt = &e->gates[k];
        const struct pcl_shape_nfa *nfa = &e->gate_shape[k];
        size_t back;

        cand &= cand - 1;
        if (gt->has_shape && groups <= PCL_CLUSTER_GROUPS &&
            !(nfa->ok && longest < 64 ? pcl_shape_nfa_fits(nfa, cl->glen, groups)
                                      : pcl_shape_fits(e->dets[gt->id].shape, cl->glen, groups))) {
            continue;
        }
        if (gt->group_check != NULL && groups <= PCL_CLUSTER_GROUPS &&
            !group_passes(e->dets[gt->id].shape, gt->group_check, p, cl->gat, cl->glen, groups)) {
            continue;
        }
        if (gt->cluster_check != NULL &&
            !gt->cluster_check(s->buf + s->seg_lo, s->seg_hi - s->seg_lo, cs - s->seg_lo,
                               ce - s->seg_lo)) {
            continue;
        }
        /* a match may begin with "+", "(" or its leading letters, and the boundary byte
         * before them */
        back = 4 + (size_t)gt->lead_alpha;
        confirm_range(s, gt->id, cs >= back ? cs - back : 0, ce, false);
    }
}

/* ---- hex runs -------------------------------------------------------------------- */

/* The hex run around the separator at p[i]: runs of hex digits joined by single ':', '-'
 * or '.' ("::" allowed). Confirms the hex-run detectors whose gate the run passes; returns
 * where the run ends, or i + 1 when no run stands there. */
static size_t
hex_run(struct pcl_scratch *s, size_t i)
{
    const struct pcl_engine *e = s->e;
    const unsigned char *p = (const unsigned char *)s->buf;
    size_t n = s->len, rs, re, j, g = 0;
    struct pcl_hexrun r = {.min_group = UINT32_MAX};

    if (i == 0 || i + 1 >= n || !in_class(p[i - 1], CLS_HEX) ||
        !(in_class(p[i + 1], CLS_HEX) || (p[i] == ':' && p[i + 1] == ':'))) {
        return i + 1;
    }
    rs = i;
    while (rs > 0 && in_class(p[rs - 1], CLS_HEX | CLS_HEXSEP)) {
        rs--;
    }
    /* one forward pass: find the end and count groups and separators */
    for (j = rs;; j++) {
        unsigned c = j < n ? byte_class[p[j]] : 0;

        if ((c & CLS_HEX) != 0) {
            g++;
            continue;
        }
        if (g > 0) {
            r.groups++;
            r.min_group = PCL_MIN(r.min_group, (uint32_t)g);
            r.max_group = PCL_MAX(r.max_group, (uint32_t)g);
            g = 0;
        }
        if ((c & CLS_HEXSEP) == 0) {
            break;
        }
        r.colons += p[j] == ':';
        r.dashes += p[j] == '-';
        r.dots += p[j] == '.';
        r.double_colon |= p[j] == ':' && j > rs && p[j - 1] == ':';
    }
    re = j;
    r.text = (const char *)p + rs;
    r.len = re - rs;
    seg_at(s, rs);
    for (size_t k = 0; k < e->nhex; k++) {
        uint32_t id = e->hex[k];

        if (e->dets[id].hexgate(&r)) {
            confirm_range(s, id, rs >= 2 ? rs - 2 : 0, re, false);
        }
    }
    return re;
}

/* Bits off..off+63 of the 192-bit word w[0] w[1] w[2] (off < 192; bits past it are 0). */
static inline uint64_t
window_bits(const uint64_t w[3], size_t off)
{
    size_t k = off / 64;
    unsigned b = (unsigned)(off % 64);
    uint64_t hi = k < 2 ? w[k + 1] : 0;

    return b == 0 ? w[k] : (w[k] >> b) | (hi << (64 - b));
}

/* Whether the hex run p[rs..re) may pass some hex-run detector's gate (e->hexpre_*), from its
 * length and where its separators and ':' stand: prev, m and next are the masks of the block
 * at `at` and of the blocks around it, which hold the run (at - 64 <= rs < re <= at + 128). */
static bool
hex_pre(const struct pcl_engine *e, size_t at, size_t rs, size_t re,
        const struct pcl_scanmask *prev, const struct pcl_scanmask *m,
        const struct pcl_scanmask *next)
{
    size_t len = re - rs;
    uint64_t keep, sp, cl;

    if (e->hexpre_all || len >= 64) {
        return true;
    }
    /* the run's separators and ':' as bits 0..len-1 */
    keep = ((uint64_t)1 << len) - 1;
    if (rs >= at && re <= at + 64) {
        sp = (m->hexsep >> (rs - at)) & keep;
        cl = sp & ~(m->clustersep >> (rs - at));
    } else {
        uint64_t seps[3] = {prev->hexsep, m->hexsep, next->hexsep};
        uint64_t csep[3] = {prev->clustersep, m->clustersep, next->clustersep};

        sp = window_bits(seps, rs + 64 - at) & keep;
        cl = sp & ~window_bits(csep, rs + 64 - at);
    }
    if (((e->hexsep_lens >> len) & 1) != 0) {
        for (size_t k = 0; k < e->nhexseps; k++) {
            if (len == e->hexseps[k].len && sp == e->hexseps[k].at) {
                return true;
            }
        }
    }
    return (e->hexpre_dcolon && (cl & (cl >> 1)) != 0) ||
           (e->hexpre_colons != 0 && pcl_scanmask_popcount(cl) >= e->hexpre_colons);
}

/* The hex runs of the block at `at` (masks m, and prev and next those of the blocks around
 * it) that hold a separator with a hex digit before it and a hex digit (or a second ':')
 * after it, from *next_at on: confirms the hex-run detectors whose gates they pass; *next_at
 * becomes the end of the last run. A run that ends within the next block and begins within
 * the one before, and shows none of the gates' cheap conditions (e->hexpre), is skipped from
 * the masks; the others are measured byte by byte by hex_run(). */
static void
hex_block(struct pcl_scratch *s, size_t at, const struct pcl_scanmask *prev,
          const struct pcl_scanmask *m, const struct pcl_scanmask *next, size_t *next_at)
{
    const struct pcl_engine *e = s->e;
    uint64_t hex = m->hex, sep = m->hexsep, run = hex | sep;
    uint64_t prun = prev->hex | prev->hexsep, nrun = next->hex | next->hexsep;
    /* ':' is the hex separator that joins no digit cluster */
    uint64_t colon = sep & ~m->clustersep, ncolon = next->hexsep & ~next->clustersep;
    uint64_t cand = sep & ((hex << 1) | (prev->hex >> 63)) &
                    ((hex >> 1) | (next->hex << 63) | (colon & ((colon >> 1) | (ncolon << 63))));

    if (*next_at > at) {
        cand = *next_at - at >= 64 ? 0 : cand & ~((((uint64_t)1) << (*next_at - at)) - 1);
    }
    while (cand != 0 && s->rc == PCL_OK) {
        unsigned i = (unsigned)__builtin_ctzll(cand);
        uint64_t below = ~run & ((((uint64_t)1) << i) - 1), after = ~(run >> i);
        unsigned end = after == 0 ? 64 : i + (unsigned)__builtin_ctzll(after);
        size_t rs, re;

        /* where the run begins and ends: in this block, or in the one before or after */
        if (below != 0) {
            rs = at + 64 - (size_t)__builtin_clzll(below);
        } else if ((prun >> 63) == 0) {
            rs = at;
        } else {
            rs = ~prun == 0 ? SIZE_MAX : at - (size_t)__builtin_clzll(~prun);
        }
        if (end < 64 || (nrun & 1) == 0) {
            re = at + end;
        } else {
            re = ~nrun == 0 ? SIZE_MAX : at + 64 + (size_t)__builtin_ctzll(~nrun);
        }
        if (rs == SIZE_MAX || re == SIZE_MAX || hex_pre(e, at, rs, re, prev, m, next)) {
            *next_at = hex_run(s, at + i);
        } else {
            *next_at = re;
        }
        cand = *next_at - at >= 64 ? 0 : cand & ~((((uint64_t)1) << (*next_at - at)) - 1);
    }
}

/* ---- letter-digit tokens ------------------------------------------------------------ */

/* The runs of letters and digits starting in the block at `at` (masks m, and next those of
 * the block after it; *carry is 1 when the byte before the block is a letter or digit) that
 * some token detector may take as far as the masks tell (struct pcl_tokmask): confirm,
 * anchored at the run's start, the token detectors whose length and first two bytes the run
 * fits. */
static void
token_block(struct pcl_scratch *s, size_t at, const struct pcl_scanmask *m,
            const struct pcl_scanmask *next, uint64_t *carry)
{
    const struct pcl_engine *e = s->e;
    const unsigned char *p = (const unsigned char *)s->buf;
    size_t n = s->len;
    uint64_t starts = m->alnum & ~((m->alnum << 1) | *carry), any = 0;
    uint64_t alpha = m->alnum & ~m->digit, nalpha = next->alnum & ~next->digit;
    uint64_t first[3] = {~(uint64_t)0, m->digit, alpha};
    uint64_t second[3] = {~(uint64_t)0, (m->digit >> 1) | (next->digit << 63),
                          (alpha >> 1) | (nalpha << 63)};
    uint64_t runs[4], lo = m->alnum, hi = next->alnum, firsts = 0;

    *carry = m->alnum >> 63;
    for (size_t k = 0; k < e->ntok; k++) {
        firsts |= first[e->tokm[k].first];
    }
    starts &= firsts;
    if (starts == 0) {
        return; /* no run starts with a byte of a token's class */
    }
    /* runs[j]: where a run of at least 1 << j letters and digits starts (it may go on into
     * the next block), as pcl_scanmask_runs_from() finds them */
    runs[0] = lo;
    for (unsigned j = 1, w = 1; j < 4; j++, w *= 2) {
        lo &= (lo >> w) | (hi << (64 - w));
        hi &= hi >> w;
        runs[j] = lo;
    }
    for (size_t k = 0; k < e->ntok; k++) {
        const struct pcl_tokmask *t = &e->tokm[k];

        any |= runs[t->level] & first[t->first] & second[t->second];
    }
    starts &= any;
    while (starts != 0 && s->rc == PCL_OK) {
        unsigned off = (unsigned)__builtin_ctzll(starts);
        size_t pos = at + off, len;

        starts &= starts - 1;
        if (!in_byteset(e->tok_first, p[pos])) {
            continue;
        }
        len = off == 0 ? 64 : (size_t)__builtin_ctzll(~(m->alnum >> off));
        if (off + len >= 64) {
            len = pcl_scanmask_run(p, n, pos, PCL_SCANMASK_ALNUM);
        }
        if (len < e->tok_min) {
            continue;
        }
        seg_at(s, pos);
        for (size_t k = 0; k < e->ntok; k++) {
            uint32_t id = e->tok[k];
            const struct pcl_det_rt *d = &e->dets[id];

            if (len < d->row->token_min || len > d->row->token_max ||
                !in_byteset(d->token_first, p[pos]) ||
                (len >= 2 && !in_byteset(d->token_second, p[pos + 1]))) {
                continue;
            }
            /* the pattern consumes the byte before the run */
            confirm_range(s, id, pos > 0 ? pos - 1 : 0, pos + 1, false);
        }
    }
}

/* ---- the block pass ----------------------------------------------------------------- */

/* One pass over the buffer, 64 bytes at a time: the byte-class masks of each block are
 * computed once (by the cluster walk, which looks one block ahead) and feed the digit-cluster,
 * hex-run and token scanners. Each detector belongs to one scanner, so interleaving them
 * confirms every detector in the same order as separate passes would. */
static void
block_scan(struct pcl_scratch *s)
{
    const struct pcl_engine *e = s->e;
    struct pcl_cluster_iter it;
    uint64_t carry = 0;
    size_t hex_next = 0;

    pcl_cluster_iter_init(&it, (const unsigned char *)s->buf, s->len, &e->num_skip, e->avx2);
    do {
        if (e->nnumeric > 0) {
            while (s->rc == PCL_OK && pcl_cluster_next_in_block(&it)) {
                cluster_dispatch(s, &it.cl);
            }
        }
        if (e->nhex > 0) {
            hex_block(s, it.at, &it.prev, &it.cur, &it.next, &hex_next);
        }
        if (e->ntok > 0) {
            token_block(s, it.at, &it.cur, &it.next, &carry);
        }
    } while (s->rc == PCL_OK && pcl_cluster_advance(&it));
}

static int
finding_cmp(const void *a, const void *b)
{
    const struct pcl_finding *x = a, *y = b;

    if (x->start != y->start) {
        return x->start < y->start ? -1 : 1;
    }
    if (x->score != y->score) {
        return x->score > y->score ? -1 : 1;
    }
    if (x->end != y->end) {
        return x->end > y->end ? -1 : 1;
    }
    return x->detector < y->detector ? -1 : (x->detector > y->detector ? 1 : 0);
}

/* true when a should replace b among two overlapping findings */
static bool
better(const struct pcl_finding *a, const struct pcl_finding *b)
{
    if (a->score != b->score) {
        return a->score > b->score;
    }
    if (a->end - a->start != b->end - b->start) {
        return a->end - a->start > b->end - b->start;
    }
    return a->detector < b->detector;
}

static void
resolve_overlaps(struct pcl_scratch *s)
{
    size_t k = 0;

    if (s->nfound == 0) {
        return;
    }
    qsort(s->found, s->nfound, sizeof(*s->found), finding_cmp);
    for (size_t i = 1; i < s->nfound; i++) {
        struct pcl_finding *last = &s->found[k];
        const struct pcl_finding *f = &s->found[i];

        if (f->start < last->end) {
            if (better(f, last)) {
                *last = *f;
            }
            continue;
        }
        s->found[++k] = *f;
    }
    s->nfound = k + 1;
}

/* pcl_engine_collect() over the segments set up in s (the whole buffer is one) */
static enum pcl_rc
collect(const struct pcl_engine *e, struct pcl_scratch *s, const char *buf, size_t len,
        uint64_t base, struct pcl_err *err)
{
    hs_error_t hrc;

    PCL_ASSERT(s->e == e);
    s->nfound = 0;
    s->rc = PCL_OK;
    s->limit_hit = false;
    s->buf = buf;
    s->len = len;
    s->base = base;
    memset(s->cursor, 0, (e->ndets + 1) * sizeof(*s->cursor));
    if (len == 0) {
        return PCL_OK;
    }
    if (len > MAX_SCAN_BLOCK) {
        return pcl_err_set(err, PCL_ELIMIT,
                           "detect: buffer of %zu bytes is larger than one "
                           "block scan allows (1 GiB); use the streaming scan",
                           len);
    }
    for (int k = 0; k < 2 && s->rc == PCL_OK; k++) {
        const hs_database_t *db = k == 0 ? e->db : e->kwdb;

        if (db == NULL) {
            continue;
        }
        hrc = hs_scan(db, buf, (unsigned)len, 0, s->hs, on_hit, s);
        if (hrc != HS_SUCCESS && hrc != HS_SCAN_TERMINATED) {
            return pcl_err_set(err, PCL_EINTERNAL, "detect: vectorscan scan failed (%d)", hrc);
        }
    }
    if ((e->nnumeric > 0 || e->nhex > 0 || e->ntok > 0) && s->rc == PCL_OK) {
        block_scan(s);
    }
    if (s->rc == PCL_ENOMEM) {
        return pcl_err_set(err, PCL_ENOMEM, "detect: out of memory");
    }
    if (s->rc == PCL_ELIMIT) {
        return pcl_err_set(err, PCL_ELIMIT, "detect: more than %u findings in one buffer",
                           MAX_FINDINGS);
    }
    if (s->rc != PCL_OK) {
        return pcl_err_set(err, s->rc, "detect: pcre2 match failed");
    }
    resolve_overlaps(s);
    return PCL_OK;
}

enum pcl_rc
pcl_engine_collect(const struct pcl_engine *e, struct pcl_scratch *s, const char *buf, size_t len,
                   uint64_t base, struct pcl_err *err)
{
    s->seg_lo = 0;
    s->seg_hi = len;
    s->seg_end = NULL;
    s->nseg = 0;
    s->seg = 0;
    s->seg_limited = NULL;
    return collect(e, s, buf, len, base, err);
}

static enum pcl_rc
limit_err(struct pcl_err *err)
{
    return pcl_err_set(err, PCL_ELIMIT,
                       "detect: a pattern match limit stopped a confirmation; some findings may "
                       "be missing");
}

/* Segments one at a time: for engines with pattern triggers, whose Vectorscan reports are
 * not exact (see confirm_range()), so a report in a neighbour could change what a segment
 * finds. */
static enum pcl_rc
segments_one_by_one(const struct pcl_engine *e, struct pcl_scratch *s, const char *buf,
                    const size_t *ends, size_t n, bool *limited, pcl_segment_fn *cb, void *ctx,
                    struct pcl_err *err)
{
    bool any = false;

    for (size_t i = 0, lo = 0; i < n; lo = ends[i] + 1, i++) {
        enum pcl_rc rc = pcl_engine_collect(e, s, buf + lo, ends[i] - lo, 0, err);

        if (rc != PCL_OK) {
            return rc;
        }
        if (s->limit_hit && limited != NULL) {
            limited[i] = true;
        }
        any |= s->limit_hit;
        for (size_t k = 0; k < s->nfound; k++) {
            if (cb(ctx, i, &s->found[k]) != 0) {
                return any ? limit_err(err) : PCL_OK;
            }
        }
    }
    return any ? limit_err(err) : PCL_OK;
}

enum pcl_rc
pcl_engine_scan_segments(const struct pcl_engine *e, struct pcl_scratch *s, const char *buf,
                         const size_t *ends, size_t n, bool *limited, pcl_segment_fn *cb, void *ctx,
                         struct pcl_err *err)
{
    size_t len = n > 0 ? ends[n - 1] : 0, seg = 0;
    enum pcl_rc rc;

    for (size_t i = 0; i < n; i++) {
        if ((i > 0 && ends[i] <= ends[i - 1]) || (i + 1 < n && buf[ends[i]] != PCL_SEGMENT_SEP)) {
            return pcl_err_set(err, PCL_EINVAL,
                               "detect: segment %zu does not end with the separator byte", i);
        }
    }
    if (n == 0) {
        return PCL_OK;
    }
    if (e->db != NULL || len > MAX_SCAN_BLOCK) {
        return segments_one_by_one(e, s, buf, ends, n, limited, cb, ctx, err);
    }
    s->seg_end = ends;
    s->nseg = n;
    s->seg = 0;
    s->seg_lo = 0;
    s->seg_hi = ends[0];
    s->seg_limited = limited;
    rc = collect(e, s, buf, len, 0, err);
    s->seg_end = NULL;
    s->nseg = 0;
    s->seg_limited = NULL;
    if (rc != PCL_OK) {
        return rc;
    }
    /* findings are sorted by start and none crosses a separator */
    for (size_t k = 0; k < s->nfound; k++) {
        struct pcl_finding f = s->found[k];
        size_t lo;

        while (f.start > ends[seg]) {
            seg++;
        }
        lo = seg == 0 ? 0 : ends[seg - 1] + 1;
        f.start -= lo;
        f.end -= lo;
        if (cb(ctx, seg, &f) != 0) {
            break;
        }
    }
    return s->limit_hit ? limit_err(err) : PCL_OK;
}

enum pcl_rc
pcl_engine_scan(const struct pcl_engine *e, struct pcl_scratch *s, const char *buf, size_t len,
                pcl_finding_fn *cb, void *ctx, struct pcl_err *err)
{
    enum pcl_rc rc;

    if (len > MAX_SCAN_BLOCK) {
        struct pcl_stream *st = NULL;
        size_t step = (size_t)64 << 20;

        rc = pcl_stream_new(e, cb, ctx, &st, err);
        for (size_t off = 0; rc == PCL_OK && off < len; off += step) {
            rc = pcl_stream_feed(st, buf + off, PCL_MIN(step, len - off), err);
        }
        if (rc == PCL_OK) {
            rc = pcl_stream_finish(st, err);
        }
        pcl_stream_free(st);
        return rc;
    }
    rc = pcl_engine_collect(e, s, buf, len, 0, err);
    if (rc != PCL_OK) {
        return rc;
    }
    for (size_t i = 0; i < s->nfound; i++) {
        if (cb(ctx, &s->found[i]) != 0) {
            break;
        }
    }
    return s->limit_hit ? limit_err(err) : PCL_OK;
}
