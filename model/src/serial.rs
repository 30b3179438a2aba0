//! Serial bit streams: a FIFO of bits in wire order, stored LSB first in 64-bit words.
//!
//! Bit `i` of a [`BitQueue`] is the `i`-th bit on the wire after the queue's head. Bits go
//! in at the tail a field at a time ([`BitQueue::push`], [`BitQueue::push_block`]) and come
//! out at the head ([`BitQueue::peek`], [`BitQueue::consume`]); a field of `n` bits read at
//! offset `o` has the bit at offset `o` in its bit 0. This is the representation of every
//! physical channel's line in the model: TX output, channel model, RX input.
//!
//! The stream is also a bitvec [`BitSlice`] ([`BitQueue::as_bitslice`]) for bit-level
//! work that is not on the hot path.
//!
//! ## What may panic
//! [`BitQueue::peek`] and [`BitQueue::consume`] panic when asked for bits beyond
//! [`BitQueue::len`], and `push`/`peek` when `n > 64`: both are the caller's contract.

use bitvec::prelude::*;

use crate::block::{Block, BLOCK_BITS};

/// Consumed bits at the head a queue keeps before it moves its waiting bits down.
const COMPACT_BITS: usize = 512;

/// A FIFO of bits in wire order.
///
/// Storage is a vector of 64-bit words, bit `i` of the stream in bit `i % 64` of word
/// `i / 64` (bitvec's `Lsb0` order over `u64`, which [`BitQueue::as_bitslice`] exposes);
/// bits above the tail are kept zero, so a push is one OR and at most one new word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BitQueue {
    words: Vec<u64>,
    /// Bits stored, counted from bit 0 of word 0.
    end: usize,
    /// Bits already consumed from the front.
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
        self.end - self.head
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
        let value = if n == 64 { value } else { value & ((1u64 << n) - 1) };
        let off = (self.end % 64) as u32;
        if off == 0 {
            self.words.push(value);
        } else {
            *self.words.last_mut().expect("a partial word exists") |= value << off;
            if off + n > 64 {
                self.words.push(value >> (64 - off));
            }
        }
        self.end += n as usize;
    }

    /// Appends one 66-bit block, block bit 0 first.
    #[inline]
    pub fn push_block(&mut self, block: Block) {
        self.push_wire(block.to_bits(), BLOCK_BITS);
    }

    /// Appends the low `n <= 128` bits of a wire value, bit 0 first.
    #[inline(always)]
    pub fn push_wire(&mut self, wire: u128, n: u32) {
        assert!(n <= 128, "BitQueue::push_wire of {n} bits");
        if n <= 64 {
            self.push(wire as u64, n);
            return;
        }
        let value = if n == 128 { wire } else { wire & ((1u128 << n) - 1) };
        let off = (self.end % 64) as u32;
        let lo = value as u64;
        if off == 0 {
            self.words.push(lo);
            self.words.push((value >> 64) as u64);
        } else {
            // The shifted value spans the partial word and up to two new ones.
            *self.words.last_mut().expect("a partial word exists") |= lo << off;
            let rest = value >> (64 - off);
            self.words.push(rest as u64);
            if off + n > 128 {
                self.words.push((rest >> 64) as u64);
            }
        }
        self.end += n as usize;
        // A word pushed for a tail bit exactly at a word boundary would be a zero word
        // past the tail: never, since `off + n > 64` holds for every word pushed here.
        debug_assert_eq!(self.words.len(), self.end.div_ceil(64));
    }

    /// Appends `n` zero bits (an idle or dark line).
    pub fn push_zeros(&mut self, n: usize) {
        self.end += n;
        self.words.resize(self.end.div_ceil(64), 0);
    }

    /// Appends a slice of bits in order.
    pub fn push_bits(&mut self, bits: &BitSlice<u64, Lsb0>) {
        for chunk in bits.chunks(64) {
            self.push(chunk.load_le::<u64>(), chunk.len() as u32);
        }
    }

    /// Reads `n <= 64` bits starting `offset` bits after the head, the first in bit 0.
    #[inline]
    pub fn peek(&self, offset: usize, n: u32) -> u64 {
        assert!(n <= 64, "BitQueue::peek of {n} bits");
        let at = self.head + offset;
        assert!(at + n as usize <= self.end, "BitQueue::peek beyond the tail");
        if n == 0 {
            return 0;
        }
        let (w, off) = (at / 64, (at % 64) as u32);
        let mut v = self.words[w] >> off;
        if off + n > 64 {
            v |= self.words[w + 1] << (64 - off);
        }
        if n == 64 {
            v
        } else {
            v & ((1u64 << n) - 1)
        }
    }

    /// Reads a 66-bit field starting `offset` bits after the head (a block's wire value).
    #[inline]
    pub fn peek_block_bits(&self, offset: usize) -> u128 {
        self.peek_wide(offset, BLOCK_BITS)
    }

    /// Asks for the word at the head to be brought into the cache ([`crate::cache`]).
    #[inline(always)]
    pub(crate) fn prefetch_head(&self) {
        if let Some(word) = self.words.get(self.head / 64) {
            crate::cache::prefetch(word);
        }
    }

    /// Reads `n <= 128` bits starting `offset` bits after the head, the first in bit 0.
    #[inline(always)]
    pub fn peek_wide(&self, offset: usize, n: u32) -> u128 {
        assert!(n <= 128, "BitQueue::peek_wide of {n} bits");
        let at = self.head + offset;
        assert!(at + n as usize <= self.end, "BitQueue::peek_wide beyond the tail");
        if n == 0 {
            return 0;
        }
        let (w, off) = (at / 64, (at % 64) as u32);
        // Words past the last stored one read as zero; bits above the tail are zero.
        let word = |i: usize| self.words.get(i).copied().unwrap_or(0);
        let mut v = (u128::from(word(w)) | u128::from(word(w + 1)) << 64) >> off;
        if off + n > 128 {
            v |= u128::from(word(w + 2)) << (128 - off);
        }
        if n == 128 {
            v
        } else {
            v & ((1u128 << n) - 1)
        }
    }

    /// Drops `n` bits from the head.
    #[inline]
    pub fn consume(&mut self, n: usize) {
        assert!(n <= self.len(), "BitQueue::consume of {n} bits with {} queued", self.len());
        self.head += n;
        // Reclaim the consumed words once they are as many as the waiting ones (and a few
        // cache lines' worth), keeping the work amortised O(1) and the queue's memory small:
        // a receiver of thousands of ports touches every queue every block period.
        if self.head >= COMPACT_BITS && self.head * 2 >= self.end {
            let words = self.head / 64;
            self.words.copy_within(words.., 0);
            self.words.truncate(self.words.len() - words);
            self.head -= words * 64;
            self.end -= words * 64;
        }
    }

    /// The waiting bits, head first.
    pub fn as_bitslice(&self) -> &BitSlice<u64, Lsb0> {
        &self.words.view_bits::<Lsb0>()[self.head..self.end]
    }

    /// Removes and returns every waiting bit.
    pub fn take_all(&mut self) -> BitVec<u64, Lsb0> {
        let out = self.as_bitslice().to_bitvec();
        *self = BitQueue::default();
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
        assert_eq!(Block::from_bits(q.peek_block_bits(67)), Some(Block::data(0xA5A5_5A5A_0F0F_F0F0)));
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
        assert!(q.words.len() < 1 << 10, "consumed bits are reclaimed");
    }

    #[test]
    fn wide_fields_match_narrow_ones() {
        let (mut wide, mut narrow) = (BitQueue::new(), BitQueue::new());
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..5_000 {
            let n = (next() % 129) as u32;
            let v = u128::from(next()) | u128::from(next()) << 64;
            wide.push_wire(v, n);
            if n > 64 {
                narrow.push(v as u64, 64);
                narrow.push((v >> 64) as u64, n - 64);
            } else {
                narrow.push(v as u64, n);
            }
            assert_eq!(wide, narrow);
            if wide.len() >= 200 {
                let off = (next() % 50) as usize;
                let k = (next() % 129) as u32;
                let expect = u128::from(narrow.peek(off, k.min(64)))
                    | if k > 64 { u128::from(narrow.peek(off + 64, k - 64)) << 64 } else { 0 };
                assert_eq!(wide.peek_wide(off, k), expect, "{k} bits at {off}");
                let n = (next() % 150) as usize;
                wide.consume(n);
                narrow.consume(n);
            }
        }
    }

    #[test]
    fn matches_a_bitvec_reference_under_random_use() {
        let mut q = BitQueue::new();
        let mut reference: BitVec<u64, Lsb0> = BitVec::new();
        let mut x = 0x1234_5678u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            match next() % 4 {
                0 | 1 => {
                    let n = (next() % 65) as u32;
                    let v = next();
                    q.push(v, n);
                    for k in 0..n {
                        reference.push((v >> k) & 1 == 1);
                    }
                }
                2 => {
                    let n = (next() % 70) as usize;
                    q.push_zeros(n);
                    reference.resize(reference.len() + n, false);
                }
                _ => {
                    let n = (next() as usize) % (q.len() + 1);
                    q.consume(n);
                    reference.drain(..n);
                }
            }
            assert_eq!(q.len(), reference.len());
            assert_eq!(q.as_bitslice(), &reference[..]);
            if q.len() >= 64 {
                let off = (next() as usize) % (q.len() - 63);
                let n = (next() % 64) as u32 + 1;
                assert_eq!(
                    q.peek(off, n),
                    reference[off..off + n as usize].load_le::<u64>(),
                    "{n} bits at {off}"
                );
            }
        }
    }
}
