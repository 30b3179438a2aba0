//! Property tests of the lane mapper (`docs/lanemap.md`).
//!
//! * Plain proptests: `with_failed` and `from_assignment` build bijections onto healthy
//!   channels, one more failure moves at most one lane, too many failures are an error
//!   that names the counts.
//! * A state-machine test: random sequences of failures and restores against a naive
//!   reference model that implements the repair rule on its own (lowest free spare first,
//!   lanes in ascending order); after every step the real map must satisfy the invariants
//!   and agree with the reference exactly, and every error must leave the map unchanged.
//!
//! Failing cases are shrunk and their seeds saved in `proptest-regressions/lanemap.txt`
//! (relative to the package root, where `cargo test` runs), so a failure replays first on
//! the next run.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::sample::{select, subsequence, Index};
use proptest::test_runner::FileFailurePersistence;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use tessera_model::lanemap::{LaneMap, LaneMapError, LaneMove};

/// Where every test of this file saves the seeds of its failures.
const REGRESSIONS: &str = "proptest-regressions/lanemap.txt";

/// The configuration of every test in this file: `cases` cases, failures persisted in
/// [`REGRESSIONS`].
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(REGRESSIONS))),
        ..ProptestConfig::default()
    }
}

/// Checks every invariant of `docs/lanemap.md` on `map`; the error says which one broke.
fn invariants(map: &LaneMap) -> Result<(), String> {
    let (lanes, spares, channels) = (map.lanes(), map.spares(), map.channels());
    if channels != lanes + spares {
        return Err(format!("channels() = {channels}, not lanes + spares = {}", lanes + spares));
    }
    if map.assignment().len() != lanes as usize {
        return Err(format!("assignment has {} entries for {lanes} lanes", map.assignment().len()));
    }
    let mut used_by = vec![None; channels as usize];
    for lane in 0..lanes {
        let c = map.channel_of(lane);
        if c >= channels {
            return Err(format!("lane {lane} on channel {c}, but there are only {channels} channels"));
        }
        if map.assignment()[lane as usize] != c {
            return Err(format!(
                "assignment()[{lane}] = {} but channel_of({lane}) = {c}",
                map.assignment()[lane as usize]
            ));
        }
        if let Some(other) = used_by[c as usize].replace(lane) {
            return Err(format!("channel {c} carries both lane {other} and lane {lane}: not a bijection"));
        }
        if map.is_failed(c) {
            return Err(format!("lane {lane} is on failed channel {c}"));
        }
        if map.lane_on(c) != Some(lane) {
            return Err(format!(
                "lane_on(channel_of({lane}) = {c}) = {:?}, not Some({lane})",
                map.lane_on(c)
            ));
        }
    }
    for c in 0..channels {
        match map.lane_on(c) {
            Some(lane) if lane >= lanes || map.channel_of(lane) != c => {
                return Err(format!("lane_on({c}) = {lane}, but channel_of({lane}) is not {c}"));
            }
            Some(_) => {}
            None if used_by[c as usize].is_some() => {
                return Err(format!("channel {c} carries a lane but lane_on({c}) is None"));
            }
            None => {}
        }
    }
    let failed: Vec<u32> = (0..channels).filter(|&c| map.is_failed(c)).collect();
    let listed: Vec<u32> = map.failed_channels().collect();
    if listed != failed {
        return Err(format!("failed_channels() = {listed:?}, but is_failed says {failed:?}"));
    }
    if map.failed_count() as usize != failed.len() || failed.len() > spares as usize {
        return Err(format!(
            "failed_count() = {}, {} failed, {spares} spares",
            map.failed_count(),
            failed.len()
        ));
    }
    let free: Vec<u32> = (0..channels).filter(|&c| !map.is_failed(c) && map.lane_on(c).is_none()).collect();
    let listed: Vec<u32> = map.free_spares().collect();
    if listed != free {
        return Err(format!(
            "free_spares() = {listed:?}, but the healthy channels carrying no lane are {free:?}"
        ));
    }
    if free.len() != (spares as usize - failed.len()) {
        return Err(format!(
            "{} free spares, expected spares - failed = {}",
            free.len(),
            spares as usize - failed.len()
        ));
    }
    if map.lane_on(channels).is_some() || map.is_failed(channels) {
        return Err(format!("channel {channels} does not exist but lane_on or is_failed says otherwise"));
    }
    Ok(())
}

