//! Period-2 orbits of gradient descent in several variables, certified by Krawczyk in `R^{2n}`,
//! with the eigenvalues of the two-step Jacobian enclosed rigorously.
//!
//! GD is `F(x) = x − η ∇f(x)`. A period-2 orbit `{x₁, x₂}` is a zero of the square system
//! `G(x₁, x₂) = (x₂ − F(x₁), x₁ − F(x₂))` with `x₁ ≠ x₂`; its Jacobian is
//! `[[−F'(x₁), I], [I, −F'(x₂)]]` with `F' = I − η H`. Fixed points of `F` (critical points of
//! `f`) are the zeros with `x₁ = x₂`.
//!
//! Guarantees:
//! - every [`OrbitNd`] holds exactly one zero of `G` in `verified`, and it lies in `x₁ × x₂`;
//!   the boxes `x₁` and `x₂` are disjoint, so it is a genuine period-2 orbit (each orbit is
//!   reported once, with its two points in either order);
//! - every [`FixedNd`] is a certified critical point `c` of `f` (Krawczyk on `∇f`), and the
//!   zero `(c, c)` of `G` is the only one in its verified box;
//! - with `complete = true` there are no other period-2 orbits with both points in the domain;
//! - the eigenvalues of `J = F'(x₂) F'(x₁)` are enclosed for every point of the orbit's boxes
//!   ([`crate::eigen`]); `Stable` means spectral radius `< 1` certified, `Unstable` an
//!   eigenvalue of modulus `> 1` certified.
//!
//! Orbits are isolated zeros only when `J − I` is non-singular; a continuous symmetry (an
//! eigenvalue exactly 1, as in matrix factorisation) makes the Krawczyk test fail there, and
//! such regions are reported as undecided with that reason.

use crate::eigen::{self, Cluster, IMatrix, Stability};
use crate::error::MathResult;
use crate::eval::grad_hess;
use crate::expr::Loss;
use crate::interval::Interval;
use crate::krawczyk::{self, Budget, System, Undecided};

/// The system `G(x₁, x₂) = 0` of a period-2 orbit.
struct TwoStep<'a> {
    loss: &'a Loss,
    eta: Interval,
}

impl TwoStep<'_> {
    fn n(&self) -> usize {
        self.loss.vars.len()
    }

    /// `F(x)` and the Hessian `H(x)` over a box.
    fn step(&self, x: &[Interval]) -> MathResult<(Vec<Interval>, Vec<Vec<Interval>>)> {
        let j = grad_hess(self.loss, x, &x[0].prec())?;
        let fx = x.iter().zip(&j.g).map(|(xi, gi)| xi.sub(&self.eta.mul(gi))).collect();
        Ok((fx, j.hessian()))
    }
}

impl System for TwoStep<'_> {
    fn dim(&self) -> usize {
        2 * self.n()
    }

    fn value(&self, z: &[Interval]) -> MathResult<Vec<Interval>> {
        let n = self.n();
        let (x1, x2) = z.split_at(n);
        let (f1, _) = self.step(x1)?;
        let (f2, _) = self.step(x2)?;
        Ok((0..n).map(|i| x2[i].sub(&f1[i])).chain((0..n).map(|i| x1[i].sub(&f2[i]))).collect())
    }

    fn jacobian(&self, z: &[Interval]) -> MathResult<Vec<Vec<Interval>>> {
        let n = self.n();
        let p = z[0].prec();
        let (x1, x2) = z.split_at(n);
        let (_, h1) = self.step(x1)?;
        let (_, h2) = self.step(x2)?;
        let id = |r: usize, c: usize| Interval::from_int((r == c) as i64, p);
        // −F'(x) = η H(x) − I.
        let minus_fp = |h: &[Vec<Interval>], r: usize, c: usize| self.eta.mul(&h[r][c]).sub(&id(r, c));
        let mut rows = Vec::with_capacity(2 * n);
        for r in 0..n {
            rows.push((0..n).map(|c| minus_fp(&h1, r, c)).chain((0..n).map(|c| id(r, c))).collect());
        }
        for r in 0..n {
            rows.push((0..n).map(|c| id(r, c)).chain((0..n).map(|c| minus_fp(&h2, r, c))).collect());
        }
        Ok(rows)
    }
}

/// The critical points of `f`: zeros of `∇f`.
struct Gradient<'a> {
    loss: &'a Loss,
}

impl System for Gradient<'_> {
    fn dim(&self) -> usize {
        self.loss.vars.len()
    }
    fn value(&self, x: &[Interval]) -> MathResult<Vec<Interval>> {
        Ok(grad_hess(self.loss, x, &x[0].prec())?.g)
    }
    fn jacobian(&self, x: &[Interval]) -> MathResult<Vec<Vec<Interval>>> {
        Ok(grad_hess(self.loss, x, &x[0].prec())?.hessian())
    }
}

