//! Derivatives with hand-derived closed forms.
//!
//! Every expected value below was worked out by hand (Taylor series at 0 of the elementary
//! functions, the quartic `(x^2 - mu)^2/4` at its minimum, a product loss and its Hessian, a
//! directional restriction). Where the data are rational the engine must return them exactly
//! through `BigRational`; where they are not (`e`, `sqrt(2)`, `log 2`) the interval results must
//! contain them, checked against `rug` with directed rounding at 300 bits.

use eoscert::error::MathError;
use eoscert::eval::{along, derivatives_best, grad_hess, taylor_1d, Num};
use eoscert::expr::{Expr, Func, Loss};
use eoscert::interval::Interval;
use num_rational::BigRational;
use rug::float::Round;
use rug::Float;

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(n.into(), d.into())
}
fn qi(n: i64) -> BigRational {
    BigRational::from_integer(n.into())
}
fn qs(v: &[(i64, i64)]) -> Vec<BigRational> {
    v.iter().map(|&(n, d)| q(n, d)).collect()
}
fn ints(v: &[i64]) -> Vec<BigRational> {
    v.iter().map(|&n| qi(n)).collect()
}

fn x() -> Expr {
    Expr::Var(0)
}
fn y() -> Expr {
    Expr::Var(1)
}
fn num(v: BigRational) -> Expr {
    Expr::Num(v)
}
fn add(a: Expr, b: Expr) -> Expr {
    Expr::Add(Box::new(a), Box::new(b))
}
fn sub(a: Expr, b: Expr) -> Expr {
    Expr::Sub(Box::new(a), Box::new(b))
}
fn mul(a: Expr, b: Expr) -> Expr {
    Expr::Mul(Box::new(a), Box::new(b))
}
fn div(a: Expr, b: Expr) -> Expr {
    Expr::Div(Box::new(a), Box::new(b))
}
fn pow(a: Expr, e: BigRational) -> Expr {
    Expr::Pow(Box::new(a), Box::new(Expr::Num(e)))
}
fn call(f: Func, a: Expr) -> Expr {
    Expr::Call(f, Box::new(a))
}
fn loss1(expr: Expr) -> Loss {
    Loss { expr, vars: vec!["x".into()], source: String::new() }
}
fn loss2(expr: Expr) -> Loss {
    Loss { expr, vars: vec!["x".into(), "y".into()], source: String::new() }
}

/// `(x^2 - mu)^2 / 4`.
fn quartic(mu: i64) -> Loss {
    loss1(div(pow(sub(pow(x(), qi(2)), num(qi(mu))), qi(2)), num(qi(4))))
}

/// The exact derivatives `f(x0), f'(x0), ..., f^(order)(x0)`.
fn exact_derivs(l: &Loss, x0: BigRational, order: usize) -> Vec<BigRational> {
    taylor_1d::<BigRational>(l, &x0, order).unwrap_or_else(|e| panic!("exact path failed: {e:?}")).derivatives()
}

/// The interval derivatives at the rational `x0`, at `prec` bits.
fn interval_derivs(l: &Loss, x0: BigRational, order: usize, prec: u32) -> Vec<Interval> {
    taylor_1d(l, &Interval::from_rational(&x0, prec), order).expect("interval path").derivatives()
}

/// `r` contains the real number whose 300-bit roundings down and up are `down`, `up`. The
/// endpoints of `r` have at most 300 bits, so `r.lo <= value` implies `r.lo <= down`.
fn contains_real(r: &Interval, down: &Float, up: &Float) -> bool {
    r.lo() <= down && up <= r.hi()
}

/// Rational derivatives at 0 must come out exactly, and the interval path must contain them.
fn check_exact_at_zero(name: &str, f: Expr, want: &[BigRational]) {
    let l = loss1(f);
    let order = want.len() - 1;
    let got = exact_derivs(&l, qi(0), order);
    assert_eq!(got, want, "{name}: exact derivatives at 0");
    for prec in [53, 128] {
        for (k, (i, w)) in interval_derivs(&l, qi(0), order, prec).iter().zip(want).enumerate() {
            assert!(i.contains_rational(w), "{name}: derivative {k} at {prec} bits {i:?} misses {w}");
        }
    }
    // The policy entry point returns them as exact numbers.
    let best = derivatives_best(&l, &[Num::Exact(qi(0))], &[Num::Exact(qi(1))], order, 128).unwrap();
    let exact: Vec<BigRational> = best.iter().map(|n| n.exact().expect("exact").clone()).collect();
    assert_eq!(exact, want, "{name}: derivatives_best");
}

