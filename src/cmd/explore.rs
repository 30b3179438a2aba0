//! `tessera explore`: sweep one or two parameters of a link over many cables (seeds) and
//! print, per point, how often the link comes up and how well (`docs/channel.md`,
//! section "Exploring").
//!
//! Each seed is one cable: the spatial model ([`tessera_model::spatial`]) draws its failed
//! emitters and pixels, power spread and skew, and [`SpatialRun::assess`] decides whether
//! the link comes up (the lanes fit on the usable channels after lane repair, and the skew
//! fits the receiver). That decision needs no bit-level run, so a point of 100 000 cables
//! takes seconds. `--datapath K` also runs the bit-level datapath (TX -> channel -> RX) for
//! the first K cables of each point and reports whether it agrees.
//!
//! The shared flags of the link and the spatial channel ([`SpatialArgs`]) are also those of
//! `tessera report`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use tessera_model::block::BLOCK_BITS;
use tessera_model::link::Link;
use tessera_model::spatial::{SpatialModel, SpatialParams, SpatialRun};
use tessera_model::{LaneMap, LinkConfig, LinkParams};

/// The link and spatial-channel flags shared by `tessera explore` and `tessera report`.
/// Every spatial flag is the [`SpatialParams`] field of the same name.
#[derive(clap::Args, Debug, Clone)]
pub struct SpatialArgs {
    /// Data lanes N.
    #[arg(long, default_value_t = LinkParams::default().lanes)]
    pub lanes: u32,
    /// Spare channels S.
    #[arg(long, default_value_t = LinkParams::default().spares)]
    pub spares: u32,
    /// Blocks per alignment-marker period (sets the goodput's marker overhead).
    #[arg(long, default_value_t = LinkParams::default().am_period)]
    pub am_period: u32,
    /// Largest lane-to-lane skew the receiver absorbs, bits.
    #[arg(long, default_value_t = LinkParams::default().max_skew_bits)]
    pub max_skew_bits: u32,
    /// Grid columns of the emitter and pixel arrays (0: about square).
    #[arg(long, default_value_t = SpatialParams::default().cols)]
    pub cols: u32,
    /// Grid rows (0: as many as the channels need).
    #[arg(long, default_value_t = SpatialParams::default().rows)]
    pub rows: u32,
    /// Emitter and pixel pitch at the fibre face, um.
    #[arg(long, default_value_t = SpatialParams::default().pitch_um, allow_negative_numbers = true)]
    pub pitch_um: f64,
    /// Side of a pixel's photosensitive square, as a fraction of the pitch.
    #[arg(long, default_value_t = SpatialParams::default().pixel_fill, allow_negative_numbers = true)]
    pub pixel_fill: f64,
    /// Cores of the imaging fibre (hexagonal grid).
    #[arg(long, default_value_t = SpatialParams::default().cores)]
    pub cores: u32,
    /// Core pitch, um.
    #[arg(long, default_value_t = SpatialParams::default().core_pitch_um, allow_negative_numbers = true)]
    pub core_pitch_um: f64,
    /// Core diameter, um.
    #[arg(long, default_value_t = SpatialParams::default().core_diameter_um, allow_negative_numbers = true)]
    pub core_diameter_um: f64,
    /// Loss of the fibre and its end faces, dB.
    #[arg(long, default_value_t = SpatialParams::default().fibre_loss_db, allow_negative_numbers = true)]
    pub fibre_loss_db: f64,
    /// 1/e² radius of an emitter's spot on the fibre face, um.
    #[arg(long, default_value_t = SpatialParams::default().spot_um, allow_negative_numbers = true)]
    pub spot_um: f64,
    /// 1/e² radius of one core's light on the detector, um.
    #[arg(long, default_value_t = SpatialParams::default().rx_blur_um, allow_negative_numbers = true)]
    pub rx_blur_um: f64,
    /// Emitter array offset, x, um.
    #[arg(long, default_value_t = SpatialParams::default().tx_dx_um, allow_negative_numbers = true)]
    pub tx_dx_um: f64,
    /// Emitter array offset, y, um.
    #[arg(long, default_value_t = SpatialParams::default().tx_dy_um, allow_negative_numbers = true)]
    pub tx_dy_um: f64,
    /// Emitter array rotation, degrees.
    #[arg(long, default_value_t = SpatialParams::default().tx_rot_deg, allow_negative_numbers = true)]
    pub tx_rot_deg: f64,
    /// Detector array offset, x, um.
    #[arg(long, default_value_t = SpatialParams::default().rx_dx_um, allow_negative_numbers = true)]
    pub rx_dx_um: f64,
    /// Detector array offset, y, um.
    #[arg(long, default_value_t = SpatialParams::default().rx_dy_um, allow_negative_numbers = true)]
    pub rx_dy_um: f64,
    /// Detector array rotation, degrees.
    #[arg(long, default_value_t = SpatialParams::default().rx_rot_deg, allow_negative_numbers = true)]
    pub rx_rot_deg: f64,
    /// Crosstalk coupling coefficient at one pitch (0: none; 1e-3 is -30 dB).
    #[arg(long, default_value_t = SpatialParams::default().crosstalk, allow_negative_numbers = true)]
    pub crosstalk: f64,
    /// Distance over which crosstalk falls by 1/e, pitches.
    #[arg(long, default_value_t = SpatialParams::default().crosstalk_decay, allow_negative_numbers = true)]
    pub crosstalk_decay: f64,
    /// Distance beyond which crosstalk is zero, pitches.
    #[arg(long, default_value_t = SpatialParams::default().crosstalk_reach, allow_negative_numbers = true)]
    pub crosstalk_reach: f64,
    /// Optical modulation amplitude of a nominal emitter, uW.
    #[arg(long, default_value_t = SpatialParams::default().emitter_oma_uw, allow_negative_numbers = true)]
    pub emitter_oma_uw: f64,
    /// Spread (standard deviation) of emitter power, dB.
    #[arg(long, default_value_t = SpatialParams::default().power_sigma_db, allow_negative_numbers = true)]
    pub power_sigma_db: f64,
    /// Photodiode responsivity, A/W.
    #[arg(long, default_value_t = SpatialParams::default().responsivity_a_w, allow_negative_numbers = true)]
    pub responsivity_a_w: f64,
    /// Receiver input noise density, pA/sqrt(Hz).
    #[arg(long, default_value_t = SpatialParams::default().noise_pa_rthz, allow_negative_numbers = true)]
    pub noise_pa_rthz: f64,
    /// Line rate per channel, Gb/s.
    #[arg(long, default_value_t = SpatialParams::default().rate_gbps, allow_negative_numbers = true)]
    pub rate_gbps: f64,
    /// Largest BER at which a channel is used.
    #[arg(long, default_value_t = SpatialParams::default().ber_limit, allow_negative_numbers = true)]
    pub ber_limit: f64,
    /// Probability that an emitter is dead.
    #[arg(long, default_value_t = SpatialParams::default().emitter_fail_rate, allow_negative_numbers = true)]
    pub emitter_fail_rate: f64,
    /// Probability that a pixel is dead.
    #[arg(long, default_value_t = SpatialParams::default().pixel_fail_rate, allow_negative_numbers = true)]
    pub pixel_fail_rate: f64,
    /// Standard deviation of a channel's delay, ns.
    #[arg(long, default_value_t = SpatialParams::default().skew_sigma_ns, allow_negative_numbers = true)]
    pub skew_sigma_ns: f64,
}

