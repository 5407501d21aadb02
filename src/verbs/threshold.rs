//! `threshold`: the learning rate at which the period-2 orbit near a minimum is born
//! (`birth`, multiplier 1), is superstable (multiplier 0) or period-doubles (multiplier −1).
//!
//! Guarantees: see `threshold.rs`. Every value printed is proved: an exact rational or Q\[π\]
//! value, an exact algebraic number (minimal polynomial with an isolating interval), or an
//! outward-rounded enclosure of width < 1e-30. A loss that is not a polynomial with rational
//! coefficients takes the certified-enclosure path automatically; `method` says which.

use super::UserError;
use crate::eval::Num;
use crate::expr::Loss;
use crate::interval::Interval;
use crate::krawczyk::Budget;
use crate::numfmt::{rational_string, NumJson};
use crate::threshold::{self as th, Threshold, ThresholdError, Value};
use crate::verdict::Verdict;
use num_traits::{Signed, ToPrimitive};
use serde::Serialize;
use std::fmt;

/// The event whose learning rate is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The orbit is born: `η = 2/f''` (multiplier 1).
    Birth,
    /// Multiplier 0.
    Superstable,
    /// Multiplier −1.
    PeriodDoubling,
}

impl Event {
    /// `birth`, `superstable` or `period-doubling`.
    pub fn from_name(name: &str) -> Result<Event, UserError> {
        match name.trim() {
            "birth" => Ok(Event::Birth),
            "superstable" => Ok(Event::Superstable),
            "period-doubling" => Ok(Event::PeriodDoubling),
            other => Err(UserError::new(format!(
                "unknown event '{other}': use birth, superstable or period-doubling"
            ))),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Event::Birth => "birth",
            Event::Superstable => "superstable",
            Event::PeriodDoubling => "period-doubling",
        }
    }
    /// The multiplier of the orbit at the event.
    pub fn target(self) -> i64 {
        match self {
            Event::Birth => 1,
            Event::Superstable => 0,
            Event::PeriodDoubling => -1,
        }
    }
}

/// What `threshold` is asked.
#[derive(Clone, Debug)]
pub struct ThresholdRequest {
    pub loss: Loss,
    pub event: Event,
    /// Where to look for the event (default `[2/f'', 10 · 2/f'']`); ignored for `birth`.
    pub lr_range: Option<Interval>,
    /// Pick the minimum nearest this point (else the unique minimum in `domain`).
    pub near: Option<Num>,
    /// The search interval for the minimum and the orbit (default -10..10 in the CLI).
    pub domain: Interval,
    pub prec: u32,
    pub budget: Budget,
}

