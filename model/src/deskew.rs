//! Deskew, reorder and reassembly: the link-level receive state machine.
//!
//! Fed per RX port by the per-channel machines (markers with their arrival time in bits,
//! decoded symbols, loss of lock), it lines the lanes up by their markers, puts them in
//! logical-lane order using the lane numbers the markers carry (no prior knowledge of the
//! channel permutation), and releases whole stripes in lock step. The rules are
//! `docs/spec.md`, "Deskew and reassembly":
//!
//! * Every block slot of a locked lane gets a *global slot index*; marker slots are the
//!   multiples of `am_period`. The link *forms* when every lane 0..N has a marker whose
//!   arrival times span at most `max_skew_bits`: those markers are slot 0.
//! * A lane that (re)gains marker lock while the link is formed *joins*: its marker is
//!   given the marker slot whose other lanes' markers arrived within `max_skew_bits` of it.
//! * Slot `G` is released when every aligned lane has delivered slot `G + RELEASE_HOLD`
//!   (or a later one). A stripe comes out only when all N lanes delivered a data block at
//!   `G` with no invalid sync header on that lane in the `RELEASE_HOLD` slots after it;
//!   a slot where any lane shows data but which is not such a stripe is a *lost stripe*,
//!   counted, never handed out.
//!
//! Nothing here panics on what the ports deliver.

use std::collections::VecDeque;
use std::mem::MaybeUninit;

use crate::block::BLOCK_BITS;
use crate::coding::RxSymbol;
use crate::config::LinkConfig;
use crate::coverage::{Cover, Coverage};

/// Slots after a stripe in which an invalid sync header on any lane makes the stripe
/// suspect (lost). A slip turns a lane's blocks into garbage until lock is lost; a
/// slipped lane shows an invalid header in each block with probability 1/2, so garbage
/// passes this hold with probability 2^-8 per slip.
pub const RELEASE_HOLD: u64 = 8;
/// Extra blocks a deskew buffer holds beyond the skew capacity (arrival jitter of one
/// block between ports plus the release hold).
const BUFFER_SLACK: usize = 3 + RELEASE_HOLD as usize;

/// Kinds of slot in a [`Rows`] entry.
pub(crate) const SLOT_DATA: u8 = 0;
pub(crate) const SLOT_IDLE: u8 = 1;
pub(crate) const SLOT_INVALID: u8 = 2;
pub(crate) const SLOT_MARKER: u8 = 3;
/// A data slot whose word is not in the rows: it is the word the TX was given, in the
/// stripe [`SentStripes`] names (a lane in step, [`crate::coding::SideBySide::in_sync`]).
/// Only in the rows a steady batch releases at once, never in a queue.
pub(crate) const SLOT_SENT: u8 = 4;
/// The bits of a kind that tell data (0: [`SLOT_DATA`] or [`SLOT_SENT`]) from the rest.
const SLOT_NOT_DATA: u8 = 3;

/// Where the words of a steady batch's [`SLOT_SENT`] slots are: row `t` (from `first_row`
/// on) holds stripe `plan[t - first_row]` of `stripes`, N words each.
pub(crate) struct SentStripes<'a> {
    pub(crate) stripes: &'a [u64],
    pub(crate) plan: &'a [u32],
    pub(crate) first_row: usize,
}

/// Where a good stripe of a steady batch is taken from.
#[derive(Debug, Clone, Copy)]
enum StripeFrom {
    /// The rows' words.
    Rows,
    /// The stripe sent, every slot being [`SLOT_SENT`].
    Sent,
    /// The stripe sent where the slot is [`SLOT_SENT`], the rows' word elsewhere.
    Both,
}

/// The slots of a batch of block periods laid out by global slot index, as the stripes
/// they become: row `r` is slot `next_global + r`, one entry per lane. Each lane's column
/// holds first the slots its port had queued, then one per period of the batch. The lanes
/// are cut into groups of [`Rows::GROUP`], each group's rows kept together (group `i` from
/// `i * rows * GROUP`, row by row, its lanes side by side), so that the groups can be
/// filled side by side and a stripe is read as a few runs of words. A data slot's word is
/// in `words`, every slot's kind in `kinds`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rows {
    rows: usize,
    lanes: usize,
    pub(crate) words: Vec<u64>,
    pub(crate) kinds: Vec<u8>,
}

impl Rows {
    /// Lanes per group.
    pub(crate) const GROUP: usize = 32;

    /// Room for `rows` rows of `lanes` lanes.
    pub(crate) fn reset(&mut self, rows: usize, lanes: usize) {
        self.rows = rows;
        self.lanes = lanes;
        self.words.resize(rows * lanes, 0);
        self.kinds.resize(rows * lanes, SLOT_INVALID);
    }

    /// Entries of one group (the last may be shorter).
    pub(crate) fn group_len(&self) -> usize {
        self.rows * Self::GROUP
    }

    /// Lanes in the group of `lane`.
    fn width(&self, lane: usize) -> usize {
        Self::GROUP.min(self.lanes - lane / Self::GROUP * Self::GROUP)
    }

    /// Where slot `row` of `lane` is.
    fn at(&self, row: usize, lane: usize) -> usize {
        lane / Self::GROUP * self.group_len() + row * self.width(lane) + lane % Self::GROUP
    }

    /// Row `row` of each group in turn: the runs of words and kinds a stripe is made of.
    fn row(&self, row: usize) -> impl Iterator<Item = (&[u64], &[u8])> {
        (0..self.lanes).step_by(Self::GROUP).map(move |l0| {
            let at = self.at(row, l0);
            let w = self.width(l0);
            (&self.words[at..at + w], &self.kinds[at..at + w])
        })
    }
}

