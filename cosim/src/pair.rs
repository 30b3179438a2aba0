//! [`Pair`]: the RTL and the golden model side by side, slot by slot.
//!
//! The model side is [`tessera_vectors::gen::Machine`], the model wired clock by clock
//! exactly as the vector files describe it (docs/vectors.md, "Timing"): TX, channel, RX
//! fed one clock of received bits at a time. The RTL side drives the Verilated TX and/or
//! RX with the same words as the Machine hands them out:
//!
//! * TX stimulus and TX expected words: the RTL TX gets `{tx_valid_i, tx_data_i}` and any
//!   lane-map writes on that clock; `tx_ready_o` is checked against the spec formula and
//!   `tx_serial_o` against the model bit for bit, every clock.
//! * Channel input ([`Mode::EndToEnd`]): the channel carries what the RTL TX put on the
//!   wire, `D = ceil(2 / K)` slots late (the TX latency of 2 clocks means a slot's last
//!   serial words are out only during the next slot); the model's RX and the RTL RX both
//!   receive that channel's output.
//! * RX stimulus: one clock of `rx_serial_i`; a stripe on `rx_valid_o` is compared, in
//!   order, with the model's stripes (transaction level, docs/rtl.md "RX timing").
//!
//! After every slot the per-port status of the RTL RX is compared with the model's (port
//! status is exact at every clock); the link counters are compared at the end, after the
//! flush, one clock after the last stimulus clock as `rx_tb` does.
//!
//! Nothing here panics on a mismatch: every difference is a [`Mismatch`] naming clock,
//! signal, channel / lane / port, expected and actual values.

use std::collections::VecDeque;

use tessera_model::marker::SPARE_LANE;
use tessera_model::rx::RxStatus;
use tessera_model::LaneMap;
use tessera_vectors::gen::{Machine, Sink};
use tessera_vectors::header::SetSpec;
use tessera_vectors::StreamKind;

use crate::harness::{Flip, Mismatch, Mode, RunError};
use crate::rx::get_bits;
use crate::{DutConfig, RxDut, TxDut};

/// Model and RTL, driven by the same words.
pub struct Pair {
    machine: Machine,
    rtl: Rtl,
    slot: u64,
    taken: u64,
    lanes: usize,
}

/// The RTL side: a [`Sink`] of the Machine's words.
struct Rtl {
    cfg: &'static DutConfig,
    mode: Mode,
    tx: Option<TxDut>,
    rx: Option<RxDut>,
    k: u64,
    /// Slots of delay between the RTL TX and the channel in end-to-end runs.
    delay_slots: u64,
    tx_clock: u64,
    rx_clock: u64,
    /// TX stimulus words waiting for their TX expected word (same clock).
    stim: VecDeque<Vec<u64>>,
    /// Used stimulus buffers, for reuse.
    stim_pool: Vec<Vec<u64>>,
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
    flip: Option<Flip>,
    context: Context,
    data: Vec<u32>,
    serial: Vec<u32>,
    expected_serial: Vec<u32>,
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

impl Rtl {
    fn tx_clock(&mut self, expected: &[u64]) -> Result<(), RunError> {
        let stim =
            self.stim.pop_front().expect("the Machine hands out a stimulus word before its expected word");
        let result = self.drive_tx(&stim, expected);
        self.stim_pool.push(stim);
        result
    }

    /// One TX clock of the RTL with stimulus word `stim`, compared with `expected`.
    fn drive_tx(&mut self, stim: &[u64], expected: &[u64]) -> Result<(), RunError> {
        let Some(tx) = self.tx.as_mut() else { return Ok(()) };
        let clock = self.tx_clock;
        let n = self.cfg.lanes as usize;
        let valid = stim[n] & 1 == 1;
        to_words(&stim[..n], &mut self.data, tx.data_words());
        tx.set_host(valid, &self.data)?;
        tx.set_map_write(self.map_writes.pop_front());
        tx.eval()?;
        let ready =
            clock.is_multiple_of(self.k) && !(clock / self.k).is_multiple_of(u64::from(self.cfg.am_period));
        if tx.ready() != ready {
            return Err(self.context.mismatch(
                clock,
                "tx_ready_o",
                None,
                ready.to_string(),
                tx.ready().to_string(),
            ));
        }
        if ready && valid && self.intact_check {
            self.sent.push_back(stim[..n].to_vec());
        }
        tx.serial(&mut self.serial)?;
        if let Some(Flip::TxSerial { clock: at, bit }) = self.flip {
            if at == clock {
                self.serial[bit / 32] ^= 1 << (bit % 32);
            }
        }
        let words = self.serial.len();
        to_words(expected, &mut self.expected_serial, words);
        if self.serial != self.expected_serial {
            let w = self.cfg.ser_w;
            let ch = (0..self.cfg.channels())
                .find(|&c| {
                    let at = (c * w) as usize;
                    field(&self.serial, at, w) != field(&self.expected_serial, at, w)
                })
                .unwrap_or(0);
            let at = (ch * w) as usize;
            return Err(self.context.mismatch(
                clock,
                "tx_serial_o",
                Some(format!("channel {ch}")),
                format!("{:#x}", field(&self.expected_serial, at, w)),
                format!("{:#x}", field(&self.serial, at, w)),
            ));
        }
        if self.mode == Mode::EndToEnd {
            self.tx_out.push_back(self.serial.clone());
        }
        tx.tick()?;
        self.tx_clock += 1;
        Ok(())
    }

