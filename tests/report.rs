//! `tessera report` and `tessera demo --report` write one self-contained HTML page that a
//! real browser opens: headless Chromium (Debian's package, installed by `scripts/setup`)
//! renders it to a PNG with no console error, and the DOM it loaded holds one shape per
//! channel in the emitter and detector arrays.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A fresh folder under the target directory for this test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

fn tessera(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tessera")).args(args).output().expect("run tessera");
    assert!(
        out.status.success(),
        "tessera {} failed:\n{}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The Chromium binary: `$CHROMIUM`, or `chromium` / `chromium-browser` on the PATH. A
/// machine without it fails the test with the fix, never passes silently.
fn chromium() -> PathBuf {
    let candidates: Vec<PathBuf> = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["chromium", "chromium-browser"].map(PathBuf::from))
        .collect();
    for c in candidates {
        if Command::new(&c)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            return c;
        }
    }
    panic!(
        "headless Chromium is needed to check that the report renders, and was not found \
         (tried $CHROMIUM, chromium, chromium-browser): run scripts/setup, which installs \
         Debian's chromium package"
    );
}

/// Runs headless Chromium on `page` with `extra` arguments (a fresh profile, no network
/// services), killing it after two minutes.
fn run_chromium(page: &Path, dir: &Path, extra: &[&str]) -> Output {
    let profile = tempdir(dir, "profile");
    let url = format!("file://{}", page.canonicalize().expect("page exists").display());
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Read both pipes on threads so a full pipe never blocks it.
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t1 = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut v).ok();
        v
    });
    let t2 = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut v).ok();
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for chromium") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(120) {
            child.kill().ok();
            panic!("chromium did not finish within 120 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output { status, stdout: t1.join().expect("stdout thread"), stderr: t2.join().expect("stderr thread") }
}

fn tempdir(dir: &Path, name: &str) -> PathBuf {
    let d = dir.join(name);
    std::fs::remove_dir_all(&d).ok();
    std::fs::create_dir_all(&d).expect("create profile folder");
    d
}

/// The text of the element `<tag id="id" ...>...</tag>` in `html` (the first such).
fn element<'a>(html: &'a str, tag: &str, id: &str) -> &'a str {
    let open = format!("<{tag} id=\"{id}\"");
    let start = html.find(&open).unwrap_or_else(|| panic!("no <{tag} id=\"{id}\"> in the page"));
    let end = html[start..].find(&format!("</{tag}>")).expect("element closed") + start;
    &html[start..end]
}

/// Checks that a page is self-contained: nothing it would fetch.
fn assert_self_contained(html: &str) {
    for bad in ["<script", "<link", "<img", "<iframe", "src=", "@import", "url("] {
        assert!(!html.contains(bad), "the page contains {bad:?}: it must need no fetch");
    }
    // Only the SVG namespace mentions http (a name, not a fetch).
    let mut rest = html;
    while let Some(i) = rest.find("http") {
        assert!(rest[i..].starts_with("http://www.w3.org/2000/svg"), "a link out: {}", &rest[i..i + 40]);
        rest = &rest[i + 4..];
    }
}

/// Renders `page` in Chromium: checks that it loads with no console message and that the
/// loaded DOM has `channels` shapes in each array; returns the screenshot's size.
fn check_in_browser(page: &Path, dir: &Path, channels: usize) -> (u32, u32) {
    let dom = run_chromium(page, dir, &["--dump-dom"]);
    assert!(dom.status.success(), "chromium --dump-dom failed: {}", String::from_utf8_lossy(&dom.stderr));
    let stderr = String::from_utf8_lossy(&dom.stderr);
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "the page logged to the console: {console:?}");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("data-report=\"tessera\""),
        "the browser did not load the report: {}",
        &dom[..dom.len().min(300)]
    );
    let emitters = element(&dom, "figure", "emitter-array");
    assert_eq!(emitters.matches("<circle").count(), channels, "one circle per channel in the emitter array");
    let detector = element(&dom, "figure", "detector-array");
    assert_eq!(detector.matches("<polygon").count(), channels, "one square per pixel in the detector array");
    for id in ["fibre-face", "ber", "skew", "lane-map"] {
        assert!(element(&dom, "figure", id).contains("<svg"), "figure {id} has its SVG");
    }

    let png = dir.join("page.png");
    std::fs::remove_file(&png).ok();
    let shot =
        run_chromium(page, dir, &[&format!("--screenshot={}", png.display()), "--window-size=1400,1900"]);
    assert!(shot.status.success(), "chromium --screenshot failed: {}", String::from_utf8_lossy(&shot.stderr));
    let bytes = std::fs::read(&png).expect("chromium wrote the screenshot");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert!(bytes.len() > 20_000, "a screenshot of a drawn page, not a blank one ({} bytes)", bytes.len());
    (w, h)
}

#[test]
fn link_report_renders_in_chromium() {
    let dir = scratch("link");
    let page = dir.join("link.html");
    let out = tessera(&[
        "report",
        "--lanes",
        "60",
        "--spares",
        "4",
        "--am-period",
        "64",
        "--stripes",
        "100",
        "--emitter-fail-rate",
        "0.03",
        "--crosstalk",
        "0.03",
        "--seed",
        "5",
        "--out",
        page.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("seed 5"), "the seed is printed: {stdout}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("tessera report --seed 5"), "the replay command is on the page");
    assert!(html.contains("data-channels=\"64\""));
    let (w, h) = check_in_browser(&page, &dir, 64);
    assert_eq!((w, h), (1400, 1900));
}

#[test]
fn demo_report_renders_in_chromium() {
    let dir = scratch("demo");
    let page = dir.join("demo.html");
    tessera(&[
        "demo",
        "--lanes",
        "40",
        "--spares",
        "4",
        "--am-period",
        "64",
        "--stripes",
        "200",
        "--dead",
        "2",
        "--skew-spread",
        "200",
        "--seed",
        "3",
        "--report",
        page.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("tessera demo --seed 3"));
    // Two dead channels, repaired onto two spares.
    assert!(html.contains("dead (2)") && html.contains("spare in use (2)"), "legend counts");
    check_in_browser(&page, &dir, 44);
}

#[test]
fn report_of_a_link_that_cannot_come_up_says_why() {
    let dir = scratch("down");
    let page = dir.join("down.html");
    let out = tessera(&[
        "report",
        "--lanes",
        "30",
        "--spares",
        "0",
        "--emitter-fail-rate",
        "0.2",
        "--seed",
        "1",
        "--out",
        page.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("cannot come up") && stdout.contains("but only 0 spares"), "{stdout}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("datapath: not run"));
    assert_eq!(element(&html, "figure", "emitter-array").matches("<circle").count(), 30);
}

#[test]
fn report_rejects_bad_input_naming_the_parameter() {
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["report", "--out", "/dev/null", "--pixel-fail-rate", "-0.5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pixel_fail_rate = -0.5: must be a probability between 0 and 1"), "{err}");
}
