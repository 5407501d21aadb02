//! Known answers for the simulator: periods of the quartic and of the logistic map, the
//! Lyapunov exponent of the fully chaotic logistic map, conserved quantities of gradient flow,
//! divergence, alternating GD, and determinism.

use super::*;
use nalgebra::{DMatrix, DVector};

fn expr(src: &str) -> ExprModel {
    ExprModel::new(crate::parse::parse_loss(src, &[], None).expect("test loss parses"))
}

fn run(model: &mut dyn Model, x0: &[f64], lr: f64, steps: usize) -> SimReport {
    simulate(model, &DVector::from_column_slice(x0), &SimConfig::gd(lr, steps)).expect("simulation runs")
}

/// The logistic map `x ↦ r x (1 − x)` as GD with `η = 1` on `f(x) = (1 − r) x²/2 + r x³/3`.
struct Logistic {
    r: f64,
}

impl Model for Logistic {
    fn dim(&self) -> usize {
        1
    }
    fn loss(&mut self, t: &DVector<f64>) -> SimResult<f64> {
        let x = t[0];
        Ok((1.0 - self.r) * x * x / 2.0 + self.r * x * x * x / 3.0)
    }
    fn gradient(&mut self, t: &DVector<f64>, g: &mut DVector<f64>) -> SimResult<f64> {
        let x = t[0];
        g[0] = (1.0 - self.r) * x + self.r * x * x;
        self.loss(t)
    }
    fn hvp(&mut self, t: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<()> {
        out[0] = (1.0 - self.r + 2.0 * self.r * t[0]) * v[0];
        Ok(())
    }
}

fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
}

#[test]
fn quartic_period_two_at_1_05() {
    let r = run(&mut expr("(x^2 - 1)^2/4"), &[0.5], 1.05, 20_000);
    assert_eq!(r.class.outcome, Outcome::Periodic, "{r:?}");
    assert_eq!(r.class.period, Some(2));
    let s = 21f64.sqrt();
    assert!(close(&r.class.points[0], &[4.0 / s], 1e-9) && close(&r.class.points[1], &[5.0 / s], 1e-9), "{:?}", r.class.points);
    // Multiplier 7 − 4K − 2K² = 0.595 per two steps: λ = ln(0.595)/2.
    let l = r.class.lyapunov.expect("lyapunov");
    assert!((l - 0.595f64.ln() / 2.0).abs() < 1e-3, "lyapunov {l}");
    // The orbit is beyond the edge of stability at both points of the orbit? Sharpness at the
    // points straddles 2/η: f''(x) = 3x² − 1.
    assert_eq!(r.orbit_sharpness.len(), 2);
    assert!((r.orbit_sharpness[0] - (3.0 * 16.0 / 21.0 - 1.0)).abs() < 1e-9);
}

#[test]
fn quartic_period_two_stable_at_1_235() {
    let r = run(&mut expr("(x^2 - 1)^2/4"), &[0.5], 1.235, 40_000);
    assert_eq!((r.class.outcome, r.class.period), (Outcome::Periodic, Some(2)), "{r:?}");
    assert!(r.class.settled);
    assert!(r.class.lyapunov.expect("lyapunov") < 0.0);
}

#[test]
fn quartic_period_four_at_1_237() {
    // Just past sqrt(5) − 1 ≈ 1.23607 the period-2 orbit has period-doubled.
    let r = run(&mut expr("(x^2 - 1)^2/4"), &[0.5], 1.237, 200_000);
    assert_eq!((r.class.outcome, r.class.period), (Outcome::Periodic, Some(4)), "{r:?}");
    assert_eq!(r.class.points.len(), 4);
}

