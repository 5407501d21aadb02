//! The per-kind re-checks of the independent checker (see the module doc of `verify`).
//!
//! Guarantee: each function returns [`Status::Rechecked`] only after proving, in exact
//! arithmetic from the report's own data, the facts its message lists; [`Status::Failed`]
//! names the first fact that is false; everything else is [`Status::NotRecheckable`].

use super::ast::{self, Ast};
use super::num::{parse_q, q_of_json, RI, Q};
use super::upoly::{self, P};
use super::Status;
use num_traits::{One, Signed, Zero};
use serde_json::Value;
use std::collections::BTreeMap;

/// Why a re-check stopped early.
enum Stop {
    Skip(String),
    Fail(String),
}

type R<T> = Result<T, Stop>;

fn skip<T>(why: impl Into<String>) -> R<T> {
    Err(Stop::Skip(why.into()))
}

fn fail<T>(why: impl Into<String>) -> R<T> {
    Err(Stop::Fail(why.into()))
}

/// `Ok(())` when `ok`, else a failure with the message.
fn ensure(ok: bool, why: impl FnOnce() -> String) -> R<()> {
    if ok {
        Ok(())
    } else {
        Err(Stop::Fail(why()))
    }
}

/// An evaluation the checker cannot do is a gap, not a failure.
fn reach<T>(r: Result<T, ast::Why>) -> R<T> {
    r.map_err(Stop::Skip)
}

/// Re-checks one check (with verdict PASS when `pass`, else FAIL) from its certificate.
pub fn recheck(c: &Value, pass: bool) -> Status {
    let Some(cert) = c.get("certificate").filter(|v| v.is_object()) else {
        return Status::NotRecheckable("no certificate in the report".into());
    };
    let Some(inputs) = c.get("check").filter(|v| v.is_object()) else {
        return Status::NotRecheckable("the report does not embed the check's inputs (the claim)".into());
    };
    let ctx = Ctx { cert, inputs, pass };
    let r = match ctx.kind().as_str() {
        "inequality" => ctx.inequality(),
        "derivative" => ctx.derivative(),
        "conditions" => ctx.conditions(),
        "prop2" => ctx.prop2(),
        "threshold" => ctx.threshold(),
        "orbit" => ctx.orbit(),
        k => skip(format!("a '{k}' certificate")),
    };
    match r {
        Ok(s) => Status::Rechecked(s),
        Err(Stop::Skip(s)) => Status::NotRecheckable(s),
        Err(Stop::Fail(s)) => Status::Failed(s),
    }
}

/// A check's certificate, its inputs (the check file's fields, as `run` embeds them under
/// `check`) and its verdict.
struct Ctx<'a> {
    cert: &'a Value,
    inputs: &'a Value,
    pass: bool,
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The exact rational of a report number (`"p/q"`, or `{"exact": ...}`); `Ok(None)` when
/// the number is only an enclosure or its exact form is not rational (e.g. `3*pi/2`).
fn exact_of(v: &Value) -> R<Option<Q>> {
    let s = match v {
        Value::String(s) => s.as_str(),
        Value::Object(m) => match m.get("exact").and_then(Value::as_str) {
            Some(s) => s,
            None => return Ok(None),
        },
        Value::Number(_) => return Ok(q_of_json(v)),
        _ => return fail(format!("a number of the certificate is malformed: {v}")),
    };
    if let Some(q) = parse_q(s) {
        return Ok(Some(q));
    }
    match ast::parse(s) {
        Ok(_) => Ok(None),
        Err(e) => fail(format!("the exact value '{s}' does not parse: {e}")),
    }
}

/// The enclosure `[lo, hi]` of a report number (an exact rational gives a point).
fn enclosure_of(v: &Value) -> R<RI> {
    if let Some(q) = exact_of(v)? {
        return Ok(RI::point(q));
    }
    let (lo, hi) = (v.get("lo").and_then(q_of_json), v.get("hi").and_then(q_of_json));
    match (lo, hi) {
        (Some(lo), Some(hi)) => RI::new(lo, hi).map_or_else(|| fail(format!("an enclosure has lo > hi: {v}")), Ok),
        _ => fail(format!("a number of the certificate has no exact value and no enclosure: {v}")),
    }
}

/// Whether the report number `v` is consistent with the exact value `q`: equal to its exact
/// form, or inside its enclosure.
fn agrees(v: &Value, q: &Q) -> R<bool> {
    if let Some(e) = exact_of(v)? {
        return Ok(&e == q);
    }
    let i = enclosure_of(v)?;
    Ok(i.lo <= *q && *q <= i.hi)
}

