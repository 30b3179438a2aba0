//! [`BenchModel`]: one golden-model instance clocked at the RTL's ports, for a user's own
//! bench (SystemVerilog through the C ABI of [`crate::ffi`], Python through the wheel in
//! `python/`).
//!
//! One instance holds four independent parts, each driven clock by clock with exactly the
//! values the bench puts on (or reads from) the DUT's ports (docs/spec.md sections 9 and
//! 11.7, docs/rtl.md "Ports"):
//!
//! * **host**: the stimulus of the configuration's run (`tessera gen`'s host: seed, lead
//!   slots, stripes, valid percent), `{tx_valid_i, tx_data_i}` per clock;
//! * **TX** ([`BenchModel::tx_clock`]): the inputs of a clock in, the expected `tx_ready_o`
//!   and `tx_serial_o` of that clock out (`TX_LATENCY_CLOCKS = 2`); [`BenchModel::tx_check`]
//!   compares the DUT's outputs with them;
//! * **channel** ([`BenchModel::channel_put`] / [`BenchModel::channel_get`]): takes every
//!   clock of `tx_serial_o` (the first two clocks are the TX latency's zeros), applies the
//!   channel model (skew, permutation, bit errors, bursts, slips, dead channels, events,
//!   from the seed) slot by slot and hands out clocks of `rx_serial_i`, exactly the
//!   `rx_stimulus` stream of `tessera gen` for the same configuration;
//! * **RX** ([`BenchModel::rx_clock`]): the `rx_serial_i` word the DUT got on a clock in;
//!   stripes out in order ([`BenchModel::rx_stripe`], or compared with the DUT's by
//!   [`BenchModel::rx_check_stripe`]) and the status the RTL's status ports show
//!   ([`BenchModel::rx_port_buses`], [`BenchModel::rx_link_buses`], compared by
//!   [`BenchModel::rx_check_ports`] / [`BenchModel::rx_check_link`]).
//!
//! Buses are little-endian 64-bit limbs, bit `k` of the bus in bit `k % 64` of limb
//! `k / 64`, laid out as the RTL's ports. Nothing here panics on a caller's input: a wrong
//! width or an impossible configuration is an [`Error`] naming what and where, and a
//! difference between model and DUT is a [`Mismatch`] naming clock, signal, channel / port
//! / lane, expected and actual values.

use std::collections::VecDeque;
use std::fmt;

use tessera_clocked::bits::{get_field, put_field};
use tessera_clocked::{plan, Host, SetSpec};
use tessera_model::channel::ChannelModel;
use tessera_model::marker::SPARE_LANE;
use tessera_model::rx::{Receiver, RxStatus};
use tessera_model::serial::BitQueue;
use tessera_model::tx::{Transmitter, TX_LATENCY_CLOCKS};
use tessera_model::LinkConfig;
use tessera_vectors::config::GenOptions;

/// Width of the RTL's skew and bit-count ports (`port_skew_o`, `port_bits_o`, the skew
/// fault's spread).
pub const POSITION_BITS: u32 = 48;

/// Seed of a configuration that names none.
pub const DEFAULT_SEED: u64 = 1;

/// Bad input: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The first difference between the DUT and the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The clock (counted from the first rising edge after reset, docs/spec.md section 9).
    pub clock: u64,
    /// The RTL port.
    pub signal: String,
    /// Channel, port, stripe and lane, when the port has several.
    pub place: Option<String>,
    /// What the model predicts.
    pub expected: String,
    /// What the DUT shows.
    pub actual: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "clock {}: {}", self.clock, self.signal)?;
        if let Some(p) = &self.place {
            write!(f, " {p}")?;
        }
        write!(f, ": expected {}, actual {}", self.expected, self.actual)
    }
}

/// What a check gives: nothing, a difference, or bad input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// The DUT differs from the model.
    Mismatch(Mismatch),
    /// The call itself is wrong (a bus of the wrong width, a check before any clock).
    Input(Error),
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Mismatch(m) => m.fmt(f),
            CheckError::Input(e) => e.fmt(f),
        }
    }
}

impl From<Error> for CheckError {
    fn from(e: Error) -> Self {
        CheckError::Input(e)
    }
}

fn input(msg: String) -> Error {
    Error(msg)
}

/// Checks that `bus` holds a `width`-bit value: enough limbs and nothing above `width`.
pub fn check_bus(name: &str, bus: &[u64], width: u32) -> Result<(), Error> {
    let want = limbs(width);
    if bus.len() < want {
        return Err(input(format!("{name}: {} bits given, the bus is {width} bits", bus.len() * 64)));
    }
    for (i, &l) in bus.iter().enumerate() {
        let high = l & !low_mask(u64::from(width).saturating_sub(i as u64 * 64));
        if high != 0 {
            let bit = i as u64 * 64 + u64::from(high.trailing_zeros());
            return Err(input(format!("{name}: bit {bit} is set, but the bus is {width} bits wide")));
        }
    }
    Ok(())
}

