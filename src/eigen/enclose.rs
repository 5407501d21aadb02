//! The rigorous half of the eigenvalue enclosures: a verified similarity transform and
//! Gershgorin's theorem.
//!
//! Given any exact matrices `X` (approximate eigenvectors) and `R` (an approximate inverse),
//! [`transformed_gershgorin`] proves `X` invertible and encloses `B = X⁻¹·A·X` for every point
//! matrix `A` in the enclosure; the eigenvalues of `A` are those of `B`, so Gershgorin's discs of
//! `B` contain them. How `X` and `R` were found does not matter for soundness.

use super::matrix::{max_of, Entry, Matrix};
use crate::interval::fmt_float;
use rug::float::Round;
use rug::Float;

/// For every row `i` of `B = X⁻¹·A·X`: an enclosure of `b_ii` and an upper bound of
/// `Σ_{j≠i} |b_ij|`, both valid for every point matrix `A` in `a`.
///
/// Method: `E = I − R·X` is enclosed; if `‖E‖∞ ≤ e < 1` then `X` is invertible with
/// `X⁻¹ = (I − E)⁻¹·R`, so `X⁻¹ − R = (I − E)⁻¹·(E·R)` and, since `‖(I − E)⁻¹‖∞ ≤ 1/(1 − e)`,
/// every entry of column `j` of `X⁻¹ − R` has modulus at most `max_i |(E·R)_ij| / (1 − e)`.
/// `X⁻¹` is enclosed by `R` with those balls, and `B` by interval matrix products.
///
/// `Err` when `‖E‖∞ < 1` cannot be shown (an ill-conditioned or wrong basis) or a bound is
/// not finite.
pub(crate) fn transformed_gershgorin<T: Entry>(a: &Matrix<T>, x: &Matrix<T>, r: &Matrix<T>, prec: u32) -> Result<Vec<(T, Float)>, String> {
    let n = a.n();
    let e = Matrix::<T>::identity(n, prec).sub(&r.mul(x));
    let e_norm = e.norm_inf_up();
    if e_norm.is_nan() || e_norm >= 1 {
        return Err(format!(
            "the approximate eigenvector basis is too ill-conditioned to verify at precision {prec} (‖I − R·X‖∞ ≤ {} is not < 1)",
            fmt_float(&e_norm, 6, Round::Up)
        ));
    }
    let gap = Float::with_val_round(prec, 1 - &e_norm, Round::Down).0;
    let er = e.mul(r);
    let rho: Vec<Float> = (0..n)
        .map(|j| {
            let col_max = max_of((0..n).map(|i| er.get(i, j).mag_up()));
            Float::with_val_round(prec, &col_max / &gap, Round::Up).0
        })
        .collect();
    let x_inv = Matrix::from_fn(n, |i, j| r.get(i, j).ball(&rho[j]));
    let b = x_inv.mul(&a.mul(x));
    let rows: Vec<(T, Float)> = (0..n).map(|i| (b.get(i, i).clone(), b.row_abs_sum_up(i, Some(i)))).collect();
    if rows.iter().all(|(d, rad)| rad.is_finite() && d.mag_up().is_finite()) {
        Ok(rows)
    } else {
        Err("a Gershgorin disc of the transformed matrix is unbounded".into())
    }
}

/// Groups `k` items into classes: the connected components of the graph with an edge between
/// every pair for which `linked(i, j)` holds. Classes are returned in order of their smallest
/// member, each sorted.
pub(crate) fn components(k: usize, linked: impl Fn(usize, usize) -> bool) -> Vec<Vec<usize>> {
    let mut label: Vec<usize> = (0..k).collect();
    fn root(label: &mut [usize], mut i: usize) -> usize {
        while label[i] != i {
            label[i] = label[label[i]];
            i = label[i];
        }
        i
    }
    for i in 0..k {
        for j in i + 1..k {
            if linked(i, j) {
                let (ri, rj) = (root(&mut label, i), root(&mut label, j));
                label[ri.max(rj)] = ri.min(rj);
            }
        }
    }
    let mut classes: Vec<Vec<usize>> = Vec::new();
    let mut class_of_root = vec![usize::MAX; k];
    for i in 0..k {
        let r = root(&mut label, i);
        if class_of_root[r] == usize::MAX {
            class_of_root[r] = classes.len();
            classes.push(Vec::new());
        }
        classes[class_of_root[r]].push(i);
    }
    classes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::Interval;

    const P: u32 = 64;

    fn real(rows: [[i64; 2]; 2], den: i64) -> Matrix<Interval> {
        Matrix::from_fn(2, |i, j| Interval::from_int(rows[i][j], P).div_int(den))
    }

    /// With X = I and R = 0.9·I (a 10% wrong inverse) the discs are wide; they must still hold
    /// the eigenvalues (5 ± √5)/2 of [[2, 1], [1, 3]]. Without the Neumann balls around R the
    /// disc union would miss (5 + √5)/2; without the Gershgorin radii it would miss both.
    #[test]
    fn a_poor_basis_gives_wide_but_valid_discs() {
        let a = real([[2, 1], [1, 3]], 1);
        let x = Matrix::identity(2, P);
        let rows = transformed_gershgorin(&a, &x, &real([[9, 0], [0, 9]], 10), P).expect("‖I − R·X‖∞ = 0.1");
        let (five, root5) = (Interval::from_int(5, P), Interval::from_int(5, P).sqrt().expect("positive"));
        for ev in [five.sub(&root5).div_int(2), five.add(&root5).div_int(2)] {
            assert!(rows.iter().any(|(d, rad)| d.inflate(rad).contains(&ev)), "{ev:?} missed");
        }
        assert!(transformed_gershgorin(&a, &x, &real([[0, 0], [0, 0]], 1), P).is_err(), "‖I − 0·X‖ = 1");
    }

    #[test]
    fn components_are_connected_classes() {
        let edges = [(0, 2), (2, 3)];
        assert_eq!(components(5, |i, j| edges.contains(&(i, j))), vec![vec![0, 2, 3], vec![1], vec![4]]);
        assert_eq!(components(0, |_, _| true), Vec::<Vec<usize>>::new());
    }
}