#[test]
fn logistic_map_known_periods() {
    for (rr, p) in [(3.2, 2), (3.5, 4), (3.83, 3)] {
        let rep = run(&mut Logistic { r: rr }, &[0.3], 1.0, 20_000);
        assert_eq!((rep.class.outcome, rep.class.period), (Outcome::Periodic, Some(p)), "r = {rr}: {rep:?}");
    }
    let rep = run(&mut Logistic { r: 2.5 }, &[0.3], 1.0, 2_000);
    assert_eq!(rep.class.outcome, Outcome::Converged);
    assert!(close(&rep.class.points[0], &[0.6], 1e-12));
}

#[test]
fn logistic_map_at_4_is_chaotic_with_lyapunov_ln_2() {
    let mut cfg = SimConfig::gd(1.0, 20_000);
    cfg.tail = 10_000;
    cfg.classify.lyap_points = 10_000;
    let rep = simulate(&mut Logistic { r: 4.0 }, &DVector::from_element(1, 0.3), &cfg).unwrap();
    assert_eq!(rep.class.outcome, Outcome::Chaotic, "{rep:?}");
    let l = rep.class.lyapunov.unwrap();
    assert!((l - std::f64::consts::LN_2).abs() < 0.03, "lyapunov {l}");
}

#[test]
fn divergence_is_detected() {
    let r = run(&mut expr("x^2/2"), &[1.0], 2.5, 10_000);
    assert_eq!(r.class.outcome, Outcome::Diverged);
    assert!(r.class.diverged_at.is_some());
    let r = run(&mut expr("(x^2 - 1)^2/4"), &[3.0], 1.0, 1000);
    assert_eq!(r.class.outcome, Outcome::Diverged);
}

#[test]
fn quadratic_converges_below_the_edge() {
    let r = run(&mut expr("x^2/2 + 2*y^2"), &[1.0, -1.0], 0.4, 2000);
    assert_eq!(r.class.outcome, Outcome::Converged);
    assert!(close(&r.class.points[0], &[0.0, 0.0], 1e-9));
    assert!((r.sharpness.unwrap() - 4.0).abs() < 1e-12 && (r.min_eigenvalue.unwrap() - 1.0).abs() < 1e-12);
}

#[test]
fn gradient_flow_conserves_x2_minus_y2() {
    let mut m = expr("(x*y - 1)^2/2");
    let x0 = DVector::from_column_slice(&[2.0, 0.3]);
    let mut cfg = SimConfig::gd(0.01, 1000);
    cfg.method = Method::Flow;
    cfg.tail = 4;
    let (rep, traj) = simulate_with_tail(&mut m, &x0, &cfg).unwrap();
    let c0 = x0[0] * x0[0] - x0[1] * x0[1];
    for t in &traj.tail {
        assert!((t[0] * t[0] - t[1] * t[1] - c0).abs() < 1e-8, "{t:?}");
    }
    // It reaches the minimum manifold xy = 1 without oscillating.
    assert!(rep.last_loss < 1e-12, "{rep:?}");
}

#[test]
fn gradient_flow_conserves_the_mf_gram_difference() {
    let c = DMatrix::from_diagonal(&DVector::from_column_slice(&[1.0, 0.5, 0.25]));
    let mut m = MfModel::new(c, 3);
    let x0 = m.random_init(&mut Rng::new(5), 0.6);
    let g0 = m.gram_difference(&x0);
    let mut cfg = SimConfig::gd(0.05, 200);
    cfg.method = Method::Flow;
    cfg.tail = 2;
    let (_, traj) = simulate_with_tail(&mut m, &x0, &cfg).unwrap();
    let g1 = m.gram_difference(traj.last().unwrap());
    assert!((g1 - g0).amax() < 1e-8);
}

#[test]
fn gd_balances_the_product_loss() {
    // Chen & Bruna Theorem 3: beyond the edge of stability, GD on (xy - 1)²/2 drives |x - y| to 0.
    let r = run(&mut expr("(x*y - 1)^2/2"), &[1.6, 0.5], 1.05, 20_000);
    assert_eq!((r.class.outcome, r.class.period), (Outcome::Periodic, Some(2)), "{r:?}");
    assert!(r.balance[0].1 < 1e-9 && r.balance_initial[0].1 > 1.0, "{:?}", r.balance);
}

