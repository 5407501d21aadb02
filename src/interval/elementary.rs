//! Elementary functions of [`Interval`]s: square root, exponential and logarithm,
//! trigonometric, hyperbolic and inverse functions, sigmoid, softplus, abs/relu/max/min.
//!
//! Guarantee (as for the whole `interval` module): each result contains `f(x)` for every `x`
//! of the input; monotone pieces use MPFR's correctly rounded functions with directed
//! rounding, or, for `sin`/`cos`, `exp` and `log` at up to 128 bits, the fixed-point kernels of
//! [`super::fixed`] with their counted error bounds (a bracket at most one unit in the last
//! place wider than MPFR's); non-monotone functions locate their critical points with
//! certified tests; a function outside its domain on (part of) the input returns a
//! [`crate::error::MathError`].

use super::fixed::{self, exp_bracket, log_bracket};
use super::{domain, max_f, min_f, Interval};
use crate::error::MathResult;
use num_rational::BigRational;
use rug::float::Round;
use rug::Float;
use std::cmp::Ordering;

impl Interval {
    /// Applies a non-decreasing function given by its directed-rounding evaluator.
    fn monotone_up(&self, f: impl Fn(&Float, Round) -> Float) -> MathResult<Interval> {
        Interval::checked(f(&self.lo, Round::Down), f(&self.hi, Round::Up))
    }

    /// Applies a function given by a correctly rounded MPFR primitive `g(x, prec, Nearest)`
    /// to a point interval with one evaluation: the nearest value at `p + 8` bits is within
    /// half a spacing of the exact value, so its two float neighbours bracket it.
    fn point_bracket(&self, g: impl Fn(&Float, u32) -> Float) -> Option<MathResult<Interval>> {
        if !self.is_point() || !self.lo.is_finite() {
            return None;
        }
        let p = self.prec();
        let v = g(&self.lo, p + 8);
        if !v.is_finite() {
            return None;
        }
        if v.is_zero() {
            // MPFR's exponent range makes a rounded-to-nearest 0 an exact 0.
            return Some(Ok(Interval::raw(Float::new(p), Float::new(p))));
        }
        let mut d = v.clone();
        d.next_down();
        let mut u = v;
        u.next_up();
        Some(Interval::checked(rnd!(p, &d, Round::Down), rnd!(p, &u, Round::Up)))
    }

    /// The midpoint (as a point interval) and radius `r` of a narrow bounded non-point
    /// interval, `r <= 2^-(p/2)` at precision `p`; `None` otherwise. Such an `X` lies in
    /// `[m − r, m + r]`, and a first-order form around `m` costs one function evaluation
    /// instead of two (one per endpoint) while staying as tight as the rounding at that width.
    fn narrow_mid(&self) -> Option<(Interval, Float)> {
        let (m, r) = self.narrow_mid_rad()?;
        Some((Interval::raw(m.clone(), m), r))
    }

    /// `(mid, rad)` of a bounded non-point interval whose radius (rounded up) is
    /// `r <= 2^-(p/2)`; `None` otherwise. Wide intervals are turned away after one subtraction (this is asked
    /// before every elementary function of a non-point interval).
    fn narrow_mid_rad(&self) -> Option<(Float, Float)> {
        if !self.is_bounded() || self.is_point() {
            return None;
        }
        let half = (self.prec() / 2) as i32;
        // The width rounded down at 8 bits is a lower bound: above 2^(1 − p/2), r > 2^-(p/2).
        let mut w = Float::with_val_round(8, &self.hi - &self.lo, Round::Down).0;
        w >>= 1 - half;
        if w > 1u32 {
            return None;
        }
        let (m, r) = self.mid_rad();
        let mut lim = Float::with_val(8, 1);
        lim >>= half;
        (r <= lim).then_some((m, r))
    }

    /// `f(X) ⊆ f(m) + [−r·d, r·d]` for `X ⊆ [m − r, m + r]` and `|f'| <= d` on `X` (mean
    /// value theorem), from an enclosure `fm` of `f(m)`; the widening is rounded up.
    fn mean_value_form(fm: Interval, r: &Float, d: &Float) -> Interval {
        let w = rnd!(fm.prec(), r * d, Round::Up);
        fm.inflate(&w)
    }

