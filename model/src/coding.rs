//! The per-lane line code, behind one seam.
//!
//! Striping, the lane map, deskew and reassembly see a lane as a sequence of
//! [`TxSymbol`]s / [`RxSymbol`]s, one per block slot; only the code knows bits. A code is a
//! pair [`LaneEncoder`] / [`LaneDecoder`], one instance per physical channel, plus its
//! block length. Tessera's first code is [`Encoder64b66b`] / [`Decoder64b66b`]: 802.3
//! Clause 49 framing, the x^58+x^39+1 scrambler, Clause 82-style markers with BIP-8. Other
//! codes (Interlaken-style 64b/67b with DC-balance inversion, 8b/10b) implement the same two
//! traits and need no change to striping, deskew or reassembly.
//!
//! Wire values are `u128` holding one block, block bit `k` in bit `k`, bit 0 first on the
//! wire. Nothing here panics.

use crate::block::{Block, SyncHeader, BLOCK_BITS, IDLE_PAYLOAD, SYNC_BITS};
use crate::scrambler::{TAP_A, TAP_B};
use crate::coverage::Cover;
use crate::marker::{Bip8, MarkerError, MarkerRepr, MarkerView};
use crate::scrambler::{Descrambler, Scrambler};

/// What a transmitter puts in one block slot of one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxSymbol {
    /// One 64-bit host word.
    Data(u64),
    /// No host data this slot.
    Idle,
    /// An alignment marker carrying this lane number.
    Marker(u16),
}

/// What a receiver reads from one non-marker block slot of one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RxSymbol {
    /// A data block, descrambled.
    Data(u64),
    /// An idle control block.
    Idle,
    /// A block that is neither: invalid sync header, or a control block that is not idle.
    Invalid,
}

/// One channel's encoder.
pub trait LaneEncoder: Default {
    /// Bits per block on the wire.
    const BLOCK_BITS: u32;
    /// Encodes one slot to its wire value.
    fn encode(&mut self, symbol: TxSymbol) -> u128;
}

/// One channel's decoder. The receiver's framing calls [`LaneDecoder::sync_valid`] while
/// hunting, then, once block lock holds, [`LaneDecoder::marker`] to find markers,
/// [`LaneDecoder::open_window`] at the marker that starts marker lock,
/// [`LaneDecoder::close_window`] at every marker slot after it, and
/// [`LaneDecoder::decode`] at every other slot.
pub trait LaneDecoder: Default {
    /// Bits per block on the wire.
    const BLOCK_BITS: u32;
    /// Whether the block's framing bits are valid (the sync header is 01 or 10).
    fn sync_valid(wire: u128) -> bool;
    /// The lane number, if the block is a valid marker.
    fn marker(wire: u128) -> Option<u16>;
    /// Starts the error-check window at a marker slot, the marker included.
    fn open_window(&mut self, wire: u128);
    /// Closes the error-check window at a marker slot and opens the next one with it;
    /// returns true when the window's check fails (a BIP-8 error).
    fn close_window(&mut self, wire: u128) -> bool;
    /// Decodes a non-marker slot.
    fn decode(&mut self, wire: u128) -> RxSymbol;
    /// Coverage: why a block in a marker slot is not a valid marker (`marker.reject.*`), if
    /// the line code can say.
    fn marker_miss(_wire: u128) -> Option<Cover> {
        None
    }
    /// [`LaneDecoder::close_window`], and the `bip.*` cover point of the check.
    fn close_window_covered(&mut self, wire: u128) -> (bool, Cover) {
        let error = self.close_window(wire);
        (error, if error { Cover::BipError } else { Cover::BipOk })
    }
}

/// A running BIP-8 kept unfolded: the XOR of the window's payloads and of its sync
/// headers. BIP-8 is linear (each bit an XOR of block bits), so folding the XOR of the
/// blocks once at the marker gives the parity [`Bip8::add`] block by block would: two XORs
/// per block instead of a fold.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BipAcc {
    pub(crate) payload: u64,
    pub(crate) header: u8,
}

impl BipAcc {
    #[inline]
    fn add_bits(&mut self, wire: u128) {
        self.payload ^= (wire >> 2) as u64;
        self.header ^= wire as u8;
    }
    #[inline]
    fn value(self) -> Bip8 {
        let mut bip = Bip8::default();
        bip.add(self.header & 0b11, self.payload);
        bip
    }
}

/// 64b/66b encoder: scrambler state and running BIP-8.
#[derive(Debug, Clone, Copy, Default)]
pub struct Encoder64b66b {
    pub(crate) scrambler: Scrambler,
    pub(crate) bip: BipAcc,
}

impl LaneEncoder for Encoder64b66b {
    const BLOCK_BITS: u32 = BLOCK_BITS;

