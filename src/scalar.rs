//! The scalar trait the derivative engine is generic over, and its three implementations:
//! exact rationals ([`BigRational`]), outward-rounded MPFR intervals ([`Interval`]) and `f64`.
//!
//! Guarantees, by implementation:
//! - `BigRational`: every result is the exact value. An operation whose exact value is not a
//!   rational the implementation can prove (e.g. `exp(1)`, `sqrt(2)`, `pi`) returns
//!   [`MathError::NotExact`]; the caller then falls back to intervals.
//! - `Interval`: every result contains the exact value for every point of the inputs.
//! - `f64`: ordinary floating point, no guarantee; used only by the simulator and for
//!   cross-checks, never to back a verdict.
//!
//! `sign()` reports what is *known*: `Sign::Unknown` whenever an interval contains 0 and is not
//! exactly 0, so sign-dependent branches (abs, relu, max) are only taken when certified.

use crate::error::{MathError, MathResult};
use crate::expr::{Constant, Func};
use crate::interval::Interval;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::fmt::Debug;

/// What is known about the sign of a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    Pos,
    Neg,
    Zero,
    /// Not known (an enclosure containing 0 and other values).
    Unknown,
}

/// A number type the derivative engine computes with.
pub trait Scalar: Clone + Debug + Send + Sync + 'static {
    /// What constants need to be built: the precision for intervals, nothing otherwise.
    type Ctx: Clone + Debug + Send + Sync;
    /// Whether results of this type are exact values (true only for rationals).
    const EXACT: bool;
    /// The context of an existing value.
    fn ctx(&self) -> Self::Ctx;
    /// The rational `q` (enclosed for intervals, rounded for f64).
    fn from_rational(q: &BigRational, ctx: &Self::Ctx) -> Self;
    /// The integer `n`.
    fn from_int(n: i64, ctx: &Self::Ctx) -> Self;
    /// A named constant; `NotExact` for rationals.
    fn constant(c: Constant, ctx: &Self::Ctx) -> MathResult<Self>;
    fn add(&self, o: &Self) -> Self;
    fn sub(&self, o: &Self) -> Self;
    fn mul(&self, o: &Self) -> Self;
    fn neg(&self) -> Self;
    /// Division; `DivisionByZero` when the divisor is (or may be) 0.
    fn div(&self, o: &Self) -> MathResult<Self>;
    /// `self += a · b` (implementations may fuse and avoid allocation).
    fn add_mul(&mut self, a: &Self, b: &Self) {
        *self = self.add(&a.mul(b));
    }
    /// Multiplication by an integer.
    fn mul_int(&self, n: i64) -> Self {
        self.mul(&Self::from_int(n, &self.ctx()))
    }
    /// Division by a non-zero integer.
    fn div_int(&self, n: i64) -> Self {
        self.div(&Self::from_int(n, &self.ctx())).expect("division by a non-zero integer")
    }
    /// `self + o`, consuming `self` (implementations may reuse its storage; same value).
    fn add_owned(self, o: &Self) -> Self {
        self.add(o)
    }
    /// `self − o`, consuming `self`.
    fn sub_owned(self, o: &Self) -> Self {
        self.sub(o)
    }
    /// `−self`, consuming `self`.
    fn neg_owned(self) -> Self {
        self.neg()
    }
    /// `self · n`, consuming `self`.
    fn mul_int_owned(self, n: i64) -> Self {
        self.mul_int(n)
    }
    /// `self / n` for `n ≠ 0`, consuming `self`.
    fn div_int_owned(self, n: i64) -> Self {
        self.div_int(n)
    }
    /// Integer power; errors for a negative power of (possibly) 0.
    fn powi(&self, n: i64) -> MathResult<Self>;
    /// Rational power of a positive number (or integer power).
    fn powq(&self, q: &BigRational) -> MathResult<Self>;
    /// An elementary function.
    fn apply(&self, f: Func) -> MathResult<Self>;
    /// `(sin x, cos x)`; implementations may share work between the two.
    fn sin_cos(&self) -> MathResult<(Self, Self)> {
        Ok((self.apply(Func::Sin)?, self.apply(Func::Cos)?))
    }
    /// `max(self, o)`, valid for all points.
    fn max(&self, o: &Self) -> Self;
    /// `min(self, o)`, valid for all points.
    fn min(&self, o: &Self) -> Self;
    /// The certified sign.
    fn sign(&self) -> Sign;
    /// Whether the value is exactly 1 (a product with it is then a copy); `false` when unknown.
    fn is_exactly_one(&self) -> bool {
        false
    }
    /// An interval enclosure at precision `prec`.
    fn to_interval(&self, prec: u32) -> Interval;
}

