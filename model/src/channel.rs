//! The channel model: what lies between the TX and the RX (normative: `docs/channel-model.md`).
//!
//! Per block period the TX hands [`ChannelModel::carry`] one 66-bit wire value per physical
//! channel (bit `k` = block bit `k`, bit 0 first on the wire). The model appends each
//! channel's bits to the [`BitQueue`] of the RX port that channel reaches, applying the
//! faults of a [`ChannelFaults`]:
//!
//! * **skew**: port `j` first receives `skew_bits[source_of_port[j]]` zero bits (they are in
//!   its queue from construction on), then the channel's stream;
//! * **permutation**: RX port `j` receives physical channel `source_of_port[j]`;
//! * **bit errors** at a BER, **bursts** (every bit of a burst flipped with probability 1/2)
//!   and **bit slips** (one bit dropped or repeated), at random or scheduled;
//! * **dead channels**: from a given bit on, one zero bit per TX bit, no other fault.
//!
//! Positions are counted in the channel's TX bit stream: TX bit `t` is bit `t % 66` of the
//! wire value of block period `t / 66`. Every fault applied is logged as an [`Injection`],
//! so a test can rebuild exactly what each port received.
//!
//! ## Randomness
//! Every random process of every channel has its own ChaCha8 stream of the caller's seed
//! ([`ChaCha8Rng::seed_from_u64`] then [`ChaCha8Rng::set_stream`]), so the output depends on
//! the seed and the settings only, and one channel's settings never change another
//! channel's faults. The gap to the next random event is geometric, drawn once per event
//! (nothing is drawn per bit), with a logarithm made of IEEE-754 basic operations only, so a
//! replay is bit-identical on every platform.
//!
//! ## Cost
//! A channel with nothing due in a block period costs one comparison and two
//! [`BitQueue::push`] calls; the fault machinery runs only in the periods where a fault is
//! due.
//!
//! ## What may panic
//! Nothing reachable from user input: [`ChannelModel::new`] checks every field of a
//! [`ChannelFaults`] and returns a [`ChannelError`] naming the field and channel. The
//! accessors that take a channel or port number, and [`ChannelModel::carry`] (one value per
//! channel), state their caller's contract under `# Panics`.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::block::BLOCK_BITS;
use crate::config::LinkConfig;
use crate::coverage::{Cover, Coverage};
use crate::serial::BitQueue;

/// TX bits per channel per block period.
const PERIOD_BITS: u64 = BLOCK_BITS as u64;
/// The 66 bits of a wire value.
const MASK66: u128 = (1u128 << BLOCK_BITS) - 1;
/// "No event due": a position no stream reaches.
const NEVER: u64 = u64::MAX;

/// Stream kinds: a channel's generator for kind `k` (and burst number `i` for the pattern
/// of a burst) uses ChaCha stream `i << 20 | k << 16 | channel`.
const STREAM_ERRORS: u64 = 0;
const STREAM_BURSTS: u64 = 1;
const STREAM_SLIPS: u64 = 2;
const STREAM_BURST_PATTERN: u64 = 3;

/// A fault scheduled at a given bit of one channel's TX stream (for tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChannelEvent {
    /// Physical (TX) channel.
    pub channel: u32,
    /// Index in that channel's TX bit stream: block period * 66 + bit in the block.
    pub at_bit: u64,
    /// What happens there.
    pub kind: EventKind,
}

/// What a [`ChannelEvent`] does at its bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The bit is flipped.
    BitError,
    /// The bit is lost (`drop`) or sent twice (`!drop`); the rest of the stream moves by
    /// -1 or +1 bit.
    Slip {
        /// True: lose the bit; false: repeat it.
        drop: bool,
    },
    /// From this bit on the port receives zeros.
    Kill,
    /// From this bit on the port receives the channel's stream again.
    Revive,
    /// A burst of `len` bits starts at this bit: each is flipped with probability 1/2.
    Burst {
        /// Length in bits, at least 1.
        len: u32,
    },
}

/// One fault the model applied, at bit `tx_bit` of channel `channel`'s TX stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Injection {
    /// Physical (TX) channel.
    pub channel: u32,
    /// Index in the channel's TX bit stream: block period * 66 + bit in the block.
    pub tx_bit: u64,
    /// What was done.
    pub kind: InjectionKind,
}

/// What an [`Injection`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InjectionKind {
    /// The bit was flipped (a random or scheduled bit error).
    BitError,
    /// A burst of `len` bits started here; the bits it flipped are logged as
    /// [`InjectionKind::BurstFlip`].
    Burst {
        /// Length of the burst in bits.
        len: u32,
    },
    /// The bit was flipped by a burst.
    BurstFlip,
    /// The bit was lost (`drop`) or delivered twice (`!drop`).
    Slip {
        /// True: lost; false: repeated.
        drop: bool,
    },
    /// The channel went dark from this bit on.
    Kill,
    /// The channel came back from this bit on.
    Revive,
}

impl InjectionKind {
    /// True for the kinds that flip the bit at `tx_bit` ([`BitError`](Self::BitError),
    /// [`BurstFlip`](Self::BurstFlip)).
    pub fn flips_bit(self) -> bool {
        matches!(self, InjectionKind::BitError | InjectionKind::BurstFlip)
    }
}

/// The faults of a channel model. `Default` is a perfect channel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelFaults {
    /// Delay of each physical channel in bits (P entries), or empty for no skew.
    pub skew_bits: Vec<u32>,
    /// The physical channel each RX port receives (P entries, a bijection of `0..P`), or
    /// empty for the identity.
    pub source_of_port: Vec<u32>,
    /// Bit error rate of every channel, in `[0, 1]`, when `ber_per_channel` is empty.
    pub ber: f64,
    /// Bit error rate of each channel (P entries), or empty to use `ber` everywhere.
    pub ber_per_channel: Vec<f64>,
    /// Bursts per bit (outside bursts) on every channel, in `[0, 1]`.
    pub burst_rate: f64,
    /// Length of a random burst in bits; at least 1 when `burst_rate > 0`.
    pub burst_len: u32,
    /// Bit slips per bit on every channel, in `[0, 1]`; each drops or repeats a bit with
    /// probability 1/2.
    pub slip_rate: f64,
    /// Channels dead from the start (no duplicates).
    pub dead: Vec<u32>,
    /// Scheduled faults, in any order.
    pub events: Vec<ChannelEvent>,
}

impl ChannelFaults {
    /// A skew per channel, uniform in `0..=max_skew_bits`, with one channel set to 0 so that
    /// the skew is relative. Draws: `channels` values `gen_range(0..=max_skew_bits)` in
    /// channel order, then the zeroed channel `gen_range(0..channels)`. Empty for 0 channels.
    pub fn random_skew(channels: u32, max_skew_bits: u32, rng: &mut impl Rng) -> Vec<u32> {
        let mut skew: Vec<u32> = (0..channels).map(|_| rng.gen_range(0..=max_skew_bits)).collect();
        if channels > 0 {
            skew[rng.gen_range(0..channels) as usize] = 0;
        }
        skew
    }

    /// A uniformly random `source_of_port`: the identity shuffled by Fisher-Yates, for `i`
    /// from `channels - 1` down to 1 swapping entries `i` and `gen_range(0..=i)`.
    pub fn random_permutation(channels: u32, rng: &mut impl Rng) -> Vec<u32> {
        let mut perm: Vec<u32> = (0..channels).collect();
        for i in (1..channels).rev() {
            let j = rng.gen_range(0..=i);
            perm.swap(i as usize, j as usize);
        }
        perm
    }
}

