//! `threshold`: birth, superstable and period-doubling learning rates of the period-2 orbit.
//!
//! Known answers for the quartic f = (x^2 - mu)^2/4 (Chen & Bruna, Theorem 2 and Appendix L):
//! with K = eta*mu the orbit near sqrt(mu) is born at K = 1, is superstable at the root of
//! 2K^2 + 4K - 7 (K = sqrt(4.5) - 1) and period-doubles at the root of K^2 + 2K - 4
//! (K = sqrt(5) - 1); eta* = K*/mu.

use eoscert::eval::Num;
use eoscert::expr::Expr;
use eoscert::interval::Interval;
use eoscert::krawczyk::Budget;
use eoscert::orbit::period2_orbits;
use eoscert::verbs::threshold::{run, Event, ThresholdOutput, ThresholdRequest};
use num_bigint::BigInt;
use num_rational::BigRational;
use std::time::{Duration, Instant};

type Q = BigRational;

fn q(n: i64, d: i64) -> Q {
    Q::new(BigInt::from(n), BigInt::from(d))
}

/// An exact decimal string (optionally with an exponent, `1.5e-3`) as a rational.
fn dec(s: &str) -> Q {
    if let Some((m, e)) = s.split_once(['e', 'E']) {
        let e: i32 = e.parse().unwrap();
        let p = Q::from_integer(num_traits::pow(BigInt::from(10), e.unsigned_abs() as usize));
        return if e >= 0 { dec(m) * p } else { dec(m) / p };
    }
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let n: BigInt = format!("{int}{frac}").parse().unwrap();
    let v = Q::new(n, num_traits::pow(BigInt::from(10), frac.len()));
    if neg {
        -v
    } else {
        v
    }
}

fn request(src: &str, params: &[(&str, i64)], event: &str) -> ThresholdRequest {
    let params: Vec<(String, Expr)> = params.iter().map(|(n, v)| (n.to_string(), Expr::Num(q(*v, 1)))).collect();
    let loss = eoscert::parse::parse_loss(src, &params, None).unwrap();
    ThresholdRequest {
        loss,
        event: Event::from_name(event).unwrap(),
        lr_range: None,
        near: None,
        domain: Interval::from_int(-10, 128).hull(&Interval::from_int(10, 128)),
        prec: 128,
        budget: Budget::new(200_000, -64, Some(Instant::now() + Duration::from_secs(120))),
    }
}

fn timed(req: &ThresholdRequest) -> ThresholdOutput {
    let t0 = Instant::now();
    let out = run(req).unwrap_or_else(|e| panic!("{}: {e}", req.loss.source));
    eprintln!("[{} {} near {:?}: {:.3} s]\n{out}", req.loss.source, req.event.name(), req.near.as_ref().map(|n| n.describe(64)), t0.elapsed().as_secs_f64());
    out
}

fn minpoly(out: &ThresholdOutput) -> Vec<i64> {
    out.lr.minpoly.as_ref().expect("algebraic lr").iter().map(|v| v.as_i64().unwrap()).collect()
}

/// `p(x)` for integer coefficients, lowest degree first.
fn eval_poly(c: &[i64], x: &Q) -> Q {
    c.iter().rev().fold(q(0, 1), |acc, a| acc * x + q(*a, 1))
}

/// The isolating interval in the output contains a sign change of the minimal polynomial,
/// and has width < 1e-30.
fn check_isolating(out: &ThresholdOutput) -> (Q, Q) {
    let c = minpoly(out);
    let (lo, hi) = (dec(&out.lr.lo), dec(&out.lr.hi));
    assert!(&hi - &lo < q(1, 1) / Q::from_integer(num_traits::pow(BigInt::from(10), 30)), "width");
    let (a, b) = (eval_poly(&c, &lo), eval_poly(&c, &hi));
    assert!(a * b < q(0, 1), "no sign change of {c:?} on [{lo}, {hi}]");
    (lo, hi)
}

