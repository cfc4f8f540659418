/* SPDX-License-Identifier: Apache-2.0 */
/* YAML configuration for the engine (`detect:`) and the classifier (`classify:`). */
#include "detector.h"
#include "yamlx.h"

#include <yaml.h>

struct owned_opts {
    struct pcl_engine_opts o; /* must stay first: callers see only this */
    char **strs;              /* every string we allocated; array of nstrs */
    size_t nstrs;
    const char **enable; /* NULL-terminated */
    const char **disable;
    struct pcl_custom_detector *custom; /* array of o.ncustom */
    const char ***ctx;                  /* one per custom detector */
};

struct cfg {
    yaml_document_t doc;
    const char *path;
    struct pcl_err *err;
};

static enum pcl_rc
cfg_fail(struct cfg *c, const yaml_node_t *n, const char *what, const char *detail)
{
    return pcl_err_set(c->err, PCL_EINVAL, "config: %s: line %zu: %s%s%s", c->path,
                       n != NULL ? (size_t)n->start_mark.line + 1 : (size_t)0, what,
                       detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

static const char *
scalar(const yaml_node_t *n)
{
    return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static enum pcl_rc
keep_str(struct owned_opts *oo, const char *s, const char **out)
{
    char **grown = pcl_realloc(oo->strs, (oo->nstrs + 1) * sizeof(*grown));
    char *copy;

    if (grown == NULL) {
        return PCL_ENOMEM;
    }
    oo->strs = grown;
    copy = pcl_strdup(s);
    if (copy == NULL) {
        return PCL_ENOMEM;
    }
    oo->strs[oo->nstrs++] = copy;
    *out = copy;
    return PCL_OK;
}

/* A sequence of scalars (or one scalar) into a NULL-terminated array. */
static enum pcl_rc
str_list(struct cfg *c, struct owned_opts *oo, yaml_node_t *n, const char *key, const char ***out)
{
    size_t count = 0, i = 0;
    const char **list;

    if (n->type == YAML_SCALAR_NODE) {
        count = 1;
    } else if (n->type == YAML_SEQUENCE_NODE) {
        count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    } else {
        return cfg_fail(c, n, key, "expected a list of names");
    }
    list = pcl_calloc(count + 1, sizeof(*list));
    if (list == NULL) {
        return PCL_ENOMEM;
    }
    *out = list;
    if (n->type == YAML_SCALAR_NODE) {
        return keep_str(oo, scalar(n), &list[0]);
    }
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = yaml_document_get_node(&c->doc, *it);
        enum pcl_rc rc;

        if (scalar(item) == NULL) {
            return cfg_fail(c, item, key, "expected a name");
        }
        rc = keep_str(oo, scalar(item), &list[i++]);
        if (rc != PCL_OK) {
            return rc;
        }
    }
    return PCL_OK;
}

static enum pcl_rc
parse_double(struct cfg *c, yaml_node_t *n, const char *key, double lo, double hi, double *out)
{
    const char *s = scalar(n);
    char *end = NULL;
    double v;

    if (s == NULL) {
        return cfg_fail(c, n, key, "expected a number");
    }
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
        char detail[96];

        (void)snprintf(detail, sizeof(detail), "expected a number in [%g, %g], got \"%s\"", lo, hi,
                       s);
        return cfg_fail(c, n, key, detail);
    }
    *out = v;
    return PCL_OK;
}

/* One category name into *out (or'ed in). */
static enum pcl_rc
add_category(struct cfg *c, yaml_node_t *item, const char *key, uint32_t *out)
{
    const char *s = scalar(item);
    uint32_t cat = s != NULL ? pcl_category_parse(s, strlen(s)) : 0;

    if (cat == 0) {
        return cfg_fail(c, item, key,
                        "unknown category (contact, government_id, financial, "
                        "health, special, credential)");
    }
    *out |= cat;
    return PCL_OK;
}

/* A category name or a list of them. */
static enum pcl_rc
parse_categories(struct cfg *c, yaml_node_t *n, const char *key, uint32_t *out)
{
    *out = 0;
    if (n->type == YAML_SCALAR_NODE) {
        return add_category(c, n, key, out);
    }
    if (n->type != YAML_SEQUENCE_NODE) {
        return cfg_fail(c, n, key, "expected a category or a list of categories");
    }
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        enum pcl_rc rc = add_category(c, yaml_document_get_node(&c->doc, *it), key, out);

        if (rc != PCL_OK) {
            return rc;
        }
    }
    return PCL_OK;
}

