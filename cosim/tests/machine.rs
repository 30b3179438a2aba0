//! Co-simulation property tests of Tessera's own RTL (the DUT files in `cosim/duts/`),
//! through the same code as `tessera cosim --fuzz` ([`tessera_cosim::fuzz`]).
//!
//! * `random_runs_agree`: proptest over whole runs: DUT (those of at most 100 channels),
//!   mode, seed, stripes, host rate, skew, permutation, bit errors, bursts, a failed
//!   channel. A failure shrinks to a small case; its message is the mismatch with the
//!   one-line `tessera cosim ...` command that replays it.
//! * `operation_sequences_agree`: the state-machine test (stripes, idles, RX resets,
//!   channel deaths and revivals, run-time lane-map repairs) on DUTs with room for a lane
//!   move (K >= 2, spares). Failures shrink to a short sequence.
//!
//! Both print their seeds in the failure message; proptest keeps failing cases in
//! `cosim/proptest-regressions/` (in git) and replays them first.

use std::sync::Arc;

use proptest::prelude::*;
use tessera_cosim::fuzz::{check_run, op_strategy, ops_supported, run_ops, run_strategy};
use tessera_cosim::harness::{load, on_dut_thread};
use tessera_cosim::{builtin, builtin_names, BuildOptions, Dut};

/// Built-in DUTs of at most 100 channels (fast enough for many cases).
fn small_duts() -> Vec<Arc<Dut>> {
    builtin_names()
        .iter()
        .map(|n| load(&builtin(n).unwrap(), &BuildOptions::default()).unwrap_or_else(|e| panic!("{e}")))
        .filter(|d| d.channels() <= 100 && d.rx_top().is_some())
        .collect()
}

/// DUTs with room for a lane move (two map writes in a block period) and spares.
fn repair_duts() -> Vec<Arc<Dut>> {
    small_duts().into_iter().filter(|d| ops_supported(d) == Some(true)).collect()
}

fn any_run() -> impl Strategy<Value = (Arc<Dut>, tessera_cosim::harness::LinkRun)> {
    let duts = small_duts();
    (0..duts.len()).prop_flat_map(move |i| {
        let d = Arc::clone(&duts[i]);
        run_strategy(&d).prop_map(move |r| (Arc::clone(&d), r))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_runs_agree((dut, run) in any_run()) {
        eprintln!("{}", run.replay());
        check_run(&dut, &run)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn operation_sequences_agree(
        which in 0..repair_duts().len(),
        seed in any::<u64>(),
        ops in proptest::collection::vec(op_strategy(true), 1..40),
    ) {
        let dut = Arc::clone(&repair_duts()[which]);
        let name = dut.name().to_string();
        let result = on_dut_thread("ops".into(), move || {
            run_ops(&dut, seed, &ops, "cargo test -p tessera-cosim --test machine")
        });
        if let Err(e) = result {
            prop_assert!(false, "DUT {name}, seed {seed}: {e}");
        }
    }
}
