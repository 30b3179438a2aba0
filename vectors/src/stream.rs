//! The streams of a vector set: their names, files, bus layouts and what one word is
//! (`docs/vectors.md`, "Streams"). The layouts are written here once; the writer, the
//! checker's messages and the header notes all come from these functions.

use std::fmt;

use tessera_clocked::{Bus, SetSpec};
use tessera_model::LinkConfig;

/// One stream of a vector set, or the set's manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StreamKind {
    /// `manifest.txt`: the set's configuration and the list of its files; no body.
    Manifest,
    /// Host side of the TX: `{tx_valid_i, tx_data_i}` every clock.
    TxStimulus,
    /// `tx_serial_o` every clock: every physical channel's serial word.
    TxExpected,
    /// `rx_serial_i` every clock: what the channel model delivers to each RX port.
    RxStimulus,
    /// The stripes the RX hands out, in order, one per word.
    RxStripes,
    /// The RX status at the end of the run: one word per port, then one for the link.
    RxStatus,
    /// The RX's per-port status at the end of every block period: one word per port per
    /// period (`docs/vectors.md` section 5.6).
    RxPortStatus,
}

/// The data streams in the order a set lists them.
pub const DATA_STREAMS: [StreamKind; 6] = [
    StreamKind::TxStimulus,
    StreamKind::TxExpected,
    StreamKind::RxStimulus,
    StreamKind::RxStripes,
    StreamKind::RxStatus,
    StreamKind::RxPortStatus,
];

/// The stream of a clocked model's bus: each of the Machine's buses is one data stream.
impl From<Bus> for StreamKind {
    fn from(bus: Bus) -> StreamKind {
        match bus {
            Bus::TxStimulus => StreamKind::TxStimulus,
            Bus::TxExpected => StreamKind::TxExpected,
            Bus::RxStimulus => StreamKind::RxStimulus,
            Bus::RxStripes => StreamKind::RxStripes,
        }
    }
}

/// Bits of one port's word in `rx_status`.
pub const STATUS_WIDTH: u32 = 128;
/// Bits of one port's word in `rx_port_status`.
pub const PORT_STATUS_WIDTH: u32 = 192;

