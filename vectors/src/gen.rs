//! The generator: runs the model clock by clock from a [`SetSpec`] and hands every word of
//! every stream, in clock order, to a [`Sink`] (files for `tessera gen`, a comparison for
//! `tessera check`, memory for tests). Memory stays flat whatever the length: nothing is
//! kept of a clock once its words are handed on.
//!
//! ## The run (`docs/vectors.md`, "Stimulus" and "Timing")
//! Block period (slot) `s` is clocks `s*K .. s*K+K-1`, `K = 66 / ser_w`.
//! * **Host**: idle for `lead_slots` slots (the model's link-up time, measured by
//!   [`plan`]); then in every slot with no stripe pending it offers a new one with
//!   probability `valid_percent` % (one `next_u32() % 100 < valid_percent` draw, none at
//!   100 %), N words of `next_u64()`; a stripe stays offered, unchanged, until a slot takes
//!   it (marker slots do not); after `stripes` stripes it is idle. All draws come from
//!   `ChaCha8Rng::seed_from_u64(seed)` on stream [`STIMULUS_STREAM`].
//! * **TX** takes the offer of each slot; its wires go through the channel model (seeded
//!   by `seed`).
//! * **RX stimulus**: clock `c` carries bits `c*ser_w ..` of each port's received stream;
//!   the model's RX is fed exactly these clocks, one `handle_bits` per clock, so
//!   `rx_stripes` and `rx_status` are what an RX sees from exactly `rx_stimulus`. A port whose stream is short at the end (a bit
//!   slip that dropped bits) is padded with zeros.

use std::collections::VecDeque;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tessera_model::block::BLOCK_BITS;
use tessera_model::channel::{ChannelError, ChannelFaults, ChannelModel};
use tessera_model::deskew::RELEASE_HOLD;
use tessera_model::link::Link;
use tessera_model::rx::{Receiver, RxStatus};
use tessera_model::serial::BitQueue;
use tessera_model::tx::{Transmitter, TX_LATENCY_CLOCKS};
use tessera_model::{ConfigError, LaneMap, LaneMapError, LinkConfig, LinkParams};

use crate::header::{RunSpec, SetSpec};
use crate::stream::{status, StreamKind};
use crate::word;

/// ChaCha stream of the host stimulus (the channel model never uses it).
pub const STIMULUS_STREAM: u64 = u64::MAX;
/// ChaCha stream of the generator's own random choices (random skew and permutation).
pub const CHOICE_STREAM: u64 = u64::MAX - 1;

