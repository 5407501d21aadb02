//! The two-layer single-neuron ReLU network `f(x; v, w) = v · ReLU(wᵀx)` learning the teacher
//! `y = ReLU(w̃ᵀx)` with `x` uniform on the unit sphere `S^{d−1}` (Chen & Bruna §5, Figure 5).
//!
//! * [`NeuronModel`] — the **population** loss `L = E_x (f(x) − y)²` in the three variables
//!   `(v, w_x, w_y)` of §5 (teacher `w̃ = [1, 0]`; the iterates stay in the plane of `w̃` and
//!   `w⁽⁰⁾`). With `E[ReLU(aᵀx) ReLU(bᵀx)] = ‖a‖‖b‖ (sin α + (π − α) cos α) / (2π d)` on the
//!   sphere, and `h(w) = ‖w‖ (sin α + (π − α) cos α) = |w_y| + (π − α) w_x`,
//!   `α = atan2(|w_y|, w_x)`, the loss in closed form is
//!
//!   `L(v, w) = (1/d) [ v² ‖w‖² / 2 − v h(w) / π + 1/2 ]`,
//!
//!   whose gradient is the paper's displayed `∇_θ L` and whose Hessian on the minimum manifold
//!   `v w = w̃` is eq. (5). With `r² = ‖w‖²`, `s = |w_y|`: `h_x = π − α + w_x s / r²`,
//!   `h_y = w_y s / r²`, `h_xx = 2 s³ / r⁴`, `h_xy = −2 w_x w_y s / r⁴`, `h_yy = 2 s w_x² / r⁴`.
//!   The loss is not differentiable at `w = 0` (a domain error there). `d` only scales the loss
//!   (so `η = K d` of Theorem 4 acts like `η = K` on `d·L`).
//! * [`NeuronEmpirical`] — the **empirical** loss `(1/N) Σ_j (v ReLU(wᵀx_j) − ReLU(x_j[0]))²`
//!   on `N` points drawn uniformly from `S^{d−1}` with a seeded generator (normalised Gaussians),
//!   parameters `(v, w_1, …, w_d)`, teacher `e_1`. ReLU′(0) is taken as 0 and ReLU″ as 0, so the
//!   Hessian is exact away from the kinks `wᵀx_j = 0` (a null set).
//!
//! Guarantee: plain floating point; a cross-check, never a certificate.

use super::model::{Model, SimError, SimResult};
use super::rng::Rng;
use nalgebra::{DMatrix, DVector};
use std::f64::consts::PI;

/// The population loss of the single ReLU neuron in `(v, w_x, w_y)`.
pub struct NeuronModel {
    /// The input dimension `d` (the loss is scaled by `1/d`).
    pub d: f64,
}

/// Value, gradient and Hessian of the population loss (the one code path of the model).
fn neuron_jet(d: f64, t: &[f64], want_hessian: bool) -> SimResult<(f64, [f64; 3], [[f64; 3]; 3])> {
    let (v, wx, wy) = (t[0], t[1], t[2]);
    let r2 = wx * wx + wy * wy;
    if r2 <= 0.0 || !r2.is_finite() {
        return Err(SimError(format!("the population loss is not differentiable at w = ({wx}, {wy}) (the weight vector must be non-zero and finite)")));
    }
    let s = wy.abs();
    let alpha = s.atan2(wx);
    let h = s + (PI - alpha) * wx;
    let hx = PI - alpha + wx * s / r2;
    let hy = wy * s / r2;
    let loss = (v * v * r2 / 2.0 - v * h / PI + 0.5) / d;
    let g = [(v * r2 - h / PI) / d, (v * v * wx - v * hx / PI) / d, (v * v * wy - v * hy / PI) / d];
    let mut hess = [[0.0; 3]; 3];
    if want_hessian {
        let r4 = r2 * r2;
        let (hxx, hxy, hyy) = (2.0 * s * s * s / r4, -2.0 * wx * wy * s / r4, 2.0 * s * wx * wx / r4);
        hess[0][0] = r2 / d;
        hess[0][1] = (2.0 * v * wx - hx / PI) / d;
        hess[0][2] = (2.0 * v * wy - hy / PI) / d;
        hess[1][1] = (v * v - v * hxx / PI) / d;
        hess[1][2] = (-v * hxy / PI) / d;
        hess[2][2] = (v * v - v * hyy / PI) / d;
        hess[1][0] = hess[0][1];
        hess[2][0] = hess[0][2];
        hess[2][1] = hess[1][2];
    }
    Ok((loss, g, hess))
}

