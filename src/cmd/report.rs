//! `tessera report`: one link run as a single self-contained HTML page (inline SVG drawn
//! with plotters, no script, no network fetch).
//!
//! The page shows the emitter array, the fibre face (cores, emitter spots, pixels) and the
//! detector array drawn to scale, each channel coloured by its state (locked, BIP errors,
//! dead, spare in use, crosstalk victim, ...); the lane map; a skew histogram; the BER of
//! every channel; the configuration and the seed, with the command that replays the run.
//!
//! `tessera report` runs the spatial channel model for one cable (one seed), repairs the
//! lane map around the unusable channels, runs the bit-level datapath (TX -> channel ->
//! RX) and reports it. `tessera demo --report FILE` reports the demo's run through the same
//! page ([`LinkRun::from_demo`]).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use plotters::prelude::*;
use tessera_model::link::Link;
use tessera_model::rx::RxStatus;
use tessera_model::spatial::{SpatialModel, SpatialParams};
use tessera_model::{LaneMap, LinkConfig, LinkParams};

use super::explore::{fmt_ber, SpatialArgs};

/// Arguments of `tessera report`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// The link and spatial channel (the same flags as `tessera explore`).
    #[command(flatten)]
    pub link: SpatialArgs,
    /// HTML file to write.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    /// Seed of the cable (failures, power spread, skew) and of the channel's bit errors; a
    /// fresh one is drawn and printed when not given.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Stripes to send once the link is up.
    #[arg(long, default_value_t = 2000)]
    pub stripes: u64,
    /// Serial bits per channel per clock of the datapath.
    #[arg(long, default_value_t = LinkParams::default().ser_w)]
    pub ser_w: u32,
}

/// What a channel is doing, for colouring (the first that applies, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Emitter or pixel dead, or its light reaches no pixel.
    Dead,
    /// Live but its BER is over the limit: repaired out of service.
    Unusable,
    /// Carries a lane but the receiver has no block and marker lock on it.
    NotLocked,
    /// Carries a lane, locked, with BIP-8 errors.
    BipErrors,
    /// Carries a lane, locked, no BIP errors; crosstalk closes its eye by more than 1 dB.
    Victim,
    /// A spare channel carrying a lane (after repair), locked.
    SpareInUse,
    /// Carries a lane, locked, no BIP errors.
    Locked,
    /// A healthy channel carrying no lane.
    IdleSpare,
}

impl State {
    /// Every state, in legend order.
    pub const ALL: [State; 8] = [
        State::Locked,
        State::SpareInUse,
        State::Victim,
        State::BipErrors,
        State::NotLocked,
        State::Unusable,
        State::Dead,
        State::IdleSpare,
    ];
    /// Its colour.
    pub fn colour(self) -> RGBColor {
        match self {
            State::Dead => RGBColor(0x21, 0x25, 0x29),
            State::Unusable => RGBColor(0xe0, 0x31, 0x31),
            State::NotLocked => RGBColor(0x9c, 0x36, 0xb5),
            State::BipErrors => RGBColor(0xf0, 0x8c, 0x00),
            State::Victim => RGBColor(0xd6, 0x33, 0x6c),
            State::SpareInUse => RGBColor(0x1c, 0x7e, 0xd6),
            State::Locked => RGBColor(0x2f, 0x9e, 0x44),
            State::IdleSpare => RGBColor(0xad, 0xb5, 0xbd),
        }
    }
    /// Its name in the legend.
    pub fn label(self) -> &'static str {
        match self {
            State::Dead => "dead",
            State::Unusable => "BER over limit (out of service)",
            State::NotLocked => "not locked",
            State::BipErrors => "BIP errors",
            State::Victim => "crosstalk victim",
            State::SpareInUse => "spare in use",
            State::Locked => "locked",
            State::IdleSpare => "idle spare",
        }
    }
    fn css(self) -> String {
        let RGBColor(r, g, b) = self.colour();
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

/// One physical channel in the report.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelRow {
    /// Physical channel (emitter) number.
    pub channel: u32,
    /// RX port (pixel) receiving it.
    pub port: u32,
    /// The lane it carries.
    pub lane: Option<u32>,
    /// Its state.
    pub state: State,
    /// Its BER (None for a dead channel).
    pub ber: Option<f64>,
    /// The skew the channel applies, bits.
    pub skew_bits: u32,
    /// The skew the receiver measured, bits.
    pub measured_skew_bits: Option<u64>,
    /// BIP-8 errors the receiver counted.
    pub bip_errors: u64,
    /// Why it is in its state, in words.
    pub note: String,
}

