//! Containment (the inclusion property) of the derivative engine and of the interval layer.
//!
//! A wrong enclosure is the worst possible bug in eoscert, so every check here is of the form
//! "this enclosure contains a value that is known independently":
//!
//! 1. **Taylor coefficients** of random expression trees (one variable through `taylor_1d`, two
//!    variables through `along`), at a random precision `p`:
//!    * P1: the enclosure at `p` over a small box and the enclosure at `4p` at points of that
//!      box (midpoint and both endpoints) both contain the true coefficient, so they must
//!      intersect; when the `4p` enclosure is narrow its midpoint must lie in the `p` one.
//!    * P2: for rational functions at rational points the exact `BigRational` path succeeds
//!      (never `NotExact`) and every exact coefficient lies in the interval coefficient at every
//!      precision, at the point and over a box around it.
//!    * P3 (sanity only): `f64` coefficients are close to narrow interval midpoints.
//!    * P4: P1 and P3 only compare the engine with itself, so the enclosures (and `value`) are
//!      also checked against an independent reference: a small evaluator written directly
//!      against rug at 3000 bits, differentiated by central differences.
//!    * P5: `derivatives_best` (exact in Q, exact in Q[pi], or enclosed) at points `a + b pi`
//!      agrees with that reference.
//! 2. **Jets**: gradient and Hessian from `grad_hess` agree with directional series from `along`
//!    (exactly for polynomials in rationals, by intersection for intervals).
//! 3. **Interval operations**: the result of each operation on an interval with rational
//!    endpoints contains the value at rational points inside, computed exactly in rationals or
//!    independently with `rug` at 1000 bits (not through eoscert's interval code); operands
//!    of different precisions, wide intervals and huge arguments included.
//! 4. **Errors, never NaN**: operations outside their domain return `Err`, derivatives of
//!    non-smooth functions at their kinks return `NotDifferentiable`, unbounded intervals
//!    never produce NaN.
//!
//! Each property runs 256 random cases (no regression files are written); the whole file
//! takes a few seconds.

use eoscert::error::MathError;
use eoscert::eval::{along, derivatives_best, grad_hess, taylor_1d, value, Num};
use eoscert::expr::{Constant, Expr, Func, Loss};
use eoscert::interval::{to_rug_rational, Interval};
use eoscert::jet::Jet;
use eoscert::pipoly::PiPoly;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rug::Float;

// ------------------------------------------------------------------------------------------
// Building expressions
// ------------------------------------------------------------------------------------------

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(n.into(), d.into())
}
fn qi(n: i64) -> BigRational {
    BigRational::from_integer(n.into())
}
fn num(n: i64, d: i64) -> Expr {
    Expr::Num(q(n, d))
}
fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}
fn add(x: Expr, y: Expr) -> Expr {
    Expr::Add(b(x), b(y))
}
fn sub(x: Expr, y: Expr) -> Expr {
    Expr::Sub(b(x), b(y))
}
fn mul(x: Expr, y: Expr) -> Expr {
    Expr::Mul(b(x), b(y))
}
fn div(x: Expr, y: Expr) -> Expr {
    Expr::Div(b(x), b(y))
}
fn pow(x: Expr, e: BigRational) -> Expr {
    Expr::Pow(b(x), b(Expr::Num(e)))
}
fn call(f: Func, x: Expr) -> Expr {
    Expr::Call(f, b(x))
}
/// `1 + t^2`, positive for every t.
fn one_plus_sq(t: Expr) -> Expr {
    add(num(1, 1), pow(t, qi(2)))
}

fn loss(expr: Expr, nvars: usize) -> Loss {
    let vars = ["x", "y", "z"][..nvars].iter().map(|s| s.to_string()).collect();
    let source = show(&expr);
    Loss { expr, vars, source }
}

/// A readable rendering of an expression, for failure messages and bug reports.
fn show(e: &Expr) -> String {
    match e {
        Expr::Num(v) => format!("{v}"),
        Expr::Const(Constant::Pi) => "pi".into(),
        Expr::Const(Constant::E) => "e".into(),
        Expr::Var(i) => ["x", "y", "z", "w"].get(*i).unwrap_or(&"v?").to_string(),
        Expr::Neg(a) => format!("(-{})", show(a)),
        Expr::Add(a, c) => format!("({} + {})", show(a), show(c)),
        Expr::Sub(a, c) => format!("({} - {})", show(a), show(c)),
        Expr::Mul(a, c) => format!("({} * {})", show(a), show(c)),
        Expr::Div(a, c) => format!("({} / {})", show(a), show(c)),
        Expr::Pow(a, c) => format!("({})^({})", show(a), show(c)),
        Expr::Call(f, a) => format!("{}({})", f.name(), show(a)),
        Expr::Atan2(a, c) => format!("atan2({}, {})", show(a), show(c)),
        Expr::Max(a, c) => format!("max({}, {})", show(a), show(c)),
        Expr::Min(a, c) => format!("min({}, {})", show(a), show(c)),
    }
}

// ------------------------------------------------------------------------------------------
// Random expressions
// ------------------------------------------------------------------------------------------

fn small_rational() -> impl Strategy<Value = BigRational> {
    (-12i64..=12, 1i64..=6).prop_map(|(n, d)| q(n, d))
}

fn leaf(nvars: usize, full: bool) -> BoxedStrategy<Expr> {
    let v = (0..nvars).prop_map(Expr::Var);
    let r = small_rational().prop_map(Expr::Num);
    if full {
        prop_oneof![
            6 => v,
            3 => r,
            1 => Just(Expr::Const(Constant::Pi)),
            1 => Just(Expr::Const(Constant::E)),
        ]
        .boxed()
    } else {
        prop_oneof![6 => v, 3 => r].boxed()
    }
}

/// Non-integer exponents for powers of positive sub-trees.
const QPOWS: [(i64, i64); 7] = [(1, 2), (3, 2), (-1, 2), (1, 3), (-2, 3), (5, 2), (-5, 4)];

/// `f(t)` wrapped so that the argument stays (mostly) inside the domain of `f`.
fn wrap_func(f: Func, t: Expr, alt: bool) -> Expr {
    match f {
        Func::Sqrt if alt => call(Func::Sqrt, call(Func::Exp, t)),
        Func::Sqrt => call(Func::Sqrt, one_plus_sq(t)),
        Func::Log if alt => call(Func::Log, call(Func::Exp, t)),
        Func::Log => call(Func::Log, one_plus_sq(t)),
        Func::Asin | Func::Acos => call(f, div(call(Func::Tanh, t), num(2, 1))),
        Func::Tan if alt => call(Func::Tan, call(Func::Atan, t)),
        // |t / (2 + t^2)| <= 1/(2 sqrt 2) < pi/2
        Func::Tan => call(Func::Tan, div(t.clone(), add(num(2, 1), pow(t, qi(2))))),
        _ => call(f, t),
    }
}

/// Random expression trees over `nvars` variables. `full = false` gives rational functions
/// only (`+ - * /`, integer powers, rational leaves); `full = true` adds `pi`, `e`, rational
/// powers of positive sub-trees, every `Func`, `max`, `min` and `atan2`.
fn expr_strategy(nvars: usize, full: bool) -> BoxedStrategy<Expr> {
    leaf(nvars, full)
        .prop_recursive(5, 32, 2, move |inner| {
            let bin = (inner.clone(), inner.clone(), 0u8..6).prop_map(|(x, y, op)| match op {
                0 => add(x, y),
                1 => sub(x, y),
                2 => mul(x, y),
                3 => div(x, y),
                4 => div(x, one_plus_sq(y)),
                _ => Expr::Neg(b(x)),
            });
            let powi = (inner.clone(), -3i64..=4).prop_map(|(x, n)| pow(x, qi(n)));
            if !full {
                return prop_oneof![3 => bin, 1 => powi].boxed();
            }
            let powq = (inner.clone(), any::<bool>(), 0..QPOWS.len()).prop_map(|(x, use_exp, i)| {
                let base = if use_exp { call(Func::Exp, x) } else { one_plus_sq(x) };
                pow(base, q(QPOWS[i].0, QPOWS[i].1))
            });
            let func = (inner.clone(), 0..Func::ALL.len(), any::<bool>())
                .prop_map(|(x, i, alt)| wrap_func(Func::ALL[i], x, alt));
            let nonsmooth = (inner.clone(), inner, 0u8..4).prop_map(|(x, y, op)| match op {
                0 => Expr::Max(b(x), b(y)),
                1 => Expr::Min(b(x), b(y)),
                2 => Expr::Atan2(b(x), b(one_plus_sq(y))),
                _ => Expr::Atan2(b(x), b(y)),
            });
            prop_oneof![4 => bin, 1 => powi, 2 => powq, 4 => func, 1 => nonsmooth].boxed()
        })
        // Constant trees have trivial derivatives; keep only trees that use a variable.
        .prop_filter("the expression uses no variable", |e| !e.is_constant())
        .boxed()
}

