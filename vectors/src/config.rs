//! What `tessera gen` is asked for: from a configuration file (`key: value` lines, the keys
//! of a vector header) and from command-line flags, merged and turned into a [`GenSpec`].
//!
//! A configuration file holds one `key: value` per line, optionally after `// ` (so a
//! header's lines can be pasted in); blank lines and lines starting with `#` are ignored.
//! Values are written as in a header (`docs/vectors.md`, "Header"). Two keys exist only
//! here: `random_skew: <max bits>` draws a skew per channel and `permute: yes` draws a
//! core-to-pixel permutation, both from the seed. Every error names the file, the line and
//! the column.

pub use tessera_clocked::stress::Stress;
use tessera_model::channel::{ChannelEvent, ChannelFaults};
use tessera_model::config::MIN_SKEW_CAPACITY_BITS;
use tessera_model::LinkParams;

use crate::error::{ErrorKind, ParseError};
use crate::gen::{self, GenSpec};
use crate::header::{key, parse_events};
use crate::syntax::{self, Fault};

/// Key of a configuration file only: a random skew per channel up to this many bits.
pub const RANDOM_SKEW: &str = "random_skew";
/// Key of a configuration file only: `yes` for a random core-to-pixel permutation.
pub const PERMUTE: &str = "permute";
/// Key of a configuration file only: stress events (`tessera_clocked::stress`), made plain
/// `events` of the set when it is planned.
pub const STRESS: &str = "stress";

/// Default data lanes.
pub const DEFAULT_LANES: u32 = 4;
/// Default spares.
pub const DEFAULT_SPARES: u32 = 1;
/// Default marker period: short, so that simulations reach data soon.
pub const DEFAULT_AM_PERIOD: u32 = 64;
/// Default serial width.
pub const DEFAULT_SER_W: u32 = 22;
/// Default stripes.
pub const DEFAULT_STRIPES: u64 = 1000;

/// Everything `tessera gen` can be asked; `None` is "not said here".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenOptions {
    /// Data lanes.
    pub lanes: Option<u32>,
    /// Spares.
    pub spares: Option<u32>,
    /// Marker period.
    pub am_period: Option<u32>,
    /// Skew capacity.
    pub max_skew_bits: Option<u32>,
    /// Serial width.
    pub ser_w: Option<u32>,
    /// Seed.
    pub seed: Option<u64>,
    /// Lane map assignment.
    pub channel_of: Option<Vec<u32>>,
    /// Failed channels of the lane map.
    pub failed: Option<Vec<u32>>,
    /// Skew per channel.
    pub skew_bits: Option<Vec<u32>>,
    /// Random skew up to this many bits.
    pub random_skew: Option<u32>,
    /// Port-to-channel permutation.
    pub source_of_port: Option<Vec<u32>>,
    /// Random permutation.
    pub permute: Option<bool>,
    /// BER.
    pub ber: Option<f64>,
    /// BER per channel.
    pub ber_per_channel: Option<Vec<f64>>,
    /// Bursts per bit.
    pub burst_rate: Option<f64>,
    /// Burst length.
    pub burst_len: Option<u32>,
    /// Slips per bit.
    pub slip_rate: Option<f64>,
    /// Dead channels.
    pub dead: Option<Vec<u32>>,
    /// Scheduled events.
    pub events: Option<Vec<ChannelEvent>>,
    /// Host valid percentage.
    pub valid_percent: Option<u32>,
    /// Stripes.
    pub stripes: Option<u64>,
    /// Idle slots before the first stripe.
    pub lead_slots: Option<u64>,
    /// Stress events (docs/vectors.md, "Stress events").
    pub stress: Option<Vec<Stress>>,
}

macro_rules! merge {
    ($a:expr, $b:expr, $($f:ident),*) => { GenOptions { $($f: $a.$f.or($b.$f)),* } };
}

impl GenOptions {
    /// These options, with `base`'s where these say nothing.
    pub fn or(self, base: GenOptions) -> GenOptions {
        merge!(
            self,
            base,
            lanes,
            spares,
            am_period,
            max_skew_bits,
            ser_w,
            seed,
            channel_of,
            failed,
            skew_bits,
            random_skew,
            source_of_port,
            permute,
            ber,
            ber_per_channel,
            burst_rate,
            burst_len,
            slip_rate,
            dead,
            events,
            valid_percent,
            stripes,
            lead_slots,
            stress
        )
    }

