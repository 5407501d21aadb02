//! The simulated figures of `report.html`, computed with the f64 simulator
//! ([`crate::simulate`]): bifurcation diagrams of one-variable losses (the last iterates of GD
//! against `η`, with a threshold, a certified range or certified orbit points drawn on them),
//! the divergence map of Chen & Bruna's Figure 1 (2×2 matrix factorisation on a grid of
//! `(η σ1², η σ2²)`, with the predicted boundaries drawn), and the trajectories of `simulate`
//! checks.
//!
//! Guarantee: illustrative only. Every figure is a floating-point observation and its caption
//! says "Illustrative, f64, not a certificate"; where a certified number (a threshold, orbit
//! points, a proved range) is drawn on a figure, it is read from the check's certificate and
//! labelled as certified, the dots around it are not. Deterministic: fixed grids, starts and
//! seeds, each sweep point computed alone in its own slot ([`sweep::parallel_map`]), and pixel
//! coordinates printed with fixed decimals, so a report renders byte-identically on any number
//! of threads. Cost is capped by the constants below (the whole catalogue's figures take a
//! fraction of a second on one core).

use super::svg::{figure, tick, Frame};
use crate::expr::Loss;
use crate::simulate::{self as sim, sweep, MfModel, Model};
use nalgebra::{DMatrix, DVector};
use std::fmt::Write as _;

/// The tag every simulated figure's caption carries.
pub const ILLUSTRATIVE: &str = "Illustrative, f64, not a certificate.";

/// Learning rates per bifurcation diagram.
pub const BIF_ETAS: usize = 140;
/// GD steps discarded before the kept iterates of a bifurcation diagram.
pub const BIF_WARMUP: usize = 320;
/// Iterates kept (and drawn) per learning rate of a bifurcation diagram.
pub const BIF_KEEP: usize = 40;
/// Cells per side of the divergence map.
pub const MAP_CELLS: usize = 24;
/// GD steps per cell of the divergence map.
pub const MAP_STEPS: usize = 600;
/// The map covers `(0, MAP_MAX]²` (cell centres never fall on the line `a1 + a2 = 2`).
pub const MAP_MAX: f64 = 2.2;
/// The seed of the divergence map's initialisations.
pub const MAP_SEED: u64 = 0;
/// Iterates shown from the start of a `simulate` check's trajectory, and at its end.
pub const TRACE_HEAD: usize = 120;
pub const TRACE_TAIL: usize = 40;
/// Trajectories are drawn for models with at most this many coordinates.
pub const TRACE_MAX_DIM: usize = 4;

const COLOURS: [&str; 4] = ["#0969da", "#cf222e", "#1a7f37", "#8250df"];

/// For each `η` of `etas`: the last `keep` of `warmup + keep` GD iterates of the one-variable
/// `loss` from `x0` (empty where GD diverged or left the loss's domain, and for a loss of
/// several variables). f64 observations.
pub fn bifurcation(loss: &Loss, etas: &[f64], x0: f64, warmup: usize, keep: usize, threads: usize) -> Vec<Vec<f64>> {
    let one = |i: usize| -> Vec<f64> {
        let Some(mut m) = sim::expr1d::ExprModel1d::new(loss.clone()) else { return vec![] };
        let mut st = sim::Stepper::new(sim::Method::Gd, sim::Schedule::Constant(etas[i]), 1);
        let t = st.run(&mut m, &DVector::from_element(1, x0), warmup + keep, keep);
        if t.diverged.is_some() {
            return vec![];
        }
        t.tail.iter().map(|v| v[0]).filter(|x| x.is_finite()).collect()
    };
    sweep::parallel_map(etas.len(), threads, &one, &|_, _| {})
}

/// What a bifurcation diagram shows besides the simulated dots.
#[derive(Clone, Debug)]
pub enum BifMark {
    /// A certified learning rate (a vertical line).
    Threshold { eta: f64, label: String },
    /// A certified range of learning rates (a shaded band).
    Range { lo: f64, hi: f64, label: String },
    /// Certified orbit points at one learning rate.
    Orbit { eta: f64, xs: Vec<f64>, label: String },
}

