//! The experiments of the companion papers as presets a reader can rerun
//! (`eoscert simulate --experiment NAME [--quick]`): the balancing experiments of Wang, Chen,
//! Zhao & Tao (Figure 2, the scalar factorisation from a very unbalanced start; Figure 4,
//! general matrix factorisation) and the alternating-GD runs of Ward & Kolda (Figures 2-3);
//! the gradient-flow rate of Ye & Du is in `companion_flow.rs`, Du, Hu & Lee's matrix
//! factorisation (Figure 1) and 3-layer ReLU network (Figure 2) in `du_hu_lee.rs`.
//!
//! Each preset prints its settings (`paper` when the paper states them, `chosen` otherwise),
//! each measured number beside the paper's number, and a sensitivity section: the outcome rerun
//! over the settings the paper leaves open (seeds, learning rates, sizes), with how much it
//! moved. Measures that check files refer to carry a stable key.
//!
//! Guarantee: floating-point observations (f64), deterministic under the seed; a cross-check
//! beside the certified engines, never a certificate.

use super::classify::Outcome;
use super::dynamics::{Method, Schedule, Stepper};
use super::du_hu_lee::Fig2Size;
use super::experiments::{gd_config, outcome_name, sim, Experiment};
use super::mf::MfModel;
use super::model::Model;
use super::rng::Rng;
use super::sharpness;
use nalgebra::{DMatrix, DVector};
use serde_json::json;

/// The companion presets.
pub const NAMES: [&str; 6] = ["wang-fig2", "wang-fig4", "ward-kolda-fig2", "ye-du-rate", "du-hu-lee-fig1", "du-hu-lee-fig2"];

/// Presets at a paper's full size that take minutes: run by name only, not by `all`.
pub const SLOW: [&str; 1] = ["du-hu-lee-fig2-paper"];

/// Runs the companion preset `name` (one of [`NAMES`] or [`SLOW`]).
pub fn run(name: &str, quick: bool, seed: u64, threads: usize) -> Result<Experiment, String> {
    match name {
        "wang-fig2" => wang_fig2(quick, seed),
        "wang-fig4" => wang_fig4(quick, seed),
        "ward-kolda-fig2" => ward_kolda(quick, seed, threads),
        "ye-du-rate" => super::companion_flow::ye_du(quick, seed, threads),
        "du-hu-lee-fig1" => super::du_hu_lee::fig1(quick, seed, threads),
        "du-hu-lee-fig2" => super::du_hu_lee::fig2(if quick { Fig2Size::Quick } else { Fig2Size::Reduced }, seed, threads),
        "du-hu-lee-fig2-paper" if quick => Err("du-hu-lee-fig2-paper is the paper's full size; its --quick form is du-hu-lee-fig2 --quick".into()),
        "du-hu-lee-fig2-paper" => super::du_hu_lee::fig2(Fig2Size::Paper, seed, threads),
        n => Err(format!("no companion experiment {n}")),
    }
}

/// Rounds to 6 significant digits (for printing; the JSON keeps the rounded value).
pub(super) fn sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let e = 5 - x.abs().log10().floor() as i32;
    let p = 10f64.powi(e);
    (x * p).round() / p
}

/// `(min, median, max)` of `v` (sorted copy), rounded.
pub(super) fn spread(v: &[f64]) -> serde_json::Value {
    let mut s: Vec<f64> = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    if s.is_empty() {
        return serde_json::Value::Null;
    }
    json!([sig(s[0]), sig(s[s.len() / 2]), sig(s[s.len() - 1])])
}

/// A vector of `d` entries with a uniformly random direction and norm `r`.
pub(super) fn on_sphere(rng: &mut Rng, d: usize, r: f64) -> DVector<f64> {
    let v = DVector::from_fn(d, |_, _| rng.normal());
    let n = v.norm();
    v * (r / n)
}

/// A matrix with a uniformly random direction (Gaussian entries) and Frobenius norm `r`.
fn gauss_with_norm(rng: &mut Rng, m: usize, n: usize, r: f64) -> DMatrix<f64> {
    let a = DMatrix::from_fn(m, n, |_, _| rng.normal());
    let s = a.norm();
    a * (r / s)
}

