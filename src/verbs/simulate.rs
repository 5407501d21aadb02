//! `simulate`: floating-point GD / alternating GD / gradient flow on an expression loss or on
//! matrix factorisation, with the tail classified (SPEC.md); `--cross-check`, which sets the
//! simulator beside the certified `orbit` verb; and `--sweep`, a bifurcation diagram over `η`.
//!
//! Guarantee: everything here except the certified enclosures quoted from `orbit` is an f64
//! observation (see `crate::simulate`): a cross-check, never a certificate. A cross-check that
//! disagrees with a certified stability verdict is reported, never smoothed over.

use super::orbit::{OrbitOutput, OrbitRequest};
use super::UserError;
use crate::eval::Num;
use crate::expr::Loss;
use crate::numfmt::NumJson;
use crate::simulate::{self as sim, Method, Model, Outcome, Schedule, SimConfig, SimReport};
use crate::verdict::Verdict;
use nalgebra::{DMatrix, DVector};
use num_traits::ToPrimitive;
use serde::Serialize;
use std::fmt;

/// Which model to simulate.
#[derive(Clone, Debug)]
pub enum ModelSpec {
    Expr(Loss),
    /// `‖Y Zᵀ − C‖²/2` with `Y`, `Z` of rank `rank`.
    Mf { c: DMatrix<f64>, rank: usize },
    /// The single ReLU neuron's population loss in `(v, w_x, w_y)`, input dimension `d`.
    Neuron { d: usize },
    /// The single ReLU neuron's empirical loss on `points` sphere points in `R^d` (data seed).
    NeuronEmpirical { d: usize, points: usize, data_seed: u64 },
    /// The 16-neuron teacher-student network of Chen & Bruna B.3.1 (`k` neurons in `R^d`).
    TeacherStudent { k: usize, d: usize, points: usize, data_seed: u64 },
    /// A tanh MLP with squared loss on `points` seeded points.
    Mlp { widths: Vec<usize>, points: usize, data_seed: u64 },
}

/// The built-in models `--model` accepts.
pub const MODELS: &str = "mf, neuron, neuron-empirical, teacher-student, mlp";

/// What `simulate` is asked.
#[derive(Clone, Debug)]
pub struct SimulateRequest {
    pub model: ModelSpec,
    pub lr: f64,
    /// The start; `None` draws it from the seed (`init_scale · N(0, 1)` per coordinate).
    pub init: Option<Vec<f64>>,
    pub init_scale: f64,
    pub seed: u64,
    pub config: SimConfig,
}

/// The result of `simulate` (JSON per SPEC.md, with extra fields).
#[derive(Clone, Debug, Serialize)]
pub struct SimulateOutput {
    pub model: String,
    pub coordinates: Vec<String>,
    pub init: Vec<f64>,
    pub seed: u64,
    pub schedule: String,
    #[serde(flatten)]
    pub report: SimReport,
    /// True when the points and the last iterate were left out (large models).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub points_omitted: bool,
    pub note: &'static str,
}

const NOTE: &str = "floating-point simulation (f64): a cross-check, not a certificate";

/// Models with more parameters than this print no iterates.
pub const MAX_PRINTED_DIM: usize = 256;

/// A number as f64 (exact values rounded, enclosures by their midpoint).
pub fn num_f64(n: &Num, prec: u32) -> f64 {
    match n.exact() {
        Some(q) => q.to_f64().unwrap_or(f64::NAN),
        None => n.to_interval(prec).mid().to_f64(),
    }
}

/// Parses `--c`: `diag:1,1/2` or a matrix `[[1,0],[0,1/2]]` (exact input, rounded to f64).
pub fn parse_target(s: &str, prec: u32) -> Result<DMatrix<f64>, UserError> {
    if let Some(d) = s.trim().strip_prefix("diag:") {
        let vals = d
            .split(',')
            .map(|v| Ok(num_f64(&super::input::parse_value(v, prec, "--c diag:")?, prec)))
            .collect::<Result<Vec<f64>, UserError>>()?;
        return Ok(DMatrix::from_diagonal(&DVector::from_vec(vals)));
    }
    let rows = crate::parse::parse_matrix(s).map_err(|e| UserError::new(format!("--c: {}", e.render())))?;
    let (m, n) = (rows.len(), rows.first().map_or(0, Vec::len));
    if rows.iter().any(|r| r.len() != n) {
        return Err(UserError::new("--c: every row of the matrix must have the same length"));
    }
    Ok(DMatrix::from_fn(m, n, |i, j| rows[i][j].to_f64().unwrap_or(f64::NAN)))
}

fn build(spec: &ModelSpec) -> Box<dyn Model> {
    match spec {
        ModelSpec::Expr(l) => Box::new(sim::ExprModel::new(l.clone())),
        ModelSpec::Mf { c, rank } => Box::new(sim::MfModel::new(c.clone(), *rank)),
        ModelSpec::Neuron { d } => Box::new(sim::NeuronModel::new(*d)),
        ModelSpec::NeuronEmpirical { d, points, data_seed } => Box::new(sim::NeuronEmpirical::new(*d, *points, *data_seed)),
        ModelSpec::TeacherStudent { k, d, points, data_seed } => Box::new(sim::TeacherStudent::new(*k, *d, *points, *data_seed)),
        ModelSpec::Mlp { widths, points, data_seed } => Box::new(sim::Mlp::new(widths, *points, *data_seed)),
    }
}

