//! A user's own RTL, as a user brings it: sources in a folder outside the repository, a
//! DUT file, the build cache. Built, checked and passing; not rebuilt when nothing changed
//! (proved by the cache entry's build id); rebuilt when a source line changes; a broken
//! copy fails with clock, signal, place, expected and actual values and a replay command
//! that reproduces the failure through `tessera cosim`. And every bad input of a DUT file
//! gets an error that names the file, line, port or parameter.
#![cfg(feature = "cosim")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use tessera_cosim::harness::{check_with, LinkRun, Mode, RunError};
use tessera_cosim::{BuildError, BuildOptions, Dut, DutError};

/// A folder outside the repository with a copy of Tessera's RTL and `tessera.f`.
fn user_tree() -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix("tessera-user-dut").tempdir().unwrap();
    let rtl = Path::new(env!("CARGO_MANIFEST_DIR")).join("rtl");
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    for e in std::fs::read_dir(&rtl).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "sv" || x == "f") {
            std::fs::copy(&p, dir.path().join("src").join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// A TX-only DUT file of one lane (the quickest build), with `extra` lines appended to the
/// [tx] section and `ports` as its port map.
fn tx_dut(dir: &Path, name: &str, params: &str, ports: &str, link: &str) -> PathBuf {
    let text = format!(
        "side = \"tx\"\n[sources]\nfile_lists = [\"src/tessera.f\"]\n{link}\n[tx]\ntop = \"tessera_tx\"\n\
         parameters = {{ {params} }}\nclock = \"clk_i\"\nreset = {{ port = \"rst_ni\", active = \"low\" }}\n\n[tx.ports]\n{ports}"
    );
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The built-in DUT files' folder.
fn cosim_duts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cosim/duts")
}

const ONE: &str = "LANES = 1, SPARES = 0, AM_PERIOD = 64, SER_W = 66";
const PORTS: &str = "host_valid = \"tx_valid_i\"\nhost_data = \"tx_data_i\"\nhost_ready = \"tx_ready_o\"\n\
                     serial = \"tx_serial_o\"\nmap_reset = \"map_rst_ni\"\nmap_write = \"map_wr_i\"\n\
                     map_channel = \"map_channel_i\"\nmap_lane = \"map_lane_i\"\nmap_failed = \"map_failed_i\"\n";

fn opts(cache: &Path) -> BuildOptions {
    BuildOptions { cache_dir: Some(cache.to_path_buf()), quiet: true, ..Default::default() }
}

/// Entries in a cache folder (complete ones and temporary ones).
fn entries(cache: &Path) -> (Vec<String>, Vec<String>) {
    let names: Vec<String> = std::fs::read_dir(cache)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let tmp = names.iter().filter(|n| n.starts_with(".tmp")).cloned().collect();
    let done = names.iter().filter(|n| !n.starts_with('.') && !n.ends_with(".lock")).cloned().collect();
    (done, tmp)
}

#[test]
fn a_users_dut_is_built_checked_cached_rebuilt_and_a_broken_copy_fails_with_a_replay() {
    let tree = user_tree();
    let cache = tree.path().join("cache");
    let file = tx_dut(tree.path(), "dut.toml", ONE, PORTS, "");

    // Built once, and passes.
    let dut = Arc::new(Dut::load(&file, &opts(&cache)).unwrap_or_else(|e| panic!("{e}")));
    let first = dut.tx_top().unwrap().built.clone();
    assert!(first.built_now, "the first load builds");
    for seed in 1..=2 {
        let r = check_with(Arc::clone(&dut), &LinkRun::new(&file, Mode::Tx, seed, 60))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(r.tx_clocks > 60 && r.stripes_in == 60, "{r:?}");
    }

    // Nothing changed: the same cache entry, made by the same build.
    let again = Dut::load(&file, &opts(&cache)).unwrap();
    let second = &again.tx_top().unwrap().built;
    assert!(!second.built_now);
    assert_eq!((&second.dir, &second.build_id), (&first.dir, &first.build_id));
    assert_eq!(entries(&cache).0.len(), 1, "one entry");

    // One RTL line changed (a comment): a new key, a new build.
    let f = tree.path().join("src/tx_serializer.sv");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("{text}\n// edited by the user\n")).unwrap();
    let changed = Dut::load(&file, &opts(&cache)).unwrap();
    let third = &changed.tx_top().unwrap().built;
    assert!(third.built_now && third.key != first.key && third.build_id != first.build_id);

    // A parameter changes the key too.
    let other =
        tx_dut(tree.path(), "dut2.toml", "LANES = 1, SPARES = 0, AM_PERIOD = 128, SER_W = 66", PORTS, "");
    let p = Dut::load(&other, &opts(&cache)).unwrap();
    assert!(p.tx_top().unwrap().built.built_now);

    // Fuzzing from the command line: passes, and prints its seed.
    let (code, out, err) =
        tessera(&cache, &["cosim", "--dut", file.to_str().unwrap(), "--fuzz", "3", "--fuzz-seed", "9"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("seed 9") && out.contains("3 runs, 0 operation sequences agree"), "{out}");

    // A broken copy: data words inverted in the encoder.
    let enc = tree.path().join("src/lane_encoder.sv");
    let text = std::fs::read_to_string(&enc).unwrap();
    let good = "scr_in[c*64 +: 64] = data_valid_i[c] ? data_i[c*64 +: 64] : IDLE_PAYLOAD;";
    assert!(text.contains(good), "lane_encoder.sv changed: update this test's broken line");
    std::fs::write(
        &enc,
        text.replace(good, "scr_in[c*64 +: 64] = data_valid_i[c] ? ~data_i[c*64 +: 64] : IDLE_PAYLOAD;"),
    )
    .unwrap();
    let broken = Arc::new(Dut::load(&file, &opts(&cache)).unwrap());
    let run = LinkRun::new(&file, Mode::Tx, 3, 60);
    let m = match check_with(Arc::clone(&broken), &run) {
        Err(RunError::Mismatch(m)) => m,
        other => panic!("the broken RTL passed: {other:?}"),
    };
    assert_eq!((m.signal.as_str(), m.place.as_deref()), ("tx_serial_o", Some("channel 0")), "{m}");
    assert!(m.clock > 0 && m.expected != m.actual, "{m}");
    assert!(
        m.replay.starts_with(&format!("tessera cosim --dut {} --mode tx --seed 3", file.display())),
        "{}",
        m.replay
    );

    // The replay command reproduces it.
    let args: Vec<String> = shell_words(&m.replay);
    assert_eq!(args[0], "tessera");
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(&args[1..])
        .env("TESSERA_CACHE_DIR", &cache)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line =
        format!("at clock {}, tx_serial_o channel 0: expected {}, RTL {}", m.clock, m.expected, m.actual);
    assert!(stderr.contains(&line), "replay did not reproduce `{line}`:\n{stderr}");

    // The fuzzer finds it, shrinks it, prints the replay and keeps the case beside the DUT file.
    let (code, out, err) =
        tessera(&cache, &["cosim", "--dut", file.to_str().unwrap(), "--fuzz", "20", "--fuzz-seed", "9"]);
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(
        err.contains("fuzz failure (runs), shrunk to:") && err.contains("tx_serial_o channel 0"),
        "{err}"
    );
    assert!(err.contains(&format!("replay: tessera cosim --dut {} --mode tx", file.display())), "{err}");
    let kept = tree.path().join("dut.proptest-regressions");
    assert!(err.contains(&format!("kept in {}", kept.display())), "{err}");
    assert!(std::fs::read_to_string(&kept).unwrap().contains("cc "), "a persisted case");
}

/// Runs the `tessera` binary with this build cache.
fn tessera(cache: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(args)
        .env("TESSERA_CACHE_DIR", cache)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Splits a replay command (words, and '…' quoted lists).
fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn load_err(file: &Path, cache: &Path) -> DutError {
    match Dut::load(file, &opts(cache)) {
        Err(e) => e,
        Ok(_) => panic!("{} loaded", file.display()),
    }
}

#[test]
fn dut_file_mistakes_are_named_with_their_line() {
    let tree = user_tree();
    let cache = tree.path().join("cache");
    // An unknown role.
    let f = tx_dut(tree.path(), "a.toml", ONE, &format!("{PORTS}hots_valid = \"x\"\n"), "");
    let e = load_err(&f, &cache).to_string();
    assert!(e.starts_with(&format!("{}:21: [tx.ports]: unknown role `hots_valid`", f.display())), "{e}");
    assert!(e.contains("host_valid, host_data"), "lists the roles: {e}");
    // A required role not mapped.
    let f = tx_dut(tree.path(), "b.toml", ONE, &PORTS.replace("host_ready = \"tx_ready_o\"\n", ""), "");
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains("the required role `host_ready`") && e.contains("b.toml:"), "{e}");
    // Half a lane-map write port.
    let f = tx_dut(tree.path(), "c.toml", ONE, &PORTS.replace("map_lane = \"map_lane_i\"\n", ""), "");
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains("needs all of map_write, map_channel, map_lane, map_failed"), "{e}");
    // A link configuration the model rejects.
    let f = tx_dut(tree.path(), "d.toml", "LANES = 1, SPARES = 0, AM_PERIOD = 2, SER_W = 66", PORTS, "");
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains("the link configuration is impossible") && e.contains("am_period"), "{e}");
    let f = tx_dut(tree.path(), "e.toml", "LANES = 1, SPARES = 0, AM_PERIOD = 64, SER_W = 7", PORTS, "");
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains("the link configuration is impossible") && e.contains("ser_w"), "{e}");
    // TOML syntax and unknown keys, with the line.
    let f = tree.path().join("f.toml");
    std::fs::write(&f, "side = \"tx\"\n[sources]\nfiles = [\"x.sv\"]\nfile_list = []\n").unwrap();
    let e = load_err(&f, &cache).to_string();
    assert!(e.starts_with(&format!("{}:4:", f.display())) && e.contains("unknown field `file_list`"), "{e}");
    // A map delay of 0 clocks, and one in the RX section.
    let f = tx_dut(tree.path(), "h.toml", ONE, PORTS, "");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("clock = \"clk_i\"\n", "clock = \"clk_i\"\nmap_delay = 0\n");
    std::fs::write(&f, text).unwrap();
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains("h.toml:") && e.contains("[tx] map_delay = 0: expected 1 to 2^24 clocks"), "{e}");
    let f = tree.path().join("i.toml");
    let text = std::fs::read_to_string(cosim_duts().join("one.toml"))
        .unwrap()
        .replace("status_lag = 1", "status_lag = 1\nmap_delay = 7");
    std::fs::write(&f, text.replace("../../rtl/tessera.f", "src/tessera.f")).unwrap();
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains("[rx] map_delay: the lane-map delay belongs in [tx]"), "{e}");
    // A missing source file, with its line.
    let f = tx_dut(tree.path(), "g.toml", ONE, PORTS, "");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("file_lists = [\"src/tessera.f\"]", "files = [\"nope.sv\"]");
    std::fs::write(&f, text).unwrap();
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains("g.toml:3: source file") && e.contains("nope.sv does not exist"), "{e}");
    // Nothing was built for any of these.
    assert!(entries(&cache).0.is_empty());
}

