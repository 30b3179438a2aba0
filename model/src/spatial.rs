//! The spatial channel model: emitter array -> imaging fibre -> detector array
//! (normative: `docs/channel.md`).
//!
//! A wide-and-slow link is a picture before it is a bit stream. This module turns the
//! geometry and optics of one link into exactly what the bit-level channel model
//! ([`crate::channel`]) consumes: per physical channel a bit error rate, a skew, which RX
//! port (detector pixel) receives it, and whether it is dead.
//!
//! * [`SpatialParams`]: the plain numbers (pitches, fibre, misalignment, crosstalk, power,
//!   noise, failure rates, skew spread); [`SpatialModel::new`] checks them against a
//!   [`LinkConfig`] and computes the geometry once: where every emitter's light lands, how
//!   much of it every pixel collects, and the core-to-pixel permutation.
//! * [`SpatialModel::draw`] draws one **cable** (one instance of the hardware) from a seed:
//!   failed emitters and pixels, the emitters' power spread and the channels' skew.
//! * [`SpatialModel::evaluate`] gives the [`SpatialRun`] of a cable: per channel signal,
//!   crosstalk, Q, BER and state, and [`SpatialRun::faults`], the [`ChannelFaults`] of the
//!   bit-level channel, so TX -> spatial channel -> RX runs the whole datapath.
//! * [`SpatialRun::assess`] decides from the run alone, without the bit-level datapath,
//!   whether the link comes up: it repairs the lane map around the unusable channels (dead,
//!   or BER above the limit) and checks the skew, as link management would.
//!
//! ## Determinism
//! The geometry depends on the parameters only. A cable depends on the seed and the
//! parameters only; channel `c`'s draws are the `c`-th of their streams, so they do not
//! depend on the number of channels. Transcendental functions come from the `libm` crate
//! (pure Rust), so a replay gives the same numbers on every platform.
//!
//! ## What may panic
//! Nothing reachable from user input: [`SpatialModel::new`] checks every parameter and
//! returns a [`SpatialError`] naming it. [`SpatialModel::evaluate`] takes a [`Cable`] whose
//! vectors have one entry per channel (the caller's contract, stated under `# Panics`).

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::channel::ChannelFaults;
use crate::config::LinkConfig;
use crate::lanemap::LaneMap;

/// Most cores a fibre may have (the geometry enumerates them).
pub const MAX_CORES: u32 = 4_000_000;
/// Gaussian spots are summed out to this many 1/e² radii (the power beyond is below 2e-11).
pub const SPOT_REACH: f64 = 3.5;
/// A pixel is matched to an emitter only if it collects at least this fraction of the
/// reference coupling [`SpatialModel::reference_coupling`]; an emitter no pixel sees that
/// well is *unreached* (dead).
pub const MATCH_FLOOR: f64 = 0.01;
/// A live channel whose crosstalk closes its eye by more than this (in dB) is a crosstalk
/// victim.
pub const VICTIM_PENALTY_DB: f64 = 1.0;
/// Receiver noise bandwidth as a fraction of the bit rate (NRZ receiver, Personick).
pub const NOISE_BANDWIDTH_RATIO: f64 = 0.7;
/// The channel model of a [`SpatialRun`] is seeded with the cable's seed xor this, so its
/// streams never coincide with the cable's.
pub const CHANNEL_SEED_XOR: u64 = 0x005E_ED0F_C4A7_7E55;

/// Cable draw streams (`ChaCha8Rng::seed_from_u64(seed)` then `set_stream(kind)`).
const STREAM_EMITTER_FAIL: u64 = 0;
const STREAM_PIXEL_FAIL: u64 = 1;
const STREAM_POWER: u64 = 2;
const STREAM_SKEW: u64 = 3;

/// The parameters of the spatial channel, as a user gives them; not yet checked.
///
/// Lengths are in micrometres **as imaged on the fibre face**: the magnification of the TX
/// and RX optics is folded into the pitches, spot sizes and offsets (so a 20 um emitter
/// pitch here is, for example, a 40 um physical pitch behind a 2:1 lens). Both arrays share
/// one grid of `cols` x `rows` sites, filled in row-major order by the P = N + S channels;
/// emitter `c` and pixel `c` sit at site `c`, and pixel `j` is RX port `j`.
/// `docs/channel.md` gives every formula and where each default comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpatialParams {
    /// Grid columns; 0 picks `ceil(sqrt(P))`, or `ceil(P / rows)` when `rows` is given.
    pub cols: u32,
    /// Grid rows; 0 picks `ceil(P / cols)`.
    pub rows: u32,
    /// Emitter and pixel pitch at the fibre face, um.
    pub pitch_um: f64,
    /// Side of a pixel's square photosensitive area as a fraction of the pitch, (0, 1].
    pub pixel_fill: f64,
    /// Fibre cores (hexagonal grid, the `cores` grid points nearest the fibre's axis).
    pub cores: u32,
    /// Core pitch (centre to centre), um.
    pub core_pitch_um: f64,
    /// Core diameter, um; at most `core_pitch_um * sqrt(3/pi)` (cores do not touch).
    pub core_diameter_um: f64,
    /// Transmission loss of the fibre and its two end faces, dB.
    pub fibre_loss_db: f64,
    /// 1/e² intensity radius of an emitter's spot on the fibre's input face, um.
    pub spot_um: f64,
    /// 1/e² intensity radius of one core's light imaged onto the detector, um.
    pub rx_blur_um: f64,
    /// Offset of the emitter array from the fibre axis, x, um.
    pub tx_dx_um: f64,
    /// Offset of the emitter array from the fibre axis, y, um.
    pub tx_dy_um: f64,
    /// Rotation of the emitter array about its centre, degrees, counterclockwise.
    pub tx_rot_deg: f64,
    /// Offset of the detector array from the fibre axis, x, um.
    pub rx_dx_um: f64,
    /// Offset of the detector array from the fibre axis, y, um.
    pub rx_dy_um: f64,
    /// Rotation of the detector array about its centre, degrees, counterclockwise.
    pub rx_rot_deg: f64,
    /// Crosstalk coupling coefficient at one pitch: the fraction of an emitter's light out
    /// of the fibre that a pixel one pitch from its spot collects as scatter, [0, 1).
    pub crosstalk: f64,
    /// Distance over which the scatter falls by 1/e, in pitches.
    pub crosstalk_decay: f64,
    /// Distance beyond which the scatter is zero, in pitches.
    pub crosstalk_reach: f64,
    /// Optical modulation amplitude of a nominal emitter into the TX optics, uW.
    pub emitter_oma_uw: f64,
    /// Standard deviation of the emitters' power about nominal, dB.
    pub power_sigma_db: f64,
    /// Photodiode responsivity, A/W.
    pub responsivity_a_w: f64,
    /// Input-referred noise current density of the receiver, pA/sqrt(Hz).
    pub noise_pa_rthz: f64,
    /// Line rate of one channel, Gb/s.
    pub rate_gbps: f64,
    /// Largest BER at which a channel is used; above it the channel is repaired out.
    pub ber_limit: f64,
    /// Probability that an emitter is dead, per emitter.
    pub emitter_fail_rate: f64,
    /// Probability that a pixel is dead, per pixel.
    pub pixel_fail_rate: f64,
    /// Standard deviation of a channel's delay, ns (normal; relative skew is what counts).
    pub skew_sigma_ns: f64,
}

