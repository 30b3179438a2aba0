//! The vector files load unchanged with `$readmemh`: a plain Verilog test bench reads every
//! stream of every golden set into a memory of the header's width and depth and prints it
//! back with `%h`, which must give the file's body line for line. Runs under Icarus
//! Verilog and Verilator when they are installed (skipped, with a note, when not).

use std::path::{Path, PathBuf};
use std::process::Command;

use tessera_vectors::golden::GOLDEN;
use tessera_vectors::{VectorReader, DATA_STREAMS};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors").join("golden")
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
        || Command::new(tool).arg("-V").output().is_ok_and(|o| o.status.success())
}

/// A test bench that loads the five streams of `set` and prints each word as `<stream> <hex>`.
fn bench(set: &Path) -> (String, String) {
    let mut decl = String::new();
    let mut body = String::new();
    let mut expected = String::new();
    for (i, s) in DATA_STREAMS.iter().enumerate() {
        let path = set.join(s.file_name());
        let r = VectorReader::open(&path).unwrap();
        let (w, d) = (r.header().width, r.header().words);
        let text = std::fs::read_to_string(&path).unwrap();
        for l in text.lines().filter(|l| !l.starts_with("//")) {
            expected += &format!("{} {l}\n", s.name());
        }
        if d == 0 {
            continue;
        }
        decl += &format!("  reg [{}:0] m{i} [0:{}];\n", w - 1, d - 1);
        body += &format!(
            "    $readmemh(\"{}\", m{i});\n    for (k = 0; k < {d}; k = k + 1) $display(\"{} %h\", m{i}[k]);\n",
            path.display(),
            s.name()
        );
    }
    (
        format!("module tb;\n{decl}  integer k;\n  initial begin\n{body}    $finish;\n  end\nendmodule\n"),
        expected,
    )
}

fn printed(stdout: &[u8]) -> String {
    let names: Vec<&str> = DATA_STREAMS.iter().map(|s| s.name()).collect();
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| l.split(' ').next().is_some_and(|w| names.contains(&w)))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn icarus_loads_every_golden_stream_unchanged() {
    if !have("iverilog") {
        eprintln!("note: iverilog not installed; $readmemh under Icarus not checked");
        return;
    }
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readmemh_icarus");
    std::fs::create_dir_all(&tmp).unwrap();
    for g in GOLDEN {
        let (tb, expected) = bench(&golden_dir().join(g.name));
        let src = tmp.join(format!("{}.v", g.name));
        let sim = tmp.join(format!("{}.vvp", g.name));
        std::fs::write(&src, tb).unwrap();
        let c = Command::new("iverilog").arg("-o").arg(&sim).arg(&src).output().unwrap();
        assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
        let run = Command::new("vvp").arg("-n").arg(&sim).output().unwrap();
        assert!(run.status.success());
        let warnings = String::from_utf8_lossy(&run.stderr);
        assert!(!warnings.to_lowercase().contains("warning"), "{}: {warnings}", g.name);
        assert!(
            printed(&run.stdout) == expected,
            "{}: Icarus read something else than the files hold",
            g.name
        );
    }
}

#[test]
fn verilator_loads_a_golden_set_unchanged() {
    if !have("verilator") {
        eprintln!("note: verilator not installed; $readmemh under Verilator not checked");
        return;
    }
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readmemh_verilator");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    // The set with the widest words and a permutation.
    let (tb, expected) = bench(&golden_dir().join("spares-permuted"));
    let src = tmp.join("tb.v");
    std::fs::write(&src, tb).unwrap();
    let c = Command::new("verilator")
        .args(["--binary", "-Wno-fatal", "--top-module", "tb", "-Mdir"])
        .arg(tmp.join("obj"))
        .arg(&src)
        .output()
        .unwrap();
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    let run = Command::new(tmp.join("obj").join("Vtb")).output().unwrap();
    assert!(run.status.success());
    assert!(printed(&run.stdout) == expected, "Verilator read something else than the files hold");
}
