//! Certified zeros of square systems `G(x) = 0` in a box, by branch-and-prune with the
//! Krawczyk operator.
//!
//! Guarantees:
//! - every [`Zero`] returned has `verified ⊇ enclosure`, and `G` has exactly one zero in
//!   `verified`, which lies in `enclosure` (Krawczyk: `K(X) ⊆ int X` with `G'` enclosed over `X`);
//! - every part of the search box not covered by an excluded box, a verified box, or an
//!   [`Undecided`] box was proved free of zeros (`0 ∉ G_i(X)` for some `i`, or `K(X) ∩ X = ∅`);
//! - two reported zeros are distinct (duplicates from overlapping boxes are merged only when
//!   one's enclosure lies in the other's uniqueness box).
//!
//! The preconditioner `Y ≈ mid(J)^{-1}` is computed in MPFR floats without rigour; Krawczyk's
//! theorem holds for any `Y`, so no rigour is needed there. No f64 is used.

use crate::error::MathResult;
use crate::interval::Interval;
use rug::Float;
use std::time::Instant;

/// A square system with interval enclosures of its values and Jacobian.
pub trait System {
    /// The number of unknowns (= equations).
    fn dim(&self) -> usize;
    /// An enclosure of `G(x)` for all `x` in the box (called on narrow boxes around a point,
    /// and on whole boxes for exclusion).
    fn value(&self, x: &[Interval]) -> MathResult<Vec<Interval>>;
    /// An enclosure of the Jacobian `G'(x)` for all `x` in the box (rows = equations).
    fn jacobian(&self, x: &[Interval]) -> MathResult<Vec<Vec<Interval>>>;
    /// Optional extra pruning: return `true` if the box certainly holds no zero of interest.
    fn exclude(&self, _x: &[Interval]) -> bool {
        false
    }
}

/// Limits on the search; reaching one turns the remaining boxes into [`Undecided`] ones.
#[derive(Clone, Debug)]
pub struct Budget {
    pub max_boxes: usize,
    /// Boxes narrower than this (in every coordinate, absolute) are not split further.
    pub min_width: Float,
    pub deadline: Option<Instant>,
}

impl Budget {
    pub fn new(max_boxes: usize, min_width_log2: i32, deadline: Option<Instant>) -> Budget {
        let mut w = Float::with_val(64, 1);
        w <<= min_width_log2;
        Budget { max_boxes, min_width: w, deadline }
    }
}

/// A certified zero.
#[derive(Clone, Debug)]
pub struct Zero {
    /// A narrow enclosure of the zero.
    pub enclosure: Vec<Interval>,
    /// A box in which the zero is proved to be the only one.
    pub verified: Vec<Interval>,
}

/// A box nothing could be proved about, with the reason.
#[derive(Clone, Debug)]
pub struct Undecided {
    pub region: Vec<Interval>,
    pub reason: String,
}

/// The outcome of a search.
#[derive(Clone, Debug, Default)]
pub struct Search {
    pub zeros: Vec<Zero>,
    /// Certified zeros whose enclosure straddles the boundary of the search box: they exist
    /// and are unique in their verified box, but may lie just outside the domain.
    pub boundary: Vec<Zero>,
    pub undecided: Vec<Undecided>,
    pub boxes: usize,
}

impl Search {
    /// True when the search proved that `zeros` are all the zeros in the box.
    pub fn complete(&self) -> bool {
        self.undecided.is_empty() && self.boundary.is_empty()
    }
}

fn mid_point(x: &[Interval]) -> Vec<Interval> {
    x.iter().map(|i| i.mid_interval()).collect()
}