/// Everything the page shows.
#[derive(Debug, Clone)]
pub struct LinkRun {
    /// Page title.
    pub title: String,
    /// The command that replays the run.
    pub replay: String,
    /// The configuration, as (name, value) rows.
    pub settings: Vec<(String, String)>,
    /// Summary lines.
    pub summary: Vec<String>,
    /// Data lanes N.
    pub lanes: u32,
    /// The geometry the arrays are drawn with.
    pub geometry: Option<SpatialModel>,
    /// A remark on the geometry (for an abstract channel drawn on the default geometry).
    pub geometry_note: Option<String>,
    /// Every channel.
    pub rows: Vec<ChannelRow>,
    /// The BER limit, drawn on the BER plot.
    pub ber_limit: Option<f64>,
    /// Lanes moved to spares: (lane, from, to).
    pub moves: Vec<(u32, u32, u32)>,
}

/// Per-channel facts the state is decided from.
struct Facts<'a> {
    lanes: u32,
    map: &'a LaneMap,
    port_of_channel: &'a [u32],
    status: Option<&'a RxStatus>,
}

impl Facts<'_> {
    fn state(&self, c: u32, dead: bool, out_of_service: bool, victim: bool) -> (State, Option<u32>) {
        if dead {
            return (State::Dead, None);
        }
        if out_of_service {
            return (State::Unusable, None);
        }
        let lane = if self.map.is_failed(c) { None } else { self.map.lane_on(c) };
        let Some(lane) = lane else { return (State::IdleSpare, None) };
        let Some(status) = self.status else {
            // The datapath was not run: the spatial model's word only.
            return (if victim { State::Victim } else { State::NotLocked }, Some(lane));
        };
        let port = Some(&status.ports[self.port_of_channel[c as usize] as usize]);
        let locked = port.is_some_and(|p| p.block_lock && p.marker_lock && p.lane == Some(lane as u16));
        let state = if !locked {
            State::NotLocked
        } else if port.is_some_and(|p| p.bip_errors > 0) {
            State::BipErrors
        } else if victim {
            State::Victim
        } else if c >= self.lanes {
            State::SpareInUse
        } else {
            State::Locked
        };
        (state, Some(lane))
    }
}

impl LinkRun {
    /// The report of a demo run (`tessera demo --report`): its abstract channel (random
    /// permutation, skew, dead channels, one BER) drawn on the default geometry.
    #[allow(clippy::too_many_arguments)]
    pub fn from_demo(
        cfg: &LinkConfig,
        map: &LaneMap,
        status: &RxStatus,
        link: &Link,
        skew_bits: &[u32],
        dead: &[u32],
        ber: f64,
        settings: Vec<(String, String)>,
        summary: Vec<String>,
        replay: String,
    ) -> LinkRun {
        let p = cfg.channels();
        let port_of_channel: Vec<u32> = (0..p).map(|c| link.channel.port_of_channel(c)).collect();
        let facts =
            Facts { lanes: cfg.lanes(), map, port_of_channel: &port_of_channel, status: Some(status) };
        let rows = (0..p)
            .map(|c| {
                let is_dead = dead.contains(&c);
                let (state, lane) = facts.state(c, is_dead, false, false);
                let port = port_of_channel[c as usize];
                let ps = &status.ports[port as usize];
                ChannelRow {
                    channel: c,
                    port,
                    lane,
                    state,
                    ber: (!is_dead).then_some(ber),
                    skew_bits: skew_bits.get(c as usize).copied().unwrap_or(0),
                    measured_skew_bits: ps.skew_bits,
                    bip_errors: ps.bip_errors,
                    note: if is_dead { "dead (demo: emitter never lights)".into() } else { String::new() },
                }
            })
            .collect();
        let geometry = SpatialParams::default()
            .fitted(p)
            .and_then(|sp| SpatialModel::new(cfg, &SpatialParams { rows: 0, cols: 0, ..sp }).ok());
        LinkRun {
            title: format!("Tessera demo: {} lanes + {} spares", cfg.lanes(), cfg.spares()),
            replay,
            settings,
            summary,
            lanes: cfg.lanes(),
            geometry,
            geometry_note: Some(
                "The demo's channel is abstract (a random core-to-pixel permutation, uniform skew, \
                 one BER): the arrays are drawn on the default geometry, site c for channel c, and \
                 each pixel in the colour of the channel it receives."
                    .into(),
            ),
            rows,
            ber_limit: None,
            moves: map_moves(cfg.lanes(), map),
        }
    }
}

/// Lanes not on their identity channel: (lane, identity channel, channel now).
fn map_moves(lanes: u32, map: &LaneMap) -> Vec<(u32, u32, u32)> {
    (0..lanes).filter(|&l| map.channel_of(l) != l).map(|l| (l, l, map.channel_of(l))).collect()
}

/// Stripes through a running link: sent, received intact, received but not as sent, lost.
#[derive(Debug, Default, Clone, Copy)]
struct StreamCount {
    sent: u64,
    intact: u64,
    corrupted: u64,
    lost: u64,
}

