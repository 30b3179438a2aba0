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

pub use tessera_clocked::bits::{get_field, put_field};

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
    let start = out.len();
    out.resize(start + digits, b'0');
    let text = &mut out[start..];
    // Digit k from the end holds bits 4k .. 4k+3: nibble k % 16 of limb k / 16.
    let mut end = digits;
    for limb in 0..limbs(width) {
        let mut v = word.get(limb).copied().unwrap_or(0);
        let n = end.min(16);
        for c in text[end - n..end].iter_mut().rev() {
            *c = HEX[(v & 0xF) as usize];
            v >>= 4;
        }
        end -= n;
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

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Eight lowercase hex digits (the first, most significant, in the low byte of `x`) as
/// their 32-bit value, or `None` if any byte is not a lowercase hex digit. Word at a time:
/// no per-byte branch.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline]
fn hex8(x: u64) -> Option<u32> {
    if x & HIGH != 0 {
        return None;
    }
    // Per byte, with every byte below 0x80: the high bit of `b + 0x80 - c` is `b >= c`, and
    // no byte carries into the next.
    let at_least = |c: u8| x.wrapping_add((0x80 - u64::from(c)) * ONES) & HIGH;
    let digit = at_least(b'0') & !at_least(b'9' + 1);
    let letter = at_least(b'a') & !at_least(b'f' + 1);
    if digit | letter != HIGH {
        return None;
    }
    // '0'..'9' are 0x30..0x39 and 'a'..'f' 0x61..0x66: the low nibble, plus 9 for a letter
    // (bit 6 set).
    let v = (x & (0x0F * ONES)) + ((x >> 6) & ONES) * 9;
    // Pairs of digits into bytes, then bytes into the value, first digit highest.
    let p = ((v & 0x00FF_00FF_00FF_00FF) << 4) | ((v >> 8) & 0x00FF_00FF_00FF_00FF);
    let q = ((p & 0x0000_00FF_0000_00FF) << 8) | ((p >> 16) & 0x0000_00FF_0000_00FF);
    Some((((q & 0xFFFF) << 16) | ((q >> 32) & 0xFFFF)) as u32)
}

/// Sixteen lowercase hex digits (the first the most significant) as their 64-bit value,
/// or `None` if any byte is not a lowercase hex digit. SSE2 (every x86-64 has it): sixteen
/// bytes checked and converted at once.
#[cfg(target_arch = "x86_64")]
#[inline]
fn hex16(chunk: [u8; 16]) -> Option<u64> {
    use std::arch::x86_64::*;
    let lo =
        u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
    let hi = u64::from_le_bytes([
        chunk[8], chunk[9], chunk[10], chunk[11], chunk[12], chunk[13], chunk[14], chunk[15],
    ]);
    // SAFETY: SSE2 is part of the x86-64 baseline, so these intrinsics are always
    // available; they only compute on register values (no memory is touched).
    #[allow(unused_unsafe)]
    unsafe {
        let b = _mm_set_epi64x(hi as i64, lo as i64);
        let splat = |c: u8| _mm_set1_epi8(c as i8);
        // Signed compares: bytes from 0x80 up are negative, so neither a digit nor a letter.
        let digit = _mm_and_si128(_mm_cmpgt_epi8(b, splat(b'0' - 1)), _mm_cmpgt_epi8(splat(b'9' + 1), b));
        let letter = _mm_and_si128(_mm_cmpgt_epi8(b, splat(b'a' - 1)), _mm_cmpgt_epi8(splat(b'f' + 1), b));
        if _mm_movemask_epi8(_mm_or_si128(digit, letter)) != 0xFFFF {
            return None;
        }
        // The low nibble, plus 9 for a letter; then each pair of digits into a byte (first
        // digit high), the eight bytes packed, first byte most significant.
        let v = _mm_add_epi8(_mm_and_si128(b, splat(0x0F)), _mm_and_si128(letter, splat(9)));
        let pairs =
            _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0x00FF)), 4), _mm_srli_epi16(v, 8));
        let bytes = _mm_packus_epi16(pairs, pairs);
        Some((_mm_cvtsi128_si64(bytes) as u64).swap_bytes())
    }
}

