/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the .gitignore-style matcher (src/core/walk.c): lines before a "---" line
 * are patterns, lines after it are paths (a trailing '/' marks a directory); no crash, no
 * hang, and a matcher with no patterns never matches. */
#include "common.h"

#include <portcullis/formats.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct pcl_ignore *ig = pcl_ignore_new();
    struct pcl_ignore *empty = pcl_ignore_new();
    bool paths = false;
    size_t i = 0;

    if (ig == NULL || empty == NULL) {
        abort();
    }
    while (i < size) {
        const char *nl = memchr(s + i, '\n', size - i);
        size_t e = nl != NULL ? (size_t)(nl - s) : size;
        size_t n = e - i;

        if (!paths && n == 3 && memcmp(s + i, "---", 3) == 0) {
            paths = true;
        } else if (!paths) {
            if (pcl_ignore_add_line(ig, s + i, n, NULL) == PCL_ENOMEM) {
                abort();
            }
        } else {
            bool is_dir = n > 0 && s[e - 1] == '/';
            enum pcl_ignore_result r = pcl_ignore_match(ig, s + i, n, is_dir);

            if (r != PCL_IGNORE_NONE && r != PCL_IGNORE_EXCLUDE && r != PCL_IGNORE_INCLUDE) {
                abort();
            }
            if (pcl_ignore_match(empty, s + i, n, is_dir) != PCL_IGNORE_NONE) {
                abort();
            }
        }
        i = e + 1;
    }
    if (!paths) {
        /* no separator: match the pattern text against itself as paths */
        (void)pcl_ignore_match(ig, s, size, false);
        (void)pcl_ignore_match(ig, s, size, true);
    }
    pcl_ignore_free(ig);
    pcl_ignore_free(empty);
    return 0;
}
