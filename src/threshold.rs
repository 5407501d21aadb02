//! Learning-rate thresholds of the period-2 orbit near a minimum: its birth (`η = 2/f''`),
//! the superstable point (multiplier 0) and the period-doubling point (multiplier −1).
//!
//! GD is `F(x) = x − η f'(x)`; a period-2 orbit `x1 ≠ x2` has multiplier
//! `μ = F'(x1) F'(x2) = (1 − η f''(x1))(1 − η f''(x2))`. The orbit is born from the minimum
//! `x̄` at `η = 2/f''(x̄)` with `μ = 1`; the events asked for are the learning rates `η*` at
//! which the orbit's multiplier reaches a target `t ∈ {0, −1}`.
//!
//! Guarantees (every number returned is proved; nothing is rounded to f64):
//!
//! - **Minimum.** The minimum is certified by `minima.rs` (a unique zero of `f'` with `f'' > 0`
//!   certified). The *orbit window* `W` is the part of the search interval between the
//!   neighbouring critical points of the minimum (their exact values, or the inner ends of their
//!   enclosures; the interval's ends where there is none); every statement about "the orbit" is
//!   about period-2 orbits with both points in `W`.
//! - **Birth.** `η* = 2/f''(x̄)`: exact when `f''(x̄)` is exact (rational, or in Q\[π\]); for a
//!   polynomial loss with rational coefficients at an irrational `x̄`, an exact algebraic number:
//!   a factor of `Res_x(f'(x), η f''(x) − 2)` (which vanishes at `η*`), with an isolating
//!   interval proved by Sturm's theorem to hold exactly one root of it, and inside the certified
//!   enclosure of `2/f''(x̄)`; otherwise an enclosure of width < 1e-30.
//! - **Event functions.** The event is a zero of `g = μ − t`; for `t = 0` also of a factor
//!   `u = F'(x1)` or `v = F'(x2)` (`μ = u v`), which cross zero transversally where `μ` may only
//!   touch it (a symmetric orbit has `μ = u² ≥ 0`, e.g. `2 sin x`). A certified sign change of any
//!   of them along the orbit proves (by continuity) that `μ = t` somewhere in between.
//! - **Multiplier events, exact path** (polynomial loss with rational coefficients): with
//!   `P(x, η) = (F(F(x)) − x)/(F(x) − x)` (exact division in Q\[η\]\[x\], remainder checked zero)
//!   and `M(x, η) = (1 − η f''(x))(1 − η f''(F(x)))`, `R(η) = Res_x(P, M − t)` vanishes at every
//!   `η` at which some period-2 orbit (real or complex) has multiplier `t`. The real roots of its
//!   square-free part (the factor `η^k` removed: `η = 0` is no learning rate) in the range are
//!   isolated by Sturm's theorem. A root `η*` with isolating interval `[a, b]` is *the event of
//!   the orbit in W* when, proved with intervals: for every `η ∈ [a, b]` there is exactly one
//!   period-2 orbit with both points in `W` (Krawczyk with interval `η`, a complete search), and
//!   an event function has certified opposite signs at `η = a` and `η = b` (the orbit at each
//!   endpoint located inside the uniqueness box of the interval search, so it is the same
//!   branch, which depends continuously on `η`: a unique zero in a fixed box for every `η`).
//!   Then the branch's multiplier equals `t` somewhere in `[a, b]`, where `R` vanishes; `R` has
//!   exactly one root there, so that is `η*`. The minimal polynomial is the factor of `R`
//!   holding the root (irreducibility proved for degree ≤ 4, flagged otherwise); the closed form
//!   is given for degree ≤ 2. Roots of `R` below `η*` in the range are each either *excluded*
//!   (for every `η` in their isolating interval, all period-2 orbits in `W` are found, and for
//!   each `μ − t`, or both `u` and `v` when `t = 0`, is certified non-zero) or reported as
//!   undecided; `first_in_range` is true only when all are excluded (between roots of `R` no
//!   orbit at all has multiplier `t`).
//! - **Multiplier events, enclosure path** (any other loss, or when the exact path cannot
//!   certify): a bracket `[a, b]` where (as above) the orbit in `W` is unique for every `η` in it
//!   and an event function `g` changes sign (certified), so an event exists in `[a, b]`; then
//!   Krawczyk on the 3-D system `(A, B, g)(m, s, η) = 0` (`A`, `B` the desingularised period-2
//!   equations of `orbit.rs`) over a box containing every (m, s) of the orbit for every
//!   `η ∈ [a, b]`, with a complete search that finds exactly one zero: so the zero of `g` in
//!   `[a, b]` is unique (for `g = u`, the other factor `v` is certified non-zero over the bracket,
//!   or its unique zero is found too and both lie in the enclosure), and lies in the returned
//!   enclosure (width < 1e-30, refined by Krawczyk at raised precision inside the uniqueness
//!   box). `first_in_range` is true when complete 3-D searches over
//!   `W × [0, s_max] × [range start, a]` find no zero (no orbit in `W` has multiplier `t`
//!   there). The bracket is located heuristically (a scan of learning rates and bisection on the
//!   sign, or the first event a complete 3-D search of the range certifies); the location
//!   method is never part of the proof.
//!
//! What is *not* claimed: that the orbit in `W` is the same orbit, by continuation, as the one
//! born at `x̄` (it is the unique orbit with both points in `W` at the threshold), and, when
//! `first_in_range` is false, that no earlier event exists.

use crate::error::MathResult;
use crate::eval::{taylor_1d, Num};
use crate::expr::Loss;
use crate::interval::Interval;
use crate::krawczyk::{self, Budget, System};
use crate::minima::{self, critical_points, derivatives_at, DerivativeZeros, Kind};
use crate::orbit::{multiplier_centered, period2_orbits, Orbit, Period2};
use crate::poly::{from_expr, Poly};
use crate::poly2::Poly2;
use crate::scalar::{Scalar, Sign};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed};
use std::time::Instant;

type Q = BigRational;

fn qi(n: i64) -> Q {
    Q::from_integer(BigInt::from(n))
}

/// `10^k` as a rational.
fn pow10(k: usize) -> Q {
    Q::from_integer(num_traits::pow(BigInt::from(10), k))
}

/// The width every reported enclosure must beat.
fn width_goal() -> Q {
    Q::new(BigInt::one(), num_traits::pow(BigInt::from(10), 30))
}

// ====================================================================== the minimum

/// The certified minimum a threshold refers to.
#[derive(Clone, Debug)]
pub struct Minimum {
    pub zero: minima::Zero,
    /// `f''(x̄)`: exact when the point and the loss allow, else enclosed (certified > 0).
    pub f2: Num,
    /// The orbit window `W`: the search interval strictly between the neighbouring critical
    /// points (or its ends).
    pub window: Interval,
    /// The number of certified minima in the search interval.
    pub minima_found: usize,
    /// The critical-point search covered the whole interval.
    pub search_complete: bool,
}

