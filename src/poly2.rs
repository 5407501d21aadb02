//! Exact bivariate polynomials over Q and resultants, for eliminating a variable.
//!
//! Guarantees: all arithmetic is exact ([`BigRational`] coefficients). [`Poly2::resultant_x`]
//! is the exact resultant with respect to `x` (the Sylvester determinant for the `x`-degrees
//! of the two polynomials), computed by exact evaluation at enough points and exact
//! interpolation; the number of points comes from a proved degree bound.

use crate::expr::Expr;
use crate::poly::{fold_divisor, fold_exponent, qi, Poly, MAX_EXPR_DEGREE};
use num_rational::BigRational;
use num_traits::Zero;
use std::fmt;

type Q = BigRational;

/// `Σ cᵢ(y) xⁱ`: a polynomial in `x` whose coefficients are polynomials in `y`, lowest degree
/// in `x` first. Invariant: no trailing zero coefficient; zero has no coefficients.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Poly2 {
    c: Vec<Poly>,
}

impl Poly2 {
    fn normalized(mut c: Vec<Poly>) -> Poly2 {
        while c.last().is_some_and(|p| p.is_zero()) {
            c.pop();
        }
        Poly2 { c }
    }

    pub fn zero() -> Poly2 {
        Poly2 { c: Vec::new() }
    }
    pub fn one() -> Poly2 {
        Poly2::from_y(&Poly::one())
    }
    /// The constant `q`.
    pub fn constant(q: Q) -> Poly2 {
        Poly2::from_y(&Poly::constant(q))
    }
    /// The polynomial `x`.
    pub fn x() -> Poly2 {
        Poly2::from_x(&Poly::x())
    }
    /// The polynomial `y`.
    pub fn y() -> Poly2 {
        Poly2::from_y(&Poly::x())
    }
    /// `p(x)`.
    pub fn from_x(p: &Poly) -> Poly2 {
        Poly2::normalized(p.coeffs().iter().map(|a| Poly::constant(a.clone())).collect())
    }
    /// `p(y)`.
    pub fn from_y(p: &Poly) -> Poly2 {
        Poly2::normalized(vec![p.clone()])
    }
    /// From the coefficients of `x⁰, x¹, …` (polynomials in `y`).
    pub fn from_coeffs(c: Vec<Poly>) -> Poly2 {
        Poly2::normalized(c)
    }

    /// The coefficients of `x⁰, x¹, …` (polynomials in `y`).
    pub fn coeffs(&self) -> &[Poly] {
        &self.c
    }
    pub fn is_zero(&self) -> bool {
        self.c.is_empty()
    }
    /// Degree in `x`; `None` for zero.
    pub fn deg_x(&self) -> Option<usize> {
        self.c.len().checked_sub(1)
    }
    /// Degree in `y` (the largest over the coefficients); `None` for zero.
    pub fn deg_y(&self) -> Option<usize> {
        self.c.iter().filter_map(|p| p.degree()).max()
    }

    fn coeff(&self, i: usize) -> Poly {
        self.c.get(i).cloned().unwrap_or_else(Poly::zero)
    }
    pub fn add(&self, o: &Poly2) -> Poly2 {
        let n = self.c.len().max(o.c.len());
        Poly2::normalized((0..n).map(|i| self.coeff(i).add(&o.coeff(i))).collect())
    }
    pub fn sub(&self, o: &Poly2) -> Poly2 {
        let n = self.c.len().max(o.c.len());
        Poly2::normalized((0..n).map(|i| self.coeff(i).sub(&o.coeff(i))).collect())
    }
    pub fn neg(&self) -> Poly2 {
        Poly2 { c: self.c.iter().map(|p| p.neg()).collect() }
    }
    pub fn mul(&self, o: &Poly2) -> Poly2 {
        if self.is_zero() || o.is_zero() {
            return Poly2::zero();
        }
        let mut c = vec![Poly::zero(); self.c.len() + o.c.len() - 1];
        for (i, a) in self.c.iter().enumerate() {
            for (j, b) in o.c.iter().enumerate() {
                c[i + j] = c[i + j].add(&a.mul(b));
            }
        }
        Poly2::normalized(c)
    }
    /// `q · self`.
    pub fn scale(&self, q: &Q) -> Poly2 {
        Poly2::normalized(self.c.iter().map(|p| p.scale(q)).collect())
    }
    /// `self^n` (`self^0 = 1`).
    pub fn pow(&self, n: u32) -> Poly2 {
        let mut result = Poly2::one();
        let mut base = self.clone();
        let mut n = n;
        while n > 0 {
            if n & 1 == 1 {
                result = result.mul(&base);
            }
            n >>= 1;
            if n > 0 {
                base = base.mul(&base);
            }
        }
        result
    }

