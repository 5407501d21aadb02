//! Robustness of the command line (issue 7): bad input everywhere gives one clear sentence on
//! stderr and exit 2 with nothing on stdout; bad check files stop `run` before anything is
//! judged or written; budgets give UNDECIDED (exit 3) with the reason, promptly; and the same
//! inputs give byte-identical JSON (timing fields, named `seconds`, kept apart).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn eoscert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eoscert")).args(args).output().expect("binary runs")
}

/// Asserts the bad-input contract and returns stderr.
fn bad_input(args: &[&str]) -> String {
    let out = eoscert(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "exit 2 for {args:?}; stderr: {err}; stdout: {}", String::from_utf8_lossy(&out.stdout));
    assert!(out.stdout.is_empty(), "nothing on stdout for bad input {args:?}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(!lines.is_empty(), "an error message for {args:?}");
    // One sentence; an expression error adds the source line and a caret under the column.
    assert!(lines.len() == 1 || (lines.len() == 3 && lines[2].trim() == "^"), "one sentence for {args:?}: {err}");
    err
}

/// Prints a count and keeps it for `.ci/run`, which prints the counts after the tests.
fn record(name: &str, line: &str) {
    println!("{line}");
    let _ = std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("soundness-{name}.txt")), format!("{line}\n"));
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("eoscert-robust-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn bad_input_everywhere_is_one_sentence_and_exit_2() {
    let q = "(x^2 - 1)^2/4";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        // malformed expressions and unknown names, in every verb that takes one
        (vec!["eval", "(x^2 - 1", "--at", "x=1"], "column"),
        (vec!["eval", "x^2 +* 1", "--at", "x=1"], "column"),
        (vec!["eval", "", "--at", "x=1"], ""),
        (vec!["eval", "foo(x)", "--at", "x=1"], "foo"),
        (vec!["eval", "sin(x, x)", "--at", "x=1"], "sin"),
        (vec!["conditions", "x^2 +", "--in", "0..1"], "column"),
        (vec!["orbit", "tanhh(x)", "--lr", "1", "--in", "0..1"], "tanhh"),
        (vec!["threshold", "x^^2", "--event", "birth"], "column"),
        (vec!["prove", "x^2 >", "--over", "x=0..1"], ""),
        (vec!["prove", "x^2 = 1", "--over", "x=0..1"], ""),
        (vec!["prove", "orbit-stable", "--loss", "exp(", "--lr-range", "1..2", "--in", "0..2"], "column"),
        // NaN and infinities are not numbers here
        (vec!["eval", "x^2", "--at", "x=nan"], "nan"),
        (vec!["eval", "x^2", "--at", "x=inf"], "inf"),
        (vec!["orbit", q, "--lr", "NaN", "--in", "0..2"], "NaN"),
        (vec!["orbit", q, "--lr", "1", "--in", "-inf..inf"], "inf"),
        (vec!["eval", "x^2", "--at", "x=1e999999"], "exponent"),
        (vec!["eval", "x^2", "--at", "x=1/0"], "division by zero"),
        // empty and reversed ranges
        (vec!["conditions", q, "--in", "1..1"], "empty or reversed"),
        (vec!["conditions", q, "--in", "2..0"], "empty or reversed"),
        (vec!["orbit", q, "--lr", "1.05", "--in", "2..0"], "empty or reversed"),
        (vec!["threshold", q, "--event", "superstable", "--lr-range", "2..1"], ""),
        (vec!["prove", "x > 0", "--over", "x=1..0"], "empty or reversed"),
        (vec!["prove", "orbit-stable", "--loss", q, "--lr-range", "1.2..1.1", "--in", "0..2"], "empty or reversed"),
        (vec!["conditions", q, "--in", "0.."], ""),
        // learning rates <= 0
        (vec!["orbit", q, "--lr", "0", "--in", "0..2"], "positive"),
        (vec!["orbit", q, "--lr", "-1/2", "--in", "0..2"], "positive"),
        (vec!["threshold", q, "--event", "superstable", "--lr-range", "-1..1"], ""),
        (vec!["prove", "orbit-stable", "--loss", q, "--lr-range", "0..1", "--in", "0..2"], "positive"),
        // wrong shapes and unknown choices
        (vec!["threshold", q, "--event", "flip"], "flip"),
        (vec!["threshold", "x^2 + y^2", "--event", "birth"], "one variable"),
        (vec!["conditions", "x*y", "--in", "0..1"], "one variable"),
        (vec!["eval", "x*y", "--at", "x=1"], "y"),
        (vec!["eval", "x^2", "--at", "z=1"], "z"),
        (vec!["prove", "x > 0", "--over", "y=0..1"], "x"),
        (vec!["prove", "x > 0", "--over", "x=0..1,x=0..1"], "twice"),
        (vec!["prove", "orbit-stable", "--lr-range", "1..2", "--in", "0..2"], "loss"),
        (vec!["eval", "x^2", "--at", "x=1", "--prec", "0"], "prec"),
        (vec!["eval", "x^2", "--at", "x=1", "--prec", "99999999"], "prec"),
        (vec!["eval", "x^2", "--at", "x=1", "--order", "100001"], "order"),
        (vec!["eval", "x^2", "--at", "x=1", "--param", "mu"], "mu"),
        (vec!["eval", "log(x)", "--at", "x=0"], "log"),
        (vec!["eval", "sqrt(x)", "--at", "x=-1"], "sqrt"),
        (vec!["conditions", "x^3 - 3*x", "--in", "2..5"], "no local minimum"),
        (vec!["run", "/nonexistent/checks"], "no such file"),
    ];
    for (args, needle) in &cases {
        let err = bad_input(args);
        assert!(err.to_lowercase().contains(&needle.to_lowercase()), "{args:?}: expected '{needle}' in: {err}");
    }
    record("bad-input", &format!("bad input: {} cases in the verbs, each one sentence and exit 2", cases.len()));
}

