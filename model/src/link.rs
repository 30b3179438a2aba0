//! TX -> channel -> RX as one deterministic pair, for tests, the demo and the vector
//! generator. Like the transmitter and receiver it wraps, it does no I/O.
//!
//! [`Link::step`] is one block period through the whole datapath. [`Link::bring_up`]
//! sends idles until the receiver reports the link aligned, as a host waits for link-up
//! before it sends data. [`Link::flush`] sends the idles that carry the last stripes
//! through the deskew buffers.

use crate::block::BLOCK_BITS;
use crate::channel::{ChannelError, ChannelFaults, ChannelModel};
use crate::config::LinkConfig;
use crate::deskew::RELEASE_HOLD;
use crate::lanemap::LaneMap;
use crate::rx::{PortLog, Receiver};
use crate::tx::{MapMismatch, Transmitter};

/// Why a link could not be built, or did not come up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LinkError {
    /// The lane map does not fit the configuration.
    #[error(transparent)]
    Map(#[from] MapMismatch),
    /// The channel settings are invalid.
    #[error(transparent)]
    Channel(#[from] ChannelError),
    /// The receiver did not align within the given number of block periods.
    #[error("link did not align within {periods} block periods{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    NoAlignment {
        /// Block periods sent.
        periods: u64,
        /// What the receiver reports as the reason, when it knows one.
        reason: Option<String>,
    },
}

/// A transmitter, a channel and a receiver driven in lock step.
#[derive(Debug, Clone)]
pub struct Link {
    /// The transmitter.
    pub tx: Transmitter,
    /// The channel model.
    pub channel: ChannelModel,
    /// The receiver.
    pub rx: Receiver,
    wires: Vec<u128>,
    /// Scratch of [`Link::send`] and [`Link::idle`]: wire values, channel-major, and the
    /// RX queues' lengths after each period.
    batch_wires: Vec<u128>,
    batch_ends: Vec<usize>,
    /// Scratch of a steady batch: what each period sends ([`Transmitter::plan_periods`]),
    /// and what it leaves of each port ([`Receiver::take_steady`]).
    plan: Vec<u32>,
    steady_left: crate::rx::PortsLeft<crate::coding::Encoder64b66b>,
    /// The RX ports' logs of the batch being taken (0) and of the one the deskew replays
    /// (1), and that one's number of periods when it is still to be replayed.
    logs: [Vec<PortLog>; 2],
    pending: Option<usize>,
    /// Block periods that went through the steady batch ([`Link::steady_periods`]).
    steady_periods: u64,
    /// Whether the last batch was a steady batch: the periods up to and with a channel's
    /// event due within a few periods (a bit error, say) then go one at a time, and a
    /// steady batch is tried again right after them ([`Link::run_periods`]).
    steady: bool,
}

/// Quiet block periods from which a steady link runs a steady batch up to a channel's
/// next event ([`Link::run_periods`]); fewer go one at a time, with the event's period.
const MIN_STEADY_RUN: usize = 16;

/// Runs `f`, a call of `blocks` blocks over `channels` channels, on a thread of rayon's
/// pool (the current one when it is one), with the pool's other threads awake
/// ([`crate::parallel::with_threads_awake`]): the batches of a call then hand work to the
/// other threads without waking a pool from outside, or a thread, each time.
fn in_pool<R: Send>(channels: usize, blocks: usize, f: impl FnOnce() -> R + Send) -> R {
    let awake = || crate::parallel::with_threads_awake(channels, blocks, f);
    if rayon::current_thread_index().is_some() {
        awake()
    } else {
        rayon::scope(|_| awake())
    }
}

/// Block periods per channel that [`Link::send`] and [`Link::idle`] take through the
/// datapath at a time: about 256 Ki blocks, at most 256 periods (at 4096 channels 64, so
/// that the per-port work of a batch is shared by 64 blocks).
fn batch_periods(channels: usize) -> usize {
    ((1 << 18) / channels.max(1)).clamp(1, 256)
}

