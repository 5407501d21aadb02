//! Period-2 orbits of gradient descent on one-variable losses, certified.
//!
//! GD is `F(x) = x − η f'(x)`. A period-2 orbit is a pair `x1 < x2` with `F(x1) = x2`,
//! `F(x2) = x1`. Writing `x1,2 = m ∓ h` and `s = h²`, the orbit equations become the
//! desingularised system (DESIGN.md)
//!
//! ```text
//! A(m, s) = (f'(m+h) + f'(m−h)) / 2                 = 0
//! B(m, s) = 4 − η (f'(m+h) − f'(m−h)) / h           = 0
//! ```
//!
//! which has the trivial branch `h = 0` divided out: it is regular at the birth of the orbit
//! (`η → 2/f''`) exactly when `3f'''² − f''f'''' ≠ 0`, so orbits are certifiable arbitrarily
//! close to `2/f''`. Its Jacobian over a box is enclosed through mean-value forms
//! (`∂A/∂s ∈ f'''(M ± H)/2`, `∂B/∂m ∈ −2η f'''(M ± H)`, `∂B/∂s ∈ −η f''''(M ± H)/3`), valid
//! down to `h = 0`.
//!
//! Guarantees: every orbit reported was proved by Krawczyk to be the only solution of the
//! system in its verified box; `s > 0` is certified, so the orbit is genuine (not a fixed
//! point); both points lie in the search interval; the multiplier `F'(x1) F'(x2)` is enclosed.
//! `η` may be an interval: then every statement holds for every `η` in it. With `complete`,
//! there are no other period-2 orbits with both points in the interval.

use crate::error::{MathError, MathResult};
use crate::eval::taylor_1d_at;
use crate::expr::Loss;
use crate::interval::Interval;
use crate::krawczyk::{self, Budget, System, Undecided};
use crate::scalar::{Scalar, Sign};
use rug::Float;

/// The desingularised period-2 system of a one-variable loss at learning rate(s) `eta`.
pub struct Period2<'a> {
    pub loss: &'a Loss,
    pub eta: Interval,
    /// The interval both orbit points must lie in.
    pub domain: Interval,
}

/// Enclosures of `f, f', ..., f^(order)` over `x`.
pub fn fp(loss: &Loss, x: &Interval, order: usize) -> MathResult<Vec<Interval>> {
    fp_at(loss, x.clone(), order)
}

/// [`fp`] at a point or interval given by value, in any scalar (the temporaries `m ± h` and
/// the hulls, and the Newton steps' floats: no copy).
fn fp_at<S: Scalar>(loss: &Loss, x: S, order: usize) -> MathResult<Vec<S>> {
    Ok(taylor_1d_at(loss, x, order)?.into_derivatives())
}

/// `A` and, for `h > 0`, the direct `B` of [`Period2`] in any scalar (intervals for the
/// proofs, floats for the Newton steps), from `f'` at `m + h` (`dp`) and `m − h` (`dm`).
fn direct_ab<S: Scalar>(eta: &S, h: &S, dp: &[S], dm: &[S]) -> MathResult<(S, Option<S>)> {
    let ctx = h.ctx();
    let a = dp[1].add(&dm[1]).div(&S::from_int(2, &ctx))?;
    let b = if h.sign() == Sign::Pos { Some(S::from_int(4, &ctx).sub(&eta.mul(&dp[1].sub(&dm[1]).div(h)?))) } else { None };
    Ok((a, b))
}

