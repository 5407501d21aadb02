//! Parsing of loss expressions and command-line values (points, ranges, boxes, matrices).
//!
//! Guarantees:
//! * **Exact numbers.** Every literal becomes an exact rational: `1.05` is 21/20, `1e-3` is
//!   1/1000; nothing is ever rounded. Arithmetic on literals (`21/20`, `-3`, `2^-1`) is folded
//!   exactly into a single [`Expr::Num`] when the operands are small (at most `FOLD_BITS` bits).
//! * **Never panics** on any input string, and runs in time roughly linear in its length. The
//!   parser does not recurse (it uses explicit stacks); parsed trees are at most [`MAX_DEPTH`]
//!   deep, so recursive consumers of a parsed [`Expr`] are safe; literals are limited to
//!   `MAX_NUMBER_CHARS` characters with decimal exponents up to ±`MAX_EXPONENT`.
//! * **Errors carry a position:** [`ParseError::column`] is the 1-based *character* column in
//!   the whole string given to the public function, even for sub-values such as `y=` in a point.
//!
//! Grammar (loosest first): `sum := product (('+'|'-') product)*`,
//! `product := unary (('*'|'/') unary)*`, `unary := ('-'|'+') unary | power`,
//! `power := primary (('^'|'**') unary)?` (right-associative, binds tighter than unary minus:
//! `-x^2` is `-(x^2)`, `2^-1` is `2^(-1)`), `primary := number | name | name(args) | (sum)`.

use crate::expr::{Constant, Expr, Func, Loss};
use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};

/// Maximal depth of a parsed expression tree, and of nested parentheses. A chain
/// `a + b + c + ...` is as deep as it is long: group long sums with parentheses.
pub const MAX_DEPTH: usize = 256;
/// Maximal length in characters of one numeric literal.
const MAX_NUMBER_CHARS: usize = 10_000;
/// Maximal absolute value of a decimal exponent (`1e-1000` is the smallest power accepted).
const MAX_EXPONENT: u64 = 1000;
/// Constant folding is only done when the operands have at most this many bits together.
const FOLD_BITS: u64 = 1024;

/// A syntax error: a one-line message and the 1-based character column it refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// 1-based character (not byte) column in `source`; `len + 1` means "at the end".
    pub column: usize,
    pub source: String,
}

impl ParseError {
    fn at(message: impl Into<String>, index: usize, source: &str) -> Self {
        ParseError { message: message.into(), column: index + 1, source: source.to_string() }
    }

    /// Three lines: the message, the source indented by two spaces, and a caret under the column.
    pub fn render(&self) -> String {
        let shown: String = self.source.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        format!("{}\n  {}\n  {}^", self.message, shown, " ".repeat(self.column.saturating_sub(1)))
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {} of {:?}", self.message, self.column, self.source)
    }
}

impl std::error::Error for ParseError {}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(BigRational),
    Ident(String),
    Plus,
    Minus,
    Star,
    Slash,
    /// `^` or `**`.
    Caret,
    LParen,
    RParen,
    Comma,
    End,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    /// 0-based character index of the first character.
    at: usize,
    len: usize,
}

/// Tokenizes `chars[start..end]`; positions are indices into the whole `chars`.
struct Lexer<'a> {
    chars: &'a [char],
    start: usize,
    pos: usize,
    end: usize,
    source: &'a str,
    /// How the end of the range is described in messages (`end of input`, `','`, `'..'`).
    end_desc: String,
}

impl<'a> Lexer<'a> {
    fn new(chars: &'a [char], start: usize, end: usize, source: &'a str) -> Self {
        let end = end.min(chars.len());
        let end_desc = match chars.get(end) {
            None => "end of input".to_string(),
            Some('.') => "'..'".to_string(),
            Some(c) => format!("'{}'", c.escape_debug()),
        };
        Lexer { chars, start: start.min(end), pos: start.min(end), end, source, end_desc }
    }

    fn peek(&self, i: usize) -> Option<char> {
        if i < self.end {
            self.chars.get(i).copied()
        } else {
            None
        }
    }

    fn err(&self, message: impl Into<String>, at: usize) -> ParseError {
        ParseError::at(message, at, self.source)
    }

    fn text(&self, at: usize, len: usize) -> String {
        short(&self.chars.get(at..at + len).unwrap_or(&[]).iter().collect::<String>())
    }

    /// Length of the identifier starting at `at`.
    fn ident_len(&self, at: usize) -> usize {
        self.chars.iter().skip(at).take_while(|c| c.is_ascii_alphanumeric() || **c == '_').count()
    }

    fn describe(&self, t: &Token) -> String {
        match t.tok {
            Tok::End => self.end_desc.clone(),
            Tok::Num(_) => format!("number '{}'", self.text(t.at, t.len)),
            Tok::Ident(_) => format!("identifier '{}'", self.text(t.at, t.len)),
            _ => format!("'{}'", self.text(t.at, t.len)),
        }
    }