/// Which field of a [`ChannelFaults`] is wrong, and where.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum ChannelError {
    /// A per-channel vector is neither empty nor one entry per physical channel.
    #[error(
        "invalid channel faults: {field} has {got} entries, expected {expected} (one per \
         physical channel) or none"
    )]
    WrongLength {
        /// `skew_bits`, `source_of_port` or `ber_per_channel`.
        field: &'static str,
        /// Entries given.
        got: usize,
        /// Physical channels P.
        expected: u32,
    },
    /// Two RX ports receive the same channel.
    #[error(
        "invalid channel faults: source_of_port is not a bijection: channel {channel} feeds \
         both port {first_port} and port {second_port}"
    )]
    NotABijection {
        /// The channel named twice.
        channel: u32,
        /// The first port that names it.
        first_port: u32,
        /// The second port that names it.
        second_port: u32,
    },
    /// A channel number that the link does not have.
    #[error(
        "invalid channel faults: {field}[{index}] names channel {channel}, but the link has \
         {channels} channels (0 to {last})",
        last = channels - 1
    )]
    ChannelOutOfRange {
        /// `source_of_port`, `dead` or `events`.
        field: &'static str,
        /// Index of the entry in that field.
        index: usize,
        /// The channel named.
        channel: u32,
        /// Physical channels P.
        channels: u32,
    },
    /// A rate that is not a probability (outside `[0, 1]`, or NaN).
    #[error(
        "invalid channel faults: {field} = {value}{on}: must be a probability between 0 and 1",
        on = channel.map(|c| format!(" on channel {c}")).unwrap_or_default()
    )]
    BadRate {
        /// `ber`, `ber_per_channel`, `burst_rate` or `slip_rate`.
        field: &'static str,
        /// The channel, for a per-channel field.
        channel: Option<u32>,
        /// The value given.
        value: f64,
    },
    /// Random bursts of no bits.
    #[error(
        "invalid channel faults: burst_len = 0 with burst_rate = {burst_rate}: a burst is at \
         least one bit long"
    )]
    ZeroBurstLen {
        /// The burst rate given.
        burst_rate: f64,
    },
    /// A scheduled burst of no bits.
    #[error(
        "invalid channel faults: events[{index}] is a burst of 0 bits on channel {channel}: a \
         burst is at least one bit long"
    )]
    ZeroBurstEvent {
        /// Index of the event in `events`.
        index: usize,
        /// Its channel.
        channel: u32,
    },
    /// A channel listed twice in `dead`.
    #[error("invalid channel faults: dead lists channel {channel} twice (dead[{first}] and dead[{second}])")]
    DuplicateDead {
        /// The channel.
        channel: u32,
        /// Its first index in `dead`.
        first: usize,
        /// Its second index in `dead`.
        second: usize,
    },
    /// A skew of more than one marker period.
    #[error(
        "invalid channel faults: skew_bits[{channel}] = {skew}: more than one marker period \
         ({limit} bits at am_period = {am_period}), which no receiver can tell from a smaller \
         skew"
    )]
    SkewTooLarge {
        /// The channel.
        channel: u32,
        /// Its skew in bits.
        skew: u32,
        /// One marker period in bits, the largest skew accepted.
        limit: u64,
        /// The link's marker period in blocks.
        am_period: u32,
    },
}

/// A channel's generator for one stream kind (see `docs/channel-model.md`, "Randomness").
fn generator(seed: u64, channel: u32, kind: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((index & ((1 << 44) - 1)) << 20) | (kind << 16) | u64::from(channel));
    rng
}

/// `2 * atanh(s) = ln((1 + s) / (1 - s))` by its series, for `|s| <= 0.18`: 13 terms leave
/// an error below 2^-60 relative. Basic IEEE-754 operations only: identical everywhere.
fn two_atanh(s: f64) -> f64 {
    let z = s * s;
    let mut acc = 0.0;
    for k in (0..13).rev() {
        acc = acc * z + 1.0 / f64::from(2 * k + 1);
    }
    2.0 * s * acc
}

/// Natural logarithm of `x >= 0` from IEEE-754 basic operations only (no platform libm), so
/// that a replay gives the same gaps on every platform. Within a few ulp of `f64::ln`.
fn det_ln(x: f64) -> f64 {
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    const FRACTION: u64 = (1 << 52) - 1;
    let (bits, bias) = if x.to_bits() >> 52 == 0 {
        // Subnormal: scale into the normal range first.
        ((x * (1u64 << 54) as f64).to_bits(), 1023 + 54)
    } else {
        (x.to_bits(), 1023)
    };
    let mut e = ((bits >> 52) & 0x7FF) as i32 - bias;
    let mut m = f64::from_bits((bits & FRACTION) | (1023 << 52)); // in [1, 2)
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    f64::from(e) * std::f64::consts::LN_2 + two_atanh((m - 1.0) / (m + 1.0))
}

/// `ln(1 - p)` for `p` in `[0, 1]`, accurate for tiny `p` (where `1 - p` would round).
fn ln_one_minus(p: f64) -> f64 {
    if p < 0.25 {
        // (1 + s) / (1 - s) = 1 - p for s = -p / (2 - p); |s| < 0.143.
        two_atanh(-p / (2.0 - p))
    } else {
        det_ln(1.0 - p)
    }
}

/// One random point process of a channel (bit errors, burst starts or slips): the position
/// of its next event and the generator of the gaps.
#[derive(Debug, Clone)]
struct Process {
    rng: ChaCha8Rng,
    /// `ln(1 - p)`, negative.
    ln_q: f64,
    /// TX bit of the next event, or [`NEVER`].
    next: u64,
}

impl Process {
    /// The process of probability `p` per bit, or `None` when it never fires (`p == 0`, or
    /// `p` so small that `ln(1 - p)` is 0).
    fn new(seed: u64, channel: u32, kind: u64, p: f64) -> Option<Box<Process>> {
        let ln_q = ln_one_minus(p);
        if p == 0.0 || ln_q >= 0.0 {
            return None;
        }
        let mut process = Process { rng: generator(seed, channel, kind, 0), ln_q, next: NEVER };
        process.next = process.gap();
        Some(Box::new(process))
    }

    /// A geometric gap: bits without an event before the next one. One `next_u64` draw `x`:
    /// `U = ((x >> 11) + 1) / 2^53` in (0, 1], gap = floor(ln U / ln(1 - p)), saturating.
    fn gap(&mut self) -> u64 {
        let x = self.rng.next_u64();
        let u = ((x >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64);
        (det_ln(u) / self.ln_q).floor() as u64
    }

    /// Moves past an event at `at` that covers `len` bits.
    fn advance(&mut self, at: u64, len: u64) {
        self.next = at.saturating_add(len).saturating_add(self.gap());
    }
}

/// A burst in progress: its flip pattern comes from its own stream, 64 bits per draw.
#[derive(Debug, Clone)]
struct ActiveBurst {
    /// TX bit of its first bit.
    start: u64,
    /// Bits not yet reached.
    left: u64,
    rng: ChaCha8Rng,
    /// Undelivered pattern bits of the last word drawn, next in bit 0.
    word: u64,
    /// How many of `word`'s bits are undelivered.
    avail: u32,
}

impl ActiveBurst {
    /// The next `n <= 66` pattern bits, the first in bit 0.
    fn take(&mut self, n: u32) -> u128 {
        let mut out = 0u128;
        let mut got = 0;
        while got < n {
            if self.avail == 0 {
                self.word = self.rng.next_u64();
                self.avail = 64;
            }
            let k = (n - got).min(self.avail);
            let bits = if k == 64 { self.word } else { self.word & ((1 << k) - 1) };
            out |= u128::from(bits) << got;
            self.word = if k == 64 { 0 } else { self.word >> k };
            self.avail -= k;
            got += k;
        }
        out
    }
}

/// A scheduled event of one channel.
#[derive(Debug, Clone, Copy)]
struct Scheduled {
    at_bit: u64,
    kind: EventKind,
}

/// The hot per-channel state, read every block period.
#[derive(Debug, Clone, Copy)]
struct Lane {
    /// Earliest TX bit at which anything is due; a period ending at or before it is clean.
    next_action: u64,
    /// The RX port this channel reaches.
    port: u32,
    /// Dark as of the end of the last block period carried.
    dead: bool,
}

/// The fault state of one channel, touched only in periods where something is due.
#[derive(Debug, Clone, Default)]
struct Faults {
    errors: Option<Box<Process>>,
    bursts: Option<Box<Process>>,
    slips: Option<Box<Process>>,
    active: Vec<ActiveBurst>,
    /// Bursts started so far: the index of the next burst's pattern stream.
    bursts_started: u64,
    /// Scheduled events in order of `at_bit` (stable), consumed up to `next_event`.
    events: Vec<Scheduled>,
    next_event: usize,
}

impl Faults {
    /// Earliest TX bit at which something is due, given that the period ending at `end`
    /// has been carried.
    fn next_action(&self, end: u64) -> u64 {
        let mut next = NEVER;
        for p in [&self.errors, &self.bursts, &self.slips].into_iter().flatten() {
            next = next.min(p.next);
        }
        if !self.active.is_empty() {
            next = next.min(end);
        }
        if let Some(e) = self.events.get(self.next_event) {
            next = next.min(e.at_bit);
        }
        next
    }

