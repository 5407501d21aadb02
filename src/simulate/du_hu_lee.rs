//! Du, Hu & Lee's experiments as presets (see `companion.rs` for the conventions): Figure 1
//! (GD on asymmetric matrix factorisation, objective (1) against the regularised objective (3):
//! both converge, and `|U|_F^2 / |V|_F^2` stays constant along plain GD) and Section 4's Figure 2
//! (a 3-layer ReLU network: the layers' squared norms stay balanced under GD with a small step
//! and a small start).
//!
//! Figure 2 at the paper's size (1000 points in R^1000, 10,000 iterations, two runs) costs about
//! 8e12 flops, several minutes on one core: `du-hu-lee-fig2` runs the paper's network and
//! iteration count on 100 points (under a minute), says so in its settings and prints a recorded
//! paper-size run beside it; `du-hu-lee-fig2-paper` runs the paper's size.
//!
//! Guarantee: floating-point observations (f64), deterministic under the seed (the runs are
//! independent and each writes its own slot, whatever the thread count); never a certificate.

use super::companion::sig;
use super::experiments::Experiment;
use super::rng::Rng;
use super::sweep::parallel_map;
use nalgebra::DMatrix;
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Section 4, Figure 2: f(x) = W3 relu(W2 relu(W1 x)), quadratic loss, GD.

/// The network's data.
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

/// The size a Figure 2 preset runs at.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Fig2Size {
    /// `--quick`: widths 100, 20, 20, 10, 100 points, 2000 iterations.
    Quick,
    /// The paper's network and iterations on 100 points (under a minute).
    Reduced,
    /// The paper's size: 1000 points (several minutes).
    Paper,
}

/// The paper's network.
const PAPER_WIDTHS: [usize; 4] = [1000, 100, 100, 10];

/// A run of `du-hu-lee-fig2-paper` (seed 0, step 0.2) recorded on this project's 2-core machine
/// (about 5 minutes on one core): the balanced and unbalanced end norms, largest |difference|,
/// and the iteration from which the ratios stay within 10% of 1.
const RECORDED_PAPER_RUN: &str = "balanced: norms [205.014, 204.744, 204.767], largest |difference| 0.269, ratios within 10% from iteration 0; \
unbalanced: norms [208.860, 199.637, 198.773], largest |difference| 9.223, ratios within 10% from iteration 3769 \
(paper: balanced 42.90, 43.76, 43.68, bounded by 0.14; unbalanced 55.50, 45.65, 45.46, bounded by 9, ratios close to 1 after about 1,000)";

