#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sourced by bench/scan.sh and bench/redact.sh: messages, building the targets a script needs,
# and best-of-N wall-clock timing. Expects ROOT, BUILD, OUT and RUNS to be set.

log() { printf '%s\n' "bench: $*" >&2; }
die() {
    log "$*"
    exit 1
}

# build_targets TARGET...: in BUILD when it is configured, else `make release` for the default
# build directory.
build_targets() {
    if [ -f "$BUILD/CMakeCache.txt" ]; then
        log "building $* in $BUILD"
        cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 1)" --target "$@" >&2
    elif [ "$BUILD" = "$ROOT/build/release" ]; then
        log "no $BUILD yet: make release"
        make -C "$ROOT" release >&2
    else
        die "$BUILD has no CMakeCache.txt"
    fi
}

now_ns() { date +%s%N; }

# best_of CMD...: runs CMD $RUNS times, prints the best wall-clock seconds, or FAIL. Exit 0 or 1
# is accepted (`portcullis scan` and `rg -c` use 1 for "found" / "not found"). stdout goes to
# $BEST_STDOUT (default /dev/null; the last run's stays there), stderr to $OUT/last.err.
best_of() {
    local best="" i t0 t1 rc s
    for ((i = 0; i < RUNS; i++)); do
        t0=$(now_ns)
        rc=0
        "$@" >"${BEST_STDOUT:-/dev/null}" 2>"$OUT/last.err" || rc=$?
        t1=$(now_ns)
        if [ "$rc" -gt 1 ]; then
            log "command failed (exit $rc): $*"
            sed 's/^/    /' "$OUT/last.err" >&2
            echo "FAIL"
            return 0
        fi
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        if [ -z "$best" ] || awk -v x="$s" -v y="$best" 'BEGIN { exit !(x < y) }'; then
            best=$s
        fi
    done
    echo "$best"
}

mbps() { # bytes seconds
    if [ "$2" = "FAIL" ] || [ -z "$2" ]; then
        echo "n/a"
        return
    fi
    awk -v b="$1" -v s="$2" 'BEGIN { if (s <= 0) print "n/a"; else printf "%.1f", b / 1e6 / s }'
}
