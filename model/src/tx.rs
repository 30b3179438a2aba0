//! The transmitter: striping, per-channel encoding, alignment-marker insertion, lane map
//! and serialization (`docs/spec.md`, "Transmitter").
//!
//! One call of [`Transmitter::step`] is one block period: every physical channel emits one
//! block. Slot `s` (counted from reset, starting at 0) is a marker slot when
//! `s % am_period == 0`; the host's stripe is not taken in a marker slot. In any other slot
//! an offered stripe is taken and word `i` goes to logical lane `i`; with no stripe every
//! lane sends idle. A channel carrying lane `i` encodes that lane's symbol, a healthy
//! channel carrying no lane (a spare) sends idle and markers with lane number
//! [`SPARE_LANE`], a failed channel sends nothing (all zeros) and its encoder stands still.
//!
//! ## What may panic
//! [`Transmitter::step`] panics when the stripe is not N words or `out` not P values long:
//! the caller's contract, checked by every user-input path before it gets here.

use crate::coding::{Encoder64b66b, LaneEncoder, TxSymbol};
use crate::config::LinkConfig;
use crate::coverage::{Cover, Coverage};
use crate::lanemap::LaneMap;
use crate::marker::SPARE_LANE;

/// Clocks from the clock on which the TX takes a stripe (or starts an idle or marker
/// slot) to the clock on which the first serial word of that slot leaves on the channels.
/// The RTL's `tx_serial_o` carries, at clock `c`, serial word `(c - TX_LATENCY_CLOCKS) %
/// (66 / ser_w)` of slot `(c - TX_LATENCY_CLOCKS) / (66 / ser_w)`, and zeros before
/// clock `TX_LATENCY_CLOCKS` (`docs/spec.md`, "TX timing").
pub const TX_LATENCY_CLOCKS: u32 = 2;

/// A lane map that does not fit the link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("lane map has {map_lanes} lanes on {map_channels} channels, but the link has {lanes} lanes on {channels} channels")]
pub struct MapMismatch {
    /// Lanes of the map.
    pub map_lanes: u32,
    /// Channels of the map.
    pub map_channels: u32,
    /// Lanes of the link.
    pub lanes: u32,
    /// Channels of the link.
    pub channels: u32,
}

/// The transmitter, generic over the line code's encoder.
#[derive(Debug, Clone)]
pub struct Transmitter<E: LaneEncoder = Encoder64b66b> {
    cfg: LinkConfig,
    map: LaneMap,
    /// For each channel: the lane it carries, [`SPARE_LANE`] for a spare, `None` if failed.
    carries: Vec<Option<u16>>,
    encoders: Vec<E>,
    slot: u64,
    /// Whether the lane map has ever been anything but the map from reset (identity).
    map_written: bool,
    cov: Coverage,
}

impl Transmitter<Encoder64b66b> {
    /// A 64b/66b transmitter for `cfg` sending lanes as `map` says.
    pub fn new(cfg: &LinkConfig, map: LaneMap) -> Result<Self, MapMismatch> {
        Self::with_encoder(cfg, map)
    }
}

impl<E: LaneEncoder + Clone> Transmitter<E> {
    /// A transmitter for any line code.
    pub fn with_encoder(cfg: &LinkConfig, map: LaneMap) -> Result<Self, MapMismatch> {
        let mut tx = Transmitter {
            cfg: *cfg,
            map: LaneMap::identity(cfg.lanes(), cfg.spares()),
            carries: Vec::new(),
            encoders: vec![E::default(); cfg.channels() as usize],
            slot: 0,
            map_written: false,
            cov: Coverage::default(),
        };
        tx.set_lane_map(map)?;
        Ok(tx)
    }

