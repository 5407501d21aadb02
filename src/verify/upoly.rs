//! Univariate polynomials over Q and Sturm sequences, for the independent checker.
//!
//! Guarantee: all arithmetic is exact; [`P::roots_in_closed`] returns the exact number of
//! distinct real roots in a closed interval with rational end points (Sturm's theorem on the
//! square-free part).

use super::num::Q;
use num_traits::{One, Signed, Zero};

/// A polynomial, coefficients lowest degree first, without trailing zeros (0 is `[]`).
#[derive(Clone, Debug, PartialEq)]
pub struct P(Vec<Q>);

impl P {
    /// The polynomial with these coefficients (lowest degree first).
    pub fn new(mut c: Vec<Q>) -> P {
        while c.last().is_some_and(|x| x.is_zero()) {
            c.pop();
        }
        P(c)
    }

    /// A constant.
    pub fn constant(q: Q) -> P {
        P::new(vec![q])
    }

    /// The coefficients, lowest degree first.
    pub fn coeffs(&self) -> &[Q] {
        &self.0
    }

    /// The value if the polynomial is constant.
    pub fn as_constant(&self) -> Option<Q> {
        match self.0.len() {
            0 => Some(Q::zero()),
            1 => Some(self.0[0].clone()),
            _ => None,
        }
    }

    /// Whether this is the zero polynomial.
    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The degree (`None` for 0).
    pub fn degree(&self) -> Option<usize> {
        self.0.len().checked_sub(1)
    }

    /// Sum.
    pub fn add(&self, o: &P) -> P {
        let n = self.0.len().max(o.0.len());
        P::new((0..n).map(|i| self.0.get(i).cloned().unwrap_or_else(Q::zero) + o.0.get(i).cloned().unwrap_or_else(Q::zero)).collect())
    }

    /// Difference.
    pub fn sub(&self, o: &P) -> P {
        self.add(&o.scale(&-Q::one()))
    }

    /// Product.
    pub fn mul(&self, o: &P) -> P {
        if self.is_zero() || o.is_zero() {
            return P(vec![]);
        }
        let mut r = vec![Q::zero(); self.0.len() + o.0.len() - 1];
        for (i, a) in self.0.iter().enumerate() {
            for (j, b) in o.0.iter().enumerate() {
                r[i + j] += a * b;
            }
        }
        P::new(r)
    }

    /// Multiple by a constant.
    pub fn scale(&self, c: &Q) -> P {
        P::new(self.0.iter().map(|a| a * c).collect())
    }

    /// The derivative.
    pub fn deriv(&self) -> P {
        P::new(self.0.iter().enumerate().skip(1).map(|(i, a)| a * Q::from_integer(i.into())).collect())
    }

    /// The exact value at `x` (Horner).
    pub fn eval(&self, x: &Q) -> Q {
        self.0.iter().rev().fold(Q::zero(), |acc, a| acc * x + a)
    }

    /// The composition `self(inner(x))` (Horner).
    pub fn compose(&self, inner: &P) -> P {
        self.0.iter().rev().fold(P(vec![]), |acc, a| acc.mul(inner).add(&P::constant(a.clone())))
    }

    /// Quotient and remainder of the division by a non-zero `d`.
    pub fn divrem(&self, d: &P) -> (P, P) {
        let Some(dd) = d.degree() else { return (P(vec![]), self.clone()) };
        let lead = d.0[dd].clone();
        let mut r = self.0.clone();
        let mut quo = vec![Q::zero(); r.len().saturating_sub(dd)];
        while r.len() > dd && !r.is_empty() {
            let k = r.len() - 1 - dd;
            let c = &r[r.len() - 1] / &lead;
            for (i, a) in d.0.iter().enumerate() {
                r[k + i] -= &c * a;
            }
            quo[k] = c;
            r.pop();
            while r.last().is_some_and(|x| x.is_zero()) {
                r.pop();
            }
        }
        (P::new(quo), P::new(r))
    }

    /// The greatest common divisor, monic (0 for two zeros).
    pub fn gcd(&self, o: &P) -> P {
        let (mut a, mut b) = (self.clone(), o.clone());
        while !b.is_zero() {
            let r = a.divrem(&b).1;
            a = b;
            b = r;
        }
        match a.0.last().cloned() {
            Some(l) => a.scale(&l.recip()),
            None => a,
        }
    }

    /// The square-free part `p / gcd(p, p')`.
    pub fn squarefree(&self) -> P {
        if self.degree().unwrap_or(0) == 0 {
            return self.clone();
        }
        self.divrem(&self.gcd(&self.deriv())).0
    }