const GOOD_CHECK: &str = r#"id = "robust/ok"
paper = "test"
claim = "Theorem 1"
statement = "condition at 1"
kind = "conditions"
loss = "(x^2 - 1)^2/4"
in = "0..2"
judge = "theorem1"
expected = "pass"
"#;

/// A check file with one defect; `run` must refuse the whole catalogue (exit 2, the file and
/// the defect named), judge nothing, and leave the reports in `--out` untouched.
#[test]
fn bad_check_files_stop_run_before_any_report() {
    let header = "paper = \"test\"\nclaim = \"c\"\nstatement = \"s\"\nexpected = \"pass\"\n";
    let cases: Vec<(&str, String, &str)> = vec![
        ("missing kind", format!("id = \"b\"\n{header}loss = \"x^2\"\nat = \"x=0\"\n"), "kind"),
        ("mistyped kind", format!("id = \"b\"\n{header}kind = 3\n"), "kind"),
        ("unknown kind", format!("id = \"b\"\n{header}kind = \"orbits\"\n"), "orbits"),
        ("unknown field", format!("id = \"b\"\n{header}kind = \"conditions\"\nlose = \"x^2\"\nat = \"x=0\"\n"), "lose"),
        ("field of another kind", format!("id = \"b\"\n{header}kind = \"inequality\"\ninequality = \"x > 0\"\nover = \"x=1..2\"\ncount = 1\n"), "count"),
        ("missing input", format!("id = \"b\"\n{header}kind = \"orbit\"\nloss = \"x^4\"\nin = \"0..1\"\ncount = 1\n"), "lr"),
        ("no claim", format!("id = \"b\"\n{header}kind = \"orbit\"\nloss = \"x^4\"\nlr = \"1\"\nin = \"0..1\"\n"), "count"),
        ("bad expression", format!("id = \"b\"\n{header}kind = \"conditions\"\nloss = \"sin(x\"\nat = \"x=0\"\n"), "column"),
        ("reversed range", format!("id = \"b\"\n{header}kind = \"conditions\"\nloss = \"x^2\"\nin = \"1..0\"\n"), "reversed"),
        ("nan value", format!("id = \"b\"\n{header}kind = \"derivative\"\nloss = \"x^2\"\nat = \"x=0\"\norder = 2\nvalue = \"nan\"\n"), "nan"),
        ("negative order", format!("id = \"b\"\n{header}kind = \"derivative\"\nloss = \"x^2\"\nat = \"x=0\"\norder = -1\nvalue = \"2\"\n"), "order"),
        ("string for number", format!("id = \"b\"\n{header}kind = \"orbit\"\nloss = \"x^4\"\nlr = \"1\"\nin = \"0..1\"\ncount = \"one\"\n"), "count"),
        ("unknown judge", format!("id = \"b\"\n{header}kind = \"conditions\"\nloss = \"x^2\"\nat = \"x=0\"\njudge = \"theorem7\"\n"), "theorem7"),
        ("bad expected", "id = \"b\"\npaper = \"t\"\nclaim = \"c\"\nstatement = \"s\"\nkind = \"conditions\"\nloss = \"x^2\"\nat = \"x=0\"\nexpected = \"yes\"\n".into(), "expected"),
        ("not TOML", "id = \"b\nkind".into(), ""),
        ("unknown outcome", format!("id = \"b\"\n{header}kind = \"simulate\"\nloss = \"x^2\"\nlr = \"1\"\ninit = \"x=1\"\noutcome = \"periodical\"\n"), "periodical"),
        ("duplicate id", GOOD_CHECK.into(), "robust/ok"),
    ];
    let dir = scratch("checks");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("report.json"), "previous report").unwrap();
    for (what, text, needle) in &cases {
        let checks = dir.join("catalogue");
        let _ = std::fs::remove_dir_all(&checks);
        std::fs::create_dir_all(&checks).unwrap();
        std::fs::write(checks.join("a-good.toml"), GOOD_CHECK).unwrap();
        std::fs::write(checks.join("b-bad.toml"), text).unwrap();
        let err = bad_input(&["run", checks.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert!(err.contains("b-bad.toml"), "{what}: the file is named: {err}");
        assert!(err.to_lowercase().contains(&needle.to_lowercase()), "{what}: expected '{needle}' in: {err}");
        assert_eq!(std::fs::read_to_string(out.join("report.json")).unwrap(), "previous report", "{what}: report untouched");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1, "{what}: nothing else written");
    }
    record("bad-check-files", &format!("bad check files: {} cases, each refused before any judging or writing", cases.len()));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Hitting `--max-boxes` or `--timeout` gives UNDECIDED with the reason (exit 3), quickly.
#[test]
fn budgets_give_undecided_with_the_reason() {
    let cases: Vec<Vec<&str>> = vec![
        vec!["conditions", "sin(x) + x^2/10", "--in", "-20..20", "--max-boxes", "2"],
        vec!["conditions", "sin(x) + x^2/10", "--in", "-20..20", "--timeout", "0"],
        // (at a rational eta the quartic's orbits come from its orbit polynomial, with no search
        // and no box budget; an irrational eta takes the Krawczyk search)
        vec!["orbit", "(x^2 - 1)^2/4", "--lr", "sqrt(1.1)", "--in", "0..2", "--max-boxes", "1"],
        vec!["orbit", "2*sin(x)", "--lr", "1.05", "--in", "-3..0", "--timeout", "0"],
        vec!["threshold", "sin(x)", "--event", "superstable", "--near", "-1.5", "--max-boxes", "3"],
        vec!["prove", "sin(x) + cos(x) < 1.5", "--over", "x=0..100", "--max-boxes", "5"],
        vec!["prove", "sin(x) + cos(x) < 1.5", "--over", "x=0..100", "--timeout", "0"],
        vec!["prove", "orbit-stable", "--loss", "(x^2 - 1)^2/4", "--lr-range", "1.01..1.2", "--in", "0..2", "--max-boxes", "2"],
    ];
    for args in &cases {
        let mut a = args.clone();
        a.push("--json");
        let t0 = Instant::now();
        let out = eoscert(&a);
        let took = t0.elapsed();
        assert_eq!(out.status.code(), Some(3), "{args:?}: exit 3; stderr {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{args:?}: JSON on stdout: {text}"));
        let s = v.to_string();
        assert!(s.contains("UNDECIDED") || s.contains("undecided"), "{args:?}: {s}");
        assert!(took < Duration::from_secs(30), "{args:?} took {took:?}");
    }
}

