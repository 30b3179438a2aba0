//! Round trips through TX -> channel -> RX with no bit errors: every stripe comes back,
//! every lane is identified by its markers, the measured skew is the applied skew; too much
//! skew is a clear status, never garbage.

mod common;

use common::{send_stripes, StripeSource};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tessera_model::channel::ChannelFaults;
use tessera_model::link::{Link, LinkError};
use tessera_model::{LaneMap, LinkConfig, LinkParams};

/// Builds a link with the given skews and permutation, brings it up, sends `stripes`
/// stripes and checks everything that a clean channel promises.
fn clean_round_trip(
    cfg: &LinkConfig,
    map: LaneMap,
    skew_bits: Vec<u32>,
    source_of_port: Vec<u32>,
    stripes: usize,
) -> Result<(), TestCaseError> {
    let seed = cfg.seed();
    let faults = ChannelFaults { skew_bits: skew_bits.clone(), source_of_port, ..Default::default() };
    let mut link = Link::new(cfg, map.clone(), faults, seed).expect("valid link");
    link.bring_up(Link::bring_up_budget(cfg))
        .map_err(|e| TestCaseError::fail(format!("seed {seed}: {e}")))?;
    let mut source = StripeSource::new(seed, cfg.lanes());
    let out = send_stripes(&mut link, &mut source, stripes);
    prop_assert_eq!(out.stripes_got(cfg.lanes()), stripes, "seed {}: stripes received", seed);
    prop_assert!(out.got == out.sent, "seed {}: received stripes differ from those sent", seed);

    let status = link.rx.status();
    prop_assert!(status.aligned);
    prop_assert_eq!(status.counters.stripes_lost, 0);
    let lane_skew = |lane: u32| skew_bits.get(map.channel_of(lane) as usize).copied().unwrap_or(0);
    let min_skew = (0..cfg.lanes()).map(lane_skew).min().unwrap();
    for lane in 0..cfg.lanes() {
        let port = link.channel.port_of_channel(map.channel_of(lane));
        prop_assert_eq!(status.port_of_lane[lane as usize], Some(port), "lane {} found on its port", lane);
        let p = &status.ports[port as usize];
        prop_assert_eq!(p.lane, Some(lane as u16));
        prop_assert_eq!(p.bip_errors, 0, "lane {} BIP errors", lane);
        prop_assert_eq!(
            p.skew_bits,
            Some(u64::from(lane_skew(lane) - min_skew)),
            "lane {} measured skew",
            lane
        );
    }
    Ok(())
}

prop_compose! {
    fn link_case()(lanes in 1u32..=64, spares in 0u32..=4, am_period in 16u32..=160,
                   skew_frac in 0.0f64..=1.0, seed in any::<u64>())
                  -> (LinkConfig, Vec<u32>, Vec<u32>) {
        // Up to the largest skew the marker period allows, and at most 40 blocks.
        let max_skew_bits = ((f64::from(am_period * 33 - 1)).min(40.0 * 66.0) * skew_frac) as u32;
        let cfg = LinkConfig::new(LinkParams { lanes, spares, am_period, max_skew_bits, ser_w: 66, seed })
            .expect("strategy builds valid configurations");
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let skews = ChannelFaults::random_skew(cfg.channels(), max_skew_bits, &mut rng);
        let perm = ChannelFaults::random_permutation(cfg.channels(), &mut rng);
        (cfg, skews, perm)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_links_round_trip((cfg, skews, perm) in link_case(), stripes in 1usize..400) {
        clean_round_trip(&cfg, LaneMap::identity(cfg.lanes(), cfg.spares()), skews, perm, stripes)?;
    }
}

fn big_case(lanes: u32, spares: u32, am_period: u32, seed: u64) -> (LinkConfig, Vec<u32>, Vec<u32>) {
    let cfg =
        LinkConfig::new(LinkParams { lanes, spares, am_period, max_skew_bits: 16 * 66, ser_w: 22, seed })
            .unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut skews = ChannelFaults::random_skew(cfg.channels(), cfg.max_skew_bits(), &mut rng);
    // One lane exactly at the maximum, one at zero.
    skews[0] = 0;
    skews[1] = cfg.max_skew_bits();
    let perm = ChannelFaults::random_permutation(cfg.channels(), &mut rng);
    (cfg, skews, perm)
}

#[test]
fn link_of_400_plus_16_round_trips_at_maximum_skew() {
    let (cfg, skews, perm) = big_case(400, 16, 2048, 400);
    let map = LaneMap::with_failed(400, 16, &[3, 77, 399]).unwrap();
    clean_round_trip(&cfg, map, skews, perm, 5000).unwrap();
}

#[test]
fn link_of_4096_lanes_round_trips_at_maximum_skew() {
    let (cfg, skews, perm) = big_case(4096, 0, 512, 4096);
    clean_round_trip(&cfg, LaneMap::identity(4096, 0), skews, perm, 1200).unwrap();
}

#[test]
fn skew_beyond_the_maximum_is_a_clear_status_not_data() {
    let cfg = LinkConfig::new(LinkParams {
        lanes: 8,
        spares: 0,
        am_period: 256,
        max_skew_bits: 1056,
        ser_w: 66,
        seed: 5,
    })
    .unwrap();
    let mut skews = vec![0u32; 8];
    skews[5] = 1056 + 300;
    let faults = ChannelFaults { skew_bits: skews, ..Default::default() };
    let mut link = Link::new(&cfg, LaneMap::identity(8, 0), faults, 5).unwrap();
    let err = link.bring_up(Link::bring_up_budget(&cfg)).unwrap_err();
    let LinkError::NoAlignment { reason: Some(reason), .. } = &err else {
        panic!("expected a reason, got {err}");
    };
    assert!(
        reason.contains("lane 5 arrives 1356 bits after lane")
            && reason.contains("maximum skew of 1056 bits"),
        "{reason}"
    );
    // Stripes offered meanwhile never come out as data.
    let mut source = StripeSource::new(5, 8);
    let out = send_stripes(&mut link, &mut source, 300);
    assert!(out.got.is_empty());
    let s = link.rx.status();
    assert!(!s.aligned);
    assert_eq!(s.skew_fault.unwrap().late_lane, 5);
    assert_eq!(s.skew_fault.unwrap().spread_bits, 1356);
}
