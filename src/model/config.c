/* SPDX-License-Identifier: Apache-2.0 */
/* JSON model configurations: Keras (Lambda layers carry marshalled bytecode; `module` and
 * function references import arbitrary Python), Hugging Face (auto_map names custom code run
 * with trust_remote_code, chat templates are Jinja), and the model_config of Keras 2 HDF5 files
 * (read by hdf5.c). */
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

enum pcl_rc
mscan_hdf5_config(struct mscan *s, const uint8_t *data, size_t len, const char *attr)
{
    json_error_t jerr;
    json_t *root = json_loadb((const char *)data, len, 0, &jerr);
    enum pcl_rc rc;

    if (root == NULL) {
        return mscan_unscannable(s, 0, "hdf5: the %s attribute is not JSON: offset %d: %s", attr,
                                 jerr.position, jerr.text);
    }
    rc = check_tree(s, root);
    json_decref(root);
    return rc;
}

enum pcl_rc
mscan_hdf5(struct mscan *s, const uint8_t *d, size_t n)
{
    return mscan_hdf5_attrs(s, d, n, H5_MAX_JSON);
}
