//! The fixed-point numbers the kernels are written in once: `i128` with 120 fractional bits
//! (results up to 64 bits) and [`I256`] with 248 (results up to 128 bits).
//!
//! Guarantee: `+`, `−`, negation, [`Fix::mul_int`] and the conversions from floats with few
//! enough bits are exact; [`Fix::mulf`] truncates towards zero (error < 1 unit); every value
//! stays below `2^7` in magnitude in the kernels, far from overflow.

use rug::float::Round;
use rug::Float;
use std::ops::{Add, Neg, Sub};

/// A signed fixed-point number with `FRAC` fractional bits.
pub trait Fix: Copy + Ord + Add<Output = Self> + Sub<Output = Self> + Neg<Output = Self> + std::fmt::Debug {
    /// Fractional bits.
    const FRAC: u32;
    /// The largest result precision the kernels serve with this type.
    const MAX_PREC: u32;
    /// `n·2^s` units (exact).
    fn from_int_shl(n: i64, s: u32) -> Self;
    /// `self·b / 2^FRAC` truncated towards zero (error < 1 unit).
    fn mulf(self, b: Self) -> Self;
    /// `self·k` (exact).
    fn mul_int(self, k: i64) -> Self;
    /// `round(self / 2^s)` (ties upwards) for `1 <= s`, when it fits an `i64`.
    fn round_shr(self, s: u32) -> i64;
    /// `m·2^s` units for an unsigned `m < 2^128`, truncated towards zero when `s < 0`; `None`
    /// when it would not fit below `2^(FRAC + 7)`.
    fn from_scaled(m: u128, s: i32, negative: bool) -> Option<Self>;
    /// The value in units (`self·2^-FRAC` is the number) rounded to `p` bits in direction `r`
    /// (correctly for `p <= 128`; above, a bound in direction `r` with only 128 bits set).
    fn to_float_units(self, p: u32, r: Round) -> Float;
    /// `|self| >= 2^e` units.
    fn abs_at_least_pow2(self, e: u32) -> bool;
    /// The number in `i128` with 120 fractional bits, rounded towards −∞ (error < 2^-120;
    /// exact for `i128` itself). Values below `2^7` in magnitude fit.
    fn to_i128_120(self) -> i128;
    /// The `i128` number with 120 fractional bits, exactly.
    fn from_i128_120(v: i128) -> Self;
}

impl Fix for i128 {
    const FRAC: u32 = 120;
    const MAX_PREC: u32 = 64;
    fn from_int_shl(n: i64, s: u32) -> i128 {
        i128::from(n) << s
    }
    #[inline]
    fn mulf(self, b: i128) -> i128 {
        let neg = (self < 0) != (b < 0);
        let (x, y) = (self.unsigned_abs(), b.unsigned_abs());
        let (x1, x0) = (x >> 64, x & u128::from(u64::MAX));
        let (y1, y0) = (y >> 64, y & u128::from(u64::MAX));
        let lo = x0 * y0;
        let (mid, c1) = (x0 * y1).overflowing_add(x1 * y0);
        let (low, c2) = lo.overflowing_add(mid << 64);
        let high = x1 * y1 + (mid >> 64) + (u128::from(c1) << 64) + u128::from(c2);
        let m = ((high << (128 - Self::FRAC)) | (low >> Self::FRAC)) as i128;
        if neg {
            -m
        } else {
            m
        }
    }
    fn mul_int(self, k: i64) -> i128 {
        self * i128::from(k)
    }
    fn round_shr(self, s: u32) -> i64 {
        ((self + (1 << (s - 1))) >> s) as i64
    }
    fn from_scaled(m: u128, s: i32, negative: bool) -> Option<i128> {
        let v = if s >= 0 {
            if s >= 128 || m.leading_zeros() < s as u32 + 1 {
                return None;
            }
            m << s
        } else if s > -128 {
            m >> -s
        } else {
            0
        };
        if v >= 1 << (Self::FRAC + 7) {
            return None;
        }
        let v = v as i128;
        Some(if negative { -v } else { v })
    }
    fn to_float_units(self, p: u32, r: Round) -> Float {
        let mut f = Float::with_val_round(p, self, r).0;
        f >>= Self::FRAC; // exact
        f
    }
    fn abs_at_least_pow2(self, e: u32) -> bool {
        self.unsigned_abs() >= 1u128 << e
    }
    fn to_i128_120(self) -> i128 {
        self
    }
    fn from_i128_120(v: i128) -> i128 {
        v
    }
}

