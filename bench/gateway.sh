#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Gateway overhead: wrk against (a) nginx proxy_pass and (b) `portcullis serve` with full
# inspection both ways, both in front of the same nginx upstream serving a fixed chat
# completion and a fixed SSE body. Reports added latency p50/p99 at c=1, throughput at c=32
# as a ratio to nginx, streaming time to first token, and RSS over a long run.
#
#   bash bench/gateway.sh            # BUILD=build/release DURATION=10s LONG_REQUESTS=1000000
#
# Protocol (2-core machine): the proxy under test (nginx or portcullis, one worker each) is
# pinned to CPU 0; the upstream nginx and wrk share CPU 1. Every figure is from one run of this
# script, so the ratios compare like with like.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build/release}
bin=$build/portcullis
duration=${DURATION:-10s}
long_requests=${LONG_REQUESTS:-1000000}
out=$root/bench/out
mkdir -p "$out"
# shellcheck source=bench/gateway_lib.sh
source "$root/bench/gateway_lib.sh"
gw_setup bench/gateway.sh
[ -x "$bin" ] || { echo "bench/gateway.sh: build first (make release)" >&2; exit 1; }

UP=18201 PX=18202 GW=18203
gw_start_nginx $UP $PX

gw_config "$tmp/gw.yaml" $GW $UP "sqlite://$tmp/keys.db"
key=$("$bin" keys --store "sqlite://$tmp/keys.db" create --name bench 2>/dev/null)
taskset -c 0 "$bin" serve --config "$tmp/gw.yaml" 2>"$tmp/gw.err" &
gw_pid=$!
pids+=($gw_pid)
for _ in $(seq 1 100); do curl -s "127.0.0.1:$GW/healthz" >/dev/null && break; sleep 0.05; done

body=$gw_body
gw_wrk_script "$tmp/post.lua" "$key"

# "p50 p99 rps" from wrk --latency output (latencies in ms)
run_wrk() { # conns url
    taskset -c 1 wrk -t1 -c"$1" -d"$duration" --latency -s "$tmp/post.lua" "$2" >"$tmp/wrk.out" 2>&1
    awk '
        function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
        $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
        /Non-2xx/ { bad = $NF }
        END { printf "%.3f %.3f %.0f %s\n", p50, p99, rps, (bad == "" ? 0 : bad) }' "$tmp/wrk.out"
}

echo "warming up..." >&2
DURATION_SAVE=$duration; duration=2s
run_wrk 8 "http://127.0.0.1:$GW/v1/chat/completions" >/dev/null
run_wrk 8 "http://127.0.0.1:$PX/v1/chat/completions" >/dev/null
duration=$DURATION_SAVE

read -r d50 d99 drps dbad < <(run_wrk 1 "http://127.0.0.1:$UP/v1/chat/completions")
read -r n50 n99 nrps nbad < <(run_wrk 1 "http://127.0.0.1:$PX/v1/chat/completions")
read -r g50 g99 grps gbad < <(run_wrk 1 "http://127.0.0.1:$GW/v1/chat/completions")
read -r _ _ n32 nbad32 < <(run_wrk 32 "http://127.0.0.1:$PX/v1/chat/completions")
read -r _ _ g32 gbad32 < <(run_wrk 32 "http://127.0.0.1:$GW/v1/chat/completions")
# the SSE body, streamed through each proxy
read -r _ _ ns32 _ < <(run_wrk 32 "http://127.0.0.1:$PX/v1/sse")
read -r _ _ gs32 gsbad < <(run_wrk 32 "http://127.0.0.1:$GW/v1/sse")

ttft() { # url -> median of 50 time_starttransfer in ms
    for _ in $(seq 1 50); do
        curl -s -o /dev/null -w '%{time_starttransfer}\n' "$1" -H "Authorization: Bearer $key" \
            -H 'Content-Type: application/json' -d "${body%\}},\"stream\":true}"
    done | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f\n", v[int((NR + 1) / 2)] * 1000 }'
}
t_up=$(ttft "http://127.0.0.1:$UP/v1/sse")
t_px=$(ttft "http://127.0.0.1:$PX/v1/sse")
t_gw=$(ttft "http://127.0.0.1:$GW/v1/sse")

rss() { awk '/VmRSS/ { print $2 }' "/proc/$gw_pid/status"; }
rss0=$(rss)
# a long run of $long_requests requests at c=32, RSS sampled at each quarter
per_quarter=$((long_requests / 4))
rss_series="$rss0"
done_requests=0
for _ in 1 2 3 4; do
    secs=$(awk -v n="$per_quarter" -v r="$g32" 'BEGIN { s = n / (r > 0 ? r : 1000); printf "%d", (s < 1 ? 1 : s + 0.5) }')
    taskset -c 1 wrk -t1 -c32 -d"${secs}s" -s "$tmp/post.lua" "http://127.0.0.1:$GW/v1/chat/completions" >"$tmp/long.out" 2>&1
    n=$(awk '/requests in/ { print $1 }' "$tmp/long.out")
    done_requests=$((done_requests + n))
    rss_series="$rss_series $(rss)"
done

added50=$(awk -v a="$g50" -v b="$d50" 'BEGIN { printf "%.3f", a - b }')
added99=$(awk -v a="$g99" -v b="$d99" 'BEGIN { printf "%.3f", a - b }')
nadded50=$(awk -v a="$n50" -v b="$d50" 'BEGIN { printf "%.3f", a - b }')
nadded99=$(awk -v a="$n99" -v b="$d99" 'BEGIN { printf "%.3f", a - b }')
ratio=$(awk -v a="$g32" -v b="$n32" 'BEGIN { printf "%.2f", a / b }')
sratio=$(awk -v a="$gs32" -v b="$ns32" 'BEGIN { printf "%.2f", a / b }')

cat <<EOF | tee "$out/gateway.md"
## Gateway overhead ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), wrk ${duration} per point)

| measure | upstream direct | nginx proxy_pass | portcullis (full inspection) |
|---|---|---|---|
| latency p50 at c=1 (ms) | $d50 | $n50 (+$nadded50) | $g50 (**+$added50**) |
| latency p99 at c=1 (ms) | $d99 | $n99 (+$nadded99) | $g99 (**+$added99**) |
| chat JSON, requests/s at c=32 | - | $n32 | $g32 (**${ratio}x nginx**) |
| SSE stream, requests/s at c=32 | - | $ns32 | $gs32 (**${sratio}x nginx**) |
| streaming time to first byte, median of 50 (ms) | $t_up | $t_px | $t_gw |
| non-2xx responses | $dbad | $nbad / $nbad32 | $gbad / $gbad32 / $gsbad |

RSS of the gateway (KiB) at start and after each quarter of $done_requests requests: $rss_series
EOF
