//! A companion preset (see `companion.rs` for the conventions): the gradient-flow convergence
//! rate of Ye & Du (Theorem 1; with the symmetric case's bounds, Theorem 4, and the imbalance
//! invariant along the integrated flow). Du, Hu & Lee's presets are in `du_hu_lee.rs`.
//!
//! Guarantee: floating-point observations (f64; the flow by the adaptive Dormand-Prince
//! integrator at rtol 1e-10), deterministic under the seed; never a certificate.

use super::companion::{sig, spread};
use super::experiments::Experiment;
use super::flow::{Flow, FlowOptions};
use super::mf::MfModel;
use super::model::Model;
use super::rng::Rng;
use super::sweep::parallel_map;
use nalgebra::{DMatrix, DVector};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Ye & Du: gradient flow on |Sigma - U V^T|_F^2 / 2, U, V in R^{dxd}.

/// The flow sampled every `dt` for `steps` samples (index 0 = the start).
fn flow_samples(m: &mut MfModel, theta0: &DVector<f64>, dt: f64, steps: usize) -> Result<Vec<DVector<f64>>, String> {
    let mut fl = Flow::new(m.dim(), FlowOptions::default());
    let traj = fl.run(m, theta0, dt, steps, steps + 1);
    match traj.diverged {
        Some((t, why)) => Err(format!("the flow stopped at sample {t}: {why}")),
        None => Ok(traj.tail),
    }
}

/// `Sigma = diag(sigma_1 .. sigma_d)`, geometric from `kappa` down to 1 (so `sigma_d = 1`).
fn sigma(d: usize, kappa: f64) -> Vec<f64> {
    (0..d).map(|i| if d == 1 { 1.0 } else { kappa.powf((d - 1 - i) as f64 / (d - 1) as f64) }).collect()
}

/// One flow run of Theorem 1's setting: the first sampled time with `f <= eps |Sigma|^2`, the
/// bound's shape `(kappa/sigma_d) ln(kappa d) + ln(1/eps)/sigma_d`, the largest relative drift
/// of `U^T U - V^T V`, and how often `|B| = |U - V|/2` grew between samples.
struct RateRun {
    t_eps: Option<f64>,
    shape: f64,
    drift: f64,
    b_increases: usize,
}

fn rate_run(d: usize, kappa: f64, init: f64, eps: f64, dt: f64, seed: u64) -> Result<RateRun, String> {
    let s = sigma(d, kappa);
    let sig_mat = DMatrix::from_diagonal(&DVector::from_vec(s.clone()));
    let target = eps * s[0] * s[0];
    let shape = kappa * (kappa * d as f64).ln() + (1.0 / eps).ln();
    let steps = ((6.0 * shape + 20.0) / dt).ceil() as usize;
    let mut m = MfModel::new(sig_mat, d);
    let mut rng = Rng::new(seed);
    let theta0 = DVector::from_fn(m.dim(), |_, _| init * rng.normal());
    let samples = flow_samples(&mut m, &theta0, dt, steps)?;
    let g0 = m.gram_difference(&theta0);
    let scale = g0.norm().max(f64::MIN_POSITIVE);
    let mut t_eps = None;
    let (mut drift, mut b_prev, mut b_inc) = (0.0f64, f64::INFINITY, 0usize);
    for (k, t) in samples.iter().enumerate() {
        let l = m.loss(t).map_err(|e| e.0)?;
        if t_eps.is_none() && l <= target {
            t_eps = Some(k as f64 * dt);
        }
        drift = drift.max((m.gram_difference(t) - &g0).norm() / scale);
        let (u, v) = m.factors(t);
        let b = (u - v).norm() / 2.0;
        b_inc += usize::from(b > b_prev * (1.0 + 1e-9));
        b_prev = b;
    }
    Ok(RateRun { t_eps, shape, drift, b_increases: b_inc })
}

/// Theorem 4 along the symmetric flow from `U0 = V0`: the largest violation of the corrected
/// bounds `diag(s_i (s_i/a^2 - 1)/(e^{2 s_i t} + s_i/a^2 - 1))` (a = alpha_1 below, alpha_d
/// above) and the number of samples where the printed upper bound
/// `diag((1 - s_i/a_d^2)/(e^{2 s_i t} + s_i/a_d^2 - 1))` is violated.
fn theorem4(d: usize, kappa: f64, init: f64, dt: f64, steps: usize, seed: u64) -> Result<(f64, usize, usize), String> {
    let s = sigma(d, kappa);
    let sig_mat = DMatrix::from_diagonal(&DVector::from_vec(s.clone()));
    let mut m = MfModel::new(sig_mat.clone(), d);
    let mut rng = Rng::new(seed);
    let u0 = DMatrix::from_fn(d, d, |_, _| init * rng.normal());
    let sv = u0.singular_values();
    let (a1, ad) = (sv.max(), sv.min());
    let samples = flow_samples(&mut m, &MfModel::pack(&u0, &u0), dt, steps)?;
    let bound = |t: f64, a: f64, printed: bool| {
        DMatrix::from_diagonal(&DVector::from_iterator(
            d,
            s.iter().map(|&si| {
                let k = si / (a * a) - 1.0;
                let den = (2.0 * si * t).exp() + k;
                if printed {
                    -k / den
                } else {
                    si * k / den
                }
            }),
        ))
    };
    let (mut worst, mut printed_bad) = (0.0f64, 0usize);
    for (k, th) in samples.iter().enumerate() {
        let t = k as f64 * dt;
        let (u, _) = m.factors(th);
        let gap = &sig_mat - &u * u.transpose();
        let lo = (&gap - bound(t, a1, false)).symmetric_eigenvalues().min();
        let hi = (bound(t, ad, false) - &gap).symmetric_eigenvalues().min();
        worst = worst.max(-lo.min(hi).min(0.0) / s[0]);
        printed_bad += usize::from((bound(t, ad, true) - &gap).symmetric_eigenvalues().min() < -1e-9 * s[0]);
    }
    Ok((worst, printed_bad, samples.len()))
}

