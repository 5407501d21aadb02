//! Matrix factorisation `f(Y, Z) = ‖Y Zᵀ − C‖²_F / 2` (Chen & Bruna §5, Ward & Kolda, Ye & Du),
//! with `Y ∈ R^{m×r}`, `Z ∈ R^{n×r}`, `C ∈ R^{m×n}`, in f64.
//!
//! The parameter vector is `θ = [vec(Y); vec(Z)]` (column-major). With `R = Y Zᵀ − C` the
//! gradient is `(R Z, Rᵀ Y)` and the Hessian-vector product along `(dY, dZ)` is
//! `(dR Z + R dZ, dRᵀ Y + Rᵀ dY)` with `dR = dY Zᵀ + Y dZᵀ`. Every product is one
//! [`dense::Gemm::run`] (plain vectorised loops for small factors, the `gemm` crate's packed
//! kernels for large ones) into a preallocated buffer on (possibly transposed) strided views of
//! `θ`.
//!
//! A GD or alternating GD step is fused ([`Model::fused_step`]): the residual pass subtracts `C`
//! and sums the loss at once, `Z ← Z − η Rᵀ Y` is accumulated straight into `θ` by the product
//! itself, and only `R Z` goes through a buffer (GD needs the old `Z` for it). It is the same
//! map as gradient-then-update, up to floating-point reassociation.
//!
//! Guarantee: plain floating point; a cross-check, never a certificate.

use super::dense::{self, Gemm, Mat};
use super::model::{Model, SimResult};
use super::rng::Rng;
use nalgebra::{DMatrix, DMatrixView, DVector};

/// The matrix-factorisation loss for a target `C` and a rank `r`, with its work buffers.
pub struct MfModel {
    c: DMatrix<f64>,
    rank: usize,
    /// `R = Y Zᵀ − C`.
    resid: DMatrix<f64>,
    /// `dR` of a Hessian-vector product.
    dresid: DMatrix<f64>,
    /// `R Z` of a fused GD step (`m × r`).
    gy: Vec<f64>,
    gemm: Gemm,
}

impl MfModel {
    /// The model for target `c` and rank `rank` (at least 1).
    pub fn new(c: DMatrix<f64>, rank: usize) -> MfModel {
        let (m, n) = c.shape();
        let rank = rank.max(1);
        MfModel { c, rank, resid: DMatrix::zeros(m, n), dresid: DMatrix::zeros(m, n), gy: vec![0.0; m * rank], gemm: Gemm::new() }
    }

    /// `(m, n, r)`.
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.c.nrows(), self.c.ncols(), self.rank)
    }

    /// The target matrix `C`.
    pub fn target(&self) -> &DMatrix<f64> {
        &self.c
    }

    /// `(Y, Z)` of a parameter vector, as owned matrices.
    pub fn factors(&self, theta: &DVector<f64>) -> (DMatrix<f64>, DMatrix<f64>) {
        let (m, n, r) = self.shape();
        let (ys, zs) = theta.as_slice().split_at(m * r);
        (DMatrixView::from_slice(ys, m, r).into_owned(), DMatrixView::from_slice(zs, n, r).into_owned())
    }

    /// The start of Chen & Bruna's Figure 1 runs for `C = diag(a1, a2)`: `noise` alone (generic
    /// start), or the quasi-symmetric minimum `(α X0, X0/α)`, `X0 = diag(√a1, √a2)`, plus `noise`.
    pub fn figure1_start(a1: f64, a2: f64, alpha: Option<f64>, noise: &DVector<f64>) -> DVector<f64> {
        match alpha {
            None => noise.clone(),
            Some(al) => {
                let x0 = DMatrix::from_diagonal(&DVector::from_vec(vec![a1.sqrt(), a2.sqrt()]));
                Self::pack(&(&x0 * al), &(&x0 / al)) + noise
            }
        }
    }

    /// The parameter vector of `(Y, Z)`.
    pub fn pack(y: &DMatrix<f64>, z: &DMatrix<f64>) -> DVector<f64> {
        DVector::from_iterator(y.len() + z.len(), y.iter().chain(z.iter()).copied())
    }

    /// A random start: every entry of `Y` and `Z` is `scale · N(0, 1)`.
    pub fn random_init(&self, rng: &mut Rng, scale: f64) -> DVector<f64> {
        DVector::from_fn(self.dim(), |_, _| scale * rng.normal())
    }

    /// `Yᵀ Y − Zᵀ Z`, which gradient flow conserves.
    pub fn gram_difference(&self, theta: &DVector<f64>) -> DMatrix<f64> {
        let (y, z) = self.factors(theta);
        y.transpose() * &y - z.transpose() * &z
    }

    /// `resid ← Y Zᵀ − C`; returns the loss `‖R‖²/2`.
    fn residual(&mut self, theta: &[f64]) -> f64 {
        let (m, n, r) = self.shape();
        let (ys, zs) = theta.split_at(m * r);
        self.gemm.run(1.0, Mat::new(ys, m, r), Mat::new(zs, n, r).t(), 0.0, self.resid.as_mut_slice());
        dense::sub_half_sq(self.resid.as_mut_slice(), self.c.as_slice())
    }
}

