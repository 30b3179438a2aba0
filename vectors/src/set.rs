//! Vector sets: a folder with `manifest.txt` and one file per stream. [`write_set`]
//! generates one, [`check_set`] re-runs the model from a set's manifest and compares every
//! header line and every word, stopping at the first difference, and [`set_files`] makes
//! a whole set in memory (golden tests).

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use tessera_model::coverage::Coverage;

use crate::error::ParseError;
use crate::gen::{self, GenError, MemorySink, Outcome, Sink};
use crate::header::{FileEntry, Header, SetSpec};
use crate::reader::VectorReader;
use crate::stream::{StreamKind, DATA_STREAMS};
use crate::word;
use crate::writer::{self, BodyFile};

/// A word of a set that is not what the model gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordMismatch {
    /// The stream.
    pub stream: StreamKind,
    /// Its file.
    pub file: String,
    /// Line in the file.
    pub line: u64,
    /// Word index in the body, from 0.
    pub index: u64,
    /// The lowest bus bit that differs.
    pub bit: u64,
    /// What that bit is (channel, lane, clock...).
    pub meaning: String,
    /// Bits that differ in the word.
    pub bits_differing: u64,
    /// The model's word, as hex.
    pub expected: String,
    /// The file's word, as hex.
    pub found: String,
}

/// Why a set is not consistent with the model, or could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SetError {
    /// The set's own numbers cannot be run.
    #[error(transparent)]
    Gen(#[from] GenError),
    /// A file is malformed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: io::Error,
    },
    /// A header line differs from the one the manifest implies.
    #[error("{file}:{line}:{column}: header line differs from what the manifest gives: expected `{expected}`, found `{found}`")]
    Header {
        /// The file.
        file: String,
        /// Line.
        line: u64,
        /// First differing column.
        column: u64,
        /// The line expected.
        expected: String,
        /// The line found.
        found: String,
    },
    /// A coverage line of the manifest differs from the coverage of the model's run.
    #[error("{file}:{line}:{column}: coverage differs from what the model's run hits: expected `{expected}`, found `{found}`")]
    Coverage {
        /// The manifest.
        file: String,
        /// Line.
        line: u64,
        /// First differing column.
        column: u64,
        /// The line expected.
        expected: String,
        /// The line found.
        found: String,
    },
    /// A word differs from the model's.
    #[error("{}", .0)]
    Word(Box<WordMismatch>),
    /// A stream has more or fewer words than the model gives.
    #[error("{file}:{line}: {stream} has {found} words, the model gives {}{expected}", if *.more { "at least " } else { "" })]
    Count {
        /// The stream.
        stream: StreamKind,
        /// Its file.
        file: String,
        /// Line where the difference shows.
        line: u64,
        /// Words in the file.
        found: u64,
        /// Words the model gives (at least, when `more`).
        expected: u64,
        /// The model gives `expected` words or more.
        more: bool,
    },
}

impl fmt::Display for WordMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} word {} differs from the model at bit {} ({}); {} bit{} differ{}\n  expected {}\n  found    {}",
            self.file,
            self.line,
            self.stream,
            self.index,
            self.bit,
            self.meaning,
            self.bits_differing,
            if self.bits_differing == 1 { "" } else { "s" },
            if self.bits_differing == 1 { "s" } else { "" },
            self.expected,
            self.found
        )
    }
}

/// A word's hex, cut to 32 digits around the digit holding `bit` when it is longer than 64.
pub fn excerpt(hex: &str, bit: u64) -> String {
    let d = hex.len();
    if d <= 64 {
        return hex.to_string();
    }
    let at = d.saturating_sub(1 + (bit / 4) as usize); // index of the digit holding `bit`
    let from = at.saturating_sub(16).min(d - 32);
    let to = from + 32;
    // Digit i (from the left) holds bits 4*(d-1-i) .. 4*(d-1-i)+3.
    format!(
        "{}{}{} (digits of bits {}..{})",
        if from > 0 { "..." } else { "" },
        &hex[from..to],
        if to < d { "..." } else { "" },
        4 * (d - to),
        4 * (d - from) - 1
    )
}

fn io_err(path: &Path, source: io::Error) -> SetError {
    SetError::Io { path: path.display().to_string(), source }
}

