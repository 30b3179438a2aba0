//! The fast path (`Link::send`, `Link::idle`, `Receiver::handle_periods`: many block
//! periods per call, the steady state in a tight loop, ports and channels on rayon's
//! threads) against the per-block path it replaces (`Link::set_fast_path(false)`: one
//! `Link::step` per block period, each block through the per-block machines), and
//! `Receiver::handle_bits` of many blocks per port in one call against the same block by
//! block.
//!
//! Random links of 1 to 4096 lanes, with random faults of every kind the channel model has
//! (skew, permutation, dead channels, bit errors, bursts, slips, scheduled kills, revives,
//! slips, bursts and bit errors at random times, and runs of invalid sync headers) and lane-map changes, are driven
//! by the same random script of sends and idles. After every action the stripes, the
//! status, the counters, the coverage, the channel's injection log and the last wire
//! values agree, on one, two and three threads. Each case prints nothing unless it fails;
//! a failure names the seed, and the case replays from it (`replay_one_seed`).

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tessera_model::channel::{ChannelEvent, ChannelFaults, EventKind};
use tessera_model::link::Link;
use tessera_model::{LaneMap, LinkConfig, LinkParams};

/// One step of the script.
#[derive(Debug, Clone)]
enum Action {
    /// Send this many stripes.
    Send(usize),
    /// This many idle block periods.
    Idle(u64),
    /// One block period through `Link::step` (on every link alike).
    Step,
    /// Fail this channel in the lane map and repair it onto a spare.
    Repair(u32),
    /// This many idle block periods through TX and channel, then one
    /// `Receiver::handle_bits` for all of them (many blocks per port in one call).
    Gulp(u64),
}

/// Everything of a link that can be observed, for comparison.
fn observe(link: &Link, got: &[u64]) -> String {
    format!(
        "slot {}\nwires {:?}\nstripes {:?}\nstatus {:?}\nrx coverage {:?}\ntx coverage {:?}\nchannel coverage {:?}\nlock losses {}\ninjections {:?}\nfirst lock {:?}",
        link.tx.slot(),
        link.last_wires(),
        got,
        link.rx.status(),
        link.rx.coverage(),
        link.tx.coverage(),
        link.channel.coverage(),
        link.rx.lock_losses(),
        link.channel.injections(),
        (0..link.tx.config().channels()).map(|p| link.rx.first_block_lock_bit(p)).collect::<Vec<_>>(),
    )
}

/// A random link and script from `seed`: lanes in `lanes`.
fn case(seed: u64, lanes: std::ops::RangeInclusive<u32>) -> (LinkConfig, ChannelFaults, Vec<Action>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let lanes = rng.gen_range(lanes);
    // Wide links get spares enough for the spare ports to run side by side (eight at a time).
    let spares = rng.gen_range(0..=if lanes > 24 { 20 } else { 4u32.min(lanes) });
    let am_period = [16, 32, 64, 1024][rng.gen_range(0..4)];
    let max_skew_bits = [0, 66, 200, 1056][rng.gen_range(0..4)].min(am_period * 33 - 1);
    let cfg = LinkConfig::new(LinkParams { lanes, spares, am_period, max_skew_bits, ser_w: 66, seed })
        .expect("valid configuration");
    let p = cfg.channels();
    let budget = Link::bring_up_budget(&cfg);
    // Faults: each kind present in about half the cases, at rates that make something
    // happen in a run of a few thousand block periods on a few lanes.
    let mut faults = ChannelFaults {
        skew_bits: ChannelFaults::random_skew(p, max_skew_bits.min(600), &mut rng),
        source_of_port: ChannelFaults::random_permutation(p, &mut rng),
        ..Default::default()
    };
    let rate = |rng: &mut ChaCha8Rng, r: f64| if rng.gen_bool(0.5) { r / f64::from(p) } else { 0.0 };
    faults.ber = rate(&mut rng, 2e-5);
    faults.burst_rate = rate(&mut rng, 2e-6);
    faults.burst_len = rng.gen_range(1..=40);
    faults.slip_rate = rate(&mut rng, 1e-6);
    if spares > 0 && rng.gen_bool(0.3) {
        faults.dead = vec![rng.gen_range(0..p)];
    }
    let horizon = (budget + 3 * u64::from(am_period) + 400) * 66;
    for _ in 0..rng.gen_range(0..12) {
        let kind = match rng.gen_range(0..5) {
            0 => EventKind::BitError,
            1 => EventKind::Slip { drop: rng.gen_bool(0.5) },
            2 => EventKind::Kill,
            3 => EventKind::Revive,
            _ => EventKind::Burst { len: rng.gen_range(1..=80) },
        };
        faults.events.push(ChannelEvent { channel: rng.gen_range(0..p), at_bit: rng.gen_range(0..horizon), kind });
    }
    // A run of invalid sync headers on one channel, around the 16 of a 64-header window
    // that lose block lock: the fast path must stop at the 15th.
    if rng.gen_bool(0.5) {
        let (c, first) = (rng.gen_range(0..p), rng.gen_range(budget..budget + 200));
        for period in first..first + rng.gen_range(13..=17) {
            faults.events.push(ChannelEvent { channel: c, at_bit: period * 66, kind: EventKind::BitError });
        }
    }
    let mut script = vec![Action::Idle(rng.gen_range(0..=budget))];
    let mut periods = 0;
    while periods < budget + 3 * u64::from(am_period) + 300 {
        let a = match rng.gen_range(0..10) {
            0..=4 => Action::Send(rng.gen_range(1..=120)),
            5..=7 => Action::Idle(rng.gen_range(1..=150)),
            8 if rng.gen_bool(0.5) => Action::Step,
            8 => Action::Gulp(rng.gen_range(2..=40)),
            _ if spares > 0 && rng.gen_bool(0.3) => Action::Repair(rng.gen_range(0..p)),
            _ => Action::Idle(1),
        };
        periods += match a {
            Action::Send(n) => n as u64,
            Action::Idle(n) | Action::Gulp(n) => n,
            _ => 1,
        };
        script.push(a);
    }
    (cfg, faults, script)
}