/// Finds the certified minimum: the one nearest `near` when given, else the unique one in
/// `domain`. Errors (one sentence): [`ThresholdError::NoEvent`] when there is proved to be
/// none, or several without `near`, or a tie; [`ThresholdError::Failed`] when none could be
/// certified because the search was incomplete (a budget, or a degenerate minimum).
pub fn select_minimum(loss: &Loss, domain: &Interval, near: Option<&Num>, budget: &Budget) -> Result<Minimum, ThresholdError> {
    let p = domain.prec();
    let (crit, search) = critical_points(loss, domain, budget);
    let mins: Vec<usize> = (0..crit.len()).filter(|&i| crit[i].kind == Kind::Minimum).collect();
    let complete = search.undecided.is_empty();
    // A critical point where f'' > 0 is not certified (e.g. f'' = 0 exactly, as for x^4 at 0)
    // may still be a minimum: "no minimum" is then not proved.
    let degenerate: Vec<String> = crit.iter().filter(|c| c.kind == Kind::Degenerate).map(|c| c.zero.point.describe(20)).collect();
    if mins.is_empty() && !degenerate.is_empty() {
        return Err(ThresholdError::Failed(format!(
            "no local minimum could be certified in the interval {domain}: the search was incomplete (degenerate critical point(s) at {}, where f'' is not certified non-zero, may be minima)",
            degenerate.join(", ")
        )));
    }
    if mins.is_empty() {
        return Err(if complete {
            ThresholdError::NoEvent(format!("there is no local minimum of the loss in the interval {domain} (proved)"))
        } else {
            ThresholdError::Failed(format!(
                "no local minimum could be certified in the interval {domain}: the search was incomplete ({} region(s) undecided: a budget, or a degenerate critical point)",
                search.undecided.len()
            ))
        });
    }
    let pick = match near {
        None if mins.len() == 1 => mins[0],
        None => {
            let pts: Vec<String> = mins.iter().map(|&i| crit[i].zero.point.describe(64)).collect();
            return Err(ThresholdError::NoEvent(format!(
                "the interval {domain} holds {} minima ({}); choose one with --near X",
                mins.len(),
                pts.join(", ")
            )));
        }
        Some(x) => {
            let xi = x.to_interval(p);
            let dist: Vec<Interval> = mins.iter().map(|&i| crit[i].zero.enclosure.sub(&xi).abs()).collect();
            let mut best = 0;
            for k in 1..dist.len() {
                if dist[k].hi() < dist[best].hi() {
                    best = k;
                }
            }
            for k in 0..dist.len() {
                if k != best && !dist[best].certainly_lt(&dist[k]) {
                    return Err(ThresholdError::NoEvent(format!(
                        "--near {} is equally close to two minima ({} and {}); move it towards one",
                        x.describe(64),
                        crit[mins[best]].zero.point.describe(64),
                        crit[mins[k]].zero.point.describe(64)
                    )));
                }
            }
            mins[best]
        }
    };
    let z = crit[pick].zero.clone();
    let f2 = derivatives_at(loss, &z, 2).map_err(|e| ThresholdError::Failed(format!("cannot evaluate f'' at the minimum: {e}")))?.swap_remove(2);
    // A neighbouring critical point bounds the window (its exact value when known).
    let at = |i: usize| if crit[i].zero.point.is_exact() { crit[i].zero.point.to_interval(p) } else { crit[i].zero.enclosure.clone() };
    let lo = if pick > 0 { at(pick - 1).hi().clone() } else { domain.lo().clone() };
    let hi = if pick + 1 < crit.len() { at(pick + 1).lo().clone() } else { domain.hi().clone() };
    let window = Interval::new(lo, hi).map_err(|e| ThresholdError::Failed(format!("orbit window: {e}")))?;
    Ok(Minimum { zero: z, f2, window, minima_found: mins.len(), search_complete: complete })
}

// ====================================================================== results

/// A real algebraic number: a root of an integer polynomial, isolated by decimal rationals.
#[derive(Clone, Debug)]
pub struct Algebraic {
    /// Integer coefficients, lowest degree first, primitive, positive leading coefficient.
    pub minpoly: Vec<BigInt>,
    /// Irreducibility over Q is proved (always attempted; decided for degree ≤ 4).
    pub irreducible: bool,
    /// `[lo, hi]`: exactly one real root of `minpoly` (Sturm), width < 1e-30; both are
    /// decimal fractions, printed exactly in `lo_str`, `hi_str`.
    pub lo: Q,
    pub hi: Q,
    pub lo_str: String,
    pub hi_str: String,
    /// For degree ≤ 2: the root as a quadratic surd, e.g. `-1 + sqrt(5)`.
    pub closed_form: Option<String>,
}

/// How the value of a threshold is known.
#[derive(Clone, Debug)]
pub enum Value {
    /// Exactly this rational.
    Rational(Q),
    /// Exactly this expression with π (e.g. `2/(pi)`); the enclosure is in [`Threshold`].
    PiExact(String),
    /// Exactly this algebraic number.
    Algebraic(Algebraic),
    /// Only enclosed: see [`Threshold::enclosure`].
    Enclosed,
}

/// Which proof was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `2/f''` with `f''` exact at an exact minimum.
    BirthExact,
    /// `2/f''` over a certified enclosure of the minimum, plus `Res_x(f', η f'' − 2)`.
    BirthResultant,
    /// `2/f''` over a certified enclosure of the minimum.
    BirthEnclosure,
    /// `Res_x(P, M − t)`, Sturm isolation and a certified sign change of the real orbit.
    ExactResultant,
    /// Certified sign change and 3-D Krawczyk on `(m, s, η)`.
    Krawczyk3d,
}

impl Method {
    pub fn describe(self) -> &'static str {
        match self {
            Method::BirthExact => "exact: eta = 2/f''(x) with f'' evaluated exactly at the exact minimum",
            Method::BirthResultant => {
                "exact algebraic: a factor of Res_x(f'(x), eta*f''(x) - 2) with a root isolated (Sturm) inside the certified enclosure of 2/f''(x)"
            }
            Method::BirthEnclosure => "enclosure: 2/f''(x) over a certified enclosure of the minimum (the loss is not a polynomial with rational coefficients, or the minimum is not exact)",
            Method::ExactResultant => {
                "exact algebraic: Res_x(P, M - target) isolated by Sturm, the real orbit's event certified by a unique orbit (Krawczyk, interval eta) and a sign change of the multiplier"
            }
            Method::Krawczyk3d => {
                "enclosure: sign change of the multiplier of the unique orbit, then 3-D Krawczyk on (m, s, eta) proving a unique event in the bracket"
            }
        }
    }
}

/// The orbit at the threshold.
#[derive(Clone, Debug)]
pub struct OrbitAt {
    pub x1: Interval,
    pub x2: Interval,
    /// Enclosure of the multiplier over the orbit and the threshold's enclosure.
    pub multiplier: Interval,
    /// The (m, s) box where the orbit is unique for every learning rate of the bracket.
    pub unique_in: [Interval; 2],
}

/// A certified threshold.
#[derive(Clone, Debug)]
pub struct Threshold {
    pub value: Value,
    /// Contains `η*`; width < 1e-30.
    pub enclosure: Interval,
    pub method: Method,
    /// The steps of the proof, one sentence each.
    pub certificate: Vec<String>,
    /// The bracket `[a, b]` of the sign-change certificate (multiplier events).
    pub bracket: Option<(Q, Q)>,
    pub orbit: Option<OrbitAt>,
    /// Multiplier events: whether `η*` is proved to be the first event of an orbit in `W` in the
    /// learning-rate range. `None` for birth.
    pub first_in_range: Option<bool>,
    /// Remarks (fallbacks taken, roots left undecided, ...).
    pub notes: Vec<String>,
}

/// Why no threshold was returned.
#[derive(Clone, Debug, PartialEq)]
pub enum ThresholdError {
    /// Proved: no event in the learning-rate range.
    NoEvent(String),
    /// Nothing could be certified (with the reason).
    Failed(String),
}

impl std::fmt::Display for ThresholdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ThresholdError::NoEvent(s) | ThresholdError::Failed(s) => f.write_str(s),
        }
    }
}

// ====================================================================== exact helpers

/// `⌊q · 10^k⌋ / 10^k`.
fn dec_floor(q: &Q, k: usize) -> Q {
    let s = pow10(k);
    Q::from_integer((q * &s).floor().to_integer()) / s
}

/// `⌈q · 10^k⌉ / 10^k`.
fn dec_ceil(q: &Q, k: usize) -> Q {
    let s = pow10(k);
    Q::from_integer((q * &s).ceil().to_integer()) / s
}

/// The exact decimal expansion of a rational whose denominator divides `10^k`.
fn dec_string(q: &Q, k: usize) -> String {
    let n = (q * pow10(k)).to_integer();
    let neg = n.is_negative();
    let digits = n.abs().to_string();
    let digits = if digits.len() <= k { format!("{}{}", "0".repeat(k + 1 - digits.len()), digits) } else { digits };
    let (int, frac) = digits.split_at(digits.len() - k);
    let frac = frac.trim_end_matches('0');
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(int);
    if !frac.is_empty() {
        s.push('.');
        s.push_str(frac);
    }
    s
}

/// Decimal rationals `[lo, hi]` of width < 1e-30 isolating the unique root of `p` in `[l, h]`
/// (checked by Sturm). `None` when `[l, h]` does not isolate exactly one root of `p`.
fn decimal_isolating(p: &Poly, l: &Q, h: &Q) -> Option<(Q, Q, String, String)> {
    let mut k = 32;
    while k < 400 {
        let (rl, rh) = p.refine_root(l, h, &Q::new(BigInt::one(), num_traits::pow(BigInt::from(10), k + 1)))?;
        let (lo, hi) = (dec_floor(&rl, k), dec_ceil(&rh, k));
        if p.count_roots_closed(&lo, &hi) == Some(1) {
            let (ls, hs) = (dec_string(&lo, k), dec_string(&hi, k));
            return Some((lo, hi, ls, hs));
        }
        k += 8;
    }
    None
}

