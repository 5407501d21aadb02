//! Exact numbers of the form `c0 + c1 π + c2 π² + ...` with rational `c_i` (the ring Q\[π\]).
//!
//! Why: claims are stated at special points such as the minimum `x = −π/2` of `2 sin x`
//! (Corollary 1), where Lemma 1 needs derivatives proved to be *exactly* zero. Intervals can
//! only show `|f'''| < 10^-38`; this scalar shows `f''' = 0`.
//!
//! Guarantees: every result is the exact value. Because π is transcendental, Q\[π\] is a
//! polynomial ring, so a value is zero exactly when all its coefficients are zero, and the sign
//! of a non-zero value is decided by enclosing π at increasing precision. Elementary functions
//! are exact only where the value is again in Q\[π\]: at rational arguments where the rational
//! scalar is exact (e.g. `exp(0)`), and `sin`, `cos`, `tan` at integer multiples of `π/2`.
//! Everything else returns `MathError::NotExact` and callers fall back to intervals.

use crate::error::{MathError, MathResult};
use crate::expr::{Constant, Func};
use crate::interval::Interval;
use crate::numfmt::rational_string;
use crate::scalar::{Scalar, Sign};
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::fmt;

/// `Σ c[i] π^i`, normalised (no trailing zero coefficients; zero is the empty vector).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PiPoly {
    c: Vec<BigRational>,
}

/// The highest power of π an exact Q\[π\] value may reach through `powi`; beyond it the value
/// is only enclosed.
const MAX_PI_DEGREE: i64 = 256;

impl PiPoly {
    /// From coefficients, lowest power of π first.
    pub fn new(mut c: Vec<BigRational>) -> PiPoly {
        while c.last().is_some_and(|x| x.is_zero()) {
            c.pop();
        }
        PiPoly { c }
    }
    /// The rational `q`.
    pub fn rational(q: BigRational) -> PiPoly {
        PiPoly::new(vec![q])
    }
    /// `q π`.
    pub fn pi_times(q: BigRational) -> PiPoly {
        PiPoly::new(vec![BigRational::zero(), q])
    }
    /// The value as a rational, if it has no π part.
    pub fn as_rational(&self) -> Option<BigRational> {
        match self.c.len() {
            0 => Some(BigRational::zero()),
            1 => Some(self.c[0].clone()),
            _ => None,
        }
    }
    /// `r` if the value is exactly `r π`.
    fn as_pi_multiple(&self) -> Option<BigRational> {
        match self.c.len() {
            0 => Some(BigRational::zero()),
            2 if self.c[0].is_zero() => Some(self.c[1].clone()),
            _ => None,
        }
    }
    fn coef(&self, i: usize) -> BigRational {
        self.c.get(i).cloned().unwrap_or_else(BigRational::zero)
    }
    /// An enclosure at `prec` bits.
    pub fn enclose(&self, prec: u32) -> Interval {
        let pi = Interval::pi(prec);
        let mut acc = Interval::from_int(0, prec);
        for q in self.c.iter().rev() {
            acc = acc.mul(&pi).add(&Interval::from_rational(q, prec));
        }
        acc
    }
}

/// `sin(kπ/2)` and `cos(kπ/2)` for an integer `k`.
fn sin_cos_half_pi(k: &BigRational) -> (i64, i64) {
    let m = k.to_integer() % num_bigint::BigInt::from(4);
    let m = ((m.to_i64().unwrap_or(0) % 4) + 4) % 4;
    [(0, 1), (1, 0), (0, -1), (-1, 0)][m as usize]
}

