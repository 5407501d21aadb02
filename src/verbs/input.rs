//! Turning command-line strings into typed inputs: losses with parameters, points, ranges.
//! Every number stays exact (or, for constants such as `pi`, enclosed), never f64.

use super::UserError;
use crate::eval::{const_value, Num};
use crate::interval::Interval;
use crate::expr::{Expr, Loss};
use crate::parse;

/// Parses `NAME=VALUE` parameter definitions (values are constant expressions).
pub fn parse_params(defs: &[String]) -> Result<Vec<(String, Expr)>, UserError> {
    let mut out: Vec<(String, Expr)> = Vec::new();
    for d in defs {
        let (name, value) = d
            .split_once('=')
            .ok_or_else(|| UserError::new(format!("--param '{d}' must have the form NAME=VALUE, e.g. mu=1")))?;
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(UserError::new(format!("--param '{d}': '{name}' is not a valid parameter name")));
        }
        if out.iter().any(|(n, _)| n == name) {
            return Err(UserError::new(format!("--param '{name}' is given twice")));
        }
        let e = parse::parse_const_expr(value)
            .map_err(|e| UserError::new(format!("--param {name}: {}", e.render())))?;
        out.push((name.to_string(), e));
    }
    Ok(out)
}

/// Parses a loss expression with parameters and an optional explicit variable order.
pub fn parse_loss(src: &str, params: &[String], vars: Option<&str>) -> Result<Loss, UserError> {
    let params = parse_params(params)?;
    let vars: Option<Vec<String>> = vars.map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    if let Some(vs) = &vars {
        if vs.iter().any(|v| v.is_empty()) {
            return Err(UserError::new("--vars must be a comma-separated list of names, e.g. x,y"));
        }
    }
    Ok(parse::parse_loss(src, &params, vars.as_deref())?)
}

/// Parses `--at x=1,y=21/20` into one value per variable of `loss`, in the loss's variable order.
pub fn parse_at(loss: &Loss, at: &str, prec: u32, flag: &str) -> Result<Vec<Num>, UserError> {
    let point = parse::parse_point(at).map_err(|e| UserError::new(format!("{flag}: {}", e.render())))?;
    for (name, _) in &point {
        if !loss.vars.contains(name) {
            return Err(UserError::new(format!(
                "{flag} names '{name}', which is not a variable of the loss (variables: {})",
                var_list(loss)
            )));
        }
    }
    loss.vars
        .iter()
        .map(|v| {
            let (_, e) = point.iter().find(|(n, _)| n == v).ok_or_else(|| {
                UserError::new(format!("{flag} gives no value for the variable '{v}' (variables: {})", var_list(loss)))
            })?;
            const_value(e, prec).map_err(|err| UserError::new(format!("{flag}: the value of '{v}' is not defined: {err}")))
        })
        .collect()
}

fn var_list(loss: &Loss) -> String {
    if loss.vars.is_empty() {
        "none".into()
    } else {
        loss.vars.join(", ")
    }
}

/// Checks a precision argument.
pub fn check_prec(prec: u32) -> Result<u32, UserError> {
    if !(16..=1_000_000).contains(&prec) {
        return Err(UserError::new(format!("--prec {prec} is out of range; use 16 to 1000000 bits")));
    }
    Ok(prec)
}

/// Parses a range `A..B` (exact numbers or constants such as `pi/2`) into an interval that
/// contains `[A, B]`; errors when the range is empty or reversed.
pub fn parse_range(s: &str, prec: u32, flag: &str) -> Result<Interval, UserError> {
    let (a, b) = parse::parse_range(s).map_err(|e| UserError::new(format!("{flag}: {}", e.render())))?;
    let a = const_value(&a, prec).map_err(|e| UserError::new(format!("{flag}: the lower end is not defined: {e}")))?;
    let b = const_value(&b, prec).map_err(|e| UserError::new(format!("{flag}: the upper end is not defined: {e}")))?;
    let (ia, ib) = (a.to_interval(prec), b.to_interval(prec));
    if !ia.certainly_lt(&ib) {
        return Err(UserError::new(format!(
            "{flag} {s} is empty or reversed: the lower end must be less than the upper end"
        )));
    }
    Ok(ia.hull(&ib))
}

/// Parses one constant value (exact, or enclosed for constants like `pi`).
pub fn parse_value(s: &str, prec: u32, flag: &str) -> Result<Num, UserError> {
    let e = parse::parse_const_expr(s).map_err(|e| UserError::new(format!("{flag}: {}", e.render())))?;
    const_value(&e, prec).map_err(|e| UserError::new(format!("{flag}: the value is not defined: {e}")))
}

/// Parses a named box `K=1..5/4,x=0..1` into names and ranges (enclosure and exact ends).
pub fn parse_named_box(s: &str, prec: u32, flag: &str) -> Result<(Vec<String>, Vec<crate::prove::BoxRange>), UserError> {
    let parts = parse::parse_named_box(s).map_err(|e| UserError::new(format!("{flag}: {}", e.render())))?;
    let mut names = vec![];
    let mut boxes = vec![];
    for (name, a, b) in parts {
        let a = const_value(&a, prec).map_err(|e| UserError::new(format!("{flag}: {name}: {e}")))?;
        let b = const_value(&b, prec).map_err(|e| UserError::new(format!("{flag}: {name}: {e}")))?;
        let (ia, ib) = (a.to_interval(prec), b.to_interval(prec));
        if !ia.certainly_lt(&ib) {
            return Err(UserError::new(format!("{flag}: the range of {name} is empty or reversed")));
        }
        names.push(name);
        boxes.push(crate::prove::BoxRange { enclosure: ia.hull(&ib), lo: a, hi: b });
    }
    Ok((names, boxes))
}

/// Parses the box a verb searches for a loss: `A..B` (the same range for every variable) or
/// `x=A..B,y=C..D` naming every variable of the loss once. One enclosing interval per
/// variable, in the loss's variable order.
pub fn parse_box_for(loss: &Loss, s: &str, prec: u32, flag: &str) -> Result<Vec<Interval>, UserError> {
    if !s.contains('=') {
        let r = parse_range(s, prec, flag)?;
        return Ok(vec![r; loss.vars.len()]);
    }
    let (names, ranges) = parse_named_box(s, prec, flag)?;
    let mut out = Vec::with_capacity(loss.vars.len());
    for v in &loss.vars {
        let k = names.iter().position(|n| n == v).ok_or_else(|| UserError::new(format!("{flag}: no range for the variable '{v}'")))?;
        out.push(ranges[k].enclosure.clone());
    }
    if let Some(extra) = names.iter().find(|n| !loss.vars.contains(n)) {
        return Err(UserError::new(format!("{flag}: '{extra}' is not a variable of the loss (variables: {})", loss.vars.join(", "))));
    }
    Ok(out)
}
