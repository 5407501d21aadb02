//! The kernels against MPFR at 512 bits, for both fixed-point types: the counted error bounds
//! (half the stated ones) on random floats and at the edges of the reductions; the constants
//! against MPFR; the generator of `tables.rs`.

use super::*;
use proptest::prelude::*;
use rug::float::Constant;
use rug::Integer;

/// Exact conversions between a fixed-point type and GMP integers (tests only).
trait Big: Kernel {
    /// Coefficient counts (sin, cos, exp, log) that put the Taylor remainders below one unit.
    const COUNTS: [usize; 4];
    /// Result precisions the type serves, for the bracket checks.
    const PRECS: [u32; 4];
    fn to_big(self) -> Integer;
    fn from_big(i: &Integer) -> Self;
    /// The value as a Rust literal.
    fn literal(self) -> String;
    const NAME: &'static str;
}

impl Big for i128 {
    const COUNTS: [usize; 4] = [6, 6, 11, 15];
    const PRECS: [u32; 4] = [24, 32, 53, 64];
    fn to_big(self) -> Integer {
        Integer::from(self)
    }
    fn from_big(i: &Integer) -> i128 {
        i.to_i128().expect("a constant below 2^7")
    }
    fn literal(self) -> String {
        format!("{}{:#x}", if self < 0 { "-" } else { "" }, self.unsigned_abs())
    }
    const NAME: &'static str = "i128";
}

impl Big for I256 {
    const COUNTS: [usize; 4] = [11, 12, 21, 30];
    const PRECS: [u32; 4] = [65, 100, 113, 128];
    fn to_big(self) -> Integer {
        let (hi, lo) = self.parts();
        (Integer::from(hi) << 128) + lo
    }
    fn from_big(i: &Integer) -> I256 {
        let lo = Integer::from(i.keep_bits_ref(128)).to_u128().unwrap();
        let hi = Integer::from(i >> 128).to_i128().expect("a constant below 2^7");
        I256::from_parts(hi, lo)
    }
    fn literal(self) -> String {
        let (hi, lo) = self.parts();
        format!("I256::from_parts({}{:#x}, {:#x})", if hi < 0 { "-" } else { "" }, hi.unsigned_abs(), lo)
    }
    const NAME: &'static str = "I256";
}

/// `|f·2^F·2^-shift − v|` in units, for a 512-bit reference value `f`.
fn error_units<T: Big>(f: &Float, v: T, shift: i32) -> Float {
    let mut exact = Float::with_val(512, f);
    exact <<= T::FRAC as i32 - shift;
    Float::with_val(512, exact - v.to_big()).abs()
}

fn reference_sin_cos(x: &Float) -> (Float, Float) {
    let (mut s, mut c) = (Float::with_val(512, x), Float::new(512));
    s.sin_cos_mut(&mut c);
    (s, c)
}

/// Below this magnitude a result may be left to MPFR (with a factor 2 of margin).
fn small<T: Big>() -> Float {
    Float::with_val(64, 1) >> (T::FRAC - T::MAX_PREC - 17)
}

/// The constants, each the nearest unit to MPFR's value at 512 bits.
fn computed<T: Big>() -> Tables<T> {
    const P: u32 = 512;
    fn fix<T: Big>(v: Float) -> T {
        let mut v = v;
        v <<= T::FRAC;
        T::from_big(&v.to_integer().unwrap())
    }
    fn leak<T>(v: Vec<T>) -> &'static [T] {
        Box::leak(v.into_boxed_slice())
    }
    let [ns, nc, ne, nl] = T::COUNTS;
    let pi = Float::with_val(P, Constant::Pi);
    let ln2 = Float::with_val(P, Constant::Log2);
    let frac = |n: i32, d: u32| Float::with_val(P, n) / d;
    let fact = |n: u32| Float::with_val(P, Integer::from(Integer::factorial(n)));
    let sign = |k: usize| if k % 2 == 0 { 1 } else { -1 };
    let recip: Vec<T> = (128..256u32).map(|j| fix(Float::with_val(P, 512u32) / (2 * j + 1))).collect();
    let log_recip = recip
        .iter()
        .map(|&r| {
            let mut r = Float::with_val(P, r.to_big());
            r >>= T::FRAC; // exact: the value r_j itself
            fix(Float::with_val(P, r.ln_ref()))
        })
        .collect();
    Tables {
        pio2: fix(Float::with_val(P, &pi / 2u32)),
        two_over_pi: fix(Float::with_val(P, 2u32 / &pi)),
        sin_tab: leak((-101..=101).map(|j| fix(Float::with_val(P, frac(j, 128).sin_ref()))).collect()),
        cos_tab: leak((-101..=101).map(|j| fix(Float::with_val(P, frac(j, 128).cos_ref()))).collect()),
        sin_coef: leak((0..ns).map(|k| fix(Float::with_val(P, sign(k)) / fact(2 * k as u32 + 1))).collect()),
        cos_coef: leak((0..nc).map(|k| fix(Float::with_val(P, sign(k)) / fact(2 * k as u32))).collect()),
        inv_ln2: fix(Float::with_val(P, 1u32 / &ln2)),
        ln2: fix(ln2),
        exp_tab: leak((-89..=89).map(|j| fix(Float::with_val(P, frac(j, 256).exp_ref()))).collect()),
        exp_coef: leak((0..ne).map(|n| fix(Float::with_val(P, 1u32) / fact(n as u32))).collect()),
        recip: leak(recip),
        log_recip: leak(log_recip),
        log_coef: leak((0..nl).map(|i| fix(Float::with_val(P, sign(i)) / (i as u32 + 1))).collect()),
    }
}

