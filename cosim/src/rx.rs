//! [`RxDut`]: a safe handle on one Verilated instance of the RX top, `rtl/tessera_rx.sv`.
//!
//! Clock protocol (docs/rtl.md, "RX timing"): for clock `c`, set `rx_serial_i` with
//! [`RxDut::set_serial`], call [`RxDut::eval`], read the outputs (they are clock `c`'s:
//! [`RxDut::stripe`] and the status), then [`RxDut::tick`]. Port status reflects the blocks
//! up to the clock before; link counters lag one clock more (read [`RxDut::status`] one
//! clock after the last stimulus clock, as `rx_tb` does).

use cxx::UniquePtr;
use tessera_model::deskew::{DeskewCounters, SkewFault};
use tessera_model::marker::SPARE_LANE;
use tessera_model::rx::{PortStatus, RxStatus};

use crate::{ffi, DutConfig, DutError};

/// The outputs of `tessera_rx`, by the number the C++ shim knows them (`RxOutput` in
/// `cpp/shim.h`, same order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum RxOutput {
    Valid = 0,
    Data,
    Aligned,
    BlockLock,
    MarkerLock,
    Lane,
    BipErrors,
    InLink,
    Skew,
    Slips,
    BlockLockLosses,
    MarkerLockLosses,
    InvalidHeaders,
    Bits,
    Formed,
    StripesOut,
    StripesLost,
    IdleSlots,
    UnreadableSlots,
    Formations,
    Joins,
    SkewFault,
    SkewFaultSpread,
    SkewFaultEarly,
    SkewFaultLate,
    DupLane,
    DupLaneLane,
    DupLaneKept,
    DupLaneRefused,
}

/// Width of the RX status counters (`CNT_W`, the top's default).
pub const RX_COUNTER_BITS: u32 = 32;

/// One instance of the Verilated RX top (`rtl/tessera_rx.sv`).
pub struct RxDut {
    inner: UniquePtr<ffi::bridge::RxDut>,
    config: &'static DutConfig,
    scratch: Vec<u32>,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl RxDut {
    /// A new instance of the named configuration, held in reset.
    pub fn new(name: &str) -> Result<RxDut, DutError> {
        let config = DutConfig::lookup(name)?;
        if !config.rx {
            return Err(DutError::NoRx {
                name: name.to_string(),
                built: crate::CONFIGS.iter().filter(|c| c.rx).map(|c| c.name).collect::<Vec<_>>().join(", "),
            });
        }
        let inner = ffi::bridge::new_rx_dut(name)?;
        Ok(RxDut { inner, config, scratch: Vec::new(), _not_send: std::marker::PhantomData })
    }

    /// The configuration.
    pub fn config(&self) -> &'static DutConfig {
        self.config
    }

    /// Holds `rst_ni` low for `clocks` clocks with zeros on the serial inputs, then releases
    /// it: the next tick is clock 0's rising edge.
    pub fn reset(&mut self, clocks: u32) -> Result<(), DutError> {
        self.inner.pin_mut().set_reset(false)?;
        self.set_serial(&vec![0; self.serial_words()])?;
        for _ in 0..clocks {
            self.tick()?;
        }
        Ok(self.inner.pin_mut().set_reset(true)?)
    }

    /// Sets `rx_serial_i` (SER_W x CHANNELS bits as 32-bit words).
    pub fn set_serial(&mut self, data: &[u32]) -> Result<(), DutError> {
        Ok(self.inner.pin_mut().set_serial(data)?)
    }

    /// Evaluates the logic with the inputs set.
    pub fn eval(&mut self) -> Result<(), DutError> {
        Ok(self.inner.pin_mut().eval()?)
    }

    /// A rising and a falling edge of the clock.
    pub fn tick(&mut self) -> Result<(), DutError> {
        Ok(self.inner.pin_mut().tick()?)
    }

    /// 32-bit words of `rx_serial_i`.
    pub fn serial_words(&self) -> usize {
        self.inner.serial_words()
    }

    /// Reads one output into `out` (its width in 32-bit words: [`RxDut::output_words`]).
    pub fn output(&self, which: RxOutput, out: &mut [u32]) -> Result<(), DutError> {
        Ok(self.inner.output(which as u8, out)?)
    }

    /// 32-bit words of an output.
    pub fn output_words(&self, which: RxOutput) -> usize {
        self.inner.output_words(which as u8).unwrap_or(0)
    }

    /// Reads one output into the handle's scratch buffer and returns it.
    fn read(&mut self, which: RxOutput) -> Result<&[u32], DutError> {
        let n = self.output_words(which);
        self.scratch.resize(n, 0);
        self.inner.output(which as u8, &mut self.scratch)?;
        Ok(&self.scratch)
    }

    /// `rx_valid_o`, and when it is high `rx_data_o` as LANES 64-bit words (lane i first).
    pub fn stripe(&mut self) -> Result<Option<Vec<u64>>, DutError> {
        if self.read(RxOutput::Valid)?[0] & 1 == 0 {
            return Ok(None);
        }
        let lanes = self.config.lanes as usize;
        let d = self.read(RxOutput::Data)?;
        Ok(Some((0..lanes).map(|i| u64::from(d[2 * i]) | (u64::from(d[2 * i + 1]) << 32)).collect()))
    }