    /// `√X`; contains `√x` for all `x ∈ X`. Errors when `X` reaches below 0.
    pub fn sqrt(&self) -> MathResult<Interval> {
        if self.lo < 0 {
            return Err(domain("sqrt", format!("the argument may be negative (lower bound {})", self.lo)));
        }
        let p = self.prec();
        self.monotone_up(|x, r| rnd!(p, x.sqrt_ref(), r))
    }

    /// `exp(X)`; contains `exp(x)` for all `x ∈ X`.
    pub fn exp(&self) -> MathResult<Interval> {
        let p = self.prec();
        if self.is_point() {
            if let Some((lo, hi)) = exp_bracket(&self.lo, p) {
                return Interval::checked(lo, hi);
            }
        }
        if let Some(r) = self.point_bracket(|x, q| Float::with_val(q, x.exp_ref())) {
            return r;
        }
        if let Some((m, r)) = self.narrow_mid() {
            // exp(m + t) = exp(m) exp(t), and for |t| <= r <= 1/2: 1 − r <= 1 + t <= exp(t) <=
            // 1 + t + t² <= 1 + 2r.
            let e = m.exp()?;
            let two_r = Float::with_val(p, &r * 2u32); // exact
            let f = Interval::raw(rnd!(p, 1u32 - &r, Round::Down), rnd!(p, &two_r + 1u32, Round::Up));
            return Ok(e.mul(&f));
        }
        self.monotone_up(|x, r| exp_round(x, p, r))
    }

    /// `log(X)` (natural); contains `log(x)` for all `x ∈ X`. Errors unless `X > 0`.
    pub fn log(&self) -> MathResult<Interval> {
        if self.lo <= 0 {
            return Err(domain("log", format!("the argument may be <= 0 (lower bound {})", self.lo)));
        }
        let p = self.prec();
        if self.is_point() {
            if let Some((lo, hi)) = log_bracket(&self.lo, p) {
                return Interval::checked(lo, hi);
            }
        }
        if let Some(r) = self.point_bracket(|x, q| Float::with_val(q, x.ln_ref())) {
            return r;
        }
        if let Some((m, r)) = self.narrow_mid() {
            // |log'| = 1/x <= 1/lo on X (lo > 0)
            let d = rnd!(p, 1u32 / &self.lo, Round::Up);
            return Ok(Interval::mean_value_form(m.log()?, &r, &d));
        }
        self.monotone_up(|x, r| match log_bracket(x, p) {
            Some((lo, _)) if r == Round::Down => lo,
            Some((_, hi)) if r == Round::Up => hi,
            _ => rnd!(p, x.ln_ref(), r),
        })
    }

    /// `sinh(X)`; contains `sinh(x)` for all `x ∈ X`.
    pub fn sinh(&self) -> MathResult<Interval> {
        let p = self.prec();
        self.monotone_up(|x, r| rnd!(p, x.sinh_ref(), r))
    }

    /// `cosh(X)`; contains `cosh(x)` for all `x ∈ X`.
    pub fn cosh(&self) -> MathResult<Interval> {
        let p = self.prec();
        let c = |x: &Float, r: Round| rnd!(p, x.cosh_ref(), r);
        if self.lo >= 0 {
            Interval::checked(c(&self.lo, Round::Down), c(&self.hi, Round::Up))
        } else if self.hi <= 0 {
            Interval::checked(c(&self.hi, Round::Down), c(&self.lo, Round::Up))
        } else {
            Interval::checked(Float::with_val(p, 1), max_f(c(&self.lo, Round::Up), c(&self.hi, Round::Up)))
        }
    }

    /// `tanh(X)`; contains `tanh(x)` for all `x ∈ X`.
    pub fn tanh(&self) -> MathResult<Interval> {
        if let Some(r) = self.point_bracket(|x, q| Float::with_val(q, x.tanh_ref())) {
            return r;
        }
        if let Some((m, r)) = self.narrow_mid() {
            // |tanh'| = 1 − tanh² <= 1
            return Ok(Interval::mean_value_form(m.tanh()?, &r, &Float::with_val(8, 1)));
        }
        let p = self.prec();
        self.monotone_up(|x, r| rnd!(p, x.tanh_ref(), r))
    }

    /// `atan(X)`; contains `atan(x)` for all `x ∈ X`.
    pub fn atan(&self) -> MathResult<Interval> {
        if let Some(r) = self.point_bracket(|x, q| Float::with_val(q, x.atan_ref())) {
            return r;
        }
        let p = self.prec();
        self.monotone_up(|x, r| rnd!(p, x.atan_ref(), r))
    }

