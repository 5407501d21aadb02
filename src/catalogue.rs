//! The claim catalogue: check files (`checks/**/*.toml`, format in SPEC.md) and how each kind
//! of check is judged by the engines.
//!
//! Guarantee: the verdict of a check is always computed by an engine (`verbs::*`); the file's
//! `expected` is only compared with it, never copied into it.

use crate::eval::Num;
use crate::expr::Loss;
use crate::interval::Interval;
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
    /// The box budget of a search (default 200000).
    #[serde(default)]
    pub max_boxes: Option<usize>,
    /// For `simulate`: the start (`x=V[,y=W]`), the number of GD steps, and the claimed outcome
    /// (converged, periodic, quasi-periodic, chaotic, diverged) and/or period.
    #[serde(default)]
    pub init: Option<String>,
    #[serde(default)]
    pub steps: Option<usize>,
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub period: Option<usize>,
    /// For `mf-theorem6`: the minimiser's factors (`Y Z^T = C`) and optionally `C`; for
    /// `mf-orbit`: the diagonal target `diag:s1,...` and the scale `alpha` of Observation 2.
    #[serde(default)]
    pub y: Option<String>,
    #[serde(default)]
    pub z: Option<String>,
    #[serde(default)]
    pub c: Option<String>,
    #[serde(default)]
    pub alpha: Option<String>,
    /// For `manifold` and `lemma2`: the claimed truth (the point is in Damian et al.'s M;
    /// Lemma 2's condition holds at the start).
    #[serde(default)]
    pub holds: Option<bool>,
    /// For `manifold-curve`: the curve, `x=EXPR,y=EXPR` in the parameter named by `over`.
    #[serde(default)]
    pub curve: Option<String>,
    /// For `simulate` of a built-in preset (instead of `loss`): the preset's name (as
    /// `simulate --experiment`), whether to run its reduced size (default true), its seed
    /// (default 0), the key of the measured number judged, and the claim about it: `at_most`
    /// and/or `at_least` (numbers; every entry of a measured list must satisfy them) or
    /// `equals` (a string, boolean or number).
    #[serde(default)]
    pub experiment: Option<String>,
    #[serde(default)]
    pub quick: Option<bool>,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub measure: Option<String>,
    #[serde(default)]
    pub at_most: Option<String>,
    #[serde(default)]
    pub at_least: Option<String>,
    #[serde(default)]
    pub equals: Option<String>,
}

/// The kinds of check the runner knows.
pub const KINDS: [&str; 15] = [
    "conditions", "orbit", "orbit-stable", "inequality", "derivative", "prop2", "threshold", "simulate", "mf-theorem6", "mf-orbit", "manifold", "manifold-curve", "lemma2", "neuron-decay", "spectrum",
];

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
    /// The check file's inputs (kind, loss, parameters, claimed values), so that `verify` can
    /// re-check the certificate against the claim from the report alone.
    pub check: Check,
}

/// Loads and validates a check file (see [`parse_check`]); errors name the file and the
/// problem in one sentence.
pub fn load(path: &Path) -> Result<Check, UserError> {
    let text = std::fs::read_to_string(path).map_err(|e| UserError::new(format!("{}: cannot read: {e}", path.display())))?;
    parse_check(&text).map_err(|e| UserError::new(format!("{}: {e}", path.display())))
}