    /// The number of distinct real roots in `[a, b]` (`a <= b`); `None` for the zero
    /// polynomial (which vanishes everywhere).
    pub fn roots_in_closed(&self, a: &Q, b: &Q) -> Option<usize> {
        if self.is_zero() {
            return None;
        }
        let p = self.squarefree();
        // The Sturm sequence of a square-free p: V drops by one exactly when x passes a
        // root of p, and V at a root equals V just to its right, so V(a) - V(b) counts the
        // roots in (a, b].
        let mut seq = vec![p.clone(), p.deriv()];
        while let Some(last) = seq.last().filter(|s| !s.is_zero()) {
            let prev = &seq[seq.len() - 2];
            let r = prev.divrem(last).1.scale(&-Q::one());
            if r.is_zero() {
                break;
            }
            seq.push(r);
        }
        let v = |x: &Q| {
            let signs: Vec<bool> = seq.iter().map(|s| s.eval(x)).filter(|y| !y.is_zero()).map(|y| y.is_positive()).collect();
            signs.windows(2).filter(|w| w[0] != w[1]).count()
        };
        let at_a = usize::from(p.eval(a).is_zero());
        Some((v(a) + at_a).saturating_sub(v(b)))
    }
}

/// Whether `p >= 0` (when `nonneg`) or `p <= 0` holds on all of `[a, b]`; `None` when the
/// roots could not be separated within the bisection budget.
///
/// Proof: bisect until every piece holds at most one root (Sturm); consecutive distinct roots
/// then lie in different pieces, so a piece end lies strictly between them, and the ends a, b
/// cover the outer stretches (a piece holding a root at its left end has its right end before
/// the next root). The sign of p is constant between consecutive roots, so checking it at
/// every piece end decides the claim.
pub fn sign_holds(p: &P, a: &Q, b: &Q, nonneg: bool) -> Option<bool> {
    let mut ends = vec![a.clone()];
    let mut stack = vec![(a.clone(), b.clone(), 0u32)];
    while let Some((l, r, depth)) = stack.pop() {
        if p.roots_in_closed(&l, &r)? <= 1 {
            ends.push(r);
            continue;
        }
        if depth > 400 {
            return None;
        }
        let m = (&l + &r) / Q::from_integer(2.into());
        // Right half first on the stack: pieces come off left to right.
        stack.push((m.clone(), r, depth + 1));
        stack.push((l, m, depth + 1));
    }
    Some(ends.iter().all(|x| {
        let v = p.eval(x);
        if nonneg {
            !v.is_negative()
        } else {
            !v.is_positive()
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(c: &[i64]) -> P {
        P::new(c.iter().map(|&x| Q::from_integer(x.into())).collect())
    }

    fn q(a: i64) -> Q {
        Q::from_integer(a.into())
    }

    #[test]
    fn sturm_counts_roots_with_end_points() {
        // (x - 1)^2 (x - 2)(x + 3)
        let f = p(&[1, -2, 1]).mul(&p(&[-2, 1])).mul(&p(&[3, 1]));
        assert_eq!(f.roots_in_closed(&q(1), &q(2)), Some(2));
        assert_eq!(f.roots_in_closed(&q(-3), &q(-3)), Some(1));
        assert_eq!(f.roots_in_closed(&q(-10), &q(10)), Some(3));
        assert_eq!(f.roots_in_closed(&q(3), &q(10)), Some(0));
        assert_eq!(f.roots_in_closed(&Q::new(3.into(), 2.into()), &q(2)), Some(1));
        // eta^2 + 2 eta - 4 has one root in [1.236, 1.2361].
        let m = p(&[-4, 2, 1]);
        assert_eq!(m.roots_in_closed(&Q::new(1236.into(), 1000.into()), &Q::new(12361.into(), 10000.into())), Some(1));
        assert_eq!(m.roots_in_closed(&Q::new(1237.into(), 1000.into()), &q(2)), Some(0));
    }

    #[test]
    fn signs_between_roots() {
        // (x - 1)^2 (x - 2)^2 >= 0 everywhere; (x - 1)^2 (x - 2) <= 0 on [0, 2] but not on [0, 3].
        let a = p(&[1, -2, 1]).mul(&p(&[1, -2, 1]).compose(&p(&[-1, 1])));
        assert_eq!(sign_holds(&a, &q(-5), &q(5), true), Some(true));
        let b = p(&[1, -2, 1]).mul(&p(&[-2, 1]));
        assert_eq!(sign_holds(&b, &q(0), &q(2), false), Some(true));
        assert_eq!(sign_holds(&b, &q(0), &q(3), false), Some(false));
        assert_eq!(sign_holds(&b, &q(1), &q(2), true), Some(false));
    }

    #[test]
    fn compose_and_divide() {
        let f = p(&[0, 0, 1]);
        let g = p(&[1, 1]);
        assert_eq!(f.compose(&g), p(&[1, 2, 1]));
        let (qq, r) = p(&[1, 2, 1]).divrem(&g);
        assert_eq!((qq, r), (g.clone(), P::new(vec![])));
    }
}
