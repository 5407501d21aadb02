//! Fixed-point kernels for `sin`/`cos`, `exp` and `log` of a float, for results needed at up
//! to 128 bits: several times cheaper than MPFR's general-precision algorithms, which dominated
//! the cost of certified Taylor evaluations (see docs/benchmarks.md). Written once, generic
//! over the fixed-point type ([`num::Fix`]): `i128` with `F = 120` fractional bits serves
//! results up to 64 bits, [`num::I256`] with `F = 248` results up to 128 bits.
//!
//! Guarantee: every kernel returns a fixed-point `v` and the error bound `e` of its function
//! (units of `2^-F`) with `|f(x)·2^F − v| <= e` for the exact real function value (for `exp`,
//! of `exp(x)·2^(F − k)` with the returned `k`), or `None` when it does not apply: the argument
//! has more than 128 significant bits, is zero or not finite, or too large (`|x| >= 64`; for
//! `log`, `x <= 0` or `x` outside `[2^-128, 2^128)`), or the result is so small that `e` is not
//! negligible at the type's largest precision (then the caller asks MPFR). The `*_bracket`
//! functions turn `v ± e` into float brackets rounded outwards.
//!
//! Only exact integer arithmetic is used; each truncation and each constant's error is counted
//! in the comments of the kernel (the counts hold in units for both types: they depend on the
//! bounds of the reduced arguments, not on the number of Taylor terms), and the stated bounds
//! [`SIN_COS_ERR`], [`EXP_ERR`] and [`LOG_ERR`] are at least twice the counts. The constants
//! (π/2, ln 2, the tables, the Taylor coefficients, enough of them for remainders below one
//! unit) are MPFR's values at 512 bits rounded to the nearest unit (error <= 1 unit), written
//! out in [`tables`]. The tests compare every kernel with MPFR at 512 bits and check the counted
//! (not just the stated) bound.

pub mod num;
mod tables;

use num::{Fix, I256};
use rug::float::Round;
use rug::{Assign, Float};

/// Error bound (units) of [`sin_cos`]: more than twice the 55 units counted there.
pub const SIN_COS_ERR: i64 = 128;
/// Error bound (units) of [`exp`]: more than twice the 152 units counted there (relative to
/// values in `[0.7, 1.5]`).
pub const EXP_ERR: i64 = 512;
/// Error bound (units) of [`log`]: more than twice the at most 135 units counted there.
pub const LOG_ERR: i64 = 512;

/// The constants of a fixed-point type (slices: the Taylor coefficient counts grow with `F`).
#[derive(Debug, PartialEq)]
pub struct Tables<T: 'static> {
    /// π/2.
    pub pio2: T,
    /// 2/π (only used to choose the quadrant; its error does not matter).
    pub two_over_pi: T,
    /// sin(j/128), cos(j/128) for j = -101..=101 (index j + 101).
    pub sin_tab: &'static [T],
    pub cos_tab: &'static [T],
    /// (−1)^k/(2k+1)! and (−1)^k/(2k)!, k = 0, 1, ...
    pub sin_coef: &'static [T],
    pub cos_coef: &'static [T],
    /// ln 2 and 1/ln 2 (the latter only chooses k).
    pub ln2: T,
    pub inv_ln2: T,
    /// exp(j/256) for j = -89..=89 (index j + 89).
    pub exp_tab: &'static [T],
    /// 1/n!, n = 0, 1, ...
    pub exp_coef: &'static [T],
    /// For j = 128..=255 (index j − 128): `r_j ≈ 256/(j + 1/2)` (any value: it is used
    /// exactly) and log(r_j).
    pub recip: &'static [T],
    pub log_recip: &'static [T],
    /// (−1)^(n+1)/n, n = 1, 2, ... (index n − 1).
    pub log_coef: &'static [T],
}

/// A fixed-point type with its constants.
pub trait Kernel: Fix + 'static {
    fn tables() -> &'static Tables<Self>;
}

impl Kernel for i128 {
    fn tables() -> &'static Tables<i128> {
        &tables::TABLES_120
    }
}

impl Kernel for I256 {
    fn tables() -> &'static Tables<I256> {
        &tables::TABLES_248
    }
}

fn units<T: Fix>(n: i64) -> T {
    T::from_int_shl(n, 0)
}

/// Whether `|v|` is large enough for an absolute error of `2^9` units to be negligible at the
/// type's largest precision: `|v| >= 2^(MAX_PREC + 16)` units.
fn not_small<T: Fix>(v: T) -> bool {
    v.abs_at_least_pow2(T::MAX_PREC + 16)
}

