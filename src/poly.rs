//! Exact univariate polynomials over Q, with certified real-root isolation.
//!
//! Guarantees:
//! - Every arithmetic result (`add`, `mul`, `div_rem`, `gcd`, `compose`, `eval`, resultants, ...)
//!   is exact: coefficients are [`BigRational`]s and nothing is ever rounded. The one
//!   floating-point operation, [`Poly::eval_interval`], is outward-rounded interval Horner
//!   evaluation and encloses `p(x)` for every `x` in the argument.
//! - Root counting and isolation are proved by Sturm's theorem on the square-free part
//!   `p / gcd(p, p')` (which has the same distinct roots as `p`), with every sign decided by
//!   exact rational evaluation. Counts are of DISTINCT real roots.
//! - Root refinement is bisection with exact signs; [`Poly::root_interval`] converts the exact
//!   rational bracket outward, so the MPFR interval always contains the root.
//! - [`Poly::rational_roots`] is complete for every non-zero polynomial (see its doc), and the
//!   quartic split ([`Poly::quartic_quadratic_split`]) is complete, so irreducibility claims
//!   ([`Poly::is_irreducible_proved`]) for degree ≤ 4 are proofs.
//! - Anything that would enumerate the roots of the zero polynomial (every number is a root)
//!   returns `None` instead of a finite, wrong answer.
//!
//! Bivariate polynomials and resultants are in [`crate::poly2`].

use crate::error::{MathError, MathResult};
use crate::eval::fold_rational;
use crate::expr::Expr;
use crate::interval::Interval;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::fmt;

type Q = BigRational;

/// The rational `n`.
pub(crate) fn qi(n: i64) -> Q {
    Q::from_integer(BigInt::from(n))
}

/// `(a + b) / 2`.
fn mid(a: &Q, b: &Q) -> Q {
    (a + b) / qi(2)
}

/// The exact square root of a non-negative integer, if it is a perfect square.
fn int_sqrt_exact(n: &BigInt) -> Option<BigInt> {
    if n.is_negative() {
        return None;
    }
    let r = n.sqrt();
    if &r * &r == *n {
        Some(r)
    } else {
        None
    }
}

/// The exact square root of a rational, if it is the square of a rational.
pub fn rational_sqrt(q: &Q) -> Option<Q> {
    // Lowest terms with a positive denominator: q is a square iff both parts are.
    Some(Q::new(int_sqrt_exact(q.numer())?, int_sqrt_exact(q.denom())?))
}

/// Largest trial divisor used by [`square_decompose`].
const TRIAL_LIMIT: u64 = 1_000_000;

/// Writes `n > 0` as `f² · d` with `d` not a perfect square unless `d = 1`. `d` is proved
/// square-free when the cofactor left after trial division by all integers up to 10^6 is
/// below 10^18 (in particular whenever `n < 10^18`); beyond that a square of a prime > 10^6
/// may remain in `d` (`f² · d = n` holds exactly in every case).
fn square_decompose(n: &BigInt) -> (BigInt, BigInt) {
    let mut rest = n.clone();
    let mut f = BigInt::one();
    let mut d = BigInt::one();
    let mut p: u64 = 2;
    while p <= TRIAL_LIMIT && BigInt::from(p) * BigInt::from(p) <= rest {
        let mut e = 0u32;
        while (&rest % p).is_zero() {
            rest /= p;
            e += 1;
        }
        f *= num_traits::pow(BigInt::from(p), (e / 2) as usize);
        if e % 2 == 1 {
            d *= p;
        }
        p += if p == 2 { 1 } else { 2 };
    }
    // `rest` is 1, a prime, or has only prime factors > TRIAL_LIMIT.
    if let Some(r) = int_sqrt_exact(&rest) {
        f *= r;
    } else {
        d *= rest;
    }
    (f, d)
}

/// A polynomial `c₀ + c₁x + … + c_n xⁿ` with exact rational coefficients, lowest degree first.
///
/// Invariant: no trailing zero coefficient; the zero polynomial has no coefficients.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Poly {
    c: Vec<Q>,
}

/// Where a bisection step found the root.
pub(crate) enum Step {
    Exact(Q),
    Bracket(Q, Q),
}

/// A Sturm chain of a non-zero square-free polynomial, for repeated counting. Each member is
/// kept as integer coefficients with the sign of its content, so that signs are evaluated in
/// integers without a single gcd ([`int_sign_at`]).
struct Sturm {
    seq: Vec<(Ordering, Vec<BigInt>)>,
}

/// The sign of `Σ cᵢ xⁱ` at `x = a/b` (`b > 0`), as the sign of the integer
/// `Σ cᵢ aⁱ b^{n−i}` (homogeneous Horner): exact, with no rational normalisation.
fn int_sign_at(c: &[BigInt], x: &Q) -> Ordering {
    let (a, b) = (x.numer(), x.denom());
    let mut acc = BigInt::zero();
    let mut bpow = BigInt::one();
    for (k, ci) in c.iter().rev().enumerate() {
        if k == 0 {
            acc = ci.clone();
        } else {
            bpow *= b;
            acc = acc * a + ci * &bpow;
        }
    }
    acc.cmp(&BigInt::zero())
}

/// Integer polynomials (coefficients lowest degree first, no trailing zeros): the primitive
/// pseudo-remainder sequences behind [`Poly::gcd`] and the Sturm chain. Exact; no rational
/// normalisation (a gcd per coefficient and operation made the rational Euclid the bulk of the
/// polynomial path).
mod ints {
    use num_bigint::BigInt;
    use num_integer::Integer;
    use num_traits::{Signed, Zero};

    fn trim(c: &mut Vec<BigInt>) {
        while c.last().is_some_and(|x| x.is_zero()) {
            c.pop();
        }
    }

