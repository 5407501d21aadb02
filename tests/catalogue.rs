//! The whole catalogue (`checks/`), end to end: every check file parses and is judged, every
//! verdict matches its recorded expectation, and the independent checker accepts the report.

use std::path::Path;
use std::process::Command;

#[test]
fn the_whole_catalogue_runs_as_expected_and_verifies() {
    let bin = env!("CARGO_BIN_EXE_eoscert");
    let checks = Path::new(env!("CARGO_MANIFEST_DIR")).join("checks");
    let out = std::env::temp_dir().join(format!("eoscert-catalogue-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(bin).args(["run", checks.to_str().unwrap(), "--out", out.to_str().unwrap()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let all = report["checks"].as_array().unwrap();
    let files = walk(&checks);
    assert_eq!(all.len(), files, "every check file is judged");
    let unexpected: Vec<&str> = all.iter().filter(|c| c["as_expected"] != true).map(|c| c["id"].as_str().unwrap()).collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    let v = Command::new(bin).args(["verify", out.join("report.json").to_str().unwrap()]).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}\n{}", String::from_utf8_lossy(&v.stdout), String::from_utf8_lossy(&v.stderr));
    println!("catalogue: {} checks as expected; {}", all.len(), String::from_utf8_lossy(&v.stdout).lines().last().unwrap_or(""));
    let _ = std::fs::remove_dir_all(&out);
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { walk(&p) } else { usize::from(p.extension().is_some_and(|x| x == "toml")) })
        .sum()
}