impl Default for SpatialParams {
    /// An 800 Gb/s-class link of about 400 channels at 2 Gb/s (see `docs/channel.md`,
    /// section "Defaults", for the source of each number).
    fn default() -> Self {
        SpatialParams {
            cols: 0,
            rows: 0,
            pitch_um: 20.0,
            pixel_fill: 0.7,
            cores: 30_000,
            core_pitch_um: 3.3,
            core_diameter_um: 2.3,
            fibre_loss_db: 1.0,
            spot_um: 4.0,
            rx_blur_um: 3.0,
            tx_dx_um: 0.5,
            tx_dy_um: 0.5,
            tx_rot_deg: 0.0,
            rx_dx_um: 2.0,
            rx_dy_um: -1.0,
            rx_rot_deg: 0.2,
            crosstalk: 1e-3,
            crosstalk_decay: 0.5,
            crosstalk_reach: 3.0,
            emitter_oma_uw: 80.0,
            power_sigma_db: 0.25,
            responsivity_a_w: 0.25,
            noise_pa_rthz: 8.0,
            rate_gbps: 2.0,
            ber_limit: 1e-12,
            emitter_fail_rate: 1e-3,
            pixel_fail_rate: 1e-4,
            skew_sigma_ns: 1.0,
        }
    }
}

impl SpatialParams {
    /// These parameters with the fibre enlarged, if needed, so that its image circle holds
    /// the emitter array of `channels` channels (for drawing an abstract channel, such as
    /// the demo's, on the default geometry). `None` if no fibre of at most [`MAX_CORES`]
    /// cores would do.
    pub fn fitted(mut self, channels: u32) -> Option<SpatialParams> {
        let (cols, rows) = grid_shape(self.cols, self.rows, channels).ok()?;
        let need = farthest_site(cols, rows, channels, self.pitch_um) + self.spot_um;
        let per_core = 3f64.sqrt() / 2.0 * self.core_pitch_um * self.core_pitch_um;
        let cores = (std::f64::consts::PI * need * need / per_core * 1.05).ceil();
        if cores > f64::from(self.cores) {
            if cores > f64::from(MAX_CORES) {
                return None;
            }
            self.cores = cores as u32;
        }
        Some(self)
    }
}

/// A parameter of [`SpatialParams`] that breaks a rule, or a geometry that cannot work.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid spatial channel: {field} = {value}: {rule}")]
pub struct SpatialError {
    /// The parameter's name, as in [`SpatialParams`] (the command line spells it with
    /// dashes).
    pub field: &'static str,
    /// The value given.
    pub value: f64,
    /// The rule it breaks, in words.
    pub rule: String,
}

/// The grid shape for `channels` sites: (cols, rows).
fn grid_shape(cols: u32, rows: u32, channels: u32) -> Result<(u32, u32), SpatialError> {
    let err = |field, value: u32, rule: String| SpatialError { field, value: value.into(), rule };
    let p = channels.max(1);
    let (c, r) = match (cols, rows) {
        (0, 0) => {
            let c = (f64::from(p).sqrt().ceil() as u32).max(1);
            (c, p.div_ceil(c))
        }
        (0, r) => (p.div_ceil(r), r),
        (c, 0) => (c, p.div_ceil(c)),
        (c, r) => (c, r),
    };
    if u64::from(c) * u64::from(r) < u64::from(channels) {
        let field = if rows != 0 { "rows" } else { "cols" };
        return Err(err(
            field,
            if rows != 0 { rows } else { cols },
            format!(
                "a {c} x {r} grid has {} emitter sites and pixels, fewer than the {channels} \
                 channels (lanes + spares)",
                u64::from(c) * u64::from(r)
            ),
        ));
    }
    Ok((c, r))
}

/// Distance of the farthest of the first `channels` sites from the grid centre.
fn farthest_site(cols: u32, rows: u32, channels: u32, pitch: f64) -> f64 {
    // The corners of the filled part are the candidates.
    let last_row = (channels.max(1) - 1) / cols;
    let last_col_of_last_row = (channels.max(1) - 1) % cols;
    let full_cols = if last_row == 0 { last_col_of_last_row + 1 } else { cols };
    let candidates = [(0, 0), (full_cols - 1, 0), (0, last_row), (last_col_of_last_row, last_row)];
    candidates
        .iter()
        .map(|&(q, r)| {
            let [x, y] = site_xy(q, r, cols, rows, pitch);
            (x * x + y * y).sqrt()
        })
        .fold(0.0, f64::max)
}

/// Nominal position of the site in column `q`, row `r` (row 0 at the top, y up).
fn site_xy(q: u32, r: u32, cols: u32, rows: u32, pitch: f64) -> [f64; 2] {
    [(f64::from(q) - f64::from(cols - 1) / 2.0) * pitch, (f64::from(rows - 1) / 2.0 - f64::from(r)) * pitch]
}

/// A rigid transform: rotation about the origin, then an offset.
#[derive(Debug, Clone, Copy)]
struct Rigid {
    cos: f64,
    sin: f64,
    dx: f64,
    dy: f64,
}

impl Rigid {
    fn new(rot_deg: f64, dx: f64, dy: f64) -> Rigid {
        let a = rot_deg.to_radians();
        Rigid { cos: libm::cos(a), sin: libm::sin(a), dx, dy }
    }
    /// Array frame -> fibre frame.
    fn apply(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        [self.cos * x - self.sin * y + self.dx, self.sin * x + self.cos * y + self.dy]
    }
    /// Fibre frame -> array frame.
    fn invert(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let (u, v) = (x - self.dx, y - self.dy);
        [self.cos * u + self.sin * v, -self.sin * u + self.cos * v]
    }
}

/// `integral_a^b` of the 1-D marginal of a unit-power Gaussian spot of 1/e² radius `w`
/// centred at 0: `(erf(sqrt2 b / w) - erf(sqrt2 a / w)) / 2`.
fn gauss_interval(a: f64, b: f64, w: f64) -> f64 {
    let s = std::f64::consts::SQRT_2 / w;
    // erfc keeps precision in the tails, where both erf values round to +-1.
    if a >= 0.0 {
        0.5 * (libm::erfc(s * a) - libm::erfc(s * b))
    } else if b <= 0.0 {
        0.5 * (libm::erfc(-s * b) - libm::erfc(-s * a))
    } else {
        0.5 * (libm::erf(s * b) - libm::erf(s * a))
    }
}

/// Power fraction of a unit Gaussian spot (1/e² radius `w`) centred at `(x, y)` relative to
/// the centre of an axis-aligned square of half side `h`.
fn gauss_on_square(x: f64, y: f64, h: f64, w: f64) -> f64 {
    gauss_interval(-h - x, h - x, w) * gauss_interval(-h - y, h - y, w)
}

