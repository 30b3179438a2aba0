//! The RTL against the golden model in every configuration built and every mode (TX, RX,
//! end to end), clean and with faults; and proof that the checker catches a wrong RTL.

use tessera_cosim::harness::{check, default_stripes, Flip, LinkRun, Mode, RunError};
use tessera_cosim::{DutError, RxDut, CONFIGS};

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
    for cfg in CONFIGS {
        for seed in 1..=3 {
            let r = expect_ok(&LinkRun::regression(cfg, Mode::Tx, seed, default_stripes(cfg)));
            assert!(r.stripes_in >= default_stripes(cfg));
            assert!(r.tx_clocks > 0);
        }
    }
}

#[test]
fn rx_rtl_matches_the_model_clean_and_with_faults() {
    for cfg in CONFIGS.iter().filter(|c| c.rx) {
        for seed in 1..=4 {
            let run = LinkRun::regression(cfg, Mode::Rx, seed, default_stripes(cfg));
            let r = expect_ok(&run);
            let status = r.status.expect("RX runs report the status");
            assert!(status.aligned, "seed {seed}: the link is up at the end");
            if run.options.ber.is_none() {
                // Nothing lost on a clean channel: every stripe sent came out.
                assert_eq!(r.stripes_out, r.stripes_in, "seed {seed}");
            } else {
                assert!(r.injections > 0, "seed {seed}: bit errors were applied");
            }
        }
    }
}

#[test]
fn end_to_end_data_out_is_data_in() {
    for cfg in CONFIGS.iter().filter(|c| c.rx) {
        for seed in [1, 4] {
            // Seeds 1 and 4 have no bit errors: every stripe must arrive intact.
            let run = LinkRun::regression(cfg, Mode::EndToEnd, seed, default_stripes(cfg));
            assert!(run.options.ber.is_none());
            let r = expect_ok(&run);
            assert_eq!(r.stripes_out, r.stripes_in, "seed {seed}");
            assert_eq!(r.stripes_intact, r.stripes_in, "seed {seed}: data out == data in");
        }
        // With bit errors the RTL still agrees with the model, stripe for stripe.
        let r = expect_ok(&LinkRun::regression(cfg, Mode::EndToEnd, 2, default_stripes(cfg)));
        assert!(r.injections > 0);
    }
}

#[test]
fn a_flipped_tx_bit_is_reported_with_its_clock_and_channel() {
    let cfg = CONFIGS.iter().find(|c| c.name == "small").unwrap();
    // Channel 3, bit 5 of its serial word, at clock 100.
    let bit = 3 * cfg.ser_w as usize + 5;
    let mut run = LinkRun::new("small", Mode::Tx, 9, 50);
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
        let mut run = LinkRun::new("small", mode, 4, 40);
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
fn a_build_without_rx_says_so() {
    if let Some(cfg) = CONFIGS.iter().find(|c| !c.rx) {
        match RxDut::new(cfg.name) {
            Err(e @ DutError::NoRx { .. }) => assert!(e.to_string().contains("has no RX"), "{e}"),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("{} has no RX build", cfg.name),
        }
    }
    assert!(matches!(RxDut::new("nonesuch"), Err(DutError::UnknownConfig { .. })));
}