impl StreamKind {
    /// The name in headers and messages.
    pub fn name(self) -> &'static str {
        match self {
            StreamKind::Manifest => "manifest",
            StreamKind::TxStimulus => "tx_stimulus",
            StreamKind::TxExpected => "tx_expected",
            StreamKind::RxStimulus => "rx_stimulus",
            StreamKind::RxStripes => "rx_stripes",
            StreamKind::RxStatus => "rx_status",
            StreamKind::RxPortStatus => "rx_port_status",
        }
    }

    /// The stream of a header's `stream:` value.
    pub fn from_name(name: &str) -> Option<StreamKind> {
        [StreamKind::Manifest].into_iter().chain(DATA_STREAMS).find(|k| k.name() == name)
    }

    /// The file name in a set folder.
    pub fn file_name(self) -> &'static str {
        match self {
            StreamKind::Manifest => "manifest.txt",
            StreamKind::TxStimulus => "tx_stimulus.hex",
            StreamKind::TxExpected => "tx_expected.hex",
            StreamKind::RxStimulus => "rx_stimulus.hex",
            StreamKind::RxStripes => "rx_stripes.hex",
            StreamKind::RxStatus => "rx_status.hex",
            StreamKind::RxPortStatus => "rx_port_status.hex",
        }
    }

    /// Whether this is the manifest.
    pub fn is_manifest(self) -> bool {
        self == StreamKind::Manifest
    }

    /// Whether the stream has one word per clock.
    pub fn per_clock(self) -> bool {
        matches!(self, StreamKind::TxStimulus | StreamKind::TxExpected | StreamKind::RxStimulus)
    }

    /// Bus width in bits for a link (0 for the manifest).
    pub fn width(self, cfg: &LinkConfig) -> u64 {
        let n = u64::from(cfg.lanes());
        let serial = u64::from(cfg.channels()) * u64::from(cfg.ser_w());
        match self {
            StreamKind::Manifest => 0,
            StreamKind::TxStimulus => 64 * n + 1,
            StreamKind::TxExpected | StreamKind::RxStimulus => serial,
            StreamKind::RxStripes => 64 * n,
            StreamKind::RxStatus => u64::from(STATUS_WIDTH),
            StreamKind::RxPortStatus => u64::from(PORT_STATUS_WIDTH),
        }
    }

    /// Words the stream has in a run of `set` (`stripes_out` for `rx_stripes`, which only
    /// the model knows; 0 for the manifest).
    pub fn words(self, set: &SetSpec, stripes_out: u64) -> u64 {
        match self {
            StreamKind::Manifest => 0,
            StreamKind::TxStimulus | StreamKind::TxExpected | StreamKind::RxStimulus => set.clocks(),
            StreamKind::RxStripes => stripes_out,
            StreamKind::RxStatus => u64::from(set.params.lanes) + u64::from(set.params.spares) + 1,
            StreamKind::RxPortStatus => {
                set.run.slots.saturating_mul(u64::from(set.params.lanes) + u64::from(set.params.spares))
            }
        }
    }

    /// How the width follows from the link, for messages.
    pub fn width_rule(self, cfg: &LinkConfig) -> String {
        match self {
            StreamKind::Manifest => "0".into(),
            StreamKind::TxStimulus => format!("1 + 64 x {} lanes", cfg.lanes()),
            StreamKind::TxExpected | StreamKind::RxStimulus => {
                format!("{} channels x ser_w {}", cfg.channels(), cfg.ser_w())
            }
            StreamKind::RxStripes => format!("64 x {} lanes", cfg.lanes()),
            StreamKind::RxStatus => format!("{STATUS_WIDTH} status bits"),
            StreamKind::RxPortStatus => format!("{PORT_STATUS_WIDTH} port status bits"),
        }
    }

    /// What one word of the stream is, in words (for notes and messages).
    pub fn word_is(self) -> &'static str {
        match self {
            StreamKind::Manifest => "no words",
            StreamKind::TxStimulus | StreamKind::TxExpected | StreamKind::RxStimulus => "clock",
            StreamKind::RxStripes => "stripe",
            StreamKind::RxStatus => "port",
            StreamKind::RxPortStatus => "port per block period",
        }
    }

    /// What bus bit `bit` of word `index` means, for a message naming a difference.
    pub fn describe_bit(self, cfg: &LinkConfig, index: u64, bit: u64) -> String {
        let w = u64::from(cfg.ser_w());
        let k = u64::from(cfg.clocks_per_block());
        match self {
            StreamKind::Manifest => String::new(),
            StreamKind::TxStimulus => {
                let slot = index / k;
                if bit == 64 * u64::from(cfg.lanes()) {
                    format!("tx_valid_i at clock {index} (slot {slot})")
                } else {
                    format!("tx_data_i lane {} bit {} at clock {index} (slot {slot})", bit / 64, bit % 64)
                }
            }
            StreamKind::TxExpected => {
                let lat = u64::from(tessera_model::tx::TX_LATENCY_CLOCKS);
                let (ch, b) = (bit / w, bit % w);
                if index < lat {
                    format!(
                        "tx_serial_o channel {ch} serial bit {b} at clock {index} (before the first slot)"
                    )
                } else {
                    let (slot, j) = ((index - lat) / k, (index - lat) % k);
                    format!(
                        "tx_serial_o channel {ch} serial bit {b} at clock {index}: block bit {} of slot {slot}",
                        j * w + b
                    )
                }
            }
            StreamKind::RxStimulus => {
                let (port, b) = (bit / w, bit % w);
                format!(
                    "rx_serial_i port {port} serial bit {b} at clock {index}: received bit {} of the port",
                    index * w + b
                )
            }
            StreamKind::RxStripes => format!("stripe {index} lane {} bit {}", bit / 64, bit % 64),
            StreamKind::RxStatus => {
                let field = status::field_of(bit);
                if index < u64::from(cfg.channels()) {
                    format!("port {index} status field {field} (bit {bit})")
                } else {
                    format!("link status field {} (bit {bit})", status::link_field_of(bit))
                }
            }
            StreamKind::RxPortStatus => {
                let p = u64::from(cfg.channels());
                let (period, port) = (index / p, index % p);
                format!(
                    "port {port} status field {} (bit {bit}) at the end of block period {period}, on clock {}",
                    status::period_field_of(bit),
                    (period + 1) * k
                )
            }
        }
    }

    /// The header notes of the stream: the layout in words, for a person reading the file.
    pub fn notes(self, cfg: &LinkConfig) -> Vec<String> {
        let n = cfg.lanes();
        let k = cfg.clocks_per_block();
        let w = cfg.ser_w();
        let p = cfg.channels();
        let msd = "one lowercase hex word per line, most significant digit first: bus bit 0 is the low bit of the last digit";
        let clock = format!(
            "one word per clock from clock 0, the first clock after reset; slot s is clocks {k}*s .. {k}*s+{}",
            k - 1
        );
        match self {
            StreamKind::Manifest => vec![
                "a Tessera vector set: this manifest and one file per stream (docs/vectors.md)".into(),
                "file.<stream>: <file name> <width in bits> <words>".into(),
            ],
            StreamKind::TxStimulus => vec![
                msd.into(),
                clock,
                format!(
                    "bit {} = tx_valid_i; bits [64*i+63:64*i] = tx_data_i word of lane i, lane 0 in bits [63:0]",
                    64 * n
                ),
                "valid and data hold for a whole block period; a stripe is taken on the period's first clock unless s % am_period == 0".into(),
            ],
            StreamKind::TxExpected => vec![
                msd.into(),
                clock,
                format!(
                    "tx_serial_o: bits [{w}*c+{}:{w}*c] = channel c (c = 0 .. {}), its first bit on the wire in the lowest bit",
                    w - 1,
                    p - 1
                ),
                "clock c carries serial word (c - tx_latency_clocks) % clocks_per_block of slot (c - tx_latency_clocks) / clocks_per_block; zeros before".into(),
            ],
            StreamKind::RxStimulus => vec![
                msd.into(),
                "one word per clock from clock 0, the first clock after reset".into(),
                format!(
                    "rx_serial_i: bits [{w}*j+{}:{w}*j] = port j (j = 0 .. {}), received bits {w}*c .. {w}*c+{} of the port at clock c, the first in the lowest bit",
                    w - 1,
                    p - 1,
                    w - 1
                ),
            ],
            StreamKind::RxStripes => vec![
                msd.into(),
                "one word per stripe handed out by the RX, in order".into(),
                "bits [64*i+63:64*i] = word of lane i, lane 0 in bits [63:0]".into(),
            ],
            StreamKind::RxStatus => vec![
                msd.into(),
                format!("words 0 .. {}: port j's status at the end of the run; word {p}: the link's", p - 1),
                status::PORT_LAYOUT.into(),
                status::LINK_LAYOUT.into(),
            ],
            StreamKind::RxPortStatus => vec![
                msd.into(),
                format!(
                    "word {p}*s+j: port j's status on clock {k}*(s+1), after the blocks of clocks 0 .. {k}*(s+1)-1 (block period s); j = 0 .. {}",
                    p - 1
                ),
                status::PERIOD_LAYOUT.into(),
            ],
        }
    }
}

