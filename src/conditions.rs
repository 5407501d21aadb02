//! The oscillation conditions of Section 4.1 of Chen & Bruna at a certified local minimum:
//! Theorem 1 (`f''' ≠ 0` and `3 f'''² − f'' f'''' > 0`), Lemma 1 (the lowest order `k ≥ 3`
//! with `f^(k) ≠ 0`, and its parity/sign condition), and Proposition 1 for squared losses.
//!
//! Guarantees: a PASS means every inequality was certified (exact arithmetic, or a
//! sign-certified enclosure); a FAIL means the negation was certified (for Lemma 1's order,
//! "exactly zero" is only ever established by exact arithmetic — rationals or Q\[π\]); anything
//! else is UNDECIDED with the reason.

use crate::error::MathResult;
use crate::eval::Num;
use crate::expr::Loss;
use crate::interval::Interval;
use crate::minima::{derivatives_at, sign_of, Zero};
use crate::scalar::{Scalar, Sign};
use crate::verdict::Verdict;

/// The highest derivative order Lemma 1 looks at.
pub const LEMMA1_MAX_ORDER: usize = 16;

/// A verdict with its reason.
#[derive(Clone, Debug)]
pub struct Judged {
    pub verdict: Verdict,
    pub reason: String,
}

impl Judged {
    pub fn new(verdict: Verdict, reason: impl Into<String>) -> Judged {
        Judged { verdict, reason: reason.into() }
    }
}

/// Theorem 1 at one minimum.
#[derive(Clone, Debug)]
pub struct Theorem1 {
    pub judged: Judged,
    /// `3 f'''² − f'' f''''`.
    pub value: Num,
}

/// Lemma 1 at one minimum.
#[derive(Clone, Debug)]
pub struct Lemma1 {
    /// The lowest order `k ≥ 3` with `f^(k) ≠ 0`, when determined.
    pub k: Option<usize>,
    pub judged: Judged,
}

/// The derivatives at a minimum, in the exact scalar when possible.
#[derive(Clone, Debug)]
pub struct Derivs {
    /// `d[j] = f^(j)(x̄)`: `j = 0..=5`, or `0..=LEMMA1_MAX_ORDER + 1` when `f''' = f'''' = 0`
    /// exactly (Lemma 1 then needs the higher orders).
    pub d: Vec<Num>,
}

impl Derivs {
    pub fn at(loss: &Loss, z: &Zero) -> MathResult<Derivs> {
        // Order 5 settles Theorem 1 and Lemma 1 unless f''' and f'''' are both exactly zero;
        // only then are the higher orders (costly in series arithmetic) computed.
        let d = derivatives_at(loss, z, 5)?;
        if sign_of(&d[3]) == Sign::Zero && sign_of(&d[4]) == Sign::Zero {
            return Ok(Derivs { d: derivatives_at(loss, z, LEMMA1_MAX_ORDER + 1)? });
        }
        Ok(Derivs { d })
    }
}

/// `3 a² − b c` in the arithmetic of the inputs (exact if all are exact).
fn theorem1_value(f2: &Num, f3: &Num, f4: &Num, prec: u32) -> Num {
    if let (Some(a), Some(b), Some(c)) = (f3.pi_exact(), f2.pi_exact(), f4.pi_exact()) {
        let v = a.mul(&a).mul_int(3).sub(&b.mul(&c));
        return Num::from_pipoly(v);
    }
    let (a, b, c) = (f3.to_interval(prec), f2.to_interval(prec), f4.to_interval(prec));
    Num::Enclosed(a.sqr().mul(&Interval::from_int(3, prec)).sub(&b.mul(&c)))
}

/// Judges Theorem 1's two conditions.
pub fn theorem1(dv: &Derivs, prec: u32) -> Theorem1 {
    let value = theorem1_value(&dv.d[2], &dv.d[3], &dv.d[4], prec);
    let cond_i = match sign_of(&dv.d[3]) {
        Sign::Pos | Sign::Neg => Judged::new(Verdict::Pass, "f''' != 0"),
        Sign::Zero => Judged::new(Verdict::Fail, "f''' = 0 exactly (condition (i) fails; see Lemma 1)"),
        Sign::Unknown => Judged::new(Verdict::Undecided, "the enclosure of f''' contains 0"),
    };
    let cond_ii = match sign_of(&value) {
        Sign::Pos => Judged::new(Verdict::Pass, "3f'''^2 - f''f'''' > 0"),
        Sign::Neg => Judged::new(Verdict::Fail, "3f'''^2 - f''f'''' < 0 (certified)"),
        Sign::Zero => Judged::new(Verdict::Fail, "3f'''^2 - f''f'''' = 0 exactly"),
        Sign::Unknown => Judged::new(Verdict::Undecided, "the enclosure of 3f'''^2 - f''f'''' contains 0"),
    };
    let verdict = cond_i.verdict.and(cond_ii.verdict);
    let reason = match verdict {
        Verdict::Pass => "f''' != 0 and 3f'''^2 - f''f'''' > 0".to_string(),
        _ => {
            let mut r = Vec::new();
            if cond_i.verdict != Verdict::Pass {
                r.push(format!("(i): {}", cond_i.reason));
            }
            if cond_ii.verdict != Verdict::Pass {
                r.push(format!("(ii): {}", cond_ii.reason));
            }
            r.join("; ")
        }
    };
    Theorem1 { judged: Judged::new(verdict, reason), value }
}

