//! The receiver: per-port framing, block lock, marker lock, descrambling and error
//! counting, then deskew, reorder and reassembly ([`crate::deskew`]).
//!
//! A pure state machine: [`Receiver::handle_bits`] takes the bits each RX port has
//! received (one [`BitQueue`] per port, consumed as far as whole blocks allow) and
//! [`Receiver::poll_stripes`] hands out the stripes reassembled so far;
//! [`Receiver::status`] reports per port and for the link. No I/O, no clock.
//!
//! Ports are served one block at a time in turn, so no port runs more than one block
//! ahead of another in wire time, whatever the caller hands in at once; this is what makes
//! the arrival times the deskew compares meaningful.
//!
//! Nothing here panics on received bits.

use crate::block::SyncHeader;
use crate::block::IDLE_PAYLOAD;
use crate::cache::{prefetch, AHEAD};
use crate::coding::{Decoder64b66b, Encoder64b66b, LaneDecoder, LaneEncoder, RxSymbol, SideBySide};
use crate::tx::ChannelWires;
use crate::config::LinkConfig;
use crate::coverage::{Cover, Coverage};
use crate::deskew::{Deskew, DeskewCounters, SkewFault};
use crate::lock::{BlockLock, Framing, MarkerEvent, MarkerLock, SH_INVALID_TO_UNLOCK, SH_WINDOW};
use crate::marker::SPARE_LANE;
use crate::serial::BitQueue;
use rayon::prelude::*;

/// What a steady batch leaves of each port ([`Receiver::take_steady`]): the port, its
/// channel's last wire value of the batch (the block it leaves waiting) and the channel's
/// encoder after it. The caller keeps the vector from batch to batch: at thousands of
/// ports it is hundreds of kilobytes, which the allocator would otherwise take and give
/// back (and consolidate) every batch.
pub(crate) type PortsLeft<E> = Vec<(usize, u128, E)>;

/// The lane [`Receiver::take_steady`] gives a port on a dark channel: none (beyond any
/// lane number a marker carries).
const DARK_LANE: u16 = u16::MAX;

/// Periods a port of a steady batch runs before the next port of its group of lanes takes
/// its turn ([`Receiver::take_steady`]).
const STEADY_TILE: usize = 64;

/// The two sync-header bits of a control block as they come off the wire.
const CONTROL_HEADER_BITS: u128 = SyncHeader::Control as u128;

/// Per-port state: the machines of one RX port and its counters. A port's work reads and
/// writes nothing else, so ports run side by side.
#[derive(Debug, Clone, Default)]
struct Port<D> {
    counters: PortCounters,
    block_lock: BlockLock,
    marker_lock: MarkerLock,
    decoder: D,
    /// Bits consumed from the port's stream so far: the arrival time of the next block.
    bit_pos: u64,
    /// Coverage: the port slipped and has not descrambled a block since.
    slipped: bool,
}

/// Per-port counters, touched only when something happens.
#[derive(Debug, Clone, Default)]
struct PortCounters {
    bip_errors: u64,
    slips: u64,
    block_lock_losses: u64,
    marker_lock_losses: u64,
    invalid_headers: u64,
    /// Bit of the port's stream where the first window of its first block lock starts.
    first_lock_bit: Option<u64>,
}

/// Status of one RX port (one detector pixel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortStatus {
    /// RX port index.
    pub port: u32,
    /// Block lock holds.
    pub block_lock: bool,
    /// Marker lock holds.
    pub marker_lock: bool,
    /// Lane number from the markers while marker-locked ([`SPARE_LANE`] for a spare).
    pub lane: Option<u16>,
    /// Whether the port is a live spare (marker-locked to [`SPARE_LANE`]).
    pub spare: bool,
    /// Marker periods whose BIP-8 disagreed.
    pub bip_errors: u64,
    /// Measured skew in bits relative to the earliest aligned lane, when aligned.
    pub skew_bits: Option<u64>,
    /// Bit slips made while hunting for block lock.
    pub slips: u64,
    /// Times block lock was lost.
    pub block_lock_losses: u64,
    /// Times marker lock was lost.
    pub marker_lock_losses: u64,
    /// Invalid sync headers seen while block-locked.
    pub invalid_headers: u64,
    /// Bits received so far.
    pub bits: u64,
}

/// Status of the whole receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RxStatus {
    /// Every port, in port order.
    pub ports: Vec<PortStatus>,
    /// Every lane is block- and marker-locked and deskewed: stripes flow.
    pub aligned: bool,
    /// For each logical lane, the port carrying it (while aligned).
    pub port_of_lane: Vec<Option<u32>>,
    /// Reassembly counters.
    pub counters: DeskewCounters,
    /// Why the link could not align, when skew is the reason.
    pub skew_fault: Option<SkewFault>,
    /// A lane number two ports claimed: (lane, first claimant, second claimant); before
    /// formation the second claim wins, once formed the first keeps the lane.
    pub duplicate_lane: Option<(u16, u32, u32)>,
}

/// What one block (or one slip) on a port hands to the deskew: at most one call.
#[derive(Debug, Clone, Copy)]
enum DeskewOp {
    Nothing,
    Marker { lane: u16, arrival: u64 },
    Symbol { symbol: RxSymbol, valid: bool },
    Unlock,
}

/// What one port delivered during one [`Receiver::handle_periods`] call.
#[derive(Debug, Clone, Default)]
pub(crate) struct PortLog {
    /// One per block (or slip), in order.
    ops: Vec<DeskewOp>,
    /// Blocks (and slips) taken in each period.
    per_period: Vec<u32>,
    /// The port's queue length after each period (from [`Receiver::handle_periods`]'s `ends`).
    ends: Vec<usize>,
}

/// Where [`Port::run`] is: the period, and the blocks taken in it so far.
struct Period {
    index: usize,
    taken: u32,
}

impl Period {
    /// The period's blocks are all taken: on to the next.
    #[inline]
    fn next(&mut self, log: &mut PortLog) {
        log.per_period.push(self.taken);
        self.taken = 0;
        self.index += 1;
    }
}

impl<D: LaneDecoder> Port<D> {
    /// Takes every whole block of `queue` that the periods ending at `ends` (bits counted
    /// from the head now) make available, as one `handle_bits` call per period would, and
    /// logs what the deskew is to be told. Returns the lock losses.
    fn run(&mut self, queue: &mut BitQueue, ends: &[usize], am_period: u32, cov: &mut Coverage, log: &mut PortLog) -> u64 {
        log.ops.clear();
        log.per_period.clear();
        let need = D::BLOCK_BITS as usize;
        let start = queue.len();
        let mut lock_losses = 0;
        let mut at = Period { index: 0, taken: 0 };
        loop {
            self.run_steady(queue, ends, start, &mut at, am_period, cov, log);
            let Some(&end) = ends.get(at.index) else { break };
            // One bit more than a block: a slip takes the block and one bit.
            if end - (start - queue.len()) <= need {
                at.next(log);
                continue;
            }
            log.ops.push(self.step(queue, am_period, cov, &mut lock_losses));
            at.taken += 1;
        }
        lock_losses
    }