/// The healthy channels of a link of `channels` channels with `failed` failed, ascending.
fn healthy(channels: u32, failed: &[u32]) -> Vec<u32> {
    (0..channels).filter(|c| !failed.contains(c)).collect()
}

/// `(lanes, spares, failed)`: N in 1..=300, S in 0..=40, a failed list of `failures`
/// distinct channels (clamped to P) in random order, plus a few repeats of them.
fn link_with_failures(
    failures: impl Fn(u32, u32) -> std::ops::RangeInclusive<usize> + 'static,
) -> impl Strategy<Value = (u32, u32, Vec<u32>)> {
    (1u32..=300, 0u32..=40).prop_flat_map(move |(lanes, spares)| {
        let channels = lanes + spares;
        let all: Vec<u32> = (0..channels).collect();
        let range = failures(lanes, spares);
        let range = (*range.start()).min(channels as usize)..=(*range.end()).min(channels as usize);
        (
            Just(lanes),
            Just(spares),
            subsequence(all, range).prop_shuffle(),
            proptest::collection::vec(any::<Index>(), 0..3),
        )
            .prop_map(|(lanes, spares, mut failed, repeats)| {
                if !failed.is_empty() {
                    let again: Vec<u32> = repeats.iter().map(|i| failed[i.index(failed.len())]).collect();
                    failed.extend(again);
                }
                (lanes, spares, failed)
            })
    })
}

/// The distinct channels of `failed`, ascending.
fn distinct(failed: &[u32]) -> Vec<u32> {
    failed.iter().copied().collect::<BTreeSet<_>>().into_iter().collect()
}

