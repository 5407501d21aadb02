//! Tests of exact polynomials: arithmetic, Sturm counting and isolation, rational roots,
//! quadratic surds, small factorisations, minimal polynomials, resultants, expressions.

use eoscert::expr::Expr;
use eoscert::interval::{to_rug_rational, Interval};
use eoscert::poly::{from_expr, Poly, QuadSurd};
use eoscert::poly2::{from_expr2, interpolate, Poly2};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use proptest::prelude::*;
use rug::Float;
use std::cmp::Ordering;

type Q = BigRational;

fn q(n: i64) -> Q {
    Q::from_integer(BigInt::from(n))
}
fn qr(n: i64, d: i64) -> Q {
    Q::new(BigInt::from(n), BigInt::from(d))
}
fn p(c: &[i64]) -> Poly {
    Poly::from_ints(c)
}
fn bigs(c: &[i64]) -> Vec<BigInt> {
    c.iter().map(|&n| BigInt::from(n)).collect()
}
fn wilkinson(n: i64) -> Poly {
    Poly::from_roots(&(1..=n).map(q).collect::<Vec<_>>())
}

/// Checks every structural promise of `isolate_roots` on `[a, b]` and returns the intervals.
fn check_isolation(f: &Poly, a: &Q, b: &Q) -> Vec<(Q, Q)> {
    let iso = f.isolate_roots(a, b).unwrap();
    let s = f.squarefree();
    for (i, (lo, hi)) in iso.iter().enumerate() {
        assert!(lo <= hi && a <= lo && hi <= b, "interval {i} [{lo}, {hi}] outside [{a}, {b}]");
        assert_eq!(f.count_roots_closed(lo, hi), Some(1), "interval [{lo}, {hi}] of {f}");
        if lo == hi {
            assert!(f.eval(lo).is_zero());
        } else {
            let (sl, sh) = (s.sign_at(lo), s.sign_at(hi));
            assert!(sl != Ordering::Equal && sh != Ordering::Equal && sl != sh, "no sign change on [{lo}, {hi}]");
        }
        if i > 0 {
            assert!(iso[i - 1].1 < *lo, "intervals {} and {i} not disjoint", i - 1);
        }
    }
    assert_eq!(f.count_roots_closed(a, b), Some(iso.len()));
    iso
}

// ---------------------------------------------------------------------- arithmetic

#[test]
fn arithmetic_identities() {
    let a = p(&[1, 1]); // x + 1
    assert_eq!(a.pow(2), p(&[1, 2, 1]));
    assert_eq!(a.pow(0), Poly::one());
    assert_eq!(Poly::zero().pow(0), Poly::one());
    assert_eq!(p(&[1, 2, 1]).sub(&p(&[1, 2, 1])), Poly::zero());
    assert_eq!(p(&[1, 2, 1]).sub(&p(&[0, 0, 1])).degree(), Some(1));
    assert_eq!(p(&[0, 0, 5]).neg(), p(&[0, 0, -5]));
    assert_eq!(Poly::from_coeffs(vec![q(1), q(0), q(0)]), Poly::one());
    assert_eq!(Poly::zero().degree(), None);
    assert!(Poly::constant(q(0)).is_zero());
    assert_eq!(p(&[3, 0, 2]).lead(), q(2));
    assert_eq!(p(&[1, 2, 3]).scale(&qr(1, 2)), Poly::from_coeffs(vec![qr(1, 2), q(1), qr(3, 2)]));
    // (x^2+1)(x^3-x+2) expanded and divided back.
    let f = p(&[1, 0, 1]);
    let g = p(&[2, -1, 0, 1]);
    let h = f.mul(&g);
    assert_eq!(h, p(&[2, -1, 2, 0, 0, 1]));
    assert_eq!(h.div_rem(&f), Some((g.clone(), Poly::zero())));
    let (qq, rr) = h.add(&p(&[3, 1])).div_rem(&f).unwrap();
    assert_eq!((qq, rr.clone()), (g.clone(), p(&[3, 1])));
    assert!(h.div_rem(&Poly::zero()).is_none());
    assert_eq!(p(&[1, 2]).div_rem(&p(&[0, 0, 1])), Some((Poly::zero(), p(&[1, 2]))));
    // Division by a non-monic divisor: (2x^3 + 3x + 1) = (x/2 + 0)(4x^2) ... check the identity.
    let num = p(&[1, 3, 0, 2]);
    let den = p(&[1, 0, 4]);
    let (qq, rr) = num.div_rem(&den).unwrap();
    assert_eq!(qq.mul(&den).add(&rr), num);
    assert!(rr.degree().unwrap() < 2);
    assert_eq!(p(&[5, 3, 0, 4]).derivative(), p(&[3, 0, 12]));
    assert_eq!(Poly::constant(q(7)).derivative(), Poly::zero());
    // compose: (x^2 + 1)∘(x - 1) = x^2 - 2x + 2.
    assert_eq!(f.compose(&p(&[-1, 1])), p(&[2, -2, 1]));
    assert_eq!(f.eval(&qr(1, 2)), qr(5, 4));
    assert_eq!(Poly::zero().eval(&q(3)), q(0));
    // Display.
    assert_eq!(p(&[-4, 2, 1]).to_string(), "x^2 + 2*x - 4");
    assert_eq!(p(&[0, -1, 0, -3]).to_string(), "-3*x^3 - x");
    assert_eq!(Poly::from_coeffs(vec![qr(-1, 3), q(0), qr(1, 2)]).to_string(), "1/2*x^2 - 1/3");
    assert_eq!(Poly::zero().to_string(), "0");
    assert_eq!(p(&[7]).to_string(), "7");
}

#[test]
fn primitive_integer_and_monic() {
    let f = Poly::from_coeffs(vec![qr(-1, 2), qr(3, 4), qr(-3, 2)]);
    let (c, prim) = f.primitive_integer();
    assert_eq!(prim, bigs(&[2, -3, 6]));
    assert_eq!(c, qr(-1, 4));
    assert_eq!(Poly::from_bigints(&prim).scale(&c), f);
    assert_eq!(Poly::zero().primitive_integer(), (q(0), vec![]));
    assert_eq!(p(&[4, 6]).primitive_integer(), (q(2), bigs(&[2, 3])));
    assert_eq!(p(&[2, 4]).monic(), Poly::from_coeffs(vec![qr(1, 2), q(1)]));
}

