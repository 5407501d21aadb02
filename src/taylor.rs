//! Truncated Taylor series (Taylor-mode automatic differentiation), generic over the scalar.
//!
//! A [`Series`] of order `n` holds `c[0..=n]`, the Taylor coefficients `u^(k)(t0)/k!` of a
//! function `u(t)` at a point. Every operation maps the series of its arguments to the series
//! of the result, using the standard recurrences (products, quotients, and the linear ODEs
//! satisfied by `exp`, `log`, `sin`/`cos`, `tan`, powers, ...). The calculus is written once:
//!
//! - with `BigRational` coefficients every coefficient is the exact value;
//! - with `Interval` coefficients every coefficient contains the exact value, for every choice
//!   of the inputs' coefficients within their enclosures (each step is a composition of
//!   inclusion-monotone interval operations);
//! - with `f64` coefficients it is plain floating point.
//!
//! Non-smooth functions (`abs`, `relu`, `max`, `min`) differentiate only where the sign of
//! their argument is certified; otherwise they return `NotDifferentiable` (order ≥ 1).

use crate::error::{MathError, MathResult};
use crate::expr::{Constant, Func};
use crate::scalar::{Scalar, Sign};
use num_rational::BigRational;
use num_traits::ToPrimitive;

/// The operations the expression evaluator needs; implemented by [`Series`] and by the
/// multivariate jets of [`crate::jet`]. Writing the evaluator against this trait is what keeps
/// one copy of the calculus.
pub trait Algebra: Clone + Sized {
    /// What is needed to build constants (scalar context, order, number of variables, ...).
    type Ctx: Clone;
    fn from_rational(q: &BigRational, ctx: &Self::Ctx) -> Self;
    fn constant(c: Constant, ctx: &Self::Ctx) -> MathResult<Self>;
    fn add(&self, o: &Self) -> Self;
    fn sub(&self, o: &Self) -> Self;
    fn mul(&self, o: &Self) -> Self;
    fn neg(&self) -> Self;
    /// `self + o`, `self − o`, `−self`, consuming `self` (implementations may reuse its
    /// storage; the same value as `add`, `sub`, `neg`).
    fn add_owned(self, o: &Self) -> Self {
        self.add(o)
    }
    fn sub_owned(self, o: &Self) -> Self {
        self.sub(o)
    }
    fn neg_owned(self) -> Self {
        self.neg()
    }
    fn div(&self, o: &Self) -> MathResult<Self>;
    /// `self + q`, `self · q`, `self / q` for a rational constant `q` (its value in the
    /// algebra is `from_rational(q)`). The defaults go through that constant; an algebra
    /// may skip the arithmetic on its (zero) non-constant part, with the same result.
    fn add_rational(self, q: &BigRational, ctx: &Self::Ctx) -> Self {
        self.add_owned(&Self::from_rational(q, ctx))
    }
    fn mul_rational(self, q: &BigRational, ctx: &Self::Ctx) -> Self {
        self.mul(&Self::from_rational(q, ctx))
    }
    fn div_rational(self, q: &BigRational, ctx: &Self::Ctx) -> MathResult<Self> {
        self.div(&Self::from_rational(q, ctx))
    }
    fn powi(&self, n: i64) -> MathResult<Self>;
    fn powq(&self, q: &BigRational) -> MathResult<Self>;
    fn apply(&self, f: Func) -> MathResult<Self>;
    /// The certified sign of the value (order-0 part).
    fn value_sign(&self) -> Sign;
    /// True when only the value (no derivative) is carried.
    fn is_value_only(&self) -> bool;
    /// `max`/`min` on the value only (used when no derivative is carried).
    fn value_max(&self, o: &Self) -> Self;
    fn value_min(&self, o: &Self) -> Self;
}

/// A truncated Taylor series `c[0] + c[1] t + ... + c[n] t^n`.
#[derive(Clone, Debug, PartialEq)]
pub struct Series<S> {
    pub c: Vec<S>,
}

