//! `report.html`: written by `run`, self-contained (no network resources), well-formed enough
//! (every `<svg` closed), with text from check files escaped; rendered by headless Chromium
//! when `/usr/bin/chromium` exists (skipped with a notice otherwise).

use std::path::{Path, PathBuf};
use std::process::Command;

const CHECKS: [(&str, &str); 3] = [
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
];

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
    for id in ["h/orbit-K-1.05", "h/evil", "h/cond"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section for {id}");
    }
    assert!(html.contains("class=\"v PASS\"") && html.contains("class=\"v FAIL\""), "coloured verdicts");
    assert!(html.contains("Illustrative only"), "plots say they are not certificates");
    assert!(html.contains("21/20"), "the learning rate, exactly");
    assert!(html.contains("12361/10000"), "the counterexample");
    assert_eq!(html.matches("Independent exact checker").count(), 3, "the independent checker's result per check");
    assert!(!html.contains("FAILED"), "the independent checker agrees");
    // No leftover temporary files: the write is atomic.
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().contains(".tmp.")).collect();
    assert!(leftovers.is_empty());
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
    for id in ["h/orbit-K-1.05", "h/evil", "h/cond"] {
        assert!(dom.contains(&format!("id=\"{id}\"")), "section for {id} in the DOM");
    }
    assert!(!dom.contains("<script"), "the escaped statement did not become a script element");
    assert!(dom.contains("&lt;script&gt;"), "the statement's markup is shown as text");
}