impl Model for MfModel {
    fn dim(&self) -> usize {
        let (m, n, r) = self.shape();
        (m + n) * r
    }

    fn loss(&mut self, theta: &DVector<f64>) -> SimResult<f64> {
        Ok(self.residual(theta.as_slice()))
    }

    fn gradient(&mut self, theta: &DVector<f64>, grad: &mut DVector<f64>) -> SimResult<f64> {
        let (m, n, r) = self.shape();
        let loss = self.residual(theta.as_slice());
        let (y, z) = theta.as_slice().split_at(m * r);
        let (y, z) = (Mat::new(y, m, r), Mat::new(z, n, r));
        let res = Mat::new(self.resid.as_slice(), m, n);
        let (gy, gz) = grad.as_mut_slice().split_at_mut(m * r);
        self.gemm.run(1.0, res, z, 0.0, gy);
        self.gemm.run(1.0, res.t(), y, 0.0, gz);
        Ok(loss)
    }

    /// GD: `G = R Z`, `Z ← Z − η Rᵀ Y` (old `Y`), `Y ← Y − η G`. Alternating GD:
    /// `Y ← Y − η R Z`, then `R` again at the new `Y` and `Z ← Z − η Rᵀ Y`.
    fn fused_step(&mut self, theta: &mut DVector<f64>, lr: f64, alternating: bool) -> Option<SimResult<f64>> {
        let (m, n, r) = self.shape();
        let loss = self.residual(theta.as_slice());
        let (y, z) = theta.as_mut_slice().split_at_mut(m * r);
        let res = Mat::new(self.resid.as_slice(), m, n);
        if alternating {
            self.gemm.run(-lr, res, Mat::new(z, n, r), 1.0, y);
            self.residual(theta.as_slice());
            let (y, z) = theta.as_mut_slice().split_at_mut(m * r);
            self.gemm.run(-lr, Mat::new(self.resid.as_slice(), m, n).t(), Mat::new(y, m, r), 1.0, z);
        } else {
            self.gemm.run(1.0, res, Mat::new(z, n, r), 0.0, &mut self.gy);
            self.gemm.run(-lr, res.t(), Mat::new(y, m, r), 1.0, z);
            dense::axpy(-lr, &self.gy, y);
        }
        Some(Ok(loss))
    }

