//! Property tests of the Beneš routing (`docs/benes.md`, `tessera_model::benes`).
//!
//! Random entries at L = 1 to 11 (2 to 2 048 ports), in both modes: full permutations,
//! partial maps (as with dead and spare ports: some ports carry distinct lanes, the rest
//! are empty) and maps with duplicated ports. For each, the configured network must deliver
//! every word where the routing's permutation says, and where the entries say directly
//! (the simple reference: `out[e[i]] = in[i]` in scatter mode, `out[o] = in[e[o]]` in
//! gather mode) for every entry the load kept; the load and fill rules are checked on
//! their own, and the configuration must equal the one a textbook recursive looping
//! algorithm, written here independently, gives.
//!
//! Failing cases are shrunk and their seeds saved in `proptest-regressions/benes.txt`
//! (relative to the package root), so a failure replays first on the next run.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tessera_model::benes::{route, Mode};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/benes.txt"))),
        ..ProptestConfig::default()
    }
}

/// Entries of one case: kind 0 a full permutation, 1 a partial one (a random number of
/// ports empty), 2 random ports with repeats, 3 a partial one with a few repeats.
fn entries(log2: u32, kind: u8, seed: u64) -> Vec<Option<u32>> {
    let p = 1usize << log2;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut perm: Vec<u32> = (0..p as u32).collect();
    perm.shuffle(&mut rng);
    let mut e: Vec<Option<u32>> = perm.into_iter().map(Some).collect();
    match kind {
        0 => {}
        1 => {
            let empty = rng.gen_range(0..=p);
            for i in rand::seq::index::sample(&mut rng, p, empty) {
                e[i] = None;
            }
        }
        2 => e.iter_mut().for_each(|x| *x = Some(rng.gen_range(0..p as u32))),
        _ => {
            for x in e.iter_mut() {
                match rng.gen_range(0..4) {
                    0 => *x = None,
                    1 => *x = Some(rng.gen_range(0..p as u32)),
                    _ => {}
                }
            }
        }
    }
    e
}

/// The textbook looping algorithm on local port numbers, recursively: for sub-network
/// `perm` (input -> output, `0..n`), the settings of its input and output column, then its
/// two halves. Writes into `cfg[stage][switch]` with the global stage and switch numbers.
fn textbook(perm: &[usize], stage: usize, last: usize, first_switch: usize, cfg: &mut [Vec<bool>]) {
    let n = perm.len();
    if n == 2 {
        cfg[stage][first_switch] = perm[0] == 1;
        return;
    }
    let mut inv = vec![0; n];
    for (i, &o) in perm.iter().enumerate() {
        inv[o] = i;
    }
    let mut in_set: Vec<Option<bool>> = vec![None; n / 2];
    let mut out_set: Vec<Option<bool>> = vec![None; n / 2];
    // An input going up means: from its switch's upper output to the upper half.
    while let Some(start) = in_set.iter().position(Option::is_none) {
        let mut up = 2 * start; // this input's word takes the upper half
        loop {
            in_set[up / 2] = Some(up % 2 == 1);
            let o = perm[up];
            out_set[o / 2] = Some(o % 2 == 1);
            let down = inv[o ^ 1]; // must come through the lower half
            if in_set[down / 2].is_some() {
                break;
            }
            up = down ^ 1;
        }
    }
    let mut upper = vec![0; n / 2];
    let mut lower = vec![0; n / 2];
    for s in 0..n / 2 {
        let crossed = in_set[s].unwrap();
        let (u, d) = if crossed { (2 * s + 1, 2 * s) } else { (2 * s, 2 * s + 1) };
        upper[s] = perm[u] / 2;
        lower[s] = perm[d] / 2;
        cfg[stage][first_switch + s] = crossed;
        cfg[last][first_switch + s] = out_set[s].unwrap();
    }
    textbook(&upper, stage + 1, last - 1, first_switch, cfg);
    textbook(&lower, stage + 1, last - 1, first_switch + n / 4, cfg);
}