fn describe(spec: &ModelSpec) -> String {
    match spec {
        ModelSpec::Expr(l) => l.source.clone(),
        ModelSpec::Mf { c, rank } => format!("mf: |Y Z^T - C|_F^2/2, C {}x{}, rank {rank}", c.nrows(), c.ncols()),
        ModelSpec::Neuron { d } => format!("neuron: population loss E(v relu(w.x) - relu(x_1))^2, x uniform on S^{}, in (v, w_x, w_y)", d - 1),
        ModelSpec::NeuronEmpirical { d, points, data_seed } => {
            format!("neuron-empirical: (1/N) sum (v relu(w.x_j) - relu(x_j1))^2, N = {points} points on S^{} (data seed {data_seed})", d - 1)
        }
        ModelSpec::TeacherStudent { k, d, points, data_seed } => format!(
            "teacher-student: sum_i v_i relu(w_i.x) vs sum_i relu(e_i.x), {k} neurons, x on S^{}, m = {points} points (data seed {data_seed}), loss (1/m) sum (f - y)^2",
            d - 1
        ),
        ModelSpec::Mlp { widths, points, data_seed } => format!(
            "mlp: widths {}, tanh hidden layers, no biases, loss (1/2N) sum |f(x) - y|^2, N = {points} Gaussian inputs, targets from a teacher of the same widths (data seed {data_seed})",
            widths.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(",")
        ),
    }
}

fn schedule_name(s: &Schedule) -> String {
    match s {
        Schedule::Constant(lr) => format!("constant {lr}"),
        Schedule::Step { lr, gamma, every } => format!("step: {lr} times {gamma} every {every} steps"),
        Schedule::Warmup { lr, steps } => format!("linear warm-up to {lr} over {steps} steps"),
    }
}

/// The start of a request: `init` if given, else the model's default start (drawn from the
/// seed where it is random).
fn start(req: &SimulateRequest, model: &dyn Model) -> Result<DVector<f64>, UserError> {
    match &req.init {
        Some(v) if v.len() != model.dim() => {
            Err(UserError::new(format!("--init gives {} values; the model has {} parameters", v.len(), model.dim())))
        }
        Some(v) => Ok(DVector::from_column_slice(v)),
        None => {
            let mut rng = sim::Rng::new(req.seed);
            Ok(match &req.model {
                // Chen & Bruna Figure 5: v = 0.1, w = 0.1 e_2 (orthogonal to the teacher e_1).
                ModelSpec::Neuron { .. } => DVector::from_row_slice(&[0.1, 0.0, 0.1]),
                ModelSpec::NeuronEmpirical { d, .. } => {
                    DVector::from_fn(d + 1, |i, _| if i == 0 || i == 2.min(*d) { 0.1 } else { 0.0 })
                }
                ModelSpec::TeacherStudent { k, d, .. } => sim::teacher_student::paper_init(*k, *d, &mut rng),
                ModelSpec::Mlp { widths, .. } => sim::mlp::init(widths, &mut rng, req.init_scale),
                _ => DVector::from_fn(model.dim(), |_, _| req.init_scale * rng.normal()),
            })
        }
    }
}

/// `--init` for a built-in model: `NAME=V,...` over the model's coordinate names, or `V,V,...`
/// (every coordinate in order).
fn parse_model_init(s: &str, names: &[String], prec: u32) -> Result<Vec<f64>, UserError> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let value = |v: &str| -> Result<f64, UserError> { Ok(num_f64(&super::input::parse_value(v, prec, "--init")?, prec)) };
    if parts.iter().all(|p| !p.contains('=')) {
        if parts.len() != names.len() {
            return Err(UserError::new(format!("--init gives {} values; the model has {} parameters", parts.len(), names.len())));
        }
        return parts.iter().map(|p| value(p)).collect();
    }
    let mut out = vec![None; names.len()];
    for p in parts {
        let (n, v) = p.split_once('=').ok_or_else(|| UserError::new(format!("--init: '{p}' is not NAME=VALUE")))?;
        let i = names
            .iter()
            .position(|x| x == n.trim())
            .ok_or_else(|| UserError::new(format!("--init: '{}' is not a coordinate of the model ({})", n.trim(), names.join(", "))))?;
        out[i] = Some(value(v)?);
    }
    out.iter()
        .zip(names)
        .map(|(v, n)| v.ok_or_else(|| UserError::new(format!("--init does not give the coordinate {n}"))))
        .collect()
}

fn check(req: &SimulateRequest) -> Result<(), UserError> {
    if !(req.lr.is_finite() && req.lr > 0.0) {
        return Err(UserError::new("the learning rate --lr must be a positive finite number"));
    }
    if req.config.steps == 0 {
        return Err(UserError::new("--steps must be at least 1"));
    }
    if let ModelSpec::Mf { c, rank } = &req.model {
        if c.is_empty() || *rank == 0 || c.iter().any(|x| !x.is_finite()) {
            return Err(UserError::new("--model mf needs a non-empty finite target --c and a rank of at least 1"));
        }
    }
    if let ModelSpec::Expr(l) = &req.model {
        if l.vars.is_empty() {
            return Err(UserError::new("the loss has no variables, so there is nothing to simulate"));
        }
    }
    Ok(())
}

/// Runs `simulate`.
pub fn run(req: &SimulateRequest) -> Result<SimulateOutput, UserError> {
    check(req)?;
    let mut model = build(&req.model);
    let theta0 = start(req, model.as_ref())?;
    let mut report = sim::simulate(model.as_mut(), &theta0, &req.config)
        .map_err(|e| UserError::new(format!("the simulation could not be completed: {e}")))?;
    let big = model.dim() > MAX_PRINTED_DIM;
    if big {
        report.class.points.clear();
        report.last.clear();
    }
    Ok(SimulateOutput {
        model: describe(&req.model),
        coordinates: if big { vec![] } else { model.coordinate_names() },
        init: if big { vec![] } else { theta0.iter().copied().collect() },
        seed: req.seed,
        schedule: schedule_name(&req.config.schedule),
        report,
        points_omitted: big,
        note: NOTE,
    })
}