const REGENERATE: &str = "regenerate with `cargo test --release --lib print_tables -- --ignored --nocapture`";

#[test]
fn tables_are_mpfrs() {
    assert_eq!(&computed::<i128>(), <i128 as Kernel>::tables(), "{REGENERATE}");
    assert_eq!(&computed::<I256>(), <I256 as Kernel>::tables(), "{REGENERATE}");
}

fn print_one<T: Big>(name: &str) {
    let t = computed::<T>();
    let arr = |name: &str, v: &[T]| {
        println!("    {name}: &[");
        for &x in v {
            println!("        {},", x.literal());
        }
        println!("    ],");
    };
    println!("#[rustfmt::skip]");
    println!("pub static {name}: Tables<{}> = Tables {{", T::NAME);
    println!("    pio2: {},", t.pio2.literal());
    println!("    two_over_pi: {},", t.two_over_pi.literal());
    arr("sin_tab", t.sin_tab);
    arr("cos_tab", t.cos_tab);
    arr("sin_coef", t.sin_coef);
    arr("cos_coef", t.cos_coef);
    println!("    ln2: {},", t.ln2.literal());
    println!("    inv_ln2: {},", t.inv_ln2.literal());
    arr("exp_tab", t.exp_tab);
    arr("exp_coef", t.exp_coef);
    arr("recip", t.recip);
    arr("log_recip", t.log_recip);
    arr("log_coef", t.log_coef);
    println!("}};");
}

/// Prints `tables.rs` (between the `BEGIN`/`END` lines).
#[test]
#[ignore]
fn print_tables() {
    println!("BEGIN");
    println!("//! The constants of the kernels, generated by `tests::print_tables` from MPFR at 512 bits");
    println!("//! (each the nearest unit to the exact value); `tests::tables_are_mpfrs` checks them.");
    println!();
    println!("use super::num::I256;");
    println!("use super::Tables;");
    println!();
    print_one::<i128>("TABLES_120");
    println!();
    print_one::<I256>("TABLES_248");
    println!("END");
}

#[test]
fn constants_are_within_one_unit() {
    fn check<T: Big>() {
        let t = T::tables();
        let pio2 = Float::with_val(512, Constant::Pi) / 2u32;
        assert!(error_units(&pio2, t.pio2, 0) <= 1);
        let ln2 = Float::with_val(512, Constant::Log2);
        assert!(error_units(&ln2, t.ln2, 0) <= 1);
        for (i, j) in (-101..=101).enumerate() {
            let (s, c) = reference_sin_cos(&(Float::with_val(512, j) / 128u32));
            assert!(error_units(&s, t.sin_tab[i], 0) <= 1 && error_units(&c, t.cos_tab[i], 0) <= 1);
        }
        assert_eq!(t.sin_coef.len(), T::COUNTS[0]);
        assert_eq!(t.log_coef.len(), T::COUNTS[3]);
    }
    check::<i128>();
    check::<I256>();
}