    /// The fast path: blocks of a port in the steady state, block- and marker-locked with
    /// no marker due, where every block with a valid sync header does the same few things,
    /// for as many periods of `ends` as that lasts. Stops before the first block that is
    /// anything else (an invalid header, the marker slot, the block that ends a header
    /// window with 15 invalid headers in it) and leaves it to [`Port::step`]. Each block
    /// it takes leaves the state, counters, coverage and log as [`Port::step`] would.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn run_steady(
        &mut self,
        queue: &mut BitQueue,
        ends: &[usize],
        start: usize,
        at: &mut Period,
        am_period: u32,
        cov: &mut Coverage,
        log: &mut PortLog,
    ) {
        let MarkerLock::Locked { lane, since, invalid_run } = self.marker_lock else { return };
        if self.slipped || !self.block_lock.is_locked() {
            return;
        }
        let (_, invalid_in_window) = self.block_lock.window();
        if invalid_in_window + 1 == SH_INVALID_TO_UNLOCK {
            // Valid headers leave the count as it is until the window ends: the block that
            // ends it may be the 15-of-64 corner, which `step` covers.
            return;
        }
        let need = D::BLOCK_BITS as usize;
        // Blocks before the next marker slot (the slot itself goes to `step`).
        let room = am_period - 1 - since;
        // The blocks are read at their offsets from the head and consumed at the end.
        let consumed = start - queue.len();
        let mut taken = 0u32;
        log.ops.reserve(room.min(ends.len() as u32 * 2) as usize);
        while taken < room {
            let Some(&end) = ends.get(at.index) else { break };
            let offset = taken as usize * need;
            if end - consumed - offset <= need {
                at.next(log);
                continue;
            }
            let wire = queue.peek_wide(offset, D::BLOCK_BITS);
            if !D::sync_valid(wire) {
                break;
            }
            let symbol = self.decoder.decode(wire);
            match symbol {
                RxSymbol::Idle => cov.hit(Cover::ControlIdle),
                RxSymbol::Invalid if wire & 0b11 == CONTROL_HEADER_BITS => cov.hit(Cover::ControlInvalid),
                _ => {}
            }
            log.ops.push(DeskewOp::Symbol { symbol, valid: true });
            at.taken += 1;
            taken += 1;
        }
        queue.consume(taken as usize * need);
        self.bit_pos += u64::from(taken) * u64::from(D::BLOCK_BITS);
        self.block_lock.accept_valid(taken);
        self.marker_lock = MarkerLock::Locked { lane, since: since + taken, invalid_run };
    }

    /// One block (or one slip): what the deskew is to be told of it.
    #[inline(always)]
    fn step(&mut self, queue: &mut BitQueue, am_period: u32, cov: &mut Coverage, lock_losses: &mut u64) -> DeskewOp {
        let block_bits = D::BLOCK_BITS;
        let wire = queue.peek_wide(0, block_bits);
        let port = self;
        let arrival = port.bit_pos;
        let valid = D::sync_valid(wire);
        let was_locked = port.block_lock.is_locked();
        let (in_window, invalid_in_window) = port.block_lock.window();
        match port.block_lock.handle_header(valid) {
            Framing::Slip => {
                // The block is taken and the boundary moves one bit later.
                queue.consume(block_bits as usize + 1);
                port.bit_pos += u64::from(block_bits) + 1;
                port.slipped = true;
                let counters = &mut port.counters;
                counters.slips += 1;
                if was_locked {
                    counters.block_lock_losses += 1;
                    // This header's place in its window, 1-based: the 16th invalid one is
                    // at the 16th header at the earliest, the 64th at the latest.
                    cov.hit(match in_window + 1 {
                        n if n == SH_INVALID_TO_UNLOCK => Cover::BlockLockLostWindowStart,
                        n if n == SH_WINDOW => Cover::BlockLockLostWindowEnd,
                        _ => Cover::BlockLockLostWindowMiddle,
                    });
                    *lock_losses += 1;
                    if port.marker_lock.is_locked() {
                        port.counters.marker_lock_losses += 1;
                    }
                    port.marker_lock = MarkerLock::Hunt;
                    return DeskewOp::Unlock;
                }
                cov.hit(Cover::BlockLockSlip);
                return DeskewOp::Nothing;
            }
            Framing::Accept => {
                queue.consume(block_bits as usize);
                port.bit_pos += u64::from(block_bits);
            }
        }
        if !port.block_lock.is_locked() {
            return DeskewOp::Nothing;
        }
        if !was_locked {
            cov.hit(Cover::BlockLockGained);
            port.counters.first_lock_bit.get_or_insert(port.bit_pos);
        } else if in_window + 1 == SH_WINDOW && invalid_in_window + u32::from(!valid) == SH_INVALID_TO_UNLOCK - 1 {
            cov.hit(Cover::BlockLockWindow15);
        }
        if !valid {
            port.counters.invalid_headers += 1;
        }
        let due = port.marker_lock.marker_due(am_period);
        let hunting =
            !port.marker_lock.is_locked() && !matches!(port.marker_lock, MarkerLock::Confirm { .. });
        let marker = if due || hunting { D::marker(wire) } else { None };
        let before = port.marker_lock;
        if due {
            match marker {
                Some(_) => cov.hit(Cover::MarkerValid),
                None => {
                    if let Some(c) = D::marker_miss(wire) {
                        cov.hit(c);
                    }
                }
            }
        }
        let event = port.marker_lock.handle_block(marker, am_period);
        if port.slipped && matches!(event, MarkerEvent::Unlocked | MarkerEvent::Payload) {
            port.slipped = false;
            cov.hit(Cover::DescramblerResync);
        }
        match event {
            MarkerEvent::Unlocked => {
                if due && matches!(before, MarkerLock::Confirm { .. }) {
                    cov.hit(Cover::MarkerLockCandidateDropped);
                }
                // Keep the descrambler in step with the line.
                port.decoder.decode(wire);
                DeskewOp::Nothing
            }
            MarkerEvent::Candidate(_) => {
                if matches!(before, MarkerLock::Confirm { .. }) {
                    cov.hit(Cover::MarkerLockCandidateReplaced);
                }
                port.decoder.open_window(wire);
                DeskewOp::Nothing
            }
            MarkerEvent::Slot { lane, valid: marker_valid, gained } => {
                // The slot that gains lock closes the window its candidate opened: a whole
                // period, so it is checked like every later one.
                let (error, bip) = port.decoder.close_window_covered(wire);
                port.counters.bip_errors += u64::from(error);
                if marker_valid {
                    cov.hit(bip);
                }
                if gained {
                    cov.hit(Cover::MarkerLockConfirmed);
                } else if let (true, MarkerLock::Locked { invalid_run: bad @ 1.., .. }) = (marker_valid, before) {
                    cov.hit(match bad {
                        1 => Cover::MarkerLockRecovered1,
                        2 => Cover::MarkerLockRecovered2,
                        _ => Cover::MarkerLockRecovered3,
                    });
                }
                DeskewOp::Marker { lane, arrival }
            }
            MarkerEvent::Payload => {
                let symbol = port.decoder.decode(wire);
                match symbol {
                    RxSymbol::Idle => cov.hit(Cover::ControlIdle),
                    RxSymbol::Invalid if valid && wire & 0b11 == CONTROL_HEADER_BITS => {
                        cov.hit(Cover::ControlInvalid)
                    }
                    _ => {}
                }
                DeskewOp::Symbol { symbol, valid }
            }
            MarkerEvent::Lost { retry } => {
                cov.hit(if retry.is_some() { Cover::MarkerLockOtherLane } else { Cover::MarkerLockLost4 });
                *lock_losses += 1;
                port.counters.marker_lock_losses += 1;
                if retry.is_some() {
                    port.decoder.open_window(wire);
                } else {
                    port.decoder.decode(wire);
                }
                DeskewOp::Unlock
            }
        }
    }

}

/// What a port's part of a steady batch leaves ([`leave_waiting`]).
struct SteadyLeft<D, E> {
    port: usize,
    decoder: D,
    since: u32,
    bip_errors: u64,
    last_marker: Option<(u32, u64)>,
    /// The channel's last wire value of the batch: the block left waiting in the queue.
    waiting: u128,
    /// The channel's encoder after it.
    encoder: E,
}

/// Each port of a group after its batch: the channel's last value, the block left
/// waiting, taken from its wire values (with the group's ports still in the cache).
fn leave_waiting<D, E: LaneEncoder + Clone>(group: Vec<SteadyPort<D, ChannelWires<'_, E>>>) -> Vec<SteadyLeft<D, E>> {
    group
        .into_iter()
        .map(|mut r| SteadyLeft {
            waiting: r.wires.next().expect("the batch's last period is left to take"),
            encoder: r.wires.encoder().clone(),
            port: r.port,
            decoder: r.decoder,
            since: r.since,
            bip_errors: r.bip_errors,
            last_marker: r.last_marker,
        })
        .collect()
}

/// One port's part of a steady batch ([`Receiver::take_steady`]) as it goes, kept apart
/// until every port and the deskew have taken the batch.
#[derive(Debug, Clone)]
struct SteadyPort<D, W> {
    port: usize,
    decoder: D,
    lane: u16,
    since: u32,
    bip_errors: u64,
    /// The first and the last block of the batch that were markers (the last with its
    /// arrival bit).
    first_marker: Option<u32>,
    last_marker: Option<(u32, u64)>,
    /// The block waiting in the queue, until it is taken.
    first: Option<u128>,
    /// The wire values after it.
    wires: W,
    /// Where the next slot goes in the port's column.
    at: usize,
}

impl<D: LaneDecoder + Clone> Port<D> {
    /// Whether the port is in the steady state a batch can go through in one loop: block-
    /// and marker-locked with no bad marker pending, no slip since, the header window well
    /// short of losing lock, and one whole block waiting (its framing on the channel's
    /// block boundaries). Returns the lane its markers carry.
    fn steady_lane(&self, queue: &BitQueue) -> Option<u16> {
        let MarkerLock::Locked { lane, invalid_run: 0, .. } = self.marker_lock else { return None };
        let (_, invalid) = self.block_lock.window();
        (self.block_lock.is_locked() && !self.slipped && invalid + 1 < SH_INVALID_TO_UNLOCK && queue.len() == D::BLOCK_BITS as usize)
            .then_some(lane)
    }

