//! Certified zeros of derivatives of one-variable losses: critical points and local minima.
//!
//! Guarantees:
//! - every reported critical point is a zero of `f'` proved to exist and to be unique in its
//!   `verified` interval (Krawczyk on `f'` with `f''` enclosed over the box; for a polynomial
//!   loss with rational coefficients, an isolating interval from Sturm sequences), and lies in
//!   `enclosure`; when `point` is exact, exact arithmetic proved `f'(point) = 0`;
//! - `kind` is `Minimum` only when `f'' > 0` is certified at the point (strict local minimum),
//!   `Maximum` when `f'' < 0`;
//! - when `undecided` is empty, there are no other zeros of `f'` in the domain, so the list of
//!   minima is complete.

use crate::error::{MathError, MathResult};
use crate::eval::{taylor_1d, Num};
use crate::expr::Loss;
use crate::interval::Interval;
use crate::krawczyk::{self, Budget, System, Undecided};
use crate::pipoly::PiPoly;
use crate::scalar::{Scalar, Sign};
use crate::snap;
use rug::Float;

/// The zeros of the `k`-th derivative of a one-variable loss, as a Krawczyk system.
pub struct DerivativeZeros<'a> {
    pub loss: &'a Loss,
    pub k: usize,
}

impl System for DerivativeZeros<'_> {
    fn dim(&self) -> usize {
        1
    }
    fn value(&self, x: &[Interval]) -> MathResult<Vec<Interval>> {
        Ok(vec![taylor_1d(self.loss, &x[0], self.k)?.into_derivative(self.k)])
    }
    fn jacobian(&self, x: &[Interval]) -> MathResult<Vec<Vec<Interval>>> {
        Ok(vec![vec![taylor_1d(self.loss, &x[0], self.k + 1)?.into_derivative(self.k + 1)]])
    }
    fn value_and_jacobian(&self, x: &[Interval]) -> MathResult<(Vec<Interval>, Vec<Vec<Interval>>)> {
        let (g, j) = taylor_1d(self.loss, &x[0], self.k + 1)?.into_derivative_pair(self.k);
        Ok((vec![g], vec![vec![j]]))
    }
    fn approx_value_and_jacobian(&self, x: &[Float]) -> Option<MathResult<(Vec<Float>, Vec<Vec<Float>>)>> {
        let s = taylor_1d(self.loss, &x[0], self.k + 1);
        Some(s.map(|s| {
            let (g, j) = s.into_derivative_pair(self.k);
            (vec![g], vec![vec![j]])
        }))
    }
}

/// What a critical point is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Minimum,
    Maximum,
    /// `f''` could not be shown non-zero.
    Degenerate,
}

/// A certified zero of `f^(k)`.
#[derive(Clone, Debug)]
pub struct Zero {
    /// Exact when proved, else the enclosure.
    pub point: Num,
    pub enclosure: Interval,
    /// The interval in which this zero is the only zero.
    pub verified: Interval,
    /// An enclosure of `f^(k+1)` over `verified` (so at the zero), when the proof produced
    /// one (Krawczyk's Jacobian; its sign is then certain, see [`krawczyk::Zero::jacobian`]).
    pub next_derivative: Option<Interval>,
}

/// A certified critical point with its classification.
#[derive(Clone, Debug)]
pub struct Critical {
    pub zero: Zero,
    pub kind: Kind,
}

/// All zeros of `f^(k)` in a domain, and what was left undecided.
#[derive(Clone, Debug)]
pub struct ZeroSearch {
    pub zeros: Vec<Zero>,
    pub undecided: Vec<Undecided>,
    pub boxes: usize,
}

/// Tries to recognise the zero of `f^(k)` inside `enc` (unique in `verified`) as an exact
/// number, proving `f^(k)(c) = 0` in exact arithmetic (rationals or Q\[π\]).
pub fn exact_zero(loss: &Loss, k: usize, enc: &Interval, verified: &Interval) -> Option<PiPoly> {
    // (a multiple of π is proposed only where the loss can produce one: see Expr::may_involve_pi)
    for (c, ce) in snap::candidates(enc, 1 << 32, loss.expr.may_involve_pi()) {
        if !verified.contains(&ce) {
            continue;
        }
        if let Ok(s) = taylor_1d(loss, &c, k) {
            if s.derivative(k).sign() == Sign::Zero {
                return Some(c);
            }
        }
    }
    None
}

