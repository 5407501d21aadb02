//! The manifold of Damian et al. used by Chen & Bruna §6.2 (Propositions 5-7):
//! `M = {θ : λ(θ) < 2/η, ∇L(θ)·u(θ) = 0}`, with `λ`, `u` the leading eigenvalue and eigenvector
//! of the Hessian of `L`.
//!
//! Guarantees (everything exact over Q, no floating point):
//! * [`point_membership`] decides, at a rational point of a polynomial loss with a rational
//!   learning rate, whether `λ < 2/η` (Sturm count of the characteristic polynomial's roots in
//!   `[2/η, ∞)`) and whether `∇L·u = 0` (see [`grad_orthogonal_to_top`]); when the leading
//!   eigenvalue is repeated and the gradient is not zero, `u` is not unique and membership is
//!   left undecided.
//! * [`curve`] decides membership along a whole curve `θ = X(t)` with Laurent-polynomial
//!   coordinates over an interval of `t > 0`, and compares it with a claimed condition in `t`.

pub mod check;
pub mod curve;
pub mod laurent;
pub mod spectrum;

use crate::eigen::{charpoly, symmetric_eigenvalues_exact};
use crate::eval::grad_hess;
use crate::expr::Loss;
use crate::numfmt::rational_string;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde::Serialize;

type Q = BigRational;

/// The certificate of a point's membership in `M`.
#[derive(Clone, Debug, Serialize)]
pub struct PointMembership {
    pub at: Vec<String>,
    pub eta: String,
    pub gradient: Vec<String>,
    pub hessian: Vec<Vec<String>>,
    /// `det(t I − H)`, exact.
    pub charpoly: String,
    /// `λ` is the only root of the characteristic polynomial in `[lo, hi]` and the largest.
    pub lambda_lo: String,
    pub lambda_hi: String,
    pub lambda_multiplicity: usize,
    /// `λ < 2/η`, decided exactly.
    pub lambda_below: bool,
    /// `∇L·u = 0`, decided exactly; `None` when `u` is not unique and `∇L ≠ 0`.
    pub grad_dot_u_zero: Option<bool>,
    /// Membership in `M`; `None` when undecided.
    pub member: Option<bool>,
    pub reason: String,
}

/// Exact gradient and Hessian of a loss at a rational point; `Err` (one sentence) when the loss
/// cannot be evaluated exactly there (non-polynomial functions, constants such as `pi`).
pub fn exact_jet(loss: &Loss, at: &[Q]) -> Result<(Vec<Q>, Vec<Vec<Q>>), String> {
    let j = grad_hess::<Q>(loss, at, &()).map_err(|e| format!("the gradient and Hessian are not exact rationals here ({e}); the manifold check needs a polynomial loss at a rational point"))?;
    Ok((j.g.clone(), j.hessian()))
}

/// Whether `g` is orthogonal to the eigenvector of the largest eigenvalue of the symmetric
/// rational matrix `h`, that eigenvalue being simple and isolated in `[lo, hi]` (the only root
/// of `charpoly(h)` there). Exact: with `r(t) = det(tI − H) − det(tI − H − g gᵀ)
/// = gᵀ adj(tI − H) g = Σᵢ (g·uᵢ)² ∏_{j≠i} (t − λⱼ)` (matrix determinant lemma), a simple `λ₁`
/// gives `r(λ₁) = (g·u₁)² ∏_{j≠1}(λ₁ − λⱼ)` with a non-zero product, so `g·u₁ = 0` iff `λ₁` is a
/// root of `gcd(r, charpoly)`, i.e. iff that gcd has a root in `[lo, hi]` (Sturm).
pub fn grad_orthogonal_to_top(h: &[Vec<Q>], g: &[Q], lo: &Q, hi: &Q) -> bool {
    let chi = charpoly(h);
    let hg: Vec<Vec<Q>> = h.iter().enumerate().map(|(i, row)| row.iter().enumerate().map(|(j, x)| x + &g[i] * &g[j]).collect()).collect();
    let r = chi.sub(&charpoly(&hg));
    if r.is_zero() {
        return true;
    }
    let d = r.gcd(&chi);
    d.count_roots_closed(lo, hi).unwrap_or(0) > 0
}

