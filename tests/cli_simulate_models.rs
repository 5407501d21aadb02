//! The built-in models of `simulate` (neuron, neuron-empirical, teacher-student, mlp) from the
//! command line on cases with known outcomes, and the Chen & Bruna experiment presets in their
//! reduced (`--quick`) size: they run, report the paper's numbers, and are deterministic.

use serde_json::Value;
use std::process::{Command, Output};

fn eoscert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eoscert")).args(args).output().expect("binary runs")
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    let out = eoscert(&a);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn bad_input(args: &[&str]) -> String {
    let out = eoscert(args);
    assert_eq!(out.status.code(), Some(2), "{args:?} should be bad input; stdout {}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    err
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The 1-D orbit of (x^2 - 1)^2/4 at eta > 1 in closed form (see experiments.rs).
fn quartic_orbit(eta: f64) -> (f64, f64) {
    let c = 1.0 + eta;
    let p = 0.5 * (c + (c * c - 4.0).sqrt());
    (((c - p) / eta).sqrt(), ((c - 1.0 / p) / eta).sqrt())
}

#[test]
fn neuron_at_a_small_learning_rate_converges_to_the_minimum_manifold() {
    let v = json(&["simulate", "--model", "neuron", "--lr", "1", "--steps", "20000"]);
    assert_eq!(v["outcome"], "converged", "{v}");
    let p = &v["points"][0];
    let (vv, wx, wy) = (f(&p[0]), f(&p[1]), f(&p[2]));
    assert!((vv * wx - 1.0).abs() < 1e-8 && wy.abs() < 1e-8, "{p}");
    assert!(f(&v["last_loss"]) < 1e-14);
    // On the manifold v w = w~ the top Hessian eigenvalue is (|w|^2 + v^2)/d (eq. (5)).
    assert!((f(&v["sharpness"]) - (wx * wx + vv * vv) / 2.0).abs() < 1e-6, "{v}");
    assert!(f(&v["sharpness"]) < f(&v["two_over_lr"]));
}

#[test]
fn neuron_just_above_the_edge_oscillates_on_the_period_two_orbit_of_proposition_4() {
    // eta = 1.1 d with d = 2: Proposition 4's orbit (delta_i, delta_i, 0) with the 1-D orbit at K = 1.1.
    let v = json(&["simulate", "--model", "neuron", "--lr", "2.2", "--steps", "20000"]);
    assert_eq!((v["outcome"].as_str(), v["period"].as_u64()), (Some("periodic"), Some(2)), "{v}");
    let (d1, d2) = quartic_orbit(1.1);
    let pts = v["points"].as_array().expect("points");
    let mut got: Vec<(f64, f64, f64)> = pts.iter().map(|p| (f(&p[0]), f(&p[1]), f(&p[2]))).collect();
    got.sort_by(|a, b| a.0.total_cmp(&b.0));
    for ((vv, wx, wy), d) in got.iter().zip([d1, d2]) {
        assert!((vv - d).abs() < 1e-8 && (wx - d).abs() < 1e-8 && wy.abs() < 1e-8, "{got:?} vs {d}");
    }
    assert!(f(&v["orbit_sharpness"][0]) > f(&v["two_over_lr"]) || f(&v["orbit_sharpness"][1]) > f(&v["two_over_lr"]));
}

#[test]
fn neuron_start_and_input_dimension_are_honoured() {
    let v = json(&["simulate", "--model", "neuron", "--input-dim", "4", "--lr", "0.5", "--init", "v=0.3,w_x=0.2,w_y=0.4", "--steps", "5"]);
    assert_eq!(v["init"], serde_json::json!([0.3, 0.2, 0.4]));
    assert!(v["model"].as_str().unwrap().contains("S^3"));
    bad_input(&["simulate", "--model", "neuron", "--lr", "0.5", "--init", "v=0.3,w_z=1"]);
    bad_input(&["simulate", "--model", "neuron", "--lr", "0.5", "--init", "1,2"]);
}

#[test]
fn neuron_empirical_is_near_the_population_orbit_and_seeded() {
    let args = ["simulate", "--model", "neuron-empirical", "--points", "1000", "--lr", "2.2", "--steps", "10000", "--seed", "3"];
    let v = json(&args);
    assert_eq!(v["outcome"], "periodic", "{v}");
    let (d1, d2) = quartic_orbit(1.1);
    let mut vs: Vec<f64> = v["points"].as_array().unwrap().iter().map(|p| f(&p[0])).collect();
    vs.sort_by(f64::total_cmp);
    assert!((vs[0] - d1).abs() < 0.15 && (vs[vs.len() - 1] - d2).abs() < 0.15, "{vs:?} vs {d1}, {d2}");
    assert_eq!(eoscert(&args).stdout, eoscert(&args).stdout);
    let other = json(&["simulate", "--model", "neuron-empirical", "--points", "1000", "--lr", "2.2", "--steps", "10000", "--seed", "4"]);
    assert_ne!(v["last"], other["last"], "the data depend on the seed");
}

#[test]
fn teacher_student_small_learning_rate_stays_at_the_sharp_start() {
    let v = json(&["simulate", "--model", "teacher-student", "--points", "500", "--lr", "0.5", "--steps", "100", "--tail", "128", "--max-period", "8"]);
    assert_ne!(v["outcome"], "diverged", "{v}");
    let lo = f(&v["balance"]["min |w_i|/v_i"]);
    let hi = f(&v["balance"]["max |w_i|/v_i"]);
    // Appendix B.3.1: with lr = 0.5 every neuron keeps its ratio k_i^2 (1 to 1.9375^2 = 3.75).
    assert!((lo - 1.0).abs() < 0.1 && (hi - 3.754).abs() < 0.2, "{lo} {hi}");
    assert!(f(&v["last_loss"]) < 1e-2);
}

#[test]
fn teacher_student_large_learning_rate_balances_the_neurons() {
    let v = json(&["simulate", "--model", "teacher-student", "--points", "500", "--lr", "2.6", "--steps", "100", "--tail", "128", "--max-period", "8"]);
    assert_ne!(v["outcome"], "diverged", "{v}");
    let lo = f(&v["balance"]["min |w_i|/v_i"]);
    let hi = f(&v["balance"]["max |w_i|/v_i"]);
    assert!(hi - lo < 0.3 && lo > 0.9 && hi < 1.6, "{lo} {hi}");
}

#[test]
fn mlp_converges_below_the_edge_and_diverges_far_above_it() {
    // One layer (linear regression): a convex quadratic, converged below 2/lambda, diverged far above.
    let v = json(&["simulate", "--model", "mlp", "--widths", "3,1", "--points", "32", "--lr", "0.5", "--steps", "3000", "--seed", "2"]);
    assert_eq!(v["outcome"], "converged", "{v}");
    assert!(f(&v["sharpness"]) < f(&v["two_over_lr"]));
    let v = json(&["simulate", "--model", "mlp", "--widths", "3,1", "--points", "32", "--lr", "3", "--steps", "3000", "--seed", "2"]);
    assert_eq!(v["outcome"], "diverged", "{v}");
}

#[test]
fn mlp_with_a_hidden_layer_fits_its_teacher_below_the_edge() {
    let first = json(&["simulate", "--model", "mlp", "--widths", "3,6,1", "--points", "32", "--lr", "0.5", "--steps", "1", "--seed", "2"]);
    let v = json(&["simulate", "--model", "mlp", "--widths", "3,6,1", "--points", "32", "--lr", "0.5", "--steps", "5000", "--seed", "2"]);
    assert_ne!(v["outcome"], "diverged", "{v}");
    assert!(f(&v["last_loss"]) < f(&first["last_loss"]) / 100.0, "{} vs {}", v["last_loss"], first["last_loss"]);
    assert!(f(&v["sharpness"]) < f(&v["two_over_lr"]));
    assert!(v["balance"]["|W2|^2 - |W1|^2"].is_number());
}

#[test]
fn bad_model_input_is_one_sentence_and_exit_2() {
    assert!(bad_input(&["simulate", "--model", "mlp", "--lr", "0.1"]).contains("--widths"));
    assert!(bad_input(&["simulate", "--model", "mlp", "--widths", "3", "--lr", "0.1"]).contains("--widths"));
    assert!(bad_input(&["simulate", "--model", "mlp", "--widths", "3,x,1", "--lr", "0.1"]).contains("--widths"));
    assert!(bad_input(&["simulate", "--model", "neuron", "--widths", "3,1", "--lr", "0.1"]).contains("--widths"));
    assert!(bad_input(&["simulate", "--model", "neuron-empirical", "--points", "0", "--lr", "0.1"]).contains("--points"));
    assert!(bad_input(&["simulate", "--model", "resnet", "--lr", "0.1"]).contains("neuron"));
    assert!(bad_input(&["simulate", "--experiment", "fig99"]).contains("fig1"));
    assert!(bad_input(&["simulate", "--model", "neuron", "--lr", "0.1", "--quick"]).contains("--experiment"));
}

fn experiment(name: &str) -> Value {
    let v = json(&["simulate", "--experiment", name, "--quick"]);
    v["experiments"][0].clone()
}

fn measured<'a>(e: &'a Value, prefix: &str) -> &'a Value {
    e["measured"]
        .as_array()
        .expect("measured")
        .iter()
        .find(|m| m["name"].as_str().is_some_and(|n| n.starts_with(prefix)))
        .map(|m| &m["measured"])
        .unwrap_or_else(|| panic!("no measure {prefix} in {e}"))
}