/// The hexagonal core lattice of the fibre: point (i, j) at
/// `core_pitch * (i + j/2, j sqrt3/2)`; the fibre's cores are the `cores` points smallest
/// in the order (i² + ij + j², j, i).
#[derive(Debug, Clone)]
struct CoreLattice {
    pitch: f64,
    /// The largest key of a core.
    last: (i64, i64, i64),
    /// Every core's (i, j), in key order.
    cores: Vec<(i32, i32)>,
}

impl CoreLattice {
    fn new(cores: u32, pitch: f64) -> CoreLattice {
        // Radius (in pitches) of a circle holding `cores` lattice cells, plus a margin.
        let r = (f64::from(cores) * 3f64.sqrt() / (2.0 * std::f64::consts::PI)).sqrt() + 3.0;
        let bound = (r * r).ceil() as i64;
        let jmax = (r * 2.0 / 3f64.sqrt()).ceil() as i64 + 1;
        let mut pts: Vec<(i64, i64, i64)> = Vec::new();
        for j in -jmax..=jmax {
            let imax = (r + jmax as f64).ceil() as i64;
            for i in -imax..=imax {
                let n = i * i + i * j + j * j;
                if n <= bound {
                    pts.push((n, j, i));
                }
            }
        }
        pts.sort_unstable();
        pts.truncate(cores as usize);
        let last = *pts.last().unwrap_or(&(0, 0, 0));
        CoreLattice { pitch, last, cores: pts.iter().map(|&(_, j, i)| (i as i32, j as i32)).collect() }
    }
    fn is_core(&self, i: i64, j: i64) -> bool {
        (i * i + i * j + j * j, j, i) <= self.last
    }
    fn xy(&self, i: i64, j: i64) -> [f64; 2] {
        [self.pitch * (i as f64 + j as f64 / 2.0), self.pitch * (j as f64 * 3f64.sqrt() / 2.0)]
    }
    /// Radius of the image circle: the distance of the farthest core.
    fn radius(&self) -> f64 {
        (self.last.0 as f64).sqrt() * self.pitch
    }
    /// Calls `f(x, y)` for every core within `radius` of `(cx, cy)`.
    fn for_each_near(&self, [cx, cy]: [f64; 2], radius: f64, mut f: impl FnMut([f64; 2])) {
        let row = self.pitch * 3f64.sqrt() / 2.0;
        let j0 = ((cy - radius) / row).floor() as i64;
        let j1 = ((cy + radius) / row).ceil() as i64;
        for j in j0..=j1 {
            let i0 = ((cx - radius) / self.pitch - j as f64 / 2.0).floor() as i64;
            let i1 = ((cx + radius) / self.pitch - j as f64 / 2.0).ceil() as i64;
            for i in i0..=i1 {
                let p = self.xy(i, j);
                let (dx, dy) = (p[0] - cx, p[1] - cy);
                if dx * dx + dy * dy <= radius * radius && self.is_core(i, j) {
                    f(p);
                }
            }
        }
    }
}

/// The checked geometry of one link: where every emitter's light lands, what every pixel
/// collects, and the core-to-pixel permutation. Build it with [`SpatialModel::new`].
#[derive(Debug, Clone)]
pub struct SpatialModel {
    params: SpatialParams,
    lanes: u32,
    spares: u32,
    max_skew_bits: u32,
    cols: u32,
    rows: u32,
    tx: Rigid,
    rx: Rigid,
    lattice: CoreLattice,
    /// Fraction of each emitter's power out of the fibre (through cores, less fibre loss).
    through: Vec<f64>,
    /// Per pixel: (emitter, coupling) for every emitter that reaches it, by emitter.
    coupling: Vec<Vec<(u32, f64)>>,
    /// Per pixel: the geometric (spot, not scatter) coupling of its matched emitter.
    geometric_own: Vec<f64>,
    source_of_port: Vec<u32>,
    port_of_channel: Vec<u32>,
    unreached: Vec<bool>,
    sigma_ua: f64,
}

fn check(ok: bool, field: &'static str, value: f64, rule: &str) -> Result<(), SpatialError> {
    if ok {
        Ok(())
    } else {
        Err(SpatialError { field, value, rule: rule.to_string() })
    }
}