/// The largest exact rational power computed (numerator plus denominator bits, about 20000
/// digits: num-bigint's gcd is quadratic, so a million-bit power took seconds); beyond it an
/// exact power is refused ([`MathError::NotExact`]) and callers fall back to enclosures, so that
/// `x^(10^9)` at `x = 3` costs an MPFR power instead of a billion-digit integer.
pub const MAX_EXACT_POW_BITS: u64 = 1 << 16;

/// `x^n` exactly (`0^0 = 1`), when `n` fits an `i32`, `x ≠ 0` or `n ≥ 0`, and the result has at most about
/// `max_bits` bits (estimated from below-or-equal by `bits(x)·|n|`, never computed past it).
pub fn rational_pow_bounded(x: &BigRational, n: i64, max_bits: u64) -> Option<BigRational> {
    let e = i32::try_from(n).ok()?;
    if x.is_zero() && e < 0 {
        return None;
    }
    let bits = (x.numer().bits() + x.denom().bits()).saturating_sub(1).max(1);
    if bits.saturating_mul(e.unsigned_abs() as u64) > max_bits {
        return None;
    }
    Some(num_traits::Pow::pow(x, e))
}

fn not_exact(func: &'static str) -> MathError {
    MathError::NotExact { func }
}

/// Exact `n`-th root of a non-negative integer, if it is a perfect power.
fn exact_root(a: &BigInt, n: u32) -> Option<BigInt> {
    if a.is_negative() {
        return None;
    }
    let r = a.nth_root(n);
    if num_traits::pow(r.clone(), n as usize) == *a {
        Some(r)
    } else {
        None
    }
}

/// `q·n` (or `q/n` when `divide`, `n ≠ 0`) in machine integers when `q`'s numerator and
/// denominator fit an `i64`: the same normalised value as num-rational's (which reduces by a
/// big-integer gcd), from one `u64` gcd. `q = a/b` is in lowest terms with `b > 0`, so with
/// `g = gcd(|n|, b)`, `a·(n/g) / (b/g)` is in lowest terms; dividing, with `g = gcd(|a|, |n|)`,
/// `±(a/g) / (b·|n|/g)` is.
fn small_scaled(q: &BigRational, n: i64, divide: bool) -> Option<BigRational> {
    let (a, b) = (i128::from(q.numer().to_i64()?), i128::from(q.denom().to_i64()?));
    let n = i128::from(n);
    let (num, den) = if divide {
        let g = i128::from(num_integer::Integer::gcd(&a.unsigned_abs(), &n.unsigned_abs()) as u64);
        let (a, n) = (a / g, n / g);
        (if n < 0 { -a } else { a }, b * n.abs())
    } else {
        let g = i128::from(num_integer::Integer::gcd(&b.unsigned_abs(), &n.unsigned_abs()) as u64);
        (a * (n / g), b / g)
    };
    Some(BigRational::new_raw(num.into(), den.into()))
}

