//! Side-by-side workloads of issue 8, eoscert's half (the reference halves are the Python
//! scripts in `benches/reference/`; `scripts/bench_compare.sh` runs them all one after the other
//! and prints the ratios).
//!
//! No criterion: a plain loop with `std::time::Instant`, so the output is machine-readable.
//! Each case is run until at least `MIN_TIME` has elapsed (at least `MIN_RUNS`, at most
//! `MAX_RUNS` times) and its median wall time is printed as one JSON object per line:
//!
//! ```text
//! {"workload": "theorem1", "case": "corollary-3", "seconds": 1.2e-4, "runs": 101}
//! ```
//!
//! Workloads (all at 128 bits unless the case says otherwise):
//! - `theorem1`: for each Section 4 corollary function (the losses, intervals and points of
//!   `benches/certify.rs`), certify the minimum (Krawczyk on f' over the interval, or the given
//!   point certified as a zero of f'), classify it (f'' > 0), and enclose f'', f''', f'''' and
//!   `3 f'''^2 - f'' f''''` at it. No Theorem-1 witnesses, no report.
//! - `orbit`: every certified period-2 orbit of GD on `2*sin(x)` at eta = 21/20 in [-3, 0], with
//!   its multiplier (`period2_orbits`: Krawczyk on the desingularised (m, s) system).
//! - `derivatives`: Taylor coefficients to order k = 4, 8, 16, 32 of
//!   `(tanh(sin(x) + x^2/3) - 1/2)^2 * exp(-x/5)` at x = 7/10 (an interval enclosing it), at
//!   128 and 512 bits (`taylor_1d`).
//!
//! Usage: `cargo bench --bench workloads` (optionally `-- FILTER` to run only the workloads
//! whose name contains FILTER). `EOSCERT_BENCH_MIN_TIME` (seconds, default 1) sets the time
//! spent per case; `EOSCERT_BENCH_CASE=TEXT` runs only the cases whose name contains TEXT.

use std::hint::black_box;
use std::time::{Duration, Instant};

use eoscert::eval::{const_value, taylor_1d, Num};
use eoscert::expr::Loss;
use eoscert::interval::Interval;
use eoscert::krawczyk::Budget;
use eoscert::minima::{certify_critical_at, critical_points, derivatives_at, Kind};
use eoscert::orbit::period2_orbits;
use eoscert::parse::{parse_const_expr, parse_loss};
use num_rational::BigRational;

const PREC: u32 = 128;
const MIN_RUNS: usize = 5;
const MAX_RUNS: usize = 100_000;

fn min_time() -> Duration {
    let s: f64 = std::env::var("EOSCERT_BENCH_MIN_TIME").ok().and_then(|v| v.parse().ok()).unwrap_or(1.0);
    Duration::from_secs_f64(s)
}

/// Runs `f` repeatedly and prints the median time as one JSON line.
fn time<R>(workload: &str, case: &str, mut f: impl FnMut() -> R) {
    if std::env::var("EOSCERT_BENCH_CASE").is_ok_and(|c| !case.contains(&c)) {
        return;
    }
    // one warm-up run (also checks that the work succeeds)
    black_box(f());
    let budget = min_time();
    // EOSCERT_BENCH_RUNS=N: exactly N timed runs (for instruction counts per run: the
    // difference of two counts with different N excludes start-up and one-time tables).
    let runs: Option<usize> = std::env::var("EOSCERT_BENCH_RUNS").ok().and_then(|v| v.parse().ok());
    let mut samples = Vec::new();
    let start = Instant::now();
    while match runs {
        Some(n) => samples.len() < n.max(1),
        None => samples.len() < MIN_RUNS || (start.elapsed() < budget && samples.len() < MAX_RUNS),
    } {
        let t = Instant::now();
        black_box(f());
        samples.push(t.elapsed().as_secs_f64());
    }
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = samples[samples.len() / 2];
    println!(
        "{}",
        serde_json::json!({"workload": workload, "case": case, "seconds": median, "runs": samples.len(), "tool": "eoscert"})
    );
}

fn interval(lo: &str, hi: &str) -> Interval {
    let a = const_value(&parse_const_expr(lo).unwrap(), PREC).unwrap();
    let b = const_value(&parse_const_expr(hi).unwrap(), PREC).unwrap();
    a.to_interval(PREC).hull(&b.to_interval(PREC))
}

fn budget() -> Budget {
    Budget::new(200_000, -64, None)
}

