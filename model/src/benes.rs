//! The Beneš network and its routing (the looping algorithm), as `docs/benes.md` defines
//! them: the reference that the RTL's `benes_net` and `benes_route` are checked against
//! bit for bit.
//!
//! A network on P = 2^L ports has 2L − 1 stages of P/2 two-by-two switches. A [`Config`]
//! holds one bit per switch (stage `t`'s switch `w` is bit `t·P/2 + w`, 1 = crossed);
//! [`Config::apply`] sends words through it. [`route`] turns P entries (each empty or a
//! port number, in [`Mode::Scatter`] or [`Mode::Gather`] form) into a permutation and the
//! configuration that realises it, exactly as the RTL routing unit does in
//! [`routing_clocks`] clocks.
//!
//! ## What may panic
//!
//! Nothing reachable from user input: [`route`] and [`Config::from_bits`] return a
//! [`BenesError`] for a size, a length or an entry that does not fit. [`Config::apply`],
//! [`Config::crossed`] and [`Config::bit`] panic on a slice of the wrong length or an
//! index out of range (the caller's own contract, under `# Panics`).

use bitvec::prelude::*;

/// The largest L (`P = 2^L` ports) supported, as in the RTL's parameter check.
pub const MAX_LOG2: u32 = 16;

/// How [`route`] reads its entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Entry `i` is the output that input `i`'s word must reach.
    Scatter,
    /// Entry `o` is the input whose word output `o` must carry.
    Gather,
}

/// Why a routing or a configuration could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BenesError {
    /// L outside `1..=MAX_LOG2`.
    #[error("a Beneš network needs 1 <= L <= {MAX_LOG2} (P = 2^L ports), not L = {0}")]
    Size(u32),
    /// Not P entries.
    #[error("{got} entries for a Beneš network of {ports} ports (L = {log2}): need one per port")]
    Entries { log2: u32, ports: usize, got: usize },
    /// An entry names a port that does not exist.
    #[error("entry {index} is port {value}, but the network has ports 0 to {last}")]
    Port { index: usize, value: u32, last: usize },
    /// Not (2L − 1)·P/2 configuration bits.
    #[error("{got} configuration bits for a Beneš network of L = {log2}: need {need}")]
    Bits { log2: u32, need: usize, got: usize },
}

fn check_log2(log2: u32) -> Result<usize, BenesError> {
    if (1..=MAX_LOG2).contains(&log2) {
        Ok(1usize << log2)
    } else {
        Err(BenesError::Size(log2))
    }
}

/// The switch settings of a Beneš network (`docs/benes.md` section 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    log2: u32,
    bits: BitVec<u64, Lsb0>,
}

impl Config {
    /// Every switch straight: input `i` to output `i`.
    ///
    /// # Panics
    /// If `log2` is not in `1..=MAX_LOG2`.
    pub fn identity(log2: u32) -> Config {
        let p = check_log2(log2).expect("Config::identity: L in 1..=MAX_LOG2");
        Config { log2, bits: bitvec![u64, Lsb0; 0; (2 * log2 as usize - 1) * p / 2] }
    }

    /// A configuration from its bits, bit `t·P/2 + w` for switch `w` of stage `t`.
    pub fn from_bits(log2: u32, bits: &BitSlice<u64, Lsb0>) -> Result<Config, BenesError> {
        let p = check_log2(log2)?;
        let need = (2 * log2 as usize - 1) * p / 2;
        if bits.len() != need {
            return Err(BenesError::Bits { log2, need, got: bits.len() });
        }
        Ok(Config { log2, bits: bits.to_bitvec() })
    }

    /// L.
    pub fn log2(&self) -> u32 {
        self.log2
    }

    /// P = 2^L.
    pub fn ports(&self) -> usize {
        1 << self.log2
    }

    /// 2L − 1.
    pub fn stages(&self) -> usize {
        2 * self.log2 as usize - 1
    }

    /// The configuration vector, bit `t·P/2 + w` for switch `w` of stage `t`.
    pub fn bits(&self) -> &BitSlice<u64, Lsb0> {
        &self.bits
    }

    /// Bit `i` of the configuration vector.
    ///
    /// # Panics
    /// If `i >= stages() * ports() / 2`.
    pub fn bit(&self, i: usize) -> bool {
        self.bits[i]
    }

    /// Whether switch `switch` of stage `stage` is crossed.
    ///
    /// # Panics
    /// If the stage or the switch does not exist.
    pub fn crossed(&self, stage: usize, switch: usize) -> bool {
        let half = self.ports() / 2;
        assert!(stage < self.stages() && switch < half, "no switch {switch} in stage {stage}");
        self.bits[stage * half + switch]
    }

