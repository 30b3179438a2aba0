//! The port roles of the contract (docs/ports.md): what a TX or RX DUT offers, with the
//! width the link configuration asks of each and when it is compared. A DUT file maps
//! roles to the DUT's port names; data roles are required, every status role is optional
//! (an absent one is not compared).

use tessera_model::LinkParams;

/// Which top a role belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The transmitter.
    Tx,
    /// The receiver.
    Rx,
}

impl Side {
    /// `tx` or `rx`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Tx => "tx",
            Side::Rx => "rx",
        }
    }
}

/// How a role's width follows from the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Exactly this many bits.
    Bits(u32),
    /// 64 bits per lane (the host stripe).
    Stripe,
    /// `ser_w` bits per channel.
    Serial,
    /// One field of exactly this many bits per channel.
    PerPort(u32),
    /// One field per channel, of any width from 1 to 64 bits (a counter or position).
    PerPortAny,
    /// A scalar of any width from 1 to 64 bits.
    Any,
    /// 1 to 16 bits, enough to number every channel.
    ChannelIndex,
}

/// How a value of the model is shown on a port of `w` bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Exact (the model's value, truncated to the port's bits).
    Exact,
    /// A counter: saturates at `2^w - 1`.
    Saturate,
    /// A position: wraps modulo `2^w`.
    Wrap,
}

/// When a status role is compared (docs/spec.md 11.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Stimulus or data, every clock.
    Data,
    /// Per-port status: after every block period and at the end.
    Port,
    /// Link status (lags the ports by a clock): at the end.
    Link,
}

/// One role of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    /// The role's name in a DUT file.
    pub name: &'static str,
    /// TX or RX.
    pub side: Side,
    /// True for an input of the DUT.
    pub input: bool,
    /// Required (data roles).
    pub required: bool,
    /// Width rule.
    pub width: Width,
    /// How the model's value is fitted to the port.
    pub fit: Fit,
    /// When it is compared.
    pub timing: Timing,
    /// Tessera's own port of this role (rtl/), for the docs and the built-in DUT files.
    pub tessera_port: &'static str,
    /// What it means.
    pub meaning: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn role(
    name: &'static str,
    side: Side,
    input: bool,
    required: bool,
    width: Width,
    fit: Fit,
    timing: Timing,
    tessera_port: &'static str,
    meaning: &'static str,
) -> Role {
    Role { name, side, input, required, width, fit, timing, tessera_port, meaning }
}

use Fit::{Exact, Saturate, Wrap};
use Side::{Rx, Tx};
use Timing::{Data, Link, Port};
use Width::{Any, Bits, ChannelIndex, PerPort, PerPortAny, Serial, Stripe};