// ---------------------------------------------------------------------------------------------
// Wang et al., Figure 2 and Theorem 3.2: scalar factorisation (mu - x y^T)^2/2, x, y in R^d.

/// One GD run of Figure 2's problem: `(‖x0 − y0‖, ‖x − y‖, ‖x‖² + ‖y‖², outcome, loss)`.
struct ScalarRun {
    gap0: f64,
    gap: f64,
    norms: f64,
    outcome: String,
    converged: bool,
    loss: f64,
    sharp0: f64,
    sharp: Option<f64>,
}

fn scalar_run(d: usize, mu: f64, nx: f64, ny: f64, h_factor: f64, steps: usize, seed: u64) -> Result<(f64, ScalarRun), String> {
    let mut rng = Rng::new(seed);
    let (x0, y0) = (on_sphere(&mut rng, d, nx), on_sphere(&mut rng, d, ny));
    let h = h_factor * 4.0 / (nx * nx + ny * ny + 4.0 * mu);
    let mut m = MfModel::new(DMatrix::from_element(1, 1, mu), d);
    let theta0 = MfModel::pack(&DMatrix::from_row_slice(1, d, x0.as_slice()), &DMatrix::from_row_slice(1, d, y0.as_slice()));
    let sharp0 = sharpness::sharpness(&mut m, &theta0).map_err(|e| e.0)?;
    let (r, traj) = sim(&mut m, &theta0, &gd_config(h, steps, 64, 16))?;
    let last = traj.last().cloned().unwrap_or(theta0);
    let (x, y) = (last.rows(0, d), last.rows(d, d));
    let converged = r.class.outcome == Outcome::Converged;
    let sharp = if converged { Some(sharpness::sharpness(&mut m, &last).map_err(|e| e.0)?) } else { None };
    Ok((
        h,
        ScalarRun {
            gap0: (&x0 - &y0).norm(),
            gap: (x - y).norm(),
            norms: x.norm_squared() + y.norm_squared(),
            outcome: outcome_name(&r),
            converged,
            loss: r.last_loss,
            sharp0,
            sharp,
        },
    ))
}