/// The quartic with mu = 1 and mu = 2 near sqrt(mu): all three events exactly.
#[test]
fn quartic_thresholds_exact() {
    for mu in [1i64, 2] {
        let near = Num::Exact(q(1, 1));
        // Birth: eta = 1/mu exactly.
        let mut r = request("(x^2 - mu)^2/4", &[("mu", mu)], "birth");
        r.near = Some(near.clone());
        let out = timed(&r);
        assert_eq!(out.lr.exact.as_deref(), Some(if mu == 1 { "1" } else { "1/2" }));
        assert_eq!(out.event, "birth");

        // Superstable: K = eta*mu is the root of 2K^2 + 4K - 7, i.e. eta has minimal polynomial
        // 2 mu^2 eta^2 + 4 mu eta - 7.
        let mut r = request("(x^2 - mu)^2/4", &[("mu", mu)], "superstable");
        r.near = Some(near.clone());
        let out = timed(&r);
        assert_eq!(out.path, "exact");
        assert_eq!(out.lr.irreducible, Some(true));
        let want = if mu == 1 { vec![-7, 4, 2] } else { vec![-7, 8, 8] };
        assert_eq!(minpoly(&out), want);
        let (lo, hi) = check_isolating(&out);
        // K = sqrt(4.5) - 1 = 1.1213203435596425732...: eta = K/mu.
        let k = dec("1.12132034355964257320253308631454711785450527");
        let eta = &k / q(mu, 1);
        assert!(lo < eta && eta < hi, "{lo} {hi}");
        assert_eq!(out.closed_form.as_deref(), Some(if mu == 1 { "(-2 + 3*sqrt(2))/2" } else { "(-2 + 3*sqrt(2))/4" }));
        assert_eq!(out.first_in_range, Some(true));
        let o = out.orbit.as_ref().expect("orbit at the threshold");
        let m_lo: f64 = o.multiplier.lo.parse().unwrap();
        let m_hi: f64 = o.multiplier.hi.parse().unwrap();
        assert!(m_lo <= 0.0 && 0.0 <= m_hi && m_hi - m_lo < 1e-20, "{:?}", o.multiplier);

        // Period-doubling: K^2 + 2K - 4 = 0, K = sqrt(5) - 1; eta = K/mu.
        let mut r = request("(x^2 - mu)^2/4", &[("mu", mu)], "period-doubling");
        r.near = Some(near.clone());
        let out = timed(&r);
        let want = if mu == 1 { vec![-4, 2, 1] } else { vec![-1, 1, 1] };
        assert_eq!(minpoly(&out), want);
        let (lo, hi) = check_isolating(&out);
        assert_eq!(out.closed_form.as_deref(), Some(if mu == 1 { "-1 + sqrt(5)" } else { "(-1 + sqrt(5))/2" }));
        let k = dec("1.23606797749978969640917366873127623544061835961152572427");
        let eta = &k / q(mu, 1);
        assert!(lo < eta && eta < hi);
        // A false claim: the threshold is NOT sqrt(5) - 1 + 1e-9 (scaled by 1/mu).
        let wrong = (&k + dec("0.000000001")) / q(mu, 1);
        assert!(!(lo <= wrong && wrong <= hi), "the enclosure must exclude the nudged value");
        let (elo, ehi) = (dec(&out.enclosure.lo), dec(&out.enclosure.hi));
        assert!(!(elo <= wrong && wrong <= ehi));
        assert!(elo <= eta && eta <= ehi);
    }
}