/// `q` as an `i64` when it is an integer of at most 53 bits (then `from_rational(q)` is the
/// exact point at every precision of 53 bits or more, and the integer operations round as the
/// general ones do; below 53 bits they are tighter).
fn small_integer(q: &BigRational) -> Option<i64> {
    use num_traits::ToPrimitive;
    if !q.is_integer() {
        return None;
    }
    q.numer().to_i64().filter(|n| n.unsigned_abs() < 1 << 53)
}

/// `x / k` for a borrowed `x` ([`over`] without a copy of `x` first).
fn over_ref<S: Scalar>(x: &S, k: usize) -> S {
    if k == 1 {
        x.clone()
    } else {
        x.div_int(k as i64)
    }
}

/// `x / k` (÷ 1 is exact in every scalar: `x` itself).
fn over<S: Scalar>(x: S, k: usize) -> S {
    if k == 1 {
        x
    } else {
        x.div_int_owned(k as i64)
    }
}

fn factorial_like<S: Scalar>(x: S, k: usize) -> S {
    // x·2·3·4 as one product: ×2 and ×4 are exact in binary arithmetic, so x·6 and x·24 round
    // exactly as the step-by-step products do (the same enclosure, fewer operations).
    let mut r = match k {
        0 | 1 => x,
        2 => x.mul_int_owned(2),
        3 => x.mul_int_owned(6),
        _ => x.mul_int_owned(24),
    };
    for i in 5..=k {
        r = r.mul_int_owned(i as i64);
    }
    r
}

impl<S: Scalar> Series<S> {
    /// The constant series `a` of order `n`.
    pub fn constant(a: S, n: usize) -> Self {
        Self::padded(Self::starting(a, n), n)
    }

    /// A coefficient vector holding `first`, with room for `n + 1` (pushing up to order `n`
    /// never reallocates).
    fn starting(first: S, n: usize) -> Vec<S> {
        let mut v = Vec::with_capacity(n + 1);
        v.push(first);
        v
    }

    /// The leading coefficients `head` followed by zeros up to order `n >= head.len() - 1`.
    fn padded(mut head: Vec<S>, n: usize) -> Self {
        if head.len() <= n {
            let z = S::from_int(0, &head[0].ctx());
            head.resize(n + 1, z);
        }
        Series { c: head }
    }

    /// The variable `t ↦ a + t` of order `n` (the independent variable at `a`).
    pub fn variable(a: S, n: usize) -> Self {
        let one = S::from_int(1, &a.ctx());
        Self::line(a, one, n)
    }

    /// The line `t ↦ a + d t` of order `n` (a coordinate along a direction).
    pub fn line(a: S, d: S, n: usize) -> Self {
        if n == 0 {
            return Series { c: vec![a] };
        }
        let mut head = Self::starting(a, n);
        head.push(d);
        Self::padded(head, n)
    }

    /// The truncation order `n`.
    pub fn order(&self) -> usize {
        self.c.len() - 1
    }

    /// The k-th derivative `u^(k)(t0) = k! c[k]`.
    pub fn derivative(&self, k: usize) -> S {
        factorial_like(self.c[k].clone(), k)
    }

    /// [`Series::derivative`], consuming the series (no copy of the coefficient).
    pub fn into_derivative(mut self, k: usize) -> S {
        factorial_like(self.c.swap_remove(k), k)
    }

    /// The derivatives of orders `k` and `k + 1`, consuming the series (no copies).
    pub fn into_derivative_pair(mut self, k: usize) -> (S, S) {
        self.c.truncate(k + 2);
        let d1 = factorial_like(self.c.pop().expect("order k + 1"), k + 1);
        let d0 = factorial_like(self.c.pop().expect("order k"), k);
        (d0, d1)
    }

    /// All derivatives `u(t0), u'(t0), ..., u^(n)(t0)`.
    pub fn derivatives(&self) -> Vec<S> {
        (0..self.c.len()).map(|k| self.derivative(k)).collect()
    }

    /// [`Series::derivatives`], consuming the series (no copies of the coefficients).
    pub fn into_derivatives(self) -> Vec<S> {
        self.c.into_iter().enumerate().map(|(k, c)| factorial_like(c, k)).collect()
    }

    fn zero_like(&self) -> S {
        S::from_int(0, &self.c[0].ctx())
    }

