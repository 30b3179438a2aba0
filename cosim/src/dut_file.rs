//! The DUT file: a small TOML description of a user's RTL (docs/ports.md, "The DUT file").
//!
//! ```toml
//! name = "acme"
//! side = "e2e"                       # tx, rx, or e2e (both tops)
//!
//! [sources]                          # paths relative to this file
//! files = ["rtl/acme_pkg.sv"]
//! file_lists = ["rtl/acme.f"]        # the -f convention, see filelist.rs
//! include_dirs = ["rtl/include"]
//! defines = { ACME_SIM = "1", FAST = true }
//! verilator_flags = ["-Wno-WIDTH"]
//!
//! [link]                             # a number, or { parameter = "NAME" } of the top
//! lanes = { parameter = "NUM_LANES" }
//! spares = 2
//!
//! [tx]
//! top = "acme_tx"
//! parameters = { NUM_LANES = 16 }
//! clock = "clk"
//! reset = { port = "rst", active = "high" }
//! latency = 3                        # clocks from a slot's first clock to its first serial word
//!
//! [tx.ports]                         # role = port
//! host_valid = "s_valid"
//! ```
//!
//! [`DutFile::parse`] reads the text (serde + toml: a syntax error or an unknown key is
//! reported with its line and column), [`DutFile::resolve`] checks everything that can be
//! checked before Verilator runs (roles, the link configuration against `LinkConfig`, the
//! files) and gives a [`DutSpec`]. Errors name the file and, where there is one, the line.
//! Nothing here panics on any input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tessera_model::config::MIN_SKEW_CAPACITY_BITS;
use tessera_model::{LinkConfig, LinkParams};
use toml::Spanned;

use crate::filelist::{self, Expanded};
use crate::roles::{self, Side};

/// What a DUT file says, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutFile {
    /// A name for reports (default: the file's stem).
    pub name: Option<String>,
    /// `tx`, `rx` or `e2e`.
    pub side: Spanned<String>,
    /// Sources.
    pub sources: Sources,
    /// The link configuration.
    #[serde(default)]
    pub link: LinkSection,
    /// The TX top.
    pub tx: Option<Spanned<TopSection>>,
    /// The RX top.
    pub rx: Option<Spanned<TopSection>>,
}

/// `[sources]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    /// Source files.
    #[serde(default)]
    pub files: Vec<Spanned<String>>,
    /// `.f` file lists.
    #[serde(default)]
    pub file_lists: Vec<Spanned<String>>,
    /// Include directories.
    #[serde(default)]
    pub include_dirs: Vec<Spanned<String>>,
    /// Defines: a string, a number, or `true` for a plain `-DNAME`.
    #[serde(default)]
    pub defines: BTreeMap<String, Value>,
    /// More Verilator arguments.
    #[serde(default)]
    pub verilator_flags: Vec<String>,
}

/// A parameter or define value.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A number.
    Int(i64),
    /// `true` (a define with no value) or `false` (not defined).
    Bool(bool),
    /// Passed to Verilator as it is.
    Str(String),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => u8::from(*b).to_string(),
            Value::Str(s) => s.clone(),
        }
    }
}

/// `[link]`: each key a number or the name of a top parameter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSection {
    /// Data lanes.
    pub lanes: Option<Spanned<LinkValue>>,
    /// Spare channels.
    pub spares: Option<Spanned<LinkValue>>,
    /// Marker period in blocks.
    pub am_period: Option<Spanned<LinkValue>>,
    /// Serial bits per channel per clock.
    pub ser_w: Option<Spanned<LinkValue>>,
    /// Skew capacity of the RX in bits.
    pub max_skew_bits: Option<Spanned<LinkValue>>,
}

/// A link value.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum LinkValue {
    /// Given.
    Number(u32),
    /// Read from this parameter of the top(s).
    Parameter {
        /// The parameter's name.
        parameter: String,
    },
}

/// `[tx]` or `[rx]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopSection {
    /// The top module.
    pub top: String,
    /// `-G` parameters.
    #[serde(default)]
    pub parameters: BTreeMap<Spanned<String>, Value>,
    /// The clock port.
    pub clock: String,
    /// The reset port and polarity.
    pub reset: Reset,
    /// TX: clocks from a slot's first clock to its first serial word (the contract's is 2).
    pub latency: Option<u32>,
    /// RX: clocks by which the status outputs lag the contract's timing.
    pub status_lag: Option<u32>,
    /// TX: clocks from the last lane-map write of a change to the first slot that may use
    /// the new map (docs/ports.md, "Lane-map write port"; the contract's is 1).
    pub map_delay: Option<u32>,
    /// GCC optimization of the generated C++ (`-O0` .. `-O3`, `-Os`); default Verilator's.
    pub cxx_opt: Option<String>,
    /// Role -> port.
    #[serde(default)]
    pub ports: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// `reset = { port = "rst_ni", active = "low" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reset {
    /// The port.
    pub port: String,
    /// `low` or `high`.
    pub active: Spanned<String>,
}

