//! The header of a vector file: the raw view ([`RawHeader`], the `// key: value` lines as
//! they are in the file) and the parsed representation ([`Header`]), converted both ways by
//! [`Header::parse`] and [`Header::lines`]. Every key is named once, in [`key`].
//!
//! A header says everything needed to regenerate its stream from nothing: the format and
//! version, the stream, the bus width and word count, the link configuration and seed, the
//! lane map, the channel settings and the run (how long the host waits for link-up, how
//! many stripes it sends, how many block periods the run lasts). Derived values
//! (`channels`, `clocks_per_block`, `tx_latency_clocks`, `clocks`) are written too, for the
//! reader of the file, and checked against the values they derive from.

use std::collections::BTreeMap;

use tessera_model::channel::{ChannelError, ChannelEvent, ChannelFaults, ChannelModel, EventKind};
use tessera_model::coverage::{Cover, Coverage};
use tessera_model::{LaneMap, LinkConfig, LinkParams};

pub use tessera_clocked::{RunSpec, SetSpec};

use crate::error::{ErrorKind, ParseError};
use crate::stream::{StreamKind, DATA_STREAMS};
use crate::syntax::{self, Fault};

/// The format's name, the value of the first header line's `format` key.
pub const FORMAT_NAME: &str = "tessera-vectors";
/// The one version of the format this crate reads and writes.
pub const FORMAT_VERSION: u32 = 2;

/// The header keys, in the order a header is written.
pub mod key {
    /// Format name: `tessera-vectors` (always line 1).
    pub const FORMAT: &str = "format";
    /// Format version (always line 2).
    pub const VERSION: &str = "version";
    /// Stream name.
    pub const STREAM: &str = "stream";
    /// Bus width in bits (data streams).
    pub const WIDTH: &str = "width";
    /// Words in the body (data streams).
    pub const WORDS: &str = "words";
    /// Data lanes N.
    pub const LANES: &str = "lanes";
    /// Spare channels S.
    pub const SPARES: &str = "spares";
    /// Physical channels P = N + S (derived).
    pub const CHANNELS: &str = "channels";
    /// Blocks per marker period.
    pub const AM_PERIOD: &str = "am_period";
    /// Largest skew the RX absorbs, in bits.
    pub const MAX_SKEW_BITS: &str = "max_skew_bits";
    /// Serial bits per channel per clock.
    pub const SER_W: &str = "ser_w";
    /// Clocks per block period, 66 / ser_w (derived).
    pub const CLOCKS_PER_BLOCK: &str = "clocks_per_block";
    /// Clocks from a slot's start to its first serial word on `tx_serial_o` (derived).
    pub const TX_LATENCY_CLOCKS: &str = "tx_latency_clocks";
    /// The seed of every random choice: channel faults and host stimulus.
    pub const SEED: &str = "seed";
    /// Lane map: the channel of each lane.
    pub const CHANNEL_OF: &str = "channel_of";
    /// Lane map: failed channels.
    pub const FAILED: &str = "failed";
    /// Channel: skew per physical channel in bits.
    pub const SKEW_BITS: &str = "skew_bits";
    /// Channel: the physical channel each RX port receives.
    pub const SOURCE_OF_PORT: &str = "source_of_port";
    /// Channel: bit error rate of every channel.
    pub const BER: &str = "ber";
    /// Channel: bit error rate per channel.
    pub const BER_PER_CHANNEL: &str = "ber_per_channel";
    /// Channel: bursts per bit.
    pub const BURST_RATE: &str = "burst_rate";
    /// Channel: length of a random burst in bits.
    pub const BURST_LEN: &str = "burst_len";
    /// Channel: slips per bit.
    pub const SLIP_RATE: &str = "slip_rate";
    /// Channel: channels dead from the start.
    pub const DEAD: &str = "dead";
    /// Channel: scheduled faults.
    pub const EVENTS: &str = "events";
    /// Run: percent of block periods in which the host offers a new stripe.
    pub const VALID_PERCENT: &str = "valid_percent";
    /// Run: block periods of idle before the first stripe (link-up).
    pub const LEAD_SLOTS: &str = "lead_slots";
    /// Run: stripes the host sends.
    pub const STRIPES: &str = "stripes";
    /// Run: block periods the run lasts.
    pub const SLOTS: &str = "slots";
    /// Run: clocks the run lasts, slots x clocks_per_block (derived).
    pub const CLOCKS: &str = "clocks";
    /// Manifest: prefix of a file entry key, `file.<stream>`.
    pub const FILE_PREFIX: &str = "file.";
    /// Manifest: prefix of a cover point's hit count, `cover.<point>` (points never hit are
    /// not listed).
    pub const COVER_PREFIX: &str = "cover.";
    /// Free text for the reader of the file (repeatable; not interpreted).
    pub const NOTE: &str = "note";