    fn set(&mut self, stage: usize, switch: usize, crossed: bool) {
        let half = self.ports() / 2;
        self.bits.set(stage * half + switch, crossed);
    }

    /// The words at the network's outputs for `words` at its inputs (`docs/benes.md`
    /// section 2).
    ///
    /// # Panics
    /// If `words` does not hold one word per port.
    pub fn apply<T: Clone>(&self, words: &[T]) -> Vec<T> {
        let (l, p) = (self.log2 as usize, self.ports());
        assert_eq!(words.len(), p, "Config::apply: one word per port");
        let mut v = words.to_vec();
        let mut next = words.to_vec();
        for t in 0..self.stages() {
            let depth = if t < l { t } else { 2 * l - 2 - t };
            let m = p >> depth;
            let h = m / 2;
            for w in 0..p / 2 {
                let (base, j) = (2 * w - (2 * w) % m, ((2 * w) % m) / 2);
                let (from, to) = if t < l - 1 {
                    ([2 * w, 2 * w + 1], [base + j, base + h + j])
                } else if t == l - 1 {
                    ([2 * w, 2 * w + 1], [2 * w, 2 * w + 1])
                } else {
                    ([base + j, base + h + j], [2 * w, 2 * w + 1])
                };
                let crossed = self.crossed(t, w) as usize;
                next[to[0]] = v[from[crossed]].clone();
                next[to[1]] = v[from[1 - crossed]].clone();
            }
            std::mem::swap(&mut v, &mut next);
        }
        v
    }
}

/// The result of [`route`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Routing {
    /// The configuration that realises `permutation`.
    pub config: Config,
    /// π after load and fill: input `i`'s word comes out at output `permutation[i]`.
    pub permutation: Vec<u32>,
    /// Entries refused in the load because their port was already taken.
    pub duplicates: u32,
    /// Entry `i` was loaded: not empty and not a duplicate.
    pub kept: Vec<bool>,
}

/// Clocks the RTL routing unit takes from start to the new configuration:
/// `R(L) = 2P + (L − 1)·P/2 + 1` (`docs/benes.md` section 4).
///
/// # Panics
/// If `log2` is not in `1..=MAX_LOG2`.
pub fn routing_clocks(log2: u32) -> u64 {
    let p = 1u64 << log2;
    assert!((1..=MAX_LOG2).contains(&log2), "routing_clocks: L in 1..=MAX_LOG2");
    2 * p + u64::from(log2 - 1) * p / 2 + 1
}

const NONE: u32 = u32::MAX;

