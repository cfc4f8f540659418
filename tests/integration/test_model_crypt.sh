#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of `portcullis model encrypt` / `decrypt` / `keygen`: round trips with a key
# file, an environment key, a passphrase and several X25519 recipients; every kind of damage
# (a flipped bit, truncation at a chunk boundary, a dropped or appended chunk, a wrong key)
# fails with exit 1 and leaves no output file.
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

head -c 3145728 /dev/urandom > "$T/model.bin"   # exactly 3 chunks: ends with an empty final one
head -c 1000 /dev/urandom > "$T/small.bin"
: > "$T/empty.bin"

"$BIN" model keygen -o "$T/k"; rc=$?
check "keygen" test "$rc" -eq 0
check "key file is private" test "$(stat -c %a "$T/k.key")" = 600
for f in model small empty; do
    "$BIN" model encrypt --key-file "$T/k.key" -o "$T/$f.enc" "$T/$f.bin"; rc=$?
    check "encrypt $f" test "$rc" -eq 0
    "$BIN" model decrypt --key-file "$T/k.key" -o "$T/$f.out" "$T/$f.enc"; rc=$?
    check "decrypt $f" test "$rc" -eq 0
    check "round trip $f" cmp -s "$T/$f.bin" "$T/$f.out"
done
check "ciphertext differs" test "$(head -c 100 "$T/model.enc" | od -An -tx1)" != "$(head -c 100 "$T/model.bin" | od -An -tx1)"

export PCL_TEST_KEY=$(cat "$T/k.key")
"$BIN" model decrypt --key-env PCL_TEST_KEY -o "$T/env.out" "$T/small.enc"; rc=$?
check "key from environment" test "$rc" -eq 0

fail_case() { # name, file
    rm -f "$T/bad.out"
    "$BIN" model decrypt --key-file "$T/k.key" -o "$T/bad.out" "$2" 2> "$T/err.txt"; rc=$?
    check "$1 exits 1" test "$rc" -eq 1
    check "$1 leaves no output" test ! -e "$T/bad.out"
    check "$1 leaves no temporary file" test -z "$(ls "$T" | grep 'bad.out.tmp')"
}
size=$(stat -c %s "$T/model.enc")
cp "$T/model.enc" "$T/flip.enc"; printf '\xff' | dd of="$T/flip.enc" bs=1 seek=2000000 conv=notrunc 2>/dev/null
fail_case "flipped bit" "$T/flip.enc"
head -c $((size - 17)) "$T/model.enc" > "$T/trunc-final.enc"
fail_case "dropped final chunk" "$T/trunc-final.enc"
head -c $((size - 17 - 1048593)) "$T/model.enc" > "$T/trunc.enc"
fail_case "truncated at a chunk boundary" "$T/trunc.enc"
head -c 5000 "$T/model.enc" > "$T/mid.enc"
fail_case "truncated mid-chunk" "$T/mid.enc"
cp "$T/model.enc" "$T/append.enc"; printf 'x' >> "$T/append.enc"
fail_case "appended data" "$T/append.enc"
"$BIN" model keygen -o "$T/k2"
rm -f "$T/bad.out"
"$BIN" model decrypt --key-file "$T/k2.key" -o "$T/bad.out" "$T/small.enc" 2> /dev/null; rc=$?
check "wrong key exits 1" test "$rc" -eq 1
check "wrong key leaves no output" test ! -e "$T/bad.out"

printf 'correct horse battery staple\n' > "$T/pass"
"$BIN" model encrypt --passphrase-file "$T/pass" -o "$T/p.enc" "$T/small.bin"; rc=$?
check "passphrase encrypt" test "$rc" -eq 0
PCL_PASS='correct horse battery staple' "$BIN" model decrypt --passphrase-env PCL_PASS -o "$T/p.out" "$T/p.enc"; rc=$?
check "passphrase decrypt" test "$rc" -eq 0
check "passphrase round trip" cmp -s "$T/small.bin" "$T/p.out"
PCL_PASS='wrong' "$BIN" model decrypt --passphrase-env PCL_PASS -o "$T/p2.out" "$T/p.enc" 2> /dev/null; rc=$?
check "wrong passphrase exits 1" test "$rc" -eq 1
"$BIN" model decrypt --key-file "$T/k.key" -o "$T/p3.out" "$T/p.enc" 2> "$T/err.txt"; rc=$?
check "mode mismatch is reported" grep -q "passphrase" "$T/err.txt"

"$BIN" model keygen --x25519 -o "$T/alice"
"$BIN" model keygen --x25519 -o "$T/bob"
"$BIN" model keygen --x25519 -o "$T/eve"
"$BIN" model encrypt --recipient "$T/alice.pub" --recipient "$T/bob.pub" -o "$T/r.enc" "$T/model.bin"; rc=$?
check "encrypt to two recipients" test "$rc" -eq 0
for who in alice bob; do
    "$BIN" model decrypt --identity "$T/$who.key" -o "$T/$who.out" "$T/r.enc"; rc=$?
    check "$who decrypts" test "$rc" -eq 0
    check "$who round trip" cmp -s "$T/model.bin" "$T/$who.out"
done
"$BIN" model decrypt --identity "$T/eve.key" -o "$T/eve.out" "$T/r.enc" 2> /dev/null; rc=$?
check "non-recipient exits 1" test "$rc" -eq 1
"$BIN" model encrypt -o "$T/x.enc" "$T/small.bin" 2> /dev/null; rc=$?
check "no key is usage" test "$rc" -eq 2
"$BIN" model encrypt --key-file "$T/k.key" --passphrase-file "$T/pass" -o "$T/x.enc" "$T/small.bin" 2> /dev/null; rc=$?
check "two key options is usage" test "$rc" -eq 2

echo "model encrypt/decrypt: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
