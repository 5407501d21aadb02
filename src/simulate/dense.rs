//! Dense f64 matrix products for the simulator: `c ← α a b + β c` on strided views, with a
//! column-major `c`, and the fused elementwise passes of a GD step (`r ← r − t` with `‖r‖²`,
//! `y ← y + α g`).
//!
//! Two kernels compute the same product:
//! - small shapes (every side at most [`SMALL`]): plain loops over contiguous column-major
//!   data, blocked over four output columns, that LLVM vectorises; a transposed left factor is
//!   first copied into a scratch buffer so the inner loop runs down contiguous columns;
//! - larger shapes: the `gemm` crate (single-threaded), whose packed AVX-512 / AVX2 kernels
//!   are chosen at run time.
//!
//! Both kernels are compiled for AVX-512 (with FMA), for AVX2 + FMA and for the baseline
//! target, and the widest the CPU supports is chosen at run time, so the binary runs on any
//! x86-64 (and any other architecture, where only the baseline exists).
//!
//! When `β = 0` the old `c` is not read (BLAS semantics: a NaN there does not leak).
//!
//! Guarantee: plain floating point, equal to the textbook sum up to reassociation (and fused
//! multiply-adds where the CPU has them); a cross-check, never a certificate.

/// The largest side of a product that takes the plain-loop kernel.
pub const SMALL: usize = 16;

/// A read-only strided matrix in a slice: element `(i, j)` is `data[i·rs + j·cs]`.
#[derive(Clone, Copy)]
pub struct Mat<'a> {
    pub data: &'a [f64],
    pub rows: usize,
    pub cols: usize,
    pub rs: usize,
    pub cs: usize,
}

impl<'a> Mat<'a> {
    /// A column-major `rows × cols` matrix.
    pub fn new(data: &'a [f64], rows: usize, cols: usize) -> Mat<'a> {
        Mat { data, rows, cols, rs: 1, cs: rows }
    }
    /// Its transpose, without copying.
    pub fn t(self) -> Mat<'a> {
        Mat { data: self.data, rows: self.cols, cols: self.rows, rs: self.cs, cs: self.rs }
    }
    /// Element `(i, j)` is `data[i + j·rows]` (strides that only ever multiply 0 do not count).
    fn is_column_major(&self) -> bool {
        (self.rs == 1 || self.rows <= 1) && (self.cs == self.rows || self.cols <= 1)
    }
    /// Every element index lies inside `data`.
    fn in_bounds(&self) -> bool {
        self.rows == 0 || self.cols == 0 || (self.rows - 1) * self.rs + (self.cols - 1) * self.cs < self.data.len()
    }
}

/// The instruction sets the kernels are compiled for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Isa {
    #[cfg(target_arch = "x86_64")]
    Avx512,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    Baseline,
}

#[cfg(test)]
thread_local! {
    /// A test's choice of instruction set (this thread only), to exercise every compiled kernel.
    static FORCE_ISA: std::cell::Cell<Option<Isa>> = const { std::cell::Cell::new(None) };
}

#[inline]
fn isa() -> Isa {
    #[cfg(test)]
    if let Some(forced) = FORCE_ISA.with(|f| f.get()) {
        return forced;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma") {
            return Isa::Avx512;
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            return Isa::Avx2;
        }
    }
    Isa::Baseline
}

/// Runs `$body` (an expression generic over `const FMA: bool` through the name `$fma`)
/// compiled for the widest instruction set the CPU has.
macro_rules! dispatch {
    (|$fma:ident| $body:expr) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx512f,avx2,fma")]
            unsafe fn v4<R>(f: impl FnOnce() -> R) -> R {
                f()
            }
            #[target_feature(enable = "avx2,fma")]
            unsafe fn v3<R>(f: impl FnOnce() -> R) -> R {
                f()
            }
            match isa() {
                // SAFETY: isa() checked that the CPU has these features.
                Isa::Avx512 => unsafe {
                    const $fma: bool = true;
                    v4(
                        #[inline(always)]
                        || $body,
                    )
                },
                // SAFETY: as above.
                Isa::Avx2 => unsafe {
                    const $fma: bool = true;
                    v3(
                        #[inline(always)]
                        || $body,
                    )
                },
                Isa::Baseline => {
                    const $fma: bool = false;
                    $body
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = isa();
            const $fma: bool = false;
            $body
        }
    }};
}

