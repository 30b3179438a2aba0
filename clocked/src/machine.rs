//! [`Machine`]: the model wired clock by clock, and the [`Sink`] that receives its port
//! words.
//!
//! Block period (slot) `s` is clocks `s*K .. s*K+K-1`, `K = 66 / ser_w`.
//! * **TX** takes the offer of each slot; its serial words come out `TX_LATENCY_CLOCKS`
//!   clocks late (docs/spec.md section 9, "TX timing"); its wires go through the channel
//!   model (seeded by `seed`).
//! * **RX stimulus**: clock `c` carries bits `c*ser_w ..` of each port's received stream;
//!   the model's RX is fed exactly these clocks, one `handle_bits` per clock (docs/spec.md
//!   section 11.7), so the stripes and the status are what an RX sees from exactly the RX
//!   stimulus. A port whose stream is short at the end (a bit slip that dropped bits) is
//!   padded with zeros.
//! * **RX status every block period**: after RX clock `c - 1` for every `c` that is a
//!   multiple of K, the sink's [`Sink::rx_period`] sees the receiver, whose port status is
//!   what the RX's status outputs show on clock `c`.

use std::collections::VecDeque;

use tessera_model::channel::ChannelModel;
use tessera_model::coverage::{Cover, Coverage};
use tessera_model::rx::{Receiver, RxStatus};
use tessera_model::serial::BitQueue;
use tessera_model::tx::{Transmitter, TX_LATENCY_CLOCKS};
use tessera_model::LinkConfig;

use crate::bits::put_field;
use crate::plan::GenError;
use crate::spec::SetSpec;

/// The bus a word of the [`Machine`] belongs to. Every word is a bus value as
/// little-endian 64-bit limbs, bus bit `k` in bit `k % 64` of limb `k / 64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bus {
    /// `{tx_valid_i, tx_data_i}` of one clock: lane `i`'s word in bits `[64i+63 : 64i]`,
    /// valid in bit `64 N` (N + 1 limbs).
    TxStimulus,
    /// `tx_serial_o` of one clock, as the TX must drive it: channel `c` in bits
    /// `[c*ser_w + ser_w-1 : c*ser_w]`, its first bit on the wire in the lowest bit.
    TxExpected,
    /// `rx_serial_i` of one clock: port `j` in bits `[j*ser_w + ser_w-1 : j*ser_w]`.
    RxStimulus,
    /// One stripe the RX hands out, in order: lane `i`'s word in limb `i`.
    RxStripes,
}

