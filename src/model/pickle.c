/* SPDX-License-Identifier: Apache-2.0 */
/* Pickle analysis by emulating the unpickler: a stack, MARK and memo machine over every opcode
 * of protocols 0-5 that tracks what each value is (literal, container, imported global, result
 * of a call), so STACK_GLOBAL operands, call targets and BUILD targets are judged from the real
 * stack instead of from opcode names. */
#include "mscan.h"

/* Children kept per container: enough for call arguments and joblib's state dicts. */
#define PK_KEEP        32
#define PK_MAX_STACK   ((size_t)1 << 20)
#define PK_MAX_MARKS   ((size_t)1 << 20)
#define PK_MAX_MEMO    ((size_t)1 << 22)
#define PK_ARENA_MAX   ((size_t)512 << 20)
#define PK_ARENA_CHUNK ((size_t)64 << 10)

enum pk_kind {
    PK_NONE,
    PK_BOOL,
    PK_INT,
    PK_FLOAT,
    PK_STR,
    PK_BYTES,
    PK_TUPLE,
    PK_LIST,
    PK_DICT,
    PK_SET,
    PK_GLOBAL,  /* an imported object: module, class or function */
    PK_OBJ,     /* the result of a call */
    PK_PERSID,  /* a persistent_load result (PyTorch storages) */
    PK_UNKNOWN, /* after an error: anything */
};

#define PKF_BIGINT   0x01 /* integer outside int64 */
#define PKF_MODIFIED 0x02 /* BUILD or item assignment changed this global */
#define PKF_STATIC   0x04 /* a shared constant: never counted or freed */

struct pk_val {
    uint8_t kind;
    uint8_t flags;
    uint8_t sev;      /* GLOBAL: how the import was judged */
    uint32_t n;       /* children stored in items */
    uint32_t cap;     /* capacity of items */
    uint32_t ref;     /* references from the stack, the memo, containers and calls */
    uint64_t count;   /* logical number of elements (pairs for a dict) */
    int64_t i;        /* INT, BOOL */
    const uint8_t *p; /* STR (UTF-8) / BYTES content; GLOBAL/OBJ: "module.name" */
    size_t len;
    struct pk_val **items; /* containers: children (each holds a reference), dict as key,value
                              pairs; array of cap */
    struct pk_val *args;   /* OBJ: the argument tuple of the call that made it (a reference);
                              on the free list: the next free value */
    struct pk_val *state;  /* OBJ: the last BUILD state */
};

struct pk_memo {
    uint64_t key;
    struct pk_val *v; /* NULL = empty slot */
};

struct pk {
    struct mscan *s; /* NULL when only sniffing */
    const uint8_t *d;
    size_t n;
    size_t pos;
    size_t op;     /* offset of the current opcode */
    uint64_t base; /* offset of d[0] in the member, for messages */
    struct pcl_arena *a;
    struct pk_val **stack; /* array of sp (capacity scap) */
    size_t sp, scap;
    size_t *marks; /* saved fences; array of nmarks (capacity mcap) */
    size_t nmarks, mcap;
    size_t fence;
    struct pk_memo *memo; /* open addressing, capacity memocap (power of two) */
    size_t nmemo, memocap;
    bool stop;     /* lexical error or STOP: leave the loop */
    bool stopped;  /* saw STOP */
    bool failed;   /* a loader would have raised here (first semantic or lexical error) */
    bool imported; /* at least one global was imported */
    bool called;   /* something was called (REDUCE, OBJ, INST, NEWOBJ) */
    bool critical; /* a known-dangerous global was imported */
    bool reported_malformed;
    struct pk_val *result; /* value popped by STOP */
    /* Values are reference counted so what the pickle drops is reused, keeping memory
     * proportional to what is reachable (memo, stack, kept children), not to the stream. */
    struct pk_val *free_vals;                /* freed values, linked through args */
    struct pk_val **free_items[PK_KEEP + 1]; /* freed item arrays by capacity, linked through
                                                element 0 */
    struct pk_val **work; /* values being freed; array of nwork (capacity capwork) */
    size_t nwork, capwork;
    enum pcl_rc rc; /* PCL_ENOMEM once allocation failed */
};

static struct pk_val unknown_val = {.kind = PK_UNKNOWN, .flags = PKF_STATIC};
static struct pk_val none_val = {.kind = PK_NONE, .flags = PKF_STATIC};
static struct pk_val float_val = {.kind = PK_FLOAT, .flags = PKF_STATIC};

/* ---- reporting ------------------------------------------------------------------------ */

static void pk_report(struct pk *p, enum pcl_model_sev sev, const char *rule, const char *ref,
                      const char *global, const char *fmt, ...) PCL_PRINTF(6, 7);

static void
pk_report(struct pk *p, enum pcl_model_sev sev, const char *rule, const char *ref,
          const char *global, const char *fmt, ...)
{
    char msg[PCL_ERR_MSG_SIZE];
    va_list ap;

    if (p->s == NULL || p->rc != PCL_OK) {
        return;
    }
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    p->rc = mscan_add(p->s, sev, rule, ref, p->base + p->op, global, "%s", msg);
}

/* A loader raises here. The first one is reported (as unscannable: what follows never runs in
 * a real loader, but the emulation goes on to show what a lenient reader would do). */
static void pk_fail(struct pk *p, bool fatal, const char *fmt, ...) PCL_PRINTF(3, 4);

static void
pk_fail(struct pk *p, bool fatal, const char *fmt, ...)
{
    char msg[PCL_ERR_MSG_SIZE];
    va_list ap;

    if (fatal) {
        p->stop = true;
    }
    if (p->failed) {
        return;
    }
    p->failed = true;
    if (p->s == NULL || p->rc != PCL_OK) {
        return;
    }
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    p->rc =
        mscan_unscannable(p->s, p->base + p->op,
                          "malformed pickle: %s (loaders run every opcode before this point)", msg);
}

/* ---- values --------------------------------------------------------------------------- */

static void *
pk_alloc(struct pk *p, size_t n)
{
    void *m = pcl_arena_alloc(p->a, n);

    if (m == NULL) {
        if (pcl_arena_used(p->a) + n + PK_ARENA_CHUNK >= PK_ARENA_MAX) {
            pk_fail(p, true, "emulation needs more than %zu MiB", PK_ARENA_MAX >> 20);
            p->failed = true;
        } else {
            p->rc = PCL_ENOMEM;
        }
        p->stop = true;
    }
    return m;
}

/* A new value holding one reference, owned by the caller. */
static struct pk_val *
pk_new(struct pk *p, enum pk_kind kind)
{
    struct pk_val *v = p->free_vals;

    if (v != NULL) {
        p->free_vals = v->args;
    } else {
        v = pk_alloc(p, sizeof(*v));
        if (v == NULL) {
            return &unknown_val;
        }
    }
    memset(v, 0, sizeof(*v));
    v->kind = (uint8_t)kind;
    v->ref = 1;
    return v;
}

