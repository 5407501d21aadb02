//! `report.html`: written by `run`, self-contained (no network resources), well-formed enough
//! (every `<svg` closed), with text from check files escaped, with its simulated figures
//! (bifurcation diagrams, the Figure 1 divergence map, trajectories) carrying their data and
//! captioned as illustrative, deterministic apart from timings; rendered by headless Chromium
//! when `/usr/bin/chromium` exists (skipped with a notice otherwise).

use std::path::{Path, PathBuf};
use std::process::Command;

const CHECKS: [(&str, &str); 6] = [
    (
        "orbit.toml",
        r#"id = "h/orbit-K-1.05"
paper = "h"
claim = "Theorem 2"
statement = "One stable period-2 orbit at K = 1.05."
kind = "orbit"
loss = "(x^2 - mu)^2/4"
params = ["mu=1"]
lr = "1.05"
in = "0..2"
count = 1
stable = true
expected = "pass"
"#,
    ),
    (
        "evil.toml",
        r#"id = "h/evil"
paper = "h"
claim = "Injection <b>bold</b>"
statement = "A statement with <script>alert('x')</script> & \"quotes\"."
kind = "inequality"
inequality = "7 - 4*K - 2*K^2 > -1"
over = "K=1..1.2361"
expected = "fail"
note = "<img src=x onerror=alert(1)>"
"#,
    ),
    (
        "cond.toml",
        r#"id = "h/cond"
paper = "h2"
claim = "Corollary 2"
statement = "(x^2 - 1)^2 at its minimum 1."
kind = "conditions"
loss = "(x^2 - 1)^2"
in = "1/2..2"
expected = "pass"
"#,
    ),
    (
        "birth.toml",
        r#"id = "chen-bruna/birth"
paper = "chen-bruna"
claim = "Theorem 1"
statement = "Period-2 orbits of (x^2 - mu)^2/4 are born at eta = 1/mu."
kind = "threshold"
loss = "(x^2 - mu)^2/4"
params = ["mu=1/2"]
event = "birth"
in = "0..3"
value = "2"
expected = "pass"
"#,
    ),
    (
        "stable.toml",
        r#"id = "h/stable-range"
paper = "h"
claim = "Theorem 2"
statement = "A stable period-2 orbit for every K in [1.001, 1.01]."
kind = "orbit-stable"
loss = "(x^2 - 1)^2/4"
lr_range = "1.001..1.01"
in = "0..2"
expected = "pass"
"#,
    ),
    (
        "sim.toml",
        r#"id = "h/sim"
paper = "h"
claim = "Figure 12"
statement = "GD at eta = 1.05 settles on a period-2 orbit."
kind = "simulate"
loss = "(x^2 - 1)^2/4"
lr = "1.05"
init = "x=0.5"
steps = 2000
period = 2
expected = "consistent"
"#,
    ),
];

/// The simulated figures the checks above get: a bifurcation diagram for the orbit, the
/// threshold and the orbit-stable check, the trajectory of the simulate check (two panels) and
/// the two panels of Figure 1 (the threshold check is Chen & Bruna's).
const SIMULATED: [(&str, usize); 5] = [
    ("plot bifurcation", 3),
    ("plot trajectory head", 1),
    ("plot trajectory tail", 1),
    ("plot divergence generic", 1),
    ("plot divergence quasi-symmetric", 1),
];

/// The value of the attribute `name` in the first tag of `html` that contains `class="{class}"`.
fn attr_after(html: &str, class: &str, name: &str) -> Option<usize> {
    let at = html.find(&format!("class=\"{class}\""))?;
    let tag = &html[at..at + html[at..].find('>')?];
    let v = tag.split(&format!("{name}=\"")).nth(1)?;
    v[..v.find('"')?].parse().ok()
}

/// The figures are in the page with their data (shared by the static and the Chromium test).
fn assert_figures(html: &str) {
    for (class, n) in SIMULATED {
        assert_eq!(html.matches(&format!("class=\"{class}\"")).count(), n, "{class}");
    }
    assert!(attr_after(html, "plot bifurcation", "data-dots").unwrap() > 50, "the bifurcation diagram has its dots");
    assert!(html.contains("class=\"bif-dots\" d=\"M"), "the dots are drawn");
    assert!(html.contains("class=\"certified-threshold\""), "the certified threshold is drawn");
    assert!(html.contains("class=\"certified-range\""), "the certified range of orbit-stable is drawn");
    assert!(html.contains("class=\"certified-orbit\""), "the certified orbit points are drawn");
    assert_eq!(attr_after(html, "plot divergence generic", "data-cells"), Some(24 * 24));
    let diverged = attr_after(html, "plot divergence generic", "data-diverged").unwrap();
    assert!(diverged > 100 && diverged < 24 * 24 - 100, "both finite and diverged cells: {diverged}");
    assert!(html.contains("class=\"cell-diverged\"") && html.contains("class=\"cell-finite\""));
    assert_eq!(html.matches("class=\"boundary\"").count(), 2, "the predicted boundaries");
    assert_eq!(attr_after(html, "plot trajectory head", "data-iterates"), Some(121));
    assert!(html.contains("class=\"coord\" d=\"M"), "the trajectory is drawn");
    assert_eq!(html.matches("class=\"plot loss\"").count(), 2, "the loss plots of the orbit and the minimum");
    assert_eq!(html.matches("Illustrative, f64, not a certificate.").count(), 5 + 2, "every figure says so");
}

