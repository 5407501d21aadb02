//! End-to-end tests of `eoscert eval`: exact output, JSON shape, and bad input (exit 2, one
//! clear error line naming what was wrong).

use serde_json::Value;
use std::process::{Command, Output};

fn eoscert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eoscert")).args(args).output().expect("binary runs")
}

fn json(args: &[&str]) -> Value {
    let out = eoscert(args);
    assert!(out.status.success(), "failed: {args:?}\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn stderr_of(args: &[&str]) -> (i32, String) {
    let out = eoscert(args);
    assert!(out.stdout.is_empty(), "nothing on stdout for bad input: {args:?}");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn quartic_derivatives_are_exact() {
    // f = (x^2 - mu)^2/4 at sqrt(mu) = 2: f'' = 2 mu = 8, f''' = 6 sqrt(mu) = 12, f'''' = 6.
    let v = json(&["eval", "(x^2 - mu)^2/4", "--param", "mu=4", "--at", "x=2", "--order", "5", "--json"]);
    let exact: Vec<&str> = v["derivatives"].as_array().unwrap().iter().map(|d| d["exact"].as_str().unwrap()).collect();
    assert_eq!(exact, ["0", "0", "8", "12", "6", "0"]);
    assert_eq!(v["exact"], true);
    assert_eq!(v["at"]["x"]["exact"], "2");
    for (k, d) in v["derivatives"].as_array().unwrap().iter().enumerate() {
        assert_eq!(d["order"], k);
    }
}

#[test]
fn decimal_input_is_exact() {
    // 1.05 is 21/20, so x^2 at 1.05 is exactly 441/400.
    let v = json(&["eval", "x^2", "--at", "x=1.05", "--order", "1", "--json"]);
    assert_eq!(v["derivatives"][0]["exact"], "441/400");
    assert_eq!(v["derivatives"][1]["exact"], "21/10");
    assert_eq!(v["at"]["x"]["exact"], "21/20");
}

#[test]
fn transcendental_values_are_enclosures() {
    let v = json(&["eval", "exp(x)", "--at", "x=1", "--order", "2", "--json", "--prec", "200"]);
    assert_eq!(v["exact"], false);
    for d in v["derivatives"].as_array().unwrap() {
        assert!(d.get("exact").is_none());
        let lo = d["lo"].as_str().unwrap();
        let hi = d["hi"].as_str().unwrap();
        // e = 2.71828182845904523536028747135266249775724709369995...
        assert!(lo.starts_with("2.718281828459045235360287471352662497757247093699"), "{lo}");
        assert!(hi.starts_with("2.718281828459045235360287471352662497757247093699"), "{hi}");
        assert!(lo < hi);
    }
}

#[test]
fn gradient_and_hessian_exact() {
    // f = (xy - 1)^2/2 at (2, 1): grad = ((xy-1) y, (xy-1) x) = (1, 2); H = [[y^2, 2xy-1], [2xy-1, x^2]].
    let v = json(&["eval", "(x*y - 1)^2/2", "--at", "x=2,y=1", "--json"]);
    assert_eq!(v["gradient"][0]["exact"], "1");
    assert_eq!(v["gradient"][1]["exact"], "2");
    let h: Vec<Vec<&str>> = v["hessian"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(|e| e["exact"].as_str().unwrap()).collect())
        .collect();
    assert_eq!(h, vec![vec!["1", "3"], vec!["3", "4"]]);
}

#[test]
fn directional_restriction() {
    // t -> f(2 + t, 1 + t) for f = (xy - 1)^2/2: (t^2 + 3t + 1)^2 / 2.
    let v = json(&["eval", "(x*y - 1)^2/2", "--at", "x=2,y=1", "--dir", "x=1,y=1", "--order", "4", "--json"]);
    let d: Vec<&str> = v["derivatives"].as_array().unwrap().iter().map(|d| d["exact"].as_str().unwrap()).collect();
    assert_eq!(d, ["1/2", "3", "11", "18", "12"]);
}

#[test]
fn explicit_variable_order_and_params() {
    let v = json(&["eval", "a*x + y", "--param", "a=3/2", "--vars", "y,x", "--at", "x=2,y=1", "--json"]);
    assert_eq!(v["vars"], serde_json::json!(["y", "x"]));
    assert_eq!(v["gradient"][0]["exact"], "1");
    assert_eq!(v["gradient"][1]["exact"], "3/2");
}

#[test]
fn text_output_mentions_exactness() {
    let out = eoscert(&["eval", "(x^2 - 1)^2/4", "--at", "x=1"]);
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("all values exact"), "{s}");
    assert!(s.contains("f''      = 2"), "{s}");
}

#[test]
fn malformed_expression_names_the_column() {
    let (code, err) = stderr_of(&["eval", "x^2 + )", "--at", "x=1"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("eoscert: error:"), "{err}");
    assert!(err.contains("column 7"), "{err}");
    assert!(err.contains("      ^"), "caret under the column: {err}");
}

#[test]
fn unknown_function_is_named() {
    let (code, err) = stderr_of(&["eval", "foo(x) + 1", "--at", "x=1"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown function 'foo'"), "{err}");
}

#[test]
fn arity_error_is_named() {
    let (code, err) = stderr_of(&["eval", "sin(x, 2)", "--at", "x=1"]);
    assert_eq!(code, 2);
    assert!(err.contains("sin"), "{err}");
    assert!(err.contains("argument"), "{err}");
}

#[test]
fn missing_variable_in_at() {
    let (code, err) = stderr_of(&["eval", "x*y", "--at", "x=1"]);
    assert_eq!(code, 2);
    assert!(err.contains("no value for the variable 'y'"), "{err}");
}

#[test]
fn unknown_variable_in_at() {
    let (code, err) = stderr_of(&["eval", "x^2", "--at", "x=1,z=2"]);
    assert_eq!(code, 2);
    assert!(err.contains("'z'"), "{err}");
}

#[test]
fn domain_error_at_a_point() {
    for (loss, at) in [("log(x)", "x=0"), ("sqrt(x)", "x=-1"), ("1/x", "x=0"), ("asin(x)", "x=2"), ("log(x)", "x=-pi")] {
        let (code, err) = stderr_of(&["eval", loss, "--at", at]);
        assert_eq!(code, 2, "{loss} at {at}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains("cannot evaluate"), "{err}");
    }
}

#[test]
fn derivative_of_abs_at_its_kink_is_refused() {
    let (code, err) = stderr_of(&["eval", "abs(x)", "--at", "x=0", "--order", "1"]);
    assert_eq!(code, 2);
    assert!(err.contains("not differentiable"), "{err}");
}

#[test]
fn bad_numbers_and_flags() {
    let (code, _) = stderr_of(&["eval", "x", "--at", "x=1/0"]);
    assert_eq!(code, 2);
    let (code, _) = stderr_of(&["eval", "x", "--at", "x=nan"]);
    assert_eq!(code, 2);
    let (code, err) = stderr_of(&["eval", "x", "--at", "x=1", "--prec", "2"]);
    assert_eq!(code, 2);
    assert!(err.contains("--prec"), "{err}");
    let (code, _) = stderr_of(&["eval", "x", "--param", "mu", "--at", "x=1"]);
    assert_eq!(code, 2);
    let (code, _) = stderr_of(&["eval", "x"]);
    assert_eq!(code, 2, "clap usage error");
}