    fn next(&mut self) -> Result<Token, ParseError> {
        while self.peek(self.pos).is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
        let at = self.pos;
        let Some(c) = self.peek(at) else { return Ok(Token { tok: Tok::End, at: self.end, len: 0 }) };
        let (tok, len) = match c {
            '+' => (Tok::Plus, 1),
            '-' => (Tok::Minus, 1),
            '*' if self.peek(at + 1) == Some('*') => (Tok::Caret, 2),
            '*' => (Tok::Star, 1),
            '/' => (Tok::Slash, 1),
            '^' => (Tok::Caret, 1),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            c if c.is_ascii_digit() || c == '.' => return self.number(),
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut i = at;
                while self.peek(i).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    i += 1;
                }
                (Tok::Ident(self.chars[at..i].iter().collect()), i - at)
            }
            c => return Err(self.err(format!("unexpected character '{}'", c.escape_debug()), at)),
        };
        self.pos = at + len;
        Ok(Token { tok, at, len })
    }

    /// `digits [. digits] [(e|E) [+|-] digits]`, with at least one mantissa digit. A `.`
    /// followed by another `.` is not a decimal point (it starts a range `..`).
    fn number(&mut self) -> Result<Token, ParseError> {
        let start = self.pos;
        let digits_from = |i: usize| (i..self.end).find(|&j| !self.chars[j].is_ascii_digit()).unwrap_or(self.end);
        let int_end = digits_from(start);
        let point = self.peek(int_end) == Some('.') && self.peek(int_end + 1) != Some('.');
        let mut i = if point { digits_from(int_end + 1) } else { int_end };
        let frac = &self.chars[(int_end + 1).min(i)..i];
        if int_end == start && frac.is_empty() {
            return Err(self.err("unexpected character '.'", start));
        }
        let mut exponent = 0;
        if matches!(self.peek(i), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.peek(i + 1), Some('+' | '-')));
            let end = digits_from(i + 1 + sign);
            let text = self.text(start, end - start);
            if end == i + 1 + sign {
                return Err(self.err(format!("malformed number '{text}' (the exponent needs digits)"), start));
            }
            let value = self.chars[i + 1..end].iter().collect::<String>().parse::<i64>().ok();
            exponent = value
                .filter(|v| v.unsigned_abs() <= MAX_EXPONENT)
                .ok_or_else(|| self.err(format!("exponent of '{text}' is too large (limit ±{MAX_EXPONENT})"), start))?;
            i = end;
        }
        let junk = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
        if self.peek(i).is_some_and(junk) {
            let end = (i..self.end).find(|&j| !junk(self.chars[j])).unwrap_or(self.end);
            return Err(self.err(format!("malformed number '{}'", self.text(start, end - start)), start));
        }
        if i - start > MAX_NUMBER_CHARS {
            return Err(self.err(format!("number too long (limit {MAX_NUMBER_CHARS} characters)"), start));
        }
        let digits: String = self.chars[start..int_end].iter().chain(frac).collect();
        let value = decimal_value(&digits, exponent - frac.len() as i64);
        let value = value.ok_or_else(|| self.err("malformed number", start))?;
        self.pos = i;
        Ok(Token { tok: Tok::Num(value), at: start, len: i - start })
    }
}

/// The exact value of `digits * 10^scale`, reduced without a general gcd.
fn decimal_value(digits: &str, scale: i64) -> Option<BigRational> {
    let significant = digits.trim_start_matches('0');
    let mantissa = significant.trim_end_matches('0');
    if mantissa.is_empty() {
        return Some(BigRational::zero());
    }
    let scale = scale + (significant.len() - mantissa.len()) as i64;
    let mut m = BigUint::parse_bytes(mantissa.as_bytes(), 10)?;
    let k = u32::try_from(scale.unsigned_abs()).ok()?;
    if scale >= 0 {
        return Some(BigRational::from_integer(BigInt::from(m * BigUint::from(10u32).pow(k))));
    }
    // m / (2^k 5^k): cancel the factors 2 and 5 that m has.
    let twos = m.trailing_zeros().unwrap_or(0).min(k as u64) as u32;
    m >>= twos;
    let mut fives = 0;
    while fives < k && (&m % 5u32).is_zero() {
        m /= 5u32;
        fives += 1;
    }
    let den = BigUint::from(2u32).pow(k - twos) * BigUint::from(5u32).pow(k - fives);
    Some(BigRational::new_raw(BigInt::from(m), BigInt::from(den)))
}

/// At most 40 characters of `s`, for messages.
fn short(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        s.chars().take(40).collect::<String>() + "..."
    }
}

// ---------------------------------------------------------------------------------------------
// Parser