impl SpatialModel {
    /// Checks `params` against the link `cfg` (P = N + S channels) and computes the
    /// geometry. Every error names the parameter at fault.
    pub fn new(cfg: &LinkConfig, params: &SpatialParams) -> Result<SpatialModel, SpatialError> {
        let p = *params;
        let channels = cfg.channels();
        let (cols, rows) = grid_shape(p.cols, p.rows, channels)?;
        let positive = "must be a positive number";
        let non_negative = "must be zero or a positive number";
        let finite = "must be a finite number";
        let probability = "must be a probability between 0 and 1";
        check(p.pitch_um > 0.0 && p.pitch_um.is_finite(), "pitch_um", p.pitch_um, positive)?;
        check(p.pixel_fill > 0.0 && p.pixel_fill <= 1.0, "pixel_fill", p.pixel_fill, "must be in (0, 1]")?;
        check(
            p.cores <= MAX_CORES,
            "cores",
            p.cores.into(),
            &format!("a fibre may have at most {MAX_CORES} cores"),
        )?;
        check(
            p.cores >= channels,
            "cores",
            p.cores.into(),
            &format!(
                "fewer cores than the {channels} channels (lanes {} + spares {}): every channel \
                 needs at least one core",
                cfg.lanes(),
                cfg.spares()
            ),
        )?;
        check(
            p.core_pitch_um > 0.0 && p.core_pitch_um.is_finite(),
            "core_pitch_um",
            p.core_pitch_um,
            positive,
        )?;
        let max_core = p.core_pitch_um * (3.0 / std::f64::consts::PI).sqrt();
        check(
            p.core_diameter_um > 0.0 && p.core_diameter_um <= max_core,
            "core_diameter_um",
            p.core_diameter_um,
            &format!(
                "must be positive and at most core_pitch_um * sqrt(3/pi) = {max_core:.3} um \
                 (neighbouring cores may not overlap)"
            ),
        )?;
        check(
            p.fibre_loss_db >= 0.0 && p.fibre_loss_db.is_finite(),
            "fibre_loss_db",
            p.fibre_loss_db,
            non_negative,
        )?;
        check(p.spot_um > 0.0 && p.spot_um.is_finite(), "spot_um", p.spot_um, positive)?;
        check(p.rx_blur_um > 0.0 && p.rx_blur_um.is_finite(), "rx_blur_um", p.rx_blur_um, positive)?;
        for (field, v) in [
            ("tx_dx_um", p.tx_dx_um),
            ("tx_dy_um", p.tx_dy_um),
            ("rx_dx_um", p.rx_dx_um),
            ("rx_dy_um", p.rx_dy_um),
        ] {
            check(v.is_finite(), field, v, finite)?;
        }
        for (field, v) in [("tx_rot_deg", p.tx_rot_deg), ("rx_rot_deg", p.rx_rot_deg)] {
            check((-180.0..=180.0).contains(&v), field, v, "must be between -180 and 180 degrees")?;
        }
        check((0.0..1.0).contains(&p.crosstalk), "crosstalk", p.crosstalk, "must be in [0, 1)")?;
        check(
            p.crosstalk_decay > 0.0 && p.crosstalk_decay.is_finite(),
            "crosstalk_decay",
            p.crosstalk_decay,
            positive,
        )?;
        check(
            (0.0..=64.0).contains(&p.crosstalk_reach),
            "crosstalk_reach",
            p.crosstalk_reach,
            "must be between 0 and 64 pitches",
        )?;
        check(
            p.emitter_oma_uw > 0.0 && p.emitter_oma_uw.is_finite(),
            "emitter_oma_uw",
            p.emitter_oma_uw,
            positive,
        )?;
        check(
            (0.0..=20.0).contains(&p.power_sigma_db),
            "power_sigma_db",
            p.power_sigma_db,
            "must be between 0 and 20 dB",
        )?;
        check(
            p.responsivity_a_w > 0.0 && p.responsivity_a_w.is_finite(),
            "responsivity_a_w",
            p.responsivity_a_w,
            positive,
        )?;
        check(
            p.noise_pa_rthz >= 0.0 && p.noise_pa_rthz.is_finite(),
            "noise_pa_rthz",
            p.noise_pa_rthz,
            non_negative,
        )?;
        check(
            p.rate_gbps > 0.0 && p.rate_gbps <= 1000.0,
            "rate_gbps",
            p.rate_gbps,
            "must be in (0, 1000] Gb/s",
        )?;
        check(p.ber_limit > 0.0 && p.ber_limit <= 0.5, "ber_limit", p.ber_limit, "must be in (0, 0.5]")?;
        check(
            (0.0..=1.0).contains(&p.emitter_fail_rate),
            "emitter_fail_rate",
            p.emitter_fail_rate,
            probability,
        )?;
        check((0.0..=1.0).contains(&p.pixel_fail_rate), "pixel_fail_rate", p.pixel_fail_rate, probability)?;
        check(
            (0.0..=1e4).contains(&p.skew_sigma_ns),
            "skew_sigma_ns",
            p.skew_sigma_ns,
            "must be between 0 and 10000 ns",
        )?;

        let lattice = CoreLattice::new(p.cores, p.core_pitch_um);
        let far = farthest_site(cols, rows, channels, p.pitch_um);
        check(
            far <= lattice.radius(),
            "cores",
            p.cores.into(),
            &format!(
                "the fibre's image circle (radius {:.1} um at core_pitch_um = {}) does not hold \
                 the {cols} x {rows} array at pitch_um = {} (its farthest channel is {far:.1} um \
                 from the centre): use more cores or a smaller pitch",
                lattice.radius(),
                p.core_pitch_um,
                p.pitch_um
            ),
        )?;

        let sigma_ua = p.noise_pa_rthz * 1e-6 * (NOISE_BANDWIDTH_RATIO * p.rate_gbps * 1e9).sqrt();
        let mut model = SpatialModel {
            params: p,
            lanes: cfg.lanes(),
            spares: cfg.spares(),
            max_skew_bits: cfg.max_skew_bits(),
            cols,
            rows,
            tx: Rigid::new(p.tx_rot_deg, p.tx_dx_um, p.tx_dy_um),
            rx: Rigid::new(p.rx_rot_deg, p.rx_dx_um, p.rx_dy_um),
            lattice,
            through: Vec::new(),
            coupling: Vec::new(),
            geometric_own: Vec::new(),
            source_of_port: Vec::new(),
            port_of_channel: Vec::new(),
            unreached: Vec::new(),
            sigma_ua,
        };
        model.compute_coupling(channels);
        Ok(model)
    }

    /// Fills `through`, `coupling` and the matching.
    fn compute_coupling(&mut self, channels: u32) {
        let p = self.params;
        let n = channels as usize;
        let eta = libm::pow(10.0, -p.fibre_loss_db / 10.0);
        let core_half = p.core_diameter_um * std::f64::consts::PI.sqrt() / 4.0;
        let pixel_half = p.pixel_fill * p.pitch_um / 2.0;
        let tx_reach = SPOT_REACH * p.spot_um + core_half;
        let rx_reach = SPOT_REACH * p.rx_blur_um + pixel_half * std::f64::consts::SQRT_2;
        let halo_reach = p.crosstalk_reach * p.pitch_um;

        let mut through = vec![0.0; n];
        // Per emitter: (pixel, geometric, scatter).
        let mut per_emitter: Vec<Vec<(u32, f64, f64)>> = vec![Vec::new(); n];
        let mut cores_hit: Vec<([f64; 2], f64)> = Vec::new();
        for c in 0..channels {
            let e = self.emitter_xy(c);
            cores_hit.clear();
            self.lattice.for_each_near(e, tx_reach, |f| {
                let t = gauss_on_square(e[0] - f[0], e[1] - f[1], core_half, p.spot_um);
                if t > 0.0 {
                    cores_hit.push((f, t * eta));
                }
            });
            let list = &mut per_emitter[c as usize];
            let mut total = 0.0;
            for &(f, t) in &cores_hit {
                total += t;
                // The core's light, in the detector array's frame.
                let g = self.rx.invert(f);
                self.for_each_pixel_near(g, rx_reach, channels, |j, m| {
                    let u = gauss_on_square(g[0] - m[0], g[1] - m[1], pixel_half, p.rx_blur_um);
                    if u > 0.0 {
                        add(list, j, t * u, 0.0);
                    }
                });
            }
            through[c as usize] = total;
            if p.crosstalk > 0.0 && total > 0.0 {
                let g = self.rx.invert(e);
                self.for_each_pixel_near(g, halo_reach, channels, |j, m| {
                    let d = ((g[0] - m[0]).powi(2) + (g[1] - m[1]).powi(2)).sqrt();
                    let k = scatter(d, p);
                    if k > 0.0 {
                        add(list, j, 0.0, k * total);
                    }
                });
            }
        }

        // Matching: geometric couplings, strongest first.
        let floor = MATCH_FLOOR * self.reference_coupling();
        let mut pairs: Vec<(f64, u32, u32)> = Vec::new();
        for (c, list) in per_emitter.iter().enumerate() {
            for &(j, geo, _) in list {
                if geo >= floor {
                    pairs.push((geo, c as u32, j));
                }
            }
        }
        pairs.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        const NONE: u32 = u32::MAX;
        let mut source = vec![NONE; n];
        let mut port = vec![NONE; n];
        let mut geometric_own = vec![0.0; n];
        for &(geo, c, j) in &pairs {
            if port[c as usize] == NONE && source[j as usize] == NONE {
                port[c as usize] = j;
                source[j as usize] = c;
                geometric_own[j as usize] = geo;
            }
        }
        let unreached: Vec<bool> = port.iter().map(|&j| j == NONE).collect();
        let leftover: Vec<u32> = (0..channels).filter(|&c| port[c as usize] == NONE).collect();
        let mut spare_channels = leftover.into_iter();
        for j in 0..channels {
            if source[j as usize] == NONE {
                // As many unmatched channels as unmatched pixels.
                let c = spare_channels.next().unwrap_or(NONE);
                source[j as usize] = c;
                port[c as usize] = j;
            }
        }

        let mut coupling: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
        for (c, list) in per_emitter.iter().enumerate() {
            for &(j, geo, halo) in list {
                coupling[j as usize].push((c as u32, geo + halo));
            }
        }
        self.through = through;
        self.coupling = coupling;
        self.geometric_own = geometric_own;
        self.source_of_port = source;
        self.port_of_channel = port;
        self.unreached = unreached;
    }

