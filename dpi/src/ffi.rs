//! The C ABI of [`BenchModel`], made to be imported by SystemVerilog's DPI-C
//! (`sv/tessera_pkg.sv`) and declared in `include/tessera_dpi.h` (cbindgen).
//!
//! * One opaque [`TesseraModel`] per model instance (a `chandle` in SystemVerilog), created
//!   by [`tessera_new`] from a configuration text and released by [`tessera_free`]. Nothing
//!   is global: instances live side by side.
//! * Buses cross as open unpacked arrays of 32-bit words (`bit [31:0] w[]`, C side
//!   `svOpenArrayHandle`, read with `svGetArrayPtr` / `svSize`): word `i` holds bus bits
//!   `32i + 31 .. 32i`, as `svBitVecVal` does. The array may be longer than the bus; extra
//!   words must be zero on input and are zeroed on output.
//! * Return codes: `0` done (or equal), `1` a mismatch or "available", `-1` an error. After
//!   a `1` from a check or a `-1`, [`tessera_last_error`] holds the message (a mismatch
//!   names clock, signal, channel / port / lane, expected and actual values). A failed
//!   [`tessera_new`] returns null and [`tessera_create_error`] says why.
//! * No Rust panic unwinds into the simulator: every function runs under `catch_unwind`
//!   and turns a panic into `-1` and a message.
//! * Plain 2-state functions, no `context` (nothing calls back into the simulator) and no
//!   `pure` (every call changes or reads the instance's state).

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_longlong, c_uint, c_ulonglong, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::bench::{BenchModel, CheckError, LinkBuses, PortBuses};

/// The simulator's handle of an open array argument (IEEE 1800 Annex H, `svdpi.h`).
#[allow(non_camel_case_types)]
pub type svOpenArrayHandle = *const c_void;
/// A 2-state bit argument (`svdpi.h`): 0 or 1 in an unsigned char.
#[allow(non_camel_case_types)]
pub type svBit = u8;

extern "C" {
    // Provided by the simulator (Verilator: verilated_dpi.cpp; others: their DPI library).
    fn svGetArrayPtr(h: svOpenArrayHandle) -> *mut c_void;
    fn svSize(h: svOpenArrayHandle, d: c_int) -> c_int;
}

/// One model instance: a [`BenchModel`], its last error and scratch buffers.
pub struct TesseraModel {
    model: BenchModel,
    last_error: CString,
    scratch: Vec<u64>,
}

thread_local! {
    static CREATE_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

fn c_string(s: String) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    let what = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("internal error in tessera-dpi (a bug; please report it with the configuration): {what}")
}

/// Runs `f` on the instance behind `m`: its `Ok` is the return code, its `Err` the message
/// of a `-1` (or of a `1` for a mismatch); a panic becomes `-1` too.
fn with_model(
    m: *mut TesseraModel,
    what: &str,
    f: impl FnOnce(&mut TesseraModel) -> Result<c_int, Failure>,
) -> c_int {
    if m.is_null() {
        CREATE_ERROR.with(|e| *e.borrow_mut() = c_string(format!("{what}: the handle is null")));
        return -1;
    }
    // SAFETY: a non-null handle comes from tessera_new and is used by one thread at a time
    // (a simulator calls DPI functions from its evaluation thread).
    let m = unsafe { &mut *m };
    match catch_unwind(AssertUnwindSafe(|| f(m))) {
        Ok(Ok(rc)) => rc,
        Ok(Err(Failure::Mismatch(text))) => {
            m.last_error = c_string(text);
            1
        }
        Ok(Err(Failure::Error(text))) => {
            m.last_error = c_string(format!("{what}: {text}"));
            -1
        }
        Err(p) => {
            m.last_error = c_string(format!("{what}: {}", panic_text(p)));
            -1
        }
    }
}

/// Why a call did not return normally.
enum Failure {
    Mismatch(String),
    Error(String),
}

impl From<CheckError> for Failure {
    fn from(e: CheckError) -> Self {
        match e {
            CheckError::Mismatch(m) => Failure::Mismatch(m.to_string()),
            CheckError::Input(e) => Failure::Error(e.0),
        }
    }
}

impl From<crate::bench::Error> for Failure {
    fn from(e: crate::bench::Error) -> Self {
        Failure::Error(e.0)
    }
}

