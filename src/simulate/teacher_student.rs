//! The two-layer ReLU teacher-student network of Chen & Bruna, Appendix B.3.1 (Figure 8):
//! teacher `y = Σ_{i=1}^{k} ReLU(e_iᵀx)`, student `f(x; θ) = Σ_{i=1}^{k} v_i ReLU(w_iᵀx)`,
//! `x ∈ R^d` uniform on `S^{d−1}`, loss `L = (1/m) Σ_j (f(x_j) − y_j)²` on `m` sampled points
//! (eq. (20), read as the mean over the `m` data points; the printed `Σ_i^{16}` is taken to be
//! a typo). The paper's sizes are `k = d = 16`, `m = 10000`.
//!
//! The parameter vector is `θ = [v_1, …, v_k, w_1, …, w_k]` (each `w_i ∈ R^d` contiguous).
//! Settings the paper leaves open, chosen here: `v_i = 1/k_i` at the start (so that
//! `‖w_i‖/v_i = k_i²` as Figure 8(c) reports for `lr = 0.5`); the noise `ε` and the data come
//! from the seeded generator; ReLU′(0) = 0 and ReLU″ = 0 (the Hessian is exact off the kinks).
//!
//! Guarantee: plain floating point; a cross-check, never a certificate.

use super::model::{Model, SimError, SimResult};
use super::neuron::sphere_points;
use super::rng::Rng;
use nalgebra::{DMatrix, DMatrixView, DVector};

/// The teacher-student loss with its data.
pub struct TeacherStudent {
    /// Neurons `k` (teacher and student).
    k: usize,
    /// Inputs, `d × m`.
    x: DMatrix<f64>,
    /// Labels, length `m`.
    y: DVector<f64>,
}

/// The start of Appendix B.3.1 for `k` neurons in `R^d`: `w_i = k_i (e_i + 0.01 ε)`,
/// `ε ~ N(0, I)`, `v_i = 1/k_i`, with `k_i = 1 + 0.0625 (i − 1)`.
pub fn paper_init(k: usize, d: usize, rng: &mut Rng) -> DVector<f64> {
    let (d, k) = (d.max(1), k.clamp(1, d.max(1)));
    let mut t = DVector::zeros(k * (d + 1));
    for i in 0..k {
        let ki = 1.0 + 0.0625 * i as f64;
        t[i] = 1.0 / ki;
        for a in 0..d {
            let e = if a == i { 1.0 } else { 0.0 };
            t[k + i * d + a] = ki * (e + 0.01 * rng.normal());
        }
    }
    t
}

impl TeacherStudent {
    /// `k ≤ d` neurons, `m` points on `S^{d−1}` drawn from `seed`.
    pub fn new(k: usize, d: usize, m: usize, seed: u64) -> TeacherStudent {
        let d = d.max(1);
        let k = k.clamp(1, d);
        let x = sphere_points(&mut Rng::new(seed), d, m.max(1));
        let y = DVector::from_fn(x.ncols(), |j, _| (0..k).map(|i| x[(i, j)].max(0.0)).sum());
        TeacherStudent { k, x, y }
    }