fn wang_fig2(quick: bool, seed: u64) -> Result<Experiment, String> {
    let mut e = Experiment::of(
        "Wang, Chen, Zhao & Tao",
        "wang-fig2",
        "Figure 2, Theorem 3.2, Corollary 3.3",
        "GD on (1 - x y^T)^2/2, x, y in R^10, from a very unbalanced start at h = 4/(|x0|^2 + |y0|^2 + 4) balances the limit",
        quick,
        seed,
    );
    let (d, mu, nx, ny) = (10usize, 1.0, 18.0, 0.09);
    let steps = if quick { 4000 } else { 20_000 };
    e.paper("loss", "(mu - x y^T)^2 / 2, mu = 1, x, y in R^{1x10}");
    e.paper("start", format!("|x0| = {nx}, |y0| = {ny}, directions uniformly random"));
    e.paper("learning rate", "h = 4/(|x0|^2 + |y0|^2 + 4 mu) (the bound of Theorem 3.1; about 0.0122)");
    e.chosen("directions of x0 and y0", format!("independent uniform on S^9, seed {seed}"));
    e.chosen("steps", steps);
    let (h, r) = scalar_run(d, mu, nx, ny, 1.0, steps, seed)?;
    e.keyed("h", "h", sig(h), Some("about 0.0122"));
    e.keyed("gap0", "|x0 - y0|", sig(r.gap0), Some("approximately 17.9986"));
    e.keyed("outcome", "outcome", r.outcome.clone(), Some("converges to a global minimum (Theorem 3.1)"));
    e.keyed("gap", "|x - y| at the limit", sig(r.gap), Some("0.0154"));
    e.measure("loss at the limit", r.loss, None);
    e.keyed("norms_times_h_over_2", "(|x|^2 + |y|^2) h / 2 at the limit", sig(r.norms * h / 2.0), Some("<= 1 (Theorem 3.2: |x|^2 + |y|^2 <= 2/h)"));
    e.keyed(
        "gap2_over_bound",
        "|x - y|^2 / (2/h - 2 mu)",
        sig(r.gap * r.gap / (2.0 / h - 2.0 * mu)),
        Some("<= 1 (Theorem 3.2: |x - y|^2 <= 2/h - 2 mu)"),
    );
    e.keyed(
        "gap2_over_cor33",
        "|x - y|^2 / (|x0 - y0|^2/2 + 2 mu)",
        sig(r.gap * r.gap / (r.gap0 * r.gap0 / 2.0 + 2.0 * mu)),
        Some("< 1 (Corollary 3.3, whose start |x0 y0^T - mu| < delta < mu this start does not meet: x0 y0^T is near 0)"),
    );
    e.keyed("h_times_L0", "h x (top Hessian eigenvalue at the start)", sig(h * r.sharp0), Some("about 4 (h is almost 4/L, beyond 2/L)"));
    if let Some(s) = r.sharp {
        e.keyed("h_times_L", "h x (top Hessian eigenvalue at the limit)", sig(h * s), Some("< 2 (a limit GD can stay at)"));
    }
    // Sensitivity: the directions (seed) are not given; h at 1/2 and 9/10 of the bound.
    let seeds = if quick { 8 } else { 64 };
    let mut gaps = vec![];
    let mut gap0s = vec![];
    let mut worst_bound: f64 = 0.0;
    let mut not_conv = 0;
    for s in 1..=seeds {
        let (h, r) = scalar_run(d, mu, nx, ny, 1.0, steps, seed.wrapping_add(s))?;
        gaps.push(r.gap);
        gap0s.push(r.gap0);
        not_conv += usize::from(!r.converged);
        worst_bound = worst_bound.max(r.norms * h / 2.0);
    }
    e.keyed("sens_gap", &format!("sensitivity: |x - y| at the limit over {seeds} other seeds (min, median, max)"), spread(&gaps), Some("0.0154 for the paper's draw"));
    e.measure(&format!("sensitivity: |x0 - y0| over {seeds} other seeds (min, median, max)"), spread(&gap0s), Some("17.9986"));
    e.keyed("sens_balanced", &format!("sensitivity: seeds (of {seeds}) with |x - y| <= 0.1 at the limit"), gaps.iter().filter(|&&g| g <= 0.1).count(), Some("the paper's draw: 0.0154"));
    e.keyed("sens_not_converged", "sensitivity: runs (other seeds) not converged", not_conv, Some("0"));
    e.keyed("sens_bound", "sensitivity: largest (|x|^2 + |y|^2) h/2 over the other seeds", sig(worst_bound), Some("<= 1"));
    for f in [0.9, 0.5] {
        let (_, r) = scalar_run(d, mu, nx, ny, f, steps, seed)?;
        e.measure(&format!("sensitivity: |x - y| at the limit with h x {f} ({})", r.outcome), sig(r.gap), Some("smaller h, less balancing"));
    }
    Ok(e)
}

// ---------------------------------------------------------------------------------------------
// Wang et al., Figure 4: general matrix factorisation, A in R^{6x6}, X, Y in R^{6x100}.

