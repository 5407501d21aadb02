//! Matrix factorisation `f(Y, Z) = ‖Y Zᵀ − C‖²_F / 2` (Chen & Bruna §5, Ward & Kolda, Ye & Du),
//! with `Y ∈ R^{m×r}`, `Z ∈ R^{n×r}`, `C ∈ R^{m×n}`, in f64 with nalgebra.
//!
//! The parameter vector is `θ = [vec(Y); vec(Z)]` (column-major). With `R = Y Zᵀ − C` the
//! gradient is `(R Z, Rᵀ Y)` and the Hessian-vector product along `(dY, dZ)` is
//! `(dR Z + R dZ, dRᵀ Y + Rᵀ dY)` with `dR = dY Zᵀ + Y dZᵀ`. Every product is one
//! `matrixmultiply::dgemm` (the kernel nalgebra itself uses) into a preallocated buffer on
//! (possibly transposed) strided views of `θ`, so a gradient evaluation — and hence one GD
//! step — allocates nothing.
//!
//! Guarantee: plain floating point; a cross-check, never a certificate.

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
}

/// A read-only strided matrix in a slice: element `(i, j)` is `data[i·rs + j·cs]`.
#[derive(Clone, Copy)]
struct Mat<'a> {
    data: &'a [f64],
    rows: usize,
    cols: usize,
    rs: usize,
    cs: usize,
}

impl<'a> Mat<'a> {
    /// A column-major `rows × cols` matrix.
    fn new(data: &'a [f64], rows: usize, cols: usize) -> Mat<'a> {
        Mat { data, rows, cols, rs: 1, cs: rows }
    }
    /// Its transpose, without copying.
    fn t(self) -> Mat<'a> {
        Mat { data: self.data, rows: self.cols, cols: self.rows, rs: self.cs, cs: self.rs }
    }
    /// Every element index lies inside `data`.
    fn in_bounds(&self) -> bool {
        self.rows == 0 || self.cols == 0 || (self.rows - 1) * self.rs + (self.cols - 1) * self.cs < self.data.len()
    }
}

/// `c ← α a b + β c` for a column-major `c` (`a.rows × b.cols`), by `matrixmultiply::dgemm`.
///
/// nalgebra's own `gemm` is not used: for matrices with a side of at most 5 it falls back to
/// `axcpy`, which in nalgebra 0.33.3 writes out of bounds when a column of `a` has a stride
/// other than 1 (a transposed view), corrupting the heap.
fn gemm(alpha: f64, a: Mat<'_>, b: Mat<'_>, beta: f64, c: &mut [f64]) {
    assert!(a.cols == b.rows && a.in_bounds() && b.in_bounds() && c.len() == a.rows * b.cols, "gemm: shapes do not match");
    if a.rows == 0 || b.cols == 0 {
        return;
    }
    if a.cols == 0 {
        c.iter_mut().for_each(|x| *x *= beta);
        return;
    }
    // SAFETY: the assertion above keeps every index of a, b (strides rs, cs) and c (column-major,
    // a.rows × b.cols) inside its slice, and c is borrowed mutably, so it aliases neither a nor b.
    unsafe {
        matrixmultiply::dgemm(
            a.rows,
            a.cols,
            b.cols,
            alpha,
            a.data.as_ptr(),
            a.rs as isize,
            a.cs as isize,
            b.data.as_ptr(),
            b.rs as isize,
            b.cs as isize,
            beta,
            c.as_mut_ptr(),
            1,
            a.rows as isize,
        );
    }
}

impl MfModel {
    /// The model for target `c` and rank `rank` (at least 1).
    pub fn new(c: DMatrix<f64>, rank: usize) -> MfModel {
        let (m, n) = c.shape();
        MfModel { c, rank: rank.max(1), resid: DMatrix::zeros(m, n), dresid: DMatrix::zeros(m, n) }
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
        self.resid.copy_from(&self.c);
        gemm(1.0, Mat::new(ys, m, r), Mat::new(zs, n, r).t(), -1.0, self.resid.as_mut_slice());
        0.5 * self.resid.norm_squared()
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
        gemm(1.0, res, z, 0.0, gy);
        gemm(1.0, res.t(), y, 0.0, gz);
        Ok(loss)
    }

    fn hvp(&mut self, theta: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<()> {
        let (m, n, r) = self.shape();
        self.residual(theta.as_slice());
        let (y, z) = theta.as_slice().split_at(m * r);
        let (y, z) = (Mat::new(y, m, r), Mat::new(z, n, r));
        let (dy, dz) = v.as_slice().split_at(m * r);
        let (dy, dz) = (Mat::new(dy, m, r), Mat::new(dz, n, r));
        // dR = dY Zᵀ + Y dZᵀ
        gemm(1.0, dy, z.t(), 0.0, self.dresid.as_mut_slice());
        gemm(1.0, y, dz.t(), 1.0, self.dresid.as_mut_slice());
        let (res, dres) = (Mat::new(self.resid.as_slice(), m, n), Mat::new(self.dresid.as_slice(), m, n));
        let (oy, oz) = out.as_mut_slice().split_at_mut(m * r);
        gemm(1.0, dres, z, 0.0, oy);
        gemm(1.0, res, dz, 1.0, oy);
        gemm(1.0, dres.t(), y, 0.0, oz);
        gemm(1.0, res.t(), dy, 1.0, oz);
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
}