static enum pcl_rc
parse_custom_one(struct cfg *c, struct owned_opts *oo, yaml_node_t *n, size_t idx)
{
    struct pcl_custom_detector *d = &oo->custom[idx];
    enum pcl_rc rc = PCL_OK;

    if (n->type != YAML_MAPPING_NODE) {
        return cfg_fail(c, n, "custom", "each custom detector is a mapping");
    }
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
        const char *key = scalar(k);

        if (key == NULL) {
            return cfg_fail(c, k, "custom", "keys must be scalars");
        }
        if (strcmp(key, "name") == 0 || strcmp(key, "type") == 0 || strcmp(key, "pattern") == 0) {
            const char **dst = key[0] == 'n' ? &d->name : (key[0] == 't' ? &d->type : &d->pattern);

            if (scalar(v) == NULL) {
                return cfg_fail(c, v, key, "expected a string");
            }
            rc = keep_str(oo, scalar(v), dst);
        } else if (strcmp(key, "category") == 0 || strcmp(key, "categories") == 0) {
            rc = parse_categories(c, v, key, &d->categories);
        } else if (strcmp(key, "score") == 0) {
            rc = parse_double(c, v, key, 0.0, 1.0, &d->score);
        } else if (strcmp(key, "context") == 0) {
            rc = str_list(c, oo, v, key, &oo->ctx[idx]);
            d->context = oo->ctx[idx];
        } else {
            return cfg_fail(c, k, "custom",
                            "unknown key (name, type, category, pattern, score, "
                            "context)");
        }
        if (rc != PCL_OK) {
            return rc;
        }
    }
    if (d->name == NULL || d->type == NULL || d->pattern == NULL) {
        return cfg_fail(c, n, "custom", "name, type and pattern are required");
    }
    return PCL_OK;
}

static enum pcl_rc
parse_custom(struct cfg *c, struct owned_opts *oo, yaml_node_t *n)
{
    size_t count;
    enum pcl_rc rc;

    if (n->type != YAML_SEQUENCE_NODE) {
        return cfg_fail(c, n, "custom", "expected a list of detectors");
    }
    count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    oo->custom = pcl_calloc(count + 1, sizeof(*oo->custom));
    oo->ctx = pcl_calloc(count + 1, sizeof(*oo->ctx));
    if (oo->custom == NULL || oo->ctx == NULL) {
        return PCL_ENOMEM;
    }
    oo->o.custom = oo->custom;
    for (size_t i = 0; i < count; i++) {
        rc = parse_custom_one(c, oo,
                              yaml_document_get_node(&c->doc, n->data.sequence.items.start[i]), i);
        if (rc != PCL_OK) {
            return rc;
        }
        oo->o.ncustom = i + 1;
    }
    return PCL_OK;
}

static enum pcl_rc
parse_detect(struct cfg *c, struct owned_opts *oo, yaml_node_t *n)
{
    enum pcl_rc rc = PCL_OK;

    if (n->type != YAML_MAPPING_NODE) {
        return cfg_fail(c, n, "detect", "expected a mapping");
    }
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
        const char *key = scalar(k);

        if (key == NULL) {
            return cfg_fail(c, k, "detect", "keys must be scalars");
        }
        if (strcmp(key, "min_score") == 0) {
            rc = parse_double(c, v, key, 0.0, 1.0, &oo->o.min_score);
        } else if (strcmp(key, "enable") == 0 || strcmp(key, "only") == 0) {
            if (oo->enable != NULL) {
                return cfg_fail(c, k, key, "use either enable or only, once");
            }
            rc = str_list(c, oo, v, key, &oo->enable);
            oo->o.enable = oo->enable;
            oo->o.only_enabled = strcmp(key, "only") == 0;
        } else if (strcmp(key, "disable") == 0) {
            rc = str_list(c, oo, v, key, &oo->disable);
            oo->o.disable = oo->disable;
        } else if (strcmp(key, "categories") == 0) {
            rc = parse_categories(c, v, key, &oo->o.categories);
        } else if (strcmp(key, "match_limit") == 0) {
            double d = 0;

            rc = parse_double(c, v, key, 1000, 1e9, &d);
            oo->o.match_limit = (unsigned long)d;
        } else if (strcmp(key, "custom") == 0) {
            rc = parse_custom(c, oo, v);
        } else {
            return cfg_fail(c, k, "detect",
                            "unknown key (min_score, enable, only, disable, "
                            "categories, match_limit, custom)");
        }
        if (rc != PCL_OK) {
            return rc;
        }
    }
    return PCL_OK;
}

