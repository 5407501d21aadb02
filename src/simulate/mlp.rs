//! A small multi-layer perceptron with squared loss on a seeded synthetic dataset.
//!
//! Widths `[d_0, d_1, …, d_L]`: `a_0 = x`, `a_l = tanh(W_l a_{l−1})` for `l < L`, output
//! `a_L = W_L a_{L−1}` (linear), no biases; loss `L = (1/(2N)) Σ_j ‖a_L(x_j) − y_j‖²`. The
//! parameter vector is `[vec(W_1); …; vec(W_L)]` (column-major, `W_l ∈ R^{d_l × d_{l−1}}`).
//!
//! Choices (no paper fixes them): tanh, so the Hessian is smooth and the Hessian-vector product
//! (Pearlmutter's R-operator, forward-over-reverse, exact) can be checked against finite
//! differences; inputs `x_j ~ N(0, I)`; targets from a teacher of the same widths with weights
//! `N(0, 1/d_{l−1})`, plus nothing else; all drawn from the seed.
//!
//! Guarantee: plain floating point; a cross-check, never a certificate.

use super::model::{Model, SimError, SimResult};
use super::rng::Rng;
use nalgebra::{DMatrix, DMatrixView, DVector};

/// The MLP loss with its data.
pub struct Mlp {
    widths: Vec<usize>,
    /// Inputs `d_0 × N`, targets `d_L × N`.
    x: DMatrix<f64>,
    y: DMatrix<f64>,
}

/// The offsets of every `W_l` in `θ`, and the total length.
fn offsets(widths: &[usize]) -> (Vec<usize>, usize) {
    let mut off = vec![];
    let mut n = 0;
    for l in 1..widths.len() {
        off.push(n);
        n += widths[l] * widths[l - 1];
    }
    (off, n)
}

/// `tanh` on every hidden layer, identity on the output.
fn forward(widths: &[usize], theta: &[f64], x: &DMatrix<f64>) -> (Vec<DMatrix<f64>>, Vec<DMatrix<f64>>) {
    let (off, _) = offsets(widths);
    let layers = widths.len() - 1;
    let mut acts = vec![x.clone()];
    let mut pre = vec![];
    for l in 0..layers {
        let w = DMatrixView::from_slice(&theta[off[l]..off[l] + widths[l + 1] * widths[l]], widths[l + 1], widths[l]);
        let z = w * &acts[l];
        let a = if l + 1 < layers { z.map(f64::tanh) } else { z.clone() };
        pre.push(z);
        acts.push(a);
    }
    (pre, acts)
}

/// A start for `widths` with `W_l ~ scale · N(0, 1/d_{l−1})`.
pub fn init(widths: &[usize], rng: &mut Rng, scale: f64) -> DVector<f64> {
    let (off, len) = offsets(widths);
    let mut t = DVector::zeros(len);
    for l in 0..widths.len().saturating_sub(1) {
        let s = scale / (widths[l] as f64).sqrt();
        for i in off[l]..off[l] + widths[l + 1] * widths[l] {
            t[i] = s * rng.normal();
        }
    }
    t
}

impl Mlp {
    /// Whether `widths` describe an MLP: at least two widths, all positive.
    pub fn check_widths(widths: &[usize]) -> Result<(), String> {
        if widths.len() < 2 || widths.contains(&0) {
            return Err("an MLP needs at least two widths (input and output), all positive".into());
        }
        Ok(())
    }

    /// An MLP of `widths` on `n` seeded points (widths failing [`Mlp::check_widths`] are
    /// repaired: zeros become 1, a missing output layer becomes width 1).
    pub fn new(widths: &[usize], n: usize, seed: u64) -> Mlp {
        let mut widths: Vec<usize> = widths.iter().map(|&w| w.max(1)).collect();
        while widths.len() < 2 {
            widths.push(1);
        }
        let widths = &widths[..];
        let n = n.max(1);
        let mut rng = Rng::new(seed);
        let x = DMatrix::from_fn(widths[0], n, |_, _| rng.normal());
        let (off, len) = offsets(widths);
        let mut teacher = vec![0.0; len];
        for l in 0..widths.len() - 1 {
            let s = 1.0 / (widths[l] as f64).sqrt();
            for t in teacher[off[l]..off[l] + widths[l + 1] * widths[l]].iter_mut() {
                *t = s * rng.normal();
            }
        }
        let (_, acts) = forward(widths, &teacher, &x);
        let y = acts.last().cloned().unwrap_or_else(|| DMatrix::zeros(0, 0));
        Mlp { widths: widths.to_vec(), x, y }
    }

    pub fn widths(&self) -> &[usize] {
        &self.widths
    }

