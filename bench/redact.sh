#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Redaction benchmark: `portcullis redact` with every operator and `portcullis unredact` on a
# generated corpus where every record carries a planted item (the per-finding costs: HMAC, FF1,
# SQLite), plus `redact --operator tag` and `scan` on the sparse scan corpus of bench/scan.sh
# (what redaction adds to a scan), each on one thread and on all of them (--threads); prints a
# markdown report.
#
# Environment: SIZE (dense corpus size, default 24M), SEED, BUILD (build dir, default
# build/release), RUNS (best-of, default 3; the vault rows run once each, on a fresh vault and
# then on the filled one), SCAN_SIZE (the scan corpus to reuse, default 128M; skipped when
# bench/scan.sh has not generated it), GEN (the corpus generator; default BUILD's, which an old
# build may lack --planted in).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
SIZE=${SIZE:-24M}
SEED=${SEED:-0x5eedc0ffee15b00d}
RUNS=${RUNS:-3}
SCAN_SIZE=${SCAN_SIZE:-128M}
OUT=$ROOT/bench/out
DENSE=$OUT/redact-$SIZE.txt
SPARSE=$OUT/corpus-$SCAN_SIZE.txt

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

mkdir -p "$OUT"
REPORT=$OUT/redact.md

build_targets portcullis bench_gen_corpus
BIN=$BUILD/portcullis
GEN=${GEN:-$BUILD/bench/bench_gen_corpus}
[ -x "$BIN" ] && [ -x "$GEN" ] || die "missing $BIN or $GEN"

if [ ! -s "$DENSE" ] || [ "$GEN" -nt "$DENSE" ]; then
    log "generating $DENSE (every record planted)"
    "$GEN" --size "$SIZE" --seed "$SEED" --planted 10000 --out "$DENSE" 2>"$DENSE.planted"
fi
BYTES=$(stat -c %s "$DENSE")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pcl_bench_redact.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
head -c 32 /dev/urandom >"$TMP/key"
KEY=(--key-file "$TMP/key")

# timed N CMD...: best seconds of N runs (bench/lib.sh's best_of), stdout kept in $TMP/out
timed() {
    local n=$1
    shift
    RUNS=$n BEST_STDOUT=$TMP/out best_of "$@"
}
per_s() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == "FAIL" || s <= 0) print "n/a"; else printf "%.0f", n / s }'; }

FINDINGS=$({ "$BIN" scan -q --no-progress --format jsonl "$DENSE" || [ $? -eq 1 ]; } | wc -l)
log "dense corpus: $BYTES bytes, $FINDINGS findings"
ROWS=()
row() { ROWS+=("| $1 | $2 | $3 | $(mbps "$BYTES" "$2") | $(per_s "$FINDINGS" "$2") |"); }

NCPU=$(nproc)
T=$(timed "$RUNS" "$BIN" scan -q --no-progress --threads 1 --format jsonl "$DENSE"); row "scan --threads 1 (for scale)" "$T" "-"
for op in tag mask hash; do
    T=$(timed "$RUNS" "$BIN" redact "${KEY[@]}" --threads 1 --operator "$op" "$DENSE"); row "redact --threads 1 --operator $op" "$T" "-"
done
T=$(timed "$RUNS" "$BIN" redact "${KEY[@]}" --threads "$NCPU" --operator tag "$DENSE"); row "redact --threads $NCPU --operator tag" "$T" "-"
T=$(timed "$RUNS" "$BIN" redact "${KEY[@]}" --threads "$NCPU" --operator fpe --fpe-fallback tag "$DENSE")
row "redact --threads $NCPU --operator fpe --fpe-fallback tag" "$T" "-"
T=$(timed "$RUNS" "$BIN" redact "${KEY[@]}" --threads 1 --operator fpe --fpe-fallback tag "$DENSE")
row "redact --threads 1 --operator fpe --fpe-fallback tag" "$T" "-"
cp "$TMP/out" "$TMP/red.fpe"
for j in 1 "$NCPU"; do
    T=$(timed "$RUNS" "$BIN" unredact "${KEY[@]}" --threads "$j" --operator fpe "$TMP/red.fpe")
    row "unredact --threads $j --operator fpe" "$T" "values under the tag fallback stay tags"
