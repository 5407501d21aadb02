//! A tiny expression language for the independent checker: numbers, variables, `+ - * / ^`
//! (`**` too), unary minus, parentheses, and function calls (parsed, so that the checker can
//! say "not re-checkable" instead of "malformed", but evaluated only for `sqrt` in interval
//! mode).
//!
//! Guarantee: [`Ast::series`] computes the exact truncated Taylor expansion over Q of a
//! rational expression (`+ - * /` and integer powers) at a rational point, or says why it
//! cannot; [`Ast::interval`] returns an interval with rational end points that contains the
//! exact value; [`Ast::poly`] gives the exact polynomial of a polynomial expression in one
//! variable. Nothing is ever rounded to a float.

use super::num::{parse_q, RI, Q};
use super::upoly::P;
use num_traits::{One, ToPrimitive, Zero};
use std::collections::BTreeMap;

/// An expression tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Ast {
    Num(Q),
    Var(String),
    Neg(Box<Ast>),
    Bin(char, Box<Ast>, Box<Ast>),
    Call(String, Vec<Ast>),
}

/// Why an expression could not be evaluated exactly: not a failure of the claim, only of the
/// checker's reach.
pub type Why = String;

/// Parses an expression; `Err` names the first problem.
pub fn parse(src: &str) -> Result<Ast, String> {
    let toks = lex(src)?;
    let mut p = Parser { t: toks, i: 0 };
    let e = p.sum()?;
    if p.i != p.t.len() {
        return Err(format!("unexpected '{}' in '{src}'", p.t[p.i]));
    }
    Ok(e)
}

fn lex(s: &str) -> Result<Vec<String>, String> {
    let c: Vec<char> = s.chars().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch.is_ascii_digit() || (ch == '.' && c.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let st = i;
            while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                i += 1;
            }
            // An exponent only directly after the digits: 1e-3, 2.5E4.
            if i < c.len() && (c[i] == 'e' || c[i] == 'E') {
                let mut j = i + 1;
                if j < c.len() && (c[j] == '+' || c[j] == '-') {
                    j += 1;
                }
                if j < c.len() && c[j].is_ascii_digit() {
                    while j < c.len() && c[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            out.push(c[st..i].iter().collect());
        } else if ch.is_alphabetic() || ch == '_' {
            let st = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[st..i].iter().collect());
        } else if ch == '*' && c.get(i + 1) == Some(&'*') {
            out.push("^".into());
            i += 2;
        } else if "+-*/^(),".contains(ch) {
            out.push(ch.to_string());
            i += 1;
        } else {
            return Err(format!("unexpected character '{ch}' in '{s}'"));
        }
    }
    Ok(out)
}