/// Which tops a DUT has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sides {
    /// A transmitter.
    Tx,
    /// A receiver.
    Rx,
    /// Both, for end-to-end runs.
    Both,
}

/// A DUT file, checked and resolved: what a build needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DutSpec {
    /// Name for reports.
    pub name: String,
    /// The DUT file.
    pub file: PathBuf,
    /// Tops.
    pub sides: Sides,
    /// The link configuration (seed 1; runs set their own).
    pub link: LinkParams,
    /// Sources with file lists expanded.
    pub sources: Expanded,
    /// TX top.
    pub tx: Option<TopSpec>,
    /// RX top.
    pub rx: Option<TopSpec>,
}

/// One top, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct TopSpec {
    /// TX or RX.
    pub side: Side,
    /// Module name.
    pub top: String,
    /// `-G` parameters, by name.
    pub parameters: Vec<(String, String)>,
    /// Clock port.
    pub clock: String,
    /// Reset port.
    pub reset: String,
    /// Reset asserted low.
    pub reset_active_low: bool,
    /// TX latency in clocks.
    pub latency: u32,
    /// RX status lag in clocks.
    pub status_lag: u32,
    /// TX lane-map delay in clocks (1 if the DUT file gives none).
    pub map_delay: u32,
    /// C++ optimization.
    pub cxx_opt: Option<String>,
    /// Role name -> (port, line in the DUT file).
    pub ports: Vec<(String, String, usize)>,
    /// Line of the parameter of each name (for errors after the build).
    pub parameter_lines: Vec<(String, usize)>,
}

impl TopSpec {
    /// The DUT port of a role, if mapped.
    pub fn port_of(&self, role: &str) -> Option<&str> {
        self.ports.iter().find(|(r, _, _)| r == role).map(|(_, p, _)| p.as_str())
    }

    /// Whether a starting lane map can be written before slot 0: the lane-map write port
    /// and a map reset of its own, so that writes can be made while the datapath is held
    /// in reset (docs/ports.md, "TX roles").
    pub fn can_program_start_map(&self) -> bool {
        self.port_of("map_write").is_some() && self.port_of("map_reset").is_some()
    }
}

/// A problem with a DUT file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct DutFileError {
    /// The DUT file.
    pub file: PathBuf,
    /// 1-based line, where one is known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// The TX latency of the contract (docs/spec.md section 9).
pub const CONTRACT_TX_LATENCY: u32 = tessera_model::tx::TX_LATENCY_CLOCKS;

/// Line (1-based) of a byte offset.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

impl DutFile {
    /// Reads and parses the DUT file at `path`.
    pub fn load(path: &Path) -> Result<(DutFile, String), DutFileError> {
        let text = std::fs::read_to_string(path).map_err(|e| DutFileError {
            file: path.to_path_buf(),
            line: None,
            message: format!("cannot read the DUT file: {e}"),
        })?;
        let f = DutFile::parse(&text, path)?;
        Ok((f, text))
    }

