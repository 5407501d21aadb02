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
    /// The box both orbit points must lie in: one interval per variable of the loss.
    pub domain: Vec<Interval>,
    pub prec: u32,
    pub budget: Budget,
}

/// Orbits of a polynomial loss at a rational learning rate: the real roots of the orbit
/// polynomial isolated by Sturm sequences, partners matched by enclosing `F` (exact, complete).
pub const METHOD_POLY: &str = "orbit-polynomial";
/// Orbits proved by Krawczyk's operator on the desingularised (m, s) system, by branch and prune.
pub const METHOD_KRAWCZYK: &str = "krawczyk";

#[derive(Clone, Debug, Serialize)]
pub struct OrbitOut {
    pub period: usize,
    /// One point per orbit element, each a list of coordinates.
    pub points: Vec<Vec<NumJson>>,
    /// One variable: `F'(x1) F'(x2)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<NumJson>,
    /// Several variables: the eigenvalues of `J = F'(x2) F'(x1)`, each a real enclosure or a
    /// complex region `{"re", "im"}` (repeated by multiplicity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eigenvalues: Option<Vec<EigenJson>>,
    /// PASS: `|multiplier| < 1` (spectral radius < 1) certified; FAIL: `> 1` certified.
    pub stable: Verdict,
    /// Why the stability is undecided, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stable_reason: Option<String>,
    /// Where the orbit is proved unique. One variable, method "krawczyk": the box in
    /// (m, s) = ((x1+x2)/2, ((x2-x1)/2)^2); method "orbit-polynomial": two intervals, each
    /// holding exactly one period-2 point (Sturm). Several variables: the box in (x1, x2).
    pub unique_in: Vec<NumJson>,
    /// How existence and uniqueness were proved ([`METHOD_POLY`] or [`METHOD_KRAWCZYK`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<&'static str>,
    /// Exact algebraic forms of the points (polynomial losses at a rational learning rate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<Vec<Option<crate::orbit_exact::Algebraic>>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FixedOut {
    /// One number per variable.
    pub point: Vec<NumJson>,
    /// One variable: `F'(x) = 1 - eta f''(x)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<NumJson>,
    /// Several variables: the eigenvalues of `F'(x) = I - eta H(x)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eigenvalues: Option<Vec<EigenJson>>,
    pub stable: Verdict,
}

/// An eigenvalue enclosure: a real interval, or a region of the complex plane.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum EigenJson {
    Real(NumJson),
    Complex { re: NumJson, im: NumJson },
}

impl fmt::Display for EigenJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EigenJson::Real(r) => write!(f, "{r}"),
            EigenJson::Complex { re, im } => write!(f, "{re} + i {im}"),
        }
    }
}

/// The eigenvalue enclosures of `clusters`, one entry per eigenvalue. A cluster holding one
/// eigenvalue in a region symmetric about the real axis holds a real one (the conjugate of a
/// non-real eigenvalue of a real matrix would be a second), reported as a real interval.
pub fn eigen_json(clusters: &[crate::eigen::Cluster]) -> Vec<EigenJson> {
    let mut out = vec![];
    for c in clusters {
        let boxes: Vec<(Interval, Interval)> = c.discs.iter().map(|d| (d.re.inflate(&d.rad), d.im.inflate(&d.rad))).collect();
        let Some((re, im)) = boxes.iter().cloned().reduce(|(a, b), (x, y)| (a.hull(&x), b.hull(&y))) else { continue };
        let symmetric = *im.lo() == -im.hi().clone();
        let e = if c.count() == 1 && symmetric {
            EigenJson::Real(NumJson::enclosed(&re))
        } else {
            EigenJson::Complex { re: NumJson::enclosed(&re), im: NumJson::enclosed(&im) }
        };
        out.extend(std::iter::repeat_n(e, c.count()));
    }
    out
}

