//! One-variable expression losses as simulator models, through the crate's Taylor engine
//! ([`crate::eval::taylor_1d`]) of order 1 for the gradient and order 2 for the curvature.
//! A GD step costs about a third of [`super::ExprModel`]'s (no Hessian is formed), which
//! matters for sweeps of many short runs such as the bifurcation diagrams of `report.html`.
//!
//! Guarantee: plain floating point, the same values as [`super::ExprModel`] up to rounding; a
//! cross-check, never a certificate.

use super::model::{Model, SimError, SimResult};
use crate::eval::taylor_1d;
use crate::expr::Loss;
use nalgebra::DVector;

/// A loss of one variable.
pub struct ExprModel1d {
    loss: Loss,
}

impl ExprModel1d {
    /// `None` unless the loss has exactly one variable.
    pub fn new(loss: Loss) -> Option<ExprModel1d> {
        (loss.vars.len() == 1).then_some(ExprModel1d { loss })
    }

    /// The Taylor coefficients `f(x), f'(x), ...` to `order`.
    fn series(&self, x: f64, order: usize) -> SimResult<Vec<f64>> {
        taylor_1d::<f64>(&self.loss, &x, order).map(|s| s.c).map_err(|e| SimError(format!("the loss cannot be evaluated at {x}: {e}")))
    }
}

impl Model for ExprModel1d {
    fn dim(&self) -> usize {
        1
    }

    fn loss(&mut self, theta: &DVector<f64>) -> SimResult<f64> {
        Ok(self.series(theta[0], 0)?[0])
    }

    fn gradient(&mut self, theta: &DVector<f64>, grad: &mut DVector<f64>) -> SimResult<f64> {
        let c = self.series(theta[0], 1)?;
        grad[0] = c[1];
        Ok(c[0])
    }

    fn hvp(&mut self, theta: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<()> {
        // The Taylor coefficient of order 2 is f''/2.
        out[0] = 2.0 * self.series(theta[0], 2)?[2] * v[0];
        Ok(())
    }

    fn coordinate_names(&self) -> Vec<String> {
        self.loss.vars.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::ExprModel;

    #[test]
    fn agrees_with_the_expression_model() {
        let loss = crate::verbs::input::parse_loss("(x^2 - 1)^2/4 + sin(x)/10", &[], None).unwrap();
        let (mut a, mut b) = (ExprModel1d::new(loss.clone()).unwrap(), ExprModel::new(loss));
        let (mut ga, mut gb, mut ha, mut hb) = (DVector::zeros(1), DVector::zeros(1), DVector::zeros(1), DVector::zeros(1));
        for x in [-1.3, 0.0, 0.7, 2.5] {
            let t = DVector::from_element(1, x);
            let (la, lb) = (a.gradient(&t, &mut ga).unwrap(), b.gradient(&t, &mut gb).unwrap());
            a.hvp(&t, &DVector::from_element(1, 1.0), &mut ha).unwrap();
            b.hvp(&t, &DVector::from_element(1, 1.0), &mut hb).unwrap();
            assert!((la - lb).abs() < 1e-12 && (ga[0] - gb[0]).abs() < 1e-12 && (ha[0] - hb[0]).abs() < 1e-12, "at {x}");
        }
        let two = crate::verbs::input::parse_loss("x*y", &[], None).unwrap();
        assert!(ExprModel1d::new(two).is_none());
    }
}