impl fmt::Display for StreamKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The `rx_status` word layouts (`docs/vectors.md`, "rx_status").
pub mod status {
    use tessera_model::rx::{PortStatus, RxStatus};

    use crate::word::{get_field, put_field};

    /// The port word's layout, as the header note writes it.
    pub const PORT_LAYOUT: &str = "port word: [15:0] lane (ffff spare), [16] block_lock, [17] marker_lock, \
         [18] aligned (skew valid), [19] spare, [63:32] bip_errors, [95:64] skew_bits, [127:96] slips";
    /// The link word's layout.
    pub const LINK_LAYOUT: &str =
        "link word: [0] aligned, [63:32] stripes_out, [95:64] stripes_lost, [127:96] formations";

    /// The `rx_port_status` word's layout, as the header note writes it.
    pub const PERIOD_LAYOUT: &str =
        "port word: [15:0] lane while marker-locked (ffff spare), else 0, [16] block_lock, \
         [17] marker_lock, [63:32] bip_errors, [95:64] slips, [127:96] block_lock_losses, \
         [159:128] marker_lock_losses, [191:160] invalid_headers";

    /// `rx_port_status` word fields: name, low bit, width.
    pub const PERIOD_FIELDS: [(&str, u64, u32); 8] = [
        ("lane", 0, 16),
        ("block_lock", 16, 1),
        ("marker_lock", 17, 1),
        ("bip_errors", 32, 32),
        ("slips", 64, 32),
        ("block_lock_losses", 96, 32),
        ("marker_lock_losses", 128, 32),
        ("invalid_headers", 160, 32),
    ];

    /// Port word fields: name, low bit, width.
    pub const PORT_FIELDS: [(&str, u64, u32); 8] = [
        ("lane", 0, 16),
        ("block_lock", 16, 1),
        ("marker_lock", 17, 1),
        ("aligned", 18, 1),
        ("spare", 19, 1),
        ("bip_errors", 32, 32),
        ("skew_bits", 64, 32),
        ("slips", 96, 32),
    ];
    /// Link word fields: name, low bit, width.
    pub const LINK_FIELDS: [(&str, u64, u32); 4] =
        [("aligned", 0, 1), ("stripes_out", 32, 32), ("stripes_lost", 64, 32), ("formations", 96, 32)];

