/* SPDX-License-Identifier: Apache-2.0 */
/* Categories, sensitivity levels and the rule that maps findings in a container to a level. */
#include "detector.h"

static const char *const cat_names[] = {
    "contact", "government_id", "financial", "health", "special", "credential",
};

const char *
pcl_category_name(uint32_t cat)
{
    for (unsigned i = 0; i < PCL_ARRAY_LEN(cat_names); i++) {
        if (cat == (1u << i)) {
            return cat_names[i];
        }
    }
    return NULL;
}

uint32_t
pcl_category_primary(uint32_t categories)
{
    static const uint32_t order[] = {PCL_CAT_CREDENTIAL, PCL_CAT_HEALTH, PCL_CAT_SPECIAL,
                                     PCL_CAT_FINANCIAL,  PCL_CAT_GOV_ID, PCL_CAT_CONTACT};

    for (size_t i = 0; i < PCL_ARRAY_LEN(order); i++) {
        if ((categories & order[i]) != 0) {
            return order[i];
        }
    }
    return 0;
}

uint32_t
pcl_category_parse(const char *name, size_t len)
{
    for (unsigned i = 0; i < PCL_ARRAY_LEN(cat_names); i++) {
        if (strlen(cat_names[i]) == len && memcmp(cat_names[i], name, len) == 0) {
            return 1u << i;
        }
    }
    return 0;
}

static const char *const sens_names[] = {"public", "internal", "confidential", "restricted"};

const char *
pcl_sensitivity_name(enum pcl_sensitivity s)
{
    return (unsigned)s < PCL_ARRAY_LEN(sens_names) ? sens_names[s] : "unknown";
}

int
pcl_sensitivity_parse(const char *name, size_t len)
{
    for (unsigned i = 0; i < PCL_ARRAY_LEN(sens_names); i++) {
        if (strlen(sens_names[i]) == len && memcmp(sens_names[i], name, len) == 0) {
            return (int)i;
        }
    }
    return -1;
}

void
pcl_class_counts_add(struct pcl_class_counts *c, uint32_t categories)
{
    for (unsigned i = 0; i < 6; i++) {
        if ((categories & (1u << i)) != 0) {
            c->by_category[i]++;
        }
    }
}

/* The documented defaults (docs/classification.md). */
static const struct pcl_class_rule default_rules[] = {
    {.categories =
         PCL_CAT_CREDENTIAL | PCL_CAT_HEALTH | PCL_CAT_SPECIAL | PCL_CAT_GOV_ID | PCL_CAT_FINANCIAL,
     .min_count = 1,
     .level = PCL_SENS_RESTRICTED},
    {.categories = PCL_CAT_CONTACT, .min_count = 1, .level = PCL_SENS_CONFIDENTIAL},
};

static bool
rule_matches(const struct pcl_class_rule *r, const struct pcl_class_counts *c)
{
    uint64_t count = 0, hit = 0;

    for (unsigned i = 0; i < 6; i++) {
        if ((r->categories & (1u << i)) != 0) {
            count += c->by_category[i];
            hit = PCL_MAX(hit, c->cells_hit[i]);
        }
    }
    if (count == 0 || count < r->min_count) {
        return false;
    }
    if (r->min_share > 0 && c->cells > 0 && (double)hit / (double)c->cells < r->min_share) {
        return false;
    }
    return true;
}

enum pcl_sensitivity
pcl_classify(const struct pcl_classifier *cl, const struct pcl_class_counts *c)
{
    const struct pcl_class_rule *rules = default_rules;
    size_t nrules = PCL_ARRAY_LEN(default_rules);
    enum pcl_sensitivity level = PCL_SENS_INTERNAL;

    if (cl != NULL) {
        level = cl->baseline;
        if (cl->rules != NULL) {
            rules = cl->rules;
            nrules = cl->nrules;
        }
    }
    for (size_t i = 0; i < nrules; i++) {
        if (rules[i].level > level && rule_matches(&rules[i], c)) {
            level = rules[i].level;
        }
    }
    return level;
}