impl Link {
    /// Builds the pair. The channel's randomness comes from `channel_seed`.
    pub fn new(
        cfg: &LinkConfig,
        map: LaneMap,
        faults: ChannelFaults,
        channel_seed: u64,
    ) -> Result<Self, LinkError> {
        Ok(Link {
            tx: Transmitter::new(cfg, map)?,
            channel: ChannelModel::new(cfg, faults, channel_seed)?,
            rx: Receiver::new(cfg),
            wires: vec![0; cfg.channels() as usize],
            batch_wires: Vec::new(),
            batch_ends: Vec::new(),
            plan: Vec::new(),
            steady_left: Vec::new(),
            logs: [Vec::new(), Vec::new()],
            pending: None,
            steady_periods: 0,
            steady: false,
        })
    }

    /// One block period through TX, channel and RX; returns whether `stripe` was taken.
    #[inline]
    pub fn step(&mut self, stripe: Option<&[u64]>) -> bool {
        let taken = self.tx.step(stripe, &mut self.wires);
        self.channel.carry(&self.wires);
        self.rx.handle_bits(self.channel.ports_mut());
        taken
    }

    /// Whether [`Link::send`], [`Link::idle`] and the receiver take the fast path (the
    /// default; see [`Receiver::set_fast_path`]). Off, they go block period by block
    /// period through [`Link::step`]: the reference for the differential tests.
    pub fn set_fast_path(&mut self, on: bool) {
        self.rx.set_fast_path(on);
    }

    /// Sends every stripe of `stripes` (N words each, lane 0 first): the same as
    /// [`Link::step`] with each stripe in turn until it is taken, many block periods per
    /// call (see [`Link::idle`]). Returns the block periods it took. [`Link::last_wires`]
    /// holds the last period's values, as after [`Link::step`].
    ///
    /// # Panics
    /// If `stripes` is not whole stripes.
    pub fn send(&mut self, stripes: &[u64]) -> u64 {
        let lanes = self.tx.config().lanes() as usize;
        assert!(stripes.len().is_multiple_of(lanes), "whole stripes of one word per lane");
        if !self.rx.fast_path() {
            let mut periods = 0;
            for s in stripes.chunks(lanes) {
                periods += 1;
                while !self.step(Some(s)) {
                    periods += 1;
                }
            }
            return periods;
        }
        let batch = batch_periods(self.wires.len());
        in_pool(self.wires.len(), stripes.len(), || {
            let mut rest = stripes;
            let mut periods = 0;
            while !rest.is_empty() {
                // A period takes a stripe unless it is a marker slot: the periods that
                // take a batch of stripes, so the last batch ends with the last stripe.
                let k = self.tx.periods_for((rest.len() / lanes).min(batch));
                let (taken, ran) = self.run_periods(rest, k);
                rest = &rest[taken * lanes..];
                periods += ran as u64;
            }
            self.finish_batches();
            periods
        })
    }

    /// `periods` idle block periods: [`Link::step`] with no stripe, that many times, in
    /// batches of block periods. A batch in the steady state (every port locked, every lane
    /// aligned, nothing due on any channel) goes through TX, channel and RX in one loop per
    /// port (64b/66b ports eight at a time, side by side) straight into the rows the deskew
    /// releases as stripes ([`Receiver::take_steady`]); otherwise,
    /// with threads and channels enough, the batch is pipelined over the threads
    /// ([`Receiver::handle_periods`]), or it goes period by period. The result is the same.
    pub fn idle(&mut self, periods: u64) {
        if !self.rx.fast_path() {
            for _ in 0..periods {
                self.step(None);
            }
            return;
        }
        let blocks = usize::try_from(periods).unwrap_or(usize::MAX).saturating_mul(self.wires.len());
        in_pool(self.wires.len(), blocks, || {
            let mut left = periods;
            while left > 0 {
                let k = left.min(batch_periods(self.wires.len()) as u64);
                let (_, ran) = self.run_periods(&[], k as usize);
                left -= ran as u64;
            }
            self.finish_batches();
        })
    }

