#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The gateway through the official `openai` npm client (v4): chat, streaming with redaction of
# values split across chunks, embeddings, models, responses, and the client's view of the
# gateway's errors (blocked prompt, bad key, rate limit with Retry-After, upstream failure).
# Installs the package once into $PCL_BINARY_DIR/node; skipped when node/npm is missing or the
# install fails (offline).
set -uo pipefail

bin=${PCL_BIN:?}
node_dir=$(cd "${PCL_BINARY_DIR:?}" && pwd)/node
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "skipped: node or npm is not installed"
    exit 77
fi
if [ ! -d "$node_dir/node_modules/openai" ]; then
    mkdir -p "$node_dir"
    # the mock-upstream test may be installing it right now: one installer at a time
    if ! (flock 9; [ -d "$node_dir/node_modules/openai" ] ||
        timeout 180 npm install --prefix "$node_dir" --silent --no-audit --no-fund openai@4 \
            >"$node_dir/install.log" 2>&1) 9>"$node_dir/.lock"; then
        echo "skipped: cannot install the openai npm package (offline?); see $node_dir/install.log"
        exit 77
    fi
fi
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
wait_file() {
    for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.05; done
    return 1
}

"$bin" mock-upstream --listen 127.0.0.1:0 --port-file "$tmp/up.port" --require-key sk-up 2>/dev/null &
pids+=($!)
wait_file "$tmp/up.port" || { echo "FAIL: mock did not start"; exit 1; }
store="sqlite://$tmp/keys.db"
key=$("$bin" keys --store "$store" create --name npm 2>/dev/null)
key_rpm=$("$bin" keys --store "$store" create --name npm-rpm --rpm 1 2>/dev/null)
cat >"$tmp/gw.yaml" <<EOF
server: {listen: "127.0.0.1:0", workers: 2}
store: $store
upstreams:
  - {name: mock, url: "http://127.0.0.1:$(cat "$tmp/up.port")", api_key: sk-up, total_timeout: 2s}
policies:
  - name: default
    request: {credential: block, contact: redact}
    response: {credential: redact, contact: redact, financial: redact}
EOF
"$bin" serve --config "$tmp/gw.yaml" --port-file "$tmp/gw.port" 2>"$tmp/gw.err" &
pids+=($!)
wait_file "$tmp/gw.port" || { echo "FAIL: gateway did not start"; cat "$tmp/gw.err"; exit 1; }

cat >"$tmp/t.mjs" <<'JS'
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = `http://127.0.0.1:${process.env.GW_PORT}/v1`;
const c = new OpenAI({ apiKey: process.env.KEY, baseURL, maxRetries: 0, timeout: 5000 });
const user = (content) => [{ role: 'user', content }];
const ok = (name) => console.log(`ok ${name}`);

const r = await c.chat.completions.create({ model: 'gpt-4o-mini',
    messages: user('write to bob@example.org') });
assert.equal(r.choices[0].message.content, 'You said: write to <EMAIL_ADDRESS>');
ok('chat: prompt e-mail redacted on the way out');

const s = await c.chat.completions.create({ model: 'mock-leak', stream: true, messages: user('x') });
let text = '', chunks = 0;
for await (const ch of s) {
    chunks++;
    text += ch.choices[0]?.delta?.content ?? '';
}
assert.doesNotMatch(text, /jane\.doe@example\.com/);
assert.doesNotMatch(text, /4111/);
assert.match(text, /<EMAIL_ADDRESS>/);
assert.match(text, /<CREDIT_CARD>/);
assert.ok(chunks > 3, `still streamed (${chunks} chunks)`);
ok(`chat stream: split values redacted, ${chunks} chunks`);

const su = await c.chat.completions.create({ model: 'gpt-4o-mini', stream: true,
    stream_options: { include_usage: true }, messages: user('hi') });
let usage;
for await (const ch of su) if (ch.usage) usage = ch.usage;
assert.ok(usage.total_tokens > 0);
ok('chat stream: usage when asked');

const e = await c.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
assert.equal(e.data.length, 2);
ok('embeddings (base64 default)');

const models = await c.models.list();
assert.ok(models.data.some((m) => m.id === 'gpt-4o-mini'));
ok('models');

const resp = await c.responses.create({ model: 'mock-leak', input: 'x' });
assert.doesNotMatch(resp.output_text, /4111/);
ok('responses');

await assert.rejects(c.chat.completions.create({ model: 'gpt-4o-mini',
    messages: user('key AKIAZ3MHQXLP7RW2NDVC') }), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.code, 'content_blocked');
    assert.equal(err.param, 'messages[0].content');
    return true;
});
ok('blocked prompt: BadRequestError with code and param');

const bad = new OpenAI({ apiKey: 'pcl_nope', baseURL, maxRetries: 0 });
await assert.rejects(bad.models.list(), (err) => err instanceof OpenAI.AuthenticationError);
ok('bad key: AuthenticationError');

const lim = new OpenAI({ apiKey: process.env.KEY_RPM, baseURL, maxRetries: 0 });
await lim.chat.completions.create({ model: 'gpt-4o-mini', messages: user('1') });
await assert.rejects(lim.chat.completions.create({ model: 'gpt-4o-mini', messages: user('2') }),
    (err) => {
        assert.ok(err instanceof OpenAI.RateLimitError);
        assert.ok(Number(err.headers['retry-after']) >= 1);
        return true;
    });
ok('rate limit: RateLimitError with retry-after');

await assert.rejects(c.chat.completions.create({ model: 'mock-error-500', messages: user('x') }),
    (err) => err.status === 502);
ok('upstream failure: 502');

const cut = await c.chat.completions.create({ model: 'mock-fail-midstream', stream: true,
    messages: user('x') });
await assert.rejects((async () => { for await (const _ of cut) { } })(),
    (err) => /upstream/.test(String(err.message)));
ok('upstream cut mid-stream: the client sees an error, not a silent end');
JS
ln -s "$node_dir/node_modules" "$tmp/node_modules"
GW_PORT=$(cat "$tmp/gw.port") KEY=$key KEY_RPM=$key_rpm timeout 60 node "$tmp/t.mjs"
