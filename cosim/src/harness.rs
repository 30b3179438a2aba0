//! The co-simulation harness: the RTL and the golden model driven by the same stimulus,
//! compared bit for bit every clock.
//!
//! [`check_tx`] runs the TX top against [`tessera_model::tx::Transmitter`]: every clock it
//! compares `tx_ready_o` and every channel's serial word with what the model and the timing
//! of docs/spec.md section 9 predict. The first difference is a [`Mismatch`] carrying the
//! seed, configuration, clock, channel, expected and actual values, and a command that
//! replays it.

use std::path::PathBuf;

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tessera_model::marker::SPARE_LANE;
use tessera_model::tx::{serial_words, Transmitter, TX_LATENCY_CLOCKS};
use tessera_model::{LaneMap, LinkConfig, LinkParams};

use crate::{DutConfig, DutError, TxDut};

/// What a TX run is made of.
#[derive(Debug, Clone)]
pub struct TxRun {
    /// Configuration name (see `cosim/configs.rs`).
    pub config: &'static str,
    /// Seed of the stimulus and of the lane map's failures.
    pub seed: u64,
    /// Clocks to run after reset.
    pub clocks: u64,
    /// Probability that the host asserts valid on a clock.
    pub valid_rate: f64,
    /// Channels failed in the lane map written during reset (at most SPARES).
    pub failed: Vec<u32>,
    /// Waveform file, if wanted.
    pub trace: Option<PathBuf>,
    /// Flip this bit of `tx_serial_o` as read from the RTL at this clock: a self-test that
    /// proves the checker reports a wrong RTL. `(clock, bus bit)`.
    pub flip: Option<(u64, usize)>,
}

impl TxRun {
    /// A run of `clocks` clocks with the host offering on 80 % of clocks, no failures.
    pub fn new(config: &'static str, seed: u64, clocks: u64) -> TxRun {
        TxRun { config, seed, clocks, valid_rate: 0.8, failed: Vec::new(), trace: None, flip: None }
    }
}

/// A difference between RTL and model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "TX mismatch (config {config}, seed {seed}) at clock {clock}, {signal}{}: expected {expected:#x}, RTL {actual:#x}\n  replay: {replay}",
    channel.map(|c| format!(" channel {c}")).unwrap_or_default()
)]
pub struct Mismatch {
    /// Configuration name.
    pub config: String,
    /// Seed of the run.
    pub seed: u64,
    /// Clock, counted from the first rising edge after reset.
    pub clock: u64,
    /// The port that differs.
    pub signal: &'static str,
    /// The channel, for a serial word.
    pub channel: Option<u32>,
    /// What the model predicts.
    pub expected: u128,
    /// What the RTL gave.
    pub actual: u128,
    /// A command that replays the run.
    pub replay: String,
}

/// Why a run could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The RTL and the model disagree.
    #[error(transparent)]
    Mismatch(#[from] Mismatch),
    /// The DUT failed.
    #[error(transparent)]
    Dut(#[from] DutError),
    /// The run's settings do not fit the configuration.
    #[error("{0}")]
    Setup(String),
}

/// Result of a clean run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxReport {
    /// Clocks compared.
    pub clocks: u64,
    /// Stripes the TX took.
    pub stripes: u64,
}

/// The model configuration of an RTL build.
pub fn link_config(cfg: &DutConfig, seed: u64) -> LinkConfig {
    LinkConfig::new(LinkParams {
        lanes: cfg.lanes,
        spares: cfg.spares,
        am_period: cfg.am_period,
        max_skew_bits: cfg.max_skew_bits,
        ser_w: cfg.ser_w,
        seed,
    })
    .expect("every configuration in configs.rs is a valid link")
}

/// Puts `width` bits of `value` at bit `at` of a bus of 32-bit words.
fn put_bits(bus: &mut [u32], at: usize, width: u32, value: u128) {
    for k in 0..width as usize {
        if (value >> k) & 1 == 1 {
            let b = at + k;
            bus[b / 32] |= 1 << (b % 32);
        }
    }
}

/// Reads `width` bits at bit `at` of a bus of 32-bit words.
fn get_bits(bus: &[u32], at: usize, width: u32) -> u128 {
    (0..width as usize).fold(0u128, |v, k| {
        let b = at + k;
        v | (u128::from((bus[b / 32] >> (b % 32)) & 1) << k)
    })
}

/// The lane-map entry of channel `c` as the RTL's write port takes it.
fn map_entry(map: &LaneMap, c: u32) -> (u16, u16, bool) {
    let lane = map.lane_on(c).map_or(SPARE_LANE, |l| l as u16);
    (c as u16, lane, map.is_failed(c))
}

/// Stack for the thread a run executes on: Verilated models of wide configurations use
/// large stack frames in `eval`.
pub const DUT_STACK_BYTES: usize = 256 << 20;

