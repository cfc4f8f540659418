#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Throughput benchmark: `portcullis scan` against the in-process engine, ripgrep with the same
# seven PII regexes, and two npm redactors, on one generated corpus; prints a markdown report.
#
# Environment: SIZE (corpus size, default 128M), SEED, BUILD (build dir, default
# build/release), RUNS (best-of, default 3), NPM_PREFIX_MB (prefix for slow redactors, 16),
# SKIP_NPM=1 to leave the npm redactors out.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
SIZE=${SIZE:-128M}
SEED=${SEED:-0x5eedc0ffee15b00d}
RUNS=${RUNS:-3}
NPM_PREFIX_MB=${NPM_PREFIX_MB:-16}
OUT=$ROOT/bench/out
NPROC=$(nproc 2>/dev/null || echo 1)
CORPUS=$OUT/corpus-$SIZE.txt
SPLIT_DIR=$OUT/corpus-$SIZE.split
NSPLIT=16
# a tree of small files (a source tree, a folder of documents): the first 32 MiB of the corpus
# cut at line ends into files of at most 4 KiB
SMALL_DIR=$OUT/corpus-$SIZE.small
# the corpus' own records as structured files: its comma-separated records (short cells: ids,
# names, e-mail addresses, amounts, dates) three times over as CSV, and its JSON log records
# as JSONL (the first 32 MiB)
REC_CSV=$OUT/corpus-$SIZE.records.csv
REC_JSONL=$OUT/corpus-$SIZE.records.jsonl
# the corpus compressed (gzip -1, as logs are): inflating is the slow part of scanning it
GZ=$OUT/corpus-$SIZE.txt.gz

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

mkdir -p "$OUT"
REPORT=$OUT/results.md

# ---- build ----------------------------------------------------------------------------------
build_targets portcullis bench_gen_corpus bench_engine
BIN=$BUILD/portcullis
GEN=$BUILD/bench/bench_gen_corpus
ENGINE=$BUILD/bench/bench_engine
for b in "$BIN" "$GEN" "$ENGINE"; do
    [ -x "$b" ] || die "missing $b"
done

# ---- corpus (deterministic: regenerated when missing or older than the generator) ------------
if [ ! -s "$CORPUS" ] || [ ! -s "$CORPUS.planted" ] || [ "$GEN" -nt "$CORPUS" ] ||
    ! grep -q "seed $SEED\$" "$CORPUS.planted" 2>/dev/null; then
    log "generating $CORPUS"
    rm -rf "$SPLIT_DIR" "$SMALL_DIR" "$REC_CSV" "$REC_JSONL" "$GZ"
    "$GEN" --size "$SIZE" --seed "$SEED" --out "$CORPUS" 2>"$CORPUS.planted"
fi
if [ ! -d "$SPLIT_DIR" ]; then
    log "splitting the corpus into $NSPLIT files for the multi-file runs"
    mkdir -p "$SPLIT_DIR.tmp"
    split -n "l/$NSPLIT" -d -a 2 "$CORPUS" "$SPLIT_DIR.tmp/part-"
    mv "$SPLIT_DIR.tmp" "$SPLIT_DIR"
fi
if [ ! -d "$SMALL_DIR" ]; then
    log "cutting the first 32 MiB of the corpus into 4 KiB files for the small-file runs"
    mkdir -p "$SMALL_DIR.tmp"
    head -c 33554432 "$CORPUS" | split -C 4096 -d -a 5 - "$SMALL_DIR.tmp/f-"
    mv "$SMALL_DIR.tmp" "$SMALL_DIR"
fi
if [ ! -s "$REC_CSV" ] || [ ! -s "$REC_JSONL" ]; then
    log "extracting the corpus' CSV and JSON records"
    grep -E '^[0-9]+,[^ ]*,' "$CORPUS" >"$REC_CSV.tmp" || true
    cat "$REC_CSV.tmp" "$REC_CSV.tmp" "$REC_CSV.tmp" >"$REC_CSV"
    rm -f "$REC_CSV.tmp"
    grep '^{' "$CORPUS" | head -c 33554432 | sed '$d' >"$REC_JSONL" || true