impl Scalar for PiPoly {
    type Ctx = ();
    const EXACT: bool = true;
    fn ctx(&self) {}
    fn from_rational(q: &BigRational, _: &()) -> Self {
        PiPoly::rational(q.clone())
    }
    fn from_int(n: i64, _: &()) -> Self {
        PiPoly::rational(BigRational::from_integer(n.into()))
    }
    fn constant(c: Constant, _: &()) -> MathResult<Self> {
        match c {
            Constant::Pi => Ok(PiPoly::pi_times(BigRational::one())),
            Constant::E => Err(MathError::NotExact { func: "e" }),
        }
    }
    // Zero and rational operands (most coefficients of a Taylor series) take short paths
    // through the rational scalar's; the values are the same.
    fn add(&self, o: &Self) -> Self {
        if o.c.is_empty() {
            return self.clone();
        }
        if self.c.is_empty() {
            return o.clone();
        }
        let n = self.c.len().max(o.c.len());
        PiPoly::new((0..n).map(|i| Scalar::add(&self.coef(i), &o.coef(i))).collect())
    }
    fn sub(&self, o: &Self) -> Self {
        if o.c.is_empty() {
            return self.clone();
        }
        let n = self.c.len().max(o.c.len());
        PiPoly::new((0..n).map(|i| Scalar::sub(&self.coef(i), &o.coef(i))).collect())
    }
    fn add_mul(&mut self, a: &Self, b: &Self) {
        if !a.c.is_empty() && !b.c.is_empty() {
            *self = Scalar::add(self, &Scalar::mul(a, b));
        }
    }
    fn mul_int(&self, n: i64) -> Self {
        PiPoly::new(self.c.iter().map(|a| a.mul_int(n)).collect())
    }
    fn div_int(&self, n: i64) -> Self {
        PiPoly::new(self.c.iter().map(|a| a.div_int(n)).collect())
    }
    fn mul(&self, o: &Self) -> Self {
        if self.c.is_empty() || o.c.is_empty() {
            return PiPoly::new(vec![]);
        }
        if let ([a], [b]) = (self.c.as_slice(), o.c.as_slice()) {
            return PiPoly::new(vec![Scalar::mul(a, b)]);
        }
        if let [b] = o.c.as_slice() {
            return PiPoly::new(self.c.iter().map(|a| Scalar::mul(a, b)).collect());
        }
        if let [a] = self.c.as_slice() {
            return PiPoly::new(o.c.iter().map(|b| Scalar::mul(a, b)).collect());
        }
        let mut c = vec![BigRational::zero(); self.c.len() + o.c.len() - 1];
        for (i, a) in self.c.iter().enumerate() {
            for (j, b) in o.c.iter().enumerate() {
                c[i + j] += a * b;
            }
        }
        PiPoly::new(c)
    }
    fn neg(&self) -> Self {
        PiPoly::new(self.c.iter().map(|a| -a).collect())
    }
    fn div(&self, o: &Self) -> MathResult<Self> {
        match o.as_rational() {
            Some(q) if q.is_zero() => Err(MathError::DivisionByZero),
            Some(q) => Ok(PiPoly::new(self.c.iter().map(|a| a / &q).collect())),
            None => Err(MathError::NotExact { func: "division by a multiple of pi" }),
        }
    }
    fn powi(&self, n: i64) -> MathResult<Self> {
        if let Some(q) = self.as_rational() {
            return Ok(PiPoly::rational(q.powi(n)?));
        }
        if n < 0 {
            return Err(MathError::NotExact { func: "negative power of a multiple of pi" });
        }
        if n > MAX_PI_DEGREE {
            return Err(MathError::NotExact { func: "a power of pi of too high a degree" });
        }
        let mut r = PiPoly::from_int(1, &());
        for _ in 0..n {
            r = r.mul(self);
        }
        Ok(r)
    }
    fn powq(&self, q: &BigRational) -> MathResult<Self> {
        if q.is_integer() {
            return self.powi(q.numer().to_i64().ok_or(MathError::Overflow)?);
        }
        match self.as_rational() {
            Some(r) => Ok(PiPoly::rational(r.powq(q)?)),
            None => Err(MathError::NotExact { func: "pow" }),
        }
    }
    fn apply(&self, f: Func) -> MathResult<Self> {
        if let Some(q) = self.as_rational() {
            return Ok(PiPoly::rational(q.apply(f)?));
        }
        match f {
            Func::Abs => Ok(if self.sign() == Sign::Neg { self.neg() } else { self.clone() }),
            Func::Relu => Ok(if self.sign() == Sign::Neg { PiPoly::new(vec![]) } else { self.clone() }),
            Func::Sin | Func::Cos | Func::Tan => {
                let r = self.as_pi_multiple().ok_or(MathError::NotExact { func: f.name() })?;
                let k = r * BigRational::from_integer(2.into());
                if !k.is_integer() {
                    return Err(MathError::NotExact { func: f.name() });
                }
                let (s, c) = sin_cos_half_pi(&k);
                let v = match f {
                    Func::Sin => s,
                    Func::Cos => c,
                    _ => {
                        if c == 0 {
                            return Err(MathError::Domain { func: "tan", detail: "tan has a pole at pi/2 + k*pi".into() });
                        }
                        s * c
                    }
                };
                Ok(PiPoly::from_int(v, &()))
            }
            _ => Err(MathError::NotExact { func: f.name() }),
        }
    }
    fn max(&self, o: &Self) -> Self {
        if self.sub(o).sign() == Sign::Neg {
            o.clone()
        } else {
            self.clone()
        }
    }
    fn min(&self, o: &Self) -> Self {
        if self.sub(o).sign() == Sign::Pos {
            o.clone()
        } else {
            self.clone()
        }
    }
    /// Exact sign: zero iff all coefficients vanish (π is transcendental); otherwise decided
    /// by enclosures of π at doubling precision (terminates for any non-zero value; reports
    /// `Unknown` only past 2^20 bits, which no value of sane size reaches).
    fn sign(&self) -> Sign {
        if self.c.is_empty() {
            return Sign::Zero;
        }
        if self.c.len() == 1 {
            return if self.c[0].is_positive() { Sign::Pos } else { Sign::Neg };
        }
        let mut prec = 128;
        while prec <= 1 << 20 {
            let e = self.enclose(prec);
            if e.is_pos() {
                return Sign::Pos;
            }
            if e.is_neg() {
                return Sign::Neg;
            }
            prec *= 2;
        }
        Sign::Unknown
    }
    fn to_interval(&self, prec: u32) -> Interval {
        self.enclose(prec)
    }
}

