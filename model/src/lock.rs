//! Per-channel receive state machines: block lock (IEEE 802.3 Clause 49.2.9) and marker
//! lock (Clause 82.2.18.3 in spirit). Both are pure: fed one block at a time, they return
//! what to do; they hold no bits.
//!
//! Nothing here panics.

/// Valid sync headers in a row that gain block lock (802.3 Clause 49: 64).
pub const SH_VALID_TO_LOCK: u32 = 64;
/// Sync headers in one test window while locked (802.3 Clause 49: 64).
pub const SH_WINDOW: u32 = 64;
/// Invalid sync headers within one window that lose block lock (802.3 Clause 49: 16).
pub const SH_INVALID_TO_UNLOCK: u32 = 16;
/// Valid, matching markers one period apart that gain marker lock (802.3 Clause 82: 2).
pub const AM_VALID_TO_LOCK: u32 = 2;
/// Invalid or missing markers in a row that lose marker lock (802.3 Clause 82: 4).
pub const AM_INVALID_TO_UNLOCK: u32 = 4;

/// What block lock asks of the framer after testing one header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Take the block (66 bits) and pass it on if [`BlockLock::is_locked`].
    Accept,
    /// Take the block and move the boundary one bit later: the next block starts 67 bits
    /// after this one.
    Slip,
}

/// Block lock by sync-header hunting, 802.3 Clause 49 figure 49-14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlockLock {
    locked: bool,
    sh_cnt: u32,
    sh_invld_cnt: u32,
}

impl BlockLock {
    /// Whether block lock holds.
    #[inline]
    pub fn is_locked(&self) -> bool {
        self.locked
    }

    /// While locked: headers tested so far in the current window of [`SH_WINDOW`], and how
    /// many of them were invalid (both 0 while hunting).
    #[inline]
    pub fn window(&self) -> (u32, u32) {
        if self.locked {
            (self.sh_cnt, self.sh_invld_cnt)
        } else {
            (0, 0)
        }
    }

    /// Tests one sync header. Returns [`Framing::Slip`] on an invalid header before lock,
    /// and on the [`SH_INVALID_TO_UNLOCK`]-th invalid header of a window, which loses lock.
    #[inline]
    pub fn handle_header(&mut self, valid: bool) -> Framing {
        if !self.locked {
            if valid {
                self.sh_cnt += 1;
                if self.sh_cnt == SH_VALID_TO_LOCK {
                    *self = BlockLock { locked: true, sh_cnt: 0, sh_invld_cnt: 0 };
                }
                Framing::Accept
            } else {
                self.sh_cnt = 0;
                Framing::Slip
            }
        } else {
            self.sh_cnt += 1;
            if !valid {
                self.sh_invld_cnt += 1;
                if self.sh_invld_cnt == SH_INVALID_TO_UNLOCK {
                    *self = BlockLock::default();
                    return Framing::Slip;
                }
            }
            if self.sh_cnt == SH_WINDOW {
                self.sh_cnt = 0;
                self.sh_invld_cnt = 0;
            }
            Framing::Accept
        }
    }
}

impl BlockLock {
    /// `n` valid sync headers while locked: what `n` calls of
    /// [`BlockLock::handle_header`]`(true)` do, at once (the fast path's bulk step).
    #[inline]
    pub fn accept_valid(&mut self, n: u32) {
        debug_assert!(self.locked, "accept_valid while hunting");
        let count = self.sh_cnt + n;
        if count >= SH_WINDOW {
            self.sh_cnt = count % SH_WINDOW;
            self.sh_invld_cnt = 0;
        } else {
            self.sh_cnt = count;
        }
    }
}

/// Marker lock state of one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MarkerLock {
    /// Looking at every block for a valid marker.
    #[default]
    Hunt,
    /// Found a marker of `lane`; the next is due `am_period` blocks after it.
    Confirm {
        /// Lane number the candidate marker carried.
        lane: u16,
        /// Blocks since the candidate marker.
        since: u32,
    },
    /// Locked to `lane`'s markers.
    Locked {
        /// Lane number.
        lane: u16,
        /// Blocks since the last marker slot.
        since: u32,
        /// Invalid or missing markers in a row.
        invalid_run: u32,
    },
}

/// What one block is, once marker lock has looked at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerEvent {
    /// Not locked, and not a marker that starts a lock attempt: nothing to pass on.
    Unlocked,
    /// A valid marker that starts a lock attempt (opens the BIP window).
    Candidate(u16),
    /// A marker slot of a locked lane (lock may have been gained at this very marker).
    /// `valid` is false when the block in the slot is not a valid marker of this lane.
    Slot {
        /// The lane locked to.
        lane: u16,
        /// Whether the block was a valid marker of that lane.
        valid: bool,
        /// Whether marker lock was gained at this slot.
        gained: bool,
    },
    /// A non-marker slot of a locked lane.
    Payload,
    /// Marker lock was lost at this block (after [`AM_INVALID_TO_UNLOCK`] bad slots, or a
    /// valid marker of another lane, which also starts a new lock attempt if `retry`).
    Lost {
        /// Lane number of the new candidate, if the block was a valid marker.
        retry: Option<u16>,
    },
}

impl MarkerLock {
    /// The lane number locked to.
    pub fn lane(&self) -> Option<u16> {
        match *self {
            MarkerLock::Locked { lane, .. } => Some(lane),
            _ => None,
        }
    }

    /// Whether marker lock holds.
    pub fn is_locked(&self) -> bool {
        matches!(self, MarkerLock::Locked { .. })
    }