    /// `self(x, y₀)`, a polynomial in `x`.
    pub fn eval_y(&self, y0: &Q) -> Poly {
        Poly::from_coeffs(self.c.iter().map(|p| p.eval(y0)).collect())
    }
    /// `self(x₀, y)`, a polynomial in `y`.
    pub fn eval_x(&self, x0: &Q) -> Poly {
        self.c.iter().rev().fold(Poly::zero(), |acc, p| acc.scale(x0).add(p))
    }
    /// `self(y, x)`: the roles of the variables exchanged.
    pub fn swap(&self) -> Poly2 {
        let dy = match self.deg_y() {
            None => return Poly2::zero(),
            Some(d) => d,
        };
        let c = (0..=dy)
            .map(|j| Poly::from_coeffs(self.c.iter().map(|p| p.coeff(j)).collect()))
            .collect();
        Poly2::normalized(c)
    }

    /// The resultant with respect to `x`, a polynomial in `y`: the Sylvester determinant of
    /// `self` and `g` as polynomials in `x` of degrees `m = deg_x self`, `n = deg_x g`, i.e.
    /// `Res_x(f, g)(y) = lc_f(y)^n ∏ g(αᵢ(y), y)` over the roots `αᵢ(y)` of `f(·, y)`.
    /// So `Res_x(x² + y² − 1, x − y) = 2y² − 1` and `Res_x(x² − y, x² − 2) = (y − 2)²`.
    /// Zero if either polynomial is zero; `f₀(y)^n` if `f = f₀(y)` has `x`-degree 0.
    ///
    /// Method: `deg_y Res ≤ D = n·deg_y f + m·deg_y g` (each term of the Sylvester determinant
    /// takes `n` entries from rows of `f` and `m` from rows of `g`). At each integer `y₀` (0, 1,
    /// −1, 2, −2, …) where neither `x`-leading coefficient vanishes, the Sylvester matrix
    /// specialises to that of `f(·, y₀)`, `g(·, y₀)` with the same degrees, so
    /// `Res(y₀) = Poly::resultant(f(·, y₀), g(·, y₀))` (exact); `D + 1` such points determine
    /// the resultant by (exact, Newton) interpolation.
    pub fn resultant_x(&self, g: &Poly2) -> Poly {
        let (Some(m), Some(n)) = (self.deg_x(), g.deg_x()) else { return Poly::zero() };
        let dy_f = self.deg_y().unwrap_or(0);
        let dy_g = g.deg_y().unwrap_or(0);
        let npts = n * dy_f + m * dy_g + 1;
        let (lf, lg) = (&self.c[m], &g.c[n]);
        let mut xs: Vec<Q> = Vec::with_capacity(npts);
        let mut ys: Vec<Q> = Vec::with_capacity(npts);
        let mut k: i64 = 0;
        while xs.len() < npts {
            let y0 = qi(k);
            k = if k > 0 { -k } else { 1 - k };
            if lf.eval(&y0).is_zero() || lg.eval(&y0).is_zero() {
                continue;
            }
            ys.push(self.eval_y(&y0).resultant(&g.eval_y(&y0)));
            xs.push(y0);
        }
        interpolate(&xs, &ys)
    }

