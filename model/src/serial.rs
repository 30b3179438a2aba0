//! Serial bit streams: a FIFO of bits in wire order, stored LSB first in 64-bit words.
//!
//! Bit `i` of a [`BitQueue`] is the `i`-th bit on the wire after the queue's head. Bits go
//! in at the tail a field at a time ([`BitQueue::push`], [`BitQueue::push_block`]) and come
//! out at the head ([`BitQueue::peek`], [`BitQueue::consume`]); a field of `n` bits read at
//! offset `o` has the bit at offset `o` in its bit 0. This is the representation of every
//! physical channel's line in the model: TX output, channel model, RX input.
//!
//! ## What may panic
//! [`BitQueue::peek`] and [`BitQueue::consume`] panic when asked for bits beyond
//! [`BitQueue::len`], and `push`/`peek` when `n > 64`: both are the caller's contract.

use bitvec::prelude::*;

use crate::block::{Block, BLOCK_BITS};

/// A FIFO of bits in wire order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BitQueue {
    bits: BitVec<u64, Lsb0>,
    head: usize,
}

impl BitQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Bits waiting between head and tail.
    #[inline]
    pub fn len(&self) -> usize {
        self.bits.len() - self.head
    }

    /// True when no bit is waiting.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends the low `n` bits of `value`, bit 0 first.
    #[inline]
    pub fn push(&mut self, value: u64, n: u32) {
        assert!(n <= 64, "BitQueue::push of {n} bits");
        if n == 0 {
            return;
        }
        let at = self.bits.len();
        self.bits.resize(at + n as usize, false);
        self.bits[at..].store_le(value);
    }

    /// Appends one 66-bit block, block bit 0 first.
    #[inline]
    pub fn push_block(&mut self, block: Block) {
        let bits = block.to_bits();
        self.push(bits as u64, 64);
        self.push((bits >> 64) as u64, BLOCK_BITS - 64);
    }

    /// Appends `n` zero bits (an idle or dark line).
    pub fn push_zeros(&mut self, n: usize) {
        let at = self.bits.len();
        self.bits.resize(at + n, false);
    }

    /// Appends a slice of bits in order.
    pub fn push_bits(&mut self, bits: &BitSlice<u64, Lsb0>) {
        self.bits.extend_from_bitslice(bits);
    }

    /// Reads `n <= 64` bits starting `offset` bits after the head, the first in bit 0.
    #[inline]
    pub fn peek(&self, offset: usize, n: u32) -> u64 {
        assert!(n <= 64, "BitQueue::peek of {n} bits");
        if n == 0 {
            return 0;
        }
        let at = self.head + offset;
        self.bits[at..at + n as usize].load_le::<u64>()
    }

    /// Reads a 66-bit field starting `offset` bits after the head (a block's wire value).
    #[inline]
    pub fn peek_block_bits(&self, offset: usize) -> u128 {
        let lo = self.peek(offset, 64);
        let hi = self.peek(offset + 64, BLOCK_BITS - 64);
        u128::from(lo) | (u128::from(hi) << 64)
    }

    /// Drops `n` bits from the head.
    #[inline]
    pub fn consume(&mut self, n: usize) {
        assert!(n <= self.len(), "BitQueue::consume of {n} bits with {} queued", self.len());
        self.head += n;
        // Reclaim the consumed prefix once it is large, keeping the work amortised O(1).
        if self.head >= 1 << 16 && self.head * 2 >= self.bits.len() {
            let keep_from = self.head - self.head % 64;
            self.bits.drain(..keep_from);
            self.head -= keep_from;
        }
    }

    /// The waiting bits, head first.
    pub fn as_bitslice(&self) -> &BitSlice<u64, Lsb0> {
        &self.bits[self.head..]
    }

    /// Removes and returns every waiting bit.
    pub fn take_all(&mut self) -> BitVec<u64, Lsb0> {
        let out = self.bits[self.head..].to_bitvec();
        self.bits.clear();
        self.head = 0;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_out_as_they_went_in() {
        let mut q = BitQueue::new();
        q.push(0b101, 3);
        q.push(0xFFFF_0000_1234_5678, 64);
        q.push_block(Block::data(0xA5A5_5A5A_0F0F_F0F0));
        assert_eq!(q.len(), 3 + 64 + 66);
        assert_eq!(q.peek(0, 1), 1);
        assert_eq!(q.peek(1, 1), 0);
        assert_eq!(q.peek(0, 3), 0b101);
        assert_eq!(q.peek(3, 64), 0xFFFF_0000_1234_5678);
        assert_eq!(
            Block::from_bits(q.peek_block_bits(67)),
            Some(Block::data(0xA5A5_5A5A_0F0F_F0F0))
        );
        q.consume(67);
        assert_eq!(q.len(), 66);
        assert_eq!(q.peek(0, 2), 0b10);
    }

    #[test]
    fn long_streams_compact_without_losing_bits() {
        let mut q = BitQueue::new();
        let mut expect = 0u64;
        for i in 0..100_000u64 {
            q.push(i, 17);
            if q.len() >= 34 {
                assert_eq!(q.peek(0, 17), expect & 0x1_FFFF);
                q.consume(17);
                expect += 1;
            }
        }
        assert!(q.bits.len() < 1 << 18, "consumed bits are reclaimed");
    }
}