    /// Every key of the link, lane map, channel and run, in header order.
    pub const SET_KEYS: [&str; 28] = [
        LANES,
        SPARES,
        CHANNELS,
        AM_PERIOD,
        MAX_SKEW_BITS,
        SER_W,
        CLOCKS_PER_BLOCK,
        TX_LATENCY_CLOCKS,
        SEED,
        CHANNEL_OF,
        FAILED,
        SKEW_BITS,
        SOURCE_OF_PORT,
        BER,
        BER_PER_CHANNEL,
        BURST_RATE,
        BURST_LEN,
        SLIP_RATE,
        DEAD,
        EVENTS,
        VALID_PERCENT,
        LEAD_SLOTS,
        STRIPES,
        SLOTS,
        CLOCKS,
        // The keys above are required in every header; these three are placed by stream.
        WIDTH,
        WORDS,
        STREAM,
    ];
}

/// A manifest's entry for one stream file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The stream.
    pub stream: StreamKind,
    /// File name in the set folder.
    pub file: String,
    /// Bus width in bits.
    pub width: u32,
    /// Words.
    pub words: u64,
}

/// A parsed header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Format version.
    pub version: u32,
    /// The stream this file holds.
    pub stream: StreamKind,
    /// Bus width in bits (0 for the manifest).
    pub width: u32,
    /// Words in the body (0 for the manifest).
    pub words: u64,
    /// Link, lane map, channel and run.
    pub set: SetSpec,
    /// The manifest's file list (empty in a stream file).
    pub files: Vec<FileEntry>,
    /// The manifest's coverage: the cover points the set's run hits (none in a stream file).
    pub coverage: Coverage,
    /// Notes, in order.
    pub notes: Vec<String>,
}

/// One `// key: value` line as it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawField {
    /// The key.
    pub key: String,
    /// The value's bytes.
    pub value: Vec<u8>,
    /// Line number, from 1.
    pub line: u64,
    /// Column of the key, from 1.
    pub key_column: u64,
    /// Column of the value, from 1.
    pub value_column: u64,
}

/// The header lines of a file, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawHeader {
    /// The fields in file order.
    pub fields: Vec<RawField>,
    /// The line after the header (where a missing key is reported).
    pub end_line: u64,
}

/// Renders a list of numbers as a header value (`none` when empty).
pub fn list<T: ToString>(items: &[T]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" ")
    }
}

/// Renders a rate: the shortest decimal text that reads back as the same `f64`.
pub fn rate(x: f64) -> String {
    format!("{x:?}")
}

/// Renders one scheduled event: `<channel>:<bit>:<kind>`.
pub fn event_text(e: &ChannelEvent) -> String {
    let kind = match e.kind {
        EventKind::BitError => "flip".to_string(),
        EventKind::Slip { drop: true } => "slip-drop".to_string(),
        EventKind::Slip { drop: false } => "slip-repeat".to_string(),
        EventKind::Kill => "kill".to_string(),
        EventKind::Revive => "revive".to_string(),
        EventKind::Burst { len } => format!("burst={len}"),
    };
    format!("{}:{}:{kind}", e.channel, e.at_bit)
}

const EVENT_EXPECTED: &str =
    "events `<channel>:<bit>:<kind>` separated by single spaces (kind flip, slip-drop, slip-repeat, kill, revive or burst=<bits>), or `none`";

