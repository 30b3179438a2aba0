//! [`Pair`]: the RTL and the golden model side by side, slot by slot.
//!
//! The model side is [`tessera_clocked::Machine`], the model wired clock by clock
//! exactly as the port contract describes it (docs/ports.md, docs/vectors.md "Timing"):
//! TX, channel, RX fed one clock of received bits at a time. The RTL side drives the DUT's
//! TX and/or RX ([`TxDut`], [`RxDut`]) with the same words as the Machine hands them out:
//!
//! * TX stimulus and TX expected words: the DUT's TX gets host valid and data and any
//!   lane-map writes on that clock; host ready is checked against the contract's formula
//!   and the serial bus against the model bit for bit, every clock, shifted by the DUT's
//!   TX latency `L` (its clock `c` carries the contract's clock `c + 2 - L`; before that,
//!   zeros).
//! * Channel input ([`Mode::EndToEnd`]): the channel carries what the DUT's TX put on the
//!   wire, `D = ceil(L / K)` slots late; the model's RX and the DUT's RX both receive that
//!   channel's output.
//! * RX stimulus: one clock of the serial input; a stripe out is compared, in order, with
//!   the model's stripes (transaction level, docs/ports.md "RX timing").
//!
//! After every slot the per-port status roles the DUT has are compared with the model's,
//! `status_lag` clocks later; the link roles are compared at the end, after the flush, one
//! clock after the port status.
//!
//! Nothing here panics on a mismatch: every difference is a [`Mismatch`] naming clock,
//! signal, channel / lane / port, expected and actual values.

use std::collections::VecDeque;

use tessera_clocked::{Bus, DelaySink, Machine, SetSpec, Sink};
use tessera_model::coverage::Coverage;
use tessera_model::marker::SPARE_LANE;
use tessera_model::rx::{PortStatus, RxStatus};
use tessera_model::LaneMap;

use crate::dut::{get_bits, Dut, RxDut, StatusDiff, TxDut};
use crate::harness::{Flip, Mismatch, Mode, RunError};
use crate::roles::Timing;

/// Model and RTL, driven by the same words.
pub struct Pair<'d> {
    machine: Machine,
    rtl: Rtl<'d>,
    slot: u64,
    taken: u64,
    lanes: usize,
}

/// The RTL side: a [`Sink`] of the Machine's words.
struct Rtl<'d> {
    dut: &'d Dut,
    mode: Mode,
    tx: Option<TxDut<'d>>,
    rx: Option<RxDut<'d>>,
    lanes: usize,
    channels: u32,
    ser_w: u32,
    am_period: u64,
    k: u64,
    /// The DUT's TX latency in clocks.
    latency: u64,
    /// Clocks the DUT's status outputs lag the contract.
    status_lag: u64,
    /// Slots of delay between the RTL TX and the channel in end-to-end runs.
    delay_slots: u64,
    tx_clock: u64,
    rx_clock: u64,
    /// TX stimulus words waiting for their TX expected word (same clock).
    stim: VecDeque<Vec<u64>>,
    /// Used stimulus buffers, for reuse.
    stim_pool: Vec<Vec<u64>>,
    /// The model's serial words not yet compared, from contract clock `exp_clock`.
    exp: VecDeque<Vec<u32>>,
    exp_clock: u64,
    /// The DUT's serial words not yet compared, from DUT clock `got_clock`.
    got: VecDeque<Vec<u32>>,
    got_clock: u64,
    /// Spare serial buffers.
    pool: Vec<Vec<u32>>,
    /// Lane-map writes for the coming TX clocks, one per clock.
    map_writes: VecDeque<(u16, u16, bool)>,
    /// RTL TX output of the clocks not yet assembled into a slot (end to end).
    tx_out: VecDeque<Vec<u32>>,
    /// Clock of `tx_out[0]`.
    tx_out_clock: u64,
    /// Stripes the model handed out that the RTL has not yet shown.
    expected: VecDeque<Vec<u64>>,
    /// Stripes the RTL showed that the model has not yet handed out: (clock, stripe).
    shown: VecDeque<(u64, Vec<u64>)>,
    /// Stripes compared equal.
    matched: u64,
    /// Stripes the host got the TX to take (end to end: compared with what comes out).
    sent: VecDeque<Vec<u64>>,
    /// Whether every stripe out so far was the one sent (end to end, until a fault or a
    /// reset makes them differ).
    intact_check: bool,
    intact: u64,
    /// Port status of the model waiting for the DUT's clock that shows it.
    due: VecDeque<(u64, Vec<PortStatus>)>,
    flip: Option<Flip>,
    context: Context,
    data: Vec<u32>,
}