/// Removes every `seconds` field (the only timing fields) from a JSON value.
fn without_timing(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("seconds");
            m.values_mut().for_each(without_timing);
        }
        Value::Array(a) => a.iter_mut().for_each(without_timing),
        _ => {}
    }
}

#[test]
fn same_inputs_give_byte_identical_json() {
    let q = "(x^2 - 1)^2/4";
    let runs: Vec<Vec<&str>> = vec![
        vec!["eval", "sin(x)*exp(x)", "--at", "x=1/3", "--order", "6", "--json"],
        vec!["conditions", q, "--in", "0..2", "--json"],
        vec!["conditions", "2*sin(x)", "--at", "x=-pi/2", "--json"],
        vec!["orbit", q, "--lr", "1.05", "--in", "0..2", "--json"],
        vec!["orbit", "2*sin(x)", "--lr", "1.05", "--in", "-3..0", "--json"],
        vec!["threshold", q, "--event", "period-doubling", "--near", "1", "--json"],
        vec!["threshold", "2*sin(x)", "--event", "superstable", "--near", "-1.5", "--json"],
        vec!["prove", "7 - 4*K - 2*K^2 > -1", "--over", "K=1..1.2", "--json"],
        vec!["prove", "sin(x) <= 1 - 1e-9", "--over", "x=0..3", "--json"],
    ];
    for args in &runs {
        let a = eoscert(args);
        let b = eoscert(args);
        assert!(!a.stdout.is_empty(), "{args:?}");
        assert_eq!(a.stdout, b.stdout, "{args:?}: two runs differ");
    }
    // `run`: the reports are identical but for the `seconds` fields, with two workers racing.
    let dir = scratch("determinism");
    let checks = Path::new(env!("CARGO_MANIFEST_DIR")).join("checks/chen-bruna");
    let mut reports = vec![];
    for k in 0..2 {
        let out = dir.join(format!("out{k}"));
        let o = eoscert(&["run", checks.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", "2"]);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let mut v: Value = serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
        without_timing(&mut v);
        reports.push(serde_json::to_string(&v).unwrap());
    }
    assert_eq!(reports[0], reports[1], "two runs of the catalogue differ beyond timing");
    let _ = std::fs::remove_dir_all(&dir);
}
