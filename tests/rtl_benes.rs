//! The RTL Beneš network and its routing unit (`rtl/benes_net.sv`, `rtl/benes_route.sv`,
//! bench `rtl/tb/benes_tb.sv`) under Icarus against the reference `tessera_model::benes`,
//! bit for bit, on random cases at L = 1 ..= 7 (2 to 128 ports) in both modes: full random
//! permutations, partial maps (N < P ports carry distinct values, the rest empty, as with
//! dead and spare ports), maps with duplicates, the identity and all empty; some cases start
//! a routing that a second start abandons (a start while busy). For each case: the
//! configuration, the duplicate flag, the timing of docs/benes.md section 4 (busy_o, done_o,
//! cfg_o changing exactly R(L) clocks after the start), and that words pushed through
//! benes_net driven by cfg_o come out where the reference's permutation says, as the
//! reference's own network says, and (without duplicates) where the entries say directly.
//! The simulators' form of both modules runs at every L; the synthesis form (SYNTHESIS:
//! perm_sw instances, the decoded table writes) at L = 1 ..= 3 (Icarus re-sends the
//! structural network's one stage vector to every switch on each switch's write: L = 4
//! already takes ten times as long as L = 3; `rtl/run.sh equiv` proves the network's two
//! forms equal at L = 1 ..= 3).
//!
//! The cases come from a ChaCha8 RNG whose seed is printed; `TESSERA_BENES_SEED=<u64>`
//! replays a run. Needs iverilog (scripts/setup installs it); without it these tests fail
//! and say so.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tessera_model::benes::{self, Mode};

mod common;
use common::icarus;

