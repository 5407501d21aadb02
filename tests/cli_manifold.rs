//! End to end through `eoscert run`: the check kinds of Chen & Bruna §4.2, §5 and §6.2
//! (`manifold`, `manifold-curve`, `lemma2`, `neuron-decay`): verdicts and certificates for true
//! claims, false variants that must never PASS, and bad check files (exit 2, one sentence).

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("eoscert-manifold-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run_check(name: &str, body: &str) -> (Output, Option<Value>) {
    let d = scratch(name);
    let file = d.join(format!("{name}.toml"));
    let text = format!("id = \"test/{name}\"\npaper = \"test\"\nclaim = \"test\"\nstatement = \"test\"\n{body}");
    std::fs::write(&file, text).unwrap();
    let out = d.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_eoscert")).args(["run", file.to_str().unwrap(), "--out", out.to_str().unwrap()]).output().unwrap();
    let report = std::fs::read(out.join("report.json")).ok().and_then(|b| serde_json::from_slice::<Value>(&b).ok());
    let one = report.and_then(|r| r["checks"].as_array().and_then(|a| a.first().cloned()));
    let _ = std::fs::remove_dir_all(&d);
    (o, one)
}

/// The verdict of a single check (and that it matched `expected`).
fn verdict(name: &str, body: &str) -> (String, Value) {
    let (o, c) = run_check(name, body);
    let c = c.unwrap_or_else(|| panic!("{name}: no report; stderr {}", String::from_utf8_lossy(&o.stderr)));
    assert_eq!(c["as_expected"], true, "{name}: {c}");
    (c["verdict"].as_str().unwrap().to_string(), c)
}

#[test]
fn points_of_the_manifold() {
    let base = "kind = \"manifold\"\nloss = \"(x*y - 1)^2/2\"\n";
    // The counterexample to Propositions 5 and 6: (1/2, 1/2) is in M for eta = 1.08 and 0.95.
    for eta in ["1.08", "0.95"] {
        let (v, c) = verdict("p-diag", &format!("{base}at = \"x=1/2,y=1/2\"\nlr = \"{eta}\"\nholds = true\nexpected = \"pass\"\n"));
        assert_eq!(v, "PASS");
        assert_eq!(c["certificate"]["grad_dot_u_zero"], true);
        assert_eq!(c["certificate"]["hessian"][0][1], "-1/2");
    }
    // False variant: the same point claimed outside M never passes.
    let (v, _) = verdict("p-false", &format!("{base}at = \"x=1/2,y=1/2\"\nlr = \"1.08\"\nholds = false\nexpected = \"fail\"\n"));
    assert_eq!(v, "FAIL");
    // On the edge eta = 1 the balanced minimum has lambda = 2 = 2/eta: not in M (strict).
    let (v, _) = verdict("p-edge", &format!("{base}at = \"x=1,y=1\"\nlr = \"1\"\nholds = false\nexpected = \"pass\"\n"));
    assert_eq!(v, "PASS");
    // A loss that is not exact at the point: undecided, not a guess.
    let (v, c) = verdict("p-pi", "kind = \"manifold\"\nloss = \"(x*y - pi)^2/2\"\nat = \"x=1,y=1\"\nlr = \"1\"\nholds = false\nexpected = \"undecided\"\n");
    assert_eq!(v, "UNDECIDED", "{c}");
}

#[test]
fn curves_of_the_manifold() {
    let base = "kind = \"manifold-curve\"\nloss = \"(x*y - 1)^2/2\"\nover = \"t=0..inf\"\n";
    let (v, c) = verdict("c-prop6", &format!("{base}curve = \"x=t,y=1/t\"\nlr = \"0.95\"\ninequality = \"(t + 1/t)^2 < 2 + 2/0.95\"\nexpected = \"pass\"\n"));
    assert_eq!(v, "PASS");
    assert!(c["certificate"]["quantities"].as_array().unwrap().len() >= 4);
    // Proposition 5 read literally: the diagonal has points of M; the witness is a rational t.
    let (v, c) = verdict("c-prop5", &format!("{base}curve = \"x=t,y=t\"\nlr = \"1.08\"\ninequality = \"0 > 1\"\nexpected = \"fail\"\n"));
    assert_eq!(v, "FAIL");
    assert!(c["reason"].as_str().unwrap().contains("is in M"), "{c}");
    // False variants of the curve characterisation never pass.
    for claim in ["(t + 1/t)^2 < 2.001 + 2/0.95", "(t + 1/t)^2 < 1.999 + 2/0.95", "(t + 1/t)^2 > 2 + 2/0.95"] {
        let (v, _) = verdict("c-false", &format!("{base}curve = \"x=t,y=1/t\"\nlr = \"0.95\"\ninequality = \"{claim}\"\nexpected = \"fail\"\n"));
        assert_eq!(v, "FAIL", "{claim}");
    }
    // A bounded range: on (1/2, 2) with eta = 0.45, M is all of it exactly when 2.5^2 < 2 + 2/0.45.
    let (v, _) = verdict("c-range", "kind = \"manifold-curve\"\nloss = \"(x*y - 1)^2/2\"\nover = \"t=1/2..2\"\ncurve = \"x=t,y=1/t\"\nlr = \"0.45\"\ninequality = \"1 > 0\"\nexpected = \"pass\"\n");
    assert_eq!(v, "PASS");
}

