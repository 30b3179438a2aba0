//! `tessera._tessera`: the Python class [`Model`], one golden-model instance clocked at the
//! RTL's ports ([`tessera_dpi::BenchModel`], the same as the DPI-C library's handle).
//!
//! Buses are Python ints (bit k of the bus is bit k of the int), laid out as the RTL's
//! ports. Bulk methods take and give lists, one entry per clock, so that a bench crosses
//! into Rust once per batch of clocks, not once per signal. Bad input raises `ValueError`
//! naming the argument and the clock; a difference between DUT and model is returned as
//! a message (clock, signal, channel / port / lane, expected, actual), `None` when equal.

// pyo3 0.22's #[pymethods] expansion converts PyErr into PyErr (clippy flags it).
#![allow(clippy::useless_conversion)]

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyInt, PyList};
use tessera_dpi::bench::{check_bus, BenchModel, CheckError, LinkBuses, PortBuses};

fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// An int of at most `width` bits as little-endian 64-bit limbs.
fn to_limbs(v: &Bound<'_, PyAny>, width: u32, name: &str) -> PyResult<Vec<u64>> {
    let n = (width as usize).div_ceil(64).max(1);
    if let Ok(x) = v.extract::<u64>() {
        let mut out = vec![0u64; n];
        out[0] = x;
        check_bus(name, &out, width).map_err(value_error)?;
        return Ok(out);
    }
    if !v.is_instance_of::<PyInt>() {
        return Err(value_error(format!("{name}: an int is needed, not {}", v.get_type().name()?)));
    }
    if v.lt(0)? {
        return Err(value_error(format!("{name}: {v} is negative")));
    }
    let bits: u64 = v.call_method0("bit_length")?.extract()?;
    if bits > u64::from(width) {
        return Err(value_error(format!(
            "{name}: the value has {bits} bits, but the bus is {width} bits wide"
        )));
    }
    let bytes = v.call_method1("to_bytes", (n * 8, "little"))?;
    let bytes = bytes.downcast::<PyBytes>()?.as_bytes();
    Ok(bytes.chunks(8).map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))).collect())
}

/// Little-endian limbs as an int.
fn to_int(py: Python<'_>, limbs: &[u64]) -> PyResult<PyObject> {
    if limbs.len() <= 1 {
        return Ok(limbs.first().copied().unwrap_or(0).into_py(py));
    }
    if limbs.len() == 2 {
        return Ok((u128::from(limbs[0]) | (u128::from(limbs[1]) << 64)).into_py(py));
    }
    let bytes: Vec<u8> = limbs.iter().flat_map(|l| l.to_le_bytes()).collect();
    Ok(py
        .get_type_bound::<PyInt>()
        .call_method1("from_bytes", (PyBytes::new_bound(py, &bytes), "little"))?
        .unbind())
}

fn check_message(r: Result<(), CheckError>) -> PyResult<Option<String>> {
    match r {
        Ok(()) => Ok(None),
        Err(CheckError::Mismatch(m)) => Ok(Some(m.to_string())),
        Err(CheckError::Input(e)) => Err(value_error(e)),
    }
}

/// The names of the RTL's per-port status outputs, in the order `rx_check_clocks` takes
/// them in a tuple.
const PORT_OUTPUTS: [&str; 9] = [
    "port_block_lock_o",
    "port_marker_lock_o",
    "port_lane_o",
    "port_bip_errors_o",
    "port_slips_o",
    "port_block_lock_losses_o",
    "port_marker_lock_losses_o",
    "port_invalid_headers_o",
    "port_bits_o",
];

/// The names of the RTL's link status outputs `rx_check_link` takes.
const LINK_OUTPUTS: [&str; 17] = [
    "rx_aligned_o",
    "port_in_link_o",
    "port_skew_o",
    "stripes_out_o",
    "stripes_lost_o",
    "idle_slots_o",
    "unreadable_slots_o",
    "formations_o",
    "joins_o",
    "skew_fault_o",
    "skew_fault_spread_o",
    "skew_fault_early_o",
    "skew_fault_late_o",
    "dup_lane_o",
    "dup_lane_lane_o",
    "dup_lane_kept_o",
    "dup_lane_refused_o",
];

