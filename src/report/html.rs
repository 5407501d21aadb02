//! `report.html`: one self-contained page (inline CSS and inline SVG, no scripts, no network)
//! showing, per paper and per claim, the statement, the verdict, the expectation, the reason,
//! the certificate's key numbers, the independent checker's result (`verify`) and, for
//! one-variable losses, a plot of the loss with the certified orbit points, fixed points or
//! minima marked, and the simulated figures of [`super::illustrate`] (bifurcation diagrams,
//! trajectories, the divergence map of Chen & Bruna's Figure 1).
//!
//! Guarantee: every text taken from check files or certificates is HTML-escaped; the page
//! references no external resource. The plots sample the loss or simulate GD in f64 and are
//! illustrative only (their captions say so): they certify nothing; the certified values
//! drawn on them come from the certificates. Equal report JSON renders to equal bytes.

use super::illustrate::Illustrator;
use super::svg::{figure, tick, Frame};
use crate::expr::Loss;
use crate::verify::{Status, Verification};
use serde_json::Value;
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}\
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ccc;margin-top:2.5rem}\
section.check{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}\
section.check h3{margin:.2rem 0;font-size:1.05rem}code,.num{font-family:ui-monospace,monospace;font-size:.9em}\
blockquote{margin:.4rem 0;padding:.3rem .8rem;border-left:4px solid #bbb;background:#f7f7f7}\
.v{display:inline-block;padding:.05rem .5rem;border-radius:4px;color:#fff;font-weight:bold;font-size:.85rem}\
.PASS{background:#1a7f37}.FAIL{background:#cf222e}.UNDECIDED{background:#bf8700}\
.CONSISTENT{background:#0a7a8a}.INCONSISTENT{background:#8250df}.unexpected{color:#cf222e;font-weight:bold}\
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ddd;padding:.15rem .5rem;text-align:left;vertical-align:top}\
th{background:#f3f3f3}figure{margin:.5rem 0}figcaption{font-size:.8rem;color:#555}\
svg text{font-family:system-ui,sans-serif;font-size:11px}.muted{color:#666;font-size:.85rem}";

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A report number for reading: its exact form, else a short decimal (f64) with the full
/// enclosure in a tooltip; a minimal-polynomial number shows the polynomial.
fn num(v: &Value) -> String {
    match v {
        Value::String(x) => format!("<span class=\"num\">{}</span>", esc(x)),
        Value::Number(n) => format!("<span class=\"num\">{n}</span>"),
        Value::Object(m) => {
            let (lo, hi) = (s(v, "lo"), s(v, "hi"));
            let iso: Vec<&str> = m.get("isolating").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
            let near = match (lo.is_empty(), iso.as_slice()) {
                (false, _) => approx(lo, hi),
                (true, [a, b]) => approx(&ratio_f64(a), &ratio_f64(b)),
                _ => String::new(),
            };
            let base = if let Some(e) = m.get("exact").and_then(Value::as_str) {
                esc(e)
            } else if let Some(c) = m.get("closed_form").and_then(Value::as_str) {
                format!("{} {near}", esc(c))
            } else if let Some(mp) = m.get("minpoly") {
                format!("root of {} {near}", esc(&poly_text(mp)))
            } else if !lo.is_empty() {
                approx(lo, hi)
            } else if let (Some(re), Some(im)) = (m.get("re"), m.get("im")) {
                return format!("{} + {} i", num(re), num(im));
            } else {
                esc(&v.to_string())
            };
            let extra = match (m.get("minpoly"), m.get("closed_form"), m.get("exact")) {
                (Some(mp), Some(_), None) | (Some(mp), None, Some(_)) => format!(" (minimal polynomial {})", esc(&poly_text(mp))),
                _ => String::new(),
            };
            format!("<span class=\"num\" title=\"[{}, {}]\">{base}</span>{extra}", esc(lo), esc(hi))
        }
        Value::Array(a) => a.iter().map(num).collect::<Vec<_>>().join(", "),
        other => esc(&other.to_string()),
    }
}

/// `≈ m` from an enclosure's decimal strings (display only; the exact enclosure is in the
/// tooltip and in report.json).
fn approx(lo: &str, hi: &str) -> String {
    match (lo.parse::<f64>(), hi.parse::<f64>()) {
        (Ok(a), Ok(b)) if a == b => format!("≈ {a}"),
        (Ok(a), Ok(b)) => format!("≈ {} (enclosure width {:.1e})", (a + b) / 2.0, (b - a).abs()),
        _ => format!("[{}, {}]", esc(lo), esc(hi)),
    }
}

/// A rational string `p/q` (or a decimal) as a decimal string of its f64 value (display only).
fn ratio_f64(r: &str) -> String {
    let v = match r.split_once('/') {
        Some((p, q)) => p.parse::<f64>().unwrap_or(f64::NAN) / q.parse::<f64>().unwrap_or(f64::NAN),
        None => r.parse::<f64>().unwrap_or(f64::NAN),
    };
    v.to_string()
}

/// Integer coefficients (lowest degree first) as a polynomial in eta/x.
fn poly_text(mp: &Value) -> String {
    let Some(c) = mp.as_array() else { return mp.to_string() };
    let terms: Vec<String> = c
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, v)| v.as_i64() != Some(0))
        .map(|(i, v)| match i {
            0 => v.to_string(),
            1 => format!("{v}·t"),
            _ => format!("{v}·t^{i}"),
        })
        .collect();
    if terms.is_empty() {
        "0".into()
    } else {
        terms.join(" + ").replace("+ -", "− ")
    }
}

fn row(out: &mut String, k: &str, v: &str) {
    let _ = write!(out, "<tr><th>{}</th><td>{v}</td></tr>", esc(k));
}

/// The certificate's key numbers as a table, by the certificate's shape.
fn certificate(c: &Value) -> String {
    let mut t = String::new();
    if let Some(l) = c.get("loss").and_then(Value::as_str) {
        row(&mut t, "loss", &format!("<code>{}</code>", esc(l)));
    }
    if let Some(claim) = c.get("claim").and_then(Value::as_str) {
        row(&mut t, "claim", &format!("<code>{}</code>", esc(claim)));
    }
    if let Some(ev) = c.get("event").and_then(Value::as_str) {
        row(&mut t, "event", &esc(ev));
    }
    if let Some(lr) = c.get("lr") {
        row(&mut t, if c.get("event").is_some() { "threshold η*" } else { "learning rate η" }, &num(lr));
    }
    if let Some(cx) = c.get("counterexample").and_then(Value::as_object) {
        let pts: Vec<String> = cx.iter().map(|(k, v)| format!("{} = {}", esc(k), num(v))).collect();
        row(&mut t, "counterexample", &pts.join(", "));
    }
    for (key, label) in [("margin_p", "6p''² − p'p'''"), ("margin_q", "6q''² − q'q'''"), ("margin_composite", "6h''² − h'h''' (h = q∘p)")] {
        if let Some(v) = c.get(key) {
            row(&mut t, label, &num(v));
        }
    }
    if let Some(ms) = c.get("minima").and_then(Value::as_array) {
        for (i, m) in ms.iter().enumerate() {
            let mut cell = format!("x = {}; f'' = {}", num(m.get("point").unwrap_or(&Value::Null)), num(m.get("f2").unwrap_or(&Value::Null)));
            for (k, l) in [("f3", "f'''"), ("f4", "f''''")] {
                if let Some(v) = m.get(k) {
                    let _ = write!(cell, "; {l} = {}", num(v));
                }
            }
            if let Some(t1) = m.get("theorem1") {
                let _ = write!(cell, "<br>Theorem 1: {} (3f'''² − f''f'''' = {})", verdict(s(t1, "verdict")), num(t1.get("value").unwrap_or(&Value::Null)));
            }
            if let Some(l1) = m.get("lemma1") {
                let _ = write!(cell, "<br>Lemma 1: {} ({})", verdict(s(l1, "verdict")), esc(s(l1, "reason")));
            }
            if let Some(p1) = m.get("prop1") {
                let _ = write!(cell, "<br>Proposition 1: {} ({})", verdict(s(p1, "verdict")), esc(s(p1, "reason")));
            }
            row(&mut t, &format!("minimum #{}", i + 1), &cell);
        }
    }
    if let Some(os) = c.get("orbits").and_then(Value::as_array) {
        for (i, o) in os.iter().enumerate() {
            let pts: Vec<String> = o.get("points").and_then(Value::as_array).into_iter().flatten().map(|p| format!("({})", num(p))).collect();
            let mut cell = format!("points {}", pts.join(" ↔ "));
            if let Some(ex) = o.get("exact").and_then(Value::as_array) {
                let e: Vec<String> = ex.iter().map(num).collect();
                let _ = write!(cell, "<br>exactly: {}", e.join("; "));
            }
            if let Some(m) = o.get("multiplier") {
                let _ = write!(cell, "<br>multiplier {}", num(m));
            }
            if let Some(ev) = o.get("eigenvalues") {
                let _ = write!(cell, "<br>eigenvalues {}", num(ev));
            }
            let _ = write!(cell, "<br>stable: {}", verdict(s(o, "stable")));
            row(&mut t, &format!("orbit #{}", i + 1), &cell);
        }
        let fps: Vec<String> = c
            .get("fixed_points")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|f| format!("x = {} (multiplier {})", num(f.get("point").unwrap_or(&Value::Null)), num(f.get("multiplier").unwrap_or(&Value::Null))))
            .collect();
        if !fps.is_empty() {
            row(&mut t, "fixed points of F", &fps.join("<br>"));
        }
    }
    if let Some(d) = c.get("derivatives").and_then(Value::as_array) {
        let ds: Vec<String> = d.iter().map(|x| format!("f^({}) = {}", x.get("order").map(|o| o.to_string()).unwrap_or_default(), num(x))).collect();
        row(&mut t, "derivatives", &ds.join("<br>"));
    }
    if let Some(m) = c.get("method").and_then(Value::as_str) {
        row(&mut t, "method", &esc(m));
    }
    if let Some(steps) = c.get("certificate").and_then(Value::as_array) {
        let li: String = steps.iter().filter_map(Value::as_str).map(|x| format!("<li>{}</li>", esc(x))).collect();
        row(&mut t, "argument", &format!("<ol>{li}</ol>"));
    }
    for key in ["complete", "boxes", "pieces_proved"] {
        if let Some(v) = c.get(key) {
            row(&mut t, key, &esc(&v.to_string()));
        }
    }
    if t.is_empty() {
        return String::new();
    }
    format!("<table class=\"cert\">{t}</table>")
}

fn verdict(v: &str) -> String {
    let class = match v {
        "PASS" | "FAIL" | "UNDECIDED" | "CONSISTENT" | "INCONSISTENT" => v,
        _ => "",
    };
    format!("<span class=\"v {class}\">{}</span>", esc(v))
}

/// A number of the report as f64 for plotting (midpoint of the enclosure).
pub(super) fn f64_of(v: &Value) -> Option<f64> {
    let (lo, hi) = ends(v)?;
    Some((lo + hi) / 2.0)
}

/// The plotting range: around the points (half their span on each side, at least 0.05),
/// clipped to [a, b]; all of [a, b] when there are no points.
fn zoom(xs: &[f64], a: f64, b: f64) -> (f64, f64) {
    let lo = xs.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return (a, b);
    }
    let pad = ((hi - lo) / 2.0).max(0.05);
    ((lo - pad).max(a), (hi + pad).min(b))
}

/// The end points of an enclosure as f64 (for plotting).
pub(super) fn ends(v: &Value) -> Option<(f64, f64)> {
    Some((v.get("lo")?.as_str()?.parse().ok()?, v.get("hi")?.as_str()?.parse().ok()?))
}

/// A mark on a loss plot.
struct Mark {
    x: f64,
    class: &'static str,
    label: String,
}

/// The one-variable loss of a check (with its parameters), for plotting.
pub(super) fn plot_loss(check: &Value) -> Option<Loss> {
    let src = match (check.get("loss").and_then(Value::as_str), check.get("base").and_then(Value::as_str), check.get("target").and_then(Value::as_str)) {
        (Some(l), _, _) => l.to_string(),
        (None, Some(g), Some(y)) => format!("({g} - ({y}))^2"),
        _ => return None,
    };
    let params: Vec<String> = check.get("params").and_then(Value::as_array).into_iter().flatten().filter_map(|p| p.as_str().map(String::from)).collect();
    let loss = crate::verbs::input::parse_loss(&src, &params, None).ok()?;
    (loss.vars.len() == 1).then_some(loss)
}

/// What to plot for a check: the loss over an interval with marks, for one-variable orbit
/// and conditions certificates.
fn plot_for(check: &Value, cert: &Value) -> Option<String> {
    let loss = plot_loss(check)?;
    let mut marks = vec![];
    if let Some(os) = cert.get("orbits").and_then(Value::as_array) {
        let (a, b) = ends(cert.get("domain")?.as_array()?.first()?)?;
        for (i, o) in os.iter().enumerate() {
            for (k, p) in o.get("points")?.as_array()?.iter().enumerate() {
                let x = f64_of(p.as_array()?.first()?)?;
                marks.push(Mark { x, class: "orbit", label: format!("x{} (orbit #{})", k + 1, i + 1) });
            }
        }
        for f in cert.get("fixed_points").and_then(Value::as_array).into_iter().flatten() {
            let x = f64_of(f.get("point")?.as_array()?.first()?)?;
            marks.push(Mark { x, class: "fixed", label: "fixed point of F".into() });
        }
        let xs: Vec<f64> = marks.iter().filter(|k| k.class == "orbit").map(|k| k.x).collect();
        let (a, b) = zoom(&xs, a, b);
        return Some(svg(&loss, a, b, &marks, "orbit points (circles, joined: one GD step maps each to the other) and fixed points of F (squares)"));
    }
    let ms = cert.get("minima")?.as_array()?;
    for (i, m) in ms.iter().enumerate() {
        marks.push(Mark { x: f64_of(m.get("point")?)?, class: "fixed", label: format!("minimum #{}", i + 1) });
    }
    let (lo, hi) = match cert.get("interval") {
        Some(iv) => ends(iv)?,
        None => {
            let x = marks.first()?.x;
            (x - 1.0, x + 1.0)
        }
    };
    Some(svg(&loss, lo, hi, &marks, "certified minima (squares)"))
}

/// An inline SVG line plot of the loss on [a, b] sampled in f64, with marks.
fn svg(loss: &Loss, a: f64, b: f64, marks: &[Mark], what: &str) -> String {
    if !(a.is_finite() && b.is_finite() && b > a) {
        return String::new();
    }
    let f = |x: f64| crate::eval::value::<f64>(loss, &[x], &()).ok().filter(|y| y.is_finite());
    let n = 240;
    let pts: Vec<(f64, f64)> = (0..=n).filter_map(|i| {
        let x = a + (b - a) * i as f64 / n as f64;
        f(x).map(|y| (x, y))
    }).collect();
    if pts.len() < 2 {
        return String::new();
    }
    let (ylo, yhi) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, u), p| (l.min(p.1), u.max(p.1)));
    let fr = Frame::new((a, b), (ylo, yhi));
    let mut o = fr.open("loss", &format!("data-samples=\"{}\"", pts.len()), "x", "f(x)");
    let _ = write!(o, "<path d=\"{}\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\"/>", fr.path(pts.iter().copied()));
    let orbit: Vec<&Mark> = marks.iter().filter(|k| k.class == "orbit").collect();
    for pair in orbit.chunks(2) {
        if let [p, q] = pair {
            if let (Some(y1), Some(y2)) = (f(p.x), f(q.x)) {
                let _ = write!(o, "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#cf222e\" stroke-dasharray=\"4 3\"/>", fr.sx(p.x), fr.sy(y1), fr.sx(q.x), fr.sy(y2));
            }
        }
    }
    for k in marks {
        let Some(y) = f(k.x).filter(|_| k.x >= a && k.x <= b) else { continue };
        let (cx, cy) = (fr.sx(k.x), fr.sy(y));
        let shape = if k.class == "orbit" {
            format!("<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"5\" fill=\"#cf222e\">")
        } else {
            format!("<rect x=\"{:.1}\" y=\"{:.1}\" width=\"9\" height=\"9\" fill=\"#1a7f37\">", cx - 4.5, cy - 4.5)
        };
        let close = if k.class == "orbit" { "</circle>" } else { "</rect>" };
        let _ = write!(o, "{shape}<title>{} at x ≈ {:.6}</title>{close}", esc(&k.label), k.x);
    }
    fr.close(&mut o);
    let caption = format!("The loss on [{}, {}], sampled, with the {}; the marks are certified, drawn at their enclosures' midpoints. {}", tick(a), tick(b), what, super::figures::ILLUSTRATIVE);
    figure("fig-loss", &o, &caption)
}