/// Writes stripes `list` of a steady batch (row and source of each, in order) into
/// `room`, one after another, N words each: from the `rows`, from the stripes `sent`, or
/// from both. The stripes sent one after another that follow a sent one are one copy.
///
/// # Panics
/// If `room` is not `list.len()` stripes long.
fn copy_stripes(rows: &Rows, sent: &SentStripes<'_>, list: &[(usize, StripeFrom)], room: &mut [MaybeUninit<u64>]) {
    let lanes = rows.lanes;
    assert_eq!(room.len(), list.len() * lanes, "room for every stripe");
    let put = |room: &mut [MaybeUninit<u64>], words: &[u64]| {
        for (r, &w) in room.iter_mut().zip(words) {
            r.write(w);
        }
    };
    let sent_at = |t: usize| sent.plan[t - sent.first_row] as usize;
    let (mut i, mut at) = (0, 0);
    while let Some(&(t, from)) = list.get(i) {
        i += 1;
        let start = at;
        at += lanes;
        match from {
            StripeFrom::Rows => {
                let mut to = start;
                for (words, _) in rows.row(t) {
                    put(&mut room[to..to + words.len()], words);
                    to += words.len();
                }
                assert_eq!(to, at, "a row is a stripe");
            }
            StripeFrom::Sent => {
                let first = sent_at(t);
                let mut last = first;
                while let Some(&(t, StripeFrom::Sent)) = list.get(i) {
                    if sent_at(t) != last + 1 {
                        break;
                    }
                    last += 1;
                    i += 1;
                }
                at = start + (last + 1 - first) * lanes;
                put(&mut room[start..at], &sent.stripes[first * lanes..(last + 1) * lanes]);
            }
            StripeFrom::Both => {
                let stripe = &sent.stripes[sent_at(t) * lanes..][..lanes];
                let slots = rows.row(t).flat_map(|(words, kinds)| words.iter().zip(kinds));
                let words = slots.zip(stripe).map(|((&w, &k), &s)| if k == SLOT_SENT { s } else { w });
                let mut n = 0;
                for (r, w) in room[start..at].iter_mut().zip(words) {
                    r.write(w);
                    n += 1;
                }
                assert_eq!(n, lanes, "a row is a stripe");
            }
        }
    }
    assert_eq!(at, room.len(), "every stripe written");
}

/// The OR and the AND of the kinds of each of the first `rows` rows of one group of
/// [`Rows`] (`kinds`, its rows one after another, `width` lanes each), for
/// [`Deskew::take_rows`].
pub(crate) fn group_row_kinds(kinds: &[u8], width: usize, rows: usize) -> Vec<(u8, u8)> {
    kinds[..rows * width].chunks_exact(width).map(or_and).collect()
}

/// The OR and the AND of `kinds`, eight at a time (a whole row of a group at once,
/// without stopping early).
#[inline]
fn or_and(kinds: &[u8]) -> (u8, u8) {
    let (eights, rest) = kinds.as_chunks::<8>();
    let (mut or, mut and) = (0u64, u64::MAX);
    for &eight in eights {
        let word = u64::from_ne_bytes(eight);
        or |= word;
        and &= word;
    }
    // The eight bytes of each into one.
    for shift in [32, 16, 8] {
        or |= or >> shift;
        and &= and >> shift;
    }
    rest.iter().fold((or as u8, and as u8), |(o, a), &k| (o | k, a & k))
}

/// A queued slot as a [`Rows`] entry: its word and kind.
fn slot_entry(slot: LaneSlot) -> (u64, u8) {
    match slot {
        LaneSlot::Marker => (0, SLOT_MARKER),
        LaneSlot::Symbol(RxSymbol::Data(w)) => (w, SLOT_DATA),
        LaneSlot::Symbol(RxSymbol::Idle) => (0, SLOT_IDLE),
        LaneSlot::Symbol(RxSymbol::Invalid) => (0, SLOT_INVALID),
    }
}

/// A [`Rows`] entry as a queued slot.
fn entry_slot(word: u64, kind: u8) -> LaneSlot {
    debug_assert_ne!(kind, SLOT_SENT, "a queued slot has its word");
    match kind {
        SLOT_MARKER => LaneSlot::Marker,
        SLOT_DATA => LaneSlot::Symbol(RxSymbol::Data(word)),
        SLOT_IDLE => LaneSlot::Symbol(RxSymbol::Idle),
        _ => LaneSlot::Symbol(RxSymbol::Invalid),
    }
}

/// What a lane delivered in one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LaneSlot {
    Marker,
    Symbol(RxSymbol),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortState {
    /// Not taking part: not marker-locked, a spare, or waiting for a marker.
    Idle,
    /// Marker-locked to `lane`, link not formed: buffering from the lane's last marker.
    Buffering { lane: u16, arrival: u64 },
    /// Part of the formed link; `next` is the global index of the next slot it delivers.
    Aligned { lane: u16, next: u64 },
}

#[derive(Debug, Clone)]
struct PortQueue {
    state: PortState,
    /// Delivered slots with their index (offset from the marker while buffering, global
    /// once aligned).
    fifo: VecDeque<(u64, LaneSlot)>,
    /// Indices of queued slots whose sync header was invalid.
    bad_headers: VecDeque<u64>,
    /// Global index and arrival time (in bits) of the last marker while aligned.
    last_marker: Option<(u64, u64)>,
}

/// What the release test in lane order found for a slot.
enum SlotTest {
    /// Every aligned lane has delivered the slot and its hold.
    Ready,
    /// A lane left; test again.
    Retry,
    /// A lane has not delivered yet.
    Blocked,
}

/// A link that could not form, or a lane that could not join, because of skew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkewFault {
    /// Spread of marker arrival times seen, in bits.
    pub spread_bits: u64,
    /// The configured maximum.
    pub max_skew_bits: u64,
    /// The lane whose marker arrived first.
    pub early_lane: u16,
    /// The lane whose marker arrived last.
    pub late_lane: u16,
}

impl std::fmt::Display for SkewFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "lane {} arrives {} bits after lane {}, more than the maximum skew of {} bits",
            self.late_lane, self.spread_bits, self.early_lane, self.max_skew_bits
        )
    }
}

/// Counters of the reassembly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeskewCounters {
    /// Stripes handed out.
    pub stripes_out: u64,
    /// Slots where some lane carried data but no good stripe could be handed out.
    pub stripes_lost: u64,
    /// Idle slots (all lanes idle).
    pub idle_slots: u64,
    /// Non-marker slots where no lane showed data but some lane was missing or invalid:
    /// an idle slot that could not be read whole.
    pub unreadable_slots: u64,
    /// Times the link formed (1 after the first alignment; more after a total loss).
    pub formations: u64,
    /// Lanes that joined a formed link.
    pub joins: u64,
}