    /// Calls `f(j, nominal_xy)` for every pixel `j < channels` whose nominal centre is
    /// within `radius` of `g` (a point in the detector array's frame).
    fn for_each_pixel_near(&self, g: [f64; 2], radius: f64, channels: u32, mut f: impl FnMut(u32, [f64; 2])) {
        let pitch = self.params.pitch_um;
        let (cols, rows) = (i64::from(self.cols), i64::from(self.rows));
        let qc = g[0] / pitch + (cols - 1) as f64 / 2.0;
        let rc = (rows - 1) as f64 / 2.0 - g[1] / pitch;
        let k = radius / pitch;
        let (q0, q1) = (((qc - k).floor() as i64).max(0), ((qc + k).ceil() as i64).min(cols - 1));
        let (r0, r1) = (((rc - k).floor() as i64).max(0), ((rc + k).ceil() as i64).min(rows - 1));
        for r in r0..=r1 {
            for q in q0..=q1 {
                let j = r * cols + q;
                if j >= i64::from(channels) {
                    continue;
                }
                let m = site_xy(q as u32, r as u32, self.cols, self.rows, pitch);
                if (m[0] - g[0]).powi(2) + (m[1] - g[1]).powi(2) <= radius * radius {
                    f(j as u32, m);
                }
            }
        }
    }

    /// The parameters.
    pub fn params(&self) -> &SpatialParams {
        &self.params
    }
    /// Physical channels P (= emitters = pixels = RX ports).
    pub fn channels(&self) -> u32 {
        self.source_of_port.len() as u32
    }
    /// Grid columns.
    pub fn cols(&self) -> u32 {
        self.cols
    }
    /// Grid rows.
    pub fn rows(&self) -> u32 {
        self.rows
    }
    /// Nominal position of site `i` (emitter `i` and pixel `i`) in its array's own frame, um.
    pub fn site_xy(&self, i: u32) -> [f64; 2] {
        site_xy(i % self.cols, i / self.cols, self.cols, self.rows, self.params.pitch_um)
    }
    /// Centre of emitter `c`'s spot on the fibre face, um (after the TX misalignment).
    pub fn emitter_xy(&self, c: u32) -> [f64; 2] {
        self.tx.apply(self.site_xy(c))
    }
    /// Centre of pixel `j` as imaged on the fibre face, um (after the RX misalignment).
    pub fn pixel_xy(&self, j: u32) -> [f64; 2] {
        self.rx.apply(self.site_xy(j))
    }
    /// The four corners of pixel `j`'s photosensitive square as imaged on the fibre face.
    pub fn pixel_corners(&self, j: u32) -> [[f64; 2]; 4] {
        let [x, y] = self.site_xy(j);
        let h = self.params.pixel_fill * self.params.pitch_um / 2.0;
        [[-h, -h], [h, -h], [h, h], [-h, h]].map(|[dx, dy]| self.rx.apply([x + dx, y + dy]))
    }
    /// Every core's centre on the fibre face, um, nearest the axis first.
    pub fn cores_xy(&self) -> impl Iterator<Item = [f64; 2]> + '_ {
        self.lattice.cores.iter().map(|&(i, j)| self.lattice.xy(i.into(), j.into()))
    }
    /// Radius of the fibre's image circle (its farthest core's centre), um.
    pub fn image_radius_um(&self) -> f64 {
        self.lattice.radius()
    }
    /// Receiver noise, um rms: `noise_pa_rthz * sqrt(0.7 * rate)`.
    pub fn noise_ua(&self) -> f64 {
        self.sigma_ua
    }
    /// The coupling a well-aligned channel has on average: fibre transmission times the
    /// cores' fill factor `pi d² / (2 sqrt3 pitch²)`.
    pub fn reference_coupling(&self) -> f64 {
        let p = &self.params;
        libm::pow(10.0, -p.fibre_loss_db / 10.0) * std::f64::consts::PI * p.core_diameter_um.powi(2)
            / (2.0 * 3f64.sqrt() * p.core_pitch_um.powi(2))
    }
    /// RX port `j` receives channel `source_of_port()[j]`: a bijection of `0..P`.
    pub fn source_of_port(&self) -> &[u32] {
        &self.source_of_port
    }
    /// The RX port (pixel) that receives channel `c`.
    ///
    /// # Panics
    /// If `c >= P`.
    pub fn port_of_channel(&self, c: u32) -> u32 {
        self.port_of_channel[c as usize]
    }
    /// Whether channel `c`'s light reaches no pixel well enough to be matched (it is dead).
    ///
    /// # Panics
    /// If `c >= P`.
    pub fn is_unreached(&self, c: u32) -> bool {
        self.unreached[c as usize]
    }
    /// Fraction of emitter `c`'s power that pixel `j` collects (spot and scatter).
    ///
    /// # Panics
    /// If `j >= P`.
    pub fn coupling(&self, c: u32, j: u32) -> f64 {
        self.coupling[j as usize].iter().find(|&&(a, _)| a == c).map_or(0.0, |&(_, h)| h)
    }
    /// Fraction of emitter `c`'s power that leaves the fibre (through cores, less loss).
    ///
    /// # Panics
    /// If `c >= P`.
    pub fn through_fibre(&self, c: u32) -> f64 {
        self.through[c as usize]
    }

    /// Draws one cable from `seed` (see `docs/channel.md`, "Cables and seeds").
    pub fn draw(&self, seed: u64) -> Cable {
        let n = self.channels() as usize;
        let p = &self.params;
        let mut cable = Cable::nominal(self.channels(), p.emitter_oma_uw);
        cable.seed = seed;
        if p.emitter_fail_rate > 0.0 {
            let mut rng = stream(seed, STREAM_EMITTER_FAIL);
            cable.emitter_failed.iter_mut().for_each(|f| *f = uniform(&mut rng) < p.emitter_fail_rate);
        }
        if p.pixel_fail_rate > 0.0 {
            let mut rng = stream(seed, STREAM_PIXEL_FAIL);
            cable.pixel_failed.iter_mut().for_each(|f| *f = uniform(&mut rng) < p.pixel_fail_rate);
        }
        if p.power_sigma_db > 0.0 {
            let k = p.power_sigma_db * std::f64::consts::LN_10 / 10.0;
            normals(seed, STREAM_POWER, &mut cable.power_uw);
            for w in cable.power_uw.iter_mut() {
                *w = p.emitter_oma_uw * libm::exp(k * *w);
            }
        }
        if p.skew_sigma_ns > 0.0 {
            normals(seed, STREAM_SKEW, &mut cable.delay_ns);
            cable.delay_ns.iter_mut().for_each(|t| *t *= p.skew_sigma_ns);
        }
        debug_assert_eq!(cable.delay_ns.len(), n);
        cable
    }

    /// The run of `cable` through this geometry: per channel signal, crosstalk, BER and
    /// state, and the channel-model faults.
    ///
    /// # Panics
    /// If a vector of `cable` does not have one entry per channel (the caller's contract;
    /// [`SpatialModel::draw`] and [`Cable::nominal`] make them right).
    pub fn evaluate(&self, cable: &Cable) -> SpatialRun {
        let n = self.channels() as usize;
        assert!(
            cable.emitter_failed.len() == n
                && cable.pixel_failed.len() == n
                && cable.power_uw.len() == n
                && cable.delay_ns.len() == n,
            "a cable has one entry per channel in each vector"
        );
        let p = &self.params;
        let r = p.responsivity_a_w;
        let mut channels = vec![ChannelReport::default(); n];
        let mut ber_per_channel = vec![0.0; n];
        let mut dead = Vec::new();
        let t_min = cable.delay_ns.iter().copied().fold(f64::INFINITY, f64::min);
        let mut skew_bits = vec![0u32; n];
        for j in 0..n {
            let c = self.source_of_port[j] as usize;
            let mut signal = 0.0;
            let mut crosstalk = 0.0;
            for &(a, h) in &self.coupling[j] {
                let a = a as usize;
                if cable.emitter_failed[a] {
                    continue;
                }
                if a == c {
                    signal = r * cable.power_uw[a] * h;
                } else {
                    crosstalk += r * cable.power_uw[a] * h;
                }
            }
            let state = if self.unreached[c] {
                ChannelState::Unreached
            } else if cable.emitter_failed[c] {
                ChannelState::EmitterFailed
            } else if cable.pixel_failed[j] {
                ChannelState::PixelFailed
            } else {
                ChannelState::Live
            };
            let live = state == ChannelState::Live;
            if !live {
                dead.push(c as u32);
            }
            let q = q_factor(signal - crosstalk, self.sigma_ua);
            let ber = if live { ber_of_q(q) } else { 0.5 };
            ber_per_channel[c] = if live { ber } else { 0.0 };
            let skew = if t_min.is_finite() {
                libm::round((cable.delay_ns[c] - t_min) * p.rate_gbps).min(f64::from(u32::MAX))
            } else {
                0.0
            };
            skew_bits[c] = skew as u32;
            channels[c] = ChannelReport {
                port: j as u32,
                state,
                power_uw: cable.power_uw[c],
                signal_ua: signal,
                crosstalk_ua: crosstalk,
                noise_ua: self.sigma_ua,
                geometric_coupling: self.geometric_own[j],
                q,
                ber,
                delay_ns: cable.delay_ns[c],
            };
        }
        dead.sort_unstable();
        SpatialRun {
            seed: cable.seed,
            lanes: self.lanes,
            spares: self.spares,
            max_skew_bits: self.max_skew_bits,
            noise_ua: self.sigma_ua,
            source_of_port: self.source_of_port.clone(),
            skew_bits,
            ber_per_channel,
            dead,
            channels,
        }
    }

    /// [`SpatialModel::draw`] then [`SpatialModel::evaluate`].
    pub fn run(&self, seed: u64) -> SpatialRun {
        self.evaluate(&self.draw(seed))
    }
}

