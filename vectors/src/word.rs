//! Bus words: a value of `width` bits held as little-endian 64-bit limbs, and its canonical
//! hex text (`docs/vectors.md`, "Words").
//!
//! Bit `k` of a bus is bit `k % 64` of limb `k / 64`. The text of a word is exactly
//! [`hex_digits`]`(width)` lowercase hex digits, most significant digit first, so bus bit 0
//! is the least significant bit of the last digit, and the unused high bits of the first
//! digit (when `width` is not a multiple of 4) are zero.
//!
//! Nothing here panics: a word whose limb count or high bits do not fit its width is an
//! error value, not an assertion.

/// Hex digits of a word of `width` bits.
#[inline]
pub fn hex_digits(width: u32) -> usize {
    (width as usize).div_ceil(4)
}

/// 64-bit limbs of a word of `width` bits.
#[inline]
pub fn limbs(width: u32) -> usize {
    (width as usize).div_ceil(64)
}

/// Bit `k` of a word (0 beyond its limbs).
#[inline]
pub fn bit(word: &[u64], k: u64) -> bool {
    word.get((k / 64) as usize).is_some_and(|l| (l >> (k % 64)) & 1 == 1)
}

/// Writes the low `n <= 128` bits of `value` into `word` at bits `lo .. lo + n`; bits beyond
/// the limbs are dropped.
#[inline]
pub fn put_field(word: &mut [u64], lo: u64, n: u32, value: u128) {
    let mut done = 0u32;
    while done < n {
        let at = lo + u64::from(done);
        let Some(limb) = word.get_mut((at / 64) as usize) else { return };
        let shift = (at % 64) as u32;
        let take = (64 - shift).min(n - done);
        let mask = if take == 64 { u64::MAX } else { (1u64 << take) - 1 };
        let part = ((value >> done) as u64) & mask;
        *limb = (*limb & !(mask << shift)) | (part << shift);
        done += take;
    }
}

/// Reads `n <= 128` bits of `word` at bits `lo .. lo + n` (0 beyond its limbs).
#[inline]
pub fn get_field(word: &[u64], lo: u64, n: u32) -> u128 {
    let mut out = 0u128;
    let mut done = 0u32;
    while done < n {
        let at = lo + u64::from(done);
        let Some(limb) = word.get((at / 64) as usize) else { break };
        let shift = (at % 64) as u32;
        let take = (64 - shift).min(n - done);
        let mask = if take == 64 { u64::MAX } else { (1u64 << take) - 1 };
        out |= u128::from((limb >> shift) & mask) << done;
        done += take;
    }
    out
}

/// Why a word does not fit its width.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordError {
    /// The word has the wrong number of limbs.
    #[error("word has {got} 64-bit limbs, a {width}-bit bus needs {need}")]
    Limbs {
        /// Limbs given.
        got: usize,
        /// Limbs needed.
        need: usize,
        /// Bus width.
        width: u32,
    },
    /// Bits at or above the width are set.
    #[error("word has bit {bit} set, beyond the {width}-bit bus")]
    HighBits {
        /// The lowest set bit at or above `width`.
        bit: u64,
        /// Bus width.
        width: u32,
    },
}

