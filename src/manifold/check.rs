//! Check-file kinds for Chen & Bruna §4.2 and §6.2 that the older kinds cannot express:
//! `manifold` (is a rational point in Damian et al.'s `M`?), `manifold-curve` (is `M ∩ curve`
//! the claimed set?) and `lemma2` (does Lemma 2's condition hold at a start, and do `x, y` stay
//! positive for the given number of steps?), and `neuron-decay` (Theorem 4's bound on `w_y`
//! against a simulated single-neuron trajectory: CONSISTENT or INCONSISTENT only), and
//! `spectrum` (a Hessian's eigenvalues at a point against a claimed list).
//!
//! Guarantee: inputs are parsed here once ([`prepare`], input errors only); verdicts come from
//! [`super::point_membership`], [`super::curve::judge_curve`] and [`crate::lemma2`] and are
//! never copied from the check file.

use super::curve::{judge_curve, CurveClaim};
use super::laurent::Laurent;
use crate::catalogue::{json, Check};
use crate::expr::Loss;
use crate::prove::Op;
use crate::verbs::{input, UserError};
use crate::verdict::Verdict;
use num_rational::BigRational;

type Q = BigRational;

/// Default number of GD steps of a `lemma2` check.
pub const LEMMA2_STEPS: usize = 300;

/// A prepared check of one of this module's kinds.
#[derive(Clone, Debug)]
pub enum ManifoldTask {
    Point { loss: Loss, at: Vec<Q>, eta: Q, holds: bool },
    Curve { loss: Loss, coords: Vec<Laurent>, lo: Q, hi: Option<Q>, eta: Q, claim: Laurent, op: Op },
    Lemma2 { loss: Loss, x0: Q, y0: Q, mu: Q, eta: Q, steps: usize, holds: bool },
    NeuronDecay { k: f64, eps: f64, alpha0: f64, rate: f64, steps: usize },
    Spectrum { loss: Loss, at: Vec<crate::eval::Num>, claimed: Vec<Q> },
}

/// A named parameter's value rounded to f64 (for the floating-point experiment only).
fn param_f64(c: &Check, name: &str, default: Option<f64>) -> Result<f64, UserError> {
    match input::parse_params(&c.params)?.into_iter().find(|(n, _)| n == name) {
        Some((_, e)) => {
            let v = crate::eval::const_value(&e, 128).map_err(|er| UserError::new(format!("parameter {name}: {er}")))?;
            Ok(v.to_interval(128).mid().to_f64())
        }
        None => default.ok_or_else(|| UserError::new(format!("a 'neuron-decay' check needs the parameter {name}"))),
    }
}

fn need<'a>(v: &'a Option<String>, field: &str, kind: &str) -> Result<&'a str, UserError> {
    v.as_deref().ok_or_else(|| UserError::new(format!("a '{kind}' check needs the field '{field}'")))
}

fn exact(s: &str, what: &str) -> Result<Q, UserError> {
    let v = input::parse_value(s, 128, what)?;
    v.exact().cloned().ok_or_else(|| UserError::new(format!("'{what}' must be an exact rational number, not '{s}'")))
}

