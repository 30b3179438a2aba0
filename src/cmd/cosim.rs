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
    /// Run only this seed (replays one run); otherwise seeds 1..=--seeds.
    #[arg(long)]
    seed: Option<u64>,
    /// Seeds per configuration in a regression.
    #[arg(long, default_value_t = 4)]
    seeds: u64,
    /// Clocks per run (default: three marker periods, at most 3000 for wide builds).
    #[arg(long)]
    clocks: Option<u64>,
    /// Write an FST waveform of the run to this file (with --config and --seed).
    #[arg(long)]
    trace: Option<PathBuf>,
    /// Write JUnit XML, one test case per configuration and seed.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Run one deterministic slice K/N of the regression.
    #[arg(long)]
    shard: Option<Shard>,
    /// List the configurations built and exit.
    #[arg(long)]
    list: bool,
}

#[cfg(not(feature = "cosim"))]
pub fn run(_: CosimArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "this tessera was built without co-simulation: run scripts/setup (installs Verilator), then \
         `cargo run --release --features cosim -- cosim`"
    )
}

#[cfg(feature = "cosim")]
pub fn run(a: CosimArgs) -> anyhow::Result<ExitCode> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    use std::time::Instant;
    use tessera_cosim::harness::{check_tx, RunError, TxRun};
    use tessera_cosim::CONFIGS;

    if a.list {
        for c in CONFIGS {
            println!(
                "{:8} lanes {:5} spares {:3} am_period {:6} ser_w {:2} max_skew_bits {}",
                c.name, c.lanes, c.spares, c.am_period, c.ser_w, c.max_skew_bits
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let configs: Vec<_> = match &a.config {
        Some(name) => vec![CONFIGS.iter().find(|c| c.name == name.as_str()).ok_or_else(|| {
            anyhow::anyhow!(
                "--config {name}: no such build; built: {}",
                CONFIGS.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
            )
        })?],
        None => CONFIGS.iter().collect(),
    };
    let seeds: Vec<u64> = match a.seed {
        Some(s) => vec![s],
        None => (1..=a.seeds).collect(),
    };
    if a.trace.is_some() && configs.len() * seeds.len() != 1 {
        anyhow::bail!("--trace writes one waveform: give --config and --seed too");
    }
    let jobs: Vec<(&tessera_cosim::DutConfig, u64)> = configs
        .iter()
        .flat_map(|c| seeds.iter().map(move |&s| (*c, s)))
        .enumerate()
        .filter(|(i, _)| a.shard.is_none_or(|s| s.takes(*i)))
        .map(|(_, j)| j)
        .collect();
    if let Some(s) = a.shard {
        println!("shard {}/{}: {} of the regression's runs", s.index, s.count, jobs.len());
    }

    let bar = indicatif::ProgressBar::new(jobs.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs {msg}").unwrap(),
    );
    let mut rows: Vec<(String, u64, u64, u64, f64)> = Vec::new();
    let mut suites: std::collections::BTreeMap<&str, TestSuite> = Default::default();
    let mut failures = 0;
    for (cfg, seed) in jobs {
        bar.set_message(format!("{} seed {seed}", cfg.name));
        let k = u64::from(66 / cfg.ser_w);
        let clocks = a.clocks.unwrap_or_else(|| (3 * u64::from(cfg.am_period) * k + 10).min(if cfg.lanes > 100 { 3000 } else { 50_000 }));
        let mut run = TxRun::new(cfg.name, seed, clocks);
        run.trace = a.trace.clone();
        let t = Instant::now();
        let result = check_tx(&run);
        let secs = t.elapsed().as_secs_f64();
        let mismatch = u64::from(result.is_err());
        let row = rows.iter_mut().find(|r| r.0 == cfg.name);
        match row {
            Some(r) => {
                r.1 += 1;
                r.2 += clocks;
                r.3 += mismatch;
                r.4 += secs;
            }
            None => rows.push((cfg.name.to_string(), 1, clocks, mismatch, secs)),
        }
        let name = format!("tx seed {seed}");
        let status = match &result {
            Ok(_) => TestCaseStatus::success(),
            Err(e) => {
                failures += 1;
                bar.println(format!("FAIL {} seed {seed}: {e}", cfg.name));
                let mut s = TestCaseStatus::non_success(match e {
                    RunError::Mismatch(_) => NonSuccessKind::Failure,
                    _ => NonSuccessKind::Error,
                });
                s.set_message(e.to_string());
                s
            }
        };
        let mut case = TestCase::new(name, status);
        case.set_classname(format!("tessera.cosim.{}", cfg.name));
        case.set_time(std::time::Duration::from_secs_f64(secs));
        suites.entry(cfg.name).or_insert_with(|| TestSuite::new(cfg.name)).add_test_case(case);
        bar.inc(1);
    }
    bar.finish_and_clear();

    println!("{:<8} {:>5} {:>10} {:>10} {:>12}", "config", "runs", "clocks", "mismatches", "clocks/s");
    for (name, runs, clocks, mismatches, secs) in &rows {
        println!("{name:<8} {runs:>5} {clocks:>10} {mismatches:>10} {:>12.0}", *clocks as f64 / secs.max(1e-9));
    }
    if let Some(path) = &a.junit {
        let mut report = Report::new("tessera-cosim");
        report.add_test_suites(suites.into_values());
        std::fs::write(path, report.to_string()?)
            .map_err(|e| anyhow::anyhow!("--junit {}: {e}", path.display()))?;
        println!("JUnit XML written to {}", path.display());
    }
    if let Some(path) = &a.trace {
        println!("waveform written to {}", path.display());
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