/// Every role, TX first. Order is the order of reports.
#[rustfmt::skip]
pub const ROLES: &[Role] = &[
    role("host_valid", Tx, true, true, Bits(1), Exact, Data, "tx_valid_i", "a stripe is offered"),
    role("host_data", Tx, true, true, Stripe, Exact, Data, "tx_data_i", "the stripe, lane i's word in [64i +: 64]"),
    role("host_ready", Tx, false, true, Bits(1), Exact, Data, "tx_ready_o", "the stripe is taken on this clock if valid"),
    role("serial", Tx, false, true, Serial, Exact, Data, "tx_serial_o", "channel c's serial word in [c*ser_w +: ser_w], bit 0 first"),
    role("map_reset", Tx, true, false, Bits(1), Exact, Data, "map_rst_ni", "lane-map reset to the identity map (same polarity as the reset)"),
    role("map_write", Tx, true, false, Bits(1), Exact, Data, "map_wr_i", "lane-map write strobe"),
    role("map_channel", Tx, true, false, ChannelIndex, Exact, Data, "map_channel_i", "channel written"),
    role("map_lane", Tx, true, false, Bits(16), Exact, Data, "map_lane_i", "lane the channel carries, 16'hFFFF = spare"),
    role("map_failed", Tx, true, false, Bits(1), Exact, Data, "map_failed_i", "the channel has failed (sends zeros)"),
    role("serial", Rx, true, true, Serial, Exact, Data, "rx_serial_i", "port j's serial word in [j*ser_w +: ser_w], first bit received in bit 0"),
    role("valid", Rx, false, true, Bits(1), Exact, Data, "rx_valid_o", "a stripe is on data this clock"),
    role("data", Rx, false, true, Stripe, Exact, Data, "rx_data_o", "the stripe, lane i's word in [64i +: 64]"),
    role("block_lock", Rx, false, false, PerPort(1), Exact, Port, "port_block_lock_o", "block lock per port"),
    role("marker_lock", Rx, false, false, PerPort(1), Exact, Port, "port_marker_lock_o", "marker lock per port"),
    role("lane", Rx, false, false, PerPort(16), Exact, Port, "port_lane_o", "lane number of the port's markers, compared under marker lock (16'hFFFF = spare)"),
    role("bip_errors", Rx, false, false, PerPortAny, Saturate, Port, "port_bip_errors_o", "marker periods with a BIP-8 error"),
    role("slips", Rx, false, false, PerPortAny, Saturate, Port, "port_slips_o", "bit slips"),
    role("block_lock_losses", Rx, false, false, PerPortAny, Saturate, Port, "port_block_lock_losses_o", "block-lock losses"),
    role("marker_lock_losses", Rx, false, false, PerPortAny, Saturate, Port, "port_marker_lock_losses_o", "marker-lock losses"),
    role("invalid_headers", Rx, false, false, PerPortAny, Saturate, Port, "port_invalid_headers_o", "invalid sync headers while block-locked"),
    role("bits", Rx, false, false, PerPortAny, Wrap, Port, "port_bits_o", "bits consumed by the framer"),
    role("in_link", Rx, false, false, PerPort(1), Exact, Link, "port_in_link_o", "the port is an aligned lane of the link"),
    role("skew", Rx, false, false, PerPortAny, Exact, Link, "port_skew_o", "measured skew in bits against the earliest lane, compared in the link"),
    role("aligned", Rx, false, false, Bits(1), Exact, Link, "rx_aligned_o", "link formed with all lanes"),
    role("stripes_out", Rx, false, false, Any, Saturate, Link, "stripes_out_o", "stripes handed out"),
    role("stripes_lost", Rx, false, false, Any, Saturate, Link, "stripes_lost_o", "stripes reported lost"),
    role("idle_slots", Rx, false, false, Any, Saturate, Link, "idle_slots_o", "idle slots released"),
    role("unreadable_slots", Rx, false, false, Any, Saturate, Link, "unreadable_slots_o", "slots with an unreadable block"),
    role("formations", Rx, false, false, Any, Saturate, Link, "formations_o", "link formations"),
    role("joins", Rx, false, false, Any, Saturate, Link, "joins_o", "lanes that joined a formed link"),
    role("skew_fault", Rx, false, false, Bits(1), Exact, Link, "skew_fault_o", "the skew exceeds the capacity"),
    role("skew_fault_spread", Rx, false, false, Any, Exact, Link, "skew_fault_spread_o", "the spread seen, compared with a fault"),
    role("skew_fault_early", Rx, false, false, Bits(16), Exact, Link, "skew_fault_early_o", "earliest lane of the fault"),
    role("skew_fault_late", Rx, false, false, Bits(16), Exact, Link, "skew_fault_late_o", "latest lane of the fault"),
    role("dup_lane", Rx, false, false, Bits(1), Exact, Link, "dup_lane_o", "two ports claimed one lane"),
    role("dup_lane_lane", Rx, false, false, Bits(16), Exact, Link, "dup_lane_lane_o", "the lane claimed twice"),
    role("dup_lane_kept", Rx, false, false, Bits(16), Exact, Link, "dup_lane_kept_o", "the port that kept it"),
    role("dup_lane_refused", Rx, false, false, Bits(16), Exact, Link, "dup_lane_refused_o", "the port refused"),
];

