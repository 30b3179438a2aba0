//! Vector files round trip and never panic the parser.
//!
//! * Writing then parsing gives back the same header and words, for random link
//!   configurations, lane maps, channel settings, runs, streams and contents.
//! * Random bytes, and valid files with random mutations, never panic the parser; every
//!   error has a position inside (or just past the end of) the input.

use proptest::prelude::*;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tessera_model::channel::{ChannelEvent, ChannelFaults, EventKind};
use tessera_model::config::SER_WIDTHS;
use tessera_model::{LaneMap, LinkParams};
use tessera_vectors::header::{FileEntry, Header, RunSpec, SetSpec};
use tessera_vectors::{parse_bytes, word, writer, StreamKind, DATA_STREAMS};

/// A random, valid set description from a seed (all choices drawn from it).
fn random_set(seed: u64) -> SetSpec {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let lanes = rng.gen_range(1..=5);
    let spares = rng.gen_range(0..=3);
    let p = lanes + spares;
    let am_period = rng.gen_range(4..=40);
    let ser_w = SER_WIDTHS[rng.gen_range(0..SER_WIDTHS.len())];
    let max_skew_bits = rng.gen_range(0..am_period * 33);
    let failed: Vec<u32> = (0..p).filter(|_| rng.gen_bool(0.2)).take(spares as usize).collect();
    let map = LaneMap::with_failed(lanes, spares, &failed).unwrap();
    let mut channel_of = map.assignment().to_vec();
    if rng.gen_bool(0.5) {
        // Another valid assignment: the same channels, shuffled.
        for i in (1..channel_of.len()).rev() {
            channel_of.swap(i, rng.gen_range(0..=i));
        }
    }
    let rate = |rng: &mut ChaCha8Rng| match rng.gen_range(0..4) {
        0 => 0.0,
        1 => rng.gen::<f64>(),
        2 => rng.gen::<f64>() * 1e-6,
        _ => f64::from_bits(rng.gen_range(0..=1f64.to_bits())),
    };
    let faults = ChannelFaults {
        skew_bits: if rng.gen_bool(0.5) {
            (0..p).map(|_| rng.gen_range(0..=am_period * 66)).collect()
        } else {
            vec![]
        },
        source_of_port: if rng.gen_bool(0.5) {
            ChannelFaults::random_permutation(p, &mut rng)
        } else {
            vec![]
        },
        ber: rate(&mut rng),
        ber_per_channel: if rng.gen_bool(0.3) { (0..p).map(|_| rate(&mut rng)).collect() } else { vec![] },
        burst_rate: rate(&mut rng),
        burst_len: rng.gen_range(1..100),
        slip_rate: rate(&mut rng),
        dead: (0..p).filter(|_| rng.gen_bool(0.2)).collect(),
        events: (0..rng.gen_range(0..5))
            .map(|_| ChannelEvent {
                channel: rng.gen_range(0..p),
                at_bit: rng.gen(),
                kind: match rng.gen_range(0..6) {
                    0 => EventKind::BitError,
                    1 => EventKind::Slip { drop: true },
                    2 => EventKind::Slip { drop: false },
                    3 => EventKind::Kill,
                    4 => EventKind::Revive,
                    _ => EventKind::Burst { len: rng.gen_range(1..1000) },
                },
            })
            .collect(),
    };
    let slots = rng.gen_range(0..12);
    SetSpec {
        params: LinkParams { lanes, spares, am_period, max_skew_bits, ser_w, seed: rng.gen() },
        channel_of,
        failed,
        faults,
        run: RunSpec {
            valid_percent: rng.gen_range(1..=100),
            lead_slots: rng.gen_range(0..=slots),
            stripes: rng.gen_range(0..20),
            slots,
        },
    }
}

