//! Which simulated figure ([`super::figures`]) goes with which check or paper of `report.html`:
//! a bifurcation diagram for `threshold`, `orbit-stable` and `orbit` checks of one-variable
//! losses (with the certified threshold, range or orbit points drawn), the trajectory of a
//! `simulate` check, and Chen & Bruna's Figure 1 once, in that paper's section.
//!
//! Guarantee: the certified marks are read from the check's certificate (PASS ranges only are
//! drawn as certified); everything simulated is labelled illustrative. Deterministic (equal
//! report JSON, equal HTML); equal bifurcation diagrams (same loss, range and start) are
//! computed once per page.

use super::figures::{self, BifMark, ILLUSTRATIVE};
use super::html::{ends, f64_of, plot_loss};
use super::svg::tick;
use serde_json::Value;
use std::collections::HashMap;

/// Computes the figures of one page.
pub struct Illustrator {
    threads: usize,
    bifurcations: HashMap<String, Vec<Vec<f64>>>,
}

impl Default for Illustrator {
    fn default() -> Self {
        Illustrator::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
    }
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A range `A..B` of a check file as f64 (display only).
fn range_f64(s: &str) -> Option<(f64, f64)> {
    let iv = crate::verbs::input::parse_range(s, 64, "range").ok()?;
    let (a, b) = (iv.lo().to_f64(), iv.hi().to_f64());
    (a.is_finite() && b.is_finite() && b > a).then_some((a, b))
}

/// A start off the point `x` (GD started exactly at a fixed point would stay there).
fn nudge(x: f64) -> f64 {
    x + 0.03 * x.abs().max(0.1)
}

impl Illustrator {
    pub fn new(threads: usize) -> Illustrator {
        Illustrator { threads: threads.max(1), bifurcations: HashMap::new() }
    }

