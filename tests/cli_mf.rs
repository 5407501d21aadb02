//! `--model mf` end to end: Theorem 6 through `conditions`, the orbits of Observations 1-2
//! through `orbit`, with the eigenvalues of the full two-step Jacobian checked against an
//! independent f64 computation (own GD map, finite differences, nalgebra's eigenvalues); false
//! variants never PASS; bad input exits 2.

use nalgebra::DMatrix;
use std::process::Command;

fn eoscert(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_eoscert")).args(args).output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut a = args.to_vec();
    a.push("--json");
    let (code, out, err) = eoscert(&a);
    (code, serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}")))
}

/// GD on |Y Z^T - C|^2/2 in f64 (row-major Y then Z), written independently of the library.
fn gd(theta: &[f64], c: &[f64], d: usize, eta: f64) -> Vec<f64> {
    let y = DMatrix::from_row_slice(d, d, &theta[..d * d]);
    let z = DMatrix::from_row_slice(d, d, &theta[d * d..]);
    let r = &y * z.transpose() - DMatrix::from_row_slice(d, d, c);
    let y2 = &y - eta * &r * &z;
    let z2 = &z - eta * r.transpose() * &y;
    let row = |m: &DMatrix<f64>| (0..d).flat_map(|i| (0..d).map(move |j| (i, j))).map(|(i, j)| m[(i, j)]).collect::<Vec<_>>();
    row(&y2).into_iter().chain(row(&z2)).collect()
}

/// The eigenvalues of D(F∘F) at the orbit point, by central differences and nalgebra.
fn f64_eigenvalues(diag: &[f64], eta: f64, alpha: f64) -> Vec<nalgebra::Complex<f64>> {
    let d = diag.len();
    let k = eta * diag[0];
    let x = (((1.0 + k) + ((1.0 + k) * (1.0 + k) - 4.0).sqrt()) / (2.0 * eta)).sqrt();
    let mut c = vec![0.0; d * d];
    let mut y = vec![0.0; d * d];
    let mut z = vec![0.0; d * d];
    for i in 0..d {
        c[i * d + i] = diag[i];
        let s = diag[i].sqrt();
        y[i * d + i] = if i == 0 { x } else { alpha * s };
        z[i * d + i] = if i == 0 { x } else { s / alpha };
    }
    let p: Vec<f64> = y.into_iter().chain(z).collect();
    let f2 = |t: &[f64]| gd(&gd(t, &c, d, eta), &c, d, eta);
    assert!(f2(&p).iter().zip(&p).all(|(a, b)| (a - b).abs() < 1e-9), "not a period-2 point in f64");
    let n = p.len();
    let h = 1e-6;
    let mut j = DMatrix::zeros(n, n);
    for col in 0..n {
        let (mut a, mut b) = (p.clone(), p.clone());
        a[col] += h;
        b[col] -= h;
        let (fa, fb) = (f2(&a), f2(&b));
        for row in 0..n {
            j[(row, col)] = (fa[row] - fb[row]) / (2.0 * h);
        }
    }
    j.complex_eigenvalues().iter().cloned().collect()
}

fn enclosure(v: &serde_json::Value) -> ((f64, f64), (f64, f64)) {
    let lh = |n: &serde_json::Value| (n["lo"].as_str().unwrap().parse::<f64>().unwrap(), n["hi"].as_str().unwrap().parse::<f64>().unwrap());
    if v.get("re").is_some() {
        (lh(&v["re"]), lh(&v["im"]))
    } else {
        (lh(v), (0.0, 0.0))
    }
}

/// Every certified eigenvalue enclosure is matched by a distinct f64 eigenvalue within 1e-5.
fn compare_with_f64(args: &[&str], diag: &[f64], eta: f64, alpha: f64) {
    let (code, out) = json(args);
    assert_eq!(code, Some(0), "{out}");
    let orbit = &out["orbits"][0];
    assert_eq!(orbit["stable"], "PASS");
    let cert: Vec<_> = orbit["eigenvalues"].as_array().unwrap().iter().map(enclosure).collect();
    let mut float = f64_eigenvalues(diag, eta, alpha);
    assert_eq!(cert.len(), float.len());
    for ((rl, rh), (il, ih)) in cert {
        let tol = 1e-5;
        let k = float
            .iter()
            .position(|z| z.re > rl - tol && z.re < rh + tol && z.im > il - tol && z.im < ih + tol)
            .unwrap_or_else(|| panic!("no f64 eigenvalue near [{rl}, {rh}] + i[{il}, {ih}]; f64: {float:?}"));
        float.swap_remove(k);
    }
}