    /// `asin(X)`; contains `asin(x)` for all `x ∈ X`. Errors unless `X ⊆ [−1, 1]`.
    pub fn asin(&self) -> MathResult<Interval> {
        if self.lo < -1 || self.hi > 1 {
            return Err(domain("asin", "the argument may lie outside [-1, 1]"));
        }
        let p = self.prec();
        self.monotone_up(|x, r| rnd!(p, x.asin_ref(), r))
    }

    /// `acos(X)`; contains `acos(x)` for all `x ∈ X`. Errors unless `X ⊆ [−1, 1]`.
    pub fn acos(&self) -> MathResult<Interval> {
        if self.lo < -1 || self.hi > 1 {
            return Err(domain("acos", "the argument may lie outside [-1, 1]"));
        }
        let p = self.prec();
        Interval::checked(rnd!(p, self.hi.acos_ref(), Round::Down), rnd!(p, self.lo.acos_ref(), Round::Up))
    }

    /// `sigmoid(X) = 1/(1+exp(−X))`; contains `sigmoid(x)` for all `x ∈ X`.
    pub fn sigmoid(&self) -> MathResult<Interval> {
        let p = self.prec();
        if self.is_point() && self.lo.is_finite() {
            // One exponential: 1/(1 + exp(−x)) in interval arithmetic from its enclosure.
            let e = self.neg().exp()?;
            return Interval::from_int(1, p).add(&e).recip();
        }
        if let Some((m, r)) = self.narrow_mid() {
            // 0 < sigmoid' = sigmoid (1 − sigmoid) <= 1/4
            return Ok(Interval::mean_value_form(m.sigmoid()?, &r, &Float::with_val(8, 0.25)));
        }
        // sigmoid is increasing; bound each endpoint: a lower bound needs exp(−x) rounded up,
        // 1 + that rounded up, and the reciprocal rounded down (and symmetrically).
        let s = |x: &Float, r: Round| -> Float {
            let opp = if r == Round::Down { Round::Up } else { Round::Down };
            let ex = exp_round(&Float::with_val(p, -x), p, opp);
            let den = rnd!(p, &ex + 1u32, opp);
            rnd!(p, 1u32 / &den, r)
        };
        self.monotone_up(s)
    }

    /// `softplus(X) = log(1 + exp(X))`; contains `softplus(x)` for all `x ∈ X`.
    pub fn softplus(&self) -> MathResult<Interval> {
        let p = self.prec();
        let s = |x: &Float, r: Round| -> Float {
            let ex = rnd!(p, x.exp_ref(), r);
            rnd!(p, ex.ln_1p_ref(), r)
        };
        self.monotone_up(s)
    }

    /// `|X|`; contains `|x|` for all `x ∈ X`.
    pub fn abs(&self) -> Interval {
        if self.lo >= 0 {
            self.clone()
        } else if self.hi <= 0 {
            self.neg()
        } else {
            Interval::raw(Float::new(self.prec()), max_f(-self.lo.clone(), self.hi.clone()))
        }
    }

    /// `max(X, Y)`; contains `max(x, y)` for all `x ∈ X, y ∈ Y`.
    pub fn max(&self, o: &Interval) -> Interval {
        Interval::raw(max_f(self.lo.clone(), o.lo.clone()), max_f(self.hi.clone(), o.hi.clone()))
    }

    /// `min(X, Y)`; contains `min(x, y)` for all `x ∈ X, y ∈ Y`.
    pub fn min(&self, o: &Interval) -> Interval {
        Interval::raw(min_f(self.lo.clone(), o.lo.clone()), min_f(self.hi.clone(), o.hi.clone()))
    }

    /// `relu(X) = max(X, 0)`.
    pub fn relu(&self) -> Interval {
        self.max(&Interval::from_int(0, self.prec()))
    }

    /// True if some point `π·(c + 2k)` with integer `k` may lie in `self` (never a false "no").
    /// `c` is a small rational given as `num/den`.
    fn may_contain_pi_multiple(&self, num: i64, den: i64, period_halves: i64) -> bool {
        if !self.is_bounded() {
            return true;
        }
        let p = self.prec() + 16;
        // t = X / (π · period_halves) enclosed; we ask whether t contains some k + c/period_halves.
        let per = Interval::pi(p).mul(&Interval::from_int(period_halves, p));
        let t = self.with_prec(p).div(&per).expect("π > 0");
        let shift = Interval::from_rational(&BigRational::new(num.into(), (den * period_halves).into()), p);
        let s = t.sub(&shift);
        let k_lo = s.lo.clone().ceil();
        let k_hi = s.hi.clone().floor();
        k_lo <= k_hi
    }

