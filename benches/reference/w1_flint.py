"""W1 ("theorem1") with python-flint (Arb), certified like eoscert.

For each Section 4 corollary function: every zero of f' in the interval by interval
Newton/Krawczyk on f' with bisection (f' and f'' enclosed with arb_series over the box), the
enclosure narrowed by Krawczyk iterations until it stops shrinking; f'' > 0 certified (a
minimum); then f'', f''', f'''' and 3 f'''^2 - f'' f'''' enclosed over the enclosure with an
arb_series of length 5. At a given point (corollaries 1 and 2) the point's ball is searched with
the same Krawczyk step in a box of radius rad + 2^-64 around it (eoscert's fallback for a
non-exact point; eoscert itself proves f'(-pi/2) = 0 and f'(1) = 0 exactly in Q[pi]).
128 bits.
"""
from flint import arb
from common import bench, wanted, COROLLARIES
from flint_common import LOSSES, derivs, hull, bisect, set_prec

PREC = 128
MIN_RAD = arb(2) ** -64
MAX_BOXES = 200_000


def krawczyk(f, x):
    """The Krawczyk image of the ball x for f' (None when the slope encloses 0 at its midpoint)."""
    c = arb(x.mid())
    fc = derivs(f, c, 1)[1]
    j = derivs(f, x, 2)[2]
    jm = j.mid()
    if jm == 0:
        return None
    y = 1 / jm
    return c - y * fc + (1 - y * j) * (x - c)


def zeros_of_fprime(f, x0):
    stack, zeros, undecided, boxes = [x0], [], [], 0
    while stack:
        x = stack.pop()
        boxes += 1
        if boxes > MAX_BOXES:
            undecided.append(x)
            continue
        if not derivs(f, x, 1)[1].contains(0):
            continue
        k = krawczyk(f, x)
        if k is not None:
            if not k.overlaps(x):
                continue
            if x.contains_interior(k):
                z = k
                for _ in range(40):  # narrow: Krawczyk on the enclosure until it stops shrinking
                    k2 = krawczyk(f, z)
                    if k2 is None or not k2.overlaps(z):
                        break
                    z2 = z.intersection(k2)
                    if not (z2.rad() < z.rad() * 0.75):
                        z = z2
                        break
                    z = z2
                zeros.append((z, x))
                continue
        if x.rad() < MIN_RAD:
            undecided.append(x)
            continue
        a, b = bisect(x)
        stack += [b, a]
    return zeros, undecided


def theorem1_values(f, z):
    d = derivs(f, z, 4)
    return d[2], d[3], d[4], 3 * d[3] ** 2 - d[2] * d[4]


def theorem1_in(f, lo, hi):
    zeros, undecided = zeros_of_fprime(f, hull(arb(lo), arb(hi)))
    assert not undecided
    out = []
    for z, _ in zeros:
        v = theorem1_values(f, z)
        if v[0] > 0:
            out.append(v)
    assert out
    return out


def theorem1_at(f, point):
    assert derivs(f, point, 1)[1].contains(0)
    box = point + arb(0, point.rad() + MIN_RAD)
    zeros, undecided = zeros_of_fprime(f, box)
    assert len(zeros) == 1 and not undecided
    v = theorem1_values(f, zeros[0][0])
    assert v[0] > 0
    return v


def main():
    set_prec(PREC)
    if not wanted("theorem1"):
        return
    for case, src, rng, at in COROLLARIES:
        f = LOSSES[src]
        if rng:
            bench("python-flint", "theorem1", case, lambda: theorem1_in(f, *rng))
        else:
            p = -arb.pi() / 2 if at == "-pi/2" else arb(int(at))
            bench("python-flint", "theorem1", case, lambda: theorem1_at(f, p))


if __name__ == "__main__":
    main()
