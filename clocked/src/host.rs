//! The host: the TX stimulus of a run, from the run and the seed alone (`docs/vectors.md`,
//! section 6 "The run").

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::spec::RunSpec;

/// ChaCha stream of the host stimulus (the channel model never uses it).
pub const STIMULUS_STREAM: u64 = u64::MAX;

/// The host: the TX stimulus, from the run and the seed alone.
#[derive(Debug, Clone)]
pub struct Host {
    rng: ChaCha8Rng,
    am_period: u64,
    run: RunSpec,
    stripe: Vec<u64>,
    pending: bool,
    offered: u64,
    taken: u64,
}

impl Host {
    /// The host of a run.
    pub fn new(seed: u64, lanes: u32, am_period: u32, run: RunSpec) -> Host {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(STIMULUS_STREAM);
        Host {
            rng,
            am_period: u64::from(am_period),
            run,
            stripe: vec![0; lanes as usize],
            pending: false,
            offered: 0,
            taken: 0,
        }
    }

    /// The stripe offered in `slot` (call once per slot, in order).
    pub fn offer(&mut self, slot: u64) -> Option<&[u64]> {
        if slot >= self.run.lead_slots && !self.pending && self.offered < self.run.stripes {
            let valid = self.run.valid_percent >= 100 || self.rng.next_u32() % 100 < self.run.valid_percent;
            if valid {
                for w in &mut self.stripe {
                    *w = self.rng.next_u64();
                }
                self.pending = true;
                self.offered += 1;
            }
        }
        self.pending.then_some(&self.stripe[..])
    }

    /// Whether the TX takes the offer of `slot` (a stripe pending, not a marker slot); the
    /// host then forgets it.
    pub fn take(&mut self, slot: u64) -> bool {
        let taken = self.pending && !slot.is_multiple_of(self.am_period);
        if taken {
            self.pending = false;
            self.taken += 1;
        }
        taken
    }

    /// Stripes taken so far.
    pub fn taken(&self) -> u64 {
        self.taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_holds_refused_stripes() {
        let run = RunSpec { valid_percent: 100, lead_slots: 15, stripes: 3, slots: 40 };
        let mut h = Host::new(1, 2, 16, run);
        assert_eq!(h.offer(14), None);
        assert!(!h.take(14));
        let a = h.offer(15).unwrap().to_vec();
        assert!(h.take(15));
        let b = h.offer(16).unwrap().to_vec();
        assert!(!h.take(16), "slot 16 is a marker slot");
        assert_eq!(h.offer(17).unwrap(), &b[..], "held until taken");
        assert!(h.take(17));
        assert_ne!(a, b);
    }
}
