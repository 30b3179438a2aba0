//! The streaming parser: reads a vector file's header whole, then its body one word at a
//! time, so a file of any size is parsed in memory proportional to one line.
//!
//! [`VectorReader::new`] reads and checks the header ([`crate::header::Header::parse`]);
//! [`VectorReader::next_word`] returns the body words in order and, after the last one the
//! header announces, checks that the file ends there. Every malformed input is a
//! [`ParseError`] with file, line and column; nothing panics on any bytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{ErrorKind, ParseError};
use crate::header::{Header, RawField, RawHeader};
use crate::syntax;
use crate::word;

/// Longest header line read (a list of 65536 channel numbers fits with room to spare).
pub const MAX_HEADER_LINE: usize = 4 << 20;

/// What one bounded line read found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineEnd {
    /// A line ended by `\n` (not in the buffer).
    Newline,
    /// Bytes, then the end of the file with no `\n`.
    Eof,
    /// No byte at all: the end of the file.
    Nothing,
    /// More than the limit before any `\n`; the buffer holds the first `limit` bytes.
    TooLong,
}

/// Reads one line into `buf` (without its `\n`), never more than `limit` bytes of it.
fn read_line<R: BufRead>(src: &mut R, buf: &mut Vec<u8>, limit: usize) -> io::Result<LineEnd> {
    buf.clear();
    loop {
        let avail = match src.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(if buf.is_empty() { LineEnd::Nothing } else { LineEnd::Eof });
        }
        let room = limit - buf.len();
        match avail.iter().position(|&b| b == b'\n') {
            Some(i) if i <= room => {
                buf.extend_from_slice(&avail[..i]);
                src.consume(i + 1);
                return Ok(LineEnd::Newline);
            }
            _ => {
                let n = avail.len();
                if n > room {
                    buf.extend_from_slice(&avail[..room]);
                    src.consume(room);
                    return Ok(LineEnd::TooLong);
                }
                buf.extend_from_slice(avail);
                src.consume(n);
            }
        }
    }
}

/// A vector file being read: its parsed header, then its words on demand.
#[derive(Debug)]
pub struct VectorReader<R> {
    src: R,
    file: String,
    header: Header,
    raw_lines: Vec<String>,
    /// Lines read so far (the line number of the last line read).
    line: u64,
    /// The first body line, read while looking for the header's end.
    pending: Option<(Vec<u8>, LineEnd)>,
    words_read: u64,
    buf: Vec<u8>,
    word: Vec<u64>,
    finished: bool,
}

impl VectorReader<BufReader<File>> {
    /// Opens and reads the header of the file at `path` (named in errors as given).
    pub fn open(path: &Path) -> Result<Self, ParseError> {
        let name = path.display().to_string();
        let f = File::open(path).map_err(|e| io_error(&name, 0, &e))?;
        VectorReader::new(BufReader::with_capacity(1 << 16, f), &name)
    }
}

fn io_error(file: &str, line: u64, e: &io::Error) -> ParseError {
    ParseError::new(file, line, 1, ErrorKind::Io, format!("cannot read the file: {e}"), "a readable file")
}