    /// Adds an event at or after every event still pending at the same bit.
    fn schedule(&mut self, at_bit: u64, kind: EventKind) {
        let pending = &self.events[self.next_event..];
        let at = self.next_event + pending.partition_point(|e| e.at_bit <= at_bit);
        self.events.insert(at, Scheduled { at_bit, kind });
    }
}

/// Rank of a log entry among those at the same bit of the same channel.
const RANK_STATE: u8 = 0;
const RANK_BURST: u8 = 1;
const RANK_ERROR: u8 = 2;
const RANK_FLIP: u8 = 3;
const RANK_SLIP: u8 = 4;

/// Buffers the fault path reuses from period to period.
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// (bit in period, rank, kind)
    log: Vec<(u32, u8, InjectionKind)>,
    /// (bit in period, drop)
    slips: Vec<(u32, bool)>,
    flips: Vec<u32>,
    /// (bit in period, len)
    bursts: Vec<(u32, u32)>,
}

/// Bits `a..b` (`b <= 66`) of a wire value.
#[inline]
fn bit_range(a: u32, b: u32) -> u128 {
    ((1u128 << b) - 1) & !((1u128 << a) - 1)
}

/// Appends bits `a..b` (`b <= 66`) of `v` to `q`, bit `a` first.
#[inline]
fn push_range(q: &mut BitQueue, v: u128, a: u32, b: u32) {
    let n = b - a;
    let x = v >> a;
    if n > 64 {
        q.push(x as u64, 64);
        q.push((x >> 64) as u64 & ((1 << (n - 64)) - 1), n - 64);
    } else if n > 0 {
        let mask = if n == 64 { u64::MAX } else { (1 << n) - 1 };
        q.push(x as u64 & mask, n);
    }
}

/// The channel between TX and RX: skew, permutation and faults, one block period per
/// [`carry`](Self::carry). See the [module documentation](self).
#[derive(Debug, Clone)]
pub struct ChannelModel {
    seed: u64,
    channels: u32,
    /// Block periods carried.
    periods: u64,
    lanes: Vec<Lane>,
    faults: Vec<Faults>,
    ports: Vec<BitQueue>,
    source_of_port: Vec<u32>,
    skew_bits: Vec<u32>,
    /// Length of a random burst.
    burst_len: u32,
    injections: Vec<Injection>,
    logging: bool,
    scratch: Scratch,
    cov: Coverage,
}