/// The words of an open array argument.
///
/// # Safety
/// `h` is an open array handle of 32-bit elements given by the simulator for this call.
unsafe fn words<'a>(h: svOpenArrayHandle, name: &str) -> Result<&'a mut [u32], Failure> {
    if h.is_null() {
        return Err(Failure::Error(format!("{name}: no array given")));
    }
    let n = svSize(h, 1);
    let p = svGetArrayPtr(h) as *mut u32;
    if n < 0 || p.is_null() {
        return Err(Failure::Error(format!("{name}: not an array of 32-bit words (bit [31:0] {name}[])")));
    }
    Ok(std::slice::from_raw_parts_mut(p, n as usize))
}

/// Reads a bus of `width` bits from 32-bit words into `out` (little-endian 64-bit limbs).
fn read_bus(w: &[u32], width: u32, name: &str, out: &mut Vec<u64>) -> Result<(), Failure> {
    let need = (width as usize).div_ceil(32);
    if w.len() < need {
        return Err(Failure::Error(format!(
            "{name}: {} words given, the bus is {width} bits = {need} words of 32 bits",
            w.len()
        )));
    }
    if let Some(i) = (need..w.len()).find(|&i| w[i] != 0) {
        return Err(Failure::Error(format!(
            "{name}: word {i} is {:#x}, but the bus is {width} bits ({need} words)",
            w[i]
        )));
    }
    out.clear();
    out.extend(w[..need].chunks(2).map(|c| u64::from(c[0]) | c.get(1).map_or(0, |&h| u64::from(h) << 32)));
    Ok(())
}

impl TesseraModel {
    /// Reads the bus argument `h` (`width` bits; `port` names it in messages) into the
    /// instance's scratch buffer and calls `f` with the model and the bus; the buffer is
    /// kept for the next call, whatever `f` returns.
    ///
    /// # Safety
    /// As [`words`].
    unsafe fn with_bus<T>(
        &mut self,
        h: svOpenArrayHandle,
        arg: &str,
        width: u32,
        port: &str,
        f: impl FnOnce(&mut BenchModel, &[u64]) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let mut buf = std::mem::take(&mut self.scratch);
        let r = words(h, arg)
            .and_then(|w| read_bus(w, width, port, &mut buf))
            .and_then(|()| f(&mut self.model, &buf));
        self.scratch = buf;
        r
    }
}

/// Writes `value` (zeros when `None`) into the bus argument `out`: `1` if there was a
/// value, `0` if not.
fn write_if_any(value: Option<&[u64]>, width: u32, name: &str, out: &mut [u32]) -> Result<c_int, Failure> {
    write_bus(value.unwrap_or(&[]), width, name, out)?;
    Ok(c_int::from(value.is_some()))
}

/// Writes little-endian 64-bit limbs into 32-bit words (`width` bits; the rest zero).
fn write_bus(limbs: &[u64], width: u32, name: &str, w: &mut [u32]) -> Result<(), Failure> {
    let need = (width as usize).div_ceil(32);
    if w.len() < need {
        return Err(Failure::Error(format!(
            "{name}: an array of {} words given, the bus needs {need} words of 32 bits ({width} bits)",
            w.len()
        )));
    }
    for (i, x) in w.iter_mut().enumerate() {
        let l = limbs.get(i / 2).copied().unwrap_or(0);
        *x = if i < need { (l >> (32 * (i % 2))) as u32 } else { 0 };
    }
    Ok(())
}

/// Creates a model instance from a configuration text (`key: value` lines, the keys of
/// `tessera gen` and of a vector header). Returns null on bad input; then
/// [`tessera_create_error`] says what is wrong and where (line and column).
///
/// # Safety
/// `config` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tessera_new(config: *const c_char) -> *mut TesseraModel {
    let r = catch_unwind(|| {
        if config.is_null() {
            return Err("tessera_new: the configuration string is null".to_string());
        }
        let text = CStr::from_ptr(config)
            .to_str()
            .map_err(|e| format!("tessera_new: the configuration is not UTF-8: {e}"))?;
        BenchModel::from_config(text, "config").map_err(|e| format!("tessera_new: {e}"))
    });
    let r = r.unwrap_or_else(|p| Err(format!("tessera_new: {}", panic_text(p))));
    match r {
        Ok(model) => {
            CREATE_ERROR.with(|e| *e.borrow_mut() = CString::default());
            Box::into_raw(Box::new(TesseraModel {
                model,
                last_error: CString::default(),
                scratch: Vec::new(),
            }))
        }
        Err(msg) => {
            CREATE_ERROR.with(|e| *e.borrow_mut() = c_string(msg));
            std::ptr::null_mut()
        }
    }
}

