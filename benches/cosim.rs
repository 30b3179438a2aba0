//! Co-simulation speed (issue 7, item 3): clocks per second of the Rust harness (a `Pair`
//! in TX mode: the Verilated TX, the model's TX and the bit-for-bit comparison every
//! clock) against a native C++ loop that drives the same Verilated TX with the same
//! stimulus (`tessera_cosim::native_tx_loop`, built by the same build.rs), in the same
//! run, for a small and a 1024-channel build. Also the RX and end-to-end harness rates.
//!
//! `cargo bench --features cosim --bench cosim`. The figure is the ratio of the two times.

use criterion::{BenchmarkId, Criterion, Throughput};
use tessera_cosim::harness::{on_dut_thread, run_set, LinkRun, Mode};
use tessera_cosim::{native_tx_loop, DutConfig};
use tessera_vectors::gen::{self, MemorySink};
use tessera_vectors::StreamKind;

/// The stimulus of a planned TX run as the native loop takes it: valid per clock and the
/// data words of every clock.
fn stimulus(set: &tessera_vectors::header::SetSpec, lanes: usize) -> (Vec<u8>, Vec<u32>) {
    let mut sink = MemorySink::default();
    let _ = gen::run(set, &mut sink).expect("plannable").expect("memory sink");
    let words = sink.words(StreamKind::TxStimulus);
    let valid = words.iter().map(|w| (w[lanes] & 1) as u8).collect();
    let data =
        words.iter().flat_map(|w| w[..lanes].iter().flat_map(|&l| [l as u32, (l >> 32) as u32])).collect();
    (valid, data)
}

fn bench(c: &mut Criterion) {
    for (name, stripes, samples) in [("small", 2000, 20), ("wide", 40, 10)] {
        let cfg = DutConfig::by_name(name).expect("built");
        let run = LinkRun::new(name, Mode::Tx, 1, stripes);
        let (cfg_, set) = run.plan().expect("plannable");
        let clocks = set.clocks();
        let (valid, data) = stimulus(&set, cfg.lanes as usize);
        assert_eq!(valid.len() as u64, clocks);
        let mut g = c.benchmark_group(format!("cosim_tx_{name}"));
        g.sample_size(samples);
        g.throughput(Throughput::Elements(clocks));
        g.bench_function(BenchmarkId::new("native_cpp_loop", clocks), |b| {
            b.iter(|| native_tx_loop(name, &valid, &data).expect("runs"))
        });
        g.bench_function(BenchmarkId::new("rust_harness", clocks), |b| {
            b.iter(|| run_set(cfg_, Mode::Tx, &set, None, None, String::new()).expect("agrees"))
        });
        g.finish();
    }
    for mode in [Mode::Rx, Mode::EndToEnd] {
        let run = LinkRun::new("small", mode, 1, 2000);
        let (cfg, set) = run.plan().expect("plannable");
        let mut g = c.benchmark_group(format!("cosim_{mode}_small"));
        g.sample_size(10);
        g.throughput(Throughput::Elements(set.clocks()));
        g.bench_function(BenchmarkId::new("rust_harness", set.clocks()), |b| {
            b.iter(|| run_set(cfg, mode, &set, None, None, String::new()).expect("agrees"))
        });
        g.finish();
    }
}

fn main() {
    // Verilated models of wide builds need a large stack; criterion runs on that thread.
    on_dut_thread("cosim-bench".into(), || {
        let mut c = Criterion::default().configure_from_args();
        bench(&mut c);
        c.final_summary();
        Ok(())
    })
    .expect("benchmark thread");
}