/// 64-bit limbs of a bus of `width` bits.
fn limbs(width: u32) -> usize {
    (width as usize).div_ceil(64)
}

fn low_mask(bits: u64) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// The widths of the RTL ports of this configuration (docs/rtl.md, "Ports").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortWidths {
    /// N.
    pub lanes: u32,
    /// S.
    pub spares: u32,
    /// P = N + S.
    pub channels: u32,
    /// SER_W.
    pub ser_w: u32,
    /// `tx_data_i`, `rx_data_o`: 64 N.
    pub data: u32,
    /// `tx_serial_o`, `rx_serial_i`: SER_W P.
    pub serial: u32,
}

/// The RTL's per-port status outputs on one clock, each a bus of P fields (docs/rtl.md,
/// "RX: Ports"); counters `cnt_w` bits wide.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortBuses {
    /// `port_block_lock_o`, P x 1.
    pub block_lock: Vec<u64>,
    /// `port_marker_lock_o`, P x 1.
    pub marker_lock: Vec<u64>,
    /// `port_lane_o`, P x 16 (0 where not marker-locked).
    pub lane: Vec<u64>,
    /// `port_bip_errors_o`, P x CNT_W.
    pub bip_errors: Vec<u64>,
    /// `port_slips_o`, P x CNT_W.
    pub slips: Vec<u64>,
    /// `port_block_lock_losses_o`, P x CNT_W.
    pub block_lock_losses: Vec<u64>,
    /// `port_marker_lock_losses_o`, P x CNT_W.
    pub marker_lock_losses: Vec<u64>,
    /// `port_invalid_headers_o`, P x CNT_W.
    pub invalid_headers: Vec<u64>,
    /// `port_bits_o`, P x 48.
    pub bits: Vec<u64>,
}

/// The RTL's link status outputs (docs/rtl.md, "RX: Ports"); counters `cnt_w` bits wide.
/// Scalars are single-limb buses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkBuses {
    /// `rx_aligned_o`.
    pub aligned: Vec<u64>,
    /// `port_in_link_o`, P x 1.
    pub in_link: Vec<u64>,
    /// `port_skew_o`, P x 48 (0 outside the link).
    pub skew: Vec<u64>,
    /// `stripes_out_o`.
    pub stripes_out: Vec<u64>,
    /// `stripes_lost_o`.
    pub stripes_lost: Vec<u64>,
    /// `idle_slots_o`.
    pub idle_slots: Vec<u64>,
    /// `unreadable_slots_o`.
    pub unreadable_slots: Vec<u64>,
    /// `formations_o`.
    pub formations: Vec<u64>,
    /// `joins_o`.
    pub joins: Vec<u64>,
    /// `skew_fault_o`.
    pub skew_fault: Vec<u64>,
    /// `skew_fault_spread_o` (48).
    pub skew_fault_spread: Vec<u64>,
    /// `skew_fault_early_o` (16).
    pub skew_fault_early: Vec<u64>,
    /// `skew_fault_late_o` (16).
    pub skew_fault_late: Vec<u64>,
    /// `dup_lane_o`.
    pub dup_lane: Vec<u64>,
    /// `dup_lane_lane_o` (16).
    pub dup_lane_lane: Vec<u64>,
    /// `dup_lane_kept_o` (16).
    pub dup_lane_kept: Vec<u64>,
    /// `dup_lane_refused_o` (16).
    pub dup_lane_refused: Vec<u64>,
}

/// One status field as compared: RTL port name, field width, and per port (or once) the
/// expected value, `None` where the RTL's value has no meaning (a lane without marker lock,
/// a skew outside the link, the fault's details without a fault).
struct Field<'a> {
    name: &'static str,
    width: u32,
    expected: Vec<Option<u64>>,
    actual: &'a [u64],
}

fn sat(v: u64, bits: u32) -> u64 {
    v.min(low_mask(u64::from(bits)))
}

fn scalar(v: u64) -> Vec<Option<u64>> {
    vec![Some(v)]
}

