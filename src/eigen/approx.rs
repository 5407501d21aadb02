//! The NON-rigorous half of the eigenvalue enclosures: approximate eigenvector bases computed
//! in `rug::Float` at the working precision, round-to-nearest.
//!
//! Nothing computed here is trusted. The results only choose the similarity transform that
//! [`super::enclose`] then checks in outward-rounded interval arithmetic: a poor (or even
//! garbage) basis can make the enclosures wide or make them fail, never wrong.

use rug::Float;

/// A complex number with MPFR parts (round-to-nearest arithmetic, no guarantee).
#[derive(Clone, Debug)]
pub(crate) struct Cf {
    pub re: Float,
    pub im: Float,
}

impl Cf {
    pub fn zero(prec: u32) -> Cf {
        Cf { re: Float::new(prec), im: Float::new(prec) }
    }
    pub fn real(re: Float) -> Cf {
        let im = Float::new(re.prec());
        Cf { re, im }
    }
    fn prec(&self) -> u32 {
        self.re.prec()
    }
    pub fn is_zero(&self) -> bool {
        self.re.is_zero() && self.im.is_zero()
    }
    pub fn is_finite(&self) -> bool {
        self.re.is_finite() && self.im.is_finite()
    }
    pub fn add(&self, o: &Cf) -> Cf {
        let p = self.prec();
        Cf { re: Float::with_val(p, &self.re + &o.re), im: Float::with_val(p, &self.im + &o.im) }
    }
    pub fn sub(&self, o: &Cf) -> Cf {
        let p = self.prec();
        Cf { re: Float::with_val(p, &self.re - &o.re), im: Float::with_val(p, &self.im - &o.im) }
    }
    pub fn neg(&self) -> Cf {
        Cf { re: -self.re.clone(), im: -self.im.clone() }
    }
    pub fn mul(&self, o: &Cf) -> Cf {
        let p = self.prec();
        let re = Float::with_val(p, &self.re * &o.re) - Float::with_val(p, &self.im * &o.im);
        let im = Float::with_val(p, &self.re * &o.im) + Float::with_val(p, &self.im * &o.re);
        Cf { re, im }
    }
    pub fn scale(&self, x: &Float) -> Cf {
        let p = self.prec();
        Cf { re: Float::with_val(p, &self.re * x), im: Float::with_val(p, &self.im * x) }
    }
    pub fn conj(&self) -> Cf {
        Cf { re: self.re.clone(), im: -self.im.clone() }
    }
    pub fn norm_sqr(&self) -> Float {
        let p = self.prec();
        Float::with_val(p, self.re.square_ref()) + Float::with_val(p, self.im.square_ref())
    }
    pub fn abs(&self) -> Float {
        self.norm_sqr().sqrt()
    }
    /// `self / o`; infinite or NaN parts when `o = 0` (callers check [`Cf::is_finite`]).
    pub fn div(&self, o: &Cf) -> Cf {
        let d = o.norm_sqr();
        self.mul(&o.conj()).scale(&d.recip())
    }
    /// The principal square root.
    pub fn sqrt(&self) -> Cf {
        let r = self.abs();
        let re = (Float::with_val(self.prec(), &r + &self.re) / 2u32).sqrt();
        let mut im = (Float::with_val(self.prec(), &r - &self.re) / 2u32).sqrt();
        if self.im.is_sign_negative() {
            im = -im;
        }
        Cf { re, im }
    }
}

/// `2^-prec`, the unit roundoff scale of the working precision.
fn unit_roundoff(prec: u32) -> Float {
    Float::with_val(prec, Float::u_exp(1, -(prec as i32)))
}

fn identity_real(n: usize, prec: u32) -> Vec<Vec<Float>> {
    (0..n).map(|i| (0..n).map(|j| Float::with_val(prec, (i == j) as u32)).collect()).collect()
}

/// Mutable references to rows `i < j` of `m`.
fn two_rows_mut<T>(m: &mut [T], i: usize, j: usize) -> (&mut T, &mut T) {
    let (head, tail) = m.split_at_mut(j);
    (&mut head[i], &mut tail[0])
}

