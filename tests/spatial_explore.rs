//! `tessera explore` end to end: its link-up fraction against the binomial answer, its
//! bit-level sample agreeing with the fast decision, and bad input named.

use std::process::{Command, Output};

fn tessera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera")).args(args).output().expect("run tessera")
}

/// P(X <= k) for X ~ Binomial(n, p).
fn binomial_cdf(n: u64, p: f64, k: u64) -> f64 {
    let mut term = (1.0 - p).powi(n as i32); // P(X = 0)
    let mut sum = term;
    for i in 1..=k {
        term *= (n - i + 1) as f64 / i as f64 * p / (1.0 - p);
        sum += term;
    }
    sum
}

#[test]
fn link_up_fraction_is_the_binomial_tail_of_emitter_failures() {
    let csv =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("explore-{}.csv", std::process::id()));
    let seeds = 20_000u64;
    let out = tessera(&[
        "explore",
        "--lanes",
        "100",
        "--sweep",
        "spares=0:3:1",
        "--seeds",
        &seeds.to_string(),
        "--seed",
        "11",
        "--emitter-fail-rate",
        "0.005",
        "--pixel-fail-rate",
        "0",
        "--power-sigma-db",
        "0",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("seed 11"), "the seed is printed");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("column {name}"));
    let mut rows = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let spares: u64 = f[col("spares")].parse().unwrap();
        let up: f64 = f[col("up_fraction")].parse().unwrap();
        // Only dead emitters can stop this link: up iff at most S of the N + S fail.
        let expect = binomial_cdf(100 + spares, 0.005, spares);
        let sd = (expect * (1.0 - expect) / seeds as f64).sqrt();
        assert!((up - expect).abs() < 4.5 * sd + 1e-9, "spares {spares}: up {up} vs binomial {expect}");
        let max_used: u64 = f[col("spares_used_max")].parse().unwrap();
        assert!(max_used <= spares);
        assert_eq!(f[col("down_skew")], "0");
        let goodput: f64 = f[col("goodput_gbps")].parse().unwrap();
        let full = 100.0 * 2.0 * 64.0 / 66.0 * (1.0 - 1.0 / 16384.0);
        assert!((goodput - full * up).abs() < 1e-6 * full);
        rows += 1;
    }
    assert_eq!(rows, 4);
}

#[test]
fn bit_level_sample_agrees_with_the_fast_decision() {
    let out = tessera(&[
        "explore",
        "--lanes",
        "24",
        "--spares",
        "2",
        "--seeds",
        "30",
        "--seed",
        "4",
        "--emitter-fail-rate",
        "0.04",
        "--datapath",
        "10",
        "--datapath-stripes",
        "50",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("agree 10/10"), "{stdout}");
}

#[test]
fn bad_input_is_named() {
    let cases: &[(&[&str], &str)] = &[
        (&["--emitter-fail-rate", "-0.1"], "emitter_fail_rate = -0.1: must be a probability between 0 and 1"),
        (&["--sweep", "lanes=100,40000"], "lanes=40000"),
        (&["--sweep", "lanes=100,40000"], "cores = 30000: fewer cores than the 40016 channels"),
        (&["--sweep", "bogus=1"], "unknown parameter \"bogus\""),
        (&["--cols", "10", "--rows", "10"], "rows = 10: a 10 x 10 grid has 100 emitter sites and pixels"),
        (&["--sweep", "spares=1.5"], "not a whole number"),
        (&["--sweep", "crosstalk=0,0.5", "--sweep", "crosstalk=1"], "swept twice"),
        (&["--pitch-um", "-3"], "pitch_um = -3: must be a positive number"),
    ];
    for (args, expect) in cases {
        let mut all = vec!["explore", "--seeds", "10"];
        all.extend_from_slice(args);
        let out = tessera(&all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: expected {expect:?} in {err}");
    }
}
