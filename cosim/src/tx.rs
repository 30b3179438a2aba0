//! [`TxDut`]: a safe handle on one Verilated instance of the TX top, `rtl/tessera_tx.sv`.

use cxx::UniquePtr;

use crate::{ffi, DutConfig, DutError};

/// One instance of the Verilated TX top (`rtl/tessera_tx.sv`).
///
/// Clock protocol (docs/spec.md, "TX timing"): for clock `c`, set the inputs, call
/// [`TxDut::eval`], read the outputs (they are clock `c`'s), then [`TxDut::tick`] (the
/// rising edge that samples the inputs, then the falling edge).
pub struct TxDut {
    inner: UniquePtr<ffi::bridge::TxDut>,
    config: &'static DutConfig,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl TxDut {
    /// A new instance of the named configuration, held in reset.
    pub fn new(name: &str) -> Result<TxDut, DutError> {
        let config = DutConfig::lookup(name)?;
        let inner = ffi::bridge::new_tx_dut(name)?;
        Ok(TxDut { inner, config, _not_send: std::marker::PhantomData })
    }

    /// The configuration.
    pub fn config(&self) -> &'static DutConfig {
        self.config
    }

    /// Holds both resets for `clocks` clocks, then releases them (the map reset first, so
    /// lane-map writes can precede `rst_ni`). The next tick is clock 0's rising edge.
    pub fn reset(&mut self, clocks: u32) -> Result<(), DutError> {
        self.inner.pin_mut().set_reset(false, false)?;
        self.set_host(false, &vec![0; self.data_words()])?;
        self.set_map_write(None);
        for _ in 0..clocks {
            self.tick()?;
        }
        self.inner.pin_mut().set_reset(false, true)?;
        Ok(())
    }

    /// Releases `rst_ni` (after any lane-map writes made during reset).
    pub fn release(&mut self) -> Result<(), DutError> {
        Ok(self.inner.pin_mut().set_reset(true, true)?)
    }

    /// Sets `tx_valid_i` and `tx_data_i` (64 x LANES bits as 32-bit words).
    pub fn set_host(&mut self, valid: bool, data: &[u32]) -> Result<(), DutError> {
        Ok(self.inner.pin_mut().set_host(valid, data)?)
    }

    /// Drives the lane-map write port for this clock: `Some((channel, lane, failed))`.
    pub fn set_map_write(&mut self, write: Option<(u16, u16, bool)>) {
        let (wr, (ch, lane, failed)) = match write {
            Some(w) => (true, w),
            None => (false, (0, 0, false)),
        };
        self.inner.pin_mut().set_map_write(wr, ch, lane, failed);
    }

    /// Evaluates the logic with the inputs set.
    pub fn eval(&mut self) -> Result<(), DutError> {
        Ok(self.inner.pin_mut().eval()?)
    }

    /// A rising and a falling edge of the clock.
    pub fn tick(&mut self) -> Result<(), DutError> {
        Ok(self.inner.pin_mut().tick()?)
    }

    /// `tx_ready_o`.
    pub fn ready(&self) -> bool {
        self.inner.ready()
    }

    /// Reads `tx_serial_o` (SER_W x CHANNELS bits) into `out`.
    pub fn serial(&self, out: &mut [u32]) -> Result<(), DutError> {
        Ok(self.inner.serial(out)?)
    }

    /// 32-bit words of `tx_data_i`.
    pub fn data_words(&self) -> usize {
        self.inner.data_words()
    }

    /// 32-bit words of `tx_serial_o`.
    pub fn serial_words(&self) -> usize {
        self.inner.serial_words()
    }

    /// Writes an FST waveform of everything from now on to `path`.
    pub fn trace_to(&mut self, path: &std::path::Path) {
        self.inner.pin_mut().open_trace(&path.to_string_lossy());
    }
}

/// The baseline of the harness's speed: drives the TX build `config` in a plain C++ loop
/// (no Rust per clock) exactly as [`TxDut`] is driven, with clock `c`'s stimulus
/// `valid[c]` and `data[c * W .. (c + 1) * W]` (`W` = words of `tx_data_i`), reading
/// `tx_serial_o` every clock. Returns an XOR of the words read. See `benches/cosim.rs`.
pub fn native_tx_loop(config: &str, valid: &[u8], data: &[u32]) -> Result<u64, DutError> {
    let cfg = DutConfig::lookup(config)?;
    Ok(ffi::bridge::native_tx_loop(config, cfg.channels(), valid, data)?)
}