/// `f'', f''', f''''` and `3 f'''^2 - f'' f''''` at one certified minimum.
fn theorem1_values(loss: &Loss, z: &eoscert::minima::Zero) -> [Interval; 4] {
    let d = derivatives_at(loss, z, 4).expect("derivatives at the minimum");
    let iv: Vec<Interval> = d.iter().map(|n| n.to_interval(PREC)).collect();
    let cond = iv[3].sqr().mul_int(3).sub(&iv[2].mul(&iv[4]));
    [iv[2].clone(), iv[3].clone(), iv[4].clone(), cond]
}

/// W1 on an interval: every minimum of f in it (Krawczyk on f'), then the Theorem 1 values.
fn theorem1_in(loss: &Loss, dom: &Interval) -> Vec<[Interval; 4]> {
    let (crit, search) = critical_points(loss, dom, &budget());
    assert!(search.undecided.is_empty(), "search incomplete");
    let minima: Vec<_> = crit.iter().filter(|c| c.kind == Kind::Minimum).collect();
    assert!(!minima.is_empty(), "no certified minimum");
    minima.iter().map(|c| theorem1_values(loss, &c.zero)).collect()
}

/// W1 at a given point: the point certified as a zero of f' (exactly, when it is exact), f'' > 0,
/// then the Theorem 1 values.
fn theorem1_at(loss: &Loss, x: &Num) -> [Interval; 4] {
    let z = certify_critical_at(loss, x, PREC).expect("certified critical point");
    let v = theorem1_values(loss, &z);
    assert!(v[0].is_pos(), "f'' > 0 not certified");
    v
}

fn main() {
    // SAFETY: the first statement: no GMP/MPFR memory exists yet (as in eoscert's own main).
    unsafe { eoscert::alloc::install_for_gmp() };
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let want = |w: &str| filter.as_deref().map_or(true, |f| w.contains(f));

    if want("theorem1") {
        let corollaries = [
            ("corollary-1 2*sin(x) at -pi/2", "2*sin(x)", None, Some("-pi/2")),
            ("corollary-2 (x^2-1)^2 at 1", "(x^2 - 1)^2", None, Some("1")),
            ("corollary-3 (sin(x)-1/2)^2 in [0,1]", "(sin(x) - 1/2)^2", Some(("0", "1")), None),
            ("corollary-4 (tanh(x)-1/2)^2 in [0,1]", "(tanh(x) - 1/2)^2", Some(("0", "1")), None),
            ("corollary-5 (x^3-2)^2 in [1,2]", "(x^3 - 2)^2", Some(("1", "2")), None),
            ("corollary-6 (exp(x)-2)^2 in [0,1]", "(exp(x) - 2)^2", Some(("0", "1")), None),
            ("corollary-7 (log(x)-1)^2 in [2,3]", "(log(x) - 1)^2", Some(("2", "3")), None),
            ("corollary-8 (sigmoid(x)-1/4)^2 in [-2,0]", "(sigmoid(x) - 1/4)^2", Some(("-2", "0")), None),
        ];
        for (name, src, range, at) in corollaries {
            let loss = parse_loss(src, &[], None).unwrap();
            match (range, at) {
                (Some((a, b)), _) => {
                    let dom = interval(a, b);
                    time("theorem1", name, || theorem1_in(&loss, &dom));
                }
                (_, Some(x)) => {
                    let x = const_value(&parse_const_expr(x).unwrap(), PREC).unwrap();
                    time("theorem1", name, || theorem1_at(&loss, &x));
                }
                _ => unreachable!(),
            }
        }
    }

    if want("orbit") {
        let loss = parse_loss("2*sin(x)", &[], None).unwrap();
        let eta = Interval::from_rational(&BigRational::new(21.into(), 20.into()), PREC);
        let dom = interval("-3", "0");
        let check = period2_orbits(&loss, &eta, &dom, &budget());
        assert_eq!(check.orbits.len(), 1, "expected one period-2 orbit");
        assert!(check.undecided.is_empty(), "orbit search incomplete");
        time("orbit", "2*sin(x) eta=1.05 in [-3,0]", || period2_orbits(&loss, &eta, &dom, &budget()));
    }

    if want("derivatives") {
        let loss = parse_loss("(tanh(sin(x) + x^2/3) - 1/2)^2 * exp(-x/5)", &[], None).unwrap();
        let x0 = BigRational::new(7.into(), 10.into());
        for prec in [128u32, 512] {
            let x = Interval::from_rational(&x0, prec);
            for k in [4usize, 8, 16, 32] {
                time("derivatives", &format!("k={k} prec={prec}"), || taylor_1d(&loss, &x, k).unwrap());
            }
        }
    }
}
