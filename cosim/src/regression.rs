//! The default regression's runs: for a link, a mode and a seed, the stimulus, the faults
//! and the stress events that aim at the cover points (docs/coverage.md, "The default
//! regression"). Pure: no DUT is needed, so a test can plan the regression and measure its
//! coverage on the model alone.
//!
//! | seed | channel | stress |
//! |---|---|---|
//! | 1 | no skew but channel 0 late by exactly `max_skew_bits`, no permutation | channel 0 slips a bit later (+1 bit, then back): a join refused at `max_skew_bits + 1`, then a rejoin; channels 1 and 2 lose marker lock in the same block period (4 bad signatures); the RX is reset mid-run |
//! | 2 | random skew and permutation, a failed channel, BER 1e-4 | invalid sync headers placed in a block-lock window: 16 at its start, 16 in the middle, 16 at its end, 15 that keep lock |
//! | 3 | random skew and permutation | bad marker slots: 1, 2 and 3 then recovery, 4 then loss and a dropped candidate; BIP3 alone, BIP7 alone, a marker with a bad header; markers of another lane: a replaced candidate, a lane claimed twice once formed |
//! | 4 | random skew and permutation, lane 0 on the last spare (a spare write) | a burst, a kill and revival, a slip each way, a lane claimed twice while the link forms |
//!
//! Seeds past 4 repeat the pattern of `seed % 4` (seed 5 like 1, and so on) with their own
//! random choices. Modes that do not run the RX (tx) get the map choices only.

use tessera_model::{LaneMap, LinkParams};
use tessera_vectors::config::{GenOptions, Stress};

use crate::harness::Mode;

/// The regression's stress and fault profile number of a seed (1 to 4).
pub fn profile(seed: u64) -> u64 {
    (seed + 3) % 4 + 1
}

/// When the regression's run resets the RX, in slots after link-up: profile 1 resets it one
/// marker period after link-up in the RX modes, before its stress events.
pub fn rx_reset_after(seed: u64, mode: Mode, link: &LinkParams) -> Option<u64> {
    (profile(seed) == 1 && mode != Mode::Tx).then_some(u64::from(link.am_period))
}

/// Blocks a lane takes to come back after it loses lock, at most: a hunt through every
/// bit of the block boundary (one slip per block), 64 valid headers, then two markers and
/// the wait for the first.
fn recovery_blocks(link: &LinkParams) -> u64 {
    2 * 66 + 64 + 3 * u64::from(link.am_period) + u64::from(link.max_skew_bits).div_ceil(66)
}

/// The options of the regression's run of `mode` and `seed` on `link` with at least
/// `stripes` stripes; `can_fail` says whether the DUT can be given a lane map with a
/// failed channel (or any map other than the identity) before slot 0. The stress events
/// are placed after the link is up, which one run of the model measures.
pub fn options(link: &LinkParams, mode: Mode, seed: u64, stripes: u64, can_fail: bool) -> GenOptions {
    let p = link.lanes + link.spares;
    let rx = mode != Mode::Tx;
    let valid = [100, 80, 50, 95][(seed % 4) as usize];
    let mut o = GenOptions { stripes: Some(stripes), valid_percent: Some(valid), ..Default::default() };
    let profile = profile(seed);
    if profile == 1 {
        if p > 1 {
            // Channel 0 late by exactly the capacity: the link forms at the boundary.
            let mut skew = vec![0; p as usize];
            skew[0] = link.max_skew_bits;
            o.skew_bits = Some(skew);
        }
    } else {
        o.random_skew = Some(link.max_skew_bits);
        o.permute = Some(true);
    }
    if profile == 2 && can_fail {
        o.failed = Some(vec![(seed as u32 * 7) % p]);
    }
    if profile == 4 && can_fail {
        // Lane 0 on the last channel (a spare from reset), channel 0 left spare.
        let mut channel_of: Vec<u32> = (0..link.lanes).collect();
        channel_of[0] = p - 1;
        o.channel_of = Some(channel_of);
    }
    if rx && profile == 2 {
        o.ber = Some(1e-4);
    }
    if !rx {
        return o;
    }
    // Link-up without the stress, measured on the model as `tessera gen` does.
    let mut probe = o.clone();
    probe.lanes = Some(link.lanes);
    probe.spares = Some(link.spares);
    probe.am_period = Some(link.am_period);
    probe.ser_w = Some(link.ser_w);
    probe.max_skew_bits = Some(link.max_skew_bits);
    probe.seed = Some(seed);
    let Ok(set) = tessera_clocked::plan(&probe.to_spec(seed)) else { return o };
    let lead = set.run.lead_slots;
    let Ok(map) = set.lane_map() else { return o };
    let (stress, end) = stress(link, profile, &map, lead);
    if !stress.is_empty() {
        o.stress = Some(stress);
    }
    // Enough stripes for the host to keep offering until the last event has played out.
    let end = end.max(rx_reset_after(seed, mode, link).map_or(0, |r| lead + r + recovery_blocks(link)));
    let needed = end.saturating_sub(lead) * u64::from(valid) / 100;
    o.stripes = Some(stripes.max(needed));
    o
}