static void
pk_ref(struct pk_val *v)
{
    if ((v->flags & PKF_STATIC) == 0) {
        v->ref++;
    }
}

static struct pk_val **
pk_items_new(struct pk *p, uint32_t cap)
{
    struct pk_val **it = p->free_items[cap];

    if (it != NULL) {
        p->free_items[cap] = (struct pk_val **)(void *)it[0];
        return it;
    }
    return pk_alloc(p, cap * sizeof(*it));
}

/* Drop one reference; a value nobody holds any more goes back to the free lists with its
 * children (iteratively: nesting can be as deep as the stream is long). */
static void
pk_unref(struct pk *p, struct pk_val *v)
{
    if ((v->flags & PKF_STATIC) != 0 || --v->ref > 0) {
        return;
    }
    p->nwork = 0;
    for (;;) {
        struct pk_val *kids[2] = {v->args, v->state};

        for (uint32_t i = 0; i < v->n + 2; i++) {
            struct pk_val *c = i < v->n ? v->items[i] : kids[i - v->n];

            if (c == NULL || (c->flags & PKF_STATIC) != 0 || --c->ref > 0) {
                continue;
            }
            if (p->nwork == p->capwork) {
                size_t ncap = p->capwork == 0 ? 64 : p->capwork * 2;
                struct pk_val **nw = pcl_realloc(p->work, ncap * sizeof(*nw));

                if (nw == NULL) {
                    continue; /* leaked into the arena, freed with it */
                }
                p->work = nw;
                p->capwork = ncap;
            }
            p->work[p->nwork++] = c;
        }
        if (v->items != NULL && v->cap <= PK_KEEP) {
            v->items[0] = (struct pk_val *)(void *)p->free_items[v->cap];
            p->free_items[v->cap] = v->items;
        }
        v->items = NULL;
        v->args = p->free_vals;
        p->free_vals = v;
        if (p->nwork == 0) {
            break;
        }
        v = p->work[--p->nwork];
    }
}

static void
pk_push(struct pk *p, struct pk_val *v)
{
    if (p->sp == p->scap) {
        size_t ncap = p->scap == 0 ? 64 : p->scap * 2;
        struct pk_val **ns;

        if (ncap > PK_MAX_STACK) {
            pk_fail(p, true, "stack deeper than %zu", PK_MAX_STACK);
            pk_unref(p, v);
            return;
        }
        ns = pcl_realloc(p->stack, ncap * sizeof(*ns));
        if (ns == NULL) {
            p->rc = PCL_ENOMEM;
            p->stop = true;
            pk_unref(p, v);
            return;
        }
        p->stack = ns;
        p->scap = ncap;
    }
    p->stack[p->sp++] = v;
}

static struct pk_val *
pk_pop(struct pk *p)
{
    if (p->sp <= p->fence) {
        pk_fail(p, false, "stack underflow");
        return &unknown_val;
    }
    return p->stack[--p->sp];
}

/* The stack entries from index `start` up (NULL when there are none: the stack may still be
 * unallocated, and NULL + 0 is undefined). */
static struct pk_val **
pk_stack_from(struct pk *p, size_t start)
{
    return start < p->sp ? p->stack + start : NULL;
}

static struct pk_val *
pk_top(struct pk *p)
{
    if (p->sp <= p->fence) {
        pk_fail(p, false, "stack underflow");
        return &unknown_val;
    }
    return p->stack[p->sp - 1];
}

static void
pk_mark(struct pk *p)
{
    if (p->nmarks == p->mcap) {
        size_t ncap = p->mcap == 0 ? 16 : p->mcap * 2;
        size_t *nm;

        if (ncap > PK_MAX_MARKS) {
            pk_fail(p, true, "more than %zu nested marks", PK_MAX_MARKS);
            return;
        }
        nm = pcl_realloc(p->marks, ncap * sizeof(*nm));
        if (nm == NULL) {
            p->rc = PCL_ENOMEM;
            p->stop = true;
            return;
        }
        p->marks = nm;
        p->mcap = ncap;
    }
    p->marks[p->nmarks++] = p->fence;
    p->fence = p->sp;
}

/* Items since the last MARK are stack[*start .. sp); the caller drops them with sp = *start. */
static void
pk_pop_mark(struct pk *p, size_t *start)
{
    *start = p->fence;
    if (p->nmarks == 0) {
        pk_fail(p, false, "no MARK on the stack");
        return;
    }
    p->fence = p->marks[--p->nmarks];
}

/* Store v (the caller's reference moves in) as a child of c, or drop it past the keep limit. */
static void
pk_child_add(struct pk *p, struct pk_val *c, struct pk_val *v)
{
    if (c->items == NULL && c->kind != PK_TUPLE && (c->flags & PKF_STATIC) == 0) {
        c->items = pk_items_new(p, PK_KEEP);
        c->cap = c->items != NULL ? PK_KEEP : 0;
    }
    if (c->n < c->cap) {
        c->items[c->n++] = v;
    } else {
        pk_unref(p, v);
    }
}

/* A container taking over the references of items[0..n). */
static struct pk_val *
pk_container(struct pk *p, enum pk_kind kind, struct pk_val **items, size_t n)
{
    struct pk_val *v = pk_new(p, kind);

    if (v == &unknown_val) {
        for (size_t i = 0; i < n; i++) {
            pk_unref(p, items[i]);
        }
        return v;
    }
    v->count = kind == PK_DICT ? n / 2 : n;
    if (kind == PK_TUPLE && n > 0) {
        v->items = pk_items_new(p, (uint32_t)PCL_MIN(n, (size_t)PK_KEEP));
        v->cap = v->items != NULL ? (uint32_t)PCL_MIN(n, (size_t)PK_KEEP) : 0;
    }
    for (size_t i = 0; i < n; i++) {
        pk_child_add(p, v, items[i]);
    }
    return v;
}

static bool
pk_is_str(const struct pk_val *v, const char *s)
{
    size_t l = strlen(s);

    return v->kind == PK_STR && v->len == l && memcmp(v->p, s, l) == 0;
}

/* Value of key `k` in a dict value, or NULL. */
static struct pk_val *
pk_dict_get(const struct pk_val *d, const char *k)
{
    if (d == NULL || d->kind != PK_DICT) {
        return NULL;
    }
    for (uint32_t i = 0; i + 1 < d->n; i += 2) {
        if (pk_is_str(d->items[i], k)) {
            return d->items[i + 1];
        }
    }
    return NULL;
}

/* ---- memo ----------------------------------------------------------------------------- */

static struct pk_memo *
pk_memo_slot(struct pk *p, uint64_t key)
{
    size_t mask = p->memocap - 1;
    size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & mask;

    while (p->memo[h].v != NULL && p->memo[h].key != key) {
        h = (h + 1) & mask;
    }
    return &p->memo[h];
}