#[test]
fn eval_interval_encloses() {
    let f = p(&[1, -3, 0, 0, 0, 1]); // x^5 - 3x + 1
    let x = Interval::from_rationals(&qr(-3, 2), &qr(5, 4), 64);
    let y = f.eval_interval(&x);
    for k in -6..=5 {
        let t = qr(k, 4);
        assert!(y.contains_rational(&f.eval(&t)));
    }
    let pt = Interval::from_rational(&qr(1, 3), 128);
    assert!(f.eval_interval(&pt).contains_rational(&f.eval(&qr(1, 3))));
    assert!(Poly::zero().eval_interval(&pt).is_zero());
}

#[test]
fn gcd_and_squarefree() {
    // (x - 1)^2 (x + 2) = x^3 - 3x + 2.
    let f = p(&[-1, 1]).pow(2).mul(&p(&[2, 1]));
    assert_eq!(f, p(&[2, -3, 0, 1]));
    assert_eq!(f.gcd(&f.derivative()), p(&[-1, 1]));
    assert_eq!(f.squarefree().monic(), p(&[-2, 1, 1]));
    assert_eq!(f.scale(&q(-3)).squarefree().monic(), p(&[-2, 1, 1]));
    assert_eq!(p(&[0, 0, 0, 2]).squarefree().monic(), Poly::x());
    assert_eq!(Poly::zero().squarefree(), Poly::zero());
    assert_eq!(p(&[5]).squarefree(), p(&[5]));
    assert_eq!(p(&[-1, 0, 1]).gcd(&p(&[1, 2, 1])), p(&[1, 1]));
    assert_eq!(p(&[1, 0, 1]).gcd(&p(&[-2, 0, 1])), Poly::one());
    assert_eq!(p(&[3, 6]).gcd(&Poly::zero()), Poly::from_coeffs(vec![qr(1, 2), q(1)]));
    assert_eq!(Poly::zero().gcd(&Poly::zero()), Poly::zero());
}

// ---------------------------------------------------------------------- Sturm

#[test]
fn sturm_counts_wilkinson() {
    let w = wilkinson(10);
    assert_eq!(w.degree(), Some(10));
    let c = |a: Q, b: Q| w.count_roots(&a, &b).unwrap();
    assert_eq!(c(q(0), q(10)), 10);
    assert_eq!(c(q(0), q(11)), 10);
    assert_eq!(c(q(1), q(10)), 9); // root at a = 1 excluded, at b = 10 included
    assert_eq!(c(q(0), q(1)), 1);
    assert_eq!(c(q(1), q(2)), 1);
    assert_eq!(c(q(3), q(7)), 4); // 4, 5, 6, 7
    assert_eq!(c(qr(1, 2), qr(11, 2)), 5);
    assert_eq!(c(qr(5, 2), qr(7, 2)), 1);
    assert_eq!(c(qr(21, 10), qr(29, 10)), 0);
    assert_eq!(c(q(5), q(5)), 0);
    assert_eq!(c(q(7), q(3)), 0);
    assert_eq!(c(q(-100), q(0)), 0);
    assert_eq!(c(q(10), q(100)), 0);
    assert_eq!(c(q(-1000), q(1000)), 10);
    for i in 1..=10 {
        for j in i..=11 {
            assert_eq!(c(q(i), q(j)), (j.min(10) - i) as usize, "({i}, {j}]");
            assert_eq!(w.count_roots_closed(&q(i), &q(j)), Some((j.min(10) - i + 1) as usize));
        }
    }
    // Multiplicities do not count: (x - 1)^3 (x - 2)^2 has two distinct roots.
    let m = p(&[-1, 1]).pow(3).mul(&p(&[-2, 1]).pow(2));
    assert_eq!(m.count_roots(&q(0), &q(3)), Some(2));
    assert_eq!(m.count_roots(&q(1), &q(2)), Some(1));
    assert_eq!(Poly::zero().count_roots(&q(0), &q(1)), None);
    assert_eq!(p(&[3]).count_roots(&q(0), &q(1)), Some(0));
    assert_eq!(p(&[1, 0, 1]).count_roots(&q(-10), &q(10)), Some(0));
}

#[test]
fn sturm_sequence_shape() {
    let f = p(&[1, -3, 0, 0, 0, 1]);
    let seq = f.sturm_sequence();
    assert_eq!(seq[0], f);
    assert_eq!(seq[1], f.derivative());
    assert_eq!(seq.last().unwrap().degree(), Some(0));
    assert!(Poly::zero().sturm_sequence().is_empty());
}

#[test]
fn isolation_wilkinson() {
    let w = wilkinson(10);
    let iso = check_isolation(&w, &q(-20), &q(20));
    assert_eq!(iso.len(), 10);
    for (i, (lo, hi)) in iso.iter().enumerate() {
        let r = q(i as i64 + 1);
        assert!(lo <= &r && &r <= hi);
    }
    // Endpoints at roots are included (closed interval).
    let iso = check_isolation(&w, &q(3), &q(7));
    assert_eq!(iso.len(), 5);
    assert_eq!(iso[0], (q(3), q(3)));
    assert_eq!(iso[4], (q(7), q(7)));
    assert_eq!(check_isolation(&w, &q(4), &q(4)), vec![(q(4), q(4))]);
    assert!(check_isolation(&w, &qr(41, 10), &qr(49, 10)).is_empty());
    assert!(w.isolate_roots(&q(5), &q(4)).unwrap().is_empty());
    assert!(Poly::zero().isolate_roots(&q(0), &q(1)).is_none());
    assert_eq!(w.isolate_all_real_roots().unwrap().len(), 10);
}

#[test]
fn isolation_close_roots() {
    // Roots 1/1000 apart and a double root.
    let f = Poly::from_roots(&[qr(1000, 1000), qr(1001, 1000), qr(-1, 3), qr(-1, 3)]).mul(&p(&[-2, 0, 1]));
    let iso = check_isolation(&f, &q(-10), &q(10));
    assert_eq!(iso.len(), 5);
}