    /// `c / gcd(c)` with the gcd taken positive: the same signs (zero stays empty).
    pub fn positive_primitive(mut c: Vec<BigInt>) -> Vec<BigInt> {
        trim(&mut c);
        let g = c.iter().fold(BigInt::zero(), |acc, a| acc.gcd(a));
        if !g.is_zero() && g != BigInt::from(1) {
            for a in &mut c {
                *a /= &g;
            }
        }
        c
    }

    /// `λ·(a mod b)` for some `λ > 0` (a positive multiple of the remainder of `a` by `b`,
    /// `b ≠ 0`): pseudo-division, each step scaling by `lc(b)`, the sign fixed at the end.
    pub fn positive_prem(a: &[BigInt], b: &[BigInt]) -> Vec<BigInt> {
        let db = b.len() - 1;
        let lb = &b[db];
        let mut r = a.to_vec();
        trim(&mut r);
        let mut steps = 0u32;
        while r.len() > db {
            let k = r.len() - 1 - db;
            let lr = r.pop().expect("non-empty");
            for x in r.iter_mut() {
                *x *= lb;
            }
            for (j, bj) in b[..db].iter().enumerate() {
                r[k + j] -= &lr * bj;
            }
            trim(&mut r);
            steps += 1;
        }
        // r = lb^steps · (a mod b)
        if lb.is_negative() && steps % 2 == 1 {
            for x in &mut r {
                *x = -std::mem::take(x);
            }
        }
        r
    }
}

impl Sturm {
    fn new(squarefree: &Poly) -> Sturm {
        let seq = squarefree.sturm_ints().into_iter().map(|c| (Ordering::Greater, c)).collect();
        Sturm { seq }
    }

    /// Sign changes of the chain at `x`, zeros skipped.
    fn variations(&self, x: &Q) -> usize {
        let mut count = 0;
        let mut last = Ordering::Equal;
        for (content, ints) in &self.seq {
            let s = match content {
                Ordering::Less => int_sign_at(ints, x).reverse(),
                _ => int_sign_at(ints, x),
            };
            if s != Ordering::Equal {
                if last != Ordering::Equal && s != last {
                    count += 1;
                }
                last = s;
            }
        }
        count
    }

    /// Distinct roots in `(a, b]`, `a < b` (Sturm's theorem, zero-skipping convention: at a
    /// root `c` of the square-free `p`, `V(c) = V(c+) = V(c−) − 1`).
    fn count(&self, a: &Q, b: &Q) -> usize {
        let (va, vb) = (self.variations(a), self.variations(b));
        va.checked_sub(vb).expect("Sturm's theorem: V(a) >= V(b) for a < b")
    }
}

impl Poly {
    fn normalized(mut c: Vec<Q>) -> Poly {
        while c.last().is_some_and(|x| x.is_zero()) {
            c.pop();
        }
        Poly { c }
    }

    /// The zero polynomial.
    pub fn zero() -> Poly {
        Poly { c: Vec::new() }
    }
    /// The constant 1.
    pub fn one() -> Poly {
        Poly::constant(qi(1))
    }
    /// The polynomial `x`.
    pub fn x() -> Poly {
        Poly { c: vec![qi(0), qi(1)] }
    }
    /// The constant `q`.
    pub fn constant(q: Q) -> Poly {
        Poly::normalized(vec![q])
    }
    /// `q · x^k`.
    pub fn monomial(q: Q, k: usize) -> Poly {
        let mut c = vec![Q::zero(); k];
        c.push(q);
        Poly::normalized(c)
    }
    /// From coefficients, lowest degree first (trailing zeros are dropped).
    pub fn from_coeffs(c: Vec<Q>) -> Poly {
        Poly::normalized(c)
    }
    /// From integer coefficients, lowest degree first.
    pub fn from_ints(c: &[i64]) -> Poly {
        Poly::normalized(c.iter().map(|&n| qi(n)).collect())
    }
    /// From big integer coefficients, lowest degree first.
    pub fn from_bigints(c: &[BigInt]) -> Poly {
        Poly::normalized(c.iter().map(|n| Q::from_integer(n.clone())).collect())
    }
    /// `∏ (x − r)` over the given roots.
    pub fn from_roots(roots: &[Q]) -> Poly {
        roots.iter().fold(Poly::one(), |acc, r| acc.mul(&Poly::from_coeffs(vec![-r.clone(), qi(1)])))
    }

    /// The degree; `None` for the zero polynomial.
    pub fn degree(&self) -> Option<usize> {
        self.c.len().checked_sub(1)
    }
    /// The coefficients, lowest degree first (empty for zero).
    pub fn coeffs(&self) -> &[Q] {
        &self.c
    }
    /// The coefficient of `x^i` (0 beyond the degree).
    pub fn coeff(&self, i: usize) -> Q {
        self.c.get(i).cloned().unwrap_or_else(Q::zero)
    }
    /// The leading coefficient (0 for the zero polynomial).
    pub fn lead(&self) -> Q {
        self.c.last().cloned().unwrap_or_else(Q::zero)
    }
    pub fn is_zero(&self) -> bool {
        self.c.is_empty()
    }
    /// True for constants, including 0.
    pub fn is_constant(&self) -> bool {
        self.c.len() <= 1
    }

