//! Unit tests of the eigenvalue enclosures against closed forms.

use super::*;
use crate::poly::qi;
use num_rational::BigRational as Q;

const PREC: u32 = 128;

fn q(n: i64, d: i64) -> Q {
    Q::new(n.into(), d.into())
}

fn imat(rows: &[Vec<Q>]) -> IMatrix {
    IMatrix::from_rationals(rows, PREC).expect("square")
}

fn ints(rows: &[&[i64]]) -> Vec<Vec<Q>> {
    rows.iter().map(|r| r.iter().map(|&x| qi(x)).collect()).collect()
}

/// `2^-e` as a float.
fn tiny(e: i32) -> Float {
    Float::with_val(PREC, Float::u_exp(1, -e))
}

/// The cluster whose discs contain the point `re + i·im` (each given as an enclosure).
fn cluster_containing<'a>(clusters: &'a [Cluster], re: &Interval, im: &Interval) -> Option<&'a Cluster> {
    clusters.iter().find(|c| c.discs.iter().any(|d| d.contains_box(re, im)))
}

fn zero() -> Interval {
    Interval::from_int(0, PREC)
}

#[test]
fn diagonal_matrix() {
    let m = ints(&[&[3, 0, 0], &[0, -1, 0], &[0, 0, 2]]);
    let ev = symmetric_eigenvalues(&imat(&m), PREC).expect("encloses");
    for (iv, want) in ev.iter().zip([-1, 2, 3]) {
        assert!(iv.contains_rational(&qi(want)), "{iv:?} should contain {want}");
        assert!(iv.width() < tiny(100));
    }
    let clusters = general_eigenvalues(&imat(&m), PREC).expect("encloses");
    assert_eq!(clusters.len(), 3);
    for want in [-1, 2, 3] {
        let c = cluster_containing(&clusters, &Interval::from_int(want, PREC), &zero()).expect("contained");
        assert_eq!(c.count(), 1);
    }
}

#[test]
fn symmetric_2x2_closed_form() {
    for (a, b, d) in [(q(1, 1), q(1, 2), q(-2, 3)), (q(5, 7), q(-3, 11), q(5, 7)), (q(2, 1), q(1, 1000), q(2, 1))] {
        let m = vec![vec![a.clone(), b.clone()], vec![b.clone(), d.clone()]];
        let ev = symmetric_eigenvalues(&imat(&m), PREC).expect("encloses");
        let half_sum = Interval::from_rational(&((&a + &d) / qi(2)), PREC);
        let root = Interval::from_rational(&(((&a - &d) / qi(2)) * ((&a - &d) / qi(2)) + &b * &b), PREC).sqrt().expect("non-negative");
        let exact = [half_sum.sub(&root), half_sum.add(&root)];
        for (iv, want) in ev.iter().zip(&exact) {
            assert!(iv.meets(want), "{iv:?} misses {want:?}");
            assert!(iv.width() < tiny(110), "{iv:?} is too wide");
        }
    }
}

#[test]
fn repeated_symmetric_eigenvalue_is_one_cluster() {
    // [[2, 1, 1], [1, 2, 1], [1, 1, 2]]: eigenvalues 1, 1, 4.
    let ev = symmetric_eigenvalues(&imat(&ints(&[&[2, 1, 1], &[1, 2, 1], &[1, 1, 2]])), PREC).expect("encloses");
    assert!(ev[0].contains_rational(&qi(1)) && ev[1].contains_rational(&qi(1)) && ev[2].contains_rational(&qi(4)));
    assert!(ev[2].width() < tiny(100) && ev[0].width() < tiny(90));
}

#[test]
fn interval_symmetric_matrix_covers_its_members() {
    // [[1 ± 1/100, 0], [0, 3]] with an off-diagonal in [−1/100, 1/100].
    let e = q(1, 100);
    let a = IMatrix::from_intervals(vec![
        vec![Interval::from_rationals(&(qi(1) - &e), &(qi(1) + &e), PREC), Interval::from_rationals(&-e.clone(), &e, PREC)],
        vec![Interval::from_rationals(&-e.clone(), &e, PREC), Interval::from_int(3, PREC)],
    ])
    .expect("square");
    let ev = symmetric_eigenvalues(&a, PREC).expect("encloses");
    // The member [[1 + 1/100, 1/100], [1/100, 3]] has eigenvalues 2 ± sqrt(0.99² + 0.01²).
    let root = Interval::from_rational(&q(9802, 10000), PREC).sqrt().expect("positive");
    let two = Interval::from_int(2, PREC);
    assert!(ev[0].contains(&two.sub(&root)) && ev[1].contains(&two.add(&root)));
    assert!(ev[0].hi() < ev[1].lo());
}