/// One point of the parameter space: the link and the spatial channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The link (seed unused: every cable has its own).
    pub link: LinkParams,
    /// The spatial channel.
    pub spatial: SpatialParams,
}

/// Sweepable names: (name on the command line, aliases, integer?).
const PARAMS: &[(&str, &[&str], bool)] = &[
    ("lanes", &[], true),
    ("spares", &[], true),
    ("am-period", &[], true),
    ("max-skew-bits", &[], true),
    ("cols", &[], true),
    ("rows", &[], true),
    ("pitch-um", &["pitch"], false),
    ("pixel-fill", &[], false),
    ("cores", &[], true),
    ("core-pitch-um", &[], false),
    ("core-diameter-um", &[], false),
    ("fibre-loss-db", &[], false),
    ("spot-um", &[], false),
    ("rx-blur-um", &[], false),
    ("tx-dx-um", &[], false),
    ("tx-dy-um", &[], false),
    ("tx-rot-deg", &[], false),
    ("rx-dx-um", &["misalign", "misalignment"], false),
    ("rx-dy-um", &[], false),
    ("rx-rot-deg", &[], false),
    ("crosstalk", &[], false),
    ("crosstalk-decay", &[], false),
    ("crosstalk-reach", &[], false),
    ("emitter-oma-uw", &["power"], false),
    ("power-sigma-db", &[], false),
    ("responsivity-a-w", &[], false),
    ("noise-pa-rthz", &["noise"], false),
    ("rate-gbps", &["rate"], false),
    ("ber-limit", &[], false),
    ("emitter-fail-rate", &["emitter-fail"], false),
    ("pixel-fail-rate", &["pixel-fail"], false),
    ("skew-sigma-ns", &["skew"], false),
];