fn seed() -> u64 {
    let seed = match std::env::var("TESSERA_BENES_SEED") {
        Ok(s) => s.trim().parse().expect("TESSERA_BENES_SEED must be a u64"),
        Err(_) => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64,
    };
    eprintln!("rtl_benes seed {seed} (replay: TESSERA_BENES_SEED={seed})");
    seed
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tessera-rtl-benes-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// One case: K (0, or the clocks from an abandoned start to the real one), the abandoned
/// entries and the real ones.
struct Case {
    kind: &'static str,
    abort: u64,
    junk: Vec<Option<u32>>,
    entries: Vec<Option<u32>>,
}

/// Entries of one kind.
fn entries(rng: &mut ChaCha8Rng, p: usize, kind: &str) -> Vec<Option<u32>> {
    match kind {
        "identity" => (0..p as u32).map(Some).collect(),
        "empty" => vec![None; p],
        "full" => {
            let mut v: Vec<u32> = (0..p as u32).collect();
            v.shuffle(rng);
            v.into_iter().map(Some).collect()
        }
        "partial" => {
            // n < P ports carry distinct values; the others are empty.
            let n = rng.gen_range(0..p);
            let mut ports: Vec<usize> = (0..p).collect();
            ports.shuffle(rng);
            let mut vals: Vec<u32> = (0..p as u32).collect();
            vals.shuffle(rng);
            let mut e = vec![None; p];
            for k in 0..n {
                e[ports[k]] = Some(vals[k]);
            }
            e
        }
        _ => {
            // Random values, some empty, and at least one value on two entries.
            let mut e: Vec<Option<u32>> =
                (0..p).map(|_| rng.gen_bool(0.8).then(|| rng.gen_range(0..p as u32))).collect();
            let i = rng.gen_range(0..p);
            let mut j = rng.gen_range(0..p - 1);
            if j >= i {
                j += 1;
            }
            let v = rng.gen_range(0..p as u32);
            e[i] = Some(v);
            e[j] = Some(v);
            e
        }
    }
}

fn cases(rng: &mut ChaCha8Rng, l: u32) -> Vec<Case> {
    let p = 1usize << l;
    let r = benes::routing_clocks(l);
    let n = match l {
        1..=4 => 30,
        5 => 20,
        6 => 14,
        _ => 10,
    };
    const KINDS: [&str; 5] = ["identity", "empty", "full", "partial", "duplicates"];
    (0..n)
        .map(|i| {
            // Each kind once, then random kinds (mostly the random ones).
            let kind = if i < KINDS.len() { KINDS[i] } else { KINDS[2 + rng.gen_range(0..3)] };
            // A third abandon a routing started 1 ..= R clocks earlier (R: a start on the
            // very edge that would have finished the first).
            let abort = if i >= 2 && rng.gen_bool(0.33) {
                if rng.gen_bool(0.2) {
                    [1, r - 1, r][rng.gen_range(0..3)]
                } else {
                    rng.gen_range(1..=r)
                }
            } else {
                0
            };
            let junk_kind = KINDS[rng.gen_range(0..KINDS.len())];
            Case { kind, abort, junk: entries(rng, p, junk_kind), entries: entries(rng, p, kind) }
        })
        .collect()
}

/// The bench's word at input i of case n.
fn word(n: usize, i: usize) -> u32 {
    0xA500_0000 | ((n as u32 & 0xFF) << 16) | i as u32
}

/// Compiles benes_tb with the RTL of rtl/tessera.f under Icarus (with `defines`), runs it
/// on `text` and returns its output lines and log.
fn run_bench(
    dir: &Path,
    l: u32,
    gather: bool,
    ncases: usize,
    defines: &[&str],
    text: &str,
) -> (Vec<String>, String) {
    let tag = format!("L{l}_g{}{}", gather as u8, defines.concat().replace('-', "_"));
    let vvp = dir.join(format!("benes_{tag}.vvp"));
    // benes_route's synthesis form is instances of the small benes_* modules, all in the list.
    let params =
        [("L", l.to_string()), ("GATHER", (gather as u8).to_string()), ("NCASES", ncases.to_string())];
    icarus::compile(&vvp, "benes_tb", defines, &params);
    let cases_path = dir.join(format!("benes_{tag}.cases.hex"));
    let out_path = dir.join(format!("benes_{tag}.out.hex"));
    icarus::run_vvp(&vvp, &cases_path, &out_path, text, &format!("benes_tb L={l} {defines:?}"))
}

/// Bit i of a hex number.
fn hex_bit(hex: &str, i: usize) -> bool {
    let digits = hex.as_bytes();
    let Some(pos) = digits.len().checked_sub(1 + i / 4) else { return false };
    let d = (digits[pos] as char).to_digit(16).unwrap_or_else(|| panic!("bad hex digit in {hex:?}"));
    d >> (i % 4) & 1 == 1
}

fn fmt_entries(e: &[Option<u32>]) -> String {
    e.iter().map(|x| x.map_or("-".to_string(), |v| v.to_string())).collect::<Vec<_>>().join(" ")
}

/// Runs one L and mode and checks every case against the reference.
fn check(dir: &Path, rng: &mut ChaCha8Rng, l: u32, mode: Mode, defines: &[&str]) {
    let p = 1usize << l;
    let gather = mode == Mode::Gather;
    let cases = cases(rng, l);
    let mut text = String::new();
    for c in &cases {
        writeln!(text, "{:x}", c.abort).unwrap();
        for e in c.junk.iter().chain(&c.entries) {
            writeln!(text, "{:x}", e.map_or(0, |v| 0x1_0000 | v)).unwrap();
        }
    }
    let (lines, log) = run_bench(dir, l, gather, cases.len(), defines, &text);
    let what = format!(
        "benes L={l} (P={p}) {mode:?}{}",
        if defines.is_empty() { String::new() } else { format!(" {defines:?}") }
    );
    assert!(
        log.contains("PASS") && !log.contains("FAIL"),
        "{what}: the bench reports a timing failure:\n{log}"
    );
    assert_eq!(lines.len(), cases.len() * (5 + p), "{what}: output length");
    let want_r = benes::routing_clocks(l);
    for (n, c) in cases.iter().enumerate() {
        let b = &lines[n * (5 + p)..(n + 1) * (5 + p)];
        let ctx = format!(
            "{what}, case {n} ({}, abandoned start {} clocks before), entries [{}]",
            c.kind,
            c.abort,
            fmt_entries(&c.entries)
        );
        let clocks = u64::from_str_radix(&b[0], 16).unwrap();
        let flags = u32::from_str_radix(&b[1], 16).unwrap();
        assert_eq!(clocks, want_r, "{ctx}: routing took {clocks} clocks, R(L) = {want_r}");
        assert_eq!(flags, 0, "{ctx}: timing flags {flags:x} (see rtl/tb/benes_tb.sv)");
        let r = benes::route(l, mode, &c.entries).expect("the reference routes");
        let dup = &b[2] == "1";
        assert_eq!(dup, r.duplicates > 0, "{ctx}: dup_o {dup}, reference {} duplicates", r.duplicates);
        for (i, &k) in r.kept.iter().enumerate() {
            assert_eq!(
                hex_bit(&b[3], i),
                k,
                "{ctx}: kept_o bit {i}: RTL kept_o {}, reference {:?}",
                b[3],
                r.kept
            );
        }
        let cfg = r.config;
        let nbits = cfg.stages() * p / 2;
        for i in 0..nbits {
            let (t, w) = (i / (p / 2), i % (p / 2));
            assert_eq!(
                hex_bit(&b[4], i),
                cfg.bit(i),
                "{ctx}: configuration bit {i} (stage {t} switch {w}): RTL {} reference {}; RTL cfg_o {}",
                hex_bit(&b[4], i),
                cfg.bit(i),
                b[4]
            );
        }
        let words_in: Vec<u32> = (0..p).map(|i| word(n, i)).collect();
        let got: Vec<u32> = b[5..].iter().map(|s| u32::from_str_radix(s, 16).unwrap()).collect();
        for (i, &o) in r.permutation.iter().enumerate() {
            assert_eq!(
                got[o as usize], words_in[i],
                "{ctx}: output {o} carries {:08x}, the reference's permutation sends input {i} ({:08x}) there",
                got[o as usize], words_in[i]
            );
        }
        assert_eq!(got, cfg.apply(&words_in), "{ctx}: benes_net and Config::apply differ");
        if r.duplicates == 0 {
            // The simple reference: straight from the entries.
            for (k, e) in c.entries.iter().enumerate() {
                let Some(v) = *e else { continue };
                let (i, o) = if gather { (v as usize, k) } else { (k, v as usize) };
                assert_eq!(
                    got[o], words_in[i],
                    "{ctx}: entry {k} = {v}: output {o} must carry input {i}'s word"
                );
            }
        }
    }
}

#[test]
fn benes_scatter_matches_the_reference() {
    let mut rng = ChaCha8Rng::seed_from_u64(seed());
    let dir = scratch("scatter");
    for l in 1..=7 {
        check(&dir, &mut rng, l, Mode::Scatter, &[]);
    }
}

#[test]
fn benes_gather_matches_the_reference() {
    let mut rng = ChaCha8Rng::seed_from_u64(seed() ^ 0x6a7e);
    let dir = scratch("gather");
    for l in 1..=7 {
        check(&dir, &mut rng, l, Mode::Gather, &[]);
    }
}

/// The form synthesis reads: benes_net of perm_sw instances, benes_route's decoded writes.
#[test]
fn benes_synthesis_form_matches_the_reference() {
    let mut rng = ChaCha8Rng::seed_from_u64(seed() ^ 0x5157);
    let dir = scratch("synthesis");
    for l in 1..=3 {
        for mode in [Mode::Scatter, Mode::Gather] {
            check(&dir, &mut rng, l, mode, &["-DSYNTHESIS"]);
        }
    }
}
