//! Co-simulation speed: clocks per second of the Rust harness (a `Pair` in TX mode: the
//! DUT's Verilated TX loaded from the build cache, the model's TX and the bit-for-bit
//! comparison every clock) against a native C++ loop that drives the same library
//! instance's model with the same input frames (`TxDut::clocks_native`, compiled into
//! every DUT library by its shim; the reset and the lane-map writes made as the harness
//! makes them), in the same run, for a small and a 1024-channel DUT.
//! Also the RX and end-to-end harness rates.
//!
//! `cargo bench --features cosim --bench cosim`. The figure is the ratio of the two times.

use criterion::{BenchmarkId, Criterion, Throughput};
use tessera_cosim::harness::{load, on_dut_thread, run_set, LinkRun, Mode};
use tessera_cosim::{builtin, BuildOptions, Dut};
use tessera_model::marker::SPARE_LANE;
use tessera_vectors::gen::{self, MemorySink};
use tessera_vectors::StreamKind;

/// The input frames of a planned TX run, clock by clock, as `TxDut::clock` drives them.
fn frames(dut: &Dut, set: &tessera_vectors::header::SetSpec) -> Vec<u32> {
    let lanes = dut.link().lanes as usize;
    let mut sink = MemorySink::default();
    let _ = gen::run(set, &mut sink).expect("plannable").expect("memory sink");
    let mut tx = dut.new_tx().expect("TX");
    tx.reset(1).expect("reset");
    tx.release();
    let mut out = Vec::new();
    let mut data = Vec::new();
    for w in sink.words(StreamKind::TxStimulus) {
        data.clear();
        data.extend(w[..lanes].iter().flat_map(|&l| [l as u32, (l >> 32) as u32]));
        out.extend(tx.frame(w[lanes] & 1 == 1, &data));
    }
    out
}

fn bench(c: &mut Criterion) {
    let opts = BuildOptions::default();
    for (name, stripes, samples) in [("small", 2000, 20), ("wide", 40, 10)] {
        let dut = load(&builtin(name).expect("built-in"), &opts).expect("builds");
        let run = LinkRun::new(dut.file(), Mode::Tx, 1, stripes);
        let set = run.plan(&dut).expect("plannable");
        let clocks = set.clocks();
        let frames = frames(&dut, &set);
        let mut g = c.benchmark_group(format!("cosim_tx_{name}"));
        g.sample_size(samples);
        g.throughput(Throughput::Elements(clocks));
        g.bench_function(BenchmarkId::new("native_cpp_loop", clocks), |b| {
            b.iter(|| {
                // As the harness does: reset, the lane map written during reset, then the run.
                let mut tx = dut.new_tx().expect("TX");
                tx.reset(4).expect("reset");
                for c in 0..dut.channels() {
                    let lane = if c < dut.link().lanes { c as u16 } else { SPARE_LANE };
                    tx.clock(false, None, Some((c as u16, lane, false))).expect("map write");
                }
                tx.release();
                tx.clocks_native(&frames).expect("runs")
            })
        });
        g.bench_function(BenchmarkId::new("rust_harness", clocks), |b| {
            b.iter(|| run_set(&dut, Mode::Tx, &set, None, None, String::new()).expect("agrees"))
        });
        g.finish();
    }
    let dut = load(&builtin("small").expect("built-in"), &opts).expect("builds");
    for mode in [Mode::Rx, Mode::EndToEnd] {
        let run = LinkRun::new(dut.file(), mode, 1, 2000);
        let set = run.plan(&dut).expect("plannable");
        let mut g = c.benchmark_group(format!("cosim_{mode}_small"));
        g.sample_size(10);
        g.throughput(Throughput::Elements(set.clocks()));
        g.bench_function(BenchmarkId::new("rust_harness", set.clocks()), |b| {
            b.iter(|| run_set(&dut, mode, &set, None, None, String::new()).expect("agrees"))
        });
        g.finish();
    }
}

fn main() {
    // Verilated models of wide DUTs need a large stack; criterion runs on that thread.
    on_dut_thread("cosim-bench".into(), || {
        let mut c = Criterion::default().configure_from_args();
        bench(&mut c);
        c.final_summary();
        Ok(())
    })
    .expect("benchmark thread");
}