/// Why the last [`tessera_new`] of this thread returned null ("" after a success). The
/// string stays valid until the next `tessera_new` on this thread.
#[no_mangle]
pub extern "C" fn tessera_create_error() -> *const c_char {
    CREATE_ERROR.with(|e| e.borrow().as_ptr())
}

/// Releases an instance (null is ignored).
///
/// # Safety
/// `m` is null or a handle from [`tessera_new`] not yet freed.
#[no_mangle]
pub unsafe extern "C" fn tessera_free(m: *mut TesseraModel) {
    if !m.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(m))));
    }
}

/// The message of the instance's last `-1` or mismatch ("" if none). Valid until the next
/// call on the instance.
///
/// # Safety
/// `m` is null or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tessera_last_error(m: *const TesseraModel) -> *const c_char {
    if m.is_null() {
        return c"tessera_last_error: the handle is null".as_ptr();
    }
    (*m).last_error.as_ptr()
}

/// The instance's configuration as `key: value` lines (parameters, seed, run), to print.
/// Valid until the next call on the instance.
///
/// # Safety
/// `m` is null or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tessera_describe(m: *mut TesseraModel) -> *const c_char {
    if m.is_null() {
        return c"".as_ptr();
    }
    let m = &mut *m;
    m.last_error = c_string(m.model.describe());
    m.last_error.as_ptr()
}

/// Checks a DUT's parameters against the instance's configuration: `0` equal, `-1` (and
/// the message) otherwise. `max_skew_bits < 0`: a TX, which has none.
///
/// # Safety
/// `m` is null or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tessera_check_rtl(
    m: *mut TesseraModel,
    lanes: c_int,
    spares: c_int,
    am_period: c_int,
    ser_w: c_int,
    max_skew_bits: c_int,
) -> c_int {
    with_model(m, "tessera_check_rtl", |m| {
        let u = |v: c_int| v.max(0) as u32;
        let skew = (max_skew_bits >= 0).then_some(max_skew_bits as u32);
        m.model.check_rtl_params(u(lanes), u(spares), u(am_period), u(ser_w), skew)?;
        Ok(0)
    })
}

/// Clocks of the configuration's run (slots x K), or -1.
///
/// # Safety
/// `m` is null or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tessera_run_clocks(m: *mut TesseraModel) -> c_longlong {
    if m.is_null() {
        return -1;
    }
    (*m).model.run_clocks().min(i64::MAX as u64) as c_longlong
}

/// The seed of the instance (channel model and host stimulus).
///
/// # Safety
/// `m` is null or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tessera_seed(m: *mut TesseraModel) -> c_ulonglong {
    if m.is_null() {
        return 0;
    }
    (*m).model.set().params.seed
}

/// Clocks per block period, K = 66 / SER_W, or -1.
///
/// # Safety
/// `m` is null or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tessera_clocks_per_block(m: *mut TesseraModel) -> c_int {
    if m.is_null() {
        return -1;
    }
    (*m).model.clocks_per_block() as c_int
}

/// The TX lane-map entry of `channel`, `{failed, lane[15:0]}` (lane `0xffff`: a spare),
/// as the RTL's map write port takes it; -1 for a channel out of range.
///
/// # Safety
/// `m` is null or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tessera_tx_map_entry(m: *mut TesseraModel, channel: c_int) -> c_int {
    with_model(m, "tessera_tx_map_entry", |m| {
        let ch =
            u32::try_from(channel).map_err(|_| Failure::Error(format!("channel {channel}: negative")))?;
        Ok(m.model.tx_map_entry(ch)? as c_int)
    })
}

