//! `prove`: range proofs by subdivision (see `prove.rs`).

use super::UserError;
use crate::expr::Loss;
use crate::interval::Interval;
use crate::krawczyk::Budget;
use crate::numfmt::NumJson;
use crate::prove::{prove_inequality, BoxRange, prove_orbit_stable, Op, Proof};
use crate::verdict::Verdict;
use serde::Serialize;
use std::fmt;

/// The claim to prove.
#[derive(Clone, Debug)]
pub enum Claim {
    /// `lhs − rhs OP 0` over a box, one interval per variable of `diff`.
    Inequality { diff: Loss, op: Op, text: String, over: Vec<BoxRange> },
    /// For every η in `lr`, a unique stable period-2 orbit with both points in `domain`.
    OrbitStable { loss: Loss, lr: Interval, domain: Interval },
}

/// What `prove` is asked.
#[derive(Clone, Debug)]
pub struct ProveRequest {
    pub claim: Claim,
    pub prec: u32,
    pub budget: Budget,
}

/// The result of `prove` (JSON per SPEC.md, with extra fields).
#[derive(Clone, Debug, Serialize)]
pub struct ProveOutput {
    pub claim: String,
    pub verdict: Verdict,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "crate::numfmt::ser_named_opt")]
    pub counterexample: Option<Vec<(String, NumJson)>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided_boxes: Vec<Vec<NumJson>>,
    pub boxes: usize,
    pub pieces_proved: usize,
}

/// Runs `prove`.
pub fn run(req: &ProveRequest) -> Result<ProveOutput, UserError> {
    let prec = req.prec;
    let (text, names, pf): (String, Vec<String>, Proof) = match &req.claim {
        Claim::Inequality { diff, op, text, over } => {
            (text.clone(), diff.vars.clone(), prove_inequality(diff, *op, over, &req.budget))
        }
        Claim::OrbitStable { loss, lr, domain } => {
            // Each learning-rate piece gets a small search; a piece that is too wide for it
            // is split rather than searched harder.
            let orbit_budget = Budget::new(400, -40, req.budget.deadline);
            let mut eta_budget = req.budget.clone();
            // Learning-rate pieces are not split below 2^-60 of relative width.
            let mut w = lr.width();
            w >>= 60;
            eta_budget.min_width = w;
            (
                format!("for every eta in {lr}, GD on {} has exactly one period-2 orbit in {domain}, and it is stable", loss.source),
                vec!["eta".to_string()],
                prove_orbit_stable(loss, lr, domain, &eta_budget, &orbit_budget),
            )
        }
    };
    Ok(ProveOutput {
        claim: text,
        verdict: pf.verdict,
        reason: pf.reason,
        counterexample: pf.counterexample.map(|pt| {
            names.iter().cloned().zip(pt.iter().map(|q| NumJson::exact(q, prec))).collect()
        }),
        undecided_boxes: pf.undecided.iter().map(|b| b.iter().map(NumJson::enclosed).collect()).collect(),
        boxes: pf.boxes,
        pieces_proved: pf.proved,
    })
}

impl fmt::Display for ProveOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "claim: {}", self.claim)?;
        writeln!(f, "verdict: {} ({})", self.verdict, self.reason)?;
        if let Some(c) = &self.counterexample {
            let s: Vec<String> = c.iter().map(|(k, v)| format!("{k} = {}", v.exact.clone().unwrap_or_default())).collect();
            writeln!(f, "counterexample: {}", s.join(", "))?;
        }
        for b in self.undecided_boxes.iter().take(10) {
            let s: Vec<String> = b.iter().map(|x| x.to_string()).collect();
            writeln!(f, "undecided piece: {}", s.join(" x "))?;
        }
        if self.undecided_boxes.len() > 10 {
            writeln!(f, "... and {} more undecided pieces", self.undecided_boxes.len() - 10)?;
        }
        writeln!(f, "{} boxes examined, {} pieces proved", self.boxes, self.pieces_proved)
    }
}