    /// The wires of slot `s` as the RTL TX sent them: serial words of clocks
    /// `s*K + 2 ..= s*K + K + 1`.
    fn rtl_wires(&mut self, s: u64, wires: &mut [u128]) {
        let k = self.k;
        let first = s * k + 2;
        while self.tx_out_clock < first {
            self.tx_out.pop_front();
            self.tx_out_clock += 1;
        }
        let w = self.cfg.ser_w;
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
        rx.set_serial(&self.data)?;
        rx.eval()?;
        self.take_stripe()?;
        self.rx.as_mut().expect("checked above").tick()?;
        self.rx_clock += 1;
        Ok(())
    }

    /// Reads `rx_valid_o` / `rx_data_o` of the current clock and compares.
    fn take_stripe(&mut self) -> Result<(), RunError> {
        let rx = self.rx.as_mut().expect("RX runs only");
        if let Some(mut s) = rx.stripe()? {
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
                return Err(self.context.mismatch(
                    clock,
                    "rx_data_o",
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
}

impl Sink for Rtl {
    type Error = RunError;

    fn word(&mut self, stream: StreamKind, w: &[u64]) -> Result<(), RunError> {
        match stream {
            StreamKind::TxStimulus => {
                let mut buf = self.stim_pool.pop().unwrap_or_default();
                buf.clear();
                buf.extend_from_slice(w);
                self.stim.push_back(buf);
            }
            StreamKind::TxExpected => self.tx_clock(w)?,
            StreamKind::RxStimulus => self.rx_clock(w)?,
            StreamKind::RxStripes if self.rx.is_some() => {
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
    /// The final RX status (model and RTL agree).
    pub status: Option<RxStatus>,
}

impl Pair {
    /// Model and RTL of a planned set (`set.params` must be the configuration's); `replay`
    /// is the command a mismatch report offers to replay the run.
    pub fn new(
        cfg: &'static DutConfig,
        mode: Mode,
        set: &SetSpec,
        flip: Option<Flip>,
        trace: Option<&std::path::Path>,
        replay: String,
    ) -> Result<Pair, RunError> {
        let context = Context { config: cfg.name.to_string(), seed: set.params.seed, replay };
        let mut machine = Machine::new(set).map_err(|e| RunError::Setup(e.to_string()))?;
        machine.set_tx_only(mode == Mode::Tx);
        let map = set.lane_map().map_err(|e| RunError::Setup(format!("lane map: {e}")))?;
        let want_tx = mode != Mode::Rx;
        let want_rx = mode != Mode::Tx;
        let mut tx = if want_tx { Some(TxDut::new(cfg.name)?) } else { None };
        let mut rx = if want_rx { Some(RxDut::new(cfg.name)?) } else { None };
        if let Some(path) = trace {
            if let Some(t) = tx.as_mut() {
                t.trace_to(&path.with_extension("tx.fst"));
            }
            if let Some(r) = rx.as_mut() {
                r.trace_to(&path.with_extension("rx.fst"));
            }
        }
        if let Some(t) = tx.as_mut() {
            t.reset(4)?;
            for c in 0..cfg.channels() {
                t.set_map_write(Some(map_entry(&map, c)));
                t.tick()?;
            }
            t.set_map_write(None);
            t.release()?;
        }
        if let Some(r) = rx.as_mut() {
            r.reset(4)?;
        }
        let k = u64::from(66 / cfg.ser_w);
        let rtl = Rtl {
            cfg,
            mode,
            tx,
            rx,
            k,
            delay_slots: 2u64.div_ceil(k),
            tx_clock: 0,
            rx_clock: 0,
            stim: VecDeque::new(),
            stim_pool: Vec::new(),
            map_writes: VecDeque::new(),
            tx_out: VecDeque::new(),
            tx_out_clock: 0,
            expected: VecDeque::new(),
            shown: VecDeque::new(),
            matched: 0,
            sent: VecDeque::new(),
            intact_check: mode == Mode::EndToEnd,
            intact: 0,
            flip,
            context,
            data: Vec::new(),
            serial: Vec::new(),
            expected_serial: Vec::new(),
        };
        let mut pair = Pair { machine, rtl, slot: 0, taken: 0, lanes: cfg.lanes as usize };
        if let Some(t) = pair.rtl.tx.as_ref() {
            pair.rtl.serial = vec![0; t.serial_words()];
        }
        Ok(pair)
    }

    /// Slots of delay between the RTL TX and the channel in end-to-end runs.
    pub fn delay_slots(k: u64) -> u64 {
        2u64.div_ceil(k)
    }

    /// One block period: the host's offer (None: idle), both sides, compared. Returns
    /// whether the TX took the offer.
    pub fn slot(&mut self, offer: Option<&[u64]>) -> Result<bool, RunError> {
        debug_assert!(offer.is_none_or(|o| o.len() == self.lanes));
        let taken = self.machine.slot(offer, &mut self.rtl)?;
        self.taken += u64::from(taken);
        self.slot += 1;
        self.compare_ports()?;
        Ok(taken)
    }

    /// Slots run so far.
    pub fn slots(&self) -> u64 {
        self.slot
    }

    /// The TX's next slot is a marker slot (an offer would not be taken).
    pub fn next_is_marker(&self) -> bool {
        self.slot.is_multiple_of(u64::from(self.rtl.cfg.am_period))
    }

    /// Rewrites the lane map at run time: the changed entries go to the RTL TX's write
    /// port on the clocks of the next slot (docs/rtl.md, "Lane-map write port"), and the
    /// model's TX takes the map after that slot. Needs K >= the number of changed entries
    /// (otherwise the RTL would apply them over several slots).
    pub fn rewrite_lane_map(&mut self, map: LaneMap) -> Result<usize, RunError> {
        let old = self.machine.tx_mut().lane_map().clone();
        let writes: Vec<_> = (0..self.rtl.cfg.channels())
            .filter(|&c| old.lane_on(c) != map.lane_on(c) || old.is_failed(c) != map.is_failed(c))
            .map(|c| map_entry(&map, c))
            .collect();
        if writes.len() as u64 > self.rtl.k {
            return Err(RunError::Setup(format!(
                "a lane-map change of {} entries needs {} clocks in one slot; this build has K = {}",
                writes.len(),
                writes.len(),
                self.rtl.k
            )));
        }
        let n = writes.len();
        self.rtl.map_writes.extend(writes);
        self.slot(None)?;
        self.machine.tx_mut().set_lane_map(map).map_err(|e| RunError::Setup(e.to_string()))?;
        Ok(n)
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
        // lost in the RTL's reset (it releases them a few clocks later).
        self.rtl.expected.clear();
        self.rtl.shown.clear();
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

    /// Compares the per-port status of the RTL RX with the model's (exact at every clock).
    fn compare_ports(&mut self) -> Result<(), RunError> {
        let Some(rx) = self.rtl.rx.as_mut() else { return Ok(()) };
        rx.eval()?;
        let rtl = rx.status()?;
        let model = self.machine.rx().status();
        compare_status(&self.rtl.context, self.rtl.rx_clock, &model, &rtl, false)
    }

    /// Ends a bounded run: the Machine's last clocks (`finish`), then one more clock as
    /// `rx_tb` does, and the whole status compared; every stripe must have come out.
    pub fn finish(mut self) -> Result<PairReport, RunError> {
        let status = self.machine.finish(&mut self.rtl)?;
        self.end(status)
    }

    /// Ends an open run (no padding): the same final comparison on the clocks so far.
    pub fn finish_open(self) -> Result<PairReport, RunError> {
        let status = self.machine.rx().status();
        self.end(status)
    }

    fn end(mut self, status: RxStatus) -> Result<PairReport, RunError> {
        let rtl = &mut self.rtl;
        let mut report = PairReport {
            tx_clocks: rtl.tx_clock,
            rx_clocks: rtl.rx_clock,
            stripes_in: self.taken,
            stripes_out: 0,
            stripes_intact: 0,
            injections: self.machine.injections(),
            status: None,
        };
        if let Some(rx) = rtl.rx.as_mut() {
            // Port status after the last stimulus clock, the link one clock later.
            let zeros = vec![0; rx.serial_words()];
            rx.set_serial(&zeros)?;
            rx.eval()?;
            let ports = rx.status()?;
            rtl.take_stripe()?;
            rtl.rx.as_mut().expect("RX").tick()?;
            rtl.rx_clock += 1;
            let rx = rtl.rx.as_mut().expect("RX");
            rx.eval()?;
            rtl.take_stripe()?;
            let rx = rtl.rx.as_mut().expect("RX");
            let mut actual = rx.status()?;
            actual.ports = ports.ports;
            compare_status(&rtl.context, rtl.rx_clock, &status, &actual, true)?;
            if let Some((clock, _)) = rtl.shown.front() {
                return Err(rtl.context.mismatch(
                    *clock,
                    "rx_valid_o",
                    Some(format!("stripe {}", rtl.matched)),
                    "no more stripes (the model handed out no more)".into(),
                    format!("{} more", rtl.shown.len()),
                ));
            }
            if !rtl.expected.is_empty() {
                return Err(rtl.context.mismatch(
                    rtl.rx_clock,
                    "rx_valid_o",
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

/// A sink that delays the channel's input by `D` slots (zeros first), as an end-to-end
/// run's channel sees the RTL TX: used to measure when such a link comes up.
struct Delay {
    slots: VecDeque<Vec<u128>>,
    d: usize,
}

impl Sink for Delay {
    type Error = std::convert::Infallible;
    fn word(&mut self, _: StreamKind, _: &[u64]) -> Result<(), Self::Error> {
        Ok(())
    }
    fn channel_input(&mut self, wires: &mut [u128]) -> Result<(), Self::Error> {
        self.slots.push_back(wires.to_vec());
        if self.slots.len() > self.d {
            wires.copy_from_slice(&self.slots.pop_front().expect("more than d"));
        } else {
            wires.iter_mut().for_each(|w| *w = 0);
        }
        Ok(())
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
    let mut sink = Delay { slots: VecDeque::new(), d: delay as usize };
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

/// The first difference between two statuses, as a mismatch; `link` also compares the
/// link fields (they lag the ports by a clock).
fn compare_status(
    ctx: &Context,
    clock: u64,
    model: &RxStatus,
    rtl: &RxStatus,
    link: bool,
) -> Result<(), RunError> {
    for (m, r) in model.ports.iter().zip(&rtl.ports) {
        if m != r {
            let fields: [(&str, String, String); 11] = [
                ("port_block_lock_o", m.block_lock.to_string(), r.block_lock.to_string()),
                ("port_marker_lock_o", m.marker_lock.to_string(), r.marker_lock.to_string()),
                ("port_lane_o", format!("{:?}", m.lane), format!("{:?}", r.lane)),
                ("port_bip_errors_o", m.bip_errors.to_string(), r.bip_errors.to_string()),
                ("port_skew_o", format!("{:?}", m.skew_bits), format!("{:?}", r.skew_bits)),
                ("port_slips_o", m.slips.to_string(), r.slips.to_string()),
                (
                    "port_block_lock_losses_o",
                    m.block_lock_losses.to_string(),
                    r.block_lock_losses.to_string(),
                ),
                (
                    "port_marker_lock_losses_o",
                    m.marker_lock_losses.to_string(),
                    r.marker_lock_losses.to_string(),
                ),
                ("port_invalid_headers_o", m.invalid_headers.to_string(), r.invalid_headers.to_string()),
                ("port_bits_o", m.bits.to_string(), r.bits.to_string()),
                ("spare", m.spare.to_string(), r.spare.to_string()),
            ];
            // Skew and link membership are decided by the link logic, a clock later.
            for (name, e, a) in fields {
                if e != a && (link || name != "port_skew_o") {
                    return Err(ctx.mismatch(clock, name, Some(format!("port {}", m.port)), e, a));
                }
            }
        }
    }
    if !link {
        return Ok(());
    }
    let c = (&model.counters, &rtl.counters);
    let fields: [(&str, String, String); 10] = [
        ("rx_aligned_o", model.aligned.to_string(), rtl.aligned.to_string()),
        ("port_of_lane", format!("{:?}", model.port_of_lane), format!("{:?}", rtl.port_of_lane)),
        ("stripes_out_o", c.0.stripes_out.to_string(), c.1.stripes_out.to_string()),
        ("stripes_lost_o", c.0.stripes_lost.to_string(), c.1.stripes_lost.to_string()),
        ("idle_slots_o", c.0.idle_slots.to_string(), c.1.idle_slots.to_string()),
        ("unreadable_slots_o", c.0.unreadable_slots.to_string(), c.1.unreadable_slots.to_string()),
        ("formations_o", c.0.formations.to_string(), c.1.formations.to_string()),
        ("joins_o", c.0.joins.to_string(), c.1.joins.to_string()),
        ("skew_fault_o", format!("{:?}", model.skew_fault), format!("{:?}", rtl.skew_fault)),
        ("dup_lane_o", format!("{:?}", model.duplicate_lane), format!("{:?}", rtl.duplicate_lane)),
    ];
    for (name, e, a) in fields {
        if e != a {
            return Err(ctx.mismatch(clock, name, None, e, a));
        }
    }
    Ok(())
}