/// A root of `f` near `x0` to `prec` bits, by Newton's method in MPFR.
fn newton(f: &Poly, x0: f64, prec: u32) -> Float {
    let coeffs: Vec<rug::Rational> = f.coeffs().iter().map(to_rug_rational).collect();
    let df: Vec<rug::Rational> = f.derivative().coeffs().iter().map(to_rug_rational).collect();
    let horner = |c: &[rug::Rational], x: &Float| -> Float {
        c.iter().rev().fold(Float::with_val(prec, 0), |acc, a| acc * x + a)
    };
    let mut x = Float::with_val(prec, x0);
    for _ in 0..20 {
        let step = horner(&coeffs, &x) / horner(&df, &x);
        x -= step;
    }
    x
}

#[test]
fn isolation_and_enclosure_quintic() {
    let f = p(&[1, -3, 0, 0, 0, 1]); // x^5 - 3x + 1: three real roots
    let iso = check_isolation(&f, &-f.real_roots_bound(), &f.real_roots_bound());
    assert_eq!(iso.len(), 3);
    let approx = [-1.3888, 0.3347, 1.2146];
    for ((lo, hi), x0) in iso.iter().zip(approx) {
        let r = newton(&f, x0, 800);
        let prec = 200;
        let enc = f.root_interval(lo, hi, prec).unwrap();
        assert!(enc.contains(&Interval::point(r.clone()).unwrap()), "{enc:?} misses the root {r}");
        // Relative width about 2^-prec.
        let rel = Float::with_val(64, enc.width()) / Float::with_val(64, r.abs_ref());
        assert!(rel < Float::with_val(64, 2f64.powi(-(prec as i32) + 3)), "width {rel}");
        let (a, b) = f.refine_root(lo, hi, &qr(1, 1 << 30)).unwrap();
        assert!(&b - &a <= qr(1, 1 << 30));
        assert!(Interval::from_rationals(&a, &b, 900).contains(&Interval::point(r).unwrap()));
    }
    // Not exactly one root: refused.
    assert!(f.refine_root(&q(-2), &q(2), &qr(1, 10)).is_none());
    assert!(f.root_interval(&q(2), &q(3), 64).is_none());
    assert!(f.refine_root(&q(0), &q(1), &q(0)).is_none());
    assert!(f.root_interval(&q(1), &q(0), 64).is_none());
}

#[test]
fn sqrt2_enclosure() {
    let f = p(&[-2, 0, 1]);
    let iso = check_isolation(&f, &q(-5), &q(5));
    assert_eq!(iso.len(), 2);
    let sqrt2 = Float::with_val(2000, 2).sqrt();
    for prec in [2u32, 10, 53, 128, 1000] {
        let enc = f.root_interval(&iso[1].0, &iso[1].1, prec).unwrap();
        assert!(enc.contains(&Interval::point(sqrt2.clone()).unwrap()), "prec {prec}: {enc:?}");
        let neg = f.root_interval(&iso[0].0, &iso[0].1, prec).unwrap();
        assert!(neg.contains(&Interval::point(-sqrt2.clone()).unwrap()));
        if prec >= 53 {
            let w = Float::with_val(64, enc.width());
            assert!(w < Float::with_val(64, 2f64.powi(-(prec as i32) + 3)));
        }
    }
    // A bracket with 0 as the root, and an exact rational root.
    let g = p(&[0, -1, 0, 1]); // x^3 - x
    let z = g.root_interval(&qr(-1, 2), &qr(1, 3), 64).unwrap();
    assert!(z.is_zero());
    let one = g.root_interval(&qr(1, 2), &q(3), 64).unwrap();
    assert!(one.contains_rational(&q(1)));
    let one = g.root_interval(&qr(1, 2), &qr(3, 2), 64).unwrap(); // the first midpoint is the root
    assert!(one.contains_rational(&q(1)) && one.is_point());
    // A tiny root 10^-30 is enclosed with relative accuracy.
    let tiny = Poly::from_coeffs(vec![-Q::new(BigInt::one(), BigInt::from(10).pow(30u32)), q(1)]).mul(&p(&[-3, 0, 1]));
    let e = tiny.root_interval(&q(0), &q(1), 64).unwrap();
    assert!(e.contains_rational(&Q::new(BigInt::one(), BigInt::from(10).pow(30u32))));
    assert!(e.lo().is_sign_positive() && !e.lo().is_zero());
}

// ---------------------------------------------------------------------- rational roots

#[test]
fn rational_roots() {
    // (2x - 1)(3x - 1)(x - 1) = 6x^3 - 11x^2 + 6x - 1.
    assert_eq!(p(&[-1, 6, -11, 6]).rational_roots().unwrap(), vec![qr(1, 3), qr(1, 2), q(1)]);
    assert_eq!(p(&[-2, 0, 1]).rational_roots().unwrap(), vec![]);
    assert_eq!(p(&[0, 0, 0, 1]).rational_roots().unwrap(), vec![q(0)]);
    assert_eq!(p(&[5]).rational_roots().unwrap(), vec![]);
    assert!(Poly::zero().rational_roots().is_none());
    // Large coefficients: (10^15 x - 7)(x^2 + 1)(x + 10^13).
    let big = BigInt::from(10).pow(15u32);
    let f = Poly::from_bigints(&[BigInt::from(-7), big.clone()])
        .mul(&p(&[1, 0, 1]))
        .mul(&p(&[10_000_000_000_000, 1]));
    assert_eq!(f.rational_roots().unwrap(), vec![q(-10_000_000_000_000), Q::new(BigInt::from(7), big)]);
    // Rational coefficients and repeated roots.
    let g = Poly::from_roots(&[qr(-2, 3), qr(-2, 3), qr(5, 7)]).mul(&p(&[-3, 0, 1]));
    assert_eq!(g.rational_roots().unwrap(), vec![qr(-2, 3), qr(5, 7)]);
}

// ---------------------------------------------------------------------- quadratic surds

