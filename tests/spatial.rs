//! The spatial channel model against cases with a known answer (`docs/channel.md`):
//! a perfectly aligned link with no crosstalk is the identity map at the noise-only BER; a
//! misalignment of exactly one pitch shifts the map by one site; crosstalk raises the BER of
//! an aggressor's neighbours and of no other channel; bad input names its parameter.

use tessera_model::spatial::{ber_of_q, Cable, ChannelState, SpatialModel, SpatialParams};
use tessera_model::{LinkConfig, LinkParams};

fn cfg(lanes: u32, spares: u32) -> LinkConfig {
    LinkConfig::new(LinkParams { lanes, spares, ..Default::default() }).expect("valid link")
}

/// The default parameters with no misalignment and no crosstalk.
fn aligned() -> SpatialParams {
    SpatialParams {
        tx_dx_um: 0.0,
        tx_dy_um: 0.0,
        tx_rot_deg: 0.0,
        rx_dx_um: 0.0,
        rx_dy_um: 0.0,
        rx_rot_deg: 0.0,
        crosstalk: 0.0,
        ..Default::default()
    }
}

#[test]
fn aligned_link_without_crosstalk_is_identity_at_noise_only_ber() {
    let p = aligned();
    let cfg = cfg(400, 16);
    let m = SpatialModel::new(&cfg, &p).unwrap();
    let n = cfg.channels();
    // Site c of the emitter grid lands on site c of the detector grid.
    assert_eq!(m.source_of_port(), (0..n).collect::<Vec<u32>>().as_slice());
    let run = m.evaluate(&Cable::nominal(n, p.emitter_oma_uw));
    assert!(run.dead.is_empty());
    let sigma = m.noise_ua();
    // sigma = 8 pA/sqrt(Hz) * sqrt(0.7 * 2 GHz).
    assert!((sigma - 8e-6 * (1.4e9f64).sqrt()).abs() < 1e-12);
    for c in 0..n {
        let r = &run.channels[c as usize];
        assert_eq!(r.state, ChannelState::Live);
        assert_eq!(r.port, c);
        // The signal is the emitter's power through its own coupling ...
        let s = p.responsivity_a_w * p.emitter_oma_uw * m.coupling(c, c);
        assert!((r.signal_ua - s).abs() <= 1e-12 * s, "channel {c}");
        // ... the crosstalk only the far tails of the neighbours' spots ...
        assert!(r.crosstalk_ua < 1e-6 * r.signal_ua, "channel {c}: crosstalk {}", r.crosstalk_ua);
        // ... so the BER is the noise-only BER 0.5 erfc(S / (2 sigma sqrt2)).
        let noise_only = ber_of_q(s / (2.0 * sigma));
        assert!((r.ber - noise_only).abs() <= 1e-3 * noise_only, "channel {c}: {} vs {noise_only}", r.ber);
        assert_eq!(r.noise_only_ber(), noise_only);
        // The pixel collects nearly all the light that leaves the fibre.
        assert!(m.coupling(c, c) > 0.9 * m.through_fibre(c));
        assert!((m.through_fibre(c) / m.reference_coupling() - 1.0).abs() < 0.02);
    }
}

#[test]
fn noiseless_receiver_gives_zero_ber() {
    let p = SpatialParams { noise_pa_rthz: 0.0, ..aligned() };
    let cfg = cfg(64, 4);
    let run = SpatialModel::new(&cfg, &p).unwrap().evaluate(&Cable::nominal(68, p.emitter_oma_uw));
    assert!(run.ber_per_channel.iter().all(|&b| b == 0.0));
}

/// The site in column `q`, row `r` of a grid of `cols` columns.
fn site(q: u32, r: u32, cols: u32) -> u32 {
    r * cols + q
}