    #[inline]
    fn encode(&mut self, symbol: TxSymbol) -> u128 {
        let block = match symbol {
            TxSymbol::Data(word) => Block::data(self.scrambler.scramble(word)),
            TxSymbol::Idle => {
                Block { header: SyncHeader::Control, payload: self.scrambler.scramble(IDLE_PAYLOAD) }
            }
            TxSymbol::Marker(lane) => {
                let marker = MarkerRepr { lane, bip: self.bip.value().0 }.emit();
                self.bip = BipAcc::default();
                marker
            }
        };
        let wire = block.to_bits();
        self.bip.add_bits(wire);
        wire
    }
}

/// 64b/66b decoder: descrambler state and running BIP-8.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decoder64b66b {
    pub(crate) descrambler: Descrambler,
    pub(crate) bip: BipAcc,
}

impl LaneDecoder for Decoder64b66b {
    const BLOCK_BITS: u32 = BLOCK_BITS;

    #[inline]
    fn sync_valid(wire: u128) -> bool {
        SyncHeader::from_bits(wire as u8).is_some()
    }

    #[inline]
    fn marker(wire: u128) -> Option<u16> {
        Block::from_bits(wire).and_then(|b| MarkerRepr::parse(b).ok()).map(|m| m.lane)
    }

    fn open_window(&mut self, wire: u128) {
        self.bip = BipAcc::default();
        self.bip.add_bits(wire);
    }

    #[inline]
    fn close_window(&mut self, wire: u128) -> bool {
        let mismatch = MarkerView((wire >> 2) as u64).bip_mismatch(self.bip.value());
        self.open_window(wire);
        mismatch
    }

    fn marker_miss(wire: u128) -> Option<Cover> {
        let Some(block) = Block::from_bits(wire) else { return Some(Cover::MarkerRejectHeader) };
        match MarkerRepr::parse(block) {
            Ok(_) => None,
            Err(MarkerError::NotControl) => Some(Cover::MarkerRejectHeader),
            Err(MarkerError::Signature(_)) => Some(Cover::MarkerRejectSignature),
            Err(MarkerError::Complement) => {
                // The first byte pair (M0/M4, M1/M5, M2/M6) whose complement fails.
                let v = block.payload;
                let pair = |k: u32| (v >> (8 * k)) as u8 != !((v >> (8 * (k + 4))) as u8);
                Some(if pair(0) {
                    Cover::MarkerRejectM0M4
                } else if pair(1) {
                    Cover::MarkerRejectM1M5
                } else {
                    Cover::MarkerRejectM2M6
                })
            }
        }
    }

    fn close_window_covered(&mut self, wire: u128) -> (bool, Cover) {
        let view = MarkerView((wire >> 2) as u64);
        let computed = self.bip.value();
        let error = view.bip_mismatch(computed);
        self.open_window(wire);
        let cover = if error {
            Cover::BipError
        } else if view.bip3() != !view.bip7() {
            // The two copies disagree and one matched: the other alone is wrong.
            if view.bip3() == computed.0 {
                Cover::BipBip7Only
            } else {
                Cover::BipBip3Only
            }
        } else {
            Cover::BipOk
        };
        (error, cover)
    }

    #[inline]
    fn decode(&mut self, wire: u128) -> RxSymbol {
        self.bip.add_bits(wire);
        let payload = self.descrambler.descramble((wire >> 2) as u64);
        match SyncHeader::from_bits(wire as u8) {
            Some(SyncHeader::Data) => RxSymbol::Data(payload),
            Some(SyncHeader::Control) if payload == IDLE_PAYLOAD => RxSymbol::Idle,
            _ => RxSymbol::Invalid,
        }
    }
}

/// `L` channels of 64b/66b side by side, for the block periods of a steady batch that
/// carry data or idle (no marker): each channel's encoder and the decoder of the port it
/// reaches, over a clean channel, in arrays of `L` so that the compiler puts the lanes in
/// SIMD registers. [`SideBySide::period`] does what [`Encoder64b66b::encode`] of the
/// symbol and [`Decoder64b66b::decode`] of the wire value it gives would do, lane by lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SideBySide<const L: usize> {
    /// Each encoder's scrambler state.
    pub(crate) tx_prev: [u64; L],
    /// Each decoder's descrambler state.
    pub(crate) rx_prev: [u64; L],
    /// The XOR of the payloads sent since [`SideBySide::load`], which both BIP-8
    /// accumulators take.
    bip_payload: [u64; L],
    /// The XOR of the low bytes of the wire values (header and first payload bits).
    bip_low: [u64; L],
}