/// The Jacobian of (A, B) in (m, s) by the direct formulas, from `f, f', f''` at `m + h`
/// (`dp`) and `m − h` (`dm`), for `h > 0`: A_m = (f''(m+h) + f''(m−h))/2,
/// A_s = (f''(m+h) − f''(m−h))/(4h), B_m = −η (f''(m+h) − f''(m−h))/h,
/// B_s = −η [h (f''(m+h) + f''(m−h)) − (f'(m+h) − f'(m−h))]/(2h³).
fn direct_jacobian_of<S: Scalar>(eta: &S, h: &S, dp: &[S], dm: &[S]) -> MathResult<Vec<Vec<S>>> {
    let ctx = h.ctx();
    let two = S::from_int(2, &ctx);
    let sum2 = dp[2].add(&dm[2]);
    let diff2 = dp[2].sub(&dm[2]);
    let diff1 = dp[1].sub(&dm[1]);
    Ok(vec![
        vec![sum2.div(&two)?, diff2.div(&h.mul(&S::from_int(4, &ctx)))?],
        vec![
            eta.mul(&diff2.div(h)?).neg(),
            eta.mul(&h.mul(&sum2).sub(&diff1).div(&h.powi(3)?.mul(&two))?).neg(),
        ],
    ])
}

impl Period2<'_> {
    /// `η` at the precision `p` of the box being evaluated: rounded outward when `p` is below
    /// its own (a superset of `η`, so every statement proved with it holds for every `η` in
    /// the original; the search phase's 64-bit boxes then stay in 64-bit arithmetic, and the
    /// refinement at the full precision uses `η` itself).
    fn eta_at(&self, p: u32) -> std::borrow::Cow<'_, Interval> {
        if p < self.eta.prec() {
            std::borrow::Cow::Owned(self.eta.with_prec(p))
        } else {
            std::borrow::Cow::Borrowed(&self.eta)
        }
    }
    /// `h = √s`, an error (never a wrong value) when `s` may be negative.
    pub fn h(s: &Interval) -> MathResult<Interval> {
        if s.lo() < &0 {
            return Err(MathError::Domain { func: "orbit", detail: "s = h^2 < 0".into() });
        }
        s.sqrt()
    }
    /// `[m − H.hi, m + H.hi]`: the hull of the points where the mean-value forms evaluate.
    fn hull(m: &Interval, h: &Interval) -> Interval {
        let w = Interval::new(-h.hi().clone(), h.hi().clone()).expect("h >= 0");
        m.add(&w)
    }
    /// A box of widths below `2^-32` with `h >= 2^-8`: where the direct difference quotients
    /// are much tighter than the mean-value forms over the hull (a choice of enclosure for
    /// speed; both are valid).
    fn point_like(m: &Interval, s: &Interval, h: &Interval) -> bool {
        let mut tiny = rug::Float::with_val(64, 1);
        tiny >>= 32;
        let mut eighth = rug::Float::with_val(64, 1);
        eighth >>= 8;
        m.width() <= tiny && s.width() <= tiny && h.lo() >= &eighth
    }
    /// `A = (f'(m+h) + f'(m−h))/2` (any h) and, for `h > 0`, `B` by the direct difference
    /// quotient `4 − η (f'(m+h) − f'(m−h))/h`, from `f'` at `m + h` (`dp`) and `m − h` (`dm`).
    fn direct_value(&self, h: &Interval, dp: &[Interval], dm: &[Interval]) -> MathResult<(Interval, Option<Interval>)> {
        direct_ab(&self.eta_at(h.prec()), h, dp, dm)
    }
    /// The Jacobian of (A, B) in (m, s) by the direct formulas ([`direct_jacobian_of`]).
    fn direct_jacobian(&self, h: &Interval, dp: &[Interval], dm: &[Interval]) -> MathResult<Vec<Vec<Interval>>> {
        direct_jacobian_of(&self.eta_at(h.prec()), h, dp, dm)
    }
    /// `B` by the mean-value form `4 − 2η f''(hull)` (valid down to h = 0), from `f''` over the
    /// hull of the orbit points, intersected with the direct `B` when there is one.
    fn mean_value_b(&self, f2: &Interval, direct: Option<Interval>) -> Interval {
        let p = f2.prec();
        let b = Interval::from_int(4, p).sub(&self.eta_at(p).mul(&Interval::from_int(2, p)).mul(f2));
        match direct.and_then(|d| b.intersect(&d)) {
            Some(i) => i,
            None => b,
        }
    }
    /// The Jacobian of (A, B) by the mean-value forms (A_m = f'', A_s = f'''/2,
    /// B_m = −2η f''', B_s = −η f''''/3 over the hull; `d` holds f, ..., f'''' there),
    /// intersected entrywise with the direct Jacobian when there is one.
    fn mean_value_jacobian(&self, d: &[Interval], direct: Option<Vec<Vec<Interval>>>) -> MathResult<Vec<Vec<Interval>>> {
        let p = d[2].prec();
        let (f2, f3, f4) = (&d[2], &d[3], &d[4]);
        let two = Interval::from_int(2, p);
        let three = Interval::from_int(3, p);
        let eta = self.eta_at(p);
        let mut j = [
            f2.clone(),
            f3.div(&two)?,
            eta.mul(&two).mul(f3).neg(),
            eta.mul(f4).div(&three)?.neg(),
        ];
        if let Some(dj) = direct {
            let flat = [&dj[0][0], &dj[0][1], &dj[1][0], &dj[1][1]];
            for (a, b) in j.iter_mut().zip(flat) {
                if let Some(i) = a.intersect(b) {
                    *a = i;
                }
            }
        }
        let [a_m, a_s, b_m, b_s] = j;
        Ok(vec![vec![a_m, a_s], vec![b_m, b_s]])
    }
    /// The orbit points `m ∓ h` for a box.
    pub fn points(m: &Interval, s: &Interval) -> MathResult<(Interval, Interval)> {
        let h = Self::h(s)?;
        Ok((m.sub(&h), m.add(&h)))
    }
}

