//! The claim catalogue: check files (`checks/**/*.toml`, format in SPEC.md) and how each kind
//! of check is judged by the engines.
//!
//! Guarantee: the verdict of a check is always computed by an engine (`verbs::*`); the file's
//! `expected` is only compared with it, never copied into it.

use crate::eval::Num;
use crate::krawczyk::Budget;
use crate::verbs::{self, input, UserError};
use crate::verdict::Verdict;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One check file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    pub paper: String,
    pub claim: String,
    pub statement: String,
    pub kind: String,
    /// "pass", "fail" or "consistent": what the team has established.
    pub expected: String,
    #[serde(default)]
    pub note: Option<String>,
    // ---- inputs, by kind
    #[serde(default)]
    pub loss: Option<String>,
    #[serde(default)]
    pub params: Vec<String>,
    #[serde(default)]
    pub at: Option<String>,
    #[serde(default, rename = "in")]
    pub inside: Option<String>,
    #[serde(default)]
    pub base: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    /// For `conditions`: which verdict is the claim ("theorem1", "lemma1", "oscillation",
    /// "prop1"; default "oscillation").
    #[serde(default)]
    pub judge: Option<String>,
    #[serde(default)]
    pub lr: Option<String>,
    #[serde(default)]
    pub lr_range: Option<String>,
    /// For `orbit`: the claimed number of period-2 orbits in the interval.
    #[serde(default)]
    pub count: Option<usize>,
    /// For `orbit`: the claimed stability of every orbit.
    #[serde(default)]
    pub stable: Option<bool>,
    /// For `inequality`: the claim `'LHS OP RHS'`.
    #[serde(default)]
    pub inequality: Option<String>,
    /// For `inequality`: the box `NAME=A..B,...`.
    #[serde(default)]
    pub over: Option<String>,
    /// For `derivative`: the order and the claimed exact value.
    #[serde(default)]
    pub order: Option<usize>,
    #[serde(default)]
    pub value: Option<String>,
    /// For `prop2`: the inner and outer functions of x.
    #[serde(default)]
    pub p: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
    /// For `threshold`: the event (birth, superstable, period-doubling), the minimum it refers
    /// to, and the claim: `minpoly` (integer coefficients, lowest degree first) with `value`
    /// selecting its root, or `value` alone.
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default)]
    pub near: Option<String>,
    #[serde(default)]
    pub minpoly: Option<Vec<i64>>,
    #[serde(default)]
    pub prec: Option<u32>,
    #[serde(default)]
    pub timeout: Option<u64>,
}

/// The kinds of check the runner knows.
pub const KINDS: [&str; 7] = ["conditions", "orbit", "orbit-stable", "inequality", "derivative", "prop2", "threshold"];

/// The judged outcome of one check.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub id: String,
    pub paper: String,
    pub claim: String,
    pub statement: String,
    pub verdict: Verdict,
    pub expected: String,
    /// Whether the verdict matches `expected`.
    pub as_expected: bool,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The engine's full output: the data needed to re-check the verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<serde_json::Value>,
    pub file: String,
    pub seconds: f64,
}

/// Loads and validates a check file; errors name the file and the problem in one sentence.
pub fn load(path: &Path) -> Result<Check, UserError> {
    let text = std::fs::read_to_string(path).map_err(|e| UserError::new(format!("{}: cannot read: {e}", path.display())))?;
    let c: Check = toml::from_str(&text).map_err(|e| {
        UserError::new(format!("{}: {}", path.display(), e.message().lines().next().unwrap_or("invalid TOML")))
    })?;
    if !KINDS.contains(&c.kind.as_str()) {
        return Err(UserError::new(format!("{}: unknown kind '{}' (known: {})", path.display(), c.kind, KINDS.join(", "))));
    }
    if !["pass", "fail", "consistent", "inconsistent", "undecided"].contains(&c.expected.as_str()) {
        return Err(UserError::new(format!(
            "{}: expected must be \"pass\", \"fail\", \"consistent\", \"inconsistent\" or \"undecided\", not '{}'",
            path.display(),
            c.expected
        )));
    }
    Ok(c)
}

/// Every `*.toml` file under the given paths (files or directories), sorted.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, UserError> {
    let mut out = vec![];
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| UserError::new(format!("{}: cannot list: {e}", p.display())))?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(UserError::new(format!("{}: no such file or directory", p.display())));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
    Ok(())
}

fn need<'a>(v: &'a Option<String>, field: &str, kind: &str) -> Result<&'a str, UserError> {
    v.as_deref().ok_or_else(|| UserError::new(format!("a '{kind}' check needs the field '{field}'")))
}