/// `x·y + z`, as one fused multiply-add when `FMA`.
#[inline(always)]
fn madd<const FMA: bool>(x: f64, y: f64, z: f64) -> f64 {
    if FMA {
        x.mul_add(y, z)
    } else {
        x * y + z
    }
}

/// Work space of [`Gemm::run`]: the copy of a transposed left factor for the small kernel.
#[derive(Default)]
pub struct Gemm {
    scratch: Vec<f64>,
}

impl Gemm {
    pub fn new() -> Gemm {
        Gemm::default()
    }

    /// `c ← α a b + β c` for a column-major `c` (`a.rows × b.cols`); with `β = 0` the old `c`
    /// is not read. Panics when the shapes do not match or a view leaves its slice.
    pub fn run(&mut self, alpha: f64, a: Mat<'_>, b: Mat<'_>, beta: f64, c: &mut [f64]) {
        assert!(a.cols == b.rows && a.in_bounds() && b.in_bounds() && c.len() == a.rows * b.cols, "gemm: shapes do not match");
        let (m, k, n) = (a.rows, a.cols, b.cols);
        if m == 0 || n == 0 {
            return;
        }
        if k == 0 {
            scale(beta, c);
            return;
        }
        if m.max(k).max(n) <= SMALL {
            let a = if a.is_column_major() {
                a
            } else {
                self.scratch.resize(m * k, 0.0);
                for (p, col) in self.scratch.chunks_exact_mut(m).enumerate() {
                    for (i, x) in col.iter_mut().enumerate() {
                        *x = a.data[i * a.rs + p * a.cs];
                    }
                }
                Mat::new(&self.scratch, m, k)
            };
            dispatch!(|FMA| small::<FMA>(alpha, a, b, beta, c))
        } else {
            large(alpha, a, b, beta, c)
        }
    }
}

/// `c ← β c` (`c ← 0` when `β = 0`).
fn scale(beta: f64, c: &mut [f64]) {
    if beta == 0.0 {
        c.fill(0.0);
    } else {
        c.iter_mut().for_each(|x| *x *= beta);
    }
}

/// Column `j` of `c` gets `α acc + β c`.
#[inline(always)]
fn store(alpha: f64, acc: f64, beta: f64, c: &mut f64) {
    *c = if beta == 0.0 { alpha * acc } else { beta * *c + alpha * acc };
}

/// The plain-loop kernel for a column-major `a`: each output column is a sum of
/// columns of `a`, accumulated eight rows and four columns at a time in registers.
#[inline(always)]
fn small<const FMA: bool>(alpha: f64, a: Mat<'_>, b: Mat<'_>, beta: f64, c: &mut [f64]) {
    let (m, n) = (a.rows, b.cols);
    assert!(a.is_column_major() && a.data.len() >= m * a.cols && c.len() == m * n);
    let mut j = 0;
    while j + 4 <= n {
        // SAFETY: j + 4 <= n, the assertion above and `run`'s bounds check of b.
        unsafe { columns::<FMA, 4>(alpha, a, b, j, beta, c) };
        j += 4;
    }
    while j < n {
        // SAFETY: as above, with j < n.
        unsafe { columns::<FMA, 1>(alpha, a, b, j, beta, c) };
        j += 1;
    }
}

