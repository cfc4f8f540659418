#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `portcullis mock-upstream`: every route and model behaviour over real HTTP with curl
# (streamed and not), the options (--require-key, --log, --port-file, --chunk-size,
# --delay-ms, --max-body, loopback-only) and bad input (invalid JSON, 413, 405, 404).
set -uo pipefail

BIN=${PCL_BIN:?}
for tool in curl jq; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skipped: $tool is not installed"
        exit 77
    fi
done
T=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fails=0
pass=0
check() {
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
eq() { [ "$1" = "$2" ] || { echo "  expected [$2], got [$1]" >&2; return 1; }; }
contains() { grep -qF -- "$2" "$1"; }
not_contains() { ! grep -qF -- "$2" "$1"; }

# start NAME ARGS...: runs a server, waits for its port file, sets PORT_<NAME> and PID_<NAME>
start() {
    local name=$1; shift
    "$BIN" mock-upstream --listen 127.0.0.1:0 --port-file "$T/$name.port" "$@" \
        2> "$T/$name.err" &
    local pid=$!
    PIDS+=("$pid")
    for _ in $(seq 1 100); do
        [ -s "$T/$name.port" ] && break
        sleep 0.05
    done
    if [ ! -s "$T/$name.port" ]; then
        echo "FAIL: server $name did not start"; cat "$T/$name.err"; exit 1
    fi
    printf -v "PORT_$name" '%s' "$(cat "$T/$name.port")"
    printf -v "PID_$name" '%s' "$pid"
}

start main --log "$T/main.log"
start keyed --require-key sk-upstream-secret --chunk-size 4 --delay-ms 100 --max-body 1000 \
    --log "$T/keyed.log"
U="http://127.0.0.1:$PORT_main"
K="http://127.0.0.1:$PORT_keyed"

# post URL JSON [curl args...] -> body on stdout
post() { local url=$1 body=$2; shift 2; curl -sS -H 'Content-Type: application/json' "$@" -d "$body" "$url"; }
# status URL JSON -> HTTP status code
status() { curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$2" "$1"; }
# SSE helpers: data payloads (not [DONE]) as JSON lines
sse_json() { sed -n 's/^data: //p' "$1" | grep -v '^\[DONE\]$'; }

check "port file holds the port" test "$PORT_main" -gt 0
check "banner says test server" contains "$T/main.err" "TEST SERVER"
check "help labels a test tool" bash -c "'$BIN' mock-upstream --help | grep -q 'TEST TOOL - NOT FOR PRODUCTION'"
check "listed in the command table" bash -c "'$BIN' --help | grep -q 'mock-upstream.*testing only'"

# ---- health and models
check "healthz" eq "$(curl -s "$U/healthz" | jq -r .status)" ok
curl -s "$U/v1/models" > "$T/models.json"
for m in gpt-4o-mini text-embedding-3-small mock-leak mock-hang mock-error-500; do
    check "models lists $m" eq "$(jq --arg m "$m" '[.data[].id] | index($m) != null' "$T/models.json")" true
done
check "models object=list" eq "$(jq -r .object "$T/models.json")" list
check "model get" eq "$(curl -s "$U/v1/models/mock-tokens-5" | jq -r .id)" mock-tokens-5
check "model get unknown 404" eq "$(curl -s -o /dev/null -w '%{http_code}' "$U/v1/models/nope")" 404

# ---- chat, not streamed
CHAT='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}'
post "$U/v1/chat/completions" "$CHAT" > "$T/chat.json"
check "chat object" eq "$(jq -r .object "$T/chat.json")" chat.completion
check "chat echo" eq "$(jq -r '.choices[0].message.content' "$T/chat.json")" "You said: hello"
check "chat role" eq "$(jq -r '.choices[0].message.role' "$T/chat.json")" assistant
check "chat finish" eq "$(jq -r '.choices[0].finish_reason' "$T/chat.json")" stop
check "chat model" eq "$(jq -r .model "$T/chat.json")" gpt-4o-mini
check "chat id" bash -c "jq -r .id '$T/chat.json' | grep -q '^chatcmpl-'"
# prompt: "be brief" (8) + "hello" (5) = 13 bytes -> 4 tokens; reply 15 bytes -> 4 tokens
check "chat usage" eq "$(jq -c .usage "$T/chat.json")" '{"prompt_tokens":4,"completion_tokens":4,"total_tokens":8}'
post "$U/v1/chat/completions" '{"model":"x","n":3,"messages":[{"role":"user","content":"hi"}]}' > "$T/n3.json"
check "n=3 indexes" eq "$(jq -c '[.choices[].index]' "$T/n3.json")" '[0,1,2]'
check "n=3 identical" eq "$(jq -r '[.choices[].message.content] | unique | length' "$T/n3.json")" 1
check "n=3 completion tokens" eq "$(jq .usage.completion_tokens "$T/n3.json")" 9
post "$U/v1/chat/completions" '{"model":"x","messages":[{"role":"user","content":"first"},{"role":"assistant","content":"ok"},{"role":"user","content":[{"type":"text","text":"ab"},{"type":"image_url","image_url":{"url":"data:,"}},{"type":"text","text":"cd"}]}]}' > "$T/parts.json"
check "last user message, text parts joined" eq "$(jq -r '.choices[0].message.content' "$T/parts.json")" "You said: abcd"

# ---- chat, streamed
STREAM='{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"1234567€€€ and more"}]}'
curl -sS -D "$T/s.hdr" -H 'Content-Type: application/json' -d "$STREAM" "$U/v1/chat/completions" > "$T/s.sse"
check "stream content type" grep -qi '^content-type: text/event-stream' "$T/s.hdr"
check "stream chunked" grep -qi '^transfer-encoding: chunked' "$T/s.hdr"
check "stream ends with [DONE]" eq "$(tail -n 2 "$T/s.sse" | head -n 1)" "data: [DONE]"
sse_json "$T/s.sse" > "$T/s.jsonl"
check "stream chunk object" eq "$(jq -r .object "$T/s.jsonl" | sort -u)" chat.completion.chunk
check "stream first delta has role" eq "$(head -n 1 "$T/s.jsonl" | jq -r '.choices[0].delta.role')" assistant
check "stream text" eq "$(jq -j '.choices[0].delta.content // empty' "$T/s.jsonl")" "You said: 1234567€€€ and more"
check "stream finish stop" eq "$(tail -n 1 "$T/s.jsonl" | jq -r '.choices[0].finish_reason')" stop
check "stream no usage unless asked" eq "$(jq -s '[.[] | select(has("usage"))] | length' "$T/s.jsonl")" 0
# 8 bytes per chunk, a UTF-8 character is never split: "7€" is 4 bytes, but "1234567€" is 10
pieces() { jq -r 'select(.choices[0].delta.role == null) | .choices[0].delta.content // empty' "$1"; }
check "stream chunk size 8" eq "$(pieces "$T/s.jsonl" | sed -n 2p)" ": 123456"
check "stream utf-8 kept whole" eq "$(pieces "$T/s.jsonl" | sed -n 3p)" "7€€€"
post "$U/v1/chat/completions" '{"model":"x","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hello"}]}' > "$T/u.sse"
sse_json "$T/u.sse" > "$T/u.jsonl"
check "include_usage final chunk" eq "$(tail -n 1 "$T/u.jsonl" | jq -c '[.choices, .usage]')" '[[],{"prompt_tokens":2,"completion_tokens":4,"total_tokens":6}]'
check "include_usage null on other chunks" eq "$(head -n 1 "$T/u.jsonl" | jq -c .usage)" null
post "$U/v1/chat/completions" '{"model":"x","n":2,"stream":true,"messages":[{"role":"user","content":"hi"}]}' > "$T/n2.sse"
check "stream n=2 text per index" eq "$(sse_json "$T/n2.sse" | jq -j 'select(.choices[0].index == 1) | .choices[0].delta.content // empty')" "You said: hi"
check "stream n=2 two finishes" eq "$(sse_json "$T/n2.sse" | jq -r '.choices[0].finish_reason // empty' | wc -l)" 2

# ---- model behaviours
LEAK='{"model":"mock-leak","stream":true,"messages":[{"role":"user","content":"x"}]}'
post "$U/v1/chat/completions" "$LEAK" > "$T/leak.sse"
sse_json "$T/leak.sse" | jq -j '.choices[0].delta.content // empty' > "$T/leak.txt"
for v in jane.doe@example.com AKIAIOSFODNN7EXAMPLE "4111 1111 1111 1111" aws_secret_access_key; do
    check "leak text has $v" contains "$T/leak.txt" "$v"
    check "leak raw SSE splits $v" not_contains "$T/leak.sse" "$v"
done
check "leak chunks are 3 bytes" eq "$(sse_json "$T/leak.sse" | jq -r '.choices[0].delta.content // empty | length' | sort -u | tail -n 1)" 3
post "$U/v1/chat/completions" '{"model":"mock-leak","messages":[{"role":"user","content":"x"}]}' > "$T/leak.json"
check "leak not streamed" bash -c "jq -r '.choices[0].message.content' '$T/leak.json' | grep -q 'AKIAIOSFODNN7EXAMPLE'"

post "$U/v1/chat/completions" '{"model":"mock-long","messages":[{"role":"user","content":"x"}]}' > "$T/long.json"
check "long is 4096 bytes" eq "$(jq -j '.choices[0].message.content' "$T/long.json" | wc -c)" 4096
check "long tokens" eq "$(jq .usage.completion_tokens "$T/long.json")" 1024

for n in 0 1 7 250; do
    post "$U/v1/chat/completions" "{\"model\":\"mock-tokens-$n\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}" > "$T/tok.json"
    check "tokens-$n" eq "$(jq .usage.completion_tokens "$T/tok.json")" "$n"
done
post "$U/v1/chat/completions" '{"model":"mock-tokens-50","max_tokens":5,"messages":[{"role":"user","content":"x"}]}' > "$T/cap.json"
check "max_tokens caps the reply" eq "$(jq -c '[.usage.completion_tokens, .choices[0].finish_reason]' "$T/cap.json")" '[5,"length"]'
check "mock-tokens-x is 400" eq "$(status "$U/v1/chat/completions" '{"model":"mock-tokens-x","messages":[{"role":"user","content":"x"}]}')" 400

post "$U/v1/chat/completions" '{"model":"mock-no-usage","messages":[{"role":"user","content":"x"}]}' > "$T/nu.json"
check "no-usage not streamed" eq "$(jq 'has("usage")' "$T/nu.json")" false
post "$U/v1/chat/completions" '{"model":"mock-no-usage","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}' > "$T/nu.sse"
check "no-usage streamed" not_contains "$T/nu.sse" '"usage"'
check "no-usage still ends" contains "$T/nu.sse" "data: [DONE]"

curl -sS -H 'Content-Type: application/json' -d '{"model":"mock-fail-midstream","stream":true,"messages":[{"role":"user","content":"a fairly long message to stream"}]}' "$U/v1/chat/completions" > "$T/fail.sse" 2>/dev/null
rc=$?
check "fail-midstream: curl sees a cut transfer (18)" eq "$rc" 18
check "fail-midstream: some events arrived" contains "$T/fail.sse" '"role":"assistant"'
check "fail-midstream: no finish" not_contains "$T/fail.sse" '"finish_reason":"stop"'
check "fail-midstream: no [DONE]" not_contains "$T/fail.sse" "[DONE]"
curl -sS -d '{"model":"mock-fail-midstream","messages":[{"role":"user","content":"x"}]}' "$U/v1/chat/completions" > "$T/fail.json" 2>/dev/null
check "fail-midstream not streamed: truncated body (18)" eq "$?" 18
check "fail-midstream not streamed: not JSON" bash -c "! jq . '$T/fail.json' >/dev/null 2>&1"

curl -sS -m 1 -d '{"model":"mock-hang","stream":true,"messages":[{"role":"user","content":"x"}]}' "$U/v1/chat/completions" > "$T/hang.sse" 2>/dev/null
check "hang streamed: times out (28)" eq "$?" 28
check "hang streamed: exactly one event" eq "$(grep -c '^data: ' "$T/hang.sse")" 1
curl -sS -m 1 -o "$T/hang.json" -w '%{http_code}' -d '{"model":"mock-hang","messages":[{"role":"user","content":"x"}]}' "$U/v1/chat/completions" > "$T/hang.code" 2>/dev/null
check "hang: times out (28)" eq "$?" 28
check "hang: no status line" eq "$(cat "$T/hang.code")" 000
check "server fine after hangs" eq "$(curl -s "$U/healthz" | jq -r .status)" ok

post "$U/v1/chat/completions" '{"model":"mock-garbage","messages":[{"role":"user","content":"x"}]}' -D "$T/g.hdr" > "$T/g.body"
check "garbage: 200" grep -q '^HTTP/1.1 200' "$T/g.hdr"
check "garbage: not JSON" bash -c "! jq . '$T/g.body' >/dev/null 2>&1"
post "$U/v1/chat/completions" '{"model":"mock-garbage","stream":true,"messages":[{"role":"user","content":"x"}]}' > "$T/g.sse"
check "garbage SSE: a line without a field" contains "$T/g.sse" "this line has no field name"
check "garbage SSE: truncated JSON" bash -c "sed -n 's/^data: //p' '$T/g.sse' | head -n 1 | { ! jq . >/dev/null 2>&1; }"

t0=$(date +%s%N)
post "$U/v1/chat/completions" '{"model":"mock-slow","stream":true,"messages":[{"role":"user","content":"hi"}]}' > "$T/slow.sse"
t1=$(date +%s%N)
nev=$(grep -c '^data: ' "$T/slow.sse")
check "slow: 200 ms per event ($nev events)" test $(((t1 - t0) / 1000000)) -ge $((nev * 200 - 20))
t0=$(date +%s%N)
post "$U/v1/chat/completions" '{"model":"mock-slow","messages":[{"role":"user","content":"hi"}]}' > "$T/slow.json"
t1=$(date +%s%N)
check "slow not streamed: 200 ms" test $(((t1 - t0) / 1000000)) -ge 190
check "slow not streamed: normal body" eq "$(jq -r '.choices[0].message.content' "$T/slow.json")" "You said: hi"
# a client leaving in the middle of a paced stream
curl -s -m 0.3 -d '{"model":"mock-slow","stream":true,"messages":[{"role":"user","content":"hi"}]}' "$U/v1/chat/completions" >/dev/null 2>&1
sleep 0.5
check "server fine after a client left mid-stream" eq "$(curl -s "$U/healthz" | jq -r .status)" ok

check "error-500 status" eq "$(status "$U/v1/chat/completions" '{"model":"mock-error-500","messages":[{"role":"user","content":"x"}]}')" 500
post "$U/v1/chat/completions" '{"model":"mock-error-500","stream":true,"messages":[{"role":"user","content":"x"}]}' > "$T/e500.json"
check "error-500 OpenAI error object" eq "$(jq -r .error.type "$T/e500.json")" server_error

# ---- completions
post "$U/v1/completions" '{"model":"gpt-3.5-turbo-instruct","prompt":"say this"}' > "$T/c.json"
check "completions text" eq "$(jq -r '.choices[0].text' "$T/c.json")" "You said: say this"
check "completions object" eq "$(jq -r .object "$T/c.json")" text_completion
post "$U/v1/completions" '{"model":"x","prompt":["a","b"],"n":2}' > "$T/c2.json"
check "completions prompt array x n" eq "$(jq -c '[.choices[] | [.index, .text]]' "$T/c2.json")" \
    '[[0,"You said: a"],[1,"You said: a"],[2,"You said: b"],[3,"You said: b"]]'
post "$U/v1/completions" '{"model":"x","prompt":"stream me","stream":true,"stream_options":{"include_usage":true}}' > "$T/c.sse"
check "completions stream text" eq "$(sse_json "$T/c.sse" | jq -j '.choices[0].text // empty')" "You said: stream me"
check "completions stream usage" eq "$(sse_json "$T/c.sse" | tail -n 1 | jq .usage.completion_tokens)" 5
check "completions stream [DONE]" contains "$T/c.sse" "data: [DONE]"

# ---- embeddings
post "$U/v1/embeddings" '{"model":"text-embedding-3-small","input":["alpha","beta","alpha"]}' > "$T/e.json"
check "embeddings count" eq "$(jq '.data | length' "$T/e.json")" 3
check "embeddings 8 dims" eq "$(jq '[.data[].embedding | length] | unique' -c "$T/e.json")" '[8]'
check "embeddings deterministic" eq "$(jq '.data[0].embedding == .data[2].embedding' "$T/e.json")" true
check "embeddings differ by input" eq "$(jq '.data[0].embedding != .data[1].embedding' "$T/e.json")" true
check "embeddings unit length" eq "$(jq '[.data[0].embedding[] | . * .] | add | (. - 1 | fabs) < 0.0001' "$T/e.json")" true
check "embeddings usage" eq "$(jq .usage.prompt_tokens "$T/e.json")" 4
check "embeddings stable across calls" eq "$(post "$U/v1/embeddings" '{"model":"e","input":"alpha"}' | jq -c '.data[0].embedding')" "$(jq -c '.data[0].embedding' "$T/e.json")"
check "embeddings base64 is 8 float32" eq "$(post "$U/v1/embeddings" '{"model":"e","input":"alpha","encoding_format":"base64"}' | jq -r '.data[0].embedding' | base64 -d | wc -c)" 32
check "embeddings bad input 400" eq "$(status "$U/v1/embeddings" '{"model":"e","input":[1,2]}')" 400

# ---- responses
post "$U/v1/responses" '{"model":"gpt-4o-mini","input":"hello responses"}' > "$T/r.json"
check "responses object" eq "$(jq -r .object "$T/r.json")" response
check "responses output_text" eq "$(jq -c '.output[0].content[0] | [.type, .text]' "$T/r.json")" '["output_text","You said: hello responses"]'
check "responses usage" eq "$(jq -c .usage "$T/r.json")" '{"input_tokens":4,"output_tokens":7,"total_tokens":11}'
post "$U/v1/responses" '{"model":"x","stream":true,"input":[{"role":"user","content":[{"type":"input_text","text":"item text"}]}]}' > "$T/r.sse"
check "responses stream delta events" contains "$T/r.sse" "event: response.output_text.delta"
check "responses stream deltas" eq "$(sse_json "$T/r.sse" | jq -j 'select(.type == "response.output_text.delta") | .delta')" "You said: item text"
check "responses stream done text" eq "$(sse_json "$T/r.sse" | jq -r 'select(.type == "response.output_text.done") | .text')" "You said: item text"
check "responses stream completed usage" eq "$(sse_json "$T/r.sse" | jq -r 'select(.type == "response.completed") | .response.usage.output_tokens')" 5
check "responses event/data types agree" eq "$(grep -c '^event: ' "$T/r.sse")" "$(grep -c '^data: ' "$T/r.sse")"

# ---- KServe v2 and TF-Serving
KS='{"id":"42","inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["hello"]}]}'
post "$U/v2/models/my-model/infer" "$KS" > "$T/ks.json"
check "kserve outputs = inputs" eq "$(jq -c .outputs "$T/ks.json")" "$(jq -c .inputs <<<"$KS")"
check "kserve model name" eq "$(jq -r .model_name "$T/ks.json")" my-model
check "kserve id" eq "$(jq -r .id "$T/ks.json")" 42
check "kserve behaviour from path" eq "$(status "$U/v2/models/mock-error-500/infer" "$KS")" 500
post "$U/v1/models/my-model:predict" '{"instances":[{"text":"hi"},[1,2]]}' > "$T/tf.json"
check "tf predictions = instances" eq "$(jq -c .predictions "$T/tf.json")" '[{"text":"hi"},[1,2]]'
check "tf columnar inputs" eq "$(post "$U/v1/models/m:predict" '{"inputs":{"a":[1]}}' | jq -c .outputs)" '{"a":[1]}'

# ---- bad input
check "unknown path 404" eq "$(curl -s "$U/v1/nothing" | jq -r .error.code)" unknown_url
check "unknown path status" eq "$(curl -s -o /dev/null -w '%{http_code}' "$U/v1/nothing")" 404
curl -s -D "$T/405.hdr" -o "$T/405.json" -X GET "$U/v1/chat/completions"
check "wrong method 405" grep -q '^HTTP/1.1 405' "$T/405.hdr"
check "wrong method Allow" grep -qi '^allow: POST' "$T/405.hdr"
check "wrong method error object" eq "$(jq -r .error.type "$T/405.json")" invalid_request_error
check "invalid JSON 400" eq "$(status "$U/v1/chat/completions" '{"model": "x", "messages": [')" 400
check "invalid JSON error object" bash -c "curl -s -d '{nope' '$U/v1/chat/completions' | jq -e '.error.message | test(\"parse\")' >/dev/null"
check "non-object body 400" eq "$(status "$U/v1/chat/completions" '[1,2]')" 400
check "missing messages 400" eq "$(post "$U/v1/chat/completions" '{"model":"x"}' | jq -r .error.param)" messages
check "missing model 400" eq "$(post "$U/v1/chat/completions" '{"messages":[]}' | jq -r .error.param)" model
check "bad n 400" eq "$(status "$U/v1/chat/completions" '{"model":"x","n":0,"messages":[{"role":"user","content":"x"}]}')" 400
check "bad stream 400" eq "$(status "$U/v1/chat/completions" '{"model":"x","stream":"yes","messages":[{"role":"user","content":"x"}]}')" 400
printf '\xff\xfe{"model":"x"}' > "$T/binary.json"
check "binary body 400" eq "$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$T/binary.json" "$U/v1/chat/completions")" 400
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' 'a' > "$T/huge.json"
check "huge body 413" eq "$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$T/huge.json" "$U/v1/chat/completions")" 413
check "reply over 64 MiB is 400" eq "$(status "$U/v1/chat/completions" '{"model":"mock-tokens-1048576","n":128,"messages":[{"role":"user","content":"x"}]}')" 400
check "HEAD on a GET route" eq "$(curl -s -o /dev/null -w '%{http_code}' -I "$U/v1/models")" 200
check "path traversal is just an unknown path" eq "$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "$U/v1/../../etc/passwd")" 404
check "server fine after bad input" eq "$(curl -s "$U/healthz" | jq -r .status)" ok