/// Words of each stream of a set, in [`DATA_STREAMS`] order.
pub type StreamWords = [u64; DATA_STREAMS.len()];

/// Writes a sink's words to the stream files of a folder.
struct FileSink<'a> {
    files: Vec<BodyFile>,
    paths: Vec<PathBuf>,
    progress: &'a mut dyn FnMut(u64),
}

impl Sink for FileSink<'_> {
    type Error = SetError;
    fn word(&mut self, stream: StreamKind, w: &[u64]) -> Result<(), SetError> {
        let i = gen::stream_index(stream).unwrap_or(0);
        self.files[i].write_word(w).map_err(|e| io_err(&self.paths[i], e))
    }
    fn slot_done(&mut self, slot: u64) {
        (self.progress)(slot);
    }
}

/// The manifest's header for a set whose streams have `words` words and whose run hits
/// `coverage`.
pub fn manifest_header(set: &SetSpec, words: StreamWords, coverage: &Coverage) -> Result<Header, GenError> {
    let cfg = set.config()?;
    let mut h = Header::for_stream(StreamKind::Manifest, set, 0, 0);
    h.coverage = coverage.clone();
    h.files = DATA_STREAMS
        .iter()
        .zip(words)
        .map(|(&s, words)| FileEntry {
            stream: s,
            file: s.file_name().to_string(),
            width: s.width(&cfg) as u32,
            words,
        })
        .collect();
    Ok(h)
}

/// The header of one stream file of a set.
pub fn stream_header(set: &SetSpec, stream: StreamKind, words: u64) -> Result<Header, GenError> {
    let cfg = set.config()?;
    Ok(Header::for_stream(stream, set, stream.width(&cfg) as u32, words))
}

/// Generates the set `set` into folder `dir` (created if needed); `progress` is called
/// after every block period with its index.
pub fn write_set(dir: &Path, set: &SetSpec, progress: &mut dyn FnMut(u64)) -> Result<Outcome, SetError> {
    let cfg = set.config().map_err(GenError::from)?;
    fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let mut sink = FileSink { files: Vec::new(), paths: Vec::new(), progress };
    for s in DATA_STREAMS {
        let path = dir.join(s.file_name());
        sink.files.push(BodyFile::create(&path, s.width(&cfg) as u32).map_err(|e| io_err(&path, e))?);
        sink.paths.push(path);
    }
    let result = gen::run(set, &mut sink).map_err(SetError::from).and_then(|r| r);
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            sink.files.into_iter().for_each(BodyFile::abandon);
            return Err(e);
        }
    };
    let mut words: StreamWords = [0; DATA_STREAMS.len()];
    for (i, (f, path)) in sink.files.into_iter().zip(&sink.paths).enumerate() {
        words[i] = f.written();
        let h = stream_header(set, DATA_STREAMS[i], words[i])?;
        f.finish(&h).map_err(|e| io_err(path, e))?;
    }
    let m = manifest_header(set, words, &outcome.coverage)?;
    let path = dir.join(StreamKind::Manifest.file_name());
    fs::write(&path, m.text()).map_err(|e| io_err(&path, e))?;
    Ok(outcome)
}

/// The files of a set in memory: (file name, bytes), the manifest first.
pub type SetFiles = Vec<(String, Vec<u8>)>;

/// A whole set in memory, and what the run gave.
pub fn set_files(set: &SetSpec) -> Result<(SetFiles, Outcome), GenError> {
    let (mut files, words, outcome) = stream_files(set, &mut |_, _| {}, &[])?;
    files.insert(
        0,
        (
            StreamKind::Manifest.file_name().to_string(),
            manifest_header(set, words, &outcome.coverage)?.text().into_bytes(),
        ),
    );
    Ok((files, outcome))
}