    /// Replaces the lane map; it applies from the next block period on.
    pub fn set_lane_map(&mut self, map: LaneMap) -> Result<(), MapMismatch> {
        if map.lanes() != self.cfg.lanes() || map.channels() != self.cfg.channels() {
            return Err(MapMismatch {
                map_lanes: map.lanes(),
                map_channels: map.channels(),
                lanes: self.cfg.lanes(),
                channels: self.cfg.channels(),
            });
        }
        // Coverage: each channel entry that changes is one write of the RTL's map port (the
        // map a transmitter starts with is written over the one from reset, the identity).
        for c in 0..map.channels() {
            let from_reset = Some(if c < self.cfg.lanes() { c as u16 } else { SPARE_LANE });
            let old = self.carries.get(c as usize).copied().unwrap_or(from_reset);
            let new = if map.is_failed(c) { None } else { Some(map.lane_on(c).map_or(SPARE_LANE, |l| l as u16)) };
            if old != new {
                self.map_written = true;
                self.cov.hit(match new {
                    None => Cover::TxMapFailed,
                    Some(SPARE_LANE) => Cover::TxMapSpare,
                    Some(_) => Cover::TxMapLane,
                });
            }
        }
        self.carries =
            (0..map.channels())
                .map(|c| {
                    if map.is_failed(c) {
                        None
                    } else {
                        Some(map.lane_on(c).map_or(SPARE_LANE, |l| l as u16))
                    }
                })
                .collect();
        self.map = map;
        Ok(())
    }

    /// The lane map in force.
    pub fn lane_map(&self) -> &LaneMap {
        &self.map
    }

    /// The cover points counted so far (`docs/coverage.md`: `tx.*`, `reset.tx_map_default`).
    pub fn coverage(&self) -> &Coverage {
        &self.cov
    }

    /// The configuration.
    pub fn config(&self) -> &LinkConfig {
        &self.cfg
    }

    /// Block periods sent since reset: the index of the next slot.
    pub fn slot(&self) -> u64 {
        self.slot
    }

    /// Whether the next slot is a marker slot (a stripe offered then is not taken).
    pub fn next_is_marker(&self) -> bool {
        self.slot.is_multiple_of(u64::from(self.cfg.am_period()))
    }

    /// One block period: writes each physical channel's 66-bit wire value to `out` (0 for
    /// a failed channel) and returns whether `stripe` was taken.
    ///
    /// # Panics
    /// If `stripe` is not N words or `out` is not P values long.
    #[inline]
    pub fn step(&mut self, stripe: Option<&[u64]>, out: &mut [u128]) -> bool {
        assert_eq!(out.len(), self.encoders.len(), "one output per physical channel");
        if let Some(s) = stripe {
            assert_eq!(s.len(), self.cfg.lanes() as usize, "one word per lane in a stripe");
        }
        let marker = self.next_is_marker();
        self.slot += 1;
        let taken = stripe.is_some() && !marker;
        if stripe.is_some() {
            if marker {
                self.cov.hit(Cover::TxOfferInMarkerSlot);
            } else if !self.map_written {
                self.cov.hit(Cover::ResetTxMapDefault);
            }
        }
        for ((out, enc), carries) in out.iter_mut().zip(&mut self.encoders).zip(&self.carries) {
            *out = match *carries {
                None => 0,
                Some(lane) => enc.encode(if marker {
                    TxSymbol::Marker(lane)
                } else {
                    match stripe {
                        Some(words) if lane != SPARE_LANE => TxSymbol::Data(words[usize::from(lane)]),
                        _ => TxSymbol::Idle,
                    }
                }),
            };
        }
        taken
    }
}

impl<E: LaneEncoder + Clone + Send> Transmitter<E> {
    /// `periods` block periods at once, offering the stripes of `stripes` (N words each)
    /// in turn as [`Transmitter::step`] called once a period with the next stripe not yet
    /// taken would, then idle. Writes channel `c`'s wire value of period `j` to
    /// `wires[c * periods + j]` and returns the stripes taken.
    ///
    /// The channels are encoded side by side on rayon's threads; the result does not
    /// depend on their number.
    ///
    /// # Panics
    /// If `stripes` is not whole stripes or `wires` not `P * periods` values long.
    pub fn encode_periods(&mut self, stripes: &[u64], periods: usize, wires: &mut [u128]) -> usize {
        let lanes = self.cfg.lanes() as usize;
        assert!(stripes.len().is_multiple_of(lanes), "whole stripes of one word per lane");
        assert_eq!(wires.len(), self.encoders.len() * periods, "one wire value per channel per period");
        if periods == 0 {
            return 0;
        }
        let offered = stripes.len() / lanes;
        // Which stripe each period sends, if any (`MARKER` for a marker slot).
        const MARKER: usize = usize::MAX;
        const IDLE: usize = usize::MAX - 1;
        let mut plan = Vec::with_capacity(periods);
        let mut taken = 0;
        for _ in 0..periods {
            let marker = self.next_is_marker();
            self.slot += 1;
            let offer = taken < offered;
            if offer {
                if marker {
                    self.cov.hit(Cover::TxOfferInMarkerSlot);
                } else if !self.map_written {
                    self.cov.hit(Cover::ResetTxMapDefault);
                }
            }
            plan.push(if marker {
                MARKER
            } else if offer {
                taken += 1;
                taken - 1
            } else {
                IDLE
            });
        }
        let encode = |((enc, carries), out): ((&mut E, &Option<u16>), &mut [u128])| {
            let Some(lane) = *carries else {
                out.fill(0);
                return;
            };
            for (w, &s) in out.iter_mut().zip(&plan) {
                *w = enc.encode(match s {
                    MARKER => TxSymbol::Marker(lane),
                    IDLE => TxSymbol::Idle,
                    _ if lane == SPARE_LANE => TxSymbol::Idle,
                    s => TxSymbol::Data(stripes[s * lanes + usize::from(lane)]),
                });
            }
        };
        if crate::parallel::worth_it(wires.len()) {
            use rayon::prelude::*;
            self.encoders
                .par_iter_mut()
                .zip(self.carries.par_iter())
                .zip(wires.par_chunks_mut(periods))
                .with_min_len(crate::parallel::MIN_PORTS_PER_TASK)
                .for_each(encode);
        } else {
            self.encoders.iter_mut().zip(self.carries.iter()).zip(wires.chunks_mut(periods)).for_each(encode);
        }
        taken
    }
}

