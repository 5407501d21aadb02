//! Matrix factorisation as a built-in model of the certified verbs (Chen & Bruna, Section 6 and
//! Appendix J): the loss
//!
//! `L(Y, Z) = ‖Y Zᵀ − C‖²_F / 2`,  `Y ∈ R^{m×p}`, `Z ∈ R^{q×p}`, `C ∈ R^{m×q}`,
//!
//! which is eq. (7) of the paper; Appendix J writes the same loss as `‖X Y − C‖²_F / 2`
//! (eq. (146)) with `X = Y` and its `Y = Zᵀ`. The factor is 1/2 (not 1/4): on the balanced
//! slice `Y = Z = x` of a 1×1 problem, GD on `(x·x − c)²/2` in the two factors is GD on
//! `(x² − c)²/4` in `x`, the 1-D model behind eqs. (4) and (8).
//!
//! The loss is built once as an expression over the variables `y{i}_{k}` (row-major, `Y`
//! first) and `z{j}_{k}`, and fed to the existing engines (`eval::grad_hess` over exact
//! rationals or intervals, `eval::along`, `eigen`): no second copy of its gradient or
//! Hessian exists in the certified path.
//!
//! Guarantees: every function here is exact (rational arithmetic) or states its enclosure.
//! Submodules: [`theorem6`] (leading Hessian eigenvector at a minimiser and eq. (17)),
//! [`orbit`] (the period-2 orbits of Observations 1 and 2, on a reduced system),
//! [`qmatrix`] (the matrix `Q` of eqs. (202)–(203)).

pub mod check;
pub mod orbit;
pub mod qmatrix;
pub mod theorem6;
pub mod topeigen;

use crate::expr::Loss;
use crate::verbs::UserError;
use num_rational::BigRational;
use num_traits::Zero;

pub type Q = BigRational;
/// A rational matrix, as rows.
pub type QMat = Vec<Vec<Q>>;

/// Parses the target `C`: `diag:s1,s2,...` (C's eigenvalues `σ_i²` on the diagonal) or a
/// matrix `[[..],[..]]`. Exact. `Err` names the flag.
pub fn parse_target(s: &str) -> Result<QMat, UserError> {
    if let Some(d) = s.trim().strip_prefix("diag:") {
        let vals = crate::parse::parse_number_list(d).map_err(|e| UserError::new(format!("--c diag: {}", e.render())))?;
        if vals.is_empty() {
            return Err(UserError::new("--c diag: needs at least one number"));
        }
        let n = vals.len();
        return Ok((0..n).map(|i| (0..n).map(|j| if i == j { vals[i].clone() } else { Q::zero() }).collect()).collect());
    }
    parse_matrix_flag(s, "--c")
}

/// Parses an exact matrix given with `flag` (e.g. `--y`).
pub fn parse_matrix_flag(s: &str, flag: &str) -> Result<QMat, UserError> {
    crate::parse::parse_matrix(s).map_err(|e| UserError::new(format!("{flag}: {}", e.render())))
}

/// The names of the variables of an `m×p` factor `Y` and a `q×p` factor `Z`, in the order of
/// the parameter vector: `y1_1, y1_2, ..., ym_p, z1_1, ..., zq_p`.
pub fn var_names(m: usize, q: usize, p: usize) -> Vec<String> {
    let mut v = Vec::with_capacity((m + q) * p);
    for i in 1..=m {
        for k in 1..=p {
            v.push(format!("y{i}_{k}"));
        }
    }
    for j in 1..=q {
        for k in 1..=p {
            v.push(format!("z{j}_{k}"));
        }
    }
    v
}

/// The loss `‖Y Zᵀ − C‖²_F / 2` for the `m×q` target `c` and inner dimension (rank) `p`, as an
/// expression over [`var_names`]. Exact coefficients.
pub fn loss(c: &QMat, p: usize) -> Loss {
    let (m, q) = (c.len(), c.first().map_or(0, |r| r.len()));
    let mut terms = Vec::with_capacity(m * q);
    for i in 1..=m {
        for j in 1..=q {
            let prod: Vec<String> = (1..=p).map(|k| format!("y{i}_{k}*z{j}_{k}")).collect();
            terms.push(format!("({} - ({}))^2", prod.join(" + "), crate::numfmt::rational_string(&c[i - 1][j - 1])));
        }
    }
    let src = format!("({})/2", terms.join(" + "));
    let vars = var_names(m, q, p);
    crate::parse::parse_loss(&src, &[], Some(&vars)).expect("the matrix-factorisation loss is well formed")
}

/// The parameter vector `θ = (vec Y, vec Z)`, row-major, matching [`var_names`].
pub fn theta<T: Clone>(y: &[Vec<T>], z: &[Vec<T>]) -> Vec<T> {
    y.iter().chain(z).flat_map(|r| r.iter().cloned()).collect()
}

/// `a · b` over Q. Panics on mismatched shapes.
pub fn matmul(a: &QMat, b: &QMat) -> QMat {
    let inner = b.len();
    assert!(a.iter().all(|r| r.len() == inner), "matmul: shapes do not match");
    let cols = b.first().map_or(0, |r| r.len());
    a.iter().map(|r| (0..cols).map(|j| (0..inner).fold(Q::zero(), |s, k| s + &r[k] * &b[k][j])).collect()).collect()
}

/// `aᵀ`.
pub fn transpose(a: &QMat) -> QMat {
    let cols = a.first().map_or(0, |r| r.len());
    (0..cols).map(|j| a.iter().map(|r| r[j].clone()).collect()).collect()
}

/// The shape `(rows, cols)`; `Err` for an empty or ragged matrix.
pub fn shape(a: &QMat, flag: &str) -> Result<(usize, usize), UserError> {
    let cols = a.first().map_or(0, |r| r.len());
    if a.is_empty() || cols == 0 || a.iter().any(|r| r.len() != cols) {
        return Err(UserError::new(format!("{flag} must be a non-empty rectangular matrix")));
    }
    Ok((a.len(), cols))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::grad_hess;

    fn q(n: i64, d: i64) -> Q {
        Q::new(n.into(), d.into())
    }

    /// The gradient of the expression loss is `(R Z, Rᵀ Y)` with `R = Y Zᵀ − C` (checked exactly
    /// at a rational point), so the expression is the loss of eq. (7).
    #[test]
    fn expression_gradient_is_rz_rty() {
        let c = parse_target("[[2, 1/3], [0, 1]]").unwrap();
        let y = vec![vec![q(1, 2), q(3, 1)], vec![q(-1, 1), q(2, 5)]];
        let z = vec![vec![q(1, 1), q(1, 7)], vec![q(0, 1), q(-2, 3)]];
        let l = loss(&c, 2);
        let g = grad_hess(&l, &theta(&y, &z), &()).unwrap().g;
        let mut r = matmul(&y, &transpose(&z));
        for i in 0..2 {
            for j in 0..2 {
                r[i][j] -= &c[i][j];
            }
        }
        let want = theta(&matmul(&r, &z), &matmul(&transpose(&r), &y));
        assert_eq!(g, want);
    }

    #[test]
    fn diag_target() {
        let c = parse_target("diag:1,1/2").unwrap();
        assert_eq!(c, vec![vec![q(1, 1), q(0, 1)], vec![q(0, 1), q(1, 2)]]);
        assert!(parse_target("diag:").is_err());
        assert!(parse_target("[[1,2],[3]]").is_err());
    }
}
