//! Functional coverage: named cover points the model counts while it runs.
//!
//! Every point is a [`Cover`] with a stable dotted name (`block_lock.gained`), and the
//! meaning of each, with how a run reaches it, is `docs/coverage.md`. The receiver, the
//! deskew, the transmitter and the channel model each count the points of their part in a
//! [`Coverage`] (an array of counters, one add per hit, nothing allocated); the clocked
//! machine adds the configuration and reset points and sums them all. Counting never
//! changes what the model outputs.
//!
//! A [`Coverage`] is written as text, one point per line in the order of [`Cover::ALL`]:
//!
//! ```text
//! # tessera coverage 1
//! block_lock.gained 12
//! block_lock.slip 3510
//! ```
//!
//! and [`Coverage::parse`] reads it back; [`Coverage::merge`] adds one into another, so the
//! files of a regression's shards add up to the whole regression's coverage.
//!
//! Nothing here panics.

macro_rules! cover_points {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $meaning:literal;)*) => {
        /// One named cover point (`docs/coverage.md`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Cover {
            $($(#[$doc])* $variant,)*
        }

        impl Cover {
            /// Every point, in the order of `docs/coverage.md`.
            pub const ALL: &'static [Cover] = &[$(Cover::$variant),*];
            const NAMES: &'static [&'static str] = &[$($name),*];
            const MEANINGS: &'static [&'static str] = &[$($meaning),*];
        }
    };
}