impl Period2<'_> {
    /// [`System::value`]; with `stop_if_excluded`, `None` as soon as `A`, or `B` by the direct
    /// quotient, excludes 0 (then the mean-value form of `B` over the hull is not needed:
    /// the box holds no zero whatever it gives).
    fn value_unless_excluded(&self, x: &[Interval], stop_if_excluded: bool) -> MathResult<Option<Vec<Interval>>> {
        let (m, s) = (&x[0], &x[1]);
        let h = Self::h(s)?;
        let dp = fp_at(self.loss, m.add(&h), 1)?;
        let dm = fp_at(self.loss, m.sub(&h), 1)?;
        // A, and B by the direct difference quotient when h > 0 (tight at points) ...
        let (a, direct) = self.direct_value(&h, &dp, &dm)?;
        if stop_if_excluded && (!a.contains_zero() || direct.as_ref().is_some_and(|d| !d.contains_zero())) {
            return Ok(None);
        }
        // ... at a narrow box away from h = 0 that is all (the mean-value form over the hull
        // m ± h, of width 2h, would be far wider: skipping it saves a third of the work) ...
        // ... and where h varies over the box by at most its lower bound (h well away from 0
        // for this box) the direct quotient alone too: a choice of enclosure for speed (both
        // are valid); on the orbit workload it leaves the boxes (52) and the result unchanged
        // and saves the hull evaluation on most boxes (-7% instructions).
        if direct.is_some() && (Self::point_like(m, s, &h) || h.width() <= *h.lo()) {
            return Ok(Some(vec![a, direct.expect("checked")]));
        }
        // ... otherwise also by the mean-value form (valid down to h = 0), intersected.
        let f2 = fp_at(self.loss, Self::hull(m, &h), 2)?.swap_remove(2);
        Ok(Some(vec![a, self.mean_value_b(&f2, direct)]))
    }
}