/// A golden-model instance clocked at the RTL's ports. See the module documentation.
#[derive(Debug)]
pub struct BenchModel {
    set: SetSpec,
    widths: PortWidths,
    k: u64,
    // Host.
    host: Host,
    host_clock: u64,
    host_valid: bool,
    host_data: Vec<u64>,
    // TX.
    tx: Transmitter,
    tx_clock: u64,
    tx_wires: Vec<u128>,
    tx_delay: VecDeque<Vec<u64>>,
    tx_pool: Vec<Vec<u64>>,
    tx_ready: bool,
    tx_serial: Vec<u64>,
    // Channel.
    channel: ChannelModel,
    ch_clock: u64,
    ch_wires: Vec<u128>,
    ch_acc: Vec<BitQueue>,
    ch_out: VecDeque<Vec<u64>>,
    ch_injections: u64,
    // RX.
    rx: Receiver,
    rx_in: Vec<BitQueue>,
    rx_clock: u64,
    rx_poll: Vec<u64>,
    rx_expected: VecDeque<Vec<u64>>,
    rx_shown: VecDeque<(u64, Vec<u64>)>,
    rx_matched: u64,
    rx_out: u64,
}

impl BenchModel {
    /// An instance from a configuration text: `key: value` lines with the keys of
    /// `tessera gen` and of a vector header (docs/vectors.md, "Header" and "`tessera
    /// gen`"); `origin` names the text in errors (`origin:line:column: ...`). The seed is
    /// [`DEFAULT_SEED`] unless the text says `seed: N`.
    pub fn from_config(text: &str, origin: &str) -> Result<BenchModel, Error> {
        let opts = GenOptions::parse_file(text.as_bytes(), origin).map_err(|e| Error(e.to_string()))?;
        let set = plan(&opts.to_spec(DEFAULT_SEED)).map_err(|e| Error(format!("{origin}: {e}")))?;
        BenchModel::new(set)
    }

    /// An instance of a planned set (its link, lane map, channel and run).
    pub fn new(set: SetSpec) -> Result<BenchModel, Error> {
        let cfg = LinkConfig::new(set.params).map_err(|e| Error(e.to_string()))?;
        let map = set.lane_map().map_err(|e| Error(format!("invalid lane map: {e}")))?;
        let tx = Transmitter::new(&cfg, map).map_err(|e| Error(e.to_string()))?;
        let channel =
            ChannelModel::new(&cfg, set.faults.clone(), set.params.seed).map_err(|e| Error(e.to_string()))?;
        let (n, p, w) = (cfg.lanes(), cfg.channels(), cfg.ser_w());
        let widths =
            PortWidths { lanes: n, spares: cfg.spares(), channels: p, ser_w: w, data: 64 * n, serial: w * p };
        let serial_limbs = limbs(widths.serial);
        let host = Host::new(set.params.seed, n, set.params.am_period, set.run);
        Ok(BenchModel {
            widths,
            k: u64::from(cfg.clocks_per_block()),
            host,
            host_clock: 0,
            host_valid: false,
            host_data: vec![0; n as usize],
            tx,
            tx_clock: 0,
            tx_wires: vec![0; p as usize],
            tx_delay: (0..TX_LATENCY_CLOCKS).map(|_| vec![0; serial_limbs]).collect(),
            tx_pool: Vec::new(),
            tx_ready: false,
            tx_serial: vec![0; serial_limbs],
            channel,
            ch_clock: 0,
            ch_wires: vec![0; p as usize],
            ch_acc: vec![BitQueue::new(); p as usize],
            ch_out: VecDeque::new(),
            ch_injections: 0,
            rx: Receiver::new(&cfg),
            rx_in: vec![BitQueue::new(); p as usize],
            rx_clock: 0,
            rx_poll: Vec::new(),
            rx_expected: VecDeque::new(),
            rx_shown: VecDeque::new(),
            rx_matched: 0,
            rx_out: 0,
            set,
        })
    }

    /// The planned set: parameters, seed, lane map, channel, run.
    pub fn set(&self) -> &SetSpec {
        &self.set
    }

    /// The port widths.
    pub fn widths(&self) -> PortWidths {
        self.widths
    }

    /// Clocks per block period, K = 66 / SER_W.
    pub fn clocks_per_block(&self) -> u64 {
        self.k
    }

    /// Clocks of the configuration's run (its slots times K): after that the host is idle
    /// and every stripe has come out of the model's RX.
    pub fn run_clocks(&self) -> u64 {
        self.set.clocks()
    }

    /// The configuration as `key: value` lines (a vector header's lines), to print.
    pub fn describe(&self) -> String {
        let p = &self.set.params;
        format!(
            "lanes: {}\nspares: {}\nam_period: {}\nmax_skew_bits: {}\nser_w: {}\nseed: {}\nlead_slots: {}\nstripes: {}\nslots: {}\n",
            p.lanes,
            p.spares,
            p.am_period,
            p.max_skew_bits,
            p.ser_w,
            p.seed,
            self.set.run.lead_slots,
            self.set.run.stripes,
            self.set.run.slots
        )
    }

