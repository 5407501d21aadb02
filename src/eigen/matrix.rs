//! Dense square matrices of outward-rounded enclosures: real ([`IMatrix`], entries
//! [`Interval`]) and complex (entries [`CInterval`], rectangles).
//!
//! Guarantee: every operation has the inclusion property entrywise. If `A ∋ a` and `B ∋ b`
//! (every entry of the point matrix lies in the corresponding enclosure), then `A·B ∋ a·b`,
//! `A − B ∋ a − b`, `A + B ∋ a + b`, `Aᵀ ∋ aᵀ` and `A·s ∋ a·σ` for `σ ∈ s`. Norm bounds
//! ([`Matrix::norm_inf_up`]) are upper bounds valid for every point matrix in the enclosure.

use crate::interval::Interval;
use num_rational::BigRational;
use rug::float::Round;
use rug::Float;
use std::fmt;

/// `a + b` rounded up.
pub(crate) fn add_up(a: &Float, b: &Float) -> Float {
    Float::with_val_round(a.prec().max(b.prec()), a + b, Round::Up).0
}

/// The maximum of non-negative bounds (0 for none).
pub(crate) fn max_of(values: impl Iterator<Item = Float>) -> Float {
    values.fold(Float::new(2), |m, v| if v > m { v } else { m })
}

/// `√(x² + y²)` rounded up, for `x, y ≥ 0`.
pub(crate) fn hypot_up(x: &Float, y: &Float) -> Float {
    let p = x.prec().max(y.prec());
    let x2 = Float::with_val_round(p, x.square_ref(), Round::Up).0;
    let y2 = Float::with_val_round(p, y.square_ref(), Round::Up).0;
    Float::with_val_round(p, add_up(&x2, &y2).sqrt_ref(), Round::Up).0
}

/// `√(x² + y²)` rounded down, for `x, y ≥ 0`.
pub(crate) fn hypot_down(x: &Float, y: &Float) -> Float {
    let p = x.prec().max(y.prec());
    let x2 = Float::with_val_round(p, x.square_ref(), Round::Down).0;
    let y2 = Float::with_val_round(p, y.square_ref(), Round::Down).0;
    let s = Float::with_val_round(p, &x2 + &y2, Round::Down).0;
    Float::with_val_round(p, s.sqrt_ref(), Round::Down).0
}

/// An entry type of [`Matrix`]: an enclosure of a real or complex number with the inclusion
/// property for every operation.
pub trait Entry: Clone + fmt::Debug {
    /// The exact number 0.
    fn zero(prec: u32) -> Self;
    /// The exact number 1.
    fn one(prec: u32) -> Self;
    fn add(&self, o: &Self) -> Self;
    fn sub(&self, o: &Self) -> Self;
    fn mul(&self, o: &Self) -> Self;
    /// `self += a·b`, an enclosure of `s + a·b` for all `s ∈ self, a ∈ a, b ∈ b`.
    fn add_mul(&mut self, a: &Self, b: &Self) {
        *self = self.add(&a.mul(b));
    }
    /// An upper bound of `|z|` over every `z` in the enclosure.
    fn mag_up(&self) -> Float;
    /// An enclosure of every `z + d` with `z ∈ self` and `|d| ≤ r`.
    fn ball(&self, r: &Float) -> Self;
}

impl Entry for Interval {
    fn zero(prec: u32) -> Self {
        Interval::from_int(0, prec)
    }
    fn one(prec: u32) -> Self {
        Interval::from_int(1, prec)
    }
    fn add(&self, o: &Self) -> Self {
        Interval::add(self, o)
    }
    fn sub(&self, o: &Self) -> Self {
        Interval::sub(self, o)
    }
    fn mul(&self, o: &Self) -> Self {
        Interval::mul(self, o)
    }
    fn add_mul(&mut self, a: &Self, b: &Self) {
        self.add_mul_assign(a, b);
    }
    fn mag_up(&self) -> Float {
        self.mag()
    }
    fn ball(&self, r: &Float) -> Self {
        self.inflate(r)
    }
}

/// A complex rectangle `re + i·im`: the enclosure of every `x + iy` with `x ∈ re`, `y ∈ im`.
#[derive(Clone, Debug, PartialEq)]
pub struct CInterval {
    pub re: Interval,
    pub im: Interval,
}

impl CInterval {
    /// The real enclosure `x` as a rectangle with imaginary part exactly 0.
    pub fn from_real(x: &Interval) -> CInterval {
        CInterval { re: x.clone(), im: Interval::from_int(0, x.prec()) }
    }
}

impl Entry for CInterval {
    fn zero(prec: u32) -> Self {
        CInterval::from_real(&Interval::from_int(0, prec))
    }
    fn one(prec: u32) -> Self {
        CInterval::from_real(&Interval::from_int(1, prec))
    }
    fn add(&self, o: &Self) -> Self {
        CInterval { re: self.re.add(&o.re), im: self.im.add(&o.im) }
    }
    fn sub(&self, o: &Self) -> Self {
        CInterval { re: self.re.sub(&o.re), im: self.im.sub(&o.im) }
    }
    fn mul(&self, o: &Self) -> Self {
        CInterval { re: self.re.mul(&o.re).sub(&self.im.mul(&o.im)), im: self.re.mul(&o.im).add(&self.im.mul(&o.re)) }
    }
    fn mag_up(&self) -> Float {
        hypot_up(&self.re.mag(), &self.im.mag())
    }
    fn ball(&self, r: &Float) -> Self {
        CInterval { re: self.re.inflate(r), im: self.im.inflate(r) }
    }
}

