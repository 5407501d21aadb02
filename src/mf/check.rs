//! Matrix-factorisation check files (`mf-theorem6`, `mf-orbit`): reading their fields and
//! turning the verbs' outputs ([`crate::verbs::mf`]) into verdicts.
//!
//! Guarantee: a verdict here is the verdict the mf engines certified for the judged part
//! (PASS/FAIL only when that part is proved or refuted); nothing is re-derived.

use crate::catalogue::{json, need, Check};
use crate::krawczyk::Budget;
use crate::verbs::{self, input, UserError};
use crate::verdict::Verdict;

/// A prepared matrix-factorisation check.
#[derive(Clone, Debug)]
pub enum MfTask {
    /// At a minimiser: `judge` is theorem6 (default), remark, delta, printed-delta or hypotheses.
    Theorem6 { y: String, z: String, c: Option<String>, judge: String },
    /// The orbit of Observations 1, 2: `judge` is stable (default, with `stable`), eq164, eq202,
    /// eq203 or q-orbit (the assumption of J.2: `Q(γ2, γ2) Q(γ1, γ1)` has its eigenvalues in the
    /// open unit disc).
    Orbit { c: String, lr: String, alpha: Option<String>, stable: Option<bool>, judge: String },
}

/// Validates an `mf-theorem6` or `mf-orbit` check's fields (one sentence on error).
pub fn prepare(c: &Check) -> Result<MfTask, UserError> {
    let kind = c.kind.as_str();
    let prec = c.prec.unwrap_or(128);
    Ok(match kind {
        "mf-theorem6" => {
            let judge = c.judge.clone().unwrap_or_else(|| "theorem6".into());
            if !["theorem6", "remark", "delta", "printed-delta", "hypotheses"].contains(&judge.as_str()) {
                return Err(UserError::new(format!("unknown judge '{judge}' for mf-theorem6 (theorem6, remark, delta, printed-delta, hypotheses)")));
            }
            let (y, z) = (need(&c.y, "y", kind)?, need(&c.z, "z", kind)?);
            crate::mf::parse_matrix_flag(y, "y")?;
            crate::mf::parse_matrix_flag(z, "z")?;
            if let Some(t) = &c.c {
                crate::mf::parse_target(t)?;
            }
            MfTask::Theorem6 { y: y.into(), z: z.into(), c: c.c.clone(), judge }
        }
        "mf-orbit" => {
            let judge = c.judge.clone().unwrap_or_else(|| "stable".into());
            if !["stable", "eq164", "eq202", "eq203", "q-orbit"].contains(&judge.as_str()) {
                return Err(UserError::new(format!("unknown judge '{judge}' for mf-orbit (stable, eq164, eq202, eq203, q-orbit)")));
            }
            if judge == "stable" && c.stable.is_none() {
                return Err(UserError::new("an mf-orbit check judged on 'stable' needs the field 'stable'"));
            }
            crate::mf::parse_target(need(&c.c, "c", kind)?)?;
            input::parse_value(need(&c.lr, "lr", kind)?, prec, "lr")?;
            MfTask::Orbit { c: need(&c.c, "c", kind)?.into(), lr: need(&c.lr, "lr", kind)?.into(), alpha: c.alpha.clone(), stable: c.stable, judge }
        }
        other => return Err(UserError::new(format!("unknown kind '{other}'"))),
    })
}