#[test]
fn mf_2x2_orbit_eigenvalues_match_an_independent_f64_computation() {
    compare_with_f64(&["orbit", "--model", "mf", "--c", "diag:1,1/2", "--lr", "1.05"], &[1.0, 0.5], 1.05, 1.0);
    compare_with_f64(&["orbit", "--model", "mf", "--c", "diag:1,1/2", "--lr", "1.05", "--alpha", "4/5"], &[1.0, 0.5], 1.05, 0.8);
}

#[test]
fn mf_3x3_orbit_eigenvalues_match_an_independent_f64_computation() {
    compare_with_f64(&["orbit", "--model", "mf", "--c", "diag:1,1/2,1/4", "--lr", "1.05", "--alpha", "4/5"], &[1.0, 0.5, 0.25], 1.05, 0.8);
}

#[test]
fn exact_orbit_in_four_dimensions() {
    let (code, out) = json(&["orbit", "--model", "mf", "--c", "diag:21,4,1,1/4", "--lr", "1/20"]);
    assert_eq!(code, Some(0));
    let o = &out["orbits"][0];
    assert_eq!(o["exact"], true);
    assert_eq!(o["symmetry_ones"], 12);
    assert_eq!(o["stable"], "PASS");
    assert!(out["reduced_system"].as_str().unwrap().contains("invariant slice"));
}

#[test]
fn false_variants_never_pass() {
    // Just past eta (s1 + s2) = 2 the orbit is unstable: the verb exits 1 (FAIL), never 0.
    let (code, out) = json(&["orbit", "--model", "mf", "--c", "diag:1,0.904762", "--lr", "1.05"]);
    assert_eq!(out["orbits"][0]["stable"], "FAIL");
    assert_eq!(code, Some(1));
    // No orbit below the edge of stability (no orbit: exit 3, nothing claimed).
    let (code, out) = json(&["orbit", "--model", "mf", "--c", "diag:1,1/2", "--lr", "0.9"]);
    assert_eq!(out["orbits"].as_array().unwrap().len(), 0);
    assert_eq!(out["complete"], true);
    assert_ne!(code, Some(0));
    // Theorem 6 where its hypothesis fails: UNDECIDED (exit 3), never PASS.
    let (code, out) = json(&["conditions", "--model", "mf", "--y", "[[2,0],[0,1]]", "--z", "[[1,0],[0,3]]"]);
    assert_eq!(out["theorem6"]["verdict"], "UNDECIDED");
    assert_eq!(out["theorem6"]["value"]["exact"], "0");
    assert_eq!(code, Some(3));
}

#[test]
fn theorem6_spec_fields() {
    let (code, out) = json(&["conditions", "--model", "mf", "--y", "[[2,1],[0,1]]", "--z", "[[1,0],[1,3]]"]);
    assert_eq!(code, Some(0));
    assert_eq!(out["theorem6"]["verdict"], "PASS");
    assert!(out["theorem6"]["value"]["lo"].as_str().unwrap().starts_with("205.73"));
    assert!(out["theorem6"]["lambda_max"]["lo"].as_str().unwrap().starts_with("15.3458"));
    assert_eq!(out["remark"]["verdict"], "PASS");
    assert_eq!(out["printed_theorem6_delta"]["verdict"], "FAIL");
}

#[test]
fn bad_input_exits_2_with_one_sentence() {
    for args in [
        vec!["conditions", "--model", "mf", "--y", "[[1,0],[0,1]]", "--z", "[[1,0],[0,1]]", "--c", "diag:2,1"],
        vec!["conditions", "--model", "mf", "--y", "[[1,0],[0,1]]"],
        vec!["conditions", "--model", "nope", "--y", "[[1]]", "--z", "[[1]]"],
        vec!["orbit", "--model", "mf", "--c", "[[1,1],[1,2]]", "--lr", "1.05"],
        vec!["orbit", "--model", "mf", "--c", "diag:1/2,1", "--lr", "1.05"],
        vec!["orbit", "--model", "mf", "--lr", "1.05"],
        vec!["orbit", "--model", "mf", "--c", "diag:1,1/2", "--lr", "1.05", "--alpha", "-1"],
        vec!["orbit", "(x^2-1)^2/4", "--c", "diag:1,1/2", "--lr", "1.05"],
        vec!["conditions", "(x^2-1)^2/4", "--y", "[[1]]", "--z", "[[1]]"],
        vec!["conditions", "(x^2-1)^2/4", "--model", "mf", "--y", "[[1]]", "--z", "[[1]]"],
    ] {
        let (code, out, err) = eoscert(&args);
        assert_eq!(code, Some(2), "{args:?}: {out} {err}");
        assert!(out.is_empty() && err.trim().lines().count() == 1, "{args:?}: {err}");
    }
}
