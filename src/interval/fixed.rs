//! Fixed-point kernels for `sin`/`cos`, `exp` and `log` of a float, for results needed at most at
//! 64 bits: several times cheaper than MPFR's general-precision algorithms, which dominate the
//! cost of the search phase (see docs/benchmarks.md).
//!
//! Guarantee: every kernel returns integers `v` and an error bound `e` (units of `2^-F`,
//! `F = 120`) with `|f(x)·2^F − v| <= e` for the exact real function value (for `exp`, of
//! `exp(x)·2^(F − k)` with the returned `k`), or `None` when it does not apply: the argument
//! has more than 128 significant bits, is zero or not finite, or too large (`|x| >= 64`; for
//! `log`, `x <= 0` or `x` outside `[2^-128, 2^128)`), or the result is so small that `e` is not
//! negligible at 64 bits (then the caller asks MPFR).
//! [`bracket`] turns `v ± e` into a float bracket rounded outwards.
//!
//! Only exact integer arithmetic is used (`i128`, products through a 256-bit intermediate);
//! each truncation and each constant's error is counted in the comments of the kernel, and the
//! bounds `SIN_COS_ERR`, `EXP_ERR` and `LOG_ERR` are at least twice the counted totals. The constants (π/2, ln 2,
//! the tables and the Taylor coefficients) are computed once by MPFR at 256 bits and rounded
//! to the nearest integer multiple of `2^-F` (error <= 1 unit). The tests compare every kernel
//! with MPFR at 512 bits and check the counted (not just the stated) bound.

use rug::float::Round;
use rug::Float;

/// Fractional bits of the fixed-point numbers.
const F: u32 = 120;

/// Error bound (units of `2^-F`) of [`sin_cos`]: twice the 53 units counted there.
pub const SIN_COS_ERR: i128 = 128;
/// Error bound (units of `2^-F`) of [`exp`]: more than twice the 148 units counted there
/// (relative to values in `[0.7, 1.5]`).
pub const EXP_ERR: i128 = 512;
/// Error bound (units of `2^-F`) of [`log`]: more than twice the at most 135 units counted there.
pub const LOG_ERR: i128 = 512;

/// Below this magnitude (`2^-40`) a sine, cosine or logarithm is left to MPFR: the absolute error
/// `2^-113` would no longer be far below the last bit of a 64-bit result.
const SMALL: i128 = 1 << (F - 40);

/// `|a·b| / 2^F` truncated towards zero, with the sign of `a·b` (error < 1 unit).
/// Requires `|a·b| < 2^(F + 127)` (values below 2^7 in magnitude), which every caller respects.
#[inline]
fn mulf(a: i128, b: i128) -> i128 {
    let neg = (a < 0) != (b < 0);
    let (x, y) = (a.unsigned_abs(), b.unsigned_abs());
    let (x1, x0) = (x >> 64, x & u128::from(u64::MAX));
    let (y1, y0) = (y >> 64, y & u128::from(u64::MAX));
    let lo = x0 * y0;
    let (mid, c1) = (x0 * y1).overflowing_add(x1 * y0);
    let (low, c2) = lo.overflowing_add(mid << 64);
    let high = x1 * y1 + (mid >> 64) + (u128::from(c1) << 64) + u128::from(c2);
    let m = ((high << (128 - F)) | (low >> F)) as i128;
    if neg {
        -m
    } else {
        m
    }
}

/// `x·2^F` as an integer, truncated towards zero (error < 1 unit; exact when `x` has no bits
/// below `2^-F`), for finite non-zero `x` with `|x| < 64` and at most 128 significant bits.
fn to_fixed(x: &Float) -> Option<i128> {
    let e = x.get_exp()?; // x = 0.m·2^e, m in [1/2, 1)
    if e > 6 || x.prec() > 128 {
        return None;
    }
    let sig = x.get_significand()?; // m·2^(64·limbs), limbs = 1 or 2
    let limbs = (x.prec() - 1) / 64 + 1;
    let m = sig.to_u128()?;
    // x·2^F = m·2^(e − 64·limbs + F)
    let s = e - 64 * limbs as i32 + F as i32;
    let v = if s >= 0 {
        // e <= 6 and m < 2^(64·limbs): m·2^s < 2^(6 + F) = 2^126
        (m << s) as i128
    } else if s > -128 {
        (m >> (-s)) as i128
    } else {
        0
    };
    Some(if x.is_sign_negative() { -v } else { v })
}

