//! The 66-bit block: a 2-bit sync header and a 64-bit payload (IEEE 802.3 Clause 49).
//!
//! ## Bit order (normative: `docs/spec.md`, "Bit order")
//! A block is 66 bits numbered 0..=65 in wire order: bit 0 is transmitted first. Bits 0
//! and 1 are the sync header, bits 2..=65 the payload, payload bit `k` being block bit
//! `k + 2`. Wherever a block sits in an integer or a bus, bit `k` of the block is bit `k` of
//! that integer (LSB first), so the header value `0b10` (bit 0 = 0, bit 1 = 1) is the
//! header 802.3 writes as "01" in wire order: the data header.
//!
//! [`Block`] is the parsed representation; [`Block::to_bits`] and [`Block::from_bits`]
//! convert to and from the 66-bit wire value held in a `u128`.
//!
//! Nothing here panics.

/// Bits in one block.
pub const BLOCK_BITS: u32 = 66;
/// Bits of sync header at the start of every block.
pub const SYNC_BITS: u32 = 2;

/// Idle control block payload: block type 0x1E (802.3 Figure 49-7, "C0..C7" all /I/) in
/// payload bits 0..=7, then eight 7-bit idle control characters /I/ = 0x00.
pub const IDLE_PAYLOAD: u64 = 0x1E;

/// The 2-bit sync header, as the value of block bits 1:0 (bit 0 first on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum SyncHeader {
    /// Wire order 0 then 1 ("01" in 802.3): a data block. Value `0b10`.
    Data = 0b10,
    /// Wire order 1 then 0 ("10" in 802.3): a control block. Value `0b01`.
    Control = 0b01,
}

impl SyncHeader {
    /// Parses the 2-bit value of block bits 1:0; `None` for the invalid headers 00 and 11.
    #[inline]
    pub fn from_bits(bits: u8) -> Option<SyncHeader> {
        match bits & 0b11 {
            0b10 => Some(SyncHeader::Data),
            0b01 => Some(SyncHeader::Control),
            _ => None,
        }
    }
    /// The 2-bit value of block bits 1:0.
    #[inline]
    pub fn bits(self) -> u8 {
        self as u8
    }
}

/// One 66-bit block: a sync header and a 64-bit payload whose bit `k` is block bit `k + 2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Block {
    /// Block bits 1:0.
    pub header: SyncHeader,
    /// Block bits 65:2.
    pub payload: u64,
}

impl Block {
    /// The idle control block, unscrambled.
    pub const IDLE: Block = Block { header: SyncHeader::Control, payload: IDLE_PAYLOAD };

    /// A data block carrying `payload`.
    #[inline]
    pub fn data(payload: u64) -> Block {
        Block { header: SyncHeader::Data, payload }
    }

    /// The 66-bit wire value: bit `k` of the result is block bit `k`.
    #[inline]
    pub fn to_bits(self) -> u128 {
        u128::from(self.header.bits()) | (u128::from(self.payload) << SYNC_BITS)
    }

    /// Parses a 66-bit wire value (bits above 65 ignored); `None` if the header is 00 or 11.
    #[inline]
    pub fn from_bits(bits: u128) -> Option<Block> {
        let header = SyncHeader::from_bits(bits as u8)?;
        Some(Block { header, payload: (bits >> SYNC_BITS) as u64 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_header_is_zero_then_one_on_the_wire() {
        let bits = Block::data(0).to_bits();
        assert_eq!(bits & 1, 0, "first bit on the wire of a data block is 0");
        assert_eq!((bits >> 1) & 1, 1, "second bit on the wire of a data block is 1");
        let bits = Block::IDLE.to_bits();
        assert_eq!(bits & 0b11, 0b01, "control: 1 then 0");
    }

    #[test]
    fn payload_bit_k_is_block_bit_k_plus_2() {
        for k in 0..64 {
            let b = Block::data(1u64 << k).to_bits();
            assert_eq!(b, (1u128 << (k + 2)) | 0b10);
        }
    }

    #[test]
    fn invalid_headers_rejected() {
        assert_eq!(Block::from_bits(0), None);
        assert_eq!(Block::from_bits(0b11), None);
        let b = Block { header: SyncHeader::Control, payload: 0xDEAD_BEEF_0123_4567 };
        assert_eq!(Block::from_bits(b.to_bits()), Some(b));
    }
}
