//! One GD step of d x d matrix factorisation (`Y, Z ∈ R^{d×d}`, `C = I`), d = 8, 64, 256, 1024:
//! the simulator's hot loop (`Stepper::step`, which takes `MfModel`'s fused step: three products through
//! `simulate::dense`, the residual and update passes fused).
//! `scripts/bench_mf_numpy.sh` times the same loop in numpy.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use eoscert::simulate::{Method, MfModel, Model, Rng, Schedule, Stepper};
use nalgebra::DMatrix;

fn mf_step(c: &mut Criterion) {
    let mut g = c.benchmark_group("mf_gd_step");
    for d in [8usize, 64, 256, 1024] {
        if d >= 256 {
            g.sample_size(10);
        }
        let mut model = MfModel::new(DMatrix::identity(d, d), d);
        let mut theta = model.random_init(&mut Rng::new(1), 0.1);
        let mut stepper = Stepper::new(Method::Gd, Schedule::Constant(0.1), model.dim());
        g.bench_with_input(BenchmarkId::from_parameter(d), &d, |b, _| {
            b.iter(|| stepper.step(&mut model, &mut theta, 0.1).expect("step"))
        });
    }
    g.finish();
}

criterion_group!(benches, mf_step);
criterion_main!(benches);
