//! The writer: a header, then one canonical hex word per line, each line ended by `\n`.
//!
//! [`VectorWriter`] writes to any [`Write`] when the word count is known before the body
//! (the header comes first). [`BodyFile`] is for the generator, which learns some counts
//! only at the end of a run: it writes the body to a temporary file beside the target and,
//! at [`BodyFile::finish`], writes the header and copies the body after it. Either way the
//! memory used is one line.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::header::Header;
use crate::word;

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

/// Writes one vector file whose header (and so word count) is known up front.
#[derive(Debug)]
pub struct VectorWriter<W: Write> {
    out: W,
    width: u32,
    words: u64,
    written: u64,
    line: Vec<u8>,
}

impl<W: Write> VectorWriter<W> {
    /// Writes `header` to `out`; the body must then have exactly `header.words` words.
    pub fn new(mut out: W, header: &Header) -> io::Result<Self> {
        out.write_all(header.text().as_bytes())?;
        Ok(VectorWriter { out, width: header.width, words: header.words, written: 0, line: Vec::new() })
    }

    /// Writes one word (little-endian 64-bit limbs of exactly the header's width).
    pub fn write_word(&mut self, w: &[u64]) -> io::Result<()> {
        if self.written == self.words {
            return Err(invalid(format!("word {} written, but the header announces {} words", self.written, self.words)));
        }
        write_line(&mut self.out, &mut self.line, w, self.width)?;
        self.written += 1;
        Ok(())
    }

    /// Checks that every announced word was written and returns the output, flushed.
    pub fn finish(mut self) -> io::Result<W> {
        if self.written != self.words {
            return Err(invalid(format!("{} words written, but the header announces {}", self.written, self.words)));
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

fn write_line<W: Write>(out: &mut W, line: &mut Vec<u8>, w: &[u64], width: u32) -> io::Result<()> {
    word::check_fits(w, width).map_err(|e| invalid(e.to_string()))?;
    line.clear();
    word::push_hex(line, w, width);
    line.push(b'\n');
    out.write_all(line)
}

/// A whole vector file as bytes (for tests and small files).
pub fn to_bytes(header: &Header, words: &[Vec<u64>]) -> io::Result<Vec<u8>> {
    let mut w = VectorWriter::new(Vec::new(), header)?;
    for x in words {
        w.write_word(x)?;
    }
    w.finish()
}

/// A vector file whose body is written before its header is known.
#[derive(Debug)]
pub struct BodyFile {
    path: PathBuf,
    tmp: PathBuf,
    out: BufWriter<File>,
    width: u32,
    written: u64,
    line: Vec<u8>,
}

impl BodyFile {
    /// Starts the file `path`, with `width`-bit words; the body goes to `path` + `.body`
    /// until [`BodyFile::finish`].
    pub fn create(path: &Path, width: u32) -> io::Result<BodyFile> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".body");
        let tmp = PathBuf::from(tmp);
        let out = BufWriter::with_capacity(1 << 16, File::create(&tmp)?);
        Ok(BodyFile { path: path.to_path_buf(), tmp, out, width, written: 0, line: Vec::new() })
    }

    /// Appends one word.
    pub fn write_word(&mut self, w: &[u64]) -> io::Result<()> {
        write_line(&mut self.out, &mut self.line, w, self.width)?;
        self.written += 1;
        Ok(())
    }

    /// Words written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Writes the file: `header` (whose width and words must be this body's), then the
    /// body; removes the temporary file.
    pub fn finish(self, header: &Header) -> io::Result<()> {
        if header.width != self.width || header.words != self.written {
            return Err(invalid(format!(
                "header announces {} words of {} bits, the body has {} of {}",
                header.words, header.width, self.written, self.width
            )));
        }
        let BodyFile { path, tmp, out, .. } = self;
        out.into_inner().map_err(|e| e.into_error())?.sync_all().or(Ok::<(), io::Error>(()))?;
        let mut dst = BufWriter::with_capacity(1 << 16, File::create(&path)?);
        dst.write_all(header.text().as_bytes())?;
        io::copy(&mut BufReader::with_capacity(1 << 16, File::open(&tmp)?), &mut dst)?;
        dst.flush()?;
        fs::remove_file(&tmp)
    }

    /// Drops the temporary file (a run that failed).
    pub fn abandon(self) {
        let _ = fs::remove_file(&self.tmp);
    }
}
