//! Fuzzing a DUT against the model with proptest: `tessera cosim --dut FILE --fuzz N`,
//! and `cosim/tests/machine.rs` for Tessera's own RTL.
//!
//! * [`run_strategy`]: whole runs (mode, seed, stripes, host rate, skew, permutation, bit
//!   errors, bursts, a failed channel), each checked by [`crate::harness::check_with`]. A
//!   failure shrinks to a small run whose `tessera cosim ...` command replays it.
//! * [`op_strategy`] / [`run_ops`]: a state-machine test. A random sequence of host
//!   stripes, idles, RX resets, channel deaths and revivals and run-time lane-map repairs
//!   (onto a spare, and back) is applied to the DUT (TX and RX) and to the model side by
//!   side; every TX clock, every stripe and the per-port status after every slot are
//!   compared, and the whole status after a final flush. Failures shrink to a short
//!   sequence.
//!
//! [`fuzz`] runs both with a seeded proptest runner (the seed is printed and replays the
//! campaign) and keeps shrunk cases in a regressions file that proptest replays first.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{
    Config, FileFailurePersistence, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tessera_clocked::{choice_rng, flush_slots, plan, GenSpec};
use tessera_model::channel::ChannelFaults;
use tessera_model::link::Link;

use crate::harness::{check_with, modes_of, on_dut_thread, LinkRun, Mode, Pair, RunError};
use crate::Dut;

/// Random whole runs on `dut` in the modes it supports.
pub fn run_strategy(dut: &Dut) -> impl Strategy<Value = LinkRun> {
    let modes = modes_of(dut);
    let file = dut.file().to_path_buf();
    let link = *dut.link();
    let channels = dut.channels();
    let can_fail: Vec<bool> = modes.iter().map(|&m| dut.can_fail_channel(m)).collect();
    (
        0..modes.len(),
        any::<u64>(),
        1u64..80,
        1u32..=100,
        0u32..=100,
        any::<bool>(),
        prop_oneof![Just(0.0), Just(1e-5), Just(1e-4)],
        prop_oneof![Just(0.0), Just(2e-5)],
        any::<bool>(),
    )
        .prop_map(move |(m, seed, stripes, valid, skew_percent, permute, ber, bursts, fail)| {
            let mode = modes[m];
            let mut run = LinkRun::new(file.clone(), mode, seed, stripes);
            let o = &mut run.options;
            o.valid_percent = Some(valid);
            o.random_skew = Some(link.max_skew_bits * skew_percent / 100);
            o.permute = Some(permute);
            if ber > 0.0 {
                o.ber = Some(ber);
            }
            if bursts > 0.0 {
                o.burst_rate = Some(bursts);
                o.burst_len = Some(8);
            }
            if fail && can_fail[m] {
                o.failed = Some(vec![(seed % u64::from(channels)) as u32]);
            }
            run
        })
}

/// Checks one run; a link that cannot come up at all (too many errors) is not a case.
pub fn check_run(dut: &Arc<Dut>, run: &LinkRun) -> Result<(), TestCaseError> {
    match check_with(Arc::clone(dut), run) {
        Ok(_) => Ok(()),
        Err(RunError::Setup(e)) if e.contains("does not align") => Err(TestCaseError::reject(e)),
        Err(e) => Err(TestCaseError::fail(format!("{e}\n  (run: {})", run.replay()))),
    }
}

/// One step of the state-machine test.
#[derive(Debug, Clone)]
pub enum Op {
    /// `n` slots, the host offering a new stripe in each.
    Stripes(u8),
    /// `n` idle slots.
    Idle(u8),
    /// The RX (RTL and model) reset between two clocks.
    ResetRx,
    /// A channel goes dark (index into the channels).
    Kill(u8),
    /// A channel comes back.
    Revive(u8),
    /// The lane on a channel moves to a free spare (the channel is failed in the map).
    Repair(u8),
    /// A failed channel returns to service as a free spare.
    Restore(u8),
}