/// What a mismatch report needs besides the values.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub config: String,
    pub seed: u64,
    pub replay: String,
}

impl Context {
    pub(crate) fn mismatch(
        &self,
        clock: u64,
        signal: impl Into<String>,
        place: Option<String>,
        expected: String,
        actual: String,
    ) -> RunError {
        RunError::Mismatch(Box::new(Mismatch {
            config: self.config.clone(),
            seed: self.seed,
            clock,
            signal: signal.into(),
            place,
            expected,
            actual,
            replay: self.replay.clone(),
        }))
    }

    fn status(&self, clock: u64, d: StatusDiff) -> RunError {
        self.mismatch(clock, d.signal, d.place, d.expected, d.actual)
    }
}

/// Little-endian u64 limbs as 32-bit words, `words` of them.
fn to_words(limbs: &[u64], out: &mut Vec<u32>, words: usize) {
    out.clear();
    out.extend(limbs.iter().flat_map(|&l| [l as u32, (l >> 32) as u32]));
    out.resize(words, 0);
}

/// `width` (<= 128) bits at bit `at` of a bus.
fn field(bus: &[u32], at: usize, width: u32) -> u128 {
    let lo = get_bits(bus, at, width.min(64));
    let hi = if width > 64 { get_bits(bus, at + 64, width - 64) } else { 0 };
    u128::from(lo) | (u128::from(hi) << 64)
}

