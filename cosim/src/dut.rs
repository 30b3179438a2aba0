//! [`Dut`]: a DUT file built, loaded and bound to the port contract; [`TxDut`] and
//! [`RxDut`]: one instance of its TX or RX top, driven by role.
//!
//! [`Dut::load`] reads the DUT file, builds each top through the cache
//! ([`crate::verilate`]), loads the libraries and binds every mapped role to its port:
//! the port must exist in the Verilated model, point the right way and have the width the
//! contract asks for the link (docs/ports.md); every error names the DUT file, the line
//! of the role and both widths. A `Dut` is `Send + Sync`; instances are made per run.
//!
//! Clock protocol (docs/ports.md): for clock `c`, one call sets every input of the clock,
//! evaluates, reads the clock's outputs, then gives a rising and a falling edge of the
//! clock. Status outputs are read between clocks.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tessera_model::marker::SPARE_LANE;
use tessera_model::rx::{PortStatus, RxStatus};
use tessera_model::LinkParams;

use crate::dut_file::{DutSpec, Sides, TopSpec};
use crate::library::{Instance, Library};
use crate::port_table::Dir;
use crate::roles::{self, Role, Side, Timing};
use crate::verilate::{self, port_list, BuildOptions, Built};
use crate::DutError;

/// A role bound to a port of a loaded top.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The role.
    pub role: &'static Role,
    /// Port index in the library.
    pub port: u32,
    /// The DUT's port name.
    pub name: String,
    /// Width in bits.
    pub width: u32,
    /// Bits of one field (per port: one port's).
    pub field: u32,
}

/// One top, built and bound.
#[derive(Debug)]
pub struct BoundTop {
    /// What the DUT file says of it.
    pub spec: TopSpec,
    /// The cache entry.
    pub built: Built,
    lib: Arc<Library>,
    roles: Vec<Binding>,
    reset: u32,
}

impl BoundTop {
    /// The binding of a role, if mapped.
    pub fn role(&self, name: &str) -> Option<&Binding> {
        self.roles.iter().find(|b| b.role.name == name)
    }

    /// Every mapped role.
    pub fn roles(&self) -> &[Binding] {
        &self.roles
    }

    fn bind(spec: &DutSpec, top: &TopSpec, built: Built) -> Result<BoundTop, DutError> {
        let lib = Library::load(&built.library)?;
        let side = top.side.name();
        let port_err =
            |line: Option<usize>, message: String| DutError::Port { file: spec.file.clone(), line, message };
        let reset = lib
            .port(&top.reset)
            .filter(|&i| lib.ports()[i as usize].dir == Dir::In && lib.ports()[i as usize].width() == 1)
            .ok_or_else(|| {
                port_err(
                    None,
                    format!(
                        "[{side}] reset.port = \"{}\": the Verilated top `{}` has no 1-bit input of that name; its ports: {}",
                        top.reset,
                        top.top,
                        port_list(lib.ports())
                    ),
                )
            })?;
        let mut roles_out = Vec::new();
        for (role_name, port, line) in &top.ports {
            let role =
                roles::find(top.side, role_name).expect("roles were checked when the DUT file was read");
            let Some(i) = lib.port(port) else {
                return Err(port_err(
                    Some(*line),
                    format!(
                        "[{side}.ports] {role_name} = \"{port}\": the Verilated top `{}` has no port `{port}`; its ports: {}",
                        top.top,
                        port_list(lib.ports())
                    ),
                ));
            };
            let p = &lib.ports()[i as usize];
            let want = if role.input { Dir::In } else { Dir::Out };
            if p.dir != want && p.dir != Dir::InOut {
                return Err(port_err(
                    Some(*line),
                    format!(
                        "[{side}.ports] {role_name} = \"{port}\": the role is an {}, `{port}` is an {}",
                        want.name(),
                        p.dir.name()
                    ),
                ));
            }
            role.check_width(p.width(), &spec.link).map_err(|contract| {
                port_err(
                    Some(*line),
                    format!(
                        "[{side}.ports] {role_name} = \"{port}\": `{port}` is {} bits wide, the contract asks {contract} \
                         for lanes {}, spares {}, ser_w {}",
                        p.width(),
                        spec.link.lanes,
                        spec.link.spares,
                        spec.link.ser_w
                    ),
                )
            })?;
            roles_out.push(Binding {
                role,
                port: i,
                name: port.clone(),
                width: p.width(),
                field: role.field_bits(p.width(), &spec.link),
            });
        }
        // Report order: the contract's.
        roles_out.sort_by_key(|b| roles::ROLES.iter().position(|r| std::ptr::eq(r, b.role)));
        Ok(BoundTop { spec: top.clone(), built, lib, roles: roles_out, reset })
    }