fn stability_verdict(s: &crate::eigen::Stability) -> (Verdict, Option<String>) {
    use crate::eigen::Stability::*;
    match s {
        Stable => (Verdict::Pass, None),
        Unstable => (Verdict::Fail, None),
        Undecided(r) => (Verdict::Undecided, Some(r.clone())),
    }
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
    /// The box searched, one interval per variable.
    pub domain: Vec<NumJson>,
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
    if req.domain.len() != loss.vars.len() {
        return Err(UserError::new(format!(
            "the box has {} range(s) but the loss has {} variable(s) ({})",
            req.domain.len(),
            loss.vars.len(),
            loss.vars.join(", ")
        )));
    }
    let prec = req.prec;
    let eta = req.lr.to_interval(prec);
    if !eta.is_pos() {
        return Err(UserError::new("the learning rate --lr must be positive"));
    }
    if loss.vars.len() > 1 {
        return Ok(run_nd(req, &eta));
    }
    let domain = &req.domain[0];
    let exact_poly = req.lr.exact().and_then(|eta| crate::orbit_exact::orbit_polynomial(loss, eta));
    // Polynomial loss, rational eta: the orbit polynomial decides everything exactly (Sturm);
    // otherwise (or if a partner cannot be told apart) the Krawczyk search over (m, s).
    let by_poly = match (&exact_poly, req.lr.exact()) {
        (Some(p), Some(eta_q)) => crate::orbit_exact::orbits_from_polynomial(loss, p, eta_q, domain, prec),
        _ => None,
    };
    let search = match by_poly {
        Some(_) => None,
        None => Some(period2_orbits(loss, &eta, domain, &req.budget)),
    };
    let fixed = derivative_zeros(loss, 1, domain, &req.budget);
    let search_undecided = search.as_ref().map_or(&[][..], |s| &s.undecided[..]);
    let mut out = OrbitOutput {
        loss: loss.source.clone(),
        lr: NumJson::from_num(&req.lr, prec),
        domain: vec![NumJson::enclosed(domain)],
        orbits: vec![],
        fixed_points: vec![],
        complete: search_undecided.is_empty() && fixed.undecided.is_empty(),
        undecided: vec![],
        boxes: search.as_ref().map_or(0, |s| s.boxes) + fixed.boxes,
        prec,
        orbit_polynomial: None,
        orbit_points_in_interval: None,
    };
    // (enclosures of x1, x2, multiplier, uniqueness regions, method, isolating intervals)
    type Found = (Interval, Interval, Interval, Vec<Interval>, &'static str, Option<[(num_rational::BigRational, num_rational::BigRational); 2]>);
    let found: Vec<Found> = match (&by_poly, &search) {
        (Some((orbits, _)), _) => orbits
            .iter()
            .map(|o| {
                let iso = o.isolating.iter().map(|(lo, hi)| Interval::from_rationals(lo, hi, prec)).collect();
                (o.x1.clone(), o.x2.clone(), o.multiplier.clone(), iso, METHOD_POLY, Some(o.isolating.clone()))
            })
            .collect(),
        (None, Some(s)) => s.orbits.iter().map(|o| (o.x1.clone(), o.x2.clone(), o.multiplier.clone(), o.verified.to_vec(), METHOD_KRAWCZYK, None)).collect(),
        (None, None) => unreachable!("one of the two paths ran"),
    };
    let exact_factors = match (&exact_poly, found.is_empty()) {
        (Some(p), false) => crate::orbit_exact::factors(p),
        _ => vec![],
    };
    if let Some(p) = &exact_poly {
        out.orbit_polynomial = Some(p.to_string());
        out.orbit_points_in_interval = match &by_poly {
            Some((_, count)) => Some(*count),
            None => crate::orbit_exact::count_orbit_points(p, domain),
        };
    }
    for (x1, x2, mu, unique_in, method, iso) in &found {
        out.orbits.push(OrbitOut {
            period: 2,
            points: vec![vec![NumJson::enclosed(x1)], vec![NumJson::enclosed(x2)]],
            multiplier: Some(NumJson::enclosed(mu)),
            eigenvalues: None,
            stable: stable_verdict(stability_sign(mu)),
            stable_reason: None,
            unique_in: unique_in.iter().map(NumJson::enclosed).collect(),
            method: Some(method),
            exact: exact_poly.as_ref().map(|p| match iso {
                Some([(l1, h1), (l2, h2)]) => vec![
                    crate::orbit_exact::exact_point_isolated(&exact_factors, l1, h1, x1),
                    crate::orbit_exact::exact_point_isolated(&exact_factors, l2, h2, x2),
                ],
                None => vec![
                    crate::orbit_exact::exact_point_with(p, &exact_factors, x1),
                    crate::orbit_exact::exact_point_with(p, &exact_factors, x2),
                ],
            }),
        });
    }
    for z in &fixed.zeros {
        let d = derivatives_at(loss, z, 2).map_err(|e| UserError::new(format!("cannot evaluate f'' at a fixed point: {e}")))?;
        let f2 = d[2].to_interval(prec);
        let mult = Interval::from_int(1, prec).sub(&eta.mul(&f2));
        out.fixed_points.push(FixedOut {
            point: vec![NumJson::from_num(&z.point, prec)],
            multiplier: Some(NumJson::enclosed(&mult)),
            eigenvalues: None,
            stable: stable_verdict(stability_sign(&mult)),
        });
    }
    for u in search_undecided.iter().chain(&fixed.undecided) {
        out.undecided.push(RegionOut { region: u.region.iter().map(NumJson::enclosed).collect(), reason: u.reason.clone() });
    }
    Ok(out)
}

/// `orbit` for a loss of several variables ([`crate::orbit_nd`]).
fn run_nd(req: &OrbitRequest, eta: &Interval) -> OrbitOutput {
    let prec = req.prec;
    let s = crate::orbit_nd::period2_orbits_nd(&req.loss, eta, &req.domain, &req.budget);
    let boxes = |b: &[Interval]| b.iter().map(NumJson::enclosed).collect::<Vec<_>>();
    OrbitOutput {
        loss: req.loss.source.clone(),
        lr: NumJson::from_num(&req.lr, prec),
        domain: boxes(&req.domain),
        complete: s.complete(),
        boxes: s.boxes,
        prec,
        orbit_polynomial: None,
        orbit_points_in_interval: None,
        orbits: s
            .orbits
            .iter()
            .map(|o| {
                let (stable, stable_reason) = stability_verdict(&o.stability);
                OrbitOut {
                    period: 2,
                    points: vec![boxes(&o.x1), boxes(&o.x2)],
                    multiplier: None,
                    eigenvalues: Some(o.eigenvalues.as_deref().map(eigen_json).unwrap_or_default()),
                    stable,
                    stable_reason,
                    unique_in: boxes(&o.verified),
                    method: Some(METHOD_KRAWCZYK),
                    exact: None,
                }
            })
            .collect(),
        fixed_points: s
            .fixed_points
            .iter()
            .map(|p| FixedOut {
                point: boxes(&p.point),
                multiplier: None,
                eigenvalues: p.eigenvalues.as_ref().ok().map(|ev| ev.iter().map(|e| EigenJson::Real(NumJson::enclosed(e))).collect()),
                stable: stability_verdict(&p.stability).0,
            })
            .collect(),
        undecided: s.undecided.iter().map(|u| RegionOut { region: boxes(&u.region), reason: u.reason.clone() }).collect(),
    }
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
        let domain: Vec<String> = self.domain.iter().map(|d| d.to_string()).collect();
        writeln!(
            f,
            "{}: {}: {} period-2 orbit{}{}",
            if self.domain.len() == 1 { "interval" } else { "box" },
            domain.join(" x "),
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
                let coords: Vec<String> = pt.iter().map(|c| c.to_string()).collect();
                writeln!(f, "  x{} = {}{form}", k + 1, coords.join(", "))?;
            }
            let st = match o.stable {
                Verdict::Pass => "stable (|multiplier| < 1 certified)".to_string(),
                Verdict::Fail => "unstable (|multiplier| > 1 certified)".to_string(),
                _ => format!("stability undecided{}", o.stable_reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()),
            };
            if let Some(m) = &o.multiplier {
                writeln!(f, "  multiplier F'(x1)F'(x2) = {m}: {st}")?;
            }
            if let Some(ev) = &o.eigenvalues {
                writeln!(f, "  eigenvalues of the two-step Jacobian F'(x2)F'(x1):")?;
                for e in ev {
                    writeln!(f, "    {e}")?;
                }
                writeln!(f, "  {}", st.replace("|multiplier|", "spectral radius"))?;
            }
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
            let pt: Vec<String> = p.point.iter().map(|c| c.to_string()).collect();
            match (&p.multiplier, &p.eigenvalues) {
                (Some(m), _) => writeln!(f, "fixed point of F (critical point of f) at x = {}: F'(x) = {m} ({st})", pt.join(", "))?,
                (None, Some(ev)) => {
                    let e: Vec<String> = ev.iter().map(|e| e.to_string()).collect();
                    writeln!(f, "fixed point of F (critical point of f) at ({}): eigenvalues of F' {} ({st})", pt.join(", "), e.join(", "))?
                }
                (None, None) => writeln!(f, "fixed point of F (critical point of f) at ({}): ({st})", pt.join(", "))?,
            }
        }
        for u in self.undecided.iter().take(10) {
            let r: Vec<String> = u.region.iter().map(|x| x.to_string()).collect();
            writeln!(f, "undecided region {}: {}", r.join(" x "), u.reason)?;
        }
        if self.undecided.len() > 10 {
            writeln!(f, "... and {} more undecided regions (all of them in --json)", self.undecided.len() - 10)?;
        }
        Ok(())
    }
}
