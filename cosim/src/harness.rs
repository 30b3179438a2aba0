//! The co-simulation harness: the RTL and the golden model driven by the same stimulus,
//! compared bit for bit.
//!
//! A [`LinkRun`] names a DUT file (docs/ports.md; Tessera's own RTL: `cosim/duts/`), a [`Mode`], a seed and the
//! run's stimulus and faults in the options of `tessera gen` ([`GenOptions`]: stripes,
//! skew, permutation, bit errors, bursts, slips, dead channels, failed channels of the lane
//! map, scheduled events). [`check`] plans it with the vector generator (so a run is
//! exactly the vector set `tessera gen` would write for it) and drives a [`Pair`]:
//!
//! * [`Mode::Tx`]: the RTL TX against the model's TX, `tx_ready_o` and every channel's
//!   serial word on every clock.
//! * [`Mode::Rx`]: the model's channel output fed to the RTL RX; stripes in order and the
//!   per-port status after every slot, the whole status at the end.
//! * [`Mode::EndToEnd`]: RTL TX (checked as in `Tx`) -> model channel -> RTL RX (checked
//!   as in `Rx` against the model's RX fed the same channel output), and the stripes out
//!   compared with the stripes the host sent.
//!
//! The first difference is a [`Mismatch`] with the seed, configuration, clock, signal,
//! channel / lane / port, expected and actual values and a one-line command that replays
//! the run (`tessera cosim ...`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use tessera_clocked::{flush_slots, plan, GenSpec, Host, SetSpec};
use tessera_model::coverage::Coverage;
use tessera_model::link::Link;
use tessera_vectors::config::GenOptions;
use tessera_vectors::header::event_text;

use crate::dut_file::Sides;
pub use crate::pair::{delay_slots, Pair, PairReport};
use crate::{BuildOptions, Dut, DutError};

/// What is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// RTL TX vs model TX, every clock.
    Tx,
    /// Model TX -> model channel -> RTL RX vs model RX.
    Rx,
    /// RTL TX -> model channel -> RTL RX, both checked, and data out == data in.
    EndToEnd,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [Mode::Tx, Mode::Rx, Mode::EndToEnd];

    /// Name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Tx => "tx",
            Mode::Rx => "rx",
            Mode::EndToEnd => "e2e",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| format!("mode '{s}': expected tx, rx or e2e"))
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A deliberate error in what is read from the RTL: a self-test that proves the checker
/// reports a wrong RTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flip {
    /// Flip bit `bit` of `tx_serial_o` at TX clock `clock`.
    TxSerial {
        /// TX clock.
        clock: u64,
        /// Bus bit.
        bit: usize,
    },
    /// Flip bit `bit` of `rx_data_o` in the `stripe`-th stripe out.
    RxData {
        /// Stripe index.
        stripe: u64,
        /// Bus bit.
        bit: usize,
    },
}

/// Stripes of a regression run: a few marker periods after link-up; fewer at 1024 lanes,
/// where a clock costs a thousand times more.
pub fn default_stripes(dut: &Dut) -> u64 {
    if dut.channels() > 100 {
        20
    } else {
        300
    }
}

/// The modes a DUT supports: tx for a TX, rx for an RX, all three for both.
pub fn modes_of(dut: &Dut) -> Vec<Mode> {
    match dut.sides() {
        Sides::Tx => vec![Mode::Tx],
        Sides::Rx => vec![Mode::Rx],
        Sides::Both => Mode::ALL.to_vec(),
    }
}

/// The DUTs loaded in this process, by DUT file: each is built (or found in the cache) and
/// loaded once.
fn loaded() -> &'static Mutex<HashMap<PathBuf, Arc<Dut>>> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<Dut>>>> = OnceLock::new();
    LOADED.get_or_init(Default::default)
}

/// The DUT of a DUT file, built and loaded once per process with these options (the
/// first load's options win).
pub fn load(path: &Path, opts: &BuildOptions) -> Result<Arc<Dut>, DutError> {
    load_for(path, opts, &Mode::ALL)
}