/// An expression under construction, with its tree depth.
struct Node {
    expr: Expr,
    depth: usize,
}

impl Node {
    fn leaf(expr: Expr) -> Node {
        Node { expr, depth: 1 }
    }
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Atan2,
    Max,
    Min,
}

/// How identifiers that are neither parameters nor constants are resolved.
enum Names<'a> {
    /// Variables numbered in order of first appearance.
    Collect { index: HashMap<String, usize>, names: Vec<String> },
    /// Only the given variables.
    Fixed { index: HashMap<&'a str, usize>, names: &'a [String] },
    /// No variables: a constant expression.
    ConstOnly,
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    tok: Token,
    params: HashMap<&'a str, (&'a Expr, usize)>,
    names: Names<'a>,
    /// Message when the input is blank.
    empty: &'static str,
}

const TWO_ARG: [&str; 3] = ["atan2", "max", "min"];

fn is_function_name(name: &str) -> bool {
    Func::from_name(name).is_some() || TWO_ARG.contains(&name)
}

fn is_reserved(name: &str) -> bool {
    name == "pi" || name == "e" || is_function_name(name)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn known_functions() -> String {
    let mut names: Vec<&str> = Func::ALL.iter().map(|f| f.name()).collect();
    names.push("ln");
    names.extend(TWO_ARG);
    names.join(", ")
}

fn expr_depth(e: &Expr) -> usize {
    1 + e.children().iter().map(|c| expr_depth(c)).max().unwrap_or(0)
}

fn bits(q: &BigRational) -> u64 {
    q.numer().bits() + q.denom().bits()
}

/// Exact value of `x op y` when it is defined and cheap; `None` keeps the operation symbolic.
fn fold(op: Op, x: &BigRational, y: &BigRational) -> Option<BigRational> {
    if bits(x) + bits(y) > FOLD_BITS {
        return None;
    }
    match op {
        Op::Add => Some(x + y),
        Op::Sub => Some(x - y),
        Op::Mul => Some(x * y),
        Op::Div if !y.is_zero() => Some(x / y),
        Op::Pow if y.is_integer() => {
            if x.is_zero() && !y.is_positive() {
                return None; // 0^0 and 0^-n stay symbolic
            }
            crate::scalar::rational_pow_bounded(x, y.numer().to_i64()?, FOLD_BITS)
        }
        _ => None,
    }
}

/// An operator waiting on the parser's stack for its right operand.
enum Pending {
    /// A binary operator and its column.
    Bin(Op, usize),
    /// Unary minus and its column.
    Neg(usize),
    /// `(`, either grouping or opening the arguments of a call (callee and column of its name).
    Open { at: usize, call: Option<(Callee, usize)>, args: usize },
}

#[derive(Clone, Copy)]
enum Callee {
    One(Func),
    Two(Op),
}

impl Pending {
    /// Binding strength; `(` is never reduced by an operator.
    fn precedence(&self) -> u8 {
        match self {
            Pending::Bin(Op::Add | Op::Sub, _) => 1,
            Pending::Bin(Op::Mul | Op::Div, _) => 2,
            Pending::Neg(_) => 3,
            Pending::Bin(..) => 4,
            Pending::Open { .. } => 0,
        }
    }
}

impl<'a> Parser<'a> {
    fn new(
        mut lexer: Lexer<'a>,
        params: HashMap<&'a str, (&'a Expr, usize)>,
        names: Names<'a>,
        empty: &'static str,
    ) -> Result<Self, ParseError> {
        let tok = lexer.next()?;
        Ok(Parser { lexer, tok, params, names, empty })
    }

    fn bump(&mut self) -> Result<Token, ParseError> {
        let next = self.lexer.next()?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn err(&self, message: impl Into<String>, at: usize) -> ParseError {
        self.lexer.err(message, at)
    }

    fn unexpected(&self, hint: &str) -> ParseError {
        self.err(format!("unexpected {}{hint}", self.lexer.describe(&self.tok)), self.tok.at)
    }

    /// The whole range as one expression. Operator precedence parsing with explicit stacks
    /// (no recursion), alternating between expecting an operand and expecting an operator.
    fn parse_all(&mut self) -> Result<Node, ParseError> {
        if self.tok.tok == Tok::End {
            return Err(self.err(self.empty, self.lexer.start));
        }
        let (mut out, mut ops, mut opens) = (Vec::<Node>::new(), Vec::<Pending>::new(), 0usize);
        loop {
            // Operand: prefix signs and parentheses, then a number, a name or a call.
            loop {
                match self.tok.tok {
                    Tok::Minus => ops.push(Pending::Neg(self.tok.at)),
                    Tok::Plus => {}
                    Tok::LParen => {
                        opens = self.open(opens)?;
                        ops.push(Pending::Open { at: self.tok.at, call: None, args: 0 });
                    }
                    Tok::Num(_) | Tok::Ident(_) => break,
                    _ => return Err(self.unexpected("")),
                }
                self.bump()?;
            }
            let t = self.bump()?;
            match t.tok {
                Tok::Ident(name) if self.tok.tok == Tok::LParen => {
                    let callee = self.callee(&name, t.at)?;
                    opens = self.open(opens)?;
                    ops.push(Pending::Open { at: self.tok.at, call: Some((callee, t.at)), args: 0 });
                    self.bump()?;
                    if self.tok.tok == Tok::RParen {
                        return Err(self.arity_error(callee, t.at, 0));
                    }
                    continue;
                }
                Tok::Ident(name) => out.push(self.identifier(name, t.at)?),
                Tok::Num(q) => out.push(Node::leaf(Expr::Num(q))),
                _ => return Err(self.err("internal error: expected an operand", t.at)),
            }
            // Operator: closing parentheses, then a binary operator, a comma or the end.
            loop {
                let (op, right_assoc) = match self.tok.tok {
                    Tok::Plus => (Op::Add, false),
                    Tok::Minus => (Op::Sub, false),
                    Tok::Star => (Op::Mul, false),
                    Tok::Slash => (Op::Div, false),
                    Tok::Caret => (Op::Pow, true),
                    Tok::RParen => {
                        self.close(&mut out, &mut ops)?;
                        opens -= 1;
                        self.bump()?;
                        continue;
                    }
                    Tok::Comma => {
                        self.reduce_to_open(&mut out, &mut ops)?;
                        match ops.last_mut() {
                            Some(Pending::Open { call: Some(_), args, .. }) => *args += 1,
                            _ => return Err(self.unexpected("")),
                        }
                        break;
                    }
                    Tok::End => {
                        self.reduce_to_open(&mut out, &mut ops)?;
                        if let Some(Pending::Open { at, .. }) = ops.last() {
                            let msg = format!("missing ')' to close '(' at column {}", at + 1);
                            return Err(self.err(msg, self.tok.at));
                        }
                        return out.pop().ok_or_else(|| self.err("internal error: no result", 0));
                    }
                    Tok::Num(_) | Tok::Ident(_) | Tok::LParen => {
                        return Err(self.unexpected(" (missing operator?)"));
                    }
                };
                let pending = Pending::Bin(op, self.tok.at);
                let p = pending.precedence();
                while ops.last().is_some_and(|top| top.precedence() > p || (top.precedence() == p && !right_assoc)) {
                    self.reduce(&mut out, ops.pop())?;
                }
                ops.push(pending);
                break;
            }
            self.bump()?;
        }
    }

    /// Counts one more open parenthesis, bounded by [`MAX_DEPTH`].
    fn open(&self, opens: usize) -> Result<usize, ParseError> {
        if opens >= MAX_DEPTH {
            return Err(self.err(format!("parentheses nested too deeply (limit {MAX_DEPTH})"), self.tok.at));
        }
        Ok(opens + 1)
    }

    /// Applies the operator `op` to the operands on top of `out`.
    fn reduce(&self, out: &mut Vec<Node>, op: Option<Pending>) -> Result<(), ParseError> {
        let node = match op {
            Some(Pending::Neg(at)) => match out.pop() {
                Some(Node { expr: Expr::Num(q), .. }) => Some(Node::leaf(Expr::Num(-q))),
                Some(a) => Some(self.wrap(Expr::Neg(Box::new(a.expr)), a.depth, at)?),
                None => None,
            },
            Some(Pending::Bin(op, at)) => match (out.pop(), out.pop()) {
                (Some(b), Some(a)) => Some(self.binary(op, a, b, at)?),
                _ => None,
            },
            _ => None,
        };
        out.push(node.ok_or_else(|| self.err("internal error: missing operand", self.tok.at))?);
        Ok(())
    }

    /// Reduces every operator above the innermost `(`.
    fn reduce_to_open(&self, out: &mut Vec<Node>, ops: &mut Vec<Pending>) -> Result<(), ParseError> {
        while ops.last().is_some_and(|top| !matches!(top, Pending::Open { .. })) {
            self.reduce(out, ops.pop())?;
        }
        Ok(())
    }

    /// At `)`: closes the innermost `(`, building the call if it opened one.
    fn close(&self, out: &mut Vec<Node>, ops: &mut Vec<Pending>) -> Result<(), ParseError> {
        self.reduce_to_open(out, ops)?;
        let Some(Pending::Open { call, args, .. }) = ops.pop() else {
            return Err(self.err("unmatched ')'", self.tok.at));
        };
        let Some((callee, at)) = call else { return Ok(()) };
        let (want, got) = (if matches!(callee, Callee::One(_)) { 1 } else { 2 }, args + 1);
        if got != want || out.len() < want {
            return Err(self.arity_error(callee, at, got));
        }
        let a = out.pop().map(|a| (a.expr, a.depth));
        let node = match (callee, a) {
            (Callee::One(f), Some((a, depth))) => self.wrap(Expr::Call(f, Box::new(a)), depth, at)?,
            (Callee::Two(op), Some((b, depth))) => {
                let first = out.pop().ok_or_else(|| self.err("internal error: missing argument", at))?;
                self.binary(op, first, Node { expr: b, depth }, at)?
            }
            _ => return Err(self.err("internal error: missing argument", at)),
        };
        out.push(node);
        Ok(())
    }

    fn callee(&self, name: &str, at: usize) -> Result<Callee, ParseError> {
        match name {
            "atan2" => Ok(Callee::Two(Op::Atan2)),
            "max" => Ok(Callee::Two(Op::Max)),
            "min" => Ok(Callee::Two(Op::Min)),
            _ => Func::from_name(name).map(Callee::One).ok_or_else(|| {
                self.err(format!("unknown function '{}' (known: {})", short(name), known_functions()), at)
            }),
        }
    }

    fn arity_error(&self, callee: Callee, at: usize, got: usize) -> ParseError {
        let name = self.lexer.text(at, self.lexer.ident_len(at));
        let (want, plural) = if matches!(callee, Callee::One(_)) { (1, "") } else { (2, "s") };
        self.err(format!("{name} takes {want} argument{plural}, got {got}"), at)
    }

    fn identifier(&mut self, name: String, at: usize) -> Result<Node, ParseError> {
        if let Some(&(value, depth)) = self.params.get(name.as_str()) {
            return self.wrap(value.clone(), depth - 1, at);
        }
        match name.as_str() {
            "pi" => return Ok(Node::leaf(Expr::Const(Constant::Pi))),
            "e" => return Ok(Node::leaf(Expr::Const(Constant::E))),
            _ => {}
        }
        if is_function_name(&name) {
            return Err(self.err(format!("'{name}' is a function: write {name}(...)"), at));
        }
        let index = match &mut self.names {
            Names::Collect { index, names } => *index.entry(name).or_insert_with_key(|name| {
                names.push(name.clone());
                names.len() - 1
            }),
            Names::Fixed { index, names } => match index.get(name.as_str()) {
                Some(&i) => i,
                None => {
                    let list = if names.is_empty() { "none".to_string() } else { names.join(", ") };
                    let msg = format!("unknown identifier '{}' (variables: {})", short(&name), short(&list));
                    return Err(self.err(msg, at));
                }
            },
            Names::ConstOnly => return Err(self.err(format!("'{}' is not a constant", short(&name)), at)),
        };
        Ok(Node::leaf(Expr::Var(index)))
    }

    /// A node over children of maximal depth `child_depth`, checking the tree depth.
    fn wrap(&self, expr: Expr, child_depth: usize, at: usize) -> Result<Node, ParseError> {
        let depth = child_depth + 1;
        if depth > MAX_DEPTH {
            return Err(self.err(format!("expression nested too deeply (limit {MAX_DEPTH} levels)"), at));
        }
        Ok(Node { expr, depth })
    }

    fn binary(&self, op: Op, a: Node, b: Node, at: usize) -> Result<Node, ParseError> {
        if let (Expr::Num(x), Expr::Num(y)) = (&a.expr, &b.expr) {
            if let Some(q) = fold(op, x, y) {
                return Ok(Node::leaf(Expr::Num(q)));
            }
        }
        let depth = a.depth.max(b.depth);
        let (a, b) = (Box::new(a.expr), Box::new(b.expr));
        let expr = match op {
            Op::Add => Expr::Add(a, b),
            Op::Sub => Expr::Sub(a, b),
            Op::Mul => Expr::Mul(a, b),
            Op::Div => Expr::Div(a, b),
            Op::Pow => Expr::Pow(a, b),
            Op::Atan2 => Expr::Atan2(a, b),
            Op::Max => Expr::Max(a, b),
            Op::Min => Expr::Min(a, b),
        };
        self.wrap(expr, depth, at)
    }
}

// ---------------------------------------------------------------------------------------------
// Public entry points

/// Parses a loss expression. `params` are substituted by (a clone of) their constant value;
/// with `vars = Some(list)` only those variables are allowed and `Loss::vars` is exactly `list`,
/// with `None` variables are numbered in order of first appearance.
pub fn parse_loss(src: &str, params: &[(String, Expr)], vars: Option<&[String]>) -> Result<Loss, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let fail = |msg: String| Err(ParseError::at(msg, 0, src));
    let mut pmap = HashMap::new();
    for (name, value) in params {
        if is_reserved(name) {
            return fail(format!("parameter name '{name}' is reserved"));
        }
        if !value.is_constant() {
            return fail(format!("parameter '{name}' is not a constant"));
        }
        if pmap.insert(name.as_str(), (value, expr_depth(value))).is_some() {
            return fail(format!("parameter '{name}' is given twice"));
        }
    }
    let names = match vars {
        None => Names::Collect { index: HashMap::new(), names: Vec::new() },
        Some(list) => {
            let mut index = HashMap::new();
            for (i, name) in list.iter().enumerate() {
                if !is_identifier(name) || is_reserved(name) {
                    return fail(format!("invalid variable name '{}'", short(name)));
                }
                if pmap.contains_key(name.as_str()) {
                    return fail(format!("'{name}' is both a variable and a parameter"));
                }
                if index.insert(name.as_str(), i).is_some() {
                    return fail(format!("variable '{name}' is listed twice"));
                }
            }
            Names::Fixed { index, names: list }
        }
    };
    let lexer = Lexer::new(&chars, 0, chars.len(), src);
    let mut parser = Parser::new(lexer, pmap, names, "empty expression")?;
    let expr = parser.parse_all()?.expr;
    let vars = match parser.names {
        Names::Collect { names, .. } => names,
        Names::Fixed { names, .. } => names.to_vec(),
        Names::ConstOnly => Vec::new(),
    };
    Ok(Loss { expr, vars, source: src.to_string() })
}

