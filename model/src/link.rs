//! TX -> channel -> RX as one deterministic pair, for tests, the demo and the vector
//! generator. Like the transmitter and receiver it wraps, it does no I/O.
//!
//! [`Link::step`] is one block period through the whole datapath. [`Link::bring_up`]
//! sends idles until the receiver reports the link aligned, as a host waits for link-up
//! before it sends data. [`Link::flush`] sends the idles that carry the last stripes
//! through the deskew buffers.

use crate::block::BLOCK_BITS;
use crate::channel::{ChannelError, ChannelFaults, ChannelModel};
use crate::config::LinkConfig;
use crate::deskew::RELEASE_HOLD;
use crate::lanemap::LaneMap;
use crate::rx::Receiver;
use crate::tx::{MapMismatch, Transmitter};

/// Why a link could not be built, or did not come up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LinkError {
    /// The lane map does not fit the configuration.
    #[error(transparent)]
    Map(#[from] MapMismatch),
    /// The channel settings are invalid.
    #[error(transparent)]
    Channel(#[from] ChannelError),
    /// The receiver did not align within the given number of block periods.
    #[error("link did not align within {periods} block periods{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    NoAlignment {
        /// Block periods sent.
        periods: u64,
        /// What the receiver reports as the reason, when it knows one.
        reason: Option<String>,
    },
}

/// A transmitter, a channel and a receiver driven in lock step.
#[derive(Debug, Clone)]
pub struct Link {
    /// The transmitter.
    pub tx: Transmitter,
    /// The channel model.
    pub channel: ChannelModel,
    /// The receiver.
    pub rx: Receiver,
    wires: Vec<u128>,
}

impl Link {
    /// Builds the pair. The channel's randomness comes from `channel_seed`.
    pub fn new(
        cfg: &LinkConfig,
        map: LaneMap,
        faults: ChannelFaults,
        channel_seed: u64,
    ) -> Result<Self, LinkError> {
        Ok(Link {
            tx: Transmitter::new(cfg, map)?,
            channel: ChannelModel::new(cfg, faults, channel_seed)?,
            rx: Receiver::new(cfg),
            wires: vec![0; cfg.channels() as usize],
        })
    }

    /// One block period through TX, channel and RX; returns whether `stripe` was taken.
    #[inline]
    pub fn step(&mut self, stripe: Option<&[u64]>) -> bool {
        let taken = self.tx.step(stripe, &mut self.wires);
        self.channel.carry(&self.wires);
        self.rx.handle_bits(self.channel.ports_mut());
        taken
    }

    /// The TX wire values of the last block period, one per physical channel.
    pub fn last_wires(&self) -> &[u128] {
        &self.wires
    }

    /// Block periods a link needs at most to align with no faults: block lock on every
    /// possible boundary, a skew's worth of blocks, then two marker periods and one more.
    pub fn bring_up_budget(cfg: &LinkConfig) -> u64 {
        let hunt = u64::from(BLOCK_BITS) * 8 + 64;
        let skew = u64::from(cfg.max_skew_bits()) / u64::from(BLOCK_BITS) + 2;
        hunt + skew + 4 * u64::from(cfg.am_period())
    }

    /// Sends idle until the receiver is aligned; returns the block periods it took.
    pub fn bring_up(&mut self, max_periods: u64) -> Result<u64, LinkError> {
        let mut periods = 0;
        while !self.rx.is_aligned() {
            if periods == max_periods {
                let s = self.rx.status();
                let reason = s.skew_fault.map(|f| f.to_string()).or_else(|| {
                    let lanes = self.tx.config().lanes();
                    let mut seen = vec![false; lanes as usize];
                    for lane in s.ports.iter().filter_map(|p| p.lane) {
                        if let Some(f) = seen.get_mut(usize::from(lane)) {
                            *f = true;
                        }
                    }
                    let missing: Vec<String> =
                        (0..lanes).filter(|&l| !seen[l as usize]).map(|l| l.to_string()).collect();
                    (!missing.is_empty()).then(|| {
                        let more = if missing.len() > 8 { ", ..." } else { "" };
                        format!(
                            "{} of {lanes} lanes marker-locked on no port (lanes {}{more})",
                            missing.len(),
                            missing[..missing.len().min(8)].join(", "),
                        )
                    })
                });
                return Err(LinkError::NoAlignment { periods, reason });
            }
            self.step(None);
            periods += 1;
        }
        Ok(periods)
    }

    /// Sends enough idle block periods to carry every stripe already sent through the
    /// channel's skew and the receiver's buffers and release hold.
    pub fn flush(&mut self) {
        let cfg = *self.tx.config();
        let periods = u64::from(cfg.max_skew_bits()) / u64::from(BLOCK_BITS) + RELEASE_HOLD + 4;
        for _ in 0..periods {
            self.step(None);
        }
    }

    /// Appends the stripes received so far to `out`; returns how many.
    pub fn poll_stripes(&mut self, out: &mut Vec<u64>) -> usize {
        self.rx.poll_stripes(out)
    }
}
