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
# shellcheck source=oom_lib.sh
. "$(dirname "$0")/oom_lib.sh"

export PORTCULLIS_CACHE_DIR="$T/cache"
torture "scan text" "$BIN" scan -q --format jsonl "$SRC/examples/data/support-ticket.txt"
torture "scan csv" "$BIN" scan -q --format jsonl "$SRC/examples/data/customers.csv"
torture "scan jsonl" "$BIN" scan -q --format sarif "$SRC/examples/data/chat-log.jsonl"
# gzip input (ISA-L's inflater), on one thread and cut into parts on two
gzip -c "$SRC/examples/data/support-ticket.txt" >"$T/ticket.txt.gz"
torture "scan gzip -j 1" "$BIN" scan -q -j 1 --format jsonl "$T/ticket.txt.gz"
torture "scan gzip -j 2" "$BIN" scan -q -j 2 --format jsonl "$T/ticket.txt.gz"
# standard input on two threads goes through the streamed-parts pipeline
torture "scan stdin -j 2" sh -c '"$1" scan -q -j 2 --format jsonl - < "$2"' sh "$BIN" \
    "$SRC/examples/data/support-ticket.txt"
torture "redact text -j 1" "$BIN" redact -j 1 "$SRC/examples/data/support-ticket.txt"
# with two threads, text, CSV and JSONL go through the worker pipeline
torture "redact text -j 2" "$BIN" redact -j 2 "$SRC/examples/data/support-ticket.txt"
torture "redact csv -j 2" "$BIN" redact -j 2 "$SRC/examples/data/customers.csv"
torture "redact jsonl -j 2" "$BIN" redact -j 2 "$SRC/examples/data/chat-log.jsonl"

oom_summary