impl Scalar for BigRational {
    type Ctx = ();
    const EXACT: bool = true;
    fn ctx(&self) {}
    fn from_rational(q: &BigRational, _: &()) -> Self {
        q.clone()
    }
    fn from_int(n: i64, _: &()) -> Self {
        BigRational::from_integer(n.into())
    }
    fn constant(c: Constant, _: &()) -> MathResult<Self> {
        Err(not_exact(match c {
            Constant::Pi => "pi",
            Constant::E => "e",
        }))
    }
    // Zero and integer operands are common in Taylor series (the variable's series is
    // [a, 1, 0, ...]) and skip num-rational's gcd normalisation; the values are the same.
    fn add(&self, o: &Self) -> Self {
        if o.is_zero() {
            self.clone()
        } else if self.is_zero() {
            o.clone()
        } else if self.is_integer() && o.is_integer() {
            BigRational::from_integer(self.numer() + o.numer())
        } else {
            self + o
        }
    }
    fn sub(&self, o: &Self) -> Self {
        if o.is_zero() {
            self.clone()
        } else if self.is_integer() && o.is_integer() {
            BigRational::from_integer(self.numer() - o.numer())
        } else {
            self - o
        }
    }
    fn mul(&self, o: &Self) -> Self {
        if self.is_zero() || o.is_zero() {
            BigRational::zero()
        } else if self.is_integer() && o.is_integer() {
            BigRational::from_integer(self.numer() * o.numer())
        } else if o.is_integer() {
            self * o.numer()
        } else if self.is_integer() {
            o * self.numer()
        } else {
            self * o
        }
    }
    fn neg(&self) -> Self {
        -self
    }
    fn div(&self, o: &Self) -> MathResult<Self> {
        if o.is_zero() {
            Err(MathError::DivisionByZero)
        } else if self.is_zero() {
            Ok(BigRational::zero())
        } else {
            Ok(self / o)
        }
    }
    fn add_mul(&mut self, a: &Self, b: &Self) {
        if !a.is_zero() && !b.is_zero() {
            *self = Scalar::add(self, &Scalar::mul(a, b));
        }
    }
    fn mul_int(&self, n: i64) -> Self {
        if self.is_zero() || n == 0 {
            BigRational::zero()
        } else if self.is_integer() {
            BigRational::from_integer(self.numer() * n)
        } else if let Some(r) = small_scaled(self, n, false) {
            r
        } else {
            self * BigInt::from(n)
        }
    }
    fn div_int(&self, n: i64) -> Self {
        if self.is_zero() {
            BigRational::zero()
        } else if n == 1 {
            self.clone()
        } else if let Some(r) = small_scaled(self, n, true) {
            r
        } else {
            self / BigInt::from(n)
        }
    }
    fn powi(&self, n: i64) -> MathResult<Self> {
        if n < 0 && self.is_zero() {
            return Err(MathError::DivisionByZero);
        }
        rational_pow_bounded(self, n, MAX_EXACT_POW_BITS).ok_or(MathError::NotExact { func: "pow (the exact power would be too large)" })
    }
    fn powq(&self, q: &BigRational) -> MathResult<Self> {
        if q.is_integer() {
            return self.powi(q.numer().to_i64().ok_or(MathError::Overflow)?);
        }
        if self.is_negative() {
            return Err(MathError::Domain { func: "pow", detail: "a non-integer power of a negative number".into() });
        }
        if self.is_zero() {
            return if q.is_positive() { Ok(self.clone()) } else { Err(MathError::DivisionByZero) };
        }
        // self^(p/d) is rational iff numerator and denominator are perfect d-th powers.
        let d = q.denom().to_u32().ok_or(not_exact("pow"))?;
        let rn = exact_root(self.numer(), d).ok_or(not_exact("pow"))?;
        let rd = exact_root(self.denom(), d).ok_or(not_exact("pow"))?;
        BigRational::new(rn, rd).powi(q.numer().to_i64().ok_or(MathError::Overflow)?)
    }
    fn apply(&self, f: Func) -> MathResult<Self> {
        let zero = self.is_zero();
        let one = || BigRational::one();
        match f {
            Func::Sqrt => self.powq(&BigRational::new(1.into(), 2.into())).map_err(|e| match e {
                MathError::Domain { .. } => MathError::Domain { func: "sqrt", detail: "negative argument".into() },
                MathError::NotExact { .. } => not_exact("sqrt"),
                e => e,
            }),
            Func::Abs => Ok(self.abs()),
            Func::Relu => Ok(if self.is_negative() { BigRational::zero() } else { self.clone() }),
            Func::Exp | Func::Cosh | Func::Gauss if zero => Ok(one()),
            Func::Sin | Func::Tan | Func::Tanh | Func::Atan | Func::Asin | Func::Sinh if zero => Ok(self.clone()),
            Func::Cos if zero => Ok(one()),
            Func::Sigmoid if zero => Ok(BigRational::new(1.into(), 2.into())),
            Func::Log if self.is_one() => Ok(BigRational::zero()),
            Func::Acos if self.is_one() => Ok(BigRational::zero()),
            Func::Log if !self.is_positive() => {
                Err(MathError::Domain { func: "log", detail: format!("log of {self} <= 0") })
            }
            Func::Asin | Func::Acos if self.abs() > one() => {
                Err(MathError::Domain { func: f.name(), detail: format!("{self} is outside [-1, 1]") })
            }
            _ => Err(not_exact(f.name())),
        }
    }
    fn max(&self, o: &Self) -> Self {
        if o > self {
            o.clone()
        } else {
            self.clone()
        }
    }
    fn min(&self, o: &Self) -> Self {
        if o < self {
            o.clone()
        } else {
            self.clone()
        }
    }
    fn is_exactly_one(&self) -> bool {
        num_traits::One::is_one(self)
    }
    fn sign(&self) -> Sign {
        if self.is_zero() {
            Sign::Zero
        } else if self.is_positive() {
            Sign::Pos
        } else {
            Sign::Neg
        }
    }
    fn to_interval(&self, prec: u32) -> Interval {
        Interval::from_rational(self, prec)
    }
}