fn stream(link: &mut Link, stripes: u64, seed: u64) -> StreamCount {
    use rand::{RngCore, SeedableRng};
    let lanes = link.tx.config().lanes() as usize;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    let sent: Vec<u64> = (0..stripes as usize * lanes).map(|_| rng.next_u64()).collect();
    let taken = stripes;
    let mut got = Vec::new();
    link.send(&sent);
    link.flush();
    link.poll_stripes(&mut got);
    let sent: Vec<&[u64]> = sent.chunks(lanes).collect();
    let mut n = StreamCount { sent: taken, ..Default::default() };
    let mut i = 0;
    for g in got.chunks(lanes) {
        match sent[i..].iter().position(|s| *s == g) {
            Some(k) => {
                n.intact += 1;
                i += k + 1;
            }
            None => n.corrupted += 1,
        }
    }
    n.lost = n.sent - n.intact - n.corrupted.min(n.sent - n.intact);
    n
}

/// `tessera report`.
pub fn run(a: ReportArgs) -> anyhow::Result<ExitCode> {
    let seed = a.seed.unwrap_or_else(rand::random);
    let point = a.link.point();
    let params = LinkParams { seed, ser_w: a.ser_w, ..point.link };
    let cfg = LinkConfig::new(params)?;
    let model = SpatialModel::new(&cfg, &point.spatial)?;
    println!(
        "Tessera report: {} lanes + {} spares at {} Gb/s per channel; seed {} (replay: tessera report --seed {} ...)",
        cfg.lanes(),
        cfg.spares(),
        point.spatial.rate_gbps,
        seed,
        seed
    );
    let run = model.run(seed);
    let limit = point.spatial.ber_limit;
    let assess = run.assess(limit);
    let mut summary = vec![format!(
        "spatial model: {} dead, {} over the BER limit {:.0e}, {} crosstalk victims; {} usable of {} channels",
        run.dead.len(),
        assess.unusable.len() - run.dead.len(),
        limit,
        run.channels.iter().filter(|r| r.is_victim()).count(),
        assess.usable,
        cfg.channels()
    )];
    summary.push(match &assess.down {
        None => format!(
            "link management: {} lanes moved to spares; skew spread {} bits (capacity {})",
            assess.spares_used,
            assess.skew_spread_bits,
            cfg.max_skew_bits()
        ),
        Some(why) => format!("link management: the link cannot come up: {why}"),
    });

    let (map, status) = match &assess.map {
        Some(map) => {
            let t0 = Instant::now();
            let mut link = Link::new(&cfg, map.clone(), run.faults(), run.channel_seed())?;
            link.channel.set_logging(false);
            let up = link.bring_up(Link::bring_up_budget(&cfg));
            match &up {
                Ok(periods) => {
                    let n = stream(&mut link, a.stripes, seed);
                    summary.push(format!(
                        "datapath: ALIGNED after {periods} block periods; stripes sent {}, intact {}, \
                         corrupted {}, lost {} ({:.1} s)",
                        n.sent,
                        n.intact,
                        n.corrupted,
                        n.lost,
                        t0.elapsed().as_secs_f64()
                    ));
                }
                Err(e) => summary.push(format!("datapath: NOT ALIGNED: {e}")),
            }
            (map.clone(), Some(link.rx.status()))
        }
        None => {
            summary.push("datapath: not run (the lanes do not fit on the usable channels)".into());
            (LaneMap::identity(cfg.lanes(), cfg.spares()), None)
        }
    };
    for line in &summary {
        println!("{line}");
    }

    let p = cfg.channels();
    let port_of_channel: Vec<u32> = (0..p).map(|c| model.port_of_channel(c)).collect();
    let facts =
        Facts { lanes: cfg.lanes(), map: &map, port_of_channel: &port_of_channel, status: status.as_ref() };
    let rows = (0..p)
        .map(|c| {
            let r = &run.channels[c as usize];
            let dead = run.dead.binary_search(&c).is_ok();
            let out = !dead && assess.unusable.binary_search(&c).is_ok();
            let (state, lane) = facts.state(c, dead, out, r.is_victim());
            let port = port_of_channel[c as usize];
            let ps = status.as_ref().map(|s| &s.ports[port as usize]);
            let note = if dead {
                r.state.to_string()
            } else {
                format!(
                    "S {:.2} uA, X {:.3} uA, Q {:.1}, penalty {:.2} dB, {:.1} uW",
                    r.signal_ua,
                    r.crosstalk_ua,
                    r.q,
                    r.penalty_db(),
                    r.power_uw
                )
            };
            ChannelRow {
                channel: c,
                port,
                lane,
                state,
                ber: (!dead).then_some(r.ber),
                skew_bits: run.skew_bits[c as usize],
                measured_skew_bits: ps.and_then(|p| p.skew_bits),
                bip_errors: ps.map_or(0, |p| p.bip_errors),
                note,
            }
        })
        .collect();

    let mut replay = format!("tessera report --seed {seed}");
    for (name, v, d) in flag_values(&a) {
        if v != d {
            write!(replay, " --{name} {v}").ok();
        }
    }
    write!(replay, " --out {}", a.out.display()).ok();
    let mut settings = vec![("seed".to_string(), seed.to_string())];
    settings.extend(flag_values(&a).into_iter().map(|(n, v, _)| (n.to_string(), v)));
    let report = LinkRun {
        title: format!("Tessera link report: {} lanes + {} spares", cfg.lanes(), cfg.spares()),
        replay,
        settings,
        summary,
        lanes: cfg.lanes(),
        geometry: Some(model),
        geometry_note: None,
        rows,
        ber_limit: Some(limit),
        moves: map_moves(cfg.lanes(), &map),
    };
    write_html(&report, &a.out)?;
    println!("report written to {}", a.out.display());
    Ok(ExitCode::SUCCESS)
}