#[test]
fn ports_that_do_not_fit_the_verilated_model_are_named() {
    let tree = user_tree();
    let cache = tree.path().join("cache");
    // A mapped port missing from the model: the ports it has are listed.
    let f = tx_dut(tree.path(), "a.toml", ONE, &PORTS.replace("\"tx_ready_o\"", "\"ready_o\""), "");
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains(&format!("{}:14: [tx.ports] host_ready = \"ready_o\"", f.display())), "{e}");
    assert!(e.contains("has no port `ready_o`; its ports: clk_i (input, 1 bits)"), "{e}");
    assert!(e.contains("tx_serial_o (output, 66 bits)"), "{e}");
    // A width that disagrees with the contract: the link says 2 lanes, the top has 1.
    let f = tx_dut(tree.path(), "b.toml", ONE, PORTS, "[link]\nlanes = 2\n");
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains("host_data = \"tx_data_i\": `tx_data_i` is 64 bits wide, the contract asks 64 x lanes = 64 x 2 = 128 bits"), "{e}");
    // A wrong direction.
    let f = tx_dut(
        tree.path(),
        "c.toml",
        ONE,
        &PORTS.replace("host_ready = \"tx_ready_o\"", "host_ready = \"tx_valid_i\""),
        "",
    );
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains("the role is an output, `tx_valid_i` is an input"), "{e}");
    // A clock or reset that is not there.
    let f = tree.path().join("d.toml");
    std::fs::write(
        &f,
        std::fs::read_to_string(tree.path().join("a.toml")).unwrap().replace("\"rst_ni\"", "\"rst_n\""),
    )
    .unwrap();
    let e = load_err(&f, &cache).to_string();
    assert!(e.contains("reset.port = \"rst_n\"") && e.contains("its ports: clk_i"), "{e}");
    // All four share one build: port maps are not part of the key.
    assert_eq!(entries(&cache).0.len(), 1);
}