/// Receives the words of a [`Machine`], bus by bus, in clock order.
pub trait Sink {
    /// The sink's error.
    type Error;
    /// The next word of `bus` (little-endian limbs of the bus's width).
    fn word(&mut self, bus: Bus, w: &[u64]) -> Result<(), Self::Error>;
    /// Called once per slot, after the slot's TX words, with the 66-bit blocks the channel
    /// is about to carry (one per channel, bit 0 first on the wire). A sink may replace
    /// them: the co-simulation feeds the channel with the RTL transmitter's output. Files
    /// and comparisons leave them alone.
    fn channel_input(&mut self, _wires: &mut [u128]) -> Result<(), Self::Error> {
        Ok(())
    }
    /// Called at the end of every RX block period: after RX clock `clock - 1`, when `clock`
    /// is a multiple of K, with the receiver as it is then. Its `status().ports` are what
    /// the RX's per-port status outputs show on clock `clock` (docs/spec.md section 11.7:
    /// they reflect the blocks of clocks `0 .. clock-1`). The vector sets' per-period status
    /// stream is made here; others leave it alone.
    fn rx_period(&mut self, _clock: u64, _rx: &Receiver) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// A sink that keeps nothing.
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    type Error = std::convert::Infallible;
    fn word(&mut self, _: Bus, _: &[u64]) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// The model wired clock by clock: TX, channel, RX fed with exactly the RX stimulus. A
/// vector set's `run` (`tessera_vectors::gen::run`) drives it for a whole set; the
/// co-simulation drives it slot by slot with [`Machine::slot`], changing the lane map, the
/// channel and the resets in between.
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
    /// Cover points of the configuration and the resets, and those of receivers a reset
    /// replaced.
    cov: Coverage,
    /// The RX was reset while aligned and has not aligned since.
    realign_pending: bool,
    /// The RX's lock losses at the start of the current slot.
    losses_at_slot: u64,
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
        let serial_width = p * cfg.ser_w() as usize;
        let zero = vec![0u64; serial_width.div_ceil(64)];
        let mut cov = Coverage::default();
        let k = cfg.clocks_per_block();
        for (holds, point) in [
            (k == 1 && cfg.lanes() > 1, Cover::ConfigOneBlockPerClock),
            (k > 1, Cover::ConfigSeveralClocks),
            (cfg.spares() == 0, Cover::ConfigNoSpares),
            (cfg.spares() >= 2, Cover::ConfigSpares),
            (cfg.am_period() <= 16, Cover::ConfigShortPeriod),
            (cfg.am_period() >= 64, Cover::ConfigLongPeriod),
        ] {
            if holds {
                cov.hit(point);
            }
        }
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
            cov,
            realign_pending: false,
            losses_at_slot: 0,
        })
    }

    /// One block period: the offer of the host (N words, or `None` for idle), then every
    /// word the period completes. Returns whether the TX took the offer.
    ///
    /// # Panics
    /// If `offer` is not N words long (a caller's bug, never a user's input).
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
            sink.word(Bus::TxStimulus, &self.stim)?;
        }
        let taken = self.tx.step(offer, &mut self.wires);

        // TX expected: serial word j of every channel, delayed by the TX latency.
        let w = self.w;
        let mask = if w >= 128 { u128::MAX } else { (1u128 << w) - 1 };
        for j in 0..self.k {
            let mut word = self.spare_words.pop().unwrap_or_else(|| vec![0; self.serial.len()]);
            for (c, &wire) in self.wires.iter().enumerate() {
                put_field(&mut word, c as u64 * u64::from(w), w, (wire >> (j * w)) & mask);
            }
            self.delay.push_back(word);
        }
        for _ in 0..self.k {
            if let Some(word) = self.delay.pop_front() {
                sink.word(Bus::TxExpected, &word)?;
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
        let losses = self.rx.lock_losses();
        if losses >= self.losses_at_slot + 2 {
            self.cov.hit(Cover::DeskewSameBlockEvents);
        }
        self.losses_at_slot = losses;
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
            put_field(&mut self.serial, j as u64 * u64::from(w), w, v);
            rx_in.push(v as u64, w.min(64));
            if w > 64 {
                rx_in.push((v >> 64) as u64, w - 64);
            }
        }
        self.rx_clocks += 1;
        // The RX takes in each clock's bits as they arrive (docs/spec.md section 11.7).
        self.rx.handle_bits(&mut self.rx_in);
        if self.realign_pending && self.rx.is_aligned() {
            self.realign_pending = false;
            self.cov.hit(Cover::ResetRxMidRun);
        }
        sink.word(Bus::RxStimulus, &self.serial)?;
        if self.rx_clocks.is_multiple_of(u64::from(self.k)) {
            sink.rx_period(self.rx_clocks, &self.rx)?;
        }
        Ok(())
    }

    fn emit_stripes<S: Sink>(&mut self, sink: &mut S) -> Result<(), S::Error> {
        self.stripes.clear();
        let got = self.rx.poll_stripes(&mut self.stripes);
        let n = self.stim.len() - 1;
        for s in self.stripes.chunks(n.max(1)).take(got) {
            sink.word(Bus::RxStripes, s)?;
        }
        self.stripes_out += got as u64;
        Ok(())
    }

    /// The clocks still due at the end (padded) and the stripes they release; returns the
    /// RX status after the last clock. With [`Machine::set_tx_only`], nothing is due: no
    /// words, the RX's status as it is.
    pub fn finish<S: Sink>(&mut self, sink: &mut S) -> Result<RxStatus, S::Error> {
        if self.tx_only {
            return Ok(self.rx.status());
        }
        while self.rx_clocks < self.total_clocks {
            self.rx_clock(sink)?;
        }
        self.emit_stripes(sink)?;
        Ok(self.rx.status())
    }

    /// With `true`, slots run the TX alone: no channel, no RX, no RX words (a TX-only
    /// co-simulation has no use for them). The RX then stays where it was.
    pub fn set_tx_only(&mut self, on: bool) {
        self.tx_only = on;
    }

    /// Whether slots run the TX alone ([`Machine::set_tx_only`]).
    pub fn tx_only(&self) -> bool {
        self.tx_only
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
        self.cov.merge(&self.rx.coverage());
        self.realign_pending |= self.rx.is_aligned();
        self.rx = Receiver::new(self.tx.config());
        self.losses_at_slot = 0;
        self.rx_in.iter_mut().for_each(|q| *q = BitQueue::new());
    }

    /// Every cover point counted so far (`docs/coverage.md`): the configuration's, the
    /// resets', the TX's, the channel's and the RX's (including receivers since reset).
    pub fn coverage(&self) -> Coverage {
        let mut c = self.cov.clone();
        c.merge(self.tx.coverage());
        c.merge(self.channel.coverage());
        c.merge(&self.rx.coverage());
        c
    }

    /// Clocks of RX stimulus so far.
    pub fn rx_clocks(&self) -> u64 {
        self.rx_clocks
    }

    /// Stripes the RX has handed out so far.
    pub fn stripes_out(&self) -> u64 {
        self.stripes_out
    }

    /// Faults the channel model has applied so far.
    pub fn injections(&self) -> u64 {
        self.injections
    }
}
