//! The RTL bench sets of `rtl/tb/vectors/`: a vector set as `tessera gen` writes it, plus
//! the files the plain-Verilog benches of `rtl/tb/` read beyond the format, and sets whose
//! run repairs the lane map at run time (which the format has no key for).
//!
//! The recipes are `tessera gen` flags, one set a line, in `rtl/tb/vectors/sets.txt`;
//! `tessera gen --rtl-sets rtl/tb/vectors` reads them and writes every set with
//! [`bench_files`], and `tests/rtl_vectors.rs` regenerates them and compares them byte for
//! byte with the committed files. A set is:
//!
//! * without a repair: exactly the set `tessera gen <flags>` writes (manifest and streams,
//!   `tessera check` re-runs it), plus `rx_status_full.hex`;
//! * with `--repair <slot>:<channel_of>:<failed>`: the same streams from a run whose TX
//!   takes that lane map before block period `<slot>` (a lane moved onto a spare), each
//!   stream's header noting the repair; no manifest (it could not say the repair), but a
//!   `params` file, the lane map from reset `tx_map.hex`, its run-time writes
//!   `tx_mapwr.hex` and `rx_status_full.hex`.
//!
//! The extra files' layouts are `rtl/tb/tx_tb.sv`'s and `rtl/tb/rx_tb.sv`'s (docs/rtl.md,
//! "Vector sets"). Nothing here panics on a recipe.

use tessera_model::marker::SPARE_LANE;
use tessera_model::rx::RxStatus;
use tessera_model::LaneMap;

use crate::gen::{GenError, Outcome};
use crate::header::{list, SetSpec};
use crate::set::{self, SetFiles};
use crate::word::{self, put_field};

/// The recipe list in a bench-set folder.
pub const RECIPES: &str = "sets.txt";
/// Every status field at the end of the run (rx_tb `+status_full`).
pub const FULL_STATUS_FILE: &str = "rx_status_full.hex";
/// The link of a set without a manifest, for `rtl/run.sh` (a line of shell assignments).
pub const PARAMS_FILE: &str = "params";
/// The lane map from reset, one word per channel (tx_tb `+map`).
pub const MAP_FILE: &str = "tx_map.hex";
/// Run-time lane-map writes (tx_tb `+mapwr`).
pub const MAP_WRITES_FILE: &str = "tx_mapwr.hex";

/// Where the files come from, in their first line.
const ORIGIN: &str = "made by tessera gen --rtl-sets from rtl/tb/vectors/sets.txt";

/// The recipes of a list (`rtl/tb/vectors/sets.txt`): (line number, set name, its
/// arguments). `#` starts a comment; a line ending in `\` goes on on the next.
pub fn recipes(text: &str) -> Vec<(usize, String, Vec<String>)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, raw)) = lines.next() {
        let line = raw.split('#').next().unwrap_or("").trim_end();
        let (start, mut joined) = pending.take().unwrap_or((i + 1, String::new()));
        let (body, more) = line.strip_suffix('\\').map_or((line, false), |b| (b, true));
        joined.push(' ');
        joined.push_str(body);
        if more && lines.peek().is_some() {
            pending = Some((start, joined));
            continue;
        }
        let mut words = joined.split_whitespace().map(String::from);
        if let Some(name) = words.next() {
            out.push((start, name, words.collect()));
        }
    }
    out
}

/// A run-time repair of the lane map: from block period `slot` on, the TX's lane map is
/// `channel_of` (lane `i` on channel `channel_of[i]`) with `failed` failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// The first block period with the new map.
    pub slot: u64,
    /// Lane `i`'s channel.
    pub channel_of: Vec<u32>,
    /// Failed channels.
    pub failed: Vec<u32>,
}

