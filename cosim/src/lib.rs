//! # tessera-cosim: the RTL under Verilator, driven from Rust, checked against the model
//!
//! `build.rs` verilates `rtl/` once per configuration in `configs.rs` and links the models
//! here. [`TxDut`] and [`RxDut`] are safe handles on one instance of the TX top
//! (`tessera_tx`) and of the RX top (`tessera_rx`): set the inputs of a clock, evaluate,
//! read the outputs, tick. Whole buses cross as slices of
//! 32-bit words (word 0 = bits 31:0), one call per clock. [`harness`] drives the RTL and
//! the golden model from the same stimulus and reports the first difference.
//!
//! A DUT is not `Send`: a Verilated model is not thread-safe. RTL `$fatal`, `$stop` and
//! `$finish` become [`DutError::Rtl`], never the end of the process.

mod configs;
mod ffi;
pub mod harness;
mod pair;
mod rx;
mod tx;

pub use configs::{DutConfig, CONFIGS};
pub use rx::{RxDut, RxOutput};
pub use tx::{native_tx_loop, TxDut};

/// What went wrong in the DUT.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DutError {
    /// No configuration of that name was built.
    #[error("no RTL build named '{name}'; built: {built}")]
    UnknownConfig {
        /// The name asked for.
        name: String,
        /// The names built.
        built: String,
    },
    /// The configuration was built without its RX (`rx: false` in `configs.rs`).
    #[error("build '{name}' has no RX (configs.rs says rx: false); RX builds: {built}")]
    NoRx {
        /// The name asked for.
        name: String,
        /// The names with an RX.
        built: String,
    },
    /// The RTL stopped the simulation ($fatal, $stop, $finish) or the shim refused a call.
    #[error("RTL: {0}")]
    Rtl(String),
}

impl From<cxx::Exception> for DutError {
    fn from(e: cxx::Exception) -> Self {
        DutError::Rtl(e.what().to_string())
    }
}