    /// The start of the port's part of a steady batch: `first` is the block waiting in its
    /// queue, `wires` the values after it, `at` where its first slot goes in its column.
    fn steady_start<W>(&self, port: usize, first: u128, wires: W, at: usize) -> Option<SteadyPort<D, W>> {
        let MarkerLock::Locked { lane, since, .. } = self.marker_lock else { return None };
        Some(SteadyPort {
            port,
            decoder: self.decoder.clone(),
            lane,
            since,
            bip_errors: 0,
            first_marker: None,
            last_marker: None,
            first: Some(first),
            wires,
            at,
        })
    }

    /// The port's blocks of periods `periods` of a steady batch (the waiting block for
    /// period 0, then the wire values in turn), as [`Port::step`] would take them one a
    /// period; the symbols go to `column`. False at the first block that is not a steady
    /// one (an invalid sync header, a marker slot without this lane's valid marker), with
    /// nothing of the port changed.
    fn run_columns<W: Iterator<Item = u128>>(
        &self,
        r: &mut SteadyPort<D, W>,
        periods: std::ops::Range<usize>,
        am_period: u32,
        cov: &mut Coverage,
        column: &mut Column<'_>,
    ) -> bool {
        let Column { words, kinds, stride, .. } = column;
        let stride = *stride;
        let (lane, mut since, mut at) = (r.lane, r.since, r.at);
        let mut decoder = r.decoder.clone();
        let wires = r.first.take().into_iter().chain(r.wires.by_ref());
        let mut taken = periods.start;
        for (j, wire) in periods.clone().zip(wires) {
            if !D::sync_valid(wire) {
                return false;
            }
            if since + 1 == am_period {
                if D::marker(wire) != Some(lane) {
                    return false;
                }
                let (error, bip) = decoder.close_window_covered(wire);
                r.bip_errors += u64::from(error);
                cov.hit(Cover::MarkerValid);
                cov.hit(bip);
                r.first_marker.get_or_insert(j as u32);
                r.last_marker = Some((j as u32, self.bit_pos + j as u64 * u64::from(D::BLOCK_BITS)));
                kinds[at] = crate::deskew::SLOT_MARKER;
                since = 0;
            } else {
                (words[at], kinds[at]) = match decoder.decode(wire) {
                    RxSymbol::Data(w) => (w, crate::deskew::SLOT_DATA),
                    RxSymbol::Idle => {
                        cov.hit(Cover::ControlIdle);
                        (0, crate::deskew::SLOT_IDLE)
                    }
                    RxSymbol::Invalid => {
                        if wire & 0b11 == CONTROL_HEADER_BITS {
                            cov.hit(Cover::ControlInvalid);
                        }
                        (0, crate::deskew::SLOT_INVALID)
                    }
                };
                since += 1;
            }
            at += stride;
            taken += 1;
        }
        r.decoder = decoder;
        r.since = since;
        r.at = at;
        taken == periods.end
    }
}

/// Ports of a group of lanes that a steady batch runs side by side
/// ([`crate::coding::SideBySide`]).
const SIDE: usize = 8;

/// The periods `tile` of a steady batch for every port of a group of lanes in turn, the
/// ports eight at a time side by side when the line code is 64b/66b. False, as
/// [`Port::run_columns`], at a block that is not steady. `payloads` is scratch room for
/// the words the group's channels send in the tile, when they are not read from the
/// stripes in place ([`in_stripes`]).
fn run_tile<D: LaneDecoder + Clone + 'static, E: LaneEncoder + 'static>(
    ports: &[Port<D>],
    group: &mut [SteadyPort<D, ChannelWires<'_, E>>],
    tile: std::ops::Range<usize>,
    am_period: u32,
    cov: &mut Coverage,
    column: &mut Column<'_>,
    payloads: &mut Vec<u64>,
) -> bool {
    use std::any::TypeId;
    let side_by_side = TypeId::of::<D>() == TypeId::of::<Decoder64b66b>() && TypeId::of::<E>() == TypeId::of::<Encoder64b66b>();
    let alone = if side_by_side {
        // The words sent come straight from the stripes when they can, or are gathered.
        let direct = in_stripes(group, tile.len());
        if direct.is_none() {
            gather_payloads(group, tile.len(), payloads);
        }
        let width = group.len();
        let mut chunks = group.chunks_exact_mut(SIDE);
        for (c, chunk) in (&mut chunks).enumerate() {
            let payloads = Payloads { words: payloads, stride: width, first: c * SIDE, period: tile.start, direct };
            if !run_side_by_side(ports, chunk, tile.clone(), am_period, cov, column, &payloads) {
                return false;
            }
        }
        chunks.into_remainder()
    } else {
        group
    };
    alone.iter_mut().all(|r| ports[r.port].run_columns(r, tile.clone(), am_period, cov, column))
}

/// Where the words the channels of `group` send in the next `periods` periods are in the
/// stripes themselves, if they are: the group's channels carry lanes side by side (from
/// lane `l0` on), and every period that is not a marker slot sends the stripe after the
/// last one sent. Returns the stripes, their words per stripe and `l0`, having asked for
/// a later group's words of those stripes to be brought into the cache (as
/// [`gather_payloads`] does).
fn in_stripes<'a, D, E>(group: &[SteadyPort<D, ChannelWires<'a, E>>], periods: usize) -> Option<(&'a [u64], usize, usize)> {
    use crate::tx::{PLAN_IDLE, PLAN_MARKER};
    let first = group.first()?;
    let plan = first.wires.plan_rest().get(..periods)?;
    let l0 = first.wires.lane()?;
    if !group.iter().enumerate().all(|(i, r)| r.wires.lane() == Some(l0 + i)) {
        return None;
    }
    let mut next = None;
    for &s in plan {
        match s {
            PLAN_MARKER => {}
            _ if s >= PLAN_IDLE || next.is_some_and(|n| n != s) => return None,
            _ => next = Some(s + 1),
        }
    }
    let (stripes, n_lanes) = first.wires.stripes();
    let ahead = l0 + GROUPS_AHEAD * group.len();
    if ahead < n_lanes {
        let end = (ahead + group.len()).min(n_lanes);
        for &s in plan.iter().filter(|&&s| s != PLAN_MARKER) {
            for word in stripes[s as usize * n_lanes..][ahead..end].iter().step_by(8) {
                prefetch(word);
            }
        }
    }
    Some((stripes, n_lanes, l0))
}

