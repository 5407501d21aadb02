//! The floating-point GD simulator: gradient descent, alternating GD and gradient flow on a
//! [`Model`] (an expression loss through the f64 derivative engine, or matrix factorisation
//! with nalgebra), with learning-rate schedules, seeded randomness, classification of the tail
//! (converged / periodic / quasi-periodic / chaotic / diverged), sharpness against `2/η`,
//! balance measures, and sweeps over `η`.
//!
//! **This is the one place in the crate that computes with f64.** Every number it produces is an
//! ordinary floating-point observation with the tolerance it was judged at: a cross-check beside
//! the certified engines, never a certificate and never the ground for a PASS.
//!
//! Determinism: all randomness comes from [`rng::Rng`] seeded by the caller, and sweeps write
//! each result to its own slot, so equal inputs give bit-identical outputs.

pub mod classify;
pub mod companion;
pub mod companion_flow;
pub mod du_hu_lee;
pub mod dense;
pub mod dynamics;
pub mod expr_model;
pub mod flow;
pub mod experiments;
pub mod expr1d;
pub mod mf;
pub mod mlp;
pub mod model;
pub mod neuron;
pub mod rng;
pub mod sensitivity;
pub mod sharpness;
pub mod sweep;
pub mod teacher_student;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;

pub use classify::{Classification, ClassifyOptions, Outcome};
pub use dynamics::{Method, Schedule, Stepper, Trajectory};
pub use expr_model::ExprModel;
pub use flow::{Flow, FlowOptions};
pub use mf::MfModel;
pub use mlp::Mlp;
pub use neuron::{NeuronEmpirical, NeuronModel};
pub use teacher_student::TeacherStudent;
pub use model::{Model, SimError, SimResult};
pub use rng::Rng;

use nalgebra::DVector;
use serde::Serialize;

/// How to run a simulation.
#[derive(Clone, Debug)]
pub struct SimConfig {
    pub method: Method,
    pub schedule: Schedule,
    pub steps: usize,
    /// How many final iterates the classification looks at (at least `2 · max_period` to
    /// recognise every period).
    pub tail: usize,
    pub classify: ClassifyOptions,
    pub flow: FlowOptions,
    /// Compute the sharpness (top Hessian eigenvalue) at the end and at the orbit points.
    pub sharpness: bool,
}

impl SimConfig {
    /// GD with a constant learning rate and the default tolerances.
    pub fn gd(lr: f64, steps: usize) -> SimConfig {
        SimConfig {
            method: Method::Gd,
            schedule: Schedule::Constant(lr),
            steps,
            tail: 1024,
            classify: ClassifyOptions::default(),
            flow: FlowOptions::default(),
            sharpness: true,
        }
    }
}

/// Tail storage is capped at this many f64 values (the tail shrinks for large models).
pub const TAIL_BUDGET: usize = 1 << 24;

/// What a simulation found.
#[derive(Clone, Debug, Serialize)]
pub struct SimReport {
    #[serde(flatten)]
    pub class: Classification,
    pub method: &'static str,
    /// The learning rate of the last step (the base rate for constant schedules).
    pub lr: f64,
    pub steps: usize,
    /// The number of iterates the classification looked at.
    pub tail: usize,
    pub last_loss: f64,
    /// The last iterate.
    pub last: Vec<f64>,
    /// Top Hessian eigenvalue at the last iterate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharpness: Option<f64>,
    /// Smallest Hessian eigenvalue at the last iterate (negative: not a minimum).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_eigenvalue: Option<f64>,
    /// Top Hessian eigenvalue at each orbit point (periodic outcomes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub orbit_sharpness: Vec<f64>,
    /// `2/η` for the last step's learning rate (GD, AGD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_over_lr: Option<f64>,
    /// Balance measures at the start and at the last iterate.
    #[serde(serialize_with = "ser_pairs")]
    pub balance_initial: Vec<(String, f64)>,
    #[serde(serialize_with = "ser_pairs")]
    pub balance: Vec<(String, f64)>,
}

/// Named values as a JSON object, in order.
fn ser_pairs<S: serde::Serializer>(v: &[(String, f64)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(v.len()))?;
    for (k, x) in v {
        m.serialize_entry(k, x)?;
    }
    m.end()
}

/// Runs the configured dynamics from `theta0` and classifies the tail.
pub fn simulate<M: Model + ?Sized>(model: &mut M, theta0: &DVector<f64>, cfg: &SimConfig) -> SimResult<SimReport> {
    Ok(simulate_with_tail(model, theta0, cfg)?.0)
}

/// [`simulate`], also returning the trajectory's tail.
pub fn simulate_with_tail<M: Model + ?Sized>(model: &mut M, theta0: &DVector<f64>, cfg: &SimConfig) -> SimResult<(SimReport, Trajectory)> {
    if theta0.len() != model.dim() {
        return Err(SimError(format!("the start has {} coordinates; the model has {}", theta0.len(), model.dim())));
    }
    if cfg.method == Method::Agd && model.blocks().is_none() {
        return Err(SimError("alternating GD needs at least two parameters (two blocks)".into()));
    }
    let tail = cfg.tail.min((TAIL_BUDGET / model.dim().max(1)).max(2));
    let mut stepper = Stepper::new(cfg.method, cfg.schedule.clone(), model.dim());
    let traj = match cfg.method {
        Method::Flow => Flow::new(model.dim(), cfg.flow).run(model, theta0, cfg.schedule.base(), cfg.steps, tail),
        _ => stepper.run(model, theta0, cfg.steps, tail),
    };
    let class = classify::classify(model, &mut stepper, &traj, &cfg.classify)?;
    let last = traj.last().cloned().unwrap_or_else(|| theta0.clone());
    let lr = if cfg.method == Method::Flow { cfg.schedule.base() } else { cfg.schedule.lr(cfg.steps.saturating_sub(1)) };
    let mut report = SimReport {
        method: cfg.method.name(),
        lr,
        steps: traj.steps,
        tail: traj.tail.len(),
        last_loss: traj.last_loss,
        last: last.iter().copied().collect(),
        sharpness: None,
        min_eigenvalue: None,
        orbit_sharpness: vec![],
        two_over_lr: (cfg.method != Method::Flow).then(|| 2.0 / lr),
        balance_initial: model.balance(theta0),
        balance: if class.outcome == Outcome::Diverged { vec![] } else { model.balance(&last) },
        class,
    };
    if cfg.sharpness && report.class.outcome != Outcome::Diverged {
        let (hi, lo) = sharpness::extreme_eigenvalues(model, &last)?;
        report.sharpness = Some(hi);
        report.min_eigenvalue = Some(lo);
        if report.class.outcome == Outcome::Periodic && (model.dim() <= sharpness::DENSE_MAX || report.class.points.len() <= 4) {
            for p in &report.class.points {
                report.orbit_sharpness.push(sharpness::sharpness(model, &DVector::from_column_slice(p))?);
            }
        }
    }
    Ok((report, traj))
}