/// A dense `n × n` matrix (row-major) of enclosures; see the module documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix<T> {
    n: usize,
    e: Vec<T>,
}

/// A real interval matrix: the set of every real matrix whose entries lie in the intervals.
pub type IMatrix = Matrix<Interval>;

impl<T: Entry> Matrix<T> {
    /// The matrix with entries `f(i, j)`.
    pub fn from_fn(n: usize, mut f: impl FnMut(usize, usize) -> T) -> Matrix<T> {
        Matrix { n, e: (0..n * n).map(|k| f(k / n, k % n)).collect() }
    }
    /// The dimension `n`.
    pub fn n(&self) -> usize {
        self.n
    }
    /// The entry in row `i`, column `j`.
    pub fn get(&self, i: usize, j: usize) -> &T {
        &self.e[i * self.n + j]
    }
    /// The identity (exact).
    pub fn identity(n: usize, prec: u32) -> Matrix<T> {
        Matrix::from_fn(n, |i, j| if i == j { T::one(prec) } else { T::zero(prec) })
    }
    /// `self + o`. Panics if the dimensions differ.
    pub fn add(&self, o: &Matrix<T>) -> Matrix<T> {
        assert_eq!(self.n, o.n, "matrix dimensions differ");
        Matrix { n: self.n, e: self.e.iter().zip(&o.e).map(|(a, b)| a.add(b)).collect() }
    }
    /// `self − o`. Panics if the dimensions differ.
    pub fn sub(&self, o: &Matrix<T>) -> Matrix<T> {
        assert_eq!(self.n, o.n, "matrix dimensions differ");
        Matrix { n: self.n, e: self.e.iter().zip(&o.e).map(|(a, b)| a.sub(b)).collect() }
    }
    /// `self · o`. Panics if the dimensions differ.
    pub fn mul(&self, o: &Matrix<T>) -> Matrix<T> {
        assert_eq!(self.n, o.n, "matrix dimensions differ");
        let n = self.n;
        Matrix::from_fn(n, |i, j| {
            let mut acc = self.get(i, 0).mul(o.get(0, j));
            for k in 1..n {
                acc.add_mul(self.get(i, k), o.get(k, j));
            }
            acc
        })
    }
    /// `self · s` for the scalar enclosure `s`.
    pub fn scale(&self, s: &T) -> Matrix<T> {
        Matrix { n: self.n, e: self.e.iter().map(|a| a.mul(s)).collect() }
    }
    /// The transpose.
    pub fn transpose(&self) -> Matrix<T> {
        Matrix::from_fn(self.n, |i, j| self.get(j, i).clone())
    }
    /// An upper bound of the ∞-norm (maximum absolute row sum) of every matrix in `self`.
    pub fn norm_inf_up(&self) -> Float {
        max_of((0..self.n).map(|i| self.row_abs_sum_up(i, None)))
    }
    /// An upper bound of `Σ_j |a_ij|` over `j ≠ skip`, for every matrix in `self`.
    pub(crate) fn row_abs_sum_up(&self, i: usize, skip: Option<usize>) -> Float {
        (0..self.n).filter(|&j| Some(j) != skip).fold(Float::new(2), |acc, j| add_up(&acc, &self.get(i, j).mag_up()))
    }
    /// Replaces the entries by new ones (same dimension).
    pub(crate) fn map<U>(&self, f: impl FnMut(&T) -> U) -> Matrix<U> {
        Matrix { n: self.n, e: self.e.iter().map(f).collect() }
    }
}

impl Matrix<Interval> {
    /// The tightest enclosures, at precision `prec`, of the square rational matrix `m`
    /// (rows). `Err` if `m` is empty or not square.
    pub fn from_rationals(m: &[Vec<BigRational>], prec: u32) -> Result<IMatrix, String> {
        check_square(m)?;
        Ok(Matrix::from_fn(m.len(), |i, j| Interval::from_rational(&m[i][j], prec)))
    }
    /// The interval matrix with the given rows. `Err` if empty or not square.
    pub fn from_intervals(rows: Vec<Vec<Interval>>) -> Result<IMatrix, String> {
        check_square(&rows)?;
        Ok(Matrix { n: rows.len(), e: rows.into_iter().flatten().collect() })
    }
    /// The rows of entrywise midpoints (points inside the entries; no guarantee beyond that).
    pub(crate) fn mid_rows(&self, prec: u32) -> Vec<Vec<Float>> {
        (0..self.n).map(|i| (0..self.n).map(|j| Float::with_val(prec, self.get(i, j).mid())).collect()).collect()
    }
    /// The same matrix with complex (rectangle) entries of imaginary part 0.
    pub fn to_complex(&self) -> Matrix<CInterval> {
        self.map(CInterval::from_real)
    }
}

fn check_square<T>(rows: &[Vec<T>]) -> Result<(), String> {
    let n = rows.len();
    if n == 0 {
        return Err("empty matrix".into());
    }
    match rows.iter().position(|r| r.len() != n) {
        Some(i) => Err(format!("matrix is not square: row {i} has {} entries, expected {n}", rows[i].len())),
        None => Ok(()),
    }
}
