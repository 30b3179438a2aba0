//! Stress events: channel faults placed where the receiver's thresholds are
//! (docs/vectors.md, "Stress events").
//!
//! A [`Stress`] is written `<channel>:<position>:<kind>[*<count>]`:
//!
//! | position | where, in channel `<channel>`'s TX bit stream |
//! |---|---|
//! | `<bit>` | that bit |
//! | `b<n>` | the first bit of block period `n` (bit `66 n`) |
//! | `am<n>` | the first bit of the TX's `n`-th marker slot (block `n * am_period`, from 0) |
//! | `w<m>.<h>` | header `h` (0..63) of window `m` of the first block lock of the RX port that receives the channel: the block that starts `(64 m + h) * 66` bits after the block that gained lock |
//!
//! | kind | what |
//! |---|---|
//! | `flip`, `slip-drop`, `slip-repeat`, `kill`, `revive`, `burst=<bits>` | the channel event of that name at the position |
//! | `header` | the block's sync header made invalid (block bit 0 flipped: `01` → `00`, `10` → `11`) |
//! | `am-byte=<k>` | bit 0 of marker byte `k` (0..7: M0, M1, M2, BIP3, M4, M5, M6, BIP7) flipped |
//! | `am-lane=<lane>` | the marker made to carry lane `<lane>`, its complements kept (M1/M2 and M5/M6 flipped where the lane numbers differ) |
//!
//! `*<count>` repeats the event over `count` consecutive units of the position: bits for
//! a bit, blocks for `b` and `w`, marker slots for `am`.
//!
//! [`resolve`] turns stress events into plain [`ChannelEvent`]s at absolute bits: `w`
//! positions take one run of the model to find when each port first gains block lock, so
//! a vector set records only plain events and needs nothing new to be read.
//!
//! Nothing here panics on user input: [`Stress::parse`] returns an error naming the event
//! and the field.

use std::fmt;

use tessera_model::block::BLOCK_BITS;
use tessera_model::channel::{ChannelEvent, EventKind};
use tessera_model::lock::SH_WINDOW;
use tessera_model::marker::{field, SPARE_LANE};
use tessera_model::LaneMap;

/// Where a [`Stress`] event is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum At {
    /// A bit of the channel's TX stream.
    Bit(u64),
    /// The first bit of a block period.
    Block(u64),
    /// The first bit of the TX's `n`-th marker slot.
    Marker(u64),
    /// Header `header` of window `window` of the receiving port's first block lock.
    Window {
        /// Window number, 0 for the window that starts right after lock is gained.
        window: u64,
        /// Header in the window, 0..64.
        header: u32,
    },
}

/// What a [`Stress`] event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StressKind {
    /// A plain channel event.
    Channel(EventKind),
    /// The block's sync header made invalid.
    Header,
    /// Bit 0 of marker byte `k` flipped.
    MarkerByte(u8),
    /// The marker made to carry this lane number.
    MarkerLane(u16),
}

/// One stress event (see the module docs for the syntax).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stress {
    /// Physical (TX) channel.
    pub channel: u32,
    /// Where.
    pub at: At,
    /// What.
    pub kind: StressKind,
    /// Consecutive units (bits, blocks or markers) it applies to, at least 1.
    pub count: u32,
}

/// What [`Stress::parse`] expects, for error messages.
pub const EXPECTED: &str = "`<channel>:<position>:<kind>[*<count>]`, position `<bit>`, `b<block>`, `am<marker>` or \
     `w<window>.<header>`, kind flip, slip-drop, slip-repeat, kill, revive, burst=<bits>, header, am-byte=<0..7> or \
     am-lane=<lane>";

fn number<T: std::str::FromStr>(text: &str, what: &str, event: &str) -> Result<T, String> {
    text.parse().map_err(|_| format!("event `{event}`: {what} `{text}` is not a number (expected {EXPECTED})"))
}