/// Random steps; lane-map changes only where `repairs` (the DUT has a lane-map write
/// port, spares, and room for two writes in a block period).
pub fn op_strategy(repairs: bool) -> BoxedStrategy<Op> {
    let mut arms: Vec<(u32, BoxedStrategy<Op>)> = vec![
        (4, (1u8..40).prop_map(Op::Stripes).boxed()),
        (2, (1u8..20).prop_map(Op::Idle).boxed()),
        (1, Just(Op::ResetRx).boxed()),
        (1, any::<u8>().prop_map(Op::Kill).boxed()),
        (1, any::<u8>().prop_map(Op::Revive).boxed()),
    ];
    if repairs {
        arms.push((2, any::<u8>().prop_map(Op::Repair).boxed()));
        arms.push((1, any::<u8>().prop_map(Op::Restore).boxed()));
    }
    proptest::strategy::Union::new_weighted(arms).boxed()
}

/// Whether the state-machine test can run on `dut` (it needs both tops), and whether with
/// lane-map repairs.
pub fn ops_supported(dut: &Dut) -> Option<bool> {
    let tx = dut.tx_top()?;
    dut.rx_top()?;
    let link = dut.link();
    // A DUT whose map delay is 1 takes a repair's two entries one slot each unless K >= 2.
    Some(tx.role("map_write").is_some() && link.spares > 0 && (66 / link.ser_w >= 2 || dut.tx_map_delay() > 1))
}

/// Applies `ops` to the DUT and the model, end to end, comparing throughout.
pub fn run_ops(dut: &Dut, seed: u64, ops: &[Op], replay: &str) -> Result<(), RunError> {
    let params = tessera_model::LinkParams { seed, ..*dut.link() };
    let channels = dut.channels();
    let mut rng = choice_rng(seed);
    let spec = GenSpec {
        params,
        channel_of: None,
        failed: Vec::new(),
        faults: ChannelFaults {
            skew_bits: ChannelFaults::random_skew(channels, params.max_skew_bits, &mut rng),
            source_of_port: ChannelFaults::random_permutation(channels, &mut rng),
            ..Default::default()
        },
        valid_percent: 100,
        stripes: 0,
        lead_slots: Some(0),
        stress: Vec::new(),
        channel_delay_slots: 0,
    };
    let mut set = plan(&spec).map_err(|e| RunError::Setup(e.to_string()))?;
    // Open-ended: the sequence decides the length.
    set.run.slots = u64::MAX / 128;
    let replay = format!("{replay} (DUT {}, seed {seed}, ops {ops:?})", dut.name());
    let mut pair = Pair::new(dut, Mode::EndToEnd, &set, None, None, replay)?;
    let cfg_model = set.config().map_err(|e| RunError::Setup(e.to_string()))?;
    for _ in 0..Link::bring_up_budget(&cfg_model) {
        if pair.model_aligned() {
            break;
        }
        pair.slot(None)?;
    }
    let mut host = ChaCha8Rng::seed_from_u64(seed);
    host.set_stream(1);
    let mut stripe: Vec<u64> = (0..params.lanes).map(|_| host.next_u64()).collect();
    for op in ops {
        match *op {
            Op::Stripes(n) => {
                for _ in 0..n {
                    if pair.slot(Some(&stripe))? {
                        stripe.iter_mut().for_each(|w| *w = host.next_u64());
                    }
                }
            }
            Op::Idle(n) => {
                for _ in 0..n {
                    pair.slot(None)?;
                }
            }
            Op::ResetRx => pair.reset_rx()?,
            Op::Kill(c) => pair.set_channel_dead(u32::from(c) % channels, true),
            Op::Revive(c) => pair.set_channel_dead(u32::from(c) % channels, false),
            Op::Repair(c) => {
                let mut map = pair.lane_map().clone();
                if map.repair(&[u32::from(c) % channels]).is_ok() {
                    pair.rewrite_lane_map(map)?;
                }
            }
            Op::Restore(c) => {
                let mut map = pair.lane_map().clone();
                if map.restore(u32::from(c) % channels).is_ok() {
                    pair.rewrite_lane_map(map)?;
                }
            }
        }
    }
    // Flush: idle long enough for every slot in flight to come out on both sides.
    for _ in 0..flush_slots(&set.params, &set.faults) + 2 * u64::from(params.am_period) {
        pair.slot(None)?;
    }
    pair.finish_open().map(|_| ())
}

