//! Model throughput: TX alone, RX alone and TX -> channel -> RX, each against memcpy of the
//! same payload bytes measured in the same run. The figure that matters is the ratio of
//! throughputs (see BENCHMARKS.md); criterion reports each as bytes of payload per second.
//!
//! Run: `cargo bench --bench model`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use tessera_model::channel::ChannelFaults;
use tessera_model::link::Link;
use tessera_model::serial::BitQueue;
use tessera_model::{LaneMap, LinkConfig, LinkParams};

/// Stripes per measured iteration.
const STRIPES: usize = 256;

/// (name, lanes, spares)
const LINKS: [(&str, u32, u32); 3] = [("16", 16, 0), ("400+16", 400, 16), ("4096", 4096, 0)];

fn config(lanes: u32, spares: u32) -> LinkConfig {
    LinkConfig::new(LinkParams { lanes, spares, am_period: 1024, max_skew_bits: 1056, ser_w: 22, seed: 7 })
        .expect("valid benchmark configuration")
}

/// An aligned link with a realistic skew spread and permutation, and stripes to send.
fn aligned_link(lanes: u32, spares: u32) -> (Link, Vec<u64>) {
    let cfg = config(lanes, spares);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let faults = ChannelFaults {
        skew_bits: ChannelFaults::random_skew(cfg.channels(), 600, &mut rng),
        source_of_port: ChannelFaults::random_permutation(cfg.channels(), &mut rng),
        ..Default::default()
    };
    let mut link = Link::new(&cfg, LaneMap::identity(lanes, spares), faults, 7).unwrap();
    link.bring_up(Link::bring_up_budget(&cfg)).unwrap();
    let stripes = (0..STRIPES * lanes as usize).map(|_| rng.next_u64()).collect();
    (link, stripes)
}

fn send(link: &mut Link, stripes: &[u64], lanes: usize, out: &mut Vec<u64>) {
    for s in stripes.chunks(lanes) {
        while !link.step(Some(s)) {}
        link.poll_stripes(out);
    }
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("model");
    group.sample_size(10);
    for (name, lanes, spares) in LINKS {
        let (link, stripes) = aligned_link(lanes, spares);
        let bytes = (stripes.len() * 8) as u64;
        group.throughput(Throughput::Bytes(bytes));

        group.bench_function(BenchmarkId::new("memcpy", name), |b| {
            let mut dst = vec![0u64; stripes.len()];
            b.iter(|| {
                dst.copy_from_slice(black_box(&stripes));
                black_box(&dst);
            })
        });

        group.bench_function(BenchmarkId::new("tx", name), |b| {
            let mut tx = link.tx.clone();
            let mut wires = vec![0u128; tx.config().channels() as usize];
            b.iter(|| {
                for s in stripes.chunks(lanes as usize) {
                    while !tx.step(Some(s), &mut wires) {}
                    black_box(&wires);
                }
            })
        });

        // RX alone: the channel's output for the stripes is recorded once, outside the timing.
        let mut recorder = link.clone();
        let mut recorded: Vec<BitQueue> = vec![BitQueue::new(); recorder.channel.channels() as usize];
        let mut wires = vec![0u128; recorded.len()];
        for s in stripes.chunks(lanes as usize) {
            loop {
                let taken = recorder.tx.step(Some(s), &mut wires);
                recorder.channel.carry(&wires);
                for (q, port) in recorded.iter_mut().zip(recorder.channel.ports_mut()) {
                    q.push_bits(port.as_bitslice());
                    let n = port.len();
                    port.consume(n);
                }
                if taken {
                    break;
                }
            }
        }
        group.bench_function(BenchmarkId::new("rx", name), |b| {
            b.iter_batched(
                || (link.rx.clone(), recorded.clone(), Vec::with_capacity(stripes.len())),
                |(mut rx, mut ports, mut out)| {
                    rx.handle_bits(&mut ports);
                    rx.poll_stripes(&mut out);
                    black_box(out)
                },
                BatchSize::LargeInput,
            )
        });

        group.bench_function(BenchmarkId::new("end_to_end", name), |b| {
            b.iter_batched(
                || (link.clone(), Vec::with_capacity(stripes.len())),
                |(mut l, mut out)| {
                    send(&mut l, &stripes, lanes as usize, &mut out);
                    black_box(out)
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(model, benches);
criterion_main!(model);
