//! Exact numbers for the independent checker: rationals parsed from decimal strings, and
//! closed intervals with rational end points.
//!
//! Guarantee: parsing is exact (`"1.05"` is 21/20, `"9.5e-2"` is 19/200); interval operations
//! return intervals that contain every value of the operation on members of the operands
//! (no rounding happens: the end points are exact rationals).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// The checker's number type.
pub type Q = BigRational;

/// Parses an exact number: an integer, a decimal with optional exponent (`-1.5e-3`), or a
/// fraction `p/q` of such numbers. `None` for anything else (including `q = 0`).
pub fn parse_q(s: &str) -> Option<Q> {
    let s = s.trim();
    if let Some((a, b)) = s.split_once('/') {
        let (a, b) = (parse_decimal(a)?, parse_decimal(b)?);
        return if b.is_zero() { None } else { Some(a / b) };
    }
    parse_decimal(s)
}

/// Parses `[+-]digits[.digits][(e|E)[+-]digits]` exactly.
fn parse_decimal(s: &str) -> Option<Q> {
    let s = s.trim();
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    if exp.unsigned_abs() > 100_000 {
        return None;
    }
    let digits: BigInt = format!("0{int}{frac}").parse().ok()?;
    let e = exp - frac.len() as i64;
    let ten = BigInt::from(10);
    let scale = num_traits::pow(ten, e.unsigned_abs() as usize);
    let v = if e >= 0 { Q::from_integer(digits * scale) } else { Q::new(digits, scale) };
    Some(if neg { -v } else { v })
}

/// The exact rational value of a JSON number-or-string (`"21/20"`, `"1.5"`, `3`).
pub fn q_of_json(v: &serde_json::Value) -> Option<Q> {
    match v {
        serde_json::Value::String(s) => parse_q(s),
        serde_json::Value::Number(n) => n.as_i64().map(|i| Q::from_integer(i.into())).or_else(|| parse_q(&n.to_string())),
        _ => None,
    }
}

/// A closed interval `[lo, hi]` with exact rational end points, `lo <= hi`.
#[derive(Clone, Debug, PartialEq)]
pub struct RI {
    pub lo: Q,
    pub hi: Q,
}

impl RI {
    /// The interval `[lo, hi]`; `None` when `lo > hi`.
    pub fn new(lo: Q, hi: Q) -> Option<RI> {
        (lo <= hi).then_some(RI { lo, hi })
    }

    /// The one-point interval.
    pub fn point(q: Q) -> RI {
        RI { lo: q.clone(), hi: q }
    }

    /// Whether the two intervals share a point.
    pub fn meets(&self, o: &RI) -> bool {
        self.lo <= o.hi && o.lo <= self.hi
    }

    /// Whether `self` lies inside `o`.
    pub fn within(&self, o: &RI) -> bool {
        o.lo <= self.lo && self.hi <= o.hi
    }

    /// The smallest interval holding both.
    pub fn hull(&self, o: &RI) -> RI {
        RI { lo: self.lo.clone().min(o.lo.clone()), hi: self.hi.clone().max(o.hi.clone()) }
    }

    /// The sign of every member: `Some(1)` all positive, `Some(-1)` all negative, `None` when
    /// the interval touches 0.
    pub fn strict_sign(&self) -> Option<i8> {
        if self.lo.is_positive() {
            Some(1)
        } else if self.hi.is_negative() {
            Some(-1)
        } else {
            None
        }
    }

    /// Sum.
    pub fn add(&self, o: &RI) -> RI {
        RI { lo: &self.lo + &o.lo, hi: &self.hi + &o.hi }
    }

    /// Difference.
    pub fn sub(&self, o: &RI) -> RI {
        RI { lo: &self.lo - &o.hi, hi: &self.hi - &o.lo }
    }

    /// Negation.
    pub fn neg(&self) -> RI {
        RI { lo: -&self.hi, hi: -&self.lo }
    }

    /// Product (all four end-point products).
    pub fn mul(&self, o: &RI) -> RI {
        let c = [&self.lo * &o.lo, &self.lo * &o.hi, &self.hi * &o.lo, &self.hi * &o.hi];
        let lo = c.iter().min().cloned().unwrap_or_else(Q::zero);
        let hi = c.iter().max().cloned().unwrap_or_else(Q::zero);
        RI { lo, hi }
    }

    /// Quotient; `None` when the divisor touches 0.
    pub fn div(&self, o: &RI) -> Option<RI> {
        o.strict_sign()?;
        Some(self.mul(&RI { lo: o.hi.recip(), hi: o.lo.recip() }))
    }

    /// Integer power by repeated multiplication (a valid, if not tight, enclosure); negative
    /// powers through [`RI::div`].
    pub fn powi(&self, n: i64) -> Option<RI> {
        let mut r = RI::point(Q::one());
        for _ in 0..n.unsigned_abs() {
            r = r.mul(self);
        }
        if n < 0 {
            RI::point(Q::one()).div(&r)
        } else {
            Some(r)
        }
    }

    /// An enclosure of the square root, end points within `2^-bits` of the true ones;
    /// `None` when the interval reaches below 0.
    pub fn sqrt(&self, bits: u32) -> Option<RI> {
        if self.lo.is_negative() {
            return None;
        }
        Some(RI { lo: sqrt_bound(&self.lo, bits, false), hi: sqrt_bound(&self.hi, bits, true) })
    }
}

/// A rational lower (`up = false`) or upper bound of `sqrt(q)` for `q >= 0`, within `2^-bits`.
fn sqrt_bound(q: &Q, bits: u32, up: bool) -> Q {
    // sqrt(p/r) = sqrt(p r) / r; scale by 4^bits so that the integer square root is fine.
    let scale = BigInt::one() << (2 * bits as usize);
    let n = q.numer() * q.denom() * &scale;
    let mut s = n.sqrt();
    if up && &s * &s != n {
        s += 1;
    }
    Q::new(s, q.denom() * (BigInt::one() << bits as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(a: i64, b: i64) -> Q {
        Q::new(a.into(), b.into())
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_q("1.05"), Some(q(21, 20)));
        assert_eq!(parse_q("-9.5e-2"), Some(q(-19, 200)));
        assert_eq!(parse_q("1e3"), Some(q(1000, 1)));
        assert_eq!(parse_q("21/20"), Some(q(21, 20)));
        assert_eq!(parse_q(".5"), Some(q(1, 2)));
        assert_eq!(parse_q("1/0"), None);
        assert_eq!(parse_q("pi"), None);
        assert_eq!(parse_q("1.2.3"), None);
        assert_eq!(parse_q(""), None);
    }

    #[test]
    fn sqrt_encloses() {
        let r = RI::point(q(5, 1)).sqrt(64).unwrap();
        assert!(&r.lo * &r.lo <= q(5, 1) && &r.hi * &r.hi >= q(5, 1));
        assert!(&r.hi - &r.lo < q(1, 1 << 60));
    }
}
