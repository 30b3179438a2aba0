//! # tessera-cosim: a user's RTL verilated at run time and checked against the model
//!
//! A DUT is described by a small TOML file ([`dut_file`], docs/ports.md): its sources (files,
//! `.f` lists, include directories, defines), its TX and/or RX top with parameters, clock,
//! reset polarity, TX latency and status lag, and a map from the contract's port roles
//! ([`roles`]) to its port names. [`Dut::load`] verilates each top into a cache keyed by a
//! hash of every input ([`verilate`]), with a small C shim generated from the port table in
//! Verilator's header ([`port_table`], [`shim`]), loads it with `libloading` ([`library`])
//! and binds the roles, checking names, directions and widths. [`TxDut`] and [`RxDut`] are
//! instances driven by role, one call per clock with whole buses as 32-bit words (word 0 =
//! bits 31:0). [`harness`] drives the RTL and the golden model from the same stimulus and
//! reports the first difference; [`harness::Pair`] steps them block period by block period.
//! Tessera's own RTL goes through the same path: its configurations are the DUT files in
//! `cosim/duts/` ([`dut::builtin`]).
//!
//! Nothing here panics on user input: a bad DUT file, a missing port, a width that does not
//! fit, a Verilator error, RTL `$fatal` / `$stop` / `$finish` all come back as a
//! [`DutError`]. An instance is not `Send`: a Verilated model is not thread-safe.

pub mod dut;
pub mod dut_file;
pub mod filelist;
pub mod fuzz;
pub mod harness;
pub mod library;
mod pair;
pub mod port_table;
pub mod regression;
pub mod roles;
pub mod shim;
pub mod verilate;

pub use dut::{builtin, builtin_names, Dut, RxDut, TxDut};
pub use dut_file::{DutFileError, DutSpec};
pub use verilate::{BuildError, BuildOptions};

/// What went wrong with a DUT.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DutError {
    /// The DUT file.
    #[error(transparent)]
    File(#[from] DutFileError),
    /// The build.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// A port or role does not fit the Verilated model.
    #[error("{}{}: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Port {
        /// The DUT file.
        file: std::path::PathBuf,
        /// Line of the role in it.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The library would not load.
    #[error("cannot load the DUT library {0}")]
    Load(String),
    /// The RTL stopped the simulation ($fatal, $stop, $finish) or the shim refused a call.
    #[error("RTL: {0}")]
    Rtl(String),
    /// The DUT has no top of that side.
    #[error("DUT {dut} has no {side} top")]
    NoSide {
        /// DUT name.
        dut: String,
        /// tx or rx.
        side: &'static str,
    },
    /// A lane-map write to a TX without the write port.
    #[error(
        "TX top `{dut}` has no lane-map write port (roles map_write, map_channel, map_lane, map_failed)"
    )]
    NoMapPort {
        /// The top.
        dut: String,
    },
    /// No built-in DUT file of that name.
    #[error("no built-in DUT named '{name}'; built-in: {built} (or give --dut FILE)")]
    UnknownConfig {
        /// The name asked for.
        name: String,
        /// The names there are.
        built: String,
    },
}
