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

/// One coordinate range of a claim's box: the enclosure subdivided, and the ends as given
/// (exact where they are rational). The enclosure may stick out past the ends by outward
/// rounding; a counterexample is accepted only when it lies within the ends themselves.
#[derive(Clone, Debug)]
pub struct BoxRange {
    pub enclosure: Interval,
    pub lo: crate::eval::Num,
    pub hi: crate::eval::Num,
}

impl BoxRange {
    /// Whether the rational `q` is certainly in `[lo, hi]` (exact comparison with rational
    /// ends; with an enclosed end, `q` must be beyond its whole enclosure).
    pub fn holds(&self, q: &BigRational) -> bool {
        use crate::eval::Num;
        let prec = self.enclosure.prec();
        let above_lo = match &self.lo {
            Num::Exact(a) => a <= q,
            other => other.to_interval(prec).hi_rational().is_some_and(|a| a <= *q),
        };
        let below_hi = match &self.hi {
            Num::Exact(b) => q <= b,
            other => other.to_interval(prec).lo_rational().is_some_and(|b| *q <= b),
        };
        above_lo && below_hi
    }

    /// The exact rational ends, when both are rational.
    fn exact_ends(&self) -> Option<(BigRational, BigRational)> {
        match (&self.lo, &self.hi) {
            (crate::eval::Num::Exact(a), crate::eval::Num::Exact(b)) => Some((a.clone(), b.clone())),
            _ => None,
        }
    }
}

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
    let mut best = natural.intersect(&mv).unwrap_or(natural);
    if n == 1 {
        // Around the midpoint, and around each end (where a claim sharp at the end of its
        // range, `sin(x) <= x` at 0, is proved on the first piece that touches it).
        let ends = [x[0].lo().clone(), x[0].hi().clone()].map(|e| Interval::point(e).ok());
        for centre in std::iter::once(Some(c[0].clone())).chain(ends).flatten() {
            if let Some(second) = second_order_form(d, &x[0], &centre) {
                best = best.intersect(&second).unwrap_or(best);
            }
        }
    }
    Ok(best)
}

/// The second-order Taylor form of a one-variable `d` over `X` around the point `c ∈ X`:
/// `d(c) + d'(c)·t + (d''(X)/2)·t²` with `t = X − c` and `t²` enclosed as a square (so ≥ 0).
/// By Taylor's theorem with the Lagrange remainder, it contains `d(x)` for every `x ∈ X`.
/// It is what proves a claim that is sharp at a point (`exp(x) ≥ 1 + x` at 0), where the
/// natural and mean-value forms straddle 0 on every piece around the touching point.
///
/// `d(c)` and `d'(c)` are taken exactly where the data allow (`c` is a dyadic rational, so
/// `exp(0) − 1` is exactly 0): an enclosure of a touching value that is 0 would straddle it.
fn second_order_form(d: &Loss, x: &Interval, c: &Interval) -> Option<Interval> {
    use crate::eval::Num;
    let prec = x.prec();
    let at_c = crate::eval::derivatives_best(d, &[Num::Exact(c.lo_rational()?)], &[Num::Exact(BigRational::from_integer(1.into()))], 1, prec).ok()?;
    let over = crate::eval::taylor_1d(d, x, 2).ok()?;
    let t = x.sub(c);
    Some(at_c[0].to_interval(prec).add(&at_c[1].to_interval(prec).mul(&t)).add(&over.c[2].mul(&t.sqr())))
}

/// Decides `p OP 0` on `[a, b]` exactly for a polynomial `p` with rational coefficients:
/// Sturm isolation of the distinct roots of `p` in `[a, b]`; between consecutive roots `p`
/// has constant sign, so its signs on `[a, b]` are those at `a`, `b` and the endpoints of the
/// isolating intervals, and its zeros are the roots. PASS and FAIL are both exact; a FAIL
/// comes with a rational counterexample where there is one (a sign change, or a rational
/// root), else with the isolating interval of the irrational root where `p = 0`.
fn decide_polynomial(p: &crate::poly::Poly, op: Op, a: &BigRational, b: &BigRational) -> Option<Proof> {
    use std::cmp::Ordering;
    let mut pf = Proof { verdict: Verdict::Pass, reason: String::new(), counterexample: None, undecided: vec![], boxes: 1, proved: 1 };
    if p.is_zero() {
        // lhs = rhs identically: an identity, proved exactly (subdivision never could).
        if matches!(op, Op::Lt | Op::Gt) {
            pf.verdict = Verdict::Fail;
            pf.proved = 0;
            pf.reason = format!("lhs - rhs is identically 0 (exact polynomial arithmetic), so lhs {} rhs is false everywhere", op.as_str());
            pf.counterexample = Some(vec![a.clone()]);
        } else {
            pf.reason = "proved exactly: lhs - rhs is identically 0 (exact polynomial arithmetic)".into();
        }
        return Some(pf);
    }
    let roots = p.isolate_roots(a, b)?;
    let mut samples = vec![a.clone(), b.clone()];
    for (lo, hi) in &roots {
        samples.extend([lo.clone(), hi.clone()]);
    }
    for pt in &samples {
        let sign = match p.sign_at(pt) {
            Ordering::Greater => Sign::Pos,
            Ordering::Less => Sign::Neg,
            Ordering::Equal => Sign::Zero,
        };
        if op.judge(sign) == Some(false) {
            pf.verdict = Verdict::Fail;
            pf.proved = 0;
            pf.reason = format!("counterexample (exact, the polynomial decided by Sturm sequences): lhs - rhs {} at this point", sign_text(sign));
            pf.counterexample = Some(vec![pt.clone()]);
            return Some(pf);
        }
    }
    if matches!(op, Op::Lt | Op::Gt) {
        if let Some((lo, hi)) = roots.first() {
            pf.verdict = Verdict::Fail;
            pf.proved = 0;
            pf.reason = format!(
                "lhs - rhs is a polynomial with a root (where lhs = rhs) in [{}, {}] (Sturm), so lhs {} rhs is false there",
                crate::numfmt::rational_string(lo),
                crate::numfmt::rational_string(hi),
                op.as_str()
            );
            return Some(pf);
        }
    }
    pf.reason = format!("proved exactly: lhs - rhs is a polynomial, {} distinct root(s) in the range (Sturm), its sign checked between them", roots.len());
    Some(pf)
}

fn sign_text(s: Sign) -> &'static str {
    match s {
        Sign::Pos => "> 0",
        Sign::Neg => "< 0",
        _ => "= 0",
    }
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
///
/// Counterexamples are exact points inside the ranges as given ([`BoxRange::holds`]), not
/// merely inside their outward-rounded enclosures.
pub fn prove_inequality(d: &Loss, op: Op, over: &[BoxRange], budget: &Budget) -> Proof {
    let domain: Vec<Interval> = over.iter().map(|r| r.enclosure.clone()).collect();
    let prec = domain.iter().map(|i| i.prec()).max().unwrap_or(128);
    if let ([r], Some(p)) = (over, crate::poly::from_expr(&d.expr, 0).filter(|_| d.vars.len() == 1)) {
        if let Some((a, b)) = r.exact_ends() {
            if let Some(pf) = decide_polynomial(&p, op, &a, &b) {
                return pf;
            }
        }
    }
    let inside = |pt: &[BigRational]| over.iter().zip(pt).all(|(r, q)| r.holds(q));
    let mut stack = vec![domain];
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
        if let Some(pt) = test_point(&x).filter(|pt| inside(pt)) {
            if op.judge(sign_at(d, &pt, prec)) == Some(false) {
                let sign = sign_text(sign_at(d, &pt, prec));
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
