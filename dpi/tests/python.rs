//! The Python path, from `cargo test`: builds the `tessera` wheel (python/, maturin, abi3),
//! installs it into scripts/setup's venv and runs its pytest: the bindings without a
//! simulator (python/tests/test_bindings.py) and the cocotb 1.8.1 bench of the TX and RX
//! RTL under Icarus and Verilator, passing on rtl/ and failing on a copy with one broken
//! line (python/tests/test_cocotb_rtl.py).
//!
//! Needs the venv of `./scripts/setup` (`target/py-venv`, or `TESSERA_VENV`) and the
//! simulators it installs; without them the test fails and says so. `TESSERA_SEED=N`
//! replays another seed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("dpi/ has a parent").to_path_buf()
}

/// target/ of this build (target/<profile>/deps/<test> -> target).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.ancestors().nth(3).expect("target folder").to_path_buf()
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

#[test]
fn wheel_builds_and_its_pytest_and_cocotb_benches_pass() {
    let venv =
        std::env::var_os("TESSERA_VENV").map(PathBuf::from).unwrap_or_else(|| root().join("target/py-venv"));
    let bin = venv.join("bin");
    assert!(
        bin.join("python").exists() && bin.join("maturin").exists(),
        "no venv with maturin at {}: run ./scripts/setup (TESSERA_VENV overrides the place)",
        venv.display()
    );
    let wheels = target_dir().join("wheels");
    let _ = std::fs::remove_dir_all(&wheels);
    run(
        Command::new(bin.join("maturin"))
            .args(["build", "--release", "--locked", "--manifest-path"])
            .arg(root().join("python/Cargo.toml"))
            .arg("--out")
            .arg(&wheels)
            .arg("--interpreter")
            .arg(bin.join("python"))
            // Its own target folder: the wheel is another workspace (python/Cargo.toml).
            .env("CARGO_TARGET_DIR", target_dir().join("python")),
        "maturin build",
    );
    let wheel = std::fs::read_dir(&wheels)
        .expect("wheels folder")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .expect("maturin made a wheel");
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.contains("-cp38-abi3-"), "{name}: not one abi3 wheel for CPython >= 3.8");
    run(
        Command::new(bin.join("python"))
            .args(["-m", "pip", "install", "-q", "--force-reinstall", "--no-deps"])
            .arg(&wheel),
        "pip install",
    );
    let out = run(
        Command::new(bin.join("pytest"))
            .args(["-q", "-s", "-p", "no:cacheprovider", "test_bindings.py", "test_cocotb_rtl.py"])
            .current_dir(root().join("python/tests"))
            .env("TESSERA_COCOTB_BUILD", target_dir().join("cocotb"))
            .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())),
        "pytest python/tests",
    );
    println!("{out}");
    assert!(out.contains("6 passed"), "{out}");
}