static void
pk_memo_put(struct pk *p, uint64_t key, struct pk_val *v)
{
    struct pk_memo *slot;

    if (p->memocap == 0 || (p->nmemo + 1) * 2 > p->memocap) {
        size_t ncap = p->memocap == 0 ? 64 : p->memocap * 2;
        struct pk_memo *old = p->memo;
        size_t oldcap = p->memocap;

        if (p->nmemo + 1 > PK_MAX_MEMO) {
            pk_fail(p, true, "more than %zu memo entries", PK_MAX_MEMO);
            return;
        }
        p->memo = pcl_calloc(ncap, sizeof(*p->memo));
        if (p->memo == NULL) {
            p->memo = old;
            p->rc = PCL_ENOMEM;
            p->stop = true;
            return;
        }
        p->memocap = ncap;
        for (size_t i = 0; i < oldcap; i++) {
            if (old[i].v != NULL) {
                *pk_memo_slot(p, old[i].key) = old[i];
            }
        }
        pcl_free(old);
    }
    slot = pk_memo_slot(p, key);
    pk_ref(v);
    if (slot->v == NULL) {
        p->nmemo++;
    } else {
        pk_unref(p, slot->v);
    }
    slot->key = key;
    slot->v = v;
}

static struct pk_val *
pk_memo_get(struct pk *p, uint64_t key)
{
    struct pk_memo *slot;

    if (p->memocap == 0) {
        slot = NULL;
    } else {
        slot = pk_memo_slot(p, key);
    }
    if (slot == NULL || slot->v == NULL) {
        pk_fail(p, false, "memo key %llu was never stored", (unsigned long long)key);
        return &unknown_val;
    }
    return slot->v;
}

/* ---- operand readers ---------------------------------------------------------------------- */

static bool
pk_need(struct pk *p, size_t k)
{
    if (k > p->n - p->pos) {
        pk_fail(p, true, "operand of %zu bytes runs past the end of the data", k);
        return false;
    }
    return true;
}

static uint64_t
pk_uint(struct pk *p, size_t k)
{
    uint64_t v = 0;

    for (size_t i = 0; i < k; i++) {
        v |= (uint64_t)p->d[p->pos + i] << (8 * i);
    }
    p->pos += k;
    return v;
}

/* A newline-terminated operand (protocol 0); *len excludes the newline. */
static bool
pk_line(struct pk *p, const uint8_t **s, size_t *len)
{
    const uint8_t *nl = memchr(p->d + p->pos, '\n', p->n - p->pos);

    if (nl == NULL) {
        pk_fail(p, true, "line operand without a newline");
        return false;
    }
    *s = p->d + p->pos;
    *len = (size_t)(nl - *s);
    p->pos += *len + 1;
    return true;
}

static struct pk_val *
pk_str(struct pk *p, enum pk_kind kind, const uint8_t *s, size_t len)
{
    struct pk_val *v = pk_new(p, kind);

    v->p = s;
    v->len = len;
    return v;
}

static int
hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* UNICODE operand: raw-unicode-escape (\uXXXX, \UXXXXXXXX; other bytes are Latin-1). */
static struct pk_val *
pk_raw_unicode(struct pk *p, const uint8_t *s, size_t len)
{
    uint8_t *o = pk_alloc(p, len * 4 + 1);
    size_t k = 0;

    if (o == NULL) {
        return &unknown_val;
    }
    for (size_t i = 0; i < len; i++) {
        uint32_t cp = s[i];

        if (s[i] == '\\' && i + 1 < len && (s[i + 1] == 'u' || s[i + 1] == 'U')) {
            size_t digits = s[i + 1] == 'u' ? 4 : 8;
            uint32_t v = 0;
            bool ok = i + 2 + digits <= len;

            for (size_t j = 0; ok && j < digits; j++) {
                int h = hexval(s[i + 2 + j]);

                ok = h >= 0;
                v = (v << 4) | (uint32_t)(h < 0 ? 0 : h);
            }
            if (!ok || v > 0x10FFFF) {
                pk_fail(p, false, "bad \\u escape in UNICODE operand");
            } else {
                cp = v;
                i += 1 + digits;
            }
        }
        k += pcl_utf8_encode((char *)o + k, cp);
    }
    return pk_str(p, PK_STR, o, k);
}

/* STRING operand: a quoted Python 2 repr with backslash escapes. */
static struct pk_val *
pk_quoted(struct pk *p, const uint8_t *s, size_t len)
{
    uint8_t *o;
    size_t k = 0;

    if (len < 2 || s[0] != s[len - 1] || (s[0] != '\'' && s[0] != '"')) {
        pk_fail(p, false, "STRING operand is not quoted");
        return &unknown_val;
    }
    s++;
    len -= 2;
    o = pk_alloc(p, len + 1);
    if (o == NULL) {
        return &unknown_val;
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];

        if (c == '\\' && i + 1 < len) {
            uint8_t e = s[++i];
            static const char from[] = "\\'\"abfnrtv";
            static const char to[] = "\\'\"\a\b\f\n\r\t\v";
            const char *f = e != 0 ? strchr(from, e) : NULL;

            if (f != NULL) {
                c = (uint8_t)to[f - from];
            } else if (e == 'x' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
                c = (uint8_t)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
                i += 2;
            } else if (e >= '0' && e <= '7') {
                unsigned v = (unsigned)(e - '0');

                for (int j = 0; j < 2 && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '7'; j++) {
                    v = v * 8 + (unsigned)(s[++i] - '0');
                }
                c = (uint8_t)v;
            } else if (e == '\n') {
                continue;
            } else {
                o[k++] = '\\';
                c = e;
            }
        }
        o[k++] = c;
    }
    return pk_str(p, PK_STR, o, k);
}