impl Stress {
    /// Parses one event.
    pub fn parse(text: &str) -> Result<Stress, String> {
        let mut it = text.splitn(3, ':');
        let (Some(ch), Some(pos), Some(kind)) = (it.next(), it.next(), it.next()) else {
            return Err(format!("event `{text}` is incomplete (expected {EXPECTED})"));
        };
        let channel = number(ch, "channel", text)?;
        let at = if let Some(n) = pos.strip_prefix("am") {
            At::Marker(number(n, "marker", text)?)
        } else if let Some(n) = pos.strip_prefix('b') {
            At::Block(number(n, "block", text)?)
        } else if let Some(w) = pos.strip_prefix('w') {
            let Some((m, h)) = w.split_once('.') else {
                return Err(format!("event `{text}`: position `{pos}` is not w<window>.<header> (expected {EXPECTED})"));
            };
            let header: u32 = number(h, "header", text)?;
            if header >= SH_WINDOW {
                return Err(format!("event `{text}`: header {header} is not in a window of {SH_WINDOW} (0..{})", SH_WINDOW - 1));
            }
            At::Window { window: number(m, "window", text)?, header }
        } else {
            At::Bit(number(pos, "bit", text)?)
        };
        let (kind, count) = match kind.split_once('*') {
            Some((k, n)) => (k, number::<u32>(n, "count", text)?),
            None => (kind, 1),
        };
        if count == 0 {
            return Err(format!("event `{text}`: a count of 0 does nothing (give 1 or more)"));
        }
        let kind = match kind {
            "flip" => StressKind::Channel(EventKind::BitError),
            "slip-drop" => StressKind::Channel(EventKind::Slip { drop: true }),
            "slip-repeat" => StressKind::Channel(EventKind::Slip { drop: false }),
            "kill" => StressKind::Channel(EventKind::Kill),
            "revive" => StressKind::Channel(EventKind::Revive),
            "header" => StressKind::Header,
            k => {
                if let Some(n) = k.strip_prefix("burst=") {
                    let len: u32 = number(n, "burst length", text)?;
                    if len == 0 {
                        return Err(format!("event `{text}`: a burst is at least 1 bit long"));
                    }
                    StressKind::Channel(EventKind::Burst { len })
                } else if let Some(n) = k.strip_prefix("am-byte=") {
                    let b: u8 = number(n, "marker byte", text)?;
                    if b > 7 {
                        return Err(format!("event `{text}`: marker byte {b} is not 0..7 (M0 M1 M2 BIP3 M4 M5 M6 BIP7)"));
                    }
                    StressKind::MarkerByte(b)
                } else if let Some(n) = k.strip_prefix("am-lane=") {
                    StressKind::MarkerLane(number(n, "lane", text)?)
                } else {
                    return Err(format!("event `{text}`: unknown kind `{k}` (expected {EXPECTED})"));
                }
            }
        };
        Ok(Stress { channel, at, kind, count })
    }

    /// Whether its position needs the model's block-lock times ([`At::Window`]).
    pub fn needs_lock_times(&self) -> bool {
        matches!(self.at, At::Window { .. })
    }
}

impl fmt::Display for Stress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.channel)?;
        match self.at {
            At::Bit(b) => write!(f, "{b}")?,
            At::Block(n) => write!(f, "b{n}")?,
            At::Marker(n) => write!(f, "am{n}")?,
            At::Window { window, header } => write!(f, "w{window}.{header}")?,
        }
        match self.kind {
            StressKind::Channel(EventKind::BitError) => write!(f, ":flip")?,
            StressKind::Channel(EventKind::Slip { drop: true }) => write!(f, ":slip-drop")?,
            StressKind::Channel(EventKind::Slip { drop: false }) => write!(f, ":slip-repeat")?,
            StressKind::Channel(EventKind::Kill) => write!(f, ":kill")?,
            StressKind::Channel(EventKind::Revive) => write!(f, ":revive")?,
            StressKind::Channel(EventKind::Burst { len }) => write!(f, ":burst={len}")?,
            StressKind::Header => write!(f, ":header")?,
            StressKind::MarkerByte(k) => write!(f, ":am-byte={k}")?,
            StressKind::MarkerLane(l) => write!(f, ":am-lane={l}")?,
        }
        if self.count != 1 {
            write!(f, "*{}", self.count)?;
        }
        Ok(())
    }
}

/// Block bit of payload bit `p`.
const fn payload_bit(p: u32) -> u64 {
    2 + p as u64
}