    /// Whether the next block is a marker slot of a lock or a lock attempt.
    #[inline]
    pub fn marker_due(&self, am_period: u32) -> bool {
        match *self {
            MarkerLock::Hunt => false,
            MarkerLock::Confirm { since, .. } | MarkerLock::Locked { since, .. } => since + 1 == am_period,
        }
    }

    /// Feeds one block-locked block; `marker` is the lane number if the block is a valid
    /// marker. Only consulted in `Hunt` and at due slots, so the caller may pass `None`
    /// without parsing when neither holds (see [`MarkerLock::marker_due`]).
    #[inline]
    pub fn handle_block(&mut self, marker: Option<u16>, am_period: u32) -> MarkerEvent {
        match *self {
            MarkerLock::Hunt => match marker {
                Some(lane) => {
                    *self = MarkerLock::Confirm { lane, since: 0 };
                    MarkerEvent::Candidate(lane)
                }
                None => MarkerEvent::Unlocked,
            },
            MarkerLock::Confirm { lane, since } => {
                if since + 1 < am_period {
                    *self = MarkerLock::Confirm { lane, since: since + 1 };
                    return MarkerEvent::Unlocked;
                }
                match marker {
                    Some(l) if l == lane => {
                        // AM_VALID_TO_LOCK = 2: the candidate and this one.
                        *self = MarkerLock::Locked { lane, since: 0, invalid_run: 0 };
                        MarkerEvent::Slot { lane, valid: true, gained: true }
                    }
                    Some(other) => {
                        *self = MarkerLock::Confirm { lane: other, since: 0 };
                        MarkerEvent::Candidate(other)
                    }
                    None => {
                        *self = MarkerLock::Hunt;
                        MarkerEvent::Unlocked
                    }
                }
            }
            MarkerLock::Locked { lane, since, invalid_run } => {
                if since + 1 < am_period {
                    *self = MarkerLock::Locked { lane, since: since + 1, invalid_run };
                    return MarkerEvent::Payload;
                }
                match marker {
                    Some(l) if l == lane => {
                        *self = MarkerLock::Locked { lane, since: 0, invalid_run: 0 };
                        MarkerEvent::Slot { lane, valid: true, gained: false }
                    }
                    Some(other) => {
                        *self = MarkerLock::Confirm { lane: other, since: 0 };
                        MarkerEvent::Lost { retry: Some(other) }
                    }
                    None if invalid_run + 1 == AM_INVALID_TO_UNLOCK => {
                        *self = MarkerLock::Hunt;
                        MarkerEvent::Lost { retry: None }
                    }
                    None => {
                        *self = MarkerLock::Locked { lane, since: 0, invalid_run: invalid_run + 1 };
                        MarkerEvent::Slot { lane, valid: false, gained: false }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_lock_needs_64_valid_headers_in_a_row() {
        let mut l = BlockLock::default();
        for i in 0..SH_VALID_TO_LOCK - 1 {
            assert_eq!(l.handle_header(true), Framing::Accept);
            assert!(!l.is_locked(), "after {} valid", i + 1);
        }
        assert_eq!(l.handle_header(false), Framing::Slip, "invalid before lock slips");
        for _ in 0..SH_VALID_TO_LOCK {
            l.handle_header(true);
        }
        assert!(l.is_locked());
    }

    #[test]
    fn block_lock_lost_at_16_invalid_in_a_window_of_64() {
        let mut l = BlockLock::default();
        for _ in 0..SH_VALID_TO_LOCK {
            l.handle_header(true);
        }
        // 15 invalid in each window never loses lock.
        for _ in 0..10 {
            for i in 0..SH_WINDOW {
                assert_eq!(l.handle_header(i >= SH_INVALID_TO_UNLOCK - 1), Framing::Accept);
            }
            assert!(l.is_locked());
        }
        for i in 0..SH_INVALID_TO_UNLOCK {
            let f = l.handle_header(false);
            assert_eq!(f == Framing::Slip, i == SH_INVALID_TO_UNLOCK - 1);
        }
        assert!(!l.is_locked());
    }

    #[test]
    fn marker_lock_needs_two_markers_and_loses_after_four_bad_slots() {
        let p = 8;
        let mut m = MarkerLock::default();
        assert_eq!(m.handle_block(Some(3), p), MarkerEvent::Candidate(3));
        for _ in 1..p {
            assert!(!m.marker_due(p));
            assert_eq!(m.handle_block(None, p), MarkerEvent::Unlocked);
        }
        assert!(m.marker_due(p));
        assert_eq!(m.handle_block(Some(3), p), MarkerEvent::Slot { lane: 3, valid: true, gained: true });
        for bad in 1..=AM_INVALID_TO_UNLOCK {
            for _ in 1..p {
                assert_eq!(m.handle_block(None, p), MarkerEvent::Payload);
            }
            let e = m.handle_block(None, p);
            if bad < AM_INVALID_TO_UNLOCK {
                assert_eq!(e, MarkerEvent::Slot { lane: 3, valid: false, gained: false });
            } else {
                assert_eq!(e, MarkerEvent::Lost { retry: None });
            }
        }
        assert_eq!(m, MarkerLock::Hunt);
    }

    #[test]
    fn a_marker_of_another_lane_restarts_the_lock() {
        let p = 4;
        let mut m = MarkerLock::Locked { lane: 1, since: p - 1, invalid_run: 0 };
        assert_eq!(m.handle_block(Some(2), p), MarkerEvent::Lost { retry: Some(2) });
        assert_eq!(m, MarkerLock::Confirm { lane: 2, since: 0 });
    }
}
