//! `eval`: the loss and its derivatives at a point — exact when the expression and the point
//! are rational, enclosures otherwise.
//!
//! Guarantee: every number reported is either the exact value (`exact`) or an outward-rounded
//! enclosure `[lo, hi]` of it.

use super::UserError;
use crate::error::MathError;
use crate::eval::{derivatives_best, grad_hess, Num};
use crate::expr::Loss;
use crate::interval::Interval;
use crate::jet::Jet;
use crate::numfmt::NumJson;
use num_rational::BigRational;
use serde::Serialize;
use std::fmt;

/// What `eval` is asked.
/// The highest derivative order `eval` accepts (cost and memory grow with it).
pub const MAX_ORDER: usize = 10_000;

#[derive(Clone, Debug)]
pub struct EvalRequest {
    pub loss: Loss,
    /// One value per variable of the loss.
    pub at: Vec<Num>,
    /// Highest derivative order (1-D or along `dir`), at most [`MAX_ORDER`].
    pub order: usize,
    /// A direction for the restriction `t ↦ f(at + t·dir)` (several variables only).
    pub dir: Option<Vec<Num>>,
    pub prec: u32,
}

/// One derivative in the output.
#[derive(Clone, Debug, Serialize)]
pub struct Derivative {
    pub order: usize,
    #[serde(flatten)]
    pub value: NumJson,
}

/// The result of `eval` (JSON per SPEC.md, with extra fields).
#[derive(Clone, Debug, Serialize)]
pub struct EvalOutput {
    pub loss: String,
    pub vars: Vec<String>,
    #[serde(serialize_with = "crate::numfmt::ser_named")]
    pub at: Vec<(String, NumJson)>,
    /// True when every number below is exact.
    pub exact: bool,
    pub prec: u32,
    /// `f^(k)` at the point (1-D), or along the direction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derivatives: Option<Vec<Derivative>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::numfmt::ser_named_opt")]
    pub direction: Option<Vec<(String, NumJson)>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<NumJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gradient: Option<Vec<NumJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hessian: Option<Vec<Vec<NumJson>>>,
}

fn math_err(e: MathError, what: &str) -> UserError {
    UserError::new(format!("cannot evaluate {what}: {e}"))
}

fn point_map(vars: &[String], vals: &[Num], prec: u32) -> Vec<(String, NumJson)> {
    vars.iter().zip(vals).map(|(v, n)| (v.clone(), NumJson::from_num(n, prec))).collect()
}

/// Runs `eval`.
pub fn run(req: &EvalRequest) -> Result<EvalOutput, UserError> {
    let loss = &req.loss;
    let n = loss.vars.len();
    let mut out = EvalOutput {
        loss: loss.source.clone(),
        vars: loss.vars.clone(),
        at: point_map(&loss.vars, &req.at, req.prec),
        exact: true,
        prec: req.prec,
        derivatives: None,
        direction: None,
        value: None,
        gradient: None,
        hessian: None,
    };
    let one_d = n <= 1 && req.dir.is_none();
    if one_d || req.dir.is_some() {
        let dir: Vec<Num> = match &req.dir {
            Some(d) => d.clone(),
            None => vec![Num::Exact(BigRational::from_integer(1.into())); n],
        };
        let order = if n == 0 { 0 } else { req.order };
        let ds = derivatives_best(loss, &req.at, &dir, order, req.prec)
            .map_err(|e| math_err(e, "the loss at this point"))?;
        out.exact &= ds.iter().all(|d| d.is_exact());
        out.derivatives = Some(
            ds.iter().enumerate().map(|(k, d)| Derivative { order: k, value: NumJson::from_num(d, req.prec) }).collect(),
        );
        if let Some(d) = &req.dir {
            out.direction = Some(point_map(&loss.vars, d, req.prec));
        }
    }
    if n >= 2 {
        let jet = jet_best(loss, &req.at, req.prec).map_err(|e| math_err(e, "the gradient and Hessian"))?;
        out.exact &= jet.exact;
        out.value = Some(jet.value);
        out.gradient = Some(jet.gradient);
        out.hessian = Some(jet.hessian);
    }
    Ok(out)
}

struct JetOut {
    exact: bool,
    value: NumJson,
    gradient: Vec<NumJson>,
    hessian: Vec<Vec<NumJson>>,
}

fn jet_out<S>(j: &Jet<S>, f: impl Fn(&S) -> NumJson, exact: bool) -> JetOut
where
    S: crate::scalar::Scalar,
{
    JetOut {
        exact,
        value: f(&j.v),
        gradient: j.g.iter().map(&f).collect(),
        hessian: j.hessian().iter().map(|r| r.iter().map(&f).collect()).collect(),
    }
}

/// Gradient and Hessian, exactly when possible.
fn jet_best(loss: &Loss, at: &[Num], prec: u32) -> Result<JetOut, MathError> {
    if at.iter().all(|a| a.exact().is_some()) {
        let pt: Vec<BigRational> = at.iter().map(|a| a.exact().unwrap().clone()).collect();
        match grad_hess(loss, &pt, &()) {
            Ok(j) => return Ok(jet_out(&j, |q| NumJson::exact(q, prec), true)),
            Err(MathError::NotExact { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let pt: Vec<Interval> = at.iter().map(|a| a.to_interval(prec)).collect();
    let j = grad_hess(loss, &pt, &prec)?;
    Ok(jet_out(&j, NumJson::enclosed, false))
}

impl fmt::Display for EvalOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "loss: {}", self.loss)?;
        let at: Vec<String> = self.at.iter().map(|(k, n)| format!("{k} = {n}")).collect();
        writeln!(f, "at:   {}", at.join(", "))?;
        writeln!(
            f,
            "      ({})",
            if self.exact { "all values exact".to_string() } else { format!("enclosures at {} bits, rounded outward", self.prec) }
        )?;
        if let Some(ds) = &self.derivatives {
            if let Some(dir) = &self.direction {
                let d: Vec<String> = dir.iter().map(|(k, n)| format!("{k} = {n}")).collect();
                writeln!(f, "along the direction {} (t -> f(at + t*dir)):", d.join(", "))?;
            }
            for d in ds {
                let name = match d.order {
                    0 => "f".to_string(),
                    1 => "f'".to_string(),
                    2 => "f''".to_string(),
                    3 => "f'''".to_string(),
                    k => format!("f^({k})"),
                };
                writeln!(f, "  {name:<8} = {}", d.value)?;
            }
        }
        if let (Some(v), Some(g), Some(h)) = (&self.value, &self.gradient, &self.hessian) {
            writeln!(f, "  value    = {v}")?;
            for (i, gi) in g.iter().enumerate() {
                writeln!(f, "  d/d{:<5} = {gi}", self.vars[i])?;
            }
            writeln!(f, "  Hessian:")?;
            for row in h {
                let r: Vec<String> = row.iter().map(|x| x.to_string()).collect();
                writeln!(f, "    [{}]", r.join(", "))?;
            }
        }
        Ok(())
    }
}
