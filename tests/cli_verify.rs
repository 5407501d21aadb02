//! `verify`: the independent checker accepts the reports `run` writes and rejects corrupted
//! ones (exit 1 naming the check), and malformed reports (exit 2).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn eoscert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eoscert")).args(args).output().expect("binary runs")
}

/// Small check files covering every kind the checker re-checks.
const CHECKS: [(&str, &str); 10] = [
    (
        "ineq-fail.toml",
        r#"id = "t/ineq-fail"
paper = "t"
claim = "C1"
statement = "7 - 4K - 2K^2 > -1 up to K = 1.2361 (false)."
kind = "inequality"
inequality = "7 - 4*K - 2*K^2 > -1"
over = "K=1..1.2361"
expected = "fail"
"#,
    ),
    (
        "ineq-pass.toml",
        r#"id = "t/ineq-pass"
paper = "t"
claim = "C2"
statement = "7 - 4K - 2K^2 > -1 on [1, 1.236]."
kind = "inequality"
inequality = "7 - 4*K - 2*K^2 > -1"
over = "K=1..1.236"
expected = "pass"
"#,
    ),
    (
        "thr-pass.toml",
        r#"id = "t/thr-pass"
paper = "t"
claim = "C3"
statement = "Period doubling at sqrt(5) - 1."
kind = "threshold"
loss = "(x^2 - 1)^2/4"
event = "period-doubling"
near = "1"
in = "0..10"
lr_range = "1..10"
minpoly = [-4, 2, 1]
value = "sqrt(5) - 1"
expected = "pass"
"#,
    ),
    (
        "thr-fail.toml",
        r#"id = "t/thr-fail"
paper = "t"
claim = "C4"
statement = "Period doubling at sqrt(5) - 1 + 1e-9 (false)."
kind = "threshold"
loss = "(x^2 - 1)^2/4"
event = "period-doubling"
near = "1"
in = "0..10"
lr_range = "1..10"
value = "sqrt(5) - 1 + 1e-9"
expected = "fail"
"#,
    ),
    (
        "orbit.toml",
        r#"id = "t/orbit"
paper = "t"
claim = "C5"
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
        "orbit-unstable.toml",
        r#"id = "t/orbit-unstable"
paper = "t"
claim = "C6"
statement = "The orbit at K = 1.237 is stable (false)."
kind = "orbit"
loss = "(x^2 - 1)^2/4"
lr = "1.237"
in = "0..2"
stable = true
expected = "fail"
"#,
    ),
    (
        "deriv.toml",
        r#"id = "t/deriv"
paper = "t"
claim = "C7"
statement = "f''' of (x^2 - 1)^2 at 1/2 is 12."
kind = "derivative"
loss = "(x^2 - 1)^2"
at = "x=1/2"
order = 3
value = "12"
expected = "pass"
"#,
    ),
    (
        "cond.toml",
        r#"id = "t/cond"
paper = "t"
claim = "C8"
statement = "Theorem 1 holds for (x^2 - 1)^2 at 1."
kind = "conditions"
loss = "(x^2 - 1)^2"
at = "x=1"
judge = "theorem1"
expected = "pass"
"#,
    ),
    (
        "cond-fail.toml",
        r#"id = "t/cond-fail"
paper = "t"
claim = "C9"
statement = "Theorem 1 holds for x^2 (false)."
kind = "conditions"
loss = "x^2"
in = "-1..1"
judge = "theorem1"
expected = "fail"
"#,
    ),
    (
        "prop2.toml",
        r#"id = "t/prop2"
paper = "t"
claim = "C10"
statement = "Composition keeps Proposition 1's conditions (false)."
kind = "prop2"
p = "x + x^2/2 + 59*x^3/60"
q = "y - y^2/2 + 59*y^3/60"
at = "x=0"
expected = "fail"
"#,
    ),
];

