//! When the model's per-port and per-channel work goes to rayon's threads.
//!
//! The work is split by port or channel, each part touching only its own state, and
//! joined in a fixed order, so results are the same on any number of threads. Below a
//! few thousand blocks a call the threads would cost more than they save, and the same
//! code runs on the caller's thread. The number of threads is rayon's: the
//! `RAYON_NUM_THREADS` variable, or a global pool the program builds (`--threads`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Blocks in one call from which the work is spread over threads, by default.
pub const MIN_PARALLEL_BLOCKS: usize = 2048;

/// Ports (or channels) a thread takes at least at a time.
pub const MIN_PORTS_PER_TASK: usize = 16;

static MIN_BLOCKS: AtomicUsize = AtomicUsize::new(MIN_PARALLEL_BLOCKS);

/// Sets the blocks per call from which work is spread over threads (0: always, and
/// [`crate::link::Link::send`] batches at any number of channels, as the differential
/// tests do to run small links on several threads). Results do not depend on it; only
/// speed does.
pub fn set_min_parallel_blocks(blocks: usize) {
    MIN_BLOCKS.store(blocks, Ordering::Relaxed);
}

/// Whether `blocks` blocks of work are worth spreading over threads.
#[inline]
pub fn worth_it(blocks: usize) -> bool {
    blocks >= MIN_BLOCKS.load(Ordering::Relaxed) && rayon::current_num_threads() > 1
}

/// Words from which a copy is cut in two for two threads ([`worth_splitting_copy`]): half
/// a megabyte; below it the handing over costs more than the copy.
pub const MIN_SPLIT_COPY_WORDS: usize = 1 << 16;

/// Whether a copy of `words` words is worth cutting in two for two threads (or always,
/// after [`set_min_parallel_blocks`]`(0)`).
#[inline]
pub fn worth_splitting_copy(words: usize) -> bool {
    worth_it(words) && (words >= MIN_SPLIT_COPY_WORDS || MIN_BLOCKS.load(Ordering::Relaxed) == 0)
}

/// Whether a link of `channels` channels is worth running in batches of block periods
/// ([`crate::link::Link::send`]): with more than one thread, and channels enough to share
/// out (or always, after [`set_min_parallel_blocks`]`(0)`).
#[inline]
pub fn worth_batching(channels: usize) -> bool {
    rayon::current_num_threads() > 1
        && (channels >= 2 * MIN_PORTS_PER_TASK || MIN_BLOCKS.load(Ordering::Relaxed) == 0)
}

/// Runs `f`, a call of `blocks` blocks of work over `channels` channels on a thread of
/// rayon's pool, with the pool's other threads kept awake while it runs when the call is
/// worth spreading over threads ([`worth_batching`], [`worth_it`]). Each of them waits
/// for work in a loop (rayon's `yield_now`) instead of going to sleep between the parts
/// `f` hands out, so that a part is taken at once, not after the operating system has
/// woken a thread: tens of microseconds on a virtual machine, a tenth of a 400-lane call
/// (BENCHMARKS.md). They stop when `f` returns, or panics. A call from within other
/// parallel work (the calling thread has parts of it queued, as in `explore --datapath`'s
/// links in parallel) runs without them. Only the speed depends on it.
pub fn with_threads_awake<R: Send>(channels: usize, blocks: usize, f: impl FnOnce() -> R + Send) -> R {
    let others = rayon::current_num_threads().saturating_sub(1);
    // A call made from a part of some larger parallel work (its thread has parts of it
    // queued) leaves the threads to that work.
    let inside_other_work = rayon_core::current_thread_has_pending_tasks() == Some(true);
    if others == 0 || inside_other_work || !worth_batching(channels) || !worth_it(blocks) {
        return f();
    }
    /// Set when dropped: at the end of `f`, or as a panic unwinds it.
    struct Done<'a>(&'a AtomicBool);
    impl Drop for Done<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Release);
        }
    }
    let caller = rayon::current_thread_index();
    let done = AtomicBool::new(false);
    rayon::scope(|s| {
        for _ in 0..others {
            // One that runs on the calling thread (as it waits for them at the end of the
            // scope) returns at once.
            s.spawn(|_| {
                while rayon::current_thread_index() != caller && !done.load(Ordering::Acquire) {
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        std::hint::spin_loop();
                    }
                }
            });
        }
        let _done = Done(&done);
        f()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    /// Runs `body` on a thread of its own and fails if it has not finished in a minute: a
    /// thread kept awake that never stops would hang the call instead of failing it.
    fn within_a_minute(body: impl FnOnce() + Send + 'static) {
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            body();
            done.send(()).expect("the test waits");
        });
        finished.recv_timeout(std::time::Duration::from_secs(60)).expect("the calls return");
    }

    #[test]
    fn threads_kept_awake_stop_when_the_call_returns_or_panics() {
        within_a_minute(|| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().expect("a pool");
            pool.install(|| {
                for i in 0..200u64 {
                    // Work handed out while the other threads are awake.
                    let sum = with_threads_awake(64, 1 << 20, || (0..1000u64).into_par_iter().map(|x| x * i).sum::<u64>());
                    assert_eq!(sum, i * 999 * 1000 / 2);
                }
                let panicked = std::panic::catch_unwind(|| with_threads_awake(64, 1 << 20, || panic!("inside the call")));
                assert!(panicked.is_err(), "the panic comes out of the call");
                // A call from within other parallel work, and the pool after it all.
                let nested: u64 = (0..64u64)
                    .into_par_iter()
                    .map(|i| with_threads_awake(64, 1 << 20, || (0..100u64).into_par_iter().map(|x| x + i).sum::<u64>()))
                    .sum();
                assert_eq!(nested, 64 * 4950 + 100 * (63 * 64 / 2));
            });
        });
    }
}
