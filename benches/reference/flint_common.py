"""python-flint (Arb) building blocks shared by the flint reference scripts: the losses as
functions of an `arb_series`, derivative enclosures over a ball, and interval helpers.

arb_series has no tanh and no sigmoid: tanh(u) = 1 - 2/(exp(2u) + 1) and
sigmoid(u) = 1/(1 + exp(-u)), which is what a user of python-flint would write.
"""
from flint import arb, arb_series, ctx

FACT = [1]
for _k in range(1, 80):
    FACT.append(FACT[-1] * _k)


def tanh(u):
    return 1 - 2 / ((2 * u).exp() + 1)


def sigmoid(u):
    return 1 / (1 + (-u).exp())


LOSSES = {
    "2*sin(x)": lambda x: 2 * x.sin(),
    "(x^2 - 1)^2": lambda x: (x * x - 1) ** 2,
    "(sin(x) - 1/2)^2": lambda x: (x.sin() - arb(1) / 2) ** 2,
    "(tanh(x) - 1/2)^2": lambda x: (tanh(x) - arb(1) / 2) ** 2,
    "(x^3 - 2)^2": lambda x: (x * x * x - 2) ** 2,
    "(exp(x) - 2)^2": lambda x: (x.exp() - 2) ** 2,
    "(log(x) - 1)^2": lambda x: (x.log() - 1) ** 2,
    "(sigmoid(x) - 1/4)^2": lambda x: (sigmoid(x) - arb(1) / 4) ** 2,
    "(tanh(sin(x) + x^2/3) - 1/2)^2 * exp(-x/5)":
        lambda x: (tanh(x.sin() + x * x / 3) - arb(1) / 2) ** 2 * (-x / 5).exp(),
}


def series(f, x, order):
    """Taylor coefficients c_0..c_order of f at the ball x (arb_series; prec = length)."""
    c = f(arb_series([x, 1], prec=order + 1)).coeffs()
    return c + [arb(0)] * (order + 1 - len(c))


def derivs(f, x, order):
    """Enclosures of f, f', ..., f^(order) over the ball x."""
    return [c * FACT[k] for k, c in enumerate(series(f, x, order))]


def hull(lo, hi):
    """The ball enclosing [lo, hi] (lo, hi exact arb endpoints)."""
    return arb(lo).union(arb(hi))


def bisect(x):
    m = x.mid()
    return hull(x.lower(), m), hull(m, x.upper())


def set_prec(bits):
    ctx.prec = bits
    # arb_series results are truncated to min(length, ctx.cap); the default cap is 10, which
    # would silently cut the order-16 and order-32 series.
    ctx.cap = 64
    ctx.threads = 1


def versions():
    import flint
    return {"python-flint": flint.__version__, "FLINT": getattr(flint, "__FLINT_VERSION__", "?")}
