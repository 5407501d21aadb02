//! The [`Model`] trait the simulator is generic over: a loss on a parameter vector
//! `θ ∈ R^n` with its gradient and Hessian-vector products, all in f64.
//!
//! Guarantee: none beyond IEEE floating point — a model is a cross-check, never a certificate.

use nalgebra::{DMatrix, DVector};
use std::fmt;

/// Why a simulation step could not be computed (a domain error of the loss, say).
#[derive(Clone, Debug, PartialEq)]
pub struct SimError(pub String);

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SimError {}

pub type SimResult<T> = Result<T, SimError>;

/// A differentiable loss on `R^n`, evaluated in f64.
///
/// Methods take `&mut self` so implementations can keep preallocated work buffers; none of
/// them may change what the model computes.
pub trait Model: Send {
    /// The number of parameters `n`.
    fn dim(&self) -> usize;

    /// The loss at `theta`.
    fn loss(&mut self, theta: &DVector<f64>) -> SimResult<f64>;

    /// Writes the gradient at `theta` into `grad` and returns the loss there.
    fn gradient(&mut self, theta: &DVector<f64>, grad: &mut DVector<f64>) -> SimResult<f64>;

    /// Writes the Hessian-vector product `H(theta) v` into `out`.
    fn hvp(&mut self, theta: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<()>;

    /// The full Hessian at `theta` (default: one Hessian-vector product per column).
    fn hessian(&mut self, theta: &DVector<f64>) -> SimResult<DMatrix<f64>> {
        let n = self.dim();
        let mut h = DMatrix::zeros(n, n);
        let mut e = DVector::zeros(n);
        let mut col = DVector::zeros(n);
        for j in 0..n {
            e[j] = 1.0;
            self.hvp(theta, &e, &mut col)?;
            h.set_column(j, &col);
            e[j] = 0.0;
        }
        // Symmetrise away rounding differences between H e_j and e_j^T H.
        Ok((&h + h.transpose()) * 0.5)
    }

    /// One GD step (`alternating`: one alternating GD step over [`Model::blocks`]) with rate
    /// `lr`, in place, by the model's own fused kernel; returns the loss at the point the step
    /// left. `None` (the default) means the model has none and the stepper takes the gradient
    /// and the update itself. A fused step computes the same map as gradient-then-update, up to
    /// floating-point reassociation.
    fn fused_step(&mut self, _theta: &mut DVector<f64>, _lr: f64, _alternating: bool) -> Option<SimResult<f64>> {
        None
    }

    /// Where the parameter vector splits into the two blocks alternating GD updates in turn
    /// (block 0 is `θ[..split]`), if the model has such blocks.
    fn blocks(&self) -> Option<usize> {
        None
    }

    /// Named balance measures at `theta` (e.g. `|x - y|`, `σmax(Y) − σmax(Z)`).
    fn balance(&self, _theta: &DVector<f64>) -> Vec<(String, f64)> {
        vec![]
    }

    /// Names of the coordinates, for output.
    fn coordinate_names(&self) -> Vec<String> {
        (0..self.dim()).map(|i| format!("theta{i}")).collect()
    }
}
