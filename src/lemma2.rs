//! Chen & Bruna Lemma 2 (Section 4.2, proof in Appendix H): a sufficient condition on the start
//! `(x0, y0)` of GD on `f = (xy − mu)²/2` with `eta = K/mu` for `x` and `y` to stay positive:
//! with `m = |y0 − x0|/√mu`, `p = 4/(m + √(m² + 4))²` and `q = (1 + p)²`,
//!
//! `max{ eta (x0 y0 − mu), (4/27)(1 + K)³ + ((2/3)K² − K/3 + q K² m²/(2(K + 1))) q m² − K } < p`,
//!
//! in the setting of Theorem 3 (`1 < K < 1.5`, `x0, y0 > 0`) and with `x0 y0 > mu`.
//!
//! Guarantees: [`condition`] decides the inequality exactly. Every quantity lies in the field
//! `Q(√s)` with `s = (y0 − x0)² + 4 mu` (`m √(m² + 4) = |y0 − x0| √s / mu`), so `p = (m² + 2)/2 −
//! |y0 − x0| √s/(2 mu)` and the second term are `a + b√s` with exact rationals `a, b`, and the
//! sign of `a + b√s` is decided by comparing `a²` with `b² s` (no rounding anywhere).
//! [`trajectory`] runs GD from the start with outward-rounded MPFR intervals through the
//! engine's derivative code and reports the first step at which positivity is refuted (an
//! enclosure below zero) or no longer certified.

use crate::eval::grad_hess;
use crate::expr::Loss;
use crate::interval::Interval;
use crate::numfmt::rational_string;
use crate::poly::QuadSurd;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde::Serialize;
use std::cmp::Ordering;

type Q = BigRational;

/// `a + b√s` for the fixed `s` of one start.
#[derive(Clone, Debug, PartialEq)]
struct Surd {
    a: Q,
    b: Q,
}

impl Surd {
    fn rat(a: Q) -> Surd {
        Surd { a, b: Q::zero() }
    }
    fn add(&self, o: &Surd) -> Surd {
        Surd { a: &self.a + &o.a, b: &self.b + &o.b }
    }
    fn sub(&self, o: &Surd) -> Surd {
        Surd { a: &self.a - &o.a, b: &self.b - &o.b }
    }
    fn mul(&self, o: &Surd, s: &Q) -> Surd {
        Surd { a: &self.a * &o.a + &self.b * &o.b * s, b: &self.a * &o.b + &self.b * &o.a }
    }
    fn scale(&self, q: &Q) -> Surd {
        Surd { a: &self.a * q, b: &self.b * q }
    }
    /// The exact sign of `a + b√s` (`s ≥ 0`).
    fn sign(&self, s: &Q) -> Ordering {
        let (sa, sb) = (self.a.cmp(&Q::zero()), self.b.cmp(&Q::zero()));
        if sb == Ordering::Equal || s.is_zero() {
            return sa;
        }
        if sa == Ordering::Equal || sa == sb {
            return sb;
        }
        // Opposite signs: the larger of |a| and |b|√s wins.
        match (&self.a * &self.a).cmp(&(&self.b * &self.b * s)) {
            Ordering::Greater => sa,
            Ordering::Less => sb,
            Ordering::Equal => Ordering::Equal,
        }
    }
    /// `a + b√s` as an exact surd with an integer radicand (`√s = √(num·den)/den`), for display.
    fn to_quad(&self, s: &Q) -> QuadSurd {
        if let Some(r) = crate::poly::rational_sqrt(s) {
            return QuadSurd::rational(&self.a + &self.b * r);
        }
        let d: BigInt = s.numer() * s.denom();
        QuadSurd { a: self.a.clone(), b: &self.b / Q::from_integer(s.denom().clone()), d }
    }
}