impl SpatialArgs {
    /// The point these flags describe.
    pub fn point(&self) -> Point {
        Point {
            link: LinkParams {
                lanes: self.lanes,
                spares: self.spares,
                am_period: self.am_period,
                max_skew_bits: self.max_skew_bits,
                ..LinkParams::default()
            },
            spatial: SpatialParams {
                cols: self.cols,
                rows: self.rows,
                pitch_um: self.pitch_um,
                pixel_fill: self.pixel_fill,
                cores: self.cores,
                core_pitch_um: self.core_pitch_um,
                core_diameter_um: self.core_diameter_um,
                fibre_loss_db: self.fibre_loss_db,
                spot_um: self.spot_um,
                rx_blur_um: self.rx_blur_um,
                tx_dx_um: self.tx_dx_um,
                tx_dy_um: self.tx_dy_um,
                tx_rot_deg: self.tx_rot_deg,
                rx_dx_um: self.rx_dx_um,
                rx_dy_um: self.rx_dy_um,
                rx_rot_deg: self.rx_rot_deg,
                crosstalk: self.crosstalk,
                crosstalk_decay: self.crosstalk_decay,
                crosstalk_reach: self.crosstalk_reach,
                emitter_oma_uw: self.emitter_oma_uw,
                power_sigma_db: self.power_sigma_db,
                responsivity_a_w: self.responsivity_a_w,
                noise_pa_rthz: self.noise_pa_rthz,
                rate_gbps: self.rate_gbps,
                ber_limit: self.ber_limit,
                emitter_fail_rate: self.emitter_fail_rate,
                pixel_fail_rate: self.pixel_fail_rate,
                skew_sigma_ns: self.skew_sigma_ns,
            },
        }
    }
}

impl Point {
    /// The canonical name of a sweepable parameter (aliases resolved), and whether it is an
    /// integer.
    pub fn resolve(name: &str) -> anyhow::Result<(&'static str, bool)> {
        for &(canon, aliases, int) in PARAMS {
            if canon == name || aliases.contains(&name) || canon.replace('-', "_") == name {
                return Ok((canon, int));
            }
        }
        let names: Vec<&str> = PARAMS.iter().map(|p| p.0).collect();
        bail!("unknown parameter {name:?}: one of {}", names.join(", "))
    }

