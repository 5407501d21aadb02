//! Membership in Damian et al.'s manifold `M` along a whole curve, decided exactly.
//!
//! For a polynomial loss `L(θ)` and a curve `θ = X(t)` whose coordinates are Laurent
//! polynomials, on an open interval `(lo, hi)` of `t > 0` (`hi` may be `∞`):
//! * `λ < c` (`c = 2/η`) iff `cI − H` is positive definite iff its leading principal minors are
//!   all positive (Sylvester);
//! * `∇L·u = 0` iff `∇L = 0`, or (two variables) the top eigenvalue is simple
//!   (`(a − d)² + 4b² > 0` for `H = [[a, b], [b, d]]`), `∇L` is an eigenvector (`g × Hg = 0`)
//!   and its eigenvalue is the smaller one (`2 gᵀHg < tr(H) |g|²`). With more variables and
//!   `∇L ≠ 0` membership is left undecided.
//!
//! Each of these quantities is, along the curve, `P(t) / t^K` with `P` a polynomial of degree
//! at most `E`, where `K` and `E` follow from the loss's degree and the coordinates' exponents.
//! `P` is recovered exactly by interpolating exact evaluations (the engine's Q-valued
//! derivatives) at `E + 1` points, and checked at one more. The claimed condition (an
//! inequality in `t`) is a Laurent polynomial too. All polynomials' real roots in `(lo, hi)` are
//! isolated by Sturm sequences; the signs at one rational point of every open cell between
//! roots and at every root (zero when the polynomial has a root in the root's isolating
//! interval, else the constant sign there) decide membership and the claim on the whole
//! interval. Guarantee: PASS means the two agree at every `t` in `(lo, hi)` where `u` is defined
//! (the isolated points of two-variable curves where the top eigenvalue is repeated, `H` a
//! multiple of `I`, and `∇L ≠ 0` are excluded and listed in the reason: Damian et al. need an
//! eigengap for `u`); FAIL comes with a `t` (rational, or an isolated algebraic root) where they
//! differ; a whole cell where `u` is undefined leaves the claim UNDECIDED.

use super::laurent::Laurent;
use crate::expr::{Expr, Loss};
use crate::numfmt::rational_string;
use crate::poly::Poly;
use crate::prove::Op;
use crate::verdict::Verdict;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde::Serialize;
use std::cmp::Ordering;

type Q = BigRational;

/// A curve claim: on `t ∈ (lo, hi)`, the curve's point is in `M` exactly when `claim OP 0`.
pub struct CurveClaim<'a> {
    pub loss: &'a Loss,
    pub coords: Vec<Laurent>,
    pub lo: Q,
    pub hi: Option<Q>,
    pub eta: Q,
    /// `lhs − rhs` of the claimed condition.
    pub claim: Laurent,
    pub op: Op,
}

/// One sample of the cell decomposition.
#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    /// A rational `t`, or `root of P in [a, b]`.
    pub t: String,
    pub member: Option<bool>,
    pub claimed: bool,
}

/// The outcome and its certificate.
#[derive(Clone, Debug, Serialize)]
pub struct CurveReport {
    pub verdict: crate::verdict::Verdict,
    pub reason: String,
    /// The exact quantities along the curve, as `(name, P(t)/t^K)`.
    pub quantities: Vec<(String, String)>,
    pub claim: String,
    pub samples: Vec<Sample>,
}

/// An upper bound of the total degree of an expression for which `is_polynomial()` holds
/// (`None` for anything else, or an exponent too large to fold).
fn degree(e: &Expr) -> Option<usize> {
    Some(match e {
        Expr::Num(_) => 0,
        Expr::Var(_) => 1,
        Expr::Neg(a) => degree(a)?,
        Expr::Div(a, b) if matches!(&**b, Expr::Num(_)) => degree(a)?,
        Expr::Add(a, b) | Expr::Sub(a, b) => degree(a)?.max(degree(b)?),
        Expr::Mul(a, b) => degree(a)? + degree(b)?,
        Expr::Pow(a, b) => degree(a)?.checked_mul(crate::poly::fold_exponent(b)? as usize)?,
        _ => return None,
    })
}

fn det(mut m: Vec<Vec<Q>>) -> Q {
    let n = m.len();
    let mut d = Q::from_integer(1.into());
    for c in 0..n {
        let Some(p) = (c..n).find(|&r| !m[r][c].is_zero()) else { return Q::zero() };
        if p != c {
            m.swap(p, c);
            d = -d;
        }
        d *= &m[c][c];
        for r in c + 1..n {
            let f = &m[r][c] / &m[c][c];
            for k in c..n {
                let v = &m[c][k] * &f;
                m[r][k] -= v;
            }
        }
    }
    d
}

