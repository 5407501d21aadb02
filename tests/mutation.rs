//! The mutation suite: claims that are false by construction, generated from true ones by a
//! small change (a threshold moved by 1e-6 … 1e-30 past its exact value, an orbit box shifted
//! off the orbit, stability claimed just past the period-doubling boundary, an inequality's
//! constant nudged (and an identity claimed strict), Theorem 1 asserted where 3f'''^2 - f''f'''' is just below 0, a derivative
//! value nudged). Every one goes through the same path as a check file (`parse_check`, then
//! `judge`). None may come out PASS; the test prints how many came out FAIL and UNDECIDED.
//!
//! Beside each family, its unmutated claim (the control) must come out PASS, so that each
//! mutant differs from a claim the engines can prove only by its mutation.

use eoscert::catalogue::{judge, parse_check};
use eoscert::verdict::Verdict;
use rug::Float;
use std::path::Path;

/// The nudges: from coarse to far below double precision.
const DELTAS: [&str; 7] = ["1e-6", "1e-9", "1e-12", "1e-15", "1e-20", "1e-25", "1e-30"];

/// A decimal string within 1e-44 of the real number `x` (computed with 400-bit MPFR): far
/// closer than the smallest nudge (1e-30), short enough to keep the exact orbit path cheap.
fn dec(x: &Float) -> String {
    x.to_string_radix(10, Some(45))
}

fn sqrt_rat(n: u32, d: u32) -> Float {
    Float::with_val(400, n).sqrt() / Float::with_val(400, d).sqrt()
}

struct Claim {
    name: String,
    toml: String,
}

fn claim(name: String, kind: &str, body: &str) -> Claim {
    let toml = format!("id = \"{name}\"\npaper = \"mutation\"\nclaim = \"mutant\"\nstatement = \"{name}\"\nkind = \"{kind}\"\nexpected = \"pass\"\n{body}");
    Claim { name, toml }
}

fn verdict(c: &Claim) -> (Verdict, String) {
    let check = parse_check(&c.toml).unwrap_or_else(|e| panic!("{}: the generated check does not parse: {e}\n{}", c.name, c.toml));
    match judge(&check) {
        Ok((v, r, _)) => (v, r),
        Err(e) => (Verdict::Undecided, format!("not judged: {e}")),
    }
}

/// Thresholds of (x^2 - mu)^2/4: birth 1/mu, superstable (sqrt(4.5) - 1)/mu, period doubling
/// (sqrt(5) - 1)/mu; each claimed as an exact rational moved by ±delta.
fn thresholds() -> (Vec<Claim>, Vec<Claim>) {
    let mut mutants = vec![];
    let mut controls = vec![];
    for (mu_s, mu_num, mu_den) in [("1", 1u32, 1u32), ("1/2", 1, 2), ("2", 2, 1), ("3/2", 3, 2)] {
        let near = dec(&Float::with_val(400, mu_num as f64 / mu_den as f64).sqrt());
        let mu_inv = Float::with_val(400, mu_den) / Float::with_val(400, mu_num);
        for (event, base, exact) in [
            ("birth", Float::with_val(400, 1), format!("{mu_den}/{mu_num}")),
            ("superstable", sqrt_rat(9, 2) - 1u32, format!("(sqrt(4.5) - 1)/({mu_s})")),
            ("period-doubling", sqrt_rat(5, 1) - 1u32, format!("(sqrt(5) - 1)/({mu_s})")),
        ] {
            let true_value = Float::with_val(400, &base * &mu_inv);
            let body = |value: &str, minpoly: &str| {
                format!("loss = \"(x^2 - mu)^2/4\"\nparams = [\"mu={mu_s}\"]\nevent = \"{event}\"\nnear = \"{near}\"\nvalue = \"{value}\"\n{minpoly}")
            };
            let minpoly = match (event, mu_s) {
                ("birth", _) => String::new(),
                ("superstable", "1") => "minpoly = [-7, 4, 2]\n".into(),
                ("period-doubling", "1") => "minpoly = [-4, 2, 1]\n".into(),
                _ => String::new(),
            };
            if event == "birth" || !minpoly.is_empty() {
                controls.push(claim(format!("threshold {event} mu={mu_s} = {exact}"), "threshold", &body(&exact, &minpoly)));
            }
            for d in DELTAS {
                for sign in ["+", "-"] {
                    let v = format!("{} {sign} {d}", dec(&true_value));
                    mutants.push(claim(format!("threshold {event} mu={mu_s} moved by {sign}{d}"), "threshold", &body(&v, "")));
                }
            }
        }
    }
    (mutants, controls)
}

