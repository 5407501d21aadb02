//! GMP/MPFR memory through eoscert's allocator (`eoscert::alloc`): the per-thread cache of
//! small blocks under growth and shrinking across its size class (realloc), blocks freed by
//! another thread than the one that allocated them, and every precision class. Its own test
//! binary, so the allocator is installed before GMP allocates anything.

use rug::{Float, Integer};
use std::sync::mpsc;

#[test]
fn gmp_memory_through_the_block_cache() {
    // SAFETY: the first statement of the only test of this binary: no GMP memory exists yet.
    unsafe { eoscert::alloc::install_for_gmp() };
    let (tx, rx) = mpsc::channel::<Vec<Float>>();
    let workers: Vec<_> = (0..4u32)
        .map(|t| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for round in 0..200u32 {
                    // floats of every size class: 16, 24, 32 bytes and above
                    let fs: Vec<Float> = [24u32, 64, 128, 136, 200, 1000].iter().map(|&p| Float::with_val(p, round + t) / 3u32).collect();
                    for f in &fs {
                        let back = Float::with_val(f.prec(), f * 3u32);
                        assert!((back - (round + t)).abs() < 1e-6, "precision {}", f.prec());
                    }
                    tx.send(fs).unwrap(); // freed by the main thread
                    // an integer grown past the small class by realloc, then shrunk back
                    let mut n = Integer::from(round + 2);
                    for _ in 0..12 {
                        // (2, 3, ...)^(2^12): at least 4096 bits
                        n *= &n.clone();
                    }
                    let bits = n.significant_bits();
                    n >>= bits - 8;
                    n.shrink_to_fit();
                    assert!(n.significant_bits() == 8);
                    let s: Integer = (1..=(round + 10)).map(Integer::from).sum();
                    assert_eq!(s, Integer::from(round + 10) * (round + 11) / 2);
                }
            })
        })
        .collect();
    drop(tx);
    let mut received = 0;
    for fs in rx {
        received += fs.len();
        drop(fs);
    }
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(received, 4 * 200 * 6);
}
