//! Errors of the arithmetic layers.
//!
//! Guarantee: no operation in `eoscert` returns NaN or a silently wrong enclosure; whenever an
//! exact result cannot be enclosed (division by an interval containing 0, a function outside
//! its domain, a non-differentiable point asked for derivatives, a value with no exact rational
//! form) the operation returns one of these errors instead.

use std::fmt;

/// Why an arithmetic operation could not produce a (guaranteed) result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MathError {
    /// The divisor is zero, or (for intervals) contains zero.
    DivisionByZero,
    /// A function was applied outside its domain, or on an enclosure that reaches outside it.
    Domain { func: &'static str, detail: String },
    /// The exact rational arithmetic was asked for a value that is not rational
    /// (or that it cannot prove rational), e.g. `exp(1)` or `sqrt(2)`.
    NotExact { func: &'static str },
    /// Derivatives were asked of a function at a point where it is not differentiable
    /// (or where the point's enclosure contains such a point).
    NotDifferentiable { func: &'static str },
    /// A floating-point bound overflowed to infinity or became NaN.
    Overflow,
}

impl fmt::Display for MathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MathError::DivisionByZero => write!(f, "division by zero (the divisor is or may be 0)"),
            MathError::Domain { func, detail } => write!(f, "{func} is outside its domain: {detail}"),
            MathError::NotExact { func } => write!(f, "{func} has no exact rational value here"),
            MathError::NotDifferentiable { func } => {
                write!(f, "{func} is not differentiable at this point (or may not be)")
            }
            MathError::Overflow => write!(f, "a bound overflowed"),
        }
    }
}

impl std::error::Error for MathError {}

/// Shorthand for results of arithmetic operations.
pub type MathResult<T> = Result<T, MathError>;