impl NeuronModel {
    /// The population model for input dimension `d ≥ 1`.
    pub fn new(d: usize) -> NeuronModel {
        NeuronModel { d: d.max(1) as f64 }
    }
}

impl Model for NeuronModel {
    fn dim(&self) -> usize {
        3
    }

    fn loss(&mut self, theta: &DVector<f64>) -> SimResult<f64> {
        Ok(neuron_jet(self.d, theta.as_slice(), false)?.0)
    }

    fn gradient(&mut self, theta: &DVector<f64>, grad: &mut DVector<f64>) -> SimResult<f64> {
        let (l, g, _) = neuron_jet(self.d, theta.as_slice(), false)?;
        grad.copy_from_slice(&g);
        Ok(l)
    }

    fn hvp(&mut self, theta: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<()> {
        let (_, _, h) = neuron_jet(self.d, theta.as_slice(), true)?;
        for i in 0..3 {
            out[i] = (0..3).map(|j| h[i][j] * v[j]).sum();
        }
        Ok(())
    }

    /// `|v − w_x|`, `|w_y|` and `v − ‖w‖` (the imbalance of §5).
    fn balance(&self, theta: &DVector<f64>) -> Vec<(String, f64)> {
        let (v, wx, wy) = (theta[0], theta[1], theta[2]);
        vec![("|v - w_x|".into(), (v - wx).abs()), ("|w_y|".into(), wy.abs()), ("v - |w|".into(), v - wx.hypot(wy))]
    }

    fn coordinate_names(&self) -> Vec<String> {
        vec!["v".into(), "w_x".into(), "w_y".into()]
    }
}

/// `n` points drawn uniformly from the unit sphere `S^{d−1}` (normalised Gaussians), as the
/// columns of a `d × n` matrix.
pub fn sphere_points(rng: &mut Rng, d: usize, n: usize) -> DMatrix<f64> {
    let mut x = DMatrix::zeros(d, n);
    for j in 0..n {
        loop {
            for i in 0..d {
                x[(i, j)] = rng.normal();
            }
            let norm = x.column(j).norm();
            if norm > 1e-12 {
                x.column_mut(j).scale_mut(1.0 / norm);
                break;
            }
        }
    }
    x
}

/// The empirical squared loss of the single ReLU neuron on `N` sphere points.
pub struct NeuronEmpirical {
    /// The inputs, `d × N`.
    x: DMatrix<f64>,
    /// The labels `ReLU(x_j[0])`.
    y: DVector<f64>,
}

impl NeuronEmpirical {
    /// `n` points on `S^{d−1}` drawn from `seed` (`d ≥ 1`, `n ≥ 1`).
    pub fn new(d: usize, n: usize, seed: u64) -> NeuronEmpirical {
        let x = sphere_points(&mut Rng::new(seed), d.max(1), n.max(1));
        let y = DVector::from_fn(x.ncols(), |j, _| x[(0, j)].max(0.0));
        NeuronEmpirical { x, y }
    }

    fn d(&self) -> usize {
        self.x.nrows()
    }

    /// The one code path: loss, gradient (if `grad`) and Hessian-vector product (if `hv`).
    fn eval(&self, theta: &[f64], grad: Option<&mut [f64]>, hv: Option<(&[f64], &mut [f64])>) -> SimResult<f64> {
        if theta.iter().any(|t| !t.is_finite()) {
            return Err(SimError("the parameters are not finite".into()));
        }
        let (d, n) = (self.d(), self.x.ncols());
        let v = theta[0];
        let w = &theta[1..];
        let scale = 2.0 / n as f64;
        let mut loss = 0.0;
        let mut g = vec![0.0; d + 1];
        let mut out = vec![0.0; d + 1];
        for j in 0..n {
            let xj = self.x.column(j);
            let z: f64 = (0..d).map(|i| w[i] * xj[i]).sum();
            let on = z > 0.0;
            let act = if on { z } else { 0.0 };
            let r = v * act - self.y[j];
            loss += r * r;
            if on {
                g[0] += r * act;
                for i in 0..d {
                    g[i + 1] += r * v * xj[i];
                }
                if let Some((dir, _)) = &hv {
                    let dz: f64 = (0..d).map(|i| dir[i + 1] * xj[i]).sum();
                    // J·dir = dv · act + v · dz; the residual term couples v and w.
                    let jd = dir[0] * act + v * dz;
                    out[0] += jd * act + r * dz;
                    for i in 0..d {
                        out[i + 1] += (jd * v + r * dir[0]) * xj[i];
                    }
                }
            }
        }
        if let Some(gr) = grad {
            for (o, x) in gr.iter_mut().zip(&g) {
                *o = scale * x;
            }
        }
        if let Some((_, o)) = hv {
            for (o, x) in o.iter_mut().zip(&out) {
                *o = scale * x;
            }
        }
        Ok(loss / n as f64)
    }
}

impl Model for NeuronEmpirical {
    fn dim(&self) -> usize {
        self.d() + 1
    }

