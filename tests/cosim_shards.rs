//! The Slurm example (`examples/slurm/`) without Slurm: its shard script run as local
//! processes of the tessera binary, one per array task, on the small built-in DUT `one`;
//! its merge script on their JUnit and coverage files. The merged coverage must equal that
//! of one unsharded run of the same regression, and the merged JUnit report must hold
//! every test case of that run exactly once. `submit.sh` is run against a stand-in
//! `sbatch` that records what it was asked; bad and overlapping inputs of
//! `tessera coverage merge` are refused with the file (and line); a run that fails still
//! gives the coverage it reached. Needs the `cosim` feature (and Verilator to build `one`),
//! never Slurm.
#![cfg(feature = "cosim")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use quick_junit::Report;

/// The regression the shards split: one DUT x 3 modes x 2 seeds.
const REGRESSION: &[&str] = &["--config", "one", "--seeds", "2"];
const SHARDS: u32 = 3;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `bash examples/slurm/<script> args` with the example's environment.
fn script(name: &str, out: &Path, shards: u32, args: &[&str]) -> Command {
    let mut c = Command::new("bash");
    c.arg(repo().join("examples/slurm").join(name))
        .args(args)
        .current_dir(repo())
        .env("TESSERA", env!("CARGO_BIN_EXE_tessera"))
        .env("TESSERA_OUT", out)
        .env("TESSERA_SHARDS", shards.to_string())
        .env_remove("SLURM_ARRAY_TASK_COUNT");
    c
}

fn tessera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera")).args(args).output().expect("run tessera")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\n{}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A run's test case: (suite, classname, name).
type Case = (String, String, String);

/// The test cases of a report's run suites, sorted, and the coverage suite's properties
/// (point, hits).
fn cases(xml: &Path) -> (Vec<Case>, Vec<(String, String)>) {
    let r = Report::deserialize_from_str(&read(xml)).unwrap_or_else(|e| panic!("{}: {e}", xml.display()));
    let mut runs = Vec::new();
    let mut cov = Vec::new();
    for s in &r.test_suites {
        if s.name.as_str() == "coverage" {
            cov.extend(
                s.properties.iter().map(|p| (p.name.as_str().to_string(), p.value.as_str().to_string())),
            );
            assert_eq!(s.tests, s.test_cases.len());
            continue;
        }
        for c in &s.test_cases {
            let class = c.classname.as_ref().map(|n| n.as_str().to_string()).unwrap_or_default();
            runs.push((s.name.as_str().to_string(), class, c.name.as_str().to_string()));
        }
    }
    runs.sort();
    (runs, cov)
}

