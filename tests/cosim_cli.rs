//! `tessera cosim` as a user runs it (needs the `cosim` feature, and Verilator to build the
//! DUTs at run time): a regression slice with a summary table, its coverage and JUnit XML, shards that partition the
//! regression, a replay with the fault flags of `tessera gen`, and clear errors.
#![cfg(feature = "cosim")]

use std::process::Command;

fn tessera(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tessera")).args(args).output().expect("run tessera");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_regression_prints_its_table_and_writes_junit() {
    let dir = std::env::temp_dir().join(format!("tessera-cosim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junit = dir.join("r.xml");
    let (code, out, err) =
        tessera(&["cosim", "--config", "small", "--seeds", "2", "--junit", junit.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    for mode in ["tx", "rx", "e2e"] {
        let line = out.lines().find(|l| l.starts_with("small") && l.split_whitespace().nth(1) == Some(mode));
        let cols: Vec<&str> =
            line.unwrap_or_else(|| panic!("no {mode} row in\n{out}")).split_whitespace().collect();
        assert_eq!((cols[2], cols[4], cols[5]), ("2", "0", "0"), "runs, mismatches, errors: {out}");
        assert!(cols[3].parse::<u64>().unwrap() > 100, "clocks: {out}");
    }
    assert!(out.trim_end().ends_with("PASS"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("classname=\"tessera.cosim.small\"").count(), 6, "one test case per run: {xml}");
    assert!(xml.contains("e2e seed 2"), "{xml}");
    // The coverage suite: a test case per cover point, after the table on stdout.
    let points = tessera_model::coverage::POINTS;
    assert_eq!(xml.matches("classname=\"tessera.coverage.").count(), points, "{xml}");
    assert!(
        xml.contains("<testcase name=\"block_lock.gained\" classname=\"tessera.coverage.block_lock\">"),
        "{xml}"
    );
    assert!(
        out.contains(&format!(" of {points} cover points hit")) && out.contains("  block_lock.gained "),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn shards_split_the_regression_exactly() {
    let mut total = 0;
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let (code, out, err) = tessera(&["cosim", "--config", "one", "--seeds", "2", "--shard", &shard]);
        assert_eq!(code, 0, "{out}\n{err}");
        let n: usize = out
            .lines()
            .find_map(|l| l.strip_prefix(&format!("shard {shard}: ")))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{out}"));
        total += n;
    }
    assert_eq!(total, 6, "one DUT x 3 modes x 2 seeds");
}

#[test]
fn a_replay_takes_gen_flags_and_errors_are_clear() {
    let (code, out, err) = tessera(&[
        "cosim",
        "--config",
        "mid",
        "--mode",
        "rx",
        "--seed",
        "7",
        "--stripes",
        "50",
        "--random-skew",
        "900",
        "--permute",
        "--ber",
        "1e-5",
        "--failed",
        "3",
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("mid      rx        1"), "{out}");

    let (code, _, err) = tessera(&["cosim", "--config", "nonesuch"]);
    assert_ne!(code, 0);
    assert!(err.contains("no built-in DUT named 'nonesuch'"), "{err}");
    let (code, _, err) = tessera(&["cosim", "--config", "small", "--mode", "sideways"]);
    assert_ne!(code, 0);
    assert!(err.contains("expected tx, rx or e2e"), "{err}");
    let (code, _, err) =
        tessera(&["cosim", "--config", "small", "--lanes", "9", "--seed", "1", "--mode", "tx"]);
    assert_ne!(code, 0);
    assert!(err.contains("lanes = 9 does not match DUT small (lanes = 4)"), "{err}");
    // `one` with its TX top only.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("cosim/duts/one.toml")).unwrap();
    let text = text[..text.find("[rx]").unwrap()]
        .replace("name = \"one\"", "name = \"one-tx\"")
        .replace("side = \"e2e\"", "side = \"tx\"")
        .replace("\"../../rtl/tessera.f\"", &format!("{:?}", root.join("rtl/tessera.f").to_string_lossy()));
    let file = std::env::temp_dir().join(format!("tessera-cli-one-tx-{}.toml", std::process::id()));
    // A TX alone does not name the skew capacity the regression's random skew needs.
    std::fs::write(&file, format!("{text}\n[link]\nmax_skew_bits = 100\n")).unwrap();
    let (code, _, err) = tessera(&["cosim", "--dut", &file.to_string_lossy(), "--mode", "rx"]);
    assert_ne!(code, 0);
    assert!(err.contains("--mode rx: DUT one-tx supports tx"), "{err}");
}

/// The default regression of the three small built-in DUTs (every mode, seeds 1 to 4)
/// reaches every cover point of docs/coverage.md; `--require-coverage` fails the run
/// otherwise, and so this test.
#[test]
fn the_default_regression_hits_every_cover_point() {
    let dir = std::env::temp_dir().join(format!("tessera-cosim-cov-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cov = dir.join("regression.cov");
    let (code, out, err) = tessera(&[
        "cosim",
        "--config",
        "one",
        "--config",
        "small",
        "--config",
        "mid",
        "--require-coverage",
        "--coverage",
        cov.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("every cover point hit"), "{out}");
    let text = std::fs::read_to_string(&cov).unwrap();
    let c = tessera_model::coverage::Coverage::parse(&text).unwrap();
    assert!(c.missed().is_empty(), "{:?}", c.missed());
    // One seed alone does not reach them all: the check can fail.
    let (code, out, _) = tessera(&["cosim", "--config", "one", "--seeds", "1", "--require-coverage"]);
    assert_ne!(code, 0, "{out}");
    std::fs::remove_dir_all(&dir).ok();
}
