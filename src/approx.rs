//! Round-to-nearest MPFR floats as a [`Scalar`]: approximate values for the Newton steps that
//! choose where a Krawczyk test is made ([`crate::krawczyk`]'s refinement). Never part of a
//! proof: a wrong approximation only makes the test fail, and the caller falls back.
//!
//! Guarantee: only MPFR's. Each arithmetic operation is correctly rounded to nearest at the
//! larger precision of its operands; `exp`, `log`, `sin` and `cos` are the fixed-point kernels'
//! values rounded down (within a few units in the last place) and the other elementary
//! functions the midpoints of this crate's interval enclosures at the point (with the
//! intervals' domain errors). No `f64` and no libm: the same inputs give the same bits on every
//! machine, so the tests these values steer, and the enclosures they certify, are reproducible.
//!
//! Why: a Newton step needs `G` and `G'` at a point, and a point evaluation in floats costs
//! about half of one in point intervals (one rounded result per operation instead of two).

use crate::error::{MathError, MathResult};
use crate::expr::{Constant, Func};
use crate::interval::{fixed, to_rug_rational, Interval};
use crate::scalar::{Scalar, Sign};
use num_rational::BigRational;
use num_traits::ToPrimitive;
use rug::ops::Pow;
use rug::Float;
use std::cmp::Ordering;

/// The precision of a binary operation's result.
fn prec2(a: &Float, b: &Float) -> u32 {
    a.prec().max(b.prec())
}

/// `f` applied to the point interval `[x, x]`, then its midpoint at `x`'s precision.
fn via_interval(x: &Float, f: impl FnOnce(&Interval) -> MathResult<Interval>) -> MathResult<Float> {
    Ok(f(&Interval::point(x.clone())?)?.mid())
}