/// Columns `j..j + NB` of `c ← α a b + β c`.
///
/// # Safety
/// `a` is column-major with `a.rows · a.cols` elements in its slice, every element of `b`
/// lies in its slice, `j + NB <= b.cols` and `c` holds `a.rows · b.cols` elements.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // index loops over the fixed-size register block read plainest
unsafe fn columns<const FMA: bool, const NB: usize>(alpha: f64, a: Mat<'_>, b: Mat<'_>, j: usize, beta: f64, c: &mut [f64]) {
    const L: usize = 8;
    let (m, k) = (a.rows, a.cols);
    let ap = a.data.as_ptr();
    let bp = b.data.as_ptr();
    let cp = c.as_mut_ptr();
    let mut i = 0;
    while i + L <= m {
        let mut acc = [[0.0f64; L]; NB];
        for p in 0..k {
            let col = &*(ap.add(p * m + i) as *const [f64; L]);
            for q in 0..NB {
                let bv = *bp.add(p * b.rs + (j + q) * b.cs);
                for l in 0..L {
                    acc[q][l] = madd::<FMA>(col[l], bv, acc[q][l]);
                }
            }
        }
        for q in 0..NB {
            let cc = &mut *(cp.add((j + q) * m + i) as *mut [f64; L]);
            for l in 0..L {
                store(alpha, acc[q][l], beta, &mut cc[l]);
            }
        }
        i += L;
    }
    while i < m {
        let mut acc = [0.0f64; NB];
        for p in 0..k {
            let av = *ap.add(p * m + i);
            for q in 0..NB {
                acc[q] = madd::<FMA>(av, *bp.add(p * b.rs + (j + q) * b.cs), acc[q]);
            }
        }
        for q in 0..NB {
            store(alpha, acc[q], beta, &mut *cp.add((j + q) * m + i));
        }
        i += 1;
    }
}

