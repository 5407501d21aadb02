//! `run`'s progress bar: drawn on stderr only when stderr is a terminal and `--json` is not
//! given. Through pipes (and with `--json`) stderr stays empty; on a pseudo-terminal (made by
//! util-linux `script`, skipped with a notice when absent) the bar is drawn and erased.

use std::path::{Path, PathBuf};
use std::process::Command;

const CHECK: &str = r#"id = "p/orbit"
paper = "p"
claim = "Theorem 2"
statement = "One stable period-2 orbit at K = 1.05."
kind = "orbit"
loss = "(x^2 - 1)^2/4"
lr = "1.05"
in = "0..2"
count = 1
stable = true
expected = "pass"
"#;

fn setup(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("eoscert-progress-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let checks = dir.join("checks");
    std::fs::create_dir_all(&checks).unwrap();
    std::fs::write(checks.join("orbit.toml"), CHECK).unwrap();
    (checks, dir.join("reports"))
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_eoscert")
}

#[test]
fn no_bar_through_pipes() {
    let (checks, out) = setup("pipe");
    for json in [false, true] {
        let mut args = vec!["run", checks.to_str().unwrap(), "--out", out.to_str().unwrap()];
        if json {
            args.push("--json");
        }
        let o = Command::new(bin()).args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(0));
        assert!(o.stderr.is_empty(), "stderr is a pipe: nothing extra (json {json}): {:?}", String::from_utf8_lossy(&o.stderr));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(!stdout.contains('\r') && !stdout.contains("\x1b["), "no control characters in the output");
    }
}

/// Runs `bin args` with stdin, stdout and stderr on a pseudo-terminal; the transcript.
fn on_a_terminal(args: &[&str]) -> Option<String> {
    let script = Path::new("/usr/bin/script");
    if !script.exists() {
        return None;
    }
    let cmd = std::iter::once(bin()).chain(args.iter().copied()).map(|a| format!("'{a}'")).collect::<Vec<_>>().join(" ");
    let o = Command::new(script).args(["-q", "-e", "-c", &cmd, "/dev/null"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn bar_on_a_terminal_only_without_json() {
    let (checks, out) = setup("tty");
    let (c, o) = (checks.to_str().unwrap(), out.to_str().unwrap());
    let Some(text) = on_a_terminal(&["run", c, "--out", o]) else {
        println!("notice: /usr/bin/script not found; the terminal test of the progress bar is skipped");
        return;
    };
    assert!(text.contains("run [") && text.contains("] 1/1 "), "the bar is drawn: {text:?}");
    assert!(text.contains("\r\x1b[2K"), "and erased before the summary");
    assert!(text.contains("1 checks: 1 PASS"), "the summary follows");
    let json = on_a_terminal(&["run", c, "--out", o, "--json"]).unwrap();
    assert!(!json.contains("run [") && !json.contains("\x1b[2K"), "no bar with --json: {json:?}");
}
