//! Exact spectral tests for rational matrices: the characteristic polynomial over Q, the
//! Schur–Cohn stability test, and Sturm isolation of real eigenvalues. Nothing is rounded.

use super::{spectral_radius_verdict, IMatrix, Stability};
use crate::poly::Poly;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

type Q = BigRational;

/// The characteristic polynomial `det(x·I − m)` of the square rational matrix `m` (rows),
/// exactly; monic of degree `n`.
///
/// Method: the denominators are cleared (`M = L·m` with `L` the lcm of all denominators), the
/// characteristic polynomial of the integer matrix `M` is computed by Berkowitz's division-free
/// algorithm over Z, and `det(xI − m) = L⁻ⁿ·det(LxI − M)` rescales it.
///
/// # Panics
/// If `m` is not square.
pub fn charpoly(m: &[Vec<Q>]) -> Poly {
    let n = m.len();
    assert!(m.iter().all(|r| r.len() == n), "charpoly needs a square matrix");
    let l = m.iter().flatten().fold(BigInt::one(), |acc, q| acc.lcm(q.denom()));
    let lq = Q::from_integer(l.clone());
    let big: Vec<Vec<BigInt>> = m.iter().map(|r| r.iter().map(|q| (q * &lq).to_integer()).collect()).collect();
    // `c[j]` is the coefficient of x^(n−j) of det(xI − M).
    let c = berkowitz(&big);
    let mut scale = BigInt::one();
    let mut coeffs = vec![Q::zero(); n + 1];
    for (j, cj) in c.into_iter().enumerate() {
        coeffs[n - j] = Q::new(cj, scale.clone());
        scale *= &l;
    }
    Poly::from_coeffs(coeffs)
}

/// Berkowitz's algorithm: the coefficients of `det(xI − M)`, highest degree first, for a square
/// integer matrix `M`, without division. Works on the trailing principal submatrices
/// `A_k = M[k.., k..]` from the bottom up: with `A_k = [[a, r], [c, A']]`,
/// `p_{A_k} = T·p_{A'}` where `T` is the lower triangular Toeplitz matrix with first column
/// `(1, −a, −r·c, −r·A'·c, …, −r·A'^{m−2}·c)`, `m = n − k`.
fn berkowitz(mm: &[Vec<BigInt>]) -> Vec<BigInt> {
    let n = mm.len();
    let mut p = vec![BigInt::one()];
    for k in (0..n).rev() {
        let m = n - k;
        let mut t = Vec::with_capacity(m + 1);
        t.push(BigInt::one());
        t.push(-mm[k][k].clone());
        // v = A'^i · c for i = 0, 1, ..., m − 2.
        let mut v: Vec<BigInt> = (k + 1..n).map(|i| mm[i][k].clone()).collect();
        for step in 0..m.saturating_sub(1) {
            let rv: BigInt = (k + 1..n).zip(&v).map(|(j, vj)| &mm[k][j] * vj).sum();
            t.push(-rv);
            if step + 2 < m {
                v = (k + 1..n).map(|i| (k + 1..n).zip(&v).map(|(j, vj)| &mm[i][j] * vj).sum()).collect();
            }
        }
        p = (0..=m).map(|i| (0..=i.min(m - 1)).map(|j| &t[i - j] * &p[j]).sum()).collect();
    }
    p
}

/// The exact Schur–Cohn test on a real polynomial `p` (all complex roots counted).
///
/// Returns `Some(true)` iff every root satisfies `|z| < 1` (a non-zero constant has no roots
/// and gives `Some(true)`), `Some(false)` iff some root has `|z| ≥ 1` (so a root ON the unit
/// circle gives `Some(false)`), and `None` for the zero polynomial.
///
/// Method (Schur–Cohn reduction, exact over Q): for `p = Σ a_k z^k` of degree `n ≥ 1`, if
/// `|a_n| ≤ |a_0|` then `∏|z_i| = |a_0/a_n| ≥ 1` and some root has `|z| ≥ 1`. Otherwise let
/// `p*(z) = zⁿ·p(1/z)` and `q = (a_n·p − a_0·p*)/z`, of degree exactly `n − 1`. On `|z| = 1`,
/// `|p*(z)| = |p(z)|` (real coefficients), so Rouché's theorem gives: p has all roots in the
/// open disc iff q does (a root of p on the circle is a root of p* too, hence of q).
pub fn schur_cohn_stable(p: &Poly) -> Option<bool> {
    if p.is_zero() {
        return None;
    }
    let mut p = p.monic();
    while let Some(n) = p.degree().filter(|&n| n > 0) {
        let (a0, an) = (p.coeff(0), p.lead());
        if an.abs() <= a0.abs() {
            return Some(false);
        }
        let q: Vec<Q> = (1..=n).map(|k| &an * p.coeff(k) - &a0 * p.coeff(n - k)).collect();
        p = Poly::from_coeffs(q).monic();
    }
    Some(true)
}

