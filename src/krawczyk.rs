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
    /// `(value(x), jacobian(x))`; systems that get both from one evaluation override it.
    fn value_and_jacobian(&self, x: &[Interval]) -> MathResult<(Vec<Interval>, Vec<Vec<Interval>>)> {
        Ok((self.value(x)?, self.jacobian(x)?))
    }
    /// Whether some component of `G` certainly has no zero in the box (so `G` has none): by
    /// default, some component of [`System::value`] excludes 0. Systems override it to stop
    /// evaluating once one component excludes 0. Never `true` for a box holding a zero.
    fn excludes_zero(&self, x: &[Interval]) -> MathResult<bool> {
        Ok(self.value(x)?.iter().any(|g| !g.contains_zero()))
    }
    /// Optional extra pruning: return `true` if the box certainly holds no zero of interest.
    fn exclude(&self, _x: &[Interval]) -> bool {
        false
    }
    /// Approximations of `G(x)` and `G'(x)` at a point, rounded to nearest at the point's
    /// precision ([`crate::approx`]; no guarantee), for the Newton steps that choose where the
    /// refinement's Krawczyk test is made: never part of a proof. `None` when the system does
    /// not offer them (the steps then take the midpoints of [`System::value_and_jacobian`] at
    /// the point); `Some(Err)` when the evaluation fails there.
    fn approx_value_and_jacobian(&self, _x: &[Float]) -> Option<MathResult<(Vec<Float>, Vec<Vec<Float>>)>> {
        None
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
    /// An enclosure of the Jacobian `G'` over `verified` (the one the proof used), when kept.
    /// In one dimension its sign is certain: `K(X) ⊆ int X` needs `|1 − y G'(X)| < 1`.
    pub jacobian: Option<Vec<Vec<Interval>>>,
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

/// Approximate inverse of the midpoint matrix in MPFR floats (no rigour needed): `1/m` in one
/// dimension, the adjugate over the determinant in two, Gauss-Jordan above. `None` if
/// (numerically) singular.
fn approx_inverse(j: &[Vec<Interval>], prec: u32) -> Option<Vec<Vec<Float>>> {
    approx_inverse_floats(j.iter().map(|r| r.iter().map(|e| e.mid()).collect()).collect(), prec)
}

/// [`approx_inverse`] of a matrix of floats.
fn approx_inverse_floats(a: Vec<Vec<Float>>, prec: u32) -> Option<Vec<Vec<Float>>> {
    match a.len() {
        1 => inverse_1d(&a[0][0], prec),
        2 => inverse_2d(&a, prec),
        _ => gauss_jordan(a, prec),
    }
}

/// The inverse of the 2×2 matrix `[[a, b], [c, d]]` as `[[d, −b], [−c, a]] / (ad − bc)`, each
/// operation rounded to nearest at `prec` (a third of the elimination's operations: the 2-D
/// orbit searches call this once per box and step). `None` when `ad − bc` is 0 or not finite.
fn inverse_2d(a: &[Vec<Float>], prec: u32) -> Option<Vec<Vec<Float>>> {
    let det = Float::with_val(prec, &a[0][0] * &a[1][1]) - Float::with_val(prec, &a[0][1] * &a[1][0]);
    if !det.is_finite() || det.is_zero() {
        return None;
    }
    let r = Float::with_val(prec, 1u32) / det;
    let e = |x: &Float, neg: bool| {
        let v = Float::with_val(prec, x * &r);
        if neg {
            -v
        } else {
            v
        }
    };
    let inv = vec![vec![e(&a[1][1], false), e(&a[0][1], true)], vec![e(&a[1][0], true), e(&a[0][0], false)]];
    inv.iter().flatten().all(|x| x.is_finite()).then_some(inv)
}

/// `1/m` rounded to nearest at `prec`: what the elimination below computes for n = 1, without
/// its matrices (the 1-D searches call this once per box and step).
fn inverse_1d(m: &Float, prec: u32) -> Option<Vec<Vec<Float>>> {
    if !m.is_finite() || m.is_zero() {
        return None;
    }
    let inv = Float::with_val(prec, 1u32) / m;
    inv.is_finite().then(|| vec![vec![inv]])
}

/// The general case of [`approx_inverse`], on the midpoint matrix `a`.
fn gauss_jordan(mut a: Vec<Vec<Float>>, prec: u32) -> Option<Vec<Vec<Float>>> {
    let n = a.len();
    if a.iter().flatten().any(|x| !x.is_finite()) {
        return None;
    }
    let mut inv: Vec<Vec<Float>> =
        (0..n).map(|i| (0..n).map(|k| Float::with_val(prec, u32::from(i == k))).collect()).collect();
    for c in 0..n {
        let piv = (c..n).max_by(|&p, &q| a[p][c].cmp_abs(&a[q][c]).expect("finite"))?;
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

fn point_interval(f: Float) -> Interval {
    Interval::point(f).expect("finite preconditioner entry")
}

/// The Krawczyk image `K(X) = x̌ − Y G(x̌) + (I − Y J(X))(X − x̌)`.
fn krawczyk<Sys: System + ?Sized>(sys: &Sys, x: &[Interval], prec: u32) -> MathResult<Option<Vec<Interval>>> {
    krawczyk_with(sys, x, &sys.jacobian(x)?, prec)
}

/// [`krawczyk`] with the Jacobian enclosure `jx ⊇ G'(X)` already computed.
fn krawczyk_with<Sys: System + ?Sized>(sys: &Sys, x: &[Interval], jx: &[Vec<Interval>], prec: u32) -> MathResult<Option<Vec<Interval>>> {
    let n = sys.dim();
    let Some(y) = approx_inverse(jx, prec) else { return Ok(None) };
    let xc = mid_point(x);
    let gc = sys.value(&xc)?;
    let zero = || Interval::from_int(0, prec);
    // Y as point intervals and X − x̌ once (not once per row): the same operations in the same
    // order as the formula below, so the same enclosure.
    let y: Vec<Vec<Interval>> = y.into_iter().map(|row| row.into_iter().map(point_interval).collect()).collect();
    let dx: Vec<Interval> = x.iter().zip(&xc).map(|(xk, ck)| xk.sub(ck)).collect();
    let mut k = Vec::with_capacity(n);
    for ((i, yi), xci) in y.iter().enumerate().zip(xc) {
        // x̌_i − Σ_j Y_ij G_j(x̌) + Σ_k (δ_ik − Σ_j Y_ij J_jk) (X_k − x̌_k)
        // (in place: sub_assign/add_assign give the same enclosures as sub/add)
        let mut acc = xci;
        for (yij, g) in yi.iter().zip(&gc) {
            acc.sub_assign(&yij.mul(g));
        }
        for (kk, dxk) in dx.iter().enumerate() {
            let mut m = if i == kk { Interval::from_int(1, prec) } else { zero() };
            for (yij, jrow) in yi.iter().zip(jx) {
                m.sub_assign(&yij.mul(&jrow[kk]));
            }
            acc.add_assign(&m.mul(dxk));
        }
        k.push(acc);
    }
    Ok(Some(k))
}

/// `2^-bits · max(1, |x|)`: a width or step that is small relative to `x`.
fn relative(x: &Float, bits: i32) -> Float {
    // (one float: |x| >= 1 exactly when x is infinite or its exponent is at least 1, x being
    // 0.m·2^e with m in [1/2, 1); NaN counts as below 1, as MPFR's max(NaN, 1) = 1 did)
    let p = x.prec().max(64);
    let mut t = if x.is_infinite() || x.get_exp().is_some_and(|e| e >= 1) { Float::with_val(p, x.abs_ref()) } else { Float::with_val(p, 1) };
    t >>= bits;
    t
}

/// Whether `i` is at most `2^-bits · max(1, |i|)` wide.
fn within(i: &Interval, bits: i32) -> bool {
    i.width() <= relative(&i.mag(), bits)
}

/// Whether every width is below `2^-prec · max(1, |x|)` (refining further is pointless).
fn narrow(e: &[Interval], prec: u32) -> bool {
    e.iter().all(|i| within(i, prec as i32))
}

/// `K ∩ X` coordinate-wise; `None` when some coordinate is empty.
fn intersect_box(k: Vec<Interval>, x: &[Interval]) -> Option<Vec<Interval>> {
    k.into_iter().zip(x).map(|(a, b)| a.intersect_owned(b)).collect()
}

/// The box at precision at least `prec` (exact: raising the precision moves no endpoint).
fn at_least(x: &[Interval], prec: u32) -> Vec<Interval> {
    x.iter().map(|i| i.with_prec(prec.max(i.prec()))).collect()
}

/// Narrows `enc`, an enclosure holding exactly one zero of `sys` (unique in a box containing
/// `enc`), to about `2^-prec` relative width. The result contains that zero.
///
/// First [`newton_then_verify`] (approximate Newton steps at points with rising precision,
/// then one Krawczyk test on a tiny box inside `enc`: 2 interval evaluations plus cheap point
/// ones); if that does not certify, the plain iteration `X ← K(X) ∩ X` while it contracts.
fn refine<Sys: System + ?Sized>(sys: &Sys, enc: Vec<Interval>, prec: u32) -> MathResult<Vec<Interval>> {
    let enc = at_least(&enc, prec);
    if narrow(&enc, prec) {
        return Ok(enc);
    }
    if let Some(tight) = newton_then_verify(sys, &enc, prec) {
        return Ok(tight);
    }
    refine_iterating(sys, enc, prec)
}

/// Approximate Newton from the midpoint of `enc` (no rigour: points, an approximate inverse,
/// precision 64 bits first and `prec` once the steps reach 64-bit accuracy), then a tiny box
/// `B ⊆ enc` around the approximate zero. If `K(B) ⊆ int B`, `B` holds a zero; `enc` holds
/// exactly one, so it is that zero and `K(B) ∩ B` encloses it. `None` when any step fails
/// (singular Jacobian, evaluation error, no convergence, `B ⊄ enc`, or `K(B) ⊄ int B`).
fn newton_then_verify<Sys: System + ?Sized>(sys: &Sys, enc: &[Interval], prec: u32) -> Option<Vec<Interval>> {
    let n = sys.dim();
    let mut x: Vec<Float> = enc.iter().map(|i| Float::with_val(prec, i.mid())).collect();
    let mut p = prec.min(64);
    let mut done = false;
    // |d| of the previous step per coordinate, while below `prec`
    let mut prev: Vec<Option<Float>> = vec![None; n];
    for _ in 0..16 {
        let xp: Vec<Float> = x.iter().map(|v| Float::with_val(p, v)).collect();
        let (gm, jm) = match sys.approx_value_and_jacobian(&xp) {
            Some(r) => r.ok()?,
            None => {
                let xi: Vec<Interval> = xp.into_iter().map(|v| Interval::point(v).ok()).collect::<Option<_>>()?;
                let (g, j) = sys.value_and_jacobian(&xi).ok()?;
                (g.iter().map(|v| v.mid()).collect(), j.iter().map(|r| r.iter().map(|e| e.mid()).collect()).collect())
            }
        };
        let y = approx_inverse_floats(jm, p)?;
        let mut small = true;
        for i in 0..n {
            let mut d = Float::with_val(p, 0);
            for (jj, gj) in gm.iter().enumerate() {
                d += Float::with_val(p, &y[i][jj] * gj);
            }
            if !d.is_finite() {
                return None;
            }
            // "small" (relative to max(1, |x|)): convergence is quadratic, so after this step
            // the error is about |d|^2. Below `prec`, |d| <= 2^-(p/2 + 8) leaves an error at
            // the accuracy p can give: switch to `prec`. At `prec`, |d| <= 2^-(prec/2 - 6)
            // leaves about 2^-(prec - 12), well inside the box B below (radius 2^-(prec - 24));
            // when it does not, the Krawczyk test fails and the caller falls back.
            //   Below `prec` the step may also count as small when the observed contraction
            // predicts it: with |d_k| ≈ C |d_{k-1}|², the error after this step is about
            // C |d|² ≈ |d|³ / |d_prev|²; at most 2^-(p - 4) relative, `p` bits can do no better
            // (one 64-bit step fewer per refinement). A wrong prediction only costs a step at
            // `prec` or a failed final test; the stopping rule at `prec` is unchanged.
            let tol = relative(&x[i], if p < prec { (p / 2 + 8) as i32 } else { (prec / 2) as i32 - 6 });
            let ad = Float::with_val(p, d.abs_ref());
            let predicted = p < prec
                && prev[i].as_ref().is_some_and(|q: &Float| {
                    ad < *q && Float::with_val(p, ad.square_ref()) * &ad <= Float::with_val(p, q.square_ref()) * relative(&x[i], p as i32 - 4)
                });
            if ad > tol && !predicted {
                small = false;
            }
            prev[i] = Some(ad);
            x[i] -= d;
        }
        if small {
            if p == prec {
                done = true;
                break;
            }
            p = prec;
        }
    }
    if !done {
        return None;
    }
    let b: Vec<Interval> = x
        .iter()
        .map(|v| Interval::point(v.clone()).map(|c| c.inflate(&relative(v, prec as i32 - 24))).ok())
        .collect::<Option<_>>()?;
    if !contains_box(enc, &b) {
        return None;
    }
    // The Jacobian over B is only multiplied into (I − Y J(B))(B − x̌): with B's radius
    // 2^-(prec − 24) relative, its accuracy hardly matters, so it is enclosed over B rounded
    // outward to SEARCH_PREC bits (a box containing B: a valid enclosure of G' over B) with the
    // cheaper one-limb arithmetic. |I − Y J| is then about 2^-60 and its product with B − x̌
    // lies far below the rounding of the rest of K(B).
    let b_low: Vec<Interval> = b.iter().map(|i| i.with_prec(SEARCH_PREC.min(i.prec()))).collect();
    let jb = sys.jacobian(&b_low).ok()?;
    let k = krawczyk_with(sys, &b, &jb, prec).ok()??;
    if !b.iter().zip(&k).all(|(o, i)| o.contains_interior(i)) {
        return None;
    }
    intersect_box(k, &b)
}

/// Iterates `X ← K(X) ∩ X` from an enclosure of the unique zero, while it contracts.
fn refine_iterating<Sys: System + ?Sized>(sys: &Sys, mut enc: Vec<Interval>, prec: u32) -> MathResult<Vec<Interval>> {
    // Enough: every width below 2^-prec · max(1, |x|). (Without this floor a zero at 0 keeps
    // "improving" through MPFR's huge exponent range until the iteration cap.)
    for _ in 0..400 {
        if narrow(&enc, prec) {
            break;
        }
        let Some(k2) = krawczyk(sys, &enc, prec)? else { break };
        let Some(next) = intersect_box(k2, &enc) else { break };
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
            // ε-inflation: widen by 1/64 of the width plus a tiny absolute amount. Enough room
            // for a zero on (or just past) the boundary of X to be verified in X̃, and small
            // enough that the exclusion test and K over X̃ stay nearly as tight as over X. The
            // ratio was measured, not guessed: against 1/16, 1/64 searches 14 boxes fewer over
            // the catalogue (no check more; 1/128 and 1/256 make two checks search one or two
            // more) and 4 fewer on the orbit workload (48, was 52); a zero just past a bisection
            // point no longer keeps the other half alive (corollary 3's π/6 just past 1/2).
            let mut w = i.width();
            w >>= 6;
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

/// What one Krawczyk step on the ε-inflation `X̃` of a box `X` proved.
enum Step {
    /// `K(X̃) ⊆ int X̃`: a unique zero in `X̃` (the verified box), refined.
    Verified(Zero),
    /// Not verified; every zero in `X` lies in `K(X̃) ∩ X` (`None`: it is empty, no zero in `X`).
    /// Valid because `X ⊆ X̃` and every zero in `X̃` lies in `K(X̃)`.
    Cut(Option<Vec<Interval>>),
}

/// One Krawczyk step on the inflation of `x`: a verified zero, or a cut of `x` (see [`Step`]).
/// `Ok(None)` when the preconditioner is singular.
/// The step runs at `box_prec` (the box's precision); the refinement at `prec`.
fn verify<Sys: System + ?Sized>(sys: &Sys, x: &[Interval], box_prec: u32, prec: u32) -> MathResult<Option<Step>> {
    let xt = inflate(x);
    let jt = sys.jacobian(&xt)?;
    verify_with(sys, x, &xt, &jt, box_prec, prec)
}

/// [`verify`] given the inflation `xt` of `x` and an enclosure `jt` of the Jacobian over it.
fn verify_with<Sys: System + ?Sized>(
    sys: &Sys,
    x: &[Interval],
    xt: &[Interval],
    jt: &[Vec<Interval>],
    box_prec: u32,
    prec: u32,
) -> MathResult<Option<Step>> {
    let Some(k) = krawczyk_with(sys, xt, jt, box_prec)? else { return Ok(None) };
    if !xt.iter().zip(&k).all(|(o, i)| o.contains_interior(i)) {
        return Ok(Some(Step::Cut(intersect_box(k, x))));
    }
    // K(X̃) ⊆ int X̃: a unique zero in X̃, lying in K(X̃). Refine by iterating K.
    let enc: Vec<Interval> = k.iter().zip(xt).map(|(a, b)| a.intersect(b).expect("K ⊆ X")).collect();
    let enc = refine(sys, enc, prec)?;
    Ok(Some(Step::Verified(Zero { enclosure: enc, verified: at_least(xt, prec), jacobian: Some(jt.to_vec()) })))
}

/// Whether the cut `c` of `x` at least halves some coordinate still wider than the minimum
/// width (progress that lets the search continue on `c` instead of splitting `x`).
fn halves(c: &[Interval], x: &[Interval], budget: &Budget) -> bool {
    c.iter().zip(x).any(|(a, b)| {
        let mut half = b.width();
        half >>= 1;
        a.width() < half && b.width() > budget.min_width
    })
}

/// The precision of the search phase (see [`solve_with`]).
const SEARCH_PREC: u32 = 64;

/// Whether `i` is narrower than `2^-(prec - 20) · max(1, |i|)`: too narrow to be searched
/// at `prec` bits without the rounding dominating.
fn too_narrow_for(i: &Interval, prec: u32) -> bool {
    within(i, prec as i32 - 20)
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
        } else if k.enclosure.iter().zip(domain).all(|(e, d)| e.meets(d)) {
            out.boundary.push(k.clone());
        }
    }
    // Adaptive precision: wide boxes are searched at SEARCH_PREC bits (one-limb MPFR numbers,
    // several times cheaper than 128 bits, and exclusion and verification are just as rigorous
    // at any precision); a box goes to the full precision once it is narrow enough for
    // SEARCH_PREC to blur it, and every zero is refined at the full precision.
    let search_prec = prec.min(SEARCH_PREC);
    let mut stack: Vec<Vec<Interval>> = vec![domain.iter().map(|i| i.with_prec(search_prec)).collect()];
    while let Some(x) = stack.pop() {
        let x = if x.iter().any(|i| i.prec() < prec) && x.iter().any(|i| too_narrow_for(i, search_prec)) {
            x.iter().map(|i| i.with_prec(prec)).collect()
        } else {
            x
        };
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
        let box_prec = x.iter().map(|i| i.prec()).max().unwrap_or(prec);
        // In one and two dimensions, one evaluation over the ε-inflation X̃ ⊇ X serves both
        // the exclusion test (0 ∉ G(X̃) proves no zero in X) and the Krawczyk step on X̃ (its
        // Jacobian): an evaluation fewer per box than G(X), then G'(X̃). (In two dimensions
        // the weaker exclusion by G(X̃) cost more boxes than it saved while X̃ was X widened by
        // 1/16: 62 instead of 51 on the orbit workload; widened by 1/64 it costs none: 48
        // boxes either way, and no catalogue check searches more.) When X̃ cannot be
        // evaluated (it may reach outside the system's domain), the separate path below.
        if sys.dim() <= 2 {
            let xt = inflate(&x);
            if let Ok((v, jt)) = sys.value_and_jacobian(&xt) {
                if v.iter().any(|g| !g.contains_zero()) {
                    continue; // no zero in X̃ ⊇ X
                }
                let step = match verify_with(sys, &x, &xt, &jt, box_prec, prec) {
                    Ok(Some(step)) => Some(step),
                    Ok(None) | Err(_) => cut_by_k(sys, &x, box_prec),
                };
                settle(step, x, domain, small, budget, &mut out, &mut stack);
                continue;
            }
        }
        match sys.excludes_zero(&x) {
            Ok(true) => continue, // no zero in x
            Ok(false) => {}
            Err(e) => {
                if small {
                    out.undecided.push(Undecided { region: x, reason: format!("cannot evaluate: {e}") });
                } else {
                    split(&x, &mut stack);
                }
                continue;
            }
        }
        // The cut by K(X) itself (when the inflated box could not be evaluated: it may reach
        // outside the system's domain, e.g. below s = 0; or in three or more dimensions, below).
        let cut_by_k = || cut_by_k(sys, &x, box_prec);
        let step = match verify(sys, &x, box_prec, prec) {
            // K(X̃) ∩ X empty: no zero in X. Otherwise, in one and two dimensions, K(X̃) ∩ X
            // is the cut (X̃ is X widened by 1/64: about as tight as K(X), and a Jacobian and
            // a value fewer: -10% instructions on the theorem1 workload, -30% on the orbit
            // one); from three dimensions on K(X) (markedly tighter on some systems, e.g. the
            // ReLU neuron's orbit, whose catalogue box budget is set with it).
            Ok(Some(Step::Cut(Some(_)))) if sys.dim() > 2 => cut_by_k(),
            Ok(Some(step)) => Some(step),
            Ok(None) | Err(_) => cut_by_k(),
        };
        settle(step, x, domain, small, budget, &mut out, &mut stack);
    }
    // Report every box at the full precision (exact: only the precision field changes).
    for u in &mut out.undecided {
        u.region = at_least(&u.region, prec);
    }
    out
}

/// The cut `K(X) ∩ X` of a box by the Krawczyk image of the box itself; `None` when `K(X)`
/// cannot be formed (evaluation error or singular preconditioner).
fn cut_by_k<Sys: System + ?Sized>(sys: &Sys, x: &[Interval], prec: u32) -> Option<Step> {
    krawczyk(sys, x, prec).ok().flatten().map(|k| Step::Cut(intersect_box(k, x)))
}

/// Acts on what one Krawczyk step proved about the box `x`: records a verified zero (inside
/// the domain, on its boundary, or outside: dropped), drops an excluded box, pushes a cut that
/// made progress, and otherwise splits `x` (or, at the minimum width, records it undecided).
fn settle(
    step: Option<Step>,
    x: Vec<Interval>,
    domain: &[Interval],
    small: bool,
    budget: &Budget,
    out: &mut Search,
    stack: &mut Vec<Vec<Interval>>,
) {
    match step {
        Some(Step::Verified(z)) => {
            // The verified box was inflated past `x`: place the zero relative to the domain.
            if z.enclosure.iter().zip(domain).any(|(e, d)| !e.meets(d)) {
                return; // the unique zero of the inflated box lies outside the domain
            }
            if !contains_box(domain, &z.enclosure) {
                if !out.boundary.iter().any(|o| contains_box(&o.verified, &z.enclosure)) {
                    out.boundary.push(z);
                }
                return;
            }
            if !out.zeros.iter().any(|o| contains_box(&o.verified, &z.enclosure) || contains_box(&z.verified, &o.enclosure)) {
                out.zeros.push(z);
            }
            return;
        }
        // Krawczyk may still exclude or shrink.
        Some(Step::Cut(None)) => return,
        Some(Step::Cut(Some(c))) => {
            // Progress counts only in coordinates still wider than the minimum width:
            // a contraction that keeps halving an already tiny coordinate (a linear
            // direction converging geometrically) would otherwise never let the box split.
            if halves(&c, &x, budget) && !small {
                // The cut at the box's own precision: K(X̃) comes out at the system's (e.g. a
                // 128-bit learning rate makes it 128 bits), which would take the rest of the
                // search under this box to the full precision long before its width needs it.
                // Rounding outward keeps it inside X (X's endpoints are floats at X's precision).
                let c = c.iter().zip(&x).map(|(ci, xi)| if ci.prec() > xi.prec() { ci.with_prec(xi.prec()) } else { ci.clone() }).collect();
                stack.push(c);
                return;
            }
        }
        None => {}
    }
    if small {
        out.undecided.push(Undecided {
            region: x,
            reason: "neither excluded nor verified at the minimum box width (a multiple or near-multiple zero?)".into(),
        });
    } else {
        split(&x, stack);
    }
}

/// Verifies a unique zero near `center` by ε-inflation: starting from `center`, iterates
/// `X ← hull(K(X), center)` widened by a quarter of its width until `K(X) ⊆ int X` (then `X`
/// holds exactly one zero, which lies in the refined enclosure) or `rounds` are spent.
pub fn verify_around<Sys: System + ?Sized>(sys: &Sys, center: &[Interval], rounds: usize) -> Option<Zero> {
    let z = verify_around_unrefined(sys, center, rounds)?;
    let prec = center.iter().map(|i| i.prec()).max().unwrap_or(128);
    let enclosure = refine(sys, z.enclosure, prec).ok()?;
    Some(Zero { enclosure, ..z })
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
        let jt = sys.jacobian(&xt).ok()?;
        let k = krawczyk_with(sys, &xt, &jt, prec).ok()??;
        if xt.iter().zip(&k).all(|(o, i)| o.contains_interior(i)) {
            let enc: Vec<Interval> = k.iter().zip(&xt).map(|(a, b)| a.intersect(b).expect("K ⊆ X")).collect();
            return Some(Zero { enclosure: enc, verified: xt, jacobian: Some(jt) });
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `relative` is `max(|x|, 1)·2^-bits` (MPFR's max, NaN counting as below 1), value and
    /// precision, around 1 and at the special values.
    #[test]
    fn relative_is_max_abs_one_scaled() {
        let mut xs = crate::interval::special_floats(53);
        for p in [24u32, 64, 128, 200] {
            for v in ["1", "-1", "0.75", "-3.5", "1e-30", "-1e30", "2"] {
                xs.push(Float::with_val(p, Float::parse(v).unwrap()));
            }
            let mut below = Float::with_val(p, 1);
            below.next_down();
            let mut above = Float::with_val(p, 1);
            above.next_up();
            xs.extend([below.clone(), -below, above.clone(), -above]);
        }
        for x in &xs {
            for bits in [0, 7, 100] {
                let mut want = Float::with_val(x.prec().max(64), x.abs_ref()).max(&Float::with_val(64, 1));
                want >>= bits;
                let got = relative(x, bits);
                assert!(got == want && got.prec() == want.prec(), "relative({x}, {bits}) = {got}, want {want}");
            }
        }
    }

    proptest! {
        /// The 1-D shortcut of `approx_inverse` is the elimination's result, bit for bit.
        #[test]
        fn one_dimensional_inverse_is_the_elimination(n in -1_000_000i64..1_000_000, w in 0u32..40, e in -80i32..80, prec in prop::sample::select(vec![53u32, 64, 128, 200])) {
            let mut lo = Float::with_val(64, n);
            lo <<= e;
            let mut hi = Float::with_val(64, n + i64::from(w));
            hi <<= e;
            let x = Interval::new(lo.clone(), hi).unwrap();
            prop_assert_eq!(approx_inverse(&[vec![x.clone()]], prec), gauss_jordan(vec![vec![x.mid()]], prec));
        }

        /// The 2-D closed-form inverse is an inverse: `A·inv(A)` is the identity within
        /// `2^-(prec/2)` (far below what a preconditioner needs) for well-conditioned `A`, and
        /// it agrees with the elimination to the same accuracy.
        #[test]
        fn two_dimensional_inverse_inverts(e in proptest::collection::vec(-1000i64..1000, 4), prec in prop::sample::select(vec![53u32, 64, 128, 200])) {
            let a: Vec<Vec<Float>> = vec![
                vec![Float::with_val(prec, e[0]) + 3000u32, Float::with_val(prec, e[1]) / 7u32],
                vec![Float::with_val(prec, e[2]) / 3u32, Float::with_val(prec, e[3]) - 5000i32],
            ];
            let inv = inverse_2d(&a, prec).expect("regular");
            let ge = gauss_jordan(a.clone(), prec).expect("regular");
            let mut tol = Float::with_val(64, 1);
            tol >>= prec / 2;
            for i in 0..2 {
                for k in 0..2 {
                    let s = Float::with_val(prec, &a[i][0] * &inv[0][k]) + Float::with_val(prec, &a[i][1] * &inv[1][k]);
                    let d = s - u32::from(i == k);
                    prop_assert!(d.abs() <= tol, "A·inv(A) at ({i},{k})");
                    let scale = Float::with_val(64, ge[i][k].abs_ref()) * &tol;
                    prop_assert!(Float::with_val(prec, &inv[i][k] - &ge[i][k]).abs() <= scale.max(&tol), "vs elimination at ({i},{k})");
                }
            }
        }
    }
}
