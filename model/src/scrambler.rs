//! The self-synchronous scrambler x^58 + x^39 + 1 of IEEE 802.3 Clause 49.2.6, one per
//! physical channel, applied to the 64 payload bits of every block except markers.
//!
//! In wire order, with `d` the payload bits entering and `s` the bits leaving,
//! `s_n = d_n ^ s_(n-39) ^ s_(n-58)`; the descrambler computes `d_n = s_n ^ s_(n-39) ^
//! s_(n-58)` from received bits only, so it is in step with the scrambler after any 58
//! received bits, whatever its starting state.
//!
//! Both work a 64-bit payload at a time. The state is the last 64 scrambled bits sent or
//! received, the most recent in bit 63 (`s_(n-1)` is bit 63, `s_(n-58)` is bit 6); only the
//! top 58 bits matter. Payload bit 0 is the first of the 64 on the wire. For the word
//! `t = d ^ (prev >> 25) ^ (prev >> 6)`, which takes the taps that fall in earlier words,
//! the taps that fall in the current word resolve in closed form:
//! `s = t ^ (t << 39) ^ (t << 58)` (bits 39..=63 reach back at most 39 bits, to bits that
//! have no in-word tap of their own). See `docs/spec.md`, "Scrambler".
//!
//! Nothing here panics.

/// Scrambler state at reset: the 58 state bits all ones (`docs/spec.md`).
pub const SCRAMBLER_RESET_STATE: u64 = u64::MAX;

/// The first tap, in bits back from the current one.
pub const TAP_A: u32 = 39;
/// The second tap (the polynomial's degree).
pub const TAP_B: u32 = 58;

/// Scrambles payloads; one per physical channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scrambler {
    pub(crate) prev: u64,
}

impl Default for Scrambler {
    fn default() -> Self {
        Scrambler { prev: SCRAMBLER_RESET_STATE }
    }
}

impl Scrambler {
    /// A scrambler with the given state (the last 64 bits sent, most recent in bit 63).
    pub fn with_state(prev: u64) -> Self {
        Scrambler { prev }
    }
    /// The current state.
    pub fn state(&self) -> u64 {
        self.prev
    }
    /// Scrambles one 64-bit payload and advances the state.
    #[inline]
    pub fn scramble(&mut self, data: u64) -> u64 {
        let t = data ^ (self.prev >> (64 - TAP_A)) ^ (self.prev >> (64 - TAP_B));
        let s = t ^ (t << TAP_A) ^ (t << TAP_B);
        self.prev = s;
        s
    }
}

/// Descrambles payloads; one per RX channel. Self-synchronising.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Descrambler {
    pub(crate) prev: u64,
}

impl Descrambler {
    /// Descrambles one received 64-bit payload and advances the state.
    #[inline]
    pub fn descramble(&mut self, received: u64) -> u64 {
        let d = received
            ^ (received << TAP_A)
            ^ (received << TAP_B)
            ^ (self.prev >> (64 - TAP_A))
            ^ (self.prev >> (64 - TAP_B));
        self.prev = received;
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit-serial reference written from the polynomial, independent of the word form.
    struct SerialScrambler {
        /// history[0] is s_(n-1), history[57] is s_(n-58).
        history: [bool; 58],
    }

    impl SerialScrambler {
        fn step(&mut self, d: bool) -> bool {
            let s = d ^ self.history[38] ^ self.history[57];
            self.history.copy_within(0..57, 1);
            self.history[0] = s;
            s
        }
    }

    fn lcg(x: &mut u64) -> u64 {
        *x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *x
    }

    #[test]
    fn word_scrambler_matches_bit_serial_reference() {
        let mut word = Scrambler::default();
        let mut serial = SerialScrambler { history: [true; 58] };
        let mut x = 7;
        for _ in 0..1000 {
            let d = lcg(&mut x);
            let s = word.scramble(d);
            for k in 0..64 {
                let bit = serial.step((d >> k) & 1 == 1);
                assert_eq!((s >> k) & 1 == 1, bit, "bit {k}");
            }
        }
    }

    #[test]
    fn descrambler_is_right_from_the_59th_bit_whatever_its_state() {
        // Bits 58..=63 of the first word depend only on bits received in that word.
        let mut x = 5;
        for _ in 0..200 {
            let mut tx = Scrambler::with_state(lcg(&mut x));
            let mut rx = Descrambler { prev: lcg(&mut x) };
            let d = lcg(&mut x);
            let got = rx.descramble(tx.scramble(d));
            assert_eq!(got >> 58, d >> 58);
            let d2 = lcg(&mut x);
            assert_eq!(rx.descramble(tx.scramble(d2)), d2);
        }
    }

    #[test]
    fn descrambler_syncs_from_any_state_after_one_word() {
        let mut x = 99;
        for start in [0u64, u64::MAX, 0x0123_4567_89AB_CDEF] {
            let mut tx = Scrambler::default();
            let mut rx = Descrambler { prev: start };
            for i in 0..50 {
                let d = lcg(&mut x);
                let got = rx.descramble(tx.scramble(d));
                if i > 0 {
                    assert_eq!(got, d, "word {i} from start {start:#x}");
                }
            }
        }
    }
}