/// As [`load`], building only the tops `modes` need; a DUT loaded before with fewer tops
/// is loaded again with the tops now needed.
pub fn load_for(path: &Path, opts: &BuildOptions, modes: &[Mode]) -> Result<Arc<Dut>, DutError> {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut map = loaded().lock().unwrap_or_else(|p| p.into_inner());
    let has = |d: &Dut| {
        let spec = &d.spec;
        modes.iter().all(|&m| {
            (m == Mode::Rx || spec.tx.is_none() || d.tx_top().is_some())
                && (m == Mode::Tx || spec.rx.is_none() || d.rx_top().is_some())
        })
    };
    if let Some(d) = map.get(&key).filter(|d| has(d)) {
        return Ok(Arc::clone(d));
    }
    let dut = Arc::new(Dut::load_for(path, opts, modes)?);
    map.insert(key, Arc::clone(&dut));
    Ok(dut)
}

/// One co-simulation run.
#[derive(Debug, Clone)]
pub struct LinkRun {
    /// The DUT file.
    pub dut: PathBuf,
    /// What is compared.
    pub mode: Mode,
    /// Seed of the stimulus, the channel model and the random choices.
    pub seed: u64,
    /// Stimulus and faults, as `tessera gen` takes them; the link parameters come from the
    /// DUT and any given here must agree.
    pub options: GenOptions,
    /// Waveform files: `<trace>.tx.fst` and `<trace>.rx.fst`.
    pub trace: Option<PathBuf>,
    /// A deliberate error (checker self-test).
    pub flip: Option<Flip>,
    /// Reset the RX (model and RTL) this many slots after link-up (the set's lead).
    pub reset_rx_after: Option<u64>,
}

impl LinkRun {
    /// A clean run of `stripes` stripes, host offering in 80 % of slots.
    pub fn new(dut: impl Into<PathBuf>, mode: Mode, seed: u64, stripes: u64) -> LinkRun {
        LinkRun {
            dut: dut.into(),
            mode,
            seed,
            options: GenOptions { stripes: Some(stripes), valid_percent: Some(80), ..Default::default() },
            trace: None,
            flip: None,
            reset_rx_after: None,
        }
    }

    /// The regression's run for a DUT, mode and seed: faults and stress events chosen
    /// from the seed to reach the cover points ([`crate::regression`], docs/coverage.md).
    pub fn regression(dut: &Dut, mode: Mode, seed: u64, stripes: u64) -> LinkRun {
        let mut run = LinkRun::new(dut.file(), mode, seed, stripes);
        run.options = crate::regression::options(dut.link(), mode, seed, stripes, dut.can_fail_channel(mode));
        run.reset_rx_after = crate::regression::rx_reset_after(seed, mode, dut.link());
        run
    }

    /// The command that replays this run: `--config NAME` for a built-in DUT, else
    /// `--dut FILE`.
    pub fn replay(&self) -> String {
        let builtin = crate::dut::builtin_dir();
        let which = match (self.dut.parent(), self.dut.file_stem()) {
            (Some(dir), Some(stem)) if same_dir(dir, &builtin) => {
                format!("--config {}", stem.to_string_lossy())
            }
            _ => format!("--dut {}", self.dut.display()),
        };
        let mut cmd = format!("tessera cosim {which} --mode {} --seed {}", self.mode, self.seed);
        for f in option_flags(&self.options) {
            cmd.push(' ');
            cmd.push_str(&f);
        }
        if let Some(r) = self.reset_rx_after {
            cmd.push_str(&format!(" --reset-rx-after {r}"));
        }
        cmd
    }

