//! Model throughput: TX alone, RX alone and TX -> channel -> RX, each against memcpy of the
//! same payload bytes measured in the same run, at 16, 400 + 16 and 4096 lanes. The figure
//! that matters is the ratio of throughputs (see BENCHMARKS.md); criterion reports each as
//! bytes of payload per second, and after the criterion run this bench prints a table of
//! ratios to memcpy from criterion's own estimates.
//!
//! TX, RX and `end_to_end` run the fast path on one thread (a one-thread rayon pool),
//! `end_to_end_2t` the same on two, and `per_block` end to end with the fast path off (the
//! model block period by block period, as before the fast path), all in the same run.
//!
//! Run: `cargo bench --bench model`.
//!
//! After criterion, the bench runs end to end at every link on two threads with the
//! model's parallel work off (one thread's work), on, and as two links at once, one a
//! thread (the machine's own bound), in turns, a few iterations at a time, and prints on
//! over off, the two links' throughput over off and the time per payload bit from 16 to
//! 4096 lanes from those runs ([`in_turns`]): taken in the same seconds, they do not move
//! with this machine's drift as criterion's runs one after another do.
//! `TESSERA_PROFILE=turns` runs only that.
//!
//! For instruction counts (callgrind), `TESSERA_PROFILE=<kind>/<link>` runs one workload a
//! fixed number of times with no criterion around it, e.g.
//! `TESSERA_PROFILE=end_to_end/400+16 valgrind --tool=callgrind target/release/deps/model-*`;
//! `<kind>` is `tx`, `rx`, `end_to_end`, `end_to_end_2t`, `per_block` (end to end with
//! the fast path off) or `memcpy`, `<link>` is `16`, `400+16` or `4096`,
//! and `TESSERA_PROFILE_ITERS` sets the iteration count (default 4).

use criterion::{criterion_group, BatchSize, BenchmarkId, Criterion, Throughput};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use tessera_model::channel::ChannelFaults;
use tessera_model::link::Link;
use tessera_model::serial::BitQueue;
use tessera_model::{LaneMap, LinkConfig, LinkParams};

/// Payload words (8 bytes each) per measured iteration: 256 stripes of 400 lanes, as whole
/// stripes of each link, and never fewer than [`MIN_STRIPES`] stripes.
const WORDS: usize = 256 * 400;
/// Stripes per iteration at least (the widest link).
const MIN_STRIPES: usize = 64;

fn stripes_of(lanes: u32) -> usize {
    (WORDS / lanes as usize).max(MIN_STRIPES)
}

/// (name, lanes, spares)
const LINKS: [(&str, u32, u32); 3] = [("16", 16, 0), ("400+16", 400, 16), ("4096", 4096, 0)];

fn config(lanes: u32, spares: u32) -> LinkConfig {
    LinkConfig::new(LinkParams { lanes, spares, am_period: 1024, max_skew_bits: 1056, ser_w: 22, seed: 7 })
        .expect("valid benchmark configuration")
}

/// Everything one link's benchmarks need, built outside the timing.
struct Setup {
    lanes: usize,
    /// An aligned link with a realistic skew spread and permutation.
    link: Link,
    /// The stripes to send, lane 0 first.
    stripes: Vec<u64>,
    /// What the channel delivers to each RX port for those stripes, for RX alone.
    recorded: Vec<BitQueue>,
}

fn setup(lanes: u32, spares: u32) -> Setup {
    let cfg = config(lanes, spares);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let faults = ChannelFaults {
        skew_bits: ChannelFaults::random_skew(cfg.channels(), 600, &mut rng),
        source_of_port: ChannelFaults::random_permutation(cfg.channels(), &mut rng),
        ..Default::default()
    };
    let mut link = Link::new(&cfg, LaneMap::identity(lanes, spares), faults, 7).unwrap();
    link.bring_up(Link::bring_up_budget(&cfg)).unwrap();
    let n = stripes_of(lanes) * lanes as usize;
    let stripes: Vec<u64> = (0..n).map(|_| rng.next_u64()).collect();

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
    let mut rx = link.rx.clone();
    rx.handle_bits(&mut recorded.clone());
    let mut check = Vec::new();
    rx.poll_stripes(&mut check);
    assert!(check.len() + 32 * lanes as usize >= stripes.len(), "RX alone receives the stripes");
    Setup { lanes: lanes as usize, link, stripes, recorded }
}

