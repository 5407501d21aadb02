//! The period-2 orbits of Observations 1 and 2 (Section 6) for a diagonal target
//! `C = diag(c_1, ..., c_d)`, `c_1` the largest, certified on a reduced system and lifted to the
//! full `2d²`-dimensional GD map, with the eigenvalues of the full two-step Jacobian.
//!
//! Why a reduced system: the minima of mf form a manifold and GD commutes with `Y → Y Q`,
//! `Z → Z Q` (`Q` orthogonal), so period-2 orbits are not isolated and Krawczyk cannot
//! certify uniqueness in a full box. The orbit of the stated form is
//! `Y_i = diag(x_i, α σ_2, ..., α σ_d)`, `Z_i = diag(x_i, σ_2/α, ..., σ_d/α)` (`σ_j² = c_j`;
//! `α = 1` is Observation 1 with `u = v = e_1`). The set of such points is invariant under GD:
//! for diagonal `Y, Z` the residual is diagonal, block `j ≥ 2` has zero residual and stays
//! fixed, and block 1 with `y = z = x` follows GD on `(x² − c_1)²/4` (the 1/2 of eq. (7) on
//! two equal factors). So a period-2 orbit of that 1-D map, certified by the 1-D engine
//! (unique in its enclosure), IS a period-2 orbit of the full map. When every coordinate is
//! rational, `F(P_1) = P_2` and `F(P_2) = P_1` are also checked exactly in the full space.
//!
//! Stability: the orbit lies on a family of period-2 orbits of dimension `m = d(d−1)` (the
//! lower block may move along its own minimum manifold `(A, B) → (A G, B G^{−T})`, `(d−1)²`
//! dimensions, and `e_1` may be rotated into the others by `Y → Y Q, Z → Z Q`, `d−1` more;
//! the tangent vectors have disjoint supports, so they are independent), hence `J = DF²` has
//! the eigenvalue 1 at least `m` times. The verdict is on the transverse dynamics:
//! - PASS: exactly `m` eigenvalues in the cluster(s) around 1 (so all of them equal 1) and
//!   every other eigenvalue of modulus `< 1` (exact data: `charpoly(J) = (x − 1)^m q(x)` with
//!   `q(1) ≠ 0` and `q` Schur–Cohn stable);
//! - FAIL: some eigenvalue of modulus `> 1` is certified (the orbit is unstable);
//! - UNDECIDED otherwise.

use super::{theta, Q};
use crate::eigen::{self, IMatrix};
use crate::eval::{grad_hess, Num};
use crate::interval::Interval;
use crate::krawczyk::Budget;
use crate::numfmt::NumJson;
use crate::poly::{rational_sqrt, Poly};
use crate::verbs::orbit::{eigen_json, EigenJson};
use crate::verbs::UserError;
use crate::verdict::Verdict;
use num_traits::{One, Signed, Zero};
use serde::Serialize;

/// What is asked.
#[derive(Clone, Debug)]
pub struct MfOrbitRequest {
    /// The diagonal of `C` (`σ_i²`), `c[0]` the largest.
    pub c: Vec<Q>,
    pub lr: Num,
    /// The scale of the quasi-symmetric minimum `(α X_0, X_0/α)` (Observation 2); 1 for
    /// Observation 1.
    pub alpha: Q,
    pub prec: u32,
    pub budget: Budget,
}