impl ChannelModel {
    /// Checks `faults` against `cfg` and builds the channel; its randomness comes from
    /// `seed`. Each port's queue starts with its channel's skew in zero bits.
    pub fn new(cfg: &LinkConfig, faults: ChannelFaults, seed: u64) -> Result<Self, ChannelError> {
        let p = cfg.channels();
        let n = p as usize;
        for (field, got) in [
            ("skew_bits", faults.skew_bits.len()),
            ("source_of_port", faults.source_of_port.len()),
            ("ber_per_channel", faults.ber_per_channel.len()),
        ] {
            if got != 0 && got != n {
                return Err(ChannelError::WrongLength { field, got, expected: p });
            }
        }
        let limit = u64::from(cfg.am_period()) * PERIOD_BITS;
        for (c, &skew) in faults.skew_bits.iter().enumerate() {
            if u64::from(skew) > limit {
                return Err(ChannelError::SkewTooLarge {
                    channel: c as u32,
                    skew,
                    limit,
                    am_period: cfg.am_period(),
                });
            }
        }
        let out_of_range =
            |field, index, channel| ChannelError::ChannelOutOfRange { field, index, channel, channels: p };
        let source_of_port: Vec<u32> =
            if faults.source_of_port.is_empty() { (0..p).collect() } else { faults.source_of_port };
        let mut port_of_channel = vec![u32::MAX; n];
        for (port, &c) in source_of_port.iter().enumerate() {
            if c >= p {
                return Err(out_of_range("source_of_port", port, c));
            }
            if port_of_channel[c as usize] != u32::MAX {
                return Err(ChannelError::NotABijection {
                    channel: c,
                    first_port: port_of_channel[c as usize],
                    second_port: port as u32,
                });
            }
            port_of_channel[c as usize] = port as u32;
        }
        let rate = |field, channel, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(ChannelError::BadRate { field, channel, value })
            }
        };
        rate("ber", None, faults.ber)?;
        for (c, &ber) in faults.ber_per_channel.iter().enumerate() {
            rate("ber_per_channel", Some(c as u32), ber)?;
        }
        rate("burst_rate", None, faults.burst_rate)?;
        rate("slip_rate", None, faults.slip_rate)?;
        if faults.burst_rate > 0.0 && faults.burst_len == 0 {
            return Err(ChannelError::ZeroBurstLen { burst_rate: faults.burst_rate });
        }
        let mut dead_at = vec![usize::MAX; n];
        for (i, &c) in faults.dead.iter().enumerate() {
            if c >= p {
                return Err(out_of_range("dead", i, c));
            }
            if dead_at[c as usize] != usize::MAX {
                return Err(ChannelError::DuplicateDead {
                    channel: c,
                    first: dead_at[c as usize],
                    second: i,
                });
            }
            dead_at[c as usize] = i;
        }
        for (i, e) in faults.events.iter().enumerate() {
            if e.channel >= p {
                return Err(out_of_range("events", i, e.channel));
            }
            if e.kind == (EventKind::Burst { len: 0 }) {
                return Err(ChannelError::ZeroBurstEvent { index: i, channel: e.channel });
            }
        }

        let skew_bits = if faults.skew_bits.is_empty() { vec![0; n] } else { faults.skew_bits };
        let mut state: Vec<Faults> = (0..p)
            .map(|c| {
                let ber = faults.ber_per_channel.get(c as usize).copied().unwrap_or(faults.ber);
                Faults {
                    errors: Process::new(seed, c, STREAM_ERRORS, ber),
                    bursts: Process::new(seed, c, STREAM_BURSTS, faults.burst_rate),
                    slips: Process::new(seed, c, STREAM_SLIPS, faults.slip_rate),
                    ..Faults::default()
                }
            })
            .collect();
        for e in &faults.events {
            state[e.channel as usize].events.push(Scheduled { at_bit: e.at_bit, kind: e.kind });
        }
        let mut injections = Vec::new();
        let lanes = (0..n)
            .map(|c| {
                let f = &mut state[c];
                f.events.sort_by_key(|e| e.at_bit); // stable: the given order at one bit
                let dead = dead_at[c] != usize::MAX;
                if dead {
                    injections.push(Injection { channel: c as u32, tx_bit: 0, kind: InjectionKind::Kill });
                }
                Lane { next_action: f.next_action(0), port: port_of_channel[c], dead }
            })
            .collect();
        let ports = source_of_port
            .iter()
            .map(|&c| {
                let mut q = BitQueue::new();
                q.push_zeros(skew_bits[c as usize] as usize);
                q
            })
            .collect();
        Ok(ChannelModel {
            seed,
            channels: p,
            periods: 0,
            lanes,
            faults: state,
            ports,
            source_of_port,
            skew_bits,
            burst_len: faults.burst_len,
            injections,
            logging: true,
            scratch: Scratch::default(),
            cov: Coverage::default(),
        })
    }

    /// The seed of every random draw.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Physical channels P (and RX ports).
    pub fn channels(&self) -> u32 {
        self.channels
    }

    /// Block periods carried so far; the next period's TX bits start at `periods() * 66`.
    pub fn periods(&self) -> u64 {
        self.periods
    }

    /// Carries one block period: `tx[c]` is channel `c`'s 66-bit wire value (bits above 65
    /// are ignored). Appends 66 bits to each port's queue, or 66 - drops + repeats.
    ///
    /// # Panics
    /// If `tx.len()` is not the number of channels (the caller's contract).
    pub fn carry(&mut self, tx: &[u128]) {
        assert_eq!(tx.len(), self.lanes.len(), "ChannelModel::carry: one wire value per channel");
        let start = self.periods * PERIOD_BITS;
        let end = start + PERIOD_BITS;
        for (c, &value) in tx.iter().enumerate() {
            self.carry_channel(c, value, start, end);
        }
        self.periods += 1;
    }

    /// Channel `c`'s value of the period `start .. end` (in TX bits) into its port.
    #[inline(always)]
    fn carry_channel(&mut self, c: usize, value: u128, start: u64, end: u64) {
        let lane = self.lanes[c];
        if lane.next_action >= end {
            let v = if lane.dead { 0 } else { value };
            self.ports[lane.port as usize].push_wire(v, BLOCK_BITS);
        } else {
            self.carry_faulty(c, value, start);
        }
    }

    /// `periods` block periods of [`ChannelModel::carry`] at once: channel `c`'s value of
    /// period `j` is `wires[c * periods + j]`. Sets `ends[j * P + p]` to the length port
    /// `p`'s queue has once period `j`'s bits are in it.
    ///
    /// # Panics
    /// If `wires` or `ends` is not `P * periods` long.
    pub fn carry_periods(&mut self, wires: &[u128], periods: usize, ends: &mut [usize]) {
        let n = self.lanes.len();
        assert_eq!(wires.len(), n * periods, "ChannelModel::carry_periods: one wire value per channel per period");
        assert_eq!(ends.len(), n * periods, "ChannelModel::carry_periods: one end per port per period");
        if self.quiet_for(periods) {
            // Nothing due on any channel: each port takes its channel's values as they
            // are (zeros when dark), port by port, on rayon's threads when worth it.
            let (lanes, source) = (&self.lanes, &self.source_of_port);
            let carry = |(p, q): (usize, &mut BitQueue)| {
                let c = source[p] as usize;
                let dead = lanes[c].dead;
                for &v in &wires[c * periods..(c + 1) * periods] {
                    q.push_wire(if dead { 0 } else { v }, BLOCK_BITS);
                }
            };
            if crate::parallel::worth_it(wires.len()) {
                use rayon::prelude::*;
                self.ports
                    .par_iter_mut()
                    .enumerate()
                    .with_min_len(crate::parallel::MIN_PORTS_PER_TASK)
                    .for_each(carry);
            } else {
                self.ports.iter_mut().enumerate().for_each(carry);
            }
            for (p, q) in self.ports.iter().enumerate() {
                let first = q.len() - periods * BLOCK_BITS as usize;
                for j in 0..periods {
                    ends[j * n + p] = first + (j + 1) * BLOCK_BITS as usize;
                }
            }
            self.periods += periods as u64;
            return;
        }
        for j in 0..periods {
            let start = self.periods * PERIOD_BITS;
            let end = start + PERIOD_BITS;
            for c in 0..n {
                self.carry_channel(c, wires[c * periods + j], start, end);
                let port = self.lanes[c].port as usize;
                ends[j * n + port] = self.ports[port].len();
            }
            self.periods += 1;
        }
    }

    /// For each RX port, the physical channel it receives.
    pub fn sources(&self) -> &[u32] {
        &self.source_of_port
    }

    /// Whether nothing is due on any channel in the next `periods` block periods: each port
    /// then receives its channel's wire values as they are, or zeros from a dark channel
    /// ([`ChannelModel::port_is_dark`]).
    pub fn quiet_for(&self, periods: usize) -> bool {
        self.quiet_periods(periods) == periods
    }

    /// The most block periods from now, up to `max`, for which [`ChannelModel::quiet_for`]
    /// holds: those before the first period in which something is due on some channel.
    pub fn quiet_periods(&self, max: usize) -> usize {
        let first = self.lanes.iter().map(|l| l.next_action).min().unwrap_or(u64::MAX);
        let quiet = (first / PERIOD_BITS).saturating_sub(self.periods);
        usize::try_from(quiet).map_or(max, |q| q.min(max))
    }

    /// Whether the channel RX port `port` receives is dark (sends nothing) as of the last
    /// block period carried.
    ///
    /// # Panics
    /// If `port >= channels()`.
    pub fn port_is_dark(&self, port: usize) -> bool {
        self.lanes[self.source_of_port[port] as usize].dead
    }

    /// Carries `periods` quiet block periods ([`ChannelModel::quiet_for`]) that the receiver
    /// has taken (`Receiver`'s steady batch). Each port on a live channel held one whole
    /// block and has taken all of the batch's but the last: its queue then holds its
    /// channel's last wire value of the batch, `last[c]` for channel `c`. Each port on a
    /// dark channel took its zeros itself: its queue is the one `dark` gives it (in port
    /// order). As after [`ChannelModel::carry_periods`] and the receiver's calls.
    ///
    /// # Panics
    /// If `last` is not one value per channel, or a live port's queue did not hold one block.
    pub fn carry_taken(&mut self, last: &[u128], periods: usize, dark: Vec<(usize, BitQueue)>) {
        assert_eq!(last.len(), self.lanes.len(), "one wire value per channel");
        // The dark ports, in port order, are those whose queues come back.
        let mut darks = dark.iter().map(|&(p, _)| p).peekable();
        for p in 0..self.ports.len() {
            if let Some(ahead) = self.ports.get(p + crate::cache::AHEAD) {
                ahead.prefetch_head();
            }
            let (q, c) = (&mut self.ports[p], self.source_of_port[p]);
            if darks.next_if_eq(&p).is_some() {
                continue;
            }
            debug_assert!(!self.lanes[c as usize].dead, "every dark port's queue comes back in `dark`");
            assert_eq!(q.len(), BLOCK_BITS as usize, "one block waiting");
            q.consume(BLOCK_BITS as usize);
            q.push_wire(last[c as usize], BLOCK_BITS);
        }
        for (p, q) in dark {
            self.ports[p] = q;
        }
        self.periods += periods as u64;
    }

    /// One channel's block period with something due in it (`docs/channel-model.md`,
    /// "Order within a block period").
    fn carry_faulty(&mut self, c: usize, value: u128, start: u64) {
        let end = start + PERIOD_BITS;
        let channel = c as u32;
        let seed = self.seed;
        let burst_len = self.burst_len;
        let lane = &mut self.lanes[c];
        let st = &mut self.faults[c];
        let Scratch { log, slips, flips: sched_flips, bursts } = &mut self.scratch;
        log.clear();
        slips.clear();
        sched_flips.clear();
        bursts.clear();

        // 1. Scheduled events of this period, in order: the dead stretches, and the rest
        //    collected for later steps.
        let mut dead = lane.dead;
        let mut dead_mask = 0u128;
        let mut stretch = 0u32; // where the current dead stretch began
        while let Some(&e) = st.events.get(st.next_event).filter(|e| e.at_bit < end) {
            st.next_event += 1;
            let off = (e.at_bit - start) as u32;
            match e.kind {
                EventKind::Kill => {
                    if !dead {
                        dead = true;
                        stretch = off;
                        log.push((off, RANK_STATE, InjectionKind::Kill));
                    }
                }
                EventKind::Revive => {
                    if dead {
                        dead = false;
                        dead_mask |= bit_range(stretch, off);
                        log.push((off, RANK_STATE, InjectionKind::Revive));
                    }
                }
                EventKind::BitError => sched_flips.push(off),
                EventKind::Slip { drop } => slips.push((off, drop)),
                EventKind::Burst { len } => bursts.push((off, len)),
            }
        }
        if dead {
            dead_mask |= bit_range(stretch, BLOCK_BITS);
        }
        lane.dead = dead;
        let live = |off: u32| dead_mask >> off & 1 == 0;

        // 2. Bursts: start the new ones (scheduled before random at one bit), then take
        //    this period's pattern bits of every burst in progress.
        if let Some(p) = st.bursts.as_deref_mut() {
            while p.next < end {
                let at = p.next;
                bursts.push(((at - start) as u32, burst_len));
                p.advance(at, u64::from(burst_len));
            }
        }
        bursts.sort_by_key(|b| b.0); // stable: scheduled first at one bit
        let mut flips = 0u128;
        for &(off, len) in bursts.iter() {
            let index = st.bursts_started;
            st.bursts_started += 1;
            st.active.push(ActiveBurst {
                start: start + u64::from(off),
                left: u64::from(len),
                rng: generator(seed, channel, STREAM_BURST_PATTERN, index),
                word: 0,
                avail: 0,
            });
            log.push((off, RANK_BURST, InjectionKind::Burst { len }));
        }
        for b in st.active.iter_mut() {
            let a = b.start.max(start) - start;
            let n = b.left.min(PERIOD_BITS - a);
            let mask = (b.take(n as u32) << a) & !dead_mask;
            b.left -= n;
            flips ^= mask;
            let mut m = mask;
            while m != 0 {
                let off = m.trailing_zeros();
                log.push((off, RANK_FLIP, InjectionKind::BurstFlip));
                m &= m - 1;
            }
        }
        st.active.retain(|b| b.left > 0);

        // 3. Bit errors: scheduled, then random.
        for &off in sched_flips.iter() {
            if live(off) {
                flips ^= 1 << off;
                log.push((off, RANK_ERROR, InjectionKind::BitError));
            }
        }
        if let Some(p) = st.errors.as_deref_mut() {
            while p.next < end {
                let at = p.next;
                let off = (at - start) as u32;
                if live(off) {
                    flips ^= 1 << off;
                    log.push((off, RANK_ERROR, InjectionKind::BitError));
                }
                p.advance(at, 1);
            }
        }
        let v = ((value & MASK66) ^ flips) & !dead_mask;

        // 4. Slips: scheduled, then random (direction drawn before the next gap); at most
        //    one per bit, none on a dead bit. Then the bits go out.
        if let Some(p) = st.slips.as_deref_mut() {
            while p.next < end {
                let at = p.next;
                let drop = p.rng.next_u64() & 1 == 1;
                slips.push(((at - start) as u32, drop));
                p.advance(at, 1);
            }
        }
        let q = &mut self.ports[lane.port as usize];
        if slips.is_empty() {
            q.push_wire(v, BLOCK_BITS);
        } else {
            slips.sort_by_key(|s| s.0); // stable: scheduled first at one bit
            let mut from = 0;
            let mut last = None;
            for &(off, drop) in slips.iter() {
                if !live(off) || last == Some(off) {
                    continue;
                }
                last = Some(off);
                log.push((off, RANK_SLIP, InjectionKind::Slip { drop }));
                if drop {
                    push_range(q, v, from, off);
                    from = off + 1;
                } else {
                    push_range(q, v, from, off + 1);
                    from = off;
                }
            }
            push_range(q, v, from, BLOCK_BITS);
        }

        lane.next_action = st.next_action(end);
        for &(_, _, kind) in log.iter() {
            self.cov.hit(match kind {
                InjectionKind::BitError => Cover::ChannelFlip,
                InjectionKind::Burst { .. } => Cover::ChannelBurst,
                InjectionKind::BurstFlip => continue,
                InjectionKind::Slip { drop: true } => Cover::ChannelSlipDrop,
                InjectionKind::Slip { drop: false } => Cover::ChannelSlipRepeat,
                InjectionKind::Kill => Cover::ChannelKill,
                InjectionKind::Revive => Cover::ChannelRevive,
            });
        }
        if self.logging && !log.is_empty() {
            log.sort_by_key(|&(off, rank, _)| (off, rank));
            self.injections.extend(log.iter().map(|&(off, _, kind)| Injection {
                channel,
                tx_bit: start + u64::from(off),
                kind,
            }));
        }
    }

    /// The queue of RX port `port`, which the RX reads and consumes.
    ///
    /// # Panics
    /// If `port >= channels()`.
    pub fn port(&mut self, port: u32) -> &mut BitQueue {
        &mut self.ports[port as usize]
    }

    /// Every RX port's queue, indexed by port.
    pub fn ports(&self) -> &[BitQueue] {
        &self.ports
    }

    /// Every RX port's queue, indexed by port, for the RX to read and consume.
    pub fn ports_mut(&mut self) -> &mut [BitQueue] {
        &mut self.ports
    }

    /// The physical channel RX port `port` receives.
    ///
    /// # Panics
    /// If `port >= channels()`.
    pub fn source_of_port(&self, port: u32) -> u32 {
        self.source_of_port[port as usize]
    }

    /// The RX port physical channel `channel` reaches.
    ///
    /// # Panics
    /// If `channel >= channels()`.
    pub fn port_of_channel(&self, channel: u32) -> u32 {
        self.lanes[channel as usize].port
    }

    /// The skew of physical channel `channel`, in bits.
    ///
    /// # Panics
    /// If `channel >= channels()`.
    pub fn skew_bits(&self, channel: u32) -> u32 {
        self.skew_bits[channel as usize]
    }

    /// Whether `channel` was dark at the end of the last block period carried.
    ///
    /// # Panics
    /// If `channel >= channels()`.
    pub fn is_dead(&self, channel: u32) -> bool {
        self.lanes[channel as usize].dead
    }

    /// The faults applied so far (since the last [`take_injections`](Self::take_injections)),
    /// in order: by block period, then channel, then TX bit (see `docs/channel-model.md`).
    pub fn injections(&self) -> &[Injection] {
        &self.injections
    }

    /// The cover points counted so far (`docs/coverage.md`: `channel.*`), whether the log
    /// is on or not.
    pub fn coverage(&self) -> &Coverage {
        &self.cov
    }

    /// Removes and returns the faults logged so far.
    pub fn take_injections(&mut self) -> Vec<Injection> {
        std::mem::take(&mut self.injections)
    }

    /// Turns the injection log on (the default) or off, for long runs nobody inspects.
    /// Faults are applied the same either way.
    pub fn set_logging(&mut self, on: bool) {
        self.logging = on;
    }

    /// Channel `channel` goes dark from the first bit of the next block period carried
    /// (a scheduled [`EventKind::Kill`] there). Nothing happens if it is dark by then.
    ///
    /// # Panics
    /// If `channel >= channels()`.
    pub fn kill(&mut self, channel: u32) {
        self.schedule_now(channel, EventKind::Kill);
    }

    /// Channel `channel` comes back from the first bit of the next block period carried
    /// (a scheduled [`EventKind::Revive`] there). Nothing happens if it is live by then.
    ///
    /// # Panics
    /// If `channel >= channels()`.
    pub fn revive(&mut self, channel: u32) {
        self.schedule_now(channel, EventKind::Revive);
    }

    fn schedule_now(&mut self, channel: u32, kind: EventKind) {
        let c = channel as usize;
        assert!(c < self.lanes.len(), "channel {channel} of {}", self.channels);
        let at = self.periods * PERIOD_BITS;
        self.faults[c].schedule(at, kind);
        self.lanes[c].next_action = self.lanes[c].next_action.min(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LinkParams;

    fn cfg(lanes: u32, spares: u32) -> LinkConfig {
        LinkConfig::new(LinkParams { lanes, spares, am_period: 256, max_skew_bits: 1056, ser_w: 66, seed: 1 })
            .unwrap()
    }

    fn model(channels: u32, faults: ChannelFaults, seed: u64) -> ChannelModel {
        ChannelModel::new(&cfg(channels, 0), faults, seed).unwrap()
    }

    /// `periods` block periods of random wire values for `channels` channels.
    fn traffic(channels: u32, periods: usize, seed: u64) -> Vec<Vec<u128>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..periods).map(|_| (0..channels).map(|_| rng.gen::<u128>() & MASK66).collect()).collect()
    }

    fn run(m: &mut ChannelModel, traffic: &[Vec<u128>]) {
        for tx in traffic {
            m.carry(tx);
        }
    }

    /// Channel `c`'s TX stream as bits.
    fn tx_bits(traffic: &[Vec<u128>], c: usize) -> Vec<bool> {
        traffic.iter().flat_map(|tx| (0..66).map(move |k| tx[c] >> k & 1 == 1)).collect()
    }

    fn port_bits(m: &ChannelModel, port: u32) -> Vec<bool> {
        m.ports()[port as usize].as_bitslice().iter().by_vals().collect()
    }

    /// What port `port_of_channel(c)` must hold, rebuilt from the TX stream, the skew and
    /// the injection log alone.
    fn rebuild(m: &ChannelModel, log: &[Injection], traffic: &[Vec<u128>], c: u32) -> Vec<bool> {
        let mut bits = tx_bits(traffic, c as usize);
        let mine: Vec<&Injection> = log.iter().filter(|i| i.channel == c).collect();
        for i in &mine {
            if i.kind.flips_bit() {
                bits[i.tx_bit as usize] ^= true;
            }
        }
        let mut out = vec![false; m.skew_bits(c) as usize];
        let mut dead = false;
        let mut next = 0;
        for (t, &b) in bits.iter().enumerate() {
            let mut copies = 1;
            while next < mine.len() && mine[next].tx_bit == t as u64 {
                match mine[next].kind {
                    InjectionKind::Kill => dead = true,
                    InjectionKind::Revive => dead = false,
                    InjectionKind::Slip { drop } => copies = if drop { 0 } else { 2 },
                    _ => {}
                }
                next += 1;
            }
            if dead {
                out.push(false);
            } else {
                for _ in 0..copies {
                    out.push(b);
                }
            }
        }
        out
    }

    #[test]
    fn identity_channel_delivers_bits_unchanged() {
        let t = traffic(8, 50, 1);
        let mut m = model(8, ChannelFaults::default(), 7);
        run(&mut m, &t);
        for c in 0..8 {
            assert_eq!(m.port_of_channel(c), c);
            assert_eq!(m.source_of_port(c), c);
            assert_eq!(port_bits(&m, c), tx_bits(&t, c as usize), "channel {c}");
        }
        assert!(m.injections().is_empty());
        assert_eq!(m.periods(), 50);
    }

    #[test]
    fn bits_above_65_are_ignored() {
        let mut m = model(1, ChannelFaults::default(), 0);
        m.carry(&[u128::MAX]);
        assert_eq!(m.ports()[0].len(), 66);
        assert_eq!(m.port(0).peek_block_bits(0), MASK66);
    }

    #[test]
    fn skew_delays_by_exactly_n_bits() {
        let skews = vec![0u32, 1, 63, 64, 65, 66, 67, 200, 1000, 16_896];
        let n = skews.len() as u32;
        let t = traffic(n, 20, 2);
        let faults = ChannelFaults { skew_bits: skews.clone(), ..Default::default() };
        let mut m = model(n, faults, 0);
        for (c, &s) in skews.iter().enumerate() {
            assert_eq!(m.ports()[c].len(), s as usize, "skew zeros queued from the start");
        }
        run(&mut m, &t);
        for (c, &s) in skews.iter().enumerate() {
            let q = m.port(c as u32);
            assert_eq!(q.len(), s as usize + 20 * 66);
            let mut at = 0;
            while at < s as usize {
                let k = (s as usize - at).min(64) as u32;
                assert_eq!(q.peek(at, k), 0, "channel {c}: zeros before the stream");
                at += k as usize;
            }
            for (p, tx) in t.iter().enumerate() {
                assert_eq!(q.peek_block_bits(s as usize + 66 * p), tx[c], "channel {c} period {p}");
            }
            assert_eq!(m.skew_bits(c as u32), s);
        }
    }

    #[test]
    fn permutation_routes_channels_to_their_ports() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let perm = ChannelFaults::random_permutation(40, &mut rng);
        assert_ne!(perm, (0..40).collect::<Vec<_>>());
        let skews = ChannelFaults::random_skew(40, 300, &mut rng);
        let t = traffic(40, 10, 3);
        let faults =
            ChannelFaults { skew_bits: skews.clone(), source_of_port: perm.clone(), ..Default::default() };
        let mut m = model(40, faults, 0);
        run(&mut m, &t);
        for port in 0..40u32 {
            let c = perm[port as usize];
            assert_eq!(m.source_of_port(port), c);
            assert_eq!(m.port_of_channel(c), port);
            let mut want = vec![false; skews[c as usize] as usize];
            want.extend(tx_bits(&t, c as usize));
            assert_eq!(port_bits(&m, port), want, "port {port} carries channel {c} after its skew");
        }
    }

    fn noisy() -> ChannelFaults {
        ChannelFaults { ber: 1e-2, burst_rate: 1e-3, burst_len: 100, slip_rate: 1e-3, ..Default::default() }
    }

    #[test]
    fn same_seed_same_streams_other_seed_other_streams() {
        let t = traffic(6, 300, 4);
        let go = |seed| {
            let mut m = model(6, noisy(), seed);
            run(&mut m, &t);
            m
        };
        let (a, b, c) = (go(11), go(11), go(12));
        assert!(!a.injections().is_empty());
        assert_eq!(a.injections(), b.injections());
        assert_eq!(a.ports(), b.ports());
        assert_ne!(a.injections(), c.injections());
        assert_ne!(a.ports(), c.ports());
    }

    #[test]
    fn one_channels_settings_do_not_change_anothers_faults() {
        let t = traffic(3, 200, 5);
        let go = |ber: Vec<f64>| {
            let mut m = model(3, ChannelFaults { ber_per_channel: ber, ..Default::default() }, 9);
            run(&mut m, &t);
            m
        };
        let a = go(vec![1e-2, 1e-2, 1e-2]);
        let b = go(vec![1e-2, 0.0, 0.3]);
        let ch0 =
            |m: &ChannelModel| m.injections().iter().filter(|i| i.channel == 0).copied().collect::<Vec<_>>();
        assert!(!ch0(&a).is_empty());
        assert_eq!(ch0(&a), ch0(&b));
        assert!(b.injections().iter().all(|i| i.channel != 1));
    }

    #[test]
    fn ber_zero_injects_nothing_and_costs_nothing() {
        let t = traffic(4, 500, 6);
        let faults = ChannelFaults { ber: 0.0, burst_len: 0, ..Default::default() };
        let mut m = model(4, faults, 1);
        assert!(m.faults.iter().all(|f| f.errors.is_none() && f.bursts.is_none() && f.slips.is_none()));
        assert!(m.lanes.iter().all(|l| l.next_action == NEVER));
        run(&mut m, &t);
        assert!(m.injections().is_empty());
        for c in 0..4 {
            assert_eq!(port_bits(&m, c), tx_bits(&t, c as usize));
        }
    }

    #[test]
    fn measured_error_count_at_ber_1e_3_is_within_six_sigma() {
        // 4 channels x 4000 periods x 66 bits = 1_056_000 independent Bernoulli(1e-3) bits:
        // the count is Binomial with mean 1056 and sigma = sqrt(n p (1 - p)) = 32.5. A correct
        // model leaves [1056 - 6 sigma, 1056 + 6 sigma] = [861, 1251] with probability < 1e-8
        // for any seed; a rate off by 20 % or a per-block instead of per-bit draw lands far
        // outside. The seed is fixed, so the test is deterministic.
        let t = traffic(4, 4000, 7);
        let mut m = model(4, ChannelFaults { ber: 1e-3, ..Default::default() }, 2024);
        run(&mut m, &t);
        let mut differ = 0;
        for c in 0..4u32 {
            let got = port_bits(&m, c);
            let want = tx_bits(&t, c as usize);
            assert_eq!(got.len(), want.len());
            differ += got.iter().zip(&want).filter(|(a, b)| a != b).count();
        }
        let logged = m.injections().len();
        assert!(m.injections().iter().all(|i| i.kind == InjectionKind::BitError));
        assert_eq!(differ, logged, "every flipped bit is logged, and only those");
        assert!((861..=1251).contains(&logged), "{logged} errors in 1_056_000 bits at BER 1e-3");
    }

    #[test]
    fn ber_one_flips_every_bit() {
        let t = traffic(2, 10, 8);
        let mut m = model(2, ChannelFaults { ber: 1.0, ..Default::default() }, 0);
        run(&mut m, &t);
        for c in 0..2 {
            let want: Vec<bool> = tx_bits(&t, c).into_iter().map(|b| !b).collect();
            assert_eq!(port_bits(&m, c as u32), want);
        }
        assert_eq!(m.injections().len(), 2 * 10 * 66);
    }

    fn event(channel: u32, at_bit: u64, kind: EventKind) -> ChannelEvent {
        ChannelEvent { channel, at_bit, kind }
    }

    #[test]
    fn scheduled_bit_error_flips_exactly_that_bit() {
        let t = traffic(3, 10, 9);
        for at in [0u64, 1, 63, 64, 65, 66, 70, 659] {
            let faults = ChannelFaults {
                skew_bits: vec![0, 5, 0],
                events: vec![event(1, at, EventKind::BitError)],
                ..Default::default()
            };
            let mut m = model(3, faults, 0);
            run(&mut m, &t);
            let mut want = vec![false; 5];
            want.extend(tx_bits(&t, 1));
            want[5 + at as usize] ^= true;
            assert_eq!(port_bits(&m, 1), want, "bit {at}");
            assert_eq!(port_bits(&m, 0), tx_bits(&t, 0));
            assert_eq!(
                m.take_injections(),
                vec![Injection { channel: 1, tx_bit: at, kind: InjectionKind::BitError }]
            );
            assert!(m.injections().is_empty(), "drained");
        }
    }

    #[test]
    fn slips_shift_the_rest_of_the_stream() {
        let t = traffic(2, 10, 10);
        let clean = tx_bits(&t, 1);
        for at in [0u64, 17, 64, 65, 66, 131, 659] {
            for drop in [true, false] {
                let faults = ChannelFaults {
                    events: vec![event(1, at, EventKind::Slip { drop })],
                    ..Default::default()
                };
                let mut m = model(2, faults, 0);
                run(&mut m, &t);
                let got = port_bits(&m, 1);
                let b = at as usize;
                assert_eq!(got[..b], clean[..b], "bits before the slip are untouched");
                if drop {
                    assert_eq!(got.len(), clean.len() - 1);
                    assert_eq!(got[b..], clean[b + 1..], "drop at {at}: the rest moves by -1");
                } else {
                    assert_eq!(got.len(), clean.len() + 1);
                    assert_eq!(got[b], clean[b]);
                    assert_eq!(got[b + 1..], clean[b..], "repeat at {at}: the rest moves by +1");
                }
                assert_eq!(
                    m.injections(),
                    [Injection { channel: 1, tx_bit: at, kind: InjectionKind::Slip { drop } }]
                );
                assert_eq!(port_bits(&m, 0), tx_bits(&t, 0));
            }
        }
    }

    #[test]
    fn two_slips_at_one_bit_apply_once() {
        let t = traffic(1, 3, 11);
        let events =
            vec![event(0, 70, EventKind::Slip { drop: true }), event(0, 70, EventKind::Slip { drop: false })];
        let mut m = model(1, ChannelFaults { events, ..Default::default() }, 0);
        run(&mut m, &t);
        assert_eq!(
            m.injections(),
            [Injection { channel: 0, tx_bit: 70, kind: InjectionKind::Slip { drop: true } }]
        );
        assert_eq!(m.ports()[0].len(), 3 * 66 - 1);
    }

    #[test]
    fn kill_gives_zeros_from_that_bit_and_revive_brings_the_stream_back() {
        let t = traffic(2, 12, 12);
        let clean = tx_bits(&t, 0);
        let events = vec![
            event(0, 100, EventKind::Kill),
            event(0, 150, EventKind::BitError), // on a dead bit: not applied, not logged
            event(0, 200, EventKind::Kill),     // already dead: nothing
            event(0, 400, EventKind::Revive),
        ];
        let mut m = model(2, ChannelFaults { events, ..Default::default() }, 0);
        m.carry(&t[0]);
        assert!(!m.is_dead(0));
        m.carry(&t[1]);
        assert!(m.is_dead(0));
        run(&mut m, &t[2..]);
        assert!(!m.is_dead(0));
        let got = port_bits(&m, 0);
        assert_eq!(got.len(), clean.len());
        assert_eq!(got[..100], clean[..100]);
        assert!(got[100..400].iter().all(|&b| !b), "zeros while dead");
        assert_eq!(got[400..], clean[400..]);
        assert_eq!(
            m.injections(),
            [
                Injection { channel: 0, tx_bit: 100, kind: InjectionKind::Kill },
                Injection { channel: 0, tx_bit: 400, kind: InjectionKind::Revive },
            ]
        );
    }

    #[test]
    fn dead_from_the_start_and_kill_revive_calls() {
        let t = traffic(3, 6, 13);
        let mut m = model(3, ChannelFaults { dead: vec![2], ..Default::default() }, 0);
        assert_eq!(m.injections(), [Injection { channel: 2, tx_bit: 0, kind: InjectionKind::Kill }]);
        assert!(m.is_dead(2));
        m.carry(&t[0]);
        m.kill(1);
        m.revive(0); // live already: nothing
        m.carry(&t[1]);
        m.carry(&t[2]);
        m.revive(1);
        m.revive(2);
        run(&mut m, &t[3..]);
        let zeros = |n| vec![false; n];
        assert_eq!(port_bits(&m, 0), tx_bits(&t, 0));
        let c1 = tx_bits(&t, 1);
        assert_eq!(port_bits(&m, 1), [&c1[..66], &zeros(132)[..], &c1[198..]].concat());
        let c2 = tx_bits(&t, 2);
        assert_eq!(port_bits(&m, 2), [&zeros(198)[..], &c2[198..]].concat());
        let kinds: Vec<(u32, u64, InjectionKind)> =
            m.injections().iter().map(|i| (i.channel, i.tx_bit, i.kind)).collect();
        assert_eq!(
            kinds,
            [
                (2, 0, InjectionKind::Kill),
                (1, 66, InjectionKind::Kill),
                (1, 198, InjectionKind::Revive),
                (2, 198, InjectionKind::Revive)
            ]
        );
    }

    #[test]
    fn scheduled_burst_flips_only_inside_it_and_is_logged() {
        let t = traffic(1, 10, 14);
        let events = vec![event(0, 60, EventKind::Burst { len: 200 })];
        let mut m = model(1, ChannelFaults { events, ..Default::default() }, 5);
        run(&mut m, &t);
        let log = m.injections().to_vec();
        assert_eq!(log[0], Injection { channel: 0, tx_bit: 60, kind: InjectionKind::Burst { len: 200 } });
        let flips: Vec<u64> = log[1..].iter().map(|i| i.tx_bit).collect();
        assert!(log[1..].iter().all(|i| i.kind == InjectionKind::BurstFlip));
        assert!(flips.iter().all(|&b| (60..260).contains(&b)));
        assert!((60..140).contains(&flips.len()), "about half of 200 bits: {}", flips.len());
        assert_eq!(port_bits(&m, 0), rebuild(&m, &log, &t, 0));
    }

    /// Everything at once, on many channels, drained every period: what each port holds is
    /// exactly what the log says.
    #[test]
    fn the_log_accounts_for_every_bit_received() {
        let n = 12u32;
        let t = traffic(n, 400, 15);
        let mut rng = ChaCha8Rng::seed_from_u64(15);
        let mut events = Vec::new();
        for _ in 0..200 {
            let kind = match rng.gen_range(0..5) {
                0 => EventKind::BitError,
                1 => EventKind::Slip { drop: rng.gen() },
                2 => EventKind::Kill,
                3 => EventKind::Revive,
                _ => EventKind::Burst { len: rng.gen_range(1..300) },
            };
            events.push(event(rng.gen_range(0..n), rng.gen_range(0..400 * 66), kind));
        }
        let faults = ChannelFaults {
            skew_bits: ChannelFaults::random_skew(n, 500, &mut rng),
            source_of_port: ChannelFaults::random_permutation(n, &mut rng),
            ber_per_channel: (0..n).map(|c| [0.0, 1e-4, 1e-2][c as usize % 3]).collect(),
            burst_rate: 2e-4,
            burst_len: 90,
            slip_rate: 3e-4,
            dead: vec![3, 7],
            events,
            ..Default::default()
        };
        let mut m = model(n, faults, 77);
        let mut log = m.take_injections();
        for tx in &t {
            m.carry(tx);
            let period = m.take_injections();
            let base = (m.periods() - 1) * 66;
            assert!(period.iter().all(|i| (base..base + 66).contains(&i.tx_bit)));
            assert!(period.windows(2).all(|w| (w[0].channel, w[0].tx_bit) <= (w[1].channel, w[1].tx_bit)));
            log.extend(period);
        }
        for kind in [
            InjectionKind::BitError,
            InjectionKind::BurstFlip,
            InjectionKind::Slip { drop: true },
            InjectionKind::Slip { drop: false },
            InjectionKind::Kill,
            InjectionKind::Revive,
        ] {
            assert!(log.iter().any(|i| i.kind == kind), "{kind:?} exercised");
        }
        for c in 0..n {
            assert_eq!(port_bits(&m, m.port_of_channel(c)), rebuild(&m, &log, &t, c), "channel {c}");
        }
    }

    #[test]
    fn logging_off_changes_nothing_but_the_log() {
        let t = traffic(4, 200, 16);
        let mut a = model(4, noisy(), 3);
        let mut b = model(4, noisy(), 3);
        b.set_logging(false);
        run(&mut a, &t);
        run(&mut b, &t);
        assert_eq!(a.ports(), b.ports());
        assert!(!a.injections().is_empty() && b.injections().is_empty());
    }

    #[test]
    fn random_skew_and_permutation() {
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        for _ in 0..50 {
            let s = ChannelFaults::random_skew(30, 700, &mut rng);
            assert_eq!(s.len(), 30);
            assert!(s.contains(&0) && s.iter().all(|&x| x <= 700));
            let mut p = ChannelFaults::random_permutation(30, &mut rng);
            p.sort_unstable();
            assert_eq!(p, (0..30).collect::<Vec<_>>());
        }
        assert!(ChannelFaults::random_skew(0, 10, &mut rng).is_empty());
        assert!(ChannelFaults::random_permutation(0, &mut rng).is_empty());
        let again = |seed| {
            let mut r = ChaCha8Rng::seed_from_u64(seed);
            (ChannelFaults::random_skew(9, 99, &mut r), ChannelFaults::random_permutation(9, &mut r))
        };
        assert_eq!(again(1), again(1));
    }

    #[test]
    fn deterministic_log_is_accurate() {
        let mut rng = ChaCha8Rng::seed_from_u64(18);
        for _ in 0..100_000 {
            let x: f64 = rng.gen::<f64>() + f64::MIN_POSITIVE;
            let (a, b) = (det_ln(x), x.ln());
            assert!((a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1.0), "ln {x}: {a} vs {b}");
        }
        assert_eq!(det_ln(1.0), 0.0);
        assert_eq!(det_ln(0.0), f64::NEG_INFINITY);
        let tiny = 5e-324;
        assert!((det_ln(tiny) - tiny.ln()).abs() < 1e-12);
        for p in [1e-15f64, 1e-12, 1e-9, 1e-3, 0.2, 0.25, 0.5, 0.9] {
            let want = (-p).ln_1p();
            assert!((ln_one_minus(p) - want).abs() <= 4.0 * f64::EPSILON * want.abs(), "ln(1 - {p})");
        }
        assert_eq!(ln_one_minus(1.0), f64::NEG_INFINITY);
    }

    fn error(channels: u32, f: impl FnOnce(&mut ChannelFaults)) -> String {
        let mut faults = ChannelFaults::default();
        f(&mut faults);
        ChannelModel::new(&cfg(channels, 0), faults, 0).expect_err("faults should be rejected").to_string()
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            error(4, |f| f.skew_bits = vec![0; 3]),
            "invalid channel faults: skew_bits has 3 entries, expected 4 (one per physical channel) or none"
        );
        assert_eq!(
            error(4, |f| f.source_of_port = vec![0; 5]),
            "invalid channel faults: source_of_port has 5 entries, expected 4 (one per physical channel) or none"
        );
        assert_eq!(
            error(4, |f| f.ber_per_channel = vec![0.0]),
            "invalid channel faults: ber_per_channel has 1 entries, expected 4 (one per physical channel) or none"
        );
        assert_eq!(
            error(4, |f| f.source_of_port = vec![2, 0, 3, 0]),
            "invalid channel faults: source_of_port is not a bijection: channel 0 feeds both port 1 and port 3"
        );
        assert_eq!(
            error(4, |f| f.source_of_port = vec![0, 1, 4, 2]),
            "invalid channel faults: source_of_port[2] names channel 4, but the link has 4 channels (0 to 3)"
        );
        assert_eq!(
            error(4, |f| f.dead = vec![1, 9]),
            "invalid channel faults: dead[1] names channel 9, but the link has 4 channels (0 to 3)"
        );
        assert_eq!(
            error(4, |f| f.events = vec![event(0, 5, EventKind::Kill), event(4, 0, EventKind::BitError)]),
            "invalid channel faults: events[1] names channel 4, but the link has 4 channels (0 to 3)"
        );
        assert_eq!(
            error(4, |f| f.ber = 1.5),
            "invalid channel faults: ber = 1.5: must be a probability between 0 and 1"
        );
        assert_eq!(
            error(4, |f| f.ber = f64::NAN),
            "invalid channel faults: ber = NaN: must be a probability between 0 and 1"
        );
        assert_eq!(
            error(4, |f| f.ber_per_channel = vec![0.0, 0.1, -0.001, 0.0]),
            "invalid channel faults: ber_per_channel = -0.001 on channel 2: must be a probability between 0 and 1"
        );
        assert_eq!(
            error(4, |f| f.burst_rate = 2.0),
            "invalid channel faults: burst_rate = 2: must be a probability between 0 and 1"
        );
        assert_eq!(
            error(4, |f| f.slip_rate = f64::INFINITY),
            "invalid channel faults: slip_rate = inf: must be a probability between 0 and 1"
        );
        assert_eq!(
            error(4, |f| f.burst_rate = 0.001),
            "invalid channel faults: burst_len = 0 with burst_rate = 0.001: a burst is at least one bit long"
        );
        assert_eq!(
            error(4, |f| f.events = vec![event(3, 5, EventKind::Burst { len: 0 })]),
            "invalid channel faults: events[0] is a burst of 0 bits on channel 3: a burst is at least one bit long"
        );
        assert_eq!(
            error(4, |f| f.dead = vec![2, 0, 2]),
            "invalid channel faults: dead lists channel 2 twice (dead[0] and dead[2])"
        );
        assert_eq!(
            error(4, |f| f.skew_bits = vec![0, 0, 16_897, 0]),
            "invalid channel faults: skew_bits[2] = 16897: more than one marker period (16896 bits at \
             am_period = 256), which no receiver can tell from a smaller skew"
        );
        // The limits themselves are accepted.
        assert!(ChannelModel::new(
            &cfg(4, 0),
            ChannelFaults {
                skew_bits: vec![0, 0, 16_896, 0],
                ber: 1.0,
                burst_rate: 1.0,
                burst_len: 1,
                slip_rate: 1.0,
                ..Default::default()
            },
            0
        )
        .is_ok());
    }

    #[test]
    fn rates_of_one_keep_working() {
        let t = traffic(2, 20, 19);
        let faults =
            ChannelFaults { ber: 1.0, burst_rate: 1.0, burst_len: 3, slip_rate: 1.0, ..Default::default() };
        let mut m = model(2, faults, 4);
        run(&mut m, &t);
        let log = m.take_injections();
        for c in 0..2 {
            assert_eq!(port_bits(&m, c), rebuild(&m, &log, &t, c));
        }
    }

    #[test]
    #[should_panic(expected = "one wire value per channel")]
    fn carry_needs_one_value_per_channel() {
        model(3, ChannelFaults::default(), 0).carry(&[0, 0]);
    }
}