/// (flag, value, default value) of every link and spatial flag of `a`.
fn flag_values(a: &ReportArgs) -> Vec<(&'static str, String, String)> {
    let d = SpatialParams::default();
    let l = LinkParams::default();
    let s = a.link.point().spatial;
    let k = &a.link;
    let f = |x: f64| format!("{x}");
    vec![
        ("lanes", k.lanes.to_string(), l.lanes.to_string()),
        ("spares", k.spares.to_string(), l.spares.to_string()),
        ("am-period", k.am_period.to_string(), l.am_period.to_string()),
        ("max-skew-bits", k.max_skew_bits.to_string(), l.max_skew_bits.to_string()),
        ("ser-w", a.ser_w.to_string(), l.ser_w.to_string()),
        ("stripes", a.stripes.to_string(), "2000".into()),
        ("cols", s.cols.to_string(), d.cols.to_string()),
        ("rows", s.rows.to_string(), d.rows.to_string()),
        ("pitch-um", f(s.pitch_um), f(d.pitch_um)),
        ("pixel-fill", f(s.pixel_fill), f(d.pixel_fill)),
        ("cores", s.cores.to_string(), d.cores.to_string()),
        ("core-pitch-um", f(s.core_pitch_um), f(d.core_pitch_um)),
        ("core-diameter-um", f(s.core_diameter_um), f(d.core_diameter_um)),
        ("fibre-loss-db", f(s.fibre_loss_db), f(d.fibre_loss_db)),
        ("spot-um", f(s.spot_um), f(d.spot_um)),
        ("rx-blur-um", f(s.rx_blur_um), f(d.rx_blur_um)),
        ("tx-dx-um", f(s.tx_dx_um), f(d.tx_dx_um)),
        ("tx-dy-um", f(s.tx_dy_um), f(d.tx_dy_um)),
        ("tx-rot-deg", f(s.tx_rot_deg), f(d.tx_rot_deg)),
        ("rx-dx-um", f(s.rx_dx_um), f(d.rx_dx_um)),
        ("rx-dy-um", f(s.rx_dy_um), f(d.rx_dy_um)),
        ("rx-rot-deg", f(s.rx_rot_deg), f(d.rx_rot_deg)),
        ("crosstalk", f(s.crosstalk), f(d.crosstalk)),
        ("crosstalk-decay", f(s.crosstalk_decay), f(d.crosstalk_decay)),
        ("crosstalk-reach", f(s.crosstalk_reach), f(d.crosstalk_reach)),
        ("emitter-oma-uw", f(s.emitter_oma_uw), f(d.emitter_oma_uw)),
        ("power-sigma-db", f(s.power_sigma_db), f(d.power_sigma_db)),
        ("responsivity-a-w", f(s.responsivity_a_w), f(d.responsivity_a_w)),
        ("noise-pa-rthz", f(s.noise_pa_rthz), f(d.noise_pa_rthz)),
        ("rate-gbps", f(s.rate_gbps), f(d.rate_gbps)),
        ("ber-limit", f(s.ber_limit), f(d.ber_limit)),
        ("emitter-fail-rate", f(s.emitter_fail_rate), f(d.emitter_fail_rate)),
        ("pixel-fail-rate", f(s.pixel_fail_rate), f(d.pixel_fail_rate)),
        ("skew-sigma-ns", f(s.skew_sigma_ns), f(d.skew_sigma_ns)),
    ]
}

/// A drawing error as an anyhow error.
fn draw_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing the report: {e:?}")
}

/// Plot area geometry shared by the figures: margin and label areas, px.
const MARGIN: u32 = 8;
const LEFT: u32 = 48;
const BOTTOM: u32 = 36;