fi
if [ ! -s "$GZ" ]; then
    log "compressing the corpus (gzip -1)"
    gzip -1 -c "$CORPUS" >"$GZ.tmp"
    mv "$GZ.tmp" "$GZ"
fi
NSMALL=$(find "$SMALL_DIR" -type f | wc -l)
SMALL_BYTES=$(cat "$SMALL_DIR"/* | wc -c)
BYTES=$(stat -c %s "$CORPUS")
MBYTES=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')
cat "$CORPUS" "$SPLIT_DIR"/* "$SMALL_DIR"/* "$GZ" >/dev/null # warm the page cache

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- timing helpers (best_of, mbps: bench/lib.sh) ----------------------------------------
ratio() { # a b -> a/b
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 <= 0) print "n/a";
                                     else if (a / b < 1) printf "%.2fx", a / b;
                                     else printf "%.1fx", a / b }'
}

ROWS=()
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }

# ---- portcullis scan ------------------------------------------------------------------------
log "portcullis scan (best of $RUNS)"
SCAN=("$BIN" scan --format jsonl --no-progress)
# one untimed run keeps the findings for the per-type table
rc=0
"${SCAN[@]}" --threads 1 "$CORPUS" >"$OUT/scan.jsonl" 2>"$OUT/scan.err" || rc=$?
if [ "$rc" -gt 1 ]; then
    log "portcullis scan failed (exit $rc):"
    sed 's/^/    /' "$OUT/scan.err" >&2
fi
SCAN_FINDINGS=$(grep -c "^{" "$OUT/scan.jsonl" || true)
# scan_row NAME BYTES WHAT NOTE OPTION... INPUT: time a scan (best of $RUNS), add its row (its
# mode is the options) and keep its wall time in T_<NAME> and its MB/s in <NAME>
scan_row() {
    local name=$1 bytes=$2 what=$3 note=$4 t
    shift 4
    t=$(best_of "${SCAN[@]}" "$@")
    printf -v "T_$name" '%s' "$t"
    printf -v "$name" '%s' "$(mbps "$bytes" "$t")"
    row "portcullis scan" "${*:1:$#-1}" "$what" "$t" "${!name}" "$note"
}
scan_row PC1 "$BYTES" "1 file" "$SCAN_FINDINGS findings" --threads 1 "$CORPUS"
scan_row PCN "$BYTES" "1 file" "" --threads "$NPROC" "$CORPUS"
scan_row PCD "$BYTES" "$NSPLIT files" "" --threads "$NPROC" "$SPLIT_DIR"
scan_row PCS1 "$SMALL_BYTES" "$NSMALL small files" "$SMALL_BYTES bytes in files of at most 4 KiB" \
    --threads 1 "$SMALL_DIR"
scan_row PCSN "$SMALL_BYTES" "$NSMALL small files" "" --threads "$NPROC" "$SMALL_DIR"
printf 'one line, no secrets\n' >"$OUT/tiny.txt"
T_START=$(best_of "${SCAN[@]}" --threads 1 "$OUT/tiny.txt")
T_COLD=$(best_of "${SCAN[@]}" --no-cache --threads 1 "$OUT/tiny.txt")
# structured input against the same bytes read as text
REC_CSV_BYTES=$(stat -c %s "$REC_CSV")
REC_JSONL_BYTES=$(stat -c %s "$REC_JSONL")
scan_row PCSV "$REC_CSV_BYTES" "CSV records" \
    "$REC_CSV_BYTES bytes, $(wc -l <"$REC_CSV") rows: per-cell scan, column profiles" \
    --threads 1 "$REC_CSV"
scan_row PCSVT "$REC_CSV_BYTES" "the same CSV" "" --threads 1 --input-format text "$REC_CSV"
scan_row PCSVN "$REC_CSV_BYTES" "the same CSV" \
    "split into parts of whole records (files of 16 MiB or more)" --threads "$NPROC" "$REC_CSV"
scan_row PJSONL "$REC_JSONL_BYTES" "JSONL records" \
    "$REC_JSONL_BYTES bytes, $(wc -l <"$REC_JSONL") lines: per-value scan, field profiles" \
    --threads 1 "$REC_JSONL"
scan_row PJSONLT "$REC_JSONL_BYTES" "the same JSONL" "" --threads 1 --input-format text "$REC_JSONL"
scan_row PJSONLN "$REC_JSONL_BYTES" "the same JSONL" \
    "split into parts of whole lines (files of 16 MiB or more)" --threads "$NPROC" "$REC_JSONL"
# MB/s of the corpus' own bytes (decompressed), so the rows compare with the plain file's
# standard input: one stream, cut into parts for the workers with several threads
scan_stdin() { "${SCAN[@]}" "$@" - <"$CORPUS"; }
scan_stdin_row() { # NAME WHAT NOTE OPTION...
    local name=$1 what=$2 note=$3 t
    shift 3
    t=$(best_of scan_stdin "$@")
    printf -v "$name" '%s' "$(mbps "$BYTES" "$t")"
    row "portcullis scan" "$* -" "$what" "$t" "${!name}" "$note"
}
scan_stdin_row PSTD1 "the corpus on stdin" "" --threads 1
scan_stdin_row PSTDN "the corpus on stdin" "cut into 4 MiB parts for the workers" --threads "$NPROC"
scan_row PGZ1 "$BYTES" "the corpus as gzip" "$(stat -c %s "$GZ") bytes compressed (gzip -1)" \
    --threads 1 "$GZ"
scan_row PGZN "$BYTES" "the corpus as gzip" "inflated on a thread of its own" \
    --threads "$NPROC" "$GZ"
row "portcullis scan" "--threads 1" "21-byte file" "$T_START" "" \
    "start-up with the compiled-detector cache warm (as in the rows above)"
row "portcullis scan" "--no-cache --threads 1" "21-byte file" "$T_COLD" "" \
    "start-up compiling every detector (first run, or cache disabled)"

# ---- in-process engine ------------------------------------------------------------------------
log "bench_engine (best of $RUNS)"
ENGINE_OUT=$("$ENGINE" --iters "$RUNS" --threads "$NPROC" "$CORPUS" 2>&1) || {
    log "bench_engine failed:"
    printf '%s\n' "$ENGINE_OUT" | sed 's/^/    /' >&2
    ENGINE_OUT="RESULT single_mbps=n/a multi_mbps=n/a findings=n/a compile_ms=n/a"
}
kv() { printf '%s\n' "$ENGINE_OUT" | grep '^RESULT' | tr ' ' '\n' | sed -n "s/^$1=//p"; }
EN1=$(kv single_mbps)
ENN=$(kv multi_mbps)
row "bench_engine (in-process)" "1 thread" "in memory" "" "$EN1" \
    "$(kv findings) findings; engine compile $(kv compile_ms) ms"
row "bench_engine (in-process)" "$NPROC threads" "in memory" "" "$ENN" \
    "$(kv multi_findings) findings (slices cut at newlines)"

# ---- ripgrep ----------------------------------------------------------------------------------
# The seven PII patterns as plain regexes (no checksum validation: rg cannot run Luhn or
# mod-97, so these over-match what portcullis reports). One combined search, -c = matching
# lines. `(?-u)` makes \b ASCII-only: with rg's default Unicode \b its DFA gives up on the
# corpus' non-ASCII words and rg falls back to a much slower engine (one extra row shows that).
RG_PATTERNS=(
    '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'                                    # email
    '(?:\+?1[-. ]?)?\(?\b[2-9][0-9]{2}\)?[-. ]?[2-9][0-9]{2}[-. ][0-9]{4}\b'            # US phone
    '\b(?:4[0-9]{3}|5[1-5][0-9]{2}|6011|3[47][0-9]{2})(?:[- ]?[0-9]{4,6}){2}(?:[- ]?[0-9]{1,4})?\b' # card
    '\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b'                                                    # US SSN
    '\b(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\b' # IPv4
    '\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b'                    # IBAN
    '\b(?:AKIA|ASIA)[A-Z2-7]{16}\b'                                                     # AWS key id
)
RG_ARGS=()
RG_UARGS=()
for p in "${RG_PATTERNS[@]}"; do
    RG_ARGS+=(-e "(?-u)$p")
    RG_UARGS+=(-e "$p")
done
if command -v rg >/dev/null 2>&1; then
    log "ripgrep (best of $RUNS)"
    RG_LINES=$(rg -c --no-config "${RG_ARGS[@]}" "$CORPUS" || true)
    RG_MATCHES=$(rg --count-matches --no-config "${RG_ARGS[@]}" "$CORPUS" || true)
    T_RG1=$(best_of rg -c --no-config -j1 "${RG_ARGS[@]}" "$CORPUS")
    T_RGN=$(best_of rg -c --no-config "${RG_ARGS[@]}" "$CORPUS")
    T_RGD=$(best_of rg -c --no-config "${RG_ARGS[@]}" "$SPLIT_DIR")
    T_RGU=$(RUNS=1 best_of rg -c --no-config -j1 "${RG_UARGS[@]}" "$CORPUS")
    T_RGS1=$(best_of rg -c --no-config -j1 "${RG_ARGS[@]}" "$SMALL_DIR")
    T_RGSN=$(best_of rg -c --no-config "${RG_ARGS[@]}" "$SMALL_DIR")
    RGS1=$(mbps "$SMALL_BYTES" "$T_RGS1")
    RGSN=$(mbps "$SMALL_BYTES" "$T_RGSN")
    RG1=$(mbps "$BYTES" "$T_RG1")
    RGN=$(mbps "$BYTES" "$T_RGN")
    RGD=$(mbps "$BYTES" "$T_RGD")
    row "ripgrep $(rg --version | head -1 | awk '{print $2}')" "-j1" "1 file" "$T_RG1" "$RG1" \
        "$RG_MATCHES matches on $RG_LINES lines (7 regexes, ASCII \\b, no validation)"
    row "ripgrep" "default (-j$NPROC)" "1 file" "$T_RGN" "$RGN" ""
    row "ripgrep" "default (-j$NPROC)" "$NSPLIT files" "$T_RGD" "$RGD" ""
    row "ripgrep" "-j1" "$NSMALL small files" "$T_RGS1" "$RGS1" ""
    row "ripgrep" "default (-j$NPROC)" "$NSMALL small files" "$T_RGSN" "$RGSN" ""
    row "ripgrep" "-j1, Unicode \\b (rg default)" "1 file" "$T_RGU" "$(mbps "$BYTES" "$T_RGU")" \
        "same regexes without (?-u); 1 run"
else
    log "rg not found (Debian package ripgrep): skipped"
    RG1=n/a RGN=n/a RGD=n/a RGS1=n/a RGSN=n/a
    row "ripgrep" "-" "-" "-" "n/a" "rg not installed"
fi

# ---- npm redactors ----------------------------------------------------------------------------
NPM_NOTE=""
NPM_BEST=n/a
NPM_BEST_NAME=""
run_npm() {
    local tmp
    if [ "${SKIP_NPM:-0}" = 1 ]; then
        NPM_NOTE="npm redactors skipped (SKIP_NPM=1)"
        return
    fi
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        NPM_NOTE="node/npm not installed: npm redactors skipped"
        return
    fi
    tmp=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    log "npm install @redactpii/node redact-pii into $tmp"
    if ! (cd "$tmp" && npm init -y >/dev/null 2>&1 &&
        timeout 300 npm install --no-audit --no-fund --loglevel=error \
            @redactpii/node redact-pii >"$tmp/npm.log" 2>&1); then
        NPM_NOTE="npm install failed (registry unreachable?): npm redactors skipped; see below"
        sed 's/^/    /' "$tmp/npm.log" | tail -5 >&2
        return
    fi
    # Both packages expose a synchronous redact(string) -> string (see their READMEs:
    # `new Redactor().redact(s)` in @redactpii/node, `new SyncRedactor().redact(s)` in
    # redact-pii). The timer covers only the redact loop, not reading the file or loading.
    cat >"$tmp/redact-bench.mjs" <<'EOF'
import { openSync, readSync, closeSync, fstatSync, readFileSync } from 'node:fs';

const [, , which, file, maxArg] = process.argv;
const fd = openSync(file, 'r');
const size = fstatSync(fd).size;
const want = Math.min(size, Number(maxArg) || size);
const raw = Buffer.alloc(want);
readSync(fd, raw, 0, want, 0);
closeSync(fd);
// cut at the last newline so every redacted line is whole
const cut = want < size ? raw.lastIndexOf(10) + 1 : want;
const text = raw.subarray(0, cut).toString('utf8');
const lines = text.split('\n');

const pkgVersion = (p) => JSON.parse(readFileSync(`node_modules/${p}/package.json`, 'utf8')).version;
let redact;
let version;
if (which === 'redactpii') {
  const { Redactor } = await import('@redactpii/node');
  const r = new Redactor();
  redact = (s) => r.redact(s);
  version = pkgVersion('@redactpii/node');
} else {
  const m = await import('redact-pii');
  const SyncRedactor = m.SyncRedactor ?? m.default.SyncRedactor;
  const r = new SyncRedactor();
  redact = (s) => r.redact(s);
  version = pkgVersion('redact-pii');
}
for (let i = 0; i < Math.min(lines.length, 2000); i++) redact(lines[i]); // JIT warm-up

const t0 = process.hrtime.bigint();
let changed = 0;
let outLen = 0;
for (const line of lines) {
  const o = redact(line);
  if (o !== line) changed++;
  outLen += o.length;
}
const sec = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ version, bytes: cut, total: size, seconds: sec,
  mbps: cut / 1e6 / sec, lines: lines.length, changed, outLen }));
EOF
    local name pkg cal cal_mbps limit res sec mb v changed bytes note
    for name in redactpii redact-pii; do
        pkg=$([ "$name" = redactpii ] && echo "@redactpii/node" || echo "redact-pii")
        log "$pkg: calibrating on 2 MB"
        if ! cal=$(cd "$tmp" && node redact-bench.mjs "$name" "$CORPUS" 2000000 2>"$tmp/err"); then
            row "npm $pkg" "node $(node --version)" "-" "-" "n/a" "failed: $(head -c 200 "$tmp/err" | tr '\n' ' ')"
            continue
        fi
        cal_mbps=$(printf '%s' "$cal" | sed -n 's/.*"mbps":\([0-9.e+-]*\).*/\1/p')
        # whole corpus when it takes under ~60 s, else a prefix of NPM_PREFIX_MB
        limit=$(awk -v m="$cal_mbps" -v b="$BYTES" -v p="$NPM_PREFIX_MB" \
            'BEGIN { if (m * 1e6 * 60 >= b) print b; else print p * 1000000 }')
        log "$pkg: ~$cal_mbps MB/s, running on $limit bytes"
        if ! res=$(cd "$tmp" && node redact-bench.mjs "$name" "$CORPUS" "$limit" 2>"$tmp/err"); then
            row "npm $pkg" "node" "-" "-" "n/a" "failed: $(head -c 200 "$tmp/err" | tr '\n' ' ')"
            continue
        fi
        sec=$(printf '%s' "$res" | sed -n 's/.*"seconds":\([0-9.e+-]*\).*/\1/p')
        v=$(printf '%s' "$res" | sed -n 's/.*"version":"\([^"]*\)".*/\1/p')
        changed=$(printf '%s' "$res" | sed -n 's/.*"changed":\([0-9]*\).*/\1/p')
        bytes=$(printf '%s' "$res" | sed -n 's/.*"bytes":\([0-9]*\).*/\1/p')
        mb=$(mbps "$bytes" "$(awk -v s="$sec" 'BEGIN { printf "%.3f", s }')")
        if [ "$bytes" -lt "$BYTES" ]; then
            note="first $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB prefix; MB/s measured on the prefix; "
            note+="est. full corpus $(awk -v b="$BYTES" -v m="$mb" 'BEGIN { printf "%.0f", b / 1e6 / m }') s"
        else
            note="whole corpus"
        fi
        row "npm $pkg $v" "node $(node --version), 1 thread" "line by line" \
            "$(awk -v s="$sec" 'BEGIN { printf "%.3f", s }')" "$mb" "$note; $changed lines changed"
        if [ "$NPM_BEST" = n/a ] || awk -v x="$mb" -v y="$NPM_BEST" 'BEGIN { exit !(x > y) }'; then
            NPM_BEST=$mb
            NPM_BEST_NAME=$pkg
        fi
    done
}
run_npm