#[test]
fn alternating_gd_updates_the_second_block_with_the_new_first() {
    let mut m = expr("(x*y - 1)^2/2");
    let mut s = Stepper::new(Method::Agd, Schedule::Constant(0.5), 2);
    let mut t = DVector::from_column_slice(&[2.0, 1.0]);
    s.step(&mut m, &mut t, 0.5).unwrap();
    // x1 = 2 − 0.5·(2·1 − 1)·1 = 1.5; y1 = 1 − 0.5·(1.5·1 − 1)·1.5 = 0.625.
    assert!(close(t.as_slice(), &[1.5, 0.625], 1e-15), "{t:?}");
}

#[test]
fn schedules() {
    let s = Schedule::parse("step:10:0.5", 1.0).unwrap();
    assert_eq!((s.lr(9), s.lr(10), s.lr(25)), (1.0, 0.5, 0.25));
    let w = Schedule::parse("warmup:4", 2.0).unwrap();
    assert_eq!((w.lr(0), w.lr(3), w.lr(100)), (0.5, 2.0, 2.0));
    assert!(Schedule::parse("cosine", 1.0).is_err());
}

#[test]
fn same_seed_same_report() {
    let c = DMatrix::from_diagonal(&DVector::from_column_slice(&[1.0, 0.5]));
    let go = |seed| {
        let mut m = MfModel::new(c.clone(), 2);
        let x0 = m.random_init(&mut Rng::new(seed), 0.3);
        serde_json::to_string(&simulate(&mut m, &x0, &SimConfig::gd(1.05, 3000)).unwrap()).unwrap()
    };
    assert_eq!(go(9), go(9));
    assert_ne!(go(9), go(10));
}

/// A map `θ ↦ F(θ)` run as GD with `η = 1` on a "model" whose gradient is `θ − F(θ)` (not a
/// gradient field in general: a test double for the classifier, which only sees the iterates
/// and the tangent map `v ↦ DF v`).
struct MapModel {
    dim: usize,
    f: fn(&DVector<f64>) -> DVector<f64>,
    df: fn(&DVector<f64>, &DVector<f64>) -> DVector<f64>,
}

impl Model for MapModel {
    fn dim(&self) -> usize {
        self.dim
    }
    fn loss(&mut self, t: &DVector<f64>) -> SimResult<f64> {
        Ok(t.norm_squared() / 2.0)
    }
    fn gradient(&mut self, t: &DVector<f64>, g: &mut DVector<f64>) -> SimResult<f64> {
        g.copy_from(&(t - (self.f)(t)));
        self.loss(t)
    }
    fn hvp(&mut self, t: &DVector<f64>, v: &DVector<f64>, out: &mut DVector<f64>) -> SimResult<()> {
        out.copy_from(&(v - (self.df)(t, v)));
        Ok(())
    }
}

fn run_map(m: &mut MapModel, x0: &[f64], steps: usize) -> SimReport {
    let mut cfg = SimConfig::gd(1.0, steps);
    cfg.sharpness = false;
    simulate(m, &DVector::from_column_slice(x0), &cfg).expect("simulation runs")
}

