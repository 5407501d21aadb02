//! Range proofs by subdivision: a claim over a whole box of parameters is proved piece by
//! piece, refuted by a certified counterexample, or left UNDECIDED with the pieces that remain.
//!
//! Claims:
//! - an inequality `lhs OP rhs` (`<`, `<=`, `>`, `>=`) for every point of a box;
//! - `orbit-stable`: for every learning rate `η` in a range, GD on a one-variable loss has
//!   exactly one period-2 orbit with both points in an interval, and it is stable.
//!
//! Guarantees: PASS means every piece of the box was certified with interval arithmetic valid
//! for all points of the piece (the union of pieces is the box). FAIL means a counterexample: an
//! exact point where the negation is certified (exact arithmetic, or a point enclosure whose
//! sign is certified). A piece that can be neither proved nor refuted at the minimum width, or
//! that is left when the budget runs out, is reported.

use crate::error::MathResult;
use crate::eval::eval;
use crate::expr::{Expr, Loss};
use crate::interval::Interval;
use crate::jet::Jet;
use crate::krawczyk::Budget;
use crate::orbit::{continue_orbit, period2_orbits, period2_orbits_known, stability_sign};
use crate::scalar::{Scalar, Sign};
use crate::taylor::Series;
use crate::verdict::Verdict;
use num_rational::BigRational;
use std::time::Instant;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
    /// Whether `d = lhs − rhs` with certified sign `s` satisfies the claim (`Some(true)`),
    /// violates it (`Some(false)`), or cannot be told (`None`).
    fn judge(self, s: Sign) -> Option<bool> {
        match (self, s) {
            (_, Sign::Unknown) => None,
            (Op::Lt, Sign::Neg) | (Op::Le, Sign::Neg | Sign::Zero) => Some(true),
            (Op::Gt, Sign::Pos) | (Op::Ge, Sign::Pos | Sign::Zero) => Some(true),
            _ => Some(false),
        }
    }
    /// The sign of `d` over a box: `Some(true)` if the claim holds for all points.
    fn holds_on(self, d: &Interval) -> Option<bool> {
        let holds = match self {
            Op::Lt => d.is_neg(),
            Op::Le => d.hi() <= &0,
            Op::Gt => d.is_pos(),
            Op::Ge => d.lo() >= &0,
        };
        if holds {
            Some(true)
        } else {
            None
        }
    }
}

/// The outcome of a range proof.
#[derive(Clone, Debug)]
pub struct Proof {
    pub verdict: Verdict,
    pub reason: String,
    /// A point (one exact value per variable) where the claim is certified false.
    pub counterexample: Option<Vec<BigRational>>,
    /// Pieces neither proved nor refuted.
    pub undecided: Vec<Vec<Interval>>,
    pub boxes: usize,
    /// Pieces proved.
    pub proved: usize,
}

fn split(x: &[Interval]) -> (Vec<Interval>, Vec<Interval>) {
    let mut k = 0;
    for i in 1..x.len() {
        if x[i].width() > x[k].width() {
            k = i;
        }
    }
    let (a, b) = x[k].bisect();
    let mut xa = x.to_vec();
    xa[k] = a;
    let mut xb = x.to_vec();
    xb[k] = b;
    (xa, xb)
}

/// `d(X) = lhs − rhs` over a box, as the intersection of the natural interval extension and
/// the mean-value form `d(c) + ∇d(X)·(X − c)`.
fn enclose_over(d: &Loss, x: &[Interval]) -> MathResult<Interval> {
    let p = x[0].prec();
    let n = x.len();
    let vars: Vec<Series<Interval>> = x.iter().map(|i| Series::constant(i.clone(), 0)).collect();
    let natural = eval(&d.expr, &vars, &(p, 0))?.c.swap_remove(0);
    let jets: Vec<Jet<Interval>> = x.iter().enumerate().map(|(i, a)| Jet::variable(a.clone(), i, n)).collect();
    // The gradient over the box comes from a jet evaluated on the box.
    let Ok(jx) = eval(&d.expr, &jets, &(p, n)) else { return Ok(natural) };
    let c: Vec<Interval> = x.iter().map(|i| i.mid_interval()).collect();
    let cv: Vec<Series<Interval>> = c.iter().map(|i| Series::constant(i.clone(), 0)).collect();
    let Ok(dc) = eval(&d.expr, &cv, &(p, 0)) else { return Ok(natural) };
    let mut mv = dc.c[0].clone();
    for i in 0..n {
        mv = mv.add(&jx.g[i].mul(&x[i].sub(&c[i])));
    }
    Ok(natural.intersect(&mv).unwrap_or(natural))
}