impl fmt::Display for PiPoly {
    /// Readable exact form, e.g. `-pi/2`, `1 + 2*pi`, `pi^2/4`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.c.is_empty() {
            return write!(f, "0");
        }
        let mut first = true;
        for (i, q) in self.c.iter().enumerate().rev() {
            if q.is_zero() {
                continue;
            }
            let neg = q.is_negative();
            let a = q.abs();
            let sep = match (first, neg) {
                (true, true) => "-",
                (true, false) => "",
                (false, true) => " - ",
                (false, false) => " + ",
            };
            let pi = match i {
                0 => String::new(),
                1 => "pi".into(),
                k => format!("pi^{k}"),
            };
            let term = if i == 0 {
                rational_string(&a)
            } else if a.is_one() {
                pi
            } else if a.numer().is_one() {
                format!("{pi}/{}", a.denom())
            } else if a.is_integer() {
                format!("{}*{pi}", a.numer())
            } else {
                format!("{}*{pi}/{}", a.numer(), a.denom())
            };
            write!(f, "{sep}{term}")?;
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::taylor_1d;
    use crate::expr::{Expr, Loss};

    fn q(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    proptest::proptest! {
        /// The short paths of Q[pi] arithmetic (zero, rational operands) agree with the
        /// coefficient-wise definitions.
        #[test]
        fn short_paths_agree_with_the_definitions(
            a in proptest::collection::vec(-5i64..5, 0..4), b in proptest::collection::vec(-5i64..5, 0..4), n in 1i64..5
        ) {
            let mk = |v: &[i64]| PiPoly::new(v.iter().map(|&x| q(x, 3)).collect());
            let (pa, pb) = (mk(&a), mk(&b));
            let coef = |p: &PiPoly, i: usize| p.coef(i);
            let len = pa.c.len().max(pb.c.len());
            proptest::prop_assert_eq!(pa.add(&pb), PiPoly::new((0..len).map(|i| coef(&pa, i) + coef(&pb, i)).collect()));
            proptest::prop_assert_eq!(pa.sub(&pb), PiPoly::new((0..len).map(|i| coef(&pa, i) - coef(&pb, i)).collect()));
            let mut prod = vec![BigRational::zero(); pa.c.len() + pb.c.len() + 1];
            for (i, x) in pa.c.iter().enumerate() {
                for (j, y) in pb.c.iter().enumerate() {
                    prod[i + j] += x * y;
                }
            }
            proptest::prop_assert_eq!(pa.mul(&pb), PiPoly::new(prod));
            proptest::prop_assert_eq!(pa.mul_int(n), PiPoly::new(pa.c.iter().map(|x| x * BigRational::from_integer(n.into())).collect()));
            proptest::prop_assert_eq!(pa.div_int(n), PiPoly::new(pa.c.iter().map(|x| x / BigRational::from_integer(n.into())).collect()));
        }
    }

    #[test]
    fn sine_at_minus_half_pi_is_exact() {
        // 2 sin(x) at -pi/2: derivatives -2, 0, 2, 0, -2, 0, 2 exactly (Corollary 1, Lemma 1 k = 4).
        let loss = Loss {
            expr: Expr::Mul(Box::new(Expr::Num(q(2, 1))), Box::new(Expr::Call(Func::Sin, Box::new(Expr::Var(0))))),
            vars: vec!["x".into()],
            source: "2*sin(x)".into(),
        };
        let s = taylor_1d(&loss, &PiPoly::pi_times(q(-1, 2)), 6).unwrap();
        let d: Vec<Option<BigRational>> = s.derivatives().iter().map(|x| x.as_rational()).collect();
        let want: Vec<Option<BigRational>> = [-2, 0, 2, 0, -2, 0, 2].iter().map(|&v| Some(q(v, 1))).collect();
        assert_eq!(d, want);
    }

    #[test]
    fn ring_and_sign() {
        let pi = PiPoly::pi_times(q(1, 1));
        let x = pi.mul(&pi).sub(&PiPoly::rational(q(987, 100))); // pi^2 - 9.87 < 0 (pi^2 = 9.8696...)
        assert_eq!(x.sign(), Sign::Neg);
        assert_eq!(pi.sub(&pi).sign(), Sign::Zero);
        assert_eq!(x.to_string(), "pi^2 - 987/100");
        assert_eq!(PiPoly::pi_times(q(-1, 2)).to_string(), "-pi/2");
        assert!(x.enclose(200).contains_rational(&q(-1, 1000)) == false);
    }

    #[test]
    fn not_exact_outside_special_points() {
        let x = PiPoly::pi_times(q(1, 3));
        assert!(matches!(x.apply(Func::Sin), Err(MathError::NotExact { .. })));
        assert!(matches!(x.apply(Func::Exp), Err(MathError::NotExact { .. })));
        assert!(matches!(PiPoly::pi_times(q(1, 2)).apply(Func::Tan), Err(MathError::Domain { .. })));
        assert_eq!(PiPoly::pi_times(q(3, 1)).apply(Func::Tan).unwrap().as_rational(), Some(q(0, 1)));
        assert_eq!(PiPoly::pi_times(q(-3, 2)).apply(Func::Sin).unwrap().as_rational(), Some(q(1, 1)));
    }
}
