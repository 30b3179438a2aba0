//! `tessera check` re-runs the model from a set's manifest: a consistent set passes, and a
//! set with one bit flipped anywhere (any file, header or body, digits or newlines) fails,
//! naming the stream, the word and the bit when the flip is in a word.

use std::path::{Path, PathBuf};
use std::process::Command;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tessera_vectors::golden::golden_set;
use tessera_vectors::set::{self, SetError};
use tessera_vectors::{word, StreamKind, DATA_STREAMS};

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Writes the golden recipe `name` to a fresh folder.
fn make_set(name: &str, folder: &str) -> PathBuf {
    let dir = tmp(folder);
    set::write_set(&dir, &golden_set(name).unwrap(), &mut |_| {}).unwrap();
    dir
}

/// What flipping bit `bit` of byte `at` of a stream file should be reported as, when the
/// byte is a hex digit of the body and stays one: (word index, lowest bus bit that differs,
/// bus bits that differ).
fn expected_word_bit(text: &[u8], at: usize, bit: u32) -> Option<(u64, u64, u64)> {
    let header_lines = text.split(|&b| b == b'\n').take_while(|l| l.starts_with(b"//")).count();
    let line_no = text[..at].iter().filter(|&&b| b == b'\n').count();
    if line_no < header_lines {
        return None;
    }
    let line_end = text[at..].iter().position(|&b| b == b'\n').map_or(text.len(), |i| at + i);
    let old = word::hex_value(text[at])?;
    let new = word::hex_value(text[at] ^ (1 << bit))?;
    let digit_from_right = (line_end - at - 1) as u64;
    let x = old ^ new;
    let width: u64 = String::from_utf8_lossy(text)
        .lines()
        .find_map(|l| l.strip_prefix("// width: ").map(|w| w.parse().unwrap()))
        .unwrap();
    if digit_from_right * 4 + 3 - u64::from(x.leading_zeros() - 4) >= width {
        return Some((u64::MAX, 0, 0)); // bits above the bus: a parse error
    }
    Some((
        (line_no - header_lines) as u64,
        digit_from_right * 4 + u64::from(x.trailing_zeros()),
        u64::from(x.count_ones()),
    ))
}

