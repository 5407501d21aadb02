//! Certified real roots of polynomials with rational coefficients: exact isolation (Sturm
//! sequences, in `poly.rs`) followed by fast refinement in MPFR interval arithmetic.
//!
//! Guarantee: [`isolated_roots`] returns, for a non-zero polynomial and a closed interval
//! `[a, b]` with rational ends, one entry per distinct real root in `[a, b]`: a closed
//! isolating interval with rational ends (exactly one distinct root in it) and an enclosure
//! of that root of relative width about `2^−prec`. Refinement is interval Newton on a
//! bracket where the derivative has no zero (so every step keeps the root), with exact
//! bisection wherever the interval method cannot make progress.

use crate::interval::Interval;
use crate::poly::Poly;
use num_rational::BigRational;

type Q = BigRational;

/// Extra working precision for refinement: evaluation error must stay below the target width.
const GUARD_BITS: u32 = 32;

/// One distinct real root of a polynomial.
#[derive(Clone, Debug)]
pub struct Root {
    /// Closed, rational ends, exactly one distinct root inside; `(r, r)` when found exactly.
    pub isolating: (Q, Q),
    /// Contains the root; relative width about `2^−prec`.
    pub enclosure: Interval,
}

/// Every distinct real root of `p ≠ 0` in `[a, b]`, isolated and enclosed (see the module
/// guarantee); sorted increasingly. `None` for the zero polynomial.
pub fn isolated_roots(p: &Poly, a: &Q, b: &Q, prec: u32) -> Option<Vec<Root>> {
    let s = p.squarefree();
    if s.is_zero() {
        return None;
    }
    // `s` is square-free already: isolate its roots directly (`Poly::isolate_roots` would
    // take the square-free part again, a second gcd).
    let iso = crate::poly::isolate_squarefree(&s, a, b);
    let (is, ids) = (IPoly::new(&s, prec + GUARD_BITS), IPoly::new(&s.derivative(), prec + GUARD_BITS));
    iso.into_iter()
        .map(|(lo, hi)| {
            let enclosure = root_enclosure(&s, &is, &ids, &lo, &hi, prec)?;
            Some(Root { isolating: (lo, hi), enclosure })
        })
        .collect()
}

/// A polynomial whose coefficients are enclosed once at one precision, for repeated interval
/// Horner evaluation.
pub struct IPoly(Vec<Interval>);

impl IPoly {
    pub fn new(p: &Poly, prec: u32) -> IPoly {
        IPoly(p.coeffs().iter().map(|a| Interval::from_rational(a, prec)).collect())
    }
    /// Contains `p(t)` for every `t ∈ x` (interval Horner, each step `a + acc·x` with one
    /// rounding per endpoint: [`Interval::add_mul_assign`]).
    pub fn eval(&self, x: &Interval) -> Interval {
        let mut it = self.0.iter().rev();
        let Some(lead) = it.next() else { return Interval::from_int(0, x.prec()) };
        let mut acc = lead.with_prec(lead.prec().max(x.prec()));
        for a in it {
            let mut next = a.clone();
            next.add_mul_assign(&acc, x);
            acc = next;
        }
        acc
    }
}

/// Is `x` narrower than `2^(4−prec) · max(1, |x|)` (a few units in the last place)?
fn narrow(x: &Interval, prec: u32) -> bool {
    let mut tol = rug::Float::with_val(64, x.mag()).max(&rug::Float::with_val(64, 1));
    tol >>= prec as i32 - 4;
    x.width() <= tol
}

/// An enclosure of relative width about `2^−prec` of the unique root of the square-free `s`
/// in the closed isolating interval `[lo, hi]` (exactly one root there, and unless `lo = hi`
/// neither endpoint is a root).
///
/// Guarantee: the result contains the root. The bracket is narrowed by exact bisection until
/// `s'` has no zero on it; `s` is then strictly monotone there, so the sign of `s` at any
/// point tells on which side the root lies, and each step keeps the half that holds the root
/// intersected with the interval Newton image `m − s(m)/s'(X)` (which holds it by the mean
/// value theorem). Exact bisection finishes the job if that stalls.
fn root_enclosure(s: &Poly, is: &IPoly, ids: &IPoly, lo: &Q, hi: &Q, prec: u32) -> Option<Interval> {
    // `is`, `ids` carry guard bits: evaluation error must stay below the target width.
    let wp = is.0.first().map_or(prec, |c| c.prec());
    root_enclosure_wp(s, is, ids, lo, hi, wp, prec).map(|x| x.with_prec(prec))
}