    /// Sets the parameter `name` (canonical or alias) to `value`.
    pub fn set(&mut self, name: &str, value: f64) -> anyhow::Result<()> {
        let (canon, int) = Self::resolve(name)?;
        let as_u32 = || -> anyhow::Result<u32> {
            if value.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&value) {
                bail!("{canon} = {value}: must be a whole number from 0 to {}", u32::MAX);
            }
            Ok(value as u32)
        };
        let _ = int;
        let (l, s) = (&mut self.link, &mut self.spatial);
        match canon {
            "lanes" => l.lanes = as_u32()?,
            "spares" => l.spares = as_u32()?,
            "am-period" => l.am_period = as_u32()?,
            "max-skew-bits" => l.max_skew_bits = as_u32()?,
            "cols" => s.cols = as_u32()?,
            "rows" => s.rows = as_u32()?,
            "cores" => s.cores = as_u32()?,
            "pitch-um" => s.pitch_um = value,
            "pixel-fill" => s.pixel_fill = value,
            "core-pitch-um" => s.core_pitch_um = value,
            "core-diameter-um" => s.core_diameter_um = value,
            "fibre-loss-db" => s.fibre_loss_db = value,
            "spot-um" => s.spot_um = value,
            "rx-blur-um" => s.rx_blur_um = value,
            "tx-dx-um" => s.tx_dx_um = value,
            "tx-dy-um" => s.tx_dy_um = value,
            "tx-rot-deg" => s.tx_rot_deg = value,
            "rx-dx-um" => s.rx_dx_um = value,
            "rx-dy-um" => s.rx_dy_um = value,
            "rx-rot-deg" => s.rx_rot_deg = value,
            "crosstalk" => s.crosstalk = value,
            "crosstalk-decay" => s.crosstalk_decay = value,
            "crosstalk-reach" => s.crosstalk_reach = value,
            "emitter-oma-uw" => s.emitter_oma_uw = value,
            "power-sigma-db" => s.power_sigma_db = value,
            "responsivity-a-w" => s.responsivity_a_w = value,
            "noise-pa-rthz" => s.noise_pa_rthz = value,
            "rate-gbps" => s.rate_gbps = value,
            "ber-limit" => s.ber_limit = value,
            "emitter-fail-rate" => s.emitter_fail_rate = value,
            "pixel-fail-rate" => s.pixel_fail_rate = value,
            "skew-sigma-ns" => s.skew_sigma_ns = value,
            _ => unreachable!("every name of PARAMS is handled"),
        }
        Ok(())
    }

    /// The checked link configuration and spatial model of this point.
    pub fn build(&self, seed: u64) -> anyhow::Result<(LinkConfig, SpatialModel)> {
        let cfg = LinkConfig::new(LinkParams { seed, ..self.link })?;
        let model = SpatialModel::new(&cfg, &self.spatial)?;
        Ok((cfg, model))
    }

    /// Payload goodput of an up link, Gb/s: `N * rate * 64/66 * (1 - 1/am_period)`.
    pub fn goodput_gbps(&self) -> f64 {
        f64::from(self.link.lanes) * self.spatial.rate_gbps * 64.0 / f64::from(BLOCK_BITS)
            * (1.0 - 1.0 / f64::from(self.link.am_period.max(1)))
    }
}

/// One swept parameter: its canonical name and values.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// Canonical parameter name.
    pub name: &'static str,
    /// The values, in order.
    pub values: Vec<f64>,
}

impl std::str::FromStr for Sweep {
    type Err = anyhow::Error;

    /// `NAME=V1,V2,...`, `NAME=FROM:TO:STEP` (linear, inclusive) or `NAME=FROM:TO*FACTOR`
    /// (geometric, inclusive).
    fn from_str(s: &str) -> anyhow::Result<Sweep> {
        let (name, spec) = s
            .split_once('=')
            .with_context(|| format!("--sweep {s:?}: expected NAME=VALUES, e.g. spares=0:12:2"))?;
        let (name, int) = Point::resolve(name.trim())?;
        let num = |t: &str| -> anyhow::Result<f64> {
            t.trim().parse::<f64>().with_context(|| format!("--sweep {name}: {t:?} is not a number"))
        };
        let mut values = Vec::new();
        if let Some((range, factor)) = spec.split_once('*') {
            let (from, to) =
                range.split_once(':').with_context(|| format!("--sweep {name}: FROM:TO*FACTOR expected"))?;
            let (from, to, factor) = (num(from)?, num(to)?, num(factor)?);
            if !(from > 0.0 && to >= from && factor > 1.0) {
                bail!("--sweep {name}={spec}: a geometric sweep needs 0 < FROM <= TO and FACTOR > 1");
            }
            let mut v = from;
            while v <= to * (1.0 + 1e-9) {
                values.push(v);
                v *= factor;
            }
        } else if spec.contains(':') {
            let parts: Vec<&str> = spec.split(':').collect();
            if parts.len() != 3 {
                bail!("--sweep {name}={spec}: FROM:TO:STEP expected");
            }
            let (from, to, step) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
            if !(step > 0.0 && to >= from) {
                bail!("--sweep {name}={spec}: a linear sweep needs TO >= FROM and STEP > 0");
            }
            let n = ((to - from) / step + 1e-9).floor() as u64;
            if n > 10_000 {
                bail!("--sweep {name}={spec}: {n} points, more than 10000");
            }
            values.extend((0..=n).map(|i| from + step * i as f64));
        } else {
            for t in spec.split(',') {
                values.push(num(t)?);
            }
        }
        if values.is_empty() {
            bail!("--sweep {name}={spec}: no values");
        }
        if int {
            if let Some(v) = values.iter().find(|v| v.fract() != 0.0 || **v < 0.0) {
                bail!("--sweep {name}: {v} is not a whole number, and {name} counts something");
            }
        }
        Ok(Sweep { name, values })
    }
}