    /// Sets one option from its key and value text; the fault's offset is in `value`.
    pub fn set(&mut self, k: &str, value: &[u8]) -> Result<(), Fault> {
        use syntax::{rate_value as rate, u32_list as list, u32_value as u32v, u64_value as u64v};
        match k {
            key::LANES => self.lanes = Some(u32v(value)?),
            key::SPARES => self.spares = Some(u32v(value)?),
            key::AM_PERIOD => self.am_period = Some(u32v(value)?),
            key::MAX_SKEW_BITS => self.max_skew_bits = Some(u32v(value)?),
            key::SER_W => self.ser_w = Some(u32v(value)?),
            key::SEED => self.seed = Some(u64v(value)?),
            key::CHANNEL_OF => self.channel_of = Some(list(value)?),
            key::FAILED => self.failed = Some(list(value)?),
            key::SKEW_BITS => self.skew_bits = Some(list(value)?),
            RANDOM_SKEW => self.random_skew = Some(u32v(value)?),
            key::SOURCE_OF_PORT => self.source_of_port = Some(list(value)?),
            PERMUTE => {
                self.permute = Some(match value {
                    b"yes" => true,
                    b"no" => false,
                    _ => {
                        return Err(Fault::new(
                            0,
                            ErrorKind::BadValue,
                            format!("`{}` is not yes or no", String::from_utf8_lossy(value)),
                            "`yes` or `no`",
                        ))
                    }
                })
            }
            key::BER => self.ber = Some(rate(value)?),
            key::BER_PER_CHANNEL => {
                self.ber_per_channel = Some(if value == b"none" {
                    Vec::new()
                } else {
                    syntax::parts(value)
                        .into_iter()
                        .map(|(p, at)| rate(p).map_err(|f| f.shift(at)))
                        .collect::<Result<_, _>>()?
                })
            }
            key::BURST_RATE => self.burst_rate = Some(rate(value)?),
            key::BURST_LEN => self.burst_len = Some(u32v(value)?),
            key::SLIP_RATE => self.slip_rate = Some(rate(value)?),
            key::DEAD => self.dead = Some(list(value)?),
            key::EVENTS => self.events = Some(parse_events(value)?),
            key::VALID_PERCENT => self.valid_percent = Some(u32v(value)?),
            key::STRIPES => self.stripes = Some(u64v(value)?),
            key::LEAD_SLOTS => self.lead_slots = Some(u64v(value)?),
            STRESS => {
                let mut all = Vec::new();
                for (part, at) in syntax::parts(value) {
                    let text = String::from_utf8_lossy(part);
                    all.push(Stress::parse(&text).map_err(|e| {
                        Fault::new(at, ErrorKind::BadValue, e, "stress events separated by spaces")
                    })?);
                }
                self.stress = Some(all);
            }
            _ => {
                return Err(Fault::new(
                    0,
                    ErrorKind::UnknownKey,
                    format!("unknown configuration key `{k}`"),
                    format!("one of {}", KEYS.join(", ")),
                ))
            }
        }
        Ok(())
    }

    /// Parses a configuration file; `file` names it in errors.
    pub fn parse_file(bytes: &[u8], file: &str) -> Result<GenOptions, ParseError> {
        let mut out = GenOptions::default();
        let mut seen: Vec<(String, u64)> = Vec::new();
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let n = i as u64 + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let trimmed = line.strip_prefix(b"// ").unwrap_or(line);
            let skip = line.len() - trimmed.len();
            if trimmed.iter().all(|b| b.is_ascii_whitespace()) || trimmed.starts_with(b"#") {
                continue;
            }
            let mut with_prefix = b"// ".to_vec();
            with_prefix.extend_from_slice(trimmed);
            let (k, v, at) = syntax::header_line(&with_prefix).map_err(|f| {
                ParseError::new(
                    file,
                    n,
                    (f.offset + skip).saturating_sub(3) as u64 + 1,
                    f.kind,
                    f.problem,
                    "`key: value`",
                )
            })?;
            let k = String::from_utf8_lossy(k).into_owned();
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == k) {
                return Err(ParseError::new(
                    file,
                    n,
                    skip as u64 + 1,
                    ErrorKind::DuplicateKey,
                    format!("key `{k}` given twice (first on line {first})"),
                    "each key once",
                ));
            }
            let col = (at - 3 + skip) as u64 + 1;
            match out.set(&k, v) {
                Ok(()) => {}
                Err(f) if f.kind == ErrorKind::UnknownKey => {
                    return Err(ParseError::new(file, n, skip as u64 + 1, f.kind, f.problem, f.expected))
                }
                Err(f) => {
                    return Err(ParseError::new(
                        file,
                        n,
                        col + f.offset as u64,
                        f.kind,
                        f.problem,
                        f.expected,
                    ))
                }
            }
            seen.push((k, n));
        }
        Ok(out)
    }

    /// The generator's request: defaults where nothing is said, `seed` for the seed when
    /// none is given, random skew and permutation drawn (in that order) from
    /// [`gen::choice_rng`] of the seed.
    pub fn to_spec(&self, seed: u64) -> GenSpec {
        let seed = self.seed.unwrap_or(seed);
        let params = LinkParams {
            lanes: self.lanes.unwrap_or(DEFAULT_LANES),
            spares: self.spares.unwrap_or(DEFAULT_SPARES),
            am_period: self.am_period.unwrap_or(DEFAULT_AM_PERIOD),
            max_skew_bits: self.max_skew_bits.unwrap_or(MIN_SKEW_CAPACITY_BITS),
            ser_w: self.ser_w.unwrap_or(DEFAULT_SER_W),
            seed,
        };
        let p = params.lanes.saturating_add(params.spares);
        let mut rng = gen::choice_rng(seed);
        let skew_bits = match (&self.skew_bits, self.random_skew) {
            (Some(s), _) => s.clone(),
            (None, Some(max)) => ChannelFaults::random_skew(p, max, &mut rng),
            (None, None) => Vec::new(),
        };
        let source_of_port = match (&self.source_of_port, self.permute) {
            (Some(s), _) => s.clone(),
            (None, Some(true)) => ChannelFaults::random_permutation(p, &mut rng),
            _ => Vec::new(),
        };
        GenSpec {
            params,
            channel_of: self.channel_of.clone(),
            failed: self.failed.clone().unwrap_or_default(),
            faults: ChannelFaults {
                skew_bits,
                source_of_port,
                ber: self.ber.unwrap_or(0.0),
                ber_per_channel: self.ber_per_channel.clone().unwrap_or_default(),
                burst_rate: self.burst_rate.unwrap_or(0.0),
                burst_len: self.burst_len.unwrap_or(0),
                slip_rate: self.slip_rate.unwrap_or(0.0),
                dead: self.dead.clone().unwrap_or_default(),
                events: self.events.clone().unwrap_or_default(),
            },
            valid_percent: self.valid_percent.unwrap_or(100),
            stripes: self.stripes.unwrap_or(DEFAULT_STRIPES),
            lead_slots: self.lead_slots,
            stress: self.stress.clone().unwrap_or_default(),
            channel_delay_slots: 0,
        }
    }
}

