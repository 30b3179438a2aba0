//! Icarus benches that read their cases from `+cases=FILE` and write their results to
//! `+out=FILE` (`rtl/tb/benes_tb.sv`, `rtl/tb/reorder_tb.sv`): the RTL source list and
//! the run of a compiled bench, shared by `tests/rtl_benes.rs` and `tests/rtl_networks.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fails the test, saying so, when iverilog is not installed.
pub fn require_iverilog() {
    let found = Command::new("iverilog").arg("-V").output().is_ok();
    assert!(found, "iverilog is not installed: run scripts/setup");
}

/// Every synthesizable RTL source, as `rtl/tessera.f` lists them (one or more files a line,
/// `//` and `#` comments, paths relative to the list). The list holds plain file names
/// only; an option in it (`-…`, `+…`) fails the test rather than being dropped.
pub fn rtl_sources() -> Vec<PathBuf> {
    let list = root().join("rtl/tessera.f");
    let text = std::fs::read_to_string(&list).unwrap_or_else(|e| panic!("{}: {e}", list.display()));
    let mut files = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split("//").next().unwrap().split('#').next().unwrap();
        for arg in line.split_whitespace() {
            assert!(
                !arg.starts_with('-') && !arg.starts_with('+'),
                "{}:{}: {arg}: tests/common/icarus.rs reads only file names",
                list.display(),
                n + 1
            );
            files.push(list.parent().unwrap().join(arg));
        }
    }
    assert!(!files.is_empty(), "{} names no source", list.display());
    files
}

/// Compiles `rtl/tb/<tb>.sv` with every source of [`rtl_sources`] under Icarus
/// (`-g2012`, top `tb`), with `defines` and the bench parameters `params` (`-P tb.K=V`),
/// to `vvp`; requires iverilog and fails the test with iverilog's message.
pub fn compile(vvp: &Path, tb: &str, defines: &[&str], params: &[(&str, String)]) {
    require_iverilog();
    let mut cmd = Command::new("iverilog");
    cmd.arg("-g2012").args(defines).arg("-o").arg(vvp).arg("-s").arg(tb);
    for (k, v) in params {
        cmd.arg("-P").arg(format!("{tb}.{k}={v}"));
    }
    cmd.args(rtl_sources()).arg(root().join(format!("rtl/tb/{tb}.sv")));
    let out = cmd.output().expect("iverilog runs");
    assert!(
        out.status.success(),
        "iverilog {tb} {defines:?} {params:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs the compiled bench `vvp` (`vvp -n`) on `cases` (written to `cases_path`) with its
/// output file `out_path`; the bench must exit with status 0 and print DONE. Returns the
/// output file's lines, trimmed, and the bench's log (stdout then stderr). `what` names
/// the bench and its parameters in a failure.
pub fn run_vvp(
    vvp: &Path,
    cases_path: &Path,
    out_path: &Path,
    cases: &str,
    what: &str,
) -> (Vec<String>, String) {
    std::fs::write(cases_path, cases).unwrap_or_else(|e| panic!("{what}: {}: {e}", cases_path.display()));
    // A stale output file from an earlier run must not pass for this run's.
    let _ = std::fs::remove_file(out_path);
    let out = Command::new("vvp")
        .arg("-n")
        .arg(vvp)
        .arg(format!("+cases={}", cases_path.display()))
        .arg(format!("+out={}", out_path.display()))
        .output()
        .expect("vvp runs");
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && log.contains("DONE"), "vvp {what}:\n{log}");
    let text =
        std::fs::read_to_string(out_path).unwrap_or_else(|e| panic!("{what}: {}: {e}", out_path.display()));
    (text.lines().map(|l| l.trim().to_string()).collect(), log)
}
