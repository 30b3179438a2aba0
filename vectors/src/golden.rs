//! The golden sets committed under `vectors/golden/`: how each is made. A test
//! (`tests/vectors_golden.rs`) regenerates every one and compares it byte for byte with the
//! committed files; `TESSERA_BLESS=1 cargo test --test vectors_golden` or
//! `tessera gen --golden vectors/golden` rewrites them when a model change is intended.

use tessera_model::block::BLOCK_BITS;
use tessera_model::channel::{ChannelEvent, ChannelFaults, EventKind};
use tessera_model::LinkParams;

use crate::gen::{self, GenError, GenSpec};
use crate::header::SetSpec;

/// A golden set: its folder name, what it covers, and its recipe.
#[derive(Debug, Clone)]
pub struct Golden {
    /// Folder name under `vectors/golden/`.
    pub name: &'static str,
    /// What it covers.
    pub about: &'static str,
}

/// The golden sets, in order.
pub const GOLDEN: [Golden; 4] = [
    Golden { name: "one-lane", about: "one lane, no spare, no channel fault, ser_w 11" },
    Golden {
        name: "spares-permuted",
        about: "3 lanes + 2 spares, channel 1 failed (lane 1 on a spare), a random core-to-pixel permutation and skew, host valid 70 %",
    },
    Golden { name: "skew-near-max", about: "2 lanes, skew 1000 bits against max_skew_bits 1040 (am_period 32), ser_w 33" },
    Golden {
        name: "bit-errors",
        about: "2 lanes + 1 spare, BER 2e-5 and scheduled flips (a payload bit, a sync header bit, a marker bit) and a burst after link-up",
    },
];

/// The full set of a golden recipe, planned with the model.
pub fn golden_set(name: &str) -> Result<SetSpec, GenError> {
    let base = |lanes, spares, am_period, max_skew_bits, ser_w, seed| GenSpec {
        params: LinkParams { lanes, spares, am_period, max_skew_bits, ser_w, seed },
        channel_of: None,
        failed: Vec::new(),
        faults: ChannelFaults::default(),
        valid_percent: 100,
        stripes: 24,
        lead_slots: None,
        stress: Vec::new(),
        channel_delay_slots: 0,
    };
    match name {
        "one-lane" => gen::plan(&base(1, 0, 16, 0, 11, 1)),
        "spares-permuted" => {
            let mut g = base(3, 2, 16, 200, 22, 2);
            let mut rng = gen::choice_rng(2);
            g.failed = vec![1];
            g.faults.source_of_port = ChannelFaults::random_permutation(5, &mut rng);
            g.faults.skew_bits = ChannelFaults::random_skew(5, 200, &mut rng);
            g.valid_percent = 70;
            gen::plan(&g)
        }
        "skew-near-max" => {
            let mut g = base(2, 0, 32, 1040, 33, 3);
            g.faults.skew_bits = vec![1000, 0];
            gen::plan(&g)
        }
        "bit-errors" => {
            let mut g = base(2, 1, 16, 100, 11, 4);
            g.faults.skew_bits = vec![0, 37, 90];
            g.faults.ber = 2e-5;
            // Link-up first (the random errors included), then faults at known places after it.
            let up = gen::plan(&g)?.run.lead_slots;
            let at = |slot: u64, bit: u32| slot * u64::from(BLOCK_BITS) + u64::from(bit);
            g.faults.events = vec![
                // A payload bit of a data block: the stripe comes out with 3 bits wrong.
                ChannelEvent { channel: 0, at_bit: at(up + 3, 20), kind: EventKind::BitError },
                // A sync header bit: the stripe is lost, not handed out.
                ChannelEvent { channel: 1, at_bit: at(up + 7, 0), kind: EventKind::BitError },
                // A marker's lane byte: one bad marker, one BIP error.
                ChannelEvent { channel: 0, at_bit: at((up / 16 + 2) * 16, 2 + 9), kind: EventKind::BitError },
                // A burst on the spare.
                ChannelEvent { channel: 2, at_bit: at(up + 5, 30), kind: EventKind::Burst { len: 12 } },
            ];
            g.lead_slots = Some(up);
            gen::plan(&g)
        }
        _ => Err(GenError::Run(format!(
            "no golden set named `{name}`; the golden sets are {}",
            GOLDEN.iter().map(|g| g.name).collect::<Vec<_>>().join(", ")
        ))),
    }
}