#[test]
fn experiment_fig1_divergence_map_follows_the_linear_boundary() {
    let e = experiment("fig1");
    assert!(e["settings"].as_array().unwrap().iter().any(|s| s["source"] == "chosen"));
    assert_eq!(f(measured(&e, "diverged cells with a1 + a2 < 2")), 0.0);
    assert!(f(measured(&e, "fraction agreeing")) > 0.9, "{e}");
}

#[test]
fn experiment_fig2_period_doubling_matches_the_paper() {
    let e = experiment("fig2");
    let p2 = measured(&e, "eta range of period 2");
    assert!(f(&p2[0]) >= 1.0 && f(&p2[0]) < 1.05 && f(&p2[1]) > 1.2 && f(&p2[1]) < 1.24, "{p2}");
    let p4 = measured(&e, "eta range of period 4");
    assert!(f(&p4[0]) > 1.22 && f(&p4[1]) < 1.3, "{p4}");
    assert!(e["measured"].as_array().unwrap().iter().any(|m| m["paper"].is_string()));
}

#[test]
fn experiment_fig12_and_fig4_and_fig7_give_the_papers_periods() {
    let e = experiment("fig12");
    assert_eq!(measured(&e, "eta = 1.05: outcome"), "period 2");
    assert_eq!(measured(&e, "eta = 1.235: outcome"), "period 2");
    assert_eq!(measured(&e, "eta = 1.237: outcome"), "period 4");
    let e = experiment("fig4");
    assert_eq!(measured(&e, "quartic: outcome"), "period 2");
    assert_eq!(measured(&e, "2 sin x: outcome"), "period 2");
    let e = experiment("fig7");
    assert_eq!(measured(&e, "eta = 1.05: outcome"), "period 2");
    assert_eq!(measured(&e, "eta = 1.25: outcome"), "period 4");
    assert!(f(measured(&e, "eta = 1.25: max |x - y|")) < 1e-8);
}

