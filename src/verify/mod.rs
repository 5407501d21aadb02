//! `verify`: an independent, small checker that re-checks the certificates in a
//! `report.json` written by `run`, in exact rational arithmetic.
//!
//! Independence: this module uses no arithmetic of the main engine — none of
//! `crate::interval`, `crate::poly`, `crate::eval`, `crate::taylor`, `crate::krawczyk` or any
//! other engine module; only `num-bigint`/`num-rational` (and their `num-integer`/`num-traits`
//! helpers) and `serde_json` to read the report. Its own pieces: exact decimal parsing and
//! rational intervals ([`num`]), a tiny expression parser with exact Taylor arithmetic over Q
//! ([`ast`]), polynomials over Q with Sturm sequences ([`upoly`]), and the per-kind re-checks
//! ([`kinds`]). A test enforces that no `crate::` path other than `crate::verify` appears here.
//!
//! Guarantee: an item reported as re-checked has had the listed facts proved again from the
//! report's own data with exact arithmetic; an item reported as failed names a fact of its
//! certificate that is false (or a verdict its certificate does not support). Anything the
//! checker cannot reach (transcendental losses, enclosure-only points, n-D orbits, the search
//! completeness of the engines) is reported as not re-checkable, never as verified.

pub mod ast;
pub mod kinds;
pub mod num;
pub mod upoly;

use serde_json::Value;

/// What became of one check of the report.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Re-checked; the text says what was proved.
    Rechecked(String),
    /// Beyond the checker's reach; the text says why.
    NotRecheckable(String),
    /// A fact of the certificate is false, or the verdict is not supported by it.
    Failed(String),
}

/// One check's result.
#[derive(Clone, Debug)]
pub struct Item {
    pub id: String,
    pub verdict: String,
    pub status: Status,
}

/// The outcome of verifying a report.
#[derive(Clone, Debug, Default)]
pub struct Verification {
    pub items: Vec<Item>,
    /// Checks whose verdict is neither PASS nor FAIL (nothing to re-check).
    pub other_verdicts: usize,
}

impl Verification {
    /// Number of re-checked items.
    pub fn rechecked(&self) -> usize {
        self.items.iter().filter(|i| matches!(i.status, Status::Rechecked(_))).count()
    }

    /// Number of items beyond the checker's reach.
    pub fn not_recheckable(&self) -> usize {
        self.items.iter().filter(|i| matches!(i.status, Status::NotRecheckable(_))).count()
    }

    /// The failed items, in report order.
    pub fn failed(&self) -> Vec<&Item> {
        self.items.iter().filter(|i| matches!(i.status, Status::Failed(_))).collect()
    }

    /// The one-line summary `re-checked N, not re-checkable M, failed K`.
    pub fn summary_line(&self) -> String {
        format!(
            "re-checked {}, not re-checkable {}, failed {} ({} check(s) without a PASS/FAIL verdict skipped)",
            self.rechecked(),
            self.not_recheckable(),
            self.failed().len(),
            self.other_verdicts
        )
    }
}

/// Verifies the text of a `report.json`. `Err` (one sentence) when the report is malformed:
/// not JSON, no `checks` array, or a check without a string `id` and `verdict`.
pub fn verify_text(text: &str) -> Result<Verification, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("the report is not valid JSON: {e}"))?;
    verify_value(&v)
}

/// Verifies a parsed report; as [`verify_text`].
pub fn verify_value(v: &Value) -> Result<Verification, String> {
    let checks = v.get("checks").and_then(Value::as_array).ok_or("the report has no 'checks' array")?;
    let mut out = Verification::default();
    for (i, c) in checks.iter().enumerate() {
        let id = c.get("id").and_then(Value::as_str).ok_or_else(|| format!("check #{} has no string 'id'", i + 1))?;
        let verdict = c.get("verdict").and_then(Value::as_str).ok_or_else(|| format!("check '{id}' has no string 'verdict'"))?;
        if !["PASS", "FAIL", "UNDECIDED", "CONSISTENT", "INCONSISTENT"].contains(&verdict) {
            return Err(format!("check '{id}' has an unknown verdict '{verdict}'"));
        }
        if verdict != "PASS" && verdict != "FAIL" {
            out.other_verdicts += 1;
            continue;
        }
        let status = kinds::recheck(c, verdict == "PASS");
        out.items.push(Item { id: id.to_string(), verdict: verdict.to_string(), status });
    }
    Ok(out)
}