/// Horner: `Σ c_i y^i` (`c` non-empty) for `|y| <= 2^-b`, coefficients `|c_i| <= 1`.
///
/// In a type wider than `i128`, the terms from `K = ⌈128/b⌉` on are summed in `i128` with 120
/// fractional bits (`L = 2^(F − 120)` units; seven `I256` products fewer in sin/cos, fourteen in
/// log): `P = Σ_{i<K} c_i y^i + y^K·T` with `T = Σ_{i>=K} c_i y^(i−K)`. Error: each `i128` step
/// adds < 1 L (truncation) + 1 L (the coefficient, floored) + `|acc|`·1 L (y floored, |acc| <=
/// 1.01) + `2^-b`·(the previous error), so `T` is within 3.1 L; the remaining K steps multiply
/// that by `|y|^K <= 2^-128`, leaving < 3.1 units (F = 248: `L·2^-128` is one unit). The
/// kernels' counts add these 3.1 units to their Horner errors.
fn horner<T: Fix>(c: &[T], y: T, b: u32) -> T {
    let k = ((128 + b - 1) / b) as usize;
    if T::FRAC <= 120 || k + 1 >= c.len() {
        return c.iter().rev().skip(1).fold(c[c.len() - 1], |acc, &ci| ci + y.mulf(acc));
    }
    let yl = y.to_i128_120();
    let tail = c[k..].iter().rev().skip(1).fold(c[c.len() - 1].to_i128_120(), |acc, ci| ci.to_i128_120() + yl.mulf(acc));
    c[..k].iter().rev().fold(T::from_i128_120(tail), |acc, &ci| ci + y.mulf(acc))
}

/// `x·2^F` truncated towards zero (error < 1 unit; exact when `x` has no bits below `2^-F`),
/// for finite non-zero `x` with `|x| < 64` and at most 128 significant bits.
fn to_fixed<T: Fix>(x: &Float) -> Option<T> {
    let e = x.get_exp()?; // x = 0.m·2^e, m in [1/2, 1)
    if e > 6 || x.prec() > 128 {
        return None;
    }
    let limbs = (x.prec() - 1) / 64 + 1;
    let m = x.get_significand()?.to_u128()?; // m·2^(64·limbs)
    T::from_scaled(m, e - 64 * limbs as i32 + T::FRAC as i32, x.is_sign_negative())
}

/// `(sin x, cos x)` with error at most [`SIN_COS_ERR`] units each; see the module guarantee.
pub fn sin_cos<T: Kernel>(x: &Float) -> Option<(T, T)> {
    let t = T::tables();
    let f = T::FRAC;
    let xf: T = to_fixed(x)?; // error <= 1 (truncation of bits below 2^-F)
    // Quadrant: x = k·π/2 + r. |x| < 64 gives |k| <= 41.
    let k = xf.mulf(t.two_over_pi).round_shr(f);
    // k·pio2 is exact; pio2's error (<= 1) times |k| <= 41.
    let r = xf - t.pio2.mul_int(k);
    // |r| <= π/4 + a few units, so |j| <= 101; r = j/128 + u exactly, |u| <= 1/256.
    let j = r.round_shr(f - 7);
    if j.abs() > 101 {
        return None;
    }
    let u = r - T::from_int_shl(j, f - 7);
    let u2 = u.mulf(u); // error < 1
    // Horner in u² (|u²| <= 2^-16) for P(u²) = Σ s_k u^(2k) and Q(u²) = Σ c_k u^(2k): each
    // step adds < 1 (truncation) + 1 (coefficient) + |y|·1 (u2's error, |y| <= 1.1) +
    // 2^-16·(the previous error), so both stay within 3.2 units, plus 3.1 for the tail summed
    // in i128 (see `horner`): 6.3. The Taylor remainders (alternating: below the first omitted
    // term) are below 1/16 unit: |u|^13/13! < 2^-136 and |u|^12/12! < 2^-124 for F = 120 with
    // 6 terms each; |u|^23/23! < 2^-258 with 11 sin terms and |u|^24/24! < 2^-271 with 12 cos
    // terms for F = 248.
    let su = u.mulf(horner(t.sin_coef, u2, 16)); // sin u: <= 1 + |u|·6.3 + remainder < 2
    let cu = horner(t.cos_coef, u2, 16); // cos u: < 6.4
    let (sa, ca) = (t.sin_tab[(j + 101) as usize], t.cos_tab[(j + 101) as usize]); // <= 1 each
    // sin(a + u) = sin a cos u + cos a sin u: <= (1 + 1 + 6.4) + (1 + 1 + 2) = 12.4 units,
    // likewise cos(a + u) = cos a cos u − sin a sin u.
    let s = sa.mulf(cu) + ca.mulf(su);
    let c = ca.mulf(cu) - sa.mulf(su);
    // r differs from the exact x − k·π/2 by <= 41 + 1 units; sin and cos are 1-Lipschitz:
    // 12.4 + 42 = 54.4 <= 55 units in all.
    let (s, c) = match k.rem_euclid(4) {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    };
    (not_small(s) && not_small(c)).then_some((s, c))
}

