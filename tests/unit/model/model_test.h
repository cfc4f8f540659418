/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the model scanner tests: scan bytes and assert an outcome and a rule. Include
 * after <cmocka.h>. */
#ifndef PCL_MODEL_TEST_H
#define PCL_MODEL_TEST_H

#include <string.h>

#include <portcullis/model.h>

/* One crafted input: bytes with their length, the outcome the scanner must reach, and a rule
 * (and optionally a global) that must be among the findings. */
struct model_case {
    const char *what; /* readable description of the bytes */
    const char *data;
    size_t len;
    enum pcl_model_outcome outcome;
    const char *rule;   /* NULL: no rule required */
    const char *global; /* NULL: any */
};

#define MC(what, lit, outcome, rule, global)                                                       \
    {                                                                                              \
        what, lit, sizeof(lit) - 1, outcome, rule, global                                          \
    }

static inline const struct pcl_model_finding *
model_find(const struct pcl_model_report *r, const char *rule, const char *global)
{
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct pcl_model_finding *f = &r->findings[i];

        if (strcmp(f->rule, rule) == 0 &&
            (global == NULL || (f->global != NULL && strcmp(f->global, global) == 0))) {
            return f;
        }
    }
    return NULL;
}

static inline void
model_print(const struct pcl_model_report *r)
{
    print_message("  outcome %s format %s\n", pcl_model_outcome_str(pcl_model_report_outcome(r)),
                  r->format);
    for (size_t i = 0; i < r->nfindings; i++) {
        print_message("  [%s%s] %s %s: %s\n", pcl_model_sev_str(r->findings[i].sev),
                      r->findings[i].unscannable ? ",unscannable" : "", r->findings[i].member,
                      r->findings[i].rule, r->findings[i].why);
    }
}

static inline void
model_check(const struct model_case *c)
{
    struct pcl_model_report *r = NULL;
    struct pcl_err err;

    assert_int_equal(pcl_model_scan_mem("case", c->data, c->len, NULL, &r, &err), PCL_OK);
    if (pcl_model_report_outcome(r) != c->outcome ||
        (c->rule != NULL && model_find(r, c->rule, c->global) == NULL)) {
        print_message("case failed: %s (want %s, rule %s)\n", c->what,
                      pcl_model_outcome_str(c->outcome), c->rule != NULL ? c->rule : "-");
        model_print(r);
        pcl_model_report_free(r);
        fail();
    }
    pcl_model_report_free(r);
}

#endif
