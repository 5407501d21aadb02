//! eoscert: machine verdicts on claims about gradient descent with large learning rates.
//!
//! Layers (see `README.md`): expressions ([`expr`], `parse`) → the derivative engine
//! ([`taylor`], [`jet`], [`eval`]) generic over the scalar ([`scalar`]: exact rationals,
//! outward-rounded MPFR intervals from [`interval`], f64) → certifiers → verdicts → reports.

pub mod alloc;
pub mod error;
pub mod eval;
pub mod expr;
pub mod interval;
pub mod jet;
pub mod scalar;
pub mod approx;
pub mod taylor;
pub mod numfmt;
pub mod krawczyk;
pub mod parse;
pub mod verbs;
pub mod pipoly;
pub mod verdict;
pub mod snap;
pub mod minima;
pub mod conditions;
pub mod poly;
pub mod poly2;
pub mod orbit;
pub mod prove;
pub mod catalogue;
pub mod report;
pub mod verify;
pub mod orbit_exact;
pub mod roots;
pub mod threshold;
pub mod eigen;
pub mod orbit_nd;
pub mod simulate;
pub mod mf;
pub mod manifold;
pub mod lemma2;
pub mod neuron_decay;