/// Decides whether the rational point `at` lies in `M` for the loss and the learning rate `eta`
/// (see the module doc). `Err` when the loss is not exact at the point or `eta ≤ 0`.
pub fn point_membership(loss: &Loss, at: &[Q], eta: &Q) -> Result<PointMembership, String> {
    if !eta.is_positive() {
        return Err("the learning rate must be positive".into());
    }
    let (g, h) = exact_jet(loss, at)?;
    let ev = symmetric_eigenvalues_exact(&h)?;
    let top = ev.last().ok_or("no eigenvalue (internal inconsistency)")?;
    let chi = charpoly(&h);
    let c = Q::from_integer(2.into()) / eta;
    let bound = chi.real_roots_bound();
    let at_or_above = if c >= bound { 0 } else { chi.count_roots_closed(&c, &bound).unwrap_or(0) };
    let lambda_below = at_or_above == 0;
    let g_zero = g.iter().all(|x| x.is_zero());
    let dot = if g_zero {
        Some(true)
    } else if top.multiplicity > 1 {
        None
    } else {
        Some(grad_orthogonal_to_top(&h, &g, &top.lo, &top.hi))
    };
    let member = match (lambda_below, dot) {
        (false, _) => Some(false),
        (true, d) => d,
    };
    let lam = format!("lambda in [{}, {}]", rational_string(&top.lo), rational_string(&top.hi));
    let reason = match (lambda_below, dot) {
        (false, _) => format!("{lam} is >= 2/eta = {}: not in M", rational_string(&c)),
        (true, Some(true)) if g_zero => format!("{lam} < 2/eta = {}, and the gradient is zero: in M", rational_string(&c)),
        (true, Some(true)) => format!("{lam} < 2/eta = {}, and grad L is orthogonal to the top eigenvector (exact): in M", rational_string(&c)),
        (true, Some(false)) => format!("{lam} < 2/eta = {}, but grad L . u != 0 (exact): not in M", rational_string(&c)),
        (true, None) => format!("{lam} < 2/eta, but the top eigenvalue is repeated ({}) and grad L != 0, so u is not unique", top.multiplicity),
    };
    Ok(PointMembership {
        at: at.iter().map(rational_string).collect(),
        eta: rational_string(eta),
        gradient: g.iter().map(rational_string).collect(),
        hessian: h.iter().map(|r| r.iter().map(rational_string).collect()).collect(),
        charpoly: chi.to_string_var("t"),
        lambda_lo: rational_string(&top.lo),
        lambda_hi: rational_string(&top.hi),
        lambda_multiplicity: top.multiplicity,
        lambda_below,
        grad_dot_u_zero: dot,
        member,
        reason,
    })
}

