//! A faster memory allocator for the whole process: mimalloc, for Rust's allocations and for
//! GMP/MPFR's (every MPFR float owns a heap-allocated mantissa, so interval and series
//! arithmetic allocates and frees constantly; glibc's malloc/free was 25-40% of the
//! instructions of a Taylor-series evaluation). In front of mimalloc, GMP's small blocks (MPFR
//! mantissas up to 192 bits, all given 32 bytes) are recycled through a per-thread list: an
//! allocation and a free cost a few instructions instead of mimalloc's ~45 for the pair
//! (-4% to -5% instructions on the benchmark workloads; docs/benchmarks.md).
//!
//! Guarantee: numerical results are unchanged (only where memory comes from changes).
//! [`install_for_gmp`] must run before GMP or MPFR allocate anything — the first statement of
//! `main` — because a block allocated by one allocator must not be freed by the other; it is
//! idempotent, and a no-op after the first call. Every block, cached or not, comes from
//! mimalloc and has at least the size GMP asked for; a block may be freed by any thread; the
//! blocks a thread still caches when it ends stay allocated (at most 2 KiB per thread).

use std::cell::Cell;
use std::ffi::c_void;
use std::sync::Once;

/// Rust's allocations go through mimalloc (in every binary, test and bench linking this crate).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Size class of the per-thread block cache: MPFR's mantissas up to 192 bits (a 64-bit float
/// takes 16 bytes, 128 bits 24, 136 bits 32: MPFR stores the precision before the limbs).
const SMALL: usize = 32;
/// At most this many cached blocks per thread (2 KiB).
const CACHE_CAP: u32 = 64;

/// A cached block: its first word links to the next one.
struct FreeBlock {
    next: *mut FreeBlock,
}

thread_local! {
    // `const` and no destructor: a plain thread-local static, reached in an instruction or two
    // (no lazy initialisation, no destructor registration). The blocks still cached when a
    // thread ends are not returned (at most CACHE_CAP · 32 bytes per thread).
    static CACHE: Cell<(*mut FreeBlock, u32)> = const { Cell::new((std::ptr::null_mut(), 0)) };
}

extern "C" fn gmp_alloc(size: usize) -> *mut c_void {
    if size <= SMALL {
        let (head, n) = CACHE.get();
        if !head.is_null() {
            // SAFETY: `head` is a block of SMALL bytes this thread cached in gmp_free; its first
            // word is the link written there.
            CACHE.set((unsafe { (*head).next }, n - 1));
            return head.cast();
        }
        // every small block is SMALL bytes, so any cached one serves any small request
        // SAFETY: mi_malloc has malloc's contract; GMP aborts on a null return, as with malloc.
        return unsafe { libmimalloc_sys::mi_malloc(SMALL) };
    }
    // SAFETY: as above.
    unsafe { libmimalloc_sys::mi_malloc(size) }
}

extern "C" fn gmp_realloc(ptr: *mut c_void, old: usize, new: usize) -> *mut c_void {
    if old <= SMALL {
        if new <= SMALL {
            return ptr; // the block has SMALL bytes already
        }
        let q = gmp_alloc(new);
        // SAFETY: `ptr` holds `old` valid bytes (GMP's contract), `q` at least `new > old`;
        // distinct blocks.
        unsafe { std::ptr::copy_nonoverlapping(ptr.cast::<u8>(), q.cast::<u8>(), old) };
        gmp_free(ptr, old);
        return q;
    }
    if new <= SMALL {
        let q = gmp_alloc(new);
        // SAFETY: as above, `new < old` bytes copied.
        unsafe { std::ptr::copy_nonoverlapping(ptr.cast::<u8>(), q.cast::<u8>(), new) };
        gmp_free(ptr, old);
        return q;
    }
    // SAFETY: `ptr` was returned by gmp_alloc/gmp_realloc for a size above SMALL, i.e. by
    // mi_malloc/mi_realloc (installed before any GMP allocation).
    unsafe { libmimalloc_sys::mi_realloc(ptr, new) }
}

extern "C" fn gmp_free(ptr: *mut c_void, size: usize) {
    if size <= SMALL {
        let (head, n) = CACHE.get();
        if n < CACHE_CAP {
            let b = ptr.cast::<FreeBlock>();
            // SAFETY: GMP gives the block back (it no longer uses it); it has SMALL >= 8
            // bytes, aligned by mi_malloc.
            unsafe { (*b).next = head };
            CACHE.set((b, n + 1));
            return;
        }
    }
    // SAFETY: `ptr` came from mi_malloc/mi_realloc (see gmp_realloc); mimalloc frees blocks
    // of other threads too.
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
