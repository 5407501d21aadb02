//! The discrete dynamics: gradient descent and alternating gradient descent with a learning-rate
//! schedule, run for a number of steps while the last `tail` iterates are kept for
//! classification; and the tangent map of one step (for Lyapunov exponents).
//!
//! The step loop allocates nothing: the gradient goes into one preallocated vector, the update
//! is an in-place `axpy` (or the model's own fused step), and the tail is a ring of
//! preallocated vectors.
//!
//! Guarantee: plain floating point; a cross-check, never a certificate.

use super::model::{Model, SimError, SimResult};
use nalgebra::DVector;

/// Which dynamics to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `θ ← θ − η ∇f(θ)`.
    Gd,
    /// Alternating GD: the first block, then the second with the new first (Ward & Kolda).
    Agd,
    /// Gradient flow `θ' = −∇f(θ)`, sampled every `η` time units (see `flow.rs`).
    Flow,
}

impl Method {
    pub fn from_name(s: &str) -> Option<Method> {
        match s {
            "gd" => Some(Method::Gd),
            "agd" => Some(Method::Agd),
            "flow" => Some(Method::Flow),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Method::Gd => "gd",
            Method::Agd => "agd",
            Method::Flow => "flow",
        }
    }
}

/// A learning-rate schedule `t ↦ η_t` (steps counted from 0).
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    Constant(f64),
    /// `η · γ^⌊t / every⌋`.
    Step { lr: f64, gamma: f64, every: usize },
    /// `η · min(1, (t + 1) / steps)`: linear warm-up to `η`.
    Warmup { lr: f64, steps: usize },
}

impl Schedule {
    /// The learning rate of step `t`.
    pub fn lr(&self, t: usize) -> f64 {
        match *self {
            Schedule::Constant(lr) => lr,
            Schedule::Step { lr, gamma, every } => lr * gamma.powi(i32::try_from(t / every.max(1)).unwrap_or(i32::MAX)),
            Schedule::Warmup { lr, steps } => lr * (((t + 1) as f64) / steps.max(1) as f64).min(1.0),
        }
    }

    /// The base learning rate `η`.
    pub fn base(&self) -> f64 {
        match *self {
            Schedule::Constant(lr) | Schedule::Step { lr, .. } | Schedule::Warmup { lr, .. } => lr,
        }
    }

    /// Parses `constant`, `step:EVERY:GAMMA` or `warmup:STEPS` around the base rate `lr`.
    pub fn parse(s: &str, lr: f64) -> Result<Schedule, String> {
        let parts: Vec<&str> = s.split(':').map(str::trim).collect();
        let int = |t: &str| t.parse::<usize>().ok().filter(|&n| n > 0);
        match parts.as_slice() {
            ["constant"] => Ok(Schedule::Constant(lr)),
            ["step", every, gamma] => match (int(every), gamma.parse::<f64>().ok().filter(|g| g.is_finite() && *g > 0.0)) {
                (Some(every), Some(gamma)) => Ok(Schedule::Step { lr, gamma, every }),
                _ => Err(format!("--schedule {s}: step:EVERY:GAMMA needs a positive integer and a positive factor")),
            },
            ["warmup", steps] => match int(steps) {
                Some(steps) => Ok(Schedule::Warmup { lr, steps }),
                None => Err(format!("--schedule {s}: warmup:STEPS needs a positive integer")),
            },
            _ => Err(format!("--schedule {s} is not one of constant, step:EVERY:GAMMA, warmup:STEPS")),
        }
    }
}

/// Iterates beyond this magnitude (or a non-finite loss) count as divergence.
pub const DIVERGENCE_BOUND: f64 = 1e100;

/// The last iterates of a run, oldest first, and how the run ended.
#[derive(Clone, Debug)]
pub struct Trajectory {
    /// The last iterates (at most `tail`), oldest first; `tail[k]` is iterate `first + k`.
    pub tail: Vec<DVector<f64>>,
    /// The learning rate of the step taken *from* each tail iterate.
    pub tail_lrs: Vec<f64>,
    /// The iterate number of `tail[0]`.
    pub first: usize,
    /// The number of steps taken.
    pub steps: usize,
    /// The loss at the last iterate (not finite if diverged).
    pub last_loss: f64,
    /// The step at which the run left every bound (or the loss's domain), and why.
    pub diverged: Option<(usize, String)>,
}

impl Trajectory {
    /// The last iterate.
    pub fn last(&self) -> Option<&DVector<f64>> {
        self.tail.last()
    }
}

/// Preallocated state of a discrete run.
pub struct Stepper {
    pub method: Method,
    pub schedule: Schedule,
    grad: DVector<f64>,
}