/// Arguments of `tessera explore`.
#[derive(clap::Args, Debug)]
pub struct ExploreArgs {
    /// The link and spatial channel at every point (a swept parameter overrides its flag).
    #[command(flatten)]
    pub base: SpatialArgs,
    /// A parameter to sweep, NAME=V1,V2,..., NAME=FROM:TO:STEP or NAME=FROM:TO*FACTOR; at
    /// most two. Names are the flags' (lanes, spares, rate-gbps, rx-dx-um, crosstalk,
    /// emitter-fail-rate, ...) or the aliases rate, misalign, emitter-fail, pixel-fail,
    /// noise, power, skew, pitch.
    #[arg(long, value_name = "NAME=VALUES")]
    pub sweep: Vec<Sweep>,
    /// Cables (seeds) per point.
    #[arg(long, default_value_t = 10_000)]
    pub seeds: u64,
    /// First seed: point cables are seeds SEED, SEED+1, ...; a fresh one is drawn and
    /// printed when not given.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Also write the table as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also run the bit-level datapath (TX -> channel -> RX) for the first K cables of each
    /// point, and report whether it agrees with the fast decision.
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub datapath: u64,
    /// Marker period of the bit-level runs (small: bring-up takes about 4 periods).
    #[arg(long, default_value_t = 64)]
    pub datapath_am_period: u32,
    /// Stripes each bit-level run sends once up.
    #[arg(long, default_value_t = 200)]
    pub datapath_stripes: u64,
}

/// Most cables per point (each keeps a few numbers until the point is summarized).
const MAX_SEEDS: u64 = 50_000_000;

/// What one cable gave.
#[derive(Debug, Clone, Copy)]
struct CableResult {
    up: bool,
    too_few: bool,
    usable: u32,
    spares_used: u32,
    worst_ber: f64,
    median_ber: f64,
}

/// The summary of one point over its cables.
#[derive(Debug, Clone, Default)]
pub struct PointSummary {
    /// Values of the swept parameters.
    pub values: Vec<f64>,
    /// Cables.
    pub seeds: u64,
    /// Mean usable channels.
    pub usable_mean: f64,
    /// Fewest usable channels.
    pub usable_min: u32,
    /// Mean lanes moved to spares (cables that came up).
    pub spares_used_mean: f64,
    /// Most lanes moved to spares (cables that came up).
    pub spares_used_max: u32,
    /// Cables whose link came up.
    pub up: u64,
    /// Cables down for want of usable channels.
    pub down_channels: u64,
    /// Cables down because of skew.
    pub down_skew: u64,
    /// Worst lane BER over the cables that came up.
    pub worst_ber: f64,
    /// Median over the cables that came up of their median lane BER.
    pub median_ber: f64,
    /// Mean payload goodput, Gb/s (0 for a cable that does not come up).
    pub goodput_gbps: f64,
    /// The first few cables that did not come up.
    pub failing_seeds: Vec<u64>,
    /// Bit-level runs: (run, came up and delivered every stripe, agreed with the fast
    /// decision).
    pub datapath: Option<(u64, u64, u64)>,
}

impl PointSummary {
    /// Fraction of cables that came up.
    pub fn up_fraction(&self) -> f64 {
        self.up as f64 / self.seeds.max(1) as f64
    }
    /// One-sided 95 % lower confidence bound of the up fraction (Wilson score).
    pub fn up_lower95(&self) -> f64 {
        wilson_lower(self.up, self.seeds, 1.645)
    }
}

/// Wilson score lower bound of a binomial proportion `k / n` at `z` standard deviations.
pub fn wilson_lower(k: u64, n: u64, z: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half) / (1.0 + z2 / n)).max(0.0)
}