#[test]
fn quartic_at_its_minimum_mu_4_is_exact() {
    // f = (x^2 - mu)^2/4, f' = x (x^2 - mu), f'' = 3x^2 - mu, f''' = 6x, f'''' = 6.
    // At x = sqrt(mu) = 2: f = f' = 0, f'' = 2 mu = 8, f''' = 6 sqrt(mu) = 12, f'''' = 6.
    let l = quartic(4);
    assert_eq!(exact_derivs(&l, qi(2), 5), ints(&[0, 0, 8, 12, 6, 0]));
    let best = derivatives_best(&l, &[Num::Exact(qi(2))], &[Num::Exact(qi(1))], 4, 128).unwrap();
    assert!(best.iter().all(|n| n.exact().is_some()));
    // At x = -2 the odd derivative changes sign.
    assert_eq!(exact_derivs(&l, qi(-2), 4), ints(&[0, 0, 8, -12, 6]));
}

#[test]
fn quartic_at_its_minimum_mu_2_encloses_sqrt2_values() {
    // At x = sqrt(2) (an enclosure): f'' = 2 mu = 4, f''' = 6 sqrt(2), f'''' = 6.
    let l = quartic(2);
    for prec in [53u32, 128, 256] {
        let r2 = Interval::from_int(2, prec).sqrt().unwrap();
        let d = taylor_1d(&l, &r2, 4).unwrap().derivatives();
        assert!(d[0].contains_rational(&qi(0)), "f = {:?}", d[0]);
        assert!(d[1].contains_rational(&qi(0)), "f' = {:?}", d[1]);
        assert!(d[2].contains_rational(&qi(4)), "f'' = {:?}", d[2]);
        assert!(d[4].contains_rational(&qi(6)), "f'''' = {:?}", d[4]);
        // 6 sqrt(2) = sqrt(72), bracketed by directed roundings at 300 bits.
        let mut s72_down = Float::with_val(300, 72);
        s72_down.sqrt_round(Round::Down);
        let mut s72_up = Float::with_val(300, 72);
        s72_up.sqrt_round(Round::Up);
        assert!(contains_real(&d[3], &s72_down, &s72_up), "f''' = {:?} misses 6 sqrt(2)", d[3]);
        // Tight: the widths shrink with the precision.
        assert!(d[2].width() < Float::with_val(64, Float::i_exp(1, 10 - prec as i32)), "f'' = {:?}", d[2]);
    }
    // derivatives_best at a non-rational point gives enclosures.
    let r2 = Interval::from_int(2, 128).sqrt().unwrap();
    let best = derivatives_best(&l, &[Num::Enclosed(r2)], &[Num::Exact(qi(1))], 4, 128).unwrap();
    assert!(best.iter().all(|n| n.exact().is_none()));
    assert!(best[2].to_interval(128).contains_rational(&qi(4)));
}

#[test]
fn exp_at_zero_all_derivatives_are_one() {
    check_exact_at_zero("exp", call(Func::Exp, x()), &ints(&[1; 11]));
    // exp at a non-zero rational has no exact value.
    let l = loss1(call(Func::Exp, x()));
    assert_eq!(taylor_1d::<BigRational>(&l, &qi(1), 2).map(|s| s.c), Err(MathError::NotExact { func: "exp" }));
}

#[test]
fn exp_at_one_every_derivative_encloses_e() {
    let l = loss1(call(Func::Exp, x()));
    let mut e_down = Float::with_val(300, 1);
    e_down.exp_round(Round::Down);
    let mut e_up = Float::with_val(300, 1);
    e_up.exp_round(Round::Up);
    for prec in [53u32, 128, 256] {
        let d = interval_derivs(&l, qi(1), 10, prec);
        for (k, dk) in d.iter().enumerate() {
            assert!(contains_real(dk, &e_down, &e_up), "exp^({k})(1) at {prec} bits = {dk:?} misses e");
            // Not absurdly wide: relative width below 2^(20 - prec).
            assert!(dk.width() < Float::with_val(64, Float::i_exp(1, 22 - prec as i32)), "{dk:?}");
        }
        // The same through the constant e: f = e^x = exp(x), and f = e * exp(x - 1).
        let l2 = loss1(mul(Expr::Const(eoscert::expr::Constant::E), call(Func::Exp, sub(x(), num(qi(1))))));
        for (k, dk) in interval_derivs(&l2, qi(1), 6, prec).iter().enumerate() {
            assert!(contains_real(dk, &e_down, &e_up), "(e exp(x-1))^({k})(1) = {dk:?}");
        }
    }
}