/// One lifted orbit.
#[derive(Clone, Debug, Serialize)]
pub struct MfOrbitOut {
    /// `x_1`, `x_2`: the (1,1) entries of `Y = Z` on the orbit.
    pub top: [NumJson; 2],
    /// `ρ_i² = x_i²/σ_1²`, the `ρ` of eqs. (8)/(164).
    pub rho_sq: [NumJson; 2],
    /// Eq. (164) with the parenthesis of eq. (4): `η σ_1² = 1/(ρ² (sqrt(1/ρ² − 3/4) + 1/2))`.
    pub eq164: String,
    /// The two orbit points `(vec Y, vec Z)`, row-major.
    pub points: [Vec<NumJson>; 2],
    /// Exact orbit points and an exact check of `F(P_1) = P_2`, `F(P_2) = P_1`.
    pub exact: bool,
    /// The eigenvalues of the full `J = F'(P_2) F'(P_1)`.
    pub eigenvalues: Vec<EigenJson>,
    /// `d(d − 1)`: eigenvalues equal to 1 forced by the family of orbits.
    pub symmetry_ones: usize,
    /// Transverse stability (see the module doc).
    pub stable: Verdict,
    pub stable_reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MfOrbitOutput {
    pub model: String,
    pub c: Vec<NumJson>,
    pub lr: NumJson,
    pub alpha: NumJson,
    pub reduced_system: String,
    pub quotiented_symmetry: String,
    pub parameters: usize,
    pub orbits: Vec<MfOrbitOut>,
    /// The 1-D search found every orbit of the reduced system in its interval.
    pub complete: bool,
    pub reduced_interval: NumJson,
    /// `η σ_1² ∈ (1, sqrt(4.5) − 1)` (Observations 1 and 2).
    pub lr_in_range: Option<bool>,
    /// Observation 1: `η (σ_1² + σ_2²) < 2`.
    pub obs1_condition: Option<bool>,
    /// Eq. (9): `η max(σ_1²/α² + σ_2² α², σ_2²/α² + σ_1² α²) ≤ 2`.
    pub eq9_condition: Option<bool>,
    /// Eqs. (202)–(203) at these data with `p = 2` (exact learning rates only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q_matrix: Option<super::qmatrix::QOutput>,
}

/// `Some(true)` if `a < b` is certified, `Some(false)` if `a ≥ b`, `None` if undecided.
fn lt(a: &Interval, b: &Interval) -> Option<bool> {
    if a.certainly_lt(b) {
        Some(true)
    } else if b.certainly_le(a) {
        Some(false)
    } else {
        None
    }
}

/// Runs the orbit certification. Input errors are `UserError`s.
pub fn run(req: &MfOrbitRequest) -> Result<MfOrbitOutput, UserError> {
    let prec = req.prec;
    let d = req.c.len();
    if d == 0 || req.c.iter().any(|x| !x.is_positive()) {
        return Err(UserError::new("--c must be positive definite: every diagonal entry σ_i² > 0"));
    }
    if req.c.iter().skip(1).any(|x| x >= &req.c[0]) {
        return Err(UserError::new("--c: the first diagonal entry must be the strictly largest eigenvalue σ_1² (sort the diagonal)"));
    }
    if !req.alpha.is_positive() {
        return Err(UserError::new("--alpha must be positive"));
    }
    let eta = req.lr.to_interval(prec);
    if !eta.is_pos() {
        return Err(UserError::new("the learning rate --lr must be positive"));
    }
    let c1 = &req.c[0];
    let qs = |x: &Q| crate::numfmt::rational_string(x);
    // The reduced 1-D system and its interval [c1/(4(c1+1)), c1+1] ⊇ [sqrt(c1)/4, 2 sqrt(c1)].
    let one = Q::one();
    let lo = c1 / (Q::from_integer(4.into()) * (c1 + &one));
    let hi = c1 + &one;
    let dom = Interval::from_rationals(&lo, &hi, prec);
    let loss1 = crate::parse::parse_loss(&format!("(x^2 - ({}))^2/4", qs(c1)), &[], None).expect("well-formed");
    let search = crate::orbit::period2_orbits(&loss1, &eta, &dom, &req.budget);
    let full = super::loss(&(0..d).map(|i| (0..d).map(|j| if i == j { req.c[i].clone() } else { Q::zero() }).collect()).collect(), d);
    let n = 2 * d * d;
    let m_sym = d * (d - 1);
    // Lower blocks: a_j = α σ_j, b_j = σ_j / α (exact when c_j is a rational square).
    let sig: Vec<Option<Q>> = req.c.iter().map(rational_sqrt).collect();
    let ci = |x: &Q| Interval::from_rational(x, prec);
    let sig_i: Vec<Interval> = req.c.iter().map(|x| ci(x).sqrt().expect("positive")).collect();
    let eta_q = req.lr.exact().cloned();
    let k_i = eta.mul(&ci(c1));
    let mut out = MfOrbitOutput {
        model: "mf: L(Y, Z) = |Y Z^T - C|_F^2 / 2 (eq. (7)), Y, Z d×d".into(),
        c: req.c.iter().map(|x| NumJson::exact(x, prec)).collect(),
        lr: NumJson::from_num(&req.lr, prec),
        alpha: NumJson::exact(&req.alpha, prec),
        reduced_system: format!(
            "(x^2 - {})^2/4 on the GD-invariant slice Y = Z = diag(x, α σ_2, ..., α σ_d) / diag(x, σ_2/α, ..., σ_d/α) (lower block at a minimum, fixed)",
            qs(c1)
        ),
        quotiented_symmetry: "Y → Y Q, Z → Z Q (Q orthogonal: the arbitrary v of Observation 1) and the lower block's minimum manifold (A, B) → (A G, B G^-T); the orbit is one member of a d(d-1)-dimensional family".into(),
        parameters: n,
        orbits: vec![],
        complete: search.undecided.is_empty(),
        reduced_interval: NumJson::enclosed(&dom),
        lr_in_range: match (lt(&Interval::from_int(1, prec), &k_i), lt(&k_i.add(&Interval::from_int(1, prec)).sqr(), &Interval::from_rational(&Q::new(9.into(), 2.into()), prec))) {
            (Some(a), Some(b)) => Some(a && b),
            (Some(false), _) | (_, Some(false)) => Some(false),
            _ => None,
        },
        obs1_condition: if d >= 2 { lt(&eta.mul(&ci(c1).add(&ci(&req.c[1]))), &Interval::from_int(2, prec)) } else { None },
        eq9_condition: None,
        q_matrix: None,
    };
    if d >= 2 {
        let a2 = ci(&(&req.alpha * &req.alpha));
        let (s1, s2) = (ci(c1), ci(&req.c[1]));
        let e1 = s1.div(&a2).unwrap().add(&s2.mul(&a2));
        let e2 = s2.div(&a2).unwrap().add(&s1.mul(&a2));
        let mx = e1.max(&e2);
        // ≤ 2: true if eta*mx ≤ 2 certainly, false if > 2 certainly.
        let two = Interval::from_int(2, prec);
        let v = eta.mul(&mx);
        out.eq9_condition = if v.certainly_le(&two) { Some(true) } else if two.certainly_lt(&v) { Some(false) } else { None };
    }
    for o in &search.orbits {
        out.orbits.push(lift(req, &full, &eta, eta_q.as_ref(), o, &sig, &sig_i, m_sym)?);
    }
    Ok(out)
}

fn lift(
    req: &MfOrbitRequest,
    full: &crate::expr::Loss,
    eta: &Interval,
    eta_q: Option<&Q>,
    o: &crate::orbit::Orbit,
    sig: &[Option<Q>],
    sig_i: &[Interval],
    m_sym: usize,
) -> Result<MfOrbitOut, UserError> {
    let prec = req.prec;
    let d = req.c.len();
    let c1 = &req.c[0];
    let ci = |x: &Q| Interval::from_rational(x, prec);
    let al = ci(&req.alpha);
    let diag_pt = |x: &Interval, scale: &dyn Fn(&Interval) -> Interval| -> Vec<Vec<Interval>> {
        (0..d).map(|i| (0..d).map(|j| if i != j { Interval::from_int(0, prec) } else if i == 0 { x.clone() } else { scale(&sig_i[i]) }).collect()).collect()
    };
    let pt = |x: &Interval| {
        let y = diag_pt(x, &|s| al.mul(s));
        let z = diag_pt(x, &|s| s.div(&al).expect("α > 0"));
        theta(&y, &z)
    };
    let (p1, p2) = (pt(&o.x1), pt(&o.x2));
    // Exact orbit points when possible: x_i^2 = (1 + K ± s)/(2η), s = sqrt((1 + K)^2 - 4).
    let exact_pts = eta_q.and_then(|e| {
        let k = e * c1;
        let one = Q::one();
        let s = rational_sqrt(&((&k + &one) * (&k + &one) - Q::from_integer(4.into())))?;
        let xs: Vec<Q> = [&k + &one + &s, &k + &one - &s].iter().filter_map(|v| rational_sqrt(&(v / (Q::from_integer(2.into()) * e)))).collect();
        let pick = |enc: &Interval| xs.iter().find(|x| enc.contains_rational(x)).cloned();
        let (x1, x2) = (pick(&o.x1)?, pick(&o.x2)?);
        let lower: Vec<Q> = sig.iter().skip(1).map(|s| s.clone()).collect::<Option<_>>()?;
        let mk = |x: &Q, scale: &dyn Fn(&Q) -> Q| -> Vec<Vec<Q>> {
            (0..d).map(|i| (0..d).map(|j| if i != j { Q::zero() } else if i == 0 { x.clone() } else { scale(&lower[i - 1]) }).collect()).collect()
        };
        let ptq = |x: &Q| theta(&mk(x, &|s| &req.alpha * s), &mk(x, &|s| s / &req.alpha));
        Some((e.clone(), ptq(&x1), ptq(&x2), x1, x2))
    });
    let rho = |x: &Interval| x.sqr().div(&ci(c1)).expect("c1 > 0");
    let mut res = MfOrbitOut {
        top: [NumJson::enclosed(&o.x1), NumJson::enclosed(&o.x2)],
        rho_sq: [NumJson::enclosed(&rho(&o.x1)), NumJson::enclosed(&rho(&o.x2))],
        eq164: String::new(),
        points: [p1.iter().map(NumJson::enclosed).collect(), p2.iter().map(NumJson::enclosed).collect()],
        exact: false,
        eigenvalues: vec![],
        symmetry_ones: m_sym,
        stable: Verdict::Undecided,
        stable_reason: String::new(),
    };
    // Eq. (164) in polynomial form: with K = η σ_1², r = ρ²: K² r² − K(1 + K) r + 1 = 0 and
    // 1/(K r) − 1/2 ≥ 0 (the sign of the square root).
    let k = eta.mul(&ci(c1));
    let eq164 = |r: &Interval| k.sqr().mul(&r.sqr()).sub(&k.mul(&Interval::from_int(1, prec).add(&k)).mul(r)).add(&Interval::from_int(1, prec));
    res.eq164 = if eq164(&rho(&o.x1)).contains_zero() && eq164(&rho(&o.x2)).contains_zero() {
        "consistent: K² ρ² ρ² − K(1+K) ρ² + 1 encloses 0 at both points (the orbit solves eq. (164) with sqrt(1/ρ² − 3/4) + 1/2)".into()
    } else {
        "INCONSISTENT: the certified orbit does not solve eq. (164)".into()
    };
    if let Some((e, q1, q2, x1, x2)) = &exact_pts {
        let step = |p: &[Q]| -> Result<Vec<Q>, UserError> {
            let g = grad_hess(full, p, &()).map_err(|er| UserError::new(er.to_string()))?.g;
            Ok(p.iter().zip(&g).map(|(a, b)| a - e * b).collect())
        };
        let ok = step(q1)? == *q2 && step(q2)? == *q1;
        if !ok {
            return Err(UserError::new("internal: the exact lifted orbit does not satisfy F(P1) = P2 (please report)"));
        }
        let kq = e * c1;
        let r_ok = |x: &Q| {
            let r = x * x / c1;
            &kq * &kq * &r * &r - &kq * (Q::one() + &kq) * &r + Q::one() == Q::zero() && Q::one() / (&kq * &r) >= Q::new(1.into(), 2.into())
        };
        if r_ok(x1) && r_ok(x2) {
            res.eq164 = "exact: both ρ² = x²/σ_1² solve K² ρ⁴ − K(1+K) ρ² + 1 = 0 with 1/(K ρ²) ≥ 1/2, i.e. eq. (164)/(8) with sqrt(1/ρ² − 3/4) + 1/2".into();
        }
        res.exact = true;
        res.points = [q1.iter().map(|x| NumJson::exact(x, prec)).collect(), q2.iter().map(|x| NumJson::exact(x, prec)).collect()];
        let h = |p: &[Q]| grad_hess(full, p, &()).map(|j| j.hessian()).map_err(|er| UserError::new(er.to_string()));
        let (h1, h2) = (h(q1)?, h(q2)?);
        let nn = h1.len();
        let fp = |hm: &Vec<Vec<Q>>| -> Vec<Vec<Q>> { (0..nn).map(|i| (0..nn).map(|j| if i == j { Q::one() } else { Q::zero() } - e * &hm[i][j]).collect()).collect() };
        let j = super::matmul(&fp(&h2), &fp(&h1));
        let jm = IMatrix::from_rationals(&j, prec).map_err(UserError::new)?;
        res.eigenvalues = eigen::general_eigenvalues(&jm, prec).map(|c| eigen_json(&c)).unwrap_or_default();
        let p = eigen::charpoly(&j);
        let xm1 = Poly::from_roots(&[Q::one()]).pow(m_sym as u32);
        match p.div_rem(&xm1) {
            Some((qq, r)) if r.is_zero() && !qq.eval(&Q::one()).is_zero() => match eigen::schur_cohn_stable(&qq) {
                Some(true) => {
                    res.stable = Verdict::Pass;
                    res.stable_reason = format!("exact: charpoly(J) = (x - 1)^{m_sym} q(x), q(1) ≠ 0, q Schur–Cohn stable: transversally stable");
                }
                _ => {
                    let v = eigen::spectral_radius_verdict(&jm, prec);
                    if v == eigen::Stability::Unstable {
                        res.stable = Verdict::Fail;
                        res.stable_reason = "exact J: an eigenvalue with |λ| > 1 is certified: unstable".into();
                    } else {
                        res.stable_reason = "exact: charpoly(J) = (x - 1)^m q(x) with q not Schur–Cohn stable, but no eigenvalue with |λ| > 1 certified".into();
                    }
                }
            },
            _ => res.stable_reason = format!("exact: the eigenvalue 1 of J does not have multiplicity exactly {m_sym} (the symmetry count); no verdict"),
        }
        return Ok(res);
    }
    // Enclosures.
    let h = |p: &[Interval]| grad_hess(full, p, &prec).map(|j| j.hessian()).map_err(|er| er.to_string()).and_then(IMatrix::from_intervals);
    let jm = match (h(&p1), h(&p2)) {
        (Ok(h1), Ok(h2)) => eigen::two_step_jacobian(&h1, &h2, eta),
        (Err(e), _) | (_, Err(e)) => {
            res.stable_reason = e;
            return Ok(res);
        }
    };
    let clusters = match eigen::general_eigenvalues(&jm, prec) {
        Ok(c) => c,
        Err(e) => {
            res.stable_reason = format!("eigenvalue enclosure failed: {e}");
            return Ok(res);
        }
    };
    res.eigenvalues = eigen_json(&clusters);
    let one = Interval::from_int(1, prec);
    let zero = Interval::from_int(0, prec);
    let holds_one = |c: &eigen::Cluster| c.discs.iter().any(|d| d.contains_box(&one, &zero));
    let near_one: usize = clusters.iter().filter(|c| holds_one(c)).map(|c| c.count()).sum();
    let others_inside = clusters.iter().filter(|c| !holds_one(c)).all(|c| c.discs.iter().all(|d| d.max_abs_up() < 1));
    let outside = clusters.iter().any(|c| c.discs.iter().all(|d| d.min_abs_down() > 1));
    if outside {
        res.stable = Verdict::Fail;
        res.stable_reason = "an eigenvalue cluster lies outside the closed unit disc: unstable".into();
    } else if near_one == m_sym && others_inside {
        res.stable = Verdict::Pass;
        res.stable_reason = if m_sym == 0 {
            "every eigenvalue has |λ| < 1 (d = 1: no symmetry family): stable".to_string()
        } else {
            format!("the clusters holding 1 contain exactly {m_sym} eigenvalues (all equal to 1 by the symmetry family) and every other eigenvalue has |λ| < 1: transversally stable")
        };
    } else {
        res.stable_reason = format!("{near_one} eigenvalue(s) in the clusters holding 1 (symmetry forces {m_sym}); others inside the unit disc: {others_inside}");
    }
    Ok(res)
}
