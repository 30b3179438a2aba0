//! `tessera gen`, `tessera check`, `tessera inspect`: vector sets for any simulator
//! (`docs/vectors.md`).
//!
//! * `gen` plans a run from flags and/or a configuration file, prints the seed, and writes
//!   a set (manifest, with the coverage the run reaches, and six streams) with a progress
//!   bar when the run is long.
//! * `check` parses a set, re-runs the model from its manifest, and reports the first
//!   difference (file, line, stream, word, bit and what that bit is) or that it is
//!   consistent. Exit status 0 consistent, 1 a difference or a malformed file, 2 an
//!   error such as a missing folder.
//! * `inspect` shows a file's (or a set's) header and a summary of its body.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use tessera_model::coverage::{Coverage, POINTS};
use tessera_vectors::config::GenOptions;
use tessera_vectors::gen::{self, Outcome};
use tessera_vectors::golden::{golden_set, GOLDEN};
use tessera_vectors::header::{event_text, Header, SetSpec};
use tessera_vectors::set::{self, SetError};
use tessera_vectors::stream::status;
use tessera_vectors::{word, StreamKind, VectorReader, DATA_STREAMS};

/// Arguments of `tessera gen`. Flags override the configuration file; the file's keys are
/// the flags' names with `_` (`am_period: 64`), see docs/vectors.md.
#[derive(clap::Args, Debug)]
pub struct GenArgs {
    /// Folder to write the set to (created if needed).
    #[arg(long, short, required_unless_present_any = ["golden", "rtl_sets"])]
    out: Option<PathBuf>,
    /// Configuration file: `key: value` lines (the keys of a vector header).
    #[arg(long, short)]
    config: Option<PathBuf>,
    /// Seed of every random choice (channel faults, stimulus, random skew/permutation);
    /// a fresh one is drawn and printed when not given.
    #[arg(long)]
    seed: Option<u64>,
    /// Link, lane map, channel and run (boxed: the struct is large).
    #[command(flatten)]
    flags: Box<GenFlags>,
    /// Re-bless the golden sets: regenerate every one into this folder (vectors/golden).
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    golden: Option<PathBuf>,
    /// Regenerate the RTL bench sets (rtl/tb/vectors) into this folder from their recipes,
    /// DIR/sets.txt: `tessera gen --rtl-sets rtl/tb/vectors`.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "golden"])]
    rtl_sets: Option<PathBuf>,
    /// With --rtl-sets: the recipe list to read instead of DIR/sets.txt.
    #[arg(long, value_name = "FILE", requires = "rtl_sets")]
    recipes: Option<PathBuf>,
}

/// The link, lane map, channel and run flags of `tessera gen`.
#[derive(clap::Args, Debug)]
pub struct GenFlags {
    /// Stripes the host sends (the run's length) [default: 1000].
    #[arg(long)]
    stripes: Option<u64>,
    /// Data lanes N [default: 4].
    #[arg(long)]
    lanes: Option<u32>,
    /// Spare channels S [default: 1].
    #[arg(long)]
    spares: Option<u32>,
    /// Blocks per alignment-marker period [default: 64].
    #[arg(long)]
    am_period: Option<u32>,
    /// Largest skew the RX absorbs, in bits [default: 1056].
    #[arg(long)]
    max_skew_bits: Option<u32>,
    /// Serial bits per channel per clock, a divisor of 66 [default: 22].
    #[arg(long)]
    ser_w: Option<u32>,
    /// Percent of block periods in which the host offers a new stripe [default: 100].
    #[arg(long)]
    valid_percent: Option<u32>,
    /// Idle block periods before the first stripe [default: the model's link-up time].
    #[arg(long)]
    lead_slots: Option<u64>,
    /// Lane map: the channel of each lane, e.g. `2,0,1` [default: lanes in order on the healthy channels].
    #[arg(long)]
    channel_of: Option<String>,
    /// Lane map: failed channels (they send nothing), e.g. `1,5`.
    #[arg(long)]
    failed: Option<String>,
    /// Channel: skew of each physical channel in bits, e.g. `0,17,300`.
    #[arg(long)]
    skew_bits: Option<String>,
    /// Channel: a random skew per channel, up to this many bits (from the seed).
    #[arg(long)]
    random_skew: Option<u32>,
    /// Channel: the physical channel each RX port receives, e.g. `2,0,1`.
    #[arg(long)]
    source_of_port: Option<String>,
    /// Channel: a random core-to-pixel permutation (from the seed).
    #[arg(long)]
    permute: bool,
    /// Channel: bit error rate of every channel.
    #[arg(long)]
    ber: Option<String>,
    /// Channel: bursts per bit.
    #[arg(long)]
    burst_rate: Option<String>,
    /// Channel: length of a random burst in bits.
    #[arg(long)]
    burst_len: Option<u32>,
    /// Channel: bit slips per bit.
    #[arg(long)]
    slip_rate: Option<String>,
    /// Channel: channels dead from the start, e.g. `3`.
    #[arg(long)]
    dead: Option<String>,
    /// Channel: a scheduled fault `<channel>:<position>:<kind>[*<count>]`; position a TX
    /// bit, `b<block>`, `am<marker>` or `w<window>.<header>`; kind flip, slip-drop,
    /// slip-repeat, kill, revive, burst=<bits>, header, am-byte=<0..7> or am-lane=<lane>
    /// (docs/vectors.md, "Stress events"); repeatable.
    #[arg(long = "event")]
    events: Vec<String>,
}

