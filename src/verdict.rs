//! Verdicts, as fixed by SPEC.md: PASS needs a certificate, FAIL a certified counterexample,
//! UNDECIDED a reason; CONSISTENT/INCONSISTENT are for floating-point experiments only.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The verdict on one claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    Pass,
    Fail,
    Undecided,
    Consistent,
    Inconsistent,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Undecided => "UNDECIDED",
            Verdict::Consistent => "CONSISTENT",
            Verdict::Inconsistent => "INCONSISTENT",
        }
    }

    /// The conjunction of two verdicts on parts of one claim: FAIL if either fails, PASS if both
    /// pass, UNDECIDED otherwise.
    pub fn and(self, o: Verdict) -> Verdict {
        match (self, o) {
            (Verdict::Fail, _) | (_, Verdict::Fail) => Verdict::Fail,
            (Verdict::Pass, Verdict::Pass) => Verdict::Pass,
            _ => Verdict::Undecided,
        }
    }

    /// The verdict on "x > 0" from a certified sign.
    pub fn positive(sign: crate::scalar::Sign) -> Verdict {
        use crate::scalar::Sign;
        match sign {
            Sign::Pos => Verdict::Pass,
            Sign::Neg | Sign::Zero => Verdict::Fail,
            Sign::Unknown => Verdict::Undecided,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
