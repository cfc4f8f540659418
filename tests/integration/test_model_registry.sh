#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of the model registry: register with scan, signature and datasets, lineage,
# promotion rules (clean scan + valid signature for production, two-person approval), the
# CycloneDX ML-BOM and the audit log.
set -uo pipefail

BIN=${PCL_BIN:?PCL_BIN must point at the portcullis binary}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass=0

check() { # name, condition command...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}

py() { /usr/bin/python3 -c "$@"; }

export PORTCULLIS_STORE="sqlite://$T/reg.db"
mkdir -p "$T/v1" "$T/data" "$T/evil"
printf '\x80\x02]q\x00.' > "$T/v1/weights.pkl"
echo "a,b" > "$T/data/train.csv"
printf 'cos\nsystem\n(S'"'"'id'"'"'\ntR.' > "$T/evil/weights.pkl"
openssl ecparam -name prime256v1 -genkey -noout -out "$T/k.pem" 2>/dev/null
openssl ec -in "$T/k.pem" -pubout -out "$T/pub.pem" 2>/dev/null

"$BIN" model register demo 1 "$T/v1" --dataset "$T/data" --by alice --audit-log "$T/audit.jsonl" > /dev/null; rc=$?
check "register unsigned" test "$rc" -eq 0
cp -r "$T/v1" "$T/v2"
printf '\x80\x02]q\x00K\x01.' > "$T/v2/weights.pkl"
"$BIN" model sign --key "$T/k.pem" "$T/v2" 2> /dev/null
"$BIN" model register demo 2 "$T/v2" --parent 1 --dataset "$T/data/train.csv" \
    --public-key "$T/pub.pem" --by alice --audit-log "$T/audit.jsonl" > /dev/null; rc=$?
check "register signed child" test "$rc" -eq 0
"$BIN" model register demo 2 "$T/v2" --public-key "$T/pub.pem" > /dev/null 2>&1; rc=$?
check "duplicate version refused" test "$rc" -eq 2
"$BIN" model register demo 3 "$T/v2" --parent 9 --public-key "$T/pub.pem" > /dev/null 2>&1; rc=$?
check "unknown parent refused" test "$rc" -eq 2
"$BIN" model sign --key "$T/k.pem" "$T/evil" 2> /dev/null
"$BIN" model register demo evil "$T/evil" --public-key "$T/pub.pem" > /dev/null; rc=$?
check "register malicious version" test "$rc" -eq 0

"$BIN" model show demo 2 > "$T/show.json"; rc=$?
check "show" py "
import json
v=json.load(open('$T/show.json'))
assert v['scan']=='clean' and v['signature']=='valid' and v['parent']=='1' and v['stage']=='registered', v
assert len(v['digest'])==64 and v['files']==1
"
"$BIN" model show demo evil | grep -q '"scan":"malicious"'
check "malicious scan recorded" test $? -eq 0
"$BIN" model list --format json demo > "$T/list.json"
check "list" py "import json; assert [v['version'] for v in json.load(open('$T/list.json'))]==['1','2','evil']"
"$BIN" model lineage demo 2 > "$T/lin.txt"
check "lineage shows parent" grep -q "^<- demo 1" "$T/lin.txt"
check "lineage shows datasets" grep -q "dataset .*train.csv (sha256:" "$T/lin.txt"

"$BIN" model promote demo 1 production --by alice > /dev/null 2>&1; rc=$?
check "unsigned cannot reach production" test "$rc" -eq 1
"$BIN" model promote demo evil production --by alice > /dev/null 2>&1; rc=$?
check "malicious cannot reach production" test "$rc" -eq 1
"$BIN" model promote demo 2 production --approvals 2 --by alice > /dev/null; rc=$?
check "first approval pending" test "$rc" -eq 1
"$BIN" model promote demo 2 production --approvals 2 --by alice > /dev/null; rc=$?
check "same principal twice is still one approval" test "$rc" -eq 1
"$BIN" model promote demo 2 production --approvals 2 --by bob --audit-log "$T/audit.jsonl" > /dev/null; rc=$?
check "second principal promotes" test "$rc" -eq 0
"$BIN" model show demo 2 | grep -q '"stage":"production"'
check "stage is production" test $? -eq 0
"$BIN" model promote demo 2 staging --by alice > /dev/null; rc=$?
check "staging needs no scan rules" test "$rc" -eq 0
"$BIN" model promote demo 2 nowhere --by alice > /dev/null 2>&1; rc=$?
check "unknown stage refused" test "$rc" -eq 1
"$BIN" model show demo 9 > /dev/null 2>&1; rc=$?
check "unknown version exits 3" test "$rc" -eq 3

"$BIN" model bom demo 2 -o "$T/bom.json"; rc=$?
check "bom" test "$rc" -eq 0
check "bom is CycloneDX 1.6 ML-BOM" py "
import json
b=json.load(open('$T/bom.json'))
assert b['bomFormat']=='CycloneDX' and b['specVersion']=='1.6' and b['serialNumber'].startswith('urn:uuid:')
c=b['metadata']['component']
assert c['type']=='machine-learning-model' and c['name']=='demo' and c['version']=='2'
assert c['hashes'][0]['alg']=='SHA-256' and len(c['hashes'][0]['content'])==64
assert [a['version'] for a in c['pedigree']['ancestors']]==['1']
d=b['components'][0]; assert d['type']=='data' and d['name'].endswith('train.csv') and len(d['hashes'][0]['content'])==64
assert b['dependencies'][0]['ref']=='model:demo@2' and b['dependencies'][0]['dependsOn']==[d['bom-ref']]
"
check "audit log" py "
import json
ev=[json.loads(l) for l in open('$T/audit.jsonl')]
assert [e['event'] for e in ev]==['register','register','promote'], ev
assert ev[2]['principal']=='bob' and ev[2]['component']=='model_registry'
"

echo "model registry: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