/// Parses and validates the text of a check file without running any engine: the TOML, the
/// kind, `expected`, that every field the kind needs is present and no field it does not use
/// is set, and that every expression, number and range in it parses ([`prepare`]). A check
/// that passes this can only fail to be judged for reasons of mathematics, not of input.
pub fn parse_check(text: &str) -> Result<Check, UserError> {
    let c: Check = toml::from_str(text).map_err(|e| UserError::new(toml_error(text, &e)))?;
    let Some(allowed) = fields_of(&c.kind) else {
        return Err(UserError::new(format!("unknown kind '{}' (known: {})", c.kind, KINDS.join(", "))));
    };
    if !["pass", "fail", "consistent", "inconsistent", "undecided"].contains(&c.expected.as_str()) {
        return Err(UserError::new(format!(
            "expected must be \"pass\", \"fail\", \"consistent\", \"inconsistent\" or \"undecided\", not '{}'",
            c.expected
        )));
    }
    if let Some(field) = set_fields(&c).into_iter().find(|f| !COMMON_FIELDS.contains(&f.as_str()) && !allowed.contains(&f.as_str())) {
        return Err(UserError::new(format!("the field '{field}' is not used by a '{}' check (it uses: {})", c.kind, allowed.join(", "))));
    }
    if c.prec.is_some() {
        input::check_prec(c.prec.unwrap_or(128))?;
    }
    prepare(&c)?;
    Ok(c)
}

/// A TOML error as one sentence naming the line and quoting it (so that a mistyped field is
/// named: "line 6 (`count = \"one\"`): invalid type: string, expected usize").
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let what = e.message().lines().next().unwrap_or("invalid TOML");
    let Some(span) = e.span() else { return what.to_string() };
    let start = span.start.min(text.len());
    let line_no = text.get(..start).unwrap_or("").matches('\n').count() + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or("").trim();
    let line: String = line.chars().take(60).collect();
    format!("line {line_no} (`{line}`): {what}")
}

/// Fields every check may set.
const COMMON_FIELDS: [&str; 10] = ["id", "paper", "claim", "statement", "kind", "expected", "note", "prec", "timeout", "max_boxes"];

/// The input fields each kind uses (beyond [`COMMON_FIELDS`]); `None` for an unknown kind.
fn fields_of(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "conditions" => &["loss", "params", "at", "in", "base", "target", "judge"],
        "orbit" => &["loss", "params", "lr", "in", "count", "stable"],
        "orbit-stable" => &["loss", "params", "lr_range", "in"],
        "inequality" => &["inequality", "over", "params"],
        "derivative" => &["loss", "params", "at", "order", "value"],
        "prop2" => &["p", "q", "at", "params"],
        "threshold" => &["loss", "params", "event", "near", "lr_range", "in", "value", "minpoly"],
        "simulate" => &[
            "loss", "params", "lr", "init", "steps", "outcome", "period", "experiment", "quick", "seed", "measure", "at_most", "at_least", "equals",
        ],
        "mf-theorem6" => &["y", "z", "c", "judge"],
        "mf-orbit" => &["c", "lr", "alpha", "stable", "judge"],
        "manifold" => &["loss", "params", "at", "lr", "holds"],
        "manifold-curve" => &["loss", "params", "lr", "curve", "over", "inequality"],
        "lemma2" => &["params", "at", "lr", "steps", "holds"],
        "neuron-decay" => &["params", "lr", "steps"],
        "spectrum" => &["loss", "params", "at", "value"],
        _ => return None,
    })
}

/// The names of the fields a check file sets (as spelled in the file).
fn set_fields(c: &Check) -> Vec<String> {
    let v = serde_json::to_value(c).unwrap_or(serde_json::Value::Null);
    let Some(m) = v.as_object() else { return vec![] };
    m.iter()
        .filter(|(_, x)| !x.is_null() && !x.as_array().is_some_and(|a| a.is_empty()))
        .map(|(k, _)| k.clone())
        .collect()
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

pub(crate) fn need<'a>(v: &'a Option<String>, field: &str, kind: &str) -> Result<&'a str, UserError> {
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

/// Which verdict of `conditions` a check judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judge {
    Theorem1,
    Lemma1,
    Oscillation,
    Prop1,
}

impl Judge {
    fn from_name(s: &str) -> Result<Judge, UserError> {
        Ok(match s {
            "theorem1" => Judge::Theorem1,
            "lemma1" => Judge::Lemma1,
            "oscillation" => Judge::Oscillation,
            "prop1" => Judge::Prop1,
            other => return Err(UserError::new(format!("unknown judge '{other}' (theorem1, lemma1, oscillation, prop1)"))),
        })
    }

