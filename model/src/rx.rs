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
use crate::coding::{Decoder64b66b, LaneDecoder, RxSymbol};
use crate::config::LinkConfig;
use crate::coverage::{Cover, Coverage};
use crate::deskew::{Deskew, DeskewCounters, SkewFault};
use crate::lock::{BlockLock, Framing, MarkerEvent, MarkerLock, SH_INVALID_TO_UNLOCK, SH_WINDOW};
use crate::marker::SPARE_LANE;
use crate::serial::BitQueue;

/// The two sync-header bits of a control block as they come off the wire.
const CONTROL_HEADER_BITS: u128 = SyncHeader::Control as u128;

/// Per-port state, touched every block: kept small, so that a receiver of thousands of
/// ports touches as little memory as it can per block period.
#[derive(Debug, Clone, Default)]
struct Port<D> {
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

/// The receiver, generic over the line code's decoder.
#[derive(Debug, Clone)]
pub struct Receiver<D: LaneDecoder = Decoder64b66b> {
    cfg: LinkConfig,
    ports: Vec<Port<D>>,
    counters: Vec<PortCounters>,
    deskew: Deskew,
    out: Vec<u64>,
    cov: Coverage,
    /// Block- and marker-lock losses on all ports so far.
    lock_losses: u64,
}

impl Receiver<Decoder64b66b> {
    /// A 64b/66b receiver with one port per physical channel of `cfg`.
    pub fn new(cfg: &LinkConfig) -> Self {
        Self::with_decoder(cfg)
    }
}

impl<D: LaneDecoder + Clone> Receiver<D> {
    /// A receiver with one port per physical channel of `cfg`, for any line code.
    pub fn with_decoder(cfg: &LinkConfig) -> Self {
        let n = cfg.channels();
        Receiver {
            cfg: *cfg,
            ports: (0..n).map(|_| Port::<D>::default()).collect(),
            counters: vec![PortCounters::default(); n as usize],
            deskew: Deskew::new(cfg, n),
            out: Vec::new(),
            cov: Coverage::default(),
            lock_losses: 0,
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
        let need = D::BLOCK_BITS as usize;
        loop {
            // Whether a port still holds more than a block after this pass. A pass with no
            // port to serve changes nothing, and the poll after it finds the deskew where
            // the previous poll left it (a poll runs until nothing more can be released),
            // so the pass that would find no work is skipped.
            let mut more = false;
            for (p, queue) in ports.iter_mut().enumerate() {
                // One bit more than a block: a slip takes the block and one bit.
                if queue.len() > need {
                    self.step_port(p, queue);
                    more |= queue.len() > need;
                }
            }
            self.deskew.poll(&mut self.out);
            if !more {
                break;
            }
        }
    }

    /// One block (or one slip) on port `p`.
    #[inline]
    fn step_port(&mut self, p: usize, queue: &mut BitQueue) {
        let block_bits = D::BLOCK_BITS;
        let wire = queue.peek_wide(0, block_bits);
        let port = &mut self.ports[p];
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
                let counters = &mut self.counters[p];
                counters.slips += 1;
                if was_locked {
                    counters.block_lock_losses += 1;
                    // This header's place in its window, 1-based: the 16th invalid one is
                    // at the 16th header at the earliest, the 64th at the latest.
                    self.cov.hit(match in_window + 1 {
                        n if n == SH_INVALID_TO_UNLOCK => Cover::BlockLockLostWindowStart,
                        n if n == SH_WINDOW => Cover::BlockLockLostWindowEnd,
                        _ => Cover::BlockLockLostWindowMiddle,
                    });
                    self.lock_losses += 1;
                    self.lose_marker_lock(p);
                } else {
                    self.cov.hit(Cover::BlockLockSlip);
                }
                return;
            }
            Framing::Accept => {
                queue.consume(block_bits as usize);
                port.bit_pos += u64::from(block_bits);
            }
        }
        if !port.block_lock.is_locked() {
            return;
        }
        if !was_locked {
            self.cov.hit(Cover::BlockLockGained);
            self.counters[p].first_lock_bit.get_or_insert(port.bit_pos);
        } else if in_window + 1 == SH_WINDOW && invalid_in_window + u32::from(!valid) == SH_INVALID_TO_UNLOCK - 1 {
            self.cov.hit(Cover::BlockLockWindow15);
        }
        if !valid {
            self.counters[p].invalid_headers += 1;
        }
        let am_period = self.cfg.am_period();
        let due = port.marker_lock.marker_due(am_period);
        let hunting =
            !port.marker_lock.is_locked() && !matches!(port.marker_lock, MarkerLock::Confirm { .. });
        let marker = if due || hunting { D::marker(wire) } else { None };
        let before = port.marker_lock;
        if due {
            match marker {
                Some(_) => self.cov.hit(Cover::MarkerValid),
                None => {
                    if let Some(c) = D::marker_miss(wire) {
                        self.cov.hit(c);
                    }
                }
            }
        }
        let event = port.marker_lock.handle_block(marker, am_period);
        if port.slipped && matches!(event, MarkerEvent::Unlocked | MarkerEvent::Payload) {
            port.slipped = false;
            self.cov.hit(Cover::DescramblerResync);
        }
        match event {
            MarkerEvent::Unlocked => {
                if due && matches!(before, MarkerLock::Confirm { .. }) {
                    self.cov.hit(Cover::MarkerLockCandidateDropped);
                }
                // Keep the descrambler in step with the line.
                port.decoder.decode(wire);
            }
            MarkerEvent::Candidate(_) => {
                if matches!(before, MarkerLock::Confirm { .. }) {
                    self.cov.hit(Cover::MarkerLockCandidateReplaced);
                }
                port.decoder.open_window(wire)
            }
            MarkerEvent::Slot { lane, valid: marker_valid, gained } => {
                // The slot that gains lock closes the window its candidate opened: a whole
                // period, so it is checked like every later one.
                let (error, bip) = port.decoder.close_window_covered(wire);
                self.counters[p].bip_errors += u64::from(error);
                if marker_valid {
                    self.cov.hit(bip);
                }
                if gained {
                    self.cov.hit(Cover::MarkerLockConfirmed);
                } else if let (true, MarkerLock::Locked { invalid_run: bad @ 1.., .. }) = (marker_valid, before) {
                    self.cov.hit(match bad {
                        1 => Cover::MarkerLockRecovered1,
                        2 => Cover::MarkerLockRecovered2,
                        _ => Cover::MarkerLockRecovered3,
                    });
                }
                self.deskew.handle_marker(p as u32, lane, arrival);
            }
            MarkerEvent::Payload => {
                let symbol = port.decoder.decode(wire);
                match symbol {
                    RxSymbol::Idle => self.cov.hit(Cover::ControlIdle),
                    RxSymbol::Invalid if valid && wire & 0b11 == CONTROL_HEADER_BITS => {
                        self.cov.hit(Cover::ControlInvalid)
                    }
                    _ => {}
                }
                self.deskew.handle_symbol(p as u32, symbol, valid);
            }
            MarkerEvent::Lost { retry } => {
                self.cov.hit(if retry.is_some() { Cover::MarkerLockOtherLane } else { Cover::MarkerLockLost4 });
                self.lock_losses += 1;
                self.counters[p].marker_lock_losses += 1;
                if retry.is_some() {
                    port.decoder.open_window(wire);
                } else {
                    port.decoder.decode(wire);
                }
                self.deskew.handle_unlock(p as u32);
            }
        }
    }

    fn lose_marker_lock(&mut self, p: usize) {
        let port = &mut self.ports[p];
        if port.marker_lock.is_locked() {
            self.counters[p].marker_lock_losses += 1;
        }
        port.marker_lock = MarkerLock::Hunt;
        self.deskew.handle_unlock(p as u32);
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
        self.counters[port as usize].first_lock_bit
    }

    /// Appends every stripe reassembled so far to `out` (N words per stripe, lane 0
    /// first) and returns how many.
    pub fn poll_stripes(&mut self, out: &mut Vec<u64>) -> usize {
        let n = self.out.len() / self.cfg.lanes() as usize;
        out.append(&mut self.out);
        n
    }

    /// Per-port and link status.
    pub fn status(&self) -> RxStatus {
        let skews = self.deskew.skews();
        let ports = self
            .ports
            .iter()
            .zip(&self.counters)
            .enumerate()
            .map(|(p, (s, c))| {
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