impl System for Period2<'_> {
    fn dim(&self) -> usize {
        2
    }
    fn value(&self, x: &[Interval]) -> MathResult<Vec<Interval>> {
        Ok(self.value_unless_excluded(x, false)?.expect("computed in full"))
    }
    fn excludes_zero(&self, x: &[Interval]) -> MathResult<bool> {
        // (B's final enclosure lies inside the direct one, so a direct B excluding 0 decides
        // as the full value would: the same boxes are excluded.)
        Ok(match self.value_unless_excluded(x, true)? {
            None => true,
            Some(v) => v.iter().any(|g| !g.contains_zero()),
        })
    }
    fn jacobian(&self, x: &[Interval]) -> MathResult<Vec<Vec<Interval>>> {
        let (m, s) = (&x[0], &x[1]);
        let h = Self::h(s)?;
        let direct = if h.is_pos() {
            Some(self.direct_jacobian(&h, &fp_at(self.loss, m.add(&h), 2)?, &fp_at(self.loss, m.sub(&h), 2)?)?)
        } else {
            None
        };
        // At a narrow box away from h = 0 the direct formulas are all we need (see `value`).
        if let Some(d) = &direct {
            if Self::point_like(m, s, &h) {
                return Ok(d.clone());
            }
        }
        // Mean-value forms over the hull (valid down to h = 0, tight when h is small),
        // intersected with the direct formulas when h > 0 (tight when h is not small).
        self.mean_value_jacobian(&fp_at(self.loss, Self::hull(m, &h), 4)?, direct)
    }
    fn value_and_jacobian(&self, x: &[Interval]) -> MathResult<(Vec<Interval>, Vec<Vec<Interval>>)> {
        let (m, s) = (&x[0], &x[1]);
        let h = Self::h(s)?;
        // One evaluation at each orbit point (order 2) serves the direct forms of both ...
        let dp = fp_at(self.loss, m.add(&h), 2)?;
        let dm = fp_at(self.loss, m.sub(&h), 2)?;
        let (a, b) = self.direct_value(&h, &dp, &dm)?;
        let dj = if h.is_pos() { Some(self.direct_jacobian(&h, &dp, &dm)?) } else { None };
        if let (Some(b), Some(dj)) = (&b, &dj) {
            if Self::point_like(m, s, &h) {
                return Ok((vec![a, b.clone()], dj.clone()));
            }
        }
        // ... and one over the hull (order 4) the mean-value forms of both, as in `value` and
        // `jacobian` (three evaluations where those two take six).
        let d = fp_at(self.loss, Self::hull(m, &h), 4)?;
        Ok((vec![a, self.mean_value_b(&d[2], b)], self.mean_value_jacobian(&d, dj)?))
    }
    fn approx_value_and_jacobian(&self, x: &[Float]) -> Option<MathResult<(Vec<Float>, Vec<Vec<Float>>)>> {
        // The direct formulas at a point, in floats; near h = 0 (where they divide by small
        // h and h³) the steps keep the interval evaluation's mean-value forms.
        let (m, s) = (&x[0], &x[1]);
        let p = m.prec().max(s.prec());
        // (h = √s above 2^-8, as in `point_like`)
        let mut min_s = Float::with_val(64, 1);
        min_s >>= 16;
        if *s <= min_s {
            return None;
        }
        let h = Float::with_val(p, s.sqrt_ref());
        let eta = Float::with_val(p, self.eta.mid());
        let run = || -> MathResult<(Vec<Float>, Vec<Vec<Float>>)> {
            let dp = fp_at(self.loss, Float::with_val(p, m + &h), 2)?;
            let dm = fp_at(self.loss, Float::with_val(p, m - &h), 2)?;
            let (a, b) = direct_ab(&eta, &h, &dp, &dm)?;
            let b = b.ok_or(MathError::DivisionByZero)?;
            Ok((vec![a, b], direct_jacobian_of(&eta, &h, &dp, &dm)?))
        };
        Some(run())
    }
    fn exclude(&self, x: &[Interval]) -> bool {
        // Both orbit points must be able to lie in the domain.
        let Ok((x1, x2)) = Self::points(&x[0], &x[1]) else { return false };
        !x1.meets(&self.domain) || !x2.meets(&self.domain)
    }
}

