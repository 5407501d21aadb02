//! Rigorous eigenvalue enclosures and stability verdicts for small real matrices (n up to a
//! few dozen): Hessian spectra and the two-step Jacobian `J = (I − η·H(x₂))·(I − η·H(x₁))` of
//! gradient descent at a period-2 orbit.
//!
//! # Guarantees
//!
//! - [`symmetric_eigenvalues`]: `n` sorted intervals `I_1, …, I_n` such that for EVERY
//!   symmetric real matrix in the interval matrix, with eigenvalues `λ_1 ≤ … ≤ λ_n`,
//!   `λ_i ∈ I_i` for every `i`.
//! - [`general_eigenvalues`]: pairwise disjoint [`Cluster`]s of discs such that for EVERY real
//!   matrix in the interval matrix, each cluster's union of discs contains exactly
//!   `cluster.count()` of its eigenvalues, counted with algebraic multiplicity (so every
//!   eigenvalue lies in the union of all discs, and the counts sum to `n`).
//! - [`spectral_radius_verdict`]: `Stable` only if every matrix in the interval matrix has
//!   spectral radius `< 1`; `Unstable` only if every one of them has an eigenvalue with
//!   `|λ| > 1`; otherwise `Undecided`.
//! - The exact functions ([`charpoly`], [`schur_cohn_stable`], [`exact_spectral_verdict`],
//!   [`symmetric_eigenvalues_exact`]) compute over Q and are exact.
//!
//! Every failure (an ill-conditioned or defective eigenbasis, a stalled iteration, unbounded
//! input) is an `Err` or `Undecided`, never a wrong enclosure.
//!
//! # Method
//!
//! An approximate eigenvector matrix `X` of the midpoint matrix is computed WITHOUT rigour in
//! `rug::Float` at the working precision (cyclic Jacobi for symmetric matrices, complex
//! Hessenberg-QR otherwise; module `approx`). Its entries are then taken as exact numbers:
//! interval arithmetic proves `X` invertible and encloses `B = X⁻¹·A·X` (module `enclose`),
//! and Gershgorin's theorem with its connected-component refinement is applied to `B`. For a
//! point matrix with well-separated eigenvalues the discs have radius about `2^−prec` times
//! the scale of the matrix.

mod approx;
mod enclose;
mod exact;
mod matrix;
#[cfg(test)]
mod tests;

pub use exact::{charpoly, exact_spectral_verdict, schur_cohn_stable, symmetric_eigenvalues_exact, RealEigenvalue};
pub use matrix::{CInterval, Entry, IMatrix, Matrix};

use crate::interval::{fmt_float, Interval};
use approx::Cf;
use matrix::{add_up, hypot_down, hypot_up, max_of};
use rug::float::Round;
use rug::Float;

/// A verdict on the spectral radius `ρ` of a matrix (or of every matrix in an interval matrix).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stability {
    /// `ρ < 1` is proved.
    Stable,
    /// Some eigenvalue with `|λ| > 1` is proved to exist.
    Unstable,
    /// Neither could be proved; the reason.
    Undecided(String),
}

/// A closed region of the complex plane: every point within distance `rad` of the rectangle
/// `re + i·im`. (For a point centre, `re` and `im` are point intervals and this is a disc.)
#[derive(Clone, Debug, PartialEq)]
pub struct Disc {
    pub re: Interval,
    pub im: Interval,
    pub rad: Float,
}

/// `max(0, a.lo − b.hi, b.lo − a.hi)` rounded down: a lower bound of the distance between the
/// intervals `a` and `b`.
fn gap_down(a: &Interval, b: &Interval) -> Float {
    let p = a.prec().max(b.prec());
    let left = Float::with_val_round(p, a.lo() - b.hi(), Round::Down).0;
    let right = Float::with_val_round(p, b.lo() - a.hi(), Round::Down).0;
    left.max(&right).max(&Float::new(p))
}