/// Every key a configuration file may hold.
pub const KEYS: [&str; 23] = [
    key::LANES,
    key::SPARES,
    key::AM_PERIOD,
    key::MAX_SKEW_BITS,
    key::SER_W,
    key::SEED,
    key::CHANNEL_OF,
    key::FAILED,
    key::SKEW_BITS,
    RANDOM_SKEW,
    key::SOURCE_OF_PORT,
    PERMUTE,
    STRESS,
    key::BER,
    key::BER_PER_CHANNEL,
    key::BURST_RATE,
    key::BURST_LEN,
    key::SLIP_RATE,
    key::DEAD,
    key::EVENTS,
    key::VALID_PERCENT,
    key::STRIPES,
    key::LEAD_SLOTS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_keys_comments_and_errors() {
        let text = b"# a link\nlanes: 8\n// spares: 2\n\nskew_bits: 0 1 2 3 4 5 6 7 8 9\npermute: yes\n";
        let o = GenOptions::parse_file(text, "c.cfg").unwrap();
        assert_eq!((o.lanes, o.spares, o.permute), (Some(8), Some(2), Some(true)));
        let e = GenOptions::parse_file(b"lanes: 8\nlanes: 9\n", "c.cfg").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.cfg:2:1: key `lanes` given twice (first on line 1); expected each key once"
        );
        let e = GenOptions::parse_file(b"lanes: 8\nlane: 9\n", "c.cfg").unwrap_err();
        assert!(e.to_string().starts_with("c.cfg:2:1: unknown configuration key `lane`"), "{e}");
        let e = GenOptions::parse_file(b"lanes: 8\nfailed: 1 x\n", "c.cfg").unwrap_err();
        assert_eq!((e.line, e.column), (2, 11));
        let e = GenOptions::parse_file(b"// seed: 12z\n", "c.cfg").unwrap_err();
        assert_eq!((e.line, e.column), (1, 12));
        let e = GenOptions::parse_file(b"lanes 8\n", "c.cfg").unwrap_err();
        assert_eq!((e.line, e.column), (1, 6));
    }

    #[test]
    fn flags_override_the_file_and_random_choices_follow_the_seed() {
        let file = GenOptions { lanes: Some(8), stripes: Some(5), ..Default::default() };
        let flags =
            GenOptions { lanes: Some(2), random_skew: Some(100), permute: Some(true), ..Default::default() };
        let o = flags.or(file);
        let a = o.to_spec(7);
        assert_eq!((a.params.lanes, a.stripes, a.params.seed), (2, 5, 7));
        assert_eq!(a.faults.skew_bits.len(), 3);
        assert_eq!(a.faults.source_of_port.len(), 3);
        assert_eq!(a, o.to_spec(7));
        assert_ne!(a.faults.skew_bits, o.to_spec(8).faults.skew_bits);
    }
}