# ---- per-type findings vs planted -------------------------------------------------------------
TYPES_TABLE=$(python3 - "$OUT/scan.jsonl" "$CORPUS.planted" <<'EOF'
import collections, json, sys
found = collections.Counter()
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    for line in f:
        try:
            found[json.loads(line).get("type", "?")] += 1
        except ValueError:
            pass
planted = {}
with open(sys.argv[2]) as f:
    for line in f:
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3 and parts[0] == "planted" and parts[2].isdigit():
            planted[parts[1].strip()] = int(parts[2])
print("| type | planted | portcullis findings |")
print("|---|---:|---:|")
for t in sorted(set(planted) | set(found)):
    print(f"| {t} | {planted.get(t, '-')} | {found.get(t, 0)} |")
EOF
) || TYPES_TABLE="(per-type table failed)"

# ---- report ---------------------------------------------------------------------------------
{
    echo "## Portcullis scan benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $NPROC CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r); load average before the run: $LOAD0"
    echo "- portcullis: $("$BIN" --version 2>/dev/null | head -1 || echo unknown) ($BUILD)"
    echo "- corpus: \`$(basename "$CORPUS")\`, $BYTES bytes ($MBYTES MB), seed $SEED; $(head -1 "$CORPUS.planted" | sed -n 's/.* bytes, \(.*\), seed.*/\1/p')"
    echo "- MB = 10^6 bytes; wall time is the best of $RUNS runs with output to /dev/null (\`--format jsonl\`); page cache warm"
    echo
    echo "| tool | mode | input | wall s | MB/s | notes |"
    echo "|---|---|---|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "Ratios:"
    echo "- portcullis --threads 1 / rg -j1: $(ratio "$PC1" "$RG1")"
    echo "- portcullis --threads 1 without its start-up cost ($T_START s): $(mbps "$BYTES" "$(awk -v a="$T_PC1" -v b="$T_START" 'BEGIN { if (a == "FAIL" || b == "FAIL") print "FAIL"; else printf "%.3f", a - b }')") MB/s"
    echo "- portcullis --threads $NPROC / rg default, 1 file: $(ratio "$PCN" "$RGN"); $NSPLIT files: $(ratio "$PCD" "$RGD")"
    echo "- $NSMALL small files: portcullis --threads 1 / rg -j1 $(ratio "$PCS1" "$RGS1"); --threads $NPROC / rg default $(ratio "$PCSN" "$RGSN")"
    echo "- structured / the same bytes as text, --threads 1: CSV $(ratio "$PCSV" "$PCSVT"), JSONL $(ratio "$PJSONL" "$PJSONLT")"
    if [ "$NPM_BEST" != n/a ]; then
        echo "- portcullis --threads 1 / fastest npm redactor ($NPM_BEST_NAME): $(ratio "$PC1" "$NPM_BEST")"
    fi
    if [ -n "$NPM_NOTE" ]; then
        echo
        echo "Note: $NPM_NOTE"
    fi
    echo
    echo "Findings per type on the corpus (\`portcullis scan --threads 1\`) against planted items:"
    echo
    printf '%s\n' "$TYPES_TABLE"
    echo
    echo "More findings than planted items are false positives on look-alike negatives (for"
    echo "IP_ADDRESS: browser versions such as \`Chrome/116.0.28.125\`); fewer are misses."
    echo
    echo "Caveats: rg runs 7 regexes without checksum validation and counts matches; the npm"
    echo "redactors are timed in-process over the redact loop only (file read and module load"
    echo "excluded); they run single-threaded in one node process."
} | tee "$REPORT"
log "report written to $REPORT"
