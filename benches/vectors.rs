//! Vector files: write and parse throughput of a vector set against reading the same
//! files' bytes, all measured in the same run. The figures that matter are the ratios (see
//! BENCHMARKS.md); criterion reports each as bytes of vector file per second, and after the
//! criterion run this bench prints the ratios to the raw reads from criterion's estimates.
//!
//! Run: `cargo bench --bench vectors`.
//!
//! The set (64 lanes + 4 spares, `ser_w` 22, random skew, permuted fibre, BER 1e-7, the
//! five streams of `tessera gen`) is generated once into a temporary folder, outside the
//! timing, and the files are in the page cache when they are read:
//!
//! * `read_fs`: `std::fs::read` of every stream file;
//! * `read_buf`: a `BufReader` (64 KiB, as the parser's) loop over every stream file;
//! * `parse`: `VectorReader::open` and every word of every stream (header parsed, every
//!   word checked and decoded, the end of each file checked), as `tessera check` reads;
//! * `write`: `VectorWriter` of the same headers and words to files in the same folder.
//!
//! For instruction counts (callgrind), `TESSERA_PROFILE=parse` (or `write`, `read_buf`) runs
//! that workload `TESSERA_PROFILE_ITERS` times (default 2) with no criterion around it.

use std::fs::{self, File};
use std::hint::black_box;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::{Path, PathBuf};

use criterion::{criterion_group, Criterion, Throughput};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tessera_model::channel::ChannelFaults;
use tessera_model::LinkParams;
use tessera_vectors::gen::{plan, GenSpec};
use tessera_vectors::header::Header;
use tessera_vectors::writer::VectorWriter;
use tessera_vectors::{set, VectorReader, DATA_STREAMS};

/// Stripes of the run: about 20 MB of vector files.
const STRIPES: u64 = 3000;

