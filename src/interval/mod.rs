//! Outward-rounded intervals over MPFR floats (`rug::Float`).
//!
//! Guarantee (the inclusion property): for every operation `op` here and all real numbers
//! `x ∈ X`, `y ∈ Y` in the operation's domain, `op(x, y) ∈ op(X, Y)`. Lower bounds are rounded
//! towards −∞ and upper bounds towards +∞, using MPFR's correctly rounded primitives, so the
//! result is a true enclosure at every precision. When the exact result is not defined on the
//! whole input (division by an interval containing 0, `log` of an interval reaching 0, `sqrt`
//! of an interval reaching below 0, `tan` across a pole, `asin` outside [−1, 1], ...) the
//! operation returns a [`MathError`], never NaN and never a set-restricted answer.
//!
//! Intervals are non-empty, closed, and may have infinite endpoints (`lo` may be −∞, `hi` may
//! be +∞); neither endpoint is ever NaN, and `lo <= hi` always holds.

use crate::error::{MathError, MathResult};
use num_rational::BigRational;
use rug::float::{Constant, Round, Special};
use rug::ops::{Pow, PowAssignRound};
use rug::Float;
use std::cmp::Ordering;
use std::fmt;

/// A closed interval `[lo, hi]` with MPFR endpoints; see the module documentation.
#[derive(Clone, PartialEq)]
pub struct Interval {
    lo: Float,
    hi: Float,
}

/// Default working precision in bits.
pub const DEFAULT_PREC: u32 = 128;

/// Converts an exact rational from num-rational into rug's rational (exactly).
pub fn to_rug_rational(q: &BigRational) -> rug::Rational {
    rug::Rational::from((to_rug_integer(q.numer()), to_rug_integer(q.denom())))
}

/// Converts a num-bigint integer into rug's integer (exactly).
pub fn to_rug_integer(n: &num_bigint::BigInt) -> rug::Integer {
    let (sign, bytes) = n.to_bytes_le();
    let m = rug::Integer::from_digits(&bytes, rug::integer::Order::Lsf);
    if sign == num_bigint::Sign::Minus {
        -m
    } else {
        m
    }
}

/// Converts a finite MPFR float into the exact rational it represents.
/// Returns `None` for infinities and NaN.
pub fn float_to_rational(f: &Float) -> Option<BigRational> {
    let r = f.to_rational()?;
    let (n, d) = r.into_numer_denom();
    Some(BigRational::new(from_rug_integer(&n), from_rug_integer(&d)))
}

/// Converts rug's integer into a num-bigint integer (exactly).
pub fn from_rug_integer(n: &rug::Integer) -> num_bigint::BigInt {
    let bytes = n.to_digits::<u8>(rug::integer::Order::Lsf);
    let m = num_bigint::BigInt::from_bytes_le(num_bigint::Sign::Plus, &bytes);
    if n.cmp0() == Ordering::Less {
        -m
    } else {
        m
    }
}

/// `x op y` with the result rounded in direction `r`, at precision `prec`.
macro_rules! rnd {
    ($prec:expr, $val:expr, $r:expr) => {
        Float::with_val_round($prec, $val, $r).0
    };
}

/// Product rounded in direction `r`, with the interval convention `0 · ∞ = 0`.
fn mul_r(prec: u32, a: &Float, b: &Float, r: Round) -> Float {
    if a.is_zero() || b.is_zero() {
        Float::new(prec)
    } else {
        rnd!(prec, a * b, r)
    }
}

// Sign tests of an endpoint: the same answers as `x >= 0`, `x <= 0`, `x > 0`, `x < 0` (false
// for NaN; ±0 is 0), from MPFR's inline NaN, zero and sign-bit tests instead of a call to its
// comparison function (the product, quotient and `0 ∈ X` tests ask them on every operation).
#[inline]
fn nonneg(x: &Float) -> bool {
    !x.is_nan() && (x.is_zero() || x.is_sign_positive())
}
#[inline]
fn nonpos(x: &Float) -> bool {
    !x.is_nan() && (x.is_zero() || x.is_sign_negative())
}
#[inline]
fn pos(x: &Float) -> bool {
    !x.is_nan() && !x.is_zero() && x.is_sign_positive()
}
#[inline]
fn neg(x: &Float) -> bool {
    !x.is_nan() && !x.is_zero() && x.is_sign_negative()
}

