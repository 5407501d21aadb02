//! Two more companion presets (see `companion.rs` for the conventions): the gradient-flow
//! convergence rate of Ye & Du (Theorem 1; with the symmetric case's bounds, Theorem 4, and the
//! imbalance invariant along the integrated flow), and the 3-layer ReLU network of Du, Hu & Lee
//! (Section 4, Figure 2: layer norms stay balanced under GD with a small step and start).
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

// ---------------------------------------------------------------------------------------------
// Du, Hu & Lee, Section 4: f(x) = W3 relu(W2 relu(W1 x)), quadratic loss, GD.

/// The network's data and weights.
struct Relu3 {
    x: DMatrix<f64>,
    y: DMatrix<f64>,
}

impl Relu3 {
    /// The loss `(1/2N) sum_j |f(x_j) - y_j|^2` and its gradient in `(W1, W2, W3)`.
    fn grad(&self, w: &[DMatrix<f64>; 3]) -> (f64, [DMatrix<f64>; 3]) {
        let n = self.x.ncols() as f64;
        let z1 = &w[0] * &self.x;
        let a1 = z1.map(|v| v.max(0.0));
        let z2 = &w[1] * &a1;
        let a2 = z2.map(|v| v.max(0.0));
        let r = &w[2] * &a2 - &self.y;
        let loss = 0.5 * r.norm_squared() / n;
        let g3 = &r / n;
        let d3 = &g3 * a2.transpose();
        let mut da2 = w[2].transpose() * &g3;
        da2.zip_apply(&z2, |g, z| {
            if z <= 0.0 {
                *g = 0.0
            }
        });
        let d2 = &da2 * a1.transpose();
        let mut da1 = w[1].transpose() * &da2;
        da1.zip_apply(&z1, |g, z| {
            if z <= 0.0 {
                *g = 0.0
            }
        });
        let d1 = &da1 * self.x.transpose();
        (loss, [d1, d2, d3])
    }
}

/// One GD run: the squared norms at the end, the largest |difference| of consecutive layers'
/// squared norms over all iterations, its largest change from the start, the first iteration
/// from which both ratios stay within 10% of 1, and the final loss.
struct DhlRun {
    norms: [f64; 3],
    max_diff: f64,
    max_change: f64,
    ratio_from: Option<usize>,
    loss: f64,
    diff0: [f64; 2],
}

fn dhl_run(widths: [usize; 4], points: usize, balanced: bool, lr: f64, iters: usize, seed: u64) -> Result<DhlRun, String> {
    let mut rng = Rng::new(seed);
    let [d0, h1, h2, out] = widths;
    let x = DMatrix::from_fn(d0, points, |_, _| rng.normal() / (d0 as f64).sqrt());
    let y = DMatrix::from_fn(out, points, |_, _| rng.normal());
    let net = Relu3 { x, y };
    let shapes = [(h1, d0), (h2, h1), (out, h2)];
    let mut w: [DMatrix<f64>; 3] = shapes.map(|(r, c)| {
        let var = if balanced { 0.1 / (r * c) as f64 } else { 1e-4 };
        DMatrix::from_fn(r, c, |_, _| var.sqrt() * rng.normal())
    });
    let sq = |w: &[DMatrix<f64>; 3]| [w[0].norm_squared(), w[1].norm_squared(), w[2].norm_squared()];
    let n0 = sq(&w);
    let diff0 = [n0[0] - n0[1], n0[1] - n0[2]];
    let (mut max_diff, mut max_change, mut ratio_from, mut loss) = (0.0f64, 0.0f64, None, f64::NAN);
    for it in 0..=iters {
        let n = sq(&w);
        let diff = [n[0] - n[1], n[1] - n[2]];
        max_diff = max_diff.max(diff[0].abs()).max(diff[1].abs());
        max_change = max_change.max((diff[0] - diff0[0]).abs()).max((diff[1] - diff0[1]).abs());
        let close = (n[0] / n[1] - 1.0).abs() <= 0.1 && (n[1] / n[2] - 1.0).abs() <= 0.1;
        ratio_from = match (close, ratio_from) {
            (true, None) => Some(it),
            (true, r) => r,
            (false, _) => None,
        };
        if it == iters {
            break;
        }
        let (l, g) = net.grad(&w);
        if !l.is_finite() {
            return Err(format!("GD diverged at iteration {it} (learning rate {lr})"));
        }
        loss = l;
        for (wi, gi) in w.iter_mut().zip(&g) {
            *wi -= gi * lr;
        }
    }
    Ok(DhlRun { norms: sq(&w), max_diff, max_change, ratio_from, loss, diff0 })
}

