#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Gateway cost per request, interleaved: CPU time (user + system, from /proc/<pid>/stat) the
# proxy spends per chat request and per SSE stream, for nginx proxy_pass and for one or more
# portcullis builds, all in front of the same nginx upstream (bench/gateway.sh's setup and
# bodies, full inspection both ways). Rounds alternate between the proxies so that a shared
# machine's load hits all of them alike; CPU per request moves much less with load than
# requests per second do.
#
#   bash bench/gateway_cpu.sh build/release [other/build/release ...]   # ROUNDS=5 SECS=3
#
# Pinning as in gateway.sh: proxies on CPU 0, upstream nginx and wrk on CPU 1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: bench/gateway_cpu.sh BUILD_DIR [BUILD_DIR ...]" >&2; exit 2; }
rounds=${ROUNDS:-5}
secs=${SECS:-3}
# shellcheck source=bench/gateway_lib.sh
source "$root/bench/gateway_lib.sh"
gw_setup bench/gateway_cpu.sh

UP=18301 PX=18302
gw_start_nginx $UP $PX
sleep 0.3
# the worker of the proxy nginx (its master does no request work)
px_pid=$(pgrep -P "$(cat "$tmp/px/nginx.pid")" | head -1)

names=(nginx) ports=($PX) procs=($px_pid)
i=0
for build in "$@"; do
    bin=$build/portcullis
    [ -x "$bin" ] || { echo "bench/gateway_cpu.sh: no $bin" >&2; exit 1; }
    port=$((18310 + i))
    gw_config "$tmp/gw$i.yaml" $port $UP "sqlite://$tmp/keys$i.db"
    key=$("$bin" keys --store "sqlite://$tmp/keys$i.db" create --name bench 2>/dev/null)
    echo "$key" >"$tmp/key$i"
    taskset -c 0 "$bin" serve --config "$tmp/gw$i.yaml" 2>"$tmp/gw$i.err" &
    pids+=($!)
    names+=("$build") ports+=($port) procs+=($!)
    for _ in $(seq 1 100); do curl -s "127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
    i=$((i + 1))
done

lua() { # key -> script path
    local f
    f=$tmp/post-$RANDOM.lua
    gw_wrk_script "$f" "$1"
    echo "$f"
}
scripts=("$(lua none)")
for k in $(seq 0 $((i - 1))); do scripts+=("$(lua "$(cat "$tmp/key$k")")"); done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)
declare -A cpu reqs
for r in $(seq 1 "$rounds"); do
    for p in $(seq 0 $((${#names[@]} - 1))); do
        for path in chat sse; do
            url=http://127.0.0.1:${ports[$p]}/v1/$([ $path = chat ] && echo chat/completions || echo sse)
            c0=$(cpu_ticks "${procs[$p]}")
            n=$(taskset -c 1 wrk -t1 -c32 -d"${secs}s" -s "${scripts[$p]}" "$url" 2>&1 |
                awk '/requests in/ { print $1 } /Non-2xx/ { print "bad" }' | tr '\n' ' ')
            c1=$(cpu_ticks "${procs[$p]}")
            case $n in *bad*) echo "bench/gateway_cpu.sh: non-2xx answers from ${names[$p]} ($path)" >&2; exit 1 ;; esac
            cpu[$p,$path]=$(( ${cpu[$p,$path]:-0} + c1 - c0 ))
            reqs[$p,$path]=$(( ${reqs[$p,$path]:-0} + ${n% } ))
        done
    done
done

echo "## Gateway CPU per request ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $rounds rounds x ${secs}s per proxy and body, c=32)"
echo
echo "| proxy | chat JSON: µs CPU / request | × nginx | SSE stream: µs CPU / stream | × nginx |"
echo "|---|---|---|---|---|"
for p in $(seq 0 $((${#names[@]} - 1))); do
    awk -v name="${names[$p]}" -v cc="${cpu[$p,chat]}" -v rc="${reqs[$p,chat]}" \
        -v cs="${cpu[$p,sse]}" -v rs="${reqs[$p,sse]}" -v nc="${cpu[0,chat]}" -v nrc="${reqs[0,chat]}" \
        -v ns="${cpu[0,sse]}" -v nrs="${reqs[0,sse]}" -v t="$tck" 'BEGIN {
        a = cc / t / rc * 1e6; b = cs / t / rs * 1e6; na = nc / t / nrc * 1e6; nb = ns / t / nrs * 1e6
        printf "| %s | %.1f | %.2f | %.1f | %.2f |\n", name, a, a / na, b, b / nb }'
done