/// A 256-bit two's complement integer: `hi·2^128 + lo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct I256 {
    hi: i128,
    lo: u128,
}

impl I256 {
    pub const fn from_parts(hi: i128, lo: u128) -> I256 {
        I256 { hi, lo }
    }
    #[cfg(test)]
    pub fn parts(self) -> (i128, u128) {
        (self.hi, self.lo)
    }
    fn from_u128(m: u128) -> I256 {
        I256 { hi: 0, lo: m }
    }
    /// `|self|` as four 64-bit limbs, least significant first (|self| < 2^255).
    fn magnitude(self) -> [u64; 4] {
        let a = if self.hi < 0 { -self } else { self };
        let hi = a.hi as u128;
        [a.lo as u64, (a.lo >> 64) as u64, hi as u64, (hi >> 64) as u64]
    }
    fn from_magnitude(m: [u64; 4], negative: bool) -> I256 {
        let v = I256 {
            hi: ((u128::from(m[3]) << 64) | u128::from(m[2])) as i128,
            lo: (u128::from(m[1]) << 64) | u128::from(m[0]),
        };
        if negative {
            -v
        } else {
            v
        }
    }
    /// The number of significant bits of a magnitude.
    fn bit_length(m: &[u64; 4]) -> u32 {
        (0..4).rev().find(|&i| m[i] != 0).map_or(0, |i| 64 * i as u32 + 64 - m[i].leading_zeros())
    }
    fn shl(self, s: u32) -> I256 {
        match s {
            0 => self,
            1..=127 => I256 { hi: (self.hi << s) | (self.lo >> (128 - s)) as i128, lo: self.lo << s },
            _ => I256 { hi: (self.lo << (s - 128)) as i128, lo: 0 },
        }
    }
    /// Arithmetic shift right (floor).
    fn sar(self, s: u32) -> I256 {
        match s {
            0 => self,
            1..=127 => I256 { hi: self.hi >> s, lo: (self.lo >> s) | ((self.hi as u128) << (128 - s)) },
            _ => I256 { hi: self.hi >> 127, lo: (self.hi >> (s - 128).min(127)) as u128 },
        }
    }
}

impl Add for I256 {
    type Output = I256;
    fn add(self, b: I256) -> I256 {
        let (lo, c) = self.lo.overflowing_add(b.lo);
        I256 { hi: self.hi.wrapping_add(b.hi).wrapping_add(i128::from(c)), lo }
    }
}

impl Neg for I256 {
    type Output = I256;
    fn neg(self) -> I256 {
        let (lo, c) = (!self.lo).overflowing_add(1);
        I256 { hi: (!self.hi).wrapping_add(i128::from(c)), lo }
    }
}

impl Sub for I256 {
    type Output = I256;
    fn sub(self, b: I256) -> I256 {
        self + -b
    }
}

