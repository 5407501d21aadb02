//! The largest eigenvalue of a symmetric rational matrix and an eigenvector for it, exact when
//! the eigenvalue is rational, enclosed otherwise.
//!
//! Guarantees: the eigenvalue is the largest root of the exact characteristic polynomial,
//! isolated by Sturm's theorem, with its exact multiplicity; `value` encloses it. When it is
//! simple, `vector` encloses (and `vector_exact` equals) a NON-ZERO eigenvector: a column of
//! the adjugate `adj(λI − A) = Σ_k λ^k B_k`, whose matrices `B_k` are exact (the recursion
//! `B_{n−1} = I`, `B_{k−1} = A·B_k + a_k·I` from `det(xI − A) = Σ a_k x^k`), evaluated at the
//! exact `λ` or at its enclosure. For a simple eigenvalue of a symmetric matrix the adjugate
//! is `p'(λ)·v vᵀ`, so any column that is proved non-zero is an eigenvector.

use super::{QMat, Q};
use crate::eigen::{charpoly, symmetric_eigenvalues_exact};
use crate::interval::Interval;
use crate::poly::Poly;
use crate::scalar::Scalar;
use num_traits::Zero;

/// The top eigenpair of a symmetric rational matrix (see the module guarantees).
#[derive(Clone, Debug)]
pub struct TopEigen {
    pub poly: Poly,
    pub lo: Q,
    pub hi: Q,
    pub multiplicity: usize,
    /// The eigenvalue when it is rational.
    pub exact: Option<Q>,
    /// An enclosure of the eigenvalue at the working precision.
    pub value: Interval,
    /// An exact eigenvector (not normalised), when the eigenvalue is rational and simple.
    pub vector_exact: Option<Vec<Q>>,
    /// An enclosure of an eigenvector (not normalised), when the eigenvalue is simple.
    pub vector: Option<Vec<Interval>>,
}

/// The column `j` of the adjugate of `xI − a` as a polynomial in `x` with vector
/// coefficients `b_0, ..., b_{n−1}` (exact).
fn adjugate_column(a: &QMat, p: &Poly, j: usize) -> Vec<Vec<Q>> {
    let n = a.len();
    let mut b = vec![vec![Q::zero(); n]; n];
    b[n - 1][j] = Q::from_integer(1.into());
    for k in (1..n).rev() {
        let mut next: Vec<Q> = a.iter().map(|row| row.iter().zip(&b[k]).fold(Q::zero(), |s, (x, y)| s + x * y)).collect();
        next[j] += p.coeff(k);
        b[k - 1] = next;
    }
    b
}

/// `Σ_k x^k b_k` by Horner's rule, in the scalar of `x` (exact or enclosed).
fn eval_vector_poly<S: Scalar>(b: &[Vec<Q>], x: &S) -> Vec<S> {
    let ctx = x.ctx();
    let mut v: Vec<S> = b[b.len() - 1].iter().map(|q| S::from_rational(q, &ctx)).collect();
    for bk in b.iter().rev().skip(1) {
        v = v.iter().zip(bk).map(|(vi, q)| vi.mul(x).add(&S::from_rational(q, &ctx))).collect();
    }
    v
}

/// The largest eigenvalue of the symmetric rational matrix `a` and (when simple) an eigenvector;
/// enclosures at precision `prec`. `Err` when `a` is empty, not square or not symmetric.
pub fn top_eigen(a: &QMat, prec: u32) -> Result<TopEigen, String> {
    let ev = symmetric_eigenvalues_exact(a)?;
    let top = ev.last().ok_or("no eigenvalue")?.clone();
    let poly = charpoly(a);
    let exact = poly.rational_roots().unwrap_or_default().into_iter().find(|r| *r >= top.lo && *r <= top.hi);
    let value = match &exact {
        Some(r) => Interval::from_rational(r, prec),
        None => poly.squarefree().root_interval(&top.lo, &top.hi, prec).ok_or("the top eigenvalue could not be refined")?,
    };
    let mut out = TopEigen { poly, lo: top.lo, hi: top.hi, multiplicity: top.multiplicity, exact, value, vector_exact: None, vector: None };
    if out.multiplicity != 1 {
        return Ok(out);
    }
    // The adjugate's coefficients grow like |A|^n: evaluate its column at twice the precision
    // (plus slack) so that the enclosure stays narrow after Horner's cancellations.
    let wprec = 2 * prec + 64;
    let lam_w = match &out.exact {
        Some(r) => Interval::from_rational(r, wprec),
        None => out.poly.squarefree().root_interval(&out.lo, &out.hi, wprec).ok_or("the top eigenvalue could not be refined")?,
    };
    for j in 0..a.len() {
        let b = adjugate_column(a, &out.poly, j);
        if let Some(r) = &out.exact {
            let v = eval_vector_poly(&b, r);
            if v.iter().any(|x| !x.is_zero()) {
                out.vector = Some(v.iter().map(|q| Interval::from_rational(q, prec)).collect());
                out.vector_exact = Some(v);
                return Ok(out);
            }
            continue;
        }
        let v = eval_vector_poly(&b, &lam_w);
        if v.iter().any(|x| !x.contains_zero()) {
            out.vector = Some(v);
            return Ok(out);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qm(rows: &[&[i64]]) -> QMat {
        rows.iter().map(|r| r.iter().map(|&x| Q::from_integer(x.into())).collect()).collect()
    }

    #[test]
    fn rational_and_irrational_top_eigenpairs() {
        // [[2, 1], [1, 2]]: top 3, eigenvector (1, 1).
        let t = top_eigen(&qm(&[&[2, 1], &[1, 2]]), 128).unwrap();
        assert_eq!(t.exact, Some(Q::from_integer(3.into())));
        let v = t.vector_exact.unwrap();
        assert_eq!(v[0], v[1]);
        assert!(!v[0].is_zero());
        // [[1, 1], [1, 0]]: top (1 + sqrt 5)/2, eigenvector (phi, 1).
        let t = top_eigen(&qm(&[&[1, 1], &[1, 0]]), 128).unwrap();
        assert!(t.exact.is_none());
        let v = t.vector.unwrap();
        let ratio = v[0].div(&v[1]).unwrap();
        let phi = Interval::from_int(5, 200).sqrt().unwrap().add(&Interval::from_int(1, 200)).div_int(2);
        assert!(ratio.meets(&phi) && ratio.width() < 1e-30);
        // A double top eigenvalue: no eigenvector claimed.
        let t = top_eigen(&qm(&[&[2, 0, 0], &[0, 2, 0], &[0, 0, 1]]), 128).unwrap();
        assert_eq!(t.multiplicity, 2);
        assert!(t.vector.is_none());
    }
}