/// What a fuzz campaign found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzReport {
    /// Run cases passed.
    pub runs: u32,
    /// Operation sequences passed (0 when the DUT lacks a top).
    pub sequences: u32,
}

/// A fuzz failure: the shrunk case, its message and how to replay it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fuzz failure ({what}), shrunk to:\n  {case}\n{message}\n  replay: {replay}\n  kept in {kept}")]
pub struct FuzzFailure {
    /// `runs` or `operation sequences`.
    pub what: String,
    /// The minimal case.
    pub case: String,
    /// The mismatch.
    pub message: String,
    /// A command that reproduces it.
    pub replay: String,
    /// The regressions file that keeps it.
    pub kept: String,
}

/// The regressions file of a DUT file: `<dir>/<stem>.proptest-regressions` beside it.
pub fn regressions_file(dut_file: &Path) -> PathBuf {
    let stem = dut_file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "dut".into());
    dut_file.with_file_name(format!("{stem}.proptest-regressions"))
}

/// Runs `cases` random runs and `cases` operation sequences against `dut`, from `seed`,
/// keeping shrunk failures in `regressions` (replayed first next time). `cli` is the
/// command that started the campaign (for the replay line).
pub fn fuzz(
    dut: &Arc<Dut>,
    cases: u32,
    seed: u64,
    regressions: &Path,
    cli: &str,
) -> Result<FuzzReport, FuzzFailure> {
    // proptest keeps the path for the runner's life; the campaign is once per process.
    let kept: &'static str = Box::leak(regressions.to_string_lossy().into_owned().into_boxed_str());
    let config = |cases| Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(kept))),
        max_shrink_iters: 256,
        ..Config::default()
    };
    let rng = |stream: u8| {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8] = stream;
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
    };
    let fail = |what: &str, case: String, message: String, replay: String| FuzzFailure {
        what: what.into(),
        case,
        message,
        replay,
        kept: kept.to_string(),
    };
    let d = Arc::clone(dut);
    let mut runner = TestRunner::new_with_rng(config(cases), rng(0));
    let strategy = run_strategy(dut);
    let result = runner.run(&strategy, move |run| check_run(&d, &run));
    match result {
        Ok(()) => {}
        Err(TestError::Fail(msg, run)) => {
            return Err(fail("runs", format!("{run:?}"), msg.to_string(), run.replay()));
        }
        Err(TestError::Abort(msg)) => {
            return Err(fail("runs", "(none)".into(), format!("aborted: {msg}"), cli.into()));
        }
    }
    let mut report = FuzzReport { runs: cases, sequences: 0 };
    let Some(repairs) = ops_supported(dut) else { return Ok(report) };
    let d = Arc::clone(dut);
    let cli_owned = cli.to_string();
    let mut runner = TestRunner::new_with_rng(config(cases), rng(1));
    let strategy = (any::<u64>(), proptest::collection::vec(op_strategy(repairs), 1..40));
    let result = runner.run(&strategy, move |(s, ops)| {
        let d = Arc::clone(&d);
        let replay = cli_owned.clone();
        on_dut_thread("cosim-fuzz-ops".into(), move || run_ops(&d, s, &ops, &replay))
            .map_err(|e| TestCaseError::fail(e.to_string()))
    });
    match result {
        Ok(()) => report.sequences = cases,
        Err(TestError::Fail(msg, (s, ops))) => {
            return Err(fail(
                "operation sequences",
                format!("seed {s}, ops {ops:?}"),
                msg.to_string(),
                format!("{cli} (the shrunk case runs first from {kept})"),
            ));
        }
        Err(TestError::Abort(msg)) => {
            return Err(fail("operation sequences", "(none)".into(), format!("aborted: {msg}"), cli.into()));
        }
    }
    Ok(report)
}