/// Without --near the interval -10..10 holds two minima of the quartic: an error; an
/// interval holding only one minimum needs no --near.
#[test]
fn minimum_selection() {
    let r = request("(x^2 - 1)^2/4", &[], "birth");
    let e = run(&r).unwrap_err();
    assert!(e.message.contains("--near"), "{e}");
    let mut r = request("(x^2 - 1)^2/4", &[], "period-doubling");
    r.domain = Interval::from_rational(&q(1, 2), 128).hull(&Interval::from_int(3, 128));
    let out = run(&r).unwrap();
    assert_eq!(minpoly(&out), vec![-4, 2, 1]);
    // The minimum near -1 has the same thresholds (symmetry).
    let mut r = request("(x^2 - 1)^2/4", &[], "superstable");
    r.near = Some(Num::Exact(q(-2, 1)));
    let out = run(&r).unwrap();
    assert_eq!(out.minimum.point.exact.as_deref(), Some("-1"));
    assert_eq!(minpoly(&out), vec![-7, 4, 2]);
    // No minimum (proved): bad input, a clear error.
    let mut r = request("x^3", &[], "birth");
    r.domain = Interval::from_int(1, 128).hull(&Interval::from_int(2, 128));
    let e = run(&r).unwrap_err();
    assert!(e.message.contains("no local minimum") && e.message.contains("proved") && !e.undecided, "{e}");
    // A degenerate minimum (x^4 at 0) cannot be certified: UNDECIDED, not bad input.
    let r = request("x^4", &[], "birth");
    let e = run(&r).unwrap_err();
    assert!(e.undecided && e.message.contains("incomplete"), "{e}");
}

/// A range with no event: an error, proved by the resultant (no root in the range).
#[test]
fn no_event_in_range_is_an_error() {
    let mut r = request("(x^2 - 1)^2/4", &[], "period-doubling");
    r.near = Some(Num::Exact(q(1, 1)));
    r.lr_range = Some(Interval::from_rational(&q(101, 100), 128).hull(&Interval::from_rational(&q(6, 5), 128)));
    let e = run(&r).unwrap_err();
    assert!(e.message.contains("no learning rate") && e.message.contains("proved"), "{e}");
    // The superstable point 1.1213... lies in 1.01..1.2 and is found there.
    r.event = Event::Superstable;
    let out = run(&r).unwrap();
    assert_eq!(minpoly(&out), vec![-7, 4, 2]);
}

/// Independent check of an enclosure path result: at the learning rates just below and just
/// above the enclosure, the orbit search finds one orbit and the multiplier minus the target
/// changes sign.
fn check_sign_change(out: &ThresholdOutput, src: &str, target: i64, window: &Interval) {
    let loss = eoscert::parse::parse_loss(src, &[], None).unwrap();
    let (lo, hi) = (dec(&out.enclosure.lo), dec(&out.enclosure.hi));
    assert!(&hi - &lo < q(1, 1) / Q::from_integer(num_traits::pow(BigInt::from(10), 30)), "width {lo} {hi}");
    let budget = Budget::new(20_000, -64, None);
    let mut signs: Vec<[Option<bool>; 3]> = vec![];
    // Step away by 1e-20 (relative to the width of the enclosure, which is < 1e-30).
    let step = q(1, 1) / Q::from_integer(num_traits::pow(BigInt::from(10), 20));
    for eta in [&lo - &step, &hi + &step] {
        let e = Interval::from_rational(&eta, 256);
        let s = period2_orbits(&loss, &e, &window.with_prec(256), &budget);
        assert_eq!(s.orbits.len(), 1, "{src} at eta = {eta}: {} orbits", s.orbits.len());
        let o = &s.orbits[0];
        let sgn = |d: &Interval| if d.is_pos() { Some(true) } else if d.is_neg() { Some(false) } else { None };
        // multiplier - target, and the factors F'(x1), F'(x2) of the multiplier.
        let factor = |x: &Interval| {
            let f2 = eoscert::eval::taylor_1d(&loss, x, 2).unwrap().derivative(2);
            Interval::from_int(1, 256).sub(&e.mul(&f2))
        };
        signs.push([sgn(&o.multiplier.sub(&Interval::from_int(target, 256))), sgn(&factor(&o.x1)), sgn(&factor(&o.x2))]);
    }
    let changes = |k: usize| matches!((signs[0][k], signs[1][k]), (Some(a), Some(b)) if a != b);
    let ok = changes(0) || (target == 0 && (changes(1) || changes(2)));
    assert!(ok, "{src}: no certified sign change across the enclosure: {signs:?}");
}