    /// Up to `periods` block periods offering the stripes of `stripes` in turn: the steady
    /// batch when the link is in the steady state, else a pipelined batch or period by
    /// period. A link that ran a steady batch last, with an event due on a channel within
    /// `periods` (a bit error, say), runs the steady batch up to it, or, when it is due
    /// within [`MIN_STEADY_RUN`] periods, goes one period at a time up to and with the
    /// event's period: the per-block machines take the event at exactly that block, and
    /// the periods after it go through the steady batch again if the link is still steady
    /// and nothing else is due soon (events close together go through the batches that are
    /// not steady, as before). Returns the stripes taken and the periods run.
    fn run_periods(&mut self, stripes: &[u64], periods: usize) -> (usize, usize) {
        let quiet = self.channel.quiet_periods(periods);
        if quiet == periods || (self.steady && quiet >= MIN_STEADY_RUN) {
            self.finish_batches();
            if let Some(taken) = self.run_steady_batch(stripes, quiet) {
                self.steady = true;
                return (taken, quiet);
            }
            self.steady = false;
        }
        if self.steady {
            let n = (quiet + 1).min(periods);
            self.steady = false;
            self.finish_batches();
            return (self.step_periods(stripes, n), n);
        }
        if self.batched() {
            return (self.run_batch(stripes, periods), periods);
        }
        self.finish_batches();
        (self.step_periods(stripes, periods), periods)
    }

    /// `periods` block periods one at a time ([`Link::step`]), offering the stripes of
    /// `stripes` in turn; returns the stripes taken.
    fn step_periods(&mut self, stripes: &[u64], periods: usize) -> usize {
        let lanes = self.tx.config().lanes() as usize;
        let mut taken = 0;
        for _ in 0..periods {
            let s = stripes.get(taken * lanes..(taken + 1) * lanes);
            taken += usize::from(self.step(s));
        }
        taken
    }

    /// A batch of clean block periods through TX, channel and RX in one loop per port, when
    /// the receiver is in the steady state ([`Receiver::take_steady`]): each port's loop
    /// runs the encoder of the channel it receives as it goes, and nothing but the last
    /// period's values is stored. Returns the stripes taken, or `None`, with nothing
    /// changed, when the receiver is not steady or something in the batch is not.
    fn run_steady_batch(&mut self, stripes: &[u64], periods: usize) -> Option<usize> {
        let offered = stripes.len() / self.tx.config().lanes() as usize;
        let mut plan = std::mem::take(&mut self.plan);
        let taken = self.tx.plan_periods(offered, periods, &mut plan);
        let (tx, channel) = (&self.tx, &self.channel);
        let sources = channel.sources();
        let result = self.rx.take_steady(
            channel.ports(),
            periods,
            |p| channel.port_is_dark(p),
            |p| tx.channel_wires(sources[p] as usize, stripes, &plan),
            |p| tx.prefetch_channel(sources[p] as usize),
            &mut self.steady_left,
        );
        let left = &self.steady_left;
        let Some(dark) = result else {
            self.plan = plan;
            return None;
        };
        for (i, &(p, waiting, encoder)) in left.iter().enumerate() {
            // The channels are in lane order: each a few ahead is asked for.
            if let Some(&(ahead, ..)) = left.get(i + crate::cache::AHEAD) {
                let c = sources[ahead] as usize;
                self.tx.prefetch_channel(c);
                crate::cache::prefetch(&self.wires[c]);
            }
            let c = sources[p] as usize;
            self.wires[c] = waiting;
            self.tx.set_encoder(c, encoder);
        }
        self.tx.advance(&plan, offered);
        self.plan = plan;
        self.channel.carry_taken(&self.wires, periods, dark);
        self.steady_periods += periods as u64;
        Some(taken)
    }

    /// Whether a batch that is not steady is pipelined over the threads: there is more than
    /// one thread, and enough channels to share out. Otherwise the pipelined batches are no
    /// faster than the block periods one at a time (BENCHMARKS.md, "Model fast path"),
    /// which then run instead, with the same result.
    fn batched(&self) -> bool {
        crate::parallel::worth_batching(self.wires.len())
    }