/// The exact sign of `d` at a rational point, or the certified sign of its enclosure.
fn sign_at(d: &Loss, pt: &[BigRational], prec: u32) -> Sign {
    let ex: Vec<Series<BigRational>> = pt.iter().map(|q| Series::constant(q.clone(), 0)).collect();
    if let Ok(v) = eval(&d.expr, &ex, &((), 0)) {
        return v.c[0].sign();
    }
    let iv: Vec<Series<Interval>> = pt.iter().map(|q| Series::constant(Interval::from_rational(q, prec), 0)).collect();
    match eval(&d.expr, &iv, &(prec, 0)) {
        Ok(v) => v.c[0].sign(),
        Err(_) => Sign::Unknown,
    }
}

/// A simple exact point of the box (the simplest rational in each coordinate), where a
/// counterexample is tried.
fn test_point(x: &[Interval]) -> Option<Vec<BigRational>> {
    x.iter().map(|i| Some(crate::snap::simplest_rational(&i.lo_rational()?, &i.hi_rational()?))).collect()
}

/// Proves or refutes `lhs OP rhs` over the box `domain` (one interval per variable of `d`,
/// where `d = lhs − rhs`).
pub fn prove_inequality(d: &Loss, op: Op, domain: &[Interval], budget: &Budget) -> Proof {
    let prec = domain.iter().map(|i| i.prec()).max().unwrap_or(128);
    let mut stack = vec![domain.to_vec()];
    let mut pf = Proof { verdict: Verdict::Pass, reason: String::new(), counterexample: None, undecided: vec![], boxes: 0, proved: 0 };
    while let Some(x) = stack.pop() {
        pf.boxes += 1;
        if pf.boxes > budget.max_boxes || budget.deadline.is_some_and(|t| Instant::now() > t) {
            pf.undecided.push(x);
            pf.undecided.append(&mut stack);
            pf.reason = "budget reached".into();
            break;
        }
        if let Ok(v) = enclose_over(d, &x) {
            if op.holds_on(&v) == Some(true) {
                pf.proved += 1;
                continue;
            }
        }
        // Try the midpoint as a counterexample.
        if let Some(pt) = test_point(&x) {
            if op.judge(sign_at(d, &pt, prec)) == Some(false) {
                let sign = match sign_at(d, &pt, prec) {
                    Sign::Pos => "> 0",
                    Sign::Neg => "< 0",
                    _ => "= 0",
                };
                pf.counterexample = Some(pt);
                pf.verdict = Verdict::Fail;
                pf.reason = format!("counterexample: at this exact point lhs - rhs {sign} (certified), so lhs {} rhs is false", op.as_str());
                return pf;
            }
        }
        if x.iter().all(|i| i.width() <= budget.min_width) {
            pf.undecided.push(x);
            continue;
        }
        let (a, b) = split(&x);
        stack.push(b);
        stack.push(a);
    }
    if !pf.undecided.is_empty() {
        pf.verdict = Verdict::Undecided;
        if pf.reason.is_empty() {
            pf.reason = format!("{} piece(s) could be neither proved nor refuted at the minimum width", pf.undecided.len());
        }
    } else {
        pf.reason = format!("proved on {} pieces covering the box", pf.proved);
    }
    pf
}