/// Checks that `word` is a `width`-bit value: the right limb count, no bit at or above
/// `width` set.
pub fn check_fits(word: &[u64], width: u32) -> Result<(), WordError> {
    let need = limbs(width);
    if word.len() != need {
        return Err(WordError::Limbs { got: word.len(), need, width });
    }
    let used = width % 64;
    if used != 0 {
        if let Some(&top) = word.last() {
            let high = top >> used;
            if high != 0 {
                let bit = (need as u64 - 1) * 64 + u64::from(used) + u64::from(high.trailing_zeros());
                return Err(WordError::HighBits { bit, width });
            }
        }
    }
    Ok(())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends the canonical hex text of `word` (no newline) to `out`. The caller has checked
/// the word with [`check_fits`]; extra limbs are ignored and missing ones read as zero.
pub fn push_hex(out: &mut Vec<u8>, word: &[u64], width: u32) {
    let digits = hex_digits(width);
    out.reserve(digits);
    for k in (0..digits).rev() {
        let nibble = word.get(k / 16).map_or(0, |l| (l >> ((k % 16) * 4)) & 0xF);
        out.push(HEX[nibble as usize]);
    }
}

/// The canonical hex text of `word`.
pub fn to_hex(word: &[u64], width: u32) -> String {
    let mut v = Vec::new();
    push_hex(&mut v, word, width);
    String::from_utf8(v).unwrap_or_default()
}

/// Value of a lowercase hex digit.
#[inline]
pub fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Parses exactly [`hex_digits`]`(width)` lowercase digits into `out` (resized to the
/// limb count). Returns the index of the first byte that is not a lowercase hex digit,
/// or, when the first digit has bits above `width`, `Err(usize::MAX)`. The caller has
/// checked the length.
pub fn parse_hex_into(text: &[u8], width: u32, out: &mut Vec<u64>) -> Result<(), usize> {
    out.clear();
    out.resize(limbs(width), 0);
    let digits = text.len();
    for (i, &c) in text.iter().enumerate() {
        let v = hex_value(c).ok_or(i)?;
        let k = digits - 1 - i; // digit k holds bits 4k .. 4k+3
        if let Some(l) = out.get_mut(k / 16) {
            *l |= u64::from(v) << ((k % 16) * 4);
        }
    }
    check_fits(out, width).map_err(|_| usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_limbs() {
        assert_eq!(hex_digits(1), 1);
        assert_eq!(hex_digits(4), 1);
        assert_eq!(hex_digits(65), 17);
        assert_eq!(limbs(64), 1);
        assert_eq!(limbs(65), 2);
    }

    #[test]
    fn bit_zero_is_the_low_bit_of_the_last_digit() {
        let w = [1u64, 0];
        assert_eq!(to_hex(&w, 65), "00000000000000001");
        let w = [0u64, 1];
        assert_eq!(to_hex(&w, 65), "10000000000000000");
        assert_eq!(to_hex(&[0x1e], 5), "1e");
    }

    #[test]
    fn fields_cross_limbs() {
        let mut w = vec![0u64; 3];
        put_field(&mut w, 60, 66, (1u128 << 66) - 1);
        assert_eq!(w, vec![0xF << 60, (1 << 62) - 1, 0]);
        assert_eq!(get_field(&w, 60, 66), (1u128 << 66) - 1);
        assert_eq!(get_field(&w, 59, 3), 0b110);
        put_field(&mut w, 62, 4, 0b0101);
        assert_eq!(get_field(&w, 60, 8), 0b1101_0111);
        // Beyond the limbs: dropped, read as zero, no panic.
        put_field(&mut w, 190, 10, 0x3FF);
        assert_eq!(get_field(&w, 190, 10), 0x3);
        assert_eq!(get_field(&w, 500, 10), 0);
    }

    #[test]
    fn parse_round_trips_and_rejects() {
        let mut out = Vec::new();
        for width in [1u32, 3, 4, 5, 63, 64, 65, 129, 200] {
            let mut w = vec![0u64; limbs(width)];
            for k in 0..u64::from(width) {
                if k % 3 != 1 {
                    put_field(&mut w, k, 1, 1);
                }
            }
            let text = to_hex(&w, width);
            assert_eq!(text.len(), hex_digits(width));
            parse_hex_into(text.as_bytes(), width, &mut out).unwrap();
            assert_eq!(out, w, "width {width}");
        }
        assert_eq!(parse_hex_into(b"0g", 8, &mut out), Err(1));
        assert_eq!(parse_hex_into(b"A0", 8, &mut out), Err(0));
        assert_eq!(parse_hex_into(b"2", 1, &mut out), Err(usize::MAX));
        assert_eq!(check_fits(&[0, 4], 66), Err(WordError::HighBits { bit: 66, width: 66 }));
        assert!(check_fits(&[0], 66).is_err());
    }
}