impl Disc {
    /// An upper bound of `|z|` over the region.
    pub fn max_abs_up(&self) -> Float {
        add_up(&hypot_up(&self.re.mag(), &self.im.mag()), &self.rad)
    }
    /// A lower bound of `|z|` over the region (may be negative when the region reaches 0).
    pub fn min_abs_down(&self) -> Float {
        let d = hypot_down(&self.re.mig(), &self.im.mig());
        Float::with_val_round(d.prec(), &d - &self.rad, Round::Down).0
    }
    /// `true` only if the two regions are proved disjoint.
    pub fn certainly_disjoint(&self, o: &Disc) -> bool {
        let dist = hypot_down(&gap_down(&self.re, &o.re), &gap_down(&self.im, &o.im));
        dist > add_up(&self.rad, &o.rad)
    }
    /// `true` only if every point `x + iy` with `x ∈ re`, `y ∈ im` is proved to lie in the region.
    pub fn contains_box(&self, re: &Interval, im: &Interval) -> bool {
        // The farthest a point of the box can be from the rectangle, per axis.
        let reach = |r: &Interval, c: &Interval| {
            let p = r.prec().max(c.prec());
            let below = Float::with_val_round(p, c.lo() - r.lo(), Round::Up).0;
            let above = Float::with_val_round(p, r.hi() - c.hi(), Round::Up).0;
            below.max(&above).max(&Float::new(p))
        };
        hypot_up(&reach(re, &self.re), &reach(im, &self.im)) <= self.rad
    }
}

/// Discs whose union is disjoint from every other cluster's discs.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub discs: Vec<Disc>,
}

impl Cluster {
    /// The number of eigenvalues (with algebraic multiplicity) in the union of the discs.
    pub fn count(&self) -> usize {
        self.discs.len()
    }
}

/// The point enclosure `[x, x]`; `Err` for a non-finite `x`.
fn point(x: &Float) -> Result<Interval, String> {
    if x.is_finite() {
        Interval::point(x.clone()).map_err(|e| e.to_string())
    } else {
        Err("the approximate eigenvector computation produced a non-finite number".into())
    }
}

/// The exact complex matrix with the given (finite) entries, as point rectangles.
fn complex_points(m: &[Vec<Cf>]) -> Result<Matrix<CInterval>, String> {
    let rows: Vec<Vec<CInterval>> = m
        .iter()
        .map(|row| row.iter().map(|z| Ok(CInterval { re: point(&z.re)?, im: point(&z.im)? })).collect())
        .collect::<Result<_, String>>()?;
    Ok(Matrix::from_fn(rows.len(), |i, j| rows[i][j].clone()))
}

/// Eigenvalue enclosures for the symmetric matrices in the interval matrix `a`, at working
/// precision `prec`.
///
/// Guarantee: the result has `n` intervals `I_1 ≤ … ≤ I_n` (sorted, `I_i` equal or disjoint
/// and ordered) such that for EVERY symmetric real matrix `S` with `s_ij ∈ a_ij`, with
/// eigenvalues `λ_1 ≤ … ≤ λ_n`, `λ_i ∈ I_i` for every `i`. A cluster of `k` eigenvalues that
/// could not be separated appears as `k` copies of the same interval, which then contains
/// exactly `k` eigenvalues. Only `a_ij ∩ a_ji` matters; `Err` when it is empty (no symmetric
/// matrix in `a`) or the enclosure cannot be verified (e.g. unbounded entries).
///
/// Method: cyclic Jacobi (non-rigorous) on the midpoint gives `X`; `R = Xᵀ`; then the verified
/// similarity `B = X⁻¹·S·X` and Gershgorin's discs of `B`, which are centred on the real axis,
/// so the regions are disjoint exactly when their real intervals are; groups of overlapping
/// intervals are merged and counted.
pub fn symmetric_eigenvalues(a: &IMatrix, prec: u32) -> Result<Vec<Interval>, String> {
    let n = a.n();
    let mut entries = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            entries.push(
                a.get(i, j)
                    .intersect(a.get(j, i))
                    .ok_or_else(|| format!("entries ({i}, {j}) and ({j}, {i}) are disjoint: no symmetric matrix"))?,
            );
        }
    }
    let s = IMatrix::from_fn(n, |i, j| entries[i * n + j].clone());
    let v = approx::jacobi_eigenvectors(s.mid_rows(prec), prec);
    let rows: Vec<Vec<Interval>> = v.iter().map(|row| row.iter().map(point).collect()).collect::<Result<_, String>>()?;
    let x = IMatrix::from_fn(n, |i, j| rows[i][j].clone());
    let mut enclosures: Vec<Interval> =
        enclose::transformed_gershgorin(&s, &x, &x.transpose(), prec)?.into_iter().map(|(d, rad)| d.inflate(&rad)).collect();
    enclosures.sort_by(|p, q| p.lo().partial_cmp(q.lo()).unwrap_or(std::cmp::Ordering::Equal));
    // Sweep: consecutive intervals that touch or overlap form one group (closed sets sharing a
    // point are not disjoint); each group of k intervals holds exactly k eigenvalues.
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    while start < n {
        let mut hull = enclosures[start].clone();
        let mut end = start + 1;
        while end < n && enclosures[end].lo() <= hull.hi() {
            hull = hull.hull(&enclosures[end]);
            end += 1;
        }
        out.extend(std::iter::repeat_n(hull, end - start));
        start = end;
    }
    Ok(out)
}