/// The `gemm` crate's kernel, single-threaded (`dst ← α' dst + β' lhs rhs` in its notation).
fn large(alpha: f64, a: Mat<'_>, b: Mat<'_>, beta: f64, c: &mut [f64]) {
    let m = a.rows;
    // SAFETY: `run` checked that every index of a and b (strides rs, cs) lies in its slice and
    // that c holds the column-major a.rows × b.cols result; c is borrowed mutably, so it aliases
    // neither a nor b.
    unsafe {
        gemm::gemm(
            m,
            b.cols,
            a.cols,
            c.as_mut_ptr(),
            m as isize,
            1,
            beta != 0.0,
            a.data.as_ptr(),
            a.cs as isize,
            a.rs as isize,
            b.data.as_ptr(),
            b.cs as isize,
            b.rs as isize,
            beta,
            alpha,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// `r ← r − t` elementwise; returns `‖r‖²/2` of the new `r` (one pass).
pub fn sub_half_sq(r: &mut [f64], t: &[f64]) -> f64 {
    assert_eq!(r.len(), t.len(), "sub_half_sq: lengths differ");
    dispatch!(|FMA| sub_half_sq_impl::<FMA>(r, t))
}

#[inline(always)]
fn sub_half_sq_impl<const FMA: bool>(r: &mut [f64], t: &[f64]) -> f64 {
    const L: usize = 8;
    let mut acc = [0.0f64; L];
    let mut rc = r.chunks_exact_mut(L);
    let mut tc = t.chunks_exact(L);
    for (rr, tt) in (&mut rc).zip(&mut tc) {
        let rr: &mut [f64; L] = rr.try_into().expect("chunk");
        let tt: &[f64; L] = tt.try_into().expect("chunk");
        let mut v = [0.0f64; L];
        for l in 0..L {
            v[l] = rr[l] - tt[l];
            acc[l] = madd::<FMA>(v[l], v[l], acc[l]);
        }
        *rr = v;
    }
    let mut s = 0.0;
    for (x, y) in rc.into_remainder().iter_mut().zip(tc.remainder()) {
        *x -= y;
        s = madd::<FMA>(*x, *x, s);
    }
    0.5 * (acc.iter().sum::<f64>() + s)
}

/// `y ← y + α g` elementwise.
pub fn axpy(alpha: f64, g: &[f64], y: &mut [f64]) {
    assert_eq!(g.len(), y.len(), "axpy: lengths differ");
    dispatch!(|FMA| y.iter_mut().zip(g).for_each(|(y, g)| *y = madd::<FMA>(alpha, *g, *y)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook triple loop.
    fn reference(alpha: f64, a: Mat<'_>, b: Mat<'_>, beta: f64, c: &[f64]) -> Vec<f64> {
        let (m, k, n) = (a.rows, a.cols, b.cols);
        let mut out = vec![0.0; m * n];
        for j in 0..n {
            for i in 0..m {
                let s: f64 = (0..k).map(|p| a.data[i * a.rs + p * a.cs] * b.data[p * b.rs + j * b.cs]).sum();
                out[i + j * m] = if beta == 0.0 { alpha * s } else { alpha * s + beta * c[i + j * m] };
            }
        }
        out
    }

    fn data(len: usize, seed: usize) -> Vec<f64> {
        (0..len).map(|i| (((i * 7919 + seed * 104_729) % 2003) as f64 / 1001.0) - 1.0).collect()
    }

    /// The instruction sets this CPU can run, each forced in turn on this thread.
    fn each_isa(mut f: impl FnMut(Isa)) {
        #[allow(unused_mut)]
        let mut all = vec![Isa::Baseline];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                all.push(Isa::Avx2);
            }
            if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma") {
                all.push(Isa::Avx512);
            }
        }
        for i in all {
            FORCE_ISA.with(|c| c.set(Some(i)));
            f(i);
        }
        FORCE_ISA.with(|c| c.set(None));
    }

    #[test]
    fn every_kernel_and_transpose_agrees_with_the_triple_loop() {
        each_isa(every_kernel_agrees);
    }

    fn every_kernel_agrees(isa: Isa) {
        for &(m, k, n) in &[(1, 1, 1), (1, 5, 3), (4, 1, 6), (5, 3, 1), (3, 2, 5), (8, 8, 8), (9, 9, 9), (7, 12, 3), (SMALL, SMALL, SMALL), (SMALL + 1, 5, 9), (64, 64, 64), (70, 33, 65)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let (ad, bd) = (data(m * k, 1), data(k * n, 2));
                let a = if ta { Mat::new(&ad, k, m).t() } else { Mat::new(&ad, m, k) };
                let b = if tb { Mat::new(&bd, n, k).t() } else { Mat::new(&bd, k, n) };
                for (alpha, beta) in [(1.0, 0.0), (-0.25, 1.0), (2.0, -1.5)] {
                    let mut c = data(m * n, 3);
                    let want = reference(alpha, a, b, beta, &c);
                    Gemm::new().run(alpha, a, b, beta, &mut c);
                    let scale = want.iter().fold(1.0f64, |s, x| s.max(x.abs()));
                    let err = c.iter().zip(&want).fold(0.0f64, |e, (x, y)| e.max((x - y).abs()));
                    assert!(err <= 1e-13 * scale * k as f64, "{isa:?} {m}x{k}x{n} ta={ta} tb={tb}: {err}");
                }
            }
        }
    }

    #[test]
    fn beta_zero_does_not_read_the_output() {
        let (ad, bd) = (data(9, 1), data(9, 2));
        for d in [3, SMALL + 2] {
            let (ad, bd) = (data(d * d, 1), data(d * d, 2));
            let mut c = vec![f64::NAN; d * d];
            Gemm::new().run(1.0, Mat::new(&ad, d, d), Mat::new(&bd, d, d), 0.0, &mut c);
            assert!(c.iter().all(|x| x.is_finite()));
        }
        let mut c = vec![f64::NAN; 9];
        Gemm::new().run(1.0, Mat::new(&ad, 3, 3), Mat::new(&bd, 3, 3), 0.0, &mut c);
        assert!(c.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn fused_passes_agree_with_plain_loops() {
        each_isa(|_| fused_passes_agree());
    }

    fn fused_passes_agree() {
        for len in [0, 1, 7, 8, 17, 100] {
            let (mut r, t) = (data(len, 4), data(len, 5));
            let want: Vec<f64> = r.iter().zip(&t).map(|(x, y)| x - y).collect();
            let half: f64 = 0.5 * want.iter().map(|x| x * x).sum::<f64>();
            let got = sub_half_sq(&mut r, &t);
            assert_eq!(r, want);
            assert!((got - half).abs() <= 1e-14 * half.max(1.0));
            let mut y = data(len, 6);
            let want: Vec<f64> = y.iter().zip(&t).map(|(y, g)| y - 0.5 * g).collect();
            axpy(-0.5, &t, &mut y);
            assert!(y.iter().zip(&want).all(|(a, b)| (a - b).abs() <= 1e-15 * b.abs().max(1.0)));
        }
    }
}