#[test]
fn quadratic_surds() {
    let r = p(&[-4, 2, 1]).quadratic_roots_exact().unwrap();
    assert_eq!(
        r,
        vec![
            QuadSurd { a: q(-1), b: q(-1), d: BigInt::from(5) },
            QuadSurd { a: q(-1), b: q(1), d: BigInt::from(5) }
        ]
    );
    assert_eq!(r[0].to_string(), "-1 - sqrt(5)");
    assert_eq!(r[1].to_string(), "-1 + sqrt(5)");
    // 2x^2 + 4x - 7: -1 ± sqrt(9/2) = -1 ± 3 sqrt(2)/2.
    let r = p(&[-7, 4, 2]).quadratic_roots_exact().unwrap();
    assert_eq!(
        r,
        vec![
            QuadSurd { a: q(-1), b: qr(-3, 2), d: BigInt::from(2) },
            QuadSurd { a: q(-1), b: qr(3, 2), d: BigInt::from(2) }
        ]
    );
    assert_eq!(r[1].to_string(), "(-2 + 3*sqrt(2))/2");
    assert_eq!(r[0].to_string(), "(-2 - 3*sqrt(2))/2");
    // 2x^2 - 3x - 1: (3 ± sqrt(17))/4.
    let r = p(&[-1, -3, 2]).quadratic_roots_exact().unwrap();
    assert_eq!(r[1].to_string(), "(3 + sqrt(17))/4");
    // x^2 - 8: ±2 sqrt(2); x^2 - 1/2: ±sqrt(2)/2; negative leading coefficient.
    let r = p(&[-8, 0, 1]).quadratic_roots_exact().unwrap();
    assert_eq!((r[0].to_string(), r[1].to_string()), ("-2*sqrt(2)".into(), "2*sqrt(2)".into()));
    let r = Poly::from_coeffs(vec![qr(-1, 2), q(0), q(1)]).quadratic_roots_exact().unwrap();
    assert_eq!(r[1], QuadSurd { a: q(0), b: qr(1, 2), d: BigInt::from(2) });
    assert_eq!(r[1].to_string(), "sqrt(2)/2");
    let r = p(&[12, 0, -1]).quadratic_roots_exact().unwrap();
    assert_eq!(r[1], QuadSurd { a: q(0), b: q(2), d: BigInt::from(3) });
    // Rational, double, none, linear, constant, too high.
    let r = p(&[-1, 6, -11, 6]).quadratic_roots_exact();
    assert!(r.is_none());
    let r = p(&[1, -5, 6]).quadratic_roots_exact().unwrap(); // (2x - 1)(3x - 1)
    assert_eq!(r, vec![QuadSurd::rational(qr(1, 3)), QuadSurd::rational(qr(1, 2))]);
    assert_eq!(r[0].to_string(), "1/3");
    assert_eq!(p(&[1, 2, 1]).quadratic_roots_exact().unwrap(), vec![QuadSurd::rational(q(-1))]);
    assert_eq!(p(&[1, 0, 1]).quadratic_roots_exact().unwrap(), vec![]);
    assert_eq!(p(&[3, 2]).quadratic_roots_exact().unwrap(), vec![QuadSurd::rational(qr(-3, 2))]);
    assert_eq!(p(&[3]).quadratic_roots_exact().unwrap(), vec![]);
    assert!(Poly::zero().quadratic_roots_exact().is_none());
    // Square-free part of a discriminant with a large square factor: x^2 - 2*1000003^2*7.
    let big = 2 * 1_000_003i64 * 1_000_003 * 7;
    let r = p(&[-big, 0, 1]).quadratic_roots_exact().unwrap();
    assert_eq!(r[1], QuadSurd { a: q(0), b: q(1_000_003), d: BigInt::from(14) });
    // Enclosures agree with MPFR.
    let s5 = Float::with_val(300, 5).sqrt() - 1u32;
    let r = p(&[-4, 2, 1]).quadratic_roots_exact().unwrap();
    assert!(r[1].to_interval(128).unwrap().contains(&Interval::point(s5).unwrap()));
    let e = r[0].to_interval(128).unwrap();
    assert!(e.contains(&Interval::point(-Float::with_val(300, 5).sqrt() - 1u32).unwrap()));
    assert!(Float::with_val(64, e.width()) < Float::with_val(64, 1e-35));
    assert!(QuadSurd { a: q(0), b: q(1), d: BigInt::from(-1) }.to_interval(64).is_err());
    assert!(QuadSurd::rational(qr(1, 3)).to_interval(64).unwrap().contains_rational(&qr(1, 3)));
    assert!(QuadSurd::rational(q(2)).is_rational() && !r[0].is_rational());
}

// ---------------------------------------------------------------------- factoring

#[test]
fn quartic_split_and_irreducibility() {
    let irr = |c: &[i64]| p(c).is_irreducible_proved();
    assert_eq!(irr(&[1, 0, 0, 0, 1]), Some(true)); // x^4 + 1
    assert_eq!(irr(&[1, 0, -10, 0, 1]), Some(true)); // min poly of sqrt2 + sqrt3
    assert_eq!(irr(&[-2, 0, 0, 0, 1]), Some(true)); // x^4 - 2
    assert_eq!(irr(&[4, 0, 0, 0, 1]), Some(false)); // x^4 + 4 = (x^2+2x+2)(x^2-2x+2)
    assert_eq!(irr(&[6, 0, -5, 0, 1]), Some(false)); // (x^2-2)(x^2-3)
    assert_eq!(irr(&[1, 0, 1, 0, 1]), Some(false)); // (x^2+x+1)(x^2-x+1): q = s
    assert_eq!(irr(&[-2, 0, 1]), Some(true));
    assert_eq!(irr(&[-2, 0, 0, 1]), Some(true));
    assert_eq!(irr(&[-1, 0, 1]), Some(false));
    assert_eq!(irr(&[1, 2, 1]), Some(false));
    assert_eq!(irr(&[1, 2]), Some(true));
    assert_eq!(irr(&[5]), Some(false));
    assert_eq!(Poly::zero().is_irreducible_proved(), Some(false));
    assert_eq!(irr(&[-2, 0, 0, 0, 0, 1]), None); // x^5 - 2: not decided
    assert_eq!(irr(&[0, -2, 0, 0, 0, 1]), Some(false)); // rational root 0
    // (x^2 + x + 1)(x^2 + x + 2) split, q != s.
    let f = p(&[1, 1, 1]).mul(&p(&[2, 1, 1]));
    assert_eq!(f.quartic_quadratic_split(), Some((p(&[1, 1, 1]), p(&[2, 1, 1]))));
    let g = p(&[4, 0, 0, 0, 1]).scale(&qr(-3, 7));
    let (a, b) = g.quartic_quadratic_split().unwrap();
    assert_eq!(a.mul(&b), g.monic());
    assert!(p(&[1, 0, 0, 1]).quartic_quadratic_split().is_none());
    // Rational-coefficient quartic: (x^2 - x/2 + 1/3)(x^2 + 2x/3 - 5).
    let f1 = Poly::from_coeffs(vec![qr(1, 3), qr(-1, 2), q(1)]);
    let f2 = Poly::from_coeffs(vec![q(-5), qr(2, 3), q(1)]);
    let (a, b) = f1.mul(&f2).quartic_quadratic_split().unwrap();
    assert_eq!(a.mul(&b), f1.mul(&f2));
}