    /// Signs and directed values of `sin` and `cos` at both endpoints, used when the width is
    /// below 3 (< π): then `X` holds at most one zero of `cos` (and of `sin`), and a correctly
    /// rounded `cos`/`sin` of a float is never 0 unless the float is 0, so a sign change
    /// between the endpoints detects the critical point exactly. The values are brackets at
    /// `q <= p` bits (see below), not yet raised to the interval's precision `p`.
    fn narrow_trig(&self) -> Option<[(Float, Float, Float, Float); 2]> {
        if !self.is_bounded() {
            return None;
        }
        let w = self.width();
        if w >= 3 {
            return None;
        }
        let p = self.prec();
        // Wide intervals (width >= 2^-8) take their endpoint values at 32 bits: the 2^-32
        // relative rounding is lost in the width of the range, and MPFR's sin_cos is ~20%
        // cheaper there than at 64 bits. (The endpoints themselves are used exactly.)
        // w >= 2^-8 exactly when w's exponent is at least -7 (w = 0.m·2^e, m in [1/2, 1)).
        let wide = w.get_exp().is_some_and(|e| e >= -7);
        // (The values stay at q bits; `sin_with` and `cos_with` raise the two they keep to p
        // bits, exactly.)
        let q = if p > 32 && wide { 32 } else { p };
        let lo = trig_at(&self.lo, q);
        let hi = if self.is_point() { lo.clone() } else { trig_at(&self.hi, q) };
        Some([lo, hi])
    }

    /// `(sin X, cos X)` for a narrow non-point `X` (radius `r <= 2^-(p/2)`) with one MPFR
    /// evaluation, at the midpoint `m`: by Taylor's theorem with `|sin''|, |cos''| <= 1`,
    /// `sin(m + t) ∈ sin m + t cos m + [-r²/2, r²/2]` for `|t| <= r`, and likewise
    /// `cos(m + t) ∈ cos m − t sin m + [-r²/2, r²/2]`. The `r²` term lies below the rounding
    /// at this radius, so the result is as tight as the endpoint method at half the cost.
    /// `None` for wider (or point, or unbounded) intervals.
    fn trig_taylor(&self) -> Option<(Interval, Interval)> {
        let p = self.prec();
        let (m, r) = self.narrow_mid_rad()?;
        let (sl, su, cl, cu) = trig_at(&m, p);
        let (s, c) = (Interval::raw(sl, su), Interval::raw(cl, cu));
        let t = Interval::raw(Float::with_val(p, -&r), r.clone());
        let half_r2 = rnd!(p, r.square_ref(), Round::Up) / 2u32;
        let rem = Interval::raw(Float::with_val(p, -&half_r2), half_r2);
        let unit = Interval::raw(Float::with_val(p, -1), Float::with_val(p, 1));
        let mut sin = c.mul(&t);
        sin.add_assign(&s);
        sin.add_assign(&rem);
        let mut cos = s.mul(&t);
        cos.neg_assign();
        cos.add_assign(&c);
        cos.add_assign(&rem);
        Some((sin.intersect(&unit)?, cos.intersect(&unit)?))
    }

    /// `(sin X, cos X)` together (one evaluation per endpoint); each contains the exact range.
    pub fn sin_cos(&self) -> MathResult<(Interval, Interval)> {
        if self.is_point() && self.lo.is_finite() {
            // at a point the two brackets are the enclosures
            let (sl, su, cl, cu) = trig_at(&self.lo, self.prec());
            return Ok((Interval::raw(sl, su), Interval::raw(cl, cu)));
        }
        if let Some(sc) = self.trig_taylor() {
            return Ok(sc);
        }
        let nt = self.narrow_trig();
        if nt.is_none() {
            return Ok(self.wide_sin_cos());
        }
        Ok((self.sin_with(&nt)?, self.cos_with(&nt)?))
    }

