//! The lane map: which physical channel carries which logical lane, and lane repair
//! (`docs/spec.md` section "Lane map"; the normative rules are in `docs/lanemap.md`).
//!
//! A link has N logical (data) lanes and P = N + S physical channels, S of them spares.
//! A [`LaneMap`] sends logical lane `i` out on physical channel
//! [`channel_of(i)`](LaneMap::channel_of). Some channels may be *failed*: they are never
//! used. Healthy channels that carry no lane are *free spares*.
//!
//! ## Invariants
//!
//! Every [`LaneMap`] that exists satisfies all of these; every constructor checks them and
//! every mutation either keeps them or returns an error and leaves the map as it was.
//!
//! 1. `1 <= N <= MAX_LANES` and `N + S <= MAX_CHANNELS` (see [`crate::config`]).
//! 2. Every lane is on exactly one channel `< P`, and no channel carries two lanes: the
//!    map is a bijection from the N lanes onto N of the channels.
//! 3. No lane is on a failed channel. Hence at most S channels are failed, and the free
//!    spares number exactly `S - failed`.
//! 4. [`LaneMap::lane_on`] is the inverse of [`LaneMap::channel_of`]:
//!    `lane_on(channel_of(i)) == Some(i)` for every lane, and `lane_on(c)` is `None` for
//!    every channel that carries no lane.
//!
//! ## Repair
//!
//! [`LaneMap::repair`] marks channels failed and moves exactly the lanes that sat on the
//! newly failed channels, each to a free spare: lanes in ascending order take the free
//! spares in ascending order. The rule is deterministic, so a given sequence of failures
//! always gives the same map. [`LaneMap::restore`] makes a failed channel a free spare
//! again; no lane moves back.
//!
//! ## What may panic
//!
//! Nothing reachable from user input: every constructor and mutation that takes numbers
//! from a user returns a [`LaneMapError`] naming the lane and channel at fault. Two
//! functions state a caller's contract under `# Panics`: [`LaneMap::identity`] (sizes
//! already validated, e.g. by [`crate::LinkConfig`]) and [`LaneMap::channel_of`] (a lane
//! number below N).

use std::fmt;

use crate::config::{MAX_CHANNELS, MAX_LANES};

/// `lane_on` entry of a channel that carries no lane (a spare or a failed channel).
const NO_LANE: u32 = u32::MAX;

/// The assignment of logical lanes to physical channels, with the set of failed channels.
///
/// Build one with [`LaneMap::identity`], [`LaneMap::with_failed`] or
/// [`LaneMap::from_assignment`]; change it with [`LaneMap::repair`] and
/// [`LaneMap::restore`]. See the [module documentation](self) for the invariants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LaneMap {
    /// Data lanes N.
    lanes: u32,
    /// Spare channels S.
    spares: u32,
    /// Lane `i`'s channel; N entries.
    channel_of: Vec<u32>,
    /// Channel `c`'s lane, or [`NO_LANE`]; P entries.
    lane_on: Vec<u32>,
    /// Whether channel `c` is failed; P entries.
    failed: Vec<bool>,
    /// Number of `true` entries in `failed`.
    failed_count: u32,
}

/// One lane moved by a [`Repair`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaneMove {
    /// The logical lane that moved.
    pub lane: u32,
    /// The channel it was on (now failed).
    pub from: u32,
    /// The spare channel it is on now.
    pub to: u32,
}

/// What a [`LaneMap::repair`] did: the lanes it moved, in ascending lane order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Repair {
    /// Every lane moved, in ascending lane order; empty when no failed channel carried a lane.
    pub moves: Vec<LaneMove>,
}