/// The deskew and reassembly machine.
#[derive(Debug, Clone)]
pub struct Deskew {
    lanes: usize,
    am_period: u64,
    period_bits: u64,
    max_skew: u64,
    buffer_cap: usize,
    ports: Vec<PortQueue>,
    /// Ports whose FIFO holds more than `2 * buffer_cap` slots (a lane left behind), kept
    /// as the FIFOs cross that length so that a blocked poll need not scan every port.
    long_fifos: usize,
    /// The aligned port carrying each lane.
    port_of_lane: Vec<Option<u32>>,
    /// For each lane, the global index of the next slot its aligned port delivers
    /// (`u64::MAX` when no port carries it aligned): the release test reads this small
    /// array in lane order instead of every port's queue in the fibre's scrambled order.
    lane_next: Vec<u64>,
    /// A lane joined since the last slot released: some queue may start with slots
    /// before `next_global`, which the release test in lane order drops first.
    stale: bool,
    /// Tests only: every slot through the lane-order test, the reference for the fast one.
    #[cfg(test)]
    lane_order_only: bool,
    /// The buffering port of each lane before formation.
    buffering_port_of_lane: Vec<Option<u32>>,
    buffering: usize,
    aligned: usize,
    formed: bool,
    next_global: u64,
    stripe: Vec<u64>,
    counters: DeskewCounters,
    skew_fault: Option<SkewFault>,
    /// Smallest spread seen in the current period while unformed.
    spread_probe: Option<(u64, SkewFault)>,
    /// Lane claimed by two ports at once: (lane, first claimant, second claimant). Before
    /// formation the second claim wins; once formed the first one keeps the lane.
    duplicate: Option<(u16, u32, u32)>,
    /// Lanes that left the formed link since it formed (coverage: a later join is a rejoin).
    left_formed: Vec<bool>,
    cov: Coverage,
    /// Scratch of [`Deskew::take_rows`]: the rows that are good stripes.
    steady_stripes: Vec<(usize, StripeFrom)>,
    /// The rows of the last steady batch ([`Deskew::take_rows`]).
    rows: Rows,
    /// `Some(r)` while the aligned ports' queues are held in `rows` instead of their FIFOs
    /// (from one steady batch to the next): each port's queue is its lane's column from
    /// row `r` on, one slot for each index from `next_global` to the port's `next`. The
    /// FIFOs are rebuilt ([`Deskew::settle`]) before anything else reads or changes them.
    /// Meanwhile an aligned port's `next` is its lane's `lane_next`, and its last marker,
    /// when one came since, its lane's `tail_last_marker`.
    tail: Option<usize>,
    tail_last_marker: Vec<Option<(u64, u64)>>,
}

impl Deskew {
    /// A machine for `cfg`'s lanes over `ports` RX ports.
    pub fn new(cfg: &LinkConfig, ports: u32) -> Self {
        let max_skew = u64::from(cfg.max_skew_bits());
        Deskew {
            lanes: cfg.lanes() as usize,
            am_period: u64::from(cfg.am_period()),
            period_bits: u64::from(cfg.am_period()) * u64::from(BLOCK_BITS),
            max_skew,
            buffer_cap: (max_skew / u64::from(BLOCK_BITS)) as usize + 1 + BUFFER_SLACK,
            ports: vec![
                PortQueue {
                    state: PortState::Idle,
                    fifo: VecDeque::new(),
                    bad_headers: VecDeque::new(),
                    last_marker: None,
                };
                ports as usize
            ],
            long_fifos: 0,
            port_of_lane: vec![None; cfg.lanes() as usize],
            lane_next: vec![u64::MAX; cfg.lanes() as usize],
            stale: false,
            #[cfg(test)]
            lane_order_only: false,
            buffering_port_of_lane: vec![None; cfg.lanes() as usize],
            buffering: 0,
            aligned: 0,
            formed: false,
            next_global: 0,
            stripe: vec![0; cfg.lanes() as usize],
            counters: DeskewCounters::default(),
            skew_fault: None,
            spread_probe: None,
            duplicate: None,
            left_formed: vec![false; cfg.lanes() as usize],
            steady_stripes: Vec::new(),
            rows: Rows::default(),
            tail: None,
            tail_last_marker: Vec::new(),
            cov: Coverage::default(),
        }
    }

    /// Whether every lane is aligned: the link is up.
    pub fn is_aligned(&self) -> bool {
        self.formed && self.aligned == self.lanes
    }
    /// Whether the link has formed (some lanes may be missing).
    pub fn is_formed(&self) -> bool {
        self.formed
    }
    /// The counters.
    pub fn counters(&self) -> DeskewCounters {
        self.counters
    }
    /// The cover points counted so far (`docs/coverage.md`: `deskew.*`).
    pub fn coverage(&self) -> &Coverage {
        &self.cov
    }
    /// The last skew fault seen, if any.
    pub fn skew_fault(&self) -> Option<SkewFault> {
        self.skew_fault
    }
    /// A lane claimed by two ports: (lane, first claimant, second claimant); before
    /// formation the second claim wins, once formed the first keeps the lane.
    pub fn duplicate_lane(&self) -> Option<(u16, u32, u32)> {
        self.duplicate
    }
    /// The aligned port carrying `lane`.
    pub fn port_of_lane(&self, lane: u32) -> Option<u32> {
        self.port_of_lane.get(lane as usize).copied().flatten()
    }

    /// Measured skew of each aligned port in bits, relative to the earliest aligned lane:
    /// `(port, skew)`.
    pub fn skews(&self) -> Vec<(u32, u64)> {
        let norm: Vec<(u32, u64)> = self
            .ports
            .iter()
            .enumerate()
            .filter_map(|(p, q)| match q.state {
                PortState::Aligned { lane, .. } => Some((p, self.last_marker(q, lane))),
                _ => None,
            })
            .filter_map(|(p, m)| m.map(|m| (p as u32, self.normalised(m))))
            .collect();
        let min = norm.iter().map(|&(_, t)| t).min().unwrap_or(0);
        norm.into_iter().map(|(p, t)| (p, t - min)).collect()
    }

    /// The last marker (global index, arrival) of aligned port `q`, carrying `lane`.
    fn last_marker(&self, q: &PortQueue, lane: u16) -> Option<(u64, u64)> {
        let held = self.tail.and_then(|_| self.tail_last_marker[usize::from(lane)]);
        held.or(q.last_marker)
    }

    /// Arrival time of a marker moved back to marker slot 0 of the global index.
    fn normalised(&self, (global, arrival): (u64, u64)) -> u64 {
        arrival.wrapping_sub(global / self.am_period * self.period_bits)
    }

    /// A marker slot of a marker-locked lane on `port`, its first bit having arrived at
    /// bit `arrival` of the port's stream.
    pub fn handle_marker(&mut self, port: u32, lane: u16, arrival: u64) {
        self.settle();
        if usize::from(lane) >= self.lanes {
            // Spares and lane numbers beyond N take no part; the status shows them.
            self.leave(port);
            return;
        }
        let p = port as usize;
        match self.ports[p].state {
            PortState::Aligned { lane: l, next } if l == lane && next % self.am_period == 0 => {
                let long = 2 * self.buffer_cap;
                let q = &mut self.ports[p];
                q.fifo.push_back((next, LaneSlot::Marker));
                if q.fifo.len() == long + 1 {
                    self.long_fifos += 1;
                }
                q.last_marker = Some((next, arrival));
                q.state = PortState::Aligned { lane, next: next + 1 };
                self.lane_next[usize::from(lane)] = next + 1;
            }
            PortState::Aligned { .. } => {
                self.leave(port);
                self.handle_marker(port, lane, arrival);
            }
            _ if self.formed => self.join(port, lane, arrival),
            _ => self.buffer(port, lane, arrival),
        }
    }

