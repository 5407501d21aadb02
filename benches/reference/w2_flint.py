"""W2 ("orbit") with python-flint (Arb), certified.

Every period-2 orbit of GD, F(x) = x - eta f'(x), on f = 2*sin(x) at eta = 21/20 in [-3, 0],
and its multiplier F'(x1) F'(x2), at 128 bits.

System used: the plain two-point system G(x1, x2) = (F(x1) - x2, F(x2) - x1) = 0 on the box
[-3, 0]^2 (NOT eoscert's desingularised (m, s) system): Krawczyk with the inverse of the
midpoint Jacobian, J = [[F'(x1), -1], [-1, F'(x2)]], F' = 1 - eta f'' enclosed with arb_series
over the box, bisection of the widest side, enclosures narrowed by Krawczyk iterations. Its
solutions are the fixed point (x1 = x2 = -pi/2, regular here since F'(-pi/2)^2 != 1) and the
orbit twice, (x1, x2) and (x2, x1); the fixed point is set apart and the orbit kept once
(x1 < x2 certified). The multiplier is enclosed over the final enclosure.
"""
from flint import arb
from common import bench, wanted
from flint_common import LOSSES, derivs, hull, bisect, set_prec

PREC = 128
MIN_RAD = arb(2) ** -64
MAX_BOXES = 200_000


def fprimes(f, x, order):
    return derivs(f, x, order)


def g_and_j(f, eta, x1, x2, jac=True):
    d1 = derivs(f, x1, 2 if jac else 1)
    d2 = derivs(f, x2, 2 if jac else 1)
    g = (x1 - eta * d1[1] - x2, x2 - eta * d2[1] - x1)
    if not jac:
        return g, None
    return g, (1 - eta * d1[2], 1 - eta * d2[2])


def krawczyk(f, eta, x1, x2):
    c1, c2 = arb(x1.mid()), arb(x2.mid())
    (g1, g2), _ = g_and_j(f, eta, c1, c2, jac=False)
    _, (a, d) = g_and_j(f, eta, x1, x2)
    # J = [[a, -1], [-1, d]]; Y = inverse of mid(J) (floating point, no rigour needed)
    am, dm = a.mid(), d.mid()
    det = am * dm - 1
    if det == 0:
        return None
    y11, y12, y21, y22 = dm / det, 1 / det, 1 / det, am / det
    y11, y12, y21, y22 = (arb(v.mid()) for v in (y11, y12, y21, y22))
    # I - Y J
    m11 = 1 - (y11 * a - y12)
    m12 = -(-y11 + y12 * d)
    m21 = -(y21 * a - y22)
    m22 = 1 - (-y21 + y22 * d)
    e1, e2 = x1 - c1, x2 - c2
    k1 = c1 - (y11 * g1 + y12 * g2) + m11 * e1 + m12 * e2
    k2 = c2 - (y21 * g1 + y22 * g2) + m21 * e1 + m22 * e2
    return k1, k2


def solve(f, eta, box):
    stack, zeros, undecided, boxes = [box], [], [], 0
    while stack:
        x1, x2 = stack.pop()
        boxes += 1
        if boxes > MAX_BOXES:
            undecided.append((x1, x2))
            continue
        (g1, g2), _ = g_and_j(f, eta, x1, x2, jac=False)
        if not (g1.contains(0) and g2.contains(0)):
            continue
        k = krawczyk(f, eta, x1, x2)
        if k is not None:
            k1, k2 = k
            if not (k1.overlaps(x1) and k2.overlaps(x2)):
                continue
            if x1.contains_interior(k1) and x2.contains_interior(k2):
                z1, z2 = k1, k2
                for _ in range(40):
                    kk = krawczyk(f, eta, z1, z2)
                    if kk is None or not (kk[0].overlaps(z1) and kk[1].overlaps(z2)):
                        break
                    n1, n2 = z1.intersection(kk[0]), z2.intersection(kk[1])
                    shrunk = n1.rad() + n2.rad() < (z1.rad() + z2.rad()) * 0.75
                    z1, z2 = n1, n2
                    if not shrunk:
                        break
                zeros.append((z1, z2))
                continue
        if max(x1.rad(), x2.rad()) < MIN_RAD:
            undecided.append((x1, x2))
            continue
        if x1.rad() >= x2.rad():
            a, b = bisect(x1)
            stack += [(b, x2), (a, x2)]
        else:
            a, b = bisect(x2)
            stack += [(x1, b), (x1, a)]
    return zeros, undecided, boxes


def orbits(f, eta, lo, hi):
    dom = hull(arb(lo), arb(hi))
    zeros, undecided, _ = solve(f, eta, (dom, dom))
    assert not undecided
    out, fixed = [], []
    for z1, z2 in zeros:
        if z1.overlaps(z2):
            fixed.append(z1)
        elif z1 < z2:
            d1, d2 = derivs(f, z1, 2), derivs(f, z2, 2)
            out.append((z1, z2, (1 - eta * d1[2]) * (1 - eta * d2[2])))
    return out, fixed


def main():
    set_prec(PREC)
    if not wanted("orbit"):
        return
    f = LOSSES["2*sin(x)"]
    eta = arb(21) / 20
    res, fixed = orbits(f, eta, -3, 0)
    assert len(res) == 1 and len(fixed) == 1, (res, fixed)
    bench("python-flint", "orbit", "2*sin(x) eta=1.05 in [-3,0]", lambda: orbits(f, eta, -3, 0))


if __name__ == "__main__":
    main()