/// `(v, k)` with `v ≈ exp(x)·2^(F − k)`, error at most [`EXP_ERR`] units, `v` in
/// `[0.7, 1.5]·2^F`; see the module guarantee.
pub fn exp<T: Kernel>(x: &Float) -> Option<(T, i32)> {
    let t = T::tables();
    let f = T::FRAC;
    let xf: T = to_fixed(x)?; // error <= 1
    // x = k·ln 2 + r; |x| < 64 gives |k| <= 93.
    let k = xf.mulf(t.inv_ln2).round_shr(f);
    let r = xf - t.ln2.mul_int(k); // off the exact x − k ln 2 by <= 93 + 1 units
    // |r| <= ln2/2 + a few units, so |j| <= 89; r = j/256 + u exactly, |u| <= 1/512.
    let j = r.round_shr(f - 8);
    if j.abs() > 89 {
        return None;
    }
    let u = r - T::from_int_shl(j, f - 8);
    // Horner for Σ u^n/n! (|u| <= 2^-9): each step adds < 1 (truncation) + 1 (coefficient) +
    // 2^-9·(the previous error): within 2.1 units, plus 3.1 for the tail summed in i128 (see
    // `horner`): 5.2; the remainder is below 1/16 unit (< |u|^11/11!·e^(1/512) < 2^-124 for
    // F = 120 with 11 terms, < |u|^21/21!·e^(1/512) < 2^-254 for F = 248 with 21).
    let eu = horner(t.exp_coef, u, 9);
    // exp(j/256 + u): <= 1 + 1.01·1 + 1.42·5.2 < 9.4 units.
    let v = t.exp_tab[(j + 89) as usize].mulf(eu);
    // r's error of <= 94 units moves exp(r) <= 1.5 by <= 1.5·94·(1 + 2^-100) < 142 units:
    // 151.4 units in all.
    Some((v, k as i32))
}

/// `log x` with error at most [`LOG_ERR`] units; see the module guarantee.
pub fn log<T: Kernel>(x: &Float) -> Option<T> {
    let t = T::tables();
    let f = T::FRAC;
    if x.is_sign_negative() || x.prec() > 128 {
        return None;
    }
    let e = x.get_exp()?; // x = m·2^e, m in [1/2, 1)
    if e.abs() > 128 {
        return None;
    }
    let limbs = (x.prec() - 1) / 64 + 1;
    let sig = x.get_significand()?.to_u128()?;
    // m·2^F: exact, or truncated (< 1 unit) from two limbs when F = 120
    let m = T::from_scaled(sig, f as i32 - 64 * limbs as i32, false)?;
    // m in [j/256, (j+1)/256), j = 128..=255; m·r_j = 1 + w with |w| <= (1/2)/(j + 1/2) < 2^-8.
    let j = (sig >> (64 * limbs - 8)) as usize; // floor(256·m), in [128, 256)
    let w = m.mulf(t.recip[j - 128]) - T::from_int_shl(1, f);
    // w is off the exact m·r_j − 1 by < 1 + 1·r_j <= 3 units, and |log'(1 + w)| <= 1.01: 3.1.
    // Horner for log(1 + w) = w·Σ (−1)^(n+1) w^(n−1)/n: each step adds < 1 + 1 + 2^-8·(the
    // previous error), within 2.01, plus 3.1 for the tail summed in i128 (see `horner`): 5.11;
    // the last product < 1 + 2^-8·5.11 < 1.1; the remainder is below 1/16 unit
    // (< |w|^16/16/(1 − |w|) < 2^-131 for F = 120 with 15 terms, < |w|^31/31/(1 − |w|) < 2^-252
    // for F = 248 with 30).
    let l = w.mulf(horner(t.log_coef, w, 8));
    // log m = log(1 + w) − log r_j: 3.1 + 1.1 + 1 (table) = 5.2 units; e·ln 2: |e| <= 128 units
    let v = t.ln2.mul_int(i64::from(e)) + l - t.log_recip[j - 128];
    not_small(v).then_some(v)
}

