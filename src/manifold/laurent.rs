//! Exact Laurent polynomials `p(t) / t^k` over Q, for curves such as `x = t, y = 1/t`.
//!
//! Guarantee: arithmetic is exact; [`Laurent::from_expr`] returns a Laurent polynomial equal to
//! the expression wherever the expression is defined (`t ≠ 0`), or `None` when the expression
//! is not one (functions, constants such as `pi`, division by a non-monomial).

use crate::eval::fold_rational;
use crate::expr::Expr;
use crate::poly::Poly;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

type Q = BigRational;

/// Largest exponent handled (larger ones give `None`).
const MAX_DEGREE: i64 = 512;

/// `num(t) / t^shift` (`shift ≥ 0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Laurent {
    pub num: Poly,
    pub shift: u32,
}

impl Laurent {
    pub fn constant(q: Q) -> Laurent {
        Laurent { num: Poly::constant(q), shift: 0 }
    }

    fn raise(&self, to: u32) -> Poly {
        self.num.mul(&Poly::monomial(Q::from_integer(1.into()), (to - self.shift) as usize))
    }

    pub fn add(&self, o: &Laurent) -> Laurent {
        let s = self.shift.max(o.shift);
        Laurent { num: self.raise(s).add(&o.raise(s)), shift: s }
    }

    pub fn neg(&self) -> Laurent {
        Laurent { num: self.num.neg(), shift: self.shift }
    }

    pub fn sub(&self, o: &Laurent) -> Laurent {
        self.add(&o.neg())
    }

    pub fn mul(&self, o: &Laurent) -> Laurent {
        Laurent { num: self.num.mul(&o.num), shift: self.shift + o.shift }
    }

    /// The smallest and largest exponent of `t` (`(0, 0)` for zero).
    pub fn exponent_range(&self) -> (i64, i64) {
        let c = self.num.coeffs();
        let lo = c.iter().position(|x| !x.is_zero());
        let hi = c.iter().rposition(|x| !x.is_zero());
        match (lo, hi) {
            (Some(a), Some(b)) => (a as i64 - self.shift as i64, b as i64 - self.shift as i64),
            _ => (0, 0),
        }
    }

    /// `c t^e` when this is a single non-zero term.
    fn as_monomial(&self) -> Option<(Q, i64)> {
        let (lo, hi) = self.exponent_range();
        if lo != hi || self.num.is_zero() {
            return None;
        }
        Some((self.num.coeff((lo + self.shift as i64) as usize), lo))
    }

    /// `c t^e` as a Laurent polynomial.
    pub fn monomial(c: Q, e: i64) -> Option<Laurent> {
        if e.abs() > MAX_DEGREE {
            return None;
        }
        Some(if e >= 0 { Laurent { num: Poly::monomial(c, e as usize), shift: 0 } } else { Laurent { num: Poly::constant(c), shift: (-e) as u32 } })
    }

    fn pow(&self, n: i64) -> Option<Laurent> {
        if n >= 0 {
            let (lo, hi) = self.exponent_range();
            if (lo.abs().max(hi.abs())) * n > MAX_DEGREE {
                return None;
            }
            return Some(Laurent { num: self.num.pow(n as u32), shift: self.shift * n as u32 });
        }
        let (c, e) = self.as_monomial()?;
        let m = -n;
        if e.abs() * m > MAX_DEGREE {
            return None;
        }
        let mut cp = Q::from_integer(1.into());
        for _ in 0..m {
            cp *= &c;
        }
        Laurent::monomial(cp.recip(), -e * m)
    }

    /// The Laurent polynomial in `Var(var)` that `e` denotes (see the module doc).
    pub fn from_expr(e: &Expr, var: usize) -> Option<Laurent> {
        Some(match e {
            Expr::Num(q) => Laurent::constant(q.clone()),
            Expr::Var(v) if *v == var => Laurent { num: Poly::x(), shift: 0 },
            Expr::Neg(a) => Laurent::from_expr(a, var)?.neg(),
            Expr::Add(a, b) => Laurent::from_expr(a, var)?.add(&Laurent::from_expr(b, var)?),
            Expr::Sub(a, b) => Laurent::from_expr(a, var)?.sub(&Laurent::from_expr(b, var)?),
            Expr::Mul(a, b) => {
                let (x, y) = (Laurent::from_expr(a, var)?, Laurent::from_expr(b, var)?);
                let (xl, xh) = x.exponent_range();
                let (yl, yh) = y.exponent_range();
                if (xl + yl).abs() > MAX_DEGREE || (xh + yh).abs() > MAX_DEGREE {
                    return None;
                }
                x.mul(&y)
            }
            Expr::Div(a, b) => {
                let (c, ex) = Laurent::from_expr(b, var)?.as_monomial()?;
                Laurent::from_expr(a, var)?.mul(&Laurent::monomial(c.recip(), -ex)?)
            }
            Expr::Pow(a, b) => {
                let n = fold_rational(b)?;
                if !n.is_integer() || n.abs() > Q::from_integer(MAX_DEGREE.into()) {
                    return None;
                }
                Laurent::from_expr(a, var)?.pow(n.to_integer().to_i64()?)?
            }
            _ => return None,
        })
    }

    /// The sign of the value at `t > 0` (that of the numerator).
    pub fn sign_at_positive(&self, t: &Q) -> std::cmp::Ordering {
        self.num.sign_at(t)
    }

    /// The exact value at `t ≠ 0`.
    pub fn eval(&self, t: &Q) -> Q {
        let mut d = Q::from_integer(1.into());
        for _ in 0..self.shift {
            d *= t;
        }
        self.num.eval(t) / d
    }

    /// Human-readable `(p(t))/t^k`.
    pub fn to_string_var(&self, var: &str) -> String {
        let p = self.num.to_string_var(var);
        match self.shift {
            0 => p,
            1 => format!("({p})/{var}"),
            k => format!("({p})/{var}^{k}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lp(s: &str) -> Laurent {
        let l = crate::verbs::input::parse_loss(s, &[], Some("t")).unwrap();
        Laurent::from_expr(&l.expr, 0).unwrap()
    }

    #[test]
    fn expressions_to_laurent() {
        let a = lp("(t + 1/t)^2");
        let q = |s: &str| crate::parse::parse_number(s).unwrap();
        assert_eq!(a.eval(&q("2")), q("25/4"));
        assert_eq!(a.eval(&q("-1/3")), q("100/9"));
        assert_eq!(lp("t^-2 * t^3").eval(&q("7")), q("7"));
        assert_eq!(lp("1/(2*t^2)").eval(&q("3")), q("1/18"));
        let l = crate::verbs::input::parse_loss("1/(t + 1)", &[], Some("t")).unwrap();
        assert!(Laurent::from_expr(&l.expr, 0).is_none());
        let l = crate::verbs::input::parse_loss("sin(t)", &[], Some("t")).unwrap();
        assert!(Laurent::from_expr(&l.expr, 0).is_none());
    }
}
