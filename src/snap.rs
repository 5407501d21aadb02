//! Recognising exact values inside certified enclosures.
//!
//! A root-finder returns a tiny enclosure `E` of a zero that it proved unique in a larger box
//! `V ⊇ E`. If some simple exact number `c ∈ E` (a rational of small height, or `rπ`) is shown
//! by exact arithmetic to be a zero too, then `c` *is* the zero (uniqueness in `V`). These
//! helpers propose candidates; callers prove them exactly. Nothing here is a proof by itself.

use crate::interval::{from_rug_integer, to_rug_rational, Interval};
use crate::pipoly::PiPoly;
use num_rational::BigRational;
use num_traits::Zero;
use rug::{Assign, Integer, Rational};
use std::cmp::Ordering;

/// The rational with the smallest denominator (then smallest numerator in absolute value) in
/// the closed interval `[lo, hi]`, found by continued fractions (Stern–Brocot). `lo <= hi`.
pub fn simplest_rational(lo: &BigRational, hi: &BigRational) -> BigRational {
    simplest_rational_bounded(lo, hi, None).expect("no denominator bound")
}

/// [`simplest_rational`] when its denominator is at most `max_den`; `None` otherwise. Stops as
/// soon as a convergent of the common continued-fraction prefix of `lo` and `hi` has a
/// denominator above the bound (the answer's denominator is at least that large), so a narrow
/// enclosure of an irrational number is rejected after a few partial quotients instead of the
/// whole expansion.
pub fn simplest_rational_bounded(lo: &BigRational, hi: &BigRational, max_den: Option<u64>) -> Option<BigRational> {
    simplest_bounded_rug(to_rug_rational(lo), to_rug_rational(hi), max_den)
}

/// [`simplest_rational_bounded`] on GMP rationals: the sign handling around
/// [`simplest_nonneg_rug`].
fn simplest_bounded_rug(lo: Rational, hi: Rational, max_den: Option<u64>) -> Option<BigRational> {
    let to_big = |(n, d): (Integer, Integer)| BigRational::new(from_rug_integer(&n), from_rug_integer(&d));
    if lo.cmp0() != Ordering::Less {
        let ((a, b), (c, d)) = (lo.into_numer_denom(), hi.into_numer_denom());
        simplest_nonneg_rug(a, b, c, d, max_den).map(to_big)
    } else if hi.cmp0() == Ordering::Less {
        let ((a, b), (c, d)) = ((-hi).into_numer_denom(), (-lo).into_numer_denom());
        simplest_nonneg_rug(a, b, c, d, max_den).map(|r| -to_big(r))
    } else {
        Some(BigRational::zero())
    }
}

/// The simplest fraction in `[a/b, c/d]` (`0 <= a/b <= c/d`, `b, d > 0`) as `(numerator,
/// denominator)`, or `None` when its denominator exceeds `max_den`. GMP integers, updated in
/// place (this runs on every zero an interval search certifies).
fn simplest_nonneg_rug(mut a: Integer, mut b: Integer, mut c: Integer, mut d: Integer, max_den: Option<u64>) -> Option<(Integer, Integer)> {
    // Continued fractions on unnormalised numerator/denominator pairs (no gcd per step):
    // the answer is n0 + 1/(n1 + 1/(n2 + ...)), built back from the partial quotients.
    let mut quotients: Vec<Integer> = Vec::new();
    // Denominators of the convergents of the common prefix: q_k = n_k q_{k-1} + q_{k-2}.
    let (mut q_prev, mut q_cur) = (Integer::from(1), Integer::new()); // q_{-2}, q_{-1}
    let (mut n, mut t) = (Integer::new(), Integer::new());
    let last: Integer;
    loop {
        // Invariant: 0 <= a/b <= c/d, b, d > 0.
        (&mut n, &mut t).assign(a.div_rem_floor_ref(&b)); // n = floor(a/b), t = a - n b
        if t.is_zero() {
            last = n;
            break;
        }
        // n + 1 <= c/d ?
        let mut n1 = n.clone();
        n1 += 1;
        if Integer::from(&n1 * &d) <= c {
            last = n1;
            break;
        }
        // Same integer part n: recurse on [d/(c - n d), b/(a - n b)].
        c -= Integer::from(&n * &d); // c - n d
        // new (a, b, c, d) = (d, c - n d, b, a - n b)
        std::mem::swap(&mut a, &mut d); // a = d_old, d = a_old
        std::mem::swap(&mut b, &mut c); // b = c - n d, c = b_old
        d.assign(&t); // a_old - n b_old
        q_prev += Integer::from(&n * &q_cur);
        std::mem::swap(&mut q_prev, &mut q_cur);
        if max_den.is_some_and(|m| q_cur > m) {
            // The answer is [n0; ..., n_k, last] with last >= 1: its denominator
            // last q_k + q_{k-1} is at least q_k.
            return None;
        }
        quotients.push(n.clone());
    }
    // Fold back: x = q + 1/x.
    let mut num = last;
    let mut den = Integer::from(1);
    for q in quotients.into_iter().rev() {
        let new_num = Integer::from(&q * &num) + &den;
        den = std::mem::replace(&mut num, new_num);
    }
    if max_den.is_some_and(|m| den > m) {
        return None;
    }
    Some((num, den))
}