/// Why a lane map could not be built or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LaneMapError {
    /// The link has zero lanes.
    #[error("a link needs at least one lane, but lanes = 0")]
    NoLanes,
    /// More lanes than lane numbers (`0xFFFF` is reserved for spares).
    #[error(
        "{lanes} lanes is more than the {max} a link may have (lane number 0xFFFF is \
         reserved for spares)",
        max = MAX_LANES
    )]
    TooManyLanes {
        /// Lanes asked for.
        lanes: u32,
    },
    /// More physical channels than a link may have.
    #[error(
        "{lanes} lanes + {spares} spares = {total} physical channels, more than the {max} a \
         link may have",
        total = u64::from(*.lanes) + u64::from(*.spares),
        max = MAX_CHANNELS
    )]
    TooManyChannels {
        /// Lanes asked for.
        lanes: u32,
        /// Spares asked for.
        spares: u32,
    },
    /// A channel number (of a failed channel, or to restore) that the link does not have.
    #[error(
        "channel {channel} does not exist: the link has {channels} physical channels \
         (0..={last})",
        last = .channels.saturating_sub(1)
    )]
    ChannelOutOfRange {
        /// The channel given.
        channel: u32,
        /// Physical channels P of the link.
        channels: u32,
    },
    /// An assignment puts a lane on a channel the link does not have.
    #[error(
        "lane {lane} is assigned channel {channel}, which does not exist: the link has \
         {channels} physical channels (0..={last})",
        last = .channels.saturating_sub(1)
    )]
    AssignedChannelOutOfRange {
        /// The lane whose channel is out of range.
        lane: u32,
        /// The channel given for it.
        channel: u32,
        /// Physical channels P of the link.
        channels: u32,
    },
    /// More channels failed than there are spares: the lanes no longer fit.
    #[error(
        "{failed_n} failed but the link has only {spares_n}: {lanes_n} cannot fit on \
         {healthy_n}",
        failed_n = count(*.failed, "channel", "channels"),
        spares_n = count(*.spares, "spare", "spares"),
        lanes_n = count(*.lanes, "lane", "lanes"),
        healthy_n = count(
            (u64::from(*.lanes) + u64::from(*.spares)).saturating_sub(u64::from(*.failed)),
            "healthy channel",
            "healthy channels"
        )
    )]
    TooManyFailures {
        /// Channels that would be failed (already failed plus newly failed, each once).
        failed: u32,
        /// Spare channels S of the link.
        spares: u32,
        /// Data lanes N of the link.
        lanes: u32,
    },
    /// An assignment puts two lanes on one channel: it is not a bijection.
    #[error(
        "channel {channel} is assigned twice, to lane {first_lane} and to lane \
         {second_lane}: a lane map must put every lane on its own channel"
    )]
    ChannelUsedTwice {
        /// The channel assigned twice.
        channel: u32,
        /// The first lane assigned to it.
        first_lane: u32,
        /// The second lane assigned to it.
        second_lane: u32,
    },
    /// An assignment puts a lane on a failed channel.
    #[error("lane {lane} is assigned channel {channel}, which is failed")]
    FailedChannelUsed {
        /// The lane.
        lane: u32,
        /// The failed channel given for it.
        channel: u32,
    },
    /// An assignment does not give exactly one channel per lane.
    #[error(
        "the assignment has {got} channels but the link has {expected} lanes: it needs one channel per lane"
    )]
    WrongLength {
        /// Lanes N of the link.
        expected: usize,
        /// Entries in the assignment.
        got: usize,
    },
    /// [`LaneMap::restore`] of a channel that is not failed.
    #[error("channel {channel} is not failed: only a failed channel can be restored")]
    NotFailed {
        /// The healthy channel given.
        channel: u32,
    },
}

/// `"1 lane"`, `"3 lanes"`: a count with its noun, for error messages.
fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

impl LaneMap {
    /// The identity map: lane `i` on channel `i`, channels `N..P` are free spares, no
    /// channel failed.
    ///
    /// # Panics
    /// If `lanes` is 0 or above `MAX_LANES`, or `lanes + spares` is above `MAX_CHANNELS`:
    /// the caller's contract, met by the sizes of any [`crate::LinkConfig`]. For unchecked
    /// numbers use `LaneMap::with_failed(lanes, spares, &[])`, which returns the error.
    pub fn identity(lanes: u32, spares: u32) -> LaneMap {
        match Self::with_failed(lanes, spares, &[]) {
            Ok(map) => map,
            Err(e) => panic!("LaneMap::identity({lanes}, {spares}): {e}"),
        }
    }

    /// Lanes in ascending order onto the healthy channels in ascending order, skipping the
    /// channels in `failed` (any order; repeats are fine). With no failures this is
    /// [`LaneMap::identity`].
    ///
    /// Errors: the sizes (see [`LaneMap::identity`]), a failed channel `>= P`
    /// ([`LaneMapError::ChannelOutOfRange`]), more failed channels than spares
    /// ([`LaneMapError::TooManyFailures`]).
    pub fn with_failed(lanes: u32, spares: u32, failed: &[u32]) -> Result<LaneMap, LaneMapError> {
        let mut map = Self::unassigned(lanes, spares, failed)?;
        let healthy: Vec<u32> = (0..map.channels()).filter(|&c| !map.is_failed(c)).collect();
        for (lane, &channel) in (0..lanes).zip(&healthy) {
            map.put(lane, channel);
        }
        Ok(map)
    }