    /// Coefficient `k` of the product `a·b` (the Cauchy product), for `k ≤ n`.
    fn prod_coef(a: &[S], b: &[S], k: usize) -> S {
        let mut acc = a[0].mul(&b[k]);
        for j in 1..=k {
            acc.add_mul(&a[j], &b[k - j]);
        }
        acc
    }

    /// `Σ_{j<=k} du_j b_{k−j}` for the coefficients `du` of `u'`; when `linear` (every `du_j`,
    /// `j >= 1`, exactly zero: `u` affine in the variable, as in `sin(x)` or `exp(-x/5)`) just
    /// `du_0 b_k`, the same value (the zero terms add exactly nothing) without the products.
    fn chain_coef(du: &[S], b: &[S], k: usize, linear: bool) -> S {
        if linear {
            // (the variable itself: u' = 1 exactly, and 1·b is b)
            if du[0].is_exactly_one() {
                return b[k].clone();
            }
            du[0].mul(&b[k])
        } else {
            Self::prod_coef(du, b, k)
        }
    }

    /// `chain_coef(du, b, k − 1, linear) / k`; when `u` is the variable itself (`u' = 1`
    /// exactly) that is `b[k − 1] / k`, computed without first copying `b[k − 1]`.
    fn chain_over(du: &[S], b: &[S], k: usize, linear: bool) -> S {
        if linear && du[0].is_exactly_one() {
            return over_ref(&b[k - 1], k);
        }
        over(Self::chain_coef(du, b, k - 1, linear), k)
    }

    /// Whether the derivative coefficients `du` are exactly zero from `du_1` on.
    fn is_linear(du: &[S]) -> bool {
        du.iter().skip(1).all(|d| d.sign() == Sign::Zero)
    }

    /// `(du, linear)` for the chain rule, `du` as a vector only when it had to be computed: when
    /// `u` is affine (its coefficients from `c[2]` on are exact zeros, which is when `u'`'s are
    /// from `du[1]` on) only `du[0] = c[1]` is read ([`Series::chain_coef`] with `linear`), so
    /// [`Series::du_slice`] borrows it instead.
    fn chain_du(&self) -> (Option<Vec<S>>, bool) {
        if self.c.iter().skip(2).all(|d| d.sign() == Sign::Zero) {
            return (None, true);
        }
        // some c_k (k >= 2) is not exactly 0, so neither is k·c_k: not linear
        (Some(self.deriv_coefs()), false)
    }

    /// The coefficients `du` of [`Series::chain_du`] (`[c_1]`, or nothing at order 0).
    fn du_slice<'a>(&'a self, du: &'a Option<Vec<S>>) -> &'a [S] {
        match du {
            Some(v) => v,
            None => self.c.get(1..2).unwrap_or(&[]),
        }
    }

    /// The series of the derivative `u'`, of order `n-1` (coefficients `(k+1) c[k+1]`).
    fn deriv_coefs(&self) -> Vec<S> {
        // (× 1 is exact in every scalar: a copy)
        (1..self.c.len()).map(|k| if k == 1 { self.c[1].clone() } else { self.c[k].mul_int(k as i64) }).collect()
    }

    /// Builds `f(u)` from `f0 = f(u0)` and the linear ODE `f' = u' · g`, where `g`'s
    /// coefficient `m` is computed from `f[0..=m]` by `g_coef(f, m)` (so `g` may depend on f).
    fn integrate_ode(&self, f0: S, mut g_coef: impl FnMut(&[S], usize) -> MathResult<S>) -> MathResult<Self> {
        let n = self.order();
        let (du, linear) = self.chain_du(); // du[i] = (i+1) u_{i+1}
        let du = self.du_slice(&du);
        let mut f = Vec::with_capacity(n + 1);
        f.push(f0);
        let mut g: Vec<S> = Vec::with_capacity(n);
        for k in 1..=n {
            g.push(g_coef(&f, k - 1)?);
            // k f_k = sum_{j=0}^{k-1} du_j g_{k-1-j}
            f.push(Self::chain_over(&du, &g, k, linear));
        }
        Ok(Series { c: f })
    }