fn write_report(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eoscert-html-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let checks = dir.join("checks");
    std::fs::create_dir_all(&checks).unwrap();
    for (f, text) in CHECKS {
        std::fs::write(checks.join(f), text).unwrap();
    }
    let out_dir = dir.join("reports");
    let out = Command::new(env!("CARGO_BIN_EXE_eoscert"))
        .args(["run", checks.to_str().unwrap(), "--out", out_dir.to_str().unwrap()])
        .output()
        .expect("binary runs");
    assert_eq!(out.status.code(), Some(0), "run: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    out_dir.join("report.html")
}

#[test]
fn html_is_self_contained_and_escaped() {
    let path = write_report("static");
    let html = std::fs::read_to_string(&path).expect("report.html written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    let opened = html.matches("<svg").count();
    assert!(opened >= 2, "plots for the orbit and the minimum: {opened}");
    assert_eq!(opened, html.matches("</svg>").count(), "every <svg closed");
    assert!(!html.contains("http://") && !html.contains("https://"), "no network references");
    assert!(!html.contains("<script"), "no scripts, and the statement's <script> is escaped");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assert!(!html.contains("<img"), "the note is escaped");
    assert!(!html.contains("<b>bold"), "the claim is escaped");
    for id in ["h/orbit-K-1.05", "h/evil", "h/cond", "chen-bruna/birth", "h/stable-range", "h/sim"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section for {id}");
    }
    assert_figures(&html);
    assert!(html.contains("class=\"v PASS\"") && html.contains("class=\"v FAIL\""), "coloured verdicts");
    assert!(html.contains("21/20"), "the learning rate, exactly");
    assert!(html.contains("12361/10000"), "the counterexample");
    assert_eq!(html.matches("Independent exact checker").count(), 5, "the independent checker's result per check (not for the simulation)");
    assert!(!html.contains("FAILED"), "the independent checker agrees");
    // No leftover temporary files: the write is atomic.
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().contains(".tmp.")).collect();
    assert!(leftovers.is_empty());
}

/// The page with the timing cells (`<td>0.123</td>`, the only varying part) blanked.
fn without_timings(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<td>") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let end = rest.find("</td>").unwrap_or(0);
        if !rest[..end].is_empty() && rest[..end].chars().all(|c| c.is_ascii_digit() || c == '.') {
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn html_is_deterministic_apart_from_timings() {
    // The same directory twice: the check files' paths are part of the page.
    let a = std::fs::read_to_string(write_report("det")).unwrap();
    let b = std::fs::read_to_string(write_report("det")).unwrap();
    assert!(a.len() > 10_000);
    assert_eq!(without_timings(&a), without_timings(&b), "the same checks give the same page, figures included");
}

fn chromium_dom(html: &Path) -> Option<String> {
    let bin = Path::new("/usr/bin/chromium");
    if !bin.exists() {
        return None;
    }
    let profile = std::env::temp_dir().join(format!("eoscert-chromium-{}", std::process::id()));
    std::fs::create_dir_all(&profile).unwrap();
    let out = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            &format!("file://{}", html.display()),
        ])
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn html_renders_in_headless_chromium() {
    let path = write_report("chromium");
    let Some(dom) = chromium_dom(&path) else {
        println!("notice: /usr/bin/chromium not found; the headless DOM check is skipped (apt-get install -y chromium)");
        return;
    };
    assert!(dom.matches("<svg").count() >= 2, "the plots are in the DOM");
    assert!(dom.contains("<path"), "the loss curve is drawn");
    assert!(dom.contains("<circle"), "the orbit points are drawn");
    for id in ["h/orbit-K-1.05", "h/evil", "h/cond", "chen-bruna/birth", "h/stable-range", "h/sim"] {
        assert!(dom.contains(&format!("id=\"{id}\"")), "section for {id} in the DOM");
    }
    assert_figures(&dom);
    assert!(!dom.contains("<script"), "the escaped statement did not become a script element");
    assert!(dom.contains("&lt;script&gt;"), "the statement's markup is shown as text");
}