impl Scalar for Interval {
    type Ctx = u32;
    const EXACT: bool = false;
    fn ctx(&self) -> u32 {
        self.prec()
    }
    fn from_rational(q: &BigRational, prec: &u32) -> Self {
        Interval::from_rational(q, *prec)
    }
    fn from_int(n: i64, prec: &u32) -> Self {
        Interval::from_int(n, *prec)
    }
    fn constant(c: Constant, prec: &u32) -> MathResult<Self> {
        Ok(match c {
            Constant::Pi => Interval::pi(*prec),
            Constant::E => Interval::e(*prec),
        })
    }
    fn add(&self, o: &Self) -> Self {
        Interval::add(self, o)
    }
    fn sub(&self, o: &Self) -> Self {
        Interval::sub(self, o)
    }
    fn mul(&self, o: &Self) -> Self {
        Interval::mul(self, o)
    }
    fn neg(&self) -> Self {
        Interval::neg(self)
    }
    fn div(&self, o: &Self) -> MathResult<Self> {
        Interval::div(self, o)
    }
    fn add_mul(&mut self, a: &Self, b: &Self) {
        self.add_mul_assign(a, b);
    }
    fn mul_int(&self, n: i64) -> Self {
        Interval::mul_int(self, n)
    }
    fn div_int(&self, n: i64) -> Self {
        Interval::div_int(self, n)
    }
    fn add_owned(mut self, o: &Self) -> Self {
        self.add_assign(o);
        self
    }
    fn sub_owned(mut self, o: &Self) -> Self {
        self.sub_assign(o);
        self
    }
    fn neg_owned(mut self) -> Self {
        self.neg_assign();
        self
    }
    fn mul_int_owned(mut self, n: i64) -> Self {
        self.mul_int_assign(n);
        self
    }
    fn div_int_owned(mut self, n: i64) -> Self {
        self.div_int_assign(n);
        self
    }
    fn powi(&self, n: i64) -> MathResult<Self> {
        Interval::powi(self, n)
    }
    fn powq(&self, q: &BigRational) -> MathResult<Self> {
        Interval::powq(self, q)
    }
    fn apply(&self, f: Func) -> MathResult<Self> {
        match f {
            Func::Sqrt => self.sqrt(),
            Func::Exp => self.exp(),
            Func::Log => self.log(),
            Func::Sin => self.sin(),
            Func::Cos => self.cos(),
            Func::Tan => self.tan(),
            Func::Tanh => self.tanh(),
            Func::Atan => self.atan(),
            Func::Asin => self.asin(),
            Func::Acos => self.acos(),
            Func::Sinh => self.sinh(),
            Func::Cosh => self.cosh(),
            Func::Sigmoid => self.sigmoid(),
            Func::Softplus => self.softplus(),
            Func::Relu => Ok(self.relu()),
            Func::Abs => Ok(self.abs()),
            Func::Gauss => self.gauss(),
        }
    }
    fn sin_cos(&self) -> MathResult<(Self, Self)> {
        Interval::sin_cos(self)
    }
    fn max(&self, o: &Self) -> Self {
        Interval::max(self, o)
    }
    fn min(&self, o: &Self) -> Self {
        Interval::min(self, o)
    }
    fn is_exactly_one(&self) -> bool {
        self.is_point() && *self.lo() == 1
    }
    fn sign(&self) -> Sign {
        if self.is_zero() {
            Sign::Zero
        } else if self.is_pos() {
            Sign::Pos
        } else if self.is_neg() {
            Sign::Neg
        } else {
            Sign::Unknown
        }
    }
    fn to_interval(&self, prec: u32) -> Interval {
        if prec >= self.prec() {
            self.clone()
        } else {
            self.with_prec(prec)
        }
    }
}