    /// Integral of a known derivative series: `f_0 = f0`, `f_k = d_{k-1}/k` (consuming `d`,
    /// which has at least `n` coefficients: no copies).
    fn integrate(f0: S, d: Vec<S>, n: usize) -> Self {
        let mut c = Self::starting(f0, n);
        c.extend(d.into_iter().take(n).enumerate().map(|(i, dk)| over(dk, i + 1)));
        Series { c }
    }

    /// `u²`, using the symmetry of the Cauchy product and the scalar's tight square.
    pub fn square(&self) -> MathResult<Self> {
        let n = self.order();
        let mut c = Vec::with_capacity(n + 1);
        for k in 0..=n {
            let mut acc: Option<S> = None;
            for j in 0..(k + 1) / 2 {
                let t = self.c[j].mul(&self.c[k - j]);
                acc = Some(match acc {
                    None => t,
                    Some(a) => a.add_owned(&t),
                });
            }
            let v = acc.map(|a| a.mul_int_owned(2));
            let v = if k % 2 == 0 {
                let sq = self.c[k / 2].powi(2)?;
                match v {
                    None => sq,
                    Some(v) => v.add_owned(&sq),
                }
            } else {
                v.expect("an odd k has a cross term")
            };
            c.push(v);
        }
        Ok(Series { c })
    }

    fn sqrt_series(&self) -> MathResult<Self> {
        let n = self.order();
        let s0 = self.c[0].apply(Func::Sqrt)?;
        if n == 0 {
            return Ok(Series { c: vec![s0] });
        }
        let two_s0 = s0.mul_int(2);
        if two_s0.sign() != Sign::Pos {
            return Err(MathError::NotDifferentiable { func: "sqrt" });
        }
        let mut c = Self::starting(s0, n);
        for k in 1..=n {
            let mut acc = self.c[k].clone();
            for j in 1..k {
                acc = acc.sub_owned(&c[j].mul(&c[k - j]));
            }
            c.push(acc.div(&two_s0)?);
        }
        Ok(Series { c })
    }

    /// `u^r` for a non-integer rational `r`, needing `u0 > 0` when derivatives are asked.
    fn powq_series(&self, r: &BigRational) -> MathResult<Self> {
        let n = self.order();
        let p0 = self.c[0].powq(r)?;
        if n == 0 {
            return Ok(Series { c: vec![p0] });
        }
        if self.c[0].sign() != Sign::Pos {
            return Err(MathError::NotDifferentiable { func: "pow" });
        }
        let ctx = self.c[0].ctx();
        let rr = S::from_rational(r, &ctx);
        let mut c = Self::starting(p0, n);
        // a0 k p_k = sum_{j=1}^{k} (r j - (k - j)) a_j p_{k-j}
        for k in 1..=n {
            let mut acc = self.zero_like();
            for j in 1..=k {
                let coef = rr.mul_int(j as i64).sub(&S::from_int((k - j) as i64, &ctx));
                acc = acc.add_owned(&coef.mul(&self.c[j]).mul(&c[k - j]));
            }
            c.push(acc.div(&self.c[0].mul_int(k as i64))?);
        }
        Ok(Series { c })
    }
}

impl<S: Scalar> Algebra for Series<S> {
    /// (scalar context, truncation order)
    type Ctx = (S::Ctx, usize);

