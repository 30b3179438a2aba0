//! What a clocked run is made from: the link, the lane map, the channel and the host's run.
//! A vector set's header holds exactly this (`tessera-vectors` reads and writes it); the
//! co-simulation plans one per run.

use tessera_model::channel::ChannelFaults;
use tessera_model::{LaneMap, LinkConfig, LinkParams};

/// What the host does in a run (`docs/vectors.md`, section 6 "The run").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RunSpec {
    /// In each block period with no stripe pending, the host offers a new one with this
    /// probability, in percent (1 ..= 100).
    pub valid_percent: u32,
    /// Block periods of idle before the host offers its first stripe.
    pub lead_slots: u64,
    /// Stripes the host sends.
    pub stripes: u64,
    /// Block periods the run lasts.
    pub slots: u64,
}

/// Everything a run is made from: link, lane map, channel and run.
#[derive(Debug, Clone, PartialEq)]
pub struct SetSpec {
    /// The link parameters; `params.seed` seeds the channel model and the host stimulus.
    pub params: LinkParams,
    /// Lane map: `channel_of[i]` is lane `i`'s physical channel.
    pub channel_of: Vec<u32>,
    /// Lane map: failed channels (they send nothing).
    pub failed: Vec<u32>,
    /// Channel model settings.
    pub faults: ChannelFaults,
    /// The host's run.
    pub run: RunSpec,
}

impl SetSpec {
    /// The checked configuration.
    pub fn config(&self) -> Result<LinkConfig, tessera_model::ConfigError> {
        LinkConfig::new(self.params)
    }
    /// The lane map.
    pub fn lane_map(&self) -> Result<LaneMap, tessera_model::LaneMapError> {
        LaneMap::from_assignment(self.params.lanes, self.params.spares, &self.channel_of, &self.failed)
    }
    /// Clocks of the run: slots x clocks per block.
    pub fn clocks(&self) -> u64 {
        self.run.slots.saturating_mul(u64::from(66 / self.params.ser_w.max(1)))
    }
}