fn port_widths(p: u32, cnt_w: u32) -> [u32; 9] {
    [p, p, 16 * p, cnt_w * p, cnt_w * p, cnt_w * p, cnt_w * p, cnt_w * p, 48 * p]
}

fn link_widths(p: u32, cnt_w: u32) -> [u32; 17] {
    [1, p, 48 * p, cnt_w, cnt_w, cnt_w, cnt_w, cnt_w, cnt_w, 1, 48, 16, 16, 1, 16, 16, 16]
}

fn port_vec(b: PortBuses) -> [Vec<u64>; 9] {
    [
        b.block_lock,
        b.marker_lock,
        b.lane,
        b.bip_errors,
        b.slips,
        b.block_lock_losses,
        b.marker_lock_losses,
        b.invalid_headers,
        b.bits,
    ]
}

fn port_buses(v: [Vec<u64>; 9]) -> PortBuses {
    let [block_lock, marker_lock, lane, bip_errors, slips, block_lock_losses, marker_lock_losses, invalid_headers, bits] =
        v;
    PortBuses {
        block_lock,
        marker_lock,
        lane,
        bip_errors,
        slips,
        block_lock_losses,
        marker_lock_losses,
        invalid_headers,
        bits,
    }
}

fn link_vec(b: LinkBuses) -> [Vec<u64>; 17] {
    [
        b.aligned,
        b.in_link,
        b.skew,
        b.stripes_out,
        b.stripes_lost,
        b.idle_slots,
        b.unreadable_slots,
        b.formations,
        b.joins,
        b.skew_fault,
        b.skew_fault_spread,
        b.skew_fault_early,
        b.skew_fault_late,
        b.dup_lane,
        b.dup_lane_lane,
        b.dup_lane_kept,
        b.dup_lane_refused,
    ]
}

fn link_buses(v: [Vec<u64>; 17]) -> LinkBuses {
    let [aligned, in_link, skew, stripes_out, stripes_lost, idle_slots, unreadable_slots, formations, joins, skew_fault, skew_fault_spread, skew_fault_early, skew_fault_late, dup_lane, dup_lane_lane, dup_lane_kept, dup_lane_refused] =
        v;
    LinkBuses {
        aligned,
        in_link,
        skew,
        stripes_out,
        stripes_lost,
        idle_slots,
        unreadable_slots,
        formations,
        joins,
        skew_fault,
        skew_fault_spread,
        skew_fault_early,
        skew_fault_late,
        dup_lane,
        dup_lane_lane,
        dup_lane_kept,
        dup_lane_refused,
    }
}

/// One golden-model instance clocked at the RTL's ports: host stimulus, TX, channel, RX.
///
/// `Model(config)` takes the `key: value` lines of `tessera gen` and of a vector header
/// (lanes, spares, am_period, max_skew_bits, ser_w, seed, stripes, random_skew, permute,
/// ber, dead, ...); a bad line raises ValueError with its line and column.
#[pyclass(module = "tessera._tessera", unsendable)]
pub struct Model {
    inner: BenchModel,
}

#[pymethods]
impl Model {
    #[new]
    #[pyo3(signature = (config, origin = "config"))]
    fn new(config: &str, origin: &str) -> PyResult<Model> {
        BenchModel::from_config(config, origin).map(|inner| Model { inner }).map_err(value_error)
    }

