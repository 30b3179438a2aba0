//! Faults through the whole datapath: bit errors counted by BIP-8, slips and lost lock
//! detected and recovered from, dead channels repaired onto spares at run time. In every
//! case the stripes lost meanwhile are reported as lost and never handed out as good data.

mod common;

use std::collections::BTreeSet;

use common::{send_stripes, StripeSource};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tessera_model::block::BLOCK_BITS;
use tessera_model::channel::{ChannelEvent, ChannelFaults, EventKind};
use tessera_model::link::Link;
use tessera_model::{LaneMap, LinkConfig, LinkParams};

fn cfg(lanes: u32, spares: u32, am_period: u32, seed: u64) -> LinkConfig {
    LinkConfig::new(LinkParams { lanes, spares, am_period, max_skew_bits: 500, ser_w: 66, seed }).unwrap()
}

/// Block slots it takes to bring a link of `cfg` up with no faults (measured on a twin).
fn bring_up_slots(cfg: &LinkConfig, faults: &ChannelFaults) -> u64 {
    let mut twin = Link::new(cfg, LaneMap::identity(cfg.lanes(), cfg.spares()), faults.clone(), 0).unwrap();
    twin.bring_up(Link::bring_up_budget(cfg)).unwrap();
    twin.tx.slot()
}

