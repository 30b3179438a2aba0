//! Link configuration: the parameters of one wide-and-slow link, validated once.
//!
//! [`LinkParams`] is the plain, unchecked set of numbers a user types (command line,
//! vector-file header, test strategy). [`LinkConfig`] is the same set after
//! [`LinkConfig::new`] has checked every field against the rules of `docs/spec.md`
//! section "Link configuration"; everything else in the model takes a `LinkConfig`, so
//! no other code re-checks these rules and none of it can see an impossible link.
//!
//! Nothing here panics on user input: every rule broken is a [`ConfigError`] that names
//! the field, its value and the rule.

use crate::block::BLOCK_BITS;

/// Largest number of data lanes; lane number `0xFFFF` is reserved for spares.
pub const MAX_LANES: u32 = 65_535;
/// Largest number of physical channels (data lanes plus spares).
pub const MAX_CHANNELS: u32 = 65_536;
/// Smallest marker period, in blocks (a marker and at least three other blocks).
pub const MIN_AM_PERIOD: u32 = 4;
/// Largest marker period, in blocks (2^24).
pub const MAX_AM_PERIOD: u32 = 1 << 24;
/// Serial widths the datapath supports: the divisors of 66, so that one block period is a
/// whole number of clocks and no gearbox is needed.
pub const SER_WIDTHS: [u32; 8] = [1, 2, 3, 6, 11, 22, 33, 66];
/// The skew every link must be able to absorb at least: 16 blocks, in bits.
pub const MIN_SKEW_CAPACITY_BITS: u32 = 16 * BLOCK_BITS;

/// Plain link parameters as a user gives them; not yet checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkParams {
    /// Data lanes N (logical lanes, one 64-bit host word each per stripe).
    pub lanes: u32,
    /// Spare physical channels S; the link has P = N + S channels.
    pub spares: u32,
    /// Blocks from one alignment marker to the next, the marker included.
    pub am_period: u32,
    /// Largest lane-to-lane skew, in bits, that the RX deskew must absorb.
    pub max_skew_bits: u32,
    /// Serial bits per physical channel per clock.
    pub ser_w: u32,
    /// Seed of every random choice made for this link (channel faults, test stimulus).
    pub seed: u64,
}

impl Default for LinkParams {
    /// The 800 Gb/s-class demo link: 400 lanes + 16 spares, 802.3-sized marker period,
    /// 16 blocks of skew capacity, 22 serial bits per clock (3 clocks per block).
    fn default() -> Self {
        LinkParams {
            lanes: 400,
            spares: 16,
            am_period: 16_384,
            max_skew_bits: MIN_SKEW_CAPACITY_BITS,
            ser_w: 22,
            seed: 1,
        }
    }
}

/// Which field of a [`LinkParams`] broke which rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid link configuration: {field} = {value}: {rule}")]
pub struct ConfigError {
    /// Name of the field, as in [`LinkParams`] and on the command line.
    pub field: &'static str,
    /// The value given.
    pub value: u64,
    /// The rule it breaks, in words.
    pub rule: String,
}

/// A checked link configuration. Build it with [`LinkConfig::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkConfig {
    params: LinkParams,
}

impl LinkConfig {
    /// Checks every field of `params` (see `docs/spec.md`, "Link configuration").
    pub fn new(params: LinkParams) -> Result<Self, ConfigError> {
        let err = |field, value: u64, rule: String| Err(ConfigError { field, value, rule });
        let p = params;
        if p.lanes == 0 || p.lanes > MAX_LANES {
            return err("lanes", p.lanes.into(), format!("must be between 1 and {MAX_LANES}"));
        }
        let channels = u64::from(p.lanes) + u64::from(p.spares);
        if channels > u64::from(MAX_CHANNELS) {
            return err(
                "spares",
                p.spares.into(),
                format!("lanes + spares = {channels} physical channels, more than {MAX_CHANNELS}"),
            );
        }
        if !(MIN_AM_PERIOD..=MAX_AM_PERIOD).contains(&p.am_period) {
            return err(
                "am_period",
                p.am_period.into(),
                format!("must be between {MIN_AM_PERIOD} and {MAX_AM_PERIOD} blocks"),
            );
        }
        if !SER_WIDTHS.contains(&p.ser_w) {
            return err(
                "ser_w",
                p.ser_w.into(),
                format!("must divide the 66-bit block: one of {SER_WIDTHS:?}"),
            );
        }
        // Deskew pairs each lane's marker with the others' by arrival time: two markers of
        // one lane are am_period blocks apart, so the skew must stay below half of that.
        let half_period_bits = u64::from(p.am_period) * u64::from(BLOCK_BITS) / 2;
        if u64::from(p.max_skew_bits) >= half_period_bits {
            return err(
                "max_skew_bits",
                p.max_skew_bits.into(),
                format!(
                    "must be less than half a marker period ({half_period_bits} bits at \
                     am_period = {}), or markers of different periods could be paired",
                    p.am_period
                ),
            );
        }
        Ok(LinkConfig { params })
    }