/// The host words the channels of `group` send in the next `periods` periods,
/// period by period, one per port in group order (0 where a period sends no word,
/// or a channel no lane), into `payloads`. One pass of independent loads ahead of the
/// coding: the stripes are read a cache line per lane group and row, rows thousands of
/// bytes apart, which the coding loop alone would wait on one at a time.
fn gather_payloads<D, E>(group: &[SteadyPort<D, ChannelWires<'_, E>>], periods: usize, payloads: &mut Vec<u64>) {
    let width = group.len();
    // Scratch from the tile before: every entry is written below.
    payloads.resize(width * periods, 0);
    let Some(first) = group.first() else { return };
    let (stripes, n_lanes) = first.wires.stripes();
    let plan = first.wires.plan_rest();
    // The block waiting in the queue comes before the wire values (the tile's first
    // period then takes the plan's first value).
    let waiting = usize::from(first.first.is_some());
    payloads[..waiting * width].fill(0);
    let planned = waiting + plan.len().min(periods - waiting);
    payloads[planned * width..width * periods].fill(0);
    // The channels carry lanes side by side in a stripe, from lane `l0` on (the usual
    // case: a copy of a few instructions a row, which keeps many rows' loads in flight),
    // or apart.
    let contiguous =
        first.wires.lane().filter(|&l0| group.iter().enumerate().all(|(i, r)| r.wires.lane() == Some(l0 + i)));
    for (row, &s) in payloads[..width * periods].chunks_exact_mut(width).skip(waiting).zip(plan) {
        if s >= crate::tx::PLAN_IDLE {
            row.fill(0);
            continue;
        }
        let stripe = &stripes[s as usize * n_lanes..][..n_lanes];
        match contiguous {
            Some(l0) => {
                copy_group(row, &stripe[l0..l0 + width]);
                // A later group's lanes of the row, for its gather: rows are far apart in
                // a wide link, and no prefetcher follows them.
                let ahead = l0 + GROUPS_AHEAD * width;
                for word in stripe[ahead.min(n_lanes)..(ahead + width).min(n_lanes)].iter().step_by(8) {
                    prefetch(word);
                }
            }
            None => {
                for (w, r) in row.iter_mut().zip(group) {
                    *w = r.wires.lane().map_or(0, |l| stripe[l]);
                }
            }
        }
    }
}

/// `dst = src` for a group's row of words: inline for the widths of whole groups and of
/// links of 16 lanes (a call to `memcpy` costs as much as the copy of a few cache lines).
#[inline(always)]
fn copy_group(dst: &mut [u64], src: &[u64]) {
    #[inline(always)]
    fn fixed<const N: usize>(dst: &mut [u64], src: &[u64]) -> bool {
        match (<&mut [u64; N]>::try_from(&mut *dst), <&[u64; N]>::try_from(src)) {
            (Ok(dst), Ok(src)) => {
                *dst = *src;
                true
            }
            _ => false,
        }
    }
    if !(fixed::<32>(dst, src) || fixed::<16>(dst, src) || fixed::<8>(dst, src)) {
        dst.copy_from_slice(src);
    }
}

/// How many groups of lanes ahead [`gather_payloads`] asks for the stripes' words (at
/// 4096 lanes one ahead is 4 to 6 % faster than none, two 2 to 4 % faster than one, four
/// no slower than two; at 400 + 16 and 16 lanes it makes no difference: BENCHMARKS.md).
const GROUPS_AHEAD: usize = 4;

/// The words of [`gather_payloads`] for one chunk of [`SIDE`] ports: those of period
/// `period` (of the batch) on, `stride` a period, the chunk's from `first` on.
struct Payloads<'a> {
    words: &'a [u64],
    stride: usize,
    first: usize,
    period: usize,
    /// Or, when [`in_stripes`] found them there, the stripes, their words per stripe and
    /// the group's first lane: `words` is then not written.
    direct: Option<(&'a [u64], usize, usize)>,
}

/// [`run_tile`] for [`SIDE`] ports of 64b/66b: the periods that carry data or idle on
/// every channel and bring no port a marker go through [`SideBySide`], the others port by
/// port.
fn run_side_by_side<D: LaneDecoder + Clone + 'static, E: LaneEncoder + 'static>(
    ports: &[Port<D>],
    chunk: &mut [SteadyPort<D, ChannelWires<'_, E>>],
    tile: std::ops::Range<usize>,
    am_period: u32,
    cov: &mut Coverage,
    column: &mut Column<'_>,
    payloads: &Payloads<'_>,
) -> bool {
    use crate::tx::PLAN_MARKER;
    use std::any::Any;
    let chunk: &mut [_; SIDE] = chunk.try_into().expect("a chunk of SIDE ports");
    // Spare channels send idle whatever the plan: side by side only with each other.
    let spares = chunk.iter().all(|r| r.wires.is_spare());
    let mut j = tile.start;
    while j < tile.end {
        // Periods from `j` on before a marker is due on a port or sent by the TX.
        let mut n = tile.end - j;
        for r in chunk.iter() {
            if r.first.is_some() || (r.wires.lane().is_none() && !spares) {
                n = 0;
            }
            n = n.min(am_period.saturating_sub(r.since + 1) as usize);
        }
        let plan = chunk[0].wires.plan_rest();
        n = plan[..n.min(plan.len())].iter().position(|&s| s == PLAN_MARKER).unwrap_or(n);
        if n == 0 {
            for r in chunk.iter_mut() {
                if !ports[r.port].run_columns(r, j..j + 1, am_period, cov, column) {
                    return false;
                }
            }
            j += 1;
            continue;
        }
        let plan = &plan[..n];
        let encoder = |r: &SteadyPort<D, ChannelWires<'_, E>>| {
            *(r.wires.encoder() as &dyn Any).downcast_ref::<Encoder64b66b>().expect("64b/66b checked")
        };
        let decoder =
            |r: &SteadyPort<D, ChannelWires<'_, E>>| *(&r.decoder as &dyn Any).downcast_ref::<Decoder64b66b>().expect("64b/66b checked");
        let (mut encoders, mut decoders) = (chunk.each_ref().map(encoder), chunk.each_ref().map(decoder));
        let mut lanes = SideBySide::<SIDE>::load(encoders.each_ref(), decoders.each_ref());
        let mut at = chunk.each_ref().map(|r| r.at);
        let Column { words, kinds, stride, sent } = column;
        let (source, p) = match payloads.direct {
            // Data of consecutive stripes in every period ([`in_stripes`]).
            Some((stripes, n_lanes, l0)) => {
                debug_assert!(plan.iter().enumerate().all(|(k, &s)| s == plan[0] + k as u32), "consecutive stripes");
                (&stripes[plan[0] as usize * n_lanes + l0 + payloads.first..], n_lanes)
            }
            None => (&payloads.words[payloads.first + (j - payloads.period) * payloads.stride..], payloads.stride),
        };
        let (idle, invalid) = run_plain(&mut lanes, plan, spares, source, p, words, kinds, (*stride, sent.clone()), &mut at);
        cov.add(Cover::ControlIdle, idle);
        cov.add(Cover::ControlInvalid, invalid);
        lanes.store(encoders.each_mut(), decoders.each_mut());
        for (i, r) in chunk.iter_mut().enumerate() {
            *(r.wires.encoder_mut() as &mut dyn Any).downcast_mut::<Encoder64b66b>().expect("64b/66b checked") = encoders[i];
            *(&mut r.decoder as &mut dyn Any).downcast_mut::<Decoder64b66b>().expect("64b/66b checked") = decoders[i];
            r.wires.pass(n);
            r.since += n as u32;
            r.at = at[i];
        }
        j += n;
    }
    true
}

/// The periods of `plan` (data or idle, no marker) through [`SideBySide`] for [`SIDE`]
/// ports whose channels send, in the `k`-th period, words `payloads[k * payload_stride..]`
/// (the first [`SIDE`] of them), or are all spares (`spares`: idle in every period);
/// port `i`'s slots go to `words` and `kinds` from `at[i]` on, `stride` apart (a data slot
/// of ports in step side by side in a row of `sent` as a kind alone). Returns the
/// idle and the invalid slots. Compiled for the vector units the CPU has (AVX-512, AVX2,
/// or the baseline), chosen when first called.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512vl+avx512bw+avx2", "x86_64+avx2"))]
#[allow(clippy::too_many_arguments)]
fn run_plain(
    lanes: &mut SideBySide<SIDE>,
    plan: &[u32],
    spares: bool,
    payloads: &[u64],
    payload_stride: usize,
    words: &mut [u64],
    kinds: &mut [u8],
    (stride, sent): (usize, std::ops::Range<usize>),
    at: &mut [usize; SIDE],
) -> (u64, u64) {
    use crate::deskew::{SLOT_DATA, SLOT_IDLE, SLOT_INVALID, SLOT_SENT};
    use crate::tx::PLAN_IDLE;
    let (mut idle, mut invalid) = (0u64, 0u64);
    if lanes.in_sync() {
        // Every decoder descrambles what its encoder was given: the scramblers and BIP-8
        // sums run period by period, and each port's slots are the words sent.
        for (k, &s) in plan.iter().enumerate() {
            if s == PLAN_IDLE || spares {
                lanes.period_in_sync(&[IDLE_PAYLOAD; SIDE], SyncHeader::Control);
            } else {
                lanes.period_in_sync(payloads[k * payload_stride..][..SIDE].try_into().expect("SIDE words"), SyncHeader::Data);
            }
        }
        if at.iter().enumerate().all(|(i, &a)| a == at[0] + i) {
            // The ports' slots side by side in each row (as many slots queued on each):
            // a period's words and kinds are one run each.
            let row = at[0] / stride;
            for (k, &s) in plan.iter().enumerate() {
                let a = at[0] + k * stride;
                let (w, kind): (&mut [u64; SIDE], &mut [u8; SIDE]) =
                    ((&mut words[a..a + SIDE]).try_into().expect("SIDE slots"), (&mut kinds[a..a + SIDE]).try_into().expect("SIDE slots"));
                if s == PLAN_IDLE || spares {
                    idle += SIDE as u64;
                    (*w, *kind) = ([0; SIDE], [SLOT_IDLE; SIDE]);
                } else if sent.contains(&(row + k)) {
                    *kind = [SLOT_SENT; SIDE];
                } else {
                    *w = payloads[k * payload_stride..][..SIDE].try_into().expect("SIDE words");
                    *kind = [SLOT_DATA; SIDE];
                }
            }
            for a in at.iter_mut() {
                *a += plan.len() * stride;
            }
            return (idle, invalid);
        }
        for (i, a) in at.iter_mut().enumerate() {
            // Port `i`'s slots, `stride` apart, and its words sent, `payload_stride` apart.
            let column = words[*a..].iter_mut().step_by(stride).zip(kinds[*a..].iter_mut().step_by(stride));
            let words_sent = payloads[i..].iter().step_by(payload_stride);
            for (((w, kind), &p), &s) in column.zip(words_sent).zip(plan) {
                (*w, *kind) = if s == PLAN_IDLE || spares {
                    idle += 1;
                    (0, SLOT_IDLE)
                } else {
                    (p, SLOT_DATA)
                };
            }
            *a += plan.len() * stride;
        }
        return (idle, invalid);
    }
    for (k, &s) in plan.iter().enumerate() {
        if s == PLAN_IDLE || spares {
            let out = lanes.period(&[IDLE_PAYLOAD; SIDE], SyncHeader::Control);
            for i in 0..SIDE {
                let ok = out[i] == IDLE_PAYLOAD;
                idle += u64::from(ok);
                invalid += u64::from(!ok);
                words[at[i]] = 0;
                kinds[at[i]] = if ok { SLOT_IDLE } else { SLOT_INVALID };
                at[i] += stride;
            }
        } else {
            let payload: &[u64; SIDE] = payloads[k * payload_stride..][..SIDE].try_into().expect("SIDE words");
            let out = lanes.period(payload, SyncHeader::Data);
            for i in 0..SIDE {
                words[at[i]] = out[i];
                kinds[at[i]] = SLOT_DATA;
                at[i] += stride;
            }
        }
    }
    (idle, invalid)
}

/// Where a port's slots of a steady batch go: one after another `stride` entries apart
/// in `words` (a data slot's word) and `kinds` (every slot's kind, `crate::deskew::SLOT_*`).
/// In rows `sent` (entry `r * stride` on) a data slot of ports in step may be left as
/// [`crate::deskew::SLOT_SENT`], its word not stored: it is the word sent.
struct Column<'a> {
    words: &'a mut [u64],
    kinds: &'a mut [u8],
    stride: usize,
    sent: std::ops::Range<usize>,
}