/// Why a set cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// The link configuration is impossible.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The lane map is impossible.
    #[error("invalid lane map: {0}")]
    LaneMap(#[from] LaneMapError),
    /// The channel settings are impossible.
    #[error(transparent)]
    Channel(#[from] ChannelError),
    /// The run's own numbers are impossible.
    #[error("invalid run: {0}")]
    Run(String),
    /// The link did not come up, so the host would wait forever.
    #[error("the link does not align within {periods} block periods{reason} (seed {seed}); give --lead-slots to send anyway")]
    NoAlignment {
        /// Block periods tried.
        periods: u64,
        /// What the receiver reports.
        reason: String,
        /// The seed.
        seed: u64,
    },
}

/// What a user asks for; [`plan`] turns it into a full [`SetSpec`].
#[derive(Debug, Clone, PartialEq)]
pub struct GenSpec {
    /// Link parameters and seed.
    pub params: LinkParams,
    /// Lane `i`'s channel, or `None` for lanes in order on the healthy channels.
    pub channel_of: Option<Vec<u32>>,
    /// Failed channels of the lane map.
    pub failed: Vec<u32>,
    /// Channel settings.
    pub faults: ChannelFaults,
    /// Percent of free slots in which the host offers a stripe.
    pub valid_percent: u32,
    /// Stripes to send.
    pub stripes: u64,
    /// Idle slots before the first stripe; `None` measures link-up with the model.
    pub lead_slots: Option<u64>,
}

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

/// Slots after the last stripe is taken that carry it through the largest skew, the RX's
/// release hold and its block buffering.
pub fn flush_slots(params: &LinkParams, faults: &ChannelFaults) -> u64 {
    let skew = faults.skew_bits.iter().copied().max().unwrap_or(0).max(params.max_skew_bits);
    u64::from(skew).div_ceil(u64::from(BLOCK_BITS)) + RELEASE_HOLD + 4
}

/// Receives the words of a run, stream by stream, in clock order.
pub trait Sink {
    /// The sink's error.
    type Error;
    /// The next word of `stream` (little-endian limbs of the stream's width).
    fn word(&mut self, stream: StreamKind, w: &[u64]) -> Result<(), Self::Error>;
    /// Called after every slot with the slot's index; a sink may report progress.
    fn slot_done(&mut self, _slot: u64) {}
    /// Called once per slot, after the slot's TX words, with the 66-bit blocks the channel
    /// is about to carry (one per channel, bit 0 first on the wire). A sink may replace
    /// them: the co-simulation feeds the channel with the RTL transmitter's output. Files
    /// and comparisons leave them alone.
    fn channel_input(&mut self, _wires: &mut [u128]) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// A sink that keeps nothing.
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    type Error = std::convert::Infallible;
    fn word(&mut self, _: StreamKind, _: &[u64]) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// A sink that keeps every word in memory (tests and small sets).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MemorySink {
    /// Words of each data stream, in [`crate::stream::DATA_STREAMS`] order.
    pub streams: [Vec<Vec<u64>>; 5],
}

impl MemorySink {
    /// The words of one stream.
    pub fn words(&self, stream: StreamKind) -> &[Vec<u64>] {
        match stream_index(stream) {
            Some(i) => &self.streams[i],
            None => &[],
        }
    }
}

/// Index of a data stream in [`crate::stream::DATA_STREAMS`].
pub fn stream_index(stream: StreamKind) -> Option<usize> {
    crate::stream::DATA_STREAMS.iter().position(|&s| s == stream)
}

impl Sink for MemorySink {
    type Error = std::convert::Infallible;
    fn word(&mut self, stream: StreamKind, w: &[u64]) -> Result<(), Self::Error> {
        if let Some(i) = stream_index(stream) {
            self.streams[i].push(w.to_vec());
        }
        Ok(())
    }
}

/// What a run gave, besides its words.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The RX status at the end.
    pub status: RxStatus,
    /// Stripes the host sent.
    pub stripes_in: u64,
    /// Stripes the RX handed out.
    pub stripes_out: u64,
    /// Faults the channel model applied (bit errors, burst flips, slips, kills, revives).
    pub injections: u64,
}

/// The model wired clock by clock: TX, channel, RX fed with exactly the RX stimulus. [`run`]
/// drives it for a vector set; the co-simulation drives it slot by slot with
/// [`Machine::slot`], changing the lane map, the channel and the resets in between.
#[derive(Debug)]
pub struct Machine {
    tx: Transmitter,
    channel: ChannelModel,
    rx: Receiver,
    wires: Vec<u128>,
    k: u32,
    w: u32,
    /// TX serial words waiting for their clock (the TX latency).
    delay: VecDeque<Vec<u64>>,
    spare_words: Vec<Vec<u64>>,
    /// Received bits of each port not yet put on a clock.
    acc: Vec<BitQueue>,
    /// What the RX has been handed and not yet consumed.
    rx_in: Vec<BitQueue>,
    rx_clocks: u64,
    stim: Vec<u64>,
    serial: Vec<u64>,
    stripes: Vec<u64>,
    stripes_out: u64,
    injections: u64,
    total_clocks: u64,
    /// Only the TX runs (no channel, no RX): see [`Machine::set_tx_only`].
    tx_only: bool,
}

/// Moves every bit of `from` to the tail of `to`.
fn drain_into(from: &mut BitQueue, to: &mut BitQueue) {
    while !from.is_empty() {
        let n = from.len().min(64) as u32;
        to.push(from.peek(0, n), n);
        from.consume(n as usize);
    }
}

impl Machine {
    /// The machine of a set: its link, lane map and channel. RX stimulus stops after
    /// `set.clocks()` clocks.
    pub fn new(set: &SetSpec) -> Result<Machine, GenError> {
        let cfg = LinkConfig::new(set.params)?;
        let map = set.lane_map()?;
        let tx = Transmitter::new(&cfg, map).map_err(|e| GenError::Run(e.to_string()))?;
        let mut channel = ChannelModel::new(&cfg, set.faults.clone(), set.params.seed)?;
        channel.set_logging(true);
        let p = cfg.channels() as usize;
        let serial_width = crate::stream::StreamKind::TxExpected.width(&cfg) as u32;
        let zero = vec![0u64; word::limbs(serial_width)];
        Ok(Machine {
            tx,
            channel,
            rx: Receiver::new(&cfg),
            wires: vec![0; p],
            k: cfg.clocks_per_block(),
            w: cfg.ser_w(),
            delay: (0..TX_LATENCY_CLOCKS).map(|_| zero.clone()).collect(),
            spare_words: Vec::new(),
            acc: vec![BitQueue::new(); p],
            rx_in: vec![BitQueue::new(); p],
            rx_clocks: 0,
            stim: vec![0; cfg.lanes() as usize + 1],
            serial: zero,
            stripes: Vec::new(),
            stripes_out: 0,
            injections: 0,
            total_clocks: set.clocks(),
            tx_only: false,
        })
    }

