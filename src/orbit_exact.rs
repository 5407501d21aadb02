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
use crate::roots::IPoly;
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
    exact_point_isolated(fs, &lo, &hi, enc)
}

/// The exact form of the root of `p` in `[lo, hi]`, given that interval holds exactly one
/// root of `p` (e.g. from Sturm isolation) and `enc` encloses it; `fs` are the factors of `p`
/// ([`factors`]).
pub fn exact_point_isolated(fs: &[Poly], lo: &BigRational, hi: &BigRational, enc: &Interval) -> Option<Algebraic> {
    let f = fs.iter().find(|f| f.count_roots_closed(lo, hi) == Some(1))?;
    let irreducible = f.is_irreducible_proved() == Some(true);
    let coeffs = f.primitive_integer().1;
    let closed_form = if coeffs.len() <= 3 {
        let m = Poly::from_bigints(&coeffs);
        m.quadratic_roots_exact().and_then(|roots| {
            roots.into_iter().find(|r| r.to_interval(enc.prec() + 16).ok().is_some_and(|i| i.meets(enc))).map(|r| r.to_string())
        })
    } else {
        None
    };
    Some(Algebraic {
        minpoly: coeffs.iter().map(int_json).collect(),
        irreducible,
        isolating: [crate::numfmt::rational_string(lo), crate::numfmt::rational_string(hi)],
        closed_form,
    })
}

/// The number of distinct real roots of the orbit polynomial in `[a, b]` (Sturm): the number
/// of period-2 orbit points in the interval, an independent count to compare with the
/// interval engine's.
pub fn count_orbit_points(p: &Poly, domain: &Interval) -> Option<usize> {
    p.count_roots_closed(&domain.lo_rational()?, &domain.hi_rational()?)
}

/// One period-2 orbit found through the orbit polynomial.
#[derive(Clone, Debug)]
pub struct PolyOrbit {
    pub x1: Interval,
    pub x2: Interval,
    /// Closed intervals with rational ends, each holding exactly one real root of the orbit
    /// polynomial: `x1` is the only period-2 point in the first, `x2` in the second.
    pub isolating: [(Q, Q); 2],
    /// Enclosure of `F'(x1) F'(x2) = (1 − η f''(x1))(1 − η f''(x2))`.
    pub multiplier: Interval,
}

type Q = BigRational;

