//! Sweeps: many independent simulations (a grid of learning rates for a bifurcation diagram, a
//! grid of `(η σ1², η σ2²)` for a divergence map) run in parallel with rayon on a fixed number
//! of threads.
//!
//! Determinism: item `i` is computed by `f(i)` alone and collected in order, so the result does
//! not depend on the thread count or on scheduling. Guarantee: whatever `f` guarantees — here
//! floating-point observations, a cross-check, never a certificate.

use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `[f(0), ..., f(n-1)]` computed by rayon on a pool of `threads` threads (its own pool, so the
/// `--jobs` of the caller is honoured); `progress(done, n)` after each item.
pub fn parallel_map<T: Send>(n: usize, threads: usize, f: &(dyn Fn(usize) -> T + Sync), progress: &(dyn Fn(usize, usize) + Sync)) -> Vec<T> {
    let done = AtomicUsize::new(0);
    let work = || {
        (0..n)
            .into_par_iter()
            .map(|i| {
                let v = f(i);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, n);
                v
            })
            .collect()
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads.clamp(1, n.max(1))).build() {
        Ok(pool) => pool.install(work),
        // (a pool cannot be built only when threads cannot be spawned: rayon's global pool)
        Err(_) => work(),
    }
}

/// `n` evenly spaced values from `a` to `b` inclusive (`[a]` for `n = 1`).
pub fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    match n {
        0 => vec![],
        1 => vec![a],
        _ => (0..n).map(|i| a + (b - a) * i as f64 / (n - 1) as f64).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_map_keeps_order_for_any_thread_count() {
        let one = parallel_map(50, 1, &|i| i * i, &|_, _| {});
        let four = parallel_map(50, 4, &|i| i * i, &|_, _| {});
        assert_eq!(one, four);
        assert_eq!(one[7], 49);
        assert_eq!(linspace(1.0, 2.0, 3), vec![1.0, 1.5, 2.0]);
    }
}