    /// One block period: the offer of the host, then every word the period completes.
    /// Returns whether the TX took the offer.
    pub fn slot<S: Sink>(&mut self, offer: Option<&[u64]>, sink: &mut S) -> Result<bool, S::Error> {
        let n = self.stim.len() - 1;
        // TX stimulus: {valid, data}, held for the K clocks of the period.
        match offer {
            Some(s) => {
                self.stim[..n].copy_from_slice(s);
                self.stim[n] = 1;
            }
            None => self.stim.iter_mut().for_each(|x| *x = 0),
        }
        for _ in 0..self.k {
            sink.word(StreamKind::TxStimulus, &self.stim)?;
        }
        let taken = self.tx.step(offer, &mut self.wires);

        // TX expected: serial word j of every channel, delayed by the TX latency.
        let w = self.w;
        let mask = if w >= 128 { u128::MAX } else { (1u128 << w) - 1 };
        for j in 0..self.k {
            let mut word = self.spare_words.pop().unwrap_or_else(|| vec![0; self.serial.len()]);
            for (c, &wire) in self.wires.iter().enumerate() {
                word::put_field(&mut word, c as u64 * u64::from(w), w, (wire >> (j * w)) & mask);
            }
            self.delay.push_back(word);
        }
        for _ in 0..self.k {
            if let Some(word) = self.delay.pop_front() {
                sink.word(StreamKind::TxExpected, &word)?;
                self.spare_words.push(word);
            }
        }

        if self.tx_only {
            return Ok(taken);
        }
        // Channel, then the clocks of RX stimulus the received bits complete.
        sink.channel_input(&mut self.wires)?;
        self.channel.carry(&self.wires);
        self.injections += self.channel.take_injections().len() as u64;
        for (q, acc) in self.channel.ports_mut().iter_mut().zip(&mut self.acc) {
            drain_into(q, acc);
        }
        while self.rx_clocks < self.total_clocks && self.acc.iter().all(|a| a.len() >= w as usize) {
            self.rx_clock(sink)?;
        }
        self.emit_stripes(sink)?;
        Ok(taken)
    }

    /// One clock of RX stimulus from the received bits (zeros where a port has none left).
    fn rx_clock<S: Sink>(&mut self, sink: &mut S) -> Result<(), S::Error> {
        let w = self.w;
        self.serial.iter_mut().for_each(|x| *x = 0);
        for (j, (acc, rx_in)) in self.acc.iter_mut().zip(&mut self.rx_in).enumerate() {
            let have = acc.len().min(w as usize) as u32;
            let mut v = 0u128;
            let mut done = 0u32;
            while done < have {
                let n = (have - done).min(64);
                v |= u128::from(acc.peek(done as usize, n)) << done;
                done += n;
            }
            acc.consume(have as usize);
            word::put_field(&mut self.serial, j as u64 * u64::from(w), w, v);
            rx_in.push(v as u64, w.min(64));
            if w > 64 {
                rx_in.push((v >> 64) as u64, w - 64);
            }
        }
        self.rx_clocks += 1;
        // The RX takes in each clock's bits as they arrive (docs/rtl.md, "RX timing").
        self.rx.handle_bits(&mut self.rx_in);
        sink.word(StreamKind::RxStimulus, &self.serial)
    }

    fn emit_stripes<S: Sink>(&mut self, sink: &mut S) -> Result<(), S::Error> {
        self.stripes.clear();
        let got = self.rx.poll_stripes(&mut self.stripes);
        let n = self.stim.len() - 1;
        for s in self.stripes.chunks(n.max(1)).take(got) {
            sink.word(StreamKind::RxStripes, s)?;
        }
        self.stripes_out += got as u64;
        Ok(())
    }

