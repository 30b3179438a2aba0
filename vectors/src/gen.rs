//! The generator: runs the clocked model ([`tessera_clocked::Machine`]) from a [`SetSpec`]
//! and hands every word of every stream of a vector set, in clock order, to a [`Sink`]
//! (files for `tessera gen`, a comparison for `tessera check`, memory for tests): the
//! Machine's words as the streams they are, then, after the last clock, the `rx_status`
//! words in the file's packing ([`crate::stream::status`]). Memory stays flat whatever the
//! length: nothing is kept of a clock once its words are handed on.
//!
//! The run itself (host, TX, channel, RX stimulus, `docs/vectors.md` section 6 "The run")
//! and its planning are `tessera-clocked`'s; [`plan`], [`GenSpec`], [`Host`] and the rest
//! are re-exported here for the users of this crate.

use std::ops::{Deref, DerefMut};

use tessera_clocked::Bus;
use tessera_model::coverage::Coverage;
use tessera_model::rx::{Receiver, RxStatus};

pub use tessera_clocked::{
    choice_rng, flush_slots, plan, GenError, GenSpec, Host, NullSink, CHOICE_STREAM, STIMULUS_STREAM,
};

use crate::header::SetSpec;
use crate::stream::{status, StreamKind, DATA_STREAMS};

/// Receives the words of a vector set, stream by stream, in clock order.
pub trait Sink {
    /// The sink's error.
    type Error;
    /// The next word of `stream` (little-endian limbs of the stream's width).
    fn word(&mut self, stream: StreamKind, w: &[u64]) -> Result<(), Self::Error>;
    /// Called after every slot with the slot's index; a sink may report progress.
    fn slot_done(&mut self, _slot: u64) {}
    /// Called once per slot, after the slot's TX words, with the 66-bit blocks the channel
    /// is about to carry, as [`tessera_clocked::Sink::channel_input`]. Files and
    /// comparisons leave them alone.
    fn channel_input(&mut self, _wires: &mut [u128]) -> Result<(), Self::Error> {
        Ok(())
    }
}

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
    pub streams: [Vec<Vec<u64>>; DATA_STREAMS.len()],
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
    /// The cover points the run hit (`tessera_clocked::Machine::coverage`).
    pub coverage: Coverage,
}

/// A set's [`Sink`] as the clocked model's: each word goes on as the stream of its bus.
struct Streams<'a, S>(&'a mut S);

impl<S: Sink> tessera_clocked::Sink for Streams<'_, S> {
    type Error = S::Error;
    fn word(&mut self, bus: Bus, w: &[u64]) -> Result<(), S::Error> {
        self.0.word(StreamKind::from(bus), w)
    }
    fn channel_input(&mut self, wires: &mut [u128]) -> Result<(), S::Error> {
        self.0.channel_input(wires)
    }
    /// The `rx_port_status` words of the block period that ends here: port by port.
    fn rx_period(&mut self, _clock: u64, rx: &Receiver) -> Result<(), S::Error> {
        for p in &rx.status().ports {
            self.0.word(StreamKind::RxPortStatus, &status::period_word(p))?;
        }
        Ok(())
    }
}

/// The clocked model as a vector set sees it: a [`tessera_clocked::Machine`] whose words go
/// to a set's [`Sink`] as streams, with the `rx_status` words after the last clock. For
/// everything else (lane map, channel, RX, resets) it derefs to the clocked Machine. [`run`]
/// drives it; a co-simulation that wants the ports alone drives
/// [`tessera_clocked::Machine`] directly.
#[derive(Debug)]
pub struct Machine {
    clocked: tessera_clocked::Machine,
}

impl Machine {
    /// The machine of a set (see [`tessera_clocked::Machine::new`]).
    pub fn new(set: &SetSpec) -> Result<Machine, GenError> {
        Ok(Machine { clocked: tessera_clocked::Machine::new(set)? })
    }

    /// One block period (see [`tessera_clocked::Machine::slot`]). Returns whether the TX
    /// took the offer.
    pub fn slot<S: Sink>(&mut self, offer: Option<&[u64]>, sink: &mut S) -> Result<bool, S::Error> {
        self.clocked.slot(offer, &mut Streams(sink))
    }

    /// The clocks still due at the end (padded), then the status words. With
    /// [`tessera_clocked::Machine::set_tx_only`], nothing is due: no words, the RX's status
    /// as it is.
    pub fn finish<S: Sink>(&mut self, sink: &mut S) -> Result<RxStatus, S::Error> {
        let status = self.clocked.finish(&mut Streams(&mut *sink))?;
        if !self.clocked.tx_only() {
            for p in &status.ports {
                sink.word(StreamKind::RxStatus, &status::port_word(p))?;
            }
            sink.word(StreamKind::RxStatus, &status::link_word(&status))?;
        }
        Ok(status)
    }
}