/// A certified period-2 orbit in several variables.
#[derive(Clone, Debug)]
pub struct OrbitNd {
    pub x1: Vec<Interval>,
    pub x2: Vec<Interval>,
    /// The box in `(x₁, x₂)` where the orbit is the only zero of `G`.
    pub verified: Vec<Interval>,
    /// `J = F'(x₂) F'(x₁)` over the orbit's boxes.
    pub jacobian: IMatrix,
    /// Enclosures of the eigenvalues of `J` (or why they could not be enclosed).
    pub eigenvalues: Result<Vec<Cluster>, String>,
    pub stability: Stability,
}

/// A certified fixed point of `F` (critical point of `f`).
#[derive(Clone, Debug)]
pub struct FixedNd {
    pub point: Vec<Interval>,
    /// Enclosures of the eigenvalues of `F'(c) = I − η H(c)` (symmetric).
    pub eigenvalues: Result<Vec<Interval>, String>,
    pub stability: Stability,
}

/// The outcome of an n-D orbit search.
#[derive(Clone, Debug)]
pub struct SearchNd {
    pub orbits: Vec<OrbitNd>,
    pub fixed_points: Vec<FixedNd>,
    pub undecided: Vec<Undecided>,
    pub boxes: usize,
}

impl SearchNd {
    /// No other orbit or fixed point in the domain.
    pub fn complete(&self) -> bool {
        self.undecided.is_empty()
    }
}

fn disjoint(a: &[Interval], b: &[Interval]) -> bool {
    a.iter().zip(b).any(|(x, y)| !x.meets(y))
}

