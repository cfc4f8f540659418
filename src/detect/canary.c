/* SPDX-License-Identifier: Apache-2.0 */
/* Canary tokens: mint a per-request secret for the system prompt and watch a streamed
 * response for it (or a near variant) chunk by chunk with constant state. */
#include "inject_int.h"

#include <sodium.h>

struct pcl_canary_watch {
    char core[PCL_CANARY_MAX]; /* lower-case letters and digits of the canary */
    size_t len;
    size_t need;                 /* shortest run that counts (75% of core, at least 8) */
    uint8_t fwd[PCL_CANARY_MAX]; /* fwd[i]: length of the match ending at core[i] */
    uint8_t rev[PCL_CANARY_MAX]; /* same against the reversed core */
    unsigned char pend[4];       /* a UTF-8 sequence split across chunks */
    size_t npend, want;
    uint64_t off;
    bool seen;
    uint64_t at;
};

size_t
pcl_canary_mint(char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char r[8];
    size_t n = 0;

    randombytes_buf(r, sizeof(r));
    memcpy(out, "pcl-", 4);
    n = 4;
    for (size_t i = 0; i < sizeof(r); i++) {
        out[n++] = hex[r[i] >> 4];
        out[n++] = hex[r[i] & 15];
    }
    out[n] = '\0';
    sodium_memzero(r, sizeof(r));
    return n;
}

enum pcl_rc
pcl_canary_watch_new(const char *canary, size_t len, struct pcl_canary_watch **out,
                     struct pcl_err *err)
{
    struct pcl_canary_watch *w;

    *out = NULL;
    if (len < 8 || len > PCL_CANARY_MAX) {
        return pcl_err_set(err, PCL_EINVAL, "canary: length %zu is outside 8..%d", len,
                           PCL_CANARY_MAX);
    }
    w = pcl_calloc(1, sizeof(*w));
    if (w == NULL) {
        return pcl_err_set(err, PCL_ENOMEM, "canary: out of memory");
    }
    for (size_t i = 0; i < len; i++) {
        if (pcl_is_alnum(canary[i])) {
            w->core[w->len++] = pcl_lower(canary[i]);
        }
    }
    if (w->len < 8) {
        pcl_free(w);
        return pcl_err_set(err, PCL_EINVAL, "canary: needs at least 8 letters or digits");
    }
    w->need = PCL_MAX((w->len * 3 + 3) / 4, (size_t)8);
    *out = w;
    return PCL_OK;
}

void
pcl_canary_watch_free(struct pcl_canary_watch *w)
{
    if (w != NULL) {
        sodium_memzero(w, sizeof(*w));
    }
    pcl_free(w);
}

void
pcl_canary_watch_reset(struct pcl_canary_watch *w)
{
    memset(w->fwd, 0, sizeof(w->fwd));
    memset(w->rev, 0, sizeof(w->rev));
    w->npend = 0;
    w->want = 0;
    w->off = 0;
    w->seen = false;
    w->at = 0;
}

/* One normalized character of the stream. */
static void
push(struct pcl_canary_watch *w, char c)
{
    for (size_t i = w->len; i-- > 0;) {
        w->fwd[i] = w->core[i] == c ? (uint8_t)((i > 0 ? w->fwd[i - 1] : 0) + 1) : 0;
        w->rev[i] = w->core[w->len - 1 - i] == c ? (uint8_t)((i > 0 ? w->rev[i - 1] : 0) + 1) : 0;
        if (w->fwd[i] >= w->need || w->rev[i] >= w->need) {
            if (!w->seen) {
                w->seen = true;
                w->at = w->off;
            }
        }
    }
}

/* A multi-byte character: full-width letters and digits count as ASCII, everything else
 * (zero-width, other scripts) is skipped like punctuation. */
static void
push_cp(struct pcl_canary_watch *w, uint32_t cp)
{
    if (cp >= 0xFF10 && cp <= 0xFF19) {
        push(w, (char)('0' + (cp - 0xFF10)));
    } else if (cp >= 0xFF21 && cp <= 0xFF3A) {
        push(w, (char)('a' + (cp - 0xFF21)));
    } else if (cp >= 0xFF41 && cp <= 0xFF5A) {
        push(w, (char)('a' + (cp - 0xFF41)));
    }
}

bool
pcl_canary_watch_feed(struct pcl_canary_watch *w, const char *chunk, size_t len, uint64_t *at)
{
    for (size_t i = 0; i < len && !w->seen; i++) {
        unsigned char b = (unsigned char)chunk[i];

        w->off++;
        if (w->want > 0) {
            if ((b & 0xC0) != 0x80) {
                w->want = 0; /* broken sequence: drop it, read b afresh */
                w->npend = 0;
            } else {
                w->pend[w->npend++] = b;
                if (w->npend == w->want) {
                    uint32_t cp;

                    if (pcl_utf8_decode((const char *)w->pend, w->npend, &cp) == w->npend) {
                        push_cp(w, cp);
                    }
                    w->want = 0;
                    w->npend = 0;
                }
                continue;
            }
        }
        if (b < 0x80) {
            if (pcl_is_alnum((char)b)) {
                push(w, pcl_lower((char)b));
            }
        } else if (b >= 0xC2 && b <= 0xF4) {
            w->pend[0] = b;
            w->npend = 1;
            w->want = b < 0xE0 ? 2 : (b < 0xF0 ? 3 : 4);
        }
    }
    if (w->seen && at != NULL) {
        *at = w->at;
    }
    return w->seen;
}
