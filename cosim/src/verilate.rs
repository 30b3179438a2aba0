//! The build at run time: one top of a DUT verilated into a shared library, in a cache
//! whose key is a hash of everything that went into it.
//!
//! The key ([`BuildKey`]) hashes (SHA-256) the shim's ABI version, `verilator --version`,
//! the C++ compiler's `--version`, the top, clock, parameters, defines, Verilator flags and
//! C++ optimization, and the path and bytes of every source file and of every file under
//! every include (and `-y` library) directory. An entry is `<cache>/<top>-<hash>/` with
//! `libdut.so`, the generated header `Vdut.h` (the port table's source), `build.log` and
//! `inputs.txt` (what was hashed).
//!
//! A build is atomic: it runs in `<cache>/.tmp-…` and is renamed into place when it has
//! succeeded; a failed build removes its folder, so the cache never holds half an entry.
//! A lock file per key (`<cache>/<top>-<hash>.lock`, an OS file lock) stops two processes
//! building the same key; the second waits, then finds the entry. A progress line shows
//! while Verilator and the compiler run.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::dut_file::{DutSpec, TopSpec};
use crate::port_table::{self, Dir, Port};
use crate::shim::{self, PREFIX, SHIM_VERSION};

/// Verilator's oldest supported version (5.006: Debian 12's).
pub const MIN_VERILATOR: (u32, u32) = (5, 6);

/// Where and how builds run.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The cache folder (default [`default_cache_dir`]).
    pub cache_dir: Option<PathBuf>,
    /// The Verilator binary (default: `VERILATOR`, `VERILATOR_ROOT/bin/verilator`, `PATH`).
    pub verilator: Option<PathBuf>,
    /// Parallel jobs of the C++ build (default: every core).
    pub jobs: Option<usize>,
    /// No progress line.
    pub quiet: bool,
}

/// The cache folder: `TESSERA_CACHE_DIR`, else `$XDG_CACHE_HOME/tessera/verilated`, else
/// `~/.cache/tessera/verilated`, else `tessera-cache` in the current folder.
pub fn default_cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("TESSERA_CACHE_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(d).join("tessera/verilated");
    }
    if let Some(h) = std::env::var_os("HOME") {
        return PathBuf::from(h).join(".cache/tessera/verilated");
    }
    PathBuf::from("tessera-cache")
}

/// Why a build failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// No Verilator.
    #[error(
        "Verilator not found at '{tried}': Tessera needs Verilator {}.{:03} or newer; run scripts/setup \
         (installs Debian's verilator), or set VERILATOR to the binary or VERILATOR_ROOT to its install",
        MIN_VERILATOR.0, MIN_VERILATOR.1
    )]
    VerilatorMissing {
        /// The binary tried.
        tried: String,
    },
    /// Verilator too old.
    #[error("'{tried}' is {found}; Tessera needs Verilator {}.{:03} or newer", MIN_VERILATOR.0, MIN_VERILATOR.1)]
    VerilatorTooOld {
        /// The binary.
        tried: String,
        /// What it said.
        found: String,
    },
    /// Verilator rejected the sources; its own lines, unedited.
    #[error("Verilator failed on top `{top}` of {dut}{hint}:\n{output}")]
    Verilator {
        /// The DUT file.
        dut: String,
        /// The top.
        top: String,
        /// Tessera's reading of the failure, if it has one (a parameter the top lacks).
        hint: String,
        /// Verilator's output.
        output: String,
    },
    /// The C++ build or link failed.
    #[error("the C++ build of top `{top}` failed ({step}):\n{output}")]
    Compile {
        /// The top.
        top: String,
        /// Which step.
        step: String,
        /// The compiler's output.
        output: String,
    },
    /// The clock named in the DUT file is not an input of the top.
    #[error("{dut}: [{side}] clock = \"{clock}\": the Verilated top `{top}` has no input of that name; its ports: {ports}")]
    NoClock {
        /// DUT file.
        dut: String,
        /// tx / rx.
        side: String,
        /// The clock named.
        clock: String,
        /// The top.
        top: String,
        /// Its ports.
        ports: String,
    },
    /// The file system.
    #[error("{0}")]
    Io(String),
}

