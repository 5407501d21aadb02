//! Evaluation of loss expressions, and the derivative engine's entry points.
//!
//! [`eval`] is written once against [`Algebra`]; instantiated with [`Series`] it gives Taylor
//! coefficients of any order (1-D derivatives, restrictions `t ↦ f(θ + t d)` along a direction),
//! with [`Jet`] it gives gradients and Hessians. The scalar decides the guarantee: exact
//! rationals give exact values, intervals give enclosures, f64 gives plain floats.
//!
//! [`derivatives_best`] is the "exact whenever possible" policy: it first evaluates in exact
//! rationals, then in Q\[π\] (exact at points such as `-pi/2`), and falls back to intervals only
//! if some value is not exact there (`MathError::NotExact`).

use crate::error::{MathError, MathResult};
use crate::expr::{Constant, Expr, Func, Loss};
use crate::interval::Interval;
use crate::jet::Jet;
use crate::pipoly::PiPoly;
use crate::scalar::{Scalar, Sign};
use crate::taylor::{Algebra, Series};
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use std::borrow::Cow;

/// Folds a variable-free expression built from rationals with `+ − × ÷` and integer powers
/// into its exact value; `None` if it involves anything else (constants, functions).
pub fn fold_rational(e: &Expr) -> Option<BigRational> {
    Some(match e {
        Expr::Num(q) => q.clone(),
        Expr::Neg(a) => -fold_rational(a)?,
        Expr::Add(a, b) => fold_rational(a)? + fold_rational(b)?,
        Expr::Sub(a, b) => fold_rational(a)? - fold_rational(b)?,
        Expr::Mul(a, b) => fold_rational(a)? * fold_rational(b)?,
        Expr::Div(a, b) => {
            let d = fold_rational(b)?;
            if d.is_zero() {
                return None;
            }
            fold_rational(a)? / d
        }
        Expr::Pow(a, b) => {
            let base = fold_rational(a)?;
            let ex = fold_rational(b)?;
            if !ex.is_integer() {
                return None;
            }
            crate::scalar::rational_pow_bounded(&base, ex.to_integer().to_i64()?, crate::scalar::MAX_EXACT_POW_BITS)?
        }
        _ => return None,
    })
}

/// Evaluates `e` with the variables bound to `vars`, in the algebra `A`.
///
/// Guarantee: the result is the algebra's image of the expression — exact, enclosing, or
/// floating according to the scalar (see the module doc). Errors are domain errors, division by
/// (possibly) zero, non-differentiability, or `NotExact` for rationals.
pub fn eval<A: Algebra>(e: &Expr, vars: &[A], ctx: &A::Ctx) -> MathResult<A> {
    Ok(eval_cow(e, vars, ctx)?.into_owned())
}