/// The host's next clock of stimulus: `tx_data_i` into `data` (64 N bits); returns
/// `tx_valid_i` (0 or 1), or -1.
///
/// # Safety
/// `m` is null or a live handle; `data` an open array handle of this call.
#[no_mangle]
pub unsafe extern "C" fn tessera_host_clock(m: *mut TesseraModel, data: svOpenArrayHandle) -> c_int {
    with_model(m, "tessera_host_clock", |m| {
        let out = words(data, "data")?;
        let width = m.model.widths().data;
        let (valid, d) = m.model.host_clock();
        write_bus(d, width, "data", out)?;
        Ok(c_int::from(valid))
    })
}

/// One TX clock: the DUT's `tx_valid_i` and `tx_data_i` (64 N bits) of the clock in; the
/// expected `tx_serial_o` (SER_W P bits) into `serial`; returns the expected `tx_ready_o`
/// (0 or 1), or -1.
///
/// # Safety
/// `m` is null or a live handle; `data`, `serial` open array handles of this call.
#[no_mangle]
pub unsafe extern "C" fn tessera_tx_clock(
    m: *mut TesseraModel,
    valid: svBit,
    data: svOpenArrayHandle,
    serial: svOpenArrayHandle,
) -> c_int {
    with_model(m, "tessera_tx_clock", |m| {
        let w = m.model.widths();
        let ready = m.with_bus(data, "data", w.data, "tx_data_i", |model, bus| {
            Ok(model.tx_clock(valid & 1 == 1, bus)?)
        })?;
        write_bus(m.model.tx_serial(), w.serial, "serial", words(serial, "serial")?)?;
        Ok(c_int::from(ready))
    })
}

/// Compares the DUT's `tx_ready_o` and `tx_serial_o` of the last [`tessera_tx_clock`]
/// with the model's: `0` equal, `1` different (the message names clock, signal, channel,
/// expected and actual), `-1` bad input.
///
/// # Safety
/// `m` is null or a live handle; `serial` an open array handle of this call.
#[no_mangle]
pub unsafe extern "C" fn tessera_tx_check(
    m: *mut TesseraModel,
    ready: svBit,
    serial: svOpenArrayHandle,
) -> c_int {
    with_model(m, "tessera_tx_check", |m| {
        let width = m.model.widths().serial;
        m.with_bus(serial, "serial", width, "tx_serial_o", |model, bus| {
            model.tx_check(ready & 1 == 1, bus).map_err(Failure::from)
        })?;
        Ok(0)
    })
}

/// One clock of `tx_serial_o` (SER_W P bits) into the instance's channel model.
///
/// # Safety
/// `m` is null or a live handle; `serial` an open array handle of this call.
#[no_mangle]
pub unsafe extern "C" fn tessera_channel_put(m: *mut TesseraModel, serial: svOpenArrayHandle) -> c_int {
    with_model(m, "tessera_channel_put", |m| {
        let width = m.model.widths().serial;
        m.with_bus(serial, "serial", width, "tx_serial_o", |model, bus| {
            model.channel_put(bus).map_err(Failure::from)
        })?;
        Ok(0)
    })
}

/// The next clock of `rx_serial_i` the channel has made into `serial`: `1`, or `0` when
/// none is ready yet (`serial` is then zero), `-1` on error.
///
/// # Safety
/// `m` is null or a live handle; `serial` an open array handle of this call.
#[no_mangle]
pub unsafe extern "C" fn tessera_channel_get(m: *mut TesseraModel, serial: svOpenArrayHandle) -> c_int {
    with_model(m, "tessera_channel_get", |m| {
        let w = m.model.widths();
        let out = words(serial, "serial")?;
        write_if_any(m.model.channel_get().as_deref(), w.serial, "serial", out)
    })
}

/// One RX clock: the `rx_serial_i` word (SER_W P bits) the DUT gets on this clock.
///
/// # Safety
/// `m` is null or a live handle; `serial` an open array handle of this call.
#[no_mangle]
pub unsafe extern "C" fn tessera_rx_clock(m: *mut TesseraModel, serial: svOpenArrayHandle) -> c_int {
    with_model(m, "tessera_rx_clock", |m| {
        let width = m.model.widths().serial;
        m.with_bus(serial, "serial", width, "rx_serial_i", |model, bus| {
            model.rx_clock(bus).map_err(Failure::from)
        })?;
        Ok(0)
    })
}

