//! Theorem 4 of Chen & Bruna (single ReLU neuron, population loss, teacher `w̃ = [1, 0]`,
//! `eta = K d`, start `v⁽⁰⁾ = ‖w⁽⁰⁾‖ = ε`, angle `α₀ ∈ [0, π/2]` to the teacher) against a
//! simulated trajectory: for `t ≥ T₁ + 4`, `w_y⁽ᵗ⁾ < 0.1 (1 − 0.030 K)^(t − T₁ − 4)` with
//! `T₁ = ⌈log_2.56 (1.35/(π β²))⌉` (the theorem's bound taken as `T₁`; a larger true `T₁` only
//! loosens the claim, so using the bound makes the check stricter than the theorem) and
//! `β = (1 + 1.1/π) ε`.
//!
//! Guarantee: plain floating point through the simulator's population model
//! ([`crate::simulate::NeuronModel`]); the outcome is CONSISTENT or INCONSISTENT, never a proof.
//! The rate `0.030` can be replaced to build false variants.

use crate::simulate::{Model, NeuronModel};
use nalgebra::DVector;
use serde::Serialize;

/// The experiment's record.
#[derive(Clone, Debug, Serialize)]
pub struct DecayRun {
    pub k: f64,
    pub eps: f64,
    pub alpha0: f64,
    pub rate: f64,
    pub t1: i64,
    pub steps: usize,
    /// The first step where `|w_y| ≥ 0.1 (1 − rate K)^(t − T₁ − 4)`, if any.
    pub violated_at: Option<usize>,
    /// `(t, |w_y|, bound)` at the violation, or at the last step.
    pub at: (usize, f64, f64),
    /// The smallest ratio bound / |w_y| seen for `t ≥ T₁ + 4` (> 1 means room to spare).
    pub min_margin: f64,
    pub last: [f64; 3],
}

/// Runs GD on the population loss (`d = 1`, so `eta = K`; `d` only rescales the loss) and
/// compares `|w_y|` with the theorem's bound at every step `t ≥ T₁ + 4`.
pub fn run(k: f64, eps: f64, alpha0: f64, rate: f64, steps: usize) -> Result<DecayRun, String> {
    if !(k > 0.0 && eps > 0.0 && (0.0..=std::f64::consts::FRAC_PI_2).contains(&alpha0)) {
        return Err("Theorem 4 needs K > 0, eps > 0 and alpha0 in [0, pi/2]".into());
    }
    let beta = (1.0 + 1.1 / std::f64::consts::PI) * eps;
    let t1 = ((1.35 / (std::f64::consts::PI * beta * beta)).ln() / 2.56f64.ln()).ceil() as i64;
    let mut model = NeuronModel::new(1);
    let mut theta = DVector::from_vec(vec![eps, eps * alpha0.cos(), eps * alpha0.sin()]);
    let mut g = DVector::zeros(3);
    let (mut violated_at, mut at, mut min_margin) = (None, (0, 0.0, 0.0), f64::INFINITY);
    for t in 1..=steps {
        model.gradient(&theta, &mut g).map_err(|e| format!("step {t}: {e}"))?;
        theta.axpy(-k, &g, 1.0);
        let wy = theta[2].abs();
        if (t as i64) >= t1 + 4 {
            let bound = 0.1 * (1.0 - rate * k).powi((t as i64 - t1 - 4) as i32);
            at = (t, wy, bound);
            if wy > 0.0 {
                min_margin = min_margin.min(bound / wy);
            }
            if wy >= bound {
                violated_at = Some(t);
                break;
            }
        }
    }
    Ok(DecayRun { k, eps, alpha0, rate, t1, steps, violated_at, at, min_margin, last: [theta[0], theta[1], theta[2]] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_holds_on_a_grid_and_a_false_rate_is_caught() {
        for k in [1.01, 1.05, 1.1] {
            for eps in [0.01, 0.1] {
                for a in [0.0, 0.8, 1.5] {
                    let r = run(k, eps, a, 0.030, 400).unwrap();
                    assert!(r.violated_at.is_none(), "{r:?}");
                }
            }
        }
        // T1 for eps = 0.1: ceil(log_2.56(1.35/(pi*0.135^2))) = 4.
        assert_eq!(run(1.05, 0.1, 1.5, 0.030, 10).unwrap().t1, 4);
        assert!(run(1.05, 0.1, 1.5, 0.9, 400).unwrap().violated_at.is_some());
    }
}