impl Rtl<'_> {
    fn tx_clock(&mut self, expected: &[u64]) -> Result<(), RunError> {
        let stim =
            self.stim.pop_front().expect("the Machine hands out a stimulus word before its expected word");
        let result = self.drive_tx(&stim, expected);
        self.stim_pool.push(stim);
        result
    }

    /// One TX clock of the RTL with stimulus word `stim`; the model's word of the same
    /// contract clock is `expected`.
    fn drive_tx(&mut self, stim: &[u64], expected: &[u64]) -> Result<(), RunError> {
        let Some(tx) = self.tx.as_mut() else { return Ok(()) };
        let clock = self.tx_clock;
        let n = self.lanes;
        let valid = stim[n] & 1 == 1;
        to_words(&stim[..n], &mut self.data, tx.data_words());
        tx.clock(valid, Some(&self.data), self.map_writes.pop_front())?;
        let ready = clock.is_multiple_of(self.k) && !(clock / self.k).is_multiple_of(self.am_period);
        if tx.ready() != ready {
            return Err(self.context.mismatch(
                clock,
                tx.top().binding_name("host_ready"),
                None,
                ready.to_string(),
                tx.ready().to_string(),
            ));
        }
        if ready && valid && self.intact_check {
            self.sent.push_back(stim[..n].to_vec());
        }
        if let Some(Flip::TxSerial { clock: at, bit }) = self.flip {
            if at == clock {
                tx.serial_mut()[bit / 32] ^= 1 << (bit % 32);
            }
        }
        let words = tx.serial_words();
        let mut got = self.pool.pop().unwrap_or_default();
        got.clear();
        got.extend_from_slice(tx.serial());
        if self.mode == Mode::EndToEnd {
            self.tx_out.push_back(got.clone());
        }
        let mut exp = self.pool.pop().unwrap_or_default();
        to_words(expected, &mut exp, words);
        self.exp.push_back(exp);
        self.got.push_back(got);
        self.tx_clock += 1;
        self.compare_serial()
    }

    /// Compares the DUT's serial words with the model's, the DUT's clock `c` against the
    /// contract's clock `c + 2 - L` (zeros where that is before clock 0).
    fn compare_serial(&mut self) -> Result<(), RunError> {
        let contract = u64::from(crate::dut_file::CONTRACT_TX_LATENCY);
        while let (Some(_), Some(_)) = (self.got.front(), self.exp.front()) {
            // Contract clock the DUT's front word stands for, plus L (no negatives).
            let want = self.got_clock + contract;
            let have = self.exp_clock + self.latency;
            if have < want {
                // A model word before the DUT's first: nothing to compare it with.
                let e = self.exp.pop_front().expect("front");
                self.pool.push(e);
                self.exp_clock += 1;
                continue;
            }
            let got = self.got.pop_front().expect("front");
            let clock = self.got_clock;
            self.got_clock += 1;
            let exp = if have == want {
                self.exp_clock += 1;
                self.exp.pop_front()
            } else {
                None
            };
            let zeros;
            let e: &[u32] = match &exp {
                Some(e) => e,
                None => {
                    zeros = vec![0; got.len()];
                    &zeros
                }
            };
            if got != e {
                let w = self.ser_w;
                let ch = (0..self.channels)
                    .find(|&c| field(&got, (c * w) as usize, w) != field(e, (c * w) as usize, w))
                    .unwrap_or(0);
                let at = (ch * w) as usize;
                let name = self.tx.as_ref().map(|t| t.top().binding_name("serial")).unwrap_or_default();
                return Err(self.context.mismatch(
                    clock,
                    name,
                    Some(format!("channel {ch}")),
                    format!("{:#x}", field(e, at, w)),
                    format!("{:#x}", field(&got, at, w)),
                ));
            }
            self.pool.push(got);
            self.pool.extend(exp);
        }
        Ok(())
    }

    /// The wires of slot `s` as the RTL TX sent them: serial words of clocks
    /// `s*K + L .. s*K + L + K - 1`.
    fn rtl_wires(&mut self, s: u64, wires: &mut [u128]) {
        let k = self.k;
        let first = s * k + self.latency;
        while self.tx_out_clock < first {
            self.tx_out.pop_front();
            self.tx_out_clock += 1;
        }
        let w = self.ser_w;
        for (c, wire) in wires.iter_mut().enumerate() {
            *wire = 0;
            for j in 0..k as usize {
                let word = &self.tx_out[j];
                *wire |= field(word, c * w as usize, w) << (j as u32 * w);
            }
        }
    }

    fn rx_clock(&mut self, stimulus: &[u64]) -> Result<(), RunError> {
        let Some(rx) = self.rx.as_mut() else { return Ok(()) };
        to_words(stimulus, &mut self.data, rx.serial_words());
        rx.clock(Some(&self.data))?;
        self.take_stripe()?;
        self.rx_clock += 1;
        self.check_due()
    }

    /// Reads the stripe of the RX's last clock and compares.
    fn take_stripe(&mut self) -> Result<(), RunError> {
        let rx = self.rx.as_mut().expect("RX runs only");
        if let Some(mut s) = rx.stripe() {
            if let Some(Flip::RxData { stripe, bit }) = self.flip {
                if stripe == self.matched + self.shown.len() as u64 {
                    s[bit / 64] ^= 1 << (bit % 64);
                }
            }
            self.shown.push_back((self.rx_clock, s));
        }
        self.compare_stripes()
    }

    fn compare_stripes(&mut self) -> Result<(), RunError> {
        while !self.expected.is_empty() && !self.shown.is_empty() {
            let want = self.expected.pop_front().expect("not empty");
            let (clock, got) = self.shown.pop_front().expect("not empty");
            if let Some(lane) = (0..want.len()).find(|&i| want[i] != got[i]) {
                let name = self.rx.as_ref().map(|r| r.top().binding_name("data")).unwrap_or_default();
                return Err(self.context.mismatch(
                    clock,
                    name,
                    Some(format!("stripe {}, lane {lane}", self.matched)),
                    format!("{:#018x}", want[lane]),
                    format!("{:#018x}", got[lane]),
                ));
            }
            if self.intact_check {
                match self.sent.pop_front() {
                    Some(sent) if sent == got => self.intact += 1,
                    _ => self.intact_check = false,
                }
            }
            self.matched += 1;
        }
        Ok(())
    }

    /// Compares the per-port status the model had `status_lag` clocks ago, where due.
    fn check_due(&mut self) -> Result<(), RunError> {
        while self.due.front().is_some_and(|(at, _)| *at <= self.rx_clock) {
            let (_, ports) = self.due.pop_front().expect("front");
            let Some(rx) = self.rx.as_mut() else { return Ok(()) };
            if let Some(d) = rx.compare_status(&ports, None, Timing::Port)? {
                return Err(self.context.status(self.rx_clock, d));
            }
        }
        Ok(())
    }
}