    fn name_in(fields: &[(&'static str, u64, u32)], bit: u64) -> &'static str {
        fields
            .iter()
            .find(|&&(_, lo, n)| bit >= lo && bit < lo + u64::from(n))
            .map_or("reserved (zero)", |f| f.0)
    }
    /// The port field holding `bit`.
    pub fn field_of(bit: u64) -> &'static str {
        name_in(&PORT_FIELDS, bit)
    }
    /// The link field holding `bit`.
    pub fn link_field_of(bit: u64) -> &'static str {
        name_in(&LINK_FIELDS, bit)
    }
    /// The `rx_port_status` field holding `bit`.
    pub fn period_field_of(bit: u64) -> &'static str {
        name_in(&PERIOD_FIELDS, bit)
    }

    fn sat(v: u64) -> u128 {
        u128::from(v.min(u64::from(u32::MAX)))
    }

    /// The word of one port (counters saturate at 2^32 - 1).
    pub fn port_word(s: &PortStatus) -> [u64; 2] {
        let mut w = [0u64; 2];
        let vals = [
            u128::from(s.lane.unwrap_or(0)),
            u128::from(s.block_lock),
            u128::from(s.marker_lock),
            u128::from(s.skew_bits.is_some()),
            u128::from(s.spare),
            sat(s.bip_errors),
            sat(s.skew_bits.unwrap_or(0)),
            sat(s.slips),
        ];
        for (&(_, lo, n), v) in PORT_FIELDS.iter().zip(vals) {
            put_field(&mut w, lo, n, v);
        }
        w
    }

    /// The `rx_port_status` word of one port (counters saturate at 2^32 - 1).
    pub fn period_word(s: &PortStatus) -> [u64; 3] {
        let mut w = [0u64; 3];
        let lane = if s.marker_lock { s.lane.unwrap_or(0) } else { 0 };
        let vals = [
            u128::from(lane),
            u128::from(s.block_lock),
            u128::from(s.marker_lock),
            sat(s.bip_errors),
            sat(s.slips),
            sat(s.block_lock_losses),
            sat(s.marker_lock_losses),
            sat(s.invalid_headers),
        ];
        for (&(_, lo, n), v) in PERIOD_FIELDS.iter().zip(vals) {
            put_field(&mut w, lo, n, v);
        }
        w
    }

    /// A field of a word by name.
    fn field(fields: &[(&str, u64, u32)], w: &[u64], name: &str) -> u64 {
        fields.iter().find(|x| x.0 == name).map_or(0, |&(_, lo, n)| get_field(w, lo, n) as u64)
    }

    /// An `rx_port_status` word in words: `lane 3, block_lock, marker_lock, bip_errors 0, ...`.
    pub fn describe_period(w: &[u64]) -> String {
        let f = |name: &str| field(&PERIOD_FIELDS, w, name);
        let lane = match (f("marker_lock"), f("lane")) {
            (1, 0xffff) => "spare".to_string(),
            (1, l) => format!("lane {l}"),
            _ => "no lane".to_string(),
        };
        let mut s = lane;
        for flag in ["block_lock", "marker_lock"] {
            s += &format!(", {}{flag}", if f(flag) == 1 { "" } else { "no " });
        }
        for counter in ["bip_errors", "slips", "block_lock_losses", "marker_lock_losses", "invalid_headers"] {
            s += &format!(", {counter} {}", f(counter));
        }
        s
    }

    /// The link word.
    pub fn link_word(s: &RxStatus) -> [u64; 2] {
        let mut w = [0u64; 2];
        let c = &s.counters;
        let vals = [u128::from(s.aligned), sat(c.stripes_out), sat(c.stripes_lost), sat(c.formations)];
        for (&(_, lo, n), v) in LINK_FIELDS.iter().zip(vals) {
            put_field(&mut w, lo, n, v);
        }
        w
    }

    /// A port word in words: `lane 3, block_lock, marker_lock, aligned, bip_errors 0, ...`.
    pub fn describe_port(w: &[u64]) -> String {
        let f = |name: &str| field(&PORT_FIELDS, w, name);
        let lane = if f("marker_lock") == 1 {
            if f("spare") == 1 {
                "spare".to_string()
            } else {
                format!("lane {}", f("lane"))
            }
        } else {
            "no lane".to_string()
        };
        let mut s = lane;
        for flag in ["block_lock", "marker_lock", "aligned"] {
            s += &format!(", {}{flag}", if f(flag) == 1 { "" } else { "no " });
        }
        s += &format!(", bip_errors {}, slips {}", f("bip_errors"), f("slips"));
        if f("aligned") == 1 {
            s += &format!(", skew {} bits", f("skew_bits"));
        }
        s
    }