fn min_f(a: Float, b: Float) -> Float {
    if b < a {
        b
    } else {
        a
    }
}

fn max_f(a: Float, b: Float) -> Float {
    if b > a {
        b
    } else {
        a
    }
}

fn domain(func: &'static str, detail: impl Into<String>) -> MathError {
    MathError::Domain { func, detail: detail.into() }
}

impl Interval {
    /// The interval `[lo, hi]`. Errors if an endpoint is NaN, `lo > hi`, `lo = +∞` or `hi = −∞`.
    pub fn new(lo: Float, hi: Float) -> MathResult<Interval> {
        if lo.is_nan() || hi.is_nan() {
            return Err(MathError::Overflow);
        }
        if lo > hi || (lo.is_infinite() && lo.is_sign_positive()) || (hi.is_infinite() && hi.is_sign_negative()) {
            return Err(domain("interval", format!("empty interval [{lo}, {hi}]")));
        }
        Ok(Interval { lo, hi })
    }

    /// Builds from endpoints known to satisfy the invariants (internal use).
    fn raw(lo: Float, hi: Float) -> Interval {
        debug_assert!(!lo.is_nan() && !hi.is_nan() && lo <= hi, "bad interval [{lo}, {hi}]");
        Interval { lo, hi }
    }

    /// Checks the result of an operation for NaN (never expected; defensive).
    fn checked(lo: Float, hi: Float) -> MathResult<Interval> {
        if lo.is_nan() || hi.is_nan() || lo > hi {
            return Err(MathError::Overflow);
        }
        Ok(Interval { lo, hi })
    }

    /// The smallest interval at precision `prec` containing the rational `q`.
    pub fn from_rational(q: &BigRational, prec: u32) -> Interval {
        use num_traits::ToPrimitive;
        // Fast path for small numerators and denominators: n is exact at prec >= 64 bits
        // (|n| < 2^63), so the only rounding is the directed division by d.
        if prec >= 64 {
            if let (Some(n), Some(d)) = (q.numer().to_i64(), q.denom().to_i64()) {
                let mut nf = Float::with_val(prec, n);
                if d.count_ones() == 1 {
                    // n/2^k: exact (an exponent shift)
                    nf >>= d.trailing_zeros();
                    return Interval::raw(nf.clone(), nf);
                }
                return Interval::raw(rnd!(prec, &nf / d, Round::Down), rnd!(prec, &nf / d, Round::Up));
            }
        }
        let r = to_rug_rational(q);
        Interval::raw(rnd!(prec, &r, Round::Down), rnd!(prec, &r, Round::Up))
    }

    /// The smallest interval at precision `prec` containing the integer `n`.
    pub fn from_int(n: i64, prec: u32) -> Interval {
        Interval::raw(rnd!(prec, n, Round::Down), rnd!(prec, n, Round::Up))
    }

    /// The point interval `[x, x]` (x finite, not NaN).
    pub fn point(x: Float) -> MathResult<Interval> {
        Interval::new(x.clone(), x)
    }

    /// The hull of two rationals `[min(a,b), max(a,b)]`, outward rounded.
    pub fn from_rationals(a: &BigRational, b: &BigRational, prec: u32) -> Interval {
        Interval::from_rational(a, prec).hull(&Interval::from_rational(b, prec))
    }

    /// An enclosure of π.
    pub fn pi(prec: u32) -> Interval {
        Interval::raw(rnd!(prec, Constant::Pi, Round::Down), rnd!(prec, Constant::Pi, Round::Up))
    }

    /// An enclosure of e.
    pub fn e(prec: u32) -> Interval {
        Interval::raw(rnd!(prec, Float::with_val(prec, 1).exp_ref(), Round::Down), {
            let one = Float::with_val(prec, 1);
            rnd!(prec, one.exp_ref(), Round::Up)
        })
    }

