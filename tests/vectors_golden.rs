//! The golden vector sets in `vectors/golden/` are what the model gives today, byte for
//! byte: a change to the model that alters a single bit of any stream fails here, naming
//! the file, the line and the column.
//!
//! When a change is intended, re-bless them and commit the new files with the change:
//!
//! ```sh
//! TESSERA_BLESS=1 cargo test --test vectors_golden
//! # or: cargo run --release -- gen --golden vectors/golden
//! ```

use std::path::{Path, PathBuf};

use tessera_vectors::golden::{golden_set, GOLDEN};
use tessera_vectors::set;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors").join("golden")
}

/// Where two byte strings first differ, as line and column.
fn first_difference(a: &[u8], b: &[u8]) -> (usize, usize) {
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let line = a[..at].iter().filter(|&&c| c == b'\n').count() + 1;
    let col = at - a[..at].iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

#[test]
fn golden_sets_are_what_the_model_gives() {
    let bless = std::env::var_os("TESSERA_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut total = 0usize;
    for g in GOLDEN {
        let set = golden_set(g.name).unwrap();
        let (files, _) = set::set_files(&set).unwrap();
        let dir = golden_dir().join(g.name);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
        }
        let mut names: Vec<String> = Vec::new();
        for (name, bytes) in files {
            total += bytes.len();
            let path = dir.join(&name);
            names.push(name.clone());
            if bless {
                std::fs::write(&path, &bytes).unwrap();
                continue;
            }
            match std::fs::read(&path) {
                Err(e) => failures.push(format!("{}: {e}", path.display())),
                Ok(old) if old != bytes => {
                    let (line, col) = first_difference(&old, &bytes);
                    let show = |b: &[u8]| {
                        String::from_utf8_lossy(b.split(|&c| c == b'\n').nth(line - 1).unwrap_or(b""))
                            .into_owned()
                    };
                    failures.push(format!(
                        "{}:{line}:{col}: the model now gives a different file\n  committed  {}\n  model now  {}",
                        path.display(),
                        show(&old),
                        show(&bytes)
                    ));
                }
                Ok(_) => {}
            }
        }
        // No stale file in the folder.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if !names.contains(&n) {
                    failures.push(format!("{}: not a file of the set", e.path().display()));
                }
            }
        }
    }
    assert!(total < 1 << 20, "golden sets take {total} bytes; keep them under 1 MiB");
    assert!(
        failures.is_empty(),
        "{} golden file(s) differ from the model:\n{}\n\nIf the change is intended, re-bless with\n  TESSERA_BLESS=1 cargo test --test vectors_golden\nand commit vectors/golden/.",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn committed_golden_sets_check_clean() {
    for g in GOLDEN {
        let dir = golden_dir().join(g.name);
        let r = set::check_set(&dir, &mut |_| {}).unwrap_or_else(|e| panic!("{}: {e}", g.name));
        assert!(r.outcome.status.aligned, "{}: the link is up at the end", g.name);
    }
}

#[test]
fn golden_sets_cover_what_issue_4_asks() {
    let one = golden_set("one-lane").unwrap();
    assert_eq!((one.params.lanes, one.params.spares), (1, 0));
    let sp = golden_set("spares-permuted").unwrap();
    assert!(sp.params.spares > 0 && !sp.failed.is_empty() && !sp.faults.source_of_port.is_empty());
    assert!(sp.faults.source_of_port.iter().enumerate().any(|(p, &c)| p as u32 != c));
    let sk = golden_set("skew-near-max").unwrap();
    let max = *sk.faults.skew_bits.iter().max().unwrap();
    assert!(max * 100 >= sk.params.max_skew_bits * 95 && max <= sk.params.max_skew_bits);
    let be = golden_set("bit-errors").unwrap();
    assert!(be.faults.ber > 0.0 && !be.faults.events.is_empty());
    let (_, outcome) = set::set_files(&be).unwrap();
    assert!(outcome.status.ports.iter().map(|p| p.bip_errors).sum::<u64>() > 0);
    assert!(outcome.status.counters.stripes_lost > 0);
}
