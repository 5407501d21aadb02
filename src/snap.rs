//! Recognising exact values inside certified enclosures.
//!
//! A root-finder returns a tiny enclosure `E` of a zero that it proved unique in a larger box
//! `V ⊇ E`. If some simple exact number `c ∈ E` (a rational of small height, or `rπ`) is shown
//! by exact arithmetic to be a zero too, then `c` *is* the zero (uniqueness in `V`). These
//! helpers propose candidates; callers prove them exactly. Nothing here is a proof by itself.

use crate::interval::Interval;
use crate::pipoly::PiPoly;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// The rational with the smallest denominator (then smallest numerator in absolute value) in
/// the closed interval `[lo, hi]`, found by continued fractions (Stern–Brocot). `lo <= hi`.
pub fn simplest_rational(lo: &BigRational, hi: &BigRational) -> BigRational {
    if lo.is_positive() || lo.is_zero() {
        simplest_nonneg(lo, hi)
    } else if hi.is_negative() {
        -simplest_nonneg(&-hi, &-lo)
    } else {
        BigRational::zero()
    }
}

fn simplest_nonneg(lo: &BigRational, hi: &BigRational) -> BigRational {
    // Continued fractions on unnormalised numerator/denominator pairs (no gcd per step):
    // the answer is n0 + 1/(n1 + 1/(n2 + ...)), built back from the partial quotients.
    let (mut a, mut b) = (lo.numer().clone(), lo.denom().clone()); // lower end a/b
    let (mut c, mut d) = (hi.numer().clone(), hi.denom().clone()); // upper end c/d
    let mut quotients: Vec<BigInt> = Vec::new();
    let last: BigInt;
    loop {
        // Invariant: 0 <= a/b <= c/d, b, d > 0.
        let n = &a / &b; // floor, a >= 0
        if &n * &b == a {
            last = n;
            break;
        }
        let n1 = &n + 1;
        if &n1 * &d <= c {
            last = n1;
            break;
        }
        // Same integer part n: recurse on [d/(c - n d), b/(a - n b)].
        let (na, nb) = (d.clone(), &c - &n * &d);
        let (nc, nd) = (b.clone(), &a - &n * &b);
        quotients.push(n);
        a = na;
        b = nb;
        c = nc;
        d = nd;
    }
    // Fold back: x = q + 1/x.
    let mut num = last;
    let mut den = BigInt::one();
    for q in quotients.into_iter().rev() {
        let new_num = &q * &num + &den;
        den = num;
        num = new_num;
    }
    BigRational::new(num, den)
}

/// Candidate exact values in an enclosure: the simplest rational in it (if its denominator is
/// below `max_den`), and `rπ` for the simplest rational `r` in `E/π` (same bound).
pub fn candidates(e: &Interval, max_den: u64) -> Vec<PiPoly> {
    let mut out = Vec::new();
    let (Some(lo), Some(hi)) = (e.lo_rational(), e.hi_rational()) else { return out };
    let q = simplest_rational(&lo, &hi);
    if q.denom() <= &BigInt::from(max_den) {
        out.push(PiPoly::rational(q));
    }
    let prec = e.prec() + 8;
    if let Ok(t) = e.with_prec(prec).div(&Interval::pi(prec)) {
        if let (Some(a), Some(b)) = (t.lo_rational(), t.hi_rational()) {
            let r = simplest_rational(&a, &b);
            if !r.is_zero() && r.denom() <= &BigInt::from(max_den) {
                let c = PiPoly::pi_times(r);
                // Keep only if the candidate really lies in E.
                if e.contains(&c.enclose(prec)) || c.enclose(prec).intersect(e).is_some() {
                    out.push(c);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn candidates_find_minus_half_pi() {
        let e = PiPoly::pi_times(q(-1, 2)).enclose(100);
        let c = candidates(&e, 1000);
        assert!(c.contains(&PiPoly::pi_times(q(-1, 2))), "{c:?}");
    }
}