    /// A map from a user-given assignment (a vector-file header, the command line):
    /// `channel_of[i]` is lane `i`'s channel; `failed` lists the failed channels (any order;
    /// repeats are fine).
    ///
    /// Checked in this order, the first problem found is the error: the sizes (see
    /// [`LaneMap::identity`]); `channel_of.len() == lanes`
    /// ([`LaneMapError::WrongLength`]); every failed channel exists
    /// ([`LaneMapError::ChannelOutOfRange`]) and they are at most S
    /// ([`LaneMapError::TooManyFailures`]); then lane by lane, in ascending order: its
    /// channel exists ([`LaneMapError::AssignedChannelOutOfRange`]), is not failed
    /// ([`LaneMapError::FailedChannelUsed`]) and carries no lower lane
    /// ([`LaneMapError::ChannelUsedTwice`]).
    pub fn from_assignment(
        lanes: u32,
        spares: u32,
        channel_of: &[u32],
        failed: &[u32],
    ) -> Result<LaneMap, LaneMapError> {
        check_sizes(lanes, spares)?;
        if channel_of.len() != lanes as usize {
            return Err(LaneMapError::WrongLength { expected: lanes as usize, got: channel_of.len() });
        }
        let mut map = Self::unassigned(lanes, spares, failed)?;
        let channels = map.channels();
        for (lane, &channel) in (0..lanes).zip(channel_of) {
            if channel >= channels {
                return Err(LaneMapError::AssignedChannelOutOfRange { lane, channel, channels });
            }
            if map.is_failed(channel) {
                return Err(LaneMapError::FailedChannelUsed { lane, channel });
            }
            if let Some(first_lane) = map.lane_on(channel) {
                return Err(LaneMapError::ChannelUsedTwice { channel, first_lane, second_lane: lane });
            }
            map.put(lane, channel);
        }
        Ok(map)
    }

    /// Data lanes N.
    pub fn lanes(&self) -> u32 {
        self.lanes
    }

    /// Spare channels S.
    pub fn spares(&self) -> u32 {
        self.spares
    }

    /// Physical channels P = N + S.
    pub fn channels(&self) -> u32 {
        self.lanes + self.spares
    }

    /// The channel that carries `lane`.
    ///
    /// # Panics
    /// If `lane >= N`: the caller's contract (lane numbers come from `0..lanes()`).
    pub fn channel_of(&self, lane: u32) -> u32 {
        assert!(lane < self.lanes, "lane {lane} does not exist: the map has {} lanes", self.lanes);
        self.channel_of[lane as usize]
    }

    /// The lane that `channel` carries; `None` for a spare, a failed channel, or a channel
    /// `>= P`.
    pub fn lane_on(&self, channel: u32) -> Option<u32> {
        self.lane_on.get(channel as usize).copied().filter(|&lane| lane != NO_LANE)
    }

    /// Whether `channel` is failed; `false` for a channel `>= P`.
    pub fn is_failed(&self, channel: u32) -> bool {
        self.failed.get(channel as usize).copied().unwrap_or(false)
    }

    /// Number of failed channels (at most S).
    pub fn failed_count(&self) -> u32 {
        self.failed_count
    }

