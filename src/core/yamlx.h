/* SPDX-License-Identifier: Apache-2.0 */
/* libyaml helpers shared by the configuration loaders (private to libportcullis). */
#ifndef PCL_YAMLX_H
#define PCL_YAMLX_H

#include <yaml.h>

/* The second occurrence of the first key given twice in any mapping of doc, or NULL. YAML
 * parsers silently keep one of the two; the loaders refuse such files instead. */
yaml_node_t *pcl_yaml_duplicate_key(yaml_document_t *doc);

#endif