/// `f64`: plain floating point for the simulator and cross-checks. No guarantee.
impl Scalar for f64 {
    type Ctx = ();
    const EXACT: bool = false;
    fn ctx(&self) {}
    fn from_rational(q: &BigRational, _: &()) -> Self {
        q.to_f64().unwrap_or(f64::NAN)
    }
    fn from_int(n: i64, _: &()) -> Self {
        n as f64
    }
    fn constant(c: Constant, _: &()) -> MathResult<Self> {
        Ok(match c {
            Constant::Pi => std::f64::consts::PI,
            Constant::E => std::f64::consts::E,
        })
    }
    fn add(&self, o: &Self) -> Self {
        self + o
    }
    fn sub(&self, o: &Self) -> Self {
        self - o
    }
    fn mul(&self, o: &Self) -> Self {
        self * o
    }
    fn neg(&self) -> Self {
        -self
    }
    fn div(&self, o: &Self) -> MathResult<Self> {
        if *o == 0.0 {
            Err(MathError::DivisionByZero)
        } else {
            Ok(self / o)
        }
    }
    fn powi(&self, n: i64) -> MathResult<Self> {
        if n < 0 && *self == 0.0 {
            return Err(MathError::DivisionByZero);
        }
        Ok(f64::powi(*self, i32::try_from(n).map_err(|_| MathError::Overflow)?))
    }
    fn powq(&self, q: &BigRational) -> MathResult<Self> {
        if q.is_integer() {
            return Scalar::powi(self, q.numer().to_i64().ok_or(MathError::Overflow)?);
        }
        if *self < 0.0 {
            return Err(MathError::Domain { func: "pow", detail: "a non-integer power of a negative number".into() });
        }
        Ok(self.powf(q.to_f64().unwrap_or(f64::NAN)))
    }
    fn apply(&self, f: Func) -> MathResult<Self> {
        let x = *self;
        let dom = |ok: bool, name: &'static str| -> MathResult<()> {
            if ok {
                Ok(())
            } else {
                Err(MathError::Domain { func: name, detail: format!("{x} is outside the domain") })
            }
        };
        Ok(match f {
            Func::Sqrt => {
                dom(x >= 0.0, "sqrt")?;
                x.sqrt()
            }
            Func::Exp => x.exp(),
            Func::Log => {
                dom(x > 0.0, "log")?;
                x.ln()
            }
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Tan => x.tan(),
            Func::Tanh => x.tanh(),
            Func::Atan => x.atan(),
            Func::Asin => {
                dom(x.abs() <= 1.0, "asin")?;
                x.asin()
            }
            Func::Acos => {
                dom(x.abs() <= 1.0, "acos")?;
                x.acos()
            }
            Func::Sinh => x.sinh(),
            Func::Cosh => x.cosh(),
            Func::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Func::Softplus => {
                if x > 0.0 {
                    x + (-x).exp().ln_1p()
                } else {
                    x.exp().ln_1p()
                }
            }
            Func::Relu => x.max(0.0),
            Func::Abs => x.abs(),
            Func::Gauss => (-x * x).exp(),
        })
    }
    fn max(&self, o: &Self) -> Self {
        f64::max(*self, *o)
    }
    fn min(&self, o: &Self) -> Self {
        f64::min(*self, *o)
    }
    fn sign(&self) -> Sign {
        if *self > 0.0 {
            Sign::Pos
        } else if *self < 0.0 {
            Sign::Neg
        } else if *self == 0.0 {
            Sign::Zero
        } else {
            Sign::Unknown
        }
    }
    fn to_interval(&self, prec: u32) -> Interval {
        let f = rug::Float::with_val(prec.max(53), *self);
        Interval::point(f).unwrap_or_else(|_| Interval::entire(prec))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rat() -> impl Strategy<Value = BigRational> {
        // zero, integers and fractions, as the short paths distinguish them
        (-20i64..20, prop::sample::select(vec![1i64, 1, 1, 2, 3, 7])).prop_map(|(n, d)| BigRational::new(n.into(), d.into()))
    }

    proptest! {
        /// The rational scalar's short paths (zero, integer operands) give exactly num-rational's
        /// values, in normalised form.
        #[test]
        fn rational_short_paths_are_exact(a in rat(), b in rat(), n in -6i64..7) {
            prop_assert_eq!(Scalar::add(&a, &b), &a + &b);
            prop_assert_eq!(Scalar::sub(&a, &b), &a - &b);
            prop_assert_eq!(Scalar::mul(&a, &b), &a * &b);
            if !b.is_zero() {
                prop_assert_eq!(Scalar::div(&a, &b).unwrap(), &a / &b);
            }
            prop_assert_eq!(a.mul_int(n), &a * BigInt::from(n));
            // the machine-integer path against num-rational, on large operands too
            let big = BigRational::new(BigInt::from(n) * 1_000_000_007i64 + 3, BigInt::from(7_000_000_019i64 * (n.abs() + 1)));
            for k in [n, n * 1_000_003, i64::MAX, i64::MIN + 1, -36, 48] {
                if k != 0 {
                    prop_assert_eq!(Scalar::mul_int(&big, k), &big * BigInt::from(k));
                    prop_assert_eq!(Scalar::div_int(&big, k), &big / BigInt::from(k));
                    prop_assert_eq!(Scalar::div_int(&a, k), &a / BigInt::from(k));
                    for r in [Scalar::mul_int(&big, k), Scalar::div_int(&big, k), Scalar::div_int(&a, k), Scalar::mul_int(&a, k)] {
                        let m = BigRational::new(r.numer().clone(), r.denom().clone());
                        prop_assert!(m.numer() == r.numer() && m.denom() == r.denom(), "not in lowest terms: {}", r);
                    }
                }
            }
            if n != 0 {
                prop_assert_eq!(a.div_int(n), &a / BigInt::from(n));
            }
            let mut acc = a.clone();
            acc.add_mul(&b, &a);
            prop_assert_eq!(acc, &a + &b * &a);
            for r in [Scalar::add(&a, &b), Scalar::mul(&a, &b), a.mul_int(n)] {
                prop_assert_eq!(r.clone(), BigRational::new(r.numer().clone(), r.denom().clone()), "not normalised");
            }
        }
    }
}