done
tokens() { /usr/bin/python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM pcl_vault_tokens").fetchone()[0])' "$1" 2>/dev/null || echo "?"; }
T=$(timed 1 "$BIN" redact "${KEY[@]}" --threads "$NCPU" --operator vault --vault "$TMP/vn.db" "$DENSE")
row "redact --threads $NCPU --operator vault, new vault" "$T" "$(tokens "$TMP/vn.db") tokens created"
T=$(timed 1 "$BIN" redact "${KEY[@]}" --threads 1 --operator vault --vault "$TMP/v.db" "$DENSE")
row "redact --threads 1 --operator vault, new vault" "$T" "$(tokens "$TMP/v.db") tokens created"
cp "$TMP/out" "$TMP/red.vault"
T=$(timed 1 "$BIN" redact "${KEY[@]}" --threads 1 --operator vault --vault "$TMP/v.db" "$DENSE"); row "redact --threads 1 --operator vault, every token known" "$T" "-"
T=$(timed 1 "$BIN" redact "${KEY[@]}" --threads "$NCPU" --operator vault --vault "$TMP/v.db" "$DENSE"); row "redact --threads $NCPU --operator vault, every token known" "$T" "-"
for j in 1 "$NCPU"; do
    T=$(timed 1 "$BIN" unredact "${KEY[@]}" --threads "$j" --vault "$TMP/v.db" "$TMP/red.vault"); row "unredact --threads $j (vault)" "$T" "-"
done
cmp -s "$TMP/out" "$DENSE" || log "WARNING: the vault round trip differs"

SPARSE_ROWS=()
if [ -s "$SPARSE" ]; then
    SB=$(stat -c %s "$SPARSE")
    TS=$(timed "$RUNS" "$BIN" scan -q --no-progress --threads 1 --format jsonl "$SPARSE")
    TR=$(timed "$RUNS" "$BIN" redact --threads 1 --operator tag "$SPARSE")
    TRN=$(timed "$RUNS" "$BIN" redact --threads "$NCPU" --operator tag "$SPARSE")
    SPARSE_ROWS+=("| scan --threads 1 | $TS | $(mbps "$SB" "$TS") |")
    SPARSE_ROWS+=("| redact --threads 1 --operator tag | $TR | $(mbps "$SB" "$TR") |")
    SPARSE_ROWS+=("| redact --threads $NCPU --operator tag | $TRN | $(mbps "$SB" "$TRN") |")
    # the same lines as a CSV (an id column and the line, quoted) and as JSON Lines
    awk 'BEGIN { print "id,text" } { gsub(/"/, "\"\""); printf "%d,\"%s\"\n", NR, $0 }' "$SPARSE" >"$TMP/sparse.csv"
    /usr/bin/python3 -c 'import json, sys
with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as f, open(sys.argv[2], "w") as o:
    for i, line in enumerate(f):
        o.write(json.dumps({"id": i, "text": line.rstrip("\n")}, ensure_ascii=False, default=str) + "\n")' "$SPARSE" "$TMP/sparse.jsonl" 2>/dev/null || rm -f "$TMP/sparse.jsonl"
    for f in sparse.csv sparse.jsonl; do
        [ -s "$TMP/$f" ] || continue
        FB=$(stat -c %s "$TMP/$f")
        for j in 1 "$NCPU"; do
            T=$(timed "$RUNS" "$BIN" redact --threads "$j" --operator tag "$TMP/$f")
            SPARSE_ROWS+=("| redact --threads $j --operator tag, as ${f#sparse.} ($FB bytes) | $T | $(mbps "$FB" "$T") |")
        done
    done
fi

{
    echo "## portcullis redact ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    echo
    echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
    echo "load average $(cut -d' ' -f1-3 /proc/loadavg); build $BUILD; best of $RUNS (vault rows: one run)."
    echo
    echo "Dense corpus: \`bench_gen_corpus --size $SIZE --planted 10000\` ($BYTES bytes, every record"
    echo "planted; $FINDINGS findings with the default detectors). Every --threads N gives the same"
    echo "output (and so does unredact)."
    echo
    echo "| command | seconds | note | MB/s | findings/s |"
    echo "|---|---:|---|---:|---:|"
    printf '%s\n' "${ROWS[@]}"
    if [ "${#SPARSE_ROWS[@]}" -gt 0 ]; then
        echo
        echo "Scan corpus of bench/scan.sh (\`$SPARSE\`, $SB bytes, 2 % of records planted), for"
        echo "comparison with the npm redactors' rows there:"
        echo
        echo "| command | seconds | MB/s |"
        echo "|---|---:|---:|"
        printf '%s\n' "${SPARSE_ROWS[@]}"
    fi
} | tee "$REPORT"
