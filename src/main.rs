//! `tessera`: the command-line front of the Tessera golden model.

use clap::{Parser, Subcommand};

mod cmd;

/// Tessera: bit-exact golden model, vector generator and RTL co-simulation harness for
/// wide-and-slow multi-lane optical links.
#[derive(Parser, Debug)]
#[command(name = "tessera", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Threads for the model's per-port and per-channel work and for explore's cables
    /// (0: the RAYON_NUM_THREADS variable, or else one per core). Results do not depend on it.
    #[arg(long, global = true, default_value_t = 0, value_name = "N")]
    threads: usize,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the built-in 800 Gb/s-class link (400 lanes + 16 spares) through TX, channel
    /// and RX, and print the link report.
    Demo(cmd::demo::DemoArgs),
    /// Generate a vector set (stimulus and expected streams for TX and RX).
    Gen(cmd::vectors::GenArgs),
    /// Check a vector set against the model: report the first difference.
    Check(cmd::vectors::CheckArgs),
    /// Show a vector file's header and a summary of its body.
    Inspect(cmd::vectors::InspectArgs),
    /// Sweep link parameters over many cables with the spatial channel model: how often the
    /// link comes up, spares used, BER, goodput (table and CSV).
    Explore(cmd::explore::ExploreArgs),
    /// Verify a DUT's RTL against the model under Verilator (`--dut FILE`, docs/ports.md):
    /// a regression over modes and seeds, or `--fuzz N` (needs the `cosim` feature).
    Cosim(cmd::cosim::CosimArgs),
    /// Functional coverage files: `merge OUT FILE...` adds the shards' coverage files (or
    /// merges their JUnit reports) into one, `show FILE` prints the points hit and missed.
    Coverage(cmd::coverage::CoverageArgs),
    /// Run one link through the spatial channel and the datapath and write a self-contained
    /// HTML report (arrays to scale, lane map, skew, BER per channel).
    Report(cmd::report::ReportArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if cli.threads > 0 {
        if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(cli.threads).build_global() {
            eprintln!("error: --threads {}: {e}", cli.threads);
            return std::process::ExitCode::from(2);
        }
    }
    let result = match cli.command {
        Command::Demo(a) => cmd::demo::run(a),
        Command::Gen(a) => cmd::vectors::gen(a),
        Command::Check(a) => cmd::vectors::check(a),
        Command::Inspect(a) => cmd::vectors::inspect(a),
        Command::Explore(a) => cmd::explore::run(a),
        Command::Cosim(a) => cmd::cosim::run(a),
        Command::Coverage(a) => cmd::coverage::run(a),
        Command::Report(a) => cmd::report::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