/// Upper limit on cyclic Jacobi sweeps (convergence is quadratic; a few dozen suffice at any
/// precision a caller would use). Hitting it only widens the enclosures.
const MAX_JACOBI_SWEEPS: usize = 60;

/// `(c·x − s·y, s·x + c·y)`.
fn rotate_pair(x: &Float, y: &Float, c: &Float, s: &Float) -> (Float, Float) {
    let p = x.prec();
    (Float::with_val(p, x * c) - Float::with_val(p, y * s), Float::with_val(p, x * s) + Float::with_val(p, y * c))
}

/// Approximate orthonormal eigenvectors (the COLUMNS of the result) of the symmetric matrix
/// `a`, by the cyclic Jacobi method at precision `prec`. Only the symmetric part of `a` is
/// meaningful; no guarantee of any kind.
pub(crate) fn jacobi_eigenvectors(mut a: Vec<Vec<Float>>, prec: u32) -> Vec<Vec<Float>> {
    let n = a.len();
    let mut v = identity_real(n, prec);
    let scale2 = a.iter().flatten().fold(Float::new(prec), |acc, x| acc + Float::with_val(prec, x.square_ref()));
    let tol2 = Float::with_val(prec, unit_roundoff(prec).square_ref()) * &scale2;
    for _ in 0..MAX_JACOBI_SWEEPS {
        let off2 = a
            .iter()
            .enumerate()
            .flat_map(|(p, row)| &row[p + 1..])
            .fold(Float::new(prec), |acc, x| acc + Float::with_val(prec, x.square_ref()));
        if off2 <= tol2 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].is_zero() {
                    continue;
                }
                // The rotation J with J_pp = J_qq = c, J_pq = s, J_qp = −s zeroing a_pq in JᵀAJ.
                let theta = Float::with_val(prec, &a[q][q] - &a[p][p]) / Float::with_val(prec, &a[p][q] * 2u32);
                let root = (Float::with_val(prec, theta.square_ref()) + 1u32).sqrt();
                let mut t = (Float::with_val(prec, theta.abs_ref()) + root).recip();
                if theta.is_sign_negative() {
                    t = -t;
                }
                let c = (Float::with_val(prec, t.square_ref()) + 1u32).sqrt().recip();
                let s = Float::with_val(prec, &t * &c);
                for row in a.iter_mut().chain(v.iter_mut()) {
                    (row[p], row[q]) = rotate_pair(&row[p], &row[q], &c, &s);
                }
                let (row_p, row_q) = two_rows_mut(&mut a, p, q);
                for (x, y) in row_p.iter_mut().zip(row_q.iter_mut()) {
                    (*x, *y) = rotate_pair(x, y, &c, &s);
                }
            }
        }
    }
    v
}

/// A complex Givens rotation `G = [[c, s], [−s̄, c]]` (c real) with `G·(a, b)ᵀ = (r, 0)ᵀ`.
struct Givens {
    c: Float,
    s: Cf,
}

impl Givens {
    fn new(a: &Cf, b: &Cf) -> Option<Givens> {
        let p = a.prec();
        let abs_a = a.abs();
        let r = (a.norm_sqr() + b.norm_sqr()).sqrt();
        if r.is_zero() {
            return None;
        }
        if abs_a.is_zero() {
            return Some(Givens { c: Float::new(p), s: Cf::real(Float::with_val(p, 1)) });
        }
        let c = Float::with_val(p, &abs_a / &r);
        let s = a.scale(&abs_a.recip()).mul(&b.conj()).scale(&r.recip());
        Some(Givens { c, s })
    }