/// Parses a check of kind `manifold`, `manifold-curve` or `lemma2`.
pub fn prepare(c: &Check) -> Result<ManifoldTask, UserError> {
    let kind = c.kind.as_str();
    if kind == "neuron-decay" {
        let k = input::parse_value(need(&c.lr, "lr", kind)?, 128, "lr")?.to_interval(128).mid().to_f64();
        return Ok(ManifoldTask::NeuronDecay {
            k,
            eps: param_f64(c, "eps", None)?,
            alpha0: param_f64(c, "alpha0", None)?,
            rate: param_f64(c, "rate", Some(0.030))?,
            steps: c.steps.unwrap_or(400),
        });
    }
    if kind == "spectrum" {
        let loss = input::parse_loss(need(&c.loss, "loss", kind)?, &c.params, None)?;
        let at = input::parse_at(&loss, need(&c.at, "at", kind)?, c.prec.unwrap_or(128), "at")?;
        let claimed = crate::parse::parse_number_list(need(&c.value, "value", kind)?).map_err(|e| UserError::new(format!("value: {}", e.render())))?;
        if claimed.len() != at.len() {
            return Err(UserError::new(format!("'value' lists {} eigenvalues but the Hessian has size {}", claimed.len(), at.len())));
        }
        return Ok(ManifoldTask::Spectrum { loss, at, claimed });
    }
    let eta = exact(need(&c.lr, "lr", kind)?, "lr")?;
    let holds = || c.holds.ok_or_else(|| UserError::new(format!("a '{kind}' check needs 'holds' (the claimed truth)")));
    Ok(match kind {
        "manifold" => {
            let loss = input::parse_loss(need(&c.loss, "loss", kind)?, &c.params, None)?;
            let at = input::parse_at(&loss, need(&c.at, "at", kind)?, 128, "at")?;
            let at = at.iter().map(|n| n.exact().cloned().ok_or_else(|| UserError::new("'at' must be exact rational numbers"))).collect::<Result<_, _>>()?;
            ManifoldTask::Point { loss, at, eta, holds: holds()? }
        }
        "manifold-curve" => {
            let loss = input::parse_loss(need(&c.loss, "loss", kind)?, &c.params, None)?;
            let over = need(&c.over, "over", kind)?;
            let (var, range) = over.split_once('=').ok_or_else(|| UserError::new("'over' must be 't=LO..HI' (HI may be inf)"))?;
            let var = var.trim();
            let (lo, hi) = range.split_once("..").ok_or_else(|| UserError::new("'over' must be 't=LO..HI' (HI may be inf)"))?;
            let lo = exact(lo.trim(), "over")?;
            let hi = if hi.trim() == "inf" { None } else { Some(exact(hi.trim(), "over")?) };
            let curve = need(&c.curve, "curve", kind)?;
            let mut coords = vec![None; loss.vars.len()];
            for part in curve.split(',') {
                let (name, e) = part.split_once('=').ok_or_else(|| UserError::new(format!("curve: '{part}' must be NAME=EXPRESSION in {var}")))?;
                let i = loss.vars.iter().position(|v| v == name.trim()).ok_or_else(|| UserError::new(format!("curve: '{}' is not a variable of the loss", name.trim())))?;
                let l = input::parse_loss(e, &c.params, Some(var))?;
                coords[i] = Some(Laurent::from_expr(&l.expr, 0).ok_or_else(|| UserError::new(format!("curve: '{}' is not a Laurent polynomial in {var}", e.trim())))?);
            }
            let coords: Vec<Laurent> = coords.into_iter().collect::<Option<_>>().ok_or_else(|| UserError::new("curve: every variable of the loss needs a coordinate"))?;
            let text = need(&c.inequality, "inequality", kind)?;
            let (lhs, op, rhs) = crate::prove::split_comparison(text).ok_or_else(|| UserError::new("the inequality must be 'LHS OP RHS' with one of < <= > >="))?;
            let d = input::parse_loss(&format!("({lhs}) - ({rhs})"), &c.params, Some(var))?;
            let claim = Laurent::from_expr(&d.expr, 0).ok_or_else(|| UserError::new(format!("the inequality must be a Laurent polynomial in {var}")))?;
            ManifoldTask::Curve { loss, coords, lo, hi, eta, claim, op }
        }
        "lemma2" => {
            let mu = input::parse_params(&c.params)?
                .into_iter()
                .find(|(n, _)| n == "mu")
                .and_then(|(_, e)| crate::eval::fold_rational(&e))
                .ok_or_else(|| UserError::new("a 'lemma2' check needs the parameter mu (an exact rational)"))?;
            let loss = input::parse_loss("(x*y - mu)^2/2", &c.params, Some("x,y"))?;
            let at = input::parse_at(&loss, need(&c.at, "at", kind)?, 128, "at")?;
            let (Some(x0), Some(y0)) = (at[0].exact().cloned(), at[1].exact().cloned()) else {
                return Err(UserError::new("'at' must be exact rational numbers"));
            };
            ManifoldTask::Lemma2 { loss, x0, y0, mu, eta, steps: c.steps.unwrap_or(LEMMA2_STEPS), holds: holds()? }
        }
        other => return Err(UserError::new(format!("unknown kind '{other}'"))),
    })
}