    /// Checks that an RTL's parameters are this model's (a bench calls it once, with its
    /// DUT's parameters): the first that differs is the error.
    pub fn check_rtl_params(
        &self,
        lanes: u32,
        spares: u32,
        am_period: u32,
        ser_w: u32,
        max_skew_bits: Option<u32>,
    ) -> Result<(), Error> {
        let p = &self.set.params;
        let pairs = [
            ("LANES", "lanes", lanes, p.lanes),
            ("SPARES", "spares", spares, p.spares),
            ("AM_PERIOD", "am_period", am_period, p.am_period),
            ("SER_W", "ser_w", ser_w, p.ser_w),
        ];
        for (rtl, key, got, want) in pairs {
            if got != want {
                return Err(Error(format!(
                    "the RTL has {rtl} = {got}, the model's configuration {key}: {want}"
                )));
            }
        }
        if let Some(m) = max_skew_bits {
            if m != p.max_skew_bits {
                return Err(Error(format!(
                    "the RTL has MAX_SKEW_BITS = {m}, the model's configuration max_skew_bits: {}",
                    p.max_skew_bits
                )));
            }
        }
        Ok(())
    }

    /// The TX lane-map entry of `channel` as the RTL's write port takes it (docs/rtl.md,
    /// "Lane-map write port"): `{failed, lane[15:0]}`, lane `0xffff` for a spare. A bench
    /// writes every channel's entry while `rst_ni` is low.
    pub fn tx_map_entry(&self, channel: u32) -> Result<u32, Error> {
        let map = self.tx.lane_map();
        if channel >= map.channels() {
            return Err(Error(format!("channel {channel}: the link has {} channels", map.channels())));
        }
        let lane = map.lane_on(channel).map_or(u32::from(SPARE_LANE), |l| l & 0xffff);
        Ok(lane | (u32::from(map.is_failed(channel)) << 16))
    }

    // ---------------------------------------------------------------- host

    /// The host's `{tx_valid_i, tx_data_i}` for its next clock (clock 0 first): the
    /// configuration's run, as `tessera gen` writes it to `tx_stimulus`. The offer is held
    /// for the K clocks of a slot and until a slot takes it.
    pub fn host_clock(&mut self) -> (bool, &[u64]) {
        let c = self.host_clock;
        self.host_clock += 1;
        if c.is_multiple_of(self.k) {
            let slot = c / self.k;
            match self.host.offer(slot) {
                Some(s) => {
                    self.host_data.copy_from_slice(s);
                    self.host_valid = true;
                }
                None => {
                    self.host_data.iter_mut().for_each(|w| *w = 0);
                    self.host_valid = false;
                }
            }
            self.host.take(slot);
        }
        (self.host_valid, &self.host_data)
    }

    // ---------------------------------------------------------------- TX

    /// One TX clock: the DUT's inputs of the clock (`tx_valid_i`, `tx_data_i`, 64 N bits)
    /// in; the expected `tx_ready_o` out, and the expected `tx_serial_o` in
    /// [`BenchModel::tx_serial`]. Returns whether the stripe was taken with the ready.
    pub fn tx_clock(&mut self, valid: bool, data: &[u64]) -> Result<bool, Error> {
        check_bus("tx_data_i", data, self.widths.data)?;
        let c = self.tx_clock;
        let first = c.is_multiple_of(self.k);
        self.tx_ready = first && !self.tx.next_is_marker();
        if first {
            let n = self.widths.lanes as usize;
            let offer = valid.then(|| &data[..n]);
            self.tx.step(offer, &mut self.tx_wires);
            let w = self.widths.ser_w;
            for j in 0..self.k as u32 {
                let mut word = self.tx_pool.pop().unwrap_or_else(|| vec![0; self.tx_serial.len()]);
                for (ch, &wire) in self.tx_wires.iter().enumerate() {
                    put_field(&mut word, ch as u64 * u64::from(w), w, (wire >> (j * w)) & field_mask(w));
                }
                self.tx_delay.push_back(word);
            }
        }
        let out =
            self.tx_delay.pop_front().expect("K words are queued every K clocks after the latency's zeros");
        let old = std::mem::replace(&mut self.tx_serial, out);
        self.tx_pool.push(old);
        self.tx_clock += 1;
        Ok(self.tx_ready)
    }

    /// The expected `tx_serial_o` of the last [`BenchModel::tx_clock`] (SER_W P bits).
    pub fn tx_serial(&self) -> &[u64] {
        &self.tx_serial
    }

    /// The expected `tx_ready_o` of the last [`BenchModel::tx_clock`].
    pub fn tx_ready(&self) -> bool {
        self.tx_ready
    }

    /// TX clocks so far.
    pub fn tx_clocks(&self) -> u64 {
        self.tx_clock
    }

