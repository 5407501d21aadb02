//! Multivariate second-order jets: value, gradient and Hessian of an expression at a point
//! (or over a box), in one forward pass.
//!
//! A [`Jet`] represents `f(x0 + δ) = v + g·δ + ½ δᵀ H δ + O(|δ|³)`. Arithmetic is the exact
//! second-order calculus; an elementary function `φ` is applied through its univariate Taylor
//! coefficients at the value, `φ(v + t) = c0 + c1 t + c2 t² + ...`, which come from
//! [`Series`] — so the calculus of every elementary function lives only in `taylor.rs`.
//! Guarantees follow the scalar: exact for rationals, enclosures for intervals.

use crate::error::MathResult;
use crate::expr::{Constant, Func};
use crate::scalar::{Scalar, Sign};
use crate::taylor::{Algebra, Series};
use num_rational::BigRational;

/// Value, gradient and Hessian (packed upper triangle, row-major) of a function of `n` variables.
#[derive(Clone, Debug, PartialEq)]
pub struct Jet<S> {
    pub v: S,
    pub g: Vec<S>,
    /// `h[idx(i, j)]` for `i <= j`.
    pub h: Vec<S>,
}

impl<S: Scalar> Jet<S> {
    /// The number of variables.
    pub fn nvars(&self) -> usize {
        self.g.len()
    }

    /// A constant function of `n` variables.
    pub fn constant(v: S, n: usize) -> Self {
        let z = S::from_int(0, &v.ctx());
        Jet { g: vec![z.clone(); n], h: vec![z; n * (n + 1) / 2], v }
    }

    /// The coordinate function `x_i` at value `v`.
    pub fn variable(v: S, i: usize, n: usize) -> Self {
        let mut j = Self::constant(v, n);
        j.g[i] = S::from_int(1, &j.v.ctx());
        j
    }

    /// The Hessian entry `H[i][j]`.
    pub fn hess(&self, i: usize, j: usize) -> &S {
        &self.h[packed(self.nvars(), i, j)]
    }

    /// The full Hessian as rows.
    pub fn hessian(&self) -> Vec<Vec<S>> {
        let n = self.nvars();
        (0..n).map(|i| (0..n).map(|j| self.hess(i, j).clone()).collect()).collect()
    }

    /// `φ(self)` from the Taylor coefficients `c0, c1, c2` of `φ` at the value.
    fn compose(&self, c: &[S]) -> Self {
        let n = self.nvars();
        let g: Vec<S> = self.g.iter().map(|gi| c[1].mul(gi)).collect();
        let two_c2 = c[2].mul_int(2);
        let mut h = Vec::with_capacity(self.h.len());
        for i in 0..n {
            for j in i..n {
                let t = c[1].mul(&self.h[packed(n, i, j)]).add(&two_c2.mul(&self.g[i]).mul(&self.g[j]));
                h.push(t);
            }
        }
        Jet { v: c[0].clone(), g, h }
    }

    /// Applies a univariate operation given on series of order 2 at the value.
    fn via_series(&self, op: impl FnOnce(&Series<S>) -> MathResult<Series<S>>) -> MathResult<Self> {
        let s = op(&Series::variable(self.v.clone(), 2))?;
        Ok(self.compose(&s.c))
    }
}

/// Packed index of `(i, j)` in an `n × n` symmetric matrix stored as its upper triangle.
pub fn packed(n: usize, i: usize, j: usize) -> usize {
    let (i, j) = if i <= j { (i, j) } else { (j, i) };
    // rows 0..i hold n + (n-1) + ... + (n-i+1) = i*n - i*(i-1)/2 entries
    i * n - (i * i.saturating_sub(1)) / 2 + (j - i)
}

impl<S: Scalar> Algebra for Jet<S> {
    /// (scalar context, number of variables)
    type Ctx = (S::Ctx, usize);

    fn from_rational(q: &BigRational, ctx: &Self::Ctx) -> Self {
        Jet::constant(S::from_rational(q, &ctx.0), ctx.1)
    }
    fn constant(c: Constant, ctx: &Self::Ctx) -> MathResult<Self> {
        Ok(Jet::constant(S::constant(c, &ctx.0)?, ctx.1))
    }
    fn add(&self, o: &Self) -> Self {
        Jet {
            v: self.v.add(&o.v),
            g: self.g.iter().zip(&o.g).map(|(a, b)| a.add(b)).collect(),
            h: self.h.iter().zip(&o.h).map(|(a, b)| a.add(b)).collect(),
        }
    }
    fn sub(&self, o: &Self) -> Self {
        Jet {
            v: self.v.sub(&o.v),
            g: self.g.iter().zip(&o.g).map(|(a, b)| a.sub(b)).collect(),
            h: self.h.iter().zip(&o.h).map(|(a, b)| a.sub(b)).collect(),
        }
    }
    fn mul(&self, o: &Self) -> Self {
        let n = self.nvars();
        let g = (0..n).map(|i| self.v.mul(&o.g[i]).add(&o.v.mul(&self.g[i]))).collect();
        let mut h = Vec::with_capacity(self.h.len());
        for i in 0..n {
            for j in i..n {
                let k = packed(n, i, j);
                let t = self.v.mul(&o.h[k]).add(&o.v.mul(&self.h[k]));
                let cross = self.g[i].mul(&o.g[j]).add(&self.g[j].mul(&o.g[i]));
                h.push(t.add(&cross));
            }
        }
        Jet { v: self.v.mul(&o.v), g, h }
    }
    fn neg(&self) -> Self {
        Jet { v: self.v.neg(), g: self.g.iter().map(|a| a.neg()).collect(), h: self.h.iter().map(|a| a.neg()).collect() }
    }
    fn div(&self, o: &Self) -> MathResult<Self> {
        let r = o.via_series(|s| Series::constant(S::from_int(1, &s.c[0].ctx()), 2).div(s))?;
        Ok(self.mul(&r))
    }
    fn powi(&self, n: i64) -> MathResult<Self> {
        self.via_series(|s| s.powi(n))
    }
    fn powq(&self, q: &BigRational) -> MathResult<Self> {
        self.via_series(|s| s.powq(q))
    }
    fn apply(&self, f: Func) -> MathResult<Self> {
        match f {
            Func::Abs | Func::Relu if self.g.is_empty() => Ok(Jet::constant(self.v.apply(f)?, 0)),
            _ => self.via_series(|s| s.apply(f)),
        }
    }
    fn value_sign(&self) -> Sign {
        self.v.sign()
    }
    fn is_value_only(&self) -> bool {
        self.g.is_empty()
    }
    fn value_max(&self, o: &Self) -> Self {
        Jet::constant(self.v.max(&o.v), 0)
    }
    fn value_min(&self, o: &Self) -> Self {
        Jet::constant(self.v.min(&o.v), 0)
    }
}
