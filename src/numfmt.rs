//! Output forms of numbers, as fixed by SPEC.md: an exact value as a string (`"21/20"`),
//! an enclosure `{"lo": "...", "hi": "..."}` of decimal strings rounded outward, or both.
//!
//! Guarantee: for an [`Num::Enclosed`] value the printed decimal `lo`/`hi` are rounded
//! outward from the MPFR endpoints, so the true value lies in `[lo, hi]` read as decimals.

use crate::eval::Num;
use crate::interval::Interval;
use num_rational::BigRational;
use serde::Serialize;
use std::fmt;

/// Significant decimal digits to print for an interval of precision `prec` bits
/// (about `prec · log10 2`, at least 6).
pub fn digits_for_prec(prec: u32) -> usize {
    ((prec as usize) * 30103 / 100000).max(6)
}

/// A number as it appears in JSON.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct NumJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
    pub lo: String,
    pub hi: String,
}

impl NumJson {
    /// From an exact rational: the exact string, plus a decimal enclosure for readers.
    pub fn exact(q: &BigRational, prec: u32) -> NumJson {
        let (lo, hi) = Interval::from_rational(q, prec).to_decimal_strings(digits_for_prec(prec));
        NumJson { exact: Some(rational_string(q)), lo, hi }
    }
    /// From an enclosure.
    pub fn enclosed(i: &Interval) -> NumJson {
        let (lo, hi) = i.to_decimal_strings(digits_for_prec(i.prec()));
        NumJson { exact: None, lo, hi }
    }
    /// From a [`Num`].
    pub fn from_num(n: &Num, prec: u32) -> NumJson {
        match n {
            Num::Exact(q) => NumJson::exact(q, prec),
            Num::Pi(p) => {
                let (lo, hi) = p.enclose(prec).to_decimal_strings(digits_for_prec(prec));
                NumJson { exact: Some(p.to_string()), lo, hi }
            }
            Num::Enclosed(i) => NumJson::enclosed(i),
        }
    }
}

impl fmt::Display for NumJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.exact {
            Some(e) if e.contains('/') || e.contains("pi") => write!(f, "{e}  (≈ {})", self.lo),
            Some(e) => write!(f, "{e}"),
            None if self.lo == self.hi => write!(f, "{}", self.lo),
            None => write!(f, "[{}, {}]", self.lo, self.hi),
        }
    }
}

/// `p/q` in lowest terms, or `p` for integers.
pub fn rational_string(q: &BigRational) -> String {
    if q.is_integer() {
        q.numer().to_string()
    } else {
        format!("{}/{}", q.numer(), q.denom())
    }
}

/// Serialises named numbers as a JSON object in their given order.
pub fn ser_named<S: serde::Serializer>(v: &[(String, NumJson)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(v.len()))?;
    for (k, x) in v {
        m.serialize_entry(k, x)?;
    }
    m.end()
}

/// [`ser_named`] for an optional list (`null` when absent).
pub fn ser_named_opt<S: serde::Serializer>(v: &Option<Vec<(String, NumJson)>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => ser_named(v, s),
        None => s.serialize_none(),
    }
}
