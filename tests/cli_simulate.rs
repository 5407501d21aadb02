//! The `simulate` verb from the command line: known periods, divergence, gradient flow,
//! determinism under a seed, the cross-check against the certified `orbit` verb, sweeps, and
//! bad input (exit 2).

use serde_json::Value;
use std::process::{Command, Output};

fn eoscert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eoscert")).args(args).output().expect("binary runs")
}

/// Runs with `--json`; the exit code and the parsed output.
fn json(args: &[&str]) -> (i32, Value) {
    let mut a = args.to_vec();
    a.push("--json");
    let out = eoscert(&a);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

fn bad_input(args: &[&str]) -> String {
    let out = eoscert(args);
    assert_eq!(out.status.code(), Some(2), "{args:?} should be bad input; stdout {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn points(v: &Value) -> Vec<Vec<f64>> {
    v["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| p.as_array().expect("a point").iter().map(|x| x.as_f64().expect("a number")).collect())
        .collect()
}

#[test]
fn quartic_at_1_05_has_the_period_two_orbit_of_theorem_2() {
    let (code, v) = json(&["simulate", "(x^2 - 1)^2/4", "--lr", "1.05", "--init", "x=0.5", "--steps", "20000"]);
    assert_eq!(code, 0);
    assert_eq!(v["outcome"], "periodic");
    assert_eq!(v["period"], 2);
    let p = points(&v);
    let s = 21f64.sqrt();
    assert!((p[0][0] - 4.0 / s).abs() < 1e-9 && (p[1][0] - 5.0 / s).abs() < 1e-9, "{p:?}");
    assert!(v["lyapunov"].as_f64().unwrap() < 0.0);
    assert!(v["sharpness"].as_f64().is_some() && v["tolerance"].as_f64().is_some());
}

#[test]
fn quartic_period_doubles_past_sqrt5_minus_1() {
    let (_, v) = json(&["simulate", "(x^2 - 1)^2/4", "--lr", "1.235", "--init", "x=0.5", "--steps", "40000"]);
    assert_eq!((v["outcome"].as_str(), v["period"].as_u64()), (Some("periodic"), Some(2)), "{v}");
    let (_, v) = json(&["simulate", "(x^2 - 1)^2/4", "--lr", "1.237", "--init", "x=0.5", "--steps", "200000"]);
    assert_eq!((v["outcome"].as_str(), v["period"].as_u64()), (Some("periodic"), Some(4)), "{v}");
    assert_eq!(points(&v).len(), 4);
}

#[test]
fn divergence_is_reported_with_exit_code_0() {
    let (code, v) = json(&["simulate", "x^2/2", "--lr", "2.5", "--init", "x=1", "--steps", "5000"]);
    assert_eq!(code, 0);
    assert_eq!(v["outcome"], "diverged");
    assert!(v["diverged_at"].as_u64().is_some());
}

#[test]
fn gradient_flow_keeps_x2_minus_y2() {
    let (_, v) = json(&["simulate", "(x*y - 1)^2/2", "--lr", "0.01", "--init", "x=2,y=0.3", "--steps", "2000", "--method", "flow"]);
    assert_eq!(v["outcome"], "converged", "{v}");
    let p = &points(&v)[0];
    assert!((p[0] * p[0] - p[1] * p[1] - (4.0 - 0.09)).abs() < 1e-8, "{p:?}");
    assert!((p[0] * p[1] - 1.0).abs() < 1e-8);
}

#[test]
fn gd_balances_and_agd_runs() {
    let (_, v) = json(&["simulate", "(x*y - 1)^2/2", "--lr", "1.05", "--init", "x=1.6,y=0.5", "--steps", "20000"]);
    assert_eq!(v["period"], 2);
    assert!(v["balance"]["|x - y|"].as_f64().unwrap() < 1e-9, "{v}");
    let (code, v) = json(&["simulate", "(x*y - 1)^2/2", "--lr", "0.5", "--init", "x=1.6,y=0.5", "--steps", "2000", "--method", "agd"]);
    assert_eq!(code, 0);
    assert_eq!(v["method"], "agd");
    assert_eq!(v["outcome"], "converged");
}

#[test]
fn same_seed_gives_byte_identical_output() {
    let args = ["simulate", "--model", "mf", "--c", "diag:1,1/2", "--lr", "1.05", "--steps", "5000", "--seed", "7", "--json"];
    let (a, b) = (eoscert(&args), eoscert(&args));
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    let mut other = args.to_vec();
    other[10] = "8";
    assert_ne!(a.stdout, eoscert(&other).stdout);
    let v: Value = serde_json::from_slice(&a.stdout).unwrap();
    assert!(v["balance"]["sigma_max(Y) - sigma_max(Z)"].as_f64().is_some(), "{v}");
}

#[test]
fn mf_accepts_a_full_matrix_target() {
    let (code, v) = json(&["simulate", "--model", "mf", "--c", "[[1, 0.2], [0.2, 0.5]]", "--lr", "0.5", "--steps", "5000", "--seed", "1"]);
    assert_eq!(code, 0);
    assert_eq!(v["outcome"], "converged", "{v}");
    assert!(v["last_loss"].as_f64().unwrap() < 1e-12);
}

#[test]
fn cross_check_agrees_on_the_quartic_at_1_05() {
    let (code, v) = json(&["simulate", "(x^2 - 1)^2/4", "--lr", "1.05", "--in", "0..2", "--cross-check", "--steps", "5000"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["agree"], true);
    let entries = v["entries"].as_array().unwrap();
    let orbit = entries.iter().find(|e| e["kind"] == "period-2 orbit").expect("the certified orbit");
    assert_eq!(orbit["certified_stable"], "PASS");
    assert_eq!(orbit["observed"], "stable");
    assert!(orbit["distance"].as_f64().unwrap() < 1e-12);
    // The fixed point x = 1 is repelling (F'(1) = -1.1), and the simulation leaves it.
    assert!(entries.iter().any(|e| e["kind"] == "fixed point" && e["observed"] == "unstable" && e["certified_stable"] == "FAIL"));
}

#[test]
fn bifurcation_sweep() {
    let (code, v) = json(&["simulate", "(x^2 - 1)^2/4", "--init", "x=0.5", "--sweep", "lr=1.05..1.25:3", "--keep", "4", "--steps", "20000", "--jobs", "2"]);
    assert_eq!(code, 0);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let periods: Vec<u64> = rows.iter().map(|r| r["period"].as_u64().unwrap_or(1)).collect();
    assert_eq!(periods, vec![2, 2, 4]);
    assert_eq!(rows[0]["iterates"].as_array().unwrap().len(), 4);
}

#[test]
fn text_output_says_it_is_not_a_certificate() {
    let out = eoscert(&["simulate", "(x^2 - 1)^2/4", "--lr", "1.05", "--init", "x=0.5", "--steps", "2000"]);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("outcome: periodic, period 2") && s.contains("not a certificate"), "{s}");
}

#[test]
fn bad_input_is_exit_2_with_one_sentence() {
    assert!(bad_input(&["simulate", "(x^2 - 1)^2/4", "--init", "x=0.5"]).contains("--lr"));
    assert!(bad_input(&["simulate", "(x^2 - 1)^2/4", "--lr", "0", "--init", "x=0.5"]).contains("positive"));
    assert!(bad_input(&["simulate", "(x^2 - 1)^2/4", "--lr", "1", "--init", "y=0.5"]).contains("y"));
    assert!(bad_input(&["simulate", "(x^2 - 1)^2/4", "--lr", "1", "--method", "sgd"]).contains("--method"));
    assert!(bad_input(&["simulate", "--model", "mf", "--lr", "1"]).contains("--c"));
    assert!(bad_input(&["simulate", "--model", "mlp", "--lr", "1"]).contains("mlp"));
    assert!(bad_input(&["simulate", "x^2", "--lr", "1", "--schedule", "cosine"]).contains("--schedule"));
    assert!(bad_input(&["simulate", "x^2", "--lr", "1", "--method", "agd"]).contains("two"));
    assert!(bad_input(&["simulate", "x*y", "--lr", "1", "--cross-check"]).contains("one variable"));
    assert!(bad_input(&["simulate", "x^2", "--sweep", "lr=1..2"]).contains("A..B:N"));
}