#[test]
fn verilator_errors_reach_the_user_and_leave_no_half_entry() {
    let tree = user_tree();
    let cache = tree.path().join("cache");
    // A parameter the top does not have: Verilator's words, and the DUT file's line.
    let f = tx_dut(tree.path(), "a.toml", &format!("{ONE}, NUM_LANES = 4"), PORTS, "");
    let e = load_err(&f, &cache);
    let text = e.to_string();
    assert!(matches!(e, DutError::Build(BuildError::Verilator { .. })), "{e:?}");
    assert!(
        text.contains("Parameters from the command line were not found in the design: NUM_LANES"),
        "{text}"
    );
    assert!(text.contains(&format!("has no parameter NUM_LANES ({}:", f.display())), "{text}");
    // A syntax error in the user's RTL: Verilator's message, unedited.
    let bad = tree.path().join("src/tx_serializer.sv");
    let text = std::fs::read_to_string(&bad).unwrap();
    std::fs::write(&bad, text.replacen("module", "modle", 1)).unwrap();
    let f = tx_dut(tree.path(), "b.toml", ONE, PORTS, "");
    let e = load_err(&f, &cache).to_string();
    assert!(
        e.contains("Verilator failed on top `tessera_tx`")
            && e.contains("%Error: ")
            && e.contains("tx_serializer.sv:"),
        "{e}"
    );
    let (done, tmp) = entries(&cache);
    assert!(done.is_empty() && tmp.is_empty(), "no half entry: {done:?} {tmp:?}");
    std::fs::write(&bad, text).unwrap();
    // Verilator missing, or too old.
    let missing = BuildOptions { verilator: Some("/nonexistent/verilator".into()), ..opts(&cache) };
    let e = Dut::load(&f, &missing).unwrap_err().to_string();
    assert!(e.contains("Verilator not found at '/nonexistent/verilator'") && e.contains("5.006"), "{e}");
    let old = tree.path().join("old-verilator");
    std::fs::write(&old, "#!/bin/sh\necho 'Verilator 4.038 2020-07-11 rev v4.036-114-g0cd4a57ad'\n").unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&old).status().unwrap();
    let e = Dut::load(&f, &BuildOptions { verilator: Some(old.clone()), ..opts(&cache) })
        .unwrap_err()
        .to_string();
    assert!(e.contains("is Verilator 4.038") && e.contains("needs Verilator 5.006 or newer"), "{e}");
}