/// One certified period-2 orbit.
#[derive(Clone, Debug)]
pub struct Orbit {
    pub x1: Interval,
    pub x2: Interval,
    /// Enclosure of `F'(x1) F'(x2) = (1 − η f''(x1))(1 − η f''(x2))`.
    pub multiplier: Interval,
    /// The verified (m, s) box.
    pub verified: [Interval; 2],
    /// The (m, s) enclosure.
    pub ms: [Interval; 2],
}

impl Orbit {
    /// Stable iff `|multiplier| < 1`: PASS / FAIL when certified, else UNDECIDED.
    pub fn stability(&self) -> Sign {
        stability_sign(&self.multiplier)
    }
}

/// `Pos` when `|μ| < 1` is certified, `Neg` when `|μ| > 1`, else `Unknown`.
pub fn stability_sign(mu: &Interval) -> Sign {
    let p = mu.prec();
    let one = Interval::from_int(1, p);
    let abs = mu.abs();
    if abs.certainly_lt(&one) {
        Sign::Pos
    } else if one.certainly_lt(&abs) {
        Sign::Neg
    } else {
        Sign::Unknown
    }
}

/// The multiplier `(1 − η f''(x1))(1 − η f''(x2))` over enclosures.
pub fn multiplier(loss: &Loss, eta: &Interval, x1: &Interval, x2: &Interval) -> MathResult<Interval> {
    let p = x1.prec();
    let one = Interval::from_int(1, p);
    let a = one.sub(&eta.mul(&fp(loss, x1, 2)?[2]));
    let b = one.sub(&eta.mul(&fp(loss, x2, 2)?[2]));
    Ok(a.mul(&b))
}

/// The multiplier over a box of (m, s, eta) in centered (mean-value) form:
/// `μ(X) ⊆ μ(x̌) + ∂μ/∂m (M − m̌) + ∂μ/∂s (S − š) + ∂μ/∂η (E − η̌)`, with the gradient enclosed
/// over the box — `∂μ/∂s ∈ −η f''''(H) + η² (f''(H) f''''(H) − f'''(H) f'''(H))` on the hull
/// `H = M ± √S` (mean-value forms, valid down to s = 0). Near the birth of the orbit, where
/// `μ → 1`, this is far tighter than the product of the two factors.
pub fn multiplier_centered(loss: &Loss, eta: &Interval, m: &Interval, s: &Interval) -> MathResult<Interval> {
    let p = m.prec();
    let one = Interval::from_int(1, p);
    let (mc, sc, ec) = (m.mid_interval(), s.mid_interval(), eta.mid_interval());
    let (x1c, x2c) = Period2::points(&mc, &sc)?;
    let center = multiplier(loss, &ec, &x1c, &x2c)?;
    let h = Period2::h(s)?;
    let (x1, x2) = (m.sub(&h), m.add(&h));
    let d1 = fp(loss, &x1, 3)?;
    let d2 = fp(loss, &x2, 3)?;
    let a = eta.mul(&d1[2]);
    let b = eta.mul(&d2[2]);
    // ∂μ/∂m = −η f'''(x1)(1 − b) − η f'''(x2)(1 − a); ∂μ/∂η = −f''(x1)(1 − b) − f''(x2)(1 − a)
    let dm = eta.mul(&d1[3]).mul(&one.sub(&b)).add(&eta.mul(&d2[3]).mul(&one.sub(&a))).neg();
    let de = d1[2].mul(&one.sub(&b)).add(&d2[2].mul(&one.sub(&a))).neg();
    let hull = Period2::hull(m, &h);
    let dh = fp(loss, &hull, 4)?;
    // (f'''(m−t) f'''(m+t) is a product of values at two different points: mul, not sqr.)
    let ds = eta.mul(&dh[4]).neg().add(&eta.sqr().mul(&dh[2].mul(&dh[4]).sub(&dh[3].mul(&dh[3]))));
    let centered = center.add(&dm.mul(&m.sub(&mc))).add(&ds.mul(&s.sub(&sc))).add(&de.mul(&eta.sub(&ec)));
    let direct = multiplier(loss, eta, &x1, &x2)?;
    Ok(direct.intersect(&centered).unwrap_or(direct))
}