static enum pcl_rc
load_doc(struct cfg *c, const char *path)
{
    yaml_parser_t parser;
    FILE *f = fopen(path, "rb");
    enum pcl_rc rc = PCL_OK;

    if (f == NULL) {
        return pcl_err_set(c->err, PCL_EIO, "config: %s: %s", path, strerror(errno));
    }
    if (!yaml_parser_initialize(&parser)) {
        (void)fclose(f);
        return pcl_err_set(c->err, PCL_ENOMEM, "config: out of memory");
    }
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &c->doc)) {
        rc = pcl_err_set(c->err, PCL_EINVAL, "config: %s: line %zu, column %zu: %s", path,
                         (size_t)parser.problem_mark.line + 1,
                         (size_t)parser.problem_mark.column + 1,
                         parser.problem != NULL ? parser.problem : "syntax error");
    }
    yaml_parser_delete(&parser);
    (void)fclose(f);
    return rc;
}

/* The value of top-level key `key`, or NULL. */
static yaml_node_t *
top_key(struct cfg *c, const char *key)
{
    yaml_node_t *root = yaml_document_get_root_node(&c->doc);

    if (root == NULL || root->type != YAML_MAPPING_NODE) {
        return NULL;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const char *k = scalar(yaml_document_get_node(&c->doc, p->key));

        if (k != NULL && strcmp(k, key) == 0) {
            return yaml_document_get_node(&c->doc, p->value);
        }
    }
    return NULL;
}

enum pcl_rc
pcl_engine_opts_load(const char *path, struct pcl_engine_opts **out, struct pcl_err *err)
{
    struct cfg c = {.path = path, .err = err};
    struct owned_opts *oo = NULL;
    yaml_node_t *root, *n;
    enum pcl_rc rc;

    *out = NULL;
    rc = load_doc(&c, path);
    if (rc != PCL_OK) {
        return rc;
    }
    oo = pcl_calloc(1, sizeof(*oo));
    if (oo == NULL) {
        rc = pcl_err_set(err, PCL_ENOMEM, "config: out of memory");
        goto out;
    }
    root = yaml_document_get_root_node(&c.doc);
    if (root != NULL && root->type != YAML_MAPPING_NODE) {
        rc = cfg_fail(&c, root, "top level", "expected a mapping");
        goto out;
    }
    n = pcl_yaml_duplicate_key(&c.doc);
    if (n != NULL) {
        /* a YAML parser keeps one of the two silently; say which line repeats */
        rc = cfg_fail(&c, n, scalar(n), "duplicate key");
        goto out;
    }
    n = top_key(&c, "detect");
    if (n != NULL) {
        rc = parse_detect(&c, oo, n);
        if (rc == PCL_ENOMEM) {
            rc = pcl_err_set(err, PCL_ENOMEM, "config: out of memory");
        }
        if (rc != PCL_OK) {
            goto out;
        }
    }
    *out = &oo->o;
    oo = NULL;
out:
    pcl_engine_opts_free(oo != NULL ? &oo->o : NULL);
    yaml_document_delete(&c.doc);
    return rc;
}

void
pcl_engine_opts_free(struct pcl_engine_opts *o)
{
    struct owned_opts *oo = (struct owned_opts *)o;

    if (oo == NULL) {
        return;
    }
    for (size_t i = 0; i < oo->nstrs; i++) {
        pcl_free(oo->strs[i]);
    }
    if (oo->ctx != NULL) {
        for (size_t i = 0; i <= oo->o.ncustom; i++) {
            pcl_free((void *)oo->ctx[i]);
        }
    }
    pcl_free(oo->strs);
    pcl_free((void *)oo->enable);
    pcl_free((void *)oo->disable);
    pcl_free(oo->custom);
    pcl_free((void *)oo->ctx);
    pcl_free(oo);
}