    pub fn add(&self, o: &Poly) -> Poly {
        let n = self.c.len().max(o.c.len());
        Poly::normalized((0..n).map(|i| self.coeff(i) + o.coeff(i)).collect())
    }
    pub fn sub(&self, o: &Poly) -> Poly {
        let n = self.c.len().max(o.c.len());
        Poly::normalized((0..n).map(|i| self.coeff(i) - o.coeff(i)).collect())
    }
    pub fn neg(&self) -> Poly {
        Poly { c: self.c.iter().map(|x| -x).collect() }
    }
    /// `self · o`, exactly. Computed as `(N1·N2)/(d1·d2)` with `Nk` integer polynomials over a
    /// common denominator `dk` of each factor: integer products only, one reduced fraction per
    /// coefficient at the end (a rational product per term would take a gcd per term).
    pub fn mul(&self, o: &Poly) -> Poly {
        if self.is_zero() || o.is_zero() {
            return Poly::zero();
        }
        let (n1, d1) = self.over_common_denominator();
        let (n2, d2) = o.over_common_denominator();
        let mut c = vec![BigInt::zero(); n1.len() + n2.len() - 1];
        for (i, a) in n1.iter().enumerate().filter(|(_, a)| !a.is_zero()) {
            for (j, b) in n2.iter().enumerate().filter(|(_, b)| !b.is_zero()) {
                c[i + j] += a * b;
            }
        }
        let d = d1 * d2;
        Poly::normalized(c.into_iter().map(|x| if d.is_one() { Q::from_integer(x) } else { Q::new(x, d.clone()) }).collect())
    }
    /// `(N, d)` with integer coefficients `N_i = c_i·d` and `d > 0` the lcm of the denominators.
    fn over_common_denominator(&self) -> (Vec<BigInt>, BigInt) {
        let l = self.c.iter().fold(BigInt::one(), |acc, a| if a.denom().is_one() { acc } else { acc.lcm(a.denom()) });
        let n = self.c.iter().map(|a| if l.is_one() { a.numer().clone() } else { a.numer() * (&l / a.denom()) }).collect();
        (n, l)
    }
    /// `q · self`.
    pub fn scale(&self, q: &Q) -> Poly {
        Poly::normalized(self.c.iter().map(|x| x * q).collect())
    }
    /// `self^n` (`self^0 = 1`, also for the zero polynomial).
    pub fn pow(&self, n: u32) -> Poly {
        let mut result = Poly::one();
        let mut base = self.clone();
        let mut n = n;
        while n > 0 {
            if n & 1 == 1 {
                result = result.mul(&base);
            }
            n >>= 1;
            if n > 0 {
                base = base.mul(&base);
            }
        }
        result
    }
    /// `self / lead` (zero stays zero).
    pub fn monic(&self) -> Poly {
        match self.c.last() {
            None => Poly::zero(),
            Some(l) => self.scale(&l.recip()),
        }
    }

    /// Euclidean division: `(q, r)` with `self = q·d + r`, `deg r < deg d`; `None` if `d = 0`.
    pub fn div_rem(&self, d: &Poly) -> Option<(Poly, Poly)> {
        let dd = d.degree()?;
        let lc = &d.c[dd];
        if self.c.len() < d.c.len() {
            return Some((Poly::zero(), self.clone()));
        }
        let n = self.c.len() - 1;
        let mut r = self.c.clone();
        let mut q = vec![Q::zero(); n - dd + 1];
        for k in (0..=n - dd).rev() {
            let coef = &r[k + dd] / lc;
            if !coef.is_zero() {
                for (j, dj) in d.c.iter().enumerate() {
                    r[k + j] -= &coef * dj;
                }
            }
            q[k] = coef;
        }
        r.truncate(dd);
        Some((Poly::normalized(q), Poly::normalized(r)))
    }

    /// The exact quotient `self / d` when `d` divides `self`; `None` otherwise or if `d = 0`.
    pub fn div_exact(&self, d: &Poly) -> Option<Poly> {
        let (q, r) = self.div_rem(d)?;
        if r.is_zero() {
            Some(q)
        } else {
            None
        }
    }

