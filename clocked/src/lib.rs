//! # tessera-clocked: the golden model clock by clock, the port contract in code
//!
//! The model of `tessera-model` works in block periods; a DUT works in clocks. This crate
//! wires the model's transmitter, channel and receiver clock by clock and predicts every
//! port of a TX and an RX on every clock. It is the port contract in code: the TX timing
//! of docs/spec.md section 9 ("TX timing": `tx_ready_o`, the host bus, `tx_serial_o` and
//! the TX latency), the RX timing of docs/spec.md section 11.7 ("RX ports and timing":
//! `rx_serial_i` one clock of received bits at a time, the stripes out in order, the status
//! after the last clock) and the run of docs/vectors.md section 6 ("The run": host,
//! link-up, length, channel, receiver).
//!
//! * [`Machine`]: TX, channel and RX, one block period per [`Machine::slot`]; every word of
//!   every port goes, in clock order, to a [`Sink`], tagged with its [`Bus`]
//!   (`{tx_valid_i, tx_data_i}`, `tx_serial_o`, `rx_serial_i`, the stripes out).
//!   [`Machine::finish`] runs the clocks still due and returns the RX status.
//! * [`Host`]: the TX stimulus of a run, from the seed alone ([`STIMULUS_STREAM`]).
//! * [`SetSpec`] and [`RunSpec`]: what a run is made from (link parameters, lane map
//!   assignment, channel faults, the host's run).
//! * [`plan`]: a [`GenSpec`] (what a user asks for) made into a [`SetSpec`], the link-up
//!   lead measured with the [`Machine`]; [`flush_slots`], [`choice_rng`].
//! * [`bits`]: bit fields of a word held as little-endian 64-bit limbs.
//!
//! Two crates drive it: `tessera-vectors` writes its words as vector files (and adds the
//! `rx_status` words, a file format of their own), and `tessera-cosim` compares them with a
//! Verilated DUT clock by clock. Neither this crate nor its words know about files.
//!
//! ## Panics
//! Nothing here panics on user input: an impossible link, lane map, channel or run is a
//! [`GenError`] from [`Machine::new`] or [`plan`]. The one panic is a caller's bug: an offer
//! to [`Machine::slot`] that is not N words long.

pub mod bits;
mod host;
mod machine;
mod plan;
mod spec;
pub mod stress;

pub use bits::{get_field, put_field};
pub use host::{Host, STIMULUS_STREAM};
pub use machine::{Bus, Machine, NullSink, Sink};
pub use plan::{choice_rng, flush_slots, plan, DelaySink, GenError, GenSpec, CHOICE_STREAM};
pub use spec::{RunSpec, SetSpec};