/// Finds every period-2 orbit of GD with learning rate `eta` (an interval of learning rates is
/// allowed) with both points in the box `domain` (one interval per variable of `loss`), and the
/// fixed points of `F` there.
pub fn period2_orbits_nd(loss: &Loss, eta: &Interval, domain: &[Interval], budget: &Budget) -> SearchNd {
    let prec = eta.prec().max(domain.iter().map(|d| d.prec()).max().unwrap_or(128));
    let sys = TwoStep { loss, eta: eta.clone() };
    let critical = krawczyk::solve(&Gradient { loss }, domain, budget);
    let zz: Vec<Interval> = domain.iter().chain(domain).cloned().collect();
    // The fixed points are zeros of G on the diagonal: known in advance, so the search
    // accounts for their uniqueness boxes without searching them again.
    let known: Vec<krawczyk::Zero> = critical
        .zeros
        .iter()
        .filter_map(|c| {
            let center: Vec<Interval> = c.enclosure.iter().chain(&c.enclosure).cloned().collect();
            krawczyk::verify_around(&sys, &center, 12)
        })
        .collect();
    let found = krawczyk::solve_with(&sys, &zz, &known, budget);
    let mut out = SearchNd { orbits: vec![], fixed_points: vec![], undecided: found.undecided, boxes: found.boxes + critical.boxes };
    out.undecided.extend(critical.undecided);
    let n = loss.vars.len();
    for c in &critical.zeros {
        let eig = grad_hess(loss, &c.enclosure, &prec)
            .map_err(|e| e.to_string())
            .and_then(|j| IMatrix::from_intervals(j.hessian()))
            .map(|h| eigen::gd_jacobian(&h, eta));
        let (eigenvalues, stability) = match eig {
            Ok(m) => (eigen::symmetric_eigenvalues(&m, prec), eigen::spectral_radius_verdict(&m, prec)),
            Err(e) => (Err(e.clone()), Stability::Undecided(e)),
        };
        out.fixed_points.push(FixedNd { point: c.enclosure.clone(), eigenvalues, stability });
    }
    for z in &found.zeros {
        let (x1, x2) = z.enclosure.split_at(n);
        if !disjoint(x1, x2) {
            // A zero near the diagonal: it is a fixed point if a certified critical point's
            // diagonal box lies in its uniqueness box; otherwise nothing can be said.
            let is_fixed = critical.zeros.iter().any(|c| {
                let cc: Vec<Interval> = c.enclosure.iter().chain(&c.enclosure).cloned().collect();
                krawczyk::contains_box(&z.verified, &cc)
            });
            if !is_fixed {
                out.undecided.push(Undecided {
                    region: z.verified.clone(),
                    reason: "a zero of the two-step system whose points could not be separated: a period-2 orbit very close to a fixed point, or a fixed point not certified as a critical point".into(),
                });
            }
            continue;
        }
        // Each orbit is found twice, as (x1, x2) and (x2, x1): keep the first.
        let seen = out.orbits.iter().any(|o| !disjoint(&o.x1, x2) && !disjoint(&o.x2, x1));
        if seen {
            continue;
        }
        let jac = sys.step(x1).and_then(|(_, h1)| sys.step(x2).map(|(_, h2)| (h1, h2))).map_err(|e| e.to_string()).and_then(|(h1, h2)| {
            Ok(eigen::two_step_jacobian(&IMatrix::from_intervals(h1)?, &IMatrix::from_intervals(h2)?, eta))
        });
        let (jacobian, eigenvalues, stability) = match jac {
            Ok(j) => {
                let ev = eigen::general_eigenvalues(&j, prec);
                let st = eigen::spectral_radius_verdict(&j, prec);
                (j, ev, st)
            }
            Err(e) => (IMatrix::identity(n, prec), Err(e.clone()), Stability::Undecided(e)),
        };
        out.orbits.push(OrbitNd { x1: x1.to_vec(), x2: x2.to_vec(), verified: z.verified.clone(), jacobian, eigenvalues, stability });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_rational::BigRational;

    fn q(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    /// A separable loss rotated by the rational rotation (3/5, 4/5): the x-part is the quartic
    /// (x^2 - 1)^2/4, whose orbit at eta = K = 21/20 has multiplier 7 - 4K - 2K^2 = 119/200,
    /// and the y-part y^2/2 has the fixed point 0 with two-step factor (1 - eta)^2 = 1/400.
    #[test]
    fn rotated_separable_orbit_has_the_closed_form_eigenvalues() {
        let src = "(((3*u + 4*v)/5)^2 - 1)^2/4 + ((-4*u + 3*v)/5)^2/2";
        let loss = crate::parse::parse_loss(src, &[], None).unwrap();
        let p = 128;
        // Orbit points (x, 0) with x in {4/sqrt(21), 5/sqrt(21)} ≈ {0.873, 1.091}; in (u, v):
        // u = 3x/5, v = 4x/5. The box holds x in [0.5, 1.5] only on the positive branch.
        let dom = vec![Interval::from_rational(&q(3, 10), p).hull(&Interval::from_rational(&q(9, 10), p)), Interval::from_rational(&q(4, 10), p).hull(&Interval::from_rational(&q(12, 10), p))];
        let s = period2_orbits_nd(&loss, &Interval::from_rational(&q(21, 20), p), &dom, &Budget::new(50_000, -60, None));
        assert!(s.complete(), "{:?}", s.undecided.iter().map(|u| u.reason.clone()).collect::<Vec<_>>());
        assert_eq!(s.orbits.len(), 1);
        assert_eq!(s.fixed_points.len(), 1, "the minimum (3/5, 4/5)");
        let o = &s.orbits[0];
        assert!(matches!(o.stability, Stability::Stable));
        let clusters = o.eigenvalues.as_ref().unwrap();
        let mut found = [false, false];
        for c in clusters {
            for d in &c.discs {
                for (k, ev) in [q(119, 200), q(1, 400)].iter().enumerate() {
                    if d.re.inflate(&d.rad).contains_rational(ev) && d.im.inflate(&d.rad).contains_zero() {
                        found[k] = true;
                    }
                }
            }
        }
        assert_eq!(found, [true, true], "{clusters:?}");
        // The fixed point (3/5, 4/5): F' has eigenvalues 1 - eta*2 and 1 - eta: |.| < 1 fails
        // for the first (1 - 21/10 = -11/10), so the minimum is unstable at this learning rate.
        assert!(matches!(s.fixed_points[0].stability, Stability::Unstable));
    }

    /// Past the period-doubling threshold sqrt(5) - 1 the orbit is unstable.
    #[test]
    fn orbit_past_period_doubling_is_unstable() {
        let loss = crate::parse::parse_loss("(x^2 - 1)^2/4 + y^2/2", &[], None).unwrap();
        let p = 128;
        let dom = vec![Interval::from_rational(&q(1, 2), p).hull(&Interval::from_rational(&q(3, 2), p)), Interval::from_rational(&q(-1, 2), p).hull(&Interval::from_rational(&q(1, 2), p))];
        let s = period2_orbits_nd(&loss, &Interval::from_rational(&q(5, 4), p), &dom, &Budget::new(50_000, -60, None));
        assert_eq!(s.orbits.len(), 1);
        assert!(matches!(s.orbits[0].stability, Stability::Unstable), "{:?}", s.orbits[0].stability);
    }

    /// A box with no orbit in it: none reported, search complete.
    #[test]
    fn a_box_without_an_orbit() {
        let loss = crate::parse::parse_loss("(x^2 - 1)^2/4 + y^2/2", &[], None).unwrap();
        let p = 128;
        let dom = vec![Interval::from_rational(&q(11, 10), p).hull(&Interval::from_rational(&q(3, 2), p)), Interval::from_rational(&q(-1, 2), p).hull(&Interval::from_rational(&q(1, 2), p))];
        let s = period2_orbits_nd(&loss, &Interval::from_rational(&q(21, 20), p), &dom, &Budget::new(50_000, -60, None));
        assert!(s.complete());
        assert!(s.orbits.is_empty());
    }
}