    /// `(sin X, cos X)` for a wide (width >= 3) or unbounded `X`: the endpoint values (one
    /// [`trig_at`] each), widened to ±1 where `X` may contain a point `nπ/2` at which sin or
    /// cos reaches ±1 ([`Interval::quarter_turns`]). Between such points both are monotone, so
    /// the range is the hull of the endpoint values and of the extrema inside.
    fn wide_sin_cos(&self) -> (Interval, Interval) {
        let p = self.prec();
        let (m1, p1) = (Float::with_val(p, -1), Float::with_val(p, 1));
        if !self.is_bounded() {
            let one = Interval::raw(m1, p1);
            return (one.clone(), one);
        }
        let q = self.quarter_turns();
        let (a, b) = (trig_at(&self.lo, p), trig_at(&self.hi, p));
        let range = |lo_a: &Float, lo_b: &Float, hi_a: &Float, hi_b: &Float, min_inside: bool, max_inside: bool| {
            let lo = if min_inside { m1.clone() } else { min_ref(lo_a, lo_b).max(&m1) };
            let hi = if max_inside { p1.clone() } else { max_ref(hi_a, hi_b).min(&p1) };
            Interval::raw(lo, hi)
        };
        // n ≡ 1 (mod 4): sin = 1, n ≡ 3: sin = −1; n ≡ 0: cos = 1, n ≡ 2: cos = −1.
        (range(&a.0, &b.0, &a.1, &b.1, q[3], q[1]), range(&a.2, &b.2, &a.3, &b.3, q[2], q[0]))
    }

    /// For `r = 0, 1, 2, 3`: whether the bounded `X` may contain a point `nπ/2` with
    /// `n ≡ r (mod 4)` (never a false "no"): the integers in an enclosure of `X/(π/2)`.
    fn quarter_turns(&self) -> [bool; 4] {
        let p = self.prec() + 16;
        let half_pi = Interval::pi(p).div_int(2);
        let t = self.with_prec(p).div(&half_pi).expect("π/2 > 0");
        let (lo, hi) = (t.lo().clone().ceil(), t.hi().clone().floor());
        let mut out = [false; 4];
        let (Some(lo), Some(hi)) = (lo.to_integer(), hi.to_integer()) else { return [true; 4] };
        let mut n = lo;
        for _ in 0..4 {
            if n > hi {
                break;
            }
            out[n.mod_u(4) as usize] = true;
            n += 1;
        }
        out
    }

    /// `sin(X)`; contains `sin(x)` for all `x ∈ X`.
    pub fn sin(&self) -> MathResult<Interval> {
        if let Some((s, _)) = self.trig_taylor() {
            return Ok(s);
        }
        self.sin_with(&self.narrow_trig())
    }

    /// `cos(X)`; contains `cos(x)` for all `x ∈ X`.
    pub fn cos(&self) -> MathResult<Interval> {
        if let Some((_, c)) = self.trig_taylor() {
            return Ok(c);
        }
        self.cos_with(&self.narrow_trig())
    }

    fn sin_with(&self, nt: &Option<[(Float, Float, Float, Float); 2]>) -> MathResult<Interval> {
        let p = self.prec();
        if let Some([(sl_d, sl_u, cl_d, _), (sh_d, sh_u, ch_d, _)]) = nt {
            // Sign of cos at the endpoints (cl_d and the exact cos share the sign, see above).
            let (cl, ch) = (cl_d.cmp0(), ch_d.cmp0());
            let lo_d = min_at(p, sl_d, sh_d);
            let hi_u = max_at(p, sl_u, sh_u);
            return if cl == ch {
                Interval::checked(lo_d, hi_u) // monotone on X
            } else if cl == Some(Ordering::Greater) || ch == Some(Ordering::Less) {
                Interval::checked(lo_d, Float::with_val(p, 1)) // a maximum inside
            } else {
                Interval::checked(Float::with_val(p, -1), hi_u) // a minimum inside
            };
        }
        Ok(self.wide_sin_cos().0)
    }

    fn cos_with(&self, nt: &Option<[(Float, Float, Float, Float); 2]>) -> MathResult<Interval> {
        let p = self.prec();
        if let Some([(sl_d, _, cl_d, cl_u), (sh_d, _, ch_d, ch_u)]) = nt {
            // cos' = −sin: the sign of sin at the endpoints decides monotonicity. sin(0) = 0
            // exactly is the one float zero; treat a zero endpoint as a possible extremum.
            let (sl, sh) = (sl_d.cmp0(), sh_d.cmp0());
            let lo_d = min_at(p, cl_d, ch_d);
            let hi_u = max_at(p, cl_u, ch_u);
            let zero = |o: Option<Ordering>| o == Some(Ordering::Equal);
            return if sl == sh && !zero(sl) {
                Interval::checked(lo_d, hi_u)
            } else if zero(sl) || zero(sh) {
                // an endpoint at 0 (x = 0 is the only float where sin is 0): a maximum there
                // is an endpoint value already; a minimum at ±π cannot be a float endpoint.
                Interval::checked(lo_d, hi_u)
            } else if sl == Some(Ordering::Less) {
                Interval::checked(lo_d, Float::with_val(p, 1)) // sin goes − to +: cos has a max
            } else {
                Interval::checked(Float::with_val(p, -1), hi_u) // sin goes + to −: cos has a min
            };
        }
        Ok(self.wide_sin_cos().1)
    }