impl Fix for I256 {
    const FRAC: u32 = 248;
    const MAX_PREC: u32 = 128;
    fn from_int_shl(n: i64, s: u32) -> I256 {
        I256 { hi: i128::from(n) >> 127, lo: i128::from(n) as u128 }.shl(s)
    }
    fn mulf(self, b: I256) -> I256 {
        let neg = (self.hi < 0) != (b.hi < 0);
        let (x, y) = (self.magnitude(), b.magnitude());
        // the 512-bit product, limb by limb
        let mut p = [0u64; 8];
        for (i, &xi) in x.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &yj) in y.iter().enumerate() {
                let t = u128::from(xi) * u128::from(yj) + u128::from(p[i + j]) + carry;
                p[i + j] = t as u64;
                carry = t >> 64;
            }
            p[i + 4] = carry as u64;
        }
        // bits 248..504: limbs 3..8 shifted right by 56
        let s = Self::FRAC - 192; // 56
        let mut m = [0u64; 4];
        for (k, mk) in m.iter_mut().enumerate() {
            *mk = (p[3 + k] >> s) | (p[4 + k] << (64 - s));
        }
        I256::from_magnitude(m, neg)
    }
    fn mul_int(self, k: i64) -> I256 {
        let m = self.magnitude();
        let ku = k.unsigned_abs();
        let mut out = [0u64; 4];
        let mut carry = 0u128;
        for (o, &mi) in out.iter_mut().zip(&m) {
            let t = u128::from(mi) * u128::from(ku) + carry;
            *o = t as u64;
            carry = t >> 64;
        }
        I256::from_magnitude(out, (self.hi < 0) != (k < 0))
    }
    fn round_shr(self, s: u32) -> i64 {
        let half = I256::from_int_shl(1, s - 1);
        let r = (self + half).sar(s);
        r.lo as i64
    }
    fn from_scaled(m: u128, s: i32, negative: bool) -> Option<I256> {
        let v = if s >= 0 {
            if s as u32 + (128 - m.leading_zeros()) > Self::FRAC + 7 {
                return None;
            }
            I256::from_u128(m).shl(s as u32)
        } else if s > -128 {
            I256::from_u128(m >> -s)
        } else {
            I256::from_u128(0)
        };
        Some(if negative { -v } else { v })
    }
    fn to_float_units(self, p: u32, r: Round) -> Float {
        // |self| = top·2^s + rest with `top` its leading 128 bits and 0 <= rest < 2^s. For
        // p <= 128, rounding |self| down (towards zero) to p bits is rounding `top` down; rounding
        // up is rounding `top` up, then one step further when `top` was already representable
        // and rest > 0 (the next p-bit float above top·2^s is then above |self|).
        let m = self.magnitude();
        let negative = self.hi < 0;
        let bits = Self::bit_length(&m);
        let (top, s, rest) = if bits <= 128 {
            ((u128::from(m[1]) << 64) | u128::from(m[0]), 0, false)
        } else {
            let s = bits - 128;
            let v = I256::from_magnitude(m, false).sar(s);
            let below = I256::from_magnitude(m, false) - v.shl(s);
            (v.lo, s, below != I256::from_u128(0))
        };
        // the direction on the magnitude: towards zero for Down on positives or Up on negatives
        let toward_zero = (r == Round::Down) != negative;
        let dir = if toward_zero { Round::Down } else { Round::Up };
        let (mut f, o) = Float::with_val_round(p.min(128), top, dir);
        if rest && !toward_zero && o == std::cmp::Ordering::Equal {
            f.next_up();
        }
        if p > 128 {
            f.set_prec(p); // exact: more bits
        }
        if negative {
            f = -f;
        }
        f <<= s as i32 - Self::FRAC as i32; // exact
        f
    }
    fn abs_at_least_pow2(self, e: u32) -> bool {
        Self::bit_length(&self.magnitude()) > e
    }
    fn to_i128_120(self) -> i128 {
        // floor(self / 2^128): the high half (|self| < 2^255, so it fits)
        self.hi
    }
    fn from_i128_120(v: i128) -> I256 {
        I256 { hi: v, lo: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rug::Integer;

    fn big(v: I256) -> Integer {
        (Integer::from(v.hi) << 128) + v.lo
    }

    fn arb_i256() -> impl Strategy<Value = I256> {
        // magnitudes below 2^254 (the kernels stay below 2^(248 + 7))
        (any::<i128>(), any::<u128>()).prop_map(|(h, l)| I256 { hi: h >> 2, lo: l })
    }

    proptest! {
        /// Every operation agrees with GMP's integers.
        #[test]
        fn i256_agrees_with_gmp(a in arb_i256(), b in arb_i256(), k in -1000i64..1000, s in 1u32..250) {
            let (ba, bb) = (big(a), big(b));
            prop_assert_eq!(big(a + b), Integer::from(&ba + &bb));
            prop_assert_eq!(big(a - b), Integer::from(&ba - &bb));
            prop_assert_eq!(big(-a), Integer::from(-&ba));
            let a12 = a.sar(12); // |a·k| < 2^252
            prop_assert_eq!(big(a12.mul_int(k)), Integer::from(big(a12) * k));
            prop_assert_eq!(a.cmp(&b), ba.cmp(&bb));
            // truncation towards zero of a·b / 2^248 (operands scaled down so the product fits)
            let (c, d) = (a.sar(3), b.sar(124));
            let exact = Integer::from(big(c) * big(d));
            let q: Integer = Integer::from(exact.abs_ref()) >> 248;
            let q = if exact < 0 { -q } else { q };
            prop_assert_eq!(big(c.mulf(d)), q);
            // round(a / 2^s) for results that fit an i64
            let r = a.sar(192);
            let sh = s.min(60).max(1);
            let want = (big(r) + (Integer::from(1) << (sh - 1))) >> sh;
            prop_assert_eq!(Integer::from(r.round_shr(sh)), want);
            prop_assert_eq!(big(I256::from_int_shl(k, s.min(240))), Integer::from(k) << s.min(240));
            // the change of type: floor(a / 2^128), and back exactly
            let low = a.to_i128_120();
            prop_assert_eq!(Integer::from(low), Integer::from(&ba >> 128)); // (rug's >> rounds towards −∞)
            prop_assert_eq!(big(I256::from_i128_120(low)), Integer::from(low) << 128);
        }

        /// The directed conversion is MPFR's correctly rounded one of the exact integer.
        #[test]
        fn i256_to_float_is_correctly_rounded(a in arb_i256(), shift in 0u32..250, p in 2u32..=128, up in any::<bool>()) {
            let v = a.sar(shift);
            let r = if up { Round::Up } else { Round::Down };
            let mut want = Float::with_val_round(p, big(v), r).0;
            want >>= 248;
            let got = v.to_float_units(p, r);
            prop_assert_eq!(got.prec(), p);
            prop_assert!(got == want, "{} vs {}", got, want);
        }

        /// The same for `i128`.
        #[test]
        fn i128_to_float_is_correctly_rounded(a in any::<i128>(), shift in 0u32..128, p in 2u32..=100, up in any::<bool>()) {
            let r = if up { Round::Up } else { Round::Down };
            // half the cases: a p-bit leading part followed by a small remainder (exactly the
            // case where rounding away from zero takes the extra step)
            let v = if shift % 2 == 0 {
                (a >> 1) >> shift
            } else {
                let t = (a >> (127 - p.min(60))) << (126 - p.min(60) - shift.min(60));
                t + (a & 3)
            };
            let mut want = Float::with_val_round(p, v, r).0;
            want >>= 120;
            let got = v.to_float_units(p, r);
            prop_assert_eq!(got.prec(), p);
            prop_assert!(got == want, "{} vs {}", got, want);
        }

        #[test]
        fn i128_mulf_truncates(a in any::<i128>(), b in any::<i128>()) {
            let (a, b) = (a >> 3, b >> 124);
            let exact = Integer::from(a) * b;
            let q: Integer = Integer::from(exact.abs_ref()) >> 120;
            let q = if exact < 0 { -q } else { q };
            prop_assert_eq!(Integer::from(a.mulf(b)), q);
        }
    }
}