    fn from_rational(q: &BigRational, ctx: &Self::Ctx) -> Self {
        Series::constant(S::from_rational(q, &ctx.0), ctx.1)
    }
    fn constant(c: Constant, ctx: &Self::Ctx) -> MathResult<Self> {
        Ok(Series::constant(S::constant(c, &ctx.0)?, ctx.1))
    }
    fn add(&self, o: &Self) -> Self {
        Series { c: self.c.iter().zip(&o.c).map(|(a, b)| a.add(b)).collect() }
    }
    fn sub(&self, o: &Self) -> Self {
        Series { c: self.c.iter().zip(&o.c).map(|(a, b)| a.sub(b)).collect() }
    }
    fn mul(&self, o: &Self) -> Self {
        let n = self.order();
        Series { c: (0..=n).map(|k| Self::prod_coef(&self.c, &o.c, k)).collect() }
    }
    fn neg(&self) -> Self {
        Series { c: self.c.iter().map(|a| a.neg()).collect() }
    }
    fn add_owned(self, o: &Self) -> Self {
        Series { c: self.c.into_iter().zip(&o.c).map(|(a, b)| a.add_owned(b)).collect() }
    }
    // With a constant series (q, 0, ..., 0): the sum changes c[0] only, the Cauchy product
    // is q·c[k] and the quotient recurrence c[k]/q (the other terms are exact zeros).
    fn add_rational(mut self, q: &BigRational, ctx: &Self::Ctx) -> Self {
        // c[0] + q in place (the same sum as `c[0].add(q)`)
        let c0 = std::mem::replace(&mut self.c[0], S::from_rational(q, &ctx.0));
        let sum = c0.add_owned(&self.c[0]);
        self.c[0] = sum;
        self
    }
    // An integer q (the common `2*f`, `f/2`) goes through the scalar's integer product and
    // quotient: the same directed roundings as with the constant `from_rational(q)`, without
    // building it and without the general product's sign cases.
    fn mul_rational(self, q: &BigRational, ctx: &Self::Ctx) -> Self {
        if let Some(n) = small_integer(q) {
            return Series { c: self.c.into_iter().map(|a| a.mul_int_owned(n)).collect() };
        }
        let s = S::from_rational(q, &ctx.0);
        Series { c: self.c.iter().map(|a| s.mul(a)).collect() }
    }
    fn div_rational(self, q: &BigRational, ctx: &Self::Ctx) -> MathResult<Self> {
        if let Some(n) = small_integer(q).filter(|&n| n != 0) {
            return Ok(Series { c: self.c.into_iter().map(|a| a.div_int_owned(n)).collect() });
        }
        let s = S::from_rational(q, &ctx.0);
        Ok(Series { c: self.c.iter().map(|a| a.div(&s)).collect::<MathResult<_>>()? })
    }
    fn sub_owned(self, o: &Self) -> Self {
        Series { c: self.c.into_iter().zip(&o.c).map(|(a, b)| a.sub_owned(b)).collect() }
    }
    fn neg_owned(self) -> Self {
        Series { c: self.c.into_iter().map(|a| a.neg_owned()).collect() }
    }
    fn div(&self, o: &Self) -> MathResult<Self> {
        // q_k = (a_k - sum_{j=1}^{k} b_j q_{k-j}) / b_0
        let n = self.order();
        let b0 = &o.c[0];
        let mut q: Vec<S> = Vec::with_capacity(n + 1);
        // Terms with b_j exactly zero are skipped (a − 0·q = a exactly in every scalar): for an
        // affine divisor (x, 2x + 1, ...) each coefficient takes one product instead of k.
        let nonzero: Vec<usize> = (1..o.c.len().min(n + 1)).filter(|&j| o.c[j].sign() != Sign::Zero).collect();
        for k in 0..=n {
            // (a_k itself is only read: the first subtraction makes the accumulator)
            let mut acc: Option<S> = None;
            for &j in nonzero.iter().take_while(|&&j| j <= k) {
                // (b_j = 1 exactly, e.g. the variable's: 1·q is q)
                let prod;
                let t = if o.c[j].is_exactly_one() {
                    &q[k - j]
                } else {
                    prod = o.c[j].mul(&q[k - j]);
                    &prod
                };
                acc = Some(match acc {
                    None => self.c[k].sub(t),
                    Some(a) => a.sub_owned(t),
                });
            }
            q.push(acc.as_ref().unwrap_or(&self.c[k]).div(b0)?);
        }
        Ok(Series { c: q })
    }
    fn powi(&self, n: i64) -> MathResult<Self> {
        let ord = self.order();
        if n == 0 {
            return Ok(Series::constant(S::from_int(1, &self.c[0].ctx()), ord));
        }
        if n < 0 {
            let pos = self.powi(-n)?;
            let one = Series::constant(S::from_int(1, &self.c[0].ctx()), ord);
            return one.div(&pos);
        }
        if n == 2 {
            return self.square(); // its value coefficient is the tight scalar square
        }
        // Binary powering by products (exact even at u0 = 0), then the tight scalar power
        // for the value coefficient (both are enclosures of the same number). The value comes
        // first: an exact power too large to hold is refused there before any product is formed.
        let value = self.c[0].powi(n)?;
        let mut result: Option<Self> = None;
        let mut base = self.clone();
        let mut e = n;
        while e > 0 {
            if e & 1 == 1 {
                result = Some(match result {
                    None => base.clone(),
                    Some(r) => r.mul(&base),
                });
            }
            e >>= 1;
            if e > 0 {
                base = base.square()?;
            }
        }
        let mut r = result.expect("n > 0");
        r.c[0] = value;
        Ok(r)
    }
    fn powq(&self, q: &BigRational) -> MathResult<Self> {
        if q.is_integer() {
            return self.powi(q.numer().to_i64().ok_or(MathError::Overflow)?);
        }
        self.powq_series(q)
    }
    fn apply(&self, f: Func) -> MathResult<Self> {
        let n = self.order();
        let u0 = &self.c[0];
        let ctx = u0.ctx();
        let one = || S::from_int(1, &ctx);
        match f {
            Func::Exp => {
                let f0 = u0.apply(Func::Exp)?;
                // f' = u'·f: the ODE of `integrate_ode` with g = f itself, so the chain rule
                // reads f's own coefficients instead of copies of them
                let (du, linear) = self.chain_du();
                let du = self.du_slice(&du);
                let mut c = Self::starting(f0, n);
                for k in 1..=n {
                    let v = Self::chain_over(du, &c, k, linear);
                    c.push(v);
                }
                Ok(Series { c })
            }
            Func::Log => {
                // (log u)' = u'/u by one series division (for an affine u the same operations
                // as u'·(1/u), with one product fewer per coefficient otherwise)
                let f0 = u0.apply(Func::Log)?;
                if n == 0 {
                    return Ok(Series { c: vec![f0] });
                }
                let q = Series { c: self.deriv_coefs() }.div(self)?;
                Ok(Self::integrate(f0, q.c, n))
            }
            Func::Sin | Func::Cos => {
                let (s, c) = self.trig_pair(false, Some(f == Func::Sin))?;
                Ok(if f == Func::Sin { s } else { c })
            }
            Func::Sinh | Func::Cosh => {
                let (s, c) = self.trig_pair(true, Some(f == Func::Sinh))?;
                Ok(if f == Func::Sinh { s } else { c })
            }
            Func::Tan => {
                // tan' = u' (1 + tan²)
                let f0 = u0.apply(Func::Tan)?;
                self.integrate_ode(f0, |f, m| {
                    let sq = Self::prod_coef(f, f, m);
                    Ok(if m == 0 { sq.add_owned(&S::from_int(1, &f[0].ctx())) } else { sq })
                })
            }
            Func::Tanh => {
                let f0 = u0.apply(Func::Tanh)?;
                self.integrate_ode(f0, |f, m| {
                    let sq = Self::prod_coef(f, f, m).neg_owned();
                    Ok(if m == 0 { sq.add_owned(&S::from_int(1, &f[0].ctx())) } else { sq })
                })
            }
            Func::Sigmoid => {
                // σ' = u' (σ - σ²)
                let f0 = u0.apply(Func::Sigmoid)?;
                self.integrate_ode(f0, |f, m| Ok(f[m].sub(&Self::prod_coef(f, f, m))))
            }
            Func::Softplus => {
                // softplus' = u' σ(u)
                let f0 = u0.apply(Func::Softplus)?;
                if n == 0 {
                    return Ok(Series { c: vec![f0] });
                }
                let sig = self.apply(Func::Sigmoid)?;
                Ok(Self::integrate(f0, Self::mul_trunc(&self.deriv_coefs(), &sig.c, n), n))
            }
            Func::Atan => {
                let f0 = u0.apply(Func::Atan)?;
                if n == 0 {
                    return Ok(Series { c: vec![f0] });
                }
                let den = Series::constant(one(), n).add(&self.square()?);
                let g = Series { c: self.deriv_coefs() }.div(&den.truncate(n - 1))?;
                Ok(Self::integrate(f0, g.c, n))
            }
            Func::Asin | Func::Acos => {
                let f0 = u0.apply(f)?;
                if n == 0 {
                    return Ok(Series { c: vec![f0] });
                }
                let s = Series::constant(one(), n).sub(&self.square()?).truncate(n - 1);
                let root = s.sqrt_series().map_err(|_| MathError::NotDifferentiable { func: f.name() })?;
                let mut g = Series { c: self.deriv_coefs() }
                    .div(&root)
                    .map_err(|_| MathError::NotDifferentiable { func: f.name() })?;
                if f == Func::Acos {
                    g = g.neg();
                }
                Ok(Self::integrate(f0, g.c, n))
            }
            Func::Sqrt => self.sqrt_series(),
            Func::Gauss => self.square()?.neg().apply(Func::Exp),
            Func::Abs | Func::Relu => {
                let v = u0.apply(f)?;
                if n == 0 {
                    return Ok(Series { c: vec![v] });
                }
                match (u0.sign(), f) {
                    (Sign::Pos, _) => Ok(self.clone()),
                    (Sign::Neg, Func::Abs) => Ok(self.neg()),
                    (Sign::Neg, _) => Ok(Series::constant(S::from_int(0, &ctx), n)),
                    _ => Err(MathError::NotDifferentiable { func: f.name() }),
                }
            }
        }
    }
    fn value_sign(&self) -> Sign {
        self.c[0].sign()
    }
    fn is_value_only(&self) -> bool {
        self.c.len() == 1
    }
    fn value_max(&self, o: &Self) -> Self {
        Series { c: vec![self.c[0].max(&o.c[0])] }
    }
    fn value_min(&self, o: &Self) -> Self {
        Series { c: vec![self.c[0].min(&o.c[0])] }
    }
}

