/* SPDX-License-Identifier: Apache-2.0 */
/* Validator helpers shared by the detector tables. */
#include "validate.h"

#include <math.h>

size_t
pcl_validate_digits(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (pcl_is_digit(s[i])) {
            if (k == cap) {
                return 0;
            }
            out[k++] = s[i];
        }
    }
    return k;
}

bool
pcl_validate_luhn_digits(const char *d, size_t n)
{
    unsigned sum = 0;
    bool dbl = false;

    if (n == 0) {
        return false;
    }
    for (size_t i = n; i-- > 0;) {
        unsigned v = (unsigned)(d[i] - '0');

        if (v > 9) {
            return false;
        }
        if (dbl) {
            v *= 2;
            if (v > 9) {
                v -= 9;
            }
        }
        sum += v;
        dbl = !dbl;
    }
    return sum % 10 == 0;
}

double
pcl_validate_entropy(const char *s, size_t n)
{
    unsigned counts[256] = {0};
    double h = 0.0;

    if (n == 0) {
        return 0.0;
    }
    for (size_t i = 0; i < n; i++) {
        counts[(unsigned char)s[i]]++;
    }
    for (size_t i = 0; i < 256; i++) {
        if (counts[i] != 0) {
            double p = (double)counts[i] / (double)n;

            h -= p * log2(p);
        }
    }
    return h;
}
