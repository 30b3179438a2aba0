//! `tessera coverage`: functional coverage files (docs/cosim.md, "Coverage").
//!
//! * `merge OUT FILE...` adds the coverage of a regression's shards into one: coverage
//!   files (the text format of `tessera_model::coverage`) into a coverage file, or the
//!   JUnit reports of `tessera cosim --junit` into one report, each test case once (a test
//!   case in two inputs is an error: the shards overlap) and the coverage suite rebuilt
//!   from the sum. The kind of the inputs decides the kind of OUT. Exit status 1 when the
//!   merged report holds a failed test case (or, with `--require-all`, a point never hit).
//! * `show FILE` prints the table of a coverage file or of a JUnit report's coverage
//!   suite; `--require-all` fails when a point was never hit.
//!
//! The table and the JUnit coverage suite are also what `tessera cosim` prints and writes.
//! In JUnit the coverage is a test suite of its own (`coverage`) with one test case per
//! cover point, so that CI viewers (GitLab, Jenkins) list every point: a point hit passes
//! (its hits in the case's output), a point never hit is skipped, or failed when coverage
//! is required. The suite's properties hold the counts (one per point, and
//! `tessera.coverage` with the format line) for the merge; only schema-valid elements.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};
use tessera_model::coverage::{Cover, Coverage, FORMAT_LINE, POINTS};

/// Arguments of `tessera coverage`.
#[derive(clap::Args, Debug)]
pub struct CoverageArgs {
    #[command(subcommand)]
    command: CoverageCommand,
}

#[derive(clap::Subcommand, Debug)]
enum CoverageCommand {
    /// Add the coverage files of a regression's shards into OUT; or, given JUnit reports
    /// (`tessera cosim --junit`), merge them into one report at OUT with the coverage
    /// suite summed.
    Merge {
        /// The merged file (a coverage file, or a JUnit report when the inputs are).
        #[arg(value_name = "OUT")]
        out: PathBuf,
        /// The shards' files: all coverage files, or all JUnit reports.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// Fail (exit status 1, the points listed) when a point is never hit in the sum; in
        /// a merged JUnit report those points are failures instead of skipped.
        #[arg(long)]
        require_all: bool,
    },
    /// Print the coverage of a coverage file or of a JUnit report: hit counts and the
    /// points never hit.
    Show {
        /// A coverage file or a JUnit report of `tessera cosim`.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Fail (exit status 1, the points listed) when a point was never hit.
        #[arg(long)]
        require_all: bool,
    },
}

pub fn run(a: CoverageArgs) -> anyhow::Result<ExitCode> {
    match a.command {
        CoverageCommand::Merge { out, files, require_all } => merge(&out, &files, require_all),
        CoverageCommand::Show { file, require_all } => {
            let (cov, _) = read(&file)?;
            let cov = cov.ok_or_else(|| {
                anyhow::anyhow!("{}: the JUnit report has no coverage suite", file.display())
            })?;
            print!("{}", table(&cov));
            Ok(exit(meets(&cov, require_all)))
        }
    }
}

/// Name of the JUnit test suite that holds the coverage.
pub const SUITE: &str = "coverage";
/// Suite property that marks the coverage suite (its value is [`FORMAT_LINE`]); the
/// others are `<point> = <hits>`.
const FORMAT_PROPERTY: &str = "tessera.coverage";

