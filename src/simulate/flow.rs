//! Gradient flow `θ' = −∇f(θ)` by the adaptive Dormand–Prince 5(4) Runge–Kutta pair (error
//! per step controlled on the mixed absolute/relative norm, fifth-order solution propagated,
//! first-same-as-last), sampled at the times `k · dt`.
//!
//! Guarantee: plain floating point with a local error tolerance, no global bound; a
//! cross-check, never a certificate.

use super::dynamics::{bounded, Trajectory, DIVERGENCE_BOUND};
use super::model::{Model, SimError, SimResult};
use nalgebra::DVector;

// The Dormand–Prince tableau (the field is autonomous, so the nodes c_i are not needed).
const A: [&[f64]; 7] = [
    &[],
    &[1.0 / 5.0],
    &[3.0 / 40.0, 9.0 / 40.0],
    &[44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0],
    &[19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0],
    &[9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0],
    &[35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
];
/// Fifth-order weights minus fourth-order weights: the error estimate.
const E: [f64; 7] = [
    71.0 / 57600.0,
    0.0,
    -71.0 / 16695.0,
    71.0 / 1920.0,
    -17253.0 / 339200.0,
    22.0 / 525.0,
    -1.0 / 40.0,
];

/// Tolerances and limits of the integrator.
#[derive(Clone, Copy, Debug)]
pub struct FlowOptions {
    pub rtol: f64,
    pub atol: f64,
    /// Give up (as divergence) after this many accepted plus rejected steps.
    pub max_steps: usize,
}

impl Default for FlowOptions {
    fn default() -> Self {
        FlowOptions { rtol: 1e-10, atol: 1e-12, max_steps: 10_000_000 }
    }
}

/// The integrator's buffers.
pub struct Flow {
    k: [DVector<f64>; 7],
    stage: DVector<f64>,
    next: DVector<f64>,
    opts: FlowOptions,
    /// The current step size (kept between calls).
    h: f64,
    /// Steps attempted so far.
    pub attempts: usize,
}

impl Flow {
    pub fn new(dim: usize, opts: FlowOptions) -> Flow {
        let z = || DVector::zeros(dim);
        Flow { k: [z(), z(), z(), z(), z(), z(), z()], stage: z(), next: z(), opts, h: 0.0, attempts: 0 }
    }

    /// `out ← −∇f(θ)`; returns the loss.
    fn field<M: Model + ?Sized>(model: &mut M, theta: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<f64> {
        let l = model.gradient(theta, out)?;
        out.neg_mut();
        Ok(l)
    }

    /// Advances `theta` by time `span` (> 0). `self.k[0]` must hold the field at `theta`.
    fn advance<M: Model + ?Sized>(&mut self, model: &mut M, theta: &mut DVector<f64>, span: f64) -> SimResult<()> {
        let mut t = 0.0;
        if self.h <= 0.0 {
            self.h = (0.01 * (1.0 + theta.norm()) / self.k[0].norm().max(1e-300)).min(span);
        }
        while t < span {
            if self.attempts >= self.opts.max_steps {
                return Err(SimError(format!("gradient flow needed more than {} steps", self.opts.max_steps)));
            }
            self.attempts += 1;
            let h = self.h.min(span - t);
            for s in 1..7 {
                self.stage.copy_from(theta);
                for (j, a) in A[s].iter().enumerate() {
                    if *a != 0.0 {
                        self.stage.axpy(h * a, &self.k[j], 1.0);
                    }
                }
                Flow::field(model, &self.stage, &mut self.k[s])?;
            }
            // The fifth-order solution is the last stage's point (FSAL).
            self.next.copy_from(&self.stage);
            let mut err = 0.0;
            for i in 0..theta.len() {
                let e: f64 = (0..7).map(|j| E[j] * self.k[j][i]).sum::<f64>() * h;
                let sc = self.opts.atol + self.opts.rtol * theta[i].abs().max(self.next[i].abs());
                err += (e / sc).powi(2);
            }
            let err = (err / theta.len().max(1) as f64).sqrt();
            if !err.is_finite() {
                self.h *= 0.1;
                if self.h < 1e-300 {
                    return Err(SimError("gradient flow: the step size underflowed".into()));
                }
                continue;
            }
            if err <= 1.0 {
                t += h;
                theta.copy_from(&self.next);
                self.k.swap(0, 6);
                if !bounded(theta) {
                    return Err(SimError(format!("an iterate exceeded {DIVERGENCE_BOUND:e} in magnitude")));
                }
            }
            let factor = if err == 0.0 { 5.0 } else { (0.9 * err.powf(-0.2)).clamp(0.2, 5.0) };
            self.h = h * factor;
        }
        Ok(())
    }

    /// Integrates from `theta0` up to time `steps · dt`, keeping the samples at the last `tail`
    /// multiples of `dt`.
    pub fn run<M: Model + ?Sized>(&mut self, model: &mut M, theta0: &DVector<f64>, dt: f64, steps: usize, tail: usize) -> Trajectory {
        let tail = tail.clamp(1, steps + 1);
        let keep_from = steps + 1 - tail;
        let mut theta = theta0.clone();
        let mut kept = Vec::with_capacity(tail);
        let fail = |t: usize, theta: DVector<f64>, why: String| Trajectory {
            tail: vec![theta],
            tail_lrs: vec![],
            first: t,
            steps: t,
            last_loss: f64::NAN,
            diverged: Some((t, why)),
        };
        let mut k0 = std::mem::take(&mut self.k[0]);
        if let Err(e) = Flow::field(model, &theta, &mut k0) {
            return fail(0, theta, format!("left the domain of the loss: {e}"));
        }
        self.k[0] = k0;
        for t in 0..=steps {
            if t >= keep_from {
                kept.push(theta.clone());
            }
            if t == steps {
                break;
            }
            if let Err(e) = self.advance(model, &mut theta, dt) {
                return fail(t, theta, e.0);
            }
        }
        let last_loss = model.loss(&theta).unwrap_or(f64::NAN);
        Trajectory { tail: kept, tail_lrs: vec![dt; tail], first: keep_from, steps, last_loss, diverged: None }
    }
}