/// The closed form (degree ≤ 2) of the unique root of `minpoly` in `[lo, hi]`.
fn closed_form(minpoly: &Poly, lo: &Q, hi: &Q) -> Option<String> {
    let roots = minpoly.quadratic_roots_exact()?;
    let box_ = Interval::from_rationals(lo, hi, 256);
    let inside: Vec<_> = roots.iter().filter(|r| r.to_interval(256).is_ok_and(|i| box_.contains(&i))).collect();
    let outside = roots.iter().filter(|r| r.to_interval(256).is_ok_and(|i| !i.meets(&box_))).count();
    if inside.len() == 1 && inside.len() + outside == roots.len() {
        Some(inside[0].to_string())
    } else {
        None
    }
}

/// The exact algebraic value of the unique root of `r` in `[l, h]`: the factor of `r` holding
/// it (see [`Poly::minimal_polynomial_of_root`]), a decimal isolating interval, a closed form.
fn algebraic_root(r: &Poly, l: &Q, h: &Q) -> Option<Value> {
    let (coeffs, irreducible) = r.minimal_polynomial_of_root(l, h)?;
    let mp = Poly::from_bigints(&coeffs);
    if mp.degree() == Some(1) {
        return Some(Value::Rational(-mp.coeff(0) / mp.coeff(1)));
    }
    let (lo, hi, lo_str, hi_str) = decimal_isolating(&mp, l, h)?;
    let cf = if mp.degree().is_some_and(|d| d <= 2) { closed_form(&mp, &lo, &hi) } else { None };
    Some(Value::Algebraic(Algebraic { minpoly: coeffs, irreducible, lo, hi, lo_str, hi_str, closed_form: cf }))
}

/// `p(q(x, y))` for a univariate `p` (Horner over bivariate polynomials).
fn compose2(p: &Poly, q: &Poly2) -> Poly2 {
    p.coeffs().iter().rev().fold(Poly2::zero(), |acc, c| acc.mul(q).add(&Poly2::constant(c.clone())))
}

/// The exact quotient `a / b` in Q\[y\]\[x\] when the division leaves no remainder and every
/// quotient coefficient is a polynomial in `y`; `None` otherwise.
pub fn div_exact_x(a: &Poly2, b: &Poly2) -> Option<Poly2> {
    let db = b.deg_x()?;
    let lb = b.coeffs()[db].clone();
    let mut r = a.clone();
    let mut q: Vec<Poly> = vec![Poly::zero(); a.deg_x().map_or(0, |d| d.saturating_sub(db) + 1)];
    while let Some(dr) = r.deg_x() {
        if dr < db {
            return None; // a non-zero remainder
        }
        let t = r.coeffs()[dr].div_exact(&lb)?;
        let k = dr - db;
        let mut mono = vec![Poly::zero(); k];
        mono.push(t.clone());
        r = r.sub(&Poly2::from_coeffs(mono).mul(b));
        if r.deg_x().is_some_and(|d| d >= dr) {
            return None; // cannot happen: the leading term cancels exactly
        }
        q[k] = q[k].add(&t);
    }
    Some(Poly2::from_coeffs(q))
}

/// The orbit polynomial `P(x, η) = (F(F(x)) − x)/(F(x) − x)` and the multiplier polynomial
/// `M(x, η) = (1 − η f''(x))(1 − η f''(F(x)))`, `F = x − η f'(x)`, for a polynomial `f` over Q
/// (variable `x`, `y = η`). `None` when `f'` is zero or the division is not exact (impossible).
pub fn orbit_and_multiplier(f: &Poly) -> Option<(Poly2, Poly2)> {
    let f1 = f.derivative();
    let f2 = f1.derivative();
    if f1.is_zero() {
        return None;
    }
    let x = Poly2::x();
    let y = Poly2::y();
    let big_f = x.sub(&y.mul(&Poly2::from_x(&f1)));
    let ff = big_f.sub(&y.mul(&compose2(&f1, &big_f)));
    let p = div_exact_x(&ff.sub(&x), &big_f.sub(&x))?;
    let one = Poly2::one();
    let m = one.sub(&y.mul(&Poly2::from_x(&f2))).mul(&one.sub(&y.mul(&compose2(&f2, &big_f))));
    Some((p, m))
}

/// `R(η) = Res_x(P, M − t)`: zero at every `η` where some period-2 orbit (real or complex) has
/// multiplier `t`.
pub fn event_resultant(f: &Poly, target: i64) -> Option<Poly> {
    let (p, m) = orbit_and_multiplier(f)?;
    let r = p.resultant_x(&m.sub(&Poly2::constant(qi(target))));
    if r.is_zero() {
        None
    } else {
        Some(r)
    }
}

/// The square-free part of `r` with the factor `η^k` removed (`η = 0` is never a learning
/// rate): the same distinct non-zero roots, each simple. `None` for the zero polynomial.
pub fn reduced(r: &Poly) -> Option<Poly> {
    if r.is_zero() {
        return None;
    }
    let k = r.coeffs().iter().take_while(|c| num_traits::Zero::is_zero(*c)).count();
    let stripped = Poly::from_coeffs(r.coeffs()[k..].to_vec());
    Some(stripped.squarefree().monic())
}

/// The polynomial loss over Q, if the loss is one.
pub fn polynomial_loss(loss: &Loss) -> Option<Poly> {
    if loss.vars.len() != 1 {
        return None;
    }
    from_expr(&loss.expr, 0)
}

// ====================================================================== birth

/// The birth threshold `η* = 2/f''(x̄)` (see the module guarantees).
pub fn birth(loss: &Loss, min: &Minimum, prec: u32, deadline: Option<Instant>) -> Result<Threshold, ThresholdError> {
    let prec = prec.max(128);
    let mut cert = vec![format!(
        "the minimum x = {} is certified (a unique zero of f' in {} with f'' > 0 certified)",
        min.zero.point.describe(prec),
        min.zero.verified
    )];
    // Exact f''.
    if let Some(p2) = min.f2.pi_exact() {
        if let Some(q) = p2.as_rational() {
            if !q.is_positive() {
                return Err(ThresholdError::Failed("f'' at the minimum is not positive".into()));
            }
            let eta = qi(2) / &q;
            cert.push(format!(
                "f''(x) = {} exactly, so eta = 2/f''(x) = {} exactly",
                crate::numfmt::rational_string(&q),
                crate::numfmt::rational_string(&eta)
            ));
            return Ok(Threshold {
                enclosure: Interval::from_rational(&eta, prec),
                value: Value::Rational(eta),
                method: Method::BirthExact,
                certificate: cert,
                bracket: None,
                orbit: None,
                first_in_range: None,
                notes: vec![],
            });
        }
        let two = Interval::from_int(2, prec + 64);
        let enc = two.div(&p2.enclose(prec + 64)).map_err(|e| ThresholdError::Failed(format!("2/f'': {e}")))?;
        cert.push(format!("f''(x) = {p2} exactly (in Q[pi]), so eta = 2/({p2}) exactly"));
        return Ok(Threshold {
            value: Value::PiExact(format!("2/({p2})")),
            enclosure: enc,
            method: Method::BirthExact,
            certificate: cert,
            bracket: None,
            orbit: None,
            first_in_range: None,
            notes: vec![],
        });
    }
    // Enclosure of 2/f'' at raised precision, until narrower than 1e-30.
    let goal = Interval::from_rational(&width_goal(), 64);
    let mut p = prec;
    let enc = loop {
        let e = birth_enclosure(loss, min, p)?;
        if e.width_interval().certainly_lt(&goal) {
            break e;
        }
        if p >= 4096 {
            return Err(ThresholdError::Failed(format!("2/f'' could not be enclosed to width 1e-30 (reached {e} at {p} bits)")));
        }
        if deadline.is_some_and(|d| Instant::now() > d) {
            return Err(ThresholdError::Failed("time budget reached while enclosing 2/f''".into()));
        }
        p *= 2;
    };
    cert.push(format!("2/f''(x) evaluated in interval arithmetic over a certified enclosure of the minimum at {p} bits: {enc}"));
    // Polynomial loss: the exact algebraic number.
    if let Some(f) = polynomial_loss(loss) {
        let f1 = f.derivative();
        let f2 = f1.derivative();
        let g = Poly2::y().mul(&Poly2::from_x(&f2)).sub(&Poly2::constant(qi(2)));
        let r = Poly2::from_x(&f1).resultant_x(&g);
        if let (false, Some(l), Some(h)) = (r.is_zero(), enc.lo_rational(), enc.hi_rational()) {
            if r.count_roots_closed(&l, &h) == Some(1) {
                if let Some(v) = algebraic_root(&r, &l, &h) {
                    cert.push("R(eta) = Res_x(f'(x), eta*f''(x) - 2) vanishes at eta = 2/f''(x) and has exactly one real root in the enclosure (Sturm): that root is eta".into());
                    let enclosure = match &v {
                        Value::Rational(q) => Interval::from_rational(q, p),
                        Value::Algebraic(a) => Interval::from_rationals(&a.lo, &a.hi, p).intersect(&enc).unwrap_or(enc.clone()),
                        _ => enc.clone(),
                    };
                    return Ok(Threshold {
                        value: v,
                        enclosure,
                        method: Method::BirthResultant,
                        certificate: cert,
                        bracket: None,
                        orbit: None,
                        first_in_range: None,
                        notes: vec![],
                    });
                }
            }
        }
    }
    Ok(Threshold {
        value: Value::Enclosed,
        enclosure: enc,
        method: Method::BirthEnclosure,
        certificate: cert,
        bracket: None,
        orbit: None,
        first_in_range: None,
        notes: vec![],
    })
}