/// Parses the `events` value.
pub fn parse_events(value: &[u8]) -> Result<Vec<ChannelEvent>, Fault> {
    if value == b"none" {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (part, at) in syntax::parts(value) {
        let mut it = part.splitn(3, |&b| b == b':');
        let (Some(ch), Some(bit), Some(kind)) = (it.next(), it.next(), it.next()) else {
            return Err(Fault::new(
                at,
                ErrorKind::BadValue,
                format!("event `{}` is incomplete", String::from_utf8_lossy(part)),
                EVENT_EXPECTED,
            ));
        };
        let channel = syntax::u32_value(ch).map_err(|f| f.shift(at))?;
        let bit_at = at + ch.len() + 1;
        let at_bit = syntax::u64_value(bit).map_err(|f| f.shift(bit_at))?;
        let kind_at = bit_at + bit.len() + 1;
        let kind = match kind {
            b"flip" => EventKind::BitError,
            b"slip-drop" => EventKind::Slip { drop: true },
            b"slip-repeat" => EventKind::Slip { drop: false },
            b"kill" => EventKind::Kill,
            b"revive" => EventKind::Revive,
            k => match syntax::keyed(k, "burst") {
                Some(len) => {
                    EventKind::Burst { len: syntax::u32_value(len).map_err(|f| f.shift(kind_at + 6))? }
                }
                None => {
                    return Err(Fault::new(
                        kind_at,
                        ErrorKind::BadValue,
                        format!("unknown event kind `{}`", String::from_utf8_lossy(k)),
                        EVENT_EXPECTED,
                    ))
                }
            },
        };
        out.push(ChannelEvent { channel, at_bit, kind });
    }
    Ok(out)
}

/// Parses a list of rates (`ber_per_channel`).
fn parse_rates(value: &[u8]) -> Result<Vec<f64>, Fault> {
    if value == b"none" {
        return Ok(Vec::new());
    }
    syntax::parts(value).into_iter().map(|(p, at)| syntax::rate_value(p).map_err(|f| f.shift(at))).collect()
}

impl Header {
    /// The header lines, without `\n`, in the order they are written.
    pub fn lines(&self) -> Vec<String> {
        let s = &self.set;
        let p = &s.params;
        let f = &s.faults;
        let mut v: Vec<(&str, String)> = vec![
            (key::FORMAT, FORMAT_NAME.to_string()),
            (key::VERSION, self.version.to_string()),
            (key::STREAM, self.stream.name().to_string()),
        ];
        if !self.stream.is_manifest() {
            v.push((key::WIDTH, self.width.to_string()));
            v.push((key::WORDS, self.words.to_string()));
        }
        let k = 66 / p.ser_w.max(1);
        v.extend([
            (key::LANES, p.lanes.to_string()),
            (key::SPARES, p.spares.to_string()),
            (key::CHANNELS, (u64::from(p.lanes) + u64::from(p.spares)).to_string()),
            (key::AM_PERIOD, p.am_period.to_string()),
            (key::MAX_SKEW_BITS, p.max_skew_bits.to_string()),
            (key::SER_W, p.ser_w.to_string()),
            (key::CLOCKS_PER_BLOCK, k.to_string()),
            (key::TX_LATENCY_CLOCKS, tessera_model::tx::TX_LATENCY_CLOCKS.to_string()),
            (key::SEED, p.seed.to_string()),
            (key::CHANNEL_OF, list(&s.channel_of)),
            (key::FAILED, list(&s.failed)),
            (key::SKEW_BITS, list(&f.skew_bits)),
            (key::SOURCE_OF_PORT, list(&f.source_of_port)),
            (key::BER, rate(f.ber)),
            (
                key::BER_PER_CHANNEL,
                if f.ber_per_channel.is_empty() {
                    "none".into()
                } else {
                    f.ber_per_channel.iter().map(|&x| rate(x)).collect::<Vec<_>>().join(" ")
                },
            ),
            (key::BURST_RATE, rate(f.burst_rate)),
            (key::BURST_LEN, f.burst_len.to_string()),
            (key::SLIP_RATE, rate(f.slip_rate)),
            (key::DEAD, list(&f.dead)),
            (
                key::EVENTS,
                if f.events.is_empty() {
                    "none".into()
                } else {
                    f.events.iter().map(event_text).collect::<Vec<_>>().join(" ")
                },
            ),
            (key::VALID_PERCENT, s.run.valid_percent.to_string()),
            (key::LEAD_SLOTS, s.run.lead_slots.to_string()),
            (key::STRIPES, s.run.stripes.to_string()),
            (key::SLOTS, s.run.slots.to_string()),
            (key::CLOCKS, s.clocks().to_string()),
        ]);
        let mut out: Vec<String> = v.into_iter().map(|(k, val)| format!("// {k}: {val}")).collect();
        for e in &self.files {
            out.push(format!(
                "// {}{}: {} {} {}",
                key::FILE_PREFIX,
                e.stream.name(),
                e.file,
                e.width,
                e.words
            ));
        }
        for (c, n) in self.coverage.iter().filter(|&(_, n)| n > 0) {
            out.push(format!("// {}{}: {n}", key::COVER_PREFIX, c.name()));
        }
        for n in &self.notes {
            out.push(format!("// {}: {n}", key::NOTE));
        }
        out
    }

    /// The header as text, every line ended by `\n`.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for l in self.lines() {
            s.push_str(&l);
            s.push('\n');
        }
        s
    }

    /// The header of stream `stream` of a set, with the notes the writer puts there.
    pub fn for_stream(stream: StreamKind, set: &SetSpec, width: u32, words: u64) -> Header {
        let notes = set.config().map(|c| stream.notes(&c)).unwrap_or_default();
        Header {
            version: FORMAT_VERSION,
            stream,
            width,
            words,
            set: set.clone(),
            files: Vec::new(),
            coverage: Coverage::default(),
            notes,
        }
    }

    /// Parses and checks a raw header read from `file`.
    pub fn parse(raw: &RawHeader, file: &str) -> Result<Header, ParseError> {
        Fields::new(raw, file)?.header()
    }
}

/// The raw fields by key, with the conversions that turn a field's faults into errors at
/// its position.
struct Fields<'a> {
    file: &'a str,
    raw: &'a RawHeader,
    by_key: BTreeMap<&'a str, &'a RawField>,
    notes: Vec<String>,
    files: Vec<&'a RawField>,
    covers: Vec<&'a RawField>,
}

impl<'a> Fields<'a> {
    fn err(
        &self,
        line: u64,
        column: u64,
        kind: ErrorKind,
        problem: impl Into<String>,
        expected: impl Into<String>,
    ) -> ParseError {
        ParseError::new(self.file, line, column, kind, problem, expected)
    }

    fn at(&self, f: &RawField, fault: Fault) -> ParseError {
        self.err(f.line, f.value_column + fault.offset as u64, fault.kind, fault.problem, fault.expected)
    }

