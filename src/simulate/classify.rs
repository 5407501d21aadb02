//! Classification of the tail of a trajectory: converged (to which point, and what kind of
//! critical point it is), periodic with period `p ≤ max_period` (and the orbit points),
//! quasi-periodic, chaotic (largest Lyapunov exponent > tolerance), or diverged.
//!
//! Rules, in order: a run that left the bounds is *diverged*. Otherwise the smallest `p` with
//! `‖θ_{t} − θ_{t−p}‖_∞ ≤ tol` for every `t` of the tail (`tol = rel_tol · (1 + max ‖θ‖_∞)`)
//! gives *converged* (`p = 1`) or *periodic*. Otherwise the largest Lyapunov exponent `λ`,
//! averaged along the tail from the tangent map, decides: `λ > lyap_tol` is *chaotic*,
//! `|λ| ≤ lyap_tol` *quasi-periodic*; `λ < −lyap_tol` means the run is still contracting toward
//! something, so the period test is repeated at `LOOSE_FACTOR · tol` and the result is marked
//! not settled. A tail whose mismatch `‖θ_t − θ_{t−p}‖_∞` shrinks steadily without reaching the
//! tolerance (slow geometric or algebraic convergence, see [`converging`]) is reported as
//! *converging, not yet within tolerance*: outcome converged (or periodic), not settled, with the
//! contraction rate — never quasi-periodic.
//!
//! Guarantee: a floating-point observation with the tolerances reported; a cross-check, never a
//! certificate.

use super::dynamics::{Method, Stepper, Trajectory};
use super::model::{Model, SimResult};
use super::rng::Rng;
use nalgebra::DVector;
use serde::Serialize;

/// The five outcomes of SPEC.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Converged,
    Periodic,
    QuasiPeriodic,
    Chaotic,
    Diverged,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Converged => "converged",
            Outcome::Periodic => "periodic",
            Outcome::QuasiPeriodic => "quasi-periodic",
            Outcome::Chaotic => "chaotic",
            Outcome::Diverged => "diverged",
        }
    }
}

/// Tolerances of the classification.
#[derive(Clone, Copy, Debug)]
pub struct ClassifyOptions {
    /// Relative tolerance of the period test.
    pub rel_tol: f64,
    /// Periods tried: 1..=max_period.
    pub max_period: usize,
    /// `|λ|` at most this is "zero".
    pub lyap_tol: f64,
    /// At most this many tail points enter the Lyapunov average (each costs a tangent step).
    pub lyap_points: usize,
}

impl Default for ClassifyOptions {
    fn default() -> Self {
        ClassifyOptions { rel_tol: 1e-9, max_period: 64, lyap_tol: 1e-2, lyap_points: 2000 }
    }
}

/// The retry factor for runs that are still contracting.
pub const LOOSE_FACTOR: f64 = 1e4;

