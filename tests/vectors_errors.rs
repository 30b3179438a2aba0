//! Every kind of malformed vector file gets an error naming the file, the line, the column
//! and what was expected. One test per case of issue 4: bad hex, wrong width, missing
//! header key, unknown version, truncated file, a header that disagrees with the data.

use tessera_vectors::golden::golden_set;
use tessera_vectors::set::{self, SetError};
use tessera_vectors::{parse_bytes, ErrorKind, ParseError};

/// The `rx_stimulus.hex` of the golden set `one-lane`: 11-bit words, 3 hex digits.
fn valid() -> String {
    let set = golden_set("one-lane").unwrap();
    let (files, _) = set::set_files(&set).unwrap();
    let (_, bytes) = files.into_iter().find(|(n, _)| n == "rx_stimulus.hex").unwrap();
    String::from_utf8(bytes).unwrap()
}

/// Lines of the header.
fn header_lines(text: &str) -> usize {
    text.lines().take_while(|l| l.starts_with("//")).count()
}

/// Replaces line `n` (from 1) of `text`.
fn with_line(text: &str, n: usize, line: &str) -> String {
    let mut v: Vec<&str> = text.split('\n').collect();
    v[n - 1] = line;
    v.join("\n")
}

fn error(text: &str) -> ParseError {
    parse_bytes(text.as_bytes(), "rx_stimulus.hex").expect_err("the file should be rejected")
}

#[test]
fn the_valid_file_parses() {
    let f = parse_bytes(valid().as_bytes(), "rx_stimulus.hex").unwrap();
    assert_eq!(f.header.width, 11);
    assert_eq!(f.words.len() as u64, f.header.words);
}

#[test]
fn bad_hex_digit() {
    let text = valid();
    let n = header_lines(&text) + 5;
    let e = error(&with_line(&text, n, "0g3"));
    assert_eq!(e.kind, ErrorKind::BadHex);
    assert_eq!(
        e.to_string(),
        format!("rx_stimulus.hex:{n}:2: bad hex digit 'g'; expected a lowercase hex digit (0-9, a-f)")
    );
    let e = error(&with_line(&text, n, "0A3"));
    assert_eq!(
        e.to_string(),
        format!("rx_stimulus.hex:{n}:2: uppercase hex digit 'A'; expected a lowercase hex digit (0-9, a-f): the format writes every word one way only")
    );
    let e = error(&with_line(&text, n, "0x3"));
    assert_eq!((e.line, e.column, e.kind), (n as u64, 2, ErrorKind::BadHex));
    let e = error(&with_line(&text, n, "0 3"));
    assert_eq!(e.problem, "bad hex digit a space");
    let e = error(&with_line(&text, n, "07\u{e9}"));
    assert_eq!(e.problem, "bad hex digit byte 0xc3");
}

#[test]
fn wrong_width() {
    let text = valid();
    let n = header_lines(&text) + 3;
    let e = error(&with_line(&text, n, "7f"));
    assert_eq!(e.kind, ErrorKind::Width);
    assert_eq!(
        e.to_string(),
        format!("rx_stimulus.hex:{n}:3: word has 2 hex digits; expected 3 lowercase hex digits (a 11-bit word) and a newline")
    );
    let e = error(&with_line(&text, n, "07ff"));
    assert_eq!(
        e.to_string(),
        format!("rx_stimulus.hex:{n}:4: word has more than 3 hex digits; expected 3 lowercase hex digits (a 11-bit word) and a newline")
    );
    // An 11-bit word's first digit holds bits 10:8, so it is at most 7.
    let e = error(&with_line(&text, n, "8ff"));
    assert_eq!(
        e.to_string(),
        format!("rx_stimulus.hex:{n}:1: word has bits set above bit 10 of the 11-bit bus; expected a first digit of at most 7")
    );
    let e = error(&with_line(&text, n, ""));
    assert_eq!(e.problem, "empty line in the body");
    // A very long line is cut, not read whole.
    let e = error(&with_line(&text, n, &"0".repeat(1 << 20)));
    assert_eq!((e.kind, e.column), (ErrorKind::Width, 4));
}

#[test]
fn missing_header_key() {
    let text = valid();
    let e = error(&text.replace("// ser_w: 11\n", ""));
    assert_eq!(e.kind, ErrorKind::MissingKey);
    let end = header_lines(&text); // one line less, so the body starts on this line
    assert_eq!(
        e.to_string(),
        format!("rx_stimulus.hex:{end}:1: missing header key `ser_w`; expected `// ser_w: <number>` in the header, before line {end}")
    );
    let e = error(&text.replace("// version: 2\n", ""));
    assert_eq!(
        e.to_string(),
        "rx_stimulus.hex:2:1: the format version is missing; expected `// version: 2` on line 2"
    );
}