    /// Compares the DUT's `tx_ready_o` and `tx_serial_o` of the last
    /// [`BenchModel::tx_clock`] with the model's: the first differing signal and channel.
    pub fn tx_check(&self, ready: bool, serial: &[u64]) -> Result<(), CheckError> {
        if self.tx_clock == 0 {
            return Err(Error("tx_check before any tx_clock: there is no clock to compare".into()).into());
        }
        check_bus("tx_serial_o", serial, self.widths.serial)?;
        let clock = self.tx_clock - 1;
        if ready != self.tx_ready {
            return Err(CheckError::Mismatch(Mismatch {
                clock,
                signal: "tx_ready_o".into(),
                place: None,
                expected: u8::from(self.tx_ready).to_string(),
                actual: u8::from(ready).to_string(),
            }));
        }
        let w = self.widths.ser_w;
        for ch in 0..self.widths.channels {
            let at = u64::from(ch) * u64::from(w);
            let (e, a) = (get_field(&self.tx_serial, at, w), get_field(serial, at, w));
            if e != a {
                return Err(CheckError::Mismatch(Mismatch {
                    clock,
                    signal: "tx_serial_o".into(),
                    place: Some(format!("channel {ch}")),
                    expected: hex(e, w),
                    actual: hex(a, w),
                }));
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- channel

    /// One clock of `tx_serial_o` (SER_W P bits, from clock 0) into the channel. The first
    /// `TX_LATENCY_CLOCKS` clocks carry no block and are skipped; after the last clock of
    /// every block period the channel model carries the period and the clocks of
    /// `rx_serial_i` it completes wait for [`BenchModel::channel_get`].
    pub fn channel_put(&mut self, serial: &[u64]) -> Result<(), Error> {
        check_bus("tx_serial_o (channel input)", serial, self.widths.serial)?;
        let t = self.ch_clock;
        self.ch_clock += 1;
        let l = u64::from(TX_LATENCY_CLOCKS);
        if t < l {
            return Ok(());
        }
        let j = ((t - l) % self.k) as u32;
        let w = self.widths.ser_w;
        for (ch, wire) in self.ch_wires.iter_mut().enumerate() {
            if j == 0 {
                *wire = 0;
            }
            *wire |= get_field(serial, ch as u64 * u64::from(w), w) << (j * w);
        }
        if u64::from(j) + 1 == self.k {
            self.channel.carry(&self.ch_wires);
            self.ch_injections += self.channel.take_injections().len() as u64;
            for (q, acc) in self.channel.ports_mut().iter_mut().zip(&mut self.ch_acc) {
                while !q.is_empty() {
                    let n = q.len().min(64) as u32;
                    acc.push(q.peek(0, n), n);
                    q.consume(n as usize);
                }
            }
            let wu = w as usize;
            while self.ch_acc.iter().all(|a| a.len() >= wu) {
                let mut word = vec![0u64; limbs(self.widths.serial)];
                for (p, acc) in self.ch_acc.iter_mut().enumerate() {
                    let v = acc.peek_wide(0, w);
                    acc.consume(wu);
                    put_field(&mut word, p as u64 * u64::from(w), w, v);
                }
                self.ch_out.push_back(word);
            }
        }
        Ok(())
    }

    /// The next clock of `rx_serial_i` (SER_W P bits) the channel has made, if any.
    pub fn channel_get(&mut self) -> Option<Vec<u64>> {
        self.ch_out.pop_front()
    }

    /// Clocks of `rx_serial_i` waiting.
    pub fn channel_pending(&self) -> usize {
        self.ch_out.len()
    }

    /// Faults the channel model has applied so far (bit errors, burst flips, slips, kills,
    /// revives).
    pub fn channel_injections(&self) -> u64 {
        self.ch_injections
    }

    /// The channel model (to kill or revive channels between block periods).
    pub fn channel_model_mut(&mut self) -> &mut ChannelModel {
        &mut self.channel
    }

    // ---------------------------------------------------------------- RX

    /// One RX clock: the `rx_serial_i` word (SER_W P bits) the DUT gets on this clock.
    /// The model's RX takes it in (docs/spec.md 11.7: `handle_bits` once per clock); the
    /// stripes it releases queue up for [`BenchModel::rx_stripe`] /
    /// [`BenchModel::rx_check_stripe`].
    pub fn rx_clock(&mut self, serial: &[u64]) -> Result<(), Error> {
        check_bus("rx_serial_i", serial, self.widths.serial)?;
        let w = self.widths.ser_w;
        for (p, q) in self.rx_in.iter_mut().enumerate() {
            let v = get_field(serial, p as u64 * u64::from(w), w);
            q.push(v as u64, w.min(64));
            if w > 64 {
                q.push((v >> 64) as u64, w - 64);
            }
        }
        self.rx.handle_bits(&mut self.rx_in);
        self.rx_clock += 1;
        self.rx_poll.clear();
        let got = self.rx.poll_stripes(&mut self.rx_poll);
        let n = self.widths.lanes as usize;
        for s in self.rx_poll.chunks(n.max(1)).take(got) {
            self.rx_expected.push_back(s.to_vec());
        }
        self.rx_out += got as u64;
        Ok(())
    }

    /// RX clocks so far.
    pub fn rx_clocks(&self) -> u64 {
        self.rx_clock
    }

    /// Stripes the model's RX has handed out so far.
    pub fn rx_stripes_out(&self) -> u64 {
        self.rx_out
    }

    /// The model's next stripe not yet taken (N words, lane 0 first). A bench uses this or
    /// [`BenchModel::rx_check_stripe`], not both: both take from the same queue.
    pub fn rx_stripe(&mut self) -> Option<Vec<u64>> {
        self.rx_expected.pop_front()
    }

    /// The DUT showed a stripe (`rx_valid_o` high, `rx_data_o` 64 N bits) on the current
    /// clock (the one the next [`BenchModel::rx_clock`] feeds): compared in order with the
    /// model's (docs/spec.md 11.7: same stripes, same order; the RTL's come some clocks
    /// later). A DUT stripe the model has not yet handed out waits for it.
    pub fn rx_check_stripe(&mut self, data: &[u64]) -> Result<(), CheckError> {
        check_bus("rx_data_o", data, self.widths.data)?;
        let n = self.widths.lanes as usize;
        self.rx_shown.push_back((self.rx_clock, data[..n].to_vec()));
        self.match_stripes()
    }

    fn match_stripes(&mut self) -> Result<(), CheckError> {
        while !self.rx_expected.is_empty() && !self.rx_shown.is_empty() {
            let want = self.rx_expected.pop_front().expect("not empty");
            let (clock, got) = self.rx_shown.pop_front().expect("not empty");
            if let Some(lane) = (0..want.len()).find(|&i| want[i] != got[i]) {
                return Err(CheckError::Mismatch(Mismatch {
                    clock,
                    signal: "rx_data_o".into(),
                    place: Some(format!("stripe {}, lane {lane}", self.rx_matched)),
                    expected: format!("{:#018x}", want[lane]),
                    actual: format!("{:#018x}", got[lane]),
                }));
            }
            self.rx_matched += 1;
        }
        Ok(())
    }

    /// Stripes the DUT showed that equalled the model's.
    pub fn rx_stripes_matched(&self) -> u64 {
        self.rx_matched
    }

    /// End of a run: every stripe the model handed out was shown by the DUT and the other
    /// way round.
    pub fn rx_check_done(&self) -> Result<(), CheckError> {
        if let Some((clock, _)) = self.rx_shown.front() {
            return Err(CheckError::Mismatch(Mismatch {
                clock: *clock,
                signal: "rx_valid_o".into(),
                place: Some(format!("stripe {}", self.rx_matched)),
                expected: "no more stripes (the model handed out no more)".into(),
                actual: format!("{} more", self.rx_shown.len()),
            }));
        }
        if !self.rx_expected.is_empty() {
            return Err(CheckError::Mismatch(Mismatch {
                clock: self.rx_clock,
                signal: "rx_valid_o".into(),
                place: Some(format!("stripe {}", self.rx_matched)),
                expected: format!("{} more stripes", self.rx_expected.len()),
                actual: "none".into(),
            }));
        }
        Ok(())
    }

    /// The model's RX status now (after the clocks fed so far).
    pub fn rx_status(&self) -> RxStatus {
        self.rx.status()
    }

    /// The model's per-port status as the RTL's port buses show it on the current clock
    /// (after the clocks fed so far, docs/spec.md 11.7).
    pub fn rx_port_buses(&self, cnt_w: u32) -> Result<PortBuses, Error> {
        let none = PortBuses::default();
        let fields = self.port_fields(&self.rx.status(), cnt_w, &none)?;
        let mut v = fields.into_iter().map(|f| self.pack(&f));
        let mut next = || v.next().expect("nine port fields");
        Ok(PortBuses {
            block_lock: next(),
            marker_lock: next(),
            lane: next(),
            bip_errors: next(),
            slips: next(),
            block_lock_losses: next(),
            marker_lock_losses: next(),
            invalid_headers: next(),
            bits: next(),
        })
    }

    /// The model's link status as the RTL's link buses show it one clock after the clocks
    /// fed so far (docs/spec.md 11.7).
    pub fn rx_link_buses(&self, cnt_w: u32) -> Result<LinkBuses, Error> {
        let none = LinkBuses::default();
        let fields = self.link_fields(&self.rx.status(), cnt_w, &none)?;
        let mut v = fields.into_iter().map(|f| self.pack(&f));
        let mut next = || v.next().expect("seventeen link fields");
        Ok(LinkBuses {
            aligned: next(),
            in_link: next(),
            skew: next(),
            stripes_out: next(),
            stripes_lost: next(),
            idle_slots: next(),
            unreadable_slots: next(),
            formations: next(),
            joins: next(),
            skew_fault: next(),
            skew_fault_spread: next(),
            skew_fault_early: next(),
            skew_fault_late: next(),
            dup_lane: next(),
            dup_lane_lane: next(),
            dup_lane_kept: next(),
            dup_lane_refused: next(),
        })
    }

    /// Compares the DUT's per-port status outputs of the current clock (read before the
    /// clock's edge, before [`BenchModel::rx_clock`] feeds the clock) with the model's.
    pub fn rx_check_ports(&self, dut: &PortBuses, cnt_w: u32) -> Result<(), CheckError> {
        let fields = self.port_fields(&self.rx.status(), cnt_w, dut)?;
        self.compare(&fields)
    }

    /// Compares the DUT's link status outputs with the model's: a bench that fed clocks
    /// `0 .. C-1` reads them before edge `C + 1` (docs/spec.md 11.7), with zeros on
    /// `rx_serial_i` on clocks `C` and `C + 1`, which the model is not fed.
    pub fn rx_check_link(&self, dut: &LinkBuses, cnt_w: u32) -> Result<(), CheckError> {
        let fields = self.link_fields(&self.rx.status(), cnt_w, dut)?;
        self.compare(&fields)
    }

    fn port_fields<'a>(
        &self,
        st: &RxStatus,
        cnt_w: u32,
        dut: &'a PortBuses,
    ) -> Result<Vec<Field<'a>>, Error> {
        if !(1..=64).contains(&cnt_w) {
            return Err(Error(format!(
                "cnt_w = {cnt_w}: the counters' width must be 1 ..= 64 (the RTL's CNT_W)"
            )));
        }
        let per = |f: &dyn Fn(&tessera_model::rx::PortStatus) -> Option<u64>| {
            st.ports.iter().map(f).collect::<Vec<_>>()
        };
        Ok(vec![
            Field {
                name: "port_block_lock_o",
                width: 1,
                expected: per(&|p| Some(u64::from(p.block_lock))),
                actual: &dut.block_lock,
            },
            Field {
                name: "port_marker_lock_o",
                width: 1,
                expected: per(&|p| Some(u64::from(p.marker_lock))),
                actual: &dut.marker_lock,
            },
            Field {
                name: "port_lane_o",
                width: 16,
                expected: per(&|p| if p.marker_lock { p.lane.map(u64::from) } else { None }),
                actual: &dut.lane,
            },
            Field {
                name: "port_bip_errors_o",
                width: cnt_w,
                expected: per(&|p| Some(sat(p.bip_errors, cnt_w))),
                actual: &dut.bip_errors,
            },
            Field {
                name: "port_slips_o",
                width: cnt_w,
                expected: per(&|p| Some(sat(p.slips, cnt_w))),
                actual: &dut.slips,
            },
            Field {
                name: "port_block_lock_losses_o",
                width: cnt_w,
                expected: per(&|p| Some(sat(p.block_lock_losses, cnt_w))),
                actual: &dut.block_lock_losses,
            },
            Field {
                name: "port_marker_lock_losses_o",
                width: cnt_w,
                expected: per(&|p| Some(sat(p.marker_lock_losses, cnt_w))),
                actual: &dut.marker_lock_losses,
            },
            Field {
                name: "port_invalid_headers_o",
                width: cnt_w,
                expected: per(&|p| Some(sat(p.invalid_headers, cnt_w))),
                actual: &dut.invalid_headers,
            },
            Field {
                name: "port_bits_o",
                width: POSITION_BITS,
                expected: per(&|p| Some(sat(p.bits, POSITION_BITS))),
                actual: &dut.bits,
            },
        ])
    }

    fn link_fields<'a>(
        &self,
        st: &RxStatus,
        cnt_w: u32,
        dut: &'a LinkBuses,
    ) -> Result<Vec<Field<'a>>, Error> {
        if !(1..=64).contains(&cnt_w) {
            return Err(Error(format!(
                "cnt_w = {cnt_w}: the counters' width must be 1 ..= 64 (the RTL's CNT_W)"
            )));
        }
        let c = &st.counters;
        let fault = st.skew_fault.as_ref();
        let dup = st.duplicate_lane;
        Ok(vec![
            Field {
                name: "rx_aligned_o",
                width: 1,
                expected: scalar(u64::from(st.aligned)),
                actual: &dut.aligned,
            },
            Field {
                name: "port_in_link_o",
                width: 1,
                expected: st.ports.iter().map(|p| Some(u64::from(p.skew_bits.is_some()))).collect(),
                actual: &dut.in_link,
            },
            Field {
                name: "port_skew_o",
                width: POSITION_BITS,
                expected: st.ports.iter().map(|p| p.skew_bits.map(|s| sat(s, POSITION_BITS))).collect(),
                actual: &dut.skew,
            },
            Field {
                name: "stripes_out_o",
                width: cnt_w,
                expected: scalar(sat(c.stripes_out, cnt_w)),
                actual: &dut.stripes_out,
            },
            Field {
                name: "stripes_lost_o",
                width: cnt_w,
                expected: scalar(sat(c.stripes_lost, cnt_w)),
                actual: &dut.stripes_lost,
            },
            Field {
                name: "idle_slots_o",
                width: cnt_w,
                expected: scalar(sat(c.idle_slots, cnt_w)),
                actual: &dut.idle_slots,
            },
            Field {
                name: "unreadable_slots_o",
                width: cnt_w,
                expected: scalar(sat(c.unreadable_slots, cnt_w)),
                actual: &dut.unreadable_slots,
            },
            Field {
                name: "formations_o",
                width: cnt_w,
                expected: scalar(sat(c.formations, cnt_w)),
                actual: &dut.formations,
            },
            Field {
                name: "joins_o",
                width: cnt_w,
                expected: scalar(sat(c.joins, cnt_w)),
                actual: &dut.joins,
            },
            Field {
                name: "skew_fault_o",
                width: 1,
                expected: scalar(u64::from(fault.is_some())),
                actual: &dut.skew_fault,
            },
            Field {
                name: "skew_fault_spread_o",
                width: POSITION_BITS,
                expected: vec![fault.map(|f| sat(f.spread_bits, POSITION_BITS))],
                actual: &dut.skew_fault_spread,
            },
            Field {
                name: "skew_fault_early_o",
                width: 16,
                expected: vec![fault.map(|f| u64::from(f.early_lane))],
                actual: &dut.skew_fault_early,
            },
            Field {
                name: "skew_fault_late_o",
                width: 16,
                expected: vec![fault.map(|f| u64::from(f.late_lane))],
                actual: &dut.skew_fault_late,
            },
            Field {
                name: "dup_lane_o",
                width: 1,
                expected: scalar(u64::from(dup.is_some())),
                actual: &dut.dup_lane,
            },
            Field {
                name: "dup_lane_lane_o",
                width: 16,
                expected: vec![dup.map(|d| u64::from(d.0))],
                actual: &dut.dup_lane_lane,
            },
            Field {
                name: "dup_lane_kept_o",
                width: 16,
                expected: vec![dup.map(|d| u64::from(d.1) & 0xffff)],
                actual: &dut.dup_lane_kept,
            },
            Field {
                name: "dup_lane_refused_o",
                width: 16,
                expected: vec![dup.map(|d| u64::from(d.2) & 0xffff)],
                actual: &dut.dup_lane_refused,
            },
        ])
    }

    /// The expected values of a field as its bus (`None` as 0).
    fn pack(&self, f: &Field<'_>) -> Vec<u64> {
        let mut bus = vec![0u64; limbs(f.width * f.expected.len() as u32)];
        for (i, v) in f.expected.iter().enumerate() {
            put_field(&mut bus, i as u64 * u64::from(f.width), f.width, u128::from(v.unwrap_or(0)));
        }
        bus
    }

    fn compare(&self, fields: &[Field<'_>]) -> Result<(), CheckError> {
        let per_port = self.widths.channels as usize;
        for f in fields {
            let width = f.width * f.expected.len() as u32;
            check_bus(f.name, f.actual, width)?;
            for (i, e) in f.expected.iter().enumerate() {
                let Some(e) = *e else { continue };
                let a = get_field(f.actual, i as u64 * u64::from(f.width), f.width) as u64;
                if a != e {
                    let place = (f.expected.len() == per_port && per_port > 1 || f.name.starts_with("port_"))
                        .then(|| format!("port {i}"));
                    let show = |v: u64| {
                        if f.name == "port_lane_o" && v == u64::from(SPARE_LANE) {
                            "0xffff (spare)".to_string()
                        } else {
                            v.to_string()
                        }
                    };
                    return Err(CheckError::Mismatch(Mismatch {
                        clock: self.rx_clock,
                        signal: f.name.into(),
                        place,
                        expected: show(e),
                        actual: show(a),
                    }));
                }
            }
        }
        Ok(())
    }
}

fn field_mask(w: u32) -> u128 {
    if w >= 128 {
        u128::MAX
    } else {
        (1u128 << w) - 1
    }
}

fn hex(v: u128, width: u32) -> String {
    format!("{:#0digits$x}", v, digits = width.div_ceil(4) as usize + 2)
}