cover_points! {
    // Block lock (docs/spec.md 11.1).
    BlockLockGained = "block_lock.gained", "64 valid sync headers in a row gained block lock";
    BlockLockSlip = "block_lock.slip", "an invalid header while hunting slipped the boundary one bit";
    BlockLockLostWindowStart = "block_lock.lost.window_start",
        "lock lost at the 16th invalid header, the window's 16th header (its first 16 all invalid)";
    BlockLockLostWindowMiddle = "block_lock.lost.window_middle",
        "lock lost at the 16th invalid header, window header 17 to 63";
    BlockLockLostWindowEnd = "block_lock.lost.window_end",
        "lock lost at the 16th invalid header, the window's last (64th) header";
    BlockLockWindow15 = "block_lock.window_15_invalid",
        "a window of 64 headers closed with exactly 15 invalid ones, lock kept";
    // Marker lock (docs/spec.md 11.2).
    MarkerLockConfirmed = "marker_lock.confirmed", "a candidate marker confirmed one period later: lock gained";
    MarkerLockCandidateReplaced = "marker_lock.candidate_replaced",
        "a candidate's due slot held a valid marker of another lane, the new candidate";
    MarkerLockCandidateDropped = "marker_lock.candidate_dropped",
        "a candidate's due slot held no valid marker: back to hunting";
    MarkerLockOtherLane = "marker_lock.other_lane",
        "locked, a valid marker of another lane in the slot: lock lost, that marker the new candidate";
    MarkerLockRecovered1 = "marker_lock.recovered_after_1", "a valid marker after 1 bad marker slot";
    MarkerLockRecovered2 = "marker_lock.recovered_after_2", "a valid marker after 2 bad marker slots in a row";
    MarkerLockRecovered3 = "marker_lock.recovered_after_3", "a valid marker after 3 bad marker slots in a row";
    MarkerLockLost4 = "marker_lock.lost_4th_bad", "marker lock lost at the 4th bad marker slot in a row";
    // Marker match at a due marker slot (docs/spec.md 5, 11.2).
    MarkerValid = "marker.valid", "a valid marker of the locked or candidate lane in its slot";
    MarkerRejectHeader = "marker.reject.header", "a marker slot whose block is not a control block";
    MarkerRejectSignature = "marker.reject.signature", "a marker slot's control block with M0 not the signature";
    MarkerRejectM0M4 = "marker.reject.m0_m4", "a marker slot with the right M0 and M4 not its complement";
    MarkerRejectM1M5 = "marker.reject.m1_m5", "a marker slot with M0/M4 right and M5 not the complement of M1";
    MarkerRejectM2M6 = "marker.reject.m2_m6", "a marker slot with M0..M1/M4..M5 right and M6 not the complement of M2";
    // BIP-8 (docs/spec.md 5, 11.3).
    BipOk = "bip.ok", "a marker closed a window whose BIP-8 agrees";
    BipError = "bip.error", "a marker closed a window whose BIP-8 disagrees: bip_errors counted";
    BipBip3Only = "bip.bip3_only", "a marker whose BIP3 alone is wrong (BIP7 agrees): nothing counted";
    BipBip7Only = "bip.bip7_only", "a marker whose BIP7 alone is wrong (BIP3 agrees): nothing counted";
    // Descrambler and line code (docs/spec.md 3, 4, 11.4).
    DescramblerResync = "descrambler.resync_after_slip",
        "the first block descrambled after a slip, by a descrambler filled from before the slip";
    ControlIdle = "control.idle", "an idle control block in a data slot";
    ControlInvalid = "control.invalid", "a control block that is not idle in a data slot (an invalid symbol)";
    // Deskew and reassembly (docs/spec.md 11.5, 11.6).
    DeskewFormed = "deskew.formed", "the link formed";
    DeskewJoin = "deskew.join", "a lane joined the formed link";
    DeskewRejoin = "deskew.rejoin", "a lane that left the formed link joined it again, the others running on";
    DeskewLeaveOverflow = "deskew.leave_overflow", "a lane left the link because its buffer overflowed";
    DeskewSkewFault = "deskew.skew_fault", "formation or a join refused: marker spread over max_skew_bits";
    DeskewSkewAtMax = "deskew.skew_at_max", "the link formed with a marker spread of exactly max_skew_bits";
    DeskewSkewPastMax = "deskew.skew_past_max", "a skew fault with a spread of exactly max_skew_bits + 1";
    DeskewDupForming = "deskew.dup_forming", "a lane claimed by two ports before formation (the second wins)";
    DeskewDupFormed = "deskew.dup_formed", "a lane claimed by a second port once formed (the first keeps it)";
    DeskewLostByHold = "deskew.lost_by_hold", "a stripe lost to an invalid header within the release hold";
    DeskewHoldEdgeLost = "deskew.hold_edge_lost", "a stripe lost to an invalid header exactly RELEASE_HOLD slots later";
    DeskewHoldEdgeKept = "deskew.hold_edge_kept",
        "a stripe handed out with an invalid header RELEASE_HOLD + 1 slots later";
    DeskewUnreadable = "deskew.unreadable", "a slot with no data that could not be read whole";
    DeskewSameBlockEvents = "deskew.same_block_events",
        "lock lost on two or more ports in the same block period";
    // Transmitter (docs/spec.md 8, 9).
    TxMapLane = "tx.map_write.lane", "a lane-map write giving a channel a lane";
    TxMapSpare = "tx.map_write.spare", "a lane-map write making a channel a spare";
    TxMapFailed = "tx.map_write.failed", "a lane-map write marking a channel failed";
    TxOfferInMarkerSlot = "tx.offer_in_marker_slot", "a stripe offered in a marker slot (not taken)";
    // Channel faults (docs/spec.md 10, docs/channel-model.md).
    ChannelFlip = "channel.flip", "a bit error";
    ChannelBurst = "channel.burst", "an error burst";
    ChannelSlipDrop = "channel.slip_drop", "a bit slip that lost a bit";
    ChannelSlipRepeat = "channel.slip_repeat", "a bit slip that repeated a bit";
    ChannelKill = "channel.kill", "a channel went dark";
    ChannelRevive = "channel.revive", "a dark channel came back";
    // Configurations of the runs (docs/coverage.md, "Configurations").
    ConfigOneBlockPerClock = "config.k1_lanes",
        "a link of several lanes at one block per clock (ser_w 66, K = 1)";
    ConfigSeveralClocks = "config.k_many", "a link of several clocks per block (K > 1)";
    ConfigNoSpares = "config.no_spares", "a link with no spare channel";
    ConfigSpares = "config.spares", "a link with two or more spares";
    ConfigShortPeriod = "config.am_short", "a marker period of 16 blocks or fewer";
    ConfigLongPeriod = "config.am_long", "a marker period of 64 blocks or more";
    // Reset (docs/spec.md 9, 11.7).
    ResetTxMapDefault = "reset.tx_map_default", "a stripe sent with the lane map from reset, never written";
    ResetRxMidRun = "reset.rx_mid_run", "the RX reset while the link was aligned, then aligned again";
}