fn io(what: &str, path: &Path, e: std::io::Error) -> BuildError {
    BuildError::Io(format!("{what} {}: {e}", path.display()))
}

/// A built (or found) library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// The cache entry.
    pub dir: PathBuf,
    /// The library in it.
    pub library: PathBuf,
    /// The key (hex).
    pub key: String,
    /// Identifies the build that made the entry (a new build, a new id).
    pub build_id: String,
    /// Whether this call built it (false: found in the cache).
    pub built_now: bool,
    /// Ports of the top.
    pub ports: Vec<Port>,
}

/// What a build's key is made of, in words (also written to `inputs.txt`).
#[derive(Debug, Clone)]
pub struct BuildKey {
    /// The inputs, one per line.
    pub lines: Vec<String>,
    /// SHA-256 of the lines and of the bytes of every file named.
    pub hash: String,
}

/// The Verilator binary, checked to be new enough; returns it and its `--version`.
pub fn find_verilator(given: Option<&Path>) -> Result<(PathBuf, String), BuildError> {
    let candidate = if let Some(v) = given {
        v.to_path_buf()
    } else if let Some(v) = std::env::var_os("VERILATOR") {
        PathBuf::from(v)
    } else if let Some(root) = std::env::var_os("VERILATOR_ROOT") {
        Path::new(&root).join("bin/verilator")
    } else {
        PathBuf::from("verilator")
    };
    let tried = candidate.display().to_string();
    let out = Command::new(&candidate).arg("--version").output().ok().filter(|o| o.status.success());
    let Some(out) = out else { return Err(BuildError::VerilatorMissing { tried }) };
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let number = text.split_whitespace().nth(1).unwrap_or("");
    let mut parts = number.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let found = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if found < MIN_VERILATOR {
        return Err(BuildError::VerilatorTooOld { tried, found: text });
    }
    Ok((candidate, text))
}

fn compiler() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "g++".into())
}

/// The key of one top's build.
pub fn build_key(spec: &DutSpec, top: &TopSpec, verilator_version: &str) -> Result<BuildKey, BuildError> {
    let cxx = compiler();
    let cxx_version = Command::new(&cxx)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string())
        .map_err(|e| BuildError::Compile {
            top: top.top.clone(),
            step: format!("running {cxx} --version"),
            output: e.to_string(),
        })?;
    let mut lines = vec![
        format!("shim abi {SHIM_VERSION}"),
        format!("verilator {verilator_version}"),
        format!("compiler {cxx}: {cxx_version}"),
        format!("top {}", top.top),
        format!("clock {}", top.clock),
        format!("cxx_opt {}", top.cxx_opt.as_deref().unwrap_or("default")),
    ];
    lines.extend(top.parameters.iter().map(|(k, v)| format!("parameter {k}={v}")));
    let s = &spec.sources;
    lines.extend(
        s.defines
            .iter()
            .map(|(k, v)| format!("define {k}{}", v.as_ref().map(|v| format!("={v}")).unwrap_or_default())),
    );
    lines.extend(s.flags.iter().map(|f| format!("flag {f}")));
    lines.extend(s.library_dirs.iter().map(|d| format!("library dir {}", d.display())));
    let mut h = Sha256::new();
    let mut files: Vec<PathBuf> = s.files.clone();
    for d in &s.include_dirs {
        lines.push(format!("include dir {}", d.display()));
        files_under(d, &mut files, 0)?;
    }
    for f in &files {
        let bytes = std::fs::read(f).map_err(|e| io("cannot read", f, e))?;
        lines.push(format!("file {} sha256 {:x}", f.display(), Sha256::digest(&bytes)));
    }
    for l in &lines {
        h.update(l.as_bytes());
        h.update(b"\n");
    }
    Ok(BuildKey { lines, hash: format!("{:x}", h.finalize()) })
}