/// The stream files of a set in memory (no manifest), their word counts and what the run
/// gave; `before_slot` and `notes` as [`gen::run_with`] and extra header notes (the RTL
/// bench sets' run-time lane-map repair, [`crate::bench`]).
pub fn stream_files(
    set: &SetSpec,
    before_slot: &mut dyn FnMut(u64, &mut gen::Machine),
    notes: &[String],
) -> Result<(SetFiles, StreamWords, Outcome), GenError> {
    let mut sink = MemorySink::default();
    let outcome = gen::run_with(set, &mut sink, before_slot)?.unwrap_or_else(|e| match e {});
    let mut files = Vec::new();
    let mut words: StreamWords = [0; DATA_STREAMS.len()];
    for (i, s) in DATA_STREAMS.iter().enumerate() {
        let body = sink.words(*s);
        words[i] = body.len() as u64;
        let mut h = stream_header(set, *s, words[i])?;
        h.notes.extend_from_slice(notes);
        let bytes = writer::to_bytes(&h, body).map_err(|e| GenError::Run(e.to_string()))?;
        files.push((s.file_name().to_string(), bytes));
    }
    Ok((files, words, outcome))
}

/// Reads a set's manifest.
pub fn read_manifest(dir: &Path) -> Result<Header, SetError> {
    let path = dir.join(StreamKind::Manifest.file_name());
    let mut r = VectorReader::open(&path)?;
    r.skip_to_end()?;
    Ok(r.header().clone())
}

/// Compares the raw header lines of a file with the lines expected.
fn compare_header(file: &str, found: &[String], expected: &[String]) -> Result<(), SetError> {
    for i in 0..found.len().max(expected.len()) {
        let (f, e) = (found.get(i).map_or("", |s| s.as_str()), expected.get(i).map_or("", |s| s.as_str()));
        if f != e {
            let column = f.bytes().zip(e.bytes()).take_while(|(a, b)| a == b).count() as u64 + 1;
            return Err(SetError::Header {
                file: file.to_string(),
                line: i as u64 + 1,
                column,
                expected: if e.is_empty() { "(no line: the header ends)".into() } else { e.to_string() },
                found: if f.is_empty() { "(no line: the header ends)".into() } else { f.to_string() },
            });
        }
    }
    Ok(())
}

/// Compares a run's words with the files of a set.
struct CompareSink<'a> {
    readers: Vec<VectorReader<BufReader<File>>>,
    cfg: tessera_model::LinkConfig,
    progress: &'a mut dyn FnMut(u64),
}

impl Sink for CompareSink<'_> {
    type Error = SetError;
    fn word(&mut self, stream: StreamKind, w: &[u64]) -> Result<(), SetError> {
        let i = gen::stream_index(stream).unwrap_or(0);
        let r = &mut self.readers[i];
        let index = r.words_read();
        let line = r.line_of_word(index);
        let file = r.file().to_string();
        let width = r.header().width;
        let Some(got) = r.next_word()? else {
            return Err(SetError::Count {
                stream,
                file,
                line,
                found: index,
                expected: index + 1,
                more: true,
            });
        };
        if got != w {
            let mut bit = None;
            let mut differing = 0u64;
            for (k, (a, b)) in got.iter().zip(w).enumerate() {
                let x = a ^ b;
                if x != 0 && bit.is_none() {
                    bit = Some(k as u64 * 64 + u64::from(x.trailing_zeros()));
                }
                differing += u64::from(x.count_ones());
            }
            let bit = bit.unwrap_or(0);
            return Err(SetError::Word(Box::new(WordMismatch {
                stream,
                file,
                line,
                index,
                bit,
                meaning: stream.describe_bit(&self.cfg, index, bit),
                bits_differing: differing,
                expected: excerpt(&word::to_hex(w, width), bit),
                found: excerpt(&word::to_hex(got, width), bit),
            })));
        }
        Ok(())
    }
    fn slot_done(&mut self, slot: u64) {
        (self.progress)(slot);
    }
}

/// What a consistent set holds.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The set's manifest.
    pub manifest: Header,
    /// What the model's run gave.
    pub outcome: Outcome,
}