    fn name(self) -> &'static str {
        match self {
            Judge::Theorem1 => "theorem1",
            Judge::Lemma1 => "lemma1",
            Judge::Oscillation => "oscillation",
            Judge::Prop1 => "prop1",
        }
    }
}

/// A check's inputs, parsed and validated; no engine has run yet.
#[derive(Clone, Debug)]
pub enum Task {
    Conditions { loss: Loss, squared: Option<verbs::conditions::Squared>, place: verbs::conditions::Where, judge: Judge },
    Orbit { loss: Loss, lr: Num, domain: Vec<Interval>, count: Option<usize>, stable: Option<bool> },
    OrbitStable { loss: Loss, lr: Interval, domain: Interval },
    Inequality { diff: Loss, op: crate::prove::Op, text: String, over: Vec<crate::prove::BoxRange> },
    Derivative { loss: Loss, at: Vec<Num>, order: usize, claimed: Num },
    Prop2 { p: String, q: String, at: String, params: Vec<String> },
    /// Damian et al.'s manifold (points, curves) and Chen & Bruna's Lemma 2.
    Manifold(crate::manifold::check::ManifoldTask),
    /// A measured number of a built-in experiment preset against a claimed bound or value:
    /// CONSISTENT or INCONSISTENT, never PASS.
    Experiment { name: String, quick: bool, seed: u64, measure: String, at_most: Option<f64>, at_least: Option<f64>, equals: Option<String> },
    /// A floating-point experiment: CONSISTENT or INCONSISTENT, never PASS.
    Simulate { request: verbs::simulate::SimulateRequest, outcome: Option<String>, period: Option<usize> },
    /// Matrix factorisation: Theorem 6 at a minimiser, Observations 1-2 orbits.
    Mf(crate::mf::check::MfTask),
    Threshold {
        loss: Loss,
        event: verbs::threshold::Event,
        near: Option<Num>,
        lr_range: Option<Interval>,
        domain: Interval,
        claimed: Num,
        minpoly: Option<Vec<i64>>,
    },
}

