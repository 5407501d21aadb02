//! Theorem 6 (Appendix A.2; restated as Theorem 11 in Appendix J.1) and the Remark after
//! Observation 1, at a given rational minimiser `Y Zᵀ = C` (the paper's `X = Y`, `Y = Zᵀ`).
//!
//! What is certified, and how:
//! - `Y Zᵀ = C` exactly; the Hessian `H` of the loss at `(Y, Z)` exactly (rational);
//! - its largest eigenvalue `λ` (Sturm on the exact characteristic polynomial, with its
//!   multiplicity) and, when simple, an eigenvector `v` ([`super::topeigen`]);
//! - the Remark `λ = σ_max(Y)² + σ_max(Z)²`: the exact identity
//!   `x^a·charpoly(H) = x^b·charpoly(Y Yᵀ ⊕ Z Zᵀ)` (the Gauss–Newton matrix `J Jᵀ` at a zero
//!   residual is the Kronecker sum `R ↦ Y Yᵀ R + R Z Zᵀ`, whose eigenvalues are the sums
//!   `α_i + β_j`), so the top eigenvalues coincide;
//! - the hypotheses: `σ_{x,1}` and `σ_{y,1}` unique (top eigenvalues of `Y Yᵀ`, `Z Zᵀ` simple,
//!   exact), `v_{x,1}ᵀ u_{y,1} ≠ 0` (this is `u_{x,1}ᵀ C v_{y,1} ≠ 0` up to positive factors:
//!   exact when both top eigenvalues are rational, otherwise by enclosure);
//! - the paper's direction: eq. (153) is `Δ ∝ (u vᵀ Z, v uᵀ Y)` with `u = u_{x,1}`,
//!   `v = v_{y,1}` (since `σ_y u_{y,1}ᵀ = vᵀ Z` and `σ_x v_{x,1} = Yᵀ u`); it is an eigenvector
//!   for `λ` iff `H Δ − λ Δ = 0`: proved exactly when everything is rational, refuted when an
//!   enclosure of a component excludes 0, otherwise reported as agreeing within the enclosure;
//! - eq. (17): `3 f''' ² − f'' f''''` along the certified unit eigenvector, by Taylor
//!   arithmetic (exact when the eigenvector is rational: the value for the unit vector is the
//!   value for `d` divided by `|d|⁶`); PASS when `> 0` is proved with the hypotheses.
//!   The closed form (160), `96 σ_x² σ_y² w² / (σ_x² + σ_y²)` with `w = v_{x,1}ᵀ u_{y,1}`, is
//!   enclosed beside it.

use super::topeigen::{top_eigen, TopEigen};
use super::{matmul, shape, theta, transpose, QMat, Q};
use crate::eigen::charpoly;
use crate::eval::{along, grad_hess};
use crate::interval::Interval;
use crate::numfmt::NumJson;
use crate::poly::Poly;
use crate::verbs::UserError;
use crate::verdict::Verdict;
use num_traits::{Signed, Zero};
use serde::Serialize;