    /// `h ← G h G*` on rows/columns `(i, j)`, and `q ← q G*`, so `q h q*` is unchanged.
    fn apply_similarity(&self, h: &mut [Vec<Cf>], q: &mut [Vec<Cf>], i: usize, j: usize) {
        let sc = self.s.conj();
        let (row_i, row_j) = two_rows_mut(h, i, j);
        for (x, y) in row_i.iter_mut().zip(row_j.iter_mut()) {
            (*x, *y) = (x.scale(&self.c).add(&self.s.mul(y)), y.scale(&self.c).sub(&sc.mul(x)));
        }
        for row in h.iter_mut().chain(q.iter_mut()) {
            let (x, y) = (row[i].clone(), row[j].clone());
            row[i] = x.scale(&self.c).add(&sc.mul(&y));
            row[j] = y.scale(&self.c).sub(&self.s.mul(&x));
        }
    }
}

/// Shifted QR iterations allowed per deflated eigenvalue before giving up.
const MAX_QR_ITERATIONS: usize = 120;
/// Every this many iterations without deflation, an exceptional shift breaks cycles.
const EXCEPTIONAL_SHIFT_EVERY: usize = 11;

/// The eigenvalue of `[[a, b], [c, d]]` closer to `d` (Wilkinson's shift).
fn wilkinson_shift(a: &Cf, b: &Cf, c: &Cf, d: &Cf) -> Cf {
    let half = a.sub(d).scale(&(Float::with_val(a.prec(), 1) / 2u32));
    let bc = b.mul(c);
    let disc = half.mul(&half).add(&bc).sqrt();
    let (plus, minus) = (half.add(&disc), half.sub(&disc));
    let big = if plus.norm_sqr() >= minus.norm_sqr() { plus } else { minus };
    if big.is_zero() {
        d.clone()
    } else {
        d.sub(&bc.div(&big))
    }
}

/// Approximate eigenvectors (the COLUMNS of the result, unit 2-norm) of the real matrix `a`:
/// Givens reduction to Hessenberg form, complex shifted QR to a Schur form `T = Q* A Q`,
/// back-substitution for the eigenvectors of `T`, mapped back by `Q`. For a defective matrix
/// the columns are nearly dependent. No guarantee; `Err` only when the QR iteration stalls.
pub(crate) fn complex_eigenvectors(a: &[Vec<Float>], prec: u32) -> Result<Vec<Vec<Cf>>, String> {
    let n = a.len();
    let mut h: Vec<Vec<Cf>> = a.iter().map(|row| row.iter().map(|x| Cf::real(Float::with_val(prec, x))).collect()).collect();
    let mut q: Vec<Vec<Cf>> = identity_real(n, prec).into_iter().map(|row| row.into_iter().map(Cf::real).collect()).collect();
    for k in 0..n.saturating_sub(2) {
        for i in (k + 2..n).rev() {
            if let Some(g) = Givens::new(&h[i - 1][k], &h[i][k]) {
                g.apply_similarity(&mut h, &mut q, i - 1, i);
                h[i][k] = Cf::zero(prec);
            }
        }
    }
    let eps = Float::with_val(prec, unit_roundoff(prec) * 16u32);
    let norm = h.iter().flatten().fold(Float::new(prec), |acc, x| acc + x.norm_sqr()).sqrt();
    let floor = Float::with_val(prec, &eps * &norm);
    let negligible = |h: &[Vec<Cf>], k: usize| {
        let sub = h[k][k - 1].abs();
        sub <= floor || sub <= Float::with_val(prec, h[k][k].abs() + h[k - 1][k - 1].abs()) * &eps
    };
    let mut hi = n.saturating_sub(1);
    let mut iterations = 0;
    while hi > 0 {
        let mut l = hi;
        while l > 0 && !negligible(&h, l) {
            l -= 1;
        }
        if l > 0 {
            h[l][l - 1] = Cf::zero(prec);
        }
        if l == hi {
            hi -= 1;
            iterations = 0;
            continue;
        }
        iterations += 1;
        if iterations > MAX_QR_ITERATIONS {
            return Err(format!("the QR iteration did not converge in {MAX_QR_ITERATIONS} steps"));
        }
        let mu = if iterations % EXCEPTIONAL_SHIFT_EVERY == 0 {
            let kick = h[hi][hi - 1].abs();
            h[hi][hi].add(&Cf { re: Float::with_val(prec, &kick * 3u32) / 4u32, im: Float::with_val(prec, &kick * 7u32) / 16u32 })
        } else {
            wilkinson_shift(&h[hi - 1][hi - 1], &h[hi - 1][hi], &h[hi][hi - 1], &h[hi][hi])
        };
        // One implicit single-shift QR sweep on the active window [l, hi] (bulge chase).
        for k in l..hi {
            let (x, y) = if k == l { (h[l][l].sub(&mu), h[l + 1][l].clone()) } else { (h[k][k - 1].clone(), h[k + 1][k - 1].clone()) };
            if let Some(g) = Givens::new(&x, &y) {
                g.apply_similarity(&mut h, &mut q, k, k + 1);
            }
            if k > l {
                h[k + 1][k - 1] = Cf::zero(prec);
            }
        }
    }
    // Eigenvectors of the upper triangular T = h; tiny pivots (repeated eigenvalues) are
    // replaced by `floor`, as LAPACK's trevc does.
    let tiny = if floor.is_zero() { eps.clone() } else { floor };
    let mut x = vec![vec![Cf::zero(prec); n]; n];
    for k in 0..n {
        let mut v = vec![Cf::zero(prec); k + 1];
        v[k] = Cf::real(Float::with_val(prec, 1));
        for i in (0..k).rev() {
            let sum = (i + 1..=k).fold(Cf::zero(prec), |acc, j| acc.add(&h[i][j].mul(&v[j])));
            let mut den = h[i][i].sub(&h[k][k]);
            if den.abs() < tiny {
                den = Cf::real(tiny.clone());
            }
            v[i] = sum.div(&den).neg();
        }
        let col: Vec<Cf> = (0..n).map(|r| (0..=k).fold(Cf::zero(prec), |acc, j| acc.add(&q[r][j].mul(&v[j])))).collect();
        let inv_len = col.iter().fold(Float::new(prec), |acc, z| acc + z.norm_sqr()).sqrt().recip();
        for (row, z) in x.iter_mut().zip(col) {
            row[k] = z.scale(&inv_len);
        }
    }
    Ok(x)
}