fn check(log2: u32, mode: Mode, e: &[Option<u32>]) -> Result<(), TestCaseError> {
    let p = 1usize << log2;
    let r = route(log2, mode, e).map_err(|err| TestCaseError::fail(err.to_string()))?;
    let pi: Vec<usize> = r.permutation.iter().map(|&o| o as usize).collect();
    // π is a permutation.
    let mut seen = vec![false; p];
    for &o in &pi {
        prop_assert!(o < p && !seen[o], "π is not a permutation: {:?}", pi);
        seen[o] = true;
    }
    // Load: the entries kept are those whose port was not taken by an earlier entry.
    let (mut taken, mut dups, mut kept) = (vec![false; p], 0, Vec::new());
    for (k, x) in e.iter().enumerate() {
        if let Some(v) = *x {
            let port = v as usize;
            if taken[port] {
                dups += 1;
            } else {
                taken[port] = true;
                kept.push(match mode {
                    Mode::Scatter => (k, port),
                    Mode::Gather => (port, k),
                });
            }
        }
    }
    prop_assert_eq!(r.duplicates, dups);
    let kept_index: Vec<bool> = (0..p)
        .map(|k| kept.iter().any(|&(i, o)| if mode == Mode::Scatter { i == k } else { o == k }))
        .collect();
    prop_assert_eq!(&r.kept, &kept_index);
    for &(i, o) in &kept {
        prop_assert_eq!(pi[i], o, "input {} should go to output {}", i, o);
    }
    // Fill: the other inputs, ascending, on the other outputs, ascending.
    let has_out: Vec<bool> = (0..p).map(|i| kept.iter().any(|&(a, _)| a == i)).collect();
    let has_in: Vec<bool> = (0..p).map(|o| kept.iter().any(|&(_, b)| b == o)).collect();
    let free_in: Vec<usize> = (0..p).filter(|&i| !has_out[i]).collect();
    let free_out: Vec<usize> = (0..p).filter(|&o| !has_in[o]).collect();
    for (&i, &o) in free_in.iter().zip(&free_out) {
        prop_assert_eq!(pi[i], o, "fill: free input {} should take free output {}", i, o);
    }
    // The network delivers: word i at output π(i), and the entries directly.
    let words: Vec<u32> = (0..p as u32).map(|i| i.wrapping_mul(0x9E37_79B9) ^ 0x5A5A).collect();
    let out = r.config.apply(&words);
    for i in 0..p {
        prop_assert_eq!(out[pi[i]], words[i], "input {}'s word not at output {}", i, pi[i]);
    }
    if dups == 0 {
        for (k, x) in e.iter().enumerate() {
            if let Some(v) = *x {
                let v = v as usize;
                match mode {
                    Mode::Scatter => prop_assert_eq!(out[v], words[k]),
                    Mode::Gather => prop_assert_eq!(out[k], words[v]),
                }
            }
        }
    }
    // The same configuration as the textbook recursion.
    let stages = 2 * log2 as usize - 1;
    let mut cfg = vec![vec![false; p / 2]; stages];
    textbook(&pi, 0, stages - 1, 0, &mut cfg);
    for (t, row) in cfg.iter().enumerate() {
        for (w, &c) in row.iter().enumerate() {
            prop_assert_eq!(r.config.crossed(t, w), c, "stage {} switch {}", t, w);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn the_routed_network_delivers_every_word(
        log2 in 1u32..=11,
        kind in 0u8..4,
        gather in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let e = entries(log2, kind, seed);
        check(log2, if gather { Mode::Gather } else { Mode::Scatter }, &e)?;
    }
}

#[test]
fn every_permutation_of_eight_ports() {
    // All 40 320 permutations of 8 ports, both modes (Heap's algorithm).
    let mut a: Vec<u32> = (0..8).collect();
    let mut c = [0usize; 8];
    let run = |a: &[u32]| {
        let e: Vec<Option<u32>> = a.iter().copied().map(Some).collect();
        check(3, Mode::Scatter, &e).unwrap();
        check(3, Mode::Gather, &e).unwrap();
    };
    run(&a);
    let mut i = 0;
    while i < 8 {
        if c[i] < i {
            if i % 2 == 0 {
                a.swap(0, i)
            } else {
                a.swap(c[i], i)
            }
            run(&a);
            c[i] += 1;
            i = 0;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
}