/// [`eval`], borrowing a variable's value instead of copying it (every operation takes its
/// operands by reference; only a bare variable at the top is copied).
fn eval_cow<'v, A: Algebra>(e: &Expr, vars: &'v [A], ctx: &A::Ctx) -> MathResult<Cow<'v, A>> {
    if let Expr::Var(i) = e {
        // (ok_or_else: the message is only formatted on the error path; the evaluator reads a
        // variable at every leaf of every evaluation)
        return vars.get(*i).map(Cow::Borrowed).ok_or_else(|| MathError::Domain {
            func: "variable",
            detail: format!("variable #{i} has no value"),
        });
    }
    let eval = eval_cow;
    Ok(Cow::Owned(match e {
        Expr::Num(q) => A::from_rational(q, ctx),
        Expr::Const(c) => A::constant(*c, ctx)?,
        Expr::Var(_) => unreachable!("handled above"),
        // (a sub-expression's own value is updated in place; a variable's is not touched)
        Expr::Neg(a) => match eval(a, vars, ctx)? {
            Cow::Owned(v) => v.neg_owned(),
            Cow::Borrowed(v) => v.neg(),
        },
        // a rational operand: no arithmetic on the zero derivative part of its value
        Expr::Add(a, b) if matches!(**b, Expr::Num(_)) => eval(a, vars, ctx)?.into_owned().add_rational(num(b), ctx),
        Expr::Add(a, b) if matches!(**a, Expr::Num(_)) => eval(b, vars, ctx)?.into_owned().add_rational(num(a), ctx),
        Expr::Sub(a, b) if matches!(**b, Expr::Num(_)) => eval(a, vars, ctx)?.into_owned().add_rational(&-num(b), ctx),
        Expr::Mul(a, b) if matches!(**b, Expr::Num(_)) => eval(a, vars, ctx)?.into_owned().mul_rational(num(b), ctx),
        Expr::Mul(a, b) if matches!(**a, Expr::Num(_)) => eval(b, vars, ctx)?.into_owned().mul_rational(num(a), ctx),
        Expr::Div(a, b) if matches!(&**b, Expr::Num(q) if !q.is_zero()) => eval(a, vars, ctx)?.into_owned().div_rational(num(b), ctx)?,
        Expr::Add(a, b) => match (eval(a, vars, ctx)?, eval(b, vars, ctx)?) {
            (Cow::Owned(l), r) => l.add_owned(&r),
            (Cow::Borrowed(l), Cow::Owned(r)) => r.add_owned(l),
            (Cow::Borrowed(l), Cow::Borrowed(r)) => l.add(r),
        },
        Expr::Sub(a, b) => match eval(a, vars, ctx)? {
            Cow::Owned(l) => l.sub_owned(&*eval(b, vars, ctx)?),
            Cow::Borrowed(l) => l.sub(&*eval(b, vars, ctx)?),
        },
        Expr::Mul(a, b) => eval(a, vars, ctx)?.mul(&*eval(b, vars, ctx)?),
        Expr::Div(a, b) => eval(a, vars, ctx)?.div(&*eval(b, vars, ctx)?)?,
        Expr::Pow(a, b) => {
            let base = eval(a, vars, ctx)?;
            // (a literal exponent, the common `^2`, is used as it stands: no copy of it)
            let q = match &**b {
                Expr::Num(q) => Some(Cow::Borrowed(q)),
                _ => fold_rational(b).map(Cow::Owned),
            };
            match q {
                Some(q) => base.powq(&q)?,
                None => {
                    // a^b = exp(b log a), defined for a > 0.
                    let ex = eval(b, vars, ctx)?;
                    ex.mul(&base.apply(Func::Log)?).apply(Func::Exp)?
                }
            }
        }
        Expr::Call(f, a) => eval(a, vars, ctx)?.apply(*f)?,
        Expr::Atan2(y, x) => atan2(&*eval(y, vars, ctx)?, &*eval(x, vars, ctx)?, ctx)?,
        Expr::Max(a, b) => max_min(&*eval(a, vars, ctx)?, &*eval(b, vars, ctx)?, true)?,
        Expr::Min(a, b) => max_min(&*eval(a, vars, ctx)?, &*eval(b, vars, ctx)?, false)?,
    }))
}

/// The value of an `Expr::Num` (callers have matched it).
fn num(e: &Expr) -> &BigRational {
    match e {
        Expr::Num(q) => q,
        _ => unreachable!("matched as a number"),
    }
}