/// The ports' half of a [`Receiver`] (see [`Receiver::split`]).
pub(crate) struct PortSide<'a, D> {
    ports: &'a mut [Port<D>],
    cov: &'a mut Coverage,
    lock_losses: &'a mut u64,
    am_period: u32,
}

impl<D: LaneDecoder + Send> PortSide<'_, D> {
    /// Every port takes the blocks of its queue in `ports` that the periods of `ends`
    /// bring (see [`Receiver::handle_periods`]), on rayon's threads, logging in `logs`
    /// what the deskew is to be told. Returns the number of periods.
    pub(crate) fn run(&mut self, ports: &mut [BitQueue], ends: &[usize], logs: &mut Vec<PortLog>) -> usize {
        let n = self.ports.len();
        assert_eq!(ports.len(), n, "one BitQueue per RX port");
        assert!(n > 0 && ends.len().is_multiple_of(n), "ends: one length per port per period");
        let am_period = self.am_period;
        if logs.len() != n {
            *logs = vec![PortLog::default(); n];
        }
        let run = |((port, queue), log): ((&mut Port<D>, &mut BitQueue), &mut PortLog), p: usize, cov: &mut Coverage| {
            let mut port_ends = std::mem::take(&mut log.ends);
            port_ends.clear();
            port_ends.extend(ends.iter().skip(p).step_by(n));
            let losses = port.run(queue, &port_ends, am_period, cov, log);
            log.ends = port_ends;
            losses
        };
        let blocks: usize = ends[ends.len() - n..].iter().sum::<usize>() / D::BLOCK_BITS as usize;
        let (cov, lock_losses) = if crate::parallel::worth_it(blocks) {
            self.ports
                .par_iter_mut()
                .zip(ports.par_iter_mut())
                .zip(logs.par_iter_mut())
                .enumerate()
                .with_min_len(crate::parallel::MIN_PORTS_PER_TASK)
                .fold(
                    || (Coverage::default(), 0u64),
                    |(mut cov, losses), (p, item)| {
                        let l = run(item, p, &mut cov);
                        (cov, losses + l)
                    },
                )
                .reduce(
                    || (Coverage::default(), 0u64),
                    |(mut a, la), (b, lb)| {
                        a.merge(&b);
                        (a, la + lb)
                    },
                )
        } else {
            let mut cov = Coverage::default();
            let mut losses = 0;
            for (p, item) in self.ports.iter_mut().zip(ports.iter_mut()).zip(logs.iter_mut()).enumerate() {
                losses += run(item, p, &mut cov);
            }
            (cov, losses)
        };
        // Hit counts and loss counts are sums: the order of the merge does not matter.
        self.cov.merge(&cov);
        *self.lock_losses += lock_losses;
        ends.len() / n
    }
}

/// The deskew's half of a [`Receiver`] (see [`Receiver::split`]).
pub(crate) struct DeskewSide<'a> {
    deskew: &'a mut Deskew,
    out: &'a mut Vec<u64>,
    cursors: &'a mut Vec<usize>,
}

impl DeskewSide<'_> {
    /// Hands what every port delivered to the deskew, period by period and within a
    /// period pass by pass (port `p`'s `k`-th block of the period in pass `k`, ports in
    /// order), polling after each pass: the order of the per-block calls.
    pub(crate) fn replay(&mut self, logs: &[PortLog], periods: usize) {
        let n = logs.len();
        self.cursors.clear();
        self.cursors.resize(n, 0);
        for j in 0..periods {
            let passes = logs.iter().map(|l| l.per_period[j]).max().unwrap_or(0).max(1);
            for k in 0..passes {
                for (p, (log, cursor)) in logs.iter().zip(self.cursors.iter_mut()).enumerate() {
                    if log.per_period[j] <= k {
                        continue;
                    }
                    let op = log.ops[*cursor];
                    *cursor += 1;
                    match op {
                        DeskewOp::Nothing => {}
                        DeskewOp::Marker { lane, arrival } => self.deskew.handle_marker(p as u32, lane, arrival),
                        DeskewOp::Symbol { symbol, valid } => self.deskew.handle_symbol(p as u32, symbol, valid),
                        DeskewOp::Unlock => self.deskew.handle_unlock(p as u32),
                    }
                }
                self.deskew.poll(self.out);
            }
        }
    }
}

/// The receiver, generic over the line code's decoder.
#[derive(Debug, Clone)]
pub struct Receiver<D: LaneDecoder = Decoder64b66b> {
    cfg: LinkConfig,
    ports: Vec<Port<D>>,
    deskew: Deskew,
    out: Vec<u64>,
    cov: Coverage,
    /// Block- and marker-lock losses on all ports so far.
    lock_losses: u64,
    /// Scratch of [`Receiver::handle_periods`]: each port's log, and the replay's place in it.
    logs: Vec<PortLog>,
    cursors: Vec<usize>,
    ends: Vec<usize>,
    /// The fast path is on ([`Receiver::set_fast_path`]).
    fast: bool,
    /// Scratch of [`Receiver::take_steady`].
    steady_lanes: Vec<u16>,
    steady_waiting: Vec<u128>,
    /// Scratch of [`Receiver::take_steady`]: the ports on dark channels, and the spares.
    steady_darks_spares: [Vec<usize>; 2],
    /// The spare buffer of the steady batches' rows (the deskew holds the last batch's).
    rows: crate::deskew::Rows,
    spare_column: (Vec<u64>, Vec<u8>),
    /// Each lane's last marker of a steady batch (see [`SteadyPort`]).
    steady_last_marker: Vec<Option<(u32, u64)>>,
}

impl Receiver<Decoder64b66b> {
    /// A 64b/66b receiver with one port per physical channel of `cfg`.
    pub fn new(cfg: &LinkConfig) -> Self {
        Self::with_decoder(cfg)
    }
}

