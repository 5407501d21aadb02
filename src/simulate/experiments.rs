//! The experiments of Chen & Bruna ("Beyond the edge of stability via two-step gradient
//! updates") as presets a reader can rerun: `eoscert simulate --experiment figN [--quick]`.
//!
//! Each preset prints every setting it used — marked `paper` when the paper states it and
//! `chosen` when the paper leaves it open (then the value is ours) — the measured numbers, and
//! the paper's number beside each measured one where the paper states a number. Everything is
//! deterministic under the seed (sweeps write each grid point to its own slot).
//!
//! Guarantee: floating-point observations (f64), a cross-check beside the certified engines,
//! never a certificate.

use super::classify::Outcome;
use super::dynamics::{Method, Schedule, Stepper};
use super::mf::MfModel;
use super::model::{Model, SimError, SimResult};
use super::neuron::{NeuronEmpirical, NeuronModel};
use super::rng::Rng;
use super::sharpness;
use super::sweep::{linspace, parallel_map};
use super::teacher_student::{self, TeacherStudent};
use super::{simulate_with_tail, SimConfig, SimReport};
use nalgebra::{DMatrix, DVector};
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt;

/// The presets, most important first.
pub const NAMES: [&str; 9] = ["fig1", "fig1bc", "fig2", "fig4", "fig12", "fig7", "fig5", "fig6", "fig8"];

/// One setting of an experiment.
#[derive(Clone, Debug, Serialize)]
pub struct Setting {
    pub name: String,
    pub value: String,
    /// `paper` (stated in the paper) or `chosen` (not stated; our choice).
    pub source: &'static str,
}

/// One measured number, with the paper's number beside it when the paper states one.
#[derive(Clone, Debug, Serialize)]
pub struct Measure {
    /// A stable short name a check file can refer to (`measure = "KEY"`), where one is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub name: String,
    pub measured: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paper: Option<String>,
}

/// One experiment's output.
#[derive(Clone, Debug, Serialize)]
pub struct Experiment {
    pub name: &'static str,
    /// The paper the experiment is from (short form, e.g. "Chen & Bruna").
    pub paper: &'static str,
    pub figure: &'static str,
    pub title: &'static str,
    pub quick: bool,
    pub seed: u64,
    pub settings: Vec<Setting>,
    pub measured: Vec<Measure>,
    /// Human-readable tables (grids, per-η rows).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    /// Raw per-point data (JSON only).
    #[serde(skip_serializing_if = "Value::is_null")]
    pub data: Value,
    /// `--sensitivity N`: how each measure moved when rerun with `N` other seeds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seed_sensitivity: Vec<super::sensitivity::Moved>,
    pub note: &'static str,
}

/// The experiments run by one command.
#[derive(Clone, Debug, Serialize)]
pub struct ExperimentSet {
    pub experiments: Vec<Experiment>,
}

const NOTE: &str = "floating-point simulation (f64): a cross-check, not a certificate";

impl Experiment {
    fn new(name: &'static str, figure: &'static str, title: &'static str, quick: bool, seed: u64) -> Experiment {
        Experiment::of("Chen & Bruna", name, figure, title, quick, seed)
    }
    /// An experiment of `paper`.
    pub(super) fn of(paper: &'static str, name: &'static str, figure: &'static str, title: &'static str, quick: bool, seed: u64) -> Experiment {
        Experiment { name, paper, figure, title, quick, seed, settings: vec![], measured: vec![], details: vec![], data: Value::Null, seed_sensitivity: vec![], note: NOTE }
    }
    pub(super) fn paper(&mut self, name: &str, value: impl fmt::Display) {
        self.settings.push(Setting { name: name.into(), value: value.to_string(), source: "paper" });
    }
    pub(super) fn chosen(&mut self, name: &str, value: impl fmt::Display) {
        self.settings.push(Setting { name: name.into(), value: value.to_string(), source: "chosen" });
    }
    pub(super) fn measure(&mut self, name: &str, measured: impl Into<Value>, paper: Option<&str>) {
        self.measured.push(Measure { key: None, name: name.into(), measured: measured.into(), paper: paper.map(str::to_string) });
    }
    /// [`Experiment::measure`] under a stable `key` that check files name.
    pub(super) fn keyed(&mut self, key: &str, name: &str, measured: impl Into<Value>, paper: Option<&str>) {
        self.measured.push(Measure { key: Some(key.into()), name: name.into(), measured: measured.into(), paper: paper.map(str::to_string) });
    }
    /// The measured value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.measured.iter().find(|m| m.key.as_deref() == Some(key)).map(|m| &m.measured)
    }
}

pub(super) fn show(v: &Value) -> String {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(x) if n.is_f64() && x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e9) => format!("{x:.3e}"),
            Some(x) if n.is_f64() => format!("{x:.6}"),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        Value::Array(a) => format!("[{}]", a.iter().map(show).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

impl fmt::Display for ExperimentSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.experiments.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "== {} ({} {}): {}{}", e.name, e.paper, e.figure, e.title, if e.quick { "  [--quick: reduced size]" } else { "" })?;
            writeln!(f, "settings (seed {}):", e.seed)?;
            for s in &e.settings {
                writeln!(f, "  {:<34} {}  [{}]", s.name, s.value, if s.source == "paper" { "paper" } else { "not stated in the paper; chosen" })?;
            }
            for d in &e.details {
                writeln!(f, "{d}")?;
            }
            writeln!(f, "measured:")?;
            for m in &e.measured {
                let paper = m.paper.as_ref().map(|p| format!("   (paper: {p})")).unwrap_or_default();
                let key = m.key.as_ref().map(|k| format!("  [{k}]")).unwrap_or_default();
                writeln!(f, "  {:<52} {}{paper}{key}", m.name, show(&m.measured))?;
            }
            if !e.seed_sensitivity.is_empty() {
                writeln!(f, "sensitivity to the seed (seeds {} and the next {}; numbers: min .. max, relative spread):", e.seed, e.seed_sensitivity[0].seeds - 1)?;
                for m in &e.seed_sensitivity {
                    writeln!(f, "  {:<52} {}", m.name, m.summary)?;
                }
            }
            writeln!(f, "({})", e.note)?;
        }
        Ok(())
    }
}

