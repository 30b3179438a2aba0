//! `tessera cosim`: a regression of the RTL against the golden model under Verilator.
//!
//! Runs every selected configuration (see `cosim/configs.rs`) with every seed, each run
//! compared bit for bit every clock, with a progress bar and a summary table; exits
//! non-zero on any mismatch. `--shard K/N` runs one deterministic slice of the
//! (configuration, seed) list, so a farm can split a regression and the union of all
//! shards is exactly the whole run. `--junit FILE` writes one test case per run.
//!
//! Built only with the `cosim` feature, which needs Verilator at build time.

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
    /// Run only this configuration (default: all built ones).
    #[arg(long)]
    config: Option<String>,
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
    /// List the configurations built and exit.
    #[arg(long)]
    list: bool,
    /// Stimulus and faults, as `tessera gen` takes them. Without any, each seed's run is
    /// the regression's (faults chosen from the seed); with some, every run uses exactly
    /// these. The link parameters come from the build (given ones must match).
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
    use tessera_cosim::harness::{check, default_stripes, LinkRun, Mode, RunError};
    use tessera_cosim::CONFIGS;
    use tessera_vectors::config::GenOptions;

    if a.list {
        for c in CONFIGS {
            println!(
                "{:8} lanes {:5} spares {:3} am_period {:6} ser_w {:2} max_skew_bits {:5} tops {}",
                c.name,
                c.lanes,
                c.spares,
                c.am_period,
                c.ser_w,
                c.max_skew_bits,
                if c.rx { "tx rx" } else { "tx" }
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let configs: Vec<_> =
        match &a.config {
            Some(name) => vec![tessera_cosim::DutConfig::lookup(name)
                .map_err(|e| anyhow::anyhow!("--config {name}: {e}"))?],
            None => CONFIGS.iter().collect(),
        };
    let modes: Vec<Mode> = if a.mode.is_empty() {
        Mode::ALL.to_vec()
    } else {
        a.mode
            .iter()
            .map(|m| m.parse::<Mode>().map_err(|e| anyhow::anyhow!("--mode {m}: {e}")))
            .collect::<Result<_, _>>()?
    };
    let seeds: Vec<u64> = match a.seed {
        Some(s) => vec![s],
        None => (1..=a.seeds).collect(),
    };
    let flags = crate::cmd::vectors::flag_options(&a.flags)?;
    let given = flags != GenOptions::default();
    let mut jobs: Vec<LinkRun> = Vec::new();
    for cfg in &configs {
        for &mode in &modes {
            if mode != Mode::Tx && !cfg.rx {
                if a.config.is_some() && !a.mode.is_empty() {
                    anyhow::bail!(
                        "--config {} --mode {mode}: this build has no RX (configs.rs: rx: false)",
                        cfg.name
                    );
                }
                continue;
            }
            for &seed in &seeds {
                jobs.push(if given {
                    let mut run = LinkRun::new(cfg.name, mode, seed, default_stripes(cfg));
                    run.options = flags.clone().or(run.options);
                    run
                } else {
                    LinkRun::regression(cfg, mode, seed, default_stripes(cfg))
                });
            }
        }
    }
    let jobs: Vec<LinkRun> = jobs
        .into_iter()
        .enumerate()
        .filter(|(i, _)| a.shard.is_none_or(|s| s.takes(*i)))
        .map(|(_, j)| j)
        .collect();
    if a.trace.is_some() && jobs.len() != 1 {
        anyhow::bail!(
            "--trace writes one run's waveforms: give --config, --mode and --seed too ({} runs selected)",
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
    let mut rows: std::collections::BTreeMap<(String, Mode), Row> = Default::default();
    let mut suites: std::collections::BTreeMap<String, TestSuite> = Default::default();
    let mut failures = 0;
    for mut run in jobs {
        bar.set_message(format!("{} {} seed {}", run.config, run.mode, run.seed));
        run.trace = a.trace.clone();
        let t = Instant::now();
        let result = check(&run);
        let secs = t.elapsed().as_secs_f64();
        let row = rows.entry((run.config.clone(), run.mode)).or_default();
        row.runs += 1;
        row.secs += secs;
        let status = match &result {
            Ok(r) => {
                row.clocks += r.tx_clocks.max(r.rx_clocks);
                TestCaseStatus::success()
            }
            Err(e) => {
                failures += 1;
                bar.suspend(|| eprintln!("FAIL {} {} seed {}: {e}", run.config, run.mode, run.seed));
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
        case.set_classname(format!("tessera.cosim.{}", run.config));
        case.set_time(std::time::Duration::from_secs_f64(secs));
        suites
            .entry(run.config.clone())
            .or_insert_with(|| TestSuite::new(run.config.clone()))
            .add_test_case(case);
        bar.inc(1);
    }
    bar.finish_and_clear();

    println!(
        "{:<8} {:<5} {:>5} {:>10} {:>10} {:>7} {:>12}",
        "config", "mode", "runs", "clocks", "mismatches", "errors", "clocks/s"
    );
    for ((name, mode), r) in &rows {
        println!(
            "{name:<8} {:<5} {:>5} {:>10} {:>10} {:>7} {:>12.0}",
            mode.name(),
            r.runs,
            r.clocks,
            r.mismatches,
            r.errors,
            r.clocks as f64 / r.secs.max(1e-9)
        );
    }
    if let Some(path) = &a.junit {
        let mut report = Report::new("tessera-cosim");
        report.add_test_suites(suites.into_values());
        std::fs::write(path, report.to_string()?)
            .map_err(|e| anyhow::anyhow!("--junit {}: {e}", path.display()))?;
        println!("JUnit XML written to {}", path.display());
    }
    if let Some(path) = &a.trace {
        println!("waveforms written to {}.{{tx,rx}}.fst", path.with_extension("").display());
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