/// Parses an exact rational: optional sign, a decimal literal, optionally `/` and another one
/// (`-1.05`, `21/20`, `1e-12`). `1/0`, `inf`, `nan` and blank input are errors.
pub fn parse_number(s: &str) -> Result<BigRational, ParseError> {
    let chars: Vec<char> = s.chars().collect();
    number_at(&chars, 0, chars.len(), s)
}

/// Parses a constant expression (no variables), e.g. `-pi/2`, `sqrt(2)`, `21/20`.
pub fn parse_const_expr(s: &str) -> Result<Expr, ParseError> {
    let chars: Vec<char> = s.chars().collect();
    const_at(&chars, 0, chars.len(), s, "empty expression")
}

/// Parses `x=1,y=21/20,z=-pi/2` (values are constant expressions; names must be distinct).
pub fn parse_point(s: &str) -> Result<Vec<(String, Expr)>, ParseError> {
    let chars: Vec<char> = s.chars().collect();
    named_items(&chars, s, "NAME=VALUE", |eq, end| const_at(&chars, eq + 1, end, s, "missing value after '='"))
}

/// Parses a range `A..B` of constant expressions (`0..2`, `1.5..2`, `-pi/2..0`).
/// The order of the bounds is not checked.
pub fn parse_range(s: &str) -> Result<(Expr, Expr), ParseError> {
    let chars: Vec<char> = s.chars().collect();
    range_at(&chars, 0, chars.len(), s)
}