/// `atan2(y, x)` as a smooth branch chosen by the certified signs of the values:
/// `atan(y/x)` (x > 0), `atan(y/x) ± π` (x < 0, y ≷ 0), `±π/2 − atan(x/y)` (y ≷ 0).
fn atan2<A: Algebra>(y: &A, x: &A, ctx: &A::Ctx) -> MathResult<A> {
    let half = || A::from_rational(&BigRational::new(1.into(), 2.into()), ctx);
    match (x.value_sign(), y.value_sign()) {
        (Sign::Pos, _) => y.div(x)?.apply(Func::Atan),
        (Sign::Neg, Sign::Pos) => Ok(y.div(x)?.apply(Func::Atan)?.add(&A::constant(Constant::Pi, ctx)?)),
        (Sign::Neg, Sign::Neg) => Ok(y.div(x)?.apply(Func::Atan)?.sub(&A::constant(Constant::Pi, ctx)?)),
        (_, Sign::Pos) => Ok(A::constant(Constant::Pi, ctx)?.mul(&half()).sub(&x.div(y)?.apply(Func::Atan)?)),
        (_, Sign::Neg) => Ok(A::constant(Constant::Pi, ctx)?.mul(&half()).neg().sub(&x.div(y)?.apply(Func::Atan)?)),
        _ => Err(MathError::Domain {
            func: "atan2",
            detail: "the point may be the origin or on the branch cut (x <= 0, y = 0)".into(),
        }),
    }
}

fn max_min<A: Algebra>(a: &A, b: &A, is_max: bool) -> MathResult<A> {
    let d = a.sub(b);
    let name = if is_max { "max" } else { "min" };
    match (d.value_sign(), is_max) {
        (Sign::Pos, true) | (Sign::Neg, false) => Ok(a.clone()),
        (Sign::Neg, true) | (Sign::Pos, false) => Ok(b.clone()),
        _ if a.is_value_only() => Ok(if is_max { a.value_max(b) } else { a.value_min(b) }),
        (Sign::Zero, _) => Err(MathError::NotDifferentiable { func: name }),
        _ => Err(MathError::NotDifferentiable { func: name }),
    }
}

/// Taylor coefficients of a one-variable loss at `x0`, to order `order`.
pub fn taylor_1d<S: Scalar>(loss: &Loss, x0: &S, order: usize) -> MathResult<Series<S>> {
    taylor_1d_at(loss, x0.clone(), order)
}

/// [`taylor_1d`] at a point given by value (no copy of it).
pub fn taylor_1d_at<S: Scalar>(loss: &Loss, x0: S, order: usize) -> MathResult<Series<S>> {
    let ctx = (x0.ctx(), order);
    let v = Series::variable(x0, order);
    eval(&loss.expr, std::slice::from_ref(&v), &ctx)
}

/// Taylor coefficients of the restriction `t ↦ f(θ + t d)` at `t = 0`, to order `order`.
pub fn along<S: Scalar>(loss: &Loss, theta: &[S], dir: &[S], order: usize) -> MathResult<Series<S>> {
    let ctx = theta.first().or(dir.first()).map(|s| s.ctx()).ok_or(MathError::Domain {
        func: "along",
        detail: "no variables".into(),
    })?;
    let vars: Vec<Series<S>> = theta.iter().zip(dir).map(|(a, d)| Series::line(a.clone(), d.clone(), order)).collect();
    eval(&loss.expr, &vars, &(ctx, order))
}

/// Value, gradient and Hessian of the loss at `at`.
pub fn grad_hess<S: Scalar>(loss: &Loss, at: &[S], ctx: &S::Ctx) -> MathResult<Jet<S>> {
    let n = at.len();
    let vars: Vec<Jet<S>> = at.iter().enumerate().map(|(i, a)| Jet::variable(a.clone(), i, n)).collect();
    eval(&loss.expr, &vars, &(ctx.clone(), n))
}

/// The value of the loss at `at` (a series of order 0).
pub fn value<S: Scalar>(loss: &Loss, at: &[S], ctx: &S::Ctx) -> MathResult<S> {
    let vars: Vec<Series<S>> = at.iter().map(|a| Series::constant(a.clone(), 0)).collect();
    Ok(eval(&loss.expr, &vars, &(ctx.clone(), 0))?.c.swap_remove(0))
}

/// A number that is known exactly (a rational, or an element of Q\[π\]), or only enclosed.
#[derive(Clone, Debug)]
pub enum Num {
    Exact(BigRational),
    /// Exact, with a π part (e.g. `-pi/2`).
    Pi(PiPoly),
    Enclosed(Interval),
}

