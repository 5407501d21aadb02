//! Randomized containment tests for `eoscert::eigen`: the enclosures computed through the
//! floating-point eigenbasis + verified similarity are checked against the exact rational
//! characteristic polynomial (Sturm-isolated real roots with exact membership tests,
//! Schur–Cohn), the exact trace, and an (untrusted) f64 eigen-solver as a coarse cross-check
//! for complex eigenvalues.

use eoscert::eigen::{
    charpoly, exact_spectral_verdict, general_eigenvalues, schur_cohn_stable, spectral_radius_verdict, symmetric_eigenvalues,
    symmetric_eigenvalues_exact, Cluster, Disc, IMatrix, Stability,
};
use eoscert::interval::Interval;
use eoscert::poly::Poly;
use nalgebra::DMatrix;
use num_rational::BigRational as Q;
use num_traits::{Signed, ToPrimitive};
use proptest::prelude::*;

const PREC: u32 = 128;

fn q(n: i64, d: i64) -> Q {
    Q::new(n.into(), d.into())
}

/// Square matrices, n = 2..=6, entries p/q with |p| <= pmax and 1 <= q <= qmax.
fn matrix(pmax: i64, qmax: i64) -> impl Strategy<Value = Vec<Vec<Q>>> {
    (2usize..=6)
        .prop_flat_map(move |n| prop::collection::vec(prop::collection::vec((-pmax..=pmax, 1..=qmax).prop_map(|(p, d)| q(p, d)), n), n))
}

/// Symmetric matrices built from the upper triangle of [`matrix`].
fn symmetric(pmax: i64, qmax: i64) -> impl Strategy<Value = Vec<Vec<Q>>> {
    matrix(pmax, qmax).prop_map(|m| {
        let n = m.len();
        (0..n).map(|i| (0..n).map(|j| m[i.min(j)][i.max(j)].clone()).collect()).collect()
    })
}

/// Sign patterns in {−1, 0, 1}: many have spectral radius exactly 1, repeated or defective
/// eigenvalues.
fn sign_matrix() -> impl Strategy<Value = Vec<Vec<Q>>> {
    (2usize..=5).prop_flat_map(|n| prop::collection::vec(prop::collection::vec((-1i64..=1).prop_map(|p| q(p, 1)), n), n))
}

fn imat(m: &[Vec<Q>]) -> IMatrix {
    IMatrix::from_rationals(m, PREC).expect("square")
}

fn zero() -> Interval {
    Interval::from_int(0, PREC)
}

/// Exactly: does the unique distinct root of `p` in the isolating interval `iso` lie in `[lo, hi]`?
fn root_in(p: &Poly, iso: &(Q, Q), lo: &Q, hi: &Q) -> bool {
    let a = iso.0.clone().max(lo.clone());
    let b = iso.1.clone().min(hi.clone());
    a <= b && p.count_roots_closed(&a, &b).unwrap_or(0) >= 1
}

/// A real segment containing the disc's intersection with the real axis (`None` if the disc
/// provably misses the axis).
fn real_reach(d: &Disc) -> Option<(Q, Q)> {
    if d.im.mig() > d.rad {
        return None;
    }
    let r = Interval::point(d.rad.clone()).expect("finite radius");
    Some((d.re.sub(&r).lo_rational()?, d.re.add(&r).hi_rational()?))
}

/// Whether the box `re + i·im` meets some disc (`false` means proved outside every disc).
fn meets_some_disc(clusters: &[Cluster], re: &Interval, im: &Interval) -> bool {
    let probe = Disc { re: re.clone(), im: im.clone(), rad: zero().mag() };
    clusters.iter().flat_map(|c| &c.discs).any(|d| !d.certainly_disjoint(&probe))
}