#[test]
fn factor_small() {
    // (x^2 + 2x - 4)(x - 3)(x^2 + 1)
    let f = p(&[-4, 2, 1]).mul(&p(&[-3, 1])).mul(&p(&[1, 0, 1]));
    let fs = f.factor_small();
    assert_eq!(fs[0], p(&[-3, 1]));
    assert_eq!(fs.len(), 3);
    assert!(fs.contains(&p(&[-4, 2, 1])) && fs.contains(&p(&[1, 0, 1])));
    let prod = fs.iter().fold(Poly::one(), |acc, g| acc.mul(g));
    assert_eq!(prod, f.monic());
    // With repeated factors and rational roots.
    let g = p(&[1, -1]).pow(3).mul(&p(&[1, 2])).mul(&p(&[-2, 0, 0, 1]));
    let gs = g.factor_small();
    assert_eq!(gs, vec![Poly::from_coeffs(vec![qr(1, 2), q(1)]), p(&[-1, 1]), p(&[-2, 0, 0, 1])]);
    assert!(p(&[3]).factor_small().is_empty());
    assert!(Poly::zero().factor_small().is_empty());
}

#[test]
fn minimal_polynomials() {
    let f = p(&[-4, 2, 1]).mul(&p(&[-3, 1])).mul(&p(&[1, 0, 1]));
    // The root -1 + sqrt(5) ≈ 1.236 in [1, 2].
    assert_eq!(f.minimal_polynomial_of_root(&q(1), &q(2)), Some((bigs(&[-4, 2, 1]), true)));
    assert_eq!(f.minimal_polynomial_of_root(&qr(5, 2), &q(3)), Some((bigs(&[-3, 1]), true)));
    assert_eq!(f.minimal_polynomial_of_root(&q(-4), &q(-3)), Some((bigs(&[-4, 2, 1]), true)));
    assert_eq!(f.minimal_polynomial_of_root(&q(0), &q(4)), None); // two roots
    assert_eq!(f.minimal_polynomial_of_root(&q(4), &q(5)), None); // none
    // sqrt2 + sqrt3 ≈ 3.146 as a root of (x^4 - 10x^2 + 1)(x - 1)^2.
    let g = p(&[1, 0, -10, 0, 1]).mul(&p(&[-1, 1]).pow(2));
    assert_eq!(g.minimal_polynomial_of_root(&q(3), &q(4)), Some((bigs(&[1, 0, -10, 0, 1]), true)));
    // A quintic factor is returned but not claimed irreducible.
    let h = p(&[-2, 0, 0, 0, 0, 1]).mul(&p(&[-5, 1]));
    assert_eq!(h.minimal_polynomial_of_root(&q(1), &q(2)), Some((bigs(&[-2, 0, 0, 0, 0, 1]), false)));
    // Rational coefficients are cleared, sign made positive.
    let k = Poly::from_coeffs(vec![qr(1, 2), q(0), qr(-1, 4)]); // -(x^2 - 2)/4
    assert_eq!(k.minimal_polynomial_of_root(&q(1), &q(2)), Some((bigs(&[-2, 0, 1]), true)));
}

// ---------------------------------------------------------------------- resultants

fn px(c: &[i64]) -> Poly2 {
    Poly2::from_x(&p(c))
}
fn py(c: &[i64]) -> Poly2 {
    Poly2::from_y(&p(c))
}

#[test]
fn univariate_resultant() {
    // Res(x - a, g) = g(a); Res(f, x - a) = (-1)^deg f f(a).
    let g = p(&[1, 2, 3]);
    assert_eq!(p(&[-5, 1]).resultant(&g), g.eval(&q(5)));
    assert_eq!(g.resultant(&p(&[-5, 1])), g.eval(&q(5)));
    let c = p(&[2, 0, 0, 1]);
    assert_eq!(c.resultant(&p(&[-5, 1])), -c.eval(&q(5)));
    assert_eq!(p(&[-1, 0, 1]).resultant(&p(&[1, 1])), q(0));
    assert_eq!(p(&[3]).resultant(&g), q(9));
    assert_eq!(p(&[3]).resultant(&p(&[4])), q(1));
    assert_eq!(Poly::zero().resultant(&g), q(0));
    // Discriminant relation: Res(f, f') = -a * disc for a quadratic a x^2 + b x + c.
    let f = p(&[-4, 2, 1]);
    assert_eq!(f.resultant(&f.derivative()), q(-20));
}

#[test]
fn bivariate_resultants() {
    // x^2 + y^2 - 1 and x - y: Res_x = 2y^2 - 1 exactly.
    let circle = px(&[0, 0, 1]).add(&py(&[-1, 0, 1]));
    let line = Poly2::x().sub(&Poly2::y());
    assert_eq!(circle.resultant_x(&line), p(&[-1, 0, 2]));
    assert_eq!(line.resultant_x(&circle), p(&[-1, 0, 2]));
    // x^2 - y and x^2 - 2: (y - 2)^2.
    let f = px(&[0, 0, 1]).sub(&Poly2::y());
    let g = px(&[-2, 0, 1]);
    assert_eq!(f.resultant_x(&g), p(&[4, -4, 1]));
    // Eliminating y instead: Res_y(x^2 - y, x^2 - 2) = x^2 - 2 (f is linear in y).
    assert_eq!(f.resultant_y(&g), p(&[-2, 0, 1]));
    // x-degree 0 and a leading coefficient vanishing at y = 0: Res_x(y x - 1, x^2 - y) = 1 - y^3.
    let h = Poly2::x().mul(&Poly2::y()).sub(&Poly2::one());
    let k = px(&[0, 0, 1]).sub(&Poly2::y());
    assert_eq!(h.resultant_x(&k), p(&[1, 0, 0, -1]));
    assert_eq!(py(&[0, 1, 1]).resultant_x(&k), p(&[0, 1, 1]).pow(2));
    assert_eq!(Poly2::zero().resultant_x(&k), Poly::zero());
    // Common component: Res = 0.
    let common = circle.mul(&line);
    assert_eq!(common.resultant_x(&line), Poly::zero());
    assert_eq!(circle.to_string(), "x^2 + (y^2 - 1)");
    assert_eq!(h.to_string(), "(y)*x + (-1)");
    assert_eq!(circle.deg_x(), Some(2));
    assert_eq!(circle.deg_y(), Some(2));
    assert_eq!(circle.eval_y(&q(1)), p(&[0, 0, 1]));
    assert_eq!(circle.eval_x(&q(2)), p(&[3, 0, 1]));
    assert_eq!(circle.swap().swap(), circle);
    assert_eq!(h.pow(2), h.mul(&h));
}