/// What the tail looks like.
#[derive(Clone, Debug, Serialize)]
pub struct Classification {
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<usize>,
    /// The orbit (one point for converged), starting at the lexicographically smallest point.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lyapunov: Option<f64>,
    /// The absolute tolerance of the period test that decided.
    pub tolerance: f64,
    pub lyapunov_tolerance: f64,
    /// False when the period was only found at the loose tolerance, or never.
    pub settled: bool,
    /// The largest `‖θ_t − θ_{t−p}‖_∞` over the tail, for the period found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residual: Option<f64>,
    /// Set when the run is still converging but not within the tolerance: the estimated
    /// contraction of the mismatch per step (see [`converging`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converging: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diverged_at: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn max_diff(a: &DVector<f64>, b: &DVector<f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

/// The smallest period `p ≤ max_period` of the tail at tolerance `tol`, with the largest
/// mismatch; the tail must hold at least `2p` points for `p` to be tried.
pub fn detect_period(tail: &[DVector<f64>], tol: f64, max_period: usize) -> Option<(usize, f64)> {
    (1..=max_period.min(tail.len() / 2)).find_map(|p| {
        let mut worst: f64 = 0.0;
        for t in p..tail.len() {
            worst = worst.max(max_diff(&tail[t], &tail[t - p]));
            if worst > tol || worst.is_nan() {
                return None;
            }
        }
        Some((p, worst))
    })
}

/// The last `p` points of the tail, rotated to start at the lexicographically smallest one.
pub fn orbit_points(tail: &[DVector<f64>], p: usize) -> Vec<Vec<f64>> {
    let last = &tail[tail.len() - p..];
    let lex = |a: &DVector<f64>, b: &DVector<f64>| {
        a.iter().zip(b.iter()).map(|(x, y)| x.total_cmp(y)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
    };
    let start = (0..p).min_by(|&i, &j| lex(&last[i], &last[j])).unwrap_or(0);
    (0..p).map(|k| last[(start + k) % p].iter().copied().collect()).collect()
}

/// The largest Lyapunov exponent along the tail (per step), from the tangent map of the step;
/// `None` for gradient flow or a tail too short.
pub fn lyapunov<M: Model + ?Sized>(model: &mut M, stepper: &mut Stepper, traj: &Trajectory, max_points: usize) -> SimResult<Option<f64>> {
    if stepper.method == Method::Flow || traj.tail.len() < 2 {
        return Ok(None);
    }
    let n = model.dim();
    let start = traj.tail.len().saturating_sub(max_points + 1);
    let mut rng = Rng::new(0x1a9);
    let mut v = DVector::from_fn(n, |_, _| rng.normal());
    v /= v.norm();
    let mut sum = 0.0;
    let mut count = 0usize;
    for k in start..traj.tail.len() - 1 {
        let w = stepper.tangent(model, &traj.tail[k], &v, traj.tail_lrs[k])?;
        let norm = w.norm();
        if norm == 0.0 {
            // A superstable point: the exponent is -infinity; report a large negative number.
            return Ok(Some(f64::MIN));
        }
        if !norm.is_finite() {
            return Ok(None);
        }
        sum += norm.ln();
        count += 1;
        v = w / norm;
    }
    Ok((count > 0).then(|| sum / count as f64))
}

/// The number of blocks the tail is cut into by [`converging`].
const BLOCKS: usize = 8;

/// A run still converging: the mismatch `‖θ_t − θ_{t−p}‖_∞` shrinks block by block along the
/// tail but has not reached the tolerance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Converging {
    /// The period the run converges to (1: a point).
    pub period: usize,
    /// The mismatch's largest value in the last block.
    pub last: f64,
    /// The estimated contraction of the mismatch per step (`(last / first)^(1/steps)` over the
    /// block maxima; close to 1 for slow, algebraic convergence).
    pub rate: f64,
}

/// Whether the tail is still converging to a point or a period-`p` orbit: for some `p`, the
/// largest mismatch `‖θ_t − θ_{t−p}‖_∞` in each of `BLOCKS` consecutive blocks of the tail is
/// strictly smaller than in the block before, and the last is below 0.999 times the first
/// (rounding alone never shrinks a constant mismatch that much). Among
/// such `p` the one whose mismatch shrinks fastest is taken, then replaced by its smallest
/// divisor `q` whose mismatch shrinks at least 90% as fast (in the logarithm): a point approached
/// with multiplier near −1 is a point, not a period-2 orbit, while a period-2 orbit approached
/// slowly keeps a period-1 mismatch near the orbit's width, which does not shrink toward 0.
/// A genuine rotation (constant mismatch) or a chaotic tail (mismatches not monotone) is never
/// reported converging.
pub fn converging(tail: &[DVector<f64>], max_period: usize) -> Option<Converging> {
    let n = tail.len();
    let decay = |p: usize| -> Option<(f64, f64)> {
        if n < p + 4 * BLOCKS {
            return None;
        }
        let len = (n - p) / BLOCKS;
        let start = n - len * BLOCKS;
        let maxima: Vec<f64> =
            (0..BLOCKS).map(|b| (start + b * len..start + (b + 1) * len).map(|t| max_diff(&tail[t], &tail[t - p])).fold(0.0, f64::max)).collect();
        let (first, last) = (maxima[0], maxima[BLOCKS - 1]);
        let monotone = maxima.windows(2).all(|w| w[1] < w[0]);
        (monotone && last > 0.0 && last < 0.999 * first && last.is_finite()).then(|| (last, (last / first).ln()))
    };
    let cands: Vec<(usize, f64, f64)> = (1..=max_period).filter_map(|p| decay(p).map(|(l, d)| (p, l, d))).collect();
    let &(p, _, d) = cands.iter().min_by(|a, b| a.2.total_cmp(&b.2))?;
    let &(q, last, dq) = cands.iter().find(|c| p % c.0 == 0 && c.2 <= 0.9 * d)?;
    let steps = ((n - q) / BLOCKS * (BLOCKS - 1)) as f64;
    Some(Converging { period: q, last, rate: (dq / steps).exp() })
}

/// When the tail is [`converging`], records it in `c` (outcome converged or periodic, not
/// settled, the tolerance not met, the contraction rate) and returns true.
fn still_converging(c: &mut Classification, traj: &Trajectory, max_period: usize) -> bool {
    let Some(k) = converging(&traj.tail, max_period) else {
        return false;
    };
    c.outcome = if k.period == 1 { Outcome::Converged } else { Outcome::Periodic };
    c.period = (k.period > 1).then_some(k.period);
    c.points = orbit_points(&traj.tail, k.period);
    c.residual = Some(k.last);
    c.settled = false;
    c.converging = Some(k.rate);
    let to = if k.period == 1 { "a point".to_string() } else { format!("a period-{} orbit", k.period) };
    c.reason = Some(format!(
        "converging to {to}, not yet within tolerance {:.2e}: the mismatch |theta_t - theta_(t-{})| shrinks steadily along the tail (last {:.2e}, about x{:.6} per step); run more steps",
        c.tolerance, k.period, k.last, k.rate
    ));
    true
}

/// Classifies a trajectory.
pub fn classify<M: Model + ?Sized>(model: &mut M, stepper: &mut Stepper, traj: &Trajectory, opts: &ClassifyOptions) -> SimResult<Classification> {
    let scale = 1.0 + traj.tail.iter().map(|t| t.amax()).fold(0.0, f64::max);
    let tol = opts.rel_tol * scale;
    let mut c = Classification {
        outcome: Outcome::Diverged,
        period: None,
        points: vec![],
        lyapunov: None,
        tolerance: tol,
        lyapunov_tolerance: opts.lyap_tol,
        settled: true,
        residual: None,
        converging: None,
        diverged_at: None,
        reason: None,
    };
    if let Some((at, why)) = &traj.diverged {
        c.diverged_at = Some(*at);
        c.reason = Some(why.clone());
        return Ok(c);
    }
    c.lyapunov = lyapunov(model, stepper, traj, opts.lyap_points)?;
    let found = |c: &mut Classification, p: usize, res: f64| {
        c.outcome = if p == 1 { Outcome::Converged } else { Outcome::Periodic };
        c.period = (p > 1).then_some(p);
        c.points = orbit_points(&traj.tail, p);
        c.residual = Some(res);
    };
    if let Some((p, res)) = detect_period(&traj.tail, tol, opts.max_period) {
        found(&mut c, p, res);
        return Ok(c);
    }
    match c.lyapunov {
        Some(l) if l > opts.lyap_tol => c.outcome = Outcome::Chaotic,
        Some(l) if l < -opts.lyap_tol => {
            c.settled = false;
            let loose = tol * LOOSE_FACTOR;
            c.tolerance = loose;
            match detect_period(&traj.tail, loose, opts.max_period) {
                Some((p, res)) => {
                    found(&mut c, p, res);
                    c.reason = Some(format!("still contracting: the period was found only at the loose tolerance {loose:e}; run more steps"));
                }
                None => {
                    c.tolerance = tol;
                    if !still_converging(&mut c, traj, opts.max_period) {
                        c.outcome = Outcome::QuasiPeriodic;
                        c.reason = Some("still contracting (negative Lyapunov exponent) but no period found; run more steps".into());
                    }
                }
            }
        }
        Some(_) => {
            // |λ| small: a non-hyperbolic attractor (multiplier ±1) or a slow contraction
            // (multiplier 1 - ε) shrinks the mismatch without reaching the tolerance; a genuine
            // rotation or torus does not.
            if !still_converging(&mut c, traj, opts.max_period) {
                c.outcome = Outcome::QuasiPeriodic;
            }
        }
        None => {
            if !still_converging(&mut c, traj, opts.max_period) {
                c.outcome = Outcome::QuasiPeriodic;
                c.settled = false;
                c.reason = Some("no period found and no Lyapunov exponent (gradient flow, or a tail too short); run longer".into());
            }
        }
    }
    Ok(c)
}