/// A fresh directory with the check files, judged by `run`; returns the report path.
fn run_catalogue(name: &str) -> (PathBuf, Value) {
    let dir = std::env::temp_dir().join(format!("eoscert-verify-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let checks = dir.join("checks");
    std::fs::create_dir_all(&checks).unwrap();
    for (f, text) in CHECKS {
        std::fs::write(checks.join(f), text).unwrap();
    }
    let out_dir = dir.join("reports");
    let out = eoscert(&["run", checks.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "run: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let path = out_dir.join("report.json");
    let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    (path, v)
}

fn verify(path: &Path) -> (i32, String, String) {
    let out = eoscert(&["verify", path.to_str().unwrap()]);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn check_mut<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    v["checks"].as_array_mut().unwrap().iter_mut().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no check {id}"))
}

/// Writes the corrupted report next to the original and asserts that `verify` exits 1
/// naming the check.
fn rejects(path: &Path, v: &Value, id: &str, what: &str) {
    let bad = path.with_file_name(format!("corrupt-{}.json", what.replace(' ', "-")));
    std::fs::write(&bad, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    let (code, out, err) = verify(&bad);
    assert_eq!(code, 1, "{what}: verify must exit 1; stdout:\n{out}\nstderr:\n{err}");
    let first = err.lines().last().unwrap_or("");
    assert!(first.contains(id), "{what}: the failing item {id} is named: {err}");
    assert!(out.contains("failed 1") || out.contains("failed 2"), "{what}: summary: {out}");
}

#[test]
fn accepts_the_report_run_writes() {
    let (path, _) = run_catalogue("accept");
    let (code, out, err) = verify(&path);
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("re-checked 10, not re-checkable 0, failed 0"), "{out}");
    for (_, text) in CHECKS {
        let id = text.lines().next().unwrap().trim_start_matches("id = ").trim_matches('"');
        assert!(out.contains(&format!("{id}  ")), "{id} listed: {out}");
    }
}

#[test]
fn rejects_corrupted_certificates() {
    let (path, orig) = run_catalogue("reject");

    // A counterexample that satisfies the claim.
    let mut v = orig.clone();
    let c = check_mut(&mut v, "t/ineq-fail");
    c["certificate"]["counterexample"]["K"]["exact"] = "1".into();
    rejects(&path, &v, "t/ineq-fail", "counterexample");

    // A counterexample outside the box.
    let mut v = orig.clone();
    check_mut(&mut v, "t/ineq-fail")["certificate"]["counterexample"]["K"]["exact"] = "2".into();
    rejects(&path, &v, "t/ineq-fail", "counterexample outside");

    // A minimal polynomial coefficient.
    let mut v = orig.clone();
    check_mut(&mut v, "t/thr-pass")["certificate"]["lr"]["minpoly"][0] = (-5).into();
    rejects(&path, &v, "t/thr-pass", "minpoly");

    // The isolating interval shifted off the root.
    let mut v = orig.clone();
    let lr = &mut check_mut(&mut v, "t/thr-pass")["certificate"]["lr"];
    lr["lo"] = "1.2361".into();
    lr["hi"] = "1.2362".into();
    rejects(&path, &v, "t/thr-pass", "isolating interval");

    // FAIL flipped to PASS: inequality, threshold, conditions, prop2, orbit.
    for id in ["t/ineq-fail", "t/thr-fail", "t/cond-fail", "t/prop2", "t/orbit-unstable"] {
        let mut v = orig.clone();
        check_mut(&mut v, id)["verdict"] = "PASS".into();
        rejects(&path, &v, id, &format!("flip {}", id.replace('/', "-")));
    }

    // An exact derivative value altered.
    let mut v = orig.clone();
    let ds = check_mut(&mut v, "t/deriv")["certificate"]["derivatives"].as_array_mut().unwrap();
    let d3 = ds.iter_mut().find(|d| d["order"] == 3).unwrap();
    assert_eq!(d3["exact"], "12");
    d3["exact"] = "13".into();
    rejects(&path, &v, "t/deriv", "derivative");

    // An exact f''' of a minimum and Theorem 1's value altered.
    let mut v = orig.clone();
    check_mut(&mut v, "t/cond")["certificate"]["minima"][0]["f3"]["exact"] = "25".into();
    rejects(&path, &v, "t/cond", "f3");
    let mut v = orig.clone();
    check_mut(&mut v, "t/cond")["certificate"]["minima"][0]["theorem1"]["value"]["exact"] = "1537".into();
    rejects(&path, &v, "t/cond", "theorem1 value");

    // A margin of Proposition 2 altered.
    let mut v = orig.clone();
    check_mut(&mut v, "t/prop2")["certificate"]["margin_composite"]["exact"] = "44/5".into();
    rejects(&path, &v, "t/prop2", "margin");

    // An orbit point's enclosure moved off the orbit, and a wrong multiplier.
    let mut v = orig.clone();
    let p = &mut check_mut(&mut v, "t/orbit")["certificate"]["orbits"][0]["points"][0][0];
    p["lo"] = "0.8".into();
    p["hi"] = "0.81".into();
    rejects(&path, &v, "t/orbit", "orbit point");
    let mut v = orig.clone();
    let m = &mut check_mut(&mut v, "t/orbit")["certificate"]["orbits"][0]["multiplier"];
    m["lo"] = "0.5".into();
    m["hi"] = "0.59".into();
    rejects(&path, &v, "t/orbit", "multiplier");
}

#[test]
fn without_the_claim_nothing_is_verified() {
    let (path, mut v) = run_catalogue("noclaim");
    for c in v["checks"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("check");
    }
    let bare = path.with_file_name("bare.json");
    std::fs::write(&bare, serde_json::to_vec(&v).unwrap()).unwrap();
    let (code, out, err) = verify(&bare);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("re-checked 0, not re-checkable 10, failed 0"), "{out}");
}

#[test]
fn malformed_reports_exit_2() {
    let (path, _) = run_catalogue("malformed");
    let text = std::fs::read_to_string(&path).unwrap();
    let bad = path.with_file_name("truncated.json");
    std::fs::write(&bad, &text[..text.len() / 2]).unwrap();
    let (code, _, err) = verify(&bad);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not valid JSON"), "{err}");
    std::fs::write(&bad, "{\"checks\": 3}").unwrap();
    assert_eq!(verify(&bad).0, 2);
    assert_eq!(eoscert(&["verify", "/nonexistent/report.json"]).status.code(), Some(2));
}