/// [`simplest_rational_bounded`] for an enclosure's endpoints (`max_den <= 2^32` and a narrow
/// enclosure take the machine-integer path).
fn simplest_in(e: &Interval, max_den: u64) -> Option<BigRational> {
    if let Some(r) = simplest_in_fixed(e, max_den) {
        return r;
    }
    simplest_bounded_rug(e.lo().to_rational()?, e.hi().to_rational()?, Some(max_den))
}

/// Bits of the fixed-point grid of [`simplest_in_fixed`].
const GRID: i32 = 100;

/// [`simplest_in`] in machine integers, for a narrow enclosure of a moderate number (the
/// common case: a certified zero). `None` when it does not apply; `Some(answer)` otherwise.
///
/// The endpoints are rounded outward to the grid `2^-100 Z`. Two fractions with denominators
/// at most `max_den <= 2^32` differ by at least `2^-64`, so when the widened interval is
/// narrower than that it holds at most one of them: if `[lo, hi]` holds one, it is the widened
/// interval's simplest fraction (found here); if the widened interval's simplest fraction lies
/// outside `[lo, hi]`, `[lo, hi]` holds none, and the answer is `None` (no candidate).
fn simplest_in_fixed(e: &Interval, max_den: u64) -> Option<Option<BigRational>> {
    if max_den > 1 << 32 || !e.is_bounded() {
        return None;
    }
    let mut tol = rug::Float::with_val(64, 1);
    tol >>= 70;
    let mut big = rug::Float::with_val(64, 1);
    big <<= 20;
    if e.width() > tol || e.mag() >= big {
        return None;
    }
    let neg = e.hi().is_sign_negative() && !e.hi().is_zero();
    if !neg && e.lo().is_sign_negative() && !e.lo().is_zero() {
        return Some(Some(BigRational::zero())); // 0 is inside
    }
    // |endpoints| scaled to the grid, rounded outward (toward the wider interval).
    let scaled = |x: &rug::Float, up: bool| -> Option<u128> {
        if x.prec() <= 128 {
            return grid_units(x, up);
        }
        let mut v = rug::Float::with_val(x.prec() + GRID as u32, x.abs_ref());
        v <<= GRID;
        let i = if up { v.ceil() } else { v.floor() };
        i.to_integer()?.to_u128()
    };
    let (a, c) = if neg { (scaled(e.hi(), false)?, scaled(e.lo(), true)?) } else { (scaled(e.lo(), false)?, scaled(e.hi(), true)?) };
    let den = 1u128 << GRID;
    let Some((n, d)) = simplest_nonneg_u128(a, den, c, den, max_den)? else { return Some(None) };
    // Keep it only if it lies in the original enclosure (else there is none there): with
    // d > 0, lo <= ±n/d <= hi iff lo·d <= ±n <= hi·d, compared exactly (a float times
    // d <= 2^32 is exact with 33 more bits; a float compares exactly with an integer).
    let sn = if neg { -rug::Integer::from(n) } else { rug::Integer::from(n) };
    let times_d = |x: &rug::Float| rug::Float::with_val(x.prec() + 33, x * d);
    let inside = times_d(e.lo()) <= sn && sn <= times_d(e.hi());
    // n/d is in lowest terms: it is (l·p_k + p_(k−1))/(l·q_k + q_(k−1)) for consecutive
    // convergents, whose determinant p_k q_(k−1) − p_(k−1) q_k is ±1; so no gcd is needed.
    let r = BigRational::new_raw(if neg { -num_bigint::BigInt::from(n) } else { n.into() }, d.into());
    debug_assert_eq!(r, BigRational::new(r.numer().clone(), r.denom().clone()));
    Some(inside.then_some(r))
}