struct Parser {
    t: Vec<String>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.t.get(self.i).map(|s| s.as_str())
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.peek() == Some(s) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn sum(&mut self) -> Result<Ast, String> {
        let mut a = self.product()?;
        loop {
            let op = match self.peek() {
                Some("+") => '+',
                Some("-") => '-',
                _ => return Ok(a),
            };
            self.i += 1;
            a = Ast::Bin(op, Box::new(a), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Ast, String> {
        let mut a = self.unary()?;
        loop {
            let op = match self.peek() {
                Some("*") => '*',
                Some("/") => '/',
                _ => return Ok(a),
            };
            self.i += 1;
            a = Ast::Bin(op, Box::new(a), Box::new(self.unary()?));
        }
    }

    /// Unary minus binds looser than `^`: `-x^2` is `-(x^2)`.
    fn unary(&mut self) -> Result<Ast, String> {
        if self.eat("-") {
            return Ok(Ast::Neg(Box::new(self.unary()?)));
        }
        if self.eat("+") {
            return self.unary();
        }
        self.power()
    }

    fn power(&mut self) -> Result<Ast, String> {
        let base = self.atom()?;
        if self.eat("^") {
            // Right associative; the exponent may carry a sign.
            let e = self.unary()?;
            return Ok(Ast::Bin('^', Box::new(base), Box::new(e)));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Ast, String> {
        let Some(t) = self.peek().map(|s| s.to_string()) else { return Err("unexpected end of expression".into()) };
        self.i += 1;
        if t == "(" {
            let e = self.sum()?;
            return if self.eat(")") { Ok(e) } else { Err("missing ')'".into()) };
        }
        if t.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            return parse_q(&t).map(Ast::Num).ok_or_else(|| format!("bad number '{t}'"));
        }
        if t.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            if self.eat("(") {
                let mut args = vec![self.sum()?];
                while self.eat(",") {
                    args.push(self.sum()?);
                }
                return if self.eat(")") { Ok(Ast::Call(t, args)) } else { Err("missing ')'".into()) };
            }
            return Ok(Ast::Var(t));
        }
        Err(format!("unexpected '{t}'"))
    }
}

/// A truncated power series `c0 + c1 t + ... + c(n-1) t^(n-1)` over Q.
pub type Series = Vec<Q>;

fn s_mul(a: &Series, b: &Series) -> Series {
    let n = a.len();
    let mut r = vec![Q::zero(); n];
    for i in 0..n {
        if a[i].is_zero() {
            continue;
        }
        for j in 0..n - i {
            r[i + j] += &a[i] * &b[j];
        }
    }
    r
}

fn s_div(a: &Series, b: &Series) -> Result<Series, Why> {
    if b[0].is_zero() {
        return Err("division by zero at the point".into());
    }
    let n = a.len();
    let mut r: Series = vec![Q::zero(); n];
    for k in 0..n {
        let mut s = a[k].clone();
        for j in 1..=k {
            s -= &b[j] * &r[k - j];
        }
        r[k] = s / &b[0];
    }
    Ok(r)
}

fn s_const(q: Q, n: usize) -> Series {
    let mut s = vec![Q::zero(); n];
    s[0] = q;
    s
}

/// An integer exponent, if `e` is one (a constant expression with an integer value).
fn int_exponent(e: &Ast) -> Option<i64> {
    let v = e.series(&BTreeMap::new(), 1).ok()?;
    let q = v.first()?;
    if q.is_integer() {
        q.to_integer().to_i64().filter(|k| k.unsigned_abs() <= 1000)
    } else {
        None
    }
}

impl Ast {
    /// The exact Taylor expansion to `n` terms, with each variable bound to a series in
    /// `env` (a variable `x` at the point `a` is `[a, 1, 0, ...]`). `Err` when the
    /// expression is not rational (a function, a constant such as `pi`, a non-integer
    /// power), names an unbound variable, or divides by zero.
    pub fn series(&self, env: &BTreeMap<String, Series>, n: usize) -> Result<Series, Why> {
        Ok(match self {
            Ast::Num(q) => s_const(q.clone(), n),
            Ast::Var(v) => match env.get(v) {
                Some(s) => s.iter().cloned().chain(std::iter::repeat(Q::zero())).take(n).collect(),
                None => return Err(format!("'{v}' is not a rational number or bound variable")),
            },
            Ast::Neg(a) => a.series(env, n)?.into_iter().map(|c| -c).collect(),
            Ast::Bin(op, a, b) => {
                if *op == '^' {
                    let k = int_exponent(b).ok_or("a power that is not an integer constant")?;
                    let base = a.series(env, n)?;
                    let mut r = s_const(Q::one(), n);
                    for _ in 0..k.unsigned_abs() {
                        r = s_mul(&r, &base);
                    }
                    return if k < 0 { s_div(&s_const(Q::one(), n), &r) } else { Ok(r) };
                }
                let (x, y) = (a.series(env, n)?, b.series(env, n)?);
                match op {
                    '+' => x.iter().zip(&y).map(|(p, q)| p + q).collect(),
                    '-' => x.iter().zip(&y).map(|(p, q)| p - q).collect(),
                    '*' => s_mul(&x, &y),
                    _ => s_div(&x, &y)?,
                }
            }
            Ast::Call(f, _) => return Err(format!("the function {f} is not rational")),
        })
    }

    /// The exact value at a point (every variable bound to a rational).
    pub fn value(&self, at: &BTreeMap<String, Q>) -> Result<Q, Why> {
        let env = at.iter().map(|(k, v)| (k.clone(), vec![v.clone()])).collect();
        Ok(self.series(&env, 1)?.swap_remove(0))
    }

    /// The `k`-th derivative in `var` at the point `at` (all variables bound), exactly.
    pub fn derivative(&self, var: &str, k: usize, at: &BTreeMap<String, Q>) -> Result<Q, Why> {
        let ds = self.derivatives(var, k, at)?;
        Ok(ds[k].clone())
    }

    /// The derivatives of orders `0..=k` in `var` at the point `at`, exactly.
    pub fn derivatives(&self, var: &str, k: usize, at: &BTreeMap<String, Q>) -> Result<Vec<Q>, Why> {
        let mut env: BTreeMap<String, Series> = at.iter().map(|(n, v)| (n.clone(), vec![v.clone()])).collect();
        let x = at.get(var).ok_or_else(|| format!("no value for '{var}'"))?.clone();
        env.insert(var.to_string(), vec![x, Q::one()]);
        let s = self.series(&env, k + 1)?;
        let mut fact = Q::one();
        let mut out = vec![];
        for (i, c) in s.into_iter().enumerate() {
            if i > 0 {
                fact *= Q::from_integer(i.into());
            }
            out.push(c * &fact);
        }
        Ok(out)
    }

    /// An interval containing the exact value, for a constant expression with `+ - * /`,
    /// integer powers and `sqrt` (bounds within `2^-200`). `Err` for anything else.
    pub fn interval(&self) -> Result<RI, Why> {
        self.interval_at(&BTreeMap::new())
    }

    /// As [`Ast::interval`], with each variable bound to a rational.
    pub fn interval_at(&self, at: &BTreeMap<String, Q>) -> Result<RI, Why> {
        Ok(match self {
            Ast::Num(q) => RI::point(q.clone()),
            Ast::Var(v) => RI::point(at.get(v).cloned().ok_or_else(|| format!("'{v}' has no rational value in the checker"))?),
            Ast::Neg(a) => a.interval_at(at)?.neg(),
            Ast::Bin('^', a, b) => {
                let k = int_exponent(b).ok_or("a power that is not an integer constant")?;
                a.interval_at(at)?.powi(k).ok_or("division by an interval holding 0")?
            }
            Ast::Bin(op, a, b) => {
                let (x, y) = (a.interval_at(at)?, b.interval_at(at)?);
                match op {
                    '+' => x.add(&y),
                    '-' => x.sub(&y),
                    '*' => x.mul(&y),
                    _ => x.div(&y).ok_or("division by an interval holding 0")?,
                }
            }
            Ast::Call(f, args) if f == "sqrt" && args.len() == 1 => args[0].interval_at(at)?.sqrt(200).ok_or("sqrt of a negative number")?,
            Ast::Call(f, _) => return Err(format!("the function {f} is not enclosed by the checker")),
        })
    }

    /// The exact polynomial in `var` (every other variable bound in `consts`); `Err` when the
    /// expression is not a polynomial (division by a non-constant, a function, ...).
    pub fn poly(&self, var: &str, consts: &BTreeMap<String, Q>) -> Result<P, Why> {
        Ok(match self {
            Ast::Num(q) => P::constant(q.clone()),
            Ast::Var(v) if v == var => P::new(vec![Q::zero(), Q::one()]),
            Ast::Var(v) => P::constant(consts.get(v).cloned().ok_or_else(|| format!("'{v}' is not bound"))?),
            Ast::Neg(a) => a.poly(var, consts)?.scale(&-Q::one()),
            Ast::Bin('^', a, b) => {
                let k = int_exponent(b).filter(|k| *k >= 0).ok_or("not a polynomial: a power that is not a natural number")?;
                let base = a.poly(var, consts)?;
                let mut r = P::constant(Q::one());
                for _ in 0..k {
                    r = r.mul(&base);
                }
                r
            }
            Ast::Bin(op, a, b) => {
                let (x, y) = (a.poly(var, consts)?, b.poly(var, consts)?);
                match op {
                    '+' => x.add(&y),
                    '-' => x.sub(&y),
                    '*' => x.mul(&y),
                    _ => match y.as_constant() {
                        Some(c) if !c.is_zero() => x.scale(&c.recip()),
                        _ => return Err("not a polynomial: division by a non-constant".into()),
                    },
                }
            }
            Ast::Call(f, _) => return Err(format!("not a polynomial: the function {f}")),
        })
    }

    /// The variables the expression names, in order of first appearance.
    pub fn vars(&self) -> Vec<String> {
        let mut out = vec![];
        self.collect_vars(&mut out);
        out
    }

    fn collect_vars(&self, out: &mut Vec<String>) {
        match self {
            Ast::Num(_) => {}
            Ast::Var(v) => {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
            Ast::Neg(a) => a.collect_vars(out),
            Ast::Bin(_, a, b) => {
                a.collect_vars(out);
                b.collect_vars(out);
            }
            Ast::Call(_, args) => args.iter().for_each(|a| a.collect_vars(out)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(a: i64, b: i64) -> Q {
        Q::new(a.into(), b.into())
    }

    #[test]
    fn derivatives_of_the_quartic() {
        let e = parse("(x^2 - mu)^2/4").unwrap();
        let at: BTreeMap<String, Q> = [("x".to_string(), q(2, 1)), ("mu".to_string(), q(4, 1))].into();
        let d = e.derivatives("x", 4, &at).unwrap();
        assert_eq!(d, vec![q(0, 1), q(0, 1), q(8, 1), q(12, 1), q(6, 1)]);
    }

    #[test]
    fn precedence_and_numbers() {
        let e = parse("-x^2 + 2**3 - 1e-1 * 10").unwrap();
        let at: BTreeMap<String, Q> = [("x".to_string(), q(3, 1))].into();
        assert_eq!(e.value(&at).unwrap(), q(-2, 1));
        assert_eq!(parse("2^-1").unwrap().value(&BTreeMap::new()).unwrap(), q(1, 2));
        assert!(parse("sin(x)").unwrap().value(&at).is_err());
        assert!(parse("1/(x-3)").unwrap().value(&at).is_err());
        assert!(parse("(1").is_err());
    }

    #[test]
    fn rational_functions_differentiate() {
        // d/dx 1/x = -1/x^2 at 2: -1/4.
        let e = parse("1/x").unwrap();
        let at: BTreeMap<String, Q> = [("x".to_string(), q(2, 1))].into();
        assert_eq!(e.derivative("x", 1, &at).unwrap(), q(-1, 4));
    }

    #[test]
    fn sqrt_interval() {
        let r = parse("sqrt(5) - 1").unwrap().interval().unwrap();
        assert!(r.lo < q(1236068, 1000000) && r.hi > q(1236067, 1000000));
    }
}