/// All period-2 orbits with both points in `domain`.
#[derive(Clone, Debug)]
pub struct OrbitSearch {
    pub orbits: Vec<Orbit>,
    pub undecided: Vec<Undecided>,
    pub boxes: usize,
}

/// Finds every period-2 orbit of GD with learning rate(s) `eta` whose points lie in `domain`.
pub fn period2_orbits(loss: &Loss, eta: &Interval, domain: &Interval, budget: &Budget) -> OrbitSearch {
    period2_orbits_known(loss, eta, domain, budget, &[])
}

/// The (m, s) search box for orbits with both points in `domain`.
fn ms_box(domain: &Interval) -> [Interval; 2] {
    let p = domain.prec();
    let half_w = domain.width().clone() / 2u32;
    let s_max = Interval::point(half_w).expect("finite").sqr();
    [domain.clone(), Interval::new(rug::Float::new(p), s_max.hi().clone()).expect("s range")]
}

/// Verifies, for every `eta` in an interval, a unique orbit near a known one (an orbit
/// certified at one learning rate of the interval), by ε-inflation of its (m, s) enclosure.
pub fn continue_orbit(loss: &Loss, eta: &Interval, domain: &Interval, near: &Orbit) -> Option<krawczyk::Zero> {
    let sys = Period2 { loss, eta: eta.clone(), domain: domain.clone() };
    krawczyk::verify_around(&sys, &near.ms, 12)
}