/// Checks the set in `dir`: parses the manifest and every file, compares every header line
/// with the one the manifest implies, re-runs the model and compares every word, then the
/// manifest's coverage with the run's. The first difference is the error.
pub fn check_set(dir: &Path, progress: &mut dyn FnMut(u64)) -> Result<CheckReport, SetError> {
    let manifest = read_manifest(dir)?;
    let mpath = dir.join(StreamKind::Manifest.file_name());
    let words: Vec<u64> = manifest.files.iter().map(|f| f.words).collect();
    let words: StreamWords = words.try_into().unwrap_or([0; DATA_STREAMS.len()]);
    // The coverage is known after the run: first every other line, with the coverage as
    // the manifest has it, then, after the run, the coverage lines the model gives.
    let raw = raw_lines(&mpath)?;
    let expected_manifest = manifest_header(&manifest.set, words, &manifest.coverage)?;
    compare_header(&mpath.display().to_string(), &raw, &expected_manifest.lines())?;
    let cfg = manifest.set.config().map_err(GenError::from)?;
    let mut readers = Vec::new();
    for (i, s) in DATA_STREAMS.iter().enumerate() {
        let path = dir.join(s.file_name());
        let r = VectorReader::open(&path)?;
        let expected = stream_header(&manifest.set, *s, words[i])?;
        compare_header(r.file(), r.raw_header_lines(), &expected.lines())?;
        readers.push(r);
    }
    let mut sink = CompareSink { readers, cfg, progress };
    let outcome = gen::run(&manifest.set, &mut sink)??;
    for (r, s) in sink.readers.iter_mut().zip(DATA_STREAMS) {
        let model = r.words_read();
        let line = r.line_of_word(model);
        if r.next_word()?.is_some() {
            let found = r.skip_to_end()?;
            return Err(SetError::Count {
                stream: s,
                file: r.file().to_string(),
                line,
                found,
                expected: model,
                more: false,
            });
        }
    }
    let model_manifest = manifest_header(&manifest.set, words, &outcome.coverage)?;
    compare_header(&mpath.display().to_string(), &raw, &model_manifest.lines()).map_err(|e| match e {
        SetError::Header { file, line, column, expected, found } => {
            SetError::Coverage { file, line, column, expected, found }
        }
        other => other,
    })?;
    Ok(CheckReport { manifest, outcome })
}

/// The header lines of a file as they are (for the comparison of a manifest).
fn raw_lines(path: &Path) -> Result<Vec<String>, SetError> {
    let r = VectorReader::open(path)?;
    Ok(r.raw_header_lines().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_are_cut_around_the_difference() {
        let hex: String = (0..100).map(|i| char::from(b"0123456789abcdef"[i % 16])).collect();
        assert_eq!(excerpt("0a3", 5), "0a3");
        // Bit 0 is in the last digit: the excerpt is the last 32 digits.
        let e = excerpt(&hex, 0);
        assert_eq!(e, format!("...{} (digits of bits 0..127)", &hex[68..]));
        // Bit 399 is in the first digit.
        let e = excerpt(&hex, 399);
        assert_eq!(e, format!("{}... (digits of bits 272..399)", &hex[..32]));
        let e = excerpt(&hex, 200);
        assert!(e.starts_with("...") && e.ends_with("(digits of bits 140..267)"), "{e}");
    }

    #[test]
    fn header_comparison_names_the_first_differing_column() {
        let found = vec!["// seed: 12".to_string(), "// lanes: 2".to_string()];
        let expected = vec!["// seed: 12".to_string(), "// lanes: 3".to_string()];
        let e = compare_header("f", &found, &expected).unwrap_err();
        assert_eq!(e.to_string(), "f:2:11: header line differs from what the manifest gives: expected `// lanes: 3`, found `// lanes: 2`");
        let e = compare_header("f", &found[..1], &expected).unwrap_err();
        assert!(e.to_string().contains("found `(no line: the header ends)`"), "{e}");
        assert!(compare_header("f", &expected, &expected).is_ok());
    }

    #[test]
    fn memory_sets_and_folder_sets_agree() {
        let set = crate::golden::golden_set("one-lane").unwrap();
        let (files, _) = set_files(&set).unwrap();
        let dir = std::env::temp_dir().join(format!("tessera-set-{}", std::process::id()));
        write_set(&dir, &set, &mut |_| {}).unwrap();
        for (name, bytes) in files {
            assert_eq!(fs::read(dir.join(&name)).unwrap(), bytes, "{name}");
        }
        assert!(check_set(&dir, &mut |_| {}).is_ok());
        let _ = fs::remove_dir_all(&dir);
    }
}