impl Stepper {
    pub fn new(method: Method, schedule: Schedule, dim: usize) -> Stepper {
        Stepper { method, schedule, grad: DVector::zeros(dim) }
    }

    /// One step in place with learning rate `lr`; returns the loss at the point the step left.
    /// A model's fused step ([`Model::fused_step`]) is taken when it has one.
    pub fn step<M: Model + ?Sized>(&mut self, model: &mut M, theta: &mut DVector<f64>, lr: f64) -> SimResult<f64> {
        if let Some(done) = model.fused_step(theta, lr, self.method == Method::Agd) {
            return done;
        }
        let loss = model.gradient(theta, &mut self.grad)?;
        match (self.method, model.blocks()) {
            (Method::Agd, Some(split)) => {
                let n = theta.len();
                theta.rows_mut(0, split).axpy(-lr, &self.grad.rows(0, split), 1.0);
                model.gradient(theta, &mut self.grad)?;
                theta.rows_mut(split, n - split).axpy(-lr, &self.grad.rows(split, n - split), 1.0);
            }
            (Method::Agd, None) => return Err(SimError("alternating GD needs a model with two blocks of parameters".into())),
            _ => theta.axpy(-lr, &self.grad, 1.0),
        }
        Ok(loss)
    }

    /// Runs `steps` steps from `theta0`, keeping the last `tail` iterates.
    pub fn run<M: Model + ?Sized>(&mut self, model: &mut M, theta0: &DVector<f64>, steps: usize, tail: usize) -> Trajectory {
        let tail = tail.clamp(1, steps + 1);
        let mut ring: Vec<DVector<f64>> = vec![DVector::zeros(theta0.len()); tail];
        let mut theta = theta0.clone();
        let mut diverged = None;
        let mut last_loss = f64::NAN;
        let mut done = 0;
        // Iterate t is stored at ring[t % tail] once t >= steps + 1 - tail.
        let keep_from = steps + 1 - tail;
        for t in 0..=steps {
            if t >= keep_from {
                ring[t % tail].copy_from(&theta);
            }
            if t == steps {
                match model.loss(&theta) {
                    Ok(l) => last_loss = l,
                    Err(e) => diverged = Some((t, format!("left the domain of the loss: {e}"))),
                }
                break;
            }
            match self.step(model, &mut theta, self.schedule.lr(t)) {
                Ok(l) if l.is_finite() && l.abs() < DIVERGENCE_BOUND => {}
                Ok(l) => {
                    diverged = Some((t, format!("the loss reached {l:e}")));
                    last_loss = l;
                    break;
                }
                Err(e) => {
                    diverged = Some((t, format!("left the domain of the loss: {e}")));
                    break;
                }
            }
            done = t + 1;
            if (t % 64 == 63 || t + 1 == steps) && !bounded(&theta) {
                diverged = Some((t + 1, format!("an iterate exceeded {DIVERGENCE_BOUND:e} in magnitude")));
                break;
            }
        }
        if diverged.is_some() {
            return Trajectory { tail: vec![theta], tail_lrs: vec![], first: done, steps: done, last_loss, diverged };
        }
        let first = keep_from;
        let tail_vec: Vec<DVector<f64>> = (first..=steps).map(|t| std::mem::take(&mut ring[t % tail])).collect();
        let tail_lrs = (first..=steps).map(|t| self.schedule.lr(t)).collect();
        Trajectory { tail: tail_vec, tail_lrs, first, steps, last_loss, diverged: None }
    }

    /// `DF(θ) v` for the step map with learning rate `lr`: `v − η H v` for GD; for alternating
    /// GD a central difference of the step map.
    pub fn tangent<M: Model + ?Sized>(&mut self, model: &mut M, theta: &DVector<f64>, v: &DVector<f64>, lr: f64) -> SimResult<DVector<f64>> {
        match self.method {
            Method::Agd => {
                let h = 1e-6 * (1.0 + theta.amax()) / v.norm().max(f64::MIN_POSITIVE);
                let (mut p, mut q) = (theta + v * h, theta - v * h);
                self.step(model, &mut p, lr)?;
                self.step(model, &mut q, lr)?;
                Ok((p - q) / (2.0 * h))
            }
            _ => {
                let mut hv = DVector::zeros(v.len());
                model.hvp(theta, v, &mut hv)?;
                Ok(v - hv * lr)
            }
        }
    }
}

/// Every coordinate finite and below [`DIVERGENCE_BOUND`] in magnitude.
pub fn bounded(theta: &DVector<f64>) -> bool {
    theta.iter().all(|x| x.is_finite() && x.abs() < DIVERGENCE_BOUND)
}