#[test]
fn outside_the_kernels_range_is_none() {
    fn check<T: Big>() {
        for x in ["64", "-64", "1e10", "0"] {
            let f = Float::with_val(64, Float::parse(x).unwrap());
            assert!(sin_cos::<T>(&f).is_none() && exp::<T>(&f).is_none(), "{x}");
        }
        for x in ["0", "-2", "1e40", "1e-40", "1"] {
            assert!(log::<T>(&Float::with_val(64, Float::parse(x).unwrap())).is_none(), "log {x}");
        }
        assert!(sin_cos::<T>(&Float::with_val(192, 1)).is_none(), "more than 128 bits");
        // sin x tiny: left to MPFR
        assert!(sin_cos::<T>(&Float::with_val(64, Float::parse("1e-33").unwrap())).is_none());
        assert!(sin_cos::<T>(&Float::with_val(128, Constant::Pi)).is_none());
    }
    check::<i128>();
    check::<I256>();
    assert!(sin_cos::<i128>(&Float::with_val(64, Float::parse("1e-13").unwrap())).is_none());
    assert!(sin_cos::<I256>(&Float::with_val(64, Float::parse("1e-13").unwrap())).is_some());
    assert!(sin_cos::<i128>(&Float::with_val(64, Constant::Pi)).is_none());
    assert!(sin_cos_brackets(&Float::with_val(64, 1), 129).is_none());
}

fn check_sin_cos<T: Big>(x: &Float) -> Result<(), TestCaseError> {
    let (rs, rc) = reference_sin_cos(x);
    let Some((s, c)) = sin_cos::<T>(x) else {
        // only where the result is small or the argument outside the range
        prop_assert!(
            x.is_zero() || x.clone().abs() >= 64 || rs.clone().abs() < small::<T>() || rc.clone().abs() < small::<T>(),
            "None at {x}"
        );
        return Ok(());
    };
    // the counted bound (half the stated one) holds
    prop_assert!(error_units(&rs, s, 0) <= SIN_COS_ERR / 2, "sin {x}: {}", error_units(&rs, s, 0));
    prop_assert!(error_units(&rc, c, 0) <= SIN_COS_ERR / 2, "cos {x}: {}", error_units(&rc, c, 0));
    for p in T::PRECS {
        let (lo, hi) = bracket(s, SIN_COS_ERR, 0, p);
        prop_assert!(lo <= rs && rs <= hi);
        let (lo, hi) = bracket(c, SIN_COS_ERR, 0, p);
        prop_assert!(lo <= rc && rc <= hi);
        let ((sl, su), (cl, cu)) = sin_cos_brackets(x, p).expect("the kernel applies");
        prop_assert!(sl <= rs && rs <= su && cl <= rc && rc <= cu);
    }
    Ok(())
}

fn check_log<T: Big>(x: &Float) -> Result<(), TestCaseError> {
    let Some(v) = log::<T>(x) else {
        let rl = Float::with_val(512, x.clone().abs().ln_ref());
        let e = x.get_exp().unwrap_or(0);
        prop_assert!(x.is_sign_negative() || x.is_zero() || e.abs() > 128 || rl.abs() < small::<T>(), "None at {x}");
        return Ok(());
    };
    let rl = Float::with_val(512, x.ln_ref());
    prop_assert!(error_units(&rl, v, 0) <= LOG_ERR / 2, "log {x}: {}", error_units(&rl, v, 0));
    for p in T::PRECS {
        let (lo, hi) = bracket(v, LOG_ERR, 0, p);
        prop_assert!(lo <= rl && rl <= hi);
        let (lo, hi) = log_bracket(x, p).expect("the kernel applies");
        prop_assert!(lo <= rl && rl <= hi);
    }
    Ok(())
}

fn check_exp<T: Big>(x: &Float) -> Result<(), TestCaseError> {
    let Some((v, k)) = exp::<T>(x) else {
        prop_assert!(x.is_zero() || x.clone().abs() >= 64, "None at {x}");
        return Ok(());
    };
    let re = Float::with_val(512, x.exp_ref());
    prop_assert!(error_units(&re, v, k) <= EXP_ERR / 2, "exp {x}: {}", error_units(&re, v, k));
    for p in T::PRECS {
        let (lo, hi) = bracket(v, EXP_ERR, k, p);
        prop_assert!(lo <= re && re <= hi);
        // as tight as a correctly rounded bracket, or one unit in the last place wider
        let mut w = Float::with_val(p, &hi - &lo);
        w >>= hi.get_exp().unwrap() - p as i32;
        prop_assert!(w <= 2, "bracket of exp({x}) at {p} bits is {w} ulps wide");
        prop_assert_eq!(exp_bracket(x, p), Some((lo, hi)));
    }
    Ok(())
}

