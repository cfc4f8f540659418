#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Replay every seed corpus through the clang libFuzzer build (build/fuzz, `make fuzz`), with
# AddressSanitizer and UndefinedBehaviorSanitizer stopping at the first report. The gcc ASan
# build replays the same corpora under ctest; clang's UBSan checks more (null + 0, for one),
# and an input that takes more than a minute fails (a slow unit is a denial of service).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build/fuzz/fuzz}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
n=0
for bin in "$dir"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    corpus=fuzz/corpus/${name#fuzz_}
    if [ ! -d "$corpus" ]; then
        echo "fuzz-replay: $name: no seed corpus at $corpus" >&2
        status=1
        continue
    fi
    if ! "$bin" -runs=0 -timeout=60 -rss_limit_mb=4096 "$corpus" >"/tmp/pcl-fuzz-replay-$name.log" 2>&1; then
        echo "fuzz-replay: $name FAILED on $corpus; last lines of its log:" >&2
        tail -n 30 "/tmp/pcl-fuzz-replay-$name.log" >&2
        status=1
    fi
    n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
    echo "fuzz-replay: no targets in $dir (run make fuzz first)" >&2
    exit 1
fi
echo "fuzz-replay: $n targets replayed"
exit $status