fn wang_fig4(quick: bool, seed: u64) -> Result<Experiment, String> {
    let mut e = Experiment::of(
        "Wang, Chen, Zhao & Tao",
        "wang-fig4",
        "Figure 4, Theorem 5.1",
        "general matrix factorisation |A - X Y^T|_F^2/2 from |X0|_F = 1, |Y0|_F = 9: larger learning rates end more balanced",
        quick,
        seed,
    );
    let (n, d) = (6usize, 100usize);
    let steps = if quick { 3000 } else { 20_000 };
    let fracs = [0.25, 0.5, 1.0, 1.5, 1.9];
    e.paper("A", "6x6, entries i.i.d. Gaussian");
    e.paper("X, Y", "6x100, |X0|_F = 1, |Y0|_F = 9, random");
    e.chosen("A, X0, Y0", format!("standard normal entries (X0, Y0 rescaled to the norms), seed {seed}"));
    e.chosen("learning rates", format!("h = f x 2/L0 for f in {fracs:?}, L0 the top Hessian eigenvalue at the start (the paper gives none)"));
    e.chosen("steps", steps);
    // Per learning rate: (h, end gap, outcome, converged, last loss).
    type Row = (f64, f64, String, bool, f64);
    let run = |seed: u64| -> Result<Vec<Row>, String> {
        let mut rng = Rng::new(seed);
        let a = DMatrix::from_fn(n, n, |_, _| rng.normal());
        let x0 = gauss_with_norm(&mut rng, n, d, 1.0);
        let y0 = gauss_with_norm(&mut rng, n, d, 9.0);
        let mut m = MfModel::new(a, d);
        let theta0 = MfModel::pack(&x0, &y0);
        let l0 = sharpness::sharpness(&mut m, &theta0).map_err(|e| e.0)?;
        let mut rows = vec![];
        for f in fracs {
            let h = f * 2.0 / l0;
            let (r, traj) = sim(&mut m, &theta0, &gd_config(h, steps, 64, 16))?;
            let conv = r.class.outcome == Outcome::Converged;
            let gap = traj.last().map(|t| {
                let (x, y) = m.factors(t);
                (x.norm() - y.norm()).abs()
            });
            rows.push((h, gap.unwrap_or(f64::NAN), outcome_name(&r), conv, r.last_loss));
        }
        Ok(rows)
    };
    let rows = run(seed)?;
    e.measure("| |X0|_F - |Y0|_F | at the start", 8.0, Some("8"));
    for (f, (h, gap, out, _, loss)) in fracs.iter().zip(&rows) {
        e.measure(&format!("h = {f} x 2/L0 = {}: outcome, | |X|_F - |Y|_F | at the end, loss", sig(*h)), json!([out, sig(*gap), loss]), None);
    }
    let conv: Vec<f64> = rows.iter().filter(|r| r.3).map(|r| r.1).collect();
    let monotone = conv.windows(2).all(|w| w[1] <= w[0] + 1e-9);
    e.keyed("monotone", "among converged runs, a larger h never ends less balanced", monotone, Some("larger learning rate leads to a more balanced global minimizer"));
    e.keyed("converged_runs", "converged runs", conv.len(), None);
    let beyond: Vec<f64> = rows.iter().zip(fracs).filter(|(r, f)| r.3 && *f > 1.0).map(|(r, _)| r.1).collect();
    e.keyed(
        "gap_beyond_2_over_L",
        "smallest end gap among converged runs with h > 2/L0",
        beyond.iter().copied().fold(f64::NAN, f64::min),
        Some("the gap shrinks (balancing) only for h beyond 2/L"),
    );
    let seeds = if quick { 2 } else { 8 };
    let mut mono = 0;
    for s in 1..=seeds {
        let rows = run(seed.wrapping_add(s))?;
        let conv: Vec<f64> = rows.iter().filter(|r| r.3).map(|r| r.1).collect();
        mono += usize::from(conv.windows(2).all(|w| w[1] <= w[0] + 1e-9));
    }
    e.keyed("sens_monotone", &format!("sensitivity: other seeds (A, X0, Y0) where the order holds, of {seeds}"), mono, None);
    Ok(e)
}

// ---------------------------------------------------------------------------------------------
// Ward & Kolda, Figures 2 and 3: the proposed initialisation against three others.

/// The four initialisations of Ward & Kolda Section 6.
const INITS: [&str; 4] = ["proposed", "colspan", "random", "random-asym"];

/// The constants of the proposed initialisation: `C`, `D` and `sigma_1(A)`.
#[derive(Clone, Copy)]
struct Consts {
    c: f64,
    dd: f64,
    s1: f64,
}