#[test]
fn interpolation() {
    let f = p(&[3, -1, 0, 2]);
    let xs: Vec<Q> = (0..6).map(|k| qr(k, 3)).collect();
    let ys: Vec<Q> = xs.iter().map(|x| f.eval(x)).collect();
    assert_eq!(interpolate(&xs, &ys), f);
}

// ---------------------------------------------------------------------- expressions

fn num(n: i64) -> Box<Expr> {
    Box::new(Expr::Num(q(n)))
}
fn var(i: usize) -> Box<Expr> {
    Box::new(Expr::Var(i))
}

#[test]
fn polynomials_from_expressions() {
    // (x^2 - mu)^2 / 4 with mu = 1.
    let e = Expr::Div(
        Box::new(Expr::Pow(Box::new(Expr::Sub(Box::new(Expr::Pow(var(0), num(2))), num(1))), num(2))),
        num(4),
    );
    let want = Poly::from_coeffs(vec![qr(1, 4), q(0), qr(-1, 2), q(0), qr(1, 4)]);
    assert_eq!(from_expr(&e, 0), Some(want));
    assert_eq!(from_expr(&e, 1), None);
    // Neg, Mul, folded divisor and exponent.
    let e = Expr::Mul(
        Box::new(Expr::Neg(var(0))),
        Box::new(Expr::Pow(var(0), Box::new(Expr::Add(num(1), num(2))))),
    );
    assert_eq!(from_expr(&e, 0), Some(p(&[0, 0, 0, 0, -1])));
    let e = Expr::Div(var(0), Box::new(Expr::Sub(num(3), num(1))));
    assert_eq!(from_expr(&e, 0), Some(Poly::from_coeffs(vec![q(0), qr(1, 2)])));
    assert_eq!(from_expr(&Expr::Pow(var(0), num(0)), 0), Some(Poly::one()));
    // Rejected: division by zero or by x, negative / fractional powers, pi, functions.
    assert_eq!(from_expr(&Expr::Div(var(0), Box::new(Expr::Sub(num(1), num(1)))), 0), None);
    assert_eq!(from_expr(&Expr::Div(num(1), var(0)), 0), None);
    assert_eq!(from_expr(&Expr::Pow(var(0), num(-1)), 0), None);
    assert_eq!(from_expr(&Expr::Pow(var(0), Box::new(Expr::Num(qr(1, 2)))), 0), None);
    assert_eq!(from_expr(&Expr::Pow(var(0), var(0)), 0), None);
    assert_eq!(from_expr(&Expr::Const(eoscert::expr::Constant::Pi), 0), None);
    assert_eq!(from_expr(&Expr::Call(eoscert::expr::Func::Sin, var(0)), 0), None);
    assert_eq!(from_expr(&Expr::Pow(var(0), num(100_000)), 0), None);
    // Bivariate: (x - y)^2 / 2 + y, over (x = var 1, y = var 0).
    let e = Expr::Add(
        Box::new(Expr::Div(Box::new(Expr::Pow(Box::new(Expr::Sub(var(1), var(0))), num(2))), num(2))),
        var(0),
    );
    let f = from_expr2(&e, 1, 0).unwrap();
    let want = Poly2::x().sub(&Poly2::y()).pow(2).scale(&qr(1, 2)).add(&Poly2::y());
    assert_eq!(f, want);
    assert_eq!(f.eval_y(&q(1)), Poly::from_coeffs(vec![qr(3, 2), q(-1), qr(1, 2)]));
    assert_eq!(from_expr2(&e, 0, 0), None);
    assert_eq!(from_expr2(&e, 1, 2), None);
    assert_eq!(from_expr2(&Expr::Const(eoscert::expr::Constant::E), 0, 1), None);
}

// ---------------------------------------------------------------------- property tests

/// Exact determinant by Gaussian elimination.
fn det(mut m: Vec<Vec<Q>>) -> Q {
    let n = m.len();
    let mut d = q(1);
    for col in 0..n {
        let Some(piv) = (col..n).find(|&r| !m[r][col].is_zero()) else { return q(0) };
        if piv != col {
            m.swap(piv, col);
            d = -d;
        }
        d *= m[col][col].clone();
        let pivot_row = m[col].clone();
        for row in m.iter_mut().skip(col + 1) {
            let f = &row[col] / &pivot_row[col];
            for (x, pv) in row.iter_mut().zip(&pivot_row).skip(col) {
                *x -= &f * pv;
            }
        }
    }
    d
}

/// The Sylvester determinant of f, g (actual degrees).
fn sylvester(f: &Poly, g: &Poly) -> Q {
    let (m, n) = (f.degree().unwrap(), g.degree().unwrap());
    let size = m + n;
    let mut rows = Vec::new();
    for i in 0..n {
        let mut row = vec![q(0); size];
        for (j, c) in f.coeffs().iter().rev().enumerate() {
            row[i + j] = c.clone();
        }
        rows.push(row);
    }
    for i in 0..m {
        let mut row = vec![q(0); size];
        for (j, c) in g.coeffs().iter().rev().enumerate() {
            row[i + j] = c.clone();
        }
        rows.push(row);
    }
    det(rows)
}

fn divisors(n: i64) -> Vec<i64> {
    let n = n.abs();
    (1..=n).filter(|d| n % d == 0).collect()
}

