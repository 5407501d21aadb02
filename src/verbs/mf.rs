//! `--model mf` for the certified verbs: `conditions --model mf --y M --z M [--c C]` (Theorem 6
//! and the Remark after Observation 1) and `orbit --model mf --c diag:... --lr ETA [--alpha A]`
//! (Observations 1 and 2, eqs. (9), (202)–(203)). Parses the flags and prints the results.
//!
//! Guarantees: see `mf/theorem6.rs`, `mf/orbit.rs`, `mf/qmatrix.rs`.

use super::UserError;
use crate::krawczyk::Budget;
use crate::mf::{self, orbit::MfOrbitOutput, theorem6::Theorem6Output, Q};
use num_traits::{One, Zero};
use std::fmt;

/// The model names `--model` accepts in the certified verbs.
pub const MODELS: &str = "mf";

/// Checks `--model NAME`.
pub fn check_model(name: &str) -> Result<(), UserError> {
    if name == "mf" {
        Ok(())
    } else {
        Err(UserError::new(format!("unknown --model '{name}' for this verb (known: {MODELS})")))
    }
}

/// Theorem 6 at the minimiser `(Y, Z)` (Section 6 convention `Y Zᵀ = C`).
pub fn theorem6(y: &str, z: &str, c: Option<&str>, prec: u32) -> Result<Theorem6Output, UserError> {
    let y = mf::parse_matrix_flag(y, "--y")?;
    let z = mf::parse_matrix_flag(z, "--z")?;
    let c = c.map(mf::parse_target).transpose()?;
    mf::theorem6::run(&mf::theorem6::Theorem6Request { y, z, c, prec })
}

/// The period-2 orbit of Observations 1/2 for a diagonal `C`.
pub fn orbit(c: &str, lr: &str, alpha: Option<&str>, prec: u32, budget: Budget) -> Result<MfOrbitOutput, UserError> {
    let cm = mf::parse_target(c)?;
    let d = cm.len();
    if cm.iter().any(|r| r.len() != d) || (0..d).any(|i| (0..d).any(|j| i != j && !cm[i][j].is_zero())) {
        return Err(UserError::new("orbit --model mf needs a diagonal target --c diag:s1,s2,... (rotate C to its eigenbasis: GD commutes with Y → U Y, Z → U Z)"));
    }
    let lr = super::input::parse_value(lr, prec, "--lr")?;
    let alpha = match alpha {
        Some(a) => crate::parse::parse_number(a).map_err(|e| UserError::new(format!("--alpha: {}", e.render())))?,
        None => Q::one(),
    };
    let diag: Vec<Q> = (0..d).map(|i| cm[i][i].clone()).collect();
    let mut out = mf::orbit::run(&mf::orbit::MfOrbitRequest { c: diag.clone(), lr: lr.clone(), alpha: alpha.clone(), prec, budget })?;
    if let (Some(eta), true) = (lr.exact(), d >= 2) {
        out.q_matrix = Some(mf::qmatrix::run(eta, &diag[0], &diag[1], &alpha, prec));
    }
    Ok(out)
}

impl fmt::Display for Theorem6Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [m, p, q] = self.shape;
        writeln!(f, "{}", self.model)?;
        writeln!(f, "Y {m}×{p}, Z {q}×{p}: {} parameters; λ_max(H) = {} (multiplicity {})", self.parameters, self.theorem6.lambda_max, self.lambda_max_multiplicity)?;
        writeln!(f, "Remark (λ_max = σ_max(Y)² + σ_max(Z)², σ_max(Y)² = {}, σ_max(Z)² = {}): {} — {}", self.sigma_max_y_sq, self.sigma_max_z_sq, self.remark.verdict.as_str(), self.remark.reason)?;
        for (name, j) in &self.hypotheses {
            writeln!(f, "hypothesis {name}: {} — {}", j.verdict.as_str(), j.reason)?;
        }
        writeln!(f, "eq. (153) Δ: {} — {}", self.paper_delta.verdict.as_str(), self.paper_delta.reason)?;
        writeln!(f, "Theorem 6's Δ as printed: {} — {}", self.printed_theorem6_delta.verdict.as_str(), self.printed_theorem6_delta.reason)?;
        if !self.derivatives.is_empty() {
            writeln!(f, "along the unit leading eigenvector: f'' = {}, f''' = {}, f'''' = {}", self.derivatives[0], self.derivatives[1], self.derivatives[2])?;
        }
        if let Some(c) = &self.closed_form_160 {
            writeln!(f, "eq. (160) closed form 96 σx² σy² w²/(σx² + σy²) = {c}")?;
        }
        let v = self.theorem6.value.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "-".into());
        writeln!(f, "Theorem 6 (3f'''^2 - f''f'''' > 0) = {v}: {} — {}", self.theorem6.verdict.as_str(), self.theorem6.reason)
    }
}

impl fmt::Display for MfOrbitOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}; C = diag({}), lr {}, α = {}", self.model, self.c.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "), self.lr, self.alpha)?;
        writeln!(f, "REDUCED SYSTEM: {}", self.reduced_system)?;
        writeln!(f, "quotiented: {}", self.quotiented_symmetry)?;
        let b = |x: Option<bool>| x.map_or("undecided", |v| if v { "yes" } else { "no" });
        writeln!(f, "η σ1² in (1, sqrt(4.5) - 1): {}; η(σ1² + σ2²) < 2 (Obs. 1): {}; eq. (9): {}", b(self.lr_in_range), b(self.obs1_condition), b(self.eq9_condition))?;
        writeln!(f, "{} orbit(s) of the reduced system in {}{}", self.orbits.len(), self.reduced_interval, if self.complete { " (complete)" } else { " (search incomplete)" })?;
        for (i, o) in self.orbits.iter().enumerate() {
            writeln!(f, "orbit #{}: x = {} ↔ {}{}; ρ² = {}, {}; {}", i + 1, o.top[0], o.top[1], if o.exact { " (exact, F(P1) = P2 checked over Q)" } else { "" }, o.rho_sq[0], o.rho_sq[1], o.eq164)?;
            writeln!(f, "  {} eigenvalues of J = F'(P2) F'(P1) ({} equal to 1 by the symmetry family):", o.eigenvalues.len(), o.symmetry_ones)?;
            for e in &o.eigenvalues {
                writeln!(f, "    {e}")?;
            }
            writeln!(f, "  transverse stability: {} — {}", o.stable.as_str(), o.stable_reason)?;
        }
        if let Some(q) = &self.q_matrix {
            writeln!(
                f,
                "eq. (202) exact at (ασ1, σ1/α): {}; eq. (203) identity: {}; w = {}, {}; |w| < 1: {}",
                q.eq202_exact_at_minimum, q.eq203_identity, q.w[0], q.w[1], q.eq203_contracting
            )?;
            if let Some(a) = &q.at_orbit {
                writeln!(f, "  at the orbit γ² = {}, {}: lower-left entry {} (≠ 0: (202) is approximate there); Q(γ2)Q(γ1) Schur–Cohn stable: {:?}", a.gamma_sq[0], a.gamma_sq[1], a.lower_left, a.product_schur_cohn_stable)?;
            }
        }
        Ok(())
    }
}