/// `X0, Y0` of initialisation `kind` (Section 6's table) for `A` (m x n), rank `d`, step `eta`.
fn wk_init(kind: &str, a: &DMatrix<f64>, d: usize, eta: f64, k: Consts, rng: &mut Rng) -> (DMatrix<f64>, DMatrix<f64>) {
    let Consts { c, dd, s1 } = k;
    let (m, n) = a.shape();
    let mut phi = |r: usize| DMatrix::from_fn(r, d, |_, _| rng.normal());
    let (sm, sn, sd) = ((m as f64).sqrt(), (n as f64).sqrt(), (d as f64).sqrt());
    match kind {
        "proposed" => (a * phi(n) / (eta.sqrt() * sd * c * s1), phi(n) * (eta.sqrt() * dd * s1 / sn)),
        "colspan" => (a * phi(n) / (10.0 * sd), phi(n) / (10.0 * sn)),
        "random" => (phi(m) / (10.0 * sm), phi(n) / (10.0 * sn)),
        _ => (phi(m) / (eta.sqrt() * 10.0 * sm), phi(n) * (eta.sqrt() / (10.0 * sn))),
    }
}

/// A random `k x r` matrix with orthonormal columns.
fn orthonormal(rng: &mut Rng, k: usize, r: usize) -> DMatrix<f64> {
    DMatrix::from_fn(k, r, |_, _| rng.normal()).qr().q()
}

/// The loss `f = |A - X Y^T|^2/2` after every step (index 0 = the start).
fn wk_losses(a: &DMatrix<f64>, x0: &DMatrix<f64>, y0: &DMatrix<f64>, method: Method, eta: f64, steps: usize) -> Result<Vec<f64>, String> {
    let mut m = MfModel::new(a.clone(), x0.ncols());
    let mut t = MfModel::pack(x0, y0);
    let mut st = Stepper::new(method, Schedule::Constant(eta), m.dim());
    let mut out = Vec::with_capacity(steps + 1);
    out.push(m.loss(&t).map_err(|e| e.0)?);
    for _ in 0..steps {
        st.step(&mut m, &mut t, eta).map_err(|e| e.0)?;
        let l = m.loss(&t).map_err(|e| e.0)?;
        out.push(l);
        if !l.is_finite() || l > 1e30 {
            break;
        }
    }
    Ok(out)
}

