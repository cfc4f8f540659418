# SPDX-License-Identifier: Apache-2.0
# Shared by bench/gateway.sh and bench/gateway_cpu.sh (sourced, not run): the fixed upstream
# bodies, the nginx upstream and the nginx proxy_pass under test, the gateway config with full
# inspection both ways, and the chat request wrk sends.
#
#   source bench/gateway_lib.sh; gw_setup SCRIPT_NAME   # sets $tmp and pids, cleans up on exit
#   gw_start_nginx UP_PORT PX_PORT       # upstream on CPU 1, proxy_pass on CPU 0
#   gw_config FILE LISTEN_PORT UP_PORT STORE_URL
#   gw_wrk_script FILE KEY

gw_cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$tmp/up/nginx.pid" ] && kill "$(cat "$tmp/up/nginx.pid")" 2>/dev/null || true
    [ -f "$tmp/px/nginx.pid" ] && kill "$(cat "$tmp/px/nginx.pid")" 2>/dev/null || true
    sleep 0.2
    rm -rf "$tmp"
}

gw_need_tools() { # script name
    for tool in wrk nginx taskset curl; do
        command -v "$tool" >/dev/null || { echo "$1: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
    done
}

# The common start of the scripts: a scratch folder, the list of processes to stop, both
# removed on exit, and the tools checked.
gw_setup() { # script name
    tmp=$(mktemp -d)
    pids=()
    trap gw_cleanup EXIT
    gw_need_tools "$1"
}

gw_body='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is the capital of France? Reply to jane.doe@example.com."}],"max_tokens":64}'

gw_nginx_conf() { # dir body
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

gw_start_nginx() { # upstream_port proxy_port
    local chat sse w
    chat='{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France. It has been the seat of government for centuries and is known for its museums, its food and its river."},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":32,"total_tokens":52}}'
    sse=""
    for w in Paris is the capital of France. It has been the seat of government for centuries and is known for its museums, its food and its river.; do
        sse+="data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"$w \"}}]}\n\n"
    done
    sse+='data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
    sse+='data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":32,"total_tokens":52}}\n\ndata: [DONE]\n\n'
    printf '%s' "$chat" >"$tmp/chat.json"
    printf "$sse" >"$tmp/chat.sse"
    gw_nginx_conf "$tmp/up" "
    server {
        listen 127.0.0.1:$1;
        location = /v1/chat/completions { default_type application/json; alias $tmp/chat.json; }
        location = /v1/sse { default_type text/event-stream; alias $tmp/chat.sse; }
        error_page 405 =200 \$uri;
    }"
    gw_nginx_conf "$tmp/px" "
    upstream up { server 127.0.0.1:$1; keepalive 64; }
    server {
        listen 127.0.0.1:$2;
        location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection \"\";
                     proxy_buffering off; }
    }"
    taskset -c 1 nginx -c "$tmp/up/nginx.conf"
    taskset -c 0 nginx -c "$tmp/px/nginx.conf"
}

gw_config() { # file listen_port upstream_port store_url
    cat >"$1" <<YAML
server: {listen: "127.0.0.1:$2", workers: 1}
store: $4
upstreams: [{name: up, url: "http://127.0.0.1:$3", api_key: sk-bench}]
limits: {per_key: {rpm: 1000000000, tpm: 1000000000000}}
policies:
  - name: full
    request: {default: redact, credential: block}
    response: {default: redact}
routes:
  - {path: /v1/chat/completions, api: chat}
  - {path: /v1/sse, api: chat, upstream_path: /v1/sse}
YAML
}

gw_wrk_script() { # file key
    cat >"$1" <<LUA
wrk.method = "POST"
wrk.body = '$gw_body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $2"
LUA
}
