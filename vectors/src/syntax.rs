//! The line grammar of a vector file, in nom: header lines (`// key: value`), header
//! values (numbers, lists, rates) and body words (fixed-width lowercase hex).
//!
//! Every function here works on one line without its `\n`, as bytes (a file need not be
//! UTF-8 to be diagnosed), and reports a failure as a [`Fault`]: the byte offset in the
//! line, the kind, what was found and what was expected. The reader adds file and line.
//! Nothing here panics on any input.

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::digit1;
use nom::combinator::{all_consuming, opt};
use nom::multi::separated_list1;
use nom::sequence::preceded;
use nom::{IResult, Parser};

use crate::error::{show_byte, ErrorKind};

/// A failure inside one line: byte offset from the start of the line (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Byte offset in the line.
    pub offset: usize,
    /// The rule broken.
    pub kind: ErrorKind,
    /// What was found.
    pub problem: String,
    /// What was expected.
    pub expected: String,
}

impl Fault {
    /// A fault at `offset`.
    pub fn new(
        offset: usize,
        kind: ErrorKind,
        problem: impl Into<String>,
        expected: impl Into<String>,
    ) -> Fault {
        Fault { offset, kind, problem: problem.into(), expected: expected.into() }
    }
    /// The same fault moved `by` bytes to the right (a value parsed out of a longer line).
    pub fn shift(mut self, by: usize) -> Fault {
        self.offset += by;
        self
    }
}

type Res<'a, T> = IResult<&'a [u8], T>;

/// Whether a line belongs to the header (starts with `//`).
pub fn is_header_line(line: &[u8]) -> bool {
    line.starts_with(b"//")
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.'
}

fn is_value_byte(b: u8) -> bool {
    (0x20..=0x7E).contains(&b)
}

/// What is at `rest` (the unparsed tail of `line`), for a message.
fn found(rest: &[u8]) -> String {
    match rest.first() {
        None => "the end of the line".to_string(),
        Some(&b) => show_byte(b),
    }
}

/// A header line `// key: value` split into key and value; the value's offset in the line
/// is returned with it.
pub fn header_line(line: &[u8]) -> Result<(&[u8], &[u8], usize), Fault> {
    let off = |rest: &[u8]| line.len() - rest.len();
    let r: Res<&[u8]> = tag(&b"// "[..]).parse(line);
    let Ok((rest, _)) = r else {
        let at = if line.starts_with(b"//") { 2 } else { 0 };
        return Err(Fault::new(
            at,
            ErrorKind::HeaderSyntax,
            format!("found {} in a header line", found(&line[at..])),
            "`// key: value` (a space after `//`)",
        ));
    };
    let r: Res<&[u8]> = take_while1(is_key_byte).parse(rest);
    let Ok((rest, key)) = r else {
        return Err(Fault::new(
            off(rest),
            ErrorKind::HeaderSyntax,
            format!("found {} where a header key starts", found(rest)),
            "a key of lowercase letters, digits, `_` and `.`",
        ));
    };
    let r: Res<&[u8]> = tag(&b": "[..]).parse(rest);
    let Ok((rest, _)) = r else {
        return Err(Fault::new(
            off(rest),
            ErrorKind::HeaderSyntax,
            format!("found {} after the key `{}`", found(rest), String::from_utf8_lossy(key)),
            "`: ` and a value",
        ));
    };
    let at = off(rest);
    let r: Res<&[u8]> = take_while(is_value_byte).parse(rest);
    let (tail, value) = r.unwrap_or((rest, &rest[..0]));
    if !tail.is_empty() {
        return Err(Fault::new(
            off(tail),
            ErrorKind::HeaderSyntax,
            format!("found {} in a header value", found(tail)),
            "printable ASCII up to the end of the line",
        ));
    }
    if value.is_empty() || value.first() == Some(&b' ') || value.last() == Some(&b' ') {
        let at = if value.is_empty() || value[0] == b' ' { at } else { at + value.len() - 1 };
        return Err(Fault::new(
            at,
            ErrorKind::HeaderSyntax,
            if value.is_empty() {
                "empty header value".to_string()
            } else {
                "a space at the edge of a header value".to_string()
            },
            "one space after `:` and a value with no leading or trailing space",
        ));
    }
    Ok((key, value, at))
}

