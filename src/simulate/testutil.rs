//! Test helpers shared by the built-in models: the gradient against central differences of the
//! loss, and the Hessian-vector product against central differences of the gradient.

use super::model::Model;
use nalgebra::DVector;

/// Every gradient coordinate within `tol · (1 + |g|)` of a central difference of the loss.
pub fn check_gradient<M: Model + ?Sized>(m: &mut M, theta: &DVector<f64>, tol: f64) {
    let n = m.dim();
    let mut g = DVector::zeros(n);
    let l0 = m.gradient(theta, &mut g).expect("gradient");
    assert!((l0 - m.loss(theta).expect("loss")).abs() <= 1e-12 * (1.0 + l0.abs()), "loss and gradient paths disagree");
    let h = 1e-6;
    for i in 0..n {
        let (mut p, mut q) = (theta.clone(), theta.clone());
        p[i] += h;
        q[i] -= h;
        let fd = (m.loss(&p).expect("loss") - m.loss(&q).expect("loss")) / (2.0 * h);
        assert!((fd - g[i]).abs() <= tol * (1.0 + g[i].abs()), "coordinate {i}: finite difference {fd} vs gradient {}", g[i]);
    }
}

/// `H v` within `tol · (1 + |Hv|)` of a central difference of the gradient along `v`, for two
/// fixed directions.
pub fn check_hvp<M: Model + ?Sized>(m: &mut M, theta: &DVector<f64>, tol: f64) {
    let n = m.dim();
    for k in 0..2 {
        let v = DVector::from_fn(n, |i, _| ((i + 1) as f64 * (0.37 + 0.21 * k as f64)).sin());
        let mut hv = DVector::zeros(n);
        m.hvp(theta, &v, &mut hv).expect("hvp");
        let h = 1e-6;
        let (mut gp, mut gq) = (DVector::zeros(n), DVector::zeros(n));
        m.gradient(&(theta + &v * h), &mut gp).expect("gradient");
        m.gradient(&(theta - &v * h), &mut gq).expect("gradient");
        let fd = (gp - gq) / (2.0 * h);
        let err = (&fd - &hv).amax();
        assert!(err <= tol * (1.0 + hv.amax()), "direction {k}: |fd - Hv| = {err}\nfd {fd}\nHv {hv}");
    }
}