/// Thirty-two lowercase hex digits as two limbs `(first sixteen, last sixteen)`, or `None`
/// if any byte is not a lowercase hex digit: [`hex16`] twice, sharing the check and the
/// packing.
#[cfg(target_arch = "x86_64")]
#[inline]
fn hex32(chunk: &[u8; 32]) -> Option<(u64, u64)> {
    use std::arch::x86_64::*;
    let word = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&chunk[at..at + 8]);
        u64::from_le_bytes(b) as i64
    };
    // SAFETY: SSE2 is part of the x86-64 baseline, so these intrinsics are always
    // available; they only compute on register values (no memory is touched).
    #[allow(unused_unsafe)]
    unsafe {
        let splat = |c: u8| _mm_set1_epi8(c as i8);
        let valid = |b: __m128i| {
            let digit = _mm_and_si128(_mm_cmpgt_epi8(b, splat(b'0' - 1)), _mm_cmpgt_epi8(splat(b'9' + 1), b));
            let letter =
                _mm_and_si128(_mm_cmpgt_epi8(b, splat(b'a' - 1)), _mm_cmpgt_epi8(splat(b'f' + 1), b));
            (_mm_or_si128(digit, letter), letter)
        };
        let pairs = |b: __m128i, letter: __m128i| {
            let v = _mm_add_epi8(_mm_and_si128(b, splat(0x0F)), _mm_and_si128(letter, splat(9)));
            _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0x00FF)), 4), _mm_srli_epi16(v, 8))
        };
        let first = _mm_set_epi64x(word(8), word(0));
        let last = _mm_set_epi64x(word(24), word(16));
        let (ok_first, letter_first) = valid(first);
        let (ok_last, letter_last) = valid(last);
        if _mm_movemask_epi8(_mm_and_si128(ok_first, ok_last)) != 0xFFFF {
            return None;
        }
        let bytes = _mm_packus_epi16(pairs(first, letter_first), pairs(last, letter_last));
        Some((
            (_mm_cvtsi128_si64(bytes) as u64).swap_bytes(),
            (_mm_cvtsi128_si64(_mm_unpackhi_epi64(bytes, bytes)) as u64).swap_bytes(),
        ))
    }
}

/// Thirty-two lowercase hex digits as two limbs (portable: [`hex16`] twice).
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn hex32(chunk: &[u8; 32]) -> Option<(u64, u64)> {
    let mut half = [0u8; 16];
    half.copy_from_slice(&chunk[..16]);
    let first = hex16(half)?;
    half.copy_from_slice(&chunk[16..]);
    Some((first, hex16(half)?))
}

/// Sixteen lowercase hex digits as their value (portable: two words of eight).
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn hex16(chunk: [u8; 16]) -> Option<u64> {
    let mut half = [0u8; 8];
    half.copy_from_slice(&chunk[..8]);
    let high = hex8(u64::from_le_bytes(half))?;
    half.copy_from_slice(&chunk[8..]);
    let low = hex8(u64::from_le_bytes(half))?;
    Some(u64::from(high) << 32 | u64::from(low))
}

/// The digits of `text` from the end, thirty-two at a time with AVX2, into `out` (limb 0
/// from the last sixteen): returns how many digits at the start are left (fewer than 32),
/// or `None` if a byte is not a lowercase hex digit. The same steps as [`hex32`], on
/// 256-bit registers.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn hex_bulk_avx2(text: &[u8], out: &mut [u64]) -> Option<usize> {
    use std::arch::x86_64::*;
    let word = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&text[at..at + 8]);
        u64::from_le_bytes(b) as i64
    };
    let mut end = text.len();
    let mut limb = 0;
    while end >= 32 {
        let b = _mm256_set_epi64x(word(end - 8), word(end - 16), word(end - 24), word(end - 32));
        let digit = _mm256_and_si256(
            _mm256_cmpgt_epi8(b, _mm256_set1_epi8((b'0' - 1) as i8)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8((b'9' + 1) as i8), b),
        );
        let letter = _mm256_and_si256(
            _mm256_cmpgt_epi8(b, _mm256_set1_epi8((b'a' - 1) as i8)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8((b'f' + 1) as i8), b),
        );
        if _mm256_movemask_epi8(_mm256_or_si256(digit, letter)) != -1 {
            return None;
        }
        let v = _mm256_add_epi8(
            _mm256_and_si256(b, _mm256_set1_epi8(0x0F)),
            _mm256_and_si256(letter, _mm256_set1_epi8(9)),
        );
        let pairs = _mm256_or_si256(
            _mm256_slli_epi16(_mm256_and_si256(v, _mm256_set1_epi16(0x00FF)), 4),
            _mm256_srli_epi16(v, 8),
        );
        // Packs within each 128-bit half: the first sixteen digits' bytes in bits 0..64,
        // the last sixteen's in bits 128..192.
        let bytes = _mm256_packus_epi16(pairs, pairs);
        if let Some(l) = out.get_mut(limb) {
            *l = (_mm256_extract_epi64::<2>(bytes) as u64).swap_bytes();
        }
        if let Some(l) = out.get_mut(limb + 1) {
            *l = (_mm256_extract_epi64::<0>(bytes) as u64).swap_bytes();
        }
        limb += 2;
        end -= 32;
    }
    Some(end)
}

