//! Properties of the spatial channel model over random geometry and seeds: the permutation
//! is a bijection that puts every live channel on a live pixel, the dead channels are
//! exactly those the failures predict, and the datapath round trip through the spatial
//! channel loses no stripe whenever every live channel's BER is zero.

mod common;

use common::{send_stripes, StripeSource};
use proptest::prelude::*;
use tessera_model::link::Link;
use tessera_model::spatial::{ChannelState, SpatialModel, SpatialParams};
use tessera_model::{LinkConfig, LinkParams};

prop_compose! {
    /// A random link and spatial channel: any grid, pitch, fill, core pitch, spot sizes (a
    /// spot covers a core or more, as in an imaging fibre), misalignment up to a quarter
    /// pitch (none in a third of the cases), rotation, crosstalk and failure rates; the
    /// fibre sized to hold the array.
    fn geometry()(lanes in 1u32..=40, spares in 0u32..=6, cols in 0u32..=9,
                  pitch in 8.0f64..40.0, fill in 0.3f64..=1.0, core_pitch_frac in 0.05f64..0.2,
                  spot_cores in 1.0f64..2.5, blur_frac in 0.02f64..0.15, core_frac in 0.3f64..0.95,
                  offsets in prop_oneof![Just([0.0; 4]), proptest::array::uniform4(-0.25f64..0.25)],
                  rots in prop_oneof![Just([0.0; 2]), proptest::array::uniform2(-1.0f64..1.0)],
                  crosstalk in prop_oneof![Just(0.0), 0.0f64..0.03],
                  emitter_fail in prop_oneof![Just(0.0), 0.0f64..0.15],
                  pixel_fail in prop_oneof![Just(0.0), 0.0f64..0.15],
                  noiseless in any::<bool>(), seed in any::<u64>())
                  -> (LinkConfig, SpatialParams) {
        let am_period = 32;
        let cfg = LinkConfig::new(LinkParams {
            lanes, spares, am_period, max_skew_bits: 32 * 33 - 1, ser_w: 66, seed,
        }).expect("valid link");
        let p = SpatialParams {
            cols,
            rows: 0,
            pitch_um: pitch,
            pixel_fill: fill,
            core_pitch_um: core_pitch_frac * pitch,
            core_diameter_um: core_frac * core_pitch_frac * pitch,
            spot_um: spot_cores * core_pitch_frac * pitch,
            rx_blur_um: blur_frac * pitch,
            tx_dx_um: offsets[0] * pitch,
            tx_dy_um: offsets[1] * pitch,
            rx_dx_um: offsets[2] * pitch,
            rx_dy_um: offsets[3] * pitch,
            tx_rot_deg: rots[0],
            rx_rot_deg: rots[1],
            crosstalk,
            emitter_fail_rate: emitter_fail,
            pixel_fail_rate: pixel_fail,
            noise_pa_rthz: if noiseless { 0.0 } else { 8.0 },
            cores: 1000,
            ..SpatialParams::default()
        }
        .fitted(cfg.channels())
        .expect("a fibre of fewer than MAX_CORES cores holds 46 channels");
        (cfg, p)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn permutation_and_dead_channels_follow_the_failures((cfg, p) in geometry()) {
        let seed = cfg.seed();
        let m = SpatialModel::new(&cfg, &p).map_err(|e| TestCaseError::fail(format!("seed {seed}: {e}")))?;
        let n = cfg.channels();
        let cable = m.draw(seed);
        let run = m.evaluate(&cable);

        // A bijection of 0..P, and the model's inverse agrees.
        let mut seen = vec![false; n as usize];
        for (j, &c) in run.source_of_port.iter().enumerate() {
            prop_assert!(c < n && !seen[c as usize], "seed {}: channel {} twice or out of range", seed, c);
            seen[c as usize] = true;
            prop_assert_eq!(m.port_of_channel(c), j as u32);
        }

        // With no misalignment every emitter reaches its own pixel (the identity map).
        let aligned = [p.tx_dx_um, p.tx_dy_um, p.rx_dx_um, p.rx_dy_um, p.tx_rot_deg, p.rx_rot_deg]
            .iter()
            .all(|&x| x == 0.0);
        if aligned {
            for c in 0..n {
                prop_assert!(!m.is_unreached(c), "seed {}: channel {} unreached", seed, c);
                prop_assert_eq!(m.port_of_channel(c), c);
            }
        }

        // Dead channels are exactly the failed emitters, the channels of failed pixels and
        // the channels whose light reaches no pixel.
        let mut expect: Vec<u32> = (0..n)
            .filter(|&c| {
                cable.emitter_failed[c as usize]
                    || cable.pixel_failed[m.port_of_channel(c) as usize]
                    || m.is_unreached(c)
            })
            .collect();
        expect.sort_unstable();
        prop_assert_eq!(&run.dead, &expect, "seed {}", seed);

        // Every live channel is on a live pixel; live channels cover the live pixels that
        // carry a live emitter, one each.
        for c in 0..n {
            let r = &run.channels[c as usize];
            let live = r.state == ChannelState::Live;
            prop_assert_eq!(live, expect.binary_search(&c).is_err());
            if live {
                prop_assert!(!cable.pixel_failed[r.port as usize]);
                prop_assert!(run.ber_per_channel[c as usize] == r.ber);
                prop_assert!((0.0..=0.5).contains(&r.ber));
            } else {
                prop_assert_eq!(run.ber_per_channel[c as usize], 0.0);
            }
        }
        // Replay.
        prop_assert_eq!(m.run(seed), run);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn datapath_loses_no_stripe_when_every_live_channel_is_error_free(
        (cfg, p) in geometry(), stripes in 1usize..120,
    ) {
        let seed = cfg.seed();
        let m = SpatialModel::new(&cfg, &p).map_err(|e| TestCaseError::fail(format!("seed {seed}: {e}")))?;
        let run = m.run(seed);
        let error_free = run.channels.iter().all(|r| r.state != ChannelState::Live || r.ber == 0.0);
        prop_assume!(error_free);
        let a = run.assess(p.ber_limit);
        prop_assume!(a.up());
        let map = a.map.expect("an up link has a lane map");

        let mut link = Link::new(&cfg, map, run.faults(), run.channel_seed())
            .map_err(|e| TestCaseError::fail(format!("seed {seed}: {e}")))?;
        link.bring_up(Link::bring_up_budget(&cfg))
            .map_err(|e| TestCaseError::fail(format!("seed {seed}: dead {:?}: {e}", run.dead)))?;
        let mut source = StripeSource::new(seed, cfg.lanes());
        let out = send_stripes(&mut link, &mut source, stripes);
        prop_assert_eq!(out.stripes_got(cfg.lanes()), stripes, "seed {}: stripes received", seed);
        prop_assert!(out.got == out.sent, "seed {}: a stripe came back altered", seed);
        let status = link.rx.status();
        prop_assert!(status.aligned);
        prop_assert_eq!(status.counters.stripes_lost, 0);
        prop_assert!(status.ports.iter().all(|s| s.bip_errors == 0));
    }
}