    /// `(−∞, +∞)`.
    pub fn entire(prec: u32) -> Interval {
        Interval::raw(Float::with_val(prec, Special::NegInfinity), Float::with_val(prec, Special::Infinity))
    }

    pub fn lo(&self) -> &Float {
        &self.lo
    }
    pub fn hi(&self) -> &Float {
        &self.hi
    }
    /// Precision (bits) of the endpoints.
    pub fn prec(&self) -> u32 {
        self.lo.prec().max(self.hi.prec())
    }
    fn prec2(&self, o: &Interval) -> u32 {
        self.prec().max(o.prec())
    }

    /// Both endpoints finite.
    pub fn is_bounded(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }
    /// `lo == hi`.
    pub fn is_point(&self) -> bool {
        self.lo == self.hi
    }
    /// `0 ∈ self`.
    pub fn contains_zero(&self) -> bool {
        nonpos(&self.lo) && nonneg(&self.hi)
    }
    /// `lo > 0`: every element is positive.
    pub fn is_pos(&self) -> bool {
        pos(&self.lo)
    }
    /// `hi < 0`: every element is negative.
    pub fn is_neg(&self) -> bool {
        neg(&self.hi)
    }
    /// `self == [0, 0]`.
    pub fn is_zero(&self) -> bool {
        self.lo.is_zero() && self.hi.is_zero()
    }
    /// `other ⊆ self`.
    pub fn contains(&self, other: &Interval) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }
    /// `other ⊆ interior(self)` (strict on both sides), as Krawczyk's test needs.
    pub fn contains_interior(&self, other: &Interval) -> bool {
        self.lo < other.lo && other.hi < self.hi
    }
    /// The exact rational `q` lies in `self`.
    pub fn contains_rational(&self, q: &BigRational) -> bool {
        let r = to_rug_rational(q);
        self.lo <= r && r <= self.hi
    }
    /// Every element of `self` is below every element of `other`.
    pub fn certainly_lt(&self, other: &Interval) -> bool {
        self.hi < other.lo
    }
    /// Every element of `self` is at most every element of `other`.
    pub fn certainly_le(&self, other: &Interval) -> bool {
        self.hi <= other.lo
    }

    /// Width `hi − lo`, rounded up.
    pub fn width(&self) -> Float {
        rnd!(self.prec(), &self.hi - &self.lo, Round::Up)
    }
    /// The width `hi − lo` as an interval (an enclosure of the exact width).
    pub fn width_interval(&self) -> Interval {
        let p = self.prec();
        Interval::raw(rnd!(p, &self.hi - &self.lo, Round::Down).max(&Float::new(p)), rnd!(p, &self.hi - &self.lo, Round::Up))
    }
    /// A point of the interval near its middle (exactly inside `[lo, hi]`; 0 for the entire line).
    pub fn mid(&self) -> Float {
        let p = self.prec();
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) => {
                let mut m = rnd!(p + 1, &self.lo + &self.hi, Round::Nearest);
                m >>= 1; // exact
                m.set_prec_round(p, Round::Nearest); // in place: the same rounding as a new float
                // Rounding can only push m onto an endpoint, never outside.
                m.clamp(&self.lo, &self.hi)
            }
            (false, false) => Float::new(p),
            (true, false) => {
                if self.lo < 0 {
                    Float::new(p)
                } else {
                    rnd!(p, &self.lo * 2u32, Round::Up) + 1u32
                }
            }
            (false, true) => {
                if self.hi > 0 {
                    Float::new(p)
                } else {
                    rnd!(p, &self.hi * 2u32, Round::Down) - 1u32
                }
            }
        }
    }
    /// The midpoint as a point interval.
    pub fn mid_interval(&self) -> Interval {
        let m = self.mid();
        Interval::raw(m.clone(), m)
    }
    /// Radius bound: the maximum distance from `mid()` to an endpoint, rounded up.
    pub fn rad(&self) -> Float {
        self.mid_rad().1
    }
    /// `(mid(), rad())` together.
    pub fn mid_rad(&self) -> (Float, Float) {
        let m = self.mid();
        let p = self.prec();
        let r = max_f(rnd!(p, &self.hi - &m, Round::Up), rnd!(p, &m - &self.lo, Round::Up));
        (m, r)
    }
    /// Magnitude `max |x|` over the interval.
    pub fn mag(&self) -> Float {
        max_f(Float::with_val(self.prec(), self.lo.abs_ref()), Float::with_val(self.prec(), self.hi.abs_ref()))
    }
    /// Mignitude `min |x|` over the interval.
    pub fn mig(&self) -> Float {
        if self.contains_zero() {
            Float::new(self.prec())
        } else {
            min_f(Float::with_val(self.prec(), self.lo.abs_ref()), Float::with_val(self.prec(), self.hi.abs_ref()))
        }
    }

    /// The smallest interval containing both.
    pub fn hull(&self, o: &Interval) -> Interval {
        Interval::raw(min_f(self.lo.clone(), o.lo.clone()), max_f(self.hi.clone(), o.hi.clone()))
    }
    /// The bounds of `X ∩ Y`: the larger lower and the smaller upper endpoint (it is empty when
    /// they cross).
    fn meet_bounds<'a>(&'a self, o: &'a Interval) -> (&'a Float, &'a Float) {
        (if o.lo > self.lo { &o.lo } else { &self.lo }, if o.hi < self.hi { &o.hi } else { &self.hi })
    }
    /// Whether `X ∩ Y` is non-empty ([`Interval::intersect`] without forming it).
    pub fn meets(&self, o: &Interval) -> bool {
        let (lo, hi) = self.meet_bounds(o);
        lo <= hi
    }
    /// [`Interval::intersect`], consuming `self` (its endpoints are kept where they bound the
    /// intersection: no copies).
    pub fn intersect_owned(self, o: &Interval) -> Option<Interval> {
        if !self.meets(o) {
            return None;
        }
        let lo = if o.lo > self.lo { o.lo.clone() } else { self.lo };
        let hi = if o.hi < self.hi { o.hi.clone() } else { self.hi };
        Some(Interval::raw(lo, hi))
    }
    /// The intersection, or `None` when disjoint.
    pub fn intersect(&self, o: &Interval) -> Option<Interval> {
        let (lo, hi) = self.meet_bounds(o);
        (lo <= hi).then(|| Interval::raw(lo.clone(), hi.clone()))
    }
    /// Splits at the midpoint into two halves whose union is `self`.
    pub fn bisect(&self) -> (Interval, Interval) {
        let m = self.mid();
        (Interval::raw(self.lo.clone(), m.clone()), Interval::raw(m, self.hi.clone()))
    }
    /// Re-rounds outward to precision `prec` (the result contains `self`).
    pub fn with_prec(&self, prec: u32) -> Interval {
        Interval::raw(rnd!(prec, &self.lo, Round::Down), rnd!(prec, &self.hi, Round::Up))
    }
    /// Widens by `eps` (absolute) on both sides.
    pub fn inflate(&self, eps: &Float) -> Interval {
        let p = self.prec();
        Interval::raw(rnd!(p, &self.lo - eps, Round::Down), rnd!(p, &self.hi + eps, Round::Up))
    }

    /// Lower bound as an exact rational (`None` if infinite).
    pub fn lo_rational(&self) -> Option<BigRational> {
        float_to_rational(&self.lo)
    }
    /// Upper bound as an exact rational (`None` if infinite).
    pub fn hi_rational(&self) -> Option<BigRational> {
        float_to_rational(&self.hi)
    }

    /// Decimal strings `(lo, hi)` with `digits` significant digits, rounded outward, so that
    /// `[lo, hi]` as decimals still contains the interval.
    pub fn to_decimal_strings(&self, digits: usize) -> (String, String) {
        (fmt_float(&self.lo, digits, Round::Down), fmt_float(&self.hi, digits, Round::Up))
    }

    // ---------------------------------------------------------------- arithmetic

    /// `−X`, exact.
    pub fn neg(&self) -> Interval {
        Interval::raw(-self.hi.clone(), -self.lo.clone())
    }

    /// `X + Y`; contains `x + y` for all `x ∈ X, y ∈ Y`.
    pub fn add(&self, o: &Interval) -> Interval {
        let p = self.prec2(o);
        Interval::raw(rnd!(p, &self.lo + &o.lo, Round::Down), rnd!(p, &self.hi + &o.hi, Round::Up))
    }

    /// `X − Y`; contains `x − y` for all `x ∈ X, y ∈ Y`.
    pub fn sub(&self, o: &Interval) -> Interval {
        let p = self.prec2(o);
        Interval::raw(rnd!(p, &self.lo - &o.hi, Round::Down), rnd!(p, &self.hi - &o.lo, Round::Up))
    }

    /// The endpoint pairs `((x1, y1), (x2, y2))` whose products are the lower and upper bounds
    /// of `X · Y`, by the signs of the factors; `None` when both straddle 0 (then the lower
    /// bound is `min(lo·hi, hi·lo)` and the upper `max(lo·lo, hi·hi)`).
    #[allow(clippy::type_complexity)]
    fn product_pairs<'a>(a: &'a Interval, b: &'a Interval) -> Option<((&'a Float, &'a Float), (&'a Float, &'a Float))> {
        let (al, ah, bl, bh) = (&a.lo, &a.hi, &b.lo, &b.hi);
        let (a_pos, a_neg, b_pos, b_neg) = (nonneg(al), nonpos(ah), nonneg(bl), nonpos(bh));
        Some(if a_pos {
            if b_pos {
                ((al, bl), (ah, bh))
            } else if b_neg {
                ((ah, bl), (al, bh))
            } else {
                ((ah, bl), (ah, bh))
            }
        } else if a_neg {
            if b_pos {
                ((al, bh), (ah, bl))
            } else if b_neg {
                ((ah, bh), (al, bl))
            } else {
                ((al, bh), (al, bl))
            }
        } else if b_pos {
            ((al, bh), (ah, bh))
        } else if b_neg {
            ((ah, bl), (al, bl))
        } else {
            return None;
        })
    }

    /// `X · Y`; contains `x · y` for all `x ∈ X, y ∈ Y` (tightest at the working precision).
    pub fn mul(&self, o: &Interval) -> Interval {
        let p = self.prec2(o);
        let d = |x: &Float, y: &Float| mul_r(p, x, y, Round::Down);
        let u = |x: &Float, y: &Float| mul_r(p, x, y, Round::Up);
        let (lo, hi) = match Interval::product_pairs(self, o) {
            Some(((x1, y1), (x2, y2))) => (d(x1, y1), u(x2, y2)),
            None => {
                let (al, ah, bl, bh) = (&self.lo, &self.hi, &o.lo, &o.hi);
                (min_f(d(al, bh), d(ah, bl)), max_f(u(al, bl), u(ah, bh)))
            }
        };
        Interval::raw(lo, hi)
    }

    /// `self += A · B`, with one rounding per endpoint (MPFR's fused multiply-add) and no
    /// allocation when all endpoints are finite and the precisions agree; contains
    /// `s + a·b` for all `s ∈ self, a ∈ A, b ∈ B`.
    pub fn add_mul_assign(&mut self, a: &Interval, b: &Interval) {
        use rug::ops::AddAssignRound;
        let p = self.prec();
        let simple = a.prec() == p && b.prec() == p && self.is_bounded() && a.is_bounded() && b.is_bounded();
        match (simple, Interval::product_pairs(a, b)) {
            (true, Some(((x1, y1), (x2, y2)))) => {
                self.lo.add_assign_round(x1 * y1, Round::Down);
                self.hi.add_assign_round(x2 * y2, Round::Up);
            }
            _ => *self = self.add(&a.mul(b)),
        }
    }

    /// `X / Y`; contains `x / y` for all `x ∈ X, y ∈ Y`. Errors when `0 ∈ Y`.
    pub fn div(&self, o: &Interval) -> MathResult<Interval> {
        if o.contains_zero() {
            return Err(MathError::DivisionByZero);
        }
        let p = self.prec2(o);
        let (al, ah, bl, bh) = (&self.lo, &self.hi, &o.lo, &o.hi);
        let d = |x: &Float, y: &Float| rnd!(p, x / y, Round::Down);
        let u = |x: &Float, y: &Float| rnd!(p, x / y, Round::Up);
        let a_pos = nonneg(al);
        let a_neg = nonpos(ah);
        let (lo, hi) = if o.is_pos() {
            if a_pos {
                (d(al, bh), u(ah, bl))
            } else if a_neg {
                (d(al, bl), u(ah, bh))
            } else {
                (d(al, bl), u(ah, bl))
            }
        } else if a_pos {
            (d(ah, bh), u(al, bl))
        } else if a_neg {
            (d(ah, bl), u(al, bh))
        } else {
            (d(ah, bh), u(al, bh))
        };
        // Signed zeros can make lo = +0 > hi = -0 impossible (equal as numbers); guard NaN anyway.
        Interval::checked(lo, hi)
    }

    /// `X · n` for an integer `n` (one rounding per endpoint).
    pub fn mul_int(&self, n: i64) -> Interval {
        let p = self.prec();
        if n >= 0 {
            Interval::raw(rnd!(p, &self.lo * n, Round::Down), rnd!(p, &self.hi * n, Round::Up))
        } else {
            Interval::raw(rnd!(p, &self.hi * n, Round::Down), rnd!(p, &self.lo * n, Round::Up))
        }
    }

    /// `X ← X · n`, in place: the same enclosure as [`Interval::mul_int`].
    pub fn mul_int_assign(&mut self, n: i64) {
        use rug::ops::MulAssignRound;
        if n < 0 {
            std::mem::swap(&mut self.lo, &mut self.hi);
        }
        self.lo.mul_assign_round(n, Round::Down);
        self.hi.mul_assign_round(n, Round::Up);
    }

    /// `X ← X / n` for `n ≠ 0`, in place: the same enclosure as [`Interval::div_int`].
    pub fn div_int_assign(&mut self, n: i64) {
        use rug::ops::DivAssignRound;
        assert!(n != 0, "division by the integer 0");
        if n < 0 {
            std::mem::swap(&mut self.lo, &mut self.hi);
        }
        self.lo.div_assign_round(n, Round::Down);
        self.hi.div_assign_round(n, Round::Up);
    }

    /// `X ← −X`, in place (exact).
    pub fn neg_assign(&mut self) {
        use rug::ops::NegAssign;
        std::mem::swap(&mut self.lo, &mut self.hi);
        self.lo.neg_assign();
        self.hi.neg_assign();
    }

    /// `X ← X + Y`: the same enclosure as [`Interval::add`] (in place when `X`'s precision is
    /// at least `Y`'s, the result precision).
    pub fn add_assign(&mut self, o: &Interval) {
        use rug::ops::AddAssignRound;
        if self.prec() < o.prec() {
            *self = self.add(o);
            return;
        }
        self.lo.add_assign_round(&o.lo, Round::Down);
        self.hi.add_assign_round(&o.hi, Round::Up);
    }

    /// `X ← X − Y`: the same enclosure as [`Interval::sub`].
    pub fn sub_assign(&mut self, o: &Interval) {
        use rug::ops::SubAssignRound;
        if self.prec() < o.prec() {
            *self = self.sub(o);
            return;
        }
        self.lo.sub_assign_round(&o.hi, Round::Down);
        self.hi.sub_assign_round(&o.lo, Round::Up);
    }

    /// `X / n` for a non-zero integer `n` (one rounding per endpoint). Panics if `n = 0`.
    pub fn div_int(&self, n: i64) -> Interval {
        assert!(n != 0, "division by the integer 0");
        let p = self.prec();
        if n > 0 {
            Interval::raw(rnd!(p, &self.lo / n, Round::Down), rnd!(p, &self.hi / n, Round::Up))
        } else {
            Interval::raw(rnd!(p, &self.hi / n, Round::Down), rnd!(p, &self.lo / n, Round::Up))
        }
    }

    /// `1 / X`. Errors when `0 ∈ X`.
    pub fn recip(&self) -> MathResult<Interval> {
        Interval::from_int(1, self.prec()).div(self)
    }

    /// `X²`; contains `x²` for all `x ∈ X` (tightest: `[-1, 2]² = [0, 4]`).
    pub fn sqr(&self) -> Interval {
        self.powi(2).expect("square never fails")
    }

    /// `Xⁿ` for an integer `n`; contains `xⁿ` for all `x ∈ X`. Errors when `n < 0` and `0 ∈ X`.
    /// `X⁰ = [1, 1]`.
    pub fn powi(&self, n: i64) -> MathResult<Interval> {
        let p = self.prec();
        if n == 0 {
            return Ok(Interval::from_int(1, p));
        }
        if n < 0 && self.contains_zero() {
            return Err(MathError::DivisionByZero);
        }
        let n_i32 = i32::try_from(n).map_err(|_| MathError::Overflow)?;
        let pw = |x: &Float, r: Round| -> Float {
            if n_i32 == 2 {
                return rnd!(p, x.square_ref(), r); // MPFR's sqr: the same correctly rounded value
            }
            let mut y = Float::with_val(p, x);
            let _ = y.pow_assign_round(n_i32, r);
            y
        };
        let (lo, hi) = if n > 0 {
            if n % 2 == 1 || self.lo >= 0 {
                (pw(&self.lo, Round::Down), pw(&self.hi, Round::Up))
            } else if self.hi <= 0 {
                (pw(&self.hi, Round::Down), pw(&self.lo, Round::Up))
            } else {
                (Float::new(p), max_f(pw(&self.lo, Round::Up), pw(&self.hi, Round::Up)))
            }
        } else if n % 2 == 0 {
            // x^n with n < 0 even: increasing on x < 0, decreasing on x > 0.
            if self.is_pos() {
                (pw(&self.hi, Round::Down), pw(&self.lo, Round::Up))
            } else {
                (pw(&self.lo, Round::Down), pw(&self.hi, Round::Up))
            }
        } else {
            // n < 0 odd: decreasing on each side of 0.
            (pw(&self.hi, Round::Down), pw(&self.lo, Round::Up))
        };
        Interval::checked(lo, hi)
    }

    /// `X^q` for a rational `q`; contains `x^q` for all `x ∈ X`. Integer `q` is [`powi`](Interval::powi);
    /// otherwise `X` must be non-negative (positive when `q < 0`), else a domain error.
    pub fn powq(&self, q: &BigRational) -> MathResult<Interval> {
        use num_traits::{Signed, ToPrimitive, Zero};
        if q.is_integer() {
            let n = q.numer().to_i64().ok_or(MathError::Overflow)?;
            return self.powi(n);
        }
        if self.lo < 0 || (q.is_negative() && self.lo.is_zero()) {
            return Err(domain("pow", format!("a non-integer power needs a positive base, got [{}, {}]", self.lo, self.hi)));
        }
        if q.is_zero() {
            return Ok(Interval::from_int(1, self.prec()));
        }
        // x^q = exp(q ln x); with x ≥ 0 it is monotone: increasing for q > 0, decreasing for q < 0.
        // Evaluate each endpoint with an outward enclosure of q (exact when q is dyadic) and take
        // directed bounds of the exact endpoint power via MPFR's correctly rounded pow.
        let p = self.prec();
        let qr = to_rug_rational(q);
        let q_lo = rnd!(p + 64, &qr, Round::Down);
        let q_hi = rnd!(p + 64, &qr, Round::Up);
        // For x ≥ 1, x^q is increasing in q; for x ≤ 1 decreasing. Take the extreme over [q_lo, q_hi].
        let end = |x: &Float, r: Round| -> Float {
            if x.is_zero() {
                return Float::new(p);
            }
            let a = rnd!(p, Pow::pow(x, &q_lo), r);
            let b = rnd!(p, Pow::pow(x, &q_hi), r);
            if r == Round::Down {
                min_f(a, b)
            } else {
                max_f(a, b)
            }
        };
        let (lo, hi) = if q.is_positive() {
            (end(&self.lo, Round::Down), end(&self.hi, Round::Up))
        } else {
            (end(&self.hi, Round::Down), end(&self.lo, Round::Up))
        };
        Interval::checked(lo, hi)
    }
}