/// The quartic's period-2 orbit across the birth (eta = 1) and period-doubling (eta = sqrt(5)
/// - 1) boundaries, and orbit boxes that leave out one orbit point.
fn orbits() -> (Vec<Claim>, Vec<Claim>) {
    let pd = dec(&(sqrt_rat(5, 1) - 1u32));
    let (lower, upper) = (dec(&(sqrt_rat(16, 21))), dec(&(sqrt_rat(25, 21))));
    let loss = "loss = \"(x^2 - 1)^2/4\"\n";
    let mut mutants = vec![];
    let controls = vec![
        claim("orbit at 1.05: one orbit in 0..2".into(), "orbit", &format!("{loss}lr = \"1.05\"\nin = \"0..2\"\ncount = 1\n")),
        claim("orbit at 1.2: stable".into(), "orbit", &format!("{loss}lr = \"1.2\"\nin = \"0..2\"\nstable = true\n")),
        claim("orbit at 1.3: unstable".into(), "orbit", &format!("{loss}lr = \"1.3\"\nin = \"0..2\"\nstable = false\n")),
    ];
    for d in ["1e-3", "1e-6", "1e-9", "1e-12", "1e-15", "1e-20"] {
        let o = |lr: String, inside: &str, what: &str| format!("{loss}lr = \"{lr}\"\nin = \"{inside}\"\n{what}\n");
        mutants.push(claim(format!("stable just past period doubling (+{d})"), "orbit", &o(format!("{pd} + {d}"), "0..2", "stable = true")));
        mutants.push(claim(format!("unstable just before period doubling (-{d})"), "orbit", &o(format!("{pd} - {d}"), "0..2", "stable = false")));
        mutants.push(claim(format!("an orbit just below birth (-{d})"), "orbit", &o(format!("1 - {d}"), "0..2", "count = 1")));
        mutants.push(claim(format!("no orbit just above birth (+{d})"), "orbit", &o(format!("1 + {d}"), "0..2", "count = 0")));
        // At eta = 1.05 the orbit is {4/sqrt(21), 5/sqrt(21)}: boxes that miss one point.
        mutants.push(claim(format!("orbit box cut above the lower point (+{d})"), "orbit", &o("1.05".into(), &format!("{lower} + {d}..2"), "count = 1")));
        mutants.push(claim(format!("orbit box cut below the upper point (-{d})"), "orbit", &o("1.05".into(), &format!("0..{upper} - {d}"), "count = 1")));
    }
    mutants.push(claim("two orbits at 1.05 in 0..2".into(), "orbit", &format!("{loss}lr = \"1.05\"\nin = \"0..2\"\ncount = 2\n")));
    mutants.push(claim("an orbit at 1.05 in -0.5..0.5".into(), "orbit", &format!("{loss}lr = \"1.05\"\nin = \"-0.5..0.5\"\ncount = 1\n")));
    (mutants, controls)
}

/// Range proofs that reach just past a boundary.
fn ranges() -> (Vec<Claim>, Vec<Claim>) {
    let pd = dec(&(sqrt_rat(5, 1) - 1u32));
    let loss = "loss = \"(x^2 - 1)^2/4\"\nin = \"0..2\"\n";
    let controls = vec![claim("stable for eta in [1.01, 1.2]".into(), "orbit-stable", &format!("{loss}lr_range = \"1.01..1.2\"\n"))];
    let mut mutants = vec![];
    for d in ["1e-4", "1e-8", "1e-12"] {
        mutants.push(claim(format!("stable up to sqrt(5) - 1 + {d}"), "orbit-stable", &format!("{loss}lr_range = \"1.2..{pd} + {d}\"\n")));
        mutants.push(claim(format!("stable from 1 - {d}"), "orbit-stable", &format!("{loss}lr_range = \"1 - {d}..1.01\"\n")));
    }
    (mutants, controls)
}

/// Inequalities with their constant nudged past the sharp value.
fn inequalities() -> (Vec<Claim>, Vec<Claim>) {
    let pd = dec(&(sqrt_rat(5, 1) - 1u32));
    let ineq = |name: String, text: &str, over: &str| claim(name, "inequality", &format!("inequality = \"{text}\"\nover = \"{over}\"\n"));
    let controls = vec![
        ineq("multiplier > -1 on [1, 1.236]".into(), "7 - 4*K - 2*K^2 > -1", "K=1..1.236"),
        ineq("(x - 1)^2 >= 0".into(), "x^2 - 2*x + 1 >= 0", "x=-10..10"),
        ineq("sin <= 1".into(), "sin(x) <= 1", "x=0..3"),
        ineq("exp(x) >= 1 + x".into(), "exp(x) >= 1 + x", "x=-1..1"),
        ineq("x(1 - x) <= 1/4".into(), "x*(1 - x) <= 1/4", "x=0..1"),
        ineq("K <= 1.236 up to its end".into(), "K <= 1.236", "K=1..1.236"),
        ineq("sin(x) <= x up to 0".into(), "sin(x) <= x", "x=0..3"),
        ineq("an identity, x(x + 1) = x^2 + x, as <=".into(), "x*(x + 1) <= x^2 + x", "x=1/3..5/7"),
    ];
    let mut mutants = vec![];
    for d in ["1e-6", "1e-9", "1e-12", "1e-15", "1e-20", "1e-30"] {
        mutants.push(ineq(format!("multiplier > -1 up to sqrt(5) - 1 + {d}"), "7 - 4*K - 2*K^2 > -1", &format!("K=1..{pd} + {d}")));
        mutants.push(ineq(format!("(x - 1)^2 >= {d}"), &format!("x^2 - 2*x + 1 >= {d}"), "x=-10..10"));
        mutants.push(ineq(format!("sin(x) <= 1 - {d}"), &format!("sin(x) <= 1 - {d}"), "x=0..3"));
        mutants.push(ineq(format!("exp(x) >= 1 + x + {d}"), &format!("exp(x) >= 1 + x + {d}"), "x=-1..1"));
        mutants.push(ineq(format!("x(1 - x) <= 1/4 - {d}"), &format!("x*(1 - x) <= 1/4 - {d}"), "x=0..1"));
    }
    mutants.push(ineq("an identity claimed strict".into(), "x*(x + 1) < x^2 + x", "x=1/3..5/7"));
    (mutants, controls)
}