impl Sink for Rtl<'_> {
    type Error = RunError;

    fn word(&mut self, bus: Bus, w: &[u64]) -> Result<(), RunError> {
        match bus {
            Bus::TxStimulus => {
                let mut buf = self.stim_pool.pop().unwrap_or_default();
                buf.clear();
                buf.extend_from_slice(w);
                self.stim.push_back(buf);
            }
            Bus::TxExpected => self.tx_clock(w)?,
            Bus::RxStimulus => self.rx_clock(w)?,
            Bus::RxStripes if self.rx.is_some() => {
                self.expected.push_back(w.to_vec());
                self.compare_stripes()?;
            }
            _ => {}
        }
        Ok(())
    }

    fn channel_input(&mut self, wires: &mut [u128]) -> Result<(), RunError> {
        if self.mode != Mode::EndToEnd {
            return Ok(());
        }
        // Called in slot s after its clocks: slot s - D is complete on the RTL's wire.
        let s = self.tx_clock / self.k - 1;
        match s.checked_sub(self.delay_slots) {
            Some(from) => self.rtl_wires(from, wires),
            None => wires.iter_mut().for_each(|w| *w = 0),
        }
        Ok(())
    }
}

/// What a finished run gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairReport {
    /// TX clocks compared.
    pub tx_clocks: u64,
    /// RX clocks compared.
    pub rx_clocks: u64,
    /// Stripes the TX took.
    pub stripes_in: u64,
    /// Stripes the RX handed out, equal in RTL and model.
    pub stripes_out: u64,
    /// End to end: stripes out equal to the stripes sent, in order, from the first.
    pub stripes_intact: u64,
    /// Faults the channel model applied.
    pub injections: u64,
    /// The final RX status (model and RTL agree on every role compared).
    pub status: Option<RxStatus>,
    /// The RX status roles compared (the DUT has them).
    pub compared: Vec<&'static str>,
    /// The RX status roles not compared (the DUT does not map them).
    pub not_compared: Vec<&'static str>,
    /// The cover points the model reached in the run (docs/coverage.md).
    pub coverage: Coverage,
}

/// Slots of delay between a TX of latency `latency` clocks and the channel in end-to-end
/// runs, at `k` clocks per slot.
pub fn delay_slots(latency: u64, k: u64) -> u64 {
    latency.div_ceil(k)
}