fn window_of(out: &ThresholdOutput) -> Interval {
    let lo = dec(&out.minimum.window.lo);
    let hi = dec(&out.minimum.window.hi);
    // The printed window is rounded outward; shrink slightly to stay inside the true window.
    let eps = q(1, 1_000_000);
    Interval::from_rationals(&(lo + &eps), &(hi - &eps), 128)
}

/// 2 sin(x) near -pi/2: birth exactly 1 (f'' = 2 exactly in Q[pi]); superstable and
/// period-doubling by the enclosure path, width < 1e-30, sign change checked independently.
#[test]
fn sine_thresholds_by_enclosure() {
    let mut r = request("2*sin(x)", &[], "birth");
    r.domain = Interval::from_int(-4, 128).hull(&Interval::from_int(1, 128));
    let out = timed(&r);
    assert_eq!(out.lr.exact.as_deref(), Some("1"));
    assert_eq!(out.minimum.point.exact.as_deref(), Some("-pi/2"));
    // The orbit is symmetric about -pi/2: x = -pi/2 -+ h with sin(h)/h = 1/eta, and its
    // multiplier is (1 - 2 eta cos h)^2 >= 0: it touches 0 where tan h = 2h, eta = h/sin h
    // (= 1.26...), a zero of the factor F'(x1) = 1 - 2 eta cos h.
    let mut r = request("2*sin(x)", &[], "superstable");
    r.domain = Interval::from_int(-4, 128).hull(&Interval::from_int(1, 128));
    let out = timed(&r);
    assert_eq!(out.path, "enclosure");
    assert!(out.lr.minpoly.is_none() && out.lr.exact.is_none());
    assert!(out.method.contains("Krawczyk"), "{}", out.method);
    assert_eq!(out.first_in_range, Some(true));
    check_sign_change(&out, "2*sin(x)", 0, &window_of(&out));
    let eta: f64 = out.enclosure.lo.parse().unwrap();
    assert!((eta - 1.2683).abs() < 1e-3, "{eta}");
    // It never period-doubles (multiplier >= 0); the orbits that do (at eta ~ 1.7226) are the
    // asymmetric ones born at eta = pi/2, which coexist with it: an error, not a threshold.
    let mut r = request("2*sin(x)", &[], "period-doubling");
    r.domain = Interval::from_int(-4, 128).hull(&Interval::from_int(1, 128));
    let e = run(&r).unwrap_err();
    eprintln!("2*sin(x) period-doubling: {e}");
    assert!(e.message.contains("could not certify") && e.message.contains("not one of a unique orbit"), "{e}");
}

/// (tanh(x) - 1/2)^2 period-doubling by the enclosure path.
#[test]
fn tanh_period_doubling_by_enclosure() {
    let r = request("(tanh(x) - 1/2)^2", &[], "period-doubling");
    let out = timed(&r);
    assert_eq!(out.path, "enclosure");
    check_sign_change(&out, "(tanh(x) - 1/2)^2", -1, &window_of(&out));
}

/// (tanh(x) - 1/2)^2: the minimum atanh(1/2) is irrational, f'' = 9/8 there; the birth
/// threshold 16/9 is enclosed to width < 1e-30, the superstable one by 3-D Krawczyk.
#[test]
fn tanh_thresholds_by_enclosure() {
    let r = request("(tanh(x) - 1/2)^2", &[], "birth");
    let out = timed(&r);
    let (lo, hi) = (dec(&out.enclosure.lo), dec(&out.enclosure.hi));
    assert!(lo <= q(16, 9) && q(16, 9) <= hi, "{lo} {hi}");
    assert!(&hi - &lo < q(1, 1) / Q::from_integer(num_traits::pow(BigInt::from(10), 30)));
    let r = request("(tanh(x) - 1/2)^2", &[], "superstable");
    let out = timed(&r);
    assert_eq!(out.path, "enclosure");
    check_sign_change(&out, "(tanh(x) - 1/2)^2", 0, &window_of(&out));
}

