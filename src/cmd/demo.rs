//! `tessera demo`: the main job on a built-in default link.
//!
//! An 800 Gb/s-class link (400 data lanes + 16 spares at 2 Gb/s each) with a realistic
//! spread of skew, a scrambled core-to-pixel permutation, a few dead emitters and a low
//! BER. The demo brings the link up with the identity lane map, finds the lanes that do not
//! come up, repairs the map onto spares (as link management would), brings it up again,
//! streams stripes, checks every stripe that comes out, and prints the link report.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use rand::seq::index::sample;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tessera_model::block::BLOCK_BITS;
use tessera_model::channel::ChannelFaults;
use tessera_model::link::Link;
use tessera_model::rx::RxStatus;
use tessera_model::{LaneMap, LinkConfig, LinkParams};

/// Arguments of `tessera demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Data lanes N.
    #[arg(long, default_value_t = LinkParams::default().lanes)]
    lanes: u32,
    /// Spare channels S.
    #[arg(long, default_value_t = LinkParams::default().spares)]
    spares: u32,
    /// Blocks per alignment-marker period.
    #[arg(long, default_value_t = LinkParams::default().am_period)]
    am_period: u32,
    /// Largest skew the receiver absorbs, in bits.
    #[arg(long, default_value_t = LinkParams::default().max_skew_bits)]
    max_skew_bits: u32,
    /// Serial bits per channel per clock.
    #[arg(long, default_value_t = LinkParams::default().ser_w)]
    ser_w: u32,
    /// Seed of every random choice (skew, permutation, dead channels, errors, data).
    #[arg(long, default_value_t = LinkParams::default().seed)]
    seed: u64,
    /// Stripes to send once the link is up.
    #[arg(long, default_value_t = 50_000)]
    stripes: u64,
    /// Largest skew the channel applies, in bits (uniform per channel).
    #[arg(long, default_value_t = 600)]
    skew_spread: u32,
    /// Dead channels (emitters that never light), chosen at random.
    #[arg(long, default_value_t = 3)]
    dead: u32,
    /// Bit error rate of every channel.
    #[arg(long, default_value_t = 1e-9)]
    ber: f64,
    /// Channel line rate in Gb/s, for the report's link figures.
    #[arg(long, default_value_t = 2.0)]
    gbps_per_channel: f64,
    /// Also write the run's report to FILE: one self-contained HTML page (`tessera report`).
    #[arg(long, value_name = "FILE")]
    report: Option<std::path::PathBuf>,
}

/// Stripes the demo hands to [`Link::send`] at a time.
const DEMO_CHUNK_STRIPES: u64 = 1024;

