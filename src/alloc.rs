//! A faster memory allocator for the whole process: mimalloc, for Rust's allocations and for
//! GMP/MPFR's (every MPFR float owns a heap-allocated mantissa, so interval and series
//! arithmetic allocates and frees constantly; glibc's malloc/free was 25-40% of the
//! instructions of a Taylor-series evaluation).
//!
//! Guarantee: numerical results are unchanged (only where memory comes from changes).
//! [`install_for_gmp`] must run before GMP or MPFR allocate anything — the first statement of
//! `main` — because a block allocated by one allocator must not be freed by the other; it is
//! idempotent, and a no-op after the first call.

use std::ffi::c_void;
use std::sync::Once;

/// Rust's allocations go through mimalloc (in every binary, test and bench linking this crate).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" fn gmp_alloc(size: usize) -> *mut c_void {
    // SAFETY: mi_malloc has malloc's contract; GMP aborts on a null return, as with malloc.
    unsafe { libmimalloc_sys::mi_malloc(size) }
}

extern "C" fn gmp_realloc(ptr: *mut c_void, _old: usize, new: usize) -> *mut c_void {
    // SAFETY: `ptr` was returned by gmp_alloc/gmp_realloc (installed before any GMP allocation).
    unsafe { libmimalloc_sys::mi_realloc(ptr, new) }
}

extern "C" fn gmp_free(ptr: *mut c_void, _size: usize) {
    // SAFETY: as for gmp_realloc.
    unsafe { libmimalloc_sys::mi_free(ptr) }
}

static INSTALL: Once = Once::new();

/// Routes GMP's and MPFR's allocations to mimalloc. Call it as the first statement of `main`,
/// before any `rug` value exists (see the module documentation); later calls do nothing.
///
/// # Safety
/// No GMP or MPFR memory may be live when it is first called (blocks allocated by glibc's
/// malloc would later be freed by mimalloc).
pub unsafe fn install_for_gmp() {
    INSTALL.call_once(|| {
        // SAFETY: the caller guarantees no GMP/MPFR block is live; the three functions have
        // GMP's documented signatures.
        unsafe { gmp_mpfr_sys::gmp::set_memory_functions(Some(gmp_alloc), Some(gmp_realloc), Some(gmp_free)) }
    });
}