/// Parses every input of a check for its kind. Errors are input errors, one sentence each.
pub fn prepare(c: &Check) -> Result<Task, UserError> {
    let prec = c.prec.unwrap_or(128);
    let kind = c.kind.as_str();
    let loss = |field: &Option<String>| -> Result<Loss, UserError> { input::parse_loss(need(field, "loss", kind)?, &c.params, None) };
    Ok(match kind {
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
            if loss.vars.len() > 1 {
                return Err(UserError::new(format!("a 'conditions' check needs a loss of one variable, not of {}", loss.vars.join(", "))));
            }
            let place = match (&c.at, &c.inside) {
                (Some(a), None) => verbs::conditions::Where::At(input::parse_at(&loss, a, prec, "at")?.remove(0)),
                (None, Some(r)) => verbs::conditions::Where::In(input::parse_range(r, prec, "in")?),
                _ => return Err(UserError::new("a 'conditions' check needs exactly one of 'at' and 'in'")),
            };
            Task::Conditions { loss, squared, place, judge: Judge::from_name(c.judge.as_deref().unwrap_or("oscillation"))? }
        }
        "orbit" if c.count.is_none() && c.stable.is_none() => {
            return Err(UserError::new("an 'orbit' check needs 'count' or 'stable' (what is claimed)"));
        }
        "orbit" => {
            let loss = loss(&c.loss)?;
            Task::Orbit {
                lr: input::parse_value(need(&c.lr, "lr", kind)?, prec, "lr")?,
                domain: input::parse_box_for(&loss, need(&c.inside, "in", kind)?, prec, "in")?,
                loss,
                count: c.count,
                stable: c.stable,
            }
        }
        "orbit-stable" => Task::OrbitStable {
            loss: loss(&c.loss)?,
            lr: input::parse_range(need(&c.lr_range, "lr_range", kind)?, prec, "lr_range")?,
            domain: input::parse_range(need(&c.inside, "in", kind)?, prec, "in")?,
        },
        "inequality" => {
            let text = need(&c.inequality, "inequality", kind)?;
            let (lhs, op, rhs) = crate::prove::split_comparison(text)
                .ok_or_else(|| UserError::new("the inequality must be 'LHS OP RHS' with one of < <= > >="))?;
            let (names, over) = input::parse_named_box(need(&c.over, "over", kind)?, prec, "over")?;
            let vars = names.join(",");
            let l = input::parse_loss(&lhs, &c.params, Some(&vars))?;
            let r = input::parse_loss(&rhs, &c.params, Some(&vars))?;
            let diff = crate::prove::difference(l.expr, r.expr, names, text.to_string());
            Task::Inequality { diff, op, text: text.to_string(), over }
        }
        "derivative" => {
            let loss = loss(&c.loss)?;
            if loss.vars.len() != 1 {
                return Err(UserError::new("a 'derivative' check needs a loss of one variable"));
            }
            let at = input::parse_at(&loss, need(&c.at, "at", kind)?, prec, "at")?;
            let order = c.order.ok_or_else(|| UserError::new("a 'derivative' check needs 'order'"))?;
            if order > crate::verbs::eval::MAX_ORDER {
                return Err(UserError::new(format!("'order' is at most {}", crate::verbs::eval::MAX_ORDER)));
            }
            let claimed = input::parse_value(need(&c.value, "value", kind)?, prec, "value")?;
            Task::Derivative { loss, at, order, claimed }
        }
        "prop2" => {
            let (p, q, at) = (need(&c.p, "p", kind)?, need(&c.q, "q", kind)?, need(&c.at, "at", kind)?);
            input::parse_loss(p, &c.params, None)?;
            input::parse_loss(q, &c.params, None)?;
            Task::Prop2 { p: p.to_string(), q: q.to_string(), at: at.to_string(), params: c.params.clone() }
        }
        "threshold" => Task::Threshold {
            loss: loss(&c.loss)?,
            event: verbs::threshold::Event::from_name(need(&c.event, "event", kind)?)?,
            near: c.near.as_deref().map(|x| input::parse_value(x, prec, "near")).transpose()?,
            lr_range: c.lr_range.as_deref().map(|r| input::parse_range(r, prec, "lr_range")).transpose()?,
            domain: input::parse_range(c.inside.as_deref().unwrap_or("-10..10"), prec, "in")?,
            claimed: input::parse_value(need(&c.value, "value", kind)?, prec, "value")?,
            minpoly: c.minpoly.clone(),
        },
        "simulate" if c.experiment.is_some() => {
            let name = c.experiment.clone().unwrap_or_default();
            if !crate::simulate::experiments::exists(&name) {
                return Err(UserError::new(format!("experiment '{name}' is not a preset of simulate --experiment")));
            }
            if let Some(f) = [("loss", c.loss.is_some()), ("lr", c.lr.is_some()), ("init", c.init.is_some()), ("steps", c.steps.is_some()), ("outcome", c.outcome.is_some()), ("period", c.period.is_some())]
                .iter()
                .find(|f| f.1)
            {
                return Err(UserError::new(format!("a 'simulate' check of an experiment preset does not use '{}'", f.0)));
            }
            let measure = need(&c.measure, "measure", kind)?.to_string();
            let bound = |v: &Option<String>, field: &str| -> Result<Option<f64>, UserError> {
                v.as_deref().map(|x| Ok(verbs::simulate::num_f64(&input::parse_value(x, prec, field)?, prec))).transpose()
            };
            let (at_most, at_least) = (bound(&c.at_most, "at_most")?, bound(&c.at_least, "at_least")?);
            if at_most.is_none() && at_least.is_none() && c.equals.is_none() {
                return Err(UserError::new("a 'simulate' check of an experiment needs 'at_most', 'at_least' or 'equals' (what is claimed)"));
            }
            Task::Experiment { name, quick: c.quick.unwrap_or(true), seed: c.seed.unwrap_or(0), measure, at_most, at_least, equals: c.equals.clone() }
        }
        "simulate" if [c.quick.is_some(), c.seed.is_some(), c.measure.is_some(), c.at_most.is_some(), c.at_least.is_some(), c.equals.is_some()].contains(&true) => {
            return Err(UserError::new("the fields quick, seed, measure, at_most, at_least and equals go with 'experiment'"));
        }
        "simulate" => {
            const OUTCOMES: [&str; 5] = ["converged", "periodic", "quasi-periodic", "chaotic", "diverged"];
            if let Some(o) = c.outcome.as_deref().filter(|o| !OUTCOMES.contains(o)) {
                return Err(UserError::new(format!("outcome '{o}' is not one of {}", OUTCOMES.join(", "))));
            }
            if c.outcome.is_none() && c.period.is_none() {
                return Err(UserError::new("a 'simulate' check needs 'outcome' or 'period' (what is claimed)"));
            }
            let args = verbs::simulate::SimulateArgs {
                loss: Some(need(&c.loss, "loss", kind)?.to_string()),
                params: c.params.clone(),
                lr: Some(need(&c.lr, "lr", kind)?.to_string()),
                init: Some(need(&c.init, "init", kind)?.to_string()),
                steps: c.steps.unwrap_or(verbs::simulate::defaults::STEPS),
                prec,
                ..Default::default()
            };
            match verbs::simulate::plan(&args, Budget::new(1, -64, None))? {
                verbs::simulate::Plan::Simulate(request) => Task::Simulate { request, outcome: c.outcome.clone(), period: c.period },
                _ => return Err(UserError::new("a 'simulate' check runs one simulation")),
            }
        }
        "mf-theorem6" | "mf-orbit" => Task::Mf(crate::mf::check::prepare(c)?),
        "manifold" | "manifold-curve" | "lemma2" | "neuron-decay" | "spectrum" => Task::Manifold(crate::manifold::check::prepare(c)?),
        other => return Err(UserError::new(format!("unknown kind '{other}'"))),
    })
}

