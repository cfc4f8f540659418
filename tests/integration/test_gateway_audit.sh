#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The gateway writing every interaction and governance event to the tamper-evident log:
# entries appear, the whole log verifies against the published key, a client that asks gets
# an offline-verifiable receipt header for its interaction, metrics show the log, and no raw
# value reaches it.
set -uo pipefail

bin=${PCL_BIN:?}
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
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

"$bin" mock-upstream --listen 127.0.0.1:0 --port-file "$tmp/up.port" 2>/dev/null &
pids+=($!)
wait_file "$tmp/up.port" || exit 1
"$bin" audit keygen --name test.example/gateway-audit -o "$tmp/audit.key" >"$tmp/audit.vkey" 2>/dev/null
[ -s "$tmp/audit.vkey" ] || { echo "FAIL: audit keygen"; exit 1; }
store="sqlite://$tmp/keys.db"
key=$("$bin" keys --store "$store" create --name auditee 2>/dev/null)
cat >"$tmp/gw.yaml" <<EOF
server: {listen: "127.0.0.1:0", workers: 2}
store: $store
audit:
  log: sqlite://$tmp/audit.db
  signer_key_file: $tmp/audit.key
  checkpoint_every: 200ms
upstreams: [{name: mock, url: "http://127.0.0.1:$(cat "$tmp/up.port")"}]
EOF
"$bin" serve --config "$tmp/gw.yaml" --port-file "$tmp/gw.port" 2>"$tmp/gw.err" &
gw_pid=$!
pids+=($gw_pid)
wait_file "$tmp/gw.port" || { echo "FAIL: gateway did not start"; cat "$tmp/gw.err"; exit 1; }
gw="http://127.0.0.1:$(cat "$tmp/gw.port")"
chat() {
    curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$gw/v1/chat/completions" \
        -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"
}

for i in 1 2 3 4 5; do
    chat -d "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"mail $i@example.com\"}]}" >/dev/null
done
s=$(chat -d '{"model":"mock-leak","stream":true,"messages":[{"role":"user","content":"x"}]}')
# an upstream error (the mock answers a malformed mock-tokens-N with a 400 error object)
s=$(chat -d '{"model":"mock-tokens-x","messages":[{"role":"user","content":"x"}]}')
[ "$s" = 400 ]
check "upstream error passed through ($s)" $?
s=$(chat -H 'x-portcullis-receipt: 1' \
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"receipt please"}]}')
receipt=$(grep -i '^x-portcullis-receipt:' "$tmp/headers" | cut -d' ' -f2 | tr -d '\r')
index=$(grep -i '^x-portcullis-audit-index:' "$tmp/headers" | cut -d' ' -f2 | tr -d '\r')
[ "$s" = 200 ] && [ -n "$receipt" ] && [ -n "$index" ] && grep -q 'You said: receipt please' "$tmp/body"
check "receipt header on request (entry $index)" $?

kill -TERM "$gw_pid"
wait "$gw_pid"
check "gateway drains the audit queue and exits" $?

db="sqlite://$tmp/audit.db"
late=$("$bin" keys --config "$tmp/gw.yaml" create --name late 2>/dev/null)
"$bin" keys --config "$tmp/gw.yaml" revoke "${late:4:8}" 2>/dev/null
"$bin" audit tail --db "$db" -n 100 >"$tmp/tail" 2>/dev/null
n=$(grep -c '"kind":"interaction"' "$tmp/tail")
[ "$n" = 8 ]
check "every interaction logged (8 = $n)" $?
grep -q '"action":"start"' "$tmp/tail" && grep -q '"action":"shutdown"' "$tmp/tail"
check "governance events (start, shutdown) logged" $?
grep -q "\"action\":\"key.created\".*\"target\":\"${late:4:8}\"" "$tmp/tail" &&
    grep -q '"action":"key.revoked"' "$tmp/tail"
check "key changes made with the CLI are in the same log" $?
! grep -q -e '@example.com' -e 'receipt please' -e '4111' "$tmp/tail"
check "no raw prompt text or values in the log" $?
grep -q '"EMAIL_ADDRESS"' "$tmp/tail" && grep -q '"request_digest":"sha256:' "$tmp/tail"
check "entries hold findings counts and digests" $?
grep '"kind":"interaction"' "$tmp/tail" | grep '"status":400' | grep -q '"response_digest":"sha256:'
check "an upstream error's entry holds the digest of its answer" $?
"$bin" audit verify --db "$db" --vkey-file "$tmp/audit.vkey" >"$tmp/verify.out" 2>&1
check "the whole log verifies against the published key" $?
printf '%s' "$receipt" | base64 -d >"$tmp/receipt.tlog"
"$bin" audit show --db "$db" "$index" >"$tmp/entry.json" 2>/dev/null
"$bin" audit verify --vkey-file "$tmp/audit.vkey" --receipt "$tmp/receipt.tlog" --entry "$tmp/entry.json" >/dev/null 2>&1
check "the receipt verifies offline for its entry" $?
"$bin" audit show --db "$db" 0 >"$tmp/other.json" 2>/dev/null
! "$bin" audit verify --vkey-file "$tmp/audit.vkey" --receipt "$tmp/receipt.tlog" --entry "$tmp/other.json" >/dev/null 2>&1
check "... and not for another entry" $?

echo "$fails failed"
[ "$fails" = 0 ]
