/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis scan` report writers: text, JSON, JSON Lines and SARIF 2.1.0. */
#include "scan.h"

#include <sodium.h>

static const char *
primary_category(uint32_t cats)
{
    const char *name = pcl_category_name(pcl_category_primary(cats));

    return name != NULL ? name : "unknown";
}

/* Cells of a profile holding type of detector k, summed over every detector of that type;
 * 0 when an earlier detector has the same type (it carries the sum). */
static uint64_t
type_cells(const struct pcl_engine *e, const struct scan_profile *p, size_t k)
{
    const char *type = pcl_engine_detector(e, k)->type;
    uint64_t n = 0;

    for (size_t i = 0; i < pcl_engine_detector_count(e); i++) {
        if (strcmp(pcl_engine_detector(e, i)->type, type) != 0) {
            continue;
        }
        if (i < k && p->cells_by_det[i] > 0) {
            return 0;
        }
        n += p->cells_by_det[i];
    }
    return PCL_MIN(n, p->cells);
}

static void
flush(struct scan_writer *w)
{
    if (w->buf.len > 0) {
        (void)fwrite(w->buf.ptr, 1, w->buf.len, w->out);
        pcl_buf_reset(&w->buf);
    }
}

static void
jw_categories(struct pcl_jw *jw, uint32_t cats)
{
    pcl_jw_arr_begin(jw);
    for (unsigned i = 0; i < 6; i++) {
        if ((cats & (1u << i)) != 0) {
            pcl_jw_cstr(jw, pcl_category_name(1u << i));
        }
    }
    pcl_jw_arr_end(jw);
}

/* A finding's "type", "category" and "categories" members (also pre-rendered for JSONL). */
static void
jw_det_type(struct pcl_jw *jw, const struct pcl_detector_info *d)
{
    pcl_jw_key(jw, "type");
    pcl_jw_cstr(jw, d->type);
    pcl_jw_key(jw, "category");
    pcl_jw_cstr(jw, primary_category(d->categories));
    pcl_jw_key(jw, "categories");
    jw_categories(jw, d->categories);
}

static void
jw_finding(struct scan_writer *w, const struct scan_file *f, const struct scan_hit *h,
           bool with_file)
{
    const struct pcl_detector_info *d = pcl_engine_detector(w->e, h->det);
    struct pcl_jw *jw = &w->jw;

    pcl_jw_obj_begin(jw);
    if (with_file) {
        pcl_jw_key(jw, "file");
        pcl_jw_cstr(jw, f->path);
    }
    pcl_jw_key(jw, "start");
    pcl_jw_uint(jw, h->start);
    pcl_jw_key(jw, "end");
    pcl_jw_uint(jw, h->end);
    pcl_jw_key(jw, "line");
    pcl_jw_uint(jw, h->line);
    pcl_jw_key(jw, "column");
    pcl_jw_uint(jw, h->col);
    jw_det_type(jw, d);
    pcl_jw_key(jw, "score");
    pcl_jw_double(jw, (double)(int)(h->score * 1000 + 0.5) / 1000);
    pcl_jw_key(jw, "detector");
    pcl_jw_cstr(jw, d->name);
    pcl_jw_key(jw, "preview");
    pcl_jw_cstr(jw, h->preview);
    if (h->field != NULL) {
        pcl_jw_key(jw, "field");
        pcl_jw_cstr(jw, h->field);
    }
    if (h->row != 0) {
        pcl_jw_key(jw, "row");
        pcl_jw_uint(jw, h->row);
    }
    pcl_jw_obj_end(jw);
}

/* ---- JSON Lines: one line per finding, from pre-rendered parts ---------------------------
 *
 * A dense input makes one line per 130 bytes, and pcl_jw spent ~8,000 instructions on each
 * (50 appends). What depends only on the detector, the file or the rounded score is rendered
 * once by pcl_jw itself, so the bytes stay exactly jw_finding()'s. */

struct jsonl_cache {
    struct pcl_buf *mid;     /* per detector: ,"type":..,"category":..,"categories":[..] */
    struct pcl_buf *name;    /* per detector: ,"detector":".."; empty until both are made */
    struct pcl_buf file;     /* {"file":".." of the file being written */
    char score[1001][8];     /* the score k / 1000 as pcl_jw_double writes it */
    uint8_t score_len[1001]; /* 0 = not rendered yet */
};

/* The members pcl_jw wrote into an object, after `lead` (',' or '{'): the object's braces and
 * newline cut. */
static enum pcl_rc
members_of(struct pcl_jw *jw, struct pcl_buf *tmp, struct pcl_buf *out, char lead)
{
    pcl_jw_obj_end(jw);
    if (jw->rc != PCL_OK || tmp->len < 3) {
        return jw->rc != PCL_OK ? jw->rc : PCL_EINTERNAL;
    }
    pcl_buf_reset(out);
    if (pcl_buf_appendc(out, lead) != PCL_OK) {
        return PCL_ENOMEM;
    }
    return pcl_buf_append(out, tmp->ptr + 1, tmp->len - 3); /* "{" ... "}\n" */
}

static enum pcl_rc
jsonl_det(struct scan_writer *w, uint32_t det)
{
    struct jsonl_cache *jc = w->jc;
    const struct pcl_detector_info *d = pcl_engine_detector(w->e, det);
    struct pcl_buf tmp;
    struct pcl_jw jw;
    enum pcl_rc rc;

    pcl_buf_init(&tmp, 0);
    pcl_jw_init(&jw, &tmp);
    pcl_jw_obj_begin(&jw);
    jw_det_type(&jw, d);
    rc = members_of(&jw, &tmp, &jc->mid[det], ',');
    if (rc == PCL_OK) {
        pcl_buf_reset(&tmp);
        pcl_jw_init(&jw, &tmp);
        pcl_jw_obj_begin(&jw);
        pcl_jw_key(&jw, "detector");
        pcl_jw_cstr(&jw, d->name);
        rc = members_of(&jw, &tmp, &jc->name[det], ',');
    }
    pcl_buf_fini(&tmp);
    if (rc != PCL_OK) {
        pcl_buf_reset(&jc->name[det]); /* a half-made part is made again next time */
    }
    return rc;
}

static void
jsonl_cache_free(struct scan_writer *w, size_t nd)
{
    struct jsonl_cache *jc = w->jc;

    if (jc == NULL) {
        return;
    }
    for (size_t i = 0; jc->mid != NULL && jc->name != NULL && i < nd; i++) {
        pcl_buf_fini(&jc->mid[i]);
        pcl_buf_fini(&jc->name[i]);
    }
    pcl_free(jc->mid);
    pcl_free(jc->name);
    pcl_buf_fini(&jc->file);
    pcl_free(jc);
    w->jc = NULL;
}

/* The cache; the detectors' parts and the scores' texts are made on first use. */
static enum pcl_rc
jsonl_cache_new(struct scan_writer *w, size_t nd)
{
    struct jsonl_cache *jc = pcl_calloc(1, sizeof(*jc));

    w->jc = jc;
    if (jc == NULL) {
        return PCL_ENOMEM;
    }
    pcl_buf_init(&jc->file, 0);
    jc->mid = pcl_calloc(nd + 1, sizeof(*jc->mid));
    jc->name = pcl_calloc(nd + 1, sizeof(*jc->name));
    if (jc->mid == NULL || jc->name == NULL) {
        jsonl_cache_free(w, nd);
        return PCL_ENOMEM;
    }
    for (size_t i = 0; i < nd; i++) {
        pcl_buf_init(&jc->mid[i], 0);
        pcl_buf_init(&jc->name[i], 0);
    }
    return PCL_OK;
}

/* The text of score k / 1000, rendered on first use (a scan meets a handful of scores). */
static bool
jsonl_score(struct jsonl_cache *jc, int k)
{
    struct pcl_buf tmp;
    struct pcl_jw jw;
    bool ok;

    if (jc->score_len[k] != 0) {
        return true;
    }
    pcl_buf_init(&tmp, 0);
    pcl_jw_init(&jw, &tmp);
    pcl_jw_double(&jw, (double)k / 1000); /* a top-level value: ends with '\n' */
    ok = jw.rc == PCL_OK && tmp.len >= 2 && tmp.len - 1 < sizeof(jc->score[k]);
    if (ok) {
        memcpy(jc->score[k], tmp.ptr, tmp.len - 1);
        jc->score_len[k] = (uint8_t)(tmp.len - 1);
    }
    pcl_buf_fini(&tmp);
    return ok;
}

/* The file's part, {"file":"..", before the findings of f. */
static enum pcl_rc
jsonl_begin_file(struct scan_writer *w, const struct scan_file *f)
{
    struct pcl_buf tmp;
    struct pcl_jw jw;
    enum pcl_rc rc;

    if (w->jc == NULL) {
        rc = jsonl_cache_new(w, pcl_engine_detector_count(w->e));
        if (rc != PCL_OK) {
            return rc;
        }
    }
    pcl_buf_init(&tmp, 0);
    pcl_jw_init(&jw, &tmp);
    pcl_jw_obj_begin(&jw);
    pcl_jw_key(&jw, "file");
    pcl_jw_cstr(&jw, f->path);
    rc = members_of(&jw, &tmp, &w->jc->file, '{');
    pcl_buf_fini(&tmp);
    return rc;
}

/* A string literal and its length. */
#define LIT(s) (s), sizeof(s) - 1

/* ,"key":v for a number */
static char *
put_num(char *p, const char *key, size_t klen, uint64_t v)
{
    memcpy(p, key, klen);
    return p + klen + pcl_fmt_i64(p + klen, (int64_t)v);
}

/* One finding line as jw_finding(w, f, h, true) writes it; false when it cannot (a value
 * outside what the cache covers), and the caller uses jw_finding(). */
static bool
jsonl_finding(struct scan_writer *w, const struct scan_hit *h)
{
    struct jsonl_cache *jc = w->jc;
    struct pcl_buf *b = &w->buf;
    int k = (int)(h->score * 1000 + 0.5);
    char nums[4 * (12 + PCL_I64_CHARS)], *p = nums;
    enum pcl_rc rc;

    if (k < 0 || k > 1000 || h->start > INT64_MAX || h->end > INT64_MAX || h->line > INT64_MAX ||
        h->col > INT64_MAX || h->row > INT64_MAX ||
        (jc->name[h->det].len == 0 && jsonl_det(w, h->det) != PCL_OK) || !jsonl_score(jc, k)) {
        return false;
    }
    p = put_num(p, LIT(",\"start\":"), h->start);
    p = put_num(p, LIT(",\"end\":"), h->end);
    p = put_num(p, LIT(",\"line\":"), h->line);
    p = put_num(p, LIT(",\"column\":"), h->col);
    rc = pcl_buf_append(b, jc->file.ptr, jc->file.len);
    rc = rc == PCL_OK ? pcl_buf_append(b, nums, (size_t)(p - nums)) : rc;
    rc = rc == PCL_OK ? pcl_buf_append(b, jc->mid[h->det].ptr, jc->mid[h->det].len) : rc;
    rc = rc == PCL_OK ? pcl_buf_append(b, LIT(",\"score\":")) : rc;
    rc = rc == PCL_OK ? pcl_buf_append(b, jc->score[k], jc->score_len[k]) : rc;
    rc = rc == PCL_OK ? pcl_buf_append(b, jc->name[h->det].ptr, jc->name[h->det].len) : rc;
    rc = rc == PCL_OK ? pcl_buf_append(b, LIT(",\"preview\":")) : rc;
    if (rc == PCL_OK) {
        rc = h->preview != NULL ? pcl_json_escape(b, h->preview, strlen(h->preview))
                                : pcl_buf_append(b, LIT("null"));
    }
    if (rc == PCL_OK && h->field != NULL) {
        rc = pcl_buf_append(b, LIT(",\"field\":"));
        rc = rc == PCL_OK ? pcl_json_escape(b, h->field, strlen(h->field)) : rc;
    }
    if (rc == PCL_OK && h->row != 0) {
        p = put_num(nums, LIT(",\"row\":"), h->row);
        rc = pcl_buf_append(b, nums, (size_t)(p - nums));
    }
    return (rc == PCL_OK ? pcl_buf_append(b, LIT("}\n")) : rc) == PCL_OK;
}

/* Profile of one column or field: entity types and the share of cells they appear in. */
static void
jw_profile(struct scan_writer *w, const struct scan_profile *p)
{
    struct pcl_jw *jw = &w->jw;
    size_t nd = pcl_engine_detector_count(w->e);

    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "field");
    pcl_jw_cstr(jw, p->name);
    pcl_jw_key(jw, "cells");
    pcl_jw_uint(jw, p->cells);
    pcl_jw_key(jw, "sensitivity");
    pcl_jw_cstr(jw, pcl_sensitivity_name(pcl_classify(NULL, &p->counts)));
    pcl_jw_key(jw, "types");
    pcl_jw_arr_begin(jw);
    for (size_t i = 0; i < nd; i++) {
        if (p->cells_by_det[i] == 0) {
            continue;
        }
        pcl_jw_obj_begin(jw);
        pcl_jw_key(jw, "type");
        pcl_jw_cstr(jw, pcl_engine_detector(w->e, i)->type);
        pcl_jw_key(jw, "detector");
        pcl_jw_cstr(jw, pcl_engine_detector(w->e, i)->name);
        pcl_jw_key(jw, "cells");
        pcl_jw_uint(jw, p->cells_by_det[i]);
        pcl_jw_key(jw, "share");
        pcl_jw_double(
            jw, p->cells > 0
                    ? (double)(int)(10000.0 * (double)p->cells_by_det[i] / (double)p->cells) / 10000
                    : 0.0);
        pcl_jw_obj_end(jw);
    }
    pcl_jw_arr_end(jw);
    pcl_jw_obj_end(jw);
}

void
pcl_cli_sarif_open(struct pcl_jw *jw)
{
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "$schema");
    pcl_jw_cstr(jw, "https://json.schemastore.org/sarif-2.1.0.json");
    pcl_jw_key(jw, "version");
    pcl_jw_cstr(jw, "2.1.0");
    pcl_jw_key(jw, "runs");
    pcl_jw_arr_begin(jw);
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "tool");
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "driver");
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "name");
    pcl_jw_cstr(jw, "portcullis");
    pcl_jw_key(jw, "version");
    pcl_jw_cstr(jw, PCL_VERSION);
    pcl_jw_key(jw, "semanticVersion");
    pcl_jw_cstr(jw, PCL_VERSION);
    pcl_jw_key(jw, "rules");
    pcl_jw_arr_begin(jw);
}

void
pcl_cli_sarif_rules_end(struct pcl_jw *jw)
{
    pcl_jw_arr_end(jw); /* rules */
    pcl_jw_obj_end(jw); /* driver */
    pcl_jw_obj_end(jw); /* tool */
}

void
pcl_cli_sarif_location_begin(struct pcl_jw *jw, const char *msg, const char *path)
{
    pcl_jw_key(jw, "message");
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "text");
    pcl_jw_cstr(jw, msg);
    pcl_jw_obj_end(jw);
    pcl_jw_key(jw, "locations");
    pcl_jw_arr_begin(jw);
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "physicalLocation");
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "artifactLocation");
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "uri");
    pcl_cli_sarif_uri(jw, path);
    pcl_jw_obj_end(jw); /* artifactLocation */
}

void
pcl_cli_sarif_uri(struct pcl_jw *jw, const char *path)
{
    char tmp[4096 * 3 + 1];
    size_t k = 0;

    while (path[0] == '.' && path[1] == '/') {
        path += 2;
    }
    for (const char *p = path; *p != '\0' && k + 4 < sizeof(tmp); p++) {
        unsigned char ch = (unsigned char)*p;

        if (pcl_is_alnum((char)ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~' ||
            ch == '/') {
            tmp[k++] = (char)ch;
        } else {
            (void)snprintf(tmp + k, 4, "%%%02X", ch);
            k += 3;
        }
    }
    pcl_jw_str(jw, tmp, k);
}

static void
sarif_result(struct scan_writer *w, const struct scan_file *f, const struct scan_hit *h,
             size_t ordinal)
{
    const struct pcl_detector_info *d = pcl_engine_detector(w->e, h->det);
    struct pcl_jw *jw = &w->jw;
    unsigned char fp[16];
    char fphex[33], msg[256];
    crypto_generichash_state st;

    /* fingerprint: file, type and the finding's ordinal among the file's findings of that
     * line; never the value itself (a hash of an SSN can be brute-forced) */
    (void)crypto_generichash_init(&st, NULL, 0, sizeof(fp));
    (void)crypto_generichash_update(&st, (const unsigned char *)f->path, strlen(f->path) + 1);
    (void)crypto_generichash_update(&st, (const unsigned char *)d->type, strlen(d->type) + 1);
    (void)crypto_generichash_update(&st, (const unsigned char *)&h->line, sizeof(h->line));
    (void)crypto_generichash_update(&st, (const unsigned char *)&ordinal, sizeof(ordinal));
    (void)crypto_generichash_final(&st, fp, sizeof(fp));
    (void)sodium_bin2hex(fphex, sizeof(fphex), fp, sizeof(fp));
    (void)snprintf(msg, sizeof(msg), "%s found (%s, score %.2f): %s", d->type, d->name, h->score,
                   h->preview);

    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "ruleId");
    pcl_jw_cstr(jw, d->name);
    pcl_jw_key(jw, "ruleIndex");
    pcl_jw_uint(jw, h->det);
    pcl_jw_key(jw, "level");
    pcl_jw_cstr(jw, (d->categories & (PCL_CAT_CREDENTIAL | PCL_CAT_FINANCIAL | PCL_CAT_GOV_ID |
                                      PCL_CAT_HEALTH | PCL_CAT_SPECIAL)) != 0
                        ? "error"
                        : "warning");
    pcl_cli_sarif_location_begin(jw, msg, f->path);
    pcl_jw_key(jw, "region");
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "startLine");
    pcl_jw_uint(jw, h->line);
    pcl_jw_key(jw, "startColumn");
    pcl_jw_uint(jw, h->col);
    pcl_jw_key(jw, "byteOffset");
    pcl_jw_uint(jw, h->start);
    pcl_jw_key(jw, "byteLength");
    pcl_jw_uint(jw, h->end - h->start);
    pcl_jw_obj_end(jw);
    pcl_jw_obj_end(jw);
    pcl_jw_obj_end(jw);
    pcl_jw_arr_end(jw);
    pcl_jw_key(jw, "partialFingerprints");
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "portcullisFinding/v1");
    pcl_jw_cstr(jw, fphex);
    pcl_jw_obj_end(jw);
    pcl_jw_key(jw, "properties");
    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "score");
    pcl_jw_double(jw, (double)(int)(h->score * 1000 + 0.5) / 1000);
    pcl_jw_key(jw, "category");
    pcl_jw_cstr(jw, primary_category(d->categories));
    if (h->field != NULL) {
        pcl_jw_key(jw, "field");
        pcl_jw_cstr(jw, h->field);
    }
    pcl_jw_obj_end(jw);
    pcl_jw_obj_end(jw);
}

static void
sarif_begin(struct scan_writer *w)
{
    struct pcl_jw *jw = &w->jw;
    size_t nd = pcl_engine_detector_count(w->e);

    pcl_cli_sarif_open(jw);
    for (size_t i = 0; i < nd; i++) {
        const struct pcl_detector_info *d = pcl_engine_detector(w->e, i);
        bool severe = (d->categories & PCL_CAT_CONTACT) == 0;

        pcl_jw_obj_begin(jw);
        pcl_jw_key(jw, "id");
        pcl_jw_cstr(jw, d->name);
        pcl_jw_key(jw, "name");
        pcl_jw_cstr(jw, d->type);
        pcl_jw_key(jw, "shortDescription");
        pcl_jw_obj_begin(jw);
        pcl_jw_key(jw, "text");
        pcl_jw_cstr(jw, d->description);
        pcl_jw_obj_end(jw);
        pcl_jw_key(jw, "defaultConfiguration");
        pcl_jw_obj_begin(jw);
        pcl_jw_key(jw, "level");
        pcl_jw_cstr(jw, severe ? "error" : "warning");
        pcl_jw_obj_end(jw);
        pcl_jw_key(jw, "properties");
        pcl_jw_obj_begin(jw);
        pcl_jw_key(jw, "tags");
        pcl_jw_arr_begin(jw);
        pcl_jw_cstr(jw, "security");
        for (unsigned b = 0; b < 6; b++) {
            if ((d->categories & (1u << b)) != 0) {
                pcl_jw_cstr(jw, pcl_category_name(1u << b));
            }
        }
        pcl_jw_arr_end(jw);
        pcl_jw_key(jw, "security-severity");
        pcl_jw_cstr(jw, (d->categories & PCL_CAT_CREDENTIAL) != 0 ? "9.0" : severe ? "7.0" : "4.0");
        pcl_jw_obj_end(jw);
        pcl_jw_obj_end(jw);
    }
    pcl_cli_sarif_rules_end(jw);
    pcl_jw_key(jw, "columnKind");
    pcl_jw_cstr(jw, "unicodeCodePoints");
    pcl_jw_key(jw, "results");
    pcl_jw_arr_begin(jw);
}

void
scan_writer_begin(struct scan_writer *w)
{
    pcl_buf_init(&w->buf, 0);
    pcl_jw_init(&w->jw, &w->buf);
    if (w->kind == SCAN_OUT_SARIF) {
        sarif_begin(w);
    } else if (w->kind == SCAN_OUT_JSON) {
        pcl_jw_obj_begin(&w->jw);
        pcl_jw_key(&w->jw, "tool");
        pcl_jw_cstr(&w->jw, "portcullis");
        pcl_jw_key(&w->jw, "version");
        pcl_jw_cstr(&w->jw, PCL_VERSION);
        pcl_jw_key(&w->jw, "files");
        pcl_jw_arr_begin(&w->jw);
    }
    flush(w);
    w->started = true;
}

static void
text_file(struct scan_writer *w, const struct scan_file *f)
{
    size_t nd = pcl_engine_detector_count(w->e);

    for (size_t i = 0; i < f->nhits; i++) {
        const struct scan_hit *h = &f->hits[i];
        const struct pcl_detector_info *d = pcl_engine_detector(w->e, h->det);

        (void)fprintf(w->out, "%s:%llu:%llu: %s %s (%s, score %.2f)", f->path,
                      (unsigned long long)h->line, (unsigned long long)h->col, d->type, h->preview,
                      d->name, h->score);
        if (h->field != NULL) {
            (void)fprintf(w->out, " in %s", h->field);
        }
        (void)fputc('\n', w->out);
    }
    for (size_t i = 0; i < f->nprofiles; i++) {
        const struct scan_profile *p = &f->profiles[i];
        bool any = false;

        for (size_t k = 0; k < nd; k++) {
            uint64_t cells = p->cells_by_det[k] > 0 ? type_cells(w->e, p, k) : 0;

            if (cells == 0) {
                continue;
            }
            if (!any) {
                (void)fprintf(w->out, "%s: %s %s (%s, %llu cells):", f->path,
                              f->fmt == PCL_FMT_CSV || f->fmt == PCL_FMT_TSV ? "column" : "field",
                              p->name, pcl_sensitivity_name(pcl_classify(NULL, &p->counts)),
                              (unsigned long long)p->cells);
                any = true;
            }
            (void)fprintf(w->out, " %s %.1f%%", pcl_engine_detector(w->e, k)->type,
                          100.0 * (double)cells / (double)p->cells);
        }
        if (any) {
            (void)fputc('\n', w->out);
        }
    }
    if (f->nhits > 0) {
        (void)fprintf(w->out, "%s: %s (%zu finding%s)\n", f->path, pcl_sensitivity_name(f->level),
                      f->nhits, f->nhits == 1 ? "" : "s");
    }
}

static void
json_file(struct scan_writer *w, const struct scan_file *f)
{
    struct pcl_jw *jw = &w->jw;

    pcl_jw_obj_begin(jw);
    pcl_jw_key(jw, "file");
    pcl_jw_cstr(jw, f->path);
    pcl_jw_key(jw, "format");
    pcl_jw_cstr(jw, pcl_format_name(f->fmt));
    pcl_jw_key(jw, "bytes");
    pcl_jw_uint(jw, f->bytes);
    pcl_jw_key(jw, "gzip");
    pcl_jw_bool(jw, f->gzip);
    pcl_jw_key(jw, "skipped");
    pcl_jw_bool(jw, f->skipped);
    pcl_jw_key(jw, "error");
    pcl_jw_cstr(jw, f->error != NULL ? f->error : (f->failed ? "out of memory" : NULL));
    pcl_jw_key(jw, "sensitivity");
    pcl_jw_cstr(jw, pcl_sensitivity_name(f->level));
    pcl_jw_key(jw, "warnings");
    pcl_jw_arr_begin(jw);
    for (const char *p = f->warnings.ptr, *end = p + f->warnings.len; p != NULL && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

        pcl_jw_str(jw, p, n);
        p += n + 1;
    }
    pcl_jw_arr_end(jw);
    pcl_jw_key(jw, "findings");
    pcl_jw_arr_begin(jw);
    for (size_t i = 0; i < f->nhits; i++) {
        jw_finding(w, f, &f->hits[i], false);
    }
    pcl_jw_arr_end(jw);
    if (f->nprofiles > 0) {
        pcl_jw_key(jw, f->fmt == PCL_FMT_CSV || f->fmt == PCL_FMT_TSV ? "columns" : "fields");
        pcl_jw_arr_begin(jw);
        for (size_t i = 0; i < f->nprofiles; i++) {
            jw_profile(w, &f->profiles[i]);
        }
        pcl_jw_arr_end(jw);
    }
    pcl_jw_obj_end(jw);
}

void
scan_writer_file(struct scan_writer *w, const struct scan_file *f)
{
    switch (w->kind) {
    case SCAN_OUT_TEXT:
        text_file(w, f);
        break;
    case SCAN_OUT_JSONL: {
        bool fast = f->nhits > 0 && jsonl_begin_file(w, f) == PCL_OK;

        for (size_t i = 0; i < f->nhits; i++) {
            size_t mark = w->buf.len;

            if (!fast || !jsonl_finding(w, &f->hits[i])) {
                w->buf.len = mark; /* a half-written line */
                if (w->buf.ptr != NULL) {
                    w->buf.ptr[mark] = '\0';
                }
                pcl_jw_init(&w->jw, &w->buf);
                jw_finding(w, f, &f->hits[i], true); /* the writer ends each top-level value
                                                         with a newline */
            }
            if (w->buf.len > 65536) {
                flush(w);
            }
        }
        break;
    }
    case SCAN_OUT_JSON:
        json_file(w, f);
        break;
    case SCAN_OUT_SARIF:
        for (size_t i = 0; i < f->nhits; i++) {
            size_t ordinal = 0;

            for (size_t k = i; k-- > 0 && f->hits[k].line == f->hits[i].line;) {
                ordinal += f->hits[k].det == f->hits[i].det;
            }
            sarif_result(w, f, &f->hits[i], ordinal);
            if (w->buf.len > 65536) {
                flush(w);
            }
        }
        break;
    }
    flush(w);
    w->any_file = true;
}

static void
summary_table(FILE *out, const struct pcl_engine *e, const struct scan_summary *s)
{
    size_t nd = pcl_engine_detector_count(e);

    (void)fprintf(out, "\nscanned %llu file%s, %.1f MB in %.2f s (%.1f MB/s)",
                  (unsigned long long)s->files, s->files == 1 ? "" : "s", (double)s->bytes / 1e6,
                  s->seconds, s->seconds > 0 ? (double)s->bytes / 1e6 / s->seconds : 0.0);
    if (s->skipped > 0) {
        (void)fprintf(out, "; %llu binary skipped", (unsigned long long)s->skipped);
    }
    if (s->failed > 0) {
        (void)fprintf(out, "; %llu failed", (unsigned long long)s->failed);
    }
    (void)fprintf(out, "\n");
    if (s->findings == 0) {
        (void)fprintf(out, "no findings\n");
        return;
    }
    (void)fprintf(out, "%-28s %-14s %10s\n", "TYPE", "CATEGORY", "FINDINGS");
    for (size_t i = 0; i < nd; i++) {
        const struct pcl_detector_info *d = pcl_engine_detector(e, i);
        uint64_t n = s->by_det[i];

        /* detectors sharing a type are folded into the first one's row */
        for (size_t k = i + 1; k < nd; k++) {
            if (strcmp(pcl_engine_detector(e, k)->type, d->type) == 0) {
                n += s->by_det[k];
            }
        }
        for (size_t k = 0; k < i; k++) {
            if (strcmp(pcl_engine_detector(e, k)->type, d->type) == 0) {
                n = 0;
            }
        }
        if (n > 0) {
            (void)fprintf(out, "%-28s %-14s %10llu\n", d->type, primary_category(d->categories),
                          (unsigned long long)n);
        }
    }
    (void)fprintf(out, "%-28s %-14s %10llu\n", "total", "", (unsigned long long)s->findings);
    (void)fprintf(out, "files by sensitivity: restricted %llu, confidential %llu, internal %llu\n",
                  (unsigned long long)s->by_level[PCL_SENS_RESTRICTED],
                  (unsigned long long)s->by_level[PCL_SENS_CONFIDENTIAL],
                  (unsigned long long)s->by_level[PCL_SENS_INTERNAL]);
}

void
scan_writer_end(struct scan_writer *w, const struct scan_summary *s, bool table)
{
    struct pcl_jw *jw = &w->jw;

    if (w->kind == SCAN_OUT_SARIF) {
        pcl_jw_arr_end(jw); /* results */
        pcl_jw_obj_end(jw); /* run */
        pcl_jw_arr_end(jw); /* runs */
        pcl_jw_obj_end(jw);
    } else if (w->kind == SCAN_OUT_JSON) {
        pcl_jw_arr_end(jw);
        pcl_jw_key(jw, "summary");
        pcl_jw_obj_begin(jw);
        pcl_jw_key(jw, "files");
        pcl_jw_uint(jw, s->files);
        pcl_jw_key(jw, "skipped");
        pcl_jw_uint(jw, s->skipped);
        pcl_jw_key(jw, "failed");
        pcl_jw_uint(jw, s->failed);
        pcl_jw_key(jw, "bytes");
        pcl_jw_uint(jw, s->bytes);
        pcl_jw_key(jw, "findings");
        pcl_jw_uint(jw, s->findings);
        pcl_jw_key(jw, "seconds");
        pcl_jw_double(jw, s->seconds);
        pcl_jw_obj_end(jw);
        pcl_jw_obj_end(jw);
    }
    flush(w);
    if (table) {
        summary_table(w->kind == SCAN_OUT_TEXT && w->out == stdout ? stdout : stderr, w->e, s);
    }
    (void)fflush(w->out);
    jsonl_cache_free(w, pcl_engine_detector_count(w->e));
}