impl Cover {
    /// The stable dotted name (`block_lock.gained`).
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// One line on what the point means (the whole story is in `docs/coverage.md`).
    pub fn meaning(self) -> &'static str {
        Self::MEANINGS[self as usize]
    }

    /// The point of a name.
    pub fn from_name(name: &str) -> Option<Cover> {
        Self::NAMES.iter().position(|n| *n == name).map(|i| Self::ALL[i])
    }
}

/// Number of cover points.
pub const POINTS: usize = Cover::ALL.len();

/// Hit counts of every cover point.
#[derive(Clone, PartialEq, Eq)]
pub struct Coverage {
    hits: [u64; POINTS],
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage { hits: [0; POINTS] }
    }
}

impl std::fmt::Debug for Coverage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter().filter(|&(_, n)| n > 0).map(|(c, n)| (c.name(), n))).finish()
    }
}

/// Why a coverage file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoverageError {
    /// The first line is not the format line.
    #[error("line 1: not a tessera coverage file (expected '{FORMAT_LINE}')")]
    Format,
    /// A line is not `<point> <count>`.
    #[error("line {line}: '{text}' is not '<point> <count>'")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
    /// A name that is not a cover point of this version.
    #[error("line {line}: '{name}' is not a cover point (docs/coverage.md lists them)")]
    UnknownPoint {
        /// 1-based line number.
        line: usize,
        /// The name.
        name: String,
    },
    /// A point given twice.
    #[error("line {line}: '{name}' is given twice")]
    Repeated {
        /// 1-based line number.
        line: usize,
        /// The name.
        name: String,
    },
}

/// The first line of a coverage file.
pub const FORMAT_LINE: &str = "# tessera coverage 1";

impl Coverage {
    /// Counts one hit of `point`.
    #[inline]
    pub fn hit(&mut self, point: Cover) {
        self.hits[point as usize] += 1;
    }

    /// Counts `n` hits of `point`.
    #[inline]
    pub fn add(&mut self, point: Cover, n: u64) {
        self.hits[point as usize] += n;
    }

    /// Hits of `point`.
    pub fn count(&self, point: Cover) -> u64 {
        self.hits[point as usize]
    }

    /// Adds every count of `other` into this one.
    pub fn merge(&mut self, other: &Coverage) {
        for (a, b) in self.hits.iter_mut().zip(other.hits.iter()) {
            *a += b;
        }
    }