/// Every regular file under `dir` (not hidden), sorted, at most 8 folders deep.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>, depth: u32) -> Result<(), BuildError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io("cannot read the include directory", dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() && depth < 8 {
            files_under(&p, out, depth + 1)?;
        } else if p.is_file() {
            out.push(p);
        }
    }
    Ok(())
}

/// Builds one top of `spec` (or finds it in the cache) and returns the library.
pub fn build(spec: &DutSpec, top: &TopSpec, opts: &BuildOptions) -> Result<Built, BuildError> {
    let (verilator, version) = find_verilator(opts.verilator.as_deref())?;
    let key = build_key(spec, top, &version)?;
    let cache = opts.cache_dir.clone().unwrap_or_else(default_cache_dir);
    std::fs::create_dir_all(&cache).map_err(|e| io("cannot create the cache", &cache, e))?;
    let stem = format!("{}-{}", sanitize(&top.top), &key.hash[..16]);
    let entry = cache.join(&stem);
    if let Some(b) = read_entry(&entry, &key.hash, false)? {
        return Ok(b);
    }
    let lock_path = cache.join(format!("{stem}.lock"));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| io("cannot open the lock", &lock_path, e))?;
    if lock.try_lock().is_err() {
        if !opts.quiet {
            eprintln!("tessera: waiting for another process building {} ({})", top.top, lock_path.display());
        }
        lock.lock().map_err(|e| io("cannot lock", &lock_path, e))?;
    }
    // Someone else may have finished it while this process waited.
    if let Some(b) = read_entry(&entry, &key.hash, false)? {
        return Ok(b);
    }
    let tmp = cache.join(format!(".tmp-{stem}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = Job { spec, top, opts, verilator: &verilator, key: &key, tmp: &tmp }.run();
    match result {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(&entry);
            std::fs::rename(&tmp, &entry).map_err(|e| {
                let _ = std::fs::remove_dir_all(&tmp);
                io("cannot move the build into", &entry, e)
            })?;
            drop(lock);
            read_entry(&entry, &key.hash, true)?.ok_or_else(|| {
                BuildError::Io(format!("the new cache entry {} cannot be read", entry.display()))
            })
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

fn sanitize(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

/// A complete entry, or None.
fn read_entry(entry: &Path, hash: &str, built_now: bool) -> Result<Option<Built>, BuildError> {
    let Ok(done) = std::fs::read_to_string(entry.join("done")) else { return Ok(None) };
    let mut lines = done.lines();
    if lines.next() != Some(hash) {
        return Ok(None);
    }
    let build_id = lines.next().unwrap_or("").to_string();
    let header = entry.join(format!("{PREFIX}.h"));
    let text = std::fs::read_to_string(&header).map_err(|e| io("cannot read", &header, e))?;
    Ok(Some(Built {
        dir: entry.to_path_buf(),
        library: entry.join("libdut.so"),
        key: hash.to_string(),
        build_id,
        built_now,
        ports: port_table::parse_header(&text),
    }))
}

/// A progress line on standard error while the steps run (a spinner on a terminal, one
/// line per step otherwise).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    start: Instant,
    what: String,
}

impl Progress {
    fn new(quiet: bool, what: String) -> Progress {
        let bar = (!quiet).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(200));
            b
        });
        Progress { bar, start: Instant::now(), what }
    }
    fn step(&self, step: &str) {
        if let Some(b) = &self.bar {
            let msg = format!("{}: {step}", self.what);
            if b.is_hidden() {
                eprintln!("tessera: {msg}");
            }
            b.set_message(msg);
        }
    }
    fn done(&self, ok: bool) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
            if ok {
                eprintln!("tessera: {} built in {:.1} s", self.what, self.start.elapsed().as_secs_f64());
            }
        }
    }
}

