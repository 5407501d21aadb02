"""W3 ("derivatives") with python-flint (Arb) power series, certified.

Taylor coefficients to order k = 4, 8, 16, 32 of (tanh(sin(x) + x^2/3) - 1/2)^2 * exp(-x/5)
at x = 7/10 (a ball enclosing it) with arb_series of length k + 1, at 128 and 512 bits
(ctx.prec, in bits). tanh(u) = 1 - 2/(exp(2u) + 1), as arb_series has no tanh.
"""
from flint import arb
from common import bench, wanted, W3_LOSS
from flint_common import LOSSES, series, set_prec


def main():
    if not wanted("derivatives"):
        return
    f = LOSSES[W3_LOSS]
    for prec in (128, 512):
        set_prec(prec)
        x0 = arb(7) / 10
        for k in (4, 8, 16, 32):
            bench("python-flint", "derivatives", f"k={k} prec={prec}", lambda: series(f, x0, k))


if __name__ == "__main__":
    main()