    /// One batch of `periods` block periods through TX, channel and the RX ports, while
    /// the deskew takes the batch before it (on another thread when there is one); the
    /// deskew's order of work is the per-block order whatever runs at the same time.
    fn run_batch(&mut self, stripes: &[u64], periods: usize) -> usize {
        let n = self.wires.len() * periods;
        self.batch_wires.resize(n, 0);
        self.batch_ends.resize(n, 0);
        let pending = self.pending.take();
        let [next_logs, prev_logs] = &mut self.logs;
        let (mut ports, mut deskew) = self.rx.split();
        let (tx, channel, wires, ends) = (&mut self.tx, &mut self.channel, &mut self.batch_wires, &mut self.batch_ends);
        let ((), taken) = rayon::join(
            || {
                if let Some(p) = pending {
                    deskew.replay(prev_logs, p);
                }
            },
            || {
                let taken = tx.encode_periods(stripes, periods, wires);
                channel.carry_periods(wires, periods, ends);
                ports.run(channel.ports_mut(), ends, next_logs);
                taken
            },
        );
        self.logs.swap(0, 1);
        self.pending = Some(periods);
        for (c, w) in self.wires.iter_mut().enumerate() {
            *w = self.batch_wires[c * periods + periods - 1];
        }
        taken
    }

    /// Replays the last batch into the deskew.
    fn finish_batches(&mut self) {
        if let Some(p) = self.pending.take() {
            let [_, prev_logs] = &mut self.logs;
            let (_, mut deskew) = self.rx.split();
            deskew.replay(prev_logs, p);
        }
    }

    /// Block periods so far that [`Link::send`] and [`Link::idle`] took through the
    /// steady batch, the fast path's loop ([`Link::idle`]); the others went through the
    /// per-block machines. A diagnostic: the results are the same either way, only the
    /// speed is not.
    pub fn steady_periods(&self) -> u64 {
        self.steady_periods
    }

    /// The TX wire values of the last block period, one per physical channel.
    pub fn last_wires(&self) -> &[u128] {
        &self.wires
    }

    /// Block periods a link needs at most to align with no faults: block lock on every
    /// possible boundary, a skew's worth of blocks, then two marker periods and one more.
    pub fn bring_up_budget(cfg: &LinkConfig) -> u64 {
        let hunt = u64::from(BLOCK_BITS) * 8 + 64;
        let skew = u64::from(cfg.max_skew_bits()) / u64::from(BLOCK_BITS) + 2;
        hunt + skew + 4 * u64::from(cfg.am_period())
    }

    /// Sends idle until the receiver is aligned; returns the block periods it took.
    pub fn bring_up(&mut self, max_periods: u64) -> Result<u64, LinkError> {
        let mut periods = 0;
        while !self.rx.is_aligned() {
            if periods == max_periods {
                let s = self.rx.status();
                let reason = s.skew_fault.map(|f| f.to_string()).or_else(|| {
                    let lanes = self.tx.config().lanes();
                    let mut seen = vec![false; lanes as usize];
                    for lane in s.ports.iter().filter_map(|p| p.lane) {
                        if let Some(f) = seen.get_mut(usize::from(lane)) {
                            *f = true;
                        }
                    }
                    let missing: Vec<String> =
                        (0..lanes).filter(|&l| !seen[l as usize]).map(|l| l.to_string()).collect();
                    (!missing.is_empty()).then(|| {
                        let more = if missing.len() > 8 { ", ..." } else { "" };
                        format!(
                            "{} of {lanes} lanes marker-locked on no port (lanes {}{more})",
                            missing.len(),
                            missing[..missing.len().min(8)].join(", "),
                        )
                    })
                });
                return Err(LinkError::NoAlignment { periods, reason });
            }
            self.step(None);
            periods += 1;
        }
        Ok(periods)
    }

    /// Sends enough idle block periods to carry every stripe already sent through the
    /// channel's skew and the receiver's buffers and release hold.
    pub fn flush(&mut self) {
        let cfg = *self.tx.config();
        let periods = u64::from(cfg.max_skew_bits()) / u64::from(BLOCK_BITS) + RELEASE_HOLD + 4;
        self.idle(periods);
    }

    /// Appends the stripes received so far to `out`; returns how many.
    pub fn poll_stripes(&mut self, out: &mut Vec<u64>) -> usize {
        self.rx.poll_stripes(out)
    }
}