#[test]
fn rotation_has_complex_pair() {
    // [[3/5, −4/5], [4/5, 3/5]]: eigenvalues 3/5 ± 4i/5 on the unit circle.
    let m = vec![vec![q(3, 5), q(-4, 5)], vec![q(4, 5), q(3, 5)]];
    let clusters = general_eigenvalues(&imat(&m), PREC).expect("encloses");
    assert_eq!(clusters.len(), 2);
    for im in [q(4, 5), q(-4, 5)] {
        let c = cluster_containing(&clusters, &Interval::from_rational(&q(3, 5), PREC), &Interval::from_rational(&im, PREC));
        assert_eq!(c.expect("contained").count(), 1);
    }
    assert!(matches!(spectral_radius_verdict(&imat(&m), PREC), Stability::Undecided(_)));
    let halved: Vec<Vec<Q>> = m.iter().map(|r| r.iter().map(|x| x / qi(2)).collect()).collect();
    assert_eq!(spectral_radius_verdict(&imat(&halved), PREC), Stability::Stable);
    let doubled: Vec<Vec<Q>> = m.iter().map(|r| r.iter().map(|x| x * qi(2)).collect()).collect();
    assert_eq!(spectral_radius_verdict(&imat(&doubled), PREC), Stability::Unstable);
}

#[test]
fn defective_jordan_block_is_never_wrong() {
    for (lambda, allowed_stable) in [(q(1, 2), true), (q(1, 1), false), (q(3, 2), false)] {
        let m = vec![vec![lambda.clone(), qi(1)], vec![qi(0), lambda.clone()]];
        if let Ok(clusters) = general_eigenvalues(&imat(&m), PREC) {
            let c = cluster_containing(&clusters, &Interval::from_rational(&lambda, PREC), &zero()).expect("contained");
            assert_eq!(c.count(), 2, "both eigenvalues are λ");
        }
        match spectral_radius_verdict(&imat(&m), PREC) {
            Stability::Stable => assert!(allowed_stable, "Jordan block at {lambda} declared stable"),
            Stability::Unstable => assert!(lambda > qi(1), "Jordan block at {lambda} declared unstable"),
            Stability::Undecided(_) => {}
        }
        assert_eq!(exact_spectral_verdict(&m) == Stability::Stable, allowed_stable);
    }
}

#[test]
fn spectral_radius_exactly_one_is_not_stable() {
    for m in [ints(&[&[0, 1], &[1, 0]]), vec![vec![qi(1), qi(0)], vec![qi(0), q(1, 2)]], ints(&[&[0, -1], &[1, 0]])] {
        assert!(matches!(spectral_radius_verdict(&imat(&m), PREC), Stability::Undecided(_)), "{m:?}");
        assert!(matches!(exact_spectral_verdict(&m), Stability::Undecided(_)), "{m:?}");
    }
}

/// The quartic loss f = (x² − 1)²/4 has f'' = 3x² − 1 and, at η = K = 10609/9009, the period-2
/// orbit {117/103, 77/103} (x₁ + x₂ = √(1 + 3/K), x₁x₂ = 1/K); its multiplier is 7 − 4K − 2K².
#[test]
fn quartic_two_step_jacobian() {
    let k = q(10609, 9009);
    let (x1, x2) = (q(117, 103), q(77, 103));
    let f2 = |x: &Q| qi(3) * x * x - qi(1);
    let fstep = |x: &Q| x - &k * (x * x * x - x);
    assert_eq!((fstep(&x1), fstep(&x2)), (x2.clone(), x1.clone()), "a period-2 orbit");
    let multiplier = qi(7) - qi(4) * &k - qi(2) * &k * &k;
    let eta = Interval::from_rational(&k, PREC);
    let h = |x: &Q| imat(&[vec![f2(x)]]);
    let j = two_step_jacobian(&h(&x1), &h(&x2), &eta);
    let clusters = general_eigenvalues(&j, PREC).expect("encloses");
    assert!(cluster_containing(&clusters, &Interval::from_rational(&multiplier, PREC), &zero()).is_some());
    assert_eq!(spectral_radius_verdict(&j, PREC), Stability::Stable);
    let exact_j = vec![vec![(qi(1) - &k * f2(&x2)) * (qi(1) - &k * f2(&x1))]];
    assert_eq!(exact_j[0][0], multiplier);
    assert_eq!(exact_spectral_verdict(&exact_j), Stability::Stable);

    // 2-D: add a direction with curvature c, rotated by the exact rotation (3/5, 4/5): the
    // eigenvalues of J are the multiplier and (1 − Kc)²; c = 2 makes the orbit unstable.
    let rot = [vec![q(3, 5), q(-4, 5)], vec![q(4, 5), q(3, 5)]];
    let hess = |x: &Q, c: &Q| -> Vec<Vec<Q>> {
        let d = [f2(x), c.clone()];
        (0..2).map(|i| (0..2).map(|j| (0..2).map(|t| &rot[t][i] * &d[t] * &rot[t][j]).sum()).collect()).collect()
    };
    for (c, want) in [(qi(1), Stability::Stable), (qi(2), Stability::Unstable)] {
        let j = two_step_jacobian(&imat(&hess(&x1, &c)), &imat(&hess(&x2, &c)), &eta);
        let other = (qi(1) - &k * &c) * (qi(1) - &k * &c);
        let clusters = general_eigenvalues(&j, PREC).expect("encloses");
        for ev in [&multiplier, &other] {
            assert!(cluster_containing(&clusters, &Interval::from_rational(ev, PREC), &zero()).is_some(), "{ev} missing");
        }
        assert_eq!(spectral_radius_verdict(&j, PREC), want);
        let h1 = IMatrix::from_rationals(&hess(&x1, &c), PREC).expect("square");
        let ev1 = symmetric_eigenvalues(&h1, PREC).expect("symmetric");
        let (lo, hi) = if f2(&x1) < c { (f2(&x1), c.clone()) } else { (c.clone(), f2(&x1)) };
        assert!(ev1[0].contains_rational(&lo) && ev1[1].contains_rational(&hi));
    }
}

