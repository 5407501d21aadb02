//! The spectrum of a loss's Hessian at a point against a claimed list of eigenvalues (e.g. the
//! eigenvalues `(‖w‖² + v²)/d`, `v²/d`, `0` of eq. (5) on the single neuron's minimum manifold).
//!
//! Guarantees: when the Hessian is exact (rational point, loss exact there), PASS iff the
//! characteristic polynomial equals `∏ (t − claimed_i)` exactly, FAIL otherwise. Otherwise the
//! Hessian is enclosed with outward-rounded intervals and its sorted eigenvalues `λ_1 ≤ … ≤ λ_n`
//! by [`crate::eigen::symmetric_eigenvalues`]; FAIL when some sorted claimed value lies outside
//! the enclosure of the eigenvalue of the same rank (certified), else UNDECIDED: enclosures
//! cannot prove equality.

use crate::eigen::{charpoly, symmetric_eigenvalues, IMatrix};
use crate::eval::{grad_hess, Num};
use crate::expr::Loss;
use crate::interval::Interval;
use crate::numfmt::rational_string;
use crate::poly::Poly;
use crate::verdict::Verdict;
use num_rational::BigRational;
use serde::Serialize;

type Q = BigRational;

/// The judged spectrum claim and its certificate.
#[derive(Clone, Debug, Serialize)]
pub struct SpectrumReport {
    pub verdict: Verdict,
    pub reason: String,
    pub exact: bool,
    /// `det(tI − H)` when the Hessian is exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charpoly: Option<String>,
    /// Enclosures of the sorted eigenvalues when it is not.
    pub enclosures: Vec<[String; 2]>,
    pub claimed: Vec<String>,
}

/// Judges the claim that the Hessian at `at` has the eigenvalues `claimed` (with multiplicity).
pub fn judge_spectrum(loss: &Loss, at: &[Num], claimed: &[Q], prec: u32) -> Result<SpectrumReport, String> {
    if claimed.len() != at.len() {
        return Err(format!("{} eigenvalues claimed for a Hessian of size {}", claimed.len(), at.len()));
    }
    let mut sorted = claimed.to_vec();
    sorted.sort();
    let shown: Vec<String> = sorted.iter().map(rational_string).collect();
    let exact_at: Option<Vec<Q>> = at.iter().map(|a| a.exact().cloned()).collect();
    if let Some(pt) = exact_at {
        if let Ok((_, h)) = super::exact_jet(loss, &pt) {
            let chi = charpoly(&h).monic();
            let ok = chi == Poly::from_roots(&sorted).monic();
            let reason = if ok { "the characteristic polynomial is exactly the product of (t - claimed)".to_string() } else { format!("the characteristic polynomial {} differs from the claimed spectrum's", chi.to_string_var("t")) };
            return Ok(SpectrumReport { verdict: if ok { Verdict::Pass } else { Verdict::Fail }, reason, exact: true, charpoly: Some(chi.to_string_var("t")), enclosures: vec![], claimed: shown });
        }
    }
    let pt: Vec<Interval> = at.iter().map(|a| a.to_interval(prec)).collect();
    let j = grad_hess(loss, &pt, &prec).map_err(|e| format!("the Hessian could not be enclosed: {e}"))?;
    let m = IMatrix::from_intervals(j.hessian())?;
    let enc = symmetric_eigenvalues(&m, prec)?;
    let digits = crate::numfmt::digits_for_prec(prec).min(40);
    let enclosures: Vec<[String; 2]> = enc.iter().map(|i| { let (a, b) = i.to_decimal_strings(digits); [a, b] }).collect();
    let outside = sorted.iter().zip(&enc).position(|(c, i)| !i.contains_rational(c));
    let (verdict, reason) = match outside {
        Some(k) => (Verdict::Fail, format!("eigenvalue #{} (ascending) lies in [{}, {}], which excludes the claimed {}", k + 1, enclosures[k][0], enclosures[k][1], shown[k])),
        None => (Verdict::Undecided, format!("each claimed eigenvalue lies in the certified enclosure of the eigenvalue of its rank ({}); enclosures cannot prove equality", enclosures.iter().map(|e| format!("[{}, {}]", e[0], e[1])).collect::<Vec<_>>().join(", "))),
    };
    Ok(SpectrumReport { verdict, reason, exact: false, charpoly: None, enclosures, claimed: shown })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(loss: &str, at: &str, claimed: &[&str]) -> Verdict {
        let l = crate::verbs::input::parse_loss(loss, &[], None).unwrap();
        let at = crate::verbs::input::parse_at(&l, at, 128, "at").unwrap();
        let c: Vec<Q> = claimed.iter().map(|s| crate::parse::parse_number(s).unwrap()).collect();
        judge_spectrum(&l, &at, &c, 128).unwrap().verdict
    }

    #[test]
    fn exact_and_enclosed_spectra() {
        // (xy - 1)^2/2 at (2, 1/2): H = [[1/4, 1], [1, 4]], eigenvalues 0 and 17/4.
        assert_eq!(judge("(x*y - 1)^2/2", "x=2,y=1/2", &["17/4", "0"]), Verdict::Pass);
        assert_eq!(judge("(x*y - 1)^2/2", "x=2,y=1/2", &["4.25", "1e-30"]), Verdict::Fail);
        let neuron = "v^2*(wx^2 + wy^2)/2 - v*(wy + (pi - atan2(wy, wx))*wx)/pi + 1/2";
        assert_eq!(judge(neuron, "v=2,wx=1/2,wy=0", &["0", "4", "17/4"]), Verdict::Undecided);
        assert_eq!(judge(neuron, "v=2,wx=1/2,wy=0", &["0", "4", "4.3"]), Verdict::Fail);
    }
}
