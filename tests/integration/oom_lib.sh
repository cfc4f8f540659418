# SPDX-License-Identifier: Apache-2.0
# Shared by the out-of-memory torture tests (sourced, not run): `torture NAME COMMAND...` runs
# COMMAND with the Nth allocation (and all after it) failing, N = 1, 2, ... until a run no longer
# notices (same exit code and output as a normal run). Every run must end with a documented exit
# code (never a signal: under AddressSanitizer a leak or a bad access aborts), and a run that
# fails must say so on stderr. Needs T (scratch dir) and MAX set; counts in runs and fails;
# `oom_summary` reports and sets the exit status.
runs=0
fails=0

torture() { # name, command...
    local name=$1
    shift
    local want n rc
    "$@" >"$T/want.out" 2>/dev/null
    want=$?
    for ((n = 1; n <= MAX; n++)); do
        PCL_FAIL_ALLOC=$n "$@" >"$T/out" 2>"$T/err"
        rc=$?
        runs=$((runs + 1))
        if [ "$rc" -ge 5 ]; then
            echo "FAIL: $name: allocation $n: exit $rc"
            tail -5 "$T/err"
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

oom_summary() {
    echo "$runs runs: $((runs - fails)) passed, $fails failed"
    test "$fails" -eq 0
}