/// Precisions tried by [`exact_spectral_verdict`] to prove an eigenvalue outside the circle.
const UNSTABLE_PROOF_PRECISIONS: [u32; 3] = [128, 256, 512];

/// The stability verdict for the exact rational matrix `m`: `Stable` iff the spectral radius
/// is `< 1` (decided exactly by [`schur_cohn_stable`] on [`charpoly`]; never undecided when
/// `ρ < 1`). When `ρ ≥ 1`, `Unstable` is returned only if some eigenvalue is proved to have
/// `|λ| > 1` by [`spectral_radius_verdict`] at 128, 256 or 512 bits; otherwise `Undecided`
/// (e.g. when `ρ = 1` exactly). `Undecided` also for an empty or non-square `m`.
pub fn exact_spectral_verdict(m: &[Vec<Q>]) -> Stability {
    if m.is_empty() || m.iter().any(|r| r.len() != m.len()) {
        return Stability::Undecided("the matrix is empty or not square".into());
    }
    match schur_cohn_stable(&charpoly(m)) {
        Some(true) => return Stability::Stable,
        None => return Stability::Undecided("the characteristic polynomial vanished".into()),
        Some(false) => {}
    }
    for prec in UNSTABLE_PROOF_PRECISIONS {
        if let Ok(a) = IMatrix::from_rationals(m, prec) {
            if spectral_radius_verdict(&a, prec) == Stability::Unstable {
                return Stability::Unstable;
            }
        }
    }
    Stability::Undecided(
        "some eigenvalue has |λ| ≥ 1 (Schur–Cohn), but none was proved to have |λ| > 1 (the spectral radius may be exactly 1)".into(),
    )
}

/// A real eigenvalue of an exact matrix: it is the unique distinct root of the characteristic
/// polynomial in `[lo, hi]`, of algebraic multiplicity `multiplicity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RealEigenvalue {
    pub lo: Q,
    pub hi: Q,
    pub multiplicity: usize,
}

/// The eigenvalues of the exact symmetric rational matrix `m`: sorted, pairwise disjoint
/// isolating intervals, each containing exactly one distinct eigenvalue, with its algebraic
/// multiplicity; the multiplicities sum to `n`, so every eigenvalue is listed.
///
/// Method: [`charpoly`], Yun's square-free factorization `p = ∏ f_k^k`, Sturm isolation of the
/// distinct real roots ([`Poly::isolate_all_real_roots`]), and the multiplicity of each root is
/// the `k` of the (unique, the `f_k` being coprime) factor with a root in its interval.
/// `Err` if `m` is empty, not square or not symmetric.
pub fn symmetric_eigenvalues_exact(m: &[Vec<Q>]) -> Result<Vec<RealEigenvalue>, String> {
    let n = m.len();
    if n == 0 || m.iter().any(|r| r.len() != n) {
        return Err("the matrix is empty or not square".into());
    }
    if (0..n).any(|i| (0..i).any(|j| m[i][j] != m[j][i])) {
        return Err("the matrix is not symmetric".into());
    }
    let p = charpoly(m);
    let factors = squarefree_factors(&p);
    let roots = p.isolate_all_real_roots().ok_or("the characteristic polynomial vanished")?;
    let mut out = Vec::with_capacity(roots.len());
    for (lo, hi) in roots {
        let multiplicity = factors
            .iter()
            .position(|f| f.count_roots_closed(&lo, &hi) == Some(1))
            .map(|k| k + 1)
            .ok_or("no square-free factor has the isolated root (internal inconsistency)")?;
        out.push(RealEigenvalue { lo, hi, multiplicity });
    }
    let total: usize = out.iter().map(|r| r.multiplicity).sum();
    if total != n {
        return Err(format!("found {total} real eigenvalues with multiplicity, expected {n} (internal inconsistency)"));
    }
    Ok(out)
}

