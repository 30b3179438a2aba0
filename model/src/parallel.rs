//! When the model's per-port and per-channel work goes to rayon's threads.
//!
//! The work is split by port or channel, each part touching only its own state, and
//! joined in a fixed order, so results are the same on any number of threads. Below a
//! few thousand blocks a call the threads would cost more than they save, and the same
//! code runs on the caller's thread. The number of threads is rayon's: the
//! `RAYON_NUM_THREADS` variable, or a global pool the program builds (`--threads`).

use std::sync::atomic::{AtomicUsize, Ordering};

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

/// Whether a link of `channels` channels is worth running in batches of block periods
/// ([`crate::link::Link::send`]): with more than one thread, and channels enough to share
/// out (or always, after [`set_min_parallel_blocks`]`(0)`).
#[inline]
pub fn worth_batching(channels: usize) -> bool {
    rayon::current_num_threads() > 1
        && (channels >= 2 * MIN_PORTS_PER_TASK || MIN_BLOCKS.load(Ordering::Relaxed) == 0)
}
