#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of `portcullis model sign` / `model verify`: every upstream OpenSSF Model
# Signing vector verifies (key, certificate, Sigstore and the v0.2 legacy encoding), tampering
# is reported file by file, and Portcullis's own signatures (P-256/384/521 keys, a certificate
# chain made here with openssl, files and shards) verify with the same code.
set -uo pipefail

BIN=${PCL_BIN:?PCL_BIN must point at the portcullis binary}
EVAL=${PCL_EVAL_DIR:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass=0

check() { # name, condition command...
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}

py() { /usr/bin/python3 -c "$@"; }

# --- upstream vectors
VS="$EVAL/models/model-signing"
if [ -n "$EVAL" ] && [ -f "$VS/vectors.jsonl" ]; then
    while IFS= read -r line; do
        eval "$(py "
import json,shlex,sys
v=json.loads(sys.argv[1])
args=[]
if v['method']=='elliptic-key': args+=['--public-key','$VS/'+v['public_key']]
elif v['method']=='certificate': args+=['--certificate-chain','$VS/'+v['certificate_chain']]
else: args+=['--trust-root','$VS/golden/custom_trust_config.json','--identity',v['identity'],'--identity-provider',v['identity_provider']]
for p in v.get('ignore_paths',[]): args+=['--ignore-paths',p]
print('dir=%s; args=(%s)' % (shlex.quote('$VS/'+v['model_dir']), ' '.join(shlex.quote(a) for a in args)))
" "$line")"
        "$BIN" model verify "${args[@]}" "$dir" > "$T/v.txt" 2>&1; rc=$?
        check "vector $(basename "$dir") verifies" test "$rc" -eq 0
        [ "$rc" -eq 0 ] || cat "$T/v.txt"
    done < "$VS/vectors.jsonl"
    # tampering with a copy of a vector
    cp -r "$VS/vectors/v1.0.1-elliptic-key" "$T/vec" && chmod -R u+w "$T/vec"
    printf 'X' >> "$T/vec/signme-1"
    rm "$T/vec/signme-2"
    echo new > "$T/vec/extra"
    "$BIN" model verify --public-key "$VS/keys/signing-key-pub.pem" --ignore-paths ignore-me \
        --format json "$T/vec" > "$T/t.json"; rc=$?
    check "tampered vector exits 1" test "$rc" -eq 1
    check "every change listed" py "
import json
d=json.load(open('$T/t.json'))
c={(x['kind'],x['name']) for x in d['changes']}
assert c=={('modified','signme-1'),('removed','signme-2'),('added','extra')}, c
assert d['signature_ok'] and not d['valid']
"
    "$BIN" model verify --public-key "$VS/keys/signing-key-pub.pem" "$VS/vectors/v1.0.1-elliptic-key" > /dev/null; rc=$?
    check "unlisted file without --ignore-paths is invalid" test "$rc" -eq 1
    "$BIN" model verify --trust-root "$VS/golden/custom_trust_config.json" --identity nobody@example.com \
        "$VS/vectors/v1.0.0-sigstore" > /dev/null; rc=$?
    check "wrong Sigstore identity is invalid" test "$rc" -eq 1
    # the Rekor entry: verified when intact, each tampering named
    SIG_ID=(--trust-root "$VS/golden/custom_trust_config.json" --identity stefanb@us.ibm.com
        --identity-provider https://sigstore.verify.ibm.com/oauth2)
    "$BIN" model verify "${SIG_ID[@]}" --format json "$VS/vectors/v1.0.0-sigstore" > "$T/r.json"; rc=$?
    check "Sigstore bundle with its Rekor entry verifies" test "$rc" -eq 0
    check "tlog_verified reported" py "
import json; assert json.load(open('$T/r.json'))['tlog_verified']"
    "$BIN" model verify --public-key "$VS/keys/signing-key-pub.pem" --format json \
        "$VS/vectors/v1.0.0-elliptic-key" > "$T/r.json"
    check "key bundles report no tlog" py "
import json; assert not json.load(open('$T/r.json'))['tlog_verified']"
    cp -r "$VS/vectors/v1.0.0-sigstore" "$T/rk" && chmod -R u+w "$T/rk"
    tamper() { # $1 = python statement on te (the tlog entry) or tr (trust root); $2 = expected reason
        py "
import json
b=json.load(open('$VS/vectors/v1.0.0-sigstore/model.sig'))
te=b['verificationMaterial']['tlogEntries'][0]
tr=json.load(open('$VS/golden/custom_trust_config.json'))
$1
json.dump(b,open('$T/rk/model.sig','w'))
json.dump(tr,open('$T/tr.json','w'))
" || return 1
        "$BIN" model verify --trust-root "$T/tr.json" --identity stefanb@us.ibm.com \
            --format json "$T/rk" > "$T/r.json"
        py "
import json
d=json.load(open('$T/r.json'))
assert not d['valid'] and not d['tlog_verified'], d
assert '$2' in d['reason'], d['reason']"
    }
    check "tampered proof hash rejected" tamper "
h=te['inclusionProof']['hashes']; h[3]=h[4]" "inclusion proof"
    check "moved integration time rejected" tamper "
te['integratedTime']=str(int(te['integratedTime'])+60)" "signed entry timestamp"
    check "forged checkpoint rejected" tamper "
e=te['inclusionProof']['checkpoint']['envelope']; te['inclusionProof']['checkpoint']['envelope']=e.replace('\n84439920\n','\n84439921\n')" "checkpoint"
    check "entry for another envelope rejected" tamper "
import base64
body=json.loads(base64.b64decode(te['canonicalizedBody']))
body['spec']['payloadHash']['value']='0'*64
te['canonicalizedBody']=base64.b64encode(json.dumps(body).encode()).decode()" "payload hash"
    check "unknown log rejected" tamper "
tr['trustedRoot']['tlogs']=[]" "does not name"
    check "missing entry rejected" tamper "
b['verificationMaterial']['tlogEntries']=[]" "no transparency-log entry"
else
    echo "note: PCL_EVAL_DIR/models/model-signing absent; vector checks skipped"
fi

# --- our own signatures
mkdir -p "$T/m/sub"
printf 'weights' > "$T/m/w.bin"
head -c 2500 /dev/urandom > "$T/m/sub/big.bin"
: > "$T/m/empty"
for curve in prime256v1 secp384r1 secp521r1; do
    openssl ecparam -name "$curve" -genkey -noout -out "$T/k.pem" 2>/dev/null
    openssl ec -in "$T/k.pem" -pubout -out "$T/pub.pem" 2>/dev/null
    "$BIN" model sign --key "$T/k.pem" -o "$T/m.sig" "$T/m" 2> /dev/null; rc=$?
    check "sign with $curve" test "$rc" -eq 0
    "$BIN" model verify --public-key "$T/pub.pem" --signature "$T/m.sig" "$T/m" > /dev/null; rc=$?
    check "verify with $curve" test "$rc" -eq 0
done
"$BIN" model sign --key "$T/k.pem" --shards --shard-size 1000 -o "$T/s.sig" "$T/m" 2> /dev/null
"$BIN" model verify --public-key "$T/pub.pem" --signature "$T/s.sig" --format json "$T/m" > "$T/s.json"; rc=$?
check "shards verify" test "$rc" -eq 0
check "shards listed" py "
import json,base64
d=json.load(open('$T/s.json')); assert d['resources']==5, d   # 2500 bytes -> 3 shards, + w.bin + empty
b=json.load(open('$T/s.sig'))
st=json.loads(base64.b64decode(b['dsseEnvelope']['payload']))
assert st['predicateType']=='https://model_signing/signature/v1.0'
assert st['predicate']['serialization']['method']=='shards'
assert 'sub/big.bin:1000:2000' in [r['name'] for r in st['predicate']['resources']]
"
openssl ecparam -name prime256v1 -genkey -noout -out "$T/other.pem" 2>/dev/null
openssl ec -in "$T/other.pem" -pubout -out "$T/otherpub.pem" 2>/dev/null
"$BIN" model verify --public-key "$T/otherpub.pem" --signature "$T/m.sig" "$T/m" > /dev/null; rc=$?
check "wrong key is invalid" test "$rc" -eq 1
"$BIN" model sign --key "$T/k.pem" "$T/m" 2> /dev/null
check "default signature path" test -f "$T/m/model.sig"
"$BIN" model verify --public-key "$T/pub.pem" "$T/m" > /dev/null; rc=$?
check "default signature is not part of the manifest" test "$rc" -eq 0
"$BIN" model sign --key "$T/m/w.bin" "$T/m" > /dev/null 2>&1; rc=$?
check "bad key exits 4" test "$rc" -eq 4
"$BIN" model sign "$T/m" > /dev/null 2>&1; rc=$?
check "missing --key is usage" test "$rc" -eq 2

# certificate chain: root CA -> leaf with digitalSignature, made here
cat > "$T/leaf.ext" <<'EXT'
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
EXT
cat > "$T/ca.ext" <<'EXT'
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
EXT
openssl ecparam -name secp384r1 -genkey -noout -out "$T/ca.key" 2>/dev/null
openssl req -new -x509 -key "$T/ca.key" -subj "/CN=test-root" -days 30 -out "$T/ca.pem" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl ecparam -name secp384r1 -genkey -noout -out "$T/leaf.key" 2>/dev/null
openssl req -new -key "$T/leaf.key" -subj "/CN=model-signer" -out "$T/leaf.csr" 2>/dev/null
openssl x509 -req -in "$T/leaf.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 30 \
    -extfile "$T/leaf.ext" -out "$T/leaf.pem" 2>/dev/null
"$BIN" model sign --key "$T/leaf.key" --cert "$T/leaf.pem" -o "$T/c.sig" "$T/m" 2> /dev/null; rc=$?
check "sign with a certificate" test "$rc" -eq 0
"$BIN" model verify --certificate-chain "$T/ca.pem" --signature "$T/c.sig" "$T/m" > "$T/c.txt"; rc=$?
check "certificate chain verifies" test "$rc" -eq 0
check "signer named" grep -q "CN=model-signer" "$T/c.txt"
openssl req -new -x509 -key "$T/other.pem" -subj "/CN=other-root" -days 30 -out "$T/other-ca.pem" 2>/dev/null
"$BIN" model verify --certificate-chain "$T/other-ca.pem" --signature "$T/c.sig" "$T/m" > /dev/null; rc=$?
check "untrusted chain is invalid" test "$rc" -eq 1

echo "model sign/verify: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
