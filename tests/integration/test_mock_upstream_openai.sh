#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `portcullis mock-upstream` against the official `openai` npm client (v4): chat (n, stream with
# usage), embeddings (the client's default base64 and float), models, responses (plain and
# streamed), completions, and the client's view of 500, 401, a cut stream and a hang.
# The package is installed once into $PCL_BINARY_DIR/node; skipped when node or npm is missing
# or the install fails (offline).
set -uo pipefail

BIN=${PCL_BIN:?}
NODE_DIR=${PCL_BINARY_DIR:?}/node
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "skipped: node or npm is not installed"
    exit 77
fi
if [ ! -d "$NODE_DIR/node_modules/openai" ]; then
    mkdir -p "$NODE_DIR"
    # the gateway's npm test may be installing it right now: one installer at a time
    if ! (flock 9; [ -d "$NODE_DIR/node_modules/openai" ] ||
        timeout 180 npm install --prefix "$NODE_DIR" --silent --no-audit --no-fund openai@4 \
            > "$NODE_DIR/install.log" 2>&1) 9> "$NODE_DIR/.lock"; then
        echo "skipped: cannot install the openai npm package (offline?); see $NODE_DIR/install.log"
        exit 77
    fi
fi
T=$(mktemp -d)
MOCK=
cleanup() {
    [ -n "$MOCK" ] && kill -TERM "$MOCK" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

"$BIN" mock-upstream --listen 127.0.0.1:0 --port-file "$T/port" --require-key sk-test \
    2> "$T/err" &
MOCK=$!
for _ in $(seq 1 100); do
    [ -s "$T/port" ] && break
    sleep 0.05
done
[ -s "$T/port" ] || { echo "FAIL: mock did not start"; cat "$T/err"; exit 1; }

cat > "$T/t.mjs" <<'JS'
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = `http://127.0.0.1:${process.env.MOCK_PORT}/v1`;
const c = new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, timeout: 5000 });
const user = (content) => [{ role: 'user', content }];
let n = 0;
const ok = (name) => { n++; console.log(`ok ${name}`); };

const r = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hello'), n: 2 });
assert.equal(r.choices.length, 2);
assert.equal(r.choices[1].message.content, 'You said: hello');
assert.deepEqual(r.usage, { prompt_tokens: 2, completion_tokens: 8, total_tokens: 10 });
ok('chat');

const s = await c.chat.completions.create({ model: 'mock-leak', stream: true,
    stream_options: { include_usage: true }, messages: user('x') });
let text = '', usage, chunks = 0;
for await (const ch of s) {
    chunks++;
    text += ch.choices[0]?.delta?.content ?? '';
    if (ch.usage) usage = ch.usage;
}
assert.match(text, /jane\.doe@example\.com/);
assert.match(text, /AKIAIOSFODNN7EXAMPLE/);
assert.ok(chunks > 40, `many chunks (${chunks})`);
assert.equal(usage.completion_tokens, Math.ceil(Buffer.byteLength(text) / 4));
ok('chat stream with usage');

const e = await c.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
const f = await c.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'],
    encoding_format: 'float' });
assert.equal(e.data.length, 2);
assert.equal(e.data[0].embedding.length, 8);
for (let i = 0; i < 8; i++) {
    assert.ok(Math.abs(e.data[0].embedding[i] - f.data[0].embedding[i]) < 1e-6);
}
ok('embeddings base64 and float agree');

const m = await c.models.list();
assert.ok(m.data.some((x) => x.id === 'gpt-4o-mini'));
ok('models');

const rr = await c.responses.create({ model: 'gpt-4o-mini', input: 'hi there' });
assert.equal(rr.output_text, 'You said: hi there');
const rs = await c.responses.create({ model: 'gpt-4o-mini', input: 'streamed', stream: true });
let d = '', done;
for await (const ev of rs) {
    if (ev.type === 'response.output_text.delta') d += ev.delta;
    if (ev.type === 'response.completed') done = ev.response;
}
assert.equal(d, 'You said: streamed');
assert.equal(done.usage.output_tokens, 5);
ok('responses');

const cp = await c.completions.create({ model: 'x', prompt: 'abc' });
assert.equal(cp.choices[0].text, 'You said: abc');
ok('completions');

await assert.rejects(c.chat.completions.create({ model: 'mock-error-500', messages: user('x') }),
    (err) => err.status === 500 && err.error?.code === 'mock_error_500');
ok('500');
await assert.rejects(new OpenAI({ apiKey: 'bad', baseURL, maxRetries: 0 }).models.list(),
    (err) => err.status === 401 && err.code === 'invalid_api_key');
ok('401');
await assert.rejects(async () => {
    const cut = await c.chat.completions.create({ model: 'mock-fail-midstream', stream: true,
        messages: user('a message long enough for several chunks') });
    for await (const ch of cut) { void ch; }
});
ok('cut stream rejects');
await assert.rejects(c.chat.completions.create({ model: 'mock-hang', messages: user('x') },
    { timeout: 500 }), (err) => err.constructor.name === 'APIConnectionTimeoutError');
ok('hang times out');
console.log(`${n} passed`);
JS
cp "$T/t.mjs" "$NODE_DIR/t.mjs"
MOCK_PORT=$(cat "$T/port") timeout 60 node "$NODE_DIR/t.mjs"