impl<R: BufRead> VectorReader<R> {
    /// Reads and checks the header from `src`; `file` names the source in errors.
    pub fn new(mut src: R, file: &str) -> Result<Self, ParseError> {
        let mut raw = RawHeader::default();
        let mut raw_lines = Vec::new();
        let mut buf = Vec::new();
        let mut line = 0u64;
        let pending = loop {
            let end =
                read_line(&mut src, &mut buf, MAX_HEADER_LINE).map_err(|e| io_error(file, line + 1, &e))?;
            if end == LineEnd::Nothing {
                break None;
            }
            line += 1;
            if !syntax::is_header_line(&buf) {
                if line == 1 {
                    return Err(ParseError::new(
                        file,
                        1,
                        1,
                        ErrorKind::NotVectorFile,
                        "not a Tessera vector file: line 1 is not a header line",
                        "`// format: tessera-vectors`",
                    ));
                }
                line -= 1;
                break Some((std::mem::take(&mut buf), end));
            }
            if end == LineEnd::TooLong {
                return Err(ParseError::new(
                    file,
                    line,
                    MAX_HEADER_LINE as u64 + 1,
                    ErrorKind::LineTooLong,
                    format!("header line longer than {MAX_HEADER_LINE} bytes"),
                    "a header line of at most 4 MiB",
                ));
            }
            if end == LineEnd::Eof {
                return Err(ParseError::new(
                    file,
                    line,
                    buf.len() as u64 + 1,
                    ErrorKind::Truncated,
                    "the file ends inside the header, without a newline",
                    "a newline at the end of every line",
                ));
            }
            if buf.last() == Some(&b'\r') {
                return Err(ParseError::new(
                    file,
                    line,
                    buf.len() as u64,
                    ErrorKind::HeaderSyntax,
                    "a carriage return at the end of the line",
                    "a newline (\\n) alone: the format uses Unix line ends",
                ));
            }
            let (key, value, at) = syntax::header_line(&buf).map_err(|f| {
                let kind = if line == 1 { ErrorKind::NotVectorFile } else { f.kind };
                let problem =
                    if line == 1 { format!("not a Tessera vector file: {}", f.problem) } else { f.problem };
                ParseError::new(file, line, f.offset as u64 + 1, kind, problem, f.expected)
            })?;
            raw.fields.push(RawField {
                key: String::from_utf8_lossy(key).into_owned(),
                value: value.to_vec(),
                line,
                key_column: 4,
                value_column: at as u64 + 1,
            });
            raw_lines.push(String::from_utf8_lossy(&buf).into_owned());
        };
        raw.end_line = line + 1;
        let header = Header::parse(&raw, file)?;
        Ok(VectorReader {
            src,
            file: file.to_string(),
            header,
            raw_lines,
            line,
            pending,
            words_read: 0,
            buf: Vec::new(),
            word: Vec::new(),
            finished: false,
        })
    }

    /// The parsed header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The header's lines as they are in the file, without `\n`.
    pub fn raw_header_lines(&self) -> &[String] {
        &self.raw_lines
    }

    /// The file's name, as given.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Words returned so far.
    pub fn words_read(&self) -> u64 {
        self.words_read
    }

    /// Line number of body word `index` (from 0).
    pub fn line_of_word(&self, index: u64) -> u64 {
        self.raw_lines.len() as u64 + index + 1
    }

    fn err(
        &self,
        line: u64,
        column: u64,
        kind: ErrorKind,
        problem: impl Into<String>,
        expected: impl Into<String>,
    ) -> ParseError {
        ParseError::new(&self.file, line, column, kind, problem, expected)
    }

