/* SPDX-License-Identifier: Apache-2.0 */
/* Replay driver: runs LLVMFuzzerTestOneInput over every file of the given files/directories,
 * so ctest exercises each fuzz target's corpus without clang or libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long size;
    int rc = 1;

    if (f == NULL) {
        (void)fprintf(stderr, "replay: %s: cannot open\n", path);
        return 1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        (void)fprintf(stderr, "replay: %s: cannot size\n", path);
        goto out;
    }
    data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
        (void)fprintf(stderr, "replay: %s: cannot read\n", path);
        goto out;
    }
    (void)LLVMFuzzerTestOneInput(data, (size_t)size);
    rc = 0;
out:
    free(data);
    (void)fclose(f);
    return rc;
}

int
main(int argc, char **argv)
{
    int failed = 0, ran = 0;

    for (int i = 1; i < argc; i++) {
        struct stat st;
        DIR *d;
        struct dirent *de;

        if (stat(argv[i], &st) != 0) {
            (void)fprintf(stderr, "replay: %s: not found\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            failed += run_file(argv[i]);
            ran++;
            continue;
        }
        d = opendir(argv[i]);
        if (d == NULL) {
            return 1;
        }
        while ((de = readdir(d)) != NULL) {
            char path[4096];

            if (de->d_name[0] == '.') {
                continue;
            }
            (void)snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
            failed += run_file(path);
            ran++;
        }
        (void)closedir(d);
    }
    printf("replay: %d inputs, %d unreadable\n", ran, failed);
    return failed == 0 && ran > 0 ? 0 : 1;
}