/// Trees whose values at points of Q[pi] are often exactly in Q[pi]: polynomials in the
/// variables and pi, `sin`, `cos`, `tan`, `abs`, `relu`, `max`, `min` (for `derivatives_best`).
fn trig_poly_strategy(nvars: usize) -> BoxedStrategy<Expr> {
    let v = (0..nvars).prop_map(Expr::Var);
    let r = small_rational().prop_map(Expr::Num);
    prop_oneof![6 => v, 3 => r, 2 => Just(Expr::Const(Constant::Pi))]
        .prop_recursive(5, 32, 2, |inner| {
            let bin = (inner.clone(), inner.clone(), 0u8..5).prop_map(|(x, y, op)| match op {
                0 => add(x, y),
                1 => sub(x, y),
                2 => mul(x, y),
                3 => div(x, y),
                _ => Expr::Neg(b(x)),
            });
            let powi = (inner.clone(), 0i64..=4).prop_map(|(x, n)| pow(x, qi(n)));
            let funcs = [Func::Sin, Func::Cos, Func::Tan, Func::Abs, Func::Relu];
            let func = (inner.clone(), prop::sample::select(funcs.to_vec())).prop_map(|(x, f)| call(f, x));
            let nonsmooth = (inner.clone(), inner, any::<bool>())
                .prop_map(|(x, y, mx)| if mx { Expr::Max(b(x), b(y)) } else { Expr::Min(b(x), b(y)) });
            prop_oneof![4 => bin, 1 => powi, 4 => func, 1 => nonsmooth]
        })
        .prop_filter("the expression uses no variable", |e| !e.is_constant())
        .boxed()
}

fn point_strategy() -> impl Strategy<Value = BigRational> {
    (-8i64..=8, 1i64..=5).prop_map(|(n, d)| q(n, d))
}

/// Half-width of a box around a point: 0 (a point) or 10^-k.
fn radius_strategy() -> impl Strategy<Value = BigRational> {
    prop_oneof![1 => Just(BigRational::zero()), 2 => (3u32..=12).prop_map(|k| q(1, 10i64.pow(k)))]
}

fn prec_strategy() -> impl Strategy<Value = u32> {
    prop::sample::select(vec![53u32, 64, 113, 200])
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, max_global_rejects: 50_000, failure_persistence: None, ..ProptestConfig::default() }
}

// ------------------------------------------------------------------------------------------
// Interval helpers
// ------------------------------------------------------------------------------------------

/// Structural sanity of an enclosure: no NaN, `lo <= hi`.
fn sane(i: &Interval) -> bool {
    !i.lo().is_nan() && !i.hi().is_nan() && i.lo() <= i.hi()
}

fn max_abs_or_one(x: &Float) -> Float {
    let a = Float::with_val(x.prec(), x.abs_ref());
    if a < 1 {
        Float::with_val(x.prec(), 1)
    } else {
        a
    }
}

/// `width(i) < 1e-20 * max(1, |mid(i)|)`.
fn is_narrow(i: &Interval) -> bool {
    if !i.is_bounded() {
        return false;
    }
    let scale = max_abs_or_one(&i.mid());
    i.width() < Float::with_val(64, 1e-20) * scale
}

/// `low` and `high` enclose the same real number: they intersect, and the midpoint of a narrow
/// `high` lies in `low`.
fn agree(low: &Interval, high: &Interval) -> bool {
    if low.intersect(high).is_none() {
        return false;
    }
    if is_narrow(high) {
        // The true value lies in `high`, so it is within width(high) of high's midpoint; if it
        // also lies in `low` (soundness), the midpoint lies in `low` widened by width(high).
        // (Asking for the bare midpoint to lie in `low` is wrong when the true value sits on an
        // endpoint of `low`: cos(x)^2 over a box around 0 has the exact upper bound 1, while a
        // valid high-precision enclosure of cos(0)^2 = 1 may be asymmetric around 1.)
        let m = high.mid();
        let w = high.width();
        return low.inflate(&w).lo() <= &m && &m <= low.inflate(&w).hi();
    }
    true
}

// ------------------------------------------------------------------------------------------
// 1a. Taylor coefficients: P1 (low precision over a box vs high precision at points)
// ------------------------------------------------------------------------------------------

/// The three points of a box at which the high-precision series is evaluated.
fn box_points(x: &Interval) -> [Float; 3] {
    [x.mid(), x.lo().clone(), x.hi().clone()]
}

fn lift(x: &Float, prec: u32) -> Interval {
    Interval::point(Float::with_val(prec.max(x.prec()), x)).expect("finite point")
}

fn check_p1_1d(e: &Expr, x0: &BigRational, rad: &BigRational, prec: u32) -> Result<usize, TestCaseError> {
    let l = loss(e.clone(), 1);
    let bx = Interval::from_rationals(&(x0 - rad), &(x0 + rad), prec);
    let mut checked = 0;
    let full = taylor_1d(&l, &bx, 4).ok();
    for k in 0..=4usize {
        let Ok(low) = taylor_1d(&l, &bx, k) else { continue };
        for c in &low.c {
            prop_assert!(sane(c), "insane enclosure {c:?} for {} on {bx:?}", l.source);
        }
        // Truncations of different orders enclose the same coefficients.
        if let Some(full) = &full {
            for j in 0..=k {
                prop_assert!(
                    low.c[j].intersect(&full.c[j]).is_some(),
                    "order {k} vs order 4 disagree at coefficient {j} for {} on {bx:?}: {:?} vs {:?}",
                    l.source,
                    low.c[j],
                    full.c[j]
                );
            }
        }
        for pt in box_points(&bx) {
            let at_low = taylor_1d(&l, &lift(&pt, prec), k).ok();
            let Ok(high) = taylor_1d(&l, &lift(&pt, 4 * prec), k) else { continue };
            for j in 0..=k {
                prop_assert!(sane(&high.c[j]));
                prop_assert!(
                    agree(&low.c[j], &high.c[j]),
                    "coefficient {j} (order {k}) of {}: box {bx:?} at {prec} bits gives {:?}, \
                     point {pt} at {} bits gives {:?}",
                    l.source,
                    low.c[j],
                    4 * prec,
                    high.c[j]
                );
                if let Some(at_low) = &at_low {
                    prop_assert!(
                        agree(&at_low.c[j], &high.c[j]),
                        "coefficient {j} (order {k}) of {} at point {pt}: {prec} bits {:?}, {} bits {:?}",
                        l.source,
                        at_low.c[j],
                        4 * prec,
                        high.c[j]
                    );
                    prop_assert!(low.c[j].intersect(&at_low.c[j]).is_some());
                }
                checked += 1;
            }
        }
    }
    Ok(checked)
}

fn check_p1_2d(
    e: &Expr,
    theta: &[BigRational; 2],
    rad: &BigRational,
    dir: &[BigRational; 2],
    prec: u32,
) -> Result<usize, TestCaseError> {
    let l = loss(e.clone(), 2);
    let bx: Vec<Interval> = theta.iter().map(|t| Interval::from_rationals(&(t - rad), &(t + rad), prec)).collect();
    let d_low: Vec<Interval> = dir.iter().map(|d| Interval::from_rational(d, prec)).collect();
    let d_high: Vec<Interval> = dir.iter().map(|d| Interval::from_rational(d, 4 * prec)).collect();
    let mut checked = 0;
    for k in 0..=4usize {
        let Ok(low) = along(&l, &bx, &d_low, k) else { continue };
        for c in &low.c {
            prop_assert!(sane(c));
        }
        let corners: [Vec<Float>; 3] = [
            bx.iter().map(|i| i.mid()).collect(),
            bx.iter().map(|i| i.lo().clone()).collect(),
            vec![bx[0].lo().clone(), bx[1].hi().clone()],
        ];
        for pt in corners {
            let th: Vec<Interval> = pt.iter().map(|p| lift(p, 4 * prec)).collect();
            let Ok(high) = along(&l, &th, &d_high, k) else { continue };
            for j in 0..=k {
                prop_assert!(
                    agree(&low.c[j], &high.c[j]),
                    "coefficient {j} (order {k}) of {} along {dir:?}: box {bx:?} at {prec} bits \
                     gives {:?}, point {pt:?} at {} bits gives {:?}",
                    l.source,
                    low.c[j],
                    4 * prec,
                    high.c[j]
                );
                checked += 1;
            }
        }
    }
    Ok(checked)
}

// ------------------------------------------------------------------------------------------
// 1a. P2: exact rationals inside interval coefficients
// ------------------------------------------------------------------------------------------

fn check_p2_1d(e: &Expr, x0: &BigRational, rad: &BigRational) -> Result<usize, TestCaseError> {
    let l = loss(e.clone(), 1);
    let mut checked = 0;
    for k in 0..=4usize {
        let exact = match taylor_1d::<BigRational>(&l, x0, k) {
            Ok(s) => s,
            Err(MathError::DivisionByZero) => continue,
            Err(err) => return Err(TestCaseError::fail(format!("exact path failed for {} at {x0}: {err:?}", l.source))),
        };
        prop_assert_eq!(exact.c.len(), k + 1);
        for prec in [53u32, 64, 113, 200] {
            let pt = Interval::from_rational(x0, prec);
            let bx = Interval::from_rationals(&(x0 - rad), &(x0 + rad), prec);
            for (what, x) in [("point", pt), ("box", bx)] {
                // An interval may legitimately fail where the exact path succeeds (a divisor
                // whose enclosure reaches 0); it must never succeed with a wrong enclosure.
                let Ok(iv) = taylor_1d(&l, &x, k) else { continue };
                for j in 0..=k {
                    prop_assert!(
                        iv.c[j].contains_rational(&exact.c[j]),
                        "coefficient {j} (order {k}) of {} at {x0}: exact {} not in the {what} \
                         enclosure {:?} at {prec} bits (input {x:?})",
                        l.source,
                        exact.c[j],
                        iv.c[j]
                    );
                    checked += 1;
                }
            }
        }
    }
    Ok(checked)
}

