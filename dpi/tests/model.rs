//! The clocked BenchModel against the model's own run (`tessera_vectors::gen::run`, the
//! source of `tessera gen`'s vector files): driven clock by clock at the ports, host ->
//! TX -> channel -> RX, it must give every word of every stream, the same stripes and the
//! same final status. Configurations with skew, permutation, bit errors, dead channels,
//! several serial widths.

use tessera_dpi::bench::{BenchModel, CheckError};
use tessera_vectors::gen::{run, MemorySink};
use tessera_vectors::StreamKind;

const CONFIGS: &[&str] = &[
    "lanes: 4\nspares: 1\nam_period: 32\nmax_skew_bits: 500\nser_w: 22\nstripes: 60\nseed: 3\n",
    "lanes: 3\nspares: 2\nam_period: 16\nser_w: 11\nmax_skew_bits: 400\nrandom_skew: 300\npermute: yes\nstripes: 40\nseed: 9\n",
    "lanes: 2\nspares: 1\nam_period: 16\nmax_skew_bits: 200\nser_w: 66\nber: 1e-4\nstripes: 50\nvalid_percent: 70\nseed: 5\n",
    "lanes: 5\nspares: 2\nam_period: 16\nmax_skew_bits: 200\nser_w: 6\ndead: 1\nfailed: 1\nstripes: 20\nseed: 11\n",
];

fn drive(text: &str) {
    let mut m = BenchModel::from_config(text, "test").unwrap();
    let set = m.set().clone();
    let mut sink = MemorySink::default();
    let out = run(&set, &mut sink).unwrap().unwrap();
    let clocks = set.clocks() as usize;
    let n = set.params.lanes as usize;
    let k = m.clocks_per_block() as usize;
    // The TX and channel run on past the set's clocks so that the channel completes its
    // last RX clocks (the TX latency and the channel's slot buffering).
    let mut rx_words = Vec::new();
    for c in 0..clocks + 2 * k + 4 {
        let (valid, data) = m.host_clock();
        let data = data.to_vec();
        if c < clocks {
            let stim = &sink.words(StreamKind::TxStimulus)[c];
            assert_eq!((&stim[..n], stim[n] == 1), (&data[..], valid), "{text}: tx_stimulus clock {c}");
        }
        m.tx_clock(valid, &data).unwrap();
        if c < clocks {
            assert_eq!(
                m.tx_serial(),
                &sink.words(StreamKind::TxExpected)[c][..],
                "{text}: tx_expected clock {c}"
            );
        }
        let serial = m.tx_serial().to_vec();
        m.channel_put(&serial).unwrap();
        while let Some(w) = m.channel_get() {
            rx_words.push(w);
        }
    }
    let rx_stim = sink.words(StreamKind::RxStimulus);
    assert!(rx_words.len() >= clocks, "{text}: the channel made {} RX clocks of {clocks}", rx_words.len());
    for c in 0..clocks {
        assert_eq!(rx_words[c], rx_stim[c], "{text}: rx_stimulus clock {c}");
    }
    // The RX fed exactly the set's RX stimulus.
    let mut stripes = Vec::new();
    for w in rx_stim {
        m.rx_clock(w).unwrap();
        while let Some(s) = m.rx_stripe() {
            stripes.push(s);
        }
    }
    assert_eq!(stripes, sink.words(StreamKind::RxStripes), "{text}: rx_stripes");
    assert_eq!(m.rx_status(), out.status, "{text}: final status");
    assert!(out.stripes_out > 0, "{text}: the run moves stripes");
}

#[test]
fn clocked_ports_give_the_vector_streams() {
    for c in CONFIGS {
        drive(c);
    }
}

#[test]
fn tx_check_names_clock_channel_expected_actual() {
    let mut m = BenchModel::from_config(
        "lanes: 2\nspares: 1\nam_period: 16\nmax_skew_bits: 200\nser_w: 22\nseed: 4\n",
        "t",
    )
    .unwrap();
    for _ in 0..10 {
        let (v, d) = m.host_clock();
        let d = d.to_vec();
        m.tx_clock(v, &d).unwrap();
    }
    let good = m.tx_serial().to_vec();
    assert_eq!(m.tx_check(m.tx_ready(), &good), Ok(()));
    let mut bad = good.clone();
    bad[0] ^= 1 << 23; // channel 1, bit 1
    let e = m.tx_check(m.tx_ready(), &bad).unwrap_err();
    let CheckError::Mismatch(mm) = &e else { panic!("{e}") };
    assert_eq!((mm.clock, mm.signal.as_str(), mm.place.as_deref()), (9, "tx_serial_o", Some("channel 1")));
    assert_ne!(mm.expected, mm.actual);
    assert!(e.to_string().starts_with("clock 9: tx_serial_o channel 1: expected 0x"), "{e}");
    let e = m.tx_check(!m.tx_ready(), &good).unwrap_err().to_string();
    assert!(e.starts_with("clock 9: tx_ready_o: expected"), "{e}");
    // A bus wider than the port is bad input, not a mismatch.
    let mut wide = good;
    wide[1] |= 1 << 10; // bit 74 of a 66-bit bus
    assert_eq!(
        m.tx_check(m.tx_ready(), &wide).unwrap_err().to_string(),
        "tx_serial_o: bit 74 is set, but the bus is 66 bits wide"
    );
}