#[test]
fn ill_conditioned_input_is_an_error_not_a_wrong_answer() {
    let unbounded = IMatrix::from_intervals(vec![vec![Interval::entire(PREC)]]).expect("square");
    assert!(general_eigenvalues(&unbounded, PREC).is_err());
    assert!(symmetric_eigenvalues(&unbounded, PREC).is_err());
    assert!(matches!(spectral_radius_verdict(&unbounded, PREC), Stability::Undecided(_)));
    let asymmetric = IMatrix::from_intervals(vec![
        vec![Interval::from_int(0, PREC), Interval::from_int(1, PREC)],
        vec![Interval::from_int(2, PREC), Interval::from_int(0, PREC)],
    ])
    .expect("square");
    assert!(symmetric_eigenvalues(&asymmetric, PREC).is_err());
}

/// The path-graph Laplacian tridiag(−1, 2, −1) of size 32 has eigenvalues
/// 2 − 2·cos(kπ/33) = 4·sin²(kπ/66), k = 1..32.
#[test]
fn laplacian_32_symmetric() {
    let n: usize = 32;
    let m: Vec<Vec<Q>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    qi(if i == j {
                        2
                    } else if i.abs_diff(j) == 1 {
                        -1
                    } else {
                        0
                    })
                })
                .collect()
        })
        .collect();
    let ev = symmetric_eigenvalues(&imat(&m), PREC).expect("encloses");
    for (k, iv) in (1..=n as i64).zip(&ev) {
        let s = Interval::pi(PREC).mul_int(k).div_int(2 * (n as i64 + 1)).sin().expect("sin");
        let want = s.sqr().mul_int(4);
        assert!(iv.meets(&want), "λ_{k} = {want:?} not in {iv:?}");
        assert!(iv.width() < tiny(100), "{iv:?} too wide");
    }
    // GD on the quadratic with this Hessian: I − η·L is stable iff η·λ_max < 2.
    for (eta, stable) in [(q(1, 2), true), (q(1, 1), false)] {
        let step = IMatrix::identity(n, PREC).sub(&imat(&m).scale(&Interval::from_rational(&eta, PREC)));
        assert_eq!(spectral_radius_verdict(&step, PREC) == Stability::Stable, stable);
    }
}

/// `S·diag(d)·S⁻¹` with `S` unit lower bidiagonal (exact inverse) is non-symmetric with known
/// eigenvalues `d`.
#[test]
fn similar_to_diagonal_24() {
    let n: usize = 24;
    let d: Vec<Q> = (0..n).map(|k| q(k as i64 - 11, 8)).collect();
    let s = |i: usize, j: usize| {
        if i == j {
            qi(1)
        } else if i == j + 1 {
            q(1, 2)
        } else {
            qi(0)
        }
    };
    // S⁻¹ of a unit lower bidiagonal with sub-diagonal 1/2: entries (−1/2)^(i−j) for i ≥ j.
    let s_inv = |i: usize, j: usize| if i >= j { q(-1, 2).pow((i - j) as i32) } else { qi(0) };
    let m: Vec<Vec<Q>> = (0..n).map(|i| (0..n).map(|j| (0..n).map(|k| s(i, k) * &d[k] * s_inv(k, j)).sum()).collect()).collect();
    let clusters = general_eigenvalues(&imat(&m), PREC).expect("encloses");
    assert_eq!(clusters.len(), n);
    for dk in &d {
        let c = cluster_containing(&clusters, &Interval::from_rational(dk, PREC), &zero()).expect("contained");
        assert!(c.discs[0].rad < tiny(90), "radius {}", c.discs[0].rad);
    }
}
