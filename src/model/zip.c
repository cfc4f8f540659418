/* SPDX-License-Identifier: Apache-2.0 */
/* Zip archives read the way model loaders read them: the central directory decides (as in
 * PyTorch and Python's zipfile), CRCs and flag bits are ignored (as PyTorch ignores them), and
 * the local headers are walked too, so members the two views disagree on are reported and
 * scanned. Offsets are adjusted for data prepended to the archive (polyglots). */
#include "mscan.h"

#define ZIP_MAX_ENTRIES 1000000u
#define EOCD_SEARCH     (65535u + 22u)
#define STREAM_MIN      ((uint64_t)16 << 20) /* deflated members this large may be streamed */

struct zent {
    uint64_t local; /* local header offset (adjusted) */
    uint64_t csize;
    uint64_t usize;
    uint16_t method;
    uint16_t flags;
    const uint8_t *name; /* central directory name, not NUL-terminated */
    size_t nlen;
};

bool
mscan_zip_sniff(const uint8_t *data, size_t len, bool *at_start)
{
    size_t lo;

    *at_start = len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
    if (*at_start) {
        return true;
    }
    if (len < 22) {
        return false;
    }
    lo = len > EOCD_SEARCH ? len - EOCD_SEARCH : 0;
    for (size_t i = len - 22 + 1; i-- > lo;) {
        if (memcmp(data + i, "PK\x05\x06", 4) == 0) {
            return true;
        }
    }
    return false;
}