impl<const L: usize> SideBySide<L> {
    /// The states of `L` encoders and the decoders their values reach.
    pub(crate) fn load(encoders: [&Encoder64b66b; L], decoders: [&Decoder64b66b; L]) -> Self {
        SideBySide {
            tx_prev: encoders.map(|e| e.scrambler.prev),
            rx_prev: decoders.map(|d| d.descrambler.prev),
            bip_payload: [0; L],
            bip_low: [0; L],
        }
    }

    /// Writes the states back.
    pub(crate) fn store(&self, encoders: [&mut Encoder64b66b; L], decoders: [&mut Decoder64b66b; L]) {
        for (i, (e, d)) in encoders.into_iter().zip(decoders).enumerate() {
            e.scrambler.prev = self.tx_prev[i];
            d.descrambler.prev = self.rx_prev[i];
            for bip in [&mut e.bip, &mut d.bip] {
                bip.payload ^= self.bip_payload[i];
                bip.header ^= self.bip_low[i] as u8;
            }
        }
    }

    /// Whether every decoder's descrambler holds what its encoder's scrambler holds (the
    /// last scrambled payload of an error-free lane): each decoder then descrambles exactly
    /// the payload sent, and [`SideBySide::period_in_sync`] stands for
    /// [`SideBySide::period`].
    pub(crate) fn in_sync(&self) -> bool {
        self.tx_prev == self.rx_prev
    }

    /// [`SideBySide::period`] of lanes [`SideBySide::in_sync`], which stay so: what each
    /// decoder descrambles is `payload` itself (a self-synchronising descrambler whose state
    /// is its scrambler's undoes it), so only the scrambler and the BIP-8 sums run.
    #[inline(always)]
    pub(crate) fn period_in_sync(&mut self, payload: &[u64; L], header: SyncHeader) {
        for (i, &p) in payload.iter().enumerate() {
            let prev = self.tx_prev[i];
            let t = p ^ (prev >> (64 - TAP_A)) ^ (prev >> (64 - TAP_B));
            let sent = t ^ (t << TAP_A) ^ (t << TAP_B);
            self.tx_prev[i] = sent;
            self.rx_prev[i] = sent;
            self.bip_payload[i] ^= sent;
            self.bip_low[i] ^= (sent << SYNC_BITS) | header as u64;
        }
    }