/// What is asked: the factors (Section 6 convention, `Y Zᵀ = C`) and optionally `C`.
#[derive(Clone, Debug)]
pub struct Theorem6Request {
    pub y: QMat,
    pub z: QMat,
    pub c: Option<QMat>,
    pub prec: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct Judged {
    pub verdict: Verdict,
    pub reason: String,
}

fn judged(verdict: Verdict, reason: impl Into<String>) -> Judged {
    Judged { verdict, reason: reason.into() }
}

/// The verdict of eq. (17) (SPEC: `{"verdict", "value", "lambda_max"}`).
#[derive(Clone, Debug, Serialize)]
pub struct Theorem6Verdict {
    pub verdict: Verdict,
    /// `3 f'''² − f'' f''''` along the unit leading eigenvector.
    pub value: Option<NumJson>,
    pub lambda_max: NumJson,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Theorem6Output {
    pub model: String,
    /// `(m, p, q)`: `Y` is `m×p`, `Z` is `q×p`, `C` is `m×q`.
    pub shape: [usize; 3],
    pub parameters: usize,
    pub lambda_max_multiplicity: usize,
    /// The Remark after Observation 1: `λ_max(H) = σ_max(Y)² + σ_max(Z)²`.
    pub remark: Judged,
    pub sigma_max_y_sq: NumJson,
    pub sigma_max_z_sq: NumJson,
    /// Theorem 6's hypotheses: unique top singular values, `v_{x,1}ᵀ u_{y,1} ≠ 0`.
    pub hypotheses: Vec<(String, Judged)>,
    /// The certified leading eigenvector, normalised (`vec(ΔY), vec(ΔZ)`, row-major).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eigenvector: Option<Vec<NumJson>>,
    pub eigenvector_exact: bool,
    /// Eq. (153) (Theorem 11, Appendix J.1): `Δ = (C1 u_{x,1} u_{y,1}ᵀ, C2 v_{x,1} v_{y,1}ᵀ)`.
    pub paper_delta: Judged,
    /// The same formula as printed in Theorem 6 (Appendix A.2), with `v_{y,1}ᵀ` in `ΔX`.
    pub printed_theorem6_delta: Judged,
    /// `f''`, `f'''`, `f''''` along the unit eigenvector at the minimiser.
    pub derivatives: Vec<NumJson>,
    /// Eq. (160): `96 σ_x² σ_y² w² / (σ_x² + σ_y²)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_form_160: Option<NumJson>,
    pub theorem6: Theorem6Verdict,
}

fn num_of(t: &TopEigen, prec: u32) -> NumJson {
    match &t.exact {
        Some(q) => NumJson::exact(q, prec),
        None => NumJson::enclosed(&t.value),
    }
}

/// The Kronecker sum `R ↦ A R + R B` on `m×q` matrices `R` (row-major), `A` `m×m`, `B` `q×q`.
fn kronecker_sum(a: &QMat, b: &QMat) -> QMat {
    let (m, q) = (a.len(), b.len());
    let idx = |i: usize, j: usize| i * q + j;
    let mut k = vec![vec![Q::zero(); m * q]; m * q];
    for i in 0..m {
        for j in 0..q {
            for c in 0..m {
                k[idx(i, j)][idx(c, j)] += &a[i][c];
            }
            for d in 0..q {
                k[idx(i, j)][idx(i, d)] += &b[d][j];
            }
        }
    }
    k
}

/// `H d − λ d` for an exact `H` and enclosed `λ`, `d`.
fn residual(h: &QMat, lam: &Interval, d: &[Interval]) -> Vec<Interval> {
    let p = lam.prec();
    h.iter()
        .zip(d)
        .map(|(row, di)| {
            let hd = row.iter().zip(d).fold(Interval::from_int(0, p), |s, (hij, dj)| s.add(&Interval::from_rational(hij, p).mul(dj)));
            hd.sub(&lam.mul(di))
        })
        .collect()
}

/// Judges `Δ` as an eigenvector for `λ`: exact when all is rational, else by enclosures.
fn judge_direction(h: &QMat, top: &TopEigen, exact: Option<Vec<Q>>, enclosed: &[Interval], what: &str) -> Judged {
    if let (Some(l), Some(d)) = (&top.exact, &exact) {
        let ok = h.iter().zip(d).all(|(row, di)| row.iter().zip(d).fold(Q::zero(), |s, (a, b)| s + a * b) == l * di);
        return if d.iter().all(|x| x.is_zero()) {
            judged(Verdict::Undecided, format!("{what} vanishes here (the hypothesis v_x1^T u_y1 != 0 or a unique top singular value fails)"))
        } else if ok {
            judged(Verdict::Pass, format!("{what} satisfies H Δ = λ Δ exactly (rational data)"))
        } else {
            judged(Verdict::Fail, format!("{what} is not an eigenvector for λ_max: H Δ ≠ λ Δ exactly"))
        };
    }
    let r = residual(h, &top.value, enclosed);
    if let Some(i) = r.iter().position(|x| !x.contains_zero()) {
        return judged(Verdict::Fail, format!("{what} is not an eigenvector for λ_max: component {} of H Δ − λ Δ is certified non-zero ({})", i + 1, NumJson::enclosed(&r[i])));
    }
    let w = r.iter().map(|x| x.mag()).fold(rug::Float::new(53), |a, b| if b > a { b } else { a });
    judged(
        Verdict::Undecided,
        format!("{what} agrees with the certified eigenvector: |H Δ − λ Δ| ≤ {} componentwise (enclosures; equality of irrational data is not decided by enclosures)", crate::interval::fmt_float(&w, 3, rug::float::Round::Up)),
    )
}

/// Runs the Theorem 6 check. Input errors (shapes, `Y Zᵀ ≠ C`) are `UserError`s.
pub fn run(req: &Theorem6Request) -> Result<Theorem6Output, UserError> {
    let prec = req.prec;
    let (m, p) = shape(&req.y, "--y")?;
    let (q, pz) = shape(&req.z, "--z")?;
    if p != pz {
        return Err(UserError::new(format!("--y has {p} column(s) but --z has {pz}: Y is m×p and Z is q×p (Y Z^T = C)")));
    }
    let yzt = matmul(&req.y, &transpose(&req.z));
    let c = req.c.clone().unwrap_or_else(|| yzt.clone());
    if shape(&c, "--c")? != (m, q) {
        return Err(UserError::new(format!("--c must be {m}×{q} (the shape of Y Z^T)")));
    }
    if let Some((i, j)) = (0..m).flat_map(|i| (0..q).map(move |j| (i, j))).find(|&(i, j)| yzt[i][j] != c[i][j]) {
        return Err(UserError::new(format!("(Y, Z) is not a minimiser: (Y Z^T)[{}][{}] differs from C there", i + 1, j + 1)));
    }
    let loss = super::loss(&c, p);
    let th = theta(&req.y, &req.z);
    let h = grad_hess(&loss, &th, &()).map_err(|e| UserError::new(e.to_string()))?.hessian();
    let n = h.len();
    let top = top_eigen(&h, prec).map_err(UserError::new)?;
    // The Remark: exact identity between the characteristic polynomials.
    let a = matmul(&req.y, &transpose(&req.y));
    let b = matmul(&req.z, &transpose(&req.z));
    let k = kronecker_sum(&a, &b);
    let xp = |e: usize| Poly::monomial(Q::from_integer(1.into()), e);
    let (ea, eb) = ((m * q).saturating_sub(n), n.saturating_sub(m * q));
    let remark_ok = top.poly.mul(&xp(ea)) == charpoly(&k).mul(&xp(eb));
    let ta = top_eigen(&a, prec).map_err(UserError::new)?;
    let tb = top_eigen(&b, prec).map_err(UserError::new)?;
    let remark = if remark_ok {
        judged(Verdict::Pass, "x^a charpoly(H) = x^b charpoly(Y Y^T ⊕ Z Z^T) exactly (Kronecker sum: eigenvalues α_i + β_j), so λ_max(H) = σ_max(Y)² + σ_max(Z)²")
    } else {
        judged(Verdict::Fail, "the characteristic polynomials of H and of Y Y^T ⊕ Z Z^T differ beyond zero eigenvalues")
    };
    // Hypotheses.
    let mut hyps = vec![];
    let uniq = |t: &TopEigen, what: &str| {
        if t.multiplicity == 1 {
            judged(Verdict::Pass, format!("the top eigenvalue of {what} is simple (exact)"))
        } else {
            judged(Verdict::Fail, format!("the top eigenvalue of {what} has multiplicity {} (exact)", t.multiplicity))
        }
    };
    hyps.push(("sigma_x1 unique".to_string(), uniq(&ta, "Y Y^T")));
    hyps.push(("sigma_y1 unique".to_string(), uniq(&tb, "Z Z^T")));
    // w ∝ u^T C v with u = u_x1 (eigenvector of Y Y^T), v = v_y1 (eigenvector of Z Z^T).
    let wq = match (&ta.vector_exact, &tb.vector_exact) {
        (Some(u), Some(v)) => Some(u.iter().zip(&c).fold(Q::zero(), |s, (ui, row)| s + ui * row.iter().zip(v).fold(Q::zero(), |t, (cij, vj)| t + cij * vj))),
        _ => None,
    };
    let (u, v) = (ta.vector.clone(), tb.vector.clone());
    let w_enc = match (&u, &v) {
        (Some(u), Some(v)) => {
            let pw = u[0].prec();
            Some(u.iter().zip(&c).fold(Interval::from_int(0, pw), |s, (ui, row)| {
                s.add(&ui.mul(&row.iter().zip(v).fold(Interval::from_int(0, pw), |t, (cij, vj)| t.add(&Interval::from_rational(cij, pw).mul(vj)))))
            }))
        }
        _ => None,
    };
    let w_judged = match (&wq, &w_enc) {
        (Some(w), _) if w.is_zero() => judged(Verdict::Fail, "v_x1^T u_y1 = 0 exactly (u_x1^T C v_y1 = 0)"),
        (Some(_), _) => judged(Verdict::Pass, "v_x1^T u_y1 ≠ 0 exactly (u_x1^T C v_y1 ≠ 0)"),
        (None, Some(w)) if !w.contains_zero() => judged(Verdict::Pass, "v_x1^T u_y1 ≠ 0 (enclosure of u_x1^T C v_y1 excludes 0)"),
        (None, Some(_)) => judged(Verdict::Undecided, "the enclosure of v_x1^T u_y1 contains 0"),
        _ => judged(Verdict::Undecided, "no top singular vector (a top singular value is not unique)"),
    };
    hyps.push(("v_x1^T u_y1 != 0".to_string(), w_judged));
    let hyp_verdict = hyps.iter().fold(Verdict::Pass, |acc, (_, j)| acc.and(j.verdict));
    // The paper's direction (153), unnormalised: (u v^T Z, v u^T Y).
    let outer_then = |uu: &[Interval], vv: &[Interval], f: &QMat, rows: usize| -> Vec<Interval> {
        // (uu vv^T F): rows × p, row-major.
        let pw = uu[0].prec();
        let vf: Vec<Interval> = (0..p).map(|k| vv.iter().zip(f).fold(Interval::from_int(0, pw), |s, (vj, row)| s.add(&vj.mul(&Interval::from_rational(&row[k], pw))))).collect();
        (0..rows).flat_map(|i| vf.iter().map(|x| uu[i].mul(x)).collect::<Vec<_>>()).collect()
    };
    let outer_then_q = |uu: &[Q], vv: &[Q], f: &QMat, rows: usize| -> Vec<Q> {
        let vf: Vec<Q> = (0..p).map(|k| vv.iter().zip(f).fold(Q::zero(), |s, (vj, row)| s + vj * &row[k])).collect();
        (0..rows).flat_map(|i| vf.iter().map(|x| &uu[i] * x).collect::<Vec<_>>()).collect()
    };
    let lam_p = top.value.with_prec(top.value.prec().max(2 * prec + 64));
    let top_w = TopEigen { value: lam_p.clone(), ..top.clone() };
    let (paper_delta, printed) = match (&u, &v) {
        (Some(uu), Some(vv)) => {
            let uu: Vec<Interval> = uu.iter().map(|x| x.with_prec(lam_p.prec())).collect();
            let vv: Vec<Interval> = vv.iter().map(|x| x.with_prec(lam_p.prec())).collect();
            let d: Vec<Interval> = outer_then(&uu, &vv, &req.z, m).into_iter().chain(outer_then(&vv, &uu, &req.y, q)).collect();
            let dq = match (&ta.vector_exact, &tb.vector_exact) {
                (Some(a), Some(b)) => Some(outer_then_q(a, b, &req.z, m).into_iter().chain(outer_then_q(b, a, &req.y, q)).collect()),
                _ => None,
            };
            let pd = judge_direction(&h, &top_w, dq, &d, "eq. (153)'s Δ");
            // As printed in Theorem 6: ΔX = C1 u_x1 v_y1^T is m×q; it has the shape of ΔY (m×p) only if q = p.
            let printed = if q != p {
                judged(Verdict::Fail, format!("as printed, C1 u_x1 v_y1^T is {m}×{q} but ΔX must be {m}×{p}: the formula is ill-formed here"))
            } else {
                // (σ_y u v^T, v u^T Y): σ_y = sqrt(λ_max(Z Z^T)).
                match tb.value.with_prec(lam_p.prec()).sqrt() {
                    Ok(sy) => {
                        let nv: Vec<Interval> = vv.iter().map(|x| x.sqr()).fold(Interval::from_int(0, lam_p.prec()), |s, x| s.add(&x)).sqrt().ok().map(|nrm| vv.iter().map(|x| x.div(&nrm).unwrap_or_else(|_| Interval::entire(lam_p.prec()))).collect()).unwrap_or_default();
                        let nu: Vec<Interval> = uu.iter().map(|x| x.sqr()).fold(Interval::from_int(0, lam_p.prec()), |s, x| s.add(&x)).sqrt().ok().map(|nrm| uu.iter().map(|x| x.div(&nrm).unwrap_or_else(|_| Interval::entire(lam_p.prec()))).collect()).unwrap_or_default();
                        if nv.is_empty() || nu.is_empty() {
                            judged(Verdict::Undecided, "the singular vectors could not be normalised")
                        } else {
                            let dx: Vec<Interval> = (0..m).flat_map(|i| nv.iter().map(|vj| sy.mul(&nu[i]).mul(vj)).collect::<Vec<_>>()).collect();
                            let d2: Vec<Interval> = dx.into_iter().chain(outer_then(&nv, &nu, &req.y, q)).collect();
                            judge_direction(&h, &top_w, None, &d2, "Theorem 6's Δ as printed (v_y1 in ΔX)")
                        }
                    }
                    Err(e) => judged(Verdict::Undecided, e.to_string()),
                }
            };
            (pd, printed)
        }
        _ => (judged(Verdict::Undecided, "no top singular vectors (not unique)"), judged(Verdict::Undecided, "no top singular vectors (not unique)")),
    };
    // Eq. (17) along the certified eigenvector.
    let mut out = Theorem6Output {
        model: "mf: L(Y, Z) = |Y Z^T - C|_F^2 / 2 (eq. (7); Appendix J: X = Y, Y = Z^T)".into(),
        shape: [m, p, q],
        parameters: n,
        lambda_max_multiplicity: top.multiplicity,
        remark,
        sigma_max_y_sq: num_of(&ta, prec),
        sigma_max_z_sq: num_of(&tb, prec),
        hypotheses: hyps,
        eigenvector: None,
        eigenvector_exact: top.vector_exact.is_some(),
        paper_delta,
        printed_theorem6_delta: printed,
        derivatives: vec![],
        closed_form_160: None,
        theorem6: Theorem6Verdict { verdict: Verdict::Undecided, value: None, lambda_max: num_of(&top, prec), reason: String::new() },
    };
    // Eq. (160)'s closed form: 96 α β w'^2 / (α + β) with w' = u^T C v / (|u| |v| sqrt(α β)).
    if let (Some(w), Some(uu), Some(vv)) = (&w_enc, &u, &v) {
        let pw = w.prec();
        let (al, be) = (ta.value.with_prec(pw), tb.value.with_prec(pw));
        let nn = |x: &[Interval]| x.iter().fold(Interval::from_int(0, pw), |s, y| s.add(&y.sqr()));
        let w2 = w.sqr().div(&nn(uu).mul(&nn(vv)).mul(&al).mul(&be));
        if let Ok(w2) = w2.and_then(|w2| al.mul(&be).mul(&w2).mul_int(96).div(&al.add(&be))) {
            out.closed_form_160 = Some(NumJson::enclosed(&w2.with_prec(prec)));
        }
    }
    let order = 4;
    let (value, derivs, exact_value) = if let Some(d) = &top.vector_exact {
        let s = along(&loss, &th, d, order).map_err(|e| UserError::new(e.to_string()))?;
        let f: Vec<Q> = (2..=4).map(|k| s.derivative(k)).collect();
        let nrm2 = d.iter().fold(Q::zero(), |s, x| s + x * x);
        // Along d = |d| e: f_d^(k) = |d|^k f_e^(k), so the value for the unit e is V_d / |d|^6.
        let scale = |k: i32| num_traits::Pow::pow(&nrm2, k);
        let v = (Q::from_integer(3.into()) * &f[1] * &f[1] - &f[0] * &f[2]) / scale(3);
        let f2 = &f[0] / scale(1);
        let f4 = &f[2] / scale(2);
        // f''' along the unit vector is f'''_d / |d|^3, irrational in general: enclose it.
        let nrm = Interval::from_rational(&nrm2, prec).sqrt().map_err(|e| UserError::new(e.to_string()))?;
        let f3 = Interval::from_rational(&f[1], prec).div(&nrm.mul(&nrm).mul(&nrm)).map_err(|e| UserError::new(e.to_string()))?;
        let dv = vec![NumJson::exact(&f2, prec), NumJson::enclosed(&f3), NumJson::exact(&f4, prec)];
        (Interval::from_rational(&v, prec), dv, Some(v))
    } else if let Some(d) = &top.vector {
        let pw = d[0].prec();
        let thi: Vec<Interval> = th.iter().map(|x| Interval::from_rational(x, pw)).collect();
        let nrm = d.iter().fold(Interval::from_int(0, pw), |s, x| s.add(&x.sqr())).sqrt().map_err(|e| UserError::new(e.to_string()))?;
        let unit: Vec<Interval> = d.iter().map(|x| x.div(&nrm)).collect::<Result<_, _>>().map_err(|e| UserError::new(e.to_string()))?;
        out.eigenvector = Some(unit.iter().map(|x| NumJson::enclosed(&x.with_prec(prec))).collect());
        let s = along(&loss, &thi, &unit, order).map_err(|e| UserError::new(e.to_string()))?;
        let f: Vec<Interval> = (2..=4).map(|k| s.derivative(k)).collect();
        let v = f[1].sqr().mul_int(3).sub(&f[0].mul(&f[2]));
        (v.with_prec(prec), f.iter().map(|x| NumJson::enclosed(&x.with_prec(prec))).collect(), None)
    } else {
        out.theorem6.reason = format!("λ_max has multiplicity {}: the leading eigenvector is not unique, so f_Δ is not defined by the theorem", top.multiplicity);
        return Ok(out);
    };
    if out.eigenvector.is_none() {
        if let Some(d) = &top.vector_exact {
            let nrm = Interval::from_rational(&d.iter().fold(Q::zero(), |s, x| s + x * x), prec).sqrt().map_err(|e| UserError::new(e.to_string()))?;
            out.eigenvector = Some(d.iter().map(|x| Interval::from_rational(x, prec).div(&nrm).map(|i| NumJson::enclosed(&i))).collect::<Result<_, _>>().map_err(|e| UserError::new(e.to_string()))?);
        }
    }
    out.derivatives = derivs;
    let sign = match &exact_value {
        Some(v) if v.is_positive() => 1,
        Some(v) if v.is_negative() => -1,
        Some(_) => 0,
        None if value.is_pos() => 1,
        None if value.is_neg() => -1,
        None => 2,
    };
    let (verdict, reason) = match (sign, hyp_verdict) {
        (1, Verdict::Pass) => (Verdict::Pass, "hypotheses proved and 3f'''^2 - f''f'''' > 0 certified along the leading eigenvector".to_string()),
        (-1 | 0, Verdict::Pass) => (Verdict::Fail, "hypotheses proved but 3f'''^2 - f''f'''' ≤ 0 certified: a counterexample to eq. (17)".to_string()),
        (1, _) => (Verdict::Undecided, "3f'''^2 - f''f'''' > 0 certified, but a hypothesis is not proved (see hypotheses)".to_string()),
        (0, Verdict::Fail) => (Verdict::Undecided, "a hypothesis fails (the theorem makes no claim here) and 3f'''^2 - f''f'''' = 0 exactly".to_string()),
        (_, Verdict::Fail) => (Verdict::Undecided, "a hypothesis fails: the theorem makes no claim here".to_string()),
        _ => (Verdict::Undecided, "the enclosure of 3f'''^2 - f''f'''' contains 0".to_string()),
    };
    out.theorem6 = Theorem6Verdict {
        verdict,
        value: Some(match &exact_value {
            Some(v) => NumJson::exact(v, prec),
            None => NumJson::enclosed(&value),
        }),
        lambda_max: num_of(&top, prec),
        reason,
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn qm(v: &[i64], rows: usize, cols: usize, den: i64) -> QMat {
        (0..rows).map(|i| (0..cols).map(|j| Q::new(v[i * cols + j].into(), den.into())).collect()).collect()
    }

    /// A random rational minimiser: never a FAIL of eq. (17) (the theorem is true), the Remark
    /// always holds exactly, and with the hypotheses proved the value is certified positive and
    /// agrees with the closed form (160).
    fn check_random(y: QMat, z: QMat) {
        let out = run(&Theorem6Request { y, z, c: None, prec: 128 }).unwrap();
        assert_eq!(out.remark.verdict, Verdict::Pass, "{}", out.remark.reason);
        assert_ne!(out.theorem6.verdict, Verdict::Fail, "{}", out.theorem6.reason);
        assert_ne!(out.paper_delta.verdict, Verdict::Fail, "{}", out.paper_delta.reason);
        let hyps = out.hypotheses.iter().all(|(_, h)| h.verdict == Verdict::Pass);
        if hyps && out.lambda_max_multiplicity == 1 {
            assert_eq!(out.theorem6.verdict, Verdict::Pass, "{}", out.theorem6.reason);
            let (v, c) = (out.theorem6.value.unwrap(), out.closed_form_160.unwrap());
            let (vl, vh): (f64, f64) = (v.lo.parse().unwrap(), v.hi.parse().unwrap());
            let (cl, ch): (f64, f64) = (c.lo.parse().unwrap(), c.hi.parse().unwrap());
            assert!(vl <= ch * (1.0 + 1e-12) + 1e-12 && cl <= vh * (1.0 + 1e-12) + 1e-12, "value {v} vs (160) {c}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn random_2x2_minimisers(y in proptest::collection::vec(-4i64..5, 4), z in proptest::collection::vec(-4i64..5, 4), den in 1i64..4) {
            check_random(qm(&y, 2, 2, den), qm(&z, 2, 2, 1));
        }
        #[test]
        fn random_rectangular_minimisers(y in proptest::collection::vec(-3i64..4, 6), z in proptest::collection::vec(-3i64..4, 4)) {
            // Y 3x2, Z 2x2 (m = 3, p = 2, q = 2).
            check_random(qm(&y, 3, 2, 1), qm(&z, 2, 2, 1));
        }
    }

    /// A repeated top singular value: the hypothesis fails exactly, the top Hessian eigenvalue
    /// is double, no leading eigenvector is claimed, and the verdict is not PASS.
    #[test]
    fn repeated_top_singular_value_is_not_judged() {
        let out = run(&Theorem6Request { y: qm(&[1, 0, 0, 1], 2, 2, 1), z: qm(&[2, 0, 0, 1], 2, 2, 1), c: None, prec: 128 }).unwrap();
        assert_eq!(out.hypotheses[0].1.verdict, Verdict::Fail);
        assert_eq!(out.lambda_max_multiplicity, 2);
        assert_eq!(out.theorem6.verdict, Verdict::Undecided);
        assert!(out.eigenvector.is_none());
    }

    #[test]
    fn not_a_minimiser_is_an_input_error() {
        let y = qm(&[1, 0, 0, 1], 2, 2, 1);
        let c = qm(&[2, 0, 0, 1], 2, 2, 1);
        assert!(run(&Theorem6Request { y: y.clone(), z: y, c: Some(c), prec: 128 }).is_err());
    }
}