#[test]
fn merged_shards_equal_one_unsharded_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("farm");

    // The array's tasks, side by side as on a farm.
    let tasks: Vec<_> = (1..=SHARDS)
        .map(|k| {
            script("shard.sbatch", &out, SHARDS, REGRESSION)
                .env("SLURM_ARRAY_TASK_ID", k.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("bash")
        })
        .collect();
    for (k, t) in (1..=SHARDS).zip(tasks) {
        let o = t.wait_with_output().unwrap();
        assert!(o.status.success(), "shard {k}: {}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains(&format!("shard {k}/{SHARDS}: 2 of")),
            "{}",
            text(&o)
        );
    }

    let whole_xml = dir.path().join("whole.xml");
    let whole_cov = dir.path().join("whole.cov");
    let mut args = REGRESSION.to_vec();
    args.splice(0..0, ["cosim"]);
    args.extend(["--junit", whole_xml.to_str().unwrap(), "--coverage", whole_cov.to_str().unwrap()]);
    let o = tessera(&args);
    assert!(o.status.success(), "{}", text(&o));

    // The merge job: `one` alone cannot hit every point (no spares, K = 1 with one lane),
    // so with the default --require-all it fails, naming them, after writing the merge.
    let o = script("merge.sbatch", &out, SHARDS, REGRESSION).output().unwrap();
    let merge_log = text(&o);
    assert_eq!(o.status.code(), Some(1), "{merge_log}");
    assert!(
        merge_log.contains("FAIL coverage: never hit") && merge_log.contains("config.spares"),
        "{merge_log}"
    );
    assert!(merge_log.contains("coverage: ") && merge_log.contains("  point "), "the table: {merge_log}");

    assert_eq!(
        read(&out.join("coverage.cov")),
        read(&whole_cov),
        "merged coverage against the unsharded run's"
    );
    let (merged_runs, merged_cov) = cases(&out.join("junit.xml"));
    let (whole_runs, whole_cov_props) = cases(&whole_xml);
    assert_eq!(whole_runs.len(), 6, "3 modes x 2 seeds: {whole_runs:?}");
    assert_eq!(merged_runs, whole_runs, "every test case of the run, exactly once");
    assert_eq!(merged_cov, whole_cov_props, "the JUnit coverage suite");

    // What would make this fail: a merge that misses a shard, or holds one twice.
    let shard = |k: u32, ext: &str| {
        out.join(ext).join(format!("shard-{k}.{}", if ext == "junit" { "xml" } else { "cov" }))
    };
    let part = dir.path().join("part.cov");
    let o = tessera(&[
        "coverage",
        "merge",
        part.to_str().unwrap(),
        shard(1, "coverage").to_str().unwrap(),
        shard(2, "coverage").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert_ne!(read(&part), read(&whole_cov), "two shards of three");
    let part = dir.path().join("part.xml");
    let s1 = shard(1, "junit");
    let o =
        tessera(&["coverage", "merge", part.to_str().unwrap(), s1.to_str().unwrap(), s1.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("the shards overlap"), "{}", text(&o));
    // A shard that wrote nothing (4 announced, 3 ran).
    let o = script("merge.sbatch", &out, 4, REGRESSION).env("TESSERA_REQUIRE_ALL", "0").output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("merge: shards 4 of 4 wrote no results"), "{}", text(&o));
    assert!(text(&o).contains("sbatch --array=4 --export=ALL,TESSERA_SHARDS=4"), "{}", text(&o));

    // `show` reads the coverage file and the JUnit report alike.
    let show = |f: &Path, req: bool| {
        let mut a = vec!["coverage", "show", f.to_str().unwrap()];
        if req {
            a.push("--require-all");
        }
        tessera(&a)
    };
    let (a, b) = (show(&whole_cov, false), show(&whole_xml, false));
    assert!(a.status.success(), "{}", text(&a));
    assert_eq!(a.stdout, b.stdout);
    let o = show(&whole_cov, true);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("FAIL coverage: never hit ("), "{}", text(&o));
}

#[test]
fn submit_sends_the_array_then_the_merge_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.path().join("sbatch.log");
    // A stand-in sbatch: one line per call (TESSERA_SHARDS and the arguments), job ids
    // 4242, 4243, ...
    let fake = format!(
        "#!/usr/bin/env bash\nn=0\n[ -f {log} ] && n=$(wc -l < {log})\necho \"TESSERA_SHARDS=$TESSERA_SHARDS $*\" >> {log}\necho $((4242 + n))\n",
        log = log.display()
    );
    std::fs::write(bin.join("sbatch"), fake).unwrap();
    std::fs::set_permissions(bin.join("sbatch"), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = dir.path().join("farm");
    let mut args = vec!["4"];
    args.extend(REGRESSION);
    let o =
        script("submit.sh", &out, 0, &args).env("PATH", &path).env_remove("TESSERA_SHARDS").output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let calls = read(&log);
    let lines: Vec<&str> = calls.lines().collect();
    assert_eq!(lines.len(), 2, "{calls}");
    let tail = REGRESSION.join(" ");
    assert!(lines[0].starts_with("TESSERA_SHARDS=4 ") && lines[0].contains("--array=1-4"), "{calls}");
    assert!(lines[0].ends_with(&format!("shard.sbatch {tail}")), "{calls}");
    assert!(
        lines[1].contains("--dependency=afterany:4242")
            && lines[1].ends_with(&format!("merge.sbatch {tail}")),
        "{calls}"
    );
    assert!(out.join("logs").is_dir(), "the log folder exists before the jobs start");
    assert!(String::from_utf8_lossy(&o.stdout).contains("merge: job 4243"), "{}", text(&o));
}

#[test]
fn bad_coverage_files_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| -> PathBuf { dir.path().join(n) };
    std::fs::write(p("a.cov"), "# tessera coverage 1\nbip.ok 3\n").unwrap();
    std::fs::write(p("bad.cov"), "# tessera coverage 1\nbip.ok 1\nbip.okay 2\n").unwrap();
    std::fs::write(p("x.xml"), "<testsuites name=\"t\"><testsuite name=\"s\" tests=\"1\"").unwrap();
    let s = |n: &str| p(n).to_str().unwrap().to_string();
    let o = tessera(&["coverage", "merge", &s("m.cov"), &s("a.cov"), &s("bad.cov")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{}: line 3: 'bip.okay' is not a cover point", s("bad.cov"))),
        "{}",
        text(&o)
    );
    let o = tessera(&["coverage", "merge", &s("m.cov"), &s("a.cov"), &s("x.xml")]);
    assert!(text(&o).contains(&format!("{}: not a JUnit report", s("x.xml"))), "{}", text(&o));
    let o = tessera(&["coverage", "merge", &s("a.cov"), &s("a.cov")]);
    assert!(text(&o).contains("is both the output and an input"), "{}", text(&o));
    // A failed run in a shard fails the merge.
    std::fs::write(
        p("f.xml"),
        "<testsuites name=\"tessera-cosim\"><testsuite name=\"one\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\">\
         <testcase name=\"rx seed 3\" classname=\"tessera.cosim.one\"><failure message=\"mismatch\"/></testcase>\
         </testsuite></testsuites>",
    )
    .unwrap();
    let o = tessera(&["coverage", "merge", &s("m.xml"), &s("f.xml")]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("FAIL: 1 test cases failed: one rx seed 3"), "{}", text(&o));
    assert!(read(&p("m.xml")).contains("rx seed 3"));
    let o = tessera(&["coverage", "merge", &s("m.cov"), &s("a.cov"), &s("a.cov")]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(read(&p("m.cov")).contains("\nbip.ok 6\n"), "{}", read(&p("m.cov")));
}

#[test]
fn a_failing_run_still_reports_the_coverage_it_reached() {
    use tessera_cosim::harness::{check_covered, load, Flip, LinkRun, Mode, RunError};
    let file = tessera_cosim::builtin("one").unwrap();
    let dut = load(&file, &tessera_cosim::BuildOptions::default()).unwrap();
    let run = LinkRun::new(&file, Mode::Rx, 3, 60);
    let (passed, whole) = check_covered(std::sync::Arc::clone(&dut), &run);
    let report = passed.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.coverage, whole, "PairReport::coverage is the run's");
    let mut broken = run.clone();
    broken.flip = Some(Flip::RxData { stripe: 10, bit: 5 });
    let (failed, reached) = check_covered(dut, &broken);
    assert!(matches!(failed, Err(RunError::Mismatch(_))), "{failed:?}");
    // Up to the mismatch: the link came up, and less was counted than in the whole run.
    use tessera_model::coverage::Cover;
    assert!(reached.count(Cover::DeskewFormed) > 0, "{reached:?}");
    assert!(reached.count(Cover::ControlIdle) + reached.count(Cover::MarkerValid) > 0, "{reached:?}");
    assert!(reached.iter().all(|(c, n)| n <= whole.count(c)) && reached != whole, "{reached:?}\n{whole:?}");
}
