//! The RTL bench sets in `rtl/tb/vectors/` are what their recipes (`rtl/tb/vectors/sets.txt`)
//! give, byte for byte: `tessera gen --rtl-sets` regenerates every set into a temporary
//! folder and each file is compared with the committed one; a file or a set folder that no
//! recipe makes fails too. The sets without a run-time repair are plain `tessera gen` sets:
//! `tessera gen --out DIR <flags>` writes the same manifest and streams, and they check clean.
//!
//! When a change is intended (the model, the recipes, the format), re-bless and commit the
//! sets with it:
//!
//! ```sh
//! cargo run --release -- gen --rtl-sets rtl/tb/vectors
//! # or: TESSERA_BLESS=1 cargo test --test rtl_vectors
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use tessera_vectors::bench::{recipes, RECIPES};
use tessera_vectors::set;
use tessera_vectors::{StreamKind, DATA_STREAMS};

fn sets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rtl").join("tb").join("vectors")
}

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn tessera(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tessera")).args(args).output().expect("tessera runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "tessera {}: {text}", args.join(" "));
    text
}

/// Where two byte strings first differ, as line and column, and the two lines.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let line = a[..at].iter().filter(|&&c| c == b'\n').count() + 1;
    let col = at - a[..at].iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1) + 1;
    let show = |b: &[u8]| {
        String::from_utf8_lossy(b.split(|&c| c == b'\n').nth(line - 1).unwrap_or(b"")).into_owned()
    };
    format!("{line}:{col}\n  committed  {}\n  now        {}", show(a), show(b))
}

/// Every file of `made/<set>` is the committed `rtl/tb/vectors/<set>/` file; `files` names
/// the files compared (all of the set folder when `None`). Differences go to `failures`.
fn compare(made: &Path, name: &str, files: Option<&[String]>, failures: &mut Vec<String>) {
    let committed = sets_dir().join(name);
    let list = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .map(|r| r.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        v.sort();
        v
    };
    let names = files.map_or_else(|| list(&made.join(name)), <[String]>::to_vec);
    for f in &names {
        let (path, now) = (committed.join(f), std::fs::read(made.join(name).join(f)).unwrap());
        match std::fs::read(&path) {
            Err(e) => failures.push(format!("{}: {e}", path.display())),
            Ok(old) if old != now => {
                failures.push(format!("{}:{}", path.display(), first_difference(&old, &now)))
            }
            Ok(_) => {}
        }
    }
    if files.is_none() {
        for f in list(&committed).into_iter().filter(|f| !names.contains(f)) {
            failures.push(format!("{}: not a file of the set", committed.join(f).display()));
        }
    }
}

#[test]
fn bench_sets_are_what_their_recipes_give() {
    let list = sets_dir().join(RECIPES);
    let bless = std::env::var_os("TESSERA_BLESS").is_some_and(|v| v == "1");
    let out = if bless { sets_dir() } else { tmp("rtl_vectors") };
    let log = tessera(&["gen", "--rtl-sets", &out.to_string_lossy(), "--recipes", &list.to_string_lossy()]);
    if bless {
        println!("{log}");
        return;
    }
    let text = std::fs::read_to_string(&list).unwrap();
    let names: Vec<String> = recipes(&text).into_iter().map(|(_, n, _)| n).collect();
    assert!(names.len() >= 10, "{names:?}");
    let mut failures = Vec::new();
    for n in &names {
        compare(&out, n, None, &mut failures);
    }
    for e in std::fs::read_dir(sets_dir()).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() && !names.contains(&n) {
            failures.push(format!("{}: a set folder no recipe of {RECIPES} makes", e.path().display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} difference(s) between rtl/tb/vectors/ and its recipes:\n{}\n\nIf the change is intended, re-bless with\n  cargo run --release -- gen --rtl-sets rtl/tb/vectors\n(or TESSERA_BLESS=1 cargo test --test rtl_vectors) and commit rtl/tb/vectors/.",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn sets_without_a_repair_are_plain_tessera_gen_sets() {
    let text = std::fs::read_to_string(sets_dir().join(RECIPES)).unwrap();
    let out = tmp("rtl_vectors_plain");
    let files: Vec<String> = std::iter::once(StreamKind::Manifest)
        .chain(DATA_STREAMS)
        .map(|s| s.file_name().to_string())
        .collect();
    let mut failures = Vec::new();
    let mut plain = 0;
    for (_, name, args) in recipes(&text) {
        if args.iter().any(|a| a == "--repair") {
            assert!(
                !sets_dir().join(&name).join("manifest.txt").exists(),
                "{name}: a repaired set has no manifest"
            );
            continue;
        }
        let dir = out.join(&name);
        let mut a = vec!["gen".to_string(), "--out".into(), dir.to_string_lossy().into_owned()];
        a.extend(args);
        tessera(&a.iter().map(String::as_str).collect::<Vec<_>>());
        compare(&out, &name, Some(&files), &mut failures);
        if let Err(e) = set::check_set(&sets_dir().join(&name), &mut |_| {}) {
            failures.push(format!("{name}: tessera check: {e}"));
        }
        plain += 1;
    }
    assert!(plain >= 7, "{plain} plain sets");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