/// `|x|·2^GRID` rounded up (`up`) or down to an integer, from the significand's bits (no
/// allocation), for `x` of at most 128 bits; `None` when it does not fit a `u128`.
fn grid_units(x: &rug::Float, up: bool) -> Option<u128> {
    if x.is_zero() {
        return Some(0);
    }
    let e = x.get_exp()?; // |x| = m·2^(e − 64·limbs), m the significand's limbs as an integer
    let limbs = (x.prec() - 1) / 64 + 1;
    let m = x.get_significand()?.to_u128()?;
    let sh = e + GRID - 64 * limbs as i32;
    if sh >= 0 {
        let sh = sh as u32;
        return (sh < 128 && m.leading_zeros() >= sh).then(|| m << sh);
    }
    let k = sh.unsigned_abs();
    if k >= 128 {
        return Some(u128::from(up)); // 0 < |x|·2^GRID < 1
    }
    let q = m >> k;
    let inexact = m & ((1u128 << k) - 1) != 0;
    Some(if up && inexact { q + 1 } else { q })
}

/// `simplest_nonneg_rug` in `u128` arithmetic: `Some(None)` when the denominator exceeds
/// `max_den`, `None` on overflow.
fn simplest_nonneg_u128(mut a: u128, mut b: u128, mut c: u128, mut d: u128, max_den: u64) -> Option<Option<(u128, u128)>> {
    // The convergents p_k/q_k of the common prefix, forward (p_{-2}, p_{-1}) = (0, 1) and
    // (q_{-2}, q_{-1}) = (1, 0): the answer [n_0; ..., n_k, last] is then
    // (last p_k + p_{k-1}) / (last q_k + q_{k-1}), with no list of quotients to fold back.
    let (mut p_prev, mut p_cur) = (0u128, 1u128);
    let (mut q_prev, mut q_cur) = (1u128, 0u128);
    let last: u128;
    loop {
        // (one division: `a % b` would be a second call of the 128-bit division routine)
        let n = a / b;
        let t = a - n * b;
        if t == 0 {
            last = n;
            break;
        }
        if (n + 1).checked_mul(d)? <= c {
            last = n + 1;
            break;
        }
        let cn = c - n.checked_mul(d)?;
        (a, b, c, d) = (d, cn, b, t);
        let p_next = n.checked_mul(p_cur)?.checked_add(p_prev)?;
        let q_next = n.checked_mul(q_cur)?.checked_add(q_prev)?;
        (p_prev, p_cur) = (p_cur, p_next);
        (q_prev, q_cur) = (q_cur, q_next);
        if q_cur > max_den as u128 {
            return Some(None);
        }
    }
    let num = last.checked_mul(p_cur)?.checked_add(p_prev)?;
    let den = last.checked_mul(q_cur)?.checked_add(q_prev)?;
    Some((den <= max_den as u128).then_some((num, den)))
}