/// The table for people: a line per point with its hits (`never hit` for none) and its
/// meaning, grouped by area, then the points never hit.
pub fn table(cov: &Coverage) -> String {
    let width = Cover::ALL.iter().map(|c| c.name().len()).max().unwrap_or(0);
    let mut s = format!("coverage: {} of {POINTS} cover points hit (docs/coverage.md)\n", cov.hit_points());
    s.push_str(&format!("  {:<width$} {:>10}  meaning\n", "point", "hits"));
    let mut area = "";
    for (c, n) in cov.iter() {
        let this = c.name().split('.').next().unwrap_or("");
        if !area.is_empty() && this != area {
            s.push('\n');
        }
        area = this;
        let hits = if n == 0 { "never hit".to_string() } else { n.to_string() };
        s.push_str(&format!("  {:<width$} {hits:>10}  {}\n", c.name(), c.meaning()));
    }
    let missed = cov.missed();
    if missed.is_empty() {
        s.push_str("every cover point hit\n");
        return s;
    }
    s.push_str(&format!("never hit ({}):\n ", missed.len()));
    let mut col = 1;
    for c in missed {
        if col + 1 + c.name().len() > 100 {
            s.push_str("\n ");
            col = 1;
        }
        s.push(' ');
        s.push_str(c.name());
        col += 1 + c.name().len();
    }
    s.push('\n');
    s
}

/// `every cover point hit`, or `never hit (N): a b c`.
pub fn missed_line(cov: &Coverage) -> String {
    let missed = cov.missed();
    if missed.is_empty() {
        "every cover point hit".to_string()
    } else {
        format!(
            "never hit ({}): {}",
            missed.len(),
            missed.iter().map(|c| c.name()).collect::<Vec<_>>().join(" ")
        )
    }
}

/// Whether `cov` meets the requirement: with `require`, every point hit (otherwise a
/// message on stderr lists those never hit).
pub fn meets(cov: &Coverage, require: bool) -> bool {
    if require && !cov.missed().is_empty() {
        eprintln!("FAIL coverage: {}", missed_line(cov));
        return false;
    }
    true
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The JUnit test suite of a coverage: a property per point with its hits, and a test case
/// per point, classname `tessera.coverage.<area>`; hit: success (the hits in its output);
/// never hit: skipped, or a failure with `require`.
pub fn junit_suite(cov: &Coverage, require: bool) -> TestSuite {
    let mut suite = TestSuite::new(SUITE);
    suite.add_property(Property::new(FORMAT_PROPERTY, FORMAT_LINE));
    suite.add_properties(cov.iter().map(|(c, n)| Property::new(c.name(), n.to_string())));
    for (c, n) in cov.iter() {
        let status = if n > 0 {
            TestCaseStatus::success()
        } else {
            let mut s = if require {
                TestCaseStatus::non_success(NonSuccessKind::Failure)
            } else {
                TestCaseStatus::skipped()
            };
            s.set_message(format!("never hit: {}", c.meaning()));
            s
        };
        let mut case = TestCase::new(c.name(), status);
        case.set_classname(format!("tessera.coverage.{}", c.name().split('.').next().unwrap_or("")));
        if n > 0 {
            case.set_system_out(format!("{n} hits: {}", c.meaning()));
        }
        suite.add_test_case(case);
    }
    suite
}

/// Whether a suite is the coverage suite of [`junit_suite`].
fn is_coverage_suite(suite: &TestSuite) -> bool {
    suite.properties.iter().any(|p| p.name.as_str() == FORMAT_PROPERTY)
}

/// The coverage in a JUnit report's coverage suites (summed), if it has any: their
/// properties read as the lines of a coverage file.
fn junit_coverage(report: &Report, file: &Path) -> anyhow::Result<Option<Coverage>> {
    let mut total: Option<Coverage> = None;
    for suite in report.test_suites.iter().filter(|s| is_coverage_suite(s)) {
        // The format property first (its value is the format line), then `<point> <hits>`.
        let mut text = String::new();
        let (format, points): (Vec<_>, Vec<_>) =
            suite.properties.iter().partition(|p| p.name.as_str() == FORMAT_PROPERTY);
        for p in format {
            text.push_str(&format!("{}\n", p.value.as_str()));
        }
        for p in points {
            text.push_str(&format!("{} {}\n", p.name.as_str(), p.value.as_str()));
        }
        let cov = Coverage::parse(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}: the properties of test suite '{}': {}",
                file.display(),
                suite.name.as_str(),
                e.to_string().split_once(": ").map_or(e.to_string(), |(_, what)| what.to_string())
            )
        })?;
        total.get_or_insert_with(Coverage::default).merge(&cov);
    }
    Ok(total)
}