    pub fn derivative(&self) -> Poly {
        // i·(n/d) reduced with one small gcd: for g = gcd(i, d), (n·(i/g))/(d/g) is in lowest
        // terms (n/d is, and i/g, d/g are coprime), so no gcd of the full product is taken.
        Poly::normalized(
            self.c
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, a)| {
                    let i = BigInt::from(i);
                    if a.denom().is_one() {
                        return Q::from_integer(a.numer() * i);
                    }
                    let g = i.gcd(a.denom());
                    Q::new_raw(a.numer() * (&i / &g), a.denom() / &g)
                })
                .collect(),
        )
    }

    /// `self(q(x))`.
    pub fn compose(&self, q: &Poly) -> Poly {
        self.c.iter().rev().fold(Poly::zero(), |acc, a| acc.mul(q).add(&Poly::constant(a.clone())))
    }

    /// `self(x)`, exactly (Horner).
    pub fn eval(&self, x: &Q) -> Q {
        self.c.iter().rev().fold(Q::zero(), |acc, a| acc * x + a)
    }

    /// The sign of `self(x)`, exactly. Horner on unreduced fractions `N/D` with `D > 0`:
    /// `N/D · a/b + n/d = (N·a·d + n·D·b)/(D·b·d)`, so no gcd is ever taken (normalising
    /// rationals dominated the exact orbit path).
    pub fn sign_at(&self, x: &Q) -> Ordering {
        let (a, b) = (x.numer(), x.denom());
        let mut num = BigInt::zero();
        let mut den = BigInt::one();
        for c in self.c.iter().rev() {
            num = &num * a * c.denom() + c.numer() * &den * b;
            den = den * b * c.denom();
        }
        num.cmp(&BigInt::zero())
    }

    /// Interval Horner evaluation at the precision of `x`: contains `self(t)` for every `t ∈ x`.
    pub fn eval_interval(&self, x: &Interval) -> Interval {
        crate::roots::IPoly::new(self, x.prec()).eval(x)
    }

    /// The monic greatest common divisor (`gcd(0, 0) = 0`). Euclid on primitive integer
    /// polynomials (pseudo-remainders made primitive): the same gcd up to a constant factor.
    pub fn gcd(&self, o: &Poly) -> Poly {
        if o.is_zero() {
            return self.monic();
        }
        if self.is_zero() {
            return o.monic();
        }
        let mut a = self.primitive_integer().1;
        let mut b = o.primitive_integer().1;
        if a.len() < b.len() {
            std::mem::swap(&mut a, &mut b);
        }
        loop {
            let r = ints::positive_primitive(ints::positive_prem(&a, &b));
            if r.is_empty() {
                return Poly::from_bigints(&b).monic();
            }
            a = std::mem::replace(&mut b, r);
        }
    }

    /// `self = |c|·p` with `p` primitive integer coefficients of the same signs as `self`.
    fn positive_primitive_ints(&self) -> Vec<BigInt> {
        let (c, mut p) = self.primitive_integer();
        if c.is_negative() {
            for x in &mut p {
                *x = -std::mem::take(x);
            }
        }
        p
    }

    /// [`Poly::sturm_sequence`] as integer coefficient vectors (primitive pseudo-remainders).
    fn sturm_ints(&self) -> Vec<Vec<BigInt>> {
        if self.is_zero() {
            return Vec::new();
        }
        let mut seq = vec![self.positive_primitive_ints()];
        let d = self.derivative();
        if d.is_zero() {
            return seq;
        }
        seq.push(d.positive_primitive_ints());
        loop {
            let n = seq.len();
            // −(p_{k−1} mod p_k), up to a positive factor
            let mut r = ints::positive_primitive(ints::positive_prem(&seq[n - 2], &seq[n - 1]));
            if r.is_empty() {
                return seq;
            }
            for x in &mut r {
                *x = -std::mem::take(x);
            }
            seq.push(r);
        }
    }

    /// `self / gcd(self, self')`: the same distinct roots, each simple. Zero stays zero;
    /// a non-zero constant is returned unchanged.
    pub fn squarefree(&self) -> Poly {
        let g = self.gcd(&self.derivative());
        self.div_exact(&g).unwrap_or_else(Poly::zero)
    }

    /// `(content, primitive)` with `self = content · primitive`, `primitive` integer
    /// coefficients (lowest degree first) with gcd 1 and positive leading coefficient.
    /// The zero polynomial gives `(0, [])`.
    pub fn primitive_integer(&self) -> (Q, Vec<BigInt>) {
        if self.is_zero() {
            return (Q::zero(), Vec::new());
        }
        // integer operations only (a rational product would normalise with a gcd per coefficient)
        let (ints, l) = self.over_common_denominator();
        let mut g = ints.iter().fold(BigInt::zero(), |acc, a| acc.gcd(a));
        if self.lead().is_negative() {
            g = -g;
        }
        let prim = ints.iter().map(|a| a / &g).collect();
        (Q::new(g, l), prim)
    }

    /// Formats with the variable called `var`.
    pub fn to_string_var(&self, var: &str) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut s = String::new();
        for (i, a) in self.c.iter().enumerate().rev() {
            if a.is_zero() {
                continue;
            }
            let neg = a.is_negative();
            if s.is_empty() {
                if neg {
                    s.push('-');
                }
            } else {
                s.push_str(if neg { " - " } else { " + " });
            }
            let a = a.abs();
            let mono = match i {
                0 => String::new(),
                1 => var.to_string(),
                _ => format!("{var}^{i}"),
            };
            if i == 0 {
                s.push_str(&a.to_string());
            } else if a.is_one() {
                s.push_str(&mono);
            } else {
                s.push_str(&format!("{a}*{mono}"));
            }
        }
        s
    }

    // ------------------------------------------------------------------ resultant

    /// The resultant `Res(self, g) = lc(self)^{deg g} ∏_{self(α)=0} g(α)` (the Sylvester
    /// determinant for the actual degrees), via the Euclidean recurrence
    /// `Res(f, g) = (−1)^{mn} lc(g)^{m − deg r} Res(g, r)`, `r = f mod g`.
    /// Conventions: 0 if either polynomial is zero; `Res(c, g) = c^{deg g}` for a constant `c`.
    pub fn resultant(&self, g: &Poly) -> Q {
        let (mut f, mut g) = (self.clone(), g.clone());
        let mut acc = qi(1);
        loop {
            let (m, n) = match (f.degree(), g.degree()) {
                (Some(m), Some(n)) => (m, n),
                _ => return Q::zero(),
            };
            if n == 0 {
                return acc * num_traits::pow(g.lead(), m);
            }
            if m == 0 {
                return acc * num_traits::pow(f.lead(), n);
            }
            if (m * n) % 2 == 1 {
                acc = -acc;
            }
            if m < n {
                std::mem::swap(&mut f, &mut g);
                continue;
            }
            let (_, r) = f.div_rem(&g).expect("g is non-zero");
            let Some(k) = r.degree() else { return Q::zero() };
            acc *= num_traits::pow(g.lead(), m - k);
            f = g;
            g = r;
        }
    }

    // ------------------------------------------------------------------ Sturm

    /// The Sturm sequence `p₀, p₁, …`: `p₀` and `p₁` positive multiples of `self` and `self'`,
    /// `p_{k+1}` a positive multiple of `−(p_{k−1} mod p_k)`, each a primitive integer
    /// polynomial (positive scalings keep every sign), ending at the last non-zero remainder.
    /// Sturm's theorem needs `self` square-free; [`Poly::count_roots`] applies it to
    /// [`Poly::squarefree`].
    pub fn sturm_sequence(&self) -> Vec<Poly> {
        self.sturm_ints().iter().map(|c| Poly::from_bigints(c)).collect()
    }

    /// The number of DISTINCT real roots in the half-open interval `(a, b]` (0 when `a ≥ b`):
    /// a root exactly at `b` counts, one exactly at `a` does not. `None` for the zero
    /// polynomial (every number is a root).
    pub fn count_roots(&self, a: &Q, b: &Q) -> Option<usize> {
        if self.is_zero() {
            return None;
        }
        if a >= b {
            return Some(0);
        }
        Some(Sturm::new(&self.squarefree()).count(a, b))
    }

    /// The number of distinct real roots in the closed interval `[a, b]` (0 when `a > b`);
    /// `None` for the zero polynomial.
    pub fn count_roots_closed(&self, a: &Q, b: &Q) -> Option<usize> {
        if self.is_zero() {
            return None;
        }
        let s = self.squarefree();
        Some(count_closed(&s, &Sturm::new(&s), a, b))
    }

    /// Isolating intervals for the distinct real roots in the closed interval `[a, b]`:
    /// sorted, pairwise disjoint (`hi_i < lo_{i+1}`), each closed `[lo, hi]` containing exactly
    /// one root, and together all of them. A root found exactly is returned as `(r, r)`; for a
    /// non-degenerate interval neither endpoint is a root (so the square-free part changes
    /// sign across it). Empty when `a > b`; `None` for the zero polynomial.
    pub fn isolate_roots(&self, a: &Q, b: &Q) -> Option<Vec<(Q, Q)>> {
        if self.is_zero() {
            return None;
        }
        let s = self.squarefree();
        Some(isolate_squarefree(&s, a, b))
    }

    /// A bound `B` with `|r| < B` for every complex root `r` (Cauchy: `1 + max |cᵢ / c_n|`);
    /// 1 for constants (and for the zero polynomial, where it means nothing).
    pub fn real_roots_bound(&self) -> Q {
        let Some(n) = self.degree() else { return qi(1) };
        let lc = self.c[n].abs();
        qi(1) + self.c[..n].iter().map(|a| a.abs() / &lc).max().unwrap_or_else(Q::zero)
    }

    /// [`Poly::isolate_roots`] over `[−B, B]`, `B` = [`Poly::real_roots_bound`]: all real roots.
    pub fn isolate_all_real_roots(&self) -> Option<Vec<(Q, Q)>> {
        let b = self.real_roots_bound();
        self.isolate_roots(&-b.clone(), &b)
    }

    /// Narrows a bracket of the unique distinct root of `self` in `[lo, hi]` by bisection with
    /// exact signs until its width is at most `width` (or the root is hit exactly, giving
    /// `(r, r)`). `None` unless `self ≠ 0`, `lo ≤ hi`, `width > 0` and `[lo, hi]` contains
    /// exactly one distinct root (checked by Sturm's theorem).
    pub fn refine_root(&self, lo: &Q, hi: &Q, width: &Q) -> Option<(Q, Q)> {
        if !width.is_positive() {
            return None;
        }
        let s = self.unique_root_sqfree(lo, hi)?;
        Some(match bisect_until(&s, lo, hi, |l, h| &(h - l) <= width) {
            Step::Exact(r) => (r.clone(), r),
            Step::Bracket(l, h) => (l, h),
        })
    }

    /// An MPFR enclosure, at precision `prec` (clamped to MPFR's range, at least 2), of the
    /// unique distinct root of `self` in `[lo, hi]`, of relative width about `2^−prec`: the
    /// root is bracketed exactly (bisection with exact signs) to relative width `2^−(prec+1)`
    /// and the bracket is rounded outward, so the result always contains the root. A zero root
    /// gives `[0, 0]`. `None` under the same conditions as [`Poly::refine_root`].
    pub fn root_interval(&self, lo: &Q, hi: &Q, prec: u32) -> Option<Interval> {
        let prec = prec.clamp(2, (rug::float::prec_max() - 2).min(1 << 24));
        let s = self.unique_root_sqfree(lo, hi)?;
        let zero = Q::zero();
        if lo <= &zero && &zero <= hi && s.sign_at(&zero) == Ordering::Equal {
            return Some(Interval::from_rational(&zero, prec));
        }
        // The root is non-zero, so bisection eventually excludes 0.
        let scale = Q::from_integer(BigInt::one() << (prec as usize + 1));
        let step = bisect_until(&s, lo, hi, |l, h| {
            (l.is_positive() || h.is_negative()) && (h - l) * &scale <= l.abs().min(h.abs())
        });
        Some(match step {
            Step::Exact(r) => Interval::from_rational(&r, prec),
            Step::Bracket(l, h) => Interval::from_rationals(&l, &h, prec),
        })
    }

    /// The square-free part, if `[lo, hi]` contains exactly one distinct root of `self ≠ 0`.
    fn unique_root_sqfree(&self, lo: &Q, hi: &Q) -> Option<Poly> {
        if self.is_zero() || lo > hi {
            return None;
        }
        let s = self.squarefree();
        if count_closed(&s, &Sturm::new(&s), lo, hi) == 1 {
            Some(s)
        } else {
            None
        }
    }

    // ------------------------------------------------------------------ rational roots

    /// All distinct rational roots, sorted; `None` for the zero polynomial.
    ///
    /// Complete for every non-zero polynomial, whatever the size of its coefficients: by the
    /// rational root theorem a rational root `u/v` (lowest terms) of the primitive integer
    /// square-free part with leading coefficient `A` has `v | A`, so `A·r` is an integer. Each
    /// isolating interval (Sturm) is bisected with exact signs until its width is below `1/A`;
    /// it then contains at most one number `k/A`, which is tested exactly. No factoring of
    /// coefficients is needed, so no cap applies.
    pub fn rational_roots(&self) -> Option<Vec<Q>> {
        if self.is_zero() {
            return None;
        }
        Some(rational_roots_squarefree(&self.squarefree()))
    }
}