impl<D: LaneDecoder + Clone + Send + Sync + 'static> Receiver<D> {
    /// A receiver with one port per physical channel of `cfg`, for any line code.
    pub fn with_decoder(cfg: &LinkConfig) -> Self {
        let n = cfg.channels();
        Receiver {
            cfg: *cfg,
            ports: (0..n).map(|_| Port::<D>::default()).collect(),
            deskew: Deskew::new(cfg, n),
            out: Vec::new(),
            cov: Coverage::default(),
            lock_losses: 0,
            logs: Vec::new(),
            cursors: Vec::new(),
            ends: Vec::new(),
            fast: true,
            steady_lanes: Vec::new(),
            steady_waiting: Vec::new(),
            steady_darks_spares: [Vec::new(), Vec::new()],
            rows: Default::default(),
            spare_column: Default::default(),
            steady_last_marker: Vec::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &LinkConfig {
        &self.cfg
    }

    /// Whether the link is aligned (every lane locked and deskewed).
    pub fn is_aligned(&self) -> bool {
        self.deskew.is_aligned()
    }

    /// Consumes every whole block waiting in `ports` (one queue per RX port, in port
    /// order), serving the ports one block at a time in turn.
    ///
    /// # Panics
    /// If `ports.len()` is not the number of channels (the caller's contract).
    pub fn handle_bits(&mut self, ports: &mut [BitQueue]) {
        assert_eq!(ports.len(), self.ports.len(), "one BitQueue per RX port");
        // A call that brings each port about one block (a clock's or a block period's
        // bits, on top of the block a port keeps until one bit more has come) gains
        // nothing from batching: it goes block by block, with the same result.
        let bits: usize = ports.iter().map(BitQueue::len).sum();
        let blocks = bits / D::BLOCK_BITS as usize;
        if !self.fast || (blocks < 3 * ports.len() && !crate::parallel::worth_it(blocks)) {
            self.handle_bits_per_block(ports);
            return;
        }
        let mut ends = std::mem::take(&mut self.ends);
        ends.clear();
        ends.extend(ports.iter().map(BitQueue::len));
        self.handle_periods(ports, &ends);
        self.ends = ends;
    }

    /// Whether the fast path is on and every port is steady ([`Port::steady_lane`]); fills
    /// `lanes` with the lane each port's markers carry.
    fn steady_ports_lanes(
        &self,
        queues: &[BitQueue],
        dark: impl Fn(usize) -> bool,
        lanes: &mut Vec<u16>,
        waiting: &mut Vec<u128>,
        [darks, spares]: [&mut Vec<usize>; 2],
    ) -> bool {
        lanes.clear();
        waiting.clear();
        darks.clear();
        spares.clear();
        let n = self.cfg.lanes();
        self.fast
            && self.ports.iter().zip(queues).enumerate().all(|(i, (p, q))| {
                // The queues' words are apart in memory: each a few ports ahead is asked
                // for, its cache misses then overlapping.
                if let Some(ahead) = queues.get(i + AHEAD) {
                    ahead.prefetch_head();
                }
                // A port on a dark channel takes part in no lane ([`DARK_LANE`]); one with
                // a lane beyond N is a spare (if the deskew agrees, which
                // [`Deskew::steady_queued`] checks).
                let is_dark = dark(i);
                let lane = if is_dark { Some(DARK_LANE) } else { p.steady_lane(q) };
                match lane {
                    _ if is_dark => darks.push(i),
                    Some(l) if u32::from(l) >= n => spares.push(i),
                    _ => {}
                }
                // The block waiting, read here, in one pass of independent loads (a dark
                // port's queue is taken whole, by its per-block machine).
                waiting.push(if is_dark || lane.is_none() { 0 } else { q.peek_wide(0, D::BLOCK_BITS) });
                lane.map(|l| lanes.push(l)).is_some()
            })
    }

    /// A batch of `periods` block periods in the steady state, with port `p` receiving the
    /// wire values of `wires_of_port(p)` unchanged (a quiet channel) behind the one block
    /// waiting in its queue in `queues`, or zeros when `dark(p)` (a dark channel; such a
    /// port runs its per-block machine on them, and the batch is not steady if that would
    /// tell the deskew anything): what as many [`Receiver::handle_bits`] calls, each
    /// after a period's bits arrived, would do. `ahead_of_port(p)` asks for what
    /// `wires_of_port(p)` reads to be brought into the cache (a hint). Each port's blocks
    /// run in one loop straight from its wire values into its lane's column of the batch's
    /// rows (groups of lanes on rayon's threads), and the deskew then releases the rows as
    /// stripes. Fills `left`
    /// with each port (every port once, in no set order), its channel's last wire value of
    /// the batch, which it has not taken (it is the block left waiting in the queue), and
    /// the channel's encoder after that value, and returns the queue of each port on a
    /// dark channel. Returns `None`, changing nothing but `left`'s contents, if the
    /// receiver is not in the steady state or anything in the batch is not steady (the
    /// caller then hands the batch to the per-block machines).
    pub(crate) fn take_steady<'a, E: LaneEncoder + Clone + Send + 'static>(
        &mut self,
        queues: &[BitQueue],
        periods: usize,
        dark: impl Fn(usize) -> bool,
        wires_of_port: impl Fn(usize) -> ChannelWires<'a, E> + Sync,
        ahead_of_port: impl Fn(usize) + Sync,
        left: &mut PortsLeft<E>,
    ) -> Option<Vec<(usize, BitQueue)>> {
        if periods == 0 {
            return None;
        }
        let (mut lanes, mut waiting) = (std::mem::take(&mut self.steady_lanes), std::mem::take(&mut self.steady_waiting));
        let [mut darks, mut spares] = std::mem::take(&mut self.steady_darks_spares);
        let steady = self.steady_ports_lanes(queues, &dark, &mut lanes, &mut waiting, [&mut darks, &mut spares]);
        self.steady_darks_spares = [darks, spares];
        let longest = if steady { self.deskew.steady_queued(&lanes) } else { None };
        self.steady_lanes = lanes;
        self.steady_waiting = waiting;
        let longest = longest?;
        let mut rows = std::mem::take(&mut self.rows);
        rows.reset(longest + periods, self.cfg.lanes() as usize);
        let taken = self.take_steady_rows(queues, periods, longest, &dark, (&wires_of_port, &ahead_of_port), (&mut rows, left));
        self.rows = rows;
        taken
    }

    fn take_steady_rows<'a, E: LaneEncoder + Clone + Send + 'static>(
        &mut self,
        queues: &[BitQueue],
        periods: usize,
        longest: usize,
        dark: &impl Fn(usize) -> bool,
        (wires_of_port, ahead_of_port): (&(impl Fn(usize) -> ChannelWires<'a, E> + Sync), &(impl Fn(usize) + Sync)),
        (rows, left): (&mut crate::deskew::Rows, &mut PortsLeft<E>),
    ) -> Option<Vec<(usize, BitQueue)>> {
        use crate::deskew::Rows;
        let am_period = self.cfg.am_period();
        let lanes = self.cfg.lanes() as usize;
        let (ports, deskew) = (&self.ports, &self.deskew);
        let port_of_lane = deskew.ports_of_lanes();
        // The rows whose in-step data slots keep only their kind, and where their words are.
        let sent = deskew.steady_sent_rows(periods);
        let first_wires = wires_of_port(0);
        let sent_stripes = crate::deskew::SentStripes {
            stripes: first_wires.stripes().0,
            plan: first_wires.plan_rest(),
            first_row: sent.start,
        };
        let waiting = &self.steady_waiting;
        let start = |p: usize, at: usize| ports[p].steady_start(p, waiting[p], wires_of_port(p), at);
        let released = deskew.steady_released(periods);
        // One group of lanes: each lane's queued slots, then its port's batch, a few
        // periods at a time for every lane of the group in turn (the group's rows stay in
        // the cache while its lanes fill them).
        let group = |payloads: &mut Vec<u64>, (i, (words, kinds)): (usize, (&mut [u64], &mut [u8]))| {
            let mut cov = Coverage::default();
            let l0 = i * Rows::GROUP;
            let width = Rows::GROUP.min(lanes - l0);
            let mut group = Vec::with_capacity(width);
            let queued_rows = deskew.queued_rows(i, longest);
            if let Some((w, k)) = queued_rows {
                words[..w.len()].copy_from_slice(w);
                kinds[..k.len()].copy_from_slice(k);
            }
            for col in 0..width {
                // The lanes' ports are anywhere among the ports: each a few lanes ahead
                // is asked for, its cache misses then overlapping.
                if let Some(&Some(ahead)) = port_of_lane.get(l0 + col + AHEAD) {
                    prefetch(&ports[ahead as usize]);
                    prefetch(&waiting[ahead as usize]);
                    ahead_of_port(ahead as usize);
                }
                let p = port_of_lane[l0 + col]? as usize;
                let mut at = col;
                if queued_rows.is_some() {
                    at += deskew.queued_len(l0 + col) * width;
                } else {
                    for (w, k) in deskew.queued_entries(p) {
                        (words[at], kinds[at]) = (w, k);
                        at += width;
                    }
                }
                group.push(start(p, at)?);
            }
            for j in (0..periods).step_by(STEADY_TILE) {
                let tile = j..periods.min(j + STEADY_TILE);
                let mut column = Column { words: &mut *words, kinds: &mut *kinds, stride: width, sent: sent.clone() };
                if !run_tile(ports, &mut group, tile, am_period, &mut cov, &mut column, payloads) {
                    return None;
                }
            }
            // The lanes' markers on the global index's marker slots.
            let in_step = |(col, r): (usize, &SteadyPort<D, _>)| r.first_marker.is_none_or(|j| deskew.marker_in_step(l0 + col, j));
            if !group.iter().enumerate().all(in_step) {
                return None;
            }
            // The kinds of the rows released, folded while they are in this thread's cache.
            let row_kinds = crate::deskew::group_row_kinds(kinds, width, released);
            Some((leave_waiting(group), cov, row_kinds))
        };
        // The ports carrying no lane (spares), side by side too; their slots go to a
        // scratch column each, and no further.
        let (spare_words, spare_kinds) = &mut self.spare_column;
        let [dark_ports, spare_ports] = &self.steady_darks_spares;
        debug_assert!(spare_ports.iter().all(|&p| !deskew.is_aligned_port(p) && !dark(p)));
        debug_assert_eq!(spare_ports.len() + dark_ports.len() + lanes, ports.len());
        // The ports on dark channels: each takes its zeros through the per-block machine,
        // which must hand the deskew nothing.
        let mut darks = Vec::new();
        for &p in dark_ports {
            let (mut port, mut queue) = (ports[p].clone(), queues[p].clone());
            let mut wires = wires_of_port(p);
            for _ in 1..periods {
                wires.next();
            }
            let waiting = wires.next().expect("the batch's last period is left to take");
            for _ in 0..periods {
                queue.push_wire(0, crate::block::BLOCK_BITS);
            }
            let (mut cov, mut losses) = (Coverage::default(), 0);
            while queue.len() > D::BLOCK_BITS as usize {
                if !matches!(port.step(&mut queue, am_period, &mut cov, &mut losses), DeskewOp::Nothing) {
                    return None;
                }
            }
            darks.push((p, port, queue, (waiting, wires.encoder().clone()), cov, losses));
        }
        let width = spare_ports.len();
        spare_words.resize(width * periods, 0);
        spare_kinds.resize(width * periods, 0);
        let mut spares = move || {
            let mut cov = Coverage::default();
            let mut group = Vec::with_capacity(width);
            for (i, &p) in spare_ports.iter().enumerate() {
                group.push(start(p, i)?);
            }
            let mut payloads = Vec::new();
            for j in (0..periods).step_by(STEADY_TILE) {
                let tile = j..periods.min(j + STEADY_TILE);
                let mut column = Column { words: &mut *spare_words, kinds: &mut *spare_kinds, stride: width, sent: 0..0 };
                if !run_tile(ports, &mut group, tile, am_period, &mut cov, &mut column, &mut payloads) {
                    return None;
                }
            }
            Some((leave_waiting(group), cov))
        };
        let group_len = rows.group_len();
        // On rayon's threads when there is more than one part (a group, the spares) to share.
        let parts = lanes.div_ceil(Rows::GROUP) + usize::from(width > 0);
        let (n_ports, all_blocks) = (ports.len(), ports.len() * periods);
        let (groups, spares): (Vec<_>, _) = if parts > 1 && crate::parallel::worth_it(all_blocks) {
            rayon::join(
                || {
                    let groups = rows.words.par_chunks_mut(group_len).zip(rows.kinds.par_chunks_mut(group_len)).enumerate();
                    groups.map_init(Vec::new, group).collect()
                },
                spares,
            )
        } else {
            let mut payloads = Vec::new();
            let groups = rows.words.chunks_mut(group_len).zip(rows.kinds.chunks_mut(group_len)).enumerate();
            (groups.map(|g| group(&mut payloads, g)).collect(), spares())
        };
        let (spares, mut cov) = spares?;
        let mut taken = Vec::with_capacity(groups.len() + 1);
        let mut group_kinds = Vec::with_capacity(groups.len());
        // Each lane's last marker of the batch, lane by lane.
        let last = &mut self.steady_last_marker;
        last.clear();
        for g in groups {
            let (group, c, kinds) = g?;
            cov.merge(&c);
            last.extend(group.iter().map(|r| r.last_marker));
            taken.push(group);
            group_kinds.push(kinds);
        }
        taken.push(spares);
        // The release into stripes and the commit of the ports' state touch nothing of
        // each other's: side by side, on two threads when there are.
        let (deskew, out, last) = (&mut self.deskew, &mut self.out, &*last);
        let mut release = move || deskew.take_rows(rows, periods, last, (&sent_stripes, &group_kinds), out);
        let (all_ports, lock_losses) = (&mut self.ports, &mut self.lock_losses);
        let commit = move || {
            let bits = periods as u64 * u64::from(D::BLOCK_BITS);
            left.clear();
            left.reserve(all_ports.len());
            for group in taken {
                for (i, r) in group.iter().enumerate() {
                    // The ports are in lane order, not port order: each a few ports ahead
                    // is asked for, its cache misses then overlapping.
                    if let Some(ahead) = group.get(i + AHEAD) {
                        prefetch(&all_ports[ahead.port]);
                    }
                    let port = &mut all_ports[r.port];
                    let MarkerLock::Locked { lane, .. } = port.marker_lock else { unreachable!("checked steady") };
                    port.decoder = r.decoder.clone();
                    port.marker_lock = MarkerLock::Locked { lane, since: r.since, invalid_run: 0 };
                    port.block_lock.accept_valid(periods as u32);
                    port.bit_pos += bits;
                    port.counters.bip_errors += r.bip_errors;
                    left.push((r.port, r.waiting, r.encoder.clone()));
                }
            }
            let mut dark_queues = Vec::with_capacity(darks.len());
            for (p, port, queue, (waiting, encoder), c, losses) in darks {
                all_ports[p] = port;
                *lock_losses += losses;
                cov.merge(&c);
                left.push((p, waiting, encoder));
                dark_queues.push((p, queue));
            }
            (dark_queues, cov)
        };
        // (The commit on this thread, which holds the ports; the release, which hands half
        // its copy on in turn, on another.)
        let side_by_side = crate::parallel::worth_it(all_blocks) && crate::parallel::worth_batching(n_ports);
        let ((dark_queues, cov), ()) =
            if side_by_side { rayon::join(commit, release) } else { (commit(), release()) };
        self.cov.merge(&cov);
        Some(dark_queues)
    }

    /// Whether the fast path runs (the default). Off, [`Receiver::handle_bits`] takes every
    /// block through the per-block machines one port at a time, telling the deskew of each
    /// at once: the reference the fast path is checked against (`tests/fast_path.rs`).
    /// Either way the results are the same.
    pub fn set_fast_path(&mut self, on: bool) {
        self.fast = on;
    }

    /// Whether the fast path runs.
    pub fn fast_path(&self) -> bool {
        self.fast
    }

    /// [`Receiver::handle_bits`] block by block.
    fn handle_bits_per_block(&mut self, ports: &mut [BitQueue]) {
        let need = D::BLOCK_BITS as usize;
        let am_period = self.cfg.am_period();
        loop {
            // Whether a port still holds more than a block after this pass. A pass with no
            // port to serve changes nothing, and the poll after it finds the deskew where
            // the previous poll left it (a poll runs until nothing more can be released),
            // so the pass that would find no work is skipped.
            let mut more = false;
            for (p, queue) in ports.iter_mut().enumerate() {
                // One bit more than a block: a slip takes the block and one bit.
                if queue.len() > need {
                    let op = self.ports[p].step(queue, am_period, &mut self.cov, &mut self.lock_losses);
                    self.apply(p, op);
                    more |= queue.len() > need;
                }
            }
            self.deskew.poll(&mut self.out);
            if !more {
                break;
            }
        }
    }

    #[inline]
    fn apply(&mut self, p: usize, op: DeskewOp) {
        match op {
            DeskewOp::Nothing => {}
            DeskewOp::Marker { lane, arrival } => self.deskew.handle_marker(p as u32, lane, arrival),
            DeskewOp::Symbol { symbol, valid } => self.deskew.handle_symbol(p as u32, symbol, valid),
            DeskewOp::Unlock => self.deskew.handle_unlock(p as u32),
        }
    }

    /// As many [`Receiver::handle_bits`] calls as `ends` holds periods, in one: `ends` is
    /// period-major, `ends[j * P + p]` the length port `p`'s queue had after period `j`'s
    /// bits arrived, counted from its head now. The state afterwards is the one those
    /// calls, each made when its period's bits had arrived, would leave.
    ///
    /// The ports' own work (framing, lock, descrambling, BIP-8) runs on rayon's threads,
    /// each port over all its blocks at once; the deskew then takes what each port
    /// delivered in the order the calls would have delivered it. The result does not
    /// depend on the number of threads.
    ///
    /// # Panics
    /// If `ports.len()` is not the number of channels, `ends.len()` not a multiple of it,
    /// or an end beyond its queue's length (the caller's contract).
    pub fn handle_periods(&mut self, ports: &mut [BitQueue], ends: &[usize]) {
        let mut logs = std::mem::take(&mut self.logs);
        let (mut port_side, mut deskew_side) = self.split();
        let periods = port_side.run(ports, ends, &mut logs);
        deskew_side.replay(&logs, periods);
        self.logs = logs;
    }

    /// The receiver in two halves that can work at the same time on different periods:
    /// the ports' machines, and the deskew ([`Link::send`](crate::link::Link::send)
    /// replays one batch of periods into the deskew while the ports take the next).
    pub(crate) fn split(&mut self) -> (PortSide<'_, D>, DeskewSide<'_>) {
        (
            PortSide { ports: &mut self.ports, cov: &mut self.cov, lock_losses: &mut self.lock_losses, am_period: self.cfg.am_period() },
            DeskewSide { deskew: &mut self.deskew, out: &mut self.out, cursors: &mut self.cursors },
        )
    }

    /// The cover points counted so far (`docs/coverage.md`): the per-port machines' and the
    /// deskew's.
    pub fn coverage(&self) -> Coverage {
        let mut c = self.cov.clone();
        c.merge(self.deskew.coverage());
        c
    }

    /// Block- and marker-lock losses on all ports so far (one per port per event: a block
    /// lock loss also ends marker lock, and counts once). The clocked machine compares it
    /// block period by block period for `deskew.same_block_events`.
    pub fn lock_losses(&self) -> u64 {
        self.lock_losses
    }

    /// The bit of port `port`'s stream where the first 64-header window of its first block
    /// lock starts (the block after the 64th valid header), if it has ever locked. Stress
    /// profiles place sync-header faults relative to it (docs/vectors.md).
    ///
    /// # Panics
    /// If `port` is not a port of the link.
    pub fn first_block_lock_bit(&self, port: u32) -> Option<u64> {
        self.ports[port as usize].counters.first_lock_bit
    }

    /// Appends every stripe reassembled so far to `out` (N words per stripe, lane 0
    /// first) and returns how many.
    pub fn poll_stripes(&mut self, out: &mut Vec<u64>) -> usize {
        let n = self.out.len() / self.cfg.lanes() as usize;
        if out.is_empty() {
            // Hand over the buffer rather than copy it (the caller's empty one takes the
            // next stripes).
            std::mem::swap(out, &mut self.out);
        } else {
            out.append(&mut self.out);
        }
        n
    }

    /// Per-port and link status.
    pub fn status(&self) -> RxStatus {
        let skews = self.deskew.skews();
        let ports = self
            .ports
            .iter()
            .enumerate()
            .map(|(p, s)| {
                let c = &s.counters;
                let lane = s.marker_lock.lane();
                PortStatus {
                    port: p as u32,
                    block_lock: s.block_lock.is_locked(),
                    marker_lock: s.marker_lock.is_locked(),
                    lane,
                    spare: lane == Some(SPARE_LANE),
                    bip_errors: c.bip_errors,
                    skew_bits: skews.iter().find(|&&(q, _)| q as usize == p).map(|&(_, k)| k),
                    slips: c.slips,
                    block_lock_losses: c.block_lock_losses,
                    marker_lock_losses: c.marker_lock_losses,
                    invalid_headers: c.invalid_headers,
                    bits: s.bit_pos,
                }
            })
            .collect();
        RxStatus {
            ports,
            aligned: self.deskew.is_aligned(),
            port_of_lane: (0..self.cfg.lanes()).map(|l| self.deskew.port_of_lane(l)).collect(),
            counters: self.deskew.counters(),
            skew_fault: self.deskew.skew_fault(),
            duplicate_lane: self.deskew.duplicate_lane(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::TxSymbol;
    use crate::deskew::{SLOT_DATA, SLOT_IDLE, SLOT_INVALID, SLOT_SENT};
    use crate::tx::PLAN_IDLE;
    use rand::{Rng, SeedableRng};

    /// `run_plain` against each lane's own encoder and decoder, block by block: in step
    /// or not, slots side by side in a row or apart, all data or with idle, spares, and
    /// rows where the data slots of lanes in step side by side keep only their kind.
    #[test]
    fn run_plain_is_each_lane_encoded_and_decoded_alone() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(68);
        let mut all_sents = 0;
        for case in 0..64 {
            let (in_step, side_by_side, idle, spares) = (case & 1 != 0, case & 2 != 0, case & 4 != 0, case & 8 != 0);
            let with_sent = case & 16 != 0;
            let mut encoders: [Encoder64b66b; SIDE] = [Encoder64b66b::default(); SIDE];
            let mut decoders: [Decoder64b66b; SIDE] = Default::default();
            for (e, d) in encoders.iter_mut().zip(&mut decoders) {
                e.scrambler.prev = rng.gen();
                d.descrambler.prev = if in_step { e.scrambler.prev } else { rng.gen() };
            }
            let periods = rng.gen_range(1..40);
            let plan: Vec<u32> =
                (0..periods).map(|k| if idle && rng.gen_bool(0.3) { PLAN_IDLE } else { k as u32 }).collect();
            let stride = SIDE + rng.gen_range(0..5);
            let payloads: Vec<u64> = (0..periods * stride).map(|_| rng.gen()).collect();
            // Slots: a column per port, `stride` apart, each starting a few rows down.
            let width = 2 * SIDE;
            let rows = periods + 8;
            let mut at: [usize; SIDE] = std::array::from_fn(|i| {
                if side_by_side { 3 * width + i } else { rng.gen_range(0..8) * width + 2 * i }
            });
            let start = at;
            let sent = if with_sent { rng.gen_range(0..rows / 2)..rng.gen_range(rows / 2..rows) } else { 0..0 };
            let (mut words, mut kinds) = (vec![0u64; rows * width], vec![9u8; rows * width]);
            let mut lanes = SideBySide::<SIDE>::load(encoders.each_ref(), decoders.each_ref());
            let sent_arg = (width, sent.clone());
            let (idles, invalids) =
                run_plain(&mut lanes, &plan, spares, &payloads, stride, &mut words, &mut kinds, sent_arg, &mut at);
            let (mut fast_e, mut fast_d) = (encoders, decoders);
            lanes.store(fast_e.each_mut(), fast_d.each_mut());
            let (mut want_idle, mut want_invalid) = (0, 0);
            let mut sents = 0;
            for i in 0..SIDE {
                for (k, &s) in plan.iter().enumerate() {
                    let symbol = if s == PLAN_IDLE || spares { TxSymbol::Idle } else { TxSymbol::Data(payloads[k * stride + i]) };
                    let want = match decoders[i].decode(encoders[i].encode(symbol)) {
                        RxSymbol::Data(w) => (w, SLOT_DATA),
                        RxSymbol::Idle => {
                            want_idle += 1;
                            (0, SLOT_IDLE)
                        }
                        RxSymbol::Invalid => {
                            want_invalid += 1;
                            (0, SLOT_INVALID)
                        }
                    };
                    let a = start[i] + k * width;
                    // A slot left as sent: the word decoded is the word sent, and it is in a
                    // row of `sent` of lanes in step side by side.
                    let sent_here = in_step && side_by_side && want.1 == SLOT_DATA && sent.contains(&(a / width));
                    if sent_here {
                        assert_eq!(want.0, payloads[k * stride + i], "case {case} lane {i} period {k}: decoded as sent");
                        assert_eq!(kinds[a], SLOT_SENT, "case {case} lane {i} period {k}: left as sent");
                        sents += 1;
                    } else {
                        assert_eq!((words[a], kinds[a]), want, "case {case} lane {i} period {k}");
                    }
                }
                assert_eq!(at[i], start[i] + periods * width, "case {case} lane {i}: next slot");
                assert_eq!(fast_e[i].scrambler, encoders[i].scrambler, "case {case} lane {i}: scrambler");
                assert_eq!(fast_d[i].descrambler, decoders[i].descrambler, "case {case} lane {i}: descrambler");
                for (a, b) in [(encoders[i].bip, fast_e[i].bip), (decoders[i].bip, fast_d[i].bip)] {
                    assert_eq!((a.payload, a.header), (b.payload, b.header), "case {case} lane {i}: BIP-8 sums");
                }
            }
            assert_eq!((idles, invalids), (want_idle, want_invalid), "case {case}: idle and invalid slots");
            all_sents += sents;
            // Nothing outside the columns was written.
            let written: usize = kinds.iter().filter(|&&k| k != 9).count();
            assert_eq!(written, SIDE * periods, "case {case}: slots written");
        }
        assert!(all_sents > 0, "some slots were left as sent");
    }
}