/// An RX whose release hold is one slot short (rtl/deskew.sv, RELEASE_HOLD 7 instead of the
/// spec's 8) fails: on a clean channel (it releases each slot a block period early, which
/// the per-period status shows), and in the regression's header-stress profile, whose
/// invalid headers reach `deskew.hold_edge_lost` (docs/coverage.md). The built-in `one`,
/// the same link with the right hold, passes both runs (cosim/tests/link.rs).
#[test]
fn an_rx_with_a_short_release_hold_fails() {
    let tree = user_tree();
    let cache = tree.path().join("cache");
    let deskew = tree.path().join("src/deskew.sv");
    let text = std::fs::read_to_string(&deskew).unwrap();
    let good = "localparam int RELEASE_HOLD = 8;";
    assert!(text.contains(good), "deskew.sv changed: update this test's broken line");
    std::fs::write(&deskew, text.replace(good, "localparam int RELEASE_HOLD = 7;")).unwrap();
    let one = std::fs::read_to_string(tessera_cosim::builtin("one").unwrap()).unwrap();
    let file = tree.path().join("short_hold.toml");
    std::fs::write(
        &file,
        one.replace("../../rtl/tessera.f", "src/tessera.f")
            .replace("name = \"one\"", "name = \"short_hold\""),
    )
    .unwrap();
    let dut = Arc::new(Dut::load_for(&file, &opts(&cache), &[Mode::Rx]).unwrap_or_else(|e| panic!("{e}")));
    for run in [LinkRun::new(&file, Mode::Rx, 1, 60), LinkRun::regression(&dut, Mode::Rx, 2, 300)] {
        match check_with(Arc::clone(&dut), &run) {
            Err(RunError::Mismatch(m)) => assert!(m.replay.contains("--mode rx"), "{m}"),
            other => panic!("the short release hold passed {}: {other:?}", run.replay()),
        }
    }
}
