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
            return Err(invalid(format!(
                "word {} written, but the header announces {} words",
                self.written, self.words
            )));
        }
        write_line(&mut self.out, &mut self.line, w, self.width)?;
        self.written += 1;
        Ok(())
    }

    /// Checks that every announced word was written and returns the output, flushed.
    pub fn finish(mut self) -> io::Result<W> {
        if self.written != self.words {
            return Err(invalid(format!(
                "{} words written, but the header announces {}",
                self.written, self.words
            )));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::{RunSpec, SetSpec};
    use crate::stream::StreamKind;
    use tessera_model::channel::ChannelFaults;
    use tessera_model::LinkParams;

    fn header(words: u64) -> Header {
        let set = SetSpec {
            params: LinkParams { lanes: 1, spares: 0, am_period: 16, max_skew_bits: 0, ser_w: 11, seed: 1 },
            channel_of: vec![0],
            failed: vec![],
            faults: ChannelFaults::default(),
            run: RunSpec { valid_percent: 100, lead_slots: 0, stripes: 0, slots: words / 6 },
        };
        Header::for_stream(StreamKind::TxExpected, &set, 11, words)
    }

    #[test]
    fn words_are_fixed_width_lines() {
        let bytes =
            to_bytes(&header(6), &[vec![0x7ff], vec![1], vec![0], vec![0x305], vec![0xa], vec![0x100]])
                .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.ends_with("\n7ff\n001\n000\n305\n00a\n100\n"), "{text}");
    }

    #[test]
    fn counts_and_widths_are_enforced() {
        let mut w = VectorWriter::new(Vec::new(), &header(6)).unwrap();
        assert_eq!(
            w.write_word(&[0x800]).unwrap_err().to_string(),
            "word has bit 11 set, beyond the 11-bit bus"
        );
        assert_eq!(
            w.write_word(&[0, 0]).unwrap_err().to_string(),
            "word has 2 64-bit limbs, a 11-bit bus needs 1"
        );
        w.write_word(&[1]).unwrap();
        assert_eq!(w.finish().unwrap_err().to_string(), "1 words written, but the header announces 6");
        let mut w = VectorWriter::new(Vec::new(), &header(0)).unwrap();
        assert!(w.write_word(&[1]).is_err());
    }

    #[test]
    fn body_file_puts_the_header_first() {
        let dir = std::env::temp_dir().join(format!("tessera-writer-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tx_expected.hex");
        let mut f = BodyFile::create(&path, 11).unwrap();
        for i in 0..6 {
            f.write_word(&[i]).unwrap();
        }
        assert_eq!(f.written(), 6);
        f.finish(&header(6)).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("// format: tessera-vectors\n") && text.ends_with("\n004\n005\n"));
        assert!(!dir.join("tx_expected.hex.body").exists());
        let f = BodyFile::create(&path, 11).unwrap();
        assert!(f.finish(&header(6)).is_err(), "a body of 0 words under a header of 6");
        let _ = fs::remove_dir_all(&dir);
    }
}