/// [`Poly::rational_roots`] of a square-free non-zero `s` (the caller has taken the
/// square-free part already).
fn rational_roots_squarefree(s: &Poly) -> Vec<Q> {
    let (_, prim) = s.primitive_integer();
    let a = Q::from_integer(prim.last().expect("non-zero").abs());
    let b = s.real_roots_bound();
    let mut out = Vec::new();
    for (lo, hi) in isolate_squarefree(s, &-b.clone(), &b) {
        if lo == hi {
            out.push(lo);
            continue;
        }
        match bisect_until(s, &lo, &hi, |l, h| (h - l) * &a < qi(1)) {
            Step::Exact(r) => out.push(r),
            Step::Bracket(l, h) => {
                let k = Q::from_integer((&l * &a).ceil().to_integer()) / &a;
                if k <= h && s.sign_at(&k) == Ordering::Equal {
                    out.push(k);
                }
            }
        }
    }
    out
}

impl Poly {

    // ------------------------------------------------------------------ exact low degree

    /// The distinct real roots of a polynomial of degree ≤ 2 as exact quadratic surds, sorted
    /// increasingly (a double root once; none when the discriminant is negative or the
    /// polynomial is a non-zero constant). `None` for the zero polynomial or degree > 2.
    pub fn quadratic_roots_exact(&self) -> Option<Vec<QuadSurd>> {
        match self.degree()? {
            0 => Some(Vec::new()),
            1 => Some(vec![QuadSurd::rational(-&self.c[0] / &self.c[1])]),
            2 => {
                let (c, b, a) = (&self.c[0], &self.c[1], &self.c[2]);
                let disc = b * b - qi(4) * a * c;
                let center = -b / (qi(2) * a);
                match disc.cmp(&Q::zero()) {
                    Ordering::Less => Some(Vec::new()),
                    Ordering::Equal => Some(vec![QuadSurd::rational(center)]),
                    Ordering::Greater => {
                        // √(n/m) = √(n·m)/m = f·√d/m.
                        let (f, d) = square_decompose(&(disc.numer() * disc.denom()));
                        let half = (Q::new(f, disc.denom().clone()) / (qi(2) * a)).abs();
                        if d.is_one() {
                            return Some(vec![
                                QuadSurd::rational(&center - &half),
                                QuadSurd::rational(&center + &half),
                            ]);
                        }
                        Some(vec![
                            QuadSurd { a: center.clone(), b: -half.clone(), d: d.clone() },
                            QuadSurd { a: center, b: half, d },
                        ])
                    }
                }
            }
            _ => None,
        }
    }

