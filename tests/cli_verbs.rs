//! End-to-end tests of `conditions`, `orbit`, `prove` and `run`: known answers from the
//! paper, claims built to be false (never PASS), and bad input (exit 2, one clear line).

use serde_json::Value;
use std::process::{Command, Output};

fn eoscert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eoscert")).args(args).output().expect("binary runs")
}

fn json_with_code(args: &[&str]) -> (i32, Value) {
    let out = eoscert(args);
    let code = out.status.code().unwrap_or(-1);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("stdout is JSON for {args:?}: {}", String::from_utf8_lossy(&out.stderr)));
    (code, v)
}

fn bad_input(args: &[&str]) -> String {
    let out = eoscert(args);
    assert_eq!(out.status.code(), Some(2), "exit 2 for {args:?}; stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "nothing on stdout for bad input");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parses a decimal enclosure bound from the JSON.
fn f(v: &Value) -> f64 {
    v.as_str().unwrap().parse::<f64>().unwrap()
}

// ------------------------------------------------------------------ conditions

#[test]
fn conditions_quartic_exact_values() {
    let (code, v) = json_with_code(&["conditions", "(x^2 - mu)^2/4", "--param", "mu=4", "--in", "0..5", "--json"]);
    assert_eq!(code, 0);
    let m = &v["minima"][0];
    assert_eq!(m["point"]["exact"], "2");
    assert_eq!(m["f2"]["exact"], "8"); // 2 mu
    assert_eq!(m["f3"]["exact"], "12"); // 6 sqrt(mu)
    assert_eq!(m["f4"]["exact"], "6");
    assert_eq!(m["theorem1"]["verdict"], "PASS");
    assert_eq!(m["theorem1"]["value"]["exact"], "384"); // 3*144 - 8*6
    assert_eq!(m["lemma1"]["k"], 3);
    assert_eq!(v["complete"], true);
    assert_eq!(v["minima"].as_array().unwrap().len(), 1);
    // Constructive Theorem 1: certified orbits with eta in (2/f'', 2/(f'' - eps f''')).
    let w = m["witnesses"].as_array().unwrap();
    assert_eq!(w.len(), 3);
    for wi in w {
        assert_eq!(wi["verdict"], "PASS");
        assert!(f(&wi["x0"]["hi"]) < 2.0 && f(&wi["x1"]["lo"]) > 2.0);
    }
    // 2/f'' = 1/4: the first witness's eta lies in (1/4 (1 + 1/200), 1/4 (1 + 1/100)].
    let eta = f(&w[0]["lr"]["lo"]);
    assert!(0.25 * 1.005 <= eta && eta <= 0.25 * 1.01 + 1e-12, "{eta}");
}

#[test]
fn lemma1_sine_at_minus_half_pi_is_exact() {
    let (code, v) = json_with_code(&["conditions", "2*sin(x)", "--at", "x=-pi/2", "--json"]);
    assert_eq!(code, 0);
    let m = &v["minima"][0];
    assert_eq!(m["point"]["exact"], "-pi/2");
    assert_eq!(m["f3"]["exact"], "0");
    assert_eq!(m["f4"]["exact"], "-2");
    assert_eq!(m["lemma1"]["k"], 4);
    assert_eq!(m["lemma1"]["verdict"], "PASS");
    assert_eq!(m["theorem1"]["verdict"], "FAIL"); // f''' = 0 exactly
}

#[test]
fn condition_on_a_function_where_it_fails_is_never_pass() {
    // x^2: f''' = f'''' = 0 exactly. x^4 + x^2 ... 3f'''^2 - f''f'''' = -2*24 < 0 at 0.
    for loss in ["x^2", "x^2 + x^4"] {
        let (code, v) = json_with_code(&["conditions", loss, "--in", "-1..1", "--json"]);
        assert_eq!(code, 1, "{loss}");
        assert_eq!(v["minima"][0]["theorem1"]["verdict"], "FAIL", "{loss}");
        assert_eq!(v["verdict"], "FAIL");
    }
}

#[test]
fn prop1_on_tanh() {
    let (code, v) = json_with_code(&["conditions", "--base", "tanh(x)", "--target", "1/2", "--in", "-2..2", "--json"]);
    assert_eq!(code, 0);
    let p = &v["minima"][0]["prop1"];
    assert_eq!(p["verdict"], "PASS");
    assert_eq!(p["hypotheses"]["verdict"], "PASS");
    // f'' = 2 g'^2 = 2 (1 - 1/4)^2 = 9/8
    let f2 = &v["minima"][0]["f2"];
    assert!(f(&f2["lo"]) <= 1.125 && 1.125 <= f(&f2["hi"]));
}

#[test]
fn prop2_counterexample_is_refuted_exactly() {
    let (code, v) = json_with_code(&[
        "conditions", "--p", "x + x^2/2 + 59*x^3/60", "--q", "y - y^2/2 + 59*y^3/60", "--at", "x=0", "--json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"], "FAIL");
    assert_eq!(v["hypothesis_p"]["verdict"], "PASS");
    assert_eq!(v["hypothesis_q"]["verdict"], "PASS");
    assert_eq!(v["margin_composite"]["exact"], "-44/5");
}

#[test]
fn corollary_functions_pass() {
    for (base, target, range) in [
        ("sin(x)", "1/2", "0..1"),
        ("tanh(x)", "-1/2", "-1..0"),
        ("exp(x)", "2", "0..1"),
        ("log(x)", "1", "2..3"),
        ("sigmoid(x)", "1/4", "-2..0"),
        ("x^3", "2", "1..2"),
        ("softplus(x)", "2", "1..3"),
        ("gauss(x)", "1/3", "0..2"),
    ] {
        let (code, v) = json_with_code(&["conditions", "--base", base, "--target", target, "--in", range, "--json"]);
        assert_eq!(code, 0, "{base} = {target}: {v}");
        assert_eq!(v["minima"].as_array().unwrap().len(), 1, "{base}");
    }
}

#[test]
fn conditions_bad_input() {
    let e = bad_input(&["conditions", "x^3 - 3*x", "--in", "2..5"]);
    assert!(e.contains("no local minimum"), "{e}");
    let e = bad_input(&["conditions", "x^2", "--in", "2..1"]);
    assert!(e.contains("empty or reversed"), "{e}");
    let e = bad_input(&["conditions", "x^2", "--at", "x=1"]);
    assert!(e.contains("not a certified critical point"), "{e}");
    let e = bad_input(&["conditions", "x*y", "--in", "0..1"]);
    assert!(e.contains("one variable"), "{e}");
    bad_input(&["conditions", "x^2"]);
    bad_input(&["conditions", "-x^2", "--at", "x=0"]);
}

// ------------------------------------------------------------------ orbit

#[test]
fn quartic_orbit_multiplier_matches_closed_form() {
    // multiplier of the period-2 orbit of (x^2-1)^2/4 at eta = K is 7 - 4K - 2K^2.
    for (k, kf) in [("1.05", 1.05f64), ("1.1", 1.1), ("1.2", 1.2), ("1.235", 1.235), ("1.237", 1.237)] {
        let (code, v) = json_with_code(&["orbit", "(x^2 - 1)^2/4", "--lr", k, "--in", "0..2", "--json"]);
        assert_eq!(code, 0);
        assert_eq!(v["complete"], true);
        let o = &v["orbits"].as_array().unwrap();
        assert_eq!(o.len(), 1, "K = {k}");
        let m = 7.0 - 4.0 * kf - 2.0 * kf * kf;
        let (lo, hi) = (f(&o[0]["multiplier"]["lo"]), f(&o[0]["multiplier"]["hi"]));
        assert!(lo - 1e-12 <= m && m <= hi + 1e-12, "K = {k}: {lo} {hi} vs {m}");
        assert_eq!(o[0]["stable"], if kf < 1.2360679 { "PASS" } else { "FAIL" });
        // the two points straddle the minimum 1, inside (0, 2)
        assert!(f(&o[0]["points"][0][0]["hi"]) < 1.0 && f(&o[0]["points"][1][0]["lo"]) > 1.0);
    }
}

#[test]
fn quartic_orbit_points_exact_on_the_polynomial_path() {
    // At eta = 21/20 the orbit of (x^2-1)^2/4 is {4/sqrt(21), 5/sqrt(21)} (x^2 = 16/21, 25/21).
    let (code, v) = json_with_code(&["orbit", "(x^2 - 1)^2/4", "--lr", "1.05", "--in", "0..2", "--json"]);
    assert_eq!(code, 0);
    let e = &v["orbits"][0]["exact"];
    assert_eq!(e[0]["minpoly"], serde_json::json!([-16, 0, 21]));
    assert_eq!(e[1]["minpoly"], serde_json::json!([-25, 0, 21]));
    assert_eq!(e[0]["closed_form"], "4*sqrt(21)/21");
    assert_eq!(e[0]["irreducible"], true);
    // Sturm: the two points, and sqrt(61/21) from the symmetric orbit {±sqrt(61/21)}.
    assert_eq!(v["orbit_points_in_interval"], 3);
}

#[test]
fn orbit_certified_next_to_the_edge_of_stability() {
    let (code, v) = json_with_code(&["orbit", "(x^2 - 1)^2/4", "--lr", "1 + 1e-12", "--in", "0..2", "--json"]);
    assert_eq!(code, 0);
    let o = &v["orbits"][0];
    // half-width h ~ sqrt(1e-12/4) = 5e-7 around 1
    let x1 = f(&o["points"][0][0]["lo"]);
    assert!((1.0 - x1 - 5e-7).abs() < 1e-9, "{x1}");
    assert_eq!(o["stable"], "PASS");
    // fixed points 0 (repelling) and 1 (repelling: |1 - 2 eta| > 1) reported apart
    assert_eq!(v["fixed_points"].as_array().unwrap().len(), 2);
}

#[test]
fn orbit_methods_exact_polynomial_and_krawczyk_next_to_the_edge() {
    // A polynomial loss at a rational eta: the orbit polynomial decides (Sturm).
    let (code, v) = json_with_code(&["orbit", "(x^2 - 1)^2/4", "--lr", "1 + 1e-12", "--in", "0..2", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["orbits"][0]["method"], "orbit-polynomial");
    assert_eq!(v["complete"], true);
    // A transcendental loss: the desingularised (m, s) system certifies the orbit 1e-12 past
    // eta = 2/f'' = 1 at the minimum -pi/2 of 2 sin(x).
    let (code, v) = json_with_code(&["orbit", "2*sin(x)", "--lr", "1 + 1e-12", "--in", "-2..-1", "--json"]);
    assert_eq!(code, 0);
    let o = &v["orbits"][0];
    assert_eq!(o["method"], "krawczyk");
    assert_eq!(o["stable"], "PASS");
    assert_eq!(v["complete"], true);
    let (x1, x2) = (f(&o["points"][0][0]["lo"]), f(&o["points"][1][0]["hi"]));
    let m = -std::f64::consts::FRAC_PI_2;
    assert!(x1 < m && m < x2 && x2 - x1 < 1e-5, "{x1} {x2}");
}

/// x^4 has a (degenerate) minimum at 0: f'' = 0 there, so neither "minimum" nor "no minimum"
/// is proved. Before the exact critical-point path, 0 was not even certified as a critical
/// point; now it is, and the verbs must say UNDECIDED rather than "no minimum (proved)".
#[test]
fn degenerate_critical_point_is_never_proved_not_a_minimum() {
    for args in [
        vec!["conditions", "x^4", "--in", "-1..1", "--json"],
        vec!["conditions", "x^4 + x^6", "--in", "-1/2..1", "--json"],
        vec!["threshold", "x^4", "--event", "birth", "--in", "-1..1", "--json"],
    ] {
        let (code, v) = json_with_code(&args);
        assert_eq!(code, 3, "{args:?}: {v}");
        assert_eq!(v["verdict"], "UNDECIDED", "{args:?}");
    }
}

#[test]
fn no_orbit_below_the_edge_of_stability() {
    // eta < 2/f'' = 1: the minimum attracts and no period-2 orbit lies near it.
    let (code, v) = json_with_code(&["orbit", "(x^2 - 1)^2/4", "--lr", "0.9", "--in", "0.5..1.5", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["orbits"].as_array().unwrap().len(), 0);
    assert_eq!(v["complete"], true);
    assert_eq!(v["fixed_points"][0]["stable"], "PASS");
}

#[test]
fn orbit_of_a_transcendental_loss() {
    let (code, v) = json_with_code(&["orbit", "2*sin(x)", "--lr", "1.05", "--in", "-3..0", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["orbits"].as_array().unwrap().len(), 1);
    assert_eq!(v["fixed_points"][0]["point"][0]["exact"], "-pi/2"); // one coordinate per variable
}

#[test]
fn orbit_bad_input() {
    let e = bad_input(&["orbit", "x^4", "--lr", "0", "--in", "0..1"]);
    assert!(e.contains("positive"), "{e}");
    bad_input(&["orbit", "x^4", "--lr", "-1", "--in", "0..1"]);
    bad_input(&["orbit", "x^4", "--lr", "1", "--in", "1..0"]);
    bad_input(&["orbit", "x^4 +", "--lr", "1"]);
}

// ------------------------------------------------------------------ prove

#[test]
fn prove_and_refute_inequalities() {
    let (code, v) = json_with_code(&["prove", "7 - 4*K - 2*K^2 > -1", "--over", "K=1..1.236", "--json"]);
    assert_eq!((code, v["verdict"].as_str().unwrap()), (0, "PASS"));
    // Just past sqrt(5) - 1 = 1.2360679...: a certified counterexample.
    let (code, v) = json_with_code(&["prove", "7 - 4*K - 2*K^2 > -1", "--over", "K=1..1.2361", "--json"]);
    assert_eq!((code, v["verdict"].as_str().unwrap()), (1, "FAIL"));
    let k = v["counterexample"]["K"]["exact"].as_str().unwrap().to_string();
    let (n, d) = k.split_once('/').unwrap();
    let kf = n.parse::<f64>().unwrap() / d.parse::<f64>().unwrap();
    assert!(7.0 - 4.0 * kf - 2.0 * kf * kf < -1.0);
}

#[test]
fn threshold_nudged_past_its_exact_value_never_passes() {
    // sqrt(5) - 1 = 1.2360679774997896964...; claims reaching past it by 1e-9 ... 1e-30.
    for eps in ["1e-9", "1e-15", "1e-20", "1e-30"] {
        let over = format!("K=1..1.2360679774997896964091736687312762354406 + {eps}");
        let (code, v) = json_with_code(&["prove", "7 - 4*K - 2*K^2 > -1", "--over", &over, "--json", "--prec", "256"]);
        assert_ne!(v["verdict"], "PASS", "eps = {eps}");
        assert_ne!(code, 0);
    }
}

#[test]
fn prove_orbit_stable_over_a_learning_rate_range() {
    let (code, v) = json_with_code(&[
        "prove", "orbit-stable", "--loss", "(x^2 - 1)^2/4", "--lr-range", "1.01..1.2", "--in", "0..2", "--json",
    ]);
    assert_eq!((code, v["verdict"].as_str().unwrap()), (0, "PASS"));
    // Past the period-doubling at sqrt(5) - 1 the claim is refuted.
    let (code, v) = json_with_code(&[
        "prove", "orbit-stable", "--loss", "(x^2 - 1)^2/4", "--lr-range", "1.2..1.3", "--in", "0..2", "--json",
    ]);
    assert_eq!((code, v["verdict"].as_str().unwrap()), (1, "FAIL"));
}

#[test]
fn prove_bad_input() {
    let e = bad_input(&["prove", "x^2 >= 0"]);
    assert!(e.contains("--over"), "{e}");
    bad_input(&["prove", "x^2 0", "--over", "x=0..1"]);
    bad_input(&["prove", "x^2 >= y", "--over", "x=0..1"]);
    bad_input(&["prove", "x >= 0", "--over", "x=1..0"]);
}

// ------------------------------------------------------------------ run

#[test]
fn run_writes_reports_atomically_and_matches_expectations() {
    let dir = std::env::temp_dir().join(format!("eoscert-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let checks = dir.join("checks");
    std::fs::create_dir_all(&checks).unwrap();
    std::fs::write(
        checks.join("a.toml"),
        r#"id = "t/quartic"
paper = "test"
claim = "Theorem 1"
statement = "condition at sqrt(mu)"
kind = "conditions"
loss = "(x^2 - 1)^2/4"
in = "0..2"
judge = "theorem1"
expected = "pass"
"#,
    )
    .unwrap();
    std::fs::write(
        checks.join("b.toml"),
        r#"id = "t/false"
paper = "test"
claim = "false by construction"
statement = "x^2 < 1 on [0, 2]"
kind = "inequality"
inequality = "x^2 < 1"
over = "x=0..2"
expected = "fail"
"#,
    )
    .unwrap();
    let out_dir = dir.join("out");
    let o = eoscert(&["run", checks.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&std::fs::read(out_dir.join("report.json")).unwrap()).unwrap();
    let c = r["checks"].as_array().unwrap();
    assert_eq!(c.len(), 2);
    for ch in c {
        for key in ["id", "paper", "claim", "verdict", "expected", "reason", "seconds"] {
            assert!(ch.get(key).is_some(), "{key}");
        }
    }
    assert_eq!(r["summary"]["as_expected"], 2);
    assert!(out_dir.join("report.md").exists());
    // no temporary files left behind
    let leftovers: Vec<_> = std::fs::read_dir(&out_dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().contains(".tmp")).collect();
    assert!(leftovers.is_empty());

    // A malformed check file: exit 2, one sentence naming the file, and no report written.
    std::fs::write(checks.join("c.toml"), "id = \"t/bad\"\nkind = 3\n").unwrap();
    let out2 = dir.join("out2");
    let o = eoscert(&["run", checks.to_str().unwrap(), "--out", out2.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("c.toml"));
    assert!(!out2.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn theorem1_values_on_a_corollary_function() {
    // (exp(x) - 2)^2 at ln 2: g = exp, g' = g'' = g''' = 2, so f'' = 2g'^2 = 8,
    // f''' = 6g'g'' = 24, f'''' = 8g'g''' + 6g''^2 = 56, and 3f'''^2 - f''f'''' = 1280.
    let (code, v) = json_with_code(&["conditions", "(exp(x) - 2)^2", "--in", "-1..2", "--json"]);
    assert_eq!(code, 0);
    let m = &v["minima"][0];
    for (key, want) in [("f2", 8.0), ("f3", 24.0), ("f4", 56.0)] {
        assert!(f(&m[key]["lo"]) <= want && want <= f(&m[key]["hi"]), "{key}");
        assert!(f(&m[key]["hi"]) - f(&m[key]["lo"]) < 1e-30, "{key} is narrow");
    }
    let t = &m["theorem1"]["value"];
    assert!(f(&t["lo"]) <= 1280.0 && 1280.0 <= f(&t["hi"]));
}

#[test]
fn a_wrong_orbit_box_is_refuted() {
    // At K = 1.05 the orbit is {0.8729, 1.0911}: a box that misses x1 holds no orbit.
    let dir = std::env::temp_dir().join(format!("eoscert-box-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("wrong-box.toml"),
        r#"id = "t/wrong-box"
paper = "test"
claim = "false by construction"
statement = "a period-2 orbit lies in [0.9, 2] at K = 1.05"
kind = "orbit"
loss = "(x^2 - 1)^2/4"
lr = "1.05"
in = "0.9..2"
count = 1
expected = "fail"
"#,
    )
    .unwrap();
    let o = eoscert(&["run", dir.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "FAIL as expected: {}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["checks"][0]["verdict"], "FAIL");
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------ threshold

#[test]
fn quartic_thresholds_are_exact_algebraic_numbers() {
    let (code, v) = json_with_code(&["threshold", "(x^2 - 1)^2/4", "--event", "period-doubling", "--near", "1", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["lr"]["minpoly"], serde_json::json!([-4, 2, 1]));
    assert_eq!(v["closed_form"], "-1 + sqrt(5)");
    let (code, v) = json_with_code(&["threshold", "(x^2 - 1)^2/4", "--event", "superstable", "--near", "1", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["lr"]["minpoly"], serde_json::json!([-7, 4, 2]));
    // mu = 2 scales eta by 1/mu: eta* mu = sqrt(5) - 1, so eta* is a root of 4x^2 + 4x - 4... check numerically
    let (_, v) = json_with_code(&["threshold", "(x^2 - mu)^2/4", "--param", "mu=2", "--event", "period-doubling", "--near", "1.4", "--json"]);
    let lo = f(&v["lr"]["lo"]);
    assert!((lo - (5f64.sqrt() - 1.0) / 2.0).abs() < 1e-12, "{lo}");
    let (code, v) = json_with_code(&["threshold", "(x^2 - 1)^2/4", "--event", "birth", "--near", "1", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["lr"]["exact"], "1");
}

#[test]
fn transcendental_threshold_is_a_narrow_enclosure() {
    let (code, v) = json_with_code(&["threshold", "(tanh(x) - 1/2)^2", "--event", "period-doubling", "--near", "0.5", "--json"]);
    assert_eq!(code, 0, "{v}");
    assert!(v["lr"].get("minpoly").is_none());
    let (lo, hi) = (crate_decimal(&v["lr"]["lo"]), crate_decimal(&v["lr"]["hi"]));
    assert!(hi - lo < 1e-12, "{lo} {hi}");
    assert!((lo - 2.2292575051703774).abs() < 1e-12, "{lo}");
}

fn crate_decimal(v: &Value) -> f64 {
    f(v)
}

#[test]
fn threshold_bad_input() {
    let e = bad_input(&["threshold", "(x^2 - 1)^2/4", "--event", "explosion"]);
    assert!(e.contains("unknown event"), "{e}");
    bad_input(&["threshold", "x*y", "--event", "birth"]);
    bad_input(&["threshold", "(x^2 - 1)^2/4", "--event", "superstable", "--near", "1", "--lr-range", "0.5..0.9"]);
}

// ------------------------------------------------------------------ orbit in several variables

/// The eigenvalue enclosures of the first orbit, as (lo, hi) of each real one.
fn real_eigenvalues(v: &Value) -> Vec<(f64, f64)> {
    v["orbits"][0]["eigenvalues"].as_array().unwrap().iter().map(|e| (f(&e["lo"]), f(&e["hi"]))).collect()
}

#[test]
fn two_variable_orbit_eigenvalues_in_closed_form() {
    // A separable loss rotated by (3/5, 4/5): the quartic's orbit at eta = K = 21/20 has
    // multiplier 7 - 4K - 2K^2 = 119/200; the y-part y^2/2 gives (1 - eta)^2 = 1/400.
    let (code, v) = json_with_code(&[
        "orbit",
        "(((3*u + 4*v)/5)^2 - 1)^2/4 + ((-4*u + 3*v)/5)^2/2",
        "--lr",
        "21/20",
        "--in",
        "u=0.3..0.9,v=0.4..1.2",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["complete"], true);
    assert_eq!(v["orbits"].as_array().unwrap().len(), 1);
    assert_eq!(v["orbits"][0]["stable"], "PASS");
    let ev = real_eigenvalues(&v);
    for want in [119.0 / 200.0, 1.0 / 400.0] {
        assert!(ev.iter().any(|(lo, hi)| *lo <= want && want <= *hi && hi - lo < 1e-30), "{want} in {ev:?}");
    }
}

#[test]
fn theorem3_diagonal_orbit_and_the_balancing_eigenvalue() {
    // (xy - 1)^2/2 at eta = 21/20: the orbit x = y = delta_i with delta = 4/sqrt(21), 5/sqrt(21);
    // along x + y the quartic's multiplier 119/200, along x - y
    // (1 - eta(1 - delta1^2))(1 - eta(1 - delta2^2)) = (3/4)(6/5) = 9/10.
    let (_, v) = json_with_code(&["orbit", "(x*y - 1)^2/2", "--lr", "21/20", "--in", "x=0.6..1.2,y=0.6..1.2", "--max-boxes", "3000", "--json"]);
    let o = &v["orbits"][0];
    assert_eq!(o["stable"], "PASS");
    let p1 = &o["points"][0];
    assert!((f(&p1[0]["lo"]) - 4.0 / 21f64.sqrt()).abs() < 1e-12 && (f(&p1[1]["lo"]) - 4.0 / 21f64.sqrt()).abs() < 1e-12);
    let ev = real_eigenvalues(&v);
    for want in [119.0 / 200.0, 9.0 / 10.0] {
        assert!(ev.iter().any(|(lo, hi)| *lo <= want && want <= *hi), "{want} in {ev:?}");
    }
    // The minima xy = 1 form a curve (non-isolated fixed points): that part stays undecided,
    // and the verdict says so rather than claiming completeness.
    assert_eq!(v["complete"], false);
}

#[test]
fn two_variable_false_claims_never_pass() {
    // No orbit in this box (both orbit points have x < 1.1).
    let (code, v) = json_with_code(&["orbit", "(x^2 - 1)^2/4 + y^2/2", "--lr", "21/20", "--in", "x=1.1..1.5,y=-0.5..0.5", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["complete"], true);
    assert!(v["orbits"].as_array().unwrap().is_empty());
    // Just past period doubling (eta = sqrt(5) - 1 + 1e-9) the orbit is unstable: never PASS.
    let (_, v) = json_with_code(&[
        "orbit",
        "(x^2 - 1)^2/4 + y^2/2",
        "--lr",
        "1.2360679774997896964091736687312762354406 + 1e-9",
        "--in",
        "x=0.5..1.5,y=-0.5..0.5",
        "--json",
    ]);
    assert_ne!(v["orbits"][0]["stable"], "PASS");
    // Bad boxes: a range for a variable the loss does not have, or none for one it has.
    let e = bad_input(&["orbit", "x^2 + y^2", "--lr", "1", "--in", "x=0..1,z=0..1"]);
    assert!(e.contains("'y'") || e.contains("'z'"), "{e}");
}

#[test]
fn prove_region_map() {
    // x^2 < 1/2 holds on [0, 1/2] and fails on [1/2, 1] (x = 3/4 is a counterexample).
    let (code, v) = json_with_code(&["prove", "x^2 < 1/2", "--over", "x=0..1", "--cells", "4", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"], "FAIL");
    let verdicts: Vec<&str> = v["cells"].as_array().unwrap().iter().map(|c| c["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["PASS", "PASS", "FAIL", "FAIL"]);
    assert_eq!((v["proved"].as_u64(), v["refuted"].as_u64()), (Some(2), Some(2)));
    // Every cell's counterexample lies in its cell.
    for c in v["cells"].as_array().unwrap().iter().filter(|c| c["verdict"] == "FAIL") {
        let q = c["counterexample"]["x"]["exact"].as_str().unwrap();
        let x = match q.split_once('/') {
            Some((n, d)) => n.parse::<f64>().unwrap() / d.parse::<f64>().unwrap(),
            None => q.parse::<f64>().unwrap(),
        };
        assert!(f(&c["cell"][0]["lo"]) <= x && x <= f(&c["cell"][0]["hi"]) && x * x >= 0.5);
    }
    // A fine grid over three variables is refused rather than run.
    bad_input(&["prove", "x + y + z > 0", "--over", "x=0..1,y=0..1,z=0..1", "--cells", "100"]);
}