#[test]
fn slow_geometric_convergence_is_converging_not_quasi_periodic() {
    // x_{n+1} = 0.999 x_n: after 5000 steps x is about 7e-3, far from the tolerance 1e-9.
    let mut m = MapModel { dim: 1, f: |t| t * 0.999, df: |_, v| v * 0.999 };
    let r = run_map(&mut m, &[1.0], 5000);
    assert_eq!(r.class.outcome, Outcome::Converged, "{r:?}");
    assert!(!r.class.settled);
    let rate = r.class.converging.expect("reported as still converging");
    assert!((rate - 0.999).abs() < 1e-6, "rate {rate}");
    assert!(r.class.reason.as_deref().unwrap().contains("not yet within tolerance"));
    assert!((r.class.lyapunov.unwrap() - 0.999f64.ln()).abs() < 1e-9);
    // Slower still (0.9999, Lyapunov exponent well inside the tolerance): the same, never
    // quasi-periodic; and a rotation-free spiral (multipliers 0.999 e^{±i}) too.
    let mut m = MapModel { dim: 1, f: |t| t * 0.9999, df: |_, v| v * 0.9999 };
    let r = run_map(&mut m, &[1.0], 5000);
    assert_eq!((r.class.outcome, r.class.converging.is_some()), (Outcome::Converged, true), "{r:?}");
    fn spiral(t: &DVector<f64>) -> DVector<f64> {
        let (c, s) = (0.999 * 1f64.cos(), 0.999 * 1f64.sin());
        DVector::from_column_slice(&[c * t[0] - s * t[1], s * t[0] + c * t[1]])
    }
    let mut m = MapModel { dim: 2, f: spiral, df: |_, v| spiral(v) };
    let r = run_map(&mut m, &[1.0, 0.0], 5000);
    assert_eq!((r.class.outcome, r.class.converging.is_some()), (Outcome::Converged, true), "{r:?}");
    // Converging with multiplier -0.9999 is converging to a point, not a period-2 orbit.
    let mut m = MapModel { dim: 1, f: |t| t * -0.9999, df: |_, v| v * -0.9999 };
    let r = run_map(&mut m, &[1.0], 5000);
    assert_eq!((r.class.outcome, r.class.period, r.class.converging.is_some()), (Outcome::Converged, None, true), "{r:?}");
}

#[test]
fn irrational_rotation_is_quasi_periodic() {
    // Rotation by 2 pi (sqrt(5) - 1)/2: no period, Lyapunov exponent 0, constant step size.
    fn rot(t: &DVector<f64>) -> DVector<f64> {
        let a = std::f64::consts::PI * (5f64.sqrt() - 1.0);
        DVector::from_column_slice(&[a.cos() * t[0] - a.sin() * t[1], a.sin() * t[0] + a.cos() * t[1]])
    }
    let mut m = MapModel { dim: 2, f: rot, df: |_, v| rot(v) };
    let r = run_map(&mut m, &[1.0, 0.0], 5000);
    assert_eq!(r.class.outcome, Outcome::QuasiPeriodic, "{r:?}");
    assert!(r.class.converging.is_none());
    assert!(r.class.lyapunov.unwrap().abs() < 1e-9);
}

#[test]
fn period_two_map_and_slowly_attracting_period_two_orbit() {
    // x -> -x: every point is on a period-2 orbit.
    let mut m = MapModel { dim: 1, f: |t| -t, df: |_, v| -v };
    let r = run_map(&mut m, &[0.5], 101);
    assert_eq!((r.class.outcome, r.class.period), (Outcome::Periodic, Some(2)), "{r:?}");
    assert!(r.class.settled);
    assert!(close(&r.class.points[0], &[-0.5], 0.0) && close(&r.class.points[1], &[0.5], 0.0));
    // x -> -(1 + 0.9999 (|x| - 1)) sign(x): the orbit {-1, 1} attracts with multiplier 0.9999
    // per two steps; from 2 it is still converging after 5000 steps: period 2, not settled.
    fn f(t: &DVector<f64>) -> DVector<f64> {
        t.map(|x| -x.signum() * (1.0 + 0.99995 * (x.abs() - 1.0)))
    }
    let mut m = MapModel { dim: 1, f, df: |_, v| v * -0.99995 };
    let r = run_map(&mut m, &[2.0], 5000);
    assert_eq!((r.class.outcome, r.class.period, r.class.converging.is_some()), (Outcome::Periodic, Some(2), true), "{r:?}");
    assert!(!r.class.settled);
}