fn memcpy(s: &Setup, dst: &mut [u64]) {
    dst.copy_from_slice(black_box(&s.stripes));
    black_box(dst);
}

/// Block periods per `encode_periods` call in the TX bench: the batch `Link::send` uses.
fn tx_batch(channels: usize) -> usize {
    ((1 << 16) / channels).clamp(1, 256)
}

fn tx(s: &Setup, tx: &mut tessera_model::tx::Transmitter, wires: &mut Vec<u128>) {
    let channels = s.recorded.len();
    let k = tx_batch(channels);
    wires.resize(channels * k, 0);
    let mut rest = &s.stripes[..];
    while !rest.is_empty() {
        let k = (rest.len() / s.lanes).min(k);
        let taken = tx.encode_periods(rest, k, &mut wires[..channels * k]);
        rest = &rest[taken * s.lanes..];
        black_box(&wires);
    }
}

fn rx(mut rx: tessera_model::rx::Receiver, mut ports: Vec<BitQueue>, mut out: Vec<u64>) -> Vec<u64> {
    rx.handle_bits(&mut ports);
    rx.poll_stripes(&mut out);
    out
}

/// TX -> channel -> RX, on the fast path (`Link::send`), or block period by block period
/// through the per-block machines when the link's fast path is off.
fn end_to_end(s: &Setup, link: &mut Link, out: &mut Vec<u64>) {
    link.send(&s.stripes);
    link.poll_stripes(out);
}

/// A rayon pool of `n` threads.
fn pool(n: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("a thread pool")
}

/// `TESSERA_PROFILE=<kind>/<link>`: one workload, a fixed number of times, for callgrind.
fn profile(which: &str) {
    let (kind, name) = which.split_once('/').expect("TESSERA_PROFILE=<kind>/<link>");
    let &(_, lanes, spares) = LINKS.iter().find(|l| l.0 == name).unwrap_or_else(|| panic!("no link {name}"));
    let iters: usize = std::env::var("TESSERA_PROFILE_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    // One pool, entered once for the set-up and once for every iteration, as in the
    // criterion run. The set-up runs in it too: on a pool of more threads, those kept
    // awake would run a number of instructions that depends on timing.
    let pool = pool(if kind == "end_to_end_2t" { 2 } else { 1 });
    let s = pool.install(|| setup(lanes, spares));
    let mut link = s.link.clone();
    let mut out = Vec::with_capacity(s.stripes.len());
    // One round first, so that the link's buffers have their steady-state sizes.
    pool.install(|| end_to_end(&s, &mut link, &mut out));
    link.set_fast_path(kind != "per_block");
    pool.install(|| {
        for _ in 0..iters {
            match kind {
                "memcpy" => memcpy(&s, &mut vec![0; s.stripes.len()]),
                "tx" => tx(&s, &mut s.link.tx.clone(), &mut Vec::new()),
                "rx" => {
                    black_box(rx(s.link.rx.clone(), s.recorded.clone(), Vec::with_capacity(s.stripes.len())));
                }
                "end_to_end" | "end_to_end_2t" | "per_block" => {
                    out.clear();
                    end_to_end(&s, &mut link, &mut out);
                    black_box(&out);
                }
                _ => panic!("no workload {kind}"),
            }
        }
    });
    println!("{which}: {iters} iterations of {} payload bytes", s.stripes.len() * 8);
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("model");
    for (name, lanes, spares) in LINKS {
        let s = setup(lanes, spares);
        group.throughput(Throughput::Bytes((s.stripes.len() * 8) as u64));
        // The model runs take 10-100 ms an iteration; memcpy takes microseconds.
        group.sample_size(10).warm_up_time(std::time::Duration::from_secs(1));
        group.measurement_time(std::time::Duration::from_secs(3));

        group.bench_function(BenchmarkId::new("memcpy", name), |b| {
            let mut dst = vec![0u64; s.stripes.len()];
            b.iter(|| memcpy(&s, &mut dst))
        });
        // TX, RX and end to end on one thread; end to end also on two.
        let one = pool(1);
        group.bench_function(BenchmarkId::new("tx", name), |b| {
            let mut t = s.link.tx.clone();
            let mut wires = Vec::new();
            one.install(|| b.iter(|| tx(&s, &mut t, &mut wires)))
        });
        group.bench_function(BenchmarkId::new("rx", name), |b| {
            one.install(|| {
                b.iter_batched(
                    || (s.link.rx.clone(), s.recorded.clone(), Vec::with_capacity(s.stripes.len())),
                    |(r, ports, out)| black_box(rx(r, ports, out)),
                    BatchSize::LargeInput,
                )
            })
        });
        // One link runs on from iteration to iteration, as in a long regression: its
        // buffers have their steady-state sizes (a fresh clone would grow them again).
        // `per_block` is the same link with the fast path off: the model as it was.
        for (kind, threads, fast) in [("end_to_end", 1, true), ("end_to_end_2t", 2, true), ("per_block", 1, false)] {
            group.bench_function(BenchmarkId::new(kind, name), |b| {
                let mut link = s.link.clone();
                link.set_fast_path(fast);
                let mut out = Vec::with_capacity(s.stripes.len());
                pool(threads).install(|| {
                    b.iter(|| {
                        out.clear();
                        end_to_end(&s, &mut link, &mut out);
                        black_box(&out);
                    })
                })
            });
        }
    }
    group.finish();
}

/// Criterion's mean estimate (ns per iteration) of `model/<kind>/<link>`, from its files.
fn mean_ns(kind: &str, link: &str) -> Option<f64> {
    let dir = std::env::var_os("CRITERION_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            let target =
                std::env::var_os("CARGO_TARGET_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| {
                    std::env::current_exe()
                        .ok()
                        .and_then(|p| p.ancestors().nth(3).map(|p| p.to_path_buf()))
                        .unwrap_or_else(|| "target".into())
                });
            target.join("criterion")
        })
        .join("model")
        .join(kind)
        .join(link)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(dir).ok()?;
    let at = text.find("\"mean\"")?;
    let rest = &text[at..];
    let at = rest.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let rest = rest[at..].trim_start();
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e' || c == '-' || c == '+'))?;
    rest[..end].parse().ok()
}