/// An approximate inverse of the complex matrix `x` by Gauss–Jordan elimination with partial
/// pivoting. No guarantee (the caller checks `‖I − R·X‖ < 1` rigorously); `Err` when a pivot
/// is exactly zero or the result is not finite.
pub(crate) fn approximate_inverse(x: &[Vec<Cf>], prec: u32) -> Result<Vec<Vec<Cf>>, String> {
    let n = x.len();
    let one = Cf::real(Float::with_val(prec, 1));
    let mut m: Vec<Vec<Cf>> = x
        .iter()
        .enumerate()
        .map(|(i, row)| row.iter().cloned().chain((0..n).map(|j| if i == j { one.clone() } else { Cf::zero(prec) })).collect())
        .collect();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| m[i][col].norm_sqr().partial_cmp(&m[j][col].norm_sqr()).unwrap_or(std::cmp::Ordering::Equal))
            .unwrap_or(col);
        if m[pivot][col].is_zero() {
            return Err("the approximate eigenvector matrix is singular".into());
        }
        m.swap(col, pivot);
        let inv = one.div(&m[col][col]);
        m[col] = m[col].iter().map(|z| z.mul(&inv)).collect();
        let pivot_row = m[col].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != col && !row[col].is_zero() {
                let f = row[col].clone();
                for (z, p) in row.iter_mut().zip(&pivot_row) {
                    *z = z.sub(&f.mul(p));
                }
            }
        }
    }
    let inv: Vec<Vec<Cf>> = m.into_iter().map(|row| row.into_iter().skip(n).collect()).collect();
    if inv.iter().flatten().all(Cf::is_finite) {
        Ok(inv)
    } else {
        Err("the approximate inverse of the eigenvector matrix is not finite".into())
    }
}
