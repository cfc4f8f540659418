#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Gateway cost per request, interleaved: CPU time (user + system, from /proc/<pid>/stat) the
# proxy spends per chat request and per SSE stream, for nginx proxy_pass and for one or more
# portcullis builds, all in front of the same nginx upstream (bench/gateway.sh's setup and
# bodies, full inspection both ways). Rounds alternate between the proxies so that a shared
# machine's load hits all of them alike; CPU per request moves much less with load than
# requests per second do.
#
#   bash bench/gateway_cpu.sh build/release [other/build/release ...]   # ROUNDS=5 SECS=3
#
# Pinning as in gateway.sh: proxies on CPU 0, upstream nginx and wrk on CPU 1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: bench/gateway_cpu.sh BUILD_DIR [BUILD_DIR ...]" >&2; exit 2; }
rounds=${ROUNDS:-5}
secs=${SECS:-3}
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$tmp/up/nginx.pid" ] && kill "$(cat "$tmp/up/nginx.pid")" 2>/dev/null || true
    [ -f "$tmp/px/nginx.pid" ] && kill "$(cat "$tmp/px/nginx.pid")" 2>/dev/null || true
    sleep 0.2
    rm -rf "$tmp"
}
trap cleanup EXIT
for tool in wrk nginx taskset curl; do
    command -v "$tool" >/dev/null || { echo "bench/gateway_cpu.sh: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

UP=18301 PX=18302
chat='{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France. It has been the seat of government for centuries and is known for its museums, its food and its river."},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":32,"total_tokens":52}}'
sse=""
for w in Paris is the capital of France. It has been the seat of government for centuries and is known for its museums, its food and its river.; do
    sse+="data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"$w \"}}]}\n\n"
done
sse+='data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
sse+='data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":32,"total_tokens":52}}\n\ndata: [DONE]\n\n'
printf '%s' "$chat" >"$tmp/chat.json"
printf "$sse" >"$tmp/chat.sse"

nginx_conf() { # dir body
    mkdir -p "$1"
    cat >"$1/nginx.conf" <<NGX
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log warn;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $1/body; proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fcgi; uwsgi_temp_path $1/uwsgi; scgi_temp_path $1/scgi;
    keepalive_requests 1000000;
    $2
}
NGX
}
nginx_conf "$tmp/up" "
    server {
        listen 127.0.0.1:$UP;
        location = /v1/chat/completions { default_type application/json; alias $tmp/chat.json; }
        location = /v1/sse { default_type text/event-stream; alias $tmp/chat.sse; }
        error_page 405 =200 \$uri;
    }"
nginx_conf "$tmp/px" "
    upstream up { server 127.0.0.1:$UP; keepalive 64; }
    server {
        listen 127.0.0.1:$PX;
        location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection \"\";
                     proxy_buffering off; }
    }"
taskset -c 1 nginx -c "$tmp/up/nginx.conf"
taskset -c 0 nginx -c "$tmp/px/nginx.conf"
sleep 0.3
# the worker of the proxy nginx (its master does no request work)
px_pid=$(pgrep -P "$(cat "$tmp/px/nginx.pid")" | head -1)

names=(nginx) ports=($PX) procs=($px_pid)
i=0
for build in "$@"; do
    bin=$build/portcullis
    [ -x "$bin" ] || { echo "bench/gateway_cpu.sh: no $bin" >&2; exit 1; }
    port=$((18310 + i))
    cat >"$tmp/gw$i.yaml" <<YAML
server: {listen: "127.0.0.1:$port", workers: 1}
store: sqlite://$tmp/keys$i.db
upstreams: [{name: up, url: "http://127.0.0.1:$UP", api_key: sk-bench}]
limits: {per_key: {rpm: 1000000000, tpm: 1000000000000}}
policies:
  - name: full
    request: {default: redact, credential: block}
    response: {default: redact}
routes:
  - {path: /v1/chat/completions, api: chat}
  - {path: /v1/sse, api: chat, upstream_path: /v1/sse}
YAML
    key=$("$bin" keys --store "sqlite://$tmp/keys$i.db" create --name bench 2>/dev/null)
    echo "$key" >"$tmp/key$i"
    taskset -c 0 "$bin" serve --config "$tmp/gw$i.yaml" 2>"$tmp/gw$i.err" &
    pids+=($!)
    names+=("$build") ports+=($port) procs+=($!)
    for _ in $(seq 1 100); do curl -s "127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
    i=$((i + 1))
done

body='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is the capital of France? Reply to jane.doe@example.com."}],"max_tokens":64}'
lua() { # key -> script path
    local f
    f=$tmp/post-$RANDOM.lua
    cat >"$f" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $1"
LUA
    echo "$f"
}
scripts=("$(lua none)")
for k in $(seq 0 $((i - 1))); do scripts+=("$(lua "$(cat "$tmp/key$k")")"); done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)
declare -A cpu reqs
for r in $(seq 1 "$rounds"); do
    for p in $(seq 0 $((${#names[@]} - 1))); do
        for path in chat sse; do
            url=http://127.0.0.1:${ports[$p]}/v1/$([ $path = chat ] && echo chat/completions || echo sse)
            c0=$(cpu_ticks "${procs[$p]}")
            n=$(taskset -c 1 wrk -t1 -c32 -d"${secs}s" -s "${scripts[$p]}" "$url" 2>&1 |
                awk '/requests in/ { print $1 } /Non-2xx/ { print "bad" }' | tr '\n' ' ')
            c1=$(cpu_ticks "${procs[$p]}")
            case $n in *bad*) echo "bench/gateway_cpu.sh: non-2xx answers from ${names[$p]} ($path)" >&2; exit 1 ;; esac
            cpu[$p,$path]=$(( ${cpu[$p,$path]:-0} + c1 - c0 ))
            reqs[$p,$path]=$(( ${reqs[$p,$path]:-0} + ${n% } ))
        done
    done
done

echo "## Gateway CPU per request ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $rounds rounds x ${secs}s per proxy and body, c=32)"
echo
echo "| proxy | chat JSON: µs CPU / request | × nginx | SSE stream: µs CPU / stream | × nginx |"
echo "|---|---|---|---|---|"
for p in $(seq 0 $((${#names[@]} - 1))); do
    awk -v name="${names[$p]}" -v cc="${cpu[$p,chat]}" -v rc="${reqs[$p,chat]}" \
        -v cs="${cpu[$p,sse]}" -v rs="${reqs[$p,sse]}" -v nc="${cpu[0,chat]}" -v nrc="${reqs[0,chat]}" \
        -v ns="${cpu[0,sse]}" -v nrs="${reqs[0,sse]}" -v t="$tck" 'BEGIN {
        a = cc / t / rc * 1e6; b = cs / t / rs * 1e6; na = nc / t / nrc * 1e6; nb = ns / t / nrs * 1e6
        printf "| %s | %.1f | %.2f | %.1f | %.2f |\n", name, a, a / na, b, b / nb }'
done