/// Ranges with the aspect ratio of a `w` x `h` figure (so that 1 um is as long in x as in
/// y), holding `[x0, x1] x [y0, y1]`, centred.
fn to_scale(w: u32, h: u32, (x0, x1): (f64, f64), (y0, y1): (f64, f64)) -> ((f64, f64), (f64, f64), f64) {
    let pw = f64::from(w - LEFT - 2 * MARGIN);
    let ph = f64::from(h - BOTTOM - 2 * MARGIN);
    let scale = (pw / (x1 - x0)).min(ph / (y1 - y0)); // px per um
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let (hx, hy) = (pw / scale / 2.0, ph / scale / 2.0);
    ((cx - hx, cx + hx), (cy - hy, cy + hy), scale)
}

/// An SVG of size `w` x `h` with a to-scale chart in um, drawn by `draw`.
fn scaled_svg(
    w: u32,
    h: u32,
    xr: (f64, f64),
    yr: (f64, f64),
    draw: impl FnOnce(
        &mut ChartContext<
            '_,
            SVGBackend<'_>,
            Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
        >,
        f64,
    ) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (xr, yr, scale) = to_scale(w, h, xr, yr);
        let mut chart = ChartBuilder::on(&root)
            .margin(MARGIN)
            .x_label_area_size(BOTTOM)
            .y_label_area_size(LEFT)
            .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("x (µm)")
            .y_desc("y (µm)")
            .x_labels(6)
            .y_labels(6)
            .label_style(("sans-serif", 11))
            .draw()
            .map_err(draw_err)?;
        draw(&mut chart, scale)?;
        root.present().map_err(draw_err)?;
    }
    Ok(s)
}

/// The state of the channel each pixel receives, by pixel.
fn state_of_port(rows: &[ChannelRow]) -> Vec<State> {
    let mut out = vec![State::Dead; rows.len()];
    for r in rows {
        if let Some(s) = out.get_mut(r.port as usize) {
            *s = r.state;
        }
    }
    out
}

/// Emitter array, TX frame: one circle per channel.
fn emitter_svg(g: &SpatialModel, rows: &[ChannelRow]) -> anyhow::Result<String> {
    let pitch = g.params().pitch_um;
    let (xr, yr) = grid_extent(g);
    scaled_svg(440, 440, xr, yr, |chart, scale| {
        let r = (0.35 * pitch * scale).max(1.0);
        chart
            .draw_series(
                rows.iter()
                    .map(|row| Circle::new(xy(g.site_xy(row.channel)), r, row.state.colour().filled())),
            )
            .map_err(draw_err)?;
        Ok(())
    })
}

/// Detector array, RX frame: one square per pixel, in the colour of the channel it receives.
fn detector_svg(g: &SpatialModel, rows: &[ChannelRow]) -> anyhow::Result<String> {
    let h = g.params().pixel_fill * g.params().pitch_um / 2.0;
    let (xr, yr) = grid_extent(g);
    let states = state_of_port(rows);
    scaled_svg(440, 440, xr, yr, |chart, _| {
        chart
            .draw_series(states.iter().enumerate().map(|(j, s)| {
                let [x, y] = g.site_xy(j as u32);
                Polygon::new(
                    vec![(x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h)],
                    s.colour().filled(),
                )
            }))
            .map_err(draw_err)?;
        Ok(())
    })
}

/// Fibre face: cores, image circle, emitter spots and pixel outlines, all to scale.
fn fibre_svg(g: &SpatialModel, rows: &[ChannelRow]) -> anyhow::Result<String> {
    let rad = g.image_radius_um() + g.params().core_pitch_um;
    let states = state_of_port(rows);
    scaled_svg(460, 440, (-rad, rad), (-rad, rad), |chart, scale| {
        let core_r = (g.params().core_diameter_um / 2.0 * scale).max(1.0);
        if g.params().cores <= 100_000 {
            let grey = RGBColor(0xc8, 0xcd, 0xd2).filled();
            chart.draw_series(g.cores_xy().map(|p| Circle::new(xy(p), core_r, grey))).map_err(draw_err)?;
        }
        chart
            .draw_series(std::iter::once(Circle::new(
                (0.0, 0.0),
                g.image_radius_um() * scale,
                ShapeStyle::from(&BLACK.mix(0.6)).stroke_width(1),
            )))
            .map_err(draw_err)?;
        chart
            .draw_series(states.iter().enumerate().map(|(j, s)| {
                let mut pts: Vec<(f64, f64)> = g.pixel_corners(j as u32).iter().map(|&p| xy(p)).collect();
                pts.push(pts[0]);
                PathElement::new(pts, ShapeStyle::from(&s.colour()).stroke_width(1))
            }))
            .map_err(draw_err)?;
        let spot = (g.params().spot_um * scale).max(1.5);
        chart
            .draw_series(
                rows.iter().map(|r| {
                    Circle::new(xy(g.emitter_xy(r.channel)), spot, r.state.colour().mix(0.75).filled())
                }),
            )
            .map_err(draw_err)?;
        Ok(())
    })
}