/// Arguments of `tessera check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The set's folder (holding manifest.txt).
    set: PathBuf,
}

/// Arguments of `tessera inspect`.
#[derive(clap::Args, Debug)]
pub struct InspectArgs {
    /// A vector file, or a set's folder.
    file: PathBuf,
    /// Words of the body to show.
    #[arg(long, default_value_t = 4)]
    show: u64,
}

/// Parses a flag's value with the header's value syntax (commas may separate list items).
fn flag(opts: &mut GenOptions, name: &str, key: &str, value: &str) -> anyhow::Result<()> {
    let text = value.trim().replace(',', " ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    opts.set(key, text.as_bytes())
        .map_err(|f| anyhow::anyhow!("--{name} {value}: {}; expected {}", f.problem, f.expected))
}

fn options(args: &GenArgs) -> anyhow::Result<GenOptions> {
    let mut o = flag_options(&args.flags)?;
    o.seed = args.seed;
    if let Some(path) = &args.config {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        let file = GenOptions::parse_file(&bytes, &path.display().to_string())?;
        o = o.or(file);
    }
    Ok(o)
}

/// The options the flags give (also used by `tessera cosim`).
pub fn flag_options(a: &GenFlags) -> anyhow::Result<GenOptions> {
    let mut o = GenOptions {
        lanes: a.lanes,
        spares: a.spares,
        am_period: a.am_period,
        max_skew_bits: a.max_skew_bits,
        ser_w: a.ser_w,
        random_skew: a.random_skew,
        permute: a.permute.then_some(true),
        burst_len: a.burst_len,
        valid_percent: a.valid_percent,
        stripes: a.stripes,
        lead_slots: a.lead_slots,
        ..Default::default()
    };
    for (name, key, v) in [
        ("channel-of", "channel_of", &a.channel_of),
        ("failed", "failed", &a.failed),
        ("skew-bits", "skew_bits", &a.skew_bits),
        ("source-of-port", "source_of_port", &a.source_of_port),
        ("ber", "ber", &a.ber),
        ("burst-rate", "burst_rate", &a.burst_rate),
        ("slip-rate", "slip_rate", &a.slip_rate),
        ("dead", "dead", &a.dead),
    ] {
        if let Some(v) = v {
            flag(&mut o, name, key, v)?;
        }
    }
    // Plain events (a TX bit and a channel event) stay events; the others are stress
    // events, placed when the set is planned.
    let (mut plain, mut stress) = (Vec::new(), Vec::new());
    for e in a.events.iter().flat_map(|e| e.split([',', ' ']).filter(|t| !t.is_empty())) {
        let mut one = GenOptions::default();
        if flag(&mut one, "event", "events", e).is_ok() {
            plain.extend(one.events.unwrap_or_default());
        } else {
            stress.push(
                tessera_vectors::config::Stress::parse(e).map_err(|problem| anyhow::anyhow!("--event {e}: {problem}"))?,
            );
        }
    }
    if !plain.is_empty() {
        o.events = Some(plain);
    }
    if !stress.is_empty() {
        o.stress = Some(stress);
    }
    Ok(o)
}

/// A progress bar for a run of `slots` block periods on `channels` channels, shown only
/// when the run is long enough to wait for.
fn progress_bar(slots: u64, channels: u32, what: &str) -> ProgressBar {
    if slots.saturating_mul(u64::from(channels)) < 2_000_000 {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(slots);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} block periods, {elapsed} elapsed, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

fn describe_set(s: &SetSpec) -> String {
    let p = &s.params;
    let f = &s.faults;
    let mut out = format!(
        "{} lanes + {} spares, am_period {}, max_skew_bits {}, ser_w {} ({} clocks per block), seed {}",
        p.lanes,
        p.spares,
        p.am_period,
        p.max_skew_bits,
        p.ser_w,
        66 / p.ser_w.max(1),
        p.seed
    );
    if !s.failed.is_empty() {
        out += &format!("; failed channels {:?}", s.failed);
    }
    if !f.skew_bits.is_empty() {
        out += &format!("; skew up to {} bits", f.skew_bits.iter().max().unwrap_or(&0));
    }
    if !f.source_of_port.is_empty() {
        out += "; permuted";
    }
    if f.ber > 0.0 || !f.ber_per_channel.is_empty() {
        out += &format!("; ber {:e}", f.ber);
    }
    if f.burst_rate > 0.0 || f.slip_rate > 0.0 {
        out += &format!("; bursts {:e}/bit, slips {:e}/bit", f.burst_rate, f.slip_rate);
    }
    if !f.dead.is_empty() {
        out += &format!("; dead {:?}", f.dead);
    }
    if !f.events.is_empty() {
        let shown: Vec<String> = f.events.iter().take(4).map(event_text).collect();
        out += &format!("; events {}{}", shown.join(" "), if f.events.len() > 4 { " ..." } else { "" });
    }
    out
}

/// What the model did in a run, in one line.
pub fn describe_outcome(o: &Outcome) -> String {
    let s = &o.status;
    let bip: u64 = s.ports.iter().map(|p| p.bip_errors).sum();
    format!(
        "{} stripes sent, {} out, {} lost; link {}; {} BIP errors; {} channel faults injected",
        o.stripes_in,
        o.stripes_out,
        s.counters.stripes_lost,
        if s.aligned { "aligned" } else { "NOT aligned" },
        bip,
        o.injections
    )
}

/// One line on a run's coverage (the manifest lists the points hit).
fn describe_coverage(c: &Coverage) -> String {
    format!("{} of {POINTS} cover points hit", c.hit_points())
}

fn file_sizes(dir: &Path) -> u64 {
    std::iter::once(StreamKind::Manifest)
        .chain(DATA_STREAMS)
        .filter_map(|s| std::fs::metadata(dir.join(s.file_name())).ok())
        .map(|m| m.len())
        .sum()
}

pub fn gen(a: GenArgs) -> anyhow::Result<ExitCode> {
    if let Some(dir) = &a.golden {
        return bless(dir);
    }
    if let Some(dir) = &a.rtl_sets {
        return super::rtl_sets::write(dir, a.recipes.as_deref());
    }
    let out = a.out.clone().context("--out DIR is required")?;
    let opts = options(&a)?;
    let seed = opts.seed.unwrap_or_else(rand::random);
    println!("tessera gen: seed {seed} (reproduce with --seed {seed})");
    let spec = opts.to_spec(seed);
    let set = gen::plan(&spec)?;
    let clocks = set.clocks();
    println!("link: {}", describe_set(&set));
    println!(
        "run: {} idle block periods to link-up, {} stripes at valid {} %, {} block periods = {} clocks",
        set.run.lead_slots, set.run.stripes, set.run.valid_percent, set.run.slots, clocks
    );
    let pb = progress_bar(set.run.slots, set.params.lanes + set.params.spares, "generating");
    let t = Instant::now();
    let outcome = set::write_set(&out, &set, &mut |s| pb.set_position(s + 1))?;
    pb.finish_and_clear();
    let secs = t.elapsed().as_secs_f64();
    let bytes = file_sizes(&out);
    println!("model: {}", describe_outcome(&outcome));
    println!(
        "coverage: {} (listed in manifest.txt; tessera inspect {} shows them)",
        describe_coverage(&outcome.coverage),
        out.join(StreamKind::Manifest.file_name()).display()
    );
    println!(
        "wrote {} ({:.1} MB) in {:.2} s ({:.1} MB/s); check it with: tessera check {}",
        out.display(),
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs.max(1e-9),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Regenerates every golden set into `dir`.
fn bless(dir: &Path) -> anyhow::Result<ExitCode> {
    for g in GOLDEN {
        let set = golden_set(g.name)?;
        let (files, outcome) = set::set_files(&set)?;
        let d = dir.join(g.name);
        std::fs::create_dir_all(&d).with_context(|| format!("cannot create {}", d.display()))?;
        let mut bytes = 0;
        for (name, content) in files {
            bytes += content.len();
            std::fs::write(d.join(&name), content)
                .with_context(|| format!("cannot write {}", d.join(&name).display()))?;
        }
        println!(
            "{}: seed {}, {} bytes; {}",
            d.display(),
            set.params.seed,
            bytes,
            describe_outcome(&outcome)
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn check(a: CheckArgs) -> anyhow::Result<ExitCode> {
    let dir = &a.set;
    anyhow::ensure!(
        dir.is_dir(),
        "{}: not a folder (tessera check takes a vector set's folder)",
        dir.display()
    );
    let manifest = dir.join(StreamKind::Manifest.file_name());
    anyhow::ensure!(manifest.is_file(), "{}: no manifest.txt: not a vector set", dir.display());
    // Size the progress bar from the manifest (errors are reported by the check itself).
    let pb = match set::read_manifest(dir) {
        Ok(m) => {
            println!("tessera check {}: seed {}", dir.display(), m.set.params.seed);
            progress_bar(m.set.run.slots, m.set.params.lanes + m.set.params.spares, "checking")
        }
        Err(_) => ProgressBar::hidden(),
    };
    let t = Instant::now();
    let result = set::check_set(dir, &mut |s| pb.set_position(s + 1));
    pb.finish_and_clear();
    match result {
        Ok(r) => {
            let words: u64 = r.manifest.files.iter().map(|f| f.words).sum();
            println!(
                "consistent: every header line and all {words} words of the {} streams are what the model gives",
                DATA_STREAMS.len()
            );
            println!("link: {}", describe_set(&r.manifest.set));
            println!("model: {}", describe_outcome(&r.outcome));
            println!("coverage: {}, as the manifest says", describe_coverage(&r.outcome.coverage));
            println!("checked {:.1} MB in {:.2} s", file_sizes(dir) as f64 / 1e6, t.elapsed().as_secs_f64());
            Ok(ExitCode::SUCCESS)
        }
        Err(SetError::Io { path, source }) => Err(anyhow::anyhow!("{path}: {source}")),
        Err(e) => {
            println!("NOT consistent: {e}");
            let _ = std::io::stdout().flush();
            Ok(ExitCode::from(1))
        }
    }
}

pub fn inspect(a: InspectArgs) -> anyhow::Result<ExitCode> {
    if a.file.is_dir() {
        let m = a.file.join(StreamKind::Manifest.file_name());
        inspect_file(&m, a.show)?;
        for s in DATA_STREAMS {
            println!();
            inspect_file(&a.file.join(s.file_name()), a.show)?;
        }
    } else {
        inspect_file(&a.file, a.show)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn inspect_file(path: &Path, show: u64) -> anyhow::Result<()> {
    let mut r = VectorReader::open(path)?;
    let h: Header = r.header().clone();
    println!(
        "{}: {} (format {} version {})",
        path.display(),
        h.stream,
        tessera_vectors::FORMAT_NAME,
        h.version
    );
    for l in r.raw_header_lines() {
        println!("  {}", l.trim_start_matches("// "));
    }
    if h.stream.is_manifest() {
        r.skip_to_end()?;
        // The table of `tessera coverage show`: every point's hits, then those never hit.
        print!("{}", super::coverage::table(&h.coverage));
        return Ok(());
    }
    let cfg = h.set.config()?;
    let k = u64::from(cfg.clocks_per_block());
    let n = u64::from(cfg.lanes());
    let mut shown = Vec::new();
    let (mut nonzero, mut first_nonzero, mut ones, mut valid_clocks, mut offers) =
        (0u64, None, 0u64, 0u64, 0u64);
    let mut statuses = Vec::new();
    let p = u64::from(cfg.channels());
    let mut traces: Vec<PortTrace> = Vec::new();
    if h.stream == StreamKind::RxPortStatus {
        traces.resize(p as usize, PortTrace::default());
    }
    let mut index = 0u64;
    while let Some(w) = r.next_word()? {
        if index < show {
            shown.push(word::to_hex(w, h.width));
        }
        let set_bits: u64 = w.iter().map(|x| u64::from(x.count_ones())).sum();
        ones += set_bits;
        if set_bits > 0 {
            nonzero += 1;
            first_nonzero.get_or_insert(index);
        }
        match h.stream {
            StreamKind::TxStimulus if word::bit(w, 64 * n) => {
                valid_clocks += 1;
                let slot = index / k;
                if index.is_multiple_of(k) && !slot.is_multiple_of(u64::from(cfg.am_period())) {
                    offers += 1;
                }
            }
            StreamKind::RxStatus => statuses.push(w.to_vec()),
            StreamKind::RxPortStatus => traces[(index % p) as usize].add(index / p, w),
            _ => {}
        }
        index += 1;
    }
    println!(
        "body: {} words of {} bits ({} hex digits), one per {}",
        index,
        h.width,
        word::hex_digits(h.width),
        h.stream.word_is()
    );
    for (i, s) in shown.iter().enumerate() {
        let cut = if s.len() > 96 {
            format!("{}...{} ({} digits)", &s[..48], &s[s.len() - 32..], s.len())
        } else {
            s.clone()
        };
        println!("  word {i}: {cut}");
    }
    let density =
        if index > 0 && h.width > 0 { ones as f64 / (index as f64 * f64::from(h.width)) } else { 0.0 };
    match h.stream {
        StreamKind::TxStimulus => println!(
            "summary: tx_valid_i high on {valid_clocks} clocks; {offers} stripes taken (valid on a ready clock); first stripe offered at clock {}",
            first_nonzero.map_or("-".into(), |c| c.to_string())
        ),
        StreamKind::TxExpected | StreamKind::RxStimulus => println!(
            "summary: {nonzero} non-zero words, the first at clock {}; {:.1} % of the bits are ones",
            first_nonzero.map_or("-".into(), |c| c.to_string()),
            100.0 * density
        ),
        StreamKind::RxStripes => println!("summary: {index} stripes of {n} words handed out by the RX"),
        StreamKind::RxStatus => {
            let p = statuses.len().saturating_sub(1);
            for (j, w) in statuses.iter().enumerate().take(p.min(64)) {
                println!("  port {j}: {}", status::describe_port(w));
            }
            if p > 64 {
                println!("  ... {} more ports", p - 64);
            }
            if let Some(w) = statuses.last() {
                println!("  link: {}", status::describe_link(w));
            }
        }
        StreamKind::RxPortStatus => {
            let periods = index / p.max(1);
            println!(
                "summary: {periods} block periods x {p} ports: the status on clocks {k}, {}, ... {}",
                2 * k,
                periods * k
            );
            let at = |s: Option<u64>| s.map_or("never".to_string(), |s| format!("period {s} (clock {})", (s + 1) * k));
            for (j, t) in traces.iter().enumerate().take(64) {
                println!(
                    "  port {j}: block lock first at {}, marker lock first at {}, {} changes; at the end: {}",
                    at(t.first_block_lock),
                    at(t.first_marker_lock),
                    t.changes,
                    status::describe_period(&t.last)
                );
            }
            if p > 64 {
                println!("  ... {} more ports", p - 64);
            }
        }
        StreamKind::Manifest => {}
    }
    Ok(())
}

/// What `tessera inspect` tells of one port in `rx_port_status`.
#[derive(Debug, Clone, Default)]
struct PortTrace {
    first_block_lock: Option<u64>,
    first_marker_lock: Option<u64>,
    /// Periods whose word differs from the period before.
    changes: u64,
    last: Vec<u64>,
}

impl PortTrace {
    fn add(&mut self, period: u64, w: &[u64]) {
        if word::bit(w, 16) {
            self.first_block_lock.get_or_insert(period);
        }
        if word::bit(w, 17) {
            self.first_marker_lock.get_or_insert(period);
        }
        if period > 0 && self.last != w {
            self.changes += 1;
        }
        self.last.clear();
        self.last.extend_from_slice(w);
    }
}