fn expected_verdict(e: &str) -> Verdict {
    match e {
        "pass" => Verdict::Pass,
        "fail" => Verdict::Fail,
        "consistent" => Verdict::Consistent,
        "inconsistent" => Verdict::Inconsistent,
        _ => Verdict::Undecided,
    }
}

/// Judges one check with the engines. Errors in the check's inputs are returned as errors.
pub fn judge(c: &Check) -> Result<(Verdict, String, serde_json::Value), UserError> {
    let prec = c.prec.unwrap_or(128);
    let deadline = Instant::now() + Duration::from_secs(c.timeout.unwrap_or(60));
    let budget = Budget::new(200_000, -(prec as i32) / 2, Some(deadline));
    let json = |v: &dyn erased::Ser| v.to_json();
    match c.kind.as_str() {
        "conditions" => {
            let (loss, squared) = match (&c.loss, &c.base, &c.target) {
                (Some(l), None, None) => (input::parse_loss(l, &c.params, None)?, None),
                (None, Some(g), Some(y)) => {
                    let l = input::parse_loss(&format!("({g} - ({y}))^2"), &c.params, None)?;
                    let sq = verbs::conditions::recognise_squared(&l);
                    (l, sq)
                }
                _ => return Err(UserError::new("a 'conditions' check needs 'loss', or 'base' and 'target'")),
            };
            let place = match (&c.at, &c.inside) {
                (Some(a), None) => verbs::conditions::Where::At(input::parse_at(&loss, a, prec, "at")?.remove(0)),
                (None, Some(r)) => verbs::conditions::Where::In(input::parse_range(r, prec, "in")?),
                _ => return Err(UserError::new("a 'conditions' check needs exactly one of 'at' and 'in'")),
            };
            let out = verbs::conditions::run(&verbs::conditions::ConditionsRequest { loss, place, squared, prec, budget })?;
            let judge = c.judge.as_deref().unwrap_or("oscillation");
            let mut v = if out.complete { Verdict::Pass } else { Verdict::Undecided };
            let mut reasons = vec![];
            for (i, m) in out.minima.iter().enumerate() {
                let (mv, r) = match judge {
                    "theorem1" => (m.theorem1.verdict, m.theorem1.reason.clone()),
                    "lemma1" => (m.lemma1.verdict, m.lemma1.reason.clone()),
                    "oscillation" => (m.oscillation.verdict, m.oscillation.reason.clone()),
                    "prop1" => match &m.prop1 {
                        Some(p) => (p.verdict, p.reason.clone()),
                        None => (Verdict::Undecided, "not a squared loss".into()),
                    },
                    other => return Err(UserError::new(format!("unknown judge '{other}' (theorem1, lemma1, oscillation, prop1)"))),
                };
                v = v.and(mv);
                reasons.push(format!("minimum #{} at {}: {judge} {mv}: {r}", i + 1, m.point));
            }
            if !out.complete {
                reasons.push(format!("{} region(s) undecided", out.undecided.len()));
            }
            Ok((v, reasons.join("; "), json(&out)))
        }
        "orbit" => {
            let loss = input::parse_loss(need(&c.loss, "loss", "orbit")?, &c.params, None)?;
            let lr = input::parse_value(need(&c.lr, "lr", "orbit")?, prec, "lr")?;
            let domain = input::parse_range(need(&c.inside, "in", "orbit")?, prec, "in")?;
            let out = verbs::orbit::run(&verbs::orbit::OrbitRequest { loss, lr, domain, prec, budget })?;
            let mut v = Verdict::Pass;
            let mut reasons = vec![];
            if let Some(n) = c.count {
                let cv = if out.orbits.len() > n || (out.complete && out.orbits.len() != n) {
                    Verdict::Fail
                } else if out.orbits.len() == n && out.complete {
                    Verdict::Pass
                } else {
                    Verdict::Undecided
                };
                reasons.push(format!("claimed {n} orbit(s); certified {}{}", out.orbits.len(), if out.complete { " (complete)" } else { " (search incomplete)" }));
                v = v.and(cv);
            }
            if let Some(st) = c.stable {
                for (i, o) in out.orbits.iter().enumerate() {
                    let sv = match (o.stable, st) {
                        (Verdict::Pass, true) | (Verdict::Fail, false) => Verdict::Pass,
                        (Verdict::Pass, false) | (Verdict::Fail, true) => Verdict::Fail,
                        _ => Verdict::Undecided,
                    };
                    reasons.push(format!("orbit #{}: multiplier {}: claimed {}, {sv}", i + 1, o.multiplier, if st { "stable" } else { "unstable" }));
                    v = v.and(sv);
                }
                if out.orbits.is_empty() {
                    v = v.and(if out.complete { Verdict::Fail } else { Verdict::Undecided });
                    reasons.push("no orbit to be stable".into());
                }
            }
            Ok((v, reasons.join("; "), json(&out)))
        }
        "orbit-stable" => {
            let loss = input::parse_loss(need(&c.loss, "loss", "orbit-stable")?, &c.params, None)?;
            let lr = input::parse_range(need(&c.lr_range, "lr_range", "orbit-stable")?, prec, "lr_range")?;
            let domain = input::parse_range(need(&c.inside, "in", "orbit-stable")?, prec, "in")?;
            let out = verbs::prove::run(&verbs::prove::ProveRequest {
                claim: verbs::prove::Claim::OrbitStable { loss, lr, domain },
                prec,
                budget,
            })?;
            Ok((out.verdict, out.reason.clone(), json(&out)))
        }
        "inequality" => {
            let text = need(&c.inequality, "inequality", "inequality")?;
            let (lhs, op, rhs) = crate::prove::split_comparison(text)
                .ok_or_else(|| UserError::new("the inequality must be 'LHS OP RHS' with one of < <= > >="))?;
            let (names, over) = input::parse_named_box(need(&c.over, "over", "inequality")?, prec, "over")?;
            let vars = names.join(",");
            let l = input::parse_loss(&lhs, &c.params, Some(&vars))?;
            let r = input::parse_loss(&rhs, &c.params, Some(&vars))?;
            let diff = crate::prove::difference(l.expr, r.expr, names, text.to_string());
            let out = verbs::prove::run(&verbs::prove::ProveRequest {
                claim: verbs::prove::Claim::Inequality { diff, op, text: text.to_string(), over },
                prec,
                budget,
            })?;
            Ok((out.verdict, out.reason.clone(), json(&out)))
        }
        "derivative" => {
            let loss = input::parse_loss(need(&c.loss, "loss", "derivative")?, &c.params, None)?;
            let at = input::parse_at(&loss, need(&c.at, "at", "derivative")?, prec, "at")?;
            let k = c.order.ok_or_else(|| UserError::new("a 'derivative' check needs 'order'"))?;
            let claimed = input::parse_value(need(&c.value, "value", "derivative")?, prec, "value")?;
            let n = loss.vars.len();
            let dir = if n == 1 { None } else { return Err(UserError::new("a 'derivative' check needs a loss of one variable")) };
            let out = verbs::eval::run(&verbs::eval::EvalRequest { loss, at, order: k, dir, prec })?;
            let d = &out.derivatives.as_ref().expect("1-D")[k].value;
            let (v, r) = compare_claimed(d, &claimed, prec);
            Ok((v, format!("f^({k}) = {d}; claimed {}: {r}", crate::numfmt::NumJson::from_num(&claimed, prec)), json(&out)))
        }
        "prop2" => {
            let p = need(&c.p, "p", "prop2")?;
            let q = need(&c.q, "q", "prop2")?;
            let at = need(&c.at, "at", "prop2")?;
            let out = verbs::conditions::run_prop2(p, q, at, &c.params, prec)?;
            Ok((out.verdict, out.reason.clone(), json(&out)))
        }
        "threshold" => {
            let loss = input::parse_loss(need(&c.loss, "loss", "threshold")?, &c.params, None)?;
            let event = verbs::threshold::Event::from_name(need(&c.event, "event", "threshold")?)?;
            let near = match &c.near {
                Some(x) => Some(input::parse_value(x, prec, "near")?),
                None => None,
            };
            let lr_range = match &c.lr_range {
                Some(r) => Some(input::parse_range(r, prec, "lr_range")?),
                None => None,
            };
            let domain = input::parse_range(c.inside.as_deref().unwrap_or("-10..10"), prec, "in")?;
            let claimed = input::parse_value(need(&c.value, "value", "threshold")?, prec, "value")?;
            let out = verbs::threshold::run(&verbs::threshold::ThresholdRequest { loss, event, lr_range, near, domain, prec, budget })?;
            let (v, r) = judge_threshold(&out, c.minpoly.as_deref(), &claimed, prec);
            Ok((v, r, json(&out)))
        }
        other => Err(UserError::new(format!("unknown kind '{other}'"))),
    }
}

