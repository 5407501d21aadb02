//! Criterion benchmarks of the derivative engine (issue 2's speed goal: order-8 derivatives of
//! a composite transcendental loss in 128-bit intervals, under 20 µs per evaluation).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use eoscert::eval::taylor_1d;
use eoscert::expr::{Expr, Func, Loss};
use eoscert::interval::Interval;
use num_rational::BigRational;

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(n.into(), d.into())
}

/// `(tanh(sin(x)) - 1/2)^2`, built directly so the benchmark does not depend on the parser.
fn composite() -> Loss {
    let x = Expr::Var(0);
    let inner = Expr::Call(Func::Tanh, Box::new(Expr::Call(Func::Sin, Box::new(x))));
    let diff = Expr::Sub(Box::new(inner), Box::new(Expr::Num(q(1, 2))));
    Loss { expr: Expr::Pow(Box::new(diff), Box::new(Expr::Num(q(2, 1)))), vars: vec!["x".into()], source: "(tanh(sin(x)) - 1/2)^2".into() }
}

fn bench(c: &mut Criterion) {
    let loss = composite();
    for (order, prec) in [(8usize, 128u32), (4, 128), (16, 128), (32, 128), (8, 512)] {
        let x0 = Interval::from_rational(&q(3, 10), prec);
        c.bench_function(&format!("taylor/composite/order{order}/prec{prec}"), |b| {
            b.iter(|| taylor_1d(black_box(&loss), black_box(&x0), order).unwrap())
        });
    }
    let quartic = {
        let x = Expr::Var(0);
        let sq = Expr::Pow(Box::new(x), Box::new(Expr::Num(q(2, 1))));
        let d = Expr::Sub(Box::new(sq), Box::new(Expr::Num(q(1, 1))));
        let p = Expr::Pow(Box::new(d), Box::new(Expr::Num(q(2, 1))));
        Loss { expr: Expr::Div(Box::new(p), Box::new(Expr::Num(q(4, 1)))), vars: vec!["x".into()], source: "(x^2-1)^2/4".into() }
    };
    let x0 = q(21, 20);
    c.bench_function("taylor/quartic/exact/order4", |b| b.iter(|| taylor_1d(black_box(&quartic), black_box(&x0), 4).unwrap()));
}

criterion_group!(benches, bench);
criterion_main!(benches);