/// Approximate inverse of the midpoint matrix by Gauss-Jordan in MPFR floats (no rigour
/// needed). `None` if (numerically) singular.
fn approx_inverse(j: &[Vec<Interval>], prec: u32) -> Option<Vec<Vec<Float>>> {
    let n = j.len();
    let mut a: Vec<Vec<Float>> = j.iter().map(|r| r.iter().map(|e| e.mid()).collect()).collect();
    if a.iter().flatten().any(|x| !x.is_finite()) {
        return None;
    }
    let mut inv: Vec<Vec<Float>> =
        (0..n).map(|i| (0..n).map(|k| Float::with_val(prec, u32::from(i == k))).collect()).collect();
    for c in 0..n {
        let piv = (c..n).max_by(|&p, &q| a[p][c].clone().abs().partial_cmp(&a[q][c].clone().abs()).unwrap())?;
        if a[piv][c].is_zero() {
            return None;
        }
        a.swap(c, piv);
        inv.swap(c, piv);
        let p = a[c][c].clone();
        for k in 0..n {
            a[c][k] /= &p;
            inv[c][k] /= &p;
        }
        for r in 0..n {
            if r != c && !a[r][c].is_zero() {
                let f = a[r][c].clone();
                for k in 0..n {
                    let t = Float::with_val(prec, &f * &a[c][k]);
                    a[r][k] -= t;
                    let t = Float::with_val(prec, &f * &inv[c][k]);
                    inv[r][k] -= t;
                }
            }
        }
    }
    if inv.iter().flatten().any(|x| !x.is_finite()) {
        return None;
    }
    Some(inv)
}

fn point_interval(f: &Float) -> Interval {
    Interval::point(f.clone()).expect("finite preconditioner entry")
}

/// The Krawczyk image `K(X) = x̌ − Y G(x̌) + (I − Y J(X))(X − x̌)`.
fn krawczyk<Sys: System + ?Sized>(sys: &Sys, x: &[Interval], prec: u32) -> MathResult<Option<Vec<Interval>>> {
    let n = sys.dim();
    let jx = sys.jacobian(x)?;
    let Some(y) = approx_inverse(&jx, prec) else { return Ok(None) };
    let xc = mid_point(x);
    let gc = sys.value(&xc)?;
    let zero = || Interval::from_int(0, prec);
    let mut k = Vec::with_capacity(n);
    for i in 0..n {
        // x̌_i − Σ_j Y_ij G_j(x̌) + Σ_k (δ_ik − Σ_j Y_ij J_jk) (X_k − x̌_k)
        let mut acc = xc[i].clone();
        for (jj, g) in gc.iter().enumerate() {
            acc = acc.sub(&point_interval(&y[i][jj]).mul(g));
        }
        for kk in 0..n {
            let mut m = if i == kk { Interval::from_int(1, prec) } else { zero() };
            for jj in 0..n {
                m = m.sub(&point_interval(&y[i][jj]).mul(&jx[jj][kk]));
            }
            acc = acc.add(&m.mul(&x[kk].sub(&xc[kk])));
        }
        k.push(acc);
    }
    Ok(Some(k))
}

/// Iterates `X ← K(X) ∩ X` from an enclosure of the unique zero, while it contracts.
fn refine<Sys: System + ?Sized>(sys: &Sys, mut enc: Vec<Interval>, prec: u32) -> MathResult<Vec<Interval>> {
    // Enough: every width below 2^-prec · max(1, |x|). (Without this floor a zero at 0 keeps
    // "improving" through MPFR's huge exponent range until the iteration cap.)
    let narrow = |e: &[Interval]| {
        e.iter().all(|i| {
            let mut tol = Float::with_val(64, i.mag()).max(&Float::with_val(64, 1));
            tol >>= prec as i32;
            i.width() <= tol
        })
    };
    for _ in 0..400 {
        if narrow(&enc) {
            break;
        }
        let Some(k2) = krawczyk(sys, &enc, prec)? else { break };
        let next: Option<Vec<Interval>> = k2.iter().zip(&enc).map(|(a, b)| a.intersect(b)).collect();
        let Some(next) = next else { break };
        // Keep iterating while some coordinate shrinks by more than 1/8 (the contraction is
        // slow on wide boxes and quadratic once narrow).
        let improved = next.iter().zip(&enc).any(|(a, b)| {
            let (wa, wb) = (a.width(), b.width());
            wa * 8u32 < wb * 7u32
        });
        enc = next;
        if !improved {
            break;
        }
    }
    Ok(enc)
}