proptest! {
    #![proptest_config(config(256))]

    /// `with_failed` with at most S failures: a bijection from the lanes onto the lowest N
    /// healthy channels, no failed channel used, `lane_on` and `channel_of` inverse.
    #[test]
    fn with_failed_is_a_bijection_onto_healthy_channels(
        (lanes, spares, failed) in link_with_failures(|_, spares| 0..=spares as usize)
    ) {
        let map = LaneMap::with_failed(lanes, spares, &failed);
        prop_assert!(map.is_ok(), "N={} S={} failed={:?}: {:?}", lanes, spares, failed, map);
        let map = map.unwrap();
        invariants(&map).map_err(|e| TestCaseError::fail(format!("N={lanes} S={spares} failed={failed:?}: {e}")))?;
        prop_assert_eq!(map.failed_channels().collect::<Vec<_>>(), distinct(&failed), "failed set");
        let expected = &healthy(lanes + spares, &failed)[..lanes as usize];
        prop_assert_eq!(map.assignment(), expected, "lanes ascending onto healthy channels ascending");
        for lane in 0..lanes {
            prop_assert_eq!(map.lane_on(map.channel_of(lane)), Some(lane), "lane_on(channel_of({}))", lane);
        }
        for c in 0..map.channels() {
            if let Some(lane) = map.lane_on(c) {
                prop_assert_eq!(map.channel_of(lane), c, "channel_of(lane_on({}))", c);
            }
        }
    }

    /// One more failure after `with_failed`: exactly the lane on that channel moves (to the
    /// lowest free spare), or none if it carried no lane; beyond S failures it is an error
    /// and the map is unchanged.
    #[test]
    fn one_more_failure_moves_at_most_one_lane(
        (lanes, spares, failed) in link_with_failures(|_, spares| 0..=spares as usize),
        extra in any::<Index>(),
    ) {
        let mut map = LaneMap::with_failed(lanes, spares, &failed).unwrap();
        let before = map.clone();
        let channel = extra.index(map.channels() as usize) as u32;
        let case = format!("N={lanes} S={spares} failed={failed:?}, then channel {channel}");
        let result = map.repair(&[channel]);
        if before.is_failed(channel) {
            prop_assert_eq!(result, Ok(Default::default()), "{}: already failed, nothing moves", &case);
            prop_assert_eq!(&map, &before, "{}: map unchanged", &case);
        } else if before.failed_count() == spares {
            let expected = LaneMapError::TooManyFailures { failed: spares + 1, spares, lanes };
            prop_assert_eq!(result, Err(expected), "{}: no spare left", &case);
            prop_assert_eq!(&map, &before, "{}: an error leaves the map unchanged", &case);
        } else {
            let repair = result.map_err(|e| TestCaseError::fail(format!("{case}: {e}")))?;
            match before.lane_on(channel) {
                Some(lane) => {
                    let to = before.free_spares().next().unwrap();
                    prop_assert_eq!(repair.moves, vec![LaneMove { lane, from: channel, to }], "{}: one lane moves", &case);
                }
                None => prop_assert!(repair.moves.is_empty(), "{}: a spare failed, but {} moved", case, repair),
            }
            for lane in 0..lanes {
                if before.channel_of(lane) != channel {
                    prop_assert_eq!(map.channel_of(lane), before.channel_of(lane), "{}: lane {} must stay", &case, lane);
                }
            }
            prop_assert!(map.is_failed(channel), "{}: channel now failed", case);
            invariants(&map).map_err(|e| TestCaseError::fail(format!("{case}: {e}")))?;
        }
    }

    /// More than S failures: `with_failed`, `from_assignment` and `repair` all refuse with
    /// an error whose message names the failed, spare, lane and healthy-channel counts.
    #[test]
    fn too_many_failures_names_the_counts(
        (lanes, spares, failed) in link_with_failures(|lanes, spares| spares as usize + 1..=(spares + lanes) as usize)
    ) {
        let count = distinct(&failed).len() as u32;
        let channels = lanes + spares;
        let case = format!("N={lanes} S={spares} failed={failed:?}");
        let expected = LaneMapError::TooManyFailures { failed: count, spares, lanes };
        let err = LaneMap::with_failed(lanes, spares, &failed).unwrap_err();
        prop_assert_eq!(&err, &expected, "{}: with_failed", &case);
        let message = err.to_string();
        for needle in [
            format!("{count} channel"),
            format!("only {spares} spare"),
            format!("{lanes} lane"),
            format!("on {} healthy channel", channels - count),
        ] {
            prop_assert!(message.contains(&needle), "{}: message {:?} lacks {:?}", case, message, needle);
        }
        let assignment: Vec<u32> = (0..lanes).collect();
        prop_assert_eq!(
            LaneMap::from_assignment(lanes, spares, &assignment, &failed),
            Err(expected.clone()),
            "{}: from_assignment", &case
        );
        // The same failures arriving as a repair of a map that has used up some spares.
        let first: Vec<u32> = distinct(&failed).into_iter().take(spares as usize).collect();
        let mut map = LaneMap::with_failed(lanes, spares, &first).unwrap();
        let before = map.clone();
        prop_assert_eq!(map.repair(&failed), Err(expected), "{}: repair", &case);
        prop_assert_eq!(&map, &before, "{}: an error leaves the map unchanged", &case);
    }

    /// `from_assignment` accepts any injective assignment onto healthy channels, and names
    /// both lanes of a channel used twice and the lane on a failed channel.
    #[test]
    fn from_assignment_accepts_exactly_the_bijections(
        (lanes, spares, failed, channels) in link_with_failures(|_, spares| 0..=spares as usize)
            .prop_flat_map(|(lanes, spares, failed)| {
                let shuffled = Just(healthy(lanes + spares, &failed)).prop_shuffle();
                (Just(lanes), Just(spares), Just(failed), shuffled)
            }),
        pick in (any::<Index>(), any::<Index>(), any::<Index>()),
    ) {
        // A random injective assignment onto the healthy channels.
        let assignment = &channels[..lanes as usize];
        let case = format!("N={lanes} S={spares} failed={failed:?} assignment={assignment:?}");
        let map = LaneMap::from_assignment(lanes, spares, assignment, &failed)
            .map_err(|e| TestCaseError::fail(format!("{case}: {e}")))?;
        invariants(&map).map_err(|e| TestCaseError::fail(format!("{case}: {e}")))?;
        prop_assert_eq!(map.assignment(), assignment, "{}: assignment kept", &case);
        prop_assert_eq!(map.failed_channels().collect::<Vec<_>>(), distinct(&failed), "{}: failed set", &case);

        if lanes >= 2 {
            let first = pick.0.index(lanes as usize - 1) as u32;
            let second = first + 1 + pick.1.index((lanes - first - 1) as usize) as u32;
            let mut twice = assignment.to_vec();
            twice[second as usize] = twice[first as usize];
            let channel = twice[first as usize];
            prop_assert_eq!(
                LaneMap::from_assignment(lanes, spares, &twice, &failed),
                Err(LaneMapError::ChannelUsedTwice { channel, first_lane: first, second_lane: second }),
                "{}: lanes {} and {} on one channel", &case, first, second
            );
        }
        if !failed.is_empty() {
            let lane = pick.0.index(lanes as usize) as u32;
            let channel = failed[pick.2.index(failed.len())];
            let mut on_failed = assignment.to_vec();
            on_failed[lane as usize] = channel;
            prop_assert_eq!(
                LaneMap::from_assignment(lanes, spares, &on_failed, &failed),
                Err(LaneMapError::FailedChannelUsed { lane, channel }),
                "{}: lane {} on failed channel {}", &case, lane, channel
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// State machine: the real map against a naive reference.

/// One step of the state machine.
#[derive(Debug, Clone)]
enum Step {
    /// `repair(&[channel])`.
    Fail(u32),
    /// `repair(&channels)`, repeats and already failed channels included.
    FailMany(Vec<u32>),
    /// `restore(channel)`.
    Restore(u32),
}

/// What the reference says the last step must return.
#[derive(Debug, Clone, PartialEq)]
enum Expected {
    /// Nothing yet (the initial state).
    Nothing,
    /// The result of a `repair`: the moves, or the error.
    Repair(Result<Vec<LaneMove>, LaneMapError>),
    /// The result of a `restore`.
    Restore(Result<(), LaneMapError>),
}

/// The reference model: a set of failed channels and a plain lane -> channel vector.
#[derive(Debug, Clone)]
struct Reference {
    lanes: u32,
    spares: u32,
    failed: BTreeSet<u32>,
    channel_of: Vec<u32>,
    expected: Expected,
}

impl Reference {
    fn channels(&self) -> u32 {
        self.lanes + self.spares
    }

    /// Naive repair: check every channel, count the failures, then lane by lane in
    /// ascending order move each lane on a failed channel to the lowest channel that is
    /// neither failed nor used by any lane.
    fn repair(&mut self, channels: &[u32]) -> Result<Vec<LaneMove>, LaneMapError> {
        let p = self.channels();
        if let Some(&channel) = channels.iter().find(|&&c| c >= p) {
            return Err(LaneMapError::ChannelOutOfRange { channel, channels: p });
        }
        let mut failed = self.failed.clone();
        failed.extend(channels.iter().copied());
        if failed.len() > self.spares as usize {
            return Err(LaneMapError::TooManyFailures {
                failed: failed.len() as u32,
                spares: self.spares,
                lanes: self.lanes,
            });
        }
        let mut moves = Vec::new();
        for lane in 0..self.lanes {
            let from = self.channel_of[lane as usize];
            if failed.contains(&from) {
                let to = (0..p)
                    .find(|c| !failed.contains(c) && !self.channel_of.contains(c))
                    .expect("at most S failures leave a free spare for every displaced lane");
                self.channel_of[lane as usize] = to;
                moves.push(LaneMove { lane, from, to });
            }
        }
        self.failed = failed;
        Ok(moves)
    }

    /// Naive restore.
    fn restore(&mut self, channel: u32) -> Result<(), LaneMapError> {
        if channel >= self.channels() {
            return Err(LaneMapError::ChannelOutOfRange { channel, channels: self.channels() });
        }
        if !self.failed.remove(&channel) {
            return Err(LaneMapError::NotFailed { channel });
        }
        Ok(())
    }
}

/// The reference state machine of [`Reference`].
struct LaneMapMachine;

impl ReferenceStateMachine for LaneMapMachine {
    type State = Reference;
    type Transition = Step;

    /// A small link (N in 1..=24, S in 0..=6) built by `with_failed` from up to S failures:
    /// lanes ascending onto the healthy channels ascending.
    fn init_state() -> BoxedStrategy<Reference> {
        (1u32..=24, 0u32..=6)
            .prop_flat_map(|(lanes, spares)| {
                let all: Vec<u32> = (0..lanes + spares).collect();
                (Just(lanes), Just(spares), subsequence(all, 0..=spares as usize))
            })
            .prop_map(|(lanes, spares, failed)| {
                let failed: BTreeSet<u32> = failed.into_iter().collect();
                let channel_of =
                    (0..lanes + spares).filter(|c| !failed.contains(c)).take(lanes as usize).collect();
                Reference { lanes, spares, failed, channel_of, expected: Expected::Nothing }
            })
            .boxed()
    }

    /// Channels up to P + 1, so that a few steps name a channel that does not exist;
    /// restores mostly of failed channels.
    fn transitions(state: &Reference) -> BoxedStrategy<Step> {
        let channel = 0..state.channels() + 2;
        let failed: Vec<u32> = state.failed.iter().copied().collect();
        let restore = if failed.is_empty() {
            channel.clone().prop_map(Step::Restore).boxed()
        } else {
            prop_oneof![3 => select(failed).prop_map(Step::Restore), 1 => channel.clone().prop_map(Step::Restore)]
                .boxed()
        };
        prop_oneof![
            4 => channel.clone().prop_map(Step::Fail),
            2 => proptest::collection::vec(channel, 0..=4).prop_map(Step::FailMany),
            3 => restore,
        ]
        .boxed()
    }

    /// Steps name channels below P + 2 (shrinking the initial state may lower P).
    fn preconditions(state: &Reference, step: &Step) -> bool {
        let limit = state.channels() + 2;
        match step {
            Step::Fail(c) | Step::Restore(c) => *c < limit,
            Step::FailMany(cs) => cs.iter().all(|&c| c < limit),
        }
    }

    fn apply(mut state: Reference, step: &Step) -> Reference {
        state.expected = match step {
            Step::Fail(c) => Expected::Repair(state.repair(&[*c])),
            Step::FailMany(cs) => Expected::Repair(state.repair(cs)),
            Step::Restore(c) => Expected::Restore(state.restore(*c)),
        };
        state
    }
}

/// The real [`LaneMap`] driven by [`LaneMapMachine`].
struct LaneMapTest;

impl StateMachineTest for LaneMapTest {
    type SystemUnderTest = LaneMap;
    type Reference = LaneMapMachine;

    fn init_test(reference: &Reference) -> LaneMap {
        let failed: Vec<u32> = reference.failed.iter().copied().collect();
        LaneMap::with_failed(reference.lanes, reference.spares, &failed)
            .unwrap_or_else(|e| panic!("with_failed of {reference:?}: {e}"))
    }

    fn apply(mut map: LaneMap, reference: &Reference, step: Step) -> LaneMap {
        let before = map.clone();
        let got = match &step {
            Step::Fail(c) => Expected::Repair(map.repair(&[*c]).map(|r| r.moves)),
            Step::FailMany(cs) => Expected::Repair(map.repair(cs).map(|r| r.moves)),
            Step::Restore(c) => Expected::Restore(map.restore(*c)),
        };
        assert_eq!(got, reference.expected, "{step:?} on {before}: result differs from the reference");
        match &got {
            Expected::Repair(Err(_)) | Expected::Restore(Err(_)) => {
                assert_eq!(map, before, "{step:?} failed, so the map must be unchanged");
            }
            Expected::Repair(Ok(moves)) => {
                for lane in 0..map.lanes() {
                    let moved = moves.iter().any(|m| m.lane == lane);
                    let from = before.channel_of(lane);
                    assert_eq!(
                        moved,
                        map.is_failed(from),
                        "{step:?} on {before}: lane {lane} on channel {from} must move iff its channel failed"
                    );
                    if !moved {
                        assert_eq!(map.channel_of(lane), from, "{step:?} on {before}: lane {lane} moved");
                    }
                }
            }
            Expected::Restore(Ok(())) => {
                assert_eq!(map.assignment(), before.assignment(), "{step:?}: restore moves no lane");
            }
            Expected::Nothing => unreachable!("every step gives a result"),
        }
        map
    }

    fn check_invariants(map: &LaneMap, reference: &Reference) {
        if let Err(e) = invariants(map) {
            panic!("{map}: {e}");
        }
        assert_eq!((map.lanes(), map.spares()), (reference.lanes, reference.spares), "sizes");
        let failed: BTreeSet<u32> = map.failed_channels().collect();
        assert_eq!(failed, reference.failed, "{map}: failed set differs from the reference");
        assert_eq!(
            map.assignment(),
            &reference.channel_of[..],
            "{map}: assignment differs from the reference"
        );
    }
}

prop_state_machine! {
    #![proptest_config(config(256))]

    /// Random sequences of failures and restores: the real map keeps its invariants and
    /// agrees with the naive reference after every step.
    #[test]
    fn lane_map_follows_the_reference(sequential 1..48 => LaneMapTest);
}