/// Times `steps` GD steps of the request's model (no classification): seconds per step.
pub fn bench_steps(req: &SimulateRequest, steps: usize) -> Result<f64, UserError> {
    check(req)?;
    let mut model = build(&req.model);
    let mut theta = start(req, model.as_ref())?;
    let mut stepper = sim::Stepper::new(req.config.method, req.config.schedule.clone(), model.dim());
    let fail = |e: sim::SimError| UserError::new(format!("the benchmark step failed: {e}"));
    stepper.step(model.as_mut(), &mut theta, req.lr).map_err(fail)?; // warm-up
    let t0 = std::time::Instant::now();
    for _ in 0..steps {
        stepper.step(model.as_mut(), &mut theta, req.lr).map_err(fail)?;
    }
    Ok(t0.elapsed().as_secs_f64() / steps.max(1) as f64)
}

impl fmt::Display for SimulateOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.report;
        let c = &r.class;
        let coords = |p: &[f64]| -> String {
            if self.coordinates.len() == p.len() && p.len() <= 8 {
                self.coordinates.iter().zip(p).map(|(n, v)| format!("{n} = {v:.15}")).collect::<Vec<_>>().join(", ")
            } else {
                format!("[{}]", p.iter().map(|v| format!("{v:.6}")).collect::<Vec<_>>().join(", "))
            }
        };
        writeln!(f, "model: {}", self.model)?;
        writeln!(f, "method: {}, learning rate: {}, {} steps", r.method, self.schedule, r.steps)?;
        if !self.init.is_empty() {
            writeln!(f, "start: {}  (seed {})", coords(&self.init), self.seed)?;
        }
        let period = c.period.map(|p| format!(", period {p}")).unwrap_or_default();
        let settled = if c.settled { "" } else { ", not settled" };
        let outcome = match (c.converging, c.period) {
            (Some(_), Some(p)) => format!("converging to a period-{p} orbit, not yet within tolerance (JSON outcome \"periodic\")"),
            (Some(_), None) => "converging, not yet within tolerance (JSON outcome \"converged\")".to_string(),
            (None, _) => format!("{}{period}", c.outcome.name()),
        };
        writeln!(f, "outcome: {outcome}  (tolerance {:.2e}{settled}, over the last {} iterates)", c.tolerance, r.tail)?;
        for (i, p) in c.points.iter().enumerate() {
            writeln!(f, "  point {}: {}", i + 1, coords(p))?;
        }
        if let Some(at) = c.diverged_at {
            writeln!(f, "  diverged at step {at}: {}", c.reason.as_deref().unwrap_or(""))?;
        } else if let Some(reason) = &c.reason {
            writeln!(f, "  note: {reason}")?;
        }
        if let Some(l) = c.lyapunov {
            writeln!(f, "largest Lyapunov exponent: {l:.6} per step (|λ| <= {} counts as 0)", c.lyapunov_tolerance)?;
        }
        if c.outcome != Outcome::Diverged {
            writeln!(f, "last loss: {:e}", r.last_loss)?;
        }
        if let Some(s) = r.sharpness {
            let vs = r.two_over_lr.map(|t| format!(" vs 2/eta = {t:.6}")).unwrap_or_default();
            writeln!(f, "sharpness (top Hessian eigenvalue) at the last iterate: {s:.6}{vs}")?;
        }
        if !r.orbit_sharpness.is_empty() {
            let s: Vec<String> = r.orbit_sharpness.iter().map(|v| format!("{v:.6}")).collect();
            writeln!(f, "sharpness at the orbit points: {}", s.join(", "))?;
        }
        for ((name, v), (_, v0)) in r.balance.iter().zip(&r.balance_initial) {
            writeln!(f, "balance {name}: {v:.3e} (start {v0:.3e})")?;
        }
        writeln!(f, "({})", self.note)
    }
}

// ---------------------------------------------------------------------------------------------
// Cross-check against the certified orbit verb.

/// What `simulate --cross-check` is asked: the certified request plus simulation settings.
#[derive(Clone, Debug)]
pub struct CrossCheckRequest {
    pub orbit: OrbitRequest,
    pub steps: usize,
    /// Relative size of the perturbation of each start.
    pub perturbation: f64,
}