    /// The link word in words.
    pub fn describe_link(w: &[u64]) -> String {
        let f = |name: &str| field(&LINK_FIELDS, w, name);
        format!(
            "{}, stripes_out {}, stripes_lost {}, formations {}",
            if f("aligned") == 1 { "aligned" } else { "not aligned" },
            f("stripes_out"),
            f("stripes_lost"),
            f("formations")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_model::LinkParams;

    fn cfg() -> LinkConfig {
        LinkConfig::new(LinkParams {
            lanes: 2,
            spares: 1,
            am_period: 16,
            max_skew_bits: 0,
            ser_w: 22,
            seed: 1,
        })
        .unwrap()
    }

    #[test]
    fn widths() {
        let c = cfg();
        assert_eq!(StreamKind::TxStimulus.width(&c), 129);
        assert_eq!(StreamKind::TxExpected.width(&c), 66);
        assert_eq!(StreamKind::RxStripes.width(&c), 128);
        for k in DATA_STREAMS {
            assert_eq!(StreamKind::from_name(k.name()), Some(k));
        }
        assert_eq!(StreamKind::from_name("tx"), None);
    }

    #[test]
    fn bits_are_named() {
        let c = cfg();
        assert_eq!(StreamKind::TxStimulus.describe_bit(&c, 7, 128), "tx_valid_i at clock 7 (slot 2)");
        assert_eq!(
            StreamKind::TxStimulus.describe_bit(&c, 7, 65),
            "tx_data_i lane 1 bit 1 at clock 7 (slot 2)"
        );
        assert_eq!(
            StreamKind::TxExpected.describe_bit(&c, 6, 23),
            "tx_serial_o channel 1 serial bit 1 at clock 6: block bit 23 of slot 1"
        );
        assert_eq!(StreamKind::RxStatus.describe_bit(&c, 3, 40), "link status field stripes_out (bit 40)");
        assert_eq!(
            StreamKind::RxStatus.describe_bit(&c, 0, 20),
            "port 0 status field reserved (zero) (bit 20)"
        );
    }

    #[test]
    fn status_fields_do_not_overlap() {
        for (fields, width) in [
            (&status::PORT_FIELDS[..], STATUS_WIDTH),
            (&status::LINK_FIELDS[..], STATUS_WIDTH),
            (&status::PERIOD_FIELDS[..], PORT_STATUS_WIDTH),
        ] {
            let mut used = vec![false; width as usize];
            for &(name, lo, n) in fields {
                for b in lo..lo + u64::from(n) {
                    assert!(!std::mem::replace(&mut used[b as usize], true), "{name} overlaps at bit {b}");
                }
            }
        }
    }

    #[test]
    fn port_status_words_are_laid_out_as_documented() {
        use tessera_model::rx::PortStatus;
        let p = PortStatus {
            port: 3,
            block_lock: true,
            marker_lock: true,
            lane: Some(0xffff),
            spare: true,
            bip_errors: 0x11,
            skew_bits: Some(9),
            slips: 0x22,
            block_lock_losses: 0x33,
            marker_lock_losses: 0x44,
            invalid_headers: 1 << 40,
            bits: 12345,
        };
        let w = status::period_word(&p);
        assert_eq!(
            crate::word::to_hex(&w, PORT_STATUS_WIDTH),
            "ffffffff000000440000003300000022000000110003ffff"
        );
        assert_eq!(
            status::describe_period(&w),
            "spare, block_lock, marker_lock, bip_errors 17, slips 34, block_lock_losses 51, marker_lock_losses 68, invalid_headers 4294967295"
        );
        // Without marker lock the lane field is 0.
        let hunting = PortStatus { marker_lock: false, lane: None, ..p };
        assert_eq!(crate::word::to_hex(&status::period_word(&hunting), PORT_STATUS_WIDTH)[40..], *"00010000");
        let c = cfg();
        assert_eq!(
            StreamKind::RxPortStatus.describe_bit(&c, 7, 70),
            "port 1 status field slips (bit 70) at the end of block period 2, on clock 9"
        );
        assert_eq!(
            StreamKind::RxPortStatus.describe_bit(&c, 0, 20),
            "port 0 status field reserved (zero) (bit 20) at the end of block period 0, on clock 3"
        );
    }
}