/// Random words of a stream of `set`.
fn random_words(set: &SetSpec, stream: StreamKind, seed: u64) -> (u32, Vec<Vec<u64>>) {
    let cfg = set.config().unwrap();
    let width = stream.width(&cfg) as u32;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = match stream {
        StreamKind::RxStripes => rng.gen_range(0..=set.run.stripes),
        s => s.words(set, 0),
    };
    let words = (0..n)
        .map(|_| {
            let mut w: Vec<u64> = (0..word::limbs(width)).map(|_| rng.next_u64()).collect();
            if !width.is_multiple_of(64) {
                if let Some(top) = w.last_mut() {
                    *top &= (1u64 << (width % 64)) - 1;
                }
            }
            w
        })
        .collect();
    (width, words)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn write_then_parse_gives_back_header_and_words(set_seed in any::<u64>(), stream in 0usize..5, content_seed in any::<u64>()) {
        let set = random_set(set_seed);
        let stream = DATA_STREAMS[stream];
        let (width, words) = random_words(&set, stream, content_seed);
        let header = Header::for_stream(stream, &set, width, words.len() as u64);
        let bytes = writer::to_bytes(&header, &words).unwrap();
        prop_assert!(bytes.ends_with(b"\n"));
        let back = parse_bytes(&bytes, "f.hex").map_err(|e| TestCaseError::fail(format!("seed {set_seed}: {e}")))?;
        prop_assert_eq!(&back.header, &header);
        prop_assert_eq!(&back.words, &words);
        // The text is canonical: writing the parsed file gives the same bytes.
        prop_assert_eq!(writer::to_bytes(&back.header, &back.words).unwrap(), bytes);
    }

    #[test]
    fn manifests_round_trip(set_seed in any::<u64>(), stripes_out in any::<u64>()) {
        let set = random_set(set_seed);
        let cfg = set.config().unwrap();
        let mut h = Header::for_stream(StreamKind::Manifest, &set, 0, 0);
        h.files = DATA_STREAMS
            .iter()
            .map(|&s| FileEntry {
                stream: s,
                file: s.file_name().into(),
                width: s.width(&cfg) as u32,
                words: s.words(&set, stripes_out % (set.run.stripes + 1)),
            })
            .collect();
        let bytes = writer::to_bytes(&h, &[]).unwrap();
        let back = parse_bytes(&bytes, "manifest.txt").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.header, h);
    }

    #[test]
    fn random_bytes_never_panic_and_errors_have_a_position(bytes in prop::collection::vec(any::<u8>(), 0..400), prefix in any::<bool>()) {
        let mut input = Vec::new();
        if prefix {
            input.extend_from_slice(b"// format: tessera-vectors\n// version: 2\n");
        }
        input.extend_from_slice(&bytes);
        let lines = input.split(|&b| b == b'\n').count() as u64;
        if let Err(e) = parse_bytes(&input, "fuzz.hex") {
            prop_assert!(e.line >= 1 && e.line <= lines + 1, "{e}");
            prop_assert!(e.column >= 1, "{e}");
            let at = format!("fuzz.hex:{}:{}: ", e.line, e.column);
            prop_assert!(e.to_string().starts_with(&at), "{}", e);
        }
    }

    #[test]
    fn mutated_files_never_panic_and_errors_have_a_position(
        set_seed in any::<u64>(),
        stream in 0usize..5,
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..5, any::<u8>()), 1..6),
    ) {
        let set = random_set(set_seed);
        let stream = DATA_STREAMS[stream];
        let (width, words) = random_words(&set, stream, set_seed);
        let header = Header::for_stream(stream, &set, width, words.len() as u64);
        let mut bytes = writer::to_bytes(&header, &words).unwrap();
        for (at, op, b) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] ^= 1 << (b % 8),
                1 => bytes.insert(i, b),
                2 => { bytes.remove(i); }
                3 => bytes.truncate(i),
                _ => bytes[i] = b,
            }
        }
        let lines = bytes.split(|&b| b == b'\n').count() as u64;
        if let Err(e) = parse_bytes(&bytes, "m.hex") {
            prop_assert!(e.line >= 1 && e.line <= lines + 1, "{e}");
            prop_assert!(e.column >= 1, "{e}");
        }
    }
}
