//! Errors of the vector parser: every one names the file, the line and the column, what was
//! found and what was expected.

use std::fmt;

/// Which rule of the format a file breaks (for programs; people read the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The file could not be read.
    Io,
    /// The first line is not `// format: tessera-vectors`.
    NotVectorFile,
    /// A format version this parser does not read.
    Version,
    /// A header line that is not `// key: value`.
    HeaderSyntax,
    /// A header key this version does not define.
    UnknownKey,
    /// A header key given twice.
    DuplicateKey,
    /// A header key the stream needs is missing.
    MissingKey,
    /// A header value that does not parse (not a number, a bad list, ...).
    BadValue,
    /// The header describes an impossible link, lane map or channel.
    BadConfig,
    /// Header values that contradict each other, the manifest, or the body.
    Disagree,
    /// A body character that is not a lowercase hex digit.
    BadHex,
    /// A body word with the wrong number of digits, or bits above the bus width.
    Width,
    /// Fewer words than the header says, or no newline at the end.
    Truncated,
    /// More words than the header says, or lines after the end.
    ExtraData,
    /// A line far longer than any line the format allows.
    LineTooLong,
}

/// A malformed vector file: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file, as given to the reader.
    pub file: String,
    /// Line, from 1.
    pub line: u64,
    /// Column (byte), from 1.
    pub column: u64,
    /// The rule broken.
    pub kind: ErrorKind,
    /// What is wrong, in words.
    pub problem: String,
    /// What the format wants there.
    pub expected: String,
}

impl ParseError {
    /// A new error.
    pub fn new(
        file: &str,
        line: u64,
        column: u64,
        kind: ErrorKind,
        problem: impl Into<String>,
        expected: impl Into<String>,
    ) -> ParseError {
        ParseError {
            file: file.to_string(),
            line,
            column,
            kind,
            problem: problem.into(),
            expected: expected.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.problem)?;
        if !self.expected.is_empty() {
            write!(f, "; expected {}", self.expected)?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Shows a byte of input the way an error message quotes it.
pub fn show_byte(b: u8) -> String {
    match b {
        b'\r' => "a carriage return (\\r)".to_string(),
        b'\t' => "a tab".to_string(),
        b' ' => "a space".to_string(),
        0x21..=0x7E => format!("'{}'", b as char),
        _ => format!("byte 0x{b:02x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_file_line_column_and_expectation() {
        let e =
            ParseError::new("a.hex", 3, 7, ErrorKind::BadHex, "bad hex digit 'g'", "a lowercase hex digit");
        assert_eq!(e.to_string(), "a.hex:3:7: bad hex digit 'g'; expected a lowercase hex digit");
        assert_eq!(show_byte(b'\r'), "a carriage return (\\r)");
        assert_eq!(show_byte(0xff), "byte 0xff");
    }
}
