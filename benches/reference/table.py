"""Reads the JSON lines of benches/workloads.rs and the reference scripts and prints the
side-by-side table, the ratios (reference / eoscert; > 1 means eoscert is faster) and, for W3,
how each tool grows with k and with precision.

Each file on the command line is one round (scripts/bench_compare.sh with ROUNDS=N writes one
per round; stdin is one round). With several rounds, each time is the median over the rounds,
and each ratio the median of the per-round ratios (both tools measured in the same round),
followed by the range [min–max] over the rounds."""
import json
import math
import statistics
import sys

TOOLS = ["eoscert", "sympy", "python-flint", "mpmath"]
rows, order = {}, []  # rows[(workload, case)][tool] = {round: seconds}
sources = [open(p) for p in sys.argv[1:]] or [sys.stdin]
for rnd, src in enumerate(sources):
    for line in src:
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        key = (r["workload"], r["case"])
        if key not in rows:
            rows[key] = {}
            order.append(key)
        rows[key].setdefault(r["tool"], {})[rnd] = r["seconds"]
nrounds = len(sources)

present = [t for t in TOOLS if any(t in v for v in rows.values())]
refs = [t for t in present if t != "eoscert"]


def fmt(s):
    return "—" if s is None else f"{s:.3g}"


def med(key, tool):
    v = rows.get(key, {}).get(tool)
    return statistics.median(v.values()) if v else None


def ratio(key, t):
    e, r = rows[key].get("eoscert", {}), rows[key].get(t, {})
    per_round = [r[i] / e[i] for i in e if i in r and e[i]]
    if not per_round:
        return "—"
    m = f"{statistics.median(per_round):.3g}"
    if len(per_round) > 1:
        m += f" [{min(per_round):.3g}–{max(per_round):.3g}]"
    return m


if nrounds > 1:
    print(f"{nrounds} rounds: times are medians over the rounds; ratios the median of the per-round ratios [range]")
    print()
head = ["workload", "case"] + [f"{t} s" for t in present] + [f"{t}/eoscert" for t in refs]
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for key in order:
    cells = [key[0], key[1]] + [fmt(med(key, t)) for t in present]
    for t in refs:
        cells.append(ratio(key, t))
    print("| " + " | ".join(cells) + " |")

# Growth for W3: exponent of k fitted (least squares on log t vs log k) over k = 8, 16, 32, and
# the cost of 512 bits relative to 128 bits at each k.
ks = [8, 16, 32]
print()
print("| tool | prec | fitted exponent of k (k = 8..32) | t(k=32)/t(k=8) |")
print("|---|---|---|---|")
for t in present:
    for prec in (128, 512):
        pts = [(k, med(("derivatives", f"k={k} prec={prec}"), t)) for k in ks]
        if any(s is None for _, s in pts):
            continue
        xs = [math.log(k) for k, _ in pts]
        ys = [math.log(s) for _, s in pts]
        mx, my = sum(xs) / 3, sum(ys) / 3
        slope = sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / sum((a - mx) ** 2 for a in xs)
        print(f"| {t} | {prec} | {slope:.2f} | {pts[2][1] / pts[0][1]:.2f} |")
print()
print("| tool | " + " | ".join(f"t(512)/t(128) k={k}" for k in (4, 8, 16, 32)) + " |")
print("|---|" + "---|" * 4)
for t in present:
    cells = []
    for k in (4, 8, 16, 32):
        a = med(("derivatives", f"k={k} prec=128"), t)
        b = med(("derivatives", f"k={k} prec=512"), t)
        cells.append(f"{b / a:.2f}" if a and b else "—")
    if any(c != "—" for c in cells):
        print(f"| {t} | " + " | ".join(cells) + " |")