fn bad_value(offset: usize, problem: impl Into<String>, expected: impl Into<String>) -> Fault {
    Fault::new(offset, ErrorKind::BadValue, problem, expected)
}

/// nom: a decimal number with no sign and no leading zero, as text.
fn decimal(i: &[u8]) -> Res<'_, &[u8]> {
    digit1(i)
}

fn to_u64(text: &[u8], at: usize, what: &str) -> Result<u64, Fault> {
    if text.len() > 1 && text[0] == b'0' {
        return Err(bad_value(
            at,
            format!("{what} `{}` has a leading zero", String::from_utf8_lossy(text)),
            "a decimal number written without leading zeros",
        ));
    }
    let s = std::str::from_utf8(text).unwrap_or("");
    s.parse::<u64>()
        .map_err(|_| bad_value(at, format!("{what} `{s}` does not fit 64 bits"), "a number below 2^64"))
}

/// A whole value that is one unsigned decimal number.
pub fn u64_value(value: &[u8]) -> Result<u64, Fault> {
    let r: Res<&[u8]> = all_consuming(decimal).parse(value);
    match r {
        Ok((_, t)) => to_u64(t, 0, "number"),
        Err(_) => {
            let ok: Res<&[u8]> = decimal(value);
            let at = ok.map(|(rest, _)| value.len() - rest.len()).unwrap_or(0);
            Err(bad_value(
                at,
                format!("found {} in a number", found(&value[at..])),
                "an unsigned decimal number",
            ))
        }
    }
}

/// A whole value that is one unsigned decimal number below 2^32.
pub fn u32_value(value: &[u8]) -> Result<u32, Fault> {
    let v = u64_value(value)?;
    u32::try_from(v).map_err(|_| bad_value(0, format!("{v} does not fit 32 bits"), "a number below 2^32"))
}

/// A list of unsigned decimal numbers separated by single spaces, or `none`.
pub fn u32_list(value: &[u8]) -> Result<Vec<u32>, Fault> {
    if value == b"none" {
        return Ok(Vec::new());
    }
    let r: Res<Vec<&[u8]>> = separated_list1(tag(&b" "[..]), decimal).parse(value);
    let (rest, items) = match r {
        Ok(x) => x,
        Err(_) => {
            return Err(bad_value(
                0,
                format!("found {} at the start of a list", found(value)),
                "numbers separated by single spaces, or `none`",
            ))
        }
    };
    if !rest.is_empty() {
        let at = value.len() - rest.len();
        // A separator followed by junk: point at the junk.
        let at = if rest.first() == Some(&b' ') && rest.len() > 1 { at + 1 } else { at };
        return Err(bad_value(
            at,
            format!("found {} in a list", found(&value[at..])),
            "numbers separated by single spaces, or `none`",
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        let at = it.as_ptr() as usize - value.as_ptr() as usize;
        let v = to_u64(it, at, "list item")?;
        out.push(u32::try_from(v).map_err(|_| {
            bad_value(at, format!("list item {v} does not fit 32 bits"), "numbers below 2^32")
        })?);
    }
    Ok(out)
}

/// A rate (a bit error rate): a finite decimal or exponent number between 0 and 1, as
/// Rust writes an `f64` with `{:?}` (`0.0`, `1e-6`, `0.25`).
pub fn rate_value(value: &[u8]) -> Result<f64, Fault> {
    let r: Res<&[u8]> = take_while1(|b: u8| b.is_ascii_digit() || b"eE.+-".contains(&b)).parse(value);
    let (rest, t) = r.map_err(|_| {
        bad_value(0, format!("found {} in a rate", found(value)), "a number between 0 and 1, such as 1e-6")
    })?;
    if !rest.is_empty() {
        let at = value.len() - rest.len();
        return Err(bad_value(
            at,
            format!("found {} in a rate", found(rest)),
            "a number between 0 and 1, such as 1e-6",
        ));
    }
    let s = std::str::from_utf8(t).unwrap_or("");
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(bad_value(0, format!("`{s}` is not a rate"), "a number between 0 and 1, such as 1e-6")),
    }
}

/// A word of text (a name): lowercase letters, digits, `_`, `-`, `.`.
pub fn name_value(value: &[u8]) -> Result<&str, Fault> {
    let r: Res<&[u8]> = all_consuming(take_while1(|b: u8| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b)
    }))
    .parse(value);
    match r {
        Ok((_, t)) => Ok(std::str::from_utf8(t).unwrap_or("")),
        Err(_) => {
            let at = value
                .iter()
                .position(|&b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b)))
                .unwrap_or(0);
            Err(bad_value(
                at,
                format!("found {} in a name", found(&value[at..])),
                "lowercase letters, digits, `_`, `-` and `.`",
            ))
        }
    }
}