impl Scalar for Float {
    type Ctx = u32;
    const EXACT: bool = false;
    fn ctx(&self) -> u32 {
        self.prec()
    }
    fn from_rational(q: &BigRational, prec: &u32) -> Self {
        // n/d with n, d machine integers: an integer is one rounding of n; otherwise, at >= 64
        // bits, n converts exactly (|n| < 2^63), so the quotient's one rounding to nearest is
        // MPFR's correctly rounded n/d. The same float as from the GMP rational, without
        // converting two big integers to GMP's.
        if let (Some(n), Some(d)) = (q.numer().to_i64(), q.denom().to_i64()) {
            if d == 1 || *prec >= 64 {
                let mut f = Float::with_val(*prec, n);
                if d != 1 {
                    f /= d;
                }
                return f;
            }
        }
        Float::with_val(*prec, to_rug_rational(q))
    }
    fn from_int(n: i64, prec: &u32) -> Self {
        Float::with_val(*prec, n)
    }
    fn constant(c: Constant, prec: &u32) -> MathResult<Self> {
        Ok(match c {
            Constant::Pi => Float::with_val(*prec, rug::float::Constant::Pi),
            Constant::E => Float::with_val(*prec, 1).exp(),
        })
    }
    fn add(&self, o: &Self) -> Self {
        Float::with_val(prec2(self, o), self + o)
    }
    fn sub(&self, o: &Self) -> Self {
        Float::with_val(prec2(self, o), self - o)
    }
    fn mul(&self, o: &Self) -> Self {
        Float::with_val(prec2(self, o), self * o)
    }
    fn neg(&self) -> Self {
        Float::with_val(self.prec(), -self)
    }
    fn div(&self, o: &Self) -> MathResult<Self> {
        if o.is_zero() {
            return Err(MathError::DivisionByZero);
        }
        Ok(Float::with_val(prec2(self, o), self / o))
    }
    fn add_mul(&mut self, a: &Self, b: &Self) {
        let t = Float::with_val(prec2(a, b), a * b);
        *self += &t;
    }
    fn mul_int(&self, n: i64) -> Self {
        Float::with_val(self.prec(), self * n)
    }
    fn div_int(&self, n: i64) -> Self {
        Float::with_val(self.prec(), self / n)
    }
    fn add_owned(mut self, o: &Self) -> Self {
        self += o;
        self
    }
    fn sub_owned(mut self, o: &Self) -> Self {
        self -= o;
        self
    }
    fn neg_owned(self) -> Self {
        -self
    }
    fn mul_int_owned(mut self, n: i64) -> Self {
        self *= n;
        self
    }
    fn div_int_owned(mut self, n: i64) -> Self {
        self /= n;
        self
    }
    fn powi(&self, n: i64) -> MathResult<Self> {
        if n < 0 && self.is_zero() {
            return Err(MathError::DivisionByZero);
        }
        Ok(Float::with_val(self.prec(), self.pow(n)))
    }
    fn powq(&self, q: &BigRational) -> MathResult<Self> {
        match q.to_i64() {
            Some(n) if q.is_integer() => Scalar::powi(self, n),
            _ => via_interval(self, |i| i.powq(q)),
        }
    }
    fn apply(&self, f: Func) -> MathResult<Self> {
        // the fixed-point kernels' values directly (one conversion instead of an enclosure's two)
        let p = self.prec();
        let direct = match f {
            Func::Exp => fixed::exp_approx(self, p),
            Func::Log if self.cmp0() == Some(Ordering::Greater) => fixed::log_approx(self, p),
            Func::Sin => fixed::sin_cos_approx(self, p).map(|sc| sc.0),
            Func::Cos => fixed::sin_cos_approx(self, p).map(|sc| sc.1),
            _ => None,
        };
        if let Some(v) = direct {
            return Ok(v);
        }
        match f {
            Func::Relu => Ok(if self.is_sign_negative() { Float::new(self.prec()) } else { self.clone() }),
            Func::Abs => Ok(Float::with_val(self.prec(), self.abs_ref())),
            _ => via_interval(self, |i| Scalar::apply(i, f)),
        }
    }
    fn sin_cos(&self) -> MathResult<(Self, Self)> {
        if let Some(sc) = fixed::sin_cos_approx(self, self.prec()) {
            return Ok(sc);
        }
        let (s, c) = Interval::point(self.clone())?.sin_cos()?;
        Ok((s.mid(), c.mid()))
    }
    fn max(&self, o: &Self) -> Self {
        if self >= o {
            self.clone()
        } else {
            o.clone()
        }
    }
    fn min(&self, o: &Self) -> Self {
        if self <= o {
            self.clone()
        } else {
            o.clone()
        }
    }
    fn sign(&self) -> Sign {
        match self.cmp0() {
            Some(Ordering::Greater) => Sign::Pos,
            Some(Ordering::Less) => Sign::Neg,
            Some(Ordering::Equal) => Sign::Zero,
            None => Sign::Unknown,
        }
    }
    fn is_exactly_one(&self) -> bool {
        *self == 1
    }
    fn to_interval(&self, prec: u32) -> Interval {
        Interval::point(Float::with_val(prec.max(self.prec()), self)).unwrap_or_else(|_| Interval::entire(prec))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::taylor_1d;
    use crate::parse::parse_loss;
    use proptest::prelude::*;

    proptest! {
        /// Float Taylor coefficients lie within (a generous) 2^-(p-16) relative of the point
        /// interval enclosures of the same coefficients, for losses with every kind of node.
        #[test]
        fn float_series_are_close_to_interval_ones(
            x in -2.0f64..2.0,
            src in prop::sample::select(vec![
                "(sin(x) - 1/2)^2", "(log(x^2 + 1) - 1)^2", "(exp(x) - 2)^2", "(tanh(x) - 1/2)^2",
                "(sigmoid(x) - 1/4)^2", "x^(3/2) * cos(x)", "abs(x - 1/3) + relu(x) * x^3",
                "(tanh(sin(x) + x^2/3) - 1/2)^2 * exp(-x/5)", "sqrt(x^2 + 2) / (x^2 + 1)"]),
            prec in prop::sample::select(vec![64u32, 128, 200]),
        ) {
            let loss = parse_loss(src, &[], None).unwrap();
            let xf = Float::with_val(prec, x);
            let xi = Interval::point(xf.clone()).unwrap();
            let fi = taylor_1d(&loss, &xi, 4);
            let ff = taylor_1d(&loss, &xf, 4);
            match (fi, ff) {
                (Ok(fi), Ok(ff)) => {
                    for (a, b) in fi.c.iter().zip(&ff.c) {
                        let mut tol = Float::with_val(64, a.mag().max(&Float::with_val(64, 1)));
                        tol >>= prec as i32 - 16;
                        let d = Float::with_val(prec, b - &a.mid()).abs();
                        prop_assert!(d <= tol, "{src} at {x}: {b} vs {a}");
                    }
                }
                // the same domain errors (e.g. x^(3/2) at x < 0)
                (Err(_), Err(_)) => {}
                (fi, ff) => prop_assert!(false, "{src} at {x}: interval {fi:?} vs float {ff:?}"),
            }
        }

        /// A rational constant is MPFR's correctly rounded value of it (the machine-integer
        /// path against the GMP rational), at every precision, extremes included.
        #[test]
        fn rationals_are_correctly_rounded(
            n in prop_oneof![any::<i64>(), -1000i64..1000, Just(i64::MIN), Just(i64::MAX)],
            d in prop_oneof![1i64..i64::MAX, 1i64..1000, Just(i64::MAX), Just(1i64 << 62)],
            big in any::<bool>(),
            prec in prop::sample::select(vec![2u32, 53, 64, 65, 128, 200]),
        ) {
            let mut q = BigRational::new(n.into(), d.into());
            if big {
                q *= BigRational::from_integer(num_bigint::BigInt::from(3u8).pow(50u32));
            }
            let f = <Float as Scalar>::from_rational(&q, &prec);
            let exact = Float::with_val(prec, to_rug_rational(&q));
            prop_assert_eq!(f.prec(), prec);
            prop_assert!(f == exact, "{} at {}: {} vs {}", q, prec, f, exact);
        }
    }
}