impl Status {
    /// A short word for listings: `ok`, `not re-checkable by the independent checker`,
    /// `FAILED`.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Rechecked(_) => "ok",
            Status::NotRecheckable(_) => "not re-checkable by the independent checker",
            Status::Failed(_) => "FAILED",
        }
    }

    /// The explanation.
    pub fn text(&self) -> &str {
        match self {
            Status::Rechecked(s) | Status::NotRecheckable(s) | Status::Failed(s) => s,
        }
    }
}

/// One line per item: `id  VERDICT  status: explanation`.
pub fn listing(v: &Verification) -> String {
    v.items.iter().map(|i| format!("{}  {}  {}: {}\n", i.id, i.verdict, i.status.word(), i.status.text())).collect()
}

/// The verification as JSON: `{"rechecked", "not_recheckable", "failed", "items": [{"id",
/// "verdict", "status", "detail"}]}`.
pub fn to_json(v: &Verification) -> serde_json::Value {
    serde_json::json!({
        "rechecked": v.rechecked(),
        "not_recheckable": v.not_recheckable(),
        "failed": v.failed().len(),
        "other_verdicts": v.other_verdicts,
        "items": v.items.iter().map(|i| serde_json::json!({
            "id": i.id, "verdict": i.verdict, "status": i.status.word(), "detail": i.status.text()
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    /// The checker must not share arithmetic with the engine: no `crate::` path other than
    /// `crate::verify` in any file of this module.
    #[test]
    fn independent_of_the_engine() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/verify");
        let needle = ["crate", "::"].concat();
        let mut seen = 0;
        for e in std::fs::read_dir(&dir).expect("src/verify is readable") {
            let p = e.expect("entry").path();
            let text = std::fs::read_to_string(&p).expect("readable source");
            seen += 1;
            for (n, line) in text.lines().enumerate() {
                let mut rest = line;
                while let Some(i) = rest.find(&needle) {
                    let after = &rest[i + needle.len()..];
                    let quoted = line.trim_start().starts_with("//");
                    assert!(
                        quoted || after.starts_with("verify"),
                        "{}:{}: uses an engine module: {line}",
                        p.display(),
                        n + 1
                    );
                    rest = after;
                }
            }
            // Other ways out of the module: `super` from mod.rs (the crate root), `super` twice
            // from a child, or the crate's own name.
            let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
            let sup = ["super", "::"].concat();
            let is_root = p.file_name().is_some_and(|f| f == "mod.rs");
            assert!(!(is_root && code.contains(&sup)), "{}: reaches the crate root through super", p.display());
            assert!(!code.contains(&[sup.as_str(), "super"].concat()), "{}: reaches the crate root through super, twice", p.display());
            assert!(!code.contains(&["eoscert", "::"].concat()), "{}: names the crate", p.display());
        }
        assert!(seen >= 4);
    }

    #[test]
    fn malformed_reports() {
        use crate::verify::verify_text;
        assert!(verify_text("{\"checks\": [").is_err());
        assert!(verify_text("{}").is_err());
        assert!(verify_text("{\"checks\": [{\"verdict\": \"PASS\"}]}").is_err());
        let ok = verify_text("{\"checks\": [{\"id\": \"a\", \"verdict\": \"UNDECIDED\"}]}").unwrap();
        assert_eq!(ok.other_verdicts, 1);
    }
}
