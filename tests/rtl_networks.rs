//! The RTL's shared networks under Icarus against plain Rust references, on random cases:
//! `tx_lane_gather` (the TX lane select, `rtl/tb/gather_tb.sv`) must give every channel
//! that carries a lane that lane's host word for any map (permutations with spares and
//! other lane numbers >= N, duplicated and missing lanes), and `sort_net` + `perm_net`
//! (REVERSE = 0, as the RX reorder uses them, `rtl/tb/reorder_tb.sv`) must deliver every
//! lane's word to output position lane when the ports carry distinct lanes and the others
//! are dead or spare. Sizes from 1 to 300 channels.
//!
//! The cases come from a ChaCha8 RNG whose seed is printed; `TESSERA_NETWORKS_SEED=<u64>`
//! replays a run. Needs iverilog (scripts/setup installs it); without it these tests fail
//! and say so.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const SPARE: u16 = 0xFFFF;

/// (lanes, channels) pairs: 1 up to 300 channels, powers of two and their neighbours.
const SIZES: &[(usize, usize)] = &[
    (1, 1),
    (1, 3),
    (2, 2),
    (2, 3),
    (3, 4),
    (4, 5),
    (5, 8),
    (7, 9),
    (8, 8),
    (12, 16),
    (16, 18),
    (17, 17),
    (30, 33),
    (64, 68),
    (100, 127),
    (129, 160),
    (250, 264),
    (300, 300),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed() -> u64 {
    let seed = match std::env::var("TESSERA_NETWORKS_SEED") {
        Ok(s) => s.trim().parse().expect("TESSERA_NETWORKS_SEED must be a u64"),
        Err(_) => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64,
    };
    eprintln!("rtl_networks seed {seed} (replay: TESSERA_NETWORKS_SEED={seed})");
    seed
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tessera-rtl-networks-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Compiles `rtl/tb/<tb>.sv` with every rtl/*.sv under Icarus with `params`, runs it on
/// `cases` (hex lines) and returns the words it wrote.
fn run_bench(dir: &Path, tb: &str, params: &[(&str, usize)], cases: &str) -> Vec<u64> {
    let found = Command::new("iverilog").arg("-V").output().is_ok();
    assert!(found, "iverilog is not installed: run scripts/setup");
    let tag: String = params.iter().map(|(k, v)| format!("{k}{v}")).collect::<Vec<_>>().join("_");
    let cases_path = dir.join(format!("{tb}_{tag}.cases.hex"));
    let out_path = dir.join(format!("{tb}_{tag}.out.hex"));
    let vvp = dir.join(format!("{tb}_{tag}.vvp"));
    std::fs::write(&cases_path, cases).unwrap();
    let mut srcs: Vec<PathBuf> = std::fs::read_dir(root().join("rtl"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sv"))
        .collect();
    srcs.sort();
    let mut cmd = Command::new("iverilog");
    cmd.arg("-g2012").arg("-o").arg(&vvp).arg("-s").arg(tb);
    for (k, v) in params {
        cmd.arg("-P").arg(format!("{tb}.{k}={v}"));
    }
    cmd.args(&srcs).arg(root().join(format!("rtl/tb/{tb}.sv")));
    let out = cmd.output().expect("iverilog runs");
    assert!(out.status.success(), "iverilog {tb} {params:?}: {}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new("vvp")
        .arg("-n")
        .arg(&vvp)
        .arg(format!("+cases={}", cases_path.display()))
        .arg(format!("+out={}", out_path.display()))
        .output()
        .expect("vvp runs");
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && log.contains("DONE"), "vvp {tb} {params:?}:\n{log}");
    std::fs::read_to_string(&out_path)
        .unwrap()
        .lines()
        .map(|l| u64::from_str_radix(l.trim(), 16).unwrap_or_else(|_| panic!("{tb} {params:?}: bad output line {l:?}")))
        .collect()
}

/// A lane map for the gather of one of five kinds: 0 identity-like permutation with
/// spares, 1 random permutation of the lanes over random channels with spares and other
/// numbers >= N, 2 the same with a few lanes missing, 3 every entry random (duplicates and
/// missing lanes), 4 a permutation with one lane on two channels (the SER_W = 66 move).
fn tx_map(rng: &mut ChaCha8Rng, n: usize, p: usize, kind: u32) -> Vec<u16> {
    let idle = |rng: &mut ChaCha8Rng| -> u16 {
        match rng.gen_range(0..3) {
            0 => SPARE,
            1 => rng.gen_range(n as u32..=0xFFFE) as u16,
            _ => (n + rng.gen_range(0..4)).min(0xFFFE) as u16,
        }
    };
    let mut map = vec![SPARE; p];
    match kind {
        0 | 1 | 2 | 4 => {
            let mut chans: Vec<usize> = (0..p).collect();
            if kind != 0 {
                chans.shuffle(rng);
            }
            for ch in chans.iter().skip(n) {
                map[*ch] = if kind == 0 { SPARE } else { idle(rng) };
            }
            for (lane, ch) in chans.iter().take(n).enumerate() {
                map[*ch] = lane as u16;
            }
            if kind == 2 {
                for _ in 0..rng.gen_range(1..=n.min(4)) {
                    let ch = chans[rng.gen_range(0..n)];
                    map[ch] = idle(rng);
                }
            }
            if kind == 4 && p > n {
                let spare = chans[rng.gen_range(n..p)];
                map[spare] = rng.gen_range(0..n) as u16;
            }
        }
        _ => {
            for m in map.iter_mut() {
                *m = if rng.gen_bool(0.7) { rng.gen_range(0..n) as u16 } else { idle(rng) };
            }
        }
    }
    map
}

fn gather_size(dir: &Path, rng: &mut ChaCha8Rng, n: usize, p: usize) {
    let ncases = if p <= 40 { 40 } else { 12 };
    let mut text = String::new();
    let mut cases = Vec::new();
    for i in 0..ncases {
        // The first case runs on the reset configuration: the identity map.
        let kind = if i == 0 { 0 } else { rng.gen_range(0..5) };
        let map = tx_map(rng, n, p, kind);
        let words: Vec<u64> = (0..n).map(|_| rng.gen()).collect();
        for m in &map {
            writeln!(text, "{m:04x}").unwrap();
        }
        for w in &words {
            writeln!(text, "{w:016x}").unwrap();
        }
        cases.push((map, words));
    }
    let got = run_bench(dir, "gather_tb", &[("LANES", n), ("CHANNELS", p), ("NCASES", ncases)], &text);
    assert_eq!(got.len(), ncases * p, "gather_tb {n}+{}: output length", p - n);
    for (i, (map, words)) in cases.iter().enumerate() {
        for (c, &lane) in map.iter().enumerate() {
            // Reference: out[c] = word[lane[c]]; channels with no lane (>= N) are free.
            if (lane as usize) < n {
                let want = words[lane as usize];
                let have = got[i * p + c];
                assert_eq!(
                    have, want,
                    "tx_lane_gather LANES={n} CHANNELS={p}, case {i}, channel {c} (lane {lane}): got {have:016x}, \
                     want {want:016x}; map {map:?}"
                );
            }
        }
    }
}

fn reorder_size(dir: &Path, rng: &mut ChaCha8Rng, n: usize, p: usize) {
    const KEY_W: usize = 17;
    let ncases = if p <= 40 { 40 } else { 12 };
    let mut text = String::new();
    let mut cases = Vec::new();
    for _ in 0..ncases {
        // Lanes 0..n on distinct random ports; the others dead or spare (keys >= n).
        let mut ports: Vec<usize> = (0..p).collect();
        ports.shuffle(rng);
        let mut keys = vec![0u32; p];
        for (lane, &port) in ports.iter().take(n).enumerate() {
            keys[port] = lane as u32;
        }
        for &port in ports.iter().skip(n) {
            keys[port] = match rng.gen_range(0..3) {
                0 => (1 << KEY_W) - 1,                     // dead
                1 => 0xFFFF,                               // spare
                _ => rng.gen_range(n as u32..(1 << KEY_W)), // anything above the lanes
            };
        }
        let words: Vec<u64> = (0..p).map(|_| rng.gen()).collect();
        for k in &keys {
            writeln!(text, "{k:05x}").unwrap();
        }
        for w in &words {
            writeln!(text, "{w:016x}").unwrap();
        }
        cases.push((keys, words, ports));
    }
    let got = run_bench(dir, "reorder_tb", &[("LANES", n), ("PORTS", p), ("KEY_W", KEY_W), ("NCASES", ncases)], &text);
    assert_eq!(got.len(), ncases * p, "reorder_tb {n}+{}: output length", p - n);
    for (i, (keys, words, ports)) in cases.iter().enumerate() {
        for (lane, &port) in ports.iter().take(n).enumerate() {
            let want = words[port];
            let have = got[i * p + lane];
            assert_eq!(
                have, want,
                "sort_net + perm_net PORTS={p} LANES={n}, case {i}, output {lane} (port {port}): got {have:016x}, \
                 want {want:016x}; keys {keys:?}"
            );
        }
    }
}

#[test]
fn tx_lane_gather_matches_the_reference_on_random_maps() {
    let mut rng = ChaCha8Rng::seed_from_u64(seed());
    let dir = scratch("gather");
    for &(n, p) in SIZES {
        gather_size(&dir, &mut rng, n, p);
    }
}

#[test]
fn sort_and_perm_nets_deliver_every_lane_in_order() {
    let mut rng = ChaCha8Rng::seed_from_u64(seed() ^ 0x5eed);
    let dir = scratch("reorder");
    for &(n, p) in SIZES {
        reorder_size(&dir, &mut rng, n, p);
    }
}