/// A claimed threshold against the certified one. PASS: the claim names the same number —
/// equal exact values, or the same minimal polynomial with the claimed approximate `value`
/// and the certified root both inside an interval holding exactly one root of it. FAIL: the
/// claimed value's enclosure is disjoint from the certified enclosure. UNDECIDED otherwise.
fn judge_threshold(out: &verbs::threshold::ThresholdOutput, minpoly: Option<&[i64]>, claimed: &Num, prec: u32) -> (Verdict, String) {
    use crate::poly::Poly;
    let parse = |s: &str| crate::parse::parse_number(s).ok();
    let (Some(lo), Some(hi)) = (parse(&out.lr.lo), parse(&out.lr.hi)) else {
        return (Verdict::Undecided, "the certified enclosure could not be read".into());
    };
    let enc = crate::interval::Interval::from_rationals(&lo, &hi, prec);
    let cv = claimed.to_interval(prec);
    let shown = crate::numfmt::NumJson::from_num(claimed, prec);
    if enc.intersect(&cv).is_none() {
        return (Verdict::Fail, format!("certified eta* in [{}, {}] excludes the claimed {shown}", out.lr.lo, out.lr.hi));
    }
    if let (Some(e), Num::Exact(q)) = (&out.lr.exact, claimed) {
        return if *e == crate::numfmt::rational_string(q) {
            (Verdict::Pass, format!("eta* = {e} exactly, as claimed"))
        } else {
            (Verdict::Fail, format!("eta* = {e} exactly, not {shown}"))
        };
    }
    if let (Some(claimed_mp), Some(got)) = (minpoly, &out.lr.minpoly) {
        let got: Vec<i64> = got.iter().filter_map(|v| v.as_i64()).collect();
        if got.as_slice() != claimed_mp {
            return (Verdict::Undecided, format!("minimal polynomial {got:?} differs from the claimed {claimed_mp:?}"));
        }
        // Both the claimed approximation and the certified root lie in [a, b], which holds
        // exactly one root of the polynomial: they name the same algebraic number.
        let p = Poly::from_ints(claimed_mp);
        let h = cv.hull(&enc);
        if let (Some(a), Some(b)) = (h.lo_rational(), h.hi_rational()) {
            if p.count_roots_closed(&a, &b) == Some(1) {
                return (
                    Verdict::Pass,
                    format!("eta* is the root of {claimed_mp:?} near {shown}{}", out.closed_form.as_ref().map(|c| format!(" = {c}")).unwrap_or_default()),
                );
            }
        }
        return (Verdict::Undecided, "the claimed approximation does not isolate one root of the minimal polynomial".into());
    }
    (Verdict::Undecided, format!("certified eta* in [{}, {}] is consistent with {shown}, but equality is not proved", out.lr.lo, out.lr.hi))
}