#[test]
fn bad_configurations_name_line_and_column() {
    let e = BenchModel::from_config("lanes: 4\nspares: x\n", "bench.cfg").unwrap_err().to_string();
    assert!(e.starts_with("bench.cfg:2:9:"), "{e}");
    let e = BenchModel::from_config("lanes: 4\nlane: 2\n", "bench.cfg").unwrap_err().to_string();
    assert!(e.contains("unknown configuration key `lane`"), "{e}");
    let e = BenchModel::from_config("ser_w: 5\n", "bench.cfg").unwrap_err().to_string();
    assert!(e.contains("ser_w = 5"), "{e}");
    let m = BenchModel::from_config("lanes: 4\nspares: 1\nam_period: 32\nmax_skew_bits: 500\n", "c").unwrap();
    assert_eq!(m.check_rtl_params(4, 1, 32, 22, Some(500)), Ok(()));
    assert_eq!(
        m.check_rtl_params(4, 2, 32, 22, None).unwrap_err().to_string(),
        "the RTL has SPARES = 2, the model's configuration spares: 1"
    );
}

#[test]
fn rx_stripe_and_port_checks_report_the_difference() {
    let text = "lanes: 3\nspares: 1\nam_period: 16\nmax_skew_bits: 200\nser_w: 22\nstripes: 10\nseed: 2\n";
    let mut m = BenchModel::from_config(text, "t").unwrap();
    let set = m.set().clone();
    let mut sink = MemorySink::default();
    run(&set, &mut sink).unwrap().unwrap();
    let stripes = sink.words(StreamKind::RxStripes).to_vec();
    let mut shown = 0;
    for (c, w) in sink.words(StreamKind::RxStimulus).iter().enumerate() {
        // The model's own port buses pass its own check; a flipped lock bit does not.
        let ports = m.rx_port_buses(32).unwrap();
        assert_eq!(m.rx_check_ports(&ports, 32), Ok(()));
        if c == 100 {
            let mut bad = ports.clone();
            bad.block_lock[0] ^= 0b100;
            let e = m.rx_check_ports(&bad, 32).unwrap_err().to_string();
            assert!(e.starts_with("clock 100: port_block_lock_o port 2: expected"), "{e}");
        }
        m.rx_clock(w).unwrap();
        if shown < stripes.len() && m.rx_stripes_out() > shown as u64 {
            let mut s = stripes[shown].clone();
            if shown == 3 {
                s[1] ^= 1;
                let e = m.rx_check_stripe(&s).unwrap_err().to_string();
                assert!(e.contains("rx_data_o stripe 3, lane 1: expected 0x"), "{e}");
                return;
            }
            m.rx_check_stripe(&s).unwrap();
            shown += 1;
        }
    }
    panic!("fewer than 4 stripes");
}

/// The flow of dpi/tb/tessera_dpi_tb.sv with the model on both sides: one instance's TX
/// output through another instance's channel into its RX, started on the first received
/// word. Every stripe the host sent comes out, in order.
#[test]
fn two_instances_end_to_end_move_every_stripe() {
    let text = "lanes: 4\nspares: 1\nam_period: 32\nmax_skew_bits: 500\nser_w: 22\nseed: 3\nstripes: 50\n";
    let mut tx = BenchModel::from_config(text, "t").unwrap();
    let mut rx = BenchModel::from_config(text, "t").unwrap();
    let k = tx.clocks_per_block();
    let mut sent = Vec::new();
    let mut got = Vec::new();
    let mut queue = std::collections::VecDeque::new();
    let mut started = false;
    for _ in 0..tx.run_clocks() + 2 * k + 4 {
        let (valid, data) = tx.host_clock();
        let data = data.to_vec();
        if !started && !queue.is_empty() {
            started = true;
        }
        let word = if started { queue.pop_front() } else { None };
        if tx.tx_clock(valid, &data).unwrap() && valid {
            sent.push(data.clone());
        }
        let serial = tx.tx_serial().to_vec();
        rx.channel_put(&serial).unwrap();
        while let Some(w) = rx.channel_get() {
            queue.push_back(w);
        }
        if started {
            rx.rx_clock(&word.unwrap_or_else(|| vec![0; serial.len()])).unwrap();
            while let Some(s) = rx.rx_stripe() {
                got.push(s);
            }
        }
    }
    assert_eq!(sent.len(), 50);
    assert_eq!(got, sent);
}