/// A file read by [`read`]: a coverage file's coverage, or a JUnit report (and the
/// coverage of its coverage suite, if any).
fn read(file: &Path) -> anyhow::Result<(Option<Coverage>, Option<Report>)> {
    let text = std::fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
    if text.trim_start().starts_with('<') {
        let report = Report::deserialize_from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: not a JUnit report: {e}", file.display()))?;
        Ok((junit_coverage(&report, file)?, Some(report)))
    } else {
        let cov = Coverage::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        Ok((Some(cov), None))
    }
}

fn merge(out: &Path, files: &[PathBuf], require: bool) -> anyhow::Result<ExitCode> {
    if let Ok(o) = out.canonicalize() {
        if let Some(f) = files.iter().find(|f| f.canonicalize().is_ok_and(|f| f == o)) {
            anyhow::bail!("{} is both the output and an input of the merge", f.display());
        }
    }
    let mut total = Coverage::default();
    let mut reports = Vec::new();
    let mut kinds: Option<(bool, &Path)> = None;
    for f in files {
        let (cov, report) = read(f)?;
        let junit = report.is_some();
        match kinds {
            Some((k, first)) if k != junit => anyhow::bail!(
                "{} is a {} and {} a {}: merge coverage files and JUnit reports separately",
                first.display(),
                kind_name(k),
                f.display(),
                kind_name(junit)
            ),
            _ => kinds = Some((junit, f)),
        }
        if let Some(c) = cov {
            total.merge(&c);
        }
        reports.extend(report.map(|r| (r, f)));
    }
    let mut passed = true;
    if reports.is_empty() {
        std::fs::write(out, total.to_text()).with_context(|| format!("{}", out.display()))?;
        println!("{}: the coverage of {} files", out.display(), files.len());
    } else {
        let merged = merge_junit(&reports, &total, require)?;
        std::fs::write(out, merged.to_string()?).with_context(|| format!("{}", out.display()))?;
        let failed: Vec<String> = merged
            .test_suites
            .iter()
            .filter(|s| !is_coverage_suite(s))
            .flat_map(|s| {
                s.test_cases
                    .iter()
                    .filter(|c| matches!(c.status, TestCaseStatus::NonSuccess { .. }))
                    .map(move |c| format!("{} {}", s.name.as_str(), c.name.as_str()))
            })
            .collect();
        let runs: usize = merged.test_suites.iter().filter(|s| !is_coverage_suite(s)).map(|s| s.tests).sum();
        println!(
            "{}: {runs} test cases of {} JUnit reports, {} failed, and their coverage",
            out.display(),
            files.len(),
            failed.len()
        );
        if !failed.is_empty() {
            eprintln!("FAIL: {} test cases failed: {}", failed.len(), failed.join(", "));
            passed = false;
        }
    }
    println!("coverage: {} of {POINTS} cover points hit", total.hit_points());
    println!("{}", missed_line(&total));
    Ok(exit(meets(&total, require) && passed))
}

fn kind_name(junit: bool) -> &'static str {
    if junit {
        "JUnit report"
    } else {
        "coverage file"
    }
}

