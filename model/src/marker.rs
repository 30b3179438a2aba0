//! Alignment markers and BIP-8, laid out as the IEEE 802.3 Clause 82 marker.
//!
//! A marker is a control block (sync header `0b01`) whose payload is not scrambled and
//! does not advance the scrambler. Its eight payload bytes, byte `k` in payload bits
//! `8k..=8k+7` (so byte 0 goes first on the wire, each byte LSB first), are:
//!
//! | byte | name | content |
//! |------|------|---------|
//! | 0 | M0 | [`MARKER_SIGNATURE`] |
//! | 1 | M1 | logical lane number, bits 7:0 |
//! | 2 | M2 | logical lane number, bits 15:8 |
//! | 3 | BIP3 | BIP-8 of the channel's blocks since its previous marker |
//! | 4 | M4 | !M0 |
//! | 5 | M5 | !M1 |
//! | 6 | M6 | !M2 |
//! | 7 | BIP7 | !BIP3 |
//!
//! [`MarkerView`] is a view over a payload with the field positions named once in
//! [`field`]; [`MarkerRepr`] is the parsed form with [`MarkerRepr::parse`] and
//! [`MarkerRepr::emit`]. [`Bip8`] accumulates the parity. Nothing here panics.

use crate::block::{Block, SyncHeader};

/// M0, the fixed signature byte (802.3's M0 for lane 0).
pub const MARKER_SIGNATURE: u8 = 0xC1;
/// The lane number a spare (healthy channel carrying no lane) sends in its markers.
pub const SPARE_LANE: u16 = 0xFFFF;

/// Bit positions of the marker fields in the 64-bit payload.
pub mod field {
    /// First payload bit of each byte field.
    pub const M0: u32 = 0;
    pub const M1: u32 = 8;
    pub const M2: u32 = 16;
    pub const BIP3: u32 = 24;
    pub const M4: u32 = 32;
    pub const M5: u32 = 40;
    pub const M6: u32 = 48;
    pub const BIP7: u32 = 56;
}

/// A read-only view of a marker payload's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkerView(pub u64);

impl MarkerView {
    #[inline]
    fn byte(self, at: u32) -> u8 {
        (self.0 >> at) as u8
    }
    /// M0.
    pub fn m0(self) -> u8 {
        self.byte(field::M0)
    }
    /// The lane number from M1 (low) and M2 (high).
    pub fn lane(self) -> u16 {
        u16::from(self.byte(field::M1)) | u16::from(self.byte(field::M2)) << 8
    }
    /// BIP3.
    pub fn bip3(self) -> u8 {
        self.byte(field::BIP3)
    }
    /// BIP7.
    pub fn bip7(self) -> u8 {
        self.byte(field::BIP7)
    }
    /// M4..M6 equal the complements of M0..M2 (the BIP bytes are not part of the match).
    pub fn complements_hold(self) -> bool {
        const M_BYTES: u64 = 0x00FF_FFFF;
        (self.0 >> field::M4) & M_BYTES == !self.0 & M_BYTES
    }
    /// Whether the BIP-8 `computed` by the receiver over the window this marker closes
    /// disagrees with the marker: it matches neither BIP3 nor the complement of BIP7.
    /// Both bytes carry the same parity; with both compared, one bit error on the marker's
    /// own BIP bytes is not counted against the window it closes (it is counted, once, in
    /// the window the marker opens, whose parity it changes).
    #[inline]
    pub fn bip_mismatch(self, computed: Bip8) -> bool {
        computed.0 != self.bip3() && computed.0 != !self.bip7()
    }
}

/// Why a block is not a valid marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MarkerError {
    /// The sync header is not the control header.
    #[error("not a control block")]
    NotControl,
    /// M0 is not the signature.
    #[error("M0 is {0:#04x}, not the signature {MARKER_SIGNATURE:#04x}")]
    Signature(u8),
    /// A complement byte disagrees with its twin.
    #[error("M4..M6 are not the complements of M0..M2")]
    Complement,
}

/// A parsed alignment marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkerRepr {
    /// Logical lane number, or [`SPARE_LANE`].
    pub lane: u16,
    /// BIP-8 carried in BIP3.
    pub bip: u8,
}