/// The `[q, 1 − q]` quantile range of `v` (sorted copy), padded by 5 % of its width.
fn robust_range(v: &[f64], q: f64) -> Option<(f64, f64)> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f64::total_cmp);
    let k = ((s.len() as f64) * q) as usize;
    let (lo, hi) = (s[k.min(s.len() - 1)], s[(s.len() - 1).saturating_sub(k)]);
    let pad = ((hi - lo) * 0.05).max(1e-9 * (1.0 + lo.abs().max(hi.abs())));
    Some((lo - pad, hi + pad))
}

/// The SVG figure of a bifurcation diagram: the dots of [`bifurcation`] (deduplicated per
/// pixel) and the certified marks.
pub fn bifurcation_svg(etas: &[f64], rows: &[Vec<f64>], marks: &[BifMark], caption: &str) -> String {
    let all: Vec<f64> = rows.iter().flatten().copied().chain(marks.iter().flat_map(|m| match m {
        BifMark::Orbit { xs, .. } => xs.clone(),
        _ => vec![],
    })).collect();
    let (Some(&a), Some(&b)) = (etas.first(), etas.last()) else { return String::new() };
    let Some(yr) = robust_range(&all, 0.005) else { return String::new() };
    let f = Frame::new((a, b), yr);
    let mut dots: Vec<(i64, i64)> = vec![];
    for (eta, xs) in etas.iter().zip(rows) {
        for &x in xs {
            if f.contains(*eta, x) {
                // Whole pixels: a periodic orbit is a few dots, chaos a column.
                dots.push((f.sx(*eta).round() as i64, f.sy(x).round() as i64));
            }
        }
    }
    dots.sort_unstable();
    dots.dedup();
    let mut d = String::with_capacity(dots.len() * 10);
    for (x, y) in &dots {
        let _ = write!(d, "M{x} {y}h.5");
    }
    let mut o = f.open("bifurcation", &format!("data-etas=\"{}\" data-dots=\"{}\"", etas.len(), dots.len()), "learning rate η", "last iterates x");
    let (top, bottom) = (f.mt, f.h - f.mb);
    for m in marks {
        match m {
            BifMark::Range { lo, hi, label } => {
                let (x1, x2) = (f.sx(lo.max(a)), f.sx(hi.min(b)));
                let _ = write!(
                    o,
                    "<rect class=\"certified-range\" x=\"{x1:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#1a7f37\" fill-opacity=\"0.12\"><title>{}</title></rect>",
                    (x2 - x1).max(1.0),
                    bottom - top,
                    super::html::esc(label)
                );
            }
            BifMark::Threshold { eta, label } if *eta >= a && *eta <= b => {
                let x = f.sx(*eta);
                let _ = write!(
                    o,
                    "<line class=\"certified-threshold\" x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#cf222e\" stroke-dasharray=\"5 3\"><title>{}</title></line>\
<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#cf222e\">η* ≈ {}</text>",
                    super::html::esc(label),
                    x + 3.0,
                    top + 12.0,
                    tick(*eta)
                );
            }
            _ => {}
        }
    }
    let _ = write!(o, "<path class=\"bif-dots\" d=\"{d}\" stroke=\"#0969da\" stroke-width=\"1.4\" stroke-linecap=\"round\" fill=\"none\"/>");
    for m in marks {
        if let BifMark::Orbit { eta, xs, label } = m {
            for &x in xs.iter().filter(|&&x| f.contains(*eta, x)) {
                let _ = write!(
                    o,
                    "<circle class=\"certified-orbit\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" fill=\"none\" stroke=\"#cf222e\" stroke-width=\"2\"><title>{} x ≈ {:.6}</title></circle>",
                    f.sx(*eta),
                    f.sy(x),
                    super::html::esc(label),
                    x
                );
            }
        }
    }
    f.close(&mut o);
    figure("fig-bifurcation", &o, caption)
}