    /// Parses DUT-file text (`path` for messages).
    pub fn parse(text: &str, path: &Path) -> Result<DutFile, DutFileError> {
        toml::from_str(text).map_err(|e| DutFileError {
            file: path.to_path_buf(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().to_string(),
        })
    }

    /// Checks the file and resolves paths (relative to the DUT file's folder), file lists,
    /// roles and the link configuration.
    pub fn resolve(&self, text: &str, path: &Path) -> Result<DutSpec, DutFileError> {
        let err = |at: Option<usize>, message: String| DutFileError {
            file: path.to_path_buf(),
            line: at.map(|a| line_of(text, a)),
            message,
        };
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let sides = match self.side.get_ref().as_str() {
            "tx" => Sides::Tx,
            "rx" => Sides::Rx,
            "e2e" => Sides::Both,
            other => {
                return Err(err(
                    Some(self.side.span().start),
                    format!("side = \"{other}\": expected \"tx\", \"rx\" or \"e2e\""),
                ))
            }
        };
        let need_tx = sides != Sides::Rx;
        let need_rx = sides != Sides::Tx;
        for (need, have, name) in [(need_tx, &self.tx, "tx"), (need_rx, &self.rx, "rx")] {
            match (need, have) {
                (true, None) => {
                    return Err(err(
                        Some(self.side.span().start),
                        format!("side = \"{}\" needs a [{name}] section", self.side.get_ref()),
                    ))
                }
                (false, Some(t)) => {
                    return Err(err(
                        Some(t.span().start),
                        format!(
                            "[{name}] is given but side = \"{}\"; use side = \"e2e\" for both tops",
                            self.side.get_ref()
                        ),
                    ))
                }
                _ => {}
            }
        }

        // Sources.
        let mut sources = Expanded::default();
        let abs = |p: &str| if Path::new(p).is_absolute() { PathBuf::from(p) } else { base.join(p) };
        for f in &self.sources.files {
            let p = abs(f.get_ref());
            if !p.is_file() {
                return Err(err(Some(f.span().start), format!("source file {} does not exist", p.display())));
            }
            sources.files.push(p);
        }
        for l in &self.sources.file_lists {
            let p = abs(l.get_ref());
            filelist::expand(&p, &mut sources).map_err(|e| {
                if e.line == 0 && e.file == p {
                    err(Some(l.span().start), format!("file list {}: {}", p.display(), e.message))
                } else {
                    err(Some(l.span().start), format!("in file list: {e}"))
                }
            })?;
        }
        for d in &self.sources.include_dirs {
            let p = abs(d.get_ref());
            if !p.is_dir() {
                return Err(err(
                    Some(d.span().start),
                    format!("include directory {} does not exist", p.display()),
                ));
            }
            sources.include_dirs.push(p);
        }
        for (name, v) in &self.sources.defines {
            match v {
                Value::Bool(false) => {}
                Value::Bool(true) => sources.defines.push((name.clone(), None)),
                v => sources.defines.push((name.clone(), Some(v.text()))),
            }
        }
        sources.flags.extend(self.sources.verilator_flags.iter().cloned());
        if sources.files.is_empty() {
            return Err(err(None, "[sources] names no source file (files or file_lists)".into()));
        }

        let line = |at: usize| line_of(text, at);
        let tx = self.tx.as_ref().map(|t| top_spec(t, Side::Tx, &err, &line)).transpose()?;
        let rx = self.rx.as_ref().map(|t| top_spec(t, Side::Rx, &err, &line)).transpose()?;

        // The link configuration.
        let tops: Vec<&Spanned<TopSection>> =
            [self.tx.as_ref(), self.rx.as_ref()].into_iter().flatten().collect();
        let value = |key: &str,
                     given: &Option<Spanned<LinkValue>>,
                     default_param: &str,
                     default: Option<u32>| {
            let (param, at) = match given {
                Some(v) => match v.get_ref() {
                    LinkValue::Number(n) => return Ok(*n),
                    LinkValue::Parameter { parameter } => (parameter.as_str(), Some(v.span().start)),
                },
                None => (default_param, None),
            };
            let mut found: Option<(u32, &str)> = None;
            for t in &tops {
                let t = t.get_ref();
                if let Some((_, v)) = t.parameters.iter().find(|(k, _)| k.get_ref() == param) {
                    let n = match v {
                        Value::Int(i) => u32::try_from(*i).ok(),
                        Value::Str(s) => s.parse().ok(),
                        Value::Bool(_) => None,
                    }
                    .ok_or_else(|| {
                        err(
                            at,
                            format!(
                                "link.{key}: parameter {param} of {} is {}, not a number",
                                t.top,
                                v.text()
                            ),
                        )
                    })?;
                    if let Some((m, other)) = found {
                        if m != n {
                            return Err(err(
                                at,
                                format!(
                                    "link.{key}: parameter {param} is {m} in {other} but {n} in {}",
                                    t.top
                                ),
                            ));
                        }
                    }
                    found = Some((n, &t.top));
                }
            }
            match (found, given) {
                (Some((n, _)), _) => Ok(n),
                (None, Some(_)) => Err(err(
                    at,
                    format!("link.{key}: the top's [parameters] have no {param} (give it there, or a number here)"),
                )),
                (None, None) => default.ok_or_else(|| {
                    err(
                        None,
                        format!(
                            "link.{key} is not given: write `{key} = N` under [link], or `{key} = {{ parameter = \"NAME\" }}` \
                             naming a parameter set in the top's [parameters] (default name {default_param})"
                        ),
                    )
                }),
            }
        };
        let l = &self.link;
        let link = LinkParams {
            lanes: value("lanes", &l.lanes, "LANES", None)?,
            spares: value("spares", &l.spares, "SPARES", None)?,
            am_period: value("am_period", &l.am_period, "AM_PERIOD", None)?,
            ser_w: value("ser_w", &l.ser_w, "SER_W", None)?,
            max_skew_bits: value(
                "max_skew_bits",
                &l.max_skew_bits,
                "MAX_SKEW_BITS",
                Some(MIN_SKEW_CAPACITY_BITS),
            )?,
            seed: 1,
        };
        LinkConfig::new(link).map_err(|e| err(None, format!("the link configuration is impossible: {e}")))?;

        let name = self.name.clone().unwrap_or_else(|| {
            path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "dut".into())
        });
        Ok(DutSpec { name, file: path.to_path_buf(), sides, link, sources, tx, rx })
    }
}

