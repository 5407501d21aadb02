//! The matrix `Q_{α,η,p}(y, z)` of Appendix J.2 and eqs. (202)–(203), exactly.
//!
//! The paper defines (J.2) a 4×4 matrix `Q(y, z)` with entries in `η, σ_1², σ_p², α², y z, y²,
//! z²` and writes `Q(·,·) ≈` (202); (203) gives the eigenvalues of `Q(·,·)²`. What is exact:
//! - (202) is an identity (not an approximation) at the point `(y, z) = (α σ_1, σ_1/α)`, for
//!   all `η, σ_1, σ_p, α`: proved by exact evaluation on a grid (each entry of
//!   `α²·(Q(ασ_1, σ_1/α) − Q_202)` is a polynomial of degree ≤ 2 in each of `η, σ_1², σ_p², α²`,
//!   and one vanishing on a 3×3×3×3 grid is zero by the combinatorial Nullstellensatz);
//! - (203) is an identity for the matrix (202): `Q_202` is block upper triangular with the
//!   identity and the diagonal `W = diag(w_1, w_2)` on its diagonal, so `Q_202²` has the
//!   eigenvalues `1, 1, w_1², w_2²`; checked exactly at the given data (`charpoly` equality);
//! - away from that point it is an approximation: at the period-2 orbit `y = z = γ_i` the
//!   lower-left entries `−η(γ_i² − σ_1²)` are non-zero, and the eigenvalues of
//!   `Q(γ_2, γ_2) Q(γ_1, γ_1)` are computed exactly (Sturm) to compare.

use super::{matmul, QMat, Q};
use crate::eigen::{charpoly, schur_cohn_stable};
use crate::numfmt::NumJson;
use crate::poly::Poly;
use num_traits::{One, Zero};
use serde::Serialize;

/// `Q_{α,η,p}(y, z)` as defined in J.2, from `yz`, `y²`, `z²` (so that only squares enter).
pub fn q_general(eta: &Q, s1: &Q, sp: &Q, a2: &Q, yz: &Q, y2: &Q, z2: &Q) -> QMat {
    let one = Q::one();
    let r = yz - s1;
    let u1 = -(eta * (yz + &r * (&one - eta * z2)));
    let u2 = -(eta * (yz + &r * (&one - eta * y2)));
    let w1 = &one - eta * z2 - eta * sp * a2 + eta * eta * yz * &r;
    let w2 = &one - eta * y2 - eta * sp / a2 + eta * eta * yz * &r;
    let z = Q::zero();
    vec![
        vec![one.clone(), z.clone(), u1, -(eta * sp)],
        vec![z.clone(), one.clone(), -(eta * sp), u2],
        vec![-(eta * &r), z.clone(), w1, z.clone()],
        vec![z.clone(), -(eta * &r), z, w2],
    ]
}

/// The matrix printed as eq. (202).
pub fn q_202(eta: &Q, s1: &Q, sp: &Q, a2: &Q) -> QMat {
    let one = Q::one();
    let z = Q::zero();
    vec![
        vec![one.clone(), z.clone(), -(eta * s1), -(eta * sp)],
        vec![z.clone(), one.clone(), -(eta * sp), -(eta * s1)],
        vec![z.clone(), z.clone(), &one - eta * s1 / a2 - eta * sp * a2, z.clone()],
        vec![z.clone(), z.clone(), z, &one - eta * s1 * a2 - eta * sp / a2],
    ]
}

#[derive(Clone, Debug, Serialize)]
pub struct QOutput {
    /// (202) equals `Q(α σ_1, σ_1/α)` identically (grid proof).
    pub eq202_exact_at_minimum: bool,
    /// (203) at the given data: `charpoly(Q_202²) = (x − 1)²(x − w_1²)(x − w_2²)`.
    pub eq203_identity: bool,
    pub w: [NumJson; 2],
    /// `|w_1|, |w_2| < 1`, i.e. `0 < η(σ_1²/α² + σ_p² α²) < 2` and `0 < η(σ_1² α² + σ_p²/α²) < 2`.
    pub eq203_contracting: bool,
    /// At the orbit `y = z = γ_i` (when `γ_i²` is rational): the lower-left entry
    /// `−η(γ_1² − σ_1²)` (non-zero: (202) is only approximate there) and whether
    /// `Q(γ_2,γ_2) Q(γ_1,γ_1)` has spectral radius < 1 (Schur–Cohn, exact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_orbit: Option<AtOrbit>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AtOrbit {
    pub gamma_sq: [NumJson; 2],
    pub lower_left: NumJson,
    pub product_charpoly: String,
    pub product_schur_cohn_stable: Option<bool>,
}

/// Proves (202) at `(ασ_1, σ_1/α)` as an identity (grid), checks (203) at the data, and
/// evaluates `Q` at the orbit `γ_i² = (1 + K ± s)/(2η)` when `s = sqrt((1+K)² − 4)` is rational.
pub fn run(eta: &Q, s1: &Q, sp: &Q, alpha: &Q, prec: u32) -> QOutput {
    let a2 = alpha * alpha;
    let grid: Vec<Q> = (1..=3).map(|k| Q::from_integer(k.into())).collect();
    let mut exact202 = true;
    for e in &grid {
        for x in &grid {
            for y in &grid {
                for a in &grid {
                    // y = α σ_1, z = σ_1/α: yz = σ_1², y² = α² σ_1², z² = σ_1²/α².
                    let g = q_general(e, x, y, a, x, &(a * x), &(x / a));
                    exact202 &= g == q_202(e, x, y, a);
                }
            }
        }
    }
    let q = q_202(eta, s1, sp, &a2);
    let (w1, w2) = (q[2][2].clone(), q[3][3].clone());
    let one = Q::one();
    let want = Poly::from_roots(&[one.clone(), one.clone(), &w1 * &w1, &w2 * &w2]);
    let eq203 = charpoly(&matmul(&q, &q)) == want;
    let inside = |w: &Q| w < &one && w > &-one.clone();
    let k = eta * s1;
    let disc = (&k + &one) * (&k + &one) - Q::from_integer(4.into());
    let at_orbit = crate::poly::rational_sqrt(&disc).map(|s| {
        let g1 = (&k + &one + &s) / (Q::from_integer(2.into()) * eta);
        let g2 = (&k + &one - &s) / (Q::from_integer(2.into()) * eta);
        let qg = |g: &Q| q_general(eta, s1, sp, &a2, g, g, g);
        let prod = matmul(&qg(&g2), &qg(&g1));
        let p = charpoly(&prod);
        AtOrbit {
            gamma_sq: [NumJson::exact(&g1, prec), NumJson::exact(&g2, prec)],
            lower_left: NumJson::exact(&-(eta * (&g1 - s1)), prec),
            product_charpoly: p.to_string(),
            product_schur_cohn_stable: schur_cohn_stable(&p),
        }
    });
    QOutput { eq202_exact_at_minimum: exact202, eq203_identity: eq203, w: [NumJson::exact(&w1, prec), NumJson::exact(&w2, prec)], eq203_contracting: inside(&w1) && inside(&w2), at_orbit }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: i64) -> Q {
        Q::new(n.into(), d.into())
    }

    #[test]
    fn eq202_and_203_hold_and_orbit_differs() {
        let out = run(&q(1, 20), &q(21, 1), &q(5, 1), &q(4, 5), 128);
        assert!(out.eq202_exact_at_minimum && out.eq203_identity);
        let o = out.at_orbit.expect("rational orbit");
        assert_ne!(o.lower_left.exact.as_deref(), Some("0"));
    }
}