/// Polynomials of higher degree go to the interval search (Sturm sequences grow quadratically).
pub const MAX_EXACT_DEGREE: usize = 64;

/// Finds all zeros of `f^(k)` in `domain`; see the module guarantees.
pub fn derivative_zeros(loss: &Loss, k: usize, domain: &Interval, budget: &Budget) -> ZeroSearch {
    if let Some(z) = polynomial_derivative_zeros(loss, k, domain) {
        return z;
    }
    let sys = DerivativeZeros { loss, k };
    let found = krawczyk::solve(&sys, std::slice::from_ref(domain), budget);
    let recognise = |z: &krawczyk::Zero| -> Zero {
        let enclosure = z.enclosure[0].clone();
        let verified = z.verified[0].clone();
        let point = match exact_zero(loss, k, &enclosure, &verified) {
            Some(c) => Num::from_pipoly(c),
            None => Num::Enclosed(enclosure.clone()),
        };
        let next_derivative = z.jacobian.as_ref().map(|j| j[0][0].clone());
        Zero { point, enclosure, verified, next_derivative }
    };
    let mut zeros: Vec<Zero> = found.zeros.iter().map(recognise).collect();
    let mut undecided = found.undecided;
    // A zero on the boundary of the domain: inside when it is exact and its exact value lies in
    // the domain; otherwise its location relative to the boundary is undecided.
    for b in &found.boundary {
        let z = recognise(b);
        let inside = z.point.is_exact() && domain.contains(&z.point.to_interval(domain.prec() + 64));
        if inside {
            zeros.push(Zero { enclosure: z.point.to_interval(domain.prec()), ..z });
        } else if z.point.is_exact() {
            // exactly outside the domain: not a zero of interest
            if z.point.to_interval(domain.prec() + 64).intersect(domain).is_none() {
                continue;
            }
            undecided.push(Undecided { region: vec![z.enclosure], reason: "a zero lies on the boundary of the interval".into() });
        } else {
            undecided.push(Undecided { region: vec![z.enclosure], reason: "a zero lies on the boundary of the interval".into() });
        }
    }
    zeros.sort_by(|a, b| a.enclosure.lo().partial_cmp(b.enclosure.lo()).expect("finite"));
    ZeroSearch { zeros, undecided, boxes: found.boxes }
}

/// [`derivative_zeros`] for a polynomial loss with rational coefficients (degree at most
/// [`MAX_EXACT_DEGREE`]): the distinct real roots of `f^(k)` in the closed domain, isolated
/// exactly and enclosed ([`crate::roots`]); complete, with no search. `None` otherwise (and
/// when `f^(k)` is identically zero).
fn polynomial_derivative_zeros(loss: &Loss, k: usize, domain: &Interval) -> Option<ZeroSearch> {
    if loss.vars.len() != 1 {
        return None;
    }
    let mut g = crate::poly::from_expr(&loss.expr, 0)?;
    if g.degree()? > MAX_EXACT_DEGREE {
        return None;
    }
    for _ in 0..k {
        g = g.derivative();
    }
    if g.is_zero() {
        return None;
    }
    let prec = domain.prec();
    let roots = crate::roots::isolated_roots(&g, &domain.lo_rational()?, &domain.hi_rational()?, prec)?;
    let zeros = roots
        .into_iter()
        .map(|r| {
            let verified = Interval::from_rationals(&r.isolating.0, &r.isolating.1, prec);
            let point = match exact_zero(loss, k, &r.enclosure, &verified) {
                Some(c) => Num::from_pipoly(c),
                None => Num::Enclosed(r.enclosure.clone()),
            };
            Zero { point, enclosure: r.enclosure, verified, next_derivative: None }
        })
        .collect();
    Some(ZeroSearch { zeros, undecided: vec![], boxes: 0 })
}