    fn instance(&self) -> Result<Instance, DutError> {
        Instance::new(&self.lib)
    }

    /// The DUT's port name of a role ("" if unmapped).
    pub fn binding_name(&self, role: &str) -> String {
        self.role(role).map(|b| b.name.clone()).unwrap_or_default()
    }

    fn binding(&self, role: &str) -> &Binding {
        self.role(role).expect("required roles are mapped (checked when the DUT file was read)")
    }
}

/// A DUT: its file, link and tops, ready to instantiate.
#[derive(Debug)]
pub struct Dut {
    /// The resolved DUT file.
    pub spec: DutSpec,
    tx: Option<BoundTop>,
    rx: Option<BoundTop>,
}

impl Dut {
    /// Reads the DUT file at `path`, builds (or finds in the cache) and loads its tops.
    pub fn load(path: &Path, opts: &BuildOptions) -> Result<Dut, DutError> {
        let spec = DutSpec::load(path)?;
        Dut::from_spec(spec, opts)
    }

    /// Reads the DUT file at `path` and builds and loads only the tops `modes` need (a TX
    /// for tx and e2e, an RX for rx and e2e): a TX-only run of an e2e DUT builds no RX.
    pub fn load_for(
        path: &Path,
        opts: &BuildOptions,
        modes: &[crate::harness::Mode],
    ) -> Result<Dut, DutError> {
        use crate::harness::Mode;
        let spec = DutSpec::load(path)?;
        let tx = modes.iter().any(|&m| m != Mode::Rx);
        let rx = modes.iter().any(|&m| m != Mode::Tx);
        Dut::build_tops(spec, opts, tx, rx)
    }

    /// Builds and loads the tops of a resolved DUT file.
    pub fn from_spec(spec: DutSpec, opts: &BuildOptions) -> Result<Dut, DutError> {
        Dut::build_tops(spec, opts, true, true)
    }

    fn build_tops(spec: DutSpec, opts: &BuildOptions, want_tx: bool, want_rx: bool) -> Result<Dut, DutError> {
        let bind = |t: &Option<TopSpec>, want: bool| -> Result<Option<BoundTop>, DutError> {
            t.as_ref()
                .filter(|_| want)
                .map(|t| {
                    let built = verilate::build(&spec, t, opts)?;
                    BoundTop::bind(&spec, t, built)
                })
                .transpose()
        };
        let tx = bind(&spec.tx, want_tx)?;
        let rx = bind(&spec.rx, want_rx)?;
        Ok(Dut { spec, tx, rx })
    }

    /// Name for reports.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The DUT file.
    pub fn file(&self) -> &Path {
        &self.spec.file
    }

    /// The link configuration.
    pub fn link(&self) -> &LinkParams {
        &self.spec.link
    }

    /// Physical channels.
    pub fn channels(&self) -> u32 {
        self.spec.link.lanes + self.spec.link.spares
    }

    /// The TX top, if the DUT has one.
    pub fn tx_top(&self) -> Option<&BoundTop> {
        self.tx.as_ref()
    }

    /// The RX top, if the DUT has one.
    pub fn rx_top(&self) -> Option<&BoundTop> {
        self.rx.as_ref()
    }

    /// Which tops.
    pub fn sides(&self) -> Sides {
        self.spec.sides
    }

    /// Clocks from the last write of a lane-map change to the first slot that may use it
    /// (`[tx] map_delay`, 1 if not given).
    pub fn tx_map_delay(&self) -> u32 {
        self.tx.as_ref().map_or(1, |t| t.spec.map_delay)
    }

    /// The TX latency in clocks (the contract's is 2).
    pub fn tx_latency(&self) -> u32 {
        self.tx.as_ref().map_or(crate::dut_file::CONTRACT_TX_LATENCY, |t| t.spec.latency)
    }