#[test]
fn sin_cos_sinh_cosh_at_zero() {
    check_exact_at_zero("sin", call(Func::Sin, x()), &ints(&[0, 1, 0, -1, 0, 1, 0, -1, 0, 1]));
    check_exact_at_zero("cos", call(Func::Cos, x()), &ints(&[1, 0, -1, 0, 1, 0, -1, 0, 1, 0]));
    check_exact_at_zero("sinh", call(Func::Sinh, x()), &ints(&[0, 1, 0, 1, 0, 1, 0, 1, 0, 1]));
    check_exact_at_zero("cosh", call(Func::Cosh, x()), &ints(&[1, 0, 1, 0, 1, 0, 1, 0, 1, 0]));
}

#[test]
fn tanh_atan_asin_tan_at_zero() {
    // tanh x = x - x^3/3 + 2x^5/15 - 17x^7/315
    check_exact_at_zero("tanh", call(Func::Tanh, x()), &ints(&[0, 1, 0, -2, 0, 16, 0, -272]));
    // atan x = x - x^3/3 + x^5/5 - x^7/7
    check_exact_at_zero("atan", call(Func::Atan, x()), &ints(&[0, 1, 0, -2, 0, 24, 0, -720]));
    // asin x = x + x^3/6 + 3x^5/40 + 5x^7/112
    check_exact_at_zero("asin", call(Func::Asin, x()), &ints(&[0, 1, 0, 1, 0, 9, 0, 225]));
    // tan x = x + x^3/3 + 2x^5/15 + 17x^7/315
    check_exact_at_zero("tan", call(Func::Tan, x()), &ints(&[0, 1, 0, 2, 0, 16, 0, 272]));
    // acos = pi/2 - asin: no exact value at 0, but the derivatives are -asin's.
    let l = loss1(call(Func::Acos, x()));
    assert!(matches!(taylor_1d::<BigRational>(&l, &qi(0), 3), Err(MathError::NotExact { .. })));
    let d = interval_derivs(&l, qi(0), 5, 128);
    for (k, w) in ints(&[0, -1, 0, -1, 0, -9]).iter().enumerate().skip(1) {
        assert!(d[k].contains_rational(w), "acos^({k})(0) = {:?}", d[k]);
    }
}

#[test]
fn sigmoid_at_zero() {
    // sigmoid x = 1/2 + x/4 - x^3/48 + x^5/480
    check_exact_at_zero("sigmoid", call(Func::Sigmoid, x()), &qs(&[(1, 2), (1, 4), (0, 1), (-1, 8), (0, 1), (1, 4)]));
}

#[test]
fn log_sqrt_cube_root_of_one_plus_x_at_zero() {
    let one_plus_x = || add(num(qi(1)), x());
    // log(1 + x): (-1)^(k-1) (k-1)!
    check_exact_at_zero("log(1+x)", call(Func::Log, one_plus_x()), &ints(&[0, 1, -1, 2, -6, 24, -120]));
    // sqrt(1 + x): 1, 1/2, -1/4, 3/8, -15/16
    check_exact_at_zero("sqrt(1+x)", call(Func::Sqrt, one_plus_x()), &qs(&[(1, 1), (1, 2), (-1, 4), (3, 8), (-15, 16)]));
    // (1 + x)^(1/2) through the power operator gives the same.
    check_exact_at_zero("(1+x)^(1/2)", pow(one_plus_x(), q(1, 2)), &qs(&[(1, 1), (1, 2), (-1, 4), (3, 8), (-15, 16)]));
    // (1 + x)^(1/3): 1, 1/3, -2/9, 10/27, -80/81
    check_exact_at_zero("(1+x)^(1/3)", pow(one_plus_x(), q(1, 3)), &qs(&[(1, 1), (1, 3), (-2, 9), (10, 27), (-80, 81)]));
    // (1 + x)^(-1/2): 1, -1/2, 3/4, -15/8
    check_exact_at_zero("(1+x)^(-1/2)", pow(one_plus_x(), q(-1, 2)), &qs(&[(1, 1), (-1, 2), (3, 4), (-15, 8)]));
    // 1/(1 + x): (-1)^k k!
    check_exact_at_zero("1/(1+x)", div(num(qi(1)), one_plus_x()), &ints(&[1, -1, 2, -6, 24, -120]));
    // A rational power at a perfect square: (x)^(3/2) at 4 = 8, derivative 3/2 * 2 = 3, 3/4 * 1/2 = 3/8.
    let l = loss1(pow(x(), q(3, 2)));
    assert_eq!(exact_derivs(&l, qi(4), 2), qs(&[(8, 1), (3, 1), (3, 8)]));
}

