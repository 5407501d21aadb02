//! The exact path for period-2 orbits of polynomial losses with rational data.
//!
//! For `F(x) = x − η f'(x)` with `f` a polynomial over Q and `η` rational, the orbit polynomial
//! `P(x) = (F(F(x)) − x) / (F(x) − x)` is an exact polynomial whose real roots are exactly the
//! points of period-2 orbits (roots of `F(x) − x` that are not roots of `P` are fixed points;
//! a common root would be a fixed point with `F'(x) = −1`).
//!
//! Guarantees: every exact form returned is proved — the orbit point's enclosure (from the
//! interval engine) contains exactly one real root of `P` (Sturm), the minimal polynomial is
//! the factor of `P` vanishing there (irreducibility proved only up to degree 4, flagged
//! otherwise), and a closed form is given only for degree ≤ 2.

use crate::expr::Loss;
use crate::interval::Interval;
use crate::poly::{from_expr, Poly};
use num_bigint::BigInt;
use num_rational::BigRational;
use serde::Serialize;

/// `P(x) = (F(F(x)) − x)/(F(x) − x)` for a polynomial loss of one variable at rational `η`;
/// `None` when the loss is not a polynomial with rational coefficients.
pub fn orbit_polynomial(loss: &Loss, eta: &BigRational) -> Option<Poly> {
    if loss.vars.len() != 1 {
        return None;
    }
    let f = from_expr(&loss.expr, 0)?;
    let big_f = Poly::x().sub(&f.derivative().scale(eta));
    let fx = big_f.sub(&Poly::x());
    if fx.is_zero() {
        return None;
    }
    let ffx = big_f.compose(&big_f).sub(&Poly::x());
    let (q, r) = ffx.div_rem(&fx)?;
    if !r.is_zero() {
        return None; // impossible: F(x) − x divides F(F(x)) − x
    }
    Some(q)
}

/// An orbit point as an exact algebraic number.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Algebraic {
    /// Integer coefficients, lowest degree first, primitive, positive leading coefficient.
    pub minpoly: Vec<serde_json::Value>,
    /// Whether irreducibility over Q is proved (always for degree ≤ 4).
    pub irreducible: bool,
    /// An isolating interval with rational endpoints (exactly one real root of `minpoly`).
    pub isolating: [String; 2],
    /// A closed form for degree ≤ 2, e.g. `-1 + sqrt(5)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_form: Option<String>,
}

fn int_json(n: &BigInt) -> serde_json::Value {
    use num_traits::ToPrimitive;
    match n.to_i64() {
        Some(v) => serde_json::Value::from(v),
        None => serde_json::Value::from(n.to_string()),
    }
}

/// Factors of `p` over Q found by the complete small-degree methods of `poly.rs`, with one
/// extra: an even polynomial `p(x) = q(x²)` (symmetric losses such as `(x² − μ)²`) is
/// factored through `q`. Each factor of degree ≤ 4 is irreducible or split further.
pub fn factors(p: &Poly) -> Vec<Poly> {
    let c = p.coeffs();
    let even = c.len() >= 5 && c.iter().skip(1).step_by(2).all(|a| num_traits::Zero::is_zero(a));
    if !even {
        return p.factor_small();
    }
    let q = Poly::from_coeffs(c.iter().step_by(2).cloned().collect());
    let x2 = Poly::x().mul(&Poly::x());
    q.factor_small().iter().flat_map(|fq| fq.compose(&x2).factor_small()).collect()
}

/// The exact form of the unique root of `p` in the enclosure `enc`, if the enclosure
/// isolates one root and a factor of `p` holding it can be found.
pub fn exact_point(p: &Poly, enc: &Interval) -> Option<Algebraic> {
    exact_point_with(p, &factors(p), enc)
}

/// [`exact_point`] with the factors of `p` ([`factors`]) computed once by the caller.
pub fn exact_point_with(p: &Poly, fs: &[Poly], enc: &Interval) -> Option<Algebraic> {
    // Exact arithmetic on short rationals is far cheaper: try the enclosure rounded outward
    // to 32 bits first (any interval holding exactly one root of p will do), then the
    // enclosure itself.
    let (lo, hi) = [enc.with_prec(32), enc.clone()].into_iter().find_map(|e| {
        let (lo, hi) = (e.lo_rational()?, e.hi_rational()?);
        (p.count_roots_closed(&lo, &hi)? == 1).then_some((lo, hi))
    })?;
    let f = fs.iter().find(|f| f.count_roots_closed(&lo, &hi) == Some(1))?;
    let irreducible = f.is_irreducible_proved() == Some(true);
    let coeffs = f.primitive_integer().1;
    let closed_form = if coeffs.len() <= 3 {
        let m = Poly::from_bigints(&coeffs);
        m.quadratic_roots_exact().and_then(|roots| {
            roots.into_iter().find(|r| r.to_interval(enc.prec() + 16).ok().is_some_and(|i| i.intersect(enc).is_some())).map(|r| r.to_string())
        })
    } else {
        None
    };
    Some(Algebraic {
        minpoly: coeffs.iter().map(int_json).collect(),
        irreducible,
        isolating: [crate::numfmt::rational_string(&lo), crate::numfmt::rational_string(&hi)],
        closed_form,
    })
}

/// The number of distinct real roots of the orbit polynomial in `[a, b]` (Sturm): the number
/// of period-2 orbit points in the interval, an independent count to compare with the
/// interval engine's.
pub fn count_orbit_points(p: &Poly, domain: &Interval) -> Option<usize> {
    p.count_roots_closed(&domain.lo_rational()?, &domain.hi_rational()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartic_orbit_points_are_quadratic_surds() {
        // f = (x^2 - 1)^2/4 at eta = 1: the orbit polynomial has the orbit points as roots.
        let loss = crate::parse::parse_loss("(x^2 - 1)^2/4", &[], None).unwrap();
        let eta = BigRational::new(21.into(), 20.into());
        let p = orbit_polynomial(&loss, &eta).unwrap();
        assert_eq!(p.degree(), Some(6));
        // The certified orbit at eta = 21/20 has points 0.8728... and 1.0910...
        let dom = Interval::from_int(0, 128).hull(&Interval::from_int(2, 128));
        let s = crate::orbit::period2_orbits(&loss, &Interval::from_rational(&eta, 128), &dom, &crate::krawczyk::Budget::new(10_000, -64, None));
        assert_eq!(s.orbits.len(), 1);
        for x in [&s.orbits[0].x1, &s.orbits[0].x2] {
            let a = exact_point(&p, x).expect("exact form");
            assert!(a.irreducible);
            assert!(a.minpoly.len() <= 3, "{a:?}");
            assert!(a.closed_form.is_some());
            // x1 = 4/sqrt(21), x2 = 5/sqrt(21): minimal polynomials 21x^2 - 16 and 21x^2 - 25
            let c: Vec<i64> = a.minpoly.iter().map(|v| v.as_i64().unwrap()).collect();
            assert!(c == vec![-16, 0, 21] || c == vec![-25, 0, 21], "{c:?}");
        }
    }
}