    /// The planned vector set of this run on `dut` (what `tessera gen` with these options
    /// writes).
    pub fn plan(&self, dut: &Dut) -> Result<SetSpec, RunError> {
        let link = *dut.link();
        let mut o = self.options.clone();
        for (what, given, built) in [
            ("lanes", o.lanes, link.lanes),
            ("spares", o.spares, link.spares),
            ("am_period", o.am_period, link.am_period),
            ("ser_w", o.ser_w, link.ser_w),
            ("max_skew_bits", o.max_skew_bits, link.max_skew_bits),
        ] {
            if given.is_some_and(|g| g != built) {
                return Err(RunError::Setup(format!(
                    "{what} = {} does not match DUT {} ({what} = {built})",
                    given.unwrap_or(0),
                    dut.name()
                )));
            }
        }
        o.lanes = Some(link.lanes);
        o.spares = Some(link.spares);
        o.am_period = Some(link.am_period);
        o.ser_w = Some(link.ser_w);
        o.max_skew_bits = Some(link.max_skew_bits);
        o.seed = Some(self.seed);
        let mut spec = o.to_spec(self.seed);
        if self.mode == Mode::EndToEnd {
            // Stress events place markers and locks where the channel sees them.
            spec.channel_delay_slots = delay_slots(u64::from(dut.tx_latency()), u64::from(66 / link.ser_w));
        }
        if self.mode == Mode::EndToEnd && spec.lead_slots.is_none() {
            // The channel sees the RTL TX's slots D slots late: measure link-up that way.
            let mut probe = plan(&GenSpec { lead_slots: Some(0), ..spec.clone() })
                .map_err(|e| RunError::Setup(e.to_string()))?;
            let cfg_model = probe.config().map_err(|e| RunError::Setup(e.to_string()))?;
            let budget = Link::bring_up_budget(&cfg_model)
                + 2 * u64::from(link.am_period)
                + flush_slots(&probe.params, &probe.faults);
            probe.run.stripes = 0;
            let delay = delay_slots(u64::from(dut.tx_latency()), u64::from(66 / link.ser_w));
            let lead = crate::pair::end_to_end_lead(&probe, delay, budget)?.ok_or_else(|| {
                RunError::Setup(format!(
                    "the link does not align within {budget} block periods (seed {}); give --lead-slots to send anyway",
                    self.seed
                ))
            })?;
            spec.lead_slots = Some(lead);
        }
        plan(&spec).map_err(|e| RunError::Setup(e.to_string()))
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The options of a run as `tessera gen` / `tessera cosim` flags (the link parameters
/// excepted: the configuration gives them).
pub fn option_flags(o: &GenOptions) -> Vec<String> {
    let list = |v: &[u32]| format!("'{}'", v.iter().map(u32::to_string).collect::<Vec<_>>().join(" "));
    let mut f = Vec::new();
    let mut push = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            f.push(format!("--{name} {v}"));
        }
    };
    push("stripes", o.stripes.map(|v| v.to_string()));
    push("valid-percent", o.valid_percent.map(|v| v.to_string()));
    push("lead-slots", o.lead_slots.map(|v| v.to_string()));
    push("channel-of", o.channel_of.as_deref().map(list));
    push("failed", o.failed.as_deref().filter(|v| !v.is_empty()).map(list));
    push("skew-bits", o.skew_bits.as_deref().map(list));
    push("random-skew", o.random_skew.map(|v| v.to_string()));
    push("source-of-port", o.source_of_port.as_deref().map(list));
    push("ber", o.ber.filter(|&b| b > 0.0).map(|b| format!("{b:e}")));
    push("burst-rate", o.burst_rate.filter(|&b| b > 0.0).map(|b| format!("{b:e}")));
    push("burst-len", o.burst_len.map(|v| v.to_string()));
    push("slip-rate", o.slip_rate.filter(|&b| b > 0.0).map(|b| format!("{b:e}")));
    push("dead", o.dead.as_deref().filter(|v| !v.is_empty()).map(list));
    for e in o.events.iter().flatten() {
        f.push(format!("--event {}", event_text(e)));
    }
    for s in o.stress.iter().flatten() {
        f.push(format!("--event {s}"));
    }
    if o.permute == Some(true) {
        f.push("--permute".into());
    }
    f
}

/// A difference between RTL and model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "mismatch (DUT {config}, seed {seed}) at clock {clock}, {signal}{}: expected {expected}, RTL {actual}\n  replay: {replay}",
    place.as_ref().map(|p| format!(" {p}")).unwrap_or_default()
)]
pub struct Mismatch {
    /// DUT name.
    pub config: String,
    /// Seed of the run.
    pub seed: u64,
    /// Clock of the DUT that differs (TX or RX clock), counted from the first rising edge
    /// after reset.
    pub clock: u64,
    /// The port (or status field) that differs.
    pub signal: String,
    /// Where on it: `channel 3`, `stripe 12, lane 2`, `port 5`.
    pub place: Option<String>,
    /// What the model predicts.
    pub expected: String,
    /// What the RTL gave.
    pub actual: String,
    /// A command that replays the run.
    pub replay: String,
}

/// Why a run could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The RTL and the model disagree.
    #[error(transparent)]
    Mismatch(Box<Mismatch>),
    /// The DUT failed.
    #[error(transparent)]
    Dut(#[from] DutError),
    /// The run's settings do not fit the configuration.
    #[error("{0}")]
    Setup(String),
}

