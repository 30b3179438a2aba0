//! Cache hints for the fast path's passes over thousands of ports, lanes and stripes in
//! an order no hardware prefetcher follows: each asks for a cache line ahead of its use.
//! A hint changes no result, only when the memory arrives.

/// How many items ahead a pass over ports, lanes or channels in an order of its own (not
/// the order they sit in memory) asks for the one it will touch (at 4096 lanes each such
/// pass is 2 to 5 % faster for it: BENCHMARKS.md).
pub(crate) const AHEAD: usize = 8;

/// Asks for the cache line that holds `value` to be brought into the cache.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing the program sees, and the address comes from a
    // reference; SSE, which has the instruction, is part of every x86_64 target.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
