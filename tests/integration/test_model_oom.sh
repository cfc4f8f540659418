#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Out-of-memory torture of `portcullis model scan`, `model sign` and `model verify`: the Nth
# allocation (and every one after it) fails, for N = 1, 2, ... until a run no longer notices.
# Every run must end with a documented exit code and a message (never a signal: under
# AddressSanitizer a leak or a bad access aborts). Inputs are crafted here.
set -uo pipefail

BIN=${PCL_BIN:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MAX=${PCL_OOM_MAX:-3000}
# shellcheck source=oom_lib.sh
. "$(dirname "$0")/oom_lib.sh"

mkdir -p "$T/m"
printf 'cpickle\nloads\n(c_codecs\nencode\n(Vcos\\u000asystem\\u000a(tR.\nVlatin1\ntRtR.' > "$T/m/nested.pkl"
printf '\x80\x04\x95\x20\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94h\x00h\x01\x93)R.' > "$T/m/memo.pkl"
/usr/bin/python3 - "$T/m" <<'PY'
import gzip, io, json, struct, sys, zipfile
d = sys.argv[1]
bio = io.BytesIO()
with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("archive/data.pkl", b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01.")
    z.writestr("archive/x.pkl", b"cos\nsystem\n(S'id'\ntR.")
open(d + "/model.pt", "wb").write(bio.getvalue())
open(d + "/w.pkl.gz", "wb").write(gzip.compress(b"\x80\x02]q\x00(K\x01K\x02e."))
h = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
open(d + "/w.safetensors", "wb").write(struct.pack("<Q", len(h)) + h + b"\0" * 8)
PY
torture "model scan" "$BIN" model scan --format json "$T/m"
openssl ecparam -name prime256v1 -genkey -noout -out "$T/k.pem" 2>/dev/null
openssl ec -in "$T/k.pem" -pubout -out "$T/pub.pem" 2>/dev/null
torture "model sign" "$BIN" model sign --key "$T/k.pem" -o "$T/m.sig" "$T/m"
"$BIN" model sign --key "$T/k.pem" -o "$T/m.sig" "$T/m" 2> /dev/null
torture "model verify" "$BIN" model verify --public-key "$T/pub.pem" --signature "$T/m.sig" "$T/m"

oom_summary