    /// Whether a run in `mode` may have a failed channel in its lane map: the DUT has
    /// spares, and the model's TX makes the stimulus (rx) or the DUT's TX can be given a
    /// starting map.
    pub fn can_fail_channel(&self, mode: crate::harness::Mode) -> bool {
        self.spec.link.spares > 0
            && (mode == crate::harness::Mode::Rx
                || self.spec.tx.as_ref().is_none_or(TopSpec::can_program_start_map))
    }

    /// A new TX instance, clock low.
    pub fn new_tx(&self) -> Result<TxDut<'_>, DutError> {
        let top = self.tx.as_ref().ok_or_else(|| DutError::NoSide { dut: self.name().into(), side: "tx" })?;
        TxDut::new(top, &self.spec.link)
    }

    /// A new RX instance, clock low.
    pub fn new_rx(&self) -> Result<RxDut<'_>, DutError> {
        let top = self.rx.as_ref().ok_or_else(|| DutError::NoSide { dut: self.name().into(), side: "rx" })?;
        RxDut::new(top, &self.spec.link)
    }

    /// Status roles of the RX: compared (mapped) and not compared.
    pub fn rx_status_roles(&self) -> (Vec<&'static str>, Vec<&'static str>) {
        let all = roles::of_side(Side::Rx).filter(|r| r.timing != Timing::Data);
        let (mut yes, mut no) = (Vec::new(), Vec::new());
        for r in all {
            if self.rx.as_ref().is_some_and(|t| t.role(r.name).is_some()) {
                yes.push(r.name);
            } else {
                no.push(r.name);
            }
        }
        (yes, no)
    }
}

/// A frame field: offset and words.
#[derive(Debug, Clone, Copy)]
struct Field {
    at: usize,
    words: usize,
}

/// Lays out a frame over the ports, in order.
fn layout(inst: &Instance, ports: &[u32]) -> (Vec<Field>, usize) {
    let mut at = 0;
    let fields = ports
        .iter()
        .map(|&p| {
            let f = Field { at, words: inst.words(p) };
            at += f.words;
            f
        })
        .collect();
    (fields, at)
}

/// One instance of a DUT's TX top, driven by role.
pub struct TxDut<'d> {
    top: &'d BoundTop,
    inst: Instance,
    input: Vec<u32>,
    output: Vec<u32>,
    f_reset: Field,
    f_map_reset: Option<Field>,
    f_valid: Field,
    f_data: Field,
    f_map: Option<[Field; 4]>,
    o_ready: Field,
    o_serial: Field,
    asserted: u32,
}