    /// A non-marker slot of a marker-locked lane on `port`.
    #[inline]
    pub fn handle_symbol(&mut self, port: u32, symbol: RxSymbol, header_valid: bool) {
        self.settle();
        let cap = self.buffer_cap;
        let q = &mut self.ports[port as usize];
        let index = match q.state {
            PortState::Idle => return,
            PortState::Buffering { .. } => {
                let i = q.fifo.len() as u64;
                if q.fifo.len() >= cap {
                    // Its marker is too old to pair with any other within the skew.
                    self.cov.hit(Cover::DeskewLeaveOverflow);
                    self.leave(port);
                    return;
                }
                i
            }
            PortState::Aligned { lane, next } => {
                q.state = PortState::Aligned { lane, next: next + 1 };
                self.lane_next[usize::from(lane)] = next + 1;
                next
            }
        };
        q.fifo.push_back((index, LaneSlot::Symbol(symbol)));
        if q.fifo.len() == 2 * cap + 1 {
            self.long_fifos += 1;
        }
        if !header_valid {
            q.bad_headers.push_back(index);
        }
    }

    /// The lane on `port` lost block or marker lock: it leaves the link.
    pub fn handle_unlock(&mut self, port: u32) {
        self.settle();
        self.leave(port);
    }

    fn leave(&mut self, port: u32) {
        let q = &mut self.ports[port as usize];
        match std::mem::replace(&mut q.state, PortState::Idle) {
            PortState::Idle => {}
            PortState::Buffering { lane, .. } => {
                if self.buffering_port_of_lane[usize::from(lane)] == Some(port) {
                    self.buffering_port_of_lane[usize::from(lane)] = None;
                    self.buffering -= 1;
                }
            }
            PortState::Aligned { lane, .. } => {
                self.port_of_lane[usize::from(lane)] = None;
                self.lane_next[usize::from(lane)] = u64::MAX;
                self.aligned -= 1;
                self.left_formed[usize::from(lane)] = true;
                if self.aligned == 0 {
                    self.formed = false;
                }
            }
        }
        if q.fifo.len() > 2 * self.buffer_cap {
            self.long_fifos -= 1;
        }
        q.fifo.clear();
        q.bad_headers.clear();
        q.last_marker = None;
    }

    fn buffer(&mut self, port: u32, lane: u16, arrival: u64) {
        let l = usize::from(lane);
        match self.buffering_port_of_lane[l] {
            Some(other) if other != port => {
                self.duplicate = Some((lane, other, port));
                self.cov.hit(Cover::DeskewDupForming);
                self.leave(other);
            }
            _ => {}
        }
        let was_buffering =
            matches!(self.ports[port as usize].state, PortState::Buffering { lane: bl, .. } if bl == lane);
        if !was_buffering {
            self.leave(port);
            self.buffering_port_of_lane[l] = Some(port);
            self.buffering += 1;
        }
        let q = &mut self.ports[port as usize];
        q.state = PortState::Buffering { lane, arrival };
        if q.fifo.len() > 2 * self.buffer_cap {
            self.long_fifos -= 1;
        }
        q.fifo.clear();
        q.bad_headers.clear();
        q.fifo.push_back((0, LaneSlot::Marker));
        self.try_form(arrival);
    }

    fn try_form(&mut self, now: u64) {
        if self.buffering < self.lanes {
            return;
        }
        let mut early = (u64::MAX, 0u16);
        let mut late = (0u64, 0u16);
        for (lane, port) in self.buffering_port_of_lane.iter().enumerate() {
            let Some(port) = *port else { return };
            if let PortState::Buffering { arrival, .. } = self.ports[port as usize].state {
                early = early.min((arrival, lane as u16));
                late = late.max((arrival, lane as u16));
            }
        }
        let spread = late.0 - early.0;
        if spread > self.max_skew {
            self.cover_skew_fault(spread);
            self.probe_spread(now, spread, early.1, late.1);
            return;
        }
        if spread == self.max_skew {
            self.cov.hit(Cover::DeskewSkewAtMax);
        }
        self.cov.hit(Cover::DeskewFormed);
        self.left_formed.iter_mut().for_each(|l| *l = false);
        for port in self.buffering_port_of_lane.iter_mut() {
            let port = port.take().expect("all lanes buffering");
            let q = &mut self.ports[port as usize];
            if let PortState::Buffering { lane, arrival } = q.state {
                q.state = PortState::Aligned { lane, next: q.fifo.len() as u64 };
                self.lane_next[usize::from(lane)] = q.fifo.len() as u64;
                q.last_marker = Some((0, arrival));
                self.port_of_lane[usize::from(lane)] = Some(port);
            }
        }
        self.buffering = 0;
        self.aligned = self.lanes;
        self.formed = true;
        self.next_global = 0;
        self.skew_fault = None;
        self.spread_probe = None;
        self.counters.formations += 1;
    }

    fn cover_skew_fault(&mut self, spread: u64) {
        self.cov.hit(Cover::DeskewSkewFault);
        if spread == self.max_skew + 1 {
            self.cov.hit(Cover::DeskewSkewPastMax);
        }
    }

    /// Keeps the smallest spread seen over a marker period as the skew fault: the true
    /// spread shows when the latest lane's marker arrives.
    fn probe_spread(&mut self, now: u64, spread: u64, early: u16, late: u16) {
        let fault = SkewFault {
            spread_bits: spread,
            max_skew_bits: self.max_skew,
            early_lane: early,
            late_lane: late,
        };
        match self.spread_probe {
            Some((start, best)) if now.abs_diff(start) < self.period_bits => {
                if spread < best.spread_bits {
                    self.spread_probe = Some((start, fault));
                    self.skew_fault = Some(fault);
                }
            }
            _ => {
                self.spread_probe = Some((now, fault));
                self.skew_fault = Some(fault);
            }
        }
    }

