/* SPDX-License-Identifier: Apache-2.0 */
/* JSON model configurations: Keras (Lambda layers carry marshalled bytecode; `module` and
 * function references import arbitrary Python), Hugging Face (auto_map names custom code run
 * with trust_remote_code, chat templates are Jinja), and Keras 2 HDF5 files, whose
 * model_config attribute is located in the file bytes. */
#include "mscan.h"

#include <jansson.h>

#define CFG_MAX_STACK 4096
#define H5_MAX_JSON   ((size_t)64 << 20)

static bool
keras_module_ok(const char *m)
{
    static const char *const ok[] = {"keras",     "tf_keras", "keras_hub",
                                     "keras_nlp", "keras_cv", "tensorflow.keras"};

    for (size_t i = 0; i < PCL_ARRAY_LEN(ok); i++) {
        size_t l = strlen(ok[i]);

        if (strncmp(m, ok[i], l) == 0 && (m[l] == '\0' || m[l] == '.')) {
            return true;
        }
    }
    return false;
}

static enum pcl_rc
check_object(struct mscan *s, json_t *o, bool top)
{
    json_t *cls = json_object_get(o, "class_name");
    json_t *mod = json_object_get(o, "module");
    json_t *tpl = json_object_get(o, "chat_template");
    enum pcl_rc rc = PCL_OK;

    if (json_is_string(cls) && (strcmp(json_string_value(cls), "Lambda") == 0 ||
                                strcmp(json_string_value(cls), "__lambda__") == 0)) {
        rc = mscan_add(s, PCL_MODEL_SEV_HIGH, "keras.lambda", "CVE-2024-3660", 0, NULL,
                       "Keras %s layer: its function is marshalled Python bytecode run at load "
                       "(safe_mode is ignored for .h5)",
                       json_string_value(cls));
    }
    if (rc == PCL_OK && json_is_string(mod) && !keras_module_ok(json_string_value(mod))) {
        char g[256];
        const char *cn = json_is_string(cls) ? json_string_value(cls) : "?";
        json_t *cfg = json_object_get(o, "config");

        if (json_is_string(cfg) && strcmp(cn, "function") == 0) {
            cn = json_string_value(cfg);
        }
        (void)snprintf(g, sizeof(g), "%s.%s", json_string_value(mod), cn);
        rc = mscan_add(s, PCL_MODEL_SEV_HIGH, "keras.module-ref", "CVE-2025-1550", 0, g,
                       "config imports %s from outside Keras: deserialisation calls arbitrary "
                       "Python",
                       g);
    }
    if (rc == PCL_OK && top && json_is_object(json_object_get(o, "auto_map"))) {
        const char *k;
        json_t *v;
        char names[160] = "";
        size_t used = 0;

        json_object_foreach (json_object_get(o, "auto_map"), k, v) {
            const char *vs = json_is_string(v) ? json_string_value(v)
                             : json_is_array(v) && json_is_string(json_array_get(v, 0))
                                 ? json_string_value(json_array_get(v, 0))
                                 : "?";
            int w = snprintf(names + used, sizeof(names) - used, "%s%s", used > 0 ? ", " : "", vs);

            if (w < 0 || (size_t)w >= sizeof(names) - used) {
                break;
            }
            used += (size_t)w;
        }
        rc = mscan_add(s, PCL_MODEL_SEV_SUSPICIOUS, "hf.auto-map", NULL, 0, NULL,
                       "auto_map points at custom code (%s) that runs with "
                       "trust_remote_code=True",
                       names);
    }
    if (rc == PCL_OK && json_is_string(tpl)) {
        rc = mscan_jinja(s, json_string_value(tpl), json_string_length(tpl), 0);
    } else if (rc == PCL_OK && json_is_array(tpl)) {
        size_t i;
        json_t *t;

        json_array_foreach (tpl, i, t) {
            json_t *body = json_object_get(t, "template");

            if (rc == PCL_OK && json_is_string(body)) {
                rc = mscan_jinja(s, json_string_value(body), json_string_length(body), 0);
            }
        }
    }
    return rc;
}