/// The ratios to memcpy, printed after the criterion run.
fn summary() {
    println!("\nmodel throughput as a fraction of memcpy of the same payload bytes (mean times):");
    println!(
        "{:<8} {:>12} {:>8} {:>8} {:>11} {:>9} {:>10} {:>12} {:>11}",
        "link", "memcpy", "tx", "rx", "end_to_end", "2 threads", "per_block", "fast/block", "e2e ns/bit"
    );
    for (name, lanes, _) in LINKS {
        let bits = (stripes_of(lanes) * lanes as usize * 64) as f64;
        let Some(m) = mean_ns("memcpy", name) else { continue };
        let ratio = |k: &str| mean_ns(k, name).map_or("-".to_string(), |t| format!("{:.4}", m / t));
        let per_bit = mean_ns("end_to_end", name).map_or("-".to_string(), |t| format!("{:.4}", t / bits));
        let speedup = |a: &str, b: &str| match (mean_ns(a, name), mean_ns(b, name)) {
            (Some(a), Some(b)) => format!("{:.2}x", b / a),
            _ => "-".to_string(),
        };
        println!(
            "{:<8} {:>9.1} us {:>8} {:>8} {:>11} {:>9} {:>10} {:>12} {:>11}",
            name,
            m / 1000.0,
            ratio("tx"),
            ratio("rx"),
            ratio("end_to_end"),
            speedup("end_to_end_2t", "end_to_end"),
            ratio("per_block"),
            speedup("end_to_end", "per_block"),
            per_bit
        );
    }
}

/// Turns of [`in_turns`], and iterations in each turn (the first of a turn is not counted:
/// it follows the switch of mode or of link).
const TURNS: usize = 40;
const TURN_ITERS: usize = 5;