/// The quantities along the curve at one point: leading principal minors of `cI − H`, the
/// gradient, and (two variables) the discriminant, `g × Hg` and `tr(H)|g|² − 2gᵀHg`.
fn quantities_at(g: &[Q], h: &[Vec<Q>], c: &Q) -> Vec<Q> {
    let n = g.len();
    let mut out = Vec::new();
    for k in 1..=n {
        let m: Vec<Vec<Q>> = (0..k).map(|i| (0..k).map(|j| if i == j { c - &h[i][j] } else { -h[i][j].clone() }).collect()).collect();
        out.push(det(m));
    }
    out.extend(g.iter().cloned());
    if n == 2 {
        let (a, b, d) = (&h[0][0], &h[0][1], &h[1][1]);
        let (g1, g2) = (&g[0], &g[1]);
        let hg1 = a * g1 + b * g2;
        let hg2 = b * g1 + d * g2;
        out.push((a - d) * (a - d) + Q::from_integer(4.into()) * b * b);
        out.push(g1 * &hg2 - g2 * &hg1);
        out.push((a + d) * (g1 * g1 + g2 * g2) - Q::from_integer(2.into()) * (g1 * &hg1 + g2 * &hg2));
    }
    out
}

fn names_and_degrees(n: usize, deg: usize) -> Vec<(String, usize)> {
    let h = deg.saturating_sub(2);
    let g = deg.saturating_sub(1);
    let mut v: Vec<(String, usize)> = (1..=n).map(|k| (format!("minor{k}(2/eta I - H)"), k * h)).collect();
    v.extend((0..n).map(|i| (format!("grad{}", i + 1), g)));
    if n == 2 {
        v.push(("disc".into(), 2 * h));
        v.push(("g x Hg".into(), 2 * g + h));
        v.push(("tr(H)|g|^2 - 2 g.Hg".into(), 2 * g + h));
    }
    v
}

/// Membership from the signs of the quantities (same order as [`quantities_at`]).
fn decide(n: usize, s: &[Ordering]) -> Option<bool> {
    if !s[..n].iter().all(|&x| x == Ordering::Greater) {
        return Some(false);
    }
    if s[n..2 * n].iter().all(|&x| x == Ordering::Equal) {
        return Some(true);
    }
    if n != 2 || s[2 * n] == Ordering::Equal {
        return None;
    }
    Some(s[2 * n + 1] == Ordering::Equal && s[2 * n + 2] == Ordering::Greater)
}

fn holds(op: Op, s: Ordering) -> bool {
    match op {
        Op::Lt => s == Ordering::Less,
        Op::Le => s != Ordering::Greater,
        Op::Gt => s == Ordering::Greater,
        Op::Ge => s != Ordering::Less,
    }
}

/// Recovers every quantity along the curve exactly (see the module doc).
fn along_curve(claim: &CurveClaim) -> Result<Vec<(String, Laurent)>, String> {
    if !claim.loss.expr.is_polynomial() {
        return Err("the curve check needs a polynomial loss".into());
    }
    let n = claim.coords.len();
    let deg = degree(&claim.loss.expr).ok_or("the loss's degree could not be bounded")?;
    if deg > 64 {
        return Err(format!("the loss has degree up to {deg} (limit 64)"));
    }
    let (mut emin, mut emax) = (0i64, 0i64);
    for c in &claim.coords {
        let (a, b) = c.exponent_range();
        emin = emin.min(a);
        emax = emax.max(b);
    }
    let nd = names_and_degrees(n, deg);
    let e_of = |m: usize| (m as i64 * (emax - emin)) as usize;
    let max_e = nd.iter().map(|(_, m)| e_of(*m)).max().unwrap_or(0);
    if max_e > 400 {
        return Err(format!("the quantities along the curve have degree up to {max_e} (limit 400)"));
    }
    let c = Q::from_integer(2.into()) / &claim.eta;
    let ts: Vec<Q> = (1..=max_e as i64 + 2).map(|j| Q::from_integer(j.into())).collect();
    let mut values: Vec<Vec<Q>> = Vec::with_capacity(ts.len());
    for t in &ts {
        let at: Vec<Q> = claim.coords.iter().map(|x| x.eval(t)).collect();
        let (g, h) = super::exact_jet(claim.loss, &at)?;
        values.push(quantities_at(&g, &h, &c));
    }
    let mut out = Vec::new();
    for (i, (name, m)) in nd.iter().enumerate() {
        let k = (*m as i64 * -emin) as u32;
        let e = e_of(*m);
        let scaled: Vec<Q> = ts.iter().zip(&values).map(|(t, v)| &v[i] * num_traits::pow(t.clone(), k as usize)).collect();
        let p = crate::poly2::interpolate(&ts[..=e], &scaled[..=e]);
        let last = ts.len() - 1;
        if p.eval(&ts[last]) != scaled[last] {
            return Err(format!("interpolation of {name} failed its check point (internal inconsistency)"));
        }
        out.push((name.clone(), Laurent { num: p, shift: k }));
    }
    Ok(out)
}