/// Equality of a computed value with a claimed one: PASS only when both are exact and equal;
/// FAIL when the enclosures are disjoint (or exact and different); UNDECIDED otherwise.
fn compare_claimed(d: &crate::numfmt::NumJson, claimed: &Num, _prec: u32) -> (Verdict, String) {
    match (&d.exact, claimed) {
        (Some(e), Num::Exact(q)) => {
            if *e == crate::numfmt::rational_string(q) {
                (Verdict::Pass, "equal, exactly".into())
            } else {
                (Verdict::Fail, "different exact values".into())
            }
        }
        (Some(e), Num::Pi(p)) => {
            if *e == p.to_string() {
                (Verdict::Pass, "equal, exactly".into())
            } else {
                (Verdict::Undecided, "not compared symbolically".into())
            }
        }
        _ => (Verdict::Undecided, "the computed value is only enclosed: equality cannot be proved".into()),
    }
}

/// Runs one check, timing it, and never panics out: input errors become UNDECIDED outcomes
/// with the error as the reason (the runner reports them as bad check files separately).
pub fn run_one(path: &Path, c: &Check) -> Outcome {
    let t0 = Instant::now();
    let (verdict, reason, certificate) = match judge(c) {
        Ok((v, r, j)) => (v, r, Some(j)),
        Err(e) => (Verdict::Undecided, format!("could not be judged: {e}"), None),
    };
    Outcome {
        id: c.id.clone(),
        paper: c.paper.clone(),
        claim: c.claim.clone(),
        statement: c.statement.clone(),
        verdict,
        expected: c.expected.clone(),
        as_expected: verdict == expected_verdict(&c.expected),
        reason,
        note: c.note.clone(),
        certificate,
        file: path.display().to_string(),
        seconds: t0.elapsed().as_secs_f64(),
    }
}

/// Type-erased JSON conversion of verb outputs.
mod erased {
    pub trait Ser {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}