/// A claimed membership against the decided one: PASS when equal, FAIL when decided and
/// different, UNDECIDED otherwise.
pub fn judge_claim(decided: Option<bool>, claimed: bool) -> crate::verdict::Verdict {
    use crate::verdict::Verdict;
    match decided {
        Some(d) if d == claimed => Verdict::Pass,
        Some(_) => Verdict::Fail,
        None => Verdict::Undecided,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verbs::input::parse_loss;

    fn q(s: &str) -> Q {
        crate::parse::parse_number(s).unwrap()
    }

    fn member(loss: &str, at: &[&str], eta: &str) -> Option<bool> {
        let l = parse_loss(loss, &[], None).unwrap();
        let at: Vec<Q> = at.iter().map(|s| q(s)).collect();
        point_membership(&l, &at, &q(eta)).unwrap().member
    }

    #[test]
    fn two_d_loss_points() {
        let l = "(x*y - 1)^2/2";
        // On the minimum curve: lambda = x^2 + y^2.
        assert_eq!(member(l, &["1", "1"], "0.99"), Some(true)); // 2 < 2/0.99
        assert_eq!(member(l, &["1", "1"], "1"), Some(false)); // 2 = 2/1 is not < 2
        assert_eq!(member(l, &["2", "1/2"], "0.4"), Some(true)); // 4.25 < 5
        assert_eq!(member(l, &["2", "1/2"], "0.5"), Some(false)); // 4.25 >= 4
        // The diagonal below 1/sqrt(2): u = (1, -1)/sqrt(2) is orthogonal to grad ∝ (1, 1).
        assert_eq!(member(l, &["1/2", "1/2"], "1.08"), Some(true));
        assert_eq!(member(l, &["1/2", "1/2"], "2.5"), Some(true)); // lambda = 3/4 < 4/5
        assert_eq!(member(l, &["1/2", "1/2"], "3"), Some(false)); // 3/4 >= 2/3
        // Off both curves: never in M.
        assert_eq!(member(l, &["1/2", "1/3"], "0.5"), Some(false));
    }

    #[test]
    fn product_loss_minimisers_are_too_sharp_for_eta_above_one() {
        assert_eq!(member("(x*y*z - 1)^2/3", &["1", "1", "1"], "1.01"), Some(false));
        assert_eq!(member("(x*y*z - 1)^2/3", &["1", "1", "1"], "0.99"), Some(true));
        assert_eq!(member("(x*y*z*w - 1)^2/4", &["2", "1/2", "3", "1/3"], "1.01"), Some(false));
    }

    /// Exact membership against an independent f64 computation (closed-form 2x2 eigenpairs) at
    /// pseudo-random rational points of three losses, where the f64 margins are clear.
    #[test]
    fn agrees_with_an_f64_eigendecomposition() {
        let losses = ["(x*y - 1)^2/2", "(x^2 - y)^2/4 + x*y/3", "x^4/4 - x*y + y^2"];
        let mut seed: u64 = 12345;
        let mut next = |m: i64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as i64 % m) - m / 2
        };
        let mut compared = 0;
        for l in losses {
            let loss = parse_loss(l, &[], None).unwrap();
            for _ in 0..60 {
                let (xn, yn, en) = (next(64), next(64), next(40).abs() + 1);
                let (x, y, eta) = (Q::new(xn.into(), 16.into()), Q::new(yn.into(), 16.into()), Q::new(en.into(), 10.into()));
                let out = point_membership(&loss, &[x.clone(), y.clone()], &eta).unwrap();
                let f = |q: &Q| crate::parse::parse_number(&rational_string(q)).map(|r| r.numer().to_string().parse::<f64>().unwrap() / r.denom().to_string().parse::<f64>().unwrap()).unwrap();
                let (g, h) = exact_jet(&loss, &[x, y]).unwrap();
                let (a, b, d) = (f(&h[0][0]), f(&h[0][1]), f(&h[1][1]));
                let (g1, g2) = (f(&g[0]), f(&g[1]));
                let disc = ((a - d) * (a - d) + 4.0 * b * b).sqrt();
                let lam = (a + d + disc) / 2.0;
                let c = 2.0 / f(&eta);
                // Eigenvector of lam: (b, lam - a) or (lam - d, b).
                let (u1, u2) = if (lam - a).abs() + b.abs() > (lam - d).abs() + b.abs() { (b, lam - a) } else { (lam - d, b) };
                let nu = (u1 * u1 + u2 * u2).sqrt();
                let dot = if nu > 0.0 { (g1 * u1 + g2 * u2) / nu } else { f64::NAN };
                if (lam - c).abs() < 1e-6 || disc < 1e-6 || (dot.abs() < 1e-6 && dot != 0.0) || dot.is_nan() {
                    continue; // too close to a boundary for f64 to decide
                }
                let expect = lam < c && dot.abs() < 1e-12;
                assert_eq!(out.member, Some(expect), "{l} at {:?}: lam {lam}, c {c}, dot {dot}", out.at);
                compared += 1;
            }
        }
        assert!(compared > 100, "only {compared} points compared");
    }

    #[test]
    fn orthogonality_is_exact() {
        // H = diag(2, 1): top eigenvector e1; g = (0, 1) is orthogonal, g = (1, 1) is not.
        let h = vec![vec![q("2"), q("0")], vec![q("0"), q("1")]];
        assert!(grad_orthogonal_to_top(&h, &[q("0"), q("1")], &q("3/2"), &q("5/2")));
        assert!(!grad_orthogonal_to_top(&h, &[q("1"), q("1")], &q("3/2"), &q("5/2")));
        // An irrational top eigenvalue: H = [[1, 1], [1, 0]], lambda = (1 + sqrt 5)/2.
        let h = vec![vec![q("1"), q("1")], vec![q("1"), q("0")]];
        let (lo, hi) = (q("1.6"), q("1.7"));
        // u ∝ (phi, 1) with phi irrational: the rational g = (1, 0) is not orthogonal to it.
        assert!(!grad_orthogonal_to_top(&h, &[q("1"), q("0")], &lo, &hi));
    }
}