/// `2/f''` over an enclosure of the minimum re-certified at `p` bits (inside its uniqueness box).
fn birth_enclosure(loss: &Loss, min: &Minimum, p: u32) -> Result<Interval, ThresholdError> {
    let z = &min.zero;
    let enc = if z.enclosure.prec() >= p {
        z.enclosure.clone()
    } else {
        let sys = DerivativeZeros { loss, k: 1 };
        let found = krawczyk::verify_around(&sys, &[z.enclosure.with_prec(p)], 16)
            .ok_or_else(|| ThresholdError::Failed(format!("could not re-certify the minimum at {p} bits")))?;
        if !z.verified.contains(&found.enclosure[0]) {
            return Err(ThresholdError::Failed("the re-certified minimum left its uniqueness interval".into()));
        }
        found.enclosure[0].clone()
    };
    let f2 = taylor_1d(loss, &enc, 2).map_err(|e| ThresholdError::Failed(format!("f'' at the minimum: {e}")))?.derivative(2);
    if !f2.is_pos() {
        return Err(ThresholdError::Failed(format!("f'' at the minimum is not certified positive: {f2}")));
    }
    Interval::from_int(2, p).div(&f2).map_err(|e| ThresholdError::Failed(format!("2/f'': {e}")))
}

/// The default learning-rate range `[2/f''(x̄), 10 · 2/f''(x̄)]` as rationals (outward).
pub fn default_range(min: &Minimum, prec: u32) -> Option<(Q, Q)> {
    let p = prec.max(128);
    let b = match min.f2.exact() {
        Some(q) if q.is_positive() => Interval::from_rational(&(qi(2) / q), p),
        _ => Interval::from_int(2, p).div(&min.f2.to_interval(p)).ok()?,
    };
    Some((b.lo_rational()?, b.hi_rational()? * qi(10)))
}

// ====================================================================== the 3-D event system

/// The function whose zero is the event. For the multiplier target `t`: `μ − t`; for `t = 0`
/// also the factors `u = F'(x1) = 1 − η f''(x1)` and `v = F'(x2) = 1 − η f''(x2)` (`μ = u v`, so
/// `μ = 0` exactly when `u = 0` or `v = 0`). The factors cross zero transversally where `μ`
/// only touches it (a symmetric orbit has `u = v` and `μ = u² ≥ 0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventFn {
    Multiplier,
    FirstFactor,
    SecondFactor,
}

impl EventFn {
    fn name(self, target: i64) -> String {
        match self {
            EventFn::Multiplier => format!("multiplier - ({target})"),
            EventFn::FirstFactor => "F'(x1) = 1 - eta f''(x1)".into(),
            EventFn::SecondFactor => "F'(x2) = 1 - eta f''(x2)".into(),
        }
    }
    /// The event functions worth trying for a target.
    fn candidates(target: i64) -> &'static [EventFn] {
        if target == 0 {
            &[EventFn::Multiplier, EventFn::FirstFactor, EventFn::SecondFactor]
        } else {
            &[EventFn::Multiplier]
        }
    }
}

/// `(A, B, g)(m, s, η)`: the desingularised period-2 equations of `orbit.rs` and the event
/// function `g` ([`EventFn`]), as a Krawczyk system in `(m, s, η)`.
///
/// Enclosures: `A`, `B` and their `(m, s)` derivatives come from [`Period2`] with `η` the box's
/// `η` interval; `μ` from [`multiplier_centered`] (valid down to `s = 0`);
/// `∂B/∂η = −(f'(m+h) − f'(m−h))/h ∈ −2 f''(H)` on the hull `H = m ± √s` (mean value);
/// `∂μ/∂m = −η (f'''(x1) v + f'''(x2) u)`, `∂μ/∂η = −(f''(x1) v + f''(x2) u)` with
/// `u = 1 − η f''(x1)`, `v = 1 − η f''(x2)`, `x1,2 = m ∓ h`; `∂μ/∂s ∈ −η f''''(H) +
/// η² (f''(H) f''''(H) − f'''(H) f'''(H))` (mean value, valid down to `h = 0`), intersected with
/// the direct `η (f'''(x1) v − f'''(x2) u)/(2h)` when `h > 0`. For the factors:
/// `∂u = (−η f'''(x1), η f'''(x1)/(2h), −f''(x1))`, `∂v = (−η f'''(x2), −η f'''(x2)/(2h), −f''(x2))`
/// (these need `h > 0`: on boxes reaching `s = 0` the Jacobian is an error, never a wrong value).
pub struct EventSystem<'a> {
    pub loss: &'a Loss,
    /// The target multiplier `t`.
    pub target: i64,
    pub func: EventFn,
    /// The interval both orbit points must lie in.
    pub domain: Interval,
}

impl EventSystem<'_> {
    fn period2(&self, eta: &Interval) -> Period2<'_> {
        Period2 { loss: self.loss, eta: eta.clone(), domain: self.domain.clone() }
    }
}


/// The event function `g` over a box (see [`EventSystem`]).
pub fn event_value(loss: &Loss, func: EventFn, target: i64, m: &Interval, s: &Interval, eta: &Interval) -> MathResult<Interval> {
    let p = m.prec();
    let one = Interval::from_int(1, p);
    match func {
        EventFn::Multiplier => Ok(multiplier_centered(loss, eta, m, s)?.sub(&Interval::from_int(target, p))),
        EventFn::FirstFactor => Ok(one.sub(&eta.mul(&crate::orbit::fp(loss, &m.sub(&crate::orbit::Period2::h(s)?), 2)?[2]))),
        EventFn::SecondFactor => Ok(one.sub(&eta.mul(&crate::orbit::fp(loss, &m.add(&crate::orbit::Period2::h(s)?), 2)?[2]))),
    }
}