fn check_p2_2d(e: &Expr, theta: &[BigRational; 2], dir: &[BigRational; 2]) -> Result<usize, TestCaseError> {
    let l = loss(e.clone(), 2);
    let mut checked = 0;
    let exact = match along::<BigRational>(&l, theta, dir, 4) {
        Ok(s) => s,
        Err(MathError::DivisionByZero) => return Ok(0),
        Err(err) => {
            return Err(TestCaseError::fail(format!("exact path failed for {} at {theta:?}: {err:?}", l.source)))
        }
    };
    for prec in [53u32, 64, 113, 200] {
        let th: Vec<Interval> = theta.iter().map(|t| Interval::from_rational(t, prec)).collect();
        let d: Vec<Interval> = dir.iter().map(|t| Interval::from_rational(t, prec)).collect();
        let Ok(iv) = along(&l, &th, &d, 4) else { continue };
        for j in 0..=4 {
            prop_assert!(
                iv.c[j].contains_rational(&exact.c[j]),
                "coefficient {j} of {} at {theta:?} along {dir:?}: exact {} not in {:?} at {prec} bits",
                l.source,
                exact.c[j],
                iv.c[j]
            );
            checked += 1;
        }
    }
    Ok(checked)
}

// ------------------------------------------------------------------------------------------
// 1a. P4: an independent reference (a separate rug evaluator and finite differences)
// ------------------------------------------------------------------------------------------
//
// P1 and P3 compare the engine with itself (at other precisions, or in f64), so a wrong
// formula shared by all scalars (a wrong branch of atan2, a wrong sign in a recurrence) would
// pass them. Here every expression is also evaluated by a tiny evaluator written directly
// against rug at 3000 bits, and derivatives are estimated by central differences with step
// 2^-300 (truncation error ~2^-600, rounding error ~2^-1700 relative): the enclosures must
// contain these estimates up to a tolerance of 2^-400 relative.

/// Working precision and step of the finite differences.
const FD_PREC: u32 = 3000;
const FD_STEP_EXP: i32 = -300;