impl Repair {
    /// Parses `<slot>:<channel_of>:<failed>`, the lists comma-separated and `none` for no
    /// failed channel: `500:0,4,2,3:1`.
    pub fn parse(text: &str) -> Result<Repair, String> {
        let expected = "expected <slot>:<channel of each lane, commas>:<failed channels, commas, or none>";
        let parts: Vec<&str> = text.split(':').collect();
        let [slot, channel_of, failed] = parts[..] else {
            return Err(format!("`{text}` is not a repair; {expected}"));
        };
        let number =
            |s: &str| s.parse::<u32>().map_err(|_| format!("`{s}` in `{text}` is not a number; {expected}"));
        let numbers = |s: &str| -> Result<Vec<u32>, String> {
            if s == "none" {
                return Ok(Vec::new());
            }
            s.split(',').map(number).collect()
        };
        Ok(Repair {
            slot: slot
                .parse()
                .map_err(|_| format!("`{slot}` in `{text}` is not a slot number; {expected}"))?,
            channel_of: numbers(channel_of)?,
            failed: numbers(failed)?,
        })
    }

    /// The text [`Repair::parse`] reads.
    pub fn text(&self) -> String {
        let commas = |v: &[u32]| list(v).replace(' ', ",");
        format!("{}:{}:{}", self.slot, commas(&self.channel_of), commas(&self.failed))
    }
}

/// A channel's entry of the TX's lane-map port: `(failed, lane)`, lane `ffff` for a spare
/// and for a failed channel.
fn entry(map: &LaneMap, c: u32) -> (bool, u16) {
    let lane = map.lane_on(c).map_or(SPARE_LANE, |l| l as u16);
    (map.is_failed(c), if map.is_failed(c) { SPARE_LANE } else { lane })
}

/// Clocks from the last lane-map write of a change to the first slot that may use it in
/// Tessera's TX (`rtl/tessera_tx.sv`): its routing unit's R(L) plus 2, on a network of
/// 2^L >= P ports (docs/spec.md, "Lane map in the RTL"; docs/benes.md).
pub fn reference_map_delay(channels: u32) -> u64 {
    let l = channels.max(2).next_power_of_two().trailing_zeros();
    tessera_model::benes::routing_clocks(l) + 2
}

/// The lane-map writes that turn `old` into `new` for block period `slot`: one per changed
/// channel, the channels that take a lane first, on consecutive clocks whose last is
/// `slot * K - delay` (the TX takes a change for the first period that starts `delay`
/// clocks or more after its last write, and all of it at once, as the model's
/// `set_lane_map` between two periods does).
fn map_writes(
    old: &LaneMap,
    new: &LaneMap,
    slot: u64,
    k: u64,
    delay: u64,
) -> Result<Vec<(u64, u32, bool, u16)>, GenError> {
    let mut changed: Vec<u32> = (0..new.channels()).filter(|&c| entry(old, c) != entry(new, c)).collect();
    changed.sort_by_key(|&c| (entry(new, c).1 == SPARE_LANE, c));
    let n = changed.len() as u64;
    let Some(first) = (slot * k).checked_sub(delay + n.saturating_sub(1)) else {
        return Err(GenError::Run(format!(
            "a repair for block period {slot} needs its {n} lane-map writes to end {delay} clocks before clock {}: too early",
            slot * k
        )));
    };
    Ok(changed
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let (failed, lane) = entry(new, c);
            (first + i as u64, c, failed, lane)
        })
        .collect())
}

/// A file of hex words of their own widths, after a first comment line.
fn hex_file(comment: &str, words: &[(Vec<u64>, u32)]) -> Vec<u8> {
    let mut out = format!("// {comment}\n").into_bytes();
    for (w, width) in words {
        word::push_hex(&mut out, w, *width);
        out.push(b'\n');
    }
    out
}

