#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# TLS on both sides of the gateway: termination with the configured cert, and an HTTPS
# upstream (nginx from Debian in front of the mock) that requires a client certificate
# (mTLS) and is verified against a private CA. Also: a wrong CA or a missing client cert fails
# with a 502, never silently in plain text.
set -uo pipefail

bin=${PCL_BIN:?}
for tool in openssl nginx curl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "skipped: $tool is not installed"; exit 77; }
done
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
check() { if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
wait_file() {
    for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.05; done
    return 1
}
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# a private CA, a server cert for 127.0.0.1/localhost, a client cert, and an unrelated CA
cd "$tmp"
ossl() { openssl "$@" >/dev/null 2>&1; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=test-ca \
    -keyout ca.key -out ca.pem
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=other-ca \
    -keyout other.key -out other.pem
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
for who in server client; do
    ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" \
        -keyout $who.key -out $who.csr
    ossl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile san.ext -out $who.pem
done
[ -s server.pem ] && [ -s client.pem ] || { echo "FAIL: openssl could not make certificates"; exit 1; }

"$bin" mock-upstream --listen 127.0.0.1:0 --port-file up.port --require-key sk-up 2>/dev/null &
pids+=($!)
wait_file up.port || exit 1
tls_port=$(port)
cat >nginx.conf <<EOF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err warn;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fcgi; uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;
    server {
        listen 127.0.0.1:$tls_port ssl;
        ssl_certificate $tmp/server.pem; ssl_certificate_key $tmp/server.key;
        ssl_client_certificate $tmp/ca.pem; ssl_verify_client on;
        location / { proxy_pass http://127.0.0.1:$(cat up.port); proxy_buffering off; }
    }
}
EOF
nginx -c "$tmp/nginx.conf" || { echo "FAIL: nginx did not start"; cat nginx.err; exit 1; }
for _ in $(seq 1 50); do [ -s nginx.pid ] && break; sleep 0.05; done

store="sqlite://$tmp/keys.db"
key=$("$bin" keys --store "$store" create --name tls 2>/dev/null)
cat >gw.yaml <<EOF
server: {listen: "127.0.0.1:0", workers: 1, tls: {cert: $tmp/server.pem, key: $tmp/server.key}}
store: $store
upstreams:
  - {name: good, url: "https://127.0.0.1:$tls_port", api_key: sk-up, ca_file: $tmp/ca.pem,
     client_cert: $tmp/client.pem, client_key: $tmp/client.key}
  - {name: wrongca, url: "https://127.0.0.1:$tls_port", api_key: sk-up, ca_file: $tmp/other.pem,
     client_cert: $tmp/client.pem, client_key: $tmp/client.key}
  - {name: nocert, url: "https://127.0.0.1:$tls_port", api_key: sk-up, ca_file: $tmp/ca.pem}
routes:
  - {path: /v1/chat/completions, api: chat, upstream: good}
  - {path: /wrongca/v1/chat/completions, api: chat, upstream: wrongca, upstream_path: /v1/chat/completions}
  - {path: /nocert/v1/chat/completions, api: chat, upstream: nocert, upstream_path: /v1/chat/completions}
EOF
"$bin" serve --config gw.yaml --port-file gw.port 2>gw.err &
pids+=($!)
wait_file gw.port || { echo "FAIL: gateway did not start"; cat gw.err; exit 1; }
gw="https://127.0.0.1:$(cat gw.port)"

post() { # path -> status; body in $tmp/resp.out
    curl -s --cacert ca.pem -o resp.out -w '%{http_code}' "$gw$1" -H "Authorization: Bearer $key" \
        -H 'Content-Type: application/json' \
        -d '{"model":"mock-leak","stream":true,"messages":[{"role":"user","content":"hi"}]}'
}
s=$(post /v1/chat/completions)
[ "$s" = 200 ] && grep -q 'DONE' resp.out && ! grep -q '4111' resp.out
check "TLS termination + HTTPS upstream with mTLS, stream inspected" $?
s=$(curl -s -o /dev/null -w '%{http_code}' --cacert other.pem "$gw/healthz")
[ "$s" = 000 ]
check "clients verifying against another CA refuse the gateway's cert" $?
s=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(cat gw.port)/healthz")
[ "$s" != 200 ]
check "plain HTTP is not served on the TLS port" $?
s=$(post /wrongca/v1/chat/completions)
[ "$s" = 502 ]
check "upstream cert not signed by the configured CA: 502" $?
s=$(post /nocert/v1/chat/completions)
[ "$s" = 502 ] || [ "$s" = 400 ]
check "upstream requires a client cert we lack: refused ($s)" $?

echo "$fails failed"
[ "$fails" = 0 ]