/// Adds `(geo, halo)` to pixel `j`'s entry of an emitter's list.
fn add(list: &mut Vec<(u32, f64, f64)>, j: u32, geo: f64, halo: f64) {
    match list.iter_mut().find(|e| e.0 == j) {
        Some(e) => {
            e.1 += geo;
            e.2 += halo;
        }
        None => list.push((j, geo, halo)),
    }
}

/// The scatter coupling at distance `d` (um) from a spot's centre: `crosstalk` within one
/// pitch, falling by 1/e every `crosstalk_decay` pitches beyond, zero past
/// `crosstalk_reach` pitches.
fn scatter(d: f64, p: SpatialParams) -> f64 {
    if d > p.crosstalk_reach * p.pitch_um {
        return 0.0;
    }
    let beyond = (d - p.pitch_um).max(0.0) / (p.crosstalk_decay * p.pitch_um);
    p.crosstalk * libm::exp(-beyond)
}

/// The Q factor of an eye of `opening` uA (signal less worst-case crosstalk) with noise
/// `sigma` uA rms: `opening / (2 sigma)`; with no noise, +inf for an open eye, -inf for a
/// closed one and 0 for none (never NaN).
pub fn q_factor(opening: f64, sigma: f64) -> f64 {
    if sigma > 0.0 {
        opening / (2.0 * sigma)
    } else if opening > 0.0 {
        f64::INFINITY
    } else if opening < 0.0 {
        f64::NEG_INFINITY
    } else {
        0.0
    }
}

/// BER of an eye with Q factor `q`: `0.5 erfc(q / sqrt2)`, and 0.5 for `q <= 0` or NaN (a
/// closed eye).
pub fn ber_of_q(q: f64) -> f64 {
    if q > 0.0 {
        0.5 * libm::erfc(q / std::f64::consts::SQRT_2)
    } else {
        0.5
    }
}

/// The cable draw generator of one kind.
fn stream(seed: u64, kind: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(kind);
    rng
}

/// Uniform in (0, 1) from one `next_u64`: `((x >> 11) + 0.5) / 2^53`.
fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// Fills `out` with standard normals from the stream `kind` of `seed` (Box-Muller): entries
/// `2k` and `2k + 1` come from the uniforms `u1`, `u2` drawn `2k`-th and `2k+1`-th, as
/// `r cos(2 pi u2)` and `r sin(2 pi u2)` with `r = sqrt(-2 ln u1)`.
fn normals(seed: u64, kind: u64, out: &mut [f64]) {
    let mut rng = stream(seed, kind);
    for pair in out.chunks_mut(2) {
        let u1 = uniform(&mut rng);
        let u2 = uniform(&mut rng);
        let r = (-2.0 * libm::log(u1)).sqrt();
        let (sin, cos) = libm::sincos(2.0 * std::f64::consts::PI * u2);
        pair[0] = r * cos;
        if let Some(second) = pair.get_mut(1) {
            *second = r * sin;
        }
    }
}

/// One instance of the hardware: which emitters and pixels are dead, each emitter's power
/// and each channel's delay. Index `c` is channel `c` (emitter `c`) for the emitter
/// vectors and pixel `c` for `pixel_failed`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cable {
    /// The seed it was drawn from (0 for a hand-made cable).
    pub seed: u64,
    /// Emitter `c` is dead.
    pub emitter_failed: Vec<bool>,
    /// Pixel `j` is dead.
    pub pixel_failed: Vec<bool>,
    /// Optical modulation amplitude of emitter `c`, uW.
    pub power_uw: Vec<f64>,
    /// Delay of channel `c`, ns (only differences matter).
    pub delay_ns: Vec<f64>,
}