#[test]
fn each_marker_period_with_one_bit_error_is_one_bip_error() {
    for seed in [1u64, 2, 3] {
        let cfg = cfg(12, 2, 64, seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let skews = ChannelFaults::random_skew(cfg.channels(), 400, &mut rng);
        let base = ChannelFaults { skew_bits: skews.clone(), ..Default::default() };
        let start_period = bring_up_slots(&cfg, &base) / 64 + 2;
        let periods = 40u64;
        // At most one error per channel per marker period, anywhere in the period's 64
        // blocks (markers, headers and payloads alike), on about half the periods.
        let mut events = Vec::new();
        let mut expected = vec![BTreeSet::new(); cfg.channels() as usize];
        for ch in 0..cfg.channels() {
            for k in start_period..start_period + periods {
                if rng.gen_bool(0.5) {
                    let bit = rng.gen_range(0..64 * u64::from(BLOCK_BITS));
                    events.push(ChannelEvent {
                        channel: ch,
                        at_bit: k * 64 * 66 + bit,
                        kind: EventKind::BitError,
                    });
                    expected[ch as usize].insert(k);
                }
            }
        }
        let faults = ChannelFaults { events, ..base };
        let mut link = Link::new(&cfg, LaneMap::identity(12, 2), faults, seed).unwrap();
        link.bring_up(Link::bring_up_budget(&cfg)).unwrap();
        let mut source = StripeSource::new(seed, 12);
        let until = (start_period + periods + 2) * 64;
        let stripes = (until - link.tx.slot()) as usize;
        let out = send_stripes(&mut link, &mut source, stripes);
        let status = link.rx.status();
        let injected = link.channel.injections().len();
        assert_eq!(
            injected,
            expected.iter().map(|s| s.len()).sum::<usize>(),
            "seed {seed}: every error logged"
        );
        for ch in 0..cfg.channels() {
            let port = link.channel.port_of_channel(ch) as usize;
            assert_eq!(
                status.ports[port].bip_errors,
                expected[ch as usize].len() as u64,
                "seed {seed}: channel {ch} BIP errors vs periods with an error"
            );
        }
        // Corrupted stripes may come out (no FEC); none is invented or reordered.
        let _ = out;
    }
}

#[test]
fn a_slip_is_detected_counted_and_recovered_and_no_garbage_comes_out() {
    for (seed, drop) in [(11u64, true), (12, false), (13, true), (14, false)] {
        let cfg = cfg(8, 1, 64, seed);
        let base = ChannelFaults::default();
        let start = bring_up_slots(&cfg, &base);
        let lane_channel = (seed % 8) as u32;
        let at_slot = start + 300;
        let faults = ChannelFaults {
            events: vec![ChannelEvent {
                channel: lane_channel,
                at_bit: at_slot * 66 + 17,
                kind: EventKind::Slip { drop },
            }],
            ..base
        };
        let mut link = Link::new(&cfg, LaneMap::identity(8, 1), faults, seed).unwrap();
        link.bring_up(Link::bring_up_budget(&cfg)).unwrap();
        let mut source = StripeSource::new(seed, 8);
        let out = send_stripes(&mut link, &mut source, 3000);
        let status = link.rx.status();
        let port = &status.ports[lane_channel as usize];
        assert!(port.block_lock_losses >= 1, "seed {seed}: the slip lost block lock");
        assert!(status.aligned, "seed {seed}: the link recovered");
        assert!(status.counters.joins >= 1, "seed {seed}: the lane rejoined");
        let missing = out.missing_in_order(8).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert!(missing > 0, "seed {seed}: stripes were lost during the outage");
        assert_eq!(missing as u64, status.counters.stripes_lost, "seed {seed}: every lost stripe reported");
    }
}

#[test]
fn a_channel_that_goes_dark_and_comes_back_is_recovered() {
    let seed = 21;
    let cfg = cfg(6, 0, 64, seed);
    let start = bring_up_slots(&cfg, &ChannelFaults::default());
    let events = vec![
        ChannelEvent { channel: 2, at_bit: (start + 200) * 66, kind: EventKind::Kill },
        ChannelEvent { channel: 2, at_bit: (start + 700) * 66 + 5, kind: EventKind::Revive },
    ];
    let faults = ChannelFaults { events, ..Default::default() };
    let mut link = Link::new(&cfg, LaneMap::identity(6, 0), faults, seed).unwrap();
    link.bring_up(Link::bring_up_budget(&cfg)).unwrap();
    let out = send_stripes(&mut link, &mut StripeSource::new(seed, 6), 3000);
    let status = link.rx.status();
    assert!(status.ports[2].block_lock_losses >= 1);
    assert!(status.aligned);
    let missing = out.missing_in_order(6).unwrap();
    assert!(missing >= 400, "the outage lost stripes: {missing}");
    assert_eq!(missing as u64, status.counters.stripes_lost);
}

#[test]
fn a_dead_channel_is_repaired_onto_a_spare_at_run_time() {
    let seed = 31;
    let cfg = cfg(10, 2, 64, seed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let perm = ChannelFaults::random_permutation(12, &mut rng);
    let start = bring_up_slots(&cfg, &ChannelFaults { source_of_port: perm.clone(), ..Default::default() });
    let faults = ChannelFaults {
        source_of_port: perm,
        events: vec![ChannelEvent { channel: 4, at_bit: (start + 100) * 66, kind: EventKind::Kill }],
        ..Default::default()
    };
    let mut map = LaneMap::identity(10, 2);
    let mut link = Link::new(&cfg, map.clone(), faults, seed).unwrap();
    link.bring_up(Link::bring_up_budget(&cfg)).unwrap();
    let mut source = StripeSource::new(seed, 10);
    let before = send_stripes(&mut link, &mut source, 300);
    assert!(!link.rx.status().aligned, "lane 4 went down with its channel");
    // Management finds the dark port and repairs the map; the TX applies it.
    let dark: Vec<u32> = link
        .rx
        .status()
        .ports
        .iter()
        .filter(|p| !p.block_lock)
        .map(|p| link.channel.source_of_port(p.port))
        .collect();
    assert_eq!(dark, vec![4]);
    let repair = map.repair(&dark).unwrap();
    assert_eq!(repair.moves.len(), 1);
    assert_eq!((repair.moves[0].lane, repair.moves[0].from, repair.moves[0].to), (4, 4, 10));
    link.tx.set_lane_map(map.clone()).unwrap();
    link.bring_up(Link::bring_up_budget(&cfg)).unwrap();
    let after = send_stripes(&mut link, &mut source, 500);
    assert_eq!(after.missing_in_order(10).unwrap(), 0);
    let status = link.rx.status();
    assert_eq!(status.port_of_lane[4], Some(link.channel.port_of_channel(10)));
    let lost_before = before.missing_in_order(10).unwrap() as u64;
    assert_eq!(
        lost_before, status.counters.stripes_lost,
        "stripes sent while lane 4 was down are reported lost"
    );
}