fn top_spec(
    t: &Spanned<TopSection>,
    side: Side,
    err: &impl Fn(Option<usize>, String) -> DutFileError,
    line: &impl Fn(usize) -> usize,
) -> Result<TopSpec, DutFileError> {
    let at = t.span().start;
    let t = t.get_ref();
    let sec = side.name();
    let reset_active_low = match t.reset.active.get_ref().as_str() {
        "low" => true,
        "high" => false,
        other => {
            return Err(err(
                Some(t.reset.active.span().start),
                format!("[{sec}] reset.active = \"{other}\": expected \"low\" or \"high\""),
            ))
        }
    };
    let mut ports = Vec::new();
    for (role, port) in &t.ports {
        let Some(r) = roles::find(side, role.get_ref()) else {
            let known: Vec<_> = roles::of_side(side).map(|r| r.name).collect();
            return Err(err(
                Some(role.span().start),
                format!(
                    "[{sec}.ports]: unknown role `{}`; the {sec} roles are: {}",
                    role.get_ref(),
                    known.join(", ")
                ),
            ));
        };
        ports.push((r.name.to_string(), port.get_ref().clone(), line(role.span().start)));
    }
    for r in roles::of_side(side).filter(|r| r.required) {
        if !ports.iter().any(|(n, _, _)| n == r.name) {
            return Err(err(
                Some(at),
                format!(
                    "[{sec}.ports]: the required role `{}` ({}) is not mapped; add `{} = \"<port>\"`",
                    r.name, r.meaning, r.name
                ),
            ));
        }
    }
    let mapped: Vec<&str> =
        roles::MAP_WRITE_ROLES.iter().copied().filter(|r| ports.iter().any(|(n, _, _)| n == r)).collect();
    if !mapped.is_empty() && mapped.len() != roles::MAP_WRITE_ROLES.len() {
        return Err(err(
            Some(at),
            format!(
                "[{sec}.ports]: the lane-map write port needs all of {} (mapped: {})",
                roles::MAP_WRITE_ROLES.join(", "),
                mapped.join(", ")
            ),
        ));
    }
    if side == Side::Rx && t.latency.is_some() {
        return Err(err(Some(at), "[rx] latency: the TX latency belongs in [tx]".into()));
    }
    if side == Side::Rx && t.map_delay.is_some() {
        return Err(err(Some(at), "[rx] map_delay: the lane-map delay belongs in [tx]".into()));
    }
    let map_delay = t.map_delay.unwrap_or(1);
    if !(1..=1 << 24).contains(&map_delay) {
        return Err(err(Some(at), format!("[tx] map_delay = {map_delay}: expected 1 to 2^24 clocks")));
    }
    if side == Side::Tx && t.status_lag.is_some() {
        return Err(err(Some(at), "[tx] status_lag: the status lag belongs in [rx]".into()));
    }
    let latency = t.latency.unwrap_or(CONTRACT_TX_LATENCY);
    if latency > 64 {
        return Err(err(Some(at), format!("[tx] latency = {latency}: at most 64 clocks")));
    }
    let status_lag = t.status_lag.unwrap_or(0);
    if status_lag > 64 {
        return Err(err(Some(at), format!("[rx] status_lag = {status_lag}: at most 64 clocks")));
    }
    if let Some(o) = &t.cxx_opt {
        if !["-O0", "-O1", "-O2", "-O3", "-Os"].contains(&o.as_str()) {
            return Err(err(
                Some(at),
                format!("[{sec}] cxx_opt = \"{o}\": expected -O0, -O1, -O2, -O3 or -Os"),
            ));
        }
    }
    Ok(TopSpec {
        side,
        top: t.top.clone(),
        parameters: t.parameters.iter().map(|(k, v)| (k.get_ref().clone(), v.text())).collect(),
        clock: t.clock.clone(),
        reset: t.reset.port.clone(),
        reset_active_low,
        latency,
        status_lag,
        map_delay,
        cxx_opt: t.cxx_opt.clone(),
        ports,
        parameter_lines: t.parameters.keys().map(|k| (k.get_ref().clone(), line(k.span().start))).collect(),
    })
}

impl DutSpec {
    /// Reads, parses and resolves a DUT file.
    pub fn load(path: &Path) -> Result<DutSpec, DutFileError> {
        let (f, text) = DutFile::load(path)?;
        f.resolve(&text, path)
    }

    /// The tops, TX first.
    pub fn tops(&self) -> impl Iterator<Item = &TopSpec> {
        self.tx.iter().chain(self.rx.iter())
    }
}
