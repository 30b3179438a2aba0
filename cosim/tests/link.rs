//! Tessera's RTL (the DUT files in `cosim/duts/`) against the golden model in every mode
//! (TX, RX, end to end), clean and with faults; and proof that the checker catches a wrong
//! RTL.

use std::sync::Arc;

use tessera_cosim::harness::{
    check, check_covered, default_stripes, load, modes_of, Flip, LinkRun, Mode, RunError,
};
use tessera_cosim::regression::profile;
use tessera_cosim::{builtin, builtin_names, BuildOptions, Dut, DutError};
use tessera_model::coverage::Cover;

/// Every built-in DUT, loaded (built once into the cache).
fn duts() -> Vec<Arc<Dut>> {
    builtin_names()
        .iter()
        .map(|n| load(&builtin(n).unwrap(), &BuildOptions::default()).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn small() -> Arc<Dut> {
    load(&builtin("small").unwrap(), &BuildOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn expect_ok(run: &LinkRun) -> tessera_cosim::harness::PairReport {
    eprintln!("{}", run.replay());
    let r = check(run).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "  {r:?}",
        r = (r.tx_clocks, r.rx_clocks, r.stripes_in, r.stripes_out, r.stripes_intact, r.injections)
    );
    r
}

#[test]
fn tx_rtl_matches_the_model_in_every_configuration() {
    for dut in duts() {
        // The 1 024-channel DUT runs at some hundred clocks/s: one seed.
        let seeds = if dut.name() == "wide" { 1..=1 } else { 1..=3 };
        for seed in seeds {
            let r = expect_ok(&LinkRun::regression(&dut, Mode::Tx, seed, default_stripes(&dut)));
            assert!(r.stripes_in >= default_stripes(&dut));
            assert!(r.tx_clocks > 0);
        }
    }
}

#[test]
fn rx_rtl_matches_the_model_clean_and_with_faults() {
    for dut in duts().into_iter().filter(|d| modes_of(d).contains(&Mode::Rx)) {
        // The 1 024-channel RX (cosim/duts/wide.toml): seed 2, which has bit errors.
        let seeds = if dut.name() == "wide" { 2..=2 } else { 1..=4 };
        for seed in seeds {
            let run = LinkRun::regression(&dut, Mode::Rx, seed, default_stripes(&dut));
            let r = expect_ok(&run);
            let status = r.status.expect("RX runs report the status");
            assert!(status.aligned, "seed {seed}: the link is up at the end");
            if run.options.ber.is_some() {
                assert!(r.injections > 0, "seed {seed}: bit errors were applied");
            }
        }
    }
}

#[test]
fn end_to_end_data_out_is_data_in() {
    for dut in duts().into_iter().filter(|d| modes_of(d).contains(&Mode::EndToEnd)) {
        let wide = dut.name() == "wide";
        for seed in if wide { &[1][..] } else { &[1, 4][..] } {
            let seed = *seed;
            // A clean channel with skew and a permutation: every stripe must arrive intact.
            let mut run = LinkRun::new(dut.file(), Mode::EndToEnd, seed, default_stripes(&dut));
            run.options.random_skew = Some(dut.link().max_skew_bits);
            run.options.permute = Some(true);
            let r = expect_ok(&run);
            assert_eq!(r.stripes_out, r.stripes_in, "seed {seed}");
            assert_eq!(r.stripes_intact, r.stripes_in, "seed {seed}: data out == data in");
        }
        // With bit errors and the regression's stress the RTL still agrees with the model,
        // stripe for stripe (the 1 024-channel DUT: in rx_rtl_matches_the_model...).
        if wide {
            continue;
        }
        let r = expect_ok(&LinkRun::regression(&dut, Mode::EndToEnd, 2, default_stripes(&dut)));
        assert!(r.injections > 0);
    }
}

#[test]
fn a_flipped_tx_bit_is_reported_with_its_clock_and_channel() {
    let dut = small();
    // Channel 3, bit 5 of its serial word, at clock 100.
    let bit = 3 * dut.link().ser_w as usize + 5;
    let mut run = LinkRun::new(dut.file(), Mode::Tx, 9, 50);
    run.flip = Some(Flip::TxSerial { clock: 100, bit });
    match check(&run) {
        Err(RunError::Mismatch(m)) => {
            assert_eq!(
                (m.clock, m.place.as_deref(), m.signal.as_str()),
                (100, Some("channel 3"), "tx_serial_o")
            );
            let e = u128::from_str_radix(m.expected.trim_start_matches("0x"), 16).unwrap();
            let a = u128::from_str_radix(m.actual.trim_start_matches("0x"), 16).unwrap();
            assert_eq!(e ^ a, 1 << 5);
            assert!(m.replay.contains("--config small --mode tx --seed 9"), "{}", m.replay);
            assert!(m.to_string().contains("clock 100, tx_serial_o channel 3"), "{m}");
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
}

#[test]
fn a_flipped_rx_bit_is_reported_with_its_stripe_and_lane() {
    for mode in [Mode::Rx, Mode::EndToEnd] {
        let mut run = LinkRun::new(small().file(), mode, 4, 40);
        // Lane 2, bit 7 of the 10th stripe out.
        run.flip = Some(Flip::RxData { stripe: 10, bit: 2 * 64 + 7 });
        match check(&run) {
            Err(RunError::Mismatch(m)) => {
                assert_eq!(m.signal, "rx_data_o");
                assert_eq!(m.place.as_deref(), Some("stripe 10, lane 2"), "{m}");
                let e = u64::from_str_radix(m.expected.trim_start_matches("0x"), 16).unwrap();
                let a = u64::from_str_radix(m.actual.trim_start_matches("0x"), 16).unwrap();
                assert_eq!(e ^ a, 1 << 7);
                assert!(m.replay.contains(&format!("--mode {mode} --seed 4")), "{}", m.replay);
            }
            other => panic!("{mode}: expected a mismatch, got {other:?}"),
        }
    }
}

#[test]
fn a_dut_without_rx_says_so_and_unknown_names_list_the_built_ins() {
    // `one` with its TX top only.
    let text = std::fs::read_to_string(builtin("one").unwrap()).unwrap();
    let rtl = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rtl/tessera.f");
    let text = text[..text.find("[rx]").unwrap()]
        .replace("name = \"one\"", "name = \"one-tx\"")
        .replace("side = \"e2e\"", "side = \"tx\"")
        .replace("\"../../rtl/tessera.f\"", &format!("{:?}", rtl.to_string_lossy()));
    let file = std::env::temp_dir().join(format!("tessera-one-tx-{}.toml", std::process::id()));
    // A TX alone does not name the skew capacity the regression's random skew needs.
    std::fs::write(&file, format!("{text}\n[link]\nmax_skew_bits = 100\n")).unwrap();
    let tx_only = load(&file, &BuildOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    match tx_only.new_rx() {
        Err(e @ DutError::NoSide { .. }) => assert_eq!(e.to_string(), "DUT one-tx has no rx top"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("one-tx has no RX top"),
    }
    let e = builtin("nonesuch").unwrap_err();
    assert!(e.to_string().contains("built-in: one, small, mid, wide"), "{e}");
}

/// The points each of the regression's four stress profiles is there to reach
/// (cosim/src/regression.rs, docs/coverage.md "The default regression").
fn profile_points(profile: u64) -> &'static [Cover] {
    use Cover::*;
    match profile {
        1 => &[
            DeskewSkewAtMax,
            DeskewSkewPastMax,
            DeskewSkewFault,
            DeskewRejoin,
            DeskewSameBlockEvents,
            MarkerLockLost4,
            ChannelSlipRepeat,
            ChannelSlipDrop,
            ResetRxMidRun,
        ],
        2 => &[
            BlockLockLostWindowStart,
            BlockLockLostWindowMiddle,
            BlockLockLostWindowEnd,
            BlockLockWindow15,
            DescramblerResync,
            BipError,
            DeskewHoldEdgeLost,
            TxMapFailed,
        ],
        3 => &[
            MarkerLockRecovered1,
            MarkerLockRecovered2,
            MarkerLockRecovered3,
            MarkerLockLost4,
            MarkerLockCandidateDropped,
            MarkerLockCandidateReplaced,
            MarkerLockOtherLane,
            MarkerRejectSignature,
            MarkerRejectM0M4,
            MarkerRejectM1M5,
            MarkerRejectM2M6,
            MarkerRejectHeader,
            BipBip3Only,
            BipBip7Only,
            DeskewDupFormed,
        ],
        _ => &[
            ChannelBurst,
            ChannelKill,
            ChannelRevive,
            ChannelSlipDrop,
            ChannelSlipRepeat,
            DeskewDupForming,
            TxMapSpare,
        ],
    }
}

#[test]
fn each_stress_profile_reaches_its_points_and_the_rtl_agrees_there() {
    for name in ["small", "mid"] {
        let dut = load(&builtin(name).unwrap(), &BuildOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        for seed in 1..=4 {
            let run = LinkRun::regression(&dut, Mode::Rx, seed, default_stripes(&dut));
            eprintln!("{}", run.replay());
            let (result, cov) = check_covered(Arc::clone(&dut), &run);
            result.unwrap_or_else(|e| panic!("{name} profile {}: {e}", profile(seed)));
            let missed: Vec<&str> = profile_points(profile(seed))
                .iter()
                .filter(|&&c| cov.count(c) == 0)
                .map(|c| c.name())
                .collect();
            assert!(missed.is_empty(), "{name} profile {}: never hit {missed:?}", profile(seed));
        }
    }
}

/// 4092 lanes + 4 spares (cosim/large/wide4k.toml, not a built-in DUT): TX, RX and end to
/// end, one seed each, with their clocks/s printed. Builds two tops of 4 096 channels
/// (some minutes each), so it is left out of CI:
/// `cargo test --release -p tessera-cosim --test link -- --ignored --nocapture at_4092`
/// (or `tessera cosim --dut cosim/large/wide4k.toml --seeds 1`; docs/rtl.md "Scale").
#[test]
#[ignore]
fn at_4092_channels_tx_rx_and_end_to_end_pass() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("large/wide4k.toml");
    let dut = load(&file, &BuildOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(dut.channels(), 4096);
    for mode in [Mode::Tx, Mode::Rx, Mode::EndToEnd] {
        let run = LinkRun::regression(&dut, mode, 1, default_stripes(&dut));
        let t = std::time::Instant::now();
        let r = expect_ok(&run);
        let clocks = r.tx_clocks.max(r.rx_clocks);
        eprintln!("{mode}: {clocks} clocks, {:.0} clocks/s", clocks as f64 / t.elapsed().as_secs_f64());
        assert!(r.stripes_in > 0);
        if mode != Mode::Tx {
            assert!(r.status.expect("RX runs report the status").aligned, "{mode}: the link is up at the end");
        }
    }
}