/// End to end at every link on one pool of two threads in three modes: the model's
/// parallel work off (`set_min_parallel_blocks(usize::MAX)`: the steady batch then runs
/// what it runs on one thread, the other thread asleep), on, and, as the machine's own
/// bound, two copies of the link at once with the parallel work off, one on each thread,
/// sharing nothing but the stripes they read. A few iterations of each at a time, the
/// links and modes taking turns, in this process: the speed of this machine drifts by
/// tens of percent over seconds (BENCHMARKS.md), which criterion's runs one after another
/// take into their ratios; runs in turns share it, on the same threads and caches (two
/// pools in turns are not a fair test here: the idle pool's threads take the other pool's
/// time). Prints, from the median time of an iteration of each, on over off and the two
/// copies' throughput over off at each link, and off's time per payload bit at 4096 lanes
/// over that at 16.
fn in_turns() {
    use tessera_model::parallel::{set_min_parallel_blocks, MIN_PARALLEL_BLOCKS};
    let setups: Vec<(&str, Setup)> = LINKS.iter().map(|&(name, l, sp)| (name, setup(l, sp))).collect();
    // Per link: two links of its own, and an iteration's times in each mode.
    let mut runs: Vec<([Link; 2], [Vec<f64>; 3])> =
        setups.iter().map(|(_, s)| ([s.link.clone(), s.link.clone()], Default::default())).collect();
    let (mut out, mut out2) = (Vec::new(), Vec::new());
    pool(2).install(|| {
        for turn in 0..TURNS {
            for ((_, s), ([link, link2], times)) in setups.iter().zip(runs.iter_mut()) {
                // The modes in a turning order: the later turns on a link run faster,
                // whichever mode they are.
                for mode in (0..3).map(|m| (m + turn) % 3) {
                    set_min_parallel_blocks(if mode == 1 { MIN_PARALLEL_BLOCKS } else { usize::MAX });
                    for k in 0..TURN_ITERS {
                        let start = std::time::Instant::now();
                        if mode == 2 {
                            rayon::join(
                                || {
                                    out.clear();
                                    end_to_end(s, link, &mut out)
                                },
                                || {
                                    out2.clear();
                                    end_to_end(s, link2, &mut out2)
                                },
                            );
                        } else {
                            out.clear();
                            end_to_end(s, link, &mut out);
                        }
                        if k > 0 {
                            times[mode].push(start.elapsed().as_secs_f64());
                        }
                        black_box((&out, &out2));
                    }
                }
            }
        }
    });
    set_min_parallel_blocks(MIN_PARALLEL_BLOCKS);
    let median = |times: &mut Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    println!(
        "\nend to end in turns on two threads: parallel work off (one thread's work), on, and two \
         links at once ({TURNS} turns of {} counted iterations each, median times):",
        TURN_ITERS - 1
    );
    println!("{:<8} {:>12} {:>12} {:>13} {:>9} {:>16}", "link", "off", "on", "two at once", "on ÷ off", "two at once ÷ off");
    let mut per_bit = Vec::new();
    for ((name, s), (_, [off, on, pair])) in setups.iter().zip(runs.iter_mut()) {
        let (off, on, pair) = (median(off), median(on), median(pair));
        per_bit.push(off / (s.stripes.len() * 64) as f64);
        println!(
            "{:<8} {:>9.1} us {:>9.1} us {:>10.1} us {:>8.2}x {:>15.2}x",
            name,
            off * 1e6,
            on * 1e6,
            pair * 1e6,
            off / on,
            2.0 * off / pair
        );
    }
    let (first, last) = (per_bit[0], per_bit[per_bit.len() - 1]);
    println!(
        "time per payload bit, parallel work off, {} to {} lanes: {:.4} -> {:.4} ns, {:.2}x",
        LINKS[0].0,
        LINKS[LINKS.len() - 1].0,
        first * 1e9,
        last * 1e9,
        last / first
    );
}

/// Whether the arguments select the end-to-end runs: no filter, or one naming them.
fn runs_end_to_end() -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list" || a == "--test" || a == "--profile-time") {
        return false;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    filters.is_empty() || filters.iter().any(|f| f.contains("end_to_end") || f.contains("turns"))
}

criterion_group!(model, benches);

fn main() {
    if let Ok(which) = std::env::var("TESSERA_PROFILE") {
        if which == "turns" {
            in_turns();
            return;
        }
        profile(&which);
        return;
    }
    model();
    Criterion::default().configure_from_args().final_summary();
    summary();
    if runs_end_to_end() {
        in_turns();
    }
}
