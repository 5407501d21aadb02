//! Criterion benchmarks of the certifiers (issue 3's goals): `conditions` on each corollary
//! function (< 1 ms), `orbit` on the quartic at one eta (< 1 ms), and the `prove` range proof
//! over eta*mu in [1 + 1e-6, sqrt(5) - 1 - 1e-6] (< 1 s).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use eoscert::eval::Num;
use eoscert::interval::Interval;
use eoscert::krawczyk::Budget;
use eoscert::parse::{parse_const_expr, parse_loss};
use eoscert::verbs::{conditions, orbit, prove};

const PREC: u32 = 128;

fn interval(lo: &str, hi: &str) -> Interval {
    let a = eoscert::eval::const_value(&parse_const_expr(lo).unwrap(), PREC).unwrap();
    let b = eoscert::eval::const_value(&parse_const_expr(hi).unwrap(), PREC).unwrap();
    a.to_interval(PREC).hull(&b.to_interval(PREC))
}

fn budget() -> Budget {
    Budget::new(200_000, -64, None)
}

fn bench(c: &mut Criterion) {
    let corollaries = [
        ("corollary-1 2*sin(x) at -pi/2", "2*sin(x)", None, Some("-pi/2")),
        ("corollary-2 (x^2-1)^2 at 1", "(x^2 - 1)^2", None, Some("1")),
        ("corollary-3 (sin(x)-1/2)^2", "(sin(x) - 1/2)^2", Some(("0", "1")), None),
        ("corollary-4 (tanh(x)-1/2)^2", "(tanh(x) - 1/2)^2", Some(("0", "1")), None),
        ("corollary-5 (x^3-2)^2", "(x^3 - 2)^2", Some(("1", "2")), None),
        ("corollary-6 (exp(x)-2)^2", "(exp(x) - 2)^2", Some(("0", "1")), None),
        ("corollary-7 (log(x)-1)^2", "(log(x) - 1)^2", Some(("2", "3")), None),
        ("corollary-8 (sigmoid(x)-1/4)^2", "(sigmoid(x) - 1/4)^2", Some(("-2", "0")), None),
    ];
    for (name, loss, range, at) in corollaries {
        let l = parse_loss(loss, &[], None).unwrap();
        let place = match (range, at) {
            (Some((a, b)), _) => conditions::Where::In(interval(a, b)),
            (_, Some(x)) => conditions::Where::At(eoscert::eval::const_value(&parse_const_expr(x).unwrap(), PREC).unwrap()),
            _ => unreachable!(),
        };
        let req = conditions::ConditionsRequest { loss: l, place, squared: None, prec: PREC, budget: budget() };
        c.bench_function(&format!("conditions/{name}"), |b| b.iter(|| conditions::run(black_box(&req)).unwrap()));
    }
    let quartic = parse_loss("(x^2 - 1)^2/4", &[], None).unwrap();
    let req = orbit::OrbitRequest {
        loss: quartic.clone(),
        lr: Num::Exact(num_rational::BigRational::new(21.into(), 20.into())),
        domain: vec![interval("0", "2")],
        prec: PREC,
        budget: budget(),
    };
    c.bench_function("orbit/quartic eta=1.05 in 0..2", |b| b.iter(|| orbit::run(black_box(&req)).unwrap()));
    let mut g = c.benchmark_group("prove");
    g.sample_size(10);
    let req = prove::ProveRequest {
        claim: prove::Claim::OrbitStable {
            loss: quartic,
            lr: interval("1 + 1e-6", "sqrt(5) - 1 - 1e-6"),
            domain: interval("0", "2"),
        },
        prec: PREC,
        budget: budget(),
    };
    g.bench_function("orbit-stable quartic K in [1+1e-6, sqrt(5)-1-1e-6]", |b| b.iter(|| prove::run(black_box(&req)).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