/// One certified object (a period-2 orbit or a fixed point of F) beside its simulation.
#[derive(Clone, Debug, Serialize)]
pub struct CrossEntry {
    pub kind: &'static str,
    pub certified_points: Vec<NumJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certified_multiplier: Option<NumJson>,
    pub certified_stable: Verdict,
    /// The multiplier evaluated in f64 at the enclosures' midpoints.
    pub float_multiplier: f64,
    pub start: f64,
    pub start_distance: f64,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<usize>,
    pub simulated_points: Vec<f64>,
    /// The largest distance from the last iterates to the nearest certified enclosure.
    pub distance: f64,
    /// "stable" (came back), "unstable" (moved away) or "undetermined".
    pub observed: &'static str,
    pub agree: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct CrossCheckOutput {
    pub loss: String,
    pub lr: NumJson,
    pub certified_complete: bool,
    pub steps: usize,
    pub entries: Vec<CrossEntry>,
    pub agree: bool,
    /// One sentence per disagreement, with both numbers.
    pub disagreements: Vec<String>,
    pub note: &'static str,
}

fn bounds(n: &NumJson) -> (f64, f64) {
    (n.lo.parse().unwrap_or(f64::NEG_INFINITY), n.hi.parse().unwrap_or(f64::INFINITY))
}

fn dist_to(x: f64, (lo, hi): (f64, f64)) -> f64 {
    if x < lo {
        lo - x
    } else if x > hi {
        x - hi
    } else {
        0.0
    }
}

/// Runs the certified `orbit` verb, then simulates from a perturbed start near every certified
/// orbit point and fixed point, and compares the observed stability with the certified one.
pub fn cross_check(req: &CrossCheckRequest) -> Result<CrossCheckOutput, UserError> {
    if req.orbit.loss.vars.len() != 1 {
        return Err(UserError::new("--cross-check needs a loss of one variable"));
    }
    let certified: OrbitOutput = super::orbit::run(&req.orbit)?;
    let prec = req.orbit.prec;
    let lr = num_f64(&req.orbit.lr, prec);
    let loss = req.orbit.loss.clone();
    let mut model = sim::ExprModel::new(loss.clone());
    let mut cfg = SimConfig::gd(lr, req.steps);
    cfg.tail = 256;
    cfg.sharpness = false;
    let fprime = |model: &mut sim::ExprModel, x: f64| -> Result<f64, UserError> {
        let h = model
            .hessian(&DVector::from_element(1, x))
            .map_err(|e| UserError::new(format!("cannot evaluate f'' at {x}: {e}")))?;
        Ok(1.0 - lr * h[(0, 0)])
    };
    let mut entries = vec![];
    let objects = certified
        .orbits
        .iter()
        .map(|o| ("period-2 orbit", o.points.iter().filter_map(|p| p.first().cloned()).collect::<Vec<_>>(), o.multiplier.clone(), o.stable))
        .chain(certified.fixed_points.iter().map(|p| ("fixed point", p.point.iter().take(1).cloned().collect(), p.multiplier.clone(), p.stable)));
    for (kind, pts, mult, stable) in objects {
        if pts.is_empty() {
            continue;
        }
        let encl: Vec<(f64, f64)> = pts.iter().map(bounds).collect();
        let mids: Vec<f64> = encl.iter().map(|(a, b)| 0.5 * (a + b)).collect();
        let mut float_multiplier = 1.0;
        for &m in &mids {
            float_multiplier *= fprime(&mut model, m)?;
        }
        let delta = req.perturbation * (1.0 + mids[0].abs());
        let x0 = mids[0] + delta;
        let rep = sim::simulate(&mut model, &DVector::from_element(1, x0), &cfg)
            .map_err(|e| UserError::new(format!("the simulation could not be completed: {e}")))?;
        let last: Vec<f64> = rep.last.clone();
        // The last `period` iterates (2 for an orbit, 1 for a fixed point), each to the nearest enclosure.
        let tail_pts: Vec<f64> = match rep.class.outcome {
            Outcome::Diverged => vec![f64::INFINITY],
            _ if rep.class.points.is_empty() => last.clone(),
            _ => rep.class.points.iter().map(|p| p[0]).collect(),
        };
        let distance = tail_pts
            .iter()
            .map(|&x| encl.iter().map(|&e| dist_to(x, e)).fold(f64::INFINITY, f64::min))
            .fold(0.0, f64::max);
        let observed = if distance < delta / 10.0 {
            "stable"
        } else if distance > 10.0 * delta || !distance.is_finite() {
            "unstable"
        } else {
            "undetermined"
        };
        let agree = match (stable, observed) {
            (Verdict::Pass, "unstable") | (Verdict::Fail, "stable") => false,
            _ => true,
        };
        entries.push(CrossEntry {
            kind,
            certified_points: pts.clone(),
            certified_multiplier: mult,
            certified_stable: stable,
            float_multiplier,
            start: x0,
            start_distance: delta,
            outcome: rep.class.outcome,
            period: rep.class.period,
            simulated_points: tail_pts,
            distance,
            observed,
            agree,
        });
    }
    let disagreements = entries
        .iter()
        .filter(|e| !e.agree)
        .map(|e| {
            format!(
                "DISAGREEMENT: the {} at {} is certified {} (multiplier {}) but the simulation from {:.3e} away observed it {} (distance {:.3e} after {} steps; f64 multiplier {:.6})",
                e.kind,
                e.certified_points.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
                if e.certified_stable == Verdict::Pass { "stable" } else { "unstable" },
                e.certified_multiplier.as_ref().map_or("n/a".to_string(), |m| m.to_string()),
                e.start_distance,
                e.observed,
                e.distance,
                req.steps,
                e.float_multiplier
            )
        })
        .collect::<Vec<_>>();
    Ok(CrossCheckOutput {
        loss: loss.source.clone(),
        lr: certified.lr.clone(),
        certified_complete: certified.complete,
        steps: req.steps,
        agree: disagreements.is_empty(),
        entries,
        disagreements,
        note: "certified enclosures from `orbit`; everything else is an f64 observation",
    })
}

impl fmt::Display for CrossCheckOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "loss: {}   GD with eta = {}   ({} steps per simulation)", self.loss, self.lr, self.steps)?;
        if !self.certified_complete {
            writeln!(f, "(the certified search was incomplete: objects may be missing)")?;
        }
        for (i, e) in self.entries.iter().enumerate() {
            let pts: Vec<String> = e.certified_points.iter().map(|p| p.to_string()).collect();
            writeln!(f, "#{} {} at {}", i + 1, e.kind, pts.join(", "))?;
            let mult = e.certified_multiplier.as_ref().map_or("n/a".to_string(), |m| m.to_string());
            writeln!(f, "  certified: {} (multiplier {mult}); f64 multiplier at the midpoints {:.9}", e.certified_stable, e.float_multiplier)?;
            let sim: Vec<String> = e.simulated_points.iter().map(|x| format!("{x:.15}")).collect();
            writeln!(
                f,
                "  simulated from {:.15} ({:.1e} away): {}{}, tail [{}], distance to the enclosures {:.3e}: observed {}",
                e.start,
                e.start_distance,
                e.outcome.name(),
                e.period.map(|p| format!(" period {p}")).unwrap_or_default(),
                sim.join(", "),
                e.distance,
                e.observed
            )?;
            writeln!(f, "  {}", if e.agree { "agree" } else { "DISAGREE" })?;
        }
        writeln!(f, "verdict: {}", if self.agree { "the simulation agrees with every certified stability verdict" } else { "DISAGREEMENT (see above)" })
    }
}