/// [`period2_orbits`] given (m, s) zeros already certified for these learning rates.
pub fn period2_orbits_known(loss: &Loss, eta: &Interval, domain: &Interval, budget: &Budget, known: &[krawczyk::Zero]) -> OrbitSearch {
    let sys = Period2 { loss, eta: eta.clone(), domain: domain.clone() };
    let found = krawczyk::solve_with(&sys, &ms_box(domain), known, budget);
    let mut undecided = found.undecided;
    let mut orbits = vec![];
    for z in found.zeros.into_iter().chain(found.boundary) {
        let (m, s) = (z.enclosure[0].clone(), z.enclosure[1].clone());
        if !s.is_pos() {
            undecided.push(Undecided { region: z.enclosure, reason: "s = h^2 > 0 not certified (orbit may degenerate to a fixed point)".into() });
            continue;
        }
        let Ok((x1, x2)) = Period2::points(&m, &s) else { continue };
        if !(domain.contains(&x1) && domain.contains(&x2)) {
            if x1.meets(domain) && x2.meets(domain) {
                undecided.push(Undecided { region: z.enclosure, reason: "an orbit point lies on the boundary of the interval".into() });
            }
            continue;
        }
        match multiplier_centered(loss, eta, &m, &s) {
            Ok(mu) => orbits.push(Orbit {
                x1,
                x2,
                multiplier: mu,
                verified: [z.verified[0].clone(), z.verified[1].clone()],
                ms: [m, s],
            }),
            Err(e) => undecided.push(Undecided { region: z.enclosure, reason: format!("multiplier: {e}") }),
        }
    }
    orbits.sort_by(|a, b| a.x1.lo().partial_cmp(b.x1.lo()).expect("finite"));
    OrbitSearch { orbits, undecided, boxes: found.boxes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_rational::BigRational;

    fn q(n: i64, d: i64) -> Interval {
        Interval::from_rational(&BigRational::new(n.into(), d.into()), 128)
    }

    /// `excludes_zero` (which stops before the hull evaluation once A or the direct B excludes
    /// 0) decides every box as the full value does, on wide and narrow boxes, near s = 0 and
    /// away from it.
    #[test]
    fn early_exclusion_decides_as_the_full_value() {
        use crate::krawczyk::System;
        let (mut boxes, mut excluded) = (0, 0);
        for src in ["2*sin(x)", "(x^2 - 1)^2/4", "(tanh(x) - 1/2)^2"] {
            let loss = crate::parse::parse_loss(src, &[], None).unwrap();
            for eta in [q(21, 20), q(3, 2), q(1, 2)] {
                let sys = Period2 { loss: &loss, eta, domain: q(-3, 1).hull(&q(3, 1)) };
                for (m0, s0) in [(-3, 0), (-2, 1), (-1, 3), (0, 0), (1, 2), (2, 5), (-1, 40)] {
                    for w in [1i64, 10, 1000, 1_000_000] {
                        // m in [m0/2, m0/2 + 1/w], s in [s0/10, s0/10 + 1/w]
                        let m = q(m0, 2).hull(&q(m0 * w + 2, 2 * w));
                        let s = q(s0, 10).hull(&q(s0 * w + 10, 10 * w));
                        let x = [m, s];
                        let (Ok(early), Ok(full)) = (sys.excludes_zero(&x), sys.value(&x)) else { continue };
                        assert_eq!(early, full.iter().any(|g| !g.contains_zero()), "{src}: box {x:?}");
                        boxes += 1;
                        excluded += usize::from(early);
                    }
                }
            }
        }
        assert!(boxes > 100 && excluded > 10 && boxes - excluded > 10, "{boxes} boxes, {excluded} excluded");
    }

    /// The centered multiplier over a box contains the multiplier at points of the box
    /// (corners and interior points), for several losses, boxes and learning rates.
    #[test]
    fn centered_multiplier_contains_point_values() {
        let losses = ["(x^2 - 1)^2/4", "2*sin(x)", "(tanh(x) - 1/2)^2", "x^4/4 + x^3 - x^2"];
        for src in losses {
            let loss = crate::parse::parse_loss(src, &[], None).unwrap();
            for (m0, s0, e0, w) in [(1, 1, 21, 100), (-3, 2, 22, 10), (1, 5, 19, 1000), (0, 1, 30, 50)] {
                // m in [m0/2, m0/2 + 1/w], s in [s0/100, s0/100 + 1/w], eta in [e0/20, e0/20 + 1/w]
                let m = q(m0, 2).hull(&q(m0 * w + 2, 2 * w));
                let s = q(s0, 100).hull(&q(s0 * w + 100, 100 * w));
                let eta = q(e0, 20).hull(&q(e0 * w + 20, 20 * w));
                let Ok(enc) = multiplier_centered(&loss, &eta, &m, &s) else { continue };
                for (fm, fs, fe) in [(0, 0, 0), (4, 4, 4), (1, 3, 2), (4, 0, 1), (2, 2, 2), (0, 4, 3)] {
                    let pick = |x: &Interval, k: i64| {
                        let t = Interval::from_rational(&BigRational::new(k.into(), 4.into()), 128);
                        x.lo_rational().map(|lo| Interval::from_rational(&lo, 128)).unwrap().add(&x.width_interval().mul(&t))
                    };
                    let (pm, ps, pe) = (pick(&m, fm).mid_interval(), pick(&s, fs).mid_interval(), pick(&eta, fe).mid_interval());
                    if !(m.contains(&pm) && s.contains(&ps) && eta.contains(&pe)) {
                        continue;
                    }
                    let (x1, x2) = Period2::points(&pm, &ps).unwrap();
                    let at = multiplier(&loss, &pe, &x1, &x2).unwrap();
                    assert!(enc.meets(&at), "{src}: centered {enc} misses point value {at}");
                    assert!(enc.contains(&at.mid_interval()), "{src}: centered {enc} misses point value {at}");
                }
            }
        }
    }
}