/// A field list: (low bit, width, value).
fn pack(width: u32, fields: &[(u64, u32, u64)]) -> (Vec<u64>, u32) {
    let mut w = vec![0u64; width.div_ceil(64) as usize];
    for &(lo, n, v) in fields {
        let mask = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        // Counters saturate as the RTL's do; positions (48 bits) wrap.
        let v = if n == 32 { v.min(u64::from(u32::MAX)) } else { v & mask };
        put_field(&mut w, lo, n, u128::from(v));
    }
    (w, width)
}

/// `rx_status_full.hex`: every status field after the run, one word per port then one for
/// the link, in the layout of `rtl/tb/rx_tb.sv`'s `+status_full`.
pub fn full_status_file(s: &RxStatus) -> Vec<u8> {
    let mut words = Vec::new();
    for p in &s.ports {
        let in_link = p.skew_bits.is_some();
        words.push(pack(
            284,
            &[
                (0, 4, u64::from(p.block_lock)),
                (4, 4, u64::from(p.marker_lock)),
                (8, 4, u64::from(in_link)),
                (12, 16, if p.marker_lock { u64::from(p.lane.unwrap_or(0)) } else { 0 }),
                (28, 32, p.bip_errors),
                (60, 32, p.slips),
                (92, 32, p.block_lock_losses),
                (124, 32, p.marker_lock_losses),
                (156, 32, p.invalid_headers),
                (188, 48, p.skew_bits.unwrap_or(0)),
                (236, 48, p.bits),
            ],
        ));
    }
    let c = &s.counters;
    let fault = s.skew_fault.as_ref();
    let dup = s.duplicate_lane;
    words.push(pack(
        332,
        &[
            (0, 4, u64::from(s.aligned)),
            (4, 32, c.stripes_out),
            (36, 32, c.stripes_lost),
            (68, 32, c.idle_slots),
            (100, 32, c.unreadable_slots),
            (132, 32, c.formations),
            (164, 32, c.joins),
            (196, 4, u64::from(fault.is_some())),
            (200, 48, fault.map_or(0, |f| f.spread_bits)),
            (248, 16, fault.map_or(0, |f| u64::from(f.early_lane))),
            (264, 16, fault.map_or(0, |f| u64::from(f.late_lane))),
            (280, 4, u64::from(dup.is_some())),
            (284, 16, dup.map_or(0, |d| u64::from(d.0))),
            (300, 16, dup.map_or(0, |d| u64::from(d.1))),
            (316, 16, dup.map_or(0, |d| u64::from(d.2))),
        ],
    ));
    hex_file(
        &format!("rx_status_full: every status field at the end of the run (rtl/tb/rx_tb.sv); {ORIGIN}"),
        &words,
    )
}

/// `tx_map.hex`: the lane map the TX starts with, one word `{failed[3:0], lane[15:0]}` per
/// channel.
fn map_file(map: &LaneMap) -> Vec<u8> {
    let words: Vec<(Vec<u64>, u32)> = (0..map.channels())
        .map(|c| {
            let (failed, lane) = entry(map, c);
            pack(20, &[(0, 16, u64::from(lane)), (16, 4, u64::from(failed))])
        })
        .collect();
    hex_file(
        &format!("tx_map: the lane map from reset, {{failed[3:0], lane[15:0]}} per channel; {ORIGIN}"),
        &words,
    )
}