fn root_enclosure_wp(s: &Poly, is: &IPoly, ids: &IPoly, lo: &Q, hi: &Q, wp: u32, prec: u32) -> Option<Interval> {
    if lo == hi {
        return Some(Interval::from_rational(lo, wp));
    }
    let (mut l, mut h) = (lo.clone(), hi.clone());
    let mut d = ids.eval(&Interval::from_rationals(&l, &h, wp));
    for _ in 0..64 {
        if !d.contains_zero() {
            break;
        }
        match crate::poly::bisect_until(s, &l, &h, |a, b| a != &l || b != &h) {
            crate::poly::Step::Exact(r) => return Some(Interval::from_rational(&r, wp)),
            crate::poly::Step::Bracket(a, b) => (l, h) = (a, b),
        }
        d = ids.eval(&Interval::from_rationals(&l, &h, wp));
    }
    let mut x = Interval::from_rationals(&l, &h, wp);
    for _ in 0..4 * wp as usize {
        if narrow(&x, prec) {
            return Some(x);
        }
        let d = ids.eval(&x);
        if d.contains_zero() {
            break;
        }
        let m = x.mid_interval();
        let sm = is.eval(&m);
        let Ok(step) = sm.div(&d) else { break };
        let Some(newton) = m.sub(&step).intersect(&x) else { break };
        if newton.width() * 2u32 <= x.width() {
            x = newton;
            continue;
        }
        // s is monotone on x: the root is below m iff s(m) has the sign of s'.
        let (Ok(below), Ok(above)) = (Interval::new(x.lo().clone(), m.hi().clone()), Interval::new(m.lo().clone(), x.hi().clone())) else { break };
        let half = if sm.is_pos() == d.is_pos() && !sm.contains_zero() {
            below
        } else if !sm.contains_zero() {
            above
        } else if newton.width() < x.width() {
            newton.clone()
        } else {
            break;
        };
        let Some(next) = half.intersect(&newton) else { break };
        x = next;
    }
    if narrow(&x, prec) {
        return Some(x);
    }
    s.root_interval(&l, &h, prec)
}


#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(n: i64, d: i64) -> Q {
        Q::new(n.into(), d.into())
    }

    /// The guarantee checked exactly: each enclosure, read as a rational interval, holds
    /// exactly one distinct root (Sturm) and lies in its isolating interval's hull, and the
    /// roots are all of them.
    fn check(p: &Poly, a: &Q, b: &Q, prec: u32) {
        let roots = isolated_roots(p, a, b, prec).unwrap();
        assert_eq!(Some(roots.len()), p.count_roots_closed(a, b), "{p}");
        for r in &roots {
            let (lo, hi) = (r.enclosure.lo_rational().unwrap(), r.enclosure.hi_rational().unwrap());
            assert_eq!(p.count_roots_closed(&lo, &hi), Some(1), "{p}: {} misses its root", r.enclosure);
            let (il, ih) = &r.isolating;
            assert!(il <= ih && p.count_roots_closed(il, ih) == Some(1));
            // relative width about 2^-prec
            let mut tol = rug::Float::with_val(64, r.enclosure.mag()).max(&rug::Float::with_val(64, 1));
            tol >>= prec as i32 - 6;
            assert!(r.enclosure.width() <= tol, "{p}: {} too wide", r.enclosure);
        }
    }

    #[test]
    fn known_roots() {
        // (x^2 - 2)(3x - 1)(x + 5)^2 on [-10, 10]: -5 (double), 1/3, ±sqrt(2)
        let p = Poly::from_ints(&[-2, 0, 1]).mul(&Poly::from_ints(&[-1, 3])).mul(&Poly::from_ints(&[5, 1]).pow(2));
        let roots = isolated_roots(&p, &q(-10, 1), &q(10, 1), 128).unwrap();
        assert_eq!(roots.len(), 4);
        let sqrt2 = crate::interval::Interval::from_int(2, 200).sqrt().unwrap();
        assert!(roots[3].enclosure.meets(&sqrt2));
        assert!(roots[2].enclosure.contains_rational(&q(1, 3)));
        check(&p, &q(-10, 1), &q(10, 1), 128);
        // a root on the boundary of the interval counts (closed interval)
        check(&p, &q(1, 3), &q(1, 1), 64);
        // near-double roots, far apart scales
        let close = Poly::from_roots(&[q(1, 1), q(1_000_000_001, 1_000_000_000), q(-7, 3)]);
        check(&close, &q(-3, 1), &q(2, 1), 256);
    }

    proptest! {
        #[test]
        fn enclosures_hold_their_roots(c in proptest::collection::vec(-20i64..=20, 2..8), prec in prop::sample::select(vec![53u32, 128, 300])) {
            let p = Poly::from_ints(&c);
            prop_assume!(!p.is_constant());
            check(&p, &q(-30, 1), &q(30, 1), prec);
        }
    }
}