    /// The clocks still due at the end (padded), then the status words.
    /// With [`Machine::set_tx_only`], nothing is due: no words, the RX's status as it is.
    pub fn finish<S: Sink>(&mut self, sink: &mut S) -> Result<RxStatus, S::Error> {
        if self.tx_only {
            return Ok(self.rx.status());
        }
        while self.rx_clocks < self.total_clocks {
            self.rx_clock(sink)?;
        }
        self.emit_stripes(sink)?;
        let status = self.rx.status();
        for p in &status.ports {
            sink.word(StreamKind::RxStatus, &status::port_word(p))?;
        }
        sink.word(StreamKind::RxStatus, &status::link_word(&status))?;
        Ok(status)
    }

    /// With `true`, slots run the TX alone: no channel, no RX, no RX words (a TX-only
    /// co-simulation has no use for them). The RX then stays where it was.
    pub fn set_tx_only(&mut self, on: bool) {
        self.tx_only = on;
    }

    /// The transmitter.
    pub fn tx(&self) -> &Transmitter {
        &self.tx
    }

    /// The transmitter (to change its lane map between slots).
    pub fn tx_mut(&mut self) -> &mut Transmitter {
        &mut self.tx
    }

    /// The channel model (to kill or revive channels between slots).
    pub fn channel_mut(&mut self) -> &mut ChannelModel {
        &mut self.channel
    }

    /// The receiver.
    pub fn rx(&self) -> &Receiver {
        &self.rx
    }

    /// Resets the receiver, as `rst_ni` low for a clock between two clocks of stimulus:
    /// a new [`Receiver`], and the bits it had been handed but not yet framed are gone.
    /// Stimulus not yet put on a clock stays.
    pub fn reset_rx(&mut self) {
        self.rx = Receiver::new(self.tx.config());
        self.rx_in.iter_mut().for_each(|q| *q = BitQueue::new());
    }

    /// Clocks of RX stimulus so far.
    pub fn rx_clocks(&self) -> u64 {
        self.rx_clocks
    }

    /// Faults the channel model has applied so far.
    pub fn injections(&self) -> u64 {
        self.injections
    }
}

/// Runs the set: every word of every stream to `sink`, in clock order.
pub fn run<S: Sink>(set: &SetSpec, sink: &mut S) -> Result<Result<Outcome, S::Error>, GenError> {
    let mut m = Machine::new(set)?;
    let mut host = Host::new(set.params.seed, set.params.lanes, set.params.am_period, set.run);
    Ok((|| {
        for slot in 0..set.run.slots {
            let offer = host.offer(slot);
            let taken = m.slot(offer, sink)?;
            let host_taken = host.take(slot);
            assert_eq!(
                taken, host_taken,
                "the host and the model's TX disagree on slot {slot}: the TX ready rule changed"
            );
            sink.slot_done(slot);
        }
        let status = m.finish(sink)?;
        Ok(Outcome { status, stripes_in: host.taken(), stripes_out: m.stripes_out, injections: m.injections })
    })())
}

/// Turns what a user asks for into a full set: the lane map, the link-up time measured
/// with the model (unless given), and the run's length.
pub fn plan(g: &GenSpec) -> Result<SetSpec, GenError> {
    let cfg = LinkConfig::new(g.params)?;
    let map = match &g.channel_of {
        Some(c) => LaneMap::from_assignment(g.params.lanes, g.params.spares, c, &g.failed)?,
        None => LaneMap::with_failed(g.params.lanes, g.params.spares, &g.failed)?,
    };
    ChannelModel::new(&cfg, g.faults.clone(), g.params.seed)?;
    if !(1..=100).contains(&g.valid_percent) {
        return Err(GenError::Run(format!(
            "valid_percent = {}: must be a percentage from 1 to 100",
            g.valid_percent
        )));
    }
    let mut set = SetSpec {
        params: g.params,
        channel_of: map.assignment().to_vec(),
        failed: map.failed_channels().collect(),
        faults: g.faults.clone(),
        run: RunSpec { valid_percent: g.valid_percent, lead_slots: 0, stripes: g.stripes, slots: 0 },
    };
    let lead = match g.lead_slots {
        Some(l) => l,
        None => measure_lead(&set, &cfg)?,
    };
    set.run.lead_slots = lead;
    // The host alone decides when each stripe is taken.
    let mut host = Host::new(g.params.seed, g.params.lanes, g.params.am_period, set.run);
    let mut slot = lead;
    while host.taken() < g.stripes {
        host.offer(slot);
        host.take(slot);
        slot += 1;
    }
    set.run.slots = slot + flush_slots(&g.params, &g.faults);
    Ok(set)
}