/// The roles of one side.
pub fn of_side(side: Side) -> impl Iterator<Item = &'static Role> {
    ROLES.iter().filter(move |r| r.side == side)
}

/// The role of a side by name.
pub fn find(side: Side, name: &str) -> Option<&'static Role> {
    of_side(side).find(|r| r.name == name)
}

/// The lane-map write port: all of these or none.
pub const MAP_WRITE_ROLES: [&str; 4] = ["map_write", "map_channel", "map_lane", "map_failed"];

impl Role {
    /// Whether a port of `width` bits fits this role on `link`; `Err` says what the
    /// contract asks.
    pub fn check_width(&self, width: u32, link: &LinkParams) -> Result<(), String> {
        let p = link.lanes + link.spares;
        let ok = match self.width {
            Bits(b) => width == b,
            Stripe => width == 64 * link.lanes,
            Serial => width == link.ser_w * p,
            PerPort(b) => width == b * p,
            PerPortAny => width.is_multiple_of(p) && (1..=64).contains(&(width / p)),
            Any => (1..=64).contains(&width),
            ChannelIndex => (1..=16).contains(&width) && (p <= 1 || u64::from(p - 1) >> width == 0),
        };
        if ok {
            return Ok(());
        }
        Err(match self.width {
            Bits(b) => format!("{b} bits"),
            Stripe => format!("64 x lanes = 64 x {} = {} bits", link.lanes, 64 * link.lanes),
            Serial => format!("ser_w x channels = {} x {p} = {} bits", link.ser_w, link.ser_w * p),
            PerPort(b) => format!("{b} x channels = {b} x {p} = {} bits", b * p),
            PerPortAny => format!("w x channels = w x {p} bits with w from 1 to 64"),
            Any => "1 to 64 bits".to_string(),
            ChannelIndex => format!("1 to 16 bits, enough to number {p} channels"),
        })
    }

    /// Bits of one field (per-port roles: of one port's field).
    pub fn field_bits(&self, width: u32, link: &LinkParams) -> u32 {
        match self.width {
            PerPort(_) | PerPortAny => width / (link.lanes + link.spares).max(1),
            _ => width,
        }
    }

    /// Whether the role has one field per channel.
    pub fn per_port(&self) -> bool {
        matches!(self.width, PerPort(_) | PerPortAny)
    }
}

/// A model value as a port of `bits` bits shows it.
pub fn fit(value: u64, bits: u32, how: Fit) -> u64 {
    if bits >= 64 {
        return value;
    }
    let max = (1u64 << bits) - 1;
    match how {
        Fit::Saturate => value.min(max),
        Fit::Exact | Fit::Wrap => value & max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_link() {
        let link = LinkParams { lanes: 16, spares: 2, ser_w: 11, ..Default::default() };
        let r = |side, name| find(side, name).unwrap();
        assert!(r(Tx, "host_data").check_width(1024, &link).is_ok());
        assert_eq!(
            r(Tx, "host_data").check_width(1000, &link).unwrap_err(),
            "64 x lanes = 64 x 16 = 1024 bits"
        );
        assert!(r(Rx, "serial").check_width(198, &link).is_ok());
        assert!(r(Rx, "bip_errors").check_width(18 * 32, &link).is_ok());
        assert!(r(Rx, "bip_errors").check_width(18 * 8, &link).is_ok());
        assert!(r(Rx, "bip_errors").check_width(18 * 8 + 1, &link).is_err());
        assert!(r(Tx, "map_channel").check_width(5, &link).is_ok());
        assert!(r(Tx, "map_channel").check_width(4, &link).is_err());
        assert_eq!(fit(300, 8, Fit::Saturate), 255);
        assert_eq!(fit(300, 8, Fit::Wrap), 44);
    }

    #[test]
    fn names_are_unique_per_side() {
        for side in [Tx, Rx] {
            let names: Vec<_> = of_side(side).map(|r| r.name).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "{side:?}");
        }
    }
}