    /// `tan(X)`; contains `tan(x)` for all `x ∈ X`. Errors when `X` may contain a pole.
    pub fn tan(&self) -> MathResult<Interval> {
        let pole = match self.narrow_trig() {
            Some([(_, _, cl_d, _), (_, _, ch_d, _)]) => cl_d.cmp0() != ch_d.cmp0(),
            None => self.may_contain_pi_multiple(1, 2, 1),
        };
        if pole {
            return Err(domain("tan", "the argument may contain a pole pi/2 + k*pi"));
        }
        let p = self.prec();
        self.monotone_up(|x, r| rnd!(p, x.tan_ref(), r))
    }

    /// `atan2(Y, X)` (the angle of the point (x, y), in (−π, π]); contains `atan2(y, x)` for
    /// all `y ∈ Y, x ∈ X`. Errors when the box contains the origin or meets the branch cut
    /// (x < 0, y = 0), where atan2 is discontinuous.
    pub fn atan2(y: &Interval, x: &Interval) -> MathResult<Interval> {
        if y.contains_zero() && x.lo <= 0 {
            return Err(domain("atan2", "the box may contain the origin or cross the branch cut (x <= 0, y = 0)"));
        }
        // The box is convex, avoids the origin and the cut, so the angle is continuous on it
        // and its range is spanned by the angles of the four corners.
        let p = y.prec2(x);
        let mut lo: Option<Float> = None;
        let mut hi: Option<Float> = None;
        for yy in [&y.lo, &y.hi] {
            for xx in [&x.lo, &x.hi] {
                let d = rnd!(p, yy.atan2_ref(xx), Round::Down);
                let u = rnd!(p, yy.atan2_ref(xx), Round::Up);
                lo = Some(match lo {
                    None => d,
                    Some(l) => min_f(l, d),
                });
                hi = Some(match hi {
                    None => u,
                    Some(h) => max_f(h, u),
                });
            }
        }
        Interval::checked(lo.unwrap(), hi.unwrap())
    }

    /// `gauss(X) = exp(−X²)`.
    pub fn gauss(&self) -> MathResult<Interval> {
        self.sqr().neg().exp()
    }

    /// `sin(π·X)`, evaluated with MPFR's `sinpi` (no enclosure of π needed); exact at
    /// integers and half-integers.
    pub fn sin_pi(&self) -> MathResult<Interval> {
        let p = self.prec();
        let halfx = self.mul(&Interval::from_int(2, p));
        let xs = halfx; // sin(πx) has extremes where 2x ≡ 1 (mod 4) or 3 (mod 4)
        let may = |c: i64| -> bool {
            if !xs.is_bounded() {
                return true;
            }
            // exists k: 2x = c + 4k ⇔ k ∈ [(2x.lo − c)/4, (2x.hi − c)/4]
            let lo = (rnd!(p, &xs.lo - c, Round::Down) / 4u32).ceil();
            let hi = (rnd!(p, &xs.hi - c, Round::Up) / 4u32).floor();
            lo <= hi
        };
        if !self.is_bounded() {
            return Ok(Interval::raw(Float::with_val(p, -1), Float::with_val(p, 1)));
        }
        let s = |x: &Float, r: Round| {
            let mut y = Float::with_val(p, x);
            y.sin_pi_round(r);
            y
        };
        let mut lo = min_f(s(&self.lo, Round::Down), s(&self.hi, Round::Down));
        let mut hi = max_f(s(&self.lo, Round::Up), s(&self.hi, Round::Up));
        if may(1) {
            hi = Float::with_val(p, 1);
        }
        if may(3) {
            lo = Float::with_val(p, -1);
        }
        Interval::checked(lo, hi)
    }
}

/// The smaller of two floats, copied (without copying the other).
fn min_ref(a: &Float, b: &Float) -> Float {
    if b < a { b.clone() } else { a.clone() }
}

