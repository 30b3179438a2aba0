//! # tessera-model: the golden model of a wide-and-slow multi-lane link
//!
//! A bit-exact model of the digital datapath of a link made of hundreds to thousands of
//! slow parallel channels: striping of host words across lanes, per-lane 64b/66b coding
//! with a self-synchronous scrambler, alignment markers carrying lane numbers and BIP-8,
//! a lane map with spare channels, a channel model with skew and faults, and a receiver
//! that locks, deskews, reorders and reassembles. The normative description is
//! `docs/spec.md`; every constant here is named there.
//!
//! The crate is pure and deterministic: no I/O, no clocks, no global state. Randomness
//! comes only from ChaCha generators seeded by the caller.
//!
//! ## What may panic
//! Nothing reachable from user input. Constructors that take user input return `Result`
//! with an error naming the field, lane or channel at fault. Functions whose contract is
//! stated in their docs (for example a slice of the wrong length passed by the caller's own
//! code) may panic, and say so under `# Panics`.

pub mod benes;
pub mod block;
mod cache;
pub mod channel;
pub mod coding;
pub mod config;
pub mod coverage;
pub mod deskew;
pub mod lanemap;
pub mod link;
pub mod lock;
pub mod marker;
pub mod parallel;
pub mod rx;
pub mod scrambler;
pub mod serial;
pub mod spatial;
pub mod tx;

pub use block::{Block, SyncHeader, BLOCK_BITS};
pub use config::{ConfigError, LinkConfig, LinkParams};
pub use lanemap::{LaneMap, LaneMapError};