    /// Data lanes N.
    #[getter]
    fn lanes(&self) -> u32 {
        self.inner.widths().lanes
    }
    /// Spares S.
    #[getter]
    fn spares(&self) -> u32 {
        self.inner.widths().spares
    }
    /// Channels P = N + S.
    #[getter]
    fn channels(&self) -> u32 {
        self.inner.widths().channels
    }
    /// SER_W.
    #[getter]
    fn ser_w(&self) -> u32 {
        self.inner.widths().ser_w
    }
    /// AM_PERIOD.
    #[getter]
    fn am_period(&self) -> u32 {
        self.inner.set().params.am_period
    }
    /// MAX_SKEW_BITS.
    #[getter]
    fn max_skew_bits(&self) -> u32 {
        self.inner.set().params.max_skew_bits
    }
    /// The seed (channel model and host stimulus).
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.set().params.seed
    }
    /// Clocks per block period K = 66 / SER_W.
    #[getter]
    fn clocks_per_block(&self) -> u64 {
        self.inner.clocks_per_block()
    }
    /// Clocks of the configuration's run (slots x K).
    #[getter]
    fn run_clocks(&self) -> u64 {
        self.inner.run_clocks()
    }
    /// Width of tx_data_i / rx_data_o: 64 N.
    #[getter]
    fn data_width(&self) -> u32 {
        self.inner.widths().data
    }
    /// Width of tx_serial_o / rx_serial_i: SER_W P.
    #[getter]
    fn serial_width(&self) -> u32 {
        self.inner.widths().serial
    }

    /// The configuration as `key: value` lines.
    fn describe(&self) -> String {
        self.inner.describe()
    }

    /// Raises ValueError unless the RTL's parameters are the configuration's
    /// (`max_skew_bits=None` for a TX).
    #[pyo3(signature = (lanes, spares, am_period, ser_w, max_skew_bits = None))]
    fn check_rtl(
        &self,
        lanes: u32,
        spares: u32,
        am_period: u32,
        ser_w: u32,
        max_skew_bits: Option<u32>,
    ) -> PyResult<()> {
        self.inner.check_rtl_params(lanes, spares, am_period, ser_w, max_skew_bits).map_err(value_error)
    }

    /// The TX lane-map entry of a channel, `{failed, lane[15:0]}` (lane 0xffff: a spare).
    fn tx_map_entry(&self, channel: u32) -> PyResult<u32> {
        self.inner.tx_map_entry(channel).map_err(value_error)
    }

    /// The host's next `n` clocks of stimulus: (list of tx_valid_i, list of tx_data_i).
    fn host_clocks(&mut self, py: Python<'_>, n: usize) -> PyResult<(Vec<bool>, Vec<PyObject>)> {
        let mut valid = Vec::with_capacity(n);
        let mut data = Vec::with_capacity(n);
        for _ in 0..n {
            let (v, d) = self.inner.host_clock();
            valid.push(v);
            data.push(to_int(py, d)?);
        }
        Ok((valid, data))
    }

    /// TX clocks: tx_valid_i and tx_data_i per clock in; (expected tx_ready_o, expected
    /// tx_serial_o) per clock out.
    fn tx_clocks(
        &mut self,
        py: Python<'_>,
        valid: Vec<bool>,
        data: &Bound<'_, PyList>,
    ) -> PyResult<(Vec<bool>, Vec<PyObject>)> {
        if valid.len() != data.len() {
            return Err(value_error(format!("{} valid values but {} data values", valid.len(), data.len())));
        }
        let w = self.inner.widths().data;
        let mut ready = Vec::with_capacity(valid.len());
        let mut serial = Vec::with_capacity(valid.len());
        for (i, (v, d)) in valid.iter().zip(data.iter()).enumerate() {
            let c = self.inner.tx_clocks();
            let d = to_limbs(&d, w, &format!("tx_data_i[{i}] (clock {c})"))?;
            ready.push(self.inner.tx_clock(*v, &d).map_err(value_error)?);
            serial.push(to_int(py, self.inner.tx_serial())?);
        }
        Ok((ready, serial))
    }

    /// TX scoreboard: runs the model over these clocks' inputs (tx_valid_i, tx_data_i) and
    /// compares the DUT's outputs of each (tx_ready_o, tx_serial_o). The first difference as
    /// a message, or None. The model's clocks go on from where the last call stopped.
    fn tx_check_clocks(
        &mut self,
        valid: Vec<bool>,
        data: &Bound<'_, PyList>,
        ready: Vec<bool>,
        serial: &Bound<'_, PyList>,
    ) -> PyResult<Option<String>> {
        let n = valid.len();
        if data.len() != n || ready.len() != n || serial.len() != n {
            return Err(value_error(format!(
                "lists of different lengths: valid {n}, data {}, ready {}, serial {}",
                data.len(),
                ready.len(),
                serial.len()
            )));
        }
        let w = self.inner.widths();
        for i in 0..n {
            let c = self.inner.tx_clocks();
            let d = to_limbs(&data.get_item(i)?, w.data, &format!("tx_data_i (clock {c})"))?;
            let s = to_limbs(&serial.get_item(i)?, w.serial, &format!("tx_serial_o (clock {c})"))?;
            self.inner.tx_clock(valid[i], &d).map_err(value_error)?;
            if let Some(m) = check_message(self.inner.tx_check(ready[i], &s))? {
                return Ok(Some(m));
            }
        }
        Ok(None)
    }

    /// Channel: clocks of tx_serial_o (from clock 0) in; every clock of rx_serial_i the
    /// channel model completes out (it lags by the TX latency and a block period).
    fn channel(&mut self, py: Python<'_>, serial: &Bound<'_, PyList>) -> PyResult<Vec<PyObject>> {
        let w = self.inner.widths().serial;
        let mut out = Vec::new();
        for (i, s) in serial.iter().enumerate() {
            let s = to_limbs(&s, w, &format!("tx_serial_o[{i}]"))?;
            self.inner.channel_put(&s).map_err(value_error)?;
            while let Some(word) = self.inner.channel_get() {
                out.push(to_int(py, &word)?);
            }
        }
        Ok(out)
    }

    /// RX clocks: the rx_serial_i words in; the stripes the model's RX hands out (ints of
    /// 64 N bits) out. Use this or rx_check_clocks, not both (they share the stripe queue).
    fn rx_clocks(&mut self, py: Python<'_>, serial: &Bound<'_, PyList>) -> PyResult<Vec<PyObject>> {
        let w = self.inner.widths().serial;
        let mut out = Vec::new();
        for (i, s) in serial.iter().enumerate() {
            let s = to_limbs(&s, w, &format!("rx_serial_i[{i}]"))?;
            self.inner.rx_clock(&s).map_err(value_error)?;
            while let Some(stripe) = self.inner.rx_stripe() {
                out.push(to_int(py, &stripe)?);
            }
        }
        Ok(out)
    }

    /// RX scoreboard over a batch of clocks. Per clock: `serial` the rx_serial_i word the
    /// DUT got, `stripes` its rx_data_o if rx_valid_o was high (else None), `ports` (or
    /// None to skip) a tuple of the nine per-port status outputs read before the clock's
    /// edge, in the order of `PORT_OUTPUTS`. The first difference as a message, or None.
    #[pyo3(signature = (serial, stripes, ports = None, cnt_w = 32))]
    fn rx_check_clocks(
        &mut self,
        serial: &Bound<'_, PyList>,
        stripes: &Bound<'_, PyList>,
        ports: Option<&Bound<'_, PyList>>,
        cnt_w: u32,
    ) -> PyResult<Option<String>> {
        let n = serial.len();
        if stripes.len() != n || ports.is_some_and(|p| p.len() != n) {
            return Err(value_error(format!(
                "lists of different lengths: serial {n}, stripes {}, ports {}",
                stripes.len(),
                ports.map_or(n, |p| p.len())
            )));
        }
        let w = self.inner.widths();
        let pw = port_widths(w.channels, cnt_w);
        for i in 0..n {
            let c = self.inner.rx_clocks();
            if let Some(ports) = ports {
                let t = ports.get_item(i)?;
                let mut v: [Vec<u64>; 9] = Default::default();
                for (k, slot) in v.iter_mut().enumerate() {
                    *slot = to_limbs(&t.get_item(k)?, pw[k], &format!("{} (clock {c})", PORT_OUTPUTS[k]))?;
                }
                if let Some(m) = check_message(self.inner.rx_check_ports(&port_buses(v), cnt_w))? {
                    return Ok(Some(m));
                }
            }
            let s = stripes.get_item(i)?;
            if !s.is_none() {
                let d = to_limbs(&s, w.data, &format!("rx_data_o (clock {c})"))?;
                if let Some(m) = check_message(self.inner.rx_check_stripe(&d))? {
                    return Ok(Some(m));
                }
            }
            let word = to_limbs(&serial.get_item(i)?, w.serial, &format!("rx_serial_i (clock {c})"))?;
            self.inner.rx_clock(&word).map_err(value_error)?;
        }
        Ok(None)
    }

    /// A stripe the DUT showed after the last fed clock (the run's end, when the model is
    /// no longer fed), compared in order. The difference as a message, or None.
    fn rx_check_stripe(&mut self, data: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        let d = to_limbs(data, self.inner.widths().data, "rx_data_o")?;
        check_message(self.inner.rx_check_stripe(&d))
    }

    /// The DUT's per-port status outputs now (a dict by RTL port name) against the model's.
    #[pyo3(signature = (ports, cnt_w = 32))]
    fn rx_check_ports(&self, ports: &Bound<'_, PyDict>, cnt_w: u32) -> PyResult<Option<String>> {
        let pw = port_widths(self.inner.widths().channels, cnt_w);
        let mut v: [Vec<u64>; 9] = Default::default();
        for (k, slot) in v.iter_mut().enumerate() {
            let item = ports
                .get_item(PORT_OUTPUTS[k])?
                .ok_or_else(|| value_error(format!("ports: no `{}`", PORT_OUTPUTS[k])))?;
            *slot = to_limbs(&item, pw[k], PORT_OUTPUTS[k])?;
        }
        check_message(self.inner.rx_check_ports(&port_buses(v), cnt_w))
    }

    /// The DUT's link status outputs (a dict by RTL port name: `LINK_OUTPUTS`) against the
    /// model's: after feeding clocks 0..C-1, read them before edge C + 1 with zeros on
    /// rx_serial_i on clocks C and C + 1 (not fed to the model).
    #[pyo3(signature = (link, cnt_w = 32))]
    fn rx_check_link(&self, link: &Bound<'_, PyDict>, cnt_w: u32) -> PyResult<Option<String>> {
        let lw = link_widths(self.inner.widths().channels, cnt_w);
        let mut v: [Vec<u64>; 17] = Default::default();
        for (k, slot) in v.iter_mut().enumerate() {
            let item = link
                .get_item(LINK_OUTPUTS[k])?
                .ok_or_else(|| value_error(format!("link: no `{}`", LINK_OUTPUTS[k])))?;
            *slot = to_limbs(&item, lw[k], LINK_OUTPUTS[k])?;
        }
        check_message(self.inner.rx_check_link(&link_buses(v), cnt_w))
    }

    /// End of a run: None if the DUT showed exactly the model's stripes, else a message.
    fn rx_check_done(&self) -> PyResult<Option<String>> {
        check_message(self.inner.rx_check_done())
    }

    /// Stripes the DUT showed that equalled the model's.
    #[getter]
    fn rx_stripes_matched(&self) -> u64 {
        self.inner.rx_stripes_matched()
    }

    /// RX clocks fed so far.
    #[getter]
    fn rx_clocks_fed(&self) -> u64 {
        self.inner.rx_clocks()
    }

    /// The model's per-port status as the RTL's outputs show it now (dict by port name).
    #[pyo3(signature = (cnt_w = 32))]
    fn rx_port_outputs(&self, py: Python<'_>, cnt_w: u32) -> PyResult<Py<PyDict>> {
        let d = PyDict::new_bound(py);
        for (k, v) in port_vec(self.inner.rx_port_buses(cnt_w).map_err(value_error)?).iter().enumerate() {
            d.set_item(PORT_OUTPUTS[k], to_int(py, v)?)?;
        }
        Ok(d.unbind())
    }

    /// The model's link status as the RTL's outputs show it one clock after the last fed
    /// (dict by port name).
    #[pyo3(signature = (cnt_w = 32))]
    fn rx_link_outputs(&self, py: Python<'_>, cnt_w: u32) -> PyResult<Py<PyDict>> {
        let d = PyDict::new_bound(py);
        for (k, v) in link_vec(self.inner.rx_link_buses(cnt_w).map_err(value_error)?).iter().enumerate() {
            d.set_item(LINK_OUTPUTS[k], to_int(py, v)?)?;
        }
        Ok(d.unbind())
    }
}

/// The compiled part of the `tessera` package.
#[pymodule]
fn _tessera(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add("PORT_OUTPUTS", PORT_OUTPUTS.to_vec())?;
    m.add("LINK_OUTPUTS", LINK_OUTPUTS.to_vec())?;
    Ok(())
}
