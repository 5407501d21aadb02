#!/usr/bin/env bash
# Issue 8, side by side in INSTRUCTIONS instead of seconds: this machine's speed drifts by up to
# 2x within seconds (shared host), so even interleaved timings give per-round ratios spread over
# 2x; instruction counts (valgrind --tool=callgrind) are the same on every run.
#
# For each case, eoscert (benches/workloads.rs) and python-flint (benches/reference/w1_flint.py,
# w2_flint.py) are run under callgrind twice, with 1 and with 11 timed runs (plus each one's
# warm-up run): (I(11) − I(1))/10 is the cost of one run, start-up, imports and one-time tables
# excluded. Instructions are not seconds (instructions per cycle differ between the tools):
# docs/benchmarks.md compares the instruction ratios with the medians of timed rounds.
#
# Usage: scripts/bench_instructions.sh [theorem1|orbit]   (needs valgrind; the venv of
#        scripts/bench_compare.sh is created on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
# Python's own per-run work varies with string-hash randomisation (dict layouts): fix the seed.
export PYTHONHASHSEED=0
FILTER="${1:-}"
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
. scripts/bench_venv.sh
cargo bench --quiet --bench workloads --no-run 2>/dev/null || cargo bench --bench workloads --no-run
BIN=$(ls -t target/release/deps/workloads-* | grep -v '\.d$' | head -1)

# count N CASE CMD...: instructions of CMD with N timed runs of CASE
count() {
    local n=$1 case=$2
    shift 2
    EOSCERT_BENCH_RUNS=$n EOSCERT_BENCH_MIN_RUNS=$n EOSCERT_BENCH_MIN_TIME=0 EOSCERT_BENCH_CASE="$case" \
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -n 's/.*Collected : //p'
}
per_run() {
    local a b
    a=$(count 1 "$@")
    b=$(count 11 "$@")
    echo $(( (b - a) / 10 ))
}

echo "| workload | case | eoscert instructions/run | python-flint instructions/run | python-flint/eoscert |"
echo "|---|---|---|---|---|"
for n in 1 2 3 4 5 6 7 8 orbit; do
    if [ "$n" = orbit ]; then
        [ -z "$FILTER" ] || [ "$FILTER" = orbit ] || continue
        w=orbit case="eta=1.05" script=w2_flint.py
    else
        [ -z "$FILTER" ] || [ "$FILTER" = theorem1 ] || continue
        w=theorem1 case="corollary-$n " script=w1_flint.py
    fi
    e=$(per_run "$case" "$BIN" "$w")
    f=$(cd benches/reference && per_run "$case" "$PY" "$script" "$w")
    echo "| $w | ${case% } | $e | $f | $(python3 -c "print(f'{$f/$e:.2f}')") |"
done