/* Offset of the end-of-central-directory record, or SIZE_MAX. */
static size_t
find_eocd(const uint8_t *d, size_t n)
{
    size_t lo;

    if (n < 22) {
        return SIZE_MAX;
    }
    lo = n > EOCD_SEARCH ? n - EOCD_SEARCH : 0;
    for (size_t i = n - 22 + 1; i-- > lo;) {
        if (memcmp(d + i, "PK\x05\x06", 4) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* zip64 extended information: replaces the 0xFFFFFFFF fields in order. */
static void
zip64_extra(const uint8_t *x, size_t xl, struct zent *e, bool need_u, bool need_c, bool need_o)
{
    size_t i = 0;

    while (i + 4 <= xl) {
        uint16_t id = mscan_le16(x + i), sz = mscan_le16(x + i + 2);
        const uint8_t *f = x + i + 4;
        size_t k = 0;

        if (i + 4 + sz > xl) {
            return;
        }
        if (id == 0x0001) {
            if (need_u && k + 8 <= sz) {
                e->usize = mscan_le64(f + k);
                k += 8;
            }
            if (need_c && k + 8 <= sz) {
                e->csize = mscan_le64(f + k);
                k += 8;
            }
            if (need_o && k + 8 <= sz) {
                e->local = mscan_le64(f + k);
            }
            return;
        }
        i += 4 + (size_t)sz;
    }
}

static bool
name_is(const uint8_t *name, size_t nlen, const char *suffix)
{
    size_t k = strlen(suffix);

    return nlen >= k && memcmp(name + nlen - k, suffix, k) == 0;
}

/* Scan one member's bytes. */
static enum pcl_rc
scan_member(struct mscan *s, const uint8_t *d, size_t n, const struct zent *e, size_t data_off)
{
    char name[256];
    size_t old, nl = PCL_MIN(e->nlen, sizeof(name) - 1);
    struct mscan_bytes buf = {0};
    const uint8_t *m;
    size_t mlen;
    enum pcl_rc rc = PCL_OK;

    memcpy(name, e->name, nl);
    name[nl] = '\0';
    for (size_t i = 0; i < nl; i++) {
        if ((unsigned char)name[i] < 0x20) {
            name[i] = '?';
        }
    }
    old = mscan_member_push(s, name, nl);
    if (e->csize > n - data_off) {
        rc = mscan_unscannable(s, data_off,
                               "member data (%llu bytes) runs past the end of the "
                               "archive",
                               (unsigned long long)e->csize);
        goto out;
    }
    if (e->method == 0) {
        m = d + data_off;
        mlen = (size_t)e->csize;
    } else if (e->method == 8 && e->usize >= STREAM_MIN) {
        /* a large deflated NumPy array (np.savez_compressed) is only counted; anything else
         * is inflated (bounded) through a temporary file so it can be parsed in constant
         * memory */
        uint8_t head[4096];
        size_t hl = 0;
        uint64_t total = 0;

        rc =
            mscan_inflate_count(s, d + data_off, (size_t)e->csize, head, sizeof(head), &hl, &total);
        if (rc != PCL_OK || total == UINT64_MAX) {
            goto out;
        }
        if (mscan_npy_streamable(head, hl)) {
            s->r->bytes += total;
            rc = mscan_npy_sized(s, head, hl, total);
            goto out;
        }
        rc = mscan_inflate_raw(s, d + data_off, (size_t)e->csize, &buf);
        if (rc != PCL_OK || buf.p == NULL) {
            goto out;
        }
        m = buf.p;
        mlen = buf.len;
    } else if (e->method == 8) {
        rc = mscan_inflate_raw(s, d + data_off, (size_t)e->csize, &buf);
        if (rc != PCL_OK || buf.p == NULL) {
            goto out;
        }
        m = buf.p;
        mlen = buf.len;
    } else {
        rc = mscan_unscannable(s, data_off, "compression method %u is not supported", e->method);
        goto out;
    }
    if ((e->flags & 1) != 0) {
        /* PyTorch ignores the encryption bit and reads the bytes; so do we. Real encryption
         * leaves bytes no parser recognises. */
        bool start, pickle = false;

        rc = mscan_pickle_sniff(s, m, mlen, &pickle);
        if (rc != PCL_OK) {
            goto out;
        }
        if (!pickle && !mscan_zip_sniff(m, mlen, &start) && mscan_compressed_sniff(m, mlen) == 0) {
            rc = mscan_unscannable(s, data_off, "encrypted member: content cannot be inspected");
            goto out;
        }
        rc = mscan_add(s, PCL_MODEL_SEV_SUSPICIOUS, "zip.flag-bits", NULL, data_off, NULL,
                       "member marked encrypted but stored in the clear; PyTorch reads it, "
                       "zipfile-based scanners skip it");
        if (rc != PCL_OK) {
            goto out;
        }
    }
    rc = mscan_blob(s, m, mlen, name);
out:
    mscan_bytes_free(&buf);
    mscan_member_pop(s, old);
    return rc;
}

static enum pcl_rc
local_data(struct mscan *s, const uint8_t *d, size_t n, const struct zent *e, size_t *data_off)
{
    uint16_t lnl, lxl;

    if (e->local > n || n - e->local < 30 || memcmp(d + e->local, "PK\x03\x04", 4) != 0) {
        return mscan_unscannable(s, e->local,
                                 "central directory points at offset %llu, where "
                                 "there is no local header",
                                 (unsigned long long)e->local);
    }
    lnl = mscan_le16(d + e->local + 26);
    lxl = mscan_le16(d + e->local + 28);
    if ((uint64_t)30 + lnl + lxl > n - e->local) {
        return mscan_unscannable(s, e->local, "local header runs past the end of the archive");
    }
    if (lnl != e->nlen || memcmp(d + e->local + 30, e->name, lnl) != 0) {
        enum pcl_rc rc =
            mscan_add(s, PCL_MODEL_SEV_HIGH, "zip.name-mismatch", "CVE-2025-1944", e->local, NULL,
                      "local header name \"%.*s\" differs from the central "
                      "directory name \"%.*s\": readers disagree on what the "
                      "member is",
                      (int)PCL_MIN(lnl, 64), (const char *)d + e->local + 30,
                      (int)PCL_MIN(e->nlen, (size_t)64), (const char *)e->name);

        if (rc != PCL_OK) {
            return rc;
        }
    }
    *data_off = (size_t)e->local + 30 + lnl + lxl;
    return PCL_OK;
}

/* Local headers the central directory does not list: scanned and reported. */
static enum pcl_rc
walk_locals(struct mscan *s, const uint8_t *d, size_t n, size_t start, const struct zent *ents,
            size_t nents)
{
    size_t pos = start;
    enum pcl_rc rc = PCL_OK;

    while (rc == PCL_OK && pos <= n && n - pos >= 30 && memcmp(d + pos, "PK\x03\x04", 4) == 0) {
        struct zent e;
        bool listed = false;
        uint16_t lnl = mscan_le16(d + pos + 26), lxl = mscan_le16(d + pos + 28);
        size_t data_off = pos + 30 + lnl + lxl;

        memset(&e, 0, sizeof(e));
        e.flags = mscan_le16(d + pos + 6);
        e.method = mscan_le16(d + pos + 8);
        e.csize = mscan_le32(d + pos + 18);
        e.usize = mscan_le32(d + pos + 22);
        e.local = pos;
        if (data_off > n) {
            break;
        }
        e.name = d + pos + 30;
        e.nlen = lnl;
        if (e.csize == 0xFFFFFFFFu || e.usize == 0xFFFFFFFFu) {
            zip64_extra(d + pos + 30 + lnl, lxl, &e, e.usize == 0xFFFFFFFFu, e.csize == 0xFFFFFFFFu,
                        false);
        }
        for (size_t i = 0; i < nents; i++) {
            if (ents[i].local == pos) {
                listed = true;
                e.csize = ents[i].csize; /* data descriptors leave local sizes zero */
                break;
            }
        }
        if (!listed) {
            if ((e.flags & 8) != 0 && e.csize == 0) {
                break; /* size unknown without the central directory */
            }
            rc = mscan_add(s, PCL_MODEL_SEV_HIGH, "zip.unlisted-member", NULL, pos, NULL,
                           "local header for \"%.*s\" is not in the central directory: "
                           "readers that walk local headers see a different archive",
                           (int)PCL_MIN(lnl, 64), (const char *)e.name);
            if (rc == PCL_OK) {
                rc = scan_member(s, d, n, &e, data_off);
            }
        }
        if (e.csize > n - data_off) {
            break;
        }
        pos = data_off + (size_t)e.csize;
        if ((e.flags & 8) != 0 && n - pos >= 16 && memcmp(d + pos, "PK\x07\x08", 4) == 0) {
            pos += 16;
        }
    }
    return rc;
}

static enum pcl_rc
check_duplicates(struct mscan *s, const struct zent *ents, size_t nents)
{
    /* quadratic only up to a bound; archives with more members are checked by neighbours */
    size_t lim = PCL_MIN(nents, (size_t)4096);

    for (size_t i = 0; i < lim; i++) {
        for (size_t j = i + 1; j < lim; j++) {
            if (ents[i].nlen == ents[j].nlen &&
                memcmp(ents[i].name, ents[j].name, ents[i].nlen) == 0) {
                return mscan_add(
                    s, PCL_MODEL_SEV_HIGH, "zip.duplicate-name", NULL, ents[j].local, NULL,
                    "two members are named \"%.*s\": readers disagree on which "
                    "one wins (both are scanned)",
                    (int)PCL_MIN(ents[i].nlen, (size_t)64), (const char *)ents[i].name);
            }
        }
    }
    return PCL_OK;
}

static void
name_format(struct mscan *s, const struct zent *ents, size_t nents)
{
    bool pkl = false, keras = false, npy = nents > 0;

    if (s->depth != 1) {
        return;
    }
    for (size_t i = 0; i < nents; i++) {
        pkl = pkl || name_is(ents[i].name, ents[i].nlen, "data.pkl");
        keras = keras || (ents[i].nlen == 11 && memcmp(ents[i].name, "config.json", 11) == 0);
        npy = npy && name_is(ents[i].name, ents[i].nlen, ".npy");
    }
    s->r->format = pkl ? "pytorch-zip" : keras ? "keras" : npy ? "npz" : "zip";
}

enum pcl_rc
mscan_zip(struct mscan *s, const uint8_t *d, size_t n)
{
    size_t eocd = find_eocd(d, n);
    uint64_t cd_off, cd_size, count, adjust = 0, cd_start, cd_end = eocd;
    struct zent *ents = NULL;
    size_t nents = 0, pos;
    enum pcl_rc rc = PCL_OK;

    if (eocd == SIZE_MAX) {
        rc = mscan_unscannable(s, 0,
                               "zip without an end of central directory record: "
                               "loaders reject it; local headers are scanned");
        if (rc == PCL_OK) {
            rc = walk_locals(s, d, n, 0, NULL, 0);
        }
        return rc;
    }
    count = mscan_le16(d + eocd + 10);
    cd_size = mscan_le32(d + eocd + 12);
    cd_off = mscan_le32(d + eocd + 16);
    /* zip64: as zipfile does, the zip64 end record sits right before its locator, and the
     * central directory right before that */
    if (eocd >= 76 && memcmp(d + eocd - 20, "PK\x06\x07", 4) == 0 &&
        memcmp(d + eocd - 76, "PK\x06\x06", 4) == 0) {
        const uint8_t *z = d + eocd - 76;

        count = mscan_le64(z + 32);
        cd_size = mscan_le64(z + 40);
        cd_off = mscan_le64(z + 48);
        cd_end = eocd - 76;
    }
    if (cd_size > cd_end) {
        return mscan_unscannable(s, eocd, "central directory larger than the archive");
    }
    cd_start = cd_end - cd_size;
    if (cd_start < cd_off) {
        return mscan_unscannable(s, eocd, "central directory offset past its own position");
    }
    adjust = cd_start - cd_off; /* bytes prepended to the archive (polyglot, self-extractor) */
    if (count > ZIP_MAX_ENTRIES || count > cd_size / 46 + 1) {
        return mscan_unscannable(s, eocd, "central directory claims %llu members",
                                 (unsigned long long)count);
    }
    ents = pcl_calloc(count == 0 ? 1 : (size_t)count, sizeof(*ents));
    if (ents == NULL) {
        return pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
    }
    pos = (size_t)cd_start;
    for (uint64_t i = 0; i < count; i++) {
        struct zent *e = &ents[nents];
        uint16_t nl, xl, cl;

        if (cd_end - pos < 46 || memcmp(d + pos, "PK\x01\x02", 4) != 0) {
            rc = mscan_unscannable(s, pos, "central directory entry %llu is damaged",
                                   (unsigned long long)i);
            goto out;
        }
        e->flags = mscan_le16(d + pos + 8);
        e->method = mscan_le16(d + pos + 10);
        e->csize = mscan_le32(d + pos + 20);
        e->usize = mscan_le32(d + pos + 24);
        nl = mscan_le16(d + pos + 28);
        xl = mscan_le16(d + pos + 30);
        cl = mscan_le16(d + pos + 32);
        e->local = mscan_le32(d + pos + 42);
        if ((uint64_t)46 + nl + xl + cl > cd_end - pos) {
            rc = mscan_unscannable(s, pos, "central directory entry %llu runs past its end",
                                   (unsigned long long)i);
            goto out;
        }
        e->name = d + pos + 46;
        e->nlen = nl;
        zip64_extra(d + pos + 46 + nl, xl, e, e->usize == 0xFFFFFFFFu, e->csize == 0xFFFFFFFFu,
                    e->local == 0xFFFFFFFFu);
        if (e->local > UINT64_MAX - adjust) {
            rc = mscan_unscannable(s, pos, "local header offset overflows");
            goto out;
        }
        e->local += adjust;
        nents++;
        pos += 46 + (size_t)nl + xl + cl;
    }
    name_format(s, ents, nents);
    rc = check_duplicates(s, ents, nents);
    for (size_t i = 0; i < nents && rc == PCL_OK; i++) {
        size_t data_off = 0;
        size_t before = s->r->nfindings;

        if (ents[i].nlen > 0 && ents[i].name[ents[i].nlen - 1] == '/' && ents[i].csize == 0) {
            continue; /* directory */
        }
        rc = local_data(s, d, n, &ents[i], &data_off);
        if (rc != PCL_OK || data_off == 0) {
            continue;
        }
        (void)before;
        rc = scan_member(s, d, n, &ents[i], data_off);
    }
    if (rc == PCL_OK) {
        rc = walk_locals(s, d, n, (size_t)adjust, ents, nents);
    }
out:
    pcl_free(ents);
    return rc;
}

/* ---- tar (legacy PyTorch checkpoints) ----------------------------------------------------- */

static uint64_t
tar_octal(const uint8_t *p, size_t n, bool *ok)
{
    uint64_t v = 0;
    size_t i = 0;

    if ((p[0] & 0x80) != 0) { /* base-256 for large sizes */
        for (i = 1; i < n; i++) {
            if (v > (UINT64_MAX >> 8)) {
                *ok = false;
                return 0;
            }
            v = (v << 8) | p[i];
        }
        return v;
    }
    while (i < n && (p[i] == ' ' || p[i] == '\0')) {
        i++;
    }
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
        if (v > (UINT64_MAX >> 3)) {
            *ok = false;
            return 0;
        }
        v = (v << 3) | (uint64_t)(p[i] - '0');
    }
    if (i < n && p[i] != ' ' && p[i] != '\0') {
        *ok = false;
    }
    return v;
}

static bool
tar_checksum_ok(const uint8_t *h)
{
    uint64_t want, sum = 0;
    bool ok = true;

    want = tar_octal(h + 148, 8, &ok);
    for (size_t i = 0; i < 512; i++) {
        sum += (i >= 148 && i < 156) ? (uint64_t)' ' : h[i];
    }
    return ok && sum == want;
}

bool
mscan_tar_sniff(const uint8_t *data, size_t len)
{
    return len >= 512 && tar_checksum_ok(data) &&
           (memcmp(data + 257, "ustar", 5) == 0 || data[0] != '\0');
}

enum pcl_rc
mscan_tar(struct mscan *s, const uint8_t *d, size_t n)
{
    size_t pos = 0;
    enum pcl_rc rc = PCL_OK;

    while (rc == PCL_OK && n - pos >= 512) {
        const uint8_t *h = d + pos;
        char name[101];
        bool ok = true;
        uint64_t size;
        size_t nl, old;

        if (h[0] == '\0') {
            break; /* end-of-archive blocks */
        }
        if (!tar_checksum_ok(h)) {
            return mscan_unscannable(s, pos, "tar header checksum mismatch");
        }
        size = tar_octal(h + 124, 12, &ok);
        if (!ok || size > n - pos - 512) {
            return mscan_unscannable(s, pos, "tar member size runs past the end of the archive");
        }
        nl = strnlen((const char *)h, 100);
        memcpy(name, h, nl);
        name[nl] = '\0';
        if (h[156] == '0' || h[156] == '\0' || h[156] == '7') {
            old = mscan_member_push(s, name, nl);
            rc = mscan_blob(s, d + pos + 512, (size_t)size, name);
            mscan_member_pop(s, old);
        }
        pos += 512 + (size_t)((size + 511) & ~(uint64_t)511);
        if (pos > n) {
            break;
        }
    }
    return rc;
}
