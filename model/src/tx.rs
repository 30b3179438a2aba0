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

/// A period of a batch plan ([`Transmitter::plan_periods`]) that is a marker slot.
pub(crate) const PLAN_MARKER: u32 = u32::MAX;
/// A period of a batch plan that sends idle (no stripe left to take).
pub(crate) const PLAN_IDLE: u32 = u32::MAX - 1;

/// One channel's wire values over the periods of a batch plan: its encoder (a copy, left
/// in [`ChannelWires::encoder`] when the values are taken) run on what each period sends.
#[derive(Debug, Clone)]
pub(crate) struct ChannelWires<'a, E> {
    encoder: E,
    carries: Option<u16>,
    plan: std::slice::Iter<'a, u32>,
    stripes: &'a [u64],
    lanes: usize,
}

impl<'a, E> ChannelWires<'a, E> {
    /// The encoder after the values taken so far.
    pub(crate) fn encoder(&self) -> &E {
        &self.encoder
    }

    /// The encoder, to be run elsewhere on the periods of [`ChannelWires::plan_rest`]
    /// (then passed over with [`ChannelWires::pass`]).
    pub(crate) fn encoder_mut(&mut self) -> &mut E {
        &mut self.encoder
    }

    /// What the periods not yet taken send.
    pub(crate) fn plan_rest(&self) -> &'a [u32] {
        self.plan.as_slice()
    }

    /// Passes over the next `n` periods (their values taken elsewhere).
    pub(crate) fn pass(&mut self, n: usize) {
        self.plan = self.plan.as_slice()[n..].iter();
    }

    /// The lane whose words the channel sends, if it carries one (not failed, not a spare).
    pub(crate) fn lane(&self) -> Option<usize> {
        self.carries.filter(|&l| l != SPARE_LANE).map(usize::from)
    }

    /// Whether the channel is a spare (it sends idle in every period that is not a marker).
    pub(crate) fn is_spare(&self) -> bool {
        self.carries == Some(SPARE_LANE)
    }

    /// The stripes the plan's indices are into, and their words per stripe.
    pub(crate) fn stripes(&self) -> (&'a [u64], usize) {
        (self.stripes, self.lanes)
    }
}

impl<E: LaneEncoder> Iterator for ChannelWires<'_, E> {
    type Item = u128;

    #[inline]
    fn next(&mut self) -> Option<u128> {
        let &s = self.plan.next()?;
        let Some(lane) = self.carries else { return Some(0) };
        Some(self.encoder.encode(match s {
            PLAN_MARKER => TxSymbol::Marker(lane),
            PLAN_IDLE => TxSymbol::Idle,
            _ if lane == SPARE_LANE => TxSymbol::Idle,
            s => TxSymbol::Data(self.stripes[s as usize * self.lanes + usize::from(lane)]),
        }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.plan.size_hint()
    }
}

impl<E: LaneEncoder + Clone + Send + Sync> Transmitter<E> {
    /// What each of the next `periods` block periods sends when the stripes of a slice of
    /// `offered` stripes are offered in turn (as [`Transmitter::step`] called once a period
    /// with the next stripe not yet taken would): [`PLAN_MARKER`], [`PLAN_IDLE`] or the
    /// index of the stripe taken. Fills `plan` and returns the stripes taken; changes
    /// nothing ([`Transmitter::advance`] does, once the periods are sent).
    pub(crate) fn plan_periods(&self, offered: usize, periods: usize, plan: &mut Vec<u32>) -> usize {
        plan.clear();
        let am = u64::from(self.cfg.am_period());
        let mut taken = 0u32;
        for slot in self.slot..self.slot + periods as u64 {
            plan.push(if slot.is_multiple_of(am) {
                PLAN_MARKER
            } else if (taken as usize) < offered {
                taken += 1;
                taken - 1
            } else {
                PLAN_IDLE
            });
        }
        taken as usize
    }

    /// The block periods from now until `stripes` stripes offered one after another are
    /// taken: `stripes` plus the marker slots among them (the last period takes a stripe).
    pub(crate) fn periods_for(&self, stripes: usize) -> usize {
        let am = u64::from(self.cfg.am_period());
        let markers_before = |slot: u64| slot.div_ceil(am);
        let mut periods = stripes as u64;
        loop {
            let markers = markers_before(self.slot + periods) - markers_before(self.slot);
            if stripes as u64 + markers == periods {
                return periods as usize;
            }
            periods = stripes as u64 + markers;
        }
    }

    /// The wire values channel `c` sends over the periods of `plan` (from
    /// [`Transmitter::plan_periods`], with the same `stripes`), from its encoder as it is.
    pub(crate) fn channel_wires<'a>(&self, c: usize, stripes: &'a [u64], plan: &'a [u32]) -> ChannelWires<'a, E> {
        ChannelWires {
            encoder: self.encoders[c].clone(),
            carries: self.carries[c],
            plan: plan.iter(),
            stripes,
            lanes: self.cfg.lanes() as usize,
        }
    }

    /// Asks for what [`Transmitter::channel_wires`] of channel `c` reads to be brought into
    /// the cache ([`crate::cache`]).
    #[inline]
    pub(crate) fn prefetch_channel(&self, c: usize) {
        crate::cache::prefetch(&self.encoders[c]);
        crate::cache::prefetch(&self.carries[c]);
    }

    /// Channel `c`'s encoder after the periods of a plan ([`ChannelWires::encoder`]).
    pub(crate) fn set_encoder(&mut self, c: usize, encoder: E) {
        self.encoders[c] = encoder;
    }

    /// Counts the periods of `plan` as sent, with `offered` stripes offered: the slot
    /// advances and the cover points of the offers are hit, as the periods one at a time
    /// would hit them.
    pub(crate) fn advance(&mut self, plan: &[u32], offered: usize) {
        let mut taken = 0;
        for &s in plan {
            if taken < offered {
                if s == PLAN_MARKER {
                    self.cov.hit(Cover::TxOfferInMarkerSlot);
                } else if !self.map_written {
                    self.cov.hit(Cover::ResetTxMapDefault);
                }
            }
            taken += usize::from(s < PLAN_IDLE);
        }
        self.slot += plan.len() as u64;
    }

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
        let mut plan = Vec::with_capacity(periods);
        let taken = self.plan_periods(offered, periods, &mut plan);
        let this = &*self;
        let encode = |(c, out): (usize, &mut [u128])| {
            let mut values = this.channel_wires(c, stripes, &plan);
            for (w, v) in out.iter_mut().zip(&mut values) {
                *w = v;
            }
            values.encoder
        };
        let encoders: Vec<E> = if crate::parallel::worth_it(wires.len()) {
            use rayon::prelude::*;
            wires.par_chunks_mut(periods).enumerate().with_min_len(crate::parallel::MIN_PORTS_PER_TASK).map(encode).collect()
        } else {
            wires.chunks_mut(periods).enumerate().map(encode).collect()
        };
        self.encoders = encoders;
        self.advance(&plan, offered);
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