pub(super) fn ye_du(quick: bool, seed: u64, threads: usize) -> Result<Experiment, String> {
    let mut e = Experiment::of(
        "Ye & Du",
        "ye-du-rate",
        "Theorem 1 (rate of gradient flow), Theorem 4 (symmetric case), the imbalance invariant",
        "gradient flow on |Sigma - U V^T|_F^2/2 from a small random start: time to f <= eps |Sigma|^2 against (kappa/sigma_d) ln(kappa d) + ln(1/eps)/sigma_d",
        quick,
        seed,
    );
    let (init, eps, dt) = (1e-3, 1e-8, 0.05);
    let ds: &[usize] = if quick { &[2, 4] } else { &[2, 4, 8] };
    let kappas: &[f64] = if quick { &[1.0, 4.0] } else { &[1.0, 2.0, 4.0, 8.0] };
    e.paper("loss", "|Sigma - U V^T|_F^2 / 2, U, V in R^{dxd}, Sigma full rank (diagonal WLOG)");
    e.paper("dynamics", "gradient flow (1)-(2)");
    e.chosen("integrator", "Dormand-Prince 5(4), rtol 1e-10, atol 1e-12, sampled every 0.05");
    e.chosen("Sigma", "diag(kappa^((d-i)/(d-1))), i = 1..d (sigma_d = 1, sigma_1 = kappa)");
    e.chosen("grid", format!("d in {ds:?}, kappa in {kappas:?}"));
    e.chosen("start", format!("entries {init} N(0,1) (the paper: variance sigma_d e^(-delta kappa ln(kappa d)) with an unstated delta), seed {seed}"));
    e.chosen("eps and |Sigma|", format!("eps = {eps:e}, |Sigma| the spectral norm"));
    let cells: Vec<(usize, f64)> = ds.iter().flat_map(|&d| kappas.iter().map(move |&k| (d, k))).collect();
    let one = |i: usize| rate_run(cells[i].0, cells[i].1, init, eps, dt, seed.wrapping_add(i as u64));
    let runs: Vec<RateRun> = parallel_map(cells.len(), threads, &one, &|_, _| {}).into_iter().collect::<Result<_, _>>()?;
    let mut ratios = vec![];
    let (mut drift, mut b_inc, mut unreached) = (0.0f64, 0usize, 0usize);
    for ((d, k), r) in cells.iter().zip(&runs) {
        let ratio = r.t_eps.map(|t| t / r.shape);
        e.measure(
            &format!("d = {d}, kappa = {k}: t_eps, bound shape, ratio"),
            json!([r.t_eps.map(sig), sig(r.shape), ratio.map(sig)]),
            None,
        );
        ratios.extend(ratio);
        unreached += usize::from(r.t_eps.is_none());
        drift = drift.max(r.drift);
        b_inc += r.b_increases;
    }
    e.keyed("unreached", "runs that never reached f <= eps |Sigma|^2 within 6x the bound's shape", unreached, Some("0 (global convergence)"));
    e.keyed("ratio_max", "largest t_eps / shape over the grid", ratios.iter().copied().fold(f64::NAN, f64::max), Some("<= delta' (a universal constant, not given)"));
    e.keyed("ratio_spread", "t_eps / shape over the grid (min, median, max)", spread(&ratios), Some("bounded (Theorem 1)"));
    e.keyed("invariant_drift", "largest |(U^T U - V^T V)(t) - (U^T U - V^T V)(0)|_F / |(U^T U - V^T V)(0)|_F", sig(drift), Some("0: conserved by the flow"));
    e.keyed("b_increases", "samples where |B| = |U - V|_F/2 grew (all runs)", b_inc, Some("0 ('the norm of B is monotonically decreasing')"));
    let (d4, k4, steps4) = (4usize, 4.0, if quick { 400 } else { 2000 });
    let (worst, printed_bad, n) = theorem4(d4, k4, init, dt, steps4, seed)?;
    e.keyed("thm4_corrected_violation", &format!("Theorem 4, corrected bounds sigma_i(sigma_i/alpha^2 - 1)/(e^(2 sigma_i t) + sigma_i/alpha^2 - 1), d = {d4}, kappa = {k4}: largest violation / sigma_1"), sig(worst), Some("0 (Lemma 5, eq. (8))"));
    e.keyed("thm4_printed_violations", &format!("Theorem 4 as printed, upper bound (1 - sigma_i/alpha_d^2)/(...): samples violated, of {n}"), printed_bad, Some("0 (as printed)"));
    // Sensitivity: the start's scale is not fixed by the paper (delta is unstated).
    let mut sens = vec![];
    for sc in [1e-2, 1e-4] {
        let r = rate_run(4, 4.0, sc, eps, dt, seed)?;
        sens.push(json!([sc, r.t_eps.map(sig), r.t_eps.map(|t| sig(t / r.shape))]));
    }
    e.keyed("sens_init", "sensitivity: d = 4, kappa = 4 with start scale 1e-2 and 1e-4: [scale, t_eps, ratio]", json!(sens), Some("a smaller start takes longer (the first stage)"));
    let mut seeds = vec![];
    for k in 1..=if quick { 2 } else { 8 } {
        if let Some(t) = rate_run(4, 4.0, init, eps, dt, seed.wrapping_add(100 + k))?.t_eps {
            seeds.push(t);
        }
    }
    e.measure("sensitivity: t_eps at d = 4, kappa = 4 over other seeds (min, median, max)", spread(&seeds), None);
    Ok(e)
}