/// The model's next stripe not yet taken into `data` (64 N bits): `1`, or `0` if none.
///
/// # Safety
/// `m` is null or a live handle; `data` an open array handle of this call.
#[no_mangle]
pub unsafe extern "C" fn tessera_rx_stripe(m: *mut TesseraModel, data: svOpenArrayHandle) -> c_int {
    with_model(m, "tessera_rx_stripe", |m| {
        let w = m.model.widths();
        let out = words(data, "data")?;
        write_if_any(m.model.rx_stripe().as_deref(), w.data, "data", out)
    })
}

/// The DUT showed a stripe on this clock (`rx_valid_o` high): `rx_data_o` compared in
/// order with the model's stripes. `0` equal or waiting for the model, `1` different.
///
/// # Safety
/// `m` is null or a live handle; `data` an open array handle of this call.
#[no_mangle]
pub unsafe extern "C" fn tessera_rx_check_stripe(m: *mut TesseraModel, data: svOpenArrayHandle) -> c_int {
    with_model(m, "tessera_rx_check_stripe", |m| {
        let width = m.model.widths().data;
        m.with_bus(data, "data", width, "rx_data_o", |model, bus| {
            model.rx_check_stripe(bus).map_err(Failure::from)
        })?;
        Ok(0)
    })
}

/// End of a run: `0` if the DUT showed exactly the model's stripes, `1` otherwise.
///
/// # Safety
/// `m` is null or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tessera_rx_check_done(m: *mut TesseraModel) -> c_int {
    with_model(m, "tessera_rx_check_done", |m| {
        m.model.rx_check_done()?;
        Ok(0)
    })
}

/// Stripes the DUT showed that equalled the model's, or -1.
///
/// # Safety
/// `m` is null or a live handle.
#[no_mangle]
pub unsafe extern "C" fn tessera_rx_stripes_matched(m: *mut TesseraModel) -> c_longlong {
    if m.is_null() {
        return -1;
    }
    (*m).model.rx_stripes_matched() as c_longlong
}

unsafe fn read_many(handles: &[(svOpenArrayHandle, &str, u32)]) -> Result<Vec<Vec<u64>>, Failure> {
    handles
        .iter()
        .map(|&(h, name, width)| {
            let mut v = Vec::new();
            read_bus(words(h, name)?, width, name, &mut v)?;
            Ok(v)
        })
        .collect()
}

/// Compares the DUT's per-port status outputs of this clock (read before the edge, before
/// [`tessera_rx_clock`] of the clock) with the model's. `cnt_w` is the RTL's CNT_W.
/// `0` equal, `1` different (clock, port output, port, expected, actual), `-1` bad input.
///
/// # Safety
/// `m` is null or a live handle; the arrays open array handles of this call.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn tessera_rx_check_ports(
    m: *mut TesseraModel,
    cnt_w: c_uint,
    block_lock: svOpenArrayHandle,
    marker_lock: svOpenArrayHandle,
    lane: svOpenArrayHandle,
    bip_errors: svOpenArrayHandle,
    slips: svOpenArrayHandle,
    block_lock_losses: svOpenArrayHandle,
    marker_lock_losses: svOpenArrayHandle,
    invalid_headers: svOpenArrayHandle,
    bits: svOpenArrayHandle,
) -> c_int {
    with_model(m, "tessera_rx_check_ports", |m| {
        let p = m.model.widths().channels;
        let c = cnt_w.clamp(1, 64);
        let mut v = read_many(&[
            (block_lock, "port_block_lock_o", p),
            (marker_lock, "port_marker_lock_o", p),
            (lane, "port_lane_o", 16 * p),
            (bip_errors, "port_bip_errors_o", c * p),
            (slips, "port_slips_o", c * p),
            (block_lock_losses, "port_block_lock_losses_o", c * p),
            (marker_lock_losses, "port_marker_lock_losses_o", c * p),
            (invalid_headers, "port_invalid_headers_o", c * p),
            (bits, "port_bits_o", 48 * p),
        ])?
        .into_iter();
        let mut next = || v.next().unwrap_or_default();
        let dut = PortBuses {
            block_lock: next(),
            marker_lock: next(),
            lane: next(),
            bip_errors: next(),
            slips: next(),
            block_lock_losses: next(),
            marker_lock_losses: next(),
            invalid_headers: next(),
            bits: next(),
        };
        m.model.rx_check_ports(&dut, cnt_w)?;
        Ok(0)
    })
}

