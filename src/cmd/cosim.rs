//! `tessera cosim`: a regression of a DUT's RTL against the golden model under Verilator.
//!
//! `--dut FILE` names a DUT file (docs/ports.md); `--config NAME` one of Tessera's own
//! (`cosim/duts/NAME.toml`); with neither, every built-in DUT. Each DUT is verilated at run
//! time into the build cache (once; later runs find it there). Every selected DUT, mode and
//! seed is one run, compared bit for bit every clock, with a progress bar and a summary
//! table; exits non-zero on any mismatch. `--shard K/N` runs one deterministic slice of
//! the (DUT, mode, seed) list, so a farm can split a regression and the union of all
//! shards is exactly the whole run. `--junit FILE` writes one test case per run.
//! The model's cover points of every run are summed and printed after the table, written
//! into the JUnit file (a `coverage` suite, one test case per point) and, with
//! `--coverage FILE`, to a coverage file that `tessera coverage merge` adds up across
//! shards; `--require-coverage` fails the run when a point is never hit.
//! `--fuzz N` runs proptest campaigns instead (N random runs and N operation sequences).
//!
//! Built only with the `cosim` feature (Verilator is needed at run time, not to build).

use std::path::PathBuf;
use std::process::ExitCode;

/// A slice `K/N` of a regression (1 <= K <= N).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 1-based.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s.split_once('/').ok_or_else(|| format!("shard '{s}' is not K/N"))?;
        let k: u32 = k.trim().parse().map_err(|_| format!("shard '{s}': K is not a number"))?;
        let n: u32 = n.trim().parse().map_err(|_| format!("shard '{s}': N is not a number"))?;
        if n == 0 || k == 0 || k > n {
            return Err(format!("shard '{s}': need 1 <= K <= N"));
        }
        Ok(Shard { index: k, count: n })
    }
}

impl Shard {
    /// Whether job number `i` of the whole list (0-based) belongs to this shard.
    #[cfg_attr(not(feature = "cosim"), allow(dead_code))]
    pub fn takes(&self, i: usize) -> bool {
        i % self.count as usize == (self.index - 1) as usize
    }
}

/// Arguments of `tessera cosim`.
#[derive(clap::Args, Debug)]
pub struct CosimArgs {
    /// The DUT file to verify (repeat for several; docs/ports.md).
    #[arg(long, value_name = "FILE")]
    dut: Vec<PathBuf>,
    /// One of Tessera's own DUTs by name (cosim/duts/NAME.toml: one, small, mid, wide).
    #[arg(long, value_name = "NAME")]
    config: Vec<String>,
    /// Fuzz instead of the regression: N random runs and N random operation sequences
    /// (stripes, idles, resets, kills, lane-map repairs), shrunk on failure.
    #[arg(long, value_name = "N")]
    fuzz: Option<u32>,
    /// Seed of the fuzz campaign (printed; default: from the clock).
    #[arg(long)]
    fuzz_seed: Option<u64>,
    /// Where shrunk fuzz failures are kept and replayed from (default: FILE.proptest-regressions beside the DUT file).
    #[arg(long, value_name = "FILE")]
    regressions: Option<PathBuf>,
    /// The build cache (default: TESSERA_CACHE_DIR, else ~/.cache/tessera/verilated).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Run only this mode: tx, rx or e2e (repeat for several; default: all three, RX modes
    /// only on builds with an RX).
    #[arg(long)]
    mode: Vec<String>,
    /// Run only this seed (replays one run); otherwise seeds 1..=--seeds.
    #[arg(long)]
    seed: Option<u64>,
    /// Seeds per configuration and mode in a regression.
    #[arg(long, default_value_t = 4)]
    seeds: u64,
    /// Write FST waveforms of the run to FILE.tx.fst and FILE.rx.fst (one run only).
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Write JUnit XML, one test case per configuration, mode and seed.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Run one deterministic slice K/N of the regression.
    #[arg(long)]
    shard: Option<Shard>,
    /// Write the coverage of all the runs (the model's cover points, summed) to FILE, for
    /// `tessera coverage merge` and `show`.
    #[arg(long, value_name = "FILE")]
    coverage: Option<PathBuf>,
    /// Fail (exit status 1, the points listed) when a cover point is never hit; the JUnit
    /// file then shows those points as failures. For whole regressions: a shard's
    /// coverage is checked after the merge (`tessera coverage merge --require-all`).
    #[arg(long)]
    require_coverage: bool,
    /// Reset the RX (RTL and model) this many block periods after link-up (with stimulus
    /// flags; the regression's own runs choose theirs).
    #[arg(long, value_name = "SLOTS")]
    reset_rx_after: Option<u64>,
    /// List the DUTs (their link, tops and roles) and exit.
    #[arg(long)]
    list: bool,
    /// Stimulus and faults, as `tessera gen` takes them. Without any, each seed's run is
    /// the regression's (faults chosen from the seed); with some, every run uses exactly
    /// these. The link parameters come from the DUT (given ones must match).
    #[command(flatten)]
    flags: Box<crate::cmd::vectors::GenFlags>,
}

