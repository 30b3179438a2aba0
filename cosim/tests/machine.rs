//! Co-simulation property tests.
//!
//! * `random_runs_agree`: proptest over whole runs: configuration (among those built),
//!   mode, seed, stripes, host rate, skew, permutation, bit errors, bursts, a failed
//!   channel. A failure shrinks to a small case; its message is the mismatch with the
//!   one-line `tessera cosim ...` command that replays it.
//! * `operation_sequences_agree`: a state-machine test. A random sequence of host stripes,
//!   idles, RX resets, channel deaths and revivals and run-time lane-map repairs (onto a
//!   spare, and back) is applied to the RTL (TX and RX) and to the model side by side; every
//!   TX clock, every stripe and the per-port RX status after every slot are compared, and
//!   the whole status after a final flush. Failures shrink to a short sequence.
//!
//! Both print their seeds in the failure message; proptest keeps failing cases in
//! `cosim/proptest-regressions/` (in git) and replays them first.

use proptest::prelude::*;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tessera_cosim::harness::{check, LinkRun, Mode, Pair, RunError};
use tessera_cosim::{DutConfig, CONFIGS};
use tessera_model::link::Link;
use tessera_model::LinkParams;
use tessera_vectors::gen::{self, GenSpec};

/// Builds with an RX and at most 100 channels (fast enough for many cases).
fn small_builds() -> Vec<&'static DutConfig> {
    CONFIGS.iter().filter(|c| c.rx && c.channels() <= 100).collect()
}

fn run_strategy() -> impl Strategy<Value = LinkRun> {
    let builds = small_builds();
    (
        0..builds.len(),
        prop_oneof![Just(Mode::Tx), Just(Mode::Rx), Just(Mode::EndToEnd)],
        any::<u64>(),
        1u64..80,
        1u32..=100,
        0u32..=100,
        any::<bool>(),
        prop_oneof![Just(0.0), Just(1e-5), Just(1e-4)],
        prop_oneof![Just(0.0), Just(2e-5)],
        any::<bool>(),
    )
        .prop_map(move |(b, mode, seed, stripes, valid, skew_percent, permute, ber, bursts, fail)| {
            let cfg = builds[b];
            let mut run = LinkRun::new(cfg.name, mode, seed, stripes);
            let o = &mut run.options;
            o.valid_percent = Some(valid);
            o.random_skew = Some(cfg.max_skew_bits * skew_percent / 100);
            o.permute = Some(permute);
            if ber > 0.0 {
                o.ber = Some(ber);
            }
            if bursts > 0.0 {
                o.burst_rate = Some(bursts);
                o.burst_len = Some(8);
            }
            if fail && cfg.spares > 0 {
                o.failed = Some(vec![(seed % u64::from(cfg.channels())) as u32]);
            }
            run
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_runs_agree(run in run_strategy()) {
        match check(&run) {
            Ok(r) => eprintln!("{}: {} stripes in, {} out, {} injections", run.replay(), r.stripes_in, r.stripes_out, r.injections),
            // Too many errors for the link to come up at all: nothing to compare.
            Err(RunError::Setup(e)) if e.contains("does not align") => prop_assume!(false, "{}", e),
            Err(e) => prop_assert!(false, "{e}\n  (run: {})", run.replay()),
        }
    }
}

/// One step of the state-machine test.
#[derive(Debug, Clone)]
enum Op {
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

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u8..40).prop_map(Op::Stripes),
        2 => (1u8..20).prop_map(Op::Idle),
        1 => Just(Op::ResetRx),
        1 => any::<u8>().prop_map(Op::Kill),
        1 => any::<u8>().prop_map(Op::Revive),
        2 => any::<u8>().prop_map(Op::Repair),
        1 => any::<u8>().prop_map(Op::Restore),
    ]
}

/// Builds whose block period has room for a lane move (two map writes): K >= 2.
fn repair_builds() -> Vec<&'static DutConfig> {
    small_builds().into_iter().filter(|c| 66 / c.ser_w >= 2 && c.spares > 0).collect()
}

fn run_ops(cfg: &'static DutConfig, seed: u64, ops: &[Op]) -> Result<(), RunError> {
    let params = LinkParams {
        lanes: cfg.lanes,
        spares: cfg.spares,
        am_period: cfg.am_period,
        max_skew_bits: cfg.max_skew_bits,
        ser_w: cfg.ser_w,
        seed,
    };
    let mut rng = gen::choice_rng(seed);
    let spec = GenSpec {
        params,
        channel_of: None,
        failed: Vec::new(),
        faults: tessera_model::channel::ChannelFaults {
            skew_bits: tessera_model::channel::ChannelFaults::random_skew(
                cfg.channels(),
                cfg.max_skew_bits,
                &mut rng,
            ),
            source_of_port: tessera_model::channel::ChannelFaults::random_permutation(
                cfg.channels(),
                &mut rng,
            ),
            ..Default::default()
        },
        valid_percent: 100,
        stripes: 0,
        lead_slots: Some(0),
    };
    let mut set = gen::plan(&spec).map_err(|e| RunError::Setup(e.to_string()))?;
    // Open-ended: the sequence decides the length.
    set.run.slots = u64::MAX / 128;
    let replay =
        format!("cargo test -p tessera-cosim --test machine (config {}, seed {seed}, ops {ops:?})", cfg.name);
    let mut pair = Pair::new(cfg, Mode::EndToEnd, &set, None, None, replay)?;
    let cfg_model = set.config().map_err(|e| RunError::Setup(e.to_string()))?;
    for _ in 0..Link::bring_up_budget(&cfg_model) {
        if pair.model_aligned() {
            break;
        }
        pair.slot(None)?;
    }
    let up = pair.model_aligned();
    let up_slots = pair.slots();
    let mut host = ChaCha8Rng::seed_from_u64(seed);
    host.set_stream(1);
    let lanes = cfg.lanes as usize;
    let mut stripe: Vec<u64> = (0..lanes).map(|_| host.next_u64()).collect();
    let p = cfg.channels();
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
            Op::Kill(c) => pair.set_channel_dead(u32::from(c) % p, true),
            Op::Revive(c) => pair.set_channel_dead(u32::from(c) % p, false),
            Op::Repair(c) => {
                let mut map = pair.lane_map().clone();
                if map.repair(&[u32::from(c) % p]).is_ok() {
                    pair.rewrite_lane_map(map)?;
                }
            }
            Op::Restore(c) => {
                let mut map = pair.lane_map().clone();
                if map.restore(u32::from(c) % p).is_ok() {
                    pair.rewrite_lane_map(map)?;
                }
            }
        }
    }
    // Flush: idle long enough for every slot in flight to come out on both sides.
    for _ in 0..gen::flush_slots(&set.params, &set.faults) + 2 * u64::from(cfg.am_period) {
        pair.slot(None)?;
    }
    let stripes_in = pair.stripes_in();
    let r = pair.finish_open()?;
    eprintln!(
        "{} seed {seed}: up {up} after {} slots, {} ops, {} stripes in, {} out, {} TX clocks, {} RX clocks",
        cfg.name,
        up_slots,
        ops.len(),
        stripes_in,
        r.stripes_out,
        r.tx_clocks,
        r.rx_clocks
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn operation_sequences_agree(
        build in 0..repair_builds().len(),
        seed in any::<u64>(),
        ops in proptest::collection::vec(op_strategy(), 1..40),
    ) {
        let cfg = repair_builds()[build];
        if let Err(e) = run_ops(cfg, seed, &ops) {
            prop_assert!(false, "config {}, seed {seed}: {e}", cfg.name);
        }
    }
}
