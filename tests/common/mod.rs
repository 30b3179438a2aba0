//! Helpers shared by the integration tests: deterministic stripes and a driver that sends
//! them through a model link and checks what comes out; [`icarus`], the RTL source list and
//! the run of an Icarus bench.
#![allow(dead_code)]

pub mod icarus;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tessera_model::link::Link;

/// An endless, replayable source of random stripes.
pub struct StripeSource {
    rng: ChaCha8Rng,
    lanes: usize,
}

impl StripeSource {
    pub fn new(seed: u64, lanes: u32) -> Self {
        StripeSource { rng: ChaCha8Rng::seed_from_u64(seed), lanes: lanes as usize }
    }
    pub fn next_stripe(&mut self) -> Vec<u64> {
        (0..self.lanes).map(|_| self.rng.next_u64()).collect()
    }
}

/// What a run of stripes through a link gave.
#[derive(Debug)]
pub struct Outcome {
    /// Stripes sent, N words each, flattened.
    pub sent: Vec<u64>,
    /// Stripes received, flattened.
    pub got: Vec<u64>,
}

impl Outcome {
    pub fn stripes_sent(&self, lanes: u32) -> usize {
        self.sent.len() / lanes as usize
    }
    pub fn stripes_got(&self, lanes: u32) -> usize {
        self.got.len() / lanes as usize
    }
    /// Checks that every received stripe is a sent stripe, in order, unaltered, and
    /// returns how many sent stripes did not come out.
    pub fn missing_in_order(&self, lanes: u32) -> Result<usize, String> {
        let n = lanes as usize;
        let sent: Vec<&[u64]> = self.sent.chunks(n).collect();
        let mut i = 0;
        for (k, g) in self.got.chunks(n).enumerate() {
            while i < sent.len() && sent[i] != g {
                i += 1;
            }
            if i == sent.len() {
                return Err(format!(
                    "received stripe {k} is not a sent stripe (in order): {:x?}",
                    &g[..n.min(4)]
                ));
            }
            i += 1;
        }
        Ok(sent.len() - self.stripes_got(lanes))
    }
}

/// Sends `count` stripes from `source` (each offered until taken), then flushes and
/// collects everything received.
pub fn send_stripes(link: &mut Link, source: &mut StripeSource, count: usize) -> Outcome {
    let mut sent = Vec::new();
    let mut got = Vec::new();
    let mut stripe = source.next_stripe();
    let mut taken = 0;
    while taken < count {
        if link.step(Some(&stripe)) {
            sent.extend_from_slice(&stripe);
            stripe = source.next_stripe();
            taken += 1;
        }
        link.poll_stripes(&mut got);
    }
    link.flush();
    link.poll_stripes(&mut got);
    Outcome { sent, got }
}