# ---- the request log
check "log: one line per request" test "$(wc -l < "$T/main.log")" -gt 40
check "log: every line is JSON" bash -c "jq -c . '$T/main.log' >/dev/null"
grep '"path":"/v1/models/my-model:predict"' "$T/main.log" | head -n 1 > "$T/line.json"
check "log: method" eq "$(jq -r .method "$T/line.json")" POST
check "log: raw body" eq "$(jq -r .body "$T/line.json")" '{"instances":[{"text":"hi"},[1,2]]}'
check "log: body_bytes" eq "$(jq -r .body_bytes "$T/line.json")" 35
check "log: headers" eq "$(jq -r '.headers["content-type"]' "$T/line.json")" application/json
check "log: status" eq "$(jq -r .status "$T/line.json")" 200
check "log: no authorization" eq "$(jq -r .authorization "$T/line.json")" absent
check "log: hang has null status" bash -c "grep -F 'mock-hang' '$T/main.log' | jq -s -e 'map(.status) | index(null) != null' >/dev/null"

# ---- --require-key, --chunk-size, --delay-ms, --max-body (second server)
MSG='{"model":"x","messages":[{"role":"user","content":"hello"}]}'
check "require-key: none 401" eq "$(status "$K/v1/chat/completions" "$MSG")" 401
check "require-key: none message" bash -c "curl -s -d '$MSG' '$K/v1/chat/completions' | jq -e '.error.message | test(\"provide an API key\")' >/dev/null"
check "require-key: wrong 401" eq "$(curl -s -H 'Authorization: Bearer sk-wrong' -d "$MSG" "$K/v1/chat/completions" | jq -r .error.code)" invalid_api_key
check "require-key: prefix of the key 401" eq "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sk-upstream' -d "$MSG" "$K/v1/chat/completions")" 401
check "require-key: right 200" eq "$(curl -s -H 'Authorization: Bearer sk-upstream-secret' -d "$MSG" "$K/v1/chat/completions" | jq -r '.choices[0].message.content')" "You said: hello"
check "require-key: healthz open" eq "$(curl -s -o /dev/null -w '%{http_code}' "$K/healthz")" 200
check "require-key: models guarded" eq "$(curl -s -o /dev/null -w '%{http_code}' "$K/v1/models")" 401
check "log: authorization states" eq "$(jq -r .authorization "$T/keyed.log" | sort -u | tr '\n' ' ')" "absent match mismatch "
check "log: credential redacted" bash -c "grep -q '\"authorization\":\"<redacted>\"' '$T/keyed.log' && ! grep -q 'sk-upstream-secret' '$T/keyed.log'"
t0=$(date +%s%N)
curl -s -H 'Authorization: Bearer sk-upstream-secret' -d '{"model":"x","stream":true,"messages":[{"role":"user","content":"abcdef"}]}' "$K/v1/chat/completions" > "$T/k.sse"
t1=$(date +%s%N)
nev=$(grep -c '^data: ' "$T/k.sse")
sse_json "$T/k.sse" > "$T/k.jsonl"
check "chunk-size 4" eq "$(pieces "$T/k.jsonl" | head -n 1)" "You "
check "delay-ms 100 between events ($nev)" test $(((t1 - t0) / 1000000)) -ge $(((nev - 1) * 100 - 10))
head -c 1500 /dev/zero | tr '\0' 'a' > "$T/k.big"
check "max-body 1000" eq "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sk-upstream-secret' --data-binary @"$T/k.big" "$K/v1/chat/completions")" 413