    // ------------------------------------------------------------------ factoring

    /// For a quartic, a factorisation `monic(self) = q₁ · q₂` into two monic quadratics over Q
    /// if one exists; `None` if `self` is not of degree 4 or no such factorisation exists.
    ///
    /// Complete: write `monic(self) = x⁴ + a x³ + b x² + c x + d`. If it equals
    /// `(x² + p x + q)(x² + r x + s)` over Q, then `t = q + s` (= `αβ + γδ` for the pairing of
    /// roots) is a rational root of the resolvent cubic `z³ − b z² + (ac − 4d) z − (a²d − 4bd + c²)`,
    /// found by the complete [`Poly::rational_roots`]. For each such `t`, `q, s` are the roots
    /// of `z² − t z + d`, and then `p = (c − q a)/(s − q)`, `r = a − p` when `q ≠ s`, or `p, r`
    /// are the roots of `z² − a z + (b − 2q)` when `q = s`. Every candidate is verified by
    /// exact multiplication before it is returned.
    pub fn quartic_quadratic_split(&self) -> Option<(Poly, Poly)> {
        if self.degree() != Some(4) {
            return None;
        }
        let m = self.monic();
        let (d, c, b, a) = (&m.c[0], &m.c[1], &m.c[2], &m.c[3]);
        let resolvent = Poly::from_coeffs(vec![
            -(a * a * d - qi(4) * b * d + c * c),
            a * c - qi(4) * d,
            -b.clone(),
            qi(1),
        ]);
        let quad_roots = |sum: &Q, prod: &Q| -> Option<(Q, Q)> {
            let r = rational_sqrt(&(sum * sum - qi(4) * prod))?;
            Some(((sum - &r) / qi(2), (sum + &r) / qi(2)))
        };
        let quad = |p: &Q, q: &Q| Poly::from_coeffs(vec![q.clone(), p.clone(), qi(1)]);
        for t in resolvent.rational_roots().expect("the resolvent is monic") {
            let Some((q, s)) = quad_roots(&t, d) else { continue };
            let (p, r) = if q != s {
                let p = (c - &q * a) / (&s - &q);
                let r = a - &p;
                (p, r)
            } else {
                match quad_roots(a, &(b - qi(2) * &q)) {
                    Some(pr) => pr,
                    None => continue,
                }
            };
            let (f1, f2) = (quad(&p, &q), quad(&r, &s));
            if f1.mul(&f2) == m {
                return Some(if f1.c <= f2.c { (f1, f2) } else { (f2, f1) });
            }
        }
        None
    }