/// A zoom on the fibre face around the array's centre (3.2 pitches square): cores,
/// spots (1/e² radius) and pixels' photosensitive squares, to scale.
fn zoom_svg(g: &SpatialModel, rows: &[ChannelRow]) -> anyhow::Result<String> {
    let gp = g.params();
    let half = 1.6 * gp.pitch_um;
    let states = state_of_port(rows);
    let inside = |[x, y]: [f64; 2], r: f64| x.abs() + r <= half && y.abs() + r <= half;
    scaled_svg(440, 440, (-half, half), (-half, half), |chart, scale| {
        let core_r = gp.core_diameter_um / 2.0;
        let grey = RGBColor(0xb4, 0xba, 0xc0).filled();
        chart
            .draw_series(
                g.cores_xy()
                    .filter(|&p| inside(p, core_r))
                    .map(|p| Circle::new(xy(p), (core_r * scale).max(1.0), grey)),
            )
            .map_err(draw_err)?;
        chart
            .draw_series(
                states
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| g.pixel_corners(j as u32).iter().all(|&p| inside(p, 0.0)))
                    .flat_map(|(j, s)| {
                        let pts: Vec<(f64, f64)> = g.pixel_corners(j as u32).iter().map(|&p| xy(p)).collect();
                        let mut ring = pts.clone();
                        ring.push(pts[0]);
                        [
                            Polygon::new(pts, s.colour().mix(0.18).filled()).into_dyn(),
                            PathElement::new(ring, ShapeStyle::from(&s.colour()).stroke_width(2)).into_dyn(),
                        ]
                    }),
            )
            .map_err(draw_err)?;
        chart
            .draw_series(rows.iter().filter(|r| inside(g.emitter_xy(r.channel), gp.spot_um)).flat_map(|r| {
                let c = xy(g.emitter_xy(r.channel));
                [
                    Circle::new(c, gp.spot_um * scale, r.state.colour().mix(0.35).filled()).into_dyn(),
                    Circle::new(c, gp.spot_um * scale, ShapeStyle::from(&r.state.colour()).stroke_width(2))
                        .into_dyn(),
                ]
            }))
            .map_err(draw_err)?;
        Ok(())
    })
}

fn xy([x, y]: [f64; 2]) -> (f64, f64) {
    (x, y)
}

/// The grid's extent with half a pitch around it.
fn grid_extent(g: &SpatialModel) -> ((f64, f64), (f64, f64)) {
    let pitch = g.params().pitch_um;
    let hx = f64::from(g.cols()) * pitch / 2.0;
    let hy = f64::from(g.rows()) * pitch / 2.0;
    ((-hx, hx), (-hy, hy))
}

/// BER per channel (log scale), coloured by state, with the limit.
fn ber_svg(run: &LinkRun) -> anyhow::Result<String> {
    let (w, h) = (1336, 300);
    let floor = -40.0;
    let logs: Vec<f64> = run.rows.iter().map(|r| r.ber.map_or(0.0, |b| b.log10().max(floor))).collect();
    let lo = logs.iter().copied().fold(-13.0f64, f64::min).floor() - 1.0;
    let n = run.rows.len() as f64;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(MARGIN)
            .x_label_area_size(BOTTOM)
            .y_label_area_size(LEFT)
            .margin_right(3 * MARGIN)
            .build_cartesian_2d(-0.5..n - 0.5, lo..0.5)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc("physical channel")
            .y_desc("log10 BER")
            .label_style(("sans-serif", 11))
            .light_line_style(WHITE)
            .draw()
            .map_err(draw_err)?;
        if let Some(limit) = run.ber_limit {
            let y = limit.log10();
            chart
                .draw_series(LineSeries::new(
                    [(-0.5, y), (n - 0.5, y)],
                    ShapeStyle::from(&RED).stroke_width(1),
                ))
                .map_err(draw_err)?;
        }
        chart
            .draw_series(
                run.rows
                    .iter()
                    .zip(&logs)
                    .map(|(r, &y)| Circle::new((f64::from(r.channel), y), 2.5, r.state.colour().filled())),
            )
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(s)
}