/// Distinct rational roots by brute-force enumeration of the rational root theorem.
fn brute_rational_roots(f: &Poly) -> Vec<Q> {
    let (_, prim) = f.primitive_integer();
    let prim: Vec<i64> = prim.iter().map(|b| i64::try_from(b).unwrap()).collect();
    let mut roots = Vec::new();
    let k = prim.iter().position(|&c| c != 0).unwrap();
    if k > 0 {
        roots.push(q(0));
    }
    let (a0, an) = (prim[k], *prim.last().unwrap());
    for u in divisors(a0) {
        for v in divisors(an) {
            for s in [-1, 1] {
                let r = qr(s * u, v);
                if f.eval(&r).is_zero() && !roots.contains(&r) {
                    roots.push(r);
                }
            }
        }
    }
    roots.sort();
    roots
}

/// Monic integer quartic x^4 + a x^3 + b x^2 + c x + d: is it a product of two monic integer
/// quadratics? Brute force over |p| <= 2B, |q| <= B^2 with B the Cauchy bound.
fn brute_quartic_split(a: i64, b: i64, c: i64, d: i64) -> bool {
    let bound = 1 + [a, b, c, d].iter().map(|x| x.abs()).max().unwrap();
    for pp in -2 * bound..=2 * bound {
        let r = a - pp;
        for qq in -bound * bound..=bound * bound {
            let s = if qq != 0 {
                if d % qq != 0 {
                    continue;
                }
                d / qq
            } else {
                if d != 0 {
                    continue;
                }
                b - pp * r
            };
            if qq + s + pp * r == b && pp * s + qq * r == c && qq * s == d {
                return true;
            }
        }
    }
    false
}

fn small_poly(max_deg: usize, range: i64) -> impl Strategy<Value = Poly> {
    prop::collection::vec(-range..=range, 1..=max_deg + 1)
        .prop_map(|c| Poly::from_ints(&c))
        .prop_filter("non-zero", |f| !f.is_zero())
}

/// A quadratic with small integer coefficients.
fn quadratic() -> impl Strategy<Value = Poly> {
    (-5i64..=5, -5i64..=5, prop_oneof![-5i64..=-1, 1i64..=5]).prop_map(|(c, b, a)| p(&[c, b, a]))
}

/// Products of small linear factors (repeated and rational roots) and a small cofactor.
fn structured_poly() -> impl Strategy<Value = Poly> {
    (prop::collection::vec((-5i64..=5, 1i64..=4), 0..=4), small_poly(2, 6)).prop_map(|(lins, rest)| {
        lins.iter().fold(rest, |acc, &(a, b)| acc.mul(&p(&[-a, b])))
    })
}