#[test]
fn experiment_fig5_neuron_reaches_proposition_4s_orbit() {
    let e = experiment("fig5");
    assert_eq!(measured(&e, "population: outcome"), "period 2");
    let d = measured(&e, "Proposition 4");
    let pts = measured(&e, "population: orbit points");
    assert!((f(&pts[0][0]) - f(&d[0])).abs() < 1e-5 && (f(&pts[1][0]) - f(&d[1])).abs() < 1e-5, "{pts} {d}");
    let wy = f(measured(&e, "population: step from which |w_y|"));
    let imb = f(measured(&e, "population: step from which |v - w_x|"));
    assert!(wy < imb, "w_y decays first: {wy} vs {imb}");
}

#[test]
fn experiment_fig6_reaches_the_predicted_orbit() {
    let e = experiment("fig6");
    assert_eq!(measured(&e, "symmetric: outcome"), "period 2");
    let pred = measured(&e, "predicted sigma_max");
    let last = measured(&e, "symmetric: (sigma_max(Y)");
    let mut ys: Vec<f64> = last.as_array().unwrap().iter().map(|p| f(&p[0])).collect();
    ys.sort_by(f64::total_cmp);
    assert!((ys[0] - f(&pred[0])).abs() < 1e-4 && (ys[3] - f(&pred[1])).abs() < 1e-4, "{ys:?} {pred}");
}