    /// The parameters this configuration was built from.
    pub fn params(&self) -> LinkParams {
        self.params
    }
    /// Data lanes N.
    pub fn lanes(&self) -> u32 {
        self.params.lanes
    }
    /// Spare channels S.
    pub fn spares(&self) -> u32 {
        self.params.spares
    }
    /// Physical channels P = N + S.
    pub fn channels(&self) -> u32 {
        self.params.lanes + self.params.spares
    }
    /// Blocks from one marker to the next, the marker included.
    pub fn am_period(&self) -> u32 {
        self.params.am_period
    }
    /// Largest skew the RX absorbs, in bits.
    pub fn max_skew_bits(&self) -> u32 {
        self.params.max_skew_bits
    }
    /// Serial bits per channel per clock.
    pub fn ser_w(&self) -> u32 {
        self.params.ser_w
    }
    /// Clocks per block period: 66 / ser_w.
    pub fn clocks_per_block(&self) -> u32 {
        BLOCK_BITS / self.params.ser_w
    }
    /// The link's seed.
    pub fn seed(&self) -> u64 {
        self.params.seed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: impl FnOnce(&mut LinkParams)) -> Result<LinkConfig, ConfigError> {
        let mut p = LinkParams::default();
        f(&mut p);
        LinkConfig::new(p)
    }

    fn message(f: impl FnOnce(&mut LinkParams)) -> String {
        with(f).expect_err("configuration should be rejected").to_string()
    }

    #[test]
    fn default_is_valid() {
        let c = LinkConfig::new(LinkParams::default()).unwrap();
        assert_eq!(c.channels(), 416);
        assert_eq!(c.clocks_per_block(), 3);
        assert!(c.max_skew_bits() >= MIN_SKEW_CAPACITY_BITS);
    }

    #[test]
    fn lanes_out_of_range() {
        assert_eq!(
            message(|p| p.lanes = 0),
            "invalid link configuration: lanes = 0: must be between 1 and 65535"
        );
        assert!(message(|p| p.lanes = 65_536).starts_with("invalid link configuration: lanes = 65536"));
        assert!(with(|p| {
            p.lanes = 65_535;
            p.spares = 1;
        })
        .is_ok());
    }

    #[test]
    fn too_many_channels() {
        let m = message(|p| {
            p.lanes = 65_535;
            p.spares = 2;
        });
        assert_eq!(
            m,
            "invalid link configuration: spares = 2: lanes + spares = 65537 physical \
             channels, more than 65536"
        );
    }

    #[test]
    fn am_period_out_of_range() {
        assert!(message(|p| p.am_period = 3).contains("am_period = 3: must be between 4 and"));
        assert!(message(|p| p.am_period = MAX_AM_PERIOD + 1).contains("am_period = 16777217"));
    }

    #[test]
    fn ser_w_must_divide_block() {
        assert_eq!(
            message(|p| p.ser_w = 32),
            "invalid link configuration: ser_w = 32: must divide the 66-bit block: one of \
             [1, 2, 3, 6, 11, 22, 33, 66]"
        );
        for w in SER_WIDTHS {
            assert!(with(|p| p.ser_w = w).is_ok(), "ser_w {w}");
        }
    }

    #[test]
    fn skew_must_stay_below_half_a_period() {
        let m = message(|p| {
            p.am_period = 64;
            p.max_skew_bits = 64 * 33;
        });
        assert!(m.contains("max_skew_bits = 2112: must be less than half a marker period (2112 bits"), "{m}");
        assert!(with(|p| {
            p.am_period = 64;
            p.max_skew_bits = 64 * 33 - 1;
        })
        .is_ok());
    }
}