mod elementary;
pub(crate) mod fixed;

/// Formats a float in decimal with `digits` significant digits, rounded in direction `r`.
pub fn fmt_float(f: &Float, digits: usize, r: Round) -> String {
    if f.is_infinite() {
        return if f.is_sign_negative() { "-inf".into() } else { "inf".into() };
    }
    if f.is_zero() {
        return "0".into();
    }
    f.to_string_radix_round(10, Some(digits.max(2)), r)
}

impl fmt::Debug for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (l, h) = self.to_decimal_strings(20);
        write!(f, "[{l}, {h}]")
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (l, h) = self.to_decimal_strings(17);
        write!(f, "[{l}, {h}]")
    }
}

/// For tests: the special floats (±0, ±∞, NaN) at precision `prec`.
#[cfg(test)]
pub(crate) fn special_floats(prec: u32) -> Vec<Float> {
    use rug::float::Special;
    [Special::Zero, Special::NegZero, Special::Infinity, Special::NegInfinity, Special::Nan]
        .into_iter()
        .map(|s| Float::with_val(prec, s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The inline sign tests answer as MPFR's comparisons with 0, on every kind of float.
    #[test]
    fn sign_tests_agree_with_comparisons() {
        let mut xs = special_floats(64);
        for v in [1.5f64, -1.5, 1e-300, -1e-300, 3.0, -7.25] {
            xs.push(Float::with_val(64, v));
        }
        for x in &xs {
            assert_eq!(nonneg(x), *x >= 0, "{x} >= 0");
            assert_eq!(nonpos(x), *x <= 0, "{x} <= 0");
            assert_eq!(pos(x), *x > 0, "{x} > 0");
            assert_eq!(neg(x), *x < 0, "{x} < 0");
        }
    }

    fn iv(a: i64, w: u32, e: i32, prec: u32) -> Interval {
        let mut lo = Float::with_val(prec, a);
        lo >>= e;
        let mut hi = Float::with_val(prec, a + i64::from(w));
        hi >>= e;
        Interval::raw(lo, hi)
    }

    proptest! {
        /// The in-place operations give exactly the enclosures of their allocating versions
        /// (so they inherit those guarantees), at equal and at mixed precisions.
        #[test]
        fn in_place_operations_equal_the_allocating_ones(
            a in -1_000_000i64..1_000_000, w in 0u32..1000, e in -4i32..80,
            b in -1_000_000i64..1_000_000, v in 0u32..1000, f in -4i32..80,
            n in prop::sample::select(vec![-7i64, -3, -2, -1, 1, 2, 3, 6, 120]),
            p in prop::sample::select(vec![53u32, 64, 128]), q in prop::sample::select(vec![53u32, 64, 128]),
        ) {
            let x = iv(a, w, e, p);
            let y = iv(b, v, f, q);
            // mid: the nearest p-bit float to the (p + 1)-bit nearest of lo + hi, halved
            let want = rnd!(p, &(rnd!(p + 1, x.lo() + x.hi(), Round::Nearest) / 2u32), Round::Nearest);
            prop_assert!(x.mid() == want && x.mid().prec() == p);
            // (meets and intersect_owned: intersect's answer without forming it, or by moving)
            prop_assert_eq!(x.meets(&y), x.intersect(&y).is_some());
            prop_assert_eq!(x.clone().intersect_owned(&y), x.intersect(&y));
            let mut t = x.clone();
            t.add_assign(&y);
            prop_assert_eq!(&t, &x.add(&y));
            let mut t = x.clone();
            t.sub_assign(&y);
            prop_assert_eq!(&t, &x.sub(&y));
            let mut t = x.clone();
            t.neg_assign();
            prop_assert_eq!(&t, &x.neg());
            let mut t = x.clone();
            t.mul_int_assign(n);
            prop_assert_eq!(&t, &x.mul_int(n));
            let mut t = x.clone();
            t.div_int_assign(n);
            prop_assert_eq!(&t, &x.div_int(n));
        }
    }
}
