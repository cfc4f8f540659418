/* SPDX-License-Identifier: Apache-2.0 */
/* C2SP tlog-tiles path encoding: tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>]. */
#include "audit.h"

#include "common.h"

enum pcl_rc
pcl_tile_index_encode(uint64_t index, struct pcl_buf *out)
{
    unsigned groups[8];
    unsigned ng = 0;
    enum pcl_rc rc = PCL_OK;

    /* base-1000 digits, most significant first; every group but the last gets an 'x' */
    do {
        groups[ng++] = (unsigned)(index % 1000);
        index /= 1000;
    } while (index > 0);
    while (ng > 0 && rc == PCL_OK) {
        ng--;
        rc = pcl_buf_appendf(out, "%s%03u%s", ng > 0 ? "x" : "", groups[ng], ng > 0 ? "/" : "");
    }
    return rc;
}

enum pcl_rc
pcl_tile_path(int level, uint64_t index, unsigned width, struct pcl_buf *out)
{
    enum pcl_rc rc;

    if (level < -1 || level > 63 || width == 0 || width > 256) {
        return PCL_EINVAL;
    }
    if (level < 0) {
        rc = pcl_buf_appends(out, "tile/entries/");
    } else {
        rc = pcl_buf_appendf(out, "tile/%d/", level);
    }
    if (rc == PCL_OK) {
        rc = pcl_tile_index_encode(index, out);
    }
    if (rc == PCL_OK && width < 256) {
        rc = pcl_buf_appendf(out, ".p/%u", width);
    }
    return rc;
}

/* Exactly three decimal digits at p. */
static bool
three_digits(const char *p, size_t n, unsigned *v)
{
    if (n < 3 || !pcl_is_digit(p[0]) || !pcl_is_digit(p[1]) || !pcl_is_digit(p[2])) {
        return false;
    }
    *v = (unsigned)(p[0] - '0') * 100 + (unsigned)(p[1] - '0') * 10 + (unsigned)(p[2] - '0');
    return true;
}

/* "entries/" (level -1) or a level 0..63 without leading zeros and its '/'. */
static bool
parse_level(const char **pp, const char *end, int *level)
{
    const char *p = *pp;
    const char *start = p;
    int l = 0;

    if ((size_t)(end - p) >= 8 && memcmp(p, "entries/", 8) == 0) {
        *level = -1;
        *pp = p + 8;
        return true;
    }
    while (p < end && pcl_is_digit(*p) && l < 100) {
        l = l * 10 + (*p - '0');
        p++;
    }
    if (p == start || p == end || *p != '/' || l > 63 || (start[0] == '0' && p - start > 1)) {
        return false;
    }
    *level = l;
    *pp = p + 1;
    return true;
}

enum pcl_rc
pcl_tile_path_parse(const char *path, size_t len, int *level, uint64_t *index, unsigned *width,
                    struct pcl_err *err)
{
    const char *p = path;
    const char *end = path + len;
    uint64_t idx = 0;
    unsigned v;
    int groups = 0;

    if (len < 5 || memcmp(p, "tile/", 5) != 0) {
        return pcl_err_set(err, PCL_EINVAL, "tile: path does not start with tile/");
    }
    p += 5;
    if (!parse_level(&p, end, level)) {
        return pcl_err_set(err, PCL_EINVAL, "tile: bad level at offset 5");
    }
    for (;;) {
        if (p < end && *p == 'x') {
            if (!three_digits(p + 1, (size_t)(end - p - 1), &v) || p + 4 >= end || p[4] != '/') {
                return pcl_err_set(err, PCL_EINVAL, "tile: bad index element at offset %zu",
                                   (size_t)(p - path));
            }
            idx = idx * 1000 + v;
            p += 5;
        } else if (three_digits(p, (size_t)(end - p), &v)) {
            idx = idx * 1000 + v;
            p += 3;
            break;
        } else {
            return pcl_err_set(err, PCL_EINVAL, "tile: bad index element at offset %zu",
                               (size_t)(p - path));
        }
        if (++groups > 6) {
            return pcl_err_set(err, PCL_EINVAL, "tile: index too long");
        }
    }
    *index = idx;
    *width = 256;
    if (p == end) {
        return PCL_OK;
    }
    if ((size_t)(end - p) < 4 || memcmp(p, ".p/", 3) != 0) {
        return pcl_err_set(err, PCL_EINVAL, "tile: unexpected text at offset %zu",
                           (size_t)(p - path));
    }
    p += 3;
    v = 0;
    if (*p == '0') {
        return pcl_err_set(err, PCL_EINVAL, "tile: bad partial width");
    }
    while (p < end && pcl_is_digit(*p) && v <= 256) {
        v = v * 10 + (unsigned)(*p - '0');
        p++;
    }
    if (p != end || v == 0 || v >= 256) {
        return pcl_err_set(err, PCL_EINVAL, "tile: bad partial width");
    }
    *width = v;
    return PCL_OK;
}