/// The serial words of one block on a channel `ser_w` bits wide: clock `j` of the block
/// period carries block bits `j*ser_w .. (j+1)*ser_w`, the first of them in bit 0.
pub fn serial_words(wire: u128, ser_w: u32) -> impl Iterator<Item = u128> {
    let mask = if ser_w >= 64 { u128::MAX } else { (1u128 << ser_w) - 1 };
    (0..crate::block::BLOCK_BITS / ser_w).map(move |j| (wire >> (j * ser_w)) & mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{Block, SyncHeader};
    use crate::config::LinkParams;
    use crate::marker::MarkerRepr;

    fn cfg(lanes: u32, spares: u32, am_period: u32) -> LinkConfig {
        LinkConfig::new(LinkParams { lanes, spares, am_period, max_skew_bits: 0, ser_w: 66, seed: 0 })
            .unwrap()
    }

    #[test]
    fn markers_every_period_and_stripes_refused_in_marker_slots() {
        let c = cfg(3, 1, 4);
        let mut tx = Transmitter::new(&c, LaneMap::identity(3, 1)).unwrap();
        let mut out = vec![0u128; 4];
        for slot in 0..12 {
            let taken = tx.step(Some(&[1, 2, 3]), &mut out);
            assert_eq!(taken, slot % 4 != 0, "slot {slot}");
            for (ch, &w) in out.iter().enumerate() {
                let m = Block::from_bits(w).and_then(|b| MarkerRepr::parse(b).ok());
                if slot % 4 == 0 {
                    let lane = if ch < 3 { ch as u16 } else { SPARE_LANE };
                    assert_eq!(m.map(|m| m.lane), Some(lane), "slot {slot} channel {ch}");
                } else {
                    let b = Block::from_bits(w).unwrap();
                    let h = if ch < 3 { SyncHeader::Data } else { SyncHeader::Control };
                    assert_eq!(b.header, h, "slot {slot} channel {ch}");
                }
            }
        }
    }

    #[test]
    fn failed_channels_are_dark() {
        let c = cfg(2, 1, 4);
        let map = LaneMap::with_failed(2, 1, &[0]).unwrap();
        let mut tx = Transmitter::new(&c, map).unwrap();
        let mut out = vec![0u128; 3];
        for _ in 0..8 {
            tx.step(None, &mut out);
            assert_eq!(out[0], 0);
            assert_ne!(out[1], 0);
        }
    }

    #[test]
    fn serial_words_cover_the_block_bit_0_first() {
        let wire = Block::data(0xFEDC_BA98_7654_3210).to_bits();
        for w in crate::config::SER_WIDTHS {
            let mut back = 0u128;
            for (j, word) in serial_words(wire, w).enumerate() {
                back |= word << (j as u32 * w);
            }
            assert_eq!(back, wire, "ser_w {w}");
        }
    }

    #[test]
    fn wrong_map_is_an_error() {
        let e = Transmitter::new(&cfg(3, 1, 4), LaneMap::identity(2, 1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "lane map has 2 lanes on 3 channels, but the link has 3 lanes on 4 channels"
        );
    }
}