/// Proves or refutes "for every η in `etas`, exactly one period-2 orbit has both points in
/// `domain`, and it is stable".
pub fn prove_orbit_stable(loss: &Loss, etas: &Interval, domain: &Interval, budget: &Budget, orbit_budget: &Budget) -> Proof {
    let prec = domain.prec();
    let mut stack = vec![etas.clone()];
    let mut pf = Proof { verdict: Verdict::Pass, reason: String::new(), counterexample: None, undecided: vec![], boxes: 0, proved: 0 };
    while let Some(e) = stack.pop() {
        pf.boxes += 1;
        if pf.boxes > budget.max_boxes || budget.deadline.is_some_and(|t| Instant::now() > t) {
            pf.undecided.push(vec![e]);
            pf.undecided.extend(stack.drain(..).map(|x| vec![x]));
            pf.reason = "budget reached".into();
            break;
        }
        // Certify the orbit at one simple learning rate of the piece, continue it to the
        // whole piece by ε-inflation (interval eta), then prove there is no other orbit.
        let Some(q) = test_point(std::slice::from_ref(&e)).map(|mut v| v.remove(0)) else {
            pf.undecided.push(vec![e]);
            continue;
        };
        let pt = Interval::from_rational(&q, prec);
        let sp = period2_orbits(loss, &pt, domain, orbit_budget);
        if sp.undecided.is_empty() && sp.orbits.len() == 1 && sp.orbits[0].stability() == Sign::Pos {
            if let Some(z) = continue_orbit(loss, &e, domain, &sp.orbits[0]) {
                let s = period2_orbits_known(loss, &e, domain, orbit_budget, &[z]);
                if s.undecided.is_empty() && s.orbits.len() == 1 && s.orbits[0].stability() == Sign::Pos {
                    pf.proved += 1;
                    continue;
                }
            }
        }
        {
            let refuted = if sp.undecided.is_empty() && sp.orbits.len() != 1 {
                Some(format!("at eta = {q} there are exactly {} period-2 orbits in the interval (proved)", sp.orbits.len()))
            } else if sp.orbits.len() == 1 && sp.undecided.is_empty() && stability_sign(&sp.orbits[0].multiplier) == Sign::Neg {
                Some(format!("at eta = {q} the unique orbit is unstable: multiplier in {}", sp.orbits[0].multiplier))
            } else {
                None
            };
            if let Some(r) = refuted {
                // Every statement about `pt` holds for every η in it, in particular for q.
                pf.verdict = Verdict::Fail;
                pf.counterexample = Some(vec![q]);
                pf.reason = r;
                return pf;
            }
        }
        if e.width() <= budget.min_width {
            pf.undecided.push(vec![e]);
            continue;
        }
        let (a, b) = e.bisect();
        stack.push(b);
        stack.push(a);
    }
    if !pf.undecided.is_empty() {
        pf.verdict = Verdict::Undecided;
        if pf.reason.is_empty() {
            pf.reason = format!("{} learning-rate piece(s) could be neither proved nor refuted", pf.undecided.len());
        }
    } else {
        pf.reason = format!("proved on {} learning-rate pieces covering the range", pf.proved);
    }
    pf
}

/// Builds the loss `lhs − rhs` from a claim `'lhs OP rhs'` already split by the caller.
pub fn difference(lhs: Expr, rhs: Expr, vars: Vec<String>, source: String) -> Loss {
    Loss { expr: Expr::Sub(Box::new(lhs), Box::new(rhs)), vars, source }
}

/// Splits `'lhs OP rhs'` at its comparison operator (outside parentheses). `None` if there
/// is not exactly one.
pub fn split_comparison(s: &str) -> Option<(String, Op, String)> {
    let b = s.as_bytes();
    let mut depth = 0i32;
    let mut found: Option<(usize, usize, Op)> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'<' | b'>' if depth == 0 => {
                let eq = b.get(i + 1) == Some(&b'=');
                let op = match (b[i], eq) {
                    (b'<', false) => Op::Lt,
                    (b'<', true) => Op::Le,
                    (_, false) => Op::Gt,
                    (_, true) => Op::Ge,
                };
                if found.is_some() {
                    return None;
                }
                let len = if eq { 2 } else { 1 };
                found = Some((i, len, op));
                i += len;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let (at, len, op) = found?;
    Some((s[..at].trim().to_string(), op, s[at + len..].trim().to_string()))
}