impl<'d> TxDut<'d> {
    fn new(top: &'d BoundTop, _link: &LinkParams) -> Result<TxDut<'d>, DutError> {
        let mut inst = top.instance()?;
        let mut ins = vec![top.reset];
        let map_reset = top.role("map_reset").map(|b| b.port);
        ins.extend(map_reset);
        ins.push(top.binding("host_valid").port);
        ins.push(top.binding("host_data").port);
        let map = top.role("map_write").is_some();
        if map {
            ins.extend(roles::MAP_WRITE_ROLES.iter().map(|r| top.binding(r).port));
        }
        let outs = [top.binding("host_ready").port, top.binding("serial").port];
        inst.plan(&ins, &outs)?;
        let (fi, n_in) = layout(&inst, &ins);
        let (fo, n_out) = layout(&inst, &outs);
        let mut k = 0;
        let mut next = || {
            k += 1;
            fi[k - 1]
        };
        let f_reset = next();
        let f_map_reset = map_reset.map(|_| next());
        let f_valid = next();
        let f_data = next();
        let f_map = map.then(|| [next(), next(), next(), next()]);
        let asserted = u32::from(!top.spec.reset_active_low);
        let mut tx = TxDut {
            top,
            inst,
            input: vec![0; n_in],
            output: vec![0; n_out],
            f_reset,
            f_map_reset,
            f_valid,
            f_data,
            f_map,
            o_ready: fo[0],
            o_serial: fo[1],
            asserted,
        };
        tx.set_resets(true, true);
        Ok(tx)
    }

    fn set_resets(&mut self, reset: bool, map_reset: bool) {
        let a = self.asserted;
        self.input[self.f_reset.at] = if reset { a } else { a ^ 1 };
        if let Some(f) = self.f_map_reset {
            self.input[f.at] = if map_reset { a } else { a ^ 1 };
        }
    }

    /// The bound top.
    pub fn top(&self) -> &BoundTop {
        self.top
    }

    /// Whether the DUT has the lane-map write port.
    pub fn has_map_port(&self) -> bool {
        self.f_map.is_some()
    }

    /// Whether a starting lane map can be written before slot 0
    /// ([`TopSpec::can_program_start_map`]).
    pub fn can_program_start_map(&self) -> bool {
        self.top.spec.can_program_start_map()
    }

    /// Holds both resets for `clocks` clocks with the host idle, then releases the map
    /// reset (so lane-map writes can precede the datapath reset's release).
    pub fn reset(&mut self, clocks: u32) -> Result<(), DutError> {
        self.set_resets(true, true);
        for _ in 0..clocks {
            self.clock(false, None, None)?;
        }
        self.set_resets(true, false);
        Ok(())
    }

    /// Releases the datapath reset.
    pub fn release(&mut self) {
        self.set_resets(false, false);
    }

    /// 32-bit words of the host data bus.
    pub fn data_words(&self) -> usize {
        self.f_data.words
    }

    /// 32-bit words of the serial bus.
    pub fn serial_words(&self) -> usize {
        self.o_serial.words
    }

    /// One clock: host valid and data (`None`: zeros), a lane-map write
    /// `(channel, lane, failed)`; outputs of the clock are then [`TxDut::ready`] and
    /// [`TxDut::serial`].
    pub fn clock(
        &mut self,
        valid: bool,
        data: Option<&[u32]>,
        write: Option<(u16, u16, bool)>,
    ) -> Result<(), DutError> {
        self.input[self.f_valid.at] = u32::from(valid);
        let d = &mut self.input[self.f_data.at..self.f_data.at + self.f_data.words];
        match data {
            Some(w) => d.copy_from_slice(&w[..d.len()]),
            None => d.iter_mut().for_each(|x| *x = 0),
        }
        match (self.f_map, write) {
            (Some([wr, ch, lane, failed]), w) => {
                let (on, (c, l, f)) = match w {
                    Some(w) => (1, w),
                    None => (0, (0, 0, false)),
                };
                self.input[wr.at] = on;
                self.input[ch.at] = u32::from(c);
                self.input[lane.at] = u32::from(l);
                self.input[failed.at] = u32::from(f);
            }
            (None, Some(_)) => {
                return Err(DutError::NoMapPort { dut: self.top.spec.top.clone() });
            }
            (None, None) => {}
        }
        self.inst.clock(&self.input, &mut self.output, true)
    }

    /// The host-ready output of the last clock.
    pub fn ready(&self) -> bool {
        self.output[self.o_ready.at] & 1 == 1
    }

    /// The serial bus of the last clock.
    pub fn serial(&self) -> &[u32] {
        &self.output[self.o_serial.at..self.o_serial.at + self.o_serial.words]
    }

    /// The serial bus of the last clock, to change (checker self-tests).
    pub fn serial_mut(&mut self) -> &mut [u32] {
        let f = self.o_serial;
        &mut self.output[f.at..f.at + f.words]
    }

    /// Writes an FST waveform of everything from now on.
    pub fn trace_to(&mut self, path: &Path) -> Result<(), DutError> {
        self.inst.trace_to(path)
    }

    /// The benchmarks' baseline: the clocks of `frames` (whole input frames) in C++.
    pub fn clocks_native(&mut self, frames: &[u32]) -> Result<u64, DutError> {
        self.inst.clocks_native(frames)
    }

    /// The input frame of one clock as [`TxDut::clock`] would drive it (for
    /// [`TxDut::clocks_native`]).
    pub fn frame(&mut self, valid: bool, data: &[u32]) -> Vec<u32> {
        self.input[self.f_valid.at] = u32::from(valid);
        self.input[self.f_data.at..self.f_data.at + self.f_data.words]
            .copy_from_slice(&data[..self.f_data.words]);
        self.input.clone()
    }
}

/// One difference between an RX's status outputs and the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDiff {
    /// The DUT's port and the role: `rx_lock_o (block_lock)`.
    pub signal: String,
    /// `port 3`, or None for a link output.
    pub place: Option<String>,
    /// The model's value, as the port shows it.
    pub expected: String,
    /// The DUT's.
    pub actual: String,
}

