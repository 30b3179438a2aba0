//! One module per subcommand.

pub mod cosim;
pub mod coverage;
pub mod demo;
pub mod explore;
pub mod report;
pub mod rtl_sets;
pub mod vectors;