pub(super) fn fig2(size: Fig2Size, seed: u64, threads: usize) -> Result<Experiment, String> {
    let quick = size == Fig2Size::Quick;
    let mut e = Experiment::of(
        "Du, Hu & Lee",
        if size == Fig2Size::Paper { "du-hu-lee-fig2-paper" } else { "du-hu-lee-fig2" },
        "Section 4, Figure 2",
        "3-layer ReLU network, GD with a small step from a small start: the squared norms of the layers stay balanced",
        quick,
        seed,
    );
    let (widths, points, iters) = match size {
        Fig2Size::Quick => ([100, 20, 20, 10], 100, 2000),
        Fig2Size::Reduced => (PAPER_WIDTHS, 100, 10_000),
        Fig2Size::Paper => (PAPER_WIDTHS, 1000, 10_000),
    };
    let lr = 0.2;
    e.paper("network", "f(x) = W3 relu(W2 relu(W1 x)), W1 100x1000, W2 100x100, W3 10x100");
    e.paper("iterations", 10_000);
    match size {
        Fig2Size::Paper => e.paper("data", "1000 points, quadratic loss, GD"),
        Fig2Size::Quick => e.chosen("sizes (--quick)", format!("widths {widths:?}, {points} points, {iters} iterations")),
        Fig2Size::Reduced => {
            e.chosen("data", format!("{points} points (the paper: 1000), quadratic loss, GD"));
            e.details.push(format!(
                "the paper's size (1000 points) costs about 8e12 flops, about 5 minutes on one core; this preset keeps the paper's \
network and 10,000 iterations on {points} points. Rerun the paper's size with `eoscert simulate --experiment du-hu-lee-fig2-paper`.\n\
a recorded paper-size run (seed 0): {RECORDED_PAPER_RUN}"
            ));
        }
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
    // The balanced and unbalanced runs (same data) side by side, then the sensitivity runs.
    let (qw, qp, qi) = ([100, 20, 20, 10], 100, 2000);
    let jobs: Vec<(bool, [usize; 4], usize, usize, f64, u64)> = vec![
        (true, widths, points, iters, lr, seed),
        (false, widths, points, iters, lr, seed),
        (true, qw, qp, qi, lr * 0.5, seed),
        (true, qw, qp, qi, lr * 2.0, seed),
        (true, qw, qp, qi, lr, seed.wrapping_add(1)),
    ];
    let one = |i: usize| {
        let (b, w, p, it, h, s) = jobs[i];
        dhl_run(w, p, b, h, it, s)
    };
    let runs: Vec<DhlRun> = parallel_map(jobs.len(), threads, &one, &|_, _| {}).into_iter().collect::<Result<_, _>>()?;
    for (r, (label, balanced, paper_norms, paper_diff)) in runs.iter().zip([
        ("balanced", true, "42.90, 43.76, 43.68", "bounded by 0.14 in all iterations"),
        ("unbalanced", false, "55.50, 45.65, 45.46", "bounded by 9, changing very little"),
    ]) {
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
    // preset's cost to its two main runs).
    e.chosen("sensitivity runs", format!("widths {qw:?}, {qp} points, {qi} iterations"));
    let rows: Vec<_> = jobs[2..]
        .iter()
        .zip(&runs[2..])
        .map(|(j, r)| {
            let top = r.norms.iter().copied().fold(0.0, f64::max);
            json!([sig(j.4), j.5, sig(r.max_change / top), r.ratio_from, r.norms.map(sig)])
        })
        .collect();
    e.keyed(
        "sens",
        "sensitivity (balanced): [step size, seed, change / largest norm, ratio iteration, norms]",
        json!(rows),
        Some("the invariance is approximate: smaller for smaller steps"),
    );
    Ok(e)
}

// ---------------------------------------------------------------------------------------------
// Figure 1: GD on f(U, V) = |U V^T - M*|_F^2 / 2 (objective (1)) and on (3), which adds
// |U^T U - V^T V|_F^2 / 8.

/// One GD run of Figure 1: iterations to reach relative losses 1e-6 and 1e-12, the final
/// relative loss, `|U|^2 / |V|^2` at the start, at the end and its range over all iterations, and
/// the largest change of `|U|^2 - |V|^2` from the start relative to `|U|^2` at the end.
struct MfRun {
    t6: Option<usize>,
    t12: Option<usize>,
    rel_loss: f64,
    ratio0: f64,
    ratio: f64,
    ratio_min: f64,
    ratio_max: f64,
    /// max / min of the ratio over the iterations where `|U|^2` is at least half its end value.
    ratio_range_late: f64,
    change_rel: f64,
}

/// The settings of one Figure 1 run.
#[derive(Clone, Copy)]
struct MfSetup {
    d1: usize,
    d2: usize,
    r: usize,
    init: f64,
    lr: f64,
    iters: usize,
    seed: u64,
}

fn mf_run(s: MfSetup, reg: bool) -> Result<MfRun, String> {
    let MfSetup { d1, d2, r, init, lr, iters, seed } = s;
    let mut rng = Rng::new(seed);
    let a = DMatrix::from_fn(d1, r, |_, _| rng.normal());
    let b = DMatrix::from_fn(d2, r, |_, _| rng.normal());
    let m = &a * b.transpose();
    let m = &m / m.singular_values().max();
    let fm = 0.5 * m.norm_squared();
    let mut u = DMatrix::from_fn(d1, r, |_, _| init * rng.normal());
    let mut v = DMatrix::from_fn(d2, r, |_, _| init * rng.normal());
    let (nu0, nv0) = (u.norm_squared(), v.norm_squared());
    let mut out = MfRun { t6: None, t12: None, rel_loss: f64::NAN, ratio0: nu0 / nv0, ratio: nu0 / nv0, ratio_min: nu0 / nv0, ratio_max: nu0 / nv0, ratio_range_late: 1.0, change_rel: 0.0 };
    let mut change: f64 = 0.0;
    let mut path: Vec<(f64, f64)> = Vec::with_capacity(iters + 1);
    for t in 0..=iters {
        let res = &u * v.transpose() - &m;
        let rel = 0.5 * res.norm_squared() / fm;
        if !rel.is_finite() || rel > 1e30 {
            return Err(format!("GD diverged at iteration {t} (learning rate {lr})"));
        }
        let (nu, nv) = (u.norm_squared(), v.norm_squared());
        out.ratio = nu / nv;
        out.ratio_min = out.ratio_min.min(out.ratio);
        out.ratio_max = out.ratio_max.max(out.ratio);
        path.push((nu, out.ratio));
        change = change.max(((nu - nv) - (nu0 - nv0)).abs());
        out.change_rel = change / nu;
        out.rel_loss = rel;
        if rel <= 1e-6 && out.t6.is_none() {
            out.t6 = Some(t);
        }
        if rel <= 1e-12 && out.t12.is_none() {
            out.t12 = Some(t);
        }
        if t == iters {
            break;
        }
        // (2): dU = (U V^T - M) V, dV = (U V^T - M)^T U; (3) adds U R / 2 and -V R / 2,
        // R = U^T U - V^T V.
        let mut gu = &res * &v;
        let mut gv = res.transpose() * &u;
        if reg {
            let rr = u.transpose() * &u - v.transpose() * &v;
            gu += &u * &rr * 0.5;
            gv -= &v * &rr * 0.5;
        }
        u -= gu * lr;
        v -= gv * lr;
    }
    let half = path.last().map_or(0.0, |p| p.0) / 2.0;
    let late = path.iter().filter(|p| p.0 >= half).map(|p| p.1);
    let (lo, hi) = late.fold((f64::INFINITY, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
    out.ratio_range_late = hi / lo;
    Ok(out)
}

pub(super) fn fig1(quick: bool, seed: u64, threads: usize) -> Result<Experiment, String> {
    let mut e = Experiment::of(
        "Du, Hu & Lee",
        "du-hu-lee-fig1",
        "Section 1, Figure 1",
        "GD on |U V^T - M*|_F^2/2 without and with the balancing regulariser |U^T U - V^T V|_F^2/8: both converge; |U|^2/|V|^2 stays constant without it",
        quick,
        seed,
    );
    let base = MfSetup { d1: 50, d2: 50, r: 5, init: 1e-2, lr: 0.1, iters: if quick { 1500 } else { 4000 }, seed };
    e.paper("objectives", "(1) |U V^T - M*|_F^2/2 and (3) = (1) + |U^T U - V^T V|_F^2/8, GD from a random start");
    e.chosen("sizes", format!("U {}x{r}, V {}x{r}, M* of rank r = {r} (the paper gives none)", base.d1, base.d2, r = base.r));
    e.chosen("M*", "A B^T with A, B standard normal, scaled to sigma_1(M*) = 1");
    e.chosen("start", format!("U0, V0 entries N(0, {}^2)", base.init));
    e.chosen("step size", format!("{} (constant)", base.lr));
    e.chosen("iterations", base.iters);
    e.chosen("seed", seed);
    e.chosen("'converged'", "|U V^T - M*|_F^2 / |M*|_F^2 <= 1e-12 (iterations to 1e-6 shown too)");
    // The two objectives on the same M* and start, then the sensitivity runs (objective (1)).
    let jobs: Vec<(MfSetup, bool)> = vec![
        (base, false),
        (base, true),
        (MfSetup { d2: 30, ..base }, false),
        (MfSetup { init: 0.3, ..base }, false),
        (MfSetup { lr: 0.4, ..base }, false),
        (MfSetup { init: 1e-4, ..base }, false),
    ];
    let one = |i: usize| mf_run(jobs[i].0, jobs[i].1);
    let runs: Vec<MfRun> = parallel_map(jobs.len(), threads, &one, &|_, _| {}).into_iter().collect::<Result<_, _>>()?;
    let (p, q) = (&runs[0], &runs[1]);
    let t = |r: &MfRun| json!([r.t6, r.t12]);
    e.keyed("rel_loss_1", "(1): |U V^T - M*|_F^2 / |M*|_F^2 at the end", p.rel_loss, Some("converges to a global minimum (Figure 1a)"));
    e.keyed("rel_loss_3", "(3): the same at the end", q.rel_loss, Some("converges to a global minimum (Figure 1a)"));
    e.keyed("iters_1", "(1): iterations to relative loss 1e-6, 1e-12", t(p), None);
    e.keyed("iters_3", "(3): iterations to relative loss 1e-6, 1e-12", t(q), None);
    let rate = match (p.t12, q.t12) {
        (Some(a), Some(b)) if b > 0 => Some(sig(a as f64 / b as f64)),
        _ => None,
    };
    e.keyed("rate_ratio", "iterations to 1e-12: (1) / (3)", rate, Some("the convergence rate of (1) is competitive (Figure 1a)"));
    e.keyed("ratio_1", "(1): |U|^2 / |V|^2 at the start, at the end", json!([sig(p.ratio0), sig(p.ratio)]), Some("a constant in all iterations (Figure 1b)"));
    e.keyed(
        "ratio_range_1",
        "(1): |U|^2 / |V|^2 over all iterations: max / min",
        sig(p.ratio_max / p.ratio_min),
        Some("1: the ratio remains a constant (Figure 1b)"),
    );
    e.keyed(
        "ratio_range_late_1",
        "(1): |U|^2 / |V|^2 max / min over the iterations with |U|^2 at least half its end value",
        sig(p.ratio_range_late),
        Some("1: the ratio remains a constant (Figure 1b)"),
    );
    e.keyed("change_rel_1", "(1): largest change of |U|^2 - |V|^2 from the start / |U|^2 at the end", sig(p.change_rel), Some("0 for gradient flow (Theorem 2.2); small for GD"));
    e.keyed("ratio_3", "(3): |U|^2 / |V|^2 at the start, at the end", json!([sig(q.ratio0), sig(q.ratio)]), Some("a constant in all iterations (Figure 1b)"));
    e.keyed("ratio_range_3", "(3): |U|^2 / |V|^2 over all iterations: max / min", sig(q.ratio_max / q.ratio_min), None);
    // Sensitivity: sizes, start scale and step size are all unstated.
    let labels = ["V 30x5 (d2 = 30)", "start N(0, 0.3^2)", "step 0.4", "start N(0, 1e-4^2)"];
    let mut rows = vec![];
    for (label, r) in labels.iter().zip(&runs[2..]) {
        rows.push(json!([label, sig(r.rel_loss), r.t12, sig(r.ratio0), sig(r.ratio), sig(r.ratio_max / r.ratio_min), sig(r.change_rel)]));
    }
    e.keyed(
        "sens",
        "sensitivity, objective (1): [change, final relative loss, iterations to 1e-12, ratio at start, ratio at end, max/min ratio, change of |U|^2 - |V|^2 / |U|^2]",
        json!(rows),
        Some("the ratio is constant only when the start is balanced in norm; the difference |U|^2 - |V|^2 is what GD keeps"),
    );
    let worst = runs[2..].iter().map(|r| r.ratio_max / r.ratio_min).fold(1.0, f64::max);
    e.keyed("sens_ratio_range", "sensitivity: largest max/min ratio over those runs", sig(worst), Some("1 (constant)"));
    Ok(e)
}