/// Every period-2 orbit of GD with both points in `domain`, for a polynomial loss `loss`
/// with rational coefficients at the rational learning rate `eta`, from its orbit polynomial
/// `p` ([`orbit_polynomial`]): complete, with no search and no budget.
///
/// Guarantee: the real roots of `p` in the domain are isolated exactly (Sturm); a root that
/// is also a root of `F(x) − x` is a fixed point (with `F' = −1`), not an orbit point, and is
/// left out; every other root `r` is a period-2 point, and its partner `F(r)` is identified by
/// enclosing `F` over the root's enclosure inside exactly one isolating interval (`F(r)` is a
/// root of `p`, so it is that interval's root). The orbits returned are therefore exactly the
/// period-2 orbits with both points in the domain. `None` when the loss is not such a
/// polynomial, `p` is zero, or a partner cannot be told apart at this precision (e.g. it lies
/// on the domain's boundary): the caller then falls back to the interval search.
///
/// Also returns the number of distinct real roots of `p` in the domain (as
/// [`count_orbit_points`]).
pub fn orbits_from_polynomial(loss: &Loss, p: &Poly, eta: &Q, domain: &Interval, prec: u32) -> Option<(Vec<PolyOrbit>, usize)> {
    let f = from_expr(&loss.expr, 0)?;
    if p.degree()? > crate::minima::MAX_EXACT_DEGREE {
        return None;
    }
    let (a, b) = (domain.lo_rational()?, domain.hi_rational()?);
    let roots = crate::roots::isolated_roots(p, &a, &b, prec)?;
    let count = roots.len();
    let df = f.derivative();
    let big_f = Poly::x().sub(&df.scale(eta));
    // Common roots of p and F(x) - x: fixed points (with F' = -1), not orbit points.
    let fixed = p.gcd(&big_f.sub(&Poly::x()));
    let (i_f, i_f2) = (IPoly::new(&big_f, prec), IPoly::new(&df.derivative(), prec));
    // Roots that are orbit points (not fixed points), with their enclosures and isolating intervals.
    let mut pts: Vec<(Interval, (Q, Q), Interval)> = vec![];
    for r in roots {
        let (lo, hi) = r.isolating;
        if !fixed.is_constant() && fixed.count_roots_closed(&lo, &hi)? > 0 {
            continue;
        }
        let iso = Interval::from_rationals(&lo, &hi, prec);
        pts.push((r.enclosure, (lo, hi), iso));
    }
    // The partner of each point: inside exactly one isolating interval of the domain, or
    // certainly outside the domain.
    let partner = |x: &Interval| -> Option<Option<usize>> {
        let y = i_f.eval(x);
        if !y.meets(domain) {
            return Some(None);
        }
        let hits: Vec<usize> = (0..pts.len()).filter(|&j| pts[j].2.intersect(&y).is_some()).collect();
        match hits[..] {
            [j] if pts[j].2.contains(&y) => Some(Some(j)),
            _ => None,
        }
    };
    let one = Interval::from_int(1, prec);
    let eta_i = Interval::from_rational(eta, prec);
    let mut out = vec![];
    for i in 0..pts.len() {
        let Some(j) = partner(&pts[i].0)? else { continue };
        if partner(&pts[j].0)? != Some(i) || i == j {
            return None; // impossible for exact partners; the enclosures are too wide
        }
        if i > j {
            continue;
        }
        let (x1, x2) = (&pts[i].0, &pts[j].0);
        let multiplier = one.sub(&eta_i.mul(&i_f2.eval(x1))).mul(&one.sub(&eta_i.mul(&i_f2.eval(x2))));
        out.push(PolyOrbit { x1: x1.clone(), x2: x2.clone(), isolating: [pts[i].1.clone(), pts[j].1.clone()], multiplier });
    }
    Some((out, count))
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

    /// The orbit-polynomial path and the Krawczyk (m, s) search find the same orbits, with
    /// intersecting enclosures and multipliers, on losses where the search is complete.
    #[test]
    fn polynomial_path_agrees_with_the_krawczyk_search() {
        let cases = [
            ("(x^2 - 1)^2/4", (21, 20), (0, 2)),
            ("(x^2 - 1)^2/4", (123, 100), (-2, 2)),
            ("(x^2 - 3)^2/4 + x^3/10", (2, 5), (-3, 3)),
            ("x^4/4 - x^2/2 + x/7", (11, 10), (-2, 2)),
            ("(x^2 - 1)^2/4", (9, 10), (0, 2)),
        ];
        for (src, (en, ed), (a, b)) in cases {
            let loss = crate::parse::parse_loss(src, &[], None).unwrap();
            let eta = BigRational::new(en.into(), ed.into());
            let dom = Interval::from_int(a, 128).hull(&Interval::from_int(b, 128));
            let p = orbit_polynomial(&loss, &eta).unwrap();
            let (exact, count) = orbits_from_polynomial(&loss, &p, &eta, &dom, 128).unwrap();
            assert_eq!(Some(count), count_orbit_points(&p, &dom));
            let s = crate::orbit::period2_orbits(&loss, &Interval::from_rational(&eta, 128), &dom, &crate::krawczyk::Budget::new(100_000, -64, None));
            assert!(s.undecided.is_empty(), "{src}: search incomplete");
            assert_eq!(exact.len(), s.orbits.len(), "{src} at {eta}");
            for (e, k) in exact.iter().zip(&s.orbits) {
                assert!(e.x1.meets(&k.x1) && e.x2.meets(&k.x2), "{src}");
                assert!(e.multiplier.meets(&k.multiplier), "{src}");
                assert!(e.x1.lo() < e.x2.lo());
            }
        }
    }

    /// At eta = 1 the fixed point x = 1 of (x^2 - 1)^2/4 has F' = -1: it is a root of the orbit
    /// polynomial but not an orbit point, and must not be reported as (half of) an orbit.
    #[test]
    fn fixed_point_with_multiplier_minus_one_is_not_an_orbit() {
        let loss = crate::parse::parse_loss("(x^2 - 1)^2/4", &[], None).unwrap();
        let eta = BigRational::from_integer(1.into());
        let dom = Interval::from_int(0, 128).hull(&Interval::from_int(2, 128));
        let p = orbit_polynomial(&loss, &eta).unwrap();
        assert_eq!(p.sign_at(&BigRational::from_integer(1.into())), std::cmp::Ordering::Equal);
        let (exact, _) = orbits_from_polynomial(&loss, &p, &eta, &dom, 128).unwrap();
        assert!(exact.is_empty(), "{exact:?}");
    }
}