/// Splits a value into its space-separated parts, with each part's offset.
pub fn parts(value: &[u8]) -> Vec<(&[u8], usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    for p in value.split(|&b| b == b' ') {
        out.push((p, at));
        at += p.len() + 1;
    }
    out
}

/// nom: an optional `key=` prefix on a part (`burst=3`).
pub fn keyed<'a>(part: &'a [u8], key: &str) -> Option<&'a [u8]> {
    let r: Res<Option<&[u8]>> = opt(preceded(tag(key.as_bytes()), tag(&b"="[..]))).parse(part);
    match r {
        Ok((rest, Some(_))) => Some(rest),
        _ => None,
    }
}

/// The digits of a body word: exactly `digits` lowercase hex digits and nothing else.
/// On failure, the fault says which rule: a bad character, too few or too many digits.
pub fn body_word(line: &[u8], digits: usize, width: u32) -> Result<&[u8], Fault> {
    let r: Res<&[u8]> = take_while(|b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)).parse(line);
    let (rest, hex) = r.unwrap_or((line, &line[..0]));
    if hex.len() == digits && rest.is_empty() {
        return Ok(hex);
    }
    let expected = format!("{digits} lowercase hex digits (a {width}-bit word) and a newline");
    if hex.len() > digits {
        return Err(Fault::new(
            digits,
            ErrorKind::Width,
            format!("word has more than {digits} hex digits"),
            expected,
        ));
    }
    match rest.first() {
        None if line.is_empty() => Err(Fault::new(0, ErrorKind::Width, "empty line in the body", expected)),
        None => Err(Fault::new(
            hex.len(),
            ErrorKind::Width,
            format!("word has {} hex digit{}", hex.len(), if hex.len() == 1 { "" } else { "s" }),
            expected,
        )),
        Some(&b) => {
            let at = hex.len();
            if line.starts_with(b"//") {
                Err(Fault::new(
                    0,
                    ErrorKind::HeaderSyntax,
                    "a comment line inside the body",
                    "the header (`//` lines) only before the first word",
                ))
            } else if b.is_ascii_uppercase() && (b'A'..=b'F').contains(&b) {
                Err(Fault::new(
                    at,
                    ErrorKind::BadHex,
                    format!("uppercase hex digit '{}'", b as char),
                    "a lowercase hex digit (0-9, a-f): the format writes every word one way only",
                ))
            } else if b == b'\r' && at + 1 == line.len() {
                Err(Fault::new(
                    at,
                    ErrorKind::BadHex,
                    "a carriage return at the end of the line",
                    "a newline (\\n) alone: the format uses Unix line ends",
                ))
            } else if hex.len() >= digits {
                Err(Fault::new(
                    at,
                    ErrorKind::Width,
                    format!("found {} after {digits} hex digits", show_byte(b)),
                    expected,
                ))
            } else {
                Err(Fault::new(
                    at,
                    ErrorKind::BadHex,
                    format!("bad hex digit {}", show_byte(b)),
                    "a lowercase hex digit (0-9, a-f)",
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_split_and_fail_at_the_right_column() {
        assert_eq!(header_line(b"// lanes: 4").unwrap(), (&b"lanes"[..], &b"4"[..], 10));
        let e = header_line(b"//lanes: 4").unwrap_err();
        assert_eq!((e.offset, e.kind), (2, ErrorKind::HeaderSyntax));
        let e = header_line(b"// Lanes: 4").unwrap_err();
        assert_eq!(e.offset, 3);
        let e = header_line(b"// lanes 4").unwrap_err();
        assert_eq!(e.offset, 8);
        assert!(e.to_owned().problem.contains("after the key `lanes`"));
        let e = header_line(b"// lanes: 4 ").unwrap_err();
        assert_eq!(e.offset, 11);
        let e = header_line(b"// lanes: \xff").unwrap_err();
        assert_eq!((e.offset, e.problem.as_str()), (10, "found byte 0xff in a header value"));
        assert!(header_line(b"// lanes: ").is_err());
    }

    #[test]
    fn numbers_and_lists() {
        assert_eq!(u64_value(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(u64_value(b"18446744073709551616").unwrap_err().kind, ErrorKind::BadValue);
        assert_eq!(u64_value(b"12x").unwrap_err().offset, 2);
        assert_eq!(u64_value(b"007").unwrap_err().problem, "number `007` has a leading zero");
        assert_eq!(u32_value(b"4294967296").unwrap_err().problem, "4294967296 does not fit 32 bits");
        assert_eq!(u32_list(b"none"), Ok(vec![]));
        assert_eq!(u32_list(b"3 0 12"), Ok(vec![3, 0, 12]));
        assert_eq!(u32_list(b"3 0 x2").unwrap_err().offset, 4);
        assert_eq!(u32_list(b"3  4").unwrap_err().offset, 2);
        assert_eq!(u32_list(b"3 04").unwrap_err().offset, 2);
        assert_eq!(rate_value(b"1e-6"), Ok(1e-6));
        assert_eq!(rate_value(b"0.0"), Ok(0.0));
        assert!(rate_value(b"2").is_err());
        assert_eq!(rate_value(b"1e-6x").unwrap_err().offset, 4);
        assert_eq!(keyed(b"at=12", "at"), Some(&b"12"[..]));
        assert_eq!(keyed(b"to=12", "at"), None);
    }

    #[test]
    fn body_words() {
        assert_eq!(body_word(b"0f1", 3, 9), Ok(&b"0f1"[..]));
        let e = body_word(b"0g1", 3, 9).unwrap_err();
        assert_eq!((e.offset, e.kind), (1, ErrorKind::BadHex));
        let e = body_word(b"0F1", 3, 9).unwrap_err();
        assert_eq!(e.problem, "uppercase hex digit 'F'");
        let e = body_word(b"0f", 3, 9).unwrap_err();
        assert_eq!((e.offset, e.kind, e.problem.as_str()), (2, ErrorKind::Width, "word has 2 hex digits"));
        let e = body_word(b"0f12", 3, 9).unwrap_err();
        assert_eq!((e.offset, e.kind), (3, ErrorKind::Width));
        let e = body_word(b"0f1\r", 3, 9).unwrap_err();
        assert_eq!(e.problem, "a carriage return at the end of the line");
        let e = body_word(b"", 3, 9).unwrap_err();
        assert_eq!(e.problem, "empty line in the body");
        let e = body_word(b"// x", 3, 9).unwrap_err();
        assert_eq!(e.problem, "a comment line inside the body");
    }
}