/// Histogram of the skew of the channels carrying lanes (measured when the link is up,
/// else applied).
fn skew_svg(run: &LinkRun) -> anyhow::Result<(String, &'static str)> {
    let lanes: Vec<&ChannelRow> = run.rows.iter().filter(|r| r.lane.is_some()).collect();
    let measured = lanes.iter().all(|r| r.measured_skew_bits.is_some()) && !lanes.is_empty();
    let vals: Vec<f64> = lanes
        .iter()
        .map(|r| if measured { r.measured_skew_bits.unwrap_or(0) as f64 } else { f64::from(r.skew_bits) })
        .collect();
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let hi = vals.iter().copied().fold(0.0, f64::max);
    let bins = ((hi - lo) as usize + 1).clamp(1, 60);
    let width = ((hi - lo + 1.0) / bins as f64).max(1.0);
    let mut counts = vec![0u32; bins];
    for v in &vals {
        counts[(((v - lo) / width) as usize).min(bins - 1)] += 1;
    }
    let top = f64::from(counts.iter().copied().max().unwrap_or(1).max(1)) * 1.1;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (440, 440)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(MARGIN)
            .margin_right(3 * MARGIN)
            .x_label_area_size(BOTTOM)
            .y_label_area_size(LEFT)
            .build_cartesian_2d(lo..lo + width * bins as f64, 0.0..top)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc(if measured { "measured skew (bits)" } else { "applied skew (bits)" })
            .y_desc("lanes")
            .label_style(("sans-serif", 11))
            .light_line_style(WHITE)
            .draw()
            .map_err(draw_err)?;
        let blue = RGBColor(0x1c, 0x7e, 0xd6).filled();
        chart
            .draw_series(counts.iter().enumerate().map(|(i, &c)| {
                let x = lo + width * i as f64;
                Rectangle::new([(x, 0.0), (x + width * 0.9, f64::from(c))], blue)
            }))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok((s, if measured { "measured by the receiver" } else { "applied by the channel" }))
}

/// Lane map: lane (x) against the physical channel carrying it (y).
fn lanemap_svg(run: &LinkRun) -> anyhow::Result<String> {
    let p = run.rows.len() as f64;
    let n = f64::from(run.lanes);
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (440, 440)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(MARGIN)
            .margin_right(3 * MARGIN)
            .x_label_area_size(BOTTOM)
            .y_label_area_size(LEFT)
            .build_cartesian_2d(-0.5..n - 0.5, -0.5..p - 0.5)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc("logical lane")
            .y_desc("physical channel")
            .label_style(("sans-serif", 11))
            .light_line_style(WHITE)
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new([(-0.5, n - 0.5), (n - 0.5, n - 0.5)], BLACK.mix(0.3)))
            .map_err(draw_err)?;
        chart
            .draw_series(run.rows.iter().filter_map(|r| {
                r.lane.map(|l| {
                    Circle::new((f64::from(l), f64::from(r.channel)), 2.0, r.state.colour().filled())
                })
            }))
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(s)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Writes the page for `run` to `path`.
pub fn write_html(run: &LinkRun, path: &Path) -> anyhow::Result<()> {
    let html = render_html(run)?;
    std::fs::write(path, html).with_context(|| format!("writing the report {}", path.display()))
}

