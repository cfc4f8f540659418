#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Prompt-injection figures for docs/benchmarks.md: held-out evaluation (grouped by source),
# the vigil-style baseline, per-language and per-obfuscation results, and latency on one core.
# usage: bench/injection.sh [BUILD_DIR]   (default build/release; needs ../shared/eval)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/release}
eval_dir=${PCL_EVAL_DIR:-$here/../shared/eval}/injection
bin="$build/portcullis"
data="$here/data/injection"
# The shipped model was trained on these sources only (plus data/injection/train/supplement.jsonl,
# with --balance-sources; docs/injection.md); every figure below excludes them. Within the
# held-out rows, injection_eval.jsonl served as the dev file and the others as test files
# (docs/benchmarks.md).
train=NVIDIA/garak,JailbreakBench/artifacts,sherdencooper/GPTFuzz,f/awesome-chatgpt-prompts,leolee99/PIGuard,openai/grade-school-math,yizhongw/self-instruct,cyberark/FuzzyAI

[ -d "$eval_dir" ] || { echo "no eval data in $eval_dir" >&2; exit 77; }
held="--exclude-sources $train"
all3="$eval_dir/injection_eval.jsonl $eval_dir/multilingual_obfuscated.jsonl $eval_dir/obfuscated_synthetic.jsonl"
for flag in 0.95 0.75; do
    echo "=== all three files (held-out sources), --flag $flag"
    "$bin" injection eval --data "$data" --flag "$flag" $held $all3 | sed -n 1,6p
    echo
done
for f in injection_eval multilingual_obfuscated obfuscated_synthetic benign_extra_nc; do
    echo "=== $f (held-out sources): portcullis (signatures + model)"
    "$bin" injection eval --data "$data" $held "$eval_dir/$f.jsonl"
    echo
    echo "=== $f (held-out sources): signatures only"
    "$bin" injection eval --data "$data" --no-model $held "$eval_dir/$f.jsonl" | sed -n 1,5p
    echo
    echo "=== $f (held-out sources): vigil-style baseline"
    "$bin" injection eval --signatures "$here/bench/vigil-baseline.sig" --no-model $held \
        "$eval_dir/$f.jsonl" | sed -n 1,5p
    echo
done
echo "=== all attacks of every source, vigil-style baseline (recall only)"
"$bin" injection eval --signatures "$here/bench/vigil-baseline.sig" --no-model \
    "$eval_dir/injection_eval.jsonl" "$eval_dir/multilingual_obfuscated.jsonl" | sed -n 1,3p
echo
echo "=== latency, one core (bench_injection, 2 rounds over injection_eval.jsonl)"
taskset -c 1 "$build/bench/bench_injection" "$data" 2 "$eval_dir/injection_eval.jsonl"