/// Decides a curve claim (see the module doc).
pub fn judge_curve(claim: &CurveClaim) -> Result<CurveReport, String> {
    if claim.lo.is_negative() {
        return Err("the curve's parameter range must lie in t > 0".into());
    }
    if claim.hi.as_ref().is_some_and(|h| *h <= claim.lo) {
        return Err("the parameter range is empty".into());
    }
    if !claim.eta.is_positive() {
        return Err("the learning rate must be positive".into());
    }
    let n = claim.coords.len();
    let qs = along_curve(claim)?;
    let mut polys: Vec<Poly> = qs.iter().map(|(_, l)| l.num.clone()).collect();
    polys.push(claim.claim.num.clone());
    let mut s = Poly::one();
    for p in polys.iter().filter(|p| !p.is_constant()) {
        s = s.mul(&p.squarefree());
    }
    let hi_eff = match &claim.hi {
        Some(h) => h.clone(),
        None => s.real_roots_bound().max(claim.lo.clone()) + Q::from_integer(1.into()),
    };
    let roots: Vec<(Q, Q)> = if s.is_constant() { vec![] } else { s.isolate_roots(&claim.lo, &hi_eff).unwrap_or_default() };
    let roots: Vec<(Q, Q)> = roots.into_iter().filter(|(a, b)| !(a == b && (*a == claim.lo || *a == hi_eff))).collect();
    let two = Q::from_integer(2.into());
    // Shrink the first and last isolating intervals off the open ends.
    let mut roots = roots;
    let sq = s.squarefree();
    for r in roots.iter_mut() {
        while r.0 != r.1 && (r.0 <= claim.lo || r.1 >= hi_eff) {
            let w = (&r.1 - &r.0) / &two;
            *r = sq.refine_root(&r.0, &r.1, &w).ok_or("root refinement failed (internal inconsistency)")?;
        }
    }
    // (t, signs, whether t is an isolated root rather than a point of an open cell)
    let mut samples: Vec<(String, Vec<Ordering>, bool)> = Vec::new();
    let sign_rational = |t: &Q| polys.iter().map(|p| p.sign_at(t)).collect::<Vec<_>>();
    let mut prev = claim.lo.clone();
    for (a, b) in &roots {
        let mid = (&prev + a) / &two;
        samples.push((rational_string(&mid), sign_rational(&mid), false));
        if a == b {
            samples.push((rational_string(a), sign_rational(a), true));
        } else {
            let signs = polys.iter().map(|p| if p.is_zero() || p.count_roots_closed(a, b).unwrap_or(0) > 0 { Ordering::Equal } else { p.sign_at(a) }).collect();
            samples.push((format!("the root of {} in [{}, {}]", sq.to_string_var("t"), rational_string(a), rational_string(b)), signs, true));
        }
        prev = b.clone();
    }
    let last = match &claim.hi {
        Some(h) => (&prev + h) / &two,
        None => &prev + Q::from_integer(1.into()),
    };
    samples.push((rational_string(&last), sign_rational(&last), false));
    let nq = polys.len() - 1;
    let mut out = Vec::new();
    let (mut fail, mut undecided, mut excluded) = (None, 0usize, Vec::new());
    for (t, signs, isolated) in samples {
        let member = decide(n, &signs[..nq]);
        let claimed = holds(claim.op, signs[nq]);
        match member {
            Some(m) if m != claimed && fail.is_none() => fail = Some((t.clone(), m)),
            None if isolated && n == 2 && signs[2 * n] == Ordering::Equal => excluded.push(t.clone()),
            None => undecided += 1,
            _ => {}
        }
        out.push(Sample { t, member, claimed });
    }
    let (verdict, reason) = match (fail, undecided) {
        (Some((t, m)), _) => (Verdict::Fail, format!("at t = {t} the point is {}in M but the claim says {}", if m { "" } else { "not " }, if m { "no" } else { "yes" })),
        (None, 0) => (
            Verdict::Pass,
            format!(
                "membership in M equals the claim on every one of {} cells and roots of ({}, {}){}",
                out.len(),
                rational_string(&claim.lo),
                claim.hi.as_ref().map(rational_string).unwrap_or("inf".into()),
                if excluded.is_empty() {
                    String::new()
                } else {
                    format!(", except at {} isolated point(s) where the top eigenvalue is repeated and u is undefined ({})", excluded.len(), excluded.join("; "))
                }
            ),
        ),
        (None, u) => (Verdict::Undecided, format!("{u} sample(s) where u is not unique or the gradient is non-zero in more than two variables")),
    };
    Ok(CurveReport {
        verdict,
        reason,
        quantities: qs.iter().map(|(n, l)| (n.clone(), l.to_string_var("t"))).collect(),
        claim: format!("{} {} 0", claim.claim.to_string_var("t"), claim.op.as_str()),
        samples: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(loss: &str, coords: &[&str], lo: &str, hi: Option<&str>, eta: &str, claim: &str) -> Verdict {
        let q = |s: &str| crate::parse::parse_number(s).unwrap();
        let l = crate::verbs::input::parse_loss(loss, &[], None).unwrap();
        let coords = coords.iter().map(|c| Laurent::from_expr(&crate::verbs::input::parse_loss(c, &[], Some("t")).unwrap().expr, 0).unwrap()).collect();
        let (lhs, op, rhs) = crate::prove::split_comparison(claim).unwrap();
        let d = crate::verbs::input::parse_loss(&format!("({lhs}) - ({rhs})"), &[], Some("t")).unwrap();
        let c = CurveClaim { loss: &l, coords, lo: q(lo), hi: hi.map(q), eta: q(eta), claim: Laurent::from_expr(&d.expr, 0).unwrap(), op };
        judge_curve(&c).unwrap().verdict
    }

    #[test]
    fn proposition_6_on_the_minimum_curve() {
        let l = "(x*y - 1)^2/2";
        assert_eq!(judge(l, &["t", "1/t"], "0", None, "0.9", "(t + 1/t)^2 < 2 + 2/0.9"), Verdict::Pass);
        // A shifted threshold is refuted.
        assert_eq!(judge(l, &["t", "1/t"], "0", None, "0.9", "(t + 1/t)^2 < 2.1 + 2/0.9"), Verdict::Fail);
        // eta > 1: no point of the minimum curve is in M.
        assert_eq!(judge(l, &["t", "1/t"], "0", None, "1.01", "0 > 1"), Verdict::Pass);
        assert_eq!(judge(l, &["t", "1/t"], "0", None, "1", "0 > 1"), Verdict::Pass);
    }

    #[test]
    fn the_diagonal_is_in_m_below_one_over_root_two() {
        let l = "(x*y - 1)^2/2";
        // eta = 1.08 (Figure 3): M contains (t, t) for 0 < t < 1/sqrt(2), so "M is empty" fails.
        assert_eq!(judge(l, &["t", "t"], "0", None, "1.08", "0 > 1"), Verdict::Fail);
        assert_eq!(judge(l, &["t", "t"], "0", None, "1.08", "2*t^2 < 1"), Verdict::Pass);
        // eta = 3: also 1 - t^2 < 2/3, i.e. t^2 > 1/3.
        assert_eq!(judge(l, &["t", "t"], "0", None, "3", "(2*t^2 - 1)*(3*t^2 - 1) < 0"), Verdict::Pass);
        assert_eq!(judge(l, &["t", "t"], "0", None, "4", "0 > 1"), Verdict::Pass);
    }

    /// The curve verdicts agree with the point engine (a different method: eigenvalue
    /// isolation and the determinant lemma) at rational points of the curves.
    #[test]
    fn curve_claims_agree_with_point_membership() {
        let q = |s: &str| crate::parse::parse_number(s).unwrap();
        let l = crate::verbs::input::parse_loss("(x*y - 1)^2/2", &[], None).unwrap();
        for k in 1..60i64 {
            let t = Q::new(k.into(), 13.into());
            let inv = Q::from_integer(1.into()) / &t;
            // Minimum curve at eta = 0.9: in M iff (t + 1/t)^2 < 2 + 2/0.9.
            let m = super::super::point_membership(&l, &[t.clone(), inv.clone()], &q("0.9")).unwrap().member;
            let s = &t + &inv;
            assert_eq!(m, Some(&s * &s < q("2") + q("2") / q("0.9")), "t = {t}");
            // Diagonal at eta = 3: in M iff 1/3 < t^2 < 1/2.
            let m = super::super::point_membership(&l, &[t.clone(), t.clone()], &q("3")).unwrap().member;
            let t2 = &t * &t;
            assert_eq!(m, Some(t2 > q("1/3") && t2 < q("1/2")), "t = {t}");
        }
    }

    #[test]
    fn product_loss_three_variables_on_minimisers() {
        // x = t, y = t, z = 1/t^2: the minimiser surface's diagonal curve; lambda >= 2 there.
        let l = "(x*y*z - 1)^2/3";
        assert_eq!(judge(l, &["t", "t", "1/t^2"], "0", None, "1.01", "0 > 1"), Verdict::Pass);
        assert_eq!(judge(l, &["t", "t", "1/t^2"], "0", None, "0.99", "0 > 1"), Verdict::Fail);
    }
}