/// Parses comma-separated ranges `0..2,0..2`.
pub fn parse_box(s: &str) -> Result<Vec<(Expr, Expr)>, ParseError> {
    comma_list(s, "box (expected ranges like 0..2,0..2)", range_at)
}

/// Parses named ranges `K=1..5/4,x=0..1` (names must be distinct).
pub fn parse_named_box(s: &str) -> Result<Vec<(String, Expr, Expr)>, ParseError> {
    let chars: Vec<char> = s.chars().collect();
    let items = named_items(&chars, s, "NAME=LO..HI", |eq, end| range_at(&chars, eq + 1, end, s))?;
    Ok(items.into_iter().map(|(name, (lo, hi))| (name, lo, hi)).collect())
}

/// Parses a matrix of exact numbers `[[1/2, 0.25], [-3, 1e-2]]`; rows must have equal,
/// non-zero length.
pub fn parse_matrix(s: &str) -> Result<Vec<Vec<BigRational>>, ParseError> {
    let chars: Vec<char> = s.chars().collect();
    // The inside of `chars[a..b]`, which must be `[...]` up to blanks.
    let inside = |a: usize, b: usize, what: &str| {
        let (lo, hi) = trim(&chars, a, b);
        match (chars.get(lo), hi.checked_sub(1).and_then(|h| chars.get(h))) {
            (Some('['), Some(']')) if hi > lo + 1 => Ok((lo + 1, hi - 1)),
            _ => Err(ParseError::at(format!("expected {what} in brackets, as in [[1,2],[3,4]]"), lo, s)),
        }
    };
    let (a, b) = inside(0, chars.len(), "a matrix")?;
    if is_blank(&chars, a, b) {
        return Err(ParseError::at("matrix has no rows", a, s));
    }
    let mut rows: Vec<Vec<BigRational>> = Vec::new();
    for (ra, rb) in split_commas(&chars, a, b) {
        let (x, y) = inside(ra, rb, "a row")?;
        let n = rows.len() + 1;
        if is_blank(&chars, x, y) {
            return Err(ParseError::at(format!("row {n} is empty"), x - 1, s));
        }
        let row: Vec<_> = split_commas(&chars, x, y)
            .into_iter()
            .map(|(a, b)| number_at(&chars, a, b, s))
            .collect::<Result<_, _>>()?;
        if let Some(first) = rows.first().filter(|first| first.len() != row.len()) {
            let msg = format!("row {n} has {} entries but row 1 has {}", row.len(), first.len());
            return Err(ParseError::at(msg, x - 1, s));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Parses a comma-separated list of exact numbers `1,1/2,0.25`.
pub fn parse_number_list(s: &str) -> Result<Vec<BigRational>, ParseError> {
    comma_list(s, "list of numbers", number_at)
}

// ---------------------------------------------------------------------------------------------
// Helpers for sub-values; all positions are indices into the whole `chars`.

fn is_blank(chars: &[char], start: usize, end: usize) -> bool {
    chars.get(start..end).is_none_or(|s| s.iter().all(|c| c.is_ascii_whitespace()))
}

/// `start..end` without the blanks at both ends (`start..start` if all blank).
fn trim(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    let lo = (start..end).find(|&i| !chars[i].is_ascii_whitespace()).unwrap_or(start);
    let hi = (lo..end).rev().find(|&i| !chars[i].is_ascii_whitespace()).map_or(lo, |i| i + 1);
    (lo, hi)
}

/// Parses the non-blank `s` as comma-separated items, each with `item(chars, start, end, s)`.
fn comma_list<T>(
    s: &str,
    what: &str,
    item: fn(&[char], usize, usize, &str) -> Result<T, ParseError>,
) -> Result<Vec<T>, ParseError> {
    let chars: Vec<char> = s.chars().collect();
    if is_blank(&chars, 0, chars.len()) {
        return Err(ParseError::at(format!("empty {what}"), 0, s));
    }
    split_commas(&chars, 0, chars.len()).into_iter().map(|(a, b)| item(&chars, a, b, s)).collect()
}

/// Splits `chars[start..end]` at the commas outside parentheses and brackets.
fn split_commas(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let (mut pieces, mut depth, mut from) = (Vec::new(), 0i64, start);
    for (i, &c) in chars.iter().enumerate().take(end).skip(start) {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                pieces.push((from, i));
                from = i + 1;
            }
            _ => {}
        }
    }
    pieces.push((from, end));
    pieces
}

fn const_at(chars: &[char], start: usize, end: usize, source: &str, empty: &'static str) -> Result<Expr, ParseError> {
    let lexer = Lexer::new(chars, start, end, source);
    let mut parser = Parser::new(lexer, HashMap::new(), Names::ConstOnly, empty)?;
    Ok(parser.parse_all()?.expr)
}

fn number_at(chars: &[char], start: usize, end: usize, source: &str) -> Result<BigRational, ParseError> {
    let mut lx = Lexer::new(chars, start, end, source);
    let expected = |lx: &Lexer, t: &Token| {
        let msg = format!("expected an exact number (like 1.05, 21/20 or 1e-3), found {}", lx.describe(t));
        lx.err(msg, t.at)
    };
    let mut t = lx.next()?;
    if t.tok == Tok::End {
        return Err(lx.err("missing number", t.at));
    }
    let negative = t.tok == Tok::Minus;
    if matches!(t.tok, Tok::Minus | Tok::Plus) {
        t = lx.next()?;
    }
    let Tok::Num(mut q) = t.tok else { return Err(expected(&lx, &t)) };
    t = lx.next()?;
    if t.tok == Tok::Slash {
        let d = lx.next()?;
        match &d.tok {
            Tok::Num(d) if d.is_zero() => return Err(lx.err("division by zero", t.at)),
            Tok::Num(d) => q /= d,
            _ => return Err(expected(&lx, &d)),
        }
        t = lx.next()?;
    }
    if t.tok != Tok::End {
        return Err(lx.err(format!("unexpected {} after the number", lx.describe(&t)), t.at));
    }
    Ok(if negative { -q } else { q })
}

fn range_at(chars: &[char], start: usize, end: usize, source: &str) -> Result<(Expr, Expr), ParseError> {
    let at = trim(chars, start, end).0;
    let Some(dots) = (start..end.saturating_sub(1)).find(|&i| chars[i] == '.' && chars[i + 1] == '.') else {
        let msg = if is_blank(chars, start, end) { "missing range" } else { "expected a range LO..HI" };
        return Err(ParseError::at(format!("{msg} (e.g. 0..2)"), at, source));
    };
    if dots + 2 < end && chars[dots + 2] == '.' {
        return Err(ParseError::at("ambiguous '...' (write 1.0..2 or 1..0.2)", dots, source));
    }
    let lo = const_at(chars, start, dots, source, "missing lower bound before '..'")?;
    let hi = const_at(chars, dots + 2, end, source, "missing upper bound after '..'")?;
    Ok((lo, hi))
}

/// Parses `name=VALUE,...` with distinct valid names; `value(eq, end)` parses one value.
fn named_items<T>(
    chars: &[char],
    source: &str,
    shape: &str,
    mut value: impl FnMut(usize, usize) -> Result<T, ParseError>,
) -> Result<Vec<(String, T)>, ParseError> {
    let err = |msg: String, at: usize| ParseError::at(msg, at, source);
    if is_blank(chars, 0, chars.len()) {
        return Err(err(format!("empty list (expected {shape},...)"), 0));
    }
    let (mut items, mut seen) = (Vec::new(), HashSet::new());
    for (a, b) in split_commas(chars, 0, chars.len()) {
        let at = trim(chars, a, b).0;
        let Some(eq) = (a..b).find(|&i| chars[i] == '=') else {
            return Err(err(format!("expected {shape}"), at));
        };
        let name: String = chars[a..eq].iter().collect::<String>().trim().to_string();
        if !is_identifier(&name) {
            return Err(err(format!("expected a name before '=' (as in {shape})"), at));
        }
        if is_reserved(&name) {
            return Err(err(format!("'{name}' is reserved and cannot be a name"), at));
        }
        if !seen.insert(name.clone()) {
            return Err(err(format!("'{name}' is given twice"), at));
        }
        items.push((name, value(eq, b)?));
    }
    Ok(items)
}

// ---------------------------------------------------------------------------------------------
// Printing

const SUM: u8 = 1;
const PRODUCT: u8 = 2;
const UNARY: u8 = 3;
const POWER: u8 = 4;
const ATOM: u8 = 5;

fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Num(q) if q.is_negative() => UNARY,
        Expr::Num(q) if !q.is_integer() => PRODUCT,
        Expr::Add(..) | Expr::Sub(..) => SUM,
        Expr::Mul(..) | Expr::Div(..) => PRODUCT,
        Expr::Neg(_) => UNARY,
        Expr::Pow(..) => POWER,
        _ => ATOM,
    }
}

