//! Randomized containment of the certifiers (issue 7): every certified root box contains a
//! root, and every certified orbit contains an orbit, checked independently — by plain MPFR
//! floats at 1024 bits (not eoscert's interval code) evaluating hand-written derivatives, and by
//! closed forms.
//!
//! - Critical points of `f = a sin(b x) + c x^2 + d x^3` found by Krawczyk on `f'` in [-3, 3]:
//!   an exact zero satisfies `f'(q) = 0` exactly; an enclosed zero has `f'` of opposite signs
//!   (or 0) at its two ends, so it holds a root (intermediate value theorem).
//! - Period-2 orbits of the quartic `(x^2 - mu)^2/4` at `eta = K/mu`: each point's box holds a
//!   sign change of `G(x) = F(F(x)) - x`, and the multiplier's enclosure contains the closed
//!   form `7 - 4K - 2K^2` (Appendix L), computed exactly in rationals.

use eoscert::eval::{derivatives_best, Num};
use eoscert::expr::Loss;
use eoscert::interval::{to_rug_rational, Interval};
use eoscert::krawczyk::Budget;
use eoscert::minima::derivative_zeros;
use eoscert::orbit::period2_orbits;
use num_rational::BigRational;
use num_traits::Zero;
use proptest::prelude::*;
use rug::Float;

const P: u32 = 1024;

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(n.into(), d.into())
}

fn fl(x: &BigRational) -> Float {
    Float::with_val(P, to_rug_rational(x))
}

fn loss(src: &str) -> Loss {
    eoscert::parse::parse_loss(src, &[], None).expect("parses")
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() }
}

/// The sign of a 1024-bit value, with values below 2^-900 in size counted as 0 (rounding).
fn sign(v: &Float) -> i32 {
    if v.clone().abs() < Float::with_val(P, Float::i_exp(1, -900)) {
        0
    } else if v.is_sign_positive() {
        1
    } else {
        -1
    }
}

/// An interval's ends as 1024-bit floats (exact: the ends are MPFR floats of lower precision).
fn ends(i: &Interval) -> [Float; 2] {
    [Float::with_val(P, i.lo()), Float::with_val(P, i.hi())]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn critical_point_boxes_hold_a_critical_point(
        a in 1i64..4, b in 1i64..4, c in -3i64..4, d in -2i64..3, cd in 1i64..4
    ) {
        let (c, d) = (q(c, cd), q(d, 7));
        let src = format!("{a}*sin({b}*x) + ({c})*x^2 + ({d})*x^3");
        let l = loss(&src);
        let dom = Interval::from_int(-3, 128).hull(&Interval::from_int(3, 128));
        let search = derivative_zeros(&l, 1, &dom, &Budget::new(20_000, -100, None));
        // f'(x) = a b cos(b x) + 2 c x + 3 d x^2, written out and evaluated with plain MPFR.
        let fprime = |x: &Float| -> Float {
            let bx = Float::with_val(P, x * b);
            Float::with_val(P, bx.cos() * (a * b)) + Float::with_val(P, x * fl(&c)) * 2u32 + Float::with_val(P, x * x) * fl(&d) * 3u32
        };
        for z in &search.zeros {
            prop_assert!(z.verified.contains(&z.enclosure), "{src}: enclosure inside the verified box");
            match &z.point {
                Num::Exact(x) => {
                    let dv = derivatives_best(&l, &[Num::Exact(x.clone())], &[Num::Exact(q(1, 1))], 1, 512).unwrap();
                    let v = dv[1].to_interval(512);
                    prop_assert!(v.contains_zero(), "{src}: f'({x}) = {v} is not 0");
                    prop_assert_eq!(sign(&fprime(&fl(x))), 0, "{}: f'({}) is not 0 at 1024 bits", src, x);
                }
                _ => {
                    let [lo, hi] = ends(&z.enclosure);
                    let (sl, sh) = (sign(&fprime(&lo)), sign(&fprime(&hi)));
                    prop_assert!(sl * sh <= 0, "{src}: f' has the same sign {sl} at both ends of {}", z.enclosure);
                }
            }
        }
    }

    #[test]
    fn orbit_boxes_hold_an_orbit_and_the_exact_multiplier(mu_n in 1i64..9, mu_d in 1i64..5, k in 1001i64..1400) {
        let (mu, kk) = (q(mu_n, mu_d), q(k, 1000));
        let eta = &kk / &mu;
        let l = eoscert::parse::parse_loss("(x^2 - mu)^2/4", &[("mu".into(), eoscert::expr::Expr::Num(mu.clone()))], None).unwrap();
        let top = Interval::from_int(3 * mu_n.max(1), 128);
        let dom = Interval::from_rational(&q(1, 1000), 128).hull(&top);
        let search = period2_orbits(&l, &Interval::from_rational(&eta, 128), &dom, &Budget::new(20_000, -100, None));
        prop_assert!(search.undecided.is_empty(), "mu={mu} K={kk}: search incomplete");
        prop_assert_eq!(search.orbits.len(), 1, "mu={} K={}: one orbit with positive points", mu, kk);
        let (m, e) = (fl(&mu), fl(&eta));
        // F(x) = x - eta x (x^2 - mu); G(x) = F(F(x)) - x.
        let f = |x: &Float| -> Float { Float::with_val(P, x - Float::with_val(P, &e * x) * (Float::with_val(P, x * x) - &m)) };
        let g = |x: &Float| -> Float { Float::with_val(P, f(&f(x)) - x) };
        let o = &search.orbits[0];
        for pt in [&o.x1, &o.x2] {
            let [lo, hi] = ends(pt);
            prop_assert!(sign(&g(&lo)) * sign(&g(&hi)) <= 0, "mu={mu} K={kk}: no sign change of F(F(x)) - x across {pt}");
        }
        // The multiplier is 7 - 4K - 2K^2 exactly.
        let exact = q(7, 1) - q(4, 1) * &kk - q(2, 1) * &kk * &kk;
        prop_assert!(o.multiplier.contains_rational(&exact), "mu={mu} K={kk}: multiplier {} excludes {exact}", o.multiplier);
        prop_assert!(!exact.is_zero() || o.multiplier.contains_zero());
    }
}