/// Judges one check with the engines. Errors in the check's inputs are returned as errors.
pub fn judge(c: &Check) -> Result<(Verdict, String, serde_json::Value), UserError> {
    let task = prepare(c)?;
    let prec = c.prec.unwrap_or(128);
    let deadline = Instant::now() + Duration::from_secs(c.timeout.unwrap_or(60));
    let budget = Budget::new(c.max_boxes.unwrap_or(200_000), -(prec as i32) / 2, Some(deadline));
    execute(task, prec, budget)
}

/// Runs the engine a prepared check needs and turns its output into a verdict.
pub fn execute(task: Task, prec: u32, budget: Budget) -> Result<(Verdict, String, serde_json::Value), UserError> {
    match task {
        Task::Conditions { loss, squared, place, judge } => {
            let out = verbs::conditions::run(&verbs::conditions::ConditionsRequest { loss, place, squared, prec, budget })?;
            let mut v = if out.complete { Verdict::Pass } else { Verdict::Undecided };
            let mut reasons = vec![];
            for (i, m) in out.minima.iter().enumerate() {
                let (mv, r) = match judge {
                    Judge::Theorem1 => (m.theorem1.verdict, m.theorem1.reason.clone()),
                    Judge::Lemma1 => (m.lemma1.verdict, m.lemma1.reason.clone()),
                    Judge::Oscillation => (m.oscillation.verdict, m.oscillation.reason.clone()),
                    Judge::Prop1 => match &m.prop1 {
                        Some(p) => (p.verdict, p.reason.clone()),
                        None => (Verdict::Undecided, "not a squared loss".into()),
                    },
                };
                v = v.and(mv);
                reasons.push(format!("minimum #{} at {}: {} {mv}: {r}", i + 1, m.point, judge.name()));
            }
            if out.minima.is_empty() {
                v = v.and(Verdict::Undecided);
                reasons.push("no certified minimum to judge".into());
            }
            if !out.complete {
                reasons.push(format!("{} region(s) undecided", out.undecided.len()));
            }
            Ok((v, reasons.join("; "), json(&out)))
        }
        Task::Orbit { loss, lr, domain, count, stable } => {
            let out = verbs::orbit::run(&verbs::orbit::OrbitRequest { loss, lr, domain, prec, budget })?;
            let mut v = Verdict::Pass;
            let mut reasons = vec![];
            if let Some(n) = count {
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
            if let Some(st) = stable {
                for (i, o) in out.orbits.iter().enumerate() {
                    let sv = match (o.stable, st) {
                        (Verdict::Pass, true) | (Verdict::Fail, false) => Verdict::Pass,
                        (Verdict::Pass, false) | (Verdict::Fail, true) => Verdict::Fail,
                        _ => Verdict::Undecided,
                    };
                    let what = match (&o.multiplier, &o.eigenvalues) {
                        (Some(m), _) => format!("multiplier {m}"),
                        (None, Some(ev)) => format!("eigenvalues {}", ev.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ")),
                        (None, None) => "no eigenvalue enclosure".into(),
                    };
                    reasons.push(format!("orbit #{}: {what}: claimed {}, {sv}", i + 1, if st { "stable" } else { "unstable" }));
                    v = v.and(sv);
                }
                if out.orbits.is_empty() {
                    v = v.and(if out.complete { Verdict::Fail } else { Verdict::Undecided });
                    reasons.push("no orbit to be stable".into());
                }
            }
            Ok((v, reasons.join("; "), json(&out)))
        }
        Task::OrbitStable { loss, lr, domain } => {
            let out = verbs::prove::run(&verbs::prove::ProveRequest { claim: verbs::prove::Claim::OrbitStable { loss, lr, domain }, prec, budget })?;
            Ok((out.verdict, out.reason.clone(), json(&out)))
        }
        Task::Inequality { diff, op, text, over } => {
            let out = verbs::prove::run(&verbs::prove::ProveRequest { claim: verbs::prove::Claim::Inequality { diff, op, text, over }, prec, budget })?;
            Ok((out.verdict, out.reason.clone(), json(&out)))
        }
        Task::Derivative { loss, at, order, claimed } => {
            let out = verbs::eval::run(&verbs::eval::EvalRequest { loss, at, order, dir: None, prec })?;
            let Some(d) = out.derivatives.as_ref().and_then(|ds| ds.get(order)).map(|d| d.value.clone()) else {
                return Err(UserError::new(format!("the derivative of order {order} was not computed")));
            };
            let (v, r) = compare_claimed(&d, &claimed, prec);
            Ok((v, format!("f^({order}) = {d}; claimed {}: {r}", crate::numfmt::NumJson::from_num(&claimed, prec)), json(&out)))
        }
        Task::Manifold(t) => crate::manifold::check::execute(t, prec),
        Task::Prop2 { p, q, at, params } => {
            let out = verbs::conditions::run_prop2(&p, &q, &at, &params, prec)?;
            Ok((out.verdict, out.reason.clone(), json(&out)))
        }
        Task::Experiment { name, quick, seed, measure, at_most, at_least, equals } => {
            let e = crate::simulate::experiments::run_cached(&name, quick, seed).map_err(UserError::new)?;
            let Some(got) = e.get(&measure) else {
                return Err(UserError::new(format!("the experiment {name} has no measure '{measure}'")));
            };
            let (ok, reason) = judge_measure(got, at_most, at_least, equals.as_deref());
            let size = if quick { "--quick" } else { "full size" };
            let v = if ok { Verdict::Consistent } else { Verdict::Inconsistent };
            Ok((v, format!("simulated (f64) experiment {name} ({size}, seed {seed}): {measure} = {got}; {reason}"), json(&*e)))
        }
        Task::Simulate { request, outcome, period } => {
            let out = verbs::simulate::run(&request)?;
            let got = out.report.class.outcome.name();
            let mut ok = true;
            let mut reasons = vec![format!("simulated (f64): {got}{}", out.report.class.period.map(|p| format!(", period {p}")).unwrap_or_default())];
            if let Some(o) = &outcome {
                ok &= o == got;
                reasons.push(format!("claimed outcome {o}"));
            }
            if let Some(p) = period {
                ok &= out.report.class.period == Some(p);
                reasons.push(format!("claimed period {p}"));
            }
            let v = if ok { Verdict::Consistent } else { Verdict::Inconsistent };
            Ok((v, reasons.join("; "), json(&out)))
        }
        Task::Mf(t) => crate::mf::check::execute(t, prec, budget),
        Task::Threshold { loss, event, near, lr_range, domain, claimed, minpoly } => {
            let out = verbs::threshold::run(&verbs::threshold::ThresholdRequest { loss, event, lr_range, near, domain, prec, budget })?;
            let (v, r) = judge_threshold(&out, minpoly.as_deref(), &claimed, prec);
            Ok((v, r, json(&out)))
        }
    }
}

/// Whether a measured value satisfies the claim: every number in it (a number, or a list's
/// numeric entries) is `<= at_most` and `>= at_least`; `equals` compares strings and booleans
/// by their text and numbers by value. A missing value (`null`) satisfies nothing.
fn judge_measure(got: &serde_json::Value, at_most: Option<f64>, at_least: Option<f64>, equals: Option<&str>) -> (bool, String) {
    use serde_json::Value;
    let nums: Vec<f64> = match got {
        Value::Number(n) => n.as_f64().into_iter().collect(),
        Value::Array(a) => a.iter().filter_map(Value::as_f64).collect(),
        _ => vec![],
    };
    let mut ok = true;
    let mut why = vec![];
    if at_most.is_some() || at_least.is_some() {
        ok &= !nums.is_empty() && nums.iter().all(|x| x.is_finite());
        if let Some(hi) = at_most {
            ok &= nums.iter().all(|&x| x <= hi);
            why.push(format!("claimed at most {hi}"));
        }
        if let Some(lo) = at_least {
            ok &= nums.iter().all(|&x| x >= lo);
            why.push(format!("claimed at least {lo}"));
        }
    }
    if let Some(want) = equals {
        ok &= match got {
            Value::String(s) => s == want,
            Value::Bool(b) => b.to_string() == want,
            Value::Number(n) => want.parse::<f64>().ok() == n.as_f64(),
            _ => false,
        };
        why.push(format!("claimed equal to {want}"));
    }
    (ok, why.join(", "))
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
    if !enc.meets(&cv) {
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
fn compare_claimed(d: &crate::numfmt::NumJson, claimed: &Num, prec: u32) -> (Verdict, String) {
    // The enclosure's ends are exact decimal strings: a claimed value outside it is refuted.
    let parse = |s: &str| crate::parse::parse_number(s).ok();
    if let (Some(lo), Some(hi)) = (parse(&d.lo), parse(&d.hi)) {
        let enc = crate::interval::Interval::from_rationals(&lo, &hi, prec);
        if !enc.meets(&claimed.to_interval(prec)) {
            return (Verdict::Fail, format!("the certified enclosure [{}, {}] excludes the claimed value", d.lo, d.hi));
        }
    }
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
        check: c.clone(),
    }
}

/// A verb's output as the JSON a report entry carries (`null` if it cannot be serialised).
pub(crate) fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