    /// The failed channels, in ascending order.
    pub fn failed_channels(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.channels()).filter(|&c| self.failed[c as usize])
    }

    /// The free spares, healthy channels that carry no lane, in ascending order. There are
    /// always `spares() - failed_count()` of them.
    pub fn free_spares(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.channels()).filter(|&c| !self.failed[c as usize] && self.lane_on[c as usize] == NO_LANE)
    }

    /// The channel of every lane: entry `i` is [`LaneMap::channel_of`]`(i)`. This is the
    /// form [`LaneMap::from_assignment`] takes.
    pub fn assignment(&self) -> &[u32] {
        &self.channel_of
    }

    /// Marks the channels in `failed` failed (added to those already failed; any order,
    /// repeats and already-failed channels are fine) and moves every lane that sat on a
    /// newly failed channel to a free spare: those lanes in ascending order take the free
    /// spares in ascending order. No other lane moves.
    ///
    /// Returns the moves made. On error the map is unchanged:
    /// [`LaneMapError::ChannelOutOfRange`] for the first channel `>= P` in `failed`;
    /// [`LaneMapError::TooManyFailures`] when more than S channels would then be failed.
    ///
    /// Runs in O(P + k log k) for k channels in `failed`.
    pub fn repair(&mut self, failed: &[u32]) -> Result<Repair, LaneMapError> {
        let channels = self.channels();
        if let Some(&channel) = failed.iter().find(|&&c| c >= channels) {
            return Err(LaneMapError::ChannelOutOfRange { channel, channels });
        }
        let mut newly_failed: Vec<u32> = failed.iter().copied().filter(|&c| !self.is_failed(c)).collect();
        newly_failed.sort_unstable();
        newly_failed.dedup();
        // At most P entries after dedup, and P <= MAX_CHANNELS fits a u32.
        let total_failed = self.failed_count + newly_failed.len() as u32;
        if total_failed > self.spares {
            return Err(LaneMapError::TooManyFailures {
                failed: total_failed,
                spares: self.spares,
                lanes: self.lanes,
            });
        }

        // Nothing can fail from here on.
        for &channel in &newly_failed {
            self.failed[channel as usize] = true;
        }
        self.failed_count = total_failed;
        let mut displaced: Vec<u32> = newly_failed.iter().filter_map(|&c| self.lane_on(c)).collect();
        displaced.sort_unstable();
        // Free spares now exclude the newly failed channels. There are S - failed >= 0 of
        // them, and at least as many as the displaced lanes: the healthy channels number
        // P - failed >= N, and only N - displaced of them carry a lane.
        let targets: Vec<u32> = self.free_spares().take(displaced.len()).collect();
        assert_eq!(targets.len(), displaced.len(), "lane map invariant broken: too few free spares");

        let moves = displaced
            .into_iter()
            .zip(targets)
            .map(|(lane, to)| {
                let from = self.channel_of[lane as usize];
                self.lane_on[from as usize] = NO_LANE;
                self.put(lane, to);
                LaneMove { lane, from, to }
            })
            .collect();
        Ok(Repair { moves })
    }

    /// Marks a failed `channel` healthy again; it becomes a free spare and no lane moves
    /// back.
    ///
    /// Errors, leaving the map unchanged: [`LaneMapError::ChannelOutOfRange`] for a channel
    /// `>= P`; [`LaneMapError::NotFailed`] for a healthy channel (restoring a healthy
    /// channel is a mistake of the caller's bookkeeping, so it is reported, not ignored).
    pub fn restore(&mut self, channel: u32) -> Result<(), LaneMapError> {
        let channels = self.channels();
        if channel >= channels {
            return Err(LaneMapError::ChannelOutOfRange { channel, channels });
        }
        if !self.is_failed(channel) {
            return Err(LaneMapError::NotFailed { channel });
        }
        self.failed[channel as usize] = false;
        self.failed_count -= 1;
        Ok(())
    }

    /// A map of the checked sizes with the `failed` channels marked and no lane placed yet.
    fn unassigned(lanes: u32, spares: u32, failed: &[u32]) -> Result<LaneMap, LaneMapError> {
        check_sizes(lanes, spares)?;
        let channels = lanes + spares;
        let mut is_failed = vec![false; channels as usize];
        let mut failed_count = 0u32;
        for &channel in failed {
            let slot = is_failed
                .get_mut(channel as usize)
                .ok_or(LaneMapError::ChannelOutOfRange { channel, channels })?;
            if !*slot {
                *slot = true;
                failed_count += 1;
            }
        }
        if failed_count > spares {
            return Err(LaneMapError::TooManyFailures { failed: failed_count, spares, lanes });
        }
        Ok(LaneMap {
            lanes,
            spares,
            channel_of: vec![NO_LANE; lanes as usize],
            lane_on: vec![NO_LANE; channels as usize],
            failed: is_failed,
            failed_count,
        })
    }

    /// Puts `lane` on `channel`; the caller has checked both and cleared the lane's old
    /// channel.
    fn put(&mut self, lane: u32, channel: u32) {
        self.channel_of[lane as usize] = channel;
        self.lane_on[channel as usize] = lane;
    }
}