/// Integer coefficients as `[c0, c1, ...]`.
fn coeff_text(c: &[Value]) -> String {
    format!("[{}]", c.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))
}

/// A rational for messages: exact when short, else a decimal approximation marked `≈`.
fn show(q: &Q) -> String {
    let exact = if q.is_integer() { q.numer().to_string() } else { format!("{}/{}", q.numer(), q.denom()) };
    if exact.len() <= 48 {
        exact
    } else {
        approx(q)
    }
}

/// `≈ d` with 20 significant digits, truncated toward zero (for messages only).
fn approx(q: &Q) -> String {
    use num_bigint::BigInt;
    if q.is_zero() {
        return "0".into();
    }
    let a = q.abs();
    // Scale so that the integer part has 20 digits.
    let digits = |x: &BigInt| x.to_string().trim_start_matches('-').len() as i64;
    let e = digits(a.numer()) - digits(a.denom());
    let shift = 20 - e;
    let ten = BigInt::from(10);
    let scaled = if shift >= 0 { &a * Q::from_integer(num_traits::pow(ten, shift as usize)) } else { &a / Q::from_integer(num_traits::pow(ten, (-shift) as usize)) };
    let m = scaled.to_integer().to_string();
    let sign = if q.is_negative() { "-" } else { "" };
    format!("≈ {sign}{}.{}e{}", &m[..1], &m[1..], m.len() as i64 - 1 - shift)
}

/// Parses `NAME=VALUE` pairs into exact rationals; a value that is not rational is left out
/// (an expression that then names it is not re-checkable).
fn params_of(list: Option<&Value>) -> R<BTreeMap<String, Q>> {
    let mut out = BTreeMap::new();
    for p in list.and_then(Value::as_array).into_iter().flatten() {
        let Some((k, v)) = p.as_str().and_then(|s| s.split_once('=')) else {
            return fail(format!("a parameter of the check is not NAME=VALUE: {p}"));
        };
        if let Ok(q) = ast::parse(v).and_then(|a| a.value(&out).map_err(|e| e.to_string())) {
            out.insert(k.trim().to_string(), q);
        }
    }
    Ok(out)
}

/// `A..B` as an exact interval.
fn range_of(s: &str) -> R<RI> {
    let Some((a, b)) = s.split_once("..") else { return fail(format!("'{s}' is not a range A..B")) };
    let num = |t: &str| reach(ast::parse(t).and_then(|e| e.value(&BTreeMap::new())));
    RI::new(num(a)?, num(b)?).map_or_else(|| fail(format!("the range '{s}' is empty")), Ok)
}

fn parse_expr(s: &str) -> R<Ast> {
    ast::parse(s).map_err(|e| Stop::Fail(format!("the expression '{s}' does not parse: {e}")))
}

/// The one variable of `e` that is not a parameter.
fn the_var(e: &Ast, params: &BTreeMap<String, Q>) -> R<String> {
    let vs: Vec<String> = e.vars().into_iter().filter(|v| !params.contains_key(v)).collect();
    match vs.as_slice() {
        [v] => Ok(v.clone()),
        _ => skip(format!("variables {vs:?} (one rational variable needed)")),
    }
}

/// A verdict string of the certificate as a boolean (PASS true, FAIL false, else None).
fn verdict_of(v: Option<&Value>) -> Option<bool> {
    match v.and_then(Value::as_str) {
        Some("PASS") => Some(true),
        Some("FAIL") => Some(false),
        _ => None,
    }
}

fn word(b: bool) -> &'static str {
    if b {
        "PASS"
    } else {
        "FAIL"
    }
}

/// Interval Horner evaluation of a polynomial over an exact interval (a valid enclosure).
fn poly_on(p: &P, x: &RI) -> RI {
    p.coeffs().iter().rev().fold(RI::point(Q::zero()), |acc, c| acc.mul(x).add(&RI::point(c.clone())))
}

/// Roots of `p` in the closed interval (the zero polynomial is a failure of the caller's
/// data, reported as such).
fn roots(p: &P, i: &RI, what: &str) -> R<usize> {
    p.roots_in_closed(&i.lo, &i.hi).map_or_else(|| fail(format!("{what} is identically zero")), Ok)
}