impl<S: Scalar> Series<S> {
    /// The first `m+1` coefficients.
    pub fn truncate(&self, m: usize) -> Self {
        Series { c: self.c[..=m].to_vec() }
    }

    /// Product of two coefficient slices truncated to `n` coefficients (order n-1).
    fn mul_trunc(a: &[S], b: &[S], n: usize) -> Vec<S> {
        let linear = Self::is_linear(a);
        (0..n).map(|k| Self::chain_coef(a, b, k, linear)).collect()
    }

    /// `(sin u, cos u)` together: `s' = u' c`, `c' = −u' s`.
    pub fn sin_cos(&self) -> MathResult<(Self, Self)> {
        self.trig_pair(false, None)
    }

    /// `(sinh u, cosh u)` together: `s' = u' c`, `c' = u' s`.
    pub fn sinh_cosh(&self) -> MathResult<(Self, Self)> {
        self.trig_pair(true, None)
    }

    /// The pair of series; with `only = Some(first)`, just the first (sin, sinh) or the second
    /// (cos, cosh) is wanted: the other's top coefficient is never read by the recurrence, so
    /// it is not formed (the wanted series is the same; the other is returned one shorter).
    fn trig_pair(&self, hyperbolic: bool, only: Option<bool>) -> MathResult<(Self, Self)> {
        let n = self.order();
        let (s0, c0) = if hyperbolic {
            (self.c[0].apply(Func::Sinh)?, self.c[0].apply(Func::Cosh)?)
        } else {
            self.c[0].sin_cos()?
        };
        let mut s = Self::starting(s0, n);
        let mut c = Self::starting(c0, n);
        let (du, linear) = self.chain_du();
        let du = self.du_slice(&du);
        for k in 1..=n {
            // s_k reads c_(k−1) and c_k reads s_(k−1): at k = n the unwanted one is not needed
            if k < n || only != Some(false) {
                s.push(Self::chain_over(&du, &c, k, linear));
            }
            if k < n || only != Some(true) {
                let ck = Self::chain_over(&du, &s[..k], k, linear);
                c.push(if hyperbolic { ck } else { ck.neg_owned() });
            }
        }
        Ok((Series { c: s }, Series { c }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::Interval;
    use proptest::prelude::*;

    fn series(coefs: &[(i64, u32)], prec: u32) -> Series<Interval> {
        let c = coefs
            .iter()
            .map(|&(a, w)| Interval::from_rational(&BigRational::new(a.into(), 7.into()), prec).hull(&Interval::from_int(a + i64::from(w), prec)))
            .collect();
        Series { c }
    }

    proptest! {
        /// sin, cos, sinh and cosh of a series, each formed alone (the other series' top
        /// coefficient skipped), are bit-identical to the pair's members, at every order and for
        /// affine and non-affine arguments.
        #[test]
        fn one_sided_trig_equals_the_pair(a in -3000i64..3000, b in -50i64..50, c2 in -20i64..20, order in 0usize..6) {
            let mut coefs = vec![(a, 1u32), (b, 0)];
            coefs.push((c2, 0));
            let u = Series::padded(series(&coefs, 128).c, order.max(2));
            let u = Series { c: u.c[..=order].to_vec() };
            let (s, c) = u.sin_cos().unwrap();
            prop_assert_eq!(u.apply(Func::Sin).unwrap(), s);
            prop_assert_eq!(u.apply(Func::Cos).unwrap(), c);
            let (sh, ch) = u.sinh_cosh().unwrap();
            prop_assert_eq!(u.apply(Func::Sinh).unwrap(), sh);
            prop_assert_eq!(u.apply(Func::Cosh).unwrap(), ch);
        }

        /// `k!·c` by the grouped products is bit-identical to the step-by-step products
        /// `c·2·3·…·k` (×2 and ×4 are exact), for intervals of any sign and width.
        #[test]
        fn factorial_products_equal_step_by_step(a in -1_000_000i64..1_000_000, w in 0u32..1000, d in 1i64..1000, k in 0usize..9, prec in prop::sample::select(vec![53u32, 64, 128])) {
            let x = Interval::from_rational(&BigRational::new(a.into(), d.into()), prec).hull(&Interval::from_rational(&BigRational::new((a + i64::from(w)).into(), 7.into()), prec));
            let mut step = x.clone();
            for i in 2..=k {
                step = step.mul_int_owned(i as i64);
            }
            prop_assert_eq!(factorial_like(x, k), step);
        }

        /// For an affine argument (derivative coefficients zero from the second on) the chain
        /// coefficient's shortcut is bit-identical to the full sum.
        #[test]
        fn chain_coef_shortcut_equals_the_full_sum(
            lead in (-1000i64..1000, 0u32..50),
            coefs in prop::collection::vec((-1000i64..1000, 0u32..50), 1..8),
            prec in prop::sample::select(vec![64u32, 128]),
        ) {
            let b = series(&coefs, prec).c;
            let mut du = vec![series(&[lead], prec).c[0].clone()];
            du.resize(b.len(), Interval::from_int(0, prec));
            prop_assert!(Series::is_linear(&du));
            for k in 0..b.len() {
                prop_assert_eq!(Series::chain_coef(&du, &b, k, true), Series::prod_coef(&du, &b, k));
            }
        }

        /// The rational-operand paths give exactly the series of the general operations with
        /// the constant series `from_rational(q)` (so they inherit their guarantee).
        #[test]
        fn rational_operands_equal_the_general_operations(
            coefs in prop::collection::vec((-1000i64..1000, 0u32..50), 1..8),
            num in -1000i64..1000, den in 1i64..1000,
            prec in prop::sample::select(vec![64u32, 128]),
        ) {
            let s = series(&coefs, prec);
            let q = BigRational::new(num.into(), den.into());
            let ctx = (prec, s.order());
            let k = Series::from_rational(&q, &ctx);
            prop_assert_eq!(s.clone().add_rational(&q, &ctx), s.add(&k));
            prop_assert_eq!(s.clone().mul_rational(&q, &ctx), k.mul(&s));
            prop_assert_eq!(s.clone().mul_rational(&q, &ctx), s.mul(&k));
            if num != 0 {
                prop_assert_eq!(s.clone().div_rational(&q, &ctx).unwrap(), s.div(&k).unwrap());
            }
        }
    }
}