/// Runs the mf verb a check needs and judges the claimed part of its output.
pub fn execute(task: MfTask, prec: u32, budget: Budget) -> Result<(Verdict, String, serde_json::Value), UserError> {
    match task {
        MfTask::Theorem6 { y, z, c, judge } => {
            let out = verbs::mf::theorem6(&y, &z, c.as_deref(), prec)?;
            let j = match judge.as_str() {
                "remark" => (out.remark.verdict, out.remark.reason.clone()),
                "delta" => (out.paper_delta.verdict, out.paper_delta.reason.clone()),
                "printed-delta" => (out.printed_theorem6_delta.verdict, out.printed_theorem6_delta.reason.clone()),
                "hypotheses" => (
                    out.hypotheses.iter().fold(Verdict::Pass, |v, (_, h)| v.and(h.verdict)),
                    out.hypotheses.iter().map(|(n, h)| format!("{n}: {} ({})", h.verdict.as_str(), h.reason)).collect::<Vec<_>>().join("; "),
                ),
                _ => (out.theorem6.verdict, format!("3f'''^2 - f''f'''' = {}: {}", out.theorem6.value.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "-".into()), out.theorem6.reason)),
            };
            Ok((j.0, j.1, json(&out)))
        }
        MfTask::Orbit { c, lr, alpha, stable, judge } => {
            let out = verbs::mf::orbit(&c, &lr, alpha.as_deref(), prec, budget)?;
            let conds = format!("eta sigma1^2 in range: {:?}, Obs. 1 condition: {:?}, eq. (9): {:?}", out.lr_in_range, out.obs1_condition, out.eq9_condition);
            let (v, r) = match judge.as_str() {
                "eq202" | "eq203" => match &out.q_matrix {
                    Some(q) => {
                        let ok = if judge == "eq202" { q.eq202_exact_at_minimum } else { q.eq203_identity };
                        (if ok { Verdict::Pass } else { Verdict::Fail }, format!("{judge} exact identity: {ok}; w = {}, {}", q.w[0], q.w[1]))
                    }
                    None => (Verdict::Undecided, "no Q matrix (needs d >= 2 and an exact learning rate)".into()),
                },
                "q-orbit" => match out.q_matrix.as_ref().and_then(|q| q.at_orbit.as_ref()) {
                    Some(a) => (
                        match a.product_schur_cohn_stable {
                            Some(true) => Verdict::Pass,
                            Some(false) => Verdict::Fail,
                            None => Verdict::Undecided,
                        },
                        format!("Q(γ2,γ2) Q(γ1,γ1) (J.2, exact at γ² = {}, {}): characteristic polynomial {}; Schur–Cohn stable: {:?}", a.gamma_sq[0], a.gamma_sq[1], a.product_charpoly, a.product_schur_cohn_stable),
                    ),
                    None => (Verdict::Undecided, "Q at the orbit needs a rational orbit (sqrt((1 + K)^2 - 4) rational) and d >= 2".into()),
                },
                "eq164" => {
                    let v = out.orbits.iter().fold(if out.orbits.is_empty() { Verdict::Undecided } else { Verdict::Pass }, |v, o| {
                        v.and(if o.eq164.starts_with("exact") { Verdict::Pass } else if o.eq164.starts_with("INCONSISTENT") { Verdict::Fail } else { Verdict::Undecided })
                    });
                    (v, out.orbits.iter().map(|o| o.eq164.clone()).collect::<Vec<_>>().join("; "))
                }
                _ => {
                    let st = stable.unwrap_or(true);
                    let mut v = if out.orbits.is_empty() { if out.complete { Verdict::Fail } else { Verdict::Undecided } } else { Verdict::Pass };
                    let mut reasons = vec![format!("{} orbit(s) of the reduced system{}", out.orbits.len(), if out.complete { " (complete)" } else { "" }), conds];
                    for (i, o) in out.orbits.iter().enumerate() {
                        let sv = match (o.stable, st) {
                            (Verdict::Pass, true) | (Verdict::Fail, false) => Verdict::Pass,
                            (Verdict::Pass, false) | (Verdict::Fail, true) => Verdict::Fail,
                            _ => Verdict::Undecided,
                        };
                        reasons.push(format!("orbit #{}: claimed {}, certified {}: {}", i + 1, if st { "stable" } else { "unstable" }, o.stable.as_str(), o.stable_reason));
                        v = v.and(sv);
                    }
                    (v, reasons.join("; "))
                }
            };
            Ok((v, r, json(&out)))
        }
    }
}