#[test]
fn experiment_fig8_large_learning_rate_drives_to_the_flat_ratio() {
    let e = experiment("fig8");
    let r = measured(&e, "lr 2.6 then 0.5: |w_i|/v_i");
    assert!(f(&r[0]) > 1.0 && f(&r[2]) < 1.5, "{r}");
    let small = measured(&e, "lr 0.5, 100 epochs: |w_i|/v_i");
    assert!(f(&small[2]) > 3.0, "{small}");
}

#[test]
fn experiments_are_deterministic_and_print_their_settings() {
    for name in ["fig1", "fig5"] {
        let a = eoscert(&["simulate", "--experiment", name, "--quick", "--jobs", "1"]);
        let b = eoscert(&["simulate", "--experiment", name, "--quick", "--jobs", "2"]);
        assert_eq!(a.status.code(), Some(0));
        assert_eq!(a.stdout, b.stdout, "{name} differs between runs");
        let text = String::from_utf8_lossy(&a.stdout);
        assert!(text.contains("not stated in the paper; chosen") && text.contains("(paper: "), "{text}");
    }
}

#[test]
fn experiment_fig1bc_quasi_symmetric_bound_is_sufficient() {
    let e = experiment("fig1bc");
    let inside = e["measured"].as_array().unwrap().iter().find(|m| m["name"].as_str().unwrap().starts_with("diverged cells with")).unwrap();
    assert_eq!(f(&inside["measured"]), 0.0, "{e}");
}

#[test]
fn all_experiments_run_quickly_in_order() {
    let v = json(&["simulate", "--experiment", "all", "--quick"]);
    let names: Vec<&str> = v["experiments"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    let chen_bruna = ["fig1", "fig1bc", "fig2", "fig4", "fig12", "fig7", "fig5", "fig6", "fig8"];
    let companions = ["wang-fig2", "wang-fig4", "ward-kolda-fig2", "ye-du-rate", "du-hu-lee-fig1", "du-hu-lee-fig2"];
    assert_eq!(names, chen_bruna.iter().chain(&companions).copied().collect::<Vec<_>>());
}

#[test]
fn a_slowly_converging_mlp_is_converging_not_quasi_periodic() {
    // The step shrinks by about 0.99984 per step: after 3000 steps still far from the
    // tolerance, which is reported as converging (not settled), never as quasi-periodic.
    let args = ["simulate", "--model", "mlp", "--widths", "4,8,1", "--lr", "0.1", "--steps", "3000"];
    let v = json(&args);
    assert_eq!(v["outcome"], "converged", "{v}");
    assert_eq!(v["settled"], false, "{v}");
    let rate = f(&v["converging"]);
    assert!(rate > 0.99 && rate < 1.0, "{v}");
    let out = eoscert(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("outcome: converging, not yet within tolerance"), "{text}");
}
