//! Expression losses as simulator models: value, gradient and Hessian come from the crate's one
//! derivative engine ([`crate::eval::grad_hess`]) instantiated with the f64 scalar.
//!
//! Guarantee: plain floating point (see [`crate::scalar`]); a cross-check, never a certificate.
//! The last jet is cached, so a gradient followed by Hessian-vector products at the same point
//! evaluates the expression once.

use super::model::{Model, SimError, SimResult};
use crate::eval::grad_hess;
use crate::expr::Loss;
use crate::jet::{packed, Jet};
use nalgebra::DVector;

/// A loss expression in its variables, in the loss's variable order.
pub struct ExprModel {
    loss: Loss,
    /// The point of the cached jet and the jet (value, gradient, packed Hessian).
    cache: Option<(Vec<f64>, Jet<f64>)>,
}

impl ExprModel {
    pub fn new(loss: Loss) -> ExprModel {
        ExprModel { loss, cache: None }
    }

    /// The loss expression.
    pub fn loss_expr(&self) -> &Loss {
        &self.loss
    }

    /// The jet at `theta`, from the cache when `theta` is the cached point.
    fn jet(&mut self, theta: &DVector<f64>) -> SimResult<&Jet<f64>> {
        let hit = matches!(&self.cache, Some((p, _)) if p.as_slice() == theta.as_slice());
        if !hit {
            let jet = grad_hess::<f64>(&self.loss, theta.as_slice(), &())
                .map_err(|e| SimError(format!("the loss cannot be evaluated at {:?}: {e}", theta.as_slice())))?;
            match &mut self.cache {
                Some((p, j)) => {
                    p.clear();
                    p.extend_from_slice(theta.as_slice());
                    *j = jet;
                }
                None => self.cache = Some((theta.as_slice().to_vec(), jet)),
            }
        }
        Ok(&self.cache.as_ref().expect("the cache was just filled").1)
    }
}

impl Model for ExprModel {
    fn dim(&self) -> usize {
        self.loss.vars.len()
    }

    fn loss(&mut self, theta: &DVector<f64>) -> SimResult<f64> {
        Ok(self.jet(theta)?.v)
    }

    fn gradient(&mut self, theta: &DVector<f64>, grad: &mut DVector<f64>) -> SimResult<f64> {
        let j = self.jet(theta)?;
        grad.as_mut_slice().copy_from_slice(&j.g);
        Ok(j.v)
    }

    fn hvp(&mut self, theta: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<()> {
        let n = theta.len();
        let j = self.jet(theta)?;
        for i in 0..n {
            out[i] = (0..n).map(|k| j.h[packed(n, i, k)] * v[k]).sum();
        }
        Ok(())
    }

    /// Two blocks, the first half of the variables and the rest (`x` then `y` for two).
    fn blocks(&self) -> Option<usize> {
        let n = self.dim();
        (n >= 2).then_some(n / 2)
    }

    /// `|x − y|` for a loss of two variables (the imbalance of product losses `(xy − μ)²/2`).
    fn balance(&self, theta: &DVector<f64>) -> Vec<(String, f64)> {
        match self.loss.vars.as_slice() {
            [a, b] => vec![(format!("|{a} - {b}|"), (theta[0] - theta[1]).abs())],
            _ => vec![],
        }
    }

    fn coordinate_names(&self) -> Vec<String> {
        self.loss.vars.clone()
    }
}