/// Compares the DUT's link status outputs with the model's: after feeding clocks
/// `0 .. C-1`, read them before edge `C + 1` with zeros on `rx_serial_i` on clocks `C` and
/// `C + 1` (docs/spec.md 11.7). Scalars are one-word arrays. `0` equal, `1` different,
/// `-1` bad input.
///
/// # Safety
/// `m` is null or a live handle; the arrays open array handles of this call.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn tessera_rx_check_link(
    m: *mut TesseraModel,
    cnt_w: c_uint,
    aligned: svOpenArrayHandle,
    in_link: svOpenArrayHandle,
    skew: svOpenArrayHandle,
    stripes_out: svOpenArrayHandle,
    stripes_lost: svOpenArrayHandle,
    idle_slots: svOpenArrayHandle,
    unreadable_slots: svOpenArrayHandle,
    formations: svOpenArrayHandle,
    joins: svOpenArrayHandle,
    skew_fault: svOpenArrayHandle,
    skew_fault_spread: svOpenArrayHandle,
    skew_fault_early: svOpenArrayHandle,
    skew_fault_late: svOpenArrayHandle,
    dup_lane: svOpenArrayHandle,
    dup_lane_lane: svOpenArrayHandle,
    dup_lane_kept: svOpenArrayHandle,
    dup_lane_refused: svOpenArrayHandle,
) -> c_int {
    with_model(m, "tessera_rx_check_link", |m| {
        let p = m.model.widths().channels;
        let c = cnt_w.clamp(1, 64);
        let mut v = read_many(&[
            (aligned, "rx_aligned_o", 1),
            (in_link, "port_in_link_o", p),
            (skew, "port_skew_o", 48 * p),
            (stripes_out, "stripes_out_o", c),
            (stripes_lost, "stripes_lost_o", c),
            (idle_slots, "idle_slots_o", c),
            (unreadable_slots, "unreadable_slots_o", c),
            (formations, "formations_o", c),
            (joins, "joins_o", c),
            (skew_fault, "skew_fault_o", 1),
            (skew_fault_spread, "skew_fault_spread_o", 48),
            (skew_fault_early, "skew_fault_early_o", 16),
            (skew_fault_late, "skew_fault_late_o", 16),
            (dup_lane, "dup_lane_o", 1),
            (dup_lane_lane, "dup_lane_lane_o", 16),
            (dup_lane_kept, "dup_lane_kept_o", 16),
            (dup_lane_refused, "dup_lane_refused_o", 16),
        ])?
        .into_iter();
        let mut next = || v.next().unwrap_or_default();
        let dut = LinkBuses {
            aligned: next(),
            in_link: next(),
            skew: next(),
            stripes_out: next(),
            stripes_lost: next(),
            idle_slots: next(),
            unreadable_slots: next(),
            formations: next(),
            joins: next(),
            skew_fault: next(),
            skew_fault_spread: next(),
            skew_fault_early: next(),
            skew_fault_late: next(),
            dup_lane: next(),
            dup_lane_lane: next(),
            dup_lane_kept: next(),
            dup_lane_refused: next(),
        };
        m.model.rx_check_link(&dut, cnt_w)?;
        Ok(0)
    })
}