    /// Field `j` (`width` bits, at most 64) of a per-port output.
    fn fields(&mut self, which: RxOutput, width: u32) -> Result<Vec<u64>, DutError> {
        let p = self.config.channels() as usize;
        let bus = self.read(which)?;
        Ok((0..p).map(|j| get_bits(bus, j * width as usize, width)).collect())
    }

    /// A link output of at most 64 bits.
    fn scalar(&mut self, which: RxOutput) -> Result<u64, DutError> {
        let w = self.read(which)?;
        Ok(w.iter().take(2).enumerate().fold(0, |v, (i, &x)| v | (u64::from(x) << (32 * i))))
    }

    /// The status outputs in the model's form ([`RxStatus`]), so that the two compare with
    /// `==`. `lane` is `None` without marker lock and `skew_bits` `None` outside the link,
    /// as the model reports them; `port_of_lane` is read from `port_in_link_o` and
    /// `port_lane_o`. Counters are `CNT_W` = [`RX_COUNTER_BITS`] bits and saturate.
    pub fn status(&mut self) -> Result<RxStatus, DutError> {
        let p = self.config.channels() as usize;
        let c = RX_COUNTER_BITS;
        let bl = self.fields(RxOutput::BlockLock, 1)?;
        let ml = self.fields(RxOutput::MarkerLock, 1)?;
        let lane = self.fields(RxOutput::Lane, 16)?;
        let bip = self.fields(RxOutput::BipErrors, c)?;
        let in_link = self.fields(RxOutput::InLink, 1)?;
        let skew = self.fields(RxOutput::Skew, 48)?;
        let slips = self.fields(RxOutput::Slips, c)?;
        let bll = self.fields(RxOutput::BlockLockLosses, c)?;
        let mll = self.fields(RxOutput::MarkerLockLosses, c)?;
        let invh = self.fields(RxOutput::InvalidHeaders, c)?;
        let bits = self.fields(RxOutput::Bits, 48)?;
        let ports: Vec<PortStatus> = (0..p)
            .map(|j| {
                let lane = (ml[j] == 1).then_some(lane[j] as u16);
                PortStatus {
                    port: j as u32,
                    block_lock: bl[j] == 1,
                    marker_lock: ml[j] == 1,
                    lane,
                    spare: lane == Some(SPARE_LANE),
                    bip_errors: bip[j],
                    skew_bits: (in_link[j] == 1).then_some(skew[j]),
                    slips: slips[j],
                    block_lock_losses: bll[j],
                    marker_lock_losses: mll[j],
                    invalid_headers: invh[j],
                    bits: bits[j],
                }
            })
            .collect();
        let port_of_lane = (0..self.config.lanes)
            .map(|l| (0..p).find(|&j| in_link[j] == 1 && ports[j].lane == Some(l as u16)).map(|j| j as u32))
            .collect();
        let counters = DeskewCounters {
            stripes_out: self.scalar(RxOutput::StripesOut)?,
            stripes_lost: self.scalar(RxOutput::StripesLost)?,
            idle_slots: self.scalar(RxOutput::IdleSlots)?,
            unreadable_slots: self.scalar(RxOutput::UnreadableSlots)?,
            formations: self.scalar(RxOutput::Formations)?,
            joins: self.scalar(RxOutput::Joins)?,
        };
        let skew_fault = if self.scalar(RxOutput::SkewFault)? == 1 {
            Some(SkewFault {
                spread_bits: self.scalar(RxOutput::SkewFaultSpread)?,
                max_skew_bits: u64::from(self.config.max_skew_bits),
                early_lane: self.scalar(RxOutput::SkewFaultEarly)? as u16,
                late_lane: self.scalar(RxOutput::SkewFaultLate)? as u16,
            })
        } else {
            None
        };
        let duplicate_lane = if self.scalar(RxOutput::DupLane)? == 1 {
            Some((
                self.scalar(RxOutput::DupLaneLane)? as u16,
                self.scalar(RxOutput::DupLaneKept)? as u32,
                self.scalar(RxOutput::DupLaneRefused)? as u32,
            ))
        } else {
            None
        };
        Ok(RxStatus {
            ports,
            aligned: self.scalar(RxOutput::Aligned)? == 1,
            port_of_lane,
            counters,
            skew_fault,
            duplicate_lane,
        })
    }

    /// Writes an FST waveform of everything from now on to `path`.
    pub fn trace_to(&mut self, path: &std::path::Path) {
        self.inner.pin_mut().open_trace(&path.to_string_lossy());
    }
}

/// Reads `width` (<= 64) bits at bit `at` of a bus of 32-bit words.
pub(crate) fn get_bits(bus: &[u32], at: usize, width: u32) -> u64 {
    let mut v = 0u64;
    let mut done = 0u32;
    while done < width {
        let b = at + done as usize;
        let (word, shift) = (b / 32, (b % 32) as u32);
        let take = (32 - shift).min(width - done);
        let chunk = u64::from(bus[word] >> shift) & ((1u64 << take) - 1);
        v |= chunk << done;
        done += take;
    }
    v
}
