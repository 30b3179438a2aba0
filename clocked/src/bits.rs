//! Bit fields of a bus word held as little-endian 64-bit limbs: bus bit `k` is bit `k % 64`
//! of limb `k / 64`. The Machine packs its port words with these; the vector files use the
//! same layout (`docs/vectors.md`, "Words and wide buses").
//!
//! Nothing here panics: bits beyond a word's limbs are dropped on writing and read as zero.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