/// Stack for the thread a run executes on: Verilated models of wide configurations use
/// large stack frames in `eval`.
pub const DUT_STACK_BYTES: usize = 256 << 20;

/// Runs `f` on a thread with a [`DUT_STACK_BYTES`] stack (what every DUT needs).
pub fn on_dut_thread<T: Send + 'static>(
    name: String,
    f: impl FnOnce() -> Result<T, RunError> + Send + 'static,
) -> Result<T, RunError> {
    std::thread::Builder::new()
        .name(name)
        .stack_size(DUT_STACK_BYTES)
        .spawn(f)
        .map_err(|e| RunError::Setup(format!("cannot start the simulation thread: {e}")))?
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Runs one [`LinkRun`]; `Ok` when RTL and model agreed throughout. Loads its DUT (once
/// per process, default build options) and executes on a thread of its own (see
/// [`on_dut_thread`]).
pub fn check(run: &LinkRun) -> Result<PairReport, RunError> {
    let dut = load(&run.dut, &BuildOptions::default())?;
    check_with(dut, run)
}

/// Runs one [`LinkRun`] on a loaded DUT.
pub fn check_with(dut: Arc<Dut>, run: &LinkRun) -> Result<PairReport, RunError> {
    check_covered(dut, run).0
}

/// [`check_with`], and the cover points the model reached (docs/coverage.md): the whole
/// run's when it passes (also in [`PairReport::coverage`]), those up to the failure when it
/// fails (none when it could not start).
pub fn check_covered(dut: Arc<Dut>, run: &LinkRun) -> (Result<PairReport, RunError>, Coverage) {
    let run = run.clone();
    let outcome = on_dut_thread(format!("cosim-{}-{}-{}", dut.name(), run.mode, run.seed), move || {
        let covered = match run.plan(&dut) {
            Ok(set) => {
                let reset = run.reset_rx_after.map(|r| set.run.lead_slots + r);
                run_set_covered(&dut, run.mode, &set, run.flip, run.trace.as_deref(), run.replay(), reset)
            }
            Err(e) => (Err(e), Coverage::default()),
        };
        Ok(covered)
    });
    outcome.unwrap_or_else(|e| (Err(e), Coverage::default()))
}

/// Runs a planned set through a [`Pair`] (on the calling thread, which needs a large stack
/// for wide DUTs: see [`on_dut_thread`]): the host of the set offers its stripes, every
/// slot is compared, then the whole status. `replay` is the command a mismatch offers.
pub fn run_set(
    dut: &Dut,
    mode: Mode,
    set: &SetSpec,
    flip: Option<Flip>,
    trace: Option<&std::path::Path>,
    replay: String,
) -> Result<PairReport, RunError> {
    run_set_covered(dut, mode, set, flip, trace, replay, None).0
}

/// [`run_set`], the RX (RTL and model) reset before slot `reset_rx_at` if given, and the
/// cover points the model reached, up to the failure if it fails.
pub fn run_set_covered(
    dut: &Dut,
    mode: Mode,
    set: &SetSpec,
    flip: Option<Flip>,
    trace: Option<&std::path::Path>,
    replay: String,
    reset_rx_at: Option<u64>,
) -> (Result<PairReport, RunError>, Coverage) {
    let mut pair = match Pair::new(dut, mode, set, flip, trace, replay) {
        Ok(pair) => pair,
        Err(e) => return (Err(e), Coverage::default()),
    };
    let mut host = Host::new(set.params.seed, set.params.lanes, set.params.am_period, set.run);
    for slot in 0..set.run.slots {
        if reset_rx_at == Some(slot) && mode != Mode::Tx {
            if let Err(e) = pair.reset_rx() {
                return (Err(e), pair.coverage());
            }
        }
        let offer = host.offer(slot).map(<[u64]>::to_vec);
        let failed = match pair.slot(offer.as_deref()) {
            Ok(taken) if taken == host.take(slot) => None,
            Ok(_) => Some(RunError::Setup(format!("slot {slot}: the host and the model's TX disagree on taking"))),
            Err(e) => Some(e),
        };
        if let Some(e) = failed {
            return (Err(e), pair.coverage());
        }
    }
    pair.finish_covered()
}