/// A polynomial minimum at an irrational point: birth is algebraic via Res_x(f', eta f'' - 2).
#[test]
fn irrational_polynomial_minimum_birth_is_algebraic() {
    // f = x^4/4 - x^2 (x^2 = 2 at the minima): f'' = 3x^2 - 2 = 4 at x = sqrt(2): eta = 1/2,
    // rational even though the minimum is not.
    let mut r = request("x^4/4 - x^2", &[], "birth");
    r.near = Some(Num::Exact(q(3, 2)));
    let out = timed(&r);
    assert_eq!(out.lr.exact.as_deref(), Some("1/2"), "{out}");
    // f = x^4/4 - x^2 + x/2: an irrational minimum with an algebraic, irrational birth.
    let mut r = request("x^4/4 - x^2 + x/2", &[], "birth");
    r.near = Some(Num::Exact(q(3, 2)));
    let out = timed(&r);
    let c = minpoly(&out);
    assert!(c.len() >= 3, "{c:?}");
    check_isolating(&out);
}


/// The enclosure path proves the absence of an event too: (tanh(x) - 1/2)^2 period-doubles at
/// eta = 2.2292..., so there is none in 1.8..2.2 (a complete 3-D Krawczyk search).
#[test]
fn no_event_proved_by_3d_search() {
    let mut r = request("(tanh(x) - 1/2)^2", &[], "period-doubling");
    r.lr_range = Some(Interval::from_rational(&q(9, 5), 128).hull(&Interval::from_rational(&q(11, 5), 128)));
    let e = run(&r).unwrap_err();
    assert!(e.message.contains("proved by a complete 3-D Krawczyk search"), "{e}");
}

/// f'' exact in Q[pi] but irrational: the birth is 2/(pi) exactly.
#[test]
fn birth_exact_in_q_pi() {
    let out = timed(&request("pi*x^2/2 + x^4", &[], "birth"));
    assert_eq!(out.lr.exact.as_deref(), Some("2/(pi)"));
    let (lo, hi): (f64, f64) = (out.lr.lo.parse().unwrap(), out.lr.hi.parse().unwrap());
    assert!(lo <= 2.0 / std::f64::consts::PI + 1e-15 && 2.0 / std::f64::consts::PI - 1e-15 <= hi);
}

/// The JSON fields SPEC.md fixes: {"event", "lr": NUM}; the algebraic form of lr.
#[test]
fn json_shape() {
    let mut r = request("(x^2 - 1)^2/4", &[], "period-doubling");
    r.near = Some(Num::Exact(q(1, 1)));
    let v = serde_json::to_value(run(&r).unwrap()).unwrap();
    assert_eq!(v["event"], "period-doubling");
    assert_eq!(v["lr"]["minpoly"], serde_json::json!([-4, 2, 1]));
    assert!(v["lr"]["lo"].is_string() && v["lr"]["hi"].is_string());
    assert_eq!(v["closed_form"], "-1 + sqrt(5)");
    assert_eq!(v["path"], "exact");
    assert!(v["orbit"]["points"].as_array().unwrap().len() == 2);
    let r = request("(tanh(x) - 1/2)^2", &[], "birth");
    let v = serde_json::to_value(run(&r).unwrap()).unwrap();
    assert!(v["lr"].get("minpoly").is_none() && v["lr"].get("exact").is_none());
    assert!(v["lr"]["lo"].is_string());
}