/// Judges Lemma 1: finds the lowest order `k ≥ 3` with `f^(k) ≠ 0` and checks the paper's
/// condition for it — `k = 3`: Theorem 1's (ii); `k ≥ 4` even: `f^(k) < 0`; `k ≥ 5` odd:
/// `f^(k+1) < 0`.
pub fn lemma1(dv: &Derivs, prec: u32) -> Lemma1 {
    for k in 3..=LEMMA1_MAX_ORDER.min(dv.d.len() - 2) {
        match sign_of(&dv.d[k]) {
            Sign::Zero => continue,
            Sign::Unknown => {
                return Lemma1 {
                    k: None,
                    judged: Judged::new(
                        Verdict::Undecided,
                        format!(
                            "f^({k}) encloses 0 and cannot be proved exactly zero or non-zero (the minimum is known only as an enclosure, or the loss is not exact there)"
                        ),
                    ),
                };
            }
            s => {
                let judged = if k == 3 {
                    let t = theorem1(dv, prec);
                    Judged::new(t.judged.verdict, format!("k = 3: Theorem 1's condition: {}", t.judged.reason))
                } else if k % 2 == 0 {
                    match s {
                        Sign::Neg => Judged::new(Verdict::Pass, format!("k = {k} is even and f^({k}) < 0")),
                        _ => Judged::new(Verdict::Fail, format!("k = {k} is even but f^({k}) > 0")),
                    }
                } else {
                    match sign_of(&dv.d[k + 1]) {
                        Sign::Neg => Judged::new(Verdict::Pass, format!("k = {k} is odd and f^({}) < 0", k + 1)),
                        Sign::Pos | Sign::Zero => {
                            Judged::new(Verdict::Fail, format!("k = {k} is odd but f^({}) >= 0", k + 1))
                        }
                        Sign::Unknown => Judged::new(Verdict::Undecided, format!("k = {k} is odd; f^({}) encloses 0", k + 1)),
                    }
                };
                return Lemma1 { k: Some(k), judged };
            }
        }
    }
    Lemma1 {
        k: None,
        judged: Judged::new(Verdict::Fail, format!("f^(k) = 0 exactly for every k in 3..={LEMMA1_MAX_ORDER}")),
    }
}

/// Proposition 1 for `f = (g − y)²` at a point `x̄` with `g(x̄) = y`: hypotheses
/// (i) `g'(x̄) ≠ 0`, (ii) `g' g''' < 6 g''²`, and the conclusion (Theorem 1's or Lemma 1's
/// condition on `f`), judged independently.
#[derive(Clone, Debug)]
pub struct Prop1 {
    pub hypotheses: Judged,
    pub conclusion: Judged,
    /// The verdict on the implication: PASS when hypotheses and conclusion are both certified,
    /// FAIL when the hypotheses hold and the conclusion is refuted (a counterexample to the
    /// proposition), UNDECIDED otherwise (including hypotheses that fail: the proposition then
    /// says nothing).
    pub judged: Judged,
    /// `6 g''² − g' g'''`.
    pub margin: Num,
}

/// Proposition 1's hypotheses on `g` at a point from its derivatives: (i) `g' != 0`,
/// (ii) `g' g''' < 6 g''^2`. Returns the verdict and the margin `6 g''^2 - g' g'''`.
pub fn prop1_hypotheses(g: &Derivs, prec: u32) -> (Judged, Num) {
    let (g1, g2, g3) = (&g.d[1], &g.d[2], &g.d[3]);
    let margin = match (g1.pi_exact(), g2.pi_exact(), g3.pi_exact()) {
        (Some(a), Some(b), Some(c)) => Num::from_pipoly(b.mul(&b).mul_int(6).sub(&a.mul(&c))),
        _ => {
            let (a, b, c) = (g1.to_interval(prec), g2.to_interval(prec), g3.to_interval(prec));
            Num::Enclosed(b.sqr().mul(&Interval::from_int(6, prec)).sub(&a.mul(&c)))
        }
    };
    let h_i = match sign_of(g1) {
        Sign::Pos | Sign::Neg => Verdict::Pass,
        Sign::Zero => Verdict::Fail,
        Sign::Unknown => Verdict::Undecided,
    };
    let h_ii = Verdict::positive(sign_of(&margin));
    (Judged::new(h_i.and(h_ii), format!("(i) g' != 0: {h_i}; (ii) g'g''' < 6g''^2: {h_ii}")), margin)
}

/// Judges Proposition 1 from the derivatives of `g` and of `f` at `x̄`.
pub fn prop1(g: &Derivs, f: &Derivs, prec: u32) -> Prop1 {
    let (hypotheses, margin) = prop1_hypotheses(g, prec);
    let hyp_v = hypotheses.verdict;
    let t1 = theorem1(f, prec);
    let l1 = lemma1(f, prec);
    let conc_v = match (t1.judged.verdict, l1.judged.verdict) {
        (Verdict::Pass, _) | (_, Verdict::Pass) => Verdict::Pass,
        (Verdict::Fail, Verdict::Fail) => Verdict::Fail,
        _ => Verdict::Undecided,
    };
    let conclusion = Judged::new(conc_v, format!("Theorem 1: {}; Lemma 1: {}", t1.judged.verdict, l1.judged.verdict));
    let judged = match (hyp_v, conc_v) {
        (Verdict::Pass, Verdict::Pass) => Judged::new(Verdict::Pass, "hypotheses and conclusion both certified"),
        (Verdict::Pass, Verdict::Fail) => {
            Judged::new(Verdict::Fail, "the hypotheses hold but the conclusion is refuted: a counterexample")
        }
        (Verdict::Fail, _) => Judged::new(Verdict::Undecided, "the hypotheses do not hold here; Proposition 1 says nothing"),
        _ => Judged::new(Verdict::Undecided, "hypotheses or conclusion could not be certified"),
    };
    Prop1 { hypotheses, conclusion, judged, margin }
}