/// The files of one bench set, and what its run gave (see the module's documentation).
pub fn bench_files(set: &SetSpec, repair: Option<&Repair>) -> Result<(SetFiles, Outcome), GenError> {
    let Some(r) = repair else {
        let (mut files, outcome) = set::set_files(set)?;
        files.push((FULL_STATUS_FILE.to_string(), full_status_file(&outcome.status)));
        return Ok((files, outcome));
    };
    let p = &set.params;
    let old = set.lane_map()?;
    let new = LaneMap::from_assignment(p.lanes, p.spares, &r.channel_of, &r.failed)?;
    if r.slot <= set.run.lead_slots || r.slot >= set.run.slots {
        return Err(GenError::Run(format!(
            "repair at block period {}: must come after link-up (period {}) and before the end (period {})",
            r.slot, set.run.lead_slots, set.run.slots
        )));
    }
    let k = u64::from(set.config()?.clocks_per_block());
    let writes = map_writes(&old, &new, r.slot, k, reference_map_delay(p.lanes + p.spares))?;
    let note = format!(
        "run-time lane-map repair: from block period {} the TX's map is channel_of {}, failed {} (tx_mapwr.hex writes it); \
         the format has no key for it: this set has no manifest and tessera check cannot re-run it",
        r.slot,
        list(&r.channel_of),
        list(&r.failed)
    );
    let mut refused = None;
    let (mut files, _, outcome) = set::stream_files(
        set,
        &mut |slot, m| {
            if slot == r.slot {
                if let Err(e) = m.tx_mut().set_lane_map(new.clone()) {
                    refused = Some(e.to_string());
                }
            }
        },
        &[note],
    )?;
    if let Some(e) = refused {
        return Err(GenError::Run(format!("the repair's lane map: {e}")));
    }
    let params = format!(
        "# the link of this set, for rtl/run.sh; {ORIGIN}\nLANES={} SPARES={} AM_PERIOD={} SER_W={} MAX_SKEW_BITS={}\n",
        p.lanes, p.spares, p.am_period, p.ser_w, p.max_skew_bits
    );
    let writes: Vec<(Vec<u64>, u32)> = writes
        .iter()
        .map(|&(clock, c, failed, lane)| {
            pack(
                68,
                &[
                    (0, 16, u64::from(lane)),
                    (16, 4, u64::from(failed)),
                    (20, 16, u64::from(c)),
                    (36, 32, clock),
                ],
            )
        })
        .collect();
    files.push((PARAMS_FILE.to_string(), params.into_bytes()));
    files.push((MAP_FILE.to_string(), map_file(&old)));
    files.push((
        MAP_WRITES_FILE.to_string(),
        hex_file(
            &format!("tx_mapwr: run-time lane-map writes {{clock[31:0], channel[15:0], failed[3:0], lane[15:0]}}, repair {}; {ORIGIN}", r.text()),
            &writes,
        ),
    ));
    files.push((FULL_STATUS_FILE.to_string(), full_status_file(&outcome.status)));
    Ok((files, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::GenOptions;
    use crate::gen::plan;

    fn spec() -> SetSpec {
        let o = GenOptions {
            lanes: Some(2),
            spares: Some(1),
            am_period: Some(16),
            max_skew_bits: Some(100),
            ser_w: Some(22),
            stripes: Some(120),
            ..GenOptions::default()
        };
        plan(&o.to_spec(5)).unwrap()
    }

    #[test]
    fn recipe_lines_comments_and_continuations() {
        let text = "# a comment\n\nset_a --lanes 2 --seed 3 # why\nset_b --lanes 1 \\\n   --seed 4\n";
        let r = recipes(text);
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0],
            (3, "set_a".to_string(), vec!["--lanes".into(), "2".into(), "--seed".into(), "3".into()])
        );
        assert_eq!(r[1].0, 4);
        assert_eq!(r[1].2, ["--lanes", "1", "--seed", "4"]);
    }

    #[test]
    fn repairs_parse_and_print_back() {
        let r = Repair::parse("500:0,4,2,3:1").unwrap();
        assert_eq!(r, Repair { slot: 500, channel_of: vec![0, 4, 2, 3], failed: vec![1] });
        assert_eq!(r.text(), "500:0,4,2,3:1");
        assert_eq!(Repair::parse("7:1,0:none").unwrap().failed, Vec::<u32>::new());
        assert!(Repair::parse("7:1,0").unwrap_err().contains("is not a repair"));
        assert!(Repair::parse("x:1,0:none")
            .unwrap_err()
            .contains("`x` in `x:1,0:none` is not a slot number"));
        assert!(Repair::parse("7:1,y:none").unwrap_err().contains("`y` in"));
    }

    #[test]
    fn a_set_without_repair_is_the_vector_set_and_the_full_status() {
        let set = spec();
        let (files, outcome) = bench_files(&set, None).unwrap();
        let (plain, _) = set::set_files(&set).unwrap();
        assert_eq!(files[..plain.len()], plain[..]);
        let (name, full) = files.last().unwrap();
        assert_eq!(name, FULL_STATUS_FILE);
        let text = String::from_utf8(full.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 3 + 1, "a comment, 3 ports, the link");
        assert_eq!(lines[1].len(), 71);
        assert_eq!(lines[4].len(), 83);
        // Port 0 carries lane 0, block- and marker-locked, in the link.
        assert!(lines[1].ends_with("000000000000000000000111"), "{}", lines[1]);
        // The link: aligned, the stripes out in [35:4].
        let out = outcome.status.counters.stripes_out;
        assert!(lines[4].ends_with(&format!("{out:08x}1")), "{}", lines[4]);
    }

    #[test]
    fn a_repair_changes_the_tx_map_and_writes_it() {
        let set = spec();
        // Lane 1 (channel 1) moves onto the spare, channel 2; channel 1 fails.
        let r = Repair { slot: set.run.lead_slots + 40, channel_of: vec![0, 2], failed: vec![1] };
        let (files, outcome) = bench_files(&set, Some(&r)).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert!(!names.contains(&"manifest.txt"));
        for n in ["tx_expected.hex", PARAMS_FILE, MAP_FILE, MAP_WRITES_FILE, FULL_STATUS_FILE] {
            assert!(names.contains(&n), "{n} in {names:?}");
        }
        let file = |n: &str| String::from_utf8(files.iter().find(|f| f.0 == n).unwrap().1.clone()).unwrap();
        assert!(file("rx_stripes.hex").contains("// note: run-time lane-map repair: from block period "));
        // 3 channels: a 4-port network, MAP_DELAY = R(2) + 2 = (2*4 + 1*2 + 1) + 2 = 13 clocks
        // (docs/benes.md section 4); the last write is 13 clocks before the period's first (K = 3).
        assert_eq!(reference_map_delay(3), 13);
        let first = r.slot * 3 - 13 - 1;
        let writes: Vec<String> = file(MAP_WRITES_FILE).lines().skip(1).map(String::from).collect();
        assert_eq!(writes, [format!("{first:08x}000200001"), format!("{:08x}00011ffff", first + 1)]);
        assert_eq!(file(MAP_FILE).lines().skip(1).collect::<Vec<_>>(), ["00000", "00001", "0ffff"]);
        assert!(file(PARAMS_FILE).ends_with("\nLANES=2 SPARES=1 AM_PERIOD=16 SER_W=22 MAX_SKEW_BITS=100\n"));
        // The TX's output changes from the repair on: channel 1 goes dark.
        let (plain, _) = set::set_files(&set).unwrap();
        let plain_file =
            String::from_utf8(plain.iter().find(|f| f.0 == "tx_expected.hex").unwrap().1.clone()).unwrap();
        assert_ne!(plain_file.lines().last(), file("tx_expected.hex").lines().last());
        // The RX follows the repair: the link is up at the end, lane 1 on the spare's port.
        assert!(outcome.status.aligned);
        assert!(outcome.status.counters.joins >= 1, "{:?}", outcome.status.counters);
        // Impossible repairs are errors.
        let early = Repair { slot: 1, ..r.clone() };
        assert!(bench_files(&set, Some(&early)).unwrap_err().to_string().contains("must come after link-up"));
        let bad = Repair { channel_of: vec![0, 1], failed: vec![1], ..r };
        assert!(bench_files(&set, Some(&bad)).unwrap_err().to_string().starts_with("invalid lane map"));
    }
}