#[test]
fn one_pitch_of_misalignment_shifts_the_map_by_one_site() {
    let cfg = cfg(400, 16);
    let base = aligned();
    let pitch = base.pitch_um;
    let (cols, rows) = (21, 20); // 416 channels: 21 x 20 sites, the last row holds 17.
    let exists = |q: u32, r: u32| q < cols && r < rows && site(q, r, cols) < 416;

    // Detector moved right by one pitch, or emitters left by one: pixel (q, r) sees
    // emitter (q + 1, r).
    for p in [SpatialParams { rx_dx_um: pitch, ..base }, SpatialParams { tx_dx_um: -pitch, ..base }] {
        let m = SpatialModel::new(&cfg, &p).unwrap();
        assert_eq!((m.cols(), m.rows()), (cols, rows));
        for r in 0..rows {
            for q in 0..cols {
                if !exists(q, r) {
                    continue;
                }
                let j = site(q, r, cols);
                if exists(q + 1, r) {
                    assert_eq!(
                        m.source_of_port()[j as usize],
                        site(q + 1, r, cols),
                        "pixel ({q}, {r}) {p:?}"
                    );
                }
            }
            // Column 0's light falls off the detector: those channels are unreached, dead.
            assert!(m.is_unreached(site(0, r, cols)), "row {r}");
        }
        let run = m.evaluate(&Cable::nominal(416, p.emitter_oma_uw));
        let expect_dead: Vec<u32> = (0..416).filter(|&c| c % cols == 0).collect();
        assert_eq!(run.dead, expect_dead);
    }

    // Detector moved up by one pitch: pixel (q, r) sees emitter (q, r - 1).
    let p = SpatialParams { rx_dy_um: pitch, ..base };
    let m = SpatialModel::new(&cfg, &p).unwrap();
    for j in cols..416 {
        assert_eq!(m.source_of_port()[j as usize], j - cols, "pixel {j}");
    }
}

#[test]
fn crosstalk_raises_the_ber_of_the_aggressors_neighbours_only() {
    let cfg = cfg(400, 16);
    // Scatter of 2 % at one pitch, reaching 1.5 pitches: the 8 sites around a spot.
    let p = SpatialParams { crosstalk: 0.02, crosstalk_reach: 1.5, ..aligned() };
    let m = SpatialModel::new(&cfg, &p).unwrap();
    let cols = m.cols();
    let aggressor = site(10, 10, cols);
    let mut quiet = Cable::nominal(416, p.emitter_oma_uw);
    quiet.emitter_failed[aggressor as usize] = true;
    let loud = Cable::nominal(416, p.emitter_oma_uw);
    let (a, b) = (m.evaluate(&quiet), m.evaluate(&loud));
    let mut raised = Vec::new();
    for c in 0..416u32 {
        if c == aggressor {
            continue;
        }
        let (before, after) = (a.channels[c as usize].ber, b.channels[c as usize].ber);
        let (dq, dr) = ((c % cols) as i64 - 10, (c / cols) as i64 - 10);
        if dq.abs() <= 1 && dr.abs() <= 1 {
            assert!(after > before, "neighbour {c}: BER {before:e} -> {after:e}");
            raised.push(c);
        } else {
            assert_eq!(after, before, "channel {c}, not a neighbour, changed");
        }
    }
    assert_eq!(raised.len(), 8);

    // A checkerboard of live emitters: with a reach of 1.2 pitches no live channel has a
    // live neighbour, so switching crosstalk on changes nothing; with every emitter live
    // it raises every channel's BER.
    let p_on = SpatialParams { crosstalk: 0.02, crosstalk_reach: 1.2, ..aligned() };
    let (off, on) = (SpatialModel::new(&cfg, &aligned()).unwrap(), SpatialModel::new(&cfg, &p_on).unwrap());
    let mut board = Cable::nominal(416, p.emitter_oma_uw);
    for c in 0..416u32 {
        board.emitter_failed[c as usize] = (c % cols + c / cols) % 2 == 1;
    }
    let (x, y) = (off.evaluate(&board), on.evaluate(&board));
    for c in (0..416u32).filter(|&c| !board.emitter_failed[c as usize]) {
        let (r0, r1) = (&x.channels[c as usize], &y.channels[c as usize]);
        // The own scatter adds to the signal; nothing is added as crosstalk.
        assert!((r1.crosstalk_ua - r0.crosstalk_ua).abs() <= 1e-9 * r0.signal_ua, "channel {c}");
        assert!(r1.ber <= r0.ber, "channel {c}");
        assert!(!r1.is_victim());
    }
    let full = Cable::nominal(416, p.emitter_oma_uw);
    let (x, y) = (off.evaluate(&full), on.evaluate(&full));
    for c in 0..416usize {
        assert!(y.channels[c].crosstalk_ua > x.channels[c].crosstalk_ua, "channel {c}");
        assert!(y.channels[c].penalty_db() > 0.1);
    }
}

#[test]
fn strong_crosstalk_makes_victims_and_closes_eyes() {
    let cfg = cfg(400, 16);
    let p = SpatialParams { crosstalk: 0.1, ..aligned() };
    let run = SpatialModel::new(&cfg, &p).unwrap().evaluate(&Cable::nominal(416, p.emitter_oma_uw));
    assert!(run.channels.iter().all(|r| r.is_victim()));
    // Half a pitch of misalignment: each pixel sees two emitters equally: eyes closed.
    let p = SpatialParams { rx_dx_um: 10.0, ..aligned() };
    let m = SpatialModel::new(&cfg, &p).unwrap();
    let run = m.evaluate(&Cable::nominal(416, p.emitter_oma_uw));
    let closed = run.channels.iter().filter(|r| r.state == ChannelState::Live && r.ber > 0.1).count();
    assert!(closed > 300, "{closed} closed eyes");
    assert!(!run.assess(p.ber_limit).up());
}