    fn join(&mut self, port: u32, lane: u16, arrival: u64) {
        let l = usize::from(lane);
        if let Some(other) = self.port_of_lane[l] {
            if other != port {
                self.duplicate = Some((lane, other, port));
                self.cov.hit(Cover::DeskewDupFormed);
                self.leave(port);
                return;
            }
        }
        self.leave(port);
        // Normalised arrival times of the aligned lanes' last markers.
        let mut early = (u64::MAX, 0u16);
        let mut late = (0u64, 0u16);
        for (ln, p) in self.port_of_lane.iter().enumerate() {
            if let Some(m) = p.and_then(|p| self.ports[p as usize].last_marker) {
                let t = self.normalised(m);
                early = early.min((t, ln as u16));
                late = late.max((t, ln as u16));
            }
        }
        if early.0 == u64::MAX {
            return;
        }
        let centre = early.0 / 2 + late.0 / 2;
        let periods = ((arrival as i128 - centre as i128) as f64 / self.period_bits as f64).round();
        if periods < 0.0 {
            return;
        }
        let periods = periods as u64;
        let t = arrival - periods * self.period_bits;
        let lo = early.min((t, lane));
        let hi = late.max((t, lane));
        if hi.0 - lo.0 > self.max_skew {
            self.cover_skew_fault(hi.0 - lo.0);
            self.skew_fault = Some(SkewFault {
                spread_bits: hi.0 - lo.0,
                max_skew_bits: self.max_skew,
                early_lane: lo.1,
                late_lane: hi.1,
            });
            return;
        }
        let global = periods * self.am_period;
        let q = &mut self.ports[port as usize];
        q.state = PortState::Aligned { lane, next: global + 1 };
        q.fifo.push_back((global, LaneSlot::Marker));
        q.last_marker = Some((global, arrival));
        self.port_of_lane[l] = Some(port);
        self.lane_next[l] = global + 1;
        self.stale = true;
        self.aligned += 1;
        self.counters.joins += 1;
        self.cov.hit(Cover::DeskewJoin);
        if std::mem::replace(&mut self.left_formed[l], false) {
            self.cov.hit(Cover::DeskewRejoin);
        }
    }