/// Checks invariant 1: `1 <= lanes <= MAX_LANES` and `lanes + spares <= MAX_CHANNELS`.
fn check_sizes(lanes: u32, spares: u32) -> Result<(), LaneMapError> {
    if lanes == 0 {
        return Err(LaneMapError::NoLanes);
    }
    if lanes > MAX_LANES {
        return Err(LaneMapError::TooManyLanes { lanes });
    }
    if u64::from(lanes) + u64::from(spares) > u64::from(MAX_CHANNELS) {
        return Err(LaneMapError::TooManyChannels { lanes, spares });
    }
    Ok(())
}

/// Write `items` separated by spaces, or `none`.
fn write_list(f: &mut fmt::Formatter<'_>, items: impl Iterator<Item = impl fmt::Display>) -> fmt::Result {
    let mut first = true;
    for item in items {
        write!(f, "{}{item}", if first { "" } else { " " })?;
        first = false;
    }
    if first {
        write!(f, "none")?;
    }
    Ok(())
}

impl fmt::Display for LaneMap {
    /// The compact human form, e.g.
    /// `lane->channel: 0->0 1->1 2->7; failed: 2; spares free: 5 6`
    /// (`none` for an empty list).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lane->channel: ")?;
        write_list(
            f,
            self.channel_of.iter().enumerate().map(|(lane, channel)| format!("{lane}->{channel}")),
        )?;
        write!(f, "; failed: ")?;
        write_list(f, self.failed_channels())?;
        write!(f, "; spares free: ")?;
        write_list(f, self.free_spares())
    }
}

impl fmt::Display for LaneMove {
    /// `lane 4: 4->10`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lane {}: {}->{}", self.lane, self.from, self.to)
    }
}

impl Repair {
    /// Whether no lane moved.
    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }
}

