"""W3 ("derivatives") with mpmath.taylor: NOT certified (numerical differentiation).

Taylor coefficients to order k = 4, 8, 16, 32 of (tanh(sin(x) + x^2/3) - 1/2)^2 * exp(-x/5)
at x = 7/10 with mpmath.taylor (finite differences with automatically raised working
precision), mp.prec = 128 and 512 bits.
"""
import mpmath
from mpmath import mp
from common import bench, wanted


def f(x):
    return (mpmath.tanh(mpmath.sin(x) + x * x / 3) - mpmath.mpf(1) / 2) ** 2 * mpmath.exp(-x / 5)


def main():
    if not wanted("derivatives"):
        return
    for prec in (128, 512):
        mp.prec = prec
        x0 = mpmath.mpf(7) / 10
        for k in (4, 8, 16, 32):
            bench("mpmath", "derivatives", f"k={k} prec={prec}", lambda: mpmath.taylor(f, x0, k), min_runs=3)


if __name__ == "__main__":
    main()