/// Yun's square-free factorization of a non-constant `p`: `factors[k − 1] = f_k` with
/// `p = lead(p)·∏ f_k^k`, the `f_k` monic, square-free and pairwise coprime (some may be 1).
fn squarefree_factors(p: &Poly) -> Vec<Poly> {
    let d = p.derivative();
    let a0 = p.gcd(&d);
    let (Some(mut b), Some(c)) = (p.div_exact(&a0), d.div_exact(&a0)) else {
        return Vec::new();
    };
    let mut dd = c.sub(&b.derivative());
    let mut out = Vec::new();
    while !b.is_constant() {
        let a = b.gcd(&dd);
        let (Some(nb), Some(nc)) = (b.div_exact(&a), dd.div_exact(&a)) else {
            break;
        };
        out.push(a);
        dd = nc.sub(&nb.derivative());
        b = nb;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poly::qi;

    fn qm(rows: &[&[i64]]) -> Vec<Vec<Q>> {
        rows.iter().map(|r| r.iter().map(|&x| qi(x)).collect()).collect()
    }

    #[test]
    fn charpoly_small_matrices() {
        // [[1, 2], [3, 4]]: x² − 5x − 2.
        assert_eq!(charpoly(&qm(&[&[1, 2], &[3, 4]])), Poly::from_ints(&[-2, -5, 1]));
        // Companion-like 3x3 with known polynomial (x − 1)(x − 2)(x − 3) = x³ − 6x² + 11x − 6.
        assert_eq!(charpoly(&qm(&[&[0, 0, 6], &[1, 0, -11], &[0, 1, 6]])), Poly::from_ints(&[-6, 11, -6, 1]));
        // Rational entries: [[1/2, 0], [0, 1/3]] → (x − 1/2)(x − 1/3).
        let m = vec![vec![Q::new(1.into(), 2.into()), qi(0)], vec![qi(0), Q::new(1.into(), 3.into())]];
        assert_eq!(charpoly(&m), Poly::from_roots(&[Q::new(1.into(), 2.into()), Q::new(1.into(), 3.into())]));
    }

    #[test]
    fn schur_cohn_cases() {
        let half = Q::new(1.into(), 2.into());
        assert_eq!(schur_cohn_stable(&Poly::from_roots(&[half.clone(), -half.clone()])), Some(true));
        // z² − z + 1/2: roots (1 ± i)/2, |z|² = 1/2.
        assert_eq!(schur_cohn_stable(&Poly::from_coeffs(vec![half.clone(), qi(-1), qi(1)])), Some(true));
        // z² + 1: roots ±i on the circle.
        assert_eq!(schur_cohn_stable(&Poly::from_ints(&[1, 0, 1])), Some(false));
        // (z − 1/10)(z − 2): |a0| < |an| but a root outside.
        assert_eq!(schur_cohn_stable(&Poly::from_roots(&[Q::new(1.into(), 10.into()), qi(2)])), Some(false));
        assert_eq!(schur_cohn_stable(&Poly::from_roots(&[qi(1)])), Some(false));
        assert_eq!(schur_cohn_stable(&Poly::constant(qi(3))), Some(true));
        assert_eq!(schur_cohn_stable(&Poly::zero()), None);
    }

    #[test]
    fn yun_factors_and_exact_symmetric_eigenvalues() {
        // (x − 1)² (x − 2)³ x.
        let p = Poly::from_roots(&[qi(1), qi(1), qi(2), qi(2), qi(2), qi(0)]);
        let f = squarefree_factors(&p);
        assert_eq!(f.len(), 3);
        assert_eq!(f[0], Poly::from_roots(&[qi(0)]));
        assert_eq!(f[1], Poly::from_roots(&[qi(1)]));
        assert_eq!(f[2], Poly::from_roots(&[qi(2)]));
        // diag(2, 2, 5) rotated is still spectrum {2, 2, 5}; use [[3, 1, 0], [1, 3, 0], [0, 0, 2]]: {2, 2, 4}.
        let ev = symmetric_eigenvalues_exact(&qm(&[&[3, 1, 0], &[1, 3, 0], &[0, 0, 2]])).expect("symmetric");
        assert_eq!(ev.len(), 2);
        assert!(ev[0].lo <= qi(2) && qi(2) <= ev[0].hi && ev[0].multiplicity == 2);
        assert!(ev[1].lo <= qi(4) && qi(4) <= ev[1].hi && ev[1].multiplicity == 1);
        assert!(symmetric_eigenvalues_exact(&qm(&[&[1, 2], &[3, 4]])).is_err());
    }
}
