/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis mock-upstream`: a deterministic OpenAI-compatible TEST server (libevent evhttp,
 * one thread) for the gateway's integration tests, benchmarks and the `make run` demo. The
 * model name selects a behaviour: echo, leaked secrets split across SSE chunks, long or
 * sized replies, missing usage, failures mid-stream, hangs, garbage and 500s. */
#include "cli.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sodium.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <getopt.h>

#define CMD              "mock-upstream"
#define DEFAULT_PORT     8081u
#define DEFAULT_MAX_BODY ((size_t)16 << 20)
#define MAX_REPLY        ((size_t)64 << 20) /* one reply body (all SSE events together) */
#define MAX_HEADERS      ((size_t)64 << 10)
#define MAX_N            128u
#define MAX_TOKENS_N     1048576ul /* mock-tokens-N: at most 4 MiB of text */
#define SLOW_MS          200u
#define LEAK_CHUNK       3u
#define LONG_BYTES       4096u
#define EMBED_DIMS       8u

/* ---- options and server state ------------------------------------------------------- */

struct mock_opts {
    char host[256];
    unsigned port;
    size_t chunk;      /* content bytes per SSE chunk */
    unsigned delay_ms; /* between SSE events */
    const char *key;   /* --require-key; NULL = no check */
    const char *log_path;
    const char *port_file;
    bool allow_remote;
    size_t max_body;
};

struct mock_stream;

struct mock_srv {
    const struct mock_opts *o;
    struct event_base *base;
    struct evhttp *http;
    FILE *log;                   /* --log, or NULL */
    uint64_t seq;                /* request counter, used in ids */
    struct mock_stream *streams; /* replies still in flight (doubly linked) */
    struct event *sigterm;
    struct event *sigint;
};

/* ---- model behaviours ---------------------------------------------------------------- */

enum mock_beh {
    BEH_ECHO,
    BEH_ECHO_ALL,
    BEH_LEAK,
    BEH_LONG,
    BEH_NO_USAGE,
    BEH_FAIL_MIDSTREAM,
    BEH_HANG,
    BEH_GARBAGE,
    BEH_SLOW,
    BEH_ERROR_500,
    BEH_TOKENS,
};

static const struct {
    const char *model;
    enum mock_beh beh;
} behaviours[] = {
    {"mock-echo-all", BEH_ECHO_ALL},
    {"mock-error-500", BEH_ERROR_500},
    {"mock-fail-midstream", BEH_FAIL_MIDSTREAM},
    {"mock-garbage", BEH_GARBAGE},
    {"mock-hang", BEH_HANG},
    {"mock-leak", BEH_LEAK},
    {"mock-long", BEH_LONG},
    {"mock-no-usage", BEH_NO_USAGE},
    {"mock-slow", BEH_SLOW},
};

/* GET /v1/models. */
static const char *const model_list[] = {
    "gpt-4o-mini", "gpt-4o",         "text-embedding-3-small", "mock-echo",     "mock-leak",
    "mock-long",   "mock-no-usage",  "mock-fail-midstream",    "mock-hang",     "mock-garbage",
    "mock-slow",   "mock-error-500", "mock-tokens-100",        "mock-echo-all",
};

static const char leak_text[] = "Here is the record you asked for.\n"
                                "Contact: jane.doe@example.com\n"
                                "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
                                "Card on file: 4111 1111 1111 1111\n";

static const char long_sentence[] =
    "The mock upstream writes this harmless filler sentence again and again so that "
    "tests can exercise long replies without any sensitive content. ";

/* Parses a model name into a behaviour; false for a malformed mock-tokens-N. */
static bool
beh_parse(const char *model, enum mock_beh *beh, unsigned long *ntok)
{
    static const char tok[] = "mock-tokens-";

    *beh = BEH_ECHO;
    *ntok = 0;
    if (model == NULL) {
        return true;
    }
    for (size_t i = 0; i < PCL_ARRAY_LEN(behaviours); i++) {
        if (strcmp(model, behaviours[i].model) == 0) {
            *beh = behaviours[i].beh;
            return true;
        }
    }
    if (strncmp(model, tok, sizeof(tok) - 1) == 0) {
        const char *p = model + sizeof(tok) - 1;
        unsigned long v = 0;

        if (*p == '\0') {
            return false;
        }
        for (; *p != '\0'; p++) {
            if (!pcl_is_digit(*p)) {
                return false;
            }
            v = v * 10 + (unsigned long)(*p - '0');
            if (v > MAX_TOKENS_N) {
                return false;
            }
        }
        *beh = BEH_TOKENS;
        *ntok = v;
    }
    return true;
}

/* ---- replies ------------------------------------------------------------------------- */

enum mock_end {
    END_NORMAL, /* complete the response */
    END_CLOSE,  /* close the connection after `limit` segments, no terminating chunk */
    END_HANG,   /* send `limit` segments, then nothing until the client goes away */
};

/* A response prepared in full before anything is sent: the body is a run of segments (one
 * SSE event each when streaming, the whole body otherwise) that the sender paces. */
struct mock_reply {
    int status;
    const char *ctype; /* static string */
    const char *allow; /* Allow header (405), static, or NULL */
    bool stream;       /* chunked transfer encoding, one chunk per segment */
    struct pcl_buf body;
    size_t *ends; /* end offset in body of each segment; array of nseg (capacity capseg) */
    size_t nseg, capseg;
    unsigned delay_ms; /* before each segment after the first (before the first too when
                          delay_first) */
    bool delay_first;
    enum mock_end end;
    size_t limit;   /* segments sent before `end` applies (nseg for END_NORMAL) */
    enum pcl_rc rc; /* first error while building; sticky */
};

static void
reply_init(struct mock_reply *r)
{
    memset(r, 0, sizeof(*r));
    r->status = 200;
    r->ctype = "application/json";
    pcl_buf_init(&r->body, MAX_REPLY);
}

static void
reply_fini(struct mock_reply *r)
{
    pcl_buf_fini(&r->body);
    pcl_free(r->ends);
    r->ends = NULL;
    r->nseg = r->capseg = 0;
}

static void
reply_reset(struct mock_reply *r)
{
    reply_fini(r);
    reply_init(r);
}

static void
rb_put(struct mock_reply *r, const char *s, size_t n)
{
    if (r->rc == PCL_OK) {
        r->rc = pcl_buf_append(&r->body, s, n);
    }
}

static void
rb_puts(struct mock_reply *r, const char *s)
{
    rb_put(r, s, strlen(s));
}

/* Ends the current segment at the end of the body. */
static void
seg_close(struct mock_reply *r)
{
    if (r->rc != PCL_OK) {
        return;
    }
    if (r->nseg == r->capseg) {
        size_t cap = r->capseg == 0 ? 16 : r->capseg * 2;
        size_t *p = pcl_realloc(r->ends, cap * sizeof(*p));

        if (p == NULL) {
            r->rc = PCL_ENOMEM;
            return;
        }
        r->ends = p;
        r->capseg = cap;
    }
    r->ends[r->nseg++] = r->body.len;
}

static void
jw_done(struct mock_reply *r, const struct pcl_jw *w)
{
    if (r->rc == PCL_OK) {
        r->rc = pcl_jw_rc(w);
    }
}

/* An OpenAI error object: {"error":{"message","type","param","code"}}. Replaces r. */
static void reply_error(struct mock_reply *r, int status, const char *type, const char *param,
                        const char *code, const char *fmt, ...) PCL_PRINTF(6, 7);

static void
reply_error(struct mock_reply *r, int status, const char *type, const char *param, const char *code,
            const char *fmt, ...)
{
    char msg[512];
    struct pcl_jw w;
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    reply_reset(r);
    r->status = status;
    pcl_jw_init(&w, &r->body);
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, "error");
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, "message");
    pcl_jw_cstr(&w, msg);
    pcl_jw_key(&w, "type");
    pcl_jw_cstr(&w, type);
    pcl_jw_key(&w, "param");
    pcl_jw_cstr(&w, param);
    pcl_jw_key(&w, "code");
    pcl_jw_cstr(&w, code);
    pcl_jw_obj_end(&w);
    pcl_jw_obj_end(&w);
    jw_done(r, &w);
    seg_close(r);
    r->limit = r->nseg;
}

#define BAD_REQUEST(r, param, ...)                                                                 \
    reply_error((r), 400, "invalid_request_error", (param), NULL, __VA_ARGS__)

/* "event: NAME\n" (when name is not NULL) and "data: " before a JSON value. */
static void
sse_begin(struct mock_reply *r, const char *event)
{
    if (event != NULL) {
        rb_puts(r, "event: ");
        rb_puts(r, event);
        rb_puts(r, "\n");
    }
    rb_puts(r, "data: ");
}

/* The JSON writer ended the value with "\n"; one more ends the event. */
static void
sse_end(struct mock_reply *r, const struct pcl_jw *w)
{
    jw_done(r, w);
    rb_puts(r, "\n");
    seg_close(r);
}

static void
sse_done(struct mock_reply *r)
{
    rb_puts(r, "data: [DONE]\n\n");
    seg_close(r);
}

/* ---- one request --------------------------------------------------------------------- */

/* What a handler knows about the request. Strings are borrowed from `body` (jansson). */
struct mock_req {
    struct mock_srv *srv;
    json_t *body; /* the parsed JSON object (POST), or NULL */
    const char *model;
    enum mock_beh beh;
    unsigned long ntok; /* BEH_TOKENS */
    bool stream;
    bool include_usage;
    char id[48];
    int64_t created;
    const char *path_name; /* {name} from the path (KServe, TF-Serving, models), or NULL */
};

static size_t
tokens_of(size_t bytes)
{
    return (bytes + 3) / 4;
}

static bool
want_usage(const struct mock_req *q)
{
    return q->beh != BEH_NO_USAGE;
}

/* Appends the text of a chat/responses content value: a string, or an array of parts whose
 * string "text" fields are concatenated (images and other parts carry no text). */
static enum pcl_rc
content_text(const json_t *content, struct pcl_buf *out)
{
    size_t i;
    const json_t *part;

    if (json_is_string(content)) {
        return pcl_buf_append(out, json_string_value(content), json_string_length(content));
    }
    if (!json_is_array(content)) {
        return PCL_OK;
    }
    json_array_foreach (content, i, part) {
        const json_t *text = json_object_get(part, "text");

        if (json_is_string(text)) {
            enum pcl_rc rc = pcl_buf_append(out, json_string_value(text), json_string_length(text));

            if (rc != PCL_OK) {
                return rc;
            }
        }
    }
    return PCL_OK;
}

/* The reply text for the request's behaviour; `user` is what an echo repeats. */
static enum pcl_rc
reply_text(const struct mock_req *q, const char *user, size_t ulen, struct pcl_buf *out)
{
    enum pcl_rc rc = PCL_OK;

    switch (q->beh) {
    case BEH_LEAK:
        return pcl_buf_append(out, leak_text, sizeof(leak_text) - 1);
    case BEH_LONG:
        while (rc == PCL_OK && out->len < LONG_BYTES) {
            size_t n = PCL_MIN(sizeof(long_sentence) - 1, LONG_BYTES - out->len);

            rc = pcl_buf_append(out, long_sentence, n);
        }
        return rc;
    case BEH_TOKENS:
        for (unsigned long i = 0; rc == PCL_OK && i < q->ntok; i++) {
            rc = pcl_buf_append(out, "tok ", 4);
        }
        return rc;
    default:
        rc = pcl_buf_append(out, "You said: ", 10);
        if (rc == PCL_OK) {
            rc = pcl_buf_append(out, user, ulen);
        }
        return rc;
    }
}

/* Reads an optional positive integer field (max_tokens, n); false with an error reply when
 * it is present but not an integer in [lo, hi]. */
static bool
int_field(struct mock_reply *r, const json_t *obj, const char *key, long long lo, long long hi,
          long long *out)
{
    const json_t *v = json_object_get(obj, key);

    if (v == NULL || json_is_null(v)) {
        return true;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        BAD_REQUEST(r, key, "%s: expected an integer in [%lld, %lld]", key, lo, hi);
        return false;
    }
    *out = json_integer_value(v);
    return true;
}

/* Cuts text to at most max_tok tokens (4 bytes each) at a UTF-8 character boundary; true when
 * it had to (finish_reason "length"). */
static bool
truncate_tokens(struct pcl_buf *text, long long max_tok)
{
    size_t cap;

    if (max_tok <= 0 || tokens_of(text->len) <= (size_t)max_tok) {
        return false;
    }
    cap = (size_t)max_tok * 4;
    while (cap > 0 && ((unsigned char)text->ptr[cap] & 0xc0) == 0x80) {
        cap--;
    }
    text->len = cap;
    text->ptr[cap] = '\0';
    return true;
}

/* Length of the next streamed piece of text[off..len): `chunk` bytes, extended so that no
 * UTF-8 sequence is split. */
static size_t
piece_len(const char *text, size_t len, size_t off, size_t chunk)
{
    size_t end = off + chunk;

    if (end >= len) {
        return len - off;
    }
    while (end < len && ((unsigned char)text[end] & 0xc0) == 0x80) {
        end++;
    }
    return end - off;
}

static size_t
chunk_size(const struct mock_req *q)
{
    return q->beh == BEH_LEAK ? LEAK_CHUNK : q->srv->o->chunk;
}

static void
usage_obj(struct pcl_jw *w, const char *in_key, const char *out_key, size_t in, size_t out)
{
    pcl_jw_obj_begin(w);
    pcl_jw_key(w, in_key);
    pcl_jw_uint(w, in);
    pcl_jw_key(w, out_key);
    pcl_jw_uint(w, out);
    pcl_jw_key(w, "total_tokens");
    pcl_jw_uint(w, in + out);
    pcl_jw_obj_end(w);
}

/* Common head of chat and completion objects and chunks. */
static void
obj_head(struct pcl_jw *w, const struct mock_req *q, const char *object)
{
    pcl_jw_obj_begin(w);
    pcl_jw_key(w, "id");
    pcl_jw_cstr(w, q->id);
    pcl_jw_key(w, "object");
    pcl_jw_cstr(w, object);
    pcl_jw_key(w, "created");
    pcl_jw_int(w, q->created);
    pcl_jw_key(w, "model");
    pcl_jw_cstr(w, q->model);
    pcl_jw_key(w, "system_fingerprint");
    pcl_jw_cstr(w, "fp_mock");
}

/* stream_options.include_usage: OpenAI then adds "usage": null to every chunk. */
static void
chunk_usage_null(struct pcl_jw *w, const struct mock_req *q)
{
    if (q->include_usage && want_usage(q)) {
        pcl_jw_key(w, "usage");
        pcl_jw_null(w);
    }
}

static void
stream_usage_chunk(struct mock_reply *r, const struct mock_req *q, const char *object,
                   size_t prompt, size_t completion)
{
    struct pcl_jw w;

    if (!q->include_usage || !want_usage(q)) {
        return;
    }
    sse_begin(r, NULL);
    pcl_jw_init(&w, &r->body);
    obj_head(&w, q, object);
    pcl_jw_key(&w, "choices");
    pcl_jw_arr_begin(&w);
    pcl_jw_arr_end(&w);
    pcl_jw_key(&w, "usage");
    usage_obj(&w, "prompt_tokens", "completion_tokens", prompt, completion);
    pcl_jw_obj_end(&w);
    sse_end(r, &w);
}

/* One streamed chat or completion chunk for choice `index`: a role delta (role != NULL), a
 * content piece (text != NULL) or the finish chunk (finish != NULL). */
static void
chunk_event(struct mock_reply *r, const struct mock_req *q, bool chat, size_t index,
            const char *role, const char *text, size_t tlen, const char *finish)
{
    struct pcl_jw w;

    sse_begin(r, NULL);
    pcl_jw_init(&w, &r->body);
    obj_head(&w, q, chat ? "chat.completion.chunk" : "text_completion");
    pcl_jw_key(&w, "choices");
    pcl_jw_arr_begin(&w);
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, "index");
    pcl_jw_uint(&w, index);
    if (chat) {
        pcl_jw_key(&w, "delta");
        pcl_jw_obj_begin(&w);
        if (role != NULL) {
            pcl_jw_key(&w, "role");
            pcl_jw_cstr(&w, role);
            pcl_jw_key(&w, "content");
            pcl_jw_str(&w, "", 0);
            pcl_jw_key(&w, "refusal");
            pcl_jw_null(&w);
        } else if (text != NULL) {
            pcl_jw_key(&w, "content");
            pcl_jw_str(&w, text, tlen);
        }
        pcl_jw_obj_end(&w);
    } else {
        pcl_jw_key(&w, "text");
        pcl_jw_str(&w, text != NULL ? text : "", text != NULL ? tlen : 0);
    }
    pcl_jw_key(&w, "logprobs");
    pcl_jw_null(&w);
    pcl_jw_key(&w, "finish_reason");
    pcl_jw_cstr(&w, finish);
    pcl_jw_obj_end(&w);
    pcl_jw_arr_end(&w);
    chunk_usage_null(&w, q);
    pcl_jw_obj_end(&w);
    sse_end(r, &w);
}

/* The texts of a chat or completion reply: one per choice. */
struct choice_set {
    struct pcl_buf *texts; /* array of n */
    bool *cut;             /* array of n: truncated by max_tokens */
    size_t n;
    size_t total; /* bytes of text so far; over MAX_REPLY is PCL_ELIMIT (n copies of a big
                     echo would otherwise take n times its memory first) */
};

static void
choices_free(struct choice_set *c)
{
    for (size_t i = 0; i < c->n && c->texts != NULL; i++) {
        pcl_buf_fini(&c->texts[i]);
    }
    pcl_free(c->texts);
    pcl_free(c->cut);
    c->texts = NULL;
    c->cut = NULL;
}

static enum pcl_rc
choices_alloc(struct choice_set *c, size_t n)
{
    c->texts = pcl_calloc(n, sizeof(*c->texts));
    c->cut = pcl_calloc(n, sizeof(*c->cut));
    c->n = n;
    if (c->texts == NULL || c->cut == NULL) {
        return PCL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        pcl_buf_init(&c->texts[i], MAX_REPLY);
    }
    return PCL_OK;
}

static void
completion_stream(struct mock_reply *r, const struct mock_req *q, bool chat,
                  const struct choice_set *c, size_t prompt_tok, size_t completion_tok)
{
    size_t chunk = chunk_size(q);

    r->stream = true;
    r->ctype = "text/event-stream";
    for (size_t i = 0; i < c->n; i++) {
        const struct pcl_buf *t = &c->texts[i];

        if (chat) {
            chunk_event(r, q, true, i, "assistant", NULL, 0, NULL);
        }
        for (size_t off = 0; off < t->len;) {
            size_t n = piece_len(t->ptr, t->len, off, chunk);

            chunk_event(r, q, chat, i, NULL, t->ptr + off, n, NULL);
            off += n;
        }
        chunk_event(r, q, chat, i, NULL, NULL, 0, c->cut[i] ? "length" : "stop");
    }
    stream_usage_chunk(r, q, chat ? "chat.completion.chunk" : "text_completion", prompt_tok,
                       completion_tok);
    sse_done(r);
}

static void
completion_choice(struct pcl_jw *w, bool chat, size_t index, const struct pcl_buf *text, bool cut)
{
    const char *t = text->ptr != NULL ? text->ptr : "";

    pcl_jw_obj_begin(w);
    pcl_jw_key(w, "index");
    pcl_jw_uint(w, index);
    if (chat) {
        pcl_jw_key(w, "message");
        pcl_jw_obj_begin(w);
        pcl_jw_key(w, "role");
        pcl_jw_cstr(w, "assistant");
        pcl_jw_key(w, "content");
        pcl_jw_str(w, t, text->len);
        pcl_jw_key(w, "refusal");
        pcl_jw_null(w);
        pcl_jw_obj_end(w);
    } else {
        pcl_jw_key(w, "text");
        pcl_jw_str(w, t, text->len);
    }
    pcl_jw_key(w, "logprobs");
    pcl_jw_null(w);
    pcl_jw_key(w, "finish_reason");
    pcl_jw_cstr(w, cut ? "length" : "stop");
    pcl_jw_obj_end(w);
}

/* Writes a chat completion or text completion, streamed or not, for the choice texts. */
static void
write_completion(struct mock_reply *r, const struct mock_req *q, bool chat,
                 const struct choice_set *c, size_t prompt_tok)
{
    size_t completion_tok = 0;
    struct pcl_jw w;

    for (size_t i = 0; i < c->n; i++) {
        completion_tok += tokens_of(c->texts[i].len);
    }
    if (q->stream) {
        completion_stream(r, q, chat, c, prompt_tok, completion_tok);
        r->limit = r->nseg;
        return;
    }
    pcl_jw_init(&w, &r->body);
    obj_head(&w, q, chat ? "chat.completion" : "text_completion");
    pcl_jw_key(&w, "choices");
    pcl_jw_arr_begin(&w);
    for (size_t i = 0; i < c->n; i++) {
        completion_choice(&w, chat, i, &c->texts[i], c->cut[i]);
    }
    pcl_jw_arr_end(&w);
    if (want_usage(q)) {
        pcl_jw_key(&w, "usage");
        usage_obj(&w, "prompt_tokens", "completion_tokens", prompt_tok, completion_tok);
    }
    pcl_jw_obj_end(&w);
    jw_done(r, &w);
    seg_close(r);
    r->limit = r->nseg;
}

/* stream, stream_options.include_usage; false with an error reply when malformed. */
static bool
stream_fields(struct mock_reply *r, struct mock_req *q)
{
    const json_t *s = json_object_get(q->body, "stream");
    const json_t *so = json_object_get(q->body, "stream_options");

    if (s != NULL && !json_is_boolean(s) && !json_is_null(s)) {
        BAD_REQUEST(r, "stream", "stream: expected a boolean");
        return false;
    }
    q->stream = json_is_true(s);
    if (so != NULL && !json_is_null(so)) {
        const json_t *iu = json_object_get(so, "include_usage");

        if (!json_is_object(so) || (iu != NULL && !json_is_boolean(iu))) {
            BAD_REQUEST(r, "stream_options",
                        "stream_options: expected an object with a boolean include_usage");
            return false;
        }
        q->include_usage = json_is_true(iu);
    }
    return true;
}

/* Walks chat messages or Responses input items: adds their text to *prompt_bytes and keeps
 * the last user item's text in user (with `all`, every item's text, one per line: what a model
 * leaking its system prompt would say). A malformed item gets an error reply (r->status 400);
 * `field` names the array in it. With `need_role`, every item must have a string role. */
static enum pcl_rc
scan_items(struct mock_reply *r, const json_t *items, const char *field, bool need_role, bool all,
           struct pcl_buf *user, size_t *prompt_bytes)
{
    struct pcl_buf text;
    const json_t *item;
    size_t i;
    enum pcl_rc rc = PCL_OK;

    pcl_buf_init(&text, MAX_REPLY);
    json_array_foreach (items, i, item) {
        const json_t *role = json_object_get(item, "role");

        if (!json_is_object(item) || (need_role && !json_is_string(role))) {
            BAD_REQUEST(r, field, "%s[%zu]: expected an object%s", field, i,
                        need_role ? " with a string role" : "");
            break;
        }
        pcl_buf_reset(&text);
        rc = content_text(json_object_get(item, "content"), &text);
        if (rc != PCL_OK) {
            break;
        }
        *prompt_bytes += text.len;
        if (all) {
            rc = user->len > 0 ? pcl_buf_appendc(user, '\n') : PCL_OK;
            if (rc == PCL_OK) {
                rc = pcl_buf_append(user, text.ptr != NULL ? text.ptr : "", text.len);
            }
            if (rc != PCL_OK) {
                break;
            }
        } else if (json_is_string(role) && strcmp(json_string_value(role), "user") == 0) {
            pcl_buf_reset(user);
            rc = pcl_buf_append(user, text.ptr != NULL ? text.ptr : "", text.len);
            if (rc != PCL_OK) {
                break;
            }
        }
    }
    pcl_buf_fini(&text);
    return rc;
}

/* Fills choices [from, to) with the reply to `user`, cut to max_tok tokens. */
static enum pcl_rc
fill_choices(const struct mock_req *q, struct choice_set *c, size_t from, size_t to,
             const char *user, size_t ulen, long long max_tok)
{
    for (size_t k = from; k < to; k++) {
        enum pcl_rc rc = reply_text(q, user, ulen, &c->texts[k]);

        if (rc != PCL_OK) {
            return rc;
        }
        c->cut[k] = truncate_tokens(&c->texts[k], max_tok);
        c->total += c->texts[k].len;
        if (c->total > MAX_REPLY) {
            return PCL_ELIMIT;
        }
    }
    return PCL_OK;
}

static enum pcl_rc
handle_chat(struct mock_reply *r, struct mock_req *q)
{
    const json_t *msgs = json_object_get(q->body, "messages");
    struct pcl_buf user;
    struct choice_set c = {0};
    long long n = 1;
    long long max_tok = 0;
    size_t prompt_bytes = 0;
    enum pcl_rc rc = PCL_OK;

    pcl_buf_init(&user, MAX_REPLY);
    if (!json_is_array(msgs) || json_array_size(msgs) == 0) {
        BAD_REQUEST(r, "messages", "messages: expected a non-empty array");
        goto out;
    }
    rc = scan_items(r, msgs, "messages", true, q->beh == BEH_ECHO_ALL, &user, &prompt_bytes);
    if (rc != PCL_OK || r->status != 200 || !int_field(r, q->body, "n", 1, MAX_N, &n) ||
        !int_field(r, q->body, "max_tokens", 1, INT32_MAX, &max_tok) ||
        !int_field(r, q->body, "max_completion_tokens", 1, INT32_MAX, &max_tok) ||
        !stream_fields(r, q)) {
        goto out;
    }
    rc = choices_alloc(&c, (size_t)n);
    if (rc == PCL_OK) {
        rc = fill_choices(q, &c, 0, c.n, user.ptr != NULL ? user.ptr : "", user.len, max_tok);
    }
    if (rc == PCL_OK) {
        write_completion(r, q, true, &c, tokens_of(prompt_bytes));
    }
out:
    choices_free(&c);
    pcl_buf_fini(&user);
    return rc;
}

/* Number of strings in `v` (a string or a non-empty array of strings, as prompt and input
 * take); 0 with an error reply naming `field` otherwise. */
static size_t
string_list_count(struct mock_reply *r, const json_t *v, const char *field)
{
    size_t n;

    if (json_is_string(v)) {
        return 1;
    }
    n = json_is_array(v) ? json_array_size(v) : 0;
    if (n == 0) {
        BAD_REQUEST(r, field, "%s: expected a string or a non-empty array of strings", field);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!json_is_string(json_array_get(v, i))) {
            BAD_REQUEST(r, field, "%s[%zu]: expected a string", field, i);
            return 0;
        }
    }
    return n;
}

static enum pcl_rc
handle_completions(struct mock_reply *r, struct mock_req *q)
{
    const json_t *prompt = json_object_get(q->body, "prompt");
    struct choice_set c = {0};
    long long n = 1;
    long long max_tok = 0;
    size_t nprompt = string_list_count(r, prompt, "prompt");
    size_t prompt_bytes = 0;
    enum pcl_rc rc;

    if (nprompt == 0 || !int_field(r, q->body, "n", 1, MAX_N, &n) ||
        !int_field(r, q->body, "max_tokens", 1, INT32_MAX, &max_tok) || !stream_fields(r, q)) {
        return PCL_OK;
    }
    if (nprompt * (size_t)n > MAX_N) {
        BAD_REQUEST(r, "n", "n: prompts times n must be at most %u", MAX_N);
        return PCL_OK;
    }
    rc = choices_alloc(&c, nprompt * (size_t)n);
    /* OpenAI order: choices p*n .. p*n+n-1 answer prompt p */
    for (size_t p = 0; rc == PCL_OK && p < nprompt; p++) {
        const json_t *s = json_is_string(prompt) ? prompt : json_array_get(prompt, p);

        prompt_bytes += json_string_length(s);
        rc = fill_choices(q, &c, p * (size_t)n, (p + 1) * (size_t)n, json_string_value(s),
                          json_string_length(s), max_tok);
    }
    if (rc == PCL_OK) {
        write_completion(r, q, false, &c, tokens_of(prompt_bytes));
    }
    choices_free(&c);
    return rc;
}

/* ---- /v1/responses ------------------------------------------------------------------- */

struct resp_ctx {
    const struct mock_req *q;
    const struct pcl_buf *text;
    bool cut;
    size_t in_tok, out_tok;
    char msg_id[48];
    unsigned seq; /* sequence_number of the next event */
};

static void
resp_part(struct pcl_jw *w, const char *text, size_t len)
{
    pcl_jw_obj_begin(w);
    pcl_jw_key(w, "type");
    pcl_jw_cstr(w, "output_text");
    pcl_jw_key(w, "text");
    pcl_jw_str(w, text, len);
    pcl_jw_key(w, "annotations");
    pcl_jw_arr_begin(w);
    pcl_jw_arr_end(w);
    pcl_jw_obj_end(w);
}

static void
resp_item(struct pcl_jw *w, const struct resp_ctx *x, bool done)
{
    pcl_jw_obj_begin(w);
    pcl_jw_key(w, "type");
    pcl_jw_cstr(w, "message");
    pcl_jw_key(w, "id");
    pcl_jw_cstr(w, x->msg_id);
    pcl_jw_key(w, "status");
    pcl_jw_cstr(w, done ? "completed" : "in_progress");
    pcl_jw_key(w, "role");
    pcl_jw_cstr(w, "assistant");
    pcl_jw_key(w, "content");
    pcl_jw_arr_begin(w);
    if (done) {
        resp_part(w, x->text->ptr != NULL ? x->text->ptr : "", x->text->len);
    }
    pcl_jw_arr_end(w);
    pcl_jw_obj_end(w);
}

/* The response object; `done` = completed with output and usage, else in_progress. */
static void
resp_object(struct pcl_jw *w, const struct resp_ctx *x, bool done)
{
    pcl_jw_obj_begin(w);
    pcl_jw_key(w, "id");
    pcl_jw_cstr(w, x->q->id);
    pcl_jw_key(w, "object");
    pcl_jw_cstr(w, "response");
    pcl_jw_key(w, "created_at");
    pcl_jw_int(w, x->q->created);
    pcl_jw_key(w, "status");
    pcl_jw_cstr(w, !done ? "in_progress" : x->cut ? "incomplete" : "completed");
    pcl_jw_key(w, "error");
    pcl_jw_null(w);
    pcl_jw_key(w, "incomplete_details");
    if (done && x->cut) {
        pcl_jw_obj_begin(w);
        pcl_jw_key(w, "reason");
        pcl_jw_cstr(w, "max_output_tokens");
        pcl_jw_obj_end(w);
    } else {
        pcl_jw_null(w);
    }
    pcl_jw_key(w, "model");
    pcl_jw_cstr(w, x->q->model);
    pcl_jw_key(w, "output");
    pcl_jw_arr_begin(w);
    if (done) {
        resp_item(w, x, true);
    }
    pcl_jw_arr_end(w);
    pcl_jw_key(w, "usage");
    if (done && want_usage(x->q)) {
        usage_obj(w, "input_tokens", "output_tokens", x->in_tok, x->out_tok);
    } else {
        pcl_jw_null(w);
    }
    pcl_jw_obj_end(w);
}

/* Opens a Responses streaming event: "event: TYPE", data {"type":TYPE,"sequence_number":n,
 * and for item events output_index/item_id/content_index. The caller adds its fields and
 * closes with resp_event_end. */
static void
resp_event_begin(struct mock_reply *r, struct resp_ctx *x, struct pcl_jw *w, const char *type,
                 bool item_fields)
{
    sse_begin(r, type);
    pcl_jw_init(w, &r->body);
    pcl_jw_obj_begin(w);
    pcl_jw_key(w, "type");
    pcl_jw_cstr(w, type);
    pcl_jw_key(w, "sequence_number");
    pcl_jw_uint(w, x->seq++);
    if (item_fields) {
        pcl_jw_key(w, "item_id");
        pcl_jw_cstr(w, x->msg_id);
        pcl_jw_key(w, "output_index");
        pcl_jw_uint(w, 0);
        pcl_jw_key(w, "content_index");
        pcl_jw_uint(w, 0);
    }
}

static void
resp_event_end(struct mock_reply *r, struct pcl_jw *w)
{
    pcl_jw_obj_end(w);
    sse_end(r, w);
}

static void
resp_stream(struct mock_reply *r, struct resp_ctx *x)
{
    const char *t = x->text->ptr != NULL ? x->text->ptr : "";
    size_t len = x->text->len;
    size_t chunk = chunk_size(x->q);
    struct pcl_jw w;

    r->stream = true;
    r->ctype = "text/event-stream";
    resp_event_begin(r, x, &w, "response.created", false);
    pcl_jw_key(&w, "response");
    resp_object(&w, x, false);
    resp_event_end(r, &w);

    resp_event_begin(r, x, &w, "response.output_item.added", false);
    pcl_jw_key(&w, "output_index");
    pcl_jw_uint(&w, 0);
    pcl_jw_key(&w, "item");
    resp_item(&w, x, false);
    resp_event_end(r, &w);

    resp_event_begin(r, x, &w, "response.content_part.added", true);
    pcl_jw_key(&w, "part");
    resp_part(&w, "", 0);
    resp_event_end(r, &w);

    for (size_t off = 0; off < len;) {
        size_t n = piece_len(t, len, off, chunk);

        resp_event_begin(r, x, &w, "response.output_text.delta", true);
        pcl_jw_key(&w, "delta");
        pcl_jw_str(&w, t + off, n);
        resp_event_end(r, &w);
        off += n;
    }

    resp_event_begin(r, x, &w, "response.output_text.done", true);
    pcl_jw_key(&w, "text");
    pcl_jw_str(&w, t, len);
    resp_event_end(r, &w);

    resp_event_begin(r, x, &w, "response.content_part.done", true);
    pcl_jw_key(&w, "part");
    resp_part(&w, t, len);
    resp_event_end(r, &w);

    resp_event_begin(r, x, &w, "response.output_item.done", false);
    pcl_jw_key(&w, "output_index");
    pcl_jw_uint(&w, 0);
    pcl_jw_key(&w, "item");
    resp_item(&w, x, true);
    resp_event_end(r, &w);

    resp_event_begin(r, x, &w, x->cut ? "response.incomplete" : "response.completed", false);
    pcl_jw_key(&w, "response");
    resp_object(&w, x, true);
    resp_event_end(r, &w);
}

static enum pcl_rc
handle_responses(struct mock_reply *r, struct mock_req *q)
{
    const json_t *input = json_object_get(q->body, "input");
    const json_t *instr = json_object_get(q->body, "instructions");
    struct pcl_buf user;
    struct pcl_buf text;
    struct resp_ctx x = {.q = q, .text = &text};
    long long max_tok = 0;
    size_t prompt_bytes = json_is_string(instr) ? json_string_length(instr) : 0;
    enum pcl_rc rc = PCL_OK;

    pcl_buf_init(&user, MAX_REPLY);
    pcl_buf_init(&text, MAX_REPLY);
    if (json_is_string(input)) {
        prompt_bytes += json_string_length(input);
        rc = pcl_buf_append(&user, json_string_value(input), json_string_length(input));
    } else if (json_is_array(input)) {
        rc = scan_items(r, input, "input", false, q->beh == BEH_ECHO_ALL, &user, &prompt_bytes);
    } else {
        BAD_REQUEST(r, "input", "input: expected a string or an array of input items");
    }
    if (rc != PCL_OK || r->status != 200 ||
        !int_field(r, q->body, "max_output_tokens", 1, INT32_MAX, &max_tok) ||
        !stream_fields(r, q)) {
        goto out;
    }
    rc = reply_text(q, user.ptr != NULL ? user.ptr : "", user.len, &text);
    if (rc != PCL_OK) {
        goto out;
    }
    x.cut = truncate_tokens(&text, max_tok);
    x.in_tok = tokens_of(prompt_bytes);
    x.out_tok = tokens_of(text.len);
    (void)snprintf(x.msg_id, sizeof(x.msg_id), "msg_%s", q->id + 5);
    if (q->stream) {
        resp_stream(r, &x);
    } else {
        struct pcl_jw w;

        pcl_jw_init(&w, &r->body);
        resp_object(&w, &x, true);
        jw_done(r, &w);
        seg_close(r);
    }
    r->limit = r->nseg;
out:
    pcl_buf_fini(&user);
    pcl_buf_fini(&text);
    return rc;
}

/* ---- embeddings, models, KServe, TF-Serving ------------------------------------------ */

/* Eight numbers in [-1, 1] from a BLAKE2b hash of the input, scaled to unit length and
 * rounded to 6 decimals so the JSON is short and stable. */
static void
embed_vector(const char *s, size_t len, double v[EMBED_DIMS])
{
    unsigned char h[EMBED_DIMS * 4];
    double norm = 0;

    (void)crypto_generichash(h, sizeof(h), (const unsigned char *)s, len, NULL, 0);
    for (size_t i = 0; i < EMBED_DIMS; i++) {
        uint32_t u = (uint32_t)h[4 * i] | (uint32_t)h[4 * i + 1] << 8 |
                     (uint32_t)h[4 * i + 2] << 16 | (uint32_t)h[4 * i + 3] << 24;

        v[i] = (double)u / 4294967295.0 * 2.0 - 1.0;
        norm += v[i] * v[i];
    }
    norm = norm > 0 ? sqrt(norm) : 1;
    for (unsigned i = 0; i < EMBED_DIMS; i++) {
        v[i] = round(v[i] / norm * 1e6) / 1e6;
    }
}

/* One element of data[]: the vector as JSON numbers, or (b64) as base64 of little-endian
 * float32 values, the way the OpenAI API sends it. enc is scratch. */
static enum pcl_rc
embed_item(struct pcl_jw *w, size_t index, const json_t *s, bool b64, struct pcl_buf *enc)
{
    double v[EMBED_DIMS];
    uint8_t raw[EMBED_DIMS * 4];
    enum pcl_rc rc = PCL_OK;

    embed_vector(json_string_value(s), json_string_length(s), v);
    pcl_jw_obj_begin(w);
    pcl_jw_key(w, "object");
    pcl_jw_cstr(w, "embedding");
    pcl_jw_key(w, "index");
    pcl_jw_uint(w, index);
    pcl_jw_key(w, "embedding");
    if (b64) {
        for (size_t k = 0; k < EMBED_DIMS; k++) {
            float f = (float)v[k];
            uint32_t u;

            memcpy(&u, &f, sizeof(u));
            for (size_t b = 0; b < 4; b++) {
                raw[4 * k + b] = (uint8_t)(u >> (8 * b));
            }
        }
        pcl_buf_reset(enc);
        rc = pcl_base64_encode(enc, raw, sizeof(raw), PCL_B64_STD);
        pcl_jw_str(w, enc->ptr, enc->len);
    } else {
        pcl_jw_arr_begin(w);
        for (size_t k = 0; k < EMBED_DIMS; k++) {
            pcl_jw_double(w, v[k]);
        }
        pcl_jw_arr_end(w);
    }
    pcl_jw_obj_end(w);
    return rc;
}

static enum pcl_rc
handle_embeddings(struct mock_reply *r, struct mock_req *q)
{
    const json_t *input = json_object_get(q->body, "input");
    const json_t *fmt = json_object_get(q->body, "encoding_format");
    const char *f = json_is_string(fmt) ? json_string_value(fmt) : NULL;
    size_t count;
    size_t bytes = 0;
    struct pcl_jw w;
    struct pcl_buf enc;
    enum pcl_rc rc = PCL_OK;

    if (fmt != NULL && !json_is_null(fmt) &&
        (f == NULL || (strcmp(f, "base64") != 0 && strcmp(f, "float") != 0))) {
        BAD_REQUEST(r, "encoding_format", "encoding_format: expected \"float\" or \"base64\"");
        return PCL_OK;
    }
    count = string_list_count(r, input, "input");
    if (count == 0) {
        return PCL_OK;
    }
    pcl_buf_init(&enc, 0);
    pcl_jw_init(&w, &r->body);
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, "object");
    pcl_jw_cstr(&w, "list");
    pcl_jw_key(&w, "data");
    pcl_jw_arr_begin(&w);
    for (size_t i = 0; i < count && rc == PCL_OK; i++) {
        const json_t *s = json_is_string(input) ? input : json_array_get(input, i);

        bytes += json_string_length(s);
        rc = embed_item(&w, i, s, f != NULL && strcmp(f, "base64") == 0, &enc);
    }
    pcl_jw_arr_end(&w);
    pcl_jw_key(&w, "model");
    pcl_jw_cstr(&w, q->model);
    if (want_usage(q)) {
        pcl_jw_key(&w, "usage");
        pcl_jw_obj_begin(&w);
        pcl_jw_key(&w, "prompt_tokens");
        pcl_jw_uint(&w, tokens_of(bytes));
        pcl_jw_key(&w, "total_tokens");
        pcl_jw_uint(&w, tokens_of(bytes));
        pcl_jw_obj_end(&w);
    }
    pcl_jw_obj_end(&w);
    pcl_buf_fini(&enc);
    jw_done(r, &w);
    seg_close(r);
    r->limit = r->nseg;
    return rc;
}

static void
model_obj(struct pcl_jw *w, const char *id)
{
    pcl_jw_obj_begin(w);
    pcl_jw_key(w, "id");
    pcl_jw_cstr(w, id);
    pcl_jw_key(w, "object");
    pcl_jw_cstr(w, "model");
    pcl_jw_key(w, "created");
    pcl_jw_int(w, 1700000000);
    pcl_jw_key(w, "owned_by");
    pcl_jw_cstr(w, "portcullis-mock");
    pcl_jw_obj_end(w);
}

static enum pcl_rc
handle_models(struct mock_reply *r, struct mock_req *q)
{
    struct pcl_jw w;

    (void)q;
    pcl_jw_init(&w, &r->body);
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, "object");
    pcl_jw_cstr(&w, "list");
    pcl_jw_key(&w, "data");
    pcl_jw_arr_begin(&w);
    for (size_t i = 0; i < PCL_ARRAY_LEN(model_list); i++) {
        model_obj(&w, model_list[i]);
    }
    pcl_jw_arr_end(&w);
    pcl_jw_obj_end(&w);
    jw_done(r, &w);
    seg_close(r);
    r->limit = r->nseg;
    return PCL_OK;
}

static enum pcl_rc
handle_model_get(struct mock_reply *r, struct mock_req *q)
{
    enum mock_beh beh;
    unsigned long ntok;
    struct pcl_jw w;
    bool known = false;

    for (size_t i = 0; i < PCL_ARRAY_LEN(model_list); i++) {
        known = known || strcmp(model_list[i], q->path_name) == 0;
    }
    /* every behaviour name is a model too, e.g. mock-tokens-7 */
    if (!known && strncmp(q->path_name, "mock-", 5) == 0 && beh_parse(q->path_name, &beh, &ntok) &&
        (beh != BEH_ECHO)) {
        known = true;
    }
    if (!known) {
        reply_error(r, 404, "invalid_request_error", "model", "model_not_found",
                    "The model '%s' does not exist", q->path_name);
        return PCL_OK;
    }
    pcl_jw_init(&w, &r->body);
    model_obj(&w, q->path_name);
    jw_done(r, &w);
    seg_close(r);
    r->limit = r->nseg;
    return PCL_OK;
}

static enum pcl_rc
handle_healthz(struct mock_reply *r, struct mock_req *q)
{
    (void)q;
    rb_puts(r, "{\"status\":\"ok\"}\n");
    seg_close(r);
    r->limit = r->nseg;
    return PCL_OK;
}

/* Appends a jansson value as compact JSON. */
static void
jw_json(struct pcl_jw *w, const json_t *v, enum pcl_rc *rc)
{
    size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
    char *tmp;

    if (n == 0) {
        pcl_jw_null(w);
        return;
    }
    tmp = pcl_malloc(n);
    if (tmp == NULL) {
        *rc = PCL_ENOMEM;
        return;
    }
    (void)json_dumpb(v, tmp, n, JSON_COMPACT | JSON_ENCODE_ANY);
    pcl_jw_raw(w, tmp, n);
    pcl_free(tmp);
}

/* KServe Open Inference Protocol v2: outputs = inputs. */
static enum pcl_rc
handle_kserve(struct mock_reply *r, struct mock_req *q)
{
    const json_t *inputs = json_object_get(q->body, "inputs");
    const json_t *id = json_object_get(q->body, "id");
    struct pcl_jw w;
    enum pcl_rc rc = PCL_OK;

    if (!json_is_array(inputs)) {
        BAD_REQUEST(r, "inputs", "inputs: expected an array of tensors");
        return PCL_OK;
    }
    pcl_jw_init(&w, &r->body);
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, "model_name");
    pcl_jw_cstr(&w, q->path_name);
    pcl_jw_key(&w, "model_version");
    pcl_jw_cstr(&w, "1");
    if (json_is_string(id)) {
        pcl_jw_key(&w, "id");
        pcl_jw_str(&w, json_string_value(id), json_string_length(id));
    }
    pcl_jw_key(&w, "outputs");
    jw_json(&w, inputs, &rc);
    pcl_jw_obj_end(&w);
    jw_done(r, &w);
    seg_close(r);
    r->limit = r->nseg;
    return rc;
}

/* TF-Serving REST predict: instances -> predictions (row format), inputs -> outputs
 * (columnar format). */
static enum pcl_rc
handle_tfserving(struct mock_reply *r, struct mock_req *q)
{
    const json_t *inst = json_object_get(q->body, "instances");
    const json_t *inputs = json_object_get(q->body, "inputs");
    struct pcl_jw w;
    enum pcl_rc rc = PCL_OK;

    if (!json_is_array(inst) && inputs == NULL) {
        BAD_REQUEST(r, "instances", "expected \"instances\" (an array) or \"inputs\"");
        return PCL_OK;
    }
    pcl_jw_init(&w, &r->body);
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, json_is_array(inst) ? "predictions" : "outputs");
    jw_json(&w, json_is_array(inst) ? inst : inputs, &rc);
    pcl_jw_obj_end(&w);
    jw_done(r, &w);
    seg_close(r);
    r->limit = r->nseg;
    return rc;
}

/* ---- routing ------------------------------------------------------------------------- */

typedef enum pcl_rc mock_handler_fn(struct mock_reply *r, struct mock_req *q);

enum route_kind {
    ROUTE_EXACT,     /* path == pattern */
    ROUTE_KSERVE,    /* /v2/models/{name}/infer */
    ROUTE_TF,        /* /v1/models/{name}:predict */
    ROUTE_MODEL_GET, /* /v1/models/{id} */
};

struct mock_route {
    const char *path;
    enum route_kind kind;
    bool post;      /* POST, else GET (and HEAD) */
    bool has_model; /* a JSON body with "model" that selects a behaviour */
    bool text;      /* a text API: behaviours leak/long/tokens/no-usage apply */
    mock_handler_fn *run;
};

static const struct mock_route routes[] = {
    {.path = "/healthz", .kind = ROUTE_EXACT, .run = handle_healthz},
    {.path = "/v1/chat/completions",
     .kind = ROUTE_EXACT,
     .post = true,
     .has_model = true,
     .text = true,
     .run = handle_chat},
    {.path = "/v1/completions",
     .kind = ROUTE_EXACT,
     .post = true,
     .has_model = true,
     .text = true,
     .run = handle_completions},
    {.path = "/v1/embeddings",
     .kind = ROUTE_EXACT,
     .post = true,
     .has_model = true,
     .run = handle_embeddings},
    {.path = "/v1/models", .kind = ROUTE_EXACT, .run = handle_models},
    {.path = "/v1/responses",
     .kind = ROUTE_EXACT,
     .post = true,
     .has_model = true,
     .text = true,
     .run = handle_responses},
    {.path = "/v1/models/{name}:predict", .kind = ROUTE_TF, .post = true, .run = handle_tfserving},
    {.path = "/v1/models/{id}", .kind = ROUTE_MODEL_GET, .run = handle_model_get},
    {.path = "/v2/models/{name}/infer", .kind = ROUTE_KSERVE, .post = true, .run = handle_kserve},
};

/* Matches path against a route; for templated routes *name gets the decoded {name} (heap,
 * caller frees with pcl_free(): libevent allocates through pcl_malloc). */
static bool
route_match(const struct mock_route *rt, const char *path, char **name)
{
    static const char v1m[] = "/v1/models/";
    static const char v2m[] = "/v2/models/";
    static const char infer[] = "/infer";
    static const char predict[] = ":predict";
    const char *start;
    const char *end;
    size_t len = strlen(path);

    *name = NULL;
    switch (rt->kind) {
    case ROUTE_EXACT:
        return strcmp(path, rt->path) == 0;
    case ROUTE_KSERVE:
        if (strncmp(path, v2m, sizeof(v2m) - 1) != 0 || len < sizeof(v2m) - 1 + sizeof(infer) ||
            strcmp(path + len - (sizeof(infer) - 1), infer) != 0) {
            return false;
        }
        start = path + sizeof(v2m) - 1;
        end = path + len - (sizeof(infer) - 1);
        break;
    case ROUTE_TF:
        if (strncmp(path, v1m, sizeof(v1m) - 1) != 0 || len < sizeof(v1m) - 1 + sizeof(predict) ||
            strcmp(path + len - (sizeof(predict) - 1), predict) != 0) {
            return false;
        }
        start = path + sizeof(v1m) - 1;
        end = path + len - (sizeof(predict) - 1);
        break;
    case ROUTE_MODEL_GET:
        if (strncmp(path, v1m, sizeof(v1m) - 1) != 0) {
            return false;
        }
        start = path + sizeof(v1m) - 1;
        end = path + len;
        if (memchr(start, ':', (size_t)(end - start)) != NULL) {
            return false;
        }
        break;
    default:
        return false;
    }
    if (end <= start || memchr(start, '/', (size_t)(end - start)) != NULL) {
        return false;
    }
    {
        char tmp[512];
        size_t n = (size_t)(end - start);

        if (n >= sizeof(tmp)) {
            return false;
        }
        memcpy(tmp, start, n);
        tmp[n] = '\0';
        *name = evhttp_uridecode(tmp, 0, NULL);
    }
    return *name != NULL;
}

/* ---- in-flight replies (paced, truncated or hanging) --------------------------------- */

struct mock_stream {
    struct mock_srv *srv;
    struct evhttp_request *req;
    struct evhttp_connection *evcon;
    struct mock_reply r;
    size_t next;          /* next segment to send */
    uint64_t t0_us;       /* CLOCK_MONOTONIC when the reply started */
    uint64_t ndelays;     /* delays scheduled so far */
    struct evbuffer *buf; /* handed to libevent for each chunk (drained by it) */
    struct event *timer;
    struct event *watch; /* END_HANG: notices the client closing */
    struct mock_stream *prev, *nextst;
};

static void
stream_free(struct mock_stream *st)
{
    if (st == NULL) {
        return;
    }
    if (st->prev != NULL) {
        st->prev->nextst = st->nextst;
    } else if (st->srv->streams == st) {
        st->srv->streams = st->nextst;
    }
    if (st->nextst != NULL) {
        st->nextst->prev = st->prev;
    }
    if (st->timer != NULL) {
        event_free(st->timer);
    }
    if (st->watch != NULL) {
        event_free(st->watch);
    }
    if (st->buf != NULL) {
        evbuffer_free(st->buf);
    }
    reply_fini(&st->r);
    pcl_free(st);
}

/* The connection went away (client closed, write error, our own close, shutdown). A request
 * libevent detached from its connection is ours to free; an attached one libevent frees. */
static void
on_conn_close(struct evhttp_connection *evcon, void *arg)
{
    struct mock_stream *st = arg;

    (void)evcon;
    if (st->req != NULL && evhttp_request_get_connection(st->req) == NULL) {
        evhttp_request_free(st->req);
    }
    st->req = NULL;
    stream_free(st);
}

/* Everything queued is written: now drop the connection without the terminating chunk. */
static void
on_flushed_close(struct evhttp_connection *evcon, void *arg)
{
    (void)arg;
    evhttp_connection_free(evcon); /* calls on_conn_close */
}

static void
on_watch(evutil_socket_t fd, short what, void *arg)
{
    struct mock_stream *st = arg;
    char c;
    ssize_t n;

    (void)what;
    n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) {
        /* the client sent more (pipelining); keep hanging, stop watching */
        (void)event_del(st->watch);
        return;
    }
    if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    evhttp_connection_free(st->evcon); /* calls on_conn_close, which frees st */
}

static void
send_segment(struct mock_stream *st, size_t i)
{
    struct mock_reply *r = &st->r;
    size_t start = i == 0 ? 0 : r->ends[i - 1];
    size_t end = r->ends[i];
    bool last_before_close = r->end == END_CLOSE && i + 1 == r->limit;

    if (!r->stream) {
        if (r->end != END_CLOSE) {
            return; /* the whole body goes out in stream_finish */
        }
        /* truncated body: announce the full length, send half of it */
        {
            char cl[32];

            (void)snprintf(cl, sizeof(cl), "%zu", r->body.len);
            (void)evhttp_add_header(evhttp_request_get_output_headers(st->req), "Content-Length",
                                    cl);
            evhttp_send_reply_start(st->req, r->status, NULL);
            end = start + (end - start) / 2;
        }
    }
    if (evbuffer_add(st->buf, r->body.ptr + start, end - start) != 0) {
        return;
    }
    if (last_before_close) {
        evhttp_send_reply_chunk_with_cb(st->req, st->buf, on_flushed_close, NULL);
    } else {
        evhttp_send_reply_chunk(st->req, st->buf);
    }
}

static void
stream_finish(struct mock_stream *st)
{
    struct mock_reply *r = &st->r;

    switch (r->end) {
    case END_NORMAL:
        evhttp_connection_set_closecb(st->evcon, NULL, NULL);
        if (r->stream) {
            evhttp_send_reply_end(st->req);
        } else {
            if (evbuffer_add(st->buf, r->body.ptr, r->body.len) != 0) {
                evhttp_send_error(st->req, 500, NULL);
            } else {
                evhttp_send_reply(st->req, r->status, NULL, st->buf);
            }
        }
        stream_free(st);
        return;
    case END_CLOSE:
        return; /* on_flushed_close ends it */
    case END_HANG: {
        evutil_socket_t fd = bufferevent_getfd(evhttp_connection_get_bufferevent(st->evcon));

        st->watch = event_new(st->srv->base, fd, EV_READ | EV_PERSIST, on_watch, st);
        if (st->watch != NULL) {
            (void)event_add(st->watch, NULL);
        }
        return;
    }
    default:
        return;
    }
}

static void stream_pump(struct mock_stream *st, bool fired);

static uint64_t
now_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    stream_pump(arg, true);
}

/* Sends segments until a delay is due or all `limit` are out, then finishes. */
static void
stream_pump(struct mock_stream *st, bool fired)
{
    struct mock_reply *r = &st->r;

    while (st->next < r->limit) {
        if (r->delay_ms > 0 && !fired && (st->next > 0 || r->delay_first)) {
            /* deadlines from the start, so per-event overhead does not add up: event k
             * leaves at start + k * delay */
            uint64_t due = st->t0_us + (uint64_t)(++st->ndelays) * r->delay_ms * 1000;
            uint64_t now = now_us();
            uint64_t wait = due > now ? due - now : 0;
            struct timeval tv = {.tv_sec = (time_t)(wait / 1000000),
                                 .tv_usec = (suseconds_t)(wait % 1000000)};

            (void)evtimer_add(st->timer, &tv);
            return;
        }
        fired = false;
        send_segment(st, st->next);
        st->next++;
    }
    stream_finish(st);
}

static void
add_headers(struct evhttp_request *req, const struct mock_reply *r)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);

    (void)evhttp_add_header(h, "Content-Type", r->ctype);
    (void)evhttp_add_header(h, "X-Mock-Upstream", "portcullis (test server)");
    if (r->stream) {
        (void)evhttp_add_header(h, "Cache-Control", "no-cache");
    }
    if (r->allow != NULL) {
        (void)evhttp_add_header(h, "Allow", r->allow);
    }
}

/* An unpaced stream: every event as its own chunk, all queued in one go (the common case in
 * benchmarks, so no per-request state). */
static void
send_stream_now(struct evhttp_request *req, const struct mock_reply *r)
{
    struct evbuffer *b = evbuffer_new();

    if (b == NULL) {
        evhttp_send_error(req, 500, NULL);
        return;
    }
    evhttp_send_reply_start(req, r->status, NULL);
    for (size_t i = 0; i < r->nseg; i++) {
        size_t start = i == 0 ? 0 : r->ends[i - 1];

        if (evbuffer_add(b, r->body.ptr + start, r->ends[i] - start) != 0) {
            break;
        }
        evhttp_send_reply_chunk(req, b);
    }
    evhttp_send_reply_end(req);
    evbuffer_free(b);
}

/* Sends r: at once when nothing is paced, else through a mock_stream that takes r. */
static void
send_reply(struct mock_srv *s, struct evhttp_request *req, struct mock_reply *r)
{
    struct mock_stream *st;

    add_headers(req, r);
    if (!r->stream && r->delay_ms == 0 && r->end == END_NORMAL) {
        struct evbuffer *b = evbuffer_new();

        if (b == NULL || evbuffer_add(b, r->body.ptr, r->body.len) != 0) {
            evhttp_send_error(req, 500, NULL);
        } else {
            evhttp_send_reply(req, r->status, NULL, b);
        }
        if (b != NULL) {
            evbuffer_free(b);
        }
        reply_fini(r);
        return;
    }
    if (r->stream && r->delay_ms == 0 && r->end == END_NORMAL) {
        send_stream_now(req, r);
        reply_fini(r);
        return;
    }
    st = pcl_calloc(1, sizeof(*st));
    if (st == NULL) {
        evhttp_send_error(req, 500, NULL);
        reply_fini(r);
        return;
    }
    st->srv = s;
    st->req = req;
    st->evcon = evhttp_request_get_connection(req);
    st->r = *r;
    memset(r, 0, sizeof(*r)); /* ownership moved to st */
    st->t0_us = now_us();
    st->buf = evbuffer_new();
    st->timer = evtimer_new(s->base, on_timer, st);
    if (st->buf == NULL || st->timer == NULL || st->evcon == NULL) {
        evhttp_send_error(req, 500, NULL);
        stream_free(st);
        return;
    }
    st->nextst = s->streams;
    if (s->streams != NULL) {
        s->streams->prev = st;
    }
    s->streams = st;
    evhttp_connection_set_closecb(st->evcon, on_conn_close, st);
    if (st->r.delay_ms > 0) {
        /* paced events are small writes: Nagle must not hold one back until the previous
         * one is acknowledged (delayed ACKs would add up to 40 ms) */
        evutil_socket_t fd = bufferevent_getfd(evhttp_connection_get_bufferevent(st->evcon));
        int one = 1;

        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (st->r.stream) {
        evhttp_send_reply_start(req, st->r.status, NULL);
    }
    stream_pump(st, false);
}

/* Rewrites a prepared reply for a failure behaviour. */
static void
apply_failure(struct mock_reply *r, const struct mock_req *q)
{
    switch (q->beh) {
    case BEH_FAIL_MIDSTREAM:
        r->end = END_CLOSE;
        r->limit = r->stream ? PCL_MAX(r->nseg / 2, (size_t)1) : 1;
        break;
    case BEH_HANG:
        r->end = END_HANG;
        r->limit = r->stream ? 1 : 0;
        break;
    case BEH_SLOW:
        r->delay_ms = SLOW_MS;
        r->delay_first = true;
        break;
    default:
        break;
    }
}

static void
reply_garbage(struct mock_reply *r, bool stream)
{
    static const char *const events[] = {
        ("data: "
         "{\"id\":\"chatcmpl-garbage\",\"object\":\"chat.completion.chunk\",\"choices\":[{"
         "\"de\n\n"),
        "this line has no field name\n\n",
        "data: \xff\xfe not UTF-8 and not JSON\n\n",
        "data: [DONE]\n\n",
    };

    reply_reset(r);
    if (stream) {
        r->stream = true;
        r->ctype = "text/event-stream";
        for (size_t i = 0; i < PCL_ARRAY_LEN(events); i++) {
            rb_puts(r, events[i]);
            seg_close(r);
        }
    } else {
        rb_puts(r, "<html>mock upstream garbage: this is not JSON {\"choices\": [\n");
        seg_close(r);
    }
    r->limit = r->nseg;
}

/* ---- request log ---------------------------------------------------------------------- */

static bool
is_credential_header(const char *name)
{
    static const char *const names[] = {"authorization", "proxy-authorization", "cookie",
                                        "x-api-key", "api-key"};

    for (size_t i = 0; i < PCL_ARRAY_LEN(names); i++) {
        if (strcasecmp(name, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

static const char *
method_name(enum evhttp_cmd_type m)
{
    switch (m) {
    case EVHTTP_REQ_GET:
        return "GET";
    case EVHTTP_REQ_POST:
        return "POST";
    case EVHTTP_REQ_HEAD:
        return "HEAD";
    case EVHTTP_REQ_PUT:
        return "PUT";
    case EVHTTP_REQ_DELETE:
        return "DELETE";
    case EVHTTP_REQ_OPTIONS:
        return "OPTIONS";
    case EVHTTP_REQ_TRACE:
        return "TRACE";
    case EVHTTP_REQ_CONNECT:
        return "CONNECT";
    case EVHTTP_REQ_PATCH:
        return "PATCH";
    default:
        return "UNKNOWN";
    }
}

enum auth_state { AUTH_ABSENT, AUTH_MATCH, AUTH_MISMATCH, AUTH_PRESENT };

static const char *const auth_names[] = {"absent", "match", "mismatch", "present"};

/* One JSON line: when, method, path, query, headers (credentials shown as "<redacted>"),
 * authorization state, body as received, and the status answered (null while hanging). */
static void
log_request(struct mock_srv *s, struct evhttp_request *req, const char *path, const char *query,
            enum auth_state auth, const char *body, size_t blen, const struct mock_reply *r)
{
    struct evkeyvalq *hs = evhttp_request_get_input_headers(req);
    struct pcl_buf line;
    struct pcl_buf lower;
    struct pcl_jw w;
    struct timespec ts;
    struct tm tm;
    char when[96];

    if (s->log == NULL) {
        return;
    }
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    (void)gmtime_r(&ts.tv_sec, &tm);
    (void)snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   ts.tv_nsec / 1000000);
    pcl_buf_init(&line, 0);
    pcl_buf_init(&lower, 0);
    pcl_jw_init(&w, &line);
    pcl_jw_obj_begin(&w);
    pcl_jw_key(&w, "ts");
    pcl_jw_cstr(&w, when);
    pcl_jw_key(&w, "method");
    pcl_jw_cstr(&w, method_name(evhttp_request_get_command(req)));
    pcl_jw_key(&w, "path");
    pcl_jw_cstr(&w, path);
    pcl_jw_key(&w, "query");
    pcl_jw_cstr(&w, query);
    pcl_jw_key(&w, "headers");
    pcl_jw_obj_begin(&w);
    for (struct evkeyval *kv = hs->tqh_first; kv != NULL; kv = kv->next.tqe_next) {
        pcl_buf_reset(&lower);
        for (const char *p = kv->key; *p != '\0'; p++) {
            if (pcl_buf_appendc(&lower, pcl_lower(*p)) != PCL_OK) {
                break;
            }
        }
        if (lower.ptr == NULL) {
            continue;
        }
        pcl_jw_key(&w, lower.ptr);
        pcl_jw_cstr(&w, is_credential_header(kv->key) ? "<redacted>" : kv->value);
    }
    pcl_jw_obj_end(&w);
    pcl_jw_key(&w, "authorization");
    pcl_jw_cstr(&w, auth_names[auth]);
    pcl_jw_key(&w, "body");
    pcl_jw_str(&w, body, blen);
    pcl_jw_key(&w, "body_bytes");
    pcl_jw_uint(&w, blen);
    pcl_jw_key(&w, "status");
    if (r->end == END_HANG && !r->stream) {
        pcl_jw_null(&w);
    } else {
        pcl_jw_int(&w, r->status);
    }
    pcl_jw_obj_end(&w);
    if (pcl_jw_rc(&w) == PCL_OK) {
        (void)fwrite(line.ptr, 1, line.len, s->log);
        (void)fflush(s->log);
    }
    pcl_buf_fini(&lower);
    pcl_buf_fini(&line);
}

/* ---- the request callback ------------------------------------------------------------ */

static enum auth_state
check_auth(const struct mock_srv *s, struct evhttp_request *req)
{
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
    const char *key = s->o->key;
    size_t hlen;
    size_t klen;

    if (h == NULL) {
        return AUTH_ABSENT;
    }
    if (key == NULL) {
        return AUTH_PRESENT;
    }
    hlen = strlen(h);
    klen = strlen(key);
    if (hlen != klen + 7 || strncasecmp(h, "Bearer ", 7) != 0 ||
        sodium_memcmp(h + 7, key, klen) != 0) {
        return AUTH_MISMATCH;
    }
    return AUTH_MATCH;
}

/* Finds the route for path and method. NULL when none: *allow is then the methods the path
 * accepts (405), or NULL when the path is unknown (404). *name as in route_match. */
static const struct mock_route *
route_find(const char *path, enum evhttp_cmd_type method, char **name, const char **allow)
{
    *name = NULL;
    *allow = NULL;
    for (size_t i = 0; i < PCL_ARRAY_LEN(routes); i++) {
        const struct mock_route *rt = &routes[i];
        bool ok = rt->post ? method == EVHTTP_REQ_POST
                           : method == EVHTTP_REQ_GET || method == EVHTTP_REQ_HEAD;
        char *nm = NULL;

        if (!route_match(rt, path, &nm)) {
            continue;
        }
        if (ok) {
            *name = nm;
            return rt;
        }
        pcl_free(nm); /* libevent allocates through pcl_malloc (event_set_mem_functions) */
        if (*allow == NULL) {
            *allow = rt->post ? "POST" : "GET, HEAD";
        }
    }
    return NULL;
}

/* 401 unless the key matches (when --require-key is set); true when answered. */
static bool
auth_reply(struct mock_reply *r, const struct mock_srv *s, const struct mock_route *rt,
           enum auth_state auth)
{
    if (s->o->key == NULL || rt->run == handle_healthz || auth == AUTH_MATCH) {
        return false;
    }
    if (auth == AUTH_ABSENT) {
        reply_error(r, 401, "invalid_request_error", NULL, NULL,
                    "You didn't provide an API key. You need to provide your API key in an "
                    "Authorization header using Bearer auth (i.e. Authorization: Bearer "
                    "YOUR_KEY)");
    } else {
        reply_error(r, 401, "invalid_request_error", NULL, "invalid_api_key",
                    "Incorrect API key provided");
    }
    return true;
}

/* Parses the JSON body and the model (and with it the behaviour); false with an error
 * reply when either is malformed. */
static bool
parse_request(struct mock_reply *r, struct mock_req *q, const struct mock_route *rt,
              const char *body, size_t blen)
{
    json_error_t jerr;
    const json_t *m;

    if (rt->post) {
        q->body = json_loadb(body, blen, 0, &jerr);
        if (q->body == NULL) {
            BAD_REQUEST(r, NULL,
                        "We could not parse the JSON body of your request: %s (line %d, "
                        "column %d, offset %d)",
                        jerr.text, jerr.line, jerr.column, jerr.position);
            return false;
        }
        if (!json_is_object(q->body)) {
            BAD_REQUEST(r, NULL, "the request body must be a JSON object");
            return false;
        }
    }
    if (rt->has_model) {
        m = json_object_get(q->body, "model");
        if (!json_is_string(m) || json_string_length(m) == 0) {
            BAD_REQUEST(r, "model", "model: required (a non-empty string)");
            return false;
        }
        q->model = json_string_value(m);
    } else if (rt->post) {
        q->model = q->path_name; /* KServe, TF-Serving */
    }
    if (q->model == NULL || !rt->post) {
        return true;
    }
    if (!beh_parse(q->model, &q->beh, &q->ntok)) {
        BAD_REQUEST(r, "model", "model: mock-tokens-N needs N in 0..%lu", MAX_TOKENS_N);
        return false;
    }
    if (!rt->text && (q->beh == BEH_LEAK || q->beh == BEH_LONG || q->beh == BEH_TOKENS)) {
        q->beh = BEH_ECHO;
    }
    return true;
}

/* Runs the route's handler and applies the model's behaviour to its reply. */
static void
build_reply(struct mock_reply *r, struct mock_req *q, const struct mock_route *rt)
{
    enum pcl_rc rc;

    (void)snprintf(q->id, sizeof(q->id), "%s%06llu",
                   rt->run == handle_chat          ? "chatcmpl-mock"
                   : rt->run == handle_completions ? "cmpl-mock"
                                                   : "resp_mock",
                   (unsigned long long)q->srv->seq);
    if (q->beh == BEH_ERROR_500) {
        reply_error(r, 500, "server_error", NULL, "mock_error_500",
                    "The server had an error while processing your request (simulated by "
                    "model %s)",
                    q->model);
        return;
    }
    rc = rt->run(r, q);
    if (rc == PCL_OK) {
        rc = r->rc;
    }
    if (rc != PCL_OK) {
        reply_error(r, rc == PCL_ELIMIT ? 400 : 500, "invalid_request_error", NULL, NULL,
                    "mock upstream: %s while building the reply",
                    rc == PCL_ELIMIT ? "reply too large" : pcl_rc_str(rc));
        return;
    }
    if (r->status != 200) {
        return;
    }
    if (q->beh == BEH_GARBAGE) {
        reply_garbage(r, q->stream);
    }
    if (r->stream) {
        r->delay_ms = q->srv->o->delay_ms;
    }
    apply_failure(r, q);
}

static void
on_request(struct evhttp_request *req, void *arg)
{
    struct mock_srv *s = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
    const char *query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
    enum evhttp_cmd_type method = evhttp_request_get_command(req);
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t blen = evbuffer_get_length(in);
    const char *body = blen > 0 ? (const char *)evbuffer_pullup(in, -1) : "";
    const struct mock_route *rt;
    struct mock_req q = {.srv = s};
    struct mock_reply r;
    enum auth_state auth = check_auth(s, req);
    char *name = NULL;
    const char *allow = NULL;

    reply_init(&r);
    s->seq++;
    q.created = (int64_t)time(NULL);
    if (path == NULL || path[0] == '\0') {
        path = "/";
    }
    if (body == NULL) {
        body = "";
        blen = 0;
    }
    rt = route_find(path, method, &name, &allow);
    q.path_name = name;
    if (rt == NULL && allow != NULL) {
        reply_error(&r, 405, "invalid_request_error", NULL, "method_not_allowed",
                    "method %s is not allowed on %s (use %s)", method_name(method), path, allow);
        r.allow = allow;
    } else if (rt == NULL) {
        reply_error(&r, 404, "invalid_request_error", NULL, "unknown_url",
                    "Unknown request URL: %s %s", method_name(method), path);
    } else if (!auth_reply(&r, s, rt, auth) && parse_request(&r, &q, rt, body, blen)) {
        build_reply(&r, &q, rt);
    }
    log_request(s, req, path, query, auth, body, blen, &r);
    if (r.rc != PCL_OK) {
        /* not even the small error body could be built: libevent's own page */
        evhttp_send_error(req, 500, NULL);
        reply_fini(&r);
    } else {
        send_reply(s, req, &r);
    }
    json_decref(q.body);
    pcl_free(name);
}

/* ---- command line -------------------------------------------------------------------- */

static void
usage(FILE *f)
{
    (void)fprintf(
        f,
        "usage: portcullis mock-upstream [options]\n"
        "\n"
        "TEST TOOL - NOT FOR PRODUCTION. An OpenAI-compatible upstream that answers\n"
        "deterministically, for the gateway's integration tests, benchmarks and the\n"
        "`make run` demo. It has no real model behind it and listens on loopback only\n"
        "unless --allow-remote is given.\n"
        "\n"
        "routes:\n"
        "  POST /v1/chat/completions   reply \"You said: \" + the last user message (n, stream,\n"
        "                              stream_options.include_usage, max_tokens honoured)\n"
        "  POST /v1/completions        same for each prompt (string or array of strings)\n"
        "  POST /v1/responses          same for the last user input; stream = typed events\n"
        "  POST /v1/embeddings         8-dimensional unit vectors from a hash of each input\n"
        "                              (encoding_format float or base64)\n"
        "  GET  /v1/models, /v1/models/{id}   a fixed model list\n"
        "  POST /v2/models/{name}/infer       KServe v2: outputs echo inputs\n"
        "  POST /v1/models/{name}:predict     TF-Serving: predictions echo instances\n"
        "  GET  /healthz\n"
        "  tokens are counted as ceil(bytes / 4); errors are OpenAI error objects\n"
        "\n"
        "behaviour by model name:\n"
        "  mock-leak            reply with an e-mail, an AWS key pair and a card number,\n"
        "                       streamed 3 bytes per chunk so each is split across chunks\n"
        "  mock-long            4096 bytes of harmless text\n"
        "  mock-echo-all        echo every message, system prompt included (a prompt leak)\n"
        "  mock-tokens-N        N*4 bytes of text, so usage.completion_tokens = N\n"
        "  mock-no-usage        echo, never any usage (even with include_usage)\n"
        "  mock-fail-midstream  stream: first half of the events, then the connection is\n"
        "                       closed without the terminating chunk; not streamed: half\n"
        "                       the body under the full Content-Length, then closed\n"
        "  mock-hang            stream: headers and the first event, then nothing;\n"
        "                       not streamed: nothing at all\n"
        "  mock-garbage         200 with a non-JSON body / malformed SSE events\n"
        "  mock-slow            every SSE event (and a non-streamed reply) 200 ms late\n"
        "  mock-error-500       500 with an OpenAI error object\n"
        "  anything else        echo\n"
        "  (KServe and TF-Serving take the behaviour from the model name in the path;\n"
        "  failure behaviours apply to embeddings too)\n"
        "\n"
        "options:\n"
        "      --listen HOST:PORT  address to listen on (default 127.0.0.1:8081; port 0 picks\n"
        "                          a free port; IPv6 as [::1]:PORT)\n"
        "      --allow-remote      allow a non-loopback listen address\n"
        "      --chunk-size N      bytes of content per SSE chunk (default 8; a UTF-8\n"
        "                          character is never split, so a chunk may be longer)\n"
        "      --delay-ms N        pause between SSE events (default 0)\n"
        "      --require-key KEY   answer 401 unless `Authorization: Bearer KEY`\n"
        "                          (/healthz is always open)\n"
        "      --log FILE          append one JSON line per request: ts, method, path, query,\n"
        "                          headers (credentials as \"<redacted>\"), authorization\n"
        "                          (absent, present, match, mismatch), body, body_bytes, status\n"
        "      --port-file FILE    write the bound port to FILE once listening (removed at exit)\n"
        "      --max-body BYTES    largest request body (default 16777216); larger gets 413\n"
        "  -h, --help              this help\n"
        "\n"
        "SIGTERM or SIGINT stops the server cleanly (exit 0).\n"
        "exit codes: 0 stopped by a signal, 2 usage, 4 cannot listen\n");
}

static bool
parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
    uint64_t v = 0;

    if (!pcl_parse_u64(s, max, &v)) {
        return false;
    }
    *out = (unsigned long)v;
    return true;
}

/* HOST:PORT or [V6]:PORT into o->host / o->port. */
static bool
parse_listen(const char *arg, struct mock_opts *o)
{
    const char *colon;
    const char *host = arg;
    size_t hlen;
    unsigned long port;

    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');

        if (close == NULL || close[1] != ':') {
            return false;
        }
        host = arg + 1;
        hlen = (size_t)(close - host);
        colon = close + 1;
    } else {
        colon = strrchr(arg, ':');
        if (colon == NULL) {
            return false;
        }
        hlen = (size_t)(colon - arg);
    }
    if (hlen == 0 || hlen >= sizeof(o->host) || !parse_ulong(colon + 1, 65535, &port)) {
        return false;
    }
    memcpy(o->host, host, hlen);
    o->host[hlen] = '\0';
    o->port = (unsigned)port;
    return true;
}

static bool
addr_is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        const uint8_t *b = in6->sin6_addr.s6_addr;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

        if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) {
            return true;
        }
        return memcmp(b, mapped, sizeof(mapped)) == 0 && b[12] == 127;
    }
    return false;
}

/* Resolves the host to one numeric address (written back into o->host) and checks that it
 * is loopback unless --allow-remote. Returns an exit code. */
static int
resolve_listen(struct mock_opts *o)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res = NULL;
    char num[INET6_ADDRSTRLEN];
    int gai;

    gai = getaddrinfo(o->host, NULL, &hints, &res);
    if (gai != 0 || res == NULL) {
        pcl_cli_error(CMD, "--listen: cannot resolve \"%s\": %s", o->host, gai_strerror(gai));
        return PCL_EXIT_USAGE;
    }
    if (!o->allow_remote && !addr_is_loopback(res->ai_addr)) {
        pcl_cli_error(CMD,
                      "--listen: \"%s\" is not a loopback address; this is a test server, pass "
                      "--allow-remote to listen there anyway",
                      o->host);
        freeaddrinfo(res);
        return PCL_EXIT_USAGE;
    }
    gai = getnameinfo(res->ai_addr, res->ai_addrlen, num, sizeof(num), NULL, 0, NI_NUMERICHOST);
    freeaddrinfo(res);
    if (gai != 0) {
        pcl_cli_error(CMD, "--listen: \"%s\": %s", o->host, gai_strerror(gai));
        return PCL_EXIT_USAGE;
    }
    (void)snprintf(o->host, sizeof(o->host), "%s", num);
    return PCL_EXIT_OK;
}

static bool
write_port_file(const char *path, unsigned port)
{
    char tmp[4096];
    FILE *f;
    bool ok;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
        return false;
    }
    f = fopen(tmp, "w");
    if (f == NULL) {
        return false;
    }
    ok = fprintf(f, "%u\n", port) > 0;
    ok = fclose(f) == 0 && ok;
    /* rename: a reader polling for the file never sees it half written */
    if (!ok || rename(tmp, path) != 0) {
        (void)unlink(tmp);
        return false;
    }
    return true;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)sig;
    (void)what;
    (void)event_base_loopbreak(arg);
}

enum {
    OPT_LISTEN = 256,
    OPT_ALLOW_REMOTE,
    OPT_CHUNK,
    OPT_DELAY,
    OPT_KEY,
    OPT_LOG,
    OPT_PORT_FILE,
    OPT_MAX_BODY,
};

static const struct option long_opts[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE},
    {"chunk-size", required_argument, NULL, OPT_CHUNK},
    {"delay-ms", required_argument, NULL, OPT_DELAY},
    {"require-key", required_argument, NULL, OPT_KEY},
    {"log", required_argument, NULL, OPT_LOG},
    {"port-file", required_argument, NULL, OPT_PORT_FILE},
    {"max-body", required_argument, NULL, OPT_MAX_BODY},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int
parse_args(int argc, char **argv, struct mock_opts *o, bool *help)
{
    int ch;

    optind = 1;
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): parsed before any thread exists */
    while ((ch = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        unsigned long v;

        switch (ch) {
        case OPT_LISTEN:
            if (!parse_listen(optarg, o)) {
                pcl_cli_error(CMD, "--listen: expected HOST:PORT or [IPV6]:PORT, got \"%s\"",
                              optarg);
                return PCL_EXIT_USAGE;
            }
            break;
        case OPT_ALLOW_REMOTE:
            o->allow_remote = true;
            break;
        case OPT_CHUNK:
            if (!parse_ulong(optarg, 1 << 20, &v) || v == 0) {
                pcl_cli_error(CMD, "--chunk-size: expected 1..1048576, got \"%s\"", optarg);
                return PCL_EXIT_USAGE;
            }
            o->chunk = v;
            break;
        case OPT_DELAY:
            if (!parse_ulong(optarg, 600000, &v)) {
                pcl_cli_error(CMD, "--delay-ms: expected 0..600000, got \"%s\"", optarg);
                return PCL_EXIT_USAGE;
            }
            o->delay_ms = (unsigned)v;
            break;
        case OPT_KEY:
            if (optarg[0] == '\0' || strpbrk(optarg, "\r\n") != NULL) {
                pcl_cli_error(CMD, "--require-key: expected a non-empty single-line key");
                return PCL_EXIT_USAGE;
            }
            o->key = optarg;
            break;
        case OPT_LOG:
            o->log_path = optarg;
            break;
        case OPT_PORT_FILE:
            o->port_file = optarg;
            break;
        case OPT_MAX_BODY:
            if (!parse_ulong(optarg, (unsigned long)1 << 30, &v) || v == 0) {
                pcl_cli_error(CMD, "--max-body: expected 1..1073741824 bytes, got \"%s\"", optarg);
                return PCL_EXIT_USAGE;
            }
            o->max_body = v;
            break;
        case 'h':
            *help = true;
            return PCL_EXIT_OK;
        default:
            usage(stderr);
            return PCL_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        pcl_cli_error(CMD, "unexpected argument \"%s\"", argv[optind]);
        return PCL_EXIT_USAGE;
    }
    return PCL_EXIT_OK;
}

/* Creates the loop and the HTTP server and binds; *port is the bound port. Returns an exit
 * code; on failure server_stop cleans up what was made. */
static int
server_start(struct mock_srv *s, unsigned *port)
{
    const struct mock_opts *o = s->o;
    struct evhttp_bound_socket *bound;
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);

    s->base = event_base_new();
    s->http = s->base != NULL ? evhttp_new(s->base) : NULL;
    if (s->http == NULL) {
        pcl_cli_error(CMD, "cannot create the event loop");
        return PCL_EXIT_ERROR;
    }
    /* every method reaches on_request, which answers 405 in the OpenAI error shape */
    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                            EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                            EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
    evhttp_set_max_body_size(s->http, (ev_ssize_t)o->max_body);
    evhttp_set_max_headers_size(s->http, (ev_ssize_t)MAX_HEADERS);
    /* read and drop an oversized body before answering 413, so the client sees the answer */
    (void)evhttp_set_flags(s->http, EVHTTP_SERVER_LINGERING_CLOSE);
    evhttp_set_gencb(s->http, on_request, s);
    bound = evhttp_bind_socket_with_handle(s->http, o->host, (ev_uint16_t)o->port);
    if (bound == NULL) {
        pcl_cli_error(CMD, "cannot listen on %s:%u: %s", o->host, o->port,
                      strerror(errno)); /* NOLINT(concurrency-mt-unsafe): one thread */
        return PCL_EXIT_ERROR;
    }
    if (getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss, &sslen) == -1) {
        pcl_cli_error(CMD, "getsockname: %s",
                      strerror(errno)); /* NOLINT(concurrency-mt-unsafe): one thread */
        return PCL_EXIT_ERROR;
    }
    *port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port
                                           : ((struct sockaddr_in *)(void *)&ss)->sin_port);
    s->sigterm = evsignal_new(s->base, SIGTERM, on_signal, s->base);
    s->sigint = evsignal_new(s->base, SIGINT, on_signal, s->base);
    if (s->sigterm == NULL || s->sigint == NULL || evsignal_add(s->sigterm, NULL) != 0 ||
        evsignal_add(s->sigint, NULL) != 0) {
        pcl_cli_error(CMD, "cannot install signal handlers");
        return PCL_EXIT_ERROR;
    }
    return PCL_EXIT_OK;
}

static void
server_stop(struct mock_srv *s)
{
    if (s->http != NULL) {
        evhttp_free(s->http); /* closes connections; their in-flight replies free themselves */
    }
    while (s->streams != NULL) {
        stream_free(s->streams);
    }
    if (s->sigterm != NULL) {
        event_free(s->sigterm);
    }
    if (s->sigint != NULL) {
        event_free(s->sigint);
    }
    if (s->base != NULL) {
        event_base_free(s->base);
    }
    if (s->log != NULL) {
        (void)fclose(s->log);
    }
}

int
pcl_cmd_mock_upstream(int argc, char **argv)
{
    struct mock_opts o = {
        .host = "127.0.0.1", .port = DEFAULT_PORT, .chunk = 8, .max_body = DEFAULT_MAX_BODY};
    struct mock_srv s = {.o = &o};
    bool help = false;
    bool port_written = false;
    unsigned port = 0;
    int rc;

    rc = parse_args(argc, argv, &o, &help);
    if (help) {
        usage(stdout);
    }
    if (rc != PCL_EXIT_OK || help) {
        return rc;
    }
    rc = resolve_listen(&o);
    if (rc != PCL_EXIT_OK) {
        return rc;
    }
    /* all heap through pcl_malloc, libevent's and jansson's too */
    event_set_mem_functions(pcl_malloc, pcl_realloc, pcl_free);
    json_set_alloc_funcs(pcl_malloc, pcl_free);
    /* a client closing mid-stream must not kill the server */
    (void)signal(SIGPIPE, SIG_IGN);
    if (o.log_path != NULL) {
        s.log = fopen(o.log_path, "a");
        if (s.log == NULL) {
            pcl_cli_error(CMD, "--log: cannot open \"%s\": %s", o.log_path,
                          strerror(errno)); /* NOLINT(concurrency-mt-unsafe): one thread */
            return PCL_EXIT_USAGE;
        }
    }
    rc = server_start(&s, &port);
    if (rc == PCL_EXIT_OK && o.port_file != NULL) {
        port_written = write_port_file(o.port_file, port);
        if (!port_written) {
            pcl_cli_error(CMD, "--port-file: cannot write \"%s\": %s", o.port_file,
                          strerror(errno)); /* NOLINT(concurrency-mt-unsafe): one thread */
            rc = PCL_EXIT_USAGE;
        }
    }
    if (rc == PCL_EXIT_OK) {
        bool v6 = strchr(o.host, ':') != NULL;

        (void)fprintf(stderr,
                      "portcullis: mock-upstream: TEST SERVER listening on http://%s%s%s:%u/ "
                      "(not for production)\n",
                      v6 ? "[" : "", o.host, v6 ? "]" : "", port);
        if (event_base_dispatch(s.base) == -1) {
            pcl_cli_error(CMD, "event loop failed");
            rc = PCL_EXIT_ERROR;
        }
    }
    server_stop(&s);
    if (port_written) {
        (void)unlink(o.port_file);
    }
    return rc;
}
