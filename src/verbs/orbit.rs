//! `orbit`: every period-2 orbit of GD in an interval, certified, with its multiplier and a
//! stability verdict; fixed points of `F` (critical points of the loss) reported apart.
//!
//! Guarantees: see `orbit.rs` and `minima.rs`.

use super::UserError;
use crate::eval::Num;
use crate::expr::Loss;
use crate::interval::Interval;
use crate::krawczyk::Budget;
use crate::minima::{derivative_zeros, derivatives_at};
use crate::numfmt::NumJson;
use crate::orbit::{period2_orbits, stability_sign};
use crate::scalar::Sign;
use crate::verdict::Verdict;
use serde::Serialize;
use std::fmt;

/// What `orbit` is asked.
#[derive(Clone, Debug)]
pub struct OrbitRequest {
    pub loss: Loss,
    pub lr: Num,
    pub domain: Interval,
    pub prec: u32,
    pub budget: Budget,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrbitOut {
    pub period: usize,
    /// One point per orbit element, each a list of coordinates.
    pub points: Vec<Vec<NumJson>>,
    /// `F'(x1) F'(x2)`.
    pub multiplier: NumJson,
    /// PASS: `|multiplier| < 1` certified; FAIL: `|multiplier| > 1` certified.
    pub stable: Verdict,
    /// The box in (m, s) = ((x1+x2)/2, ((x2-x1)/2)^2) where the orbit is proved unique.
    pub unique_in: Vec<NumJson>,
    /// Exact algebraic forms of the points (polynomial losses at a rational learning rate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<Vec<Option<crate::orbit_exact::Algebraic>>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FixedOut {
    pub point: NumJson,
    /// `F'(x) = 1 - eta f''(x)`.
    pub multiplier: NumJson,
    pub stable: Verdict,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegionOut {
    pub region: Vec<NumJson>,
    pub reason: String,
}

/// The result of `orbit` (JSON per SPEC.md, with extra fields).
#[derive(Clone, Debug, Serialize)]
pub struct OrbitOutput {
    pub loss: String,
    pub lr: NumJson,
    pub interval: NumJson,
    pub orbits: Vec<OrbitOut>,
    pub fixed_points: Vec<FixedOut>,
    /// True when there are provably no other period-2 orbits and fixed points in the interval.
    pub complete: bool,
    pub undecided: Vec<RegionOut>,
    pub boxes: usize,
    pub prec: u32,
    /// For polynomial losses at a rational learning rate: `(F(F(x)) - x)/(F(x) - x)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orbit_polynomial: Option<String>,
    /// The number of distinct real roots of the orbit polynomial in the interval (Sturm):
    /// every point of a period-2 orbit in the interval, counted independently of the search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orbit_points_in_interval: Option<usize>,
}

fn stable_verdict(s: Sign) -> Verdict {
    match s {
        Sign::Pos => Verdict::Pass,
        Sign::Neg => Verdict::Fail,
        _ => Verdict::Undecided,
    }
}

/// Runs `orbit`.
pub fn run(req: &OrbitRequest) -> Result<OrbitOutput, UserError> {
    let loss = &req.loss;
    if loss.vars.len() != 1 {
        return Err(UserError::new(format!(
            "orbit in several variables is not available yet; this loss has {} variables ({})",
            loss.vars.len(),
            loss.vars.join(", ")
        )));
    }
    let prec = req.prec;
    let eta = req.lr.to_interval(prec);
    if !eta.is_pos() {
        return Err(UserError::new("the learning rate --lr must be positive"));
    }
    let search = period2_orbits(loss, &eta, &req.domain, &req.budget);
    let fixed = derivative_zeros(loss, 1, &req.domain, &req.budget);
    let mut out = OrbitOutput {
        loss: loss.source.clone(),
        lr: NumJson::from_num(&req.lr, prec),
        interval: NumJson::enclosed(&req.domain),
        orbits: vec![],
        fixed_points: vec![],
        complete: search.undecided.is_empty() && fixed.undecided.is_empty(),
        undecided: vec![],
        boxes: search.boxes + fixed.boxes,
        prec,
        orbit_polynomial: None,
        orbit_points_in_interval: None,
    };
    let exact_poly = req.lr.exact().and_then(|eta| crate::orbit_exact::orbit_polynomial(loss, eta));
    let exact_factors = match (&exact_poly, search.orbits.is_empty()) {
        (Some(p), false) => crate::orbit_exact::factors(p),
        _ => vec![],
    };
    if let Some(p) = &exact_poly {
        out.orbit_polynomial = Some(p.to_string());
        out.orbit_points_in_interval = crate::orbit_exact::count_orbit_points(p, &req.domain);
    }
    for o in &search.orbits {
        out.orbits.push(OrbitOut {
            period: 2,
            points: vec![vec![NumJson::enclosed(&o.x1)], vec![NumJson::enclosed(&o.x2)]],
            multiplier: NumJson::enclosed(&o.multiplier),
            stable: stable_verdict(o.stability()),
            unique_in: o.verified.iter().map(NumJson::enclosed).collect(),
            exact: exact_poly.as_ref().map(|p| {
                vec![
                    crate::orbit_exact::exact_point_with(p, &exact_factors, &o.x1),
                    crate::orbit_exact::exact_point_with(p, &exact_factors, &o.x2),
                ]
            }),
        });
    }
    for z in &fixed.zeros {
        let d = derivatives_at(loss, z, 2).map_err(|e| UserError::new(format!("cannot evaluate f'' at a fixed point: {e}")))?;
        let f2 = d[2].to_interval(prec);
        let mult = Interval::from_int(1, prec).sub(&eta.mul(&f2));
        out.fixed_points.push(FixedOut {
            point: NumJson::from_num(&z.point, prec),
            multiplier: NumJson::enclosed(&mult),
            stable: stable_verdict(stability_sign(&mult)),
        });
    }
    for u in search.undecided.iter().chain(&fixed.undecided) {
        out.undecided.push(RegionOut { region: u.region.iter().map(NumJson::enclosed).collect(), reason: u.reason.clone() });
    }
    Ok(out)
}

impl OrbitOutput {
    /// Exit verdict: PASS when the search is complete and every stability is decided.
    pub fn verdict(&self) -> Verdict {
        let decided = self.orbits.iter().all(|o| o.stable != Verdict::Undecided)
            && self.fixed_points.iter().all(|f| f.stable != Verdict::Undecided);
        if self.complete && decided {
            Verdict::Pass
        } else {
            Verdict::Undecided
        }
    }
}

impl fmt::Display for OrbitOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "loss: {}   GD with eta = {}", self.loss, self.lr)?;
        writeln!(
            f,
            "interval: {}: {} period-2 orbit{}{}",
            self.interval,
            self.orbits.len(),
            if self.orbits.len() == 1 { "" } else { "s" },
            if self.complete { " (proved to be all of them)" } else { " found (search incomplete)" }
        )?;
        for (i, o) in self.orbits.iter().enumerate() {
            writeln!(f, "orbit #{}:", i + 1)?;
            for (k, pt) in o.points.iter().enumerate() {
                let exact = o.exact.as_ref().and_then(|e| e[k].as_ref());
                let form = match exact {
                    Some(a) => match &a.closed_form {
                        Some(c) => format!("  = {c} exactly"),
                        None => {
                            let c: Vec<String> = a.minpoly.iter().map(|v| v.to_string().trim_matches('"').to_string()).collect();
                            format!("  (a root of the integer polynomial with coefficients [{}], lowest degree first)", c.join(", "))
                        }
                    },
                    None => String::new(),
                };
                writeln!(f, "  x{} = {}{form}", k + 1, pt[0])?;
            }
            let st = match o.stable {
                Verdict::Pass => "stable (|multiplier| < 1 certified)",
                Verdict::Fail => "unstable (|multiplier| > 1 certified)",
                _ => "stability undecided",
            };
            writeln!(f, "  multiplier F'(x1)F'(x2) = {}: {st}", o.multiplier)?;
        }
        if let (Some(p), Some(n)) = (&self.orbit_polynomial, self.orbit_points_in_interval) {
            writeln!(f, "orbit polynomial (F(F(x)) - x)/(F(x) - x) = {p}: {n} distinct real root(s) in the interval (Sturm)")?;
        }
        for p in &self.fixed_points {
            let st = match p.stable {
                Verdict::Pass => "attracting",
                Verdict::Fail => "repelling",
                _ => "undecided",
            };
            writeln!(f, "fixed point of F (critical point of f) at x = {}: F'(x) = {} ({st})", p.point, p.multiplier)?;
        }
        for u in &self.undecided {
            let r: Vec<String> = u.region.iter().map(|x| x.to_string()).collect();
            writeln!(f, "undecided region {}: {}", r.join(" x "), u.reason)?;
        }
        Ok(())
    }
}
