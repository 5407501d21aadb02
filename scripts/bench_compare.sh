#!/usr/bin/env bash
# Issue 8, side by side on this machine: eoscert (benches/workloads.rs) against the tools a user
# would otherwise reach for (benches/reference/*.py: sympy, python-flint/Arb, mpmath), run ONE
# AFTER THE OTHER, then a table of the median times and the ratios reference / eoscert (> 1 means
# eoscert is faster), and for the derivative workload how each tool grows with k and precision.
#
# Workloads: theorem1 (certified minimum + f'', f''', f'''' and 3f'''^2 - f''f'''' for the
# Section 4 corollary functions), orbit (certified period-2 orbit + multiplier of 2*sin(x) at
# eta = 1.05), derivatives (order k = 4..32 Taylor coefficients of a composite loss at 128 and
# 512 bits). The matrix-factorisation workload is scripts/bench_mf_numpy.sh.
#
# Every thread count is 1. The venv (target/bench-compare-venv) is created on first use with
# python-flint, mpmath, sympy and numpy from PyPI.
# Usage: scripts/bench_compare.sh [FILTER]   (from anywhere; FILTER: theorem1, orbit, derivatives)
#        EOSCERT_BENCH_MIN_TIME=SECONDS (default 1) sets the time spent per case and tool;
#        ROUNDS=N (default 1) repeats the whole sequence N times (per-round ratios, median and range).
#        INTERLEAVE=1: within each round, case by case: eoscert and every reference on one case,
#        then the next case (seconds apart instead of minutes; see below). Default time per case
#        and tool 0.3 s in this mode.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 MATRIXMULTIPLY_THREADS=1 \
    RAYON_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1 VECLIB_MAXIMUM_THREADS=1 FLINT_NUM_THREADS=1
INTERLEAVE="${INTERLEAVE:-0}"
if [ "$INTERLEAVE" = 1 ]; then
    export EOSCERT_BENCH_MIN_TIME="${EOSCERT_BENCH_MIN_TIME:-0.3}"
else
    export EOSCERT_BENCH_MIN_TIME="${EOSCERT_BENCH_MIN_TIME:-1}"
fi
FILTER="${1:-}"

. scripts/bench_venv.sh
OUT=target/bench-compare
mkdir -p "$OUT"
RES="$OUT/results.jsonl"
: > "$RES"

echo "== machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(grep -c ^processor /proc/cpuinfo) cores)"
echo "uptime before: $(uptime)"
echo "threads: 1 (OMP/OPENBLAS/MKL/MATRIXMULTIPLY/RAYON/NUMEXPR/FLINT_NUM_THREADS=1, flint.ctx.threads=1)"
echo "min time per case: ${EOSCERT_BENCH_MIN_TIME}s (median of the runs reported)"
echo "== versions"
echo "eoscert: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ' (+ uncommitted changes in src/)')"
rustc --version
grep -A1 -E '^name = "(rug|gmp-mpfr-sys)"' Cargo.lock | grep -v '^--' | paste - - | sed 's/name = //; s/version = //'
"$PY" - <<'PY'
import sys, flint, mpmath, sympy, numpy
print("python", sys.version.split()[0])
print("python-flint", flint.__version__, "(FLINT", getattr(flint, "__FLINT_VERSION__", "?") + ")")
print("mpmath", mpmath.__version__, "(backend:", mpmath.libmp.BACKEND + ")")
print("sympy", sympy.__version__)
print("numpy", numpy.__version__)
PY

# ROUNDS=N repeats the whole sequence (eoscert, then each reference) N times: the machine's
# speed drifts over minutes (shared host), so the table takes per-round ratios and reports their
# median and range rather than comparing two tools measured minutes apart.
ROUNDS="${ROUNDS:-1}"
# The cases of the interleaved mode (substrings of the case names, each matching one case).
want() { [ -z "$FILTER" ] || [[ "$1" == *"$FILTER"* ]]; }
CASES=()
if want theorem1; then
    for n in 1 2 3 4 5 6 7 8; do CASES+=("corollary-$n "); done
fi
if want orbit; then
    CASES+=("eta=1.05")
fi
if want derivatives; then
    for p in 128 512; do
        for k in 4 8 16 32; do CASES+=("k=$k prec=$p"); done
    done
fi
# The reference scripts that hold a case.
scripts_for() {
    case "$1" in
        corollary-*) echo w1_sympy.py w1_flint.py ;;
        eta=*) echo w2_flint.py ;;
        *) echo w3_flint.py w3_mpmath.py ;;
    esac
}
cargo bench --quiet --bench workloads --no-run 2>/dev/null || cargo bench --bench workloads --no-run
ROUND_FILES=()
for round in $(seq 1 "$ROUNDS"); do
    RF="$OUT/results.$round.jsonl"
    : > "$RF"
    ROUND_FILES+=("$RF")
    if [ "$INTERLEAVE" = 1 ]; then
        # The machine's speed drifts over minutes: measure every tool on one case within a few
        # seconds of each other (EOSCERT_BENCH_CASE selects the case in every program).
        for case in "${CASES[@]}"; do
            echo "== round $round of $ROUNDS, case '$case'"
            EOSCERT_BENCH_CASE="$case" cargo bench --quiet --bench workloads -- $FILTER | tee -a "$RF"
            cd benches/reference
            for script in $(scripts_for "$case"); do
                EOSCERT_BENCH_CASE="$case" "$PY" "$script" $FILTER | tee -a "../../$RF"
            done
            cd ../..
        done
    else
        echo "== round $round of $ROUNDS: eoscert (cargo bench --bench workloads)"
        cargo bench --quiet --bench workloads -- $FILTER | tee -a "$RF"
        cd benches/reference
        for script in w1_sympy.py w1_flint.py w2_flint.py w3_flint.py w3_mpmath.py; do
            echo "== round $round of $ROUNDS: $script"
            "$PY" "$script" $FILTER | tee -a "../../$RF"
        done
        cd ../..
    fi
    cat "$RF" >> "$RES"
done
echo "uptime after:  $(uptime)"
echo
echo "== table (median seconds; ratio = reference / eoscert, > 1 means eoscert is faster)"
"$PY" benches/reference/table.py "${ROUND_FILES[@]}" | tee "$OUT/table.md"
echo
echo "raw results: $RES, table: $OUT/table.md"