fn inflate(x: &[Interval]) -> Vec<Interval> {
    x.iter()
        .map(|i| {
            // ε-inflation: widen by 1/16 of the width plus a tiny absolute amount.
            let mut w = i.width();
            w >>= 4;
            let mut tiny = Float::with_val(i.prec(), 1);
            tiny >>= i.prec() as i32;
            w += &tiny;
            i.inflate(&w)
        })
        .collect()
}

/// Whether every interval of `inner` lies in the matching interval of `outer`.
pub(crate) fn contains_box(outer: &[Interval], inner: &[Interval]) -> bool {
    outer.iter().zip(inner).all(|(o, i)| o.contains(i))
}

fn widest(x: &[Interval]) -> usize {
    let mut best = 0;
    for i in 1..x.len() {
        if x[i].width() > x[best].width() {
            best = i;
        }
    }
    best
}

/// Tries to verify a unique zero near `x`; returns the verified box and a refined enclosure.
fn verify<Sys: System + ?Sized>(sys: &Sys, x: &[Interval], prec: u32) -> MathResult<Option<Zero>> {
    let xt = inflate(x);
    let Some(k) = krawczyk(sys, &xt, prec)? else { return Ok(None) };
    if !xt.iter().zip(&k).all(|(o, i)| o.contains_interior(i)) {
        return Ok(None);
    }
    // K(X̃) ⊆ int X̃: a unique zero in X̃, lying in K(X̃). Refine by iterating K.
    let enc: Vec<Interval> = k.iter().zip(&xt).map(|(a, b)| a.intersect(b).expect("K ⊆ X")).collect();
    let enc = refine(sys, enc, prec)?;
    Ok(Some(Zero { enclosure: enc, verified: xt }))
}

/// Finds all zeros of `sys` in `domain`; see the module guarantees.
pub fn solve<Sys: System + ?Sized>(sys: &Sys, domain: &[Interval], budget: &Budget) -> Search {
    solve_with(sys, domain, &[], budget)
}

/// [`solve`], given zeros already certified (each unique in its `verified` box): boxes inside
/// a known zero's verified box are accounted for without search, and the known zeros that lie
/// in the domain are part of the result.
pub fn solve_with<Sys: System + ?Sized>(sys: &Sys, domain: &[Interval], known: &[Zero], budget: &Budget) -> Search {
    let prec = domain.iter().map(|i| i.prec()).max().unwrap_or(128);
    let mut out = Search::default();
    for k in known {
        if contains_box(domain, &k.enclosure) {
            out.zeros.push(k.clone());
        } else if k.enclosure.iter().zip(domain).all(|(e, d)| e.intersect(d).is_some()) {
            out.boundary.push(k.clone());
        }
    }
    let mut stack: Vec<Vec<Interval>> = vec![domain.to_vec()];
    while let Some(x) = stack.pop() {
        out.boxes += 1;
        let timed_out = budget.deadline.is_some_and(|d| Instant::now() > d);
        if out.boxes > budget.max_boxes || timed_out {
            let reason = if timed_out { "time budget reached" } else { "box budget reached" };
            out.undecided.push(Undecided { region: x, reason: reason.into() });
            for r in stack.drain(..) {
                out.undecided.push(Undecided { region: r, reason: reason.into() });
            }
            break;
        }
        if sys.exclude(&x) || known.iter().any(|k| contains_box(&k.verified, &x)) {
            continue;
        }
        let small = x.iter().all(|i| i.width() <= budget.min_width);
        match sys.value(&x) {
            Ok(v) => {
                if v.iter().any(|g| !g.contains_zero()) {
                    continue; // no zero in x
                }
            }
            Err(e) => {
                if small {
                    out.undecided.push(Undecided { region: x, reason: format!("cannot evaluate: {e}") });
                } else {
                    split(&x, &mut stack);
                }
                continue;
            }
        }
        match verify(sys, &x, prec) {
            Ok(Some(z)) => {
                // The verified box was inflated past `x`: place the zero relative to the domain.
                if z.enclosure.iter().zip(domain).any(|(e, d)| e.intersect(d).is_none()) {
                    continue; // the unique zero of the inflated box lies outside the domain
                }
                if !contains_box(domain, &z.enclosure) {
                    if !out.boundary.iter().any(|o| contains_box(&o.verified, &z.enclosure)) {
                        out.boundary.push(z);
                    }
                    continue;
                }
                if !out.zeros.iter().any(|o| contains_box(&o.verified, &z.enclosure) || contains_box(&z.verified, &o.enclosure)) {
                    out.zeros.push(z);
                }
                continue;
            }
            Ok(None) => {}
            Err(_) => {}
        }
        // Krawczyk may still exclude or shrink.
        if let Ok(Some(k)) = krawczyk(sys, &x, prec) {
            let cut: Option<Vec<Interval>> = k.iter().zip(&x).map(|(a, b)| a.intersect(b)).collect();
            match cut {
                None => continue,
                Some(c) => {
                    // Progress counts only in coordinates still wider than the minimum width:
                    // a contraction that keeps halving an already tiny coordinate (a linear
                    // direction converging geometrically) would otherwise never let the box split.
                    let shrunk = c.iter().zip(&x).any(|(a, b)| {
                        let mut half = b.width();
                        half >>= 1;
                        a.width() < half && b.width() > budget.min_width
                    });
                    if shrunk && !small {
                        stack.push(c);
                        continue;
                    }
                }
            }
        }
        if small {
            out.undecided.push(Undecided {
                region: x,
                reason: "neither excluded nor verified at the minimum box width (a multiple or near-multiple zero?)"
                    .into(),
            });
        } else {
            split(&x, &mut stack);
        }
    }
    out
}

