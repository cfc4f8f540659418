#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Interoperability: a Go program built offline from Debian's golang-go and
# golang-golang-x-mod-dev (golang.org/x/mod/sumdb/note and sumdb/tlog) verifies Portcullis's
# signed checkpoints, recomputes their roots from an export bundle, and checks receipts and
# consistency proofs.
set -uo pipefail

BIN=${PCL_BIN:?}
SRC=${PCL_SOURCE_DIR:?}
GOROOT_SRC=/usr/share/gocode
if ! command -v go > /dev/null 2>&1; then
    echo "skipped: go is not installed (Debian package golang-go)"
    exit 77
fi
if [ ! -d "$GOROOT_SRC/src/golang.org/x/mod/sumdb/tlog" ]; then
    echo "skipped: golang.org/x/mod is not installed (Debian package golang-golang-x-mod-dev)"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

# offline build: GOPATH mode over the Debian source tree, no module proxy
mkdir -p gopath/src/interop
cp "$SRC/tests/integration/go/interop.go" gopath/src/interop/
if ! GO111MODULE=off GOPATH="$T/gopath:$GOROOT_SRC" GOPROXY=off GOFLAGS= GOCACHE="$T/cache" \
    go build -o interop interop > build.log 2>&1; then
    cat build.log
    echo "FAIL: building the Go interop program"
    exit 1
fi

export PORTCULLIS_AUDIT_DB="sqlite://$T/log.db"
"$BIN" audit keygen --name example.com/interop -o log.key > log.vkey || exit 1
: > cps
# a checkpoint of the empty tree, then growth across tile-sized boundaries
"$BIN" audit checkpoint --key-file log.key > /dev/null || exit 1
for n in 1 6 249 768 300; do
    for i in $(seq 1 "$n"); do printf '{"n":%d,"text":"caf\\u00e9 \xe2\x82\xac"}\n' "$i"; done |
        "$BIN" audit append --key-file log.key > /dev/null || exit 1
    "$BIN" audit checkpoint --key-file log.key > /dev/null || exit 1
done
"$BIN" audit export --bundle bundle.jsonl || exit 1
args=()
for i in 0 1 7 255 256 1000 1323; do
    "$BIN" audit prove "$i" > "r$i.tlog" || exit 1
    args+=("receipt:r$i.tlog")
done
for pair in "1 2" "7 256" "256 1024" "255 1324" "1000 1324" "1324 1324"; do
    set -- $pair
    "$BIN" audit consistency "$1" "$2" > "c$1-$2.txt" || exit 1
    args+=("consistency:c$1-$2.txt")
done
if ! ./interop log.vkey bundle.jsonl "${args[@]}"; then
    echo "FAIL: Go verification"
    exit 1
fi
# and the other way: a tampered checkpoint is refused by Go too
sed -i '0,/"checkpoint":"example.com\/interop\\n1\\n/s//"checkpoint":"example.com\/interop\\n2\\n/' bundle.jsonl
if ./interop log.vkey bundle.jsonl > /dev/null 2>&1; then
    echo "FAIL: Go accepted a tampered checkpoint"
    exit 1
fi
echo "audit go interop: ok"
