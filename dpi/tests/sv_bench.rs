//! The SystemVerilog bench `dpi/tb/tessera_dpi_tb.sv` under Verilator (`dpi/tb/run.sh`),
//! linked with this build's static library: Tessera's TX and RX RTL scoreboarded by two
//! DPI model instances.
//!
//! * With the repository's RTL and a channel with skew, a permutation and bit errors, it
//!   passes: every TX clock equal, every stripe out equal, per-port status every clock and
//!   the link status at the end equal.
//! * With one line of the RTL broken on purpose (in a copy of `rtl/`), it fails, and the
//!   message names the clock, the signal, the channel and the expected and actual words:
//!   a TX line (the idle payload: `tx_serial_o`) and an RX line (the slip counter:
//!   `port_slips_o`).
//!
//! Needs Verilator >= 5.006 (`scripts/setup` installs it); without it the test fails and
//! says so. The seed is printed; `TESSERA_DPI_SEED=N` replays another.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("dpi/ has a parent").to_path_buf()
}

/// The static library of this test build (cargo builds it next to the test binary).
fn static_lib() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let lib = exe.parent().expect("deps folder").join("libtessera_dpi.a");
    assert!(lib.exists(), "{} not found: cargo builds the staticlib with the tests", lib.display());
    lib
}

fn build_dir(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test> -> target/dpi-tb/<name>
    exe.ancestors().nth(3).expect("target folder").join("dpi-tb").join(name)
}

fn seed() -> u64 {
    std::env::var("TESSERA_DPI_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(7)
}

/// Runs the bench; returns (success, stdout + stderr).
fn run_bench(rtl: &Path, build: &str, plusargs: &[String]) -> (bool, String) {
    let verilator = std::env::var("VERILATOR").unwrap_or_else(|_| "verilator".into());
    let ok = Command::new(&verilator).arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(ok, "`{verilator} --version` failed: Verilator >= 5.006 is needed (./scripts/setup installs it)");
    let out = Command::new(root().join("dpi/tb/run.sh"))
        .arg("--")
        .args(plusargs)
        .env("TESSERA_DPI_LIB", static_lib())
        .env("TESSERA_RTL", rtl)
        .env("TESSERA_DPI_BUILD", build_dir(build))
        .output()
        .expect("dpi/tb/run.sh runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn faults_file() -> PathBuf {
    let dir = build_dir("faults");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("faults.cfg");
    std::fs::write(&f, "random_skew: 300\npermute: yes\nber: 1e-5\n").unwrap();
    f
}

/// A copy of rtl/ with `from` replaced by `to` in `file` (exactly once).
fn broken_rtl(name: &str, file: &str, from: &str, to: &str) -> PathBuf {
    let dir = build_dir(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(root().join("rtl")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "sv") {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once in rtl/{file}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
    dir
}

#[test]
fn rtl_passes_and_one_broken_line_fails_with_clock_channel_expected_actual() {
    let seed = seed();
    println!("seed {seed} (TESSERA_DPI_SEED={seed} replays it)");
    let args =
        vec![format!("+seed={seed}"), "+stripes=150".into(), format!("+faults={}", faults_file().display())];

    let (ok, out) = run_bench(&root().join("rtl"), "small", &args);
    assert!(ok && out.contains("PASS: seed"), "the bench fails on the repository's RTL:\n{out}");
    assert!(out.contains("150 stripes out equal to the model's"), "{out}");

    // One RTL line broken: the idle block's payload (an idle is sent before any data).
    let rtl = broken_rtl(
        "broken-tx-src",
        "lane_encoder.sv",
        "IDLE_PAYLOAD = 64'h0000_0000_0000_001E;",
        "IDLE_PAYLOAD = 64'h0000_0000_0000_001F;",
    );
    let (ok, out) = run_bench(&rtl, "small-broken", &args);
    assert!(!ok, "the bench passes with a broken RTL line:\n{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("FAIL: tessera_tx_check: clock "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("tx_serial_o channel ")
            && line.contains(": expected 0x")
            && line.contains(", actual 0x"),
        "{line}"
    );
    assert!(out.contains(&format!("replay with +seed={seed}")), "{out}");

    // One RX line broken: the slip counter counts by two (the RX slips while it hunts for
    // block lock, so the per-port status check sees it).
    let rtl = broken_rtl(
        "broken-rx-src",
        "rx_port.sv",
        "slips_q[c*CNT_W +: CNT_W] <= slips_q[c*CNT_W +: CNT_W] + 1'b1;",
        "slips_q[c*CNT_W +: CNT_W] <= slips_q[c*CNT_W +: CNT_W] + 2'd2;",
    );
    let (ok, out) = run_bench(&rtl, "small-broken-rx", &args);
    assert!(!ok, "the bench passes with a broken RX line:\n{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("FAIL: tessera_rx_check_ports: clock "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("port_slips_o port ") && line.contains(": expected ") && line.contains(", actual "),
        "{line}"
    );
}
