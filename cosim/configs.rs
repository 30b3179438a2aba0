// The RTL configurations the co-simulation builds, in one place: build.rs verilates each
// (with `-G` parameters and a prefix of its own) and the harness offers them by name.
// Adding a configuration is one line here; build.rs reruns when this file or rtl/ changes.
//
// This file is included by build.rs and by the crate (src/configs.rs), so it holds plain
// data only.

/// One RTL build: a name and the top-level parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DutConfig {
    /// Name used in `tessera cosim --config NAME`, in prefixes and in reports.
    pub name: &'static str,
    /// LANES.
    pub lanes: u32,
    /// SPARES.
    pub spares: u32,
    /// AM_PERIOD.
    pub am_period: u32,
    /// SER_W.
    pub ser_w: u32,
    /// MAX_SKEW_BITS (RX).
    pub max_skew_bits: u32,
    /// Whether the RX top is built too (the TX always is). At 1024 channels the RX takes
    /// Verilator 17 GB and GCC most of an hour at `-Os` on 2 cores (docs/cosim.md, "Builds").
    pub rx: bool,
    /// GCC optimization of the RX's generated C++ (`-O0`, `-O1`, ...), or "" for
    /// Verilator's default (`-Os`).
    pub rx_cxx_opt: &'static str,
}

/// Every configuration built.
pub const CONFIGS: &[DutConfig] = &[
    DutConfig { name: "one", lanes: 1, spares: 0, am_period: 16, ser_w: 66, max_skew_bits: 200, rx: true, rx_cxx_opt: "" },
    DutConfig { name: "small", lanes: 4, spares: 1, am_period: 32, ser_w: 22, max_skew_bits: 500, rx: true, rx_cxx_opt: "" },
    DutConfig { name: "mid", lanes: 16, spares: 2, am_period: 64, ser_w: 11, max_skew_bits: 1056, rx: true, rx_cxx_opt: "" },
    DutConfig { name: "wide", lanes: 1020, spares: 4, am_period: 128, ser_w: 66, max_skew_bits: 1056, rx: false, rx_cxx_opt: "-O0" },
];
