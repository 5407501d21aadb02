//! The `eoscert` command line: parses arguments (clap), calls the library, prints.
//! Exit codes (SPEC.md): 0 all as expected, 1 a verdict failed, 3 undecided, 2 bad input.

use clap::{Args, Parser, Subcommand};
use eoscert::verbs::{self, input, UserError};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "eoscert",
    version,
    about = "Certified verdicts on claims about gradient descent with large learning rates",
    long_about = "eoscert turns claims about gradient descent beyond the edge of stability into machine \
verdicts: exact rational arithmetic and outward-rounded MPFR intervals, never f64, back every PASS."
)]
struct Cli {
    #[command(subcommand)]
    verb: Verb,
}

/// Options every verb takes.
#[derive(Args, Debug, Clone)]
struct Common {
    /// Machine-readable JSON on stdout (nothing else on stdout).
    #[arg(long, global = true)]
    json: bool,
    /// Starting MPFR precision in bits.
    #[arg(long, default_value_t = 128, global = true, value_name = "BITS")]
    prec: u32,
}

/// How a loss is given.
#[derive(Args, Debug, Clone)]
struct LossArgs {
    /// The loss expression, e.g. '(x^2 - mu)^2/4'. Numbers are exact: 1.05 is 21/20.
    loss: String,
    /// A named parameter, NAME=VALUE (exact; repeatable), e.g. --param mu=1.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// The variables in order, e.g. --vars x,y (default: order of first appearance).
    #[arg(long)]
    vars: Option<String>,
}

#[derive(Subcommand)]
enum Verb {
    /// The loss and its derivatives at a point, exact when possible.
    #[command(after_help = "Examples:\n  \
        eoscert eval '(x^2 - mu)^2/4' --param mu=4 --at x=2 --order 4\n  \
        eoscert eval 'sin(x)' --at x=-pi/2 --order 5 --json\n  \
        eoscert eval '(x*y - 1)^2/2' --at x=2,y=1 --dir x=1,y=1 --order 4")]
    Eval {
        #[command(flatten)]
        loss: LossArgs,
        /// The point, e.g. --at x=1,y=21/20 (constants like -pi/2 are allowed).
        #[arg(long, value_name = "x=V[,y=W...]")]
        at: String,
        /// The highest derivative order (one variable, or along --dir).
        #[arg(long, default_value_t = 4, value_name = "K")]
        order: usize,
        /// A direction d: print derivatives of t -> f(at + t d) (several variables).
        #[arg(long, value_name = "x=D1[,y=D2...]")]
        dir: Option<String>,
        #[command(flatten)]
        common: Common,
    },
}

fn fail(e: UserError) -> ExitCode {
    let msg = e.message;
    let mut lines = msg.lines();
    if let Some(first) = lines.next() {
        eprintln!("eoscert: error: {first}");
    }
    for l in lines {
        eprintln!("{l}");
    }
    ExitCode::from(2)
}

fn print<T: serde::Serialize + std::fmt::Display>(out: &T, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(out).expect("output is serialisable"));
    } else {
        print!("{out}");
    }
}

fn run(cli: Cli) -> Result<ExitCode, UserError> {
    match cli.verb {
        Verb::Eval { loss, at, order, dir, common } => {
            let prec = input::check_prec(common.prec)?;
            if order > 10_000 {
                return Err(UserError::new(format!("--order {order} is too large; use at most 10000")));
            }
            let l = input::parse_loss(&loss.loss, &loss.params, loss.vars.as_deref())?;
            let at = input::parse_at(&l, &at, prec, "--at")?;
            let dir = match dir {
                Some(d) => Some(input::parse_at(&l, &d, prec, "--dir")?),
                None => None,
            };
            let out = verbs::eval::run(&verbs::eval::EvalRequest { loss: l, at, order, dir, prec })?;
            print(&out, common.json);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}