    /// The one code path: loss, gradient (if `grad`) and Hessian-vector product (if `hv`).
    fn eval(&self, theta: &[f64], grad: Option<&mut [f64]>, hv: Option<(&[f64], &mut [f64])>) -> SimResult<f64> {
        if theta.iter().any(|t| !t.is_finite()) {
            return Err(SimError("the parameters are not finite".into()));
        }
        let w = &self.widths;
        let layers = w.len() - 1;
        let (off, _) = offsets(w);
        let n = self.x.ncols() as f64;
        let wmat = |p: &'_ [f64], l: usize| DMatrixView::from_slice(&p[off[l]..off[l] + w[l + 1] * w[l]], w[l + 1], w[l]).into_owned();
        let (pre, acts) = forward(w, theta, &self.x);
        let diff = &acts[layers] - &self.y;
        let loss = 0.5 * diff.norm_squared() / n;
        if grad.is_none() && hv.is_none() {
            return Ok(loss);
        }
        let dphi = |z: &DMatrix<f64>| z.map(|z| 1.0 - z.tanh().powi(2));
        let ddphi = |z: &DMatrix<f64>| {
            z.map(|z| {
                let t = z.tanh();
                -2.0 * t * (1.0 - t * t)
            })
        };
        // R-forward: R(a_l), R(z_l) along the direction (if any).
        let dir: Option<&[f64]> = hv.as_ref().map(|(d, _)| *d);
        let mut ra = vec![DMatrix::zeros(w[0], self.x.ncols())];
        let mut rz = vec![];
        if let Some(dp) = dir {
            for l in 0..layers {
                let z = wmat(dp, l) * &acts[l] + wmat(theta, l) * &ra[l];
                let a = if l + 1 < layers { dphi(&pre[l]).component_mul(&z) } else { z.clone() };
                rz.push(z);
                ra.push(a);
            }
        }
        // Backward (and R-backward).
        let mut delta = diff / n;
        let mut rdelta = if dir.is_some() { ra[layers].clone() / n } else { DMatrix::zeros(0, 0) };
        let mut g = vec![0.0; theta.len()];
        let mut hvec = vec![0.0; theta.len()];
        for l in (0..layers).rev() {
            let gw = &delta * acts[l].transpose();
            g[off[l]..off[l] + gw.len()].copy_from_slice(gw.as_slice());
            if let Some(dp) = dir {
                let rgw = &rdelta * acts[l].transpose() + &delta * ra[l].transpose();
                hvec[off[l]..off[l] + rgw.len()].copy_from_slice(rgw.as_slice());
                if l > 0 {
                    let e = wmat(theta, l).transpose() * &delta;
                    let re = wmat(dp, l).transpose() * &delta + wmat(theta, l).transpose() * &rdelta;
                    rdelta = re.component_mul(&dphi(&pre[l - 1])) + e.component_mul(&ddphi(&pre[l - 1])).component_mul(&rz[l - 1]);
                    delta = e.component_mul(&dphi(&pre[l - 1]));
                }
            } else if l > 0 {
                delta = (wmat(theta, l).transpose() * &delta).component_mul(&dphi(&pre[l - 1]));
            }
        }
        if let Some(gr) = grad {
            gr.copy_from_slice(&g);
        }
        if let Some((_, out)) = hv {
            out.copy_from_slice(&hvec);
        }
        Ok(loss)
    }
}

impl Model for Mlp {
    fn dim(&self) -> usize {
        offsets(&self.widths).1
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

    /// `‖W_{l+1}‖²_F − ‖W_l‖²_F` for every pair of consecutive layers (Du, Hu & Lee).
    fn balance(&self, theta: &DVector<f64>) -> Vec<(String, f64)> {
        let (off, len) = offsets(&self.widths);
        let norm2 = |l: usize| {
            let end = off.get(l + 1).copied().unwrap_or(len);
            theta.rows(off[l], end - off[l]).norm_squared()
        };
        (0..off.len().saturating_sub(1)).map(|l| (format!("|W{}|^2 - |W{}|^2", l + 2, l + 1), norm2(l + 1) - norm2(l))).collect()
    }

    fn coordinate_names(&self) -> Vec<String> {
        let mut names = vec![];
        for l in 1..self.widths.len() {
            for j in 0..self.widths[l - 1] {
                for i in 0..self.widths[l] {
                    names.push(format!("W{l}[{i},{j}]"));
                }
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{check_gradient, check_hvp};
    use super::*;

    #[test]
    fn gradient_and_hvp_match_finite_differences() {
        for widths in [vec![3, 1], vec![4, 5, 2], vec![3, 4, 3, 1]] {
            let mut m = Mlp::new(&widths, 20, 7);
            let theta = init(&widths, &mut Rng::new(1), 1.0);
            check_gradient(&mut m, &theta, 1e-6);
            check_hvp(&mut m, &theta, 1e-6);
        }
    }

    #[test]
    fn bad_widths_are_rejected() {
        assert!(Mlp::check_widths(&[3]).is_err());
        assert!(Mlp::check_widths(&[3, 0, 1]).is_err());
        assert!(Mlp::check_widths(&[3, 2, 1]).is_ok());
    }
}