// `e` at the point `x`, computed with rug only; `None` outside the domain.
thread_local! {
    /// Set when the reference overflowed MPFR's exponent range (not undefined: the value may
    /// still be finite, e.g. x / sinh(sinh(e^pi)), so the engine's bounded answer is not wrong).
    static REF_OVERFLOWED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn ref_eval(e: &Expr, x: &[Float]) -> Option<Float> {
    let w = FD_PREC;
    let f = |v: Float| {
        if v.is_infinite() {
            REF_OVERFLOWED.with(|o| o.set(true));
        }
        if v.is_nan() || v.is_infinite() { None } else { Some(v) }
    };
    let r = match e {
        Expr::Num(v) => Float::with_val(w, to_rug_rational(v)),
        Expr::Const(Constant::Pi) => Float::with_val(w, rug::float::Constant::Pi),
        Expr::Const(Constant::E) => Float::with_val(w, Float::with_val(w, 1).exp_ref()),
        Expr::Var(i) => x[*i].clone(),
        Expr::Neg(a) => -ref_eval(a, x)?,
        Expr::Add(a, c) => ref_eval(a, x)? + ref_eval(c, x)?,
        Expr::Sub(a, c) => ref_eval(a, x)? - ref_eval(c, x)?,
        Expr::Mul(a, c) => ref_eval(a, x)? * ref_eval(c, x)?,
        Expr::Div(a, c) => {
            let den = ref_eval(c, x)?;
            if den.is_zero() {
                return None;
            }
            ref_eval(a, x)? / den
        }
        Expr::Pow(a, ex) => {
            let base = ref_eval(a, x)?;
            let Expr::Num(p) = &**ex else { return None };
            let n = p.numer().to_i32()?;
            let d = p.denom().to_u32()?;
            if base.is_zero() && n < 0 {
                return None;
            }
            if d == 1 {
                Float::with_val(w, rug::ops::Pow::pow(&base, n))
            } else {
                if base < 0 {
                    return None;
                }
                let root = Float::with_val(w, base.root_ref(d));
                Float::with_val(w, rug::ops::Pow::pow(&root, n))
            }
        }
        Expr::Call(func, a) => {
            let v = ref_eval(a, x)?;
            let one = Float::with_val(w, 1);
            match func {
                Func::Sqrt if v < 0 => return None,
                Func::Log if v <= 0 => return None,
                Func::Asin | Func::Acos if v.clone().abs() > 1 => return None,
                _ => {}
            }
            match func {
                Func::Sqrt => v.sqrt(),
                Func::Exp => v.exp(),
                Func::Log => v.ln(),
                Func::Sin => v.sin(),
                Func::Cos => v.cos(),
                Func::Tan => v.tan(),
                Func::Tanh => v.tanh(),
                Func::Atan => v.atan(),
                Func::Asin => v.asin(),
                Func::Acos => v.acos(),
                Func::Sinh => v.sinh(),
                Func::Cosh => v.cosh(),
                Func::Sigmoid => one.clone() / (one + (-v).exp()),
                Func::Softplus => v.exp().ln_1p(),
                Func::Relu => v.max(&Float::new(w)),
                Func::Abs => v.abs(),
                Func::Gauss => (-v.square()).exp(),
            }
        }
        Expr::Atan2(a, c) => {
            let (yv, xv) = (ref_eval(a, x)?, ref_eval(c, x)?);
            if yv.is_zero() && xv <= 0 {
                return None;
            }
            yv.atan2(&xv)
        }
        Expr::Max(a, c) => ref_eval(a, x)?.max(&ref_eval(c, x)?),
        Expr::Min(a, c) => ref_eval(a, x)?.min(&ref_eval(c, x)?),
    };
    f(r)
}

/// Derivatives 0..=4 of `t ↦ e(θ + t d)` at 0 by central differences, and the largest
/// |value| on the stencil (the scale of the rounding error).
fn fd_derivatives(e: &Expr, theta: &[Float], d: &[Float]) -> Option<([Float; 5], Float)> {
    REF_OVERFLOWED.with(|o| o.set(false));
    let w = FD_PREC;
    let h = Float::with_val(w, Float::i_exp(1, FD_STEP_EXP));
    let mut f = Vec::new();
    for j in -2i32..=2 {
        let t = Float::with_val(w, &h * j);
        let pt: Vec<Float> = theta.iter().zip(d).map(|(a, di)| Float::with_val(w, a + Float::with_val(w, di * &t))).collect();
        f.push(ref_eval(e, &pt)?);
    }
    let [m2, m1, z, p1, p2] = [&f[0], &f[1], &f[2], &f[3], &f[4]];
    let hp = |k: i32| Float::with_val(w, Float::i_exp(1, FD_STEP_EXP * k));
    let d0 = z.clone();
    let d1 = Float::with_val(w, p1 - m1) / (hp(1) * 2u32);
    let d2 = (Float::with_val(w, p1 + m1) - Float::with_val(w, z * 2u32)) / hp(2);
    let d3 = (Float::with_val(w, p2 - m2) - Float::with_val(w, p1 - m1) * 2u32) / (hp(3) * 2u32);
    let d4 = (Float::with_val(w, p2 + m2) - Float::with_val(w, p1 + m1) * 4u32 + Float::with_val(w, z * 6u32)) / hp(4);
    let scale = f.iter().fold(Float::with_val(w, 1), |acc, v| acc.max(&Float::with_val(w, v.abs_ref())));
    Some(([d0, d1, d2, d3, d4], scale))
}

/// A rational at the working precision of the finite differences.
fn fd(v: &BigRational) -> Float {
    Float::with_val(FD_PREC, to_rug_rational(v))
}

/// `enc` contains `r` up to `2^-400 * max(1, scale, |r|)`.
fn near_enclosure(enc: &Interval, r: &Float, scale: &Float) -> bool {
    let w = FD_PREC;
    let mag = scale.clone().max(&Float::with_val(w, r.abs_ref()));
    let tol = mag * Float::with_val(w, Float::i_exp(1, -400));
    *enc.lo() <= Float::with_val(w, r + &tol) && Float::with_val(w, r - &tol) <= *enc.hi()
}

fn check_p4(
    e: &Expr,
    nvars: usize,
    theta: &[BigRational],
    d: &[BigRational],
    rad: &BigRational,
    prec: u32,
) -> Result<usize, TestCaseError> {
    let l = loss(e.clone(), nvars);
    let th_pt: Vec<Interval> = theta.iter().map(|t| Interval::from_rational(t, prec)).collect();
    let th_box: Vec<Interval> = theta.iter().map(|t| Interval::from_rationals(&(t - rad), &(t + rad), prec)).collect();
    let dv: Vec<Interval> = d.iter().map(|t| Interval::from_rational(t, prec)).collect();
    let mut checked = 0;
    let mut reference = None;
    // The plain value (a series of order 0) is checked at the point too.
    let value_at_point = value::<Interval>(&l, &th_pt, &prec).ok();
    for (what, th) in [("point", th_pt), ("box", th_box)] {
        let Ok(s) = along(&l, &th, &dv, 4) else { continue };
        if reference.is_none() {
            let th: Vec<Float> = theta.iter().map(fd).collect();
            let dd: Vec<Float> = d.iter().map(fd).collect();
            reference = fd_derivatives(e, &th, &dd);
        }
        let Some((r, scale)) = reference.as_ref() else {
            // Undefined, or overflowing at 3000 bits (then the enclosures are unbounded too).
            prop_assert!(
                REF_OVERFLOWED.with(|o| o.get()) || !s.c.iter().all(|c| c.is_bounded()),
                "the engine evaluates {} on {th:?} but the reference is undefined at {theta:?}",
                l.source
            );
            continue;
        };
        if let (Some(v), "point") = (&value_at_point, what) {
            prop_assert!(near_enclosure(v, &r[0], scale), "value of {} at {theta:?}: {v:?}", l.source);
        }
        for (k, rk) in r.iter().enumerate() {
            let dk = s.derivative(k);
            prop_assert!(
                near_enclosure(&dk, rk, scale),
                "derivative {k} of {} at {theta:?} along {d:?} ({what} {th:?}, {prec} bits): \
                 enclosure {dk:?}, independent reference {}",
                l.source,
                rk.to_string_radix(10, Some(25))
            );
            checked += 1;
        }
    }
    Ok(checked)
}

/// P5: `derivatives_best` (exact in Q, exact in Q[pi], or enclosed) at points `a + b pi`
/// against the same independent reference; exact answers must match it to 2^-400.
fn check_p5(e: &Expr, nvars: usize, theta: &[(BigRational, BigRational)], d: &[BigRational], prec: u32) -> Result<usize, TestCaseError> {
    let l = loss(e.clone(), nvars);
    let th: Vec<Num> = theta.iter().map(|(a, b)| Num::from_pipoly(PiPoly::new(vec![a.clone(), b.clone()]))).collect();
    let dn: Vec<Num> = d.iter().map(|v| Num::Exact(v.clone())).collect();
    let Ok(best) = derivatives_best(&l, &th, &dn, 4, prec) else { return Ok(0) };
    prop_assert_eq!(best.len(), 5);
    let pi = Float::with_val(FD_PREC, rug::float::Constant::Pi);
    let th_f: Vec<Float> = theta.iter().map(|(a, b)| fd(a) + Float::with_val(FD_PREC, &pi * fd(b))).collect();
    let d_f: Vec<Float> = d.iter().map(fd).collect();
    let Some((r, scale)) = fd_derivatives(e, &th_f, &d_f) else {
        prop_assert!(
            REF_OVERFLOWED.with(|o| o.get()) || !best.iter().all(|n| n.to_interval(prec).is_bounded()),
            "derivatives_best evaluates {} at {th:?} but the reference is undefined",
            l.source
        );
        return Ok(0);
    };
    for (k, (n, rk)) in best.iter().zip(&r).enumerate() {
        let enc = match n {
            Num::Exact(v) => Interval::from_rational(v, FD_PREC),
            Num::Pi(p) => p.enclose(FD_PREC),
            Num::Enclosed(i) => i.clone(),
        };
        prop_assert!(
            near_enclosure(&enc, rk, &scale),
            "derivative {k} of {} at {th:?} along {d:?}: derivatives_best gives {n:?}, independent \
             reference {}",
            l.source,
            rk.to_string_radix(10, Some(25))
        );
    }
    Ok(5)
}

/// A point `a + b pi` with `b` a multiple of 1/2 (the special points of sin, cos, tan) or 1/3.
fn pi_point_strategy() -> impl Strategy<Value = (BigRational, BigRational)> {
    let a = prop_oneof![2 => Just(BigRational::zero()), 1 => point_strategy()];
    let b = prop_oneof![1 => Just(BigRational::zero()), 3 => (-4i64..=4).prop_map(|k| q(k, 2)), 1 => Just(q(1, 3))];
    (a, b)
}

// ------------------------------------------------------------------------------------------
// 1a. P3: f64 sanity
// ------------------------------------------------------------------------------------------

fn check_p3(e: &Expr, x0: &BigRational) -> Result<usize, TestCaseError> {
    let l = loss(e.clone(), 1);
    let xf = x0.to_f64().unwrap();
    let Ok(f) = taylor_1d::<f64>(&l, &xf, 4) else { return Ok(0) };
    let exact_pt = Interval::point(Float::with_val(53, xf)).unwrap();
    let (Ok(hi), Ok(lo53)) = (taylor_1d(&l, &exact_pt.with_prec(200), 4), taylor_1d(&l, &exact_pt, 4)) else {
        return Ok(0);
    };
    let mut checked = 0;
    for j in 0..=4 {
        if !f.c[j].is_finite() || !is_narrow(&hi.c[j]) || !lo53.c[j].is_bounded() {
            continue;
        }
        let m = hi.c[j].mid().to_f64();
        // The 53-bit interval width measures how ill-conditioned the evaluation is.
        let tol = 1e-9 * m.abs().max(1.0) + 1e3 * lo53.c[j].width().to_f64();
        prop_assert!(
            (f.c[j] - m).abs() <= tol,
            "f64 coefficient {j} of {} at {xf}: {} vs interval midpoint {m} (tol {tol})",
            l.source,
            f.c[j]
        );
        checked += 1;
    }
    Ok(checked)
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn p1_taylor_1d_low_precision_box_meets_high_precision_points(
        e in expr_strategy(1, true),
        x0 in point_strategy(),
        rad in radius_strategy(),
        prec in prec_strategy(),
    ) {
        let checked = check_p1_1d(&e, &x0, &rad, prec)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn p1_taylor_2d_along_low_precision_box_meets_high_precision_points(
        e in expr_strategy(2, true),
        theta in [point_strategy(), point_strategy()],
        dir in [small_rational(), small_rational()],
        rad in radius_strategy(),
        prec in prec_strategy(),
    ) {
        let checked = check_p1_2d(&e, &theta, &rad, &dir, prec)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn p1_rational_functions_low_precision_box_meets_high_precision_points(
        e in expr_strategy(1, false),
        x0 in point_strategy(),
        rad in radius_strategy(),
        prec in prec_strategy(),
    ) {
        let checked = check_p1_1d(&e, &x0, &rad, prec)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn p2_exact_coefficients_lie_in_interval_coefficients_1d(
        e in expr_strategy(1, false),
        x0 in point_strategy(),
        rad in radius_strategy(),
    ) {
        let checked = check_p2_1d(&e, &x0, &rad)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn p2_exact_coefficients_lie_in_interval_coefficients_2d(
        e in expr_strategy(2, false),
        theta in [point_strategy(), point_strategy()],
        dir in [small_rational(), small_rational()],
    ) {
        let checked = check_p2_2d(&e, &theta, &dir)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn p4_enclosures_contain_independent_finite_differences_1d(
        e in expr_strategy(1, true),
        x0 in point_strategy(),
        rad in radius_strategy(),
        prec in prec_strategy(),
    ) {
        let checked = check_p4(&e, 1, &[x0], &[qi(1)], &rad, prec)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn p4_enclosures_contain_independent_finite_differences_2d(
        e in expr_strategy(2, true),
        theta in [point_strategy(), point_strategy()],
        dir in [small_rational(), small_rational()],
        rad in radius_strategy(),
        prec in prec_strategy(),
    ) {
        let checked = check_p4(&e, 2, &theta, &dir, &rad, prec)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn p5_derivatives_best_at_points_in_q_pi_match_the_reference_1d(
        e in prop_oneof![expr_strategy(1, true), trig_poly_strategy(1)],
        x0 in pi_point_strategy(),
        prec in prec_strategy(),
    ) {
        let checked = check_p5(&e, 1, &[x0], &[qi(1)], prec)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn p5_derivatives_best_at_points_in_q_pi_match_the_reference_2d(
        e in prop_oneof![expr_strategy(2, true), trig_poly_strategy(2)],
        theta in [pi_point_strategy(), pi_point_strategy()],
        dir in [small_rational(), small_rational()],
        prec in prec_strategy(),
    ) {
        let checked = check_p5(&e, 2, &theta, &dir, prec)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn p3_f64_is_near_narrow_interval_midpoints(
        e in expr_strategy(1, true),
        x0 in point_strategy(),
    ) {
        let checked = check_p3(&e, &x0)?;
        prop_assume!(checked > 0);
    }
}

// ------------------------------------------------------------------------------------------
// 1b. Jets against directional series
// ------------------------------------------------------------------------------------------

fn unit(n: usize, i: usize) -> Vec<BigRational> {
    (0..n).map(|k| if k == i { qi(1) } else { qi(0) }).collect()
}
fn pair(n: usize, i: usize, j: usize) -> Vec<BigRational> {
    (0..n).map(|k| if k == i || k == j { qi(1) } else { qi(0) }).collect()
}

/// Exact: `g_i = f'(e_i)`, `H_ii = f''(e_i)`, `g_i + g_j = f'(e_i + e_j)`,
/// `H_ii + 2 H_ij + H_jj = f''(e_i + e_j)` and `g·d`, `dᵀHd` for a random `d`.
fn check_jet_exact(l: &Loss, theta: &[BigRational], d: &[BigRational]) -> Result<usize, TestCaseError> {
    let n = theta.len();
    let jet: Jet<BigRational> = match grad_hess(l, theta, &()) {
        Ok(j) => j,
        Err(MathError::DivisionByZero) => return Ok(0),
        Err(err) => return Err(TestCaseError::fail(format!("exact jet failed for {}: {err:?}", l.source))),
    };
    let mut checked = 0;
    let mut dirs: Vec<(Vec<BigRational>, BigRational, BigRational)> = Vec::new();
    for i in 0..n {
        dirs.push((unit(n, i), jet.g[i].clone(), jet.hess(i, i).clone()));
        for j in i + 1..n {
            let h = jet.hess(i, i) + qi(2) * jet.hess(i, j) + jet.hess(j, j);
            dirs.push((pair(n, i, j), &jet.g[i] + &jet.g[j], h));
        }
    }
    let gd: BigRational = (0..n).map(|i| &jet.g[i] * &d[i]).sum();
    let mut dhd = qi(0);
    for i in 0..n {
        for j in 0..n {
            dhd += &d[i] * jet.hess(i, j) * &d[j];
        }
    }
    dirs.push((d.to_vec(), gd, dhd));
    for (dir, g, h) in dirs {
        let s = along::<BigRational>(l, theta, &dir, 2)
            .map_err(|err| TestCaseError::fail(format!("along failed for {} where the jet did not: {err:?}", l.source)))?;
        prop_assert_eq!(&s.c[0], &jet.v, "value of {} at {:?}", l.source, theta);
        prop_assert_eq!(&s.derivative(1), &g, "first derivative of {} at {:?} along {:?}", l.source, theta, dir);
        prop_assert_eq!(&s.derivative(2), &h, "second derivative of {} at {:?} along {:?}", l.source, theta, dir);
        checked += 1;
    }
    // The exact jet lies in the interval jet.
    let th: Vec<Interval> = theta.iter().map(|t| Interval::from_rational(t, 128)).collect();
    if let Ok(ij) = grad_hess::<Interval>(l, &th, &128) {
        prop_assert!(ij.v.contains_rational(&jet.v));
        for i in 0..n {
            prop_assert!(ij.g[i].contains_rational(&jet.g[i]), "gradient {i} of {}", l.source);
            for j in 0..n {
                prop_assert!(ij.hess(i, j).contains_rational(jet.hess(i, j)), "Hessian ({i},{j}) of {}", l.source);
            }
        }
    }
    Ok(checked)
}

/// Intervals: the same identities, as intersections of two enclosures of the same number.
fn check_jet_interval(
    l: &Loss,
    theta: &[BigRational],
    rad: &BigRational,
    d: &[BigRational],
    prec: u32,
) -> Result<usize, TestCaseError> {
    let n = theta.len();
    let th: Vec<Interval> = theta.iter().map(|t| Interval::from_rationals(&(t - rad), &(t + rad), prec)).collect();
    let Ok(jet) = grad_hess::<Interval>(l, &th, &prec) else { return Ok(0) };
    prop_assert!(sane(&jet.v) && jet.g.iter().all(sane) && jet.h.iter().all(sane));
    let two = Interval::from_int(2, prec);
    let mut dirs: Vec<(Vec<BigRational>, Interval, Interval)> = Vec::new();
    for i in 0..n {
        dirs.push((unit(n, i), jet.g[i].clone(), jet.hess(i, i).clone()));
        for j in i + 1..n {
            let h = jet.hess(i, i).add(&two.mul(jet.hess(i, j))).add(jet.hess(j, j));
            dirs.push((pair(n, i, j), jet.g[i].add(&jet.g[j]), h));
        }
    }
    let di: Vec<Interval> = d.iter().map(|x| Interval::from_rational(x, prec)).collect();
    let mut gd = Interval::from_int(0, prec);
    let mut dhd = Interval::from_int(0, prec);
    for i in 0..n {
        gd = gd.add(&jet.g[i].mul(&di[i]));
        for j in 0..n {
            dhd = dhd.add(&di[i].mul(jet.hess(i, j)).mul(&di[j]));
        }
    }
    dirs.push((d.to_vec(), gd, dhd));
    let mut checked = 0;
    for (dir, g, h) in dirs {
        let dv: Vec<Interval> = dir.iter().map(|x| Interval::from_rational(x, prec)).collect();
        let Ok(s) = along(l, &th, &dv, 2) else { continue };
        let (d1, d2) = (s.derivative(1), s.derivative(2));
        prop_assert!(s.c[0].intersect(&jet.v).is_some(), "value of {} on {th:?}", l.source);
        prop_assert!(
            d1.intersect(&g).is_some(),
            "first derivative of {} on {th:?} along {dir:?}: along {d1:?}, jet {g:?}",
            l.source
        );
        prop_assert!(
            d2.intersect(&h).is_some(),
            "second derivative of {} on {th:?} along {dir:?}: along {d2:?}, jet {h:?}",
            l.source
        );
        checked += 1;
    }
    Ok(checked)
}

fn theta_strategy(n: usize) -> impl Strategy<Value = Vec<BigRational>> {
    prop::collection::vec(point_strategy(), n)
}
fn dir_strategy(n: usize) -> impl Strategy<Value = Vec<BigRational>> {
    prop::collection::vec((-3i64..=3, 1i64..=3).prop_map(|(a, c)| q(a, c)), n)
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn jets_match_directional_series_exactly_for_polynomials_2d(
        e in expr_strategy(2, false), theta in theta_strategy(2), d in dir_strategy(2),
    ) {
        let checked = check_jet_exact(&loss(e, 2), &theta, &d)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn jets_match_directional_series_exactly_for_polynomials_3d(
        e in expr_strategy(3, false), theta in theta_strategy(3), d in dir_strategy(3),
    ) {
        let checked = check_jet_exact(&loss(e, 3), &theta, &d)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn jets_meet_directional_series_in_intervals_2d(
        e in expr_strategy(2, true), theta in theta_strategy(2), d in dir_strategy(2),
        rad in radius_strategy(), prec in prec_strategy(),
    ) {
        let checked = check_jet_interval(&loss(e, 2), &theta, &rad, &d, prec)?;
        prop_assume!(checked > 0);
    }

    #[test]
    fn jets_meet_directional_series_in_intervals_3d(
        e in expr_strategy(3, true), theta in theta_strategy(3), d in dir_strategy(3),
        rad in radius_strategy(), prec in prec_strategy(),
    ) {
        let checked = check_jet_interval(&loss(e, 3), &theta, &rad, &d, prec)?;
        prop_assume!(checked > 0);
    }
}

// ------------------------------------------------------------------------------------------
// 1c. Interval operations against pointwise values
// ------------------------------------------------------------------------------------------

/// Working precision of the independent `rug` reference values.
const RP: u32 = 1000;

/// A reference value of `op(q)`: exact, or a 1000-bit approximation (relative error far below
/// 2^-900) computed directly with `rug`, independently of eoscert's interval code.
enum Ref {
    Exact(BigRational),
    Approx(Float),
}

fn rf(v: &BigRational) -> Float {
    Float::with_val(RP + 100, to_rug_rational(v))
}

/// `r` contains the reference value (for `Approx`, up to 2^-900 relative / absolute).
fn encloses(r: &Interval, v: &Ref) -> bool {
    match v {
        Ref::Exact(x) => r.contains_rational(x),
        Ref::Approx(f) => {
            assert!(!f.is_nan(), "reference is NaN");
            if f.is_infinite() {
                return if f.is_sign_positive() { r.hi().is_infinite() } else { r.lo().is_infinite() };
            }
            let tol = max_abs_or_one(f) * Float::with_val(RP, Float::i_exp(1, -900));
            let up = Float::with_val(RP, f + &tol);
            let down = Float::with_val(RP, f - &tol);
            *r.lo() <= up && down <= *r.hi()
        }
    }
}

/// A random interval with rational endpoints `[a, a + w]`, and points of it.
#[derive(Clone, Debug)]
struct Spec {
    n: i64,
    w: i64,
    d: i64,
    /// The endpoints are scaled by 10^s.
    s: i32,
    /// Interior points `a + w t` with `t = k/16`.
    ts: Vec<i64>,
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    let scale = prop_oneof![8 => Just(0i32), 1 => Just(-3), 2 => Just(1), 1 => Just(2), 1 => Just(20)];
    (-40i64..=40, prop_oneof![1 => Just(0i64), 6 => 0i64..=40], 1i64..=8, scale, prop::collection::vec(0i64..=16, 3))
        .prop_map(|(n, w, d, s, ts)| Spec { n, w, d, s, ts })
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Dom {
    /// Anything.
    Real,
    /// `lo >= 0`.
    NonNeg,
    /// `lo > 0`.
    Pos,
    /// `[-1, 1]`.
    Unit,
}

impl Spec {
    fn scale(&self) -> BigRational {
        if self.s >= 0 {
            qi(10).pow(self.s)
        } else {
            q(1, 10i64.pow((-self.s) as u32))
        }
    }
    /// Endpoints `(a, b)` of the interval mapped into the domain.
    fn ends(&self, dom: Dom) -> (BigRational, BigRational) {
        let sc = self.scale();
        let w = q(self.w, self.d) * &sc;
        match dom {
            Dom::Real => {
                let a = q(self.n, self.d) * &sc;
                (a.clone(), a + w)
            }
            Dom::NonNeg => {
                let a = q(self.n.abs(), self.d) * &sc;
                (a.clone(), a + w)
            }
            Dom::Pos => {
                let a = q(self.n.abs() + 1, self.d) * &sc;
                (a.clone(), a + w)
            }
            Dom::Unit => {
                let a = q(self.n, 40);
                let c = (a.clone() + q(self.w, 40)).min(qi(1));
                (a, c)
            }
        }
    }
    fn interval(&self, dom: Dom, prec: u32) -> Interval {
        let (a, c) = self.ends(dom);
        Interval::from_rationals(&a, &c, prec)
    }
    /// Rational points of the interval: both endpoints and the interior points.
    fn points(&self, dom: Dom) -> Vec<BigRational> {
        let (a, c) = self.ends(dom);
        let mut v = vec![a.clone(), c.clone()];
        for t in &self.ts {
            v.push(&a + (&c - &a) * q(*t, 16));
        }
        v
    }
}

#[derive(Clone, Copy, Debug)]
enum Un {
    Sqrt,
    Exp,
    Log,
    Sin,
    Cos,
    Tan,
    Tanh,
    Atan,
    Asin,
    Acos,
    Sinh,
    Cosh,
    Sigmoid,
    Softplus,
    Abs,
    Relu,
    Gauss,
    SinPi,
}

const UNARY: [Un; 18] = [
    Un::Sqrt,
    Un::Exp,
    Un::Log,
    Un::Sin,
    Un::Cos,
    Un::Tan,
    Un::Tanh,
    Un::Atan,
    Un::Asin,
    Un::Acos,
    Un::Sinh,
    Un::Cosh,
    Un::Sigmoid,
    Un::Softplus,
    Un::Abs,
    Un::Relu,
    Un::Gauss,
    Un::SinPi,
];

impl Un {
    fn dom(self) -> Dom {
        match self {
            Un::Sqrt => Dom::NonNeg,
            Un::Log => Dom::Pos,
            Un::Asin | Un::Acos => Dom::Unit,
            _ => Dom::Real,
        }
    }
    fn apply(self, x: &Interval) -> Result<Interval, MathError> {
        match self {
            Un::Sqrt => x.sqrt(),
            Un::Exp => x.exp(),
            Un::Log => x.log(),
            Un::Sin => x.sin(),
            Un::Cos => x.cos(),
            Un::Tan => x.tan(),
            Un::Tanh => x.tanh(),
            Un::Atan => x.atan(),
            Un::Asin => x.asin(),
            Un::Acos => x.acos(),
            Un::Sinh => x.sinh(),
            Un::Cosh => x.cosh(),
            Un::Sigmoid => x.sigmoid(),
            Un::Softplus => x.softplus(),
            Un::Abs => Ok(x.abs()),
            Un::Relu => Ok(x.relu()),
            Un::Gauss => x.gauss(),
            Un::SinPi => x.sin_pi(),
        }
    }
    /// The reference value at a rational point.
    fn reference(self, v: &BigRational) -> Ref {
        let x = rf(v);
        let a = |f: Float| Ref::Approx(f);
        match self {
            Un::Sqrt => a(Float::with_val(RP, x.sqrt_ref())),
            Un::Exp => a(Float::with_val(RP, x.exp_ref())),
            Un::Log => a(Float::with_val(RP, x.ln_ref())),
            Un::Sin => a(Float::with_val(RP, x.sin_ref())),
            Un::Cos => a(Float::with_val(RP, x.cos_ref())),
            Un::Tan => a(Float::with_val(RP, x.tan_ref())),
            Un::Tanh => a(Float::with_val(RP, x.tanh_ref())),
            Un::Atan => a(Float::with_val(RP, x.atan_ref())),
            Un::Asin => a(Float::with_val(RP, x.asin_ref())),
            Un::Acos => a(Float::with_val(RP, x.acos_ref())),
            Un::Sinh => a(Float::with_val(RP, x.sinh_ref())),
            Un::Cosh => a(Float::with_val(RP, x.cosh_ref())),
            Un::Sigmoid => {
                let e = Float::with_val(RP + 100, (-x).exp_ref());
                a(Float::with_val(RP, 1 / (e + 1u32)))
            }
            Un::Softplus => {
                let e = Float::with_val(RP + 100, x.exp_ref());
                a(Float::with_val(RP, e.ln_1p_ref()))
            }
            Un::Abs => Ref::Exact(v.abs()),
            Un::Relu => Ref::Exact(if v.is_negative() { qi(0) } else { v.clone() }),
            Un::Gauss => {
                let sq = Float::with_val(RP + 100, x.square_ref());
                a(Float::with_val(RP, (-sq).exp_ref()))
            }
            Un::SinPi => {
                let pi = Float::with_val(RP + 200, rug::float::Constant::Pi);
                let t = Float::with_val(RP + 200, &pi * &x);
                a(Float::with_val(RP, t.sin_ref()))
            }
        }
    }
}

fn check_unary(op: Un, spec: &Spec, prec: u32) -> Result<usize, TestCaseError> {
    let dom = op.dom();
    let x = spec.interval(dom, prec);
    let r = match op.apply(&x) {
        Ok(r) => r,
        // `tan` may conservatively refuse an interval that comes close to a pole.
        Err(MathError::Domain { func: "tan", .. }) if matches!(op, Un::Tan) => return Ok(0),
        Err(err) => return Err(TestCaseError::fail(format!("{op:?} failed on {x:?} (inside its domain): {err:?}"))),
    };
    prop_assert!(sane(&r), "{op:?}({x:?}) = {r:?} is not a valid interval");
    prop_assert_eq!(r.prec(), prec);
    let mut checked = 0;
    for v in spec.points(dom) {
        let rv = op.reference(&v);
        prop_assert!(
            encloses(&r, &rv),
            "{op:?} over {x:?} at {prec} bits gives {r:?}, which misses the value at {v} ({})",
            match &rv {
                Ref::Exact(e) => format!("{e}"),
                Ref::Approx(f) => f.to_string_radix(10, Some(30)),
            }
        );
        checked += 1;
    }
    Ok(checked)
}

#[derive(Clone, Copy, Debug)]
enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
    Atan2,
}

const BINARY: [Bin; 7] = [Bin::Add, Bin::Sub, Bin::Mul, Bin::Div, Bin::Max, Bin::Min, Bin::Atan2];

/// `x` at `prec` bits, `y` at `prec_y` bits (mixed precisions are allowed).
fn check_binary(op: Bin, sx: &Spec, sy: &Spec, neg_y: bool, prec: u32, prec_y: u32) -> Result<usize, TestCaseError> {
    let x = sx.interval(Dom::Real, prec);
    // For division the divisor is kept away from 0 (a positive interval, possibly negated).
    let (y, ys) = if matches!(op, Bin::Div) {
        let y = sy.interval(Dom::Pos, prec_y);
        let ys = sy.points(Dom::Pos);
        if neg_y {
            (y.neg(), ys.into_iter().map(|v| -v).collect())
        } else {
            (y, ys)
        }
    } else {
        (sy.interval(Dom::Real, prec_y), sy.points(Dom::Real))
    };
    let r = match op {
        Bin::Add => x.add(&y),
        Bin::Sub => x.sub(&y),
        Bin::Mul => x.mul(&y),
        Bin::Div => x.div(&y).map_err(|e| TestCaseError::fail(format!("{x:?} / {y:?}: {e:?}")))?,
        Bin::Max => x.max(&y),
        Bin::Min => x.min(&y),
        Bin::Atan2 => match Interval::atan2(&y, &x) {
            Ok(r) => r,
            Err(_) => {
                // Allowed only when the box meets the origin or the branch cut x <= 0, y = 0.
                prop_assert!(
                    y.contains_zero() && *x.lo() <= 0,
                    "atan2({y:?}, {x:?}) refused a box away from the origin and the cut"
                );
                return Ok(0);
            }
        },
    };
    prop_assert!(sane(&r), "{op:?}({x:?}, {y:?}) = {r:?} is not a valid interval");
    let xs = sx.points(Dom::Real);
    let mut checked = 0;
    for (i, vx) in xs.iter().enumerate() {
        for (j, vy) in ys.iter().enumerate() {
            // Corners and a diagonal of interior points.
            if !(i < 2 && j < 2 || i == j) {
                continue;
            }
            let rv = match op {
                Bin::Add => Ref::Exact(vx + vy),
                Bin::Sub => Ref::Exact(vx - vy),
                Bin::Mul => Ref::Exact(vx * vy),
                Bin::Div => Ref::Exact(vx / vy),
                Bin::Max => Ref::Exact(vx.max(vy).clone()),
                Bin::Min => Ref::Exact(vx.min(vy).clone()),
                Bin::Atan2 => {
                    if vy.is_zero() && !vx.is_positive() {
                        continue;
                    }
                    Ref::Approx(Float::with_val(RP, rf(vy).atan2_ref(&rf(vx))))
                }
            };
            prop_assert!(
                encloses(&r, &rv),
                "{op:?}({x:?}, {y:?}) at {prec} bits gives {r:?}, missing the value at ({vx}, {vy})"
            );
            checked += 1;
        }
    }
    Ok(checked)
}

fn check_powi(sx: &Spec, n: i64, prec: u32) -> Result<usize, TestCaseError> {
    let x = sx.interval(Dom::Real, prec);
    let r = match x.powi(n) {
        Ok(r) => r,
        Err(e) => {
            prop_assert!(n < 0 && x.contains_zero(), "powi({x:?}, {n}) failed: {e:?}");
            prop_assert_eq!(e, MathError::DivisionByZero);
            return Ok(0);
        }
    };
    prop_assert!(!(n < 0 && x.contains_zero()), "powi({x:?}, {n}) = {r:?} should have failed");
    prop_assert!(sane(&r));
    let mut checked = 0;
    for v in sx.points(Dom::Real) {
        let exact = num_traits::Pow::pow(&v, n as i32);
        prop_assert!(r.contains_rational(&exact), "{x:?}^{n} at {prec} bits = {r:?} misses {v}^{n} = {exact}");
        checked += 1;
    }
    Ok(checked)
}

const POWQ_EXPONENTS: [(i64, i64); 10] = [(1, 2), (3, 2), (-1, 2), (1, 3), (-2, 3), (5, 2), (7, 5), (-5, 4), (2, 1), (-3, 1)];

/// `x^(n/d)` computed as `root_d(x)^n` with `rug` at high precision.
fn rug_powq(x: &BigRational, e: &BigRational) -> Float {
    let xf = rf(x);
    let n = e.numer().to_i32().unwrap();
    let d = e.denom().to_u32().unwrap();
    let r = Float::with_val(RP + 100, xf.root_ref(d));
    Float::with_val(RP, rug::ops::Pow::pow(&r, n))
}

fn check_powq(sx: &Spec, ei: usize, prec: u32) -> Result<usize, TestCaseError> {
    let (en, ed) = POWQ_EXPONENTS[ei];
    let e = q(en, ed);
    let dom = if en < 0 { Dom::Pos } else { Dom::NonNeg };
    let x = sx.interval(dom, prec);
    let r = x.powq(&e).map_err(|err| TestCaseError::fail(format!("powq({x:?}, {e}): {err:?}")))?;
    prop_assert!(sane(&r));
    let mut checked = 0;
    for v in sx.points(dom) {
        let rv = Ref::Approx(rug_powq(&v, &e));
        prop_assert!(encloses(&r, &rv), "{x:?}^({e}) at {prec} bits = {r:?} misses the value at {v}");
        checked += 1;
    }
    Ok(checked)
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn unary_interval_ops_contain_pointwise_values(spec in spec_strategy(), prec in prop::sample::select(vec![53u32, 128])) {
        for op in UNARY {
            check_unary(op, &spec, prec)?;
        }
    }

    #[test]
    fn binary_interval_ops_contain_pointwise_values(
        sx in spec_strategy(), sy in spec_strategy(), neg_y in any::<bool>(),
        prec in prop::sample::select(vec![53u32, 128]),
        prec_y in prop::sample::select(vec![53u32, 128, 300]),
    ) {
        for op in BINARY {
            check_binary(op, &sx, &sy, neg_y, prec, prec)?;
            check_binary(op, &sx, &sy, neg_y, prec, prec_y)?;
        }
    }

    #[test]
    fn powers_contain_pointwise_values(
        sx in spec_strategy(), n in -4i64..=7, ei in 0..POWQ_EXPONENTS.len(),
        prec in prop::sample::select(vec![53u32, 128]),
    ) {
        check_powi(&sx, n, prec)?;
        check_powq(&sx, ei, prec)?;
    }
}

/// Interval at `prec` bits of the single rational `v`, and the reference check of `op` there.
fn point_check(op: Un, v: BigRational, prec: u32) {
    let x = Interval::from_rational(&v, prec);
    let r = op.apply(&x).unwrap_or_else(|e| panic!("{op:?}({v}) failed: {e:?}"));
    assert!(sane(&r));
    assert!(encloses(&r, &op.reference(&v)), "{op:?}({v}) at {prec} bits = {r:?}");
}

#[test]
fn trig_at_huge_arguments() {
    for prec in [53u32, 128] {
        for s in [20u32, 22, 25, 30, 100] {
            for sign in [1i64, -1] {
                let v = qi(sign) * qi(10).pow(s as i32);
                for op in [Un::Sin, Un::Cos, Un::SinPi] {
                    point_check(op, v.clone(), prec);
                }
                let x = Interval::from_rational(&v, prec);
                if let Ok(r) = x.tan() {
                    assert!(encloses(&r, &Un::Tan.reference(&v)), "tan({v}) = {r:?}");
                }
            }
        }
    }
    // sin(1e22), the classic argument-reduction test (about -0.8522008497671888). 1e22 is a
    // double; at 128 bits the enclosure must be tight, not just [-1, 1].
    let r = Interval::from_int(10, 128).powi(22).unwrap().sin().unwrap();
    assert!(r.width() < 1e-30, "sin(1e22) = {r:?} is needlessly wide");
    assert!(encloses(&r, &Un::Sin.reference(&qi(10).pow(22))), "sin(1e22) = {r:?}");
}

#[test]
fn trig_over_wide_intervals_reaches_plus_minus_one() {
    for prec in [53u32, 128] {
        let x = Interval::from_rationals(&qi(-10), &qi(10), prec);
        for r in [x.sin().unwrap(), x.cos().unwrap(), x.sin_pi().unwrap()] {
            assert!(r.contains_rational(&qi(1)) && r.contains_rational(&qi(-1)), "{r:?}");
            assert!(*r.lo() >= -1 && *r.hi() <= 1, "{r:?} is wider than [-1, 1]");
        }
        // Straddling a maximum / minimum by a hair.
        let tiny = Interval::from_rationals(&q(-1, 10i64.pow(15)), &q(1, 10i64.pow(15)), prec);
        assert!(tiny.cos().unwrap().contains_rational(&qi(1)));
        let half_pi = Interval::pi(prec).mul(&Interval::from_rational(&q(1, 2), prec));
        let around = half_pi.inflate(&Float::with_val(prec, 1e-12));
        assert_eq!(*around.sin().unwrap().hi(), 1);
        let around_pi = Interval::pi(prec).inflate(&Float::with_val(prec, 1e-12));
        assert_eq!(*around_pi.cos().unwrap().lo(), -1);
        // Huge intervals.
        let huge = Interval::from_rationals(&qi(10).pow(20), &(qi(10).pow(20) + qi(1)), prec);
        let s = huge.sin().unwrap();
        for k in 0..=4 {
            let v = qi(10).pow(20) + q(k, 4);
            assert!(encloses(&s, &Un::Sin.reference(&v)), "sin over {huge:?} = {s:?}");
        }
    }
}

#[test]
fn tan_close_to_a_pole_but_not_across() {
    for prec in [53u32, 128] {
        let x = Interval::from_rationals(&q(157, 100), &q(15707, 10000), prec);
        let r = x.tan().expect("[1.57, 1.5707] is left of pi/2");
        for v in [q(157, 100), q(15707, 10000)] {
            assert!(encloses(&r, &Un::Tan.reference(&v)));
        }
    }
}

// ------------------------------------------------------------------------------------------
// 1d. Errors, never NaN
// ------------------------------------------------------------------------------------------

fn is_domain(e: &MathError, name: &str) -> bool {
    matches!(e, MathError::Domain { func, .. } if *func == name)
}

/// An interval with rational endpoints `[a, c]`, `a <= c`.
fn ab() -> impl Strategy<Value = (BigRational, BigRational)> {
    ((-50i64..=50), (0i64..=50), (1i64..=7)).prop_map(|(n, w, d)| (q(n, d), q(n + w, d)))
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn division_by_intervals_containing_zero_fails(
        (a, c) in ab(), lo in -20i64..=0, hi in 0i64..=20, d in 1i64..=5, prec in prop::sample::select(vec![53u32, 128]),
    ) {
        let x = Interval::from_rationals(&a, &c, prec);
        let y = Interval::from_rationals(&q(lo, d), &q(hi, d), prec);
        prop_assert_eq!(x.div(&y), Err(MathError::DivisionByZero));
        prop_assert_eq!(y.recip(), Err(MathError::DivisionByZero));
        for n in [-1i64, -2, -3] {
            prop_assert_eq!(y.powi(n), Err(MathError::DivisionByZero));
        }
        // The same through the derivative engine: 1/x and x^-2 over y.
        let l = loss(div(num(1, 1), Expr::Var(0)), 1);
        prop_assert!(taylor_1d(&l, &y, 2).is_err());
        let l = loss(pow(Expr::Var(0), qi(-2)), 1);
        prop_assert!(taylor_1d(&l, &y, 0).is_err());
    }

    #[test]
    fn log_sqrt_asin_acos_outside_domain_fail(
        (a, c) in ab(), prec in prop::sample::select(vec![53u32, 128]),
    ) {
        let x = Interval::from_rationals(&a, &c, prec);
        match x.log() {
            Ok(r) => {
                prop_assert!(a.is_positive(), "log({x:?}) = {r:?} for an interval reaching <= 0");
                prop_assert!(sane(&r));
            }
            Err(e) => prop_assert!(!a.is_positive() && is_domain(&e, "log"), "log({x:?}): {e:?}"),
        }
        match x.sqrt() {
            Ok(r) => {
                prop_assert!(!a.is_negative(), "sqrt({x:?}) = {r:?} for an interval reaching < 0");
                prop_assert!(sane(&r));
            }
            Err(e) => prop_assert!(a.is_negative() && is_domain(&e, "sqrt"), "sqrt({x:?}): {e:?}"),
        }
        let inside = a >= qi(-1) && c <= qi(1);
        for (name, r) in [("asin", x.asin()), ("acos", x.acos())] {
            match r {
                Ok(r) => prop_assert!(inside && sane(&r), "{name}({x:?}) = {r:?}"),
                Err(e) => prop_assert!(!inside && is_domain(&e, name), "{name}({x:?}): {e:?}"),
            }
        }
        // Non-integer powers of possibly negative bases.
        if a.is_negative() {
            prop_assert!(x.powq(&q(1, 2)).is_err());
            prop_assert!(x.powq(&q(-3, 2)).is_err());
        }
        if !a.is_positive() {
            prop_assert!(x.powq(&q(-1, 3)).is_err());
        }
    }

    #[test]
    fn tan_across_a_pole_fails(
        k in -1000i64..=1000, l in 1i64..=1000, r in 1i64..=1000, prec in prop::sample::select(vec![53u32, 64, 128]),
    ) {
        // A rational bracket [c - l/1000, c + r/1000] around c = (k + 1/2) pi; the f64 value of
        // c is off by less than 1e-11 here, far below the 1e-3 margins.
        let c = (k as f64 + 0.5) * std::f64::consts::PI;
        let lo = BigRational::from_float(c).unwrap() - q(l, 1000);
        let hi = BigRational::from_float(c).unwrap() + q(r, 1000);
        let x = Interval::from_rationals(&lo, &hi, prec);
        let e = x.tan();
        prop_assert!(matches!(&e, Err(err) if is_domain(err, "tan")), "tan({x:?}) = {e:?}");
        let ltan = loss(call(Func::Tan, Expr::Var(0)), 1);
        prop_assert!(taylor_1d(&ltan, &x, 0).is_err());
        prop_assert!(taylor_1d(&ltan, &x, 3).is_err());
    }
}

fn is_not_differentiable<T>(r: &Result<T, MathError>, name: &str) -> bool {
    matches!(r, Err(MathError::NotDifferentiable { func }) if *func == name)
}

#[test]
fn abs_relu_max_min_at_their_kinks_are_not_differentiable() {
    let x = Expr::Var(0);
    let cases: Vec<(&str, Expr)> = vec![
        ("abs", call(Func::Abs, x.clone())),
        ("relu", call(Func::Relu, x.clone())),
        ("max", Expr::Max(b(x.clone()), b(num(0, 1)))),
        ("min", Expr::Min(b(x.clone()), b(num(0, 1)))),
    ];
    for (name, e) in cases {
        let l = loss(e, 1);
        // Order 0 (the value) is fine.
        assert_eq!(taylor_1d::<BigRational>(&l, &qi(0), 0).unwrap().c, vec![qi(0)]);
        for order in 1..=3 {
            let r = taylor_1d::<BigRational>(&l, &qi(0), order);
            assert!(is_not_differentiable(&r, name), "{name} exact at 0, order {order}: {r:?}");
            for prec in [53u32, 128] {
                let zero = Interval::from_int(0, prec);
                let r = taylor_1d(&l, &zero, order);
                assert!(is_not_differentiable(&r, name), "{name} on [0, 0] at {prec} bits, order {order}: {r:?}");
                // An interval straddling the kink: the sign is not certified.
                let around = Interval::from_rationals(&q(-1, 1000), &q(1, 1000), prec);
                let r = taylor_1d(&l, &around, order);
                assert!(is_not_differentiable(&r, name), "{name} on {around:?}, order {order}: {r:?}");
            }
            let r = taylor_1d::<f64>(&l, &0.0, order);
            assert!(is_not_differentiable(&r, name), "{name} in f64 at 0, order {order}: {r:?}");
        }
        // Jets too.
        let j = grad_hess::<BigRational>(&l, &[qi(0)], &());
        assert!(matches!(j, Err(MathError::NotDifferentiable { .. })), "{name}: {j:?}");
        // Away from the kink the derivative is certified.
        let s = taylor_1d::<BigRational>(&l, &q(1, 3), 2).unwrap();
        assert!(s.c[2].is_zero());
    }
    // The kink of abs(x - y) along the diagonal, in two variables.
    let l = loss(call(Func::Abs, sub(Expr::Var(0), Expr::Var(1))), 2);
    let j = grad_hess::<BigRational>(&l, &[q(1, 3), q(1, 3)], &());
    assert_eq!(j.map(|j| j.v), Err(MathError::NotDifferentiable { func: "abs" }));
}

#[test]
fn sqrt_at_zero_has_a_value_but_no_derivative() {
    let l = loss(call(Func::Sqrt, Expr::Var(0)), 1);
    assert_eq!(taylor_1d::<BigRational>(&l, &qi(0), 0).unwrap().c, vec![qi(0)]);
    assert!(matches!(taylor_1d::<BigRational>(&l, &qi(0), 1), Err(MathError::NotDifferentiable { .. })));
    assert!(matches!(taylor_1d(&l, &Interval::from_int(0, 128), 1), Err(MathError::NotDifferentiable { .. })));
    // Over [0, 1] the value is enclosed, derivatives are refused.
    let x = Interval::from_rationals(&qi(0), &qi(1), 128);
    assert!(taylor_1d(&l, &x, 0).is_ok());
    assert!(taylor_1d(&l, &x, 1).is_err());
    // And the square root of a possibly negative number is a domain error.
    let x = Interval::from_rationals(&q(-1, 10), &qi(1), 128);
    assert!(matches!(taylor_1d(&l, &x, 0), Err(MathError::Domain { .. })));
}

/// Every operation on unbounded and degenerate intervals either fails or returns a valid
/// interval containing the right values; none panics or produces NaN.
#[test]
fn special_intervals_never_give_nan() {
    use rug::float::Special;
    let prec = 64;
    let inf = || Float::with_val(prec, Special::Infinity);
    let ninf = || Float::with_val(prec, Special::NegInfinity);
    let f = |v: f64| Float::with_val(prec, v);
    let specials = vec![
        Interval::entire(prec),
        Interval::new(f(0.0), inf()).unwrap(),
        Interval::new(ninf(), f(0.0)).unwrap(),
        Interval::new(f(1.0), inf()).unwrap(),
        Interval::new(ninf(), f(-1.0)).unwrap(),
        Interval::new(f(-0.0), f(0.0)).unwrap(),
        Interval::new(f(0.0), f(0.0)).unwrap(),
        Interval::new(f(-0.0), f(-0.0)).unwrap(),
        Interval::new(f(-1e300), f(1e300)).unwrap(),
        Interval::new(f(1e300), f(1e300)).unwrap(),
        Interval::new(f(-1.0), f(1.0)).unwrap(),
    ];
    for x in &specials {
        for op in UNARY {
            if let Ok(r) = op.apply(x) {
                assert!(sane(&r), "{op:?}({x:?}) = {r:?}");
            }
        }
        for n in [-3i64, -2, -1, 0, 1, 2, 3, 4] {
            if let Ok(r) = x.powi(n) {
                assert!(sane(&r), "{x:?}^{n} = {r:?}");
            }
        }
        for e in [q(1, 2), q(-1, 2), q(1, 3)] {
            if let Ok(r) = x.powq(&e) {
                assert!(sane(&r), "{x:?}^{e} = {r:?}");
            }
        }
        for y in &specials {
            for r in [x.add(y), x.sub(y), x.mul(y), x.max(y), x.min(y)] {
                assert!(sane(&r), "binary op on {x:?}, {y:?} gave {r:?}");
            }
            if let Ok(r) = x.div(y) {
                assert!(sane(&r), "{x:?} / {y:?} = {r:?}");
            }
            if let Ok(r) = Interval::atan2(x, y) {
                assert!(sane(&r), "atan2({x:?}, {y:?}) = {r:?}");
            }
        }
    }
    // A few values that must be right.
    let entire = Interval::entire(prec);
    let zero = Interval::from_int(0, prec);
    assert!(entire.mul(&zero).is_zero());
    assert!(entire.sin().unwrap().contains_rational(&qi(1)));
    assert!(entire.exp().unwrap().contains_rational(&q(1, 1000)));
    assert!(entire.tan().is_err());
    assert!(entire.log().is_err());
    assert!(entire.sqr().contains_rational(&qi(0)));
    assert!(entire.tanh().unwrap().contains_rational(&q(-999, 1000)));
}
