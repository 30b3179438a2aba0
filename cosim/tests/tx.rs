//! The TX RTL against the golden model, every configuration built, several seeds, with
//! failed channels in the lane map; and proof that the checker catches a wrong bit.

use tessera_cosim::harness::{check_tx, RunError, TxRun};
use tessera_cosim::CONFIGS;

#[test]
fn tx_rtl_matches_the_model_in_every_configuration() {
    for cfg in CONFIGS {
        let k = u64::from(66 / cfg.ser_w);
        // Three marker periods, at most 4000 clocks for the widest builds.
        let clocks = (3 * u64::from(cfg.am_period) * k + 10).min(if cfg.lanes > 100 { 1500 } else { 20_000 });
        for seed in 1..=3u64 {
            let mut run = TxRun::new(cfg.name, seed, clocks);
            run.valid_rate = [0.95, 0.5, 0.1][(seed - 1) as usize];
            if cfg.spares > 0 {
                run.failed = vec![(seed as u32 * 7) % (cfg.lanes + cfg.spares)];
            }
            let report = check_tx(&run).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            eprintln!("{}: seed {seed}: {} clocks, {} stripes", cfg.name, report.clocks, report.stripes);
            assert!(report.stripes > 0);
        }
    }
}

#[test]
fn a_flipped_rtl_bit_is_reported_with_its_clock_and_channel() {
    let cfg = CONFIGS.iter().find(|c| c.name == "small").unwrap();
    // Channel 3, bit 5 of its serial word, at clock 100.
    let bit = 3 * cfg.ser_w as usize + 5;
    let mut run = TxRun::new("small", 9, 400);
    run.flip = Some((100, bit));
    match check_tx(&run) {
        Err(RunError::Mismatch(m)) => {
            assert_eq!((m.clock, m.channel, m.signal), (100, Some(3), "tx_serial_o"));
            assert_eq!(m.expected ^ m.actual, 1 << 5);
            assert!(m.replay.contains("--config small --seed 9"), "{}", m.replay);
            assert!(m.to_string().contains("clock 100, tx_serial_o channel 3"), "{m}");
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
}