# ---- options and lifecycle
check "non-loopback refused" bash -c "'$BIN' mock-upstream --listen 0.0.0.0:0 2>'$T/remote.err'; [ \$? -eq 2 ] && grep -q 'allow-remote' '$T/remote.err'"
check "bad listen" bash -c "'$BIN' mock-upstream --listen nonsense 2>/dev/null; [ \$? -eq 2 ]"
check "bad chunk size" bash -c "'$BIN' mock-upstream --chunk-size 0 2>/dev/null; [ \$? -eq 2 ]"
check "bad delay" bash -c "'$BIN' mock-upstream --delay-ms -1 2>/dev/null; [ \$? -eq 2 ]"
check "bad max-body" bash -c "'$BIN' mock-upstream --max-body x 2>/dev/null; [ \$? -eq 2 ]"
check "busy port" bash -c "'$BIN' mock-upstream --listen 127.0.0.1:$PORT_main 2>/dev/null; [ \$? -eq 4 ]"
# SIGTERM with a hanging request in flight: clean exit 0, port file removed
curl -s -m 5 -d '{"model":"mock-hang","stream":true,"messages":[{"role":"user","content":"x"}]}' "$U/v1/chat/completions" >/dev/null 2>&1 &
hang_pid=$!
sleep 0.3
kill -TERM "$PID_main"
wait "$PID_main"
check "SIGTERM exits 0" eq "$?" 0
check "port file removed at exit" test ! -e "$T/main.port"
wait "$hang_pid" 2>/dev/null
kill -INT "$PID_keyed"
wait "$PID_keyed"
check "SIGINT exits 0" eq "$?" 0
PIDS=()
check "no sanitizer reports" bash -c "! grep -q 'Sanitizer' '$T/main.err' '$T/keyed.err'"

echo "$pass passed, $fails failed"
test "$fails" -eq 0