    /// Monic factors of the square-free part, multiplying to it: first `x − r` for each
    /// rational root `r` (increasing), then the rest — split into its two quadratic factors
    /// when it is a quartic that has them ([`Poly::quartic_quadratic_split`]), else left whole.
    /// Every factor of degree ≤ 4 is then irreducible over Q; a remaining factor of degree ≥ 5
    /// is not further analysed. Empty for constants and for the zero polynomial.
    pub fn factor_small(&self) -> Vec<Poly> {
        if self.is_constant() {
            return Vec::new();
        }
        let mut rest = self.squarefree().monic();
        let mut out = Vec::new();
        for r in rational_roots_squarefree(&rest) {
            let lin = Poly::from_coeffs(vec![-r, qi(1)]);
            rest = rest.div_exact(&lin).expect("x - r divides p when p(r) = 0");
            out.push(lin);
        }
        if rest.degree().is_some_and(|d| d > 0) {
            match rest.quartic_quadratic_split() {
                Some((f1, f2)) => out.extend([f1, f2]),
                None => out.push(rest),
            }
        }
        out
    }

    /// Whether `self` is irreducible over Q: `Some(true)` proved irreducible, `Some(false)`
    /// proved reducible (constants and 0 are not irreducible), `None` unknown. Decided for
    /// degree ≤ 4 (no rational root, and for quartics no quadratic split by the complete
    /// [`Poly::quartic_quadratic_split`]); for degree ≥ 5 only reducibility can be shown
    /// (a repeated factor or a rational root).
    pub fn is_irreducible_proved(&self) -> Option<bool> {
        let n = match self.degree() {
            None | Some(0) => return Some(false),
            Some(1) => return Some(true),
            Some(n) => n,
        };
        if self.gcd(&self.derivative()).degree() != Some(0) {
            return Some(false);
        }
        if !self.rational_roots().expect("non-zero").is_empty() {
            return Some(false);
        }
        match n {
            2 | 3 => Some(true),
            4 => Some(self.quartic_quadratic_split().is_none()),
            _ => None,
        }
    }

    /// The factor (from [`Poly::factor_small`]) of the square-free part that has the unique
    /// distinct root of `self` in `[lo, hi]`, as primitive integer coefficients (lowest degree
    /// first, positive leading coefficient), with `true` when it is proved irreducible — then
    /// it is the minimal polynomial of the root. `None` unless `[lo, hi]` contains exactly one
    /// distinct root of `self ≠ 0`.
    pub fn minimal_polynomial_of_root(&self, lo: &Q, hi: &Q) -> Option<(Vec<BigInt>, bool)> {
        let s = self.unique_root_sqfree(lo, hi)?;
        for f in s.factor_small() {
            if count_closed(&f, &Sturm::new(&f), lo, hi) == 1 {
                let proved = f.is_irreducible_proved() == Some(true);
                return Some((f.primitive_integer().1, proved));
            }
        }
        None
    }
}

/// Distinct roots of the square-free non-zero `s` in `[a, b]`.
fn count_closed(s: &Poly, st: &Sturm, a: &Q, b: &Q) -> usize {
    match a.cmp(b) {
        Ordering::Greater => 0,
        Ordering::Equal => (s.sign_at(a) == Ordering::Equal) as usize,
        Ordering::Less => (s.sign_at(a) == Ordering::Equal) as usize + st.count(a, b),
    }
}

/// Bisection of `[lo, hi]`, where the square-free `s` has exactly one root and, unless an
/// endpoint is that root, opposite non-zero signs at `lo` and `hi`. Stops when `done(l, h)`
/// holds for the current bracket `[l, h]` (root strictly inside) or the root is hit.
pub(crate) fn bisect_until(s: &Poly, lo: &Q, hi: &Q, done: impl Fn(&Q, &Q) -> bool) -> Step {
    let (mut l, mut h) = (lo.clone(), hi.clone());
    let sl = s.sign_at(&l);
    if sl == Ordering::Equal {
        return Step::Exact(l);
    }
    if s.sign_at(&h) == Ordering::Equal {
        return Step::Exact(h);
    }
    while !done(&l, &h) {
        let m = mid(&l, &h);
        match s.sign_at(&m) {
            Ordering::Equal => return Step::Exact(m),
            sm if sm == sl => l = m,
            _ => h = m,
        }
    }
    Step::Bracket(l, h)
}

/// The isolation algorithm of [`Poly::isolate_roots`] for a square-free non-zero `s`.
pub(crate) fn isolate_squarefree(s: &Poly, a: &Q, b: &Q) -> Vec<(Q, Q)> {
    let mut out: Vec<(Q, Q)> = Vec::new();
    if a > b {
        return out;
    }
    if s.sign_at(a) == Ordering::Equal {
        out.push((a.clone(), a.clone()));
    }
    if a == b || s.is_constant() {
        return out;
    }
    let st = Sturm::new(s);
    // Depth-first over (lo, hi, n), n = number of roots in (lo, hi]; the right half is pushed
    // first so intervals come out in increasing order.
    let mut stack = vec![(a.clone(), b.clone(), st.count(a, b))];
    while let Some((lo, hi, n)) = stack.pop() {
        if n == 0 {
            continue;
        }
        if n == 1 {
            if s.sign_at(&hi) == Ordering::Equal {
                out.push((hi.clone(), hi));
                continue;
            }
            if s.sign_at(&lo) != Ordering::Equal {
                out.push((lo, hi));
                continue;
            }
            // lo is a root already reported: bisect until the bracket leaves it.
        }
        let m = mid(&lo, &hi);
        let left = st.count(&lo, &m);
        stack.push((m.clone(), hi, n - left));
        stack.push((lo, m, left));
    }
    // Adjacent brackets may share an endpoint (never a root); shrink the left one away from it.
    for i in 1..out.len() {
        let (l, h) = out[i - 1].clone();
        if l != h && h == out[i].0 {
            let sl = s.sign_at(&l);
            let (mut l, mut h2) = (l, h.clone());
            out[i - 1] = loop {
                let m = mid(&l, &h2);
                match s.sign_at(&m) {
                    Ordering::Equal => break (m.clone(), m),
                    sm if sm == sl => l = m,
                    _ => {
                        h2 = m;
                        break (l, h2);
                    }
                }
            };
        }
    }
    out
}

