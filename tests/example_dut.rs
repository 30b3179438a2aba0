//! The example DUT in `examples/acme/` (other port names, active-high resets, TX latency 3,
//! a `.f` list with an include directory, an RX that shows only its data and lock bits
//! one clock late) passes `tessera cosim --dut` in every mode it supports, as CI runs it.
#![cfg(feature = "cosim")]

use std::process::Command;

#[test]
fn the_example_dut_passes_tessera_cosim_in_every_mode() {
    let dut = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme/dut.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["cosim", "--dut", dut, "--seeds", "3"])
        .output()
        .expect("run tessera");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    for mode in ["tx", "rx", "e2e"] {
        let row = stdout
            .lines()
            .find(|l| l.starts_with("acme") && l.split_whitespace().nth(1) == Some(mode))
            .unwrap_or_else(|| panic!("no {mode} row in\n{stdout}"));
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!((cols[2], cols[4], cols[5]), ("3", "0", "0"), "runs, mismatches, errors: {stdout}");
    }
    assert!(stdout.contains("acme: RX status compared: block_lock marker_lock"), "{stdout}");
    assert!(stdout.contains("acme: not compared (not mapped): lane bip_errors"), "{stdout}");
    assert!(stdout.trim_end().ends_with("PASS"), "{stdout}");
}