/// The exact evaluation of Lemma 2's condition at one start.
#[derive(Clone, Debug, Serialize)]
pub struct Condition {
    pub x0: String,
    pub y0: String,
    pub mu: String,
    pub eta: String,
    pub k: String,
    /// `m²`, exact.
    pub m_squared: String,
    /// `p`, exact (`a + b·sqrt(d)`) and enclosed.
    pub p: String,
    pub p_enclosure: [String; 2],
    /// `eta (x0 y0 − mu)`, exact.
    pub first: String,
    /// The second term, exact and enclosed.
    pub second: String,
    pub second_enclosure: [String; 2],
    /// The hypotheses: `x0, y0 > 0`, `x0 y0 > mu`, `1 < K < 1.5`.
    pub hypotheses: bool,
    /// `first < p` and `second < p`, decided exactly.
    pub first_below_p: bool,
    pub second_below_p: bool,
    /// Hypotheses and inequality together.
    pub holds: bool,
}

/// Decides Lemma 2's condition exactly (see the module doc). `Err` when `mu ≤ 0` or `eta ≤ 0`.
pub fn condition(x0: &Q, y0: &Q, mu: &Q, eta: &Q, prec: u32) -> Result<Condition, String> {
    if !mu.is_positive() || !eta.is_positive() {
        return Err("Lemma 2 needs mu > 0 and eta > 0".into());
    }
    let one = Q::from_integer(1.into());
    let two = Q::from_integer(2.into());
    let k = eta * mu;
    let d = y0 - x0;
    let m2 = &d * &d / mu;
    let s = &d * &d + Q::from_integer(4.into()) * mu;
    let p = Surd { a: (&m2 + &two) / &two, b: -d.abs() / (&two * mu) };
    let one_p = Surd::rat(one.clone()).add(&p);
    let q = one_p.mul(&one_p, &s);
    let first = eta * (x0 * y0 - mu);
    let c427 = Q::new(4.into(), 27.into());
    let kp1 = &k + &one;
    let inner = Surd::rat(&k * &k * Q::new(2.into(), 3.into()) - &k / Q::from_integer(3.into())).add(&q.scale(&(&k * &k * &m2 / (&two * &kp1))));
    let second = Surd::rat(&c427 * &kp1 * &kp1 * &kp1 - &k).add(&inner.mul(&q, &s).scale(&m2));
    let first_below_p = Surd::rat(first.clone()).sub(&p).sign(&s) == Ordering::Less;
    let second_below_p = second.sub(&p).sign(&s) == Ordering::Less;
    let hypotheses = x0.is_positive() && y0.is_positive() && x0 * y0 > *mu && k > one && k < Q::new(3.into(), 2.into());
    let enc = |v: &Surd| -> [String; 2] {
        match v.to_quad(&s).to_interval(prec) {
            Ok(i) => {
                let (lo, hi) = i.to_decimal_strings(crate::numfmt::digits_for_prec(prec).min(30));
                [lo, hi]
            }
            Err(_) => ["?".into(), "?".into()],
        }
    };
    Ok(Condition {
        x0: rational_string(x0),
        y0: rational_string(y0),
        mu: rational_string(mu),
        eta: rational_string(eta),
        k: rational_string(&k),
        m_squared: rational_string(&m2),
        p: p.to_quad(&s).to_string(),
        p_enclosure: enc(&p),
        first: rational_string(&first),
        second: second.to_quad(&s).to_string(),
        second_enclosure: enc(&second),
        hypotheses,
        first_below_p,
        second_below_p,
        holds: hypotheses && first_below_p && second_below_p,
    })
}

/// What the interval trajectory established.
#[derive(Clone, Debug, Serialize)]
pub struct Trajectory {
    /// Steps after which `x > 0` and `y > 0` are certified (all of them when `complete`).
    pub certified_positive_steps: usize,
    pub complete: bool,
    /// A step at which an enclosure of `x` or `y` lies below zero: positivity is refuted.
    pub negative_at: Option<usize>,
    pub last_x: [String; 2],
    pub last_y: [String; 2],
}