/// The page for `run`: one self-contained HTML document.
pub fn render_html(run: &LinkRun) -> anyhow::Result<String> {
    let p = run.rows.len();
    let mut h = String::new();
    let counts = |s: State| run.rows.iter().filter(|r| r.state == s).count();
    writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\" data-report=\"tessera\" data-channels=\"{p}\">\n<head>\n<meta \
         charset=\"utf-8\">\n<title>{}</title>\n<style>\n{}\n</style>\n</head>\n<body>",
        esc(&run.title),
        CSS
    )?;
    writeln!(h, "<header><h1>{}</h1>", esc(&run.title))?;
    writeln!(h, "<p class=\"replay\">replay: <code>{}</code></p>", esc(&run.replay))?;
    for line in &run.summary {
        writeln!(h, "<p class=\"summary\">{}</p>", esc(line))?;
    }
    write!(h, "<p class=\"legend\">")?;
    for s in State::ALL {
        write!(
            h,
            "<span class=\"key\"><span class=\"swatch\" style=\"background:{}\"></span>{} ({})</span>",
            s.css(),
            s.label(),
            counts(s)
        )?;
    }
    writeln!(h, "</p></header>")?;

    if let Some(g) = &run.geometry {
        writeln!(h, "<section class=\"arrays\">")?;
        let figs = [
            ("emitter-array", "circle", "Emitter array (TX), one circle per channel", emitter_svg(g, &run.rows)?),
            (
                "fibre-face",
                "",
                "Fibre face to scale: cores (grey), emitter spots (filled) and pixels (outlines) with the misalignment",
                fibre_svg(g, &run.rows)?,
            ),
            (
                "detector-array",
                "polygon",
                "Detector array (RX), one pixel per port, coloured by the channel it receives",
                detector_svg(g, &run.rows)?,
            ),
        ];
        for (id, shape, caption, svg) in figs {
            writeln!(
                h,
                "<figure id=\"{id}\" data-shape=\"{shape}\" data-count=\"{}\">{svg}<figcaption>{}</figcaption></figure>",
                if shape.is_empty() { 0 } else { p },
                esc(caption)
            )?;
        }
        writeln!(h, "</section>")?;
        let gp = g.params();
        let mut note = format!(
            "Grid {} x {} at {} µm pitch (at the fibre face); fibre of {} cores at {} µm pitch, image circle {:.0} µm across; \
             misalignment TX ({}, {}) µm {}°, RX ({}, {}) µm {}°.",
            g.cols(),
            g.rows(),
            gp.pitch_um,
            gp.cores,
            gp.core_pitch_um,
            2.0 * g.image_radius_um(),
            gp.tx_dx_um,
            gp.tx_dy_um,
            gp.tx_rot_deg,
            gp.rx_dx_um,
            gp.rx_dy_um,
            gp.rx_rot_deg
        );
        if let Some(extra) = &run.geometry_note {
            note.push(' ');
            note.push_str(extra);
        }
        writeln!(h, "<p class=\"note\">{}</p>", esc(&note))?;
    } else {
        writeln!(h, "<p class=\"note\">No geometry to draw the arrays with.</p>")?;
    }

    writeln!(
        h,
        "<figure id=\"ber\" class=\"wide\">{}<figcaption>BER per physical channel (log10; dead channels at the \
         top{}; values below 1e-40 drawn at -40)</figcaption></figure>",
        ber_svg(run)?,
        if run.ber_limit.is_some() { ", red line: the BER limit" } else { "" }
    )?;
    let (skew, what) = skew_svg(run)?;
    writeln!(h, "<section class=\"pair\">")?;
    if let Some(g) = &run.geometry {
        writeln!(
            h,
            "<figure id=\"fibre-zoom\">{}<figcaption>Fibre face at the array's centre: cores (grey), emitter \
             spots (circles: 1/e² radius) and pixels (squares), coloured by state</figcaption></figure>",
            zoom_svg(g, &run.rows)?
        )?;
    }
    writeln!(
        h,
        "<figure id=\"skew\">{skew}<figcaption>Skew histogram of the lanes, {what}</figcaption></figure>"
    )?;
    writeln!(
        h,
        "<figure id=\"lane-map\">{}<figcaption>Lane map: the channel carrying each lane (above the line: \
         spares)</figcaption></figure>",
        lanemap_svg(run)?
    )?;
    writeln!(h, "</section>")?;

    writeln!(h, "<section class=\"tables\"><div>\n<h2>Lane repairs</h2>")?;
    if run.moves.is_empty() {
        writeln!(h, "<p>None: every lane is on its own channel.</p>")?;
    } else {
        writeln!(h, "<table><tr><th>lane</th><th>from channel</th><th>to spare</th></tr>")?;
        for (l, f, t) in &run.moves {
            writeln!(h, "<tr><td>{l}</td><td>{f}</td><td>{t}</td></tr>")?;
        }
        writeln!(h, "</table>")?;
    }
    writeln!(h, "</div><div>\n<h2>Configuration</h2>\n<table>")?;
    for (k, v) in &run.settings {
        writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v))?;
    }
    writeln!(h, "</table></div></section>")?;

    writeln!(
        h,
        "<details><summary>Every channel</summary>\n<table class=\"channels\"><tr><th>channel</th><th>port</th>\
         <th>lane</th><th>state</th><th>BER</th><th>skew (bits)</th><th>measured</th><th>BIP errors</th><th>detail</th></tr>"
    )?;
    for r in &run.rows {
        writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.channel,
            r.port,
            r.lane.map_or("-".into(), |l| l.to_string()),
            r.state.css(),
            r.state.label(),
            r.ber.map_or("-".into(), fmt_ber),
            r.skew_bits,
            r.measured_skew_bits.map_or("-".into(), |s| s.to_string()),
            r.bip_errors,
            esc(&r.note)
        )?;
    }
    writeln!(h, "</table></details>\n</body>\n</html>")?;
    Ok(h)
}

const CSS: &str = "body{font-family:sans-serif;margin:16px;color:#212529;max-width:1380px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:16px;margin:8px 0}
p{margin:3px 0;font-size:13px}code{background:#f1f3f5;padding:1px 4px}
.legend{margin-top:8px}.key{margin-right:14px;white-space:nowrap}
.swatch{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:middle;border-radius:2px}
figure{margin:6px 0;display:inline-block;vertical-align:top}
figcaption{font-size:12px;color:#495057;max-width:450px}
.arrays,.pair{display:flex;gap:8px;flex-wrap:nowrap}
.note{color:#495057;font-size:12px}
.tables{display:flex;gap:40px}table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #dee2e6;padding:2px 6px;text-align:left}
details{margin-top:10px;font-size:12px}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_scale_keeps_um_square() {
        let ((x0, x1), (y0, y1), s) = to_scale(440, 440, (-10.0, 10.0), (-5.0, 5.0));
        let pw = f64::from(440 - LEFT - 2 * MARGIN);
        let ph = f64::from(440 - BOTTOM - 2 * MARGIN);
        assert!(((x1 - x0) * s - pw).abs() < 1e-9 && ((y1 - y0) * s - ph).abs() < 1e-9);
        assert!(x0 <= -10.0 && x1 >= 10.0 && y0 <= -5.0 && y1 >= 5.0);
    }
}
