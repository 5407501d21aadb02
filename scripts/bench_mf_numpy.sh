#!/usr/bin/env bash
# One GD step of d x d matrix factorisation, f(Y, Z) = |Y Z^T - C|_F^2 / 2 with C = I and
# Y, Z in R^{d x d}, for d = 8, 64, 256, 1024: eoscert's simulator (`simulate --bench-steps`)
# and the same loop in numpy, one after the other on this machine, with the ratio.
#
# Both run with the same thread count: THREADS (default 1) is exported as OMP_NUM_THREADS,
# OPENBLAS_NUM_THREADS, MKL_NUM_THREADS and MATRIXMULTIPLY_THREADS (eoscert's step is
# single-threaded). Each side runs REPS times (default 3), alternating, and the fastest run of
# each counts, so a burst of load from other processes hurts neither side alone.
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for numpy so OpenBLAS picks its own kernel
# (threadpoolctl prints which).
# Usage: scripts/bench_mf_numpy.sh            (from the crate root)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${THREADS:-1}"
REPS="${REPS:-3}"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
export OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS" MATRIXMULTIPLY_THREADS="$THREADS"

VENV=target/bench-venv
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c "import numpy, threadpoolctl" 2>/dev/null || "$VENV/bin/python" -m pip install --quiet numpy threadpoolctl
cargo build --release --quiet
BIN=target/release/eoscert

steps_for() { case "$1" in 8) echo 200000 ;; 64) echo 20000 ;; 256) echo 1000 ;; *) echo 20 ;; esac; }

"$VENV/bin/python" - <<'PY'
import numpy as np
print("numpy", np.__version__)
try:
    from threadpoolctl import threadpool_info
    print(threadpool_info())
except ImportError:
    cfg = np.show_config(mode="dicts") if "mode" in np.show_config.__code__.co_varnames else None
    if cfg:
        print("BLAS:", cfg.get("Build Dependencies", {}).get("blas", {}))
PY
echo "threads: $THREADS (OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=MATRIXMULTIPLY_THREADS=$THREADS), best of $REPS alternating runs each, load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%6s %16s %16s %10s\n" d "eoscert s/step" "numpy s/step" "numpy/eoscert"
for d in 8 64 256 1024; do
    n=$(steps_for "$d")
    diag=$(python3 -c "print(','.join(['1']*$d))")
    best_ours=""; best_theirs=""
    for _ in $(seq "$REPS"); do
    ours=$("$BIN" simulate --model mf --c "diag:$diag" --lr 0.001 --init-scale 0.01 --seed 1 --steps 1 --bench-steps "$n" --json \
        | python3 -c "import json,sys; print(json.load(sys.stdin)['seconds_per_step'])")
    theirs=$("$VENV/bin/python" - "$d" "$n" <<'PY'
import sys, time
import numpy as np
d, n = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
Y = 0.01 * rng.standard_normal((d, d)); Z = 0.01 * rng.standard_normal((d, d)); C = np.eye(d)
R = np.empty((d, d)); GY = np.empty((d, d)); GZ = np.empty((d, d)); lr = 0.001
def step():
    # The same work as eoscert's step: R = Y Z^T - C, loss = |R|^2/2, grads R Z and R^T Y, update.
    np.matmul(Y, Z.T, out=R); np.subtract(R, C, out=R)
    loss = 0.5 * np.vdot(R, R)
    np.matmul(R, Z, out=GY); np.matmul(R.T, Y, out=GZ)
    np.multiply(GY, -lr, out=GY); np.multiply(GZ, -lr, out=GZ)
    np.add(Y, GY, out=Y); np.add(Z, GZ, out=Z)
    return loss
step()
t = time.perf_counter()
for _ in range(n):
    step()
print((time.perf_counter() - t) / n)
PY
)
    best_ours=$(python3 -c "print(min(x for x in [$ours, ${best_ours:-float('inf')}]))")
    best_theirs=$(python3 -c "print(min(x for x in [$theirs, ${best_theirs:-float('inf')}]))")
    done
    python3 -c "print('%6d %16.3e %16.3e %10.2f' % ($d, $best_ours, $best_theirs, $best_theirs / $best_ours))"
done