impl fmt::Display for Repair {
    /// The moves separated by `, `, e.g. `lane 2: 2->7, lane 4: 4->8`, or `no lane moved`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.moves.is_empty() {
            return write!(f, "no lane moved");
        }
        for (i, m) in self.moves.iter().enumerate() {
            write!(f, "{}{m}", if i == 0 { "" } else { ", " })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(e: LaneMapError) -> String {
        e.to_string()
    }

    /// Checks the invariants of the module documentation.
    fn check(map: &LaneMap) {
        let mut seen = vec![false; map.channels() as usize];
        for lane in 0..map.lanes() {
            let c = map.channel_of(lane);
            assert!(c < map.channels());
            assert!(!seen[c as usize], "channel {c} used twice");
            seen[c as usize] = true;
            assert!(!map.is_failed(c), "lane {lane} on failed channel {c}");
            assert_eq!(map.lane_on(c), Some(lane));
        }
        assert_eq!(map.failed_channels().count() as u32, map.failed_count());
        assert_eq!(map.free_spares().count() as u32, map.spares() - map.failed_count());
    }

    #[test]
    fn identity() {
        let map = LaneMap::identity(4, 2);
        check(&map);
        assert_eq!((map.lanes(), map.spares(), map.channels()), (4, 2, 6));
        assert_eq!(map.assignment(), &[0, 1, 2, 3]);
        assert_eq!(map.lane_on(4), None);
        assert_eq!(map.lane_on(6), None);
        assert_eq!(map.lane_on(3), Some(3));
        assert_eq!(map.failed_channels().count(), 0);
        assert_eq!(map.free_spares().collect::<Vec<_>>(), vec![4, 5]);
        assert!(!map.is_failed(99));
        assert_eq!(map.to_string(), "lane->channel: 0->0 1->1 2->2 3->3; failed: none; spares free: 4 5");
        assert_eq!(LaneMap::with_failed(4, 2, &[]).unwrap(), map);
    }

    #[test]
    #[should_panic(expected = "LaneMap::identity(0, 3): a link needs at least one lane")]
    fn identity_of_no_lanes_panics() {
        LaneMap::identity(0, 3);
    }

    #[test]
    #[should_panic(expected = "lane 4 does not exist: the map has 4 lanes")]
    fn channel_of_out_of_range_panics() {
        LaneMap::identity(4, 0).channel_of(4);
    }

    #[test]
    fn largest_link() {
        let map = LaneMap::identity(MAX_LANES, 1);
        assert_eq!(map.channels(), MAX_CHANNELS);
        assert_eq!(map.free_spares().collect::<Vec<_>>(), vec![MAX_LANES]);
    }

    #[test]
    fn with_failed_skips_failed_channels() {
        let map = LaneMap::with_failed(5, 3, &[6, 2, 2]).unwrap();
        check(&map);
        assert_eq!(map.assignment(), &[0, 1, 3, 4, 5]);
        assert_eq!(map.failed_channels().collect::<Vec<_>>(), vec![2, 6]);
        assert_eq!(map.free_spares().collect::<Vec<_>>(), vec![7]);
        assert_eq!(map.lane_on(2), None);
        assert_eq!(map.to_string(), "lane->channel: 0->0 1->1 2->3 3->4 4->5; failed: 2 6; spares free: 7");
    }

    #[test]
    fn from_assignment_accepts_a_bijection() {
        let map = LaneMap::from_assignment(3, 2, &[4, 0, 2], &[1]).unwrap();
        check(&map);
        assert_eq!(map.lane_on(4), Some(0));
        assert_eq!(map.free_spares().collect::<Vec<_>>(), vec![3]);
        let again = LaneMap::from_assignment(3, 2, map.assignment(), &[1]).unwrap();
        assert_eq!(again, map);
    }

    #[test]
    fn one_failure_with_a_free_spare_moves_one_lane() {
        let mut map = LaneMap::identity(5, 2);
        let repair = map.repair(&[2]).unwrap();
        check(&map);
        assert_eq!(repair.moves, vec![LaneMove { lane: 2, from: 2, to: 5 }]);
        assert_eq!(repair.to_string(), "lane 2: 2->5");
        assert_eq!(map.assignment(), &[0, 1, 5, 3, 4]);
        assert_eq!(map.to_string(), "lane->channel: 0->0 1->1 2->5 3->3 4->4; failed: 2; spares free: 6");
    }

    #[test]
    fn repair_moves_lanes_ascending_onto_lowest_spares() {
        let mut map = LaneMap::identity(6, 4);
        // Channel 7 is a spare: failing it moves nothing but takes it out of the pool.
        let repair = map.repair(&[4, 7, 1, 4]).unwrap();
        check(&map);
        assert_eq!(
            repair.moves,
            vec![LaneMove { lane: 1, from: 1, to: 6 }, LaneMove { lane: 4, from: 4, to: 8 }]
        );
        assert_eq!(repair.to_string(), "lane 1: 1->6, lane 4: 4->8");
        assert_eq!(map.free_spares().collect::<Vec<_>>(), vec![9]);
    }

    #[test]
    fn repair_of_spares_and_failed_channels_moves_nothing() {
        let mut map = LaneMap::with_failed(3, 2, &[0]).unwrap();
        let repair = map.repair(&[0, 4, 0]).unwrap();
        assert!(repair.is_empty());
        assert_eq!(repair.to_string(), "no lane moved");
        assert_eq!(map.failed_channels().collect::<Vec<_>>(), vec![0, 4]);
        assert_eq!(map.free_spares().count(), 0);
        check(&map);
    }

    #[test]
    fn repair_error_leaves_map_unchanged() {
        let mut map = LaneMap::identity(4, 1);
        map.repair(&[0]).unwrap();
        let before = map.clone();
        assert!(matches!(
            map.repair(&[1]),
            Err(LaneMapError::TooManyFailures { failed: 2, spares: 1, lanes: 4 })
        ));
        assert_eq!(map, before);
        assert!(matches!(
            map.repair(&[0, 5]),
            Err(LaneMapError::ChannelOutOfRange { channel: 5, channels: 5 })
        ));
        assert_eq!(map, before);
    }

    #[test]
    fn restore_makes_a_free_spare() {
        let mut map = LaneMap::identity(3, 1);
        map.repair(&[1]).unwrap();
        assert_eq!(map.assignment(), &[0, 3, 2]);
        map.restore(1).unwrap();
        check(&map);
        assert!(!map.is_failed(1));
        assert_eq!(map.assignment(), &[0, 3, 2], "no lane moves back");
        assert_eq!(map.free_spares().collect::<Vec<_>>(), vec![1]);
        // The restored channel is the spare of the next repair.
        let repair = map.repair(&[0]).unwrap();
        assert_eq!(repair.moves, vec![LaneMove { lane: 0, from: 0, to: 1 }]);
        check(&map);
    }

    #[test]
    fn restore_errors() {
        let mut map = LaneMap::identity(3, 1);
        let before = map.clone();
        assert_eq!(
            message(map.restore(2).unwrap_err()),
            "channel 2 is not failed: only a failed channel can be restored"
        );
        assert_eq!(
            message(map.restore(4).unwrap_err()),
            "channel 4 does not exist: the link has 4 physical channels (0..=3)"
        );
        assert_eq!(map, before);
    }

    #[test]
    fn size_error_messages() {
        assert_eq!(
            message(LaneMap::with_failed(0, 2, &[]).unwrap_err()),
            "a link needs at least one lane, but lanes = 0"
        );
        assert_eq!(
            message(LaneMap::with_failed(65_536, 0, &[]).unwrap_err()),
            "65536 lanes is more than the 65535 a link may have (lane number 0xFFFF is reserved for spares)"
        );
        assert_eq!(
            message(LaneMap::with_failed(65_535, 2, &[]).unwrap_err()),
            "65535 lanes + 2 spares = 65537 physical channels, more than the 65536 a link may have"
        );
        assert_eq!(
            message(LaneMap::from_assignment(10, u32::MAX, &[], &[]).unwrap_err()),
            "10 lanes + 4294967295 spares = 4294967305 physical channels, more than the 65536 a link may have"
        );
    }

    #[test]
    fn failure_error_messages() {
        assert_eq!(
            message(LaneMap::with_failed(6, 2, &[9]).unwrap_err()),
            "channel 9 does not exist: the link has 8 physical channels (0..=7)"
        );
        assert_eq!(
            message(LaneMap::with_failed(5, 2, &[0, 3, 6]).unwrap_err()),
            "3 channels failed but the link has only 2 spares: 5 lanes cannot fit on 4 healthy channels"
        );
        assert_eq!(
            message(LaneMap::with_failed(1, 0, &[0]).unwrap_err()),
            "1 channel failed but the link has only 0 spares: 1 lane cannot fit on 0 healthy channels"
        );
        let mut map = LaneMap::identity(2, 1);
        assert_eq!(
            message(map.repair(&[0, 1]).unwrap_err()),
            "2 channels failed but the link has only 1 spare: 2 lanes cannot fit on 1 healthy channel"
        );
    }

    #[test]
    fn assignment_error_messages() {
        assert_eq!(
            message(LaneMap::from_assignment(3, 1, &[0, 1], &[]).unwrap_err()),
            "the assignment has 2 channels but the link has 3 lanes: it needs one channel per lane"
        );
        assert_eq!(
            message(LaneMap::from_assignment(3, 1, &[0, 4, 1], &[]).unwrap_err()),
            "lane 1 is assigned channel 4, which does not exist: the link has 4 physical channels (0..=3)"
        );
        assert_eq!(
            message(LaneMap::from_assignment(3, 1, &[2, 1, 2], &[]).unwrap_err()),
            "channel 2 is assigned twice, to lane 0 and to lane 2: a lane map must put every lane on its own channel"
        );
        assert_eq!(
            message(LaneMap::from_assignment(3, 1, &[0, 1, 2], &[1]).unwrap_err()),
            "lane 1 is assigned channel 1, which is failed"
        );
        assert_eq!(
            message(LaneMap::from_assignment(3, 1, &[0, 1, 2], &[4]).unwrap_err()),
            "channel 4 does not exist: the link has 4 physical channels (0..=3)"
        );
        assert_eq!(
            message(LaneMap::from_assignment(3, 1, &[0, 1, 3], &[1, 2]).unwrap_err()),
            "2 channels failed but the link has only 1 spare: 3 lanes cannot fit on 2 healthy channels"
        );
    }

    #[test]
    fn repair_of_many_lanes_on_the_largest_link() {
        // 65536 channels, 5000 lanes displaced at once (O(P log P), so this stays quick).
        let mut map = LaneMap::identity(60_000, 5_536);
        let failed: Vec<u32> = (0..60_000).step_by(12).collect();
        let repair = map.repair(&failed).unwrap();
        assert_eq!(repair.moves.len(), 5_000);
        assert_eq!(repair.moves[0], LaneMove { lane: 0, from: 0, to: 60_000 });
        assert_eq!(repair.moves[4_999], LaneMove { lane: 59_988, from: 59_988, to: 64_999 });
        check(&map);
    }
}