#[test]
fn cables_replay_from_their_seed() {
    let cfg = cfg(400, 16);
    let p = SpatialParams { emitter_fail_rate: 0.01, pixel_fail_rate: 0.01, ..Default::default() };
    let m = SpatialModel::new(&cfg, &p).unwrap();
    assert_eq!(m.run(42), m.run(42));
    assert_ne!(m.run(42).dead, m.run(43).dead);
    let run = m.run(42);
    assert_eq!(run.seed, 42);
    let f = run.faults();
    assert_eq!(f.source_of_port, run.source_of_port);
    assert_eq!(f.dead, run.dead);
    assert_eq!(f.skew_bits.len(), 416);
    assert_eq!(f.ber_per_channel.len(), 416);
    // Skew: relative to the earliest channel, normal with sigma 1 ns = 2 bits at 2 Gb/s.
    assert_eq!(run.skew_bits.iter().min(), Some(&0));
    let spread = *run.skew_bits.iter().max().unwrap();
    assert!((4..40).contains(&spread), "spread {spread} bits");
}

#[test]
fn assessment_repairs_onto_spares_and_counts_them() {
    let cfg = cfg(16, 2);
    let p = aligned();
    let m = SpatialModel::new(&cfg, &p).unwrap();
    let mut cable = Cable::nominal(18, p.emitter_oma_uw);
    cable.emitter_failed[3] = true;
    cable.pixel_failed[9] = true;
    let a = m.evaluate(&cable).assess(p.ber_limit);
    assert!(a.up());
    assert_eq!(a.unusable, vec![3, 9]);
    assert_eq!(a.spares_used, 2);
    let map = a.map.unwrap();
    assert_eq!((map.channel_of(3), map.channel_of(9)), (16, 17));
    cable.emitter_failed[0] = true;
    let a = m.evaluate(&cable).assess(p.ber_limit);
    assert!(!a.up());
    assert!(a
        .down
        .unwrap()
        .to_string()
        .contains("3 unusable channels (3 dead, 0 over the BER limit) but only 2 spares"));
    // A weak emitter is repaired out like a dead one.
    let mut weak = Cable::nominal(18, p.emitter_oma_uw);
    weak.power_uw[5] = p.emitter_oma_uw / 3.0;
    let a = m.evaluate(&weak).assess(p.ber_limit);
    assert_eq!(a.unusable, vec![5]);
    assert!(a.up());
}

#[test]
fn bad_input_names_the_parameter() {
    let err = |lanes, spares, f: &dyn Fn(&mut SpatialParams)| {
        let mut p = SpatialParams::default();
        f(&mut p);
        SpatialModel::new(&cfg(lanes, spares), &p).expect_err("should be rejected").to_string()
    };
    let m = err(400, 16, &|p| p.emitter_fail_rate = -0.001);
    assert_eq!(
        m,
        "invalid spatial channel: emitter_fail_rate = -0.001: must be a probability between 0 and 1"
    );
    assert!(err(400, 16, &|p| p.pixel_fail_rate = 1.5).contains("pixel_fail_rate = 1.5"));
    assert!(err(400, 16, &|p| p.crosstalk = -0.1).contains("crosstalk = -0.1"));
    assert!(err(400, 16, &|p| p.noise_pa_rthz = -1.0).contains("noise_pa_rthz = -1"));
    assert!(err(400, 16, &|p| p.rate_gbps = 0.0).contains("rate_gbps = 0"));
    assert!(err(400, 16, &|p| p.pitch_um = -20.0).contains("pitch_um = -20: must be a positive number"));
    // More lanes than cores.
    let m = err(40_000, 0, &|_| ());
    assert!(
        m.starts_with("invalid spatial channel: cores = 30000: fewer cores than the 40000 channels"),
        "{m}"
    );
    // More lanes than pixels.
    let m = err(400, 16, &|p| {
        p.cols = 20;
        p.rows = 20;
    });
    assert!(
        m.contains("rows = 20: a 20 x 20 grid has 400 emitter sites and pixels, fewer than the 416 channels"),
        "{m}"
    );
    // A fibre too small for the array.
    let m = err(400, 16, &|p| p.pitch_um = 40.0);
    assert!(m.contains("cores = 30000: the fibre's image circle"), "{m}");
    // Cores that would overlap.
    assert!(err(400, 16, &|p| p.core_diameter_um = 3.3).contains("core_diameter_um = 3.3"));
}
