//! The verbs of the command line, as library functions: each takes parsed, typed inputs and
//! returns a serialisable result. The binary (`main.rs`) only parses arguments and prints.

pub mod conditions;
pub mod eval;
pub mod input;
pub mod mf;
pub mod orbit;
pub mod progress;
pub mod prove;
pub mod run;
pub mod simulate;
pub mod threshold;

use std::fmt;

/// A user-facing error: bad input or an impossible request, printed as one sentence on stderr
/// (plus, for expressions, the source line and a caret), exit code 2 — or, when `undecided`,
/// a request that was well posed but could not be certified within the budget (no bad
/// input): the verdict UNDECIDED with the message as its reason, exit code 3.
#[derive(Debug, Clone, PartialEq)]
pub struct UserError {
    pub message: String,
    pub undecided: bool,
}

impl UserError {
    /// Bad input (exit 2).
    pub fn new(message: impl Into<String>) -> UserError {
        UserError { message: message.into(), undecided: false }
    }

    /// Not bad input, but nothing could be certified (UNDECIDED, exit 3).
    pub fn undecided(message: impl Into<String>) -> UserError {
        UserError { message: message.into(), undecided: true }
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

impl From<crate::parse::ParseError> for UserError {
    fn from(e: crate::parse::ParseError) -> Self {
        // One sentence naming the column, then the source line and a caret under the column.
        let render = e.render();
        let rest: Vec<&str> = render.lines().skip(1).collect();
        UserError::new(format!("{} (column {})\n{}", e.message, e.column, rest.join("\n")))
    }
}