fn run(cmd: &mut Command) -> Result<Output, std::io::Error> {
    cmd.output()
}

fn text(o: &Output) -> String {
    let mut s = String::from_utf8_lossy(&o.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&o.stderr));
    s
}

/// One build's inputs.
struct Job<'a> {
    spec: &'a DutSpec,
    top: &'a TopSpec,
    opts: &'a BuildOptions,
    verilator: &'a Path,
    key: &'a BuildKey,
    /// The temporary folder the entry is built in.
    tmp: &'a Path,
}

impl Job<'_> {
    /// Builds the entry into `tmp`, with a progress line.
    fn run(&self) -> Result<(), BuildError> {
        let progress =
            Progress::new(self.opts.quiet, format!("building top `{}` of {}", self.top.top, self.spec.name));
        let result = self.steps(&progress);
        progress.done(result.is_ok());
        result
    }

    fn steps(&self, progress: &Progress) -> Result<(), BuildError> {
        let Job { spec, top, opts, verilator, key, tmp } = *self;
        let obj = &tmp.join("obj");
        std::fs::create_dir_all(obj).map_err(|e| io("cannot create", obj, e))?;
        let jobs = opts
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
            .to_string();
        // The shim is named on Verilator's command line so that its makefile compiles it; its
        // text is written once the header says what the ports are.
        let shim_path = obj.join("tessera_shim.cpp");
        std::fs::write(&shim_path, "// placeholder\n").map_err(|e| io("cannot write", &shim_path, e))?;
        let s = &spec.sources;
        let mut cmd = Command::new(verilator);
        cmd.args(["--cc", "--trace-fst", "-O3", "--x-assign", "fast", "--x-initial", "fast", "-Wno-fatal"])
            .args(["--output-split", "20000", "--prefix", PREFIX, "--top-module", &top.top])
            // One -CFLAGS value for the generated makefile: the runtime's hooks report
            // $fatal, $stop and $finish instead of exiting, and the objects go in a .so.
            .args(["-CFLAGS", "-fPIC -DVL_USER_FATAL -DVL_USER_STOP -DVL_USER_FINISH"])
            .arg("-Mdir")
            .arg(obj);
        for (k, v) in &top.parameters {
            cmd.arg(format!("-G{k}={v}"));
        }
        for (k, v) in &s.defines {
            cmd.arg(match v {
                Some(v) => format!("-D{k}={v}"),
                None => format!("-D{k}"),
            });
        }
        for d in &s.include_dirs {
            cmd.arg(format!("-I{}", d.display()));
        }
        for d in &s.library_dirs {
            cmd.arg("-y").arg(d);
        }
        cmd.args(&s.flags).args(&s.files).arg(&shim_path);
        progress.step("verilating");
        let out = run(&mut cmd)
            .map_err(|e| BuildError::VerilatorMissing { tried: format!("{} ({e})", verilator.display()) })?;
        let log = text(&out);
        let log_path = tmp.join("build.log");
        let mut log_file = std::fs::File::create(&log_path).map_err(|e| io("cannot write", &log_path, e))?;
        let _ = writeln!(log_file, "$ {cmd:?}\n{log}");
        if !out.status.success() {
            return Err(BuildError::Verilator {
                dut: spec.file.display().to_string(),
                top: top.top.clone(),
                hint: parameter_hint(&log, spec, top),
                output: log.trim_end().to_string(),
            });
        }
        let header = obj.join(format!("{PREFIX}.h"));
        let header_text = std::fs::read_to_string(&header).map_err(|e| io("cannot read", &header, e))?;
        let ports = port_table::parse_header(&header_text);
        if !ports.iter().any(|p| p.name == top.clock && p.dir == Dir::In && p.width() == 1) {
            return Err(BuildError::NoClock {
                dut: spec.file.display().to_string(),
                side: top.side.name().into(),
                clock: top.clock.clone(),
                top: top.top.clone(),
                ports: port_list(&ports),
            });
        }
        std::fs::write(&shim_path, shim::source(&ports, &top.clock, &top.top))
            .map_err(|e| io("cannot write", &shim_path, e))?;

        progress.step("compiling the C++");
        let objects = ["tessera_shim.o", "verilated.o", "verilated_fst_c.o", "verilated_threads.o"];
        let archive = format!("{PREFIX}__ALL.a");
        let mut make = Command::new("make");
        make.arg("-C")
            .arg(obj)
            .args(["-f", &format!("{PREFIX}.mk"), "-j", &jobs])
            .arg(&archive)
            .args(objects);
        if let Some(o) = &top.cxx_opt {
            make.arg(format!("OPT_FAST={o}")).arg(format!("OPT_SLOW={o}"));
        }
        compile_step(&mut make, "make", &top.top, &mut log_file)?;

        progress.step("linking");
        let script = obj.join("exports.map");
        std::fs::write(&script, "{ global: tessera_*; local: *; };\n")
            .map_err(|e| io("cannot write", &script, e))?;
        let mut link = Command::new(compiler());
        link.arg("-shared")
            .arg("-o")
            .arg(tmp.join("libdut.so"))
            .args(objects.iter().map(|o| obj.join(o)))
            .arg(obj.join(&archive))
            .arg(format!("-Wl,--version-script={}", script.display()))
            .args(["-Wl,-Bsymbolic", "-lz", "-pthread"]);
        compile_step(&mut link, "link", &top.top, &mut log_file)?;

        std::fs::copy(&header, tmp.join(format!("{PREFIX}.h"))).map_err(|e| io("cannot copy", &header, e))?;
        let inputs = tmp.join("inputs.txt");
        std::fs::write(&inputs, key.lines.join("\n") + "\n").map_err(|e| io("cannot write", &inputs, e))?;
        // The objects are large and the library holds all of them.
        let _ = std::fs::remove_dir_all(obj);
        let id = format!(
            "{}-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
            std::process::id()
        );
        let done = tmp.join("done");
        std::fs::write(&done, format!("{}\n{id}\n", key.hash)).map_err(|e| io("cannot write", &done, e))?;
        Ok(())
    }
}
/// Runs one step of the C++ build, logs it, and gives its last lines if it fails.
fn compile_step(cmd: &mut Command, step: &str, top: &str, log: &mut std::fs::File) -> Result<(), BuildError> {
    let out = run(cmd).map_err(|e| BuildError::Compile {
        top: top.into(),
        step: format!("running {step}"),
        output: e.to_string(),
    })?;
    let _ = writeln!(log, "$ {cmd:?}\n{}", text(&out));
    if out.status.success() {
        Ok(())
    } else {
        Err(BuildError::Compile { top: top.into(), step: step.into(), output: tail(&text(&out), 40) })
    }
}

fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// `name (input, 1 bit), …`.
pub fn port_list(ports: &[Port]) -> String {
    ports
        .iter()
        .map(|p| format!("{} ({}, {} bits)", p.name, p.dir.name(), p.width()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Verilator says "Parameters from the command line were not found in the design: X";
/// point at the DUT file's line.
fn parameter_hint(log: &str, spec: &DutSpec, top: &TopSpec) -> String {
    const SAYS: &str = "Parameters from the command line were not found in the design:";
    let Some(rest) = log.lines().find_map(|l| l.split_once(SAYS).map(|(_, r)| r.trim().to_string())) else {
        return String::new();
    };
    let names: Vec<String> = rest
        .split([',', ' '])
        .filter(|n| !n.is_empty())
        .map(|n| match top.parameter_lines.iter().find(|(p, _)| p == n) {
            Some((_, line)) => format!("{n} ({}:{line})", spec.file.display()),
            None => n.to_string(),
        })
        .collect();
    format!(
        " (the top `{}` has no parameter {}; see [{}].parameters)",
        top.top,
        names.join(", "),
        top.side.name()
    )
}
