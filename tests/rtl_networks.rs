//! The RX's shared networks under Icarus against a plain Rust reference, on random cases:
//! `sort_net` + `perm_net` (REVERSE = 0, as the RX reorder uses them, `rtl/tb/reorder_tb.sv`)
//! must deliver every lane's word to output position lane when the ports carry distinct
//! lanes and the others are dead or spare. Sizes from 1 to 300 channels. (The TX's lane
//! select, a Beneš network, is tested by `tests/rtl_benes.rs` and `rtl/tb/tx_diff_tb.sv`.)
//!
//! The cases come from a ChaCha8 RNG whose seed is printed; `TESSERA_NETWORKS_SEED=<u64>`
//! replays a run. Needs iverilog (scripts/setup installs it); without it these tests fail
//! and say so.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod common;
use common::icarus;

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

/// Compiles `rtl/tb/<tb>.sv` with the RTL of rtl/tessera.f under Icarus with `params`,
/// runs it on `cases` (hex lines) and returns the words it wrote.
fn run_bench(dir: &Path, tb: &str, params: &[(&str, usize)], cases: &str) -> Vec<u64> {
    let tag: String = params.iter().map(|(k, v)| format!("{k}{v}")).collect::<Vec<_>>().join("_");
    let vvp = dir.join(format!("{tb}_{tag}.vvp"));
    let p: Vec<(&str, String)> = params.iter().map(|(k, v)| (*k, v.to_string())).collect();
    icarus::compile(&vvp, tb, &[], &p);
    let cases_path = dir.join(format!("{tb}_{tag}.cases.hex"));
    let out_path = dir.join(format!("{tb}_{tag}.out.hex"));
    let (lines, _) = icarus::run_vvp(&vvp, &cases_path, &out_path, cases, &format!("{tb} {params:?}"));
    lines
        .iter()
        .map(|l| {
            u64::from_str_radix(l, 16).unwrap_or_else(|_| panic!("{tb} {params:?}: bad output line {l:?}"))
        })
        .collect()
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
                0 => (1 << KEY_W) - 1,                      // dead
                1 => 0xFFFF,                                // spare
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
    let got = run_bench(
        dir,
        "reorder_tb",
        &[("LANES", n), ("PORTS", p), ("KEY_W", KEY_W), ("NCASES", ncases)],
        &text,
    );
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
fn sort_and_perm_nets_deliver_every_lane_in_order() {
    let mut rng = ChaCha8Rng::seed_from_u64(seed() ^ 0x5eed);
    let dir = scratch("reorder");
    for &(n, p) in SIZES {
        reorder_size(&dir, &mut rng, n, p);
    }
}
