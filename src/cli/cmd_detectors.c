/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis detectors`: list the built-in detectors with their types and categories. */
#include "cli.h"

#include <portcullis/detect.h>

int
pcl_cmd_detectors(int argc, char **argv)
{
    bool json = false;
    struct pcl_buf b;
    struct pcl_jw jw;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: portcullis detectors [--json]\n\nList every built-in detector: name, "
                   "entity type, categories, validator, base score, default state.\n");
            return PCL_EXIT_OK;
        } else {
            pcl_cli_error("detectors", "unknown option \"%s\"", argv[i]);
            return PCL_EXIT_USAGE;
        }
    }
    pcl_buf_init(&b, 0);
    pcl_jw_init(&jw, &b);
    if (!json) {
        printf("%-26s %-24s %-26s %-12s %5s %s\n", "NAME", "TYPE", "CATEGORIES", "VALIDATOR",
               "SCORE", "DEFAULT");
    } else {
        pcl_jw_arr_begin(&jw);
    }
    for (size_t i = 0; i < pcl_detectors_builtin_count(); i++) {
        const struct pcl_detector_info *d = pcl_detectors_builtin(i);
        char cats[128] = "";
        size_t k = 0;

        for (unsigned bit = 0; bit < 6; bit++) {
            if ((d->categories & (1u << bit)) != 0) {
                int n = snprintf(cats + k, sizeof(cats) - k, "%s%s", k > 0 ? "," : "",
                                 pcl_category_name(1u << bit));

                k = n > 0 ? PCL_MIN(sizeof(cats) - 1, k + (size_t)n) : k;
            }
        }
        if (!json) {
            printf("%-26s %-24s %-26s %-12s %5.2f %s\n", d->name, d->type, cats,
                   d->validator != NULL ? d->validator : "-", d->score,
                   d->default_on ? "on" : "off");
            continue;
        }
        pcl_jw_obj_begin(&jw);
        pcl_jw_key(&jw, "name");
        pcl_jw_cstr(&jw, d->name);
        pcl_jw_key(&jw, "type");
        pcl_jw_cstr(&jw, d->type);
        pcl_jw_key(&jw, "categories");
        pcl_jw_cstr(&jw, cats);
        pcl_jw_key(&jw, "validator");
        pcl_jw_cstr(&jw, d->validator);
        pcl_jw_key(&jw, "score");
        pcl_jw_double(&jw, d->score);
        pcl_jw_key(&jw, "default");
        pcl_jw_bool(&jw, d->default_on);
        pcl_jw_key(&jw, "description");
        pcl_jw_cstr(&jw, d->description);
        pcl_jw_obj_end(&jw);
    }
    if (json) {
        pcl_jw_arr_end(&jw);
        if (pcl_jw_rc(&jw) != PCL_OK) {
            pcl_cli_error("detectors", "out of memory");
            pcl_buf_fini(&b);
            return PCL_EXIT_ERROR;
        }
        (void)fwrite(b.ptr, 1, b.len, stdout);
    }
    pcl_buf_fini(&b);
    return PCL_EXIT_OK;
}