/// Judges a prepared check.
pub fn execute(t: ManifoldTask, prec: u32) -> Result<(Verdict, String, serde_json::Value), UserError> {
    match t {
        ManifoldTask::Point { loss, at, eta, holds } => {
            let out = super::point_membership(&loss, &at, &eta).map_err(UserError::undecided)?;
            let v = super::judge_claim(out.member, holds);
            Ok((v, format!("claimed {}in M; {}", if holds { "" } else { "not " }, out.reason), json(&out)))
        }
        ManifoldTask::Curve { loss, coords, lo, hi, eta, claim, op } => {
            let out = judge_curve(&CurveClaim { loss: &loss, coords, lo, hi, eta, claim, op }).map_err(UserError::undecided)?;
            Ok((out.verdict, out.reason.clone(), json(&out)))
        }
        ManifoldTask::Lemma2 { loss, x0, y0, mu, eta, steps, holds } => {
            let cond = crate::lemma2::condition(&x0, &y0, &mu, &eta, prec).map_err(UserError::new)?;
            let traj = crate::lemma2::trajectory(&loss, &[x0, y0], &eta, steps, prec.max(64 + 3 * steps as u32)).map_err(UserError::undecided)?;
            let what = format!(
                "condition {} (hypotheses {}, eta(x0 y0 - mu) = {} {} p = {}, second term {} {} p)",
                if cond.holds { "holds" } else { "fails" },
                if cond.hypotheses { "hold" } else { "fail" },
                cond.first,
                if cond.first_below_p { "<" } else { ">=" },
                cond.p,
                cond.second,
                if cond.second_below_p { "<" } else { ">=" },
            );
            let run = match (traj.negative_at, traj.complete) {
                (Some(t), _) => format!("x or y certainly negative after step {t}"),
                (None, true) => format!("x, y > 0 certified for all {steps} steps"),
                (None, false) => format!("x, y > 0 certified for {} of {steps} steps, then undecided", traj.certified_positive_steps),
            };
            let v = match (holds, cond.holds) {
                (false, false) => Verdict::Pass,
                (_, c) if c != holds => Verdict::Fail,
                _ if traj.negative_at.is_some() => Verdict::Fail,
                _ if traj.complete => Verdict::Pass,
                _ => Verdict::Undecided,
            };
            let out = serde_json::json!({ "condition": json(&cond), "trajectory": json(&traj) });
            Ok((v, format!("{what}; {run}"), out))
        }
        ManifoldTask::Spectrum { loss, at, claimed } => {
            let out = super::spectrum::judge_spectrum(&loss, &at, &claimed, prec).map_err(UserError::undecided)?;
            Ok((out.verdict, out.reason.clone(), json(&out)))
        }
        ManifoldTask::NeuronDecay { k, eps, alpha0, rate, steps } => {
            let r = crate::neuron_decay::run(k, eps, alpha0, rate, steps).map_err(UserError::new)?;
            let (v, why) = match r.violated_at {
                Some(t) => (Verdict::Inconsistent, format!("simulated (f64): |w_y| = {:.3e} >= bound {:.3e} at step {t} (T1 = {})", r.at.1, r.at.2, r.t1)),
                None => (Verdict::Consistent, format!("simulated (f64): |w_y| below the bound at every step from T1 + 4 = {} to {steps} (smallest bound/|w_y| = {:.3e})", r.t1 + 4, r.min_margin)),
            };
            Ok((v, why, json(&r)))
        }
    }
}
