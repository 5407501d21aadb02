//! The verbs of the command line, as library functions: each takes parsed, typed inputs and
//! returns a serialisable result. The binary (`main.rs`) only parses arguments and prints.

pub mod conditions;
pub mod eval;
pub mod input;
pub mod orbit;
pub mod prove;
pub mod run;
pub mod threshold;

use std::fmt;

/// A user-facing error: bad input or an impossible request. Printed as one sentence on stderr
/// (plus, for expressions, the source line and a caret), exit code 2.
#[derive(Debug, Clone, PartialEq)]
pub struct UserError {
    pub message: String,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> UserError {
        UserError { message: message.into() }
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