/// The fast path of [`parse_hex_into`]: `text` (exactly [`hex_digits`]`(width)` bytes) into
/// `out` when every byte is a lowercase hex digit and the word fits `width`; `false`, with
/// `out` unspecified, for anything else (the caller then takes the path that diagnoses).
/// When it returns `true`, `out` is what [`parse_hex_into`] gives.
pub fn parse_hex_fast(text: &[u8], width: u32, out: &mut Vec<u64>) -> bool {
    if text.len() != hex_digits(width) {
        return false;
    }
    out.clear();
    out.resize(limbs(width), 0);
    // Sixteen digits from the end are one limb, the last ones limb 0; the first digits,
    // fewer than sixteen, the top limb.
    let mut end = text.len();
    let mut limb = 0;
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above).
        match unsafe { hex_bulk_avx2(text, out) } {
            Some(left) => {
                limb = (end - left) / 16;
                end = left;
            }
            None => return false,
        }
    }
    while end >= 32 {
        let mut chunk = [0u8; 32];
        chunk.copy_from_slice(&text[end - 32..end]);
        let Some((high, low)) = hex32(&chunk) else { return false };
        if let Some(l) = out.get_mut(limb) {
            *l = low;
        }
        if let Some(l) = out.get_mut(limb + 1) {
            *l = high;
        }
        limb += 2;
        end -= 32;
    }
    while end >= 16 {
        let mut chunk = [0u8; 16];
        chunk.copy_from_slice(&text[end - 16..end]);
        let Some(v) = hex16(chunk) else { return false };
        if let Some(l) = out.get_mut(limb) {
            *l = v;
        }
        limb += 1;
        end -= 16;
    }
    if end > 0 {
        let mut v = 0u64;
        for &c in &text[..end] {
            let Some(d) = hex_value(c) else { return false };
            v = v << 4 | u64::from(d);
        }
        if let Some(l) = out.get_mut(limb) {
            *l = v;
        }
    }
    check_fits(out, width).is_ok()
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

    #[test]
    fn fast_parse_agrees_with_parse_hex_into() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"0123456789abcdefABCDEFg/:`@G \n\x80\xff";
        let (mut slow, mut fast) = (Vec::new(), Vec::new());
        for width in [1u32, 3, 4, 5, 31, 32, 33, 63, 64, 65, 66, 127, 128, 129, 200, 1496] {
            let digits = hex_digits(width);
            for round in 0..400 {
                let mut text: Vec<u8> = (0..digits).map(|_| HEX[(next() % 16) as usize]).collect();
                // A few rounds with the top digit in range, a few with one byte spoiled.
                if round % 3 == 0 {
                    text[0] = HEX[(next() % (1 << (((width + 3) % 4) + 1))) as usize];
                }
                if round % 4 == 1 {
                    let at = (next() as usize) % digits;
                    text[at] = alphabet[(next() as usize) % alphabet.len()];
                }
                let s = parse_hex_into(&text, width, &mut slow);
                let f = parse_hex_fast(&text, width, &mut fast);
                assert_eq!(s.is_ok(), f, "width {width}: {}", String::from_utf8_lossy(&text));
                if f {
                    assert_eq!(fast, slow, "width {width}");
                    assert_eq!(to_hex(&fast, width).as_bytes(), &text[..]);
                }
            }
        }
        assert!(!parse_hex_fast(b"00", 1, &mut fast), "wrong length");
    }

    #[test]
    fn word_at_a_time_digits() {
        assert_eq!(hex8(u64::from_le_bytes(*b"0123abcf")), Some(0x0123_abcf));
        assert_eq!(hex8(u64::from_le_bytes(*b"0123abcF")), None);
        assert_eq!(hex8(u64::from_le_bytes(*b"/123abcf")), None);
        assert_eq!(hex16(*b"fedcba9876543210"), Some(0xfedc_ba98_7654_3210));
        assert_eq!(
            hex32(b"0123456789abcdeffedcba9876543210"),
            Some((0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210))
        );
        for bad in [b'g', b'G', b'A', b'/', b':', b'`', b'@', 0x80, 0xff, b' ', 0] {
            for at in 0..16 {
                let mut c = *b"0123456789abcdef";
                c[at] = bad;
                assert_eq!(hex16(c), None, "byte {bad:#x} at {at}");
                let mut d = *b"0123456789abcdef0123456789abcdef";
                d[at] = bad;
                assert_eq!(hex32(&d), None, "byte {bad:#x} at {at}");
                d[at] = b'0';
                d[at + 16] = bad;
                assert_eq!(hex32(&d), None, "byte {bad:#x} at {}", at + 16);
            }
        }
    }
}
