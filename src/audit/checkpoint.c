/* SPDX-License-Identifier: Apache-2.0 */
/* C2SP tlog-checkpoint bodies: parsing, formatting, and opening a signed checkpoint under a
 * log key and witness keys. */
#include "audit.h"

#include "common.h"

/* Next line of text[*off..len) without its '\n'; false at the end or when the last line has no
 * '\n' (*unterminated is then set). */
static bool
next_line(const char *text, size_t len, size_t *off, struct pcl_str *line, bool *unterminated)
{
    const char *nl;

    *unterminated = false;
    if (*off >= len) {
        return false;
    }
    nl = memchr(text + *off, '\n', len - *off);
    if (nl == NULL) {
        *unterminated = true;
        return false;
    }
    *line = (struct pcl_str){text + *off, (size_t)(nl - (text + *off))};
    *off = (size_t)(nl - text) + 1;
    return true;
}

/* Valid UTF-8 without control characters (a note's text never has any but '\n'). */
static bool
clean_line(struct pcl_str line)
{
    for (size_t i = 0; i < line.len; i++) {
        if ((unsigned char)line.ptr[i] < 0x20 || line.ptr[i] == 0x7f) {
            return false;
        }
    }
    return pcl_utf8_is_valid(line.ptr, line.len, NULL);
}

enum pcl_rc
pcl_checkpoint_parse(const char *text, size_t len, struct pcl_checkpoint *cp, struct pcl_err *err)
{
    struct pcl_str line;
    size_t off = 0;
    bool unterm = false;
    uint64_t size = 0;

    memset(cp, 0, sizeof(*cp));
    if (!next_line(text, len, &off, &line, &unterm) || line.len == 0) {
        return pcl_err_set(err, PCL_EINVAL, "checkpoint: line 1: missing origin");
    }
    if (line.len > PCL_NOTE_MAX_NAME) {
        return pcl_err_set(err, PCL_EINVAL, "checkpoint: line 1: origin longer than %d bytes",
                           PCL_NOTE_MAX_NAME);
    }
    if (!clean_line(line)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "checkpoint: line 1: origin has a control character or bad UTF-8");
    }
    memcpy(cp->origin, line.ptr, line.len);
    if (!next_line(text, len, &off, &line, &unterm) || line.len == 0) {
        return pcl_err_set(err, PCL_EINVAL, "checkpoint: line 2: missing tree size");
    }
    if (line.len > 1 && line.ptr[0] == '0') {
        return pcl_err_set(err, PCL_EINVAL, "checkpoint: line 2: tree size has a leading zero");
    }
    for (size_t i = 0; i < line.len; i++) {
        if (!pcl_is_digit(line.ptr[i]) ||
            size > (UINT64_MAX - (uint64_t)(line.ptr[i] - '0')) / 10) {
            return pcl_err_set(err, PCL_EINVAL,
                               "checkpoint: line 2: tree size is not a decimal number below 2^64");
        }
        size = size * 10 + (uint64_t)(line.ptr[i] - '0');
    }
    cp->size = size;
    if (!next_line(text, len, &off, &line, &unterm)) {
        return pcl_err_set(err, PCL_EINVAL, "checkpoint: line 3: missing root hash");
    }
    if (!pcl_audit_b64_exact(line.ptr, line.len, cp->root, PCL_MERKLE_HASH_SIZE)) {
        return pcl_err_set(err, PCL_EINVAL,
                           "checkpoint: line 3: root hash is not base64 of 32 bytes");
    }
    while (next_line(text, len, &off, &line, &unterm)) {
        if (line.len == 0 || !clean_line(line)) {
            return pcl_err_set(err, PCL_EINVAL,
                               "checkpoint: line %zu: empty extension line, a control character "
                               "or bad UTF-8",
                               cp->next + 4);
        }
        if (cp->next == PCL_CHECKPOINT_MAX_EXT || line.len > PCL_NOTE_MAX_NAME) {
            return pcl_err_set(err, PCL_ELIMIT,
                               "checkpoint: line %zu: more than %d extension lines or one longer "
                               "than %d bytes",
                               cp->next + 4, PCL_CHECKPOINT_MAX_EXT, PCL_NOTE_MAX_NAME);
        }
        memcpy(cp->ext[cp->next], line.ptr, line.len);
        cp->ext[cp->next][line.len] = '\0';
        cp->next++;
    }
    if (unterm) {
        return pcl_err_set(err, PCL_EINVAL, "checkpoint: last line does not end with a newline");
    }
    return PCL_OK;
}