    /// Every point with its count, in the order of [`Cover::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (Cover, u64)> + '_ {
        Cover::ALL.iter().map(|&c| (c, self.hits[c as usize]))
    }

    /// The points never hit.
    pub fn missed(&self) -> Vec<Cover> {
        self.iter().filter(|&(_, n)| n == 0).map(|(c, _)| c).collect()
    }

    /// Points hit at least once.
    pub fn hit_points(&self) -> usize {
        self.hits.iter().filter(|&&n| n > 0).count()
    }

    /// The text form: [`FORMAT_LINE`], then `<point> <count>` for every point.
    pub fn to_text(&self) -> String {
        let mut s = String::from(FORMAT_LINE);
        s.push('\n');
        for (c, n) in self.iter() {
            s.push_str(c.name());
            s.push(' ');
            s.push_str(&n.to_string());
            s.push('\n');
        }
        s
    }

    /// Reads the text form. Points not named count 0 (a file of an older version with fewer
    /// points still reads); blank lines and lines starting with `#` after the first are
    /// ignored.
    pub fn parse(text: &str) -> Result<Coverage, CoverageError> {
        let mut lines = text.lines();
        if lines.next().map(str::trim) != Some(FORMAT_LINE) {
            return Err(CoverageError::Format);
        }
        let mut cov = Coverage::default();
        let mut seen = [false; POINTS];
        for (i, raw) in lines.enumerate() {
            let line = i + 2;
            let t = raw.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let mut f = t.split_whitespace();
            let (Some(name), Some(count), None) = (f.next(), f.next(), f.next()) else {
                return Err(CoverageError::Syntax { line, text: t.to_string() });
            };
            let n: u64 = count.parse().map_err(|_| CoverageError::Syntax { line, text: t.to_string() })?;
            let c = Cover::from_name(name)
                .ok_or_else(|| CoverageError::UnknownPoint { line, name: name.to_string() })?;
            if std::mem::replace(&mut seen[c as usize], true) {
                return Err(CoverageError::Repeated { line, name: name.to_string() });
            }
            cov.hits[c as usize] = n;
        }
        Ok(cov)
    }

    /// A table for people: every point with its count and meaning, then the points never
    /// hit (or that every point was hit).
    pub fn table(&self) -> String {
        let width = Cover::ALL.iter().map(|c| c.name().len()).max().unwrap_or(0);
        let mut s = format!("coverage: {} of {} points hit\n", self.hit_points(), POINTS);
        for (c, n) in self.iter() {
            s.push_str(&format!("  {:<width$} {:>10}  {}\n", c.name(), n, c.meaning()));
        }
        let missed = self.missed();
        if missed.is_empty() {
            s.push_str("every cover point hit\n");
        } else {
            s.push_str(&format!(
                "never hit ({}): {}\n",
                missed.len(),
                missed.iter().map(|c| c.name()).collect::<Vec<_>>().join(" ")
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_dotted() {
        let mut names: Vec<&str> = Cover::ALL.iter().map(|c| c.name()).collect();
        assert!(names.iter().all(|n| n.contains('.') && !n.contains(' ')));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), POINTS);
        for &c in Cover::ALL {
            assert_eq!(Cover::from_name(c.name()), Some(c));
        }
    }

    #[test]
    fn text_round_trips_and_merges_add() {
        let mut a = Coverage::default();
        a.hit(Cover::BipError);
        a.add(Cover::DeskewFormed, 7);
        let b = Coverage::parse(&a.to_text()).unwrap();
        assert_eq!(a, b);
        let mut m = a.clone();
        m.merge(&b);
        assert_eq!(m.count(Cover::DeskewFormed), 14);
        assert_eq!(m.count(Cover::BipError), 2);
        assert_eq!(m.missed().len(), POINTS - 2);
    }

    #[test]
    fn bad_files_name_the_line() {
        assert_eq!(Coverage::parse("x"), Err(CoverageError::Format));
        let t = format!("{FORMAT_LINE}\nbip.ok 1\nbip.okay 2\n");
        assert_eq!(Coverage::parse(&t), Err(CoverageError::UnknownPoint { line: 3, name: "bip.okay".into() }));
        let t = format!("{FORMAT_LINE}\nbip.ok one\n");
        assert_eq!(Coverage::parse(&t).unwrap_err().to_string(), "line 2: 'bip.ok one' is not '<point> <count>'");
        let t = format!("{FORMAT_LINE}\nbip.ok 1\nbip.ok 1\n");
        assert!(matches!(Coverage::parse(&t), Err(CoverageError::Repeated { line: 3, .. })));
    }
}
