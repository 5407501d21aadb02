//! `run`: judges every check file under the given paths (in parallel), prints a summary
//! table, and writes the reports.

use super::UserError;
use crate::catalogue::{self, Check, Outcome};
use crate::report::{self, Report, Summary};
use crate::verdict::Verdict;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Loads every check file first: a malformed file is bad input (exit 2) and nothing is run
/// or written.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Check)>, UserError> {
    let files = catalogue::discover(paths)?;
    if files.is_empty() {
        return Err(UserError::new("no check files (*.toml) found under the given paths"));
    }
    let mut out = Vec::with_capacity(files.len());
    let mut ids = std::collections::HashSet::new();
    for f in files {
        let c = catalogue::load(&f)?;
        if !ids.insert(c.id.clone()) {
            return Err(UserError::new(format!("{}: the id '{}' is used by another check file", f.display(), c.id)));
        }
        out.push((f, c));
    }
    Ok(out)
}

/// Judges the checks with `threads` workers; `progress` is called after each check.
pub fn judge_all(checks: &[(PathBuf, Check)], threads: usize, progress: &(dyn Fn(usize, usize, &Outcome) + Sync)) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; checks.len()]);
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= checks.len() {
                    break;
                }
                let (path, c) = &checks[i];
                let o = catalogue::run_one(path, c);
                let d = done.fetch_add(1, Ordering::SeqCst) + 1;
                progress(d, checks.len(), &o);
                results.lock().expect("no poisoned lock")[i] = Some(o);
            });
        }
    });
    results.into_inner().expect("no poisoned lock").into_iter().map(|o| o.expect("every check judged")).collect()
}

/// The exit verdict of a run (SPEC.md): FAIL if some verdict disagrees with its expectation
/// by failing (or passing where failure was established); UNDECIDED if some check is
/// undecided against its expectation and none failed; PASS otherwise.
pub fn exit_verdict(outcomes: &[Outcome]) -> Verdict {
    let mut v = Verdict::Pass;
    for o in outcomes.iter().filter(|o| !o.as_expected) {
        match o.verdict {
            Verdict::Undecided => {
                if v == Verdict::Pass {
                    v = Verdict::Undecided
                }
            }
            _ => v = Verdict::Fail,
        }
    }
    v
}

/// The summary table printed by `run`.
pub fn table(outcomes: &[Outcome]) -> String {
    let w = outcomes.iter().map(|o| o.id.len()).max().unwrap_or(5).clamp(5, 60);
    let mut s = format!("{:<w$}  {:<10} {:<12} {:>8}\n", "claim", "verdict", "expected", "seconds");
    for o in outcomes {
        let flag = if o.as_expected { "" } else { "  <-- unexpected" };
        s.push_str(&format!("{:<w$}  {:<10} {:<12} {:>8.3}{flag}\n", o.id, o.verdict.as_str(), o.expected, o.seconds));
    }
    s
}

/// Runs the catalogue and writes the reports to `out_dir`.
pub fn run(paths: &[PathBuf], out_dir: &Path, threads: usize, progress: &(dyn Fn(usize, usize, &Outcome) + Sync)) -> Result<Report, UserError> {
    let checks = load_all(paths)?;
    let t0 = Instant::now();
    let outcomes = judge_all(&checks, threads, progress);
    let summary = Summary::of(&outcomes, t0.elapsed().as_secs_f64());
    let r = Report { tool: format!("eoscert {}", env!("CARGO_PKG_VERSION")), checks: outcomes, summary };
    report::write(out_dir, &r).map_err(|e| UserError::new(format!("cannot write the reports to {}: {e}", out_dir.display())))?;
    Ok(r)
}