fn check_all(x: &Float) -> Result<(), TestCaseError> {
    check_sin_cos::<i128>(x)?;
    check_sin_cos::<I256>(x)?;
    check_exp::<i128>(x)?;
    check_exp::<I256>(x)?;
    check_log::<i128>(x)?;
    check_log::<I256>(x)
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
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn sin_cos_is_within_its_bound(x in float_strategy()) {
        check_sin_cos::<i128>(&x)?;
        check_sin_cos::<I256>(&x)?;
    }

    #[test]
    fn exp_is_within_its_bound(x in float_strategy()) {
        check_exp::<i128>(&x)?;
        check_exp::<I256>(&x)?;
    }

    #[test]
    fn log_is_within_its_bound(x in float_strategy(), e in -140i32..140) {
        // arguments of every magnitude, and near 1 (cancellation)
        let mut y = x.clone().abs();
        y <<= e;
        for z in [y, x.clone(), Float::with_val(x.prec(), x.clone() / 1024u32 + 1u32)] {
            check_log::<i128>(&z)?;
            check_log::<I256>(&z)?;
        }
    }
}

proptest! {
    /// The split Horner sum (tail in i128) against the exact polynomial of the same
    /// coefficients: within 2.01 + 3.1 units plus the coefficient errors' sum (<= 1.01 each
    /// counted here exactly: the coefficients are used as they are), for |y| <= 2^-b at the
    /// kernels' b = 8, 9, 16.
    #[test]
    fn split_horner_is_within_its_bound(m in any::<u128>(), neg in any::<bool>(), which in 0usize..4) {
        let t = I256::tables();
        let (c, b) = [(t.log_coef, 8u32), (t.exp_coef, 9), (t.sin_coef, 16), (t.cos_coef, 16)][which];
        // y = ±m' with |y| <= 2^-b: a random 248-bit-unit number below 2^(248 − b)
        let mag = Integer::from(m) << (120 - b);
        let y = I256::from_big(&if neg { -mag } else { mag });
        let got = horner(c, y, b).to_big();
        // exact Σ c_i y^i in units: scale by 2^(248 i) ... computed as a rational over 2^248
        let f = Float::with_val(2048, 0);
        let yf = Float::with_val(2048, y.to_big()) >> 248u32;
        let mut acc = f;
        for ci in c.iter().rev() {
            acc = Float::with_val(2048, &acc * &yf) + Float::with_val(2048, ci.to_big()) / Float::with_val(2048, Integer::from(1) << 248u32);
        }
        let exact = acc << 248u32;
        let err = Float::with_val(2048, exact - Float::with_val(2048, &got)).abs();
        prop_assert!(err <= 5.2, "split Horner off by {} units (table {}, y = {})", err, which, Float::with_val(64, &yf));
    }
}

/// The edges of the reduction: quadrant and table boundaries, ties, the largest arguments.
#[test]
fn reduction_edges() {
    let mut xs = vec![];
    for k in -41..=41 {
        for d in ["-1e-9", "0", "1e-9", "0.785398", "-0.785398", "0.00390625", "-0.00390625", "0.01171875", "0.81", "-0.81"] {
            let x = Float::with_val(256, Constant::Pi) * k / 2u32 + Float::with_val(256, Float::parse(d).unwrap());
            for p in [32, 64, 128] {
                xs.push(Float::with_val(p, &x));
            }
        }
    }
    for j in -200..=200 {
        let x = Float::with_val(64, j) / 32u32;
        xs.push(x.clone());
        // exp's table ties (j + 1/2)/256
        xs.push(Float::with_val(64, 2 * j + 1) / 512u32);
        xs.push(Float::with_val(64, Float::with_val(256, Constant::Log2) * j / 4u32));
        xs.push(Float::with_val(128, Float::with_val(256, Constant::Log2) * j / 4u32));
    }
    for big in ["63.999999", "-63.999999", "63", "-63.5"] {
        xs.push(Float::with_val(64, Float::parse(big).unwrap()));
        xs.push(Float::with_val(128, Float::parse(big).unwrap()));
    }
    for x in &xs {
        check_all(x).unwrap();
    }
    // log at the table boundaries j/256 and their neighbours, at both ends of the range
    for j in 128..=256 {
        for e in [-128, -1, 0, 1, 2, 128] {
            for p in [24, 64, 128] {
                let mut x = Float::with_val(p, j) / 256u32;
                x <<= e;
                for _ in 0..3 {
                    check_log::<i128>(&x).unwrap();
                    check_log::<I256>(&x).unwrap();
                    x.next_up();
                }
            }
        }
    }
}