#[test]
fn lemma_2_and_theorem_4() {
    let (v, c) = verdict("l2", "kind = \"lemma2\"\nparams = [\"mu=1\"]\nat = \"x=1,y=1.2\"\nlr = \"1.1\"\nsteps = 100\nholds = true\nexpected = \"pass\"\n");
    assert_eq!(v, "PASS");
    assert_eq!(c["certificate"]["condition"]["m_squared"], "1/25");
    assert_eq!(c["certificate"]["trajectory"]["complete"], true);
    let (v, c) = verdict("l2-false", "kind = \"lemma2\"\nparams = [\"mu=1\"]\nat = \"x=0.5,y=2.5\"\nlr = \"1.1\"\nsteps = 10\nholds = true\nexpected = \"fail\"\n");
    assert_eq!(v, "FAIL");
    assert_eq!(c["certificate"]["trajectory"]["negative_at"], 1);
    let (v, _) = verdict("t4", "kind = \"neuron-decay\"\nparams = [\"eps=0.1\", \"alpha0=pi/2\"]\nlr = \"1.1\"\nsteps = 300\nexpected = \"consistent\"\n");
    assert_eq!(v, "CONSISTENT");
    let (v, _) = verdict("t4-false", "kind = \"neuron-decay\"\nparams = [\"eps=0.1\", \"alpha0=1.5\", \"rate=0.9\"]\nlr = \"1.05\"\nsteps = 300\nexpected = \"inconsistent\"\n");
    assert_eq!(v, "INCONSISTENT");
}

#[test]
fn bad_check_files_are_one_sentence_and_exit_2() {
    let cases = [
        ("kind = \"manifold\"\nloss = \"(x*y - 1)^2/2\"\nat = \"x=pi,y=1\"\nlr = \"1\"\nholds = true\nexpected = \"pass\"\n", "exact"),
        ("kind = \"manifold\"\nloss = \"(x*y - 1)^2/2\"\nat = \"x=1,y=1\"\nlr = \"1\"\nexpected = \"pass\"\n", "holds"),
        ("kind = \"manifold-curve\"\nloss = \"(x*y - 1)^2/2\"\nover = \"t=0..inf\"\ncurve = \"x=t,y=1/(t+1)\"\nlr = \"1\"\ninequality = \"0 > 1\"\nexpected = \"pass\"\n", "Laurent"),
        ("kind = \"manifold-curve\"\nloss = \"(x*y - 1)^2/2\"\nover = \"t=0..inf\"\ncurve = \"x=t\"\nlr = \"1\"\ninequality = \"0 > 1\"\nexpected = \"pass\"\n", "every variable"),
        ("kind = \"manifold-curve\"\nloss = \"(x*y - 1)^2/2\"\nover = \"t=0\"\ncurve = \"x=t,y=t\"\nlr = \"1\"\ninequality = \"0 > 1\"\nexpected = \"pass\"\n", "over"),
        ("kind = \"lemma2\"\nat = \"x=1,y=1\"\nlr = \"1.1\"\nholds = true\nexpected = \"pass\"\n", "mu"),
        ("kind = \"lemma2\"\nparams = [\"mu=1\"]\nat = \"x=1,y=1\"\nlr = \"1.1\"\nholds = true\ncurve = \"x=t\"\nexpected = \"pass\"\n", "curve"),
        ("kind = \"neuron-decay\"\nparams = [\"eps=0.1\"]\nlr = \"1.1\"\nexpected = \"consistent\"\n", "alpha0"),
    ];
    for (i, (body, word)) in cases.iter().enumerate() {
        let (o, _) = run_check(&format!("bad{i}"), body);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "case {i}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "case {i}: one sentence: {err}");
        assert!(err.contains(word), "case {i}: '{word}' in {err}");
    }
}