/// Verifies a unique zero near `center` by ε-inflation: starting from `center`, iterates
/// `X ← hull(K(X), center)` widened by a quarter of its width until `K(X) ⊆ int X` (then `X`
/// holds exactly one zero, which lies in the refined enclosure) or `rounds` are spent.
pub fn verify_around<Sys: System + ?Sized>(sys: &Sys, center: &[Interval], rounds: usize) -> Option<Zero> {
    let z = verify_around_unrefined(sys, center, rounds)?;
    let prec = center.iter().map(|i| i.prec()).max().unwrap_or(128);
    let enclosure = refine(sys, z.enclosure, prec).ok()?;
    Some(Zero { enclosure, verified: z.verified })
}

/// [`verify_around`] without the final refinement: the enclosure is `K(X) ∩ X` for the
/// verified `X` (it holds the unique zero of `X`), as wide as one Krawczyk step leaves it.
/// For callers that need a certified zero, not a tight one.
pub fn verify_around_unrefined<Sys: System + ?Sized>(sys: &Sys, center: &[Interval], rounds: usize) -> Option<Zero> {
    let prec = center.iter().map(|i| i.prec()).max().unwrap_or(128);
    let mut x: Vec<Interval> = center.to_vec();
    for _ in 0..rounds {
        let xt: Vec<Interval> = x
            .iter()
            .map(|i| {
                let mut w = i.width();
                w >>= 2;
                let mut tiny = Float::with_val(i.prec(), 1);
                tiny >>= (i.prec() as i32) - 8;
                w += tiny * (Float::with_val(i.prec(), i.mag()) + 1u32);
                i.inflate(&w)
            })
            .collect();
        let k = krawczyk(sys, &xt, prec).ok()??;
        if xt.iter().zip(&k).all(|(o, i)| o.contains_interior(i)) {
            let enc: Vec<Interval> = k.iter().zip(&xt).map(|(a, b)| a.intersect(b).expect("K ⊆ X")).collect();
            return Some(Zero { enclosure: enc, verified: xt });
        }
        x = k.iter().zip(center).map(|(a, c)| a.hull(c)).collect();
    }
    None
}

fn split(x: &[Interval], stack: &mut Vec<Vec<Interval>>) {
    let k = widest(x);
    let (a, b) = x[k].bisect();
    let mut xa = x.to_vec();
    xa[k] = a;
    let mut xb = x.to_vec();
    xb[k] = b;
    stack.push(xb);
    stack.push(xa);
}