/// Idle slots until the model's RX (fed clock by clock, as in [`run`]) is aligned.
fn measure_lead(set: &SetSpec, cfg: &LinkConfig) -> Result<u64, GenError> {
    let budget =
        Link::bring_up_budget(cfg) + 2 * u64::from(cfg.am_period()) + flush_slots(&set.params, &set.faults);
    let mut probe = set.clone();
    probe.run.slots = budget;
    let mut m = Machine::new(&probe)?;
    let mut sink = NullSink;
    for slot in 0..budget {
        if m.rx.is_aligned() {
            return Ok(slot);
        }
        m.slot(None, &mut sink).unwrap_or_else(|e| match e {});
    }
    let s = m.rx.status();
    let reason = match (s.skew_fault, s.port_of_lane.iter().filter(|p| p.is_none()).count()) {
        (Some(f), _) => format!(": {f}"),
        (None, 0) => String::new(),
        (None, n) => format!(": {n} lane{} not found", if n == 1 { "" } else { "s" }),
    };
    Err(GenError::NoAlignment { periods: budget, reason, seed: set.params.seed })
}

/// A random generator for the generator's own choices (skew, permutation) from `seed`.
pub fn choice_rng(seed: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(CHOICE_STREAM);
    rng
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(lanes: u32, spares: u32, ser_w: u32) -> GenSpec {
        GenSpec {
            params: LinkParams { lanes, spares, am_period: 16, max_skew_bits: 200, ser_w, seed: 3 },
            channel_of: None,
            failed: vec![],
            faults: ChannelFaults::default(),
            valid_percent: 100,
            stripes: 30,
            lead_slots: None,
        }
    }

    #[test]
    fn every_stripe_comes_out_and_streams_have_their_lengths() {
        for ser_w in [1, 22, 66] {
            let set = plan(&spec(3, 1, ser_w)).unwrap();
            let mut sink = MemorySink::default();
            let out = run(&set, &mut sink).unwrap().unwrap();
            assert_eq!(out.stripes_in, 30);
            assert_eq!(out.stripes_out, 30, "ser_w {ser_w}");
            let clocks = set.clocks() as usize;
            assert_eq!(sink.words(StreamKind::TxStimulus).len(), clocks);
            assert_eq!(sink.words(StreamKind::TxExpected).len(), clocks);
            assert_eq!(sink.words(StreamKind::RxStimulus).len(), clocks);
            assert_eq!(sink.words(StreamKind::RxStripes).len(), 30);
            assert_eq!(sink.words(StreamKind::RxStatus).len(), 5);
            // The stripes out are the stripes in, in order.
            let sent: Vec<&Vec<u64>> = sink
                .words(StreamKind::TxStimulus)
                .iter()
                .enumerate()
                .filter(|(c, w)| {
                    let k = u64::from(66 / ser_w);
                    (*c as u64).is_multiple_of(k) && w[3] == 1 && !(*c as u64 / k).is_multiple_of(16)
                })
                .map(|(_, w)| w)
                .collect();
            assert_eq!(sent.len(), 30);
            for (a, b) in sent.iter().zip(sink.words(StreamKind::RxStripes)) {
                assert_eq!(&a[..3], &b[..]);
            }
            // Nothing on the serial bus before the TX latency; a marker right after.
            let txe = sink.words(StreamKind::TxExpected);
            assert!(txe[..TX_LATENCY_CLOCKS as usize].iter().all(|w| w.iter().all(|&x| x == 0)));
            assert!(txe[TX_LATENCY_CLOCKS as usize].iter().any(|&x| x != 0));
        }
    }

    #[test]
    fn lead_is_when_the_rx_aligns() {
        let set = plan(&spec(2, 0, 11)).unwrap();
        let mut probe = set.clone();
        probe.run.stripes = 0;
        let mut m = Machine::new(&probe).unwrap();
        for _ in 0..set.run.lead_slots {
            assert!(!m.rx.is_aligned());
            m.slot(None, &mut NullSink).unwrap_or_else(|e| match e {});
        }
        assert!(m.rx.is_aligned());
    }

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

    #[test]
    fn impossible_requests_are_errors() {
        let mut g = spec(2, 0, 22);
        g.params.ser_w = 5;
        assert!(plan(&g).unwrap_err().to_string().contains("ser_w = 5"));
        let mut g = spec(2, 0, 22);
        g.failed = vec![0];
        assert!(plan(&g).unwrap_err().to_string().starts_with("invalid lane map"));
        let mut g = spec(2, 1, 22);
        g.faults.dead = vec![0];
        let e = plan(&g).unwrap_err().to_string();
        assert!(e.contains("does not align") && e.contains("--lead-slots"), "{e}");
    }
}