/// Prints `expr` in the syntax of [`parse_loss`], with the fewest parentheses that keep the
/// tree: `parse_loss(&to_source(e, vars), &[], Some(vars))` evaluates identically to `e`.
/// Negative numbers and fractions are parenthesised inside products and powers (`x * (-3)`,
/// `x^(1/2)`); a variable index outside `vars` is printed as `_<index>`.
pub fn to_source(expr: &Expr, vars: &[String]) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr, vars, 0, true);
    out
}

fn write_expr(out: &mut String, e: &Expr, vars: &[String], min: u8, allow_unary: bool) {
    let p = precedence(e);
    let paren = p < min || (p == UNARY && !allow_unary);
    if paren {
        out.push('(');
    }
    let mut infix = |a: &Expr, op: &str, b: &Expr, p: u8| {
        write_expr(out, a, vars, p, true);
        out.push_str(op);
        write_expr(out, b, vars, p + 1, false);
    };
    match e {
        Expr::Add(a, b) => infix(a, " + ", b, SUM),
        Expr::Sub(a, b) => infix(a, " - ", b, SUM),
        Expr::Mul(a, b) => infix(a, " * ", b, PRODUCT),
        Expr::Div(a, b) => infix(a, " / ", b, PRODUCT),
        Expr::Num(q) if q.is_integer() => {
            let _ = write!(out, "{}", q.numer());
        }
        Expr::Num(q) => {
            let _ = write!(out, "{}/{}", q.numer(), q.denom());
        }
        Expr::Const(Constant::Pi) => out.push_str("pi"),
        Expr::Const(Constant::E) => out.push('e'),
        Expr::Var(i) => match vars.get(*i) {
            Some(name) => out.push_str(name),
            None => {
                let _ = write!(out, "_{i}");
            }
        },
        Expr::Neg(a) => {
            out.push('-');
            write_expr(out, a, vars, POWER, true);
        }
        Expr::Pow(a, b) => {
            write_expr(out, a, vars, ATOM, true);
            out.push('^');
            write_expr(out, b, vars, POWER, true);
        }
        Expr::Call(f, a) => {
            let _ = write!(out, "{f}(");
            write_expr(out, a, vars, 0, true);
            out.push(')');
        }
        Expr::Atan2(a, b) | Expr::Max(a, b) | Expr::Min(a, b) => {
            let name = match e {
                Expr::Atan2(..) => "atan2",
                Expr::Max(..) => "max",
                _ => "min",
            };
            let _ = write!(out, "{name}(");
            write_expr(out, a, vars, 0, true);
            out.push_str(", ");
            write_expr(out, b, vars, 0, true);
            out.push(')');
        }
    }
    if paren {
        out.push(')');
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