impl System for EventSystem<'_> {
    fn dim(&self) -> usize {
        3
    }
    fn value(&self, x: &[Interval]) -> MathResult<Vec<Interval>> {
        let (m, s, eta) = (&x[0], &x[1], &x[2]);
        let mut v = self.period2(eta).value(&x[..2])?;
        v.push(event_value(self.loss, self.func, self.target, m, s, eta)?);
        Ok(v)
    }
    fn jacobian(&self, x: &[Interval]) -> MathResult<Vec<Vec<Interval>>> {
        let (m, s, eta) = (&x[0], &x[1], &x[2]);
        let p = m.prec();
        let j2 = self.period2(eta).jacobian(&x[..2])?;
        let h = crate::orbit::Period2::h(s)?;
        let hull = m.add(&Interval::new(-h.hi().clone(), h.hi().clone()).expect("h >= 0"));
        let dh = crate::orbit::fp(self.loss, &hull, 4)?;
        let (x1, x2) = (m.sub(&h), m.add(&h));
        let d1 = crate::orbit::fp(self.loss, &x1, 3)?;
        let d2 = crate::orbit::fp(self.loss, &x2, 3)?;
        let one = Interval::from_int(1, p);
        let two = Interval::from_int(2, p);
        let u = one.sub(&eta.mul(&d1[2]));
        let v = one.sub(&eta.mul(&d2[2]));
        // ∂B/∂η
        let mut b_eta = two.mul(&dh[2]).neg();
        if h.is_pos() {
            let direct = d2[1].sub(&d1[1]).div(&h)?.neg();
            if let Some(i) = b_eta.intersect(&direct) {
                b_eta = i;
            }
        }
        let row3 = match self.func {
            EventFn::Multiplier => {
                let mu_m = eta.mul(&d1[3].mul(&v).add(&d2[3].mul(&u))).neg();
                let mu_eta = d1[2].mul(&v).add(&d2[2].mul(&u)).neg();
                let mut mu_s = eta.mul(&dh[4]).neg().add(&eta.sqr().mul(&dh[2].mul(&dh[4]).sub(&dh[3].mul(&dh[3]))));
                if h.is_pos() {
                    let direct = eta.mul(&d1[3].mul(&v).sub(&d2[3].mul(&u))).div(&two.mul(&h))?;
                    if let Some(i) = mu_s.intersect(&direct) {
                        mu_s = i;
                    }
                }
                vec![mu_m, mu_s, mu_eta]
            }
            EventFn::FirstFactor => {
                let e3 = eta.mul(&d1[3]);
                vec![e3.neg(), e3.div(&two.mul(&h))?, d1[2].neg()]
            }
            EventFn::SecondFactor => {
                let e3 = eta.mul(&d2[3]);
                vec![e3.neg(), e3.div(&two.mul(&h))?.neg(), d2[2].neg()]
            }
        };
        let zero = Interval::from_int(0, p);
        Ok(vec![
            vec![j2[0][0].clone(), j2[0][1].clone(), zero],
            vec![j2[1][0].clone(), j2[1][1].clone(), b_eta],
            row3,
        ])
    }
    fn exclude(&self, x: &[Interval]) -> bool {
        self.period2(&x[2]).exclude(&x[..2])
    }
}

// ====================================================================== orbit certificates

/// Budget for one orbit search (a narrow learning-rate interval).
fn orbit_budget(prec: u32, deadline: Option<Instant>) -> Budget {
    Budget::new(4000, -(prec as i32) / 2, deadline)
}


/// The sign is certified non-zero.
fn decided(s: Sign) -> bool {
    matches!(s, Sign::Pos | Sign::Neg)
}

/// The event functions of an orbit over its (m, s) enclosure and `η` (in the order of
/// [`EventFn::candidates`]).
fn event_values(loss: &Loss, target: i64, ms: &[Interval; 2], eta: &Interval) -> Vec<(EventFn, Interval)> {
    EventFn::candidates(target)
        .iter()
        .filter_map(|&g| event_value(loss, g, target, &ms[0], &ms[1], eta).ok().map(|v| (g, v)))
        .collect()
}

/// Proved free of events: `μ − t ≠ 0`, or for `t = 0` both factors `≠ 0`.
fn event_free(vals: &[(EventFn, Interval)]) -> bool {
    let ok = |g: EventFn| vals.iter().any(|(h, v)| *h == g && decided(v.sign()));
    ok(EventFn::Multiplier) || (ok(EventFn::FirstFactor) && ok(EventFn::SecondFactor))
}

/// The orbit of the branch `o` (certified unique in `o.verified` for every `η` of its search)
/// at the learning rate(s) `eta` of that search: located by ε-inflation and accepted only
/// inside `o.verified`, so it is the same branch. Returns the (m, s) enclosure.
fn branch_at(loss: &Loss, eta: &Interval, window: &Interval, o: &Orbit) -> Option<[Interval; 2]> {
    let sys = Period2 { loss, eta: eta.clone(), domain: window.clone() };
    let z = krawczyk::verify_around(&sys, &o.ms, 12)?;
    let inside = o.verified[0].contains(&z.enclosure[0]) && o.verified[1].contains(&z.enclosure[1]);
    if !inside || !z.enclosure[1].is_pos() {
        return None;
    }
    Some([z.enclosure[0].clone(), z.enclosure[1].clone()])
}

/// A certified sign change on `[a, b]`: the unique orbit in the window for every `η ∈ [a, b]`
/// and the event function `func` with opposite certified signs at the ends.
struct SignChange {
    orbit: Orbit,
    func: EventFn,
    at_a: Interval,
    at_b: Interval,
    mu_a: Interval,
    mu_b: Interval,
    /// Every event function of the orbit, over the whole bracket.
    over: Vec<(EventFn, Interval)>,
}

/// What a learning-rate interval says about the event.
enum Bracket {
    /// A certified sign change.
    Event(Box<SignChange>),
    /// Proved: no orbit in the window has multiplier `t` for any `η` in the interval.
    Excluded(String),
    /// Neither (with the reason).
    Undecided(String),
}

/// Examines `[a, b]` (see [`Bracket`]).
fn examine(loss: &Loss, a: &Q, b: &Q, window: &Interval, target: i64, prec: u32, deadline: Option<Instant>) -> Bracket {
    let eta = Interval::from_rationals(a, b, prec);
    let search = period2_orbits(loss, &eta, window, &orbit_budget(prec, deadline));
    if !search.undecided.is_empty() {
        return Bracket::Undecided(format!(
            "the orbit search for eta in [{}, {}] was incomplete ({})",
            short(a),
            short(b),
            search.undecided[0].reason
        ));
    }
    let over: Vec<Vec<(EventFn, Interval)>> = search.orbits.iter().map(|o| event_values(loss, target, &o.ms, &eta)).collect();
    if over.iter().all(|v| event_free(v)) {
        return Bracket::Excluded(format!(
            "for every eta in [{}, {}] the {} period-2 orbit(s) in the window are all found and each multiplier is certified different from {target}",
            short(a),
            short(b),
            search.orbits.len()
        ));
    }
    if search.orbits.len() != 1 {
        return Bracket::Undecided(format!("{} period-2 orbits in the window (a unique one is needed)", search.orbits.len()));
    }
    let o = search.orbits[0].clone();
    let (ea, eb) = (Interval::from_rational(a, prec), Interval::from_rational(b, prec));
    let (Some(ms_a), Some(ms_b)) = (branch_at(loss, &ea, window, &o), branch_at(loss, &eb, window, &o)) else {
        return Bracket::Undecided("the orbit could not be located at the ends of the bracket".into());
    };
    let (va, vb) = (event_values(loss, target, &ms_a, &ea), event_values(loss, target, &ms_b, &eb));
    let mu = |v: &[(EventFn, Interval)]| v.iter().find(|(g, _)| *g == EventFn::Multiplier).map(|(_, x)| x.add(&Interval::from_int(target, prec)));
    let (Some(mu_a), Some(mu_b)) = (mu(&va), mu(&vb)) else {
        return Bracket::Undecided("the multiplier could not be enclosed at the ends of the bracket".into());
    };
    for (g, xa) in &va {
        // Pair by function (a function that failed to evaluate at one end is skipped).
        let Some((_, xb)) = vb.iter().find(|(h, _)| h == g) else { continue };
        let (sa, sb) = (xa.sign(), xb.sign());
        if decided(sa) && decided(sb) && sa != sb {
            return Bracket::Event(Box::new(SignChange {
                orbit: o,
                func: *g,
                at_a: xa.clone(),
                at_b: xb.clone(),
                mu_a,
                mu_b,
                over: over.into_iter().next().expect("one orbit"),
            }));
        }
    }
    Bracket::Undecided(format!("no certified sign change of multiplier - ({target}) (multiplier {mu_a} at a, {mu_b} at b)"))
}

/// A short decimal form of a rational, for messages.
fn short(q: &Q) -> String {
    let i = Interval::from_rational(q, 128);
    let (l, _) = i.to_decimal_strings(20);
    if i.is_point() {
        l
    } else {
        format!("~{l}")
    }
}

