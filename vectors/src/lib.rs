//! # tessera-vectors: self-describing, `$readmemh`-ready vector files
//!
//! Tessera's vectors let an ASIC/FPGA engineer drive and check an RTL of the datapath in
//! any simulator (Questa, VCS, Xcelium, Icarus, Verilator) with no Rust in the loop. The
//! format is `docs/vectors.md`; in short, a vector file is text that `$readmemh` loads as
//! it is: a header of `// key: value` lines that says everything needed to regenerate the
//! file (format and version, stream, bus width, word count, link configuration and seed,
//! lane map, channel settings, run), then one fixed-width lowercase hex word per line, most
//! significant digit first, every line ended by `\n`. A *set* is a folder with a
//! `manifest.txt` (with the coverage its run reaches) and six streams: `tx_stimulus`,
//! `tx_expected`, `rx_stimulus`, `rx_stripes`, `rx_status`, `rx_port_status`.
//!
//! * [`writer`]: [`writer::VectorWriter`] and the generator's [`writer::BodyFile`].
//! * [`reader`]: the streaming nom parser, [`reader::VectorReader`]; every malformed input
//!   is a [`ParseError`] with file, line, column and what was expected; it never panics.
//! * [`gen`]: runs the clocked model of `tessera-clocked` ([`tessera_clocked::Machine`])
//!   for a set and hands every word of every stream to a [`gen::Sink`]; the model's run
//!   ([`SetSpec`], [`RunSpec`], [`gen::plan`], [`gen::Host`]) is that crate's, re-exported.
//! * [`set`]: [`set::write_set`], [`set::check_set`], [`set::set_files`].
//! * [`golden`]: the recipes of the golden sets in `vectors/golden/`.
//! * [`bench`]: the RTL bench sets of `rtl/tb/vectors/` (a set plus the benches' own files,
//!   and run-time lane-map repairs).
//!
//! Everything streams: a set of any size is generated, parsed and checked in memory
//! proportional to one line per stream.

pub mod bench;
pub mod config;
pub mod error;
pub mod gen;
pub mod golden;
pub mod header;
pub mod reader;
pub mod set;
pub mod stream;
pub mod syntax;
pub mod word;
pub mod writer;

pub use error::{ErrorKind, ParseError};
pub use header::{FileEntry, Header, RunSpec, SetSpec, FORMAT_NAME, FORMAT_VERSION};
pub use reader::{parse_bytes, VectorFile, VectorReader};
pub use stream::{StreamKind, DATA_STREAMS};