fn ward_kolda(quick: bool, seed: u64, threads: usize) -> Result<Experiment, String> {
    let mut e = Experiment::of(
        "Ward & Kolda",
        "ward-kolda-fig2",
        "Section 6, Figures 2 and 3 (and Theorem 5.1's bound (6))",
        "rank-5 factorisation: the proposed asymmetric column-span initialisation against ColSpan, Random and Random-Asym",
        quick,
        seed,
    );
    let (size, r) = (if quick { 30 } else { 100 }, 5usize);
    let runs = if quick { 2 } else { 5 };
    let (c, nu) = (4.0, 1e-10);
    let dd = c * nu / 9.0;
    let (tau, eps_rel) = (1.0, 1e-6);
    if quick {
        e.chosen("A", format!("{size}x{size} (the paper: 100x100), rank 5"));
    } else {
        e.paper("A", "100x100, rank 5");
    }
    e.paper("A = U Sigma V^T", "U, V random orthonormal; sigma_1 = 1, sigma_5 = 0.9; the same A for every run");
    e.chosen("sigma_2..sigma_4", "evenly spaced between 1 and 0.9");
    e.paper("C, nu, D", format!("C = {c}, nu = {nu:e}, D = C nu / 9"));
    e.paper("d", "10 (2r) and 6 (r + 1)");
    e.paper("runs per initialisation", 5);
    if quick {
        e.chosen("runs per initialisation (--quick)", runs);
    }
    e.chosen("tau (rho = tau (1 - sqrt(r-1)/sqrt(d)))", tau);
    e.chosen("epsilon of the theoretical step size (Corollary 5.2, eq. (8))", format!("{eps_rel:e} |A|_F^2"));
    e.chosen("seed", seed);
    let mut rng = Rng::new(seed);
    let s: Vec<f64> = (0..r).map(|i| 1.0 - 0.1 * i as f64 / (r - 1) as f64).collect();
    let kc = Consts { c, dd, s1: s[0] };
    let a = orthonormal(&mut rng, size, r) * DMatrix::from_diagonal(&DVector::from_vec(s.clone())) * orthonormal(&mut rng, size, r).transpose();
    let fa = a.norm_squared();
    for d in [10usize, 6] {
        let rho = tau * (1.0 - ((r - 1) as f64).sqrt() / (d as f64).sqrt());
        let beta = rho * rho * s[r - 1] * s[r - 1] / (c * c * s[0] * s[0]);
        // f0 of the proposed start does not depend on eta (Remark 2.1): estimate it at eta = 1.
        let (x0, y0) = wk_init("proposed", &a, d, 1.0, kc, &mut Rng::new(seed ^ 0xabc));
        let f0 = 0.5 * (&a - &x0 * y0.transpose()).norm_squared();
        let eps = eps_rel * fa;
        let eta = beta / (32.0 * f0 * (2.0 * f0 / eps).ln()).sqrt();
        let t_theory = (beta / (8.0 * eta * eta * f0)).floor() as usize;
        let steps = t_theory.min(if quick { 2000 } else { 20_000 });
        e.measure(&format!("d = {d}: beta, theoretical eta, T = floor(beta/(8 eta^2 f0))"), json!([sig(beta), sig(eta), t_theory]), None);
        e.measure(&format!("d = {d}: steps run"), steps, None);
        // Every (init, run) in parallel; each run draws its start from its own seed.
        let jobs: Vec<(usize, usize)> = (0..INITS.len()).flat_map(|i| (0..runs).map(move |k| (i, k))).collect();
        let one = |j: usize| -> Result<Vec<f64>, String> {
            let (i, k) = jobs[j];
            let mut rr = Rng::new(seed.wrapping_add(1000 * d as u64 + 17 * k as u64 + 1));
            let (x0, y0) = wk_init(INITS[i], &a, d, eta, kc, &mut rr);
            wk_losses(&a, &x0, &y0, Method::Gd, eta, steps)
        };
        let res: Vec<Vec<f64>> = super::sweep::parallel_map(jobs.len(), threads, &one, &|_, _| {}).into_iter().collect::<Result<_, _>>()?;
        let mut finals = vec![vec![]; INITS.len()];
        let mut violations = 0usize;
        for (j, l) in res.iter().enumerate() {
            let i = jobs[j].0;
            finals[i].push(l.last().copied().unwrap_or(f64::NAN) * 2.0 / fa);
            if i == 0 {
                // Theorem 5.1 (6): |A - X_t Y_t^T|^2 = 2 f_t <= 2 exp(-beta t/4) f0 for t <= T.
                violations += l.iter().enumerate().skip(1).filter(|(t, &ft)| ft > (-beta * *t as f64 / 4.0).exp() * l[0] * (1.0 + 1e-12)).count();
            }
        }
        for (i, name) in INITS.iter().enumerate() {
            e.keyed(
                &format!("d{d}_{}", name.replace('-', "_")),
                &format!("d = {d}, {name} (GD): |A - XY^T|_F^2/|A|_F^2 after {steps} steps, (min, median, max) over {runs} runs"),
                spread(&finals[i]),
                if i == 0 { Some("fastest of the four (Figure 2)") } else { None },
            );
        }
        let worst_prop = finals[0].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let best_other = finals[1..].iter().flatten().copied().fold(f64::INFINITY, f64::min);
        e.keyed(&format!("d{d}_advantage"), &format!("d = {d}: worst proposed run / best other run (final relative loss)"), sig(worst_prop / best_other), Some("< 1: a stark and consistent advantage"));
        e.keyed(&format!("d{d}_bound_violations"), &format!("d = {d}: steps where a proposed GD run exceeds the bound 2 exp(-beta t/4) f0 of (6)"), violations, Some("0: the theory underestimates the performance"));
        e.measure(&format!("d = {d}: the bound (6) at the last step, relative to |A|_F^2"), sig(2.0 * (-beta * steps as f64 / 4.0).exp() * f0 / fa), None);
        // Theorem 5.1 is for alternating GD: the proposed start under AGD.
        let (x0, y0) = wk_init("proposed", &a, d, eta, kc, &mut Rng::new(seed.wrapping_add(1000 * d as u64 + 1)));
        let l = wk_losses(&a, &x0, &y0, Method::Agd, eta, steps)?;
        let v = l.iter().enumerate().skip(1).filter(|(t, &ft)| ft > (-beta * *t as f64 / 4.0).exp() * l[0] * (1.0 + 1e-12)).count();
        e.keyed(&format!("d{d}_agd"), &format!("d = {d}, proposed, alternating GD: final relative loss"), sig(l.last().copied().unwrap_or(f64::NAN) * 2.0 / fa), None);
        e.keyed(&format!("d{d}_agd_bound_violations"), &format!("d = {d}, proposed, alternating GD: steps above the bound (6)"), v, Some("0 (Theorem 5.1, with probability 1 - delta)"));
    }
    // Sensitivity: tau and epsilon set the theoretical step size and T; the paper gives neither.
    let d = 10;
    let mut rows = vec![];
    let mut worst = 0usize;
    for (tau, eps_rel) in [(0.5, eps_rel), (tau, 1e-3)] {
        let rho = tau * (1.0 - ((r - 1) as f64).sqrt() / (d as f64).sqrt());
        let beta = rho * rho * s[r - 1] * s[r - 1] / (c * c * s[0] * s[0]);
        let (x0, y0) = wk_init("proposed", &a, d, 1.0, kc, &mut Rng::new(seed ^ 0xabc));
        let f0 = 0.5 * (&a - &x0 * y0.transpose()).norm_squared();
        let eta = beta / (32.0 * f0 * (2.0 * f0 / (eps_rel * fa)).ln()).sqrt();
        let steps = ((beta / (8.0 * eta * eta * f0)).floor() as usize).min(if quick { 2000 } else { 20_000 });
        let (x0, y0) = wk_init("proposed", &a, d, eta, kc, &mut Rng::new(seed.wrapping_add(99)));
        let l = wk_losses(&a, &x0, &y0, Method::Gd, eta, steps)?;
        let v = l.iter().enumerate().skip(1).filter(|(t, &ft)| ft > (-beta * *t as f64 / 4.0).exp() * l[0] * (1.0 + 1e-12)).count();
        worst = worst.max(v);
        rows.push(json!([tau, eps_rel, sig(eta), steps, sig(l.last().copied().unwrap_or(f64::NAN) * 2.0 / fa), v]));
    }
    e.keyed(
        "sens_tau_eps",
        "sensitivity (d = 10, proposed, GD): [tau, epsilon/|A|_F^2, eta, steps, final relative loss, steps above (6)]",
        json!(rows),
        Some("the bound (6) holds for every allowed eta"),
    );
    e.keyed("sens_bound_violations", "sensitivity: most steps above (6) in those runs", worst, Some("0"));
    // Figure 3: larger step lengths; eta = 1 is "too large for any method to converge".
    let d = 10;
    let steps = if quick { 1000 } else { 5000 };
    e.chosen("Figure 3 step lengths", format!("0.1, 0.5, 1 (the paper names only eta = 1), {steps} GD steps, d = {d}, one run each"));
    e.chosen("'converges' (Figure 3)", "relative loss below 1e-6 at the end, or still falling (the last loss below half the loss half-way)");
    let mut converging_at_1 = 0;
    for eta in [0.1, 0.5, 1.0] {
        let mut row = vec![];
        for (i, name) in INITS.iter().enumerate() {
            let (x0, y0) = wk_init(name, &a, d, eta, kc, &mut Rng::new(seed.wrapping_add(7 + i as u64)));
            let l = wk_losses(&a, &x0, &y0, Method::Gd, eta, steps)?;
            let last = l.last().copied().unwrap_or(f64::NAN) * 2.0 / fa;
            let half = l[l.len() / 2] * 2.0 / fa;
            let converging = last.is_finite() && (last < 1e-6 || last < 0.5 * half);
            if eta == 1.0 && converging {
                converging_at_1 += 1;
            }
            row.push(json!([name, sig(last), if converging { "converging" } else { "not converging" }]));
        }
        e.measure(&format!("eta = {eta}: final relative loss per initialisation"), json!(row), None);
    }
    e.keyed("eta1_converging", "eta = 1: initialisations that converge", converging_at_1, Some("0: eta = 1 is too large for any method to converge"));
    Ok(e)
}