/// Runs every cable of one point (in parallel) and summarizes them.
pub fn run_point(
    point: &Point,
    values: Vec<f64>,
    first_seed: u64,
    seeds: u64,
    bar: &ProgressBar,
) -> anyhow::Result<PointSummary> {
    let (_, model) = point.build(first_seed)?;
    let limit = point.spatial.ber_limit;
    const CHUNK: u64 = 512;
    let results: Vec<CableResult> = (0..seeds.div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|k| {
            let lo = k * CHUNK;
            let hi = (lo + CHUNK).min(seeds);
            let out: Vec<CableResult> = (lo..hi)
                .map(|i| {
                    let a = model.run(first_seed.wrapping_add(i)).assess(limit);
                    CableResult {
                        up: a.up(),
                        too_few: a.map.is_none(),
                        usable: a.usable,
                        spares_used: a.spares_used,
                        worst_ber: a.worst_ber,
                        median_ber: a.median_ber,
                    }
                })
                .collect();
            bar.inc(hi - lo);
            out
        })
        .collect();
    let mut s = PointSummary { values, seeds, usable_min: u32::MAX, ..Default::default() };
    let mut medians = Vec::new();
    let mut usable_sum = 0.0;
    let mut spares_sum = 0.0;
    for (i, r) in results.iter().enumerate() {
        usable_sum += f64::from(r.usable);
        s.usable_min = s.usable_min.min(r.usable);
        if r.up {
            s.up += 1;
            spares_sum += f64::from(r.spares_used);
            s.spares_used_max = s.spares_used_max.max(r.spares_used);
            s.worst_ber = s.worst_ber.max(r.worst_ber);
            medians.push(r.median_ber);
        } else {
            if r.too_few {
                s.down_channels += 1;
            } else {
                s.down_skew += 1;
            }
            if s.failing_seeds.len() < 3 {
                s.failing_seeds.push(first_seed.wrapping_add(i as u64));
            }
        }
    }
    s.usable_mean = usable_sum / seeds.max(1) as f64;
    s.spares_used_mean = if s.up > 0 { spares_sum / s.up as f64 } else { f64::NAN };
    if s.up == 0 {
        s.worst_ber = f64::NAN;
    }
    s.median_ber = if medians.is_empty() {
        f64::NAN
    } else {
        let mid = medians.len() / 2;
        *medians.select_nth_unstable_by(mid, f64::total_cmp).1
    };
    s.goodput_gbps = point.goodput_gbps() * s.up_fraction();
    Ok(s)
}

