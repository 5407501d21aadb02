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

/// Limits of a certifying search; reaching one gives UNDECIDED with the reason.
#[derive(Args, Debug, Clone)]
struct BudgetArgs {
    /// Give up (UNDECIDED) after this many seconds.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    timeout: u64,
    /// Give up (UNDECIDED) after examining this many boxes.
    #[arg(long, default_value_t = 200_000, value_name = "N")]
    max_boxes: usize,
}

impl BudgetArgs {
    fn budget(&self, prec: u32) -> eoscert::krawczyk::Budget {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(self.timeout);
        eoscert::krawczyk::Budget::new(self.max_boxes, -(prec as i32) / 2, Some(deadline))
    }
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
    /// Certified local minima and the verdicts of Theorem 1, Lemma 1 and Proposition 1.
    #[command(after_help = "Examples:\n  \
        eoscert conditions '(x^2 - 1)^2/4' --in 0..2\n  \
        eoscert conditions '2*sin(x)' --at x=-pi/2\n  \
        eoscert conditions --base 'tanh(x)' --target 1/2 --in -2..2\n  \
        eoscert conditions '(exp(x) - 2)^2' --in -1..2 --json\n  \
        eoscert conditions --model mf --y '[[2,1],[0,1]]' --z '[[1,0],[1,3]]'")]
    Conditions {
        /// The loss (omit it when --base/--target give a squared loss (G - Y)^2).
        loss: Option<String>,
        /// A named parameter, NAME=VALUE (exact; repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Certify this point as a local minimum, e.g. --at x=-pi/2.
        #[arg(long, value_name = "x=V", conflicts_with = "inside")]
        at: Option<String>,
        /// Find every local minimum in this interval, e.g. --in 0..2.
        #[arg(long = "in", value_name = "A..B", allow_hyphen_values = true)]
        inside: Option<String>,
        /// The base model G of a squared loss (G - Y)^2 (Proposition 1).
        #[arg(long, requires = "target", value_name = "G", allow_hyphen_values = true)]
        base: Option<String>,
        /// The target Y of a squared loss (G - Y)^2.
        #[arg(long, requires = "base", value_name = "Y", allow_hyphen_values = true)]
        target: Option<String>,
        /// A built-in model instead of a loss: mf (Theorem 6 at the minimiser --y, --z).
        #[arg(long, value_name = "NAME")]
        model: Option<String>,
        /// mf: the target C, diag:s1,s2,... or '[[..],[..]]' (default Y Z^T).
        #[arg(long, value_name = "C")]
        c: Option<String>,
        /// mf: the factor Y (m×p), e.g. '[[2,0],[0,1]]'; the loss is |Y Z^T - C|_F^2/2.
        #[arg(long, value_name = "M", allow_hyphen_values = true)]
        y: Option<String>,
        /// mf: the factor Z (q×p).
        #[arg(long, value_name = "M", allow_hyphen_values = true)]
        z: Option<String>,
        /// Proposition 2 (composition rule): the inner function p (with --q and --at).
        #[arg(long, requires = "q", value_name = "P", allow_hyphen_values = true)]
        p: Option<String>,
        /// Proposition 2: the outer function q, in a variable of its own.
        #[arg(long, requires = "p", value_name = "Q", allow_hyphen_values = true)]
        q: Option<String>,
        #[command(flatten)]
        budget: BudgetArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Every period-2 orbit of GD in an interval, certified, with multiplier and stability.
    #[command(after_help = "Examples:\n  \
        eoscert orbit '(x^2 - 1)^2/4' --lr 1.05 --in 0..2\n  \
        eoscert orbit '(x^2 - 1)^2/4' --lr '1 + 1e-12' --in 0..2\n  \
        eoscert orbit '2*sin(x)' --lr 1.05 --in -3..0 --json\n  \
        eoscert orbit --model mf --c diag:1,1/2 --lr 1.05 --alpha 4/5")]
    Orbit {
        /// The loss expression (omit it with --model mf).
        loss: Option<String>,
        /// A named parameter, NAME=VALUE (exact; repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// The variables in order, e.g. --vars x,y.
        #[arg(long)]
        vars: Option<String>,
        /// A built-in model instead of a loss: mf (Observations 1 and 2, diagonal --c).
        #[arg(long, value_name = "NAME")]
        model: Option<String>,
        /// mf: the target, diag:s1,s2,... (s1 the largest eigenvalue sigma_1^2).
        #[arg(long, value_name = "diag:S1,S2,...")]
        c: Option<String>,
        /// mf: the scale alpha of the quasi-symmetric minimum (alpha X0, X0/alpha) (default 1).
        #[arg(long, value_name = "A", allow_hyphen_values = true)]
        alpha: Option<String>,
        /// The learning rate eta (exact, e.g. 1.05 or 2/3 + 1e-12).
        #[arg(long, value_name = "ETA", allow_hyphen_values = true)]
        lr: String,
        /// The interval (one variable) or box both orbit points must lie in: A..B for every
        /// variable, or x=A..B,y=C..D (default -10..10).
        #[arg(long = "in", value_name = "A..B | x=A..B,y=C..D", allow_hyphen_values = true)]
        inside: Option<String>,
        #[command(flatten)]
        budget: BudgetArgs,
        #[command(flatten)]
        common: Common,
    },
    /// The learning rate where the period-2 orbit is born, superstable, or loses stability.
    #[command(after_help = "Examples:\n  \
        eoscert threshold '(x^2 - 1)^2/4' --event period-doubling --near 1\n  \
        eoscert threshold '(x^2 - 1)^2/4' --event superstable --near 1 --json\n  \
        eoscert threshold '2*sin(x)' --event birth --near -1.5")]
    Threshold {
        #[command(flatten)]
        loss: LossArgs,
        /// birth (orbit born at 2/f''), superstable (multiplier 0) or period-doubling (multiplier -1).
        #[arg(long)]
        event: String,
        /// The learning-rate range to look in.
        #[arg(long, value_name = "A..B", allow_hyphen_values = true)]
        lr_range: Option<String>,
        /// The minimum the orbit belongs to (the nearest one is used).
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        near: Option<String>,
        /// The interval searched for the minimum and the orbit (default -10..10).
        #[arg(long = "in", value_name = "A..B", allow_hyphen_values = true)]
        inside: Option<String>,
        #[command(flatten)]
        budget: BudgetArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Prove or refute a claim over a whole box by subdivision.
    #[command(after_help = "Examples:\n  \
        eoscert prove '7 - 4*K - 2*K^2 > -1' --over K=1..1.2\n  \
        eoscert prove 'x^2 - 2*x + 1 >= 0' --over x=-10..10\n  \
        eoscert prove orbit-stable --loss '(x^2 - 1)^2/4' --lr-range 1.01..1.2 --in 0..2")]
    Prove {
        /// 'LHS OP RHS' with OP one of < <= > >=, or the property orbit-stable.
        claim: String,
        /// The box for an inequality, one range per variable, e.g. --over K=1..5/4,x=0..1.
        #[arg(long, value_name = "NAME=A..B[,...]", allow_hyphen_values = true)]
        over: Option<String>,
        /// A region map: cut the box into N equal parts per variable and judge every cell.
        #[arg(long, value_name = "N")]
        cells: Option<usize>,
        /// The loss, for orbit-stable.
        #[arg(long)]
        loss: Option<String>,
        /// A named parameter, NAME=VALUE (exact; repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// The learning-rate range, for orbit-stable.
        #[arg(long, value_name = "A..B", allow_hyphen_values = true)]
        lr_range: Option<String>,
        /// The interval the orbit points must lie in, for orbit-stable.
        #[arg(long = "in", value_name = "X..Y", allow_hyphen_values = true)]
        inside: Option<String>,
        #[command(flatten)]
        budget: BudgetArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Floating-point GD, alternating GD or gradient flow: the tail classified (a cross-check, not a certificate).
    #[command(after_help = "Examples:\n  \
        eoscert simulate '(x^2 - 1)^2/4' --lr 1.05 --init x=0.5 --steps 20000\n  \
        eoscert simulate '(x*y - 1)^2/2' --lr 1.05 --init x=1.6,y=0.5 --steps 20000 --method agd --json\n  \
        eoscert simulate --model mf --c diag:1,1/2 --lr 1.05 --steps 20000 --init-scale 0.1 --seed 1\n  \
        eoscert simulate '(x^2 - 1)^2/4' --lr 1.05 --in 0..2 --cross-check\n  \
        eoscert simulate '(x^2 - 1)^2/4' --init x=0.5 --sweep lr=1..1.3:61 --keep 8 --json")]
    Simulate {
        /// The loss expression (omit it with --model).
        loss: Option<String>,
        /// A named parameter, NAME=VALUE (exact; repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// The variables in order, e.g. --vars x,y.
        #[arg(long)]
        vars: Option<String>,
        /// A built-in model instead of a loss: mf (matrix factorisation |Y Z^T - C|^2/2), neuron
        /// (Chen & Bruna's ReLU neuron, population loss in (v, w_x, w_y)), neuron-empirical (the
        /// same on --points sphere points), teacher-student (Appendix B.3.1), mlp (--widths).
        #[arg(long)]
        model: Option<String>,
        /// Layer widths of --model mlp, input first, e.g. 4,8,1.
        #[arg(long, value_name = "D0,D1,...")]
        widths: Option<String>,
        /// Data points of neuron-empirical (default 1000), teacher-student (10000), mlp (64).
        #[arg(long, value_name = "N")]
        points: Option<usize>,
        /// Input dimension d of neuron / neuron-empirical (default 2) and teacher-student (16).
        #[arg(long, value_name = "D")]
        input_dim: Option<usize>,
        /// Rerun a paper experiment with its settings printed: fig1, fig2, fig4, fig5, fig6, fig7,
        /// fig8, fig12 (Chen & Bruna; fig1bc is Figure 1(b, c)); wang-fig2, wang-fig4,
        /// ward-kolda-fig2, ye-du-rate, du-hu-lee-fig2 (the companion papers); or all.
        #[arg(long, value_name = "NAME")]
        experiment: Option<String>,
        /// With --experiment: a reduced size that runs in seconds.
        #[arg(long)]
        quick: bool,
        /// With --experiment: rerun with the next N seeds and report how far each measure moved.
        #[arg(long, value_name = "N")]
        sensitivity: Option<usize>,
        /// The target C of mf: diag:1,1/2 or a matrix '[[1,0],[0,1/2]]'.
        #[arg(long, value_name = "C", allow_hyphen_values = true)]
        c: Option<String>,
        /// The rank of Y and Z for mf (default: the size of C).
        #[arg(long)]
        rank: Option<usize>,
        /// The learning rate eta (exact input such as 1.05, rounded to f64; for flow the sampling interval).
        #[arg(long, value_name = "ETA", allow_hyphen_values = true)]
        lr: Option<String>,
        /// The start, e.g. --init x=0.5,y=2 (default: drawn from --seed, scale --init-scale).
        #[arg(long, value_name = "x=V[,y=W...]", allow_hyphen_values = true)]
        init: Option<String>,
        /// Standard deviation of a random start (default 1 for a loss, 0.1 for mf).
        #[arg(long, value_name = "S")]
        init_scale: Option<f64>,
        /// Seed of every random draw (the same seed gives byte-identical output).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// The number of steps.
        #[arg(long, default_value_t = verbs::simulate::defaults::STEPS)]
        steps: usize,
        /// How many final iterates are classified (at least 2 x the largest period sought).
        #[arg(long, default_value_t = verbs::simulate::defaults::TAIL)]
        tail: usize,
        /// gd, agd (alternating: first block, then second with the new first) or flow (gradient flow, Dormand-Prince 5(4)).
        #[arg(long, default_value = verbs::simulate::defaults::METHOD)]
        method: String,
        /// constant, step:EVERY:GAMMA or warmup:STEPS.
        #[arg(long, default_value = verbs::simulate::defaults::SCHEDULE)]
        schedule: String,
        /// Relative tolerance of the period test.
        #[arg(long, default_value_t = verbs::simulate::defaults::TOL)]
        tol: f64,
        /// The largest period sought.
        #[arg(long, default_value_t = verbs::simulate::defaults::MAX_PERIOD)]
        max_period: usize,
        /// Set the simulation beside the certified orbit verb (one variable; with --in).
        #[arg(long)]
        cross_check: bool,
        /// The interval of the certified search, for --cross-check (default -10..10).
        #[arg(long = "in", value_name = "A..B", allow_hyphen_values = true)]
        inside: Option<String>,
        /// Relative distance of each cross-check start from the certified point.
        #[arg(long, default_value_t = verbs::simulate::defaults::PERTURBATION)]
        perturbation: f64,
        /// Time this many GD steps and print seconds per step (no classification).
        #[arg(long, value_name = "N")]
        bench_steps: Option<usize>,
        /// A bifurcation diagram: lr=A..B:N (N learning rates), or for mf a divergence map
        /// map=A..B:N,C..D:M over (eta sigma1^2, eta sigma2^2) with C = diag(sigma1^2, sigma2^2).
        #[arg(long, value_name = "lr=A..B:N", allow_hyphen_values = true)]
        sweep: Option<String>,
        /// Iterates kept per learning rate in a sweep.
        #[arg(long, default_value_t = verbs::simulate::defaults::KEEP)]
        keep: usize,
        /// Worker threads of a sweep (default: the number of cores).
        #[arg(long)]
        jobs: Option<usize>,
        #[command(flatten)]
        budget: BudgetArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Judge every check file (default checks/) and write reports (default reports/).
    #[command(after_help = "Examples:\n  \
        eoscert run\n  \
        eoscert run checks/chen-bruna --out /tmp/reports\n  \
        eoscert run my-claim.toml")]
    Run {
        /// Check files or directories (default: checks/).
        paths: Vec<std::path::PathBuf>,
        /// Where to write report.json and report.md.
        #[arg(long, default_value = "reports")]
        out: std::path::PathBuf,
        /// Worker threads (default: the number of cores).
        #[arg(long)]
        jobs: Option<usize>,
        #[command(flatten)]
        common: Common,
    },
    /// Re-check the certificates of a report written by `run` with an independent exact checker.
    #[command(after_help = "Exit code: 0 every re-checkable item holds, 1 an item failed (the first is named), 2 a malformed report.\n\nExamples:\n  \
        eoscert verify reports/report.json\n  \
        eoscert verify /tmp/reports/report.json --json")]
    Verify {
        /// The report.json written by `eoscert run`.
        report: std::path::PathBuf,
        #[command(flatten)]
        common: Common,
    },
}

fn fail(e: UserError, json: bool) -> ExitCode {
    if e.undecided {
        // Well-posed but not certified: a verdict, on stdout, not an input error.
        if json {
            println!("{}", serde_json::json!({"verdict": "UNDECIDED", "reason": e.message}));
        } else {
            println!("verdict: UNDECIDED ({})", e.message);
        }
        return ExitCode::from(3);
    }
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
    use std::io::Write;
    // A closed pipe (e.g. `| head`) is not an error worth a panic.
    let mut stdout = std::io::stdout().lock();
    let _ = if json {
        writeln!(stdout, "{}", serde_json::to_string_pretty(out).expect("output is serialisable"))
    } else {
        write!(stdout, "{out}")
    };
}

/// A JSON value printed as-is.
struct JsonOnly(serde_json::Value);

impl serde::Serialize for JsonOnly {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl std::fmt::Display for JsonOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Verb {
    /// The options every verb shares.
    fn common(&self) -> &Common {
        match self {
            Verb::Eval { common, .. }
            | Verb::Conditions { common, .. }
            | Verb::Orbit { common, .. }
            | Verb::Prove { common, .. }
            | Verb::Threshold { common, .. }
            | Verb::Simulate { common, .. }
            | Verb::Run { common, .. }
            | Verb::Verify { common, .. } => common,
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, UserError> {
    match cli.verb {
        Verb::Eval { loss, at, order, dir, common } => {
            let prec = input::check_prec(common.prec)?;
            if order > verbs::eval::MAX_ORDER {
                return Err(UserError::new(format!("--order {order} is too large; use at most {}", verbs::eval::MAX_ORDER)));
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
        Verb::Conditions { loss, params, at, inside, base, target, model, c, y, z, p, q, budget, common } => {
            let prec = input::check_prec(common.prec)?;
            if model.is_none() && (y.is_some() || z.is_some() || c.is_some()) {
                return Err(UserError::new("--y, --z and --c belong to --model mf"));
            }
            if let Some(name) = &model {
                verbs::mf::check_model(name)?;
                if loss.is_some() || base.is_some() || inside.is_some() || at.is_some() {
                    return Err(UserError::new("conditions --model mf takes no LOSS, --base, --in or --at (the point is --y, --z)"));
                }
                let (Some(y), Some(z)) = (&y, &z) else {
                    return Err(UserError::new("conditions --model mf needs the minimiser --y M --z M"));
                };
                let out = verbs::mf::theorem6(y, z, c.as_deref(), prec)?;
                print(&out, common.json);
                return Ok(verdict_code(out.theorem6.verdict));
            }
            if let (Some(p), Some(q)) = (&p, &q) {
                let at = at.ok_or_else(|| UserError::new("Proposition 2 needs --at x=V (the point of p)"))?;
                let out = verbs::conditions::run_prop2(p, q, &at, &params, prec)?;
                print(&out, common.json);
                return Ok(verdict_code(out.verdict));
            }
            let (l, squared) = match (&loss, &base, &target) {
                (Some(_), Some(_), _) => {
                    return Err(UserError::new("give either LOSS or --base/--target, not both"));
                }
                (Some(src), None, _) => (input::parse_loss(src, &params, None)?, None),
                (None, Some(g), Some(y)) => {
                    let src = format!("({g} - ({y}))^2");
                    let l = input::parse_loss(&src, &params, None)?;
                    let sq = verbs::conditions::recognise_squared(&l).ok_or_else(|| {
                        UserError::new("--target must be a constant and --base must depend on the variable")
                    })?;
                    (l, Some(sq))
                }
                _ => return Err(UserError::new("give a LOSS, or --base G --target Y")),
            };
            let place = match (&at, &inside) {
                (Some(a), None) => {
                    let v = input::parse_at(&l, a, prec, "--at")?;
                    verbs::conditions::Where::At(v.into_iter().next().expect("one variable"))
                }
                (None, Some(r)) => verbs::conditions::Where::In(input::parse_range(r, prec, "--in")?),
                _ => return Err(UserError::new("give --at x=V (a point) or --in A..B (an interval)")),
            };
            if l.vars.len() != 1 {
                return Err(UserError::new(format!(
                    "conditions needs a loss of one variable; this one has {}",
                    l.vars.len()
                )));
            }
            let req = verbs::conditions::ConditionsRequest {
                loss: l,
                place,
                squared,
                prec,
                budget: budget.budget(prec),
            };
            let out = verbs::conditions::run(&req)?;
            print(&out, common.json);
            Ok(verdict_code(out.verdict))
        }
        Verb::Orbit { loss, params, vars, model, c, alpha, lr, inside, budget, common } => {
            let prec = input::check_prec(common.prec)?;
            if let Some(name) = &model {
                verbs::mf::check_model(name)?;
                if loss.is_some() || inside.is_some() {
                    return Err(UserError::new("orbit --model mf takes no LOSS and no --in (the reduced system fixes its interval)"));
                }
                let c = c.ok_or_else(|| UserError::new("orbit --model mf needs the target --c diag:s1,s2,..."))?;
                let out = verbs::mf::orbit(&c, &lr, alpha.as_deref(), prec, budget.budget(prec))?;
                print(&out, common.json);
                let v = out.orbits.iter().fold(eoscert::verdict::Verdict::Pass, |v, o| v.and(o.stable));
                return Ok(if out.orbits.is_empty() { ExitCode::from(3) } else { verdict_code(v) });
            }
            if c.is_some() || alpha.is_some() {
                return Err(UserError::new("--c and --alpha belong to --model mf"));
            }
            let loss = loss.ok_or_else(|| UserError::new("orbit needs a LOSS expression (or --model mf)"))?;
            let l = input::parse_loss(&loss, &params, vars.as_deref())?;
            let lr = input::parse_value(&lr, prec, "--lr")?;
            let domain = input::parse_box_for(&l, inside.as_deref().unwrap_or("-10..10"), prec, "--in")?;
            let req = verbs::orbit::OrbitRequest { loss: l, lr, domain, prec, budget: budget.budget(prec) };
            let out = verbs::orbit::run(&req)?;
            print(&out, common.json);
            Ok(verdict_code(out.verdict()))
        }
        Verb::Prove { claim, over, cells, loss, params, lr_range, inside, budget, common } => {
            let prec = input::check_prec(common.prec)?;
            let claim = if claim == "orbit-stable" {
                let src = loss.ok_or_else(|| UserError::new("orbit-stable needs --loss LOSS"))?;
                let l = input::parse_loss(&src, &params, None)?;
                if l.vars.len() != 1 {
                    return Err(UserError::new("orbit-stable needs a loss of one variable"));
                }
                let lr = input::parse_range(
                    &lr_range.ok_or_else(|| UserError::new("orbit-stable needs --lr-range A..B"))?,
                    prec,
                    "--lr-range",
                )?;
                if !lr.is_pos() {
                    return Err(UserError::new("--lr-range must contain only positive learning rates"));
                }
                let domain = input::parse_range(
                    &inside.ok_or_else(|| UserError::new("orbit-stable needs --in X..Y"))?,
                    prec,
                    "--in",
                )?;
                verbs::prove::Claim::OrbitStable { loss: l, lr, domain }
            } else {
                let (lhs, op, rhs) = eoscert::prove::split_comparison(&claim).ok_or_else(|| {
                    UserError::new(format!(
                        "the claim '{claim}' must be 'LHS OP RHS' with exactly one of < <= > >=, or orbit-stable"
                    ))
                })?;
                let over = over.ok_or_else(|| UserError::new("an inequality needs --over NAME=A..B[,...]"))?;
                let (names, boxes) = input::parse_named_box(&over, prec, "--over")?;
                let vars = names.join(",");
                let l = input::parse_loss(&lhs, &params, Some(&vars))?;
                let r = input::parse_loss(&rhs, &params, Some(&vars))?;
                let diff = eoscert::prove::difference(l.expr, r.expr, names, claim.clone());
                verbs::prove::Claim::Inequality { diff, op, text: claim.clone(), over: boxes }
            };
            if let Some(n) = cells {
                let verbs::prove::Claim::Inequality { diff, op, text, over } = &claim else {
                    return Err(UserError::new("--cells applies to inequalities, not to orbit-stable"));
                };
                let map = verbs::prove::run_cells(diff, *op, text, over, n, prec, &budget.budget(prec))?;
                print(&map, common.json);
                return Ok(verdict_code(map.verdict));
            }
            let out = verbs::prove::run(&verbs::prove::ProveRequest { claim, prec, budget: budget.budget(prec) })?;
            print(&out, common.json);
            Ok(verdict_code(out.verdict))
        }
        Verb::Threshold { loss, event, lr_range, near, inside, budget, common } => {
            let prec = input::check_prec(common.prec)?;
            let l = input::parse_loss(&loss.loss, &loss.params, loss.vars.as_deref())?;
            if l.vars.len() != 1 {
                return Err(UserError::new("threshold needs a loss of one variable"));
            }
            let event = verbs::threshold::Event::from_name(&event)?;
            let lr_range = match lr_range {
                Some(r) => Some(input::parse_range(&r, prec, "--lr-range")?),
                None => None,
            };
            let near = match near {
                Some(x) => Some(input::parse_value(&x, prec, "--near")?),
                None => None,
            };
            let domain = input::parse_range(inside.as_deref().unwrap_or("-10..10"), prec, "--in")?;
            let req = verbs::threshold::ThresholdRequest { loss: l, event, lr_range, near, domain, prec, budget: budget.budget(prec) };
            let out = verbs::threshold::run(&req)?;
            print(&out, common.json);
            Ok(verdict_code(out.verdict()))
        }
        Verb::Simulate {
            loss, params, vars, model, widths, points, input_dim, experiment, quick, sensitivity, c, rank, lr, init, init_scale,
            seed, steps, tail, method, schedule, tol, max_period, cross_check, inside, perturbation, bench_steps,
            sweep, keep, jobs, budget, common,
        } => {
            let prec = input::check_prec(common.prec)?;
            if let Some(name) = experiment {
                let threads = jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2));
                let out = verbs::simulate::experiment(&name, quick, seed, threads, sensitivity)?;
                print(&out, common.json);
                return Ok(ExitCode::SUCCESS);
            }
            if quick || sensitivity.is_some() {
                return Err(UserError::new(if quick { "--quick goes with --experiment" } else { "--sensitivity goes with --experiment" }));
            }
            let args = verbs::simulate::SimulateArgs {
                loss, params, vars, model, c, rank, lr, init, init_scale, seed, steps, tail, method, schedule, tol,
                max_period, cross_check, inside, perturbation, bench_steps, sweep, keep, prec, widths, points, input_dim,
            };
            match verbs::simulate::plan(&args, budget.budget(prec))? {
                verbs::simulate::Plan::Simulate(req) => print(&verbs::simulate::run(&req)?, common.json),
                verbs::simulate::Plan::Bench(req, n) => {
                    let secs = verbs::simulate::bench_steps(&req, n)?;
                    if common.json {
                        println!("{}", serde_json::json!({"steps": n, "seconds_per_step": secs}));
                    } else {
                        println!("{secs:.9e} seconds per step ({n} steps)");
                    }
                }
                verbs::simulate::Plan::CrossCheck(req) => {
                    let out = verbs::simulate::cross_check(&req)?;
                    print(&out, common.json);
                    for d in &out.disagreements {
                        eprintln!("eoscert: {d}");
                    }
                    if !out.agree {
                        return Ok(ExitCode::from(1));
                    }
                }
                verbs::simulate::Plan::Sweep(req) => {
                    let threads = jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2));
                    let bar = verbs::progress::Bar::for_stderr("sweep", common.json);
                    let out = verbs::simulate::sweep(&req, threads, &|done, total| bar.update(done, total, ""));
                    bar.finish();
                    print(&out?, common.json);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Verb::Run { paths, out, jobs, common } => {
            let paths = if paths.is_empty() { vec![std::path::PathBuf::from("checks")] } else { paths };
            let threads = jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2));
            let bar = verbs::progress::Bar::for_stderr("run", common.json);
            let report = verbs::run::run(&paths, &out, threads, &|done, total, o| {
                bar.update(done, total, if done == total { "writing the reports" } else { &o.id })
            });
            bar.finish();
            let report = report?;
            if common.json {
                print(&JsonOnly(serde_json::to_value(&report).expect("serialisable")), true);
            } else {
                let s = &report.summary;
                print!("{}", verbs::run::table(&report.checks));
                println!(
                    "{} checks: {} PASS, {} FAIL, {} UNDECIDED, {} CONSISTENT, {} INCONSISTENT; {} as expected, {} unexpected; {:.1} s",
                    s.total, s.pass, s.fail, s.undecided, s.consistent, s.inconsistent, s.as_expected, s.unexpected, s.seconds
                );
                println!("reports written to {0}/report.json, {0}/report.md and {0}/report.html", out.display());
            }
            Ok(verdict_code(verbs::run::exit_verdict(&report.checks)))
        }
        Verb::Verify { report, common } => {
            let text = std::fs::read_to_string(&report).map_err(|e| UserError::new(format!("{}: cannot read: {e}", report.display())))?;
            let v = eoscert::verify::verify_text(&text).map_err(|e| UserError::new(format!("{}: {e}", report.display())))?;
            let failed = v.failed();
            if common.json {
                print(&JsonOnly(eoscert::verify::to_json(&v)), true);
            } else {
                print!("{}", eoscert::verify::listing(&v));
                println!("{}", v.summary_line());
            }
            Ok(match failed.first() {
                Some(first) => {
                    if let eoscert::verify::Status::Failed(why) = &first.status {
                        eprintln!("verify: {} ({}): {why}", first.id, first.verdict);
                    }
                    ExitCode::from(1)
                }
                None => ExitCode::SUCCESS,
            })
        }
    }
}

/// Exit code of a verdict (SPEC.md): 0 PASS/CONSISTENT, 1 FAIL/INCONSISTENT, 3 UNDECIDED.
fn verdict_code(v: eoscert::verdict::Verdict) -> ExitCode {
    use eoscert::verdict::Verdict::*;
    match v {
        Pass | Consistent => ExitCode::SUCCESS,
        Fail | Inconsistent => ExitCode::from(1),
        Undecided => ExitCode::from(3),
    }
}

fn main() -> ExitCode {
    // SAFETY: the first statement: no GMP/MPFR memory exists yet.
    unsafe { eoscert::alloc::install_for_gmp() };
    let cli = Cli::parse();
    let json = cli.verb.common().json;
    match run(cli) {
        Ok(code) => code,
        Err(e) => fail(e, json),
    }
}