/// The plain events of `stress` on a link of `am_period` whose TX sends `map`, the
/// channel seeing the TX `delay_bits` late (marker slots move with it).
/// `lock_bit(channel)` is the TX bit where the window 0 of the first block lock of the
/// port receiving `channel` starts (needed only for [`At::Window`] positions; `None` when
/// that port never locks, which is an error naming the event).
pub fn resolve(
    stress: &[Stress],
    am_period: u32,
    delay_bits: u64,
    map: &LaneMap,
    mut lock_bit: impl FnMut(u32) -> Option<u64>,
) -> Result<Vec<ChannelEvent>, String> {
    let block = u64::from(BLOCK_BITS);
    let mut out = Vec::new();
    for s in stress {
        if s.channel >= map.channels() {
            return Err(format!("event `{s}`: channel {} is not one of the {} channels", s.channel, map.channels()));
        }
        for i in 0..u64::from(s.count) {
            let base = match s.at {
                At::Bit(b) => b + i,
                At::Block(n) => (n + i) * block,
                At::Marker(n) => (n + i) * u64::from(am_period) * block + delay_bits,
                At::Window { window, header } => {
                    let start = lock_bit(s.channel).ok_or_else(|| {
                        format!("event `{s}`: the port receiving channel {} never gains block lock, so it has no windows", s.channel)
                    })?;
                    start + (window * u64::from(SH_WINDOW) + u64::from(header) + i) * block
                }
            };
            let flip = |bit: u64| ChannelEvent { channel: s.channel, at_bit: bit, kind: EventKind::BitError };
            match s.kind {
                StressKind::Channel(kind) => out.push(ChannelEvent { channel: s.channel, at_bit: base, kind }),
                StressKind::Header => out.push(flip(base)),
                StressKind::MarkerByte(k) => out.push(flip(base + payload_bit(8 * u32::from(k)))),
                StressKind::MarkerLane(lane) => {
                    let own = if map.is_failed(s.channel) {
                        return Err(format!("event `{s}`: channel {} is failed in the lane map and sends no markers", s.channel));
                    } else {
                        map.lane_on(s.channel).map_or(SPARE_LANE, |l| l as u16)
                    };
                    let diff = own ^ lane;
                    for j in 0..16u32 {
                        if diff >> j & 1 == 1 {
                            let (m, c) = if j < 8 {
                                (field::M1 + j, field::M5 + j)
                            } else {
                                (field::M2 + j - 8, field::M6 + j - 8)
                            };
                            out.push(flip(base + payload_bit(m)));
                            out.push(flip(base + payload_bit(c)));
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_model::block::{Block, SyncHeader};
    use tessera_model::marker::MarkerRepr;

    #[test]
    fn parses_and_prints_every_form() {
        for t in [
            "3:9854:flip",
            "0:b40:header*16",
            "2:am7:am-byte=4*3",
            "1:w3.48:header*16",
            "5:am2:am-lane=9",
            "0:b10:burst=12",
            "4:b100:kill",
        ] {
            assert_eq!(Stress::parse(t).unwrap().to_string(), t);
        }
    }

    #[test]
    fn bad_events_say_what_is_wrong() {
        for (t, says) in [
            ("1:b4", "incomplete"),
            ("x:b4:header", "channel `x` is not a number"),
            ("1:w3:header", "not w<window>.<header>"),
            ("1:w3.64:header", "header 64 is not in a window of 64"),
            ("1:am2:am-byte=8", "marker byte 8 is not 0..7"),
            ("1:b2:header*0", "count of 0"),
            ("1:b2:wobble", "unknown kind `wobble`"),
            ("1:b2:burst=0", "at least 1 bit"),
        ] {
            let e = Stress::parse(t).unwrap_err();
            assert!(e.contains(says) && e.contains(t), "{t}: {e}");
        }
    }

    #[test]
    fn marker_events_hit_the_bytes_they_name() {
        let map = LaneMap::identity(4, 1);
        let at = |s: &str| resolve(&[Stress::parse(s).unwrap()], 16, 0, &map, |_| None).unwrap();
        // Marker 2 of a period of 16 starts at block 32; byte k bit 0 is payload bit 8k.
        assert_eq!(at("1:am2:am-byte=3")[0].at_bit, 32 * 66 + 2 + 24);
        assert_eq!(at("1:am2:am-byte=0*2").iter().map(|e| e.at_bit).collect::<Vec<_>>(), [32 * 66 + 2, 48 * 66 + 2]);
        // Rewriting lane 1's marker to lane 2: the flips applied to lane 1's marker make a
        // valid marker of lane 2.
        let m = MarkerRepr { lane: 1, bip: 0x5A }.emit().to_bits();
        let mut w = m;
        for e in at("1:am0:am-lane=2") {
            w ^= 1 << e.at_bit;
        }
        let b = Block::from_bits(w).unwrap();
        assert_eq!(b.header, SyncHeader::Control);
        assert_eq!(MarkerRepr::parse(b), Ok(MarkerRepr { lane: 2, bip: 0x5A }));
        let e = resolve(&[Stress::parse("9:am0:header").unwrap()], 16, 0, &map, |_| None).unwrap_err();
        assert!(e.contains("channel 9 is not one of the 5"), "{e}");
    }

    #[test]
    fn window_positions_count_from_the_lock() {
        let map = LaneMap::identity(1, 0);
        let ev = resolve(&[Stress::parse("0:w2.5:header*2").unwrap()], 16, 0, &map, |_| Some(1000)).unwrap();
        assert_eq!(ev.iter().map(|e| e.at_bit).collect::<Vec<_>>(), [1000 + (128 + 5) * 66, 1000 + (128 + 6) * 66]);
        let e = resolve(&[Stress::parse("0:w0.0:header").unwrap()], 16, 0, &map, |_| None).unwrap_err();
        assert!(e.contains("never gains block lock"), "{e}");
    }
}