/// Runs the TX RTL and the TX model side by side; `Ok` when every clock agreed. The run
/// executes on a thread of its own with a [`DUT_STACK_BYTES`] stack.
pub fn check_tx(run: &TxRun) -> Result<TxReport, RunError> {
    let run = run.clone();
    std::thread::Builder::new()
        .name(format!("cosim-tx-{}-{}", run.config, run.seed))
        .stack_size(DUT_STACK_BYTES)
        .spawn(move || check_tx_here(&run))
        .map_err(|e| RunError::Setup(format!("cannot start the simulation thread: {e}")))?
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn check_tx_here(run: &TxRun) -> Result<TxReport, RunError> {
    let cfg = DutConfig::by_name(run.config)
        .ok_or_else(|| RunError::Setup(format!("no RTL build named '{}'", run.config)))?;
    let link = link_config(cfg, run.seed);
    let map = LaneMap::with_failed(cfg.lanes, cfg.spares, &run.failed)
        .map_err(|e| RunError::Setup(format!("lane map: {e}")))?;
    let mut model = Transmitter::new(&link, map.clone()).map_err(|e| RunError::Setup(e.to_string()))?;
    let mut dut = TxDut::new(run.config)?;
    if let Some(path) = &run.trace {
        dut.trace_to(path);
    }
    let replay = format!(
        "tessera cosim --config {} --seed {} --clocks {}",
        run.config, run.seed, run.clocks
    );

    dut.reset(4)?;
    for c in 0..cfg.channels() {
        dut.set_map_write(Some(map_entry(&map, c)));
        dut.tick()?;
    }
    dut.set_map_write(None);
    dut.release()?;

    let k = u64::from(link.clocks_per_block());
    let lanes = cfg.lanes as usize;
    let ser_w = cfg.ser_w;
    let mut rng = ChaCha8Rng::seed_from_u64(run.seed);
    let mut stripe: Vec<u64> = (0..lanes).map(|_| rng.next_u64()).collect();
    let mut data = vec![0u32; dut.data_words()];
    let mut actual = vec![0u32; dut.serial_words()];
    let mut expected = vec![0u32; dut.serial_words()];
    let mut wires = vec![0u128; cfg.channels() as usize];
    // Serial words of the slots sent so far that are still due on the wire.
    let mut due: std::collections::VecDeque<Vec<u128>> = Default::default();
    let mut stripes = 0;
    let mismatch = |clock, signal, channel, expected, actual| Mismatch {
        config: run.config.to_string(),
        seed: run.seed,
        clock,
        signal,
        channel,
        expected,
        actual,
        replay: replay.clone(),
    };

    for clock in 0..run.clocks {
        let valid = rng.gen_bool(run.valid_rate);
        data.iter_mut().for_each(|w| *w = 0);
        for (i, w) in stripe.iter().enumerate() {
            data[2 * i] = *w as u32;
            data[2 * i + 1] = (*w >> 32) as u32;
        }
        dut.set_host(valid, &data)?;
        dut.eval()?;

        // The model: a slot starts on every K-th clock.
        let boundary = clock % k == 0;
        let model_ready = boundary && !model.next_is_marker();
        if dut.ready() != model_ready {
            return Err(mismatch(clock, "tx_ready_o", None, model_ready.into(), dut.ready().into()).into());
        }
        if boundary {
            let taken = model.step(valid.then_some(&stripe[..]), &mut wires);
            due.push_back(wires.iter().flat_map(|&w| serial_words(w, ser_w).collect::<Vec<_>>()).collect());
            if taken {
                stripes += 1;
                stripe.iter_mut().for_each(|w| *w = rng.next_u64());
            }
        }

        // What tx_serial_o must carry now: word (c - L) % K of slot (c - L) / K.
        expected.iter_mut().for_each(|w| *w = 0);
        if let Some(t) = clock.checked_sub(u64::from(TX_LATENCY_CLOCKS)) {
            let (slot_back, j) = ((clock / k) - t / k, (t % k) as usize);
            let words = &due[due.len() - 1 - slot_back as usize];
            for ch in 0..cfg.channels() as usize {
                put_bits(&mut expected, ch * ser_w as usize, ser_w, words[ch * k as usize + j]);
            }
        }
        dut.serial(&mut actual)?;
        if let Some((_, bit)) = run.flip.filter(|&(at, _)| at == clock) {
            actual[bit / 32] ^= 1 << (bit % 32);
        }
        if actual != expected {
            let ch = (0..cfg.channels())
                .find(|&ch| {
                    let at = (ch * ser_w) as usize;
                    get_bits(&actual, at, ser_w) != get_bits(&expected, at, ser_w)
                })
                .unwrap_or(0);
            let at = (ch * ser_w) as usize;
            return Err(mismatch(
                clock,
                "tx_serial_o",
                Some(ch),
                get_bits(&expected, at, ser_w),
                get_bits(&actual, at, ser_w),
            )
            .into());
        }
        while due.len() > 3 {
            due.pop_front();
        }
        dut.tick()?;
    }
    Ok(TxReport { clocks: run.clocks, stripes })
}