    fn new(raw: &'a RawHeader, file: &'a str) -> Result<Fields<'a>, ParseError> {
        let mut me = Fields {
            file,
            raw,
            by_key: BTreeMap::new(),
            notes: Vec::new(),
            files: Vec::new(),
            covers: Vec::new(),
        };
        let first = raw.fields.first().ok_or_else(|| {
            me.err(
                1,
                1,
                ErrorKind::NotVectorFile,
                "not a Tessera vector file: the file is empty",
                format!("`// {}: {FORMAT_NAME}` on line 1", key::FORMAT),
            )
        })?;
        if first.line != 1 || first.key != key::FORMAT || first.value != FORMAT_NAME.as_bytes() {
            return Err(me.err(
                first.line,
                1,
                ErrorKind::NotVectorFile,
                "not a Tessera vector file: line 1 does not name the format",
                format!("`// {}: {FORMAT_NAME}`", key::FORMAT),
            ));
        }
        match raw.fields.get(1) {
            Some(v) if v.key == key::VERSION => {
                let n = syntax::u32_value(&v.value).map_err(|f| me.at(v, f))?;
                if n == 1 {
                    // Version 1 had no rx_port_status stream and no coverage lines.
                    return Err(me.err(
                        v.line,
                        v.value_column,
                        ErrorKind::Version,
                        "format version 1 (before the rx_port_status stream and the cover lines): \
                         regenerate the set with `tessera gen` and the options in its manifest"
                            .to_string(),
                        format!("version {FORMAT_VERSION}"),
                    ));
                }
                if n != FORMAT_VERSION {
                    return Err(me.err(
                        v.line,
                        v.value_column,
                        ErrorKind::Version,
                        format!("unknown format version {n}"),
                        format!("version {FORMAT_VERSION}, the only version this tessera reads"),
                    ));
                }
            }
            other => {
                let line = other.map_or(raw.end_line, |f| f.line);
                return Err(me.err(
                    line,
                    1,
                    ErrorKind::MissingKey,
                    "the format version is missing",
                    format!("`// {}: {FORMAT_VERSION}` on line 2", key::VERSION),
                ));
            }
        }
        for f in &raw.fields[2..] {
            let k = f.key.as_str();
            if k == key::NOTE {
                me.notes.push(String::from_utf8_lossy(&f.value).into_owned());
                continue;
            }
            let known = key::SET_KEYS.contains(&k)
                || k.starts_with(key::FILE_PREFIX)
                || k.starts_with(key::COVER_PREFIX);
            if !known || k == key::FORMAT || k == key::VERSION {
                return Err(me.err(
                    f.line,
                    f.key_column,
                    ErrorKind::UnknownKey,
                    format!("unknown header key `{k}`"),
                    format!(
                        "one of the keys of format version {FORMAT_VERSION} (docs/vectors.md, \"Header\")"
                    ),
                ));
            }
            if let Some(prev) = me.by_key.insert(k, f) {
                return Err(me.err(
                    f.line,
                    f.key_column,
                    ErrorKind::DuplicateKey,
                    format!("header key `{k}` given twice (first on line {})", prev.line),
                    "each key once",
                ));
            }
            if k.starts_with(key::FILE_PREFIX) {
                me.files.push(f);
            }
            if k.starts_with(key::COVER_PREFIX) {
                me.covers.push(f);
            }
        }
        Ok(me)
    }

    fn get(&self, k: &str, what: &str) -> Result<&'a RawField, ParseError> {
        self.by_key.get(k).copied().ok_or_else(|| {
            self.err(
                self.raw.end_line,
                1,
                ErrorKind::MissingKey,
                format!("missing header key `{k}`"),
                format!("`// {k}: <{what}>` in the header, before line {}", self.raw.end_line),
            )
        })
    }
    fn u64(&self, k: &str) -> Result<u64, ParseError> {
        let f = self.get(k, "number")?;
        syntax::u64_value(&f.value).map_err(|x| self.at(f, x))
    }
    fn u32(&self, k: &str) -> Result<u32, ParseError> {
        let f = self.get(k, "number")?;
        syntax::u32_value(&f.value).map_err(|x| self.at(f, x))
    }
    fn list(&self, k: &str) -> Result<Vec<u32>, ParseError> {
        let f = self.get(k, "numbers or none")?;
        syntax::u32_list(&f.value).map_err(|x| self.at(f, x))
    }
    fn rate(&self, k: &str) -> Result<f64, ParseError> {
        let f = self.get(k, "rate")?;
        syntax::rate_value(&f.value).map_err(|x| self.at(f, x))
    }
    fn disagree(&self, k: &str, problem: String, expected: String) -> ParseError {
        match self.by_key.get(k) {
            Some(f) => self.err(f.line, f.value_column, ErrorKind::Disagree, problem, expected),
            None => self.err(self.raw.end_line, 1, ErrorKind::Disagree, problem, expected),
        }
    }
    fn bad_config(&self, k: &str, problem: String) -> ParseError {
        let (line, col) = self.by_key.get(k).map_or((self.raw.end_line, 1), |f| (f.line, f.value_column));
        self.err(line, col, ErrorKind::BadConfig, problem, "a configuration the model accepts")
    }
    /// A derived key must hold the value it derives to.
    fn derived(&self, k: &str, want: u64, rule: &str) -> Result<(), ParseError> {
        let got = self.u64(k)?;
        if got != want {
            return Err(self.disagree(
                k,
                format!("header says `{k}: {got}`, but {rule} is {want}"),
                format!("`{k}: {want}`"),
            ));
        }
        Ok(())
    }

    fn header(&self) -> Result<Header, ParseError> {
        let sf = self.get(key::STREAM, "stream name")?;
        let name = syntax::name_value(&sf.value).map_err(|x| self.at(sf, x))?;
        let stream = StreamKind::from_name(name).ok_or_else(|| {
            self.err(
                sf.line,
                sf.value_column,
                ErrorKind::BadValue,
                format!("unknown stream `{name}`"),
                "manifest, tx_stimulus, tx_expected, rx_stimulus, rx_stripes, rx_status or rx_port_status",
            )
        })?;
        // Keys that only some streams have.
        for (k, wanted) in [(key::WIDTH, !stream.is_manifest()), (key::WORDS, !stream.is_manifest())] {
            if let (false, Some(f)) = (wanted, self.by_key.get(k)) {
                return Err(self.err(
                    f.line,
                    f.key_column,
                    ErrorKind::UnknownKey,
                    format!("header key `{k}` in the manifest"),
                    "no width or words in a manifest: each file entry has its own",
                ));
            }
        }
        if let (false, Some(f)) = (stream.is_manifest(), self.files.first()) {
            return Err(self.err(
                f.line,
                f.key_column,
                ErrorKind::UnknownKey,
                format!("header key `{}` outside the manifest", f.key),
                "file entries only in manifest.txt",
            ));
        }
        if let (false, Some(f)) = (stream.is_manifest(), self.covers.first()) {
            return Err(self.err(
                f.line,
                f.key_column,
                ErrorKind::UnknownKey,
                format!("header key `{}` outside the manifest", f.key),
                "coverage only in manifest.txt",
            ));
        }

        let params = LinkParams {
            lanes: self.u32(key::LANES)?,
            spares: self.u32(key::SPARES)?,
            am_period: self.u32(key::AM_PERIOD)?,
            max_skew_bits: self.u32(key::MAX_SKEW_BITS)?,
            ser_w: self.u32(key::SER_W)?,
            seed: self.u64(key::SEED)?,
        };
        let cfg =
            LinkConfig::new(params).map_err(|e| self.bad_config(e.field, format!("impossible link: {e}")))?;
        self.derived(key::CHANNELS, u64::from(cfg.channels()), "lanes + spares")?;
        self.derived(key::CLOCKS_PER_BLOCK, u64::from(cfg.clocks_per_block()), "66 / ser_w")?;
        self.derived(
            key::TX_LATENCY_CLOCKS,
            u64::from(tessera_model::tx::TX_LATENCY_CLOCKS),
            "this tessera's TX latency",
        )?;

        let channel_of = self.list(key::CHANNEL_OF)?;
        let failed = self.list(key::FAILED)?;
        LaneMap::from_assignment(params.lanes, params.spares, &channel_of, &failed)
            .map_err(|e| self.bad_config(key::CHANNEL_OF, format!("impossible lane map: {e}")))?;

        let ef = self.get(key::EVENTS, "events or none")?;
        let bf = self.get(key::BER_PER_CHANNEL, "rates or none")?;
        let faults = ChannelFaults {
            skew_bits: self.list(key::SKEW_BITS)?,
            source_of_port: self.list(key::SOURCE_OF_PORT)?,
            ber: self.rate(key::BER)?,
            ber_per_channel: parse_rates(&bf.value).map_err(|x| self.at(bf, x))?,
            burst_rate: self.rate(key::BURST_RATE)?,
            burst_len: self.u32(key::BURST_LEN)?,
            slip_rate: self.rate(key::SLIP_RATE)?,
            dead: self.list(key::DEAD)?,
            events: parse_events(&ef.value).map_err(|x| self.at(ef, x))?,
        };
        if let Err(e) = check_channel(&cfg, &faults) {
            let k = channel_error_key(&e);
            return Err(self.bad_config(k, format!("impossible channel: {e}")));
        }

        let run = RunSpec {
            valid_percent: self.u32(key::VALID_PERCENT)?,
            lead_slots: self.u64(key::LEAD_SLOTS)?,
            stripes: self.u64(key::STRIPES)?,
            slots: self.u64(key::SLOTS)?,
        };
        if !(1..=100).contains(&run.valid_percent) {
            return Err(self.bad_config(
                key::VALID_PERCENT,
                format!("valid_percent = {} is not a percentage from 1 to 100", run.valid_percent),
            ));
        }
        if run.lead_slots > run.slots {
            return Err(self.disagree(
                key::LEAD_SLOTS,
                format!("lead_slots = {} is more than the run's slots = {}", run.lead_slots, run.slots),
                format!("at most {}", run.slots),
            ));
        }
        let clocks = run.slots.checked_mul(u64::from(cfg.clocks_per_block()));
        let Some(clocks) = clocks else {
            return Err(self.bad_config(key::SLOTS, format!("slots = {} is too long a run", run.slots)));
        };
        self.derived(key::CLOCKS, clocks, "slots x clocks_per_block")?;
        let set = SetSpec { params, channel_of, failed, faults, run };

        let mut header = Header {
            version: FORMAT_VERSION,
            stream,
            width: 0,
            words: 0,
            set,
            files: Vec::new(),
            coverage: Coverage::default(),
            notes: self.notes.clone(),
        };
        if stream.is_manifest() {
            header.files = self.file_entries(&header.set, &cfg)?;
            header.coverage = self.coverage()?;
        } else {
            let width = self.u32(key::WIDTH)?;
            let want = stream.width(&cfg);
            if u64::from(width) != want {
                return Err(self.disagree(
                    key::WIDTH,
                    format!(
                        "header says `width: {width}`, but a {stream} word of this link is {want} bits ({})",
                        stream.width_rule(&cfg)
                    ),
                    format!("`width: {want}`"),
                ));
            }
            let words = self.u64(key::WORDS)?;
            self.check_words(stream, words, &header.set, key::WORDS)?;
            header.width = width;
            header.words = words;
        }
        Ok(header)
    }

    fn check_words(&self, stream: StreamKind, words: u64, set: &SetSpec, k: &str) -> Result<(), ParseError> {
        let ok = match stream {
            StreamKind::RxStripes => words <= set.run.stripes,
            _ => words == stream.words(set, 0),
        };
        if !ok {
            let rule = match stream {
                StreamKind::RxStripes => format!("at most the {} stripes sent", set.run.stripes),
                StreamKind::RxStatus => {
                    format!("one per channel and one for the link: {}", stream.words(set, 0))
                }
                _ => format!("one per clock: {} (`clocks`)", set.clocks()),
            };
            return Err(self.disagree(
                k,
                format!("{stream} has {words} words, but the run gives {rule}"),
                rule,
            ));
        }
        Ok(())
    }

    fn file_entries(&self, set: &SetSpec, cfg: &LinkConfig) -> Result<Vec<FileEntry>, ParseError> {
        let mut out = Vec::new();
        for stream in DATA_STREAMS {
            let k = format!("{}{}", key::FILE_PREFIX, stream.name());
            let f = self.get(&k, "file name, width and words")?;
            let parts = syntax::parts(&f.value);
            let expected = format!("`{k}: {} <width> <words>`", stream.file_name());
            if parts.len() != 3 {
                return Err(self.at(
                    f,
                    Fault::new(
                        0,
                        ErrorKind::BadValue,
                        format!("{} parts in a file entry", parts.len()),
                        expected,
                    ),
                ));
            }
            let file = syntax::name_value(parts[0].0).map_err(|x| self.at(f, x))?;
            if file != stream.file_name() {
                return Err(self.at(
                    f,
                    Fault::new(
                        0,
                        ErrorKind::BadValue,
                        format!("the {stream} file is named `{file}`"),
                        format!("`{}`", stream.file_name()),
                    ),
                ));
            }
            let width = syntax::u32_value(parts[1].0).map_err(|x| self.at(f, x.shift(parts[1].1)))?;
            if u64::from(width) != stream.width(cfg) {
                return Err(self.at(
                    f,
                    Fault::new(
                        parts[1].1,
                        ErrorKind::Disagree,
                        format!(
                            "the manifest gives {stream} a width of {width} bits, but this link's is {} ({})",
                            stream.width(cfg),
                            stream.width_rule(cfg)
                        ),
                        format!("{}", stream.width(cfg)),
                    ),
                ));
            }
            let words = syntax::u64_value(parts[2].0).map_err(|x| self.at(f, x.shift(parts[2].1)))?;
            self.check_words(stream, words, set, &k)?;
            out.push(FileEntry { stream, file: file.to_string(), width, words });
        }
        let extra = self.files.iter().find(|f| {
            let s = &f.key[key::FILE_PREFIX.len()..];
            !DATA_STREAMS.iter().any(|d| d.name() == s)
        });
        if let Some(f) = extra {
            return Err(self.err(
                f.line,
                f.key_column,
                ErrorKind::UnknownKey,
                format!("unknown stream in `{}`", f.key),
                "file entries for the streams of docs/vectors.md, section 4",
            ));
        }
        Ok(out)
    }
}