static struct pk_val *
pk_int_text(struct pk *p, const uint8_t *s, size_t len)
{
    char buf[32];
    char *end = NULL;
    long long v;
    struct pk_val *r;

    if (len > 0 && s[len - 1] == 'L') {
        len--;
    }
    if (len == 2 && s[0] == '0' && (s[1] == '0' || s[1] == '1')) {
        r = pk_new(p, PK_BOOL);
        r->i = s[1] == '1';
        return r;
    }
    r = pk_new(p, PK_INT);
    if (len == 0 || len >= sizeof(buf)) {
        for (size_t i = 0; i < len; i++) {
            if (!pcl_is_digit((char)s[i]) && !(i == 0 && (s[i] == '-' || s[i] == '+'))) {
                pk_fail(p, false, "bad integer operand");
                break;
            }
        }
        r->flags |= PKF_BIGINT;
        return r;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    v = strtoll(buf, &end, 10);
    if (end == buf || *end != '\0') {
        pk_fail(p, false, "bad integer operand");
    }
    if (errno == ERANGE) {
        r->flags |= PKF_BIGINT;
    }
    r->i = v;
    return r;
}

static struct pk_val *
pk_long_bytes(struct pk *p, const uint8_t *s, size_t len)
{
    struct pk_val *r = pk_new(p, PK_INT);

    r->p = s; /* raw little-endian two's complement, kept for the legacy torch magic */
    r->len = len;
    if (len > 8) {
        r->flags |= PKF_BIGINT;
    } else if (len > 0) {
        uint64_t u = 0;

        for (size_t i = 0; i < len; i++) {
            u |= (uint64_t)s[i] << (8 * i);
        }
        if (len < 8 && (s[len - 1] & 0x80) != 0) {
            u |= ~(uint64_t)0 << (8 * len);
        }
        r->i = (int64_t)u;
    }
    return r;
}

/* ---- globals and calls -------------------------------------------------------------------- */

static bool
pk_valid_utf8(const uint8_t *s, size_t len)
{
    return pcl_utf8_is_valid((const char *)s, len, NULL);
}

static struct pk_val *
pk_global(struct pk *p, const uint8_t *mod, size_t mlen, const uint8_t *name, size_t nlen,
          const char *how)
{
    struct pk_val *g = pk_new(p, PK_GLOBAL);
    const char *ref = NULL;
    enum pcl_model_sev sev;
    uint8_t *full;

    if (g == &unknown_val) {
        return g;
    }
    sev = pcl_model_global_judge((const char *)mod, mlen, (const char *)name, nlen, &ref);
    full = pk_alloc(p, mlen + nlen + 2);
    if (full == NULL) {
        return &unknown_val;
    }
    memcpy(full, mod, mlen);
    full[mlen] = '.';
    memcpy(full + mlen + 1, name, nlen);
    full[mlen + nlen + 1] = '\0';
    g->p = full;
    g->len = mlen + nlen + 1;
    g->sev = (uint8_t)sev;
    p->imported = true;
    p->critical = p->critical || sev == PCL_MODEL_SEV_CRITICAL;
    if (sev == PCL_MODEL_SEV_CRITICAL) {
        pk_report(p, sev, "pickle.dangerous-global", ref, (const char *)full,
                  "%s imports %s, a known-dangerous callable", how, (const char *)full);
    } else if (sev == PCL_MODEL_SEV_SUSPICIOUS) {
        pk_report(p, sev, "pickle.unknown-global", NULL, (const char *)full,
                  "%s imports %s, which is not on the allowlist", how, (const char *)full);
    }
    return g;
}

static bool
pk_name_ends(const struct pk_val *g, const char *suffix)
{
    size_t l = strlen(suffix);

    return g->len >= l && memcmp(g->p + g->len - l, suffix, l) == 0 &&
           (g->len == l || g->p[g->len - l - 1] == '.');
}

/* Callables that unpickle their argument: the argument is scanned as a nested model. */
static bool
pk_is_loader(const struct pk_val *g)
{
    return g->sev != PCL_MODEL_SEV_INFO &&
           (pk_name_ends(g, "loads") || pk_name_ends(g, "load") ||
            pk_name_ends(g, "_load_from_bytes") || pk_name_ends(g, "read_pickle"));
}

/* _codecs.encode(str, "latin1") is how protocol 0-2 pickles spell bytes. */
static struct pk_val *
pk_codecs_encode(struct pk *p, const struct pk_val *s)
{
    uint8_t *o = pk_alloc(p, s->len + 1);
    size_t k = 0, i = 0;

    if (o == NULL) {
        return &unknown_val;
    }
    while (i < s->len) {
        uint32_t cp = 0;
        size_t l = pcl_utf8_decode((const char *)s->p + i, s->len - i, &cp);

        if (l == 0) {
            l = 1;
            cp = s->p[i];
        }
        o[k++] = (uint8_t)cp;
        i += l;
    }
    return pk_str(p, PK_BYTES, o, k);
}

static void
pk_nested(struct pk *p, const struct pk_val *g, const struct pk_val *payload)
{
    char label[96];
    size_t old;
    int n;

    if (p->s == NULL || p->rc != PCL_OK) {
        return;
    }
    n = snprintf(label, sizeof(label), "<argument of %.*s at offset %llu>",
                 (int)PCL_MIN(g->len, (size_t)48), (const char *)g->p,
                 (unsigned long long)(p->base + p->op));
    old = mscan_member_push(p->s, label, n > 0 ? PCL_MIN((size_t)n, sizeof(label) - 1) : 0);
    p->rc = mscan_blob(p->s, payload->p, payload->len, label);
    mscan_member_pop(p->s, old);
}

static struct pk_val *
pk_call(struct pk *p, struct pk_val *callable, struct pk_val *args, const char *op)
{
    struct pk_val *r;

    p->called = true;
    if (callable->kind != PK_GLOBAL) {
        pk_report(p, PCL_MODEL_SEV_HIGH, "pickle.computed-call", NULL,
                  callable->kind == PK_OBJ ? (const char *)callable->p : NULL,
                  "%s calls an object the pickle built itself (%s), not an imported class", op,
                  callable->kind == PK_OBJ ? "the result of a call" : "not an importable name");
        r = pk_new(p, PK_OBJ);
        if (r != &unknown_val) {
            r->args = args;
        } else {
            pk_unref(p, args);
        }
        pk_unref(p, callable);
        return r;
    }
    if ((callable->flags & PKF_MODIFIED) != 0) {
        pk_report(p, PCL_MODEL_SEV_HIGH, "pickle.call-modified", NULL, (const char *)callable->p,
                  "%s calls %s after the pickle changed its attributes", op,
                  (const char *)callable->p);
    }
    if (args != NULL && args->kind == PK_TUPLE && args->n > 0) {
        struct pk_val *a0 = args->items[0];

        if (pk_is_loader(callable) && (a0->kind == PK_BYTES || a0->kind == PK_STR)) {
            pk_nested(p, callable, a0);
        }
        if (a0->kind == PK_STR && (strcmp((const char *)callable->p, "_codecs.encode") == 0 ||
                                   strcmp((const char *)callable->p, "codecs.encode") == 0)) {
            r = pk_codecs_encode(p, a0);
            pk_unref(p, args);
            pk_unref(p, callable);
            return r;
        }
    }
    r = pk_new(p, PK_OBJ);
    if (r != &unknown_val) {
        r->p = callable->p; /* names live in the arena until the end of the pickle */
        r->len = callable->len;
        r->args = args;
    } else {
        pk_unref(p, args);
    }
    pk_unref(p, callable);
    return r;
}

/* ---- joblib inline arrays ------------------------------------------------------------------ */

/* Item size of a NumPy dtype string ('<f8', 'int32', 'U10'); 0 = object dtype, -1 = unknown. */
static long
pk_dtype_size(const struct pk_val *v)
{
    static const struct {
        const char *name;
        long size;
    } names[] = {
        {"bool", 1},    {"int8", 1},    {"uint8", 1},     {"int16", 2},       {"uint16", 2},
        {"float16", 2}, {"int32", 4},   {"uint32", 4},    {"float32", 4},     {"int64", 8},
        {"uint64", 8},  {"float64", 8}, {"complex64", 8}, {"complex128", 16}, {"object", 0},
    };
    char s[32];
    size_t l;
    long mult = 1, digits = 0;
    char *end = NULL;

    if (v == NULL || v->kind != PK_STR || v->len == 0 || v->len >= sizeof(s)) {
        return -1;
    }
    memcpy(s, v->p, v->len);
    s[v->len] = '\0';
    l = strspn(s, "<>|=");
    for (size_t i = 0; i < PCL_ARRAY_LEN(names); i++) {
        if (strcmp(s + l, names[i].name) == 0) {
            return names[i].size;
        }
    }
    switch (s[l]) {
    case 'O':
        return s[l + 1] == '\0' || s[l + 1] == '8' ? 0 : -1;
    case '?':
        return s[l + 1] == '\0' ? 1 : -1;
    case 'U':
        mult = 4;
        break;
    case 'b':
    case 'i':
    case 'u':
    case 'f':
    case 'c':
    case 'S':
    case 'V':
    case 'M':
    case 'm':
        break;
    default:
        return -1;
    }
    errno = 0;
    digits = strtol(s + l + 1, &end, 10);
    if (end == s + l + 1 || (*end != '\0' && *end != '[') || errno != 0 || digits <= 0 ||
        digits > (1L << 20)) {
        return -1;
    }
    return digits * mult;
}

/* joblib's unpickler reads an array's bytes from the stream right after the BUILD of its
 * NumpyArrayWrapper: an alignment padding (one length byte, then that many bytes) and
 * count * itemsize bytes, or a whole nested pickle for object arrays. */
static void
pk_joblib_array(struct pk *p, struct pk_val *w)
{
    struct pk_val *shape = pk_dict_get(w->state, "shape");
    struct pk_val *dtype = pk_dict_get(w->state, "dtype");
    struct pk_val *align = pk_dict_get(w->state, "numpy_array_alignment_bytes");
    uint64_t count = 1, bytes;
    long size;

    if (dtype != NULL && dtype->kind == PK_OBJ && dtype->args != NULL &&
        dtype->args->kind == PK_TUPLE && dtype->args->n > 0) {
        size = pk_dtype_size(dtype->args->items[0]);
    } else {
        size = -1;
    }
    if (shape == NULL || shape->kind != PK_TUPLE || shape->n != shape->count || size < 0) {
        pk_fail(p, true, "joblib array wrapper without a readable shape and dtype");
        return;
    }
    if (size == 0) {
        size_t used = 0;

        if (p->s != NULL) {
            p->rc = mscan_pickle_one(p->s, p->d + p->pos, p->n - p->pos, p->base + p->pos, &used);
        }
        p->pos += used;
        return;
    }
    for (uint32_t i = 0; i < shape->n; i++) {
        struct pk_val *d = shape->items[i];

        if (d->kind != PK_INT || d->i < 0 || (d->flags & PKF_BIGINT) != 0 ||
            __builtin_mul_overflow(count, (uint64_t)d->i, &count)) {
            pk_fail(p, true, "joblib array shape is not a tuple of small non-negative integers");
            return;
        }
    }
    if (align != NULL && align->kind == PK_INT) {
        size_t pad;

        if (!pk_need(p, 1)) {
            return;
        }
        pad = p->d[p->pos++];
        if (!pk_need(p, pad)) {
            return;
        }
        p->pos += pad;
    }
    if (__builtin_mul_overflow(count, (uint64_t)size, &bytes) || bytes > p->n - p->pos) {
        pk_fail(p, true, "joblib array data (%llu elements of %ld bytes) runs past the end",
                (unsigned long long)count, size);
        return;
    }
    p->pos += (size_t)bytes;
}

/* ---- the opcode loop ---------------------------------------------------------------------- */

static void
pk_tuple_from(struct pk *p, size_t k)
{
    struct pk_val *items[3];
    size_t avail = p->sp - p->fence;

    if (avail < k) {
        pk_fail(p, false, "stack underflow");
        k = avail;
    }
    for (size_t i = 0; i < k; i++) {
        items[i] = p->stack[p->sp - k + i];
    }
    p->sp -= k;
    pk_push(p, pk_container(p, PK_TUPLE, items, k));
}

static void
pk_add_items(struct pk *p, struct pk_val *target, struct pk_val **items, size_t k, bool pairs,
             const char *op)
{
    if (target->kind == PK_GLOBAL || target->kind == PK_OBJ || target->kind == PK_UNKNOWN ||
        target->kind == PK_PERSID || (pairs && target->kind != PK_DICT) ||
        (!pairs && target->kind != PK_LIST && target->kind != PK_SET)) {
        for (size_t i = 0; i < k; i++) {
            pk_unref(p, items[i]);
        }
    }
    if (target->kind == PK_GLOBAL) {
        pk_report(p, PCL_MODEL_SEV_HIGH, "pickle.mutate-global", NULL, (const char *)target->p,
                  "%s changes %s (a module, class or function) through its item or append "
                  "methods",
                  op, (const char *)target->p);
        target->flags |= PKF_MODIFIED;
        return;
    }
    if (target->kind == PK_OBJ || target->kind == PK_UNKNOWN || target->kind == PK_PERSID) {
        return; /* the object's own append/__setitem__; its class was judged at import */
    }
    if ((pairs && target->kind != PK_DICT) ||
        (!pairs && target->kind != PK_LIST && target->kind != PK_SET)) {
        pk_fail(p, false, "%s on a value that has no such method", op);
        return;
    }
    target->count += pairs ? k / 2 : k;
    for (size_t i = 0; i < k; i++) {
        pk_child_add(p, target, items[i]);
    }
}

static void
pk_build(struct pk *p)
{
    struct pk_val *state = pk_pop(p);
    struct pk_val *target = pk_top(p);

    if (target->kind != PK_OBJ) {
        pk_unref(p, state);
    }
    if (target->kind == PK_GLOBAL) {
        pk_report(p, PCL_MODEL_SEV_HIGH, "pickle.build-on-global", NULL, (const char *)target->p,
                  "BUILD sets attributes of %s (a module, class or function), changing what "
                  "later imports and calls do",
                  (const char *)target->p);
        target->flags |= PKF_MODIFIED;
        return;
    }
    if (target->kind != PK_OBJ) {
        return;
    }
    if (target->state != NULL) {
        pk_unref(p, target->state);
    }
    target->state = state;
    if (target->p != NULL &&
        (strcmp((const char *)target->p, "joblib.numpy_pickle.NumpyArrayWrapper") == 0 ||
         strcmp((const char *)target->p,
                "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper") == 0)) {
        pk_joblib_array(p, target);
    }
}

static void
pk_stack_global(struct pk *p)
{
    struct pk_val *name = pk_pop(p);
    struct pk_val *mod = pk_pop(p);

    if (mod->kind != PK_STR || name->kind != PK_STR) {
        struct pk_val *g = pk_new(p, PK_GLOBAL);

        pk_report(p, PCL_MODEL_SEV_HIGH, "pickle.stack-global-operand", NULL, NULL,
                  "STACK_GLOBAL takes its %s from a value that is not a string literal (%s); "
                  "what it imports is decided at load time",
                  mod->kind != PK_STR ? "module" : "name",
                  (mod->kind != PK_STR ? mod : name)->kind == PK_GLOBAL ? "an imported object"
                  : (mod->kind != PK_STR ? mod : name)->kind == PK_OBJ  ? "the result of a call"
                                                                        : "a non-string value");
        if (g != &unknown_val) {
            g->p = (const uint8_t *)"<computed>";
            g->len = 10;
            g->sev = PCL_MODEL_SEV_HIGH;
        }
        p->imported = true;
        pk_push(p, g);
    } else {
        pk_push(p, pk_global(p, mod->p, mod->len, name->p, name->len, "STACK_GLOBAL"));
    }
    pk_unref(p, mod); /* strings point into the input or the arena: still valid */
    pk_unref(p, name);
}

/* GLOBAL and INST operands: "module\nname\n", UTF-8. */
static struct pk_val *
pk_global_lines(struct pk *p, const char *how)
{
    const uint8_t *m, *nm;
    size_t ml, nl;

    if (!pk_line(p, &m, &ml) || !pk_line(p, &nm, &nl)) {
        return &unknown_val;
    }
    if (!pk_valid_utf8(m, ml) || !pk_valid_utf8(nm, nl) || ml == 0 || nl == 0) {
        pk_fail(p, true, "%s operand is not a module and a name in UTF-8", how);
        return &unknown_val;
    }
    return pk_global(p, m, ml, nm, nl, how);
}

static void
pk_step_strings(struct pk *p, uint8_t opc)
{
    const uint8_t *s;
    size_t len = 0;
    enum pk_kind kind = PK_BYTES;

    switch (opc) {
    case 'S': /* STRING */
        if (pk_line(p, &s, &len)) {
            pk_push(p, pk_quoted(p, s, len));
        }
        return;
    case 'V': /* UNICODE */
        if (pk_line(p, &s, &len)) {
            pk_push(p, pk_raw_unicode(p, s, len));
        }
        return;
    case 'T': /* BINSTRING, signed 4-byte length */
        if (!pk_need(p, 4)) {
            return;
        }
        len = (size_t)pk_uint(p, 4);
        if (len > INT32_MAX) {
            pk_fail(p, true, "negative BINSTRING length");
            return;
        }
        kind = PK_STR;
        break;
    case 'U':  /* SHORT_BINSTRING */
    case 'C':  /* SHORT_BINBYTES */
    case 0x8c: /* SHORT_BINUNICODE */
        if (!pk_need(p, 1)) {
            return;
        }
        len = (size_t)pk_uint(p, 1);
        kind = opc == 'C' ? PK_BYTES : PK_STR;
        break;
    case 'X': /* BINUNICODE */
    case 'B': /* BINBYTES */
        if (!pk_need(p, 4)) {
            return;
        }
        len = (size_t)pk_uint(p, 4);
        kind = opc == 'B' ? PK_BYTES : PK_STR;
        break;
    default: /* 0x8d BINUNICODE8, 0x8e BINBYTES8, 0x96 BYTEARRAY8 */
        if (!pk_need(p, 8)) {
            return;
        }
        {
            uint64_t l8 = pk_uint(p, 8);

            if (l8 > p->n - p->pos) {
                pk_fail(p, true, "string of %llu bytes runs past the end of the data",
                        (unsigned long long)l8);
                return;
            }
            len = (size_t)l8;
        }
        kind = opc == 0x8d ? PK_STR : PK_BYTES;
        break;
    }
    if (!pk_need(p, len)) {
        return;
    }
    s = p->d + p->pos;
    p->pos += len;
    pk_push(p, pk_str(p, kind, s, len));
}

static void
pk_step_memo(struct pk *p, uint8_t opc)
{
    const uint8_t *s;
    size_t len;
    uint64_t key;
    bool get = opc == 'g' || opc == 'h' || opc == 'j';

    switch (opc) {
    case 'g':
    case 'p': {
        char buf[24];
        char *end = NULL;

        if (!pk_line(p, &s, &len)) {
            return;
        }
        if (len == 0 || len >= sizeof(buf)) {
            pk_fail(p, false, "bad memo key");
            key = UINT64_MAX;
            break;
        }
        memcpy(buf, s, len);
        buf[len] = '\0';
        key = strtoull(buf, &end, 10);
        if (*end != '\0') {
            pk_fail(p, false, "bad memo key");
        }
        break;
    }
    case 'h':
    case 'q':
        if (!pk_need(p, 1)) {
            return;
        }
        key = pk_uint(p, 1);
        break;
    case 'j':
    case 'r':
        if (!pk_need(p, 4)) {
            return;
        }
        key = pk_uint(p, 4);
        break;
    default: /* MEMOIZE */
        key = p->nmemo;
        break;
    }
    if (get) {
        struct pk_val *v = pk_memo_get(p, key);

        pk_ref(v);
        pk_push(p, v);
    } else {
        pk_memo_put(p, key, pk_top(p));
    }
}

static void
pk_step_numbers(struct pk *p, uint8_t opc)
{
    const uint8_t *s;
    size_t len;
    struct pk_val *v;

    switch (opc) {
    case 'I': /* INT */
    case 'L': /* LONG */
        if (pk_line(p, &s, &len)) {
            pk_push(p, pk_int_text(p, s, len));
        }
        return;
    case 'F': /* FLOAT */
        if (pk_line(p, &s, &len)) {
            pk_push(p, &float_val);
        }
        return;
    case 'G': /* BINFLOAT */
        if (pk_need(p, 8)) {
            p->pos += 8;
            pk_push(p, &float_val);
        }
        return;
    case 'J': /* BININT */
        if (pk_need(p, 4)) {
            v = pk_new(p, PK_INT);
            v->i = (int32_t)(uint32_t)pk_uint(p, 4);
            pk_push(p, v);
        }
        return;
    case 'K': /* BININT1 */
    case 'M': /* BININT2 */
        len = opc == 'K' ? 1 : 2;
        if (pk_need(p, len)) {
            v = pk_new(p, PK_INT);
            v->i = (int64_t)pk_uint(p, len);
            pk_push(p, v);
        }
        return;
    case 0x8a: /* LONG1 */
    case 0x8b: /* LONG4 */
        len = opc == 0x8a ? 1 : 4;
        if (!pk_need(p, len)) {
            return;
        }
        len = (size_t)pk_uint(p, len);
        if (len > INT32_MAX) {
            pk_fail(p, true, "negative LONG4 length");
            return;
        }
        if (pk_need(p, len)) {
            s = p->d + p->pos;
            p->pos += len;
            pk_push(p, pk_long_bytes(p, s, len));
        }
        return;
    default:
        return;
    }
}

static void
pk_step_containers(struct pk *p, uint8_t opc)
{
    size_t start;
    struct pk_val *v, *target;

    switch (opc) {
    case ')': /* EMPTY_TUPLE */
        pk_push(p, pk_container(p, PK_TUPLE, NULL, 0));
        return;
    case ']': /* EMPTY_LIST */
        pk_push(p, pk_container(p, PK_LIST, NULL, 0));
        return;
    case '}': /* EMPTY_DICT */
        pk_push(p, pk_container(p, PK_DICT, NULL, 0));
        return;
    case 0x8f: /* EMPTY_SET */
        pk_push(p, pk_container(p, PK_SET, NULL, 0));
        return;
    case 0x85: /* TUPLE1 */
    case 0x86: /* TUPLE2 */
    case 0x87: /* TUPLE3 */
        pk_tuple_from(p, (size_t)(opc - 0x84));
        return;
    case 't':  /* TUPLE */
    case 'l':  /* LIST */
    case 'd':  /* DICT */
    case 0x91: /* FROZENSET */
        pk_pop_mark(p, &start);
        if (opc == 'd' && (p->sp - start) % 2 != 0) {
            pk_fail(p, false, "DICT with an odd number of items");
        }
        v = pk_container(p,
                         opc == 't'   ? PK_TUPLE
                         : opc == 'l' ? PK_LIST
                         : opc == 'd' ? PK_DICT
                                      : PK_SET,
                         pk_stack_from(p, start), p->sp - start);
        p->sp = start;
        pk_push(p, v);
        return;
    case 'a': /* APPEND */
        v = pk_pop(p);
        target = pk_top(p);
        pk_add_items(p, target, &v, 1, false, "APPEND");
        return;
    case 's': { /* SETITEM */
        struct pk_val *kv[2];

        kv[1] = pk_pop(p);
        kv[0] = pk_pop(p);
        target = pk_top(p);
        pk_add_items(p, target, kv, 2, true, "SETITEM");
        return;
    }
    case 'e':  /* APPENDS */
    case 'u':  /* SETITEMS */
    case 0x90: /* ADDITEMS */
        pk_pop_mark(p, &start);
        /* the target sits just below the mark, in the enclosing frame */
        if (start > p->fence) {
            target = p->stack[start - 1];
        } else {
            pk_fail(p, false, "stack underflow");
            target = &unknown_val;
        }
        if (opc == 'u' && (p->sp - start) % 2 != 0) {
            pk_fail(p, false, "SETITEMS with an odd number of items");
        }
        pk_add_items(p, target, pk_stack_from(p, start), p->sp - start, opc == 'u',
                     opc == 'e'   ? "APPENDS"
                     : opc == 'u' ? "SETITEMS"
                                  : "ADDITEMS");
        p->sp = start;
        return;
    default:
        return;
    }
}

static void
pk_step_calls(struct pk *p, uint8_t opc)
{
    size_t start;
    struct pk_val *callable, *args, *v;

    switch (opc) {
    case 'c': /* GLOBAL */
        pk_push(p, pk_global_lines(p, "GLOBAL"));
        return;
    case 0x93: /* STACK_GLOBAL */
        pk_stack_global(p);
        return;
    case 'R': /* REDUCE */
        args = pk_pop(p);
        callable = pk_pop(p);
        pk_push(p, pk_call(p, callable, args, "REDUCE"));
        return;
    case 0x81: /* NEWOBJ */
        args = pk_pop(p);
        callable = pk_pop(p);
        pk_push(p, pk_call(p, callable, args, "NEWOBJ"));
        return;
    case 0x92: /* NEWOBJ_EX */
        pk_unref(p, pk_pop(p));
        args = pk_pop(p);
        callable = pk_pop(p);
        pk_push(p, pk_call(p, callable, args, "NEWOBJ_EX"));
        return;
    case 'i': /* INST */
        callable = pk_global_lines(p, "INST");
        if (p->stop) {
            return;
        }
        pk_pop_mark(p, &start);
        args = pk_container(p, PK_TUPLE, pk_stack_from(p, start), p->sp - start);
        p->sp = start;
        pk_push(p, pk_call(p, callable, args, "INST"));
        return;
    case 'o': /* OBJ */
        pk_pop_mark(p, &start);
        if (p->sp == start) {
            pk_fail(p, false, "OBJ without a class");
            pk_push(p, &unknown_val);
            return;
        }
        callable = p->stack[start];
        args = pk_container(p, PK_TUPLE, pk_stack_from(p, start + 1), p->sp - start - 1);
        p->sp = start;
        pk_push(p, pk_call(p, callable, args, "OBJ"));
        return;
    case 'b': /* BUILD */
        pk_build(p);
        return;
    case 0x82:   /* EXT1 */
    case 0x83:   /* EXT2 */
    case 0x84: { /* EXT4 */
        size_t k = opc == 0x82 ? 1 : opc == 0x83 ? 2 : 4;

        if (!pk_need(p, k)) {
            return;
        }
        (void)pk_uint(p, k);
        pk_report(p, PCL_MODEL_SEV_HIGH, "pickle.ext-opcode", NULL, NULL,
                  "EXT%zu imports whatever the copyreg extension registry holds at load time",
                  k == 4 ? (size_t)4 : k);
        v = pk_new(p, PK_GLOBAL);
        v->p = (const uint8_t *)"<extension>";
        v->len = 11;
        v->sev = PCL_MODEL_SEV_HIGH;
        p->imported = true;
        pk_push(p, v);
        return;
    }
    case 'P': { /* PERSID */
        const uint8_t *s;
        size_t len;

        if (pk_line(p, &s, &len)) {
            pk_push(p, pk_new(p, PK_PERSID));
        }
        return;
    }
    case 'Q': /* BINPERSID */
        pk_unref(p, pk_pop(p));
        pk_push(p, pk_new(p, PK_PERSID));
        return;
    default:
        return;
    }
}

static void
pk_step(struct pk *p)
{
    uint8_t opc;

    p->op = p->pos;
    if (p->pos >= p->n) {
        pk_fail(p, true, "data ends without STOP");
        return;
    }
    opc = p->d[p->pos++];
    switch (opc) {
    case 0x80: /* PROTO */
        if (!pk_need(p, 1)) {
            return;
        }
        if (p->d[p->pos++] > 5) {
            pk_fail(p, true, "unsupported protocol %u", p->d[p->pos - 1]);
        }
        return;
    case 0x95: { /* FRAME */
        uint64_t flen;

        if (!pk_need(p, 8)) {
            return;
        }
        flen = pk_uint(p, 8);
        if (flen > p->n - p->pos) {
            pk_fail(p, true, "FRAME of %llu bytes runs past the end of the data",
                    (unsigned long long)flen);
        }
        return;
    }
    case '.': /* STOP */
        p->result = pk_pop(p);
        p->stopped = true;
        p->stop = true;
        return;
    case '(': /* MARK */
        pk_mark(p);
        return;
    case '0': /* POP */
        if (p->sp > p->fence) {
            pk_unref(p, p->stack[--p->sp]);
        } else {
            size_t start;

            pk_pop_mark(p, &start);
        }
        return;
    case '1': { /* POP_MARK */
        size_t start;

        pk_pop_mark(p, &start);
        while (p->sp > start) {
            pk_unref(p, p->stack[--p->sp]);
        }
        return;
    }
    case '2': { /* DUP */
        struct pk_val *v = pk_top(p);

        pk_ref(v);
        pk_push(p, v);
        return;
    }
    case 'N': /* NONE */
        pk_push(p, &none_val);
        return;
    case 0x88:   /* NEWTRUE */
    case 0x89: { /* NEWFALSE */
        struct pk_val *v = pk_new(p, PK_BOOL);

        v->i = opc == 0x88;
        pk_push(p, v);
        return;
    }
    case 0x97: /* NEXT_BUFFER: out-of-band data the caller supplies */
        pk_push(p, pk_new(p, PK_UNKNOWN));
        return;
    case 0x98: /* READONLY_BUFFER */
        (void)pk_top(p);
        return;
    case 'S':
    case 'V':
    case 'T':
    case 'U':
    case 'C':
    case 0x8c:
    case 'X':
    case 'B':
    case 0x8d:
    case 0x8e:
    case 0x96:
        pk_step_strings(p, opc);
        return;
    case 'g':
    case 'h':
    case 'j':
    case 'p':
    case 'q':
    case 'r':
    case 0x94:
        pk_step_memo(p, opc);
        return;
    case 'I':
    case 'L':
    case 'F':
    case 'G':
    case 'J':
    case 'K':
    case 'M':
    case 0x8a:
    case 0x8b:
        pk_step_numbers(p, opc);
        return;
    case ')':
    case ']':
    case '}':
    case 0x8f:
    case 0x85:
    case 0x86:
    case 0x87:
    case 't':
    case 'l':
    case 'd':
    case 0x91:
    case 'a':
    case 's':
    case 'e':
    case 'u':
    case 0x90:
        pk_step_containers(p, opc);
        return;
    case 'c':
    case 0x93:
    case 'R':
    case 0x81:
    case 0x92:
    case 'i':
    case 'o':
    case 'b':
    case 0x82:
    case 0x83:
    case 0x84:
    case 'P':
    case 'Q':
        pk_step_calls(p, opc);
        return;
    default:
        pk_fail(p, true, "invalid opcode 0x%02x", opc);
        return;
    }
}

static enum pcl_rc
pk_init(struct pk *p, struct mscan *s, const uint8_t *d, size_t n, uint64_t base)
{
    memset(p, 0, sizeof(*p));
    p->s = s;
    p->d = d;
    p->n = n;
    p->base = base;
    p->a = pcl_arena_new(PK_ARENA_CHUNK, PK_ARENA_MAX);
    return p->a == NULL ? PCL_ENOMEM : PCL_OK;
}

static void
pk_fini(struct pk *p)
{
    pcl_arena_free(p->a);
    pcl_free(p->stack);
    pcl_free(p->marks);
    pcl_free(p->memo);
    pcl_free(p->work);
}

/* Run one pickle from d[0..n). */
static enum pcl_rc
pk_run(struct pk *p)
{
    while (!p->stop && p->rc == PCL_OK) {
        pk_step(p);
    }
    return p->rc;
}

enum pcl_rc
mscan_pickle_sniff(struct mscan *s, const uint8_t *data, size_t len, bool *yes)
{
    struct pk p;

    *yes = len >= 2 && data[0] == 0x80 && data[1] <= 5 && data[1] >= 2;
    if (*yes || len == 0) {
        return PCL_OK;
    }
    if (pk_init(&p, NULL, data, len, 0) != PCL_OK) {
        return pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
    }
    /* a prefix an unpickler runs to STOP, or that imports something and calls it (or imports
     * a known-dangerous module) before failing; a text file that happens to start with
     * "word\nword\n" imports nothing a loader would run */
    p.n = PCL_MIN(len, (size_t)1 << 20);
    while (!p.stop && p.rc == PCL_OK && !p.failed) {
        pk_step(&p);
    }
    *yes = p.rc == PCL_OK && ((p.stopped && !p.failed && p.result != &unknown_val) ||
                              (p.imported && (p.called || p.critical)));
    pk_fini(&p);
    if (p.rc == PCL_ENOMEM) {
        return pcl_err_set(s->err, PCL_ENOMEM, "model: out of memory");
    }
    return PCL_OK;
}

enum pcl_rc
mscan_pickle_one(struct mscan *s, const uint8_t *data, size_t len, uint64_t base, size_t *used)
{
    struct pk p;
    enum pcl_rc rc;

    rc = pk_init(&p, s, data, len, base);
    if (rc != PCL_OK) {
        return pcl_err_set(s->err, rc, "model: out of memory");
    }
    rc = pk_run(&p);
    *used = p.pos;
    pk_fini(&p);
    if (rc == PCL_ENOMEM) {
        return pcl_err_set(s->err, rc, "model: out of memory");
    }
    return rc;
}

/* The legacy PyTorch (< 1.6) magic number 0x1950a86a20f9469cfc6c as a LONG1 operand. */
static bool
pk_is_torch_magic(const struct pk_val *v)
{
    static const uint8_t magic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

    return v != NULL && v->kind == PK_INT && v->len == sizeof(magic) &&
           memcmp(v->p, magic, sizeof(magic)) == 0;
}

enum pcl_rc
mscan_pickle(struct mscan *s, const uint8_t *data, size_t len)
{
    size_t pos = 0;
    unsigned count = 0;
    bool legacy = false;
    enum pcl_rc rc = PCL_OK;

    while (pos < len && rc == PCL_OK) {
        struct pk p;
        bool stopped, failed;

        if (count > 0) {
            if (legacy && count == 5) {
                break; /* legacy torch: raw storage bytes follow the five pickles */
            }
            bool more = false;

            rc = mscan_pickle_sniff(s, data + pos, len - pos, &more);
            if (rc != PCL_OK) {
                return rc;
            }
            if (!more) {
                rc = mscan_add(s, PCL_MODEL_SEV_SUSPICIOUS, "pickle.trailing-data", NULL, pos, NULL,
                               "%zu bytes after the last STOP are not a pickle", len - pos);
                break;
            }
            if (count == 1 && !legacy) {
                rc = mscan_add(s, PCL_MODEL_SEV_SUSPICIOUS, "pickle.stacked", NULL, pos, NULL,
                               "several pickles in one stream: a loader that calls load() "
                               "repeatedly runs each of them");
                if (rc != PCL_OK) {
                    break;
                }
            }
        }
        rc = pk_init(&p, s, data + pos, len - pos, pos);
        if (rc != PCL_OK) {
            return pcl_err_set(s->err, rc, "model: out of memory");
        }
        rc = pk_run(&p);
        if (count == 0 && p.stopped && pk_is_torch_magic(p.result)) {
            legacy = true;
            if (s->depth == 1) {
                s->r->format = "pytorch-legacy";
            }
        }
        stopped = p.stopped;
        failed = p.failed;
        pos += p.pos;
        pk_fini(&p);
        count++;
        if (!stopped || failed) {
            break; /* a loader raised; what follows is never reached */
        }
    }
    if (rc == PCL_ENOMEM) {
        return pcl_err_set(s->err, rc, "model: out of memory");
    }
    return rc;
}