/// One instance of a DUT's RX top, driven by role.
pub struct RxDut<'d> {
    top: &'d BoundTop,
    link: LinkParams,
    inst: Instance,
    input: Vec<u32>,
    output: Vec<u32>,
    f_reset: Field,
    f_serial: Field,
    o_valid: Field,
    o_data: Field,
    asserted: u32,
    scratch: Vec<u32>,
}

impl<'d> RxDut<'d> {
    fn new(top: &'d BoundTop, link: &LinkParams) -> Result<RxDut<'d>, DutError> {
        let mut inst = top.instance()?;
        let ins = [top.reset, top.binding("serial").port];
        let outs = [top.binding("valid").port, top.binding("data").port];
        inst.plan(&ins, &outs)?;
        let (fi, n_in) = layout(&inst, &ins);
        let (fo, n_out) = layout(&inst, &outs);
        let asserted = u32::from(!top.spec.reset_active_low);
        let mut rx = RxDut {
            top,
            link: *link,
            inst,
            input: vec![0; n_in],
            output: vec![0; n_out],
            f_reset: fi[0],
            f_serial: fi[1],
            o_valid: fo[0],
            o_data: fo[1],
            asserted,
            scratch: Vec::new(),
        };
        rx.input[rx.f_reset.at] = asserted;
        Ok(rx)
    }

    /// The bound top.
    pub fn top(&self) -> &BoundTop {
        self.top
    }

    /// Holds the reset for `clocks` clocks with zeros on the serial input, then releases
    /// it: the next clock is clock 0.
    pub fn reset(&mut self, clocks: u32) -> Result<(), DutError> {
        self.input[self.f_reset.at] = self.asserted;
        for _ in 0..clocks {
            self.clock(None)?;
        }
        self.input[self.f_reset.at] = self.asserted ^ 1;
        Ok(())
    }

    /// 32-bit words of the serial bus.
    pub fn serial_words(&self) -> usize {
        self.f_serial.words
    }

    /// One clock with this serial word (`None`: zeros); the stripe out of the clock is
    /// then [`RxDut::stripe`].
    pub fn clock(&mut self, serial: Option<&[u32]>) -> Result<(), DutError> {
        let f = self.f_serial;
        let d = &mut self.input[f.at..f.at + f.words];
        match serial {
            Some(w) => d.copy_from_slice(&w[..f.words]),
            None => d.iter_mut().for_each(|x| *x = 0),
        }
        self.inst.clock(&self.input, &mut self.output, true)
    }

    /// The stripe out on the last clock: lane i's word first.
    pub fn stripe(&self) -> Option<Vec<u64>> {
        if self.output[self.o_valid.at] & 1 == 0 {
            return None;
        }
        let d = &self.output[self.o_data.at..self.o_data.at + self.o_data.words];
        Some(
            (0..self.link.lanes as usize)
                .map(|i| u64::from(d[2 * i]) | (u64::from(d[2 * i + 1]) << 32))
                .collect(),
        )
    }

    /// Evaluates with the last inputs and reads the stripe output again, without a clock
    /// edge (the stripe of the clock after the last edge).
    pub fn peek(&mut self) -> Result<(), DutError> {
        self.inst.clock(&self.input, &mut self.output, false)
    }

    /// Writes an FST waveform of everything from now on.
    pub fn trace_to(&mut self, path: &Path) -> Result<(), DutError> {
        self.inst.trace_to(path)
    }

    /// Compares the status roles of `timing` (per-port roles, or the link's) as the
    /// outputs show them now with the model's `status`; the first difference.
    /// `ports` is the model's per-port status, `whole` its whole status (the link roles
    /// are compared only with it).
    pub fn compare_status(
        &mut self,
        ports: &[PortStatus],
        whole: Option<&RxStatus>,
        timing: Timing,
    ) -> Result<Option<StatusDiff>, DutError> {
        let p = (self.link.lanes + self.link.spares) as usize;
        for b in self.top.roles.iter().filter(|b| b.role.timing == timing) {
            let words = self.inst.words(b.port);
            self.scratch.resize(words, 0);
            self.inst.get(b.port, &mut self.scratch)?;
            let show = |v: u64| if b.field == 1 { (v == 1).to_string() } else { v.to_string() };
            if b.role.per_port() {
                for j in 0..p {
                    let Some(want) = expected_port(b.role.name, ports, j) else { continue };
                    let want = roles::fit(want, b.field, b.role.fit);
                    let got = get_bits(&self.scratch, j * b.field as usize, b.field);
                    if want != got {
                        return Ok(Some(StatusDiff {
                            signal: format!("{} ({})", b.name, b.role.name),
                            place: Some(format!("port {j}")),
                            expected: show(want),
                            actual: show(got),
                        }));
                    }
                }
            } else if let Some(want) = whole.and_then(|m| expected_link(b.role.name, m)) {
                let want = roles::fit(want, b.field, b.role.fit);
                let got = get_bits(&self.scratch, 0, b.field.min(64));
                if want != got {
                    return Ok(Some(StatusDiff {
                        signal: format!("{} ({})", b.name, b.role.name),
                        place: None,
                        expected: show(want),
                        actual: show(got),
                    }));
                }
            }
        }
        Ok(None)
    }
}

/// The model's value of a per-port role at port `j`; None where it is not compared (a
/// lane number without marker lock, a skew outside the link).
fn expected_port(role: &str, ports: &[PortStatus], j: usize) -> Option<u64> {
    let p = ports.get(j)?;
    Some(match role {
        "block_lock" => u64::from(p.block_lock),
        "marker_lock" => u64::from(p.marker_lock),
        "lane" => u64::from(if p.marker_lock { p.lane? } else { return None }),
        "bip_errors" => p.bip_errors,
        "slips" => p.slips,
        "block_lock_losses" => p.block_lock_losses,
        "marker_lock_losses" => p.marker_lock_losses,
        "invalid_headers" => p.invalid_headers,
        "bits" => p.bits,
        "in_link" => u64::from(p.skew_bits.is_some()),
        "skew" => p.skew_bits?,
        _ => return None,
    })
}

/// The model's value of a link role; None where it is not compared (the fields of a fault
/// that did not happen).
fn expected_link(role: &str, s: &RxStatus) -> Option<u64> {
    let c = &s.counters;
    Some(match role {
        "aligned" => u64::from(s.aligned),
        "stripes_out" => c.stripes_out,
        "stripes_lost" => c.stripes_lost,
        "idle_slots" => c.idle_slots,
        "unreadable_slots" => c.unreadable_slots,
        "formations" => c.formations,
        "joins" => c.joins,
        "skew_fault" => u64::from(s.skew_fault.is_some()),
        "skew_fault_spread" => s.skew_fault.as_ref()?.spread_bits,
        "skew_fault_early" => u64::from(s.skew_fault.as_ref()?.early_lane),
        "skew_fault_late" => u64::from(s.skew_fault.as_ref()?.late_lane),
        "dup_lane" => u64::from(s.duplicate_lane.is_some()),
        "dup_lane_lane" => u64::from(s.duplicate_lane?.0),
        "dup_lane_kept" => u64::from(s.duplicate_lane?.1),
        "dup_lane_refused" => u64::from(s.duplicate_lane?.2),
        _ => return None,
    })
}

/// Reads `width` (<= 64) bits at bit `at` of a bus of 32-bit words.
pub(crate) fn get_bits(bus: &[u32], at: usize, width: u32) -> u64 {
    let mut v = 0u64;
    let mut done = 0u32;
    while done < width.min(64) {
        let b = at + done as usize;
        let (word, shift) = (b / 32, (b % 32) as u32);
        let take = (32 - shift).min(width - done);
        let chunk = u64::from(bus.get(word).copied().unwrap_or(0) >> shift) & ((1u64 << take) - 1);
        v |= chunk << done;
        done += take;
    }
    v
}

/// The built-in DUT files of Tessera's own RTL (`cosim/duts/`).
pub fn builtin_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("duts")
}

/// The built-in DUT file of this name (`cosim/duts/<name>.toml`).
pub fn builtin(name: &str) -> Result<PathBuf, DutError> {
    let p = builtin_dir().join(format!("{name}.toml"));
    if p.is_file() {
        Ok(p)
    } else {
        Err(DutError::UnknownConfig { name: name.into(), built: builtin_names().join(", ") })
    }
}

/// Names of the built-in DUT files.
pub fn builtin_names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(builtin_dir())
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    v.sort_by_key(|n| ["one", "small", "mid", "wide"].iter().position(|x| x == n).unwrap_or(99));
    v
}

/// Keeps `SPARE_LANE` in the contract's docs and the role table in step.
const _: () = assert!(SPARE_LANE == 0xFFFF);