/// Runs the script on the per-block reference and on the fast path on 1, 2 and 3
/// threads, comparing after every action.
fn differential(seed: u64, lanes: std::ops::RangeInclusive<u32>) -> Result<(), TestCaseError> {
    // Half the cases spread every call over the threads, half none (the same code on the
    // calling thread): the result must not depend on it. Tests run side by side, so a
    // case may see the other setting; either is a valid run.
    tessera_model::parallel::set_min_parallel_blocks(if seed & 1 == 0 { 0 } else { usize::MAX });
    let lanes_range = lanes.clone();
    let (cfg, faults, script) = case(seed, lanes);
    let map = LaneMap::identity(cfg.lanes(), cfg.spares());
    let build = |fast: bool| {
        let mut l = Link::new(&cfg, map.clone(), faults.clone(), seed).expect("valid link");
        l.set_fast_path(fast);
        l
    };
    let pools: Vec<rayon::ThreadPool> =
        [1, 2, 3].iter().map(|&n| rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap()).collect();
    let mut links: Vec<(Link, Vec<u64>, LaneMap)> =
        std::iter::once(false).chain([true; 3]).map(|f| (build(f), Vec::new(), map.clone())).collect();
    let mut data = ChaCha8Rng::seed_from_u64(seed ^ 0xD47A);
    for (i, action) in script.iter().enumerate() {
        let stripes: Vec<u64> = match action {
            Action::Send(n) => (0..n * cfg.lanes() as usize).map(|_| data.gen()).collect(),
            _ => Vec::new(),
        };
        let mut seen: Option<String> = None;
        for (k, (link, got, map)) in links.iter_mut().enumerate() {
            let mut act = || match action {
                Action::Send(_) => {
                    link.send(&stripes);
                }
                Action::Idle(n) => link.idle(*n),
                Action::Step => {
                    link.step(None);
                }
                Action::Gulp(n) => {
                    let mut wires = vec![0u128; cfg.channels() as usize];
                    for _ in 0..*n {
                        link.tx.step(None, &mut wires);
                        link.channel.carry(&wires);
                    }
                    link.rx.handle_bits(link.channel.ports_mut());
                }
                Action::Repair(c) => {
                    // A repair that is impossible (no spare left) changes nothing, alike.
                    if map.repair(&[*c]).is_ok() {
                        link.tx.set_lane_map(map.clone()).expect("a repaired map fits");
                    }
                }
            };
            if k == 0 {
                act();
            } else {
                pools[k - 1].install(act);
            }
            link.poll_stripes(got);
            let now = observe(link, got);
            match &seen {
                None => seen = Some(now),
                Some(reference) => prop_assert!(
                    *reference == now,
                    "seed {seed}, lanes {lanes_range:?}: after action {i} ({action:?}) the fast path on {k} thread(s) differs from the per-block path\n--- per-block\n{reference}\n--- fast\n{now}"
                ),
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_equals_per_block_path_on_small_links(seed in any::<u64>()) {
        differential(seed, 1..=24)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_equals_per_block_path_on_wide_links(seed in any::<u64>()) {
        differential(seed, 25..=600)?;
    }
}

/// A case whose steady batches run with a dark channel (the ports on it stepping through
/// their zeros): seed 2 of the small links fails when those ports' state is not kept.
#[test]
fn fast_path_equals_per_block_path_with_a_dark_channel() {
    if let Err(e) = differential(2, 1..=24) {
        panic!("{e}");
    }
}

/// The widest link the issue names, once.
#[test]
fn fast_path_equals_per_block_path_at_4096_lanes() {
    let seed = 4096;
    if let Err(e) = differential(seed, 4096..=4096) {
        panic!("{e}");
    }
}

/// `TESSERA_SEED=<seed> TESSERA_LANES=<lo>..=<hi> cargo test --test fast_path
/// replay_one_seed -- --ignored` replays one failing case from the seed and lanes its
/// message names.
#[test]
#[ignore]
fn replay_one_seed() {
    let seed: u64 = std::env::var("TESSERA_SEED").expect("TESSERA_SEED=<seed>").parse().expect("a u64 seed");
    let lanes = std::env::var("TESSERA_LANES").expect("TESSERA_LANES=<lo>..=<hi>");
    let (lo, hi) = lanes.split_once("..=").expect("TESSERA_LANES=<lo>..=<hi>");
    let range = lo.parse().expect("a lane count")..=hi.parse().expect("a lane count");
    if let Err(e) = differential(seed, range) {
        panic!("{e}");
    }
}

/// A clean link, once aligned, goes through the steady batch and not the per-block
/// machines, whatever its shape: the results would be the same either way, so only this
/// counter shows a steady state the fast path fails to see (spares, a dark spare channel,
/// skew and a scrambled fibre, one lane, 4096 lanes).
#[test]
fn a_clean_aligned_link_runs_in_the_steady_loop() {
    // (lanes, spares, dark spare channel, skew and permutation)
    for (lanes, spares, dark, scrambled) in
        [(1, 0, false, false), (16, 0, false, true), (400, 16, false, true), (60, 4, true, true), (4096, 0, false, false)]
    {
        let cfg = LinkConfig::new(LinkParams { lanes, spares, am_period: 1024, max_skew_bits: 1056, ser_w: 22, seed: 7 })
            .expect("valid configuration");
        let p = cfg.channels();
        let mut rng = ChaCha8Rng::seed_from_u64(u64::from(lanes));
        let mut faults = ChannelFaults::default();
        if scrambled {
            faults.skew_bits = ChannelFaults::random_skew(p, 1000, &mut rng);
            faults.source_of_port = ChannelFaults::random_permutation(p, &mut rng);
        }
        if dark {
            faults.dead = vec![p - 1];
        }
        let mut link = Link::new(&cfg, LaneMap::identity(lanes, spares), faults, 7).expect("valid link");
        link.bring_up(Link::bring_up_budget(&cfg)).expect("the link aligns");
        link.idle(2 * 1024);
        let stripes: Vec<u64> = (0..3000 * lanes as usize).map(|_| rng.gen()).collect();
        let before = link.steady_periods();
        let periods = link.send(&stripes);
        let steady = link.steady_periods() - before;
        assert!(
            steady * 10 >= periods * 9,
            "{lanes} + {spares} lanes (dark spare {dark}, scrambled {scrambled}): {steady} of {periods} periods in the steady loop"
        );
    }
}

/// Rare bit errors on an aligned link cost the steady batch a few block periods each, not
/// a whole batch: the periods up to each error go through the steady batch, the error's
/// period through the per-block machines, and the steady batch takes over again right
/// after (unless the error leaves a port unsteady, as a bad marker does until the next
/// one). The result is the per-block path's, and 99 % of the periods are steady (a whole
/// 256-period batch per error would leave some 5 % of them to the per-block machines).
#[test]
fn rare_bit_errors_leave_the_steady_batch_in_use() {
    let cfg = LinkConfig::new(LinkParams { lanes: 16, spares: 0, am_period: 1024, max_skew_bits: 1056, ser_w: 22, seed: 7 })
        .expect("valid configuration");
    // About one error in 4 700 block periods of 16 channels.
    let faults = ChannelFaults { ber: 2e-7, ..Default::default() };
    let mut fast = Link::new(&cfg, LaneMap::identity(16, 0), faults, 11).expect("valid link");
    fast.bring_up(Link::bring_up_budget(&cfg)).expect("the link aligns");
    let mut reference = fast.clone();
    reference.set_fast_path(false);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let stripes: Vec<u64> = (0..60_000 * 16).map(|_| rng.gen()).collect();
    let (mut got_fast, mut got_reference) = (Vec::new(), Vec::new());
    let (before, injected_before) = (fast.steady_periods(), fast.channel.injections().len());
    let mut periods = 0;
    for chunk in stripes.chunks(1024 * 16) {
        periods += fast.send(chunk);
        fast.poll_stripes(&mut got_fast);
        reference.send(chunk);
        reference.poll_stripes(&mut got_reference);
    }
    assert_eq!(observe(&fast, &got_fast), observe(&reference, &got_reference), "fast path against per-block path");
    let errors = fast.channel.injections().len() - injected_before;
    assert!(errors >= 5, "the channel made {errors} bit errors while the stripes went through");
    let steady = fast.steady_periods() - before;
    assert!(
        steady * 100 >= periods * 99,
        "{steady} of {periods} periods in the steady batch with {errors} bit errors: more than 1 % went through the \
         per-block machines"
    );
}