impl Fields<'_> {
    /// The manifest's `cover.<point>: <count>` lines: every name a cover point of this
    /// version, every count a number of at least 1.
    fn coverage(&self) -> Result<Coverage, ParseError> {
        let mut cov = Coverage::default();
        for f in &self.covers {
            let name = &f.key[key::COVER_PREFIX.len()..];
            let Some(point) = Cover::from_name(name) else {
                return Err(self.err(
                    f.line,
                    f.key_column + key::COVER_PREFIX.len() as u64,
                    ErrorKind::UnknownKey,
                    format!("`{name}` is not a cover point"),
                    "the name of a cover point of docs/coverage.md after `cover.`",
                ));
            };
            let n = syntax::u64_value(&f.value).map_err(|x| {
                let mut e = self.at(f, x);
                e.problem = format!("cover point `{name}`: {}", e.problem);
                e
            })?;
            if n == 0 {
                return Err(self.err(
                    f.line,
                    f.value_column,
                    ErrorKind::BadValue,
                    format!("cover point `{name}` is listed with 0 hits"),
                    "a count of at least 1: points never hit are not listed",
                ));
            }
            cov.add(point, n);
        }
        Ok(cov)
    }
}

/// Checks channel settings as `ChannelModel::new` does, without building the model's
/// skew lines (a header may ask for up to 2^24 x 66 bits of skew on each of 65536 ports;
/// parsing it must not allocate them).
fn check_channel(cfg: &LinkConfig, faults: &ChannelFaults) -> Result<(), ChannelError> {
    let p = cfg.channels();
    let n = faults.skew_bits.len();
    if n != 0 && n != p as usize {
        return Err(ChannelError::WrongLength { field: "skew_bits", got: n, expected: p });
    }
    let limit = u64::from(cfg.am_period()) * u64::from(tessera_model::BLOCK_BITS);
    if let Some((c, &skew)) = faults.skew_bits.iter().enumerate().find(|(_, &s)| u64::from(s) > limit) {
        return Err(ChannelError::SkewTooLarge {
            channel: c as u32,
            skew,
            limit,
            am_period: cfg.am_period(),
        });
    }
    let rest = ChannelFaults { skew_bits: Vec::new(), ..faults.clone() };
    ChannelModel::new(cfg, rest, cfg.seed()).map(|_| ())
}