/// The constants, each the nearest multiple of `2^-F` to the exact value (error <= 1 unit;
/// MPFR's own error at 256 bits is far below that). Written out as literals (no start-up
/// cost); `tests::tables_are_mpfrs` recomputes every one with MPFR and compares.
#[derive(Debug, PartialEq)]
struct Tables {
    /// π/2.
    pio2: i128,
    /// 2/π (only used to choose the quadrant; its error does not matter).
    two_over_pi: i128,
    /// sin(j/16), cos(j/16) for j = -13..=13.
    sin16: [i128; 27],
    cos16: [i128; 27],
    /// (−1)^k/(2k+1)! and (−1)^k/(2k)!, k = 0..=7.
    sin_coef: [i128; 8],
    cos_coef: [i128; 8],
    /// ln 2 and 1/ln 2 (the latter only chooses k).
    ln2: i128,
    inv_ln2: i128,
    /// exp(j/32) for j = -12..=12.
    exp32: [i128; 25],
    /// 1/n!, n = 0..=14.
    exp_coef: [i128; 15],
    /// For j = 32..=63 (index j − 32): `r_j ≈ 64/(j + 1/2)` (any value: it is used exactly) and
    /// log(r_j).
    recip64: [i128; 32],
    log_recip64: [i128; 32],
    /// (−1)^(n+1)/n, n = 1..=19 (index n − 1).
    log_coef: [i128; 19],
}


/// `round(v / 2^s)` for `s >= 1` (ties upwards).
#[inline]
fn round_shift(v: i128, s: u32) -> i128 {
    (v + (1 << (s - 1))) >> s
}

/// `(sin x, cos x)` with error at most [`SIN_COS_ERR`] units each; see the module guarantee.
pub fn sin_cos(x: &Float) -> Option<(i128, i128)> {
    let t = &TABLES;
    let xf = to_fixed(x)?; // error <= 1 (truncation of bits below 2^-F)
    // Quadrant: x = k·π/2 + r. |x| < 64 gives |k| <= 41.
    let k = round_shift(mulf(xf, t.two_over_pi), F);
    // k·pio2 is exact in integers; pio2's error (<= 1) times |k| <= 41.
    let r = xf - k * t.pio2;
    // |r| <= π/4 + a few units, so |j| <= 13; r = j/16 + u exactly, |u| <= 1/32.
    let j = round_shift(r, F - 4);
    if j.abs() > 13 {
        return None;
    }
    let u = r - (j << (F - 4));
    let u2 = mulf(u, u); // error < 1
    // Horner in u² for P(u²) = Σ s_k u^(2k) and Q(u²) = Σ c_k u^(2k), k = 0..=7: each step adds
    // < 1 (truncation) + 1 (coefficient) + |y|·1 (u2's error, |y| <= 1.1) + 2^-10·(the previous
    // error), so both stay within 3.2 units. The Taylor remainders are below |u|^16/16! < 2^-124.
    let horner = |c: &[i128; 8]| c.iter().rev().skip(1).fold(c[7], |y, &ck| ck + mulf(u2, y));
    let su = mulf(u, horner(&t.sin_coef)); // sin u: <= 1 + |u|·3.2 + remainder < 2
    let cu = horner(&t.cos_coef); // cos u: < 4
    let (sa, ca) = (t.sin16[(j + 13) as usize], t.cos16[(j + 13) as usize]); // <= 1 each
    // sin(a + u) = sin a cos u + cos a sin u: <= (1 + 1 + 4) + (1 + 1 + 2) = 10 units, likewise
    // cos(a + u) = cos a cos u − sin a sin u.
    let s = mulf(sa, cu) + mulf(ca, su);
    let c = mulf(ca, cu) - mulf(sa, su);
    // r differs from the exact x − k·π/2 by <= 41 + 1 units; sin and cos are 1-Lipschitz:
    // 10 + 42 = 52 <= 53 units in all.
    let (s, c) = match k.rem_euclid(4) {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    };
    (s.abs() >= SMALL && c.abs() >= SMALL).then_some((s, c))
}