/// Divergence of GD on 2×2 matrix factorisation `‖Y Zᵀ − C‖²/2`, `C = diag(a1, a2)`, `η = 1`,
/// over an `n × n` grid of cell centres in `(0, amax]²` (row-major, `a2` = row).
#[derive(Clone, Debug)]
pub struct DivergenceMap {
    /// Cell centres (the same on both axes).
    pub axis: Vec<f64>,
    /// `diverged[r * n + c]` for `a1 = axis[c]`, `a2 = axis[r]`.
    pub diverged: Vec<bool>,
    /// `None`: generic start `0.1 N(0, 1)` per entry; `Some(α)`: quasi-symmetric
    /// `(α X0, X0/α) + 0.01 N(0, 1)`, `X0 = diag(√a1, √a2)` (Chen & Bruna Figure 1(a), (b, c)).
    pub alpha: Option<f64>,
    pub steps: usize,
    pub seed: u64,
}

/// Computes a [`DivergenceMap`] (the settings of `simulate --experiment fig1` / `fig1bc`, on
/// this grid): a cell diverges when an iterate leaves every bound within `steps` steps.
pub fn divergence_map(alpha: Option<f64>, n: usize, amax: f64, steps: usize, seed: u64, threads: usize) -> DivergenceMap {
    let axis: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) * amax / n as f64).collect();
    let mut rng = sim::Rng::new(seed);
    let scale = if alpha.is_some() { 0.01 } else { 0.1 };
    let noise = DVector::from_fn(8, |_, _| scale * rng.normal());
    let one = |i: usize| -> bool {
        let (a1, a2) = (axis[i % n], axis[i / n]);
        let mut m = MfModel::new(DMatrix::from_diagonal(&DVector::from_vec(vec![a1, a2])), 2);
        let theta0 = MfModel::figure1_start(a1, a2, alpha, &noise);
        let mut st = sim::Stepper::new(sim::Method::Gd, sim::Schedule::Constant(1.0), m.dim());
        st.run(&mut m, &theta0, steps, 1).diverged.is_some()
    };
    let diverged = sweep::parallel_map(n * n, threads, &one, &|_, _| {});
    DivergenceMap { axis, diverged, alpha, steps, seed }
}

/// One panel of the divergence map as SVG: diverged cells dark, finite cells light, the
/// predicted boundary drawn.
pub fn divergence_svg(map: &DivergenceMap, amax: f64) -> String {
    let n = map.axis.len();
    let f = Frame { w: 330.0, h: 330.0, ml: 48.0, mr: 12.0, mt: 12.0, mb: 40.0, x: (0.0, amax), y: (0.0, amax) };
    let div = map.diverged.iter().filter(|&&d| d).count();
    let class = if map.alpha.is_some() { "divergence quasi-symmetric" } else { "divergence generic" };
    let mut o = f.open(class, &format!("data-cells=\"{}\" data-diverged=\"{div}\"", n * n), "a1 = η σ1²", "a2 = η σ2²");
    o.push_str("<g shape-rendering=\"crispEdges\">");
    let cw = amax / n as f64;
    // Runs of equal cells along each row: one rect per run.
    for r in 0..n {
        let mut c = 0;
        while c < n {
            let d = map.diverged[r * n + c];
            let mut e = c;
            while e < n && map.diverged[r * n + e] == d {
                e += 1;
            }
            let (x1, x2) = (f.sx(c as f64 * cw), f.sx(e as f64 * cw));
            let (y1, y2) = (f.sy((r + 1) as f64 * cw), f.sy(r as f64 * cw));
            let _ = write!(
                o,
                "<rect class=\"{}\" x=\"{x1:.1}\" y=\"{y1:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
                if d { "cell-diverged" } else { "cell-finite" },
                x2 - x1,
                y2 - y1,
                if d { "#6e7781" } else { "#dafbe1" }
            );
            c = e;
        }
    }
    o.push_str("</g>");
    // The predicted boundary: a1 + a2 = 2 (generic), max/α² + min·α² = 2 (quasi-symmetric).
    let pts: Vec<(f64, f64)> = match map.alpha {
        None => vec![(0.0, 2.0), (2.0, 0.0)],
        Some(al) => {
            let (s, d) = (2.0 * al * al, 2.0 / (1.0 / (al * al) + al * al));
            vec![(0.0, s), (d, d), (s, 0.0)]
        }
    };
    let _ = write!(o, "<path class=\"boundary\" d=\"{}\" stroke=\"#cf222e\" stroke-width=\"2\" fill=\"none\"/>", f.path(pts));
    f.close(&mut o);
    o
}