/// Theorem 1 asserted at x = 0 of x^2/2 + c x^3 + d x^4, where 3f'''^2 - f''f'''' = 108c^2 - 24d:
/// the control takes d just below 108c^2/24, the mutants just above. Derivative values nudged.
fn conditions_and_derivatives() -> (Vec<Claim>, Vec<Claim>) {
    let mut mutants = vec![];
    let mut controls = vec![];
    for c in ["1", "1/3", "1/7"] {
        for d in ["1e-3", "1e-9", "1e-20"] {
            let body = |sign: &str| format!("loss = \"x^2/2 + c*x^3 + (108*c^2/24 {sign} {d})*x^4\"\nparams = [\"c={c}\"]\nat = \"x=0\"\njudge = \"theorem1\"\n");
            controls.push(claim(format!("Theorem 1 at c={c}, d = 108c^2/24 - {d}"), "conditions", &body("-")));
            mutants.push(claim(format!("Theorem 1 at c={c}, d = 108c^2/24 + {d}"), "conditions", &body("+")));
        }
    }
    mutants.push(claim("Theorem 1 for x^2 (f''' = 0)".into(), "conditions", "loss = \"x^2\"\nat = \"x=0\"\njudge = \"theorem1\"\n"));
    // f = (x^2 - 1)^2/4 at x = 21/20: f'' = 3x^2 - 1 = 923/400, f''' = 6x = 63/10, f'''' = 6.
    for (order, value) in [(2, "923/400"), (3, "63/10"), (4, "6")] {
        let body = |v: &str| format!("loss = \"(x^2 - 1)^2/4\"\nat = \"x=21/20\"\norder = {order}\nvalue = \"{v}\"\n");
        controls.push(claim(format!("f^({order}) at 21/20 = {value}"), "derivative", &body(value)));
        for d in ["1e-6", "1e-12", "1e-30"] {
            mutants.push(claim(format!("f^({order}) at 21/20 = {value} + {d}"), "derivative", &body(&format!("{value} + {d}"))));
        }
    }
    // A transcendental value, only enclosed: cos(1) = 0.54030230586813971740..., nudged.
    let cos1 = dec(&Float::with_val(400, 1).cos());
    for d in ["1e-9", "1e-20", "1e-30"] {
        mutants.push(claim(format!("sin'(1) = cos(1) + {d}"), "derivative", &format!("loss = \"sin(x)\"\nat = \"x=1\"\norder = 1\nvalue = \"{cos1} + {d}\"\n")));
    }
    (mutants, controls)
}

#[test]
fn no_mutant_passes_and_every_control_does() {
    let families: [(&str, fn() -> (Vec<Claim>, Vec<Claim>)); 5] = [
        ("thresholds", thresholds),
        ("orbits", orbits),
        ("orbit ranges", ranges),
        ("inequalities", inequalities),
        ("conditions and derivatives", conditions_and_derivatives),
    ];
    let (mut total, mut fails, mut undecided) = (0, 0, 0);
    let mut wrong = vec![];
    let mut summary = vec![];
    for (family, make) in families {
        let (mutants, controls) = make();
        for c in &controls {
            let (v, r) = verdict(c);
            if v != Verdict::Pass {
                wrong.push(format!("control '{}' is {v}, not PASS: {r}", c.name));
            }
        }
        let (mut f, mut u) = (0, 0);
        for m in &mutants {
            let (v, r) = verdict(m);
            match v {
                Verdict::Fail => f += 1,
                Verdict::Undecided => {
                    u += 1;
                    println!("  undecided: {}: {r}", m.name);
                }
                other => wrong.push(format!("MUTANT '{}' came out {other}: {r}", m.name)),
            }
        }
        let line = format!("mutation suite, {family}: {} mutants: {f} FAIL, {u} UNDECIDED; {} controls", mutants.len(), controls.len());
        println!("{line}");
        summary.push(line);
        total += mutants.len();
        fails += f;
        undecided += u;
    }
    let line = format!("mutation suite: {total} mutants: {fails} FAIL, {undecided} UNDECIDED, {} PASS (wrong)", wrong.len());
    println!("{line}");
    summary.push(line);
    // Kept for `.ci/run`, which prints the counts after the tests.
    let _ = std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join("soundness-mutation.txt"), summary.join("\n") + "\n");
    assert!(total >= 200, "the suite must hold at least 200 mutants, has {total}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