/// The float bracket `[lo, hi]` at precision `p` of `(v ± e units)·2^shift`: `lo` rounded down,
/// `hi` rounded up, so it contains every real number within `e` units of `v` (times `2^shift`).
pub fn bracket<T: Fix>(v: T, e: i64, shift: i32, p: u32) -> (Float, Float) {
    let mut lo = (v - units(e)).to_float_units(p, Round::Down);
    let mut hi = (v + units(e)).to_float_units(p, Round::Up);
    // exact: a power-of-two scaling far from the exponent limits
    if shift != 0 {
        lo <<= shift;
        hi <<= shift;
    }
    (lo, hi)
}

/// `f::<T>(args)` with the smallest fixed-point type `T` whose `MAX_PREC` serves precision `p`;
/// `None` above the largest.
macro_rules! by_precision {
    ($p:expr, $f:ident($($a:expr),*)) => {
        if $p <= <i128 as Fix>::MAX_PREC {
            $f::<i128>($($a),*)
        } else if $p <= <I256 as Fix>::MAX_PREC {
            $f::<I256>($($a),*)
        } else {
            None
        }
    };
}

/// `([sin_lo, sin_hi], [cos_lo, cos_hi])` of the float `x` at precision `p <= 128`, clamped to
/// `[−1, 1]`, when a kernel applies. (The exact values of a non-zero float are never ±1 or 0,
/// and the kernel's are at least `2^-100` in magnitude: the signs are exact.)
pub fn sin_cos_brackets(x: &Float, p: u32) -> Option<((Float, Float), (Float, Float))> {
    fn with<T: Kernel>(x: &Float, p: u32) -> Option<((Float, Float), (Float, Float))> {
        let (s, c) = sin_cos::<T>(x)?;
        // (|x| < 1 when its exponent is at most 0: then no comparison is needed.)
        let clamp = |(mut lo, mut hi): (Float, Float)| {
            if lo.get_exp().is_some_and(|e| e > 0) && lo < -1 {
                lo.assign(-1);
            }
            if hi.get_exp().is_some_and(|e| e > 0) && hi > 1 {
                hi.assign(1);
            }
            (lo, hi)
        };
        Some((clamp(bracket(s, SIN_COS_ERR, 0, p)), clamp(bracket(c, SIN_COS_ERR, 0, p))))
    }
    by_precision!(p, with(x, p))
}

/// `(sin x, cos x)` at precision `p <= 128` from the kernel's values (each rounded down), when
/// a kernel applies: approximations within [`SIN_COS_ERR`] units plus one ulp (for
/// [`crate::approx`]; the certified brackets are [`sin_cos_brackets`]).
pub fn sin_cos_approx(x: &Float, p: u32) -> Option<(Float, Float)> {
    fn with<T: Kernel>(x: &Float, p: u32) -> Option<(Float, Float)> {
        let (s, c) = sin_cos::<T>(x)?;
        Some((s.to_float_units(p, Round::Down), c.to_float_units(p, Round::Down)))
    }
    by_precision!(p, with(x, p))
}

/// `exp x` from the kernel's value (as [`sin_cos_approx`]).
pub fn exp_approx(x: &Float, p: u32) -> Option<Float> {
    fn with<T: Kernel>(x: &Float, p: u32) -> Option<Float> {
        let (v, k) = exp::<T>(x)?;
        let mut f = v.to_float_units(p, Round::Down);
        f <<= k; // exact: a power-of-two scaling far from the exponent limits
        Some(f)
    }
    by_precision!(p, with(x, p))
}

/// `log x` from the kernel's value (as [`sin_cos_approx`]).
pub fn log_approx(x: &Float, p: u32) -> Option<Float> {
    fn with<T: Kernel>(x: &Float, p: u32) -> Option<Float> {
        Some(log::<T>(x)?.to_float_units(p, Round::Down))
    }
    by_precision!(p, with(x, p))
}

/// `[lo, hi] ∋ exp(x)` at precision `p <= 128`, when a kernel applies.
pub fn exp_bracket(x: &Float, p: u32) -> Option<(Float, Float)> {
    fn with<T: Kernel>(x: &Float, p: u32) -> Option<(Float, Float)> {
        let (v, k) = exp::<T>(x)?;
        Some(bracket(v, EXP_ERR, k, p))
    }
    by_precision!(p, with(x, p))
}

/// `[lo, hi] ∋ log(x)` at precision `p <= 128`, when a kernel applies.
pub fn log_bracket(x: &Float, p: u32) -> Option<(Float, Float)> {
    fn with<T: Kernel>(x: &Float, p: u32) -> Option<(Float, Float)> {
        Some(bracket(log::<T>(x)?, LOG_ERR, 0, p))
    }
    by_precision!(p, with(x, p))
}

#[cfg(test)]
mod tests;