/// `(v, k)` with `v ≈ exp(x)·2^(F − k)`, error at most [`EXP_ERR`] units, `v` in
/// `[0.7, 1.5]·2^F`; see the module guarantee.
pub fn exp(x: &Float) -> Option<(i128, i32)> {
    let t = &TABLES;
    let xf = to_fixed(x)?; // error <= 1
    // x = k·ln 2 + r; |x| < 64 gives |k| <= 93.
    let k = round_shift(mulf(xf, t.inv_ln2), F);
    let r = xf - k * t.ln2; // off the exact x − k ln 2 by <= 93 + 1 units
    // |r| <= ln2/2 + a few units, so |j| <= 12; r = j/32 + u exactly, |u| <= 1/64.
    let j = round_shift(r, F - 5);
    if j.abs() > 12 {
        return None;
    }
    let u = r - (j << (F - 5));
    // Horner for Σ u^n/n!, n = 0..=14: each step adds < 1 (truncation) + 1 (coefficient) +
    // 2^-6·(the previous error): within 2.1 units; the remainder is < |u|^15/15!·e^(1/64) < 2^-130.
    let eu = t.exp_coef.iter().rev().skip(1).fold(t.exp_coef[14], |y, &cn| cn + mulf(u, y));
    // exp(j/32 + u): <= 1 + 1.02·1 + 1.46·2.1 < 5.1 units.
    let v = mulf(t.exp32[(j + 12) as usize], eu);
    // r's error of <= 94 units moves exp(r) <= 1.5 by <= 1.5·94·(1 + 2^-100) < 142 units:
    // 148 units in all.
    Some((v, k as i32))
}

/// `log x` with error at most [`LOG_ERR`] units; see the module guarantee.
pub fn log(x: &Float) -> Option<i128> {
    let t = &TABLES;
    if x.is_sign_negative() || x.prec() > 128 {
        return None;
    }
    let e = x.get_exp()?; // x = m·2^e, m in [1/2, 1)
    if e.abs() > 128 {
        return None;
    }
    let limbs = (x.prec() - 1) / 64 + 1;
    let sig = x.get_significand()?.to_u128()?;
    // m·2^F: exact from one limb (shift left), truncated (< 1 unit) from two
    let m = if limbs == 1 { sig << (F - 64) } else { sig >> (128 - F) } as i128;
    // m in [j/64, (j+1)/64), j = 32..=63; m·r_j = 1 + w with |w| <= (1/2)/(j + 1/2) < 2^-6.
    let j = (m >> (F - 6)) as usize;
    let w = mulf(m, t.recip64[j - 32]) - (1 << F);
    // w is off the exact m·r_j − 1 by < 1 + 1·r_j <= 3 units, and |log'(1 + w)| <= 1.02: 3.1.
    // Horner for log(1 + w) = w·Σ (−1)^(n+1) w^(n−1)/n, n = 1..=19: each step adds < 1 + 1 +
    // 2^-6·(the previous error), within 2.04; the last product < 1 + 2^-6·2.04 < 1.1; the
    // remainder is < |w|^20/20/(1 − |w|) < 2^-124.
    let c = &t.log_coef;
    let l = mulf(w, c.iter().rev().skip(1).fold(c[18], |y, &cn| cn + mulf(w, y)));
    // log m = log(1 + w) − log r_j: 3.1 + 1.1 + 1 (table) = 5.2 units; e·ln 2: |e| <= 128 units
    let v = i128::from(e) * t.ln2 + l - t.log_recip64[j - 32];
    (v.abs() >= SMALL).then_some(v)
}

/// The float bracket `[lo, hi]` at precision `p` of `(v ± e)·2^(shift − F)`: `lo` rounded
/// down, `hi` rounded up, so it contains every real number within `e` units of `v`.
pub fn bracket(v: i128, e: i128, shift: i32, p: u32) -> (Float, Float) {
    let mut lo = Float::with_val_round(p, v - e, Round::Down).0;
    let mut hi = Float::with_val_round(p, v + e, Round::Up).0;
    // exact: a power-of-two scaling far from the exponent limits
    lo <<= shift - F as i32;
    hi <<= shift - F as i32;
    (lo, hi)
}