impl Cable {
    /// A cable of `channels` channels with nothing failed, every emitter at `power_uw` and
    /// no skew.
    pub fn nominal(channels: u32, power_uw: f64) -> Cable {
        let n = channels as usize;
        Cable {
            seed: 0,
            emitter_failed: vec![false; n],
            pixel_failed: vec![false; n],
            power_uw: vec![power_uw; n],
            delay_ns: vec![0.0; n],
        }
    }
}

/// Why a channel is dead, or that it is live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChannelState {
    /// Its emitter and pixel work and its light reaches its pixel.
    #[default]
    Live,
    /// Its emitter is dead.
    EmitterFailed,
    /// The pixel that receives it is dead.
    PixelFailed,
    /// Its light reaches no pixel well enough (off the fibre or off the detector).
    Unreached,
}

impl std::fmt::Display for ChannelState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ChannelState::Live => "live",
            ChannelState::EmitterFailed => "emitter failed",
            ChannelState::PixelFailed => "pixel failed",
            ChannelState::Unreached => "unreached",
        })
    }
}

/// What the spatial model says about one physical channel.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ChannelReport {
    /// The RX port (pixel) that receives it.
    pub port: u32,
    /// Live or why dead.
    pub state: ChannelState,
    /// Its emitter's optical modulation amplitude, uW.
    pub power_uw: f64,
    /// Signal photocurrent (modulation amplitude) at its pixel, uA.
    pub signal_ua: f64,
    /// Worst-case crosstalk photocurrent at its pixel from every other live emitter, uA.
    pub crosstalk_ua: f64,
    /// Receiver noise, uA rms.
    pub noise_ua: f64,
    /// Fraction of its emitter's power its pixel collects through the spot (no scatter).
    pub geometric_coupling: f64,
    /// Q factor `(signal - crosstalk) / (2 sigma)` ([`q_factor`]).
    pub q: f64,
    /// Bit error rate, `0.5 erfc(q / sqrt2)`; 0.5 for a dead channel.
    pub ber: f64,
    /// Its delay, ns.
    pub delay_ns: f64,
}

impl ChannelReport {
    /// The BER it would have with no crosstalk, `0.5 erfc(signal / (2 sigma sqrt2))`; 0.5
    /// for a dead channel.
    pub fn noise_only_ber(&self) -> f64 {
        if self.state == ChannelState::Live {
            ber_of_q(q_factor(self.signal_ua, self.noise_ua))
        } else {
            0.5
        }
    }

    /// Eye closure by crosstalk, `10 log10(signal / (signal - crosstalk))` dB: 0 with no
    /// crosstalk or for a dead channel, infinite when crosstalk closes the eye.
    pub fn penalty_db(&self) -> f64 {
        if self.state != ChannelState::Live || self.crosstalk_ua <= 0.0 {
            0.0
        } else if self.signal_ua > self.crosstalk_ua {
            10.0 * libm::log10(self.signal_ua / (self.signal_ua - self.crosstalk_ua))
        } else {
            f64::INFINITY
        }
    }

    /// Whether crosstalk closes this live channel's eye by more than [`VICTIM_PENALTY_DB`].
    pub fn is_victim(&self) -> bool {
        self.penalty_db() > VICTIM_PENALTY_DB
    }
}

/// The result of one cable through the spatial model: what the bit-level channel consumes,
/// and the per-channel detail behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialRun {
    /// The cable's seed.
    pub seed: u64,
    lanes: u32,
    spares: u32,
    max_skew_bits: u32,
    /// Receiver noise, uA rms.
    pub noise_ua: f64,
    /// RX port `j` receives channel `source_of_port[j]` (a bijection of `0..P`).
    pub source_of_port: Vec<u32>,
    /// Skew of each channel in bits, relative to the earliest channel.
    pub skew_bits: Vec<u32>,
    /// BER of each channel for the channel model (0 for dead channels, which deliver
    /// zeros).
    pub ber_per_channel: Vec<f64>,
    /// Dead channels, ascending.
    pub dead: Vec<u32>,
    /// Per channel detail, by channel.
    pub channels: Vec<ChannelReport>,
}

/// Why the link does not come up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkDown {
    /// Fewer usable channels than lanes.
    #[error(
        "{unusable} unusable channels ({dead} dead, {over} over the BER limit) but only {spares} spares"
    )]
    TooFewChannels {
        /// Channels dead or over the BER limit.
        unusable: u32,
        /// Of which dead.
        dead: u32,
        /// Of which live but over the BER limit.
        over: u32,
        /// Spares S.
        spares: u32,
    },
    /// The lanes' skew spread is more than the receiver absorbs.
    #[error("skew spread of the lanes {spread_bits} bits, more than max_skew_bits = {max_skew_bits}")]
    Skew {
        /// Largest less smallest skew over the channels carrying lanes, bits.
        spread_bits: u32,
        /// The receiver's capacity.
        max_skew_bits: u32,
    },
}

/// Whether a [`SpatialRun`] gives a working link, decided without the bit-level datapath.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Channels dead or with a BER above the limit, ascending.
    pub unusable: Vec<u32>,
    /// Channels usable: P less `unusable`.
    pub usable: u32,
    /// The lane map repaired around `unusable` (identity order, lanes moved to spares), if
    /// the lanes fit.
    pub map: Option<LaneMap>,
    /// Lanes moved onto spares.
    pub spares_used: u32,
    /// Largest less smallest skew over the channels carrying lanes, bits (0 when the lanes
    /// do not fit).
    pub skew_spread_bits: u32,
    /// Worst BER over the channels carrying lanes (over the usable channels when the lanes
    /// do not fit).
    pub worst_ber: f64,
    /// Median BER over the same channels.
    pub median_ber: f64,
    /// Why the link does not come up; `None` when it does.
    pub down: Option<LinkDown>,
}

impl Assessment {
    /// Whether the link comes up.
    pub fn up(&self) -> bool {
        self.down.is_none()
    }
}

impl SpatialRun {
    /// The channel-model faults of this run: skew, permutation, per-channel BER and dead
    /// channels; nothing else.
    pub fn faults(&self) -> ChannelFaults {
        ChannelFaults {
            skew_bits: self.skew_bits.clone(),
            source_of_port: self.source_of_port.clone(),
            ber_per_channel: self.ber_per_channel.clone(),
            dead: self.dead.clone(),
            ..Default::default()
        }
    }

    /// The seed for the bit-level channel model of this run: `seed ^ CHANNEL_SEED_XOR`.
    pub fn channel_seed(&self) -> u64 {
        self.seed ^ CHANNEL_SEED_XOR
    }

    /// Physical channels P.
    pub fn channels(&self) -> u32 {
        self.channels.len() as u32
    }