/// The stress events of a profile on a link that is up at slot `lead`, and the slot by
/// which the last of them has played out.
fn stress(link: &LinkParams, profile: u64, map: &LaneMap, lead: u64) -> (Vec<Stress>, u64) {
    let p = link.lanes + link.spares;
    let period = u64::from(link.am_period);
    // Channels carrying a lane (not failed, not spare): every event below needs markers
    // and a lock.
    let live: Vec<u32> = (0..p).filter(|&c| map.lane_on(c).is_some()).collect();
    let n = live.len();
    if n == 0 {
        return (Vec::new(), 0);
    }
    let lane_of = |c: u32| map.lane_on(c).unwrap_or(0);
    let back = recovery_blocks(link);
    // The first marker slot one period after link-up, its block, and the first block-lock
    // window that surely starts after it (a lock is gained 64 blocks after slot 0 at the
    // earliest, and windows count from the lock).
    // Profile 1 resets the RX one period after link-up: its events come once the link is
    // back.
    let start = if profile == 1 { lead + period + back } else { lead };
    let m = start.div_ceil(period) + 1;
    let b = m * period;
    let w = b.div_ceil(64);
    let mut out = Vec::new();
    let mut end = b;
    let mut add = |text: String, done: u64| {
        if let Ok(s) = Stress::parse(&text) {
            out.push(s);
            end = end.max(done);
        }
    };
    match profile {
        1 => {
            if p > 1 && map.lane_on(0).is_some() {
                // Channel 0 (late by max_skew_bits) slips one bit later: after it relocks, its
                // marker is max_skew_bits + 1 late and its join is refused; it slips back
                // once that has happened and joins again.
                add(format!("0:b{b}:slip-repeat"), b + back);
                add(format!("0:b{}:slip-drop", b + back), b + 2 * back);
            }
            if n > 2 {
                // Two channels with no skew lose marker lock in the same block period.
                for &c in &live[1..3] {
                    add(format!("{c}:am{m}:am-byte=0*4"), b + 4 * period + back);
                }
            }
        }
        2 => {
            // Four windows on four channels (on a small link, one of them by the link's size).
            let plans = [("0", 16), ("20", 16), ("48", 16), ("10", 15)];
            for (i, (h, k)) in plans.iter().enumerate() {
                if n < plans.len() && i != (link.lanes as usize) % plans.len() {
                    continue;
                }
                let start = (w + 1) * 64;
                add(format!("{}:w{w}.{h}:header*{k}", live[i % n]), start + 64 + back);
            }
        }
        3 => {
            // One marker story per channel; channels with more than one take them in turn,
            // each after the previous one has played out.
            let mut stories: Vec<&[&str]> = vec![
                &["+0:am-byte=0"],
                &["+0:am-byte=4*2"],
                &["+0:am-byte=5*3"],
                &["+0:am-byte=6*4", "+5:am-byte=0"],
                &["+0:am-byte=3", "+2:am-byte=7", "+4:header"],
            ];
            if n >= 2 {
                // A marker of another lane's number: once (a replaced candidate), twice
                // (the lane claimed twice once formed).
                stories.push(&["+0:am-lane={other}"]);
                stories.push(&["+0:am-lane={other}*2"]);
            }
            let turn = 6 + back.div_ceil(period);
            for (i, story) in stories.iter().enumerate() {
                let ch = live[i % n];
                let other = lane_of(live[(i + 1) % n]);
                let base = m + turn * (i / n) as u64;
                for e in story.iter() {
                    let (off, kind) = e[1..].split_once(':').unwrap_or(("0", e));
                    let at = base + off.parse::<u64>().unwrap_or(0);
                    let kind = kind.replace("{other}", &other.to_string());
                    add(format!("{ch}:am{at}:{kind}"), (base + turn) * period);
                }
            }
        }
        _ => {
            let at = |k: usize| live[k % n];
            add(format!("{}:b{b}:burst=24", at(0)), b + back);
            add(format!("{}:b{}:kill", at(1), b + period), b + period + back);
            add(format!("{}:b{}:revive", at(1), b + 3 * period), b + 3 * period + back);
            add(format!("{}:b{}:slip-drop", at(2), b + 2 * period), b + 2 * period + back);
            add(format!("{}:b{}:slip-repeat", at(3), b + 4 * period), b + 4 * period + back);
            if n >= 2 {
                // While the link forms, one channel's markers claim another's lane: from the
                // first marker a lock can take (64 blocks after slot 0) to the last one
                // before the link is up.
                let (a, c) = (live[n - 1], live[0]);
                let first = 64u64.div_ceil(period);
                let count = lead.div_ceil(period).saturating_sub(first).max(1);
                add(format!("{a}:am{first}:am-lane={}*{count}", lane_of(c)), 0);
            }
        }
    }
    (out, end)
}
