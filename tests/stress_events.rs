//! Stress events through `tessera gen` as a user writes them (docs/vectors.md, "Stress
//! events"): they land on the bits the spec names, the manifest records them as plain
//! events, the model reaches the cover point each aims at, and a bad one is one clear error.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tessera(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tessera")).args(args).output().expect("run tessera");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Generates a 2 + 0 lane set at a marker period of 16 with `events`, and returns its
/// manifest.
fn gen(name: &str, events: &[&str]) -> String {
    let dir = tmp(name);
    let mut args = vec![
        "gen", "--out", dir.to_str().unwrap(), "--lanes", "2", "--spares", "0", "--am-period", "16",
        "--max-skew-bits", "200", "--ser-w", "66", "--stripes", "400", "--seed", "5",
    ];
    for e in events {
        args.extend(["--event", e]);
    }
    let (code, out, err) = tessera(&args);
    assert_eq!(code, 0, "{out}\n{err}");
    std::fs::read_to_string(dir.join("manifest.txt")).unwrap()
}

fn key<'a>(manifest: &'a str, k: &str) -> Option<&'a str> {
    manifest.lines().find_map(|l| l.strip_prefix(&format!("// {k}: ")))
}

fn hits(manifest: &str, point: &str) -> u64 {
    key(manifest, &format!("cover.{point}")).map_or(0, |v| v.trim().parse().unwrap())
}

#[test]
fn marker_events_land_on_the_marker_bytes_and_reach_their_points() {
    // Marker slot n is block 16 n; marker byte k starts at payload bit 8 k, block bit
    // 2 + 8 k (docs/spec.md 1 and 5). Markers 20..22 of channel 1 get a bad M0.
    let m = gen("stress-am", &["1:am20:am-byte=0*3"]);
    let want: Vec<String> = (20..23).map(|n| format!("1:{}:flip", n * 16 * 66 + 2)).collect();
    assert_eq!(key(&m, "events"), Some(want.join(" ").as_str()), "{m}");
    assert!(hits(&m, "marker_lock.recovered_after_3") >= 1, "{m}");
    assert!(hits(&m, "marker.reject.signature") >= 3, "{m}");
    assert_eq!(hits(&m, "marker_lock.lost_4th_bad"), 0, "{m}");
    // One more bad slot and marker lock is lost.
    let m = gen("stress-am4", &["1:am20:am-byte=0*4"]);
    assert!(hits(&m, "marker_lock.lost_4th_bad") >= 1, "{m}");
}

#[test]
fn window_events_lose_block_lock_at_the_sixteenth_header() {
    let m = gen("stress-w16", &["0:w6.48:header*16"]);
    assert!(hits(&m, "block_lock.lost.window_end") >= 1, "{m}");
    let m = gen("stress-w15", &["0:w6.48:header*15"]);
    assert_eq!(hits(&m, "block_lock.lost.window_end"), 0, "{m}");
    assert!(hits(&m, "block_lock.window_15_invalid") >= 1, "{m}");
    // The manifest holds plain flips of block bit 0, one block apart.
    let bits: Vec<u64> = key(&m, "events")
        .unwrap()
        .split(' ')
        .map(|e| e.split(':').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(bits.len(), 15);
    assert!(bits.windows(2).all(|w| w[1] - w[0] == 66), "{bits:?}");
}

#[test]
fn a_bad_stress_event_is_one_clear_error() {
    let dir = tmp("stress-bad");
    let (code, _, err) = tessera(&["gen", "--out", dir.to_str().unwrap(), "--event", "3:w1.0:headr"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown kind `headr`"), "{err}");
    assert_eq!(err.matches("unknown kind").count(), 1, "printed once: {err}");
    let (code, _, err) = tessera(&["gen", "--out", dir.to_str().unwrap(), "--event", "9:am3:header"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("channel 9 is not one of the 5 channels"), "{err}");
}