/// The learning rate in SPEC form: `exact` (+ `lo`, `hi`) for a rational or Q\[π\] value;
/// `minpoly`, `lo`, `hi` (an isolating interval, exact decimals) for an algebraic number;
/// `lo`, `hi` for an enclosure.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LrJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
    /// Integer coefficients, lowest degree first, primitive (numbers, or strings when huge).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minpoly: Option<Vec<serde_json::Value>>,
    /// Whether irreducibility of `minpoly` over Q is proved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub irreducible: Option<bool>,
    pub lo: String,
    pub hi: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MinimumJson {
    pub point: NumJson,
    pub f2: NumJson,
    /// The orbit window: between the neighbouring critical points, inside the interval.
    pub window: NumJson,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrbitJson {
    pub points: [NumJson; 2],
    pub multiplier: NumJson,
    /// The (m, s) box where the orbit is proved unique for every learning rate of the bracket.
    pub unique_in: Vec<NumJson>,
}

/// The result of `threshold` (JSON per SPEC.md: `{"event", "lr": NUM}`, with extra fields).
#[derive(Clone, Debug, Serialize)]
pub struct ThresholdOutput {
    pub loss: String,
    pub event: String,
    /// The orbit's multiplier at the event (1 for birth).
    pub target_multiplier: i64,
    pub lr: LrJson,
    /// For a quadratic (or rational) value, e.g. "-1 + sqrt(5)".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_form: Option<String>,
    /// A decimal enclosure of the learning rate, width < 1e-30.
    pub enclosure: NumJson,
    pub minimum: MinimumJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lr_range: Option<NumJson>,
    /// The orbit at the threshold (multiplier events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orbit: Option<OrbitJson>,
    /// "exact" or "enclosure".
    pub path: String,
    /// How it was proved.
    pub method: String,
    pub certificate: Vec<String>,
    /// The sign-change bracket [a, b] (multiplier events), exact rationals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bracket: Option<[NumJson; 2]>,
    /// Multiplier events: proved to be the first event of an orbit in the window in the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_in_range: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub prec: u32,
}

impl ThresholdOutput {
    /// PASS: an output is only produced with a certificate.
    pub fn verdict(&self) -> Verdict {
        Verdict::Pass
    }
}

fn int_json(n: &num_bigint::BigInt) -> serde_json::Value {
    match n.to_i64() {
        Some(v) => serde_json::Value::from(v),
        None => serde_json::Value::from(n.to_string()),
    }
}

fn lr_json(t: &Threshold, prec: u32) -> (LrJson, Option<String>) {
    let (lo, hi) = t.enclosure.to_decimal_strings(crate::numfmt::digits_for_prec(t.enclosure.prec().max(prec)));
    match &t.value {
        Value::Rational(q) => {
            let nj = NumJson::exact(q, prec.max(128));
            (LrJson { exact: nj.exact.clone(), minpoly: None, irreducible: None, lo: nj.lo, hi: nj.hi }, nj.exact)
        }
        Value::PiExact(s) => (LrJson { exact: Some(s.clone()), minpoly: None, irreducible: None, lo, hi }, Some(s.clone())),
        Value::Algebraic(a) => (
            LrJson {
                exact: None,
                minpoly: Some(a.minpoly.iter().map(int_json).collect()),
                irreducible: Some(a.irreducible),
                lo: a.lo_str.clone(),
                hi: a.hi_str.clone(),
            },
            a.closed_form.clone(),
        ),
        Value::Enclosed => (LrJson { exact: None, minpoly: None, irreducible: None, lo, hi }, None),
    }
}

fn user_error(event: Event, e: ThresholdError) -> UserError {
    match e {
        ThresholdError::NoEvent(s) => UserError::new(s),
        ThresholdError::Failed(s) => UserError::undecided(format!("could not certify the {} threshold: {s}", event.name())),
    }
}

/// Runs `threshold`.
pub fn run(req: &ThresholdRequest) -> Result<ThresholdOutput, UserError> {
    let loss = &req.loss;
    if loss.vars.len() != 1 {
        return Err(UserError::new(format!(
            "threshold needs a loss of one variable; this loss has {} ({})",
            loss.vars.len(),
            loss.vars.join(", ")
        )));
    }
    if req.domain.lo() >= req.domain.hi() || !req.domain.is_bounded() {
        return Err(UserError::new("the search interval must be a bounded range A..B with A < B"));
    }
    let prec = req.prec.max(2);
    let min = th::select_minimum(loss, &req.domain, req.near.as_ref(), &req.budget).map_err(|e| user_error(req.event, e))?;
    let mut range_json = None;
    let mut path = "exact";
    let mut extra_notes = vec![];
    let t = match req.event {
        Event::Birth => {
            let t = th::birth(loss, &min, prec, req.budget.deadline).map_err(|e| user_error(req.event, e))?;
            if matches!(t.value, Value::Enclosed) {
                path = "enclosure";
            }
            t
        }
        ev => {
            let target = ev.target();
            let (lo, hi) = match &req.lr_range {
                Some(r) => {
                    let (Some(lo), Some(hi)) = (r.lo_rational(), r.hi_rational()) else {
                        return Err(UserError::new("--lr-range must be a bounded range A..B"));
                    };
                    if !lo.is_positive() || lo >= hi {
                        return Err(UserError::new("--lr-range must be A..B with 0 < A < B"));
                    }
                    range_json = Some(NumJson::enclosed(r));
                    (lo, hi)
                }
                None => {
                    let (lo, hi) = th::default_range(&min, prec)
                        .ok_or_else(|| UserError::new("cannot form the default learning-rate range from f'' at the minimum"))?;
                    range_json = Some(NumJson::enclosed(&Interval::from_rationals(&lo, &hi, prec.max(128))));
                    (lo, hi)
                }
            };
            let exact = match th::polynomial_loss(loss) {
                Some(f) => match th::event_exact(loss, &f, &min, target, (&lo, &hi), prec, req.budget.deadline) {
                    Ok(t) => Some(t),
                    Err(ThresholdError::NoEvent(s)) => return Err(UserError::new(s)),
                    Err(ThresholdError::Failed(why)) => {
                        extra_notes.push(format!("the exact path could not certify the event ({why}); the certified-enclosure path was used"));
                        None
                    }
                },
                None => {
                    extra_notes.push(
                        "the exact algebraic path needs a polynomial loss with rational coefficients, which this loss is not; the certified-enclosure path was used"
                            .to_string(),
                    );
                    None
                }
            };
            match exact {
                Some(t) => t,
                None => {
                    path = "enclosure";
                    th::event_enclosure(loss, &min, target, (&lo, &hi), prec, &req.budget).map_err(|e| {
                        let mut u = user_error(req.event, e);
                        if th::polynomial_loss(loss).is_some() {
                            if let Some(n) = extra_notes.first() {
                                u.message = format!("{} (before that, {n})", u.message);
                            }
                        }
                        u
                    })?
                }
            }
        }
    };
    let p = prec.max(128);
    let (lr, mut closed) = lr_json(&t, p);
    if closed.is_none() {
        if let Value::Rational(q) = &t.value {
            closed = Some(rational_string(q));
        }
    }
    let closed_form = match &t.value {
        Value::Algebraic(_) | Value::Rational(_) | Value::PiExact(_) => closed,
        Value::Enclosed => None,
    };
    let mut notes = extra_notes;
    notes.extend(t.notes.iter().cloned());
    Ok(ThresholdOutput {
        loss: loss.source.clone(),
        event: req.event.name().to_string(),
        target_multiplier: req.event.target(),
        lr,
        closed_form,
        enclosure: NumJson::enclosed(&t.enclosure),
        minimum: MinimumJson {
            point: NumJson::from_num(&min.zero.point, p),
            f2: NumJson::from_num(&min.f2, p),
            window: NumJson::enclosed(&min.window),
        },
        lr_range: range_json,
        orbit: t.orbit.as_ref().map(|o| OrbitJson {
            points: [NumJson::enclosed(&o.x1), NumJson::enclosed(&o.x2)],
            multiplier: NumJson::enclosed(&o.multiplier),
            unique_in: o.unique_in.iter().map(NumJson::enclosed).collect(),
        }),
        path: path.to_string(),
        method: t.method.describe().to_string(),
        certificate: t.certificate.clone(),
        bracket: t.bracket.as_ref().map(|(a, b)| [NumJson::exact(a, p), NumJson::exact(b, p)]),
        first_in_range: t.first_in_range,
        notes,
        prec: p,
    })
}

impl fmt::Display for ThresholdOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "loss: {}   event: {} (multiplier {})", self.loss, self.event, self.target_multiplier)?;
        writeln!(f, "minimum: x = {}   f''(x) = {}", self.minimum.point, self.minimum.f2)?;
        if let Some(r) = &self.lr_range {
            writeln!(f, "learning-rate range: {r}   orbit window: {}", self.minimum.window)?;
        }
        match (&self.lr.exact, &self.lr.minpoly) {
            (Some(e), _) => writeln!(f, "eta = {e} exactly")?,
            (None, Some(mp)) => {
                let c: Vec<String> = mp.iter().map(|v| v.to_string().trim_matches('"').to_string()).collect();
                match &self.closed_form {
                    Some(cf) => writeln!(f, "eta = {cf} exactly")?,
                    None => writeln!(f, "eta is an algebraic number")?,
                }
                writeln!(
                    f,
                    "  the root in [{}, {}] of the integer polynomial [{}] (lowest degree first; irreducible: {})",
                    self.lr.lo,
                    self.lr.hi,
                    c.join(", "),
                    if self.lr.irreducible == Some(true) { "proved" } else { "not proved" }
                )?;
            }
            (None, None) => writeln!(f, "eta in [{}, {}] (certified enclosure)", self.lr.lo, self.lr.hi)?,
        }
        writeln!(f, "  enclosure: [{}, {}]", self.enclosure.lo, self.enclosure.hi)?;
        if let Some(o) = &self.orbit {
            writeln!(f, "orbit at the threshold: x1 = {}, x2 = {}, multiplier {}", o.points[0], o.points[1], o.multiplier)?;
        }
        writeln!(f, "method ({}): {}", self.path, self.method)?;
        for c in &self.certificate {
            writeln!(f, "  - {c}")?;
        }
        if let Some(first) = self.first_in_range {
            writeln!(
                f,
                "first event in the range: {}",
                if first { "proved" } else { "not proved (see notes)" }
            )?;
        }
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        Ok(())
    }
}