impl MarkerRepr {
    /// Parses a received block as a marker: the control header, M0 and the complements
    /// M4..M6 must all be right; as in 802.3 the BIP bytes are not part of the match.
    #[inline]
    pub fn parse(block: Block) -> Result<MarkerRepr, MarkerError> {
        if block.header != SyncHeader::Control {
            return Err(MarkerError::NotControl);
        }
        let v = MarkerView(block.payload);
        if v.m0() != MARKER_SIGNATURE {
            return Err(MarkerError::Signature(v.m0()));
        }
        if !v.complements_hold() {
            return Err(MarkerError::Complement);
        }
        Ok(MarkerRepr { lane: v.lane(), bip: v.bip3() })
    }

    /// The marker as a block.
    #[inline]
    pub fn emit(self) -> Block {
        let low = u32::from(MARKER_SIGNATURE)
            | u32::from(self.lane) << field::M1
            | u32::from(self.bip) << field::BIP3;
        Block { header: SyncHeader::Control, payload: u64::from(low) | u64::from(!low) << 32 }
    }
}

/// BIP-8 over 66-bit blocks as 802.3 Table 82-4: bit `i` is the even parity of block bits
/// `i+2, i+10, ..., i+58` (payload bits `i, i+8, ..., i+56`), with sync header bit 0 also
/// in bit 3 and sync header bit 1 also in bit 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bip8(pub u8);

impl Bip8 {
    /// Folds one block, given as header bits and payload, into the parity.
    #[inline]
    pub fn add(&mut self, header_bits: u8, payload: u64) {
        let mut x = payload ^ (payload >> 32);
        x ^= x >> 16;
        x ^= x >> 8;
        // Header bit 0 goes to BIP bit 3 and header bit 1 to BIP bit 4: the two bits, moved
        // up by three.
        self.0 ^= (x as u8) ^ ((header_bits & 0b11) << 3);
    }
    /// Folds a 66-bit wire value into the parity.
    #[inline]
    pub fn add_bits(&mut self, wire: u128) {
        self.add((wire & 0b11) as u8, (wire >> 2) as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_round_trip_and_layout() {
        let m = MarkerRepr { lane: 0x1234, bip: 0xA5 };
        let b = m.emit();
        assert_eq!(b.header, SyncHeader::Control);
        assert_eq!(b.payload & 0xFF, 0xC1);
        assert_eq!((b.payload >> 8) & 0xFF, 0x34, "M1 holds the low byte");
        assert_eq!((b.payload >> 16) & 0xFF, 0x12);
        assert_eq!((b.payload >> 24) & 0xFF, 0xA5);
        assert_eq!(b.payload >> 32, u64::from(!(b.payload as u32)));
        assert_eq!(MarkerRepr::parse(b), Ok(m));
    }

    #[test]
    fn marker_match_covers_every_byte_but_the_bips() {
        let b = MarkerRepr { lane: 7, bip: 0x3C }.emit();
        for k in 0..64 {
            let hit = Block { payload: b.payload ^ (1 << k), ..b };
            let in_bip = (24..32).contains(&k) || k >= 56;
            assert_eq!(MarkerRepr::parse(hit).is_ok(), in_bip, "payload bit {k}");
            // One hit on either BIP byte leaves the other copy to compare with.
            assert!(!MarkerView(hit.payload).bip_mismatch(Bip8(0x3C)), "payload bit {k}");
            assert!(MarkerView(hit.payload).bip_mismatch(Bip8(0x3D)) || k == 24 || k == 56);
        }
        assert_eq!(MarkerRepr::parse(Block::data(b.payload)), Err(MarkerError::NotControl));
    }

    #[test]
    fn bip_bits_follow_table_82_4() {
        // Reference: walk every block bit and add it to the BIP bit the table names.
        let blocks = [Block::data(0xDEAD_BEEF_F00D_CAFE), Block::IDLE, MarkerRepr { lane: 3, bip: 9 }.emit()];
        let mut reference = 0u8;
        let mut bip = Bip8::default();
        for b in blocks {
            let w = b.to_bits();
            for bit in 0..66u32 {
                if (w >> bit) & 1 == 1 {
                    let i = match bit {
                        0 => 3,
                        1 => 4,
                        _ => (bit - 2) % 8,
                    };
                    reference ^= 1 << i;
                }
            }
            bip.add_bits(w);
        }
        assert_eq!(bip.0, reference);
    }
}