    /// The figures of a check (HTML, empty if none applies): `check` is the check's inputs and
    /// `cert` its certificate, as in report.json.
    pub fn for_check(&mut self, check: &Value, cert: &Value, verdict: &str) -> String {
        match text(check, "kind") {
            Some("threshold") => self.threshold(check, cert),
            Some("orbit-stable") => self.orbit_stable(check, verdict),
            Some("orbit") => self.orbit(check, cert),
            Some("simulate") => simulate(check, cert),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// The figures shown once in a paper's section (Chen & Bruna: Figure 1).
    pub fn for_paper(&mut self, paper: &str) -> String {
        match paper {
            "chen-bruna" => format!("<h3 id=\"figure-1\">Figure 1: the divergence map</h3>{}", figures::figure1(self.threads)),
            _ => String::new(),
        }
    }

    /// A bifurcation diagram of the check's loss over `[a, b]` from `x0`, with marks.
    fn diagram(&mut self, check: &Value, (a, b): (f64, f64), x0: f64, marks: &[BifMark], marked: &str) -> Option<String> {
        let loss = plot_loss(check)?;
        if !(a.is_finite() && b.is_finite() && b > a && x0.is_finite()) {
            return None;
        }
        let etas = crate::simulate::sweep::linspace(a, b, figures::BIF_ETAS);
        let params: Vec<&str> = check.get("params").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let with = if params.is_empty() { String::new() } else { format!(" with {}", params.join(", ")) };
        let key = format!("{}|{with}|{a:e}|{b:e}|{x0:e}", loss.source);
        let threads = self.threads;
        let rows = self
            .bifurcations
            .entry(key)
            .or_insert_with(|| figures::bifurcation(&loss, &etas, x0, figures::BIF_WARMUP, figures::BIF_KEEP, threads));
        let caption = format!(
            "Bifurcation diagram of GD on f(x) = {}{with}: for each of {} learning rates in [{}, {}], the last {} of {} GD iterates from x0 = {} \
(blue dots; a column is empty where GD diverged). {ILLUSTRATIVE} {marked}",
            loss.source,
            figures::BIF_ETAS,
            tick(a),
            tick(b),
            figures::BIF_KEEP,
            figures::BIF_WARMUP + figures::BIF_KEEP,
            tick(x0),
        );
        Some(figures::bifurcation_svg(&etas, rows, marks, &caption))
    }

    fn threshold(&mut self, check: &Value, cert: &Value) -> Option<String> {
        let eta = f64_of(cert.get("lr")?)?;
        let xmin = f64_of(cert.get("minimum")?.get("point")?)?;
        let event = text(cert, "event").or(text(check, "event")).unwrap_or("threshold");
        let label = format!("certified {event} threshold η* ≈ {eta}");
        let marks = [BifMark::Threshold { eta, label }];
        let marked = format!("Red dashed line: the certified {event} threshold η* (exact value and enclosure in the certificate above).");
        self.diagram(check, (0.85 * eta, 1.15 * eta), nudge(xmin), &marks, &marked)
    }

    fn orbit_stable(&mut self, check: &Value, verdict: &str) -> Option<String> {
        let (lo, hi) = range_f64(text(check, "lr_range")?)?;
        let (da, db) = range_f64(text(check, "in").unwrap_or("-10..10"))?;
        let pad = (0.3 * (hi - lo)).max(0.05 * hi.abs());
        let (marks, marked) = if verdict == "PASS" {
            let label = format!("certified: one stable period-2 orbit in [{}, {}] for every η in [{}, {}]", tick(da), tick(db), tick(lo), tick(hi));
            (vec![BifMark::Range { lo, hi, label }], "Green band: the learning rates for which the stable period-2 orbit is certified.".to_string())
        } else {
            (vec![], format!("The claimed range [{}, {}] is not certified (verdict {verdict}).", tick(lo), tick(hi)))
        };
        self.diagram(check, (lo - pad, hi + pad), nudge((da + db) / 2.0), &marks, &marked)
    }

    fn orbit(&mut self, check: &Value, cert: &Value) -> Option<String> {
        let eta = f64_of(cert.get("lr")?)?;
        let mut marks = vec![];
        for (i, o) in cert.get("orbits")?.as_array()?.iter().enumerate() {
            let xs: Option<Vec<f64>> = o.get("points")?.as_array()?.iter().map(|p| p.as_array().and_then(|p| p.first()).and_then(f64_of)).collect();
            let stable = text(o, "stable").unwrap_or("?");
            marks.push(BifMark::Orbit { eta, xs: xs?, label: format!("certified period-2 orbit #{} at η = {eta} (stable: {stable})", i + 1) });
        }
        let x0 = match marks.first() {
            Some(BifMark::Orbit { xs, .. }) if !xs.is_empty() => nudge(xs[0]),
            _ => {
                let (a, b) = ends(cert.get("domain")?.as_array()?.first()?)?;
                nudge((a + b) / 2.0)
            }
        };
        let marked = if marks.is_empty() {
            "No period-2 orbit was certified at this learning rate.".to_string()
        } else {
            format!("Red circles: the certified period-2 orbit points at η = {} (enclosures in the certificate above).", tick(eta))
        };
        self.diagram(check, (0.85 * eta, 1.15 * eta), x0, &marks, &marked)
    }
}

/// The trajectory of a `simulate` check with an expression loss, rerun from the check's inputs
/// and drawn only if the rerun ends at the certificate's last iterate.
fn simulate(check: &Value, cert: &Value) -> Option<String> {
    use crate::verbs::simulate::{self as vs, ModelSpec, Plan};
    let args = vs::SimulateArgs {
        loss: Some(text(check, "loss")?.to_string()),
        params: check.get("params")?.as_array()?.iter().filter_map(|p| p.as_str().map(String::from)).collect(),
        lr: Some(text(check, "lr")?.to_string()),
        init: Some(text(check, "init")?.to_string()),
        steps: check.get("steps").and_then(Value::as_u64).map_or(vs::defaults::STEPS, |s| s as usize),
        prec: 128,
        ..Default::default()
    };
    let Ok(Plan::Simulate(req)) = vs::plan(&args, crate::krawczyk::Budget::new(1, -64, None)) else { return None };
    let (ModelSpec::Expr(loss), Some(init)) = (&req.model, &req.init) else { return None };
    if init.len() > figures::TRACE_MAX_DIM || init.len() != loss.vars.len() {
        return None;
    }
    // The check's own model (not the faster 1-D one): the rerun must be the check's run.
    let mut model = crate::simulate::ExprModel::new(loss.clone());
    let t = figures::trace(&mut model, &nalgebra::DVector::from_column_slice(init), req.lr, req.config.steps, figures::TRACE_HEAD, figures::TRACE_TAIL);
    // Draw only the run the check judged: the rerun ends where the certificate says it ended
    // (a check with settings this rerun does not know gets no figure).
    let last: Vec<f64> = cert.get("last")?.as_array()?.iter().filter_map(Value::as_f64).collect();
    let same = match t.tail.last() {
        Some(ours) => ours.len() == last.len() && ours.iter().zip(&last).all(|(a, b)| (a - b).abs() <= 1e-12 * (1.0 + b.abs())),
        None => t.diverged_at.is_some() && text(cert, "outcome") == Some("diverged"),
    };
    if !same {
        return None;
    }
    let found = match (text(cert, "outcome"), cert.get("period").and_then(Value::as_u64)) {
        (Some(o), Some(p)) => format!("{o}, period {p}"),
        (Some(o), None) => o.to_string(),
        _ => "see above".into(),
    };
    let end = match t.diverged_at {
        Some(s) => format!("GD diverged at step {s}"),
        None => format!("right: the last {} iterates (steps {}..{})", t.tail.len(), t.tail_first, t.tail_first + t.tail.len().saturating_sub(1)),
    };
    let caption = format!(
        "Trajectory of GD on {} with η = {} from {}: left, the first {} steps; {end}. The simulation found: {found}. {ILLUSTRATIVE}",
        loss.source,
        req.lr,
        text(check, "init").unwrap_or(""),
        t.head.len().saturating_sub(1),
    );
    Some(figures::trace_svg(&t, &loss.vars, &caption))
}