impl Ctx<'_> {
    /// The check file's `kind`.
    fn kind(&self) -> String {
        str_of(self.inputs, "kind").unwrap_or("unknown").to_string()
    }

    fn params(&self) -> R<BTreeMap<String, Q>> {
        params_of(self.inputs.get("params"))
    }

    /// The loss of the check: its `loss`, else `(base - (target))^2`, else the
    /// certificate's `loss`.
    fn loss(&self) -> R<Ast> {
        let src = match (str_of(self.inputs, "loss"), str_of(self.inputs, "base"), str_of(self.inputs, "target")) {
            (Some(l), _, _) => l.to_string(),
            (None, Some(g), Some(y)) => format!("({g} - ({y}))^2"),
            _ => match str_of(self.cert, "loss") {
                Some(l) => l.to_string(),
                None => return fail("the certificate names no loss"),
            },
        };
        parse_expr(&src)
    }

    /// The certificate's own verdict, when it has one, must be the check's.
    fn same_verdict(&self) -> R<()> {
        match verdict_of(self.cert.get("verdict")) {
            Some(v) if v != self.pass => fail(format!("the verdict is {} but the certificate's verdict is {}", word(self.pass), word(v))),
            _ => Ok(()),
        }
    }

    /// `inequality`: a FAIL's counterexample is re-evaluated exactly (inside the box, and
    /// violating the claim); a PASS of a one-variable polynomial claim is re-proved by Sturm.
    fn inequality(&self) -> R<String> {
        self.same_verdict()?;
        let claim = str_of(self.inputs, "inequality").ok_or(Stop::Fail("the check has no inequality".into()))?;
        let (l, op, r) = split_comparison(claim).ok_or_else(|| Stop::Fail(format!("'{claim}' is not LHS OP RHS")))?;
        let diff = Ast::Bin('-', Box::new(parse_expr(l)?), Box::new(parse_expr(r)?));
        let params = self.params()?;
        let mut over = BTreeMap::new();
        for part in str_of(self.inputs, "over").unwrap_or("").split(',').filter(|s| !s.trim().is_empty()) {
            let (name, range) = part.split_once('=').ok_or_else(|| Stop::Fail(format!("'{part}' is not NAME=A..B")))?;
            over.insert(name.trim().to_string(), range_of(range)?);
        }
        if over.is_empty() {
            return fail("the check has no box 'over'");
        }
        let holds = |d: &Q| match op {
            ">" => d.is_positive(),
            ">=" => !d.is_negative(),
            "<" => d.is_negative(),
            _ => !d.is_positive(),
        };
        if let Some(cx) = self.cert.get("counterexample").and_then(Value::as_object) {
            let mut at = params.clone();
            for (k, v) in cx {
                let Some(q) = exact_of(v)? else {
                    return skip("the counterexample is a box, not an exact point");
                };
                let Some(b) = over.get(k) else { return fail(format!("the counterexample names {k}, which the box does not")) };
                ensure(b.lo <= q && q <= b.hi, || format!("the counterexample {k} = {} lies outside the box", show(&q)))?;
                at.insert(k.clone(), q);
            }
            let point = cx.keys().map(|k| format!("{k} = {}", at.get(k).map(show).unwrap_or_default())).collect::<Vec<_>>().join(", ");
            let d = match diff.value(&at) {
                Ok(d) => d,
                Err(_) => {
                    // Not rational (e.g. a sqrt): an exact-end-point enclosure of lhs - rhs.
                    let e = reach(diff.interval_at(&at))?;
                    let refuted = match op {
                        ">" => !e.hi.is_positive(),
                        ">=" => e.hi.is_negative(),
                        "<" => !e.lo.is_negative(),
                        _ => e.lo.is_positive(),
                    };
                    if !refuted {
                        return skip(format!("the enclosure [{}, {}] of lhs - rhs at {point} does not decide the sign", approx(&e.lo), approx(&e.hi)));
                    }
                    return if self.pass {
                        fail(format!("the verdict is PASS but the certificate's counterexample {point} refutes the claim (lhs - rhs in [{}, {}])", approx(&e.lo), approx(&e.hi)))
                    } else {
                        Ok(format!("counterexample {point}: lhs - rhs in [{}, {}] violates '{op}' (exact interval arithmetic)", approx(&e.lo), approx(&e.hi)))
                    };
                }
            };
            ensure(!holds(&d), || format!("the counterexample {point} satisfies the claim: lhs - rhs = {}", show(&d)))?;
            return if self.pass {
                fail(format!("the verdict is PASS but the certificate's counterexample {point} refutes the claim (lhs - rhs = {})", show(&d)))
            } else {
                Ok(format!("counterexample {point}: lhs - rhs = {} violates '{op}', exactly", show(&d)))
            };
        }
        if !self.pass {
            return fail("the verdict is FAIL but the certificate has no counterexample");
        }
        let [(var, b)] = over.iter().collect::<Vec<_>>()[..] else {
            return skip("a PASS over more than one variable");
        };
        let p = reach(diff.poly(var, &params))?;
        if p.is_zero() {
            ensure(holds(&Q::zero()), || "lhs - rhs is identically 0: the strict claim is false".into())?;
            return Ok("lhs - rhs is identically 0 (exact polynomial arithmetic)".into());
        }
        let n = roots(&p, b, "lhs - rhs")?;
        if n == 0 {
            let d = p.eval(&b.lo);
            ensure(holds(&d), || format!("lhs - rhs = {} at {var} = {} violates the claim", show(&d), show(&b.lo)))?;
            return Ok("lhs - rhs is a polynomial without roots in the box and of the claimed sign (Sturm)".into());
        }
        if op == ">" || op == "<" {
            return fail(format!("lhs - rhs has {n} root(s) in the box (Sturm): the strict claim is false"));
        }
        match upoly::sign_holds(&p, &b.lo, &b.hi, op == ">=") {
            Some(true) => Ok(format!("lhs - rhs is a polynomial with {n} root(s) in the box, of the claimed sign at a point between each two (Sturm)")),
            Some(false) => fail("lhs - rhs takes the forbidden sign in the box (Sturm and exact evaluation)"),
            None => skip("the roots of lhs - rhs could not be separated"),
        }
    }

    /// `derivative`: every exact derivative of the certificate is recomputed by Taylor
    /// arithmetic over Q, and the claimed value compared with the recomputed one.
    fn derivative(&self) -> R<String> {
        let params = self.params()?;
        let loss = self.loss()?;
        let var = the_var(&loss, &params)?;
        let at_v = self.cert.get("at").and_then(|a| a.get(&var)).ok_or_else(|| Stop::Fail(format!("the certificate has no point for {var}")))?;
        let Some(x) = exact_of(at_v)? else { return skip("the point is not rational") };
        let ds = self.cert.get("derivatives").and_then(Value::as_array).ok_or(Stop::Fail("no derivatives".into()))?;
        let mut at = params.clone();
        at.insert(var.clone(), x);
        let mine = reach(loss.derivatives(&var, ds.len().saturating_sub(1), &at))?;
        for d in ds {
            let k = d.get("order").and_then(Value::as_u64).ok_or(Stop::Fail("a derivative without an order".into()))? as usize;
            let Some(m) = mine.get(k) else { return fail(format!("derivative order {k} is out of range")) };
            ensure(agrees(d, m)?, || format!("f^({k}) is {} exactly, not {}", show(m), d))?;
        }
        let order = self.inputs.get("order").and_then(Value::as_u64).ok_or(Stop::Skip("the report does not embed the claimed order".into()))? as usize;
        let claimed = str_of(self.inputs, "value").ok_or(Stop::Skip("the report does not embed the claimed value".into()))?;
        let m = mine.get(order).ok_or_else(|| Stop::Fail(format!("no derivative of order {order} in the certificate")))?;
        let c = reach(parse_expr(claimed)?.interval())?;
        let equal = c.lo == *m && c.hi == *m;
        let differ = !(c.lo <= *m && *m <= c.hi);
        match (self.pass, equal, differ) {
            (true, true, _) => Ok(format!("f^({order}) = {} exactly, as claimed", show(m))),
            (false, _, true) => Ok(format!("f^({order}) = {} exactly, not the claimed {claimed}", show(m))),
            (true, false, _) => fail(format!("the verdict is PASS but f^({order}) = {} is not the claimed {claimed}", show(m))),
            (false, _, false) => fail(format!("the verdict is FAIL but f^({order}) = {} is consistent with the claimed {claimed}", show(m))),
        }
    }

    /// `conditions`: at every minimum with a rational point, f' = 0 and f'' > 0, the values
    /// f'', f''', f'''' and 3f'''^2 - f''f'''' and the verdicts of Theorem 1, Lemma 1 and the
    /// oscillation condition are recomputed exactly; the check's verdict must follow.
    fn conditions(&self) -> R<String> {
        let params = self.params()?;
        let loss = self.loss()?;
        let var = the_var(&loss, &params)?;
        let minima = self.cert.get("minima").and_then(Value::as_array).ok_or(Stop::Fail("no minima".into()))?;
        let judge = str_of(self.inputs, "judge").unwrap_or("oscillation");
        if judge == "prop1" {
            return skip("Proposition 1's hypotheses");
        }
        let given = match str_of(self.inputs, "at") {
            Some(a) => match a.split_once('=').map(|(_, v)| ast::parse(v).and_then(|e| e.value(&params))) {
                Some(Ok(q)) => Some(q),
                _ => return skip(format!("the given point '{a}' is not rational")),
            },
            None => None,
        };
        let mut judged = vec![];
        for (i, m) in minima.iter().enumerate() {
            let n = i + 1;
            let Some(x) = m.get("point").map(exact_of).transpose()?.flatten() else {
                return skip(format!("minimum #{n} is not a rational point"));
            };
            if let Some(g) = &given {
                ensure(*g == x, || format!("minimum #{n} at {} is not the given point {}", show(&x), show(g)))?;
            }
            if let Some(r) = str_of(self.inputs, "in") {
                let i = range_of(r)?;
                ensure(i.lo <= x && x <= i.hi, || format!("minimum #{n} at {} lies outside the interval {r}", show(&x)))?;
            }
            let mut at = params.clone();
            at.insert(var.clone(), x.clone());
            let d = reach(loss.derivatives(&var, 17, &at))?;
            ensure(d[1].is_zero(), || format!("minimum #{n} at {}: f' = {} is not 0", show(&x), show(&d[1])))?;
            ensure(d[2].is_positive(), || format!("minimum #{n} at {}: f'' = {} is not > 0", show(&x), show(&d[2])))?;
            for (k, key) in [(2, "f2"), (3, "f3"), (4, "f4")] {
                if let Some(v) = m.get(key) {
                    ensure(agrees(v, &d[k])?, || format!("minimum #{n}: {key} is {} exactly, not {v}", show(&d[k])))?;
                }
            }
            let value = Q::from_integer(3.into()) * &d[3] * &d[3] - &d[2] * &d[4];
            let t1 = !d[3].is_zero() && value.is_positive();
            if let Some(t) = m.get("theorem1") {
                if let Some(v) = t.get("value") {
                    ensure(agrees(v, &value)?, || format!("minimum #{n}: 3f'''^2 - f''f'''' is {} exactly, not {v}", show(&value)))?;
                }
                if let Some(v) = verdict_of(t.get("verdict")) {
                    ensure(v == t1, || format!("minimum #{n}: Theorem 1 is {}, not {}", word(t1), word(v)))?;
                }
            }
            let k = (3..=16).find(|&k| !d[k].is_zero());
            let l1 = match k {
                None => false,
                Some(3) => t1,
                Some(k) if k % 2 == 0 => d[k].is_negative(),
                Some(k) => d[k + 1].is_negative(),
            };
            if let Some(l) = m.get("lemma1") {
                let ck = l.get("k").and_then(Value::as_u64).map(|k| k as usize);
                ensure(ck == k, || format!("minimum #{n}: Lemma 1's k is {k:?}, not {ck:?}"))?;
                if let Some(v) = verdict_of(l.get("verdict")) {
                    ensure(v == l1, || format!("minimum #{n}: Lemma 1 is {}, not {}", word(l1), word(v)))?;
                }
            }
            let osc = t1 || l1;
            if let Some(v) = verdict_of(m.get("oscillation").and_then(|o| o.get("verdict"))) {
                ensure(v == osc, || format!("minimum #{n}: the oscillation condition is {}, not {}", word(osc), word(v)))?;
            }
            judged.push(match judge {
                "theorem1" => t1,
                "lemma1" => l1,
                _ => osc,
            });
        }
        if !self.pass {
            ensure(judged.iter().any(|j| !j), || format!("the verdict is FAIL but {judge} holds at every listed minimum"))?;
            return Ok(format!("{judge} fails at a minimum, recomputed exactly ({} minimum(s))", judged.len()));
        }
        ensure(!judged.is_empty() && judged.iter().all(|j| *j), || format!("the verdict is PASS but {judge} fails at a listed minimum (or none is listed)"))?;
        let scope = if self.cert.get("at").is_some() {
            "at the given point".to_string()
        } else {
            self.completeness(&loss, &var, &params, minima.len())?
        };
        Ok(format!("{judge} holds at {} minimum(s), recomputed exactly; {scope}", judged.len()))
    }

    /// Whether the listed minima are all critical points of a polynomial loss in the check's
    /// interval (Sturm count of f'); a message saying what was or was not re-checked.
    fn completeness(&self, loss: &Ast, var: &str, params: &BTreeMap<String, Q>, listed: usize) -> R<String> {
        let Some(range) = str_of(self.inputs, "in") else { return Ok("completeness of the search not re-checked".into()) };
        let i = range_of(range)?;
        let Ok(p) = loss.poly(var, params) else { return Ok("completeness of the search not re-checked (not a polynomial)".into()) };
        let n = roots(&p.deriv(), &i, "f'")?;
        Ok(if n == listed {
            format!("f' has exactly {n} root(s) in [{}, {}] (Sturm): no minimum was missed", show(&i.lo), show(&i.hi))
        } else {
            format!("f' has {n} root(s) in the interval, {listed} listed as minima: completeness not re-checked")
        })
    }

    /// `prop2`: the margins 6g''^2 - g'g''' of p, q and q(p(x)) at a rational point, by
    /// exact Taylor arithmetic (composition of series), and the verdicts that follow.
    fn prop2(&self) -> R<String> {
        self.same_verdict()?;
        let params = self.params()?;
        let (ps, qs) = match (str_of(self.cert, "p"), str_of(self.cert, "q")) {
            (Some(p), Some(q)) => (p, q),
            _ => return fail("the certificate has no p and q"),
        };
        let (p, q) = (parse_expr(ps)?, parse_expr(qs)?);
        let (pv, qv) = (the_var(&p, &params)?, the_var(&q, &params)?);
        let Some(x) = self.cert.get("at").map(exact_of).transpose()?.flatten() else {
            return skip("the point is not rational");
        };
        let mut env: BTreeMap<String, ast::Series> = params.iter().map(|(k, v)| (k.clone(), vec![v.clone()])).collect();
        env.insert(pv.clone(), vec![x.clone(), Q::one()]);
        let ps_ = reach(p.series(&env, 4))?;
        let mut env_q = env.clone();
        env_q.insert(qv.clone(), vec![ps_[0].clone(), Q::one()]);
        let qs_ = reach(q.series(&env_q, 4))?;
        env_q.insert(qv, ps_.clone());
        let hs = reach(q.series(&env_q, 4))?;
        // Taylor coefficients c_k = g^(k)/k!: g' = c1, g'' = 2c2, g''' = 6c3.
        let judge = |s: &ast::Series| {
            let (g1, g2, g3) = (s[1].clone(), &s[2] * Q::from_integer(2.into()), &s[3] * Q::from_integer(6.into()));
            let margin = Q::from_integer(6.into()) * &g2 * &g2 - &g1 * g3;
            (!g1.is_zero() && margin.is_positive(), margin)
        };
        let mut verdicts = vec![];
        for (s, key, vkey) in [(&ps_, "margin_p", "hypothesis_p"), (&qs_, "margin_q", "hypothesis_q"), (&hs, "margin_composite", "conclusion")] {
            let (ok, margin) = judge(s);
            if let Some(v) = self.cert.get(key) {
                ensure(agrees(v, &margin)?, || format!("{key} is {} exactly, not {v}", show(&margin)))?;
            }
            if let Some(v) = verdict_of(self.cert.get(vkey).and_then(|h| h.get("verdict"))) {
                ensure(v == ok, || format!("{vkey} is {}, not {}", word(ok), word(v)))?;
            }
            verdicts.push(ok);
        }
        let (hp, hq, concl) = (verdicts[0], verdicts[1], verdicts[2]);
        if self.pass {
            ensure(hp && hq && concl, || "the verdict is PASS but a hypothesis or the conclusion fails".into())?;
            Ok("both hypotheses and the conclusion hold, margins recomputed exactly".into())
        } else {
            ensure(hp && hq && !concl, || "the verdict is FAIL but this is no counterexample (a hypothesis fails or the conclusion holds)".into())?;
            Ok("a counterexample: both hypotheses hold and the conclusion fails, margins recomputed exactly".into())
        }
    }

    /// `threshold`: the isolating interval of the minimal polynomial (Sturm, exactly one
    /// root), and the comparison with the claimed value; the derivation of the event itself
    /// (resultant, orbit, multiplier sign change) is the engine's and is not re-checked.
    fn threshold(&self) -> R<String> {
        let lr = self.cert.get("lr").ok_or(Stop::Fail("the certificate has no lr".into()))?;
        let claimed_src = str_of(self.inputs, "value").ok_or(Stop::Skip("the report does not embed the claimed value".into()))?;
        let claimed = reach(parse_expr(claimed_src)?.interval())?;
        const SCOPE: &str = "(that the event happens at this number is the engine's derivation, not re-checked)";
        if let Some(mp) = lr.get("minpoly").and_then(Value::as_array) {
            let coeffs: Vec<Q> = mp.iter().map(q_of_json).collect::<Option<_>>().ok_or(Stop::Fail("a minimal polynomial coefficient is not a number".into()))?;
            let m = P::new(coeffs);
            let mps = coeff_text(mp);
            ensure(m.degree().unwrap_or(0) >= 1, || "the minimal polynomial is constant".into())?;
            let iso = enclosure_of(lr)?;
            let n = roots(&m, &iso, "the minimal polynomial")?;
            ensure(n == 1, || format!("the minimal polynomial {mps} has {n} roots in [{}, {}], not exactly one", show(&iso.lo), show(&iso.hi)))?;
            if self.pass {
                let Some(cm) = self.inputs.get("minpoly").and_then(Value::as_array) else {
                    return fail("the verdict is PASS for an algebraic threshold but the claim names no minimal polynomial");
                };
                ensure(cm == mp, || format!("the verdict is PASS but the claimed minimal polynomial {} is not the certified {mps}", coeff_text(cm)))?;
                let h = claimed.hull(&iso);
                let k = roots(&m, &h, "the minimal polynomial")?;
                ensure(k == 1, || format!("the claimed {claimed_src} and the certified root are not isolated together: {k} roots of {mps} in their hull"))?;
                return Ok(format!("the root of {mps} in the isolating interval is the claimed {claimed_src} (one root in their hull, Sturm) {SCOPE}"));
            }
            ensure(!claimed.meets(&iso), || format!("the verdict is FAIL but the claimed {claimed_src} meets the isolating interval"))?;
            return Ok(format!("the one root of {mps} in the isolating interval is not the claimed {claimed_src} (disjoint) {SCOPE}"));
        }
        let Some(e) = exact_of(lr)? else { return skip("the threshold is only an enclosure") };
        let equal = claimed.lo == e && claimed.hi == e;
        let inside = claimed.lo <= e && e <= claimed.hi;
        match (self.pass, equal, inside) {
            (true, true, _) => Ok(format!("the certified threshold {} equals the claim exactly {SCOPE}", show(&e))),
            (false, _, false) => Ok(format!("the certified threshold {} differs from the claimed {claimed_src} {SCOPE}", show(&e))),
            (false, _, true) => fail(format!("the verdict is FAIL but the certified threshold {} is consistent with the claimed {claimed_src}", show(&e))),
            (true, false, true) => skip("equality with an irrational-looking claim"),
            (true, false, false) => fail(format!("the verdict is PASS but the certified threshold {} is not the claimed {claimed_src}", show(&e))),
        }
    }

    /// `orbit` (one variable, polynomial loss, rational learning rate): each orbit is
    /// re-proved (a root of G = F(F(x)) - x in each point's enclosure, no fixed point of F
    /// there, the partner of the first point is the root in the second enclosure), its
    /// multiplier enclosed by exact interval arithmetic and compared with the claim and its
    /// stability; the claimed count is compared with the orbits proved distinct. The
    /// completeness of the engine's search is not re-checked.
    fn orbit(&self) -> R<String> {
        let params = self.params()?;
        let loss = self.loss()?;
        let var = the_var(&loss, &params)?;
        let lr_v = self.cert.get("lr").ok_or(Stop::Fail("the certificate has no lr".into()))?;
        let Some(eta) = exact_of(lr_v)? else { return skip("the learning rate is not rational") };
        if let Some(claimed_lr) = str_of(self.inputs, "lr") {
            let c = reach(parse_expr(claimed_lr)?.interval())?;
            ensure(c.lo == eta && c.hi == eta, || format!("the certificate's learning rate {} is not the check's {claimed_lr}", show(&eta)))?;
        }
        let f = reach(loss.poly(&var, &params))?;
        let df = f.deriv();
        let map = P::new(vec![Q::zero(), Q::one()]).sub(&df.scale(&eta));
        let dmap = map.deriv();
        let g = map.compose(&map).sub(&P::new(vec![Q::zero(), Q::one()]));
        let orbits = self.cert.get("orbits").and_then(Value::as_array).ok_or(Stop::Fail("no orbits".into()))?;
        let mut boxes: Vec<RI> = vec![];
        let mut stabilities = vec![];
        for (i, o) in orbits.iter().enumerate() {
            let n = i + 1;
            let pts = o.get("points").and_then(Value::as_array).ok_or_else(|| Stop::Fail(format!("orbit #{n} has no points")))?;
            let mut encl = vec![];
            for p in pts {
                match p.as_array().map(|a| a.as_slice()) {
                    Some([x]) => encl.push(enclosure_of(x)?),
                    _ => return skip("an orbit in several variables"),
                }
            }
            let [i1, i2] = &encl[..] else { return fail(format!("orbit #{n} does not have two points")) };
            for (k, iv) in [(1, i1), (2, i2)] {
                let r = roots(&g, iv, "F(F(x)) - x")?;
                ensure(r >= 1, || format!("orbit #{n}: F(F(x)) - x has no root in the enclosure of x{k} [{}, {}] (Sturm)", show(&iv.lo), show(&iv.hi)))?;
                let fp = roots(&df, iv, "f'")?;
                ensure(fp == 0, || format!("orbit #{n}: the enclosure of x{k} holds a fixed point of F (a root of f')"))?;
            }
            ensure(!i1.meets(i2), || format!("orbit #{n}: the enclosures of x1 and x2 overlap"))?;
            let image = poly_on(&map, i1);
            let hull = image.hull(i2);
            let paired = roots(&g, &hull, "F(F(x)) - x")? == 1;
            if !paired {
                return skip(format!("orbit #{n}'s pairing F(x1) = x2 (the enclosure of F(x1) is too wide)"));
            }
            let mult = poly_on(&dmap, i1).mul(&poly_on(&dmap, i2));
            if let Some(cm) = o.get("multiplier") {
                let c = enclosure_of(cm)?;
                ensure(c.meets(&mult), || format!("orbit #{n}: the multiplier lies in [{}, {}], outside the claimed {cm}", show(&mult.lo), show(&mult.hi)))?;
            }
            let one = Q::one();
            let stable = if mult.lo > -&one && mult.hi < one {
                Some(true)
            } else if mult.hi < -&one || mult.lo > one {
                Some(false)
            } else {
                None
            };
            if let (Some(s), Some(c)) = (stable, verdict_of(o.get("stable"))) {
                ensure(s == c, || format!("orbit #{n}: stability is {}, not {} (multiplier in [{}, {}])", word(s), word(c), show(&mult.lo), show(&mult.hi)))?;
            }
            stabilities.push(stable);
            boxes.push(i1.clone());
            boxes.push(i2.clone());
        }
        let distinct = boxes.iter().enumerate().all(|(i, a)| boxes[i + 1..].iter().all(|b| !a.meets(b)));
        let domain = str_of(self.inputs, "in").map(range_of).transpose()?;
        let inside = |b: &RI| domain.as_ref().is_some_and(|d| b.within(d));
        let in_domain = boxes.iter().all(inside);
        let claimed_stable = self.inputs.get("stable").and_then(Value::as_bool);
        let count = self.inputs.get("count").and_then(Value::as_u64).map(|c| c as usize);
        let proved = format!("{} orbit(s) re-proved (Sturm on F(F(x)) - x and f', exact interval multipliers)", orbits.len());
        if self.pass {
            if let Some(st) = claimed_stable {
                for (i, s) in stabilities.iter().enumerate() {
                    match s {
                        Some(s) => ensure(*s == st, || format!("the verdict is PASS but orbit #{} is {}", i + 1, if *s { "stable" } else { "unstable" }))?,
                        None => return skip(format!("orbit #{}'s multiplier is too close to ±1", i + 1)),
                    }
                }
            }
            if let Some(c) = count {
                ensure(orbits.len() == c, || format!("the verdict is PASS but {} orbit(s) are listed, not {c}", orbits.len()))?;
                return Ok(format!("{proved}; the count {c} is the engine's complete search, not re-checked"));
            }
            return Ok(proved);
        }
        if let Some(st) = claimed_stable {
            let against = |i: usize| stabilities[i] == Some(!st) && inside(&boxes[2 * i]) && inside(&boxes[2 * i + 1]);
            if let Some(i) = (0..stabilities.len()).find(|&i| against(i)) {
                return Ok(format!("{proved}; orbit #{} is {}, against the claim", i + 1, if st { "unstable" } else { "stable" }));
            }
        }
        if let Some(c) = count {
            if distinct && in_domain && orbits.len() > c {
                return Ok(format!("{proved}; {} distinct orbits in the interval, more than the claimed {c}", orbits.len()));
            }
        }
        skip(format!("{proved}, but the FAIL rests on the engine's complete search (fewer orbits than claimed), which is not re-checked"))
    }
}

/// Splits `LHS OP RHS` at the first comparison operator (`<=`, `>=`, `<`, `>`).
fn split_comparison(s: &str) -> Option<(&str, &'static str, &str)> {
    let i = s.find(['<', '>'])?;
    let two = s[i..].starts_with("<=") || s[i..].starts_with(">=");
    let op = match (&s[i..i + 1], two) {
        ("<", true) => "<=",
        (">", true) => ">=",
        ("<", false) => "<",
        _ => ">",
    };
    Some((&s[..i], op, &s[i + op.len()..]))
}