    /// Channels that are dead or whose BER is above `ber_limit`, ascending.
    pub fn unusable(&self, ber_limit: f64) -> Vec<u32> {
        (0..self.channels())
            .filter(|&c| {
                let r = &self.channels[c as usize];
                r.state != ChannelState::Live || r.ber.is_nan() || r.ber > ber_limit
            })
            .collect()
    }

    /// Decides whether the link comes up, as link management would: channels dead or over
    /// `ber_limit` are marked failed and their lanes repaired onto spares
    /// ([`LaneMap::repair`] from the identity map); the link is up when the lanes fit and the
    /// skew spread of the channels carrying them is at most the receiver's `max_skew_bits`.
    pub fn assess(&self, ber_limit: f64) -> Assessment {
        let unusable = self.unusable(ber_limit);
        let usable = self.channels() - unusable.len() as u32;
        let mut map = LaneMap::identity(self.lanes, self.spares);
        let (map, spares_used, in_use): (Option<LaneMap>, u32, Vec<u32>) = match map.repair(&unusable) {
            Ok(repair) => {
                let in_use = map.assignment().to_vec();
                (Some(map), repair.moves.len() as u32, in_use)
            }
            Err(_) => {
                (None, 0, (0..self.channels()).filter(|c| unusable.binary_search(c).is_err()).collect())
            }
        };
        let mut bers: Vec<f64> = in_use.iter().map(|&c| self.channels[c as usize].ber).collect();
        let (worst_ber, median_ber) = if bers.is_empty() {
            (f64::NAN, f64::NAN)
        } else {
            let mid = bers.len() / 2;
            let (_, median, _) = bers.select_nth_unstable_by(mid, f64::total_cmp);
            let median = *median;
            (bers.iter().copied().fold(0.0, f64::max), median)
        };
        let down;
        let mut skew_spread_bits = 0;
        if map.is_none() {
            let dead = self.dead.len() as u32;
            down = Some(LinkDown::TooFewChannels {
                unusable: unusable.len() as u32,
                dead,
                over: unusable.len() as u32 - dead,
                spares: self.spares,
            });
        } else {
            let skews = in_use.iter().map(|&c| self.skew_bits[c as usize]);
            let lo = skews.clone().min().unwrap_or(0);
            let hi = skews.max().unwrap_or(0);
            skew_spread_bits = hi - lo;
            down = (skew_spread_bits > self.max_skew_bits).then_some(LinkDown::Skew {
                spread_bits: skew_spread_bits,
                max_skew_bits: self.max_skew_bits,
            });
        }
        Assessment { unusable, usable, map, spares_used, skew_spread_bits, worst_ber, median_ber, down }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LinkParams;

    fn cfg(lanes: u32, spares: u32) -> LinkConfig {
        LinkConfig::new(LinkParams { lanes, spares, ..Default::default() }).unwrap()
    }

    #[test]
    fn default_geometry_is_valid_and_identity() {
        let m = SpatialModel::new(&cfg(400, 16), &SpatialParams::default()).unwrap();
        assert_eq!((m.cols(), m.rows()), (21, 20));
        assert_eq!(m.source_of_port(), (0..416).collect::<Vec<u32>>());
        assert!((0..416).all(|c| !m.is_unreached(c)));
        assert_eq!(m.cores_xy().count(), 30_000);
        // A radius of about 300 um: the 600 um image circle of a 30k-element fibre.
        assert!((m.image_radius_um() - 300.0).abs() < 5.0, "{}", m.image_radius_um());
    }

    #[test]
    fn nominal_link_has_margin() {
        let p = SpatialParams::default();
        let m = SpatialModel::new(&cfg(400, 16), &p).unwrap();
        let run = m.evaluate(&Cable::nominal(416, p.emitter_oma_uw));
        let worst = run.channels.iter().map(|r| r.ber).fold(0.0, f64::max);
        assert!(worst < 1e-15, "worst nominal BER {worst:e}");
        let a = run.assess(p.ber_limit);
        assert!(a.up());
        assert_eq!(a.spares_used, 0);
    }

    #[test]
    fn gauss_on_square_integrates_to_one() {
        assert!((gauss_on_square(0.0, 0.0, 100.0, 3.0) - 1.0).abs() < 1e-15);
        // Half the spot on a half plane.
        assert!((gauss_interval(0.0, 1e9, 2.0) - 0.5).abs() < 1e-15);
        assert!(gauss_on_square(50.0, 0.0, 1.0, 3.0) < 1e-100);
    }

    #[test]
    fn lattice_is_ordered_and_counted() {
        let l = CoreLattice::new(7, 1.0);
        assert_eq!(l.cores.len(), 7);
        assert_eq!(l.cores[0], (0, 0));
        assert!(l.is_core(1, 0) && l.is_core(-1, 1) && !l.is_core(1, 1));
        let mut near = 0;
        l.for_each_near([0.0, 0.0], 1.01, |_| near += 1);
        assert_eq!(near, 7);
    }

    #[test]
    fn ber_of_q_matches_known_values() {
        assert!((ber_of_q(7.034) / 1e-12 - 1.0).abs() < 0.01);
        assert_eq!(ber_of_q(0.0), 0.5);
        assert_eq!(ber_of_q(f64::NAN), 0.5);
        assert_eq!(ber_of_q(f64::INFINITY), 0.0);
    }

    #[test]
    fn errors_name_the_parameter() {
        let c = cfg(400, 16);
        let e = |f: fn(&mut SpatialParams)| {
            let mut p = SpatialParams::default();
            f(&mut p);
            SpatialModel::new(&c, &p).unwrap_err()
        };
        assert_eq!(e(|p| p.emitter_fail_rate = -0.1).field, "emitter_fail_rate");
        assert_eq!(e(|p| p.pitch_um = 0.0).field, "pitch_um");
        assert_eq!(e(|p| p.cores = 100).field, "cores");
        assert!(e(|p| p.cores = 100).to_string().contains("fewer cores than the 416 channels"));
        assert!(e(|p| p.cores = 5000).to_string().contains("image circle"));
        let grid = e(|p| {
            p.cols = 10;
            p.rows = 10
        });
        assert_eq!(grid.field, "rows");
        assert!(grid.to_string().contains("fewer than the 416 channels"), "{grid}");
        assert_eq!(e(|p| p.core_diameter_um = 3.3).field, "core_diameter_um");
        assert_eq!(e(|p| p.noise_pa_rthz = f64::NAN).field, "noise_pa_rthz");
    }

    #[test]
    fn draws_depend_on_channel_index_not_count() {
        let p = SpatialParams { emitter_fail_rate: 0.3, ..Default::default() };
        let a = SpatialModel::new(&cfg(100, 4), &p).unwrap().draw(9);
        let b = SpatialModel::new(&cfg(200, 4), &p).unwrap().draw(9);
        assert_eq!(a.emitter_failed[..], b.emitter_failed[..104]);
        assert_eq!(a.power_uw[..], b.power_uw[..104]);
        assert_eq!(a.delay_ns[..], b.delay_ns[..104]);
    }
}