/// Runs the bit-level datapath for one cable: the repaired lane map, the run's channel
/// faults, bring-up, `stripes` stripes; true when the link came up and every stripe came
/// back intact.
pub fn datapath_up(
    point: &Point,
    run: &SpatialRun,
    map: Option<&LaneMap>,
    am_period: u32,
    stripes: u64,
) -> anyhow::Result<bool> {
    let Some(map) = map else { return Ok(false) };
    let max_skew_bits = point.link.max_skew_bits.min(am_period * BLOCK_BITS / 2 - 1);
    let cfg =
        LinkConfig::new(LinkParams { am_period, max_skew_bits, ser_w: 66, seed: run.seed, ..point.link })
            .context("the datapath's configuration (--datapath-am-period)")?;
    let mut link = Link::new(&cfg, map.clone(), run.faults(), run.channel_seed())?;
    link.channel.set_logging(false);
    if link.bring_up(Link::bring_up_budget(&cfg)).is_err() {
        return Ok(false);
    }
    let lanes = cfg.lanes() as usize;
    let mut rng_state = run.seed ^ 0xD1B5_4A32_D192_ED03;
    let mut next = || {
        // splitmix64: a cheap deterministic stimulus.
        rng_state = rng_state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = rng_state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let sent: Vec<u64> = (0..stripes as usize * lanes).map(|_| next()).collect();
    let mut got = Vec::new();
    link.send(&sent);
    link.flush();
    link.poll_stripes(&mut got);
    Ok(link.rx.is_aligned() && got == sent)
}

/// Formats a BER for the table.
pub fn fmt_ber(b: f64) -> String {
    if b.is_nan() {
        "-".into()
    } else if b == 0.0 {
        "0".into()
    } else {
        format!("{b:.1e}")
    }
}

/// `tessera explore`.
pub fn run(a: ExploreArgs) -> anyhow::Result<ExitCode> {
    if a.sweep.len() > 2 {
        bail!("--sweep: at most two parameters, got {}", a.sweep.len());
    }
    if a.sweep.len() == 2 && a.sweep[0].name == a.sweep[1].name {
        bail!("--sweep {}: swept twice", a.sweep[0].name);
    }
    if a.seeds == 0 || a.seeds > MAX_SEEDS {
        bail!("--seeds {}: between 1 and {MAX_SEEDS} cables per point", a.seeds);
    }
    let seed = a.seed.unwrap_or_else(rand::random);
    let base = a.base.point();

    // Every point, checked before anything runs.
    let mut points: Vec<(Point, Vec<f64>)> = vec![(base, Vec::new())];
    for sweep in &a.sweep {
        let mut next = Vec::new();
        for (p, vals) in &points {
            for &v in &sweep.values {
                let mut q = *p;
                q.set(sweep.name, v)?;
                let mut vs = vals.clone();
                vs.push(v);
                next.push((q, vs));
            }
        }
        points = next;
    }
    for (p, vals) in &points {
        p.build(seed).with_context(|| format!("at the point {}", point_label(&a.sweep, vals)))?;
    }

    println!(
        "Tessera explore: {} point{} x {} cables; seed {} (replay: --seed {})",
        points.len(),
        if points.len() == 1 { "" } else { "s" },
        a.seeds,
        seed,
        seed
    );
    println!(
        "link up = the lanes fit on the channels that are live with BER <= ber-limit (lane repair \
         onto spares) and their skew fits max-skew-bits; {} threads",
        rayon::current_num_threads()
    );

    let total = a.seeds * points.len() as u64;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} cables {per_sec} eta {eta}")
            .expect("valid template"),
    );
    let t0 = Instant::now();
    let mut summaries = Vec::new();
    for (p, vals) in &points {
        let mut s = run_point(p, vals.clone(), seed, a.seeds, &bar)?;
        if a.datapath > 0 {
            let (_, model) = p.build(seed)?;
            let k = a.datapath.min(a.seeds);
            let outcomes: Vec<anyhow::Result<(bool, bool)>> = (0..k)
                .into_par_iter()
                .map(|i| {
                    let run = model.run(seed.wrapping_add(i));
                    let assess = run.assess(p.spatial.ber_limit);
                    let up =
                        datapath_up(p, &run, assess.map.as_ref(), a.datapath_am_period, a.datapath_stripes)?;
                    Ok((up, up == assess.up()))
                })
                .collect();
            let mut ups = 0;
            let mut agree = 0;
            for o in outcomes {
                let (up, ag) = o?;
                ups += u64::from(up);
                agree += u64::from(ag);
            }
            s.datapath = Some((k, ups, agree));
        }
        summaries.push(s);
    }
    bar.finish_and_clear();
    let elapsed = t0.elapsed().as_secs_f64();

    print_table(&a, &summaries);
    println!("{} cables in {:.1} s ({:.0} cables/s)", total, elapsed, total as f64 / elapsed.max(1e-9));
    let fails: Vec<String> = summaries
        .iter()
        .filter(|s| !s.failing_seeds.is_empty())
        .take(3)
        .map(|s| {
            let sets: Vec<String> =
                a.sweep.iter().zip(&s.values).map(|(sw, v)| format!(" --{} {}", sw.name, v)).collect();
            format!("tessera report --seed {}{} --out cable.html", s.failing_seeds[0], sets.join(""))
        })
        .collect();
    if !fails.is_empty() {
        println!("to see a cable that did not come up (add the other flags you gave):");
        for f in fails {
            println!("  {f}");
        }
    }
    if let Some(path) = &a.csv {
        write_csv(path, &a, &summaries).with_context(|| format!("writing {}", path.display()))?;
        println!("CSV written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn point_label(sweeps: &[Sweep], vals: &[f64]) -> String {
    if sweeps.is_empty() {
        return "base".into();
    }
    sweeps.iter().zip(vals).map(|(s, v)| format!("{}={}", s.name, v)).collect::<Vec<_>>().join(" ")
}

fn print_table(a: &ExploreArgs, rows: &[PointSummary]) {
    let mut header: Vec<String> = a.sweep.iter().map(|s| s.name.to_string()).collect();
    header.extend(
        [
            "usable mean",
            "usable min",
            "spares used mean",
            "max",
            "link up",
            "(95% >=)",
            "worst BER",
            "median BER",
            "goodput Gb/s",
        ]
        .map(String::from),
    );
    if a.datapath > 0 {
        header.push("datapath up/agree".into());
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|s| {
            let mut r: Vec<String> = s.values.iter().map(|v| format!("{v}")).collect();
            r.push(format!("{:.2}", s.usable_mean));
            r.push(format!("{}", s.usable_min));
            r.push(if s.spares_used_mean.is_nan() {
                "-".into()
            } else {
                format!("{:.3}", s.spares_used_mean)
            });
            r.push(format!("{}", s.spares_used_max));
            r.push(format!("{} ({}/{})", fmt_percent(s.up_fraction()), s.up, s.seeds));
            r.push(fmt_percent(s.up_lower95()));
            r.push(fmt_ber(s.worst_ber));
            r.push(fmt_ber(s.median_ber));
            r.push(format!("{:.2}", s.goodput_gbps));
            if let Some((k, up, agree)) = s.datapath {
                r.push(format!("{up}/{k} agree {agree}/{k}"));
            }
            r
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| table.iter().map(|r| r[i].len()).chain([header[i].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:>w$}")).collect::<Vec<_>>().join("  ")
    };
    println!("{}", line(&header));
    for r in &table {
        println!("{}", line(r));
    }
}

/// A fraction as a percentage with enough digits to tell 99.99 % from 99.999 %.
pub fn fmt_percent(f: f64) -> String {
    if (0.999..1.0).contains(&f) {
        format!("{:.4} %", f * 100.0)
    } else {
        format!("{:.2} %", f * 100.0)
    }
}

fn write_csv(path: &std::path::Path, a: &ExploreArgs, rows: &[PointSummary]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    let mut header: Vec<String> = a.sweep.iter().map(|s| s.name.to_string()).collect();
    header.extend(
        [
            "seeds",
            "usable_mean",
            "usable_min",
            "spares_used_mean",
            "spares_used_max",
            "up",
            "up_fraction",
            "up_lower95",
            "down_channels",
            "down_skew",
            "worst_ber",
            "median_ber",
            "goodput_gbps",
            "datapath_runs",
            "datapath_up",
            "datapath_agree",
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    for s in rows {
        let mut r: Vec<String> = s.values.iter().map(|v| v.to_string()).collect();
        let (k, up, agree) = s.datapath.unwrap_or((0, 0, 0));
        r.extend([
            s.seeds.to_string(),
            s.usable_mean.to_string(),
            s.usable_min.to_string(),
            s.spares_used_mean.to_string(),
            s.spares_used_max.to_string(),
            s.up.to_string(),
            s.up_fraction().to_string(),
            s.up_lower95().to_string(),
            s.down_channels.to_string(),
            s.down_skew.to_string(),
            s.worst_ber.to_string(),
            s.median_ber.to_string(),
            s.goodput_gbps.to_string(),
            k.to_string(),
            up.to_string(),
            agree.to_string(),
        ]);
        w.write_record(&r)?;
    }
    w.flush()?;
    std::io::stdout().flush().ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_parse() {
        let s: Sweep = "spares=0:6:2".parse().unwrap();
        assert_eq!((s.name, s.values), ("spares", vec![0.0, 2.0, 4.0, 6.0]));
        let s: Sweep = "emitter-fail=1e-4:1e-2*10".parse().unwrap();
        assert_eq!(s.name, "emitter-fail-rate");
        assert_eq!(s.values.len(), 3);
        let s: Sweep = "misalign=0,5,10".parse().unwrap();
        assert_eq!((s.name, s.values), ("rx-dx-um", vec![0.0, 5.0, 10.0]));
        assert!("spares=1.5".parse::<Sweep>().unwrap_err().to_string().contains("whole number"));
        assert!("bogus=1".parse::<Sweep>().unwrap_err().to_string().contains("unknown parameter"));
    }

    #[test]
    fn wilson_bound_is_below_the_estimate() {
        let lo = wilson_lower(9999, 10_000, 1.645);
        assert!(lo < 0.9999 && lo > 0.999, "{lo}");
        assert_eq!(wilson_lower(0, 0, 1.645), 0.0);
    }
}