    /// `(k, d, m)`.
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.k, self.x.nrows(), self.x.ncols())
    }

    /// `‖w_i‖ / v_i` for every neuron (`k_i²` on the start's minimum).
    pub fn ratios(&self, theta: &DVector<f64>) -> Vec<f64> {
        let (k, d, _) = self.shape();
        (0..k).map(|i| theta.rows(k + i * d, d).norm() / theta[i]).collect()
    }

    /// The one code path: loss, gradient (if `grad`) and Hessian-vector product (if `hv`).
    fn eval(&self, theta: &[f64], grad: Option<&mut [f64]>, hv: Option<(&[f64], &mut [f64])>) -> SimResult<f64> {
        if theta.iter().any(|t| !t.is_finite()) {
            return Err(SimError("the parameters are not finite".into()));
        }
        let (k, d, m) = self.shape();
        let v = &theta[..k];
        let wt = DMatrixView::from_slice(&theta[k..], d, k); // column i = w_i
        let z = wt.tr_mul(&self.x); // k × m
        let mut resid = DVector::zeros(m);
        for j in 0..m {
            let f: f64 = (0..k).map(|i| v[i] * z[(i, j)].max(0.0)).sum();
            resid[j] = f - self.y[j];
        }
        let loss = resid.norm_squared() / m as f64;
        let scale = 2.0 / m as f64;
        if let Some(g) = grad {
            // B_ij = r_j 1[z_ij > 0]; ∂/∂v_i = Σ_j r_j relu(z_ij); ∂/∂w_i = v_i Σ_j B_ij x_j.
            let mut b = DMatrix::zeros(k, m);
            for j in 0..m {
                for i in 0..k {
                    if z[(i, j)] > 0.0 {
                        b[(i, j)] = resid[j];
                    }
                }
            }
            for i in 0..k {
                g[i] = scale * (0..m).map(|j| resid[j] * z[(i, j)].max(0.0)).sum::<f64>();
            }
            let gw = &self.x * b.transpose(); // d × k
            for i in 0..k {
                for a in 0..d {
                    g[k + i * d + a] = scale * v[i] * gw[(a, i)];
                }
            }
        }
        if let Some((dir, out)) = hv {
            let dv = &dir[..k];
            let dwt = DMatrixView::from_slice(&dir[k..], d, k);
            let dz = dwt.tr_mul(&self.x); // k × m
            let mut c = DMatrix::zeros(k, m);
            out[..k].fill(0.0);
            for j in 0..m {
                let mut jd = 0.0;
                for i in 0..k {
                    if z[(i, j)] > 0.0 {
                        jd += dv[i] * z[(i, j)] + v[i] * dz[(i, j)];
                    }
                }
                for i in 0..k {
                    if z[(i, j)] > 0.0 {
                        out[i] += jd * z[(i, j)] + resid[j] * dz[(i, j)];
                        c[(i, j)] = jd * v[i] + resid[j] * dv[i];
                    }
                }
            }
            for o in out[..k].iter_mut() {
                *o *= scale;
            }
            let ow = &self.x * c.transpose();
            for i in 0..k {
                for a in 0..d {
                    out[k + i * d + a] = scale * ow[(a, i)];
                }
            }
        }
        Ok(loss)
    }
}

impl Model for TeacherStudent {
    fn dim(&self) -> usize {
        let (k, d, _) = self.shape();
        k * (d + 1)
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

    /// The smallest and largest `‖w_i‖/v_i`, and `Σ_i (‖w_i‖² − v_i²)`.
    fn balance(&self, theta: &DVector<f64>) -> Vec<(String, f64)> {
        let (k, d, _) = self.shape();
        let r = self.ratios(theta);
        let imbalance: f64 = (0..k).map(|i| theta.rows(k + i * d, d).norm_squared() - theta[i] * theta[i]).sum();
        vec![
            ("min |w_i|/v_i".into(), r.iter().copied().fold(f64::INFINITY, f64::min)),
            ("max |w_i|/v_i".into(), r.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
            ("sum |w_i|^2 - v_i^2".into(), imbalance),
        ]
    }

    fn coordinate_names(&self) -> Vec<String> {
        let (k, d, _) = self.shape();
        (0..k).map(|i| format!("v{}", i + 1)).chain((0..k).flat_map(|i| (0..d).map(move |a| format!("w{}[{}]", i + 1, a + 1)))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{check_gradient, check_hvp};
    use super::*;

    #[test]
    fn gradient_and_hvp_match_finite_differences() {
        let mut m = TeacherStudent::new(3, 4, 50, 2);
        let theta = DVector::from_fn(m.dim(), |i, _| 0.4 + 0.3 * ((i * 7) as f64).sin());
        check_gradient(&mut m, &theta, 1e-6);
        check_hvp(&mut m, &theta, 1e-6);
    }

    #[test]
    fn the_teacher_is_a_zero_loss_point_and_the_paper_start_is_near_one() {
        let mut m = TeacherStudent::new(4, 4, 200, 1);
        let mut teacher = DVector::zeros(m.dim());
        for i in 0..4 {
            teacher[i] = 1.0;
            teacher[4 + i * 4 + i] = 1.0;
        }
        assert!(m.loss(&teacher).unwrap() < 1e-30);
        let start = paper_init(4, 4, &mut Rng::new(0));
        assert!(m.loss(&start).unwrap() < 1e-2);
        let r = m.ratios(&start);
        assert!((r[3] - 1.1875f64.powi(2)).abs() < 0.05, "{r:?}");
    }
}