impl Num {
    /// An interval enclosure at precision `prec`.
    pub fn to_interval(&self, prec: u32) -> Interval {
        match self {
            Num::Exact(q) => Interval::from_rational(q, prec),
            Num::Pi(p) => p.enclose(prec),
            Num::Enclosed(i) => i.clone(),
        }
    }
    /// The exact rational value, if known.
    pub fn exact(&self) -> Option<&BigRational> {
        match self {
            Num::Exact(q) => Some(q),
            _ => None,
        }
    }
    /// The exact value in Q\[π\], if known.
    pub fn pi_exact(&self) -> Option<PiPoly> {
        match self {
            Num::Exact(q) => Some(PiPoly::rational(q.clone())),
            Num::Pi(p) => Some(p.clone()),
            Num::Enclosed(_) => None,
        }
    }
    /// True when the value is known exactly.
    pub fn is_exact(&self) -> bool {
        !matches!(self, Num::Enclosed(_))
    }
    /// From an element of Q\[π\], as a rational when it has no π part.
    pub fn from_pipoly(p: PiPoly) -> Num {
        match p.as_rational() {
            Some(q) => Num::Exact(q),
            None => Num::Pi(p),
        }
    }
}

/// Evaluates a constant expression (a point coordinate such as `-pi/2`): exactly when it lies
/// in Q\[π\] with an exact evaluation, otherwise as an enclosure at `prec` bits.
pub fn const_value(e: &Expr, prec: u32) -> MathResult<Num> {
    if let Some(q) = fold_rational(e) {
        return Ok(Num::Exact(q));
    }
    let loss = Loss { expr: e.clone(), vars: vec![], source: String::new() };
    match value::<PiPoly>(&loss, &[], &()) {
        Ok(p) => Ok(Num::from_pipoly(p)),
        Err(MathError::NotExact { .. }) => Ok(Num::Enclosed(value::<Interval>(&loss, &[], &prec)?)),
        Err(e) => Err(e),
    }
}

/// Derivatives of the loss along a direction (or of a 1-D loss when `dir` is `[1]`), exactly
/// when the data allow it, else as enclosures at `prec` bits.
///
/// Guarantee: entry `k` is `f^(k)` of `t ↦ f(θ + t d)` at 0, exact (`Num::Exact`) or enclosed.
pub fn derivatives_best(loss: &Loss, theta: &[Num], dir: &[Num], order: usize, prec: u32) -> MathResult<Vec<Num>> {
    if theta.iter().chain(dir).all(|n| n.exact().is_some()) {
        let t: Vec<BigRational> = theta.iter().map(|n| n.exact().unwrap().clone()).collect();
        let d: Vec<BigRational> = dir.iter().map(|n| n.exact().unwrap().clone()).collect();
        match along(loss, &t, &d, order) {
            Ok(s) => return Ok(s.into_derivatives().into_iter().map(Num::Exact).collect()),
            Err(MathError::NotExact { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    if theta.iter().chain(dir).all(|n| n.is_exact()) {
        let t: Vec<PiPoly> = theta.iter().map(|n| n.pi_exact().unwrap()).collect();
        let d: Vec<PiPoly> = dir.iter().map(|n| n.pi_exact().unwrap()).collect();
        match along(loss, &t, &d, order) {
            Ok(s) => return Ok(s.into_derivatives().into_iter().map(Num::from_pipoly).collect()),
            Err(MathError::NotExact { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let t: Vec<Interval> = theta.iter().map(|n| n.to_interval(prec)).collect();
    let d: Vec<Interval> = dir.iter().map(|n| n.to_interval(prec)).collect();
    let s = along(loss, &t, &d, order)?;
    Ok(s.into_derivatives().into_iter().map(Num::Enclosed).collect())
}