    /// The slots port `port` has queued in its FIFO, oldest first, as [`Rows`] entries
    /// (word, kind). In the steady state ([`Deskew::steady_queued`]) they are there, or,
    /// when [`Deskew::queued_rows`] holds them, the FIFO is empty.
    pub(crate) fn queued_entries(&self, port: usize) -> impl Iterator<Item = (u64, u8)> + '_ {
        self.ports[port].fifo.iter().map(|&(_, slot)| slot_entry(slot))
    }

    /// The slots queued for lane `lane`, which an aligned port carries.
    pub(crate) fn queued_len(&self, lane: usize) -> usize {
        (self.lane_next[lane] - self.next_global) as usize
    }

    /// In the steady state, between steady batches: the first `rows` rows of every
    /// aligned port's queue, as they lie in the last batch's group `group` (its lanes side
    /// by side, row after row; a lane's rows beyond its own queue are left-overs).
    pub(crate) fn queued_rows(&self, group: usize, rows: usize) -> Option<(&[u64], &[u8])> {
        let start = self.tail?;
        let lane = group * Rows::GROUP;
        let at = self.rows.at(start, lane);
        let n = rows * self.rows.width(lane);
        Some((&self.rows.words[at..at + n], &self.rows.kinds[at..at + n]))
    }

    /// Rebuilds the aligned ports' FIFOs from the rows of the last steady batch, if they
    /// are held there.
    #[inline]
    fn settle(&mut self) {
        if let Some(start) = self.tail.take() {
            self.rebuild_fifos(start);
        }
    }

    #[cold]
    fn rebuild_fifos(&mut self, start: usize) {
        let g = self.next_global;
        let rows = &self.rows;
        for q in self.ports.iter_mut() {
            let PortState::Aligned { lane, .. } = q.state else { continue };
            let l = usize::from(lane);
            let next = self.lane_next[l];
            q.state = PortState::Aligned { lane, next };
            if let Some(m) = self.tail_last_marker[l] {
                q.last_marker = Some(m);
            }
            let (w, stride) = (rows.width(l), rows.at(start, l));
            q.fifo.clear();
            q.fifo.extend((0..(next - g) as usize).map(|t| {
                let at = stride + t * w;
                (g + t as u64, entry_slot(rows.words[at], rows.kinds[at]))
            }));
        }
    }

    /// The aligned port carrying each lane.
    pub(crate) fn ports_of_lanes(&self) -> &[Option<u32>] {
        &self.port_of_lane
    }

    /// Whether port `port` is aligned (carries a lane of the formed link).
    pub(crate) fn is_aligned_port(&self, port: usize) -> bool {
        matches!(self.ports[port].state, PortState::Aligned { .. })
    }

    /// Whether the deskew is in the steady state a batch of block periods can go through
    /// row by row ([`Deskew::take_rows`]): formed with every lane aligned, no lane behind,
    /// no invalid header queued, releases caught up, and each port either aligned to the
    /// lane `lane_of_port` says its markers carry or taking no part with a lane beyond N.
    /// Returns the longest queue then: each aligned port's queue holds the slots from
    /// `next_global` on, one after another.
    pub(crate) fn steady_queued(&self, lane_of_port: &[u16]) -> Option<usize> {
        if !self.formed || self.aligned != self.lanes || self.stale || self.long_fifos != 0 {
            return None;
        }
        let g = self.next_global;
        let min_next = self.lane_next.iter().copied().min().unwrap_or(u64::MAX);
        if g + RELEASE_HOLD < min_next {
            return None;
        }
        // No queue may reach the length at which a lane counts as left behind at any poll
        // of the batch: at most `next - min_next + RELEASE_HOLD + 1`.
        let short = |next: u64| next - min_next + RELEASE_HOLD + 1 < 2 * self.buffer_cap as u64;
        if self.tail.is_some() {
            // Nothing has reached the deskew since the last steady batch, which found every
            // port as this asks: its aligned ports are still the lanes' ports, the others
            // idle, and no queue has an invalid header. Each lane must still be on its port,
            // and every lane claimed.
            let mut claimed = 0;
            for (p, &lane) in lane_of_port.iter().enumerate() {
                if let Some(&on) = self.port_of_lane.get(usize::from(lane)) {
                    if on != Some(p as u32) {
                        return None;
                    }
                    claimed += 1;
                }
            }
            let all_short = self.lane_next.iter().all(|&next| short(next));
            let longest = self.lane_next.iter().map(|&next| (next - g) as usize).max();
            return (claimed == self.lanes && all_short).then_some(longest.unwrap_or(0));
        }
        let mut longest = 0;
        for (q, &lane) in self.ports.iter().zip(lane_of_port) {
            match q.state {
                PortState::Aligned { lane: l, next } => {
                    let queued = q.fifo.len() as u64 == next - g && q.fifo.front().is_none_or(|&(i, _)| i == g);
                    if l != lane || !q.bad_headers.is_empty() || !queued || !short(next) {
                        return None;
                    }
                    longest = longest.max((next - g) as usize);
                }
                PortState::Idle if usize::from(lane) >= self.lanes => {}
                _ => return None,
            }
        }
        Some(longest)
    }

    /// Whether a marker that lane `lane` delivered as slot `j` of a steady batch falls on
    /// a marker slot of the global index.
    pub(crate) fn marker_in_step(&self, lane: usize, j: u32) -> bool {
        (self.lane_next[lane] + u64::from(j)).is_multiple_of(self.am_period)
    }

    /// The rows a steady batch of `periods` block periods releases (from row 0 on).
    pub(crate) fn steady_released(&self, periods: usize) -> usize {
        let g = self.next_global;
        let min_next = self.lane_next.iter().copied().min().unwrap_or(u64::MAX);
        let end = g.max((min_next + periods as u64).saturating_sub(RELEASE_HOLD));
        (end - g) as usize
    }

    /// The rows of a steady batch of `periods` block periods whose data slots may be
    /// [`SLOT_SENT`]: those it releases, after every lane's queued slots and the block
    /// waiting (a lane's row `q + 1 + j` is then the batch's `j`-th value of the plan, `q`
    /// being its queue). Empty unless every lane has as many slots queued.
    pub(crate) fn steady_sent_rows(&self, periods: usize) -> std::ops::Range<usize> {
        let g = self.next_global;
        match self.lane_next.split_first() {
            Some((&first, rest)) if rest.iter().all(|&n| n == first) => {
                ((first - g) as usize + 1)..self.steady_released(periods)
            }
            _ => 0..0,
        }
    }

    /// A batch of `periods` block periods in the steady state ([`Deskew::steady_queued`],
    /// [`Deskew::marker_in_step`]), each port having delivered one slot a period, all with
    /// valid sync headers, into its lane's column of `rows` after the slots it had queued;
    /// `last_marker[l]` is the last of the batch's slots of lane `l` that was a marker, with
    /// its arrival; `group_kinds[i][t]` is the OR and the AND of the kinds of row `t` of
    /// group `i` ([`group_row_kinds`]), for each row released, and the words of its
    /// [`SLOT_SENT`] slots are in `sent`. Releases what the per-slot calls, with a poll after
    /// each period, would have released, the stripes' words copied into `out` (in two
    /// halves on two threads when there are), and keeps `rows` for the ports' queues of
    /// the rest (`rows` is left with the buffer the deskew held before).
    pub(crate) fn take_rows(
        &mut self,
        rows: &mut Rows,
        periods: usize,
        last_marker: &[Option<(u32, u64)>],
        (sent, group_kinds): (&SentStripes<'_>, &[Vec<(u8, u8)>]),
        out: &mut Vec<u64>,
    ) {
        // The rows now hold every queue (the FIFOs or the last batch's rows, copied in).
        let held = self.tail.take().is_some();
        std::mem::swap(&mut self.rows, rows);
        let rows = &self.rows;
        let k = periods as u64;
        let g = self.next_global;
        let released = self.steady_released(periods);
        let end = g + released as u64;
        // Which rows are good stripes; the others are counted.
        let mut stripes = std::mem::take(&mut self.steady_stripes);
        stripes.clear();
        let mut next_marker = g.next_multiple_of(self.am_period);
        for slot in g..end {
            if slot == next_marker {
                next_marker += self.am_period;
                continue;
            }
            let t = (slot - g) as usize;
            // Every slot data: the OR of the kinds has no bit of the others, and the AND
            // says whether every slot is sent.
            let (any, every) = group_kinds.iter().fold((SLOT_DATA, SLOT_SENT), |(o, a), g| (o | g[t].0, a & g[t].1));
            debug_assert_eq!(
                (any, every),
                rows.row(t).fold((SLOT_DATA, SLOT_SENT), |(o, a), (_, kinds)| {
                    let (or, and) = or_and(kinds);
                    (o | or, a & and)
                })
            );
            if any & SLOT_NOT_DATA == 0 {
                let from = match (every == SLOT_SENT, any == SLOT_SENT) {
                    (true, _) => StripeFrom::Sent,
                    (false, true) => StripeFrom::Both,
                    (false, false) => StripeFrom::Rows,
                };
                stripes.push((t, from));
                continue;
            }
            let (mut data, mut idle) = (0usize, 0usize);
            for &kind in rows.row(t).flat_map(|(_, kinds)| kinds) {
                data += usize::from(kind & SLOT_NOT_DATA == 0);
                idle += usize::from(kind == SLOT_IDLE);
            }
            if data > 0 {
                self.counters.stripes_lost += 1;
            } else if idle == self.lanes {
                self.counters.idle_slots += 1;
            } else {
                self.counters.unreadable_slots += 1;
                self.cov.hit(Cover::DeskewUnreadable);
            }
        }
        self.counters.stripes_out += stripes.len() as u64;
        // The stripes' words go straight into `out`'s room beyond its end: with threads,
        // the first half of the stripes on this thread and the second on another.
        let n = stripes.len() * self.lanes;
        out.reserve(n);
        let room = &mut out.spare_capacity_mut()[..n];
        let copy = |list: &[(usize, StripeFrom)], room: &mut [MaybeUninit<u64>]| copy_stripes(rows, sent, list, room);
        if crate::parallel::worth_splitting_copy(n) && stripes.len() > 1 {
            let (first, second) = stripes.split_at(stripes.len() / 2);
            let (room_first, room_second) = room.split_at_mut(first.len() * self.lanes);
            rayon::join(|| copy(first, room_first), || copy(second, room_second));
        } else {
            copy(&stripes, room);
        }
        // SAFETY: `copy_stripes` wrote every word of the room it was given (it panics
        // otherwise, before this line), the `n` words from `out`'s end on.
        unsafe { out.set_len(out.len() + n) };
        self.steady_stripes = stripes;
        // Each aligned port's queue, its slots after the ones released, stays in the rows
        // (from row `released` on) until the next steady batch or [`Deskew::settle`], and
        // its `next` and last marker with its lane.
        if !held {
            for q in self.ports.iter_mut().filter(|q| matches!(q.state, PortState::Aligned { .. })) {
                q.fifo.clear();
            }
            self.tail_last_marker.clear();
            self.tail_last_marker.resize(self.lanes, None);
        }
        for ((next, held), last) in self.lane_next.iter_mut().zip(&mut self.tail_last_marker).zip(last_marker) {
            if let Some((j, arrival)) = *last {
                *held = Some((*next + u64::from(j), arrival));
            }
            *next += k;
        }
        self.next_global = end;
        self.tail = Some(released);
        debug_assert!(self.lane_next_holds());
        debug_assert!(self.lane_next.iter().all(|&next| (next - end) as usize <= 2 * self.buffer_cap));
    }

    /// Releases every slot that can be released; appends each good stripe (N words, lane
    /// 0 first) to `out`. Returns the number of stripes appended.
    pub fn poll(&mut self, out: &mut Vec<u64>) -> usize {
        if self.tail.is_some() {
            // After a steady batch releases have caught up (and no queue is long, no lane
            // stale): until some lane delivers more, nothing is released.
            let ready_at = self.next_global + RELEASE_HOLD;
            if !self.lane_next.iter().all(|&n| n > ready_at) {
                return 0;
            }
            self.settle();
        }
        let mut released = 0;
        debug_assert!(self.lane_next_holds());
        while self.formed {
            let g = self.next_global;
            #[cfg(test)]
            let fast = !self.stale && !self.lane_order_only;
            #[cfg(not(test))]
            let fast = !self.stale;
            if fast {
                debug_assert!(self.ports.iter().all(|q| {
                    !matches!(q.state, PortState::Aligned { .. })
                        || q.fifo.front().is_none_or(|&(i, _)| i >= g)
                }));
                // Every queue starts at `g` or later: slot `g` is ready when every aligned
                // lane has delivered slot `g + RELEASE_HOLD`, and when it is not, only a
                // lane left behind (a long queue) makes the test in lane order do more
                // than stop.
                let ready_at = g + RELEASE_HOLD;
                if self.lane_next.iter().all(|&n| n > ready_at) {
                    released += self.release(g, out);
                    self.next_global = g + 1;
                    continue;
                }
                if self.long_fifos == 0 {
                    break;
                }
            }
            match self.test_in_lane_order(g) {
                SlotTest::Ready => {
                    self.stale = false;
                    released += self.release(g, out);
                    self.next_global = g + 1;
                }
                SlotTest::Retry => {}
                SlotTest::Blocked => break,
            }
        }
        released
    }

    /// `lane_next` agrees with the ports' states (a debug check).
    fn lane_next_holds(&self) -> bool {
        self.port_of_lane.iter().zip(&self.lane_next).all(|(p, &n)| match p {
            Some(p) => matches!(self.ports[*p as usize].state,
                PortState::Aligned { next, .. } if next == n || self.tail.is_some()),
            None => n == u64::MAX,
        })
    }

    /// Whether slot `g` can be released, lane by lane in lane order: drops each aligned
    /// lane's slots before `g`, and at the first lane that has not delivered slot
    /// `g + RELEASE_HOLD`, either stops or, when some queue has grown beyond any skew the
    /// buffers hold, makes that lane leave.
    fn test_in_lane_order(&mut self, g: u64) -> SlotTest {
        let ready_at = g + RELEASE_HOLD;
        for lane in 0..self.lanes {
            let Some(port) = self.port_of_lane[lane] else { continue };
            let q = &mut self.ports[port as usize];
            while q.fifo.front().is_some_and(|&(i, _)| i < g) {
                q.fifo.pop_front();
                if q.fifo.len() == 2 * self.buffer_cap {
                    self.long_fifos -= 1;
                }
            }
            while q.bad_headers.front().is_some_and(|&i| i < g) {
                q.bad_headers.pop_front();
            }
            let PortState::Aligned { next, .. } = q.state else { continue };
            if next <= ready_at {
                debug_assert_eq!(
                    self.long_fifos,
                    self.ports.iter().filter(|q| q.fifo.len() > 2 * self.buffer_cap).count()
                );
                if self.long_fifos > 0 {
                    // This lane fell behind the others by more than any skew the
                    // buffers hold: it leaves, the others go on without it.
                    self.cov.hit(Cover::DeskewLeaveOverflow);
                    self.leave(port);
                    self.skew_fault = Some(SkewFault {
                        spread_bits: 2 * self.buffer_cap as u64 * u64::from(BLOCK_BITS),
                        max_skew_bits: self.max_skew,
                        early_lane: lane as u16,
                        late_lane: lane as u16,
                    });
                    return SlotTest::Retry;
                }
                return SlotTest::Blocked;
            }
        }
        SlotTest::Ready
    }

    /// Takes slot `g` from every aligned lane and classifies it. The ports are visited in
    /// port order (the counts do not depend on the order; each word goes to its lane's
    /// place in the stripe); invalid-header marks before `g` are dropped on the way.
    fn release(&mut self, g: u64, out: &mut Vec<u64>) -> usize {
        let is_marker = g.is_multiple_of(self.am_period);
        let (mut data, mut idle, mut present, mut suspect) = (0usize, 0usize, 0usize, false);
        // The nearest invalid header after `g` on any lane (coverage of the hold's edge).
        let mut nearest_bad = u64::MAX;
        let long = 2 * self.buffer_cap;
        for q in self.ports.iter_mut() {
            let PortState::Aligned { lane, .. } = q.state else { continue };
            while q.bad_headers.front().is_some_and(|&i| i < g) {
                q.bad_headers.pop_front();
            }
            let Some(&(i, slot)) = q.fifo.front() else { continue };
            if i != g {
                continue;
            }
            q.fifo.pop_front();
            if q.fifo.len() == long {
                self.long_fifos -= 1;
            }
            present += 1;
            if let Some(&b) = q.bad_headers.front() {
                nearest_bad = nearest_bad.min(b);
                if b <= g + RELEASE_HOLD {
                    suspect = true;
                }
            }
            match slot {
                LaneSlot::Symbol(RxSymbol::Data(w)) => {
                    self.stripe[usize::from(lane)] = w;
                    data += 1;
                }
                LaneSlot::Symbol(RxSymbol::Idle) => idle += 1,
                LaneSlot::Symbol(RxSymbol::Invalid) | LaneSlot::Marker => {}
            }
        }
        if is_marker {
            return 0;
        }
        if data == self.lanes && !suspect {
            if nearest_bad == g + RELEASE_HOLD + 1 {
                self.cov.hit(Cover::DeskewHoldEdgeKept);
            }
            out.extend_from_slice(&self.stripe);
            self.counters.stripes_out += 1;
            1
        } else if data > 0 {
            if data == self.lanes {
                self.cov.hit(Cover::DeskewLostByHold);
                if nearest_bad == g + RELEASE_HOLD {
                    self.cov.hit(Cover::DeskewHoldEdgeLost);
                }
            }
            self.counters.stripes_lost += 1;
            0
        } else {
            if idle == self.lanes {
                self.counters.idle_slots += 1;
            } else if present > 0 || self.aligned > 0 {
                self.counters.unreadable_slots += 1;
                self.cov.hit(Cover::DeskewUnreadable);
            }
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LinkParams;

    const PERIOD: u32 = 8;

    #[test]
    fn or_and_is_the_or_and_the_and_of_every_kind() {
        // Each kind alone at each place of rows 0 to 40 kinds long, among kinds of all bits
        // or of none, against the kinds taken one at a time: a kind missed or a byte of
        // padding taken in shows.
        let one_at_a_time = |kinds: &[u8]| kinds.iter().fold((0u8, 0xFFu8), |(o, a), &k| (o | k, a & k));
        for len in 0..=40 {
            assert_eq!(or_and(&vec![SLOT_SENT; len]), one_at_a_time(&vec![SLOT_SENT; len]), "{len} sent");
            for at in 0..len {
                for kind in [SLOT_DATA, SLOT_MARKER, SLOT_IDLE, SLOT_INVALID, SLOT_SENT] {
                    for others in [0, 0xFF] {
                        let mut kinds = vec![others; len];
                        kinds[at] = kind;
                        assert_eq!(or_and(&kinds), one_at_a_time(&kinds), "{len} kinds, {kind} at {at}");
                    }
                }
            }
        }
    }

    fn deskew(lanes: u32, max_skew_bits: u32) -> Deskew {
        let cfg = LinkConfig::new(LinkParams {
            lanes,
            spares: 0,
            am_period: PERIOD,
            max_skew_bits,
            ser_w: 66,
            seed: 0,
        })
        .unwrap();
        Deskew::new(&cfg, lanes)
    }

    /// Feeds `slots` block slots to every port; `lane_on[p]` is port p's lane and
    /// `skew[p]` its delay in bits; slot s of lane l carries data word `100 * s + l`.
    fn feed(d: &mut Deskew, lane_on: &[u16], skew: &[u64], slots: std::ops::Range<u64>, out: &mut Vec<u64>) {
        for s in slots {
            for (p, (&lane, &k)) in lane_on.iter().zip(skew).enumerate() {
                if s % u64::from(PERIOD) == 0 {
                    d.handle_marker(p as u32, lane, s * 66 + k);
                } else {
                    d.handle_symbol(p as u32, RxSymbol::Data(100 * s + u64::from(lane)), true);
                }
            }
            d.poll(out);
        }
    }

    #[test]
    fn lanes_are_put_in_order_and_their_skew_measured() {
        let mut d = deskew(3, 200);
        let mut out = Vec::new();
        feed(&mut d, &[2, 0, 1], &[100, 0, 50], 0..40, &mut out);
        assert!(d.is_aligned());
        // Slots 1..=7 of the first period and onward, lane 0 first, minus the hold.
        assert_eq!(&out[..3], &[100, 101, 102]);
        assert_eq!(out.len() % 3, 0);
        let mut skews = d.skews();
        skews.sort();
        assert_eq!(skews, vec![(0, 100), (1, 0), (2, 50)], "(port, skew)");
        assert_eq!(d.counters().stripes_lost, 0);
    }

    #[test]
    fn too_much_skew_forms_nothing_and_says_why() {
        let mut d = deskew(2, 200);
        let mut out = Vec::new();
        feed(&mut d, &[0, 1], &[0, 250], 0..40, &mut out);
        assert!(!d.is_formed());
        assert!(out.is_empty());
        let f = d.skew_fault().expect("a skew fault");
        assert_eq!((f.spread_bits, f.early_lane, f.late_lane), (250, 0, 1));
        assert_eq!(
            f.to_string(),
            "lane 1 arrives 250 bits after lane 0, more than the maximum skew of 200 bits"
        );
    }

    #[test]
    fn a_missing_lane_turns_data_slots_into_lost_stripes() {
        let mut d = deskew(2, 200);
        let mut out = Vec::new();
        feed(&mut d, &[0, 1], &[0, 0], 0..16, &mut out);
        let before = out.len() / 2;
        d.handle_unlock(1);
        assert!(d.is_formed() && !d.is_aligned());
        for s in 16..32u64 {
            if s % u64::from(PERIOD) == 0 {
                d.handle_marker(0, 0, s * 66);
            } else {
                d.handle_symbol(0, RxSymbol::Data(s), true);
            }
            d.poll(&mut out);
        }
        assert_eq!(out.len() / 2, before, "nothing comes out with a lane missing");
        assert!(d.counters().stripes_lost >= 10);
    }

    #[test]
    fn a_lane_claimed_twice_is_reported() {
        let mut d = deskew(2, 200);
        let mut out = Vec::new();
        feed(&mut d, &[0, 0], &[0, 10], 0..4, &mut out);
        assert_eq!(d.duplicate_lane(), Some((0, 0, 1)));
        assert!(!d.is_formed());
    }

    /// The fast release test (a per-lane array of next slots) against the lane-order test
    /// on every slot, under random arrival, lock losses, invalid headers and lanes that
    /// fall behind: the same stripes, counters, faults and skews.
    #[test]
    fn fast_release_test_agrees_with_the_lane_order_test() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..60 {
            let lanes = 1 + (next() % 6) as u32;
            let ports = lanes + (next() % 3) as u32;
            let mut fast = deskew(lanes, 200);
            fast.ports = vec![fast.ports[0].clone(); ports as usize];
            let mut reference = fast.clone();
            reference.lane_order_only = true;
            // Port p carries lane lane_on[p] (spares beyond N), with a skew in bits.
            let lane_on: Vec<u16> = (0..ports as u16).map(|p| (p + round as u16) % ports as u16).collect();
            let skew: Vec<u64> = (0..ports).map(|_| next() % 150).collect();
            let mut slot = vec![0u64; ports as usize];
            let mut stalled = vec![0u64; ports as usize];
            let (mut out_f, mut out_r) = (Vec::new(), Vec::new());
            for _ in 0..600 {
                for p in 0..ports as usize {
                    let r = next() % 1000;
                    // Rarely a port stalls for a step or for long (a lane left behind),
                    // runs ahead, or loses lock.
                    if r == 0 && next() % 4 == 0 {
                        stalled[p] = 20 + next() % 40;
                    }
                    let steps = if stalled[p] > 0 {
                        stalled[p] -= 1;
                        0
                    } else if r < 5 {
                        0
                    } else if r < 8 {
                        3
                    } else {
                        1
                    };
                    if r == 9 {
                        fast.handle_unlock(p as u32);
                        reference.handle_unlock(p as u32);
                    }
                    for _ in 0..steps {
                        let s = slot[p];
                        slot[p] += 1;
                        if s.is_multiple_of(u64::from(PERIOD)) {
                            let at = s * 66 + skew[p];
                            fast.handle_marker(p as u32, lane_on[p], at);
                            reference.handle_marker(p as u32, lane_on[p], at);
                        } else {
                            let valid = next() % 200 != 0;
                            let sym = if next() % 50 == 0 { RxSymbol::Idle } else { RxSymbol::Data(next()) };
                            fast.handle_symbol(p as u32, sym, valid);
                            reference.handle_symbol(p as u32, sym, valid);
                        }
                    }
                }
                assert_eq!(fast.poll(&mut out_f), reference.poll(&mut out_r), "round {round}");
                assert_eq!(out_f, out_r, "round {round}");
                assert_eq!(fast.counters(), reference.counters(), "round {round}");
                assert_eq!(fast.skew_fault(), reference.skew_fault(), "round {round}");
                assert_eq!(fast.skews(), reference.skews(), "round {round}");
                assert_eq!(fast.is_aligned(), reference.is_aligned(), "round {round}");
            }
        }
    }
}