#[test]
fn unknown_version_and_not_a_vector_file() {
    let text = valid();
    let e = error(&text.replace("// version: 2\n", "// version: 3\n"));
    assert_eq!(e.kind, ErrorKind::Version);
    assert_eq!(
        e.to_string(),
        "rx_stimulus.hex:2:13: unknown format version 3; expected version 2, the only version this tessera reads"
    );
    let e = error("hello\n");
    assert_eq!(e.kind, ErrorKind::NotVectorFile);
    assert_eq!(
        e.to_string(),
        "rx_stimulus.hex:1:1: not a Tessera vector file: line 1 is not a header line; expected `// format: tessera-vectors`"
    );
    let e = error("");
    assert_eq!(e.to_string(), "rx_stimulus.hex:1:1: not a Tessera vector file: the file is empty; expected `// format: tessera-vectors` on line 1");
    let e = error(&text.replace("// format: tessera-vectors", "// format: other"));
    assert_eq!(e.kind, ErrorKind::NotVectorFile);
}

#[test]
fn header_syntax_and_unknown_or_repeated_keys() {
    let text = valid();
    let e = error(&text.replace("// lanes: 1\n", "// lanes 1\n"));
    assert_eq!((e.kind, e.column), (ErrorKind::HeaderSyntax, 9));
    assert_eq!(e.problem, "found a space after the key `lanes`");
    let e = error(&text.replace("// lanes: 1\n", "// lanes: 1\n// lane: 1\n"));
    assert_eq!(e.kind, ErrorKind::UnknownKey);
    assert!(
        e.to_string().contains(":4: unknown header key `lane`; expected one of the keys of format version 2"),
        "{e}"
    );
    let e = error(&text.replace("// lanes: 1\n", "// lanes: 1\n// lanes: 1\n"));
    assert_eq!(e.kind, ErrorKind::DuplicateKey);
    let e = error(&text.replace("// seed: 1\n", "// seed: one\n"));
    assert_eq!((e.kind, e.column), (ErrorKind::BadValue, 10));
    assert_eq!(
        (e.problem.as_str(), e.expected.as_str()),
        ("found 'o' in a number", "an unsigned decimal number")
    );
}

#[test]
fn impossible_configuration_in_the_header() {
    let text = valid();
    let e = error(&text.replace("// ser_w: 11\n", "// ser_w: 12\n"));
    assert_eq!(e.kind, ErrorKind::BadConfig);
    assert!(
        e.to_string().contains(
            ": impossible link: invalid link configuration: ser_w = 12: must divide the 66-bit block"
        ),
        "{e}"
    );
    let e = error(&text.replace("// channel_of: 0\n", "// channel_of: 1\n"));
    assert!(e.problem.starts_with("impossible lane map: "), "{e}");
    let e = error(&text.replace("// source_of_port: none\n", "// source_of_port: 1\n"));
    assert!(e.problem.starts_with("impossible channel: "), "{e}");
}

#[test]
fn truncated_file() {
    let text = valid();
    // No newline after the last word.
    let e = error(text.strip_suffix('\n').unwrap());
    assert_eq!(e.kind, ErrorKind::Truncated);
    let last = text.lines().count();
    assert_eq!(
        e.to_string(),
        format!("rx_stimulus.hex:{last}:4: the last line has no newline at its end; expected a newline after the last word (Verilator 5.006 drops a last value without one)")
    );
    // The last word missing.
    let cut = &text[..text[..text.len() - 1].rfind('\n').unwrap() + 1];
    let e = error(cut);
    let words = text.lines().count() - header_lines(&text);
    assert_eq!(
        e.to_string(),
        format!("rx_stimulus.hex:{last}:1: the file ends after {} of the {words} words its header announces; expected 1 more word", words - 1)
    );
    // The file cut inside the header.
    let e = error(&text[..40]);
    assert_eq!(e.kind, ErrorKind::Truncated);
    assert_eq!((e.line, e.problem.as_str()), (2, "the file ends inside the header, without a newline"));
}