/// Both panels of Chen & Bruna's Figure 1 (generic and quasi-symmetric with `α = 0.8`) as one
/// captioned figure.
pub fn figure1(threads: usize) -> String {
    let alpha = 0.8;
    let a = divergence_map(None, MAP_CELLS, MAP_MAX, MAP_STEPS, MAP_SEED, threads);
    let b = divergence_map(Some(alpha), MAP_CELLS, MAP_MAX, MAP_STEPS, MAP_SEED, threads);
    let svg = format!("{}{}", divergence_svg(&a, MAP_MAX), divergence_svg(&b, MAP_MAX));
    let caption = format!(
        "Chen & Bruna Figure 1: whether GD (η = 1, {MAP_STEPS} steps) diverges on 2x2 matrix factorisation |Y Z^T − C|²/2 with C = diag(a1, a2), \
on a {MAP_CELLS}x{MAP_CELLS} grid of cell centres in (0, {MAP_MAX}]² (grey: diverged, an iterate beyond 1e100; green: finite). \
Left: generic start (every entry 0.1 N(0,1), seed {MAP_SEED}) with the line a1 + a2 = 2 of Observation 1 (red). \
Right: quasi-symmetric start (α X0, X0/α) + 0.01 N(0,1), X0 = diag(√a1, √a2), α = {alpha}, with the curve max(a1,a2)/α² + min(a1,a2) α² = 2 of Eq. (9), a sufficient condition (red). \
{ILLUSTRATIVE} Rerun in full with eoscert simulate --experiment fig1 (and fig1bc)."
    );
    figure("fig-divergence", &svg, &caption)
}

/// The iterates of a simulation at its start and its end.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Iterates `0..=head` (fewer if the run left the bounds).
    pub head: Vec<Vec<f64>>,
    /// The iterate number of `tail[0]`.
    pub tail_first: usize,
    /// The last iterates (empty when the run diverged).
    pub tail: Vec<Vec<f64>>,
    /// The step at which the run diverged.
    pub diverged_at: Option<usize>,
}

/// Runs GD with the constant rate `lr` for `steps` steps from `theta0`, keeping the first
/// `head + 1` and the last `tail` iterates. f64 observations.
pub fn trace<M: Model + ?Sized>(model: &mut M, theta0: &DVector<f64>, lr: f64, steps: usize, head: usize, tail: usize) -> Trace {
    let mut st = sim::Stepper::new(sim::Method::Gd, sim::Schedule::Constant(lr), model.dim());
    let mut theta = theta0.clone();
    let mut first = vec![theta.iter().copied().collect::<Vec<f64>>()];
    for _ in 0..head.min(steps) {
        if st.step(model, &mut theta, lr).is_err() || !sim::dynamics::bounded(&theta) {
            break;
        }
        first.push(theta.iter().copied().collect());
    }
    let t = st.run(model, theta0, steps, tail);
    let keep = t.diverged.is_none();
    Trace {
        head: first,
        tail_first: t.first,
        tail: if keep { t.tail.iter().map(|v| v.iter().copied().collect()).collect() } else { vec![] },
        diverged_at: t.diverged.map(|d| d.0),
    }
}