/// Whether `name` is a preset (Chen & Bruna's or a companion paper's).
pub fn exists(name: &str) -> bool {
    NAMES.contains(&name) || super::companion::NAMES.contains(&name) || super::companion::SLOW.contains(&name)
}

/// One preset run on one thread, computed once per process for each `(name, quick, seed)` (the
/// catalogue judges several measures of one run); concurrent callers of the same key wait for
/// the first.
pub fn run_cached(name: &str, quick: bool, seed: u64) -> Result<std::sync::Arc<Experiment>, String> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Cell = Arc<OnceLock<Result<Arc<Experiment>, String>>>;
    static CACHE: OnceLock<Mutex<HashMap<(String, bool, u64), Cell>>> = OnceLock::new();
    let cell: Cell = {
        let mut m = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
        m.entry((name.to_string(), quick, seed)).or_default().clone()
    };
    cell.get_or_init(|| run(name, quick, seed, 1).map(|mut s| Arc::new(s.experiments.remove(0)))).clone()
}

/// Runs the preset `name` (or `all`).
pub fn run(name: &str, quick: bool, seed: u64, threads: usize) -> Result<ExperimentSet, String> {
    let names: Vec<&str> = match name {
        "all" => NAMES.iter().chain(super::companion::NAMES.iter()).copied().collect(),
        n if exists(n) => vec![n],
        n => return Err(format!("--experiment {n} is not one of {}, {}, {}, all", NAMES.join(", "), super::companion::NAMES.join(", "), super::companion::SLOW.join(", "))),
    };
    let mut experiments = vec![];
    for n in names {
        let e = match n {
            n if !NAMES.contains(&n) => super::companion::run(n, quick, seed, threads),
            "fig1" => fig1(quick, seed, threads),
            "fig1bc" => fig1bc(quick, seed, threads),
            "fig2" => fig2(quick, seed, threads),
            "fig4" => fig4(quick, seed),
            "fig12" => fig12(quick, seed),
            "fig7" => fig7(quick, seed),
            "fig5" => fig5(quick, seed),
            "fig6" => fig6(quick, seed),
            _ => fig8(quick, seed, threads),
        };
        experiments.push(e.map_err(|e| format!("the experiment {n} could not be completed: {e}"))?);
    }
    Ok(ExperimentSet { experiments })
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.

/// The 1-D losses of Figures 4 and 12: `¼(x² − 1)²` and `2 sin x`.
#[derive(Clone, Copy)]
enum Scalar {
    Quartic,
    TwoSin,
}

struct ScalarModel(Scalar);

impl ScalarModel {
    /// `(f, f', f'')` at `x` (the one code path).
    fn jet(&self, x: f64) -> (f64, f64, f64) {
        match self.0 {
            Scalar::Quartic => (0.25 * (x * x - 1.0).powi(2), x * (x * x - 1.0), 3.0 * x * x - 1.0),
            Scalar::TwoSin => (2.0 * x.sin(), 2.0 * x.cos(), -2.0 * x.sin()),
        }
    }
}

impl Model for ScalarModel {
    fn dim(&self) -> usize {
        1
    }
    fn loss(&mut self, t: &DVector<f64>) -> SimResult<f64> {
        Ok(self.jet(t[0]).0)
    }
    fn gradient(&mut self, t: &DVector<f64>, g: &mut DVector<f64>) -> SimResult<f64> {
        let (f, d1, _) = self.jet(t[0]);
        g[0] = d1;
        Ok(f)
    }
    fn hvp(&mut self, t: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<()> {
        out[0] = self.jet(t[0]).2 * v[0];
        Ok(())
    }
    fn coordinate_names(&self) -> Vec<String> {
        vec!["x".into()]
    }
}

/// The period-2 orbit `{a, b}` (`0 < a < b`) of GD on `¼(x² − 1)²` at `η > 1`, in closed form:
/// with `c = 1 + η` the orbit's multipliers `p = 1 + η − η a²` solve `p² − c p + 1 = 0`, so
/// `a² = (c − p)/η`, `b² = (c − 1/p)/η` (at `η = 1.05`: `4/√21`, `5/√21`, Theorem 2).
pub fn quartic_orbit(eta: f64) -> Option<(f64, f64)> {
    let c = 1.0 + eta;
    let disc = c * c - 4.0;
    if disc.is_nan() || disc <= 0.0 {
        return None;
    }
    let p = 0.5 * (c + disc.sqrt());
    let (a2, b2) = ((c - p) / eta, (c - 1.0 / p) / eta);
    (a2 > 0.0 && b2 > 0.0).then(|| (a2.sqrt().min(b2.sqrt()), a2.sqrt().max(b2.sqrt())))
}

pub(super) fn gd_config(lr: f64, steps: usize, tail: usize, max_period: usize) -> SimConfig {
    let mut cfg = SimConfig::gd(lr, steps);
    cfg.tail = tail;
    cfg.classify.max_period = max_period;
    cfg.sharpness = false;
    cfg
}

pub(super) fn sim<M: Model + ?Sized>(model: &mut M, theta0: &DVector<f64>, cfg: &SimConfig) -> Result<(SimReport, super::Trajectory), String> {
    simulate_with_tail(model, theta0, cfg).map_err(|e| e.0)
}

pub(super) fn outcome_name(r: &SimReport) -> String {
    match (r.class.outcome, r.class.period) {
        _ if r.class.converging.is_some() => format!("converging to {}, not yet within tolerance", r.class.period.map_or("a point".into(), |p| format!("period {p}"))),
        (Outcome::Periodic, Some(p)) => format!("period {p}"),
        (o, _) => o.name().to_string(),
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn top_sv(m: &DMatrix<f64>) -> f64 {
    m.singular_values().max()
}

// ---------------------------------------------------------------------------------------------
// Figure 1: the divergence map of 2x2 matrix factorisation.

fn fig1(quick: bool, seed: u64, threads: usize) -> Result<Experiment, String> {
    divergence_map(None, quick, seed, threads)
}

/// Figure 1(b, c): the quasi-symmetric start `(α X0, X0/α)` with `X0 = diag(σ1, σ2)`.
fn fig1bc(quick: bool, seed: u64, threads: usize) -> Result<Experiment, String> {
    divergence_map(Some(0.8), quick, seed, threads)
}

/// Whether GD diverges on every cell `(a1, a2)` of the grid (`C = diag(a1, a2)`, `η = 1`).
fn map_cells(cells: &[(f64, f64)], alpha: Option<f64>, scale: f64, seed: u64, steps: usize, threads: usize) -> Result<Vec<bool>, String> {
    let mut rng = Rng::new(seed);
    let noise = DVector::from_fn(8, |_, _| scale * rng.normal());
    let cfg = gd_config(1.0, steps, 64, 16);
    let one = |i: usize| -> Result<bool, String> {
        let (a1, a2) = cells[i];
        let mut m = MfModel::new(DMatrix::from_diagonal(&DVector::from_vec(vec![a1, a2])), 2);
        let theta0 = MfModel::figure1_start(a1, a2, alpha, &noise);
        Ok(sim(&mut m, &theta0, &cfg)?.0.class.outcome == Outcome::Diverged)
    };
    parallel_map(cells.len(), threads, &one, &|_, _| {}).into_iter().collect()
}

fn divergence_map(alpha: Option<f64>, quick: bool, seed: u64, threads: usize) -> Result<Experiment, String> {
    let mut e = match alpha {
        None => Experiment::new("fig1", "Figure 1(a)", "divergence map of 2x2 matrix factorisation against eta(sigma1^2 + sigma2^2) < 2", quick, seed),
        Some(_) => Experiment::new(
            "fig1bc",
            "Figure 1(b, c)",
            "divergence map of 2x2 matrix factorisation from a quasi-symmetric start against eta(sigma1^2/alpha^2 + sigma2^2 alpha^2) < 2",
            quick,
            seed,
        ),
    };
    let (n, steps) = if quick { (9, 400) } else { (41, 3000) };
    let scale = if alpha.is_some() { 0.01 } else { 0.1 };
    let axis = linspace(0.0, 2.0, n);
    let axis: Vec<f64> = axis.iter().map(|&a| if a == 0.0 { 0.01 } else { a }).collect();
    // The predicted quantity: finite iff g < 2 (generic; Observation 1), finite if g < 2
    // (quasi-symmetric; Eq. (9), a sufficient condition).
    let g = |a1: f64, a2: f64| match alpha {
        None => a1 + a2,
        // The paper orders sigma1 >= sigma2: the larger of a1, a2 takes the 1/alpha^2.
        Some(al) => a1.max(a2) / (al * al) + a1.min(a2) * al * al,
    };
    let gname = match alpha {
        None => "a1 + a2".to_string(),
        Some(al) => format!("max(a1,a2)/{al}^2 + min(a1,a2) {al}^2"),
    };
    e.paper("loss", "|Y Z^T - C|_F^2 / 2, Y, Z in R^{2x2}, C = diag(sigma1^2, sigma2^2)");
    match alpha {
        None => e.paper("prediction (Observation 1)", "finite iff eta(sigma1^2 + sigma2^2) < 2"),
        Some(al) => {
            e.paper("prediction (Observation 2, Eq. (9))", "finite if eta(sigma1^2/alpha^2 + sigma2^2 alpha^2) < 2 (sufficient)");
            e.chosen("alpha", al);
        }
    }
    e.chosen("eta", 1.0);
    e.chosen("grid of a1 = eta sigma1^2 and a2 = eta sigma2^2", format!("{n} x {n} points from 0.01 to 2 (spacing {:.3})", 2.0 / (n - 1) as f64));
    match alpha {
        None => e.chosen("generic initialisation", format!("every entry of Y and Z ~ {scale} N(0,1), seed {seed}, the same start for every cell")),
        Some(al) => e.chosen(
            "quasi-symmetric initialisation",
            format!("(Y, Z) = ({al} X0, X0/{al}) + {scale} N(0,1) per entry, X0 = diag(sigma1, sigma2), seed {seed}"),
        ),
    }
    e.chosen("steps", steps);
    e.chosen("diverged", "an iterate beyond 1e100 or a non-finite loss");
    let cells: Vec<(f64, f64)> = axis.iter().flat_map(|&y| axis.iter().map(move |&x| (x, y))).collect();
    let div = map_cells(&cells, alpha, scale, seed, steps, threads)?;
    let on_line = |a1: f64, a2: f64| (g(a1, a2) - 2.0).abs() < 1e-9;
    let (mut agree, mut beyond, mut inside, mut line) = (0, 0, 0, 0);
    for (&(a1, a2), &d) in cells.iter().zip(&div) {
        if on_line(a1, a2) {
            line += 1;
            continue;
        }
        let pred_finite = g(a1, a2) < 2.0;
        agree += (pred_finite != d) as usize;
        beyond += (!pred_finite && !d) as usize;
        inside += (pred_finite && d) as usize;
    }
    e.details.push(format!(
        "rows: a2 = eta sigma2^2 (top = 2); columns: a1 = eta sigma1^2 from 0.01 to 2; '#' diverged, '.' finite, '+' finite with {gname} > 2, 'x' diverged with {gname} < 2, '/' finite and 'X' diverged on {gname} = 2"
    ));
    for (r, &a2) in axis.iter().enumerate().rev() {
        let row: String = (0..n)
            .map(|c| match (div[r * n + c], g(axis[c], a2) < 2.0) {
                (false, _) if on_line(axis[c], a2) => '/',
                (true, _) if on_line(axis[c], a2) => 'X',
                (true, true) => 'x',
                (true, false) => '#',
                (false, true) => '.',
                (false, false) => '+',
            })
            .collect();
        e.details.push(format!("{a2:6.3} {row}"));
    }
    let cellsn = cells.len() - line;
    e.measure(&format!("cells (off the line {gname} = 2)"), cellsn, None);
    e.measure(
        &format!("cells on the line {gname} = 2 (finite of them)"),
        json!([line, (0..cells.len()).filter(|&i| on_line(cells[i].0, cells[i].1) && !div[i]).count()]),
        None,
    );
    let paper_agree = if alpha.is_none() {
        "the boundary a1 + a2 = 2 is verified (Figure 1(a)); no count given"
    } else {
        "the bound is verified as a sufficient condition; no count given"
    };
    e.measure("cells agreeing with the prediction", agree, Some(paper_agree));
    e.measure("fraction agreeing", round6(agree as f64 / cellsn.max(1) as f64), None);
    e.keyed("finite_beyond_boundary", &format!("finite cells with {gname} > 2"), beyond, None);
    e.keyed("diverged_inside_boundary", &format!("diverged cells with {gname} < 2"), inside, Some(if alpha.is_none() { "none" } else { "none (sufficient condition)" }));
    if alpha.is_none() {
        // The empirical boundary: for each a1, the largest a2 of the grid below the first
        // diverged one, against 2 - a1 (signed: positive = finite beyond the line).
        let mut boundary = vec![];
        let (mut dev_right, mut dev_left): (Vec<f64>, Vec<f64>) = (vec![], vec![]);
        for (c, &a1) in axis.iter().enumerate() {
            let first_div = (0..n).find(|&r| div[r * n + c]);
            let last_finite = match first_div {
                Some(0) => None,
                Some(r) => Some(axis[r - 1]),
                None => Some(axis[n - 1]),
            };
            if let (Some(b), Some(_)) = (last_finite, first_div) {
                let dev = b - (2.0 - a1);
                if a1 > 1.0 {
                    dev_right.push(dev);
                } else {
                    dev_left.push(dev);
                }
            }
            boundary.push(json!({"a1": round6(a1), "largest_finite_a2": last_finite.map(round6), "predicted": round6(2.0 - a1)}));
        }
        let stat = |v: &[f64]| -> (Value, Value) {
            if v.is_empty() {
                return (Value::Null, Value::Null);
            }
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (json!(round6(mean)), json!(round6(max)))
        };
        let (mr, xr) = stat(&dev_right);
        let (ml, xl) = stat(&dev_left);
        e.measure(
            "a1 > 1: mean of (largest finite a2) - (2 - a1)",
            mr,
            Some("the empirical boundary is close to the line a1 + a2 = 2 when a1 > 1, and stays linear well beyond 1.121"),
        );
        e.measure("a1 > 1: max of (largest finite a2) - (2 - a1)", xr, None);
        e.measure("a1 <= 1: mean of (largest finite a2) - (2 - a1)", ml, None);
        e.measure("a1 <= 1: max of (largest finite a2) - (2 - a1)", xl, None);
        e.data = json!({"axis": axis.iter().map(|&a| round6(a)).collect::<Vec<_>>(), "diverged": div, "boundary": boundary});
    } else {
        e.data = json!({"axis": axis.iter().map(|&a| round6(a)).collect::<Vec<_>>(), "diverged": div});
    }
    e.measure("grid spacing (resolution of the boundary)", round6(2.0 / (n - 1) as f64), None);
    // Sensitivity to the chosen settings: another seed, and three times the steps.
    let other = map_cells(&cells, alpha, scale, seed.wrapping_add(1), steps, threads)?;
    let longer = map_cells(&cells, alpha, scale, seed, 3 * steps, threads)?;
    let changed = |v: &[bool]| v.iter().zip(&div).filter(|(a, b)| a != b).count();
    e.measure("sensitivity: cells that change with seed + 1", changed(&other), None);
    e.measure(&format!("sensitivity: cells that change with {} steps", 3 * steps), changed(&longer), None);
    Ok(e)
}

// ---------------------------------------------------------------------------------------------
// Figure 2: sigma_max(Y), sigma_max(Z) against eta (bifurcation diagram of 2x2 MF).

/// One η of Figure 2: the outcome's name, period, outcome, and `(σmax(Y), σmax(Z))` of the
/// last iterates.
type Fig2Row = (String, Option<usize>, Outcome, Vec<(f64, f64)>);

fn fig2(quick: bool, seed: u64, threads: usize) -> Result<Experiment, String> {
    let mut e = Experiment::new("fig2", "Figure 2", "sigma_max(Y) and sigma_max(Z) of 2x2 matrix factorisation against eta sigma1^2", quick, seed);
    let (n, steps) = if quick { (23, 4000) } else { (221, 20000) };
    let s2 = 0.25;
    e.paper("loss", "|Y Z^T - C|_F^2 / 2 with generic initialisation");
    e.paper("iterates reported per eta", 10);
    e.chosen("C", format!("diag(1, {s2}) (sigma1^2 = 1, so eta sigma1^2 = eta)"));
    e.chosen("eta grid", format!("{n} values from 0.9 to 1.45"));
    e.chosen("initialisation", format!("every entry of Y, Z ~ 0.1 N(0,1), seed {seed}, the same for every eta"));
    e.chosen("steps per eta", steps);
    e.chosen("period test", "relative tolerance 1e-9 over the last 1024 iterates, periods up to 64");
    let lrs = linspace(0.9, 1.45, n);
    let mut rng = Rng::new(seed);
    let theta0 = DVector::from_fn(8, |_, _| 0.1 * rng.normal());
    let c = DMatrix::from_diagonal(&DVector::from_vec(vec![1.0, s2]));
    let one = |i: usize| -> Result<Fig2Row, String> {
        let mut m = MfModel::new(c.clone(), 2);
        let (rep, traj) = sim(&mut m, &theta0, &gd_config(lrs[i], steps, 1024, 64))?;
        let svs = traj.tail[traj.tail.len().saturating_sub(10)..]
            .iter()
            .map(|t| {
                let (y, z) = m.factors(t);
                (top_sv(&y), top_sv(&z))
            })
            .collect();
        Ok((outcome_name(&rep), rep.class.period, rep.class.outcome, svs))
    };
    let rows: Vec<_> = parallel_map(n, threads, &one, &|_, _| {}).into_iter().collect::<Result<_, _>>()?;
    e.details
        .push(format!("{:>8}  {:<15} {:>12}  sigma_max(Y) of the last 10 iterates (sigma_max(Z) equal to 1e-6 unless marked)", "eta", "outcome", "max|dY-dZ|"));
    let mut data = vec![];
    let range = |pred: &dyn Fn(usize) -> bool| -> Value {
        let hits: Vec<f64> = (0..n).filter(|&i| pred(i)).map(|i| lrs[i]).collect();
        match (hits.first(), hits.last()) {
            (Some(a), Some(b)) => json!([round6(*a), round6(*b)]),
            _ => Value::Null,
        }
    };
    for (i, (name, _, outcome, svs)) in rows.iter().enumerate() {
        let gap = svs.iter().map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        let ys: Vec<String> = svs.iter().map(|(a, _)| format!("{a:.4}")).collect();
        let mark = if gap > 1e-6 { " *" } else { "" };
        if !quick && i % 4 != 0 {
            // Print every fourth row of the full sweep; the JSON has all of them.
        } else {
            e.details.push(format!("{:>8.4}  {:<15} {:>12.2e}  {}{mark}", lrs[i], name, gap, ys.join(" ")));
        }
        data.push(json!({"eta": round6(lrs[i]), "outcome": outcome, "period": rows[i].1, "sigma_max": svs, "balance_gap": gap}));
    }
    let rows = &rows;
    let per = |p: usize| move |i: usize| rows[i].1 == Some(p) && rows[i].2 == Outcome::Periodic;
    let first = |pred: &dyn Fn(usize) -> bool| (0..n).find(|&i| pred(i)).map(|i| round6(lrs[i]));
    e.measure("first eta that oscillates (not converged)", first(&|i| rows[i].2 != Outcome::Converged), Some("no oscillation for eta sigma1^2 < 1"));
    e.measure("eta range of period 2", range(&per(2)), Some("(1, 1.23)"));
    e.measure("eta range of period 4", range(&per(4)), Some("(1.23, 1.28)"));
    e.measure("eta range of period 8", range(&per(8)), None);
    e.measure(
        "first eta > 1 neither converged nor period <= 8",
        first(&|i| lrs[i] > 1.0 + 1e-9 && !(rows[i].2 == Outcome::Converged || (rows[i].2 == Outcome::Periodic && rows[i].1.unwrap_or(99) <= 8))),
        Some("rather chaotic beyond 1.28"),
    );
    e.measure("first eta classified chaotic", first(&|i| rows[i].2 == Outcome::Chaotic), None);
    let balanced_upto = (0..n).filter(|&i| lrs[i] > 1.0).take_while(|&i| rows[i].3.iter().all(|(a, b)| (a - b).abs() <= 1e-6)).last().map(|i| round6(lrs[i]));
    e.measure("largest eta up to which sigma_max(Y) = sigma_max(Z) (1e-6) for every eta > 1", balanced_upto, Some("balanced for eta sigma1^2 in (1, 1.38)"));
    e.measure("diverged etas", (0..n).filter(|&i| rows[i].2 == Outcome::Diverged).count(), None);
    e.measure("1-D prediction of the period-doubling eta (sqrt 5 - 1)", round6(5f64.sqrt() - 1.0), Some("1.236 (Appendix L)"));
    e.data = Value::Array(data);
    Ok(e)
}

// ---------------------------------------------------------------------------------------------
// Figures 4 and 12: 1-D functions.

fn scalar_run(kind: Scalar, lr: f64, x0: f64, steps: usize) -> Result<SimReport, String> {
    let mut m = ScalarModel(kind);
    let mut cfg = gd_config(lr, steps, 1024, 64);
    cfg.sharpness = true;
    Ok(sim(&mut m, &DVector::from_element(1, x0), &cfg)?.0)
}

fn orbit_points(r: &SimReport) -> Value {
    json!(r.class.points.iter().map(|p| round_sig(p[0])).collect::<Vec<_>>())
}

fn round_sig(x: f64) -> f64 {
    (x * 1e12).round() / 1e12
}

fn fig4(quick: bool, seed: u64) -> Result<Experiment, String> {
    let mut e = Experiment::new("fig4", "Figure 4", "GD just beyond 2/f'' on f(x) = (x^2 - 1)^2/4 and f(x) = 2 sin x", quick, seed);
    let lr = 1.01;
    let steps = if quick { 5000 } else { 20000 };
    let (xq, xs) = (0.8, -std::f64::consts::FRAC_PI_2 + 0.2);
    e.paper("eta", lr);
    e.paper("2/f'' at the minima", "1 (f'' = 2 at x = 1 and at x = -pi/2)");
    e.chosen("start of (x^2 - 1)^2/4", xq);
    e.chosen("start of 2 sin x", format!("-pi/2 + 0.2 = {xs:.6}"));
    e.chosen("steps", steps);
    let rq = scalar_run(Scalar::Quartic, lr, xq, steps)?;
    let rs = scalar_run(Scalar::TwoSin, lr, xs, steps)?;
    e.measure("quartic: outcome", outcome_name(&rq), Some("stable oscillation around the minimum"));
    e.measure("quartic: orbit points", orbit_points(&rq), None);
    let pred = quartic_orbit(lr).map(|(a, b)| json!([round_sig(a), round_sig(b)])).unwrap_or(Value::Null);
    e.measure("quartic: closed-form period-2 orbit (p^2 - (1+eta)p + 1 = 0)", pred, None);
    e.measure("2 sin x: outcome", outcome_name(&rs), Some("stable oscillation around the minimum"));
    e.measure("2 sin x: orbit points", orbit_points(&rs), None);
    e.measure(
        "2 sin x: orbit points minus the minimum -pi/2",
        json!(rs.class.points.iter().map(|p| round_sig(p[0] + std::f64::consts::FRAC_PI_2)).collect::<Vec<_>>()),
        None,
    );
    Ok(e)
}

fn fig12(quick: bool, seed: u64) -> Result<Experiment, String> {
    let mut e = Experiment::new("fig12", "Figure 12 (Appendix L)", "period 2 at eta = 1.05 and 1.235, period 4 at 1.237 on (x^2 - 1)^2/4", quick, seed);
    let x0 = 0.5;
    let steps = 200_000; // cheap in 1-D; needed close to the bifurcation at sqrt 5 - 1
    e.paper("loss", "(x^2 - 1)^2 / 4");
    e.paper("learning rates", "1.05, 1.235, 1.237");
    e.chosen("start", x0);
    e.chosen("steps", steps);
    for (lr, want) in [(1.05, "period 2; Theorem 2: 4/sqrt 21 = 0.872872, 5/sqrt 21 = 1.091089"), (1.235, "period 2"), (1.237, "period 4")] {
        let r = scalar_run(Scalar::Quartic, lr, x0, steps)?;
        e.measure(&format!("eta = {lr}: outcome"), outcome_name(&r), Some(want));
        e.measure(&format!("eta = {lr}: orbit points"), orbit_points(&r), None);
        if let Some(l) = r.class.lyapunov {
            e.measure(&format!("eta = {lr}: Lyapunov exponent"), round_sig(l), None);
        }
    }
    e.measure("period-doubling eta, sqrt 5 - 1", round6(5f64.sqrt() - 1.0), Some("approximately 1.236"));
    Ok(e)
}

// ---------------------------------------------------------------------------------------------
// Figure 7: f(x, y) = (xy - 1)^2 / 2.

fn fig7(quick: bool, seed: u64) -> Result<Experiment, String> {
    let mut e = Experiment::new("fig7", "Figure 7", "GD on (xy - 1)^2/2 balances |x - y| and follows the 1-D orbit", quick, seed);
    let (x0, y0) = (1.6, 0.4);
    let steps = if quick { 20_000 } else { 100_000 };
    e.paper("loss", "(xy - 1)^2 / 2");
    e.paper("learning rates", "1.05, 1.25");
    e.chosen("start (x, y)", format!("({x0}, {y0})"));
    e.chosen("steps", steps);
    let c = DMatrix::from_element(1, 1, 1.0);
    for (lr, want) in [(1.05, "period 2"), (1.25, "period 4")] {
        let mut m = MfModel::new(c.clone(), 1);
        let (r, traj) = sim(&mut m, &DVector::from_row_slice(&[x0, y0]), &gd_config(lr, steps, 1024, 64))?;
        let gap = traj.tail.iter().map(|t| (t[0] - t[1]).abs()).fold(0.0, f64::max);
        e.measure(&format!("eta = {lr}: outcome"), outcome_name(&r), Some(want));
        e.measure(&format!("eta = {lr}: max |x - y| over the last {} iterates", traj.tail.len()), gap, Some("|x - y| decays sharply"));
        let xy: Vec<f64> = r.class.points.iter().map(|p| round_sig(p[0] * p[1])).collect();
        e.measure(&format!("eta = {lr}: xy on the orbit"), json!(xy), None);
        if let Some((a, b)) = quartic_orbit(lr) {
            e.measure(&format!("eta = {lr}: 1-D period-2 orbit squared (a^2, b^2)"), json!([round_sig(a * a), round_sig(b * b)]), None);
        }
    }
    Ok(e)
}

// ---------------------------------------------------------------------------------------------
// Figure 5: the single ReLU neuron.

/// GD from `theta0`: `(‖w_⊥‖, |v − w_x|)` after every step (`w_⊥` = the part of `w` off
/// the teacher; `w_y` in the population model).
fn neuron_series<M: Model>(m: &mut M, theta0: &DVector<f64>, lr: f64, steps: usize) -> Result<Vec<(f64, f64)>, String> {
    let mut st = Stepper::new(Method::Gd, Schedule::Constant(lr), m.dim());
    let mut t = theta0.clone();
    let mut out = Vec::with_capacity(steps);
    for _ in 0..steps {
        st.step(m, &mut t, lr).map_err(|e: SimError| e.0)?;
        out.push((t.rows(2, t.len() - 2).norm(), (t[0] - t[1]).abs()));
    }
    Ok(out)
}

/// The first step from which `x` stays at most `thr` to the end.
fn settled_from(xs: impl DoubleEndedIterator<Item = f64> + ExactSizeIterator, thr: f64) -> Option<usize> {
    let n = xs.len();
    let above = xs.rev().position(|x| x.is_nan() || x > thr);
    match above {
        Some(0) => None,
        Some(k) => Some(n - k + 1),
        None => Some(1),
    }
}

fn fig5(quick: bool, seed: u64) -> Result<Experiment, String> {
    let mut e = Experiment::new(
        "fig5",
        "Figure 5 (Section 5, Theorem 4, Proposition 4)",
        "the single ReLU neuron at eta = 1.1 d: w_y decays, then |v - w_x|, then a period-2 orbit",
        quick,
        seed,
    );
    let (d, n, lr) = (2usize, 1000usize, 2.2);
    let steps = if quick { 2000 } else { 10_000 };
    let thr: f64 = 1e-3;
    e.paper("network", "v relu(w.x), teacher relu(x_1) (w~ = [1, 0])");
    e.paper("data", format!("{n} points uniform on S^1 (empirical loss (1/N) sum (f - y)^2)"));
    e.paper("eta", "2.2 = 1.1 d (d = 2)");
    e.paper("start", "v = 0.1, w = [0, 0.1]");
    e.chosen("data seed", seed);
    e.chosen("steps", steps);
    e.chosen("'decayed'", format!("at most max({thr}, 2 x the level over the last 1024 iterates) from that step on"));
    let theta0 = DVector::from_row_slice(&[0.1, 0.0, 0.1]);
    let mut emp = NeuronEmpirical::new(d, n, seed);
    let mut pop = NeuronModel::new(d);
    let pred = quartic_orbit(lr / d as f64);
    e.measure(
        "Proposition 4: delta1, delta2 (1-D orbit at K = eta/d = 1.1)",
        pred.map(|(a, b)| json!([round6(a), round6(b)])).unwrap_or(Value::Null),
        Some("delta1 in (0, 1), delta2 in (1, 2)"),
    );
    for (label, model) in [("empirical", &mut emp as &mut dyn Model), ("population", &mut pop as &mut dyn Model)] {
        let series = match label {
            "empirical" => neuron_series(&mut NeuronEmpirical::new(d, n, seed), &theta0, lr, steps)?,
            _ => neuron_series(&mut NeuronModel::new(d), &theta0, lr, steps)?,
        };
        let (r, traj) = sim(model, &theta0, &gd_config(lr, steps, 1024, 64))?;
        e.keyed(&format!("{label}_outcome"), &format!("{label}: outcome"), outcome_name(&r), Some("period-2 orbit (Proposition 4, population loss)"));
        e.measure(
            &format!("{label}: orbit points (v, w_x, w_y)"),
            json!(r.class.points.iter().map(|p| p.iter().map(|&x| round6(x)).collect::<Vec<_>>()).collect::<Vec<_>>()),
            Some("(delta1, delta1, 0), (delta2, delta2, 0)"),
        );
        let wy = traj.tail.iter().map(|t| t[2].abs()).fold(0.0, f64::max);
        let imb = traj.tail.iter().map(|t| (t[0] - t[1]).abs()).fold(0.0, f64::max);
        e.measure(&format!("{label}: max |w_y| over the last {} iterates", traj.tail.len()), wy, Some("small (residual from the empirical loss)"));
        e.measure(&format!("{label}: max |v - w_x| over the last {} iterates", traj.tail.len()), imb, Some("small"));
        // "Decayed": at most max(thr, 2 x its level over the tail) from then on.
        let (tw, ti) = (thr.max(2.0 * wy), thr.max(2.0 * imb));
        e.measure(&format!("{label}: step from which |w_y| <= {tw:.3e}"), settled_from(series.iter().map(|s| s.0), tw), None);
        e.measure(
            &format!("{label}: step from which |v - w_x| <= {ti:.3e}"),
            settled_from(series.iter().map(|s| s.1), ti),
            Some("w_y decays before |v - w_x|"),
        );
    }
    Ok(e)
}

// ---------------------------------------------------------------------------------------------
// Figure 6: symmetric and quasi-symmetric 8x8 matrix factorisation.

fn fig6(quick: bool, seed: u64) -> Result<Experiment, String> {
    let mut e = Experiment::new(
        "fig6",
        "Figure 6 (Observation 2)",
        "8x8 matrix factorisation from (X0, X0) and (0.8 X0, X0/0.8) at 1.02 x the EoS threshold",
        quick,
        seed,
    );
    let d = 8;
    let steps = if quick { 3000 } else { 20_000 };
    let (alpha, noise) = (0.8, 0.01);
    let mut rng = Rng::new(seed);
    let x0 = DMatrix::from_fn(d, d, |_, _| rng.normal());
    let c = &x0 * x0.transpose();
    let mut m = MfModel::new(c.clone(), d);
    let sym = MfModel::pack(&x0, &x0);
    let lam = sharpness::sharpness(&mut m, &sym).map_err(|e| e.0)?;
    let lr = 1.02 * 2.0 / lam;
    let s1c = c.singular_values().max();
    e.paper("C", "X0 X0^T in R^{8x8}");
    e.paper("learning rate", "1.02 x the EoS threshold");
    e.paper("alpha", alpha);
    e.chosen("X0", format!("entries N(0,1), seed {seed} (sigma_max(X0) = {:.4})", s1c.sqrt()));
    e.chosen("EoS threshold", format!("2 / lambda_max(Hessian at (X0, X0)) = 2/{lam:.6}; eta = {lr:.6}"));
    e.chosen("'near' the start", format!("plus {noise} N(0,1) per entry"));
    e.chosen("steps", steps);
    let cfg = gd_config(lr, steps, 1024, 64);
    let orbit = quartic_orbit(lr * s1c);
    let pred = orbit.map(|(a, b)| json!([round6(a * s1c.sqrt()), round6(b * s1c.sqrt())])).unwrap_or(Value::Null);
    e.measure("eta sigma1(C)", round6(lr * s1c), None);
    let svx = x0.singular_values();
    let mut svx: Vec<f64> = svx.iter().copied().collect();
    svx.sort_by(|a, b| b.total_cmp(a));
    e.measure("predicted sigma_max orbit (1-D orbit at eta sigma1(C), times sigma1(X0))", pred, Some("about 6.1 and 5.3"));
    e.keyed(
        "orbit_ratio",
        "ratio of the two orbit values (independent of the scale of X0)",
        orbit.map(|(a, b)| json!(round6(b / a))).unwrap_or(Value::Null),
        Some("6.1/5.3 = 1.150943"),
    );
    e.measure("sigma1(X0) the paper's 6.1 implies (6.1 / delta2)", orbit.map(|(_, b)| json!(round6(6.1 / b))).unwrap_or(Value::Null), None);
    e.measure("sigma2(X0) / alpha (a singular value of Z off the oscillating direction)", round6(svx.get(1).copied().unwrap_or(0.0) / alpha), None);
    for (label, y, z) in [("symmetric", x0.clone(), x0.clone()), ("quasi-symmetric", &x0 * alpha, &x0 / alpha)] {
        let mut t = MfModel::pack(&y, &z);
        for v in t.iter_mut() {
            *v += noise * rng.normal();
        }
        let mut m = MfModel::new(c.clone(), d);
        let (r, traj) = sim(&mut m, &t, &cfg)?;
        let last: Vec<(f64, f64)> = traj.tail[traj.tail.len().saturating_sub(4)..]
            .iter()
            .map(|t| {
                let (y, z) = m.factors(t);
                (round6(top_sv(&y)), round6(top_sv(&z)))
            })
            .collect();
        e.measure(&format!("{label}: outcome"), outcome_name(&r), Some("period-2 orbit"));
        e.measure(&format!("{label}: (sigma_max(Y), sigma_max(Z)) of the last 4 iterates"), json!(last), Some("about 6.1 and 5.3, the same orbit in Y and Z"));
        e.measure(&format!("{label}: last loss"), r.last_loss, None);
    }
    Ok(e)
}

// ---------------------------------------------------------------------------------------------
// Figure 8: the 16-neuron teacher-student network.

fn fig8(quick: bool, seed: u64, threads: usize) -> Result<Experiment, String> {
    let mut e = Experiment::new("fig8", "Figure 8 (Appendix B.3.1)", "16-neuron teacher-student: GD beyond EoS drives to the flattest minimum", quick, seed);
    let (k, d) = (16usize, 16usize);
    let m_pts = if quick { 1000 } else { 10_000 };
    let (lr_small, lr_large, epochs, decay_epochs) = (0.5, 2.6, 100usize, 20usize);
    e.paper("teacher / student", "sum_i relu(e_i.x) / sum_i v_i relu(w_i.x), 16 neurons, x in R^16");
    if quick {
        e.chosen("data", format!("{m_pts} points uniform on S^15 (the paper: 10000)"));
    } else {
        e.paper("data", format!("{m_pts} points uniform on S^15"));
    }
    e.paper("start", "w_i = k_i (e_i + 0.01 eps), k_i = 1 + 0.0625 (i - 1)");
    e.chosen("v_i at the start", "1 / k_i (so |w_i|/v_i = k_i^2 as Figure 8(c) reports for lr 0.5)");
    e.paper("learning rates", format!("{lr_small} and {lr_large} for {epochs} epochs; then {decay_epochs} more at {lr_small} for the {lr_large} run"));
    e.chosen("epoch", "one full-batch GD step");
    e.chosen("loss", "(1/m) sum_j (f(x_j) - y_j)^2 (eq. (20) read as the mean over the data)");
    e.chosen("data and noise seed", seed);
    let model = TeacherStudent::new(k, d, m_pts, seed);
    let theta0 = teacher_student::paper_init(k, d, &mut Rng::new(seed ^ 0x9e37_79b9));
    let sharp = |t: &DVector<f64>| -> Result<f64, String> {
        let mut m = TeacherStudent::new(k, d, m_pts, seed);
        sharpness::sharpness(&mut m, t).map_err(|e| e.0)
    };
    let lam0 = sharp(&theta0)?;
    e.measure("2 / sharpness at the (sharp) start", round6(2.0 / lam0), None);
    let run = |lrs: &[(f64, usize)]| -> Result<DVector<f64>, String> {
        let mut m = TeacherStudent::new(k, d, m_pts, seed);
        let mut t = theta0.clone();
        let mut st = Stepper::new(Method::Gd, Schedule::Constant(lrs[0].0), m.dim());
        for &(lr, n) in lrs {
            for _ in 0..n {
                st.step(&mut m, &mut t, lr).map_err(|e| e.0)?;
            }
        }
        Ok(t)
    };
    let small = run(&[(lr_small, epochs)])?;
    let large = run(&[(lr_large, epochs)])?;
    let decayed = run(&[(lr_large, epochs), (lr_small, decay_epochs)])?;
    let stats = |t: &DVector<f64>| {
        let r = model.ratios(t);
        let mean = r.iter().sum::<f64>() / r.len() as f64;
        (round6(r.iter().copied().fold(f64::INFINITY, f64::min)), round6(mean), round6(r.iter().copied().fold(f64::NEG_INFINITY, f64::max)), r)
    };
    let mut lossm = TeacherStudent::new(k, d, m_pts, seed);
    for (tag, label, t, paper) in [
        ("small_lr", format!("lr {lr_small}, {epochs} epochs"), &small, "stay at k_i^2 (1 to 3.754)"),
        ("large_lr", format!("lr {lr_large}, {epochs} epochs"), &large, "oscillate around the flatter minimum"),
        ("large_then_small_lr", format!("lr {lr_large} then {lr_small}"), &decayed, "all ratios near 1.21"),
    ] {
        let (lo, mean, hi, r) = stats(t);
        e.measure(&format!("{label}: |w_i|/v_i min, mean, max"), json!([lo, mean, hi]), Some(paper));
        e.details.push(format!("|w_i|/v_i after {label}: {}", r.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(" ")));
        e.keyed(&format!("sharpness_{tag}"), &format!("{label}: sharpness"), round6(sharp(t)?), None);
        e.measure(&format!("{label}: loss"), lossm.loss(t).map_err(|e| e.0)?, None);
    }
    // The sharpness of the minima w_i = k e_i, v_i = 1/k against k^2 (Figure 8(e, f)).
    let grid = linspace(0.8, 1.8, if quick { 11 } else { 51 });
    let one = |i: usize| -> Result<f64, String> {
        let kk = grid[i].sqrt();
        let mut t = DVector::zeros(k * (d + 1));
        for j in 0..k {
            t[j] = 1.0 / kk;
            t[k + j * d + j] = kk;
        }
        sharp(&t)
    };
    let sh: Vec<f64> = parallel_map(grid.len(), threads, &one, &|_, _| {}).into_iter().collect::<Result<_, _>>()?;
    let best = (0..grid.len()).min_by(|&a, &b| sh[a].total_cmp(&sh[b])).unwrap_or(0);
    e.measure("k^2 of the flattest uniform minimum (grid)", round6(grid[best]), Some("1.21"));
    e.measure("sharpness there", round6(sh[best]), None);
    e.measure("2 / sharpness of the flattest uniform minimum (EoS learning rate there)", round6(2.0 / sh[best]), Some("EoS threshold around 2.5"));
    e.measure("k^2 grid spacing", round6(grid.get(1).map_or(0.0, |g| g - grid[0])), None);
    e.data = json!({"k2": grid.iter().map(|&g| round6(g)).collect::<Vec<_>>(), "sharpness": sh.iter().map(|&s| round6(s)).collect::<Vec<_>>()});
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartic_orbit_is_theorem_2_at_1_05() {
        let (a, b) = quartic_orbit(1.05).unwrap();
        let s = 21f64.sqrt();
        assert!((a - 4.0 / s).abs() < 1e-12 && (b - 5.0 / s).abs() < 1e-12);
        assert!(quartic_orbit(0.9).is_none());
    }

    #[test]
    fn settled_from_counts_steps_from_one() {
        let xs = [1.0, 0.1, 2.0, 0.1, 0.05];
        assert_eq!(settled_from(xs.iter().copied(), 0.5), Some(4));
        assert_eq!(settled_from(xs.iter().copied(), 5.0), Some(1));
        assert_eq!(settled_from(xs.iter().copied(), 0.01), None);
    }

    #[test]
    fn unknown_experiment_is_an_error() {
        assert!(run("fig99", true, 0, 1).is_err());
    }
}