/// Checks the general enclosure against a matrix `member` of the interval matrix `a`: counts
/// summing to n, every real eigenvalue inside some disc (exact test), the trace inside the sum
/// of the clusters' real ranges times their counts, and f64 eigenvalues near some disc.
fn check_general(a: &IMatrix, member: &[Vec<Q>], clusters: &[Cluster]) -> Result<(), TestCaseError> {
    let n = member.len();
    prop_assert_eq!(clusters.iter().map(Cluster::count).sum::<usize>(), n);
    let p = charpoly(member);
    let reaches: Vec<(Q, Q)> = clusters.iter().flat_map(|c| &c.discs).filter_map(real_reach).collect();
    for iso in p.isolate_all_real_roots().expect("charpoly is monic") {
        prop_assert!(reaches.iter().any(|(lo, hi)| root_in(&p, &iso, lo, hi)), "a real eigenvalue in {:?} lies outside every disc", iso);
    }
    // Each cluster holds `count` eigenvalues, whose real parts lie in the cluster's real range,
    // so the trace lies in Σ count · range.
    let mut sum = zero();
    for c in clusters {
        let range = c.discs.iter().map(|d| d.re.inflate(&d.rad)).reduce(|x, y| x.hull(&y)).expect("a cluster has a disc");
        sum = sum.add(&range.mul_int(c.count() as i64));
    }
    let trace: Q = (0..n).map(|i| member[i][i].clone()).sum();
    prop_assert!(sum.contains_rational(&trace), "trace {} outside {:?}", trace, sum);
    // Coarse, untrusted cross-check of complex eigenvalues.
    let norm: f64 = member.iter().flatten().map(|x| x.abs().to_f64().unwrap_or(f64::MAX)).sum();
    let tol = Interval::from_rational(&(q(1, 10_000) * Q::from_float(1.0 + norm).expect("finite")), PREC).hi().clone();
    let fm = DMatrix::from_fn(n, n, |i, j| member[i][j].to_f64().unwrap_or(f64::NAN));
    for z in fm.complex_eigenvalues().iter() {
        let box_of = |x: f64| Interval::from_rational(&Q::from_float(x).expect("finite"), PREC).inflate(&tol);
        prop_assert!(meets_some_disc(clusters, &box_of(z.re), &box_of(z.im)), "f64 eigenvalue {} far from every disc of {:?}", z, a);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn general_discs_contain_every_eigenvalue(m in matrix(5, 4)) {
        let a = imat(&m);
        let clusters = general_eigenvalues(&a, PREC).map_err(TestCaseError::fail)?;
        check_general(&a, &m, &clusters)?;
    }

    #[test]
    fn symmetric_matrices_general_path(m in symmetric(5, 4)) {
        let a = imat(&m);
        let clusters = general_eigenvalues(&a, PREC).map_err(TestCaseError::fail)?;
        check_general(&a, &m, &clusters)?;
    }

    #[test]
    fn symmetric_enclosures_hold_the_sorted_eigenvalues(m in symmetric(5, 4)) {
        let enclosures = symmetric_eigenvalues(&imat(&m), PREC).map_err(TestCaseError::fail)?;
        prop_assert_eq!(enclosures.len(), m.len());
        let p = charpoly(&m);
        let exact = symmetric_eigenvalues_exact(&m).map_err(TestCaseError::fail)?;
        let scale = 1.0 + m.iter().flatten().map(|x| x.abs().to_f64().unwrap_or(f64::MAX)).sum::<f64>();
        // Runs of equal intervals are the groups; a group of k must hold exactly k eigenvalues
        // (with multiplicity), which with the ordering proves λ_i ∈ I_i for every i.
        let mut start = 0;
        while start < enclosures.len() {
            let e = &enclosures[start];
            let k = enclosures[start..].iter().take_while(|o| *o == e).count();
            let (lo, hi) = (e.lo_rational().expect("finite"), e.hi_rational().expect("finite"));
            let held: usize = exact.iter().filter(|ev| root_in(&p, &(ev.lo.clone(), ev.hi.clone()), &lo, &hi)).map(|ev| ev.multiplicity).sum();
            prop_assert_eq!(held, k, "the group {:?} of {} holds {} eigenvalues", e, k, held);
            if k == 1 {
                prop_assert!(e.width().to_f64() < scale * 1e-30, "isolated enclosure {:?} too wide", e);
            }
            start += k;
        }
    }

    #[test]
    fn interval_matrix_enclosures_cover_members(m in matrix(5, 4), signs in prop::collection::vec(-1i64..=1, 36)) {
        let n = m.len();
        let r = q(1, 1000);
        let a = IMatrix::from_intervals(
            m.iter().map(|row| row.iter().map(|x| Interval::from_rationals(&(x - &r), &(x + &r), PREC)).collect()).collect(),
        ).expect("square");
        let corner: Vec<Vec<Q>> = (0..n).map(|i| (0..n).map(|j| &m[i][j] + &r * q(signs[i * n + j], 1)).collect()).collect();
        if let Ok(clusters) = general_eigenvalues(&a, PREC) {
            check_general(&a, &m, &clusters)?;
            check_general(&a, &corner, &clusters)?;
        }
        let verdict = spectral_radius_verdict(&a, PREC);
        for member in [&m, &corner] {
            let sc = schur_cohn_stable(&charpoly(member));
            match verdict {
                Stability::Stable => prop_assert_eq!(sc, Some(true)),
                Stability::Unstable => prop_assert_eq!(sc, Some(false)),
                Stability::Undecided(_) => {}
            }
        }
    }

    #[test]
    fn verdict_agrees_with_schur_cohn(m in matrix(3, 8)) {
        check_verdict(&m)?;
    }

    #[test]
    fn verdict_on_sign_patterns(m in sign_matrix()) {
        check_verdict(&m)?;
        if let Ok(clusters) = general_eigenvalues(&imat(&m), PREC) {
            prop_assert_eq!(clusters.iter().map(Cluster::count).sum::<usize>(), m.len());
            let p = charpoly(&m);
            let reaches: Vec<(Q, Q)> = clusters.iter().flat_map(|c| &c.discs).filter_map(real_reach).collect();
            for iso in p.isolate_all_real_roots().expect("charpoly is monic") {
                prop_assert!(reaches.iter().any(|(lo, hi)| root_in(&p, &iso, lo, hi)));
            }
        }
    }
}

/// The interval verdict never contradicts the exact Schur–Cohn test, and the exact verdict is
/// Stable exactly when Schur–Cohn says so.
fn check_verdict(m: &[Vec<Q>]) -> Result<(), TestCaseError> {
    let sc = schur_cohn_stable(&charpoly(m));
    match spectral_radius_verdict(&imat(m), PREC) {
        Stability::Stable => prop_assert_eq!(sc, Some(true), "Stable but Schur–Cohn disagrees: {:?}", m),
        Stability::Unstable => prop_assert_eq!(sc, Some(false), "Unstable but Schur–Cohn says stable: {:?}", m),
        Stability::Undecided(_) => {}
    }
    let exact = exact_spectral_verdict(m);
    prop_assert_eq!(exact == Stability::Stable, sc == Some(true));
    if exact == Stability::Unstable {
        prop_assert_eq!(sc, Some(false));
    }
    Ok(())
}

#[test]
fn exact_verdict_examples() {
    let m = |rows: &[&[i64]]| -> Vec<Vec<Q>> { rows.iter().map(|r| r.iter().map(|&x| q(x, 1)).collect()).collect() };
    assert_eq!(exact_spectral_verdict(&m(&[&[0, 2], &[0, 0]])), Stability::Stable);
    assert_eq!(exact_spectral_verdict(&m(&[&[2, 0], &[0, 0]])), Stability::Unstable);
    assert!(matches!(exact_spectral_verdict(&m(&[&[0, 1], &[-1, 0]])), Stability::Undecided(_)));
}