/// A generated set on disk, and its words in memory for the write benchmark.
struct Fixture {
    dir: PathBuf,
    files: Vec<PathBuf>,
    bytes: u64,
    /// (header, words as limbs, limbs per word) of each stream.
    streams: Vec<(Header, Vec<u64>, usize)>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn fixture() -> Fixture {
    let dir = std::env::temp_dir().join(format!("tessera-bench-vectors-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let params = LinkParams { lanes: 64, spares: 4, am_period: 64, max_skew_bits: 1056, ser_w: 22, seed: 11 };
    let channels = params.lanes + params.spares;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let faults = ChannelFaults {
        skew_bits: ChannelFaults::random_skew(channels, 500, &mut rng),
        source_of_port: ChannelFaults::random_permutation(channels, &mut rng),
        ber: 1e-7,
        ..Default::default()
    };
    let spec = GenSpec {
        params,
        channel_of: None,
        failed: Vec::new(),
        faults,
        valid_percent: 100,
        stripes: STRIPES,
        lead_slots: None,
        stress: Vec::new(),
        channel_delay_slots: 0,
    };
    let set = plan(&spec).expect("a valid benchmark set");
    set::write_set(&dir, &set, &mut |_| {}).expect("the benchmark set is written");
    let files: Vec<PathBuf> = DATA_STREAMS.iter().map(|s| dir.join(s.file_name())).collect();
    let bytes = files.iter().map(|f| fs::metadata(f).expect("a stream file").len()).sum();
    let streams = files
        .iter()
        .map(|f| {
            let mut r = VectorReader::open(f).expect("a valid stream file");
            let mut words = Vec::new();
            let mut limbs = 0;
            while let Some(w) = r.next_word().expect("a valid word") {
                limbs = w.len();
                words.extend_from_slice(w);
            }
            (r.header().clone(), words, limbs)
        })
        .collect();
    Fixture { dir, files, bytes, streams }
}

fn read_fs(f: &Fixture) -> usize {
    f.files.iter().map(|p| black_box(fs::read(p).expect("readable")).len()).sum()
}

fn read_buf(f: &Fixture) -> usize {
    let mut n = 0;
    for p in &f.files {
        let mut r = BufReader::with_capacity(1 << 16, File::open(p).expect("readable"));
        loop {
            let got = black_box(r.fill_buf().expect("readable")).len();
            if got == 0 {
                break;
            }
            n += got;
            r.consume(got);
        }
    }
    n
}

fn parse(f: &Fixture) -> u64 {
    let mut sum = 0u64;
    for p in &f.files {
        let mut r = VectorReader::open(p).expect("a valid stream file");
        while let Some(w) = r.next_word().expect("a valid word") {
            sum = sum.wrapping_add(w[0]);
        }
    }
    sum
}

fn write(f: &Fixture, out: &Path) {
    for (i, (header, words, limbs)) in f.streams.iter().enumerate() {
        let file =
            BufWriter::with_capacity(1 << 16, File::create(out.join(format!("w{i}.hex"))).expect("writable"));
        let mut w = VectorWriter::new(file, header).expect("writable");
        for word in words.chunks(*limbs) {
            w.write_word(word).expect("a word that fits");
        }
        w.finish().expect("every word written");
    }
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let out = f.dir.join("written");
    fs::create_dir_all(&out).expect("writable");
    read_fs(&f); // into the page cache
    let mut group = c.benchmark_group("vectors");
    group.throughput(Throughput::Bytes(f.bytes));
    group.sample_size(10).warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(4));
    group.bench_function("read_fs", |b| b.iter(|| read_fs(&f)));
    group.bench_function("read_buf", |b| b.iter(|| read_buf(&f)));
    group.bench_function("parse", |b| b.iter(|| parse(&f)));
    group.bench_function("write", |b| b.iter(|| write(&f, &out)));
    group.finish();
    println!("vector set: {} bytes in {} stream files", f.bytes, f.files.len());
}

/// Criterion's mean estimate (ns per iteration) of `vectors/<name>`, from its files.
fn mean_ns(name: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|p| p.ancestors().nth(3).map(|p| p.to_path_buf()))
            .unwrap_or_else(|| "target".into())
    });
    let path = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| target.join("criterion"))
        .join("vectors")
        .join(name)
        .join("new")
        .join("estimates.json");
    let text = fs::read_to_string(path).ok()?;
    let rest = &text[text.find("\"mean\"")?..];
    let at = rest.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let rest = rest[at..].trim_start();
    let end = rest.find(|c: char| !(c.is_ascii_digit() || ".eE+-".contains(c)))?;
    rest[..end].parse().ok()
}

fn summary() {
    println!("\nvector files, throughput as a fraction of the raw reads (mean times):");
    println!("{:<10} {:>12} {:>14} {:>14}", "", "time", "/ read_fs", "/ read_buf");
    let (Some(fs_t), Some(buf_t)) = (mean_ns("read_fs"), mean_ns("read_buf")) else { return };
    for name in ["read_fs", "read_buf", "parse", "write"] {
        let Some(t) = mean_ns(name) else { continue };
        println!("{:<10} {:>9.2} ms {:>14.3} {:>14.3}", name, t / 1e6, fs_t / t, buf_t / t);
    }
}

criterion_group!(vectors, benches);

fn main() {
    if let Ok(which) = std::env::var("TESSERA_PROFILE") {
        let iters: usize =
            std::env::var("TESSERA_PROFILE_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(2);
        let f = fixture();
        let out = f.dir.join("written");
        fs::create_dir_all(&out).expect("writable");
        for _ in 0..iters {
            match which.as_str() {
                "parse" => {
                    black_box(parse(&f));
                }
                "write" => write(&f, &out),
                "read_buf" => {
                    black_box(read_buf(&f));
                }
                _ => panic!("no workload {which}"),
            }
        }
        println!("{which}: {iters} iterations of {} bytes", f.bytes);
        return;
    }
    vectors();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