    /// One block period: lane `i` sends `payload[i]` (a host word, or [`IDLE_PAYLOAD`]) under
    /// sync header `header`; returns what each decoder descrambles.
    #[inline(always)]
    pub(crate) fn period(&mut self, payload: &[u64; L], header: SyncHeader) -> [u64; L] {
        let mut out = [0u64; L];
        for i in 0..L {
            let prev = self.tx_prev[i];
            let t = payload[i] ^ (prev >> (64 - TAP_A)) ^ (prev >> (64 - TAP_B));
            let sent = t ^ (t << TAP_A) ^ (t << TAP_B);
            self.tx_prev[i] = sent;
            self.bip_payload[i] ^= sent;
            self.bip_low[i] ^= (sent << SYNC_BITS) | header as u64;
            let rx = self.rx_prev[i];
            out[i] = sent ^ (sent << TAP_A) ^ (sent << TAP_B) ^ (rx >> (64 - TAP_A)) ^ (rx >> (64 - TAP_B));
            self.rx_prev[i] = sent;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_survive_encode_decode() {
        let mut enc = Encoder64b66b::default();
        let mut dec = Decoder64b66b::default();
        let words = [0u64, u64::MAX, 0x0123_4567_89AB_CDEF, 42];
        let mut first = true;
        for round in 0..3 {
            let m = enc.encode(TxSymbol::Marker(5));
            assert_eq!(Decoder64b66b::marker(m), Some(5));
            if first {
                dec.open_window(m);
                first = false;
            } else {
                assert!(!dec.close_window(m), "round {round}: BIP agrees");
            }
            for w in words {
                let got = dec.decode(enc.encode(TxSymbol::Data(w)));
                // The descrambler needs one word of history after reset.
                if round > 0 || w != words[0] {
                    assert_eq!(got, RxSymbol::Data(w));
                }
            }
            assert_eq!(dec.decode(enc.encode(TxSymbol::Idle)), RxSymbol::Idle);
        }
    }

    /// Side by side against each lane's own encoder and decoder, block by block, with
    /// markers (which `SideBySide` never sees) between runs and decoders out of step.
    #[test]
    fn side_by_side_is_each_lane_encoded_and_decoded_alone() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(66);
        let mut encoders: [Encoder64b66b; 4] = [Encoder64b66b::default(); 4];
        let mut decoders: [Decoder64b66b; 4] = Default::default();
        for d in &mut decoders {
            d.descrambler.prev = rng.gen();
        }
        let (mut fast_e, mut fast_d) = (encoders, decoders);
        for run in 0..20 {
            let mut lanes = SideBySide::<4>::load(fast_e.each_ref(), fast_d.each_ref());
            for _ in 0..rng.gen_range(1..40) {
                let idle = rng.gen_bool(0.2);
                let words: [u64; 4] = rng.gen();
                let (payload, header) = if idle { ([IDLE_PAYLOAD; 4], SyncHeader::Control) } else { (words, SyncHeader::Data) };
                let got = lanes.period(&payload, header);
                for i in 0..4 {
                    let wire = encoders[i].encode(if idle { TxSymbol::Idle } else { TxSymbol::Data(words[i]) });
                    assert_eq!(wire as u8 & 0b11, header as u8, "run {run} lane {i}: header");
                    match decoders[i].decode(wire) {
                        RxSymbol::Data(w) => assert_eq!(got[i], w, "run {run} lane {i}: data"),
                        RxSymbol::Idle => assert_eq!(got[i], IDLE_PAYLOAD, "run {run} lane {i}: idle"),
                        RxSymbol::Invalid => assert!(idle && got[i] != IDLE_PAYLOAD, "run {run} lane {i}: invalid"),
                    }
                }
            }
            lanes.store(fast_e.each_mut(), fast_d.each_mut());
            for i in 0..4 {
                for (a, b) in [(encoders[i].bip, fast_e[i].bip), (decoders[i].bip, fast_d[i].bip)] {
                    assert_eq!((a.payload, a.header), (b.payload, b.header), "run {run} lane {i}: BIP-8 sums");
                }
            }
            // A marker on every lane: the BIP-8 each side sends and checks must agree.
            for i in 0..4 {
                let (a, b) = (encoders[i].encode(TxSymbol::Marker(i as u16)), fast_e[i].encode(TxSymbol::Marker(i as u16)));
                assert_eq!(a, b, "run {run} lane {i}: marker (TX BIP-8)");
                assert_eq!(decoders[i].close_window(a), fast_d[i].close_window(b), "run {run} lane {i}: RX BIP-8");
                assert_eq!(encoders[i].scrambler, fast_e[i].scrambler);
                assert_eq!(decoders[i].descrambler, fast_d[i].descrambler);
            }
        }
    }

    /// In step (each descrambler holding its scrambler's state), `period_in_sync` leaves
    /// the states and sums `period` leaves, and `period` hands back the payload sent.
    #[test]
    fn in_sync_lanes_descramble_their_payload() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(67);
        let mut encoders: [Encoder64b66b; 4] = [Encoder64b66b::default(); 4];
        for e in &mut encoders {
            e.scrambler.prev = rng.gen();
        }
        let mut decoders: [Decoder64b66b; 4] = Default::default();
        for (d, e) in decoders.iter_mut().zip(&encoders) {
            d.descrambler.prev = e.scrambler.prev;
        }
        let mut full = SideBySide::<4>::load(encoders.each_ref(), decoders.each_ref());
        let mut short = full;
        assert!(full.in_sync());
        for _ in 0..100 {
            let (payload, header) =
                if rng.gen_bool(0.2) { ([IDLE_PAYLOAD; 4], SyncHeader::Control) } else { (rng.gen(), SyncHeader::Data) };
            assert_eq!(full.period(&payload, header), payload);
            short.period_in_sync(&payload, header);
            assert_eq!(short, full);
        }
        // Out of step, the descrambled words are not the payload.
        full.rx_prev[2] ^= 1 << 40;
        assert!(!full.in_sync());
        assert_ne!(full.period(&[7; 4], SyncHeader::Data)[2], 7);
    }

    #[test]
    fn unfolded_bip_is_the_block_by_block_bip() {
        let mut x = 0x0123_4567_89AB_CDEFu128;
        let (mut acc, mut bip) = (BipAcc::default(), Bip8::default());
        for _ in 0..1000 {
            x = x.wrapping_mul(0x2545_F491_4F6C_DD1D_4F6C_DD1D_2545_F491).wrapping_add(77);
            let wire = x & ((1 << 66) - 1);
            acc.add_bits(wire);
            bip.add_bits(wire);
            assert_eq!(acc.value(), bip);
        }
    }

    #[test]
    fn one_flipped_bit_is_one_bip_error() {
        let mut enc = Encoder64b66b::default();
        let mut dec = Decoder64b66b::default();
        dec.open_window(enc.encode(TxSymbol::Marker(0)));
        for bit in 0..66 {
            let w = enc.encode(TxSymbol::Data(bit as u64 * 77));
            dec.decode(w ^ (1 << bit));
            assert!(dec.close_window(enc.encode(TxSymbol::Marker(0))), "bit {bit}");
        }
    }
}