#[test]
fn consistent_sets_pass() {
    for g in ["one-lane", "bit-errors"] {
        let dir = make_set(g, &format!("check_ok_{g}"));
        let r = set::check_set(&dir, &mut |_| {}).unwrap_or_else(|e| panic!("{g}: {e}"));
        assert_eq!(r.manifest.set, golden_set(g).unwrap());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn one_bit_flipped_anywhere_fails_and_names_stream_word_and_bit() {
    let seed = 0x7e55_e7a5u64;
    println!("flip positions drawn from seed {seed}");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let dir = make_set("spares-permuted", "check_flips");
    let files: Vec<StreamKind> = std::iter::once(StreamKind::Manifest).chain(DATA_STREAMS).collect();
    let mut word_errors = 0;
    for stream in files {
        let path = dir.join(stream.file_name());
        let original = std::fs::read(&path).unwrap();
        // Every file: its first and last byte (the final newline), and random places.
        let mut places: Vec<usize> = vec![0, original.len() - 1];
        places.extend((0..30).map(|_| rng.gen_range(0..original.len())));
        for at in places {
            let bit = rng.gen_range(0..8u32);
            let mut bytes = original.clone();
            bytes[at] ^= 1 << bit;
            std::fs::write(&path, &bytes).unwrap();
            let result = set::check_set(&dir, &mut |_| {});
            let what = format!(
                "{stream} byte {at} bit {bit} ({:?} -> {:?})",
                original[at] as char, bytes[at] as char
            );
            let e = match result {
                Ok(_) => panic!("{what}: check passed a flipped set"),
                Err(e) => e,
            };
            let expected = expected_word_bit(&original, at, bit);
            if let Some((u64::MAX, _, _)) = expected {
                match &e {
                    SetError::Parse(p) => {
                        assert_eq!(p.kind, tessera_vectors::ErrorKind::Width, "{what}: {e}")
                    }
                    other => panic!("{what}: expected a width error, got {other}"),
                }
            } else if let Some((index, bus_bit, differing)) = expected {
                match &e {
                    SetError::Word(m) => {
                        word_errors += 1;
                        assert_eq!(
                            (m.stream, m.index, m.bit, m.bits_differing),
                            (stream, index, bus_bit, differing),
                            "{what}: {e}"
                        );
                        let msg = e.to_string();
                        assert!(
                            msg.contains(&format!(
                                "{stream} word {index} differs from the model at bit {bus_bit} ("
                            )),
                            "{what}: {msg}"
                        );
                    }
                    other => panic!("{what}: expected a word mismatch, got {other}"),
                }
            } else {
                // Everything else is a parse error or a header difference, with a position.
                let msg = e.to_string();
                assert!(
                    msg.contains(stream.file_name()) || matches!(e, SetError::Header { .. }),
                    "{what}: {msg}"
                );
            }
        }
        std::fs::write(&path, &original).unwrap();
    }
    assert!(word_errors > 20, "most flips in bodies land on hex digits ({word_errors})");
    set::check_set(&dir, &mut |_| {}).expect("restored set is consistent again");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_changed_model_output_is_named_with_its_meaning() {
    let dir = make_set("one-lane", "check_meaning");
    let path = dir.join("tx_expected.hex");
    let text = std::fs::read_to_string(&path).unwrap();
    let header = text.lines().take_while(|l| l.starts_with("//")).count();
    // Word 100 of tx_expected: clock 100, 11-bit words, 6 clocks per block, TX latency 2.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let w = u16::from_str_radix(&lines[header + 100], 16).unwrap() ^ (1 << 7);
    lines[header + 100] = format!("{w:03x}");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let e = set::check_set(&dir, &mut |_| {}).unwrap_err();
    let line = header + 101;
    assert!(
        e.to_string().starts_with(&format!(
            "{}:{line}: tx_expected word 100 differs from the model at bit 7 (tx_serial_o channel 0 serial bit 7 at clock 100: block bit 29 of slot 16); 1 bit differs",
            path.display()
        )),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_changed_port_status_names_port_field_and_block_period() {
    let dir = make_set("one-lane", "check_port_status");
    let path = dir.join("rx_port_status.hex");
    let text = std::fs::read_to_string(&path).unwrap();
    let header = text.lines().take_while(|l| l.starts_with("//")).count();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // The first period with block lock (one lane, one port: word s is period s): say it is
    // gained one period early.
    let s = lines[header..].iter().position(|l| l.ends_with("10000") || l.ends_with("30000")).unwrap();
    assert!(s > 0);
    let early = &lines[header + s - 1];
    lines[header + s - 1] = format!("{}1{}", &early[..43], &early[44..]);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let e = set::check_set(&dir, &mut |_| {}).unwrap_err();
    // 11-bit serial words: 6 clocks per block period.
    let msg = format!(
        "{}:{}: rx_port_status word {} differs from the model at bit 16 (port 0 status field block_lock (bit 16) at the end of block period {}, on clock {}); 1 bit differs",
        path.display(),
        header + s,
        s - 1,
        s - 1,
        6 * s
    );
    assert!(e.to_string().starts_with(&msg), "{e}\nexpected {msg}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_and_extra_words_are_reported() {
    let dir = make_set("one-lane", "check_counts");
    let path = dir.join("rx_stripes.hex");
    let text = std::fs::read_to_string(&path).unwrap();
    // A stripe dropped from the body and from both word counts: the files agree, the model does not.
    let words = text.lines().filter(|l| !l.starts_with("//")).count();
    let cut: Vec<&str> = text.lines().collect();
    let cut = cut[..cut.len() - 1].join("\n") + "\n";
    std::fs::write(
        &path,
        cut.replace(&format!("// words: {words}\n"), &format!("// words: {}\n", words - 1)),
    )
    .unwrap();
    let m = dir.join("manifest.txt");
    let mtext = std::fs::read_to_string(&m).unwrap();
    let entry = format!("rx_stripes.hex 64 {words}\n");
    assert!(mtext.contains(&entry), "{mtext}");
    std::fs::write(&m, mtext.replace(&entry, &format!("rx_stripes.hex 64 {}\n", words - 1))).unwrap();
    let e = set::check_set(&dir, &mut |_| {}).unwrap_err();
    assert!(matches!(e, SetError::Count { more: true, .. }), "{e}");
    assert!(
        e.to_string()
            .contains(&format!("rx_stripes has {} words, the model gives at least {words}", words - 1)),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn tessera(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tessera")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn command_line_gen_check_inspect() {
    let dir = tmp("check_cli");
    let d = dir.to_str().unwrap();
    let (code, out, err) = tessera(&[
        "gen",
        "--out",
        d,
        "--lanes",
        "2",
        "--spares",
        "1",
        "--am-period",
        "16",
        "--max-skew-bits",
        "200",
        "--seed",
        "42",
        "--stripes",
        "20",
        "--random-skew",
        "150",
        "--permute",
        "--valid-percent",
        "80",
        "--ser-w",
        "33",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("tessera gen: seed 42 (reproduce with --seed 42)\n"), "{out}");
    assert!(out.contains("20 stripes sent, 20 out, 0 lost; link aligned"), "{out}");
    assert!(
        out.contains("\ncoverage: ") && out.contains(" cover points hit (listed in manifest.txt"),
        "{out}"
    );
    let (code, out, _) = tessera(&["check", d]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("consistent: every header line and all "), "{out}");
    assert!(out.contains(" cover points hit, as the manifest says"), "{out}");
    let (code, out, _) = tessera(&["inspect", &format!("{d}/manifest.txt")]);
    assert_eq!(code, 0);
    assert!(out.contains("cover.block_lock.gained: ") && out.contains("\ncoverage: "), "{out}");
    assert!(out.contains("  block_lock.gained ") && out.contains("\nnever hit ("), "{out}");
    assert!(out.contains(" bip.error"), "bip.error is never hit here and named: {out}");
    let (code, out, _) = tessera(&["inspect", &format!("{d}/rx_port_status.hex")]);
    assert_eq!(code, 0);
    assert!(
        out.contains("block periods x 3 ports") && out.contains("  port 2: block lock first at period "),
        "{out}"
    );
    let (code, out, _) = tessera(&["inspect", &format!("{d}/rx_status.hex")]);
    assert_eq!(code, 0);
    assert!(out.contains("link: aligned, stripes_out 20, stripes_lost 0, formations 1"), "{out}");

    // One bit flipped in the body of rx_stimulus.
    let path = dir.join("rx_stimulus.hex");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() - 3; // second-to-last digit of the last word
    let bit = if word::hex_value(bytes[at] ^ 1).is_some() { 1 } else { 2 };
    bytes[at] ^= bit;
    std::fs::write(&path, &bytes).unwrap();
    let (code, out, _) = tessera(&["check", d]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("NOT consistent: ")
            && out.contains("rx_stimulus word ")
            && out.contains("differs from the model at bit "),
        "{out}"
    );
    assert!(out.contains("rx_serial_i port "), "{out}");

    // Impossible configurations and malformed files are clear errors, not panics.
    let (code, _, err) = tessera(&["gen", "--out", d, "--ser-w", "5", "--seed", "1"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error: invalid link configuration: ser_w = 5: must divide the 66-bit block"),
        "{err}"
    );
    let (code, _, err) = tessera(&["gen", "--out", d, "--failed", "0,x", "--seed", "1"]);
    assert_eq!(code, 2);
    assert!(err.contains("error: --failed 0,x: found 'x' in a list"), "{err}");
    let cfg = dir.join("bad.cfg");
    std::fs::write(&cfg, "lanes: 2\nam_period: sixteen\n").unwrap();
    let (code, _, err) = tessera(&["gen", "--out", d, "--config", cfg.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}:2:12: found 's' in a number", cfg.display())), "{err}");
    std::fs::write(dir.join("junk.hex"), b"\xff\xfe garbage").unwrap();
    let (code, _, err) = tessera(&["inspect", &format!("{d}/junk.hex")]);
    assert_eq!(code, 2);
    assert!(err.contains("junk.hex:1:1: not a Tessera vector file"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
