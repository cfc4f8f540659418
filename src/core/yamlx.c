/* SPDX-License-Identifier: Apache-2.0 */
#include "yamlx.h"

#include <string.h>

static const char *
key_scalar(yaml_document_t *doc, int id)
{
    const yaml_node_t *n = yaml_document_get_node(doc, id);

    return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

yaml_node_t *
pcl_yaml_duplicate_key(yaml_document_t *doc)
{
    for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
        if (n->type != YAML_MAPPING_NODE) {
            continue;
        }
        for (yaml_node_pair_t *a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top;
             a++) {
            const char *ka = key_scalar(doc, a->key);

            for (yaml_node_pair_t *b = a + 1; ka != NULL && b < n->data.mapping.pairs.top; b++) {
                const char *kb = key_scalar(doc, b->key);

                if (kb != NULL && strcmp(ka, kb) == 0) {
                    return yaml_document_get_node(doc, b->key);
                }
            }
        }
    }
    return NULL;
}