pub fn run(a: DemoArgs) -> anyhow::Result<ExitCode> {
    let params = LinkParams {
        lanes: a.lanes,
        spares: a.spares,
        am_period: a.am_period,
        max_skew_bits: a.max_skew_bits,
        ser_w: a.ser_w,
        seed: a.seed,
    };
    let cfg = LinkConfig::new(params)?;
    let p = cfg.channels();
    anyhow::ensure!(
        a.dead <= a.spares,
        "--dead {}: more dead channels than the {} spares can replace",
        a.dead,
        a.spares
    );
    anyhow::ensure!((0.0..=1.0).contains(&a.ber), "--ber {}: a bit error rate is between 0 and 1", a.ber);

    println!(
        "Tessera demo: {} lanes + {} spares = {} channels at {} Gb/s, am_period {}, ser_w {}, max skew {} bits",
        cfg.lanes(), cfg.spares(), p, a.gbps_per_channel, cfg.am_period(), cfg.ser_w(), cfg.max_skew_bits()
    );
    println!("seed {} (replay: tessera demo --seed {})", a.seed, a.seed);

    // Every random choice from the one printed seed.
    let mut rng = ChaCha8Rng::seed_from_u64(a.seed);
    let skew_bits = ChannelFaults::random_skew(p, a.skew_spread.min(cfg.max_skew_bits()), &mut rng);
    let source_of_port = ChannelFaults::random_permutation(p, &mut rng);
    let mut dead: Vec<u32> =
        sample(&mut rng, p as usize, a.dead as usize).into_iter().map(|c| c as u32).collect();
    dead.sort_unstable();
    let faults = ChannelFaults {
        skew_bits: skew_bits.clone(),
        source_of_port,
        ber: a.ber,
        dead: dead.clone(),
        ..Default::default()
    };
    println!(
        "channel: skew 0..={} bits, BER {:e}, core-to-pixel permutation scrambled, dead channels {:?}",
        a.skew_spread.min(cfg.max_skew_bits()),
        a.ber,
        dead
    );

    let mut map = LaneMap::identity(cfg.lanes(), cfg.spares());
    let mut link = Link::new(&cfg, map.clone(), faults, a.seed ^ 0x7E55_E8A0)?;
    // The injection log would grow with every error of a long run; the report needs none.
    link.channel.set_logging(false);
    let budget = Link::bring_up_budget(&cfg);

    // First bring-up, with the identity map: lanes on dead channels never lock.
    let t0 = Instant::now();
    if let Err(e) = link.bring_up(budget) {
        println!("bring-up with the identity lane map: {e}");
        let status = link.rx.status();
        let failed: Vec<u32> = status
            .ports
            .iter()
            .filter(|s| !s.block_lock)
            .map(|s| link.channel.source_of_port(s.port))
            .collect();
        println!("channels with no block lock (seen at RX ports, traced to TX channels): {failed:?}");
        let repair = map.repair(&failed).context("repairing the lane map")?;
        for m in &repair.moves {
            println!("repair: lane {} moves from channel {} to spare channel {}", m.lane, m.from, m.to);
        }
        link.tx.set_lane_map(map.clone())?;
        link.bring_up(budget)?;
    }
    let bring_up = t0.elapsed();
    let periods_up = link.tx.slot();
    println!(
        "link aligned after {} block periods ({:.1} us of link time, {:.2} s of model time)",
        periods_up,
        periods_up as f64 * f64::from(BLOCK_BITS) / a.gbps_per_channel / 1e3,
        bring_up.as_secs_f64()
    );

    // Stream stripes and check each one that comes out against what was sent.
    let mut data_rng = ChaCha8Rng::seed_from_u64(a.seed.wrapping_add(1));
    let lanes = cfg.lanes() as usize;
    let mut check = StreamCheck::new(lanes);
    let mut chunk: Vec<u64> = Vec::new();
    let mut got = Vec::new();
    let bar = indicatif::ProgressBar::new(a.stripes).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} stripes {per_sec} eta {eta}").unwrap(),
    );
    let t1 = Instant::now();
    // The time in the model's calls alone: the stripes' random words and their check
    // take about twice as long, on one thread.
    let mut in_model = std::time::Duration::ZERO;
    let mut sent = 0;
    while sent < a.stripes {
        // A chunk of stripes at a time through the fast path (`Link::send`).
        let n = (a.stripes - sent).min(DEMO_CHUNK_STRIPES);
        chunk.clear();
        chunk.extend((0..n as usize * lanes).map(|_| rand::Rng::gen::<u64>(&mut data_rng)));
        for s in chunk.chunks(lanes) {
            check.sent(s);
        }
        let t = Instant::now();
        link.send(&chunk);
        let polled = link.poll_stripes(&mut got);
        in_model += t.elapsed();
        sent += n;
        bar.set_position(sent);
        if polled > 0 {
            check.received(&got);
            got.clear();
        }
    }
    let t = Instant::now();
    link.flush();
    link.poll_stripes(&mut got);
    in_model += t.elapsed();
    check.received(&got);
    let elapsed = in_model.as_secs_f64();
    let wall = t1.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let status = link.rx.status();
    report(&cfg, &map, &status, &skew_bits, &link);
    let payload_bits = sent as f64 * lanes as f64 * 64.0;
    println!(
        "stripes: sent {}, received intact {}, received corrupted {}, reported lost {}, unaccounted {}",
        sent,
        check.intact,
        check.corrupted,
        status.counters.stripes_lost,
        check.missing().saturating_sub(status.counters.stripes_lost)
    );
    println!(
        "model speed: {:.2} Gb/s of payload through TX + channel + RX ({:.1} M blocks/s, {:.2} s in the model for {} stripes, {:.2} s with their making and checking)",
        payload_bits / elapsed / 1e9,
        sent as f64 * f64::from(p) / elapsed / 1e6,
        elapsed,
        sent,
        wall
    );
    let lost_silently = check.missing() > status.counters.stripes_lost;
    if let Some(path) = &a.report {
        let settings: Vec<(String, String)> = [
            ("seed", a.seed.to_string()),
            ("lanes", a.lanes.to_string()),
            ("spares", a.spares.to_string()),
            ("am-period", a.am_period.to_string()),
            ("max-skew-bits", a.max_skew_bits.to_string()),
            ("ser-w", a.ser_w.to_string()),
            ("stripes", a.stripes.to_string()),
            ("skew-spread", a.skew_spread.to_string()),
            ("dead", a.dead.to_string()),
            ("ber", format!("{:e}", a.ber)),
            ("gbps-per-channel", a.gbps_per_channel.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let replay = settings.iter().fold("tessera demo".to_string(), |r, (k, v)| format!("{r} --{k} {v}"));
        let summary = vec![
            format!(
                "link {} after {periods_up} block periods",
                if status.aligned { "ALIGNED" } else { "NOT ALIGNED" }
            ),
            format!(
                "stripes: sent {sent}, received intact {}, corrupted {}, reported lost {}",
                check.intact, check.corrupted, status.counters.stripes_lost
            ),
        ];
        let run = super::report::LinkRun::from_demo(
            &cfg, &map, &status, &link, &skew_bits, &dead, a.ber, settings, summary, replay,
        );
        super::report::write_html(&run, path)?;
        println!("report written to {}", path.display());
    }
    Ok(if status.aligned && !lost_silently { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn report(cfg: &LinkConfig, map: &LaneMap, status: &RxStatus, skew_bits: &[u32], link: &Link) {
    let locked = status.ports.iter().filter(|s| s.lane.is_some_and(|l| u32::from(l) < cfg.lanes())).count();
    let spares_alive = status.ports.iter().filter(|s| s.spare).count();
    let free_spares = map.free_spares().count();
    println!(
        "link: {} | lanes {}/{} block- and marker-locked | spares alive {}/{} | failed channels {:?}",
        if status.aligned { "ALIGNED" } else { "NOT ALIGNED" },
        locked,
        cfg.lanes(),
        spares_alive,
        free_spares,
        map.failed_channels().collect::<Vec<_>>()
    );
    let moved: Vec<String> = (0..cfg.lanes())
        .filter(|&l| map.channel_of(l) != l)
        .map(|l| format!("{}->{}", l, map.channel_of(l)))
        .collect();
    println!(
        "lane map: identity except lane->channel {}",
        if moved.is_empty() { "none".into() } else { moved.join(" ") }
    );
    let mut skews: Vec<u64> = status.ports.iter().filter_map(|s| s.skew_bits).collect();
    skews.sort_unstable();
    if !skews.is_empty() {
        let exact = (0..cfg.lanes())
            .filter(|&l| {
                let ch = map.channel_of(l);
                let port = link.channel.port_of_channel(ch) as usize;
                let min = (0..cfg.lanes()).map(|l| skew_bits[map.channel_of(l) as usize]).min().unwrap_or(0);
                status.ports[port].skew_bits == Some(u64::from(skew_bits[ch as usize] - min))
            })
            .count();
        println!(
            "skew (bits, relative to the earliest lane): min {} median {} max {}; equals the applied skew on {}/{} lanes",
            skews[0],
            skews[skews.len() / 2],
            skews[skews.len() - 1],
            exact,
            cfg.lanes()
        );
    }
    let bip: Vec<String> = status
        .ports
        .iter()
        .filter(|s| s.bip_errors > 0)
        .map(|s| {
            let lane = match s.lane {
                _ if s.spare => "spare".to_string(),
                Some(l) => format!("lane {l}"),
                None => "unlocked".to_string(),
            };
            format!("{lane} (port {}): {}", s.port, s.bip_errors)
        })
        .collect();
    println!("BIP-8 errors: {}", if bip.is_empty() { "none".into() } else { bip.join(", ") });
}

/// Matches received stripes against the sent ones, in order, without holding them all.
struct StreamCheck {
    lanes: usize,
    pending: std::collections::VecDeque<Vec<u64>>,
    intact: u64,
    corrupted: u64,
    dropped: u64,
}

impl StreamCheck {
    fn new(lanes: usize) -> Self {
        StreamCheck { lanes, pending: Default::default(), intact: 0, corrupted: 0, dropped: 0 }
    }
    fn sent(&mut self, stripe: &[u64]) {
        self.pending.push_back(stripe.to_vec());
    }
    fn received(&mut self, words: &[u64]) {
        for got in words.chunks(self.lanes) {
            // A received stripe is the oldest pending one, intact or with a few bad words
            // (bit errors); pending stripes it skips were lost.
            while let Some(front) = self.pending.front() {
                let same = front.iter().zip(got).filter(|(a, b)| a == b).count();
                if same == self.lanes {
                    self.intact += 1;
                } else if same * 2 > self.lanes {
                    self.corrupted += 1;
                } else {
                    self.pending.pop_front();
                    self.dropped += 1;
                    continue;
                }
                self.pending.pop_front();
                break;
            }
        }
    }
    fn missing(&self) -> u64 {
        self.dropped + self.pending.len() as u64
    }
}