#[test]
fn softplus_at_zero_uses_intervals() {
    // softplus(0) = log 2 (not rational), softplus' = sigmoid: 1/2, 1/4, 0, -1/8, 0, 1/4.
    let l = loss1(call(Func::Softplus, x()));
    assert_eq!(taylor_1d::<BigRational>(&l, &qi(0), 3).map(|s| s.c), Err(MathError::NotExact { func: "softplus" }));
    let best = derivatives_best(&l, &[Num::Exact(qi(0))], &[Num::Exact(qi(1))], 6, 128).unwrap();
    assert!(best.iter().all(|n| n.exact().is_none()), "softplus must fall back to intervals");
    let mut ln2_down = Float::with_val(300, 2);
    ln2_down.ln_round(Round::Down);
    let mut ln2_up = Float::with_val(300, 2);
    ln2_up.ln_round(Round::Up);
    let d: Vec<Interval> = best.iter().map(|n| n.to_interval(128)).collect();
    assert!(contains_real(&d[0], &ln2_down, &ln2_up), "softplus(0) = {:?}", d[0]);
    for (k, w) in qs(&[(1, 2), (1, 4), (0, 1), (-1, 8), (0, 1), (1, 4)]).iter().enumerate() {
        assert!(d[k + 1].contains_rational(w), "softplus^({})(0) = {:?} misses {w}", k + 1, d[k + 1]);
        assert!(d[k + 1].width() < 1e-30, "softplus^({})(0) = {:?} is too wide", k + 1, d[k + 1]);
    }
}

#[test]
fn product_loss_gradient_and_hessian() {
    // f = (xy - mu)^2 / 2, f_x = (xy - mu) y, f_y = (xy - mu) x,
    // f_xx = y^2, f_xy = 2xy - mu, f_yy = x^2.
    let mu = 1;
    let f = div(pow(sub(mul(x(), y()), num(qi(mu))), qi(2)), num(qi(2)));
    let l = loss2(f);
    // At (1, 1): on the valley, gradient 0, Hessian [[1, 1], [1, 1]].
    let j = grad_hess::<BigRational>(&l, &[qi(1), qi(1)], &()).unwrap();
    assert_eq!(j.v, qi(0));
    assert_eq!(j.g, ints(&[0, 0]));
    assert_eq!(j.hessian(), vec![ints(&[1, 1]), ints(&[1, 1])]);
    // At (2, 1): xy - 1 = 1, gradient (1, 2), Hessian [[1, 3], [3, 4]], value 1/2.
    let j = grad_hess::<BigRational>(&l, &[qi(2), qi(1)], &()).unwrap();
    assert_eq!(j.v, q(1, 2));
    assert_eq!(j.g, ints(&[1, 2]));
    assert_eq!(j.hessian(), vec![ints(&[1, 3]), ints(&[3, 4])]);
    // The interval jet contains the same numbers.
    for prec in [53u32, 128] {
        let at: Vec<Interval> = [2, 1].iter().map(|&v| Interval::from_int(v, prec)).collect();
        let ji = grad_hess::<Interval>(&l, &at, &prec).unwrap();
        assert!(ji.v.contains_rational(&q(1, 2)));
        assert!(ji.g[0].contains_rational(&qi(1)) && ji.g[1].contains_rational(&qi(2)));
        for (i, row) in [[1, 3], [3, 4]].iter().enumerate() {
            for (k, &h) in row.iter().enumerate() {
                assert!(ji.hess(i, k).contains_rational(&qi(h)), "H[{i}][{k}] = {:?}", ji.hess(i, k));
            }
        }
    }
    // At a generic rational point, against the closed forms.
    let (a, b) = (q(3, 7), q(-5, 2));
    let j = grad_hess::<BigRational>(&l, &[a.clone(), b.clone()], &()).unwrap();
    let r = &a * &b - qi(mu);
    assert_eq!(j.g, vec![&r * &b, &r * &a]);
    assert_eq!(j.hessian(), vec![vec![&b * &b, qi(2) * &a * &b - qi(mu)], vec![qi(2) * &a * &b - qi(mu), &a * &a]]);
}

