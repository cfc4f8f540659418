/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for pcl_bech32_decode and pcl_bits_convert: no crash, outputs within their
 * contracts, and 5-to-8 regrouping round-trips back to the same 5-bit groups. */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_regroup(const uint8_t *groups, size_t n)
{
    uint8_t bytes[90];
    uint8_t back[90];
    size_t nbytes = 0;
    size_t nback = 0;

    if (pcl_bits_convert(groups, n, 5, 8, false, bytes, sizeof(bytes), &nbytes) != PCL_OK) {
        return;
    }
    if (pcl_bits_convert(bytes, nbytes, 8, 5, true, back, sizeof(back), &nback) != PCL_OK ||
        nback != n || (n > 0 && memcmp(back, groups, n) != 0)) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char hrp[91];
    uint8_t groups[90];
    uint8_t bytes[90];
    size_t n = 0;
    size_t nbytes = 0;
    size_t hlen;
    enum pcl_bech32_variant variant = 0;

    /* Raw input also goes through the regrouping, which must reject values over 5 bits. */
    if (pcl_bits_convert(data, size, 5, 8, true, bytes, sizeof(bytes), &nbytes) == PCL_OK) {
        for (size_t i = 0; i < size; i++) {
            if (data[i] > 31) {
                abort();
            }
        }
    }
    if (pcl_bits_convert(data, size, 8, 5, false, groups, sizeof(groups), &nbytes) == PCL_OK &&
        nbytes > sizeof(groups)) {
        abort();
    }

    if (pcl_bech32_decode((const char *)data, size, hrp, sizeof(hrp), groups, sizeof(groups), &n,
                          &variant, NULL) != PCL_OK) {
        return 0;
    }
    hlen = strlen(hrp);
    if (size > 90 || hlen == 0 || hlen + 1 + n + 6 != size ||
        (variant != PCL_BECH32 && variant != PCL_BECH32M)) {
        abort();
    }
    for (size_t i = 0; i < hlen; i++) {
        if (hrp[i] < 33 || hrp[i] > 126 || (hrp[i] >= 'A' && hrp[i] <= 'Z')) {
            abort();
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (groups[i] > 31) {
            abort();
        }
    }
    check_regroup(groups, n);
    return 0;
}