/// The monic gcd by Euclid in rational arithmetic (the textbook reference for `Poly::gcd`).
fn euclid_gcd(a: &Poly, b: &Poly) -> Poly {
    let (mut a, mut b) = (a.monic(), b.monic());
    while let Some((_, r)) = a.div_rem(&b) {
        a = b;
        b = r.monic();
    }
    a
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The derivative equals i·c_i computed (and reduced) in rationals.
    #[test]
    fn prop_derivative_matches_rational(f in small_poly(8, 9), n in -9i64..=9, d in 1i64..=12) {
        let a = f.scale(&qr(n, d));
        let want: Vec<_> = a.coeffs().iter().enumerate().skip(1).map(|(i, c)| c * qr(i as i64, 1)).collect();
        let got = a.derivative();
        prop_assert_eq!(&got, &Poly::from_coeffs(want));
        // in lowest terms (equality of Ratio compares values; check the representation too)
        for c in got.coeffs() {
            let r = c.reduced();
            prop_assert_eq!((c.numer(), c.denom()), (r.numer(), r.denom()));
        }
    }

    /// The integer-convolution product equals the schoolbook product in rationals.
    #[test]
    fn prop_mul_matches_rational_schoolbook(f in small_poly(5, 9), g in small_poly(5, 9), n in -9i64..=9, d in 1i64..=9, m in -9i64..=9, e in 1i64..=9) {
        for (a, b) in [(f.scale(&qr(n, d)), g.scale(&qr(m, e))), (f.clone(), g.clone()), (f.clone(), Poly::zero())] {
            let mut c = vec![qr(0, 1); a.coeffs().len() + b.coeffs().len()];
            for (i, x) in a.coeffs().iter().enumerate() {
                for (j, y) in b.coeffs().iter().enumerate() {
                    c[i + j] += x * y;
                }
            }
            prop_assert_eq!(a.mul(&b), Poly::from_coeffs(c.clone()));
            prop_assert_eq!(b.mul(&a), Poly::from_coeffs(c));
        }
    }

    #[test]
    fn prop_gcd_matches_rational_euclid(f in structured_poly(), g in structured_poly(), h in small_poly(3, 5), n in -9i64..=9, d in 1i64..=9) {
        // rational coefficients and a common factor
        let a = f.mul(&h).scale(&qr(n, d));
        let b = g.mul(&h);
        prop_assert_eq!(a.gcd(&b), euclid_gcd(&a, &b));
        prop_assert_eq!(b.gcd(&a), euclid_gcd(&b, &a));
        prop_assert_eq!(a.gcd(&Poly::zero()), a.monic());
        prop_assert_eq!(Poly::zero().gcd(&b), b.monic());
        prop_assert_eq!(a.gcd(&a.derivative()), euclid_gcd(&a, &a.derivative()));
    }

    #[test]
    fn prop_isolation_random(f in small_poly(6, 20)) {
        let b = f.real_roots_bound();
        let iso = check_isolation(&f, &-b.clone(), &b);
        prop_assert_eq!(f.count_roots(&-b.clone(), &b), Some(iso.len()));
        prop_assert_eq!(f.isolate_all_real_roots().unwrap(), iso.clone());
        // Roots outside the bound: none.
        prop_assert_eq!(f.count_roots(&b, &(&b * q(1000))), Some(0));
        prop_assert_eq!(f.count_roots(&(-&b * q(1000)), &-b.clone()), Some(0));
        // Every bracket refines to an enclosure of a sign change.
        for (lo, hi) in &iso {
            let e = f.root_interval(lo, hi, 80).unwrap();
            let (l, h) = (e.lo_rational().unwrap(), e.hi_rational().unwrap());
            let s = f.squarefree();
            let r = f.refine_root(lo, hi, &qr(1, 1 << 20)).unwrap();
            prop_assert!(r.1.clone() - r.0.clone() <= qr(1, 1 << 20));
            prop_assert!(s.sign_at(&l) != s.sign_at(&h) || s.sign_at(&l) == Ordering::Equal);
        }
    }

    #[test]
    fn prop_isolation_structured(f in structured_poly()) {
        let b = f.real_roots_bound();
        let iso = check_isolation(&f, &-b.clone(), &b);
        let rats = f.rational_roots().unwrap();
        prop_assert_eq!(&rats, &brute_rational_roots(&f));
        // Every rational root is inside exactly one bracket; sub-intervals count consistently.
        for r in &rats {
            prop_assert_eq!(iso.iter().filter(|(lo, hi)| lo <= r && r <= hi).count(), 1);
            prop_assert_eq!(f.count_roots_closed(r, r), Some(1));
            prop_assert_eq!(f.count_roots(&(r - qr(1, 1_000_000_000)), r), f.count_roots_closed(&(r - qr(1, 1_000_000_000)), r));
        }
        let mid = q(0);
        prop_assert_eq!(
            f.count_roots(&-b.clone(), &mid).unwrap() + f.count_roots(&mid, &b).unwrap(),
            iso.len()
        );
    }

    #[test]
    fn prop_rational_roots_random(f in small_poly(6, 30)) {
        prop_assert_eq!(f.rational_roots().unwrap(), brute_rational_roots(&f));
    }

    #[test]
    fn prop_quartic_split(a in -6i64..=6, b in -6i64..=6, c in -6i64..=6, d in -6i64..=6) {
        let f = p(&[d, c, b, a, 1]);
        let brute = brute_quartic_split(a, b, c, d);
        let split = f.quartic_quadratic_split();
        prop_assert_eq!(split.is_some(), brute, "{}", f);
        if let Some((g, h)) = split {
            prop_assert_eq!(g.mul(&h), f.clone());
        }
        let has_rat = !f.rational_roots().unwrap().is_empty();
        let sqfree = f.squarefree().degree() == Some(4);
        prop_assert_eq!(f.is_irreducible_proved(), Some(sqfree && !has_rat && !brute));
    }

    #[test]
    fn prop_quartic_products(g in quadratic(), h in quadratic()) {
        let f = g.mul(&h);
        let (a, b) = f.quartic_quadratic_split().unwrap();
        prop_assert_eq!(a.mul(&b), f.monic());
        prop_assert_eq!(f.is_irreducible_proved(), Some(false));
        let fs = f.factor_small();
        prop_assert_eq!(fs.iter().fold(Poly::one(), |acc, k| acc.mul(k)), f.squarefree().monic());
        for k in &fs {
            prop_assert_eq!(k.is_irreducible_proved(), Some(true));
        }
    }

    #[test]
    fn prop_quadratic_surds(c in -30i64..=30, b in -30i64..=30, a in 1i64..=12) {
        let f = p(&[c, b, a]);
        let roots = f.quadratic_roots_exact().unwrap();
        prop_assert_eq!(roots.len(), f.count_roots_closed(&q(-100), &q(100)).unwrap());
        let iso = f.isolate_all_real_roots().unwrap();
        for (r, (lo, hi)) in roots.iter().zip(&iso) {
            // The surd is a root: a + b sqrt(d) with (a + b sqrt d)^2 etc. checked via enclosure.
            let e = r.to_interval(256).unwrap();
            let enc = f.root_interval(lo, hi, 256).unwrap();
            prop_assert!(e.intersect(&enc).is_some());
            if r.b.is_zero() {
                prop_assert!(f.eval(&r.a).is_zero());
            } else {
                // Exactly: f(a + b√d) = 0 ⇔ the rational and √d parts vanish.
                let ad = &r.a; let bd = &r.b; let d = Q::from_integer(r.d.clone());
                let (c0, c1, c2) = (q(c), q(b), q(a));
                let rat = &c2 * (ad * ad + bd * bd * &d) + &c1 * ad + &c0;
                let irr = &c2 * q(2) * ad * bd + &c1 * bd;
                prop_assert!(rat.is_zero() && irr.is_zero());
                prop_assert!(r.d > BigInt::one() && !r.is_rational());
            }
        }
    }

    #[test]
    fn prop_resultant_sylvester(f in small_poly(4, 9), g in small_poly(4, 9)) {
        prop_assert_eq!(f.resultant(&g), sylvester(&f, &g));
        let sign = if (f.degree().unwrap() * g.degree().unwrap()) % 2 == 1 { q(-1) } else { q(1) };
        prop_assert_eq!(g.resultant(&f), sign * f.resultant(&g));
    }

    #[test]
    fn prop_resultant_bivariate(
        fc in prop::collection::vec(prop::collection::vec(-4i64..=4, 1..=3), 1..=4),
        gc in prop::collection::vec(prop::collection::vec(-4i64..=4, 1..=3), 1..=3),
    ) {
        let f = Poly2::from_coeffs(fc.iter().map(|c| p(c)).collect());
        let g = Poly2::from_coeffs(gc.iter().map(|c| p(c)).collect());
        prop_assume!(!f.is_zero() && !g.is_zero());
        let r = f.resultant_x(&g);
        let (m, n) = (f.deg_x().unwrap(), g.deg_x().unwrap());
        for y0 in [qr(1, 3), qr(-7, 5), qr(11, 2), qr(1, 97)] {
            let (fy, gy) = (f.eval_y(&y0), g.eval_y(&y0));
            if fy.degree() == Some(m) && gy.degree() == Some(n) {
                prop_assert_eq!(r.eval(&y0), fy.resultant(&gy));
            }
        }
    }
}

#[test]
fn sign_helpers() {
    let f = p(&[-2, 0, 1]);
    assert_eq!(f.sign_at(&q(0)), Ordering::Less);
    assert_eq!(f.sign_at(&q(2)), Ordering::Greater);
    assert_eq!(p(&[-4, 0, 1]).sign_at(&q(-2)), Ordering::Equal);
    assert!(f.real_roots_bound() > q(2));
    assert!(Q::from_integer(BigInt::from(3)).is_positive());
}