/// The orbit at the threshold: the branch at `η ∈ enc` inside the bracket's uniqueness box.
fn orbit_at_threshold(loss: &Loss, enc: &Interval, window: &Interval, o: &Orbit) -> Option<OrbitAt> {
    let ms = branch_at(loss, enc, window, o)?;
    let mu = multiplier_centered(loss, enc, &ms[0], &ms[1]).ok()?;
    let (x1, x2) = Period2::points(&ms[0], &ms[1]).ok()?;
    Some(OrbitAt { x1, x2, multiplier: mu, unique_in: o.verified.clone() })
}

/// A narrow interval `[a, b]` holding the unique root of `r` in `[l, h]` and no other root,
/// of relative width about `2^-39`, with the root within an eighth of the half-width from the
/// centre (so well away from both ends).
fn centred_bracket(r: &Poly, l: &Q, h: &Q) -> Option<(Q, Q)> {
    let scale = l.abs().max(h.abs()).max(Q::new(BigInt::one(), BigInt::from(1u64 << 20)));
    let mut w = &scale / Q::from_integer(BigInt::one() << 40usize);
    for _ in 0..40 {
        // The root lies in [rl, rh] ⊆ [c − w/8, c + w/8] ⊆ [a, b].
        let (rl, rh) = r.refine_root(l, h, &(&w / qi(4)))?;
        let c = (&rl + &rh) / qi(2);
        let (a, b) = (&c - &w, &c + &w);
        if r.count_roots_closed(&a, &b) == Some(1) {
            return Some((a, b));
        }
        w /= qi(16);
    }
    None
}

/// The certificate sentences of a sign change.
fn sign_change_sentences(sc: &SignChange, a: &Q, b: &Q, window: &Interval, target: i64) -> Vec<String> {
    vec![
        format!(
            "for every eta in [a, b] = [{}, {}] there is exactly one period-2 orbit with both points in the window {window} (complete Krawczyk search with interval eta; the orbit at eta = a and eta = b located inside its uniqueness box)",
            short(a),
            short(b)
        ),
        format!(
            "{} is {} at eta = a and {} at eta = b (multiplier {} and {}): it changes sign, so by continuity the orbit's multiplier equals {target} somewhere in [a, b]",
            sc.func.name(target),
            sc.at_a,
            sc.at_b,
            sc.mu_a,
            sc.mu_b
        ),
    ]
}

// ====================================================================== the exact path

/// A multiplier event for a polynomial loss with rational coefficients, exactly
/// (see the module guarantees). `range` must have `0 < lo < hi`.
pub fn event_exact(
    loss: &Loss,
    f: &Poly,
    min: &Minimum,
    target: i64,
    range: (&Q, &Q),
    prec: u32,
    deadline: Option<Instant>,
) -> Result<Threshold, ThresholdError> {
    let prec = prec.max(128);
    let window = &min.window;
    let full = event_resultant(f, target)
        .ok_or_else(|| ThresholdError::Failed("the event resultant is identically zero".into()))?;
    let r = reduced(&full).expect("R is non-zero");
    let roots = r.isolate_roots(range.0, range.1).expect("R is non-zero");
    let mut cert = vec![format!(
        "R(eta) = Res_x(P, M - ({target})) with P = (F(F(x)) - x)/(F(x) - x) (exact division, remainder 0) and M = (1 - eta f''(x))(1 - eta f''(F(x))) has degree {} (square-free part without the factor eta^k: degree {}) and {} distinct real root(s) in [{}, {}] (Sturm); it vanishes wherever a period-2 orbit has multiplier {target}",
        full.degree().unwrap_or(0),
        r.degree().unwrap_or(0),
        roots.len(),
        short(range.0),
        short(range.1)
    )];
    if roots.is_empty() {
        return Err(ThresholdError::NoEvent(format!(
            "no learning rate in [{}, {}] gives any period-2 orbit multiplier {target} (proved: the resultant R has no root there)",
            short(range.0),
            short(range.1)
        )));
    }
    let mut notes = vec![];
    let mut all_excluded = true;
    for (l, h) in &roots {
        if deadline.is_some_and(|d| Instant::now() > d) {
            return Err(ThresholdError::Failed("time budget reached while certifying the roots of the resultant".into()));
        }
        let Some((a, b)) = centred_bracket(&r, l, h) else {
            all_excluded = false;
            notes.push(format!("the root of R near {} could not be bracketed", short(l)));
            continue;
        };
        match examine(loss, &a, &b, window, target, prec, deadline) {
            Bracket::Excluded(why) => {
                notes.push(format!("root of R near {} is not an event of an orbit in the window: {why}", short(&a)));
            }
            Bracket::Undecided(why) => {
                all_excluded = false;
                notes.push(format!("root of R near {} left undecided: {why}", short(&a)));
            }
            Bracket::Event(sc) => {
                cert.extend(sign_change_sentences(&sc, &a, &b, window, target));
                cert.push("R has exactly one root in [a, b] (Sturm), so the event is that root".into());
                let value = algebraic_root(&r, &a, &b)
                    .ok_or_else(|| ThresholdError::Failed("could not isolate the root's minimal polynomial".into()))?;
                let enclosure = match &value {
                    Value::Rational(q) => Interval::from_rational(q, prec),
                    Value::Algebraic(al) => Interval::from_rationals(&al.lo, &al.hi, prec),
                    _ => unreachable!("exact values only"),
                };
                match &value {
                    Value::Algebraic(al) => cert.push(format!(
                        "the factor of R with that root is {} ({}), isolated in [{}, {}] (Sturm)",
                        Poly::from_bigints(&al.minpoly).to_string_var("eta"),
                        if al.irreducible { "irreducible over Q: proved" } else { "irreducibility NOT proved (degree > 4)" },
                        al.lo_str,
                        al.hi_str
                    )),
                    Value::Rational(q) => cert.push(format!("the root is the rational {}", crate::numfmt::rational_string(q))),
                    _ => {}
                }
                if all_excluded {
                    cert.push("every smaller root of R in the range is excluded, and between roots of R no orbit has that multiplier: this is the first event in the range".into());
                } else {
                    notes.push("some smaller roots of R in the range were left undecided: this may not be the first event".into());
                }
                let orbit = orbit_at_threshold(loss, &enclosure, window, &sc.orbit);
                return Ok(Threshold {
                    value,
                    enclosure,
                    method: Method::ExactResultant,
                    certificate: cert,
                    bracket: Some((a, b)),
                    orbit,
                    first_in_range: Some(all_excluded),
                    notes,
                });
            }
        }
    }
    if all_excluded {
        Err(ThresholdError::NoEvent(format!(
            "no period-2 orbit in the window {window} has multiplier {target} for a learning rate in [{}, {}] (proved: every root of the resultant there is excluded)",
            short(range.0),
            short(range.1)
        )))
    } else {
        Err(ThresholdError::Failed(format!("no root of the resultant could be certified as the event: {}", notes.join("; "))))
    }
}

// ====================================================================== the enclosure path

/// The unique orbit in the window at a point learning rate, if the search finds exactly one.
fn single_orbit(loss: &Loss, eta: &Q, window: &Interval, prec: u32, deadline: Option<Instant>) -> Option<Orbit> {
    let s = period2_orbits(loss, &Interval::from_rational(eta, prec), window, &orbit_budget(prec, deadline));
    if s.orbits.len() == 1 {
        s.orbits.into_iter().next()
    } else {
        None
    }
}

/// The certified signs of the event functions at an orbit found at a point learning rate.
fn signs_at(loss: &Loss, target: i64, o: &Orbit, eta: &Q, prec: u32) -> Vec<(EventFn, Sign)> {
    event_values(loss, target, &o.ms, &Interval::from_rational(eta, prec)).into_iter().map(|(g, v)| (g, v.sign())).collect()
}

/// The first event function changing sign (certified) between two sign lists.
fn flip(a: &[(EventFn, Sign)], b: &[(EventFn, Sign)]) -> Option<EventFn> {
    a.iter()
        .find(|(g, sa)| b.iter().any(|(h, sb)| h == g && decided(*sa) && decided(*sb) && sa != sb))
        .map(|(g, _)| *g)
}