/// The larger of two floats, copied.
fn max_ref(a: &Float, b: &Float) -> Float {
    if b > a { b.clone() } else { a.clone() }
}

/// `min(a, b)` at precision `p` (exact for arguments of at most `p` bits).
fn min_at(p: u32, a: &Float, b: &Float) -> Float {
    Float::with_val(p, if b < a { b } else { a })
}

/// `max(a, b)` at precision `p` (exact for arguments of at most `p` bits).
fn max_at(p: u32, a: &Float, b: &Float) -> Float {
    Float::with_val(p, if b > a { b } else { a })
}

/// `exp(x)` rounded in direction `r` (`Down`: a lower bound, `Up`: an upper bound) at `p` bits.
fn exp_round(x: &Float, p: u32, r: Round) -> Float {
    match exp_bracket(x, p) {
        Some((lo, _)) if r == Round::Down => lo,
        Some((_, hi)) if r == Round::Up => hi,
        _ => rnd!(p, x.exp_ref(), r),
    }
}

/// `sin x` and `cos x` of a float bracketed at `p` bits: `(sin_lo, sin_hi, cos_lo, cos_hi)`,
/// each bracket containing the exact value. Up to 128 bits, the fixed-point kernel when it
/// applies (see [`fixed::sin_cos`]). Otherwise one MPFR `sin_cos`: correctly rounded to nearest,
/// with MPFR's ternary values saying on which side of the exact value each lies; the float
/// neighbour on the other side completes the bracket. (Signs are exact: a correctly rounded
/// non-zero value keeps its sign, and x = 0 is the only float where sin or cos vanish.)
/// The argument `x` is used exactly, whatever its precision.
fn trig_at(x: &Float, p: u32) -> (Float, Float, Float, Float) {
    use rug::ops::AssignRound;
    // |sin|, |cos| <= 1: the kernel's brackets are clamped (and the exact values, of a non-zero
    // float, are never exactly ±1 or 0, so the signs are those of the kernel's).
    if let Some(((sl, su), (cl, cu))) = fixed::sin_cos_brackets(x, p) {
        return (sl, su, cl, cu);
    }
    let mut sc = (Float::new(p), Float::new(p));
    let (os, oc) = sc.assign_round(x.sin_cos_ref(), Round::Nearest);
    let (s, c) = sc;
    let bracket = |v: Float, o: Ordering| match o {
        Ordering::Equal => (v.clone(), v),
        Ordering::Less => {
            // v < exact
            let mut u = v.clone();
            u.next_up();
            (v, u)
        }
        Ordering::Greater => {
            let mut d = v.clone();
            d.next_down();
            (d, v)
        }
    };
    let (s_lo, s_hi) = bracket(s, os);
    let (c_lo, c_hi) = bracket(c, oc);
    (s_lo, s_hi, c_lo, c_hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `sin`/`cos` at `x` to 512 bits (the reference).
    fn reference(x: &Float) -> (Float, Float) {
        let (mut s, mut c) = (Float::with_val(512, x), Float::new(512));
        s.sin_cos_mut(&mut c);
        (s, c)
    }

    /// `f(x)` to 512 bits for the monotone functions with point and narrow forms.
    fn reference_monotone(f: &str, x: &Float) -> Float {
        let x = Float::with_val(512, x);
        match f {
            "exp" => Float::with_val(512, x.exp_ref()),
            "log" => Float::with_val(512, x.ln_ref()),
            "tanh" => Float::with_val(512, x.tanh_ref()),
            _ => {
                let e = Float::with_val(512, (-x).exp_ref());
                Float::with_val(512, 1u32 / Float::with_val(512, e + 1u32))
            }
        }
    }

    proptest! {
        /// The guarantee of `exp`, `log`, `tanh` and `sigmoid` (point form, narrow mean-value
        /// form and endpoint method): the enclosure contains f at the endpoints and at interior
        /// points of X, for intervals from points to width 2, at 53, 64 and 128 bits.
        #[test]
        fn monotone_functions_contain_the_exact_values(
            num in -400_000i64..400_000,
            logw in 0u32..150,
            point in any::<bool>(),
            prec in prop::sample::select(vec![53u32, 64, 128]),
            f in prop::sample::select(vec!["exp", "log", "tanh", "sigmoid"]),
        ) {
            let mut c = Float::with_val(prec, num) / 100_000u32;
            if f == "log" {
                c = c.abs() + Float::with_val(prec, 1e-3);
            }
            let mut w = Float::with_val(prec, 1);
            w >>= logw as i32;
            let mut x = Interval::point(c.clone()).unwrap();
            if !point {
                x = x.inflate(&w);
            }
            if f == "log" && *x.lo() <= 0 {
                return Ok(());
            }
            let e = match f {
                "exp" => x.exp(),
                "log" => x.log(),
                "tanh" => x.tanh(),
                _ => x.sigmoid(),
            }.unwrap();
            for t in 0..=4u32 {
                let pt = Float::with_val(512, x.lo()) + Float::with_val(512, Float::with_val(512, x.hi() - x.lo()) * t) / 4u32;
                let r = reference_monotone(f, &pt);
                prop_assert!(e.lo() <= &r && &r <= e.hi(), "{f}({r}) not in {e} for X = {x}");
            }
        }

        /// The guarantee of `sin_cos` (both the narrow Taylor form and the endpoint method):
        /// Wide intervals (width 3 to 40, the endpoint-and-extrema path): the enclosures reach
        /// ±1 wherever X contains a maximum or minimum of sin or cos (every n·π/2 inside X,
        /// located at 512 bits), and contain the values at the endpoints and at sample points.
        #[test]
        fn wide_sin_cos_reach_every_extremum_inside(lo in -10_000_000i64..10_000_000, w in 300_000i64..4_000_000, prec in prop::sample::select(vec![24u32, 53, 64, 128])) {
            let a = Float::with_val(prec, lo) / 100_000u32;
            let b = Float::with_val(prec, lo + w) / 100_000u32;
            let x = Interval::new(a, b).unwrap();
            let (s, c) = x.sin_cos().unwrap();
            let (s1, c1) = (x.sin().unwrap(), x.cos().unwrap());
            let half_pi = Float::with_val(512, rug::float::Constant::Pi) / 2u32;
            let n0 = Float::with_val(512, x.lo() / &half_pi).ceil().to_integer().unwrap();
            let mut n = n0;
            loop {
                let pt = Float::with_val(512, &half_pi * &n);
                if pt > *x.hi() {
                    break;
                }
                let r = n.mod_u(4);
                let (e, bound) = match r { 0 => (&c, 1), 1 => (&s, 1), 2 => (&c, -1), _ => (&s, -1) };
                let (e1, _) = match r { 0 | 2 => (&c1, 0), _ => (&s1, 0) };
                for e in [e, e1] {
                    prop_assert!(if bound == 1 { *e.hi() == 1 } else { *e.lo() == -1 }, "{e} misses the extremum at {n}·π/2 in {x}");
                }
                n += 1;
            }
            for t in 0..=8u32 {
                let pt = Float::with_val(512, x.lo()) + Float::with_val(512, Float::with_val(512, x.hi() - x.lo()) * t) / 8u32;
                let (rs, rc) = reference(&pt);
                for (e, r) in [(&s, &rs), (&c, &rc), (&s1, &rs), (&c1, &rc)] {
                    prop_assert!(e.lo() <= r && r <= e.hi(), "{r} not in {e} for X = {x}");
                }
            }
        }

        /// the enclosures contain sin and cos at the endpoints and at interior points of X,
        /// for intervals from points to width 2, at 53, 64 and 128 bits.
        #[test]
        fn sin_cos_contain_the_exact_values(num in -400_000i64..400_000, logw in 0u32..140, prec in prop::sample::select(vec![53u32, 64, 128])) {
            let c = Float::with_val(prec, num) / 100_000u32;
            let mut w = Float::with_val(prec, 2);
            w >>= logw as i32;
            let x = Interval::point(c.clone()).unwrap().inflate(&w);
            let (s, co) = x.sin_cos().unwrap();
            let (s1, c1) = (x.sin().unwrap(), x.cos().unwrap());
            for t in 0..=4u32 {
                // lo + t (hi - lo)/4, computed at 512 bits (exact for these floats)
                let pt = Float::with_val(512, x.lo()) + Float::with_val(512, Float::with_val(512, x.hi() - x.lo()) * t) / 4u32;
                let (rs, rc) = reference(&pt);
                for (e, r) in [(&s, &rs), (&co, &rc), (&s1, &rs), (&c1, &rc)] {
                    prop_assert!(e.lo() <= r && r <= e.hi(), "{r} not in {e} for X = {x}");
                }
            }
        }
    }
}