/// One panel of iterates against the step number, one line (with dots) per coordinate.
fn trace_panel(pts: &[Vec<f64>], first: usize, names: &[String], class: &str, title: &str) -> String {
    let d = pts.first().map_or(0, Vec::len);
    let all: Vec<f64> = pts.iter().flatten().copied().collect();
    let Some(yr) = robust_range(&all, 0.0) else { return String::new() };
    let last = (first + pts.len()).saturating_sub(1) as f64;
    let f = Frame::new((first as f64, last.max(first as f64 + 1.0)), yr).sized(400.0, 240.0);
    let mut o = f.open(&format!("trajectory {class}"), &format!("data-iterates=\"{}\" data-coordinates=\"{d}\"", pts.len()), title, "iterate");
    for k in 0..d {
        let c = COLOURS[k % COLOURS.len()];
        let line = f.path(pts.iter().enumerate().map(|(i, p)| ((first + i) as f64, p[k])));
        let _ = write!(o, "<path class=\"coord\" d=\"{line}\" stroke=\"{c}\" stroke-width=\"1\" fill=\"none\" stroke-opacity=\"0.6\"/>");
        if pts.len() <= 2 * TRACE_TAIL {
            for (i, p) in pts.iter().enumerate() {
                if f.contains((first + i) as f64, p[k]) {
                    let _ = write!(o, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2\" fill=\"{c}\"/>", f.sx((first + i) as f64), f.sy(p[k]));
                }
            }
        }
        let name = names.get(k).map(String::as_str).unwrap_or("?");
        let _ = write!(o, "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{c}\">{}</text>", 4.0 + 36.0 * k as f64, f.h - 4.0, super::html::esc(name));
    }
    f.close(&mut o);
    o
}

/// The trajectory figure: the first iterates and the last ones.
pub fn trace_svg(t: &Trace, names: &[String], caption: &str) -> String {
    let mut o = trace_panel(&t.head, 0, names, "head", "step (start of the run)");
    if !t.tail.is_empty() {
        o.push_str(&trace_panel(&t.tail, t.tail_first, names, "tail", "step (end of the run)"));
    }
    if o.is_empty() {
        return String::new();
    }
    figure("fig-trajectory", &o, caption)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quartic() -> Loss {
        crate::verbs::input::parse_loss("(x^2 - 1)^2/4", &[], None).unwrap()
    }

    #[test]
    fn bifurcation_shows_convergence_then_period_two() {
        let etas = [0.9, 1.05];
        let rows = bifurcation(&quartic(), &etas, 1.1, 400, 8, 2);
        assert!(rows[0].iter().all(|x| (x - 1.0).abs() < 1e-9), "converges to the minimum below eta = 1");
        let (a, b) = sim::experiments::quartic_orbit(1.05).unwrap();
        assert!(rows[1].iter().all(|x| (x - a).abs() < 1e-6 || (x - b).abs() < 1e-6), "period 2 at 1.05: {:?}", rows[1]);
        assert_eq!(rows, bifurcation(&quartic(), &etas, 1.1, 400, 8, 1), "independent of the thread count");
    }

    #[test]
    fn divergence_map_agrees_with_the_line_away_from_it() {
        let m = divergence_map(None, 6, 2.4, 600, 0, 2);
        // Cell centres 0.2, 0.6, ..., 2.2: far below the line finite, far above diverged.
        assert!(!m.diverged[0], "a1 = a2 = 0.2 stays finite");
        assert!(m.diverged[35], "a1 = a2 = 2.2 diverges");
        let svg = divergence_svg(&m, 2.4);
        assert!(svg.contains("cell-diverged") && svg.contains("cell-finite") && svg.contains("class=\"boundary\""));
        assert_eq!(svg, divergence_svg(&divergence_map(None, 6, 2.4, 600, 0, 1), 2.4), "deterministic");
    }

    #[test]
    fn trace_keeps_head_and_tail() {
        let mut m = sim::ExprModel::new(quartic());
        let t = trace(&mut m, &DVector::from_element(1, 0.5), 1.05, 1000, 10, 4);
        assert_eq!(t.head.len(), 11);
        assert_eq!(t.tail.len(), 4);
        assert_eq!(t.tail_first, 997);
        let svg = trace_svg(&t, &["x".into()], "c");
        assert_eq!(svg.matches("<svg").count(), 2);
    }
}