/// The HTML page of a report JSON (as written to `report.json`, checks carrying `check`),
/// with the independent checker's result per check when `verified` is given.
pub fn render(report: &Value, verified: Option<&Verification>) -> String {
    let empty = vec![];
    let checks = report.get("checks").and_then(Value::as_array).unwrap_or(&empty);
    let mut o = String::new();
    let _ = write!(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>eoscert report</title><style>{STYLE}</style></head><body>");
    let _ = write!(o, "<h1>eoscert report</h1><p class=\"muted\">{}</p>", esc(s(report, "tool")));
    if let Some(sm) = report.get("summary") {
        let g = |k: &str| sm.get(k).map(|v| v.to_string()).unwrap_or_default();
        let _ = write!(
            o,
            "<p>{} checks: {} {}, {} {}, {} {}, {} {}, {} {}; {} as expected, <span class=\"{}\">{} unexpected</span>.</p>",
            g("total"), g("pass"), verdict("PASS"), g("fail"), verdict("FAIL"), g("undecided"), verdict("UNDECIDED"),
            g("consistent"), verdict("CONSISTENT"), g("inconsistent"), verdict("INCONSISTENT"), g("as_expected"),
            if g("unexpected") == "0" { "" } else { "unexpected" }, g("unexpected")
        );
    }
    let _ = write!(o, "<p class=\"muted\">A PASS is proved (exact or outward-rounded interval arithmetic), a FAIL refuted by a certified counterexample. <code>eoscert verify report.json</code> re-checks the certificates with an independent exact checker.</p>");
    let mut papers: Vec<&str> = checks.iter().map(|c| s(c, "paper")).collect();
    papers.sort();
    papers.dedup();
    let mut figs = Illustrator::default();
    let _ = write!(o, "<nav><ul>");
    for p in &papers {
        let _ = write!(o, "<li><a href=\"#paper-{}\">{}</a></li>", esc(p), esc(p));
    }
    let _ = write!(o, "</ul></nav>");
    for p in papers {
        let _ = write!(o, "<h2 id=\"paper-{}\">{}</h2>", esc(p), esc(p));
        let _ = write!(o, "<table><tr><th>check</th><th>claim</th><th>verdict</th><th>expected</th><th>seconds</th></tr>");
        for c in checks.iter().filter(|c| s(c, "paper") == p) {
            let secs = c.get("seconds").and_then(Value::as_f64).unwrap_or(0.0);
            let _ = write!(
                o,
                "<tr><td><a href=\"#{id}\">{id}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{secs:.3}</td></tr>",
                esc(s(c, "claim")),
                verdict(s(c, "verdict")),
                esc(s(c, "expected")),
                id = esc(s(c, "id"))
            );
        }
        let _ = write!(o, "</table>");
        o.push_str(&figs.for_paper(p));
        for c in checks.iter().filter(|c| s(c, "paper") == p) {
            let status = verified.and_then(|v| v.items.iter().find(|i| i.id == s(c, "id"))).map(|i| &i.status);
            check_section(&mut o, c, status, &mut figs);
        }
    }
    o.push_str("</body></html>\n");
    o
}

fn check_section(o: &mut String, c: &Value, status: Option<&Status>, figs: &mut Illustrator) {
    let unexpected = c.get("as_expected").and_then(Value::as_bool) == Some(false);
    let _ = write!(
        o,
        "<section class=\"check\" id=\"{id}\"><h3>{} <span class=\"muted\">({id})</span></h3><blockquote class=\"statement\">{}</blockquote>\
<p>{} expected <b>{}</b>{}</p><p>{}</p>",
        esc(s(c, "claim")),
        esc(s(c, "statement")),
        verdict(s(c, "verdict")),
        esc(s(c, "expected")),
        if unexpected { " <span class=\"unexpected\">(unexpected)</span>" } else { "" },
        esc(s(c, "reason")),
        id = esc(s(c, "id"))
    );
    if let Some(n) = c.get("note").and_then(Value::as_str) {
        let _ = write!(o, "<p class=\"muted\">Note: {}</p>", esc(n));
    }
    if let Some(cert) = c.get("certificate") {
        o.push_str(&certificate(cert));
        if let Some(plot) = plot_for(c.get("check").unwrap_or(&Value::Null), cert) {
            o.push_str(&plot);
        }
        o.push_str(&figs.for_check(c.get("check").unwrap_or(&Value::Null), cert, s(c, "verdict")));
    }
    if let Some(st) = status {
        let (class, word) = match st {
            Status::Rechecked(_) => ("PASS", "re-checked"),
            Status::NotRecheckable(_) => ("UNDECIDED", "not re-checkable"),
            Status::Failed(_) => ("FAIL", "FAILED"),
        };
        let _ = write!(o, "<p class=\"indep\">Independent exact checker (<code>eoscert verify</code>): <span class=\"v {class}\">{word}</span> {}</p>", esc(st.text()));
    }
    let _ = write!(o, "<p class=\"muted\">check file: <code>{}</code></p></section>", esc(s(c, "file")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("<script>\"x\" & 'y'</script>"), "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;");
    }

    #[test]
    fn polynomials_read_well() {
        assert_eq!(poly_text(&serde_json::json!([-4, 2, 1])), "1·t^2 + 2·t − 4");
    }
}