/// Candidate exact values in an enclosure: the simplest rational in it (if its denominator is
/// below `max_den`), and, when `with_pi`, `rπ` for the simplest rational `r` in `E/π` (same
/// bound).
///
/// Each candidate comes with its enclosure at `e.prec() + 16` bits (which meets `E`).
pub fn candidates(e: &Interval, max_den: u64, with_pi: bool) -> Vec<(PiPoly, Interval)> {
    let mut out = Vec::new();
    if !e.is_bounded() {
        return out;
    }
    let prec = e.prec() + 16;
    if let Some(q) = simplest_in(e, max_den) {
        let c = PiPoly::rational(q);
        let ce = c.enclose(prec);
        out.push((c, ce));
    }
    if !with_pi {
        return out;
    }
    // (E/π at E's precision: any enclosure of it serves, the candidate is checked below)
    if let Ok(t) = e.div(&Interval::pi(e.prec())) {
        if t.is_bounded() {
            if let Some(r) = simplest_in(&t, max_den).filter(|r| !r.is_zero()) {
                let c = PiPoly::pi_times(r);
                // Keep only if the candidate really lies in E (its enclosure meets E).
                let ce = c.enclose(prec);
                if ce.meets(e) {
                    out.push((c, ce));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;

    fn q(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn simplest_rationals() {
        assert_eq!(simplest_rational(&q(1, 3), &q(1, 2)), q(1, 2));
        assert_eq!(simplest_rational(&q(31, 100), &q(33, 100)), q(5, 16));
        assert_eq!(simplest_rational(&q(33, 100), &q(34, 100)), q(1, 3));
        assert_eq!(simplest_rational(&q(-34, 100), &q(-33, 100)), q(-1, 3));
        assert_eq!(simplest_rational(&q(-1, 7), &q(1, 9)), q(0, 1));
        assert_eq!(simplest_rational(&q(7, 5), &q(7, 5)), q(7, 5));
        assert_eq!(simplest_rational(&q(314159, 100000), &q(314160, 100000)), q(355, 113));
    }

    #[test]
    fn bounded_agrees_with_unbounded() {
        // Every pair of fractions with small terms: the bounded answer is the unbounded one
        // whenever its denominator is within the bound, and None otherwise.
        let fr: Vec<BigRational> = (-12..=12).flat_map(|n| (1..=9).map(move |d| q(n, d))).collect();
        for a in &fr {
            for b in &fr {
                if a > b {
                    continue;
                }
                let r = simplest_rational(a, b);
                for m in [1u64, 2, 3, 5, 8] {
                    let want = if r.denom() <= &BigInt::from(m) { Some(r.clone()) } else { None };
                    assert_eq!(simplest_rational_bounded(a, b, Some(m)), want, "[{a}, {b}] bound {m}");
                }
            }
        }
        // A narrow enclosure of an irrational number is rejected early.
        let lo = q(141421356237, 100000000000);
        let hi = q(141421356238, 100000000000);
        assert_eq!(simplest_rational_bounded(&lo, &hi, Some(1000)), None);
        assert_eq!(simplest_rational_bounded(&lo, &hi, None), Some(simplest_rational(&lo, &hi)));
    }

    proptest::proptest! {
        /// The fixed-point path answers exactly as the GMP path, on narrow enclosures of
        /// fractions (found) and of irrationals and near-misses (none).
        #[test]
        fn fixed_point_path_agrees(num in -3000i64..3000, den in 1i64..5000, off in -3i32..4, logw in 72u32..126, sq in 2u32..50) {
            let x = if off == 3 {
                // an irrational: sqrt(sq) (sq not a square, mostly)
                crate::interval::Interval::from_int(sq as i64, 128).sqrt().unwrap().mid()
            } else {
                let mut f = rug::Float::with_val(200, num) / den;
                f += rug::Float::with_val(200, rug::Float::i_exp(off, -80)); // shift off the fraction by 0 or a few 2^-80
                f
            };
            let mut w = rug::Float::with_val(128, 1);
            w >>= logw as i32;
            let lo = rug::Float::with_val(128, &x - &w);
            let hi = rug::Float::with_val(128, &x + &w);
            let e = crate::interval::Interval::new(lo, hi).unwrap();
            let fast = simplest_in_fixed(&e, 1 << 32);
            proptest::prop_assume!(fast.is_some());
            let (l, h) = (e.lo_rational().unwrap(), e.hi_rational().unwrap());
            proptest::prop_assert_eq!(fast.unwrap(), simplest_rational_bounded(&l, &h, Some(1 << 32)), "{}", e);
        }
    }

    #[test]
    fn candidates_find_minus_half_pi() {
        let e = PiPoly::pi_times(q(-1, 2)).enclose(100);
        let c: Vec<PiPoly> = candidates(&e, 1000, true).into_iter().map(|(c, _)| c).collect();
        assert!(!candidates(&e, 1000, false).iter().any(|(c, _)| *c == PiPoly::pi_times(q(-1, 2))));
        assert!(c.contains(&PiPoly::pi_times(q(-1, 2))), "{c:?}");
    }
}