impl<'d> Pair<'d> {
    /// Model and DUT of a planned set (`set.params` must be the DUT's link); `replay` is
    /// the command a mismatch report offers to replay the run.
    pub fn new(
        dut: &'d Dut,
        mode: Mode,
        set: &SetSpec,
        flip: Option<Flip>,
        trace: Option<&std::path::Path>,
        replay: String,
    ) -> Result<Pair<'d>, RunError> {
        let context = Context { config: dut.name().to_string(), seed: set.params.seed, replay };
        let mut machine = Machine::new(set).map_err(|e| RunError::Setup(e.to_string()))?;
        machine.set_tx_only(mode == Mode::Tx);
        let map = set.lane_map().map_err(|e| RunError::Setup(format!("lane map: {e}")))?;
        let mut tx = if mode != Mode::Rx { Some(dut.new_tx()?) } else { None };
        let mut rx = if mode != Mode::Tx { Some(dut.new_rx()?) } else { None };
        if let Some(path) = trace {
            if let Some(t) = tx.as_mut() {
                t.trace_to(&path.with_extension("tx.fst"))?;
            }
            if let Some(r) = rx.as_mut() {
                r.trace_to(&path.with_extension("rx.fst"))?;
            }
        }
        let link = *dut.link();
        let channels = link.lanes + link.spares;
        if let Some(t) = tx.as_mut() {
            t.reset(4)?;
            if t.can_program_start_map() && map != LaneMap::identity(link.lanes, link.spares) {
                for c in 0..channels {
                    t.clock(false, None, Some(map_entry(&map, c)))?;
                }
                // Reset stays on until the map is in force (docs/ports.md).
                for _ in 1..dut.tx_map_delay() {
                    t.clock(false, None, None)?;
                }
            } else if map != LaneMap::identity(link.lanes, link.spares) {
                return Err(RunError::Setup(format!(
                    "the run needs a lane map other than the identity ({}), and the TX top `{}` cannot be given one \
                     before slot 0: that takes the lane-map write port (roles {}) and a map reset of its own \
                     (role map_reset); run without --failed / --channel-of, or map those ports",
                    map_summary(&map, channels),
                    t.top().spec.top,
                    crate::roles::MAP_WRITE_ROLES.join(", ")
                )));
            }
            t.release();
        }
        if let Some(r) = rx.as_mut() {
            r.reset(4)?;
        }
        let k = u64::from(66 / link.ser_w);
        let latency = u64::from(dut.tx_latency());
        let status_lag = dut.rx_top().map_or(0, |t| u64::from(t.spec.status_lag));
        let rtl = Rtl {
            dut,
            mode,
            tx,
            rx,
            lanes: link.lanes as usize,
            channels,
            ser_w: link.ser_w,
            am_period: u64::from(link.am_period),
            k,
            latency,
            status_lag,
            delay_slots: delay_slots(latency, k),
            tx_clock: 0,
            rx_clock: 0,
            stim: VecDeque::new(),
            stim_pool: Vec::new(),
            exp: VecDeque::new(),
            exp_clock: 0,
            got: VecDeque::new(),
            got_clock: 0,
            pool: Vec::new(),
            map_writes: VecDeque::new(),
            tx_out: VecDeque::new(),
            tx_out_clock: 0,
            expected: VecDeque::new(),
            shown: VecDeque::new(),
            matched: 0,
            sent: VecDeque::new(),
            intact_check: mode == Mode::EndToEnd,
            intact: 0,
            due: VecDeque::new(),
            flip,
            context,
            data: Vec::new(),
        };
        Ok(Pair { machine, rtl, slot: 0, taken: 0, lanes: link.lanes as usize })
    }

    /// One block period: the host's offer (None: idle), both sides, compared. Returns
    /// whether the TX took the offer.
    pub fn slot(&mut self, offer: Option<&[u64]>) -> Result<bool, RunError> {
        debug_assert!(offer.is_none_or(|o| o.len() == self.lanes));
        let taken = self.machine.slot(offer, &mut self.rtl)?;
        self.taken += u64::from(taken);
        self.slot += 1;
        if self.rtl.rx.is_some() {
            let due = self.rtl.rx_clock + self.rtl.status_lag;
            self.rtl.due.push_back((due, self.machine.rx().status().ports));
            self.rtl.check_due()?;
        }
        Ok(taken)
    }

    /// Slots run so far.
    pub fn slots(&self) -> u64 {
        self.slot
    }

    /// The TX's next slot is a marker slot (an offer would not be taken).
    pub fn next_is_marker(&self) -> bool {
        self.slot.is_multiple_of(self.rtl.am_period)
    }

    /// Rewrites the lane map at run time: the changed entries go to the DUT's lane-map
    /// write port on consecutive clocks from the next slot's first (docs/ports.md,
    /// "Lane-map write port"), and the model's TX takes the map for the first slot that
    /// starts `map_delay` clocks or more after the last of them; the slots until then
    /// are idle. With `map_delay` = 1 a DUT applies entries one by one, so the change must
    /// fit in one slot (K entries); a DUT with a longer delay applies it at once.
    pub fn rewrite_lane_map(&mut self, map: LaneMap) -> Result<usize, RunError> {
        if self.rtl.tx.as_ref().is_some_and(|t| !t.has_map_port()) {
            return Err(RunError::Setup(format!(
                "the TX top of {} has no lane-map write port: the lane map cannot change at run time",
                self.rtl.dut.name()
            )));
        }
        let old = self.machine.tx_mut().lane_map().clone();
        let writes: Vec<_> = (0..self.rtl.channels)
            .filter(|&c| old.lane_on(c) != map.lane_on(c) || old.is_failed(c) != map.is_failed(c))
            .map(|c| map_entry(&map, c))
            .collect();
        let delay = u64::from(self.rtl.dut.tx_map_delay());
        if delay == 1 && writes.len() as u64 > self.rtl.k {
            return Err(RunError::Setup(format!(
                "a lane-map change of {} entries needs {} clocks in one slot; this DUT has K = {} and map_delay = 1",
                writes.len(),
                writes.len(),
                self.rtl.k
            )));
        }
        let n = writes.len() as u64;
        self.rtl.map_writes.extend(writes);
        // Slot `self.slot` starts on clock slot * K; the last write is on clock
        // slot * K + n - 1, the map is in force from slot ceil((that + delay) / K).
        let k = self.rtl.k;
        let apply = (self.slot * k + n.max(1) - 1 + delay).div_ceil(k);
        while self.slot < apply {
            self.slot(None)?;
        }
        self.machine.tx_mut().set_lane_map(map).map_err(|e| RunError::Setup(e.to_string()))?;
        Ok(n as usize)
    }

    /// Kills (`dead`) or revives a channel from the next slot on.
    pub fn set_channel_dead(&mut self, channel: u32, dead: bool) {
        let ch = self.machine.channel_mut();
        if dead {
            ch.kill(channel);
        } else {
            ch.revive(channel);
        }
    }

    /// Resets the RX (model and RTL) between two clocks of stimulus.
    pub fn reset_rx(&mut self) -> Result<(), RunError> {
        self.machine.reset_rx();
        if let Some(rx) = self.rtl.rx.as_mut() {
            rx.reset(1)?;
        }
        // Stripes the model released before the reset that the RTL had not yet shown are
        // lost in the RTL's reset (it releases them a few clocks later); status still due
        // from before the reset is not what the DUT shows after it.
        self.rtl.expected.clear();
        self.rtl.shown.clear();
        self.rtl.due.clear();
        self.rtl.intact_check = false;
        Ok(())
    }

    /// The TX's current lane map (the model's; the RTL's is checked against it).
    pub fn lane_map(&self) -> &LaneMap {
        self.machine.tx().lane_map()
    }

    /// Whether the model's RX is aligned (all lanes deskewed: stripes flow).
    pub fn model_aligned(&self) -> bool {
        self.machine.rx().is_aligned()
    }

    /// Stripes the RTL RX handed out so far that the model agreed with.
    pub fn stripes_out(&self) -> u64 {
        self.rtl.matched
    }

    /// Stripes the TX took so far.
    pub fn stripes_in(&self) -> u64 {
        self.taken
    }

    /// Every cover point the model has reached so far (docs/coverage.md).
    pub fn coverage(&self) -> Coverage {
        self.machine.coverage()
    }

    /// Ends a bounded run: the Machine's last clocks (`finish`), then the whole status
    /// compared; every stripe must have come out.
    pub fn finish(self) -> Result<PairReport, RunError> {
        self.finish_covered().0
    }

    /// [`Pair::finish`], and the coverage of the whole run: also when it fails (the
    /// points reached up to the failure), so a failing run still tells what it exercised.
    pub fn finish_covered(mut self) -> (Result<PairReport, RunError>, Coverage) {
        let result = self.machine.finish(&mut self.rtl).and_then(|status| self.end(status));
        (result, self.machine.coverage())
    }

    /// Ends an open run (no padding): the same final comparison on the clocks so far.
    pub fn finish_open(mut self) -> Result<PairReport, RunError> {
        let status = self.machine.rx().status();
        self.end(status)
    }

    fn end(&mut self, status: RxStatus) -> Result<PairReport, RunError> {
        let (compared, not_compared) = self.rtl.dut.rx_status_roles();
        let rtl = &mut self.rtl;
        let mut report = PairReport {
            tx_clocks: rtl.tx_clock,
            rx_clocks: rtl.rx_clock,
            stripes_in: self.taken,
            stripes_out: 0,
            stripes_intact: 0,
            injections: self.machine.injections(),
            status: None,
            compared,
            not_compared,
            coverage: self.machine.coverage(),
        };
        if rtl.rx.is_some() {
            // Port status as of the last stimulus clock C, shown `status_lag` clocks
            // later; the link one clock after that. Zeros on the input meanwhile.
            for _ in 0..rtl.status_lag {
                rtl.rx.as_mut().expect("RX").clock(None)?;
                rtl.take_stripe()?;
                rtl.rx_clock += 1;
                rtl.check_due()?;
            }
            rtl.due.clear();
            let rx = rtl.rx.as_mut().expect("RX");
            if let Some(d) = rx.compare_status(&status.ports, Some(&status), Timing::Port)? {
                return Err(rtl.context.status(rtl.rx_clock, d));
            }
            rx.clock(None)?;
            rtl.take_stripe()?;
            rtl.rx_clock += 1;
            let rx = rtl.rx.as_mut().expect("RX");
            rx.peek()?;
            rtl.take_stripe()?;
            let rx = rtl.rx.as_mut().expect("RX");
            if let Some(d) = rx.compare_status(&status.ports, Some(&status), Timing::Link)? {
                return Err(rtl.context.status(rtl.rx_clock, d));
            }
            let data = rtl.rx.as_ref().map(|r| r.top().binding_name("valid")).unwrap_or_default();
            if let Some((clock, _)) = rtl.shown.front() {
                return Err(rtl.context.mismatch(
                    *clock,
                    data,
                    Some(format!("stripe {}", rtl.matched)),
                    "no more stripes (the model handed out no more)".into(),
                    format!("{} more", rtl.shown.len()),
                ));
            }
            if !rtl.expected.is_empty() {
                return Err(rtl.context.mismatch(
                    rtl.rx_clock,
                    data,
                    Some(format!("stripe {}", rtl.matched)),
                    format!("{} more stripes", rtl.expected.len()),
                    "none".into(),
                ));
            }
            report.stripes_out = rtl.matched;
            report.stripes_intact = rtl.intact;
            report.status = Some(status);
        }
        Ok(report)
    }
}

