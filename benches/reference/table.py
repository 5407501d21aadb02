"""Reads the JSON lines of benches/workloads.rs and the reference scripts (files given on the
command line, or stdin) and prints the side-by-side table, the ratios (reference / eoscert;
> 1 means eoscert is faster) and, for W3, how each tool grows with k and with precision."""
import json
import math
import sys

TOOLS = ["eoscert", "sympy", "python-flint", "mpmath"]
rows, order = {}, []
for line in (l for p in sys.argv[1:] for l in open(p)) if sys.argv[1:] else sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    key = (r["workload"], r["case"])
    if key not in rows:
        rows[key] = {}
        order.append(key)
    rows[key][r["tool"]] = r["seconds"]

present = [t for t in TOOLS if any(t in v for v in rows.values())]
refs = [t for t in present if t != "eoscert"]


def fmt(s):
    return "—" if s is None else f"{s:.3g}"


head = ["workload", "case"] + [f"{t} s" for t in present] + [f"{t}/eoscert" for t in refs]
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for key in order:
    v = rows[key]
    e = v.get("eoscert")
    cells = [key[0], key[1]] + [fmt(v.get(t)) for t in present]
    for t in refs:
        cells.append(f"{v[t] / e:.3g}" if e and t in v else "—")
    print("| " + " | ".join(cells) + " |")

# Growth for W3: exponent of k fitted (least squares on log t vs log k) over k = 8, 16, 32, and
# the cost of 512 bits relative to 128 bits at each k.
ks = [8, 16, 32]
print()
print("| tool | prec | fitted exponent of k (k = 8..32) | t(k=32)/t(k=8) |")
print("|---|---|---|---|")
for t in present:
    for prec in (128, 512):
        pts = [(k, rows.get(("derivatives", f"k={k} prec={prec}"), {}).get(t)) for k in ks]
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
        a = rows.get(("derivatives", f"k={k} prec=128"), {}).get(t)
        b = rows.get(("derivatives", f"k={k} prec=512"), {}).get(t)
        cells.append(f"{b / a:.2f}" if a and b else "—")
    if any(c != "—" for c in cells):
        print(f"| {t} | " + " | ".join(cells) + " |")
