#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `portcullis audit` end to end: keys, appends, receipts, consistency, verification of a log
# and of an export bundle, tampering (change, drop, reorder, fork, truncation) caught at the
# exact index, erasure, export and purge, and bad input.
set -uo pipefail

BIN=${PCL_BIN:?}
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
pass=0
check() {
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
# expect NAME CODE CMD...: the command exits with CODE
expect() {
    local name=$1 code=$2; shift 2
    "$@" > "$T/out" 2> "$T/err"
    local rc=$?
    if [ "$rc" -eq "$code" ]; then pass=$((pass + 1)); else
        echo "FAIL: $name: exit $rc, want $code"; cat "$T/err"; fails=$((fails + 1)); fi
}
sql() { # DB SQL: run SQL on a log file with Python's sqlite3 (no sqlite3 binary needed)
    python3 - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit(); c.close()
PY
}
events() { # N [TAG]: N JSON events
    for i in $(seq 0 $(($1 - 1))); do printf '{"seq":%d,"tag":"%s"}\n' "$i" "${2:-a}"; done
}

cd "$T" || exit 1
export PORTCULLIS_AUDIT_DB="sqlite://$T/log.db"
"$BIN" audit keygen --name example.com/audit -o log.key > log.vkey
check "keygen writes a 0600 key" test "$(stat -c %a log.key)" = 600
check "keygen prints the verifier key" grep -q '^example.com/audit+[0-9a-f]\{8\}+' log.vkey
expect "keygen needs -o" 2 "$BIN" audit keygen --name x
"$BIN" audit keygen --name witness.example -o wit.key --cosign > wit.vkey
"$BIN" audit keygen --master -o master.key > /dev/null
check "master key is 64 hex" grep -qE '^[0-9a-f]{64}$' master.key

# appends: one checkpoint per entry so a fork is pinned to its index
events 30 | "$BIN" audit append --key-file log.key --checkpoint-every 1 > acks
check "every append acknowledged" test "$(wc -l < acks)" -eq 30
check "indexes in order" test "$(tail -1 acks)" = 29
expect "verify ok" 0 "$BIN" audit verify --vkey-file log.vkey
check "verify reports entries" grep -q "30 entries, 30 checkpoints" "$T/out"
expect "show" 0 "$BIN" audit show 7
check "entry carries its index" grep -q '"index":7' "$T/out"
cp "$T/out" e7
expect "prove" 0 "$BIN" audit prove 7
cp "$T/out" r7
check "receipt is a tlog-proof" grep -q '^c2sp.org/tlog-proof@v1$' r7
expect "receipt verifies" 0 "$BIN" audit verify --vkey-file log.vkey --receipt r7 --entry e7
"$BIN" audit show 8 > e8
expect "receipt of another entry fails" 1 "$BIN" audit verify --vkey-file log.vkey \
    --receipt r7 --entry e8
expect "consistency" 0 "$BIN" audit consistency 10 30
expect "consistency from 0 is refused" 2 "$BIN" audit consistency 0 30
expect "tail" 0 "$BIN" audit tail -n 3
check "tail prints 3" test "$(wc -l < "$T/out")" -eq 3
expect "show past the end" 2 "$BIN" audit show 99

# a witness cosigns the latest checkpoint; verify checks the cosignature
"$BIN" audit keygen --name example.com/audit -o other.key > other.vkey
"$BIN" audit checkpoint --key-file log.key > cp.note
expect "cosign" 0 sh -c "'$BIN' audit cosign --key-file wit.key --vkey-file log.vkey < cp.note"
cp "$T/out" cosigned.note
check "cosignature line added" test "$(grep -c '^— ' cosigned.note)" -eq 2
expect "verify with the witness key" 0 "$BIN" audit verify --vkey-file log.vkey \
    --witness-vkey-file wit.vkey --checkpoint cosigned.note
sed 's/^\(— witness.example \)\(.\)/\1A\2/' cosigned.note > badwit.note
expect "a bad cosignature fails" 1 "$BIN" audit verify --vkey-file log.vkey \
    --witness-vkey-file wit.vkey --checkpoint badwit.note
expect "cosign refuses a note of another log" 1 sh -c "'$BIN' audit cosign --key-file wit.key \
    --vkey-file other.vkey < cp.note"

# wrong keys
expect "verify with another key fails" 1 "$BIN" audit verify --vkey-file other.vkey
echo "not a key" > bad.vkey
expect "malformed verifier key" 2 "$BIN" audit verify --vkey-file bad.vkey
check "names the problem" grep -q "verifier key" "$T/err"
expect "append with another origin" 2 sh -c "echo '{}' | '$BIN' audit append --key-file wit.key"
expect "no key on argv" 2 "$BIN" audit append --key PRIVATE+KEY+x

# export bundle; tamper with it
expect "export bundle" 0 "$BIN" audit export --bundle bundle.jsonl
expect "bundle verifies" 0 "$BIN" audit verify --vkey-file log.vkey --bundle bundle.jsonl
python3 - bundle.jsonl <<'PY'
import base64, json, sys
lines = open(sys.argv[1]).read().splitlines(True)
def write(name, ls):
    open(name, "w").writelines(ls)
# change entry 12's content, keep its stored leaf hash
out = []
for l in lines:
    j = json.loads(l)
    if j.get("index") == 12:
        e = base64.b64decode(j["entry"]).replace(b'"seq":12', b'"seq":99')
        j["entry"] = base64.b64encode(e).decode()
        l = json.dumps(j) + "\n"
    out.append(l)
write("b-changed.jsonl", out)
write("b-dropped.jsonl", [l for l in lines if json.loads(l).get("index") != 20])
write("b-truncated.jsonl", lines[:-3])
write("b-cut.jsonl", lines[:-1] + [lines[-1][:20]])
PY
expect "bundle: changed entry" 1 "$BIN" audit verify --vkey-file log.vkey --bundle b-changed.jsonl
check "bundle: changed at 12" grep -q "first bad index 12$" "$T/out"
expect "bundle: dropped entry" 1 "$BIN" audit verify --vkey-file log.vkey --bundle b-dropped.jsonl
check "bundle: dropped at 20" grep -q "first bad index 20" "$T/out"
expect "bundle: truncated" 1 "$BIN" audit verify --vkey-file log.vkey --bundle b-truncated.jsonl
check "bundle: truncated at 27" grep -q "first bad index in 27..29" "$T/out"
expect "bundle: cut line" 3 "$BIN" audit verify --vkey-file log.vkey --bundle b-cut.jsonl
check "bundle: cut line named" grep -q "line $(wc -l < bundle.jsonl): truncated" "$T/err"

# tamper with the store itself
cp log.db clean.db
restore() { cp clean.db log.db; rm -f log.db-wal log.db-shm; }
sql log.db "UPDATE audit_leaf SET entry = replace(entry, '\"seq\":5,', '\"seq\":6,') WHERE idx = 5"
expect "store: changed" 1 "$BIN" audit verify --vkey-file log.vkey
check "store: changed at 5" grep -q "first bad index 5$" "$T/out"
restore
sql log.db "DELETE FROM audit_leaf WHERE idx = 9"
expect "store: dropped" 1 "$BIN" audit verify --vkey-file log.vkey
check "store: dropped at 9" grep -q "first bad index 9" "$T/out"
restore
sql log.db "UPDATE audit_leaf SET idx = -1 WHERE idx = 14; UPDATE audit_leaf SET idx = 14 WHERE idx = 15; UPDATE audit_leaf SET idx = 15 WHERE idx = -1"
expect "store: reordered" 1 "$BIN" audit verify --vkey-file log.vkey
check "store: reordered at 14" grep -q "first bad index 14$" "$T/out"
restore
sql log.db "DELETE FROM audit_leaf WHERE idx >= 25"
expect "store: tail dropped" 1 "$BIN" audit verify --vkey-file log.vkey
check "store: tail dropped at 25" grep -q "first bad index 25" "$T/out"
restore

# fork: two logs share entries 0..29, then diverge; an auditor holding the first log's
# checkpoints finds where the second one forked
cp log.db fork.db
events 5 main | "$BIN" audit append --key-file log.key --checkpoint-every 1 > /dev/null
"$BIN" audit prove 34 > main.tlog
sed -n '/^$/,$p' main.tlog | tail -n +2 > main.cp
events 5 fork | PORTCULLIS_AUDIT_DB="sqlite://$T/fork.db" "$BIN" audit append \
    --key-file log.key --checkpoint-every 1 > /dev/null
expect "fork verifies on its own" 0 env PORTCULLIS_AUDIT_DB="sqlite://$T/fork.db" \
    "$BIN" audit verify --vkey-file log.vkey
expect "fork against the main log's checkpoint" 1 env PORTCULLIS_AUDIT_DB="sqlite://$T/fork.db" \
    "$BIN" audit verify --vkey-file log.vkey --checkpoint main.cp
check "fork: the index range is named" grep -q "first bad index in 0..34" "$T/out"
# with every main checkpoint the fork point is exact
"$BIN" audit export --bundle main.jsonl
python3 - main.jsonl <<'PY'
import json, sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    if "checkpoint" in j:
        size = j["checkpoint"].split("\n")[1]
        open("main-%s.cp" % size, "w").write(j["checkpoint"])
PY
cps=(); for s in 30 31 32 33 34 35; do cps+=(--checkpoint "main-$s.cp"); done
expect "fork: exact index" 1 env PORTCULLIS_AUDIT_DB="sqlite://$T/fork.db" \
    "$BIN" audit verify --vkey-file log.vkey "${cps[@]}"
check "fork: first bad index 30" grep -q "first bad index 30$" "$T/out"

# payloads: export, erase (crypto-shredding), purge
echo "the prompt and the answer" > p.txt
expect "append with payload" 0 sh -c "echo '{\"type\":\"interaction\"}' | '$BIN' audit append \
    --key-file log.key --master-key-file master.key --subject alice --payload-file p.txt"
idx=$(cat "$T/out")
expect "payload needs the master key" 2 sh -c "echo '{}' | '$BIN' audit append \
    --key-file log.key --subject alice --payload-file p.txt"
"$BIN" audit show "$idx" > ep
check "leaf has no plaintext" sh -c "! grep -q 'prompt' ep && ! grep -q alice ep"
check "leaf has a commitment" grep -q '"payload":{"commit":' ep
expect "export subject" 0 "$BIN" audit export --subject alice --master-key-file master.key
check "export decrypts" grep -q '"payload":"the prompt and the answer\\n"' "$T/out"
expect "erase" 0 "$BIN" audit erase --subject alice --key-file log.key --master-key-file master.key
check "erase reports" grep -q "erased: 1 payloads" "$T/out"
expect "export after erase" 1 "$BIN" audit export --subject alice --master-key-file master.key
check "export says erased" grep -q "erased" "$T/err"
expect "erase logged" 0 "$BIN" audit tail -n 1
check "erasure event" grep -q '"action":"audit.erasure"' "$T/out"
check "erasure event hides the subject" sh -c "! grep -q alice '$T/out'"
expect "purge" 0 "$BIN" audit purge --older-than 0s --key-file log.key
expect "purge bad age" 2 "$BIN" audit purge --older-than soon --key-file log.key
expect "verify after erase and purge" 0 "$BIN" audit verify --vkey-file log.vkey

echo "audit: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
