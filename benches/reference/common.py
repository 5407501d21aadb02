"""Timing helper shared by the reference scripts: the same policy as benches/workloads.rs.

Each case runs once as a warm-up (and a check), then repeatedly until at least MIN_TIME seconds
(env EOSCERT_BENCH_MIN_TIME, default 1) have elapsed and at least MIN_RUNS runs were made; the
median wall time is printed as one JSON object per line:
{"workload": ..., "case": ..., "seconds": median, "runs": n, "tool": ...}
"""
import json
import os
import sys
import time

MIN_RUNS = int(os.environ.get("EOSCERT_BENCH_MIN_RUNS", "5"))
MAX_RUNS = 100_000


def min_time():
    return float(os.environ.get("EOSCERT_BENCH_MIN_TIME", "1"))


def bench(tool, workload, case, f, setup=None, min_runs=None):
    """Times f() (setup(), if given, runs untimed before every call). Skipped unless the case
    name contains EOSCERT_BENCH_CASE (when set), as in benches/workloads.rs."""
    only = os.environ.get("EOSCERT_BENCH_CASE")
    if only is not None and only not in case:
        return
    min_runs = MIN_RUNS if min_runs is None else min_runs
    if setup:
        setup()
    f()  # warm-up and check
    budget = min_time()
    samples = []
    start = time.perf_counter()
    while len(samples) < min_runs or (time.perf_counter() - start < budget and len(samples) < MAX_RUNS):
        if setup:
            setup()
        t = time.perf_counter()
        f()
        samples.append(time.perf_counter() - t)
    samples.sort()
    print(json.dumps({"workload": workload, "case": case, "seconds": samples[len(samples) // 2],
                      "runs": len(samples), "tool": tool}))
    sys.stdout.flush()


def wanted(workload):
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    return not args or any(a in workload for a in args)


# The Section 4 corollary functions of benches/certify.rs: (case, loss source, interval, point).
COROLLARIES = [
    ("corollary-1 2*sin(x) at -pi/2", "2*sin(x)", None, "-pi/2"),
    ("corollary-2 (x^2-1)^2 at 1", "(x^2 - 1)^2", None, "1"),
    ("corollary-3 (sin(x)-1/2)^2 in [0,1]", "(sin(x) - 1/2)^2", (0, 1), None),
    ("corollary-4 (tanh(x)-1/2)^2 in [0,1]", "(tanh(x) - 1/2)^2", (0, 1), None),
    ("corollary-5 (x^3-2)^2 in [1,2]", "(x^3 - 2)^2", (1, 2), None),
    ("corollary-6 (exp(x)-2)^2 in [0,1]", "(exp(x) - 2)^2", (0, 1), None),
    ("corollary-7 (log(x)-1)^2 in [2,3]", "(log(x) - 1)^2", (2, 3), None),
    ("corollary-8 (sigmoid(x)-1/4)^2 in [-2,0]", "(sigmoid(x) - 1/4)^2", (-2, 0), None),
]

W3_LOSS = "(tanh(sin(x) + x^2/3) - 1/2)^2 * exp(-x/5)"
