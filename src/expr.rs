//! Loss expressions: the syntax tree every engine evaluates.
//!
//! Numbers in the tree are exact rationals (decimal input `1.05` is stored as 21/20); the named
//! constants `pi` and `e` are kept symbolic and only enclosed when evaluated. Named parameters
//! are substituted at parse time by their (exact, constant) values.

use num_rational::BigRational;
use std::fmt;

/// An elementary function of one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    Sqrt,
    Exp,
    Log,
    Sin,
    Cos,
    Tan,
    Tanh,
    Atan,
    Asin,
    Acos,
    Sinh,
    Cosh,
    Sigmoid,
    Softplus,
    Relu,
    Abs,
    /// `gauss(x) = exp(-x^2)`
    Gauss,
}

impl Func {
    /// All functions, for parsing and for tests.
    pub const ALL: [Func; 17] = [
        Func::Sqrt,
        Func::Exp,
        Func::Log,
        Func::Sin,
        Func::Cos,
        Func::Tan,
        Func::Tanh,
        Func::Atan,
        Func::Asin,
        Func::Acos,
        Func::Sinh,
        Func::Cosh,
        Func::Sigmoid,
        Func::Softplus,
        Func::Relu,
        Func::Abs,
        Func::Gauss,
    ];

    /// The name used in expressions.
    pub fn name(self) -> &'static str {
        match self {
            Func::Sqrt => "sqrt",
            Func::Exp => "exp",
            Func::Log => "log",
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Tanh => "tanh",
            Func::Atan => "atan",
            Func::Asin => "asin",
            Func::Acos => "acos",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
            Func::Sigmoid => "sigmoid",
            Func::Softplus => "softplus",
            Func::Relu => "relu",
            Func::Abs => "abs",
            Func::Gauss => "gauss",
        }
    }

    /// Looks a function up by its expression name (`ln` is accepted for `log`).
    pub fn from_name(s: &str) -> Option<Func> {
        if s == "ln" {
            return Some(Func::Log);
        }
        Func::ALL.iter().copied().find(|f| f.name() == s)
    }
}

/// A named mathematical constant, enclosed (never rounded) when evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Constant {
    Pi,
    E,
}

/// A loss expression over variables numbered `0..nvars`.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// An exact rational number.
    Num(BigRational),
    /// A named constant.
    Const(Constant),
    /// Variable by index into [`Loss::vars`].
    Var(usize),
    Neg(Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    /// `base ^ exponent`; evaluated as an integer power when the exponent is an integer
    /// constant, a rational power when it is a rational constant, and `exp(b*log(a))` otherwise.
    Pow(Box<Expr>, Box<Expr>),
    Call(Func, Box<Expr>),
    Atan2(Box<Expr>, Box<Expr>),
    Max(Box<Expr>, Box<Expr>),
    Min(Box<Expr>, Box<Expr>),
}

/// A parsed loss: the expression and its variable names in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Loss {
    pub expr: Expr,
    pub vars: Vec<String>,
    /// The source text, for reports.
    pub source: String,
}

impl Expr {
    /// The direct sub-expressions (zero, one or two).
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Num(_) | Expr::Const(_) | Expr::Var(_) => vec![],
            Expr::Neg(a) | Expr::Call(_, a) => vec![a],
            Expr::Add(a, b)
            | Expr::Sub(a, b)
            | Expr::Mul(a, b)
            | Expr::Div(a, b)
            | Expr::Pow(a, b)
            | Expr::Atan2(a, b)
            | Expr::Max(a, b)
            | Expr::Min(a, b) => vec![a, b],
        }
    }

    /// True when the expression can produce a multiple of π from rational operands: it
    /// mentions the constant `pi`, `sin`, `cos`, `tan` (exact at multiples of π/2) or `atan2`
    /// (which adds ±π). Otherwise its exact value at `rπ` (r ≠ 0 rational) is a rational function
    /// of π with rational coefficients, or not exact at all, so it is never 0 where the function
    /// is not 0 near `rπ` (π is transcendental): `rπ` can never be proved a zero.
    pub fn may_involve_pi(&self) -> bool {
        match self {
            Expr::Const(Constant::Pi) | Expr::Atan2(..) => true,
            Expr::Call(Func::Sin | Func::Cos | Func::Tan, _) => true,
            _ => self.children().iter().any(|c| c.may_involve_pi()),
        }
    }

    /// True when the expression contains no variable.
    pub fn is_constant(&self) -> bool {
        !matches!(self, Expr::Var(_)) && self.children().iter().all(|c| c.is_constant())
    }

    /// The expression with variable `var` replaced by `with` (other variables unchanged).
    pub fn substitute(&self, var: usize, with: &Expr) -> Expr {
        let b = |e: &Expr| Box::new(e.substitute(var, with));
        match self {
            Expr::Var(i) if *i == var => with.clone(),
            Expr::Num(_) | Expr::Const(_) | Expr::Var(_) => self.clone(),
            Expr::Neg(a) => Expr::Neg(b(a)),
            Expr::Call(f, a) => Expr::Call(*f, b(a)),
            Expr::Add(x, y) => Expr::Add(b(x), b(y)),
            Expr::Sub(x, y) => Expr::Sub(b(x), b(y)),
            Expr::Mul(x, y) => Expr::Mul(b(x), b(y)),
            Expr::Div(x, y) => Expr::Div(b(x), b(y)),
            Expr::Pow(x, y) => Expr::Pow(b(x), b(y)),
            Expr::Atan2(x, y) => Expr::Atan2(b(x), b(y)),
            Expr::Max(x, y) => Expr::Max(b(x), b(y)),
            Expr::Min(x, y) => Expr::Min(b(x), b(y)),
        }
    }

    /// True when the expression is a polynomial in its variables with rational coefficients
    /// (only `+ - *`, rational numbers, and powers with non-negative integer constant exponents).
    pub fn is_polynomial(&self) -> bool {
        match self {
            Expr::Num(_) | Expr::Var(_) => true,
            Expr::Const(_) | Expr::Call(..) | Expr::Atan2(..) | Expr::Max(..) | Expr::Min(..) => false,
            Expr::Neg(a) => a.is_polynomial(),
            Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) => a.is_polynomial() && b.is_polynomial(),
            Expr::Div(a, b) => a.is_polynomial() && matches!(&**b, Expr::Num(q) if !num_traits::Zero::is_zero(q)),
            Expr::Pow(a, b) => {
                a.is_polynomial()
                    && matches!(&**b, Expr::Num(q) if q.is_integer() && *q >= BigRational::from_integer(0.into()))
            }
        }
    }
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