#[test]
fn restriction_along_a_direction() {
    // f(x, y) = x^2 y along d = (1, 1) from (1, 2): (1 + t)^2 (2 + t) = 2 + 5t + 4t^2 + t^3.
    let l = loss2(mul(pow(x(), qi(2)), y()));
    let s = along::<BigRational>(&l, &[qi(1), qi(2)], &[qi(1), qi(1)], 4).unwrap();
    assert_eq!(s.c, ints(&[2, 5, 4, 1, 0]));
    assert_eq!(s.derivatives(), ints(&[2, 5, 8, 6, 0]));
    for prec in [53u32, 128] {
        let th: Vec<Interval> = [1, 2].iter().map(|&v| Interval::from_int(v, prec)).collect();
        let d: Vec<Interval> = [1, 1].iter().map(|&v| Interval::from_int(v, prec)).collect();
        let si = along(&l, &th, &d, 4).unwrap();
        for (k, w) in ints(&[2, 5, 8, 6, 0]).iter().enumerate() {
            assert!(si.derivative(k).contains_rational(w), "derivative {k}: {:?}", si.derivative(k));
        }
    }
    // derivatives_best gives the same, exactly.
    let best = derivatives_best(&l, &[Num::Exact(qi(1)), Num::Exact(qi(2))], &[Num::Exact(qi(1)), Num::Exact(qi(1))], 4, 128)
        .unwrap();
    let got: Vec<BigRational> = best.iter().map(|n| n.exact().unwrap().clone()).collect();
    assert_eq!(got, ints(&[2, 5, 8, 6, 0]));
}

#[test]
fn atan2_in_every_quadrant_and_on_the_axes() {
    // f = atan2(y, x), r2 = x^2 + y^2: f_x = -y/r2, f_y = x/r2,
    // f_xx = 2xy/r2^2, f_xy = (y^2 - x^2)/r2^2, f_yy = -2xy/r2^2.
    let l = loss2(Expr::Atan2(Box::new(y()), Box::new(x())));
    let points = [(1, 1), (-1, 1), (-1, -1), (1, -1), (0, 1), (0, -1), (1, 0), (2, -3), (-3, 2), (-5, -1), (3, 7)];
    for (px, py) in points {
        let (a, b) = (qi(px), qi(py));
        let r2 = &a * &a + &b * &b;
        let r4 = &r2 * &r2;
        let grad = [-&b / &r2, &a / &r2];
        let hess = [
            [qi(2) * &a * &b / &r4, (&b * &b - &a * &a) / &r4],
            [(&b * &b - &a * &a) / &r4, -qi(2) * &a * &b / &r4],
        ];
        let down = Float::with_val_round(300, Float::with_val(300, py).atan2_ref(&Float::with_val(300, px)), Round::Down).0;
        let up = Float::with_val_round(300, Float::with_val(300, py).atan2_ref(&Float::with_val(300, px)), Round::Up).0;
        for prec in [53u32, 128] {
            let at = [Interval::from_int(px, prec), Interval::from_int(py, prec)];
            let j = grad_hess::<Interval>(&l, &at, &prec).unwrap_or_else(|e| panic!("atan2({py}, {px}): {e:?}"));
            assert!(contains_real(&j.v, &down, &up), "atan2({py}, {px}) = {:?}", j.v);
            for i in 0..2 {
                assert!(j.g[i].contains_rational(&grad[i]), "atan2 at ({px}, {py}): gradient {i} {:?} vs {}", j.g[i], grad[i]);
                for (k, hk) in hess[i].iter().enumerate() {
                    assert!(
                        j.hess(i, k).contains_rational(hk),
                        "atan2 at ({px}, {py}): H[{i}][{k}] = {:?} vs {hk}",
                        j.hess(i, k)
                    );
                }
            }
        }
    }
    // On the branch cut (x < 0, y = 0) and at the origin atan2 is refused.
    for (px, py) in [(-1, 0), (0, 0), (-7, 0)] {
        let at = [Interval::from_int(px, 128), Interval::from_int(py, 128)];
        assert!(grad_hess::<Interval>(&l, &at, &128).is_err(), "atan2({py}, {px}) must fail");
        assert!(taylor_1d(&loss1(Expr::Atan2(Box::new(num(qi(py))), Box::new(x()))), &at[0], 0).is_err());
    }
}
