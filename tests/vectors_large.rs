//! Large sets stream: generating and checking a set takes memory for a line per stream,
//! not for the set. The default test writes a ~30 MB set and requires the process's peak
//! memory to stay below the set's size; the ignored one does 100 MB and prints the
//! figures (`cargo test --release --test vectors_large -- --ignored --nocapture`).

use std::path::Path;
use std::time::Instant;

use tessera_model::LinkParams;
use tessera_vectors::gen::{self, GenSpec};
use tessera_vectors::set;

/// Peak resident memory of this process in bytes (Linux), if known.
fn peak_rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = s
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir).unwrap().flatten().map(|e| e.metadata().unwrap().len()).sum()
}

/// Generates and checks a set of about `stripes` x 6.3 kB on 64 lanes + 4 spares.
fn generate_and_check(name: &str, stripes: u64) -> (u64, f64, f64, Option<u64>) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let seed = 11;
    let mut rng = gen::choice_rng(seed);
    let spec = GenSpec {
        params: LinkParams { lanes: 64, spares: 4, am_period: 64, max_skew_bits: 1056, ser_w: 22, seed },
        channel_of: None,
        failed: vec![],
        faults: tessera_model::channel::ChannelFaults {
            skew_bits: tessera_model::channel::ChannelFaults::random_skew(68, 500, &mut rng),
            ber: 1e-7,
            ..Default::default()
        },
        valid_percent: 100,
        stripes,
        lead_slots: None,
        stress: Vec::new(),
        channel_delay_slots: 0,
    };
    let s = gen::plan(&spec).unwrap();
    let t = Instant::now();
    let out = set::write_set(&dir, &s, &mut |_| {}).unwrap();
    let gen_s = t.elapsed().as_secs_f64();
    assert_eq!(out.stripes_out + out.status.counters.stripes_lost, stripes);
    let bytes = dir_bytes(&dir);
    let t = Instant::now();
    set::check_set(&dir, &mut |_| {}).unwrap();
    let check_s = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    (bytes, gen_s, check_s, peak_rss())
}

#[test]
fn a_30_mb_set_streams_in_less_memory_than_its_size() {
    let (bytes, _, _, peak) = generate_and_check("large_30mb", 5000);
    assert!(bytes > 30_000_000, "{bytes}");
    if let Some(peak) = peak {
        assert!(
            peak < bytes,
            "peak memory {peak} bytes for a set of {bytes} bytes: the set is held, not streamed"
        );
    }
}

#[test]
#[ignore = "writes 100 MB; run with --ignored --nocapture for the figures"]
fn a_100_mb_set_generates_and_checks_with_flat_memory() {
    let (bytes, gen_s, check_s, peak) = generate_and_check("large_100mb", 16_000);
    println!(
        "set {:.1} MB: generated in {gen_s:.2} s ({:.0} MB/s), checked in {check_s:.2} s ({:.0} MB/s), peak RSS {}",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / gen_s,
        bytes as f64 / 1e6 / check_s,
        peak.map_or("unknown".into(), |p| format!("{:.1} MB", p as f64 / 1e6))
    );
    assert!(bytes > 100_000_000);
    if let Some(peak) = peak {
        assert!(peak < 64 << 20, "peak memory {peak} bytes");
    }
}