/// Routes `entries` (one per port, in `mode`'s reading) through a network of `2^log2`
/// ports: load, fill, the looping algorithm level by level, the middle stage
/// (`docs/benes.md` section 3).
pub fn route(log2: u32, mode: Mode, entries: &[Option<u32>]) -> Result<Routing, BenesError> {
    let p = check_log2(log2)?;
    if entries.len() != p {
        return Err(BenesError::Entries { log2, ports: p, got: entries.len() });
    }
    if let Some((index, value)) =
        entries.iter().enumerate().find_map(|(i, e)| e.filter(|&v| v as usize >= p).map(|v| (i, v)))
    {
        return Err(BenesError::Port { index, value, last: p - 1 });
    }
    // Load: forward π (input -> output) and its inverse.
    let (mut fwd, mut inv) = (vec![NONE; p], vec![NONE; p]);
    let mut duplicates = 0;
    let mut kept = vec![false; p];
    for (k, e) in entries.iter().enumerate() {
        let Some(v) = *e else { continue };
        let (input, output) = match mode {
            Mode::Scatter => (k, v as usize),
            Mode::Gather => (v as usize, k),
        };
        if fwd[input] != NONE || inv[output] != NONE {
            duplicates += 1;
        } else {
            fwd[input] = output as u32;
            inv[output] = input as u32;
            kept[k] = true;
        }
    }
    // Fill: free inputs in ascending order take free outputs in ascending order.
    let free: Vec<usize> = (0..p).filter(|&o| inv[o] == NONE).collect();
    let mut free_out = free.into_iter();
    for (a, out) in fwd.iter_mut().enumerate() {
        if *out == NONE {
            let o = free_out.next().expect("as many free outputs as free inputs");
            *out = o as u32;
            inv[o] = a as u32;
        }
    }
    let permutation = fwd.clone();
    let l = log2 as usize;
    let mut config = Config::identity(log2);
    for d in 0..l - 1 {
        let (m, h) = (p >> d, p >> (d + 1));
        let (mut fwd_next, mut inv_next) = (vec![NONE; p], vec![NONE; p]);
        let mut visited = vec![false; p / 2];
        let mut lowest_unvisited = 0;
        let mut open: Option<usize> = None;
        for _ in 0..p / 2 {
            let u = match open {
                Some(u) => u,
                None => {
                    while visited[lowest_unvisited] {
                        lowest_unvisited += 1;
                    }
                    2 * lowest_unvisited
                }
            };
            let (w, o, q) = (u >> 1, fwd[u] as usize, fwd[u ^ 1] as usize);
            let (base, j) = (u - u % m, (u % m) >> 1);
            config.set(d, w, u & 1 == 1);
            config.set(2 * l - 2 - d, o >> 1, o & 1 == 1);
            visited[w] = true;
            let (up, lo) = (base + j, base + h + j);
            let (up_to, lo_to) = (base + ((o % m) >> 1), base + h + ((q % m) >> 1));
            fwd_next[up] = up_to as u32;
            inv_next[up_to] = up as u32;
            fwd_next[lo] = lo_to as u32;
            inv_next[lo_to] = lo as u32;
            let y = inv[o ^ 1] as usize;
            open = (!visited[y >> 1]).then_some(y ^ 1);
        }
        fwd = fwd_next;
        inv = inv_next;
    }
    for w in 0..p / 2 {
        config.set(l - 1, w, fwd[2 * w] & 1 == 1);
    }
    Ok(Routing { config, permutation, duplicates, kept })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_straight_is_the_identity_and_routes_from_the_identity() {
        for l in 1..=6 {
            let c = Config::identity(l);
            let p = c.ports();
            let words: Vec<usize> = (0..p).collect();
            assert_eq!(c.apply(&words), words, "L = {l}");
            let r = route(l, Mode::Scatter, &vec![None; p]).unwrap();
            assert_eq!(r.config, c, "L = {l}: empty entries");
            assert_eq!(r.permutation, (0..p as u32).collect::<Vec<_>>());
        }
    }

    #[test]
    fn two_ports_crossed() {
        let r = route(1, Mode::Scatter, &[Some(1), Some(0)]).unwrap();
        assert!(r.config.crossed(0, 0));
        assert_eq!(r.config.apply(&['a', 'b']), vec!['b', 'a']);
    }

    #[test]
    fn fill_and_duplicates_follow_the_spec() {
        // Scatter on 4 ports: input 1 -> 3, input 2 -> 3 (duplicate, refused); inputs 0, 2,
        // 3 free take outputs 0, 1, 2.
        let r = route(2, Mode::Scatter, &[None, Some(3), Some(3), None]).unwrap();
        assert_eq!(r.duplicates, 1);
        assert_eq!(r.permutation, vec![0, 3, 1, 2]);
        // Gather: output 0 takes input 2, output 1 takes input 2 again (refused).
        let r = route(2, Mode::Gather, &[Some(2), Some(2), None, None]).unwrap();
        assert_eq!(r.duplicates, 1);
        assert_eq!(r.permutation, vec![1, 2, 0, 3]);
    }

    #[test]
    fn bad_sizes_and_entries_are_errors() {
        assert_eq!(
            route(0, Mode::Scatter, &[]).unwrap_err().to_string(),
            "a Beneš network needs 1 <= L <= 16 (P = 2^L ports), not L = 0"
        );
        assert_eq!(
            route(2, Mode::Scatter, &[None; 3]).unwrap_err().to_string(),
            "3 entries for a Beneš network of 4 ports (L = 2): need one per port"
        );
        assert_eq!(
            route(2, Mode::Gather, &[None, Some(4), None, None]).unwrap_err().to_string(),
            "entry 1 is port 4, but the network has ports 0 to 3"
        );
        let bits = bitvec![u64, Lsb0; 0; 5];
        assert_eq!(
            Config::from_bits(2, &bits).unwrap_err().to_string(),
            "5 configuration bits for a Beneš network of L = 2: need 6"
        );
    }

    #[test]
    fn routing_clocks_as_specified() {
        assert_eq!(routing_clocks(7), 641);
        assert_eq!(routing_clocks(10), 6657);
        assert_eq!(routing_clocks(12), 30721);
        assert_eq!(routing_clocks(1), 5);
    }
}