/// The header key a channel error is about.
fn channel_error_key(e: &tessera_model::channel::ChannelError) -> &'static str {
    use tessera_model::channel::ChannelError as E;
    match e {
        E::WrongLength { field, .. } | E::ChannelOutOfRange { field, .. } | E::BadRate { field, .. } => {
            match *field {
                "skew_bits" => key::SKEW_BITS,
                "source_of_port" => key::SOURCE_OF_PORT,
                "ber_per_channel" => key::BER_PER_CHANNEL,
                "dead" => key::DEAD,
                "events" => key::EVENTS,
                "ber" => key::BER,
                "burst_rate" => key::BURST_RATE,
                "slip_rate" => key::SLIP_RATE,
                _ => key::EVENTS,
            }
        }
        E::NotABijection { .. } => key::SOURCE_OF_PORT,
        E::ZeroBurstLen { .. } => key::BURST_LEN,
        E::ZeroBurstEvent { .. } => key::EVENTS,
        E::DuplicateDead { .. } => key::DEAD,
        E::SkewTooLarge { .. } => key::SKEW_BITS,
        #[allow(unreachable_patterns)]
        _ => key::SKEW_BITS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header as raw text, split into lines as the reader does.
    fn raw(text: &str) -> RawHeader {
        let mut r = RawHeader::default();
        for (i, l) in text.lines().enumerate() {
            let (k, v, at) = syntax::header_line(l.as_bytes()).unwrap();
            r.fields.push(RawField {
                key: String::from_utf8_lossy(k).into(),
                value: v.to_vec(),
                line: i as u64 + 1,
                key_column: 4,
                value_column: at as u64 + 1,
            });
        }
        r.end_line = r.fields.len() as u64 + 1;
        r
    }

    fn set() -> SetSpec {
        SetSpec {
            params: LinkParams { lanes: 2, spares: 1, am_period: 16, max_skew_bits: 100, ser_w: 22, seed: 9 },
            channel_of: vec![0, 2],
            failed: vec![1],
            faults: ChannelFaults {
                skew_bits: vec![0, 5, 99],
                source_of_port: vec![2, 0, 1],
                ber: 1e-6,
                events: vec![ChannelEvent { channel: 2, at_bit: 700, kind: EventKind::Burst { len: 5 } }],
                ..Default::default()
            },
            run: RunSpec { valid_percent: 50, lead_slots: 100, stripes: 20, slots: 200 },
        }
    }

    #[test]
    fn lines_parse_back() {
        let h = Header::for_stream(StreamKind::TxStimulus, &set(), 129, 600);
        let text = h.text();
        assert!(text.starts_with(
            "// format: tessera-vectors\n// version: 2\n// stream: tx_stimulus\n// width: 129\n"
        ));
        assert!(text.contains("// events: 2:700:burst=5\n"), "{text}");
        assert!(text.contains("// ber: 1e-6\n"));
        assert_eq!(Header::parse(&raw(&text), "t").unwrap(), h);
    }

    #[test]
    fn missing_unknown_duplicate_and_disagreeing_keys() {
        let text = Header::for_stream(StreamKind::TxStimulus, &set(), 129, 600).text();
        let without = text.replace("// seed: 9\n", "");
        let e = Header::parse(&raw(&without), "t").unwrap_err();
        assert_eq!(e.kind, ErrorKind::MissingKey);
        assert!(e.to_string().contains("missing header key `seed`; expected `// seed: <number>`"), "{e}");
        let e =
            Header::parse(&raw(&text.replace("// seed: 9\n", "// seed: 9\n// sead: 9\n")), "t").unwrap_err();
        assert_eq!((e.kind, e.column), (ErrorKind::UnknownKey, 4));
        let e =
            Header::parse(&raw(&text.replace("// seed: 9\n", "// seed: 9\n// seed: 9\n")), "t").unwrap_err();
        assert_eq!(e.kind, ErrorKind::DuplicateKey);
        let e = Header::parse(&raw(&text.replace("// width: 129", "// width: 128")), "t").unwrap_err();
        assert_eq!(e.to_string(), "t:4:11: header says `width: 128`, but a tx_stimulus word of this link is 129 bits (1 + 64 x 2 lanes); expected `width: 129`");
        let e = Header::parse(&raw(&text.replace("// words: 600", "// words: 601")), "t").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Disagree);
        let e = Header::parse(&raw(&text.replace("// version: 2", "// version: 3")), "t").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t:2:13: unknown format version 3; expected version 2, the only version this tessera reads"
        );
        let e = Header::parse(&raw(&text.replace("// version: 2", "// version: 1")), "t").unwrap_err();
        assert!(e.to_string().starts_with("t:2:13: format version 1 (before the rx_port_status stream"), "{e}");
        let e =
            Header::parse(&raw(&text.replace("// channel_of: 0 2", "// channel_of: 0 1")), "t").unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadConfig);
        assert!(e.problem.contains("impossible lane map"), "{e}");
        let e = Header::parse(&raw(&text.replace("// ser_w: 22", "// ser_w: 21")), "t").unwrap_err();
        assert!(e.problem.starts_with("impossible link: invalid link configuration: ser_w = 21"), "{e}");
        let e = Header::parse(&raw(&text.replace("// events: 2:700:burst=5", "// events: 2:700:bust")), "t")
            .unwrap_err();
        assert_eq!(
            (e.kind, e.column, e.problem.as_str()),
            (ErrorKind::BadValue, 18, "unknown event kind `bust`")
        );
    }

    #[test]
    fn huge_skews_are_checked_without_building_them() {
        let mut s = set();
        s.params.am_period = 1 << 24;
        s.faults.skew_bits = vec![4_000_000_000, 1 << 30, 0];
        let text = Header::for_stream(StreamKind::RxStatus, &s, 128, 4).text();
        let e = Header::parse(&raw(&text), "t").unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadConfig);
        assert!(e.problem.contains("skew_bits[0] = 4000000000: more than one marker period"), "{e}");
        s.faults.skew_bits = vec![1 << 30, 1 << 30, 0];
        let text = Header::for_stream(StreamKind::RxStatus, &s, 128, 4).text();
        assert!(Header::parse(&raw(&text), "t").is_ok());
        s.faults.skew_bits = vec![0, 0];
        let text = Header::for_stream(StreamKind::RxStatus, &s, 128, 4).text();
        let e = Header::parse(&raw(&text), "t").unwrap_err();
        assert!(e.problem.contains("skew_bits has 2 entries, expected 3"), "{e}");
    }

    /// The manifest of [`set`], with its file entries (3 stripes out).
    fn manifest() -> Header {
        let mut h = Header::for_stream(StreamKind::Manifest, &set(), 0, 0);
        h.files = DATA_STREAMS
            .iter()
            .map(|&s| FileEntry {
                stream: s,
                file: s.file_name().into(),
                width: s.width(&set().config().unwrap()) as u32,
                words: s.words(&set(), 3),
            })
            .collect();
        h
    }

    #[test]
    fn manifest_has_file_entries() {
        let h = manifest();
        let text = h.text();
        assert!(text.contains("// file.rx_stripes: rx_stripes.hex 128 3\n"), "{text}");
        assert_eq!(Header::parse(&raw(&text), "m").unwrap(), h);
        let e = Header::parse(&raw(&text.replace("rx_status.hex 128 4", "rx_status.hex 128 5")), "m")
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Disagree);
    }

    #[test]
    fn manifest_coverage_lines_parse_back_and_bad_ones_name_line_and_point() {
        let mut h = manifest();
        h.coverage.add(Cover::BlockLockGained, 3);
        h.coverage.add(Cover::BipError, 12);
        let text = h.text();
        assert!(
            text.contains("// cover.block_lock.gained: 3\n// cover.bip.error: 12\n"),
            "points hit, in the order of docs/coverage.md: {text}"
        );
        assert!(!text.contains("cover.bip.ok"), "points never hit are not listed");
        assert_eq!(Header::parse(&raw(&text), "m").unwrap(), h);
        let line = text.lines().position(|l| l.starts_with("// cover.bip.error")).unwrap() as u64 + 1;
        let bad = |from: &str, to: &str| Header::parse(&raw(&text.replace(from, to)), "m").unwrap_err();
        let e = bad("// cover.bip.error: 12", "// cover.bip.eror: 12");
        assert_eq!(e.to_string(), format!("m:{line}:10: `bip.eror` is not a cover point; expected the name of a cover point of docs/coverage.md after `cover.`"));
        let e = bad("// cover.bip.error: 12", "// cover.bip.error: 1x");
        assert_eq!((e.kind, e.line, e.column), (ErrorKind::BadValue, line, 22));
        assert!(e.problem.starts_with("cover point `bip.error`: "), "{e}");
        let e = bad("// cover.bip.error: 12", "// cover.bip.error: 0");
        assert_eq!(e.to_string(), format!("m:{line}:21: cover point `bip.error` is listed with 0 hits; expected a count of at least 1: points never hit are not listed"));
        let e = bad("// cover.bip.error: 12", "// cover.bip.error: 12\n// cover.bip.error: 1");
        assert_eq!((e.kind, e.line), (ErrorKind::DuplicateKey, line + 1));
        // Only the manifest has coverage.
        let stream = Header::for_stream(StreamKind::RxStatus, &set(), 128, 4).text();
        let e = Header::parse(&raw(&format!("{stream}// cover.bip.ok: 1\n")), "s").unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownKey);
        assert!(e.to_string().contains("header key `cover.bip.ok` outside the manifest"), "{e}");
    }
}
