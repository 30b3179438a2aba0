//! Planning a run: [`plan`] turns what a user asks for ([`GenSpec`]) into a full
//! [`SetSpec`]: the lane map, the link-up time measured with the [`Machine`] (unless
//! given) and the run's length (`docs/vectors.md`, section 6 "The run").

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tessera_model::block::BLOCK_BITS;
use tessera_model::channel::{ChannelError, ChannelFaults, ChannelModel};
use tessera_model::deskew::RELEASE_HOLD;
use tessera_model::link::Link;
use tessera_model::{ConfigError, LaneMap, LaneMapError, LinkConfig, LinkParams};

use std::collections::VecDeque;

use crate::host::Host;
use crate::machine::{Bus, Machine, NullSink, Sink};
use crate::spec::{RunSpec, SetSpec};
use crate::stress::{self, Stress};

/// ChaCha stream of the generator's own random choices (random skew and permutation).
pub const CHOICE_STREAM: u64 = u64::MAX - 1;

/// Why a run cannot be planned or its [`Machine`] built.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// The link configuration is impossible.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The lane map is impossible.
    #[error("invalid lane map: {0}")]
    LaneMap(#[from] LaneMapError),
    /// The channel settings are impossible.
    #[error(transparent)]
    Channel(#[from] ChannelError),
    /// The run's own numbers are impossible.
    #[error("invalid run: {0}")]
    Run(String),
    /// The link did not come up, so the host would wait forever.
    #[error("the link does not align within {periods} block periods{reason} (seed {seed}); give --lead-slots to send anyway")]
    NoAlignment {
        /// Block periods tried.
        periods: u64,
        /// What the receiver reports.
        reason: String,
        /// The seed.
        seed: u64,
    },
}

/// What a user asks for; [`plan`] turns it into a full [`SetSpec`].
#[derive(Debug, Clone, PartialEq)]
pub struct GenSpec {
    /// Link parameters and seed.
    pub params: LinkParams,
    /// Lane `i`'s channel, or `None` for lanes in order on the healthy channels.
    pub channel_of: Option<Vec<u32>>,
    /// Failed channels of the lane map.
    pub failed: Vec<u32>,
    /// Channel settings.
    pub faults: ChannelFaults,
    /// Percent of free slots in which the host offers a stripe.
    pub valid_percent: u32,
    /// Stripes to send.
    pub stripes: u64,
    /// Idle slots before the first stripe; `None` measures link-up with the model.
    pub lead_slots: Option<u64>,
    /// Stress events (docs/vectors.md, "Stress events"), made plain events of `faults` by
    /// [`plan`].
    pub stress: Vec<Stress>,
    /// Slots the channel sees the TX late (an end-to-end co-simulation's TX latency, zero
    /// blocks first): marker positions and block-lock times of stress events follow it.
    pub channel_delay_slots: u64,
}

/// Slots after the last stripe is taken that carry it through the largest skew, the RX's
/// release hold and its block buffering.
pub fn flush_slots(params: &LinkParams, faults: &ChannelFaults) -> u64 {
    let skew = faults.skew_bits.iter().copied().max().unwrap_or(0).max(params.max_skew_bits);
    u64::from(skew).div_ceil(u64::from(BLOCK_BITS)) + RELEASE_HOLD + 4
}

/// Turns what a user asks for into a full set: the lane map, the link-up time measured
/// with the model (unless given), and the run's length.
pub fn plan(g: &GenSpec) -> Result<SetSpec, GenError> {
    let cfg = LinkConfig::new(g.params)?;
    let map = match &g.channel_of {
        Some(c) => LaneMap::from_assignment(g.params.lanes, g.params.spares, c, &g.failed)?,
        None => LaneMap::with_failed(g.params.lanes, g.params.spares, &g.failed)?,
    };
    ChannelModel::new(&cfg, g.faults.clone(), g.params.seed)?;
    let faults = resolve_stress(g, &cfg, &map)?;
    if !(1..=100).contains(&g.valid_percent) {
        return Err(GenError::Run(format!(
            "valid_percent = {}: must be a percentage from 1 to 100",
            g.valid_percent
        )));
    }
    let mut set = SetSpec {
        params: g.params,
        channel_of: map.assignment().to_vec(),
        failed: map.failed_channels().collect(),
        faults,
        run: RunSpec { valid_percent: g.valid_percent, lead_slots: 0, stripes: g.stripes, slots: 0 },
    };
    let lead = match g.lead_slots {
        Some(l) => l,
        None => measure_lead(&set, &cfg)?,
    };
    set.run.lead_slots = lead;
    // The host alone decides when each stripe is taken.
    let mut host = Host::new(g.params.seed, g.params.lanes, g.params.am_period, set.run);
    let mut slot = lead;
    while host.taken() < g.stripes {
        host.offer(slot);
        host.take(slot);
        slot += 1;
    }
    set.run.slots = slot + flush_slots(&g.params, &g.faults);
    Ok(set)
}

/// `g`'s faults with its stress events made plain: marker positions from the TX's slots
/// (shifted by `channel_delay_slots`), window positions from one run of the model, idle,
/// with every other event in place (the stress events come after the lock they count
/// from, so they do not move it).
fn resolve_stress(g: &GenSpec, cfg: &LinkConfig, map: &LaneMap) -> Result<ChannelFaults, GenError> {
    let mut faults = g.faults.clone();
    if g.stress.is_empty() {
        return Ok(faults);
    }
    let bad = |e: String| GenError::Run(e);
    let delay_bits = g.channel_delay_slots * u64::from(BLOCK_BITS);
    let (windowed, plain): (Vec<Stress>, Vec<Stress>) = g.stress.iter().partition(|s| s.needs_lock_times());
    faults.events.extend(stress::resolve(&plain, cfg.am_period(), delay_bits, map, |_| None).map_err(bad)?);
    if !windowed.is_empty() {
        let locks = first_locks(g, cfg, map, &faults)?;
        let source: Vec<u32> = faults.source_of_port.clone();
        let port_of = |c: u32| -> u32 {
            if source.is_empty() {
                c
            } else {
                source.iter().position(|&s| s == c).map_or(c, |p| p as u32)
            }
        };
        let skew = |c: u32| u64::from(faults.skew_bits.get(c as usize).copied().unwrap_or(0));
        let events = stress::resolve(&windowed, cfg.am_period(), delay_bits, map, |c| {
            locks[port_of(c) as usize].map(|bit| bit.saturating_sub(skew(c)))
        })
        .map_err(bad)?;
        faults.events.extend(events);
    }
    ChannelModel::new(cfg, faults.clone(), g.params.seed)?;
    Ok(faults)
}

/// The bit of each port's stream where its first block lock's window 0 starts, from the
/// model run idle for the bring-up budget with `faults`, the channel `channel_delay_slots`
/// late.
fn first_locks(g: &GenSpec, cfg: &LinkConfig, map: &LaneMap, faults: &ChannelFaults) -> Result<Vec<Option<u64>>, GenError> {
    let budget = Link::bring_up_budget(cfg) + 2 * u64::from(cfg.am_period()) + flush_slots(&g.params, faults);
    let probe = SetSpec {
        params: g.params,
        channel_of: map.assignment().to_vec(),
        failed: map.failed_channels().collect(),
        faults: faults.clone(),
        run: RunSpec { valid_percent: g.valid_percent, lead_slots: budget, stripes: 0, slots: budget },
    };
    let mut m = Machine::new(&probe)?;
    let mut sink = DelaySink::new(g.channel_delay_slots);
    let ports = cfg.channels();
    for _ in 0..budget {
        m.slot(None, &mut sink).unwrap_or_else(|e| match e {});
        if (0..ports).all(|p| m.rx().first_block_lock_bit(p).is_some()) {
            break;
        }
    }
    Ok((0..ports).map(|p| m.rx().first_block_lock_bit(p)).collect())
}

/// A [`Sink`] that keeps no words and delays the channel's input by `D` slots (zero
/// blocks first), as an end-to-end co-simulation's channel sees the RTL TX.
#[derive(Debug)]
pub struct DelaySink {
    slots: VecDeque<Vec<u128>>,
    d: usize,
}

impl DelaySink {
    /// A delay of `d` slots.
    pub fn new(d: u64) -> DelaySink {
        DelaySink { slots: VecDeque::new(), d: d as usize }
    }
}

impl Sink for DelaySink {
    type Error = std::convert::Infallible;
    fn word(&mut self, _: Bus, _: &[u64]) -> Result<(), Self::Error> {
        Ok(())
    }
    fn channel_input(&mut self, wires: &mut [u128]) -> Result<(), Self::Error> {
        if self.d == 0 {
            return Ok(());
        }
        self.slots.push_back(wires.to_vec());
        if self.slots.len() > self.d {
            wires.copy_from_slice(&self.slots.pop_front().expect("more than d"));
        } else {
            wires.iter_mut().for_each(|w| *w = 0);
        }
        Ok(())
    }
}

/// Idle slots until the model's RX (fed clock by clock, as in a run) is aligned.
fn measure_lead(set: &SetSpec, cfg: &LinkConfig) -> Result<u64, GenError> {
    let budget =
        Link::bring_up_budget(cfg) + 2 * u64::from(cfg.am_period()) + flush_slots(&set.params, &set.faults);
    let mut probe = set.clone();
    probe.run.slots = budget;
    let mut m = Machine::new(&probe)?;
    let mut sink = NullSink;
    for slot in 0..budget {
        if m.rx().is_aligned() {
            return Ok(slot);
        }
        m.slot(None, &mut sink).unwrap_or_else(|e| match e {});
    }
    let s = m.rx().status();
    let reason = match (s.skew_fault, s.port_of_lane.iter().filter(|p| p.is_none()).count()) {
        (Some(f), _) => format!(": {f}"),
        (None, 0) => String::new(),
        (None, n) => format!(": {n} lane{} not found", if n == 1 { "" } else { "s" }),
    };
    Err(GenError::NoAlignment { periods: budget, reason, seed: set.params.seed })
}

/// A random generator for the generator's own choices (skew, permutation) from `seed`.
pub fn choice_rng(seed: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(CHOICE_STREAM);
    rng
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(lanes: u32, spares: u32, ser_w: u32) -> GenSpec {
        GenSpec {
            params: LinkParams { lanes, spares, am_period: 16, max_skew_bits: 200, ser_w, seed: 3 },
            channel_of: None,
            failed: vec![],
            faults: ChannelFaults::default(),
            valid_percent: 100,
            stripes: 30,
            lead_slots: None,
            stress: vec![],
            channel_delay_slots: 0,
        }
    }

    #[test]
    fn lead_is_when_the_rx_aligns() {
        let set = plan(&spec(2, 0, 11)).unwrap();
        let mut probe = set.clone();
        probe.run.stripes = 0;
        let mut m = Machine::new(&probe).unwrap();
        for _ in 0..set.run.lead_slots {
            assert!(!m.rx().is_aligned());
            m.slot(None, &mut NullSink).unwrap_or_else(|e| match e {});
        }
        assert!(m.rx().is_aligned());
    }

    #[test]
    fn impossible_requests_are_errors() {
        let mut g = spec(2, 0, 22);
        g.params.ser_w = 5;
        assert!(plan(&g).unwrap_err().to_string().contains("ser_w = 5"));
        let mut g = spec(2, 0, 22);
        g.failed = vec![0];
        assert!(plan(&g).unwrap_err().to_string().starts_with("invalid lane map"));
        let mut g = spec(2, 1, 22);
        g.faults.dead = vec![0];
        let e = plan(&g).unwrap_err().to_string();
        assert!(e.contains("does not align") && e.contains("--lead-slots"), "{e}");
    }
}
