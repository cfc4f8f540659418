/* SPDX-License-Identifier: Apache-2.0 */
/* Serialising answers into evbuffers through reserved space: jansson writes each piece
 * straight into the buffer's own chain. */
#include "answer.h"

#include "jtree.h"

/* Smallest space reserved at a time (jansson hands over short pieces). */
#define RESERVE_MIN 4096

struct writer {
    struct evbuffer *out;
    struct evbuffer_iovec v; /* reserved, not yet committed; iov_base NULL = none */
    size_t used;             /* bytes written into v */
    bool failed;
};

static int
writer_commit(struct writer *w)
{
    int rc = 0;

    if (w->v.iov_base != NULL) {
        w->v.iov_len = w->used;
        rc = evbuffer_commit_space(w->out, &w->v, 1);
        w->v.iov_base = NULL;
        w->v.iov_len = 0;
        w->used = 0;
    }
    return rc;
}

static int
writer_put(const char *s, size_t n, void *ctx)
{
    struct writer *w = ctx;

    while (n > 0) {
        size_t k;

        if (w->v.iov_base == NULL || w->used == w->v.iov_len) {
            size_t want = n > RESERVE_MIN ? n : RESERVE_MIN;

            if (writer_commit(w) != 0 || want > (size_t)EV_SSIZE_MAX ||
                evbuffer_reserve_space(w->out, (ev_ssize_t)want, &w->v, 1) != 1) {
                w->v.iov_base = NULL;
                w->failed = true;
                return -1;
            }
            w->used = 0;
        }
        k = PCL_MIN(n, w->v.iov_len - w->used);
        memcpy((char *)w->v.iov_base + w->used, s, k);
        w->used += k;
        s += k;
        n -= k;
    }
    return 0;
}

static enum pcl_rc
writer_json(struct writer *w, const json_t *j)
{
    if (j == NULL || pcl_gw_json_dump(j, writer_put, w) != 0) {
        w->failed = true;
    }
    return w->failed ? PCL_ENOMEM : PCL_OK;
}

enum pcl_rc
pcl_gw_answer_json(struct evbuffer *out, const json_t *j)
{
    struct writer w = {.out = out};
    enum pcl_rc rc = writer_json(&w, j);

    if (writer_commit(&w) != 0) {
        rc = PCL_ENOMEM;
    }
    return rc;
}

enum pcl_rc
pcl_gw_answer_event(struct evbuffer *out, const char *type, size_t tlen, const json_t *j)
{
    struct writer w = {.out = out};
    enum pcl_rc rc = PCL_OK;

    if (tlen > 0 && (writer_put("event: ", 7, &w) != 0 || writer_put(type, tlen, &w) != 0 ||
                     writer_put("\n", 1, &w) != 0)) {
        rc = PCL_ENOMEM;
    }
    if (rc == PCL_OK && writer_put("data: ", 6, &w) != 0) {
        rc = PCL_ENOMEM;
    }
    if (rc == PCL_OK) {
        rc = writer_json(&w, j);
    }
    if (rc == PCL_OK && writer_put("\n\n", 2, &w) != 0) {
        rc = PCL_ENOMEM;
    }
    if (writer_commit(&w) != 0) {
        rc = PCL_ENOMEM;
    }
    return rc;
}
