#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Gateway instructions per request, load-independent: each build's `portcullis serve` runs
# under valgrind's callgrind in front of bench/gateway.sh's nginx upstream (same config, full
# inspection both ways); after a warm-up its counters are zeroed, wrk drives chat requests or
# SSE streams at c=8 for SECS seconds, and the instructions counted (all threads) are divided
# by the requests served. Instruction counts do not move with the machine's load the way
# times do, so they compare builds on a shared machine; they do not count the kernel's work.
#
#   bash bench/gateway_instr.sh build/release [other/build/release ...]   # SECS=10
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: bench/gateway_instr.sh BUILD_DIR [BUILD_DIR ...]" >&2; exit 2; }
secs=${SECS:-10}
# shellcheck source=bench/gateway_lib.sh
source "$root/bench/gateway_lib.sh"
gw_setup bench/gateway_instr.sh
for tool in valgrind callgrind_control callgrind_annotate; do
    command -v "$tool" >/dev/null || { echo "bench/gateway_instr.sh: $tool is missing (apt-get install valgrind)" >&2; exit 1; }
done

UP=18321 PX=18322 GW=18323
gw_start_nginx $UP $PX
sleep 0.3

echo "## Gateway instructions per request ($(date -u '+%Y-%m-%d %H:%M UTC'), callgrind, wrk c=8 for ${secs}s after a 3 s warm-up)"
echo
echo "| build | chat JSON: instructions / request | SSE stream: instructions / stream |"
echo "|---|---|---|"
i=0
for build in "$@"; do
    bin=$build/portcullis
    [ -x "$bin" ] || { echo "bench/gateway_instr.sh: no $bin" >&2; exit 1; }
    gw_config "$tmp/gw$i.yaml" $GW $UP "sqlite://$tmp/keys$i.db"
    key=$("$bin" keys --store "sqlite://$tmp/keys$i.db" create --name bench 2>/dev/null)
    gw_wrk_script "$tmp/post$i.lua" "$key"
    declare -A per=()
    for path in chat sse; do
        url=http://127.0.0.1:$GW/v1/$([ $path = chat ] && echo chat/completions || echo sse)
        out=$tmp/cg$i.$path
        valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" serve --config "$tmp/gw$i.yaml" \
            2>"$tmp/vg$i.$path.err" &
        vg=$!
        pids+=($vg)
        for _ in $(seq 1 200); do curl -s "127.0.0.1:$GW/healthz" >/dev/null && break; sleep 0.1; done
        taskset -c 1 wrk -t1 -c8 -d3s -s "$tmp/post$i.lua" "$url" >/dev/null
        callgrind_control -z "$vg" >/dev/null 2>&1
        n=$(taskset -c 1 wrk -t1 -c8 -d"${secs}s" -s "$tmp/post$i.lua" "$url" 2>&1 |
            awk '/requests in/ { print $1 } /Non-2xx/ { print "bad" }' | tr '\n' ' ')
        case $n in *bad*) echo "bench/gateway_instr.sh: non-2xx answers from $build ($path)" >&2; exit 1 ;; esac
        callgrind_control -d "$vg" >/dev/null 2>&1
        kill "$vg"
        wait "$vg" 2>/dev/null || true
        # the dump after zeroing holds the measured part; the one at exit only the tail
        total=$(for f in "$out".*; do
            callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
        done | sort -n | tail -1)
        per[$path]=$((total / ${n% }))
    done
    echo "| $build | ${per[chat]} | ${per[sse]} |"
    i=$((i + 1))
done