/// 3-D Krawczyk for `func` over a box containing the orbit's (m, s) for every `η` of the
/// bracket (inflated by an eighth): a complete search with exactly one zero. Returns the
/// verified region and the zero.
fn unique_event(sys: &EventSystem, orbit: &Orbit, a: &Q, b: &Q, prec: u32, deadline: Option<Instant>) -> Result<(Vec<Interval>, krawczyk::Zero), String> {
    let eta_ab = Interval::from_rationals(a, b, prec);
    let x3: Vec<Interval> = [orbit.ms[0].clone(), orbit.ms[1].clone(), eta_ab]
        .iter()
        .map(|i| {
            let mut d = i.width();
            d >>= 3;
            let mut tiny = rug::Float::with_val(prec, 1);
            tiny >>= prec as i32 - 16;
            d += tiny * (i.mag() + 1u32);
            i.inflate(&d)
        })
        .collect();
    if !x3[1].is_pos() {
        return Err("the event box reaches s = 0 (too close to the birth of the orbit)".into());
    }
    let s3 = krawczyk::solve(sys, &x3, &Budget::new(2000, -(prec as i32) + 8, deadline));
    if !(s3.complete() && s3.zeros.len() == 1) {
        return Err(format!(
            "3-D Krawczyk did not prove a unique zero of {} in the bracket ({} zero(s), {} undecided box(es))",
            sys.func.name(sys.target),
            s3.zeros.len() + s3.boundary.len(),
            s3.undecided.len()
        ));
    }
    let z = s3.zeros.into_iter().next().expect("one zero");
    Ok((x3, z))
}

/// Refines a zero of `sys` unique in `region` until its `η` enclosure is narrower than 1e-30,
/// doubling the precision (Krawczyk by ε-inflation; accepted only inside `region`).
fn refine_event(sys: &EventSystem, region: &[Interval], z: krawczyk::Zero, prec: u32, deadline: Option<Instant>) -> Result<(krawczyk::Zero, u32), String> {
    let goal = Interval::from_rational(&width_goal(), 64);
    let mut zf = z;
    let mut p = prec;
    while !zf.enclosure[2].width_interval().certainly_lt(&goal) {
        p *= 2;
        if p > 4096 || deadline.is_some_and(|d| Instant::now() > d) {
            return Err(format!("the event could not be enclosed to width 1e-30 (reached {})", zf.enclosure[2]));
        }
        let centre: Vec<Interval> = zf.enclosure.iter().map(|i| i.with_prec(p)).collect();
        let z = krawczyk::verify_around(sys, &centre, 16).ok_or_else(|| format!("Krawczyk refinement failed at {p} bits"))?;
        if !z.enclosure.iter().zip(region).all(|(e, o)| o.contains(e)) {
            return Err("the refined event left its uniqueness box".into());
        }
        zf = z;
    }
    Ok((zf, p))
}

/// A scanned learning rate: the orbit there and the signs of the event functions.
type Sample = (Q, Orbit, Vec<(EventFn, Sign)>);

/// A multiplier event by certified enclosure (any loss); see the module guarantees.
pub fn event_enclosure(
    loss: &Loss,
    min: &Minimum,
    target: i64,
    range: (&Q, &Q),
    prec: u32,
    budget: &Budget,
) -> Result<Threshold, ThresholdError> {
    let prec = prec.max(128);
    let deadline = budget.deadline;
    let window = &min.window;
    let fail = ThresholdError::Failed;
    let (lo, hi) = (range.0.clone(), range.1.clone());
    // 1. Scan: learning rates lo + (hi - lo) 2^-j, j = 30 .. 0, increasing.
    let mut samples: Vec<Sample> = vec![];
    let mut seeded_by_search: Option<String> = None;
    let mut found: Option<EventFn> = None;
    for j in (0..=30u32).rev() {
        if deadline.is_some_and(|d| Instant::now() > d) {
            break;
        }
        let eta = &lo + (&hi - &lo) / Q::from_integer(BigInt::one() << j as usize);
        let Some(o) = single_orbit(loss, &eta, window, prec, deadline) else { continue };
        let signs = signs_at(loss, target, &o, &eta, prec);
        if let Some((_, _, prev)) = samples.last() {
            if let Some(g) = flip(prev, &signs) {
                found = Some(g);
                samples.push((eta, o, signs));
                break;
            }
        }
        samples.push((eta, o, signs));
    }
    // 2-3. The event's approximate location: bisection on the sign change (heuristic), then
    // 3-D Krawczyk; or, without a sign change, the first event of a 3-D search of the range.
    let c: Q = match found {
        Some(func) => {
            let n = samples.len();
            let (mut ea, mut eb) = (samples[n - 2].0.clone(), samples[n - 1].0.clone());
            let sign_of_f = |v: &[(EventFn, Sign)]| v.iter().find(|(g, _)| *g == func).map(|(_, s)| *s).unwrap_or(Sign::Unknown);
            let sa = sign_of_f(&samples[n - 2].2);
            let mut ob = samples[n - 1].1.clone();
            let stop = &eb.abs() / Q::from_integer(BigInt::one() << 24usize);
            while &eb - &ea > stop {
                if deadline.is_some_and(|d| Instant::now() > d) {
                    return Err(fail("time budget reached while bracketing the event".into()));
                }
                let mid = (&ea + &eb) / qi(2);
                let Some(o) = single_orbit(loss, &mid, window, prec, deadline) else { break };
                match sign_of_f(&signs_at(loss, target, &o, &mid, prec)) {
                    s if s == sa => ea = mid,
                    Sign::Pos | Sign::Neg => {
                        eb = mid;
                        ob = o;
                    }
                    _ => break,
                }
            }
            let sys = EventSystem { loss, target, func, domain: window.clone() };
            let center = [ob.ms[0].clone(), ob.ms[1].clone(), Interval::from_rational(&((&ea + &eb) / qi(2)), prec)];
            let z0 = krawczyk::verify_around(&sys, &center, 20)
                .ok_or_else(|| fail("3-D Krawczyk could not locate the event near the sign change".into()))?;
            z0.enclosure[2].mid_interval().lo_rational().expect("finite")
        }
        None => match search_events(loss, target, window, &lo, &hi, prec, budget) {
            Search3::None => {
                return Err(ThresholdError::NoEvent(format!(
                    "no period-2 orbit in the window {window} has multiplier {target} for a learning rate in [{}, {}] (proved by a complete 3-D Krawczyk search)",
                    short(&lo),
                    short(&hi)
                )))
            }
            Search3::Undecided(why) => {
                return Err(fail(format!(
                    "no event found in the learning-rate range [{}, {}]: the orbit near the minimum shows no certified change of sign of its multiplier - ({target}), and the absence of an event could not be proved ({why})",
                    short(&lo),
                    short(&hi)
                )))
            }
            Search3::Found(zs) => {
                seeded_by_search = Some(describe_event(&zs[0], target));
                zs[0].enclosure[2].mid_interval().lo_rational().expect("finite")
            }
        },
    };
    // 4. The certificate on a bracket centred at the event.
    let w = c.abs().max(Q::new(BigInt::one(), BigInt::from(1u64 << 20))) / Q::from_integer(BigInt::one() << 28usize);
    let (a, b) = (&c - &w, &c + &w);
    let sc = match examine(loss, &a, &b, window, target, prec, deadline) {
        Bracket::Event(sc) => sc,
        Bracket::Excluded(why) | Bracket::Undecided(why) => {
            return Err(fail(match &seeded_by_search {
                Some(ev) => format!(
                    "the orbit near the minimum shows no certified sign change of multiplier - ({target}) in the range; the first event a 3-D search certifies there ({ev}) is not one of a unique orbit in the window: {why}"
                ),
                None => format!("the event near eta = {} could not be certified: {why}", short(&c)),
            }))
        }
    };
    let mut cert = sign_change_sentences(&sc, &a, &b, window, target);
    let sys = EventSystem { loss, target, func: sc.func, domain: window.clone() };
    let (x3, z) = unique_event(&sys, &sc.orbit, &a, &b, prec, deadline).map_err(fail)?;
    cert.push(format!(
        "3-D Krawczyk on (m, s, eta) for {} over a box containing the orbit's (m, s) for every eta in [a, b]: a complete search finds exactly one zero (verified region {:?})",
        sc.func.name(target),
        x3
    ));
    let (mut zf, p) = refine_event(&sys, &x3, z, prec, deadline).map_err(fail)?;
    // For the superstable event by a factor: the other factor's zeros are events too.
    if sc.func != EventFn::Multiplier {
        let other = if sc.func == EventFn::FirstFactor { EventFn::SecondFactor } else { EventFn::FirstFactor };
        let nonzero = sc.over.iter().any(|(g, v)| *g == other && decided(v.sign()));
        if nonzero {
            cert.push(format!("{} is certified non-zero for every eta in [a, b]: the event in [a, b] is unique", other.name(target)));
        } else {
            let sys2 = EventSystem { loss, target, func: other, domain: window.clone() };
            let (x3b, z2) = unique_event(&sys2, &sc.orbit, &a, &b, prec, deadline)
                .map_err(|e| fail(format!("the other factor {} may vanish in the bracket: {e}", other.name(target))))?;
            let (z2, _) = refine_event(&sys2, &x3b, z2, prec, deadline).map_err(fail)?;
            let hull: Vec<Interval> = zf.enclosure.iter().zip(&z2.enclosure).map(|(x, y)| x.hull(y)).collect();
            if !hull[2].width_interval().certainly_lt(&Interval::from_rational(&width_goal(), 64)) {
                return Err(fail("the two factors of the multiplier vanish at distinct learning rates in the bracket".into()));
            }
            cert.push(format!(
                "{} also has exactly one zero in the bracket (3-D Krawczyk); both lie in the enclosure",
                other.name(target)
            ));
            zf = krawczyk::Zero { enclosure: hull, ..zf };
        }
    }
    cert.push(format!("refined by Krawczyk at {p} bits inside the uniqueness box: eta in {}", zf.enclosure[2]));
    let enclosure = zf.enclosure[2].clone();
    let (x1, x2) = Period2::points(&zf.enclosure[0], &zf.enclosure[1]).map_err(|e| fail(format!("orbit points: {e}")))?;
    let mu = multiplier_centered(loss, &enclosure, &zf.enclosure[0], &zf.enclosure[1]).unwrap_or_else(|_| Interval::entire(p));
    let orbit = Some(OrbitAt { x1, x2, multiplier: mu, unique_in: sc.orbit.verified.clone() });
    // 5. First event in the range?
    let mut notes = vec![];
    let first = match search_events(loss, target, window, &lo, &a, prec, budget) {
        Search3::None => {
            cert.push(format!(
                "a complete 3-D Krawczyk search over the window x [0, s_max] x [{}, a] finds no event: this is the first event in the range",
                short(&lo)
            ));
            true
        }
        Search3::Found(zs) => {
            notes.push(format!(
                "not the first event in the range: {} earlier event(s) of orbits in the window, the first: {}",
                zs.len(),
                describe_event(&zs[0], target)
            ));
            false
        }
        Search3::Undecided(why) => {
            notes.push(format!("not proved to be the first event in the range: {why}"));
            false
        }
    };
    Ok(Threshold {
        value: Value::Enclosed,
        enclosure,
        method: Method::Krawczyk3d,
        certificate: cert,
        bracket: Some((a, b)),
        orbit,
        first_in_range: Some(first),
        notes,
    })
}