/// `f''` at a zero: exact at an exact point, else enclosed over the enclosure.
pub fn second_derivative(loss: &Loss, z: &Zero) -> MathResult<Num> {
    derivatives_at(loss, z, 2).map(|mut d| d.swap_remove(2))
}

/// `f, f', ..., f^(order)` at a zero: exact at an exact point (where the loss allows), else
/// enclosures valid for the true zero (evaluated over its enclosure).
pub fn derivatives_at(loss: &Loss, z: &Zero, order: usize) -> MathResult<Vec<Num>> {
    if let Some(p) = z.point.pi_exact() {
        match taylor_1d(loss, &p, order) {
            Ok(s) => return Ok(s.into_derivatives().into_iter().map(Num::from_pipoly).collect()),
            Err(MathError::NotExact { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let s = taylor_1d(loss, &z.enclosure, order)?;
    Ok(s.into_derivatives().into_iter().map(Num::Enclosed).collect())
}

/// The certified sign of a number.
pub fn sign_of(n: &Num) -> Sign {
    match n {
        Num::Exact(q) => q.sign(),
        Num::Pi(p) => p.sign(),
        Num::Enclosed(i) => i.sign(),
    }
}

/// Classifies a critical point by the certified sign of `f''`.
/// `z` must be a zero of `f'` (so `next_derivative`, when present, encloses `f''` at it: its
/// certain sign decides without evaluating anything).
pub fn classify(loss: &Loss, z: &Zero) -> Kind {
    if let Some(d2) = &z.next_derivative {
        match d2.sign() {
            Sign::Pos => return Kind::Minimum,
            Sign::Neg => return Kind::Maximum,
            _ => {}
        }
    }
    match second_derivative(loss, z).map(|d| sign_of(&d)) {
        Ok(Sign::Pos) => Kind::Minimum,
        Ok(Sign::Neg) => Kind::Maximum,
        _ => Kind::Degenerate,
    }
}

/// All critical points of a one-variable loss in `domain`, classified.
pub fn critical_points(loss: &Loss, domain: &Interval, budget: &Budget) -> (Vec<Critical>, ZeroSearch) {
    let search = derivative_zeros(loss, 1, domain, budget);
    let crit = search.zeros.iter().map(|z| Critical { zero: z.clone(), kind: classify(loss, z) }).collect();
    (crit, search)
}

/// Certifies a given point as a zero of `f'`: exactly when the point is exact (rational or in
/// Q\[π\]) and exact evaluation succeeds; otherwise by Krawczyk on a small box around the
/// point's enclosure (the zero is then only located within that box).
pub fn certify_critical_at(loss: &Loss, x: &Num, prec: u32) -> Result<Zero, String> {
    if let Some(p) = x.pi_exact() {
        match taylor_1d(loss, &p, 1) {
            Ok(s) => {
                let d1 = s.derivative(1);
                return if d1.sign() == Sign::Zero {
                    let e = p.enclose(prec);
                    Ok(Zero { point: x.clone(), enclosure: e.clone(), verified: e, next_derivative: None })
                } else {
                    Err(format!("f' is not zero there: f' = {}", Num::from_pipoly(d1).describe(prec)))
                };
            }
            Err(MathError::NotExact { .. }) => {}
            Err(e) => return Err(format!("cannot evaluate f' there: {e}")),
        }
    }
    let e = x.to_interval(prec);
    let d1 = taylor_1d(loss, &e, 1).map_err(|err| format!("cannot evaluate f' there: {err}"))?.derivative(1);
    if !d1.contains_zero() {
        return Err(format!("f' is not zero there: f' lies in {d1}"));
    }
    // Search a small neighbourhood for a unique zero of f'.
    let mut w = e.width();
    let mut tiny = rug::Float::with_val(prec, 1);
    tiny >>= (prec / 2) as i32;
    w += &tiny;
    let dom = e.inflate(&w);
    let search = derivative_zeros(loss, 1, &dom, &Budget::new(200, -(prec as i32) + 8, None));
    match (search.zeros.as_slice(), search.undecided.is_empty()) {
        ([z], true) if z.verified.contains(&e) || z.enclosure.meets(&e) => Ok(z.clone()),
        _ => Err("could not certify a unique zero of f' at this point (it is given only as an enclosure)".into()),
    }
}

impl Num {
    /// A short human-readable form (exact string or `[lo, hi]`).
    pub fn describe(&self, prec: u32) -> String {
        crate::numfmt::NumJson::from_num(self, prec).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_loss;

    /// The classification from the verification's `f''` enclosure agrees with the one from
    /// evaluating `f''` at the zero, on losses with minima, maxima and both.
    #[test]
    fn classification_from_the_proof_agrees_with_evaluation() {
        let cases = [
            ("(sin(x) - 1/2)^2", "-3", "3"),
            ("sin(3*x) + x/5", "-2", "2"),
            ("(tanh(x) - 1/2)^2 + cos(2*x)/10", "-2", "2"),
            ("exp(-x^2) * cos(x)", "-4", "4"),
            ("x^4 - 3*x^2 + x/2", "-3", "3"),
        ];
        let mut kinds = vec![];
        for (src, a, b) in cases {
            let loss = parse_loss(src, &[], None).unwrap();
            let q = |s: &str| crate::eval::const_value(&crate::parse::parse_const_expr(s).unwrap(), 128).unwrap().to_interval(128);
            let (crit, search) = critical_points(&loss, &q(a).hull(&q(b)), &Budget::new(100_000, -64, None));
            assert!(search.undecided.is_empty(), "{src}");
            assert!(!crit.is_empty(), "{src}");
            for c in &crit {
                kinds.push(c.kind);
                let evaluated = classify(&loss, &Zero { next_derivative: None, ..c.zero.clone() });
                assert_eq!(c.kind, evaluated, "{src} at {}", c.zero.enclosure);
                assert_ne!(c.kind, Kind::Degenerate, "{src} at {}", c.zero.enclosure);
            }
        }
        assert!(kinds.contains(&Kind::Minimum) && kinds.contains(&Kind::Maximum), "{kinds:?}");
        assert!(kinds.len() >= 10, "{kinds:?}");
    }

    /// Zeros at multiples of π are still recognised exactly where the loss can produce π
    /// (trig functions, the constant, atan2), and not proposed where it cannot.
    #[test]
    fn pi_multiples_are_proposed_where_the_loss_can_produce_them() {
        let q = |s: &str| crate::eval::const_value(&crate::parse::parse_const_expr(s).unwrap(), 128).unwrap().to_interval(128);
        for (src, a, b, (n, d)) in [("sin(x)^2", "1", "2", (1, 2)), ("(x - pi)^2", "3", "4", (1, 1)), ("cos(x)", "3", "4", (1, 1))] {
            let loss = parse_loss(src, &[], None).unwrap();
            assert!(loss.expr.may_involve_pi(), "{src}");
            let search = derivative_zeros(&loss, 1, &q(a).hull(&q(b)), &Budget::new(10_000, -64, None));
            let want = PiPoly::pi_times(num_rational::BigRational::new(n.into(), d.into()));
            assert_eq!(search.zeros.len(), 1, "{src}");
            assert_eq!(search.zeros[0].point.pi_exact(), Some(want), "{src}");
        }
        for src in ["(exp(x) - 2)^2", "(log(x) - 1)^2", "x^3 - 2*x", "(tanh(x) - 1/2)^2 * exp(-x/5)", "abs(x - 3) + sqrt(x^2 + 1)"] {
            assert!(!parse_loss(src, &[], None).unwrap().expr.may_involve_pi(), "{src}");
        }
        for src in ["atan2(x, -1)", "x * pi", "tan(x/3)"] {
            assert!(parse_loss(src, &[], None).unwrap().expr.may_involve_pi(), "{src}");
        }
    }
}
