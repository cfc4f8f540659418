#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Out-of-memory torture: run `portcullis scan` and `portcullis redact` on the bundled samples
# with the Nth allocation (and all after it) failing, for N = 1, 2, ... until a run no longer
# notices. Every run must end with one of the documented exit codes (never a signal: under
# AddressSanitizer a leak or a bad access aborts), and a run that fails must say so on stderr.
set -uo pipefail

BIN=${PCL_BIN:?}
SRC=${PCL_SOURCE_DIR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MAX=${PCL_OOM_MAX:-4000}
fails=0
runs=0

torture() { # name, command...
    local name=$1; shift
    local want n rc
    "$@" > "$T/want.out" 2> /dev/null
    want=$?
    for ((n = 1; n <= MAX; n++)); do
        PCL_FAIL_ALLOC=$n "$@" > "$T/out" 2> "$T/err"
        rc=$?
        runs=$((runs + 1))
        if [ "$rc" -ge 5 ]; then
            echo "FAIL: $name: allocation $n: exit $rc"; tail -5 "$T/err"
            fails=$((fails + 1))
            return
        fi
        if [ "$rc" -eq "$want" ] && cmp -s "$T/out" "$T/want.out"; then
            echo "$name: clean through $((n - 1)) failing allocations"
            return
        fi
        if [ "$rc" -ne "$want" ] && [ ! -s "$T/err" ]; then
            echo "FAIL: $name: allocation $n: exit $rc without a message"
            fails=$((fails + 1))
            return
        fi
    done
    echo "$name: stopped at $MAX allocations"
}

export PORTCULLIS_CACHE_DIR="$T/cache"
torture "scan text" "$BIN" scan -q --format jsonl "$SRC/examples/data/support-ticket.txt"
torture "scan csv" "$BIN" scan -q --format jsonl "$SRC/examples/data/customers.csv"
torture "scan jsonl" "$BIN" scan -q --format sarif "$SRC/examples/data/chat-log.jsonl"
torture "redact text" "$BIN" redact "$SRC/examples/data/support-ticket.txt"

echo "$runs runs: $((runs - fails)) passed, $fails failed"
test "$fails" -eq 0
