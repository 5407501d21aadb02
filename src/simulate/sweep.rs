//! Sweeps: many independent simulations (a grid of learning rates for a bifurcation diagram, a
//! grid of `(η σ1², η σ2²)` for a divergence map) run on a fixed number of threads.
//!
//! Determinism: item `i` is computed by `f(i)` alone and stored in slot `i`, so the result does
//! not depend on the thread count or on scheduling. Guarantee: whatever `f` guarantees — here
//! floating-point observations, a cross-check, never a certificate.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `[f(0), ..., f(n-1)]` computed on `threads` threads; `progress(done, n)` after each item.
pub fn parallel_map<T: Send>(n: usize, threads: usize, f: &(dyn Fn(usize) -> T + Sync), progress: &(dyn Fn(usize, usize) + Sync)) -> Vec<T> {
    let slots: Vec<Mutex<Option<T>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, n.max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let v = f(i);
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(v);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, n);
            });
        }
    });
    slots
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()).expect("every slot is filled by the workers"))
        .collect()
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