/// Idle slots until the model's RX is aligned when the channel carries the TX's slots
/// `delay` slots late (zeros before): an end-to-end run's link-up time. The `D` leading
/// zero blocks cost the framer a hunt through the block boundaries, so this is longer than
/// the `tessera gen` lead by more than `D`. `None` if it does not align within `budget`.
pub fn end_to_end_lead(set: &SetSpec, delay: u64, budget: u64) -> Result<Option<u64>, RunError> {
    let mut probe = set.clone();
    probe.run.slots = budget;
    let mut m = Machine::new(&probe).map_err(|e| RunError::Setup(e.to_string()))?;
    let mut sink = DelaySink::new(delay);
    for slot in 0..budget {
        if m.rx().is_aligned() {
            return Ok(Some(slot));
        }
        m.slot(None, &mut sink).unwrap_or_else(|e| match e {});
    }
    Ok(None)
}

/// The lane-map entry of channel `c` as the RTL's write port takes it.
pub(crate) fn map_entry(map: &LaneMap, c: u32) -> (u16, u16, bool) {
    let lane = map.lane_on(c).map_or(SPARE_LANE, |l| l as u16);
    (c as u16, lane, map.is_failed(c))
}

/// `lane 0 on 3, 1 on 0, ...; failed 2` (for messages).
fn map_summary(map: &LaneMap, channels: u32) -> String {
    let on: Vec<String> = (0..channels)
        .filter_map(|c| map.lane_on(c).map(|l| format!("lane {l} on channel {c}")))
        .take(8)
        .collect();
    let failed: Vec<String> = (0..channels).filter(|&c| map.is_failed(c)).map(|c| c.to_string()).collect();
    let mut s = on.join(", ");
    if !failed.is_empty() {
        s.push_str(&format!("; failed channels {}", failed.join(" ")));
    }
    s
}