    fn loss(&mut self, theta: &DVector<f64>) -> SimResult<f64> {
        self.eval(theta.as_slice(), None, None)
    }

    fn gradient(&mut self, theta: &DVector<f64>, grad: &mut DVector<f64>) -> SimResult<f64> {
        self.eval(theta.as_slice(), Some(grad.as_mut_slice()), None)
    }

    fn hvp(&mut self, theta: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<()> {
        self.eval(theta.as_slice(), None, Some((v.as_slice(), out.as_mut_slice()))).map(|_| ())
    }

    /// `|v − w_1|`, `‖w_⊥‖` (the part of `w` off the teacher) and `v − ‖w‖`.
    fn balance(&self, theta: &DVector<f64>) -> Vec<(String, f64)> {
        let v = theta[0];
        let w = theta.rows(1, self.d());
        let perp = w.rows(1, self.d() - 1).norm();
        vec![("|v - w_x|".into(), (v - w[0]).abs()), ("|w_perp|".into(), perp), ("v - |w|".into(), v - w.norm())]
    }

    fn coordinate_names(&self) -> Vec<String> {
        let d = self.d();
        std::iter::once("v".to_string()).chain((0..d).map(|i| if d == 2 { ["w_x", "w_y"][i].to_string() } else { format!("w{}", i + 1) })).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{check_gradient, check_hvp};
    use super::*;

    #[test]
    fn population_gradient_and_hvp_match_finite_differences() {
        let mut m = NeuronModel::new(2);
        for p in [[0.3, 0.7, -0.4], [1.2, -0.5, 0.8], [0.1, 0.0 + 1e-3, 0.1]] {
            let t = DVector::from_row_slice(&p);
            check_gradient(&mut m, &t, 1e-6);
            check_hvp(&mut m, &t, 1e-5);
        }
    }

    #[test]
    fn population_hessian_on_the_minimum_manifold_is_eq_5() {
        // v w = w̃ with v = 2, w = (1/2, 0): H = (1/d) [[|w|², v wᵀ], [v w, v² I]].
        let mut m = NeuronModel::new(3);
        let h = m.hessian(&DVector::from_row_slice(&[2.0, 0.5, 0.0])).unwrap();
        let want = [[0.25, 1.0, 0.0], [1.0, 4.0, 0.0], [0.0, 0.0, 4.0]];
        for i in 0..3 {
            for j in 0..3 {
                assert!((h[(i, j)] - want[i][j] / 3.0).abs() < 1e-12, "{h}");
            }
        }
        assert!(m.loss(&DVector::from_row_slice(&[2.0, 0.5, 0.0])).unwrap().abs() < 1e-15);
    }

    #[test]
    fn population_loss_rejects_zero_weights() {
        let mut m = NeuronModel::new(2);
        assert!(m.loss(&DVector::from_row_slice(&[1.0, 0.0, 0.0])).is_err());
    }

    #[test]
    fn empirical_gradient_and_hvp_match_finite_differences() {
        let mut m = NeuronEmpirical::new(3, 40, 5);
        let t = DVector::from_row_slice(&[0.8, 0.6, -0.3, 0.2]);
        check_gradient(&mut m, &t, 1e-6);
        check_hvp(&mut m, &t, 1e-6);
    }

    #[test]
    fn empirical_loss_approaches_the_population_loss() {
        let mut e = NeuronEmpirical::new(2, 20000, 1);
        let mut p = NeuronModel::new(2);
        let t = DVector::from_row_slice(&[0.7, 0.4, 0.9]);
        let (le, lp) = (e.loss(&t).unwrap(), p.loss(&t).unwrap());
        assert!((le - lp).abs() < 0.01 * lp.max(0.01), "{le} vs {lp}");
    }
}
