//! Reports written by `run`: `report.json` (SPEC.md), `report.md` and `report.html`
//! ([`html`]).
//!
//! Guarantee: reports are written atomically — each file is written to a temporary file in
//! the same directory and renamed into place, so a reader (or a failed run) never sees a
//! half-written report. Each check of `report.json` carries, besides the SPEC fields, the
//! inputs of its check file under `check` (kind, loss, parameters, claimed values), so that
//! `verify` can re-check the certificate against the claim from the report alone.

pub mod figures;
pub mod html;
pub mod illustrate;
pub mod svg;

use crate::catalogue::Outcome;
use crate::verdict::Verdict;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Counts of verdicts and of agreement with expectations.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub undecided: usize,
    pub consistent: usize,
    pub inconsistent: usize,
    pub as_expected: usize,
    pub unexpected: usize,
    pub seconds: f64,
}

impl Summary {
    pub fn of(outcomes: &[Outcome], seconds: f64) -> Summary {
        let mut s = Summary { total: outcomes.len(), seconds, ..Default::default() };
        for o in outcomes {
            match o.verdict {
                Verdict::Pass => s.pass += 1,
                Verdict::Fail => s.fail += 1,
                Verdict::Undecided => s.undecided += 1,
                Verdict::Consistent => s.consistent += 1,
                Verdict::Inconsistent => s.inconsistent += 1,
            }
            if o.as_expected {
                s.as_expected += 1;
            } else {
                s.unexpected += 1;
            }
        }
        s
    }
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub tool: String,
    pub checks: Vec<Outcome>,
    pub summary: Summary,
}

/// Writes `bytes` to `dir/name` atomically (temporary file + rename).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{name}.tmp.{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, dir.join(name)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown report: per paper, per claim, the verdict, the expectation and the reason.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    out.push_str("# eoscert report\n\n");
    let s = &r.summary;
    out.push_str(&format!(
        "{} checks: {} PASS, {} FAIL, {} UNDECIDED, {} CONSISTENT, {} INCONSISTENT; {} as expected, {} unexpected; {:.1} s.\n\n",
        s.total, s.pass, s.fail, s.undecided, s.consistent, s.inconsistent, s.as_expected, s.unexpected, s.seconds
    ));
    let mut papers: Vec<&str> = r.checks.iter().map(|c| c.paper.as_str()).collect();
    papers.sort();
    papers.dedup();
    for p in papers {
        out.push_str(&format!("## {p}\n\n| claim | verdict | expected | seconds | reason |\n|---|---|---|---|---|\n"));
        for c in r.checks.iter().filter(|c| c.paper == p) {
            let mark = if c.as_expected { "" } else { " (unexpected)" };
            out.push_str(&format!(
                "| {} ({}) | {}{mark} | {} | {:.3} | {} |\n",
                md_escape(&c.claim),
                md_escape(&c.id),
                c.verdict,
                c.expected,
                c.seconds,
                md_escape(&c.reason)
            ));
        }
        out.push('\n');
        for c in r.checks.iter().filter(|c| c.paper == p) {
            out.push_str(&format!("### {} — {}\n\n> {}\n\n", md_escape(&c.claim), c.id, md_escape(&c.statement)));
            out.push_str(&format!("**{}** (expected {}). {}\n\n", c.verdict, c.expected, md_escape(&c.reason)));
            if let Some(n) = &c.note {
                out.push_str(&format!("Note: {}\n\n", md_escape(n)));
            }
        }
    }
    out
}

/// The JSON of the report; each check carries the inputs of its check file under `check`.
pub fn json(r: &Report) -> serde_json::Value {
    serde_json::to_value(r).unwrap_or(serde_json::Value::Null)
}

/// Writes `report.json`, `report.md` and `report.html` into `dir`, each atomically; all three
/// are rendered before the first is written. The HTML shows, per check, what the independent
/// checker ([`crate::verify`]) makes of the JSON being written.
pub fn write(dir: &Path, r: &Report) -> std::io::Result<()> {
    let value = json(r);
    let json = serde_json::to_vec_pretty(&value).map_err(std::io::Error::other)?;
    let md = markdown(r);
    let page = html::render(&value, crate::verify::verify_value(&value).ok().as_ref());
    write_atomic(dir, "report.json", &json)?;
    write_atomic(dir, "report.md", md.as_bytes())?;
    write_atomic(dir, "report.html", page.as_bytes())
}