    /// The next body word (little-endian 64-bit limbs, bus bit `k` in bit `k % 64` of limb
    /// `k / 64`), or `None` after the last one, once the end of the file is checked.
    pub fn next_word(&mut self) -> Result<Option<&[u64]>, ParseError> {
        if self.finished {
            return Ok(None);
        }
        let width = self.header.width;
        let digits = word::hex_digits(width);
        // Fast path: the whole line is in the reader's buffer and is a well-formed word,
        // parsed in place. Anything else (a line across the buffer's end, the first body
        // line read with the header, the end of the file, an extra or malformed line) takes
        // the path below, which reads the same bytes again and says what is wrong.
        if self.pending.is_none() && self.words_read < self.header.words {
            if let Ok(avail) = self.src.fill_buf() {
                if avail.len() > digits
                    && avail[digits] == b'\n'
                    && word::parse_hex_fast(&avail[..digits], width, &mut self.word)
                {
                    self.src.consume(digits + 1);
                    self.line += 1;
                    self.words_read += 1;
                    return Ok(Some(&self.word));
                }
            }
        }
        let end = match self.pending.take() {
            Some((b, end)) => {
                self.buf = b;
                end
            }
            None => read_line(&mut self.src, &mut self.buf, digits + 2)
                .map_err(|e| io_error(&self.file, self.line + 1, &e))?,
        };
        let words = self.header.words;
        if end == LineEnd::Nothing {
            self.finished = true;
            if self.words_read < words {
                return Err(self.err(
                    self.line + 1,
                    1,
                    ErrorKind::Truncated,
                    format!(
                        "the file ends after {} of the {} words its header announces",
                        self.words_read, words
                    ),
                    format!(
                        "{} more word{}",
                        words - self.words_read,
                        if words - self.words_read == 1 { "" } else { "s" }
                    ),
                ));
            }
            return Ok(None);
        }
        self.line += 1;
        if self.words_read == words {
            self.finished = true;
            let what = if self.header.stream.is_manifest() {
                "the manifest has no body"
            } else {
                "more words than the header announces"
            };
            return Err(self.err(
                self.line,
                1,
                ErrorKind::ExtraData,
                format!("{what}: line {} follows word {}", self.line, words),
                format!("the end of the file after `words: {words}`"),
            ));
        }
        // A well-formed line read across the end of the reader's buffer.
        if end == LineEnd::Newline && word::parse_hex_fast(&self.buf, width, &mut self.word) {
            self.words_read += 1;
            return Ok(Some(&self.word));
        }
        let w = syntax::body_word(&self.buf, digits, width).map_err(|f| {
            let mut f = f;
            if end == LineEnd::TooLong && f.kind != ErrorKind::BadHex {
                f.kind = ErrorKind::Width;
            }
            self.err(self.line, f.offset as u64 + 1, f.kind, f.problem, f.expected)
        })?;
        if word::parse_hex_into(w, width, &mut self.word).is_err() {
            let top = (1u32 << (((width + 3) % 4) + 1)) - 1;
            return Err(self.err(
                self.line,
                1,
                ErrorKind::Width,
                format!("word has bits set above bit {} of the {width}-bit bus", width - 1),
                format!("a first digit of at most {top:x}"),
            ));
        }
        if end == LineEnd::Eof {
            self.finished = true;
            return Err(self.err(
                self.line,
                self.buf.len() as u64 + 1,
                ErrorKind::Truncated,
                "the last line has no newline at its end",
                "a newline after the last word (Verilator 5.006 drops a last value without one)",
            ));
        }
        self.words_read += 1;
        Ok(Some(&self.word))
    }

    /// Reads every remaining word, checking each, and the end of the file.
    pub fn skip_to_end(&mut self) -> Result<u64, ParseError> {
        while self.next_word()?.is_some() {}
        Ok(self.words_read)
    }
}

/// A whole vector file read into memory: the header and every word (for tests and small
/// files; use [`VectorReader`] for large ones).
#[derive(Debug, Clone, PartialEq)]
pub struct VectorFile {
    /// The header.
    pub header: Header,
    /// The words, each as little-endian 64-bit limbs.
    pub words: Vec<Vec<u64>>,
}

/// Parses a whole vector file held in memory; `file` names it in errors.
pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<VectorFile, ParseError> {
    parse_reader(bytes, file)
}

/// Parses a whole vector file from any reader.
pub fn parse_reader<R: Read>(src: R, file: &str) -> Result<VectorFile, ParseError> {
    let mut r = VectorReader::new(BufReader::new(src), file)?;
    let mut words = Vec::new();
    while let Some(w) = r.next_word()? {
        words.push(w.to_vec());
    }
    Ok(VectorFile { header: r.header, words })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_lines() {
        let mut src: &[u8] = b"abc\ndefghij\nxy";
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut src, &mut buf, 5).unwrap(), LineEnd::Newline);
        assert_eq!(buf, b"abc");
        assert_eq!(read_line(&mut src, &mut buf, 5).unwrap(), LineEnd::TooLong);
        assert_eq!(buf, b"defgh");
        let mut src: &[u8] = b"xy";
        assert_eq!(read_line(&mut src, &mut buf, 5).unwrap(), LineEnd::Eof);
        assert_eq!(read_line(&mut src, &mut buf, 5).unwrap(), LineEnd::Nothing);
        let mut src: &[u8] = b"12345\n";
        assert_eq!(read_line(&mut src, &mut buf, 5).unwrap(), LineEnd::Newline);
    }
}
