//! The companion papers' experiment presets (`simulate --experiment NAME --quick`): they run,
//! print their settings with the chosen ones marked, report keyed measures beside the papers'
//! numbers and a sensitivity section, agree with what is known exactly, and are deterministic;
//! and the catalogue's `simulate` kind judges a preset's measure (and rejects malformed ones).

use eoscert::catalogue;
use eoscert::verdict::Verdict;
use serde_json::Value;
use std::process::{Command, Output};

fn eoscert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eoscert")).args(args).output().expect("binary runs")
}

fn experiment(name: &str) -> Value {
    let out = eoscert(&["simulate", "--experiment", name, "--quick", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["experiments"][0].clone()
}

/// The measure under `key`.
fn m<'a>(e: &'a Value, key: &str) -> &'a Value {
    let ms = e["measured"].as_array().expect("measured");
    &ms.iter().find(|x| x["key"] == key).unwrap_or_else(|| panic!("no measure {key} in {e}"))["measured"]
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Every preset names its paper, marks chosen settings, and has a sensitivity measure.
fn common(e: &Value, paper: &str) {
    assert_eq!(e["paper"], paper);
    assert_eq!(e["quick"], true);
    let settings = e["settings"].as_array().unwrap();
    assert!(settings.iter().any(|s| s["source"] == "chosen"), "{e}");
    assert!(settings.iter().any(|s| s["source"] == "paper"), "{e}");
    let ms = e["measured"].as_array().unwrap();
    assert!(ms.iter().any(|x| x["name"].as_str().unwrap().starts_with("sensitivity")), "{e}");
    assert!(ms.iter().any(|x| x["paper"].is_string()), "{e}");
}

#[test]
fn wang_fig2_reports_the_papers_setting_and_theorem_3_2_holds() {
    let e = experiment("wang-fig2");
    common(&e, "Wang, Chen, Zhao & Tao");
    // h = 4/(18^2 + 0.09^2 + 4) exactly as the paper's 0.0122.
    assert!((f(m(&e, "h")) - 4.0 / (324.0081 + 4.0)).abs() < 1e-6);
    assert!((f(m(&e, "gap0")) - 18.0).abs() < 0.1, "{e}");
    assert_eq!(m(&e, "outcome"), "converged");
    assert!(f(m(&e, "norms_times_h_over_2")) <= 1.0 && f(m(&e, "sens_bound")) <= 1.0);
    // h is almost 4/L at the start and the limit is stable (h L < 2).
    assert!((3.5..4.0).contains(&f(m(&e, "h_times_L0"))), "{e}");
    assert!(f(m(&e, "h_times_L")) < 2.0);
}

#[test]
fn presets_are_deterministic_under_the_seed() {
    let a = eoscert(&["simulate", "--experiment", "wang-fig2", "--quick", "--seed", "5"]);
    let b = eoscert(&["simulate", "--experiment", "wang-fig2", "--quick", "--seed", "5"]);
    assert_eq!(a.stdout, b.stdout);
    let c = eoscert(&["simulate", "--experiment", "wang-fig2", "--quick", "--seed", "6"]);
    assert_ne!(a.stdout, c.stdout);
}

#[test]
fn wang_fig4_larger_learning_rates_end_more_balanced() {
    let e = experiment("wang-fig4");
    common(&e, "Wang, Chen, Zhao & Tao");
    assert_eq!(m(&e, "monotone"), true);
    assert!(f(m(&e, "converged_runs")) >= 3.0);
    assert!(f(m(&e, "gap_beyond_2_over_L")) < 8.0, "balancing beyond 2/L: {e}");
}

#[test]
fn ward_kolda_proposed_initialisation_wins_and_obeys_the_bound() {
    let e = experiment("ward-kolda-fig2");
    common(&e, "Ward & Kolda");
    for d in [10, 6] {
        assert!(f(m(&e, &format!("d{d}_advantage"))) < 1.0, "{e}");
        assert_eq!(m(&e, &format!("d{d}_bound_violations")), 0);
        assert_eq!(m(&e, &format!("d{d}_agd_bound_violations")), 0);
        assert!(f(m(&e, &format!("d{d}_agd"))) < 1e-3);
    }
    assert_eq!(m(&e, "eta1_converging"), 0);
}

#[test]
fn ye_du_flow_conserves_the_imbalance_and_refutes_theorem_4_as_printed() {
    let e = experiment("ye-du-rate");
    common(&e, "Ye & Du");
    assert_eq!(m(&e, "unreached"), 0);
    assert!(f(m(&e, "invariant_drift")) < 1e-6);
    assert!(f(m(&e, "thm4_corrected_violation")) < 1e-9);
    assert!(f(m(&e, "thm4_printed_violations")) > 0.0);
    let r = m(&e, "ratio_spread").as_array().unwrap();
    assert!(r.iter().all(|x| f(x) > 0.0 && f(x) < 10.0), "{e}");
}

#[test]
fn du_hu_lee_layers_stay_balanced_with_a_small_step() {
    let e = experiment("du-hu-lee-fig2");
    common(&e, "Du, Hu & Lee");
    assert!(f(m(&e, "bal_change_rel")) < 0.01 && f(m(&e, "unb_change_rel")) < 0.01, "{e}");
    let norms = m(&e, "bal_norms").as_array().unwrap();
    assert!(norms.iter().all(|x| f(x) > 1.0), "the network trained: {e}");
}

#[test]
fn du_hu_lee_fig1_both_objectives_converge_and_the_difference_is_kept() {
    let e = experiment("du-hu-lee-fig1");
    common(&e, "Du, Hu & Lee");
    assert!(f(m(&e, "rel_loss_1")) < 1e-12 && f(m(&e, "rel_loss_3")) < 1e-12, "{e}");
    // From a small start the regulariser is negligible: the same rate (within 10%).
    assert!((f(m(&e, "rate_ratio")) - 1.0).abs() < 0.1, "{e}");
    // GD keeps |U|^2 - |V|^2; the ratio is constant once the norms have grown, not from the start.
    assert!(f(m(&e, "change_rel_1")) < 1e-3, "{e}");
    assert!(f(m(&e, "ratio_range_late_1")) < 1.01, "{e}");
    assert!(f(m(&e, "ratio_range_1")) > 1.05, "{e}");
    // The regularised objective ends exactly balanced.
    assert!((f(&m(&e, "ratio_3")[1]) - 1.0).abs() < 1e-6, "{e}");
    // Deterministic under the seed, whatever the thread count.
    let a = eoscert(&["simulate", "--experiment", "du-hu-lee-fig1", "--quick", "--seed", "3", "--jobs", "1"]);
    let b = eoscert(&["simulate", "--experiment", "du-hu-lee-fig1", "--quick", "--seed", "3", "--jobs", "2"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn du_hu_lee_fig2_paper_size_has_no_quick_form_and_is_not_in_all() {
    let out = eoscert(&["simulate", "--experiment", "du-hu-lee-fig2-paper", "--quick"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("du-hu-lee-fig2 --quick"), "{err}");
    let out = eoscert(&["simulate", "--experiment", "nope"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("du-hu-lee-fig2-paper"));
}

#[test]
fn unknown_experiment_names_every_preset() {
    let out = eoscert(&["simulate", "--experiment", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wang-fig2") && err.contains("ye-du-rate") && err.contains("fig1"), "{err}");
}

const HEAD: &str = "id = \"t\"\npaper = \"p\"\nclaim = \"c\"\nstatement = \"s\"\nkind = \"simulate\"\n";

#[test]
fn the_catalogue_judges_a_presets_measure() {
    let judge = |body: &str| catalogue::judge(&catalogue::parse_check(&format!("{HEAD}{body}")).unwrap()).unwrap().0;
    let base = "experiment = \"wang-fig2\"\nexpected = \"consistent\"\n";
    assert_eq!(judge(&format!("{base}measure = \"norms_times_h_over_2\"\nat_most = \"1\"\n")), Verdict::Consistent);
    assert_eq!(judge(&format!("{base}measure = \"norms_times_h_over_2\"\nat_least = \"1\"\n")), Verdict::Inconsistent);
    assert_eq!(judge(&format!("{base}measure = \"outcome\"\nequals = \"converged\"\n")), Verdict::Consistent);
    assert_eq!(judge(&format!("{base}measure = \"outcome\"\nequals = \"diverged\"\n")), Verdict::Inconsistent);
    // A list: every entry must satisfy the bound.
    assert_eq!(judge(&format!("{base}measure = \"sens_gap\"\nat_least = \"0\"\n")), Verdict::Consistent);
    assert_eq!(judge(&format!("{base}measure = \"sens_gap\"\nat_most = \"5\"\n")), Verdict::Inconsistent);
    // A missing measure is an error (the check cannot be judged), never a verdict.
    let c = catalogue::parse_check(&format!("{HEAD}{base}measure = \"nope\"\nat_most = \"1\"\n")).unwrap();
    assert!(catalogue::judge(&c).is_err());
}

#[test]
fn malformed_experiment_checks_are_rejected_with_one_sentence() {
    let bad = |body: &str| catalogue::parse_check(&format!("{HEAD}expected = \"consistent\"\n{body}")).unwrap_err().to_string();
    assert!(bad("experiment = \"nope\"\nmeasure = \"h\"\nat_most = \"1\"\n").contains("not a preset"));
    assert!(bad("experiment = \"wang-fig2\"\nmeasure = \"h\"\n").contains("at_most"));
    assert!(bad("experiment = \"wang-fig2\"\nat_most = \"1\"\n").contains("measure"));
    assert!(bad("experiment = \"wang-fig2\"\nmeasure = \"h\"\nat_most = \"1\"\nloss = \"x^2\"\n").contains("loss"));
    assert!(bad("loss = \"x^2\"\nlr = \"1\"\ninit = \"x=1\"\noutcome = \"converged\"\nat_most = \"1\"\n").contains("experiment"));
    assert!(bad("experiment = \"wang-fig2\"\nmeasure = \"h\"\nat_most = \"one\"\n").contains("at_most"));
}

#[test]
fn sensitivity_reruns_with_other_seeds_and_reports_what_moved() {
    let out = eoscert(&["simulate", "--experiment", "fig6", "--quick", "--sensitivity", "1", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = v["experiments"][0]["seed_sensitivity"].as_array().expect("seed_sensitivity");
    assert!(!s.is_empty() && s.iter().all(|m| m["seeds"] == 2), "{s:?}");
    // fig6 draws X0 from the seed: the predicted orbit moves, the outcome does not.
    let find = |p: &str| s.iter().find(|m| m["name"].as_str().unwrap().starts_with(p)).unwrap()["summary"].as_str().unwrap().to_string();
    assert!(find("predicted sigma_max orbit").starts_with("varies"));
    assert_eq!(find("symmetric: outcome"), "same: period 2");
    for bad in [&["simulate", "--experiment", "fig7", "--sensitivity", "0"][..], &["simulate", "x^2", "--lr", "0.1", "--sensitivity", "2"][..]] {
        let o = eoscert(bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert_eq!(String::from_utf8_lossy(&o.stderr).trim().lines().count(), 1);
    }
}