/// The constants (see [`Tables`]).
#[rustfmt::skip]
const TABLES: Tables = Tables {
    pio2: 0x1921fb54442d18469898cc51701b83a,
    two_over_pi: 0xa2f9836e4e441529fc2757d1f534de,
    sin16: [
        -0xb9dbb406f52bbeddb7cf923ed5def2,
        -0xae7fe0b5fc786b2d966e1d6af140a5,
        -0xa2759c0e79c35582527c32b55f5406,
        -0x95c8ef544210ec0b91c49bd2aa09e8,
        -0x88868625b4e1dbb231331013302252,
        -0x7abba1d12c17bfa1d92f0d93f60dee,
        -0x6c760c14c8585a51dbd34660ae6c53,
        -0x5dc40955d9084f48a94675a2498de6,
        -0x4eb44a5da74f600207aaa090f0734e,
        -0x3f55dda9e62aed7513bd7b8e6a3d16,
        -0x2fb8205f75e56a2b56a1c4792f8562,
        -0x1feaaeee86ee35ca069a86721f89f8,
        -0xffd557776a76d5a5d259b2f692d4b,
        0x0,
        0xffd557776a76d5a5d259b2f692d4b,
        0x1feaaeee86ee35ca069a86721f89f8,
        0x2fb8205f75e56a2b56a1c4792f8562,
        0x3f55dda9e62aed7513bd7b8e6a3d16,
        0x4eb44a5da74f600207aaa090f0734e,
        0x5dc40955d9084f48a94675a2498de6,
        0x6c760c14c8585a51dbd34660ae6c53,
        0x7abba1d12c17bfa1d92f0d93f60dee,
        0x88868625b4e1dbb231331013302252,
        0x95c8ef544210ec0b91c49bd2aa09e8,
        0xa2759c0e79c35582527c32b55f5406,
        0xae7fe0b5fc786b2d966e1d6af140a5,
        0xb9dbb406f52bbeddb7cf923ed5def2,
    ],
    cos16: [
        0xb00c2937ab1efa8d94bc1c8659f974,
        0xbb4ff632a908f73ec151839cb9d994,
        0xc5d882d2ee48030c7c07d28e981e35,
        0xcf9b476c897c25c5bfe750dd3f308f,
        0xd88e820b1526311dd561efbc0c1a9a,
        0xe0a94032dbea7cedbddd9da2fafada,
        0xe7e367d2956cfb16b6aa11e5419cd0,
        0xee35bf5ccac89052cd91ddb734d3a4,
        0xf399f500c9e9fd37ae9957263dab88,
        0xf80aa4fbef750ba783d33cb95f94f9,
        0xfb835efcf670dd2ce6fe7924697eea,
        0xfe00aa93eade9b6d1e6a129df6f18d,
        0xff800aaa4fa69a65070f73284de216,
        0x1000000000000000000000000000000,
        0xff800aaa4fa69a65070f73284de216,
        0xfe00aa93eade9b6d1e6a129df6f18d,
        0xfb835efcf670dd2ce6fe7924697eea,
        0xf80aa4fbef750ba783d33cb95f94f9,
        0xf399f500c9e9fd37ae9957263dab88,
        0xee35bf5ccac89052cd91ddb734d3a4,
        0xe7e367d2956cfb16b6aa11e5419cd0,
        0xe0a94032dbea7cedbddd9da2fafada,
        0xd88e820b1526311dd561efbc0c1a9a,
        0xcf9b476c897c25c5bfe750dd3f308f,
        0xc5d882d2ee48030c7c07d28e981e35,
        0xbb4ff632a908f73ec151839cb9d994,
        0xb00c2937ab1efa8d94bc1c8659f974,
    ],
    sin_coef: [
        0x1000000000000000000000000000000,
        -0x2aaaaaaaaaaaaaaaaaaaaaaaaaaaab,
        0x22222222222222222222222222222,
        -0xd00d00d00d00d00d00d00d00d01,
        0x2e3bc74aad8e671f5583911ca0,
        -0x6b99159fd5138e3f9d1f92e1,
        0xb092309d43684be51c198f,
        -0xd73f9f399dc0f88ec32b,
    ],
    cos_coef: [
        0x1000000000000000000000000000000,
        -0x800000000000000000000000000000,
        0xaaaaaaaaaaaaaaaaaaaaaaaaaaaab,
        -0x5b05b05b05b05b05b05b05b05b06,
        0x1a01a01a01a01a01a01a01a01a0,
        -0x49f93edde27d71cbbc05b4faa,
        0x8f76c77fc6c4bdaa26d4c3d,
        -0xc9cba54603e4e905d6f8a,
    ],
    ln2: 0xb17217f7d1cf79abc9e3b39803f2f7,
    inv_ln2: 0x171547652b82fe1777d0ffda0d23a7d,
    exp32: [
        0xaff230af4c747553d8db804c224277,
        0xb587fb96f5c4e712a053451f9ff0ec,
        0xbb4b296f917bf09a22fbaa27077b85,
        0xc13d2b0c44b8af4a68aa4e7ef9fa53,
        0xc75f7cf564105743415cbc9d6368f4,
        0xcdb3a7c7979ebd5c80489daded79af,
        0xd43b4096043bde02c9dd90522bbe5c,
        0xdaf7e94f9261313d5fd7d70a5ed575,
        0xe1eb51276c110c3c3eb1269f2f5d4b,
        0xe9173500cbe0159aa3084a1ddd389d,
        0xf07d5fde38151e72f18ff03049ac5d,
        0xf81fab5445aebc8a58055fcbbb139b,
        0x1000000000000000000000000000000,
        0x108205601127ec98e0bd083aba80c98,
        0x11082b577d34ed7d5b1a019e225c9a9,
        0x1192937074e0cd6893d18cdba80eabc,
        0x12216045b6f5ccf9ced688384e06b8d,
        0x12b4b58b372c795013767c0c59d7d93,
        0x134cb8170b58352d4e0c48cb7c66493,
        0x13e98deaa11dcbaa377bdc040c05157,
        0x148b5e3c3e81866767bc3b69baabe53,
        0x15325180cfacf76ca2d982992369fb6,
        0x15de9176045ff53b513246531754404,
        0x1690492cbf9432cfdaf98105237a74b,
        0x1747a513dbef6a623478b659b092406,
    ],
    exp_coef: [
        0x1000000000000000000000000000000,
        0x1000000000000000000000000000000,
        0x800000000000000000000000000000,
        0x2aaaaaaaaaaaaaaaaaaaaaaaaaaaab,
        0xaaaaaaaaaaaaaaaaaaaaaaaaaaaab,
        0x22222222222222222222222222222,
        0x5b05b05b05b05b05b05b05b05b06,
        0xd00d00d00d00d00d00d00d00d01,
        0x1a01a01a01a01a01a01a01a01a0,
        0x2e3bc74aad8e671f5583911ca0,
        0x49f93edde27d71cbbc05b4faa,
        0x6b99159fd5138e3f9d1f92e1,
        0x8f76c77fc6c4bdaa26d4c3d,
        0xb092309d43684be51c198f,
        0xc9cba54603e4e905d6f8a,
    ],
    recip64: [
        0x1f81f81f81f81f81f81f81f81f81f82,
        0x1e9131abf0b7672a07a44c6afc2dd9d,
        0x1dae6076b981dae6076b981dae6076c,
        0x1cd85689039b0ad12073615a240e6c3,
        0x1c0e070381c0e070381c0e070381c0e,
        0x1b4e81b4e81b4e81b4e81b4e81b4e82,
        0x1a98ef606a63bd81a98ef606a63bd82,
        0x19ec8e951033d91d2a2067b23a5440d,
        0x1948b0fcd6e9e06522c3f35ba781949,
        0x18acb90f6bf3a9a3784a062b2e43db0,
        0x1818181818181818181818181818182,
        0x178a4c8178a4c8178a4c8178a4c8179,
        0x1702e05c0b81702e05c0b81702e05c1,
        0x1681681681681681681681681681681,
        0x1605816058160581605816058160581,
        0x158ed2308158ed2308158ed2308158f,
        0x151d07eae2f8151d07eae2f8151d07f,
        0x14afd6a052bf5a814afd6a052bf5a81,
        0x1446f86562d9faee41e6a74981446f8,
        0x13e22cbce4a9027c45979c95204f88b,
        0x1381381381381381381381381381381,
        0x1323e34a2b10bf66e0e5aea77a04c90,
        0x12c9fb4d812c9fb4d812c9fb4d812ca,
        0x127350b88127350b88127350b881273,
        0x121fb78121fb78121fb78121fb78122,
        0x11cf06ada2811cf06ada2811cf06ada,
        0x1181181181181181181181181181181,
        0x1135c81135c81135c81135c81135c81,
        0x10ecf56be69c8fde26152832c6e043b,
        0x10a6810a6810a6810a6810a6810a681,
        0x10624dd2f1a9fbe76c8b4395810624e,
        0x1020408102040810204081020408102,
    ],
    log_recip64: [
        0xad7a02e1b24efd31d60864fd949b4c,
        0xa5b7eb7cb860fb88af6a62a0dec6e1,
        0x9e304061b5fda91930603d87b6df82,
        0x96dfaabd86fa1646be1188fbc94e2f,
        0x8fc31afe30b2c6de9b00bf167e95da,
        0x88d7c11e3ad53cdc223111a707b6de,
        0x821b05f3b01d6774030d58c3f7e2ea,
        0x7b8a855ad04f93fa2d2381286a075f,
        0x7524091b7be9add7f4d3b3d406b6cc,
        0x6ee5846e038bec2dfa05333643c214,
        0x68cd100893e9e322bfcebcfa8ee63a,
        0x62d8e6a22cb7d28f0d0c7dc7cfcf79,
        0x5d0761db19eec584a4ee3059582cd3,
        0x5756f77d657cbe9abeeb734475d89d,
        0x51c63709c7106c18fb4c14c56eeebf,
        0x4c53c7874d738ec2966f61a3c2383c,
        0x46fe658d69ae5376a8a3dedb6ee57b,
        0x41c4e181356189cdb16ed4e91387d1,
        0x3ca61dffce2024244ec083e8608325,
        0x37a10e7077b15a1dd355f6a516d743,
        0x32b4b5b9ee02fe450b141fede8f430,
        0x2de02516ead577390d31ef0f4c9d44,
        0x29227b06676ac1bcaa7edb3c3b2d04,
        0x247ae25493840348e3f4f7d714b59f,
        0x1fe89139dbd56594d82f7a81b1b252,
        0x1b6ac88dad5b1bdff50225c6b4c1cc,
        0x1700d30aeac0e0f46d4cef69917d84,
        0x12aa04a44717a48ba8b1cb4170238b,
        0xe65b9e6eed965c36e09f5fe2058d6,
        0xa33576a16f1f4c64521016bd904dd,
        0x612494a3232afa2e6d2f9e6059929,
        0x20202aeb11bce251998b505f3b402,
    ],
    log_coef: [
        0x1000000000000000000000000000000,
        -0x800000000000000000000000000000,
        0x555555555555555555555555555555,
        -0x400000000000000000000000000000,
        0x333333333333333333333333333333,
        -0x2aaaaaaaaaaaaaaaaaaaaaaaaaaaab,
        0x249249249249249249249249249249,
        -0x200000000000000000000000000000,
        0x1c71c71c71c71c71c71c71c71c71c7,
        -0x19999999999999999999999999999a,
        0x1745d1745d1745d1745d1745d1745d,
        -0x155555555555555555555555555555,
        0x13b13b13b13b13b13b13b13b13b13b,
        -0x124924924924924924924924924925,
        0x111111111111111111111111111111,
        -0x100000000000000000000000000000,
        0xf0f0f0f0f0f0f0f0f0f0f0f0f0f0f,
        -0xe38e38e38e38e38e38e38e38e38e4,
        0xd79435e50d79435e50d79435e50d8,
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use rug::float::Constant;
    use proptest::prelude::*;

    /// `|f·2^F·2^-shift − v|` in units, for a 512-bit reference value `f`.
    fn error_units(f: &Float, v: i128, shift: i32) -> Float {
        let mut exact = Float::with_val(512, f);
        exact <<= F as i32 - shift;
        Float::with_val(512, exact - v).abs()
    }

    fn reference_sin_cos(x: &Float) -> (Float, Float) {
        let (mut s, mut c) = (Float::with_val(512, x), Float::new(512));
        s.sin_cos_mut(&mut c);
        (s, c)
    }

    fn fix(v: Float) -> i128 {
        let mut v = v;
        v <<= F;
        v.to_integer().and_then(|i| i.to_i128()).expect("a constant below 2^7")
    }

    fn computed() -> Tables {
        {
            const P: u32 = 256;
            let pi = Float::with_val(P, Constant::Pi);
            let ln2 = Float::with_val(P, Constant::Log2);
            let frac = |n: i32, d: u32| Float::with_val(P, n) / d;
            let fact = |n: u32| Float::with_val(P, rug::Integer::from(rug::Integer::factorial(n)));
            let mut sin16 = [0; 27];
            let mut cos16 = [0; 27];
            for (i, j) in (-13..=13).enumerate() {
                let a = frac(j, 16);
                sin16[i] = fix(Float::with_val(P, a.sin_ref()));
                cos16[i] = fix(Float::with_val(P, a.cos_ref()));
            }
            let mut exp32 = [0; 25];
            for (i, j) in (-12..=12).enumerate() {
                exp32[i] = fix(Float::with_val(P, frac(j, 32).exp_ref()));
            }
            let sign = |k: u32| if k % 2 == 0 { 1 } else { -1 };
            let recip64: [i128; 32] = std::array::from_fn(|i| fix(Float::with_val(P, 128u32) / (2 * (i as u32 + 32) + 1)));
            let log_recip64 = std::array::from_fn(|i| {
                let mut r = Float::with_val(P, recip64[i]);
                r >>= F; // exact: the value r_j itself
                fix(Float::with_val(P, r.ln_ref()))
            });
            Tables {
                pio2: fix(Float::with_val(P, &pi / 2u32)),
                two_over_pi: fix(Float::with_val(P, 2u32 / &pi)),
                sin16,
                cos16,
                sin_coef: std::array::from_fn(|k| fix(Float::with_val(P, sign(k as u32)) / fact(2 * k as u32 + 1))),
                cos_coef: std::array::from_fn(|k| fix(Float::with_val(P, sign(k as u32)) / fact(2 * k as u32))),
                inv_ln2: fix(Float::with_val(P, 1u32 / &ln2)),
                ln2: fix(ln2),
                exp32,
                exp_coef: std::array::from_fn(|n| fix(Float::with_val(P, 1u32) / fact(n as u32))),
                recip64,
                log_recip64,
                log_coef: std::array::from_fn(|i| fix(Float::with_val(P, sign(i as u32)) / (i as u32 + 1))),
            }
        }
    }

    #[test]
    fn tables_are_mpfrs() {
        assert_eq!(computed(), TABLES, "regenerate with `cargo test --lib print_tables -- --ignored --nocapture`");
    }

    /// Prints the `TABLES` literal.
    #[test]
    #[ignore]
    fn print_tables() {
        let t = computed();
        let hex = |x: i128| format!("{}{:#x}", if x < 0 { "-" } else { "" }, x.unsigned_abs());
        let arr = |name: &str, v: &[i128]| {
            println!("    {name}: [");
            for &x in v {
                println!("        {},", hex(x));
            }
            println!("    ],");
        };
        println!("const TABLES: Tables = Tables {{");
        println!("    pio2: {},", hex(t.pio2));
        println!("    two_over_pi: {},", hex(t.two_over_pi));
        arr("sin16", &t.sin16);
        arr("cos16", &t.cos16);
        arr("sin_coef", &t.sin_coef);
        arr("cos_coef", &t.cos_coef);
        println!("    ln2: {},", hex(t.ln2));
        println!("    inv_ln2: {},", hex(t.inv_ln2));
        arr("exp32", &t.exp32);
        arr("exp_coef", &t.exp_coef);
        arr("recip64", &t.recip64);
        arr("log_recip64", &t.log_recip64);
        arr("log_coef", &t.log_coef);
        println!("}};");
    }

    #[test]
    fn products_truncate_towards_zero() {
        let one = 1i128 << F;
        assert_eq!(mulf(one, one), one);
        assert_eq!(mulf(-one, one / 2), -one / 2);
        assert_eq!(mulf(3, one / 2), 1); // 1.5 units -> 1
        assert_eq!(mulf(-3, one / 2), -1);
        let big = (1i128 << 126) + 12345;
        assert_eq!(mulf(big, one), big);
        assert_eq!(mulf(big, -(one / 4)), -(big >> 2));
    }

    #[test]
    fn constants_are_within_one_unit() {
        let t = &TABLES;
        let pio2 = Float::with_val(512, Constant::Pi) / 2u32;
        assert!(error_units(&pio2, t.pio2, 0) <= 1);
        let ln2 = Float::with_val(512, Constant::Log2);
        assert!(error_units(&ln2, t.ln2, 0) <= 1);
        for (i, j) in (-13..=13).enumerate() {
            let (s, c) = reference_sin_cos(&(Float::with_val(512, j) / 16u32));
            assert!(error_units(&s, t.sin16[i], 0) <= 1 && error_units(&c, t.cos16[i], 0) <= 1);
        }
    }

    #[test]
    fn outside_the_kernels_range_is_none() {
        for x in ["64", "-64", "1e10", "0"] {
            let f = Float::with_val(64, Float::parse(x).unwrap());
            assert!(sin_cos(&f).is_none() && exp(&f).is_none(), "{x}");
        }
        for x in ["0", "-2", "1e40", "1e-40", "1"] {
            assert!(log(&Float::with_val(64, Float::parse(x).unwrap())).is_none(), "log {x}");
        }
        assert!(sin_cos(&Float::with_val(192, 1)).is_none(), "more than 128 bits");
        // sin x tiny: left to MPFR
        assert!(sin_cos(&Float::with_val(64, Float::parse("1e-13").unwrap())).is_none());
        let near_pi = Float::with_val(64, Constant::Pi);
        assert!(sin_cos(&near_pi).is_none());
    }

    fn check_sin_cos(x: &Float) -> Result<(), TestCaseError> {
        let Some((s, c)) = sin_cos(x) else {
            // only where the result is small or the argument outside the range
            let (rs, rc) = reference_sin_cos(x);
            let small = Float::with_val(64, 1) >> 39;
            prop_assert!(x.is_zero() || x.clone().abs() >= 64 || rs.abs() < small || rc.abs() < small, "None at {x}");
            return Ok(());
        };
        let (rs, rc) = reference_sin_cos(x);
        // the counted bound (half the stated one) holds
        prop_assert!(error_units(&rs, s, 0) <= SIN_COS_ERR / 2, "sin {x}: {}", error_units(&rs, s, 0));
        prop_assert!(error_units(&rc, c, 0) <= SIN_COS_ERR / 2, "cos {x}: {}", error_units(&rc, c, 0));
        for p in [24, 32, 53, 64] {
            let (lo, hi) = bracket(s, SIN_COS_ERR, 0, p);
            prop_assert!(lo <= rs && rs <= hi);
            let (lo, hi) = bracket(c, SIN_COS_ERR, 0, p);
            prop_assert!(lo <= rc && rc <= hi);
        }
        Ok(())
    }

    fn check_log(x: &Float) -> Result<(), TestCaseError> {
        let Some(v) = log(x) else {
            let rl = Float::with_val(512, x.clone().abs().ln_ref());
            let small = Float::with_val(64, 1) >> 39;
            let e = x.get_exp().unwrap_or(0);
            prop_assert!(x.is_sign_negative() || x.is_zero() || e.abs() > 128 || rl.abs() < small, "None at {x}");
            return Ok(());
        };
        let rl = Float::with_val(512, x.ln_ref());
        prop_assert!(error_units(&rl, v, 0) <= LOG_ERR / 2, "log {x}: {}", error_units(&rl, v, 0));
        for p in [24, 32, 53, 64] {
            let (lo, hi) = bracket(v, LOG_ERR, 0, p);
            prop_assert!(lo <= rl && rl <= hi);
        }
        Ok(())
    }

    fn check_exp(x: &Float) -> Result<(), TestCaseError> {
        let Some((v, k)) = exp(x) else {
            prop_assert!(x.is_zero() || x.clone().abs() >= 64, "None at {x}");
            return Ok(());
        };
        let re = Float::with_val(512, x.exp_ref());
        prop_assert!(error_units(&re, v, k) <= EXP_ERR / 2, "exp {x}: {}", error_units(&re, v, k));
        for p in [24, 32, 53, 64] {
            let (lo, hi) = bracket(v, EXP_ERR, k, p);
            prop_assert!(lo <= re && re <= hi);
            // as tight as a correctly rounded bracket, or one unit in the last place wider
            let mut w = Float::with_val(p, &hi - &lo);
            w >>= hi.get_exp().unwrap() - p as i32;
            prop_assert!(w <= 2, "bracket of exp({x}) at {p} bits is {w} ulps wide");
        }
        Ok(())
    }

    /// Random floats: `m·2^e` with a `bits`-bit significand.
    fn float_strategy() -> impl Strategy<Value = Float> {
        (any::<u128>(), prop_oneof![Just(24u32), Just(32), Just(53), Just(64), Just(100), Just(128)], -70i32..7, any::<bool>())
            .prop_map(|(m, bits, e, neg)| {
                let mut f = Float::with_val(bits, m | 1 << 127);
                f >>= 128 - e;
                if neg {
                    -f
                } else {
                    f
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn sin_cos_is_within_its_bound(x in float_strategy()) {
            check_sin_cos(&x)?;
        }

        #[test]
        fn exp_is_within_its_bound(x in float_strategy()) {
            check_exp(&x)?;
        }

        #[test]
        fn log_is_within_its_bound(x in float_strategy(), e in -140i32..140) {
            // arguments of every magnitude, and near 1 (cancellation)
            let mut y = x.clone().abs();
            y <<= e;
            check_log(&y)?;
            check_log(&x)?;
            check_log(&Float::with_val(x.prec(), x.clone() / 1024u32 + 1u32))?;
        }
    }

    /// The edges of the reduction: quadrant and table boundaries, ties, the largest arguments.
    #[test]
    fn reduction_edges() {
        let mut xs = vec![];
        for k in -41..=41 {
            for d in ["-1e-9", "0", "1e-9", "0.785398", "-0.785398", "0.03125", "-0.03125", "0.81", "-0.81"] {
                let x = Float::with_val(256, Constant::Pi) * k / 2u32 + Float::with_val(256, Float::parse(d).unwrap());
                for p in [32, 64, 128] {
                    xs.push(Float::with_val(p, &x));
                }
            }
        }
        for j in -200..=200 {
            let x = Float::with_val(64, j) / 32u32;
            xs.push(x.clone());
            xs.push(Float::with_val(64, Float::with_val(256, Constant::Log2) * j / 4u32));
        }
        for big in ["63.999999", "-63.999999", "63", "-63.5"] {
            xs.push(Float::with_val(64, Float::parse(big).unwrap()));
        }
        for x in &xs {
            check_sin_cos(x).unwrap();
            check_exp(x).unwrap();
            check_log(x).unwrap();
        }
        // log at the table boundaries j/64 and their neighbours, at both ends of the range
        for j in 32..=64 {
            for e in [-128, -1, 0, 1, 2, 128] {
                for p in [24, 64, 128] {
                    let mut x = Float::with_val(p, j) / 64u32;
                    x <<= e;
                    for _ in 0..3 {
                        check_log(&x).unwrap();
                        x.next_up();
                    }
                }
            }
        }
    }
}