    fn hvp(&mut self, theta: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<()> {
        let (m, n, r) = self.shape();
        self.residual(theta.as_slice());
        let (y, z) = theta.as_slice().split_at(m * r);
        let (y, z) = (Mat::new(y, m, r), Mat::new(z, n, r));
        let (dy, dz) = v.as_slice().split_at(m * r);
        let (dy, dz) = (Mat::new(dy, m, r), Mat::new(dz, n, r));
        // dR = dY Zᵀ + Y dZᵀ
        self.gemm.run(1.0, dy, z.t(), 0.0, self.dresid.as_mut_slice());
        self.gemm.run(1.0, y, dz.t(), 1.0, self.dresid.as_mut_slice());
        let (res, dres) = (Mat::new(self.resid.as_slice(), m, n), Mat::new(self.dresid.as_slice(), m, n));
        let (oy, oz) = out.as_mut_slice().split_at_mut(m * r);
        self.gemm.run(1.0, dres, z, 0.0, oy);
        self.gemm.run(1.0, res, dz, 1.0, oy);
        self.gemm.run(1.0, dres.t(), y, 0.0, oz);
        self.gemm.run(1.0, res.t(), dy, 1.0, oz);
        Ok(())
    }

    /// Alternating GD updates `Y` first, then `Z` with the new `Y` (Ward & Kolda).
    fn blocks(&self) -> Option<usize> {
        let (m, _, r) = self.shape();
        Some(m * r)
    }

    /// `σmax(Y) − σmax(Z)` and `‖Y‖²_F − ‖Z‖²_F`.
    fn balance(&self, theta: &DVector<f64>) -> Vec<(String, f64)> {
        let (y, z) = self.factors(theta);
        let smax = |a: &DMatrix<f64>| a.singular_values().max();
        vec![
            ("sigma_max(Y) - sigma_max(Z)".into(), smax(&y) - smax(&z)),
            ("|Y|_F^2 - |Z|_F^2".into(), y.norm_squared() - z.norm_squared()),
        ]
    }

    fn coordinate_names(&self) -> Vec<String> {
        let (m, n, r) = self.shape();
        let mut names = Vec::with_capacity(self.dim());
        for (label, rows) in [("Y", m), ("Z", n)] {
            for j in 0..r {
                for i in 0..rows {
                    names.push(format!("{label}[{i},{j}]"));
                }
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{Method, Schedule, Stepper};

    fn model_and_point() -> (MfModel, DVector<f64>) {
        let c = DMatrix::from_row_slice(3, 2, &[1.0, 0.5, -0.25, 2.0, 0.0, 1.5]);
        let m = MfModel::new(c, 2);
        let mut rng = Rng::new(3);
        let theta = m.random_init(&mut rng, 0.7);
        (m, theta)
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (mut m, theta) = model_and_point();
        let mut g = DVector::zeros(m.dim());
        m.gradient(&theta, &mut g).unwrap();
        let h = 1e-6;
        for i in 0..m.dim() {
            let (mut p, mut q) = (theta.clone(), theta.clone());
            p[i] += h;
            q[i] -= h;
            let fd = (m.loss(&p).unwrap() - m.loss(&q).unwrap()) / (2.0 * h);
            assert!((fd - g[i]).abs() < 1e-6, "coordinate {i}: {fd} vs {}", g[i]);
        }
    }

    #[test]
    fn hvp_matches_finite_differences_of_the_gradient() {
        let (mut m, theta) = model_and_point();
        let n = m.dim();
        let v = DVector::from_fn(n, |i, _| (i as f64 * 0.37).sin());
        let mut hv = DVector::zeros(n);
        m.hvp(&theta, &v, &mut hv).unwrap();
        let h = 1e-6;
        let (mut gp, mut gq) = (DVector::zeros(n), DVector::zeros(n));
        m.gradient(&(&theta + &v * h), &mut gp).unwrap();
        m.gradient(&(&theta - &v * h), &mut gq).unwrap();
        let fd = (gp - gq) / (2.0 * h);
        let err = (fd - &hv).norm();
        assert!(err < 1e-6, "{err}");
    }

    #[test]
    fn large_square_gradient_agrees_with_plain_formula() {
        // Sizes above nalgebra's small-matrix threshold exercise the strided gemm path.
        let d = 9;
        let c = DMatrix::from_fn(d, d, |i, j| ((i * 7 + j * 3) % 5) as f64 - 2.0);
        let mut m = MfModel::new(c.clone(), d);
        let theta = m.random_init(&mut Rng::new(11), 0.5);
        let mut g = DVector::zeros(m.dim());
        let loss = m.gradient(&theta, &mut g).unwrap();
        let (y, z) = m.factors(&theta);
        let r = &y * z.transpose() - &c;
        assert!((loss - 0.5 * r.norm_squared()).abs() < 1e-12);
        assert!((MfModel::pack(&(&r * &z), &(r.transpose() * &y)) - g).norm() < 1e-12);
    }

    /// Plain nalgebra formulas: `(loss, Y', Z')` of one GD step (alternating: `Y` first).
    fn reference_step(c: &DMatrix<f64>, y: &DMatrix<f64>, z: &DMatrix<f64>, lr: f64, alternating: bool) -> (f64, DMatrix<f64>, DMatrix<f64>) {
        let r = y * z.transpose() - c;
        let loss = 0.5 * r.iter().map(|x| x * x).sum::<f64>();
        if alternating {
            let y1 = y - (&r * z) * lr;
            let r1 = &y1 * z.transpose() - c;
            let z1 = z - (r1.transpose() * &y1) * lr;
            (loss, y1, z1)
        } else {
            (loss, y - (&r * z) * lr, z - (r.transpose() * y) * lr)
        }
    }

    fn rel(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
        (a - b).norm() / b.norm().max(f64::MIN_POSITIVE)
    }

    /// (m, n, r): square, rectangular, rank below the side, and sides on both sides of the
    /// small-kernel threshold and of its 8-row chunks.
    const SHAPES: [(usize, usize, usize); 10] = [(1, 1, 1), (8, 8, 8), (9, 9, 9), (64, 64, 64), (3, 5, 2), (8, 8, 3), (17, 9, 4), (40, 70, 33), (64, 64, 5), (1, 12, 1)];

    #[test]
    fn fused_gd_and_alternating_steps_agree_with_the_plain_formulas() {
        for (k, &(m, n, r)) in SHAPES.iter().enumerate() {
            let c = DMatrix::from_fn(m, n, |i, j| if i == j { 1.0 } else { ((i * 3 + j * 5 + k) % 7) as f64 / 7.0 - 0.4 });
            let mut model = MfModel::new(c.clone(), r);
            let theta = model.random_init(&mut Rng::new(k as u64 + 1), 0.3);
            let lr = 0.05;
            for (method, alternating) in [(Method::Gd, false), (Method::Agd, true)] {
                let (y, z) = model.factors(&theta);
                let (loss, y1, z1) = reference_step(&c, &y, &z, lr, alternating);
                let mut t = theta.clone();
                let got = Stepper::new(method, Schedule::Constant(lr), model.dim()).step(&mut model, &mut t, lr).unwrap();
                let (gy, gz) = model.factors(&t);
                assert!((got - loss).abs() <= 1e-12 * loss, "{m}x{n} rank {r} {method:?}: loss {got} vs {loss}");
                assert!(rel(&gy, &y1) <= 1e-12 && rel(&gz, &z1) <= 1e-12, "{m}x{n} rank {r} {method:?}: {} {}", rel(&gy, &y1), rel(&gz, &z1));
            }
            // The gradient and Hessian-vector product through the same kernels.
            let (y, z) = model.factors(&theta);
            let res = &y * z.transpose() - &c;
            let mut g = DVector::zeros(model.dim());
            model.gradient(&theta, &mut g).unwrap();
            let want = MfModel::pack(&(&res * &z), &(res.transpose() * &y));
            assert!((&g - &want).norm() <= 1e-12 * want.norm(), "{m}x{n} rank {r}: gradient");
            let v = DVector::from_fn(model.dim(), |i, _| (i as f64 * 0.37).sin());
            let (dy, dz) = model.factors(&v);
            let dres = &dy * z.transpose() + &y * dz.transpose();
            let want = MfModel::pack(&(&dres * &z + &res * &dz), &(dres.transpose() * &y + res.transpose() * &dy));
            let mut hv = DVector::zeros(model.dim());
            model.hvp(&theta, &v, &mut hv).unwrap();
            assert!((&hv - &want).norm() <= 1e-12 * want.norm(), "{m}x{n} rank {r}: hvp");
        }
    }
}
