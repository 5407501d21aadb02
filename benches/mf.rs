//! Criterion benchmarks of `--model mf` (issue 4's speed goals): a certified period-2 orbit of
//! matrix factorisation with the enclosure of every eigenvalue of the full two-step Jacobian,
//! for 2×2 factors (8 variables, goal < 50 ms) and 4×4 factors (32 variables, goal < 2 s), in
//! the enclosure path and the exact path; and Theorem 6 at a 2×2 and a 3×3 minimiser.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use eoscert::krawczyk::Budget;
use eoscert::verbs::mf;
use eoscert::verdict::Verdict;

const PREC: u32 = 128;

fn orbit(c: &str, lr: &str) {
    let out = mf::orbit(c, lr, None, PREC, Budget::new(200_000, -64, None)).unwrap();
    assert!(out.orbits.iter().all(|o| o.stable == Verdict::Pass) && !out.orbits.is_empty());
    black_box(out);
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("mf");
    g.sample_size(10);
    g.bench_function("orbit 2x2 (8 variables), enclosures", |b| b.iter(|| orbit("diag:1,1/2", "1.05")));
    g.bench_function("orbit 2x2 (8 variables), exact", |b| b.iter(|| orbit("diag:21,4", "1/20")));
    g.bench_function("orbit 3x3 (18 variables), enclosures", |b| b.iter(|| orbit("diag:1,1/2,1/4", "1.05")));
    g.bench_function("orbit 4x4 (32 variables), enclosures", |b| b.iter(|| orbit("diag:1,1/2,1/3,1/4", "1.05")));
    g.bench_function("orbit 4x4 (32 variables), exact", |b| b.iter(|| orbit("diag:21,4,1,1/4", "1/20")));
    g.bench_function("theorem 6 2x2", |b| b.iter(|| black_box(mf::theorem6("[[2,1],[0,1]]", "[[1,0],[1,3]]", None, PREC).unwrap())));
    g.bench_function("theorem 6 3x3", |b| {
        b.iter(|| black_box(mf::theorem6("[[1,2,0],[0,1,1],[1,0,3]]", "[[2,0,1],[1,1,0],[0,1,1]]", None, PREC).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