// ---------------------------------------------------------------------------------------------
// From command-line strings to a plan.

/// The raw command-line inputs of `simulate` (strings as typed; parsed by [`plan`]).

/// Defaults of `simulate`'s options, shared by the command line and [`SimulateArgs::default`].
pub mod defaults {
    pub const STEPS: usize = 10_000;
    pub const TAIL: usize = 1024;
    pub const METHOD: &str = "gd";
    pub const SCHEDULE: &str = "constant";
    pub const TOL: f64 = 1e-9;
    pub const MAX_PERIOD: usize = 64;
    pub const PERTURBATION: f64 = 1e-6;
    pub const KEEP: usize = 32;
}

impl Default for SimulateArgs {
    /// The command line's defaults, with no loss, model or learning rate set.
    fn default() -> Self {
        SimulateArgs {
            loss: None,
            params: vec![],
            vars: None,
            model: None,
            c: None,
            rank: None,
            lr: None,
            init: None,
            init_scale: None,
            seed: 0,
            steps: defaults::STEPS,
            tail: defaults::TAIL,
            method: defaults::METHOD.into(),
            schedule: defaults::SCHEDULE.into(),
            tol: defaults::TOL,
            max_period: defaults::MAX_PERIOD,
            cross_check: false,
            inside: None,
            perturbation: defaults::PERTURBATION,
            bench_steps: None,
            sweep: None,
            keep: defaults::KEEP,
            prec: crate::interval::DEFAULT_PREC,
            widths: None,
            points: None,
            input_dim: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SimulateArgs {
    pub loss: Option<String>,
    pub params: Vec<String>,
    pub vars: Option<String>,
    pub model: Option<String>,
    pub c: Option<String>,
    pub rank: Option<usize>,
    pub lr: Option<String>,
    pub init: Option<String>,
    pub init_scale: Option<f64>,
    pub seed: u64,
    pub steps: usize,
    pub tail: usize,
    pub method: String,
    pub schedule: String,
    pub tol: f64,
    pub max_period: usize,
    pub cross_check: bool,
    pub inside: Option<String>,
    pub perturbation: f64,
    pub bench_steps: Option<usize>,
    pub sweep: Option<String>,
    pub keep: usize,
    pub prec: u32,
    /// Widths of `--model mlp`, e.g. `4,8,1`.
    pub widths: Option<String>,
    /// Data points of the empirical models.
    pub points: Option<usize>,
    /// The input dimension `d` of the neuron and teacher-student models.
    pub input_dim: Option<usize>,
}

/// What to do.
#[derive(Clone, Debug)]
pub enum Plan {
    Simulate(SimulateRequest),
    /// Time this many steps.
    Bench(SimulateRequest, usize),
    CrossCheck(CrossCheckRequest),
    Sweep(SweepRequest),
}

/// The grid of a sweep.
#[derive(Clone, Debug)]
pub enum SweepKind {
    /// A bifurcation diagram: these learning rates.
    Lr(Vec<f64>),
    /// A divergence map of mf: `C = diag(a1, a2)/η` for every `a1` and `a2`
    /// (so that `η σ1² = a1`, `η σ2² = a2`).
    Map { a1: Vec<f64>, a2: Vec<f64> },
}

#[derive(Clone, Debug)]
pub struct SweepRequest {
    pub base: SimulateRequest,
    pub kind: SweepKind,
    /// Iterates kept per grid point.
    pub keep: usize,
}

/// The largest number of points of one sweep axis.
pub const MAX_SWEEP_POINTS: usize = 100_000;

/// `A..B:N` as `N` evenly spaced f64 values.
fn parse_axis(s: &str, prec: u32, flag: &str) -> Result<Vec<f64>, UserError> {
    let (range, n) = s
        .rsplit_once(':')
        .ok_or_else(|| UserError::new(format!("{flag} {s}: expected A..B:N, e.g. 1..1.3:61")))?;
    let n: usize = n
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=MAX_SWEEP_POINTS).contains(n))
        .ok_or_else(|| UserError::new(format!("{flag} {s}: N must be an integer from 1 to {MAX_SWEEP_POINTS}")))?;
    let r = super::input::parse_range(range, prec, flag)?;
    Ok(sim::sweep::linspace(r.lo().to_f64(), r.hi().to_f64(), n))
}

/// Parses and checks the inputs of `simulate`.
pub fn plan(a: &SimulateArgs, budget: crate::krawczyk::Budget) -> Result<Plan, UserError> {
    let prec = a.prec;
    let method = Method::from_name(&a.method)
        .ok_or_else(|| UserError::new(format!("--method {} is not one of gd, agd, flow", a.method)))?;
    let spec = match (&a.loss, a.model.as_deref()) {
        (Some(_), Some(_)) => return Err(UserError::new("give either a LOSS or --model, not both")),
        (Some(src), None) => ModelSpec::Expr(super::input::parse_loss(src, &a.params, a.vars.as_deref())?),
        (None, Some("mf")) => {
            let c = match (&a.c, &a.sweep) {
                (Some(c), _) => parse_target(c, prec)?,
                (None, Some(s)) if s.starts_with("map=") => DMatrix::identity(2, 2),
                _ => return Err(UserError::new("--model mf needs the target --c, e.g. --c diag:1,1/2")),
            };
            let rank = a.rank.unwrap_or(c.nrows().min(c.ncols()));
            ModelSpec::Mf { c, rank }
        }
        (None, Some(m @ ("neuron" | "neuron-empirical" | "teacher-student" | "mlp"))) => {
            let positive = |v: Option<usize>, flag: &str, default: usize| -> Result<usize, UserError> {
                match v {
                    Some(0) => Err(UserError::new(format!("{flag} must be at least 1"))),
                    Some(n) => Ok(n),
                    None => Ok(default),
                }
            };
            if m != "mlp" && a.widths.is_some() {
                return Err(UserError::new("--widths is for --model mlp"));
            }
            match m {
                "neuron" => {
                    if a.points.is_some() {
                        return Err(UserError::new("--model neuron is the population loss; use --model neuron-empirical for --points"));
                    }
                    ModelSpec::Neuron { d: positive(a.input_dim, "--input-dim", 2)? }
                }
                "neuron-empirical" => ModelSpec::NeuronEmpirical {
                    d: positive(a.input_dim, "--input-dim", 2)?,
                    points: positive(a.points, "--points", 1000)?,
                    data_seed: a.seed,
                },
                "teacher-student" => {
                    let d = positive(a.input_dim, "--input-dim", 16)?;
                    ModelSpec::TeacherStudent { k: d.min(16), d, points: positive(a.points, "--points", 10_000)?, data_seed: a.seed }
                }
                _ => {
                    let w = a.widths.as_deref().ok_or_else(|| UserError::new("--model mlp needs --widths, e.g. --widths 4,8,1"))?;
                    let widths = w
                        .split(',')
                        .map(|t| t.trim().parse::<usize>().ok().filter(|&n| (1..=4096).contains(&n)))
                        .collect::<Option<Vec<usize>>>()
                        .filter(|v| v.len() >= 2)
                        .ok_or_else(|| UserError::new(format!("--widths {w}: give at least two comma-separated widths from 1 to 4096, e.g. 4,8,1")))?;
                    ModelSpec::Mlp { widths, points: positive(a.points, "--points", 64)?, data_seed: a.seed }
                }
            }
        }
        (None, Some(m)) => return Err(UserError::new(format!("--model {m} is not a built-in model (available: {MODELS})"))),
        (None, None) => return Err(UserError::new(format!("give a LOSS expression or --model NAME ({MODELS})"))),
    };
    let is_lr_sweep = a.sweep.as_deref().is_some_and(|s| s.starts_with("lr="));
    let lr = match (&a.lr, &a.sweep) {
        (Some(s), _) => {
            let v = super::input::parse_value(s, prec, "--lr")?;
            num_f64(&v, prec)
        }
        (None, Some(_)) => 1.0,
        (None, None) => return Err(UserError::new("--lr ETA is required")),
    };
    if is_lr_sweep && a.lr.is_some() {
        return Err(UserError::new("--sweep lr=A..B:N sets the learning rates; leave out --lr"));
    }
    let init = match (&a.init, &spec) {
        (None, _) => None,
        (Some(s), ModelSpec::Expr(l)) => {
            let v = super::input::parse_at(l, s, prec, "--init")?;
            Some(v.iter().map(|n| num_f64(n, prec)).collect())
        }
        (Some(_), ModelSpec::Mf { .. }) => {
            return Err(UserError::new("--init is for loss expressions; mf starts from --seed and --init-scale"))
        }
        (Some(s), spec) => Some(parse_model_init(s, &build(spec).coordinate_names(), prec)?),
    };
    let init_scale = a.init_scale.unwrap_or(match spec {
        ModelSpec::Mf { .. } => 0.1,
        _ => 1.0,
    });
    if !(init_scale.is_finite() && init_scale >= 0.0) {
        return Err(UserError::new("--init-scale must be a non-negative number"));
    }
    if !(a.tol.is_finite() && a.tol > 0.0) {
        return Err(UserError::new("--tol must be a positive number"));
    }
    if a.max_period == 0 || a.tail < 2 * a.max_period {
        return Err(UserError::new(format!(
            "--tail {} must be at least twice --max-period {} (and --max-period at least 1)",
            a.tail, a.max_period
        )));
    }
    if method == Method::Agd && spec_dim(&spec) < 2 {
        return Err(UserError::new("--method agd needs at least two parameters"));
    }
    let schedule = Schedule::parse(&a.schedule, lr).map_err(UserError::new)?;
    let mut config = SimConfig::gd(lr, a.steps);
    config.method = method;
    config.schedule = schedule;
    config.tail = a.tail;
    config.classify.rel_tol = a.tol;
    config.classify.max_period = a.max_period;
    let req = SimulateRequest { model: spec, lr, init, init_scale, seed: a.seed, config };
    if a.cross_check {
        let ModelSpec::Expr(loss) = &req.model else {
            return Err(UserError::new("--cross-check needs a loss expression of one variable"));
        };
        if loss.vars.len() != 1 {
            return Err(UserError::new("--cross-check needs a loss of one variable"));
        }
        if !(a.perturbation.is_finite() && a.perturbation > 0.0) {
            return Err(UserError::new("--perturbation must be a positive number"));
        }
        let lr_num = super::input::parse_value(a.lr.as_deref().unwrap_or("1"), prec, "--lr")?;
        let domain = super::input::parse_box_for(loss, a.inside.as_deref().unwrap_or("-10..10"), prec, "--in")?;
        let orbit = OrbitRequest { loss: loss.clone(), lr: lr_num, domain, prec, budget };
        return Ok(Plan::CrossCheck(CrossCheckRequest { orbit, steps: a.steps, perturbation: a.perturbation }));
    }
    if let Some(n) = a.bench_steps {
        if n == 0 {
            return Err(UserError::new("--bench-steps must be at least 1"));
        }
        return Ok(Plan::Bench(req, n));
    }
    if let Some(s) = &a.sweep {
        let kind = match s.split_once('=') {
            Some(("lr", axis)) => SweepKind::Lr(parse_axis(axis, prec, "--sweep lr=")?),
            Some(("map", axes)) => {
                if !matches!(req.model, ModelSpec::Mf { .. }) {
                    return Err(UserError::new("--sweep map=... is the divergence map of --model mf"));
                }
                let (x, y) = split_axes(axes)
                    .ok_or_else(|| UserError::new("--sweep map=A..B:N,C..D:M needs two axes separated by a comma"))?;
                SweepKind::Map { a1: parse_axis(x, prec, "--sweep map=")?, a2: parse_axis(y, prec, "--sweep map=")? }
            }
            _ => return Err(UserError::new(format!("--sweep {s} is not lr=A..B:N or map=A..B:N,C..D:M"))),
        };
        return Ok(Plan::Sweep(SweepRequest { base: req, kind, keep: a.keep.max(1) }));
    }
    Ok(Plan::Simulate(req))
}

/// Splits `A..B:N,C..D:M` at the comma that follows the first `:N`.
fn split_axes(s: &str) -> Option<(&str, &str)> {
    let colon = s.find(':')?;
    let comma = colon + s[colon..].find(',')?;
    Some((&s[..comma], &s[comma + 1..]))
}

fn spec_dim(spec: &ModelSpec) -> usize {
    match spec {
        ModelSpec::Expr(l) => l.vars.len(),
        ModelSpec::Mf { c, rank } => (c.nrows() + c.ncols()) * rank,
        ModelSpec::Neuron { .. } => 3,
        ModelSpec::NeuronEmpirical { d, .. } => d + 1,
        ModelSpec::TeacherStudent { k, d, .. } => k * (d + 1),
        ModelSpec::Mlp { widths, .. } => widths.windows(2).map(|w| w[0] * w[1]).sum(),
    }
}

// ---------------------------------------------------------------------------------------------
// Sweeps.

/// One grid point of a sweep.
#[derive(Clone, Debug, Serialize)]
pub struct SweepRow {
    pub lr: f64,
    /// `η σ1²` and `η σ2²` (divergence maps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<(f64, f64)>,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lyapunov: Option<f64>,
    /// The last iterates (models of at most 8 parameters; bifurcation diagrams).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub iterates: Vec<Vec<f64>>,
    /// The loss at the last iterates.
    pub losses: Vec<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SweepOutput {
    pub sweep: &'static str,
    pub model: String,
    pub method: &'static str,
    pub steps: usize,
    pub seed: u64,
    pub init: Vec<f64>,
    pub rows: Vec<SweepRow>,
    /// For divergence maps: how the observed boundary compares with `η(σ1² + σ2²) < 2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary: Option<BoundaryStats>,
    pub note: &'static str,
}

/// The divergence map beside Chen & Bruna's predicted boundary `a1 + a2 < 2`.
#[derive(Clone, Debug, Serialize)]
pub struct BoundaryStats {
    pub cells: usize,
    pub diverged: usize,
    /// Cells where "finite" ⇔ `a1 + a2 < 2` holds.
    pub agree_with_prediction: usize,
    /// Finite cells with `a1 + a2 >= 2` (beyond the predicted boundary).
    pub finite_beyond: usize,
    /// Diverged cells with `a1 + a2 < 2`.
    pub diverged_inside: usize,
}

/// Runs a sweep on `threads` threads; `progress(done, total)` after each grid point.
pub fn sweep(req: &SweepRequest, threads: usize, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<SweepOutput, UserError> {
    check(&SimulateRequest { lr: 1.0, ..req.base.clone() })?;
    let cells: Vec<(f64, Option<(f64, f64)>)> = match &req.kind {
        SweepKind::Lr(lrs) => lrs.iter().map(|&lr| (lr, None)).collect(),
        SweepKind::Map { a1, a2 } => a2.iter().flat_map(|&y| a1.iter().map(move |&x| (req.base.lr, Some((x, y))))).collect(),
    };
    if cells.iter().any(|(lr, _)| !(lr.is_finite() && *lr > 0.0)) {
        return Err(UserError::new("every learning rate of a sweep must be positive"));
    }
    let spec_of = |a: Option<(f64, f64)>, lr: f64| match (a, &req.base.model) {
        (Some((x, y)), ModelSpec::Mf { .. }) => {
            ModelSpec::Mf { c: DMatrix::from_diagonal(&DVector::from_vec(vec![x / lr, y / lr])), rank: 2 }
        }
        (_, spec) => spec.clone(),
    };
    let first = build(&spec_of(cells[0].1, cells[0].0));
    let theta0 = start(&req.base, first.as_ref())?;
    let one = |i: usize| -> Result<SweepRow, UserError> {
        let (lr, a) = cells[i];
        let mut model = build(&spec_of(a, lr));
        let mut cfg = req.base.config.clone();
        cfg.schedule = match cfg.schedule {
            Schedule::Constant(_) => Schedule::Constant(lr),
            Schedule::Step { gamma, every, .. } => Schedule::Step { lr, gamma, every },
            Schedule::Warmup { steps, .. } => Schedule::Warmup { lr, steps },
        };
        cfg.sharpness = false;
        cfg.tail = cfg.tail.max(req.keep);
        let (rep, traj) = sim::simulate_with_tail(model.as_mut(), &theta0, &cfg)
            .map_err(|e| UserError::new(format!("the simulation at eta = {lr} could not be completed: {e}")))?;
        let kept = &traj.tail[traj.tail.len().saturating_sub(req.keep)..];
        let losses = if rep.class.outcome == Outcome::Diverged {
            vec![]
        } else {
            kept.iter().map(|t| model.loss(t).unwrap_or(f64::NAN)).collect()
        };
        let iterates = if model.dim() <= 8 && rep.class.outcome != Outcome::Diverged {
            kept.iter().map(|t| t.iter().copied().collect()).collect()
        } else {
            vec![]
        };
        Ok(SweepRow { lr, a, outcome: rep.class.outcome, period: rep.class.period, lyapunov: rep.class.lyapunov, iterates, losses })
    };
    let rows = sim::sweep::parallel_map(cells.len(), threads, &one, progress).into_iter().collect::<Result<Vec<_>, _>>()?;
    let boundary = matches!(req.kind, SweepKind::Map { .. }).then(|| {
        let mut b = BoundaryStats { cells: rows.len(), diverged: 0, agree_with_prediction: 0, finite_beyond: 0, diverged_inside: 0 };
        for r in &rows {
            let (x, y) = r.a.unwrap_or((0.0, 0.0));
            let diverged = r.outcome == Outcome::Diverged;
            let inside = x + y < 2.0;
            b.diverged += diverged as usize;
            b.agree_with_prediction += (inside != diverged) as usize;
            b.finite_beyond += (!inside && !diverged) as usize;
            b.diverged_inside += (inside && diverged) as usize;
        }
        b
    });
    Ok(SweepOutput {
        sweep: if boundary.is_some() { "divergence-map" } else { "bifurcation" },
        model: describe(&spec_of(cells[0].1, cells[0].0)),
        method: req.base.config.method.name(),
        steps: req.base.config.steps,
        seed: req.base.seed,
        init: if theta0.len() <= MAX_PRINTED_DIM { theta0.iter().copied().collect() } else { vec![] },
        rows,
        boundary,
        note: NOTE,
    })
}

impl fmt::Display for SweepOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} sweep of {}: {}, {} steps, seed {}", self.sweep, self.model, self.method, self.steps, self.seed)?;
        if let Some(b) = &self.boundary {
            // Rows are grouped by a2 (outer) then a1 (inner): print the grid with a2 growing upward.
            let a1: Vec<f64> = {
                let y0 = self.rows.first().and_then(|r| r.a).map(|a| a.1);
                self.rows.iter().take_while(|r| r.a.map(|a| a.1) == y0).filter_map(|r| r.a.map(|a| a.0)).collect()
            };
            let w = a1.len().max(1);
            writeln!(f, "rows: eta*sigma2^2 (top = largest); columns: eta*sigma1^2 from {:.3} to {:.3}; '#' diverged, '.' finite, '+' finite beyond a1 + a2 >= 2, 'x' diverged with a1 + a2 < 2", a1.first().unwrap_or(&0.0), a1.last().unwrap_or(&0.0))?;
            for chunk in self.rows.chunks(w).rev() {
                let y = chunk.first().and_then(|r| r.a).map_or(0.0, |a| a.1);
                let line: String = chunk
                    .iter()
                    .map(|r| {
                        let (x, y) = r.a.unwrap_or((0.0, 0.0));
                        match (r.outcome == Outcome::Diverged, x + y < 2.0) {
                            (true, true) => 'x',
                            (true, false) => '#',
                            (false, true) => '.',
                            (false, false) => '+',
                        }
                    })
                    .collect();
                writeln!(f, "{y:7.3} {line}")?;
            }
            writeln!(
                f,
                "{} cells, {} diverged; the prediction 'finite iff eta(sigma1^2 + sigma2^2) < 2' holds in {} ({} finite beyond it, {} diverged inside it)",
                b.cells, b.diverged, b.agree_with_prediction, b.finite_beyond, b.diverged_inside
            )?;
        } else {
            writeln!(f, "{:>12}  {:<15} {:>6} {:>10}  last iterates (first coordinate)", "eta", "outcome", "period", "lyapunov")?;
            for r in &self.rows {
                let pts: Vec<String> = r.iterates.iter().rev().take(8).map(|p| format!("{:.6}", p[0])).collect();
                writeln!(
                    f,
                    "{:>12.6}  {:<15} {:>6} {:>10}  {}",
                    r.lr,
                    r.outcome.name(),
                    r.period.map(|p| p.to_string()).unwrap_or_default(),
                    r.lyapunov.map(|l| format!("{l:.4}")).unwrap_or_default(),
                    pts.join(" ")
                )?;
            }
        }
        writeln!(f, "({})", self.note)
    }
}

// ---------------------------------------------------------------------------------------------
// The papers' experiments.

/// Runs the experiment preset `name` (see [`sim::experiments::NAMES`]); `all` runs every one.
/// With `sensitivity = Some(n)` each preset is also rerun with the next `n` seeds and every
/// measure reports how far it moved (`sim::sensitivity`).
pub fn experiment(name: &str, quick: bool, seed: u64, threads: usize, sensitivity: Option<usize>) -> Result<sim::experiments::ExperimentSet, UserError> {
    let mut set = sim::experiments::run(name, quick, seed, threads).map_err(UserError::new)?;
    if let Some(n) = sensitivity {
        if n == 0 || n > 64 {
            return Err(UserError::new("--sensitivity N needs N from 1 to 64 (the number of other seeds)"));
        }
        for e in &mut set.experiments {
            let others = (1..=n as u64)
                .map(|k| sim::experiments::run(e.name, quick, seed.wrapping_add(k), threads).map(|mut s| s.experiments.remove(0)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(UserError::new)?;
            e.seed_sensitivity = sim::sensitivity::compare(e, &others);
        }
    }
    Ok(set)
}