impl fmt::Display for Poly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_var("x"))
    }
}

/// An exact real quadratic surd `a + b·√d`.
///
/// Canonical form produced by [`Poly::quadratic_roots_exact`]: either `b = 0` and `d = 0`
/// (a rational), or `b ≠ 0` and `d ≥ 2` not a perfect square (an irrational number), `d`
/// square-free except possibly for the square of a prime above 10^6 when the discriminant is
/// enormous (see `square_decompose`; the value is exact in every case).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QuadSurd {
    pub a: Q,
    pub b: Q,
    pub d: BigInt,
}

impl QuadSurd {
    /// The rational `a` (`b = 0`, `d = 0`).
    pub fn rational(a: Q) -> QuadSurd {
        QuadSurd { a, b: Q::zero(), d: BigInt::zero() }
    }

    /// True when the value is rational (`b = 0`, or `d` a perfect square).
    pub fn is_rational(&self) -> bool {
        self.b.is_zero() || int_sqrt_exact(&self.d).is_some()
    }

    /// An enclosure at precision `prec`; a domain error if `d < 0`.
    pub fn to_interval(&self, prec: u32) -> MathResult<Interval> {
        if self.d.is_negative() {
            return Err(MathError::Domain { func: "sqrt", detail: format!("quadratic surd with d = {} < 0", self.d) });
        }
        let a = Interval::from_rational(&self.a, prec);
        if self.b.is_zero() {
            return Ok(a);
        }
        let root = Interval::from_rational(&Q::from_integer(self.d.clone()), prec).sqrt()?;
        Ok(a.add(&Interval::from_rational(&self.b, prec).mul(&root)))
    }
}

/// Over the common denominator: `P + Q*sqrt(d)` or `(P + Q*sqrt(d))/R` with integers, `R > 0`,
/// and the obvious simplifications: `-1 + sqrt(5)`, `(3 + sqrt(17))/4`, `-3*sqrt(2)/2`, `7/3`.
impl fmt::Display for QuadSurd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.b.is_zero() {
            return write!(f, "{}", self.a);
        }
        let r = self.a.denom().lcm(self.b.denom());
        let rq = Q::from_integer(r.clone());
        let p = (&self.a * &rq).to_integer();
        let q = (&self.b * &rq).to_integer();
        let surd = if q.abs().is_one() { format!("sqrt({})", self.d) } else { format!("{}*sqrt({})", q.abs(), self.d) };
        let num = if p.is_zero() {
            format!("{}{surd}", if q.is_negative() { "-" } else { "" })
        } else {
            format!("{p} {} {surd}", if q.is_negative() { "-" } else { "+" })
        };
        if r.is_one() {
            f.write_str(&num)
        } else if p.is_zero() {
            write!(f, "{num}/{r}")
        } else {
            write!(f, "({num})/{r}")
        }
    }
}

// ---------------------------------------------------------------------- expressions

/// Largest degree [`from_expr`] builds (larger results give `None`).
pub const MAX_EXPR_DEGREE: usize = 4096;

/// A non-negative integer exponent folded from `e` (at most `MAX_EXPR_DEGREE`).
pub(crate) fn fold_exponent(e: &Expr) -> Option<u32> {
    let n = fold_rational(e)?;
    if !n.is_integer() || n.is_negative() {
        return None;
    }
    n.to_integer().to_u32().filter(|&k| k as usize <= MAX_EXPR_DEGREE)
}

/// A non-zero rational divisor folded from `e`.
pub(crate) fn fold_divisor(e: &Expr) -> Option<Q> {
    fold_rational(e).filter(|d| !d.is_zero())
}

/// The polynomial in `Var(var)` that `e` denotes, when `e` is built only from numbers,
/// `Var(var)`, `−`, `+`, `×`, division by an expression that [`fold_rational`] folds to a
/// non-zero rational, and powers whose exponent folds to a non-negative integer; `None` for
/// anything else (other variables, `pi`, `e`, functions, max/min, a degree over
/// [`MAX_EXPR_DEGREE`]). The polynomial agrees with the expression wherever the latter is
/// defined, which is everywhere (`t^0 = 1`).
pub fn from_expr(e: &Expr, var: usize) -> Option<Poly> {
    Some(match e {
        Expr::Num(q) => Poly::constant(q.clone()),
        Expr::Var(v) if *v == var => Poly::x(),
        Expr::Neg(a) => from_expr(a, var)?.neg(),
        Expr::Add(a, b) => from_expr(a, var)?.add(&from_expr(b, var)?),
        Expr::Sub(a, b) => from_expr(a, var)?.sub(&from_expr(b, var)?),
        Expr::Mul(a, b) => {
            let (pa, pb) = (from_expr(a, var)?, from_expr(b, var)?);
            if pa.degree().unwrap_or(0) + pb.degree().unwrap_or(0) > MAX_EXPR_DEGREE {
                return None;
            }
            pa.mul(&pb)
        }
        Expr::Div(a, b) => from_expr(a, var)?.scale(&fold_divisor(b)?.recip()),
        Expr::Pow(a, b) => {
            let n = fold_exponent(b)?;
            let base = from_expr(a, var)?;
            if base.degree().unwrap_or(0) * n as usize > MAX_EXPR_DEGREE {
                return None;
            }
            base.pow(n)
        }
        _ => return None,
    })
}
