//! Sharpness: the largest eigenvalue of the Hessian at a point, by a symmetric eigen-solve for
//! small models and by Lanczos with full reorthogonalisation on Hessian-vector products for
//! large ones.
//!
//! Guarantee: a floating-point estimate (exact up to rounding for `n ≤ DENSE_MAX`, a Ritz value
//! — a lower bound up to rounding — otherwise); a cross-check, never a certificate.

use super::model::{Model, SimResult};
use super::rng::Rng;
use nalgebra::{DMatrix, DVector, SymmetricEigen};

/// Models with at most this many parameters get a dense eigen-solve.
pub const DENSE_MAX: usize = 256;
/// Lanczos steps for larger models.
pub const LANCZOS_STEPS: usize = 40;

/// The largest and smallest Hessian eigenvalue at `theta`.
pub fn extreme_eigenvalues<M: Model + ?Sized>(model: &mut M, theta: &DVector<f64>) -> SimResult<(f64, f64)> {
    let n = model.dim();
    if n <= DENSE_MAX {
        let e = SymmetricEigen::new(model.hessian(theta)?).eigenvalues;
        return Ok((e.max(), e.min()));
    }
    let k = LANCZOS_STEPS.min(n);
    let mut rng = Rng::new(0x5eed);
    let mut q = DVector::from_fn(n, |_, _| rng.normal());
    q /= q.norm();
    let mut basis: Vec<DVector<f64>> = Vec::with_capacity(k);
    let (mut alpha, mut beta) = (Vec::with_capacity(k), Vec::with_capacity(k));
    let mut w = DVector::zeros(n);
    for j in 0..k {
        model.hvp(theta, &q, &mut w)?;
        let a = q.dot(&w);
        alpha.push(a);
        basis.push(q.clone());
        // Full reorthogonalisation (twice is enough).
        for _ in 0..2 {
            for b in &basis {
                let c = b.dot(&w);
                w.axpy(-c, b, 1.0);
            }
        }
        let nb = w.norm();
        if j + 1 == k || nb <= 1e-12 * a.abs().max(1.0) {
            break;
        }
        beta.push(nb);
        q = &w / nb;
    }
    let m = alpha.len();
    let t = DMatrix::from_fn(m, m, |i, j| {
        if i == j {
            alpha[i]
        } else if i + 1 == j {
            beta[i]
        } else if j + 1 == i {
            beta[j]
        } else {
            0.0
        }
    });
    let e = SymmetricEigen::new(t).eigenvalues;
    Ok((e.max(), e.min()))
}

/// The largest Hessian eigenvalue at `theta`.
pub fn sharpness<M: Model + ?Sized>(model: &mut M, theta: &DVector<f64>) -> SimResult<f64> {
    Ok(extreme_eigenvalues(model, theta)?.0)
}
