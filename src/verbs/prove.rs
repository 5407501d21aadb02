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

/// One cell of a region map ([`run_cells`]).
#[derive(Clone, Debug, Serialize)]
pub struct CellOut {
    /// The cell: one range per variable.
    pub cell: Vec<NumJson>,
    pub verdict: Verdict,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "crate::numfmt::ser_named_opt")]
    pub counterexample: Option<Vec<(String, NumJson)>>,
}

/// A region map: the box cut into a grid, the claim proved, refuted or left undecided on each cell.
#[derive(Clone, Debug, Serialize)]
pub struct CellMap {
    pub claim: String,
    /// PASS if every cell is proved, FAIL if some cell holds a counterexample, else UNDECIDED.
    pub verdict: Verdict,
    pub proved: usize,
    pub refuted: usize,
    pub undecided: usize,
    pub cells: Vec<CellOut>,
}

/// The most cells a region map may have.
pub const MAX_CELLS: usize = 4096;

/// Cuts one range into `n` pieces. Inner cut points are exact rationals (equal parts of the
/// exact range, or of the enclosure when an end is not rational); the outer ends stay as given,
/// so that counterexamples are still checked against the range itself.
fn cut(r: &BoxRange, n: usize, prec: u32) -> Result<Vec<BoxRange>, UserError> {
    use crate::eval::Num;
    let (a, b) = match (&r.lo, &r.hi) {
        (Num::Exact(a), Num::Exact(b)) => (a.clone(), b.clone()),
        _ => match (r.enclosure.lo_rational(), r.enclosure.hi_rational()) {
            (Some(a), Some(b)) => (a, b),
            _ => return Err(UserError::new("--cells needs bounded ranges")),
        },
    };
    let point = |k: usize| &a + (&b - &a) * num_rational::BigRational::new(k.into(), n.into());
    Ok((0..n)
        .map(|k| {
            let lo = if k == 0 { r.lo.clone() } else { Num::Exact(point(k)) };
            let hi = if k + 1 == n { r.hi.clone() } else { Num::Exact(point(k + 1)) };
            BoxRange { enclosure: lo.to_interval(prec).hull(&hi.to_interval(prec)), lo, hi }
        })
        .collect())
}

/// A region map of the inequality `diff OP 0` over `over`: the box cut into `n` equal parts per
/// variable, each cell judged by [`prove_inequality`] with an equal share of the box budget.
/// Each cell's verdict carries the guarantee of `prove` on that cell.
pub fn run_cells(diff: &Loss, op: Op, text: &str, over: &[BoxRange], n: usize, prec: u32, budget: &Budget) -> Result<CellMap, UserError> {
    let d = over.len() as u32;
    let total = n.checked_pow(d).filter(|&t| n >= 1 && t <= MAX_CELLS).ok_or_else(|| {
        UserError::new(format!("--cells {n} gives more than {MAX_CELLS} cells over {d} variable(s)"))
    })?;
    let pieces: Vec<Vec<BoxRange>> = over.iter().map(|r| cut(r, n, prec)).collect::<Result<_, _>>()?;
    let mut share = budget.clone();
    share.max_boxes = (budget.max_boxes / total).max(100);
    let mut map = CellMap { claim: text.to_string(), verdict: Verdict::Pass, proved: 0, refuted: 0, undecided: 0, cells: Vec::with_capacity(total) };
    for index in 0..total {
        let mut rest = index;
        let cell: Vec<BoxRange> = pieces
            .iter()
            .map(|p| {
                let k = rest % n;
                rest /= n;
                p[k].clone()
            })
            .collect();
        let pf = prove_inequality(diff, op, &cell, &share);
        match pf.verdict {
            Verdict::Pass => map.proved += 1,
            Verdict::Fail => map.refuted += 1,
            _ => map.undecided += 1,
        }
        map.verdict = match (map.verdict, pf.verdict) {
            (Verdict::Fail, _) | (_, Verdict::Fail) => Verdict::Fail,
            (Verdict::Pass, Verdict::Pass) => Verdict::Pass,
            _ => Verdict::Undecided,
        };
        map.cells.push(CellOut {
            cell: cell.iter().map(|r| NumJson::enclosed(&r.enclosure)).collect(),
            verdict: pf.verdict,
            reason: pf.reason,
            counterexample: pf.counterexample.map(|pt| diff.vars.iter().cloned().zip(pt.iter().map(|q| NumJson::exact(q, prec))).collect()),
        });
    }
    Ok(map)
}

impl fmt::Display for CellMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "claim: {}", self.claim)?;
        writeln!(
            f,
            "verdict: {} ({} cells: {} proved, {} refuted, {} undecided)",
            self.verdict,
            self.cells.len(),
            self.proved,
            self.refuted,
            self.undecided
        )?;
        for c in &self.cells {
            let b: Vec<String> = c.cell.iter().map(|x| x.to_string()).collect();
            let cx = c.counterexample.as_ref().map(|p| {
                let s: Vec<String> = p.iter().map(|(k, v)| format!("{k} = {}", v.exact.clone().unwrap_or_default())).collect();
                format!("  counterexample {}", s.join(", "))
            });
            writeln!(f, "  {} {}{}", c.verdict, b.join(" x "), cx.unwrap_or_default())?;
        }
        Ok(())
    }
}