/// What a 3-D search over `W × [0, s_max] × [lo, hi]` says about events.
enum Search3 {
    /// Proved: no period-2 orbit with both points in `W` has multiplier `t` there.
    None,
    /// Certified events (each a unique zero of the 3-D system in its verified box), by `η`.
    Found(Vec<krawczyk::Zero>),
    /// Neither (the reason).
    Undecided(String),
}

/// Searches `W × [0, s_max] × [lo, hi]` for events: complete 3-D Krawczyk searches (of `μ + 1`
/// for `t = −1`; of both factors `u`, `v` for `t = 0`, whose zeros are regular where `μ = u v`
/// may only touch 0).
fn search_events(loss: &Loss, target: i64, window: &Interval, lo: &Q, hi: &Q, prec: u32, budget: &Budget) -> Search3 {
    if lo >= hi {
        return Search3::None;
    }
    let half = match Interval::point(window.width() / 2u32) {
        Ok(h) => h,
        Err(e) => return Search3::Undecided(e.to_string()),
    };
    let s_max = half.sqr();
    let Ok(s_range) = Interval::new(rug::Float::new(prec), s_max.hi().clone()) else {
        return Search3::Undecided("the window is unbounded".into());
    };
    let region = vec![window.clone(), s_range, Interval::from_rationals(lo, hi, prec)];
    let funcs: &[EventFn] = if target == 0 { &[EventFn::FirstFactor, EventFn::SecondFactor] } else { &[EventFn::Multiplier] };
    let mut found = vec![];
    for &func in funcs {
        let sys = EventSystem { loss, target, func, domain: window.clone() };
        let b = Budget::new(budget.max_boxes.min(100_000), -(prec as i32) / 2, budget.deadline);
        let s = krawczyk::solve(&sys, &region, &b);
        if !s.undecided.is_empty() {
            return Search3::Undecided(format!("the 3-D search left {} region(s) undecided ({})", s.undecided.len(), s.undecided[0].reason));
        }
        found.extend(s.zeros.into_iter().chain(s.boundary).filter(|z| z.enclosure[1].is_pos()));
    }
    if found.is_empty() {
        return Search3::None;
    }
    found.sort_by(|a, b| a.enclosure[2].lo().partial_cmp(b.enclosure[2].lo()).expect("finite"));
    Search3::Found(found)
}

/// Describes a certified event found by the 3-D search.
fn describe_event(z: &krawczyk::Zero, target: i64) -> String {
    match Period2::points(&z.enclosure[0], &z.enclosure[1]) {
        Ok((x1, x2)) => format!("the period-2 orbit with points {x1} and {x2} has multiplier {target} at eta in {}", z.enclosure[2]),
        Err(_) => format!("an event at eta in {}", z.enclosure[2]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_strings_are_exact() {
        assert_eq!(dec_string(&Q::new(BigInt::from(-15), BigInt::from(10)), 3), "-1.5");
        assert_eq!(dec_string(&Q::new(BigInt::from(7), BigInt::from(1000)), 3), "0.007");
        assert_eq!(dec_string(&qi(3), 5), "3");
        let q = Q::new(BigInt::from(1), BigInt::from(3));
        assert!(dec_floor(&q, 4) < q && q < dec_ceil(&q, 4));
    }

    #[test]
    fn orbit_polynomial_divides_exactly() {
        let f = Poly::from_coeffs(vec![Q::new(1.into(), 4.into()), qi(0), Q::new((-1).into(), 2.into()), qi(0), Q::new(1.into(), 4.into())]);
        let (p, m) = orbit_and_multiplier(&f).unwrap();
        assert_eq!(p.deg_x(), Some(6));
        assert_eq!(m.deg_x(), Some(8));
    }

    /// The Jacobian enclosure over a box contains every difference quotient between points of
    /// the box (each is a derivative at an intermediate point, by the mean-value theorem).
    #[test]
    fn event_jacobian_contains_difference_quotients() {
        for src in ["(x^2 - 1)^2/4", "2*sin(x)", "(tanh(x) - 1/2)^2"] {
            let loss = crate::parse::parse_loss(src, &[], None).unwrap();
            let dom = Interval::from_int(-10, 128).hull(&Interval::from_int(10, 128));
            for func in [EventFn::Multiplier, EventFn::FirstFactor, EventFn::SecondFactor] {
            let sys = EventSystem { loss: &loss, target: 0, func, domain: dom.clone() };
            let p = 128;
            let q = |n: i64, d: i64| Interval::from_rational(&Q::new(n.into(), d.into()), p);
            for (m0, s0, e0) in [((9, 10), (1, 20), (11, 10)), ((-3, 2), (1, 3), (6, 5)), ((1, 2), (1, 1000), (3, 2))] {
                let w = q(1, 1000);
                let c = [q(m0.0, m0.1), q(s0.0, s0.1), q(e0.0, e0.1)];
                let bx: Vec<Interval> = c.iter().map(|i| i.hull(&i.add(&w))).collect();
                let Ok(j) = sys.jacobian(&bx) else { continue };
                for k in 0..3 {
                    let mut x2 = c.to_vec();
                    x2[k] = x2[k].add(&w);
                    let (Ok(g1), Ok(g2)) = (sys.value(&c), sys.value(&x2)) else { continue };
                    for i in 0..3 {
                        let dq = g2[i].sub(&g1[i]).div(&w).unwrap();
                        // value() encloses; the true quotient lies in dq, so they must meet.
                        assert!(j[i][k].intersect(&dq).is_some(), "{src} {func:?}: J[{i}][{k}] = {} misses {}", j[i][k], dq);
                    }
                }
            }
            }
        }
    }
}
