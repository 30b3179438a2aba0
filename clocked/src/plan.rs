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

use crate::host::Host;
use crate::machine::{Machine, NullSink};
use crate::spec::{RunSpec, SetSpec};

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
        faults: g.faults.clone(),
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