/// GD `θ ← θ − eta ∇L(θ)` from `start` for `steps` steps with intervals at `prec` bits (the
/// gradient from the engine's interval derivative code). Stops at the first step whose
/// enclosure of some coordinate is not certainly positive; `negative_at` is set only when the
/// enclosure is certainly negative.
pub fn trajectory(loss: &Loss, start: &[Q], eta: &Q, steps: usize, prec: u32) -> Result<Trajectory, String> {
    let mut x: Vec<Interval> = start.iter().map(|q| Interval::from_rational(q, prec)).collect();
    let e = Interval::from_rational(eta, prec);
    let mut done = 0;
    let mut negative_at = None;
    while done < steps {
        let j = grad_hess(loss, &x, &prec).map_err(|er| format!("the gradient could not be enclosed at step {}: {er}", done + 1))?;
        x = x.iter().zip(&j.g).map(|(xi, gi)| xi.sub(&e.mul(gi))).collect();
        if x.iter().any(|v| v.is_neg()) {
            negative_at = Some(done + 1);
            break;
        }
        if !x.iter().all(|v| v.is_pos()) {
            break;
        }
        done += 1;
    }
    let show = |v: &Interval| -> [String; 2] {
        let (a, b) = v.to_decimal_strings(20);
        [a, b]
    };
    Ok(Trajectory {
        certified_positive_steps: done,
        complete: done == steps,
        negative_at,
        last_x: show(&x[0]),
        last_y: show(x.get(1).unwrap_or(&x[0])),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Q {
        crate::parse::parse_number(s).unwrap()
    }

    #[test]
    fn surd_signs_are_exact() {
        let s = q("2");
        assert_eq!(Surd { a: q("1.4142"), b: q("-1") }.sign(&s), Ordering::Less);
        assert_eq!(Surd { a: q("1.4143"), b: q("-1") }.sign(&s), Ordering::Greater);
        assert_eq!(Surd { a: q("-3"), b: q("2") }.sign(&q("9/4")), Ordering::Equal);
        assert_eq!(Surd { a: q("0"), b: q("-1") }.sign(&s), Ordering::Less);
    }

    #[test]
    fn condition_at_known_starts() {
        // p at m = 0 is 1; at x0 = 1, y0 = 1.2, mu = 1, eta = 1.1 (f64: first 0.22, second 0.335, p 0.819).
        let c = condition(&q("1"), &q("1.2"), &q("1"), &q("1.1"), 128).unwrap();
        assert!(c.holds && c.first_below_p && c.second_below_p, "{c:?}");
        // A very imbalanced start: the second term is about 11.4 > p = 0.17.
        let c = condition(&q("0.5"), &q("2.5"), &q("1"), &q("1.1"), 128).unwrap();
        assert!(!c.holds && !c.second_below_p);
        // Balanced start: m = 0, p = 1 exactly; second term (4/27)(2.1)^3 - 1.1 = 0.272.
        let c = condition(&q("1.1"), &q("1.1"), &q("1"), &q("1.1"), 128).unwrap();
        assert_eq!(c.p, "1");
        assert!(c.holds);
        // Outside Theorem 3's setting (x0 y0 <= mu): the hypotheses fail.
        assert!(!condition(&q("0.5"), &q("0.5"), &q("1"), &q("1.1"), 128).unwrap().holds);
    }

    #[test]
    fn p_is_four_over_the_square() {
        // m = 3/2 (d = 3/2, mu = 1): sqrt(m^2 + 4) = 5/2, p = 4/16 = 1/4 exactly.
        let c = condition(&q("1"), &q("2.5"), &q("1"), &q("1.1"), 128).unwrap();
        assert_eq!(c.p, "1/4");
    }

    #[test]
    fn trajectories() {
        let l = crate::verbs::input::parse_loss("(x*y - 1)^2/2", &[], None).unwrap();
        let t = trajectory(&l, &[q("1"), q("1.2")], &q("1.1"), 300, 1024).unwrap();
        assert!(t.complete && t.negative_at.is_none());
        let t = trajectory(&l, &[q("0.5"), q("2.5")], &q("1.1"), 300, 1024).unwrap();
        assert_eq!(t.negative_at, Some(1));
    }
}