pub(super) fn du_hu_lee(quick: bool, seed: u64) -> Result<Experiment, String> {
    let mut e = Experiment::of(
        "Du, Hu & Lee",
        "du-hu-lee-fig2",
        "Section 4, Figure 2",
        "3-layer ReLU network, GD with a small step from a small start: the squared norms of the layers stay balanced",
        quick,
        seed,
    );
    let (widths, points, iters) = if quick { ([100, 20, 20, 10], 100, 2000) } else { ([1000, 100, 100, 10], 1000, 10_000) };
    let lr = 0.2;
    e.paper("network", "f(x) = W3 relu(W2 relu(W1 x)), W1 100x1000, W2 100x100, W3 10x100");
    e.paper("data", "1000 points, quadratic loss, GD");
    e.paper("iterations", 10_000);
    if quick {
        e.chosen("sizes (--quick)", format!("widths {widths:?}, {points} points, {iters} iterations"));
    }
    e.paper("balanced start", "W1 ~ N(0, 1e-4/100), W2 ~ N(0, 1e-4/10), W3 ~ N(0, 1e-4) (each |W_h|_F^2 about 0.1)");
    e.paper("unbalanced start", "every entry N(0, 1e-4)");
    if quick {
        e.chosen("balanced start (--quick sizes)", "entries N(0, 0.1/(entries of W_h)), so each |W_h|_F^2 is about 0.1 as in the paper");
    }
    e.chosen("inputs x_j", "N(0, I/d0)");
    e.chosen("labels y_j", "N(0, I_10), independent of x");
    e.chosen("loss", "(1/2N) sum_j |f(x_j) - y_j|^2");
    e.chosen("step size", format!("{lr} (constant)"));
    e.chosen("seed", seed);
    for (label, balanced, paper_norms, paper_diff) in [
        ("balanced", true, "42.90, 43.76, 43.68", "bounded by 0.14 in all iterations"),
        ("unbalanced", false, "55.50, 45.65, 45.46", "bounded by 9, changing very little"),
    ] {
        let r = dhl_run(widths, points, balanced, lr, iters, seed)?;
        let key = &label[..3];
        e.keyed(&format!("{key}_norms"), &format!("{label}: |W1|^2, |W2|^2, |W3|^2 at the end"), json!(r.norms.map(sig)), Some(paper_norms));
        e.measure(&format!("{label}: differences |W1|^2 - |W2|^2, |W2|^2 - |W3|^2 at the start"), json!(r.diff0.map(sig)), None);
        e.keyed(&format!("{key}_max_diff"), &format!("{label}: largest |difference| over all iterations"), sig(r.max_diff), Some(paper_diff));
        let top = r.norms.iter().copied().fold(0.0, f64::max);
        e.keyed(
            &format!("{key}_change_rel"),
            &format!("{label}: largest change of a difference from the start / largest |W_h|^2 at the end"),
            sig(r.max_change / top),
            Some("small: the differences are (approximately) invariant"),
        );
        e.keyed(
            &format!("{key}_ratio_from"),
            &format!("{label}: iteration from which both ratios stay within 10% of 1"),
            r.ratio_from,
            Some(if balanced { "the ratios approach 1" } else { "close to 1 after about 1,000 iterations" }),
        );
        e.measure(&format!("{label}: final loss"), r.loss, None);
    }
    // Sensitivity: the step size and the data are not given (at the --quick sizes, to keep the
    // full preset's cost to its two paper-size runs).
    let (qw, qp, qi) = ([100, 20, 20, 10], 100, 2000);
    e.chosen("sensitivity runs", format!("widths {qw:?}, {qp} points, {qi} iterations"));
    let mut rows = vec![];
    for (f, s) in [(0.5, seed), (2.0, seed), (1.0, seed.wrapping_add(1))] {
        let r = dhl_run(qw, qp, true, lr * f, qi, s)?;
        let top = r.norms.iter().copied().fold(0.0, f64::max);
        rows.push(json!([sig(lr * f), s, sig(r.max_change / top), r.ratio_from, r.norms.map(sig)]));
    }
    e.keyed(
        "sens",
        "sensitivity (balanced): [step size, seed, change / largest norm, ratio iteration, norms]",
        json!(rows),
        Some("the invariance is approximate: smaller for smaller steps"),
    );
    Ok(e)
}