/// The model's per-port status as the RTL's port outputs show it on this clock, into the
/// nine arrays (the same buses as [`tessera_rx_check_ports`] takes).
///
/// # Safety
/// `m` is null or a live handle; the arrays open array handles of this call.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn tessera_rx_port_status(
    m: *mut TesseraModel,
    cnt_w: c_uint,
    block_lock: svOpenArrayHandle,
    marker_lock: svOpenArrayHandle,
    lane: svOpenArrayHandle,
    bip_errors: svOpenArrayHandle,
    slips: svOpenArrayHandle,
    block_lock_losses: svOpenArrayHandle,
    marker_lock_losses: svOpenArrayHandle,
    invalid_headers: svOpenArrayHandle,
    bits: svOpenArrayHandle,
) -> c_int {
    with_model(m, "tessera_rx_port_status", |m| {
        let p = m.model.widths().channels;
        let b = m.model.rx_port_buses(cnt_w)?;
        let c = cnt_w;
        for (h, name, width, v) in [
            (block_lock, "port_block_lock_o", p, &b.block_lock),
            (marker_lock, "port_marker_lock_o", p, &b.marker_lock),
            (lane, "port_lane_o", 16 * p, &b.lane),
            (bip_errors, "port_bip_errors_o", c * p, &b.bip_errors),
            (slips, "port_slips_o", c * p, &b.slips),
            (block_lock_losses, "port_block_lock_losses_o", c * p, &b.block_lock_losses),
            (marker_lock_losses, "port_marker_lock_losses_o", c * p, &b.marker_lock_losses),
            (invalid_headers, "port_invalid_headers_o", c * p, &b.invalid_headers),
            (bits, "port_bits_o", 48 * p, &b.bits),
        ] {
            write_bus(v, width, name, words(h, name)?)?;
        }
        Ok(0)
    })
}

/// The model's link status as the RTL's link outputs show it one clock after the clocks
/// fed so far, into the seventeen arrays (the same buses as [`tessera_rx_check_link`]
/// takes; scalars are one-word arrays).
///
/// # Safety
/// `m` is null or a live handle; the arrays open array handles of this call.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn tessera_rx_link_status(
    m: *mut TesseraModel,
    cnt_w: c_uint,
    aligned: svOpenArrayHandle,
    in_link: svOpenArrayHandle,
    skew: svOpenArrayHandle,
    stripes_out: svOpenArrayHandle,
    stripes_lost: svOpenArrayHandle,
    idle_slots: svOpenArrayHandle,
    unreadable_slots: svOpenArrayHandle,
    formations: svOpenArrayHandle,
    joins: svOpenArrayHandle,
    skew_fault: svOpenArrayHandle,
    skew_fault_spread: svOpenArrayHandle,
    skew_fault_early: svOpenArrayHandle,
    skew_fault_late: svOpenArrayHandle,
    dup_lane: svOpenArrayHandle,
    dup_lane_lane: svOpenArrayHandle,
    dup_lane_kept: svOpenArrayHandle,
    dup_lane_refused: svOpenArrayHandle,
) -> c_int {
    with_model(m, "tessera_rx_link_status", |m| {
        let p = m.model.widths().channels;
        let b = m.model.rx_link_buses(cnt_w)?;
        let c = cnt_w;
        for (h, name, width, v) in [
            (aligned, "rx_aligned_o", 1, &b.aligned),
            (in_link, "port_in_link_o", p, &b.in_link),
            (skew, "port_skew_o", 48 * p, &b.skew),
            (stripes_out, "stripes_out_o", c, &b.stripes_out),
            (stripes_lost, "stripes_lost_o", c, &b.stripes_lost),
            (idle_slots, "idle_slots_o", c, &b.idle_slots),
            (unreadable_slots, "unreadable_slots_o", c, &b.unreadable_slots),
            (formations, "formations_o", c, &b.formations),
            (joins, "joins_o", c, &b.joins),
            (skew_fault, "skew_fault_o", 1, &b.skew_fault),
            (skew_fault_spread, "skew_fault_spread_o", 48, &b.skew_fault_spread),
            (skew_fault_early, "skew_fault_early_o", 16, &b.skew_fault_early),
            (skew_fault_late, "skew_fault_late_o", 16, &b.skew_fault_late),
            (dup_lane, "dup_lane_o", 1, &b.dup_lane),
            (dup_lane_lane, "dup_lane_lane_o", 16, &b.dup_lane_lane),
            (dup_lane_kept, "dup_lane_kept_o", 16, &b.dup_lane_kept),
            (dup_lane_refused, "dup_lane_refused_o", 16, &b.dup_lane_refused),
        ] {
            write_bus(v, width, name, words(h, name)?)?;
        }
        Ok(0)
    })
}

/// Monotonic nanoseconds since an arbitrary start: lets a bench time its own loops (the
/// benches' "with model" / "without model" ratio).
#[no_mangle]
pub extern "C" fn tessera_now_ns() -> c_ulonglong {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos() as c_ulonglong
}