/// One report of the shards' reports: suites by name in the order first seen, each test
/// case once (one in two inputs is an error), and the coverage suite of `cov` last.
fn merge_junit(reports: &[(Report, &PathBuf)], cov: &Coverage, require: bool) -> anyhow::Result<Report> {
    let name = reports.iter().find_map(|(r, _)| r.name.as_ref()).map_or("tessera-cosim", |n| n.as_str());
    let mut report = Report::new(name);
    let mut suites: Vec<TestSuite> = Vec::new();
    let mut seen: std::collections::HashMap<(String, String), &Path> = Default::default();
    let mut has_coverage = false;
    for (r, file) in reports {
        for s in &r.test_suites {
            if is_coverage_suite(s) {
                has_coverage = true;
                continue;
            }
            let i = match suites.iter().position(|m| m.name == s.name) {
                Some(i) => i,
                None => {
                    let mut m = TestSuite::new(s.name.clone());
                    m.add_properties(s.properties.iter().cloned());
                    suites.push(m);
                    suites.len() - 1
                }
            };
            for case in &s.test_cases {
                let key = (
                    case.classname.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default(),
                    case.name.as_str().to_string(),
                );
                if let Some(before) = seen.insert(key, file) {
                    anyhow::bail!(
                        "test case '{}' of suite '{}' is in both {} and {}: the shards overlap",
                        case.name.as_str(),
                        s.name.as_str(),
                        before.display(),
                        file.display()
                    );
                }
                suites[i].add_test_case(case.clone());
            }
            if let Some(t) = s.time {
                let m = &mut suites[i];
                m.set_time(m.time.unwrap_or_default() + t);
            }
        }
    }
    if has_coverage {
        suites.push(junit_suite(cov, require));
    }
    report.add_test_suites(suites);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(k: u64) -> Coverage {
        let mut c = Coverage::default();
        c.add(Cover::BlockLockGained, k);
        c.add(Cover::BipOk, 2 * k);
        c
    }

    fn shard_report(dut: &str, cases: &[&str], cov: &Coverage) -> Report {
        let mut suite = TestSuite::new(dut);
        for name in cases {
            let mut case = TestCase::new(*name, TestCaseStatus::success());
            case.set_classname(format!("tessera.cosim.{dut}"));
            suite.add_test_case(case);
        }
        let mut r = Report::new("tessera-cosim");
        r.add_test_suite(suite);
        r.add_test_suite(junit_suite(cov, false));
        r
    }

    #[test]
    fn the_junit_suite_round_trips_its_coverage() {
        let cov = sample(3);
        let r = shard_report("one", &["tx seed 1"], &cov);
        let back = Report::deserialize_from_str(&r.to_string().unwrap()).unwrap();
        assert_eq!(junit_coverage(&back, Path::new("x.xml")).unwrap(), Some(cov.clone()));
        let suite = back.test_suites.iter().find(|s| s.name.as_str() == SUITE).unwrap();
        assert_eq!((suite.tests, suite.skipped, suite.failures), (POINTS, POINTS - 2, 0));
        assert_eq!(junit_suite(&cov, true).failures, POINTS - 2);
    }

    #[test]
    fn junit_merge_keeps_each_case_once_and_sums_coverage() {
        let a = shard_report("one", &["tx seed 1", "rx seed 2"], &sample(1));
        let b = shard_report("one", &["e2e seed 1"], &sample(4));
        let (fa, fb) = (PathBuf::from("a.xml"), PathBuf::from("b.xml"));
        let m = merge_junit(&[(a.clone(), &fa), (b, &fb)], &sample(5), false).unwrap();
        let one = m.test_suites.iter().find(|s| s.name.as_str() == "one").unwrap();
        assert_eq!(one.tests, 3);
        assert_eq!(junit_coverage(&m, Path::new("m")).unwrap(), Some(sample(5)));
        let e = merge_junit(&[(a.clone(), &fa), (a, &fb)], &sample(2), false).unwrap_err().to_string();
        assert!(e.contains("'tx seed 1' of suite 'one' is in both a.xml and b.xml"), "{e}");
    }

    #[test]
    fn the_table_names_the_points_never_hit() {
        let t = table(&sample(1));
        assert!(t.starts_with(&format!("coverage: 2 of {POINTS} cover points hit")), "{t}");
        assert!(t.contains("never hit  ") && t.contains("block_lock.slip"), "{t}");
        assert!(
            t.lines().any(|l| l.trim_start().starts_with("block_lock.gained") && l.contains(" 1  ")),
            "{t}"
        );
        let mut all = Coverage::default();
        Cover::ALL.iter().for_each(|&c| all.hit(c));
        assert!(table(&all).ends_with("every cover point hit\n"));
    }
}