#[test]
fn header_that_disagrees_with_the_data() {
    let text = valid();
    let words = text.lines().count() - header_lines(&text);
    // More words than announced.
    let extra = format!("{text}000\n");
    let e = error(&extra);
    assert_eq!(e.kind, ErrorKind::ExtraData);
    let n = text.lines().count() + 1;
    assert_eq!(
        e.to_string(),
        format!("rx_stimulus.hex:{n}:1: more words than the header announces: line {n} follows word {words}; expected the end of the file after `words: {words}`")
    );
    // A word count that is not the run's.
    let e = error(&text.replace(&format!("// words: {words}\n"), &format!("// words: {}\n", words - 1)));
    assert_eq!(e.kind, ErrorKind::Disagree);
    assert_eq!(
        e.to_string(),
        format!("rx_stimulus.hex:5:11: rx_stimulus has {} words, but the run gives one per clock: {words} (`clocks`); expected one per clock: {words} (`clocks`)", words - 1)
    );
    // A width that is not the link's.
    let e = error(&text.replace("// width: 11\n", "// width: 12\n"));
    assert_eq!(
        e.to_string(),
        "rx_stimulus.hex:4:11: header says `width: 12`, but a rx_stimulus word of this link is 11 bits (1 channels x ser_w 11); expected `width: 11`"
    );
    // A derived value that does not derive.
    let e = error(&text.replace("// clocks_per_block: 6\n", "// clocks_per_block: 3\n"));
    assert_eq!(e.kind, ErrorKind::Disagree);
    assert!(e.problem.contains("but 66 / ser_w is 6"), "{e}");
    // A comment inside the body.
    let n = header_lines(&text) + 2;
    let e = error(&with_line(&text, n, "// note: late"));
    assert_eq!((e.line, e.column, e.problem.as_str()), (n as u64, 1, "a comment line inside the body"));
    // Windows line ends.
    let e = error(&text.replace('\n', "\r\n"));
    assert_eq!(e.kind, ErrorKind::HeaderSyntax);
    assert_eq!(
        e.to_string(),
        "rx_stimulus.hex:1:27: a carriage return at the end of the line; expected a newline (\\n) alone: the format uses Unix line ends"
    );
}

#[test]
fn a_file_that_disagrees_with_its_manifest() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("vectors_errors_manifest");
    let set = golden_set("one-lane").unwrap();
    set::write_set(&dir, &set, &mut |_| {}).unwrap();
    let path = dir.join("tx_expected.hex");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("// seed: 1\n", "// seed: 2\n")).unwrap();
    let e = set::check_set(&dir, &mut |_| {}).unwrap_err();
    assert!(matches!(e, SetError::Header { .. }), "{e}");
    assert!(
        e.to_string().ends_with("tx_expected.hex:14:10: header line differs from what the manifest gives: expected `// seed: 1`, found `// seed: 2`"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn malformed_coverage_in_a_manifest_names_file_line_and_point() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("vectors_errors_coverage");
    let set = golden_set("one-lane").unwrap();
    set::write_set(&dir, &set, &mut |_| {}).unwrap();
    let path = dir.join("manifest.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().position(|l| l.starts_with("// cover.block_lock.gained: ")).unwrap() + 1;
    let old = text.lines().nth(line - 1).unwrap().to_string();
    let m = path.display().to_string();
    for (new, message) in [
        (
            "// cover.block_lock.ganed: 1".to_string(),
            format!("{m}:{line}:10: `block_lock.ganed` is not a cover point; expected the name of a cover point of docs/coverage.md after `cover.`"),
        ),
        (
            "// cover.block_lock.gained: many".to_string(),
            format!("{m}:{line}:29: cover point `block_lock.gained`: found 'm' in a number; expected an unsigned decimal number"),
        ),
        (
            "// cover.block_lock.gained: 0".to_string(),
            format!("{m}:{line}:29: cover point `block_lock.gained` is listed with 0 hits; expected a count of at least 1: points never hit are not listed"),
        ),
        (
            format!("{old}\n{old}"),
            format!("{m}:{}:4: header key `cover.block_lock.gained` given twice (first on line {line}); expected each key once", line + 1),
        ),
    ] {
        std::fs::write(&path, text.replace(&old, &new)).unwrap();
        let e = set::check_set(&dir, &mut |_| {}).unwrap_err();
        assert!(matches!(e, SetError::Parse(_)), "{new}: {e}");
        assert_eq!(e.to_string(), message, "{new}");
    }
    // A well-formed count that is not the model's is a header line that differs, found
    // after the run.
    let n: u64 = old.rsplit(' ').next().unwrap().parse().unwrap();
    std::fs::write(&path, text.replace(&old, &format!("// cover.block_lock.gained: {}", n + 1))).unwrap();
    let e = set::check_set(&dir, &mut |_| {}).unwrap_err();
    assert!(matches!(e, SetError::Coverage { .. }), "{e}");
    assert!(
        e.to_string().ends_with(&format!(
            "manifest.txt:{line}:29: coverage differs from what the model's run hits: expected `{old}`, found `// cover.block_lock.gained: {}`",
            n + 1
        )),
        "{e}"
    );
    // So is a point the model hits that the manifest leaves out.
    std::fs::write(&path, text.replace(&format!("{old}\n"), "")).unwrap();
    let e = set::check_set(&dir, &mut |_| {}).unwrap_err();
    assert!(
        e.to_string().contains(&format!("manifest.txt:{line}:"))
            && e.to_string().contains(&format!("expected `{old}`")),
        "{e}"
    );
    std::fs::write(&path, &text).unwrap();
    set::check_set(&dir, &mut |_| {}).expect("the restored set checks clean");
    let _ = std::fs::remove_dir_all(&dir);
}