/// Eigenvalue enclosures for the real matrices in the interval matrix `a`, at working precision
/// `prec`.
///
/// Guarantee: the clusters are pairwise disjoint, and for EVERY real matrix `M` with
/// `m_ij ∈ a_ij`, the union of the discs of each cluster contains exactly `cluster.count()`
/// eigenvalues of `M`, counted with algebraic multiplicity. Hence every eigenvalue of every
/// such `M` lies in the union of all the discs, and the counts sum to `n`.
///
/// Method: complex Hessenberg-QR (non-rigorous) on the midpoint gives eigenvectors `X` and
/// Gauss–Jordan an approximate inverse `R`; the similarity `B = X⁻¹·M·X` is verified and
/// enclosed in complex rectangle arithmetic; disc `i` is Gershgorin's row disc of `B` (centre
/// `b_ii` in the rectangle, radius `Σ_{j≠i} |b_ij|`). By continuity of the eigenvalues along
/// `diag(B) + t·offdiag(B)`, `t ∈ [0, 1]`, any union of discs disjoint from the others holds as
/// many eigenvalues as discs; clusters are the connected components of the graph linking discs
/// not proved disjoint. `Err` when the eigenbasis is too ill-conditioned to verify (e.g. a
/// defective matrix at this precision), the QR iteration stalls, or an entry is unbounded.
pub fn general_eigenvalues(a: &IMatrix, prec: u32) -> Result<Vec<Cluster>, String> {
    let x_approx = approx::complex_eigenvectors(&a.mid_rows(prec), prec)?;
    let r_approx = approx::approximate_inverse(&x_approx, prec)?;
    let (x, r) = (complex_points(&x_approx)?, complex_points(&r_approx)?);
    let discs: Vec<Disc> = enclose::transformed_gershgorin(&a.to_complex(), &x, &r, prec)?
        .into_iter()
        .map(|(d, rad)| Disc { re: d.re, im: d.im, rad })
        .collect();
    let classes = enclose::components(discs.len(), |i, j| !discs[i].certainly_disjoint(&discs[j]));
    Ok(classes.into_iter().map(|class| Cluster { discs: class.into_iter().map(|i| discs[i].clone()).collect() }).collect())
}

/// The stability verdict for the interval matrix `a` at working precision `prec`.
///
/// Guarantee: `Stable` only if EVERY real matrix in `a` has spectral radius `< 1` (every disc
/// of [`general_eigenvalues`] lies in the open unit disc); `Unstable` only if EVERY real matrix
/// in `a` has an eigenvalue with `|λ| > 1` (some cluster, which holds at least one eigenvalue,
/// has all its discs strictly outside the closed unit disc). Otherwise, or when the enclosure
/// fails, `Undecided` with the reason; a caller may retry at a higher precision.
pub fn spectral_radius_verdict(a: &IMatrix, prec: u32) -> Stability {
    let clusters = match general_eigenvalues(a, prec) {
        Ok(c) => c,
        Err(e) => return Stability::Undecided(e),
    };
    let discs = || clusters.iter().flat_map(|c| c.discs.iter());
    if discs().all(|d| d.max_abs_up() < 1) {
        return Stability::Stable;
    }
    if clusters.iter().any(|c| c.discs.iter().all(|d| d.min_abs_down() > 1)) {
        return Stability::Unstable;
    }
    let reach = max_of(discs().map(|d| d.max_abs_up()));
    Stability::Undecided(format!(
        "the eigenvalue discs at precision {prec} reach |λ| ≤ {} but no cluster lies outside the unit circle",
        fmt_float(&reach, 6, Round::Up)
    ))
}

/// `(I − η·H₂)·(I − η·H₁)`: an enclosure of the Jacobian of two gradient-descent steps
/// `x₁ → x₂ → x₃` with learning rate `η ∈ eta`, for every `H₁ ∈ h1`, `H₂ ∈ h2` (the Hessians at
/// `x₁` and `x₂`). Panics if the dimensions differ.
pub fn two_step_jacobian(h1: &IMatrix, h2: &IMatrix, eta: &Interval) -> IMatrix {
    gd_jacobian(h2, eta).mul(&gd_jacobian(h1, eta))
}

/// `I − η·H`: an enclosure of the Jacobian of one gradient-descent step with learning rate
/// `η ∈ eta`, for every Hessian `H ∈ h`.
pub fn gd_jacobian(h: &IMatrix, eta: &Interval) -> IMatrix {
    IMatrix::identity(h.n(), eta.prec()).sub(&h.scale(eta))
}