    /// The resultant with respect to `y` (as [`Poly2::resultant_x`] with the variables
    /// exchanged), a polynomial in `x`.
    pub fn resultant_y(&self, g: &Poly2) -> Poly {
        self.swap().resultant_x(&g.swap())
    }
}

/// The polynomial of degree < `xs.len()` through the points `(xs[i], ys[i])` (distinct `xs`),
/// exactly, by Newton's divided differences.
pub fn interpolate(xs: &[Q], ys: &[Q]) -> Poly {
    let n = xs.len().min(ys.len());
    let mut dd: Vec<Q> = ys[..n].to_vec();
    for j in 1..n {
        for i in (j..n).rev() {
            dd[i] = (&dd[i] - &dd[i - 1]) / (&xs[i] - &xs[i - j]);
        }
    }
    let mut p = Poly::zero();
    for i in (0..n).rev() {
        p = p.mul(&Poly::from_coeffs(vec![-xs[i].clone(), qi(1)])).add(&Poly::constant(dd[i].clone()));
    }
    p
}

impl fmt::Display for Poly2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        let mut first = true;
        for (i, p) in self.c.iter().enumerate().rev() {
            if p.is_zero() {
                continue;
            }
            if !first {
                f.write_str(" + ")?;
            }
            first = false;
            let mono = match i {
                0 => String::new(),
                1 => "x".into(),
                _ => format!("x^{i}"),
            };
            if i == 0 {
                write!(f, "({})", p.to_string_var("y"))?;
            } else if p == &Poly::one() {
                f.write_str(&mono)?;
            } else {
                write!(f, "({})*{mono}", p.to_string_var("y"))?;
            }
        }
        Ok(())
    }
}

/// The bivariate polynomial in `x = Var(var_x)`, `y = Var(var_y)` that `e` denotes, under the
/// same rules as [`crate::poly::from_expr`] (degree in each variable at most
/// [`MAX_EXPR_DEGREE`]); `None` otherwise or when `var_x == var_y`. [`crate::eval::fold_rational`]
/// decides divisors and exponents.
pub fn from_expr2(e: &Expr, var_x: usize, var_y: usize) -> Option<Poly2> {
    if var_x == var_y {
        return None;
    }
    let r = match e {
        Expr::Num(q) => Poly2::constant(q.clone()),
        Expr::Var(v) if *v == var_x => Poly2::x(),
        Expr::Var(v) if *v == var_y => Poly2::y(),
        Expr::Neg(a) => from_expr2(a, var_x, var_y)?.neg(),
        Expr::Add(a, b) => from_expr2(a, var_x, var_y)?.add(&from_expr2(b, var_x, var_y)?),
        Expr::Sub(a, b) => from_expr2(a, var_x, var_y)?.sub(&from_expr2(b, var_x, var_y)?),
        Expr::Mul(a, b) => {
            let (pa, pb) = (from_expr2(a, var_x, var_y)?, from_expr2(b, var_x, var_y)?);
            if pa.deg_x().unwrap_or(0) + pb.deg_x().unwrap_or(0) > MAX_EXPR_DEGREE
                || pa.deg_y().unwrap_or(0) + pb.deg_y().unwrap_or(0) > MAX_EXPR_DEGREE
            {
                return None;
            }
            pa.mul(&pb)
        }
        Expr::Div(a, b) => from_expr2(a, var_x, var_y)?.scale(&fold_divisor(b)?.recip()),
        Expr::Pow(a, b) => {
            let n = fold_exponent(b)? as usize;
            let base = from_expr2(a, var_x, var_y)?;
            if base.deg_x().unwrap_or(0) * n > MAX_EXPR_DEGREE || base.deg_y().unwrap_or(0) * n > MAX_EXPR_DEGREE {
                return None;
            }
            base.pow(n as u32)
        }
        _ => return None,
    };
    Some(r)
}
