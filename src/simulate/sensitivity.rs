//! `simulate --experiment NAME --sensitivity N`: every preset rerun with `N` other seeds (the
//! seed draws whatever the paper leaves random and unstated: data, starts, directions, target
//! matrices), and for each measure how far it moved: the range and relative spread of a number,
//! the distinct values of a label.
//!
//! Guarantee: floating-point observations (f64) of deterministic reruns; never a certificate.

use super::experiments::{show, Experiment};
use serde::Serialize;
use serde_json::Value;

/// How one measure moved over the seeds.
#[derive(Clone, Debug, Serialize)]
pub struct Moved {
    pub name: String,
    /// The number of seeds compared (the preset's and the others).
    pub seeds: usize,
    /// `lo .. hi (spread s)` for numbers; `same: V` or `varies: V1 | V2 ...` otherwise.
    pub summary: String,
}

/// Compares the measures of `base` with the same-named measures of `others` (measures whose
/// names differ between runs, such as names that quote a seed-dependent value, are left out).
pub fn compare(base: &Experiment, others: &[Experiment]) -> Vec<Moved> {
    let mut out = vec![];
    for m in &base.measured {
        let mut vals: Vec<&Value> = vec![&m.measured];
        for o in others {
            if let Some(x) = o.measured.iter().find(|x| x.name == m.name) {
                vals.push(&x.measured);
            }
        }
        if vals.len() < 2 {
            continue;
        }
        let nums: Vec<f64> = vals.iter().filter_map(|v| v.as_f64()).collect();
        let summary = if nums.len() == vals.len() {
            let (lo, hi) = nums.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
            let scale = lo.abs().max(hi.abs());
            let spread = if scale > 0.0 { (hi - lo) / scale } else { 0.0 };
            format!("{} .. {} (spread {:.2})", show(&Value::from(lo)), show(&Value::from(hi)), spread)
        } else {
            let mut distinct: Vec<String> = vals.iter().map(|v| show(v)).collect();
            distinct.dedup();
            let mut uniq: Vec<String> = vec![];
            for d in distinct {
                if !uniq.contains(&d) {
                    uniq.push(d);
                }
            }
            if uniq.len() == 1 {
                format!("same: {}", uniq[0])
            } else {
                format!("varies: {}", uniq.join(" | "))
            }
        };
        out.push(Moved { name: m.name.clone(), seeds: vals.len(), summary });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_a_range_and_labels_their_distinct_values() {
        let mk = |x: f64, o: &str| {
            let mut e = Experiment::of("P", "n", "f", "t", true, 0);
            e.measure("x", x, None);
            e.measure("outcome", o, None);
            e
        };
        let moved = compare(&mk(1.0, "converged"), &[mk(2.0, "converged"), mk(1.5, "diverged")]);
        assert_eq!(moved.len(), 2);
        assert_eq!(moved[0].seeds, 3);
        assert!(moved[0].summary.contains("(spread 0.50)"), "{}", moved[0].summary);
        assert_eq!(moved[1].summary, "varies: converged | diverged");
        let same = compare(&mk(1.0, "a"), &[mk(1.0, "a")]);
        assert_eq!(same[1].summary, "same: a");
    }
}