impl Deref for Machine {
    type Target = tessera_clocked::Machine;
    fn deref(&self) -> &tessera_clocked::Machine {
        &self.clocked
    }
}

impl DerefMut for Machine {
    fn deref_mut(&mut self) -> &mut tessera_clocked::Machine {
        &mut self.clocked
    }
}

/// Runs the set: every word of every stream to `sink`, in clock order.
pub fn run<S: Sink>(set: &SetSpec, sink: &mut S) -> Result<Result<Outcome, S::Error>, GenError> {
    run_with(set, sink, &mut |_, _| {})
}

/// [`run`], with `before_slot(slot, machine)` called before every slot: the RTL bench sets
/// of `rtl/tb/vectors` change the TX's lane map there ([`crate::bench`]), which the format
/// has no key for.
pub fn run_with<S: Sink>(
    set: &SetSpec,
    sink: &mut S,
    before_slot: &mut dyn FnMut(u64, &mut Machine),
) -> Result<Result<Outcome, S::Error>, GenError> {
    let mut m = Machine::new(set)?;
    let mut host = Host::new(set.params.seed, set.params.lanes, set.params.am_period, set.run);
    Ok((|| {
        for slot in 0..set.run.slots {
            before_slot(slot, &mut m);
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
        Ok(Outcome {
            status,
            stripes_in: host.taken(),
            stripes_out: m.stripes_out(),
            injections: m.injections(),
            coverage: m.coverage(),
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::GenOptions;
    use tessera_model::tx::TX_LATENCY_CLOCKS;

    /// `lanes` + `spares` at `ser_w`, 30 stripes, a perfect channel.
    fn spec(lanes: u32, spares: u32, ser_w: u32) -> GenSpec {
        let o = GenOptions {
            lanes: Some(lanes),
            spares: Some(spares),
            am_period: Some(16),
            max_skew_bits: Some(200),
            ser_w: Some(ser_w),
            stripes: Some(30),
            ..GenOptions::default()
        };
        o.to_spec(3)
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
            // One port status word per port per block period; the last period's are the
            // final status (the ports' fields of rx_status).
            let per = sink.words(StreamKind::RxPortStatus);
            assert_eq!(per.len() as u64, set.run.slots * 4);
            for (j, p) in out.status.ports.iter().enumerate() {
                assert_eq!(per[per.len() - 4 + j], status::period_word(p).to_vec());
            }
            assert!(per[..4].iter().all(|w| w.iter().all(|&x| x == 0)), "nothing locked after one period");
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

    /// The per-period status is a receiver's fed exactly `rx_stimulus`, one clock at a
    /// time, read after every K-th clock: a fresh receiver replays the file's words.
    #[test]
    fn port_status_is_the_receiver_after_every_block_period() {
        use tessera_model::serial::BitQueue;
        for ser_w in [6, 66] {
            let mut g = spec(2, 1, ser_w);
            g.faults.skew_bits = vec![0, 70, 13];
            g.faults.ber = 1e-3;
            let set = plan(&g).unwrap();
            let mut sink = MemorySink::default();
            run(&set, &mut sink).unwrap().unwrap();
            let cfg = set.config().unwrap();
            let (k, p) = (u64::from(cfg.clocks_per_block()), 3usize);
            let mut rx = Receiver::new(&cfg);
            let mut queues = vec![BitQueue::new(); p];
            let per = sink.words(StreamKind::RxPortStatus);
            let mut locked = false;
            for (c, w) in sink.words(StreamKind::RxStimulus).iter().enumerate() {
                for (j, q) in queues.iter_mut().enumerate() {
                    let v = crate::word::get_field(w, (j as u32 * ser_w).into(), ser_w);
                    q.push(v as u64, ser_w.min(64));
                    if ser_w > 64 {
                        q.push((v >> 64) as u64, ser_w - 64);
                    }
                }
                rx.handle_bits(&mut queues);
                let clock = c as u64 + 1;
                if clock.is_multiple_of(k) {
                    let s = (clock / k - 1) as usize;
                    for (j, port) in rx.status().ports.iter().enumerate() {
                        assert_eq!(per[s * p + j], status::period_word(port).to_vec(), "period {s} port {j}");
                        locked |= port.marker_lock;
                    }
                }
            }
            assert!(locked);
        }
    }
}