/* Visit every object in the document (explicit stack: configs are untrusted). */
static enum pcl_rc
check_tree(struct mscan *s, json_t *root)
{
    json_t **stack;
    size_t sp = 0;
    enum pcl_rc rc = PCL_OK;

    stack = pcl_malloc(CFG_MAX_STACK * sizeof(*stack));
    if (stack == NULL) {
        return pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
    }
    stack[sp++] = root;
    while (sp > 0 && rc == PCL_OK) {
        json_t *v = stack[--sp];
        json_t *c;

        if (json_is_object(v)) {
            const char *k;

            rc = check_object(s, v, v == root);
            json_object_foreach (v, k, c) {
                if ((json_is_object(c) || json_is_array(c)) && sp < CFG_MAX_STACK) {
                    stack[sp++] = c;
                }
            }
        } else if (json_is_array(v)) {
            size_t i;

            json_array_foreach (v, i, c) {
                if ((json_is_object(c) || json_is_array(c)) && sp < CFG_MAX_STACK) {
                    stack[sp++] = c;
                }
            }
        }
    }
    pcl_free(stack);
    return rc;
}

enum pcl_rc
mscan_json_config(struct mscan *s, const uint8_t *data, size_t len)
{
    json_error_t jerr;
    json_t *root = json_loadb((const char *)data, len, 0, &jerr);
    enum pcl_rc rc;

    if (root == NULL) {
        return PCL_OK; /* not JSON after all: not a model format */
    }
    rc = check_tree(s, root);
    json_decref(root);
    return rc;
}

/* First occurrence of needle in hay (memmem is a GNU extension). */
static const uint8_t *
find_bytes(const uint8_t *hay, size_t n, const char *needle, size_t k)
{
    const uint8_t *p = hay, *end = hay + n;

    while (k > 0 && (size_t)(end - p) >= k) {
        p = memchr(p, needle[0], (size_t)(end - p) - k + 1);
        if (p == NULL) {
            return NULL;
        }
        if (memcmp(p, needle, k) == 0) {
            return p;
        }
        p++;
    }
    return NULL;
}

/* End of the JSON object starting at p[0] == '{' (string-aware), or 0. */
static size_t
json_extent(const uint8_t *p, size_t n)
{
    size_t depth = 0;
    bool str = false;

    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];

        if (str) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                str = false;
            }
        } else if (c == '"') {
            str = true;
        } else if (c == '{') {
            depth++;
        } else if (c == '}') {
            if (--depth == 0) {
                return i + 1;
            }
        } else if (c == 0) {
            return 0;
        }
    }
    return 0;
}

enum pcl_rc
mscan_hdf5(struct mscan *s, const uint8_t *d, size_t n)
{
    static const char needle[] = "{\"class_name\"";
    size_t pos = 0;
    enum pcl_rc rc = PCL_OK;
    bool found = false;

    /* Keras 2 stores model_config (and training_config) as string attributes; their bytes
     * sit contiguously in the file. Every JSON object that starts like a Keras config is
     * parsed and checked. */
    while (rc == PCL_OK && pos < n) {
        const uint8_t *hit = find_bytes(d + pos, n - pos, needle, sizeof(needle) - 1);
        size_t off, ext;
        json_t *root;

        if (hit == NULL) {
            break;
        }
        off = (size_t)(hit - d);
        ext = json_extent(hit, PCL_MIN(n - off, H5_MAX_JSON));
        if (ext == 0) {
            pos = off + 1;
            continue;
        }
        root = json_loadb((const char *)hit, ext, 0, NULL);
        if (root != NULL) {
            found = true;
            rc = check_tree(s, root);
            json_decref(root);
        }
        pos = off + ext;
    }
    if (rc == PCL_OK && !found && find_bytes(d, n, "model_config", 12) != NULL) {
        rc = mscan_unscannable(s, 0,
                               "hdf5: a model_config attribute exists but its JSON was not "
                               "found in the file bytes (compressed or split storage)");
    }
    return rc;
}