#[cfg(not(feature = "cosim"))]
pub fn run(_: CosimArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "this tessera was built without co-simulation: run scripts/setup (installs Verilator), then \
         `cargo run --release --features cosim -- cosim`"
    )
}

/// One line of the summary table.
#[cfg(feature = "cosim")]
#[derive(Default)]
struct Row {
    runs: u64,
    clocks: u64,
    mismatches: u64,
    errors: u64,
    secs: f64,
}

#[cfg(feature = "cosim")]
pub fn run(a: CosimArgs) -> anyhow::Result<ExitCode> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    use std::time::Instant;
    use tessera_cosim::harness::{check_covered, default_stripes, load_for, modes_of, LinkRun, Mode, RunError};
    use tessera_model::coverage::Coverage;
    use tessera_cosim::BuildOptions;
    use tessera_vectors::config::GenOptions;

    let opts = BuildOptions { cache_dir: a.cache.clone(), ..Default::default() };
    let mut files: Vec<PathBuf> = a.dut.clone();
    for name in &a.config {
        files.push(tessera_cosim::builtin(name).map_err(|e| anyhow::anyhow!("--config {name}: {e}"))?);
    }
    if files.is_empty() {
        files = tessera_cosim::builtin_names()
            .iter()
            .map(|n| tessera_cosim::builtin(n))
            .collect::<Result<_, _>>()?;
    }
    let asked: Vec<Mode> = a
        .mode
        .iter()
        .map(|m| m.parse::<Mode>().map_err(|e| anyhow::anyhow!("--mode {m}: {e}")))
        .collect::<Result<_, _>>()?;
    // Only the tops the modes asked for are built (all with --list and --fuzz).
    let needed: &[Mode] = if asked.is_empty() || a.list || a.fuzz.is_some() { &Mode::ALL } else { &asked };
    let mut duts = Vec::new();
    for f in &files {
        duts.push(load_for(f, &opts, needed).map_err(|e| anyhow::anyhow!("{e}"))?);
    }

    if a.list {
        for d in &duts {
            let l = d.link();
            let tops: Vec<String> = d.tx_top().iter().chain(d.rx_top().iter()).map(|t| t.spec.top.clone()).collect();
            println!(
                "{:8} lanes {:5} spares {:3} am_period {:6} ser_w {:2} max_skew_bits {:5} tops {} ({})",
                d.name(),
                l.lanes,
                l.spares,
                l.am_period,
                l.ser_w,
                l.max_skew_bits,
                tops.join(" "),
                d.file().display()
            );
            if d.rx_top().is_some() {
                let (yes, no) = d.rx_status_roles();
                println!("         RX status compared: {}", if yes.is_empty() { "none".into() } else { yes.join(" ") });
                println!("         not compared: {}", if no.is_empty() { "none".into() } else { no.join(" ") });
            }
        }
        return Ok(ExitCode::SUCCESS);
    }

    if let Some(cases) = a.fuzz {
        if a.coverage.is_some() || a.require_coverage {
            anyhow::bail!("--coverage and --require-coverage sum the regression's runs; they do not apply to --fuzz");
        }
        let seed = a.fuzz_seed.unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
        });
        let mut failed = false;
        for (d, f) in duts.iter().zip(&files) {
            let regressions = a.regressions.clone().unwrap_or_else(|| tessera_cosim::fuzz::regressions_file(f));
            let cli = format!("tessera cosim --dut {} --fuzz {cases} --fuzz-seed {seed}", f.display());
            println!("fuzz {}: {cases} runs and {cases} operation sequences, seed {seed} (replay: {cli})", d.name());
            match tessera_cosim::fuzz::fuzz(d, cases, seed, &regressions, &cli) {
                Ok(r) => println!(
                    "fuzz {}: {} runs, {} operation sequences agree{}",
                    d.name(),
                    r.runs,
                    r.sequences,
                    if r.sequences == 0 { " (sequences need both tops)" } else { "" }
                ),
                Err(e) => {
                    eprintln!("FAIL {}: {e}", d.name());
                    failed = true;
                }
            }
        }
        println!("{}", if failed { "FAIL" } else { "PASS" });
        return Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS });
    }

    let seeds: Vec<u64> = match a.seed {
        Some(s) => vec![s],
        None => (1..=a.seeds).collect(),
    };
    let flags = crate::cmd::vectors::flag_options(&a.flags)?;
    let given = flags != GenOptions::default() || a.reset_rx_after.is_some();
    let mut jobs: Vec<(usize, LinkRun)> = Vec::new();
    for (i, dut) in duts.iter().enumerate() {
        let supported = modes_of(dut);
        let modes: Vec<Mode> = if asked.is_empty() { supported.clone() } else { asked.clone() };
        for &mode in &modes {
            if !supported.contains(&mode) {
                if duts.len() == 1 {
                    anyhow::bail!(
                        "--mode {mode}: DUT {} supports {} (its side is {:?})",
                        dut.name(),
                        supported.iter().map(|m| m.name()).collect::<Vec<_>>().join(", "),
                        dut.sides()
                    );
                }
                continue;
            }
            for &seed in &seeds {
                jobs.push((
                    i,
                    if given {
                        let mut run = LinkRun::new(dut.file(), mode, seed, default_stripes(dut));
                        run.options = flags.clone().or(run.options);
                        run.reset_rx_after = a.reset_rx_after;
                        run
                    } else {
                        LinkRun::regression(dut, mode, seed, default_stripes(dut))
                    },
                ));
            }
        }
    }
    let jobs: Vec<(usize, LinkRun)> =
        jobs.into_iter().enumerate().filter(|(i, _)| a.shard.is_none_or(|s| s.takes(*i))).map(|(_, j)| j).collect();
    if a.trace.is_some() && jobs.len() != 1 {
        anyhow::bail!(
            "--trace writes one run's waveforms: give --mode and --seed too, and one DUT ({} runs selected)",
            jobs.len()
        );
    }
    if let Some(s) = a.shard {
        println!("shard {}/{}: {} of the regression's runs", s.index, s.count, jobs.len());
    }

    let bar = indicatif::ProgressBar::new(jobs.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut rows: std::collections::BTreeMap<(usize, Mode), Row> = Default::default();
    let mut suites: std::collections::BTreeMap<String, TestSuite> = Default::default();
    let mut failures = 0;
    let mut coverage = Coverage::default();
    for (i, mut run) in jobs {
        let dut = &duts[i];
        bar.set_message(format!("{} {} seed {}", dut.name(), run.mode, run.seed));
        run.trace = a.trace.clone();
        let t = Instant::now();
        let (result, covered) = check_covered(std::sync::Arc::clone(dut), &run);
        let secs = t.elapsed().as_secs_f64();
        coverage.merge(&covered);
        let row = rows.entry((i, run.mode)).or_default();
        row.runs += 1;
        row.secs += secs;
        let status = match &result {
            Ok(r) => {
                row.clocks += r.tx_clocks.max(r.rx_clocks);
                TestCaseStatus::success()
            }
            Err(e) => {
                failures += 1;
                bar.suspend(|| eprintln!("FAIL {} {} seed {}: {e}", dut.name(), run.mode, run.seed));
                let kind = match e {
                    RunError::Mismatch(_) => {
                        row.mismatches += 1;
                        NonSuccessKind::Failure
                    }
                    _ => {
                        row.errors += 1;
                        NonSuccessKind::Error
                    }
                };
                let mut s = TestCaseStatus::non_success(kind);
                s.set_message(e.to_string());
                s
            }
        };
        let mut case = TestCase::new(format!("{} seed {}", run.mode, run.seed), status);
        case.set_classname(format!("tessera.cosim.{}", dut.name()));
        case.set_time(std::time::Duration::from_secs_f64(secs));
        suites
            .entry(dut.name().to_string())
            .or_insert_with(|| TestSuite::new(dut.name().to_string()))
            .add_test_case(case);
        bar.inc(1);
    }
    bar.finish_and_clear();

    println!(
        "{:<8} {:<5} {:>5} {:>10} {:>10} {:>7} {:>12}",
        "dut", "mode", "runs", "clocks", "mismatches", "errors", "clocks/s"
    );
    for ((i, mode), r) in &rows {
        println!(
            "{:<8} {:<5} {:>5} {:>10} {:>10} {:>7} {:>12.0}",
            duts[*i].name(),
            mode.name(),
            r.runs,
            r.clocks,
            r.mismatches,
            r.errors,
            r.clocks as f64 / r.secs.max(1e-9)
        );
    }
    for (i, d) in duts.iter().enumerate() {
        if d.rx_top().is_some() && rows.keys().any(|(j, m)| *j == i && *m != Mode::Tx) {
            let (yes, no) = d.rx_status_roles();
            println!("{}: RX status compared: {}", d.name(), if yes.is_empty() { "none".into() } else { yes.join(" ") });
            if !no.is_empty() {
                println!("{}: not compared (not mapped): {}", d.name(), no.join(" "));
            }
        }
    }
    print!("{}", crate::cmd::coverage::table(&coverage));
    if let Some(path) = &a.coverage {
        std::fs::write(path, coverage.to_text())
            .map_err(|e| anyhow::anyhow!("--coverage {}: {e}", path.display()))?;
        println!("coverage written to {}", path.display());
    }
    if let Some(path) = &a.junit {
        let mut report = Report::new("tessera-cosim");
        report.add_test_suites(suites.into_values());
        report.add_test_suite(crate::cmd::coverage::junit_suite(&coverage, a.require_coverage));
        std::fs::write(path, report.to_string()?)
            .map_err(|e| anyhow::anyhow!("--junit {}: {e}", path.display()))?;
        println!("JUnit XML written to {}", path.display());
    }
    if let Some(path) = &a.trace {
        println!("waveforms written to {}.{{tx,rx}}.fst", path.with_extension("").display());
    }
    if !crate::cmd::coverage::meets(&coverage, a.require_coverage) {
        failures += 1;
    }
    println!("{}", if failures == 0 { "PASS" } else { "FAIL" });
    Ok(if failures == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_regression() {
        for n in 1..=5u32 {
            let shards: Vec<Shard> = (1..=n).map(|k| format!("{k}/{n}").parse().unwrap()).collect();
            for i in 0..50 {
                assert_eq!(shards.iter().filter(|s| s.takes(i)).count(), 1, "job {i} of {n} shards");
            }
        }
        assert_eq!("0/3".parse::<Shard>().unwrap_err(), "shard '0/3': need 1 <= K <= N");
        assert_eq!("4/3".parse::<Shard>().unwrap_err(), "shard '4/3': need 1 <= K <= N");
        assert_eq!("x".parse::<Shard>().unwrap_err(), "shard 'x' is not K/N");
    }
}