enum pcl_rc
pcl_checkpoint_format(const char *origin, uint64_t size, const uint8_t root[PCL_MERKLE_HASH_SIZE],
                      struct pcl_buf *out)
{
    enum pcl_rc rc = pcl_buf_appendf(out, "%s\n%llu\n", origin, (unsigned long long)size);

    if (rc == PCL_OK) {
        rc = pcl_base64_encode(out, root, PCL_MERKLE_HASH_SIZE, PCL_B64_STD);
    }
    if (rc == PCL_OK) {
        rc = pcl_buf_appendc(out, '\n');
    }
    return rc;
}

enum pcl_rc
pcl_checkpoint_open(const char *note, size_t len, const struct pcl_note_verifier *log_key,
                    const struct pcl_note_verifier *const *witnesses, size_t nwit,
                    const char *expected_origin, struct pcl_checkpoint *cp, size_t *nwitnessed,
                    struct pcl_err *err)
{
    const struct pcl_note_verifier *known[1 + PCL_NOTE_MAX_SIGS];
    struct pcl_note *n = NULL;
    size_t nk = 0;
    size_t cos = 0;
    bool logged = false;
    enum pcl_rc rc;

    if (nwitnessed != NULL) {
        *nwitnessed = 0;
    }
    if (log_key == NULL || pcl_note_verifier_type(log_key) != PCL_NOTE_ED25519) {
        return pcl_err_set(err, PCL_EINVAL, "checkpoint: need an Ed25519 log key");
    }
    if (nwit > PCL_NOTE_MAX_SIGS) {
        return pcl_err_set(err, PCL_ELIMIT, "checkpoint: more than %d witnesses",
                           PCL_NOTE_MAX_SIGS);
    }
    known[nk++] = log_key;
    for (size_t i = 0; i < nwit; i++) {
        known[nk++] = witnesses[i];
    }
    rc = pcl_note_open(note, len, known, nk, &n, err);
    if (rc == PCL_ENOTFOUND) {
        rc = pcl_err_set(err, PCL_EINVAL, "checkpoint: not signed by the log key %s+%08x",
                         pcl_note_verifier_name(log_key), pcl_note_verifier_id(log_key));
    }
    if (rc != PCL_OK) {
        goto out;
    }
    for (size_t i = 0; i < n->nsigs; i++) {
        const struct pcl_note_sig *s = &n->sigs[i];

        if (!s->cosignature && s->id == pcl_note_verifier_id(log_key) &&
            s->name.len == strlen(pcl_note_verifier_name(log_key)) &&
            memcmp(s->name.ptr, pcl_note_verifier_name(log_key), s->name.len) == 0) {
            logged = true;
        } else {
            cos++;
        }
    }
    if (!logged) {
        rc = pcl_err_set(err, PCL_EINVAL, "checkpoint: not signed by the log key %s+%08x",
                         pcl_note_verifier_name(log_key), pcl_note_verifier_id(log_key));
        goto out;
    }
    rc = pcl_checkpoint_parse(n->text.ptr, n->text.len, cp, err);
    if (rc != PCL_OK) {
        goto out;
    }
    if (strcmp(cp->origin, pcl_note_verifier_name(log_key)) != 0) {
        rc = pcl_err_set(err, PCL_EINVAL, "checkpoint: origin \"%.100s\" is not the log key's name",
                         cp->origin);
        goto out;
    }
    if (expected_origin != NULL && strcmp(cp->origin, expected_origin) != 0) {
        rc = pcl_err_set(err, PCL_EINVAL, "checkpoint: origin \"%.100s\", expected \"%.100s\"",
                         cp->origin, expected_origin);
        goto out;
    }
    if (nwitnessed != NULL) {
        *nwitnessed = cos;
    }
out:
    pcl_note_free(n);
    return rc;
}
